"""helpers.grading.checks.base: the failure text, lookups, file reads and ``made_in_this_run``, over engine
answers recorded in ``tests/unit/grading/recorded``."""

from __future__ import annotations

import base64
import datetime as dt
import io
import tarfile

import pytest

from helpers import errors
from helpers.grading import checks
from helpers.grading.checks import base
from helpers.grading.clock import clock, parse_time
from helpers.grading.exercise import Run

from ..replay import failure, recorded

UTC = dt.timezone.utc
SEOUL = dt.timezone(dt.timedelta(hours=9))
CONTAINERS = recorded("containers")
IMAGES = recorded("images")


def created(key: str) -> dt.datetime:
    return parse_time(CONTAINERS[key]["Created"])


# -- the failure text -------------------------------------------------------------------------------

def test_fail_raises_check_failed_with_the_expected_and_actual_line():
    with pytest.raises(checks.CheckFailed) as info:
        base.fail("컨테이너가 있어야 합니다.", "컨테이너 web", "없음", "h.ps(all=True)로 확인하세요.")
    err = info.value
    assert isinstance(err, AssertionError) and isinstance(err, errors.CourseError)  # a failed `assert` cell
    assert err.message == "컨테이너가 있어야 합니다.\n  무엇이 다른지: 기대 컨테이너 web, 실제 없음"
    assert err.hint == "h.ps(all=True)로 확인하세요."
    assert str(err) == err.message + "\n  해결: h.ps(all=True)로 확인하세요."


def test_fail_without_a_hint_shows_no_hint_line():
    with pytest.raises(checks.CheckFailed) as info:
        base.fail("답이 맞지 않습니다.", "B", "A")
    assert str(info.value) == "답이 맞지 않습니다.\n  무엇이 다른지: 기대 B, 실제 A"


@pytest.mark.parametrize(("value", "shown"), [
    ("abc", "abc"),
    ("  Hello from recordtest\nsecond   line\n", "Hello from recordtest second line"),
    (["cat", "/etc/motd"], '["cat", "/etc/motd"]'),
    ({"포트": 80}, '{"포트": 80}'),
    (32768, "32768"),
    (None, "null"),
    ("", ""),
])
def test_show_value_folds_blanks_and_shows_non_text_as_json(value, shown):
    assert base.show_value(value) == shown


def test_show_value_cuts_long_values_at_the_limit():
    assert base.show_value("x" * 100) == "x" * 79 + "…"
    assert base.show_value("x" * 80) == "x" * 80
    assert base.show_value("abcdef", limit=4) == "abc…"


# -- lookups ------------------------------------------------------------------------------------------

def test_recorded_list_rows_agree_with_the_inspect_records():
    rows = recorded("containers_list")
    assert rows.keys() == CONTAINERS.keys()
    for key, rec in CONTAINERS.items():
        row = rows[key]
        assert (row["Id"], row["Names"], row["ImageID"], row["State"]) == (
            rec["Id"], [rec["Name"]], rec["Image"], rec["State"]["Status"]), key


def test_need_container_returns_the_engines_container_by_name_or_id(replay):
    rec = replay.load_container("running")
    c = base.need_container("recordtest-running")
    assert (c.name, c.status, c.id) == ("recordtest-running", "running", rec["Id"])
    assert base.need_container(rec["Id"][:12]).name == "recordtest-running"


def test_need_container_names_the_missing_container(replay):
    replay.load_container("running")
    f = failure(base.need_container, "ex02-box")
    assert f.what == "'ex02-box'(이)라는 이름의 컨테이너가 있어야 합니다."
    assert (f.expected, f.actual) == ("컨테이너 ex02-box", "없음")
    assert "name='ex02-box'" in f.hint and "docker run --name ex02-box" in f.hint and "h.ps(all=True)" in f.hint


def test_need_container_lists_similar_names(replay):
    for key in ("running", "exited0", "killed"):
        replay.load_container(key)
    f = failure(base.need_container, "recordtest-runing")
    assert f.actual == "없음 (비슷한 이름: recordtest-exited0, recordtest-killed, recordtest-running)"


def test_need_image_returns_the_image_by_any_of_its_names(replay):
    rec = replay.load_image("multi")
    for ref in ("busybox:1.35", "recordtest-multi:1", "recordtest-multi:2", "docker.io/library/busybox:1.35"):
        assert base.need_image(ref).id == rec["Id"]


def test_need_image_names_the_missing_image_and_the_repositorys_other_tags(replay):
    replay.load_image("multi")
    f = failure(base.need_image, "recordtest-multi:3")
    assert f.what == "이미지 'recordtest-multi:3'이(가) 있어야 합니다."
    assert f.expected == "recordtest-multi:3"
    assert f.actual == "없음 (같은 저장소에 있는 이름: recordtest-multi:1, recordtest-multi:2)"
    assert "h.images()" in f.hint
    assert failure(base.need_image, "ex05/motd:1.0").actual == "없음"


