"""Container verbs that make and move containers: run, create, start, stop, restart, pause, unpause, rm.

Looking at them (ps, port, logs, attach, exec) is in ``inspecting``.

Each shows its ``docker ...`` line first and returns SDK objects or plain data.
"""

from __future__ import annotations

import contextlib
import os
import time

from . import errors
from . import ports as _ports
from ._state import CHAPTER_LABEL, labels
from .command import RUN_OPTIONS, check_options, container_command, echo, sdk_options, split_entrypoint
from .connection import client, friendly
from .display import Output, say
from .engine import argv_of, container, find, require_image, start_or_remove, throwaway  # noqa: F401 - verbs

DEFAULT_STOP_TIMEOUT = 10


def image_or_pull(image: str):
    """As ``docker run``/``docker create`` do: the local image, else pull it first (the CLI's implicit pull)."""
    import os

    try:
        return require_image(image)
    except errors.ImageNotFound as missing:
        if os.environ.get("LEARN_DOCKER_OFFLINE") == "1":
            raise
        from .images import normalize, pull

        say(f"Unable to find image '{normalize(image)}' locally")
        try:
            return pull(image, implicit=True)
        except errors.CourseError as exc:
            missing.message = f"이미지 '{image}'이(가) 이 컴퓨터에 없고, 레지스트리에서 받지도 못했습니다."
            missing.cause = exc.message
            raise missing from exc


def _replace(name: str) -> None:
    """``replace=True``: remove the course's earlier container of that name, as ``docker rm -f`` would;
    never a learner's own."""
    old = find(name)
    if old is None:
        return
    if CHAPTER_LABEL not in (old.labels or {}):
        raise errors.NameInUse(f"'{name}'이라는 컨테이너가 이미 있고, 이 과정이 만든 것이 아니라서 지우지 않았습니다.",
                               hint=f"직접 만든 그 컨테이너를 `h.rm('{name}', force=True)`로 지우거나 다른 name=을 쓰세요.")
    echo("rm", "-f", name)
    old.remove(force=True, v=True)
    say(name)


def _create(image: str, argv, name: str | None, **kwargs):
    """``containers.create``, with Docker's own name conflict explained in Korean."""
    import docker.errors as de

    try:
        return client().containers.create(image, argv, name=name, **kwargs)
    except de.APIError as exc:
        err = errors.translate(exc, what=image)
        if isinstance(err, errors.NameInUse) and name:
            err.message = f"'{name}'이라는 컨테이너가 이미 있습니다 (Docker의 Conflict 오류: 이름은 엔진 안에서 하나뿐)."
            err.hint = (f"먼저 `h.rm('{name}', force=True)`(docker rm -f {name})로 지우거나, 다른 name=을 쓰세요. "
                        f"지우고 새로 만들려면 replace=True를 주면 그 두 명령을 차례로 실행합니다.")
        raise err from exc


@friendly(0)
def create(image: str, command=None, *, name: str | None = None, ports=None, publish_all: bool = False,
           interactive: bool = False, replace: bool = False, chapter: str | None = None, **kwargs):
    """Create a container without starting it (state ``created``). Similar to ``docker create``.

    Like the CLI, a missing image is pulled first, and a name already taken is Docker's conflict
    (``replace=True`` removes the course's old container of that name first, as ``docker rm -f``).
    Introduced in chapter 02.
    """
    argv = _prepare(command, name, replace, kwargs, "create")
    container_command("create", image, argv, name=name, interactive=interactive, publish_all=publish_all,
                      ports=ports, **_echoed(kwargs)).echo()
    image_or_pull(image)
    _prepare_mounts(kwargs, chapter)
    return _create(image, argv, name, ports=_ports.to_sdk(ports), publish_all_ports=publish_all, tty=interactive,
                   stdin_open=interactive, labels={**labels(chapter), **kwargs.pop("labels", {})}, **kwargs)


def _prepare(command, name: str | None, replace: bool, kwargs: dict, verb: str = "run") -> list[str] | None:
    """What ``run`` and ``create`` do before the line: the argv, the SDK's own option names, ``replace``,
    and mounts in docker-py's form (``kwargs`` is updated in place)."""
    check_options(kwargs, verb)  # before anything happens: every option is one the echoed line shows
    argv = argv_of(command)
    sdk_options(kwargs)
    if kwargs.get("entrypoint") is not None:  # one program after --entrypoint, the rest in front of the arguments
        kwargs["entrypoint"], argv = split_entrypoint(kwargs["entrypoint"], argv)
    if replace and name:
        _replace(name)
    if "volumes" in kwargs:
        kwargs["volumes"] = _mounts(kwargs["volumes"])[0]
    return argv


def _echoed(kwargs: dict) -> dict:
    """The docker-py keyword arguments, all of which the echoed line spells out (``check_options`` let no
    other through)."""
    return {k: kwargs[k] for k in RUN_OPTIONS if k in kwargs}


def _is_host_path(source: str) -> bool:
    """``-v`` takes a host folder when its left side is a path, and a volume name otherwise."""
    return source.startswith(("/", ".", "~")) or os.path.isabs(source)


def _absolute(source: str) -> str:
    """``./site``, ``../x``, ``~/x`` as the absolute path the engine needs (as the docker CLI 23+ does)."""
    if _is_host_path(source) and not source.startswith("/"):
        return os.path.abspath(os.path.expanduser(source))
    return source


