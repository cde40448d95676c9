"""Small ipywidgets UIs over the plain helpers: dashboard, run form, exec console, lifecycle, ports,
layers and pull/build progress.

Each widget is a class owning one root widget (``.widget``) with ``close()``. The logic lives in
methods a cell (or a test) can call directly; buttons only call those methods, and any error a
button causes is shown in the widget's own output area in Korean. Every widget also renders as
plain text and HTML, so a notebook executed headless (papermill, nbgrader) keeps a readable output.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import time
import traceback
from pathlib import Path

import ipywidgets as w

import helpers as h

from . import errors, ledger
from ._state import CHAPTER_LABEL, labels
from .charts import svg_open
from .containers import _command_list, _port_flags, _ports_for_sdk, _ports_text
from .display import Progress, Table, cli, echo, human_size, quiet
from .errors import ContainerNotFound, CourseError, StreamError

__all__ = [
    "BuildProgress", "ContainerDashboard", "ExecConsole", "LayersView", "LifecycleView", "PortMapView",
    "PullProgress", "RunBuilder", "build", "parse_ports", "pull",
]

_esc = html.escape


# --------------------------------------------------------------------------------------------- base


class _CourseWidget:
    """Shared parts: an error/echo ``Output`` (``.out``), guarded callbacks, ``close()`` and fallbacks."""

    widget: w.Widget

    def __init__(self) -> None:
        self.out = w.Output(layout=w.Layout(max_height="260px", overflow="auto"))
        self.errors: list[BaseException] = []

    # -- callbacks ----------------------------------------------------------------------------------
    def _guarded(self, fn, *args, **kwargs):
        """Call ``fn``; put what it printed and any error into ``self.out`` (never swallow silently)."""
        buf = io.StringIO()
        error: BaseException | None = None
        result = None
        try:
            with contextlib.redirect_stdout(buf):
                result = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - shown to the learner below, and kept in .errors
            error = exc
        if buf.getvalue():
            self.out.append_stdout(buf.getvalue())
        if error is not None:
            self.errors.append(error)
            self._show_error(error)
        return result

    def _show_error(self, exc: BaseException) -> None:
        if isinstance(exc, CourseError):
            text = f"{type(exc).__name__}: {exc}"
            body = exc._repr_html_()
        else:
            text = "예상하지 못한 오류가 났습니다:\n" + "".join(traceback.format_exception(exc))
            body = (f'<pre style="border-left:4px solid #d9534f;padding:6px 10px;background:#fdf2f2">'
                    f"{_esc(text)}</pre>")
        _append(self.out, text + "\n", body)

    def _on(self, fn, *args):
        """A button/observe handler that runs ``fn(*args)`` guarded."""
        def handler(*_event):
            return self._guarded(fn, *args)
        return handler

    # -- lifetime and rendering ---------------------------------------------------------------------
    def close(self) -> None:
        """Close the root widget and every child widget."""
        _close_tree(self.widget)
        _close_tree(self.out)

    def text(self) -> str:
        return type(self).__name__

    def html(self) -> str:
        return f"<pre>{_esc(self.text())}</pre>"

    def __repr__(self) -> str:
        return self.text()

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        data = {}
        if self.widget.comm is not None:  # a closed widget has no view left, only the fallbacks
            data = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude, **kwargs) or {})
        data["text/plain"] = self.text()
        data["text/html"] = self.html()
        return data


def _append(out: w.Output, text: str, html_text: str | None = None) -> None:
    """Append to an ``Output`` from any thread (no ``with out:``; works without a kernel too)."""
    if html_text is None:
        out.append_stdout(text)
        return
    out.outputs += ({"output_type": "display_data", "data": {"text/plain": text, "text/html": html_text},
                     "metadata": {}},)


def _close_tree(widget) -> None:
    for child in getattr(widget, "children", ()) or ():
        _close_tree(child)
    widget.close()


def _name_of(container) -> str:
    return getattr(container, "name", None) or str(container)


def _display_live(obj):
    """Display ``obj`` now and return a handle to refresh its saved output later (None outside IPython)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    if get_ipython() is None:
        return None
    return display(obj, display_id=True)


