#!/usr/bin/env bash
# Make sure a Docker engine answers. An engine that already answers is used as it is (DOCKER_HOST, docker
# context, Docker Desktop — also through WSL integration —, dockerd, rootless). Only on Debian/Ubuntu as root,
# with no engine installed at all and outside WSL, does it install Debian's docker.io and start dockerd.
# Runs under macOS's bash 3.2.
set -euo pipefail
PY=${PY:-python3}
LOG=/var/log/learn-docker-ko-dockerd.log

answers() { "$PY" -c 'import helpers; helpers.client()' >/dev/null 2>&1; }

wait_for_engine() {  # wait_for_engine SECONDS
  n=$(($1 * 5))
  while [ "$n" -gt 0 ]; do
    if answers; then return 0; fi
    sleep 0.2
    n=$((n - 1))
  done
  return 1
}

if answers; then
  echo "[engine] Docker 엔진이 응답합니다."
  exit 0
fi

# Without the course package no answer means nothing: never install an engine because of an import error.
if ! "$PY" -c 'import helpers' >/dev/null 2>&1; then
  echo "[engine] 과정 패키지(helpers)를 불러올 수 없어 엔진을 확인하지 못했습니다:" >&2
  "$PY" -c 'import helpers' >&2 || true
  exit 1
fi

in_wsl() { [ -n "${WSL_DISTRO_NAME:-}" ] || grep -qi microsoft /proc/version 2>/dev/null; }

if [ "$(uname -s)" != "Linux" ]; then
  cat <<'MSG'
[engine] Docker 엔진에 연결할 수 없습니다.
  macOS/Windows: Docker Desktop을 설치해 실행하고, 고래 아이콘이 '실행 중'이 될 때까지 기다린 뒤 다시 실행하세요.
MSG
  exit 1
fi

if in_wsl; then
  # Windows: the engine is Docker Desktop's; installing a second one inside WSL would hide it.
  cat <<'MSG'
[engine] Docker 엔진에 연결할 수 없습니다 (WSL).
  1. Windows에서 Docker Desktop을 실행하고 고래 아이콘이 '실행 중'이 될 때까지 기다리세요.
  2. Docker Desktop의 Settings → Resources → WSL integration에서 이 배포판(Ubuntu 등)을 켜세요.
  3. 이 터미널을 닫았다가 다시 열고 bash tools/lab.sh 를 다시 실행하세요.
MSG
  exit 1
fi

# A dockerd that is still starting (a devcontainer's docker-in-docker, a rootless one) gets time to answer.
if pgrep -x dockerd >/dev/null 2>&1 || pgrep -f dockerd-rootless >/dev/null 2>&1; then
  echo "[engine] 엔진이 시작되기를 기다립니다 (최대 30초)"
  if wait_for_engine 30; then echo "[engine] 준비 완료"; exit 0; fi
fi

if [ "$(id -u)" != "0" ] || [ ! -f /etc/debian_version ]; then
  cat <<'MSG'
[engine] Docker 엔진에 연결할 수 없습니다.
  - Docker가 설치되어 있다면: sudo systemctl start docker
  - 소켓 권한 문제라면: sudo usermod -aG docker $USER 후 다시 로그인
  - rootless Docker라면: systemctl --user start docker, 그리고 DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock
  - Debian/Ubuntu에서 root로 이 스크립트를 실행하면 docker.io를 설치하고 dockerd를 시작합니다.
MSG
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "[engine] Debian의 docker.io를 설치합니다 (약 20초)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "[engine] dockerd를 시작합니다 (로그: $LOG)"
  nohup dockerd >"$LOG" 2>&1 &
fi

if wait_for_engine 60; then echo "[engine] 준비 완료"; exit 0; fi
echo "[engine] dockerd가 60초 안에 응답하지 않았습니다. $LOG 를 확인하세요." >&2
exit 1
