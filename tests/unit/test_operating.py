"""helpers.operating and the chapter 10 run options: the CLI spelling of each option (``--restart``, ``--memory``,
``--cpus``, ``--read-only``, ``--cap-drop``, ``--health-*``), the CLI-shaped keywords turned into docker-py's, and
the numbers ``docker stats`` shows computed from one raw sample."""

from __future__ import annotations

import datetime as dt

import pytest

import helpers as h
from helpers.command import container_command, sdk_options
from helpers.operating import _cli_time, _moment, stats_of

from .fakes import printed


def line(**kw) -> str:
    return container_command("run", "busybox:1.35", ["sleep", "1"], detach=True, **sdk_options(kw)).line()


def test_each_option_has_the_cli_spelling():
    assert line(restart="on-failure:3") == "$ docker run -d --restart on-failure:3 busybox:1.35 sleep 1"
    assert line(restart_policy={"Name": "always"}) == "$ docker run -d --restart always busybox:1.35 sleep 1"
    assert line(memory="64m", memory_swap="64m").endswith("--memory 64m --memory-swap 64m busybox:1.35 sleep 1")
    assert "--memory 64m " in line(mem_limit=64 * 1024 * 1024)
    assert "--cpus 0.5 " in line(cpus=0.5) and "--cpus 1.5 " in line(nano_cpus=1_500_000_000)
    assert "--pids-limit 50 --read-only --cap-drop ALL --cap-add NET_BIND_SERVICE " in line(
        pids_limit=50, read_only=True, cap_drop="ALL", cap_add=["NET_BIND_SERVICE"])


def test_healthcheck_options_and_durations():
    text = line(healthcheck={"test": "wget -q -O- http://127.0.0.1/", "interval": "1s", "timeout": 0.5, "retries": 3,
                             "start_period": "2s"})
    assert ("--health-cmd 'wget -q -O- http://127.0.0.1/' --health-interval 1s --health-timeout 500ms "
            "--health-start-period 2s --health-retries 3 ") in text
    assert "--health-cmd true " in line(healthcheck="true")
    assert "--no-healthcheck" in line(healthcheck={"test": ["NONE"]})
    assert "--health-cmd 'wget -q x' " in line(healthcheck={"test": ["CMD", "wget", "-q", "x"]})


def test_sdk_options_give_docker_py_keywords():
    kw = sdk_options({"restart": "on-failure:2", "memory": "64m", "cpus": "0.25", "cap_drop": "ALL",
                      "healthcheck": {"test": "true", "interval": "1s"}})
    assert kw == {"restart_policy": {"Name": "on-failure", "MaximumRetryCount": 2}, "mem_limit": "64m",
                  "nano_cpus": 250_000_000, "cap_drop": ["ALL"],
                  "healthcheck": {"test": ["CMD-SHELL", "true"], "interval": 1_000_000_000}}


def test_run_passes_docker_py_options_and_prints_the_cli_line(fake, capsys):
    h.run("busybox:1.35", "sleep 60", name="locked", detach=True, user="1000", read_only=True, cap_drop=["ALL"],
          restart="always")
    assert printed(capsys)[0] == ("$ docker run -d --name locked -u 1000 --restart always --read-only --cap-drop ALL "
                                  "busybox:1.35 sleep 60")
    made = fake.created[-1]
    assert made["restart_policy"] == {"Name": "always"} and made["read_only"] is True and made["cap_drop"] == ["ALL"]


RAW = {"id": "abc" * 20, "name": "/web",
       "cpu_stats": {"cpu_usage": {"total_usage": 3_000_000_000}, "system_cpu_usage": 20_000_000_000, "online_cpus": 2},
       "precpu_stats": {"cpu_usage": {"total_usage": 2_000_000_000}, "system_cpu_usage": 16_000_000_000},
       "memory_stats": {"usage": 12 * 1024 * 1024, "limit": 64 * 1024 * 1024,
                        "stats": {"total_inactive_file": 4 * 1024 * 1024}},
       "pids_stats": {"current": 3}}


def test_stats_of_computes_what_docker_stats_shows():
    s = stats_of(RAW)
    assert s["cpu_percent"] == pytest.approx(50.0)  # 1 s of CPU over 4 s of system time, 2 CPUs
    assert s["mem_usage"] == 8 * 1024 * 1024 and s["mem_percent"] == pytest.approx(12.5)
    assert s["name"] == "web" and s["pids"] == 3 and s["measured"]
    assert repr(s).splitlines()[0].split()[:4] == ["CONTAINER", "ID", "NAME", "CPU"]
    assert "50.00%" in repr(s)


def test_stats_of_an_engine_without_cgroups_is_zero_and_says_so():
    s = stats_of({"name": "/x", "cpu_stats": {}, "precpu_stats": {}, "memory_stats": {}})
    assert s["cpu_percent"] == 0 and s["mem_usage"] == 0 and not s["measured"]


def test_event_times_as_typed_and_as_moments():
    now = dt.datetime.now(dt.timezone.utc)
    assert abs((now - _moment("30s")).total_seconds() - 30) < 2
    assert _moment("2026-11-29T22:26:27.962818123Z") == dt.datetime(2026, 11, 29, 22, 26, 27, 962818,
                                                                      tzinfo=dt.timezone.utc)
    assert _cli_time("5m") == "5m" and _cli_time(0).startswith("1970-01-01T00:00:00")
