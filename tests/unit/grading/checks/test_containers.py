"""helpers.grading.checks.containers over recorded `docker inspect` answers: every failing path's
"기대 X, 실제 Y" and hint, and the passing path."""

from __future__ import annotations

import pytest

from helpers.grading import checks

from ..replay import failure, recorded

CONTAINERS = recorded("containers")
RUNNING = "실행 중(running)"


def host_port(key: str, container_port: str = "80/tcp") -> int:
    return int(CONTAINERS[key]["NetworkSettings"]["Ports"][container_port][0]["HostPort"])


def name(key: str) -> str:
    return CONTAINERS[key]["Name"].lstrip("/")


# -- container_running ------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["running", "restarted", "web_fixed", "work"])
def test_container_running_passes_for_a_running_container(replay, key):
    replay.load_container(key)
    assert checks.container_running(name(key)) is True


@pytest.mark.parametrize("image", ["busybox:1.35", "docker.io/library/busybox:1.35", "recordtest-multi:1"])
def test_container_running_passes_for_the_image_by_any_of_its_names(replay, image):
    replay.load_container("running")
    replay.load_image("multi")  # busybox:1.35 = recordtest-multi:1 = recordtest-multi:2 (one image id)
    assert checks.container_running("recordtest-running", image=image) is True


def test_container_running_compares_the_name_when_the_image_is_gone(replay):
    replay.load_container("running")  # no image loaded: only Config.Image can say
    assert checks.container_running("recordtest-running", image="busybox:1.35") is True
    assert failure(checks.container_running, "recordtest-running", image="busybox").expected == "busybox"


@pytest.mark.parametrize(("key", "actual", "hint"), [
    ("exited0", "종료됨(exited), 종료 코드 0", "`h.start('recordtest-exited0')`로 다시 시작하세요"),
    ("killed", "종료됨(exited), 종료 코드 137", "계속 실행되는 명령(예: sleep 3600)"),
    ("created", "생성됨(created)", "만들기만 하고 시작하지 않았습니다: `h.start('recordtest-created')`"),
    ("paused", "일시 정지(paused)", "`h.unpause('recordtest-paused')`로 일시 정지를 푸세요"),
])
def test_container_running_fails_for_every_other_state(replay, key, actual, hint):
    replay.load_container(key)
    f = failure(checks.container_running, name(key))
    assert f.what == f"컨테이너 '{name(key)}'이(가) 실행 중이어야 합니다."
    assert (f.expected, f.actual) == (RUNNING, actual)
    assert hint in f.hint


def test_container_running_fails_for_a_missing_container(replay):
    replay.load_container("running")
    f = failure(checks.container_running, "recordtest-web")
    assert (f.expected, f.actual) == ("컨테이너 recordtest-web", "없음 (비슷한 이름: recordtest-running)")


@pytest.mark.parametrize("loaded", [(), ("multi", "httpd")])
def test_container_running_fails_for_another_image(replay, loaded):
    replay.load_container("running")
    for key in loaded:
        replay.load_image(key)
    f = failure(checks.container_running, "recordtest-running", image="httpd:2.4")
    assert f.what == "컨테이너 'recordtest-running'은(는) 이미지 'httpd:2.4'(으)로 만들어야 합니다."
    assert (f.expected, f.actual) == ("httpd:2.4", "busybox:1.35")
    assert "h.run('httpd:2.4', ..., name='recordtest-running')" in f.hint


# -- container_state --------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "state"), [
    ("running", "running"), ("running", "up"), ("exited0", "exited"), ("killed", "stopped"),
    ("created", "created"), ("paused", "paused"), ("web_stopped", "exited"),
])
def test_container_state_passes_in_that_state(replay, key, state):
    replay.load_container(key)
    assert checks.container_state(name(key), state) is True


