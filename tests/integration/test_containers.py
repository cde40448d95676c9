"""helpers.containers against the real engine: every verb, every state change, every error path.

Containers are named itest-*, labelled test-containers, host ports come from 18000-18099.
"""

from __future__ import annotations

import socket
import time

import pytest

import helpers as h
from helpers import errors
from helpers._state import CHAPTER_LABEL

from .support import container_exists, events, free_port, image_exists, remove_container

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter")]


def by_label(engine, chapter, **filters):
    return engine.containers.list(all=True, filters={"label": f"{CHAPTER_LABEL}={chapter}", **filters})


# -- run ----------------------------------------------------------------------------------------------

def test_run_foreground_returns_output_and_exit_code(engine, chapter, capsys):
    out = h.run("busybox:1.35", "sh -c 'echo 안녕; echo 오류 >&2; exit 3'", name="itest-fg")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "$ docker run --name itest-fg busybox:1.35 sh -c 'echo 안녕; echo 오류 >&2; exit 3'"
    assert out.exit_code == 3
    assert "안녕" in out and "오류" in out
    c = engine.containers.get("itest-fg")  # like `docker run` without --rm, the exited container stays
    assert c.status == "exited" and c.labels[CHAPTER_LABEL] == chapter
    assert out.container == c.id


def test_run_rm_foreground_leaves_nothing(engine, chapter):
    with h.quiet():
        out = h.run("busybox:1.35", "echo bye", rm=True, name="itest-rm-fg")
    assert out == "bye\n" and out.exit_code == 0
    assert not container_exists(engine, "itest-rm-fg")


def test_run_rm_foreground_removes_anonymous_volumes_like_docker_run_rm(engine):
    t0 = time.time()
    with h.quiet():
        out = h.run("registry:2.8", "--version", rm=True)
    assert "2.8" in out
    mounted = [e["Actor"]["ID"] for e in events(engine, t0, type="volume", event="mount")
               if e["Actor"]["Attributes"].get("container") == out.container]
    left = [v.name for v in engine.volumes.list() if v.name in mounted]
    for name in left:
        engine.volumes.get(name).remove(force=True)
    assert mounted, "registry:2.8 declares VOLUME /var/lib/registry"
    assert left == []


def test_run_environment(engine):
    with h.quiet():
        out = h.run("busybox:1.35", ["sh", "-c", "echo $GREETING"], environment={"GREETING": "안녕하세요"}, rm=True)
    assert out == "안녕하세요\n"


