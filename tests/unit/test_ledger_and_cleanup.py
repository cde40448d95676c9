"""helpers.ledger and helpers.cleanup against the fake: reset removes by label/ledger only,
never a learner's own objects and never the kit's images."""

from __future__ import annotations

import json
import os

import pytest

import helpers as h
from helpers import ledger
from helpers._state import CHAPTER_LABEL, KIT_LABEL, course_home


def test_ledger_lives_in_learn_docker_home(tmp_path):
    assert course_home() == tmp_path / "course-home" == type(course_home())(os.environ["LEARN_DOCKER_HOME"])
    assert ledger.load() == {}


def test_ledger_record_refs_forget():
    ledger.record("a/b:1", "04")
    ledger.record("a/b:1", "04")  # once only
    ledger.record("c/d:2", "05")
    assert ledger.refs("04") == ["a/b:1"]
    assert sorted(ledger.refs()) == ["a/b:1", "c/d:2"]
    ledger.forget("a/b:1")
    assert ledger.refs("04") == [] and ledger.refs() == ["c/d:2"]
    on_disk = json.loads((course_home() / "ledger.json").read_text())
    assert on_disk == {"05": ["c/d:2"]}  # empty chapters are dropped
    ledger.forget("never-recorded:1")


def test_ledger_uses_the_current_chapter():
    h.use_chapter("03")
    ledger.record("x/y:1")
    assert ledger.refs("03") == ["x/y:1"]


def test_ledger_survives_a_corrupt_file():
    path = course_home() / "ledger.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert ledger.load() == {}
    ledger.record("x/y:1", "02")
    assert ledger.refs() == ["x/y:1"]


@pytest.fixture
def scene(fake):
    """Chapter 03 and 05 objects, a learner's own objects, and kit images."""
    mine = {CHAPTER_LABEL: "03"}
    fake.add_container("web", "httpd:2.4", labels=mine)
    fake.add_container("stopped", labels=mine, running=False)
    fake.add_container("ch05", labels={CHAPTER_LABEL: "05"})
    fake.add_container("learners-own", labels={})
    fake.add_container("other-label", labels={"com.example": "x"})
    committed = fake.add_image("learner/commit:1", labels=mine)
    fake.add_image("learners/own:1", labels={})
    fake.volumes.create("course-vol", labels=mine)
    fake.volumes.create("own-vol")
    fake.networks.create("course-net", labels=mine)
    fake.networks.create("own-net")
    fake.images.get("busybox:1.35").tag("learner/tagged", "1")  # a name the course added to a kit image
    ledger.record("learner/tagged:1", "03")
    ledger.record("busybox:1.35", "03")  # even if the ledger names a kit image, reset must keep it
    fake.calls.clear()
    return {"committed": committed}


def test_leftovers_lists_only_the_chapters_objects(fake, scene):
    left = h.leftovers("03")
    names = {c.name for c in fake._containers.values() if c.id in left["containers"]}
    assert names == {"web", "stopped"}
    assert left["images"] == [scene["committed"].id]
    assert left["volumes"] == ["course-vol"]
    assert [fake._networks[n]["Name"] for n in left["networks"]] == ["course-net"]
    assert left["tags"] == ["learner/tagged:1"]  # busybox:1.35 is a kit name: never listed
    everything = h.leftovers()
    names = {c.name for c in fake._containers.values() if c.id in everything["containers"]}
    assert names == {"web", "stopped", "ch05"}


def test_reset_removes_the_chapter_and_nothing_else(fake, scene, capsys):
    counts = h.reset("03")
    assert counts == {"containers": 2, "images": 1, "volumes": 1, "networks": 1, "tags": 1}
    assert fake.container_names() == {"ch05", "learners-own", "other-label"}
    assert sorted(t for img in fake._images.values() for t in img.tags) == [
        "busybox:1.35", "httpd:2.4", "learners/own:1"]
    assert set(fake._volumes) == {"own-vol"}
    assert {n["Name"] for n in fake._networks.values()} == {"bridge", "host", "none", "own-net"}
    assert ledger.refs() == []
    assert "정리 완료(03장): 컨테이너 2개, 이미지 1개, 태그 1개, 볼륨 1개, 네트워크 1개" in capsys.readouterr().out
    assert h.leftovers("03") == {"containers": [], "images": [], "volumes": [], "networks": [], "tags": []}


def test_cleanup_removes_every_chapter_but_no_learner_or_kit_object(fake, scene):
    fake.images.get("busybox:1.35").labels[KIT_LABEL] = "built"
    with h.quiet():
        h.cleanup()
    assert fake.container_names() == {"learners-own", "other-label"}
    assert fake.images.get("busybox:1.35") and fake.images.get("httpd:2.4") and fake.images.get("learners/own:1")
    assert set(fake._volumes) == {"own-vol"}


def test_reset_removes_child_images_before_parents(fake):
    labels = {CHAPTER_LABEL: "05"}
    parent = fake.add_image("learner/base:1", labels=labels)
    child = fake.add_image("learner/child:1", labels=labels)
    real_remove = fake.api.remove_image

    def parent_needs_child_gone(image, force=False, noprune=False):
        if image == parent.id and child.id in fake._images:
            import docker.errors as de

            raise de.APIError("409", explanation="conflict: unable to delete (cannot be forced) - image has "
                                                 "dependent child images")
        return real_remove(image, force=force)

    fake.api.remove_image = parent_needs_child_gone
    with h.quiet():
        h.reset("05")
    assert parent.id not in fake._images and child.id not in fake._images


def test_reset_of_one_chapter_leaves_the_next(fake, scene):
    with h.quiet():
        h.reset("05")
    assert "web" in fake.container_names() and "ch05" not in fake.container_names()
    assert ledger.refs("03") == ["learner/tagged:1", "busybox:1.35"]


def test_cleanup_leaves_a_learners_own_registry_name(fake):
    from helpers import registry

    fake.add_image(f"{registry.address()}/me/app:1", labels={})  # `docker build -t 127.0.0.1:5050/me/app:1 .`
    assert h.leftovers()["tags"] == []
