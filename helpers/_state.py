"""Process-wide state of the course helpers, set on first use, never at import."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass
class _State:
    chapter: str = "lab"
    echo: bool = True
    client: object | None = None
    base_url: str | None = None
    hub_reachable: bool | None = None


STATE = _State()

LABEL_PREFIX = "learn-docker-ko"
CHAPTER_LABEL = f"{LABEL_PREFIX}.chapter"
KIT_LABEL = f"{LABEL_PREFIX}.kit"


def course_home() -> Path:
    """Folder for the course's own data (local registry storage, ledger)."""
    return Path(os.environ.get("LEARN_DOCKER_HOME", Path.home() / ".learn-docker-ko"))


def labels(chapter: str | None = None) -> dict[str, str]:
    """Labels every object the course creates carries."""
    return {CHAPTER_LABEL: chapter or STATE.chapter}


def use_chapter(chapter: str) -> None:
    """Label what the helpers create from now on with ``chapter``."""
    STATE.chapter = str(chapter)
