"""helpers.kit.catalog: what the book's images map to, recipes and their revisions (no engine)."""

from __future__ import annotations

import pytest

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
    ("redis", "redis:7.0"),
    ("redis:7.2", "redis:7.0"),
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
                     "redis:7.0", "learn-docker-ko/hello:0.1"]
    assert set(kit.ALIASES.values()) <= set(names)
    for k in kit.CATALOG:
        assert ":" in k.name and k.check and k.expect
        if k.recipe not in ("debootstrap", "busybox-static"):
            assert (kit.DOCKERFILES / k.recipe / "Dockerfile").is_file()


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
            assert froms[-1] == k.base, f"{k.name}: final stage FROM {froms[-1]}, catalog base {k.base!r}"
            chain, base = [], k.base  # earlier stages may only use the base or the base's own bases
            while base:
                chain.append(base)
                base = kit.BY_NAME[base].base
            assert set(froms) <= set(chain), f"{k.name}: Dockerfile FROM {froms}, bases made before it {chain}"
