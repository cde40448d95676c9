"""Typed course errors: a short Korean message, a hint, and the cause.

Every helper turns docker SDK and connection failures into one of these, so a learner sees
what happened and what to do next instead of a long traceback, and graders can tell cases apart.
"""

from __future__ import annotations

import html
import re


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
    message = "같은 이름의 컨테이너가 이미 있는데, 이 과정이 만든 것이 아니라서 건드리지 않았습니다."
    hint = "다른 `name=`을 쓰거나, 직접 만든 그 컨테이너를 `docker rm`으로 지운 뒤 다시 실행하세요."


class PortInUse(CourseError):
    message = "호스트 포트가 이미 사용 중입니다."
    hint = "다른 호스트 포트를 고르거나(예: ports={'80/tcp': 8081}), 임의 포트(publish_all=True)를 쓰세요."


class ContainerRunning(CourseError):
    message = "실행 중인 컨테이너라서 지울 수 없습니다."
    hint = "먼저 `h.stop(...)`으로 멈추거나 `h.rm(..., force=True)`를 쓰세요."


class ContainerNotRunning(CourseError):
    message = "컨테이너가 실행 중이 아닙니다."
    hint = "`h.start(...)`로 먼저 시작하세요."


class ImageInUse(CourseError):
    message = "이 이미지를 쓰는 컨테이너가 있어서 지울 수 없습니다."
    hint = "그 컨테이너를 먼저 `h.rm(...)`으로 지우거나 `h.rmi(..., force=True)`를 쓰세요."


class ContainerTimeout(CourseError):
    message = "컨테이너가 제한 시간 안에 끝나지 않았습니다."
    hint = "계속 실행되는 프로그램(웹 서버, 셸)은 `detach=True`로 백그라운드에서 실행하세요."


class RegistryUnavailable(CourseError):
    message = "이미지 레지스트리에 연결할 수 없습니다."
    hint = (
        "이 과정은 폐쇄망에서도 동작합니다: 필요한 이미지는 `h.kit.ensure()`가 로컬에서 빌드하고, "
        "push/pull 실습은 `h.registry.start()`로 띄운 로컬 레지스트리를 씁니다."
    )


class StreamError(CourseError):
    message = "pull/push/build 도중 엔진이 오류를 보냈습니다."
    hint = "아래 원인을 읽고 Dockerfile이나 이미지 이름을 고친 뒤 다시 실행하세요."


class KitError(CourseError):
    message = "과정 이미지(오프라인 키트)를 준비하지 못했습니다."
    hint = "root 권한의 Debian/Ubuntu에서 `bash tools/setup.sh`를 실행하거나, 레지스트리에 연결된 곳에서 준비하세요."


class CheckFailed(CourseError, AssertionError):
    """A graded check found the engine in a different state than the task asks for."""

    message = "채점 조건을 만족하지 않습니다."
    hint = ""


_PORT_RE = re.compile(r"(?:0\.0\.0\.0|127\.0\.0\.1|\[::\]|::)?:?(\d+)")


def translate(exc: BaseException, *, what: str = "") -> CourseError:
    """Map a docker SDK / requests exception to the matching course error."""
    import docker.errors as de

    if isinstance(exc, CourseError):
        return exc
    text = str(exc)
    low = text.lower()
    if "invalid reference format" in low or "repository name must" in low or "invalid tag" in low:
        return InvalidName(f"'{what}'은(는) 올바른 이름이 아닙니다." if what else None, cause=text)
    if isinstance(exc, de.ImageNotFound) or "no such image" in low:
        return ImageNotFound(f"이미지 '{what}'을(를) 찾을 수 없습니다." if what else None, cause=text)
    if isinstance(exc, de.NotFound):
        if "no such container" in low:
            return ContainerNotFound(f"컨테이너 '{what}'이(가) 없습니다." if what else None, cause=text)
        if "manifest unknown" in low or "not found" in low and "manifest" in low:
            return ImageNotFound(f"레지스트리에 '{what}' 태그가 없습니다." if what else None, cause=text)
        return ContainerNotFound(f"'{what}'을(를) 찾을 수 없습니다." if what else None, cause=text)
    if "port is already allocated" in low or "address already in use" in low:
        return PortInUse(cause=text)
    if "is already in use by container" in low:
        return NameInUse(cause=text)
    if "stop the container before" in low or "cannot remove a running container" in low:
        return ContainerRunning(cause=text)
    if "is not running" in low:
        return ContainerNotRunning(cause=text)
    if "image is being used" in low or "conflict: unable to delete" in low or "unable to remove repository reference" in low or "image has dependent" in low:
        return ImageInUse(cause=text)
    if (
        "no such host" in low
        or "connection refused" in low and ("registry" in low or "/v2/" in low or "https://" in low)
        or "i/o timeout" in low
        or "server gave http response to https client" in low
        or "tls handshake timeout" in low
        or "dial tcp" in low
    ):
        return RegistryUnavailable(cause=text)
    if isinstance(exc, PermissionError) or "permission denied" in low and "sock" in low:
        return PermissionDenied(cause=text)
    if _is_connection_error(exc):
        return DockerNotRunning(cause=text)
    return CourseError(f"Docker 작업이 실패했습니다: {what}" if what else None, cause=text)


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
