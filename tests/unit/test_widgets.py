"""Widgets without an engine: the helper functions they call are replaced by fakes."""

from __future__ import annotations

import time

import docker.errors as de
import pytest

import helpers as h
from helpers import errors
from helpers import widgets as hw
from helpers.containers import PortMap
from helpers.display import Output, Table


@pytest.fixture(autouse=True)
def no_engine(monkeypatch, tmp_path):
    """Any unfaked engine access fails the test; the ledger goes to a temp folder."""
    def refuse():
        raise AssertionError("unit test touched the engine")

    monkeypatch.setattr(h, "client", refuse)
    monkeypatch.setenv("LEARN_DOCKER_HOME", str(tmp_path))


def text_of(out) -> str:
    parts = []
    for o in out.outputs:
        parts.append(o.get("text") or o.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def find_button(widget, description, tooltip=None):
    stack = [widget]
    while stack:
        cur = stack.pop()
        if getattr(cur, "description", None) == description and (tooltip is None or cur.tooltip == tooltip):
            return cur
        stack.extend(getattr(cur, "children", ()))
    raise LookupError(description)


def assert_bundle(obj, *needles):
    bundle = obj._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    for needle in needles:
        assert needle in bundle["text/plain"], bundle["text/plain"]
        assert needle in bundle["text/html"], bundle["text/html"]
    return bundle


# ------------------------------------------------------------------------------------------ ports


def test_parse_ports_forms():
    assert hw.parse_ports("8080:80, 443") == {"80/tcp": 8080, "443/tcp": None}
    assert hw.parse_ports("127.0.0.1:8081:80 53/udp") == {"80/tcp": ("127.0.0.1", 8081), "53/udp": None}
    assert hw.parse_ports("") == {}


@pytest.mark.parametrize("bad", ["abc", "8080:", "70000:80", "1.2.3.4:80"])
def test_parse_ports_rejects_bad_text_in_korean(bad):
    with pytest.raises(errors.CourseError, match="형식이 잘못"):
        hw.parse_ports(bad)


# ------------------------------------------------------------------------------------- dashboard


def raw(name, state, image="busybox:1.35", ports=()):
    return {"Id": name * 3, "Names": [f"/{name}"], "State": state, "Status": f"{state} 1s", "Image": image,
            "Ports": list(ports)}


@pytest.fixture
def fake_ps(monkeypatch):
    calls = []
    records = [raw("web", "running", "httpd:2.4", [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 18080,
                                                      "Type": "tcp"}]),
               raw("old", "exited")]

    def ps(all=False, filters=None):  # noqa: A002
        calls.append((all, filters))
        return Table(list(records), ["X"], [])

    monkeypatch.setattr(h, "ps", ps)
    return calls, records


def test_dashboard_lists_rows_and_filters_by_chapter(fake_ps):
    calls, _ = fake_ps
    dash = hw.ContainerDashboard(chapter="03")
    assert calls == [(True, {"label": "learn-docker-ko.chapter=03"})]
    assert [r["name"] for r in dash.rows] == ["web", "old"]
    assert dash.rows[0]["ports"] == "0.0.0.0:18080->80/tcp"
    bundle = assert_bundle(dash, "web", "old", "httpd:2.4")
    assert "0.0.0.0:18080->80/tcp" in bundle["text/plain"] and "18080-&gt;80/tcp" in bundle["text/html"]
    assert "실행 중" in bundle["text/plain"] and "종료됨" in bundle["text/plain"]
    assert "<table>" in bundle["text/html"]
    table = dash.refresh()
    assert len(calls) == 2 and "web" in table.text()


def test_dashboard_button_calls_helper_then_refreshes(fake_ps, monkeypatch):
    calls, records = fake_ps
    stopped = []

    def stop(name):
        stopped.append(name)
        records[0]["State"] = "exited"

    monkeypatch.setattr(h, "stop", stop)
    dash = hw.ContainerDashboard()
    start_web = find_button(dash.widget, "시작", "docker start web")
    assert start_web.disabled  # already running
    find_button(dash.widget, "멈춤", "docker stop web").click()
    assert stopped == ["web"]
    assert dash.rows[0]["state"] == "exited" and len(calls) == 2
    assert dash.errors == []


