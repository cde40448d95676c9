"""Unit tier: no engine. Any connection attempt hits a dead socket and fails fast; the ``fake``
fixture installs the in-memory fake docker client the helpers then use, and ``no_engine`` a client
that fails the test on any use. Both go in the one seam the helpers read: ``STATE.client``."""

from __future__ import annotations

import pytest

from helpers import building, kit
from helpers._state import KIT_LABEL, STATE

from .fakes import FakeClient, NoEngine

DEAD_SOCKET = "unix:///nonexistent/learn-docker-ko-unit-tier.sock"


@pytest.fixture(autouse=True)
def unit_tier(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", DEAD_SOCKET)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))
    monkeypatch.setenv("LEARN_DOCKER_HOME", str(tmp_path / "course-home"))
    monkeypatch.setenv("LEARN_DOCKER_OFFLINE", "1")
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    monkeypatch.delenv("LEARN_DOCKER_REGISTRY_PORT", raising=False)
    monkeypatch.setattr(STATE, "client", None)
    monkeypatch.setattr(STATE, "base_url", None)
    monkeypatch.setattr(STATE, "chapter", "unit")
    monkeypatch.setattr(STATE, "echo", True)
    monkeypatch.setattr(STATE, "hub_reachable", None)
    # the classic builder (through the fake client) unless a test gives BuildKit a fake docker CLI
    monkeypatch.setenv("LEARN_DOCKER_BUILDER", "legacy")
    monkeypatch.setattr(building, "_FOUND", {})


def kit_labels(name: str) -> dict[str, str]:
    """Labels of a kit image built locally from the current recipe."""
    return {KIT_LABEL: "built", f"{KIT_LABEL}.recipe": "test", f"{KIT_LABEL}.revision": kit.revision(kit.BY_NAME[name])}


@pytest.fixture
def fake(monkeypatch) -> FakeClient:
    """A fake engine with the kit's busybox and httpd images, installed as the helpers' client."""
    client = FakeClient()
    client.add_image("busybox:1.35", labels=kit_labels("busybox:1.35"), size=1_990_000)
    client.add_image("httpd:2.4", labels=kit_labels("httpd:2.4"), size=316_000_000, cmd=["httpd-foreground"])
    monkeypatch.setattr(STATE, "client", client)
    monkeypatch.setattr(STATE, "base_url", "unix:///fake.sock")
    return client


@pytest.fixture
def no_engine(monkeypatch) -> NoEngine:
    """A client that fails the test on any use, installed as the helpers' client."""
    client = NoEngine()
    monkeypatch.setattr(STATE, "client", client)
    monkeypatch.setattr(STATE, "base_url", "unix:///no-engine.sock")
    return client
