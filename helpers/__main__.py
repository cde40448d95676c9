"""Command line: ``python -m helpers {kit,preflight,cleanup}``.

- ``kit``: pull or build every course image (``--status`` only prints the table; ``--save FILE`` writes
  the kit as one ``docker save`` archive; ``--load FILE`` loads it on a machine with no registry).
- ``preflight``: the checklist every chapter's first cell shows.
- ``cleanup``: remove everything the course made (kit images stay).
"""

from __future__ import annotations

import argparse
import sys

from . import errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers", description="도커를 익히다 — 과정 도구")
    sub = parser.add_subparsers(dest="command", required=True)
    kit_p = sub.add_parser("kit", help="과정 이미지를 받거나 로컬에서 빌드합니다")
    how = kit_p.add_mutually_exclusive_group()
    how.add_argument("--status", action="store_true", help="빌드하지 않고 상태만 봅니다")
    how.add_argument("--save", metavar="FILE", help="키트 이미지를 파일 하나로 저장합니다 (docker save)")
    how.add_argument("--load", metavar="FILE", help="저장한 키트 파일을 불러옵니다 (docker load)")
    sub.add_parser("preflight", help="엔진 점검")
    sub.add_parser("cleanup", help="과정이 만든 것을 모두 지웁니다 (키트 이미지는 남김)")
    args = parser.parse_args(argv)
    try:
        if args.command == "kit":
            from . import kit

            if args.save:
                kit.save(args.save)
            elif args.load:
                print(kit.load(args.load).text())
            else:
                print((kit.status() if args.status else kit.ensure()).text())
        elif args.command == "preflight":
            from .preflight import preflight

            preflight()
        elif args.command == "cleanup":
            from .cleanup import cleanup

            cleanup()
    except errors.CourseError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
