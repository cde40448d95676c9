"""helpers.errors: every docker failure the course meets becomes one typed, Korean course error.

The exception texts below were recorded from engine 20.10.24 (API 1.41) with docker SDK 7.2.
"""

from __future__ import annotations

import re
import subprocess
import sys

import docker.errors as de
import pytest
import requests
import urllib3

from helpers import errors
from helpers.errors import translate

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def api_error(status: int, explanation: str, url: str = "http+docker://localhost/v1.41/x", cls=de.APIError):
    """An APIError exactly as docker-py builds it from an engine response."""
    response = requests.Response()
    response.status_code = status
    response.url = url
    response.reason = {400: "Bad Request", 404: "Not Found", 409: "Conflict", 500: "Internal Server Error"}[status]
    return cls(requests.HTTPError(response=response), response=response, explanation=explanation)


def _chained_version_error() -> de.DockerException:
    """docker.DockerClient(version='auto') against a missing socket: DockerException from ConnectionError."""
    try:
        try:
            raise requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError(
                "Connection aborted.", FileNotFoundError(2, "No such file or directory")))
        except requests.exceptions.ConnectionError as e:
            raise de.DockerException(f"Error while fetching server API version: {e}") from e
    except de.DockerException as exc:
        return exc


CASES = [
    ("image not found", api_error(404, "no such image: nope:1: No such image: nope:1", cls=de.ImageNotFound),
     errors.ImageNotFound),
    ("no such container", api_error(404, "No such container: web", cls=de.NotFound), errors.ContainerNotFound),
    ("invalid reference format",
     api_error(400, "invalid reference format: repository name must be lowercase"), errors.InvalidName),
    ("invalid reference on get (says 'no such image' too)",
     api_error(400, "no such image: UPPER:x: invalid reference format: repository name must be lowercase"),
     errors.InvalidName),
    ("port already allocated",
     api_error(500, "driver failed programming external connectivity on endpoint x (abc): "
                    "Bind for 0.0.0.0:8080 failed: port is already allocated"), errors.PortInUse),
    ("host port used by another program",
     api_error(500, "driver failed programming external connectivity on endpoint x (abc): Error starting userland "
                    "proxy: listen tcp4 0.0.0.0:8080: bind: address already in use"), errors.PortInUse),
    ("name in use",
     api_error(409, 'Conflict. The container name "/web" is already in use by container "7b3b4b07a899". '
                    "You have to remove (or rename) that container to be able to reuse that name."),
     errors.NameInUse),
    ("running container removal",
     api_error(409, "You cannot remove a running container 7b3b. Stop the container before attempting removal "
                    "or force remove"), errors.ContainerRunning),
    ("paused container removal",
     api_error(409, "You cannot remove a paused container 7b3b. Unpause and then stop the container before "
                    "attempting removal or force remove"), errors.ContainerRunning),
    ("paused container removal (Engine 28)",
     api_error(409, 'cannot remove container "7b3b": container is paused and must be unpaused first'),
     errors.ContainerRunning),
    ("running container removal (Engine 28)",
     api_error(409, 'cannot remove container "7b3b": container is running: stop the container before removing or '
                    "force remove"), errors.ContainerRunning),
    ("a network that is not there, found at start (Engine 28)",
     api_error(404, "failed to set up container networking: network itest-nope not found"), errors.NetworkNotFound),
    ("image in use (by id)",
     api_error(409, "conflict: unable to delete 4d610a580abe (must be forced) - image is being used by stopped "
                    "container d257ca7bbc90"), errors.ImageInUse),
    ("image in use (by name)",
     api_error(409, 'conflict: unable to remove repository reference "probe/committed:1" (must force) - '
                    "container d257ca7bbc90 is using its referenced image 4d610a580abe"), errors.ImageInUse),
    ("not running", api_error(409, "Container 7b3b is not running"), errors.ContainerNotRunning),
    ("pause on a rootless engine without cgroups (cgroup v1)",
     api_error(500, "Cannot pause container 7b3b: cannot toggle freezer: cgroups not configured for container"),
     errors.FeatureMissing),
    ("registry: no such host",
     api_error(500, 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on '
                    "10.255.255.53:53: no such host"), errors.RegistryUnavailable),
    ("registry: local registry refused",
     api_error(500, 'Get "http://127.0.0.1:18099/v2/": dial tcp 127.0.0.1:18099: connect: connection refused'),
     errors.RegistryUnavailable),
    ("registry: https to an http registry",
     api_error(500, 'Get "https://10.0.0.5:5000/v2/": http: server gave HTTP response to HTTPS client'),
     errors.RegistryUnavailable),
    ("manifest unknown (404 from a registry)",
     api_error(404, "manifest for 127.0.0.1:5050/itest/x:nope not found: manifest unknown: manifest unknown",
               cls=de.NotFound), errors.ImageNotFound),
    ("start: misspelled program (chapter 12)",
     api_error(400, 'failed to create shim task: OCI runtime create failed: runc create failed: unable to start '
                    'container process: exec: "pyhton3": executable file not found in $PATH: unknown'),
     errors.CommandNotFound),
    ("permission denied (PermissionError)", PermissionError(13, "Permission denied"), errors.PermissionDenied),
    ("permission denied (CLI wording)",
     de.DockerException("permission denied while trying to connect to the Docker daemon socket at "
                        "unix:///var/run/docker.sock"), errors.PermissionDenied),
    ("connection refused (tcp DOCKER_HOST)",
     requests.exceptions.ConnectionError(
         "HTTPConnectionPool(host='127.0.0.1', port=2375): Max retries exceeded with url: /v1.41/containers/json "
         "(Caused by NewConnectionError(': Failed to establish a new connection: [Errno 111] Connection refused'))"),
     errors.DockerNotRunning),
    ("connection refused (socket gone)",
     requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError(
         "Connection aborted.", ConnectionRefusedError(111, "Connection refused"))), errors.DockerNotRunning),
    ("socket file missing (as docker-py raises it)", _chained_version_error(), errors.DockerNotRunning),
]


