"""helpers.grading.checks.answers: a variable exists (``defined``) and has the right kind (``value_type``),
understanding questions (``answer``, ``seal``) and captured outputs (``output_contains``). All decide on the
value the learner's kernel hands in; no engine is read."""

from __future__ import annotations

import pytest

from helpers.display import Output
from helpers.grading import checks

from ..replay import failure

DID_NOT_RAISE = pytest.fail.Exception  # what pytest.raises raises when the check passes
WHY = "호스트의 커널을 함께 쓰기 때문입니다."


# -- defined ----------------------------------------------------------------------------------------------

def test_defined_passes_for_a_variable_the_notebook_has():
    assert checks.defined({"answer_vm": "B"}, "answer_vm") is True
    assert checks.defined({"answer_vm": None}, "answer_vm") is True  # there, if empty: answer() says so


def test_defined_names_the_missing_variable_instead_of_a_name_error():
    f = failure(checks.defined, {"h": object()}, "answer_vm")
    assert f.what == "변수 answer_vm이(가) 있어야 합니다."
    assert (f.expected, f.actual) == ("변수 answer_vm", "없음 (아직 만들지 않음: NameError)")
    assert "`answer_vm = ...`" in f.hint and "위의 셀부터" in f.hint


def test_defined_reads_the_cells_own_globals():
    answer_ports = "B"  # noqa: F841 - read through the namespace below
    assert checks.defined(locals(), "answer_ports") is True
    assert eval('h.defined(globals(), "x")', {"h": checks, "x": 1}) is True  # noqa: S307 - a test cell's globals
    with pytest.raises(checks.CheckFailed):
        eval('h.defined(globals(), "x")', {"h": checks})  # noqa: S307


# -- value_type -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "kind"), [
    (32768, int), (["0.1", "latest"], list), ("abc123", str), (Output("hostname\n"), str), (b"id", (str, bytes)),
    (("0.1",), (list, tuple)), (True, bool), (2.5, float),
])
def test_value_type_passes_for_a_value_of_that_kind(value, kind):
    assert checks.value_type(value, kind, what="x") is True


@pytest.mark.parametrize(("value", "kind", "expected", "actual"), [
    ("32768", int, "정수(int)", "문자열(str) '32768'"),  # the SDK gives host ports as text
    (True, int, "정수(int)", "참/거짓(bool) True"),  # a bool is no port number
    (32768.0, int, "정수(int)", "실수(float) 32768.0"),
    ("0.1, latest", list, "목록(list)", "문자열(str) '0.1, latest'"),
    ({"0.1", "latest"}, list, "목록(list)", "집합(set)"),
    (None, list, "목록(list)", "None"),
    (b"x", str, "문자열(str)", "바이트열(bytes) 'x'"),
    (12, (str, bytes), "문자열(str) 또는 바이트열(bytes)", "정수(int) 12"),
    (object(), int, "정수(int)", "object 객체"),
])
def test_value_type_names_the_kind_expected_and_found(value, kind, expected, actual):
    f = failure(checks.value_type, value, kind, what="random_port", hint="h.port(...)의 번호를 정수로 넣으세요.")
    assert f.what == f"random_port에는 {expected}을(를) 넣어야 합니다."
    assert (f.expected, f.actual) == (expected, actual)
    assert f.hint == "h.port(...)의 번호를 정수로 넣으세요."


@pytest.mark.parametrize(("value", "kind", "shown"), [
    ("", str, "문자열(str)"), (" \n", str, "문자열(str)"), (b"", (str, bytes), "바이트열(bytes)"), ([], list, "목록(list)"),
])
def test_value_type_fails_for_an_empty_value(value, kind, shown):
    f = failure(checks.value_type, value, kind, what="hello_tags")
    assert f.what == "hello_tags이(가) 비어 있습니다."
    assert (f.expected, f.actual) == (f"값이 든 {shown}", f"빈 {shown}")


def test_value_type_does_not_trust_a_str_subclass_that_rewrites_strip():
    class Blank(str):
        def strip(self, *args):
            return "x"

    assert failure(checks.value_type, Blank(""), str, what="box_hostname").actual == "빈 문자열(str)"


# -- answer: sealed (the visible test of a multiple-choice task) --------------------------------------------

SEALED = checks.seal("answer_vm", "B")


def test_seal_ignores_case_and_blanks_and_depends_on_the_question():
    assert checks.seal("answer_vm", " b\n") == SEALED
    assert checks.seal("answer_ports", "B") != SEALED  # one digest table does not fit every question
    assert len(SEALED) == 16 and int(SEALED, 16) >= 0  # a short hex digest, not the answer


@pytest.mark.parametrize("value", ["B", " b "])
def test_answer_sealed_passes_for_the_sealed_answer(value):
    assert checks.answer(value, choices="ABCD", what="answer_vm", sealed=SEALED, why="힌트") is True


@pytest.mark.parametrize("value", ["A", "c", "D"])
def test_answer_sealed_fails_for_another_choice_without_giving_the_answer_away(value):
    f = failure(checks.answer, value, choices="ABCD", what="answer_vm", sealed=SEALED, why=WHY)
    assert f.what == "answer_vm이(가) 맞지 않습니다."
    assert (f.expected, f.actual) == (f"{value} 말고 다른 보기", value)
    assert f.hint == WHY
    assert "B" not in f.expected + f.actual


def test_answer_sealed_checks_the_choices_first():
    f = failure(checks.answer, "E", choices="ABCD", what="answer_vm", sealed=SEALED)
    assert f.what == "answer_vm은(는) 보기 중 하나여야 합니다."


def test_answer_sealed_rejects_an_object_equal_to_everything():
    with pytest.raises(checks.CheckFailed):
        checks.answer(AlwaysEqual(), choices="ABCD", what="answer_vm", sealed=SEALED)


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
