"""helpers.grading.exercise: ``start`` / ``clear`` / ``Run`` over the recorded-engine fake (no engine):
what is removed and what is left, the engine clock as the mark, and the prepared objects."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers._state import CHAPTER_LABEL, STATE
from helpers.grading import checks, exercise
from helpers.grading.clock import clock, parse_time

from .replay import failure, recorded

UTC = dt.timezone.utc
SYSTEM_TIME = recorded("engine")["info"]["SystemTime"]
CONTAINERS = recorded("containers")
IMAGES = recorded("images")


@pytest.fixture
def course_registry(monkeypatch):
    """The course registry as seen by exercise.py: up or down, and what start/push/manifest calls it got."""
    state = {"up": True, "started": [], "pushed": [], "held": {}}
    reg = exercise.course_registry
    monkeypatch.setattr(reg, "running", lambda: state["up"])
    monkeypatch.setattr(reg, "start", lambda chapter=None: state["started"].append(chapter))
    monkeypatch.setattr(reg, "manifest_config", lambda repo, tag: state["held"].get(f"{repo}:{tag}"))
    monkeypatch.setattr(reg, "push_quietly", lambda repo, tag: state["pushed"].append(f"{repo}:{tag}"))
    return state


# -- Run --------------------------------------------------------------------------------------------

def test_run_repr_names_the_mark_and_what_was_prepared():
    run = exercise.Run("02", "ex02", parse_time(SYSTEM_TIME))
    assert repr(run) == f"실습 02 준비 완료 (엔진 시각 {clock(parse_time(SYSTEM_TIME))} 이후에 만든 것만 채점합니다)"
    run.prepared += ["컨테이너 ex02-old(생성됨(created))", "이미지 이름 ex02-old-image:1.0"]
    assert repr(run).splitlines()[1] == "미리 만들어 둔 것: 컨테이너 ex02-old(생성됨(created)), 이미지 이름 ex02-old-image:1.0"

    class Printer:  # IPython's pretty printer, as far as _repr_pretty_ uses it
        def __init__(self):
            self.parts = []

        def text(self, s):
            self.parts.append(s)

    p = Printer()
    run._repr_pretty_(p, False)
    assert p.parts == [repr(run)]


# -- start --------------------------------------------------------------------------------------------

def test_start_clears_the_reserved_names_and_marks_the_engine_clock(replay, capsys):
    for key in ("exited0", "running"):
        replay.load_container(key)
    replay.load_image("multi")
    replay.system_time = "2030-01-01T09:00:00.123456789+09:00"  # the engine's clock, not ours
    run = checks.start("02", containers=["recordtest-exited0", "ex02-box"], images=["recordtest-multi:1", "busybox"])
    assert (run.chapter, run.label) == ("02", "ex02")
    assert run.started == dt.datetime(2030, 1, 1, 0, 0, 0, 123456, UTC)
    assert run.containers == ["recordtest-exited0", "ex02-box"]
    assert run.images == ["recordtest-multi:1", "busybox:latest"]
    assert STATE.chapter == "ex02"  # what the helpers make from now on carries the exercise's label
    assert "recordtest-exited0" not in {r["Name"].lstrip("/") for r in replay.inspect_containers.values()}
    assert "recordtest-running" in {r["Name"].lstrip("/") for r in replay.inspect_containers.values()}
    assert replay.image("busybox:1.35")["RepoTags"] == ["busybox:1.35", "recordtest-multi:2"]
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(("up", "started"), [(False, ["registry"]), (True, [])])
def test_start_brings_up_the_registry_only_when_asked_and_down(replay, course_registry, up, started):
    course_registry["up"] = up
    checks.start("04", registry=True)
    assert course_registry["started"] == started
    course_registry["up"] = False
    checks.start("04")
    assert course_registry["started"] == started


def test_start_marks_what_was_made_before_as_old_and_after_as_new(replay):
    for key in ("running", "motd_user"):
        replay.load_container(key)
    between = parse_time(CONTAINERS["running"]["Created"]) + dt.timedelta(seconds=1)
    replay.system_time = between.isoformat().replace("+00:00", "Z")
    run = checks.start("02")
    assert run.started == between
    assert checks.made_in_this_run("recordtest-motd-user", run) is True
    f = failure(checks.made_in_this_run, "recordtest-running", run)
    assert f.expected == f"{clock(between)} 이후에 만듦"


# -- clear --------------------------------------------------------------------------------------------

def test_clear_untags_a_second_name_and_leaves_the_shared_images_containers(replay):
    replay.load_image("multi")
    for key in ("running", "by_id"):  # made from busybox:1.35
        replay.load_container(key)
    exercise.clear(images=["recordtest-multi:1", "recordtest-multi:2"])
    assert replay.image("busybox:1.35")["RepoTags"] == ["busybox:1.35"]
    assert len(replay.inspect_containers) == 2
    assert ("untag", "recordtest-multi:1") in replay.calls and ("untag", "recordtest-multi:2") in replay.calls


def test_clear_removes_an_own_image_with_the_containers_made_from_it(replay):
    replay.load_image("motd_exec")
    replay.load_image("multi")
    replay.load_container("motd_user")  # made from recordtest-motd:1.0
    replay.load_container("running")  # made from busybox: stays
    exercise.clear(images=["recordtest-motd:1.0"])
    assert [r["Name"] for r in replay.inspect_containers.values()] == ["/recordtest-running"]
    assert replay.find_recorded_image("recordtest-motd:1.0") is None
    assert replay.calls_of("remove_container", "remove_image") == [("remove_container", "recordtest-motd-user", True),
                                                                 ("remove_image", "recordtest-motd:1.0")]


def test_clear_removes_named_containers_in_any_state_and_ignores_missing_names(replay):
    for key in ("running", "paused", "created"):
        replay.load_container(key)
    exercise.clear(containers=["recordtest-running", "recordtest-paused", "ex02-nothing"], images=["ex02-none:1.0"])
    assert [r["Name"] for r in replay.inspect_containers.values()] == ["/recordtest-created"]


def test_clear_removes_named_volumes_with_the_containers_that_mount_them(replay):
    replay.load_image("multi")
    replay.load_container("running")  # mounts nothing: stays
    replay.containers.create("busybox:1.35", ["true"], name="ex07-writer", volumes={"ex07-data": {"bind": "/data"}})
    replay.containers.create("busybox:1.35", ["true"], name="bystander", volumes={"own-data": {"bind": "/data"}})
    exercise.clear(volumes=["ex07-data", "ex07-never-made"])
    assert "ex07-data" not in replay._volumes and "own-data" in replay._volumes
    assert replay.container_names() == {"bystander"}
    assert [r["Name"] for r in replay.inspect_containers.values()] == ["/recordtest-running"]


def test_start_reserves_volumes_too(replay):
    replay.volumes.create("ex07-data")
    run = checks.start("07", volumes=["ex07-data"])
    assert run.volumes == ["ex07-data"] and replay._volumes == {}


def test_clear_sweeps_the_label_only_when_something_carries_it(replay, monkeypatch, capsys):
    replay.load_image("multi")
    swept = []
    real_reset = exercise.reset
    monkeypatch.setattr(exercise, "reset", lambda label, verbose=True: swept.append(label) or real_reset(label, verbose=verbose))
    exercise.clear(label="ex02")
    assert swept == []  # a clean engine skips the sweep
    replay.add_container("ex02-left", "busybox:1.35", labels={CHAPTER_LABEL: "ex02"})
    replay.add_container("ex03-other", "busybox:1.35", labels={CHAPTER_LABEL: "ex03"})
    exercise.clear(label="ex02")
    assert swept == ["ex02"]
    assert replay.container_names() == {"ex03-other"}
    assert capsys.readouterr() == ("", "")


# -- preparing objects ------------------------------------------------------------------------------

@pytest.mark.parametrize(("state", "verbs", "shown"), [
    ("created", ["create"], "생성됨(created)"),
    ("running", ["create", "start"], "실행 중(running)"),
    ("exited", ["create", "start"], "종료됨(exited)"),
])
def test_prepare_container_leaves_it_in_the_state_asked_and_moves_the_mark(replay, state, verbs, shown):
    replay.load_image("multi")
    run = exercise.Run("02", "ex02", dt.datetime(2000, 1, 1, tzinfo=UTC))
    c = run.prepare_container("ex02-old", "busybox:1.35", "sleep 3600", state=state)
    assert c.status == state
    assert [call[0] for call in replay.calls_of("create", "start", "stop", "remove_container")] == verbs
    assert replay.created[0]["command"] == ["sleep", "3600"] and replay.created[0]["labels"] == {CHAPTER_LABEL: "ex02"}
    assert run.containers == ["ex02-old"]
    assert run.prepared == [f"컨테이너 ex02-old({shown})"]
    assert run.started == parse_time(SYSTEM_TIME)  # prepared objects predate the learner's work


def test_prepare_container_started_with_files_and_options_even_when_the_start_fails(replay, monkeypatch):
    """Chapter 12: a container that will not stay up, with a file to find in it and a restart policy."""
    import docker.errors as de

    from ..fakes import FakeContainer

    replay.load_image("multi")
    run = exercise.Run("12", "ex12", dt.datetime(2000, 1, 1, tzinfo=UTC))
    c = run.prepare_container("ex12-app", "busybox:1.35", "sh -c 'exit 1'", state="started",
                              files={"/etc/app/app.conf.example": "PORT=8080\n"}, restart_policy={"Name": "on-failure"})
    assert replay.created[0]["restart_policy"] == {"Name": "on-failure"}
    assert replay.files[("ex12-app", "/etc/app/app.conf.example")] == b"PORT=8080\n"
    assert c.status == "running" and run.prepared == ["컨테이너 ex12-app(시작해 둠)"]

    def refuse(self):
        raise de.APIError("400 Client Error", explanation='exec: "pyhton3": executable file not found in $PATH')

    monkeypatch.setattr(FakeContainer, "start", refuse)
    c = run.prepare_container("ex12-docs", "busybox:1.35", ["pyhton3"], state="started")  # the engine's refusal is the point
    assert c.status == "created" and run.containers == ["ex12-app", "ex12-docs"]
    with pytest.raises(de.APIError):
        run.prepare_container("ex12-other", "busybox:1.35", ["pyhton3"], state="running")


def test_prepare_tag_gives_an_image_a_name_to_remove(replay):
    replay.load_image("multi")
    run = exercise.Run("02", "ex02", dt.datetime(2000, 1, 1, tzinfo=UTC))
    run.prepare_tag("busybox:1.35", "ex02-old-image:1.0")
    run.prepare_tag("busybox:1.35", "ex02-old-image:1.0")
    assert "ex02-old-image:1.0" in replay.image("busybox:1.35")["RepoTags"]
    assert run.images == ["ex02-old-image:1.0"]  # remembered once
    assert run.prepared[-1] == "이미지 이름 ex02-old-image:1.0"
    assert run.started == parse_time(SYSTEM_TIME)


def test_publish_pushes_what_the_registry_lacks_and_keeps_no_local_name(replay, course_registry):
    rec = replay.load_image("motd_exec")
    course_registry["held"]["ex05/motd:1.0"] = rec["Id"]  # already there: not pushed again
    run = exercise.Run("05", "ex05", dt.datetime(2000, 1, 1, tzinfo=UTC))
    refs = run.publish("recordtest-motd:1.0", "ex05/motd:1.0", "ex05/motd:2.0")
    assert refs == ["127.0.0.1:5050/ex05/motd:1.0", "127.0.0.1:5050/ex05/motd:2.0"]
    assert course_registry["pushed"] == ["127.0.0.1:5050/ex05/motd:2.0"]
    assert replay.image("recordtest-motd:1.0")["RepoTags"] == ["recordtest-motd:1.0"]
    assert run.prepared == ["레지스트리 ex05/motd:1.0, ex05/motd:2.0"]


def test_publish_with_changes_commits_a_variant_once(replay, course_registry):
    replay.load_image("multi")
    run = exercise.Run("04", "ex04", dt.datetime(2000, 1, 1, tzinfo=UTC))
    run.publish("busybox:1.35", "ex04/hello:0.1", changes=["ENV CHAPTER=4"])
    assert course_registry["pushed"] == ["127.0.0.1:5050/ex04/hello:0.1"]
    (commit,) = [c for c in replay.calls if c[0] == "commit"]
    assert commit[3] == ["ENV CHAPTER=4"]
    assert replay.container_names() == set()  # the helper container is gone
    assert [img.tags for img in replay._images.values()] == []  # and the variant too
    assert replay.image("busybox:1.35")["RepoTags"] == ["busybox:1.35", "recordtest-multi:1", "recordtest-multi:2"]
    course_registry["held"]["ex04/hello:0.1"] = "sha256:" + "f" * 64  # later runs reuse what the registry holds
    replay.calls.clear()
    run.publish("busybox:1.35", "ex04/hello:0.1", changes=["ENV CHAPTER=4"])
    assert course_registry["pushed"] == ["127.0.0.1:5050/ex04/hello:0.1"]
    assert replay.calls_of("create", "commit", "tag", "remove_container", "remove_image", "untag") == []


def test_clear_removes_reserved_networks_by_exact_name_even_with_someone_on_them(replay):
    replay.add_image("busybox:1.35")
    replay.networks.create("ex08-net")
    replay.networks.create("ex08-net-keep")
    bystander = replay.containers.create("busybox:1.35", ["sleep", "300"], name="bystander", network="ex08-net")
    bystander.start()
    exercise.clear(networks=["ex08-net", "ex08-gone"])
    names = {n["Name"] for n in replay.api.networks()}
    assert "ex08-net" not in names and "ex08-net-keep" in names
    assert replay.calls_of("disconnect") == [("disconnect", "ex08-net", "bystander", True)]
    assert bystander.networks == {}  # still there, on no network


def test_clean_exercise_removes_the_exercise_networks(replay):
    from helpers.grading import clean_exercise

    replay.networks.create("ex08-net")
    replay.networks.create("ex09-net")
    removed = clean_exercise("08")
    assert removed["networks"] == ["ex08-net"]
    assert {n["Name"] for n in replay.api.networks()} == {"bridge", "host", "none", "ex09-net"}
