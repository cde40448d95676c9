"""What every check shares: the failure text, the engine's clock and its event log, lookups and file reads.

A check returns ``True`` (or the value it was asked to find) or raises :class:`CheckFailed` with a
Korean "무엇이 다른지: 기대 X, 실제 Y" and a hint. Checks print nothing: any stderr in a graded
cell costs the learner the cell.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
import time

from ... import errors
from ...connection import client
from ...containers import find as find_container
from ...display import state_ko
from ...images import find as find_image
from ...images import split_ref
from ...web import get_page  # noqa: F401 - one page fetch for h.fetch and every HTTP check
from ..clock import clock, engine_time, parse_time

CheckFailed = errors.CheckFailed


def fail(what: str, expected: object, actual: object, hint: str = "") -> None:
    """Raise the graded failure: what the task asks, then 기대/실제, then a hint."""
    raise CheckFailed(f"{what}\n  무엇이 다른지: 기대 {expected}, 실제 {actual}", hint=hint)


def show_value(value: object, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def need_container(name: str, since=None):
    """The container ``name``, or the failure that says it is missing. With ``since`` (the exercise's
    start), a container of that name the engine removed after it is named, with the ``--rm`` hint."""
    c = find_container(name)
    if c is None:
        what, expected = f"'{name}'(이)라는 이름의 컨테이너가 있어야 합니다.", f"컨테이너 {name}"
        if since is not None and engine_events(since, "container", "destroy", container=name):
            fail(what, expected, "없음 (이번 실습에서 만들어졌다가 지워짐)",
                 "`--rm`(rm=True)으로 실행한 컨테이너는 끝나자마자 지워집니다. 과제는 끝난 컨테이너가 남아 있어야 "
                 f"하니 `--rm` 없이 다시 실행하세요 (name='{name}'). h.rm으로 지웠다면 다시 만드세요.")
        stem = name.split("-")[0]
        others = [n.lstrip("/") for c in client().api.containers(all=True, filters={"name": stem})
                  for n in c.get("Names") or [] if n.lstrip("/").startswith(stem)]
        seen = f" (비슷한 이름: {', '.join(sorted(others))})" if others else ""
        fail(what, expected, "없음" + seen,
             f"이름을 name='{name}'(docker run --name {name})으로 정확히 주었는지 `h.ps(all=True)`로 확인하세요.")
    return c


def run_inside(container, argv: list[str], attempts: int = 3):
    """``container.exec_run(argv)`` for a check's own read-only command, asked again (up to ``attempts`` runs) when
    it succeeded with no output at all: the engine can lose a short command's output before the attach is read
    (docker-py #2042, moby #27289), and a check must not fail a learner for that. A failing command (a name that
    does not resolve, a missing program) is not asked again; one that succeeds printing nothing costs two more runs."""
    for _ in range(attempts - 1):
        result = container.exec_run(argv)
        if result.output or result.exit_code != 0:
            return result
        time.sleep(0.2)
    return container.exec_run(argv)


def need_image(ref: str):
    img = find_image(ref)
    if img is None:
        fail(f"이미지 '{ref}'이(가) 있어야 합니다.", ref, "없음" + other_tags(ref),
             "`h.images()`로 이름과 태그를 확인하세요.")
    return img


def other_tags(ref: str) -> str:
    repo, _ = split_ref(ref)
    tags = sorted(t for img in client().api.images(name=repo) for t in img.get("RepoTags") or [])
    return f" (같은 저장소에 있는 이름: {', '.join(tags)})" if tags else ""


def status_text(c) -> str:
    state = c.attrs.get("State") or {}
    status = state.get("Status") or c.status
    text = state_ko(status)
    if status == "exited":
        text += f", 종료 코드 {state.get('ExitCode')}"
    return text


_COPY = {str: lambda v: str.__add__("", v), bytes: lambda v: bytes.__add__(b"", v),
         bool: bool, int: lambda v: int.__add__(0, v), float: lambda v: float.__add__(0.0, v)}


def plain(value, what: str = "답"):
    """The learner's value as an exact built-in value (str, bytes, bool, int, float, None, or a list,
    tuple or set of those), copied without calling any method of the learner's own classes.

    Comparisons then use Python's own ``==``: an object whose ``__eq__`` always says yes (nbgrader
    #1379) or a ``str`` subclass that rewrites ``split``/``__contains__`` cannot pass a check.
    """
    if value is None or value is Ellipsis:
        return value
    for kind, copy in _COPY.items():
        if isinstance(value, kind):
            return copy(value)
    for kind in (list, tuple, set, frozenset):
        if isinstance(value, kind):
            return kind(plain(v, what) for v in kind.__iter__(value))
    fail(f"{what}에는 문자열, 숫자 같은 값을 넣어야 합니다.", "문자열/숫자/목록", f"{type(value).__name__} 객체",
         "계산 결과나 명령의 출력을 그대로 변수에 넣으세요.")
    return None  # not reached


def as_text(value, what: str) -> str:
    value = plain(value, what) if isinstance(value, (str, bytes)) else value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if not isinstance(value, str):
        fail(f"{what}에는 명령의 출력(문자열)을 넣어야 합니다.", "문자열", type(value).__name__,
             "h.run(...)/h.exec(...)가 돌려준 값을 그대로 변수에 넣으세요.")
    return value


def read_file(cid: str, path: str, depth: int = 0) -> bytes | None:
    import posixpath

    import docker.errors as de

    try:
        stream, _ = client().api.get_archive(cid, path)
    except de.APIError:  # 404, or 500 for a path the engine cannot resolve (a symlink loop)
        return None
    data = b"".join(stream)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        member = tar.next()
        if member is None:
            return None
        if member.issym() and depth < 5:
            return read_file(cid, posixpath.join(posixpath.dirname(path), member.linkname), depth + 1)
        if not member.isfile():
            return None
        return tar.extractfile(member).read()


def check_file(cid: str, where: str, path: str, contains: str | None, *,
               hint: str = "파일을 어떻게 만들었는지 확인하세요.") -> None:
    """The file ``path`` in the container ``cid`` (``where`` names it for the learner) exists and holds
    ``contains``; ``hint`` says how the learner puts it there."""
    content = read_file(cid, path)
    if content is None:
        fail(f"{where} 안에 파일 {path}이(가) 있어야 합니다.", path, "없음", hint + " 경로도 확인하세요.")
    text = content.decode("utf-8", "replace")
    if contains is not None and contains not in text:
        fail(f"{where}의 {path}에 '{contains}'이(가) 들어 있어야 합니다.", f"'{contains}' 포함", show_value(text) or "빈 파일",
             hint)


def moment(since) -> dt.datetime:
    """``since`` — a :class:`Run`, a datetime or an engine timestamp — as an aware datetime."""
    if hasattr(since, "started"):
        return since.started
    return parse_time(since) if isinstance(since, str) else since


def _stamp(t: dt.datetime) -> str:
    """The engine API's 'seconds.nanoseconds' for ``t`` (docker-py would cut a datetime to whole seconds)."""
    return f"{int(t.timestamp())}.{t.microsecond:06d}000"


