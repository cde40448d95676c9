"""The exec console: type commands into a running container (``docker exec``)."""

from __future__ import annotations

import re

import ipywidgets as w

from .. import inspecting
from ..display import quiet
from ..errors import CourseError
from .base import CourseWidget, esc, name_of

_SHELL_CHARS = re.compile(r"[|&;<>()$`*?~\\]|\[")


class ExecConsole(CourseWidget):
    """Run one command per line in a running container (``docker exec``, a new process each time).

    Introduced in chapter 02.
    """

    def __init__(self, container):
        super().__init__()
        self.name = name_of(container)
        self.history: list[tuple[str, str, int | None]] = []
        self.input = w.Text(placeholder="예: ls -l /   (Enter로 실행)", continuous_update=False,
                            layout=w.Layout(width="420px"))
        self.send_button = w.Button(description="실행", icon="terminal")
        self.input.observe(self._submitted, names="value")
        self.send_button.on_click(self._on(self._send_input))
        self.out.layout = w.Layout(max_height="320px", overflow="auto", border="1px solid #ccc")
        self.widget = w.VBox([
            w.HTML(f"<b>{esc(self.name)}</b> 안에서 명령 실행 <small>(줄마다 새 <code>docker exec</code> 프로세스라서 "
                   "<code>cd</code>·<code>export</code>가 다음 줄로 이어지지 않습니다. 한 셸에 이어서 입력하려면 "
                   "<code>hw.Terminal</code>)</small>"),
            w.HBox([self.input, self.send_button]), self.out,
        ])

    def send(self, command: str):
        """Run ``command`` in the container via ``h.exec``; append it, its output and exit code."""
        command = (command or "").strip()
        if not command:
            raise CourseError("실행할 명령을 입력하세요.", hint="예: ls -l /")
        argv = ["sh", "-c", command] if _SHELL_CHARS.search(command) else command
        self.out.append_stdout(f"$ {command}\n")
        try:
            with quiet():
                result = inspecting.execute(self.name, argv)
        except CourseError as exc:
            self.history.append((command, exc.message, None))
            raise
        text = str(result)
        self.history.append((command, text, result.exit_code))
        self.out.append_stdout(_transcript_tail(text, result.exit_code))
        return result

    def _send_input(self):
        command = self.input.value.strip()
        if command:
            self.input.value = ""  # fires _submitted with "" (ignored)
            self.send(command)

    def _submitted(self, change) -> None:
        if change["new"].strip():
            self._guarded(self._send_input)

    def text(self) -> str:
        lines = [f"{self.name} 안에서 실행한 명령 (docker exec) {len(self.history)}개"]
        for command, output, code in self.history:
            lines.append(f"$ {command}")
            lines.append(_transcript_tail(output, code).rstrip("\n"))
        return "\n".join(lines)

    def html(self) -> str:
        head, _, body = self.text().partition("\n")
        return f"<div><b>{esc(head)}</b><pre>{esc(body) or '(아직 실행한 명령이 없습니다)'}</pre></div>"


def _transcript_tail(text: str, code: int | None) -> str:
    body = text if not text or text.endswith("\n") else text + "\n"
    return body + (f"(종료 코드 {code})\n" if code is not None else "(실행하지 못함)\n")


