"""Grading: exercise setup (``exercise``), the checks (``checks``), and nbgrader orchestration (``autograde``).

``nbgrader_config.py`` imports the stubs and the pre-convert hook from here; the instructor's
command line is ``python -m helpers.grading`` (``__main__.py``).
"""

from .autograde import (
    CODE_STUB,
    LEARNER_FILES,
    TEXT_STUB,
    Result,
    autograde,
    chapter_of,
    clean_before_grading,
    clean_exercise,
    load_config,
    make_api,
)

__all__ = [
    "CODE_STUB", "LEARNER_FILES", "TEXT_STUB", "Result", "autograde", "chapter_of", "clean_before_grading",
    "clean_exercise", "load_config", "make_api",
]
