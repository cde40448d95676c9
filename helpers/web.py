"""Fetch a page served by a container (the httpd lesson), bounded in time."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from . import errors
from .display import say


def fetch(url: str, timeout: float = 10) -> str:
    """GET ``url`` and return the body, retrying while the server starts (at most ``timeout`` s)."""
    say(f"$ curl {url}")
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:  # the server answered (404, 500 ...): show its page, as curl does
            return exc.read().decode("utf-8", "replace")
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            last = exc
            time.sleep(0.2)
    raise errors.CourseError(
        f"{url} 에서 응답이 없습니다.",
        hint="`h.port(이름)`으로 호스트 포트가 연결되어 있는지, 컨테이너가 실행 중인지 확인하세요.",
        cause=str(last),
    )
