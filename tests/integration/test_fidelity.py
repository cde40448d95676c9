"""What the course shows is what Docker does: every ``$ docker ...`` line a helper prints, typed into the real
``docker`` CLI against the same engine, leaves the engine in the same state.

A scripted scenario covers every helper verb. It runs once through the helpers (recording the lines they
print), the engine state is read and everything is removed; then the recorded lines run through the CLI,
one by one, and the engine state is read again. The two must match: containers (image, state, exit code,
published ports, command), image names (command, layers), volumes, networks, the course registry's tags,
and a file a command made. The course's own labels are left out: they are its bookkeeping, not the lesson.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

import helpers as h

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter")]

PREFIX = "fid"


def scenario(build_dir: Path, registry: str) -> list:
    """The helper calls, in order (each a zero-argument callable)."""
    pushed = f"{registry}/{PREFIX}/pushed:1"
    return [
        lambda: h.run("busybox:1.35", "echo hi", name="fid-echo"),
        lambda: h.run("busybox:1.35", "sleep 300", name="fid-sleep", detach=True, ports="127.0.0.1:18931:80"),
        lambda: h.run("busybox:1.35", ["sh", "-c", "echo 'a b' > /tmp/f"], name="fid-quoted"),
        lambda: h.run("busybox:1.35", "sleep 300", name="fid-random", detach=True, publish_all=False, ports="80"),
        lambda: h.create("busybox:1.35", "sleep 300", name="fid-created"),
        lambda: h.start("fid-created"),
        lambda: h.pause("fid-created"),
        lambda: h.unpause("fid-created"),
        lambda: h.stop("fid-created", time=0),
        lambda: h.restart("fid-created", time=0),
        lambda: h.exec("fid-sleep", "touch /tmp/made-by-exec"),
        lambda: h.rm("fid-echo"),
        lambda: h.rm("fid-random", force=True),
        lambda: h.tag("busybox:1.35", "fid/tagged:1"),
        lambda: h.commit("fid-sleep", "fid/committed", "1", changes=['CMD ["echo", "committed"]']),
        lambda: h.build(build_dir, "fid/built:1"),
        lambda: h.tag("busybox:1.35", pushed),
        lambda: h.push(pushed),
        lambda: h.rmi(pushed),
        lambda: h.pull(pushed),
        lambda: h.rmi("fid/tagged:1"),
        lambda: h.volume_create("fid-vol"),
        lambda: h.network_create("fid-net"),
        lambda: h.network_create("fid-net-gone"),
        lambda: h.network_connect("fid-net", "fid-sleep", alias="fid-alias"),
        lambda: h.network_disconnect("bridge", "fid-sleep"),
        lambda: h.run("busybox:1.35", "sleep 300", name="fid-none", detach=True, network="none"),
        lambda: h.network_inspect("fid-net"),
        lambda: h.network_rm("fid-net-gone"),
        lambda: h.run("busybox:1.35", "sleep 300", name="fid-opts", detach=True, environment={"GREETING": "a b"},
                      user="1000", working_dir="/tmp", init=True, hostname="fid-host", labels={"fid.lesson": "10"},
                      log_config={"type": "json-file", "config": {"max-size": "1m"}}, restart="on-failure:2",
                      read_only=True, cap_drop=["ALL"], security_opt=["no-new-privileges"], stop_signal="SIGINT"),
        lambda: h.create("busybox:1.35", "env", name="fid-env", environment={"A": "1"}, privileged=True,
                         entrypoint=["sh", "-c"], tmpfs={"/scratch": ""}),
    ]


def state(engine, registry: str) -> dict:
    """The engine facts the lesson is about, without ids, times and the course's labels."""
    containers = {}
    for c in engine.containers.list(all=True, filters={"name": PREFIX + "-"}):
        binds = {k: sorted((b["HostIp"], b["HostPort"] if k != "80/tcp" or b["HostPort"] == "18931" else "random")
                           for b in v or [] if ":" not in b["HostIp"])
                 for k, v in (c.attrs["HostConfig"].get("PortBindings") or {}).items()}
        cfg, host = c.attrs["Config"], c.attrs["HostConfig"]
        options = (sorted(e for e in cfg.get("Env") or [] if not e.startswith("PATH=")), cfg.get("User"),
                   cfg.get("WorkingDir"), cfg.get("Entrypoint"), cfg.get("StopSignal"),
                   cfg.get("Hostname") if cfg.get("Hostname") == "fid-host" else "(id)",
                   {k: v for k, v in (cfg.get("Labels") or {}).items() if not k.startswith("learn-docker-ko")},
                   host.get("Privileged"), host.get("Init"), host.get("LogConfig"),
                   ((host.get("RestartPolicy") or {}).get("Name") or "no",  # the SDK's '' is the CLI's 'no'
                    (host.get("RestartPolicy") or {}).get("MaximumRetryCount")),
                   host.get("ReadonlyRootfs"), host.get("CapDrop"), host.get("SecurityOpt"), host.get("Tmpfs"))
        containers[c.name] = (cfg["Image"], c.status, c.attrs["State"]["ExitCode"], binds, cfg["Cmd"], options)
    if "fid-sleep" in containers:
        probe = engine.containers.get("fid-sleep").exec_run(["test", "-f", "/tmp/made-by-exec"])
        assert probe.exit_code == 0, "h.exec / docker exec made the file"
    images = {t: (img.attrs["Config"]["Cmd"], _layers(img))
              for img in engine.images.list() for t in img.tags if t.startswith((f"{PREFIX}/", f"{registry}/{PREFIX}/"))}
    volumes = sorted(v.name for v in engine.volumes.list() if v.name.startswith(PREFIX))
    networks = sorted(n.name for n in engine.networks.list() if n.name.startswith(PREFIX))
    for c in engine.containers.list(all=True, filters={"name": PREFIX + "-"}):  # who is on which network
        on = c.attrs["NetworkSettings"]["Networks"]
        containers[c.name] += (c.attrs["HostConfig"]["NetworkMode"],
                               sorted((n, sorted(a for a in (s.get("Aliases") or []) if not c.id.startswith(a)))
                                      for n, s in on.items()))
    with h.quiet():
        tags = h.registry.tags(f"{PREFIX}/pushed")
    return {"containers": containers, "images": images, "volumes": volumes, "networks": networks, "registry": tags}


