"""The class report's page (``helpers.classroom.report_page``) in a real ``jupyter server``.

- With the instructor's configuration (``tools/jupyter/instructor`` over the environment's, as
  ``tools/lab.sh --instructor`` sets ``JUPYTER_CONFIG_PATH``) the server serves ``/learn-docker-ko/report`` and
  its CSV to a logged-in user only, with every learner value escaped and a policy that runs no script.
- With the learner's configuration (``tools/jupyter/sys-prefix``, what ``tools/lab.sh`` uses) there is no such URL.
"""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .course import ATTACK, REPO, failure, make_course

PAGE = "/learn-docker-ko/report"

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``jupyter server`` on a free loopback port with one of the course's configurations."""

    def __init__(self, root: Path, config_path: Path | None, tmp: Path):
        self.port, self.token = _free_port(), secrets.token_hex(16)
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
        env.update(JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_DATA_DIR=str(tmp / "data"),
                   JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), JUPYTER_PREFER_ENV_PATH="1",
                   JUPYTER_PLATFORM_DIRS="1")
        args = [sys.executable, "-m", "jupyter", "server", "--no-browser", f"--port={self.port}",
                "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={root}", "--ServerApp.ip=127.0.0.1"]
        if config_path is not None:  # the instructor's mode: its folder layered over the environment's
            env["JUPYTER_CONFIG_PATH"] = str(config_path)
            # the learner's settings come from the environment (setup.sh copies tools/jupyter/sys-prefix there);
            # here they are read from the repository so the test does not depend on that copy
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
            p for p in (env.get("JUPYTER_CONFIG_PATH"), str(REPO / "tools" / "jupyter" / "sys-prefix" / "etc" / "jupyter"))
            if p)
        if os.geteuid() == 0:
            args.append("--allow-root")
        self.log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(args, env=env, cwd=root, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/api/status")[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"jupyter server did not start: {(tmp / 'server.log').read_text()[-2000:]}")

    def get(self, path: str, token: bool = True) -> tuple[int, str, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {"Authorization": f"token {self.token}"} if token else {}
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read().decode("utf-8", "replace"), dict(resp.getheaders())
        finally:
            conn.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def course_with_xss(tmp_path):
    """A course root whose gradebook has one failed cell whose found value is an XSS attempt."""
    return make_course(tmp_path / "course", {"kim": {"task1_vm": failure("B", ATTACK)}, "lee": {}})


def test_instructor_view_serves_the_report_escaped_and_only_to_a_logged_in_user(course_with_xss, tmp_path):
    server = Server(course_with_xss, REPO / "tools" / "jupyter" / "instructor", tmp_path)
    try:
        status, body, headers = server.get(PAGE)
        assert status == 200, body[-500:]
        assert "반 보고서" in body and "task1_vm" in body and "1 / 2" in body
        assert "<script" not in body.lower() and "<img" not in body.lower(), "학습자의 값이 HTML로 들어갔습니다"
        assert "&lt;script&gt;" in body and "&lt;img src=x onerror=" in body
        assert "script-src 'none'" in headers.get("Content-Security-Policy", "")
        status, csv_text, headers = server.get(PAGE + ".csv")
        assert status == 200 and "text/csv" in headers.get("Content-Type", "")
        assert csv_text.startswith("\ufeff과제,")
        status, body, _ = server.get(PAGE, token=False)  # not logged in: never the report
        assert status in (302, 403) and "task1_vm" not in body
        (course_with_xss / "gradebook.db").unlink()  # built anew per request: no gradebook now
        status, body, _ = server.get(PAGE)
        assert status == 404 and "성적부(gradebook.db)가 없습니다" in body
        assert not (course_with_xss / "gradebook.db").exists()
    finally:
        server.stop()


def test_learner_view_does_not_serve_the_report(course_with_xss, tmp_path):
    for path in (REPO / "tools" / "jupyter").rglob("*.json"):
        if "instructor" not in path.parts:
            assert "helpers.classroom" not in path.read_text(encoding="utf-8"), path
    server = Server(course_with_xss, None, tmp_path)
    try:
        assert server.get("/api/status")[0] == 200
        for path in (PAGE, PAGE + ".csv", PAGE + "/", "/learn-docker-ko/report?x=1"):
            status, body, headers = server.get(path)
            if status == 302:  # jupyter_server drops a trailing slash by a redirect: follow it
                status, body, _ = server.get(headers["Location"])
            assert status == 404, (path, status)
            assert "task1_vm" not in body
    finally:
        server.stop()
