"""helpers.inspecting against the real engine: ``docker cp`` out of a container that will not stay up, and back in.

Containers are named itest-cp-*, labelled with the session's test chapter and removed by the test.
"""

from __future__ import annotations

import pytest

import helpers as h
from helpers import errors

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter")]

BROKEN = ["sh", "-c", "mkdir -p /etc/app && echo PORT=8080 > /etc/app/app.conf.example && "
          "test -f /etc/app/app.conf || exit 1; exec sleep 3600"]


@pytest.fixture
def broken():
    with h.quiet():
        out = h.run("busybox:1.35", BROKEN, name="itest-cp-app")
    assert out.exit_code == 1
    yield "itest-cp-app"
    with h.quiet():
        h.rm("itest-cp-app", force=True)


def test_cp_out_of_an_exited_container_echoes_the_cli(broken, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    written = h.cp(f"{broken}:/etc/app/app.conf.example", "./app.conf")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"$ docker cp {broken}:/etc/app/app.conf.example ./app.conf"
    assert written == tmp_path / "app.conf" and written.read_text() == "PORT=8080\n"
    (tmp_path / "copy").mkdir()
    assert (h.cp(f"{broken}:/etc/app", "copy") / "app.conf.example").read_text() == "PORT=8080\n"
    with pytest.raises(errors.PathNotFound):
        h.cp(f"{broken}:/etc/app/app.conf", ".")


def test_cp_in_then_start_fixes_the_container(broken, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.conf").write_text("PORT=8080\n")
    with h.quiet():
        assert h.cp("./app.conf", f"{broken}:/etc/app/") == "/etc/app/app.conf"
        h.start(broken)
    assert h.wait_for(broken, "running", timeout=5) == "running"
    assert h.exec(broken, "cat /etc/app/app.conf") == "PORT=8080\n"

