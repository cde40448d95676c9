"""helpers.grading.checks.dockerfile over recorded `docker image inspect` / `docker inspect` answers of images built
from small Dockerfiles (``recorded/dockerfile.json``): WORKDIR, EXPOSE, ENV, USER (looked up in the image's
/etc/passwd), the base image, the size, the user a running container runs as; and ``http_ok`` against a
small local HTTP server."""

from __future__ import annotations

import http.server
import socket
import threading

import pytest

from helpers.grading import checks

from ..replay import failure, recorded

DF = recorded("dockerfile")
KIT = {"python": "python:3.11-slim", "busybox": "busybox:1.35"}


@pytest.fixture
def df(replay):
    """The replay engine with the kit's python and busybox images; ``df.image(key)``/``df.container(key)`` load more."""

    class Loader:
        engine = replay

        @staticmethod
        def image(key: str) -> dict:
            rec = recorded("dockerfile")["images"][key]
            replay.inspect_images[rec["Id"]] = rec
            if rec["Id"] in DF["archives"]:
                replay.archives[rec["Id"]] = DF["archives"][rec["Id"]]
            return rec

        @staticmethod
        def container(key: str) -> dict:
            rec = recorded("dockerfile")["containers"][key]
            replay.inspect_containers[rec["Id"]] = rec
            replay.container_rows[rec["Id"]] = DF["containers_list"][key]
            if rec["Id"] in DF["archives"]:
                replay.archives[rec["Id"]] = DF["archives"][rec["Id"]]
            if key in DF["exec"]:
                done = DF["exec"][key]
                replay.exec_results["id -u"] = (done["stdout"].encode(), None, done["exit_code"])
            return rec

    Loader.image("python")
    Loader.image("busybox")
    return Loader


APP, BARE, ROOT, UID, GHOST, SITE = (f"recordtest-df/{k}:1" for k in ("app", "bare", "root_named", "uid_only", "ghost",
                                                                        "site"))


# -- image_workdir ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "path"), [("app", "/app"), ("app", "/app/"), ("root_named", "/app")])
def test_image_workdir_passes_for_the_folder_however_written(df, key, path):
    df.image(key)
    assert checks.image_workdir(f"recordtest-df/{key}:1", path) is True


def test_image_workdir_fails_without_a_workdir_and_says_which_line_to_write(df):
    df.image("bare")
    f = failure(checks.image_workdir, BARE, "/app")
    assert f.what == f"이미지 '{BARE}'의 작업 폴더(WORKDIR)는 /app이어야 합니다."
    assert (f.expected, f.actual) == ("/app", "없음 (/)")
    assert "WORKDIR /app" in f.hint and f"h.build('.', tag='{BARE}')" in f.hint and f"docker build -t {BARE} ." in f.hint


# -- image_exposes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("port", [8000, "8000", "8000/tcp"])
def test_image_exposes_passes_for_the_port_in_any_spelling(df, port):
    df.image("app")
    assert checks.image_exposes(APP, port) is True


@pytest.mark.parametrize(("key", "actual"), [("bare", "노출 포트 없음"), ("root_named", "8000/udp, 9000/tcp")])
def test_image_exposes_fails_and_lists_what_is_exposed(df, key, actual):
    df.image(key)
    f = failure(checks.image_exposes, f"recordtest-df/{key}:1", 8000)
    assert (f.expected, f.actual) == ("8000/tcp", actual)
    assert "EXPOSE 8000 줄" in f.hint and "없어도 -p로 게시는 됩니다" in f.hint


# -- image_env ------------------------------------------------------------------------------------------

def test_image_env_passes_for_the_value_or_just_the_name(df):
    df.image("app")
    assert checks.image_env(APP, "GREETING", "도커를 익히다") is True
    assert checks.image_env(APP, "GREETING") is True


def test_image_env_fails_for_another_value_and_shows_the_quotes_a_blank_needs(df):
    df.image("root_named")
    f = failure(checks.image_env, ROOT, "GREETING", "도커를 익히다")
    assert (f.expected, f.actual) == ("GREETING=도커를 익히다", "GREETING=안녕하세요")
    assert 'ENV GREETING="도커를 익히다" 줄' in f.hint and "따옴표" in f.hint


def test_image_env_fails_when_the_variable_is_missing(df):
    df.image("bare")
    f = failure(checks.image_env, BARE, "MODE", "dev")
    assert (f.expected, f.actual) == ("MODE=dev", "MODE 없음")
    assert "ENV MODE=dev 줄" in f.hint and "따옴표" not in f.hint


# -- image_user_not_root --------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "user"), [("app", "app"), ("uid_only", "10001:10001"), ("site", "nobody")])
def test_image_user_not_root_passes_and_returns_the_user(df, key, user):
    df.image(key)
    assert checks.image_user_not_root(f"recordtest-df/{key}:1") == user


@pytest.mark.parametrize(("key", "actual"), [("bare", "root (USER를 적지 않음)"), ("root_named", "root (uid 0, USER 'root')")])
def test_image_user_not_root_fails_for_root(df, key, actual):
    df.image(key)
    f = failure(checks.image_user_not_root, f"recordtest-df/{key}:1")
    assert f.what.endswith("root가 아닌 사용자로 실행되어야 합니다 (USER).")
    assert (f.expected, f.actual) == ("root가 아닌 사용자 (uid 0이 아님)", actual)
    assert "RUN useradd" in f.hint and "USER app" in f.hint


