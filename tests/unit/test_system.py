"""helpers.system's volume verbs against the fake client: the CLI line each shows, the course label,
and the engine's volume errors in Korean (missing, in use, not a valid name)."""

from __future__ import annotations

import json

import pytest

import helpers as h
from helpers import errors
from helpers._state import CHAPTER_LABEL

from .fakes import printed


def test_volume_create_is_labelled_and_a_second_create_returns_the_same_volume(fake, capsys):
    vol = h.volume_create("data", chapter="07")
    again = h.volume_create("data")
    assert printed(capsys) == ["$ docker volume create data", "$ docker volume create data"]
    assert vol.name == again.name == "data"
    assert fake._volumes == {"data": {CHAPTER_LABEL: "07"}}  # like the engine: the first labels stay


def test_volumes_lists_driver_and_name(fake, capsys):
    fake.volumes.create("a")
    fake.volumes.create("b")
    table = h.volumes()
    assert printed(capsys) == ["$ docker volume ls"]
    assert table.rows == [["local", "a"], ["local", "b"]] and [v.name for v in table] == ["a", "b"]


def test_volume_inspect_line_record_and_cli_json(fake, capsys):
    fake.volumes.create("data", labels={CHAPTER_LABEL: "07"})
    record = h.volume_inspect("data")
    assert printed(capsys) == ["$ docker volume inspect data"]
    assert record["Name"] == "data" and record["Mountpoint"] == "/var/lib/docker/volumes/data/_data"
    assert record["Labels"] == {CHAPTER_LABEL: "07"}
    shown = json.loads(repr(record))  # the CLI prints a JSON array of records
    assert shown == [dict(record)] and repr(record).startswith("[\n    {")


def test_volume_inspect_of_a_missing_volume_is_volume_not_found(fake):
    with pytest.raises(errors.VolumeNotFound) as info:
        h.volume_inspect("nope")
    assert info.value.message == "볼륨 'nope'이(가) 없습니다." and "h.volumes()" in info.value.hint


def test_volume_rm_line_and_removal(fake, capsys):
    fake.volumes.create("data")
    assert h.volume_rm("data") is None
    assert printed(capsys) == ["$ docker volume rm data", "data"]
    assert fake._volumes == {}


def test_volume_rm_of_a_missing_volume_fails_unless_forced(fake, capsys):
    with pytest.raises(errors.VolumeNotFound):
        h.volume_rm("nope")
    h.volume_rm("nope", force=True)
    assert printed(capsys) == ["$ docker volume rm nope", "$ docker volume rm -f nope"]


def test_volume_rm_of_a_volume_in_use_names_the_container_and_keeps_the_data(fake, capsys):
    fake.volumes.create("data")
    h.run("busybox:1.35", "true", name="writer", volumes={"data": {"bind": "/data"}})  # exited, still mounts it
    capsys.readouterr()
    with pytest.raises(errors.VolumeInUse) as info:
        h.volume_rm("data", force=True)  # -f does not remove a volume in use (as the CLI)
    assert info.value.message == "볼륨 'data'을(를) 컨테이너 writer이(가) 쓰고 있어서 지울 수 없습니다."
    assert "h.rm('writer', force=True)" in info.value.hint and "멈춘 컨테이너도" in info.value.hint
    assert "data" in fake._volumes
    h.rm("writer")
    h.volume_rm("data")
    assert fake._volumes == {}


def test_volumes_the_course_made_are_removed_by_reset(fake):
    h.volume_create("ch07-data", chapter="07")
    h.run("busybox:1.35", "true", volumes=["ch07-auto:/data"], chapter="07", rm=True)
    fake.volumes.create("learners-own")
    with h.quiet():
        assert h.leftovers("07")["volumes"] == ["ch07-data", "ch07-auto"]
        counts = h.reset("07")
    assert counts["volumes"] == 2 and set(fake._volumes) == {"learners-own"}
