"""helpers.grading.checks.volumes over recorded answers (``recorded/volumes.json``): a volume's inspect
record, containers' ``Mounts`` (volume rw/ro, a read-only bind, ``--tmpfs`` and ``--mount type=tmpfs``),
and files read through a throwaway container (a volume's file, a backup tar in a host folder)."""

from __future__ import annotations

import copy

import docker.errors as de
import pytest

from helpers._state import CHAPTER_LABEL
from helpers.grading import checks

from ..replay import failure, recorded

VOLUMES = recorded("volumes")
VOLUME = VOLUMES["volume"]["Name"]  # recordtest-vol, holding hello.txt
CREATED = VOLUMES["volume"]["CreatedAt"]
TAR_WRITTEN = VOLUMES["archives"]["/host/recordtest-vol.tar"]["stat"]["mtime"]
SITE = next(m["Source"] for m in VOLUMES["containers"]["bind_ro"]["Mounts"])
BACKUP = "/srv/class/backup/recordtest-vol.tar"  # any host path: the engine reads its folder as /host
HTDOCS = "/usr/local/apache2/htdocs"


def name(key: str) -> str:
    return VOLUMES["containers"][key]["Name"].lstrip("/")


@pytest.fixture
def engine07(replay, monkeypatch):
    """The recorded engine: recordtest-vol, the containers mounting things, busybox:1.35 for the throwaways
    (its archives are what a throwaway mounting the volume at /volume and the backup folder at /host reads)."""
    busybox = replay.load_image("multi")
    for rec in VOLUMES["containers"].values():
        replay.inspect_containers[rec["Id"]] = copy.deepcopy(rec)
        replay.container_rows[rec["Id"]] = {"Id": rec["Id"], "Names": [rec["Name"]], "Image": rec["Config"]["Image"],
                                            "ImageID": rec["Image"], "State": rec["State"]["Status"]}
    replay._volumes[VOLUME] = {}
    plain_inspect = replay.api.inspect_volume
    monkeypatch.setattr(replay.api, "inspect_volume",
                        lambda n: copy.deepcopy(VOLUMES["volume"]) if n == VOLUME else plain_inspect(n))
    replay.archives[busybox["Id"]] = VOLUMES["archives"]
    plain_create = replay.containers.create

    def create(image, command=None, **kw):  # the engine refuses a bind mount of a folder that does not exist
        for m in kw.get("mounts") or []:
            if m.get("Type") == "bind" and "/missing/" in m.get("Source", ""):
                raise de.APIError("400 Client Error: Bad Request", explanation=VOLUMES["missing_folder"]["explanation"])
        return plain_create(image, command, **kw)

    monkeypatch.setattr(replay.containers, "create", create)
    return replay


# -- volume_exists / volume_absent ------------------------------------------------------------------

def test_volume_exists_passes_and_since_compares_to_the_second(engine07):
    assert checks.volume_exists(VOLUME) is True
    same_second = CREATED.replace("Z", ".900000Z")  # volumes are stamped to the second
    assert checks.volume_exists(VOLUME, since=same_second) is True
    later = CREATED[:17] + f"{int(CREATED[17:19]) + 1:02d}.1Z"
    f = failure(checks.volume_exists, VOLUME, since=later)
    assert f.what == f"볼륨 '{VOLUME}'은(는) 이번 실습을 시작한 뒤에 만든 것이어야 합니다."
    assert f.actual.endswith("(예전에 남은 것)") and "첫 셀부터 다시 실행" in f.hint


def test_volume_exists_fails_naming_similar_volumes(engine07):
    f = failure(checks.volume_exists, "recordtest-volume")
    assert f.what == "'recordtest-volume'(이)라는 볼륨이 있어야 합니다."
    assert (f.expected, f.actual) == ("볼륨 recordtest-volume", f"없음 (비슷한 이름: {VOLUME})")
    assert "h.volume_create('recordtest-volume')" in f.hint and "-v recordtest-volume:/data" in f.hint


def test_volume_absent_passes_for_a_missing_volume_and_names_the_containers_that_hold_one(engine07):
    assert checks.volume_absent("recordtest-gone") is True
    f = failure(checks.volume_absent, VOLUME)
    assert (f.expected, f.actual) == ("없음", "아직 있음")
    assert "recordtest-vol-ro, recordtest-vol-rw" in f.hint and f"h.volume_rm('{VOLUME}')" in f.hint


