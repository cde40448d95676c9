"""Checks that read volumes and mounts: which volumes exist, what a container mounts where, the files
in a volume, and a backup archive in a host folder.

Everything is read through the engine (``docker volume inspect``, the container's ``Mounts``, files through
a throwaway container that is created, never started, and removed), so a check grades the same whatever
made the object, and a host folder is read with the engine's rights, not the grader's.
"""

from __future__ import annotations

import io
import posixpath
import tarfile
from pathlib import Path

from ..._state import labels
from ...connection import client
from ...containers import throwaway
from ..clock import clock, parse_time
from .base import fail, need_container, read_file, show_value

HELPER_IMAGE = "busybox:1.35"  # the kit image the checks mount things into, to read them
_KINDS = {"volume": "볼륨(volume)", "bind": "바인드 마운트(bind)", "tmpfs": "tmpfs 마운트(tmpfs)"}


def _volume(name: str) -> dict | None:
    import docker.errors as de

    try:
        return client().api.inspect_volume(name)
    except de.NotFound:
        return None


def _stem_volumes(name: str) -> str:
    stem = name.split("-")[0]
    others = sorted(v["Name"] for v in client().api.volumes().get("Volumes") or [] if v["Name"].startswith(stem))
    return f" (비슷한 이름: {', '.join(others)})" if others else ""


def need_volume(name: str) -> dict:
    """The volume ``name``'s inspect record, or the failure that says it is missing."""
    record = _volume(name)
    if record is None:
        fail(f"'{name}'(이)라는 볼륨이 있어야 합니다.", f"볼륨 {name}", "없음" + _stem_volumes(name),
             f"h.volume_create('{name}')(docker volume create {name})으로 만들거나, 컨테이너를 만들 때 "
             f"volumes={{'{name}': {{'bind': '/data'}}}}(-v {name}:/data)로 마운트하세요. `h.volumes()`로 이름을 확인하세요.")
    return record


def _moment(since):
    """``since`` — a :class:`Run`, a datetime or an engine timestamp — as an aware datetime."""
    return since.started if hasattr(since, "started") else parse_time(since) if isinstance(since, str) else since


def volume_exists(name: str, since=None) -> bool:
    """The volume ``name`` exists (and, given ``since`` — a :class:`Run`, a datetime or an engine
    timestamp — was created after it, by the engine's clock; volumes are stamped to the second)."""
    record = need_volume(name)
    if since is not None:
        mark = _moment(since)
        created = parse_time(record["CreatedAt"])
        if created < mark.replace(microsecond=0):
            fail(f"볼륨 '{name}'은(는) 이번 실습을 시작한 뒤에 만든 것이어야 합니다.", f"{clock(mark)} 이후에 만듦",
                 f"{clock(created)}에 만듦 (예전에 남은 것)", "노트북을 첫 셀부터 다시 실행해서 지금 새로 만드세요.")
    return True


def volume_absent(name: str) -> bool:
    """No volume is called ``name`` (it was removed)."""
    if _volume(name) is not None:
        users = sorted(n.lstrip("/") for c in client().api.containers(all=True, filters={"volume": name})
                       for n in (c.get("Names") or [])[:1])
        hint = f"`h.volume_rm('{name}')`(docker volume rm {name})로 지우세요."
        if users:
            hint = f"이 볼륨을 쓰는 컨테이너({', '.join(users)})를 먼저 `h.rm(...)`으로 지운 뒤 `h.volume_rm('{name}')`."
        fail(f"볼륨 '{name}'을(를) 지워야 합니다.", "없음", "아직 있음", hint)
    return True


def _mounts(c) -> list[dict]:
    """The container's mounts as ``docker inspect`` lists them, plus ``--tmpfs`` ones (only in HostConfig)."""
    mounts = [dict(m) for m in c.attrs.get("Mounts") or []]
    seen = {m.get("Destination") for m in mounts}
    for path, options in ((c.attrs.get("HostConfig") or {}).get("Tmpfs") or {}).items():
        if path not in seen:
            read_only = "ro" in str(options or "").split(",")
            mounts.append({"Type": "tmpfs", "Source": "", "Destination": path, "RW": not read_only})
    return mounts


def describe(m: dict) -> str:
    """One mount in Korean, as a learner would write it: '볼륨 ex07-data → /data (읽기 전용)'."""
    kind = m.get("Type")
    if kind == "volume":
        text = f"볼륨 {m.get('Name')} → {m.get('Destination')}"
    elif kind == "bind":
        text = f"호스트 폴더 {m.get('Source')} → {m.get('Destination')}"
    else:
        text = f"{kind} → {m.get('Destination')}"
    return text + ("" if m.get("RW", True) else " (읽기 전용)")


def _same_source(m: dict, source: str) -> bool:
    if m.get("Type") == "volume":
        return m.get("Name") == source
    want = [p for p in Path(source).parts if p not in (".", "/")]
    have = Path(m.get("Source") or "").parts
    return bool(want) and list(have[-len(want):]) == want


