"""Re-record the inspect JSON the grading unit tests replay (needs a real engine; not a test).

    .venv/bin/python tests/unit/grading/recorded/record.py

Creates containers and image names called ``recordtest-*`` (and, for the registry record, a
``recordtest-registry`` container on a random loopback port), reads what the checks read, writes
the JSON files next to this script, and removes everything it made by name/id (never prunes).
Each record keeps only the fields the checks read plus ids and names; ``_made_by`` says how the
object was made, in docker CLI words.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.request
from pathlib import Path

import docker
import docker.errors as de

HERE = Path(__file__).parent
BUSYBOX = "busybox:1.35"
HTTPD = "httpd:2.4"
PREFIX = "recordtest-"


def pick(d: dict | None, *keys: str) -> dict:
    return {k: d[k] for k in keys if d and k in d}


def container_record(c, made_by: str) -> dict:
    c.reload()
    a = c.attrs
    return {
        "_made_by": made_by,
        **pick(a, "Id", "Name", "Created", "Image"),
        "State": pick(a["State"], "Status", "Running", "Paused", "Restarting", "ExitCode", "StartedAt", "FinishedAt"),
        "Config": pick(a["Config"], "Image", "Entrypoint", "Cmd", "ExposedPorts"),
        "HostConfig": pick(a["HostConfig"], "PublishAllPorts", "PortBindings", "AutoRemove"),
        "NetworkSettings": pick(a["NetworkSettings"], "Ports"),
    }


def list_record(api, cid: str) -> dict:
    (row,) = api.containers(all=True, filters={"id": cid})
    return pick(row, "Id", "Names", "Image", "ImageID", "State", "Status")


def image_record(client, ref: str, made_by: str) -> dict:
    a = client.images.get(ref).attrs
    return {"_made_by": made_by, **pick(a, "Id", "RepoTags", "Created"),
            "Config": pick(a["Config"], "Cmd", "Entrypoint")}


def archive(api, cid: str, path: str) -> dict:
    try:
        stream, stat = api.get_archive(cid, path)
    except de.APIError as exc:
        return {"error": type(exc).__name__, "status_code": exc.status_code, "explanation": exc.explanation}
    return {"stat": stat, "tar_base64": base64.b64encode(b"".join(stream)).decode()}


def engine_now(client) -> str:
    return client.info()["SystemTime"]


def stamp(text: str) -> str:
    """An engine timestamp as the events API's 'seconds.nanoseconds'."""
    import datetime as dt

    base, _, frac = text.rstrip("Z").partition(".")
    seconds = int(dt.datetime.fromisoformat(base).replace(tzinfo=dt.timezone.utc).timestamp())
    return f"{seconds}.{(frac or '0').ljust(9, '0')[:9]}"


def record_events(client, work, registry: str, made_containers: list, made_refs: list) -> tuple[dict, dict]:
    """The engine's event log (``docker events``) around the two things only it can tell: a ``--rm``
    container that is gone, and an image pulled again after it was deleted (vs. a pull that found it here).
    Returns the record and the inspect record of the re-pulled image."""
    api = client.api
    remote = f"{registry}/recordtest/pull"
    marks = {"start": engine_now(client)}
    client.containers.run(BUSYBOX, ["true"], name=PREFIX + "rm", remove=True)
    marks["rm_gone"] = engine_now(client)
    work.commit(f"{PREFIX}pull", "1.0", changes=['CMD ["cat", "/etc/motd"]'])
    made_refs.append(f"{PREFIX}pull:1.0")
    client.images.get(f"{PREFIX}pull:1.0").tag(remote, "1.0")
    made_refs.append(f"{remote}:1.0")
    for line in api.push(remote, "1.0", stream=True, decode=True):
        if "error" in line:
            raise RuntimeError(line)
    marks["pushed"] = engine_now(client)
    api.pull(remote, "1.0")  # still here: logged as a pull, downloads nothing
    marks["pulled_while_here"] = engine_now(client)
    api.remove_image(f"{PREFIX}pull:1.0")
    api.remove_image(f"{remote}:1.0")  # the last name: the image is deleted
    marks["deleted"] = engine_now(client)
    api.pull(remote, "1.0")
    marks["pulled_again"] = engine_now(client)
    pulled = image_record(client, f"{remote}:1.0", f"docker push {remote}:1.0; docker pull (still here); "
                                                   "docker rmi of both names (Deleted); docker pull again")
    found = client.events(since=stamp(marks["start"]), until=stamp(marks["pulled_again"]), decode=True)
    keys = ("Type", "Action", "id", "time", "timeNano")
    events = [{**pick(e, *keys), "Actor": {"ID": e["Actor"]["ID"], "Attributes": pick(e["Actor"]["Attributes"], "name")}}
              for e in found if e.get("Type") in ("container", "image")
              and (PREFIX in json.dumps(e) or "recordtest/" in json.dumps(e) or e.get("id") == pulled["Id"])]  # not others' work
    record = {"_made_by": f"docker run --rm --name recordtest-rm busybox:1.35 true; docker commit recordtest-work "
                          f"recordtest-pull:1.0; docker tag/push {remote}:1.0; docker pull (still here); docker rmi "
                          f"recordtest-pull:1.0 {remote}:1.0; docker pull {remote}:1.0",
              "ref": f"{remote}:1.0", "image_id": pulled["Id"], "marks": marks, "events": events}
    return record, pulled


