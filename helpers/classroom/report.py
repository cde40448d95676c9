"""The class report: for each assignment and task, how many passed, the most common "found" values of the
grader's expected-vs-found, and who failed it — beyond what formgrader shows (one student at a time).

Two sources, both under the course root: the nbgrader gradebook (``gradebook.db``: who submitted, each graded
cell's score) and the autograded notebooks (``autograded/<student>/<assignment>/*.ipynb``), whose graded test
cells hold the grader's verdict (``grading.isolated.verdict_outputs``: an error output whose text carries the
check's ``무엇이 다른지: 기대 X, 실제 Y``; the plain mode leaves the check's own ``CheckFailed`` error there).

    python -m helpers.classroom.report                       # a summary in the terminal
    python -m helpers.classroom.report --csv 반.csv --html 반.html --root /srv/course

Found values are whatever the learner's code made the engine hold (a container name, a command, a page):
untrusted text. The HTML escapes every one of them, and the CSV defuses those a spreadsheet would run as a
formula.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import io
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CourseError

TOP = 3  # found values listed per task
VALUE_LIMIT = 80  # characters of one found value (a longer one ends in "…")
VERDICT_TITLE = "채점기확인"  # the ename of the isolated grader's failing verdict (grading.isolated)
DIFF_MARK = "무엇이 다른지: 기대 "  # grading.checks.base.fail
FOUND_MARK = ", 실제 "


class NoGradebook(CourseError):
    """The course root has no gradebook yet."""

    message = "성적부(gradebook.db)가 없습니다."
    hint = "과제를 먼저 채점하세요: `sudo .venv/bin/python -m helpers.grading autograde 과제`."


@dataclass
class Failure:
    """What one graded cell of one submission said when it failed."""

    student: str
    expected: str = ""  # the check's expected value ("" when the message has no 기대/실제)
    found: str = ""  # the normalised found value, or the message's first line, or "" when nothing was left


@dataclass
class TaskReport:
    assignment: str
    notebook: str
    task: str  # the graded cell's grade_id, e.g. task2_hello
    max_score: float
    total: int = 0  # submissions
    passed: int = 0  # submissions with full marks on this cell
    failures: list[Failure] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        return [f.student for f in self.failures]

    def found(self, top: int = TOP) -> list[tuple[str, int]]:
        """The most common found values with their counts, most common first (ties by value)."""
        counts = Counter(f.found for f in self.failures if f.found)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]

    def expected(self) -> str:
        """The expected value the failures name most often."""
        counts = Counter(f.expected for f in self.failures if f.expected)
        return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else ""


@dataclass
class ClassReport:
    course_id: str
    root: str
    made: str  # when, ISO 8601 (UTC)
    students: int  # students in the gradebook
    tasks: list[TaskReport] = field(default_factory=list)
    unsubmitted: dict[str, list[str]] = field(default_factory=dict)  # assignment -> students with no submission

    def assignments(self) -> dict[str, list[TaskReport]]:
        out: dict[str, list[TaskReport]] = {}
        for t in self.tasks:
            out.setdefault(t.assignment, []).append(t)
        return out


# ---------------------------------------------------------------------------------- reading the verdicts

def normalise(value: str, limit: int = VALUE_LIMIT) -> str:
    """One line, single spaces, no trailing full stop, at most ``limit`` characters; control and format characters
    (a learner's terminal colours, NUL, right-to-left overrides that would reorder the page's text) become ``�``."""
    text = " ".join(str(value).split()).rstrip(".")
    text = "".join("\ufffd" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_failure(text: str) -> tuple[str, str]:
    """(expected, found) of a check's failure text; found is the first line (without ``CheckFailed:``)
    when the text has no 기대/실제 line (a missing variable, a cell out of order, a time limit)."""
    for line in text.splitlines():
        at = line.find(DIFF_MARK)
        if at < 0:
            continue
        rest = line[at + len(DIFF_MARK):]
        # the expected value is the instructor's; the found value (the learner's) may itself hold ", 실제 "
        expected, sep, found = rest.partition(FOUND_MARK)
        if sep:
            return normalise(expected), normalise(found)
    first = next((line for line in text.splitlines() if line.strip()), "")
    return "", normalise(re.sub(r"^CheckFailed:\s*", "", first.strip()))


def verdict_text(cell) -> str | None:
    """The failure text a graded test cell of an autograded notebook holds, or None."""
    for out in cell.get("outputs") or []:
        if out.get("output_type") != "error":
            continue
        name, value = out.get("ename") or "", out.get("evalue") or ""
        # the isolated grader's verdict carries "CheckFailed: ..." in its value; a plain-mode cell has the
        # exception's own name and message
        return value if name == VERDICT_TITLE else f"{name}: {value}"
    return None


def _graded_cells(path: Path) -> dict[str, dict]:
    """grade_id -> cell of the graded test cells of the notebook at ``path`` ({} when it is unreadable).
    Plain JSON, not nbformat: no schema validation of every notebook of the class on every request."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells") or []
    except (OSError, ValueError, AttributeError):  # missing or broken: the gradebook's counts still hold
        return {}
    graded = {}
    for c in cells:
        if not isinstance(c, dict) or c.get("cell_type") != "code":
            continue
        meta = (c.get("metadata") or {}).get("nbgrader") or {}
        if meta.get("grade") and isinstance(meta.get("grade_id"), str):
            graded[meta["grade_id"]] = c
    return graded


