"""The class server's firewall (nftables): what a learner's network namespace may reach on this machine.

A learner's namespace is joined to the machine by one veth pair (``ldkl<slot>``, :mod:`.learner`). Without a
rule, the machine's end of that pair is an address of the machine like any other, so a learner (or a
container of the learner's, through the rootless engine's slirp4netns) reaches every service the machine
opens on all addresses: ssh, a database, the hub's API. The table ``inet learn_docker_ko_class`` lets through:

* from a learner's veth: replies to what the machine opened (the hub and its proxy talking to the learner's
  server) and new connections to a class's hub API port (the set ``hub_ports``: the learner's server reports
  to the hub there); everything else from a learner's veth is dropped, IPv4 and IPv6, to the machine and
  through it (forwarding);
* to a hub API port from anywhere but the loopback and the learners' veths: dropped (the hub binds its API on
  every address so each learner's gateway has it; the room's network should not).

One table for every class on the machine (a test class beside a real one): each ``class.sh up`` adds its hub
port to the set, each ``down`` takes it out, and the last one out deletes the table. Nothing else of the
machine's rules is touched (Docker's own tables stay as they are).
"""

from __future__ import annotations

import shutil
import subprocess

TABLE = "learn_docker_ko_class"
VETH_PATTERN = "ldkl*"  # learner.Learner.veth


class FirewallError(RuntimeError):
    pass


def ruleset() -> str:
    """The table, as ``nft -f`` reads it (the set of hub ports starts empty)."""
    veth = f'"{VETH_PATTERN}"'
    return f"""table inet {TABLE} {{
    set hub_ports {{ type inet_service; }}
    chain input {{
        type filter hook input priority filter - 10; policy accept;
        iifname {veth} ct state established,related accept
        iifname {veth} tcp dport @hub_ports ct state new accept
        iifname {veth} counter drop
        iifname != "lo" tcp dport @hub_ports counter drop
    }}
    chain forward {{
        type filter hook forward priority filter - 10; policy accept;
        iifname {veth} counter drop
        oifname {veth} counter drop
    }}
}}
"""


def _nft(*args: str, script: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["nft", *args], input=script, capture_output=True, text=True)


def exists() -> bool:
    return _nft("list", "table", "inet", TABLE).returncode == 0


def hub_ports() -> set[int]:
    """The hub API ports the table lets learners reach (empty when there is no table)."""
    done = _nft("-j", "list", "set", "inet", TABLE, "hub_ports")
    if done.returncode != 0:
        return set()
    import json

    ports: set[int] = set()
    for item in json.loads(done.stdout).get("nftables", []):
        for element in item.get("set", {}).get("elem", []):
            if isinstance(element, int):
                ports.add(element)
    return ports


def open_hub(port: int) -> None:
    """The table in place (made when missing) with ``port`` in its hub ports."""
    if not shutil.which("nft"):
        raise FirewallError("nft(nftables)가 없어 학습자 네트워크를 막을 수 없습니다. "
                            "힌트: sudo apt-get install nftables 후 다시 bash tools/class.sh up")
    if not exists():
        done = _nft("-f", "-", script=ruleset())
        if done.returncode != 0:
            raise FirewallError(f"방화벽 규칙을 넣지 못했습니다: {done.stderr.strip()[-300:]}")
    done = _nft("add", "element", "inet", TABLE, "hub_ports", "{", str(int(port)), "}")
    if done.returncode != 0:
        raise FirewallError(f"허브 포트 {port}를 방화벽에 넣지 못했습니다: {done.stderr.strip()[-300:]}")


def close_hub(port: int) -> None:
    """``port`` out of the table; the table gone once no class uses it."""
    if not shutil.which("nft") or not exists():
        return
    _nft("delete", "element", "inet", TABLE, "hub_ports", "{", str(int(port)), "}")
    if not hub_ports():
        _nft("delete", "table", "inet", TABLE)
