"""Print how long grading takes per submission: the course grading command vs the nbgrader CLI.

    python benchmarks/bench_grading.py                          # 20 copies of the 02 solution
    python benchmarks/bench_grading.py --assignment 05-my-own-image --copies 5 --submission mistakes

In one temporary course directory (a copy of nbgrader_config.py and source/<a>), the same N copies
of one submission are graded twice, in the same run:

1. through the course grading command's API (``helpers.grading.autograde``: one process, one
   submission at a time, cleaning the exercise's Docker state before each, plus feedback HTML);
2. through the nbgrader CLI, one ``nbgrader autograde --student`` process per submission (the same
   nbgrader_config.py, so the same pre-convert cleanup).

Target: <= 3 s per submission through the course command, cleanup included. Not a test: it
measures and prints; it exits 1 only when a submission fails to grade.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 3.0


def submission_path(assignment: str, which: str) -> Path:
    return {
        "solution": REPO / "source" / assignment / f"{assignment}.ipynb",
        "blank": REPO / "release" / assignment / f"{assignment}.ipynb",
        "mistakes": REPO / "tests" / "submissions" / assignment / f"{assignment}.ipynb",
    }[which]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="02-hello-world")
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--submission", choices=("solution", "blank", "mistakes"), default="solution")
    parser.add_argument("--no-cli", action="store_true", help="skip the (slow) nbgrader CLI pass")
    args = parser.parse_args(argv)

    import helpers as h
    from helpers import grading

    a = args.assignment
    root = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        shutil.copy(REPO / "nbgrader_config.py", root)
        shutil.copytree(REPO / "source" / a, root / "source" / a)
        api = grading.make_api(root)
        assert api.generate_assignment(a, force=True)["success"]
        students = [f"s{i:02d}" for i in range(1, args.copies + 1)]
        for s in students:
            dest = root / "submitted" / s / a
            dest.mkdir(parents=True)
            shutil.copy(submission_path(a, args.submission), dest / f"{a}.ipynb")

        print(f"{a}: '{args.submission}' 제출물 {args.copies}개, 엔진 {_engine()}")
        failures = 0

        # 1) the course grading command (API), autograde + feedback + cleanup
        began = time.perf_counter()
        results = grading.autograde(a, students, api=api, echo=lambda *_: None)
        api_total = time.perf_counter() - began
        failures += sum(not r.ok for r in results)
        per = [r.seconds for r in results]
        rest = api_total - sum(per)  # feedback for all, in one pass, and the final cleanup
        scores = sorted({f"{r.score:g}/{r.max_score:g}" for r in results})
        print(f"  과정 채점 명령(API): 제출물당 {api_total / len(students):.2f}초 (정리·피드백 포함) 점수 {', '.join(scores)}")
        print(f"  ----  autograde(제출물 전 정리 포함) 중앙값 {statistics.median(per):.2f}초, 최소 {min(per):.2f}, "
              f"최대 {max(per):.2f}; 피드백·마지막 정리 제출물당 {rest / len(students):.2f}초")
        ok = api_total / len(students) <= TARGET_SECONDS
        print(f"  {'PASS' if ok else 'FAIL'}  목표 제출물당 {TARGET_SECONDS:g}초 이하")

        # 2) the nbgrader CLI, one process per submission
        if not args.no_cli:
            env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
            nbgrader = [sys.executable, "-m", "nbgrader"]
            per_cli = []
            for s in students:
                t0 = time.perf_counter()
                done = subprocess.run([*nbgrader, "autograde", a, "--student", s, "--force"], cwd=root, env=env,
                                      capture_output=True, text=True)
                per_cli.append(time.perf_counter() - t0)
                if done.returncode != 0:
                    failures += 1
                    print(f"  CLI 실패 {s}: {done.stderr.strip().splitlines()[-1:]}")
            cli_scores = sorted({f"{grading.scores(api, a, s).score:g}" for s in students})
            mean_cli = sum(per_cli) / len(per_cli)
            print(f"  nbgrader CLI(autograde만, 제출물마다 프로세스 하나): 제출물당 {mean_cli:.2f}초 "
                  f"(중앙값 {statistics.median(per_cli):.2f}) 점수 {', '.join(cli_scores)}")
            print(f"  ----  과정 채점 명령이 CLI보다 {mean_cli / (api_total / len(students)):.1f}배 빠름")
        with h.quiet():
            grading.clean_exercise(grading.chapter_of(a))
        return 1 if failures else 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _engine() -> str:
    from helpers.connection import client

    v = client().version()
    return f"{v.get('Version')} (API {v.get('ApiVersion')})"


if __name__ == "__main__":
    sys.exit(main())