def write(name: str, data) -> None:
    (HERE / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def main() -> None:
    client = docker.from_env()
    api = client.api
    made_containers: list[str] = []
    made_refs: list[str] = []

    def run(name: str, image: str = BUSYBOX, command=("sleep", "3600"), **kw):
        c = client.containers.run(image, list(command) if command else None, name=PREFIX + name, detach=True, **kw)
        made_containers.append(c.id)
        return c

    def create(name: str, image: str = BUSYBOX, command=("sleep", "3600"), **kw):
        c = client.containers.create(image, list(command) if command else None, name=PREFIX + name, **kw)
        made_containers.append(c.id)
        return c

    try:
        version = client.version()
        containers: dict[str, dict] = {}
        rows: dict[str, dict] = {}

        def keep(key: str, c, made_by: str) -> None:
            containers[key] = container_record(c, made_by)
            rows[key] = list_record(api, c.id)

        c = run("running")
        keep("running", c, "docker run -d --name recordtest-running busybox:1.35 sleep 3600")
        hostname = c.exec_run(["hostname"]).output.decode()

        c = run("exited0", command=("sh", "-c", "echo Hello from recordtest; echo second line"))
        c.wait(timeout=30)
        keep("exited0", c, "docker run --name recordtest-exited0 busybox:1.35 sh -c 'echo Hello from recordtest; "
                           "echo second line'")
        logs = c.logs(stdout=True, stderr=True).decode()

        c = run("killed")
        c.stop(timeout=0)
        keep("killed", c, "docker run -d --name recordtest-killed busybox:1.35 sleep 3600; docker stop -t 0 (SIGKILL)")

        c = create("created", ports={"80/tcp": 38089})
        keep("created", c, "docker create --name recordtest-created -p 38089:80 busybox:1.35 sleep 3600")

        c = run("paused")
        c.pause()
        keep("paused", c, "docker run -d --name recordtest-paused busybox:1.35 sleep 3600; docker pause")

        c = run("restarted")
        time.sleep(1.1)
        c.stop(timeout=0)
        time.sleep(1.1)
        c.start()
        keep("restarted", c, "docker run -d --name recordtest-restarted busybox:1.35 sleep 3600; "
                             "docker stop -t 0; docker start")

        c = run("web-fixed", HTTPD, None, ports={"80/tcp": 38080})
        keep("web_fixed", c, "docker run -d --name recordtest-web-fixed -p 38080:80 httpd:2.4")
        c = run("web-all", HTTPD, None, publish_all_ports=True)
        keep("web_all", c, "docker run -d --name recordtest-web-all -P httpd:2.4")
        c = run("web-random", HTTPD, None, ports={"80/tcp": None})
        keep("web_random", c, "docker run -d --name recordtest-web-random -p 80 httpd:2.4")
        c = run("web-local", HTTPD, None, ports={"80/tcp": ("127.0.0.1", 38081)})
        keep("web_local", c, "docker run -d --name recordtest-web-local -p 127.0.0.1:38081:80 httpd:2.4")
        c = run("web-other", HTTPD, None, ports={"8080/tcp": 38082, "53/udp": 38053})
        keep("web_other", c, "docker run -d --name recordtest-web-other -p 38082:8080 -p 38053:53/udp httpd:2.4")
        c = run("web-stopped", HTTPD, None, ports={"80/tcp": 38083})
        c.stop(timeout=0)
        keep("web_stopped", c, "docker run -d --name recordtest-web-stopped -p 38083:80 httpd:2.4; docker stop -t 0")

        # A container that writes a file, committed three ways; its files are read with get_archive.
        work = run("work", command=("sh", "-c", "echo 도커를 익히다 > /etc/motd && ln -s /etc/motd /etc/motd-abs && "
                                                 "ln -s motd /etc/motd-rel && ln -s /tmp/loop /tmp/loop && "
                                                 ": > /etc/empty && mkdir /tmp/emptydir && sleep 3600"))
        time.sleep(1.5)
        keep("work", work, "docker run -d --name recordtest-work busybox:1.35 sh -c 'echo 도커를 익히다 > /etc/motd "
                           "&& ln -s /etc/motd /etc/motd-abs && ln -s motd /etc/motd-rel && ln -s /tmp/loop /tmp/loop "
                           "&& : > /etc/empty && mkdir /tmp/emptydir && sleep 3600'")
        files = {p: archive(api, work.id, p) for p in
                 ("/etc/motd", "/etc/motd-abs", "/etc/motd-rel", "/tmp/loop", "/etc/empty", "/tmp/emptydir", "/nope")}
        commits = {
            "motd_exec": ("1.0", ['CMD ["cat", "/etc/motd"]'], "docker commit --change 'CMD [\"cat\", \"/etc/motd\"]'"),
            "motd_shell": ("shell", ["CMD cat /etc/motd"], "docker commit --change 'CMD cat /etc/motd'"),
            "motd_quoted": ("quoted", ['CMD echo "hello world"'], "docker commit --change 'CMD echo \"hello world\"'"),
            "motd_plain": ("plain", [], "docker commit (no change: Cmd is the committed container's command)"),
        }
        images: dict[str, dict] = {}
        for key, (tag, changes, how) in commits.items():
            work.commit(f"{PREFIX}motd", tag, changes=changes)
            made_refs.append(f"{PREFIX}motd:{tag}")
            images[key] = image_record(client, f"{PREFIX}motd:{tag}", f"{how} recordtest-work recordtest-motd:{tag}")
        user = create("motd-user", f"{PREFIX}motd:1.0", ("true",))
        keep("motd_user", user, "docker create --name recordtest-motd-user recordtest-motd:1.0 true")
        c = create("motd-default", f"{PREFIX}motd:1.0", None)
        keep("motd_default", c, "docker create --name recordtest-motd-default recordtest-motd:1.0 (its default command)")

        image_id = client.images.get(BUSYBOX).id
        c = create("by-id", image_id[7:19], ("true",))
        keep("by_id", c, f"docker create --name recordtest-by-id {image_id[7:19]} true (busybox:1.35 by IMAGE ID)")
        c = create("by-docker-io", f"docker.io/library/{BUSYBOX}", ("true",))
        keep("by_docker_io", c, "docker create --name recordtest-by-docker-io docker.io/library/busybox:1.35 true")

        for tag in ("1", "2"):
            client.images.get(BUSYBOX).tag(f"{PREFIX}multi", tag)
            made_refs.append(f"{PREFIX}multi:{tag}")
        images["multi"] = image_record(client, BUSYBOX, "docker tag busybox:1.35 recordtest-multi:1 (and :2)")
        images["httpd"] = image_record(client, HTTPD, "the course kit's httpd:2.4")
        image_rows = {repo: [pick(r, "Id", "RepoTags", "Created") for r in api.images(name=repo)]
                      for repo in (f"{PREFIX}multi", f"{PREFIX}motd", "busybox")}

        # The course registry's answers for a pushed image (tags list and manifest config digest).
        reg = run("registry", "registry:2.8", None, ports={"5000/tcp": ("127.0.0.1", None)})
        reg.reload()
        port = int(reg.attrs["NetworkSettings"]["Ports"]["5000/tcp"][0]["HostPort"])
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        remote = f"127.0.0.1:{port}/recordtest/motd"
        client.images.get(f"{PREFIX}motd:1.0").tag(remote, "1.0")
        made_refs.append(f"{remote}:1.0")
        for line in api.push(remote, "1.0", stream=True, decode=True):
            if "error" in line:
                raise RuntimeError(line)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/recordtest/motd/tags/list") as resp:
            tags_list = json.loads(resp.read())
        req = urllib.request.Request(f"http://127.0.0.1:{port}/v2/recordtest/motd/manifests/1.0",
                                     headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"})
        with urllib.request.urlopen(req) as resp:
            manifest = json.loads(resp.read())

        events, pulled = record_events(client, work, f"127.0.0.1:{port}", made_containers, made_refs)
        images["pulled"] = pulled

        write("engine", {"_note": "docker version / docker info as recorded; SystemTime is the engine clock",
                         "version": pick(version, "Version", "ApiVersion", "Os", "Arch"),
                         "info": pick(client.info(), "SystemTime", "ServerVersion")})
        write("containers", containers)
        write("containers_list", rows)
        write("images", images)
        write("images_list", image_rows)
        write("outputs", {"logs": {"exited0": logs}, "exec": {"running": {"hostname": hostname}}})
        write("files", {"_from": "api.get_archive on recordtest-work (the recordtest-motd:* images are its commits)",
                        "archives": files})
        write("registry", {"_pushed": "recordtest-motd:1.0 as 127.0.0.1:PORT/recordtest/motd:1.0 to registry:2.8",
                           "local_image_id": images["motd_exec"]["Id"], "tags_list": tags_list,
                           "manifest": pick(manifest, "schemaVersion", "mediaType", "config")})
        write("events", events)
    finally:
        for cid in reversed(made_containers):
            try:
                api.remove_container(cid, force=True, v=True)
            except de.NotFound:
                pass
        for ref in reversed(made_refs):
            try:
                api.remove_image(ref)
            except de.NotFound:
                pass


if __name__ == "__main__":
    main()
