"""helpers.containers against the fake client: the CLI line each verb shows, and its decisions
(name reuse, port conflicts, running containers) without an engine."""

from __future__ import annotations

import shlex

import pytest

import helpers as h
from helpers import errors
from helpers._state import CHAPTER_LABEL
from helpers.inspecting import PortMap

from .fakes import printed


def test_run_foreground_line_output_and_exit_code(fake, capsys):
    fake.outputs["sh -c echo 안녕; exit 3"] = (b"\xec\x95\x88\xeb\x85\x95\n", 3)
    out = h.run("busybox:1.35", "sh -c 'echo 안녕; exit 3'")
    assert printed(capsys) == ["$ docker run busybox:1.35 sh -c 'echo 안녕; exit 3'"]
    assert out == "안녕\n" and out.exit_code == 3
    assert fake.created[0]["command"] == ["sh", "-c", "echo 안녕; exit 3"]
    assert fake.created[0]["labels"] == {CHAPTER_LABEL: "unit"}
    assert fake.created[0]["auto_remove"] is False
    assert len(fake.container_names()) == 1  # like `docker run` without --rm: the exited container stays


def test_run_rm_foreground_removes_the_container(fake, capsys):
    h.run("busybox:1.35", ["echo", "hi"], rm=True)
    assert printed(capsys) == ["$ docker run --rm busybox:1.35 echo hi"]
    assert fake.container_names() == set()


def test_run_detached_with_ports_name_and_env(fake, capsys):
    c = h.run("httpd:2.4", name="web", detach=True, ports={80: 8080}, environment={"A": "1"}, chapter="03")
    lines = printed(capsys)
    assert lines[0] == "$ docker run -d --name web -p 8080:80 -e A=1 httpd:2.4"
    assert shlex.split(lines[0][2:]) == ["docker", "run", "-d", "--name", "web", "-p", "8080:80", "-e", "A=1", "httpd:2.4"]
    assert lines[1] == c.id
    assert c.status == "running"
    assert fake.created[0]["ports"] == {"80/tcp": 8080}
    assert fake.created[0]["labels"] == {CHAPTER_LABEL: "03"}
    assert fake.created[0]["environment"] == {"A": "1"}


def test_run_random_port_and_publish_all_lines(fake, capsys):
    h.run("httpd:2.4", name="a", detach=True, ports={80: None})
    h.run("httpd:2.4", name="b", detach=True, publish_all=True, rm=True)
    lines = [line for line in printed(capsys) if line.startswith("$")]
    assert lines == ["$ docker run -d --name a -p 80 httpd:2.4", "$ docker run -d --rm --name b -P httpd:2.4"]
    assert fake.created[1]["publish_all_ports"] is True and fake.created[1]["auto_remove"] is True


def test_run_interactive_keeps_a_tty_open_in_the_background(fake, capsys):
    c = h.run("busybox:1.35", name="shell", interactive=True)
    lines = printed(capsys)
    assert lines[0] == "$ docker run -d -it --name shell busybox:1.35"  # what really runs: in the background
    assert "-d" in lines[1] and "hw.Terminal('shell')" in lines[1]
    assert fake.created[0]["tty"] is True and fake.created[0]["stdin_open"] is True
    assert c.status == "running"


def test_run_missing_image_raises_and_never_creates(fake, capsys):
    with pytest.raises(errors.ImageNotFound) as info:
        h.run("alpine:3.19", "echo hi")
    assert "busybox:1.35" in info.value.hint  # the kit's stand-in for alpine
    assert "이 컴퓨터에 없습니다" in info.value.message
    assert fake.created == [] and not any(call[0] == "pull" for call in fake.calls)  # offline: no pull tried


def test_run_missing_image_is_pulled_first_like_the_cli(fake, capsys, monkeypatch):
    monkeypatch.delenv("LEARN_DOCKER_OFFLINE")
    fake.pull_result = [{"status": "Pull complete", "id": "aaaaaaaaaaaa"}]
    out = h.run("learner/tool:1", "echo hi", rm=True)
    lines = printed(capsys)
    assert lines[:2] == ["$ docker run --rm learner/tool:1 echo hi", "Unable to find image 'learner/tool:1' locally"]
    assert not any(line.startswith("$ docker pull") for line in lines)  # the implicit pull has no line of its own
    assert ("pull", "learner/tool:1") in [c[:2] for c in fake.calls] and out.exit_code == 0


