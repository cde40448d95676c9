"""What every course widget shares: one root widget, an output area for echo lines and errors,
guarded callbacks, ``close()``, and text/HTML renderings for notebooks saved without a kernel.

A widget is a view over the verbs: its buttons call the same functions a cell calls.
"""

from __future__ import annotations

import contextlib
import html
import io
import traceback

import ipywidgets as w

from ..display import STATE_KO, show
from ..errors import CourseError

esc = html.escape

class CourseWidget:
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
                    f"{esc(text)}</pre>")
        append(self.out, text + "\n", body)

    def _on(self, fn, *args):
        """A button/observe handler that runs ``fn(*args)`` guarded."""
        def handler(*_event):
            return self._guarded(fn, *args)
        return handler

    # -- lifetime and rendering ---------------------------------------------------------------------
    def close(self) -> None:
        """Close the root widget and every child widget."""
        close_tree(self.widget)
        close_tree(self.out)

    def text(self) -> str:
        return type(self).__name__

    def html(self) -> str:
        return f"<pre>{esc(self.text())}</pre>"

    def __repr__(self) -> str:
        return self.text()

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        data = {}
        if self.widget.comm is not None:  # a closed widget has no view left, only the fallbacks
            data = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude, **kwargs) or {})
        data["text/plain"] = self.text()
        data["text/html"] = self.html()
        return data


def append(out: w.Output, text: str, html_text: str | None = None) -> None:
    """Append to an ``Output`` from any thread (no ``with out:``; works without a kernel too)."""
    if html_text is None:
        out.append_stdout(text)
        return
    out.outputs += ({"output_type": "display_data", "data": {"text/plain": text, "text/html": html_text},
                     "metadata": {}},)


def close_tree(widget) -> None:
    for child in getattr(widget, "children", ()) or ():
        close_tree(child)
    widget.close()


def name_of(container) -> str:
    return getattr(container, "name", None) or str(container)


_STATE_COLOR = {"running": "#2e7d32", "paused": "#f9a825", "exited": "#757575", "created": "#1565c0",
                "restarting": "#6a1b9a", "dead": "#c62828", "removed": "#9e9e9e"}


def state_badge(state: str) -> str:
    color = _STATE_COLOR.get(state, "#555")
    return (f'<span style="color:{color};font-weight:bold">●</span> '
            f"{esc(STATE_KO.get(state, state))} <small>({esc(state)})</small>")




def run_displayed(widget):
    """Display ``widget`` live, run it, then refresh the saved output with its final state."""
    handle = show(widget)
    try:
        return widget.run()
    finally:
        if handle is not None:
            handle.update(widget)  # the saved output then shows the final state, not "waiting"
