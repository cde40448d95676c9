"""Runs after every engine test (this file sorts last among tests/*; tests/unit/ needs no engine):
the whole session left nothing on the engine beyond the kit's images and what was there at the start.

On a shared engine other people's objects show up here too — run it as part of a full, quiet session.
"""

from __future__ import annotations

import os

import pytest

import helpers as h
from helpers import kit

pytestmark = pytest.mark.engine

DEFAULT_NETWORKS = {"bridge", "host", "none"}
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")  # as tests/conftest.py decides


def test_the_session_left_nothing_on_the_engine(session_snapshot, snapshot):
    leaked = snapshot().minus(session_snapshot, keep_tags=set(kit.names()))
    assert not leaked, "the test session left these on the engine:\n" + "\n".join(
        f"  {kind}: {items}" for kind, items in leaked.items())


def test_the_session_left_no_course_objects(session_snapshot):
    with h.quiet():
        left = h.leftovers()
    test_labelled = {k: v for k, v in left.items() if v}
    existed = set(session_snapshot.containers) | set(session_snapshot.images) | set(session_snapshot.volumes) | \
        set(session_snapshot.networks) | session_snapshot.tags
    new = {k: [x for x in v if x not in existed] for k, v in test_labelled.items()}
    assert not any(new.values()), f"course-labelled objects made during the session remain: {new}"


@pytest.mark.skipif(not IN_CI, reason="only in CI does the engine start empty")
def test_in_ci_only_the_kit_and_default_networks_remain(snapshot):
    now = snapshot()
    kit_names = set(kit.names())
    assert now.containers == {}, now.containers
    assert now.tags <= kit_names, sorted(now.tags - kit_names)
    assert all(tags and tags <= kit_names for tags in now.image_tags.values()), now.images
    assert set(now.networks.values()) <= DEFAULT_NETWORKS, now.networks
    assert now.volumes == {}, now.volumes