# -- container_mount ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "destination", "kwargs"), [
    ("vol_rw", "/data", {"kind": "volume", "source": VOLUME, "read_only": False}),
    ("vol_ro", "/data/", {"kind": "volume", "source": VOLUME, "read_only": True}),
    ("bind_ro", HTDOCS, {"kind": "bind", "source": "site", "read_only": True}),
    ("bind_ro", HTDOCS, {"source": SITE}),
    ("bind_ro", HTDOCS, {"source": "./site"}),
    ("tmpfs_flag", "/scratch", {"kind": "tmpfs", "read_only": False}),  # --tmpfs: only in HostConfig.Tmpfs
    ("tmpfs_mount", "/scratch", {"kind": "tmpfs"}),  # --mount type=tmpfs: in Mounts
])
def test_container_mount_passes_for_every_way_to_mount(engine07, key, destination, kwargs, capsys):
    mount = checks.container_mount(name(key), destination, **kwargs)
    assert mount["Destination"].rstrip("/") == destination.rstrip("/")
    assert capsys.readouterr() == ("", "")


def test_container_mount_fails_for_a_container_without_that_mount(engine07):
    f = failure(checks.container_mount, name("plain"), "/data", kind="volume", source=VOLUME)
    assert f.what == "컨테이너 'recordtest-plain'의 /data에 볼륨(volume)이(가) 마운트되어 있어야 합니다."
    assert (f.expected, f.actual) == (f"볼륨(volume) {VOLUME} → /data", "마운트 없음")
    assert f"volumes={{'{VOLUME}': {{'bind': '/data'}}}} (docker run -v {VOLUME}:/data)" in f.hint
    assert "h.rm('recordtest-plain', force=True)" in f.hint


def test_container_mount_at_another_path_shows_what_is_mounted(engine07):
    f = failure(checks.container_mount, name("vol_rw"), "/date")
    assert f.what == "컨테이너 'recordtest-vol-rw'의 /date에 무언가 마운트되어 있어야 합니다."
    assert (f.expected, f.actual) == ("마운트 → /date", f"볼륨 {VOLUME} → /data")


@pytest.mark.parametrize(("key", "destination", "kind", "actual", "hint"), [
    ("vol_rw", "/data", "bind", "바인드 마운트(bind)", "-v의 왼쪽이 이름이면 볼륨"),
    ("bind_ro", HTDOCS, "volume", "볼륨(volume)", "/로 시작하는 경로면 바인드 마운트"),
    ("tmpfs_flag", "/scratch", "volume", "볼륨(volume)", "-v의 왼쪽이 이름이면 볼륨"),
    ("vol_rw", "/data", "tmpfs", "tmpfs 마운트(tmpfs)", "-v가 아니라 --tmpfs로"),
])
def test_container_mount_of_another_kind_names_both_kinds(engine07, key, destination, kind, actual, hint):
    f = failure(checks.container_mount, name(key), destination, kind=kind)
    assert f.expected == actual
    assert f.actual.split(":")[0] in ("볼륨(volume)", "바인드 마운트(bind)", "tmpfs 마운트(tmpfs)")
    assert f.actual.split(":")[0] != f.expected and hint in f.hint


def test_container_mount_of_another_source_shows_the_one_mounted(engine07):
    f = failure(checks.container_mount, name("vol_rw"), "/data", source="recordtest-other")
    assert f.what == "컨테이너 'recordtest-vol-rw'의 /data에는 recordtest-other이(가) 마운트되어야 합니다."
    assert (f.expected, f.actual) == ("recordtest-other → /data", f"볼륨 {VOLUME} → /data")
    f = failure(checks.container_mount, name("bind_ro"), HTDOCS, kind="bind", source="backup")
    assert f.actual == f"호스트 폴더 {SITE} → {HTDOCS} (읽기 전용)"
    assert "str(Path('backup').resolve())" in f.hint and f'-v "$(pwd)/backup":{HTDOCS}' in f.hint


@pytest.mark.parametrize(("key", "read_only", "expected", "actual", "flag"), [
    ("vol_rw", True, "읽기 전용(ro)", "읽기-쓰기(rw)", f"-v {VOLUME}:/data:ro"),
    ("vol_ro", False, "읽기-쓰기(rw)", "읽기 전용(ro)", f"-v {VOLUME}:/data)"),
])
def test_container_mount_read_only_either_way(engine07, key, read_only, expected, actual, flag):
    f = failure(checks.container_mount, name(key), "/data", kind="volume", source=VOLUME, read_only=read_only)
    assert (f.expected, f.actual) == (expected, actual) and flag in f.hint
    must = "읽기 전용(ro)이어야 합니다." if read_only else "읽고 쓸 수 있어야(rw) 합니다."
    assert f.what == f"컨테이너 '{name(key)}'의 /data 마운트는 {must}"


