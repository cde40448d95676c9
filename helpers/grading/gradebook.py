"""The one place where the course meets nbgrader: its configuration, the API, the gradebook's scores, and the
merge of an isolated grading result into the course (autograded folder, grades, comments).

Both grading modes use it: the plain one (``autograde._one_at_a_time``) and the isolated one (``parallel``).
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path


def cell_timeout() -> int:
    """Seconds one cell may run (a foreground ``sleep 3600`` is stopped here); ``LEARN_DOCKER_CELL_TIMEOUT``.
    The same limit holds in both grading modes (``autograde.load_config`` sets it for the plain one)."""
    return int(os.environ.get("LEARN_DOCKER_CELL_TIMEOUT", "120"))


def submission_timeout() -> float:
    """Seconds all cells of one submission may run together; ``LEARN_DOCKER_SUBMISSION_TIMEOUT``."""
    return float(os.environ.get("LEARN_DOCKER_SUBMISSION_TIMEOUT", "600"))


def load_config(root: str | Path = "."):
    """The course's ``nbgrader_config.py`` with ``CourseDirectory.root`` set to ``root``."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve()
    cfg = Config()
    if (root / "nbgrader_config.py").exists():
        cfg.merge(PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config())
    cfg.CourseDirectory.root = str(root)
    if "pre_convert_hook" not in cfg.Autograde:
        from .cleaning import clean_before_grading  # the plain mode's hook (the isolated one sets its own)

        cfg.Autograde.pre_convert_hook = clean_before_grading
    cfg.Execute.timeout = cell_timeout()  # one cell limit for isolated and plain grading
    cfg.Execute.interrupt_on_timeout = True
    if "extra_arguments" not in cfg.Execute:  # no kernel history file; no kernel log lines on our stderr
        cfg.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
    return cfg


def make_api(root: str | Path = ".", config=None):
    """An ``NbGraderAPI`` for the course at ``root``."""
    _tools_on_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    cfg = config or load_config(root)
    return NbGraderAPI(CourseDirectory(config=cfg), config=cfg)


def _tools_on_path() -> None:
    """nbgrader's gradebook runs the ``alembic`` command: find it beside this Python even when
    the virtual environment is not activated (``/path/to/venv/bin/python -m ...``)."""
    here = str(Path(sys.executable).parent)
    if not shutil.which("alembic") and (Path(here) / "alembic").exists():
        os.environ["PATH"] = here + os.pathsep + os.environ.get("PATH", "")


@dataclass
class Result:
    student: str
    score: float = 0.0
    max_score: float = 0.0
    seconds: float = 0.0
    ok: bool = True
    failed: list[str] = field(default_factory=list)  # "grade_id(score/max)" of cells short of full marks
    error: str = ""

    def line(self) -> str:
        if not self.ok:
            return f"  {self.student:<14} 채점 실패 ({self.seconds:.1f}초): {self.error}"
        text = f"  {self.student:<14} {self.score:5.1f} / {self.max_score:4.1f}   {self.seconds:4.1f}초"
        return text + (f"   못 받은 점수: {', '.join(self.failed)}" if self.failed else "")


def submitted_students(root: str | Path, assignment: str) -> list[str]:
    base = Path(root) / "submitted"
    return sorted(p.parent.name for p in base.glob(f"*/{assignment}") if p.is_dir())


def scores(api, assignment: str, student: str) -> Result:
    """Read one submission's score and the cells short of full marks from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        sub = gb.find_submission(assignment, student)
        failed = [f"{g.name}({g.score:g}/{g.max_score:g})" for nb in sub.notebooks for g in nb.grades
                  if g.max_score and g.score < g.max_score]
        return Result(student, sub.score, sub.max_score, failed=failed)


def ensure_assignment(api, assignment: str) -> bool:
    """Register ``assignment`` in the course gradebook when it is missing (without touching release/)."""
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.utils import temp_attrs

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        try:
            gb.find_assignment(assignment)
            return False
        except MissingEntry:
            pass
    scratch = Path(api.coursedir.root) / ".ldk-release-scratch"
    try:
        with temp_attrs(api.coursedir, release_directory=scratch.name):
            outcome = api.generate_assignment(assignment, force=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if not outcome["success"]:
        raise RuntimeError(f"과제 {assignment}를 성적부에 등록하지 못했습니다: {outcome.get('error') or outcome.get('log')}")
    return True


def merge(api, assignment: str, result: dict) -> None:
    """Write one driver's result into the course: its autograded folder and its grades and comments."""
    from nbgrader.api import Gradebook, MissingEntry

    student = result["student"]
    target = Path(api.coursedir.root) / "autograded" / student / assignment
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(result["folder"], target)
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        gb.update_or_create_student(student)
        try:
            gb.remove_submission(assignment, student)
        except MissingEntry:
            pass
        gb.add_submission(assignment, student, timestamp=result["timestamp"])
        for g in result["grades"]:
            grade = gb.find_grade(g["name"], g["notebook"], assignment, student)
            grade.auto_score, grade.needs_manual_grade = g["auto_score"], g["needs_manual_grade"]
        for c in result["comments"]:
            gb.find_comment(c["name"], c["notebook"], assignment, student).auto_comment = c["auto_comment"]
        gb.db.commit()


def grades_of(api, assignment: str, student: str) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        sub = gb.find_submission(assignment, student)
        return {
            "timestamp": sub.timestamp.isoformat() if sub.timestamp else None,
            "grades": [{"notebook": nb.name, "name": g.name, "auto_score": g.auto_score,
                        "needs_manual_grade": g.needs_manual_grade} for nb in sub.notebooks for g in nb.grades],
            "comments": [{"notebook": nb.name, "name": c.name, "auto_comment": c.auto_comment}
                         for nb in sub.notebooks for c in nb.comments],
        }