_STATE_KO = {
    "created": "생성됨", "running": "실행 중", "paused": "일시 정지", "exited": "종료됨", "removed": "삭제됨",
    "restarting": "다시 시작 중", "dead": "죽음", "removing": "삭제 중",
}
_STATE_COLOR = {"running": "#2e7d32", "paused": "#f9a825", "exited": "#757575", "created": "#1565c0",
                "restarting": "#6a1b9a", "dead": "#c62828", "removed": "#9e9e9e"}


def _state_badge(state: str) -> str:
    color = _STATE_COLOR.get(state, "#555")
    return (f'<span style="color:{color};font-weight:bold">●</span> '
            f"{_esc(_STATE_KO.get(state, state))} <small>({_esc(state)})</small>")


def _table_html(columns, rows, caption: str = "", row_styles=None) -> str:
    head = "".join(f'<th style="text-align:left;padding:2px 8px">{_esc(c)}</th>' for c in columns)
    body = []
    for i, row in enumerate(rows):
        style = f' style="{row_styles[i]}"' if row_styles and row_styles[i] else ""
        cells = "".join(f'<td style="text-align:left;padding:2px 8px">{c}</td>' for c in row)
        body.append(f"<tr{style}>{cells}</tr>")
    cap = f"<caption style='text-align:left;font-weight:bold'>{_esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


# ---------------------------------------------------------------------------------------- dashboard


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
            "status": attrs.get("Status") or "", "image": image, "ports": _ports_text(attrs.get("Ports"))}


class ContainerDashboard(_CourseWidget):
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
        self.widget = w.VBox([w.HBox([w.HTML(f"<b>{_esc(title)}</b>"), self.refresh_button, self.status]),
                              self.grid, self.out])
        self.refresh()

    def filters(self) -> dict | None:
        """The ``docker ps --filter`` this dashboard uses (the course's chapter label)."""
        return {"label": f"{CHAPTER_LABEL}={self.chapter}"} if self.chapter else None

    def refresh(self) -> Table:
        """Re-read the container list (one ``docker ps`` call) and redraw; return it as a table."""
        with quiet():
            found = h.ps(all=self.all, filters=self.filters())
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
        fn = {"start": h.start, "stop": h.stop, "restart": h.restart, "remove": h.rm}[action]
        try:
            return fn(name)
        finally:
            self.refresh()

    def table(self) -> Table:
        return Table(self.rows, self.columns,
                     [[r["name"], f"{_STATE_KO.get(r['state'], r['state'])} ({r['status'] or r['state']})",
                       r["image"], r["ports"]] for r in self.rows])

    def _render(self) -> None:
        running = sum(1 for r in self.rows if r["state"] == "running")
        self.status.value = (f"컨테이너 {len(self.rows)}개 (실행 중 {running}개) · "
                             f"마지막 확인 {self.refreshed_at}")
        old = self.grid.children
        cell = {"name": "170px", "state": "150px", "image": "190px", "ports": "220px"}
        header = w.HBox([w.HTML(f"<b>{_esc(c)}</b>", layout=w.Layout(width=wd))
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
                w.HTML(f"<code>{_esc(r['name'])}</code>", layout=w.Layout(width=cell["name"])),
                w.HTML(_state_badge(r["state"]), layout=w.Layout(width=cell["state"])),
                w.HTML(_esc(r["image"]), layout=w.Layout(width=cell["image"])),
                w.HTML(_esc(r["ports"]) or "—", layout=w.Layout(width=cell["ports"])),
                *buttons,
            ]))
        if not self.rows:
            lines.append(w.HTML("<i>(컨테이너가 없습니다)</i>"))
        self.grid.children = lines
        for child in old:
            _close_tree(child)

    def text(self) -> str:
        head = f"컨테이너 대시보드 ({'전체' if self.all else '실행 중만'}" + (
            f", {self.chapter}장" if self.chapter else "") + f") — {len(self.rows)}개, {self.refreshed_at} 기준"
        return head + "\n" + (self.table().text() if self.rows else "(컨테이너가 없습니다)")

    def html(self) -> str:
        rows = [[f"<code>{_esc(r['name'])}</code>", _state_badge(r["state"]), _esc(r["image"]),
                 _esc(r["ports"]) or "—"] for r in self.rows]
        caption = f"컨테이너 {len(self.rows)}개 ({self.refreshed_at} 기준)"
        return _table_html(self.columns, rows, caption) if rows else f"<p>{caption}: (컨테이너가 없습니다)</p>"


