"""Checks that read how a container is operated and secured: its restart policy and restart count, its
healthcheck, its user, a read-only root filesystem, dropped capabilities, and an image pinned by digest.

Introduced with the chapter 10 exercise. Everything is read from ``docker inspect`` (``HostConfig``, ``State``,
``Config``), so ``--restart``/``restart_policy=``, ``--cap-drop``/``cap_drop=`` ... all grade the same. None of them
needs cgroups (they pass on a rootless engine on cgroup v1 too).
"""

from __future__ import annotations

import time

from ...connection import client
from ...display import state_ko
from .base import fail, need_container, status_text

RESTARTING = ("always", "on-failure", "unless-stopped")


def _running(c, name: str) -> None:
    if c.status not in ("running", "restarting"):
        fail(f"컨테이너 '{name}'이(가) 실행 중이어야 합니다.", state_ko("running"), status_text(c),
             f"h.start('{name}')로 시작하거나, 지우고(h.rm('{name}', force=True)) 다시 실행하세요.")


def restart_policy(name: str, policies=RESTARTING) -> str:
    """The container ``name`` has a restart policy among ``policies`` (default: any that restarts it). Returns it."""
    c = need_container(name)
    policy = (c.attrs.get("HostConfig") or {}).get("RestartPolicy") or {}
    have = policy.get("Name") or "no"
    if have not in policies:
        fail(f"컨테이너 '{name}'에는 재시작 정책이 있어야 합니다.", " 또는 ".join(policies), f"{have} (다시 시작하지 않음)"
             if have == "no" else have,
             f"h.run(..., restart='on-failure')(docker run --restart on-failure)로 다시 만들거나, "
             f"h.update('{name}', restart='always')(docker update --restart always {name})로 바꾸세요.")
    return have


def restarted_by_engine(name: str, at_least: int = 1, *, wait: float = 10) -> int:
    """The engine has restarted ``name`` by its restart policy at least ``at_least`` times (``RestartCount``;
    ``docker restart`` by hand does not count). Waits up to ``wait`` seconds for a restart under way. Returns
    the count."""
    deadline = time.monotonic() + wait
    while True:
        c = need_container(name)
        count = c.attrs.get("RestartCount") or 0
        if count >= at_least or time.monotonic() >= deadline:
            break
        time.sleep(0.3)
    if count < at_least:
        fail(f"엔진이 재시작 정책으로 '{name}'을(를) {at_least}번 이상 다시 시작했어야 합니다.",
             f"RestartCount {at_least} 이상", f"RestartCount {count}",
             f"주 프로세스가 스스로 끝나야 엔진이 다시 시작합니다: h.exec('{name}', 'kill 1')처럼 안에서 끝내세요. "
             "docker stop/kill이나 h.restart로 멈추면 '사람이 멈춘 것'이라 정책이 움직이지 않고 세지도 않습니다.")
    return count


def container_healthy(name: str, *, wait: float = 20) -> bool:
    """The container ``name`` has a healthcheck and its status is ``healthy`` (waits up to ``wait`` seconds
    while it is ``starting``)."""
    deadline = time.monotonic() + wait
    while True:
        c = need_container(name)
        health = (c.attrs.get("State") or {}).get("Health")
        status = (health or {}).get("Status")
        if status != "starting" or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    if not health:
        fail(f"컨테이너 '{name}'에는 헬스체크가 있어야 합니다.", "헬스체크 있음 (healthy)", "헬스체크 없음",
             "healthcheck={'test': '검사 명령', 'interval': '1s'}(docker run --health-cmd '검사 명령' --health-interval 1s)"
             "로 다시 만드세요. 헬스체크는 컨테이너를 만들 때 정합니다.")
    if status != "healthy":
        last = (health.get("Log") or [{}])[-1]
        said = " ".join((last.get("Output") or "").split())[:80]
        fail(f"컨테이너 '{name}'의 헬스체크가 healthy여야 합니다.", "healthy",
             f"{status} (마지막 검사 종료 코드 {last.get('ExitCode')}{', 출력 ' + said if said else ''})",
             "검사 명령을 컨테이너 안에서 h.exec로 직접 실행해 종료 코드 0이 나오는지 보세요. 서버가 아직 안 떴다면 조금 뒤에 다시 확인하세요.")
    return True


