"""Re-record the volume and mount answers the chapter 07 checks read (needs a real engine; not a test).

    .venv/bin/python tests/unit/grading/recorded/record_volumes.py

Makes a volume ``recordtest-vol`` holding ``hello.txt``, containers ``recordtest-*`` that mount it (rw, ro),
a host folder (ro bind), ``--tmpfs`` and ``--mount type=tmpfs``, and a backup of the volume made with busybox
``tar`` into a host folder; records what ``volume_exists``, ``container_mount``, ``volume_has_file`` and
``archive_has_file`` read into ``volumes.json``, and removes everything it made by id and name.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import docker
import docker.errors as de
from docker.types import Mount
from record import BUSYBOX, PREFIX, archive, pick, write

VOLUME = PREFIX + "vol"


def mount_record(c, made_by: str) -> dict:
    c.reload()
    a = c.attrs
    return {"_made_by": made_by, **pick(a, "Id", "Name", "Created", "Image"),
            "State": pick(a["State"], "Status", "Running", "ExitCode", "StartedAt", "FinishedAt"),
            "Config": pick(a["Config"], "Image", "Cmd"), "Mounts": a.get("Mounts") or [],
            "HostConfig": pick(a["HostConfig"], "Binds", "Tmpfs", "Mounts")}


def main() -> None:
    client = docker.from_env()
    api = client.api
    made: list[str] = []
    host = Path(tempfile.mkdtemp(prefix="recordtest-host-"))
    (host / "site").mkdir()
    (host / "backup").mkdir()
    (host / "backup" / "not-a-tar.txt").write_text("그냥 글자\n", encoding="utf-8")

    def container(key: str, command, *, start: bool = False, **kw):
        c = client.containers.create(BUSYBOX, command, name=PREFIX + key.replace("_", "-"), **kw)
        made.append(c.id)
        if start:
            c.start()
            c.wait(timeout=30)
        return c

    try:
        api.create_volume(VOLUME)
        containers = {}
        c = container("vol_rw", ["sh", "-c", "echo 도커를 익히다 > /data/hello.txt"], start=True,
                      volumes={VOLUME: {"bind": "/data", "mode": "rw"}})
        containers["vol_rw"] = mount_record(c, f"docker run --name recordtest-vol-rw -v {VOLUME}:/data busybox:1.35 "
                                               "sh -c 'echo 도커를 익히다 > /data/hello.txt'")
        c = container("vol_ro", ["cat", "/data/hello.txt"], volumes={VOLUME: {"bind": "/data", "mode": "ro"}})
        containers["vol_ro"] = mount_record(c, f"docker create --name recordtest-vol-ro -v {VOLUME}:/data:ro "
                                               "busybox:1.35 cat /data/hello.txt")
        c = container("bind_ro", ["true"], volumes={str(host / "site"): {"bind": "/usr/local/apache2/htdocs",
                                                                           "mode": "ro"}})
        containers["bind_ro"] = mount_record(c, "docker create --name recordtest-bind-ro -v HOST/site:"
                                                "/usr/local/apache2/htdocs:ro busybox:1.35 true")
        c = container("tmpfs_flag", ["true"], tmpfs={"/scratch": "size=1m"})
        containers["tmpfs_flag"] = mount_record(c, "docker create --name recordtest-tmpfs-flag --tmpfs "
                                                   "/scratch:size=1m busybox:1.35 true")
        c = container("tmpfs_mount", ["true"], mounts=[Mount("/scratch", None, type="tmpfs")])
        containers["tmpfs_mount"] = mount_record(c, "docker create --name recordtest-tmpfs-mount --mount "
                                                    "type=tmpfs,destination=/scratch busybox:1.35 true")
        c = container("plain", ["true"])
        containers["plain"] = mount_record(c, "docker create --name recordtest-plain busybox:1.35 true")

        container("backup", ["tar", "-cf", "/backup/recordtest-vol.tar", "-C", "/data", "."], start=True,
                  volumes={VOLUME: {"bind": "/data", "mode": "ro"}, str(host / "backup"): {"bind": "/backup"}})
        backup_made_by = (f"docker run --name recordtest-backup -v {VOLUME}:/data:ro -v HOST/backup:/backup "
                          "busybox:1.35 tar -cf /backup/recordtest-vol.tar -C /data .")
        reader = client.containers.create(BUSYBOX, ["true"], volumes={VOLUME: {"bind": "/volume", "mode": "ro"}},
                                          mounts=[Mount("/host", str(host / "backup"), type="bind", read_only=True)])
        made.append(reader.id)
        files = {p: archive(api, reader.id, p) for p in
                 ("/volume/hello.txt", "/volume/nope.txt", "/host/recordtest-vol.tar", "/host/not-a-tar.txt",
                  "/host/nope.tar")}
        try:
            client.containers.create(BUSYBOX, ["true"], mounts=[Mount("/host", str(host / "nope"), type="bind")])
            missing_folder = None
        except de.APIError as exc:
            missing_folder = {"status_code": exc.status_code, "explanation": exc.explanation}
        write("volumes", {
            "_note": "chapter 07: volume inspect, containers' mounts, files read through a throwaway container "
                     "that mounts the volume at /volume and HOST/backup at /host; HOST is a temporary folder",
            "volume": api.inspect_volume(VOLUME),
            "containers": containers,
            "backup": {"_made_by": backup_made_by},
            "archives": files,
            "missing_folder": missing_folder,
        })
    finally:
        for cid in reversed(made):
            try:
                api.remove_container(cid, force=True, v=True)
            except de.NotFound:
                pass
        try:
            api.remove_volume(VOLUME, force=True)
        except de.NotFound:
            pass
        shutil.rmtree(host, ignore_errors=True)


if __name__ == "__main__":
    main()
