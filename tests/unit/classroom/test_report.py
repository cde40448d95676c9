"""helpers.classroom.report on a small real course (gradebook through nbgrader's API, autograded notebooks with
the grader's verdict outputs): counts, found values, failing students, the CSV and the HTML."""

from __future__ import annotations

import csv
import io

import pytest

from helpers.classroom import report

from .course import ATTACK, TASKS, failure, make_course


def _tasks(rep: report.ClassReport) -> dict[str, report.TaskReport]:
    return {t.task: t for t in rep.tasks}


@pytest.fixture
def course(tmp_path):
    return make_course(tmp_path / "course", {
        "kim": {"task1_vm": failure("B", "A"), "task2_hello": failure("컨테이너 ex02-hello", "없음")},
        "lee": {"task1_vm": failure("B", "A")},
        "park": {"task1_vm": failure("B", "C"), "task2_hello": failure("컨테이너 ex02-hello", "  없음 \n")},
        "choi": {},
    }, absent=("jung",))


def test_counts_found_values_and_failing_students_per_task(course):
    rep = report.build(course)
    assert rep.course_id == "learn-docker-ko" and rep.students == 5
    assert rep.unsubmitted == {"02-hello-world": ["jung"]}  # in the gradebook, no submission: not in the counts
    assert "제출하지 않은 학생: jung" in report.to_html(rep)
    assert [t.task for t in rep.tasks] == list(TASKS)
    t = _tasks(rep)
    assert (t["task1_vm"].passed, t["task1_vm"].total) == (1, 4)
    assert t["task1_vm"].failed == ["kim", "lee", "park"]
    assert t["task1_vm"].found() == [("A", 2), ("C", 1)]
    assert t["task1_vm"].expected() == "B"
    assert (t["task2_hello"].passed, t["task2_hello"].total) == (2, 4)
    assert t["task2_hello"].found() == [("없음", 2)]  # whitespace normalised: one value
    assert (t["task3_detached"].passed, t["task3_detached"].failed, t["task3_detached"].found()) == (4, [], [])


def test_found_values_are_listed_most_common_first_and_cut_to_top(tmp_path):
    subs = {f"s{i:02}": {"task1_vm": failure("B", value)} for i, value in enumerate("AAACCDE")}
    t = _tasks(report.build(make_course(tmp_path / "c", subs)))["task1_vm"]
    assert t.found(2) == [("A", 3), ("C", 2)]
    assert t.found(10) == [("A", 3), ("C", 2), ("D", 1), ("E", 1)]


def test_plain_mode_outputs_are_read_the_same(tmp_path):
    root = make_course(tmp_path / "c", {"kim": {"task1_vm": failure("B", "A")}}, plain=True)
    t = _tasks(report.build(root))["task1_vm"]
    assert t.found() == [("A", 1)] and t.expected() == "B"


@pytest.mark.parametrize(("text", "expected", "found"), [
    ("CheckFailed: 포트\n  무엇이 다른지: 기대 28080 -> 80/tcp, 실제 28081 -> 80/tcp\n  해결: -p", "28080 -> 80/tcp",
     "28081 -> 80/tcp"),
    # a learner's value that itself says ", 실제 ": the instructor's expected value ends at the first one
    ("CheckFailed: x\n  무엇이 다른지: 기대 hello, 실제 a, 실제 b", "hello", "a, 실제 b"),
    ("NameError: 변수 greeting이(가) 있어야 합니다.\n  해결: 위 셀을 실행하세요", "", "NameError: 변수 greeting이(가) 있어야 합니다"),
    ("CheckFailed: 'ex02-web'(이)라는 이름의 컨테이너가 있어야 합니다.", "", "'ex02-web'(이)라는 이름의 컨테이너가 있어야 합니다"),
])
def test_parse_failure(text, expected, found):
    assert report.parse_failure(text) == (expected, found)


def test_control_and_bidi_characters_of_a_found_value_are_replaced():
    _, found = report.parse_failure(failure("x", "\x1b[31mred\x00 \u202egnp.exe"))
    assert found == "\ufffd[31mred\ufffd \ufffdgnp.exe"


def test_a_long_found_value_is_cut():
    _, found = report.parse_failure(failure("x", "y" * 500))
    assert len(found) == report.VALUE_LIMIT and found.endswith("…")


def test_a_failure_without_its_autograded_notebook_still_counts(course):
    (course / "autograded" / "lee" / "02-hello-world" / "02-hello-world.ipynb").unlink()
    t = _tasks(report.build(course))["task1_vm"]
    assert t.failed == ["kim", "lee", "park"] and t.found() == [("A", 1), ("C", 1)]


def test_no_gradebook_is_a_korean_error_and_creates_none(tmp_path):
    with pytest.raises(report.NoGradebook, match="성적부"):
        report.build(tmp_path)
    assert not (tmp_path / "gradebook.db").exists()
    assert report.main(["--root", str(tmp_path)]) == 2


def test_csv_has_a_bom_korean_header_and_one_row_per_task(course, tmp_path):
    out = tmp_path / "반.csv"
    assert report.main(["--root", str(course), "--csv", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Korean right
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == report.CSV_HEADER
    rows = {r[2]: r for r in table[1:]}
    assert list(rows) == list(TASKS)
    assert rows["task1_vm"][3:] == ["1", "1", "4", "25", "B", "A ×2; C ×1", "kim, lee, park"]
    assert rows["task3_detached"][4:7] == ["4", "4", "100"]


def test_csv_defuses_a_found_value_that_looks_like_a_formula(tmp_path):
    root = make_course(tmp_path / "c", {"kim": {"task1_vm": failure("B", '=HYPERLINK("http://evil","x")')},
                                        "lee": {"task1_vm": failure("B", "@SUM(1+1)")}})
    table = list(csv.reader(io.StringIO(report.to_csv(report.build(root)).decode("utf-8-sig"))))
    found = table[1][8]
    assert found.startswith("'")  # a text cell, not a formula
    assert not any(cell[:1] in "=+-@" for row in table[1:] for cell in row[7:] if cell)


def test_html_escapes_every_learner_value(tmp_path):
    root = make_course(tmp_path / "c", {ATTACK: {"task1_vm": failure("B", ATTACK)}})  # a student id too
    page = report.to_html(report.build(root))
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert page.count("&lt;script&gt;") >= 2  # the found value and the student id, escaped
    assert 'onerror=alert(1)&gt;' in page


def test_terminal_summary(course, capsys):
    assert report.main(["--root", str(course)]) == 0
    out = capsys.readouterr().out
    assert "반 보고서" in out and "task1_vm" in out and "실제 A ×2" in out and "못 받은 학생: kim, lee, park" in out
    assert "제출하지 않은 학생: jung" in out


def test_a_broken_autograded_notebook_leaves_the_counts(course):
    (course / "autograded" / "kim" / "02-hello-world" / "02-hello-world.ipynb").write_text("[1, 2", encoding="utf-8")
    t = _tasks(report.build(course))["task1_vm"]
    assert t.failed == ["kim", "lee", "park"] and t.found() == [("A", 1), ("C", 1)]
