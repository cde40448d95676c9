"""Who is in the class: the roster file the instructor writes, one name a line.

    # 2학년 1반 (comments and blank lines are ignored)
    kim
    lee
    park   instructor        # a second word "instructor": logs in to the instructor view

Names are what learners type at the login page and what nbgrader calls them (student IDs): lower-case
letters, digits, ``-`` and ``_``, starting with a letter, at most 20 characters (the system user is
``ldk-learner-<name>``). A mistake is a Korean error that names the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

NAME = re.compile(r"^[a-z][a-z0-9_-]{0,19}$")


class RosterError(ValueError):
    """The roster file has a line the class server cannot use (Korean message)."""


@dataclass
class Roster:
    learners: list[str] = field(default_factory=list)
    instructors: list[str] = field(default_factory=list)

    @property
    def everyone(self) -> list[str]:
        return [*self.instructors, *self.learners]


def parse_roster(text: str, where: str = "명단") -> Roster:
    roster = Roster()
    for number, raw in enumerate(text.splitlines(), start=1):
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        name, role = words[0], (words[1] if len(words) > 1 else "learner")
        if not NAME.match(name):
            raise RosterError(f"{where} {number}번째 줄: '{name}'은(는) 이름으로 쓸 수 없습니다 "
                              "(영문 소문자로 시작, 소문자·숫자·-·_ 만, 20자 이하).")
        if role not in ("learner", "instructor") or len(words) > 2:
            raise RosterError(f"{where} {number}번째 줄: 이름 뒤에는 'instructor'만 쓸 수 있습니다: {raw.strip()!r}")
        if name in roster.everyone:
            raise RosterError(f"{where} {number}번째 줄: '{name}'이(가) 두 번 나옵니다.")
        (roster.instructors if role == "instructor" else roster.learners).append(name)
    if not roster.learners:
        raise RosterError(f"{where}에 학습자가 한 명도 없습니다.")
    return roster


def read_roster(path: str | Path) -> Roster:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RosterError(f"명단 파일을 읽지 못했습니다: {path} ({exc.strerror})") from exc
    return parse_roster(text, where=str(path))
