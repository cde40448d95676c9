"""Every graded exercise, round-tripped through nbgrader's Python API against the real engine.

One module-scoped run, in a temporary course directory (a copy of ``nbgrader_config.py`` and
``source/``), per assignment:

- ``release/`` in the repository is byte-identical to a fresh ``generate_assignment``;
- the Validator passes the source notebook (``{}``) and fails every test of the blank release
  (``{}`` with ``invert=True``);
- the course grading command gives the solution full marks, the blank release 0 (its feedback names
  each missing variable in Korean), and every other submission in ``tests/submissions/<a>/`` what it
  should: ``<a>.ipynb`` (typical mistakes) and ``loopholes.ipynb`` (what the checks must not let pass)
  a score strictly in between, failing exactly the expected tasks with the expected Korean reasons in
  their feedback HTML; ``sdk.ipynb`` (the plain docker SDK) and ``cli.ipynb`` (``!docker ...``) full marks;
- a learner's own ``Dockerfile`` survives autograde even when the instructor ships a starter one.

Without grading: the visible test of every multiple-choice task says right or wrong with a hint but never
the answer, and every visible test that reads a learner's variable names it in Korean when it is missing.

Docker state is cleaned before each submission (the pre-convert hook) and after the run; kit
images and the course registry stay.
"""

from __future__ import annotations

import filecmp
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = [pytest.mark.engine, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]

# assignment -> {submission: (test cells it fails, Korean reasons its feedback must show)}; the submission
# "mistakes" is tests/submissions/<a>/<a>.ipynb, any other is tests/submissions/<a>/<submission>.ipynb
MISTAKES = {
    "02-hello-world": {
        "mistakes": (
            {"task1_vm", "task2_hello", "task5_restart", "task7_rmi"},
            ["무엇이 다른지: 기대 B, 실제 A", "(이)라는 이름의 컨테이너가 있어야 합니다",
             "없음 (이번 실습에서 만들어졌다가 지워짐)", "(rm=True)으로 실행한 컨테이너는 끝나자마자 지워집니다",
             "기대 실행 중(running), 실제 종료됨(exited)", "을(를) 지워야 합니다"],
        ),
    },
    "03-images-and-containers": {
        "mistakes": (
            {"task1_ports", "task4_random", "task5_fixed", "task6_page"},
            ["기대 28080 -&gt; 80/tcp, 실제 28081 -&gt; 80/tcp", "실제 80", "random_port는 호스트 쪽 번호입니다"],
        ),
        "loopholes": (  # -p 38080:80 is a host port the learner chose, not -P
            {"task4_random"},
            ["엔진이 고른 임의의 호스트 포트에 게시되어야 합니다", "실제 직접 정한 호스트 포트 38080 (-p 38080:80)"],
        ),
    },
    "04-docker-hub": {
        "mistakes": (
            {"task1_tags", "task2_pull", "task3_id", "task4_run"},
            ["기대 목록(list), 실제 문자열(str)", "같은 저장소에 있는 이름:", "태그를 빼면 latest를 뜻합니다",
             "Hello, Chapter 4!"],
        ),
    },
    "05-my-own-image": {
        "mistakes": (
            {"task3_commit", "task4_run", "task5_push", "task6_pull"},
            ["기본 명령(CMD)이 바뀌어야 합니다", "sleep", "이미지의 기본 명령(CMD)으로 실행해야 합니다",
             "직접 준 명령", "그 저장소의 태그: latest"],
        ),
        "loopholes": (  # a command given explicitly; a pull that downloaded nothing; a Dockerfile without CMD
            {"task4_run", "task6_pull", "task7_build"},
            ["이미지의 기본 명령(CMD)으로 실행해야 합니다", "지운 적 없이 pull", "Dockerfile의 CMD로 정해져 있어야 합니다",
             "Dockerfile에 CMD"],
        ),
    },
}
# assignment -> submissions that solve it another way and must get full marks (tests/submissions/<a>/<name>.ipynb)
OTHER_SOLUTIONS = {"02-hello-world": ["sdk", "cli"], "05-my-own-image": ["sdk", "cli"]}
# what the blank release's feedback says instead of a bare NameError
BLANK_REASONS = {
    "02-hello-world": ["변수 answer_vm이(가) 있어야 합니다", "변수 greeting이(가) 있어야 합니다"],
    "03-images-and-containers": ["변수 answer_ports이(가) 있어야 합니다", "변수 random_port이(가) 있어야 합니다"],
    "04-docker-hub": ["변수 hello_tags이(가) 있어야 합니다", "변수 hello_id이(가) 있어야 합니다"],
    "05-my-own-image": ["변수 answer_layers이(가) 있어야 합니다", "변수 motd_out이(가) 있어야 합니다"],
}