def engine_events(since, kind: str, *actions: str, **filters: str) -> list[dict]:
    """What the engine logged (``docker events --since ... --until now``) about ``kind`` ('container',
    'image', ...) since ``since``, oldest first; only ``actions`` if given, narrowed by ``filters``
    (``container=name``, ``image=ref``).

    The engine keeps its last 256 events in memory: enough for a test cell that runs right after the
    task it checks, not a permanent record.
    """
    mark = moment(since)
    until = engine_time()
    query = {"type": kind, **({"event": list(actions)} if actions else {}), **filters}
    nano = int(mark.timestamp()) * 10**9 + mark.microsecond * 1000
    found = client().events(since=_stamp(mark), until=_stamp(until), filters=query, decode=True)
    return [e for e in found if int(e.get("timeNano") or int(e.get("time", 0)) * 10**9) >= nano]


def _stored_again(obj, since) -> bool:
    """An image the engine logged a ``create`` of after ``since`` (BuildKit storing a cached build's result)."""
    if not str(getattr(obj, "id", "")).startswith("sha256:") or "Config" not in obj.attrs or "State" in obj.attrs:
        return False
    return any(e.get("id") == obj.id for e in engine_events(since, "image", "create"))


def made_in_this_run(obj_or_name, since, kind: str | None = None) -> bool:
    """``obj_or_name`` (a Container/Image or a name) was created after ``since``
    (a :class:`Run`, a datetime or an engine timestamp), by the engine's own clock.

    ``kind`` ('container' or 'image') settles a name that could be either. An image BuildKit made again from
    its build cache keeps the Created time of the build that first made it (the cache outlives ``rmi``), so an
    image also counts when the engine logged its ``create`` after ``since``: BuildKit logs one each time it
    stores a build's result, a tag or a pull does not.
    """
    obj = obj_or_name
    if isinstance(obj_or_name, str):
        looks_like_image = ":" in obj_or_name or "/" in obj_or_name
        order = [kind] if kind else (["image", "container"] if looks_like_image else ["container", "image"])
        obj = None
        for k in order:
            obj = find_container(obj_or_name) if k == "container" else find_image(obj_or_name)
            if obj is not None:
                break
        if obj is None:  # say what is missing as the first kind would: similar names, --rm, other tags
            if order[0] == "container":
                need_container(obj_or_name, since)
            need_image(obj_or_name)
    name = obj_or_name if isinstance(obj_or_name, str) else getattr(obj, "name", None) or obj.short_id
    obj.reload()
    created = parse_time(obj.attrs["Created"])
    mark = moment(since)
    if created < mark and not _stored_again(obj, since):
        fail(f"'{name}'은(는) 이번 실습을 시작한 뒤에 만든 것이어야 합니다.", f"{clock(mark)} 이후에 만듦",
             f"{clock(created)}에 만듦 (예전에 남은 것)",
             "노트북을 첫 셀부터 다시 실행해서 지금 새로 만드세요.")
    return True