@pytest.mark.parametrize(("exc", "kind"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_translate_picks_the_typed_course_error(exc, kind):
    err = translate(exc, what="web")
    assert type(err) is kind, f"{type(err).__name__}: {err}"
    assert HANGUL.search(err.message), err.message
    assert err.cause  # the raw engine text is kept for the curious


def test_translate_connection_refused_is_not_a_registry_problem():
    exc = requests.exceptions.ConnectionError("('Connection aborted.', ConnectionRefusedError(111, "
                                              "'Connection refused'))")
    assert isinstance(translate(exc), errors.DockerNotRunning)
    assert not isinstance(translate(exc), errors.RegistryUnavailable)


def test_translate_names_what_was_asked_for():
    err = translate(api_error(404, "No such container: web", cls=de.NotFound), what="web")
    assert "'web'" in err.message
    err = translate(api_error(404, "no such image: x:1: No such image: x:1", cls=de.ImageNotFound), what="x:1")
    assert "'x:1'" in err.message


def test_translate_keeps_course_errors_and_falls_back_to_the_base_class():
    original = errors.PortInUse()
    assert translate(original) is original
    other = translate(api_error(500, "something nobody expected"), what="run")
    assert type(other) is errors.CourseError and "run" in other.message


def test_every_course_error_has_a_korean_message_and_hint():
    kinds = [k for k in vars(errors).values()
             if isinstance(k, type) and issubclass(k, errors.CourseError) and k is not errors.CheckFailed]
    assert len(kinds) >= 14
    for kind in kinds:
        err = kind()
        assert HANGUL.search(err.message), kind
        if kind is not errors.CourseError:
            assert HANGUL.search(err.hint), kind


def test_str_is_message_hint_and_a_short_cause():
    err = errors.DockerNotRunning(cause="x " * 500)
    text = str(err).splitlines()
    assert text[0] == "Docker 엔진에 연결할 수 없습니다."
    assert text[1].startswith("  해결: ")
    assert text[2].startswith("  (원인: ") and len(text[2]) < 320 and text[2].endswith("…)")


def test_render_traceback_is_one_short_korean_block():
    err = errors.PortInUse(cause="Bind for 0.0.0.0:8080 failed: port is already allocated")
    try:
        raise err from RuntimeError("deep SDK frames")
    except errors.PortInUse as caught:
        shown = caught._render_traceback_()
    assert len(shown) == 1
    block = shown[0]
    assert block.startswith("PortInUse: 호스트 포트가 이미 사용 중입니다.")
    assert "Traceback" not in block and "File " not in block
    assert len(block.splitlines()) <= 4
    html = err._repr_html_()
    assert html.startswith("<pre") and "PortInUse" in html and "&lt;" not in "PortInUse"


def test_ipython_shows_the_short_block_not_a_traceback(tmp_path):
    pytest.importorskip("IPython")
    code = (
        "from IPython.testing.globalipapp import start_ipython\n"
        "ip = start_ipython()\n"
        "ip.run_cell('import helpers as h\\n"
        "def deep():\\n    raise h.errors.ContainerNotFound(\"그런 컨테이너 없음\")\\n"
        "deep()')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={"IPYTHONDIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    shown = run.stdout + run.stderr
    assert "ContainerNotFound: 그런 컨테이너 없음" in shown
    assert "Traceback" not in shown and "def deep" not in shown and "deep()" not in shown


def test_translate_engine_down_message_without_a_cause_chain():
    exc = de.DockerException("Error while fetching server API version: ('Connection aborted.', "
                             "FileNotFoundError(2, 'No such file or directory'))")
    assert isinstance(translate(exc), errors.DockerNotRunning)
