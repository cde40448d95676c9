"""A small real course for the class report's tests: a gradebook made through nbgrader's API and autograded
notebooks whose graded cells hold the grader's real verdict outputs (``grading.isolated.verdict_outputs``)
around failure texts made by the real ``checks.base.fail``."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
A = "02-hello-world"
TASKS = {"task1_vm": 1, "task2_hello": 2, "task3_detached": 2}  # grade_id -> points
ATTACK = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
COURSE = "learn-docker-ko"
_EMPTY: list[bytes] = []  # an empty gradebook's bytes: nbgrader asks the alembic command once, not per course


def failure(expected: object, found: object, what: str = "과제가 요구하는 상태가 아닙니다.", hint: str = "") -> str:
    """The text the grader's agent returns for a failed check (``agent.check``): ``CheckFailed: ...``."""
    from helpers.grading.checks.base import CheckFailed, fail

    try:
        fail(what, expected, found, hint or "다시 해 보세요.")
    except CheckFailed as exc:
        return f"{type(exc).__name__}: {exc}"
    raise AssertionError("fail() did not raise")


def make_course(root: Path, submissions: dict[str, dict[str, str]], *, assignment: str = A,
                tasks: dict[str, int] = TASKS, plain: bool = False, absent: tuple[str, ...] = ()) -> Path:
    """``submissions``: student -> {grade_id: failure text} (a cell not named passed). With ``plain`` the
    failed cells hold what a plain-mode run leaves (the exception's own error output); ``absent``: students in
    the gradebook who submitted nothing."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook
    from nbgrader.api import Gradebook

    from helpers.grading.gradebook import _tools_on_path
    from helpers.grading.isolated import error_output, verdict_outputs

    _tools_on_path()
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", root)
    db = root / "gradebook.db"
    if _EMPTY:
        db.write_bytes(_EMPTY[0])
    else:
        Gradebook(f"sqlite:///{db}", COURSE).close()
        _EMPTY.append(db.read_bytes())
    with Gradebook(f"sqlite:///{db}", COURSE) as gb:
        gb.update_or_create_assignment(assignment)
        gb.add_notebook(assignment, assignment)
        for name, points in tasks.items():
            gb.add_grade_cell(name, assignment, assignment, max_score=points, cell_type="code")
        for student in absent:
            gb.update_or_create_student(student)
        for student, failures in submissions.items():
            gb.update_or_create_student(student)
            gb.add_submission(assignment, student)
            for name, points in tasks.items():
                gb.find_grade(name, assignment, assignment, student).auto_score = 0 if name in failures else points
            gb.db.commit()
    for student, failures in submissions.items():
        cells = []
        for name, points in tasks.items():
            cell = new_code_cell(f"h.checks.something()  # {name}",
                                 metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": name,
                                                        "points": points, "locked": True}})
            if name not in failures:
                cell.outputs = verdict_outputs(True, {"ok": True}, points)
            elif plain:
                kind, _, text = failures[name].partition(": ")
                cell.outputs = [error_output(kind, text)]
            else:
                cell.outputs = verdict_outputs(True, {"ok": False, "error": failures[name]}, points)
            cells.append(cell)
        folder = root / "autograded" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(new_notebook(cells=cells), str(folder / f"{assignment}.ipynb"))
    return root
