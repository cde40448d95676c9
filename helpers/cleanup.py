"""Remove what the course made, by label or id: never ``prune``, never a learner's own objects."""

from __future__ import annotations

from . import ledger
from ._state import CHAPTER_LABEL
from .connection import client, friendly
from .display import say
from .kit.catalog import BY_NAME as KIT_NAMES


def _filters(chapter: str | None) -> dict:
    return {"label": f"{CHAPTER_LABEL}={chapter}" if chapter else CHAPTER_LABEL}


@friendly()
def leftovers(chapter: str | None = None) -> dict[str, list[str]]:
    """What the course (or one chapter) still has on the engine: containers, images, volumes,
    networks (by label) and image names it added (ledger)."""
    api = client().api
    f = _filters(chapter)
    have_tags = {t for img in api.images() for t in img.get("RepoTags") or []}
    return {
        "containers": [c["Id"] for c in api.containers(all=True, filters=f)],
        "images": [i["Id"] for i in api.images(filters=f)],
        "volumes": [v["Name"] for v in (api.volumes(filters=f).get("Volumes") or [])],
        "networks": [n["Id"] for n in api.networks(filters=f)],
        "tags": sorted(_course_refs(chapter, have_tags)),
    }


def _course_refs(chapter: str | None, have_tags: set[str]) -> set[str]:
    """Names the course added (tags, pulls), as its ledger recorded them; never a learner's own."""
    return {r for r in ledger.refs(chapter) if r in have_tags} - set(KIT_NAMES)


@friendly()
def reset(chapter: str | None = None, *, verbose: bool = True) -> dict[str, int]:
    """Remove everything one chapter made (every chapter when ``chapter`` is None).

    Containers, images, volumes and networks carrying the chapter's label are removed by id;
    image names the course added (tags, pulls) are untagged. Kit images stay.
    """
    api = client().api
    found = leftovers(chapter)
    for cid in found["containers"]:
        _quietly(api.remove_container, cid, force=True, v=True)
    for ref in found["tags"]:
        _quietly(api.remove_image, ref)
    for ref in (ledger.refs(chapter) if chapter else ledger.refs()):
        ledger.forget(ref)
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
