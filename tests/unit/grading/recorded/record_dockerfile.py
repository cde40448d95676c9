"""Re-record ``dockerfile.json``, what the chapter 06 checks (``checks/dockerfile.py``) read (needs a real engine).

    .venv/bin/python tests/unit/grading/recorded/record_dockerfile.py

Builds ``recordtest-df/*`` images from small Dockerfiles on the kit's ``python:3.11-slim`` and ``busybox:1.35``
(the settings a Dockerfile leaves in ``Config``, the layers in ``RootFS``, the size), runs containers from them,
reads what the checks read (``id -u`` inside, ``/etc/passwd``), writes the JSON next to this script and removes
everything it made by id (never prunes). ``_made_by`` says how each object was made.
"""

from __future__ import annotations

import io
import json
import tarfile
import time
from pathlib import Path

import docker
from record import archive, list_record, pick

HERE = Path(__file__).parent
PREFIX = "recordtest-df"
APP = 'import time\ntime.sleep(600)\n'  # a main process that keeps running

DOCKERFILES = {
    "app": """FROM python:3.11-slim
RUN useradd --uid 10001 app
WORKDIR /app
ENV GREETING="도커를 익히다"
COPY app.py ./
USER app
EXPOSE 8000
CMD ["python3", "app.py"]
""",
    "bare": """FROM python:3.11-slim
COPY app.py /
CMD ["python3", "/app.py"]
""",
    "root_named": """FROM python:3.11-slim
WORKDIR /app/
ENV GREETING=안녕하세요 OTHER=1
USER root
EXPOSE 8000/udp 9000
""",
    "uid_only": """FROM python:3.11-slim
USER 10001:10001
""",
    "ghost": """FROM python:3.11-slim
USER ghost
""",
    "site": """FROM python:3.11-slim AS build
RUN mkdir /www && echo hi > /www/index.html
FROM busybox:1.35
COPY --from=build /www /www
USER nobody
CMD ["httpd", "-f", "-p", "8000", "-h", "/www"]
""",
}


def context(dockerfile: str) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, text in (("Dockerfile", dockerfile), ("app.py", APP)):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


def image_record(client, ref: str, made_by: str) -> dict:
    a = client.images.get(ref).attrs
    return {"_made_by": made_by, **pick(a, "Id", "RepoTags", "Created", "Size"),
            "Config": pick(a["Config"], "Cmd", "Entrypoint", "Env", "ExposedPorts", "User", "WorkingDir"),
            "RootFS": pick(a["RootFS"], "Type", "Layers")}


def container_record(c, made_by: str) -> dict:
    c.reload()
    a = c.attrs
    return {
        "_made_by": made_by,
        **pick(a, "Id", "Name", "Created", "Image"),
        "State": pick(a["State"], "Status", "Running", "Paused", "Restarting", "ExitCode", "StartedAt", "FinishedAt"),
        "Config": pick(a["Config"], "Image", "Entrypoint", "Cmd", "User", "ExposedPorts"),
        "HostConfig": pick(a["HostConfig"], "PublishAllPorts", "PortBindings", "AutoRemove"),
        "NetworkSettings": pick(a["NetworkSettings"], "Ports"),
    }


def exec_id_u(api, cid: str) -> dict:
    exec_id = api.exec_create(cid, ["id", "-u"])["Id"]
    out, err = api.exec_start(exec_id, demux=True)
    return {"stdout": (out or b"").decode(), "exit_code": api.exec_inspect(exec_id)["ExitCode"]}


def main() -> None:
    client = docker.from_env()
    api = client.api
    kit_ids = {client.images.get(ref).id for ref in ("python:3.11-slim", "busybox:1.35")}
    made_images, made_containers, seen = [], [], []  # seen: every image a build step printed (` ---> <id>`)
    out: dict = {"_from": f"Docker Engine {client.version()['Version']}", "images": {}, "containers": {},
                 "containers_list": {}, "exec": {}, "archives": {}}
    try:
        for ref, key in (("python:3.11-slim", "python"), ("busybox:1.35", "busybox")):
            out["images"][key] = image_record(client, ref, f"the course kit's {ref}")
        for key, dockerfile in DOCKERFILES.items():
            tag = f"{PREFIX}/{key}:1"
            for event in api.build(fileobj=context(dockerfile), custom_context=True, tag=tag, rm=True, forcerm=True,
                                   decode=True):
                line = (event.get("stream") or "").strip()
                if line.startswith("---> ") and len(line) == 17:
                    seen.append(line[5:])
            made_images.append(client.images.get(tag).id)
            out["images"][key] = image_record(client, tag, "docker build -t " + tag + " <<'EOF'\n" + dockerfile + "EOF")
            probe = api.create_container(tag, ["true"])["Id"]
            out["archives"][out["images"][key]["Id"]] = {"/etc/passwd": archive(api, probe, "/etc/passwd")}
            api.remove_container(probe, force=True)
        runs = {
            "web_app": (f"{PREFIX}/app:1", {}, "docker run -d --name recordtest-df-web_app -p 38086:8000 recordtest-df/app:1"),
            "web_root": (f"{PREFIX}/bare:1", {}, "docker run -d --name recordtest-df-web_root recordtest-df/bare:1 sleep 600"),
            "web_user_root": (f"{PREFIX}/app:1", {"user": "root"},
                              "docker run -d -u root --name recordtest-df-web_user_root recordtest-df/app:1 sleep 600"),
            "site_web": (f"{PREFIX}/site:1", {}, "docker run -d --name recordtest-df-site_web recordtest-df/site:1"),
            "stopped": (f"{PREFIX}/app:1", {}, "docker run --name recordtest-df-stopped recordtest-df/app:1 true"),
        }
        for key, (image, extra, made_by) in runs.items():
            command = None if key in ("web_app", "site_web") else (["true"] if key == "stopped" else ["sleep", "600"])
            ports = {"8000/tcp": ("127.0.0.1", 38086)} if key == "web_app" else None
            c = client.containers.run(image, command, name=f"{PREFIX}-{key}", detach=True, ports=ports, **extra)
            made_containers.append(c.id)
            if key == "stopped":
                c.wait(timeout=30)
            else:
                time.sleep(0.5)
                out["exec"][key] = exec_id_u(api, c.id)
                out["archives"][c.id] = {"/etc/passwd": archive(api, c.id, "/etc/passwd")}
            out["containers"][key] = container_record(c, made_by)
            out["containers_list"][key] = list_record(api, c.id)
    finally:
        for cid in made_containers:
            api.remove_container(cid, force=True, v=True)
        for image_id in reversed(made_images):
            api.remove_image(image_id, force=True)
        for short in seen:  # what is left of a build: the multi-stage build's first stage (untagged)
            try:
                found = api.inspect_image(short)
            except docker.errors.NotFound:
                continue
            if found["Id"] not in kit_ids and not found.get("RepoTags"):
                try:
                    api.remove_image(found["Id"])
                except docker.errors.APIError as exc:  # still the parent of something: not ours to force
                    print("left", short, exc.explanation)
    (HERE / "dockerfile.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("wrote", HERE / "dockerfile.json")


if __name__ == "__main__":
    main()
