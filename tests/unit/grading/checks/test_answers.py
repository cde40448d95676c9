"""helpers.grading.checks.answers: understanding questions (``answer``) and captured outputs
(``output_contains``). Both decide on the value the learner's kernel hands in; no engine is read."""

from __future__ import annotations

import pytest

from helpers.display import Output
from helpers.grading import checks

from ..replay import failure

DID_NOT_RAISE = pytest.fail.Exception  # what pytest.raises raises when the check passes
WHY = "호스트의 커널을 함께 쓰기 때문입니다."


# -- answer: empty ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, Ellipsis])
def test_answer_fails_for_an_empty_answer(value):
    f = failure(checks.answer, value, "B", what="answer_vm", choices="ABCD", why=WHY)
    assert f.what == "answer_vm에 답을 넣어야 합니다."
    assert (f.expected, f.actual) == ("답", "비어 있음")
    assert f.hint == "셀의 빈칸을 채우고 실행하세요."


def test_answer_default_what_is_답():
    assert failure(checks.answer, None).what == "답에 답을 넣어야 합니다."


# -- answer: choices ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["B", "b", " B ", "B\n", "\tb "])
def test_answer_takes_a_choice_without_case_or_surrounding_blanks(value):
    assert checks.answer(value, choices="ABCD", what="answer_vm") is True
    assert checks.answer(value, "B", choices="ABCD", what="answer_vm") is True


@pytest.mark.parametrize(("value", "actual"), [("E", "E"), ("AB", "AB"), ("B.", "B."), (2, "2"), ("보기 B", "보기 B")])
def test_answer_fails_for_what_is_not_a_choice(value, actual):
    f = failure(checks.answer, value, "B", what="answer_vm", choices="ABCD", why=WHY)
    assert f.what == "answer_vm은(는) 보기 중 하나여야 합니다."
    assert (f.expected, f.actual) == ("A/B/C/D", actual)
    assert f.hint == '보기의 기호 하나만 문자열로 쓰세요 (예: "B").'


def test_answer_choices_may_be_a_list_of_words():
    assert checks.answer("YES", choices=["yes", "no"]) is True
    assert failure(checks.answer, "maybe", choices=["yes", "no"]).expected == "yes/no"


def test_answer_fails_for_another_choice_with_the_authors_reason():
    f = failure(checks.answer, "a", "B", what="answer_vm", choices="ABCD", why=WHY)
    assert f.what == "answer_vm이(가) 맞지 않습니다."
    assert (f.expected, f.actual) == ("B", "a")
    assert f.hint == WHY


# -- answer: expected values ------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("  Hello   WORLD ", "hello world"),  # case and blanks folded, inside too
    ("STRASSE", "straße"),  # casefold, not lower
    ("latest", "LATEST"),
    (["0.1", "latest"], ["0.1", "latest"]),  # sorted(hello_tags) in chapter 04
    (32768, 32768),
])
def test_answer_compares_text_without_case_or_blanks(value, expected):
    assert checks.answer(value, expected) is True


@pytest.mark.parametrize(("value", "expected"), [
    ("32768", 32768),  # a port typed as text
    (" 32768\n", 32768),
    ("2.5", 2.5),
    ("3", 3.0),
    (3, 3.0),
])
def test_answer_takes_a_number_given_as_text(value, expected):
    assert checks.answer(value, expected, what="random_port") is True


@pytest.mark.parametrize(("value", "expected", "actual"), [
    ("three", 3, "three"),
    ("3.0", 3, "3.0"),  # int('3.0') fails: compared as text
    ("32769", 32768, "32769"),
    ("True", True, "True"),  # booleans are not numbers here
])
def test_answer_fails_for_another_number(value, expected, actual):
    f = failure(checks.answer, value, expected, what="random_port")
    assert f.what == "random_port이(가) 맞지 않습니다."
    assert (f.expected, f.actual) == (str(expected).replace("True", "true"), actual)
    assert f.hint == ""


