"""Small charts and diagrams drawn as HTML/SVG (browser fonts render Hangul) with a text fallback.

No plotting library: the output is plain markup the notebook saves as ``text/html`` next to a
``text/plain`` rendering, so it reads the same in JupyterLab, on GitHub and in a grader.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping

from ..connection import client
from ..display import Rendered, pad, width

__all__ = ["Architecture", "BarChart", "architecture", "bars"]

_esc = html.escape
_PALETTE = ["#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#e53935", "#00897b"]


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


class BarChart(Rendered):
    """Horizontal bars as HTML, with a text rendering for saved notebooks and terminals."""

    def __init__(self, data: Mapping[str, float], title: str = "", unit: str = "", note: str = "",
                 log: bool = False):
        self.data = {str(k): float(v) for k, v in data.items()}
        if any(v < 0 or math.isnan(v) for v in self.data.values()):
            raise ValueError("막대 값은 0 이상의 수여야 합니다.")
        self.title, self.unit, self.note, self.log = title, unit, note, log

    def fractions(self) -> dict[str, float]:
        """Each bar's length as a fraction of the longest (log scale when ``log=True``)."""
        top = max(self.data.values(), default=0)
        if top <= 0:
            return {k: 0.0 for k in self.data}
        if self.log:
            scale = math.log10(top + 1)
            return {k: math.log10(v + 1) / scale for k, v in self.data.items()}
        return {k: v / top for k, v in self.data.items()}

    def _value(self, value: float) -> str:
        tight = not self.unit or self.unit == "%" or "\uac00" <= self.unit[0] <= "\ud7a3"
        return f"{_num(value)}{'' if tight else ' '}{self.unit}"

    def text(self) -> str:
        label_w = max((width(k) for k in self.data), default=0)
        lines = [self.title] if self.title else []
        for (k, v), f in zip(self.data.items(), self.fractions().values()):
            bar = "█" * max(1 if v > 0 else 0, round(f * 40))
            lines.append(f"{pad(k, label_w)}  {bar} {self._value(v)}")
        if self.log:
            lines.append("(로그 눈금)")
        if self.note:
            lines.append(f"※ {self.note}")
        return "\n".join(lines)

    def html(self) -> str:
        rows = []
        for i, ((k, v), f) in enumerate(zip(self.data.items(), self.fractions().values())):
            color = _PALETTE[i % len(_PALETTE)]
            rows.append(
                "<div style='display:flex;align-items:center;margin:3px 0'>"
                f"<div style='width:9em;text-align:right;padding-right:8px'>{_esc(k)}</div>"
                "<div style='flex:1;max-width:460px;background:#f1f1f1'>"
                f"<div style='width:{f * 100:.1f}%;min-width:{2 if v > 0 else 0}px;height:18px;"
                f"background:{color}'></div></div>"
                f"<div style='padding-left:8px;white-space:nowrap'>{_esc(self._value(v))}</div></div>"
            )
        title = f"<div style='font-weight:bold;margin-bottom:4px'>{_esc(self.title)}</div>" if self.title else ""
        foot = []
        if self.log:
            foot.append("로그 눈금")
        if self.note:
            foot.append(f"※ {_esc(self.note)}")
        note = f"<div style='font-size:85%;color:#666;margin-top:4px'>{' · '.join(foot)}</div>" if foot else ""
        return f"<div style='font-family:sans-serif;max-width:720px'>{title}{''.join(rows)}{note}</div>"


def bars(data: Mapping[str, float], title: str = "", unit: str = "", note: str = "", log: bool = False) -> BarChart:
    """Draw ``{"label": value}`` as horizontal bars (HTML, text fallback). Introduced in chapter 01."""
    return BarChart(data, title=title, unit=unit, note=note, log=log)


# ---------------------------------------------------------------------------------------- architecture


def _count(kind: str) -> int | None:
    """Count volumes or networks on the engine (one list call); None when it cannot be asked."""
    try:
        api = client().api
        if kind == "volumes":
            return len(api.volumes().get("Volumes") or [])
        return len(api.networks())
    except Exception:  # noqa: BLE001 - a diagram must still draw without an engine; shown as "?"
        return None


