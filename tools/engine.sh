#!/usr/bin/env bash
# Make sure a Docker engine answers. An engine that already answers is used as it is (DOCKER_HOST, docker
# context, Docker Desktop — also through WSL integration —, dockerd, rootless). Only on Debian/Ubuntu as root,
# with no engine installed at all and outside WSL, does it install a current engine (below) and start dockerd.
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

# A current engine (28 or newer, with BuildKit's client buildx), from the first source that answers:
# 1. Docker's own repository (docker-ce, buildx and Compose plugins): what Docker documents for Debian/Ubuntu.
# 2. Debian's own packages: the release's docker.io when it is current; on Debian 12 (20.10, unsupported upstream
#    since 2023) the testing suite's docker.io, docker-cli and docker-buildx (forky: 28.5.2, 0.29.1), which need
#    only libc6 >= 2.34 and take bookworm's containerd and runc (and forky's static tini-static). The forky source is pinned at priority 100, so it
#    never upgrades anything else. LEARN_DOCKER_ENGINE_SOURCE=docker|debian chooses instead of trying in order.
apt_quiet() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }

from_docker() {
  . /etc/os-release
  command -v curl >/dev/null 2>&1 || return 1
  key=$(mktemp)
  if ! curl -fsS --max-time 10 -o "$key" "https://download.docker.com/linux/$ID/gpg" 2>/dev/null; then
    rm -f "$key"
    return 1
  fi
  echo "[engine] Docker 공식 저장소에서 docker-ce를 설치합니다"
  install -d -m 0755 /etc/apt/keyrings
  install -m 0644 "$key" /etc/apt/keyrings/docker.asc
  rm -f "$key"
  echo "deb [arch=$(dpkg --print-architecture) signed-by=/etc/apt/keyrings/docker.asc]" \
    "https://download.docker.com/linux/$ID $VERSION_CODENAME stable" > /etc/apt/sources.list.d/docker.list
  apt-get update -qq
  apt_quiet docker-ce docker-ce-cli containerd.io docker-buildx-plugin docker-compose-plugin
}

from_debian() {
  apt-get update -qq
  candidate=$(apt-cache policy docker.io | sed -n 's/^ *Candidate: \([0-9]*\)\..*/\1/p')
  if [ -n "$candidate" ] && [ "$candidate" -ge 28 ]; then
    echo "[engine] 배포판의 docker.io $candidate.x를 설치합니다"
    apt_quiet docker.io docker-buildx || apt_quiet docker.io
    return
  fi
  . /etc/os-release
  if [ "${ID:-}" != debian ]; then
    echo "[engine] 배포판의 docker.io가 오래되었지만(${candidate:-없음}) 그대로 설치합니다. 최신 엔진: https://docs.docker.com/engine/install/" >&2
    apt_quiet docker.io
    return
  fi
  echo "[engine] Debian 테스트 배포판(forky)의 docker.io·docker-cli·docker-buildx 28.x를 설치합니다 (다른 패키지는 그대로)"
  echo "deb http://deb.debian.org/debian forky main" > /etc/apt/sources.list.d/learn-docker-ko-forky.list
  printf 'Package: *\nPin: release n=forky\nPin-Priority: 100\n' > /etc/apt/preferences.d/learn-docker-ko-forky
  apt-get update -qq
  apt_quiet --no-install-recommends docker.io/forky docker-cli/forky docker-buildx/forky
}

if ! command -v dockerd >/dev/null 2>&1; then
  case "${LEARN_DOCKER_ENGINE_SOURCE:-}" in
    docker) from_docker ;;
    debian) from_debian ;;
    *) from_docker || from_debian ;;
  esac
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "[engine] dockerd를 시작합니다 (로그: $LOG)"
  nohup dockerd >"$LOG" 2>&1 &
fi

if wait_for_engine 60; then echo "[engine] 준비 완료"; exit 0; fi
echo "[engine] dockerd가 60초 안에 응답하지 않았습니다. $LOG 를 확인하세요." >&2
exit 1
