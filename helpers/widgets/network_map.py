"""The network map: which container sits on which network, drawn live from the engine.

Networks across the top, containers below, a line for each connection (with the container's address on that
network); published ports under each container. ``read_network_map`` reads the engine (two list calls) and
``network_map_svg`` draws what it read; the widget redraws on its button, on ``update()`` and, a bounded number
of times, on ``watch()``.
"""

from __future__ import annotations

import time

import ipywidgets as w

from .._state import CHAPTER_LABEL
from ..connection import client
from ..display import STATE_KO
from ..ports import column
from .base import CourseWidget, esc, state_badge
from .charts import svg_open

DEFAULTS = ("bridge", "host", "none")
_COLORS = {"bridge": "#1e88e5", "host": "#e53935", "none": "#757575"}
_OTHERS = ["#43a047", "#8e24aa", "#fb8c00", "#00897b", "#6d4c41", "#3949ab"]
_BOX_W, _GAP, _MARGIN = 150, 24, 20


def read_network_map(chapter: str | None = None) -> dict:
    """What is on which network: ``{"networks": [...], "containers": [...]}``, from ``docker network ls`` and
    ``docker ps -a`` (only the chapter's containers when ``chapter`` is given).

    A network is ``{"name", "driver", "subnet", "course", "containers": [names]}``; a container is
    ``{"name", "state", "mode", "networks": {network: address or ""}, "ports"}``. The engine's three networks are
    always there; other networks when they are the chapter's (or, without a chapter, all of them) or when a
    shown container is on them.
    """
    api = client().api
    filters = {"label": f"{CHAPTER_LABEL}={chapter}"} if chapter else None
    rows = api.containers(all=True, filters=filters)
    containers = []
    for r in sorted(rows, key=lambda r: (r.get("Names") or ["?"])[0]):
        nets = (r.get("NetworkSettings") or {}).get("Networks") or {}
        containers.append({
            "name": (r.get("Names") or ["?"])[0].lstrip("/"), "state": r.get("State", ""),
            "mode": (r.get("HostConfig") or {}).get("NetworkMode", ""),
            "networks": {n: (s or {}).get("IPAddress") or "" for n, s in nets.items()},
            "ports": column(r.get("Ports")),
        })
    used = {n for c in containers for n in c["networks"]}
    networks = []
    for n in api.networks():
        name = n.get("Name", "")
        labels = n.get("Labels") or {}
        mine = labels.get(CHAPTER_LABEL) == chapter if chapter else True
        if name in DEFAULTS or name in used or mine:
            subnet = ", ".join(c.get("Subnet", "") for c in (n.get("IPAM") or {}).get("Config") or [])
            networks.append({"name": name, "driver": n.get("Driver", ""), "subnet": subnet,
                             "course": CHAPTER_LABEL in labels,
                             "containers": [c["name"] for c in containers if name in c["networks"]]})
    networks.sort(key=lambda n: (DEFAULTS.index(n["name"]) if n["name"] in DEFAULTS else 3, n["name"]))
    return {"networks": networks, "containers": containers}


def _color(name: str, order: list[str]) -> str:
    if name in _COLORS:
        return _COLORS[name]
    others = [n for n in order if n not in _COLORS]
    return _OTHERS[others.index(name) % len(_OTHERS)] if name in others else "#555"


def network_map_svg(data: dict) -> str:
    """Draw ``read_network_map()``'s answer: networks on top, containers below, one line per connection."""
    nets, ctrs = data["networks"], data["containers"]
    order = [n["name"] for n in nets]
    columns = max(len(nets), len(ctrs), 1)
    width = 2 * _MARGIN + columns * _BOX_W + (columns - 1) * _GAP
    height = 300
    parts = svg_open(width, height, "nm-arrow", "#555")

    def x_of(i: int, count: int) -> float:
        span = count * _BOX_W + (count - 1) * _GAP
        return (width - span) / 2 + i * (_BOX_W + _GAP)

    net_x = {n["name"]: x_of(i, len(nets)) for i, n in enumerate(nets)}
    for i, c in enumerate(ctrs):  # lines first, boxes drawn over them
        cx = x_of(i, len(ctrs)) + _BOX_W / 2
        for net, address in c["networks"].items():
            if net not in net_x:
                continue
            nx = net_x[net] + _BOX_W / 2
            live = c["state"] in ("running", "paused")
            dash = "" if live else ' stroke-dasharray="5 4"'
            parts.append(f'<line x1="{cx:.0f}" y1="190" x2="{nx:.0f}" y2="84" stroke="{_color(net, order)}" '
                         f'stroke-width="{2.4 if live else 1.4}"{dash}/>')
            if address:
                mx, my = (cx + nx) / 2, 137
                parts.append(f'<text x="{mx:.0f}" y="{my:.0f}" font-size="11" fill="{_color(net, order)}" '
                             f'text-anchor="middle" paint-order="stroke" stroke="#fff" stroke-width="3">'
                             f"{esc(address)}</text>")
    for n in nets:
        x, color = net_x[n["name"]], _color(n["name"], order)
        parts.append(f'<rect x="{x:.0f}" y="20" width="{_BOX_W}" height="64" rx="10" fill="{color}" fill-opacity="0.12" '
                     f'stroke="{color}" stroke-width="2"/>')
        parts.append(f'<text x="{x + _BOX_W / 2:.0f}" y="42" font-size="14" font-weight="bold" fill="{color}" '
                     f'text-anchor="middle">{esc(n["name"])}</text>')
        parts.append(f'<text x="{x + _BOX_W / 2:.0f}" y="59" font-size="11" fill="#333" text-anchor="middle">'
                     f'{esc(n["driver"])}{" · 과정이 만듦" if n["course"] else ""}</text>')
        if n["subnet"]:
            parts.append(f'<text x="{x + _BOX_W / 2:.0f}" y="75" font-size="10" fill="#555" text-anchor="middle">'
                         f'{esc(n["subnet"])}</text>')
    for i, c in enumerate(ctrs):
        x = x_of(i, len(ctrs))
        live = c["state"] in ("running", "paused")
        fill, stroke = ("#e8f5e9", "#2e7d32") if live else ("#f5f5f5", "#9e9e9e")
        parts.append(f'<rect x="{x:.0f}" y="190" width="{_BOX_W}" height="58" rx="8" fill="{fill}" stroke="{stroke}" '
                     'stroke-width="1.5"/>')
        parts.append(f'<text x="{x + _BOX_W / 2:.0f}" y="212" font-size="13" font-weight="bold" fill="#222" '
                     f'text-anchor="middle">{esc(c["name"])}</text>')
        mode = " · 네트워크 없음" if c["mode"] == "none" else (" · 호스트와 같음" if c["mode"] == "host" else "")
        parts.append(f'<text x="{x + _BOX_W / 2:.0f}" y="229" font-size="11" fill="#444" text-anchor="middle">'
                     f'{esc(STATE_KO.get(c["state"], c["state"]))}{mode}</text>')
        if c["ports"]:
            parts.append(f'<text x="{x + _BOX_W / 2:.0f}" y="266" font-size="11" fill="#b71c1c" '
                         f'text-anchor="middle">게시 {esc(_short_ports(c["ports"]))}</text>')
    if not ctrs:
        parts.append(f'<text x="{width / 2:.0f}" y="222" font-size="13" fill="#777" text-anchor="middle">'
                     "(보여 줄 컨테이너가 없습니다)</text>")
    parts.append(f'<text x="{_MARGIN}" y="292" font-size="10" fill="#777">선: 연결(실선은 실행 중, 점선은 멈춤) · '
                 "선 위 숫자: 그 네트워크에서의 주소 · 빨간 글씨: 호스트에 게시된 포트</text>")
    parts.append("</svg>")
    return "".join(parts)


