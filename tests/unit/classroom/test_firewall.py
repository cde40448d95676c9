"""helpers.classroom.firewall: the table's rules name the learners' veths, nft accepts them, learners and hub
ports come and go, and the table fails closed (the real table with a real hub: tests/test_classroom.py).

The tests that load rules into nft run in a network namespace of their own (``unshare -n``): a table put on the
machine itself would drop the veths of any class running on it."""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from helpers.classroom import firewall
from helpers.classroom.learner import FIRST_SLOT, Learner

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def test_the_rules_match_every_learners_veth_and_no_other_name():
    for slot in (FIRST_SLOT + 1, FIRST_SLOT + 999, FIRST_SLOT + 16000):
        assert fnmatch.fnmatch(Learner(slot, name="kim").veth, firewall.VETH_PATTERN)
    for other in ("eth0", "docker0", "veth1a2b", "lo", "ldk-lane", "ldkroom1a2b"):
        assert not fnmatch.fnmatch(other, firewall.VETH_PATTERN)
    rules = firewall.ruleset()
    veth = f'iifname "{firewall.VETH_PATTERN}"'
    assert f"{veth} counter drop" in rules  # learners: nothing but their own class's hub port
    assert f"{veth} ip saddr . tcp dport @learners ct state new accept" in rules
    assert 'iifname != "lo" tcp dport @hub_ports counter drop' in rules  # the room: not the hub's API port
    assert rules.index("@learners ct state new accept") < rules.index(f"{veth} counter drop")


needs_netns = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("nft") or not shutil.which("unshare"),
                                 reason="needs nft and unshare as root")


def in_own_netns(code: str) -> dict:
    """Run ``code`` (with ``firewall`` imported) in a new network namespace; the dict it prints as JSON."""
    script = "import json\nfrom helpers.classroom import firewall\n" + textwrap.dedent(code)
    done = subprocess.run(["unshare", "-n", sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@needs_netns
def test_nft_accepts_the_table_as_written():
    done = subprocess.run(["unshare", "-n", "nft", "-c", "-f", "-"], input=firewall.ruleset(), capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr


@needs_netns
def test_learners_and_ports_come_and_go_and_the_last_one_out_deletes_the_table():
    seen = in_own_netns("""
        out = {}
        firewall.open_hub(8081)
        firewall.admit("10.77.0.2", 8081)
        firewall.admit("10.77.0.6", 47002)  # a learner of another class on the machine
        out["ports"], out["learners"] = sorted(firewall.hub_ports()), sorted(firewall.admitted())
        firewall.dismiss("10.77.0.2", 8081)
        out["after dismiss"] = sorted(firewall.admitted())
        firewall.admit("10.77.0.2", 8081)
        firewall.close_hub(8081)  # its learners go with it; the other class's stay
        out["after close"] = [firewall.exists(), sorted(firewall.hub_ports()), sorted(firewall.admitted())]
        firewall.close_hub(47002)
        out["gone"] = firewall.exists()
        print(json.dumps(out))
    """)
    assert seen["ports"] == [8081, 47002]
    assert seen["learners"] == [["10.77.0.2", 8081], ["10.77.0.6", 47002]]
    assert seen["after dismiss"] == [["10.77.0.6", 47002]]
    assert seen["after close"] == [True, [47002], [["10.77.0.6", 47002]]]
    assert seen["gone"] is False


@needs_netns
def test_a_flushed_table_comes_back_with_the_next_admit_and_stays_while_a_learners_veth_exists():
    seen = in_own_netns("""
        import subprocess
        firewall.admit("10.77.0.2", 8081)
        subprocess.run(["nft", "flush", "ruleset"], check=True)  # a reload of nftables.service does this
        out = {"flushed": firewall.exists()}
        firewall.admit("10.77.0.2", 8081)  # what the spawner does on every poll
        out["back"] = [firewall.exists(), sorted(firewall.admitted())]
        subprocess.run(["ip", "link", "add", "ldkl1001", "type", "veth", "peer", "name", "x1001"], check=True)
        firewall.close_hub(8081)
        out["kept for a veth"] = firewall.exists()
        subprocess.run(["ip", "link", "delete", "ldkl1001"], check=True)
        firewall.close_hub(8081)
        out["gone"] = firewall.exists()
        print(json.dumps(out))
    """)
    assert seen == {"flushed": False, "back": [True, [["10.77.0.2", 8081]]], "kept for a veth": True, "gone": False}


def test_without_nft_the_class_does_not_open_and_says_why_in_korean(monkeypatch):
    monkeypatch.setattr(firewall.shutil, "which", lambda name: None)
    for call in (lambda: firewall.open_hub(8081), lambda: firewall.admit("10.77.0.2", 8081)):
        with pytest.raises(firewall.FirewallError) as err:
            call()
        assert "nftables" in str(err.value) and "힌트" in str(err.value)
