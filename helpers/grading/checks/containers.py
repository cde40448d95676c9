"""Checks that read containers: state, image, output, ports and files."""

from __future__ import annotations

import shlex
import time

from ...containers import argv_of
from ...display import state_ko
from ...images import normalize
from .base import (
    as_text,
    check_file,
    fail,
    find_container,
    find_image,
    need_container,
    need_image,
    parse_time,
    run_inside,
    show_value,
    status_text,
)

_STATE_ALIASES = {"stopped": "exited", "up": "running"}
_STATES = ("running", "exited", "created", "paused", "restarting", "dead")

def container_running(name: str, image: str | None = None, *, settle: float = 5) -> bool:
    """The container ``name`` exists, is running, and (if given) was made from ``image``. A container the
    engine is restarting (its restart back-off) gets up to ``settle`` seconds to settle first."""
    c = need_container(name)
    deadline = time.monotonic() + settle
    while c.status == "restarting" and time.monotonic() < deadline:
        time.sleep(0.2)
        c = need_container(name)
    if c.status != "running":
        fail(f"컨테이너 '{name}'이(가) 실행 중이어야 합니다.", state_ko("running"), status_text(c),
             _state_hint(name, c.status, "running"))
    if image is not None:
        _same_image(c, image)
    return True


def _same_image(c, image: str) -> None:
    actual_ref = c.attrs.get("Config", {}).get("Image", "")
    want = find_image(image)
    if (want is not None and want.id == c.attrs.get("Image")) or normalize(actual_ref) == normalize(image):
        return
    fail(f"컨테이너 '{c.name}'은(는) 이미지 '{image}'(으)로 만들어야 합니다.", image, actual_ref,
         f"h.run('{image}', ..., name='{c.name}')처럼 이미지 이름과 태그를 정확히 쓰세요.")


def _state_hint(name: str, actual: str, expected: str) -> str:
    moves = {
        ("exited", "running"): f"`h.start('{name}')`로 다시 시작하세요. 시작하자마자 끝난다면, 계속 실행되는 명령"
                               "(예: sleep 3600)으로 만들었는지 확인하세요.",
        ("created", "running"): f"만들기만 하고 시작하지 않았습니다: `h.start('{name}')`.",
        ("paused", "running"): f"`h.unpause('{name}')`로 일시 정지를 푸세요.",
        ("running", "exited"): f"`h.stop('{name}')`으로 멈추세요 (docker stop).",
        ("paused", "exited"): f"`h.unpause('{name}')` 후 `h.stop('{name}')`.",
        ("running", "paused"): f"`h.pause('{name}')`로 일시 정지하세요.",
        ("created", "exited"): f"`h.start('{name}')`로 한 번 실행해서 끝나게 하세요.",
    }
    return moves.get((actual, expected), f"`h.ps(all=True)`로 '{name}'의 상태를 확인하세요.")


def container_state(name: str, expected: str) -> bool:
    """The container ``name`` is in state ``expected`` (running, exited/stopped, created, paused)."""
    want = _STATE_ALIASES.get(expected, expected)
    if want not in _STATES:
        raise ValueError(f"unknown container state: {expected!r}")
    c = need_container(name)
    if c.status != want:
        fail(f"컨테이너 '{name}'이(가) {state_ko(want)} 상태여야 합니다.", state_ko(want), status_text(c),
             _state_hint(name, c.status, want))
    return True


def container_restarted(name: str) -> bool:
    """The container ``name`` is running again after it was stopped at least once
    (stop + start, or restart)."""
    container_running(name)
    c = need_container(name)
    state = c.attrs["State"]
    finished = state.get("FinishedAt", "")
    if not finished or finished.startswith("0001"):
        fail(f"컨테이너 '{name}'은(는) 한 번 멈췄다가 다시 시작되어야 합니다.", "멈춘 적이 있고 지금 실행 중",
             "처음 시작한 뒤 한 번도 멈춘 적 없음",
             f"`h.restart('{name}', time=0)` 또는 `h.stop(...)` 다음 `h.start(...)`.")
    if parse_time(state["StartedAt"]) < parse_time(finished):
        fail(f"컨테이너 '{name}'은(는) 멈춘 뒤 다시 시작되어야 합니다.", "멈춘 뒤 다시 시작", "멈춘 뒤 시작하지 않음",
             f"`h.start('{name}')`.")
    return True


