"""Checks that read the course registry: a tag is there, and it is the image the learner made."""

from __future__ import annotations

from ...kit import registry as course_registry
from .base import fail, need_image


def registry_has(repo: str, tag: str, image: str | None = None) -> bool:
    """The course registry holds ``repo:tag`` (and, when ``image`` is given, that very image, so an old push
    does not count: on the classic image store the local ID is the pushed config digest, on the containerd
    store it is the pushed manifest's digest — see ``helpers.kit.registry.same_image``)."""
    prefix = course_registry.address() + "/"
    repo = repo[len(prefix):] if repo.startswith(prefix) else repo
    if not course_registry.running():
        fail(f"과정 레지스트리({course_registry.address()})에 {repo}:{tag}이(가) 있어야 합니다.", "응답하는 레지스트리",
             "레지스트리가 꺼져 있음", "`h.registry.start()`로 띄운 뒤 다시 push 하세요.")
    tags = course_registry.tags(repo)
    if tag not in tags:
        fail(f"과정 레지스트리에 {repo}:{tag}이(가) 있어야 합니다.", f"{repo}:{tag}",
             f"없음 (그 저장소의 태그: {', '.join(tags)})" if tags else "없음 (그런 저장소가 없음)",
             f"`h.tag('내이미지', '{prefix}{repo}:{tag}')`로 레지스트리 주소를 붙인 이름을 만든 뒤 "
             f"`h.push('{prefix}{repo}:{tag}')`.")
    if image is not None:
        local = need_image(image)
        remote = course_registry.manifest(repo, tag)
        if not course_registry.same_image(local.attrs, remote):  # by ID on both image stores
            held = (remote or {}).get("config") or (remote or {}).get("digest") or "?"
            fail(f"레지스트리의 {repo}:{tag}은(는) 이번에 만든 이미지 '{image}'(이)어야 합니다.",
                 local.id.replace("sha256:", "")[:12], held.replace("sha256:", "")[:12] + " (다른 이미지)",
                 "예전에 올린 이미지가 남아 있습니다. 지금 이미지에 태그를 붙여 다시 push 하세요.")
    return True