def _short_ports(ports: str) -> str:
    return ports if len(ports) <= 26 else ports[:25] + "…"


class NetworkMap(CourseWidget):
    """Show which container sits on which network, live from the engine (``docker network ls`` + ``docker ps -a``).

    ``chapter`` limits it to one chapter's containers and networks; ``update()`` redraws from code, the button
    from the page, ``watch(every, times)`` a bounded number of times. Introduced in chapter 08.
    """

    def __init__(self, chapter: str | None = None):
        super().__init__()
        self.chapter = chapter
        self.data: dict = {"networks": [], "containers": []}
        self.updated_at = ""
        self.view = w.HTML()
        self.status = w.HTML()
        self.update_button = w.Button(description="다시 그리기", icon="refresh", tooltip="docker network ls, docker ps -a")
        self.update_button.on_click(self._on(self.update))
        self.widget = w.VBox([w.HBox([w.HTML(f"<b>{esc(self._title())}</b>"), self.update_button, self.status]),
                              self.view, self.out])
        self.update()

    def _title(self) -> str:
        return "네트워크 지도" + (f" — {self.chapter}장" if self.chapter else "")

    def update(self) -> dict:
        """Re-read the engine and redraw; return what is on which network (see :func:`read_network_map`)."""
        self.data = read_network_map(self.chapter)
        self.updated_at = time.strftime("%H:%M:%S")
        self.view.value = network_map_svg(self.data)
        self.status.value = f"<small>{esc(self._summary())}</small>"
        return self.data

    def watch(self, every: float = 2.0, times: int = 5) -> dict:
        """Redraw ``times`` times, ``every`` seconds apart (bounded: blocks at most every*times s)."""
        for i in range(max(0, int(times))):
            if i:
                time.sleep(every)
            self.update()
            self.status.value += f" <small>(자동 {i + 1}/{times})</small>"
        return self.data

    def where(self, container: str) -> list[str]:
        """The networks ``container`` is on, as last read."""
        for c in self.data["containers"]:
            if c["name"] == container:
                return sorted(c["networks"])
        return []

    def _summary(self) -> str:
        return (f"네트워크 {len(self.data['networks'])}개, 컨테이너 {len(self.data['containers'])}개 · "
                f"{self.updated_at} 기준")

    def text(self) -> str:
        lines = [f"{self._title()} ({self._summary()})"]
        for n in self.data["networks"]:
            members = []
            for name in n["containers"]:
                c = next(c for c in self.data["containers"] if c["name"] == name)
                address = c["networks"].get(n["name"])
                members.append(f"{name}({address})" if address else name)
            facts = ", ".join(x for x in (n["driver"], n["subnet"], "과정이 만듦" if n["course"] else "") if x)
            lines.append(f"[{n['name']}] ({facts}): {', '.join(members) or '(없음)'}")
        lost = [c["name"] for c in self.data["containers"] if not c["networks"]]
        if lost:
            lines.append(f"어느 네트워크에도 없는 컨테이너: {', '.join(lost)}")
        ports = [f"{c['name']} {c['ports']}" for c in self.data["containers"] if c["ports"]]
        if ports:
            lines.append("호스트에 게시된 포트: " + "; ".join(ports))
        return "\n".join(lines)

    def html(self) -> str:
        states = "".join(f"<li><code>{esc(c['name'])}</code> {state_badge(c['state'])}</li>"
                         for c in self.data["containers"])
        return (f"<div><p><b>{esc(self._title())}</b> <small>({esc(self._summary())})</small></p>"
                f"{network_map_svg(self.data)}<ul style='columns:2'>{states}</ul></div>")
