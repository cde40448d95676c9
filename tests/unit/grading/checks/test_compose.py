"""helpers.grading.checks.compose over recorded answers (``recorded/compose.json``, made by ``record_compose.py``):
the project ``recordtest9`` as the chapter 09 exercise asks (web built, port on 127.0.0.1, ``.env``, volume,
network, healthy; two workers waiting for ``service_healthy``), ``recordtest9b`` with the typical mistakes, and the
engine's events of ``down -v``. Compose's labels are the only way in, so the engine here answers label filters."""

from __future__ import annotations

import base64
import copy
import http.server
import threading

import docker.errors as de
import pytest
from docker.models.containers import Container

from helpers._state import STATE
from helpers.grading import checks

from ..replay import failure, recorded

REC = recorded("compose")
GOOD, BAD = "recordtest9", "recordtest9b"


def _matches(labels: dict, filters: dict | None) -> bool:
    wanted = (filters or {}).get("label") or []
    for want in [wanted] if isinstance(wanted, str) else wanted:
        key, _, value = want.partition("=")
        if key not in (labels or {}) or (value and labels[key] != value):
            return False
    return True


class ComposeEngine:
    """Just what the compose checks ask, answered from the records (label filters included).

    ``containers``, ``images``, ``volumes``, ``networks`` hold the records (editable); ``client.api`` is
    :class:`_Api`, ``client.containers`` is :class:`_Containers`."""

    def __init__(self, *projects: str):
        rec = recorded("compose")
        self.records = {c["Id"]: c for p in projects for c in rec["projects"][p]["containers"]}
        self.images = {i["Id"]: i for p in projects for i in rec["projects"][p]["images"]}
        self.volumes = {v["Name"]: v for p in projects for v in rec["projects"][p]["volumes"]}
        self.networks = [n for p in projects for n in rec["projects"][p]["networks"]]
        self.archives = rec["archives"]
        self.event_log = rec["events"]["down_v"]["log"]
        self.system_time = rec["engine"]["SystemTime"]
        self.api = _Api(self)
        self.containers = _Containers(self)

    def info(self):
        return {"SystemTime": self.system_time}

    def events(self, since=None, until=None, filters=None, decode=True):
        f = filters or {}
        kinds, actions = f.get("type"), f.get("event") or []
        found = []
        for e in self.event_log:
            if kinds and e["Type"] not in ([kinds] if isinstance(kinds, str) else kinds):
                continue
            if actions and e["Action"] not in actions:
                continue
            if "volume" in f and e["Actor"]["ID"] != f["volume"]:
                continue
            if "label" in f and not _matches(e["Actor"].get("Attributes"), {"label": f["label"]}):
                continue
            found.append(e)
        return iter(found)


class _Containers:
    def __init__(self, e: ComposeEngine):
        self.e = e

    def list(self, all=False, filters=None):  # noqa: A002
        return [self.get(cid) for cid, c in self.e.records.items()
                if _matches(c["Config"]["Labels"], filters) and (all or c["State"]["Status"] == "running")]

    def get(self, cid):
        if cid not in self.e.records:
            raise de.NotFound(f"No such container: {cid}")
        return Container(attrs=copy.deepcopy(self.e.records[cid]), client=self.e, collection=self)


class _Api:
    def __init__(self, e: ComposeEngine):
        self.e = e

    def containers(self, all=False, filters=None):  # noqa: A002
        return [{"Id": c["Id"], "Names": [c["Name"]], "Labels": c["Config"]["Labels"], "State": c["State"]["Status"]}
                for c in self.e.records.values() if _matches(c["Config"]["Labels"], filters)]

    def inspect_image(self, image):
        return copy.deepcopy(self.e.images[image])

    def networks(self, names=None, filters=None):
        return [copy.deepcopy(n) for n in self.e.networks if _matches(n.get("Labels"), filters)]

    def volumes(self, filters=None):
        return {"Volumes": [copy.deepcopy(v) for v in self.e.volumes.values() if _matches(v["Labels"], filters)]}

    def inspect_volume(self, name):
        return copy.deepcopy(self.e.volumes[name])

    def get_archive(self, cid, path):
        found = self.e.archives.get(cid, {}).get(path)
        if found is None:
            raise de.NotFound("404 Client Error: Not Found")
        return iter([base64.b64decode(found["tar_base64"])]), found["stat"]


