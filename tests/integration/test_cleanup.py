"""helpers.cleanup against the real engine: leftovers/reset find and remove only what a chapter
labelled (or named in the ledger) — never an unlabelled object, never a kit image.

``h.cleanup()`` itself is not run here (it would remove other chapters' objects on a shared engine);
its selection is ``h.leftovers()`` with no chapter, which is checked instead.
"""

from __future__ import annotations

import contextlib

import docker.errors as de
import pytest

import helpers as h
from helpers import kit, ledger
from helpers._state import CHAPTER_LABEL

from .support import container_exists, image_exists, remove_container, remove_image

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter")]

OTHER = "test-cleanup-other"


@pytest.fixture
def unlabelled(engine):
    """A learner's own objects, made with the raw SDK (no course label); removed by the test itself."""
    c = engine.containers.create("busybox:1.35", "sleep 300", name="itest-unlabelled")
    c.start()
    v = engine.volumes.create("itest-unlabelled-vol")
    n = engine.networks.create("itest-unlabelled-net")
    engine.images.get("busybox:1.35").tag("itest/unlabelled-tag", "1")
    yield {"container": c.id, "volume": v.name, "network": n.id, "tag": "itest/unlabelled-tag:1"}
    remove_container(engine, c.id)
    with contextlib.suppress(de.NotFound):
        engine.volumes.get(v.name).remove(force=True)
    with contextlib.suppress(de.NotFound):
        engine.networks.get(n.id).remove()
    remove_image(engine, "itest/unlabelled-tag:1")


@pytest.fixture
def course_objects(chapter):
    """One of each kind the course labels, plus a ledger tag, all in this module's chapter."""
    with h.quiet():
        running = h.run("busybox:1.35", "sleep 300", name="itest-clean-running", detach=True)
        stopped = h.create("busybox:1.35", "true", name="itest-clean-created")
        img = h.commit("itest-clean-created", "itest/clean-commit", "1")
        vol = h.volume_create("itest-clean-vol")
        net = h.network_create("itest-clean-net")
        h.tag("busybox:1.35", "itest/clean-tag:1")
    yield {"containers": {running.id, stopped.id}, "image": img.id, "volume": vol.name, "network": net.id}
    with h.quiet():
        h.reset(chapter, verbose=False)


def test_leftovers_lists_exactly_the_chapters_objects(engine, chapter, course_objects, unlabelled):
    left = h.leftovers(chapter)
    assert set(left["containers"]) == course_objects["containers"]
    assert left["images"] == [course_objects["image"]]
    assert left["volumes"] == [course_objects["volume"]]
    assert left["networks"] == [course_objects["network"]]
    assert left["tags"] == ["itest/clean-tag:1"]
    everything = h.leftovers()  # what h.cleanup() would remove
    assert unlabelled["container"] not in everything["containers"]
    assert unlabelled["volume"] not in everything["volumes"]
    assert unlabelled["network"] not in everything["networks"]
    assert unlabelled["tag"] not in everything["tags"]
    assert not set(kit.names()) & set(everything["tags"])
    kit_ids = {engine.images.get(n).id for n in kit.names()}
    assert not kit_ids & set(everything["images"])


def test_reset_removes_the_chapter_and_leaves_the_learners_objects(engine, chapter, course_objects, unlabelled,
                                                                  capsys):
    kit_ids = {n: engine.images.get(n).id for n in kit.names()}
    counts = h.reset(chapter)
    assert counts == {"containers": 2, "images": 1, "tags": 1, "volumes": 1, "networks": 1}
    assert f"정리 완료({chapter}장)" in capsys.readouterr().out
    assert h.leftovers(chapter) == {"containers": [], "images": [], "volumes": [], "networks": [], "tags": []}
    assert not image_exists(engine, "itest/clean-tag:1") and not image_exists(engine, course_objects["image"])
    assert ledger.refs(chapter) == []
    # the learner's own objects are untouched
    assert engine.containers.get(unlabelled["container"]).status == "running"
    assert engine.volumes.get(unlabelled["volume"])
    assert engine.networks.get(unlabelled["network"])
    assert image_exists(engine, unlabelled["tag"])
    # and the kit keeps every image
    assert {n: engine.images.get(n).id for n in kit.names()} == kit_ids


def test_reset_of_another_chapter_leaves_this_one(engine, chapter):
    with h.quiet():
        mine = h.run("busybox:1.35", "sleep 300", name="itest-clean-mine", detach=True)
        theirs = h.run("busybox:1.35", "sleep 300", name="itest-clean-theirs", detach=True, chapter=OTHER)
        assert theirs.labels[CHAPTER_LABEL] == OTHER
        h.reset(OTHER)
    assert container_exists(engine, mine.id) and not container_exists(engine, theirs.id)
    with h.quiet():
        h.reset(chapter)
    assert not container_exists(engine, mine.id)


def test_reset_with_nothing_to_do(chapter):
    with h.quiet():
        assert h.reset(chapter) == {"containers": 0, "images": 0, "volumes": 0, "networks": 0, "tags": 0}


def test_reset_removes_committed_image_chains(engine, chapter):
    with h.quiet():
        h.create("busybox:1.35", "true", name="itest-chain-a")
        first = h.commit("itest-chain-a", "itest/chain", "1")
        h.create("itest/chain:1", "true", name="itest-chain-b")
        second = h.commit("itest-chain-b", "itest/chain", "2")
        h.reset(chapter)
    assert not image_exists(engine, first.id) and not image_exists(engine, second.id)
    assert image_exists(engine, "busybox:1.35")
