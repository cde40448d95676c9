"""Small helpers the engine tests share: free host ports, engine events, raw cleanup."""

from __future__ import annotations

import contextlib
import socket
import time

import docker.errors as de
import pytest

PORTS = range(18000, 18100)  # this suite's host ports (others use 18100+)
_handed_out: set[int] = set()


def free_port() -> int:
    """A host port in 18000-18099 nobody listens on (and not handed out before in this session)."""
    for port in PORTS:
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("0.0.0.0", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    pytest.skip("no free host port in 18000-18099")


def events(client, since: float, until: float | None = None, **filters) -> list[dict]:
    """Engine events between ``since`` and ``until`` (unix times), filtered like ``docker events -f``."""
    until = until if until is not None else time.time() + 1
    stream = client.events(since=int(since) - 1, until=int(until) + 1, decode=True, filters=filters or None)
    try:
        return list(stream)
    finally:
        stream.close()


def remove_container(client, name_or_id: str) -> None:
    with contextlib.suppress(de.NotFound):
        client.api.remove_container(name_or_id, force=True, v=True)


def remove_image(client, ref: str) -> None:
    with contextlib.suppress(de.NotFound, de.ImageNotFound):
        client.api.remove_image(ref, force=True)


def image_exists(client, ref: str) -> bool:
    try:
        client.images.get(ref)
        return True
    except de.ImageNotFound:
        return False


def container_exists(client, name_or_id: str) -> bool:
    try:
        client.containers.get(name_or_id)
        return True
    except de.NotFound:
        return False


def use_builder(monkeypatch, kind: str) -> None:
    """Make ``h.build`` use ``kind``: "legacy" (as on a docker CLI without buildx) or "buildkit" (skips the test
    where this docker CLI has no buildx). The builder is found once per process, so the choice is forgotten first."""
    from helpers import building

    if kind == "legacy":
        monkeypatch.setenv("LEARN_DOCKER_BUILDER", "legacy")
    else:
        monkeypatch.delenv("LEARN_DOCKER_BUILDER", raising=False)
    monkeypatch.setattr(building, "_FOUND", {})
    found = building.find_builder()
    if found.kind != kind:
        pytest.skip(f"this docker CLI cannot build with {kind}: {found.describe()}")


def containerd_store(client=None) -> bool:
    """Whether the engine keeps images in containerd's image store (Docker Desktop's default; its driver is a
    containerd snapshotter) rather than in a graph driver such as overlay2."""
    import helpers as h

    status = dict((client or h.client()).info().get("DriverStatus") or [])
    return status.get("driver-type", "").startswith("io.containerd.snapshotter")
