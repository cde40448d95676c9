"""The engine's objects by name and the few low-level moves that both the docker verbs (``containers``,
``images``) and the offline kit (``kit``) need: a command as argv, the local image or a Korean error, a
container by name, a throwaway helper container, and starting a container without leaving it half-made.

It sits below the verbs and the kit and imports neither, so they can share it without an import circle.
"""

from __future__ import annotations

import contextlib
import shlex

from . import errors
from . import ports as _ports
from .connection import client, friendly


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

    raise errors.ImageNotFound(f"이미지 '{image}'이(가) 이 컴퓨터에 없습니다.", hint=hint_for(image))


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


def start_or_remove(c, ports=None, *, keep_unstartable: bool = False) -> None:
    """Start ``c``; on a taken host port remove it (no Created leftovers) and explain. With ``keep_unstartable``,
    a program the engine cannot find leaves the container ``created`` with exit code 127, as ``docker run`` does,
    so that ``docker inspect`` can show why (chapter 12)."""
    import docker.errors as de

    try:
        c.start()
    except de.APIError as exc:
        err = errors.translate(exc)
        if keep_unstartable and isinstance(err, errors.CommandNotFound):
            err.message += f" 컨테이너 '{c.name}'은(는) 생성됨(created) 상태로 남았습니다 (docker run과 같음)."
            err.hint = (f"h.inspect('{c.name}')['State']의 ExitCode와 Error, ['Config']['Cmd']를 보세요. "
                        f"고친 명령으로 다시 만들려면 h.rm('{c.name}') 다음 h.run(...).")
            raise err from exc
        try:
            c.remove(force=True, v=True)
        except de.APIError:
            pass
        if isinstance(err, errors.PortInUse):
            taken = _ports.host_ports(ports)
            err.message = f"호스트 포트 {', '.join(taken) or ''}이(가) 이미 사용 중입니다. 컨테이너는 만들지 않았습니다."
        raise err from exc
