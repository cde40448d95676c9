"""The port map: host port ↔ container port pairs with links, optionally fetching each page."""

from __future__ import annotations

import re

import ipywidgets as w

from .. import inspecting, web
from ..display import Table, html_table, quiet
from ..errors import CourseError
from .base import CourseWidget, esc, name_of


def _first_line(body: str, limit: int = 80) -> str:
    text = re.sub(r"<[^>]+>", " ", body)
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return "(빈 페이지)"


class PortMapView(CourseWidget):
    """Show host port ↔ container port pairs with links, optionally fetching each page. Introduced in chapter 03."""

    columns = ["컨테이너 포트", "호스트 주소", "호스트 포트", "주소", "응답"]

    def __init__(self, container, fetch: bool = True, timeout: float = 5.0):
        super().__init__()
        self.name = name_of(container)
        self.fetch = fetch
        self.timeout = timeout
        self.rows: list[dict] = []
        self.view = w.HTML()
        self.update_button = w.Button(description="다시 확인", icon="refresh")
        self.update_button.on_click(self._on(self.update))
        self.widget = w.VBox([self.view, self.update_button, self.out])
        self.update()

    def update(self) -> list[dict]:
        """Re-read the port bindings (``docker port``) and, if ``fetch``, GET each HTTP port once."""
        with quiet():
            mapping = inspecting.port(self.name)
        rows, answers = [], {}
        for cport, binds in mapping.items():
            for ip, hport in binds:
                host = "localhost" if ip in ("0.0.0.0", "127.0.0.1", "", "::") else ip
                url = f"http://{host}:{hport}" if cport.endswith("/tcp") else ""
                row = {"container_port": cport, "host_ip": ip, "host_port": int(hport), "url": url,
                       "status": "", "first_line": ""}
                if self.fetch and url:
                    if url not in answers:
                        answers[url] = self._get(url)
                    row["status"], row["first_line"] = answers[url]
                rows.append(row)
        self.rows = rows
        self.view.value = self.html()
        return rows

    def _get(self, url: str) -> tuple[str, str]:
        try:
            with quiet():
                body = web.fetch(url, timeout=self.timeout)
        except CourseError as exc:
            return "응답 없음", exc.message
        return "응답함", _first_line(body)

    def _cells(self, r: dict) -> list[str]:
        answer = f"{r['status']}: {r['first_line']}" if r["status"] else ("—" if not self.fetch else "(HTTP 아님)")
        return [r["container_port"], r["host_ip"], str(r["host_port"]), r["url"] or "—", answer]

    def text(self) -> str:
        head = f"{self.name}의 포트 연결 (docker port)"
        if not self.rows:
            return head + "\n(호스트에 연결된 포트가 없습니다 — -p 또는 -P로 실행하세요)"
        return head + "\n" + Table(self.rows, self.columns, [self._cells(r) for r in self.rows]).text()

    def html(self) -> str:
        caption = f"{self.name}의 포트 연결 (호스트 ↔ 컨테이너)"
        if not self.rows:
            return f"<p><b>{esc(caption)}</b>: 호스트에 연결된 포트가 없습니다 — -p 또는 -P로 실행하세요.</p>"
        rows = []
        for r in self.rows:
            cells = [esc(c) for c in self._cells(r)]
            if r["url"]:
                cells[3] = f'<a href="{esc(r["url"])}" target="_blank">{esc(r["url"])}</a>'
            rows.append(cells)
        return html_table(self.columns, rows, caption)