def test_dashboard_button_error_is_shown_in_korean(fake_ps, monkeypatch):
    def rm(name):
        raise errors.ContainerRunning(f"'{name}'은(는) 실행 중이라 지울 수 없습니다.")

    monkeypatch.setattr(h, "rm", rm)
    dash = hw.ContainerDashboard()
    find_button(dash.widget, "삭제", "docker rm web").click()
    assert isinstance(dash.errors[0], errors.ContainerRunning)
    shown = text_of(dash.out)
    assert "실행 중이라 지울 수 없습니다" in shown and "h.stop" in shown
    assert "text/html" in dash.out.outputs[-1]["data"]


def test_dashboard_auto_refresh_is_bounded(fake_ps):
    calls, _ = fake_ps
    dash = hw.ContainerDashboard(all=False)
    began = time.monotonic()
    dash.auto_refresh(every=0.05, times=3)
    assert time.monotonic() - began < 0.05 * 3 + 0.5
    assert len(calls) == 1 + 3 and calls[-1] == (False, None)
    assert "자동 3/3" in dash.status.value


def test_dashboard_close_closes_children(fake_ps):
    dash = hw.ContainerDashboard()
    button = find_button(dash.widget, "멈춤", "docker stop web")
    dash.close()
    assert dash.widget.comm is None and button.comm is None and dash.out.comm is None
    bundle = dash._repr_mimebundle_()  # still readable after close, without a widget view
    assert "application/vnd.jupyter.widget-view+json" not in bundle and "web" in bundle["text/plain"]


# ---------------------------------------------------------------------------------------- run form


def test_run_builder_command_line_follows_fields():
    rb = hw.RunBuilder()
    assert rb.command_line() == "docker run -d busybox:1.35"
    rb.name.value = "web"
    rb.ports.value = "8080:80, 443"
    rb.command.value = "sh -c 'echo hi'"
    rb.detach.value = False
    assert rb.command_line() == "docker run --name web -p 8080:80 -p 443 busybox:1.35 sh -c 'echo hi'"
    assert "--name web -p 8080:80 -p 443" in rb.preview.value
    rb.ports.value = "80:"
    assert "형식이 잘못" in rb.preview.value
    assert "입력 오류" in rb.text()


def test_run_builder_execute_passes_form_to_h_run(monkeypatch):
    seen = {}

    def run(image, command=None, **kwargs):
        seen.update(image=image, command=command, **kwargs)
        return Output("hi\n", exit_code=0)

    monkeypatch.setattr(h, "run", run)
    rb = hw.RunBuilder(image="busybox:1.35", name="x", detach=False, ports="18100:80", command="echo hi",
                       chapter="test-widgets")
    result = rb.execute()
    assert result == "hi\n"
    assert seen == {"image": "busybox:1.35", "command": "echo hi", "name": "x", "detach": False,
                    "ports": {"80/tcp": 18100}, "chapter": "test-widgets"}
    find_button(rb.widget, "실행 (Run)").click()
    assert "종료 코드 0" in text_of(rb.out)
    assert_bundle(rb, "docker run --name x -p 18100:80 busybox:1.35 echo hi", "종료 코드 0")


def test_run_builder_button_shows_bad_input(monkeypatch):
    monkeypatch.setattr(h, "run", lambda *a, **k: pytest.fail("must not run"))
    rb = hw.RunBuilder(image="")
    find_button(rb.widget, "실행 (Run)").click()
    assert "이미지 이름을 입력하세요" in text_of(rb.out)


# ------------------------------------------------------------------------------------ exec console


@pytest.fixture
def fake_exec(monkeypatch):
    calls = []

    def execute(name, command):
        calls.append((name, command))
        if name == "stopped":
            raise errors.ContainerNotRunning(f"'{name}'은(는) 지금 'exited' 상태입니다.")
        return Output("total 0\n", exit_code=0 if command != ["sh", "-c", "exit 3 | cat"] else 3)

    monkeypatch.setattr(h, "exec", execute)
    return calls