# ---------------------------------------------------------------------------------- the report

def _natural(name: str) -> list:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def build(root: str | Path = ".", config=None) -> ClassReport:
    """The class report of the course at ``root`` from its gradebook and autograded notebooks.

    Raises:
        NoGradebook: the course has no ``gradebook.db`` yet.
    """
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    from ..grading.gradebook import _tools_on_path, load_config

    _tools_on_path()  # nbgrader's gradebook runs alembic, found beside this Python
    root = Path(root).resolve()
    cfg = config or load_config(root)
    coursedir = CourseDirectory(config=cfg)
    db_url = coursedir.db_url
    if db_url.startswith("sqlite:///") and not Path(db_url[len("sqlite:///"):]).exists():
        raise NoGradebook(cause=db_url)  # nbgrader would create an empty one
    made = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    tasks: list[TaskReport] = []
    with Gradebook(db_url, coursedir.course_id) as gb:
        everyone = sorted(s.id for s in gb.students)
        report = ClassReport(coursedir.course_id, str(root), made, len(everyone))
        for assignment in sorted(gb.assignments, key=lambda a: _natural(a.name)):
            submitted = {sub.student.id for sub in assignment.submissions}
            report.unsubmitted[assignment.name] = [s for s in everyone if s not in submitted]
            rows: dict[tuple[str, str], TaskReport] = {}
            for nb in sorted(assignment.notebooks, key=lambda n: _natural(n.name)):
                for cell in sorted(nb.grade_cells, key=lambda c: _natural(c.name)):
                    rows[nb.name, cell.name] = TaskReport(assignment.name, nb.name, cell.name, cell.max_score)
            for sub in sorted(assignment.submissions, key=lambda s: s.student.id):
                student = sub.student.id
                for snb in sub.notebooks:
                    cells = None  # read the autograded notebook only when one of its cells failed
                    for grade in snb.grades:
                        row = rows.get((snb.name, grade.name))
                        if row is None:
                            continue
                        row.total += 1
                        if grade.score is not None and grade.score >= grade.max_score:
                            row.passed += 1
                            continue
                        if cells is None:
                            cells = _graded_cells(Path(coursedir.format_path(
                                coursedir.autograded_directory, student, assignment.name)) / f"{snb.name}.ipynb")
                        text = verdict_text(cells[grade.name]) if grade.name in cells else None
                        expected, found = parse_failure(text) if text else ("", "")
                        row.failures.append(Failure(student, expected, found))
            tasks.extend(rows.values())
    report.tasks = tasks
    return report


# ---------------------------------------------------------------------------------- CSV

CSV_HEADER = ["과제", "노트북", "채점 셀", "배점", "통과", "제출", "통과율(%)", "기대", "자주 나온 실제 값",
              "못 받은 학생"]


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run: a learner's found value may start like a formula
    (``=HYPERLINK(...)``, ``+``, ``-``, ``@``); a leading apostrophe makes Excel and LibreOffice show it as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _found_text(task: TaskReport, top: int) -> str:
    return "; ".join(f"{value} ×{count}" for value, count in task.found(top))


def rows(report: ClassReport, top: int = TOP) -> list[list]:
    out = []
    for t in report.tasks:
        rate = round(100 * t.passed / t.total) if t.total else ""
        out.append([t.assignment, t.notebook, t.task, f"{t.max_score:g}", t.passed, t.total, rate,
                    _cell(t.expected()), _cell(_found_text(t, top)), _cell(", ".join(t.failed))])
    return out


