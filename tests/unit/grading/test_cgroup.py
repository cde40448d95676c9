"""helpers.grading.cgroup: a worker's memory/PIDs limits and its kill, over a fake cgroup tree in tmp_path.

The fake tree is plain files: writing a limit file stores the value, and a ``cgroup.procs`` file keeps
whatever pids the test wrote in it (the kernel would drop a pid when its process ends; the tests that need
that do it themselves, only after the process has really died)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from helpers.grading.cgroup import Cgroup, CgroupError

MEMORY = 256 * 1024**2
PIDS = 64
HANGUL = re.compile(r"[가-힣]")
NO_SUCH_PID = 2**30  # above any pid_max (at most 2**22): os.kill gives ESRCH, never hits a real process


def v1_tree(base: Path, controllers=("memory", "pids", "freezer")) -> Path:
    for c in controllers:
        (base / c).mkdir()
    return base


def v2_tree(base: Path, enabled: str = "") -> Path:
    (base / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    (base / "cgroup.subtree_control").write_text(enabled)
    return base


def group(base: Path, controller: str | None = None) -> Path:
    return (base / controller if controller else base) / "learn-docker-ko" / "w1"


# -- create --------------------------------------------------------------------------------------------

def test_v1_create_writes_the_limits_in_each_hierarchy(tmp_path):
    cg = Cgroup("w1", MEMORY, PIDS, base=v1_tree(tmp_path))
    assert not cg.v2
    cg.create()
    assert (group(tmp_path, "memory") / "memory.limit_in_bytes").read_text() == str(MEMORY)
    assert (group(tmp_path, "memory") / "memory.memsw.limit_in_bytes").read_text() == str(MEMORY)  # no swap on top
    assert (group(tmp_path, "pids") / "pids.max").read_text() == str(PIDS)
    assert group(tmp_path, "freezer").is_dir()
    assert cg.groups() == [group(tmp_path, c) for c in ("memory", "pids", "freezer")]


@pytest.mark.parametrize("missing", ["memory", "pids", "freezer"])
def test_v1_create_refuses_when_a_controller_is_missing(tmp_path, missing):
    cg = Cgroup("w1", MEMORY, PIDS, base=v1_tree(tmp_path, [c for c in ("memory", "pids", "freezer") if c != missing]))
    with pytest.raises(CgroupError) as err:
        cg.create()
    assert missing in str(err.value)
    assert HANGUL.search(str(err.value))
    assert not (tmp_path / missing).exists()  # no hierarchy invented in its place


@pytest.mark.parametrize(("controller", "limit"), [("memory", "memory.limit_in_bytes"), ("pids", "pids.max")])
def test_v1_create_fails_loudly_when_a_limit_cannot_be_written(tmp_path, controller, limit):
    v1_tree(tmp_path)
    (group(tmp_path, controller) / limit).mkdir(parents=True)  # writing it fails, as root or not
    with pytest.raises(CgroupError) as err:
        Cgroup("w1", MEMORY, PIDS, base=tmp_path).create()
    assert limit in str(err.value)
    assert HANGUL.search(str(err.value))


def test_v1_create_passes_over_an_optional_swap_limit(tmp_path):
    v1_tree(tmp_path)
    (group(tmp_path, "memory") / "memory.memsw.limit_in_bytes").mkdir(parents=True)  # kernel without swap accounting
    Cgroup("w1", MEMORY, PIDS, base=tmp_path).create()
    assert (group(tmp_path, "memory") / "memory.limit_in_bytes").read_text() == str(MEMORY)


def test_v2_create_enables_the_controllers_and_writes_the_limits(tmp_path):
    cg = Cgroup("w1", MEMORY, PIDS, base=v2_tree(tmp_path, "memory pids\n"))
    assert cg.v2
    cg.create()
    g = group(tmp_path)
    assert cg.groups() == [g]
    assert (g / "memory.max").read_text() == str(MEMORY)
    assert (g / "memory.swap.max").read_text() == "0"
    assert (g / "pids.max").read_text() == str(PIDS)
    assert set((g.parent / "cgroup.subtree_control").read_text().split()) == {"+memory", "+pids"}
    assert (tmp_path / "cgroup.subtree_control").read_text() == "memory pids\n"  # already on: left alone


def test_v2_create_turns_on_a_controller_the_root_lacks(tmp_path):
    Cgroup("w1", MEMORY, PIDS, base=v2_tree(tmp_path, "cpu memory\n")).create()
    assert (tmp_path / "cgroup.subtree_control").read_text() == "+pids"


@pytest.mark.parametrize("limit", ["memory.max", "pids.max"])
def test_v2_create_fails_loudly_when_a_limit_cannot_be_written(tmp_path, limit):
    v2_tree(tmp_path, "memory pids")
    (group(tmp_path) / limit).mkdir(parents=True)
    with pytest.raises(CgroupError) as err:
        Cgroup("w1", MEMORY, PIDS, base=tmp_path).create()
    assert limit in str(err.value)
    assert HANGUL.search(str(err.value))


def test_v2_create_turns_a_file_system_error_into_a_cgroup_error(tmp_path):
    v2_tree(tmp_path, "memory pids")
    (tmp_path / "learn-docker-ko").write_text("not a folder")
    with pytest.raises(CgroupError) as err:
        Cgroup("w1", MEMORY, PIDS, base=tmp_path).create()
    assert "w1" in str(err.value)
    assert HANGUL.search(str(err.value))


# -- the CPU controller (the class server's learners) -------------------------------------------------------

def test_v1_cpus_adds_the_cpu_hierarchy_with_a_quota_before_the_freezer(tmp_path):
    cg = Cgroup("w1", MEMORY, PIDS, base=v1_tree(tmp_path, ("memory", "pids", "cpu", "freezer")), cpus=1.5)
    cg.create()
    assert cg.groups() == [group(tmp_path, c) for c in ("memory", "pids", "cpu", "freezer")]  # kill freezes the last
    assert (group(tmp_path, "cpu") / "cpu.cfs_period_us").read_text() == "100000"
    assert (group(tmp_path, "cpu") / "cpu.cfs_quota_us").read_text() == "150000"
    assert f"echo $$ > '{group(tmp_path, 'cpu') / 'cgroup.procs'}'" in cg.join_script()


def test_v1_cpus_zero_is_a_share_without_a_limit_and_none_leaves_cpu_alone(tmp_path):
    Cgroup("w1", MEMORY, PIDS, base=v1_tree(tmp_path, ("memory", "pids", "cpu", "freezer")), cpus=0).create()
    assert (group(tmp_path, "cpu") / "cpu.cfs_quota_us").read_text() == "-1"
    other = tmp_path / "other"
    other.mkdir()
    cg = Cgroup("w1", MEMORY, PIDS, base=v1_tree(other, ("memory", "pids", "cpu", "freezer")))
    cg.create()
    assert "cpu" not in [g.parent.parent.name for g in cg.groups()] and not group(other, "cpu").exists()


def test_v1_cpus_refuses_without_the_cpu_hierarchy(tmp_path):
    with pytest.raises(CgroupError) as err:
        Cgroup("w1", MEMORY, PIDS, base=v1_tree(tmp_path), cpus=1).create()
    assert "cpu" in str(err.value) and HANGUL.search(str(err.value))


def test_v2_cpus_enables_cpu_below_and_writes_cpu_max(tmp_path):
    cg = Cgroup("w1", MEMORY, PIDS, base=v2_tree(tmp_path, "cpu memory pids\n"), cpus=2)
    cg.create()
    g = group(tmp_path)
    assert (g / "cpu.max").read_text() == "200000 100000"
    assert set((g.parent / "cgroup.subtree_control").read_text().split()) == {"+cpu", "+memory", "+pids"}
    Cgroup("w2", MEMORY, PIDS, base=tmp_path, cpus=0).create()
    assert (g.parent / "w2" / "cpu.max").read_text() == "max 100000"


# -- join_script --------------------------------------------------------------------------------------

def test_join_script_names_every_procs_file_and_fails_on_each(tmp_path):
    cg = Cgroup("w1", MEMORY, PIDS, base=v1_tree(tmp_path))
    script = cg.join_script()
    for procs in cg.procs_files():
        assert f"echo $$ > '{procs}' || exit 97; " in script
    assert len(cg.procs_files()) == 3


def test_join_script_moves_the_shell_into_every_group(tmp_path):
    cg = Cgroup("w1", MEMORY, PIDS, base=v1_tree(tmp_path))
    cg.create()
    done = subprocess.run(["sh", "-c", cg.join_script() + "echo $$"], capture_output=True, text=True, timeout=10)
    assert done.returncode == 0, done.stderr
    pid = done.stdout.strip()
    assert [p.read_text().strip() for p in cg.procs_files()] == [pid, pid, pid]


@pytest.mark.parametrize("broken", [0, 1, 2])
def test_join_script_stops_with_97_when_a_group_cannot_be_joined(tmp_path, broken):
    cg = Cgroup("w1", MEMORY, PIDS, base=v1_tree(tmp_path))
    cg.create()
    cg.procs_files()[broken].mkdir()  # the shell cannot write it
    marker = tmp_path / "ran"
    done = subprocess.run(["sh", "-c", cg.join_script() + f"touch '{marker}'"], capture_output=True, timeout=10)
    assert done.returncode == 97
    assert not marker.exists()  # what would have been exec'd never runs outside the group


# -- kill -----------------------------------------------------------------------------------------------

@pytest.fixture
def sleeper():
    proc = subprocess.Popen(["sleep", "60"], stdin=subprocess.DEVNULL)
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def kernel_drops_dead_pids(monkeypatch, cg: Cgroup, proc: subprocess.Popen) -> None:
    """What the kernel does to ``cgroup.procs`` and the fake files cannot: a process that has ended (reaped
    here, as it is our child) leaves every group. Nothing here signals it."""
    real = Cgroup.pids_in

    def pids_in(self):
        if proc.poll() is not None:
            for procs in cg.procs_files():
                if procs.exists():
                    left = [x for x in procs.read_text().split() if x != str(proc.pid)]
                    procs.write_text("".join(f"{x}\n" for x in left))
        return real(self)

    monkeypatch.setattr(Cgroup, "pids_in", pids_in)


def test_v1_kill_ends_every_process_of_the_groups(tmp_path, sleeper, monkeypatch):
    cg = Cgroup("w1", MEMORY, PIDS, base=v1_tree(tmp_path))
    cg.create()
    for procs in cg.procs_files():
        procs.write_text(f"{sleeper.pid}\n")
    kernel_drops_dead_pids(monkeypatch, cg, sleeper)
    assert cg.pids_in() == {sleeper.pid}
    cg.kill(timeout=10)
    assert sleeper.returncode == -signal.SIGKILL
    assert cg.pids_in() == set()
    assert (group(tmp_path, "freezer") / "freezer.state").read_text() == "THAWED"  # frozen during, thawed after


def test_v2_kill_without_cgroup_kill_freezes_and_kills(tmp_path, sleeper, monkeypatch):
    cg = Cgroup("w1", MEMORY, PIDS, base=v2_tree(tmp_path, "memory pids"))
    cg.create()
    cg.procs_files()[0].write_text(f"{sleeper.pid}\n")
    kernel_drops_dead_pids(monkeypatch, cg, sleeper)
    cg.kill(timeout=10)
    assert sleeper.returncode == -signal.SIGKILL
    assert (group(tmp_path) / "cgroup.freeze").read_text() == "0"


def test_v2_kill_uses_cgroup_kill_when_the_kernel_has_it(tmp_path):
    cg = Cgroup("w1", MEMORY, PIDS, base=v2_tree(tmp_path, "memory pids"))
    cg.create()
    (group(tmp_path) / "cgroup.kill").write_text("")
    cg.kill(timeout=1)
    assert (group(tmp_path) / "cgroup.kill").read_text() == "1"


def test_kill_says_so_when_processes_remain_after_the_timeout(tmp_path):
    cg = Cgroup("w1", MEMORY, PIDS, base=v1_tree(tmp_path))
    cg.create()
    cg.procs_files()[0].write_text(f"{NO_SUCH_PID}\n")  # never leaves the fake file
    started = time.monotonic()
    with pytest.raises(CgroupError) as err:
        cg.kill(timeout=0.3)
    assert time.monotonic() - started < 5
    assert str(NO_SUCH_PID) in str(err.value)
    assert HANGUL.search(str(err.value))


def test_remove_deletes_the_empty_groups(tmp_path):
    cg = Cgroup("w1", MEMORY, PIDS, base=v1_tree(tmp_path))
    cg.create()
    for g in cg.groups():  # the real cgroupfs has no regular files to remove; the fake does
        for f in g.iterdir():
            os.unlink(f)
    cg.remove()
    assert not any(g.exists() for g in cg.groups())
