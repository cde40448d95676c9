"""One docker client for the whole course, made on first use (never at import)."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

from . import errors
from ._state import STATE

DEFAULT_SOCKETS = (
    "/var/run/docker.sock",
    "~/.docker/run/docker.sock",  # Docker Desktop (macOS) without the /var/run symlink
    "~/.docker/desktop/docker.sock",
    "~/.colima/default/docker.sock",
)


def client():
    """Return the course's ``docker.DockerClient``, connecting on first call.

    Honours ``DOCKER_HOST``, then the docker CLI's current context, then the usual sockets.
    """
    if STATE.client is None:
        STATE.client, STATE.base_url = _connect()
    return STATE.client


def disconnect() -> None:
    """Forget the cached client (the next helper call reconnects)."""
    if STATE.client is not None:
        try:
            STATE.client.close()
        except Exception:
            pass
    STATE.client = None
    STATE.base_url = None


def candidates() -> list[tuple[str, str]]:
    """(base_url, where it came from) in the order the course tries them."""
    found: list[tuple[str, str]] = []
    if os.environ.get("DOCKER_HOST"):
        found.append((os.environ["DOCKER_HOST"], "DOCKER_HOST"))
        return found
    ctx = current_context()
    if ctx and ctx.get("host"):
        found.append((ctx["host"], f"docker context '{ctx['name']}'"))
    if sys.platform == "win32":
        found.append(("npipe:////./pipe/docker_engine", "기본 파이프"))
    for sock in DEFAULT_SOCKETS:
        path = Path(sock).expanduser()
        if path.exists():
            found.append((f"unix://{path}", "기본 소켓"))
    if not found:
        found.append(("unix:///var/run/docker.sock", "기본 소켓"))
    return found


def current_context() -> dict | None:
    """The docker CLI's current context, if it is not ``default``: name, host, stale flag.

    Read through docker-py's ``ContextAPI`` (``DOCKER_CONTEXT``, then ``currentContext`` in the
    CLI's config under ``DOCKER_CONFIG``), as the CLI resolves it.
    """
    from docker.context import ContextAPI
    from docker.context.config import get_current_context_name

    name = os.environ.get("DOCKER_CONTEXT") or get_current_context_name()
    if not name or name == "default":
        return None
    try:
        ctx = ContextAPI.get_context(name)
    except Exception:  # noqa: BLE001 - a corrupted meta file is a stale context too
        ctx = None
    if ctx is None or not ctx.Host:
        return {"name": name, "host": None, "stale": True}
    return {"name": name, "host": ctx.Host, "stale": False}


def _connect():
    import docker
    from docker.utils import kwargs_from_env

    tried: list[str] = []
    last: Exception | None = None
    for base_url, source in candidates():
        try:
            # with DOCKER_HOST, docker-py reads DOCKER_TLS_VERIFY / DOCKER_CERT_PATH as the CLI does
            params = kwargs_from_env() if source == "DOCKER_HOST" else {"base_url": base_url}
            c = docker.DockerClient(version="auto", timeout=int(os.environ.get("LEARN_DOCKER_API_TIMEOUT", "120")), **params)
            c.ping()
            return c, base_url
        except Exception as exc:  # noqa: BLE001 - classified below
            tried.append(f"{source}: {base_url}")
            last = exc
    ctx = current_context()
    cause = f"{'; '.join(tried)} → {last}"
    if ctx and ctx.get("stale"):
        raise errors.StaleContext(f"docker context '{ctx['name']}'의 설정을 찾을 수 없습니다.", cause=cause)
    if last is not None and _is_permission(last):
        raise errors.PermissionDenied(cause=cause)
    raise errors.DockerNotRunning(cause=cause)


def _is_permission(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return False
        if isinstance(seen, PermissionError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "permission denied" in str(exc).lower()


def friendly(what_arg: int | str | None = 0):
    """Decorator: turn docker/requests exceptions raised inside a helper into course errors.

    ``what_arg`` names the argument (position or keyword) that says what the call was about.
    """

    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except errors.CourseError:
                raise
            except Exception as exc:
                import docker.errors as de
                import requests

                if not isinstance(exc, (de.DockerException, requests.RequestException, OSError)):
                    raise
                what = ""
                if isinstance(what_arg, int) and len(args) > what_arg:
                    what = str(args[what_arg])
                elif isinstance(what_arg, str):
                    what = str(kwargs.get(what_arg, ""))
                course_error = errors.translate(exc, what=what)
                if isinstance(course_error, errors.DockerNotRunning):
                    disconnect()
                raise course_error from exc

        return inner

    return wrap


def cli_env() -> dict[str, str]:
    """The environment for a docker CLI program the course runs (Compose, ``docker build``): ours, aimed at the
    engine the helpers use — the socket the course found (Docker Desktop's, say), not the CLI's default."""
    env = dict(os.environ)
    client()  # the engine answers (else DockerNotRunning, in Korean), and STATE.base_url is known
    base = STATE.base_url or ""
    if "DOCKER_HOST" not in env and current_context() is None and base.startswith(("unix://", "npipe://")):
        env["DOCKER_HOST"] = base
    return env