def test_run_missing_image_that_cannot_be_pulled_says_both(fake, monkeypatch):
    import docker.errors as de

    monkeypatch.delenv("LEARN_DOCKER_OFFLINE")
    fake.pull_result = de.APIError("500 Server Error: no such host registry-1.docker.io")
    with pytest.raises(errors.ImageNotFound) as info, h.quiet():
        h.run("alpine:3.19", "echo hi")
    assert "받지도 못했습니다" in info.value.message and "busybox:1.35" in info.value.hint


def test_run_invalid_name_is_invalid_name(fake):
    with pytest.raises(errors.InvalidName):
        h.run("Busybox Latest")


def test_run_same_name_is_dockers_conflict_explained_in_korean(fake):
    old = fake.add_container("web", labels={CHAPTER_LABEL: "03"})
    with pytest.raises(errors.NameInUse) as info, h.quiet():
        h.run("busybox:1.35", "sleep 300", name="web", detach=True)
    assert "'web'" in info.value.message and "Conflict" in info.value.message
    assert "h.rm('web', force=True)" in info.value.hint and "replace=True" in info.value.hint
    assert "is already in use" in info.value.cause  # Docker's own words kept
    assert not old.removed


def test_run_replace_shows_the_rm_it_runs_then_the_run(fake, capsys):
    old = fake.add_container("web", labels={CHAPTER_LABEL: "03"})
    new = h.run("busybox:1.35", "sleep 300", name="web", detach=True, replace=True)
    lines = printed(capsys)
    assert lines[:3] == ["$ docker rm -f web", "web", "$ docker run -d --name web busybox:1.35 sleep 300"]
    assert ("remove_container", "web", True) in fake.calls
    assert old.removed and not new.removed
    assert fake.container_names() == {"web"}


def test_run_replace_never_removes_a_learners_own_container(fake):
    own = fake.add_container("mine", labels={})
    with pytest.raises(errors.NameInUse) as info:
        h.run("busybox:1.35", name="mine", detach=True, replace=True)
    assert "'mine'" in info.value.message
    assert not own.removed and own.status == "running"
    assert fake.created == []  # nothing created, nothing removed
    assert not any(call[0] == "remove_container" for call in fake.calls)


def test_run_taken_port_is_port_in_use_and_leaves_no_created_container(fake):
    fake.add_container("first", "httpd:2.4", labels={CHAPTER_LABEL: "03"}, ports={"80/tcp": 8080})
    with pytest.raises(errors.PortInUse) as info:
        h.run("httpd:2.4", name="second", detach=True, ports={80: 8080})
    assert "8080" in info.value.message
    assert fake.container_names() == {"first"}


def test_create_line_and_state(fake, capsys):
    c = h.create("busybox:1.35", "sleep 300", name="later", ports={80: 8080}, interactive=True)
    assert printed(capsys) == ["$ docker create -it --name later -p 8080:80 busybox:1.35 sleep 300"]
    assert c.status == "created"


def test_port_line_and_map(fake, capsys):
    fake.add_container("web", "httpd:2.4", ports={"80/tcp": 8080})
    result = h.port("web")
    assert printed(capsys) == ["$ docker port web"]
    assert isinstance(result, PortMap)
    assert result == {"80/tcp": [("0.0.0.0", 8080)]}
    assert result.host_port(80) == 8080 and result.host_port("80/tcp") == 8080 and result.host_port(443) is None
    assert repr(result) == "80/tcp -> 0.0.0.0:8080"
    assert repr(PortMap()) == "(호스트에 연결된 포트가 없습니다)"


def test_commit_line_round_trips_through_the_shell(fake, capsys):
    fake.add_container("box", labels={CHAPTER_LABEL: "05"})
    img = h.commit("box", "learner/git", "1.0", message="git 설치", changes=['CMD ["git", "--version"]'])
    line = printed(capsys)[0]
    assert shlex.split(line[2:]) == ["docker", "commit", '--change=CMD ["git", "--version"]', "-m", "git 설치",
                                     "box", "learner/git:1.0"]
    assert img.cmd == ["git", "--version"]
    assert img.labels[CHAPTER_LABEL] == "unit"  # labelled so reset can find it


