"""helpers.grading.checks.images over recorded `docker image inspect` answers: names, ids, Cmd (exec and
shell form), files of committed images, and an image pulled again (from the engine's event log)."""

from __future__ import annotations

import json

import pytest

from helpers._state import CHAPTER_LABEL
from helpers.grading import checks
from helpers.grading.clock import parse_time

from ..replay import failure, recorded

IMAGES = recorded("images")
BUSYBOX_ID = IMAGES["multi"]["Id"]
HTTPD_ID = IMAGES["httpd"]["Id"]
PLAIN_CMD = json.dumps(IMAGES["motd_plain"]["Config"]["Cmd"], ensure_ascii=False)  # longer than 80 characters


# -- image_exists -----------------------------------------------------------------------------------

@pytest.mark.parametrize("ref", ["busybox:1.35", "recordtest-multi:1", "recordtest-multi:2",
                                 "docker.io/library/busybox:1.35", BUSYBOX_ID, BUSYBOX_ID[7:19]])
def test_image_exists_passes_for_any_name_or_id(replay, ref):
    replay.load_image("multi")
    assert checks.image_exists(ref) is True


@pytest.mark.parametrize(("ref", "shown", "actual"), [
    ("recordtest-multi:3", "recordtest-multi:3", "없음 (같은 저장소에 있는 이름: recordtest-multi:1, recordtest-multi:2)"),
    ("recordtest-multi", "recordtest-multi:latest", "없음 (같은 저장소에 있는 이름: recordtest-multi:1, recordtest-multi:2)"),
    ("busybox", "busybox:latest", "없음 (같은 저장소에 있는 이름: busybox:1.35)"),
    ("127.0.0.1:5050/ex04/hello:0.1", "127.0.0.1:5050/ex04/hello:0.1", "없음"),
])
def test_image_exists_fails_with_the_full_name_and_the_repositorys_other_tags(replay, ref, shown, actual):
    replay.load_image("multi")
    f = failure(checks.image_exists, ref)
    assert f.what == f"이미지 '{shown}'이(가) 이 엔진에 있어야 합니다."
    assert (f.expected, f.actual) == (shown, actual)
    assert "태그를 빼면 latest를 뜻합니다" in f.hint and f"h.pull('{shown}')" in f.hint


# -- image_id ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    BUSYBOX_ID[7:19],  # the IMAGE ID column
    BUSYBOX_ID[7:],
    BUSYBOX_ID,  # with sha256:
    BUSYBOX_ID[7:19].upper(),
    f"  {BUSYBOX_ID[7:19]}\n",
    BUSYBOX_ID[7:19].encode(),
    BUSYBOX_ID[7:27],
])
def test_image_id_passes_for_the_images_id(replay, value):
    replay.load_image("multi")
    assert checks.image_id("recordtest-multi:1", value, what="hello_id") is True


@pytest.mark.parametrize(("value", "actual"), [
    (BUSYBOX_ID[7:18], BUSYBOX_ID[7:18]),  # 11 characters: too short to count
    (HTTPD_ID[7:19], HTTPD_ID[7:19]),  # another image's id
    (HTTPD_ID, HTTPD_ID[7:]),  # shown without sha256:
    ("busybox:1.35", "busybox:1.35"),
    ("", "빈 문자열"),
])
def test_image_id_fails_for_another_value(replay, value, actual):
    replay.load_image("multi")
    replay.load_image("httpd")
    f = failure(checks.image_id, "busybox:1.35", value, what="hello_id")
    assert f.what == "hello_id은(는) 이미지 'busybox:1.35'의 ID여야 합니다."
    assert (f.expected, f.actual) == (BUSYBOX_ID[7:19], actual)
    assert "h.image('busybox:1.35').short_id" in f.hint and "IMAGE ID 열(12자리)" in f.hint


