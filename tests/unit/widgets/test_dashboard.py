"""ContainerDashboard on the fake engine: rows from one ``docker ps`` list call, chapter filter,
buttons that call the container verbs then refresh, Korean errors in its output, bounded refresh."""

from __future__ import annotations

import time

import pytest

from helpers import errors
from helpers._state import CHAPTER_LABEL
from helpers.widgets.dashboard import ContainerDashboard, container_row

from .ui import assert_bundle, find_button, text_of


@pytest.fixture
def engine(fake):
    """web (running, 18080->80) and old (exited) from chapter 03; other (running) from chapter 04."""
    fake.add_container("web", "httpd:2.4", labels={CHAPTER_LABEL: "03"}, ports={"80/tcp": 18080})
    fake.add_container("old", labels={CHAPTER_LABEL: "03"}).stop()
    fake.add_container("other", labels={CHAPTER_LABEL: "04"})
    fake.calls.clear()
    return fake


def ps_calls(fake) -> list[tuple]:
    """(all, filters) of each container list the engine was asked for."""
    return [call[1:] for call in fake.calls if call[0] == "list_containers"]


def test_dashboard_lists_rows_and_filters_by_chapter(engine):
    dash = ContainerDashboard(chapter="03")
    assert ps_calls(engine) == [(True, {"label": "learn-docker-ko.chapter=03"})]
    assert [r["name"] for r in dash.rows] == ["web", "old"]
    assert dash.rows[0]["ports"] == "0.0.0.0:18080->80/tcp"
    bundle = assert_bundle(dash, "web", "old", "httpd:2.4")
    assert "other" not in bundle["text/plain"]
    assert "0.0.0.0:18080->80/tcp" in bundle["text/plain"] and "18080-&gt;80/tcp" in bundle["text/html"]
    assert "실행 중" in bundle["text/plain"] and "종료됨" in bundle["text/plain"]
    assert "<table>" in bundle["text/html"]
    table = dash.refresh()
    assert len(ps_calls(engine)) == 2 and "web" in table.text()


def test_dashboard_button_calls_helper_then_refreshes(engine):
    dash = ContainerDashboard()
    assert [r["name"] for r in dash.rows] == ["web", "old", "other"]
    assert find_button(dash.widget, "시작", "docker start web").disabled  # already running
    assert find_button(dash.widget, "멈춤", "docker stop old").disabled  # already stopped
    find_button(dash.widget, "멈춤", "docker stop web").click()
    assert ("stop", "web", 10) in engine.calls
    assert engine.containers.get("web").status == "exited"
    assert dash.rows[0]["state"] == "exited" and len(ps_calls(engine)) == 2
    assert not find_button(dash.widget, "시작", "docker start web").disabled  # the redrawn row
    assert "$ docker stop web" in text_of(dash.out)  # the verb's echo line lands in the widget
    assert dash.errors == []


def test_dashboard_button_error_is_shown_in_korean(engine):
    dash = ContainerDashboard()
    find_button(dash.widget, "삭제", "docker rm web").click()
    assert isinstance(dash.errors[0], errors.ContainerRunning)
    shown = text_of(dash.out)
    assert "실행 중이라 지울 수 없습니다" in shown and "h.stop" in shown
    assert "text/html" in dash.out.outputs[-1]["data"]
    assert "web" in engine.container_names() and len(ps_calls(engine)) == 2  # refreshed after the error too


def test_dashboard_act_rejects_an_unknown_action_in_korean(engine):
    dash = ContainerDashboard()
    with pytest.raises(errors.CourseError, match="알 수 없는 동작 'kill'"):
        dash.act("web", "kill")
    assert engine.containers.get("web").status == "running"


def test_dashboard_auto_refresh_is_bounded(engine):
    dash = ContainerDashboard(all=False)
    began = time.monotonic()
    dash.auto_refresh(every=0.05, times=3)
    assert time.monotonic() - began < 0.05 * 3 + 0.5
    assert len(ps_calls(engine)) == 1 + 3 and ps_calls(engine)[-1] == (False, None)
    assert [r["name"] for r in dash.rows] == ["web", "other"]  # running only
    assert "자동 3/3" in dash.status.value


def test_dashboard_close_closes_children(engine):
    dash = ContainerDashboard()
    button = find_button(dash.widget, "멈춤", "docker stop web")
    dash.close()
    assert dash.widget.comm is None and button.comm is None and dash.out.comm is None
    bundle = dash._repr_mimebundle_()  # still readable after close, without a widget view
    assert "application/vnd.jupyter.widget-view+json" not in bundle and "web" in bundle["text/plain"]


def test_dashboard_without_containers_says_so(fake):
    dash = ContainerDashboard(chapter="09")
    assert dash.rows == []
    assert "(컨테이너가 없습니다)" in dash.text() and "(컨테이너가 없습니다)" in dash.html()


def test_container_row_reads_a_full_inspect_record(engine):
    web = engine.containers.get("web")  # State is a dict, Image an id: the name comes from Config
    assert container_row(web) == {"name": "web", "id": web.id[:12], "state": "running", "status": "",
                                  "image": "httpd:2.4", "ports": ""}
