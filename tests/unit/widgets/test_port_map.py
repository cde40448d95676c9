"""PortMapView on the fake engine: ``docker port`` rows, links, and one real GET per HTTP port.

The page is served by a tiny HTTP server on 127.0.0.1 (the container's published port in the fake
points at it), so the fetch goes through ``helpers.web.fetch`` unchanged.
"""

from __future__ import annotations

import http.server
import socket
import threading

import pytest

from helpers.widgets.port_map import PortMapView

from .ui import assert_bundle, find_button

PAGE = b"<html><body><h1>It works!</h1></body></html>\n"


class Site:
    """An HTTP server on 127.0.0.1 that answers every GET with ``PAGE`` and keeps the paths asked."""

    def __init__(self):
        self.requests: list[str] = []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the stdlib's name
                site.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                self.wfile.write(PAGE)

            def log_message(self, *_args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def site(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")  # a proxy in the environment must not answer
    monkeypatch.setenv("no_proxy", "localhost,127.0.0.1")
    s = Site()
    yield s
    s.close()


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_port_map_view_rows_links_and_fetch(fake, site):
    fake.add_container("web", "httpd:2.4", ports={"80/tcp": site.port, "53/udp": 18153})
    view = PortMapView("web")
    url = f"http://localhost:{site.port}"
    assert site.requests == ["/"]  # one GET, for the TCP port only
    assert view.rows[0] == {"container_port": "80/tcp", "host_ip": "0.0.0.0", "host_port": site.port,
                            "url": url, "status": "응답함", "first_line": "It works!"}
    assert view.rows[1] == {"container_port": "53/udp", "host_ip": "0.0.0.0", "host_port": 18153, "url": "",
                            "status": "", "first_line": ""}
    bundle = assert_bundle(view, str(site.port), "It works!", "(HTTP 아님)")
    assert f'<a href="{url}"' in bundle["text/html"]
    find_button(view.widget, "다시 확인").click()
    assert site.requests == ["/", "/"] and view.errors == []


def test_port_map_view_no_answer_and_no_ports(fake, site):
    fake.add_container("silent", ports={"80/tcp": free_port()})
    row = PortMapView("silent", timeout=0.3).rows[0]
    assert row["status"] == "응답 없음" and "응답이 없습니다" in row["first_line"]
    fake.add_container("web", "httpd:2.4", ports={"80/tcp": site.port})
    assert PortMapView("web", fetch=False).rows[0]["status"] == "" and site.requests == []
    fake.add_container("plain")
    view = PortMapView("plain")
    assert view.rows == [] and "연결된 포트가 없습니다" in view.text() and "연결된 포트가 없습니다" in view.html()
