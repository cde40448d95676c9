"""helpers.widgets.lab_terminal without a server: the button explains in Korean where no JupyterLab runs."""

from __future__ import annotations

import pytest

from helpers import errors
from helpers.widgets.lab_terminal import LabTerminalButton, _server

from .ui import find_button, text_of


def test_no_server_is_a_korean_error_with_the_manual_way(monkeypatch):
    import jupyter_server.serverapp as serverapp

    monkeypatch.setattr(serverapp, "list_running_servers", lambda *a, **k: iter(()))
    with pytest.raises(errors.CourseError) as info:
        _server()
    assert "File > New > Terminal" in info.value.hint


def test_the_button_shows_its_command_and_the_error_in_its_output(monkeypatch):
    import jupyter_server.serverapp as serverapp

    monkeypatch.setattr(serverapp, "list_running_servers", lambda *a, **k: iter(()))
    button = LabTerminalButton("docker run -it --rm busybox:1.35 sh")
    assert "docker run -it --rm busybox:1.35 sh" in button.text()
    find_button(button.widget, "JupyterLab 터미널에서 열기").click()
    assert "JupyterLab 서버를 찾지 못했습니다" in text_of(button.out) and button.name is None


def test_a_given_server_is_used_as_is():
    assert _server("http://127.0.0.1:8899", "t0k") == ("http://127.0.0.1:8899/", "t0k")
