"""The first cell of every chapter: is the engine usable, and what will the course do if not?"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field

from . import errors, kit
from ._state import CHAPTER_LABEL, STATE, labels, use_chapter
from .building import preflight_line as build_line
from .compose_program import preflight_line as compose_line
from .connection import client, current_context
from .containers import throwaway
from .display import Rendered, say, show

LOW_DISK_MB = 2000


@dataclass(repr=False)
class Report(Rendered):
    """Checklist lines: (ok | warn | fail, title, detail)."""

    lines: list[tuple[str, str, str]] = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    def add(self, level: str, title: str, detail: str = "") -> None:
        self.lines.append((level, title, detail))

    @property
    def ok(self) -> bool:
        return all(level != "fail" for level, _, _ in self.lines)

    def text(self) -> str:
        mark = {"ok": "[OK]  ", "warn": "[주의]", "fail": "[실패]"}
        return "\n".join(f"{mark[lv]} {t}" + (f" — {d}" if d else "") for lv, t, d in self.lines)

    def html(self) -> str:
        color = {"ok": "#2e7d32", "warn": "#ef6c00", "fail": "#c62828"}
        mark = {"ok": "✔", "warn": "⚠", "fail": "✘"}
        rows = "".join(
            f"<tr><td style='color:{color[lv]}'>{mark[lv]}</td><td style='text-align:left'>{html.escape(t)}</td>"
            f"<td style='text-align:left'>{html.escape(d)}</td></tr>"
            for lv, t, d in self.lines
        )
        return f"<table>{rows}</table>"


def preflight(chapter: str | None = None, *, kit_images: list[str] | None = None) -> Report:
    """Check the engine for a chapter and explain any problem in plain Korean.

    Connects, prints the engine version, makes sure the kit images are present (building them
    offline if needed), runs a real container, and reports registry reachability and free disk.
    Raises the matching course error when the engine cannot be used.
    """
    if chapter is not None:
        use_chapter(chapter)
    report = Report()
    ctx = None if os.environ.get("DOCKER_HOST") else current_context()
    try:
        c = client()
    except errors.CourseError as exc:
        report.add("fail", exc.message, exc.hint)
        show(report)
        raise
    if ctx and ctx.get("stale"):
        report.add("warn", f"docker context '{ctx['name']}'의 설정이 없습니다",
                   f"기본 소켓 {STATE.base_url}을(를) 대신 씁니다. `docker context use default`를 권합니다.")
    elif ctx and ctx.get("host") != STATE.base_url:
        report.add("warn", f"docker context '{ctx['name']}'의 엔진({ctx['host']})이 응답하지 않습니다",
                   f"{STATE.base_url}을(를) 대신 씁니다. `docker context use default`를 권합니다.")
    v = c.version()
    info = c.info()
    kind = engine_kind(v, info)
    report.facts.update(server_version=v.get("Version"), engine_kind=kind, cgroups=info.get("CgroupDriver") != "none")
    report.add("ok", f"Docker 엔진 {v.get('Version')} — {kind} (API {v.get('ApiVersion')}, {v.get('Os')}/{v.get('Arch')})",
               f"연결: {STATE.base_url}")
    old = too_old(v.get("Version") or "")
    if old:
        report.add("warn", old, f"이 과정이 확인한 가장 오래된 엔진은 {OLDEST_ENGINE}입니다. Docker Desktop을 새로 설치하거나, "
                                "Linux라면 배포판의 최신 docker.io 또는 Docker의 저장소(docker-ce)로 올리세요.")
    report.add(*compose_line())  # which Compose v2 runs `docker compose` (chapter 09), or what to install
    report.add(*build_line())  # BuildKit (docker buildx) or the classic builder (chapters 05-06)
    if "rootless" in kind and info.get("CgroupDriver") == "none":
        report.add("warn", "이 엔진에는 cgroup이 없습니다 (cgroup v1의 rootless Docker)",
                   "pause, --memory, --cpus, --pids-limit은 이 엔진에서 동작하지 않습니다. 그 단계는 설명만 보고 넘어갑니다.")

    online = kit.registry_answers()
    report.facts["registry"] = online
    if online:
        report.add("ok", "Docker Hub에 연결됩니다", "필요한 이미지는 pull로 받습니다.")
    else:
        report.add("warn", "Docker Hub에 연결할 수 없습니다 (폐쇄망)",
                   "걱정 마세요: 과정 이미지는 로컬에서 빌드하고, push/pull 실습은 로컬 레지스트리로 합니다.")
    wanted = kit_images or kit.names()
    absent = kit.missing(wanted)
    if absent:
        say(f"과정 이미지 {len(absent)}개를 준비합니다 (처음 한 번만, 몇 분 걸릴 수 있습니다): {', '.join(absent)}")
        try:
            kit.ensure(wanted)
        except errors.CourseError as exc:
            report.add("fail", exc.message, exc.hint)
            show(report)
            raise
    report.add("ok", f"과정 이미지 {len(wanted)}개 준비됨", ", ".join(wanted))

    if chapter is not None:
        _fresh_start(chapter, report)
    with throwaway("busybox:1.35", ["df", "-Pk", "/"], labels=labels(), network_disabled=True) as probe:
        code = probe.wait(timeout=30).get("StatusCode")
        out = probe.logs().decode()
    if code != 0:
        report.add("fail", "테스트 컨테이너가 실패했습니다", out[-200:])
        show(report)
        raise errors.CourseError("테스트 컨테이너를 실행하지 못했습니다.", cause=out[-300:])
    report.add("ok", "테스트 컨테이너 실행 성공 (busybox:1.35)")
    free_mb = _free_mb(out)
    report.facts["free_mb"] = free_mb
    if free_mb is not None and free_mb < LOW_DISK_MB:
        report.add("warn", f"엔진 디스크 여유가 {free_mb} MB뿐입니다",
                   "이미지 빌드가 실패할 수 있습니다. 쓰지 않는 이미지를 `h.rmi`로 지우세요.")
    elif free_mb is not None:
        report.add("ok", f"엔진 디스크 여유 {free_mb / 1000:.1f} GB")
    show(report)
    return report


def _free_mb(df_output: str) -> int | None:
    for line in df_output.splitlines()[1:]:
        parts = re.split(r"\s+", line.strip())
        if len(parts) >= 4 and parts[3].isdigit():
            return int(parts[3]) // 1024
    return None


OLDEST_ENGINE = "20.10"  # the oldest engine the whole suite runs on (Debian 12's docker.io 20.10.24)


def too_old(version: str) -> str | None:
    """A Korean warning when the engine ``version`` ("19.03.13", "28.5.2+dfsg4") is older than OLDEST_ENGINE."""
    import re

    have = [int(x) for x in re.findall(r"\d+", version)[:2]]
    want = [int(x) for x in OLDEST_ENGINE.split(".")]
    if len(have) < 2 or have >= want:
        return None
    return f"Docker 엔진 {version}은(는) 이 과정이 지원하는 가장 오래된 엔진({OLDEST_ENGINE})보다 오래되었습니다"


def engine_kind(version: dict, info: dict) -> str:
    """Which engine this is, in Korean: Docker Desktop, Podman, rootless Docker, or Linux dockerd."""
    components = " ".join(c.get("Name", "") for c in version.get("Components") or [])
    security = " ".join(info.get("SecurityOptions") or [])
    if "podman" in components.lower():
        return "Podman"
    if "Docker Desktop" in (info.get("OperatingSystem") or ""):
        return "Docker Desktop"
    if "rootless" in security:
        return "rootless Docker (root 없이 도는 dockerd)"
    return "Linux dockerd"


def _fresh_start(chapter: str, report: Report) -> None:
    """Running a chapter again from the top: what its earlier run left (by its label only) goes first."""
    from .cleanup import leftovers, reset

    left = leftovers(chapter)
    if not any(left.values()):
        return
    say(f"$ docker rm -f $(docker ps -aq --filter label={CHAPTER_LABEL}={chapter})   # 그리고 이 장의 이미지·태그")
    counts = reset(chapter, verbose=False)
    report.add("ok", "이 장을 전에 실행하며 남은 것을 지웠습니다 (처음부터 다시 실행할 수 있게)",
               f"컨테이너 {counts['containers']}개, 이미지 {counts['images']}개, 태그 {counts['tags']}개")
