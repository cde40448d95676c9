"""Isolated autograding: each submission runs in a worker (see ``sandbox``), and only the grader's own
re-check of each graded cell (see ``agent``) becomes its points.

How one submission is graded, in a driver process that owns one worker (``parallel``):

1. The driver enters the worker engine's network namespace, then nbgrader autogrades the submission in a
   root-only *stage*. The learner's kernel is started by :class:`SandboxKernelManager`: as the worker's
   user, in the worker's cgroup and in the kernel view (``views``), over TCP on the namespace's own
   loopback (no socket file in a folder the learner can write).
2. :class:`SandboxExecute` runs the cells. When the assignment's locked setup cell has run in its place,
   it asks the agent to note the engine's clock. For every graded test cell it asks the agent to run the
   cell's code itself, with the learner's values as JSON (plain data), and **replaces the cell's outputs
   with that verdict**: whatever the learner's kernel printed or returned for a test cell cannot add a
   point. A graded cell before the setup cell earns nothing. Outputs are capped per cell.
3. Between submissions the worker is killed and rebuilt (``Worker.kill``, ``fresh_scratch``,
   ``start_engine``), and the agent heals the engine back to the kit.
"""

from __future__ import annotations

import ast
import builtins
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbformat.notebooknode import NotebookNode
from traitlets import Any, Float

from .gradebook import cell_timeout, submission_timeout  # noqa: F401 - one limit for both modes
from .sandbox import Worker, _open_log

MARKER = "\x00LDK-VALUES:"
OUTPUT_LIMIT = 100_000  # bytes of outputs kept per cell
VALUES_LIMIT = 1_000_000  # bytes of learner values the re-check takes
REPLY_LIMIT = 1_000_000  # bytes of one agent reply
SETUP_CALL = "h.checks.start("


class SandboxKernelManager(AsyncKernelManager):
    """Starts the learner's kernel inside the worker (``Worker.kernel_command``)."""

    worker = Any(None, allow_none=True)  # the driver sets this on the class

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "tcp"
        self.ip = "127.0.0.1"  # the worker engine's namespace: the driver entered it
        self.connection_file = str(self.worker.private / f"kernel-{uuid.uuid4().hex[:12]}.json")

    async def _async_pre_start_kernel(self, **kw):
        # the kernel's own stdout/stderr (not cell outputs) are the learner's to flood: dropped, unless an
        # instructor debugging the grader asks for them (LEARN_DOCKER_KERNEL_LOG=1: logs/kernel.log, root-only)
        out = _open_log(self.worker.logs / "kernel.log") if os.environ.get("LEARN_DOCKER_KERNEL_LOG") else None
        kw.update(stdout=out if out is not None else subprocess.DEVNULL, stderr=subprocess.STDOUT,
                  cwd=str(self.worker.private))
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        if cmd and cmd[0] == sys.executable:
            cmd = [str(Path(sys.prefix) / "bin" / "python"), *cmd[1:]]
        return self.worker.kernel_command(cmd, Path(self.connection_file))

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        Path(self.connection_file).unlink(missing_ok=True)