# ---------------------------------------------------------------------------------------- run form


_PORT_RE = re.compile(r"^(?:(?P<ip>\d+\.\d+\.\d+\.\d+):)?(?:(?P<host>\d*):)?(?P<cport>\d+)(?:/(?P<proto>tcp|udp))?$")


def parse_ports(text: str) -> dict:
    """Parse ``-p`` specs like ``"8080:80, 443, 127.0.0.1:8081:80/tcp"`` into ``h.run(ports=...)`` form.

    ``443`` alone publishes to a random host port (``None``). Introduced in chapter 03.
    """
    result: dict = {}
    for part in re.split(r"[,\s]+", text or ""):
        part = part.strip()
        if not part:
            continue
        m = _PORT_RE.match(part)
        numbers = [int(x) for x in (m.group("host"), m.group("cport")) if x] if m else []
        if not m or any(not 0 < n < 65536 for n in numbers) or (m.group("ip") and m.group("host") is None):
            raise CourseError(f"포트 '{part}'의 형식이 잘못되었습니다.",
                              hint="'호스트포트:컨테이너포트'를 쉼표로 구분해 쓰세요 (예: 8080:80, 443).")
        key = f"{m.group('cport')}/{m.group('proto') or 'tcp'}"
        host = int(m.group("host")) if m.group("host") else None
        result[key] = (m.group("ip"), host) if m.group("ip") else host
    return result


class RunBuilder(_CourseWidget):
    """Build a ``docker run`` line from a form, show it live, and run it. Introduced in chapter 02."""

    def __init__(self, image: str = "busybox:1.35", name: str = "", detach: bool = True, ports: str = "",
                 command: str = "", chapter: str | None = None):
        super().__init__()
        self.chapter = chapter
        self.result = None
        style = {"description_width": "120px"}
        wide = w.Layout(width="460px")
        self.image = w.Text(value=image, description="이미지", style=style, layout=wide)
        self.name = w.Text(value=name, description="이름 (--name)", placeholder="비우면 자동 이름", style=style,
                           layout=wide)
        self.detach = w.Checkbox(value=detach, description="백그라운드 실행 (-d)", indent=False)
        self.ports = w.Text(value=ports, description="포트 (-p)", placeholder="예: 8080:80, 443", style=style,
                            layout=wide)
        self.command = w.Text(value=command, description="명령", placeholder="비우면 이미지의 기본 명령",
                              style=style, layout=wide)
        self.preview = w.HTML()
        self.run_button = w.Button(description="실행 (Run)", button_style="primary", icon="play")
        self.run_button.on_click(self._on(self._run_clicked))
        for field in (self.image, self.name, self.detach, self.ports, self.command):
            field.observe(self._update_preview, names="value")
        self.widget = w.VBox([w.HTML("<b>docker run 만들기</b>"), self.image, self.name, self.detach, self.ports,
                              self.command, self.preview, self.run_button, self.out])
        self._update_preview()

    def _argv(self):
        image = self.image.value.strip()
        if not image:
            raise CourseError("이미지 이름을 입력하세요.", hint="예: busybox:1.35")
        ports = parse_ports(self.ports.value)
        command = self.command.value.strip() or None
        return image, command, self.name.value.strip() or None, bool(self.detach.value), ports

    def command_line(self) -> str:
        """Return the exact ``docker run ...`` line :meth:`execute` will run (and print)."""
        image, command, name, detach, ports = self._argv()
        return cli("run", "-d" if detach else None, ["--name", name] if name else None,
                   _port_flags(_ports_for_sdk(ports)), image, _command_list(command))[len("$ "):]

    def execute(self):
        """Run the form's command through ``h.run`` and return its result (a Container, or output)."""
        image, command, name, detach, ports = self._argv()
        self.result = h.run(image, command, name=name, detach=detach, ports=ports or None, chapter=self.chapter)
        return self.result

    def _run_clicked(self):
        result = self.execute()
        print(_describe_run(result))

    def _update_preview(self, *_change) -> None:
        try:
            line = _esc("$ " + self.command_line())
        except CourseError as exc:
            line = f'<span style="color:#c62828">{_esc(exc.message)}</span>'
        self.preview.value = f'<code style="font-size:110%">{line}</code>'

    def text(self) -> str:
        try:
            line = "$ " + self.command_line()
        except CourseError as exc:
            line = f"(입력 오류: {exc.message})"
        lines = ["docker run 만들기", line]
        if self.result is not None:
            lines.append("결과: " + _describe_run(self.result))
        return "\n".join(lines)

    def html(self) -> str:
        text = self.text().split("\n", 1)[1]
        return f"<div><b>docker run 만들기</b><pre>{_esc(text)}</pre></div>"


