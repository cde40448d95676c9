"""helpers.networks against the fake client: the ``docker network ...`` line each verb shows, what it returns,
the course label, and the engine's network errors in Korean (missing, in use, already connected, host/none)."""

from __future__ import annotations

import pytest

import helpers as h
from helpers import errors
from helpers._state import CHAPTER_LABEL

from .fakes import printed


def test_networks_lists_the_engines_three_and_the_course_ones(fake, capsys):
    h.network_create("app-net", chapter="08")
    capsys.readouterr()
    table = h.networks()
    assert printed(capsys) == ["$ docker network ls"]
    assert [r[1:] for r in table.rows] == [["bridge", "bridge", "local"], ["host", "host", "local"],
                                           ["none", "null", "local"], ["app-net", "bridge", "local"]]
    assert [n.name for n in table] == ["bridge", "host", "none", "app-net"]


def test_network_create_is_labelled_and_replaces_the_course_network_of_that_name(fake, capsys):
    first = h.network_create("app-net", chapter="08")
    second = h.network_create("app-net", chapter="08")
    assert printed(capsys) == ["$ docker network create app-net", "$ docker network rm app-net",
                               "$ docker network create app-net"]
    assert first.id != second.id and [n["Name"] for n in fake.api.networks()].count("app-net") == 1
    assert fake.api.inspect_network("app-net")["Labels"] == {CHAPTER_LABEL: "08"}
    h.network_create("overlay-net", driver="overlay")
    assert printed(capsys) == ["$ docker network create --driver overlay overlay-net"]


def test_network_create_keeps_a_learners_own_network_and_says_so(fake):
    fake.networks.create("mine")  # made outside the course: no label
    with pytest.raises(errors.NetworkConflict) as info:
        h.network_create("mine")
    assert info.value.message.startswith("'mine'이라는 네트워크가 이미 있습니다")
    assert "h.network_rm('mine')" in info.value.hint


def test_network_inspect_prints_who_is_on_it(fake, capsys):
    h.network_create("app-net")
    h.run("busybox:1.35", "sleep 300", name="api", detach=True, network="app-net")
    h.run("busybox:1.35", "sleep 300", name="web", detach=True, network="app-net")
    h.create("busybox:1.35", "sleep 300", name="later", network="app-net")  # not running: not listed
    capsys.readouterr()
    record = h.network_inspect("app-net")
    assert printed(capsys) == ["$ docker network inspect app-net"]
    assert record["Name"] == "app-net" and record.name == "app-net"
    assert record.containers == ["api", "web"]
    assert record.ip("api").startswith("172.") and "/" not in record.ip("api") and record.ip("later") is None
    text = record.text()
    assert text.startswith("네트워크 app-net — 드라이버 bridge") and "만든 곳: 이 과정" in text
    assert "연결된 실행 중인 컨테이너 2개:" in text and "IPv4 ADDRESS" in text and "api " in text
    assert "<code>api</code>" in record._repr_html_() and repr(record) == text


def test_network_inspect_of_an_empty_and_a_default_network(fake):
    with h.quiet():
        record = h.network_inspect("host")
    assert record.containers == [] and "연결된 실행 중인 컨테이너가 없습니다." in record.text()
    assert "만든 곳: 엔진의 기본 네트워크" in record.text() and "없습니다" in record.html()


def test_network_inspect_of_a_missing_network_is_network_not_found(fake):
    with pytest.raises(errors.NetworkNotFound) as info:
        h.network_inspect("nope")
    assert info.value.message == "'nope'이라는 네트워크가 없습니다." and "h.networks()" in info.value.hint


def test_network_connect_and_disconnect_lines_and_state(fake, capsys):
    h.network_create("app-net")
    c = h.run("busybox:1.35", "sleep 300", name="api", detach=True)
    capsys.readouterr()
    h.network_connect("app-net", "api", alias="backend")
    assert printed(capsys) == ["$ docker network connect --alias backend app-net api", "(api → app-net 연결됨)"]
    assert fake.calls[-1] == ("connect", "app-net", "api", ["backend"])
    assert set(fake.containers.get(c.id).attrs["NetworkSettings"]["Networks"]) == {"bridge", "app-net"}
    h.network_disconnect("bridge", "api")
    assert printed(capsys) == ["$ docker network disconnect bridge api", "(api ⇸ bridge 연결 끊음)"]
    h.network_disconnect("app-net", "api", force=True)
    assert printed(capsys)[0] == "$ docker network disconnect -f app-net api"
    assert fake.containers.get("api").attrs["NetworkSettings"]["Networks"] == {}


