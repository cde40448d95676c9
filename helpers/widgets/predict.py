"""Predict, then run: a multiple-choice check before a step, with instant Korean feedback (ungraded).

The learner picks what they think the next cell will show; a button (or ``.check(n)`` from a cell)
says at once whether that is right and why. Choices are numbered from 1, as shown on the buttons.
Nothing touches the engine. Saved without a kernel (papermill, nbgrader), the check stays a readable
question with its choices, and the answer folded away in the HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ipywidgets as w

from ..errors import CourseError
from .base import CourseWidget, esc

_MARKS = "①②③④⑤⑥⑦⑧⑨"
_CODE = re.compile(r"`([^`]+)`")


def inline(text: str) -> str:
    """Text as HTML: escaped, with `code` spans as <code> and line breaks kept."""
    return _CODE.sub(r"<code>\1</code>", esc(text)).replace("\n", "<br>")


def plain(text: str) -> str:
    """Text for a button label: the `code` marks dropped."""
    return _CODE.sub(r"\1", text)


@dataclass(frozen=True)
class Verdict:
    """What one answer earned: right or not, and the Korean feedback shown for it."""

    choice: int
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        return _feedback_html(self)


def _feedback_html(verdict: Verdict) -> str:
    color, bg = ("#2e7d32", "#edf7ee") if verdict.correct else ("#c62828", "#fdf2f2")
    return f'<div style="border-left:4px solid {color};padding:6px 10px;background:{bg}">{inline(verdict.message)}</div>'


class Predict(CourseWidget):
    """Ask what a step will show before it runs; answer with a button or ``.check(n)``. Ungraded.

    No docker command of its own: it stands before the cell that runs one. ``choices`` are numbered
    from 1; ``answer`` is the right choice's number or its text; ``explanation`` says why it is
    right; ``hints`` may map a wrong choice's number to what that choice overlooks.
    Introduced in chapter 01.
    """

    def __init__(self, question: str, choices: list[str] | tuple[str, ...], answer: int | str, explanation: str,
                 *, hints: dict[int, str] | None = None):
        super().__init__()
        self.question = question
        self.choices = [str(c) for c in choices]
        if not 2 <= len(self.choices) <= len(_MARKS):
            raise ValueError(f"Predict needs 2 to {len(_MARKS)} choices, got {len(self.choices)}")
        self.answer = self._number(answer)
        self.explanation = explanation
        self.hints = dict(hints or {})
        for number in self.hints:
            self._number(number)
        self.verdicts: list[Verdict] = []
        self.buttons = []
        for number, choice in enumerate(self.choices, start=1):
            button = w.Button(description=f"{_MARKS[number - 1]} {plain(choice)}", tooltip=plain(choice),
                              layout=w.Layout(width="auto", max_width="100%"))
            button.on_click(self._on(self.check, number))
            self.buttons.append(button)
        self.feedback = w.HTML()
        self.widget = w.VBox([w.HTML(self._question_html()), *self.buttons, self.feedback, self.out])

    # -- answering ----------------------------------------------------------------------------------
    def _number(self, answer: int | str) -> int:
        """A choice's number (1-based) from its number or its exact text; anything else is a Korean error."""
        if isinstance(answer, int) and not isinstance(answer, bool):
            if 1 <= answer <= len(self.choices):
                return answer
        elif str(answer).strip() in self.choices:
            return self.choices.index(str(answer).strip()) + 1
        raise CourseError(f"보기에 없는 답입니다: {answer!r}",
                          hint=f"1부터 {len(self.choices)}까지의 번호나 보기의 글자 그대로 답하세요.")

    def check(self, answer: int | str) -> Verdict:
        """Answer with a choice's number (from 1) or its text; show and return the Korean feedback."""
        number = self._number(answer)
        picked = f"{_MARKS[number - 1]} {self.choices[number - 1]}"
        right = f"{_MARKS[self.answer - 1]} {self.choices[self.answer - 1]}"
        if number == self.answer:
            message = f"맞았습니다! {picked}\n{self.explanation}"
        else:
            hint = self.hints.get(number)
            message = f"아닙니다. 고른 답: {picked}" + (f" — {hint}" if hint else "")
            message += f"\n정답은 {right}입니다. {self.explanation}"
        message += "\n이제 다음 셀을 실행해 직접 확인해 보세요."
        verdict = Verdict(number, number == self.answer, message)
        self.verdicts.append(verdict)
        self.feedback.value = _feedback_html(verdict)
        for i, button in enumerate(self.buttons, start=1):
            button.button_style = "success" if i == self.answer else ("danger" if i == number else "")
        return verdict

    @property
    def answered(self) -> bool:
        return bool(self.verdicts)

    # -- renderings ---------------------------------------------------------------------------------
    def _question_html(self) -> str:
        return (f'<div><b>예측하고 실행하기</b> <small>(채점하지 않습니다)</small><br>{inline(self.question)}</div>')

    def text(self) -> str:
        lines = ["예측하고 실행하기 (채점하지 않습니다)", self.question]
        lines += [f"  {_MARKS[i]} {choice}" for i, choice in enumerate(self.choices)]
        if self.verdicts:
            lines.append(self.verdicts[-1].message)
        else:
            lines.append(f"답을 골라 보세요: 버튼을 누르거나 셀에서 `.check(번호)` (1~{len(self.choices)}).")
        return "\n".join(lines)

    def html(self) -> str:
        choices = "".join(f"<li>{_MARKS[i]} {inline(c)}</li>" for i, c in enumerate(self.choices))
        if self.verdicts:
            after = _feedback_html(self.verdicts[-1])
        else:
            right = f"{_MARKS[self.answer - 1]} {inline(self.choices[self.answer - 1])}"
            after = (f"<details><summary>정답과 설명 보기</summary><p>정답: {right}<br>{inline(self.explanation)}</p>"
                     "</details>")
        return (f'<div style="border:1px solid #90caf9;border-radius:6px;padding:8px 12px">{self._question_html()}'
                f'<ul style="list-style-type:none;padding-left:0">{choices}</ul>{after}</div>')
