"""Looking at containers: ps, port, logs, attach, exec, diff, cp.

Each shows its ``docker ...`` line first and returns SDK objects or plain data. Introduced in chapters 02-03
(``diff`` in chapter 07, ``cp`` in chapter 12).
"""

from __future__ import annotations

import io
import posixpath
import re
import tarfile
from pathlib import Path

from . import errors
from . import ports as _ports
from .command import echo
from .connection import client, friendly
from .containers import argv_of, container
from .display import Output, Table, ago, human_size, say


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


@friendly(0)
def execute(name: str, command, *, workdir: str | None = None, user: str | None = None,
            environment: dict | None = None) -> Output:
    """Run a command inside a running container and return its output and exit code.

    Similar to ``docker exec``; ``h.exec`` is the same function. Introduced in chapter 02.
    """
    c = container(name)
    argv = argv_of(command)
    echo("exec", ["-w", workdir] if workdir else None, ["-u", user] if user else None, name, argv)
    if c.status == "restarting":  # a restart loop (chapter 12): starting it by hand would not help
        raise errors.ContainerNotRunning(
            f"'{name}'은(는) 재시작 반복 중입니다 (주 프로세스가 곧바로 끝나고 재시작 정책이 다시 시작함).",
            hint=f"h.logs('{name}')로 끝나는 이유를 보세요. h.update('{name}', restart='no')로 반복을 멈춘 뒤 "
                 f"h.cp('{name}:/경로', '.')로 파일을 꺼내 볼 수 있습니다 (12장).")
    if c.status != "running":
        raise errors.ContainerNotRunning(f"'{name}'은(는) 지금 '{c.status}' 상태입니다.",
                                         hint=f"`h.start('{name}')`로 먼저 시작하세요.")
    api = client().api
    exec_id = api.exec_create(c.id, argv, workdir=workdir, user=user or "", environment=environment)["Id"]
    out, err = api.exec_start(exec_id, demux=True)
    code = api.exec_inspect(exec_id)["ExitCode"]
    text = (out or b"").decode("utf-8", "replace") + (err or b"").decode("utf-8", "replace")
    note = errors.explain_output(text) if code else None
    if note:
        say(f"(종료 코드 {code}: {note})")
    return Output(text, exit_code=code, container=c.id)


@friendly(0)
def logs(name: str, tail: int | None = None, *, follow: bool = False, seconds: float = 5) -> Output:
    """Return what a container has printed so far. Similar to ``docker logs [--tail N]``.

    ``follow=True`` is ``docker logs -f``: new lines are printed as the container writes them, for ``seconds``
    at most (a cell cannot wait forever the way a terminal's Ctrl-C ends it); returns everything seen.
    Introduced in chapter 02 (``follow`` in chapter 10).
    """
    c = container(name)
    echo("logs", "-f" if follow else None, ["--tail", str(tail)] if tail else None, name)
    if not follow:
        return Output(c.logs(tail=tail or "all").decode("utf-8", "replace"), container=c.id)
    return Output(_follow(c, tail, seconds), container=c.id)


def _follow(c, tail: int | None, seconds: float) -> str:
    """Stream the logs, closing the stream from a timer thread after ``seconds`` (the stream blocks on a read)."""
    import threading

    stream = c.logs(stream=True, follow=True, tail=tail or "all")
    timer = threading.Timer(seconds, stream.close)
    timer.start()
    seen, pending = [], b""
    try:
        for chunk in stream:
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                text = line.decode("utf-8", "replace")
                seen.append(text)
                say(text)
    except Exception:  # noqa: BLE001 - closing the stream mid-read ends the loop with a socket error
        pass
    finally:
        timer.cancel()
    if pending:
        seen.append(pending.decode("utf-8", "replace"))
        say(seen[-1])
    say(f"(-f: {seconds:g}초 동안 따라 보고 멈췄습니다. 터미널에서는 Ctrl-C로 멈춥니다.)")
    return "\n".join(seen)


@friendly(0)
def attach(name: str, tail: int = 20) -> Output:
    """Show the main process's screen lately — what ``docker attach`` would show first — without the keyboard.

    A cell cannot hand its keyboard to a container, so this runs ``docker logs --tail N`` and says so;
    for a real attach use the ``Terminal`` widget (``hw.Terminal(name)``) or JupyterLab's terminal.
    Introduced in chapter 02.
    """
    c = container(name)
    if c.status != "running":
        echo("attach", name)
        raise errors.ContainerNotRunning(f"'{name}'은(는) 실행 중이 아니라 연결할 수 없습니다.",
                                         hint=f"`h.start('{name}')`로 먼저 시작하세요.")
    say(f"(셀에는 키보드가 없어 docker attach 대신 주 프로세스의 최근 화면 {tail}줄을 docker logs로 봅니다. "
        f"진짜 attach는 hw.Terminal('{name}')나 JupyterLab 터미널에서 하세요.)")
    echo("logs", "--tail", str(tail), name)
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



class Changes(list):
    """``[('A', '/etc/motd'), ('C', '/etc')]`` that prints like ``docker diff`` (A added, C changed, D deleted)."""

    def __repr__(self) -> str:
        return "\n".join(f"{kind} {path}" for kind, path in self) or "(쓰기 레이어에 바뀐 것이 없습니다)"

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(repr(self))

    def paths(self, kind: str | None = None) -> list[str]:
        """The changed paths, only those of ``kind`` ('A', 'C' or 'D') when given."""
        return [path for k, path in self if kind is None or k == kind]


