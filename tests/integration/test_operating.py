"""helpers.operating against the real engine: stats, top, inspect, events, update, system df, ``logs -f``, and the
chapter 10 run options (restart policy restarting a container whose main process ended, a healthcheck, a hardened
container), each echoing the CLI line. Memory limits are tried only where the engine has cgroups."""

from __future__ import annotations

import time

import pytest

import helpers as h

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter")]

LOOP = ["sh", "-c", "trap 'exit 1' TERM; echo start; while :; do sleep 1; done"]


@pytest.fixture
def box():
    h.run("busybox:1.35", LOOP, name="itest-op10", detach=True, restart="on-failure",
          healthcheck={"test": "true", "interval": "1s", "retries": 2})
    yield "itest-op10"
    h.rm("itest-op10", force=True)


def test_stats_top_inspect_echo_the_cli(box, capsys):
    capsys.readouterr()
    s = h.stats(box)
    t = h.top(box)
    info = h.inspect(box)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"$ docker stats --no-stream {box}" and f"$ docker top {box}" in lines
    assert f"$ docker inspect {box}" in lines
    assert s["name"] == box and s["pids"] >= 1 or not s["measured"]
    assert any("sleep" in " ".join(row) or "sh" in " ".join(row) for row in t.rows)
    assert info["HostConfig"]["RestartPolicy"]["Name"] == "on-failure" and '"State"' in repr(info)


def test_restart_policy_restarts_after_kill_1_and_events_show_it(box):
    h.exec(box, "kill 1")
    deadline = time.monotonic() + 10
    while h.inspect(box)["RestartCount"] < 1 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert h.inspect(box)["RestartCount"] == 1
    actions = [e["Action"] for e in h.events(since="1m", filters={"container": box})]
    assert "die" in actions and actions.count("start") >= 2
    assert h.logs(box, follow=True, seconds=1).count("start") == 2


def test_healthcheck_becomes_healthy_and_update_changes_the_policy(box, capsys):
    deadline = time.monotonic() + 10
    while h.inspect(box)["State"]["Health"]["Status"] != "healthy" and time.monotonic() < deadline:
        time.sleep(0.3)
    assert h.inspect(box)["State"]["Health"]["Status"] == "healthy"
    capsys.readouterr()
    h.update(box, restart="always")
    assert capsys.readouterr().out.splitlines()[0] == f"$ docker update --restart always {box}"
    assert h.inspect(box)["HostConfig"]["RestartPolicy"]["Name"] == "always"


def test_hardened_container_cannot_write_or_chown(chapter):
    out = h.run("busybox:1.35", ["sh", "-c", "id -u; touch /etc/x; touch /tmp/f && chown 0 /tmp/f"], user="1000",
                read_only=True, tmpfs={"/tmp": ""}, cap_drop=["ALL"], rm=True)
    assert "1000" in out.splitlines() and "Read-only file system" in out and out.exit_code != 0


def test_memory_limit_kills_with_137_where_cgroups_exist(chapter):
    if h.client().info().get("CgroupDriver") == "none":
        pytest.skip("no cgroups on this engine (rootless on cgroup v1)")
    out = h.run("python:3.11-slim", ["python3", "-c", "b = bytearray(200 * 1024 * 1024)"], name="itest-oom10",
                memory="64m", memory_swap="64m")
    try:
        assert out.exit_code == 137 and h.inspect("itest-oom10")["State"]["OOMKilled"] is True
    finally:
        h.rm("itest-oom10", force=True)


def test_system_df_has_four_kinds(capsys):
    table = h.system_df()
    assert capsys.readouterr().out.splitlines() == ["$ docker system df"]
    assert [r[0] for r in table.rows] == ["Images", "Containers", "Local Volumes", "Build Cache"]
