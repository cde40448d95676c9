"""helpers.grading.checks.networks over recorded answers (``recorded/networks.json``, made by
``record_networks.py``): network inspect records, containers on a user-defined bridge, the default bridge, host,
none and a disconnected one, ports on 127.0.0.1 and on every address, and name lookups run inside containers."""

from __future__ import annotations

import datetime as dt
import http.server
import socket
import threading

import pytest

from helpers.grading import checks

from ..replay import failure, recorded

REC = recorded("networks")
NET = REC["networks"]["net"]["Name"]  # recordtest8-net


def name(key: str) -> str:
    return REC["containers"][key]["Name"].lstrip("/")


def ip(key: str, network: str = NET) -> str:
    return REC["containers"][key]["NetworkSettings"]["Networks"][network]["IPAddress"]


def load(replay, *keys: str, lookups: tuple[str, ...] = ()) -> dict:
    """Put recorded containers (inspect record and list row), every recorded network and the named lookups
    (command -> output, exit code) on the replaying engine. Returns the fresh record (editable)."""
    rec = recorded("networks")
    for key in keys:
        c = rec["containers"][key]
        replay.inspect_containers[c["Id"]] = c
        replay.container_rows[c["Id"]] = rec["rows"][key]
    for net in rec["networks"].values():
        for nid in [nid for nid, n in replay._networks.items() if n["Name"] == net["Name"]]:
            del replay._networks[nid]
        replay._networks[net["Id"]] = net
    for key in lookups:
        found = rec["lookups"][key]
        replay.exec_results[" ".join(found["argv"])] = (found["output"].encode(), None, found["exit_code"])
    return rec


# -- network_exists ---------------------------------------------------------------------------------

def test_network_exists_passes_for_a_user_defined_bridge(replay):
    load(replay)
    assert checks.network_exists(NET) is True
    created = dt.datetime.fromisoformat(REC["networks"]["net"]["Created"][:26] + "+00:00")
    assert checks.network_exists(NET, since=created - dt.timedelta(seconds=1)) is True


def test_network_exists_names_similar_networks_when_missing(replay):
    load(replay)
    f = failure(checks.network_exists, "recordtest8-network")
    assert f.what == "'recordtest8-network'(이)라는 이름의 네트워크가 있어야 합니다."
    assert (f.expected, f.actual) == ("네트워크 recordtest8-network", f"없음 (비슷한 이름: {NET})")
    assert "h.network_create('recordtest8-network')" in f.hint


def test_network_exists_fails_for_another_driver_and_for_one_made_before_the_exercise(replay):
    rec = load(replay)
    f = failure(checks.network_exists, "host")
    assert (f.expected, f.actual) == ("드라이버 bridge", "드라이버 host")
    created = dt.datetime.fromisoformat(rec["networks"]["net"]["Created"][:26] + "+00:00")
    f = failure(checks.network_exists, NET, since=created + dt.timedelta(minutes=1))
    assert f.actual.endswith("(예전에 남은 것)") and "다시 실행" in f.hint


# -- on_network ------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["api", "web_local", "two", "stopped"])
def test_on_network_passes_for_containers_on_it_running_or_not(replay, key):
    load(replay, key)
    assert checks.on_network(name(key), NET) is True


@pytest.mark.parametrize(("key", "actual", "hint"), [
    ("old", "기본 브리지(bridge)에만 연결", "h.network_connect('recordtest8-net', 'recordtest8-old')"),
    ("cut_off", "어느 네트워크에도 연결되지 않음", "network='recordtest8-net'"),
    ("alone", "none에 연결", "--network none인 컨테이너는 다른 네트워크에 연결할 수 없습니다"),
    ("hostnet", "host에 연결", "--network host인 컨테이너는 다른 네트워크에 연결할 수 없습니다"),
])
def test_on_network_says_where_the_container_is_instead(replay, key, actual, hint):
    load(replay, key)
    f = failure(checks.on_network, name(key), NET)
    assert f.what == f"컨테이너 '{name(key)}'이(가) 네트워크 '{NET}'에 연결되어 있어야 합니다."
    assert (f.expected, f.actual) == (f"{NET}에 연결", actual)
    assert hint in f.hint


def test_on_network_only_fails_for_a_second_network(replay):
    load(replay, "two", "api")
    assert checks.on_network(name("api"), NET, only=True) is True
    f = failure(checks.on_network, name("two"), NET, only=True)
    assert (f.expected, f.actual) == (f"{NET}에만 연결", f"bridge, {NET}에 연결")
    assert f.hint == "h.network_disconnect('bridge', 'recordtest8-two')로 연결을 끊으세요."


def test_on_network_of_a_missing_container(replay):
    load(replay, "api")
    f = failure(checks.on_network, "recordtest8-web", NET)
    assert f.actual.startswith("없음 (비슷한 이름: ")


# -- no_network ------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["alone", "cut_off"])
def test_no_network_passes_for_none_and_for_every_network_disconnected(replay, key):
    load(replay, key)
    assert checks.no_network(name(key)) is True


