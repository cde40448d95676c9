"""``docker build`` with BuildKit, the builder every current Docker uses (the default since Engine 23).

docker-py speaks only the engine's classic builder API, so where the docker CLI has BuildKit's client (the
``buildx`` plugin: Docker Desktop, Docker's packages, Debian's ``docker-buildx``) the course runs
``docker build --progress=plain`` itself, against the engine the helpers use, and reads BuildKit's plain
progress as it comes: ``#5 [2/3] COPY app.py .``, then ``#5 CACHED`` or ``#5 DONE 0.2s``. Where no such
client exists it falls back to the classic builder and says so once (:func:`images.build` does that part).
``LEARN_DOCKER_BUILDER=legacy`` asks for the classic builder on purpose. Introduced in chapter 05; BuildKit's
own features (cache and secret mounts, ``--target``) in chapter 06.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import errors
from .command import Command
from .connection import cli_env
from .display import say
from .program import run_program

BUILD_TIMEOUT = 900  # seconds: the course's builds take seconds; a pip install offline fails well before this


@dataclass(frozen=True)
class Builder:
    """Which builder ``h.build`` uses: ``kind`` is "buildkit" (the CLI with buildx) or "legacy"."""

    kind: str
    docker: str | None = None  # the docker CLI that runs BuildKit builds
    version: str = ""  # buildx's version
    reason: str = ""  # why the classic builder, in Korean
    deliberate: bool = False  # asked for by LEARN_DOCKER_BUILDER=legacy (nothing to announce)

    def describe(self) -> str:
        if self.kind == "buildkit":
            return f"BuildKit (docker buildx {self.version})"
        return f"예전 빌더 (DOCKER_BUILDKIT=0): {self.reason}"


_FOUND: dict[str, Builder] = {}


def find_builder(refresh: bool = False) -> Builder:
    """The builder to use, found once per process: BuildKit where ``docker buildx version`` answers."""
    if "builder" in _FOUND and not refresh:
        return _FOUND["builder"]
    _FOUND["builder"] = _look()
    return _FOUND["builder"]


def _look() -> Builder:
    if os.environ.get("LEARN_DOCKER_BUILDER", "").lower() == "legacy":
        return Builder("legacy", reason="LEARN_DOCKER_BUILDER=legacy로 정해져 있습니다", deliberate=True)
    docker = shutil.which("docker")
    if not docker:
        return Builder("legacy", reason="docker 명령(CLI)이 없습니다")
    try:
        run = subprocess.run([docker, "buildx", "version"], capture_output=True, text=True, timeout=20,
                             env=cli_env())
    except (OSError, subprocess.TimeoutExpired):
        return Builder("legacy", reason="docker buildx가 응답하지 않습니다")
    if run.returncode != 0:
        return Builder("legacy", reason="docker 명령에 buildx 플러그인(BuildKit 클라이언트)이 없습니다")
    version = (run.stdout.split() + ["", ""])[1].lstrip("v")
    return Builder("buildkit", docker=docker, version=version)


def preflight_line() -> tuple[str, str, str]:
    """(level, title, detail) for the preflight checklist: which builder ``h.build`` uses, and how to get BuildKit."""
    builder = find_builder()
    if builder.kind == "buildkit":
        return "ok", f"이미지 빌드: {builder.describe()}", ""
    if builder.deliberate:
        return "ok", f"이미지 빌드: {builder.describe()}", ""
    return ("warn", f"이미지 빌드: {builder.describe()}",
            "5·6장은 그대로 진행되지만 출력이 최신 Docker와 다르고, 빌드 비밀(--secret)은 쓸 수 없습니다. "
            "Docker Desktop에는 들어 있고, Linux에서는 buildx 플러그인(Debian/Ubuntu: docker-buildx 또는 "
            "docker-buildx-plugin)을 설치하세요.")


def dockerfile_arg(path, dockerfile: str | None) -> str | None:
    """``-f``'s value as the CLI reads it: relative to the folder you type it in, so joined to the context."""
    if not dockerfile:
        return None
    return dockerfile if os.path.isabs(dockerfile) else str(Path(path) / dockerfile)


def build_command(path, tag: str, *, dockerfile: str | None = None, buildargs: dict | None = None,
                  target: str | None = None, secrets: dict | None = None, no_cache: bool = False,
                  legacy: bool = False) -> Command:
    """The ``docker build`` line: ``--progress=plain`` for BuildKit (its output is what the course reads and shows),
    ``DOCKER_BUILDKIT=0`` in front for the classic builder."""
    cmd = Command("build", env={"DOCKER_BUILDKIT": "0"} if legacy else None)
    if not legacy:
        cmd.append("--progress=plain")
    cmd.add_simple_arg("-t", tag).add_simple_arg("-f", dockerfile_arg(path, dockerfile))
    cmd.add_args_iterable("--build-arg", [f"{k}={v}" for k, v in (buildargs or {}).items()])
    cmd.add_simple_arg("--target", target)
    cmd.add_args_iterable("--secret", [f"id={k},src={v}" for k, v in (secrets or {}).items()])
    cmd.add_flag("--no-cache", no_cache)
    return cmd.add_args(str(path))


STEP_LINE = re.compile(r"^#(\d+) \[(?:([^\]\s]+) )?(\d+)/(\d+)\] (.*)$")
_STATE = re.compile(r"^#(\d+) (CACHED|DONE [\d.]+s|ERROR: .*)$")


