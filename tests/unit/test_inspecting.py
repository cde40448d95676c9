"""helpers.inspecting against the fake client: ps, port, exec, logs and attach lines and results."""

from __future__ import annotations

import pytest

import helpers as h
from helpers import errors
from helpers._state import CHAPTER_LABEL

from .fakes import printed


def test_ps_line_rows_and_sdk_objects(fake, capsys):
    fake.add_container("웹서버", "httpd:2.4", labels={CHAPTER_LABEL: "03"}, ports={"80/tcp": 8080})
    fake.add_container("stopped", running=False, labels={CHAPTER_LABEL: "03"})
    running = h.ps()
    everything = h.ps(all=True)
    assert printed(capsys)[0] == "$ docker ps"
    assert [c.name for c in running] == ["웹서버"]
    assert sorted(c.name for c in everything) == ["stopped", "웹서버"]
    assert running[0].status == "running" and running[0].labels == {CHAPTER_LABEL: "03"}
    assert running[0].ports == {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}
    text = repr(running)
    assert text.splitlines()[0].split() == ["CONTAINER", "ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS",
                                            "NAMES"]
    assert "0.0.0.0:8080->80/tcp" in text and "웹서버" in text and "httpd:2.4" in text


def test_ps_all_line(fake, capsys):
    h.ps(all=True)
    assert printed(capsys) == ["$ docker ps -a"]


def test_exec_line_output_and_exit_code(fake, capsys):
    fake.add_container("web")
    fake.exec_results["ls -l /nope"] = (None, b"ls: /nope: No such file or directory\n", 1)
    out = h.exec("web", "ls -l /nope", workdir="/tmp", user="nobody")
    assert printed(capsys) == ["$ docker exec -w /tmp -u nobody web ls -l /nope"]
    assert out == "ls: /nope: No such file or directory\n" and out.exit_code == 1
    assert h.execute is h.exec


def test_exec_stopped_container_is_not_running(fake):
    fake.add_container("web", running=False)
    with pytest.raises(errors.ContainerNotRunning) as info:
        h.exec("web", "ls")
    assert "h.start('web')" in info.value.hint


def test_logs_tail_and_attach_on_stopped(fake):
    fake.add_container("talker", command=["sh", "-c", "echo"])
    fake._containers[next(iter(fake._containers))].output = b"one\ntwo\nthree\n"
    with h.quiet():
        assert h.logs("talker", tail=1) == "three\n"
        assert h.attach("talker", tail=2) == "two\nthree\n"
        h.stop("talker")
        with pytest.raises(errors.ContainerNotRunning):
            h.attach("talker")




def test_diff_line_and_changes_like_the_cli(fake, capsys):
    c = fake.add_container("box")
    c.changes = [{"Path": "/etc", "Kind": 0}, {"Path": "/etc/motd", "Kind": 1}, {"Path": "/tmp/old", "Kind": 2}]
    changes = h.diff("box")
    assert printed(capsys) == ["$ docker diff box"]
    assert changes == [("C", "/etc"), ("A", "/etc/motd"), ("D", "/tmp/old")]
    assert repr(changes) == "C /etc\nA /etc/motd\nD /tmp/old"
    assert changes.paths("A") == ["/etc/motd"] and changes.paths() == ["/etc", "/etc/motd", "/tmp/old"]


def test_diff_of_an_unchanged_container_says_so_and_of_a_missing_one_is_not_found(fake):
    fake.add_container("box")
    with h.quiet():
        assert repr(h.diff("box")) == "(쓰기 레이어에 바뀐 것이 없습니다)"
        with pytest.raises(errors.ContainerNotFound):
            h.diff("ghost")


def test_exec_explains_a_read_only_write(fake, capsys):
    fake.add_container("web")
    fake.exec_results["touch /site/x"] = (None, b"touch: /site/x: Read-only file system\n", 1)
    out = h.exec("web", "touch /site/x")
    assert out.exit_code == 1
    assert printed(capsys)[1].startswith("(종료 코드 1: 읽기 전용으로 마운트된 곳이라")


def test_cp_out_of_a_stopped_container_to_a_new_name_or_into_a_folder(fake, capsys, tmp_path, monkeypatch):
    fake.add_container("app", running=False)
    fake.files[("app", "/etc/app/app.conf.example")] = b"PORT=8080\n"
    monkeypatch.chdir(tmp_path)
    written = h.cp("app:/etc/app/app.conf.example", "./app.conf")
    assert written == tmp_path / "app.conf" and (tmp_path / "app.conf").read_bytes() == b"PORT=8080\n"
    (tmp_path / "out").mkdir()
    assert h.cp("app:/etc/app/app.conf.example", "out") == tmp_path / "out" / "app.conf.example"
    lines = printed(capsys)
    assert lines[0] == "$ docker cp app:/etc/app/app.conf.example ./app.conf"
    assert lines[1] == f"Successfully copied 10B to {tmp_path / 'app.conf'}"
    assert lines[2] == "$ docker cp app:/etc/app/app.conf.example out"


def test_cp_into_a_container_and_its_korean_errors(fake, capsys, tmp_path, monkeypatch):
    fake.add_container("app", running=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.conf").write_text("PORT=8080\n")
    assert h.cp("./app.conf", "app:/etc/app/app.conf") == "/etc/app/app.conf"
    assert fake.files[("app", "/etc/app/app.conf")] == b"PORT=8080\n"
    assert printed(capsys)[0] == "$ docker cp ./app.conf app:/etc/app/app.conf"
    with pytest.raises(errors.PathNotFound) as missing:
        h.cp("app:/nope", ".")
    assert "'app' 안에 /nope" in missing.value.message
    with pytest.raises(errors.PathNotFound):
        h.cp("app:/etc/app/app.conf", "./no/such/folder/x")
    with pytest.raises(errors.CourseError) as both:
        h.cp("./a", "./b")
    assert "한쪽만" in both.value.message
    with pytest.raises(errors.ContainerNotFound):
        h.cp("ghost:/etc/app.conf", ".")


def test_exec_into_a_restart_loop_says_what_to_do_instead(fake, capsys):
    c = fake.add_container("greeter")
    c.status = "restarting"
    with pytest.raises(errors.ContainerNotRunning) as info:
        h.exec("greeter", "ls /etc")
    assert "재시작 반복 중" in info.value.message
    assert "h.update('greeter', restart='no')" in info.value.hint and "h.cp(" in info.value.hint