def _from_expected_files() -> None:
    """Assignments beyond the book describe their mistakes in tests/submissions/<a>/expected.json
    ({"failing": [grade ids], "reasons": [Korean fragments]}, and optionally the same for "loopholes"); their
    sdk/cli notebooks must get full marks."""
    for expected in sorted((REPO / "tests" / "submissions").glob("*/expected.json")):
        a = expected.parent.name
        if a in MISTAKES:
            continue
        data = json.loads(expected.read_text(encoding="utf-8"))
        MISTAKES[a] = {"mistakes": (set(data["failing"]), list(data["reasons"]))}
        if "loopholes" in data:  # tests/submissions/<a>/loopholes.ipynb: shortcuts the checks must not let pass
            MISTAKES[a]["loopholes"] = (set(data["loopholes"]["failing"]), list(data["loopholes"]["reasons"]))
        others = [name for name in ("sdk", "cli") if (expected.parent / f"{name}.ipynb").exists()]
        if others:
            OTHER_SOLUTIONS[a] = others


_from_expected_files()
ASSIGNMENTS = sorted(MISTAKES)
LEARNER_DOCKERFILE = "# 학습자가 직접 쓴 Dockerfile\nFROM debian:bookworm\n"


@dataclass
class Outcome:
    generated: dict = field(default_factory=dict)
    validate_source: dict = field(default_factory=dict)
    validate_release: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)  # student -> grading.Result


@pytest.fixture(scope="module")
def course(tmp_path_factory, engine):
    """Grade every assignment once; yield (root, {assignment: Outcome})."""
    import helpers as h
    from helpers import grading

    root = tmp_path_factory.mktemp("course")
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "source", root / "source")
    registry_was_up = h.registry.running()
    api = grading.make_api(root)
    cfg = grading.load_config(root)
    outcomes = {}
    try:
        for a in ASSIGNMENTS:
            out = outcomes[a] = Outcome()
            out.generated = api.generate_assignment(a, force=True)
            out.validate_source = _validate(root, a, REPO / "source" / a / f"{a}.ipynb", cfg, invert=False)
            out.validate_release = _validate(root, a, REPO / "release" / a / f"{a}.ipynb", cfg, invert=True)
            if a in grading.LEARNER_FILES:  # an instructor's starter file must not replace the learner's own
                for name in grading.LEARNER_FILES[a]:
                    (root / "source" / a / name).write_text("# 강사의 시작 파일\n", encoding="utf-8")
            submissions = {
                "solution": REPO / "source" / a / f"{a}.ipynb",
                "blank": REPO / "release" / a / f"{a}.ipynb",
                **{name: submission(a, name) for name in [*MISTAKES[a], *OTHER_SOLUTIONS.get(a, [])]},
            }
            for student, notebook in submissions.items():
                dest = root / "submitted" / student / a
                dest.mkdir(parents=True)
                shutil.copy(notebook, dest / f"{a}.ipynb")
                for name in grading.LEARNER_FILES.get(a, []):
                    if student == "blank":  # its build cell never runs, so the file stays as submitted
                        (dest / name).write_text(LEARNER_DOCKERFILE, encoding="utf-8")
            results = grading.autograde(a, list(submissions), api=api, echo=lambda *_: None)
            out.results = {r.student: r for r in results}
        yield root, outcomes
    finally:
        with h.quiet():
            for a in ASSIGNMENTS:
                grading.clean_exercise(grading.chapter_of(a))
            if not registry_was_up:
                h.registry.stop()


