"""Container verbs: run, create, ps, start, stop, restart, pause, exec, logs, port, attach, rm.

Each shows its ``docker ...`` line first and returns SDK objects or plain data.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import time

from . import errors
from . import ports as _ports
from ._state import CHAPTER_LABEL, labels
from .command import container_command, echo
from .connection import client, friendly
from .display import Output, Table, ago, say

DEFAULT_STOP_TIMEOUT = 10


def argv_of(command) -> list[str] | None:
    """A command as an argv list; a string is split like a shell would (a half-typed quote is an error)."""
    if command is None:
        return None
    if not isinstance(command, str):
        return [str(c) for c in command]
    try:
        return shlex.split(command)
    except ValueError as exc:
        raise errors.CourseError(f"명령 `{command}`의 따옴표가 닫히지 않았습니다.",
                                 hint="여는 따옴표(' 또는 \")마다 닫는 따옴표를 쓰세요 (예: sh -c 'echo hi').",
                                 cause=str(exc)) from None


@friendly(0)
def require_image(image: str):
    """Return the local image ``image`` or raise :class:`ImageNotFound` with a way to get it."""
    import docker.errors as de

    try:
        return client().images.get(image)
    except de.ImageNotFound:
        pass
    except de.APIError as exc:
        raise errors.translate(exc, what=image) from exc
    from .kit.catalog import hint_for

    raise errors.ImageNotFound(
        f"이미지 '{image}'이(가) 이 컴퓨터에 없습니다 (자동으로 내려받지 않습니다).", hint=hint_for(image)
    )


def find(name_or_id: str):
    """The ``Container`` called ``name_or_id`` (name or id), fresh from the engine, or ``None``."""
    import docker.errors as de

    try:
        return client().containers.get(str(name_or_id))
    except de.NotFound:
        return None


@friendly(0)
def container(name_or_id: str):
    """Return the ``Container`` object for a name or id, fresh from the engine (raises ContainerNotFound)."""
    import docker.errors as de

    try:
        return client().containers.get(str(name_or_id))
    except de.NotFound as exc:
        raise errors.ContainerNotFound(
            f"'{name_or_id}'이라는 컨테이너가 없습니다.", cause=str(exc).splitlines()[0]
        ) from exc



@contextlib.contextmanager
def throwaway(image: str, command=None, *, start: bool = True, **create_kwargs):
    """A helper container for one job (create, optionally start; removed with its volumes on exit)."""
    c = client().containers.create(image, argv_of(command), **create_kwargs)
    try:
        if start:
            c.start()
        yield c
    finally:
        with contextlib.suppress(Exception):
            c.remove(force=True, v=True)


def _replace_named(name: str) -> None:
    """A cell run twice: remove the course's earlier container of that name; never a learner's own."""
    import docker.errors as de

    try:
        old = client().containers.get(name)
    except de.NotFound:
        return
    if CHAPTER_LABEL not in (old.labels or {}):
        raise errors.NameInUse(f"'{name}'이라는 컨테이너가 이미 있고, 이 과정이 만든 것이 아닙니다.")
    say(f"(이전에 만든 '{name}' 컨테이너를 지우고 새로 만듭니다)")
    old.remove(force=True, v=True)


def start_or_remove(c, ports=None) -> None:
    """Start ``c``; on a taken host port remove it (no Created leftovers) and explain."""
    import docker.errors as de

    try:
        c.start()
    except de.APIError as exc:
        err = errors.translate(exc)
        try:
            c.remove(force=True, v=True)
        except de.APIError:
            pass
        if isinstance(err, errors.PortInUse):
            taken = _ports.host_ports(ports)
            err.message = f"호스트 포트 {', '.join(taken) or ''}이(가) 이미 사용 중입니다. 컨테이너는 만들지 않았습니다."
        raise err from exc


@friendly(0)
def create(image: str, command=None, *, name: str | None = None, ports=None,
           publish_all: bool = False, interactive: bool = False, chapter: str | None = None, **kwargs):
    """Create a container without starting it (state ``created``). Similar to ``docker create``.

    Introduced in chapter 02.
    """
    argv = argv_of(command)
    container_command("create", image, argv, name=name, interactive=interactive, publish_all=publish_all,
                      ports=ports, **_echoed(kwargs)).echo()
    require_image(image)
    if name:
        _replace_named(name)
    return client().containers.create(
        image, argv, name=name, ports=_ports.to_sdk(ports), publish_all_ports=publish_all,
        tty=interactive, stdin_open=interactive, labels={**labels(chapter), **kwargs.pop("labels", {})}, **kwargs,
    )


def _echoed(kwargs: dict) -> dict:
    """The docker-py keyword arguments the echo line spells out (the rest pass through silently)."""
    keys = ("volumes", "network", "working_dir", "entrypoint", "user")
    return {k: kwargs[k] for k in keys if k in kwargs}


@friendly(0)
def run(image: str, command=None, *, name: str | None = None, detach: bool = False, rm: bool = False,
        ports=None, publish_all: bool = False, interactive: bool = False,
        environment: dict | None = None, timeout: float = 60, chapter: str | None = None, **kwargs):
    """Run a command in a new container. Similar to ``docker run``.

    - ``detach=True`` (``-d``) returns the running ``Container`` at once.
    - ``interactive=True`` (``-it``): a notebook has no terminal to attach, so the container is
      started in the background with a TTY kept open; type into it with :func:`exec` or the
      ``ExecConsole`` widget, or use JupyterLab's terminal for a real ``docker run -it``.
    - otherwise waits up to ``timeout`` seconds and returns the output (``Output``, a ``str`` with
      ``exit_code``).
    - ``ports="8080:80"`` is ``-p 8080:80`` (a list for several; ``"80"`` alone picks a random host
      port); the docker SDK's dict ``{80: 8080}`` means the same; ``publish_all=True`` is ``-P``.

    Running the same cell twice is fine: a container of the same ``name`` that the course made
    earlier is replaced. Introduced in chapter 02.
    """
    argv = argv_of(command)
    container_command("run", image, argv, name=name, detach=detach, interactive=interactive, rm=rm,
                      publish_all=publish_all, ports=ports, environment=environment, **_echoed(kwargs)).echo()
    require_image(image)
    if name:
        _replace_named(name)
    c = client().containers.create(
        image, argv, name=name, ports=_ports.to_sdk(ports), publish_all_ports=publish_all,
        tty=interactive, stdin_open=interactive, environment=environment,
        labels={**labels(chapter), **kwargs.pop("labels", {})},
        auto_remove=rm and (detach or interactive), **kwargs,
    )
    start_or_remove(c, ports)
    if detach or interactive:
        c.reload()
        if interactive:
            say(f"(노트북에는 터미널이 없어서 '{c.name}'을(를) 백그라운드에서 열어 두었습니다. "
                f"h.exec('{c.name}', '명령')으로 안에서 명령을 실행하세요.)")
        else:
            say(c.id)
        return c
    return _finish_foreground(c, rm=rm, timeout=timeout)


def _finish_foreground(c, *, rm: bool, timeout: float) -> Output:
    import requests

    try:
        result = c.wait(timeout=timeout)
    except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError) as exc:
        c.remove(force=True, v=True)
        raise errors.ContainerTimeout(
            f"컨테이너가 {timeout:g}초 안에 끝나지 않아 멈추고 지웠습니다.", cause=str(exc)
        ) from exc
    text = c.logs(stdout=True, stderr=True).decode("utf-8", "replace")
    if rm:
        c.remove(force=True, v=True)
    return Output(text, exit_code=result.get("StatusCode"), container=c.id)


def _sparse_to_full(attrs: dict) -> dict:
    """Give a ``containers.list(sparse=True)`` record the fields Container properties read."""
    attrs = dict(attrs)
    attrs.setdefault("Name", "/" + (attrs.get("Names") or ["?"])[0].lstrip("/"))
    attrs.setdefault("Config", {"Labels": attrs.get("Labels") or {}, "Image": attrs.get("Image")})
    ports: dict = {}
    for p in attrs.get("Ports") or []:
        key = f"{p['PrivatePort']}/{p.get('Type', 'tcp')}"
        ports.setdefault(key, None)
        if p.get("PublicPort"):
            ports[key] = (ports[key] or []) + [{"HostIp": p.get("IP", ""), "HostPort": str(p["PublicPort"])}]
    attrs.setdefault("NetworkSettings", {}).setdefault("Ports", ports)
    return attrs


@friendly()
def ps(all: bool = False, filters: dict | None = None) -> Table:  # noqa: A002 - mirrors `docker ps --all`
    """List containers, running ones only unless ``all=True``. Similar to ``docker ps [-a]``.

    Returns a list of ``Container`` objects that prints like the CLI table. Introduced in chapter 02.
    """
    echo("ps", "-a" if all else None,
         [f"--filter={k}={v}" for k, vs in (filters or {}).items() for v in (vs if isinstance(vs, list) else [vs])])
    api = client().api
    raw = api.containers(all=all, filters=filters)
    items = [client().containers.prepare_model(_sparse_to_full(r)) for r in raw]
    rows = []
    for r in raw:
        command = r.get("Command", "")
        rows.append([r["Id"][:12], r.get("Image", ""), f'"{command[:20] + "…" if len(command) > 20 else command}"',
                     ago(r.get("Created")), r.get("Status", ""), _ports.column(r.get("Ports")),
                     (r.get("Names") or ["?"])[0].lstrip("/")])
    return Table(items, ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"], rows)


def _verb(verb: str, name: str, *flags, **kwargs):
    import docker.errors as de

    c = container(name)
    echo(verb, *flags, name)
    getattr(c, verb)(**kwargs)
    try:
        c.reload()
    except de.NotFound:  # a --rm container is gone as soon as it stops
        c.attrs["State"] = {"Status": "removed"}
    say(name)
    return c


@friendly(0)
def start(name: str):
    """Start a stopped container. Similar to ``docker start``. Introduced in chapter 02."""
    return _verb("start", name)


@friendly(0)
def stop(name: str, time: int = DEFAULT_STOP_TIMEOUT):
    """Stop a running container, killing it after ``time`` seconds. Similar to ``docker stop [-t N]``.

    Introduced in chapter 02.
    """
    flags = ["-t", str(time)] if time != DEFAULT_STOP_TIMEOUT else []
    return _verb("stop", name, *flags, timeout=time)


@friendly(0)
def restart(name: str, time: int = DEFAULT_STOP_TIMEOUT):
    """Stop then start a container. Similar to ``docker restart [-t N]``. Introduced in chapter 02."""
    flags = ["-t", str(time)] if time != DEFAULT_STOP_TIMEOUT else []
    return _verb("restart", name, *flags, timeout=time)


@friendly(0)
def pause(name: str):
    """Freeze every process of a container. Similar to ``docker pause``. Introduced in chapter 02."""
    return _verb("pause", name)


@friendly(0)
def unpause(name: str):
    """Resume a paused container. Similar to ``docker unpause``. Introduced in chapter 02."""
    return _verb("unpause", name)


@friendly(0)
def rm(name: str, force: bool = False) -> None:
    """Remove a container (``force=True`` also stops it). Similar to ``docker rm [-f]``.

    Introduced in chapter 02.
    """
    c = container(name)
    echo("rm", "-f" if force else None, name)
    if c.status == "running" and not force:
        raise errors.ContainerRunning(f"'{name}'은(는) 실행 중이라 지울 수 없습니다.")
    c.remove(force=force)
    say(name)


@friendly(0)
def execute(name: str, command, *, workdir: str | None = None, user: str | None = None,
            environment: dict | None = None) -> Output:
    """Run a command inside a running container and return its output and exit code.

    Similar to ``docker exec``; ``h.exec`` is the same function. Introduced in chapter 02.
    """
    c = container(name)
    argv = argv_of(command)
    echo("exec", ["-w", workdir] if workdir else None, ["-u", user] if user else None, name, argv)
    if c.status != "running":
        raise errors.ContainerNotRunning(f"'{name}'은(는) 지금 '{c.status}' 상태입니다.",
                                         hint=f"`h.start('{name}')`로 먼저 시작하세요.")
    api = client().api
    exec_id = api.exec_create(c.id, argv, workdir=workdir, user=user or "", environment=environment)["Id"]
    out, err = api.exec_start(exec_id, demux=True)
    code = api.exec_inspect(exec_id)["ExitCode"]
    text = (out or b"").decode("utf-8", "replace") + (err or b"").decode("utf-8", "replace")
    return Output(text, exit_code=code, container=c.id)


@friendly(0)
def logs(name: str, tail: int | None = None) -> Output:
    """Return what a container has printed so far. Similar to ``docker logs [--tail N]``.

    Introduced in chapter 02.
    """
    c = container(name)
    echo("logs", ["--tail", str(tail)] if tail else None, name)
    return Output(c.logs(tail=tail or "all").decode("utf-8", "replace"), container=c.id)


@friendly(0)
def attach(name: str, tail: int = 20) -> Output:
    """Show what the container's main process printed lately: the notebook's ``docker attach``.

    A notebook cannot hand its keyboard to a container; use :func:`exec` (or the ExecConsole widget)
    to type commands in, or open JupyterLab's terminal for a real ``docker attach``.
    Introduced in chapter 02.
    """
    c = container(name)
    echo("attach", name)
    if c.status != "running":
        raise errors.ContainerNotRunning(f"'{name}'은(는) 실행 중이 아니라 연결할 수 없습니다.",
                                         hint=f"`h.start('{name}')`로 먼저 시작하세요.")
    say(f"(노트북에서는 키보드를 넘겨줄 수 없어, 최근 출력 {tail}줄을 보여 줍니다. "
        "명령은 h.exec(...)로, 진짜 attach는 JupyterLab 터미널에서 해 보세요.)")
    text = _ANSI.sub("", c.logs(tail=tail).decode("utf-8", "replace")).replace("\r", "")
    return Output(text, container=c.id)


_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][A-Za-z0-9])")


class PortMap(dict):
    """``{'80/tcp': [('0.0.0.0', 32768)]}`` that prints like ``docker port``."""

    def __repr__(self) -> str:
        lines = [f"{cport} -> {ip}:{hport}" for cport, binds in self.items() for ip, hport in binds]
        return "\n".join(lines) if lines else "(호스트에 연결된 포트가 없습니다)"

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(repr(self))

    def host_port(self, container_port="80/tcp") -> int | None:
        """The first host port bound to ``container_port`` (``80`` or ``'80/tcp'``), or None."""
        key = str(container_port) if "/" in str(container_port) else f"{container_port}/tcp"
        binds = self.get(key) or []
        return binds[0][1] if binds else None


@friendly(0)
def port(name: str) -> PortMap:
    """Show which host ports lead into the container. Similar to ``docker port``.

    Introduced in chapter 03.
    """
    c = container(name)
    echo("port", name)
    result = PortMap()
    for cport, binds in (c.ports or {}).items():
        for b in binds or []:
            if ":" in b.get("HostIp", ""):
                continue  # IPv6 twin of the same binding
            result.setdefault(cport, []).append((b.get("HostIp") or "0.0.0.0", int(b["HostPort"])))
    return result


def wait_for(name: str, state: str = "running", timeout: float = 10) -> str:
    """Poll until the container reaches ``state`` (or ``timeout``); return the last state seen."""
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        c = container(name)
        status = c.status
        if status == state:
            break
        time.sleep(0.1)
    return status


exec = execute  # noqa: A001 - the docker verb; `h.exec(...)` reads like `docker exec`
