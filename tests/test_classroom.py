"""The class server (``bash tools/class.sh``, issue 17) on this machine, end to end, with two learners and an instructor.

- up: the hub (JupyterHub + configurable-http-proxy) from a roster; a learner logs in with a first-use password;
  ``class.sh warm`` starts every learner's server and engine and reports readiness (seconds printed).
- a chapter cell runs on the learner's own engine (the kit is loaded there; the other learner's engine is untouched).
- the exchange: release (root, nbgrader) -> each learner's Assignments list -> fetch -> work (one solves, one
  does not) -> validate -> submit -> collect (owner-checked, copied as the learner, arrival time recorded) ->
  isolated autograde (``python -m helpers.grading autograde``) -> feedback released -> each learner fetches it.
- learners apart (every attack a learner could try from a kernel, against the other learner and the instructor):
  files, server, engine, token, hub API, a forged submission in the other's name, a link planted in one's own
  submission, the limits of the learner's cgroup.
- the browser (Debian's Chromium through Playwright): a learner logs in, lands on the start page, opens the
  Assignments tab, fetches and submits; the instructor's formgrader lists the submission.
- idle servers: a class whose culler (jupyterhub-idle-culler) stops a server idle for 20 s; the learner's world
  (network namespace, processes, disk mount) goes with it.

Needs Linux, root, the grading sandbox's programs and npm (``tools/test.sh`` installs them); skipped elsewhere, a
failure in CI. Runs on a class root of its own (``/var/lib/learn-docker-ko/class-test-*``), names of its own.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build" / "class"
VENV = Path(sys.prefix)
ASSIGNMENT = "02-hello-world"
COURSE = "learn-docker-ko"
KIM, LEE, TEACHER = "kimt", "leet", "teachert"
FIGURES: dict[str, float] = {}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------ talking to the hub

class Session:
    """What a browser keeps: cookies; logs in through the hub's login form (first use sets the password)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def login(self, name: str, password: str) -> str:
        self.opener.open(f"{self.base}/hub/login", timeout=60).read()
        xsrf = next(c.value for c in self.jar if c.name == "_xsrf")
        data = urllib.parse.urlencode({"username": name, "password": password, "_xsrf": xsrf}).encode()
        try:
            with self.opener.open(urllib.request.Request(f"{self.base}/hub/login", data=data), timeout=120) as r:
                return r.geturl()
        except urllib.error.HTTPError as exc:  # a refused login is the login page again, with 403
            return f"/hub/login (refused: {exc.code})"


def call(base: str, token: str, method: str, path: str, body=None, form: bool = False):
    """(status, decoded JSON or text) of one request with ``token``."""
    headers = {"Authorization": f"token {token}"}
    data = None
    if body is not None:
        data = (urllib.parse.urlencode(body) if form else json.dumps(body)).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded" if form else "application/json"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=600) as r:
            text = r.read()
            status = r.status
    except urllib.error.HTTPError as exc:
        text, status = exc.read(), exc.code
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text.decode(errors="replace")


async def _execute(base: str, token: str, user: str, code: str, timeout: float) -> tuple[str, str]:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    status, kernel = call(base, token, "POST", f"/user/{user}/api/kernels", {"name": "python3"})
    assert status == 201, (status, kernel)
    url = base.replace("http", "ws", 1) + f"/user/{user}/api/kernels/{kernel['id']}/channels"
    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}))
    msg_id = uuid.uuid4().hex
    header = {"msg_id": msg_id, "username": user, "session": uuid.uuid4().hex, "msg_type": "execute_request",
              "version": "5.3", "date": ""}
    content = {"code": code, "silent": False, "store_history": False, "user_expressions": {},
               "allow_stdin": False, "stop_on_error": True}
    await ws.write_message(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                                       "channel": "shell", "buffers": []}))
    out: list[str] = []
    state = "ok"
    deadline = time.monotonic() + timeout
    try:
        while True:
            message = json.loads(await asyncio.wait_for(ws.read_message(), max(1.0, deadline - time.monotonic())))
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["msg_type"]
            if kind == "stream":
                out.append(message["content"]["text"])
            elif kind in ("execute_result", "display_data"):
                out.append(message["content"]["data"].get("text/plain", ""))
            elif kind == "error":
                state = "error"
                out.append("\n".join(message["content"]["traceback"]))
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                break
    finally:
        ws.close()
        call(base, token, "DELETE", f"/user/{user}/api/kernels/{kernel['id']}")
    return state, "".join(out)


