"""Print how the class server holds up: N learners log in, start, run chapter 02 and submit, all at once.

    sudo .venv/bin/python benchmarks/bench_class.py                  # 10 learners
    sudo .venv/bin/python benchmarks/bench_class.py --learners 2,5,10  # one class per size, smallest first

For each size N, a class of its own (``bash tools/class.sh up`` on a class root and ports of its own, learners
``bench01`` … ``benchNN``, down and removed afterwards; ``up`` provisions every learner's disk and engine with the
kit, and its time is printed):

1. every learner logs in through the hub's login form (first-use password) and asks for a server, at once;
   spawn-to-ready (request to a server that answers) per learner, and spawn-to-engine-ready as the hub logs it
   (the server starts meanwhile, at a lower priority until the engine is ready);
2. memory per learner once all are ready and idle (the learner's cgroup);
3. chapter 02's code cells through the kernel API (one kernel per learner), first one learner alone, then all N
   at once;
4. exercise 02 released, then every learner fetches and submits at once;
5. every server stopped, then all started again at once (the kit is on each learner's disk by then).

Targets (issue 17): at least 10 learners, spawn-to-engine-ready p95 <= 15 s. It prints figures and the largest N with
no failure; nothing is asserted on time. Needs root (and what ``tools/class.sh`` needs).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_classroom import Class, Session, call, free_port  # noqa: E402 - the tests' hub client

ASSIGNMENT = "02-hello-world"


def chapter_cells() -> list[str]:
    nb = json.loads((ROOT / "notebooks" / "02-hello-world.ipynb").read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


async def run_cells(base: str, token: str, user: str, cells: list[str], timeout: float = 300) -> tuple[float, int]:
    """(seconds, cells with an error) for ``cells`` in one new kernel of ``user``."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    began = time.monotonic()
    status, kernel = call(base, token, "POST", f"/user/{user}/api/kernels", {"name": "python3"})
    if status != 201:
        return time.monotonic() - began, len(cells)
    ws = await websocket_connect(HTTPRequest(base.replace("http", "ws", 1) + f"/user/{user}/api/kernels/{kernel['id']}/channels",
                                             headers={"Authorization": f"token {token}"}))
    errors = 0
    session = uuid.uuid4().hex
    try:
        for code in cells:
            msg_id = uuid.uuid4().hex
            await ws.write_message(json.dumps({
                "header": {"msg_id": msg_id, "username": user, "session": session, "msg_type": "execute_request",
                           "version": "5.3", "date": ""}, "parent_header": {}, "metadata": {}, "channel": "shell",
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": False}, "buffers": []}))
            while True:
                message = json.loads(await asyncio.wait_for(ws.read_message(), timeout))
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if message["msg_type"] == "error":
                    errors += 1
                if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                    break
    finally:
        ws.close()
        call(base, token, "DELETE", f"/user/{user}/api/kernels/{kernel['id']}")
    return time.monotonic() - began, errors


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def memory_of(name: str) -> int:
    from helpers.classroom.learner import Learner, slot_of

    cg = Learner(slot_of(name), name=name).cgroup
    group = cg.groups()[0]
    path = group / ("memory.current" if cg.v2 else "memory.usage_in_bytes")
    return int(path.read_text())


def engine_times(klass: Class) -> list[float]:
    """Every "engine ready in N s" the hub logged (one per learner's start), in order."""
    return [float(line.split(" in ")[1].split()[0]) for line in
            (klass.root / "hub" / "jupyterhub.log").read_text().splitlines() if "engine ready in" in line]


def one_class(n: int) -> dict:
    names = [f"bench{i:02d}" for i in range(1, n + 1)]
    began = time.monotonic()
    klass = Class(learners=tuple(names), instructor="benchteacher")
    out: dict = {"n": n, "failures": [], "class.sh up, with every learner provisioned (s)": time.monotonic() - began}
    try:
        began = time.monotonic()

        def start(name: str) -> tuple[str, float, bool]:
            t0 = time.monotonic()
            Session(klass.base).login(name, f"{name}-password")
            call(klass.base, klass.admin, "POST", f"/hub/api/users/{name}/server")
            while time.monotonic() - t0 < 900:
                status, user = call(klass.base, klass.admin, "GET", f"/hub/api/users/{name}")
                server = (user.get("servers") or {}).get("") if status == 200 else None
                if server and server.get("ready"):
                    return name, time.monotonic() - t0, True
                time.sleep(0.3)
            return name, time.monotonic() - t0, False

        with ThreadPoolExecutor(max_workers=n) as pool:
            spawned = list(pool.map(start, names))
        out["all ready (s)"] = time.monotonic() - began
        ready = [s for _, s, ok in spawned if ok]
        out["failures"] += [f"{name}: not ready" for name, _, ok in spawned if not ok]
        out["spawn-to-ready p50 (s)"], out["spawn-to-ready p95 (s)"] = pct(ready, 50), pct(ready, 95)
        engine = engine_times(klass)
        out["engine-ready p50 (s)"], out["engine-ready p95 (s)"] = pct(engine, 50), pct(engine, 95)
        time.sleep(3)
        mem = [memory_of(name) for name in names]
        out["memory per idle learner (MB, mean)"] = statistics.mean(mem) / 1e6
        tokens = {name: klass.token(name) for name in names}
        cells = chapter_cells()
        alone, errors = asyncio.run(run_cells(klass.base, tokens[names[0]], names[0], cells))
        out["ch02 alone (s)"] = alone
        if errors:
            out["failures"].append(f"ch02 alone: {errors} cells with an error")

        async def everyone():
            return await asyncio.gather(*(run_cells(klass.base, tokens[x], x, cells) for x in names))

        loaded = asyncio.run(everyone())
        out["ch02 under load p50 (s)"] = pct([s for s, _ in loaded], 50)
        out["ch02 under load max (s)"] = max(s for s, _ in loaded)
        out["failures"] += [f"{x}: ch02 {e} cells with an error" for x, (_, e) in zip(names, loaded) if e]
        mem = [memory_of(name) for name in names]
        out["memory per learner after ch02 (MB, mean)"] = statistics.mean(mem) / 1e6
        klass.nbgrader("release_assignment", ASSIGNMENT)

        def fetch_submit(name: str) -> bool:
            body = {"assignment_id": ASSIGNMENT, "course_id": "learn-docker-ko"}
            a = call(klass.base, tokens[name], "POST", f"/user/{name}/assignments/fetch", body)[1]
            b = call(klass.base, tokens[name], "POST", f"/user/{name}/assignments/submit", body)[1]
            return bool(isinstance(a, dict) and a.get("success") and isinstance(b, dict) and b.get("success"))

        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=n) as pool:
            done = list(pool.map(fetch_submit, names))
        out["fetch+submit, all at once (s)"] = time.monotonic() - began
        out["failures"] += [f"{x}: fetch/submit failed" for x, ok in zip(names, done) if not ok]
        # 5. everyone again after a stop (the kit and the work are on each learner's disk now)
        for name in names:
            call(klass.base, klass.admin, "DELETE", f"/hub/api/users/{name}/server")
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and any(
                (call(klass.base, klass.admin, "GET", f"/hub/api/users/{x}")[1].get("servers") or {}) for x in names):
            time.sleep(0.5)
        with ThreadPoolExecutor(max_workers=n) as pool:
            again = list(pool.map(start, names))
        ready = [s for _, s, ok in again if ok]
        out["restart spawn-to-ready p50 (s)"], out["restart spawn-to-ready p95 (s)"] = pct(ready, 50), pct(ready, 95)
        engine_again = engine_times(klass)[len(engine):]
        out["restart engine-ready p50 (s)"], out["restart engine-ready p95 (s)"] = pct(engine_again, 50), pct(engine_again, 95)
        out["failures"] += [f"{name}: not ready after a restart" for name, _, ok in again if not ok]
    finally:
        klass.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", default="10", help="class sizes, comma-separated (e.g. 2,5,10)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("root로 실행하세요: sudo .venv/bin/python benchmarks/bench_class.py", file=sys.stderr)
        return 2
    assert shutil.which("npm") and free_port()
    largest = 0
    for n in sorted(int(x) for x in args.learners.split(",")):
        result = one_class(n)
        print(f"\n== {n} learners ==")
        for key, value in result.items():
            if key not in ("n", "failures"):
                print(f"  {key:<42} {value:8.1f}")
        print("  failures: " + ("; ".join(result["failures"]) if result["failures"] else "none"))
        if not result["failures"]:
            largest = n
    print(f"\nlargest N with no failure: {largest} (target >= 10; spawn-to-engine-ready p95 target <= 15 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
