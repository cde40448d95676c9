"""How helpers show things: the equivalent CLI line, tables, progress and errors.

Everything renders as plain text (readable in a saved notebook, in pytest and in a grader) and,
where a notebook front end is present, as HTML.
"""

from __future__ import annotations

import contextlib
import html
import shlex
import sys
import unicodedata
from collections.abc import Iterable, Sequence

from ._state import STATE


def cli(*argv: object) -> str:
    """Format a docker command line; ``None`` parts are dropped."""
    parts = []
    for arg in argv:
        if arg is None or arg == "":
            continue
        if isinstance(arg, (list, tuple)):
            parts.extend(str(a) for a in arg)
        else:
            parts.append(str(arg))
    return "$ docker " + " ".join(_quote(p) for p in parts)


def _quote(part: str) -> str:
    return part if part.startswith("-") and "=" not in part else shlex.quote(part)


def echo(*argv: object) -> str:
    """Print the docker command a helper is about to run (unless echo is off)."""
    line = cli(*argv)
    if STATE.echo:
        print(line, flush=True)
    return line


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
        head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(v)}</td>" for v in row) + "</tr>"
            for row in self.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def show_error(exc: BaseException) -> None:
    """Display a course error as the friendly box (used where a lesson expects a failure)."""
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None and hasattr(exc, "_repr_html_"):
            display(exc)
            return
    except ImportError:
        pass
    print(f"{type(exc).__name__}: {exc}", file=sys.stdout, flush=True)


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


def ago(timestamp: str) -> str:
    """'2024-01-01T00:00:00.123Z' -> '3분 전' (as docker ps prints 'About a minute ago')."""
    import datetime as dt

    if not timestamp or timestamp.startswith("0001"):
        return ""
    ts = timestamp.rstrip("Z").split(".")[0]
    try:
        then = dt.datetime.fromisoformat(ts).replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return timestamp
    secs = (dt.datetime.now(dt.timezone.utc) - then).total_seconds()
    if secs < 60:
        return f"{int(secs)}초 전"
    if secs < 3600:
        return f"{int(secs // 60)}분 전"
    if secs < 86400:
        return f"{int(secs // 3600)}시간 전"
    return f"{int(secs // 86400)}일 전"


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
                if text.startswith("Step ") or text.startswith("Successfully"):
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