def _mounts(volumes):
    """``volumes`` with relative host folders made absolute, and the named volumes it mounts."""
    if not volumes:
        return volumes, []
    if isinstance(volumes, dict):
        fixed = {_absolute(str(src)): spec for src, spec in volumes.items()}
        sources = list(fixed)
    else:
        fixed, sources = [], []
        for spec in [volumes] if isinstance(volumes, str) else volumes:
            src, sep, rest = str(spec).partition(":")
            if sep:  # "src:/dest[:mode]"; a bare "/dest" is an anonymous volume
                src = _absolute(src)
                sources.append(src)
            fixed.append(f"{src}{sep}{rest}")
    return fixed, [s for s in sources if not _is_host_path(s)]


def _prepare_mounts(kwargs: dict, chapter: str | None) -> None:
    """Make relative host folders absolute and create missing named volumes with the course label
    (``docker run -v name:/data`` creates the volume too, but without a label the course could not find it)."""
    import docker.errors as de

    if "volumes" not in kwargs:
        return
    kwargs["volumes"], names = _mounts(kwargs["volumes"])
    for name in names:
        try:
            client().api.inspect_volume(name)
        except de.NotFound:
            client().volumes.create(name, labels=labels(chapter))


@friendly(0)
def run(image: str, command=None, *, name: str | None = None, detach: bool = False, rm: bool = False,
        ports=None, publish_all: bool = False, interactive: bool = False, replace: bool = False,
        environment: dict | None = None, timeout: float | None = None, chapter: str | None = None, **kwargs):
    """Run a command in a new container. Similar to ``docker run``.

    - ``detach=True`` (``-d``) returns the running ``Container`` at once.
    - ``interactive=True`` (``-it``): a notebook has no terminal to attach, so the container is
      started with ``-d -it`` (in the background, a TTY kept open) and the line says so; type into it
      with the ``Terminal`` widget or :func:`exec`, or open JupyterLab's terminal for a real ``docker run -it``.
    - otherwise waits for the command to end (``timeout`` seconds at most, if given) and returns the
      output (``Output``, a ``str`` with ``exit_code``). Interrupting the cell kills the container.
    - ``ports="8080:80"`` is ``-p 8080:80`` (a list for several; ``"80"`` alone picks a random host
      port); the docker SDK's dict ``{80: 8080}`` means the same; ``publish_all=True`` is ``-P``.
    - ``volumes={"data": {"bind": "/data", "mode": "ro"}}`` (docker-py's dict) or ``["data:/data:ro"]`` is
      ``-v data:/data:ro``: a name is a volume (created with the course label when missing), a path a host
      folder (bind mount; ``./site`` is made absolute, as the CLI does). ``tmpfs={"/scratch": ""}`` is
      ``--tmpfs /scratch``. Other docker-py options (``user=``, ``working_dir=`` ...) pass through.
    - chapter 10: ``restart="on-failure:3"`` (``--restart``), ``memory="64m"`` (``--memory``), ``cpus=0.5``
      (``--cpus``), ``pids_limit=``, ``read_only=True`` (``--read-only``), ``cap_drop=["ALL"]``, ``cap_add=``,
      ``healthcheck={"test": "wget -q -O- http://127.0.0.1/", "interval": "1s", "retries": 3}`` (``--health-*``).
    - chapter 12: ``entrypoint="sh"`` is ``--entrypoint sh`` (look inside an image whose program will not start). The
      CLI takes one program there, so ``entrypoint=["sh", "-c"]`` is shown and run as ``--entrypoint sh IMAGE -c ...``.

    Like the CLI, a missing image is pulled first and a name already taken is Docker's conflict;
    ``replace=True`` removes the course's old container of that name first (``docker rm -f``).
    Introduced in chapter 02.
    """
    argv = _prepare(command, name, replace, kwargs)
    container_command("run", image, argv, name=name, detach=detach or interactive, interactive=interactive, rm=rm,
                      publish_all=publish_all, ports=ports, environment=environment, **_echoed(kwargs)).echo()
    image_or_pull(image)
    _prepare_mounts(kwargs, chapter)
    c = _create(image, argv, name, ports=_ports.to_sdk(ports), publish_all_ports=publish_all, tty=interactive,
                stdin_open=interactive, environment=environment, labels={**labels(chapter), **kwargs.pop("labels", {})},
                auto_remove=rm and (detach or interactive), **kwargs)
    start_or_remove(c, ports, keep_unstartable=not rm)
    if detach or interactive:
        c.reload()
        if interactive:
            say(f"(노트북 셀에는 키보드가 없어 -it에 -d를 더해 '{c.name}'을(를) 백그라운드에서 열어 두었습니다. "
                f"hw.Terminal('{c.name}')로 그 셸에 붙거나, JupyterLab 터미널에서 docker attach {c.name} 하세요.)")
        else:
            say(c.id)
        return c
    return _finish_foreground(c, rm=rm, timeout=timeout)


def _finish_foreground(c, *, rm: bool, timeout: float | None) -> Output:
    import requests

    try:
        result = c.wait(timeout=timeout)
    except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError) as exc:
        c.remove(force=True, v=True)
        raise errors.ContainerTimeout(
            f"컨테이너가 {timeout:g}초 안에 끝나지 않아 멈추고 지웠습니다.", cause=str(exc)
        ) from exc
    except KeyboardInterrupt:  # the cell was interrupted: stop the container, as Ctrl-C in a terminal would
        echo("kill", c.name)
        with contextlib.suppress(Exception):
            c.kill()
            if rm:
                c.remove(force=True, v=True)
        say(f"(셀을 멈춰서 '{c.name}'도 멈췄습니다. 계속 실행되는 프로그램은 detach=True(-d)로 실행하세요.)")
        raise
    text = c.logs(stdout=True, stderr=True).decode("utf-8", "replace")
    if rm:
        c.remove(force=True, v=True)
    code = result.get("StatusCode")
    note = errors.explain_output(text) if code else None
    if note:
        say(f"(종료 코드 {code}: {note})")
    return Output(text, exit_code=code, container=c.id)


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

