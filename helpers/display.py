"""How helpers show things: notes, tables, times, sizes, state names, progress and errors.

Everything renders as plain text (readable in a saved notebook, in pytest and in a grader) and,
where a notebook front end is present, as HTML. The ``$ docker ...`` lines come from
:mod:`helpers.command`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import sys
import unicodedata
from collections.abc import Iterable, Sequence

from ._state import STATE


def say(text: str) -> None:
    """Print a short Korean note (respects ``quiet``)."""
    if STATE.echo:
        print(text, flush=True)


@contextlib.contextmanager
def quiet():
    """Within this block, helpers print nothing (for graders and benchmarks)."""
    before = STATE.echo
    STATE.echo = False
    try:
        yield
    finally:
        STATE.echo = before


class Output(str):
    """Text a command printed, shown raw (no quotes) as a cell's result; ``exit_code`` beside it."""

    exit_code: int | None = None
    container: str | None = None

    def __new__(cls, text: str, exit_code: int | None = None, container: str | None = None):
        obj = super().__new__(cls, text)
        obj.exit_code = exit_code
        obj.container = container
        return obj

    def __repr__(self) -> str:
        return str(self) if self else "(출력 없음)"

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(repr(self))


class Rendered:
    """Mixin: an object with ``text()`` and ``html()`` shows as HTML in a notebook and as text elsewhere."""

    def text(self) -> str:
        raise NotImplementedError

    def html(self) -> str:
        return f"<pre>{html.escape(self.text())}</pre>"

    def __repr__(self) -> str:
        return self.text()

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(self.text())

    def _repr_html_(self) -> str:
        return self.html()


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (Hangul and other wide characters count twice)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


class Table(list):
    """A list of SDK objects (or dicts) that prints like the docker CLI's table."""

    def __init__(self, items: Iterable, columns: Sequence[str], rows: Sequence[Sequence[str]]):
        super().__init__(items)
        self.columns = list(columns)
        self.rows = [list(map(str, r)) for r in rows]

    def text(self) -> str:
        widths = [width(c) for c in self.columns]
        for row in self.rows:
            widths = [max(w, width(v)) for w, v in zip(widths, row)]
        lines = ["   ".join(pad(c, w) for c, w in zip(self.columns, widths)).rstrip()]
        lines += ["   ".join(pad(v, w) for v, w in zip(row, widths)).rstrip() for row in self.rows]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(self.text())

    def _repr_html_(self) -> str:
        return html_table(self.columns, [[html.escape(v) for v in row] for row in self.rows])