def _describe_run(result) -> str:
    if hasattr(result, "status") and hasattr(result, "name"):
        return f"컨테이너 {result.name} ({result.short_id}) — 상태: {_STATE_KO.get(result.status, result.status)}"
    code = getattr(result, "exit_code", None)
    return f"{str(result).rstrip()}\n(종료 코드 {code})"


# ------------------------------------------------------------------------------------- exec console


_SHELL_CHARS = re.compile(r"[|&;<>()$`*?~\\]|\[")


class ExecConsole(_CourseWidget):
    """Type commands into a running container (``docker exec``): the notebook's ``docker run -it``.

    Introduced in chapter 02.
    """

    def __init__(self, container):
        super().__init__()
        self.name = _name_of(container)
        self.history: list[tuple[str, str, int | None]] = []
        self.input = w.Text(placeholder="예: ls -l /   (Enter로 실행)", continuous_update=False,
                            layout=w.Layout(width="420px"))
        self.send_button = w.Button(description="실행", icon="terminal")
        self.input.observe(self._submitted, names="value")
        self.send_button.on_click(self._on(self._send_input))
        self.out.layout = w.Layout(max_height="320px", overflow="auto", border="1px solid #ccc")
        self.widget = w.VBox([
            w.HTML(f"<b>{_esc(self.name)}</b> 안에서 명령 실행 <small>(docker exec — 노트북에서 쓰는 "
                   "<code>docker run -it</code> / <code>docker attach</code> 대신)</small>"),
            w.HBox([self.input, self.send_button]), self.out,
        ])

    def send(self, command: str):
        """Run ``command`` in the container via ``h.exec``; append it, its output and exit code."""
        command = (command or "").strip()
        if not command:
            raise CourseError("실행할 명령을 입력하세요.", hint="예: ls -l /")
        argv = ["sh", "-c", command] if _SHELL_CHARS.search(command) else command
        self.out.append_stdout(f"$ {command}\n")
        try:
            with quiet():
                result = h.exec(self.name, argv)
        except CourseError as exc:
            self.history.append((command, exc.message, None))
            raise
        text = str(result)
        self.history.append((command, text, result.exit_code))
        self.out.append_stdout(_transcript_tail(text, result.exit_code))
        return result

    def _send_input(self):
        command = self.input.value.strip()
        if command:
            self.input.value = ""  # fires _submitted with "" (ignored)
            self.send(command)

    def _submitted(self, change) -> None:
        if change["new"].strip():
            self._guarded(self._send_input)

    def text(self) -> str:
        lines = [f"{self.name} 안에서 실행한 명령 (docker exec) {len(self.history)}개"]
        for command, output, code in self.history:
            lines.append(f"$ {command}")
            lines.append(_transcript_tail(output, code).rstrip("\n"))
        return "\n".join(lines)

    def html(self) -> str:
        head, _, body = self.text().partition("\n")
        return f"<div><b>{_esc(head)}</b><pre>{_esc(body) or '(아직 실행한 명령이 없습니다)'}</pre></div>"