class PlainProgress:
    """Reads BuildKit's plain progress line by line: which Dockerfile steps ran, which the cache answered."""

    def __init__(self, on_event=None):
        self.steps: dict[str, str] = {}  # vertex number -> "[2/3] COPY app.py ."
        self.cached: set[str] = set()
        self.done: set[str] = set()
        self.errors: list[str] = []
        self.on_event = on_event

    def feed(self, line: str) -> None:
        text = line.rstrip("\n")
        step = STEP_LINE.match(text)
        if step:
            stage = f"{step.group(2)} " if step.group(2) else ""
            self.steps.setdefault(step.group(1), f"[{stage}{step.group(3)}/{step.group(4)}] {step.group(5)}")
        state = _STATE.match(text)
        if state:
            which, what = state.groups()
            if what == "CACHED":
                self.cached.add(which)
            elif what.startswith("DONE"):
                self.done.add(which)
            else:
                self.errors.append(what[len("ERROR: "):])
        if text.startswith("ERROR:") or text.startswith("ERROR "):
            self.errors.append(text.partition(":")[2].strip())
        if self.on_event:
            self.on_event({"stream": line, "buildkit": True})

    def own_steps(self) -> dict[str, str]:
        """The steps after each FROM (BuildKit shows a FROM as CACHED on one build and DONE on the next)."""
        return {n: s for n, s in self.steps.items() if not s.split("] ", 1)[-1].startswith("FROM ")}

    def cached_steps(self) -> list[str]:
        return [s for n, s in self.own_steps().items() if n in self.cached]

    def summary(self, tag: str) -> str:
        steps = self.own_steps()
        cached = len([n for n in steps if n in self.cached])
        return f"{tag} 빌드 완료: FROM 다음 단계 {len(steps)}개 중 {cached}개는 캐시 사용(CACHED)"


def run_build(cmd: Command, builder: Builder, tag: str, *, on_event=None) -> PlainProgress:
    """Run the BuildKit ``docker build`` line, printing BuildKit's lines; raise the course's error on failure."""
    progress = PlainProgress(on_event)
    env = cli_env()
    env["DOCKER_BUILDKIT"] = "1"  # as the line says: BuildKit (no DOCKER_BUILDKIT=0 from the learner's shell)
    code, out, _, _ = run_program([builder.docker or "docker", *cmd], env=env, timeout=BUILD_TIMEOUT, line=cmd.line(),
                                  stream=True, on_line=progress.feed, error=errors.StreamError,
                                  timeout_hint="Dockerfile의 RUN이 네트워크를 기다리는지 보세요 (이 과정의 빌드는 몇 초면 끝납니다).")
    if code:
        raise build_error("".join(out), tag, progress)
    say(progress.summary(tag))
    return progress


def snapshot_race(text: str) -> bool:
    """The engine lost a layer's snapshot while it unpacked the result (``failed to prepare extraction snapshot
    ... parent snapshot ... does not exist``): an intermittent bug of the containerd image store, Docker Desktop's
    default (moby/buildkit#6521); the same build again usually succeeds."""
    low = text.lower()
    return "extraction snapshot" in low and "parent snapshot" in low and "does not exist" in low


def build_error(text: str, tag: str, progress: PlainProgress) -> errors.CourseError:
    """The course's error for a failed BuildKit build, from what it printed."""
    low = text.lower()
    last = [line for line in text.splitlines() if line.strip()]
    cause = (progress.errors[-1] if progress.errors else " / ".join(last[-3:]))[:2000]
    if "cannot connect to the docker daemon" in low or "is the docker daemon running" in low:
        return errors.DockerNotRunning(cause=cause)
    if "failed to resolve source metadata" in low or "pull access denied" in low:
        from .kit.catalog import hint_for

        ref = re.search(r"source metadata for (?:docker\.io/library/|docker\.io/)?([^\s:]+:[^\s:]+)", text)
        name = ref.group(1) if ref else "?"
        return errors.ImageNotFound(f"{tag}: FROM의 이미지 '{name}'을(를) 이 컴퓨터에서 찾지 못했고 받지도 못했습니다.",
                                    hint=hint_for(name), cause=cause)
    if "dockerfile parse error" in low or "unknown instruction" in low or "failed to read dockerfile" in low:
        return errors.StreamError(f"{tag}: Dockerfile을 읽지 못했습니다.",
                                  hint="오류가 난 줄(Dockerfile:줄 번호)의 지시어 철자와 형식을 확인하세요.", cause=cause)
    if "failed to compute cache key" in low or "failed to calculate checksum" in low:
        return errors.StreamError(f"{tag}: COPY/ADD할 파일을 빌드 컨텍스트에서 찾지 못했습니다.",
                                  hint="파일이 빌드 폴더 안에 있는지, .dockerignore가 빼지 않았는지 확인하세요.", cause=cause)
    if snapshot_race(text):
        return errors.StreamError(f"{tag}: 엔진이 결과 이미지를 풀어 놓다가 레이어 스냅숏을 잃었습니다 (containerd 이미지 "
                                  "저장소의 알려진 일시적 문제, moby/buildkit#6521).",
                                  hint="같은 빌드를 한 번 더 실행하세요. 되풀이되면 Docker를 다시 시작하세요.", cause=cause)
    if "did not complete successfully" in low or "executor failed running" in low:  # the latter: 20.10's BuildKit
        return errors.StreamError(f"{tag}: Dockerfile의 RUN 명령이 실패했습니다 (0이 아닌 종료 코드).",
                                  hint="위에 출력된 그 단계의 로그를 읽고 명령을 고친 뒤 다시 빌드하세요.", cause=cause)
    return errors.StreamError(f"{tag}: 빌드가 실패했습니다.", cause=cause)
