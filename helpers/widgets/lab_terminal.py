"""One click to a JupyterLab terminal with a docker command already typed in (``docker run -it ...``).

The button asks the JupyterLab server this kernel runs under (found in Jupyter's runtime files) for a new
terminal through its REST API, types the command there, and says where to find it: a real terminal, for
what a cell cannot give (your own keyboard on ``docker run -it`` / ``docker attach``).
"""

from __future__ import annotations

import json
import os
import urllib.request

import ipywidgets as w

from ..errors import CourseError
from .base import CourseWidget, esc


def _server(base_url: str | None = None, token: str | None = None) -> tuple[str, str]:
    """(base URL ending in '/', token) of the JupyterLab server this kernel belongs to."""
    if base_url:
        return base_url.rstrip("/") + "/", token or ""
    from jupyter_server.serverapp import list_running_servers

    here = os.getcwd()
    servers = list(list_running_servers())
    if not servers:
        raise CourseError("이 커널을 띄운 JupyterLab 서버를 찾지 못했습니다.",
                          hint="JupyterLab 안에서 노트북을 열어 실행하세요 (bash tools/lab.sh). "
                               "아니면 메뉴 File > New > Terminal로 터미널을 열고 명령을 직접 입력하세요.")
    mine = [s for s in servers if here.startswith(os.path.realpath(s.get("root_dir") or "/"))] or servers
    return mine[0]["url"], mine[0].get("token") or ""


def lab_terminal(command: str, *, base_url: str | None = None, token: str | None = None) -> str:
    """Open a new JupyterLab terminal and type ``command`` into it (with Enter). Returns its name."""
    url, tok = _server(base_url, token)
    headers = {"Authorization": f"token {tok}"} if tok else {}
    req = urllib.request.Request(url + "api/terminals", data=b"{}", method="POST",
                                 headers={**headers, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        name = json.loads(resp.read())["name"]
    import websocket  # websocket-client, a docker SDK dependency

    ws = websocket.create_connection(url.replace("http", "ws", 1) + f"terminals/websocket/{name}",
                                     header=[f"{k}: {v}" for k, v in headers.items()], timeout=10)
    try:
        ws.send(json.dumps(["stdin", command + "\r"]))
    finally:
        ws.close()
    return name


class LabTerminalButton(CourseWidget):
    """A button that opens a JupyterLab terminal with ``command`` typed in. Introduced in chapter 02."""

    def __init__(self, command: str, label: str = "JupyterLab 터미널에서 열기"):
        super().__init__()
        self.command = command
        self.name: str | None = None
        self.button = w.Button(description=label, icon="terminal", tooltip=command, layout=w.Layout(width="auto"))
        self.button.on_click(self._on(self.open))
        self.status = w.HTML(f"<code>$ {esc(command)}</code>")
        self.widget = w.VBox([w.HBox([self.button, self.status]), self.out])

    def open(self) -> str:
        """Open the terminal now (what the button does); returns its name."""
        self.name = lab_terminal(self.command)
        self.status.value = (f"<code>$ {esc(self.command)}</code> — 터미널 <b>terminals/{esc(self.name)}</b>에 입력해 두었습니다. "
                             "왼쪽의 '실행 중인 터미널과 커널' 패널에서 열어 보세요.")
        return self.name

    def text(self) -> str:
        opened = f" (열린 터미널: terminals/{self.name})" if self.name else ""
        return f"JupyterLab 터미널에서 실행할 명령: $ {self.command}{opened}"