def test_image_id_fails_for_a_value_that_is_not_text(replay):
    replay.load_image("multi")
    f = failure(checks.image_id, "busybox:1.35", 54, what="hello_id")
    assert (f.expected, f.actual) == ("문자열", "int")
    assert f.what == "hello_id에는 명령의 출력(문자열)을 넣어야 합니다."


def test_image_id_fails_for_a_missing_image(replay):
    replay.load_image("multi")
    f = failure(checks.image_id, "recordtest-multi:3", BUSYBOX_ID[7:19])
    assert (f.expected, f.actual) == ("recordtest-multi:3",
                                      "없음 (같은 저장소에 있는 이름: recordtest-multi:1, recordtest-multi:2)")


# -- image_absent -----------------------------------------------------------------------------------

def test_image_absent_passes_when_no_image_has_the_name(replay):
    replay.load_image("multi")
    for ref in ("recordtest-multi:3", "recordtest-multi", "ex02-old-image:1.0"):
        assert checks.image_absent(ref) is True


def test_image_absent_fails_for_a_second_name_and_says_rmi_only_untags(replay):
    replay.load_image("multi")
    replay.load_container("running")  # a container of that image does not block removing one name of several
    f = failure(checks.image_absent, "recordtest-multi:1")
    assert f.what == "이미지 이름 'recordtest-multi:1'을(를) 지워야 합니다."
    assert (f.expected, f.actual) == ("없음", "아직 있음")
    assert f.hint == ("`h.rmi('recordtest-multi:1')`로 지우세요. "
                      "이름이 여러 개인 이미지에서는 그 이름만 떼어 냅니다(Untagged).")


def test_image_absent_names_the_containers_that_block_the_only_name(replay):
    replay.load_image("motd_exec")
    replay.load_container("motd_user")  # docker create --name recordtest-motd-user recordtest-motd:1.0
    replay.load_container("running")  # made from busybox: not a user of this image
    f = failure(checks.image_absent, "recordtest-motd:1.0")
    assert (f.expected, f.actual) == ("없음", "아직 있음")
    assert f.hint == ("이 이미지로 만든 컨테이너(recordtest-motd-user)를 먼저 `h.rm(...)`으로 지운 뒤 "
                      "`h.rmi('recordtest-motd:1.0')`.")


def test_image_absent_without_users_says_rmi(replay):
    replay.load_image("motd_shell")
    replay.load_container("motd_user")  # uses recordtest-motd:1.0, another image
    f = failure(checks.image_absent, "recordtest-motd:shell")
    assert f.hint.startswith("`h.rmi('recordtest-motd:shell')`로 지우세요.")


# -- image_cmd --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "ref", "cmd"), [
    ("motd_exec", "recordtest-motd:1.0", ["cat", "/etc/motd"]),  # CMD ["cat", "/etc/motd"]
    ("motd_exec", "recordtest-motd:1.0", "cat /etc/motd"),
    ("motd_shell", "recordtest-motd:shell", "cat /etc/motd"),  # CMD cat /etc/motd -> /bin/sh -c
    ("motd_shell", "recordtest-motd:shell", ["cat", "/etc/motd"]),
    ("multi", "busybox:1.35", ["sh"]),
    ("httpd", "httpd:2.4", "httpd-foreground"),
])
def test_image_cmd_passes_for_the_default_command_in_either_form(replay, key, ref, cmd):
    replay.load_image(key)
    assert checks.image_cmd(ref, cmd) is True


@pytest.mark.parametrize("cmd", ['echo "hello world"', ["echo", "hello world"]])
def test_image_cmd_passes_for_a_shell_form_with_quotes(replay, cmd):
    replay.load_image("motd_quoted")
    assert checks.image_cmd("recordtest-motd:quoted", cmd) is True