def container_from(name: str, image: str, *, default_command: bool = False) -> bool:
    """The container ``name`` (in any state) was made from ``image``; with ``default_command``, it ran
    the image's own default command (its Entrypoint and Cmd): it was started without a command.

    A command typed out that equals the image's default makes the same container and passes.
    """
    c = need_container(name)
    _same_image(c, image)
    if default_command:
        own = c.attrs.get("Config") or {}
        default = need_image(image).attrs.get("Config") or {}
        got = [*(own.get("Entrypoint") or []), *(own.get("Cmd") or [])]
        want = [*(default.get("Entrypoint") or []), *(default.get("Cmd") or [])]
        if got != want:
            fail(f"컨테이너 '{name}'은(는) 명령 없이, 이미지의 기본 명령(CMD)으로 실행해야 합니다.",
                 f"{show_value(want)} (이미지 '{image}'의 기본 명령)", f"{show_value(got)} (직접 준 명령)",
                 f"명령을 주지 말고 h.run('{image}', name='{name}')(docker run --name {name} {image})로 실행하세요. "
                 f"먼저 h.rm('{name}')으로 지우세요. 기본 명령이 틀렸다면 commit할 때 CMD를 바꾸세요.")
    return True


LOG_LIMIT = 1_000_000  # bytes of a container's logs a check reads (a flooding container is not read whole)


def _logs(c) -> str:
    """The container's output (stdout and stderr), at most LOG_LIMIT bytes of it."""
    out = c.logs(stdout=True, stderr=True, stream=True, follow=False)
    data = b""
    for chunk in [out] if isinstance(out, bytes) else out:  # the SDK streams chunks; a recorded engine may not
        data += chunk
        if len(data) > LOG_LIMIT:
            break
    return data[:LOG_LIMIT].decode("utf-8", "replace")


def printed_by(name: str, value, *, what: str = "출력") -> bool:
    """``value`` is what the container ``name`` printed (its logs), not text from elsewhere."""
    c = need_container(name)
    logs = _logs(c)
    got = as_text(value, what)
    if " ".join(got.split()) != " ".join(logs.split()):
        fail(f"{what}에는 컨테이너 '{name}'이(가) 출력한 내용이 들어 있어야 합니다.", show_value(logs) or "빈 출력",
             show_value(got) or "빈 문자열", f"'{name}'을(를) 실행한 h.run(...)이 돌려준 값을 그대로 넣으세요.")
    return True


def exec_output(name: str, command, value, *, what: str = "출력") -> bool:
    """``value`` is what ``command`` prints inside the running container ``name``
    (the check runs the command again and compares)."""
    container_running(name)
    argv = argv_of(command)
    result = run_inside(need_container(name), argv)
    expected = result.output.decode("utf-8", "replace")
    got = as_text(value, what)
    if " ".join(got.split()) != " ".join(expected.split()):
        line = shlex.join(argv)
        fail(f"{what}에는 '{name}' 안에서 `{line}`을(를) 실행한 출력이 들어 있어야 합니다.",
             show_value(expected) or "빈 출력", show_value(got) or "빈 문자열",
             f"h.exec('{name}', {line!r})가 돌려준 값을 그대로 넣으세요.")
    return True


def container_absent(name: str) -> bool:
    """No container is called ``name`` (it was removed)."""
    c = find_container(name)
    if c is not None:
        hint = f"`h.rm('{name}')`으로 지우세요."
        if c.status == "running":
            hint = (f"실행 중인 컨테이너는 바로 지울 수 없습니다: `h.stop('{name}')` 다음 `h.rm('{name}')`"
                    f" (또는 `h.rm('{name}', force=True)`).")
        elif c.status == "paused":
            hint = (f"일시 정지한 컨테이너는 바로 지울 수 없습니다: `h.unpause('{name}')`, `h.stop('{name}')` 다음 "
                    f"`h.rm('{name}')` (또는 `h.rm('{name}', force=True)`).")
        fail(f"컨테이너 '{name}'을(를) 지워야 합니다.", "없음", f"아직 있음({status_text(c)})", hint)
    return True