@pytest.mark.parametrize(("key", "state", "expected", "actual", "hint"), [
    ("running", "exited", "종료됨(exited)", RUNNING, "`h.stop('recordtest-running')`으로 멈추세요"),
    ("running", "stopped", "종료됨(exited)", RUNNING, "`h.stop('recordtest-running')`으로 멈추세요"),
    ("paused", "exited", "종료됨(exited)", "일시 정지(paused)",
     "`h.unpause('recordtest-paused')` 후 `h.stop('recordtest-paused')`"),
    ("created", "exited", "종료됨(exited)", "생성됨(created)", "`h.start('recordtest-created')`로 한 번 실행해서"),
    ("running", "paused", "일시 정지(paused)", RUNNING, "`h.pause('recordtest-running')`로 일시 정지하세요"),
    ("exited0", "running", RUNNING, "종료됨(exited), 종료 코드 0", "`h.start('recordtest-exited0')`"),
    ("exited0", "created", "생성됨(created)", "종료됨(exited), 종료 코드 0", "`h.ps(all=True)`로 'recordtest-exited0'"),
    ("killed", "paused", "일시 정지(paused)", "종료됨(exited), 종료 코드 137", "`h.ps(all=True)`로 'recordtest-killed'"),
])
def test_container_state_fails_with_the_state_found_and_the_move_to_make(replay, key, state, expected, actual, hint):
    replay.load_container(key)
    f = failure(checks.container_state, name(key), state)
    assert f.what == f"컨테이너 '{name(key)}'이(가) {expected} 상태여야 합니다."
    assert (f.expected, f.actual) == (expected, actual)
    assert hint in f.hint


def test_container_state_fails_for_a_missing_container(replay):
    f = failure(checks.container_state, "ex02-hello", "exited")
    assert (f.expected, f.actual) == ("컨테이너 ex02-hello", "없음")


def test_container_state_rejects_an_unknown_state_before_looking(replay):
    with pytest.raises(ValueError, match="unknown container state: 'stoped'"):
        checks.container_state("recordtest-anything", "stoped")


# -- container_restarted ----------------------------------------------------------------------------

def test_container_restarted_passes_after_stop_and_start(replay):
    replay.load_container("restarted")
    assert checks.container_restarted("recordtest-restarted") is True


def test_container_restarted_fails_for_a_container_never_stopped(replay):
    replay.load_container("running")  # FinishedAt 0001-01-01T00:00:00Z
    f = failure(checks.container_restarted, "recordtest-running")
    assert f.what == "컨테이너 'recordtest-running'은(는) 한 번 멈췄다가 다시 시작되어야 합니다."
    assert (f.expected, f.actual) == ("멈춘 적이 있고 지금 실행 중", "처음 시작한 뒤 한 번도 멈춘 적 없음")
    assert "`h.restart('recordtest-running', time=0)`" in f.hint


@pytest.mark.parametrize(("key", "actual"), [
    ("killed", "종료됨(exited), 종료 코드 137"),  # stopped and not started again
    ("paused", "일시 정지(paused)"),
    ("created", "생성됨(created)"),
])
def test_container_restarted_fails_first_for_a_container_not_running(replay, key, actual):
    replay.load_container(key)
    f = failure(checks.container_restarted, name(key))
    assert (f.expected, f.actual) == (RUNNING, actual)


def test_container_restarted_fails_when_started_before_it_finished(replay):
    # Not a state a real engine reports for a running container (StartedAt is always after FinishedAt
    # then); reached by editing the recorded restart.
    state = replay.load_container("restarted")["State"]
    state["StartedAt"], state["FinishedAt"] = state["FinishedAt"], state["StartedAt"]
    f = failure(checks.container_restarted, "recordtest-restarted")
    assert f.what == "컨테이너 'recordtest-restarted'은(는) 멈춘 뒤 다시 시작되어야 합니다."
    assert (f.expected, f.actual) == ("멈춘 뒤 다시 시작", "멈춘 뒤 시작하지 않음")
    assert f.hint == "`h.start('recordtest-restarted')`."