def submission(assignment: str, name: str) -> Path:
    """tests/submissions/<a>/<a>.ipynb for the typical mistakes, <name>.ipynb for any other."""
    return REPO / "tests" / "submissions" / assignment / f"{assignment if name == 'mistakes' else name}.ipynb"


def _validate(root: Path, assignment: str, notebook: Path, cfg, *, invert: bool) -> dict:
    """Validate a copy (a solution run writes files next to the notebook), from a clean state to a clean state."""
    from nbgrader.validator import Validator

    from helpers import grading

    work = root / ("validate-release" if invert else "validate-source") / assignment
    work.mkdir(parents=True)
    shutil.copy(notebook, work / notebook.name)
    grading.clean_exercise(grading.chapter_of(assignment))
    validator = Validator(config=cfg)
    validator.invert = invert
    try:
        return validator.validate(str(work / notebook.name))
    finally:  # grading is isolated: nothing else clears what the validated notebook made on this engine
        grading.clean_exercise(grading.chapter_of(assignment))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_generated_from_source(course, assignment):
    root, outcomes = course
    assert outcomes[assignment].generated["success"], outcomes[assignment].generated.get("log")
    fresh, committed = root / "release" / assignment, REPO / "release" / assignment
    assert sorted(p.name for p in committed.iterdir()) == [f"{assignment}.ipynb"], "release/에 노트북 말고 다른 파일이 있습니다"
    assert sorted(p.name for p in (REPO / "source" / assignment).iterdir()) == [f"{assignment}.ipynb"]
    name = f"{assignment}.ipynb"
    assert filecmp.cmp(fresh / name, committed / name, shallow=False), (
        f"release/{assignment}이 source와 다릅니다: nbgrader generate_assignment {assignment} --force 로 다시 만드세요")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_validator_passes_source_and_fails_blank_release(course, assignment):
    _, outcomes = course
    assert outcomes[assignment].validate_source == {}
    assert outcomes[assignment].validate_release == {}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_scores(course, assignment):
    _, outcomes = course
    results = outcomes[assignment].results
    assert all(r.ok for r in results.values()), [r.error for r in results.values()]
    solution, blank = results["solution"], results["blank"]
    assert solution.max_score >= 7
    assert solution.score == solution.max_score, solution.failed
    assert blank.score == 0
    for name in OTHER_SOLUTIONS.get(assignment, []):
        assert results[name].score == results[name].max_score, (name, results[name].failed)
    for name, (fails, _) in MISTAKES[assignment].items():
        partial = results[name]
        assert 0 < partial.score < partial.max_score, name
        assert {item.split("(")[0] for item in partial.failed} == fails, name


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_explains_mistakes_in_korean(course, assignment):
    root, outcomes = course
    for student in outcomes[assignment].results:
        assert (root / "feedback" / student / assignment / f"{assignment}.html").exists()
    for name, (_, reasons) in MISTAKES[assignment].items():
        html = (root / "feedback" / name / assignment / f"{assignment}.html").read_text(encoding="utf-8")
        assert "무엇이 다른지" in html
        for reason in reasons:
            assert reason in html, (name, reason)
    blank = (root / "feedback" / "blank" / assignment / f"{assignment}.html").read_text(encoding="utf-8")
    for reason in BLANK_REASONS.get(assignment, []):
        assert reason in blank, reason


def _cells(notebook: Path) -> dict[str, str]:
    """grade_id -> source of the graded test cells of ``notebook``."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade") and c["cell_type"] == "code"}


def _setup_names(notebook: Path) -> set[str]:
    """Names the locked setup cells of ``notebook`` define (REG, BACKUP, run ...): not the learner's."""
    import ast

    names: set[str] = set()
    for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        meta = c.get("metadata", {}).get("nbgrader", {})
        if c["cell_type"] == "code" and meta.get("locked") and not meta.get("grade"):
            tree = ast.parse("".join(c["source"]))
            names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


def _with_multiple_choice() -> list[str]:
    return [a for a in ASSIGNMENTS if "sealed=" in (REPO / "release" / a / f"{a}.ipynb").read_text(encoding="utf-8")]


