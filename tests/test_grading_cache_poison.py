"""A poisoned build cache does not reach the next submission (assignment 06, isolated grading, real engine).

BuildKit keeps its build cache in the grading engine's data folder, which stays between submissions on a
worker (only the kit's layers are fingerprinted). A hostile submission builds the assignment's multi-stage
image with the solution's own Dockerfile, then writes over every cached snapshot of the site's
``/www/index.html`` through a bind mount of the engine's data root. The next submission on the same worker is
the plain solution: its build would take those steps as ``CACHED`` and its image would serve the poisoned
page, failing task 5's hidden check (``index.html`` made by ``make_site.py``), unless grading empties the
build cache between submissions (``agent.heal``). The attacker's own output says how many files it poisoned,
so the test knows the attack reached the cache.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.engine, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
A = "06-dockerfile"
POISON = (
    "import docker\n_c = docker.from_env()\n_root = _c.info()['DockerRootDir']\n"
    "_out = _c.containers.run('busybox:1.35', ['sh', '-c', "
    "'n=0; for f in $(find /data -path \"*/www/index.html\" 2>/dev/null); do echo POISONED > \"$f\"; n=$((n+1)); done; "
    "echo POISONED-FILES $n'], volumes={_root: {'bind': '/data', 'mode': 'rw'}}, remove=True)\n"
    "print(_out.decode())\n"
)


def _notebook(poison: bool) -> dict:
    nb = json.loads((REPO / "source" / A / f"{A}.ipynb").read_text())
    if poison:
        for cell in nb["cells"]:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "task5_code":
                cell["source"] = "".join(cell["source"]) + "\n" + POISON
    return nb


@pytest.fixture(scope="module")
def graded(engine):
    from helpers import grading
    from helpers.grading import sandbox

    why = sandbox.unavailable()
    if why:
        pytest.fail(why) if os.environ.get("CI") else pytest.skip(why)
    parent = Path(tempfile.mkdtemp(prefix="ldk-poison-"))  # 0700, as an instructor's home
    root = parent / "course"
    root.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "source" / A, root / "source" / A)
    students = {"cache_poison": True, "after_cache_poison": False}
    for student, poison in students.items():
        folder = root / "submitted" / student / A
        folder.mkdir(parents=True)
        (folder / f"{A}.ipynb").write_text(json.dumps(_notebook(poison), ensure_ascii=False))
    try:
        results = grading.autograde(A, list(students), root=root, workers=1, echo=lambda *_: None)
        yield root, {r.student: r for r in results}
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def test_the_attack_reached_the_build_cache(graded):
    root, results = graded
    text = (root / "autograded" / "cache_poison" / A / f"{A}.ipynb").read_text()
    count = int(text.split("POISONED-FILES ", 1)[1].split("\\n", 1)[0].split()[0])
    assert count >= 1, "no cached snapshot of /www/index.html was found to poison: the test would prove nothing"
    assert results["cache_poison"].ok


def test_the_next_submission_builds_afresh_and_scores_full_marks(graded):
    _, results = graded
    after = results["after_cache_poison"]
    assert after.ok and after.score == after.max_score, (after.score, after.max_score, after.failed, after.error)