@pytest.mark.parametrize(("key", "ref", "actual"), [
    ("multi", "busybox:1.35", '["sh"]'),
    ("motd_plain", "recordtest-motd:plain", PLAIN_CMD[:79] + "…"),  # a commit keeps the container's command
    ("motd_quoted", "recordtest-motd:quoted", '["/bin/sh", "-c", "echo \\"hello world\\""]'),
])
def test_image_cmd_fails_for_another_command(replay, key, ref, actual):
    replay.load_image(key)
    f = failure(checks.image_cmd, ref, "cat /etc/motd")
    assert f.what == f"이미지 '{ref}'의 기본 명령(CMD)이 바뀌어야 합니다."
    assert (f.expected, f.actual) == ('["cat", "/etc/motd"]', actual)
    assert f.hint == ("commit할 때 changes=['CMD [\"cat\", \"/etc/motd\"]']를 주세요 "
                      "(docker commit --change='CMD [\"cat\", \"/etc/motd\"]').")


def test_image_cmd_for_a_dockerfile_says_what_to_write_in_it(replay):
    replay.load_image("motd_plain")
    f = failure(checks.image_cmd, "recordtest-motd:plain", ["cat", "/etc/motd"], how="Dockerfile")
    assert f.what == "이미지 'recordtest-motd:plain'의 기본 명령(CMD)이 Dockerfile의 CMD로 정해져 있어야 합니다."
    assert f.expected == '["cat", "/etc/motd"]'
    assert f.hint == ("Dockerfile에 CMD [\"cat\", \"/etc/motd\"] 줄을 쓰고 다시 빌드하세요: "
                      "h.build('.', tag='recordtest-motd:plain') (docker build -t recordtest-motd:plain .).")
    assert "commit" not in f.what + f.hint


@pytest.mark.parametrize("check", [lambda: checks.image_cmd("busybox:1.35", "sh", how="build"),
                                   lambda: checks.image_has_file("busybox:1.35", "/bin/sh", how="docker build")])
def test_image_checks_reject_an_unknown_how(replay, check):
    replay.load_image("multi")
    with pytest.raises(ValueError):
        check()


def test_image_cmd_shows_an_image_without_cmd_as_empty(replay):
    replay.load_image("motd_exec")["Config"]["Cmd"] = None
    f = failure(checks.image_cmd, "recordtest-motd:1.0", ["cat", "/etc/motd"])
    assert f.actual == "[]"


def test_image_cmd_fails_for_a_missing_image(replay):
    f = failure(checks.image_cmd, "ex05/motd:2.0", ["cat", "/etc/motd"])
    assert (f.expected, f.actual) == ("ex05/motd:2.0", "없음")


# -- image_has_file ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "contains"), [("/etc/motd", "도커를 익히다"), ("/etc/motd-rel", None)])
def test_image_has_file_reads_through_a_throwaway_container(replay, path, contains):
    rec = replay.load_image("motd_exec")
    assert checks.image_has_file("recordtest-motd:1.0", path, contains=contains) is True
    (made,) = replay.created
    assert made["image"] == rec["Id"] and made["command"] == ["true"]
    assert made["labels"] == {CHAPTER_LABEL: "unit"}
    # created, never started, removed again
    assert [c[0] for c in replay.calls_of("create", "start", "remove_container")] == ["create", "remove_container"]
    assert replay.container_names() == set()


@pytest.mark.parametrize(("key", "ref", "path"), [
    ("motd_exec", "recordtest-motd:1.0", "/nope"),
    ("motd_exec", "recordtest-motd:1.0", "/tmp/emptydir"),
    ("multi", "busybox:1.35", "/etc/motd"),  # busybox has no /etc/motd
])
def test_image_has_file_fails_for_a_missing_file_and_leaves_nothing(replay, key, ref, path):
    replay.load_image(key)
    f = failure(checks.image_has_file, ref, path, contains="도커")
    assert f.what == f"이미지 '{ref}' 안에 파일 {path}이(가) 있어야 합니다."
    assert (f.expected, f.actual) == (path, "없음")
    assert "commit" in f.hint
    assert replay.container_names() == set()