def to_csv(report: ClassReport, top: int = TOP) -> bytes:
    """The report as CSV bytes: UTF-8 with a byte order mark. Excel opens a CSV without one in the
    system's legacy code page (CP949 on Korean Windows) and shows the Korean as mojibake; with the BOM
    it reads UTF-8. Python's ``csv`` module and LibreOffice read it either way (``utf-8-sig``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(rows(report, top))
    return buf.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------------------------- HTML

STYLE = """
body { font-family: system-ui, "Noto Sans KR", "Malgun Gothic", sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; margin-bottom: 2rem; width: 100%; }
th, td { border: 1px solid #ccc; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; white-space: nowrap; }
.bar { background: #e8e8e8; height: .5rem; width: 6rem; }
.bar span { background: #2e7d32; display: block; height: 100%; }
code { background: #f6f6f6; padding: 0 .2rem; word-break: break-all; }
ol { margin: 0; padding-left: 1.2rem; }
.note { color: #555; }
"""


def to_html(report: ClassReport, top: int = TOP, csv_url: str | None = None) -> str:
    """The report as one HTML page (no script; every value escaped)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="ko"><head><meta charset="utf-8">',
        f"<title>반 보고서 — {e(report.course_id)}</title><style>{STYLE}</style></head><body>",
        f"<h1>반 보고서 <small>{e(report.course_id)}</small></h1>",
        f'<p class="note">성적부의 학생 {report.students}명 · 만든 때 {e(report.made)} · 과정 폴더 <code>{e(report.root)}</code>'
        + (f' · <a href="{e(csv_url)}" download>CSV로 받기</a>' if csv_url else "") + "</p>",
        '<p class="note">“실제 값”은 채점기가 찾은 값입니다(채점 셀의 “무엇이 다른지: 기대 …, 실제 …”). 기대/실제가 없는 '
        "실패는 메시지의 첫 줄을 보여 줍니다.</p>",
    ]
    if not report.tasks:
        parts.append("<p>아직 채점한 과제가 없습니다.</p>")
    for assignment, tasks in report.assignments().items():
        submitted = max((t.total for t in tasks), default=0)
        missing = report.unsubmitted.get(assignment) or []
        parts += [f"<h2>{e(assignment)}</h2>",
                  f'<p class="note">제출 {submitted}개' + (f" · 제출하지 않은 학생: {e(', '.join(missing))}" if missing else "")
                  + "</p>",
                  "<table><thead><tr><th>채점 셀</th><th>배점</th><th>통과 / 제출</th><th>기대</th>"
                  f"<th>자주 나온 실제 값 (상위 {top})</th><th>못 받은 학생</th></tr></thead><tbody>"]
        for t in tasks:
            pct = round(100 * t.passed / t.total) if t.total else 0
            found = "".join(f"<li><code>{e(value)}</code> × {count}</li>" for value, count in t.found(top))
            parts.append(
                f"<tr><td><code>{e(t.task)}</code></td><td class=\"num\">{t.max_score:g}</td>"
                f'<td class="num">{t.passed} / {t.total} ({pct}%)<div class="bar"><span style="width:{pct}%"></span></div></td>'
                f"<td>{e(t.expected()) or '—'}</td><td>{f'<ol>{found}</ol>' if found else '—'}</td>"
                f"<td>{e(', '.join(t.failed)) or '—'}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def to_text(report: ClassReport, top: int = TOP) -> str:
    lines = [f"반 보고서 ({report.course_id}): 성적부의 학생 {report.students}명"]
    for assignment, tasks in report.assignments().items():
        missing = report.unsubmitted.get(assignment) or []
        lines.append(f"\n{assignment}" + (f"  (제출하지 않은 학생: {', '.join(missing)})" if missing else ""))
        for t in tasks:
            lines.append(f"  {t.task:<18} 통과 {t.passed:>3} / {t.total:<3}")
            for value, count in t.found(top):
                lines.append(f"      실제 {value} ×{count}")
            if t.failed:
                lines.append(f"      못 받은 학생: {', '.join(t.failed)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.classroom.report",
                                     description="도커를 익히다 — 반 보고서 (과제·채점 셀마다 통과 수, 자주 나온 실제 값, 못 받은 학생)")
    parser.add_argument("--root", default=".", help="과정 폴더 (nbgrader_config.py와 gradebook.db가 있는 곳)")
    parser.add_argument("--csv", metavar="파일", help="CSV로 씁니다 (UTF-8, BOM: Excel에서 한글이 그대로 보입니다)")
    parser.add_argument("--html", metavar="파일", help="HTML 페이지로 씁니다")
    parser.add_argument("--top", type=int, default=TOP, help=f"채점 셀마다 보여 줄 실제 값의 수 (기본 {TOP})")
    args = parser.parse_args(argv)
    try:
        report = build(args.root)
    except CourseError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if args.csv:
        Path(args.csv).write_bytes(to_csv(report, args.top))
        print(f"CSV: {args.csv}")
    if args.html:
        Path(args.html).write_text(to_html(report, args.top), encoding="utf-8")
        print(f"HTML: {args.html}")
    if not (args.csv or args.html):
        print(to_text(report, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
