"""LifecycleView on the fake engine: it re-reads the container's state; a missing one is ``removed``."""

from __future__ import annotations

from helpers.widgets.lifecycle import LifecycleView, lifecycle_svg

from .ui import assert_bundle, find_button


def test_lifecycle_follows_states_and_missing_is_removed(fake):
    box = fake.add_container("box", running=False)
    view = LifecycleView("box")
    assert view.state == "created"
    for step in (box.start, lambda: None, box.pause, box.stop, box.remove):
        step()
        view.update()
    assert view.state == "removed"
    assert view.seen == ["created", "running", "paused", "exited", "removed"]
    bundle = assert_bundle(view, "삭제됨")
    assert "[삭제됨(removed)]" in bundle["text/plain"]
    assert "<svg" in bundle["text/html"] and "removed ← 지금" in bundle["text/html"]


def test_lifecycle_button_rereads_the_state(fake):
    box = fake.add_container("box")
    view = LifecycleView(box)
    assert "running ← 지금" in view.diagram.value
    box.stop()
    find_button(view.widget, "상태 다시 읽기").click()
    assert view.state == "exited" and "exited ← 지금" in view.diagram.value and view.errors == []
    assert "종료됨" in view.caption.value


def test_lifecycle_svg_highlights_one_box():
    svg = lifecycle_svg("paused")
    assert svg.count("← 지금") == 1 and "paused ← 지금" in svg
    assert all(label in svg for label in ("생성됨", "실행 중", "일시 정지", "종료됨", "삭제됨"))
    assert "exited ← 지금" in lifecycle_svg("dead")  # states off the diagram light their nearest box
