"""The container dashboard: ``docker ps -a`` as a table with start/stop/restart/remove buttons."""

from __future__ import annotations

import time

import ipywidgets as w

from .. import containers, inspecting
from .._state import CHAPTER_LABEL
from ..display import STATE_KO, Table, html_table, quiet
from ..errors import CourseError
from ..ports import column
from .base import CourseWidget, close_tree, esc, state_badge

_ACTIONS = {"start": ("시작", "start"), "stop": ("멈춤", "stop"), "restart": ("재시작", "restart"),
            "remove": ("삭제", "rm")}


def container_row(item) -> dict:
    """Turn one ``h.ps`` item (Container model or raw list record) into a dashboard row."""
    attrs = getattr(item, "attrs", item)
    names = attrs.get("Names") or [attrs.get("Name") or "?"]
    state = attrs.get("State")
    if isinstance(state, dict):  # a full inspect record
        state = state.get("Status", "")
    image = attrs.get("Image") or ""
    if isinstance(attrs.get("Config"), dict) and attrs["Config"].get("Image") and image.startswith("sha256:"):
        image = attrs["Config"]["Image"]
    return {"name": names[0].lstrip("/"), "id": (attrs.get("Id") or "")[:12], "state": state or "",
            "status": attrs.get("Status") or "", "image": image, "ports": column(attrs.get("Ports"))}


class ContainerDashboard(CourseWidget):
    """Show containers as a table with start/stop/restart/remove buttons per row. Introduced in chapter 02."""

    columns = ["이름", "상태", "이미지", "포트"]

    def __init__(self, all: bool = True, chapter: str | None = None):  # noqa: A002 - mirrors `docker ps -a`
        super().__init__()
        self.all = all
        self.chapter = chapter
        self.rows: list[dict] = []
        self.refreshed_at: str = ""
        self.refresh_button = w.Button(description="새로고침", icon="refresh", tooltip="docker ps -a")
        self.refresh_button.on_click(self._on(self.refresh))
        self.status = w.HTML()
        self.grid = w.VBox()
        title = "컨테이너 대시보드" + (f" — {chapter}장" if chapter else "")
        self.widget = w.VBox([w.HBox([w.HTML(f"<b>{esc(title)}</b>"), self.refresh_button, self.status]),
                              self.grid, self.out])
        self.refresh()

    def filters(self) -> dict | None:
        """The ``docker ps --filter`` this dashboard uses (the course's chapter label)."""
        return {"label": f"{CHAPTER_LABEL}={self.chapter}"} if self.chapter else None

    def refresh(self) -> Table:
        """Re-read the container list (one ``docker ps`` call) and redraw; return it as a table."""
        with quiet():
            found = inspecting.ps(all=self.all, filters=self.filters())
        self.rows = [container_row(item) for item in found]
        self.refreshed_at = time.strftime("%H:%M:%S")
        self._render()
        return self.table()

    def auto_refresh(self, every: float = 2.0, times: int = 5) -> Table:
        """Refresh ``times`` times, ``every`` seconds apart (bounded: blocks at most every*times s)."""
        times = max(0, int(times))
        for i in range(times):
            if i:
                time.sleep(every)
            self.refresh()
            self.status.value += f" <small>(자동 {i + 1}/{times})</small>"
        return self.table()

    def act(self, name: str, action: str):
        """Run ``start``/``stop``/``restart``/``remove`` on container ``name`` via the helpers, then refresh."""
        if action not in _ACTIONS:
            raise CourseError(f"알 수 없는 동작 '{action}'입니다.", hint="start, stop, restart, remove 중 하나를 쓰세요.")
        fn = {"start": containers.start, "stop": containers.stop, "restart": containers.restart,
              "remove": containers.rm}[action]
        try:
            return fn(name)
        finally:
            self.refresh()

    def table(self) -> Table:
        return Table(self.rows, self.columns,
                     [[r["name"], f"{STATE_KO.get(r['state'], r['state'])} ({r['status'] or r['state']})",
                       r["image"], r["ports"]] for r in self.rows])

    def _render(self) -> None:
        running = sum(1 for r in self.rows if r["state"] == "running")
        self.status.value = (f"컨테이너 {len(self.rows)}개 (실행 중 {running}개) · "
                             f"마지막 확인 {self.refreshed_at}")
        old = self.grid.children
        cell = {"name": "170px", "state": "150px", "image": "190px", "ports": "220px"}
        header = w.HBox([w.HTML(f"<b>{esc(c)}</b>", layout=w.Layout(width=wd))
                         for c, wd in zip(self.columns, cell.values())])
        lines = [header]
        for r in self.rows:
            buttons = []
            for action, (label, verb) in _ACTIONS.items():
                b = w.Button(description=label, tooltip=f"docker {verb} {r['name']}",
                             layout=w.Layout(width="64px"),
                             button_style="danger" if action == "remove" else "")
                b.disabled = (action == "start" and r["state"] in ("running", "paused")) or (
                    action == "stop" and r["state"] not in ("running", "paused", "restarting"))
                b.on_click(self._on(self.act, r["name"], action))
                buttons.append(b)
            lines.append(w.HBox([
                w.HTML(f"<code>{esc(r['name'])}</code>", layout=w.Layout(width=cell["name"])),
                w.HTML(state_badge(r["state"]), layout=w.Layout(width=cell["state"])),
                w.HTML(esc(r["image"]), layout=w.Layout(width=cell["image"])),
                w.HTML(esc(r["ports"]) or "—", layout=w.Layout(width=cell["ports"])),
                *buttons,
            ]))
        if not self.rows:
            lines.append(w.HTML("<i>(컨테이너가 없습니다)</i>"))
        self.grid.children = lines
        for child in old:
            close_tree(child)

    def text(self) -> str:
        head = f"컨테이너 대시보드 ({'전체' if self.all else '실행 중만'}" + (
            f", {self.chapter}장" if self.chapter else "") + f") — {len(self.rows)}개, {self.refreshed_at} 기준"
        return head + "\n" + (self.table().text() if self.rows else "(컨테이너가 없습니다)")

    def html(self) -> str:
        rows = [[f"<code>{esc(r['name'])}</code>", state_badge(r["state"]), esc(r["image"]),
                 esc(r["ports"]) or "—"] for r in self.rows]
        caption = f"컨테이너 {len(self.rows)}개 ({self.refreshed_at} 기준)"
        return html_table(self.columns, rows, caption) if rows else f"<p>{caption}: (컨테이너가 없습니다)</p>"


