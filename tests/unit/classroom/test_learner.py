"""A learner's slot, addresses and server view (no root needed: paths and argument lists only)."""

import os
from pathlib import Path

import pytest

from helpers.classroom import learner as mod
from helpers.classroom.learner import FIRST_SLOT, Learner, server_view, subid_slots
from helpers.grading.sandbox import SUBID_BASE, SUBID_SIZE


@pytest.fixture()
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("LEARN_DOCKER_CLASS_ROOT", str(tmp_path / "class"))
    return tmp_path


def table(tmp_path: Path, entries: dict[str, int]) -> str:
    path = tmp_path / "subuid"
    path.write_text("".join(f"{user}:{SUBID_BASE + slot * SUBID_SIZE}:{SUBID_SIZE}\n" for user, slot in entries.items())
                    + "someone:100000:65536\n")
    return str(path)


def test_subid_slots_reads_only_learner_ranges(tmp_path):
    path = table(tmp_path, {"ldk-learner-kim": FIRST_SLOT + 1, "ldk-grader-1": 1})
    assert subid_slots(path) == {"ldk-learner-kim": FIRST_SLOT + 1}


def test_a_new_learner_never_gets_a_slot_another_user_holds(root, monkeypatch):
    # a wiped class root: slots.json is gone, but /etc/subuid still gives old users their ranges
    path = table(root, {"ldk-learner-old": FIRST_SLOT + 1, "ldk-learner-kim": FIRST_SLOT + 7})
    monkeypatch.setattr(mod, "subid_slots", lambda: subid_slots(path))
    assert mod.slot_of("kim") == FIRST_SLOT + 7  # the range kim's user already has
    new = mod.slot_of("new")
    assert new not in (FIRST_SLOT + 1, FIRST_SLOT + 7) and new > FIRST_SLOT
    assert mod.slot_of("new") == new  # stable


def test_addresses_are_a_slash_30_per_learner(root):
    a, b = Learner(FIRST_SLOT + 1, name="kim"), Learner(FIRST_SLOT + 2, name="lee")
    assert (a.gateway, a.address) == ("10.77.0.5", "10.77.0.6")
    assert (b.gateway, b.address) == ("10.77.0.9", "10.77.0.10")
    assert Learner(FIRST_SLOT + 64, name="x").address == "10.77.1.2"
    assert a.user == "ldk-learner-kim" and a.cgroup.name == "l-kim" and a.port_driver == "builtin"
    assert a.home.is_relative_to(root / "class") and a.scratch.is_relative_to(a.disk)


def test_the_server_view_shows_only_what_it_is_given(tmp_path):
    own, shared = tmp_path / "own-exchange", tmp_path / "exchange"
    args = server_view({Path("/venv"): Path("/run/x/0")}, tmp_path / "home", tmp_path / "run", tmp_path / "passwd",
                       tmp_path / "group", read_only=[tmp_path / "course"], exchange=(own, shared), cwd=tmp_path / "home")
    assert args[0] == "bwrap" and "--unshare-pid" in args and "--disable-userns" in args and "--clearenv" in args
    pairs = [(args[i], args[i + 1], args[i + 2]) for i in range(len(args) - 2) if args[i].startswith("--") and "bind" in args[i]]
    writable = {dest for kind, _src, dest in pairs if kind == "--bind"}
    assert writable == {str(tmp_path / "home"), str(tmp_path / "run"), str(shared), str(shared / "learn-docker-ko")}
    # the learner's own folder stands where the exchange root is, the course's folder of the real one on top of it
    assert args.index(str(own)) < args.index(str(shared / "learn-docker-ko"))
    assert ("--ro-bind", str(tmp_path / "passwd"), "/etc/passwd") in pairs
    assert ("--ro-bind", str(tmp_path / "course"), str(tmp_path / "course")) in pairs


def test_the_server_starts_below_the_engines_priority_and_as_the_learner(root, monkeypatch):
    from helpers.classroom import learner as module
    from helpers.grading.views import Runtime

    kim = Learner(FIRST_SLOT + 1, name="kim")
    monkeypatch.setattr(Learner, "ids", property(lambda self: (4321, 4321)))
    argv = kim.server_command({"JUPYTERHUB_API_TOKEN": "t"}, Runtime.current())
    nice = argv.index("nice")
    assert argv[nice:nice + 3] == ["nice", "-n", str(module.SERVER_NICE)] and module.SERVER_NICE > 0
    assert argv[nice + 3] == "setpriv" and "--reuid=4321" in argv  # nice first, then the learner's user


def test_cpu_limit_defaults_to_half_the_machine_and_zero_means_share_only(monkeypatch):
    from helpers.classroom.learner import cpu_limit

    monkeypatch.delenv("LEARN_DOCKER_CLASS_CPUS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert cpu_limit() == 4.0
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert cpu_limit() == 1.0
    monkeypatch.setenv("LEARN_DOCKER_CLASS_CPUS", "1.5")
    assert cpu_limit() == 1.5
    monkeypatch.setenv("LEARN_DOCKER_CLASS_CPUS", "0")
    assert cpu_limit() is None
    assert Learner(2001, name="kim").cgroup.cpus == 0  # a CPU group all the same: the equal share
