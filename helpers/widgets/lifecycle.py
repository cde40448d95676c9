"""The container lifecycle: created → running ⇄ paused → exited → removed, with the current state lit."""

from __future__ import annotations

import ipywidgets as w

from .. import containers
from ..display import STATE_KO, quiet
from ..errors import ContainerNotFound
from .base import CourseWidget, esc, name_of, state_badge
from .charts import svg_open

_LIFECYCLE = ["created", "running", "paused", "exited", "removed"]
_NEAREST = {"restarting": "running", "dead": "exited", "removing": "removed"}
_BOX = {"created": (20, 40), "running": (200, 40), "exited": (380, 40), "removed": (560, 40), "paused": (200, 150)}


def lifecycle_svg(current: str) -> str:
    """Draw created → running ⇄ paused, running → exited → removed with ``current`` highlighted."""
    current = _NEAREST.get(current, current)
    bw, bh = 140, 46
    parts = svg_open(720, 215, "lv-arrow", "#555")

    def arrow(x1, y1, x2, y2, label, lx, ly):
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#555" stroke-width="1.6" '
                     'marker-end="url(#lv-arrow)"/>')
        parts.append(f'<text x="{lx}" y="{ly}" font-size="12" fill="#333" text-anchor="middle">{label}</text>')

    mid = 40 + bh // 2
    arrow(160, mid, 198, mid, "start", 179, mid - 8)
    arrow(340, mid, 378, mid, "stop", 359, mid - 8)
    arrow(520, mid, 558, mid, "rm", 539, mid - 8)
    arrow(250, 88, 250, 148, "pause", 225, 122)
    arrow(290, 148, 290, 88, "unpause", 325, 122)
    parts.append('<path d="M450,38 C450,8 270,8 270,36" fill="none" stroke="#555" stroke-width="1.4" '
                 'stroke-dasharray="4 3" marker-end="url(#lv-arrow)"/>')
    parts.append('<text x="360" y="14" font-size="12" fill="#333" text-anchor="middle">start / restart</text>')
    parts.append('<text x="90" y="28" font-size="12" fill="#333" text-anchor="middle">create / run</text>')
    for state, (x, y) in _BOX.items():
        on = state == current
        fill, stroke, color = ("#2e7d32", "#1b5e20", "#fff") if on else ("#f5f5f5", "#999", "#333")
        parts.append(f'<rect x="{x}" y="{y}" width="{bw}" height="{bh}" rx="8" fill="{fill}" stroke="{stroke}" '
                     f'stroke-width="{3 if on else 1}"/>')
        parts.append(f'<text x="{x + bw // 2}" y="{y + 20}" font-size="15" fill="{color}" text-anchor="middle" '
                     f'font-weight="{"bold" if on else "normal"}">{STATE_KO[state]}</text>')
        parts.append(f'<text x="{x + bw // 2}" y="{y + 37}" font-size="11" fill="{color}" '
                     f'text-anchor="middle">{state}{" ← 지금" if on else ""}</text>')
    parts.append("</svg>")
    return "".join(parts)


class LifecycleView(CourseWidget):
    """Show a container's place in created → running → paused → exited → removed. Introduced in chapter 02."""

    def __init__(self, container):
        super().__init__()
        self.name = name_of(container)
        self.state = ""
        self.seen: list[str] = []
        self.diagram = w.HTML()
        self.caption = w.HTML()
        self.update_button = w.Button(description="상태 다시 읽기", icon="refresh")
        self.update_button.on_click(self._on(self.update))
        self.widget = w.VBox([self.caption, self.diagram, self.update_button, self.out])
        self.update()

    def update(self) -> str:
        """Re-read the container's state (a missing container counts as ``removed``) and return it."""
        try:
            with quiet():
                state = containers.container(self.name).status
        except ContainerNotFound:
            state = "removed"
        self.state = state
        if not self.seen or self.seen[-1] != state:
            self.seen.append(state)
        self.diagram.value = lifecycle_svg(state)
        self.caption.value = f"<b>{esc(self.name)}</b> 지금 상태: {state_badge(state)}"
        return state

    def text(self) -> str:
        shown = _NEAREST.get(self.state, self.state)
        chain = " → ".join(f"[{STATE_KO[s]}({s})]" if s == shown else f"{STATE_KO[s]}({s})" for s in _LIFECYCLE)
        return (f"{self.name} 생명주기: {chain}\n지금 상태: {STATE_KO.get(self.state, self.state)} ({self.state})"
                f"\n지나온 상태: {' → '.join(self.seen)}")

    def html(self) -> str:
        return (f"<div><p><b>{esc(self.name)}</b> 지금 상태: {state_badge(self.state)}</p>"
                f"{lifecycle_svg(self.state)}<p><small>지나온 상태: {esc(' → '.join(self.seen))}</small></p></div>")


