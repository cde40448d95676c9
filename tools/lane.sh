#!/usr/bin/env bash
# An engine lane: a second Docker engine beside the system's, in a network namespace of its own, for running the
# engine tier and the notebooks against another engine than the system's. Linux, root. Lanes:
#   oldest      Engine 20.10, the oldest the course supports (preflight names older ones): Debian 12's own
#               docker.io, unpacked into a cache folder, never installed.
#   containerd  the system's current engine (28.x) with the containerd image store, as Docker Desktop and new
#               installs of Engine 29 have it (`"features": {"containerd-snapshotter": true}`).
#   current     Engine 28 with the overlay2 store: the system's dockerd when it is 28 or newer, else Debian
#               forky's docker.io/docker-cli, unpacked (for a machine whose system engine is older).
#
#   bash tools/lane.sh start LANE   start it (kit loaded); prints what it runs
#   bash tools/lane.sh run CMD...   run CMD inside the running lane (its network namespace, DOCKER_HOST, own course home)
#   bash tools/lane.sh stop         stop it and remove everything of it (data, namespace, sockets)
#
# Why Debian's packages: Docker's own repository is not reachable from this kind of machine, and Debian's packages
# are the ones a Debian learner gets (tools/engine.sh installs the current engine the same way).
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=ldk-lane
CACHES=${LEARN_DOCKER_LANE_CACHE:-/var/cache/learn-docker-ko}
DATA=/var/lib/$NAME
RUN=/run/$NAME
SOCK=$RUN/docker.sock
say() { echo "[lane] $*"; }

lane_apt() {  # lane_apt CACHE ARGS...: apt-get with a package list kept in the cache folder (system sources untouched)
  cache=$1
  shift
  apt-get -o "Dir::Etc::sourcelist=$cache/apt/sources.list" -o Dir::Etc::sourceparts=- \
    -o "Dir::State::lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt" \
    -o Debug::NoLocking=1 "$@"
}

unpacked() {  # unpacked SUITE VERSION-PREFIX: a folder with docker.io and docker-cli of that suite, unpacked once
  cache=$CACHES/engine-$1
  if [ ! -x "$cache/root/usr/sbin/dockerd" ]; then
    say "Debian $1의 docker.io $2.x를 내려받아 풉니다 (설치하지 않음): $cache" >&2
    mkdir -p "$cache/apt/lists/partial" "$cache/apt/archives/partial" "$cache/debs"
    echo "deb http://deb.debian.org/debian $1 main" > "$cache/apt/sources.list"
    lane_apt "$cache" update -qq >&2
    packages=docker.io/$1
    # 20.10's docker.io holds its CLI; later ones split it into docker-cli
    if lane_apt "$cache" show "docker-cli/$1" >/dev/null 2>&1; then packages="$packages docker-cli/$1"; fi
    # shellcheck disable=SC2086 # a list of package names
    (cd "$cache/debs" && lane_apt "$cache" download $packages >&2 2>/dev/null)
    for deb in "$cache"/debs/*.deb; do dpkg-deb -x "$deb" "$cache/root"; done
  fi
  echo "$cache/root"
}

system_major() {
  command -v dockerd >/dev/null 2>&1 || return 0
  dockerd --version 2>/dev/null | sed -n 's/^Docker version \([0-9]*\)\..*/\1/p'
}

engine_dir() {  # engine_dir LANE: the folder whose usr/sbin/dockerd and usr/bin/docker the lane runs
  major=$(system_major)
  case "$1" in
    oldest) unpacked bookworm 20.10 ;;
    current|containerd)
      if [ -n "$major" ] && [ "$major" -ge 28 ]; then echo /; else unpacked forky 28; fi ;;
    *) echo "알 수 없는 레인: $1 (oldest, current, containerd)" >&2; return 2 ;;
  esac
}
case "${1:-}" in
  start)
    lane=${2:-current}
    dir=$(engine_dir "$lane")
    bin="${dir%/}/usr/sbin:${dir%/}/usr/bin"
    "$0" stop >/dev/null 2>&1 || true
    ip netns add $NAME && ip -n $NAME link set lo up
    mkdir -p "$DATA/docker" "$DATA/home" "$RUN"
    store=overlay2
    echo '{}' > "$DATA/daemon.json"
    if [ "$lane" = containerd ]; then
      store="containerd 이미지 저장소"
      echo '{"features": {"containerd-snapshotter": true}}' > "$DATA/daemon.json"
    fi
    # nsenter, not `ip netns exec`: that one remounts /sys, and dockerd would find no cgroups
    nsenter --net=/run/netns/$NAME env PATH="$bin:/usr/sbin:/usr/bin:/sbin:/bin" "${dir%/}/usr/sbin/dockerd" \
      --config-file "$DATA/daemon.json" --data-root "$DATA/docker" --exec-root "$RUN/exec" -H "unix://$SOCK" \
      --pidfile "$RUN/dockerd.pid" --userland-proxy-path "${dir%/}/usr/sbin/docker-proxy" \
      >"$DATA/dockerd.log" 2>&1 &
    for _ in $(seq 1 150); do
      if DOCKER_HOST=unix://$SOCK "${dir%/}/usr/bin/docker" version >/dev/null 2>&1; then break; fi
      sleep 0.2
    done
    version=$(DOCKER_HOST=unix://$SOCK "${dir%/}/usr/bin/docker" version --format '{{.Server.Version}}')
    # the kit, from the system engine's images (no network, no build)
    .venv/bin/python -m helpers kit --save "$DATA/kit.tar" >/dev/null
    DOCKER_HOST=unix://$SOCK "${dir%/}/usr/bin/docker" load -i "$DATA/kit.tar" >/dev/null
    rm -f "$DATA/kit.tar"
    echo "$dir" > "$RUN/engine-dir"
    echo "$lane" > "$RUN/lane"
    say "$lane 레인: 엔진 $version ($store) 준비: DOCKER_HOST=unix://$SOCK, 네트워크 이름공간 $NAME"
    ;;
  run)
    shift
    dir=$(cat "$RUN/engine-dir")
    lane=$(cat "$RUN/lane")
    # Debian 12's docker.io 20.10 comes without buildx: the oldest lane builds as its learners do (classic builder)
    builder=""
    if [ "$lane" = oldest ]; then builder=LEARN_DOCKER_BUILDER=legacy; fi
    # the lane's own docker CLI first on PATH (with the plugins it finds); the course's files in its own home
    exec nsenter --net=/run/netns/$NAME env DOCKER_HOST="unix://$SOCK" LEARN_DOCKER_HOME="$DATA/home" \
      LEARN_DOCKER_LANE="$lane" PATH="${dir%/}/usr/bin:$PATH" $builder "$@"
    ;;
  stop)
    pid=$(cat "$RUN/dockerd.pid" 2>/dev/null || true)
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    # what the engine mounted under its folders (its netns file, overlay layers), deepest first, then the folders
    awk -v run="$RUN" -v data="$DATA" 'index($5, run "/") == 1 || index($5, data "/") == 1 { print $5 }' \
      /proc/self/mountinfo | sort -r | while read -r point; do umount -l "$point" 2>/dev/null || true; done
    ip netns delete $NAME 2>/dev/null || true
    rm -rf "$DATA" "$RUN"
    ;;
  *)
    echo "쓰는 법: bash tools/lane.sh start oldest|current|containerd · run CMD... · stop" >&2
    exit 2
    ;;
esac