class AgentClient:
    """The driver's end of the trusted agent's JSON-lines pipe (the agent runs as the worker's user)."""

    def __init__(self, worker: Worker, archive: Path):
        self.archive = archive
        kit = os.open(archive, os.O_RDONLY | os.O_NOFOLLOW)
        ids = os.open(archive.with_suffix(".ids.json"), os.O_RDONLY | os.O_NOFOLLOW)
        log = _open_log(worker.logs / "agent.log")
        argv = [str(Path(sys.prefix) / "bin" / "python"), "-I", "-m", "helpers.grading.agent", str(kit), str(ids)]
        try:
            self.process = subprocess.Popen(worker.agent_command(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=log, env={"PATH": "/usr/bin:/bin"}, cwd=str(worker.home / "bin"),
                                            pass_fds=(kit, ids))
        finally:
            for fd in (kit, ids, log):
                os.close(fd)

    def ask(self, timeout: float = 120, **request) -> dict:
        self.process.stdin.write((json.dumps(request, ensure_ascii=False) + "\n").encode())
        self.process.stdin.flush()
        line = _read_line(self.process.stdout, timeout, REPLY_LIMIT)
        if not line:
            raise RuntimeError("채점기의 확인 프로세스가 응답하지 않았습니다.")
        return json.loads(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _read_line(stream, timeout: float, limit: int) -> bytes:
    """One line from ``stream`` within ``timeout`` seconds and ``limit`` bytes (else what came, or b'')."""
    import select

    deadline = time.monotonic() + timeout
    data = b""
    fd = stream.fileno()
    while b"\n" not in data and len(data) < limit:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return b""
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    return data.split(b"\n", 1)[0] if b"\n" in data else b""


def free_names(source: str) -> list[str]:
    """Names a cell reads but does not define (the learner's variables it checks)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    stored = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    loaded = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    skip = stored | set(dir(builtins)) | {"h", "run", "REG"}
    return sorted({n for n in loaded if n not in skip})


def error_output(title: str, detail: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=title, evalue=detail, traceback=[f"{title}: {detail}"])


def stdout_output(text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name="stdout", text=text)


def is_graded_test(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def setup_cell_id(notebook) -> str | None:
    """The grade/cell id of the assignment's setup cell (locked, calls ``h.checks.start``) in the source."""
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("locked") and SETUP_CALL in cell.source:
            return meta.get("grade_id")
    return None


def verdict_outputs(marked: bool, reply: dict | None, points) -> list[NotebookNode]:
    """What a graded test cell shows: the grader's verdict only."""
    if not marked:
        return [error_output("순서", "이 채점 셀은 실습 준비 셀보다 먼저 실행되어 점수가 없습니다. 셀의 순서를 바꾸지 "
                                    "말고, 준비 셀부터 차례대로 실행하세요.")]
    if reply is None or not reply.get("ok"):
        why = (reply or {}).get("error") or "채점기가 다시 확인하지 못했습니다."
        return [error_output("채점기확인", why[:4000])]
    return [stdout_output(f"채점기 확인: 통과 ({points}점)\n")]


def make_execute():
    """nbgrader's ``Execute`` with the sandbox's kernel, the grader's verdict and a submission clock."""
    from nbgrader.preprocessors import Execute

    class SandboxExecute(Execute):
        agent = Any(None, allow_none=True)  # the driver sets this on the class
        setup_id = Any(None, allow_none=True)  # the source's setup cell id (the driver sets it)
        submission_timeout = Float(0.0).tag(config=True)  # 0: submission_timeout()

        def preprocess(self, nb, resources=None, km=None):
            self.kernel_manager_class = SandboxKernelManager
            self._limit = self.submission_timeout or submission_timeout()
            self._deadline = time.monotonic() + self._limit
            self._marked = False
            return super().preprocess(nb, resources, km)

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type == "code" and time.monotonic() > self._deadline:
                cell.outputs = [error_output("제출물시간초과", f"제출물 전체 제한 {self._limit:g}초를 넘어 "
                                                              "이 셀은 실행하지 않았습니다.")]
                return cell, resources
            self._bytes = 0
            self._cut = False
            cell, resources = super().preprocess_cell(cell, resources, index)
            meta = cell.metadata.get("nbgrader", {})
            if (cell.cell_type == "code" and not self._marked and self.setup_id is not None
                    and meta.get("grade_id") == self.setup_id and meta.get("locked")):
                self.agent.ask(op="mark")
                self._marked = True
            elif is_graded_test(cell):
                reply = None
                if self._marked:
                    try:
                        reply = self.agent.ask(op="check", source=cell.source, vars=self._values(cell.source),
                                               cwd=str(SandboxKernelManager.worker.learner_home))
                    except (RuntimeError, ValueError) as exc:
                        reply = {"ok": False, "error": f"채점기 확인 실패: {exc}"}
                cell.outputs = verdict_outputs(self._marked, reply, meta.get("points"))
            return cell, resources

        def process_message(self, msg, cell, cell_index):
            """Keep at most OUTPUT_LIMIT bytes of what a cell sends (outputs, display updates, widget
            messages), with one Korean note where cut; status messages always pass (they end the cell)."""
            if msg.get("msg_type") in ("status", "execute_input", "clear_output"):
                return super().process_message(msg, cell, cell_index)
            self._bytes = getattr(self, "_bytes", 0) + len(json.dumps(msg.get("content", {}), default=str))
            if self._bytes > OUTPUT_LIMIT:
                if not getattr(self, "_cut", False):
                    self._cut = True
                    cell.outputs.append(stdout_output(f"\n[출력이 {OUTPUT_LIMIT // 1000}KB를 넘어 나머지는 저장하지 "
                                                      "않았습니다]\n"))
                return None
            return super().process_message(msg, cell, cell_index)

        def _values(self, source: str) -> dict:
            names = free_names(source)
            if not names:
                return {}
            # bytes (what the docker SDK returns) travel as their UTF-8 text, as the checks read them
            code = (f"print({MARKER!r} + __import__('json').dumps({{_n: (lambda _v: _v.decode('utf-8', 'replace') "
                    "if isinstance(_v, bytes) else _v)(globals()[_n]) for _n in " + repr(names) + " "
                    "if _n in globals() and isinstance(globals()[_n], (str, bytes, int, float, bool, list, tuple, "
                    "dict, type(None)))}, default=str, ensure_ascii=False))")
            seen: list[str] = []
            size = [0]

            def hook(msg):
                if msg["msg_type"] == "stream" and msg["content"].get("name") == "stdout" and size[0] < VALUES_LIMIT:
                    text = msg["content"]["text"]
                    size[0] += len(text)
                    seen.append(text)

            try:
                run_sync(self.kc.execute_interactive)(code, store_history=False, output_hook=hook, timeout=30)
            except Exception:  # noqa: BLE001 - a kernel that no longer answers: no values
                return {}
            text = "".join(seen)[:VALUES_LIMIT]
            if MARKER not in text:
                return {}
            try:
                return json.loads(text.split(MARKER, 1)[1].strip().splitlines()[0])
            except (ValueError, IndexError):
                return {}

    return SandboxExecute
