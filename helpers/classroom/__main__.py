"""Command line of the class server (``tools/class.sh`` calls it; root).

    python -m helpers.classroom prepare ROSTER     folders, the learners' course copy, nbgrader settings,
                                                   the exchange, the kit archive, the admin token
    python -m helpers.classroom warm [--url URL]   start every learner's server and engine, report readiness
    python -m helpers.classroom down ROSTER        stop every learner's world (after the hub has stopped)
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
from pathlib import Path

from .firewall import FirewallError
from .places import COURSE_ID, class_root, config_dir, course_copy, exchange_root, hub_dir, kit_archive
from .roster import RosterError, read_roster

REPO = Path(__file__).resolve().parents[2]
NBGRADER_CONFIG = '''"""nbgrader settings of the class server (written by python -m helpers.classroom prepare)."""
import os

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "{course}"
if os.environ.get("LEARN_DOCKER_ASSIGNMENT_DIR"):  # a learner's server: fetched exercises go to workspace/exercises
    c.Exchange.assignment_dir = os.environ["LEARN_DOCKER_ASSIGNMENT_DIR"]
c.Exchange.root = "{exchange}"
c.ExchangeFactory.collect = "helpers.classroom.exchange.TrustedCollect"
'''


def prepare(roster_path: str) -> None:
    from .learner import cpu_limit

    roster = read_roster(roster_path)
    cpu_limit()  # a bad LEARN_DOCKER_CLASS_CPUS stops up here, not at a learner's first login
    root = class_root()
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o711)
    hub_dir().mkdir(mode=0o700, exist_ok=True)
    token = hub_dir() / "admin-token"
    if not token.exists():
        token.write_text(secrets.token_hex(32))
    token.chmod(0o600)
    # the learners' copy of the course: what tools/workspace.py lays out, never source/, tests/ or the gradebook;
    # no release/ either: on the class server exercises come through nbgrader's exchange (Assignments tab)
    fresh = root / "course.new"
    shutil.rmtree(fresh, ignore_errors=True)
    for part in ("notebooks",):
        shutil.copytree(REPO / part, fresh / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    for part in ("tools/workspace.py", "tools/start-here.md", "docs/glossary.md"):
        (fresh / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / part, fresh / part)
    for path in [fresh, *fresh.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(course_copy(), ignore_errors=True)
    fresh.rename(course_copy())
    config_dir().mkdir(mode=0o755, exist_ok=True)
    # the learner lab's nbgrader menu (Assignments: the one way to fetch and submit here); the instructor's parts
    # (formgrader, course list, create assignment) stay off and locked by the course's learner settings
    (config_dir() / "labconfig").mkdir(mode=0o755, exist_ok=True)
    (config_dir() / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyter/nbgrader:menu": False}, "lockedExtensions": {"@jupyter/nbgrader:menu": True}},
        indent=1))
    (config_dir() / "nbgrader_config.py").write_text(NBGRADER_CONFIG.format(course=COURSE_ID,
                                                                           exchange=exchange_root()))
    # the exchange: the course's folders made by root now (learners see only the course's folder, bound over a
    # folder of their own: learner.server_view)
    exchange_root().mkdir(exist_ok=True)
    exchange_root().chmod(0o755)
    course = exchange_root() / COURSE_ID
    for folder, mode in ((course, 0o755), (course / "outbound", 0o755), (course / "inbound", 0o1733),
                         (course / "feedback", 0o711)):
        if folder.is_symlink() or (folder.exists() and folder.stat().st_uid != 0):
            raise SystemExit(f"[class] {folder}가 root의 것이 아닙니다: 지우고 다시 실행하세요.")
        folder.mkdir(exist_ok=True)
        folder.chmod(mode)
    _kit()
    from .firewall import open_hub

    hub_port = int(os.environ.get("LEARN_DOCKER_CLASS_HUB_PORT", "8081"))
    _close_recorded_port()  # a port an earlier up of this class left (another port now, or a crash)
    (hub_dir() / "hub-port").write_text(str(hub_port))  # down closes this port again
    open_hub(hub_port)  # learners' veths reach this machine at the hub's API port only
    if os.environ.get("LEARN_DOCKER_CLASS_PROVISION", "1") != "0":
        from .learner import provision_all

        provision_all(roster.learners)  # a learner's first login then starts an engine that has the kit
    print(f"[class] 준비됨: {root} (학습자 {len(roster.learners)}명, 강사 {len(roster.instructors)}명)")


def _kit() -> None:
    """The class's kit archive: the bundle's (``LEARN_DOCKER_KIT_ARCHIVE``), else saved from this machine's engine."""
    target = kit_archive()
    given = os.environ.get("LEARN_DOCKER_KIT_ARCHIVE")
    if given:
        if not target.exists() or os.stat(given).st_mtime > target.stat().st_mtime:
            shutil.copyfile(given, target)
    else:
        from ..grading.parallel import kit_archive as grading_archive

        source = grading_archive()  # rewritten only when the kit's images changed
        if not target.exists() or source.stat().st_mtime > target.stat().st_mtime:
            tmp = target.with_suffix(".new")
            shutil.copyfile(source, tmp)
            tmp.replace(target)
    target.chmod(0o600)


def _close_recorded_port() -> None:
    from .firewall import close_hub

    port_file = hub_dir() / "hub-port"
    if port_file.exists():
        text = port_file.read_text().strip()
        if text.isdigit():
            close_hub(int(text))
        port_file.unlink()


def down(roster_path: str | None) -> None:
    """Every learner's world stopped (by the roster the hub was started with, when there is one), then this
    class's hub port out of the firewall, even when a learner could not be stopped."""
    from .learner import Learner

    names = read_roster(roster_path).learners if roster_path and Path(roster_path).exists() else []
    slots_file = class_root() / "slots.json"
    slots = json.loads(slots_file.read_text()) if slots_file.exists() else {}
    failed = []
    try:
        for name in names:
            if name in slots:
                try:
                    Learner(slots[name], name=name).close()
                except Exception as exc:  # the others and the firewall still go
                    failed.append(f"{name}: {exc}")
    finally:
        _close_recorded_port()
    print(f"[class] 학습자 {len(names) - len(failed)}명의 서버·엔진·네트워크를 멈췄습니다 (작업은 각자의 디스크에 남아 있습니다)")
    for line in failed:
        print(f"[class]   멈추지 못함 {line}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.classroom", description="도커를 익히다 — 교실 서버")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare").add_argument("roster")
    sub.add_parser("down").add_argument("roster", nargs="?")
    w = sub.add_parser("warm")
    w.add_argument("roster")
    w.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('LEARN_DOCKER_CLASS_PORT', '8000')}")
    w.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)
    try:
        if args.command == "prepare":
            prepare(args.roster)
        elif args.command == "down":
            down(args.roster)
        else:
            from .warmup import HubAPI, warm

            results = warm(HubAPI(args.url), read_roster(args.roster).learners, args.timeout)
            return 0 if all(r.ready for r in results) else 1
    except (RosterError, FirewallError, ValueError) as exc:
        print(f"[class] {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
