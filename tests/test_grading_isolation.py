"""Isolated grading against a hostile corpus (assignment 02), on the real engine, as an instructor runs it.

One hostile submission per class of attack (escape, root via paths, forged score, reading, poisoning the
next submission, network, order, flooding), each followed on the same worker by a plain correct
submission that must score full marks. They are graded one at a time, in this order, by
``python -m helpers.grading autograde``'s own function, with the course under a private (0700) folder as
instructors keep it. Each test says: the attack did not count, the instructor's files and the machine are
untouched, and the next submission was not affected. A second run grades three submissions two at a time
and must give the same scores.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.engine, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
A = "02-hello-world"
MARK = f"/etc/ldk-hostile-{uuid.uuid4().hex[:8]}"  # a path only root may write
ROOT_MARK = f"/etc/ldk-root-ran-{uuid.uuid4().hex[:8]}"  # written only if root imported learner code
SECRET = f"host-secret-{uuid.uuid4().hex}"  # served on the machine's own loopback
FORGE_ALL = ("import helpers as h\nfor _n in dir(h.checks):\n    if not _n.startswith('_'):\n"
             "        setattr(h.checks, _n, lambda *a, **k: True)\nanswer_vm = 'A'\n")
NOTHING = dict.fromkeys(f"task{i}_code" for i in range(2, 8))


def _attacks(root: Path, port: int) -> dict[str, dict[str, str | None]]:
    """student -> {grade_id: replacement source}; cells not named keep the solution, None empties.
    Each attack is followed by ``after_<attack>``, a plain solution on the same worker."""
    steal = (
        "import json, pathlib, glob\n_got = []\n"
        f"for _p in ['{root}/source/{A}/{A}.ipynb', '{REPO}/source/{A}/{A}.ipynb', '../../../source/{A}/{A}.ipynb',\n"
        f"           '{root}/submitted/after_escape/{A}/{A}.ipynb', '{root}/gradebook.db',\n"
        "           *glob.glob('/var/lib/learn-docker-ko/grading/stages/*/source/*/*.ipynb'),\n"
        "           *glob.glob('/*/*/source/02-hello-world/*.ipynb'), *glob.glob('/root/*/source/*/*.ipynb')]:\n"
        "    try:\n"
        "        _nb = json.loads(pathlib.Path(_p).read_text())\n"
        "        for _c in _nb['cells']:\n"
        "            if _c.get('metadata', {}).get('nbgrader', {}).get('solution'):\n"
        "                exec(''.join(_c['source']))\n"
        "        _got.append(_p)\n"
        "    except Exception as _e:\n"
        "        print('읽기 실패:', type(_e).__name__)\n"
        "print('읽은 것:', _got)\n"
    )
    transformer = ("def _all_points(lines):\n    return ['2\\n']\n"
                   "get_ipython().input_transformers_post.append(_all_points)\nanswer_vm = 'A'\n")
    ast_forge = ("import ast\nclass _Forge(ast.NodeTransformer):\n"
                 "    def visit_Module(self, node):\n"
                 "        return ast.Module(body=[ast.Expr(ast.Constant(2))], type_ignores=[])\n"
                 "get_ipython().ast_transformers.append(_Forge())\nanswer_vm = 'A'\n")
    evil = f"open({ROOT_MARK!r}, 'w').write('root ran learner code')\n"
    plant = (
        "import os, pathlib\n"
        f"_evil = {evil!r}\n"
        "for _d in ['helpers', 'helpers/grading']:\n"
        "    pathlib.Path(_d).mkdir(exist_ok=True)\n"
        "    pathlib.Path(_d, '__init__.py').write_text(_evil)\n"
        "pathlib.Path('sitecustomize.py').write_text(_evil)\n"
        "_home = pathlib.Path.home()\n"
        "(_home / '.local/lib/python3.11/site-packages').mkdir(parents=True, exist_ok=True)\n"
        "(_home / '.local/lib/python3.11/site-packages/evil.pth').write_text('import os; ' + _evil)\n"
        "_here = pathlib.Path.cwd()\n"
        "for _p in [_here.parent / 'logs', _here.parent.parent / 'logs', _here.parent.parent / 'private']:\n"
        "    try:\n"
        f"        (_p / 'kernel.log').unlink(missing_ok=True); (_p / 'kernel.log').symlink_to({MARK!r})\n"
        "    except OSError as _e:\n        print('막힘:', type(_e).__name__)\n"
        "answer_vm = 'B'\n"
    )
    poison = (
        "import os, pathlib, subprocess, docker\n"
        "pathlib.Path(os.environ['LEARN_DOCKER_HOME'], 'registry.port').write_text('1')\n"
        "for _d in ['/tmp', '/var/tmp', '/dev/shm', str(pathlib.Path.home())]:\n"
        "    pathlib.Path(_d, 'ldk-poison').write_text('poison')\n"
        "subprocess.Popen(['sh', '-c', 'while true; do docker rm -f ex02-box ex02-hello 2>/dev/null; sleep 0.2; done'],\n"
        "                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "docker.from_env().containers.run('busybox:1.35', ['sh', '-c', 'while true; do sleep 1; done'],\n"
        "                                 detach=True, restart_policy={'Name': 'always'}, name='poisoner',\n"
        "                                 privileged=True, pid_mode='host')\n"
        "answer_vm = 'B'\n"
    )
    network = (
        "import docker, urllib.request\n_seen = []\n"
        "_out = docker.from_env().containers.run('busybox:1.35', ['sh', '-c',\n"
        "    'ip route add default via 10.0.2.2 dev tap0; ip route; '\n"
        f"    'for h in 10.0.2.2 127.0.0.1; do printf \"GET / HTTP/1.0\\\\r\\\\n\\\\r\\\\n\" | timeout 3 nc $h {port}; done; true'],\n"
        "    privileged=True, network_mode='host', remove=True)\n"
        "_seen.append(_out.decode('utf-8', 'replace'))\n"
        f"for _u in ['http://127.0.0.1:{port}/', 'http://10.0.2.2:{port}/']:\n"
        "    try:\n        _seen.append(urllib.request.urlopen(_u, timeout=3).read().decode())\n"
        "    except Exception as _e:\n        _seen.append(type(_e).__name__)\n"
        "print(_seen)\nanswer_vm = 'B'\n"
    )
    flood = ("import sys, os\n"
             "try:\n    with open('big', 'wb') as _f:\n        for _ in range(4096):\n"
             "            _f.write(b'0' * 1024 * 1024)\nexcept OSError as _e:\n    print('디스크:', _e.errno)\n"
             "os.remove('big')\nsys.stdout.flush()\n"
             "for _ in range(2000):\n    sys.stdout.write('x' * 50000 + '\\n')\n"
             "answer_vm = 'B'\n")
    escape = (
        "import docker, os\n"
        f"for _p in ['{root}/gradebook.db', '{root}/source/{A}/{A}.ipynb']:\n"
        "    try:\n        open(_p, 'ab').write(b'HACKED')\n    except Exception as _e:\n        print(type(_e).__name__)\n"
        "print('보이는 것:', sorted(os.listdir('/')))\n"
        "try:\n    print(docker.from_env().containers.run('busybox:1.35', ['sh', '-c', 'echo hacked > /host"
        f"{MARK}; ls /host /host/root /host/home'], volumes={{'/': {{'bind': '/host', 'mode': 'rw'}}}}, remove=True))\n"
        "except Exception as _e:\n    print(type(_e).__name__, str(_e)[:200])\n"
        "from IPython.display import HTML, Javascript, display\n"
        "display(HTML('<script>alert(1)</script><img src=x onerror=alert(2)>'), Javascript('alert(3)'))\n"
        "answer_vm = 'B'\n")
    attacks = {
        "escape": {"task1_code": escape},
        "root_paths": {"task1_code": plant},
        "forged_transformer": {"task1_code": transformer, **NOTHING},
        "forged_ast": {"task1_code": ast_forge, **NOTHING},
        "forge_checks": {"task1_code": FORGE_ALL, **NOTHING},
        "reading": {"task1_code": steal, **NOTHING},
        "poison": {"task1_code": poison},
        "network": {"task1_code": network},
        "kit_damage": {"task7_code": "import docker\n_c = docker.from_env()\n"
                                     "_c.images.get('debian:bookworm').tag('busybox', '1.35')\n"
                                     "_c.images.remove('httpd:2.4', force=True)\n"},
        "layer_edit": {"task7_code": (
            "h.rmi('ex02-old-image:1.0')\nimport docker\n_c = docker.from_env()\n"
            "_d = _c.images.get('busybox:1.35').attrs['GraphDriver']['Data']['UpperDir']\n"
            "_c.containers.run('busybox:1.35', ['sh', '-c', 'echo forged >> /layer/etc/group; echo x > /layer/forged'],\n"
            "                  volumes={_d: {'bind': '/layer', 'mode': 'rw'}}, remove=True)\n")},
        "never_ending": {"task3_code": "h.run('busybox:1.35', 'sleep 3600', name='ex02-box', timeout=3600)\n"},
        "flood": {"task1_code": flood},
        "sdk_leftovers": {"task7_code": (
            "h.rmi('ex02-old-image:1.0')\nimport docker, pathlib\npathlib.Path('ctx').mkdir(exist_ok=True)\n"
            "pathlib.Path('ctx/Dockerfile').write_text('FROM busybox:1.35\\nRUN echo hi > /x\\nRUN echo ho > /y\\n')\n"
            "docker.from_env().images.build(path='ctx', tag='ex02-left:1')\n"
            "docker.from_env().containers.run('busybox:1.35', 'sleep 3600', detach=True, name='ex02-stray')\n")},
        "always_equal": {"task1_code": "class _Yes(str):\n    def __eq__(self, other): return True\n"
                                       "    __hash__ = str.__hash__\nanswer_vm = _Yes('A')\n"},
    }
    corpus: dict[str, dict[str, str | None]] = {}
    for name, replacements in attacks.items():
        corpus[name] = replacements
        corpus[f"after_{name}"] = {}
    corpus["order"] = {}  # test cells above the setup cell: built in _notebook
    corpus["after_order"] = {}
    return corpus


def _notebook(student: str, replacements: dict[str, str | None]) -> dict:
    nb = json.loads((REPO / "source" / A / f"{A}.ipynb").read_text())
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in replacements:
            cell["source"] = replacements[grade_id] or "pass\n"
    if student == "order":  # every graded test cell moved above the setup cell, answers left in place
        tests = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")
                 and not c["metadata"]["nbgrader"].get("solution")]
        rest = [c for c in nb["cells"] if c not in tests]
        nb["cells"] = [rest[0], *tests, *rest[1:]]
    return nb


class _Secret(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        self.send_response(200)
        self.end_headers()
        self.wfile.write(SECRET.encode())

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def graded(engine, snapshot):
    """Grade the corpus once, one at a time; yield (root, {student: Result}, seconds, engine before)."""
    from helpers import grading
    from helpers.grading import sandbox

    why = sandbox.unavailable()
    if why:
        pytest.fail(why) if os.environ.get("CI") else pytest.skip(why)
    before = snapshot()
    parent = Path(tempfile.mkdtemp(prefix="ldk-hostile-"))  # 0700, as an instructor's home
    root = parent / "course"
    root.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "source" / A, root / "source" / A)
    listener = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Secret)  # the machine's own loopback service
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    attacks = _attacks(root, listener.server_address[1])
    for student, replacements in attacks.items():
        folder = root / "submitted" / student / A
        folder.mkdir(parents=True)
        (folder / f"{A}.ipynb").write_text(json.dumps(_notebook(student, replacements), ensure_ascii=False))
    os.environ["LEARN_DOCKER_CELL_TIMEOUT"] = "8"
    began = time.monotonic()
    try:
        results = grading.autograde(A, list(attacks), root=root, workers=1, echo=lambda *_: None)
    finally:
        os.environ.pop("LEARN_DOCKER_CELL_TIMEOUT")
        listener.shutdown()
    yield root, {r.student: r for r in results}, time.monotonic() - began, before
    shutil.rmtree(parent, ignore_errors=True)
    for mark in (MARK, ROOT_MARK):
        Path(mark).unlink(missing_ok=True)


def _feedback(root: Path, student: str) -> str:
    return (root / "feedback" / student / A / f"{A}.html").read_text()


def _graded_text(root: Path, student: str) -> str:
    return (root / "autograded" / student / A / f"{A}.ipynb").read_text()


ATTACKS = ["escape", "root_paths", "forged_transformer", "forged_ast", "forge_checks", "reading", "poison",
           "network", "kit_damage", "layer_edit", "never_ending", "flood", "sdk_leftovers", "always_equal", "order"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_next_submission_on_the_same_worker_scores_full_marks(graded, attack):
    _, results, _, _ = graded
    after = results[f"after_{attack}"]
    assert after.ok and after.score == after.max_score == 11, (attack, after.failed, after.error)


def test_escape_the_host_and_the_course_stay_out_of_sight(graded):
    root, results, _, _ = graded
    assert not Path(MARK).exists()
    assert b"HACKED" not in (root / "gradebook.db").read_bytes()
    assert "HACKED" not in (root / "source" / A / f"{A}.ipynb").read_text()
    out = _graded_text(root, "escape")
    assert "FileNotFoundError" in out  # the course folder is not even there
    seen = out.split("보이는 것:", 1)[1].split("\\n", 1)[0]
    assert "'home'" not in seen and "'srv'" not in seen and "'mnt'" not in seen, seen
    assert results["escape"].score == 11  # the attack failed harmlessly; the rest was a solution


def test_root_never_runs_or_follows_learner_files(graded):
    root, results, _, _ = graded
    assert not Path(ROOT_MARK).exists(), "root (or the grader) imported a module the learner planted"
    assert not Path(MARK).exists(), "root wrote through a link the learner planted"
    assert results["root_paths"].score == 11


@pytest.mark.parametrize("attack", ["forged_transformer", "forged_ast", "forge_checks"])
def test_a_forged_score_earns_nothing(graded, attack):
    _, results, _, _ = graded
    assert results[attack].score == 0, (attack, results[attack].failed)


def test_an_always_equal_answer_fails_only_its_task(graded):
    _, results, _, _ = graded
    assert results["always_equal"].score == 10
    assert [f.split("(")[0] for f in results["always_equal"].failed] == ["task1_vm"]


def test_solutions_stages_and_other_clones_are_out_of_reach(graded):
    root, results, _, _ = graded
    assert results["reading"].score == 0
    out = _graded_text(root, "reading")
    assert "읽은 것: []" in out, out[-2000:]
    assert (root / "source").stat().st_mode & 0o077 == 0  # the grader made it the instructor's alone


def test_the_network_stays_cut_even_with_a_route_added(graded):
    root, results, _, _ = graded
    out = _graded_text(root, "network")
    assert SECRET not in out
    assert "default via 10.0.2.2" in out or "File exists" in out  # the route was there (or re-added)
    assert results["network"].score == 11


def test_poison_does_not_reach_the_next_submission(graded):
    root, results, _, _ = graded
    assert results["poison"].ok  # its own background process removed its own containers: its loss only
    assert results["after_poison"].score == 11
    assert "ldk-poison" not in _graded_text(root, "after_poison")


@pytest.mark.parametrize(("attack", "said"), [("kit_damage", "키트 이미지"), ("layer_edit", "레이어 파일")])
def test_kit_damage_is_found_repaired_and_reported(graded, attack, said):
    root, _, _, _ = graded
    page = _feedback(root, attack)
    assert "채점 환경 안내" in page and said in page
    assert "채점 환경 안내" not in _feedback(root, f"after_{attack}")


def test_test_cells_above_the_setup_cell_earn_nothing(graded):
    root, results, _, _ = graded
    assert results["order"].score == 0, results["order"].failed
    assert "준비 셀" in _feedback(root, "order")


def test_a_never_ending_cell_is_stopped_and_the_rest_is_graded(graded):
    root, results, seconds, _ = graded
    nb = json.loads(_graded_text(root, "never_ending"))
    graded_cells = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "task7_rmi"]
    assert graded_cells and graded_cells[0].get("outputs"), "the cells after the endless one must be graded"
    assert any("Timeout" in json.dumps(c.get("outputs", [])) or "Interrupt" in json.dumps(c.get("outputs", []))
               for c in nb["cells"])


def test_a_flood_is_cut_and_costs_only_its_own_grade(graded):
    root, results, _, _ = graded
    text = _graded_text(root, "flood")
    assert len(text) < 1_000_000, len(text)
    assert "나머지는 저장하지 않았습니다" in text
    assert "디스크: 28" in text  # ENOSPC: the scratch folder is capped
    assert results["flood"].score == 11


def test_leftovers_stay_in_the_grading_engine(graded, snapshot):
    _, results, _, before = graded
    assert results["after_sdk_leftovers"].score == 11
    assert not snapshot().minus(before), "grading touched the instructor's engine"


def test_the_instructor_view_carries_no_learner_script(graded):
    root, _, _, _ = graded
    nb = json.loads(_graded_text(root, "escape"))
    assert "alert(1)" in json.dumps([c["source"] for c in nb["cells"]])  # the attack is there, as code
    rich = json.dumps([o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", [])], ensure_ascii=False)
    assert "application/javascript" not in rich
    assert not re.search(r"<script|<img[^>]*\son\w+=", rich), rich[:2000]  # escaped text only, nothing live
    page = _feedback(root, "escape")
    assert not re.search(r"<script>alert|<img[^>]*\sonerror=", page)


def test_two_workers_give_the_same_scores_as_one(graded):
    from helpers import grading

    root, results, _, _ = graded
    again = ["always_equal", "forge_checks", "after_escape", "order"]
    twice = grading.autograde(A, again, root=root, workers=2, echo=lambda *_: None, feedback=False)
    assert {r.student: (r.score, r.failed) for r in twice} == {s: (results[s].score, results[s].failed) for s in again}


def test_no_process_mount_or_namespace_of_a_worker_outlives_the_grading(graded):
    """After grading: no process of a grading user, no runtime bind mount (they would pin the instructor's
    course folder), no scratch folder and no network namespace of a worker (the kit's data stays, verified)."""
    import subprocess

    from helpers.grading.sandbox import Worker, is_mount

    first = int(os.environ.get("LEARN_DOCKER_WORKER_OFFSET", "0")) + 1
    namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    for worker in (Worker(first), Worker(first + 1)):
        assert subprocess.run(["pgrep", "-u", worker.user], capture_output=True).returncode != 0, worker.user
        mounts = [p for p in (worker.runtime_mounts.iterdir() if worker.runtime_mounts.is_dir() else []) if is_mount(p)]
        assert mounts == [], mounts
        assert not is_mount(worker.scratch)
        assert worker.netns not in namespaces
