"""Checks that read why a container will not stay up, and whether a fixed one does: its state and the facts that
explain it (``State.ExitCode``, ``State.Error``, ``State.OOMKilled``, ``RestartCount``), the exits the engine logged
for it (``docker events``, action ``die``), and whether the program inside really answers.

Introduced with the chapter 12 exercise. Every fact comes from ``docker inspect`` and ``docker events`` and is copied
to plain built-in values first (:func:`facts`), so a container made with ``h.run``, the docker SDK or ``!docker run``
grades the same. The judging functions (:func:`judge_running`, :func:`judge_stayed`, :func:`judge_no_exits`) take
those plain values and are what the unit tests feed recorded JSON to.
"""

from __future__ import annotations

import re
import shlex
import time

from ...display import state_ko
from .base import engine_events, fail, need_container, parse_time, show_value


def facts(attrs: dict) -> dict:
    """The facts of one ``docker inspect`` record that say whether a container is up, as plain built-ins."""
    state = attrs.get("State") or {}
    return {"name": str(attrs.get("Name") or "").lstrip("/"), "id": str(attrs.get("Id") or ""),
            "created": str(attrs.get("Created") or ""), "status": str(state.get("Status") or ""),
            "exit_code": int(state.get("ExitCode") or 0), "error": str(state.get("Error") or ""),
            "oom_killed": bool(state.get("OOMKilled")), "started_at": str(state.get("StartedAt") or ""),
            "restart_count": int(attrs.get("RestartCount") or 0),
            "restart_policy": str(((attrs.get("HostConfig") or {}).get("RestartPolicy") or {}).get("Name") or "no")}


def describe(f: dict) -> str:
    """The state in Korean with the facts that explain it: ``재시작 중(restarting), 종료 코드 1, RestartCount 6``."""
    text = state_ko(f["status"])
    never_started = f["started_at"].startswith("0001")
    if f["status"] in ("exited", "restarting", "dead") or (f["status"] == "created" and f["error"]):
        text += f", 종료 코드 {f['exit_code']}"
    if f["error"]:
        text += f", 시작 실패: {short_error(f['error'])}"
    if f["oom_killed"]:
        text += ", OOMKilled (메모리 제한을 넘음)"
    if f["restart_count"]:
        text += f", RestartCount {f['restart_count']}"
    if f["status"] == "created" and never_started and not f["error"]:
        text += " (시작한 적 없음)"
    return text


def short_error(error: str) -> str:
    """The part of ``State.Error`` a learner can act on: ``exec: "pyhton3": executable file not found in $PATH``
    out of the runtime's long ``failed to create shim task: OCI runtime create failed: ...: unknown``."""
    m = re.search(r"(exec: .*?|no such file or directory.*?|permission denied.*?)(?::\s*unknown)?$", error)
    return show_value(m.group(1) if m else error, 80)


def hint_for(f: dict) -> str:
    """What to look at next, from the facts (exit code, error, OOM, restarts)."""
    name = f["name"]
    if f["oom_killed"] or f["exit_code"] == 137:
        return (f"메모리 제한을 넘어 커널이 프로세스를 죽였습니다(종료 코드 137 = 128 + 9, SIGKILL). 제한(--memory)을 "
                f"늘리거나 프로그램이 덜 쓰게 하세요. h.inspect('{name}')['State']['OOMKilled']로 확인합니다.")
    if f["error"] or f["exit_code"] in (126, 127):
        return (f"컨테이너가 명령을 실행하지 못했습니다(126: 실행 권한 없음, 127: 명령을 찾지 못함). "
                f"h.inspect('{name}')['State']['Error']와 ['Config']['Cmd']에서 명령 이름의 철자를 확인하세요.")
    if f["status"] == "restarting" or f["restart_count"]:
        return (f"주 프로세스가 오류로 끝나고 재시작 정책이 계속 다시 시작합니다. h.logs('{name}')에서 무엇이 "
                "없다고 하는지 보세요 (필요한 파일은 멈춘 컨테이너에서도 h.cp로 꺼낼 수 있습니다).")
    if f["status"] == "exited" and f["exit_code"] == 0:
        return ("주 프로세스가 오류 없이 끝났습니다(종료 코드 0). 서버를 백그라운드로 보내는 명령이라면 포그라운드로 "
                "실행하는 옵션(busybox httpd는 -f)을 주세요. 컨테이너는 주 프로세스가 살아 있는 동안만 실행됩니다.")
    if f["status"] == "exited":
        return f"h.logs('{name}')에서 프로그램이 마지막에 무엇을 말했는지 보세요."
    if f["status"] == "created":
        return f"만들기만 하고 시작하지 않았습니다: h.start('{name}')."
    return f"h.ps(all=True)와 h.inspect('{name}')['State']로 상태를 확인하세요."


def judge_running(f: dict) -> None:
    """``f`` (see :func:`facts`) is a running container; otherwise the failure names the facts that say why not."""
    if f["status"] != "running":
        fail(f"컨테이너 '{f['name']}'이(가) 실행 중이어야 합니다.", state_ko("running"), describe(f), hint_for(f))


