"""Command line: ``python -m helpers.grading {autograde,clean}``, run from the course root.

    python -m helpers.grading autograde 02-hello-world              # every submitted student
    python -m helpers.grading autograde 02-hello-world --student kim
    python -m helpers.grading clean 02-hello-world                  # remove what the exercise left
"""

from __future__ import annotations

import argparse
import sys

from .autograde import autograde, chapter_of, clean_exercise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.grading", description="도커를 익히다 — 채점")
    sub = parser.add_subparsers(dest="command", required=True)
    ag = sub.add_parser("autograde", help="제출물을 하나씩 채점하고 피드백을 만듭니다")
    ag.add_argument("assignment", help="예: 02-hello-world")
    ag.add_argument("--student", action="append", help="이 학생만 (여러 번 쓸 수 있음)")
    ag.add_argument("--root", default=".", help="과정 폴더 (nbgrader_config.py가 있는 곳)")
    ag.add_argument("--no-feedback", action="store_true", help="피드백 HTML을 만들지 않습니다")
    ag.add_argument("--workers", type=int, default=None, help="동시에 채점할 제출물 수 (기본: CPU 코어 수)")
    ag.add_argument("--no-isolation", action="store_true",
                    help="격리 없이 강사의 엔진에서 하나씩 채점합니다 (믿을 수 있는 제출물만)")
    cl = sub.add_parser("clean", help="과제가 엔진에 남긴 것(exNN-… 컨테이너·이미지·볼륨·네트워크, 레이블 exNN)을 지웁니다")
    cl.add_argument("assignment", help="예: 02-hello-world")
    args = parser.parse_args(argv)
    from .. import errors

    try:
        if args.command == "clean":
            if not chapter_of(args.assignment):
                print(f"'{args.assignment}': 과제 이름은 장 번호로 시작해야 합니다 (예: 02-hello-world).", file=sys.stderr)
                return 2
            removed = clean_exercise(chapter_of(args.assignment))
            print(f"정리 완료: 컨테이너 {len(removed['containers'])}개, 이미지 이름 {len(removed['images'])}개, "
                  f"볼륨 {len(removed['volumes'])}개, 네트워크 {len(removed.get('networks', []))}개 (레이블 포함)")
            return 0
        results = autograde(args.assignment, args.student, root=args.root, feedback=not args.no_feedback,
                            isolate=not args.no_isolation, workers=args.workers)
    except errors.CourseError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    return 0 if results and all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
