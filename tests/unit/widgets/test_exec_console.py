"""ExecConsole on the fake engine: each command goes through ``docker exec``; the transcript keeps it."""

from __future__ import annotations

import pytest

from helpers import errors
from helpers.widgets.exec_console import ExecConsole

from .ui import assert_bundle, find_button, text_of


def execs(fake) -> list[tuple[str, str]]:
    """(container id, command as the engine got it, parts joined by spaces) of each exec."""
    return [(call[1], call[2]) for call in fake.calls if call[0] == "exec"]


def test_exec_console_send_appends_transcript(fake):
    box = fake.add_container("box")
    fake.exec_results["ls -l"] = (b"total 0\n", None, 0)
    fake.exec_results["sh -c exit 3 | cat"] = (b"", None, 3)
    console = ExecConsole("box")
    result = console.send("ls -l")
    assert result.exit_code == 0
    assert execs(fake) == [(box.id, "ls -l")]
    assert console.history == [("ls -l", "total 0\n", 0)]
    assert text_of(console.out) == "$ ls -l\ntotal 0\n(종료 코드 0)\n"
    console.send("exit 3 | cat")  # shell syntax: run through sh -c, not as the program "exit"
    assert execs(fake)[-1] == (box.id, "sh -c exit 3 | cat")
    assert console.history[-1] == ("exit 3 | cat", "", 3)
    assert_bundle(console, "$ ls -l", "(종료 코드 3)")


def test_exec_console_text_box_and_button_send(fake):
    box = fake.add_container("box")
    console = ExecConsole(box)  # a Container works as well as its name
    console.input.value = "pwd"  # Enter in the Text box (continuous_update=False)
    assert execs(fake) == [(box.id, "pwd")] and console.input.value == ""
    console.input.value = "id"
    find_button(console.widget, "실행").click()  # empty box now: nothing more is sent
    assert [command for _, command in execs(fake)] == ["pwd", "id"]
    assert console.errors == []


def test_exec_console_errors(fake):
    fake.add_container("stopped").stop()
    console = ExecConsole("stopped")
    with pytest.raises(errors.ContainerNotRunning):
        console.send("ls")
    assert console.history == [("ls", "'stopped'은(는) 지금 'exited' 상태입니다.", None)]
    console.input.value = "ls"
    assert "exited' 상태입니다" in text_of(console.out) and console.errors
    assert "(실행하지 못함)" in console.text() and execs(fake) == []
    with pytest.raises(errors.CourseError, match="실행할 명령을 입력하세요"):
        console.send("   ")


def test_exec_console_half_typed_quote_is_a_korean_error(fake):
    fake.add_container("web")
    console = ExecConsole("web")
    console.input.value = "echo 'hi"
    assert isinstance(console.errors[0], errors.CourseError) and "따옴표" in console.errors[0].message
