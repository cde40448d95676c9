"""helpers.grading.checks.debugging over recorded answers (``recorded/debugging.json``, made by
``record_debugging.py``): a misspelled command the engine refused (exit code 127, ``State.Error``), a restart loop
(``--restart on-failure``, exit code 1, ``RestartCount``), a server that went to the background (exit code 0), and
one that stays up; their ``die`` events. Each failure names the differing fact in Korean (기대/실제)."""

from __future__ import annotations

import copy

import pytest

from helpers.grading import checks
from helpers.grading.checks import debugging

from ..replay import failure, recorded

DEBUG = recorded("debugging")
FIRST, LATER, DIES = DEBUG["first"], DEBUG["two_seconds_later"], DEBUG["die_events"]
RUNNING = "실행 중(running)"


def name(key: str) -> str:
    return FIRST[key]["Name"].lstrip("/")


@pytest.fixture
def engine12(replay, monkeypatch):
    """The recorded containers as they were two seconds after the first look, with their die events; no sleeping."""
    for rec in LATER.values():
        replay.inspect_containers[rec["Id"]] = copy.deepcopy(rec)
        replay.container_rows[rec["Id"]] = {"Id": rec["Id"], "Names": [rec["Name"]], "Image": rec["Config"]["Image"],
                                            "State": rec["State"]["Status"]}
    replay.event_log = copy.deepcopy(DIES)
    replay.system_time = "2100-01-01T00:00:00.000000000Z"
    monkeypatch.setattr(debugging.time, "sleep", lambda _s: None)
    return replay


def test_facts_are_plain_values_from_the_record():
    f = debugging.facts(LATER["typo"])
    assert f["status"] == "created" and f["exit_code"] == 127 and f["restart_count"] == 0
    assert all(type(v) in (str, int, bool) for v in f.values())


def test_describe_names_the_fact_that_explains_each_state():
    typo, loop = debugging.facts(LATER["typo"]), debugging.facts(LATER["loop"])
    assert debugging.describe(typo) == \
        '생성됨(created), 종료 코드 127, 시작 실패: exec: "pyhton3": executable file not found in $PATH'
    assert debugging.describe(loop) == f"다시 시작 중(restarting), 종료 코드 1, RestartCount {LATER['loop']['RestartCount']}"
    assert debugging.describe(debugging.facts(LATER["daemon"])) == "종료됨(exited), 종료 코드 0"
    oom = debugging.facts({**LATER["daemon"], "State": {**LATER["daemon"]["State"], "ExitCode": 137, "OOMKilled": True}})
    assert debugging.describe(oom) == "종료됨(exited), 종료 코드 137, OOMKilled (메모리 제한을 넘음)"
    assert "--memory" in debugging.hint_for(oom) and "128 + 9" in debugging.hint_for(oom)


def test_stays_up_passes_for_a_server_in_the_foreground(engine12):
    assert checks.stays_up(name("fixed")) is True


def test_stays_up_fails_on_a_refused_start_with_the_error_and_exit_code(engine12):
    f = failure(checks.stays_up, name("typo"))
    assert f.expected == RUNNING and f.actual.startswith("생성됨(created), 종료 코드 127, 시작 실패: exec: \"pyhton3\"")
    assert "127: 명령을 찾지 못함" in f.hint and "['State']['Error']" in f.hint


def test_stays_up_fails_on_a_restart_loop_and_points_to_the_logs(engine12):
    f = failure(checks.stays_up, name("loop"))
    assert f.expected == RUNNING and "RestartCount" in f.actual and "종료 코드 1" in f.actual
    assert "h.logs('recordtest-loop')" in f.hint and "h.cp" in f.hint


def test_stays_up_fails_on_a_server_gone_to_the_background(engine12):
    f = failure(checks.stays_up, name("daemon"))
    assert f.actual == "종료됨(exited), 종료 코드 0" and "-f" in f.hint and "포그라운드" in f.hint


def test_judge_stayed_catches_a_restart_between_two_looks():
    before = debugging.facts(FIRST["fixed"])
    after = dict(before, restart_count=1, started_at="2099-01-01T00:00:00Z")
    f = failure(debugging.judge_stayed, before, after, 2)
    assert f.expected == "같은 프로세스가 계속 실행 (RestartCount 0)"
    assert f.actual == "그 사이에 다시 시작됨 (RestartCount 0 → 1)"
    debugging.judge_stayed(before, dict(before), 2)  # the same process: passes


def test_judge_no_exits_names_how_often_and_with_which_codes():
    caught = debugging.facts(FIRST["fixed"])  # running right now, yet the engine logged exits of it
    f = failure(debugging.judge_no_exits, caught, [1, 1, 1])
    assert f.expected == "종료 기록 없음" and f.actual.startswith("3번 종료됨 (종료 코드 1, 1, 1), 지금 실행 중(running)")
    assert "재시작 정책" not in f.hint and "h.logs" in f.hint
    debugging.judge_no_exits(caught, [])


def test_exits_of_reads_the_die_events_of_that_container_only(engine12):
    loop = debugging.facts(LATER["loop"])
    codes = debugging.exits_of(loop)
    assert codes and set(codes) == {1}
    assert debugging.exits_of(debugging.facts(LATER["daemon"])) == [0]
    assert debugging.exits_of(debugging.facts(LATER["fixed"])) == []


def test_serves_inside_asks_from_inside_and_names_what_came_back(engine12):
    fetch = " ".join(["sh", "-c", debugging._FETCH, "http://127.0.0.1:8080/"])
    engine12.exec_results[fetch] = (b"<h1>hello</h1>\n", None, 0)
    assert checks.serves_inside(name("fixed"), 8080, "hello") == "<h1>hello</h1>\n"
    wrong = failure(checks.serves_inside, name("fixed"), 8080, "안녕하세요", wait=0)
    assert wrong.expected == "'안녕하세요' 포함" and wrong.actual == "<h1>hello</h1>"
    engine12.exec_results[fetch] = (b"", None, 1)
    silent = failure(checks.serves_inside, name("fixed"), 8080, wait=0)
    assert silent.actual == "응답 없음 (요청 종료 코드 1)" and "포그라운드" in silent.hint
    stopped = failure(checks.serves_inside, name("daemon"), 8080, wait=0)
    assert stopped.expected == RUNNING
