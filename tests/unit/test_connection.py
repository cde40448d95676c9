"""helpers.connection: where the course looks for the engine, and what it says when none answers."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import time

import docker
import docker.errors as de
import pytest

import helpers as h
from helpers import connection, errors
from helpers._state import STATE


def write_context(config_dir, name: str, host: str | None) -> None:
    """A docker CLI config whose current context is ``name`` (stale when ``host`` is None)."""
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.json").write_text(json.dumps({"currentContext": name}))
    if host is not None:
        meta = config_dir / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
        meta.mkdir(parents=True)
        (meta / "meta.json").write_text(json.dumps({"Name": name, "Metadata": {},
                                                    "Endpoints": {"docker": {"Host": host}}}))


@pytest.fixture
def no_sockets(monkeypatch, tmp_path):
    monkeypatch.setattr(connection, "DEFAULT_SOCKETS", (str(tmp_path / "none.sock"),))


def test_docker_host_wins_alone(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", "tcp://10.0.0.9:2375")
    write_context(tmp_path / "docker-config", "remote", "ssh://elsewhere")
    assert connection.candidates() == [("tcp://10.0.0.9:2375", "DOCKER_HOST")]


def test_current_context_comes_first_then_sockets(monkeypatch, tmp_path):
    monkeypatch.delenv("DOCKER_HOST")
    sock = tmp_path / "docker.sock"
    sock.touch()
    monkeypatch.setattr(connection, "DEFAULT_SOCKETS", (str(sock), str(tmp_path / "absent.sock")))
    write_context(tmp_path / "docker-config", "colima", "unix:///colima.sock")
    assert connection.current_context() == {"name": "colima", "host": "unix:///colima.sock", "stale": False}
    assert connection.candidates() == [("unix:///colima.sock", "docker context 'colima'"),
                                       (f"unix://{sock}", "기본 소켓")]


def test_docker_context_env_overrides_config(monkeypatch, tmp_path):
    monkeypatch.delenv("DOCKER_HOST")
    write_context(tmp_path / "docker-config", "one", "unix:///one.sock")
    meta = tmp_path / "docker-config" / "contexts" / "meta" / hashlib.sha256(b"two").hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps({"Name": "two", "Metadata": {},
                                                "Endpoints": {"docker": {"Host": "unix:///two.sock"}}}))
    monkeypatch.setenv("DOCKER_CONTEXT", "two")
    assert connection.current_context()["host"] == "unix:///two.sock"


def test_default_context_and_no_config_mean_no_context(monkeypatch, tmp_path):
    monkeypatch.delenv("DOCKER_HOST")
    assert connection.current_context() is None  # DOCKER_CONFIG folder does not exist
    write_context(tmp_path / "docker-config", "default", None)
    assert connection.current_context() is None


def test_stale_context_is_skipped(monkeypatch, tmp_path, no_sockets):
    monkeypatch.delenv("DOCKER_HOST")
    write_context(tmp_path / "docker-config", "gone", None)
    assert connection.current_context() == {"name": "gone", "host": None, "stale": True}
    assert connection.candidates() == [("unix:///var/run/docker.sock", "기본 소켓")]


class Refusing:
    """Stands in for docker.DockerClient: every construction fails like docker-py does."""

    tried: list[str] = []

    def __init__(self, exc: Exception):
        self.exc = exc

    def __call__(self, base_url=None, **_kw):
        Refusing.tried.append(base_url)
        raise self.exc


def _version_error(inner: Exception) -> de.DockerException:
    try:
        try:
            raise inner
        except Exception as e:
            raise de.DockerException(f"Error while fetching server API version: {e}") from e
    except de.DockerException as exc:
        return exc


def test_connect_stale_context_error(monkeypatch, tmp_path, no_sockets):
    monkeypatch.delenv("DOCKER_HOST")
    write_context(tmp_path / "docker-config", "gone", None)
    monkeypatch.setattr(docker, "DockerClient", Refusing(_version_error(FileNotFoundError(2, "No such file"))))
    with pytest.raises(errors.StaleContext) as info:
        h.client()
    assert "'gone'" in info.value.message
    assert "docker context use default" in info.value.hint
    assert STATE.client is None


def test_connect_permission_denied(monkeypatch):
    monkeypatch.setattr(docker, "DockerClient", Refusing(_version_error(PermissionError(13, "Permission denied"))))
    with pytest.raises(errors.PermissionDenied) as info:
        h.client()
    assert "usermod -aG docker" in info.value.hint


def test_connect_nothing_answers_is_docker_not_running_naming_what_was_tried(monkeypatch):
    Refusing.tried = []
    monkeypatch.setattr(docker, "DockerClient", Refusing(_version_error(ConnectionRefusedError(111, "refused"))))
    with pytest.raises(errors.DockerNotRunning) as info:
        h.client()
    assert type(info.value) is errors.DockerNotRunning
    assert "DOCKER_HOST: unix:///nonexistent/" in info.value.cause
    assert Refusing.tried == [os.environ["DOCKER_HOST"]]


def test_client_is_made_once_and_disconnect_forgets_it(monkeypatch):
    made = []

    class Ok:
        def __init__(self, base_url=None, **_kw):
            made.append(base_url)

        def ping(self):
            return True

        def close(self):
            made.append("closed")

    monkeypatch.setattr(docker, "DockerClient", Ok)
    first = h.client()
    assert h.client() is first and STATE.base_url == os.environ["DOCKER_HOST"]
    h.disconnect()
    assert STATE.client is None and STATE.base_url is None and made[-1] == "closed"


def test_a_dead_docker_host_really_fails_fast():
    t0 = time.monotonic()
    with pytest.raises(errors.DockerNotRunning):
        h.ps()
    assert time.monotonic() - t0 < 5


def test_friendly_disconnects_when_the_engine_goes_away(fake, monkeypatch):
    import requests

    def gone(*_a, **_kw):
        raise requests.exceptions.ConnectionError("('Connection aborted.', FileNotFoundError(2, 'No such file'))")

    monkeypatch.setattr(fake.api, "containers", gone)
    with pytest.raises(errors.DockerNotRunning), h.quiet():
        h.ps()
    assert STATE.client is None  # the next call reconnects


def test_friendly_lets_programming_errors_through(fake):
    with pytest.raises(TypeError):
        h.ps(bogus=True)


IMPORT_PROBE = textwrap.dedent("""
    import sys, time
    events = []
    def hook(name, args):
        if name in ("socket.connect", "subprocess.Popen", "os.system") or (
            name == "open" and isinstance(args[0], str) and args[1] not in (None, "r", "rb") and "w" in str(args[1])
        ):
            events.append((name, str(args[:2])))
    sys.addaudithook(hook)
    t0 = time.monotonic()
    import helpers
    elapsed = time.monotonic() - t0
    from helpers._state import STATE
    print(repr({"elapsed": elapsed, "client": STATE.client, "events": events,
                "lazy": [m for m in ("helpers.widgets", "helpers.charts", "helpers.checks", "ipywidgets")
                         if m in sys.modules]}))
""")


def test_import_helpers_does_no_io(tmp_path):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "DOCKER_HOST": "unix:///nonexistent/dead.sock", "LEARN_DOCKER_HOME": str(tmp_path / "home"),
           "DOCKER_CONFIG": str(tmp_path / "cfg")}
    t0 = time.monotonic()
    run = subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 0, run.stderr
    assert time.monotonic() - t0 < 10
    report = eval(run.stdout.strip())  # noqa: S307 - our own repr
    assert report["client"] is None
    assert report["events"] == []  # no socket opened, no process started, no file written
    assert report["lazy"] == []  # widgets/charts/checks load on first use
    assert report["elapsed"] < 3
    assert not (tmp_path / "home").exists()


def test_command_line_without_an_engine_explains_in_korean(tmp_path):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "DOCKER_HOST": "unix:///nonexistent/dead.sock", "LEARN_DOCKER_HOME": str(tmp_path / "home")}
    run = subprocess.run([sys.executable, "-m", "helpers", "kit", "--status"], capture_output=True, text=True,
                         env=env, timeout=60)
    assert run.returncode == 2
    assert run.stderr.startswith("DockerNotRunning: Docker 엔진에 연결할 수 없습니다.")
    assert "Traceback" not in run.stderr
