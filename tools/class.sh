#!/usr/bin/env bash
# The class server: JupyterHub on this Linux machine (root), each learner with a server and a Docker engine of their own.
#   bash tools/class.sh up ROSTER     set up (packages, proxy, kit), then start the hub in the background
#   bash tools/class.sh warm          start every learner's server and engine now, and report who is ready
#   bash tools/class.sh down          stop the hub and every learner's server, engine and network
#   bash tools/class.sh pack FOLDER   (online, after up) add the hub's wheels and the proxy to a classroom bundle
#                                     (tools/bundle.sh write FOLDER); then, offline: LEARN_DOCKER_CLASS_BUNDLE=FOLDER ... up
# Settings (environment): LEARN_DOCKER_CLASS_PORT (8000, the address learners open), LEARN_DOCKER_CLASS_HUB_PORT
# (8081), LEARN_DOCKER_CLASS_PROXY_API_PORT (8001), LEARN_DOCKER_CLASS_CULL (3600 s idle before a learner's server
# stops), LEARN_DOCKER_CLASS_MEMORY / _PIDS / _DISK (per learner), LEARN_DOCKER_CLASS_ROOT
# (/var/lib/learn-docker-ko/class), LEARN_DOCKER_CLASS_COURSE (the instructor's course folder; this repository).
# Guide: docs/class-server.md. Runs under bash 3.2 (no arrays needed).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
VENV=${VENV:-.venv}
case "$VENV" in /*) ;; *) VENV="$REPO/$VENV" ;; esac
ROOT=${LEARN_DOCKER_CLASS_ROOT:-/var/lib/learn-docker-ko/class}
PORT=${LEARN_DOCKER_CLASS_PORT:-8000}
HUB="$ROOT/hub"
CHP_DIR="$VENV/share/learn-docker-ko/chp"
CHP="$CHP_DIR/node_modules/.bin/configurable-http-proxy"
export PIP_DISABLE_PIP_VERSION_CHECK=1
say() { echo "[class] $*"; }
die() { echo "[class] $*" >&2; exit 1; }

usage() {
  echo "쓰는 법: bash tools/class.sh up 명단파일 | warm | down | pack 꾸러미폴더   (자세히: docs/class-server.md)" >&2
  exit 2
}

need_root() {
  [ "$(uname -s)" = Linux ] || die "교실 서버는 Linux에서만 됩니다."
  [ "$(id -u)" = 0 ] || die "교실 서버는 root로 실행해야 합니다 (학습자마다 사용자·네트워크·엔진을 만듭니다): sudo bash tools/class.sh ..."
}

hub_pid() {
  if [ -f "$HUB/jupyterhub.pid" ] && kill -0 "$(cat "$HUB/jupyterhub.pid")" 2>/dev/null; then
    cat "$HUB/jupyterhub.pid"
  fi
}

install_class() {  # the hub's Python packages (pyproject's "class" extra) and configurable-http-proxy (npm)
  stamp=$(cksum < pyproject.toml | tr -s ' ' '-')
  if [ ! -f "$VENV/.installed-class" ] || [ "$(cat "$VENV/.installed-class")" != "$stamp" ]; then
    say "허브 패키지(jupyterhub, 첫 로그인 인증, 유휴 서버 정리)를 설치합니다"
    "$VENV/bin/python" -m pip install -q -e ".[class]" >"$VENV/pip-class.log" 2>&1 || {
      tail -n 20 "$VENV/pip-class.log" >&2; die "허브 패키지를 설치하지 못했습니다 (기록: $VENV/pip-class.log)."; }
    echo "$stamp" >"$VENV/.installed-class"
  fi
  if [ ! -x "$CHP" ]; then
    if [ -n "${LEARN_DOCKER_CLASS_CHP_TGZ:-}" ]; then  # offline: a tarball of node_modules made by `bundle`
      mkdir -p "$CHP_DIR" && tar -xzf "$LEARN_DOCKER_CLASS_CHP_TGZ" -C "$CHP_DIR"
    else
      command -v npm >/dev/null 2>&1 || die "npm이 없습니다: apt-get install nodejs npm (프록시 configurable-http-proxy에 필요)."
      say "프록시(configurable-http-proxy)를 npm으로 설치합니다"
      mkdir -p "$CHP_DIR"
      npm install --silent --no-audit --no-fund --prefix "$CHP_DIR" configurable-http-proxy@4 >/dev/null
    fi
  fi
  [ -x "$CHP" ] || die "configurable-http-proxy를 찾지 못했습니다: $CHP"
}

if [ -n "${LEARN_DOCKER_CLASS_BUNDLE:-}" ]; then  # offline: everything from the classroom bundle
  bundle=$(cd "$LEARN_DOCKER_CLASS_BUNDLE" && pwd)
  export PIP_NO_INDEX=1 PIP_FIND_LINKS="$bundle/wheels" LEARN_DOCKER_OFFLINE=1
  export LEARN_DOCKER_CLASS_CHP_TGZ="$bundle/chp.tgz"
  [ -f "$bundle/kit.tar" ] && export LEARN_DOCKER_KIT_ARCHIVE="$bundle/kit.tar"
fi

[ $# -ge 1 ] || usage
case "$1" in
  pack)
    [ $# -ge 2 ] || usage
    install_class
    mkdir -p "$2/wheels"
    say "허브 패키지를 $2/wheels 에 받습니다 (PyPI)"
    "$VENV/bin/python" -m pip wheel -q -w "$2/wheels" ".[class]" >"$2/pip-class.log" 2>&1 || {
      tail -n 20 "$2/pip-class.log" >&2; die "허브 패키지를 받지 못했습니다 ($2/pip-class.log)."; }
    rm -f "$2"/wheels/learn_docker_ko-*
    tar -czf "$2/chp.tgz" -C "$CHP_DIR" node_modules
    say "꾸러미에 더했습니다: $2/wheels, $2/chp.tgz — 인터넷 없는 교실에서: LEARN_DOCKER_CLASS_BUNDLE=$2 bash tools/class.sh up 명단"
    ;;
  up)
    [ $# -ge 2 ] || usage
    need_root
    roster=$2
    [ -f "$roster" ] || die "명단 파일이 없습니다: $roster"
    if [ -n "$(hub_pid)" ]; then die "허브가 이미 실행 중입니다 (pid $(hub_pid)). 먼저 bash tools/class.sh down"; fi
    bash tools/setup.sh
    install_class
    if ! command -v nft >/dev/null 2>&1; then  # the learners' firewall (helpers/classroom/firewall.py)
      [ -z "${LEARN_DOCKER_OFFLINE:-}" ] && command -v apt-get >/dev/null 2>&1 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nftables >/dev/null 2>&1 \
        || die "nft(nftables)가 없습니다: 학습자 네트워크를 막는 데 필요합니다. sudo apt-get install nftables"
    fi
    # the roster is read once into the hub's folder (down and warm read that copy)
    "$VENV/bin/python" -m helpers.classroom prepare "$roster"
    cp "$roster" "$HUB/roster.txt" && chmod 600 "$HUB/roster.txt"
    say "허브를 시작합니다 (기록: $HUB/jupyterhub.log)"
    (
      cd "$HUB"
      LEARN_DOCKER_CLASS_ROSTER="$HUB/roster.txt" LEARN_DOCKER_CLASS_CHP="$CHP" PATH="$VENV/bin:$PATH" \
        setsid "$VENV/bin/jupyterhub" -f "$REPO/helpers/classroom/jupyterhub_config.py" \
        >"$HUB/jupyterhub.log" 2>&1 </dev/null &
      echo $! >"$HUB/jupyterhub.pid"
    )
    waited=0
    until "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/hub/health', timeout=2)" 2>/dev/null; do
      if [ -z "$(hub_pid)" ]; then tail -n 30 "$HUB/jupyterhub.log" >&2; die "허브가 시작하지 못했습니다."; fi
      waited=$((waited + 1))
      [ "$waited" -lt 120 ] || die "허브가 60초 안에 응답하지 않았습니다 ($HUB/jupyterhub.log)."
      sleep 0.5
    done
    say "교실이 열렸습니다: http://$(hostname -I 2>/dev/null | awk '{print $1}'):$PORT  (이 컴퓨터에서는 http://127.0.0.1:$PORT)"
    say "처음 로그인할 때 정한 비밀번호가 그 이름의 비밀번호가 됩니다: 강사가 먼저 로그인하세요."
    say "수업 전에 모두의 서버를 미리 띄우려면: bash tools/class.sh warm"
    ;;
  warm)
    need_root
    [ -n "$(hub_pid)" ] || die "허브가 실행 중이 아닙니다: bash tools/class.sh up 명단파일"
    exec "$VENV/bin/python" -m helpers.classroom warm "$HUB/roster.txt"
    ;;
  down)
    need_root
    pid=$(hub_pid)
    if [ -n "$pid" ]; then
      say "허브를 멈춥니다 (학습자 서버도 멈춥니다)"
      kill -TERM "$pid"
      waited=0
      while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 120 ]; do sleep 0.5; waited=$((waited + 1)); done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$HUB/jupyterhub.pid"
    # whatever the hub could not stop (a crash): every learner's world, by name
    if [ -f "$HUB/roster.txt" ]; then
      "$VENV/bin/python" -m helpers.classroom down "$HUB/roster.txt"
    elif [ -d "$HUB" ]; then  # an up stopped early (no roster yet): still the class's port out of the firewall
      "$VENV/bin/python" -m helpers.classroom down
    fi
    # the proxy the hub started (its pid file), if it outlived the hub
    if [ -f "$HUB/jupyterhub-proxy.pid" ]; then
      kill -TERM "$(cat "$HUB/jupyterhub-proxy.pid")" 2>/dev/null || true
      rm -f "$HUB/jupyterhub-proxy.pid"
    fi
    say "교실을 닫았습니다"
    ;;
  *) usage ;;
esac
