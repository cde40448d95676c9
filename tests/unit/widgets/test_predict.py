"""Predict: a multiple-choice check before a step; buttons and ``.check`` give the same Korean feedback,
it never needs the engine, and saved without a kernel it stays a readable question."""

from __future__ import annotations

import pytest

from helpers import errors
from helpers.widgets import Predict

from .ui import assert_bundle, find_button


def make() -> Predict:
    return Predict("`docker ps`에 무엇이 보일까요?", ["실행 중인 컨테이너만", "모든 컨테이너", "이미지 목록"], 1,
                   "`-a` 없이는 실행 중인 것만 보여 줍니다.", hints={2: "그것은 `docker ps -a`입니다."})


def test_a_right_answer_says_so_and_explains(no_engine):
    check = make()
    verdict = check.check(1)
    assert verdict and verdict.correct and verdict.choice == 1
    assert str(verdict).startswith("맞았습니다! ① 실행 중인 컨테이너만")
    assert "`-a` 없이는" in verdict.message and "다음 셀을 실행해" in verdict.message
    assert "맞았습니다" in check.feedback.value and check.answered
    assert [b.button_style for b in check.buttons] == ["success", "", ""]


def test_a_wrong_answer_gives_its_hint_the_right_one_and_why(no_engine):
    check = make()
    verdict = check.check("모든 컨테이너")  # by its text, as well as by number
    assert not verdict and verdict.choice == 2
    assert "아닙니다. 고른 답: ② 모든 컨테이너 — 그것은 `docker ps -a`입니다." in verdict.message
    assert "정답은 ① 실행 중인 컨테이너만입니다. `-a` 없이는" in verdict.message
    assert [b.button_style for b in check.buttons] == ["success", "danger", ""]
    assert "#c62828" in verdict._repr_html_() and "<code>docker ps -a</code>" in verdict._repr_html_()
    assert find_button(check.widget, "② 모든 컨테이너").tooltip == "모든 컨테이너"


def test_button_labels_drop_the_code_marks(no_engine):
    check = Predict("무엇이 나올까요?", ["`Exited (0)`", "`Exited (137)`"], "`Exited (137)`", "PID 1")
    assert [b.description for b in check.buttons] == ["① Exited (0)", "② Exited (137)"]
    assert check.answer == 2 and check.check(2).correct


def test_buttons_answer_like_check_and_the_last_answer_counts(no_engine):
    check = make()
    find_button(check.widget, "③ 이미지 목록").click()
    find_button(check.widget, "① 실행 중인 컨테이너만").click()
    assert [v.choice for v in check.verdicts] == [3, 1] and check.errors == []
    assert "맞았습니다" in check.feedback.value
    assert "맞았습니다" in check.text() and "맞았습니다" in check.html()


def test_an_answer_not_among_the_choices_is_a_korean_error(no_engine):
    check = make()
    for bad in (0, 4, True, "없는 보기"):
        with pytest.raises(errors.CourseError, match="보기에 없는 답입니다"):
            check.check(bad)
    assert check.verdicts == []
    with pytest.raises(errors.CourseError):
        Predict("질문", ["가", "나"], 3, "설명")
    with pytest.raises(ValueError):
        Predict("질문", ["하나뿐"], 1, "설명")


def test_unanswered_it_renders_a_readable_question_and_folds_the_answer_away(no_engine):
    check = make()
    bundle = assert_bundle(check, "에 무엇이 보일까요?", "예측하고 실행하기", "③ 이미지 목록")
    assert "`docker ps`에 무엇이 보일까요?" in bundle["text/plain"]
    assert "맞았습니다" not in bundle["text/plain"] and ".check(번호)" in bundle["text/plain"]
    html = bundle["text/html"]
    assert "<code>docker ps</code>에 무엇이 보일까요?" in html and "`" not in html  # code spans, not backticks
    assert "<details><summary>정답과 설명 보기</summary>" in html and "정답: ① 실행 중인 컨테이너만" in html
    check.close()
    assert "application/vnd.jupyter.widget-view+json" not in check._repr_mimebundle_()