@pytest.fixture
def engine(monkeypatch):
    """``engine(*projects)`` installs a :class:`ComposeEngine` with those recorded projects as the helpers' client."""
    def install(*projects: str) -> ComposeEngine:
        e = ComposeEngine(*projects)
        monkeypatch.setattr(STATE, "client", e)
        monkeypatch.setattr(STATE, "base_url", "unix:///fake.sock")
        return e
    return install


def web_id(project: str = GOOD) -> str:
    return next(c["Id"] for c in REC["projects"][project]["containers"] if c["Name"].endswith("-web-1"))


def test_the_exercise_as_asked_passes_every_check(engine, capsys):
    engine(GOOD)
    assert checks.compose_service_running(GOOD, "web")
    assert checks.compose_service_running(GOOD, "worker", replicas=2)
    assert checks.compose_built(GOOD, "web") and checks.compose_built(GOOD, "worker")
    assert checks.compose_env(GOOD, "web", "GREETING", "반가워요")
    assert checks.compose_published(GOOD, "web", 8000, 38089, host_ip="127.0.0.1")
    assert checks.compose_healthy(GOOD, "web", wait=0)
    assert checks.compose_depends_on(GOOD, "worker", "web", "service_healthy")
    assert checks.compose_network(GOOD, "back", ["web", "worker"])
    assert checks.compose_volume(GOOD, "data", "web", "/data")
    assert checks.compose_counter(GOOD, "web", "/data/count", 2, at_least=2, what="page_after")
    before, after = "hi! 1 (0123456789ab)", f"hi! 3 ({web_id()[:12]})"
    assert checks.compose_recreated(GOOD, "web", before, after)
    assert capsys.readouterr() == ("", "")  # checks print nothing


def test_a_port_on_every_address_is_not_127_0_0_1(engine):
    engine(BAD)
    f = failure(checks.compose_published, BAD, "web", 8000, 38090, host_ip="127.0.0.1")
    assert f.expected == "127.0.0.1:38090 -> 8000/tcp"
    assert f.actual == "0.0.0.0:38090 -> 8000/tcp"  # the IPv6 twin is not listed
    assert "따옴표" in f.hint


def test_depends_on_by_name_only_waits_for_started_not_healthy(engine):
    engine(BAD)
    f = failure(checks.compose_depends_on, BAD, "worker", "web", "service_healthy")
    assert (f.expected, f.actual) == ("web: service_healthy", "web: service_started")
    assert "condition: service_healthy" in f.hint


def test_no_healthcheck_no_volume_no_network_no_build(engine):
    engine(BAD)
    assert failure(checks.compose_healthy, BAD, "web", wait=0).actual == "헬스체크 없음"
    assert failure(checks.compose_volume, BAD, "data", "web", "/data").actual == "없음"
    net = failure(checks.compose_network, BAD, "back", ["web"])
    assert net.actual == "없음 (있는 것: default)"
    built = failure(checks.compose_built, BAD, "worker")
    assert built.actual == "python:3.11-slim" and "build:" in built.hint
    assert failure(checks.compose_env, BAD, "web", "GREETING", "반가워요").actual == "GREETING=hello"


def test_a_wrong_project_name_is_named(engine):
    engine(GOOD, BAD)
    f = failure(checks.compose_service_running, "ex09", "web")
    assert f.actual == f"다른 프로젝트 이름으로 떠 있음: {GOOD}, {BAD}"
    assert "name: ex09" in f.hint
    missing = failure(checks.compose_service_running, GOOD, "db")
    assert missing.actual == "없음 (이 프로젝트의 서비스: web, worker)"