def _transcript_tail(text: str, code: int | None) -> str:
    body = text if not text or text.endswith("\n") else text + "\n"
    return body + (f"(종료 코드 {code})\n" if code is not None else "(실행하지 못함)\n")


# ---------------------------------------------------------------------------------------- lifecycle


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
                     f'font-weight="{"bold" if on else "normal"}">{_STATE_KO[state]}</text>')
        parts.append(f'<text x="{x + bw // 2}" y="{y + 37}" font-size="11" fill="{color}" '
                     f'text-anchor="middle">{state}{" ← 지금" if on else ""}</text>')
    parts.append("</svg>")
    return "".join(parts)


class LifecycleView(_CourseWidget):
    """Show a container's place in created → running → paused → exited → removed. Introduced in chapter 02."""

    def __init__(self, container):
        super().__init__()
        self.name = _name_of(container)
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
                state = h.container(self.name).status
        except ContainerNotFound:
            state = "removed"
        self.state = state
        if not self.seen or self.seen[-1] != state:
            self.seen.append(state)
        self.diagram.value = lifecycle_svg(state)
        self.caption.value = f"<b>{_esc(self.name)}</b> 지금 상태: {_state_badge(state)}"
        return state

    def text(self) -> str:
        shown = _NEAREST.get(self.state, self.state)
        chain = " → ".join(f"[{_STATE_KO[s]}({s})]" if s == shown else f"{_STATE_KO[s]}({s})" for s in _LIFECYCLE)
        return (f"{self.name} 생명주기: {chain}\n지금 상태: {_STATE_KO.get(self.state, self.state)} ({self.state})"
                f"\n지나온 상태: {' → '.join(self.seen)}")

    def html(self) -> str:
        return (f"<div><p><b>{_esc(self.name)}</b> 지금 상태: {_state_badge(self.state)}</p>"
                f"{lifecycle_svg(self.state)}<p><small>지나온 상태: {_esc(' → '.join(self.seen))}</small></p></div>")


# ------------------------------------------------------------------------------------------- ports


def _first_line(body: str, limit: int = 80) -> str:
    text = re.sub(r"<[^>]+>", " ", body)
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return "(빈 페이지)"


class PortMapView(_CourseWidget):
    """Show host port ↔ container port pairs with links, optionally fetching each page. Introduced in chapter 03."""

    columns = ["컨테이너 포트", "호스트 주소", "호스트 포트", "주소", "응답"]

    def __init__(self, container, fetch: bool = True, timeout: float = 5.0):
        super().__init__()
        self.name = _name_of(container)
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
            mapping = h.port(self.name)
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
                body = h.fetch(url, timeout=self.timeout)
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
            return f"<p><b>{_esc(caption)}</b>: 호스트에 연결된 포트가 없습니다 — -p 또는 -P로 실행하세요.</p>"
        rows = []
        for r in self.rows:
            cells = [_esc(c) for c in self._cells(r)]
            if r["url"]:
                cells[3] = f'<a href="{_esc(r["url"])}" target="_blank">{_esc(r["url"])}</a>'
            rows.append(cells)
        return _table_html(self.columns, rows, caption)


# ------------------------------------------------------------------------------------------ layers


def _layer_key(layer: dict) -> tuple:
    return (layer.get("CreatedBy") or "", layer.get("Created") or 0, layer.get("Size") or 0)


