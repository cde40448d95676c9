"""Where a class keeps its files (root's), apart from grading's (``/var/lib/learn-docker-ko/grading``).

    /var/lib/learn-docker-ko/class/          0711 root   (LEARN_DOCKER_CLASS_ROOT)
        hub/                                 0700        JupyterHub's database, cookie secret, log
        config/                              0755        the nbgrader settings every server reads (exchange, course)
        course/                              0755        the learners' copy of the course: chapters, start page,
                                                         release/ (never source/, tests/ or the gradebook)
        exchange/                            0755        nbgrader's exchange (release, inbound, feedback)
        kit.tar                              0600        the kit, loaded into each learner's engine
        slots.json                           0600        learner -> number (network, sub-IDs), never reused
        learners/<name>/                     0711        a learner's disk image, logs (root-only), view files
"""

from __future__ import annotations

import os
from pathlib import Path

COURSE_ID = "learn-docker-ko"


def class_root() -> Path:
    return Path(os.environ.get("LEARN_DOCKER_CLASS_ROOT", "/var/lib/learn-docker-ko/class"))


def hub_dir() -> Path:
    return class_root() / "hub"


def config_dir() -> Path:
    return class_root() / "config"


def course_copy() -> Path:
    return class_root() / "course"


def exchange_root() -> Path:
    return class_root() / "exchange"


def kit_archive() -> Path:
    return class_root() / "kit.tar"


def course_root() -> Path:
    """The instructor's course (source/, the gradebook): ``LEARN_DOCKER_CLASS_COURSE``, else this repository."""
    return Path(os.environ.get("LEARN_DOCKER_CLASS_COURSE") or Path(__file__).resolve().parents[2])
