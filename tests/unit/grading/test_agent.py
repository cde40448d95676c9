"""The agent's heal, on a recording stand-in for the grading engine's API: what it removes between submissions."""

from __future__ import annotations

import json
import os

from helpers.grading.agent import Agent

KIT = {"busybox:1.35": "sha256:" + "1" * 64}


class Engine:
    """Answers heal's questions with a kit-only engine and records what heal asks it to do."""

    def __init__(self):
        self.calls: list[tuple] = []

    def containers(self, all=False):  # noqa: A002 - docker-py's name
        return []

    def volumes(self):
        return {"Volumes": []}

    def networks(self):
        return [{"Name": "bridge", "Id": "b"}]

    def images(self, all=False):  # noqa: A002
        return [{"Id": KIT["busybox:1.35"], "RepoTags": ["busybox:1.35"]}]

    def prune_builds(self, **kwargs):
        self.calls.append(("prune_builds", kwargs))
        return {"SpaceReclaimed": 0}


def agent(tmp_path, monkeypatch) -> tuple[Agent, Engine]:
    ids = tmp_path / "ids.json"
    ids.write_text(json.dumps(KIT))
    kit = os.open(tmp_path / "ids.json", os.O_RDONLY)
    a = Agent(kit, os.open(ids, os.O_RDONLY))
    engine = Engine()
    monkeypatch.setattr(a, "_engine", lambda timeout=30: engine)
    return a, engine


def test_heal_empties_the_build_cache_so_no_submission_feeds_the_next_ones_build(tmp_path, monkeypatch):
    a, engine = agent(tmp_path, monkeypatch)
    assert a.heal(registry=False) == []
    assert ("prune_builds", {"all": True}) in engine.calls
