"""The roster file: names, the instructor mark, Korean errors that name the line."""

import pytest

from helpers.classroom.roster import RosterError, parse_roster, read_roster


def test_learners_instructors_comments_and_blank_lines():
    roster = parse_roster("# 2학년 1반\n\nteacher instructor\nkim\nlee   # 반장\n")
    assert roster.learners == ["kim", "lee"]
    assert roster.instructors == ["teacher"]
    assert roster.everyone == ["teacher", "kim", "lee"]


@pytest.mark.parametrize("text, words", [
    ("Kim\n", "1번째 줄"),
    ("kim\n../x\n", "2번째 줄"),
    ("kim\nkim\n", "두 번"),
    ("kim admin\n", "instructor"),
    ("a" * 21 + "\n", "20자"),
    ("# nobody\n", "한 명도"),
    ("teacher instructor\n", "한 명도"),
])
def test_mistakes_are_korean_errors_that_name_the_line(text, words):
    with pytest.raises(RosterError) as info:
        parse_roster(text)
    assert words in str(info.value)


def test_a_missing_file_is_a_korean_error(tmp_path):
    with pytest.raises(RosterError, match="읽지 못했습니다"):
        read_roster(tmp_path / "없음.txt")
