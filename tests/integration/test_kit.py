"""helpers.kit against the real engine: the warm check, the status table, and that each kit image
really is the software its name says. (The cold build runs only in benchmarks/bench_helpers.py --cold.)"""

from __future__ import annotations

import time

import pytest

import helpers as h
from helpers import errors, kit
from helpers._state import CHAPTER_LABEL, KIT_LABEL, STATE
from helpers.kit import builders

from .support import events, remove_container

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter")]


@pytest.fixture(scope="module")
def kit_present(engine):
    absent = kit.missing()
    if absent:
        pytest.skip(f"kit images missing (run `python -m helpers kit`): {absent}")


def test_missing_is_a_fast_warm_check(kit_present):
    t0 = time.monotonic()
    assert kit.missing() == []
    assert time.monotonic() - t0 < 5
    assert kit.missing(["busybox:1.35", "itest/not-in-kit:0"]) == ["itest/not-in-kit:0"]


def test_status_table_says_how_each_image_was_obtained(kit_present, engine):
    table = kit.status()
    assert [r[0] for r in table.rows] == kit.names()
    for name, how, size, _about, _stands in table.rows:
        assert how != "없음" and size != "-", name
        labels = engine.images.get(name).labels
        assert how == "pull" or (labels.get(KIT_LABEL) == "built" and how.startswith("빌드: ")), (name, how)
    text = repr(table)
    assert "책의 alpine" in text and "책의 ubuntu" in text


def test_ensure_with_everything_present_is_quick_and_changes_nothing(kit_present, engine):
    ids = {n: engine.images.get(n).id for n in kit.names()}
    t0 = time.monotonic()
    with h.quiet():
        kit.ensure()
    assert time.monotonic() - t0 < 5
    assert {n: engine.images.get(n).id for n in kit.names()} == ids


def run_check(engine, k: kit.KitImage, chapter: str) -> str:
    c = engine.containers.create(k.name, list(k.check), entrypoint=[], labels={CHAPTER_LABEL: chapter})
    try:
        c.start()
        c.wait(timeout=60)
        return c.logs().decode("utf-8", "replace")
    finally:
        c.remove(force=True, v=True)


@pytest.mark.parametrize("k", kit.CATALOG, ids=kit.names())
def test_each_kit_image_is_what_its_name_says(kit_present, engine, chapter, k):
    assert k.expect in run_check(engine, k, chapter)


def test_book_image_names_map_to_kit_images_that_run(kit_present):
    for book, ours in (("alpine", "busybox:1.35"), ("ubuntu", "debian:bookworm")):
        assert f"'{ours}'" in kit.hint_for(book)
        with h.quiet():
            assert h.run(ours, "echo ok", rm=True) == "ok\n"


def test_registry_answers_is_false_offline_and_cached(engine, monkeypatch):
    monkeypatch.delenv("LEARN_DOCKER_OFFLINE", raising=False)
    monkeypatch.setattr(STATE, "hub_reachable", None)
    t0 = time.monotonic()
    assert kit.registry_answers(timeout=10) is False  # this machine cannot reach Docker Hub
    assert time.monotonic() - t0 < 15
    assert STATE.hub_reachable is False
    monkeypatch.setenv("LEARN_DOCKER_OFFLINE", "1")
    assert kit.registry_answers() is False


def volumes_left_by_check(engine, monkeypatch) -> list[str]:
    """Run kit._check on registry:2.8 (which declares a VOLUME); return the volumes it left behind."""
    from docker.models.containers import ContainerCollection

    made = []
    real_create = ContainerCollection.create

    def recording_create(self, *args, **kwargs):
        c = real_create(self, *args, **kwargs)
        made.append(c)
        return c

    monkeypatch.setattr(ContainerCollection, "create", recording_create)
    volumes: list[str] = []
    t0 = time.time()
    try:
        out = builders._check("registry:2.8", kit.BY_NAME["registry:2.8"])
        assert "distribution 2.8." in out
        ids = {c.id for c in made}
        volumes = [e["Actor"]["ID"] for e in events(engine, t0, type="volume", event="mount")
                   if e["Actor"]["Attributes"].get("container") in ids]
        assert volumes, "registry:2.8 declares VOLUME /var/lib/registry"
        return [v for v in volumes if v in {x.name for x in engine.volumes.list()}]
    finally:
        for c in made:
            remove_container(engine, c.id)
        for v in volumes:
            try:
                engine.volumes.get(v).remove(force=True)
            except Exception:  # noqa: BLE001 - already gone is fine
                pass


