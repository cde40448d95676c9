"""The class server's firewall (nftables): what a learner's network namespace may reach on this machine.

A learner's namespace is joined to the machine by one veth pair (``ldkl<slot>``, :mod:`.learner`). Without a
rule, the machine's end of that pair is an address of the machine like any other, so a learner (or a
container of the learner's, through the rootless engine's slirp4netns) reaches every service the machine
opens on all addresses: ssh, a database, the hub's API. The table ``inet learn_docker_ko_class`` lets through:

* from a learner's veth: replies to what the machine opened (the hub and its proxy talking to the learner's
  server) and new connections from the learner's own address to the hub API port of the learner's own class
  (the set ``learners``: address . port, one element per running learner, added by the spawner before the
  learner's world starts and taken out when it stops); everything else from a learner's veth is dropped,
  IPv4 and IPv6, to the machine and through it (forwarding);
* to a hub API port (the set ``hub_ports``, one per class) from anywhere but the loopback and the learners'
  veths: dropped. The hub binds its API on every address so each learner's gateway has it; the room's network
  should not reach that port directly (the hub's public port, 8000, serves the room as before).

The table is one for every class on the machine (a test class beside a real one). It fails closed: a learner
not in ``learners`` reaches nothing; the spawner puts the table back when it is missing (``nft flush
ruleset``, a reload of nftables.service) before any learner starts and whenever the hub polls a learner's
server; the table is deleted only when no class and no learner's veth is left. Nothing else of the machine's
rules is touched (Docker's own tables stay as they are).
"""

from __future__ import annotations

import fnmatch
import json
import shutil
import subprocess

TABLE = "learn_docker_ko_class"
VETH_PATTERN = "ldkl*"  # learner.Learner.veth


class FirewallError(RuntimeError):
    pass


def ruleset() -> str:
    """The table, as ``nft -f`` reads it (both sets start empty)."""
    veth = f'"{VETH_PATTERN}"'
    return f"""table inet {TABLE} {{
    set hub_ports {{ type inet_service; }}
    set learners {{ type ipv4_addr . inet_service; }}
    chain input {{
        type filter hook input priority filter - 10; policy accept;
        iifname {veth} ct state established,related accept
        iifname {veth} ip saddr . tcp dport @learners ct state new accept
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
    return subprocess.run(["nft", *args], input=script, capture_output=True, text=True, timeout=30)


def _need_nft() -> None:
    if not shutil.which("nft"):
        raise FirewallError("nft(nftables)가 없어 학습자 네트워크를 막을 수 없습니다. "
                            "힌트: sudo apt-get install nftables 후 다시 bash tools/class.sh up")


def exists() -> bool:
    return _nft("list", "table", "inet", TABLE).returncode == 0


def _elements(name: str) -> list | None:
    """The elements of set ``name`` as nft's JSON gives them (None when they cannot be read)."""
    done = _nft("-j", "-n", "list", "set", "inet", TABLE, name)
    if done.returncode != 0:
        return None
    try:
        items = json.loads(done.stdout).get("nftables", [])
    except ValueError:
        return None
    for item in items:
        if "set" in item:
            return list(item["set"].get("elem", []))
    return None


def hub_ports() -> set[int]:
    """The hub API ports closed to the room (empty when there is no table)."""
    return {int(x) for x in _elements("hub_ports") or [] if str(x).isdigit()}


def admitted() -> set[tuple[str, int]]:
    """(learner address, hub port) pairs the table lets through."""
    pairs = set()
    for element in _elements("learners") or []:
        parts = element.get("concat") if isinstance(element, dict) else None
        if parts and len(parts) == 2 and str(parts[1]).isdigit():
            pairs.add((str(parts[0]), int(parts[1])))
    return pairs


def _ensure_table() -> None:
    _need_nft()
    if not exists():
        done = _nft("-f", "-", script=ruleset())
        if done.returncode != 0:
            raise FirewallError(f"방화벽 규칙을 넣지 못했습니다: {done.stderr.strip()[-300:]}")


def _add(name: str, element: str) -> None:
    done = _nft("add", "element", "inet", TABLE, name, "{", element, "}")
    if done.returncode != 0:
        raise FirewallError(f"방화벽에 {element}을(를) 넣지 못했습니다: {done.stderr.strip()[-300:]}")


def open_hub(port: int) -> None:
    """The table in place (made when missing) with ``port`` closed to the room."""
    _ensure_table()
    _add("hub_ports", str(int(port)))


def admit(address: str, port: int) -> None:
    """Let the learner at ``address`` reach the hub API at ``port`` (the table and the port put back if missing)."""
    open_hub(port)
    _add("learners", f"{address} . {int(port)}")


def dismiss(address: str, port: int) -> None:
    """The learner at ``address`` out of the table (nothing when it is not there)."""
    if shutil.which("nft") and exists():
        _nft("delete", "element", "inet", TABLE, "learners", "{", f"{address} . {int(port)}", "}")


def close_hub(port: int) -> None:
    """``port`` and every learner of it out of the table; the table deleted once nothing uses it: no hub port,
    no learner admitted, no learner's veth on the machine (a set that cannot be read counts as in use)."""
    if not shutil.which("nft") or not exists():
        return
    for address, learner_port in admitted():
        if learner_port == int(port):
            dismiss(address, learner_port)
    _nft("delete", "element", "inet", TABLE, "hub_ports", "{", str(int(port)), "}")
    ports, learners = _elements("hub_ports"), _elements("learners")
    if ports == [] and learners == [] and not learner_links():
        _nft("delete", "table", "inet", TABLE)


def learner_links() -> list[str]:
    """Learners' veths in this network namespace (``ldkl*``; ``ip link``, as /sys may show another namespace)."""
    done = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, timeout=30)
    names = [line.split(":", 2)[1].strip().split("@", 1)[0] for line in done.stdout.splitlines() if line.count(":") >= 2]
    return sorted(n for n in names if fnmatch.fnmatch(n, VETH_PATTERN))
