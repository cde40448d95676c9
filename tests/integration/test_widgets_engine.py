"""Widgets against the real engine: containers named wtest-*, labelled chapter test-widgets."""

from __future__ import annotations

import contextlib
import io
import re
import socket

import pytest

import helpers as h
from helpers import charts
from helpers import widgets as hw

from .support import containerd_store, use_builder

pytestmark = pytest.mark.engine

CHAPTER = "test-widgets"


@pytest.fixture(autouse=True)
def engine(monkeypatch, tmp_path):
    """Skip without an engine; keep the ledger private; remove what the test made."""
    monkeypatch.setenv("LEARN_DOCKER_HOME", str(tmp_path))
    try:
        with h.quiet():
            h.version()
    except h.CourseError as exc:
        pytest.skip(f"no Docker engine: {exc.message}")
    h.use_chapter(CHAPTER)
    yield
    h.use_chapter("lab")
    with h.quiet():
        h.reset(CHAPTER, verbose=False)
    assert h.leftovers(CHAPTER)["containers"] == []


def free_port(lo=18100, hi=18199) -> int:
    for port in range(lo, hi):
        with socket.socket() as s:
            try:
                s.bind(("0.0.0.0", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 18100-18199")


def test_dashboard_lifecycle_and_console_follow_a_real_container():
    with h.quiet():
        h.run("busybox:1.35", "sleep 300", name="wtest-life", detach=True, chapter=CHAPTER)
    dash = hw.ContainerDashboard(chapter=CHAPTER)
    assert [(r["name"], r["state"]) for r in dash.rows] == [("wtest-life", "running")]
    life = hw.LifecycleView("wtest-life")
    console = hw.ExecConsole("wtest-life")

    out = console.send("echo 안녕 && ls / | grep -c etc")
    assert out.exit_code == 0 and out.splitlines() == ["안녕", "1"]
    assert console.send("false").exit_code == 1
    assert "(종료 코드 1)" in console.text()

    with h.quiet():
        h.pause("wtest-life")
    assert life.update() == "paused"
    with h.quiet():
        h.unpause("wtest-life")
        h.stop("wtest-life", time=0)
    assert life.update() == "exited"
    dash.refresh()
    assert dash.rows[0]["state"] == "exited"
    with h.quiet():
        dash.act("wtest-life", "remove")
    assert dash.rows == [] and "컨테이너가 없습니다" in dash.text()
    assert life.update() == "removed"
    assert life.seen == ["running", "paused", "exited", "removed"]
    for widget in (dash, life, console):
        widget.close()


def test_dashboard_button_error_on_running_container_is_visible():
    with h.quiet():
        h.run("busybox:1.35", "sleep 300", name="wtest-busy", detach=True, chapter=CHAPTER)
    dash = hw.ContainerDashboard(chapter=CHAPTER)
    dash._guarded(dash.act, "wtest-busy", "remove")  # what the 삭제 button does
    assert isinstance(dash.errors[0], h.errors.ContainerRunning)
    assert dash.rows[0]["state"] == "running"
    assert any("지울 수 없습니다" in (o.get("data", {}).get("text/plain", "")) for o in dash.out.outputs)


def test_run_builder_line_is_what_h_run_echoes_and_port_view_fetches():
    port = free_port()
    rb = hw.RunBuilder(image="httpd:2.4", name="wtest-web", ports=f"{port}:80, 443", chapter=CHAPTER)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        c = rb.execute()
    assert buf.getvalue().splitlines()[0] == "$ " + rb.command_line()
    assert rb.command_line() == f"docker run -d --name wtest-web -p {port}:80 -p 443 httpd:2.4"
    assert c.status == "running" and c.labels[h._state.CHAPTER_LABEL] == CHAPTER

    view = hw.PortMapView("wtest-web")
    by_port = {r["container_port"]: r for r in view.rows}
    assert by_port["80/tcp"]["host_port"] == port
    assert by_port["80/tcp"]["status"] == "응답함" and by_port["80/tcp"]["first_line"] == "It works!"
    assert by_port["443/tcp"]["host_port"] not in (port, 443)  # random host port
    assert f'href="http://localhost:{port}"' in view.html()


def test_run_builder_foreground_returns_output():
    rb = hw.RunBuilder(image="busybox:1.35", name="wtest-echo", detach=False, command="echo 안녕하세요",
                       chapter=CHAPTER)
    with h.quiet():
        out = rb.execute()
    assert out == "안녕하세요\n" and out.exit_code == 0
    assert "안녕하세요" in rb.text()


def test_layers_view_after_commit():
    with h.quiet():
        h.run("busybox:1.35", ["sh", "-c", "echo hi > /hello.txt"], name="wtest-commit", chapter=CHAPTER)
        h.commit("wtest-commit", "wtest/committed", "1", chapter=CHAPTER)
    view = hw.LayersView("busybox:1.35", "wtest/committed:1")
    assert len(view.new_layers) == 1
    assert len(view.after) == len(view.before) + 1
    assert "wtest/committed:1에만 있는 레이어: 1개" in view.text()


def test_pull_progress_through_a_throwaway_registry(tmp_path):
    port = free_port()
    with h.quiet():
        h.run("registry:2.8", name="wtest-registry", detach=True, ports={5000: port}, chapter=CHAPTER)
    ref = f"127.0.0.1:{port}/wtest/layered:1"
    # an image with one layer of its own, so the pull has something to download (committed, not built: BuildKit's
    # build cache would keep a built layer on the engine after rmi, and the pull would find it there)
    try:
        with h.quiet():
            h.fetch(f"http://127.0.0.1:{port}/v2/", timeout=15)
            h.run("busybox:1.35", ["sh", "-c", f"echo {tmp_path.name} > /made.txt"], name="wtest-layered",
                  chapter=CHAPTER)
            h.commit("wtest-layered", "wtest/layered", "1", chapter=CHAPTER)
            h.rm("wtest-layered")
            h.tag("wtest/layered:1", ref, chapter=CHAPTER)
            h.push(ref)
            h.rmi(ref)
            h.rmi("wtest/layered:1")  # the last name: the image and its own layer go
        buf = io.StringIO()
        p = hw.PullProgress(ref, chapter=CHAPTER)
        with contextlib.redirect_stdout(buf):
            image = p.run()
        assert ref in image.tags
        states = list(p.states.values())
        # the one new layer is downloaded; busybox's layer is there already: the overlay2 store reports it as
        # "Already exists", the containerd image store (Docker Desktop's) does not report it at all
        assert states.count("Pull complete") == 1 and set(states) - {"Already exists"} == {"Pull complete"}
        if not containerd_store():
            assert "Already exists" in states
        assert all(b.bar_style == "success" and b.value == b.max for b in p.bars.values())
        assert f"레이어 {len(states)}개 중 {len(states)}개 완료" in buf.getvalue()
        assert "Pull complete" in p.text() and "Pull complete" in p._repr_mimebundle_()["text/html"]
        with pytest.raises(h.errors.ImageNotFound):
            hw.PullProgress(f"127.0.0.1:{port}/wtest/nothing:1").run()
    finally:
        with h.quiet(), contextlib.suppress(h.CourseError):
            h.rmi(ref)


def test_pull_from_unreachable_registry_is_a_course_error():
    port = free_port()
    with pytest.raises(h.CourseError) as info:
        hw.PullProgress(f"127.0.0.1:{port}/wtest/none:1").run()
    assert isinstance(info.value, (h.errors.RegistryUnavailable, h.errors.ImageNotFound))


def test_build_progress_with_buildkit(tmp_path, monkeypatch):
    use_builder(monkeypatch, "buildkit")
    (tmp_path / "Dockerfile").write_text("FROM busybox:1.35\nRUN echo built > /built.txt\nCMD [\"cat\", \"/built.txt\"]\n")
    b = hw.BuildProgress(tmp_path, "wtest/built:bk", chapter=CHAPTER)
    with h.quiet():
        image = b.run()
    assert "wtest/built:bk" in image.tags
    # BuildKit's steps are the lines that make the filesystem (FROM, RUN); CMD is the image's setting only
    assert b.bar.max == b.bar.value == len(b.steps) == 2 and b.bar.bar_style == "success"
    assert re.fullmatch(r"#\d+ \[2/2\] RUN echo built > /built.txt", b.steps[1]) and "2단계" in b.text()


def test_build_progress_errors_with_buildkit(tmp_path, monkeypatch):
    use_builder(monkeypatch, "buildkit")
    (tmp_path / "Dockerfile").write_text("FROM busybox:1.35\nRUN exit 7\n")
    b = hw.BuildProgress(tmp_path, "wtest/broken:bk", chapter=CHAPTER)
    with h.quiet(), pytest.raises(h.errors.StreamError) as info:
        b.run()
    assert "exit code: 7" in info.value.cause
    assert b.bar.bar_style == "danger" and b.summary.startswith("실패") and "실패" in b.html()


def test_build_progress_with_the_classic_builder(tmp_path, monkeypatch):
    use_builder(monkeypatch, "legacy")
    (tmp_path / "Dockerfile").write_text("FROM busybox:1.35\nRUN echo built > /built.txt\nCMD [\"cat\", \"/built.txt\"]\n")
    b = hw.BuildProgress(tmp_path, "wtest/built:1", chapter=CHAPTER)
    with h.quiet():
        image = b.run()
    assert "wtest/built:1" in image.tags
    # the classic builder adds the course label as a last step
    assert b.bar.max == b.bar.value == len(b.steps) == 4 and b.bar.bar_style == "success"
    assert b.steps[1] == "Step 2/4 : RUN echo built > /built.txt" and "4단계" in b.text()


def test_build_progress_errors_with_the_classic_builder(tmp_path, monkeypatch):
    use_builder(monkeypatch, "legacy")
    (tmp_path / "Dockerfile").write_text("FROM busybox:1.35\nRUN exit 7\n")
    b = hw.BuildProgress(tmp_path, "wtest/broken:1", chapter=CHAPTER)
    with h.quiet(), pytest.raises(h.errors.StreamError) as info:
        b.run()
    assert "non-zero code: 7" in info.value.cause
    assert b.bar.bar_style == "danger" and b.summary.startswith("실패") and "실패" in b.html()
    with h.quiet(), pytest.raises(h.CourseError, match="Dockerfile"):
        hw.BuildProgress(tmp_path / "missing", "wtest/broken:2").run()


def test_architecture_counts_live():
    with h.quiet():
        arch = charts.architecture(h.version(), h.info(), h.registry.address())
    assert arch.volumes is not None and arch.networks is not None and arch.networks >= 3
    assert "dockerd" in arch.text()


# ------------------------------------------------------------------------------------------ terminal

def _shell(name: str):
    with h.quiet():
        return h.run("busybox:1.35", "sh", name=name, interactive=True)


def test_terminal_is_one_session_where_cd_and_export_carry_over():
    _shell("itest-term")
    term = hw.Terminal("itest-term")
    try:
        term.run("cd /tmp")
        term.run("export GREETING=annyeong")
        assert "/tmp" in term.run("pwd", wait=r"/tmp\n")
        assert "annyeong" in term.run("echo $GREETING", wait="annyeong\n")
        assert "itest-term" in term.text() or "/tmp" in term.text()
    finally:
        term.close()
        with h.quiet():
            h.rm("itest-term", force=True)


def test_terminal_detach_keys_leave_the_container_running_and_exit_stops_it():
    _shell("itest-term2")
    try:
        term = hw.Terminal("itest-term2")
        term.run("echo hello", wait="hello")
        term.send(hw.terminal.KEYS["분리 Ctrl-P Ctrl-Q"])
        assert term.wait_closed(10) and "분리됨" in term.state
        assert h.client().containers.get("itest-term2").status == "running"
        again = hw.Terminal("itest-term2")
        again.send("exit\n")
        assert again.wait_closed(10)
        assert h.client().containers.get("itest-term2").status == "exited" and "exited" in again.state
    finally:
        with h.quiet():
            h.rm("itest-term2", force=True)


def test_terminal_exec_session_ends_without_stopping_the_container_and_ctrl_c_interrupts():
    _shell("itest-term3")
    try:
        term = hw.Terminal("itest-term3", "sh")
        term.run("sleep 30; echo never")
        term.send(hw.terminal.KEYS["Ctrl-C"])
        assert "done" in term.run("echo done", wait="done\n", timeout=5)  # the sleep was interrupted
        assert not re.search(r"^never\s*$", term.text(), re.M), term.text()  # typed, but never printed
        term.send("exit\n")
        assert term.wait_closed(10)
        assert h.client().containers.get("itest-term3").status == "running"
    finally:
        with h.quiet():
            h.rm("itest-term3", force=True)