def judge_stayed(before: dict, after: dict, seconds: float) -> None:
    """The same process kept running between two looks ``seconds`` apart: still running, same ``StartedAt``,
    same ``RestartCount``."""
    judge_running(after)
    if after["id"] != before["id"]:
        fail(f"컨테이너 '{after['name']}'을(를) 확인하는 동안 다른 컨테이너로 바뀌면 안 됩니다.", f"ID {before['id'][:12]}",
             f"ID {after['id'][:12]}", "테스트 셀을 실행하는 동안에는 컨테이너를 다시 만들지 마세요.")
    if after["started_at"] != before["started_at"] or after["restart_count"] != before["restart_count"]:
        fail(f"컨테이너 '{after['name']}'이(가) {seconds:g}초 동안 멈추지 않고 계속 실행되어야 합니다.",
             f"같은 프로세스가 계속 실행 (RestartCount {before['restart_count']})",
             f"그 사이에 다시 시작됨 (RestartCount {before['restart_count']} → {after['restart_count']})",
             hint_for({**after, "status": "restarting"}))


def judge_no_exits(f: dict, exit_codes: list[int]) -> None:
    """The engine logged no exit of this container since it was created (``exit_codes``: the ``exitCode`` of each
    of its ``die`` events, oldest first)."""
    if exit_codes:
        codes = ", ".join(str(c) for c in exit_codes[-5:])
        fail(f"고친 컨테이너 '{f['name']}'은(는) 만든 뒤로 한 번도 끝나지 않아야 합니다 (엔진의 docker events 기록).",
             "종료 기록 없음", f"{len(exit_codes)}번 종료됨 (종료 코드 {codes}), 지금 {describe(f)}",
             f"고장 난 채로 끝난 적이 있는 컨테이너입니다. h.rm('{f['name']}', force=True)로 지우고, 고친 설정으로 같은 이름의 "
             "컨테이너를 새로 만드세요. " + hint_for({**f, "status": "exited", "exit_code": exit_codes[-1], "restart_count": 0}))


def _inspect(name: str) -> dict:
    return facts(need_container(name).attrs)


def exits_of(f: dict) -> list[int]:
    """The exit codes the engine logged (``die`` events) for the container ``f`` since it was created."""
    found = engine_events(parse_time(f["created"]), "container", "die", container=f["id"])
    return [int(((e.get("Actor") or {}).get("Attributes") or {}).get("exitCode") or 0) for e in found
            if e.get("id") == f["id"] or ((e.get("Actor") or {}).get("ID") == f["id"])]


def stays_up(name: str, *, seconds: float = 2.0) -> bool:
    """The container ``name`` is running and stays up: ``seconds`` later it is the same process (same ``StartedAt``
    and ``RestartCount``), and the engine logged no exit of it since it was created (no restart loop)."""
    before = _inspect(name)
    judge_running(before)
    time.sleep(seconds)
    after = _inspect(name)
    judge_stayed(before, after, seconds)
    judge_no_exits(after, exits_of(after))
    return True


_FETCH = ("timeout 5 wget -q -O - \"$0\" 2>/dev/null || python3 -c 'import sys, urllib.request as u; "
          "sys.stdout.write(u.urlopen(sys.argv[1], timeout=3).read().decode())' \"$0\"")


def serves_inside(name: str, port: int, contains: str | None = None, *, wait: float = 10) -> str:
    """A web server answers inside the running container ``name`` on ``http://127.0.0.1:PORT/`` (asked by the check
    with ``wget`` or ``python3`` in the container, for up to ``wait`` seconds while it starts), with ``contains`` in
    the page when given. Returns the page."""
    url = f"http://127.0.0.1:{int(port)}/"
    deadline = time.monotonic() + wait
    while True:
        c = need_container(name)
        if c.status != "running":
            judge_running(facts(c.attrs))
        code, out = c.exec_run(["sh", "-c", _FETCH, url])  # this loop asks again until the deadline
        page = (out or b"").decode("utf-8", "replace")
        if (code == 0 and (contains is None or contains in page)) or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    if code != 0:
        fail(f"컨테이너 '{name}' 안에서 {url} 이(가) 답해야 합니다 (채점기가 안에서 다시 요청함).", f"{url} 응답",
             f"응답 없음 (요청 종료 코드 {code})",
             f"h.exec('{name}', {shlex.join(['wget', '-q', '-O', '-', url])!r})로 직접 확인하세요. 서버가 그 포트에서 "
             "포그라운드로 돌고 있는지, 명령이 고장 난 컨테이너와 같은지(h.inspect의 Config.Cmd) 보세요.")
    if contains is not None and contains not in page:
        fail(f"컨테이너 '{name}'의 {url} 응답에 '{contains}'이(가) 들어 있어야 합니다.", f"'{contains}' 포함",
             show_value(page) or "빈 응답", "고장 난 컨테이너가 보여 주려던 페이지와 같은 내용을 내도록 고치세요.")
    return page