# -- container_from ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "image", "loaded"), [
    ("exited0", "busybox:1.35", False),  # any state
    ("killed", "busybox:1.35", True),
    ("by_id", "busybox:1.35", True),  # `docker create 54a5f5b74391`: same image id
    ("by_docker_io", "busybox:1.35", False),  # docker.io/library/busybox:1.35 is busybox:1.35
    ("motd_user", "recordtest-motd:1.0", False),
    ("web_fixed", "httpd:2.4", False),
])
def test_container_from_passes_for_the_image_it_was_made_from(replay, key, image, loaded):
    replay.load_container(key)
    if loaded:
        replay.load_image("multi")
    assert checks.container_from(name(key), image) is True


@pytest.mark.parametrize(("key", "image", "actual"), [
    ("exited0", "httpd:2.4", "busybox:1.35"),
    ("web_fixed", "busybox:1.35", "httpd:2.4"),
    ("by_id", "busybox:1.35", "54a5f5b74391"),  # busybox:1.35 no longer on the engine: the id cannot be matched
])
def test_container_from_fails_for_another_image(replay, key, image, actual):
    replay.load_container(key)
    f = failure(checks.container_from, name(key), image)
    assert f.what == f"컨테이너 '{name(key)}'은(는) 이미지 '{image}'(으)로 만들어야 합니다."
    assert (f.expected, f.actual) == (image, actual)
    assert f"h.run('{image}', ..., name='{name(key)}')" in f.hint


def test_container_from_fails_for_a_missing_container(replay):
    f = failure(checks.container_from, "ex02-hello", "busybox:1.35")
    assert (f.expected, f.actual) == ("컨테이너 ex02-hello", "없음")


# -- container_from: the image's default command ----------------------------------------------------

def test_container_from_default_command_passes_for_a_container_started_without_one(replay):
    replay.load_image("motd_exec")  # CMD ["cat", "/etc/motd"]
    replay.load_container("motd_default")  # docker create --name recordtest-motd-default recordtest-motd:1.0
    assert checks.container_from("recordtest-motd-default", "recordtest-motd:1.0", default_command=True) is True


def test_container_from_default_command_passes_for_the_same_command_typed_out(replay):
    replay.load_image("motd_exec")
    replay.load_container("motd_user")["Config"]["Cmd"] = ["cat", "/etc/motd"]  # the same container, to the engine
    assert checks.container_from("recordtest-motd-user", "recordtest-motd:1.0", default_command=True) is True


def test_container_from_default_command_fails_for_a_command_given_explicitly(replay):
    replay.load_image("motd_exec")
    replay.load_container("motd_user")  # docker create ... recordtest-motd:1.0 true
    assert checks.container_from("recordtest-motd-user", "recordtest-motd:1.0") is True  # the image alone: fine
    f = failure(checks.container_from, "recordtest-motd-user", "recordtest-motd:1.0", default_command=True)
    assert f.what == "컨테이너 'recordtest-motd-user'은(는) 명령 없이, 이미지의 기본 명령(CMD)으로 실행해야 합니다."
    assert (f.expected, f.actual) == ('["cat", "/etc/motd"] (이미지 \'recordtest-motd:1.0\'의 기본 명령)',
                                      '["true"] (직접 준 명령)')
    assert "h.run('recordtest-motd:1.0', name='recordtest-motd-user')" in f.hint
    assert "h.rm('recordtest-motd-user')" in f.hint


def test_container_from_default_command_counts_an_entrypoint_given_explicitly(replay):
    replay.load_image("motd_exec")
    own = replay.load_container("motd_default")["Config"]
    own["Entrypoint"], own["Cmd"] = ["echo"], ["도커를 익히다"]  # docker run --entrypoint echo ... 도커를 익히다
    f = failure(checks.container_from, "recordtest-motd-default", "recordtest-motd:1.0", default_command=True)
    assert f.actual == '["echo", "도커를 익히다"] (직접 준 명령)'


