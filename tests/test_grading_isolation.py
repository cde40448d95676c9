"""Isolated grading against a hostile corpus (assignment 02), on the real engine, as an instructor runs it.

Each hostile submission is the solution notebook with some cells replaced by an attack. They are graded
one at a time, in this order, by ``python -m helpers.grading autograde``'s own function, with solutions
in between, so each test can say: the forged score did not count, the instructor's files are untouched,
and the next submission was not affected. A second run grades three submissions two at a time and must
give the same scores.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.engine, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
A = "02-hello-world"
MARK = f"/etc/ldk-hostile-{uuid.uuid4().hex[:8]}"  # a path only root may write
FORGE_ALL = ("import helpers as h\nfor _n in dir(h.checks):\n    if not _n.startswith('_'):\n"
             "        setattr(h.checks, _n, lambda *a, **k: True)\nanswer_vm = 'A'\n")


def _attacks(root: Path) -> dict[str, dict[str, str | None]]:
    """student -> {solution grade_id: replacement source}; cells not named keep the solution, None empties."""
    nothing = dict.fromkeys(f"task{i}_code" for i in range(2, 8))
    steal = (
        "import json, pathlib\n_got = []\n"
        f"for _p in ['{root}/source/{A}/{A}.ipynb', '../../../source/{A}/{A}.ipynb',\n"
        f"           '{root}/submitted/solution/{A}/{A}.ipynb']:\n"
        "    try:\n"
        "        _nb = json.loads(pathlib.Path(_p).read_text())\n"
        "        for _c in _nb['cells']:\n"
        "            if _c.get('metadata', {}).get('nbgrader', {}).get('solution'):\n"
        "                exec(''.join(_c['source']))\n"
        "        _got.append(_p)\n"
        "    except Exception as _e:\n"
        "        print('읽기 실패:', type(_e).__name__)\n"
    )
    return {
        "forge_checks": {"task1_code": FORGE_ALL, **nothing},
        "forge_traceback": {"task1_code": "get_ipython().showtraceback = lambda *a, **k: None\n"
                                          "get_ipython().showsyntaxerror = lambda *a, **k: None\nanswer_vm = 'A'\n",
                            **nothing},
        "always_equal": {"task1_code": "class _Yes(str):\n    def __eq__(self, other): return True\n"
                                       "    __hash__ = str.__hash__\nanswer_vm = _Yes('A')\n"},
        "read_solutions": {"task1_code": steal, **nothing},
        "write_files": {"task1_code": (
            "import docker\n"
            f"for _p in ['{root}/gradebook.db', '{root}/source/{A}/{A}.ipynb']:\n"
            "    try:\n        open(_p, 'ab').write(b'HACKED')\n    except Exception as _e:\n        print(type(_e).__name__)\n"
            "try:\n    docker.from_env().containers.run('busybox:1.35', ['sh', '-c', 'echo hacked > /host"
            f"{MARK}; ls /host/root'], volumes={{'/': {{'bind': '/host', 'mode': 'rw'}}}}, remove=True)\n"
            "except Exception as _e:\n    print(type(_e).__name__)\n"
            "answer_vm = 'B'\n")},
        "after_attacks": {},
        "kit_damage": {"task7_code": "import docker\n_c = docker.from_env()\n"
                                     "_c.images.get('debian:bookworm').tag('busybox', '1.35')\n"
                                     "_c.images.remove('httpd:2.4', force=True)\n"},
        "after_kit_damage": {},
        "registry_stop": {"task7_code": "h.rmi('ex02-old-image:1.0')\nh.registry.stop()\n"},
        "after_registry_stop": {},
        "never_ending": {"task3_code": "h.run('busybox:1.35', 'sleep 3600', name='ex02-box', timeout=3600)\n"},
        "sdk_leftovers": {"task7_code": (
            "h.rmi('ex02-old-image:1.0')\nimport docker, pathlib\npathlib.Path('ctx').mkdir(exist_ok=True)\n"
            "pathlib.Path('ctx/Dockerfile').write_text('FROM busybox:1.35\\nRUN echo hi > /x\\nRUN echo ho > /y\\n')\n"
            "docker.from_env().images.build(path='ctx', tag='ex02-left:1')\n"
            "docker.from_env().containers.run('busybox:1.35', 'sleep 3600', detach=True, name='ex02-stray')\n")},
        "after_leftovers": {},
    }


def _notebook(replacements: dict[str, str | None]) -> dict:
    nb = json.loads((REPO / "source" / A / f"{A}.ipynb").read_text())
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in replacements:
            cell["source"] = replacements[grade_id] or "pass\n"
    return nb


@pytest.fixture(scope="module")
def graded(engine, snapshot):
    """Grade the corpus once, one at a time; yield (root, {student: Result}, seconds, engine before)."""
    from helpers import grading
    from helpers.grading import sandbox

    why = sandbox.unavailable()
    if why:
        pytest.fail(why) if os.environ.get("CI") else pytest.skip(why)
    before = snapshot()
    root = Path(tempfile.mkdtemp(prefix="ldk-hostile-"))
    root.chmod(0o755)  # an instructor's usual clone: readable by everyone until the grader protects it
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "source" / A, root / "source" / A)
    attacks = _attacks(root)
    for student, replacements in attacks.items():
        folder = root / "submitted" / student / A
        folder.mkdir(parents=True)
        (folder / f"{A}.ipynb").write_text(json.dumps(_notebook(replacements), ensure_ascii=False))
    os.environ["LEARN_DOCKER_CELL_TIMEOUT"] = "8"
    began = time.monotonic()
    try:
        results = grading.autograde(A, list(attacks), root=root, workers=1, echo=lambda *_: None)
    finally:
        os.environ.pop("LEARN_DOCKER_CELL_TIMEOUT")
    yield root, {r.student: r for r in results}, time.monotonic() - began, before
    shutil.rmtree(root, ignore_errors=True)


def _feedback(root: Path, student: str) -> str:
    return (root / "feedback" / student / A / f"{A}.html").read_text()


def test_forged_checks_and_error_display_do_not_count(graded):
    _, results, _, _ = graded
    assert results["forge_checks"].score == 0, results["forge_checks"].failed
    assert results["forge_traceback"].score == 0, results["forge_traceback"].failed


def test_an_always_equal_answer_fails_only_its_task(graded):
    root, results, _, _ = graded
    assert results["always_equal"].score == 10
    assert [f.split("(")[0] for f in results["always_equal"].failed] == ["task1_vm"]


def test_solutions_other_submissions_and_the_gradebook_are_out_of_reach(graded):
    root, results, _, _ = graded
    assert results["read_solutions"].score == 0
    assert "PermissionError" in (root / "autograded" / "read_solutions" / A / f"{A}.ipynb").read_text()
    assert b"HACKED" not in (root / "gradebook.db").read_bytes()
    assert "HACKED" not in (root / "source" / A / f"{A}.ipynb").read_text()
    assert (root / "source").stat().st_mode & 0o077 == 0  # the grader made it the instructor's alone


def test_the_host_cannot_be_written_through_a_bind_mount(graded):
    root, results, _, _ = graded
    assert not Path(MARK).exists()
    assert results["write_files"].score == 11  # the attack failed harmlessly; the rest was a solution
    out = (root / "autograded" / "write_files" / A / f"{A}.ipynb").read_text()
    assert "Permission denied" in out or "PermissionError" in out


@pytest.mark.parametrize(("attack", "after", "said"), [
    ("kit_damage", "after_kit_damage", "키트 이미지"),
    ("registry_stop", "after_registry_stop", "레지스트리"),
])
def test_damage_is_repaired_reported_and_the_next_submission_unaffected(graded, attack, after, said):
    root, results, _, _ = graded
    assert results[after].score == results[after].max_score == 11, results[after].failed
    page = _feedback(root, attack)
    assert "채점 환경 안내" in page and said in page
    assert "채점 환경 안내" not in _feedback(root, after)


def test_a_never_ending_cell_is_stopped_and_the_rest_is_graded(graded):
    root, results, seconds, _ = graded
    nb = json.loads((root / "autograded" / "never_ending" / A / f"{A}.ipynb").read_text())
    graded_cells = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "task7_rmi"]
    assert graded_cells and graded_cells[0].get("execution_count"), "the cells after the endless one must run"
    assert any("Timeout" in json.dumps(c.get("outputs", [])) or "Interrupt" in json.dumps(c.get("outputs", []))
               for c in nb["cells"])
    assert seconds < 200


def test_leftovers_stay_in_the_grading_engine_and_are_swept(graded, snapshot):
    from helpers.grading.sandbox import Worker

    _, results, _, before = graded
    assert results["after_leftovers"].score == 11
    assert not snapshot().minus(before), "grading touched the instructor's engine"
    worker = Worker(1)
    worker.start()
    try:
        import docker

        client = docker.DockerClient(base_url=worker.docker_host, timeout=30)
        names = {c.name for c in client.containers.list(all=True)}
        tags = {t for img in client.images.list() for t in img.tags}
        ids = json.loads((Path(worker.home).parents[1] / "kit.ids.json").read_text())
        client.close()
    finally:
        worker.stop()
    assert names <= {"learn-docker-ko-registry"}, names
    assert tags == set(ids), tags - set(ids)


def test_two_workers_give_the_same_scores_as_one(graded):
    from helpers import grading

    root, results, _, _ = graded
    again = ["always_equal", "forge_checks", "after_attacks"]
    twice = grading.autograde(A, again, root=root, workers=2, echo=lambda *_: None, feedback=False)
    assert {r.student: (r.score, r.failed) for r in twice} == {s: (results[s].score, results[s].failed) for s in again}
