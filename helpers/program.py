"""Running another program the way a terminal would, bounded in time: the Compose program (chapter 09) and
``docker build`` with BuildKit (chapter 05). Lines are read as they come (stdout and stderr merged, in order,
unless asked apart); at the deadline Ctrl-C first, then SIGTERM, then SIGKILL; an interrupted cell sends
Ctrl-C on as a terminal does.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable

from . import errors
from .display import say

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # BuildKit colours its warning summary even into a pipe
INTERRUPT_GRACE = 10.0  # seconds a program gets after Ctrl-C before SIGTERM
TERM_GRACE = 5.0  # and after SIGTERM before SIGKILL


def run_program(argv: list[str], *, env: dict[str, str], timeout: float, line: str, stream: bool,
                interrupt: bool = False, merge: bool = True, noise: tuple[str, ...] = (),
                on_line: Callable[[str], None] | None = None, error: type[errors.CourseError] = errors.CourseError,
                timeout_hint: str = "", interrupt_grace: float = INTERRUPT_GRACE,
                term_grace: float = TERM_GRACE) -> tuple[int, list[str], list[str], int | None]:
    """Run ``argv`` bounded by ``timeout``; return (exit code, stdout lines, stderr lines, last signal sent).

    ``line`` is the command as shown to the learner (for messages). ``stream`` prints each line as it comes;
    ``on_line`` sees each one (after ``noise`` is dropped). ``interrupt``: at the deadline send Ctrl-C (the
    program then stops what it runs in the foreground) instead of failing; one deaf to it gets SIGTERM.
    With no ``interrupt``, or after SIGTERM's grace, the program is killed and ``error`` raised in Korean.
    """
    popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT if merge else subprocess.PIPE, env=env,
                             start_new_session=True, text=True, encoding="utf-8", errors="replace")
    lines: queue.Queue = queue.Queue()
    readers = [threading.Thread(target=_pump, args=(popen.stdout, lines, "out"), daemon=True)]
    if not merge:
        readers.append(threading.Thread(target=_pump, args=(popen.stderr, lines, "err"), daemon=True))
    for reader in readers:
        reader.start()
    out: list[str] = []
    err: list[str] = []
    deadline = time.monotonic() + timeout
    open_streams = len(readers)
    steps = iter([(signal.SIGINT, interrupt_grace), (signal.SIGTERM, term_grace)]) if interrupt else iter(())
    sent: int | None = None
    try:
        while open_streams:
            if time.monotonic() >= deadline:  # checked on every line: a chatty program is bounded too
                step = next(steps, None)
                if step is not None:  # Ctrl-C first, as in a terminal; a program that ignores it gets SIGTERM
                    sent, grace = step
                    if sent == signal.SIGINT:
                        say(f"({timeout:g}초가 지나 Ctrl-C를 보냅니다: 앞에서 실행하던 것을 멈춥니다)")
                    else:
                        say(f"(Ctrl-C에 {interrupt_grace:g}초 동안 멈추지 않아 SIGTERM을 보냅니다)")
                    signal_group(popen, sent)
                    deadline = time.monotonic() + grace
                    continue
                signal_group(popen, signal.SIGKILL)
                raise error(f"`{line[2:]}`이(가) {timeout:g}초 안에 끝나지 않아 멈췄습니다"
                            + (" (Ctrl-C와 SIGTERM에도 멈추지 않아 SIGKILL로 끝냈습니다)." if sent else "."),
                            hint=timeout_hint, cause="".join(out[-5:] + err[-5:])) from None
            try:
                which, text = lines.get(timeout=max(0.05, min(0.5, deadline - time.monotonic())))
            except queue.Empty:
                continue
            if text is None:
                open_streams -= 1
                continue
            text = _ANSI.sub("", text)
            if any(n in text for n in noise) or (stream and not text.strip()):
                continue
            (out if which == "out" else err).append(text)
            if on_line:
                on_line(text)
            if stream:
                say(text.rstrip("\n"))
    except KeyboardInterrupt:  # the cell was interrupted: Ctrl-C to the program too, as in a terminal, then harder
        for sig, grace in ((signal.SIGINT, interrupt_grace), (signal.SIGTERM, term_grace), (signal.SIGKILL, 5.0)):
            signal_group(popen, sig)
            try:
                popen.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        raise
    return popen.wait(timeout=30), out, err, sent


def _pump(pipe, lines: queue.Queue, which: str) -> None:
    for text in iter(pipe.readline, ""):
        lines.put((which, text))
    lines.put((which, None))


def signal_group(popen: subprocess.Popen, sig: int) -> None:
    """Send ``sig`` to the program and what it started (its own session)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(popen.pid, sig)
        else:
            popen.send_signal(sig)
    except (ProcessLookupError, PermissionError, OSError):
        pass
