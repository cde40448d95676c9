"""Re-record ``compose.json``, the Compose answers the grading unit tests replay (needs a real engine and Compose v2;
not a test).

    .venv/bin/python tests/unit/grading/recorded/record_compose.py

Writes two small Compose projects into a temporary folder and brings them up with the course's Compose program:
``recordtest9`` as the chapter 09 exercise asks (web built from a Dockerfile, ``127.0.0.1`` port, ``.env``, named
volume, network, healthcheck; worker waiting for ``service_healthy``, scaled to 2) and ``recordtest9b`` with the
typical mistakes (port on every address, ``depends_on: [web]``, no healthcheck, no volume). Reads what the compose
checks read — ``docker inspect`` of every container, the list rows, ``docker image inspect`` of the built images,
``docker volume inspect``, the networks' list rows, ``/data/count`` from the web container — then takes
``recordtest9`` down with ``-v`` and records those ``docker events``. Removes everything it made by Compose's label
(never prunes). Each record keeps only the fields the checks read plus ids and names.
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import docker

HERE = Path(__file__).parent
APP = """\
import os, signal, socket, sys, urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

def visit():
    os.makedirs("/data", exist_ok=True)
    try:
        n = int(open("/data/count").read() or 0)
    except (OSError, ValueError):
        n = 0
    open("/data/count", "w").write(str(n + 1))
    return n + 1

class Page(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"ok" if self.path == "/health" else f"hi! {visit()} ({socket.gethostname()})".encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
if sys.argv[1:] == ["check"]:
    urllib.request.urlopen("http://127.0.0.1:8000/health", timeout=2)
elif sys.argv[1:] == ["worker"]:
    signal.pause()
else:
    HTTPServer(("", 8000), Page).serve_forever()
"""
DOCKERFILE = 'FROM python:3.11-slim\nWORKDIR /app\nCOPY app.py .\nCMD ["python3", "app.py"]\n'
GOOD = """\
name: recordtest9
services:
  web:
    build: ./web
    ports: ["127.0.0.1:38089:8000"]
    environment:
      GREETING: ${GREETING}
    volumes: ["data:/data"]
    healthcheck:
      test: ["CMD", "python3", "app.py", "check"]
      interval: 1s
    networks: [back]
  worker:
    build: ./web
    command: ["python3", "app.py", "worker"]
    depends_on:
      web:
        condition: service_healthy
    networks: [back]
volumes:
  data:
networks:
  back:
"""
MISTAKES = """\
name: recordtest9b
services:
  web:
    build: ./web
    ports: ["38090:8000"]
    environment:
      GREETING: hello
  worker:
    image: python:3.11-slim
    command: ["python3", "-c", "import signal; signal.pause()"]
    depends_on: [web]
"""


def pick(d: dict | None, *keys: str) -> dict:
    return {k: d[k] for k in keys if d and k in d}


def container_record(api, cid: str) -> dict:
    a = api.inspect_container(cid)
    health = a["State"].get("Health")
    return {
        **pick(a, "Id", "Name", "Created", "Image"),
        "State": {**pick(a["State"], "Status", "Running", "ExitCode", "StartedAt", "FinishedAt"),
                  **({"Health": {"Status": health["Status"], "Log": health.get("Log", [])[-1:]}} if health else {})},
        "Config": pick(a["Config"], "Image", "Cmd", "Env", "Labels", "Healthcheck", "Hostname"),
        "HostConfig": pick(a["HostConfig"], "NetworkMode", "PortBindings"),
        "NetworkSettings": {"Ports": a["NetworkSettings"].get("Ports"),
                            "Networks": {n: {} for n in a["NetworkSettings"].get("Networks") or {}}},
        "Mounts": [pick(m, "Type", "Name", "Source", "Destination", "RW") for m in a.get("Mounts") or []],
    }


def compose(program: list[str], folder: Path, *args: str) -> None:
    subprocess.run([*program, *args], cwd=folder, check=True, capture_output=True, timeout=300)


def main() -> None:
    from helpers.compose import find_program

    program = list(find_program().argv)
    client = docker.from_env()
    api = client.api
    out: dict = {"projects": {}, "events": {}}
    with tempfile.TemporaryDirectory() as tmp:
        folders = {}
        for name, text in (("recordtest9", GOOD), ("recordtest9b", MISTAKES)):
            folder = Path(tmp) / name
            (folder / "web").mkdir(parents=True)
            (folder / "web" / "app.py").write_text(APP)
            (folder / "web" / "Dockerfile").write_text(DOCKERFILE)
            (folder / "compose.yaml").write_text(text)
            (folder / ".env").write_text("GREETING=반가워요\n")
            folders[name] = folder
        try:
            compose(program, folders["recordtest9"], "up", "-d", "--scale", "worker=2")
            compose(program, folders["recordtest9b"], "up", "-d")
            for _ in range(3):
                urllib.request.urlopen("http://127.0.0.1:38089/", timeout=5).read()
            time.sleep(1.5)
            for project in ("recordtest9", "recordtest9b"):
                f = {"label": f"com.docker.compose.project={project}"}
                rows = api.containers(all=True, filters=f)
                images = {c["ImageID"] for c in rows}
                out["projects"][project] = {
                    "containers": [container_record(api, c["Id"]) for c in rows],
                    "rows": [pick(c, "Id", "Names", "Image", "ImageID", "State", "Status", "Labels") for c in rows],
                    "images": [pick(api.inspect_image(i), "Id", "RepoTags", "Created") | {
                        "Config": pick(api.inspect_image(i)["Config"], "Labels")} for i in sorted(images)],
                    "volumes": [pick(api.inspect_volume(v["Name"]), "Name", "CreatedAt", "Labels", "Mountpoint")
                                for v in api.volumes(filters=f).get("Volumes") or []],
                    "networks": [pick(n, "Name", "Id", "Created", "Driver", "Labels") for n in api.networks(filters=f)],
                }
            web = next(c for c in api.containers(filters={"label": ["com.docker.compose.project=recordtest9",
                                                                       "com.docker.compose.service=web"]}))
            stream, stat = api.get_archive(web["Id"], "/data/count")
            out["archives"] = {web["Id"]: {"/data/count": {"tar_base64": base64.b64encode(b"".join(stream)).decode(),
                                                           "stat": stat}}}
            since = client.info()["SystemTime"]
            compose(program, folders["recordtest9"], "down", "-v", "-t", "1")
            until = client.info()["SystemTime"]
            events = client.events(since=_stamp(since), until=_stamp(until), decode=True,
                                   filters={"type": ["volume", "container", "network"]})
            out["events"] = {"down_v": {"since": since, "until": until,
                                        "log": [e for e in events if e.get("Actor", {}).get("Attributes", {})
                                                .get("com.docker.compose.project", e.get("Actor", {}).get("ID", ""))
                                                .startswith("recordtest9")]}}
            out["engine"] = {"SystemTime": until}
        finally:
            for project in ("recordtest9", "recordtest9b"):
                compose(program, folders[project], "down", "-v", "-t", "0", "--rmi", "local")
    (HERE / "compose.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    print("compose.json:", ", ".join(f"{p}: {len(v['containers'])} containers" for p, v in out["projects"].items()))


def _stamp(text: str) -> str:
    import datetime as dt

    base, _, frac = text.rstrip("Z").partition(".")
    seconds = int(dt.datetime.fromisoformat(base).replace(tzinfo=dt.timezone.utc).timestamp())
    return f"{seconds}.{(frac or '0').ljust(9, '0')[:9]}"


if __name__ == "__main__":
    main()
