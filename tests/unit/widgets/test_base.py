"""CourseWidget, the base every widget stands on: guarded callbacks that show what was printed and
any error in the widget's own output, ``close()`` of the whole tree, and the saved-notebook fallbacks."""

from __future__ import annotations

import ipywidgets as w
import pytest

from helpers import errors
from helpers.widgets import base
from helpers.widgets.base import CourseWidget, run_displayed, state_badge

from .ui import find_button, text_of


class Probe(CourseWidget):
    """A widget with one button that runs ``self.action``; ``run()`` for ``run_displayed``."""

    def __init__(self, action=None):
        super().__init__()
        self.action = action or (lambda: None)
        self.button = w.Button(description="go")
        self.button.on_click(self._on(lambda: self.action()))
        self.inner = w.HTML("inner")
        self.widget = w.VBox([w.HBox([self.button, self.inner]), self.out])

    def run(self):
        return self.action()

    def text(self) -> str:
        return "probe text"


def test_a_callback_prints_into_the_widget_output(capsys):
    probe = Probe(lambda: print("$ docker ps"))
    find_button(probe.widget, "go").click()
    assert text_of(probe.out) == "$ docker ps\n" and probe.errors == []
    assert capsys.readouterr().out == ""  # nothing leaks to the notebook's cell output


def test_a_course_error_is_shown_in_korean_with_its_hint():
    def fail():
        print("$ docker start web")
        raise errors.ContainerNotFound("'web'이라는 컨테이너가 없습니다.", hint="`h.ps(all=True)`로 확인하세요.")

    probe = Probe(fail)
    find_button(probe.widget, "go").click()
    assert isinstance(probe.errors[0], errors.ContainerNotFound)
    shown = text_of(probe.out)
    assert shown.startswith("$ docker start web\n")  # what ran before the error is kept
    assert "ContainerNotFound: 'web'이라는 컨테이너가 없습니다." in shown and "h.ps(all=True)" in shown
    assert "컨테이너가 없습니다" in probe.out.outputs[-1]["data"]["text/html"]


def test_an_unexpected_error_is_shown_with_its_traceback_not_swallowed():
    probe = Probe(lambda: {}["missing"])
    assert probe._guarded(probe.action) is None
    assert isinstance(probe.errors[0], KeyError)
    shown = text_of(probe.out)
    assert shown.startswith("예상하지 못한 오류가 났습니다:") and "KeyError: 'missing'" in shown
    assert "border-left:4px solid #d9534f" in probe.out.outputs[-1]["data"]["text/html"]


def test_guarded_returns_the_result():
    probe = Probe()
    assert probe._guarded(lambda a, b=0: a + b, 2, b=3) == 5 and probe.errors == []


def test_close_closes_every_child_and_keeps_the_text_fallback():
    probe = Probe()
    assert "application/vnd.jupyter.widget-view+json" in probe._repr_mimebundle_()
    probe.close()
    assert all(x.comm is None for x in (probe.widget, probe.button, probe.inner, probe.out))
    bundle = probe._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert bundle["text/plain"] == "probe text" and bundle["text/html"] == "<pre>probe text</pre>"


def test_state_badge_names_the_state_in_korean():
    assert "실행 중" in state_badge("running") and "#2e7d32" in state_badge("running")
    assert "삭제됨" in state_badge("removed") and "(removed)" in state_badge("removed")
    assert "mystery" in state_badge("mystery") and "#555" in state_badge("mystery")


def test_run_displayed_without_a_notebook_prints_then_runs(capsys):
    assert run_displayed(Probe(lambda: 42)) == 42
    assert capsys.readouterr().out == "probe text\n"


class Handle:
    def __init__(self):
        self.updates = []

    def update(self, obj):
        self.updates.append(obj)


def test_run_displayed_refreshes_the_saved_view_even_when_the_run_fails(monkeypatch):
    handle = Handle()
    monkeypatch.setattr(base, "show", lambda widget: handle)  # as IPython's display(..., display_id=True)
    ok = Probe(lambda: "done")
    assert run_displayed(ok) == "done" and handle.updates == [ok]

    def fail():
        raise errors.ImageNotFound("'wtest/x:1' 이미지가 없습니다.")

    failing = Probe(fail)
    with pytest.raises(errors.ImageNotFound):
        run_displayed(failing)
    assert handle.updates == [ok, failing]
