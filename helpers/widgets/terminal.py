"""A real terminal session in a notebook: ``docker attach`` or ``docker exec -it`` over the engine API.

One persistent session with a TTY: what you type goes to the same shell, so ``cd`` and ``export``
carry over, ``history`` remembers, Ctrl-C interrupts, ``exit`` ends the shell (and, when attached to
the main process, the container), and Ctrl-P Ctrl-Q detaches and leaves the container running.
Output streams in as it comes (a reader thread). Every method a button calls can be called from a
cell too (``send``, ``wait_for``), so the lesson also runs headless.
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import re
import threading
import time
import weakref

import ipywidgets as w

from .. import containers
from ..command import echo
from ..connection import client
from ..errors import ContainerNotRunning, CourseError
from .base import CourseWidget, esc, name_of
from .lab_terminal import LabTerminalButton

_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07]*(\x07|\x1b\\)|[()][A-Za-z0-9]|[=>])")
KEYS = {"Ctrl-C": "\x03", "Ctrl-D": "\x04", "분리 Ctrl-P Ctrl-Q": "\x10\x11", "Tab": "\t", "↑": "\x1b[A"}
_OPEN: weakref.WeakSet = weakref.WeakSet()


def screen_text(raw: str) -> str:
    """Terminal bytes as plain text: colours and cursor codes dropped, ``\\r\\n`` as newlines."""
    text = _ANSI.sub("", raw).replace("\r\n", "\n")
    return re.sub(r"[^\n]*\r(?!\n)", "", text).replace("\x07", "")


class Terminal(CourseWidget):
    """Type into a container's shell through a real TTY. Similar to ``docker attach`` (no ``command``)
    or ``docker exec -it NAME COMMAND``. Introduced in chapter 02."""

    def __init__(self, container, command: str | list[str] | None = None, *, user: str | None = None):
        super().__init__()
        self.name = name_of(container)
        self.command = containers.argv_of(command)
        self.raw = ""
        self.state = "연결 전"
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._lock = threading.Lock()
        c = containers.container(self.name)
        if c.status != "running":
            raise ContainerNotRunning(f"'{self.name}'은(는) 지금 '{c.status}' 상태라 터미널을 열 수 없습니다.",
                                      hint=f"`h.start('{self.name}')`로 먼저 시작하세요.")
        api = client().api
        if self.command is None:
            echo("attach", self.name)
            self.sock = api.attach_socket(c.id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
        else:
            echo("exec", "-it", ["-u", user] if user else None, self.name, self.command)
            exec_id = api.exec_create(c.id, self.command, stdin=True, tty=True, user=user or "")["Id"]
            self.sock = api.exec_start(exec_id, tty=True, socket=True)
        self._socket = getattr(self.sock, "_sock", self.sock)
        self.screen = w.Output(layout=w.Layout(height="260px", overflow="auto", border="1px solid #444"))
        self.input = w.Text(placeholder="명령을 쓰고 Enter (예: cd /tmp)", continuous_update=False,
                            layout=w.Layout(width="420px"))
        self.input.observe(self._submitted, names="value")
        keys = [w.Button(description=label, tooltip=repr(seq), layout=w.Layout(width="auto")) for label, seq in
                KEYS.items()]
        for button, seq in zip(keys, KEYS.values()):
            button.on_click(self._on(self.send, seq))
        self.status = w.HTML()
        title = f"docker attach {self.name}" if self.command is None else f"docker exec -it {self.name} " + " ".join(
            self.command)
        self.in_lab = LabTerminalButton(title, label="JupyterLab 터미널에서 같은 명령")
        self.widget = w.VBox([w.HTML(f"<b>터미널</b> <code>{esc(title)}</code>"), self.screen,
                              w.HBox([self.input, *keys]), self.status, self.in_lab.widget, self.out])
        self._set_state("연결됨")
        self._reader = threading.Thread(target=self._read, name=f"terminal-{self.name}", daemon=True)
        self._reader.start()
        _OPEN.add(self)
        if self.command is None:
            self.send("\n")  # a fresh prompt: attach shows only what comes after it

    # -- the session ---------------------------------------------------------------------------------
    def _read(self) -> None:
        while True:
            try:
                data = self._socket.recv(4096)
            except OSError:
                data = b""
            if not data:
                break
            text = self._decoder.decode(data)
            with self._lock:
                self.raw += text
            self.screen.append_stdout(screen_text(text))
        self._ended()

    def _ended(self) -> None:
        c = containers.find(self.name)
        status = c.status if c is not None else "removed"
        if self.state == "분리 중":
            self._set_state(f"분리됨 (컨테이너는 계속 {status})")
        else:
            self._set_state(f"세션이 끝났습니다 (컨테이너 상태: {status})")

    def _set_state(self, state: str) -> None:
        self.state = state
        self.status.value = f"<small>상태: {esc(state)}</small>"

    @property
    def alive(self) -> bool:
        return self._reader.is_alive()

    def send(self, text: str) -> None:
        """Type ``text`` into the session (``"ls\\n"``, or a key such as ``KEYS['Ctrl-C']``)."""
        if not self.alive:
            raise CourseError("터미널 세션이 이미 끝났습니다.", hint="새 Terminal을 여세요.")
        if text == KEYS["분리 Ctrl-P Ctrl-Q"]:
            self._set_state("분리 중")
        self._socket.sendall(text.encode("utf-8"))

    def run(self, line: str, wait: str | None = None, timeout: float = 10) -> str:
        """Type one line and Enter; with ``wait``, wait until it appears in the output. Returns the new output."""
        start = len(self.raw)
        self.send(line.rstrip("\n") + "\n")
        if wait is not None:
            self.wait_for(wait, timeout=timeout, since=start)
        else:
            time.sleep(0.3)
        return screen_text(self.raw[start:])

    def wait_for(self, pattern: str, timeout: float = 10, since: int = 0) -> str:
        """Wait until ``pattern`` (a regular expression) shows in the output after ``since``, or the session ends."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = screen_text(self.raw[since:])
            if re.search(pattern, text):
                return text
            if not self.alive:
                break
            time.sleep(0.05)
        raise CourseError(f"터미널에 '{pattern}'이(가) {timeout:g}초 안에 나오지 않았습니다.",
                          hint="명령이 끝났는지, 프롬프트가 나왔는지 확인하세요.", cause=screen_text(self.raw)[-300:])

    def wait_closed(self, timeout: float = 10) -> bool:
        """Wait until the session ends (``exit``, detach); True when it has."""
        self._reader.join(timeout)
        return not self.alive

    def _submitted(self, change) -> None:
        line = change["new"]
        if line:
            self.input.value = ""
            self._guarded(self.send, line + "\n")

    def close(self) -> None:
        """End the widget: the connection closes (the container goes on as after a detach)."""
        with contextlib.suppress(OSError):
            self._socket.close()
        _OPEN.discard(self)
        super().close()

    # -- saved renderings ----------------------------------------------------------------------------
    def text(self) -> str:
        return f"터미널 {self.name} — {self.state}\n{screen_text(self.raw).strip()}"

    def html(self) -> str:
        head, _, body = self.text().partition("\n")
        return f"<div><b>{esc(head)}</b><pre style='background:#111;color:#eee;padding:6px'>{esc(body)}</pre></div>"


def close_all() -> None:
    """Close every open terminal (the kernel is going away)."""
    for term in list(_OPEN):
        with contextlib.suppress(Exception):
            term.close()


atexit.register(close_all)
