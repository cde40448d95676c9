"""Before class: start every learner's server and engine through the hub's API, and say who is ready (Korean).

    python -m helpers.classroom warm          # bash tools/class.sh warm

Each learner's start is asked for at once; the hub runs them (the first start of a learner loads the kit into
the learner's engine, later ones find it on the learner's disk). The report gives, per learner, the seconds from
the request to a server that answers (its engine was ready before the server started).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .places import hub_dir


@dataclass
class Readiness:
    name: str
    ready: bool
    seconds: float
    note: str = ""

    def line(self) -> str:
        state = "준비됨" if self.ready else "준비 안 됨"
        return f"  {self.name:<20} {state:<8} {self.seconds:6.1f}초" + (f"   {self.note}" if self.note else "")


class HubAPI:
    """The hub's REST API with the class-admin service's token (``hub/admin-token``, root-only)."""

    def __init__(self, url: str, token: str | None = None):
        self.url = url.rstrip("/")
        self.token = token or (hub_dir() / "admin-token").read_text().strip()

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/hub/api{path}", data=data, method=method,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                text = response.read()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as exc:
            text = exc.read()
            try:
                return exc.code, json.loads(text)
            except ValueError:
                return exc.code, text.decode(errors="replace")

    def server(self, name: str) -> dict | None:
        status, user = self.call("GET", f"/users/{name}")
        if status != 200 or not isinstance(user, dict):
            return None
        return (user.get("servers") or {}).get("")


def start_one(api: HubAPI, name: str, timeout: float) -> Readiness:
    began = time.monotonic()
    status, body = api.call("POST", f"/users/{name}/server")
    if status not in (201, 202, 400):  # 400: already running
        return Readiness(name, False, time.monotonic() - began, f"시작 요청 실패 ({status}): {body}")
    while time.monotonic() - began < timeout:
        server = api.server(name)
        if server and server.get("ready"):
            return Readiness(name, True, time.monotonic() - began)
        if server is None and time.monotonic() - began > 5:
            return Readiness(name, False, time.monotonic() - began, "서버가 시작되지 못했습니다 (허브 로그를 보세요)")
        time.sleep(0.5)
    return Readiness(name, False, time.monotonic() - began, f"{timeout:g}초 안에 준비되지 않았습니다")


def warm(api: HubAPI, names: list[str], timeout: float = 900, echo=print) -> list[Readiness]:
    """Start ``names`` at once; print one Korean line each as they become ready, then a summary."""
    echo(f"[class] 학습자 {len(names)}명의 서버와 Docker 엔진을 시작합니다")
    results: list[Readiness] = []
    with ThreadPoolExecutor(max_workers=max(1, len(names))) as pool:
        for result in pool.map(lambda n: start_one(api, n, timeout), names):
            echo(result.line())
            results.append(result)
    ready = [r for r in results if r.ready]
    echo(f"[class] 준비됨 {len(ready)}/{len(results)}명" +
         (f", 가장 느린 학습자 {max(r.seconds for r in ready):.1f}초" if ready else ""))
    return results