@pytest.mark.parametrize(("verb", "line"), [
    (lambda: h.stop("web"), "$ docker stop web"),
    (lambda: h.stop("web", time=0), "$ docker stop -t 0 web"),
    (lambda: h.restart("web", time=3), "$ docker restart -t 3 web"),
    (lambda: h.pause("web"), "$ docker pause web"),
    (lambda: h.logs("web", tail=5), "$ docker logs --tail 5 web"),
    (lambda: h.rm("web", force=True), "$ docker rm -f web"),
])
def test_verb_lines(fake, capsys, verb, line):
    fake.add_container("web")
    verb()
    assert printed(capsys)[0] == line


def test_rm_running_is_container_running_and_keeps_it(fake):
    c = fake.add_container("web")
    with pytest.raises(errors.ContainerRunning):
        h.rm("web")
    assert not c.removed


def test_unknown_container_is_container_not_found(fake):
    for verb in (h.start, h.stop, h.rm, h.logs, h.port, h.attach, h.container):
        with pytest.raises(errors.ContainerNotFound) as info:
            verb("ghost")
        assert "'ghost'" in info.value.message


def test_wait_for_returns_the_last_state(fake):
    fake.add_container("web")
    assert h.wait_for("web", "running", timeout=1) == "running"
    assert h.wait_for("web", "exited", timeout=0.2) == "running"


