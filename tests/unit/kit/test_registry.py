"""helpers.kit.registry without an engine: the port it chooses, and matching local images with what it holds.

The image records below are as `docker image inspect` gives them on the two image stores: the classic store
(Debian's docker.io 20.10: the ID is the config digest) and the containerd store (Docker Desktop, Engine 29:
the ID is the manifest's digest, listed in RepoDigests too).
"""

from __future__ import annotations

import socket

from helpers.kit import registry

CONFIG = "sha256:" + "c" * 64
MANIFEST = "sha256:" + "m" * 64
OTHER = "sha256:" + "0" * 64
PUSHED = {"digest": MANIFEST, "config": CONFIG, "manifests": []}

CLASSIC = {"Id": CONFIG, "RepoTags": ["ex05/motd:1.0", "127.0.0.1:5050/ex05/motd:1.0"],
           "RepoDigests": [f"127.0.0.1:5050/ex05/motd@{MANIFEST}"]}
CLASSIC_NEVER_PUSHED = {"Id": CONFIG, "RepoTags": ["ex05/motd:1.0"], "RepoDigests": []}
CONTAINERD = {"Id": MANIFEST, "RepoTags": ["ex05/motd:1.0", "127.0.0.1:5050/ex05/motd:1.0"],
              "RepoDigests": [f"ex05/motd@{MANIFEST}", f"127.0.0.1:5050/ex05/motd@{MANIFEST}"]}


def test_the_same_image_matches_on_both_image_stores():
    assert registry.same_image(CLASSIC, PUSHED)
    assert registry.same_image(CLASSIC_NEVER_PUSHED, PUSHED)  # the config digest is the classic ID
    assert registry.same_image(CONTAINERD, PUSHED)


def test_an_index_pushed_from_the_containerd_store_matches_by_its_digest():
    index = {"digest": MANIFEST, "config": None, "manifests": ["sha256:" + "p" * 64]}
    assert registry.same_image(CONTAINERD, index)
    assert not registry.same_image({"Id": OTHER, "RepoDigests": []}, index)


def test_an_older_push_does_not_match_a_new_image():
    new_classic = {"Id": OTHER, "RepoDigests": []}
    new_containerd = {"Id": OTHER, "RepoDigests": [f"ex05/motd@{OTHER}"]}
    assert not registry.same_image(new_classic, PUSHED)
    assert not registry.same_image(new_containerd, PUSHED)
    assert not registry.same_image(CLASSIC, None)


def test_port_is_5050_unless_set_or_chosen(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARN_DOCKER_HOME", str(tmp_path))
    assert registry.port() == 5050
    (tmp_path / "registry.port").write_text("15123")
    assert registry.address() == "127.0.0.1:15123"
    monkeypatch.setenv("LEARN_DOCKER_REGISTRY_PORT", "5099")
    assert registry.port() == 5099


def test_a_taken_port_is_seen_and_a_free_one_found():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        assert registry._taken(taken)
        free = registry._free_port()
        assert free != taken and not registry._taken(free)