def test_container_from_default_command_fails_first_for_another_image(replay):
    replay.load_image("multi")
    replay.load_container("motd_default")
    f = failure(checks.container_from, "recordtest-motd-default", "busybox:1.35", default_command=True)
    assert f.what == "컨테이너 'recordtest-motd-default'은(는) 이미지 'busybox:1.35'(으)로 만들어야 합니다."


# -- printed_by -------------------------------------------------------------------------------------

LOGS = recorded("outputs")["logs"]["exited0"]


@pytest.mark.parametrize("value", [LOGS, LOGS.encode(), "Hello from recordtest second line", f"\n{LOGS}\n\n"])
def test_printed_by_passes_for_what_the_container_printed(replay, value):
    replay.load_container("exited0")
    assert checks.printed_by("recordtest-exited0", value, what="greeting") is True


@pytest.mark.parametrize(("value", "actual"), [
    ("Hello", "Hello"),
    ("hello from recordtest second line", "hello from recordtest second line"),  # case counts
    ("", "빈 문자열"),
])
def test_printed_by_fails_for_other_text(replay, value, actual):
    replay.load_container("exited0")
    f = failure(checks.printed_by, "recordtest-exited0", value, what="greeting")
    assert f.what == "greeting에는 컨테이너 'recordtest-exited0'이(가) 출력한 내용이 들어 있어야 합니다."
    assert (f.expected, f.actual) == ("Hello from recordtest second line", actual)
    assert f.hint == "'recordtest-exited0'을(를) 실행한 h.run(...)이 돌려준 값을 그대로 넣으세요."


def test_printed_by_names_an_empty_output(replay):
    replay.load_container("created")  # never ran: no logs
    f = failure(checks.printed_by, "recordtest-created", "Hello")
    assert (f.expected, f.actual) == ("빈 출력", "Hello")
    assert f.what.startswith("출력에는")  # the default `what`


def test_printed_by_fails_for_a_value_that_is_not_text(replay):
    replay.load_container("exited0")
    f = failure(checks.printed_by, "recordtest-exited0", None, what="greeting")
    assert (f.expected, f.actual) == ("문자열", "NoneType")


def test_printed_by_fails_for_a_missing_container(replay):
    f = failure(checks.printed_by, "ex02-hello", LOGS)
    assert (f.expected, f.actual) == ("컨테이너 ex02-hello", "없음")


# -- exec_output ------------------------------------------------------------------------------------

HOSTNAME = recorded("outputs")["exec"]["running"]["hostname"]


@pytest.mark.parametrize(("command", "value"), [
    ("hostname", HOSTNAME),
    (["hostname"], HOSTNAME.strip()),
    ("hostname", HOSTNAME.encode()),
])
def test_exec_output_passes_for_what_the_command_prints_again(replay, command, value):
    rec = replay.load_container("running")
    assert checks.exec_output("recordtest-running", command, value, what="box_hostname") is True
    assert ("exec", rec["Id"], "hostname", None, "", None) in replay.calls  # the check ran it again


def test_exec_output_fails_for_other_text(replay):
    replay.load_container("running")
    f = failure(checks.exec_output, "recordtest-running", "hostname", "ex02-box", what="box_hostname")
    assert f.what == "box_hostname에는 'recordtest-running' 안에서 `hostname`을(를) 실행한 출력이 들어 있어야 합니다."
    assert (f.expected, f.actual) == (HOSTNAME.strip(), "ex02-box")
    assert f.hint == "h.exec('recordtest-running', 'hostname')가 돌려준 값을 그대로 넣으세요."


def test_exec_output_names_empty_outputs(replay):
    replay.load_container("running")
    assert failure(checks.exec_output, "recordtest-running", "hostname", "").actual == "빈 문자열"
    assert failure(checks.exec_output, "recordtest-running", "true", "x").expected == "빈 출력"