def _ref_of(image) -> tuple[str, str]:
    """(what to pass to h.history, what to call it) for a name, id or Image object."""
    if isinstance(image, str):
        return image, image
    tags = getattr(image, "tags", None) or []
    return image.id, tags[0] if tags else image.short_id


class LayersView(_CourseWidget):
    """Show two images' layers side by side, highlighting those only in ``after``. Introduced in chapter 05."""

    def __init__(self, before, after):
        super().__init__()
        self.before_ref, self.before_name = _ref_of(before)
        self.after_ref, self.after_name = _ref_of(after)
        self.before: list[dict] = []
        self.after: list[dict] = []
        self.new_layers: list[dict] = []
        self.view = w.HTML()
        self.widget = w.VBox([self.view, self.out])
        self.update()

    def update(self) -> list[dict]:
        """Re-read both histories and return the layers only ``after`` has (newest first)."""
        with quiet():
            self.before = [dict(layer) for layer in h.history(self.before_ref)]
            self.after = [dict(layer) for layer in h.history(self.after_ref)]
        old = {_layer_key(layer) for layer in self.before}
        self.new_layers = [layer for layer in self.after if _layer_key(layer) not in old]
        self.view.value = self.html()
        return self.new_layers

    @staticmethod
    def _row(layer: dict) -> list[str]:
        created_by = (layer.get("CreatedBy") or "").replace("/bin/sh -c #(nop) ", "").strip()
        if len(created_by) > 60:
            created_by = created_by[:59] + "…"
        return [(layer.get("Id") or "<missing>").replace("sha256:", "")[:12], created_by,
                human_size(layer.get("Size") or 0)]

    def _summary(self) -> str:
        added = sum(layer.get("Size") or 0 for layer in self.new_layers)
        return (f"{self.after_name}에만 있는 레이어: {len(self.new_layers)}개 ({human_size(added)}) — "
                f"나머지 {len(self.after) - len(self.new_layers)}개는 {self.before_name}과(와) 같습니다")

    def text(self) -> str:
        lines = [f"레이어 비교: {self.before_name} → {self.after_name}", self._summary()]
        new = {_layer_key(layer) for layer in self.new_layers}
        for title, layers in ((self.before_name, self.before), (self.after_name, self.after)):
            lines.append(f"[{title}] 레이어 {len(layers)}개 (위가 최신)")
            for layer in layers:
                mark = "+" if title == self.after_name and _layer_key(layer) in new else " "
                lines.append(f" {mark} " + "  ".join(self._row(layer)))
        return "\n".join(lines)

    def html(self) -> str:
        new = {_layer_key(layer) for layer in self.new_layers}
        cols = ["레이어 ID", "만든 명령", "크기"]

        def side(title, layers, mark):
            rows, styles = [], []
            for layer in layers:
                is_new = mark and _layer_key(layer) in new
                cells = [_esc(c) for c in self._row(layer)]
                if is_new:
                    cells[1] = '<b style="color:#2e7d32">새 레이어</b> ' + cells[1]
                rows.append(cells)
                styles.append("background:#e8f5e9" if is_new else "")
            return f'<div style="flex:1;min-width:320px">{_table_html(cols, rows, title, styles)}</div>'

        return (f"<div><p><b>{_esc(self._summary())}</b></p><div style='display:flex;gap:16px'>"
                f"{side(f'{self.before_name} (이전)', self.before, False)}"
                f"{side(f'{self.after_name} (이후)', self.after, True)}</div></div>")


# ---------------------------------------------------------------------------------- pull and build