def test_exec_console_send_appends_transcript(fake_exec):
    console = hw.ExecConsole("box")
    result = console.send("ls -l")
    assert result.exit_code == 0
    assert fake_exec == [("box", "ls -l")]
    assert console.history == [("ls -l", "total 0\n", 0)]
    assert text_of(console.out) == "$ ls -l\ntotal 0\n(종료 코드 0)\n"
    console.send("exit 3 | cat")
    assert fake_exec[-1] == ("box", ["sh", "-c", "exit 3 | cat"])
    assert console.history[-1][2] == 3
    assert_bundle(console, "$ ls -l", "(종료 코드 3)")


def test_exec_console_text_box_and_button_send(fake_exec):
    console = hw.ExecConsole("box")
    console.input.value = "pwd"  # Enter in the Text box (continuous_update=False)
    assert fake_exec == [("box", "pwd")] and console.input.value == ""
    console.input.value = "id"
    find_button(console.widget, "실행").click()  # empty box now: nothing more is sent
    assert [c for _, c in fake_exec] == ["pwd", "id"]


def test_exec_console_errors(fake_exec):
    console = hw.ExecConsole("stopped")
    with pytest.raises(errors.ContainerNotRunning):
        console.send("ls")
    assert console.history == [("ls", "'stopped'은(는) 지금 'exited' 상태입니다.", None)]
    console.input.value = "ls"
    assert "exited' 상태입니다" in text_of(console.out) and console.errors


# -------------------------------------------------------------------------------------- lifecycle


def test_lifecycle_follows_states_and_missing_is_removed(monkeypatch):
    states = ["created", "running", "running", "paused", "exited", None]

    class C:
        def __init__(self, status):
            self.status = status

    def container(name):
        status = states.pop(0)
        if status is None:
            raise errors.ContainerNotFound(f"'{name}'이라는 컨테이너가 없습니다.")
        return C(status)

    monkeypatch.setattr(h, "container", container)
    view = hw.LifecycleView("box")
    assert view.state == "created"
    for _ in range(5):
        view.update()
    assert view.state == "removed"
    assert view.seen == ["created", "running", "paused", "exited", "removed"]
    bundle = assert_bundle(view, "삭제됨")
    assert "[삭제됨(removed)]" in bundle["text/plain"]
    assert "<svg" in bundle["text/html"] and "removed ← 지금" in bundle["text/html"]


def test_lifecycle_svg_highlights_one_box():
    svg = hw.lifecycle_svg("paused")
    assert svg.count("← 지금") == 1 and "paused ← 지금" in svg
    assert all(label in svg for label in ("생성됨", "실행 중", "일시 정지", "종료됨", "삭제됨"))


# ------------------------------------------------------------------------------------------ ports


def test_port_map_view_rows_links_and_fetch(monkeypatch):
    monkeypatch.setattr(h, "port", lambda name: PortMap({"80/tcp": [("0.0.0.0", 32768)],
                                                         "53/udp": [("0.0.0.0", 18153)]}))
    fetched = []

    def fetch(url, timeout=10):
        fetched.append(url)
        return "<html><body><h1>It works!</h1></body></html>\n"

    monkeypatch.setattr(h, "fetch", fetch)
    view = hw.PortMapView("web")
    assert fetched == ["http://localhost:32768"]
    assert view.rows[0] == {"container_port": "80/tcp", "host_ip": "0.0.0.0", "host_port": 32768,
                            "url": "http://localhost:32768", "status": "응답함", "first_line": "It works!"}
    bundle = assert_bundle(view, "32768", "It works!")
    assert '<a href="http://localhost:32768"' in bundle["text/html"]


def test_port_map_view_no_answer_and_no_ports(monkeypatch):
    monkeypatch.setattr(h, "port", lambda name: PortMap({"80/tcp": [("0.0.0.0", 18101)]}))

    def fetch(url, timeout=10):
        raise errors.CourseError(f"{url} 에서 응답이 없습니다.")

    monkeypatch.setattr(h, "fetch", fetch)
    assert hw.PortMapView("web").rows[0]["status"] == "응답 없음"
    assert hw.PortMapView("web", fetch=False).rows[0]["status"] == ""
    monkeypatch.setattr(h, "port", lambda name: PortMap())
    assert "연결된 포트가 없습니다" in hw.PortMapView("web").text()


# ----------------------------------------------------------------------------------------- layers