def test_exec_output_asks_again_when_the_engine_lost_the_output(replay, monkeypatch):
    """The engine can lose a short exec's output (docker-py #2042): an empty answer is asked for again."""
    from helpers.grading.checks import base

    monkeypatch.setattr(base.time, "sleep", lambda seconds: None)
    replay.load_container("running")

    class LosesFirst(dict):
        lost = 2

        def get(self, key, default=None):
            if key == "hostname" and self.lost:
                self.lost -= 1
                return (b"", None, 0)
            return super().get(key, default)

    replay.exec_results = LosesFirst(replay.exec_results)
    assert checks.exec_output("recordtest-running", "hostname", HOSTNAME, what="box_hostname") is True
    assert sum(1 for call in replay.calls if call[0] == "exec") == 3  # two lost, the third answered
    replay.exec_results = LosesFirst(replay.exec_results)
    replay.exec_results.lost = 3  # lost every time: the check fails as for an empty output
    assert failure(checks.exec_output, "recordtest-running", "hostname", HOSTNAME).expected == "빈 출력"


def test_exec_output_splits_a_command_like_a_shell(replay):
    replay.load_container("running")
    replay.exec_results["sh -c echo hi"] = (b"hi\n", None, 0)
    assert checks.exec_output("recordtest-running", "sh -c 'echo hi'", "hi") is True


def test_exec_output_hint_quotes_the_command_it_asks_for(replay):
    replay.load_container("running")
    replay.exec_results["sh -c echo hi"] = (b"hi\n", None, 0)
    f = failure(checks.exec_output, "recordtest-running", "sh -c 'echo hi'", "bye")
    assert "sh -c 'echo hi'" in f.what and "sh -c 'echo hi'" in f.hint


@pytest.mark.parametrize(("key", "actual"), [("exited0", "종료됨(exited), 종료 코드 0"), ("paused", "일시 정지(paused)")])
def test_exec_output_fails_first_for_a_container_not_running(replay, key, actual):
    replay.load_container(key)
    f = failure(checks.exec_output, name(key), "hostname", "x")
    assert (f.expected, f.actual) == (RUNNING, actual)


def test_exec_output_fails_for_a_value_that_is_not_text(replay):
    replay.load_container("running")
    assert failure(checks.exec_output, "recordtest-running", "hostname", 42).actual == "int"


# -- container_absent -------------------------------------------------------------------------------

def test_container_absent_passes_when_no_container_has_the_name(replay):
    replay.load_container("running")
    assert checks.container_absent("recordtest-old") is True


@pytest.mark.parametrize(("key", "actual", "hint"), [
    ("exited0", "아직 있음(종료됨(exited), 종료 코드 0)", "`h.rm('recordtest-exited0')`으로 지우세요."),
    ("killed", "아직 있음(종료됨(exited), 종료 코드 137)", "`h.rm('recordtest-killed')`으로 지우세요."),
    ("created", "아직 있음(생성됨(created))", "`h.rm('recordtest-created')`으로 지우세요."),
    ("running", "아직 있음(실행 중(running))", "실행 중인 컨테이너는 바로 지울 수 없습니다: `h.stop('recordtest-running')` 다음 "
                                            "`h.rm('recordtest-running')` (또는 `h.rm('recordtest-running', force=True)`)."),
])
def test_container_absent_fails_while_the_container_is_there(replay, key, actual, hint):
    replay.load_container(key)
    f = failure(checks.container_absent, name(key))
    assert f.what == f"컨테이너 '{name(key)}'을(를) 지워야 합니다."
    assert (f.expected, f.actual) == ("없음", actual)
    assert f.hint == hint


def test_container_absent_hint_for_a_paused_container_says_force_or_unpause(replay):
    replay.load_container("paused")
    f = failure(checks.container_absent, "recordtest-paused")
    assert f.actual == "아직 있음(일시 정지(paused))"
    assert "force=True" in f.hint or "unpause" in f.hint


