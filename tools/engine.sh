#!/usr/bin/env bash
# Make sure a Docker engine answers. Uses one that runs (DOCKER_HOST, Docker Desktop, dockerd);
# on Debian/Ubuntu as root installs Debian's docker.io and starts dockerd; otherwise explains.
set -euo pipefail
PY=${PY:-python3}

answers() { "$PY" -c 'import helpers; helpers.client()' >/dev/null 2>&1; }

if answers; then
  echo "[engine] Docker 엔진이 응답합니다."
  exit 0
fi

if [ "$(uname -s)" != "Linux" ]; then
  cat <<'MSG'
[engine] Docker 엔진에 연결할 수 없습니다.
  macOS/Windows: Docker Desktop을 설치해 실행하고, 고래 아이콘이 '실행 중'이 될 때까지 기다린 뒤 다시 실행하세요.
  Windows에서는 WSL2 백엔드를 켜고, 이 저장소를 WSL2 안(Ubuntu 등)에서 여는 것을 권합니다.
MSG
  exit 1
fi

if [ "$(id -u)" != "0" ] || [ ! -f /etc/debian_version ]; then
  cat <<'MSG'
[engine] Docker 엔진에 연결할 수 없습니다.
  - Docker가 설치되어 있다면: sudo systemctl start docker
  - 소켓 권한 문제라면: sudo usermod -aG docker $USER 후 다시 로그인
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
  echo "[engine] dockerd를 시작합니다 (로그: /var/log/learn-docker-ko-dockerd.log)"
  nohup dockerd >/var/log/learn-docker-ko-dockerd.log 2>&1 &
fi

# poll until the engine answers (about 2 s; give up after 60 s)
for _ in $(seq 1 300); do
  if answers; then echo "[engine] 준비 완료"; exit 0; fi
  sleep 0.2
done
echo "[engine] dockerd가 60초 안에 응답하지 않았습니다. /var/log/learn-docker-ko-dockerd.log를 확인하세요." >&2
exit 1
