"""The learner's JupyterLab, started the way the README says (``bash tools/lab.sh``).

- The workspace: chapters and start page follow the course, the learner's exercise copies are never
  overwritten, nothing from ``source/`` or ``tests/`` is copied, no symlinks (jupyter_server follows them out
  of its root).
- The server: no URL it serves (contents API, /files/, /tree/, /lab/tree/, nbgrader's endpoints, with ``..`` in
  every spelling) returns a solution, a hidden test or a test file; the instructor's nbgrader endpoints are off.
- The browser (Debian's Chromium through Playwright, no browser download): the start page opens in Korean
  with no news pop-up, no instructor panel is visible, exercise 02 opens from the file browser and its
  setup cell and first test cell run. Screenshots go to ``build/lab/``.
- A second start with nothing changed installs nothing and needs no package index (timing printed).
- The scripts keep to what macOS's bash 3.2 can run; ``engine.sh`` never installs a second engine.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build" / "lab"
VENV_PYTHON = Path(sys.executable)
SCRIPTS = sorted((ROOT / "tools").glob("*.sh")) + [ROOT / ".ci" / "run"]
START_TIMEOUT = 900  # a first start may still build the kit's images


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


# ---------------------------------------------------------------- a JupyterLab started by tools/lab.sh

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """One ``bash tools/lab.sh`` on a free loopback port, in its own process group (stopped by ``stop``)."""

    def __init__(self, workspace: Path, *args: str, env: dict[str, str] | None = None, name: str = "lab"):
        BUILD.mkdir(parents=True, exist_ok=True)
        self.workspace = workspace
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.log_path = BUILD / f"{name}.log"
        full_env = {**os.environ, "LEARN_DOCKER_WORKSPACE": str(workspace), **(env or {})}
        cmd = ["bash", "tools/lab.sh", *args, "--no-browser", f"--port={self.port}", "--ServerApp.port_retries=0",
               "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={self.token}"]
        started = time.monotonic()
        with open(self.log_path, "w", encoding="utf-8") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            self._wait_until_up(started)
        except BaseException:
            self.stop()
            raise

    def _wait_until_up(self, started: float) -> None:
        while time.monotonic() - started < START_TIMEOUT:
            if self.proc.poll() is not None:
                pytest.fail(f"tools/lab.sh ended with {self.proc.returncode} before JupyterLab answered:\n{self.log()}")
            try:
                status, _ = self.get("/api/status")
                if status == 200:
                    self.seconds = time.monotonic() - started
                    return
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail(f"JupyterLab did not answer within {START_TIMEOUT} s:\n{self.log()}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-6000:]

    def request(self, method: str, path: str, body: bytes | None = None,
                content_type: str = "application/x-www-form-urlencoded") -> tuple[int, bytes]:
        """``path`` goes to the server byte for byte (no client-side ``..`` clean-up)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            conn.putheader("Authorization", f"token {self.token}")
            if body is not None:
                conn.putheader("Content-Type", content_type)
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)

    def kernels_idle(self) -> bool:
        status, body = self.get("/api/kernels")
        return status == 200 and all(k["execution_state"] == "idle" for k in json.loads(body))

    def wait_for_session(self, path: str, timeout: float = 60) -> None:
        """Wait until the notebook at ``path`` has a kernel that is idle."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, body = self.get("/api/sessions")
            sessions = [x for x in json.loads(body) if x.get("path") == path] if status == 200 else []
            if sessions and sessions[0]["kernel"]["execution_state"] == "idle":
                return
            time.sleep(0.2)
        pytest.fail(f"{path} got no idle kernel within {timeout} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # jupyter shuts its kernels down on SIGTERM
                self.proc.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def learner_lab(tmp_path_factory):
    """The learner's JupyterLab on a fresh workspace of its own (never the repository's workspace/)."""
    lab = Lab(tmp_path_factory.mktemp("learner") / "workspace", name="learner")
    yield lab
    lab.stop()


# ---------------------------------------------------------------- the workspace

def load_workspace_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("course_workspace", ROOT / "tools" / "workspace.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_workspace_holds_chapters_exercises_and_start_page_and_keeps_the_learners_work(tmp_path):
    ws_mod = load_workspace_module()
    ws = tmp_path / "workspace"
    ws_mod.lay_out(ws)

    chapters = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    exercises = sorted(p.name for p in (ROOT / "release").glob("[0-9][0-9]-*") if p.is_dir())
    assert chapters and exercises
    for name in chapters:
        assert (ws / name).read_bytes() == (ROOT / "notebooks" / name).read_bytes()
    for name in exercises:
        assert (ws / "exercises" / name / f"{name}.ipynb").read_bytes() == \
            (ROOT / "release" / name / f"{name}.ipynb").read_bytes()
    start = (ws / "00-start-here.md").read_text(encoding="utf-8")
    for name in chapters + [f"exercises/{n}/" for n in exercises]:
        assert name in start, f"the start page does not link {name}"
    assert "Validate" in start and "제출" in start
    assert (ws / "용어집.md").read_bytes() == (ROOT / "docs" / "glossary.md").read_bytes()  # the chapters link it

    files = [p for p in ws.rglob("*") if ".learn-docker-ko" not in p.parts]
    assert not [p for p in files if p.is_symlink()], "jupyter_server follows symlinks out of its root: copy"
    assert not [p for p in files if p.name in ("source", "tests", "gradebook.db", "nbgrader_config.py")]

    # the learner works on exercise 02 and chapter 01; the course then changes chapter 02 and exercise 02
    exercise = ws / "exercises" / exercises[0] / f"{exercises[0]}.ipynb"
    exercise.write_text("learner's answers", encoding="utf-8")
    (ws / "exercises" / exercises[0] / "Dockerfile").write_text("FROM debian:bookworm\n", encoding="utf-8")
    (ws / chapters[0]).write_text("learner's notes", encoding="utf-8")
    fake_root = tmp_path / "course"
    shutil.copytree(ROOT / "notebooks", fake_root / "notebooks", symlinks=True)
    shutil.copytree(ROOT / "docs", fake_root / "docs")
    shutil.copytree(ROOT / "release", fake_root / "release")
    shutil.copytree(ROOT / "tools", fake_root / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    for name in chapters[:2]:
        (fake_root / "notebooks" / name).write_text(f"new {name}", encoding="utf-8")
    (fake_root / "release" / exercises[0] / f"{exercises[0]}.ipynb").write_text("new exercise", encoding="utf-8")

    news = ws_mod.lay_out(ws, root=fake_root)
    assert (ws / chapters[1]).read_text(encoding="utf-8") == f"new {chapters[1]}", "an unchanged chapter follows"
    assert (ws / chapters[0]).read_text(encoding="utf-8") == "learner's notes", "a changed chapter stays"
    assert any(chapters[0] in line and "그대로" in line for line in news), news
    assert exercise.read_text(encoding="utf-8") == "learner's answers", "an exercise copy is never overwritten"
    assert (ws / "exercises" / exercises[0] / "Dockerfile").exists()

    exercise.unlink()  # deleting a copy brings a fresh one
    ws_mod.lay_out(ws, root=fake_root)
    assert exercise.read_text(encoding="utf-8") == "new exercise"
    assert ws_mod.lay_out(ws, root=fake_root) == [], "nothing to do the second time"


# ---------------------------------------------------------------- nothing of the instructor's is served

def secret_markers() -> dict[str, str]:
    """ASCII fragments (no quotes or backslashes, so JSON encoding leaves them alone) of solutions, hidden
    tests and test files that appear nowhere a learner may read -> where they come from."""
    public = "".join(p.read_text(encoding="utf-8", errors="replace")
                     for d in ("notebooks", "release") for p in (ROOT / d).rglob("*") if p.is_file())
    public += (ROOT / "tools" / "start-here.md").read_text(encoding="utf-8")
    markers: dict[str, str] = {"BEGIN SOLUTION": "source/", "BEGIN HIDDEN TESTS": "source/"}

    def fragments(text: str) -> list[str]:
        return [m for m in re.findall(r"[A-Za-z0-9_.,:;=()\[\]<>+*/ -]{24,}", text) if m.strip() not in public]

    for nb in sorted((ROOT / "source").rglob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            src = "".join(cell["source"])
            for block in re.findall(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)### END", src, re.S):
                for frag in fragments(block)[:2]:
                    markers[frag.strip()] = str(nb.relative_to(ROOT))
    for test_file in sorted((ROOT / "tests").rglob("*.py")):
        for frag in fragments(test_file.read_text(encoding="utf-8"))[:3]:
            markers[frag.strip()] = str(test_file.relative_to(ROOT))
    return markers


def decoded(body: bytes) -> str:
    """The body as text, with base64 file contents of a contents-API answer decoded as well."""
    text = body.decode("utf-8", errors="replace")
    try:
        model = json.loads(text)
    except ValueError:
        return text
    if isinstance(model, dict) and model.get("format") == "base64" and isinstance(model.get("content"), str):
        text += base64.b64decode(model["content"]).decode("utf-8", errors="replace")
    return text


OUTSIDE = [  # files outside the workspace, each spelt several ways
    "{up}source/02-hello-world/02-hello-world.ipynb",
    "{up}source/05-my-own-image/05-my-own-image.ipynb",
    "{up}tests/conftest.py",
    "{up}tests/test_grading.py",
    "{up}source",
    "{up}tests",
    "{up}",
]
UPS = ["../", "%2E%2E/", "..%2F", "%2e%2e%2f", "%252e%252e%252f", "..%5C", "./../", "exercises/../../",
       "exercises/02-hello-world/../../../"]
ENDPOINTS = ["/api/contents/{p}", "/api/contents/{p}?content=1&format=text&type=file",
             "/api/contents/{p}?content=1&format=base64&type=file", "/api/contents/{p}/checkpoints",
             "/files/{p}", "/view/{p}", "/tree/{p}", "/notebooks/{p}", "/edit/{p}", "/lab/tree/{p}",
             "/nbconvert/html/{p}", "/nbconvert/script/{p}?download=true", "/static/{p}"]
INSTRUCTOR_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list", "@jupyter/nbgrader:menu"]
NBGRADER = ["/formgrader", "/formgrader/", "/formgrader/manage_assignments", "/formgrader/api/assignments",
            "/formgrader/api/submissions/02-hello-world", "/formgrader/gradebook", "/formgraders",
            "/assignments?course_id=learn-docker-ko", "/courses", "/nbgrader_version?version=0.9.6"]


@pytest.mark.slow
def test_no_url_the_learner_server_serves_returns_solutions_hidden_tests_or_test_files(learner_lab):
    markers = secret_markers()
    assert len(markers) > 10, "found too few solution/test fragments to look for"
    absolute = str(ROOT).lstrip("/") + "/"
    paths = [tpl.format(up=up) for tpl in OUTSIDE for up in UPS]
    paths += [f"{absolute}source/02-hello-world/02-hello-world.ipynb", "source/02-hello-world/02-hello-world.ipynb",
              "tests/conftest.py", f"%2F{absolute}tests/conftest.py", ".learn-docker-ko/manifest.json"]
    urls = [ep.format(p=p) for ep in ENDPOINTS for p in paths]
    urls += [f"//{absolute}tests/conftest.py", f"/files//{absolute}tests/conftest.py"] + NBGRADER

    # a positive control: the learner's own exercise is served, without solutions
    status, body = learner_lab.get("/api/contents/exercises/02-hello-world/02-hello-world.ipynb")
    assert status == 200 and b"NotImplementedError" in body
    leaks = []
    for url in urls:
        status, body = learner_lab.get(url)
        text = decoded(body)
        found = [m for m in markers if m in text]
        if found:
            leaks.append(f"{url} -> {status}: {found[0]!r} from {markers[found[0]]}")
    assert not leaks, "the learner's server served instructor files:\n" + "\n".join(leaks)

    # the listing shows only the workspace
    status, body = learner_lab.get("/api/contents?content=1")
    names = {item["name"] for item in json.loads(body)["content"]}
    assert status == 200 and "exercises" in names and "00-start-here.md" in names
    assert not names & {"source", "tests", "release", "notebooks", "helpers", "nbgrader_config.py", "gradebook.db",
                        ".learn-docker-ko"}, names

    # nbgrader: the instructor's endpoints are not there; Validate refuses paths outside the workspace
    for url in ("/formgrader", "/formgrader/api/assignments", "/formgraders"):
        assert learner_lab.get(url)[0] == 404, f"{url} is served to learners"
    for path in ("../source/02-hello-world/02-hello-world.ipynb", "/" + absolute + "source/02-hello-world/02-hello-world.ipynb"):
        status, body = learner_lab.request("POST", "/assignments/validate",
                                           body=f"path={path}".encode())
        assert status in (403, 404), f"validate accepted {path}: {status} {body[:200]!r}"

    # the instructor's plugins are locked: the plugin manager (JupyterLab >= 4.1) cannot turn them back on
    status, body = learner_lab.get("/lab/api/plugins")
    assert status == 200 and set(INSTRUCTOR_PLUGINS) <= set(json.loads(body)["lockRules"]), body
    for plugin in INSTRUCTOR_PLUGINS:
        status, body = learner_lab.request("POST", "/lab/api/plugins", content_type="application/json",
                                           body=json.dumps({"cmd": "enable", "plugin_name": plugin}).encode())
        assert status != 201 and b"locked" in body, f"a learner re-enabled {plugin}: {status} {body[:200]!r}"


# ---------------------------------------------------------------- the browser



def shot(page, name: str) -> None:
    BUILD.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(BUILD / f"{name}.png"))


def run_cell(lab: Lab, page, cell, name: str, timeout: float = 180) -> None:
    """Run ``cell`` with Shift+Enter and wait until it shows an execution count and the kernel is idle.

    A key press that reaches the page before the editor has the focus is lost: the prompt then stays
    ``[ ]:`` (a queued or running cell shows ``[*]:``), and only then is the key pressed again. On failure
    the message says what the page and the server showed, and a screenshot is kept."""
    deadline = time.monotonic() + timeout
    prompt = cell.locator(".jp-InputPrompt").first
    presses, pressed_at = 0, 0.0
    while time.monotonic() < deadline:
        text = (prompt.text_content() or "").strip()
        if re.fullmatch(r"\[\d+\]:", text) and lab.kernels_idle():
            return
        if presses < 3 and text in ("", "[ ]:") and time.monotonic() - pressed_at > 15:
            cell.locator(".jp-InputArea-editor").click()
            page.keyboard.press("Shift+Enter")
            presses, pressed_at = presses + 1, time.monotonic()
        page.wait_for_timeout(200)
    shot(page, f"timeout-{name}")
    status, kernels = lab.get("/api/kernels")
    pytest.fail(f"cell {name} did not finish within {timeout} s (Shift+Enter pressed {presses} times); "
                f"prompt {(prompt.text_content() or '').strip()!r}, kernels {status} {decoded(kernels)[:300]}, "
                f"output {cell.locator('.jp-OutputArea').first.inner_text()[:500]!r}\n"
                f"server log:\n{lab.log()[-3000:]}")


def errors_in(cell) -> list[str]:
    return cell.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').all_text_contents()


@pytest.mark.slow
@pytest.mark.engine
def test_learner_sees_korean_start_page_no_instructor_tools_and_runs_exercise_02(learner_lab, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="en-US")
    try:
        page.goto(f"{learner_lab.base}/?token={learner_lab.token}")
        page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)

        # the start page, opened on first launch, as rendered Markdown
        heading = page.locator(".jp-RenderedMarkdown h1").first
        heading.wait_for(timeout=30_000)
        assert heading.inner_text().strip() == "도커를 익히다 — 시작하기"

        # Korean UI (the browser asks for English: the course's default locale wins)
        menus = page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
        assert {"파일", "편집", "커널"} <= set(menus), menus

        # no news pop-up (it comes a moment after start-up), no instructor's nbgrader parts
        page.wait_for_timeout(4000)
        shot(page, "01-start-page")
        toasts = page.locator(".Toastify__toast").all_inner_texts()
        assert not toasts, f"pop-up on first launch: {toasts}"
        assert "Nbgrader" not in menus
        assert "Create Assignment" not in page.locator(".jp-SideBar").all_inner_texts().__str__()
        page.keyboard.press("Control+Shift+C")  # the command palette knows no formgrader either
        palette = page.locator(".lm-CommandPalette-input")
        palette.wait_for(timeout=10_000)
        for word in ("Formgrader", "Create assignment", "Course List"):
            palette.fill(word)
            page.wait_for_timeout(300)
            items = page.locator(".lm-CommandPalette-item").all_inner_texts()
            assert not items, f"the command palette offers {word}: {items}"
        page.keyboard.press("Escape")

        # exercise 02 from the file browser
        listing = page.locator(".jp-DirListing-content")
        listing.get_by_text("exercises", exact=True).dblclick()
        listing.get_by_text("02-hello-world", exact=True).dblclick()
        listing.get_by_text("02-hello-world.ipynb", exact=True).dblclick()
        notebook = page.locator(".jp-NotebookPanel:visible").first
        notebook.locator(".jp-Cell").nth(3).wait_for(timeout=60_000)
        assert notebook.locator(".jp-Toolbar").get_by_text("Validate").count() == 1, "Validate button missing"
        cells = notebook.locator(".jp-Cell")

        learner_lab.wait_for_session("exercises/02-hello-world/02-hello-world.ipynb")
        setup = cells.nth(1)  # the locked setup cell (the first code cell)
        run_cell(learner_lab, page, setup, "setup")
        assert not errors_in(setup), errors_in(setup)
        assert setup.locator(".jp-OutputArea-output").count() >= 1

        answer, test = cells.nth(3), cells.nth(4)  # the first task's answer cell and its test cell
        answer.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Control+A")
        page.keyboard.type('answer_vm = "B"')
        run_cell(learner_lab, page, answer, "answer")
        run_cell(learner_lab, page, test, "test")
        shot(page, "02-exercise-02")
        assert not errors_in(answer) and not errors_in(test), errors_in(test)
        assert "answer_vm" in test.inner_text()
    finally:
        page.close()
        subprocess.run([str(VENV_PYTHON), "-m", "helpers.grading", "clean", "02-hello-world"], cwd=ROOT,
                       capture_output=True, timeout=120)


def code_cells_done(page) -> tuple[int, int]:
    """(code cells with an execution count, code cells) in the notebook that has the focus."""
    prompts = page.locator(".jp-NotebookPanel:visible .jp-CodeCell .jp-InputPrompt").all_text_contents()
    return sum(1 for p in prompts if re.fullmatch(r"\[\d+\]:", p.strip())), len(prompts)


def wait_for_container(engine, name: str, want: str | None, timeout: float = 60) -> None:
    """Wait until container ``name`` has status ``want`` (None: until it is gone)."""
    import docker.errors

    deadline, status = time.monotonic() + timeout, "?"
    while time.monotonic() < deadline:
        try:
            status = engine.containers.get(name).status
        except docker.errors.NotFound:
            status = None
        if status == want:
            return
        time.sleep(0.3)
    pytest.fail(f"container {name}: expected {want or 'gone'}, engine says {status}")


@pytest.mark.slow
@pytest.mark.engine
def test_chapter_02_runs_to_the_end_and_its_widget_buttons_act_on_the_engine(learner_lab, browser, engine):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="en-US")
    try:
        page.goto(f"{learner_lab.base}/lab/tree/02-hello-world.ipynb?token={learner_lab.token}")
        page.locator(".jp-NotebookPanel:visible .jp-CodeCell").nth(3).wait_for(timeout=60_000)
        learner_lab.wait_for_session("02-hello-world.ipynb")

        page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="실행").first.click()
        page.get_by_role("menuitem", name="모든 셀 실행", exact=True).click()  # Run > Run All Cells
        progress, last_change = (-1, 0), time.monotonic()
        while time.monotonic() - last_change < 300:  # fail when no cell finishes for 5 minutes
            done, total = code_cells_done(page)
            if total and done == total and learner_lab.kernels_idle():
                break
            if (done, total) != progress:
                progress, last_change = (done, total), time.monotonic()
            page.wait_for_timeout(500)
        else:
            shot(page, "03-chapter-02-timeout")
            pytest.fail(f"chapter 2 did not run to the end: {code_cells_done(page)}")
        errors = page.locator('.jp-NotebookPanel:visible .jp-OutputArea-output'
                              '[data-mime-type="application/vnd.jupyter.stderr"]').all_text_contents()
        assert not [e for e in errors if "Traceback" in e or "Error" in e], errors
        last = page.locator(".jp-NotebookPanel:visible .jp-CodeCell").last
        last.scroll_into_view_if_needed()
        shot(page, "03-chapter-02-end")

        # three widget buttons, each checked on the engine: run (RunBuilder), stop and remove (the dashboard)
        page.locator("button.widget-button", has_text="실행 (Run)").first.click()
        wait_for_container(engine, "builder-demo", "running")
        page.locator('button[title="docker ps -a"]').first.click()  # the dashboard's refresh
        page.locator('button[title="docker stop builder-demo"]').first.click()
        wait_for_container(engine, "builder-demo", "exited")
        page.locator('button[title="docker ps -a"]').first.click()  # after a refresh the row says exited:
        page.locator('button[title="docker stop builder-demo"][disabled]').first.wait_for(timeout=30_000)
        shot(page, "04-chapter-02-dashboard")
        page.locator('button[title="docker rm builder-demo"]').first.click()
        wait_for_container(engine, "builder-demo", None)
    finally:
        page.close()
        subprocess.run([str(VENV_PYTHON), "-c", "import helpers as h; h.reset('02', verbose=False)"], cwd=ROOT,
                       capture_output=True, timeout=300)


# ---------------------------------------------------------------- restarts

def installed() -> tuple[set[str], list[float]]:
    """The distributions in this environment (tools/lab.sh installs into the one running the tests) and the
    times setup.sh last installed (its stamps)."""
    venv = Path(sys.prefix)
    site = next((venv / "lib").glob("python3*/site-packages"))
    return {p.name for p in site.glob("*.dist-info")}, sorted(p.stat().st_mtime for p in venv.glob(".installed-*"))


@pytest.mark.slow
@pytest.mark.engine
def test_second_start_installs_nothing_and_needs_no_package_index(tmp_path):
    workspace = tmp_path / "workspace"
    Lab(workspace, name="first-start").stop()  # the first start may install and build; it is not timed
    before = installed()
    assert before[1], "setup.sh left no install stamp"

    offline = {"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": ""}
    lab = Lab(workspace, env=offline, name="second-start")
    try:
        print(f"\nsecond start of bash tools/lab.sh, offline, until JupyterLab answers: {lab.seconds:.1f} s")
        log = lab.log()
        assert "설치합니다" not in log, log
        assert installed() == before, "the second start installed something"
        assert lab.get("/api/contents/00-start-here.md")[0] == 200
        assert lab.seconds < 15, f"the second start took {lab.seconds:.1f} s:\n{log}"
    finally:
        lab.stop()


# ---------------------------------------------------------------- the scripts on every platform

BASH32_TRAPS = {  # what bash 3.2 (macOS) cannot do
    r"\bmapfile\b|\breadarray\b": "mapfile/readarray (bash 4)",
    r"\$\{\w+(,,|\^\^)": "${x,,} / ${x^^} (bash 4)",
    r"declare -A|local -A": "associative arrays (bash 4)",
    r"&>>": "&>> (bash 4)",
    r"(?<!\+)\"\$\{\w+\[@\]\}\"": 'an unguarded "${a[@]}" (empty arrays are unbound under set -u in bash 3.2)',
}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_parse_and_avoid_what_bash_3_2_lacks(script):
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text(encoding="utf-8")
    found = [why for pattern, why in BASH32_TRAPS.items()
             for line in text.splitlines() if not line.lstrip().startswith("#") and re.search(pattern, line)]
    assert not found, f"{script.name}: {found}"


def stub_dir(tmp_path: Path, calls: Path) -> Path:
    """Commands that would install or start an engine, recording that they were called."""
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name in ("apt-get", "dockerd", "systemctl"):
        (stubs / name).write_text(f'#!/bin/sh\necho "{name} $*" >> "{calls}"\nexit 0\n')
        (stubs / name).chmod(0o755)
    return stubs


@pytest.mark.engine
def test_engine_sh_uses_an_engine_that_answers_and_installs_nothing(tmp_path, engine):
    calls = tmp_path / "calls"
    env = {**os.environ, "PATH": f"{stub_dir(tmp_path, calls)}:{os.environ['PATH']}", "PY": str(VENV_PYTHON)}
    run = subprocess.run(["bash", "tools/engine.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "응답합니다" in run.stdout
    assert not calls.exists(), calls.read_text()


def test_engine_sh_in_wsl_without_docker_desktop_explains_and_installs_nothing(tmp_path):
    calls = tmp_path / "calls"
    env = {**os.environ, "PATH": f"{stub_dir(tmp_path, calls)}:{os.environ['PATH']}", "PY": str(VENV_PYTHON),
           "DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock", "WSL_DISTRO_NAME": "Ubuntu"}
    run = subprocess.run(["bash", "tools/engine.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "Docker Desktop" in run.stdout and "WSL integration" in run.stdout
    assert not calls.exists(), calls.read_text()


def test_setup_sh_asks_for_python_3_10_in_korean(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    old = bin_dir / "python3"  # macOS's python3 is 3.9
    old.write_text('#!/bin/sh\n[ "$1" = "--version" ] && echo "Python 3.9.6" && exit 0\nexit 1\n')
    old.chmod(0o755)
    for tool in ("dirname", "cat", "rm"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "VENV": str(tmp_path / "venv")}
    run = subprocess.run([shutil.which("bash"), "tools/setup.sh"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 1
    assert "Python 3.10 이상" in run.stderr and "3.9.6" in run.stderr and "brew install" in run.stderr
    assert not (tmp_path / "venv").exists()


def test_one_click_opens_a_jupyterlab_terminal_with_the_command_typed_in(learner_lab):
    """hw.LabTerminalButton / hw.lab_terminal: a real terminal of the learner's JupyterLab runs the command."""
    import websocket

    from helpers.widgets import lab_terminal

    name = lab_terminal("echo ldk-$((6*7))", base_url=learner_lab.base, token=learner_lab.token)
    status, body = learner_lab.get("/api/terminals")
    assert status == 200 and name in [t["name"] for t in json.loads(body)]
    ws = websocket.create_connection(learner_lab.base.replace("http", "ws") + f"/terminals/websocket/{name}",
                                     header=[f"Authorization: token {learner_lab.token}"], timeout=10)
    seen = ""
    try:
        deadline = time.monotonic() + 15
        while "ldk-42" not in seen and time.monotonic() < deadline:
            kind, *rest = json.loads(ws.recv())
            if kind == "stdout":
                seen += rest[0]
    finally:
        ws.close()
        learner_lab.request("DELETE", f"/api/terminals/{name}")
    assert "ldk-42" in seen, seen[-500:]
