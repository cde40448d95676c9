#!/usr/bin/env bash
# The learner's one command: set everything up, then open JupyterLab on the course.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
extra=()
[ "$(id -u)" = "0" ] && extra+=(--allow-root)
exec .venv/bin/jupyter lab notebooks/01-before-you-begin.ipynb "${extra[@]}" "$@"
