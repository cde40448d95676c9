"""The course's record of the Compose projects it started, and finding and removing their objects.

Compose labels what it makes with ``com.docker.compose.project=<name>`` (containers, networks, volumes,
and the images it builds). ``compose_up``/``compose_build`` record the project's name and folder under
the current chapter in ``compose-projects.json`` in the course home; ``h.reset(chapter)`` removes those
projects by that label (:func:`project_objects`). Nothing the learner made under another name is touched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from ._state import STATE, course_home
from .connection import client, friendly

PROJECT_LABEL = "com.docker.compose.project"


def _records_path() -> Path:
    return course_home() / "compose-projects.json"


def recorded_projects(chapter: str | None = None) -> list[dict]:
    """Projects the helpers started, ``[{"project": "ch09", "dir": "/.../build/ch09"}]``, of one chapter
    (every chapter when ``None``)."""
    try:
        data = json.loads(_records_path().read_text())
    except (OSError, ValueError):
        return []
    if chapter is None:
        return [r for rs in data.values() for r in rs]
    return list(data.get(chapter, []))


def record_project(project: str, folder: str, chapter: str | None = None) -> None:
    """Note that ``chapter`` (default: the current one) started Compose project ``project`` from ``folder``."""
    path = _records_path()
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    entries = data.setdefault(chapter or STATE.chapter, [])
    entry = {"project": project, "dir": folder}
    if entry in entries:
        return
    entries.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    tmp.replace(path)


def forget_projects(chapter: str | None = None) -> None:
    """Drop the record of one chapter's projects (every chapter's when ``None``)."""
    path = _records_path()
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    data = {} if chapter is None else {k: v for k, v in data.items() if k != chapter}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1))


@friendly()
def project_objects(chapter: str | None = None, *, projects: Iterable[str] | None = None) -> dict[str, list[str]]:
    """What the recorded projects of ``chapter`` (or the named ``projects``) have on the engine, found by
    Compose's label: container ids, image ids (the images Compose built), volume names, network ids."""
    names = sorted(set(projects) if projects is not None else {r["project"] for r in recorded_projects(chapter)})
    found: dict[str, list[str]] = {"containers": [], "images": [], "volumes": [], "networks": []}
    if not names:
        return found
    api = client().api
    from .kit.catalog import BY_NAME as KIT

    for name in names:
        f = {"label": f"{PROJECT_LABEL}={name}"}
        found["containers"] += [c["Id"] for c in api.containers(all=True, filters=f)]
        found["images"] += [i["Id"] for i in api.images(filters=f)
                            if not set(i.get("RepoTags") or []) & set(KIT)]  # a kit image never carries it; be sure
        found["volumes"] += [v["Name"] for v in api.volumes(filters=f).get("Volumes") or []]
        found["networks"] += [n["Id"] for n in api.networks(filters=f)]
    return found


def projects_on_engine() -> set[str]:
    """Names of the Compose projects that have containers, volumes or networks on the engine."""
    api = client().api
    f = {"label": PROJECT_LABEL}
    labelled = [*api.containers(all=True, filters=f), *(api.volumes(filters=f).get("Volumes") or []),
                *api.networks(filters=f)]
    return {(o.get("Labels") or {}).get(PROJECT_LABEL) for o in labelled} - {None, ""}


def remove_project(name: str) -> dict[str, int]:
    """Remove everything Compose made for project ``name`` by its label — containers (with their anonymous
    volumes), the images it built, named volumes, networks — without the Compose program and without
    its file. Prints nothing. (What ``docker compose -p NAME down -v --rmi local`` does.)"""
    import docker.errors as de

    api = client().api
    found = project_objects(projects=[name])
    steps = (("containers", lambda i: api.remove_container(i, force=True, v=True)),
             ("images", lambda i: api.remove_image(i, force=True)),
             ("volumes", lambda i: api.remove_volume(i, force=True)),
             ("networks", api.remove_network))
    for kind, remove in steps:
        for item in found[kind]:
            try:
                remove(item)
            except de.NotFound:
                pass
            except de.APIError:
                pass  # still used by something outside the project: leave it
    return {k: len(v) for k, v in found.items()}
