#!/bin/sh
# The single-user server of a Kubernetes pod (docs/kubernetes/values.yaml): the learner's workspace laid out
# (tools/workspace.py: chapters, start page, own exercise copies never overwritten), the kit loaded into the
# pod's engine sidecar once it answers (its data is an emptyDir) (in the background: the server does not wait for it), then
# jupyterhub-singleuser. The instructor's pod (LEARN_DOCKER_ROOT_DIR=/srv/course) serves the course folder instead.
set -eu
COURSE=/opt/learn-docker-ko
PY=$COURSE/.venv/bin/python
if [ -n "${LEARN_DOCKER_ROOT_DIR:-}" ]; then
  root=$LEARN_DOCKER_ROOT_DIR
else
  root=$HOME/workspace
  "$PY" "$COURSE/tools/workspace.py" "$root"
  export JUPYTER_CONFIG_DIR="$root/.learn-docker-ko/jupyter"
  export LEARN_DOCKER_ASSIGNMENT_DIR="$root/exercises"  # nbgrader fetch/submit: as on the class server
fi
(
  i=0
  until "$PY" -c 'import docker; docker.from_env().ping()' 2>/dev/null; do
    i=$((i + 1)); [ "$i" -gt 120 ] && exit 0; sleep 1
  done
  "$PY" -m helpers kit --load "$COURSE/kit.tar"  # the engine's data is the pod's: empty at every start
) >"$HOME/.learn-docker-ko-kit.log" 2>&1 &
cd "$root"
exec "$COURSE/.venv/bin/jupyterhub-singleuser" --ServerApp.root_dir="$root" "$@"