def read_only_rootfs(name: str) -> bool:
    """The container ``name`` runs with a read-only root filesystem (``--read-only``)."""
    c = need_container(name)
    if not (c.attrs.get("HostConfig") or {}).get("ReadonlyRootfs"):
        fail(f"컨테이너 '{name}'의 루트 파일시스템은 읽기 전용이어야 합니다.", "읽기 전용 (--read-only)", "읽기-쓰기",
             f"read_only=True(docker run --read-only)로 다시 만드세요. 써야 하는 곳은 tmpfs={{'/tmp': ''}}(--tmpfs /tmp)로 "
             f"붙입니다. h.rm('{name}', force=True)로 먼저 지우세요.")
    return True


def _cap(name: str) -> str:
    name = str(name).upper()
    return name[4:] if name.startswith("CAP_") else name


def caps_dropped(name: str, caps=("ALL",)) -> bool:
    """The container ``name`` drops every capability in ``caps`` (``--cap-drop ALL`` by default; ``CAP_`` prefix and
    case do not matter). Capabilities added back with ``--cap-add`` are allowed."""
    c = need_container(name)
    dropped = {_cap(x) for x in (c.attrs.get("HostConfig") or {}).get("CapDrop") or []}
    missing = [_cap(x) for x in caps if _cap(x) not in dropped and "ALL" not in dropped]
    if missing:
        fail(f"컨테이너 '{name}'은(는) 커널 권한(capability) {', '.join(missing)}을(를) 버려야 합니다.",
             "--cap-drop " + " ".join(_cap(x) for x in caps), ", ".join(sorted(dropped)) or "버린 권한 없음",
             f"cap_drop=['ALL'](docker run --cap-drop ALL)로 다시 만드세요. h.rm('{name}', force=True)로 먼저 지우세요.")
    return True


def run_by_digest(name: str, repository: str | None = None) -> str:
    """The container ``name`` was made from an image named by digest (``repo@sha256:...``), from ``repository``
    when given, and that digest is really the image it runs (one of its ``RepoDigests``). Returns the reference."""
    c = need_container(name)
    ref = (c.attrs.get("Config") or {}).get("Image") or ""
    want = f"{repository}@sha256:..." if repository else "이미지이름@sha256:..."
    if "@sha256:" not in ref:
        fail(f"컨테이너 '{name}'은(는) 이미지를 다이제스트로 고정해서 실행해야 합니다.", want, ref or "알 수 없음",
             "h.inspect(이미지)['RepoDigests']에서 '이름@sha256:...'을 골라 그대로 h.run(...)의 이미지로 주세요 "
             "(docker run 이름@sha256:...). 태그(:1.35)는 나중에 다른 이미지를 가리킬 수 있습니다.")
    repo, _, digest = ref.partition("@")
    if repository and repo != repository:
        fail(f"컨테이너 '{name}'은(는) 저장소 {repository}의 이미지로 실행해야 합니다.", want, ref,
             "과제가 말한 저장소 이름으로 push한 이미지의 다이제스트를 쓰세요.")
    image = client().api.inspect_image(c.attrs.get("Image"))
    if ref not in (image.get("RepoDigests") or []):
        fail(f"컨테이너 '{name}'의 다이제스트 {digest[:19]}…이(가) 그 컨테이너가 실행하는 이미지의 것이어야 합니다.",
             "RepoDigests 중 하나", ", ".join(image.get("RepoDigests") or []) or "다이제스트 없음",
             "push한 뒤 h.inspect(이미지)['RepoDigests']를 다시 읽어 그 값을 쓰세요.")
    return ref
