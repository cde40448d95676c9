"""helpers.kit.builders without an engine: the warm check, the build order, the registry probe."""

from __future__ import annotations

import pytest

import helpers as h
from helpers import kit
from helpers.kit import builders


def test_missing_and_status_with_one_list_call(fake, monkeypatch):
    calls = []
    real = fake.api.images
    monkeypatch.setattr(fake.api, "images", lambda *a, **kw: calls.append(kw) or real(*a, **kw))
    assert kit.missing(["busybox:1.35", "httpd:2.4"]) == []
    assert kit.missing() == ["debian:bookworm", "registry:2.8", "python:3.11-slim", "redis:7.0",
                            "learn-docker-ko/hello:0.1"]
    assert len(calls) == 2  # one list call per warm check
    rows = kit.status().rows
    assert [r[0] for r in rows] == kit.names()
    by_name = {r[0]: r for r in rows}
    assert by_name["busybox:1.35"][1].startswith("빌드") and by_name["debian:bookworm"][1] == "없음"
    assert by_name["busybox:1.35"][4] == "책의 alpine"


def test_ensure_with_everything_present_builds_nothing(fake, monkeypatch):
    monkeypatch.setattr(builders, "_build", lambda k: pytest.fail(f"built {k.name}"))
    monkeypatch.setattr(builders, "registry_answers", lambda: pytest.fail("asked the registry"))
    table = kit.ensure(["busybox:1.35", "httpd:2.4"])
    assert [r[0] for r in table.rows] == kit.names()


def test_ensure_builds_missing_images_and_their_bases_in_order(fake, monkeypatch):
    built = []

    def fake_build(k):
        built.append(k.name)
        fake.add_image(k.name)

    monkeypatch.setattr(builders, "_build", fake_build)
    with h.quiet():
        kit.ensure(["learn-docker-ko/hello:0.1"], allow_pull=False)
    assert built == ["debian:bookworm", "learn-docker-ko/hello:0.1"]  # busybox is here already


def test_registry_answers_offline_env_asks_nobody(monkeypatch):
    monkeypatch.setenv("LEARN_DOCKER_OFFLINE", "1")
    assert kit.registry_answers() is False


def test_a_kit_image_built_from_an_older_recipe_counts_as_missing(fake):
    from helpers._state import KIT_LABEL

    fake.images.get("busybox:1.35").labels[f"{KIT_LABEL}.revision"] = "old-recipe"
    fake.add_image("debian:bookworm", labels={})  # pulled, not built: never stale
    assert kit.missing(["busybox:1.35", "httpd:2.4", "debian:bookworm"]) == ["busybox:1.35"]


def test_missing_images_bring_their_bases_along():

    assert builders._needed_by("debian:bookworm", ["learn-docker-ko/hello:0.1"])  # via busybox
    assert builders._needed_by("busybox:1.35", ["learn-docker-ko/hello:0.1"])
    assert not builders._needed_by("busybox:1.35", ["httpd:2.4"])
    assert not builders._needed_by("debian:bookworm", ["debian:bookworm"])


def test_a_kit_name_moved_to_another_image_counts_as_missing(fake):
    """Recognised by name and image ID, not labels: a learner's image built FROM busybox inherits the kit's
    labels, and tagging it busybox:1.35 must not make it the kit image."""
    rev = kit.revision(kit.BY_NAME["busybox:1.35"])
    builders._record("busybox:1.35", rev)
    assert builders.missing(["busybox:1.35"]) == []
    inherited = dict(fake.images.get("busybox:1.35").labels)
    fake.add_image("busybox:1.35", labels=inherited)  # same labels, another image
    assert builders.missing(["busybox:1.35"]) == ["busybox:1.35"]


def test_recorded_revision_older_than_the_recipe_counts_as_missing(fake):
    builders._record("httpd:2.4", "old-recipe")
    assert builders.missing(["httpd:2.4"]) == ["httpd:2.4"]
    builders._record("httpd:2.4", "pulled")
    assert builders.missing(["httpd:2.4"]) == []
