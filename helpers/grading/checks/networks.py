"""Checks that read networks: which networks exist, which container is on which, where a port is published,
whether one container finds another by name, and what a published address answers.

Everything is read from the engine (``docker network inspect``, the container's ``NetworkSettings`` and
``HostConfig``), and a name lookup or a page is asked for again by the check itself, so a check grades the
same whether the learner used the helpers, the plain SDK or ``!docker``.
"""

from __future__ import annotations

import re

from ...connection import client
from ...display import state_ko
from ..clock import clock, parse_time
from .base import as_text, fail, get_page, moment, need_container, run_inside, show_value, status_text
from .containers import port_published

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_DNS_SERVERS = {"127.0.0.11"}  # the engine's own DNS on user-defined networks (nslookup prints it first)


def _network(name: str) -> dict | None:
    """The network called exactly ``name`` (the engine's name filter also matches longer names), or None."""
    for n in client().api.networks(names=[name]):
        if n.get("Name") == name:
            return client().api.inspect_network(n["Id"])
    return None


def _networks_of(c) -> dict[str, dict]:
    return (c.attrs.get("NetworkSettings") or {}).get("Networks") or {}


def _mode(c) -> str:
    return (c.attrs.get("HostConfig") or {}).get("NetworkMode") or "default"


def _where(c) -> str:
    """Which networks ``c`` is on, in words ('기본 브리지(bridge)만', '없음' ...)."""
    nets = sorted(_networks_of(c))
    if not nets:
        return "어느 네트워크에도 연결되지 않음"
    if nets == ["bridge"]:
        return "기본 브리지(bridge)에만 연결"
    return ", ".join(nets) + "에 연결"


def network_exists(name: str, *, driver: str = "bridge", since=None) -> bool:
    """The network ``name`` exists with ``driver`` (a user-defined bridge by default) and, with ``since`` (the
    exercise's :class:`Run`), was created after the exercise began."""
    net = _network(name)
    if net is None:
        stem = name.split("-")[0]
        others = sorted(n["Name"] for n in client().api.networks() if n["Name"].startswith(stem) and n["Name"] != name)
        seen = f" (비슷한 이름: {', '.join(others)})" if others else ""
        fail(f"'{name}'(이)라는 이름의 네트워크가 있어야 합니다.", f"네트워크 {name}", "없음" + seen,
             f"h.network_create('{name}')(docker network create {name})로 만드세요. 있는 네트워크는 h.networks()로 봅니다.")
    if net.get("Driver") != driver:
        fail(f"네트워크 '{name}'은(는) {driver} 드라이버로 만들어야 합니다.", f"드라이버 {driver}",
             f"드라이버 {net.get('Driver')}",
             f"h.network_rm('{name}')로 지우고 h.network_create('{name}')로 다시 만드세요 (기본 드라이버가 bridge).")
    if since is not None:
        created, mark = parse_time(net["Created"]), moment(since)
        if created < mark:
            fail(f"네트워크 '{name}'은(는) 이번 실습을 시작한 뒤에 만든 것이어야 합니다.", f"{clock(mark)} 이후에 만듦",
                 f"{clock(created)}에 만듦 (예전에 남은 것)", "노트북을 첫 셀부터 다시 실행해서 지금 새로 만드세요.")
    return True


def on_network(container: str, network: str, *, only: bool = False) -> bool:
    """The container ``container`` (in any state) is connected to ``network``; with ``only``, to no other."""
    c = need_container(container)
    nets = _networks_of(c)
    if network not in nets:
        hint = (f"새로 만들 때 h.run(..., name='{container}', network='{network}')(docker run --network {network}), "
                f"이미 있는 컨테이너는 h.network_connect('{network}', '{container}')로 연결하세요.")
        if _mode(c) in ("host", "none"):
            hint = (f"--network {_mode(c)}인 컨테이너는 다른 네트워크에 연결할 수 없습니다: h.rm('{container}', force=True) "
                    f"후 network='{network}'로 다시 만드세요.")
        fail(f"컨테이너 '{container}'이(가) 네트워크 '{network}'에 연결되어 있어야 합니다.", f"{network}에 연결",
             _where(c), hint)
    extra = sorted(set(nets) - {network})
    if only and extra:
        fail(f"컨테이너 '{container}'은(는) 네트워크 '{network}'에만 연결되어 있어야 합니다.", f"{network}에만 연결",
             _where(c), " ".join(f"h.network_disconnect('{n}', '{container}')" for n in extra) + "로 연결을 끊으세요.")
    return True


def no_network(container: str) -> bool:
    """The container ``container`` has no network but its own loopback: ``--network none`` (or every network
    disconnected)."""
    c = need_container(container)
    nets = _networks_of(c)
    if _mode(c) == "none" or not nets or set(nets) == {"none"}:
        return True
    fail(f"컨테이너 '{container}'은(는) 네트워크 없이(--network none) 실행해야 합니다.",
         "--network none (lo만 있음)", f"--network {_mode(c)} ({_where(c)})",
         f"네트워크는 만들 때 정합니다: h.rm('{container}', force=True)로 지우고 "
         f"h.run(..., name='{container}', network='none')으로 다시 실행하세요.")
    return True  # not reached


def _shown_binding(binding: dict, key: str) -> str:
    ip = binding.get("HostIp") or "0.0.0.0"
    return f"{'[' + ip + ']' if ':' in ip else ip}:{binding.get('HostPort')} -> {key}"


