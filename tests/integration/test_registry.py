"""helpers.registry and the registry verbs (pull/push/search/login) against a real registry.

The module runs its *own* registry (container itest-registry, port from 18000-18099, data in the
session's temp LEARN_DOCKER_HOME) so it never stops or fills the course registry others use.
"""

from __future__ import annotations

import time

import pytest

import helpers as h
from helpers import errors, ledger, registry
from helpers._state import CHAPTER_LABEL

from .support import container_exists, free_port, image_exists, remove_image

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter")]


@pytest.fixture(scope="module")
def own_registry(chapter, engine):
    """Start a registry of this module's own and yield its address; stop it afterwards."""
    port = free_port()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LEARN_DOCKER_REGISTRY_PORT", str(port))
        mp.setattr(registry, "NAME", "itest-registry")
        with h.quiet():
            c = registry.start(chapter=chapter)
        assert c.name == "itest-registry" and c.labels[CHAPTER_LABEL] == chapter
        try:
            yield registry.address()
        finally:
            with h.quiet():
                registry.stop()
    assert not container_exists(engine, "itest-registry")


@pytest.fixture
def addr(own_registry, monkeypatch):
    """Per test: the helpers look at this module's registry."""
    monkeypatch.setenv("LEARN_DOCKER_REGISTRY_PORT", own_registry.rsplit(":", 1)[1])
    monkeypatch.setattr(registry, "NAME", "itest-registry")
    return own_registry


def test_start_is_idempotent_and_answers(addr, engine, capsys):
    before = engine.containers.get("itest-registry").id
    again = registry.start()
    assert "이미" in capsys.readouterr().out
    assert again.id == before and registry.running()
    binding = engine.containers.get("itest-registry").ports["5000/tcp"][0]
    assert binding == {"HostIp": "127.0.0.1", "HostPort": addr.rsplit(":", 1)[1]}  # loopback only


def test_tag_push_pull_back_round_trip(addr, engine, chapter):
    ref = f"{addr}/itest/roundtrip:1"
    busybox_id = engine.images.get("busybox:1.35").id
    with h.quiet():
        h.tag("busybox:1.35", ref)
        lines = h.push(ref)
    assert any("Pushed" in line or "already exists" in line.lower() for line in lines)
    assert "itest/roundtrip" in registry.catalog() and registry.tags("itest/roundtrip") == ["1"]
    with h.quiet():
        h.rmi(ref)
    assert not image_exists(engine, ref)
    with h.quiet():
        img = h.pull(ref)
    assert img.id == busybox_id and ref in img.tags
    assert ref in ledger.refs(chapter)
    with h.quiet():
        assert h.run(ref, "echo 돌아왔어요", rm=True) == "돌아왔어요\n"
        h.rmi(ref)
    assert engine.images.get("busybox:1.35").id == busybox_id


def test_pull_unknown_tag_from_the_course_registry_is_image_not_found(addr, engine):
    with pytest.raises(errors.ImageNotFound) as info, h.quiet():
        h.pull(f"{addr}/itest/roundtrip:no-such-tag")
    assert "no-such-tag" in info.value.message
    with pytest.raises(errors.ImageNotFound), h.quiet():
        h.pull(f"{addr}/itest/never-pushed:1")
    assert not image_exists(engine, f"{addr}/itest/never-pushed:1")


def test_tags_of_an_unknown_repository_is_empty(addr):
    assert registry.tags("itest/never-pushed") == []


def test_search_asks_docker_hub_only_and_the_course_registry_is_listed_apart(addr, engine):
    ref = f"{addr}/itest/searchable:1"
    with h.quiet():
        h.tag("busybox:1.35", ref)
        h.push(ref)
        h.rmi(ref)
    assert registry.search("SEARCHABLE") == ["itest/searchable"]
    with pytest.raises(errors.RegistryUnavailable), h.quiet():  # offline: docker search never looks elsewhere
        h.search("searchable")


def test_seed_copies_kit_images_without_leaving_names(addr, engine):
    with h.quiet():
        pushed = registry.seed(("busybox:1.35",))
    assert pushed == [f"{addr}/library/busybox:1.35"]
    assert "1.35" in registry.tags("library/busybox")
    assert not image_exists(engine, f"{addr}/library/busybox:1.35")
    with h.quiet():
        assert registry.seed(("busybox:1.35",)) == pushed  # second time: nothing to push


