#!/usr/bin/env bash
# An engine lane: a second Docker engine of a current release beside the system's, for running the engine tier
# and the notebooks against what learners have in 2026 (Engine 28, the overlay2 store). Linux, root.
#
#   bash tools/lane.sh start        start it (kit loaded); prints what it runs
#   bash tools/lane.sh run CMD...   run CMD inside the lane (its network namespace, DOCKER_HOST, its own course home)
#   bash tools/lane.sh stop         stop it and remove everything of it (data, namespace, sockets)
#
# Where the engine comes from, and why: the system's dockerd when it is already 28 or newer; otherwise Debian's own
# docker.io/docker-cli packages of the testing suite (forky: 28.5.2, built against Debian's containerd and runc, which
# need only libc6 >= 2.34 and run with bookworm's containerd 1.6 and runc 1.1), unpacked into a cache folder and never
# installed, so the system's engine (the oldest supported one, 20.10 on Debian 12) stays as it is. Docker's own
# repository is not reachable from this kind of machine, and Debian's packages are the ones a Debian learner gets.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=ldk-lane
CACHE=${LEARN_DOCKER_LANE_CACHE:-/var/cache/learn-docker-ko/engine-current}
DATA=/var/lib/$NAME
RUN=/run/$NAME
SOCK=$RUN/docker.sock
say() { echo "[lane] $*"; }

lane_apt() {  # apt-get with forky's package list kept in the cache folder (the system's sources stay as they are)
  apt-get -o "Dir::Etc::sourcelist=$CACHE/apt/sources.list" -o Dir::Etc::sourceparts=- \
    -o "Dir::State::lists=$CACHE/apt/lists" -o "Dir::Cache=$CACHE/apt" -o Debug::NoLocking=1 "$@"
}

engine_dir() {  # the folder whose usr/sbin/dockerd and usr/bin/docker the lane runs
  if command -v dockerd >/dev/null 2>&1; then
    major=$(dockerd --version 2>/dev/null | sed -n 's/^Docker version \([0-9]*\)\..*/\1/p')
    if [ -n "$major" ] && [ "$major" -ge 28 ]; then echo /; return; fi
  fi
  if [ ! -x "$CACHE/root/usr/sbin/dockerd" ]; then
    say "Debian testing(forky)의 docker.io·docker-cli 28.x를 내려받아 풉니다 (설치하지 않음): $CACHE" >&2
    mkdir -p "$CACHE/apt/lists/partial" "$CACHE/apt/archives/partial" "$CACHE/debs"
    echo "deb http://deb.debian.org/debian forky main" > "$CACHE/apt/sources.list"
    lane_apt update -qq >&2
    (cd "$CACHE/debs" && lane_apt download docker.io docker-cli >&2 2>/dev/null)
    for deb in "$CACHE"/debs/*.deb; do dpkg-deb -x "$deb" "$CACHE/root"; done
  fi
  echo "$CACHE/root"
}

case "${1:-}" in
  start)
    dir=$(engine_dir)
    bin="${dir%/}/usr/sbin:${dir%/}/usr/bin"
    "$0" stop >/dev/null 2>&1 || true
    ip netns add $NAME && ip -n $NAME link set lo up
    mkdir -p "$DATA/docker" "$DATA/home" "$RUN"
    # nsenter, not `ip netns exec`: that one remounts /sys, and dockerd would find no cgroups
    nsenter --net=/run/netns/$NAME env PATH="$bin:/usr/sbin:/usr/bin:/sbin:/bin" "${dir%/}/usr/sbin/dockerd" \
      --data-root "$DATA/docker" --exec-root "$RUN/exec" -H "unix://$SOCK" --pidfile "$RUN/dockerd.pid" \
      --userland-proxy-path "${dir%/}/usr/sbin/docker-proxy" >"$DATA/dockerd.log" 2>&1 &
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
    say "엔진 $version (overlay2) 준비: DOCKER_HOST=unix://$SOCK, 네트워크 이름공간 $NAME"
    ;;
  run)
    shift
    dir=$(cat "$RUN/engine-dir")
    # the lane's own docker CLI first on PATH (28.x, with the plugins it finds); the course's files in its own home
    exec nsenter --net=/run/netns/$NAME env DOCKER_HOST="unix://$SOCK" LEARN_DOCKER_HOME="$DATA/home" \
      LEARN_DOCKER_LANE=current PATH="${dir%/}/usr/bin:$PATH" "$@"
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
    echo "쓰는 법: bash tools/lane.sh start|run CMD...|stop" >&2
    exit 2
    ;;
esac
