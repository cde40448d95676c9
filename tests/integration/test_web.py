"""helpers.web.fetch: the httpd lesson's `curl`, bounded in time."""

from __future__ import annotations

import time

import pytest

import helpers as h
from helpers import errors

from .support import free_port

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter")]


def test_fetch_waits_for_a_starting_server(engine, capsys):
    port = free_port()
    with h.quiet():
        h.run("httpd:2.4", name="itest-fetch", detach=True, ports={80: port})
    body = h.fetch(f"http://127.0.0.1:{port}/", timeout=20)
    assert "It works!" in body
    assert capsys.readouterr().out.splitlines()[-1] == f"$ curl http://127.0.0.1:{port}/"
    with h.quiet():
        h.rm("itest-fetch", force=True)


def test_fetch_nobody_listening_is_a_course_error_within_the_timeout():
    port = free_port()
    t0 = time.monotonic()
    with pytest.raises(errors.CourseError) as info, h.quiet():
        h.fetch(f"http://127.0.0.1:{port}/", timeout=1)
    assert time.monotonic() - t0 < 5
    assert "h.port" in info.value.hint


def test_fetch_an_error_page_is_an_answer_not_a_timeout(engine, capsys):
    """A 404 is the server answering: curl prints its page at once, and so does fetch."""
    port = free_port()
    with h.quiet():
        h.run("httpd:2.4", name="itest-fetch-404", detach=True, ports=f"{port}:80")
    h.fetch(f"http://127.0.0.1:{port}/", timeout=20)  # up
    t0 = time.monotonic()
    body = h.fetch(f"http://127.0.0.1:{port}/no-such-page", timeout=10)
    assert time.monotonic() - t0 < 2
    assert "Not Found" in body
    with h.quiet():
        h.rm("itest-fetch-404", force=True)