def test_kit_check_does_not_leak_the_registry_volume(kit_present, engine, monkeypatch):
    assert volumes_left_by_check(engine, monkeypatch) == []


def test_ensure_refuses_names_outside_the_kit(kit_present, monkeypatch):
    monkeypatch.setenv("LEARN_DOCKER_OFFLINE", "1")
    with pytest.raises(errors.CourseError), h.quiet():
        kit.ensure(["itest/not-in-kit:0"])


def test_kit_busybox_has_the_usual_directories(kit_present):
    """Like the official busybox image: /tmp, /root, /home, /var, /usr and users in /etc/passwd."""
    with h.quiet():
        out = h.run("busybox:1.35", ["sh", "-c", "echo hi > /tmp/x && ls -d /root /home /var /usr && "
                                                 "grep -c nobody /etc/passwd"], rm=True)
    assert out.exit_code == 0, out


def test_command_line_kit_status(kit_present):
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "helpers", "kit", "--status"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split()[:2] == ["IMAGE", "출처"]
    assert [line.split()[0] for line in lines[1:]] == kit.names()


def test_kit_redis_answers_ping_and_keeps_data_in_data_across_a_restart(kit_present, engine, chapter):
    """Like the official redis image: redis-server as `redis` on 6379, `--appendonly yes` as arguments,
    data in the /data volume (still there after a restart), redis-cli from another container by name."""
    import uuid

    tag = uuid.uuid4().hex[:8]
    labels = {CHAPTER_LABEL: chapter}
    net = engine.networks.create(f"itest-redis-net-{tag}", labels=labels)
    vol = engine.volumes.create(f"itest-redis-data-{tag}", labels=labels)
    server = engine.containers.run("redis:7.0", ["--appendonly", "yes"], name=f"itest-redis-{tag}", detach=True,
                                   network=net.name, volumes={vol.name: {"bind": "/data", "mode": "rw"}},
                                   labels=labels)
    try:
        def cli(*args: str) -> str:
            c = engine.containers.create("redis:7.0", ["redis-cli", "-h", server.name, *args], network=net.name,
                                         labels=labels)
            try:  # created and removed by hand: with its anonymous /data volume (run(remove=True) keeps it)
                c.start()
                c.wait(timeout=30)
                return c.logs().decode().strip()
            finally:
                c.remove(force=True, v=True)

        deadline = time.monotonic() + 20
        while server.exec_run(["redis-cli", "ping"]).output.strip() != b"PONG":
            assert time.monotonic() < deadline, server.logs()[-400:]
            time.sleep(0.3)
        assert cli("PING") == "PONG"  # protected mode off without a config file, as upstream builds it
        assert cli("INCR", "hits") == "1" and cli("INCR", "hits") == "2"
        top = server.exec_run(["ps", "-o", "user,args"]).output.decode()
        assert "redis    redis-server *:6379" in top, top
        assert server.exec_run(["ls", "/data/appendonlydir"]).exit_code == 0
        server.restart(timeout=10)
        deadline = time.monotonic() + 20
        while server.exec_run(["redis-cli", "ping"]).output.strip() != b"PONG":
            assert time.monotonic() < deadline, server.logs()[-400:]
            time.sleep(0.3)
        assert server.exec_run(["redis-cli", "GET", "hits"]).output.strip() == b"2"
    finally:
        server.remove(force=True, v=True)
        net.remove()
        vol.remove(force=True)
