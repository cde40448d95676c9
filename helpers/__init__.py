"""도커를 익히다 — the helpers every chapter notebook imports as ``import helpers as h``.

Functions are named after the docker commands the book teaches; each prints its ``docker ...``
line, then returns docker SDK objects or plain data. Importing this package does no I/O: the
engine is contacted on the first call.
"""

from . import errors, kit, registry
from ._state import labels, use_chapter
from .cleanup import cleanup, leftovers, reset
from .connection import client, disconnect
from .containers import (
    attach,
    container,
    create,
    exec,
    execute,
    logs,
    pause,
    port,
    ps,
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
from .preflight import preflight
from .system import compose_version, info, network_create, networks, version, volume_create, volumes
from .web import fetch

__all__ = [
    "attach", "build", "cleanup", "client", "commit", "compose_version", "container", "create", "CourseError",
    "disconnect", "errors", "exec", "execute", "expect_error", "fetch", "history", "image", "images", "info",
    "kit", "labels", "leftovers", "login", "logs", "network_create", "networks", "Output", "pause", "port",
    "preflight", "ps", "pull", "push", "quiet", "registry", "reset", "restart", "rm", "rmi", "run", "search",
    "show_error", "start", "stop", "Table", "tag", "unpause", "use_chapter", "version", "volume_create",
    "volumes", "wait_for",
]


def __getattr__(name: str):
    """``h.widgets``, ``h.charts``, ``h.checks`` load on first use (they import ipywidgets / nbgrader bits)."""
    if name in ("widgets", "charts", "checks", "grading"):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")
