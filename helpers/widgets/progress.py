"""Pull and build progress: bars over the same ``images.pull``/``images.build`` a cell calls.

The widget only draws: it passes its ``on_event`` to the verb, which pulls or builds, records the
name in the ledger and maps errors exactly as without a widget.
"""

from __future__ import annotations

import re

import ipywidgets as w

from ..building import STEP_LINE
from ..display import Progress, html_table
from ..errors import CourseError
from ..images import build as build_image
from ..images import build_line, split_ref
from ..images import pull as pull_image
from .base import CourseWidget, esc, run_displayed


class PullProgress(CourseWidget):
    """Pull an image with one progress bar per layer. Similar to ``docker pull``. Introduced in chapter 02."""

    def __init__(self, ref: str, chapter: str | None = None):
        super().__init__()
        self.ref = ref
        self.repo, self.tag = split_ref(ref)
        self.chapter = chapter
        self.bars: dict[str, w.IntProgress] = {}
        self.labels: dict[str, w.Label] = {}
        self.states: dict[str, str] = {}
        self.summary = "대기 중 (.run()으로 시작)"
        self.image = None
        self.box = w.VBox()
        self.status = w.HTML(esc(self.summary))
        self.widget = w.VBox([w.HTML(f"<b>docker pull {esc(ref)}</b>"), self.box, self.status, self.out])

    def _bar(self, layer: str) -> w.IntProgress:
        if layer not in self.bars:
            self.bars[layer] = w.IntProgress(value=0, min=0, max=1, description=layer,
                                             style={"description_width": "110px"})
            self.labels[layer] = w.Label("")
            self.box.children = [*self.box.children, w.HBox([self.bars[layer], self.labels[layer]])]
        return self.bars[layer]

    def on_event(self, event: dict) -> None:
        """Move the layer's bar for one decoded pull event."""
        layer, status = event.get("id"), event.get("status", "")
        if not layer or len(layer) != 12 or not status:
            return
        bar = self._bar(layer)
        detail = event.get("progressDetail") or {}
        total, current = detail.get("total") or 0, detail.get("current") or 0
        if total and status.startswith(("Downloading", "Extracting", "Pushing")):
            bar.max = max(1, int(total))
            bar.value = min(int(current), bar.max)
            bar.bar_style = "info" if status.startswith("Extracting") else ""
        elif status.startswith(Progress.FINAL):
            bar.value = bar.max
            bar.bar_style = "success"
        self.states[layer] = status
        self.labels[layer].value = status

    def run(self):
        """Pull through ``images.pull``, updating the bars; return the image (errors raise as there)."""
        try:
            self.image = pull_image(self.ref, chapter=self.chapter, on_event=self.on_event)
        except CourseError as err:
            for layer, bar in self.bars.items():
                if not self.states.get(layer, "").startswith(Progress.FINAL):
                    bar.bar_style = "danger"
            self.summary = f"실패: {err.message}"
            self.status.value = f'<span style="color:#c62828">{esc(self.summary)}</span>'
            raise
        done = sum(1 for s in self.states.values() if s.startswith(Progress.FINAL))
        self.summary = (f"{self.repo}:{self.tag}: 레이어 {len(self.states)}개 중 {done}개 완료" if self.states
                        else f"{self.repo}:{self.tag}: 새로 받을 레이어가 없습니다 (모두 이미 있음)")
        self.status.value = f"<b>{esc(self.summary)}</b>"
        return self.image

    def text(self) -> str:
        lines = [f"docker pull {self.ref}"]
        lines += [f"  {layer}: {status}" for layer, status in self.states.items()]
        return "\n".join([*lines, self.summary])

    def html(self) -> str:
        rows = []
        for layer, status in self.states.items():
            bar = self.bars[layer]
            pct = int(100 * bar.value / bar.max) if bar.max else 0
            rows.append([f"<code>{esc(layer)}</code>",
                         f'<div style="width:160px;background:#eee"><div style="width:{pct}%;background:#4caf50;'
                         f'height:10px"></div></div>', esc(status)])
        table = html_table(["레이어", "진행", "상태"], rows) if rows else ""
        return f"<div><b>docker pull {esc(self.ref)}</b>{table}<p>{esc(self.summary)}</p></div>"


