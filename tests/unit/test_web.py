"""helpers.web.get_page — the one page fetch of h.fetch and the grading checks — against a local HTTP server."""

from __future__ import annotations

import http.server
import threading

import pytest

import helpers as h
from helpers import web


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        body = b"x" * 5_000_000 if self.path == "/big" else "안녕".encode()
        self.send_response(404 if self.path == "/missing" else 200)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_proxy_in_the_environment_is_not_used(site, monkeypatch):
    """curl-like: the learner's own containers are asked directly, whatever http_proxy says."""
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    assert web.get_page(f"{site}/", 3) == (200, "안녕", "")
    assert h.fetch(f"{site}/") == "안녕"


def test_a_page_is_read_up_to_the_limit(site):
    status, body, _ = web.get_page(f"{site}/big", 3, limit=1000)
    assert status == 200 and len(body) == 1000


def test_an_error_page_is_an_answer_and_no_server_is_none(site):
    assert web.get_page(f"{site}/missing", 3)[0] == 404
    status, body, problem = web.get_page("http://127.0.0.1:9/", 0.3)
    assert status is None and body == "" and problem == "연결이 거부됨"
    with pytest.raises(h.errors.CourseError):
        h.fetch("http://127.0.0.1:9/", timeout=0.3)
