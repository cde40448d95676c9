"""Remove what the course made, by label or id: never ``prune``, never a learner's own objects."""

from __future__ import annotations

from . import ledger
from ._state import CHAPTER_LABEL
from .compose_projects import forget_projects, project_objects, recorded_projects
from .connection import client, friendly
from .display import say
from .kit.catalog import BY_NAME as KIT_NAMES


def _filters(chapter: str | None) -> dict:
    return {"label": f"{CHAPTER_LABEL}={chapter}" if chapter else CHAPTER_LABEL}


@friendly()
def leftovers(chapter: str | None = None) -> dict[str, list[str]]:
    """What the course (or one chapter) still has on the engine: containers, images, volumes,
    networks (by label), image names it added and untagged images its builds left (ledger)."""
    api = client().api
    f = _filters(chapter)
    top = api.images()
    have_tags = {t for img in top for t in img.get("RepoTags") or []}
    labelled = [i["Id"] for i in api.images(filters=f)]
    found = {
        "containers": [c["Id"] for c in api.containers(all=True, filters=f)],
        "images": labelled + [i for i in _build_stages(chapter, top) if i not in labelled],
        "volumes": [v["Name"] for v in (api.volumes(filters=f).get("Volumes") or [])],
        "networks": [n["Id"] for n in api.networks(filters=f)],
        "tags": sorted(_course_refs(chapter, have_tags)),
    }
    for kind, ids in project_objects(chapter).items():  # Compose projects it started, by Compose's label
        found[kind] += [i for i in ids if i not in found[kind]]
    return found


def _build_stages(chapter: str | None, top: list[dict]) -> list[str]:
    """Untagged images the course's builds left (earlier stages of a multi-stage build, a failed stage),
    by the IDs ``h.build`` recorded; only while nothing names them and no other image builds on them."""
    ids = {r for r in ledger.refs(chapter) if r.startswith("sha256:")}
    return [img["Id"] for img in top if img["Id"] in ids
            and not [t for t in img.get("RepoTags") or [] if t != "<none>:<none>"]]


def _course_refs(chapter: str | None, have_tags: set[str]) -> set[str]:
    """Names the course added (tags, pulls), as its ledger recorded them; never a learner's own."""
    return {r for r in ledger.refs(chapter) if r in have_tags} - set(KIT_NAMES)


@friendly()
def reset(chapter: str | None = None, *, verbose: bool = True) -> dict[str, int]:
    """Remove everything one chapter made (every chapter when ``chapter`` is None).

    Containers, images, volumes and networks carrying the chapter's label are removed by id;
    image names the course added (tags, pulls) are untagged, and the untagged images its builds left
    (earlier stages) are removed by the IDs the ledger kept. Kit images stay.
    """
    api = client().api
    found = leftovers(chapter)
    for cid in found["containers"]:
        _quietly(api.remove_container, cid, force=True, v=True)
    for ref in found["tags"]:
        _quietly(api.remove_image, ref)
    stages = _build_stages(chapter, api.images())  # before the ledger forgets their IDs
    for ref in (ledger.refs(chapter) if chapter else ledger.refs()):
        ledger.forget(ref)
    for iid in stages:  # untagged and nothing builds on them: no force needed
        _quietly(api.remove_image, iid)
    # images: children before parents (a committed image may be the base of another)
    for _ in range(3):
        remaining = leftovers(chapter)["images"]
        if not remaining:
            break
        for iid in remaining:
            _quietly(api.remove_image, iid, force=True)
    for name in found["volumes"]:
        _quietly(api.remove_volume, name, force=True)
    for nid in found["networks"]:
        _quietly(api.remove_network, nid)
    if recorded_projects(chapter) and not any(project_objects(chapter).values()):
        forget_projects(chapter)
    counts = {k: len(v) for k, v in found.items()}
    if verbose:
        what = f"{chapter}장" if chapter else "과정 전체"
        say(f"정리 완료({what}): 컨테이너 {counts['containers']}개, 이미지 {counts['images']}개, "
            f"태그 {counts['tags']}개, 볼륨 {counts['volumes']}개, 네트워크 {counts['networks']}개")
    return counts


def cleanup(verbose: bool = True) -> dict[str, int]:
    """Remove everything the course made in every chapter, including the course registry container.

    The kit's base images and the registry's data folder stay.
    """
    return reset(None, verbose=verbose)


def _quietly(fn, *args, **kwargs) -> None:
    import docker.errors as de

    try:
        fn(*args, **kwargs)
    except de.NotFound:
        pass
    except de.APIError as exc:
        say(f"(정리하지 못함: {args[0] if args else ''}: {exc.explanation or exc})")
