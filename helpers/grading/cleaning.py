"""What an exercise leaves on the engine, and its removal before each submission in the plain (not isolated)
grading mode: containers named ``exNN-…``, images whose repository starts with ``exNN-`` or ``exNN/``,
volumes and networks named ``exNN-…``, Compose projects ``exNN…`` and everything labelled ``exNN``. Kit images,
the course registry and the chapter notebooks' own objects stay.
"""

from __future__ import annotations

import re


def chapter_of(assignment: str) -> str | None:
    """'02-hello-world' -> '02' (None when the name does not start with a chapter number)."""
    m = re.match(r"(\d{2})(?:\D|$)", assignment or "")
    return m.group(1) if m else None


def _in_namespace(ref: str, prefix: str) -> bool:
    """Is the image name ``ref`` (``[host/]path:tag``) inside the exercise's ``exNN`` namespace?"""
    path = ref.rsplit(":", 1)[0] if ":" in ref.rsplit("/", 1)[-1] else ref
    first, _, rest = path.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        path = rest  # drop the registry host
    return path == prefix or path.startswith((f"{prefix}-", f"{prefix}/"))


def clean_exercise(chapter: str) -> dict[str, list[str]]:
    """Remove the exercise ``exNN`` namespace from the engine (see the module docstring)."""
    from ..compose_projects import projects_on_engine
    from ..connection import client
    from ..display import quiet
    from .exercise import clear

    prefix = f"ex{chapter}"
    api = client().api
    names = [n.lstrip("/") for c in api.containers(all=True, filters={"name": f"{prefix}-"})
             for n in c.get("Names") or [] if n.lstrip("/").startswith(f"{prefix}-")]
    refs = [t for img in api.images() for t in img.get("RepoTags") or [] if _in_namespace(t, prefix)]
    volumes = [v["Name"] for v in api.volumes().get("Volumes") or [] if v["Name"].startswith(f"{prefix}-")]
    projects = sorted(p for p in projects_on_engine() if p == prefix or p.startswith((f"{prefix}-", f"{prefix}_")))
    networks = [n["Name"] for n in api.networks() if n["Name"].startswith(f"{prefix}-")]
    with quiet():
        clear(containers=names, images=refs, volumes=volumes, label=prefix, projects=projects, networks=networks)
    return {"containers": names, "images": refs, "volumes": volumes, "networks": networks}


def clean_before_grading(assignment: str, student: str, notebooks: list[str]) -> None:
    """nbgrader ``pre_convert_hook``: start every submission from a clean exercise namespace."""
    chapter = chapter_of(assignment)
    if chapter:
        clean_exercise(chapter)
