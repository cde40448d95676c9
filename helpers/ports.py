"""Published ports in both spellings a learner meets: the CLI's ``-p 8080:80`` and docker-py's dict.

``h.run(..., ports="8080:80")`` (or a list of such strings) reads in the order a learner types it in a
terminal; ``ports={80: 8080}`` is the docker SDK's own form (container port first), kept for the
chapter that compares the two. Both become the SDK's ``{'80/tcp': 8080}``.
"""

from __future__ import annotations

import re

from docker.utils.ports import split_port

from .errors import CourseError

PortSpec = dict | str | list | tuple | None


def _bad(part: str) -> CourseError:
    return CourseError(f"포트 '{part}'의 형식이 잘못되었습니다.",
                       hint="-p와 같은 순서로 '호스트포트:컨테이너포트'를 쓰세요 (예: \"8080:80\", "
                            "\"127.0.0.1:8080:80\", \"8080:80/udp\"). 컨테이너 포트만 쓰면 임의의 호스트 포트입니다.")


def parse(specs: str | list | tuple) -> dict:
    """``"8080:80, 443"`` or ``["127.0.0.1:8081:80/tcp"]`` -> ``{'80/tcp': 8080, '443/tcp': None, ...}``.

    The CLI's ``-p`` syntax (through docker-py's ``split_port``); a bare container port publishes to
    a random host port (``None``), ``IP::PORT`` to a random port on that address.
    """
    parts = re.split(r"[,\s]+", specs) if isinstance(specs, str) else [str(s) for s in specs]
    result: dict = {}
    for part in (p.strip() for p in parts):
        if not part:
            continue
        try:
            internal, external = split_port(part)
        except ValueError:
            raise _bad(part) from None
        if len(internal) != 1:
            raise _bad(part)
        cport, _, proto = internal[0].partition("/")
        host = (external or [None])[0]
        ip, hport = host if isinstance(host, tuple) else (None, host)
        numbers = [int(cport)] + ([int(hport)] if hport else [])
        if any(not 0 < n < 65536 for n in numbers):
            raise _bad(part)
        key = f"{cport}/{proto or 'tcp'}"
        hport = int(hport) if hport else None
        binding = (ip, hport) if ip else hport
        if key in result:  # one container port on several host ports: docker-py takes a list
            before = result[key]
            result[key] = [*(before if isinstance(before, list) else [before]), binding]
        else:
            result[key] = binding
    return result


def to_sdk(ports: PortSpec) -> dict | None:
    """Either spelling -> docker-py's ``ports=`` (``{'80/tcp': 8080}``); ``None`` when empty."""
    if not ports:
        return None
    if isinstance(ports, (str, list, tuple)):
        return parse(ports) or None
    out = {}
    for container_port, host in ports.items():
        key = str(container_port)
        out[key if "/" in key else f"{key}/tcp"] = host
    return out


def flags(ports: PortSpec) -> list[str]:
    """The ``-p`` flags for ``ports``: CLI strings as the learner wrote them, dicts spelled out."""
    if isinstance(ports, str):
        ports = [p for p in re.split(r"[,\s]+", ports) if p]
    if isinstance(ports, (list, tuple)):
        return [arg for p in ports for arg in ("-p", str(p))]
    out = []
    for key, hosts in (to_sdk(ports) or {}).items():
        for host in hosts if isinstance(hosts, list) else [hosts]:
            out += _flag(key.removesuffix("/tcp"), host)
    return out


def _flag(cport: str, host) -> list[str]:
    """``-p`` for one binding: ``None`` (random), ``8080``, or ``("127.0.0.1", 8080 | None)``."""
    if host is None:
        return ["-p", cport]
    if isinstance(host, tuple):
        ip, hport = host
        return ["-p", f"{ip}:{hport}:{cport}" if hport else f"{ip}::{cport}"]
    return ["-p", f"{host}:{cport}"]


def host_ports(ports: PortSpec) -> list[str]:
    """The host ports ``ports`` asks for (for messages about a taken port)."""
    hosts = [h for v in (to_sdk(ports) or {}).values() for h in (v if isinstance(v, list) else [v])]
    return [str(h[1] if isinstance(h, tuple) else h) for h in hosts if h and (not isinstance(h, tuple) or h[1])]


def column(port_list: list[dict] | None) -> str:
    """The PORTS column of ``docker ps`` from a list record's ``Ports``."""
    seen, parts = set(), []
    for p in port_list or []:
        if p.get("PublicPort"):
            text = f"{p.get('IP', '0.0.0.0')}:{p['PublicPort']}->{p['PrivatePort']}/{p['Type']}"
        else:
            text = f"{p['PrivatePort']}/{p['Type']}"
        if text not in seen and "::" not in text:
            seen.add(text)
            parts.append(text)
    return ", ".join(parts)