def pull(ref: str, chapter: str | None = None):
    """Display a :class:`PullProgress` for ``ref``, run it and return the image. Introduced in chapter 02."""
    return run_displayed(PullProgress(ref, chapter=chapter))


_STEP_RE = re.compile(r"^Step (\d+)/(\d+) : (.*)")
_BUILDKIT_STEP = STEP_LINE  # "#5 [build 2/3] COPY ..." (BuildKit's plain progress)


class BuildProgress(CourseWidget):
    """Build an image showing a bar over the Dockerfile's steps; its header is the ``docker build`` line it runs.

    Introduced in chapter 05.
    """

    def __init__(self, path, tag: str, dockerfile: str | None = None, chapter: str | None = None):
        super().__init__()
        self.path, self.tag, self.dockerfile, self.chapter = str(path), tag, dockerfile, chapter
        self.steps: list[str] = []
        self.summary = "대기 중 (.run()으로 시작)"
        self.image = None
        self.bar = w.IntProgress(value=0, min=0, max=1, description="단계")
        self.step_label = w.Label("")
        self.status = w.HTML(esc(self.summary))
        # the line h.build prints and runs (the builder in use, the chapter's label), without its "$ "
        self.command = build_line(self.path, tag, dockerfile=dockerfile, chapter=chapter)[0].line()[2:]
        self.widget = w.VBox([w.HTML(f"<b>{esc(self.command)}</b>"),
                              w.HBox([self.bar, self.step_label]), self.status, self.out])

    def on_event(self, event: dict) -> None:
        """Advance the step bar for one decoded build event; keep the step lines."""
        text = (event.get("stream") or "").strip()
        m = _STEP_RE.match(text)
        if m:  # the classic builder: "Step 2/5 : COPY ..."
            self.bar.max = int(m.group(2))
            self.bar.value = int(m.group(1))
            self.step_label.value = text[:80]
            self.steps.append(text)
        kit = _BUILDKIT_STEP.match(text) if event.get("buildkit") else None
        if kit and text not in self.steps:  # BuildKit: "#5 [2/3] COPY ..." (a step's first line)
            self.bar.max = max(self.bar.max if self.steps else 1, int(kit.group(4)))
            self.bar.value = int(kit.group(3))
            self.step_label.value = text[:80]
            self.steps.append(text)
        elif event.get("buildkit") and text.endswith(" CACHED"):
            self.step_label.value = f"{self.step_label.value} · CACHED"[:80]

    def run(self):
        """Build through ``images.build``, updating the bar; return the image (errors raise as there)."""
        try:
            self.image = build_image(self.path, self.tag, dockerfile=self.dockerfile, chapter=self.chapter,
                                      on_event=self.on_event)
        except CourseError as err:
            self.bar.bar_style = "danger"
            self.summary = "실패: " + ((err.cause or err.message).splitlines() or [""])[0][:200]
            self.status.value = f'<span style="color:#c62828">{esc(self.summary)}</span>'
            raise
        self.bar.value = self.bar.max
        self.bar.bar_style = "success"
        self.summary = f"{self.tag} 빌드 완료: {len(self.steps)}단계"
        self.status.value = f"<b>{esc(self.summary)}</b>"
        return self.image

    def text(self) -> str:
        return "\n".join([self.command, *(f"  {s}" for s in self.steps), self.summary])

    def html(self) -> str:
        steps = "".join(f"<li><code>{esc(s)}</code></li>" for s in self.steps)
        return (f"<div><b>{esc(self.command)}</b>"
                f"<ol style='margin:4px 0'>{steps}</ol><p>{esc(self.summary)}</p></div>")


def build(path, tag: str, dockerfile: str | None = None, chapter: str | None = None):
    """Display a :class:`BuildProgress`, run it and return the image. Introduced in chapter 05."""
    return run_displayed(BuildProgress(path, tag, dockerfile=dockerfile, chapter=chapter))
