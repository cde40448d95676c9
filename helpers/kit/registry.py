"""The course's own image registry: loopback only, no login, data in the course folder.

``start()`` runs the kit's ``registry:2.8`` image published on ``127.0.0.1:PORT`` (5050 unless
``LEARN_DOCKER_REGISTRY_PORT`` says otherwise); loopback registries need no daemon.json change.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request

from .. import errors
from .._state import course_home, labels
from ..command import echo
from ..connection import client, friendly
from ..display import Progress, quiet, say

IMAGE = "registry:2.8"
NAME = "learn-docker-ko-registry"


DEFAULT_PORT = 5050


def _port_file():
    return course_home() / "registry.port"


def port() -> int:
    """``LEARN_DOCKER_REGISTRY_PORT``, else the port ``start`` chose when 5050 was taken, else 5050."""
    if os.environ.get("LEARN_DOCKER_REGISTRY_PORT"):
        return int(os.environ["LEARN_DOCKER_REGISTRY_PORT"])
    try:
        return int(_port_file().read_text().strip())
    except (OSError, ValueError):
        return DEFAULT_PORT


def _taken(number: int) -> bool:
    """Is ``127.0.0.1:number`` held by something (another engine's registry, another program)?"""
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", number))
        except OSError:
            return True
    return False


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def address() -> str:
    """``127.0.0.1:PORT`` — prefix image names with it to push to the course registry."""
    return f"127.0.0.1:{port()}"


def data_dir():
    return course_home() / "registry"


def _get(path: str, timeout: float = 3):
    with urllib.request.urlopen(f"http://{address()}{path}", timeout=timeout) as resp:
        return resp.status, json.loads(resp.read() or b"{}")


def running() -> bool:
    """Does the course registry answer on its loopback port?"""
    try:
        return _get("/v2/", timeout=1)[0] == 200
    except (OSError, ValueError):
        return False


@friendly()
def start(chapter: str | None = None):
    """Start the course registry (a no-op when it already answers). Introduced in chapter 04."""
    import docker.errors as de

    from ..engine import start_or_remove
    from .builders import ensure, missing

    try:
        existing = client().containers.get(NAME)
        if existing.status == "running" and running():
            say(f"(과정 레지스트리가 이미 {address()}에서 동작 중입니다)")
            return existing
        existing.remove(force=True, v=True)
    except de.NotFound:
        pass
    if IMAGE in missing([IMAGE]):
        ensure([IMAGE])
    if not os.environ.get("LEARN_DOCKER_REGISTRY_PORT") and _taken(port()):
        before = port()
        chosen = _free_port()
        _port_file().parent.mkdir(parents=True, exist_ok=True)
        _port_file().write_text(str(chosen))
        say(f"(포트 {before}을(를) 다른 프로그램이 쓰고 있어 과정 레지스트리는 빈 포트 {chosen}을(를) 씁니다. "
            f"주소는 h.registry.address()로 확인하세요: {address()})")
    data = data_dir()
    data.mkdir(parents=True, exist_ok=True)
    echo("run", "-d", "--name", NAME, "-p", f"{address()}:5000", "-v", f"{data}:/var/lib/registry", IMAGE)
    ports = {"5000/tcp": ("127.0.0.1", port())}
    c = client().containers.create(IMAGE, name=NAME, ports=ports, labels=labels(chapter),
                                   volumes={str(data): {"bind": "/var/lib/registry", "mode": "rw"}})
    try:
        start_or_remove(c, ports)
    except errors.PortInUse as exc:
        exc.hint = "다른 프로그램이 그 포트를 쓰고 있습니다. LEARN_DOCKER_REGISTRY_PORT=5051처럼 다른 포트를 정하세요."
        raise
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if running():
            say(f"과정 레지스트리가 http://{address()} 에서 준비되었습니다 (데이터: {data})")
            return c
        time.sleep(0.1)
    logs = c.logs().decode("utf-8", "replace")[-300:]
    c.remove(force=True, v=True)
    raise errors.RegistryUnavailable("과정 레지스트리가 시작되지 않았습니다.", cause=logs)


@friendly()
def stop() -> None:
    """Stop and remove the registry container (its data folder stays)."""
    import docker.errors as de

    try:
        c = client().containers.get(NAME)
    except de.NotFound:
        return
    echo("rm", "-f", NAME)
    c.remove(force=True, v=True)


def _require() -> None:
    if not running():
        raise errors.RegistryUnavailable(
            f"과정 레지스트리({address()})가 응답하지 않습니다.", hint="`h.registry.start()`로 먼저 띄우세요."
        )


def catalog() -> list[str]:
    """Repositories stored in the course registry (``GET /v2/_catalog``, shown as the ``curl`` it is)."""
    _require()
    say(f"$ curl http://{address()}/v2/_catalog")
    return _get("/v2/_catalog?n=1000")[1].get("repositories") or []


def tags(repository: str) -> list[str]:
    """Tags of one repository in the course registry (``GET /v2/<repo>/tags/list``)."""
    _require()
    say(f"$ curl http://{address()}/v2/{repository}/tags/list")
    try:
        return _get(f"/v2/{repository}/tags/list")[1].get("tags") or []
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return []
        raise


def search(term: str) -> list[str]:
    """Repositories in the course registry whose name contains ``term``."""
    return [r for r in catalog() if term.lower() in r.lower()]


@friendly()
def seed(images: tuple[str, ...] = ("busybox:1.35", "httpd:2.4", "debian:bookworm", "python:3.11-slim")) -> list[str]:
    """Copy kit images into the course registry as ``library/<name>`` (quietly), so the
    Docker Hub lessons can search and pull from it. Returns the references pushed."""
    _require()
    pushed = []
    for ref in images:
        repo, tag = ref.rsplit(":", 1)
        target = f"{address()}/library/{repo}"
        if tag in tags(f"library/{repo}"):
            pushed.append(f"{target}:{tag}")
            continue
        img = client().images.get(ref)
        img.tag(target, tag)
        try:
            push_quietly(target, tag)
        finally:
            client().images.remove(f"{target}:{tag}")
        pushed.append(f"{target}:{tag}")
    say(f"과정 레지스트리에 이미지 {len(pushed)}개가 있습니다: {', '.join(p.split('/', 1)[1] for p in pushed)}")
    return pushed


MANIFEST_TYPES = (
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
)


def manifest(repository: str, tag: str) -> dict | None:
    """What the course registry holds for ``repository:tag``: the manifest's own ``digest``, its ``config``
    digest (single-platform), and the ``manifests`` an index lists. ``None`` when absent."""
    req = urllib.request.Request(f"http://{address()}/v2/{repository}/manifests/{tag}",
                                 headers={"Accept": ", ".join(MANIFEST_TYPES)})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            body = json.loads(resp.read())
            digest = resp.headers.get("Docker-Content-Digest")
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return {"digest": digest, "config": (body.get("config") or {}).get("digest"),
            "manifests": [m.get("digest") for m in body.get("manifests") or []]}


def same_image(local: dict, remote: dict | None) -> bool:
    """Is the local image (its inspect record) what the registry holds (:func:`manifest`)?

    Classic image store: the local image ID is the config digest. containerd image store (Docker Desktop,
    Engine 29): the local image ID is the manifest (or index) digest, also listed in ``RepoDigests``.
    """
    if not remote:
        return False
    known = {remote.get("digest"), remote.get("config"), *(remote.get("manifests") or [])} - {None}
    if local.get("Id") in known:
        return True
    return any(ref.split("@", 1)[1] in known for ref in local.get("RepoDigests") or [] if "@" in ref)


def manifest_config(repository: str, tag: str) -> str | None:
    """The config digest the course registry holds for ``repository:tag`` (``None`` when absent).

    On the classic image store this equals the local image ID of the image that was pushed.
    """
    req = urllib.request.Request(
        f"http://{address()}/v2/{repository}/manifests/{tag}",
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read()).get("config", {}).get("digest")
    except (urllib.error.URLError, OSError, ValueError):
        return None


def push_quietly(repository: str, tag: str) -> None:
    """Push ``repository:tag`` printing nothing (exercise setup, seeding); in-band errors raise."""
    with quiet():
        Progress(f"{repository}:{tag}").feed(client().api.push(repository, tag=tag, stream=True, decode=True))


@friendly(0)
def delete(repository: str) -> bool:
    """Remove one repository (all its tags) from the course registry and reclaim its disk space.

    Deletes the repository's folder in the registry's data directory, then runs the registry's own
    ``garbage-collect`` so layers no other repository uses are freed. Returns False if it was absent.
    """
    import shutil

    _require()
    repos_root = data_dir() / "docker" / "registry" / "v2" / "repositories"
    target = (repos_root / repository).resolve()
    if repos_root.resolve() not in target.parents or not target.is_dir():
        return False
    say(f"(과정 레지스트리에서 '{repository}'을(를) 지우고 공간을 되찾습니다)")
    shutil.rmtree(target)
    parent = target.parent
    while parent != repos_root.resolve() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
    c = client().containers.get(NAME)
    code, out = c.exec_run(["/usr/bin/docker-registry", "garbage-collect", "/etc/docker/registry/config.yml"])
    if code != 0:
        raise errors.CourseError("레지스트리 정리(garbage-collect)가 실패했습니다.", cause=out.decode()[-300:])
    return True