def _run_cell(source: str, **values) -> Exception | None:
    import helpers as h

    try:
        exec(compile(source, "<test cell>", "exec"), {"h": h, "run": None, "REG": "127.0.0.1:5050", **values})  # noqa: S102
    except Exception as exc:  # noqa: BLE001 - the cell's outcome
        return exc
    return None


@pytest.mark.parametrize("assignment", _with_multiple_choice())
def test_multiple_choice_visible_tests_hint_without_giving_the_answer_away(assignment):
    from helpers.errors import CheckFailed

    hidden = _cells(REPO / "source" / assignment / f"{assignment}.ipynb")
    visible = _cells(REPO / "release" / assignment / f"{assignment}.ipynb")
    questions = {gid: src for gid, src in visible.items() if "sealed=" in src}
    assert questions
    for gid, source in questions.items():
        var, answer = re.search(r'answer\((\w+), "([A-D])"', hidden[gid]).groups()
        assert f'"{answer}"' not in source  # the released cell does not show the answer
        assert _run_cell(source, **{var: answer}) is None
        for wrong in sorted(set("ABCD") - {answer}):
            err = _run_cell(source, **{var: wrong})
            assert isinstance(err, CheckFailed), (gid, wrong, err)
            assert f"기대 {wrong} 말고 다른 보기, 실제 {wrong}" in err.message
            assert "힌트:" in err.hint and answer not in err.message


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_visible_tests_name_a_missing_variable_in_korean(assignment):
    from helpers.errors import CheckFailed
    from helpers.grading.isolated import free_names

    release = REPO / "release" / assignment / f"{assignment}.ipynb"
    given = _setup_names(release)
    cells = {gid: src for gid, src in _cells(release).items() if set(free_names(src)) - given}
    assert cells
    for gid, source in cells.items():
        err = _run_cell(source)
        # a bare NameError never reaches the learner: the first fact that differs is said in Korean
        assert isinstance(err, CheckFailed), (gid, err)
        if "h.checks.defined(" in source.split("\n")[0]:
            learner = [n for n in free_names(source) if n not in given]
            assert err.message.startswith(f"변수 {learner[0]}이(가) 있어야 합니다."), (gid, err.message)


def test_learner_files_are_not_overwritten(course):
    root, _ = course
    from helpers import grading

    for assignment in ASSIGNMENTS:  # the assignments graded here
        for name in grading.LEARNER_FILES.get(assignment, []):
            graded = root / "autograded" / "blank" / assignment / name
            assert graded.read_text(encoding="utf-8") == LEARNER_DOCKERFILE


def test_nothing_left_behind(course):
    from helpers import grading
    from helpers.connection import client
    from helpers.grading.autograde import _in_namespace

    api = client().api
    names = [n for c in api.containers(all=True) for n in c.get("Names") or []]
    tags = [t for img in api.images() for t in img.get("RepoTags") or []]
    for assignment in ASSIGNMENTS:
        prefix = f"ex{grading.chapter_of(assignment)}"
        assert not [n for n in names if n.lstrip("/").startswith(prefix + "-")]
        assert not [t for t in tags if _in_namespace(t, prefix)]
        assert not api.containers(all=True, filters={"label": f"learn-docker-ko.chapter={prefix}"})
    for kit_image in ("busybox:1.35", "debian:bookworm", "httpd:2.4", "learn-docker-ko/hello:0.1"):
        assert kit_image in tags


def test_cleaning_spares_containers_of_shared_images(engine):
    """An exercise name on a shared image (busybox:1.35 tagged ex02-…) is only untagged: containers
    that others made from busybox:1.35 survive the exercise's cleanup."""
    from helpers import grading

    bystander = engine.containers.create("busybox:1.35", ["true"], name="grading-test-bystander")
    try:
        engine.images.get("busybox:1.35").tag("ex02-shared", "1")
        grading.clean_exercise("02")
        bystander.reload()  # still there
        tags = {t for img in engine.api.images() for t in img.get("RepoTags") or []}
        assert "ex02-shared:1" not in tags and "busybox:1.35" in tags
    finally:
        bystander.remove(force=True)