def test_image_user_not_root_fails_for_a_user_the_image_does_not_have(df):
    df.image("ghost")
    f = failure(checks.image_user_not_root, GHOST)
    assert f.actual == "ghost 없음 (이 이미지로는 컨테이너가 시작하지 못합니다)"


def test_image_user_not_root_reads_passwd_from_a_container_never_started_and_removed(df):
    df.image("app")
    checks.image_user_not_root(APP)
    made = [c for c in df.engine.calls if c[0] == "create"]
    assert made and not [c for c in df.engine.calls if c[0] == "start"]
    assert not df.engine._containers


# -- container_user_not_root ----------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "uid"), [("web_app", 10001), ("site_web", 65534)])
def test_container_user_not_root_passes_with_the_uid_id_prints(df, key, uid):
    df.container(key)
    assert checks.container_user_not_root(f"recordtest-df-{key}") == uid


@pytest.mark.parametrize(("key", "actual"), [("web_root", "root (uid 0, 사용자 설정 없음)"),
                                             ("web_user_root", "root (uid 0, 사용자 설정 'root')")])
def test_container_user_not_root_fails_for_root(df, key, actual):
    df.container(key)
    f = failure(checks.container_user_not_root, f"recordtest-df-{key}")
    assert (f.expected, f.actual) == ("root가 아닌 사용자 (uid 0이 아님)", actual)
    assert "USER 줄" in f.hint and "user='root'(-u root)를 주지 마세요" in f.hint


def test_container_user_not_root_without_id_in_the_image_reads_its_user(df):
    df.container("web_app")
    df.engine.exec_results["id -u"] = (b"", b'exec: "id": executable file not found in $PATH', 126)
    assert checks.container_user_not_root("recordtest-df-web_app") == 10001


def test_container_user_not_root_needs_a_running_container(df):
    df.container("stopped")
    f = failure(checks.container_user_not_root, "recordtest-df-stopped")
    assert f.expected == "실행 중(running)" and f.actual.startswith("종료됨(exited)")


# -- image_based_on ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "base"), [("app", "python:3.11-slim"), ("site", "busybox:1.35")])
def test_image_based_on_passes_for_the_last_stages_base(df, key, base):
    df.image(key)
    assert checks.image_based_on(f"recordtest-df/{key}:1", base) is True


@pytest.mark.parametrize(("key", "base", "actual"), [("site", "python:3.11-slim", "FROM busybox:1.35"),
                                                     ("app", "busybox:1.35", "FROM python:3.11-slim")])
def test_image_based_on_fails_and_names_the_kit_image_it_was_built_on(df, key, base, actual):
    df.image(key)
    f = failure(checks.image_based_on, f"recordtest-df/{key}:1", base)
    assert (f.expected, f.actual) == (f"FROM {base}", actual)
    assert f"마지막 스테이지를 FROM {base}" in f.hint


# -- image_size_under ---------------------------------------------------------------------------------

def test_image_size_under_passes_and_returns_the_size(df):
    rec = df.image("site")
    assert checks.image_size_under(SITE, 10) == rec["Size"]


def test_image_size_under_fails_with_the_size_as_docker_images_shows_it(df):
    df.image("app")
    f = failure(checks.image_size_under, APP, 10)
    assert (f.expected, f.actual) == ("10MB 이하", "164.0MB")
    assert "멀티 스테이지" in f.hint and "COPY --from=" in f.hint and f"h.history('{APP}')" in f.hint


# -- http_ok ----------------------------------------------------------------------------------------------

class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        body = "안녕하세요, 도커!".encode()
        self.send_response(200 if self.path == "/" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # a check prints nothing, and neither does its test server
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_http_ok_passes_and_returns_the_page(server, capsys):
    assert checks.http_ok(server + "/", contains="도커") == "안녕하세요, 도커!"
    assert capsys.readouterr() == ("", "")


def test_http_ok_fails_for_an_error_status(server):
    f = failure(checks.http_ok, server + "/nope")
    assert (f.expected, f.actual) == ("HTTP 200", "HTTP 404: 안녕하세요, 도커!")


def test_http_ok_fails_when_the_page_lacks_the_text(server):
    f = failure(checks.http_ok, server + "/", contains="도커를 익히다")
    assert (f.expected, f.actual) == ("'도커를 익히다' 포함", "안녕하세요, 도커!")


def test_http_ok_fails_when_nothing_listens_after_waiting_at_most_the_timeout():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    f = failure(checks.http_ok, f"http://127.0.0.1:{port}/", timeout=0.5)
    assert (f.expected, f.actual) == ("HTTP 200 응답", "응답 없음 (연결이 거부됨)")
    assert "h.port(이름)" in f.hint and "h.logs(이름)" in f.hint


def test_an_image_without_etc_passwd_and_without_user_runs_as_root(df):
    rec = df.image("bare")
    del df.engine.archives[rec["Id"]]  # as in an image FROM scratch
    f = failure(checks.image_user_not_root, BARE)
    assert f.actual == "root (USER를 적지 않음)"