def test_layers_view_highlights_only_new_layers(monkeypatch):
    base = [{"Id": "sha256:" + "b" * 64, "Created": 2, "CreatedBy": "/bin/sh -c #(nop)  CMD [\"sh\"]", "Size": 0},
            {"Id": "<missing>", "Created": 1, "CreatedBy": "ADD file:abc in /", "Size": 4_800_000}]
    new = {"Id": "sha256:" + "c" * 64, "Created": 3, "CreatedBy": "sh", "Size": 1200}
    histories = {"busybox:1.35": base, "mine:1": [new, *base]}
    monkeypatch.setattr(h, "history", lambda ref: Table(histories[ref], ["X"], []))
    view = hw.LayersView("busybox:1.35", "mine:1")
    assert view.new_layers == [new]
    bundle = assert_bundle(view, "mine:1에만 있는 레이어: 1개")
    assert bundle["text/html"].count("새 레이어") == 1 and "background:#e8f5e9" in bundle["text/html"]
    assert " + cccccccccccc" in bundle["text/plain"]


# ------------------------------------------------------------------------------------------ pull


class FakeImages:
    def __init__(self):
        self.have = set()

    def get(self, ref):
        if ref not in self.have:
            raise de.ImageNotFound(ref)
        return f"<Image {ref}>"


class FakeClient:
    def __init__(self, events):
        self.events = events
        self.images = FakeImages()
        self.api = self

    def pull(self, repo, tag=None, stream=False, decode=False):
        assert stream and decode
        yield from self.events
        if not any("error" in e for e in self.events):
            self.images.have.add(f"{repo}:{tag}")


def layer_events(layer, size):
    return [{"status": "Pulling fs layer", "id": layer},
            {"status": "Downloading", "id": layer, "progressDetail": {"current": size // 2, "total": size}},
            {"status": "Extracting", "id": layer, "progressDetail": {"current": size, "total": size}},
            {"status": "Pull complete", "id": layer}]


def test_pull_progress_bars_and_summary(monkeypatch, capsys):
    events = [{"status": "Pulling from wtest/demo", "id": "1"}, *layer_events("aaaaaaaaaaaa", 1000),
              *layer_events("bbbbbbbbbbbb", 50), {"status": "Digest: sha256:123"},
              {"status": "Status: Downloaded newer image for wtest/demo:1"}]
    fake = FakeClient(events)
    monkeypatch.setattr(h, "client", lambda: fake)
    p = hw.PullProgress("wtest/demo:1", chapter="test-widgets")
    seen_half = []
    p_on_event = p.on_event

    def spy(event):
        p_on_event(event)
        if event.get("status") == "Downloading" and event["id"] == "aaaaaaaaaaaa":
            seen_half.append((p.bars["aaaaaaaaaaaa"].value, p.bars["aaaaaaaaaaaa"].max))

    p.on_event = spy
    assert p.run() == "<Image wtest/demo:1>"
    assert seen_half == [(500, 1000)]
    assert set(p.bars) == {"aaaaaaaaaaaa", "bbbbbbbbbbbb"}
    assert all(b.value == b.max and b.bar_style == "success" for b in p.bars.values())
    printed = capsys.readouterr().out
    assert "$ docker pull wtest/demo:1" in printed
    assert "wtest/demo:1: 레이어 2개 중 2개 완료" in printed
    bundle = assert_bundle(p, "aaaaaaaaaaaa", "Pull complete", "레이어 2개 중 2개 완료")
    assert "aaaaaaaaaaaa: Pull complete" in bundle["text/plain"]
    assert "wtest/demo:1" in h.ledger.refs("test-widgets")


def test_pull_progress_in_band_error_raises_course_error(monkeypatch):
    events = [*layer_events("aaaaaaaaaaaa", 1000)[:2],
              {"error": "manifest for wtest/demo:2 not found: manifest unknown",
               "errorDetail": {"message": "manifest unknown"}}]
    monkeypatch.setattr(h, "client", lambda: FakeClient(events))
    p = hw.PullProgress("wtest/demo:2")
    with pytest.raises(errors.ImageNotFound, match="wtest/demo:2"):
        p.run()
    assert p.bars["aaaaaaaaaaaa"].bar_style == "danger"
    assert p.summary.startswith("실패") and "실패" in p.text()
