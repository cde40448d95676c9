#!/usr/bin/env bash
# The whole test suite: set up (engine and test tools included), then unit, engine, notebook, grading and
# browser tests. As root on Debian/Ubuntu it installs the Debian packages the tests need (below).
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
exec .venv/bin/python -m pytest "$@"
