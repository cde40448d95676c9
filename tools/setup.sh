#!/usr/bin/env bash
# Set up the course: Python environment (.venv), the Docker engine, and the offline image kit.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

if [ ! -x "$VENV/bin/python" ]; then
  echo "[setup] 가상환경 $VENV 를 만듭니다"
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip >/dev/null
      python3 -m venv "$VENV"
    else
      echo "[setup] python3 -m venv 가 동작하지 않습니다. python3-venv 패키지를 설치하세요." >&2; exit 1
    fi
  fi
fi
echo "[setup] 패키지를 설치합니다 (pyproject.toml)"
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
"$VENV/bin/python" -m pip install -q -e ".[dev]"

PY="$VENV/bin/python" bash tools/engine.sh
echo "[setup] 과정 이미지(오프라인 키트)를 준비합니다"
"$VENV/bin/python" -m helpers kit
