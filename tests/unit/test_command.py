"""helpers.command: the ``$ docker ...`` line, built part by part, that a learner can type back."""

from __future__ import annotations

import shlex

import helpers as h
from helpers import command, display
from helpers.command import Command, container_command


def test_parts_drop_empties_flatten_lists_and_quote_for_the_shell():
    line = Command("run", None, "", "-d", ["--name", "웹 서버"], "busybox:1.35", ["sh", "-c", "echo hi > /x"]).line()
    assert line == "$ docker run -d --name '웹 서버' busybox:1.35 sh -c 'echo hi > /x'"
    # what a learner copies into a terminal parses back to the same argv
    assert shlex.split(line[2:]) == ["docker", "run", "-d", "--name", "웹 서버", "busybox:1.35",
                                     "sh", "-c", "echo hi > /x"]


def test_builder_methods_read_like_python_on_whales():
    cmd = Command("run").add_flag("-d").add_flag("--rm", False).add_simple_arg("--name", "web")
    cmd.add_simple_arg("-w", None).add_args_iterable("-e", ["A=1", "B=two words"]).add_args("httpd:2.4")
    assert str(cmd) == "$ docker run -d --name web -e A=1 -e 'B=two words' httpd:2.4"


def test_echo_prints_unless_quiet(capsys):
    command.echo("ps", "-a")
    with h.quiet():
        command.echo("images")
        display.say("조용히")
    display.say("안녕")
    assert capsys.readouterr().out.splitlines() == ["$ docker ps -a", "안녕"]


def test_container_command_spells_every_option_the_course_uses():
    cmd = container_command("run", "httpd:2.4", ["httpd-foreground"], name="web", detach=True, rm=True,
                            ports="127.0.0.1:8080:80", environment={"A": "1"},
                            volumes={"/srv": {"bind": "/data", "mode": "ro"}}, network="net", working_dir="/w",
                            entrypoint=["sh", "-c"], user="1000")
    assert cmd.line() == ("$ docker run -d --rm --name web -p 127.0.0.1:8080:80 -e A=1 -v /srv:/data:ro "
                          "--network net -w /w -u 1000 --entrypoint sh httpd:2.4 -c httpd-foreground")
    assert container_command("create", "busybox:1.35", interactive=True, publish_all=True).line() == \
        "$ docker create -it -P busybox:1.35"


def test_container_command_spells_volumes_both_ways_and_tmpfs():
    cmd = container_command("run", "busybox:1.35", ["ls"], volumes={"data": {"bind": "/data"},
                                                                    "/srv": {"bind": "/srv", "ro": True},
                                                                    "/w": {"bind": "/w", "mode": "rw"}},
                            tmpfs={"/scratch": "", "/cache": "size=64m"})
    assert cmd.line() == ("$ docker run -v data:/data -v /srv:/srv:ro -v /w:/w --tmpfs /scratch "
                          "--tmpfs /cache:size=64m busybox:1.35 ls")
    listed = container_command("run", "busybox:1.35", volumes=["data:/data:ro"], tmpfs=["/scratch"])
    assert listed.line() == "$ docker run -v data:/data:ro --tmpfs /scratch busybox:1.35"


def test_entrypoint_is_one_program_and_the_rest_goes_in_front_of_the_arguments():
    # docker run --entrypoint takes one program: what follows the image is the rest, so the line runs what the SDK runs
    assert command.split_entrypoint(["sh", "-c"], ["echo hi"]) == (["sh"], ["-c", "echo hi"])
    assert command.split_entrypoint("sh -c", None) == (["sh"], ["-c"])  # docker-py splits a string the same way
    assert command.split_entrypoint("sh", None) == (["sh"], None)
    assert command.split_entrypoint("", ["ls"]) == ([""], ["ls"])  # --entrypoint "": no entrypoint at all
    assert command.split_entrypoint(None, ["ls"]) == (None, ["ls"])
    line = container_command("run", "ch12/app:1", ["-c", "ls /etc"], rm=True, entrypoint="sh").line()
    assert line == "$ docker run --rm --entrypoint sh ch12/app:1 -c 'ls /etc'"
    assert shlex.split(line[2:]) == ["docker", "run", "--rm", "--entrypoint", "sh", "ch12/app:1", "-c", "ls /etc"]
    assert container_command("run", "busybox:1.35", ["ls"], entrypoint=[]).line() == \
        "$ docker run --entrypoint '' busybox:1.35 ls"