def test_image_has_file_hint_follows_how_the_image_was_made(replay):
    replay.load_image("motd_exec")
    committed = failure(checks.image_has_file, "recordtest-motd:1.0", "/nope")
    assert committed.hint.startswith("파일을 바꾼 컨테이너를 commit했는지 확인하세요")
    built = failure(checks.image_has_file, "recordtest-motd:1.0", "/etc/motd", contains="Docker", how="Dockerfile")
    assert built.hint == ("Dockerfile의 RUN(예: RUN echo 내용 > /etc/motd)이나 COPY로 파일을 만들고 다시 빌드하세요: "
                          "h.build('.', tag='recordtest-motd:1.0') (docker build -t recordtest-motd:1.0 .).")
    assert replay.container_names() == set()


@pytest.mark.parametrize(("path", "actual"), [("/etc/motd", "도커를 익히다"), ("/etc/empty", "빈 파일")])
def test_image_has_file_fails_for_other_text(replay, path, actual):
    replay.load_image("motd_shell")
    f = failure(checks.image_has_file, "recordtest-motd:shell", path, contains="Docker")
    assert f.what == f"이미지 'recordtest-motd:shell'의 {path}에 'Docker'이(가) 들어 있어야 합니다."
    assert (f.expected, f.actual) == ("'Docker' 포함", actual)
    assert replay.container_names() == set()


def test_image_has_file_fails_for_a_missing_image(replay):
    replay.load_image("motd_exec")
    f = failure(checks.image_has_file, "recordtest-motd:2.0", "/etc/motd")
    assert (f.expected, f.actual) == ("recordtest-motd:2.0", "없음 (같은 저장소에 있는 이름: recordtest-motd:1.0)")
    assert replay.created == []


# -- image_pulled -----------------------------------------------------------------------------------

EVENTS = recorded("events")
REF = EVENTS["ref"]  # 127.0.0.1:PORT/recordtest/pull:1.0


def _start():
    return parse_time(EVENTS["marks"]["start"])


def test_image_pulled_passes_for_an_image_deleted_and_then_pulled(replay):
    replay.load_events("pulled_again")
    replay.load_image("pulled")
    assert checks.image_pulled(REF, _start()) is True
    assert checks.image_pulled(REF, parse_time(EVENTS["marks"]["pushed"])) is True


def test_image_pulled_fails_for_a_pull_that_found_the_image_still_here(replay):
    replay.load_events("pulled_while_here")  # docker pull while both names were still there
    replay.load_image("pulled")
    f = failure(checks.image_pulled, REF, _start())
    assert f.what == f"이미지 '{REF}'은(는) 엔진에서 지운 뒤에 다시 받아야 합니다."
    assert (f.expected, f.actual) == ("이미지를 지운(Deleted) 뒤 pull", "지운 적 없이 pull (엔진에 이미 있어서 내려받지 않음)")
    assert "먼저 h.rm(...)" in f.hint and f"h.pull('{REF}')" in f.hint


def test_image_pulled_fails_for_a_name_never_pulled(replay):
    replay.load_events("pushed")  # tagged and pushed: the name is here, but nothing came from the registry
    replay.load_image("pulled")
    f = failure(checks.image_pulled, REF, _start())
    assert f.what == f"이미지 '{REF}'은(는) 이번 실습에서 레지스트리로부터 받은(pull) 것이어야 합니다."
    assert (f.expected, f.actual) == (f"{REF}을(를) pull한 기록", "pull한 기록 없음")


def test_image_pulled_counts_only_pulls_after_the_mark(replay):
    replay.load_events("pulled_again")
    replay.load_image("pulled")
    assert failure(checks.image_pulled, REF, parse_time(EVENTS["marks"]["pulled_again"])).actual == "pull한 기록 없음"


def test_image_pulled_fails_first_for_a_missing_image(replay):
    replay.load_events("deleted")
    f = failure(checks.image_pulled, REF, _start())
    assert (f.expected, f.actual) == (REF, "없음")
