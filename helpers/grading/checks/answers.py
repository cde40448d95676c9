"""Checks of answers the learner typed: understanding questions and captured outputs."""

from __future__ import annotations

from collections.abc import Iterable

from .base import as_text, fail, plain, show_value


def _canon(value):
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    return value


def answer(value, expected=None, *, what: str = "답", choices: Iterable | None = None, why: str = "") -> bool:
    """An understanding question: ``value`` is one of ``choices`` (if given) and equals
    ``expected`` (if given; a set means any of them). Strings compare without case and
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