def test_run_with_volumes_and_tmpfs_shows_v_and_tmpfs(fake, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    h.run("busybox:1.35", "ls /data", volumes={"data": {"bind": "/data"}, "./site": {"bind": "/site", "mode": "ro"}},
          tmpfs={"/scratch": "size=1m"}, rm=True)
    line = printed(capsys)[0]
    assert line == f"$ docker run --rm -v data:/data -v {tmp_path}/site:/site:ro --tmpfs /scratch:size=1m busybox:1.35 ls /data"
    # what reaches docker-py: the relative folder made absolute (as the CLI does), the tmpfs as given
    assert fake.created[0]["volumes"] == {"data": {"bind": "/data"}, f"{tmp_path}/site": {"bind": "/site", "mode": "ro"}}
    assert fake.created[0]["tmpfs"] == {"/scratch": "size=1m"}


def test_run_creates_a_missing_named_volume_with_the_course_label(fake, capsys):
    fake.volumes.create("learners-own")
    h.create("busybox:1.35", "true", volumes=["fresh:/data", "learners-own:/own:ro", "/srv/x:/x", "/anon"], chapter="07")
    assert printed(capsys)[0] == "$ docker create -v fresh:/data -v learners-own:/own:ro -v /srv/x:/x -v /anon busybox:1.35 true"
    assert fake._volumes == {"learners-own": {}, "fresh": {CHAPTER_LABEL: "07"}}  # the learner's own stays unlabelled


def test_a_failed_write_to_a_read_only_mount_is_explained_in_korean(fake, capsys):
    fake.outputs["sh -c echo x > /site/a"] = (b"sh: can't create /site/a: Read-only file system\n", 1)
    out = h.run("busybox:1.35", ["sh", "-c", "echo x > /site/a"], volumes=["/srv/site:/site:ro"], rm=True)
    assert out.exit_code == 1 and "Read-only file system" in out
    note = printed(capsys)[1]
    assert note.startswith("(종료 코드 1: 읽기 전용으로 마운트된 곳이라 쓸 수 없습니다") and ":ro 없이" in note


def test_an_invalid_volume_name_is_invalid_mount(fake):
    with pytest.raises(errors.InvalidMount) as info:
        h.run("busybox:1.35", "true", volumes={"my site": {"bind": "/site"}})
    assert "절대 경로" in info.value.hint and fake._containers == {}


def test_run_entrypoint_line_is_exactly_what_is_created(fake, capsys):
    h.run("busybox:1.35", "'cat /etc/app.conf'", entrypoint=["sh", "-c"], rm=True)
    assert printed(capsys)[0] == "$ docker run --rm --entrypoint sh busybox:1.35 -c 'cat /etc/app.conf'"
    assert fake.created[0]["entrypoint"] == ["sh"] and fake.created[0]["command"] == ["-c", "cat /etc/app.conf"]


def test_run_of_a_program_the_engine_cannot_find_leaves_the_container_as_the_cli_does(fake, capsys, monkeypatch):
    import docker.errors as de

    from .fakes import FakeContainer

    def refuse(self):
        self.status, self.exit_code = "created", 127
        raise de.APIError("400 Client Error: Bad Request", explanation='failed to create shim task: OCI runtime create '
                          'failed: unable to start container process: exec: "ehco": executable file not found in $PATH')

    monkeypatch.setattr(FakeContainer, "start", refuse)
    with pytest.raises(errors.CommandNotFound) as info:
        h.run("busybox:1.35", "ehco hi", name="typo")
    assert "'typo'은(는) 생성됨(created) 상태로 남았습니다" in info.value.message
    assert "h.inspect('typo')" in info.value.hint
    assert fake.container_names() == {"typo"}  # docker run leaves it too: inspect shows why
    with pytest.raises(errors.CommandNotFound):
        h.run("busybox:1.35", "ehco hi", name="gone", rm=True)
    assert fake.container_names() == {"typo"}


# -- one run specification: every option shown, nothing else taken ---------------------------------------------

SHOWN = {  # an option the helpers take (docker-py's name) -> a value, and the CLI flag that must show it
    "environment": ({"GREETING": "a b"}, "-e 'GREETING=a b'"), "volumes": (["/srv:/data:ro"], "-v /srv:/data:ro"),
    "network": ("ch-net", "--network ch-net"), "working_dir": ("/app", "-w /app"), "user": ("1000", "-u 1000"),
    "entrypoint": ("sh", "--entrypoint sh"), "tmpfs": ({"/scratch": ""}, "--tmpfs /scratch"),
    "restart_policy": ({"Name": "always"}, "--restart always"), "mem_limit": ("64m", "--memory 64m"),
    "memswap_limit": ("128m", "--memory-swap 128m"), "nano_cpus": (500_000_000, "--cpus 0.5"),
    "pids_limit": (50, "--pids-limit 50"), "read_only": (True, "--read-only"), "cap_drop": (["ALL"], "--cap-drop ALL"),
    "cap_add": (["NET_RAW"], "--cap-add NET_RAW"), "healthcheck": ({"test": "true"}, "--health-cmd true"),
    "privileged": (True, "--privileged"), "init": (True, "--init"), "platform": ("linux/amd64", "--platform linux/amd64"),
    "hostname": ("box", "--hostname box"), "labels": ({"lesson": "10"}, "--label lesson=10"),
    "log_config": ({"type": "json-file", "config": {"max-size": "1m"}}, "--log-driver json-file --log-opt max-size=1m"),
    "pid_mode": ("host", "--pid host"), "security_opt": (["no-new-privileges"], "--security-opt no-new-privileges"),
    "stop_signal": ("SIGINT", "--stop-signal SIGINT"), "shm_size": ("64m", "--shm-size 64m"),
    "extra_hosts": ({"db": "10.0.0.2"}, "--add-host db:10.0.0.2"), "dns": (["1.1.1.1"], "--dns 1.1.1.1"),
}


def test_every_option_the_helpers_take_is_on_the_echoed_line():
    """Structural: the list the helpers accept is the list the line spells out, one flag each."""
    from helpers.command import RUN_OPTIONS, container_command

    assert set(SHOWN) == set(RUN_OPTIONS)
    for option, (value, flag) in SHOWN.items():
        line = container_command("run", "busybox:1.35", ["true"], **{option: value}).line()
        assert f" {flag} " in f" {line} ", (option, line)


@pytest.mark.parametrize("verb", ["run", "create"])
def test_every_option_reaches_the_sdk_and_the_line(fake, capsys, verb):
    getattr(h, verb)("busybox:1.35", "true", name="opts", privileged=True, init=True, hostname="box",
                     labels={"lesson": "10"}, log_config={"type": "json-file", "config": {"max-size": "1m"}},
                     environment={"A": "1"})
    line = printed(capsys)[0]
    for flag in ("--privileged", "--init", "--hostname box", "--label lesson=10", "--log-driver json-file",
                 "--log-opt max-size=1m", "-e A=1"):
        assert flag in line, (flag, line)
    made = fake.created[0]
    assert made["privileged"] is True and made["init"] is True and made["hostname"] == "box"
    assert made["labels"]["lesson"] == "10" and made["labels"][CHAPTER_LABEL] == "unit"


@pytest.mark.parametrize("verb", ["run", "create"])
def test_a_misspelt_option_is_a_korean_error_before_anything_happens(fake, capsys, verb):
    with pytest.raises(errors.UnknownOption) as info:
        getattr(h, verb)("learner/not-here:1", "true", name="web", replace=True, enviroment={"A": "1"})
    assert "enviroment(혹시 environment?)" in info.value.message and "아무것도" in info.value.message
    assert fake.calls == [] and fake.created == [] and printed(capsys) == []  # no rm, no pull, no create, no line
