"""Every chapter notebook runs headless against the real engine (papermill), really uses the engine,
and leaves nothing behind; the chapters that build images run twice in a row (the second run meets the build cache
and the names the first one used). Executed copies are kept in build/executed/ as artifacts."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import helpers as h
from helpers import kit
from helpers._state import CHAPTER_LABEL

pytestmark = [pytest.mark.engine, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXECUTED = ROOT / "build" / "executed"
CHAPTERS = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12")
CELL_TIMEOUT = 600  # seconds; papermill's default is no limit at all


def chapter_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")) if NOTEBOOKS.is_dir() else []


def test_every_chapter_has_a_notebook():
    found = {p.name[:2] for p in chapter_notebooks()}
    missing = [c for c in CHAPTERS if c not in found]
    assert not missing, f"notebooks/ has no notebook for chapter(s) {', '.join(missing)}"
    assert all(" " not in p.name for p in chapter_notebooks())


class EventRecorder:
    """Streams the engine's container events while a notebook runs (the engine itself keeps only
    its last 256 events, so asking afterwards with since/until can miss the start of a long run)."""

    def __init__(self, engine):
        self.engine = engine
        self.events: list[dict] = []

    def __enter__(self) -> EventRecorder:
        self.since = time.time()
        self.stream = self.engine.events(since=self.since, decode=True, filters={"type": "container"})
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        return self

    def _read(self) -> None:
        try:
            for event in self.stream:
                self.events.append(event)
        except Exception:  # noqa: BLE001 - the stream is closed on exit
            pass

    def __exit__(self, *exc) -> None:
        time.sleep(0.5)  # let the last events arrive
        self.stream.close()
        self.thread.join(timeout=5)

    def course_actions(self) -> list[dict]:
        return [e for e in self.events if e.get("Action") in ("create", "start")
                and CHAPTER_LABEL in e.get("Actor", {}).get("Attributes", {})]

    def describe(self, container_id: str) -> str:
        for e in self.events:
            if e.get("id") == container_id:
                attrs = e["Actor"]["Attributes"]
                return f"{attrs.get('name')} ({attrs.get('image')}, chapter={attrs.get(CHAPTER_LABEL)})"
        return f"{container_id[:12]} (not made while the notebook ran)"


# Chapters whose second run in a row differs from the first: images are built again from the build cache
# (CACHED steps, an image BuildKit stores again, names already taken). Each runs once more right after its first run.
AGAIN = ("04", "05", "06", "12")


def runs() -> list[tuple[Path, int]]:
    return [(nb, n) for nb in chapter_notebooks() for n in ((1, 2) if nb.name[:2] in AGAIN else (1,))]


@pytest.mark.parametrize("notebook, run", runs(), ids=lambda v: v.stem if isinstance(v, Path) else f"run{v}")
def test_notebook_runs_uses_the_engine_and_cleans_up(notebook, run, engine, snapshot):
    papermill = pytest.importorskip("papermill")
    EXECUTED.mkdir(parents=True, exist_ok=True)
    output = EXECUTED / (notebook.name if run == 1 else f"{notebook.stem}.run{run}.ipynb")
    with h.quiet():
        left_before = h.leftovers()
    before = snapshot()
    with EventRecorder(engine) as recorder:
        try:
            papermill.execute_notebook(str(notebook), str(output), cwd=str(NOTEBOOKS), kernel_name="python3",
                                       execution_timeout=CELL_TIMEOUT, progress_bar=False, log_output=False)
        except papermill.PapermillExecutionError as exc:
            pytest.fail(f"{notebook.name}: cell {exc.exec_count} raised {exc.ename}: {exc.evalue}\n"
                        f"(executed copy: {output.relative_to(ROOT)})", pytrace=False)

    assert recorder.course_actions(), f"{notebook.name} ran without creating or starting a single course container"

    with h.quiet():
        left_after = h.leftovers()
    new_left = {k: sorted(set(v) - set(left_before.get(k, []))) for k, v in left_after.items()}
    new_left = {k: v for k, v in new_left.items() if v}
    if "containers" in new_left:
        new_left["containers"] = [recorder.describe(cid) for cid in new_left["containers"]]
    assert not new_left, f"{notebook.name} left course objects behind (h.leftovers()): {new_left}"

    leaked = snapshot().minus(before, keep_tags=set(kit.names()))
    assert not leaked, f"{notebook.name} left new objects on the engine: {leaked}"
