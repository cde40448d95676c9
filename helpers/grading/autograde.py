"""nbgrader orchestration: clean the exercise's Docker state before each submission, autograde, feedback.

The command line is in ``__main__.py`` (``python -m helpers.grading autograde 02-hello-world``).
Submissions are graded one at a time through nbgrader's Python API in one process (about twice as
fast as one ``nbgrader`` CLI call per student, which pays its imports every time; feedback HTML is
then written in one pass). Before each one, :func:`clean_before_grading` (also set
as ``c.Autograde.pre_convert_hook`` in ``nbgrader_config.py``, so plain ``nbgrader autograde``
does the same) removes what the exercise reserves: containers named ``exNN-…``, images whose
repository starts with ``exNN-`` or ``exNN/``, volumes and networks named ``exNN-…``, and everything labelled ``exNN``. Kit images,
the course registry and the chapter notebooks' own objects stay.

By default (``python -m helpers.grading autograde``) every submission is graded isolated: see
``parallel``, ``isolated``, ``sandbox`` and ``agent``, and the threat model in docs/instructor-guide.md.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

from .cleaning import _in_namespace, chapter_of, clean_before_grading, clean_exercise  # noqa: F401
from .gradebook import Result, load_config, make_api, scores, submitted_students  # noqa: F401 - re-exported

# Files learners write next to the notebook; autograde must not replace them with source copies.
LEARNER_FILES = {
    "05-my-own-image": ["Dockerfile"],
    "06-dockerfile": ["Dockerfile", "Dockerfile.site"],
    "09-compose": ["compose.yaml", ".env"],
    "11-capstone": ["Dockerfile", "compose.yaml"],
}
CODE_STUB = {"python": "# 여기에 답을 쓰고, 아래 raise 줄은 지우세요\nraise NotImplementedError()"}
TEXT_STUB = "여기에 답을 쓰세요."


def autograde(assignment: str, students: list[str] | None = None, *, root: str | Path = ".",
              feedback: bool = True, api=None, echo=print, isolate: bool = True,
              workers: int | None = None) -> list[Result]:
    """Autograde ``students`` (default: everyone who submitted), then write their feedback in one pass.

    With ``isolate`` (the default) each submission runs as an unprivileged user against a rootless
    engine of the grading run's own, ``workers`` at once (default: the number of cores), and every
    graded cell is re-checked by trusted code (see ``parallel``, ``isolated``, ``sandbox``). Without
    it, submissions run one at a time in this process against the instructor's engine — only for
    trusted code. Returns one :class:`Result` each.
    """
    from .. import errors

    api = api or make_api(root)
    root = Path(api.coursedir.root)
    students = students or submitted_students(root, assignment)
    echo(f"{assignment}: 제출 {len(students)}개를 채점합니다" + (" (격리)" if isolate else " (격리 없이)"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbgrader's own SQLAlchemy session warnings
        if isolate:
            from . import parallel, sandbox

            why = sandbox.unavailable()
            if why:
                raise errors.CourseError(why, hint="믿을 수 있는 제출물만이라면 `--no-isolation`으로 격리 없이 채점할 수 "
                                                    "있습니다 (강사의 엔진과 파일에 닿습니다).")
            results = parallel.grade(assignment, students, root=root, workers=workers or os.cpu_count() or 1,
                                     echo=echo)
        else:
            results = _one_at_a_time(api, assignment, students, echo)
        graded = [r.student for r in results if r.ok]
        if feedback and graded:
            outcome = _feedback(api, assignment, graded)
            if not outcome["success"]:
                echo(f"피드백을 만들지 못했습니다: {_last_line(outcome)}")
                for r in results:
                    r.ok = False
                    r.error = r.error or "피드백 실패"
            else:
                echo(f"피드백: {root / 'feedback'}/<학생>/{assignment}/{assignment}.html")
    return results


def _one_at_a_time(api, assignment: str, students: list[str], echo) -> list[Result]:
    """Grade in this process against the instructor's engine, cleaning the exercise before each one."""
    results = []
    for student in students:
        began = time.perf_counter()
        outcome = api.autograde(assignment, student, force=True, create=True)
        if outcome["success"]:
            result = scores(api, assignment, student)
        else:
            result = Result(student, ok=False, error=_last_line(outcome))
        result.seconds = time.perf_counter() - began
        echo(result.line())
        results.append(result)
    chapter = chapter_of(assignment)
    if chapter:
        clean_exercise(chapter)
    return results


def _feedback(api, assignment: str, students: list[str]) -> dict:
    """Feedback HTML for ``students`` in one nbgrader run (the HTML exporter is set up once)."""
    from nbgrader.utils import temp_attrs

    if len(students) == 1:
        return api.generate_feedback(assignment, students[0], force=True)
    others = [p.parent.name for p in (Path(api.coursedir.root) / "autograded").glob(f"*/{assignment}")
              if p.parent.name not in students]
    with temp_attrs(api.coursedir, student_id_exclude=",".join(others)):
        return api.generate_feedback(assignment, None, force=True)


def _last_line(outcome: dict) -> str:
    last = (outcome.get("error") or outcome.get("log") or "").strip().splitlines()[-1:]
    return last[0] if last else "알 수 없는 오류"
