"""Fixtures of the grading unit tier: ``replay``, the recorded-engine fake (see ``replay.py``)."""

from __future__ import annotations

import pytest

from helpers._state import STATE

from .replay import RecordedEngine


@pytest.fixture
def replay(monkeypatch) -> RecordedEngine:
    """An engine fake with nothing loaded yet, installed as the helpers' client (``STATE.client``)."""
    engine = RecordedEngine()
    monkeypatch.setattr(STATE, "client", engine)
    monkeypatch.setattr(STATE, "base_url", "unix:///fake.sock")
    return engine