def svg_open(width: int, height: int, arrow_id: str, arrow_color: str) -> list[str]:
    """The opening of an SVG diagram with an arrow-head marker ``url(#arrow_id)``; close with ``</svg>``."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif">',
        f'<defs><marker id="{arrow_id}" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto">'
        f'<path d="M0,0 L10,4 L0,8 z" fill="{arrow_color}"/></marker></defs>',
    ]


class Architecture(Rendered):
    """Client → REST API → daemon → objects, and a registry, drawn from ``h.version()``/``h.info()`` data."""

    def __init__(self, version: dict, info: dict, registry: str, volumes: int | None = None,
                 networks: int | None = None):
        client = version.get("client") or {}
        server = version.get("server") or version
        self.client_name = client.get("name") or "docker SDK for Python"
        self.client_version = client.get("version") or "?"
        self.api_version = client.get("api_version") or server.get("api_version") or server.get("ApiVersion") or "?"
        self.server_version = server.get("version") or server.get("Version") or info.get("ServerVersion") or "?"
        self.os = f"{server.get('os') or info.get('OSType') or '?'}/{server.get('arch') or info.get('Architecture') or '?'}"
        self.host = info.get("OperatingSystem") or ""
        self.driver = info.get("Driver") or "?"
        self.images = info.get("Images", "?")
        self.containers = info.get("Containers", "?")
        self.running = info.get("ContainersRunning", "?")
        self.volumes = volumes
        self.networks = networks
        self.registry = registry

    def objects(self) -> list[tuple[str, str]]:
        vol = "?" if self.volumes is None else self.volumes
        net = "?" if self.networks is None else self.networks
        return [("이미지", f"{self.images}개"), ("컨테이너", f"{self.containers}개 (실행 중 {self.running})"),
                ("볼륨", f"{vol}개"), ("네트워크", f"{net}개")]

    def text(self) -> str:
        objs = ", ".join(f"{k} {v}" for k, v in self.objects())
        return "\n".join([
            "도커 구조",
            f"[클라이언트] {self.client_name} {self.client_version}",
            f"    │  REST API (v{self.api_version}, 유닉스 소켓/HTTP)",
            "    ▼",
            f"[데몬 dockerd] Docker Engine {self.server_version} ({self.os}, 저장 드라이버 {self.driver})",
            f"    ├─ 관리하는 객체: {objs}",
            f"    └─ pull / push ⇄ [레지스트리] {self.registry}",
        ])

    def svg(self) -> str:
        e = _esc
        parts = svg_open(760, 330, "arch-arrow", "#444")

        def box(x, y, w, h, fill, title, lines):
            parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="10" fill="{fill}" stroke="#555"/>')
            parts.append(f'<text x="{x + w / 2}" y="{y + 22}" font-size="15" font-weight="bold" '
                         f'text-anchor="middle">{e(title)}</text>')
            for i, line in enumerate(lines):
                parts.append(f'<text x="{x + w / 2}" y="{y + 42 + 17 * i}" font-size="12" '
                             f'text-anchor="middle">{e(line)}</text>')

        def arrow(x1, y1, x2, y2, label, lx, ly, both=False):
            start = ' marker-start="url(#arch-arrow)"' if both else ""
            parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#444" stroke-width="2" '
                         f'marker-end="url(#arch-arrow)"{start}/>')
            parts.append(f'<text x="{lx}" y="{ly}" font-size="12" text-anchor="middle" fill="#333">{e(label)}</text>')

        box(20, 40, 190, 90, "#e3f2fd", "클라이언트", [self.client_name, f"버전 {self.client_version}"])
        arrow(210, 85, 298, 85, f"REST API v{self.api_version}", 254, 75)
        box(300, 20, 210, 130, "#e8f5e9", "데몬 (dockerd)",
            [f"Docker Engine {self.server_version}", self.os, f"저장 드라이버 {self.driver}", self.host[:30]])
        arrow(510, 85, 578, 85, "pull / push", 544, 75, both=True)
        box(580, 40, 160, 90, "#fff3e0", "레지스트리", [self.registry[:24]])
        arrow(405, 150, 405, 188, "만들고 관리", 450, 174)
        parts.append('<rect x="20" y="190" width="720" height="120" rx="10" fill="#fafafa" stroke="#999" '
                     'stroke-dasharray="5 3"/>')
        parts.append('<text x="36" y="212" font-size="13" font-weight="bold">객체 (지금 이 엔진에 있는 수)</text>')
        for i, (name, count) in enumerate(self.objects()):
            x = 36 + i * 176
            parts.append(f'<rect x="{x}" y="224" width="160" height="70" rx="8" fill="#fff" stroke="#777"/>')
            parts.append(f'<text x="{x + 80}" y="252" font-size="14" font-weight="bold" '
                         f'text-anchor="middle">{e(name)}</text>')
            parts.append(f'<text x="{x + 80}" y="274" font-size="12" text-anchor="middle">{e(count)}</text>')
        parts.append("</svg>")
        return "".join(parts)

    def html(self) -> str:
        return f"<div>{self.svg()}</div>"


def architecture(version: dict, info: dict, registry: str, volumes: int | None = None,
                 networks: int | None = None) -> Architecture:
    """Draw client → REST API → daemon → objects and registry from ``h.version()``/``h.info()`` data.

    Volume and network counts are read from the engine (one list call each) unless given.
    Introduced in chapter 01.
    """
    if volumes is None:
        volumes = _count("volumes")
    if networks is None:
        networks = _count("networks")
    return Architecture(version, info, registry, volumes=volumes, networks=networks)
