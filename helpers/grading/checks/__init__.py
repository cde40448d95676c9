"""Graded checks over the real engine, for the nbgrader exercises (``h.checks``).

Every check reads the engine by name, tag, state, ports, Cmd and files (never by the course's
labels), so it grades the same whether the learner used ``helpers``, the plain docker SDK or the
``docker`` CLI. Grouped by what they read: ``containers``, ``images``, ``registry``, ``answers``,
``volumes``, ``networks``, ``dockerfile``, ``compose``, ``operating``, ``capstone``, ``debugging``.
"""

from ..broken import prepare_broken
from ..clock import engine_time, parse_time
from ..exercise import Run, clear, start
from .answers import answer, defined, output_contains, seal, value_type
from .base import CheckFailed, fail, made_in_this_run
from .capstone import compose_image_healthcheck, compose_non_root, compose_redis_appendonly, compose_redis_counter
from .compose import (
    compose_built,
    compose_counter,
    compose_depends_on,
    compose_env,
    compose_healthy,
    compose_network,
    compose_project_down,
    compose_published,
    compose_recreated,
    compose_service_running,
    compose_volume,
    number_in,
    page_contains,
)
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
from .debugging import serves_inside, stays_up
from .dockerfile import (
    container_user_not_root,
    http_ok,
    image_based_on,
    image_env,
    image_exposes,
    image_size_under,
    image_user_not_root,
    image_workdir,
)
from .images import image_absent, image_cmd, image_exists, image_has_file, image_id, image_pulled
from .networks import answers_http, name_resolves, network_exists, no_network, on_network, published_on
from .operating import (
    caps_dropped,
    container_healthy,
    read_only_rootfs,
    restart_policy,
    restarted_by_engine,
    run_by_digest,
)
from .registry import registry_has
from .volumes import archive_has_file, container_mount, volume_absent, volume_exists, volume_has_file

__all__ = [
    "CheckFailed", "Run", "answer", "clear", "container_absent", "container_from", "container_has_file",
    "container_restarted", "container_running", "container_state", "defined", "engine_time", "exec_output", "fail",
    "image_absent", "image_cmd", "image_exists", "image_has_file", "image_id", "image_pulled", "made_in_this_run",
    "output_contains", "parse_time", "port_published", "printed_by", "registry_has", "seal", "start", "value_type",
]
__all__ += ["archive_has_file", "container_mount", "volume_absent", "volume_exists", "volume_has_file"]
__all__ += ["answers_http", "name_resolves", "network_exists", "no_network", "on_network", "published_on"]
__all__ += ["container_user_not_root", "http_ok", "image_based_on", "image_env", "image_exposes",
            "image_size_under", "image_user_not_root", "image_workdir"]
__all__ += ["compose_built", "compose_counter", "compose_depends_on", "compose_env", "compose_healthy", "compose_network",
            "compose_project_down", "compose_published", "compose_recreated", "compose_service_running", "compose_volume",
            "number_in", "page_contains"]
__all__ += ["caps_dropped", "container_healthy", "read_only_rootfs", "restart_policy", "restarted_by_engine",
            "run_by_digest"]
__all__ += ["compose_image_healthcheck", "compose_non_root", "compose_redis_appendonly", "compose_redis_counter"]
__all__ += ["prepare_broken", "serves_inside", "stays_up"]