def html_table(columns: Sequence[str], rows: Sequence[Sequence[str]], caption: str = "",
               row_styles: Sequence[str] | None = None) -> str:
    """An HTML table; ``rows`` hold ready HTML (escape text cells first), ``columns`` plain text."""
    cell = 'style="text-align:left;padding:2px 8px"'
    head = "".join(f"<th {cell}>{html.escape(c)}</th>" for c in columns)
    body = []
    for i, row in enumerate(rows):
        style = f' style="{row_styles[i]}"' if row_styles and row_styles[i] else ""
        body.append(f"<tr{style}>" + "".join(f"<td {cell}>{c}</td>" for c in row) + "</tr>")
    cap = f"<caption style='text-align:left;font-weight:bold'>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def show(obj, text: str | None = None) -> object | None:
    """Display ``obj`` in IPython (rich output; returns a handle that can refresh it later) or print
    ``text`` (default: its ``text()`` or ``str()``)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        return display(obj, display_id=True)
    if text is None:
        text = obj.text() if hasattr(obj, "text") else str(obj)
    print(text, file=sys.stdout, flush=True)
    return None


def show_error(exc: BaseException) -> None:
    """Display a course error as the friendly box (used where a lesson expects a failure)."""
    show(exc, text=f"{type(exc).__name__}: {exc}")


@contextlib.contextmanager
def expect_error(*kinds: type[BaseException]):
    """Run a step that is meant to fail; show its friendly message instead of stopping the notebook.

    >>> with h.expect_error(h.errors.PortInUse):
    ...     h.run("httpd:2.4", name="web2", detach=True, ports={"80/tcp": 8080})
    """
    from .errors import CourseError

    kinds = kinds or (CourseError,)
    try:
        yield
    except kinds as exc:  # type: ignore[misc]
        show_error(exc)
    else:
        say("(예상한 오류가 일어나지 않았습니다.)")


def human_size(num: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(num) < 1000 or unit == "GB":
            return f"{num:.0f}{unit}" if unit == "B" else f"{num:.1f}{unit}"
        num /= 1000
    return f"{num:.1f}GB"


def ago(when: str | float | int | None) -> str:
    """'2024-01-01T00:00:00.123Z' or epoch seconds -> '3분 전' (as docker ps prints 'About a minute ago')."""
    if not when:
        return ""
    if isinstance(when, (int, float)):
        then = dt.datetime.fromtimestamp(int(when), dt.timezone.utc)
    else:
        if when.startswith("0001"):
            return ""
        try:
            then = dt.datetime.fromisoformat(when.rstrip("Z").split(".")[0]).replace(tzinfo=dt.timezone.utc)
        except ValueError:
            return when
    secs = (dt.datetime.now(dt.timezone.utc) - then).total_seconds()
    if secs < 60:
        return f"{int(secs)}초 전"
    if secs < 3600:
        return f"{int(secs // 60)}분 전"
    if secs < 86400:
        return f"{int(secs // 3600)}시간 전"
    return f"{int(secs // 86400)}일 전"


# A container's state in Korean, one word each (the glossary's terms).
STATE_KO = {
    "created": "생성됨", "running": "실행 중", "paused": "일시 정지", "exited": "종료됨", "removed": "삭제됨",
    "restarting": "다시 시작 중", "dead": "죽음", "removing": "삭제 중",
}


def state_ko(state: str) -> str:
    """'exited' -> '종료됨(exited)'."""
    return f"{STATE_KO.get(state, state)}({state})"


class Progress:
    """Consume a decoded pull/push/build event stream: print one line per layer when it
    finishes, keep the last status per layer, and raise on an in-band error event."""

    FINAL = ("Pull complete", "Already exists", "Pushed", "Layer already exists", "Mounted from")

    def __init__(self, title: str, on_event=None):
        self.title = title
        self.layers: dict[str, str] = {}
        self.lines: list[str] = []
        self.on_event = on_event

    def feed(self, events: Iterable[dict]) -> Progress:
        from .errors import StreamError

        for event in events:
            if self.on_event:
                self.on_event(event)
            if "error" in event or "errorDetail" in event:
                detail = event.get("error") or event.get("errorDetail", {}).get("message", "")
                raise StreamError(f"{self.title}: 엔진이 오류를 보냈습니다.", cause=str(detail))
            if "stream" in event:
                text = event["stream"].rstrip()
                if text.startswith(("Step ", "Successfully", " ---> Using cache")):
                    self._line(f"  {text}")
                continue
            layer, status = event.get("id"), event.get("status", "")
            if layer and len(layer) == 12 and status:
                before = self.layers.get(layer)
                self.layers[layer] = status
                if status != before and status.startswith(self.FINAL):
                    self._line(f"  {layer}: {status}")
            elif status.startswith(("Digest:", "Status:")) or "digest:" in status:
                self._line(f"  {status}")
        return self

    def _line(self, text: str) -> None:
        self.lines.append(text)
        say(text)

    def summary(self) -> str:
        done = sum(1 for s in self.layers.values() if s.startswith(self.FINAL))
        if not self.layers:
            return f"{self.title}: 새로 받을 레이어가 없습니다 (모두 이미 있음)"
        return f"{self.title}: 레이어 {len(self.layers)}개 중 {done}개 완료"