class PullProgress(_CourseWidget):
    """Pull an image with one progress bar per layer. Similar to ``docker pull``. Introduced in chapter 02."""

    def __init__(self, ref: str, chapter: str | None = None):
        super().__init__()
        from .images import split_ref

        self.ref = ref
        self.repo, self.tag = split_ref(ref)
        self.chapter = chapter
        self.bars: dict[str, w.IntProgress] = {}
        self.labels: dict[str, w.Label] = {}
        self.states: dict[str, str] = {}
        self.progress: Progress | None = None
        self.summary = "대기 중 (.run()으로 시작)"
        self.image = None
        self.box = w.VBox()
        self.status = w.HTML(_esc(self.summary))
        self.widget = w.VBox([w.HTML(f"<b>docker pull {_esc(ref)}</b>"), self.box, self.status, self.out])

    def _bar(self, layer: str) -> w.IntProgress:
        if layer not in self.bars:
            self.bars[layer] = w.IntProgress(value=0, min=0, max=1, description=layer,
                                             style={"description_width": "110px"})
            self.labels[layer] = w.Label("")
            self.box.children = [*self.box.children, w.HBox([self.bars[layer], self.labels[layer]])]
        return self.bars[layer]

    def on_event(self, event: dict) -> None:
        """Move the layer's bar for one decoded pull event."""
        layer, status = event.get("id"), event.get("status", "")
        if not layer or len(layer) != 12 or not status:
            return
        bar = self._bar(layer)
        detail = event.get("progressDetail") or {}
        total, current = detail.get("total") or 0, detail.get("current") or 0
        if total and status.startswith(("Downloading", "Extracting", "Pushing")):
            bar.max = max(1, int(total))
            bar.value = min(int(current), bar.max)
            bar.bar_style = "info" if status.startswith("Extracting") else ""
        elif status.startswith(Progress.FINAL):
            bar.value = bar.max
            bar.bar_style = "success"
        self.states[layer] = status
        self.labels[layer].value = status

    def _stream(self):
        return h.client().api.pull(self.repo, tag=self.tag, stream=True, decode=True)

    def run(self):
        """Pull, updating the bars; print a summary line and return the image (in-band errors raise)."""
        import docker.errors as de

        from .images import _pull_error

        full = f"{self.repo}:{self.tag}"
        echo("pull", self.ref)
        existed = _exists(full)
        self.progress = Progress(full, on_event=self.on_event)
        try:
            self.progress.feed(self._stream())
        except StreamError as exc:
            err = _pull_error(self.ref, exc.cause or "")
            self._failed(err)
            raise err from exc
        except de.APIError as exc:
            err = _pull_error(self.ref, str(exc))
            self._failed(err)
            raise err from exc
        if not existed:
            ledger.record(full, self.chapter)
        self.summary = self.progress.summary()
        self.status.value = f"<b>{_esc(self.summary)}</b>"
        print(self.summary, flush=True)
        self.image = h.client().images.get(full)
        return self.image

    def _failed(self, err: CourseError) -> None:
        for layer, bar in self.bars.items():
            if not self.states.get(layer, "").startswith(Progress.FINAL):
                bar.bar_style = "danger"
        self.summary = f"실패: {err.message}"
        self.status.value = f'<span style="color:#c62828">{_esc(self.summary)}</span>'

    def text(self) -> str:
        lines = [f"docker pull {self.ref}"]
        lines += [f"  {layer}: {status}" for layer, status in self.states.items()]
        return "\n".join([*lines, self.summary])

    def html(self) -> str:
        rows = []
        for layer, status in self.states.items():
            bar = self.bars[layer]
            pct = int(100 * bar.value / bar.max) if bar.max else 0
            rows.append([f"<code>{_esc(layer)}</code>",
                         f'<div style="width:160px;background:#eee"><div style="width:{pct}%;background:#4caf50;'
                         f'height:10px"></div></div>', _esc(status)])
        table = _table_html(["레이어", "진행", "상태"], rows) if rows else ""
        return f"<div><b>docker pull {_esc(self.ref)}</b>{table}<p>{_esc(self.summary)}</p></div>"


def _exists(ref: str) -> bool:
    import docker.errors as de

    try:
        h.client().images.get(ref)
        return True
    except de.ImageNotFound:
        return False


def _run_displayed(widget):
    handle = _display_live(widget)
    try:
        return widget.run()
    finally:
        if handle is not None:
            handle.update(widget)  # the saved output then shows the final state, not "waiting"