def test_run_detached_returns_the_running_container(engine, chapter, capsys):
    c = h.run("busybox:1.35", "sleep 300", name="itest-bg", detach=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["$ docker run -d --name itest-bg busybox:1.35 sleep 300", c.id]
    assert c.status == "running" and c.name == "itest-bg"
    assert engine.containers.get(c.id).labels[CHAPTER_LABEL] == chapter
    h.rm("itest-bg", force=True)


def test_run_detached_rm_is_removed_when_it_stops(engine):
    with h.quiet():
        c = h.run("busybox:1.35", "sleep 300", name="itest-bg-rm", detach=True, rm=True)
    assert c.attrs["HostConfig"]["AutoRemove"] is True
    engine.containers.get(c.id).stop(timeout=0)
    deadline = time.monotonic() + 10
    while container_exists(engine, c.id) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not container_exists(engine, c.id)


def test_stop_of_a_detached_rm_container_succeeds(engine, monkeypatch):
    """Even when the engine removes it before the helper looks again (forced here)."""
    from docker.models.containers import Container

    real_reload = Container.reload

    def reload_after_the_engine_removed_it(self):
        deadline = time.monotonic() + 10
        while container_exists(engine, self.id) and time.monotonic() < deadline:
            time.sleep(0.05)  # a busy engine: the auto-removal wins the race
        return real_reload(self)

    with h.quiet():
        h.run("busybox:1.35", "sleep 300", name="itest-stop-rm", detach=True, rm=True)
        monkeypatch.setattr(Container, "reload", reload_after_the_engine_removed_it)
        try:
            stopped = h.stop("itest-stop-rm", time=0)
        finally:
            monkeypatch.undo()
            remove_container(engine, "itest-stop-rm")
    assert stopped.status == "removed"  # `docker stop` of a --rm container: gone, no error


def test_run_interactive_keeps_a_shell_open_to_exec_into(engine):
    with h.quiet():
        c = h.run("busybox:1.35", name="itest-it", interactive=True)
        assert c.status == "running"
        assert c.attrs["Config"]["Tty"] and c.attrs["Config"]["OpenStdin"]
        out = h.exec("itest-it", "cat /etc/hostname")
    assert out.strip() == c.id[:12] and out.exit_code == 0
    with h.quiet():
        h.rm("itest-it", force=True)


def test_run_timeout_stops_removes_and_explains(engine):
    t0 = time.monotonic()
    with pytest.raises(errors.ContainerTimeout) as info, h.quiet():
        h.run("busybox:1.35", "sleep 60", name="itest-timeout", timeout=1)
    assert time.monotonic() - t0 < 20
    assert "detach=True" in info.value.hint
    assert not container_exists(engine, "itest-timeout")


def test_cell_run_twice_with_the_same_name_is_dockers_conflict_unless_replace(engine, chapter, capsys):
    first = h.run("busybox:1.35", "sleep 300", name="itest-twice", detach=True)
    with pytest.raises(errors.NameInUse) as info:
        h.run("busybox:1.35", "sleep 300", name="itest-twice", detach=True)
    assert "is already in use" in info.value.cause and container_exists(engine, first.id)
    capsys.readouterr()
    second = h.run("busybox:1.35", "sleep 300", name="itest-twice", detach=True, replace=True)
    assert capsys.readouterr().out.splitlines()[:3] == [
        "$ docker rm -f itest-twice", "itest-twice", "$ docker run -d --name itest-twice busybox:1.35 sleep 300"]
    assert first.id != second.id
    assert not container_exists(engine, first.id)
    assert [c.id for c in by_label(engine, chapter, name="itest-twice")] == [second.id]
    with h.quiet():
        h.rm("itest-twice", force=True)


def test_same_name_as_an_unlabelled_container_is_name_in_use_and_untouched(engine):
    own = engine.containers.create("busybox:1.35", "sleep 300", name="itest-learners-own")  # no course label
    try:
        own.start()
        for replace in (False, True):
            with pytest.raises(errors.NameInUse), h.quiet():
                h.run("busybox:1.35", "true", name="itest-learners-own", detach=True, replace=replace)
        own.reload()
        assert own.status == "running" and CHAPTER_LABEL not in own.labels
    finally:
        remove_container(engine, own.id)


def test_missing_image_is_pulled_like_the_cli_and_offline_is_image_not_found(engine, chapter):
    t0 = time.time()
    for ref, stand_in in (("itest/never-built:0", None), ("alpine:3.19", "busybox:1.35")):
        with pytest.raises(errors.ImageNotFound) as info, h.quiet():
            h.run(ref, "true", name="itest-no-image")
        assert "이 컴퓨터에 없" in info.value.message
        if stand_in:
            assert stand_in in info.value.hint
        assert not image_exists(engine, ref)
    assert not container_exists(engine, "itest-no-image")
    pulls = [e for e in events(engine, t0, type="image", event="pull") if "alpine" in str(e) or "itest/never" in str(e)]
    assert pulls == []
    created = events(engine, t0, type="container", event="create", label=f"{CHAPTER_LABEL}={chapter}")
    assert [e for e in created if e["Actor"]["Attributes"].get("name") == "itest-no-image"] == []


def test_invalid_image_name_is_invalid_name(engine):
    with pytest.raises(errors.InvalidName), h.quiet():
        h.run("Busybox Latest", "true")


def test_taken_host_port_is_port_in_use_and_leaves_no_created_container(engine, chapter):
    port = free_port()
    with h.quiet():
        h.run("httpd:2.4", name="itest-port-a", detach=True, ports={80: port})
        with pytest.raises(errors.PortInUse) as info:
            h.run("httpd:2.4", name="itest-port-b", detach=True, ports={80: port})
    assert str(port) in info.value.message
    assert not container_exists(engine, "itest-port-b")
    assert by_label(engine, chapter, status="created") == []
    with h.quiet():
        h.rm("itest-port-a", force=True)


def test_host_port_held_by_another_program_is_port_in_use(engine, chapter):
    port = free_port()
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", port))
        holder.listen()
        with pytest.raises(errors.PortInUse), h.quiet():
            h.run("busybox:1.35", "sleep 300", name="itest-port-held", detach=True, ports={80: port})
    assert not container_exists(engine, "itest-port-held")
    assert by_label(engine, chapter, status="created") == []


# -- create / start / stop / restart / pause / unpause / rm -------------------------------------------

def test_lifecycle_state_transitions(engine, capsys):
    c = h.create("busybox:1.35", "sleep 300", name="itest-life")
    assert capsys.readouterr().out.splitlines() == ["$ docker create --name itest-life busybox:1.35 sleep 300"]
    assert c.status == "created" and engine.containers.get("itest-life").status == "created"
    with h.quiet():
        assert h.start("itest-life").status == "running"
        assert h.pause("itest-life").status == "paused"
        with pytest.raises(errors.ContainerRunning):
            h.rm("itest-life")  # a paused container cannot be removed either
        assert h.unpause("itest-life").status == "running"
        assert h.stop("itest-life", time=0).status == "exited"
        with pytest.raises(errors.ContainerNotRunning):
            h.pause("itest-life")
        assert h.restart("itest-life", time=0).status == "running"
    assert engine.containers.get("itest-life").status == "running"
    assert h.wait_for("itest-life", "running", timeout=5) == "running"
    with h.quiet():
        h.stop("itest-life", time=0)
        h.rm("itest-life")
    assert not container_exists(engine, "itest-life")


def test_stop_line_and_default_timeout(engine, capsys):
    with h.quiet():
        h.run("busybox:1.35", "sleep 300", name="itest-stop", detach=True)
    h.stop("itest-stop", time=1)
    assert capsys.readouterr().out.splitlines()[0] == "$ docker stop -t 1 itest-stop"
    with h.quiet():
        h.rm("itest-stop")


def test_rm_running_is_container_running_and_the_container_survives(engine):
    with h.quiet():
        h.run("busybox:1.35", "sleep 300", name="itest-rm-running", detach=True)
        with pytest.raises(errors.ContainerRunning) as info:
            h.rm("itest-rm-running")
    assert "force=True" in info.value.hint
    assert engine.containers.get("itest-rm-running").status == "running"
    with h.quiet():
        h.rm("itest-rm-running", force=True)
    assert not container_exists(engine, "itest-rm-running")


@pytest.mark.parametrize("verb", [h.start, h.stop, h.restart, h.pause, h.unpause, h.rm, h.logs, h.attach, h.port,
                                  h.container, lambda n: h.exec(n, "true")])
def test_unknown_container_is_container_not_found(verb):
    with pytest.raises(errors.ContainerNotFound) as info, h.quiet():
        verb("itest-ghost")
    assert "itest-ghost" in info.value.message


# -- exec / logs / attach -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sleeper(chapter):
    with h.quiet():
        c = h.run("busybox:1.35", ["sh", "-c", "for i in 1 2 3; do echo line$i; done; exec sleep 300"],
                  name="itest-sleeper", detach=True)
    time.sleep(0.3)
    yield c.name
    with h.quiet():
        h.rm(c.name, force=True)


def test_exec_output_and_exit_codes(sleeper, capsys):
    out = h.exec(sleeper, "sh -c 'echo out; echo err >&2; exit 4'")
    assert capsys.readouterr().out.splitlines()[0] == f"$ docker exec {sleeper} sh -c 'echo out; echo err >&2; exit 4'"
    assert out.exit_code == 4 and "out\n" in out and "err\n" in out
    with h.quiet():
        assert h.exec(sleeper, "true").exit_code == 0
        missing = h.exec(sleeper, "no-such-binary-itest")
        assert missing.exit_code != 0 and missing.exit_code in (126, 127)  # 126 on 20.10, 127 on newer engines
        here = h.exec(sleeper, "pwd", workdir="/bin")
        assert here == "/bin\n"
        who = h.exec(sleeper, "id -u", user="65534")
        assert who.strip() == "65534"
        env = h.exec(sleeper, ["sh", "-c", "echo $X"], environment={"X": "엑스"})
        assert env == "엑스\n"


def test_exec_on_a_stopped_container_is_container_not_running(engine):
    with h.quiet():
        h.create("busybox:1.35", "true", name="itest-exec-stopped")
        with pytest.raises(errors.ContainerNotRunning):
            h.exec("itest-exec-stopped", "true")
        h.rm("itest-exec-stopped")


def test_logs_and_tail(sleeper, capsys):
    out = h.logs(sleeper)
    assert capsys.readouterr().out.splitlines() == [f"$ docker logs {sleeper}"]
    assert out == "line1\nline2\nline3\n"
    with h.quiet():
        assert h.logs(sleeper, tail=1) == "line3\n"


def test_attach_shows_recent_output_and_refuses_a_stopped_container(sleeper, capsys):
    out = h.attach(sleeper, tail=2)
    printed = capsys.readouterr().out
    assert f"$ docker logs --tail 2 {sleeper}\n" in printed and "hw.Terminal" in printed  # what it really runs
    assert out == "line2\nline3\n"
    with h.quiet():
        h.create("busybox:1.35", "true", name="itest-attach-stopped")
        with pytest.raises(errors.ContainerNotRunning):
            h.attach("itest-attach-stopped")
        h.rm("itest-attach-stopped")


# -- ps / port ----------------------------------------------------------------------------------------

def test_ps_lists_running_and_all(sleeper, engine, capsys):
    with h.quiet():
        h.create("busybox:1.35", "true", name="itest-ps-created")
    running = h.ps()
    everything = h.ps(all=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "$ docker ps" and "$ docker ps -a" in lines
    names = {c.name for c in running}
    assert sleeper in names and "itest-ps-created" not in names
    created = next(c for c in everything if c.name == "itest-ps-created")
    assert created.status == "created" and created.labels[CHAPTER_LABEL].startswith("test-")
    assert created.id == engine.containers.get("itest-ps-created").id
    row = next(line for line in repr(everything).splitlines() if line.rstrip().endswith("itest-ps-created"))
    assert "busybox:1.35" in row and created.id[:12] in row
    with h.quiet():
        h.rm("itest-ps-created")


def test_port_random_host_port_and_fetch(engine, capsys):
    with h.quiet():
        h.run("httpd:2.4", name="itest-web-random", detach=True, ports={80: None})
    ports = h.port("itest-web-random")
    assert capsys.readouterr().out.splitlines() == ["$ docker port itest-web-random"]
    host = ports.host_port(80)
    assert isinstance(host, int) and host > 0
    assert repr(ports) == f"80/tcp -> 0.0.0.0:{host}"
    with h.quiet():
        assert "It works!" in h.fetch(f"http://127.0.0.1:{host}/", timeout=15)
        table = h.ps()
    listed = next(c for c in table if c.name == "itest-web-random")
    assert {"HostIp": "0.0.0.0", "HostPort": str(host)} in listed.ports["80/tcp"]
    row = next(line for line in repr(table).splitlines() if line.rstrip().endswith("itest-web-random"))
    assert f"0.0.0.0:{host}->80/tcp" in row
    with h.quiet():
        h.rm("itest-web-random", force=True)


def test_port_publish_all_and_fixed_port(engine):
    fixed = free_port()
    with h.quiet():
        h.run("httpd:2.4", name="itest-web-P", detach=True, publish_all=True)
        h.run("httpd:2.4", name="itest-web-p", detach=True, ports={80: fixed})
        assert h.port("itest-web-P").host_port(80)
        assert h.port("itest-web-p") == {"80/tcp": [("0.0.0.0", fixed)]}
        assert "It works!" in h.fetch(f"http://127.0.0.1:{fixed}/", timeout=15)
        h.stop("itest-web-p", time=0)
        assert h.port("itest-web-p") == {}
        h.rm("itest-web-P", force=True)
        h.rm("itest-web-p")


def test_container_returns_a_fresh_object(sleeper, engine):
    c = h.container(sleeper)
    assert c.id == engine.containers.get(sleeper).id and c.status == "running"


# -- volumes, bind mounts, tmpfs, diff -----------------------------------------------------------------

def test_named_volume_is_created_labelled_and_outlives_the_container(engine, chapter, capsys):
    out = h.run("busybox:1.35", "sh -c 'echo 남음 > /data/f && cat /data/f'", rm=True,
                volumes={"itest-mount-vol": {"bind": "/data"}})
    assert capsys.readouterr().out.splitlines()[0] == (
        "$ docker run --rm -v itest-mount-vol:/data busybox:1.35 sh -c 'echo 남음 > /data/f && cat /data/f'")
    assert out == "남음\n"
    assert engine.volumes.get("itest-mount-vol").attrs["Labels"] == {CHAPTER_LABEL: chapter}
    with h.quiet():
        assert h.run("busybox:1.35", "cat /data/f", volumes=["itest-mount-vol:/data"], rm=True) == "남음\n"
    assert "itest-mount-vol" in h.leftovers(chapter)["volumes"]


def test_read_only_bind_mount_of_a_relative_folder_refuses_writes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<h1>hi</h1>\n", encoding="utf-8")
    out = h.run("busybox:1.35", ["sh", "-c", "cat /site/index.html; echo x > /site/index.html"], rm=True,
                volumes={"./site": {"bind": "/site", "mode": "ro"}})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"$ docker run --rm -v {tmp_path}/site:/site:ro busybox:1.35 sh -c")
    assert lines[1].startswith("(종료 코드 1: 읽기 전용으로 마운트된 곳이라 쓸 수 없습니다")
    assert out.exit_code == 1 and "<h1>hi</h1>" in out and "Read-only file system" in out
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "<h1>hi</h1>\n"


def test_tmpfs_is_in_memory_and_echoed(capsys):
    out = h.run("busybox:1.35", "sh -c 'grep \" /scratch \" /proc/mounts'", tmpfs={"/scratch": "size=1m"}, rm=True)
    assert capsys.readouterr().out.splitlines()[0] == (
        "$ docker run --rm --tmpfs /scratch:size=1m busybox:1.35 sh -c 'grep \" /scratch \" /proc/mounts'")
    assert out.startswith("tmpfs /scratch tmpfs") and "size=1024k" in out


def test_diff_lists_the_writable_layer_but_not_the_volume(engine, capsys):
    with h.quiet():
        h.run("busybox:1.35", "sh -c 'echo a > /etc/itest; echo b > /data/itest; rm /etc/hostname.nope 2>/dev/null; "
              "rm /bin/whoami'", name="itest-diff", volumes={"itest-diff-vol": {"bind": "/data"}})
    changes = h.diff("itest-diff")
    assert capsys.readouterr().out.splitlines()[0] == "$ docker diff itest-diff"
    assert ("A", "/etc/itest") in changes and ("C", "/etc") in changes and ("D", "/bin/whoami") in changes
    assert "/data/itest" not in changes.paths()  # written to the volume, not to the container's layer
    with h.quiet():
        h.rm("itest-diff")


def test_entrypoint_sh_looks_inside_the_image(capsys):
    out = h.run("busybox:1.35", ["-c", "echo inside; exit 4"], entrypoint="sh", rm=True)
    assert capsys.readouterr().out.splitlines()[0] == \
        "$ docker run --rm --entrypoint sh busybox:1.35 -c 'echo inside; exit 4'"
    assert out == "inside\n" and out.exit_code == 4


def test_run_of_a_missing_program_leaves_a_created_container_with_exit_code_127(engine, capsys):
    with pytest.raises(errors.CommandNotFound) as info:
        h.run("busybox:1.35", ["ehco", "hi"], name="itest-typo")
    try:
        assert "'itest-typo'은(는) 생성됨(created) 상태로 남았습니다" in info.value.message
        state = engine.api.inspect_container("itest-typo")["State"]
        assert state["Status"] == "created" and state["ExitCode"] == 127
        assert 'exec: "ehco": executable file not found' in state["Error"]
    finally:
        remove_container(engine, "itest-typo")
