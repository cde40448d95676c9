"""Isolated autograding: each submission runs in a worker (see ``sandbox``), and each graded cell is
re-checked by the worker's trusted agent (see ``agent``).

How one submission is graded, in a driver process that owns one worker:

1. nbgrader autogrades it in a root-only *stage* (a private course folder: the assignment's source,
   this submission, a gradebook of its own). The learner's kernel is started by
   :class:`SandboxKernelManager`: as the worker's user, in the worker's network namespace and cgroups,
   in a folder of its own holding a copy of the submission's files, with a clean environment, and
   talking to nbgrader over unix sockets (``ipc``) in the worker's folder.
2. :class:`SandboxExecute` runs the cells. After the setup cell it asks the agent to note the engine's
   clock; after every graded cell that passed in the kernel, it hands the cell's code and the learner's
   values (as JSON: plain data) to the agent, which runs the checks itself. When the agent disagrees,
   the cell gets an error output, so nbgrader scores it 0 and the feedback says why in Korean.
3. The agent heals the engine (kit by ID, empty registry, nothing else); what was damaged goes into
   that submission's feedback.

The main process then copies the autograded folder and the scores into the course's own gradebook.
"""

from __future__ import annotations

import ast
import builtins
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbformat.notebooknode import NotebookNode
from traitlets import Any, Float

from .sandbox import Worker, learner_python


def cell_timeout() -> int:
    """Seconds one cell may run (a foreground ``sleep 3600`` is stopped here); ``LEARN_DOCKER_CELL_TIMEOUT``."""
    return int(os.environ.get("LEARN_DOCKER_CELL_TIMEOUT", "120"))


def submission_timeout() -> float:
    """Seconds all cells of one submission may run together; ``LEARN_DOCKER_SUBMISSION_TIMEOUT``."""
    return float(os.environ.get("LEARN_DOCKER_SUBMISSION_TIMEOUT", "600"))
MARKER = "\x00LDK-VALUES:"


class SandboxKernelManager(AsyncKernelManager):
    """Starts the learner's kernel inside the worker (``Worker.kernel_command``), over unix sockets."""

    worker = Any(None, allow_none=True)  # the driver sets this on the class

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        folder = self.worker.home / "kernel"
        self.transport = "ipc"
        self.ip = str(folder / f"ipc-{uuid.uuid4().hex[:8]}")
        self.connection_file = str(folder / f"kernel-{uuid.uuid4().hex[:8]}.json")

    async def _async_pre_start_kernel(self, **kw):
        self._learner_cwd = _copy_submission_files(Path(kw.get("cwd") or "."), self.worker)
        log = open(self.worker.home / "kernel.log", "ab")  # noqa: SIM115 - the kernel process keeps it
        kw.update(stdout=log, stderr=subprocess.STDOUT)
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        if cmd and cmd[0] == sys.executable:
            cmd = [*learner_python(), *cmd[1:]]
        uid, gid = self.worker.ids
        os.chown(self.connection_file, uid, gid)
        return self.worker.kernel_command(cmd, self._learner_cwd, self.worker.learner_env(sys.executable))


def _copy_submission_files(source: Path, worker: Worker) -> Path:
    """The learner's folder: the submission's files (a Dockerfile ...), no notebook, owned by the worker."""
    target = worker.learner_dir()
    uid, gid = worker.ids
    for item in source.iterdir() if source.is_dir() else []:
        if item.suffix == ".ipynb" or item.is_symlink():
            continue
        dest = target / item.name
        if item.is_dir():
            shutil.copytree(item, dest, symlinks=False)
        else:
            shutil.copy2(item, dest)
    for path in [target, *target.rglob("*")]:
        os.lchown(path, uid, gid)
    return target


class AgentClient:
    """The driver's end of the trusted agent's JSON-lines pipe."""

    def __init__(self, worker: Worker, archive: Path):
        argv = [sys.executable, "-m", "helpers.grading.agent", str(archive), str(worker.ids[0])]
        self.process = subprocess.Popen(worker.trusted_command(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=open(worker.home / "agent.log", "ab"),  # noqa: SIM115
                                        env=worker.trusted_env(), text=True, cwd=str(worker.course_home))

    def ask(self, **request) -> dict:
        self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("채점기의 확인 프로세스가 멈췄습니다.")
        return json.loads(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


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


def _error_output(title: str, detail: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=title, evalue=detail, traceback=[f"{title}: {detail}"])


def _is_graded_test(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def _failed(cell) -> bool:
    return any(o.output_type == "error" or (o.output_type == "stream" and o.get("name") == "stderr")
               for o in cell.get("outputs", []))


def make_execute():
    """nbgrader's ``Execute`` with the sandbox's kernel, the agent's re-check and a submission clock."""
    from nbgrader.preprocessors import Execute

    class SandboxExecute(Execute):
        agent = Any(None, allow_none=True)  # the driver sets this on the class
        submission_timeout = Float(0.0).tag(config=True)  # 0: submission_timeout()

        def preprocess(self, nb, resources=None, km=None):
            self.kernel_manager_class = SandboxKernelManager
            self._limit = self.submission_timeout or submission_timeout()
            self._deadline = time.monotonic() + self._limit
            return super().preprocess(nb, resources, km)

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type == "code" and time.monotonic() > self._deadline:
                cell.outputs = [_error_output("제출물시간초과", f"제출물 전체 제한 {self._limit:g}초를 넘어 "
                                                               "이 셀은 실행하지 않았습니다.")]
                return cell, resources
            cell, resources = super().preprocess_cell(cell, resources, index)
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("locked") and "h.checks.start(" in cell.source:
                self.agent.ask(op="mark")
            elif _is_graded_test(cell) and not _failed(cell):
                reply = self.agent.ask(op="check", source=cell.source, vars=self._values(cell.source))
                if not reply["ok"]:
                    cell.outputs.append(_error_output(
                        "채점기재확인", "학습자 커널에서는 통과했지만, 채점기가 엔진을 직접 다시 확인하니 맞지 않습니다: "
                        + (reply.get("error") or "")))
            return cell, resources

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

            def hook(msg):
                if msg["msg_type"] == "stream" and msg["content"].get("name") == "stdout":
                    seen.append(msg["content"]["text"])

            try:
                run_sync(self.kc.execute_interactive)(code, store_history=False, output_hook=hook, timeout=30)
            except Exception:  # noqa: BLE001 - a kernel that no longer answers: no values
                return {}
            text = "".join(seen)
            if MARKER not in text:
                return {}
            try:
                return json.loads(text.split(MARKER, 1)[1].strip().splitlines()[0])
            except (ValueError, IndexError):
                return {}

    return SandboxExecute
