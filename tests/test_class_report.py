"""The class report end to end: exercise 02 graded by the course's grading command (isolated, on the real
engine) for the solution and the typical-mistakes submission (``tests/submissions/02-hello-world/02-hello-world.ipynb``);
the report's pass counts, failing students and found values must match what
``tests/submissions/02-hello-world/expected.json`` says that submission fails and what the checks find.

The page in the instructor's JupyterLab is tested in ``tests/unit/classroom/test_report_page.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
A = "02-hello-world"


# ---------------------------------------------------------------------------------- grading 02 for real

@pytest.mark.engine
@pytest.mark.slow
def test_report_of_a_graded_class_matches_the_submissions(engine):
    """Grade 02 (solution, typical mistakes) and read the report, as the CLI writes it."""
    import csv
    import io

    import helpers as h
    from helpers import grading
    from helpers.classroom import report
    from helpers.grading import sandbox

    why = sandbox.unavailable()
    if why:
        pytest.fail(why) if os.environ.get("CI") else pytest.skip(why)
    expected = json.loads((REPO / "tests" / "submissions" / A / "expected.json").read_text(encoding="utf-8"))
    parent = Path(tempfile.mkdtemp(prefix="ldk-report-"))
    root = parent / "course"
    root.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "source" / A, root / "source" / A)
    submissions = {"solution": REPO / "source" / A / f"{A}.ipynb",
                   "mistakes": REPO / "tests" / "submissions" / A / f"{A}.ipynb"}
    try:
        for student, notebook in submissions.items():
            dest = root / "submitted" / student / A
            dest.mkdir(parents=True)
            shutil.copy(notebook, dest / f"{A}.ipynb")
        results = grading.autograde(A, list(submissions), root=root, echo=lambda *_: None)
        assert all(r.ok for r in results), [r.error for r in results]

        assert report.main(["--root", str(root), "--csv", str(parent / "반.csv"), "--html", str(parent / "반.html")]) == 0
        made = report.build(root)
        tasks = {t.task: t for t in made.tasks}
        solution = next(r for r in results if r.student == "solution")
        assert solution.score == solution.max_score and len(tasks) >= 7, (solution.failed, sorted(tasks))
        failing = set(expected["failing"])
        assert {t.task for t in made.tasks if t.failed} == failing
        for task in made.tasks:
            assert task.total == 2
            assert task.passed == (1 if task.task in failing else 2), task
            assert task.failed == (["mistakes"] if task.task in failing else [])
        for task, found in expected["found"].items():
            assert tasks[task].found() == [(found, 1)], (task, tasks[task].found())
        table = list(csv.reader(io.StringIO((parent / "반.csv").read_bytes().decode("utf-8-sig"))))
        assert table[0] == report.CSV_HEADER and len(table) == 1 + len(made.tasks)
        page = (parent / "반.html").read_text(encoding="utf-8")
        for found in expected["found"].values():
            assert report.html.escape(found) in page
    finally:
        with h.quiet():
            grading.clean_exercise(grading.chapter_of(A))
        shutil.rmtree(parent, ignore_errors=True)
