"""Every graded exercise, round-tripped through nbgrader's Python API against the real engine.

One module-scoped run, in a temporary course directory (a copy of ``nbgrader_config.py`` and
``source/``), per assignment:

- ``release/`` in the repository is byte-identical to a fresh ``generate_assignment``;
- the Validator passes the source notebook (``{}``) and fails every test of the blank release
  (``{}`` with ``invert=True``);
- the course grading command gives the solution full marks, the blank release 0, and the
  typical-mistakes submission in ``tests/submissions/<a>/`` a score strictly in between, failing
  exactly the expected tasks with the expected Korean reasons in its feedback HTML;
- a learner's own ``Dockerfile`` survives autograde even when the instructor ships a starter one.

Docker state is cleaned before each submission (the pre-convert hook) and after the run; kit
images and the course registry stay.
"""

from __future__ import annotations

import filecmp
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = [pytest.mark.engine, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]

# assignment -> (test cells the mistakes submission fails, Korean reasons its feedback must show)
MISTAKES = {
    "02-hello-world": (
        {"task1_vm", "task2_hello", "task5_restart", "task7_rmi"},
        ["무엇이 다른지: 기대 B, 실제 A", "(이)라는 이름의 컨테이너가 있어야 합니다",
         "기대 실행 중(running), 실제 종료됨(exited)", "을(를) 지워야 합니다"],
    ),
    "03-images-and-containers": (
        {"task1_ports", "task4_random", "task5_fixed", "task6_page"},
        ["기대 28080 -&gt; 80/tcp, 실제 28081 -&gt; 80/tcp", "실제 80", "random_port는 호스트 쪽 번호입니다"],
    ),
    "04-docker-hub": (
        {"task2_pull", "task3_id", "task4_run", "task5_tag"},
        ["같은 저장소에 있는 이름:", "태그를 빼면 latest를 뜻합니다", "Hello, Chapter 4!"],
    ),
    "05-my-own-image": (
        {"task3_commit", "task5_push", "task6_pull"},
        ["기본 명령(CMD)이 바뀌어야 합니다", "sleep", "이번에 만든 이미지"],
    ),
}
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
                "mistakes": REPO / "tests" / "submissions" / a / f"{a}.ipynb",
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


def _validate(root: Path, assignment: str, notebook: Path, cfg, *, invert: bool) -> dict:
    """Validate a copy (a solution run writes files next to the notebook), from a clean state."""
    from nbgrader.validator import Validator

    from helpers import grading

    work = root / ("validate-release" if invert else "validate-source") / assignment
    work.mkdir(parents=True)
    shutil.copy(notebook, work / notebook.name)
    grading.clean_exercise(grading.chapter_of(assignment))
    validator = Validator(config=cfg)
    validator.invert = invert
    return validator.validate(str(work / notebook.name))


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
    solution, blank, mistakes = results["solution"], results["blank"], results["mistakes"]
    assert solution.max_score >= 7
    assert solution.score == solution.max_score, solution.failed
    assert blank.score == 0
    assert 0 < mistakes.score < mistakes.max_score
    failed = {item.split("(")[0] for item in mistakes.failed}
    assert failed == MISTAKES[assignment][0]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_explains_mistakes_in_korean(course, assignment):
    root, _ = course
    for student in ("solution", "blank", "mistakes"):
        assert (root / "feedback" / student / assignment / f"{assignment}.html").exists()
    html = (root / "feedback" / "mistakes" / assignment / f"{assignment}.html").read_text(encoding="utf-8")
    assert "무엇이 다른지" in html
    for reason in MISTAKES[assignment][1]:
        assert reason in html, reason


def test_learner_files_are_not_overwritten(course):
    root, _ = course
    from helpers import grading

    for assignment, names in grading.LEARNER_FILES.items():
        for name in names:
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
