"""Operating containers: stats, top, inspect, events, update, system df.

Each shows its ``docker ...`` line first and returns plain data that prints like the CLI. Introduced in chapter 10
(``stats`` is also what chapter 01 measures a container's memory with).
"""

from __future__ import annotations

import datetime as dt

from . import errors
from .command import Command, echo, restart_flag, sdk_options, size_flag
from .connection import client, friendly
from .containers import container
from .display import Table, human_size, say
from .system import Inspected


class Stats(dict):
    """One ``docker stats --no-stream`` row: ``cpu_percent``, ``mem_usage``, ``mem_limit`` (bytes), ``mem_percent``,
    ``pids``, ``name``; prints like the CLI's table."""

    COLUMNS = ["CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "PIDS"]

    def row(self) -> list[str]:
        return [self["id"][:12], self["name"], f"{self['cpu_percent']:.2f}%",
                f"{human_size(self['mem_usage'])} / {human_size(self['mem_limit'])}", f"{self['mem_percent']:.2f}%",
                str(self["pids"])]

    def __repr__(self) -> str:
        return Table([], self.COLUMNS, [self.row()]).text()

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(repr(self))


def stats_of(raw: dict, *, cid: str = "", name: str = "") -> Stats:
    """The CLI's numbers from one raw stats sample (the engine's JSON): CPU % over the sample's interval, memory
    without the page cache the kernel can drop (as ``docker stats`` shows it)."""
    cpu, pre = raw.get("cpu_stats") or {}, raw.get("precpu_stats") or {}
    cpu_delta = (cpu.get("cpu_usage") or {}).get("total_usage", 0) - (pre.get("cpu_usage") or {}).get("total_usage", 0)
    system_delta = cpu.get("system_cpu_usage", 0) - pre.get("system_cpu_usage", 0)
    cpus = cpu.get("online_cpus") or len((cpu.get("cpu_usage") or {}).get("percpu_usage") or []) or 1
    cpu_percent = cpu_delta / system_delta * cpus * 100 if cpu_delta > 0 and system_delta > 0 else 0.0
    mem = raw.get("memory_stats") or {}
    detail = mem.get("stats") or {}
    cache = detail.get("total_inactive_file", detail.get("inactive_file", 0))
    usage = max(0, mem.get("usage", 0) - cache)
    limit = mem.get("limit", 0)
    return Stats(id=cid or raw.get("id", ""), name=name or (raw.get("name") or "").lstrip("/"),
                 cpu_percent=cpu_percent, mem_usage=usage, mem_limit=limit,
                 mem_percent=usage / limit * 100 if limit else 0.0,
                 pids=(raw.get("pids_stats") or {}).get("current", 0), measured=bool(mem.get("usage")))


@friendly(0)
def stats(name: str) -> Stats:
    """Measure a running container's CPU and memory once. Similar to ``docker stats --no-stream NAME``.

    Takes about a second (the engine compares two samples to get CPU %). On an engine without cgroups
    (rootless Docker on cgroup v1) the numbers are all 0 and a note says why. Introduced in chapter 10.
    """
    c = container(name)
    echo("stats", "--no-stream", name)
    if c.status != "running":
        raise errors.ContainerNotRunning(f"'{name}'은(는) 지금 '{c.status}' 상태라 잴 것이 없습니다.",
                                         hint=f"`h.start('{name}')`로 먼저 시작하세요.")
    result = stats_of(c.stats(stream=False), cid=c.id, name=c.name)
    if not result["measured"]:
        say("(이 엔진은 cgroup이 없어 CPU와 메모리를 재지 못합니다: rootless Docker on cgroup v1. 숫자가 0으로 나옵니다.)")
    return result


@friendly(0)
def top(name: str) -> Table:
    """List the processes running in a container, as the host sees them. Similar to ``docker top``.

    Introduced in chapter 10.
    """
    c = container(name)
    echo("top", name)
    if c.status != "running":
        raise errors.ContainerNotRunning(f"'{name}'은(는) 지금 '{c.status}' 상태라 프로세스가 없습니다.",
                                         hint=f"`h.start('{name}')`로 먼저 시작하세요.")
    found = c.top()
    titles = found.get("Titles") or []
    processes = found.get("Processes") or []
    return Table([dict(zip(titles, p)) for p in processes], titles, processes)


@friendly(0)
def inspect(name: str) -> Inspected:
    """Show everything the engine records about a container (or, failing that, an image) as JSON.

    Similar to ``docker inspect``. Returns a dict: ``h.inspect("web")["State"]["Health"]``. Introduced in chapter 10.
    """
    import docker.errors as de

    echo("inspect", name)
    try:
        return Inspected(client().api.inspect_container(name))
    except de.NotFound:
        pass
    try:
        return Inspected(client().api.inspect_image(name))
    except de.NotFound:
        raise errors.ContainerNotFound(f"'{name}'이라는 컨테이너도 이미지도 없습니다.",
                                       hint="`h.ps(all=True)`나 `h.images()`로 이름을 확인하세요.") from None


def _moment(value) -> dt.datetime:
    """``since``/``until``: a datetime, an ISO time, a Unix time, or seconds ago as ``"30s"``/``"2m"``."""
    now = dt.datetime.now(dt.timezone.utc)
    if value is None:
        return now
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, dt.timezone.utc)
    text = str(value).strip()
    units = {"s": 1, "m": 60, "h": 3600}
    if text[:-1].replace(".", "", 1).isdigit() and text[-1] in units:
        return now - dt.timedelta(seconds=float(text[:-1]) * units[text[-1]])
    head, _, frac = text.rstrip("Z").partition(".")
    moment = dt.datetime.fromisoformat(head + (f".{frac[:6]}" if frac else ""))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _cli_time(value) -> str:
    """How the learner would type it: ``30s`` stays, a moment becomes RFC 3339."""
    if isinstance(value, str) and value[-1:] in "smh" and value[:-1].replace(".", "", 1).isdigit():
        return value
    return _moment(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _stamp(t: dt.datetime) -> str:
    return f"{int(t.timestamp())}.{t.microsecond:06d}000"


class Events(Table):
    """Engine events that print like ``docker events`` (time, type, action, name)."""


@friendly(None)
def events(since="1m", until=None, filters: dict | None = None) -> Events:
    """List what the engine did between ``since`` and ``until`` (default: now). Similar to
    ``docker events --since 1m --until ...``.

    Always bounded (the CLI without ``--until`` would wait forever). ``since``/``until`` take ``"30s"``/``"5m"``
    (that long ago), a datetime, an ISO time or a Unix time; ``filters={"container": "web", "event": "die"}`` is
    ``--filter container=web --filter event=die``. The engine keeps only its most recent events (a few hundred).
    Introduced in chapter 10.
    """
    start, end = _moment(since), _moment(until)
    flags = [f"--filter={k}={v}" for k, vs in (filters or {}).items() for v in (vs if isinstance(vs, list) else [vs])]
    echo("events", "--since", _cli_time(since), "--until", _cli_time(until) if until is not None else
         _cli_time(end), flags)
    found = list(client().events(since=_stamp(start), until=_stamp(end), filters=filters, decode=True))
    rows = []
    for e in found:
        when = dt.datetime.fromtimestamp(e.get("timeNano", 0) / 1e9 or e.get("time", 0), dt.timezone.utc)
        attrs = (e.get("Actor") or {}).get("Attributes") or {}
        rows.append([when.astimezone().strftime("%H:%M:%S.%f")[:-3], e.get("Type", ""), e.get("Action", ""),
                     attrs.get("name") or (e.get("Actor") or {}).get("ID", "")[:12]])
    return Events(found, ["TIME", "TYPE", "ACTION", "NAME"], rows)


@friendly(0)
def update(name: str, *, restart: str | None = None, memory=None, cpus: float | None = None):
    """Change a container's restart policy or limits without recreating it. Similar to
    ``docker update --restart always --memory 64m --cpus 0.5 NAME``. Introduced in chapter 10.
    """
    c = container(name)
    options = sdk_options({k: v for k, v in {"restart": restart, "memory": memory, "cpus": cpus}.items() if v})
    cmd = Command("update").add_simple_arg("--restart", restart_flag(options.get("restart_policy")))
    cmd.add_simple_arg("--memory", size_flag(options["mem_limit"]) if "mem_limit" in options else None)
    if "mem_limit" in options:  # the engine refuses a memory limit above the old swap limit: lift both together
        options["memswap_limit"] = -1
        cmd.add_simple_arg("--memory-swap", "-1")
    cmd.add_simple_arg("--cpus", f"{options['nano_cpus'] / 1e9:g}" if "nano_cpus" in options else None)
    cmd.add_args(name).echo()
    try:
        c.update(**options)
    except Exception as exc:
        raise errors.translate(exc, what=name) from exc
    c.reload()
    say(name)
    return c


class DiskUsage(Table):
    """``docker system df``: per kind, how many, how many in use, size, and what removing the unused would free."""


@friendly(None)
def system_df() -> DiskUsage:
    """Show how much disk images, containers, volumes and the build cache take. Similar to ``docker system df``.

    RECLAIMABLE is what ``docker system prune`` would free; the course removes by label instead (chapter 10).
    Introduced in chapter 10.
    """
    echo("system", "df")
    df = client().df()
    images = df.get("Images") or []
    used = [i for i in images if i.get("Containers", 0) > 0]
    shared = sum(i.get("SharedSize", 0) for i in images if i.get("SharedSize", 0) > 0)
    img_size = df.get("LayersSize") or sum(i.get("Size", 0) for i in images) - shared
    img_free = max(0, img_size - sum(i.get("Size", 0) for i in used))  # what no container uses (shared layers kept)
    conts = df.get("Containers") or []
    running = [c for c in conts if c.get("State") == "running"]
    c_size = sum(c.get("SizeRw", 0) for c in conts)
    c_free = sum(c.get("SizeRw", 0) for c in conts if c.get("State") != "running")
    vols = df.get("Volumes") or []
    v_used = [v for v in vols if (v.get("UsageData") or {}).get("RefCount", 0) > 0]
    v_size = sum(max((v.get("UsageData") or {}).get("Size", 0), 0) for v in vols)
    v_free = sum(max((v.get("UsageData") or {}).get("Size", 0), 0) for v in vols if v not in v_used)
    cache = df.get("BuildCache") or []
    b_size = sum(b.get("Size", 0) for b in cache)
    b_free = sum(b.get("Size", 0) for b in cache if not b.get("InUse"))

    def pct(free: float, total: float) -> str:
        return f"{human_size(free)} ({free / total * 100:.0f}%)" if total else human_size(free)

    rows = [["Images", len(images), len(used), human_size(img_size), pct(img_free, img_size)],
            ["Containers", len(conts), len(running), human_size(c_size), pct(c_free, c_size)],
            ["Local Volumes", len(vols), len(v_used), human_size(v_size), pct(v_free, v_size)],
            ["Build Cache", len(cache), sum(1 for b in cache if b.get("InUse")), human_size(b_size), human_size(b_free)]]
    items = [{"type": r[0], "total": r[1], "active": r[2]} for r in rows]
    return DiskUsage(items, ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"], rows)