def published_on(container: str, container_port, host_ip: str = "127.0.0.1", host_port: int | None = None) -> int:
    """The running container ``container`` publishes ``container_port`` (on ``host_port`` when given) only on the
    host address ``host_ip`` (``-p 127.0.0.1:HOST:CONTAINER``), not on every interface. Returns the host port."""
    port = port_published(container, container_port, host_port)
    key = str(container_port) if "/" in str(container_port) else f"{container_port}/tcp"
    c = need_container(container)
    binds = (c.attrs["NetworkSettings"].get("Ports") or {}).get(key) or []
    wrong = [b for b in binds if (b.get("HostIp") or "0.0.0.0") != host_ip]
    if wrong:
        shown = [_shown_binding(b, key) for b in binds if ":" not in (b.get("HostIp") or "")] or \
                [_shown_binding(b, key) for b in binds]
        number = key.split("/")[0]
        everywhere = any((b.get("HostIp") or "0.0.0.0") in ("0.0.0.0", "::") for b in wrong)
        fail(f"컨테이너 '{container}'의 {key} 포트는 호스트의 {host_ip}에만 게시되어야 합니다 (다른 컴퓨터에서 닿지 않게).",
             f"{host_ip}:{port} -> {key}", ", ".join(shown) + (" (모든 주소에 열림)" if everywhere else ""),
             f"주소를 앞에 붙여 -p {host_ip}:{port}:{number}(ports='{host_ip}:{port}:{number}')로 게시하세요. 게시는 "
             f"만들 때 정하므로 h.rm('{container}', force=True)로 지우고 다시 실행합니다.")
    return port


def _lookup(c, name: str) -> tuple[list[str], str]:
    """Look ``name`` up inside the running ``c`` as a program there would (``getent hosts``, else busybox's
    ``nslookup``); the IPv4 addresses found and the raw output."""
    text = ""
    for argv in (["getent", "hosts", name], ["nslookup", name]):
        result = run_inside(c, argv)
        text = (result.output or b"").decode("utf-8", "replace")
        if result.exit_code in (126, 127) or "executable file not found" in text:
            continue  # no such program in this image: try the next
        break
    found = []
    for line in text.splitlines():
        if line.lower().startswith(("server:",)) or re.search(r":53\b", line):
            continue  # nslookup's first lines name the DNS server, not the answer
        found += [ip for ip in _IPV4.findall(line) if ip not in _DNS_SERVERS and ip not in found]
    return found, text


def name_resolves(container: str, name: str, value=None, *, what: str = "lookup") -> str:
    """Inside the running ``container``, the name ``name`` resolves to an address (the check looks it up again
    now); with ``value``, the learner's captured lookup output shows that address. Returns the address."""
    c = need_container(container)
    if c.status != "running":
        fail(f"'{container}' 안에서 이름을 찾아보려면 '{container}'이(가) 실행 중이어야 합니다.", state_ko("running"),
             status_text(c), f"h.start('{container}')로 시작하거나, 계속 실행되는 명령으로 다시 만드세요.")
    found, _raw = _lookup(c, name)
    if not found:
        target = next((r for r in client().api.containers(all=True, filters={"name": name})
                       if f"/{name}" in (r.get("Names") or [])), None)
        target_nets = ""
        if target is not None:
            nets = sorted((target.get("NetworkSettings") or {}).get("Networks") or {})
            target_nets = f", '{name}'은(는) {', '.join(nets) or '네트워크 없음'}"
        shared_hint = (f"같은 사용자 정의 네트워크에 있어야 이름으로 찾습니다. 기본 브리지(bridge)에서는 이름을 찾지 못합니다: "
                       f"둘 다 같은 네트워크에 만들거나 h.network_connect(네트워크, '{name}')로 연결하세요.")
        fail(f"'{container}' 안에서 '{name}'(이)라는 이름을 찾을 수 있어야 합니다 (채점기가 지금 다시 찾아봄).",
             f"{name} → IP 주소", f"찾지 못함 ('{container}'은(는) {', '.join(sorted(_networks_of(c))) or '네트워크 없음'}"
                                  f"{target_nets})", shared_hint)
    if value is not None:
        got = as_text(value, what)
        if not any(ip in got for ip in found):
            fail(f"{what}에는 '{container}' 안에서 '{name}'을(를) 찾은 결과(그 IP 주소)가 들어 있어야 합니다.",
                 f"{found[0]} 포함", show_value(got) or "빈 문자열",
                 f"{what} = h.exec('{container}', 'getent hosts {name}')처럼 명령이 돌려준 출력을 그대로 넣으세요. "
                 "컨테이너를 다시 만들었다면 주소가 바뀌었을 수 있으니 그 셀을 다시 실행하세요.")
    return found[0]


def answers_http(url: str, contains: str | None = None, *, timeout: float = 5.0) -> str:
    """A GET of ``url`` (asked again by the check, from where the notebook runs) answers, with ``contains`` in
    its body when given. Returns the body."""
    status, body, last = get_page(url, timeout)
    if status is None:
        fail(f"{url} 에서 응답이 와야 합니다 (채점기가 지금 다시 요청함).", "응답", f"응답 없음 ({last})",
             "컨테이너가 실행 중인지, 포트가 그 주소에 게시되어 있는지 h.ps()와 h.port(이름)로 확인하세요.")
    if contains is not None and contains not in body:
        fail(f"{url} 의 응답에 '{contains}'이(가) 들어 있어야 합니다.", f"'{contains}' 포함", show_value(body) or "빈 응답",
             "웹 컨테이너가 뒤쪽 서비스에 이름으로 닿는지(같은 네트워크인지) 확인하세요.")
    return body
