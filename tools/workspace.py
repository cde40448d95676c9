"""Lay out the learner's workspace, the folder `bash tools/lab.sh` serves as JupyterLab's root.

    python tools/workspace.py [WORKSPACE]     # default: $LEARN_DOCKER_WORKSPACE, else workspace/ in the repo

What it holds, all plain copies (jupyter_server follows symlinks out of its root, so no links):

    00-start-here.md           the course map, from tools/start-here.md
    용어집.md                  the glossary, from docs/glossary.md
    01-before-you-begin.ipynb  the chapter notebooks, from notebooks/
    ...
    exercises/02-hello-world/  the learner's own copy of release/02-hello-world/
    ...
    .learn-docker-ko/          hidden (the server does not serve it): what was copied, JupyterLab's
                               per-learner state (layout, the learner's own settings)

Course files (start page, chapters) follow the course: a copy is replaced when the course's version
changes, unless the learner changed the copy. Exercise files are copied once and never overwritten;
delete one to get a fresh copy. Nothing from source/, tests/ or the gradebook is ever copied.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = ".learn-docker-ko"
START_PAGE = "00-start-here.md"
GLOSSARY = "용어집.md"  # the chapters link it by this name (notebooks/용어집.md points at docs/glossary.md)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def course_files(root: Path = ROOT) -> dict[str, Path]:
    """Workspace path -> course file that the course keeps up to date."""
    files = {START_PAGE: root / "tools" / "start-here.md", GLOSSARY: root / "docs" / "glossary.md"}
    for nb in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        files[nb.name] = nb
    return files


def exercise_files(root: Path = ROOT) -> dict[str, Path]:
    """Workspace path -> released exercise file (nbgrader's release/, never source/)."""
    files = {}
    release = root / "release"
    for folder in sorted(p for p in release.glob("[0-9][0-9]-*") if p.is_dir()):
        for f in sorted(folder.rglob("*")):
            if f.is_file() and ".ipynb_checkpoints" not in f.parts:
                files[f"exercises/{folder.name}/{f.relative_to(folder).as_posix()}"] = f
    return files


def lay_out(workspace: Path, root: Path = ROOT) -> list[str]:
    """Create or update ``workspace``; return one Korean line per thing done (empty: all up to date)."""
    workspace.mkdir(parents=True, exist_ok=True)
    (workspace / STATE).mkdir(exist_ok=True)
    manifest_path = workspace / STATE / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    written: dict[str, str] = manifest.get("written", {})  # file -> digest of the version put there
    told: dict[str, str] = manifest.get("told", {})  # file -> course version the learner was told about
    news: list[str] = []

    for rel, src in course_files(root).items():
        dest = workspace / rel
        new = digest(src)
        if not dest.exists():
            news.append(f"{rel}: 새로 놓았습니다")
        elif digest(dest) == new:
            written[rel] = new
            continue
        elif written.get(rel) == digest(dest):
            news.append(f"{rel}: 과정의 새 버전으로 바꿨습니다")
        else:
            if told.get(rel) != new:  # say it once per course version
                news.append(f"{rel}: 과정에 새 버전이 있지만 고친 내용이 있어 그대로 둡니다 "
                            "(새 버전을 받으려면 이 파일을 지우고 다시 시작하세요)")
                told[rel] = new
            continue
        shutil.copyfile(src, dest)
        written[rel] = new

    copied = []
    for rel, src in exercise_files(root).items():
        dest = workspace / rel
        if dest.exists():
            continue  # the learner's copy: never overwritten
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        copied.append(rel)
    if copied:
        news.append("채점 과제 사본을 만들었습니다: " + ", ".join(copied))

    manifest = {"written": written, "told": told}
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return news


def default_workspace() -> Path:
    return Path(os.environ.get("LEARN_DOCKER_WORKSPACE") or ROOT / "workspace")


def main(argv: list[str]) -> int:
    workspace = Path(argv[0]) if argv else default_workspace()
    for line in lay_out(workspace.resolve()):
        print(f"[lab] {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