def test_container_mount_rejects_an_unknown_kind_and_a_missing_container(engine07):
    with pytest.raises(ValueError):
        checks.container_mount(name("vol_rw"), "/data", kind="nfs")
    assert "(이)라는 이름의 컨테이너가 있어야 합니다" in failure(checks.container_mount, "recordtest-nope", "/d").what


# -- volume_has_file ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["hello.txt", "/hello.txt", "./hello.txt"])
def test_volume_has_file_reads_through_a_throwaway_that_is_removed(engine07, path, capsys):
    assert checks.volume_has_file(VOLUME, path, contains="도커를 익히다") is True
    (made,) = [c for c in engine07.created]
    assert made["volumes"] == {VOLUME: {"bind": "/volume", "mode": "ro"}} and made["network_disabled"] is True
    assert CHAPTER_LABEL in made["labels"] and engine07._containers == {}  # created, never started, removed
    assert [c[0] for c in engine07.calls if c[0] in ("start",)] == []
    assert capsys.readouterr() == ("", "")


def test_volume_has_file_fails_for_a_missing_file_other_content_and_a_missing_volume(engine07):
    f = failure(checks.volume_has_file, VOLUME, "nope.txt")
    assert f.what == f"볼륨 '{VOLUME}' 안에 파일 nope.txt이(가) 있어야 합니다."
    assert (f.expected, f.actual) == ("nope.txt", "없음") and "echo 내용 > /data/nope.txt" in f.hint
    f = failure(checks.volume_has_file, VOLUME, "hello.txt", contains="안녕")
    assert (f.expected, f.actual) == ("'안녕' 포함", "도커를 익히다")
    assert "볼륨이 있어야 합니다" in failure(checks.volume_has_file, "recordtest-nope", "hello.txt").what
    assert engine07._containers == {}


def test_volume_has_file_without_the_kit_busybox_says_so(replay, monkeypatch):
    replay._volumes[VOLUME] = {}
    monkeypatch.setattr(replay.api, "inspect_volume", lambda n: copy.deepcopy(VOLUMES["volume"]))
    f = failure(checks.volume_has_file, VOLUME, "hello.txt")
    assert (f.expected, f.actual) == ("busybox:1.35", "없음") and "h.kit.ensure()" in f.hint


# -- archive_has_file ---------------------------------------------------------------------------------

@pytest.mark.parametrize("member", ["hello.txt", "./hello.txt", "/hello.txt"])
def test_archive_has_file_reads_the_host_folder_through_the_engine(engine07, member, capsys):
    assert checks.archive_has_file(BACKUP, member, contains="도커를 익히다", since=TAR_WRITTEN) is True
    (made,) = engine07.created
    (mount,) = made["mounts"]
    assert (mount["Target"], mount["Source"], mount["Type"], mount["ReadOnly"]) == (
        "/host", "/srv/class/backup", "bind", True)  # a --mount bind: a missing folder is never created
    assert engine07.calls_of("get_archive")[0][2] == "/host/recordtest-vol.tar"
    assert engine07._containers == {} and capsys.readouterr() == ("", "")


def test_archive_has_file_fails_for_a_missing_file_or_folder(engine07):
    for path in ("/srv/class/backup/nope.tar", "/srv/missing/backup/x.tar"):
        f = failure(checks.archive_has_file, path, "hello.txt")
        assert f.what == f"호스트에 백업 파일 {path.split('/')[-2]}/{path.split('/')[-1]}이(가) 있어야 합니다."
        assert f.actual == "없음" and "'-C', '/data', '.'" in f.hint
    assert engine07._containers == {}


def test_archive_has_file_fails_for_a_file_that_is_not_tar_or_lacks_the_member(engine07):
    f = failure(checks.archive_has_file, "/srv/class/backup/not-a-tar.txt", "hello.txt")
    assert (f.expected, f.actual) == ("tar 아카이브", "tar가 아닌 파일 (14바이트)")
    f = failure(checks.archive_has_file, BACKUP, "motd")
    assert (f.expected, f.actual) == ("motd", "./hello.txt")
    f = failure(checks.archive_has_file, BACKUP, "hello.txt", contains="안녕")
    assert (f.expected, f.actual) == ("'안녕' 포함", "도커를 익히다")


def test_archive_has_file_since_refuses_an_older_backup(engine07):
    later = TAR_WRITTEN[:17] + f"{int(TAR_WRITTEN[17:19]) + 2:02d}.0Z"
    f = failure(checks.archive_has_file, BACKUP, "hello.txt", since=later)
    assert f.what == "백업 recordtest-vol.tar은(는) 이번 실습을 시작한 뒤에 만든 것이어야 합니다."
    assert f.actual.endswith("(예전에 남은 파일)")