# ------------------------------------------------------------------------------------------- the class

class Class:
    """One ``bash tools/class.sh up`` on free ports and a class root of its own (``down`` in ``close``)."""

    def __init__(self, learners: tuple[str, ...] = (KIM, LEE), instructor: str = TEACHER, env: dict | None = None):
        BUILD.mkdir(parents=True, exist_ok=True)
        self.root = Path(f"/var/lib/learn-docker-ko/class-test-{secrets.token_hex(3)}")
        self.port = free_port()
        self.env = {**os.environ, "LEARN_DOCKER_CLASS_ROOT": str(self.root), "LEARN_DOCKER_CLASS_PORT": str(self.port),
                    "LEARN_DOCKER_CLASS_HUB_PORT": str(free_port()), "LEARN_DOCKER_CLASS_PROXY_API_PORT": str(free_port()),
                    "LEARN_DOCKER_CLASS_IP": "127.0.0.1", "LEARN_DOCKER_CLASS_MEMORY": str(2 * 1024**3),
                    "LEARN_DOCKER_CLASS_DISK": str(4 * 1024**3), "LEARN_DOCKER_CLASS_CPUS": "1", **(env or {})}
        self.course = self.root / "course-instructor"  # the instructor's course: root-only, a copy of this repo's
        self.env["LEARN_DOCKER_CLASS_COURSE"] = str(self.course)
        self.base = f"http://127.0.0.1:{self.port}"
        self.saved_root = os.environ.get("LEARN_DOCKER_CLASS_ROOT")
        os.environ["LEARN_DOCKER_CLASS_ROOT"] = str(self.root)  # learner(): this class's paths in this process too
        self.root.mkdir(parents=True, mode=0o711)
        self.course.mkdir(mode=0o700)
        for part in ("source", "release"):
            shutil.copytree(ROOT / part, self.course / part, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy2(ROOT / "nbgrader_config.py", self.course / "nbgrader_config.py")
        roster = self.root / "roster-source.txt"
        roster.write_text(f"# test class\n{instructor} instructor\n" + "".join(f"{x}\n" for x in learners))
        began = time.monotonic()
        self.run("bash", "tools/class.sh", "up", str(roster), timeout=1200)
        FIGURES["class.sh up (s)"] = time.monotonic() - began
        self.admin = (self.root / "hub" / "admin-token").read_text().strip()

    def run(self, *argv: str, timeout: float = 600, cwd: Path = ROOT, check: bool = True, env=None):
        done = subprocess.run(argv, cwd=cwd, env={**self.env, **(env or {})}, capture_output=True, text=True,
                              timeout=timeout)
        if check and done.returncode != 0:
            pytest.fail(f"{' '.join(argv)} -> {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}\n"
                        f"hub log:\n{self.hub_log()}")
        return done

    def nbgrader(self, *args: str):
        """An instructor's nbgrader command in the course (root), with the class's exchange settings."""
        return self.run(str(VENV / "bin" / "nbgrader"), *args, cwd=self.course,
                        env={"JUPYTER_CONFIG_PATH": str(self.root / "config"), "PATH": f"{VENV / 'bin'}:{os.environ['PATH']}"})

    def hub_log(self) -> str:
        path = self.root / "hub" / "jupyterhub.log"
        return path.read_text(errors="replace")[-6000:] if path.exists() else "(no hub log)"

    def token(self, user: str) -> str:
        status, body = call(self.base, self.admin, "POST", f"/hub/api/users/{user}/tokens", {"note": "test"})
        assert status == 201, (status, body)
        return body["token"]

    def execute(self, token: str, user: str, code: str, timeout: float = 300) -> tuple[str, str]:
        return asyncio.run(_execute(self.base, token, user, code, timeout))

    def answer(self, token: str, user: str, code: str) -> str:
        """The last line ``code`` printed in ``user``'s kernel (which must have run it without an error)."""
        state, out = self.execute(token, user, code)
        assert state == "ok", out
        return out.strip().splitlines()[-1]

    def close(self) -> None:
        done = self.run("bash", "tools/class.sh", "down", timeout=300, check=False)
        (BUILD / "class-down.log").write_text(done.stdout + done.stderr)
        shutil.copy2(self.root / "hub" / "jupyterhub.log", BUILD / "jupyterhub.log")
        from helpers.grading.sandbox import is_mount

        if not any(is_mount(p) for p in (self.root / "learners").glob("*/disk")):
            shutil.rmtree(self.root, ignore_errors=True)
        if self.saved_root is None:
            os.environ.pop("LEARN_DOCKER_CLASS_ROOT", None)
        else:
            os.environ["LEARN_DOCKER_CLASS_ROOT"] = self.saved_root


@pytest.fixture(scope="module")
def klass():
    from helpers.grading.sandbox import unavailable

    why = unavailable() or (None if shutil.which("npm") else "npm이 없습니다")
    if why:
        if in_ci():
            pytest.fail(f"the class server must run in CI: {why}")
        pytest.skip(why)
    k = Class()
    try:
        yield k
    finally:
        k.close()
        print("\n[class] " + ", ".join(f"{k}: {v:.1f}" for k, v in FIGURES.items()))


@pytest.fixture(scope="module")
def ready(klass):
    """Every learner's server and engine started by ``class.sh warm`` (tokens for each learner)."""
    began = time.monotonic()
    done = klass.run("bash", "tools/class.sh", "warm", timeout=900)
    FIGURES["warm, 2 learners (s)"] = time.monotonic() - began
    assert "준비됨 2/2명" in done.stdout, done.stdout
    for line in (klass.root / "hub" / "jupyterhub.log").read_text().splitlines():
        if "engine ready in" in line:
            FIGURES[f"engine ready {line.split('learner ')[1].split(':')[0]} (s)"] = float(line.split(" in ")[1].split()[0])
    return {KIM: klass.token(KIM), LEE: klass.token(LEE)}


def learner(name: str):
    from helpers.classroom.learner import Learner, slot_of

    return Learner(slot_of(name), name=name)


# ----------------------------------------------------------------------------------------------- tests

def test_a_learner_logs_in_with_a_first_use_password(klass):
    first = Session(klass.base)
    landed = first.login(KIM, "kim-first-password")
    assert "/hub/login" not in landed, landed
    again = Session(klass.base)  # the password chosen on first use is now the password
    assert "/hub/login" in again.login(KIM, "not-kims-password")
    assert "/hub/login" not in Session(klass.base).login(KIM, "kim-first-password")
    assert "/hub/login" in Session(klass.base).login("stranger", "whatever-password")  # not on the roster


def test_a_chapter_cell_runs_on_the_learners_own_engine(klass, ready):
    code = ("import helpers as h, docker, os\n"
            "h.run('learn-docker-ko/hello:0.1', name='class-hello')\n"
            "c = docker.from_env()\n"
            "print('HOST', os.environ['DOCKER_HOST'])\n"
            "print('NAMES', sorted(x.name for x in c.containers.list(all=True)))\n"
            "print('KIT', 'busybox:1.35' in [t for i in c.images.list() for t in i.tags])\n"
            "print('USER', os.getuid() != 0)\n")
    began = time.monotonic()
    state, out = klass.execute(ready[KIM], KIM, code)
    FIGURES["chapter cell (s)"] = time.monotonic() - began
    assert state == "ok", out
    assert f"/run/learn-docker-ko/l-{KIM}/docker.sock" in out and "class-hello" in out and "KIT True" in out, out
    assert "USER True" in out
    state, out = klass.execute(ready[LEE], LEE, "import docker\nprint(sorted(x.name for x in docker.from_env().containers.list(all=True)))")
    assert state == "ok" and "class-hello" not in out, out  # lee's engine is lee's own


def test_the_exchange_end_to_end(klass, ready):
    began = time.monotonic()
    klass.nbgrader("release_assignment", ASSIGNMENT)
    for name in (KIM, LEE):
        status, listed = call(klass.base, ready[name], "GET", f"/user/{name}/assignments?course_id={COURSE}")
        assert status == 200 and [a["status"] for a in listed["value"] if a["assignment_id"] == ASSIGNMENT] == ["released"], listed
        status, fetched = call(klass.base, ready[name], "POST", f"/user/{name}/assignments/fetch",
                               {"assignment_id": ASSIGNMENT, "course_id": COURSE})
        assert status == 200 and fetched["success"], fetched
    path = f"exercises/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    status, notebook = call(klass.base, ready[KIM], "GET", f"/user/{KIM}/api/contents/{path}")
    assert status == 200 and notebook["type"] == "notebook", notebook
    # kim works: the instructor's solution as kim's notebook (full marks); lee hands in the blank release
    solution = json.loads((ROOT / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    status, saved = call(klass.base, ready[KIM], "PUT", f"/user/{KIM}/api/contents/{path}",
                         {"type": "notebook", "format": "json", "content": solution})
    assert status == 200, saved
    status, checked = call(klass.base, ready[KIM], "POST", f"/user/{KIM}/assignments/validate", {"path": path}, form=True)
    assert status == 200 and checked.get("success"), checked
    assert "failed" not in checked["value"] or not json.loads(checked["value"]).get("failed"), checked
    for name in (KIM, LEE):
        status, submitted = call(klass.base, ready[name], "POST", f"/user/{name}/assignments/submit",
                                 {"assignment_id": ASSIGNMENT, "course_id": COURSE})
        assert status == 200 and submitted["success"], submitted
    submitted_at = time.time()
    time.sleep(2)  # the collect comes later than the submissions: lateness must not move with it
    klass.nbgrader("collect", ASSIGNMENT)
    record = json.loads((klass.course / "exchange-times.json").read_text())
    assert set(record) == {f"{KIM}/{ASSIGNMENT}", f"{LEE}/{ASSIGNMENT}"}, record
    from helpers.grading.parallel import collection_time

    moment = collection_time(klass.course / "submitted" / KIM / ASSIGNMENT)
    from datetime import datetime

    assert datetime.strptime(moment, "%Y-%m-%d %H:%M:%S.%f UTC").timestamp() <= submitted_at + 1
    graded = klass.run(str(VENV / "bin" / "python"), "-m", "helpers.grading", "autograde", ASSIGNMENT,
                       "--root", str(klass.course), "--workers", "2", timeout=900,
                       env={"LEARN_DOCKER_WORKER_OFFSET": "60"})  # workers of its own: other grading may run
    (BUILD / "autograde.log").write_text(graded.stdout + graded.stderr)
    scores = {line.split()[0]: line.split() for line in graded.stdout.splitlines() if line.strip().startswith((KIM, LEE))}
    assert scores[KIM][1] == scores[KIM][3] and float(scores[KIM][1]) > 0, graded.stdout
    assert float(scores[LEE][1]) < float(scores[LEE][3]), graded.stdout
    if not list((klass.course / "feedback").glob(f"*/{ASSIGNMENT}/*.html")):
        klass.nbgrader("generate_feedback", ASSIGNMENT)
    klass.nbgrader("release_feedback", ASSIGNMENT)
    pages: dict[str, str] = {}
    for name in (KIM, LEE):
        status, listed = call(klass.base, ready[name], "POST", f"/user/{name}/assignments/fetch_feedback",
                              {"assignment_id": ASSIGNMENT, "course_id": COURSE})
        assert status == 200 and listed["success"], listed
        status, folder = call(klass.base, ready[name], "GET", f"/user/{name}/api/contents/exercises/{ASSIGNMENT}/feedback")
        assert status == 200 and folder["content"], folder
        stamp = urllib.parse.quote(folder["content"][0]["path"])
        status, page = call(klass.base, ready[name], "GET",
                            f"/user/{name}/api/contents/{stamp}/{ASSIGNMENT}.html?content=1&format=text&type=file")
        assert status == 200 and "Score" in page["content"], str(page)[:500]
        pages[name] = page["content"]
    assert pages[KIM] != pages[LEE]  # each learner reads the feedback on their own submission
    FIGURES["exchange release..feedback (s)"] = time.monotonic() - began


# ------------------------------------------------------------------------- learners apart: the attacks

PROBE = '''
import json, os, socket
def reach(host, port):
    try:
        socket.create_connection((host, port), timeout=3).close(); return True
    except OSError:
        return False
def readable(path):
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, "rb").read(1)
        return True
    except OSError:
        return False
'''


def test_a_learner_reaches_no_other_learners_files(klass, ready):
    lee = learner(LEE)
    targets = [str(lee.scratch), str(lee.workspace), str(lee.home), str(klass.course), str(klass.root / "hub"),
               str(klass.root / "hub" / "admin-token"), str(klass.root / "kit.tar"), str(klass.root / "slots.json"),
               str(lee.socket), str(lee.runtime), str(ROOT / "source"), str(ROOT / "tests"),
               str(ROOT / "gradebook.db"), "/etc/shadow"]
    code = PROBE + f"print(json.dumps({{t: readable(t) for t in {targets!r}}}))"
    reached = {path for path, ok in json.loads(klass.answer(ready[KIM], KIM, code)).items() if ok}
    assert not reached, f"kim's kernel read: {reached}"
    # what kim sees of the class's folder is what the view binds: the course copy, the settings, the exchange
    # (and of the learners and engines: kim's own)
    folders = [klass.root, klass.root / "exchange", klass.root / "learners", klass.root / "learners" / KIM,
               "/run/learn-docker-ko"]
    code = f"import os\nprint([sorted(os.listdir(f)) for f in {[str(f) for f in folders]!r}])"
    state, out = klass.execute(ready[KIM], KIM, code)
    assert out.strip() == str([["config", "course", "exchange", "learners"], [COURSE], [KIM], ["disk"], [f"l-{KIM}"]]), out
    # through kim's engine: a container that mounts the engine's whole file system sees no one else's files
    code = ("import docker\nc = docker.from_env()\n"
            f"out = c.containers.run('busybox:1.35', 'sh -c \"ls /host{klass.root} /host{klass.root}/learners; "
            f"ls /host{lee.scratch} || echo NO-LEE; ls /host{klass.root}/hub || echo NO-HUB; echo END\"', "
            "volumes={'/': {'bind': '/host', 'mode': 'ro'}}, remove=True, privileged=True)\nprint(out.decode())")
    state, out = klass.execute(ready[KIM], KIM, code)
    assert state == "ok" and "END" in out, out
    assert "NO-LEE" in out and "NO-HUB" in out and LEE not in out.replace(f"/{LEE}/", ""), out
    # kim's own work is kim's: writable home, read-only course copy
    code = PROBE + (f"open(os.path.expanduser('~/mine.txt'), 'w').write('x')\n"
                    f"try:\n    open('{klass.root / 'course' / 'notebooks' / 'x'}', 'w'); print('WROTE COURSE')\n"
                    "except OSError:\n    print('COURSE READ-ONLY')")
    state, out = klass.execute(ready[KIM], KIM, code)
    assert state == "ok" and "COURSE READ-ONLY" in out, out


def test_a_learner_reaches_no_other_server_engine_or_instructor(klass, ready):
    from helpers.classroom import firewall

    status, body = call(klass.base, klass.admin, "POST", f"/hub/api/users/{TEACHER}/server")
    assert status in (201, 202, 400), body
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status, routes = call(klass.base, klass.admin, "GET", "/hub/api/proxy")
        teacher = [r["target"] for r in routes.values() if r.get("data", {}).get("user") == TEACHER] if status == 200 else []
        if teacher:
            break
        time.sleep(1)
    assert teacher, routes
    teacher_port = int(teacher[0].rsplit(":", 1)[1])
    kim, lee = learner(KIM), learner(LEE)
    hub_port = int(klass.env["LEARN_DOCKER_CLASS_HUB_PORT"])
    service = machine_service()  # a service of the machine's on every address (as ssh is)
    other_hub = machine_service()  # another class's hub API port on this machine (in the firewall's hub ports)
    firewall.open_hub(other_hub)
    link_local = subprocess.run(["ip", "-6", "-o", "addr", "show", "dev", kim.veth, "scope", "link"],
                                capture_output=True, text=True).stdout.split()
    probes = {"lee server": (lee.address, 8888), "lee gateway hub": (lee.gateway, hub_port),
              "machine service via gateway": (kim.gateway, service), "machine service via lee's gateway": (lee.gateway, service),
              "another class's hub port": (kim.gateway, other_hub),
              "instructor via gateway": (kim.gateway, teacher_port), "instructor loopback": ("127.0.0.1", teacher_port),
              "proxy api": (kim.gateway, int(klass.env["LEARN_DOCKER_CLASS_PROXY_API_PORT"])),
              "machine loopback hub": ("127.0.0.1", hub_port), "own hub api": (kim.gateway, hub_port)}
    if "inet6" in link_local:  # the machine's IPv6 link-local address on kim's veth
        probes["machine service over IPv6 link-local"] = (link_local[link_local.index("inet6") + 1].split("/")[0] + "%eth0",
                                                          service)
    code = PROBE + f"print(json.dumps({{k: reach(*v) for k, v in {probes!r}.items()}}))"
    try:
        reached = json.loads(klass.answer(ready[KIM], KIM, code))
    finally:
        firewall.close_hub(other_hub)
    print(f"\nprobed from kim's kernel: {sorted(reached)}")
    assert reached.pop("own hub api") is True  # the one way out: the hub's API (token-checked), at kim's gateway
    assert not any(reached.values()), reached
    # a container of kim's (its own network, even privileged) reaches no more than kim's server does
    code = ("import docker\nc = docker.from_env()\n"
            f"out = c.containers.run('busybox:1.35', 'sh -c \"nc -w 3 {lee.address} 8888 </dev/null && echo OPEN; "
            f"nc -w 3 {kim.gateway} {teacher_port} </dev/null && echo OPEN; "
            f"nc -w 3 {kim.gateway} {service} </dev/null && echo OPEN; echo END\"', remove=True, privileged=True)\n"
            "print(out.decode())")
    state, out = klass.execute(ready[KIM], KIM, code)
    assert state == "ok" and "END" in out and "OPEN" not in out, out
    # lee's engine: kim's view has no socket of lee's
    code = f"import docker\ntry:\n    docker.DockerClient(base_url='unix://{lee.socket}').ping(); print('PING')\nexcept Exception:\n    print('NO ENGINE')"
    state, out = klass.execute(ready[KIM], KIM, code)
    assert "NO ENGINE" in out, out


def machine_service() -> int:
    """A TCP service of the test's on every address of the machine (IPv4 and IPv6), answering every connection."""
    server = socket.socket(socket.AF_INET6)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # IPv4 and IPv6, as sshd listens
    server.bind(("::", 0))
    server.listen(16)

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return server.getsockname()[1]


def test_the_room_reaches_the_machine_but_not_the_hub_api(klass, ready):
    """The firewall's other half: a computer of the room (a network namespace on a veth that is not a
    learner's) reaches the machine's services but not the hub's API, which listens on every address."""
    from helpers.classroom import firewall

    hub_port = int(klass.env["LEARN_DOCKER_CLASS_HUB_PORT"])
    assert hub_port in firewall.hub_ports()
    service = machine_service()
    tag = secrets.token_hex(2)
    ns, veth = f"ldk-room-{tag}", f"ldkroom{tag}"
    ip = ["ip"]
    try:
        for args in (["netns", "add", ns], ["link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns],
                     ["addr", "add", "10.79.0.1/30", "dev", veth], ["link", "set", veth, "up"],
                     ["-n", ns, "addr", "add", "10.79.0.2/30", "dev", "eth0"], ["-n", ns, "link", "set", "eth0", "up"],
                     ["-n", ns, "link", "set", "lo", "up"]):
            subprocess.run([*ip, *args], check=True, capture_output=True)
        probe = PROBE + f"print(json.dumps({{'service': reach('10.79.0.1', {service}), 'hub api': reach('10.79.0.1', {hub_port})}}))"
        done = subprocess.run([*ip, "netns", "exec", ns, sys.executable, "-c", probe], capture_output=True, text=True,
                              timeout=60)
        reached = json.loads(done.stdout.strip().splitlines()[-1])
        assert reached == {"service": True, "hub api": False}, (reached, done.stderr)
    finally:
        subprocess.run([*ip, "netns", "delete", ns], capture_output=True)
        subprocess.run([*ip, "link", "delete", veth], capture_output=True)


def test_a_learner_holds_no_other_token_and_the_hub_refuses_hers_for_others(klass, ready):
    code = ("import os, json\nfound = set()\n"
            "for pid in os.listdir('/proc'):\n"
            "    try:\n        env = open(f'/proc/{pid}/environ', 'rb').read().split(b'\\0')\n    except OSError:\n        continue\n"
            "    found |= {e.split(b'=', 1)[1].decode() for e in env if e.startswith(b'JUPYTERHUB_API_TOKEN=')}\n"
            "print(json.dumps(sorted(found)))")
    tokens = json.loads(klass.answer(ready[KIM], KIM, code))
    assert len(tokens) == 1, tokens  # only kim's own server's
    for token in (tokens[0], ready[KIM]):
        for path in (f"/user/{LEE}/api/contents", f"/user/{TEACHER}/api/contents", f"/hub/api/users/{LEE}"):
            status, _ = call(klass.base, token, "GET", path)
            assert status in (403, 404) or status >= 300 and status < 400, (path, status)
        status, _ = call(klass.base, token, "POST", f"/hub/api/users/{LEE}/tokens", {"note": "steal"})
        assert status in (403, 404), status


def test_forged_and_linked_submissions_are_not_collected(klass, ready):
    assignment = "03-images-and-containers"
    klass.nbgrader("release_assignment", assignment)
    for name in (KIM, LEE):
        assert call(klass.base, ready[name], "POST", f"/user/{name}/assignments/fetch",
                    {"assignment_id": assignment, "course_id": COURSE})[1]["success"]
    assert call(klass.base, ready[LEE], "POST", f"/user/{LEE}/assignments/submit",
                {"assignment_id": assignment, "course_id": COURSE})[1]["success"]
    inbound = klass.root / "exchange" / COURSE / "inbound"
    future = "2099-01-01 00:00:00.000000 UTC"
    code = (f"import os, shutil\nsrc = 'exercises/{assignment}/{assignment}.ipynb'\n"
            f"forged = '{inbound}/{LEE}+{assignment}+{future}+forged'\nos.mkdir(forged)\n"
            "open(forged + '/' + os.path.basename(src), 'w').write(open(src).read().replace('\"cells\"', '\"FORGED_BY_KIM\": 1, \"cells\"', 1))\n"
            f"mine = '{inbound}/{KIM}+{assignment}+{future}+links'\nos.mkdir(mine)\nshutil.copy(src, mine)\n"
            f"os.symlink('/etc/shadow', mine + '/shadow')\nos.symlink('{learner(LEE).workspace}', mine + '/lee')\n"
            "os.mkfifo(mine + '/fifo')\nprint('PLANTED')")
    state, out = klass.execute(ready[KIM], KIM, code)
    assert state == "ok" and "PLANTED" in out, out
    done = klass.nbgrader("collect", assignment)
    assert "cheating" in done.stderr or "흉내" in done.stderr, done.stderr[-2000:]
    lee_copy = klass.course / "submitted" / LEE / assignment / f"{assignment}.ipynb"
    assert lee_copy.is_file() and "FORGED_BY_KIM" not in lee_copy.read_text()
    kim_copy = klass.course / "submitted" / KIM / assignment
    assert (kim_copy / f"{assignment}.ipynb").is_file()
    names = {p.name for p in kim_copy.iterdir()}  # kim's planted folder (newest by its name) without links or FIFO
    assert f"{assignment}.ipynb" in names and names <= {f"{assignment}.ipynb", "timestamp.txt"}, names


def test_a_learner_is_held_by_memory_pids_and_disk_limits(klass, ready):
    kim = learner(KIM)
    uid = kim.ids[0]
    if kim.cgroup.v2:
        group = kim.cgroup.groups()[0]
        memory, pids = group / "memory.max", group / "pids.max"
    else:
        memory, pids = kim.cgroup.groups()[0] / "memory.limit_in_bytes", kim.cgroup.groups()[1] / "pids.max"
    assert int(memory.read_text()) == int(klass.env["LEARN_DOCKER_CLASS_MEMORY"])
    assert int(pids.read_text()) == kim.cgroup.pids
    outside = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid and f"/l-{KIM}" not in Path(f"/proc/{pid}/cgroup").read_text():
                outside.append(pid)
        except OSError:
            continue
    assert not outside, f"processes of {KIM} outside the cgroup: {outside}"
    code = "import os\nst = os.statvfs(os.path.expanduser('~'))\nprint(st.f_blocks * st.f_frsize)"
    disk = int(klass.answer(ready[KIM], KIM, code))
    assert disk <= int(klass.env["LEARN_DOCKER_CLASS_DISK"]), disk
    # CPU: at most one core (LEARN_DOCKER_CLASS_CPUS=1 here), however many processes kim runs
    quota = (kim.cgroup.groups()[0] / "cpu.max") if kim.cgroup.v2 else (kim.cgroup.groups()[2] / "cpu.cfs_quota_us")
    assert quota.read_text().split()[0] == "100000", quota.read_text()
    code = ("import multiprocessing, os, time\n"
            "def spin(seconds):\n    end = time.monotonic() + seconds\n    while time.monotonic() < end:\n        pass\n"
            "began = time.monotonic()\nworkers = [multiprocessing.Process(target=spin, args=(3,)) for _ in range(4)]\n"
            "[w.start() for w in workers]; [w.join() for w in workers]\n"
            "t = os.times()\nprint(round(t.children_user + t.children_system, 2), round(time.monotonic() - began, 2))")
    cpu, wall = map(float, klass.answer(ready[KIM], KIM, code).split())
    print(f"\nkim's 4 busy processes for 3 s: {cpu:.1f} CPU-s in {wall:.1f} s (one core: at most {wall:.1f})")
    assert cpu <= wall * 1.15 + 0.3, (cpu, wall)


# --------------------------------------------------------------------------------------------- the browser





def browser_login(klass, browser, name: str, password: str):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="en-US")
    page.goto(f"{klass.base}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_selector("#jp-main-dock-panel", timeout=300_000)
    return page


def test_in_the_browser_a_learner_submits_and_the_instructor_sees_it(klass, ready, browser):
    assignment = "04-docker-hub"
    klass.nbgrader("release_assignment", assignment)
    page = browser_login(klass, browser, LEE, "lee-first-password")
    try:
        heading = page.locator(".jp-RenderedMarkdown h1").first  # the learner lab opens on the start page
        heading.wait_for(timeout=60_000)
        assert heading.inner_text().strip() == "도커를 익히다 — 시작하기"
        menus = page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
        assert {"파일", "편집", "커널", "Nbgrader"} <= set(menus), menus  # the learner lab, in Korean
        page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        items = page.locator(".lm-Menu-itemLabel:visible").all_inner_texts()
        assert items == ["Assignment List"], items  # no formgrader, course list or create assignment
        page.locator(".lm-Menu-itemLabel:visible", has_text="Assignment List").click()
        released = page.locator("#released_assignments_list")
        released.get_by_text(assignment).wait_for(timeout=60_000)
        released.locator(".list_item", has_text=assignment).first.get_by_role("button", name="Fetch").click()
        fetched = page.locator("#fetched_assignments_list .list_item:not(.nested_list_item)", has_text=assignment).first
        fetched.wait_for(timeout=60_000)
        page.screenshot(path=str(BUILD / "learner-assignments.png"))
        fetched.get_by_role("button", name="Submit").click()
        page.locator("#submitted_assignments_list .list_item", has_text=assignment).first.wait_for(timeout=60_000)
        page.screenshot(path=str(BUILD / "learner-submitted.png"))
    finally:
        page.close()
    klass.nbgrader("collect", assignment)
    page = browser_login(klass, browser, TEACHER, "teacher-first-password")
    try:
        menus = page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
        assert "Nbgrader" in menus, menus
        page.goto(f"{klass.base}/user/{TEACHER}/formgrader/manage_submissions/{assignment}")
        page.get_by_text(LEE, exact=False).first.wait_for(timeout=60_000)
        page.screenshot(path=str(BUILD / "instructor-submissions.png"))
    finally:
        page.close()


# ------------------------------------------------------------------------------------------ idle servers

def test_an_idle_learners_server_is_culled_and_leaves_nothing_running():
    """A class of its own whose culler stops servers idle for 20 s (looking every 5 s)."""
    from helpers.grading.sandbox import unavailable

    if unavailable() or not shutil.which("npm"):
        if in_ci():
            pytest.fail(f"the class server must run in CI: {unavailable() or 'npm이 없습니다'}")
        pytest.skip(unavailable() or "npm이 없습니다")
    name = "cullt"
    idle = Class(learners=(name,), instructor="cullteacher",
                 env={"LEARN_DOCKER_CLASS_CULL": "20", "LEARN_DOCKER_CLASS_CULL_EVERY": "5"})
    try:
        status, body = call(idle.base, idle.admin, "POST", f"/hub/api/users/{name}/server")
        assert status in (201, 202), body
        deadline = time.monotonic() + 300
        while not ((call(idle.base, idle.admin, "GET", f"/hub/api/users/{name}")[1].get("servers") or {})
                   .get("", {}).get("ready")):
            assert time.monotonic() < deadline, idle.hub_log()
            time.sleep(0.5)
        ready_at = time.monotonic()
        world = learner(name)
        assert Path(f"/run/netns/{world.netns}").exists()
        while call(idle.base, idle.admin, "GET", f"/hub/api/users/{name}")[1].get("servers"):
            assert time.monotonic() - ready_at < 180, "the idle server was not culled:\n" + idle.hub_log()
            time.sleep(1)
        FIGURES["idle server culled after (s)"] = time.monotonic() - ready_at
        assert "idle-culler" in idle.hub_log()
        assert not Path(f"/run/netns/{world.netns}").exists()  # the learner's world went with the server
        assert not world.cgroup.pids_in()
        from helpers.grading.sandbox import is_mount

        assert not is_mount(world.disk)
    finally:
        idle.close()
