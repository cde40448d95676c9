"""helpers.grading.checks.capstone over recorded answers (``recorded/capstone.json``, made by ``record_capstone.py``):
``recordtest11`` as the chapter 11 exercise asks (web with ``USER app`` and its own ``HEALTHCHECK``, redis with
``--appendonly yes``, three visits) and ``recordtest11b`` with the typical mistakes (web as root, the healthcheck only
in the compose file, redis without appendonly). The checks find a service's container through ``compose.py``'s
``service_container`` (tested over Compose's labels in ``test_compose.py``), so here it answers from the records."""

from __future__ import annotations

import pytest

from helpers.grading import checks
from helpers.grading.checks import capstone

from ..replay import failure, recorded

REC = recorded("capstone")
GOOD, BAD = "recordtest11", "recordtest11b"


class _Result:
    def __init__(self, answer: dict | None):
        self.exit_code = answer["exit_code"] if answer else 127
        self.output = (answer["output"] if answer else "exec failed: not found").encode()


class _Container:
    def __init__(self, service: dict):
        self.attrs = service["container"]
        self.name = self.attrs["Name"].lstrip("/")
        self.answers = service["exec"]

    def exec_run(self, argv):
        return _Result(self.answers.get(" ".join(argv)))


class _Api:
    def __init__(self, images: dict):
        self.images = images

    def inspect_image(self, image_id):
        return self.images[image_id]


class _Client:
    def __init__(self, images: dict):
        self.api = _Api(images)


@pytest.fixture()
def engine(monkeypatch):
    """Both projects' records, editable per test; ``service_container`` and ``client`` answer from them."""
    rec = recorded("capstone")["projects"]
    images = {s["image"]["Id"]: s["image"] for p in rec.values() for s in p.values()}

    def service_container(project, service, running=True):
        return _Container(rec[project][service])

    monkeypatch.setattr(capstone, "service_container", service_container)
    monkeypatch.setattr(capstone, "client", lambda: _Client(images))
    return rec


def test_the_records_are_what_the_tests_say():
    good, bad = REC["projects"][GOOD], REC["projects"][BAD]
    assert good["web"]["image"]["Config"]["User"] == "app" and bad["web"]["image"]["Config"]["User"] == ""
    assert good["web"]["image"]["Config"]["Healthcheck"]["Test"][0] == "CMD"
    assert bad["web"]["image"]["Config"]["Healthcheck"] is None
    assert bad["web"]["container"]["Config"]["Healthcheck"]["Test"][0] == "CMD"  # from the compose file
    assert good["redis"]["exec"]["redis-cli GET hits"]["output"].strip() == "3"


def test_image_healthcheck_passes_for_a_dockerfile_healthcheck(engine):
    assert checks.compose_image_healthcheck(GOOD, "web") == ["CMD", "python3", "app.py", "check"]


def test_image_healthcheck_says_when_it_is_only_in_the_compose_file(engine):
    f = failure(checks.compose_image_healthcheck, BAD, "web")
    assert "Dockerfile의 HEALTHCHECK" in f.what and f.actual == "compose.yaml에만 있음"
    assert "up -d --build" in f.hint


def test_image_healthcheck_says_when_there_is_none(engine):
    engine[BAD]["web"]["container"]["Config"]["Healthcheck"] = None
    assert failure(checks.compose_image_healthcheck, BAD, "web").actual == "헬스체크 없음"


def test_non_root_asks_the_container_of_the_service(engine, monkeypatch):
    asked = []
    monkeypatch.setattr(capstone, "container_user_not_root", lambda name: asked.append(name) or 10001)
    assert checks.compose_non_root(GOOD, "web") == 10001
    assert asked == ["recordtest11-web-1"]


def test_appendonly_yes_passes_and_no_fails(engine):
    assert checks.compose_redis_appendonly(GOOD, "redis")
    f = failure(checks.compose_redis_appendonly, BAD, "redis")
    assert f.expected == "appendonly yes" and f.actual == "appendonly no"
    assert '"--appendonly", "yes"' in f.hint


def test_appendonly_without_redis_cli_says_what_came_back(engine):
    del engine[BAD]["redis"]["exec"]["redis-cli CONFIG GET appendonly"]
    assert "exec failed" in failure(checks.compose_redis_appendonly, BAD, "redis").actual


@pytest.mark.parametrize("value", [3, 2])
def test_counter_between_at_least_and_what_redis_holds_passes(engine, value):
    assert checks.compose_redis_counter(GOOD, "redis", "hits", value, at_least=2, what="page_after")


def test_counter_that_started_over_fails_with_both_numbers(engine):
    f = failure(checks.compose_redis_counter, GOOD, "redis", "hits", 1, at_least=2, what="page_after")
    assert f.expected == "2 이상" and f.actual == "1 (redis의 hits: 3)"
    assert "down -v" in f.hint


def test_counter_above_what_redis_holds_fails(engine):
    f = failure(checks.compose_redis_counter, GOOD, "redis", "hits", 9, at_least=2, what="page_after")
    assert f.expected == "3 이하" and f.actual == "9"


def test_counter_missing_in_redis_or_not_a_number(engine):
    engine[GOOD]["redis"]["exec"]["redis-cli GET hits"]["output"] = "\n"
    assert failure(checks.compose_redis_counter, GOOD, "redis", "hits", 2, at_least=2).actual == "없음"
    assert failure(checks.compose_redis_counter, GOOD, "redis", "hits", "3", at_least=2).expected == "정수(int)"
