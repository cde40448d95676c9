"""Network verbs: ls, create, inspect, connect, disconnect, rm.

Each shows its ``docker network ...`` line first and returns SDK objects or plain data. A container's own
network at creation is ``h.run(..., network="name")`` (``--network``) in ``containers``.
Introduced in chapter 01 (ls, create) and chapter 08 (the rest).
"""

from __future__ import annotations

from . import errors
from ._state import CHAPTER_LABEL, labels
from .command import echo
from .connection import client, friendly
from .display import Rendered, Table, html_table, say

DEFAULT_NETWORKS = ("bridge", "host", "none")


@friendly()
def networks() -> Table:
    """List networks with their drivers. Similar to ``docker network ls``. Introduced in chapter 01."""
    echo("network", "ls")
    raw = client().api.networks()
    items = [client().networks.prepare_model(n) for n in raw]
    rows = [[n["Id"][:12], n["Name"], n["Driver"], n.get("Scope", "")] for n in raw]
    return Table(items, ["NETWORK ID", "NAME", "DRIVER", "SCOPE"], rows)


@friendly(0)
def network_create(name: str, driver: str = "bridge", chapter: str | None = None):
    """Create a labelled network (a user-defined bridge by default). Similar to ``docker network create``.

    Run twice, the course's own network of that name is replaced, and the ``docker network rm`` that does it is
    shown (a learner's own one is Docker's conflict).
    Introduced in chapter 01.
    """
    import docker.errors as de

    for old in client().networks.list(names=[name], filters={"label": list(labels(chapter))[0]}):
        if old.name == name:  # the engine's name filter matches substrings
            try:  # a cell run twice: replace the course's own network of that name, showing the rm it runs
                echo("network", "rm", name)
                _remove(old.id, name)
            except errors.NetworkInUse as err:
                err.message = (f"이 과정이 전에 만든 네트워크 '{name}'을(를) 새로 만들려고 지우려 했지만, 실행 중인 컨테이너 "
                               f"{', '.join(_running_on(name))}이(가) 연결되어 있어서 지우지 못했습니다.")
                raise
    echo("network", "create", ["--driver", driver] if driver != "bridge" else None, name)
    try:
        return client().networks.create(name, driver=driver, labels=labels(chapter), check_duplicate=True)
    except de.APIError as exc:
        raise _explain(exc, name) from exc


class NetworkRecord(Rendered, dict):
    """One ``docker network inspect`` record (a plain dict) that prints who is on the network.

    The engine lists only the containers that are running (a stopped one has no address there).
    """

    @property
    def name(self) -> str:
        return self.get("Name", "")

    @property
    def containers(self) -> list[str]:
        """Names of the running containers on this network, sorted."""
        return sorted(c.get("Name", "") for c in (self.get("Containers") or {}).values())

    def ip(self, container: str) -> str | None:
        """The IPv4 address (without ``/16``) ``container`` has on this network, or None."""
        for c in (self.get("Containers") or {}).values():
            if c.get("Name") == container:
                return (c.get("IPv4Address") or "").split("/")[0] or None
        return None

    def subnets(self) -> list[tuple[str, str]]:
        """(subnet, gateway) pairs of the network's address range (gateway may be '')."""
        return [(c.get("Subnet", ""), c.get("Gateway", "")) for c in (self.get("IPAM") or {}).get("Config") or []]

    def _rows(self) -> list[list[str]]:
        found = sorted((self.get("Containers") or {}).values(), key=lambda c: c.get("Name", ""))
        return [[c.get("Name", ""), c.get("IPv4Address") or "—", c.get("MacAddress") or "—"] for c in found]

    def _facts(self) -> list[str]:
        ranges = ", ".join(f"{s}" + (f" (게이트웨이 {g})" if g else "") for s, g in self.subnets()) or "없음"
        made_by = "이 과정" if CHAPTER_LABEL in (self.get("Labels") or {}) else (
            "엔진의 기본 네트워크" if self.name in DEFAULT_NETWORKS else "과정 밖")
        return [f"네트워크 {self.name} — 드라이버 {self.get('Driver', '?')}, 주소 범위 {ranges}, 만든 곳: {made_by}"]

    def text(self) -> str:
        rows = self._rows()
        lines = self._facts()
        if rows:
            lines.append(f"연결된 실행 중인 컨테이너 {len(rows)}개:")
            lines.append(Table(rows, ["NAME", "IPv4 ADDRESS", "MAC ADDRESS"], rows).text())
        else:
            lines.append("연결된 실행 중인 컨테이너가 없습니다.")
        return "\n".join(lines)

    def html(self) -> str:
        import html

        rows = [[f"<code>{html.escape(v)}</code>" if i == 0 else html.escape(v) for i, v in enumerate(r)]
                for r in self._rows()]
        head = f"<p>{html.escape(self._facts()[0])}</p>"
        if not rows:
            return head + "<p>연결된 실행 중인 컨테이너가 없습니다.</p>"
        return head + html_table(["NAME", "IPv4 ADDRESS", "MAC ADDRESS"], rows, f"연결된 실행 중인 컨테이너 {len(rows)}개")