def test_nothing_up_and_a_stopped_service(engine):
    e = engine()
    f = failure(checks.compose_service_running, GOOD, "web")
    assert f.actual == "없음 (프로젝트가 없음)" and "h.compose_up()" in f.hint
    e = engine(GOOD)
    e.records[web_id()]["State"].update(Status="exited", ExitCode=1, Running=False)
    stopped = failure(checks.compose_service_running, GOOD, "web")
    assert stopped.actual.endswith("종료됨(exited), 종료 코드 1") and "h.compose_logs('web')" in stopped.hint


def test_replicas_are_counted_running_only(engine):
    e = engine(GOOD)
    assert failure(checks.compose_service_running, GOOD, "worker", replicas=3).expected == "3개"
    worker = next(c for c in e.records.values() if c["Name"].endswith("worker-2"))
    worker["State"]["Status"] = "exited"
    f = failure(checks.compose_service_running, GOOD, "worker", replicas=2)
    assert f.actual.startswith("1개 (") and "--scale worker=2" in f.hint


def test_an_unhealthy_service_shows_its_last_probe(engine):
    e = engine(GOOD)
    health = e.records[web_id()]["State"]["Health"]
    health["Status"] = "unhealthy"
    health["Log"] = [{"Output": "Traceback ... ConnectionRefusedError", "ExitCode": 1}]
    f = failure(checks.compose_healthy, GOOD, "web", wait=0)
    assert f.actual == "unhealthy (Traceback ... ConnectionRefusedError)"


def test_the_counter_must_go_on_and_not_exceed_the_file(engine):
    engine(GOOD)
    restarted = failure(checks.compose_counter, GOOD, "web", "/data/count", 1, at_least=2, what="page_after")
    assert (restarted.expected, restarted.actual) == ("2 이상", "1 (web의 /data/count: 3)")
    assert "down -v 말고 down" in restarted.hint
    made_up = failure(checks.compose_counter, GOOD, "web", "/data/count", 99, at_least=2, what="page_after")
    assert made_up.expected == "3 이하"
    assert failure(checks.compose_counter, GOOD, "web", "/data/count", "3", what="page_after").expected == "정수(int)"


def test_recreated_means_another_container_answered_before(engine):
    engine(GOOD)
    now = web_id()[:12]
    same = failure(checks.compose_recreated, GOOD, "web", f"hi! 1 ({now})", f"hi! 4 ({now})")
    assert same.actual == f"같은 컨테이너 {now}"
    forged = failure(checks.compose_recreated, GOOD, "web", "hi! 1 (0123456789ab)", "hi! 4 (ffffffffffff)")
    assert forged.expected == f"컨테이너 {now}의 응답"


def test_project_down_needs_everything_gone_and_a_destroy_since_the_start(engine):
    e = engine(GOOD)
    left = failure(checks.compose_project_down, GOOD, volumes=["data"])
    assert "recordtest9-web-1(실행 중(running))" in left.actual
    e.records.clear()
    assert failure(checks.compose_project_down, GOOD, volumes=["data"]).actual == "recordtest9_back"
    e.networks = []
    assert failure(checks.compose_project_down, GOOD, volumes=["data"]).actual == "아직 있음"
    e.volumes = {}
    since = REC["events"]["down_v"]["since"]
    assert checks.compose_project_down(GOOD, volumes=["data"], since=since)
    e.event_log = []  # a blank notebook: nothing was ever up
    never = failure(checks.compose_project_down, GOOD, volumes=["data"], since=since)
    assert never.actual == "지운 기록 없음"


def test_page_contains_asks_the_page_again(engine):
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write("반가워요! 방문 7번째".encode())

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    try:
        assert "방문 7번째" in checks.page_contains(url, "반가워요")
        assert failure(checks.page_contains, url, "안녕").expected == "'안녕' 포함"
    finally:
        server.shutdown()
        server.server_close()
    assert failure(checks.page_contains, url, "반가워요", timeout=0.3).actual.startswith("응답 없음")


def test_number_in_reads_the_learners_page():
    assert checks.number_in("반가워요! 방문 12번째 (abc)", r"방문 (\d+)번째", what="page") == 12
    f = failure(checks.number_in, "404 Not Found", r"방문 (\d+)번째", what="page")
    assert f.actual == "404 Not Found"
