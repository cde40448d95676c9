#!/usr/bin/env bash
# The whole test suite: set up (engine and test tools included), then unit, engine, notebook, grading and
# browser tests on the system's engine, then the engine tier and the notebooks on a current engine (lanes below). As root on Debian/Ubuntu it installs the Debian packages the tests need (below).
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
if [ -n "$need" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "[test] 테스트에 필요한 Debian 패키지를 설치합니다:$need"
  apt-get update -qq
  # shellcheck disable=SC2086 # a list of package names
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
.venv/bin/python -m ruff check helpers tests benchmarks tools

# Engine lanes. 1) the system's engine — on Debian 12 its docker.io 20.10, the oldest engine the course supports
# (preflight names older ones) — runs the whole suite. 2) "current": Engine 28 (Debian's forky packages, unpacked
# beside the system's by tools/lane.sh) runs the engine tier and every notebook again. LEARN_DOCKER_LANES=system
# skips the second (it needs Linux, root and Debian's package mirror, or an engine 28 already installed).
lanes=${LEARN_DOCKER_LANES:-system current}
system_version=$(docker version --format '{{.Server.Version}}' 2>/dev/null || echo "?")
status=0
.venv/bin/python -m pytest "$@" || status=$?
ran="system $system_version (전체)"
case " $lanes " in
  *" current "*)
    if [ "$(uname -s)" = Linux ] && [ "$(id -u)" = 0 ]; then
      bash tools/lane.sh start
      lane_status=0
      bash tools/lane.sh run .venv/bin/python -m pytest tests/integration tests/test_notebooks.py \
        --deselect tests/integration/test_kit.py "$@" || lane_status=$?
      current_version=$(bash tools/lane.sh run docker version --format '{{.Server.Version}}' 2>/dev/null || echo "?")
      bash tools/lane.sh stop
      ran="$ran, current $current_version (엔진 계층과 노트북)"
      [ "$lane_status" = 0 ] || status=$lane_status
    else
      ran="$ran (current 레인은 Linux root에서만: 건너뜀)"
    fi
    ;;
esac
echo "[test] 실행한 엔진 레인: $ran"
exit "$status"