@pytest.mark.parametrize("value", ["B", "c", "  C "])
def test_answer_with_a_set_accepts_any_of_it(value):
    assert checks.answer(value, {"B", "C"}) is True
    assert checks.answer(value, frozenset({"b", "c"})) is True


def test_answer_with_a_set_shows_every_accepted_value():
    f = failure(checks.answer, "A", {"B", "C"}, what="answer_tag")
    assert sorted(f.expected.split(" 또는 ")) == ["B", "C"]  # a set: in no fixed order
    assert f.actual == "A"


def test_answer_shows_lists_as_json_and_cuts_long_values():
    f = failure(checks.answer, ["0.1"], ["0.1", "latest"], what="hello_tags")
    assert (f.expected, f.actual) == ('["0.1", "latest"]', '["0.1"]')
    f = failure(checks.answer, "x" * 200, "B")
    assert f.actual == "x" * 79 + "…"


def test_answer_without_expected_only_needs_an_answer():
    assert checks.answer("anything") is True
    assert checks.answer(0) is True and checks.answer("") is True


# -- answer: traps --------------------------------------------------------------------------------------

class AlwaysEqual:
    """What a learner's cell can put in the answer variable: equal to anything."""

    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


class Chameleon(str):
    """A str whose blanks-folding answers whatever is asked."""

    def split(self, *args, **kwargs):
        return ["b"]


@pytest.mark.parametrize("expected", ["B", 32768, ["0.1", "latest"], {"B", "C"}])
def test_answer_rejects_an_object_equal_to_everything(expected):
    with pytest.raises(checks.CheckFailed):
        checks.answer(AlwaysEqual(), expected)


def test_answer_choices_reject_an_object_equal_to_everything():
    with pytest.raises(checks.CheckFailed):
        checks.answer(AlwaysEqual(), choices="ABCD")


def test_answer_rejects_a_str_subclass_that_rewrites_itself():
    with pytest.raises(checks.CheckFailed):
        checks.answer(Chameleon("Z"), "B", choices="ABCD")


@pytest.mark.parametrize(("value", "kwargs"), [({"B"}, {"choices": "ABCD"}), (b"B", {"expected": "C"}),
                                               (AlwaysEqual(), {"expected": None, "choices": []})])
def test_answer_fails_gracefully_for_a_value_json_cannot_show(value, kwargs):
    with pytest.raises(checks.CheckFailed):
        checks.answer(value, **kwargs)


# -- output_contains ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "<html><body><h1>It works!</h1></body></html>\n",
    b"<h1>It works!</h1>",
    Output("It works!"),  # what h.run(...) returns
])
def test_output_contains_passes_for_text_with_the_needle(value):
    assert checks.output_contains(value, "It works!", what="page") is True


@pytest.mark.parametrize(("value", "actual"), [
    ("<h1>it works!</h1>", "<h1>it works!</h1>"),  # case counts
    ("Not Found\n\n", "Not Found"),
    ("", "빈 문자열"),
    ("x" * 100, "x" * 79 + "…"),
])
def test_output_contains_fails_without_the_needle(value, actual):
    f = failure(checks.output_contains, value, "It works!", what="page")
    assert f.what == "page에 'It works!'이(가) 들어 있어야 합니다."
    assert (f.expected, f.actual) == ("'It works!' 포함", actual)
    assert f.hint == "올바른 컨테이너에서 올바른 명령을 실행했는지 확인하세요."


@pytest.mark.parametrize(("value", "type_name"), [(None, "NoneType"), (200, "int"), (["It works!"], "list")])
def test_output_contains_fails_for_a_value_that_is_not_text(value, type_name):
    f = failure(checks.output_contains, value, "It works!", what="page")
    assert f.what == "page에는 명령의 출력(문자열)을 넣어야 합니다."
    assert (f.expected, f.actual) == ("문자열", type_name)


class Contains(str):
    def __contains__(self, item):
        return True


def test_output_contains_rejects_a_str_subclass_that_contains_everything():
    with pytest.raises(checks.CheckFailed):
        checks.output_contains(Contains("Not Found"), "It works!", what="page")
