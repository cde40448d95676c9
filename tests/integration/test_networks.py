"""helpers.networks against the real engine: ls, create, inspect, connect, disconnect, rm; the lesson of chapter 08
(containers find each other by name on a user-defined bridge, not on the default one; ``none`` has only ``lo``);
the engine's own network errors in Korean; and ``h.reset`` removing a chapter's networks."""

from __future__ import annotations

import pytest

import helpers as h
from helpers._state import CHAPTER_LABEL

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter")]

NET = "itest-net8"


def test_networks_lists_the_default_drivers(capsys):
    table = h.networks()
    assert capsys.readouterr().out.splitlines() == ["$ docker network ls"]
    drivers = {r[1]: r[2] for r in table.rows}
    assert drivers["bridge"] == "bridge" and drivers["host"] == "host" and drivers["none"] == "null"
    assert {n.name for n in table} >= {"bridge", "host", "none"}


def test_network_create_is_labelled_and_replaced_when_run_twice(engine, chapter, capsys):
    first = h.network_create("itest-net")
    assert capsys.readouterr().out.splitlines() == ["$ docker network create itest-net"]
    second = h.network_create("itest-net")
    assert capsys.readouterr().out.splitlines() == ["$ docker network rm itest-net", "$ docker network create itest-net"]
    assert second.id != first.id
    same_name = [n for n in engine.networks.list(names=["itest-net"]) if n.name == "itest-net"]
    assert [n.id for n in same_name] == [second.id]
    assert engine.networks.get(second.id).attrs["Labels"][CHAPTER_LABEL] == chapter
    assert second.id in h.leftovers(chapter)["networks"]


def test_network_create_replaces_only_the_exact_name(engine):
    with h.quiet():
        longer = h.network_create("itest-net-long")
        h.network_create("itest-net")
    assert engine.networks.get(longer.id).name == "itest-net-long"


def test_a_learners_own_network_of_that_name_is_dockers_conflict(engine):
    own = engine.networks.create("itest-net8-own", check_duplicate=True)
    try:
        with h.quiet(), pytest.raises(h.errors.NetworkConflict) as info:
            h.network_create("itest-net8-own")
        assert "이미 있습니다" in info.value.message
        assert [n.id for n in engine.networks.list(names=["itest-net8-own"])] == [own.id]
    finally:
        own.remove()


def test_names_resolve_on_a_user_defined_bridge_but_not_on_the_default_one(engine):
    with h.quiet():
        h.network_create(NET)
        h.run("busybox:1.35", "sleep 300", name="itest-net8-api", detach=True, network=NET)
        h.run("busybox:1.35", "sleep 300", name="itest-net8-old", detach=True)  # the default bridge
        on_net = h.run("busybox:1.35", "nslookup itest-net8-api", rm=True, network=NET, timeout=30)
        on_default = h.run("busybox:1.35", "nslookup itest-net8-old", rm=True, timeout=30)
    api_ip = engine.containers.get("itest-net8-api").attrs["NetworkSettings"]["Networks"][NET]["IPAddress"]
    assert on_net.exit_code == 0 and api_ip in on_net and "127.0.0.11" in on_net  # the engine's own DNS
    # the name does not resolve there: "can't find" where the namespace has an upstream DNS, a time-out where it
    # has none (Engine 28 forwards unknown names upstream) — either way no answer for the other container
    assert on_default.exit_code != 0 and ("can't find" in on_default or "no servers could be reached" in on_default)
    assert api_ip not in on_default


def test_connect_inspect_disconnect_and_rm_on_the_engine(engine, capsys):
    net = NET + "-verbs"
    with h.quiet():
        h.network_create(net)
        h.run("busybox:1.35", "sleep 300", name="itest-net8-a", detach=True)
    capsys.readouterr()
    h.network_connect(net, "itest-net8-a", alias="backend")
    record = h.network_inspect(net)
    assert capsys.readouterr().out.splitlines()[:3] == [
        f"$ docker network connect --alias backend {net} itest-net8-a", f"(itest-net8-a → {net} 연결됨)",
        f"$ docker network inspect {net}"]
    assert record.containers == ["itest-net8-a"] and record.ip("itest-net8-a")
    assert record.ip("itest-net8-a") == engine.containers.get("itest-net8-a").attrs["NetworkSettings"]["Networks"][
        net]["IPAddress"]
    with h.quiet():
        by_alias = h.run("busybox:1.35", "nslookup backend", rm=True, network=net, timeout=30)
    assert record.ip("itest-net8-a") in by_alias
    with h.quiet():
        with pytest.raises(h.errors.NetworkConflict):
            h.network_connect(net, "itest-net8-a")
        with pytest.raises(h.errors.NetworkInUse) as in_use:
            h.network_rm(net)
        assert "itest-net8-a" in in_use.value.message
        with pytest.raises(h.errors.NetworkConflict):
            h.network_connect("none", "itest-net8-a")
        with pytest.raises(h.errors.NetworkConflict):
            h.network_rm("bridge")
        h.network_disconnect(net, "itest-net8-a")
        h.network_disconnect("bridge", "itest-net8-a")
        with pytest.raises(h.errors.NetworkConflict):
            h.network_disconnect(net, "itest-net8-a")
        alone = h.exec("itest-net8-a", "cat /proc/net/dev")
    assert "lo:" in alone and "eth0" not in alone  # on no network: only the loopback is left
    h.network_rm(net)
    assert capsys.readouterr().out.splitlines() == [f"$ docker network rm {net}", net]
    assert not engine.networks.list(names=[net])
    with h.quiet(), pytest.raises(h.errors.NetworkNotFound):
        h.network_inspect(net)


def test_none_has_only_the_loopback_and_host_shares_the_engines_interfaces():
    with h.quiet():
        none = h.run("busybox:1.35", "cat /proc/net/dev", rm=True, network="none", timeout=30)
        host = h.run("busybox:1.35", "cat /proc/net/dev", rm=True, network="host", timeout=30)
    assert "lo:" in none and len(none.strip().splitlines()) == 3  # two header lines and lo
    assert len(host.strip().splitlines()) > 3


def test_a_container_on_a_missing_network_is_not_left_behind(engine):
    with h.quiet(), pytest.raises(h.errors.NetworkNotFound):
        h.run("busybox:1.35", "true", name="itest-net8-lost", network="itest-net8-nope")
    assert not engine.containers.list(all=True, filters={"name": "itest-net8-lost"})


def test_reset_removes_a_chapters_network_with_its_containers_on_it(engine):
    with h.quiet():
        h.network_create("itest-net8-reset", chapter="test-networks-reset")
        h.run("busybox:1.35", "sleep 300", name="itest-net8-on", detach=True, network="itest-net8-reset",
              chapter="test-networks-reset")
        counts = h.reset("test-networks-reset", verbose=False)
        left = h.leftovers("test-networks-reset")
    assert counts["containers"] == 1 and counts["networks"] == 1
    assert not any(left.values()) and not engine.networks.list(names=["itest-net8-reset"])


def test_creating_again_a_course_network_in_use_explains_what_holds_it():
    with h.quiet():
        h.network_create("itest-net8-again")
        h.run("busybox:1.35", "sleep 300", name="itest-net8-holder", detach=True, network="itest-net8-again")
        with pytest.raises(h.errors.NetworkInUse) as info:
            h.network_create("itest-net8-again")
    assert info.value.message == ("이 과정이 전에 만든 네트워크 'itest-net8-again'을(를) 새로 만들려고 지우려 했지만, "
                                  "실행 중인 컨테이너 itest-net8-holder이(가) 연결되어 있어서 지우지 못했습니다.")
