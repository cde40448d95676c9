"""helpers.grading.checks.operating over recorded answers (``recorded/operating.json``, made by
``record_operating.py``): restart policies and ``RestartCount`` (by the policy vs ``docker restart`` by hand),
healthchecks (healthy, unhealthy, none), ``--read-only``, ``--cap-drop ALL`` vs one capability, and a container
run by digest vs by tag."""

from __future__ import annotations

import copy

import pytest

from helpers.grading import checks

from ..replay import failure, recorded

OPERATING = recorded("operating")
IMAGE = OPERATING["image"]
REPO = IMAGE["RepoDigests"][0].partition("@")[0]


def name(key: str) -> str:
    return OPERATING["containers"][key]["Name"].lstrip("/")


@pytest.fixture
def engine10(replay):
    for rec in OPERATING["containers"].values():
        replay.inspect_containers[rec["Id"]] = copy.deepcopy(rec)
        replay.container_rows[rec["Id"]] = {"Id": rec["Id"], "Names": [rec["Name"]], "Image": rec["Config"]["Image"],
                                            "ImageID": rec["Image"], "State": rec["State"]["Status"]}
    replay.inspect_images[IMAGE["Id"]] = copy.deepcopy(IMAGE)
    return replay


def test_restart_policy_accepts_any_policy_that_restarts(engine10):
    assert checks.restart_policy(name("phoenix")) == "on-failure"
    assert checks.restart_policy(name("by_hand")) == "always"
    assert checks.restart_policy(name("by_hand"), policies=("always",)) == "always"


def test_restart_policy_fails_on_no_with_the_flag_to_use(engine10):
    f = failure(checks.restart_policy, name("plain"))
    assert "no (다시 시작하지 않음)" in f.actual
    assert "--restart on-failure" in f.hint and "docker update" in f.hint


def test_restart_count_counts_the_policy_not_a_restart_by_hand(engine10):
    assert checks.restarted_by_engine(name("phoenix")) == 1
    f = failure(checks.restarted_by_engine, name("by_hand"), wait=0)
    assert f.actual == "RestartCount 0"
    assert "kill 1" in f.hint and "사람이 멈춘 것" in f.hint


def test_healthy_passes_unhealthy_and_none_fail_with_what_the_engine_saw(engine10):
    assert checks.container_healthy(name("healthy")) is True
    sick = failure(checks.container_healthy, name("sick"), wait=0)
    assert sick.expected == "healthy" and sick.actual.startswith("unhealthy (마지막 검사 종료 코드 1")
    none = failure(checks.container_healthy, name("plain"), wait=0)
    assert none.actual == "헬스체크 없음" and "--health-cmd" in none.hint


def test_read_only_rootfs(engine10):
    assert checks.read_only_rootfs(name("locked")) is True
    f = failure(checks.read_only_rootfs, name("plain"))
    assert f.actual == "읽기-쓰기" and "--read-only" in f.hint and "--tmpfs /tmp" in f.hint


def test_caps_dropped_all_and_one_capability(engine10):
    assert checks.caps_dropped(name("locked")) is True
    assert checks.caps_dropped(name("locked"), ["CAP_NET_RAW", "chown"]) is True  # ALL covers every one
    assert checks.caps_dropped(name("nochown"), ["CAP_CHOWN"]) is True  # the engine keeps the learner's spelling
    f = failure(checks.caps_dropped, name("nochown"))
    assert f.expected == "--cap-drop ALL" and f.actual == "CHOWN"
    assert failure(checks.caps_dropped, name("plain")).actual == "버린 권한 없음"


def test_run_by_digest_passes_and_a_tag_fails(engine10):
    assert checks.run_by_digest(name("by_digest"), repository=REPO) == IMAGE["RepoDigests"][0]
    f = failure(checks.run_by_digest, name("by_tag"), repository=REPO)
    assert f.actual.endswith("recordtest-pinned:1.0") and "RepoDigests" in f.hint
    assert "다른 저장소" not in failure(checks.run_by_digest, name("by_digest"), repository="x/other").what


def test_run_by_digest_fails_when_the_digest_is_not_the_images(engine10):
    rec = engine10.inspect_images[IMAGE["Id"]]
    rec["RepoDigests"] = []
    f = failure(checks.run_by_digest, name("by_digest"))
    assert f.actual == "다이제스트 없음"
