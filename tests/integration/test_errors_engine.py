"""helpers.errors against the real engine: the engine's own error texts still map to the right course
error (the unit tier uses recorded copies), and an engine that goes away mid-way is DockerNotRunning."""

from __future__ import annotations

import contextlib
import socket

import docker
import docker.errors as de
import pytest

import helpers as h
from helpers import errors
from helpers._state import STATE

from .support import free_port, remove_container, remove_image

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter")]


def raised(fn) -> BaseException:
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the point is to catch it
        return exc
    pytest.fail("expected the engine to refuse")


@pytest.fixture
def raw(engine, chapter):
    """Objects made with the raw SDK for these probes; all removed afterwards."""
    made: dict[str, list[str]] = {"containers": [], "images": []}
    yield made
    for cid in made["containers"]:
        remove_container(engine, cid)
    for ref in made["images"]:
        remove_image(engine, ref)


def test_engine_texts_translate_to_the_typed_errors(engine, chapter, raw):
    labels = h.labels(chapter)
    t = errors.translate
    assert type(t(raised(lambda: engine.images.get("itest/absent:0")))) is errors.ImageNotFound
    assert type(t(raised(lambda: engine.containers.get("itest-absent")))) is errors.ContainerNotFound
    assert type(t(raised(lambda: engine.images.get("Itest:x")))) is errors.InvalidName
    assert type(t(raised(lambda: engine.api.pull("itest-hub-only", tag="1")))) is errors.RegistryUnavailable

    a = engine.containers.create("busybox:1.35", "sleep 300", name="itest-err-a", labels=labels)
    raw["containers"].append(a.id)
    assert type(t(raised(lambda: engine.containers.create("busybox:1.35", name="itest-err-a")))) is errors.NameInUse
    a.start()
    assert type(t(raised(lambda: engine.api.remove_container(a.id)))) is errors.ContainerRunning
    a.pause()
    assert type(t(raised(lambda: engine.api.remove_container(a.id)))) is errors.ContainerRunning
    a.unpause()
    a.stop(timeout=0)
    assert type(t(raised(lambda: a.pause()))) is errors.ContainerNotRunning
    assert type(t(raised(lambda: a.exec_run("true")))) is errors.ContainerNotRunning

    img = a.commit("itest/err-commit", "1", changes=[f"LABEL learn-docker-ko.chapter={chapter}"])
    raw["images"].append(img.id)
    user = engine.containers.create("itest/err-commit:1", "true", labels=labels)
    raw["containers"].append(user.id)
    assert type(t(raised(lambda: engine.api.remove_image("itest/err-commit:1")))) is errors.ImageInUse
    assert type(t(raised(lambda: engine.api.remove_image(img.id)))) is errors.ImageInUse

    port = free_port()
    first = engine.containers.create("busybox:1.35", "sleep 300", ports={"80/tcp": port}, labels=labels)
    second = engine.containers.create("busybox:1.35", "sleep 300", ports={"80/tcp": port}, labels=labels)
    raw["containers"] += [first.id, second.id]
    first.start()
    assert type(t(raised(second.start))) is errors.PortInUse
    first.remove(force=True)
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", port))
        holder.listen()
        assert type(t(raised(second.start))) is errors.PortInUse

    dead = free_port()
    assert type(t(raised(lambda: engine.api.pull(f"127.0.0.1:{dead}/itest/x", tag="1")))) is errors.RegistryUnavailable


@pytest.fixture
def keep_session_client(engine):
    """These tests break the connection on purpose; put the session's client back afterwards."""
    saved = (STATE.client, STATE.base_url)
    yield
    if STATE.client is not None and STATE.client is not saved[0]:
        with contextlib.suppress(Exception):
            STATE.client.close()
    STATE.client, STATE.base_url = saved


@pytest.mark.parametrize("dead_url", ["unix:///nonexistent/itest-engine-gone.sock", "tcp://127.0.0.1:{port}"])
def test_engine_gone_mid_way_is_docker_not_running(keep_session_client, dead_url):
    url = dead_url.format(port=free_port())
    # A client that connected earlier and whose engine has since gone away (no version probe now).
    STATE.client = docker.DockerClient(base_url=url, version="1.41", timeout=5)
    STATE.base_url = url
    for call in (h.ps, h.images, lambda: h.run("busybox:1.35", "true"), lambda: h.logs("x"), h.leftovers):
        STATE.client = STATE.client or docker.DockerClient(base_url=url, version="1.41", timeout=5)
        with pytest.raises(errors.DockerNotRunning) as info, h.quiet():
            call()
        assert type(info.value) is errors.DockerNotRunning  # not a registry or permission problem
        assert "Docker Desktop" in info.value.hint
        assert STATE.client is None  # forgotten: the next call reconnects


def test_dead_docker_host_then_back(keep_session_client, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/itest-dead.sock")
    STATE.client = None
    with pytest.raises(errors.DockerNotRunning) as info, h.quiet():
        h.ps()
    assert "DOCKER_HOST: unix:///nonexistent/itest-dead.sock" in info.value.cause
    monkeypatch.undo()
    STATE.client = None
    with h.quiet():
        assert isinstance(h.ps(all=True), list)  # reconnects by itself once the engine is back
    assert STATE.client is not None


def test_course_errors_chain_the_sdk_error(engine):
    with pytest.raises(errors.ContainerNotFound) as info, h.quiet():
        h.stop("itest-absent")
    assert isinstance(info.value.__cause__, de.NotFound)