@pytest.mark.parametrize(("call", "kind", "message"), [
    (lambda: h.network_connect("app-net", "api"), errors.NetworkConflict,
     "'api'은(는) 이미 네트워크 'app-net'에 연결되어 있습니다."),
    (lambda: h.network_disconnect("bridge", "api"), errors.NetworkConflict,
     "'api'은(는) 네트워크 'bridge'에 연결되어 있지 않습니다."),
    (lambda: h.network_connect("host", "api"), errors.NetworkConflict,
     "'api'은(는) 네트워크 'host'와(과) 함께 쓸 수 없습니다: host와 none은 다른 네트워크와 섞을 수 없습니다."),
    (lambda: h.network_connect("none", "api"), errors.NetworkConflict,
     "'api'은(는) 네트워크 'none'와(과) 함께 쓸 수 없습니다: host와 none은 다른 네트워크와 섞을 수 없습니다."),
    (lambda: h.network_connect("app-net", "ghost"), errors.ContainerNotFound, "'ghost'이라는 컨테이너가 없습니다."),
    (lambda: h.network_connect("nope", "api"), errors.NetworkNotFound, "'nope'이라는 네트워크가 없습니다."),
])
def test_connect_and_disconnect_errors_name_the_network_and_the_container(fake, call, kind, message):
    with h.quiet():
        h.network_create("app-net")
        h.run("busybox:1.35", "sleep 300", name="api", detach=True, network="app-net")
    with pytest.raises(kind) as info:
        call()
    assert info.value.message == message


def test_network_rm_removes_and_refuses_a_network_in_use_or_a_default_one(fake, capsys):
    with h.quiet():
        h.network_create("app-net")
        h.run("busybox:1.35", "sleep 300", name="api", detach=True, network="app-net")
    with pytest.raises(errors.NetworkInUse) as info:
        h.network_rm("app-net")
    assert info.value.message == "네트워크 'app-net'에 아직 실행 중인 컨테이너 api이(가) 연결되어 있어서 지울 수 없습니다."
    assert "h.network_disconnect('app-net', 'api')" in info.value.hint and "h.rm('api', force=True)" in info.value.hint
    with pytest.raises(errors.NetworkConflict) as default:
        h.network_rm("bridge")
    assert default.value.message == "'bridge'은(는) 엔진의 기본 네트워크라서 지울 수 없습니다."
    with pytest.raises(errors.NetworkNotFound):
        h.network_rm("nope")
    capsys.readouterr()
    with h.quiet():
        h.stop("api")  # a stopped container holds no endpoint: the network can go
    h.network_rm("app-net")
    assert printed(capsys) == ["$ docker network rm app-net", "app-net"]
    assert "app-net" not in {n["Name"] for n in fake.api.networks()}


def test_run_on_a_network_shows_the_flag_and_sets_the_network_mode(fake, capsys):
    h.run("busybox:1.35", "true", name="alone", network="none")
    assert printed(capsys)[0] == "$ docker run --name alone --network none busybox:1.35 true"
    assert fake.containers.get("alone").attrs["HostConfig"]["NetworkMode"] == "none"


def test_the_course_networks_are_removed_by_reset_and_the_learners_stay(fake):
    with h.quiet():
        h.network_create("app-net", chapter="08")
    fake.networks.create("learners-own")
    with h.quiet():
        assert len(h.leftovers("08")["networks"]) == 1
        counts = h.reset("08")
    assert counts["networks"] == 1
    assert {n["Name"] for n in fake.api.networks()} == {"bridge", "host", "none", "learners-own"}


@pytest.mark.parametrize(("explanation", "status", "kind"), [
    ("network app-net not found", 404, errors.NetworkNotFound),
    ("No such container: api", 404, errors.ContainerNotFound),
    ("error while removing network: network app-net id abc has active endpoints", 403, errors.NetworkInUse),
    ("endpoint with name api already exists in network app-net", 403, errors.NetworkConflict),
    ("container abc is not connected to network app-net", 500, errors.NetworkConflict),
    ("network with name app-net already exists", 409, errors.NetworkConflict),
])
def test_the_engines_network_messages_are_classified(explanation, status, kind):
    import docker.errors as de
    import requests

    response = requests.Response()
    response.status_code = status
    exc = de.APIError(f"{status} Client Error for http+docker://localhost/v1.41/networks/x: Err", response=response,
                      explanation=explanation)
    assert errors.classify(exc) is kind


def test_creating_again_a_course_network_in_use_says_what_holds_it(fake):
    with h.quiet():
        h.network_create("app-net")
        h.run("busybox:1.35", "sleep 300", name="api", detach=True, network="app-net")
    with pytest.raises(errors.NetworkInUse) as info:
        h.network_create("app-net")
    assert info.value.message == ("이 과정이 전에 만든 네트워크 'app-net'을(를) 새로 만들려고 지우려 했지만, 실행 중인 컨테이너 "
                                  "api이(가) 연결되어 있어서 지우지 못했습니다.")
    assert "h.network_disconnect('app-net', 'api')" in info.value.hint