def _how(kind: str | None, source: str | None, destination: str, read_only: bool | None) -> str:
    """The ``volumes=``/``tmpfs=`` argument (and the CLI flag) that makes the mount a task asks for."""
    if kind == "tmpfs":
        return f"tmpfs={{'{destination}': ''}} (docker run --tmpfs {destination})"
    mode = ", 'mode': 'ro'" if read_only else ""
    flag = ":ro" if read_only else ""
    if kind == "bind" or (source and kind is None and "/" in source):
        folder = source or "폴더"
        return (f"volumes={{str(Path('{folder}').resolve()): {{'bind': '{destination}'{mode}}}}} "
                f"(docker run -v \"$(pwd)/{folder}\":{destination}{flag})")
    name = source or "볼륨이름"
    return f"volumes={{'{name}': {{'bind': '{destination}'{mode}}}}} (docker run -v {name}:{destination}{flag})"


def container_mount(name: str, destination: str, *, kind: str | None = None, source: str | None = None,
                    read_only: bool | None = None) -> dict:
    """The container ``name`` has something mounted at ``destination``: of ``kind`` ('volume', 'bind' or
    'tmpfs') when given, from ``source`` (a volume's name, or a host folder: its absolute path or its last
    parts, e.g. 'site') when given, and read-only or not when ``read_only`` is given. Returns the mount."""
    if kind is not None and kind not in _KINDS:
        raise ValueError(f"kind must be one of {tuple(_KINDS)}, not {kind!r}")
    c = need_container(name)
    want = destination.rstrip("/") or "/"
    mounts = _mounts(c)
    found = [m for m in mounts if (m.get("Destination") or "").rstrip("/") == want]
    expected = " ".join(x for x in (_KINDS[kind] if kind else "", source or "", f"→ {want}") if x)
    if not kind and not source:
        expected = f"마운트 → {want}"
    remake = f"마운트는 컨테이너를 만들 때 정합니다: h.rm('{name}', force=True)로 지우고 다시 만드세요."
    if not found:
        what = f"{_KINDS[kind]}이(가) 마운트되어" if kind else "무언가 마운트되어"
        fail(f"컨테이너 '{name}'의 {want}에 {what} 있어야 합니다.", expected,
             "; ".join(describe(m) for m in mounts) or "마운트 없음",
             f"{_how(kind, source, want, read_only)}. {remake}")
    m = found[0]
    if kind is not None and m.get("Type") != kind:
        fail(f"컨테이너 '{name}'의 {want}에는 {_KINDS[kind]}이(가) 마운트되어야 합니다.", _KINDS[kind],
             f"{_KINDS.get(m.get('Type'), m.get('Type'))}: {describe(m)}",
             ("tmpfs 마운트는 -v가 아니라 --tmpfs로 붙입니다. " if kind == "tmpfs" else
              "-v의 왼쪽이 이름이면 볼륨, /로 시작하는 경로면 바인드 마운트입니다. ")
             + f"{_how(kind, source, want, read_only)}. {remake}")
    if source is not None and not _same_source(m, source):
        fail(f"컨테이너 '{name}'의 {want}에는 {source}이(가) 마운트되어야 합니다.", expected, describe(m),
             f"{_how(kind or m.get('Type'), source, want, read_only)}. {remake}")
    if read_only is not None and (not m.get("RW", True)) != read_only:
        fail(f"컨테이너 '{name}'의 {want} 마운트는 {'읽기 전용(ro)이어야' if read_only else '읽고 쓸 수 있어야(rw)'} 합니다.",
             "읽기 전용(ro)" if read_only else "읽기-쓰기(rw)", "읽기-쓰기(rw)" if m.get("RW", True) else "읽기 전용(ro)",
             f"{_how(kind or m.get('Type'), source, want, read_only)}. {remake}")
    return m


def volume_has_file(volume: str, path: str, contains: str | None = None) -> bool:
    """The volume ``volume`` holds the file ``path`` (relative to the volume's top; containing
    ``contains``, if given). Reads it through a throwaway container that mounts the volume read-only."""
    import docker.errors as de

    need_volume(volume)
    inside = posixpath.normpath("/" + path.lstrip("/"))
    try:
        with throwaway(HELPER_IMAGE, ["true"], start=False, labels=labels(), network_disabled=True,
                       volumes={volume: {"bind": "/volume", "mode": "ro"}}) as c:
            content = read_file(c.id, "/volume" + inside)
    except de.ImageNotFound:
        fail(f"볼륨 '{volume}'을(를) 읽으려면 과정 키트 이미지 {HELPER_IMAGE}이(가) 있어야 합니다.", HELPER_IMAGE, "없음",
             "지운 키트 이미지는 `h.kit.ensure()`로 다시 준비하세요.")
    hint = (f"볼륨을 마운트한 컨테이너 안에서 그 경로에 쓰세요: 예) h.run('{HELPER_IMAGE}', "
            f"['sh', '-c', 'echo 내용 > /data{inside}'], volumes={{'{volume}': {{'bind': '/data'}}}}).")
    if content is None:
        fail(f"볼륨 '{volume}' 안에 파일 {inside.lstrip('/')}이(가) 있어야 합니다.", inside.lstrip("/"), "없음", hint)
    text = content.decode("utf-8", "replace")
    if contains is not None and contains not in text:
        fail(f"볼륨 '{volume}'의 {inside.lstrip('/')}에 '{contains}'이(가) 들어 있어야 합니다.", f"'{contains}' 포함",
             show_value(text) or "빈 파일", hint)
    return True