# -- port_published ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "container_port", "given", "returned"), [
    ("web_fixed", 80, 38080, 38080),  # -p 38080:80 (IPv4 and IPv6 twin bindings: one port)
    ("web_fixed", "80", "38080", 38080),
    ("web_fixed", "80/tcp", None, 38080),
    ("web_local", 80, 38081, 38081),  # -p 127.0.0.1:38081:80
    ("web_all", 80, None, host_port("web_all")),  # -P
    ("web_random", 80, None, host_port("web_random")),  # -p 80
    ("web_other", 8080, 38082, 38082),
    ("web_other", "53/udp", 38053, 38053),
])
def test_port_published_returns_the_host_port(replay, key, container_port, given, returned):
    replay.load_container(key)
    assert checks.port_published(name(key), container_port, host_port=given) == returned


@pytest.mark.parametrize(("key", "actual", "hint"), [
    ("web_stopped", "종료됨(exited), 종료 코드 137", "`h.start('recordtest-web-stopped')`로 다시 시작하세요"),
    ("created", "생성됨(created)", "만들기만 하고 시작하지 않았습니다"),  # created with -p 38089:80
    ("paused", "일시 정지(paused)", "`h.unpause('recordtest-paused')`"),
])
def test_port_published_fails_for_a_container_not_running(replay, key, actual, hint):
    replay.load_container(key)
    f = failure(checks.port_published, name(key), 80, 38089)
    assert f.what == f"포트는 실행 중인 컨테이너만 게시됩니다: '{name(key)}'이(가) 실행 중이어야 합니다."
    assert (f.expected, f.actual) == (RUNNING, actual)
    assert hint in f.hint


@pytest.mark.parametrize(("key", "container_port", "given", "expected", "actual"), [
    ("running", 80, None, "호스트 포트 -> 80/tcp", "게시 없음"),
    ("running", 80, 28080, "28080 -> 80/tcp", "게시 없음"),
    ("web_other", 80, None, "호스트 포트 -> 80/tcp",  # exposed (80/tcp: null) but not published
     "게시 없음 (게시된 것: 38053->53/udp, 38082->8080/tcp)"),
    ("web_other", 53, 38053, "38053 -> 53/tcp", "게시 없음 (게시된 것: 38053->53/udp, 38082->8080/tcp)"),
    ("web_fixed", 38080, 80, "80 -> 38080/tcp", "게시 없음 (게시된 것: 38080->80/tcp)"),  # -p written backwards
])
def test_port_published_fails_when_the_port_is_not_published(replay, key, container_port, given, expected, actual):
    replay.load_container(key)
    f = failure(checks.port_published, name(key), container_port, given)
    key_text = str(container_port) if "/" in str(container_port) else f"{container_port}/tcp"
    assert f.what == f"컨테이너 '{name(key)}'의 {key_text} 포트가 호스트 포트에 게시(publish)되어 있어야 합니다."
    assert (f.expected, f.actual) == (expected, actual)
    assert "ports='28080:80'" in f.hint and "publish_all=True" in f.hint


@pytest.mark.parametrize(("key", "actual"), [
    ("web_fixed", "38080 -> 80/tcp"),  # one entry although the engine lists 0.0.0.0 and ::
    ("web_local", "38081 -> 80/tcp"),
    ("web_random", f"{host_port('web_random')} -> 80/tcp"),
])
def test_port_published_fails_for_another_host_port(replay, key, actual):
    replay.load_container(key)
    f = failure(checks.port_published, name(key), 80, 28080)
    assert f.what == f"컨테이너 '{name(key)}'의 80/tcp 포트는 호스트 포트 28080에 게시되어야 합니다."
    assert (f.expected, f.actual) == ("28080 -> 80/tcp", actual)
    assert "'호스트:컨테이너' 순서" in f.hint


