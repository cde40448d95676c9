"""helpers.preflight against the real engine: the checklist, and that it really ran a container."""

from __future__ import annotations

import hashlib
import json
import os
import time

import pytest

import helpers as h
from helpers import errors
from helpers._state import CHAPTER_LABEL, STATE

from .support import events

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter", "restore_chapter")]


@pytest.fixture
def fresh_connection(engine):
    """Let a test connect from scratch; afterwards put the session's client back."""
    saved = (STATE.client, STATE.base_url)
    STATE.client, STATE.base_url = None, None
    yield saved[1]
    if STATE.client is not None and STATE.client is not saved[0]:
        STATE.client.close()
    STATE.client, STATE.base_url = saved


def test_preflight_reports_ok_and_runs_a_real_container(engine, chapter, capsys):
    t0 = time.time()
    report = h.preflight(chapter)
    t1 = time.time()
    assert report.ok, report.text()
    assert STATE.chapter == chapter
    assert report.facts["server_version"] == engine.version()["Version"]
    assert report.facts["registry"] is False  # no Docker Hub from here
    assert isinstance(report.facts["free_mb"], int) and report.facts["free_mb"] > 0
    text = report.text()
    assert text.splitlines()[0].startswith("[OK]   Docker 엔진 ")
    assert "[OK]   테스트 컨테이너 실행 성공 (busybox:1.35)" in text
    assert "[주의] Docker Hub에 연결할 수 없습니다 (폐쇄망)" in text
    assert text in capsys.readouterr().out  # printed where there is no notebook front end
    ran = events(engine, t0, t1, type="container", label=f"{CHAPTER_LABEL}={chapter}")
    actions = {e["Action"] for e in ran if e["Actor"]["Attributes"].get("image") == "busybox:1.35"}
    assert {"create", "start", "destroy"} <= actions
    assert h.leftovers(chapter)["containers"] == []


def test_preflight_warns_about_a_stale_docker_context(engine, chapter, monkeypatch, tmp_path, fresh_connection):
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    config = tmp_path / "docker-config"
    config.mkdir()
    (config / "config.json").write_text(json.dumps({"currentContext": "itest-gone"}))
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    with h.quiet():
        report = h.preflight(chapter)
    assert report.ok
    warn = [line for line in report.lines if line[0] == "warn" and "itest-gone" in line[1]]
    assert warn and "docker context use default" in warn[0][2]


def test_preflight_warns_when_the_context_engine_does_not_answer(engine, chapter, monkeypatch, tmp_path,
                                                                 fresh_connection):
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    config = tmp_path / "docker-config"
    meta = config / "contexts" / "meta" / hashlib.sha256(b"itest-dead").hexdigest()
    meta.mkdir(parents=True)
    (config / "config.json").write_text(json.dumps({"currentContext": "itest-dead"}))
    (meta / "meta.json").write_text(json.dumps({"Endpoints": {"docker": {"Host": "unix:///nonexistent/x.sock"}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    with h.quiet():
        report = h.preflight(chapter)
    assert report.ok
    assert any(lv == "warn" and "itest-dead" in title for lv, title, _ in report.lines)


def test_docker_host_overrides_the_context_without_a_warning(engine, chapter, monkeypatch, tmp_path,
                                                             fresh_connection):
    config = tmp_path / "docker-config"
    config.mkdir()
    (config / "config.json").write_text(json.dumps({"currentContext": "itest-gone"}))
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    monkeypatch.setenv("DOCKER_HOST", fresh_connection)  # where the session's client connected
    with h.quiet():
        report = h.preflight(chapter)
    assert report.ok and not [line for line in report.lines if line[0] == "warn" and "context" in line[1]]


def test_preflight_without_an_engine_fails_in_korean(monkeypatch, fresh_connection, capsys):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/itest-dead.sock")
    with pytest.raises(errors.DockerNotRunning):
        h.preflight()
    out = capsys.readouterr().out
    assert "[실패] Docker 엔진에 연결할 수 없습니다." in out
    assert os.environ["DOCKER_HOST"] == "unix:///nonexistent/itest-dead.sock"
