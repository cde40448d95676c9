#!/usr/bin/env bash
# The whole test suite: set up (engine included), then unit, engine, notebook and grading tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
.venv/bin/python -m ruff check helpers tests benchmarks
exec .venv/bin/python -m pytest "$@"