def pull(ref: str, chapter: str | None = None):
    """Display a :class:`PullProgress` for ``ref``, run it and return the image. Introduced in chapter 02."""
    return _run_displayed(PullProgress(ref, chapter=chapter))


_STEP_RE = re.compile(r"^Step (\d+)/(\d+) : (.*)")


class BuildProgress(_CourseWidget):
    """Build an image showing a bar over the Dockerfile's steps. Similar to ``docker build -t``.

    Introduced in chapter 05.
    """

    def __init__(self, path, tag: str, dockerfile: str | None = None, chapter: str | None = None):
        super().__init__()
        self.path, self.tag, self.dockerfile, self.chapter = str(path), tag, dockerfile, chapter
        self.steps: list[str] = []
        self.summary = "대기 중 (.run()으로 시작)"
        self.image = None
        self.bar = w.IntProgress(value=0, min=0, max=1, description="단계")
        self.step_label = w.Label("")
        self.status = w.HTML(_esc(self.summary))
        self.widget = w.VBox([w.HTML(f"<b>docker build -t {_esc(tag)} {_esc(self.path)}</b>"),
                              w.HBox([self.bar, self.step_label]), self.status, self.out])

    def on_event(self, event: dict) -> None:
        """Advance the step bar for one decoded build event; keep the step lines."""
        text = (event.get("stream") or "").strip()
        m = _STEP_RE.match(text)
        if m:
            self.bar.max = int(m.group(2))
            self.bar.value = int(m.group(1))
            self.step_label.value = text[:80]
            self.steps.append(text)

    def run(self):
        """Build, updating the bar; print a summary line and return the image (in-band errors raise)."""
        echo("build", "-t", self.tag, ["-f", self.dockerfile] if self.dockerfile else None, self.path)
        import docker.errors as de

        if not (Path(self.path) / (self.dockerfile or "Dockerfile")).is_file():
            raise CourseError(f"'{self.path}'에 {self.dockerfile or 'Dockerfile'}이(가) 없습니다.",
                              hint="Dockerfile이 들어 있는 폴더를 지정하세요.")
        try:
            events = h.client().api.build(path=self.path, tag=self.tag, dockerfile=self.dockerfile,
                                          labels=labels(self.chapter), rm=True, forcerm=True, decode=True)
            Progress(f"build {self.tag}", on_event=self.on_event).feed(events)
        except (StreamError, de.APIError, TypeError) as exc:
            err = exc if isinstance(exc, CourseError) else errors.translate(exc, what=self.tag)
            self.bar.bar_style = "danger"
            self.summary = "실패: " + ((err.cause or err.message).splitlines() or [""])[0][:200]
            self.status.value = f'<span style="color:#c62828">{_esc(self.summary)}</span>'
            if err is exc:
                raise
            raise err from exc
        self.bar.value = self.bar.max
        self.bar.bar_style = "success"
        self.summary = f"{self.tag} 빌드 완료: {len(self.steps)}단계"
        self.status.value = f"<b>{_esc(self.summary)}</b>"
        print(self.summary, flush=True)
        self.image = h.client().images.get(self.tag)
        return self.image

    def text(self) -> str:
        return "\n".join([f"docker build -t {self.tag} {self.path}", *(f"  {s}" for s in self.steps), self.summary])

    def html(self) -> str:
        steps = "".join(f"<li><code>{_esc(s)}</code></li>" for s in self.steps)
        return (f"<div><b>docker build -t {_esc(self.tag)} {_esc(self.path)}</b>"
                f"<ol style='margin:4px 0'>{steps}</ol><p>{_esc(self.summary)}</p></div>")


def build(path, tag: str, dockerfile: str | None = None, chapter: str | None = None):
    """Display a :class:`BuildProgress`, run it and return the image. Introduced in chapter 05."""
    return _run_displayed(BuildProgress(path, tag, dockerfile=dockerfile, chapter=chapter))