@pytest.mark.parametrize(("key", "actual"), [
    ("old", "--network default (기본 브리지(bridge)에만 연결)"),
    ("hostnet", "--network host (host에 연결)"),
    ("api", f"--network {NET} ({NET}에 연결)"),
])
def test_no_network_fails_for_any_network(replay, key, actual):
    load(replay, key)
    f = failure(checks.no_network, name(key))
    assert (f.expected, f.actual) == ("--network none (lo만 있음)", actual)
    assert f"h.run(..., name='{name(key)}', network='none')" in f.hint


# -- published_on ----------------------------------------------------------------------------------

def test_published_on_passes_for_a_loopback_only_port_and_returns_it(replay):
    load(replay, "web_local")
    assert checks.published_on(name("web_local"), 8000) == 38088
    assert checks.published_on(name("web_local"), "8000/tcp", "127.0.0.1", host_port=38088) == 38088


def test_published_on_fails_for_a_port_open_on_every_address(replay):
    load(replay, "web_all")
    f = failure(checks.published_on, name("web_all"), 8000, host_port=38089)
    assert f.what.endswith("포트는 호스트의 127.0.0.1에만 게시되어야 합니다 (다른 컴퓨터에서 닿지 않게).")
    assert (f.expected, f.actual) == ("127.0.0.1:38089 -> 8000/tcp", "0.0.0.0:38089 -> 8000/tcp (모든 주소에 열림)")
    assert "ports='127.0.0.1:38089:8000'" in f.hint and "h.rm('recordtest8-web-all', force=True)" in f.hint


def test_published_on_fails_first_for_no_or_another_host_port(replay):
    load(replay, "api", "web_local")
    assert failure(checks.published_on, name("api"), 8000).actual == "게시 없음"
    f = failure(checks.published_on, name("web_local"), 8000, host_port=28088)
    assert (f.expected, f.actual) == ("28088 -> 8000/tcp", "38088 -> 8000/tcp")


# -- name_resolves ---------------------------------------------------------------------------------

def test_name_resolves_looks_again_inside_and_finds_the_address_in_the_captured_output(replay):
    rec = load(replay, "web_local", "api", lookups=("getent_api_from_web", "nslookup_from_web"))
    captured = rec["lookups"]["getent_api_from_web"]["output"]
    assert checks.name_resolves(name("web_local"), name("api"), captured) == ip("api")
    assert checks.name_resolves(name("web_local"), name("api")) == ip("api")  # no captured output: the lookup only
    assert ("exec", rec["containers"]["web_local"]["Id"], f"getent hosts {name('api')}", None, "", None) in replay.calls


def test_name_resolves_uses_nslookup_where_there_is_no_getent(replay):
    rec = load(replay, "two", "api", lookups=("getent_from_two", "nslookup_api_from_two"))
    busybox_output = rec["lookups"]["nslookup_api_from_two"]["output"]
    assert "127.0.0.11" in busybox_output  # the engine's DNS server is named first, and is not the answer
    assert checks.name_resolves(name("two"), name("api"), busybox_output) == ip("api")


@pytest.mark.parametrize("captured", ["", "recordtest8-api", "172.17.0.2      recordtest8-api"])
def test_name_resolves_fails_for_a_captured_output_without_the_address(replay, captured):
    load(replay, "web_local", "api", lookups=("getent_api_from_web",))
    f = failure(checks.name_resolves, name("web_local"), name("api"), captured)
    assert f.what == (f"lookup에는 '{name('web_local')}' 안에서 '{name('api')}'을(를) 찾은 결과(그 IP 주소)가 들어 "
                      "있어야 합니다.")
    assert (f.expected, f.actual) == (f"{ip('api')} 포함", " ".join(captured.split()) or "빈 문자열")
    assert f"h.exec('{name('web_local')}', 'getent hosts {name('api')}')" in f.hint


def test_name_resolves_fails_when_the_name_is_not_found_and_says_where_both_are(replay):
    load(replay, "web_local", "old", lookups=("getent_old_from_web",))
    f = failure(checks.name_resolves, name("web_local"), name("old"), "")
    assert f.what.endswith("'(이)라는 이름을 찾을 수 있어야 합니다 (채점기가 지금 다시 찾아봄).")
    assert (f.expected, f.actual) == (f"{name('old')} → IP 주소",
                                      f"찾지 못함 ('{name('web_local')}'은(는) {NET}, '{name('old')}'은(는) bridge)")
    assert "기본 브리지(bridge)에서는 이름을 찾지 못합니다" in f.hint


def test_name_resolves_needs_a_running_container(replay):
    load(replay, "stopped")
    f = failure(checks.name_resolves, name("stopped"), name("api"))
    assert (f.expected, f.actual) == ("실행 중(running)", "종료됨(exited), 종료 코드 0")


# -- answers_http ----------------------------------------------------------------------------------

@pytest.fixture
def site():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            body = "web이 받은 API 응답: hello-from-api\n".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_answers_http_fetches_again_and_checks_the_body(no_engine, site):
    assert "hello-from-api" in checks.answers_http(site, "hello-from-api")
    f = failure(checks.answers_http, site, "hello-from-ex08-api")
    assert (f.expected, f.actual) == ("'hello-from-ex08-api' 포함", "web이 받은 API 응답: hello-from-api")


def test_answers_http_fails_when_nothing_answers(no_engine):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    f = failure(checks.answers_http, f"http://127.0.0.1:{port}/", timeout=0.3)
    assert f.expected == "응답" and f.actual.startswith("응답 없음 (")
