"""helpers.grading.checks.registry against a fake course registry whose answers were recorded from
registry:2.8 (``recorded/registry.json``: after pushing recordtest-motd:1.0, its manifest's config digest
is the local image id)."""

from __future__ import annotations

import io
import json

import pytest

from helpers.grading.checks import registry as registry_checks
from helpers.kit import registry as kit_registry

from ..replay import failure, recorded

REGISTRY = recorded("registry")
IMAGES = recorded("images")
PUSHED = REGISTRY["manifest"]["config"]["digest"]


class FakeRegistry:
    """The three calls ``registry_has`` makes, answering like the recorded registry."""

    def __init__(self):
        self.up = True
        repo = REGISTRY["tags_list"]["name"]
        self.repos = {repo: dict.fromkeys(REGISTRY["tags_list"]["tags"], PUSHED)}
        self.asked: list[tuple] = []

    def running(self) -> bool:
        self.asked.append(("running",))
        return self.up

    def tags(self, repository: str) -> list[str]:
        self.asked.append(("tags", repository))
        return list(self.repos.get(repository, {}))

    def manifest_config(self, repository: str, tag: str) -> str | None:
        self.asked.append(("manifest_config", repository, tag))
        return self.repos.get(repository, {}).get(tag)

    def manifest(self, repository: str, tag: str) -> dict | None:
        self.asked.append(("manifest", repository, tag))
        config = self.repos.get(repository, {}).get(tag)
        return {"digest": "sha256:" + "d" * 64, "config": config, "manifests": []} if config else None


@pytest.fixture
def registry(monkeypatch) -> FakeRegistry:
    fake = FakeRegistry()
    for verb in ("running", "tags", "manifest_config", "manifest"):
        # where the check looks them up (checks/registry.py imports helpers.kit.registry as course_registry)
        monkeypatch.setattr(registry_checks.course_registry, verb, getattr(fake, verb))
    return fake


def test_the_recorded_push_has_the_local_image_id_as_config_digest():
    assert PUSHED == REGISTRY["local_image_id"] == IMAGES["motd_exec"]["Id"]


def test_the_fake_answers_what_the_registry_module_makes_of_the_recorded_http(monkeypatch):
    def urlopen(req, timeout=None):
        url = req if isinstance(req, str) else req.full_url
        body = REGISTRY["manifest"] if "/manifests/" in url else REGISTRY["tags_list"] if "/tags/" in url else {}
        resp = io.BytesIO(json.dumps(body).encode())
        resp.status = 200
        return resp

    monkeypatch.setattr(kit_registry.urllib.request, "urlopen", urlopen)
    fake = FakeRegistry()
    assert kit_registry.running() is True
    assert kit_registry.tags("recordtest/motd") == fake.tags("recordtest/motd")
    assert kit_registry.manifest_config("recordtest/motd", "1.0") == fake.manifest_config("recordtest/motd", "1.0")


@pytest.mark.parametrize("repo", ["recordtest/motd", "127.0.0.1:5050/recordtest/motd"])
def test_registry_has_passes_for_a_pushed_tag(replay, registry, repo):
    assert registry_checks.registry_has(repo, "1.0") is True
    assert ("tags", "recordtest/motd") in registry.asked  # the address is dropped before asking


def test_registry_has_drops_the_address_of_another_port(replay, registry, monkeypatch):
    monkeypatch.setenv("LEARN_DOCKER_REGISTRY_PORT", "5051")
    assert registry_checks.registry_has("127.0.0.1:5051/recordtest/motd", "1.0") is True
    f = failure(registry_checks.registry_has, "127.0.0.1:5050/recordtest/motd", "1.0")  # the old port is a repo
    assert f.expected == "127.0.0.1:5050/recordtest/motd:1.0"


def test_registry_has_passes_when_the_pushed_image_is_the_local_one(replay, registry):
    replay.load_image("motd_exec")
    assert registry_checks.registry_has("recordtest/motd", "1.0", image="recordtest-motd:1.0") is True
    assert ("manifest", "recordtest/motd", "1.0") in registry.asked


def test_registry_has_fails_when_the_registry_is_down(replay, registry):
    registry.up = False
    f = failure(registry_checks.registry_has, "recordtest/motd", "1.0")
    assert f.what == "과정 레지스트리(127.0.0.1:5050)에 recordtest/motd:1.0이(가) 있어야 합니다."
    assert (f.expected, f.actual) == ("응답하는 레지스트리", "레지스트리가 꺼져 있음")
    assert f.hint == "`h.registry.start()`로 띄운 뒤 다시 push 하세요."
    assert registry.asked == [("running",)]


@pytest.mark.parametrize(("repo", "tag", "actual"), [
    ("recordtest/motd", "2.0", "없음 (그 저장소의 태그: 1.0)"),
    ("recordtest/other", "1.0", "없음 (그런 저장소가 없음)"),
])
def test_registry_has_fails_for_a_tag_not_pushed(replay, registry, repo, tag, actual):
    f = failure(registry_checks.registry_has, repo, tag)
    assert f.what == f"과정 레지스트리에 {repo}:{tag}이(가) 있어야 합니다."
    assert (f.expected, f.actual) == (f"{repo}:{tag}", actual)
    assert f.hint == (f"`h.tag('내이미지', '127.0.0.1:5050/{repo}:{tag}')`로 레지스트리 주소를 붙인 이름을 만든 뒤 "
                      f"`h.push('127.0.0.1:5050/{repo}:{tag}')`.")


def test_registry_has_fails_when_the_pushed_image_is_an_older_one(replay, registry):
    replay.load_image("motd_exec")  # what the registry holds
    local = replay.load_image("motd_shell")["Id"]  # what the learner has now
    replay.api.tag(local, "recordtest-motd", "now")
    f = failure(registry_checks.registry_has, "recordtest/motd", "1.0", image="recordtest-motd:now")
    assert f.what == "레지스트리의 recordtest/motd:1.0은(는) 이번에 만든 이미지 'recordtest-motd:now'(이)어야 합니다."
    assert (f.expected, f.actual) == (local[7:19], PUSHED[7:19] + " (다른 이미지)")
    assert "예전에 올린 이미지가 남아 있습니다" in f.hint


def test_registry_has_fails_when_the_manifest_is_gone(replay, registry):
    replay.load_image("motd_exec")
    registry.repos["recordtest/motd"]["1.0"] = None  # listed, but the manifest no longer answers
    f = failure(registry_checks.registry_has, "recordtest/motd", "1.0", image="recordtest-motd:1.0")
    assert (f.expected, f.actual) == (PUSHED[7:19], "? (다른 이미지)")


def test_registry_has_fails_when_the_local_image_is_missing(replay, registry):
    replay.load_image("motd_exec")
    f = failure(registry_checks.registry_has, "recordtest/motd", "1.0", image="recordtest-motd:2.0")
    assert (f.expected, f.actual) == ("recordtest-motd:2.0", "없음 (같은 저장소에 있는 이름: recordtest-motd:1.0)")