def test_login_to_the_local_registry(addr, capsys):
    result = h.login("learner", "learner", registry=addr)
    assert capsys.readouterr().out.splitlines() == [f"$ docker login -u learner --password-stdin {addr}",
                                                    "Login Succeeded"]
    assert result["Status"] == "Login Succeeded"


def test_login_to_docker_hub_offline_is_registry_unavailable(engine):
    with pytest.raises(errors.RegistryUnavailable), h.quiet():
        h.login("learner", "secret")


# -- the registry is down ------------------------------------------------------------------------------

@pytest.fixture
def down(monkeypatch, engine):
    """The helpers look at a registry port where nothing listens."""
    port = free_port()
    monkeypatch.setenv("LEARN_DOCKER_REGISTRY_PORT", str(port))
    assert not registry.running()
    return registry.address()


def test_registry_down_pull_push_catalog_are_registry_unavailable(down, engine):
    t0 = time.monotonic()
    with pytest.raises(errors.RegistryUnavailable) as info, h.quiet():
        h.pull(f"{down}/itest/x:1")
    assert "꺼져" in info.value.message and "h.registry.start()" in info.value.hint
    with h.quiet():
        h.tag("busybox:1.35", f"{down}/itest/x:1")
    try:
        with pytest.raises(errors.RegistryUnavailable), h.quiet():
            h.push(f"{down}/itest/x:1")
    finally:
        remove_image(engine, f"{down}/itest/x:1")
    with pytest.raises(errors.RegistryUnavailable):
        registry.catalog()
    with pytest.raises(errors.RegistryUnavailable):
        registry.tags("itest/x")
    assert time.monotonic() - t0 < 30


def test_registry_down_and_hub_offline_search_is_registry_unavailable(down):
    with pytest.raises(errors.RegistryUnavailable) as info, h.quiet():
        h.search("busybox")
    assert "h.registry.search('busybox')" in info.value.hint


def test_pull_from_some_other_unreachable_registry(engine):
    port = free_port()
    with pytest.raises(errors.RegistryUnavailable), h.quiet():
        h.pull(f"127.0.0.1:{port}/itest/elsewhere:1")


def test_registry_start_on_a_taken_port_is_port_in_use_when_the_port_was_asked_for(engine, monkeypatch, chapter):
    port = free_port()
    monkeypatch.setenv("LEARN_DOCKER_REGISTRY_PORT", str(port))
    monkeypatch.setattr(registry, "NAME", "itest-registry-clash")
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        with pytest.raises(errors.PortInUse) as info, h.quiet():
            registry.start(chapter=chapter)
    assert "LEARN_DOCKER_REGISTRY_PORT" in info.value.hint
    assert not container_exists(engine, "itest-registry-clash")


def test_registry_start_on_a_taken_default_port_chooses_a_free_one(engine, monkeypatch, chapter, tmp_path, capsys):
    """Another engine's registry on the same host holds 5050 (issue 9): the course goes on elsewhere."""
    import socket

    monkeypatch.delenv("LEARN_DOCKER_REGISTRY_PORT", raising=False)
    monkeypatch.setenv("LEARN_DOCKER_HOME", str(tmp_path))
    monkeypatch.setattr(registry, "NAME", "itest-registry-moved")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        (tmp_path / "registry.port").write_text(str(holder.getsockname()[1]))  # "5050" for this test: taken
        try:
            registry.start(chapter=chapter)
            moved = registry.port()
            assert moved != holder.getsockname()[1] and registry.running()
            assert "빈 포트" in capsys.readouterr().out
        finally:
            with h.quiet():
                registry.stop()
    assert not container_exists(engine, "itest-registry-moved")


def test_delete_removes_a_repository_and_frees_its_layers(addr, engine, chapter, own_registry):
    from helpers import registry

    with h.quiet():
        h.run("busybox:1.35", "sh -c 'head -c 3000000 /dev/urandom > /big'", name="itest-big")
        h.commit("itest-big", f"{addr}/itest/big", "1")
        h.push(f"{addr}/itest/big:1")
    blobs = registry.data_dir() / "docker" / "registry" / "v2" / "blobs"
    before = sum(p.stat().st_size for p in blobs.rglob("data"))
    assert "itest/big" in registry.catalog()
    with h.quiet():
        assert registry.delete("itest/big") is True
    after = sum(p.stat().st_size for p in blobs.rglob("data"))
    assert "itest/big" not in registry.catalog()
    assert before - after >= 3_000_000  # the random layer is gone from disk
    assert registry.delete("itest/big") is False