_CHANGE_KINDS = {0: "C", 1: "A", 2: "D"}


@friendly(0)
def diff(name: str) -> Changes:
    """List what changed in a container's writable layer since it was created. Similar to ``docker diff``.

    ``A`` added, ``C`` changed, ``D`` deleted. What a container writes into a volume, a bind mount or a
    tmpfs is not in its writable layer, so it is not listed (only the mount point itself may be).
    Introduced in chapter 07.
    """
    c = container(name)
    echo("diff", name)
    return Changes((_CHANGE_KINDS.get(ch.get("Kind"), "?"), ch.get("Path", "")) for ch in client().api.diff(c.id) or [])


def _split_cp(spec: str) -> tuple[str | None, str]:
    """``"web:/etc/app.conf"`` -> ``("web", "/etc/app.conf")``; a host path (``./x``, ``/x``, ``C:\\x``) -> ``(None, path)``."""
    name, sep, path = str(spec).partition(":")
    if not sep or not name or name.startswith((".", "/", "~")) or "/" in name or len(name) == 1:
        return None, str(spec)
    return name, path


@friendly(None)
def cp(source: str, dest: str) -> Path | str:
    """Copy a file or folder out of a container, or into one; the container may be stopped. Similar to
    ``docker cp NAME:/path ./dest`` (out) and ``docker cp ./file NAME:/path`` (in).

    As the CLI does: an existing folder as ``dest`` receives the copy under its own name; otherwise the copy is
    written as ``dest`` (its parent folder must exist). A stopped or restarting container has its files all the
    same, which is why this is how to read the config or log file of a container that will not stay up.
    Returns the host path written (out) or the container path (in). Introduced in chapter 12.

    Raises:
        ContainerNotFound: no container of that name.
        PathNotFound: the path is not in the container (out) or not on this computer (in).
        CourseError: neither or both sides name a container (``NAME:/path``).
    """
    src_name, src_path = _split_cp(source)
    dst_name, dst_path = _split_cp(dest)
    if (src_name is None) == (dst_name is None):
        echo("cp", source, dest)
        raise errors.CourseError("docker cp는 한쪽만 컨테이너여야 합니다 (컨테이너 쪽은 `이름:/경로`).",
                                 hint="꺼내기: h.cp('web:/etc/app.conf', './app.conf'), "
                                      "넣기: h.cp('./app.conf', 'web:/etc/app.conf').")
    if src_name is not None:
        return _copy_out(container(src_name), src_name, src_path, dst_path, source, dest)
    return _copy_in(container(dst_name), dst_name, src_path, dst_path, source, dest)


def _copy_out(c, name: str, path: str, dest: str, source: str, shown: str) -> Path:
    import docker.errors as de

    echo("cp", source, shown)
    try:
        stream, stat = client().api.get_archive(c.id, path)
    except de.NotFound:
        raise errors.PathNotFound(f"컨테이너 '{name}' 안에 {path}이(가) 없습니다.") from None
    data = b"".join(stream)
    target = Path(dest).expanduser()
    if target.is_dir():
        folder, rename = target, None
    else:
        folder, rename = target.parent, target.name
        if not folder.is_dir():
            raise errors.PathNotFound(f"이 컴퓨터에 폴더 {folder}이(가) 없습니다.", hint="먼저 폴더를 만드세요 (mkdir).")
    top = stat.get("name") or posixpath.basename(path.rstrip("/")) or "."
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = tar.getmembers()
        for m in members:  # the archive's top entry is the path's own name: rename it as the CLI does
            if rename and (m.name == top or m.name.startswith(top + "/")):
                m.name = rename + m.name[len(top):]
        safe = {"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}  # no absolute paths, nothing outside folder
        tar.extractall(folder, members=members, **safe)
    written = (folder / (rename or top)).resolve()
    say(f"Successfully copied {human_size(sum(m.size for m in members))} to {written}")
    return written


def _copy_in(c, name: str, src: str, path: str, source: str, shown: str) -> str:
    import docker.errors as de

    echo("cp", source, shown)
    local = Path(src).expanduser()
    if not local.exists():
        raise errors.PathNotFound(f"이 컴퓨터에 {src}이(가) 없습니다.", hint="경로와 현재 폴더(os.getcwd())를 확인하세요.")
    into_dir = path.endswith("/")
    if not into_dir:
        try:  # an existing folder in the container receives the copy under its own name (the CLI's rule)
            stream, stat = client().api.get_archive(c.id, path)
            stream.close()
            into_dir = bool(int(stat.get("mode", 0)) & (1 << 31))
        except de.NotFound:
            into_dir = False
    folder, arcname = (path.rstrip("/") or "/", local.name) if into_dir else (posixpath.dirname(path) or "/",
                                                                            posixpath.basename(path))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(str(local), arcname=arcname)
    try:
        client().api.put_archive(c.id, folder, buf.getvalue())
    except de.NotFound:
        raise errors.PathNotFound(f"컨테이너 '{name}' 안에 폴더 {folder}이(가) 없습니다.") from None
    written = posixpath.join(folder, arcname)
    size = sum(f.stat().st_size for f in [local, *local.rglob("*")] if f.is_file())
    say(f"Successfully copied {human_size(size)} to {name}:{written}")
    return written


exec = execute  # noqa: A001 - the docker verb; `h.exec(...)` reads like `docker exec`