def _layers(img) -> int:
    """History entries, without the course's own LABEL steps (bookkeeping the CLI replay does not add)."""
    return sum(1 for layer in img.history() if "LABEL learn-docker-ko" not in (layer.get("CreatedBy") or ""))


def clean(engine) -> None:
    for c in engine.containers.list(all=True, filters={"name": PREFIX + "-"}):
        c.remove(force=True, v=True)
    for img in engine.images.list():
        for t in img.tags:
            if f"{PREFIX}/" in t:
                engine.images.remove(t, force=True)
    for v in engine.volumes.list():
        if v.name.startswith(PREFIX):
            v.remove(force=True)
    for n in engine.networks.list():
        if n.name.startswith(PREFIX):
            n.remove()
    with h.quiet():
        h.registry.delete(f"{PREFIX}/pushed")


def test_every_echoed_line_typed_into_the_cli_does_the_same(engine, tmp_path, capsys):
    if not subprocess.run(["docker", "version"], capture_output=True).returncode == 0:
        pytest.fail("the docker CLI must reach the same engine") if os.environ.get("CI") else pytest.skip("no CLI")
    (tmp_path / "Dockerfile").write_text("FROM busybox:1.35\nRUN echo built > /built\nCMD [\"cat\", \"/built\"]\n")
    with h.quiet():
        h.registry.start()
    registry = h.registry.address()
    clean(engine)
    lines: list[str] = []
    try:
        for step in scenario(tmp_path, registry):
            capsys.readouterr()
            step()
            printed = [ln[2:] for ln in capsys.readouterr().out.splitlines() if ln.startswith("$ ")]
            assert printed, "every helper verb prints the docker line it stands for"
            lines += printed
        by_helpers = state(engine, registry)
        clean(engine)
        for line in lines:
            argv = shlex.split(line)
            env = dict(os.environ)
            while "=" in argv[0]:  # DOCKER_BUILDKIT=0 docker build ...
                key, _, value = argv.pop(0).partition("=")
                env[key] = value
            run = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tmp_path)
            assert run.returncode == 0, f"`{line}` failed in the CLI: {run.stderr[-300:]}"
        by_cli = state(engine, registry)
    finally:
        clean(engine)
    assert by_cli == by_helpers
    assert by_helpers["registry"] == ["1"]
    assert {"fid/committed:1", "fid/built:1", f"{registry}/{PREFIX}/pushed:1"} <= set(by_helpers["images"])
