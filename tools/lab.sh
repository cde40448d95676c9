#!/usr/bin/env bash
# The learner's one command: set everything up, then open JupyterLab.
#   bash tools/lab.sh                 learner: the workspace (start page, chapters, own copies of the exercises)
#   bash tools/lab.sh --instructor    instructor: the whole repository, every nbgrader panel (formgrader ...)
# Other arguments go to `jupyter lab` (e.g. --port=8899 --no-browser). The learner workspace is workspace/ in the
# repository unless LEARN_DOCKER_WORKSPACE names another folder. Runs under macOS's bash 3.2.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
VENV=${VENV:-.venv}
case "$VENV" in /*) ;; *) VENV="$REPO/$VENV" ;; esac

mode=learner
rest=()
for arg in "$@"; do
  if [ "$arg" = "--instructor" ]; then mode=instructor; else rest+=("$arg"); fi
done

bash tools/setup.sh

# Course settings live in the environment (tools/jupyter/sys-prefix/, copied by setup.sh) and win over
# anything in the learner's home; each mode keeps its own JupyterLab state (layout, own settings).
export JUPYTER_PREFER_ENV_PATH=1
export PATH="$VENV/bin:$PATH"  # JupyterLab's terminal finds the course's python, nbgrader, alembic
if [ "$mode" = "instructor" ]; then
  root=$REPO
  export JUPYTER_CONFIG_PATH="$REPO/tools/jupyter/instructor"  # re-enables what the learner's view locks
  export JUPYTER_CONFIG_DIR="$VENV/etc/learn-docker-ko/instructor"
  url=/lab
  echo "[lab] 강사 모드: 저장소 전체와 nbgrader의 모든 패널을 엽니다"
else
  root=${LEARN_DOCKER_WORKSPACE:-$REPO/workspace}
  "$VENV/bin/python" tools/workspace.py "$root"
  root=$(cd "$root" && pwd)
  export JUPYTER_CONFIG_DIR="$root/.learn-docker-ko/jupyter"
  url=/lab
  # first launch (no saved layout yet): open the start page
  if ! ls "$JUPYTER_CONFIG_DIR/lab/workspaces/"*.jupyterlab-workspace >/dev/null 2>&1; then
    url=/lab/tree/00-start-here.md
  fi
  echo "[lab] 작업 폴더: $root"
fi

[ "$(id -u)" = "0" ] && rest+=(--allow-root)
# (the ${a[@]+...} form: an empty array under `set -u` is an error in bash 3.2)
exec "$VENV/bin/jupyter" lab --ServerApp.root_dir="$root" --LabApp.default_url="$url" ${rest[@]+"${rest[@]}"}
