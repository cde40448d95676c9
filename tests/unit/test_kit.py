"""helpers.kit without an engine: what the book's images map to, and the warm check."""

from __future__ import annotations

import pytest

import helpers as h
from helpers import kit


@pytest.mark.parametrize(("ref", "kit_name"), [
    ("alpine", "busybox:1.35"),
    ("alpine:3.19", "busybox:1.35"),
    ("library/alpine", "busybox:1.35"),
    ("ubuntu", "debian:bookworm"),
    ("ubuntu:22.04", "debian:bookworm"),
    ("httpd", "httpd:2.4"),
    ("httpd:latest", "httpd:2.4"),
    ("busybox", "busybox:1.35"),
    ("python", "python:3.11-slim"),
    ("giljae/ld_ch02:0.1", "learn-docker-ko/hello:0.1"),
])
def test_hint_for_book_images_points_at_the_kit_image(ref, kit_name):
    hint = kit.hint_for(ref)
    assert f"'{kit_name}'" in hint and f"h.run('{kit_name}'" in hint


def test_hint_for_a_kit_image_says_how_to_prepare_it():
    assert "h.kit.ensure(['httpd:2.4'])" in kit.hint_for("httpd:2.4")


def test_hint_for_anything_else_suggests_pull():
    hint = kit.hint_for("nginx:1.25")
    assert "h.pull('nginx:1.25')" in hint


def test_catalog_names_tags_and_aliases_are_consistent():
    names = kit.names()
    assert names == ["debian:bookworm", "busybox:1.35", "httpd:2.4", "registry:2.8", "python:3.11-slim",
                     "learn-docker-ko/hello:0.1"]
    assert set(kit.ALIASES.values()) <= set(names)
    for k in kit.CATALOG:
        assert ":" in k.name and k.check and k.expect
        if k.recipe not in ("debootstrap", "busybox-static"):
            assert (kit.DOCKERFILES / k.recipe / "Dockerfile").is_file()


def test_missing_and_status_with_one_list_call(fake, monkeypatch):
    calls = []
    real = fake.api.images
    monkeypatch.setattr(fake.api, "images", lambda *a, **kw: calls.append(kw) or real(*a, **kw))
    assert kit.missing(["busybox:1.35", "httpd:2.4"]) == []
    assert kit.missing() == ["debian:bookworm", "registry:2.8", "python:3.11-slim", "learn-docker-ko/hello:0.1"]
    assert len(calls) == 2  # one list call per warm check
    rows = kit.status().rows
    assert [r[0] for r in rows] == kit.names()
    by_name = {r[0]: r for r in rows}
    assert by_name["busybox:1.35"][1].startswith("빌드") and by_name["debian:bookworm"][1] == "없음"
    assert by_name["busybox:1.35"][4] == "책의 alpine"


def test_ensure_with_everything_present_builds_nothing(fake, monkeypatch):
    monkeypatch.setattr(kit, "_build", lambda k: pytest.fail(f"built {k.name}"))
    monkeypatch.setattr(kit, "registry_answers", lambda: pytest.fail("asked the registry"))
    table = kit.ensure(["busybox:1.35", "httpd:2.4"])
    assert [r[0] for r in table.rows] == kit.names()


def test_ensure_builds_missing_images_and_their_bases_in_order(fake, monkeypatch):
    built = []

    def fake_build(k):
        built.append(k.name)
        fake.add_image(k.name)

    monkeypatch.setattr(kit, "_build", fake_build)
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


def test_revision_follows_the_recipe_files():
    revs = {k.name: kit.revision(k) for k in kit.CATALOG}
    assert len(set(revs.values())) == len(revs)
    assert all(len(r) == 12 for r in revs.values())
    assert kit.revision(kit.BY_NAME["httpd:2.4"]) == kit.revision(kit.BY_NAME["httpd:2.4"])


def test_each_recipe_base_matches_its_dockerfile():
    from helpers import kit

    for k in kit.CATALOG:
        dockerfile = kit.DOCKERFILES / k.recipe / "Dockerfile"
        if dockerfile.is_file():
            froms = [ln.split()[1] for ln in dockerfile.read_text().splitlines() if ln.startswith("FROM ")]
            assert froms == [k.base], f"{k.name}: Dockerfile FROM {froms}, catalog base {k.base!r}"


def test_missing_images_bring_their_bases_along():
    from helpers import kit

    assert kit._needed_by("debian:bookworm", ["learn-docker-ko/hello:0.1"])  # via busybox
    assert kit._needed_by("busybox:1.35", ["learn-docker-ko/hello:0.1"])
    assert not kit._needed_by("busybox:1.35", ["httpd:2.4"])
    assert not kit._needed_by("debian:bookworm", ["debian:bookworm"])