def test_other_tags_lists_only_that_repositorys_names(replay):
    for key in IMAGES:
        replay.load_image(key)
    # the fake answers api.images(name=repo) like the recorded engine: only that repository's tags per row
    for repo, rows in recorded("images_list").items():
        got = sorted((r["Id"], sorted(r["RepoTags"]), r["Created"]) for r in replay.api.images(name=repo))
        assert got == sorted((r["Id"], sorted(r["RepoTags"]), r["Created"]) for r in rows), repo
    assert base.other_tags("busybox:latest") == " (같은 저장소에 있는 이름: busybox:1.35)"
    assert base.other_tags("recordtest-motd") == (" (같은 저장소에 있는 이름: recordtest-motd:1.0, recordtest-motd:plain, "
                                                  "recordtest-motd:quoted, recordtest-motd:shell)")
    assert base.other_tags("ex05/motd:1.0") == ""


@pytest.mark.parametrize(("key", "text"), [
    ("running", "실행 중(running)"),
    ("restarted", "실행 중(running)"),
    ("exited0", "종료됨(exited), 종료 코드 0"),
    ("killed", "종료됨(exited), 종료 코드 137"),
    ("created", "생성됨(created)"),
    ("paused", "일시 정지(paused)"),
])
def test_status_text_names_the_state_in_korean_with_the_exit_code(replay, key, text):
    rec = replay.load_container(key)
    assert base.status_text(base.need_container(rec["Name"].lstrip("/"))) == text


def test_as_text_takes_text_and_bytes():
    assert base.as_text("안녕", "greeting") == "안녕"
    assert base.as_text("안녕\n".encode(), "greeting") == "안녕\n"
    assert base.as_text(b"\xff", "greeting") == "\ufffd"


@pytest.mark.parametrize(("value", "type_name"), [(42, "int"), (None, "NoneType"), (["a"], "list")])
def test_as_text_rejects_what_is_not_an_output(value, type_name):
    f = failure(base.as_text, value, "greeting")
    assert f.what == "greeting에는 명령의 출력(문자열)을 넣어야 합니다."
    assert (f.expected, f.actual) == ("문자열", type_name)
    assert "h.run(...)/h.exec(...)" in f.hint


# -- files ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "content"), [
    ("/etc/motd", "도커를 익히다\n".encode()),
    ("/etc/motd-abs", "도커를 익히다\n".encode()),  # absolute symlink, followed
    ("/etc/motd-rel", "도커를 익히다\n".encode()),  # relative symlink, followed from its folder
    ("/etc/empty", b""),
    ("/tmp/emptydir", None),  # a directory is not a file
    ("/nope", None),  # the engine's 404
])
def test_read_file_reads_recorded_archives(replay, path, content):
    cid = replay.load_container("work")["Id"]
    assert base.read_file(cid, path) == content


def _tar(*members: tarfile.TarInfo) -> dict:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for m in members:
            tar.addfile(m)
    return {"stat": {}, "tar_base64": base64.b64encode(buf.getvalue()).decode()}