def _read_host_file(path: Path) -> tuple[bytes | None, dict | None]:
    """The bytes and the engine's stat of a file in a host folder, read through a throwaway container
    that bind-mounts the folder read-only (a missing folder is not created)."""
    import docker.errors as de
    from docker.types import Mount

    folder = Mount("/host", str(path.parent), type="bind", read_only=True)
    try:
        with throwaway(HELPER_IMAGE, ["true"], start=False, labels=labels(), network_disabled=True,
                       mounts=[folder]) as c:
            try:
                stream, stat = client().api.get_archive(c.id, f"/host/{path.name}")
            except de.APIError:
                return None, None
            data = b"".join(stream)
    except de.APIError:  # the folder does not exist ("bind source path does not exist")
        return None, None
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        member = tar.next()
        if member is None or not member.isfile():
            return None, stat
        return tar.extractfile(member).read(), stat


def _member(tar: tarfile.TarFile, wanted: str):
    """The archive member that is ``wanted``, however the archive was made (``./x``, ``data/x``, ``/x``)."""
    want = posixpath.normpath(wanted.lstrip("/"))
    for m in tar.getmembers():
        name = posixpath.normpath(m.name.lstrip("/"))
        if m.isfile() and (name == want or name.endswith("/" + want)):
            return m
    return None


def archive_has_file(archive, member: str, contains: str | None = None, since=None) -> bool:
    """The tar archive at ``archive`` (a host path) holds the file ``member`` (containing ``contains``, if
    given); with ``since`` (a :class:`Run`, a datetime or an engine timestamp) it was written after it.

    Members match by their end: a backup made with ``tar -cf x.tar -C /data .`` (``./hello.txt``) or
    ``tar -cf x.tar /data`` (``data/hello.txt``) both hold ``hello.txt``.
    """
    path = Path(str(archive)).expanduser().absolute()
    data, stat = _read_host_file(path)
    make = ("백업 컨테이너에 볼륨과 호스트 폴더를 함께 마운트하고 tar로 묶으세요: 예) h.run('busybox:1.35', "
            f"['tar', '-cf', '/backup/{path.name}', '-C', '/data', '.'], volumes={{'볼륨': {{'bind': '/data', "
            f"'mode': 'ro'}}, str(Path('{path.parent.name}').resolve()): {{'bind': '/backup'}}}}, rm=True).")
    if data is None:
        fail(f"호스트에 백업 파일 {path.parent.name}/{path.name}이(가) 있어야 합니다.", f"{path.parent.name}/{path.name}",
             "없음", make)
    try:
        tar = tarfile.open(fileobj=io.BytesIO(data))
    except tarfile.TarError:
        fail(f"{path.name}은(는) tar 아카이브여야 합니다.", "tar 아카이브", f"tar가 아닌 파일 ({len(data)}바이트)", make)
    with tar:
        found = _member(tar, member)
        names = [m.name for m in tar.getmembers() if m.isfile()]
        if found is None:
            fail(f"백업 {path.name} 안에 {member}이(가) 있어야 합니다.", member,
                 show_value(", ".join(names)) if names else "빈 아카이브",
                 "볼륨을 마운트한 경로(-C /data .)를 묶었는지 확인하세요. " + make)
        text = tar.extractfile(found).read().decode("utf-8", "replace")
    if contains is not None and contains not in text:
        fail(f"백업 {path.name}의 {member}에 '{contains}'이(가) 들어 있어야 합니다.", f"'{contains}' 포함",
             show_value(text) or "빈 파일", "백업하기 전에 볼륨에 그 내용이 있었는지 확인하세요.")
    if since is not None and stat and stat.get("mtime"):
        mark = _moment(since)
        written = parse_time(stat["mtime"])
        if written < mark.replace(microsecond=0):
            fail(f"백업 {path.name}은(는) 이번 실습을 시작한 뒤에 만든 것이어야 합니다.", f"{clock(mark)} 이후에 씀",
                 f"{clock(written)}에 씀 (예전에 남은 파일)", "노트북을 첫 셀부터 다시 실행해서 지금 새로 백업하세요.")
    return True