def _host_ports(c, key: str) -> list[int]:
    binds = (c.attrs.get("NetworkSettings", {}).get("Ports") or {}).get(key) or []
    return sorted({int(b["HostPort"]) for b in binds if b.get("HostPort")})


def _key(container_port) -> str:
    text = str(container_port)
    return text if "/" in text else f"{text}/tcp"


def _chosen_host_ports(c, key: str) -> list[int]:
    """Host ports the learner wrote for ``key`` (``-p 28080:80``); none for ``-P`` or ``-p 80``,
    where the engine picks a free one."""
    binds = ((c.attrs.get("HostConfig") or {}).get("PortBindings") or {}).get(key) or []
    return sorted({int(b["HostPort"]) for b in binds if str(b.get("HostPort") or "0") != "0"})


def port_published(name: str, container_port, host_port: int | None = None, *, random: bool = False) -> int:
    """The running container ``name`` publishes ``container_port`` on a host port (``host_port`` when
    given; with ``random``, one the engine picked: ``-P`` or ``-p 80``, not a port the learner wrote).
    Returns the host port."""
    c = need_container(name)
    key = _key(container_port)
    if c.status != "running":
        fail(f"포트는 실행 중인 컨테이너만 게시됩니다: '{name}'이(가) 실행 중이어야 합니다.",
             state_ko("running"), status_text(c), _state_hint(name, c.status, "running"))
    hosts = _host_ports(c, key)
    if not hosts:
        published = {k: _host_ports(c, k) for k in (c.attrs["NetworkSettings"].get("Ports") or {})}
        others = ", ".join(f"{hp}->{k}" for k, hps in published.items() for hp in hps)
        fail(f"컨테이너 '{name}'의 {key} 포트가 호스트 포트에 게시(publish)되어 있어야 합니다.",
             f"{host_port if host_port else '호스트 포트'} -> {key}", f"게시 없음{f' (게시된 것: {others})' if others else ''}",
             "`-p 호스트:컨테이너`는 ports='28080:80', 임의의 호스트 포트는 -P(publish_all=True) 또는 -p 80(ports='80').")
    if host_port is not None and int(host_port) not in hosts:
        fail(f"컨테이너 '{name}'의 {key} 포트는 호스트 포트 {host_port}에 게시되어야 합니다.",
             f"{host_port} -> {key}", ", ".join(f"{h} -> {key}" for h in hosts),
             "-p 는 '호스트:컨테이너' 순서입니다. 지우고(h.rm(..., force=True)) 올바른 포트로 다시 실행하세요.")
    chosen = _chosen_host_ports(c, key)
    if random and chosen:
        number = key.split("/")[0]
        fail(f"컨테이너 '{name}'의 {key} 포트는 엔진이 고른 임의의 호스트 포트에 게시되어야 합니다.",
             f"임의의 호스트 포트 (-P 또는 -p {number})",
             f"직접 정한 호스트 포트 {', '.join(map(str, chosen))} (-p {chosen[0]}:{number})",
             f"호스트 포트를 적지 마세요: h.run(..., publish_all=True)(-P). 먼저 h.rm('{name}', force=True)로 지우고 "
             "다시 실행하세요.")
    return int(host_port) if host_port is not None else hosts[0]


def container_has_file(name: str, path: str, contains: str | None = None) -> bool:
    """The container ``name`` has the file ``path`` (containing ``contains``, if given)."""
    c = need_container(name)
    check_file(c.id, f"컨테이너 '{name}'", path, contains,
               hint=f"실행 중인 컨테이너 안의 파일은 h.exec('{name}', [\"sh\", \"-c\", \"echo 내용 > 경로\"])로 "
                    f"바꾸고, h.exec('{name}', 'cat 경로')로 확인하세요.")
    return True


