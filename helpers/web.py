"""Fetch a page served by a container (the httpd lesson), bounded in time."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from . import errors
from .display import say

PAGE_LIMIT = 1_000_000  # bytes of a page read at most (a course page is small; a flood is not read whole)


def get_page(url: str, timeout: float, limit: int = PAGE_LIMIT) -> tuple[int | None, str, str]:
    """GET ``url`` as the course's ``curl`` lines do: no proxy from the environment (the pages are the
    learner's own containers), retrying while the server starts, ``timeout`` seconds and ``limit`` bytes at
    most. Returns ``(status or None, body, why there was no answer)``. ``h.fetch`` and the grading checks
    both read pages through this one function."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    problem = ""
    while True:
        try:
            with opener.open(url, timeout=min(3.0, max(0.5, deadline - time.monotonic()))) as resp:
                return resp.status, resp.read(limit).decode("utf-8", "replace"), ""
        except urllib.error.HTTPError as exc:  # the server answered, with an error page
            return exc.code, exc.read(limit).decode("utf-8", "replace"), ""
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            problem = "연결이 거부됨" if isinstance(reason, ConnectionRefusedError) else str(reason)[:60]
        if time.monotonic() >= deadline:
            return None, "", problem
        time.sleep(0.2)


def fetch(url: str, timeout: float = 10) -> str:
    """GET ``url`` and return the body, retrying while the server starts (at most ``timeout`` s).
    Similar to ``curl URL``; an error page (404, 500 ...) is returned as curl shows it. Introduced in chapter 03."""
    say(f"$ curl {url}")
    status, body, problem = get_page(url, timeout)
    if status is not None:
        return body
    raise errors.CourseError(
        f"{url} 에서 응답이 없습니다.",
        hint="`h.port(이름)`으로 호스트 포트가 연결되어 있는지, 컨테이너가 실행 중인지 확인하세요.",
        cause=problem,
    )