@friendly(0)
def network_inspect(name: str) -> NetworkRecord:
    """Show a network's details and who is on it. Similar to ``docker network inspect``.

    Returns the engine's record as a dict that prints the driver, the address range and the running
    containers with their addresses; ``.containers`` lists their names, ``.ip(name)`` one's address.
    Introduced in chapter 08.
    """
    import docker.errors as de

    echo("network", "inspect", name)
    try:
        return NetworkRecord(client().api.inspect_network(name))
    except de.APIError as exc:
        raise _explain(exc, name) from exc


@friendly(0)
def network_connect(network: str, container: str, *, alias: str | None = None) -> None:
    """Connect a container (running or not) to one more network. Similar to ``docker network connect``.

    On a user-defined network the other containers then find it by its name (and by ``alias``, if given:
    ``--alias``). Introduced in chapter 08.
    """
    import docker.errors as de

    echo("network", "connect", ["--alias", alias] if alias else None, network, container)
    try:
        client().api.connect_container_to_network(container, network, aliases=[alias] if alias else None)
    except de.APIError as exc:
        raise _explain(exc, network, container) from exc
    say(f"({container} → {network} 연결됨)")


@friendly(0)
def network_disconnect(network: str, container: str, *, force: bool = False) -> None:
    """Disconnect a container from a network. Similar to ``docker network disconnect [-f]``.

    A container left on no network keeps running with only its loopback (``lo``). Introduced in chapter 08.
    """
    import docker.errors as de

    echo("network", "disconnect", "-f" if force else None, network, container)
    try:
        client().api.disconnect_container_from_network(container, network, force=force)
    except de.APIError as exc:
        raise _explain(exc, network, container) from exc
    say(f"({container} ⇸ {network} 연결 끊음)")


@friendly(0)
def network_rm(name: str) -> None:
    """Remove a network. Similar to ``docker network rm``.

    A network that running containers are still on cannot be removed: disconnect or remove them first.
    The engine's own ``bridge``, ``host`` and ``none`` are never removed. Introduced in chapter 08.
    """
    echo("network", "rm", name)
    _remove(name, name)
    say(name)


def _remove(ref: str, name: str) -> None:
    import docker.errors as de

    try:
        client().api.remove_network(ref)
    except de.APIError as exc:
        raise _explain(exc, name) from exc


def _explain(exc, network: str, container: str | None = None) -> errors.CourseError:
    """The engine's network error in Korean, naming the network and container the call was about."""
    err = errors.translate(exc)
    low = str(exc).lower()
    if isinstance(err, errors.ContainerNotFound) and container:
        err.message = f"'{container}'이라는 컨테이너가 없습니다."
    elif isinstance(err, errors.NetworkNotFound):
        err.message = f"'{network}'이라는 네트워크가 없습니다."
    elif isinstance(err, errors.NetworkInUse):
        users = _running_on(network)
        err.message = (f"네트워크 '{network}'에 아직 실행 중인 컨테이너"
                       f"{' ' + ', '.join(users) if users else ''}이(가) 연결되어 있어서 지울 수 없습니다.")
        if users:
            err.hint = ("먼저 " + ", ".join(f"h.network_disconnect({network!r}, {u!r})" for u in users)
                        + "로 연결을 끊거나, 그 컨테이너를 지우세요 (" + ", ".join(f"h.rm({u!r}, force=True)" for u in users)
                        + "). 멈춘 컨테이너는 네트워크를 붙잡지 않습니다.")
    elif isinstance(err, errors.NetworkConflict):
        if "already exists in network" in low:
            err.message = f"'{container}'은(는) 이미 네트워크 '{network}'에 연결되어 있습니다."
            err.hint = f"연결 상태는 h.network_inspect({network!r})로 확인하세요. 다시 연결할 필요는 없습니다."
        elif "is not connected to" in low:
            err.message = f"'{container}'은(는) 네트워크 '{network}'에 연결되어 있지 않습니다."
            err.hint = f"연결 상태는 h.network_inspect({network!r})나 h.container({container!r}).attrs로 확인하세요."
        elif "pre-defined network" in low:
            err.message = f"'{network}'은(는) 엔진의 기본 네트워크라서 지울 수 없습니다."
            err.hint = "bridge, host, none은 엔진이 늘 가지고 있는 네트워크입니다. 직접 만든 네트워크만 지울 수 있습니다."
        elif "host network" in low or "private (none)" in low:
            err.message = (f"'{container}'은(는) 네트워크 '{network}'와(과) 함께 쓸 수 없습니다: host와 none은 "
                           "다른 네트워크와 섞을 수 없습니다.")
            err.hint = ("host나 none은 컨테이너를 만들 때 h.run(..., network='host' 또는 'none')으로만 정합니다. "
                        "바꾸려면 지우고 다시 만드세요.")
        elif "already exists" in low:
            err.message = f"'{network}'이라는 네트워크가 이미 있습니다 (이 과정이 만든 것이 아니라서 지우지 않았습니다)."
            err.hint = (f"h.network_rm({network!r})로 지우고 다시 만들거나 다른 이름을 쓰세요. "
                        "h.networks()로 있는 네트워크를 볼 수 있습니다.")
    return err


def _running_on(network: str) -> list[str]:
    import docker.errors as de

    try:
        record = client().api.inspect_network(network)
    except de.APIError:
        return []
    return sorted(c.get("Name", "") for c in (record.get("Containers") or {}).values())
