"""Re-record ``capstone.json``, the answers the capstone (chapter 11) checks' unit tests replay (needs a real engine,
Compose v2 and the kit's ``redis:7.0``; not a test).

    .venv/bin/python tests/unit/grading/recorded/record_capstone.py

Brings up two small Compose projects from a temporary folder: ``recordtest11`` as the chapter 11 exercise asks (web
built with ``USER app`` and a ``HEALTHCHECK``, redis with ``--appendonly yes``) and ``recordtest11b`` with the typical
mistakes (no ``USER``, the healthcheck only in the compose file, redis without appendonly). Opens each web page three
times, then reads what the capstone checks read: ``docker inspect`` of each service's container, ``docker image
inspect`` of its image, and ``exec`` answers (``id -u``, ``redis-cli CONFIG GET appendonly``, ``redis-cli GET hits``).
Takes both projects down with ``-v`` and removes their built images (never prunes). Keeps only the fields the checks
read plus ids and names.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import docker

HERE = Path(__file__).parent
APP = """\
import os, socket, urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
import sys

def redis(*args):
    msg = f"*{len(args)}\\r\\n" + "".join(f"${len(a)}\\r\\n{a}\\r\\n" for a in args)
    with socket.create_connection(("redis", 6379), timeout=3) as s:
        s.sendall(msg.encode())
        return s.makefile("rb").readline().decode().strip()[1:]

class Page(BaseHTTPRequestHandler):
    def do_GET(self):
        body = (redis("PING") if self.path == "/health" else redis("INCR", "hits") + "번째 방문입니다.").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

if sys.argv[1:] == ["check"]:
    urllib.request.urlopen("http://127.0.0.1:8000/health", timeout=2)
else:
    HTTPServer(("", 8000), Page).serve_forever()
"""
DOCKERFILE = {
    "recordtest11": """FROM python:3.11-slim
RUN useradd --uid 10001 --no-create-home app
WORKDIR /app
COPY app.py .
USER app
HEALTHCHECK --interval=1s --retries=20 CMD ["python3", "app.py", "check"]
CMD ["python3", "app.py"]
""",
    "recordtest11b": """FROM python:3.11-slim
WORKDIR /app
COPY app.py .
CMD ["python3", "app.py"]
""",
}
COMPOSE = """name: {project}
services:
  web:
    build: .
    ports: ["127.0.0.1:{port}:8000"]
    depends_on:
      redis:
        condition: service_healthy
{web_health}
  redis:
    image: redis:7.0
    command: {command}
    volumes: ["data:/data"]
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 1s
      retries: 30
volumes:
  data:
"""
SETUP = {
    "recordtest11": dict(port=38111, web_health="", command='["redis-server", "--appendonly", "yes"]'),
    "recordtest11b": dict(port=38112, command='["redis-server"]',
                          web_health='    healthcheck:\n      test: ["CMD", "python3", "app.py", "check"]\n'
                                     '      interval: 1s\n      retries: 20'),
}
EXECS = {"web": [["id", "-u"]], "redis": [["redis-cli", "CONFIG", "GET", "appendonly"], ["redis-cli", "GET", "hits"]]}


def compose(folder: Path, *args: str) -> None:
    from helpers.compose import find_program

    subprocess.run([*find_program().argv, *args], cwd=folder, check=True, capture_output=True, timeout=300)


def container_record(c) -> dict:
    a = c.attrs
    return {"Id": a["Id"], "Name": a["Name"], "Image": a["Image"],
            "Config": {k: a["Config"].get(k) for k in ("Image", "User", "Labels", "Healthcheck", "Cmd")},
            "State": {k: a["State"].get(k) for k in ("Status", "Running", "Health")}}


def main() -> None:
    client = docker.from_env()
    out: dict = {"_made_by": "record_capstone.py", "engine": client.version()["Version"], "projects": {}}
    with tempfile.TemporaryDirectory(prefix="recordtest11-") as tmp:
        folders = {}
        try:
            for project, setup in SETUP.items():
                folder = folders[project] = Path(tmp) / project
                folder.mkdir()
                (folder / "app.py").write_text(APP, encoding="utf-8")
                (folder / "Dockerfile").write_text(DOCKERFILE[project], encoding="utf-8")
                (folder / "compose.yaml").write_text(COMPOSE.format(project=project, **setup), encoding="utf-8")
                compose(folder, "up", "-d", "--wait")
                for _ in range(3):
                    urllib.request.urlopen(f"http://127.0.0.1:{setup['port']}/", timeout=10).read()
                time.sleep(1)
                services = {}
                for service, commands in EXECS.items():
                    c = client.containers.list(filters={"label": [f"com.docker.compose.project={project}",
                                                                  f"com.docker.compose.service={service}"]})[0]
                    image = client.api.inspect_image(c.attrs["Image"])
                    services[service] = {
                        "container": container_record(c),
                        "image": {"Id": image["Id"], "RepoTags": image["RepoTags"],
                                  "Config": {k: image["Config"].get(k) for k in ("User", "Healthcheck")}},
                        "exec": {" ".join(cmd): {"exit_code": r.exit_code, "output": r.output.decode()}
                                 for cmd in commands for r in [c.exec_run(cmd)]},
                    }
                out["projects"][project] = services
        finally:
            for folder in folders.values():
                compose(folder, "down", "-v", "-t", "0", "--rmi", "local")
    (HERE / "capstone.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
