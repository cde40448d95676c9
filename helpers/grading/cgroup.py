"""A grading worker's cgroup: memory and PIDs limits set by root, and a kill that leaves no process behind.

cgroup v2 (one group, ``cgroup.kill``) and v1 (``memory``, ``pids`` and ``freezer`` hierarchies: freeze,
SIGKILL every task, thaw). With ``cpus`` (the class server's learners) the group also has the CPU controller:
a hard limit of that many cores (``cpu.max``; v1 ``cpu.cfs_quota_us``), and, being a group of its own, an equal
share against every other learner when the machine is busy, however many processes each one runs. A limit that
cannot be set is an error (:class:`CgroupError`), never a silent pass: a submission must not run unbounded
because a controller was missing.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

BASE = Path("/sys/fs/cgroup")
CPU_PERIOD = 100_000  # microseconds


class CgroupError(RuntimeError):
    """The worker's limits could not be set (Korean message)."""


@dataclass
class Cgroup:
    """``learn-docker-ko/<name>`` in every hierarchy the limits need."""

    name: str
    memory: int
    pids: int
    base: Path = BASE
    cpus: float | None = None  # cores at most (0: no limit but a share; None: no CPU controller, as grading's)

    @property
    def v2(self) -> bool:
        return (self.base / "cgroup.controllers").exists()

    def groups(self) -> list[Path]:
        if self.v2:
            return [self.base / "learn-docker-ko" / self.name]
        controllers = ("memory", "pids", "cpu", "freezer") if self.cpus is not None else ("memory", "pids", "freezer")
        return [self.base / c / "learn-docker-ko" / self.name for c in controllers]

    def create(self) -> None:
        """Make the groups and set the limits; :class:`CgroupError` when any of it fails."""
        try:
            if self.v2:
                parent = self.base / "learn-docker-ko"
                parent.mkdir(exist_ok=True)
                wanted = {"+memory", "+pids", "+cpu"} if self.cpus is not None else {"+memory", "+pids"}
                have = set((self.base / "cgroup.subtree_control").read_text().split())
                for c in wanted - {f"+{x}" for x in have}:
                    (self.base / "cgroup.subtree_control").write_text(c)
                control = parent / "cgroup.subtree_control"
                have = {f"+{x.lstrip('+')}" for x in (control.read_text().split() if control.exists() else [])}
                if wanted - have:
                    control.write_text(" ".join(sorted(wanted - have)))
                group = parent / self.name
                group.mkdir(exist_ok=True)
                _set(group / "memory.max", self.memory)
                _set(group / "memory.swap.max", 0, optional=True)
                _set(group / "pids.max", self.pids)
                if self.cpus is not None:
                    _set(group / "cpu.max", f"{self.cpu_quota()} {CPU_PERIOD}")
            else:
                groups = self.groups()
                for group in groups:
                    if not group.parent.parent.is_dir():
                        raise CgroupError(f"cgroup v1 '{group.parent.parent.name}' 컨트롤러가 없습니다.")
                    group.mkdir(parents=True, exist_ok=True)
                memory, pids = groups[0], groups[1]
                _set(memory / "memory.limit_in_bytes", self.memory)
                _set(memory / "memory.memsw.limit_in_bytes", self.memory, optional=True)
                _set(pids / "pids.max", self.pids)
                if self.cpus is not None:
                    _set(groups[2] / "cpu.cfs_period_us", CPU_PERIOD)
                    quota = self.cpu_quota()
                    _set(groups[2] / "cpu.cfs_quota_us", -1 if quota == "max" else quota)
        except OSError as exc:
            raise CgroupError(f"cgroup({self.name})을 만들거나 제한을 걸지 못했습니다: {exc}") from exc

    def cpu_quota(self) -> int | str:
        """Microseconds of CPU per period of :data:`CPU_PERIOD` (``cpus`` cores), ``"max"`` for no limit."""
        if not self.cpus:
            return "max"
        return max(1000, round(self.cpus * CPU_PERIOD))

    def procs_files(self) -> list[Path]:
        return [g / "cgroup.procs" for g in self.groups()]

    def join_script(self) -> str:
        """Shell that moves itself into every group (what it then execs stays there); fails loudly."""
        return "".join(f"echo $$ > '{p}' || exit 97; " for p in self.procs_files())

    def pids_in(self) -> set[int]:
        found: set[int] = set()
        for group in self.groups():
            try:
                found |= {int(x) for x in (group / "cgroup.procs").read_text().split()}
            except OSError:
                pass
        return found

    def kill(self, timeout: float = 10) -> None:
        """Every process of the worker gone: none can fork away while it happens."""
        deadline = time.monotonic() + timeout
        if self.v2 and (self.groups()[0] / "cgroup.kill").exists():
            (self.groups()[0] / "cgroup.kill").write_text("1")
        else:
            freezer = self.groups()[-1] if not self.v2 else self.groups()[0]
            state = freezer / ("freezer.state" if not self.v2 else "cgroup.freeze")
            frozen, thawed = ("FROZEN", "THAWED") if not self.v2 else ("1", "0")
            while self.pids_in() and time.monotonic() < deadline:
                _set(state, frozen, optional=True)
                for pid in self.pids_in():
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                _set(state, thawed, optional=True)
                time.sleep(0.02)
        while self.pids_in():
            if time.monotonic() > deadline:
                raise CgroupError(f"cgroup({self.name})의 프로세스가 {timeout:g}초 안에 끝나지 않았습니다: "
                                  f"{sorted(self.pids_in())[:10]}")
            time.sleep(0.02)

    def remove(self) -> None:
        for group in self.groups():
            try:
                group.rmdir()
            except OSError:
                pass


def _set(path: Path, value, optional: bool = False) -> None:
    try:
        path.write_text(str(value))
    except OSError as exc:
        if not optional:
            raise CgroupError(f"{path}에 {value}을(를) 쓰지 못했습니다: {exc}") from exc