@pytest.mark.parametrize("key", ["web_all", "web_random"])  # -P, -p 80
def test_port_published_random_passes_for_a_host_port_the_engine_picked(replay, key):
    replay.load_container(key)
    assert checks.port_published(name(key), 80, random=True) == host_port(key)


@pytest.mark.parametrize(("key", "port"), [("web_fixed", 38080), ("web_local", 38081)])
def test_port_published_random_fails_for_a_host_port_the_learner_wrote(replay, key, port):
    replay.load_container(key)
    assert checks.port_published(name(key), 80) == port  # published, but not at random
    f = failure(checks.port_published, name(key), 80, random=True)
    assert f.what == f"컨테이너 '{name(key)}'의 80/tcp 포트는 엔진이 고른 임의의 호스트 포트에 게시되어야 합니다."
    assert (f.expected, f.actual) == ("임의의 호스트 포트 (-P 또는 -p 80)", f"직접 정한 호스트 포트 {port} (-p {port}:80)")
    assert "publish_all=True" in f.hint and f"h.rm('{name(key)}', force=True)" in f.hint


def test_port_published_random_with_a_fixed_binding_beside_publish_all_is_not_random(replay):
    rec = replay.load_container("web_fixed")  # docker run -P -p 38080:80: 80 is still the learner's choice
    rec["HostConfig"]["PublishAllPorts"] = True
    assert failure(checks.port_published, name("web_fixed"), 80, random=True).actual.startswith("직접 정한")


def test_port_published_fails_for_a_missing_container(replay):
    f = failure(checks.port_published, "ex03-fixed", 80, 28080)
    assert (f.expected, f.actual) == ("컨테이너 ex03-fixed", "없음")


# -- container_has_file -----------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "contains"), [
    ("/etc/motd", "도커를 익히다"), ("/etc/motd", None), ("/etc/motd-abs", "익히다"), ("/etc/motd-rel", "도커"),
    ("/etc/empty", None),
])
def test_container_has_file_passes_for_the_file_and_its_text(replay, path, contains):
    replay.load_container("work")
    assert checks.container_has_file("recordtest-work", path, contains=contains) is True


@pytest.mark.parametrize("path", ["/nope", "/tmp/emptydir", "/etc/not-recorded"])
def test_container_has_file_fails_for_a_missing_file(replay, path):
    replay.load_container("work")
    f = failure(checks.container_has_file, "recordtest-work", path, contains="도커")
    assert f.what == f"컨테이너 'recordtest-work' 안에 파일 {path}이(가) 있어야 합니다."
    assert (f.expected, f.actual) == (path, "없음")
    assert "h.exec('recordtest-work'" in f.hint and "commit" not in f.hint


@pytest.mark.parametrize(("path", "actual"), [("/etc/motd", "도커를 익히다"), ("/etc/empty", "빈 파일")])
def test_container_has_file_fails_for_other_text(replay, path, actual):
    replay.load_container("work")
    f = failure(checks.container_has_file, "recordtest-work", path, contains="Docker")
    assert f.what == f"컨테이너 'recordtest-work'의 {path}에 'Docker'이(가) 들어 있어야 합니다."
    assert (f.expected, f.actual) == ("'Docker' 포함", actual)


def test_container_has_file_fails_for_a_missing_container(replay):
    f = failure(checks.container_has_file, "ex05-work", "/etc/motd")
    assert (f.expected, f.actual) == ("컨테이너 ex05-work", "없음")


def test_a_flooding_containers_logs_are_read_only_up_to_the_limit():
    from helpers.grading.checks import containers as checks_containers

    taken = []

    class Flood:
        def logs(self, **kw):
            assert kw.get("stream") is True  # streamed, never one giant read
            for _ in range(10_000):  # 10 GB if read whole
                taken.append(1)
                yield b"x" * 1_000_000

    text = checks_containers._logs(Flood())
    assert len(text) == checks_containers.LOG_LIMIT
    assert len(taken) <= 2
