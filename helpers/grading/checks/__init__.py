"""Graded checks over the real engine, for the nbgrader exercises (``h.checks``).

Every check reads the engine by name, tag, state, ports, Cmd and files (never by the course's
labels), so it grades the same whether the learner used ``helpers``, the plain docker SDK or the
``docker`` CLI. Grouped by what they read: ``containers``, ``images``, ``registry``, ``answers``.
"""

from ..clock import engine_time, parse_time
from ..exercise import Run, clear, start
from .answers import answer, output_contains
from .base import CheckFailed, fail, made_in_this_run
from .containers import (
    container_absent,
    container_from,
    container_has_file,
    container_restarted,
    container_running,
    container_state,
    exec_output,
    port_published,
    printed_by,
)
from .images import image_absent, image_cmd, image_exists, image_has_file, image_id
from .registry import registry_has

__all__ = [
    "CheckFailed", "Run", "answer", "clear", "container_absent", "container_from", "container_has_file",
    "container_restarted", "container_running", "container_state", "engine_time", "exec_output", "fail",
    "image_absent", "image_cmd", "image_exists", "image_has_file", "image_id", "made_in_this_run",
    "output_contains", "parse_time", "port_published", "printed_by", "registry_has", "start",
]
