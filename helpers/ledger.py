"""Image references the course added to objects it did not label (tags, pulls).

A tag or a pull adds a name, not an object, so it cannot carry a label; the course writes it here
so that ``reset``/``cleanup`` remove exactly those names and nothing the learner made.
"""

from __future__ import annotations

import json

from ._state import STATE, course_home


def _path():
    return course_home() / "ledger.json"


def load() -> dict[str, list[str]]:
    try:
        return json.loads(_path().read_text())
    except (OSError, ValueError):
        return {}


def record(ref: str, chapter: str | None = None) -> None:
    data = load()
    refs = data.setdefault(chapter or STATE.chapter, [])
    if ref not in refs:
        refs.append(ref)
        _save(data)


def refs(chapter: str | None = None) -> list[str]:
    data = load()
    if chapter is None:
        return [r for rs in data.values() for r in rs]
    return list(data.get(chapter, []))


def forget(ref: str) -> None:
    data = load()
    changed = False
    for rs in data.values():
        if ref in rs:
            rs.remove(ref)
            changed = True
    if changed:
        _save(data)


def _save(data: dict) -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({k: v for k, v in data.items() if v}, ensure_ascii=False, indent=1))
    tmp.replace(path)
