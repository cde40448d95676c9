#!/usr/bin/env bash
# The whole test suite: set up (engine and test tools included), then unit, engine, notebook, grading and
# browser tests on the system's engine, then the engine tier and the notebooks on two more engines (lanes below). As root on Debian/Ubuntu it installs the Debian packages the tests need (below).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --dev
# Debian packages the tests need, as root: chromium for the browser test (no download), and rootlesskit,
# slirp4netns, uidmap, bubblewrap for isolated grading (a rootless engine and private views per grading worker).
need=""
[ -x /usr/bin/chromium ] || need="$need chromium fonts-nanum"
command -v rootlesskit >/dev/null 2>&1 || need="$need rootlesskit slirp4netns uidmap"
command -v bwrap >/dev/null 2>&1 || need="$need bubblewrap"
command -v ip >/dev/null 2>&1 || need="$need iproute2"
# the class server's tests: configurable-http-proxy (npm) and each learner's disk image (mkfs.ext4)
command -v npm >/dev/null 2>&1 || need="$need nodejs npm"
command -v mkfs.ext4 >/dev/null 2>&1 || need="$need e2fsprogs"
if [ -n "$need" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "[test] 테스트에 필요한 Debian 패키지를 설치합니다:$need"
  apt-get update -qq
  # shellcheck disable=SC2086 # a list of package names
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
.venv/bin/python -m ruff check helpers tests benchmarks tools

# Engine lanes. 1) the system's engine runs the whole suite: on a fresh Debian 12 tools/engine.sh installs a
# current one (Engine 28 with buildx: the main lane). Then the engine tier and every notebook again on
# 2) "containerd": the same engine with the containerd image store (Docker Desktop's default), and
# 3) "oldest": Engine 20.10 (Debian 12's docker.io, unpacked beside the system's, classic builder as its learners
# have it), the oldest the course supports. tools/lane.sh runs them. LEARN_DOCKER_LANES=system skips 2) and 3)
# (they need Linux, root and Debian's package mirror).
lanes=${LEARN_DOCKER_LANES:-system containerd oldest}
system_version=$(docker version --format '{{.Server.Version}}' 2>/dev/null || echo "?")
status=0
.venv/bin/python -m pytest "$@" || status=$?
ran="system $system_version (전체)"
for lane in $lanes; do
  [ "$lane" = system ] && continue
  if [ "$(uname -s)" != Linux ] || [ "$(id -u)" != 0 ]; then
    ran="$ran, $lane (Linux root에서만: 건너뜀)"
    continue
  fi
  bash tools/lane.sh start "$lane"
  lane_status=0
  bash tools/lane.sh run .venv/bin/python -m pytest tests/integration tests/test_notebooks.py \
    --deselect tests/integration/test_kit.py "$@" || lane_status=$?
  version=$(bash tools/lane.sh run docker version --format '{{.Server.Version}}' 2>/dev/null || echo "?")
  bash tools/lane.sh stop
  ran="$ran, $lane $version (엔진 계층과 노트북)"
  [ "$lane_status" = 0 ] || status=$lane_status
done
echo "[test] 실행한 엔진 레인: $ran"
exit "$status"
