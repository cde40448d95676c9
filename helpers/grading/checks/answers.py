"""Checks of answers the learner typed: that a variable exists and has the right kind, understanding
questions and captured outputs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from .base import as_text, fail, plain, show_value

# bool before int: a bool is an int to Python, not to a learner
_KINDS = {str: "문자열(str)", bytes: "바이트열(bytes)", bool: "참/거짓(bool)", int: "정수(int)", float: "실수(float)",
          list: "목록(list)", tuple: "튜플(tuple)", set: "집합(set)", dict: "사전(dict)", type(None): "None"}
_SCALARS = (str, bytes, bool, int, float, type(None))


def _canon(value):
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    return value


def _kind(kind: type) -> str:
    """A type in Korean: 'int' -> '정수(int)'; a subclass (h.run's output is a ``str``) as its base."""
    for base, text in _KINDS.items():
        if issubclass(kind, base):
            return text
    return f"{kind.__name__} 객체"


def _shown(value, what: str) -> str:
    """' '32768'' after the kind: a scalar's value (text in quotes, so '32768' and 32768 differ); nothing
    for None, collections and objects."""
    if value is None or not isinstance(value, _SCALARS):
        return ""
    copy = plain(value, what)
    text = str(copy) if isinstance(copy, bool) else show_value(
        copy.decode("utf-8", "replace") if isinstance(copy, bytes) else copy)
    return f" '{text}'" if isinstance(copy, (str, bytes)) else f" {text}"


def defined(namespace: Mapping, name: str) -> bool:
    """The notebook has a variable ``name``: call it with ``globals()`` before a test reads the variable,
    so a task left undone is a Korean failure, not a bare ``NameError``."""
    if name not in namespace:
        fail(f"변수 {name}이(가) 있어야 합니다.", f"변수 {name}", "없음 (아직 만들지 않음: NameError)",
             f"과제의 코드 셀에서 `{name} = ...`으로 값을 넣고 그 셀을 실행하세요. 커널을 다시 시작했다면 "
             "위의 셀부터 차례로 다시 실행하세요.")
    return True


def value_type(value, kind: type | tuple[type, ...], *, what: str = "답", hint: str = "") -> bool:
    """``value`` is a ``kind`` (a type or a tuple of types; a ``bool`` is no ``int`` here) and, when it is
    text or a list, not empty. ``hint`` says how to get a value of that kind."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    wanted = " 또는 ".join(_KINDS.get(k, k.__name__) for k in kinds)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        fail(f"{what}에는 {wanted}을(를) 넣어야 합니다.", wanted, _kind(type(value)) + _shown(value, what), hint)
    if isinstance(value, (str, bytes, list, tuple)):
        copy = plain(value, what)
        if not (copy.strip() if isinstance(copy, (str, bytes)) else copy):
            fail(f"{what}이(가) 비어 있습니다.", f"값이 든 {_kind(type(value))}", f"빈 {_kind(type(value))}", hint)
    return True


def seal(what: str, value) -> str:
    """What a visible test compares an answer with (``answer(..., sealed=seal("answer_vm", "B"))``),
    so the released notebook says right or wrong without showing the answer. Not a secret: four
    choices are four tries; it only keeps the answer out of sight while the learner thinks."""
    return hashlib.sha256(f"{what}:{_canon(str(value))}".encode()).hexdigest()[:16]


def answer(value, expected=None, *, what: str = "답", choices: Iterable | None = None, why: str = "",
           sealed: str | None = None) -> bool:
    """An understanding question: ``value`` is one of ``choices`` (if given) and equals
    ``expected`` (if given; a set means any of them) or, in a visible test, matches ``sealed``
    (:func:`seal` of the answer; the failure then says only that this answer is not it, and ``why``
    should be a hint that does not give the answer away). Strings compare without case and
    surrounding blanks; a number may be given as text. The value is copied to a plain built-in first
    (:func:`plain`), so no method of the learner's own objects takes part."""
    value = plain(value, what)
    if value is None or value is Ellipsis:
        fail(f"{what}에 답을 넣어야 합니다.", "답", "비어 있음", "셀의 빈칸을 채우고 실행하세요.")
    if choices is not None:
        allowed = [_canon(c) for c in choices]
        if _canon(value) not in allowed:
            fail(f"{what}은(는) 보기 중 하나여야 합니다.", "/".join(str(c) for c in choices), show_value(value),
                 "보기의 기호 하나만 문자열로 쓰세요 (예: \"B\").")
    if sealed is not None and seal(what, value) != sealed:
        other = "보기" if choices is not None else "답"
        fail(f"{what}이(가) 맞지 않습니다.", f"{show_value(value)} 말고 다른 {other}", show_value(value), why)
    if expected is None:
        return True
    accepted = list(expected) if isinstance(expected, (set, frozenset)) else [expected]
    for want in accepted:
        got = value
        if isinstance(want, (int, float)) and not isinstance(want, bool) and isinstance(value, str):
            try:
                got = type(want)(value.strip())
            except ValueError:
                pass
        if _canon(got) == _canon(want):
            return True
    shown = " 또는 ".join(show_value(w) for w in accepted)
    fail(f"{what}이(가) 맞지 않습니다.", shown, show_value(value), why)
    return False  # not reached


def output_contains(value, needle: str, *, what: str = "출력") -> bool:
    """A captured output (``str``/``bytes``) contains ``needle``."""
    value = as_text(value, what)
    if needle not in value:
        fail(f"{what}에 '{needle}'이(가) 들어 있어야 합니다.", f"'{needle}' 포함", show_value(value) or "빈 문자열",
             "올바른 컨테이너에서 올바른 명령을 실행했는지 확인하세요.")
    return True
