"""Print how long grading a class takes: isolated with 1 and N workers, next to the plain nbgrader CLI.

    python benchmarks/bench_grading.py                        # 100 submissions of 02 (solutions and mistakes)
    python benchmarks/bench_grading.py --copies 20 --cli 5    # quicker

In one temporary course directory (a copy of nbgrader_config.py and source/<a>), the same submissions
(``--copies`` of them; every fourth one is the typical-mistakes notebook, the rest the solution) are
graded in the same run:

1. isolated, one worker (``helpers.grading.autograde(..., workers=1)``): each submission as an
   unprivileged user against a rootless engine, every graded cell re-checked, the engine healed after;
2. isolated, N workers (default: the number of cores);
3. through the nbgrader CLI, one ``nbgrader autograde --student`` process per submission, not isolated
   (the instructor's engine), on the first ``--cli`` submissions only (its per-submission figure is
   what compares).

Target: 100 submissions in <= 5 minutes on 2 cores with N workers, isolation included, and the same score
for every submission with 1 and N workers (it prints how many differ). Needs root.
Not a test: it measures and prints; it exits 1 when a submission fails to grade or scores differ.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 300.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="02-hello-world")
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cli", type=int, default=5, help="how many submissions the nbgrader CLI pass grades")
    parser.add_argument("--skip-one-worker", action="store_true", help="skip the 1-worker pass")
    args = parser.parse_args(argv)

    from helpers import grading
    from helpers.grading import sandbox

    why = sandbox.unavailable()
    if why:
        print(why, file=sys.stderr)
        return 2
    a = args.assignment
    parent = Path(tempfile.mkdtemp(prefix="ldk-bench-grading-"))  # 0700, as an instructor's home
    root = parent / "course"
    root.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "source" / a, root / "source" / a)
    students = []
    for i in range(args.copies):
        kind = "mistakes" if i % 4 == 3 else "solution"
        source = (REPO / "tests" / "submissions" / a if kind == "mistakes" else REPO / "source" / a) / f"{a}.ipynb"
        student = f"s{i:03d}-{kind}"
        (root / "submitted" / student / a).mkdir(parents=True)
        shutil.copy(source, root / "submitted" / student / a / f"{a}.ipynb")
        students.append(student)
    print(f"{a}: 제출 {len(students)}개 (4개마다 하나는 흔한 실수), 코어 {os.cpu_count()}개")
    failed = 0
    rows = []
    by_pass: dict[int, dict[str, float]] = {}
    passes = ([] if args.skip_one_worker else [1]) + [args.workers]
    for workers in passes:
        began = time.perf_counter()
        results = grading.autograde(a, students, root=root, workers=workers, echo=lambda *_: None)
        seconds = time.perf_counter() - began
        failed += sum(not r.ok for r in results)
        scores = sorted({r.score for r in results})
        by_pass[workers] = {r.student: r.score for r in results}
        rows.append((f"격리, 워커 {workers}개", seconds, len(results), scores))
    if args.cli:
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        began = time.perf_counter()
        for student in students[: args.cli]:
            run = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", a, "--student", student, "--force"],
                                 cwd=root, env=env, capture_output=True, text=True)
            failed += run.returncode != 0
        rows.append(("nbgrader CLI, 격리 없음", time.perf_counter() - began, args.cli, []))
        grading.clean_exercise(grading.chapter_of(a))  # the CLI pass ran on this engine: leave nothing behind
    print(f"{'방식':<24}{'제출물':>6}{'전체(초)':>10}{'제출물당(초)':>14}{'100개 환산(초)':>16}  점수")
    for name, seconds, count, scores in rows:
        per = seconds / max(count, 1)
        print(f"{name:<24}{count:>6}{seconds:>10.1f}{per:>14.2f}{per * 100:>16.0f}  {scores}")
    if len(by_pass) == 2:  # grading must not depend on load: the same submission, the same score
        one, many = by_pass[1], by_pass[args.workers]
        differ = sorted(s for s in one if one[s] != many.get(s))
        print(f"워커 1개와 {args.workers}개의 점수가 다른 제출물: {len(differ)}개 (목표 0)"
              + (f" — {', '.join(differ[:10])}" if differ else ""))
        failed += len(differ)
    best = rows[len(passes) - 1]
    per100 = best[1] / best[2] * 100
    print(f"목표: 제출물 100개를 {TARGET_SECONDS:.0f}초 안에 → 워커 {args.workers}개로 {per100:.0f}초 "
          f"({'달성' if per100 <= TARGET_SECONDS else '미달'})")
    shutil.rmtree(parent, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