def _link(name: str, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = tarfile.SYMTYPE, target
    return info


def test_read_file_gives_up_on_a_long_symlink_chain_and_an_empty_archive(replay):
    cid = replay.load_container("work")["Id"]
    files = replay.archives[cid]
    for i in range(7):
        files[f"/tmp/l{i}"] = _tar(_link(f"l{i}", f"l{i + 1}"))
    files["/tmp/l7"] = files["/etc/motd"]
    files["/tmp/hollow"] = _tar()
    assert base.read_file(cid, "/tmp/l3") == "도커를 익히다\n".encode()  # four links: followed
    assert base.read_file(cid, "/tmp/l0") is None  # seven links: given up
    assert base.read_file(cid, "/tmp/hollow") is None


HINT = "파일을 바꾼 방법대로 다시 해 보세요."


def test_check_file_on_a_symlink_loop_fails_as_a_graded_failure(replay):
    cid = replay.load_container("work")["Id"]
    f = failure(base.check_file, cid, "컨테이너 'recordtest-work'", "/tmp/loop", None, hint=HINT)
    assert f.actual == "없음"


def test_check_file_passes_when_the_file_has_the_text(replay):
    cid = replay.load_container("work")["Id"]
    assert base.check_file(cid, "컨테이너 'recordtest-work'", "/etc/motd", "익히다", hint=HINT) is None
    assert base.check_file(cid, "컨테이너 'recordtest-work'", "/etc/empty", None, hint=HINT) is None


def test_check_file_names_the_missing_file_with_the_callers_hint(replay):
    cid = replay.load_container("work")["Id"]
    f = failure(base.check_file, cid, "컨테이너 'recordtest-work'", "/nope", "x", hint=HINT)
    assert f.what == "컨테이너 'recordtest-work' 안에 파일 /nope이(가) 있어야 합니다."
    assert (f.expected, f.actual) == ("/nope", "없음")
    assert f.hint == HINT + " 경로도 확인하세요."


@pytest.mark.parametrize(("path", "actual"), [("/etc/motd", "도커를 익히다"), ("/etc/empty", "빈 파일")])
def test_check_file_shows_what_the_file_holds(replay, path, actual):
    cid = replay.load_container("work")["Id"]
    f = failure(base.check_file, cid, "컨테이너 'recordtest-work'", path, "Docker", hint=HINT)
    assert f.what == f"컨테이너 'recordtest-work'의 {path}에 'Docker'이(가) 들어 있어야 합니다."
    assert (f.expected, f.actual) == ("'Docker' 포함", actual)
    assert f.hint == HINT


# -- the engine's event log -------------------------------------------------------------------------------

EVENTS = recorded("events")
MARKS = {k: parse_time(v) for k, v in EVENTS["marks"].items()}


def test_engine_events_reads_the_log_from_the_mark_to_the_engines_clock(replay):
    replay.load_events("deleted")
    found = base.engine_events(_run(MARKS["start"]), "image", "pull", "delete")
    assert [e["Action"] for e in found] == ["pull", "delete"]  # the second pull has not happened yet
    (call,) = replay.calls_of("events")
    _, since, until, filters = call
    assert since == base._stamp(MARKS["start"]) and "." in since  # not cut to whole seconds
    assert until == base._stamp(MARKS["deleted"])
    assert filters == {"type": "image", "event": ["pull", "delete"]}


def test_engine_events_narrows_by_container_and_leaves_out_what_came_before_the_mark(replay):
    replay.load_events("pulled_again")
    assert [e["Action"] for e in base.engine_events(MARKS["start"], "container", container="recordtest-rm")] == [
        "create", "start", "die", "destroy"]
    assert base.engine_events(MARKS["rm_gone"], "container", "destroy", container="recordtest-rm") == []
    assert base.engine_events(MARKS["start"], "container", "destroy", container="recordtest-other") == []


def test_engine_events_on_an_engine_that_logged_nothing(replay):
    assert base.engine_events(MARKS["start"], "image") == []


# -- need_container: a --rm container ---------------------------------------------------------------------

def test_need_container_says_the_container_was_made_and_removed_in_this_run(replay):
    replay.load_events("rm_gone")
    f = failure(base.need_container, "recordtest-rm", _run(MARKS["start"]))
    assert f.what == "'recordtest-rm'(이)라는 이름의 컨테이너가 있어야 합니다."
    assert (f.expected, f.actual) == ("컨테이너 recordtest-rm", "없음 (이번 실습에서 만들어졌다가 지워짐)")
    assert "`--rm`(rm=True)" in f.hint and "name='recordtest-rm'" in f.hint


def test_need_container_without_the_mark_or_before_it_says_only_missing(replay):
    replay.load_events("rm_gone")
    assert failure(base.need_container, "recordtest-rm").actual == "없음"
    f = failure(base.need_container, "recordtest-rm", MARKS["rm_gone"])  # removed before the exercise began
    assert f.actual == "없음" and "--rm" not in f.hint


# -- made_in_this_run -----------------------------------------------------------------------------------

def _run(started: dt.datetime) -> Run:
    return Run("02", "ex02", started)


@pytest.mark.parametrize("since", [
    _run(created("exited0") - dt.timedelta(seconds=1)),
    created("exited0") - dt.timedelta(microseconds=1),
    created("exited0"),  # made at the very mark: counts
    CONTAINERS["running"]["Created"],  # an engine timestamp (recordtest-running was made just before)
    (created("exited0") - dt.timedelta(seconds=1)).astimezone(SEOUL),
])
def test_made_in_this_run_passes_for_what_was_made_after_the_mark(replay, since):
    replay.load_container("exited0")
    assert checks.made_in_this_run("recordtest-exited0", since) is True


@pytest.mark.parametrize("since", [
    _run(created("exited0") + dt.timedelta(milliseconds=1)),
    created("exited0") + dt.timedelta(microseconds=1),
    CONTAINERS["killed"]["Created"],
    (created("exited0") + dt.timedelta(seconds=1)).astimezone(SEOUL).isoformat(),  # '...+09:00'
    (created("exited0") + dt.timedelta(seconds=1)).astimezone(SEOUL).strftime("%Y-%m-%dT%H:%M:%S.%f%z"),  # +0900
])
def test_made_in_this_run_fails_for_what_was_left_from_before(replay, since):
    replay.load_container("exited0")
    mark = since.started if isinstance(since, Run) else parse_time(since) if isinstance(since, str) else since
    f = failure(checks.made_in_this_run, "recordtest-exited0", since)
    assert f.what == "'recordtest-exited0'은(는) 이번 실습을 시작한 뒤에 만든 것이어야 합니다."
    assert f.expected == f"{clock(mark)} 이후에 만듦"
    assert f.actual == f"{clock(created('exited0'))}에 만듦 (예전에 남은 것)"
    assert "첫 셀부터 다시 실행" in f.hint


def test_made_in_this_run_reads_an_images_creation_time(replay):
    rec = replay.load_image("motd_exec")
    made = parse_time(rec["Created"])
    assert checks.made_in_this_run("recordtest-motd:1.0", made) is True
    f = failure(checks.made_in_this_run, "recordtest-motd:1.0", made + dt.timedelta(seconds=1))
    assert f.actual == f"{clock(made)}에 만듦 (예전에 남은 것)"


def test_made_in_this_run_looks_up_names_with_a_slash_as_images(replay):
    rec = replay.load_image("motd_exec")
    replay.api.tag(rec["Id"], "recordtest/motd", "1.0")
    assert checks.made_in_this_run("recordtest/motd:1.0", parse_time(rec["Created"])) is True


def test_made_in_this_run_kind_settles_a_name_that_is_both(replay):
    replay.load_container("running")  # made 22:35:03
    rec = replay.load_image("motd_exec")  # made 22:35:11
    replay.api.tag(rec["Id"], "recordtest-running")  # an image called recordtest-running:latest too
    mark = created("running") + dt.timedelta(seconds=1)
    assert failure(checks.made_in_this_run, "recordtest-running", mark).actual.startswith(clock(created("running")))
    assert checks.made_in_this_run("recordtest-running", mark, kind="image") is True


def test_made_in_this_run_takes_the_object_itself(replay):
    replay.load_container("exited0")
    img = replay.load_image("motd_exec")
    c = base.need_container("recordtest-exited0")
    assert checks.made_in_this_run(c, created("exited0")) is True
    image = base.need_image("recordtest-motd:1.0")
    f = failure(checks.made_in_this_run, image, parse_time(img["Created"]) + dt.timedelta(seconds=1))
    assert f.what.startswith(f"'{image.short_id}'은(는)")


def test_made_in_this_run_names_a_missing_container_as_need_container_does(replay):
    replay.load_container("running")
    f = failure(checks.made_in_this_run, "recordtest-web", created("exited0"))
    assert f.what == "'recordtest-web'(이)라는 이름의 컨테이너가 있어야 합니다."
    assert (f.expected, f.actual) == ("컨테이너 recordtest-web", "없음 (비슷한 이름: recordtest-running)")
    assert "name='recordtest-web'" in f.hint


def test_made_in_this_run_names_a_container_removed_in_this_run(replay):
    replay.load_events("rm_gone")
    f = failure(checks.made_in_this_run, "recordtest-rm", _run(MARKS["start"]), kind="container")
    assert f.actual == "없음 (이번 실습에서 만들어졌다가 지워짐)" and "--rm" in f.hint


def test_made_in_this_run_names_a_missing_image_with_the_repositorys_other_tags(replay):
    replay.load_image("motd_exec")
    f = failure(checks.made_in_this_run, "recordtest-motd:2.0", created("exited0"))
    assert f.what == "이미지 'recordtest-motd:2.0'이(가) 있어야 합니다."
    assert (f.expected, f.actual) == ("recordtest-motd:2.0", "없음 (같은 저장소에 있는 이름: recordtest-motd:1.0)")


def test_made_in_this_run_counts_an_image_buildkit_stored_again_from_its_cache(replay, monkeypatch):
    rec = replay.load_image("motd_exec")
    later = parse_time(rec["Created"]) + dt.timedelta(minutes=5)
    asked = []

    def logged(since, kind, *actions, **filters):
        asked.append((kind, actions))
        return [{"Type": "image", "Action": "create", "id": rec["Id"]}]

    monkeypatch.setattr(base, "engine_events", logged)
    assert checks.made_in_this_run("recordtest-motd:1.0", later) is True  # Created is the first build's
    assert asked == [("image", ("create",))]
    monkeypatch.setattr(base, "engine_events", lambda *a, **k: [{"Type": "image", "Action": "create", "id": "sha256:0"}])
    assert failure(checks.made_in_this_run, "recordtest-motd:1.0", later).actual.endswith("(예전에 남은 것)")


def test_made_in_this_run_never_asks_the_event_log_about_a_container(replay, monkeypatch):
    replay.load_container("exited0")
    monkeypatch.setattr(base, "engine_events", lambda *a, **k: pytest.fail("a container's Created is its own"))
    failure(checks.made_in_this_run, "recordtest-exited0", created("exited0") + dt.timedelta(seconds=1))
