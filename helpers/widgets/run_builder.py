"""The run form: build a ``docker run`` line from fields, see it live, and run it."""

from __future__ import annotations

import ipywidgets as w

from .. import containers
from .. import ports as _ports
from ..command import container_command
from ..containers import argv_of
from ..display import STATE_KO
from ..errors import CourseError
from .base import CourseWidget, esc


class RunBuilder(CourseWidget):
    """Build a ``docker run`` line from a form, show it live, and run it. Introduced in chapter 02."""

    def __init__(self, image: str = "busybox:1.35", name: str = "", detach: bool = True, ports: str = "",
                 command: str = "", chapter: str | None = None):
        super().__init__()
        self.chapter = chapter
        self.result = None
        style = {"description_width": "120px"}
        wide = w.Layout(width="460px")
        self.image = w.Text(value=image, description="이미지", style=style, layout=wide)
        self.name = w.Text(value=name, description="이름 (--name)", placeholder="비우면 자동 이름", style=style,
                           layout=wide)
        self.detach = w.Checkbox(value=detach, description="백그라운드 실행 (-d)", indent=False)
        self.ports = w.Text(value=ports, description="포트 (-p)", placeholder="예: 8080:80, 443", style=style,
                            layout=wide)
        self.command = w.Text(value=command, description="명령", placeholder="비우면 이미지의 기본 명령",
                              style=style, layout=wide)
        self.preview = w.HTML()
        self.run_button = w.Button(description="실행 (Run)", button_style="primary", icon="play")
        self.run_button.on_click(self._on(self._run_clicked))
        for field in (self.image, self.name, self.detach, self.ports, self.command):
            field.observe(self._update_preview, names="value")
        self.widget = w.VBox([w.HTML("<b>docker run 만들기</b>"), self.image, self.name, self.detach, self.ports,
                              self.command, self.preview, self.run_button, self.out])
        self._update_preview()

    def _argv(self):
        image = self.image.value.strip()
        if not image:
            raise CourseError("이미지 이름을 입력하세요.", hint="예: busybox:1.35")
        _ports.parse(self.ports.value)  # a typo in the ports field is reported before anything runs
        ports = [p for p in self.ports.value.replace(",", " ").split() if p]
        command = self.command.value.strip() or None
        return image, command, self.name.value.strip() or None, bool(self.detach.value), ports

    def command_line(self) -> str:
        """Return the exact ``docker run ...`` line :meth:`execute` will run (and print)."""
        image, command, name, detach, ports = self._argv()
        argv = argv_of(command)
        return container_command("run", image, argv, name=name, detach=detach, ports=ports).line()[len("$ "):]

    def execute(self):
        """Run the form's command through ``h.run`` and return its result (a Container, or output)."""
        image, command, name, detach, ports = self._argv()
        self.result = containers.run(image, command, name=name, detach=detach, ports=ports or None, chapter=self.chapter)
        return self.result

    def _run_clicked(self):
        result = self.execute()
        print(_describe_run(result))

    def _update_preview(self, *_change) -> None:
        try:
            line = esc("$ " + self.command_line())
        except CourseError as exc:
            line = f'<span style="color:#c62828">{esc(exc.message)}</span>'
        self.preview.value = f'<code style="font-size:110%">{line}</code>'

    def text(self) -> str:
        try:
            line = "$ " + self.command_line()
        except CourseError as exc:
            line = f"(입력 오류: {exc.message})"
        lines = ["docker run 만들기", line]
        if self.result is not None:
            lines.append("결과: " + _describe_run(self.result))
        return "\n".join(lines)

    def html(self) -> str:
        text = self.text().split("\n", 1)[1]
        return f"<div><b>docker run 만들기</b><pre>{esc(text)}</pre></div>"


def _describe_run(result) -> str:
    if hasattr(result, "status") and hasattr(result, "name"):
        return f"컨테이너 {result.name} ({result.short_id}) — 상태: {STATE_KO.get(result.status, result.status)}"
    code = getattr(result, "exit_code", None)
    return f"{str(result).rstrip()}\n(종료 코드 {code})"


