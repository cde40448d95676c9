"""도커를 익히다 — the helpers every chapter notebook imports as ``import helpers as h``.

Four jobs, four rooms:

- the docker verbs a learner calls, flat in this package (``containers``, ``inspecting``, ``operating``, ``images``,
  ``building``, ``networks``, ``compose``, ``system``, with ``connection``, ``command``, ``program``, ``display``,
  ``errors``, ``ports``, ``cleanup``, ``preflight``);
- the offline images: ``kit/`` (catalog, builders, Dockerfiles, archive, the course registry);
- the widgets: ``widgets/`` (one file per widget on ``base``, and ``charts``);
- the grading: ``grading/`` (exercise setup, checks by what they read, nbgrader orchestration).

Functions are named after the docker commands the book teaches; each prints its ``docker ...``
line, then returns docker SDK objects or plain data. Importing this package does no I/O: the
engine is contacted on the first call.
"""

from . import errors, kit
from ._state import labels, use_chapter
from .building import find_builder as builder
from .cleanup import cleanup, leftovers, reset
from .compose import compose, compose_build, compose_down, compose_exec, compose_logs, compose_ps, compose_up
from .connection import client, disconnect
from .containers import (
    container,
    create,
    pause,
    restart,
    rm,
    run,
    start,
    stop,
    unpause,
    wait_for,
)
from .display import Output, Table, expect_error, quiet, show_error
from .errors import CourseError
from .images import build, commit, history, image, images, login, pull, push, rmi, search, tag
from .inspecting import attach, cp, diff, exec, execute, logs, port, ps
from .kit import registry
from .networks import network_connect, network_create, network_disconnect, network_inspect, network_rm, networks
from .operating import events, inspect, stats, system_df, top, update
from .preflight import preflight
from .system import (
    compose_version,
    info,
    version,
    volume_create,
    volume_inspect,
    volume_rm,
    volumes,
)
from .web import fetch

__all__ = [
    "attach", "build", "builder", "cleanup", "client", "commit", "compose", "compose_build", "compose_down", "compose_exec", "compose_logs",
    "compose_ps", "compose_up", "compose_version", "container", "create", "CourseError",
    "diff", "disconnect", "errors", "exec", "execute", "expect_error", "fetch", "history", "image", "images", "info",
    "kit", "labels", "leftovers", "login", "logs", "network_connect", "network_create", "network_disconnect",
    "network_inspect", "network_rm", "networks", "Output", "pause", "port",
    "preflight", "ps", "pull", "push", "quiet", "registry", "reset", "restart", "rm", "rmi", "run", "search",
    "show_error", "start", "stop", "Table", "tag", "unpause", "use_chapter", "version", "volume_create",
    "volume_inspect", "volume_rm", "volumes", "wait_for",
]
__all__ += ["events", "inspect", "stats", "system_df", "top", "update"]
__all__ += ["cp"]


_LAZY = {"widgets": "helpers.widgets", "charts": "helpers.widgets.charts", "grading": "helpers.grading",
         "checks": "helpers.grading.checks"}


def __getattr__(name: str):
    """``h.widgets``, ``h.charts``, ``h.checks``, ``h.grading`` load on first use (ipywidgets, nbgrader)."""
    if name in _LAZY:
        import importlib

        return importlib.import_module(_LAZY[name])
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")
