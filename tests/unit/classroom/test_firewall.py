"""helpers.classroom.firewall: the table's rules name the learners' veths, nft accepts them, and a class's
hub port comes and goes (the real table is tested with a real hub in tests/test_classroom.py)."""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess

import pytest

from helpers.classroom import firewall
from helpers.classroom.learner import FIRST_SLOT, Learner


def test_the_rules_match_every_learners_veth_and_no_other_name():
    for slot in (FIRST_SLOT + 1, FIRST_SLOT + 999, FIRST_SLOT + 16000):
        assert fnmatch.fnmatch(Learner(slot, name="kim").veth, firewall.VETH_PATTERN)
    for other in ("eth0", "docker0", "veth1a2b", "lo", "ldk-lane"):
        assert not fnmatch.fnmatch(other, firewall.VETH_PATTERN)
    rules = firewall.ruleset()
    assert f'iifname "{firewall.VETH_PATTERN}" counter drop' in rules  # learners: nothing but the hub's port
    assert 'iifname != "lo" tcp dport @hub_ports counter drop' in rules  # the room: not the hub's port
    assert rules.index("tcp dport @hub_ports ct state new accept") < rules.index(f'iifname "{firewall.VETH_PATTERN}" counter drop')


needs_nft = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("nft"), reason="needs nft as root")


@needs_nft
def test_nft_accepts_the_table_as_written():
    done = subprocess.run(["nft", "-c", "-f", "-"], input=firewall.ruleset(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@needs_nft
def test_ports_come_and_go_and_the_last_one_out_deletes_the_table(monkeypatch):
    monkeypatch.setattr(firewall, "TABLE", "learn_docker_ko_class_unittest")
    try:
        firewall.open_hub(47001)
        firewall.open_hub(47002)
        assert firewall.hub_ports() == {47001, 47002}
        firewall.close_hub(47001)
        assert firewall.exists() and firewall.hub_ports() == {47002}
        firewall.close_hub(47002)
        assert not firewall.exists()
    finally:
        subprocess.run(["nft", "delete", "table", "inet", firewall.TABLE], capture_output=True)


def test_without_nft_the_class_does_not_open_and_says_why_in_korean(monkeypatch):
    monkeypatch.setattr(firewall.shutil, "which", lambda name: None)
    with pytest.raises(firewall.FirewallError) as err:
        firewall.open_hub(8081)
    assert "nftables" in str(err.value) and "힌트" in str(err.value)
