"""Checks that read images: names, ids, default command and files."""

from __future__ import annotations

import json
import shlex

from ..._state import labels
from ...connection import client
from ...containers import argv_of, throwaway
from ...images import split_ref
from .base import as_text, check_file, fail, find_image, need_image, other_tags, show_value


def image_exists(ref: str) -> bool:
    """An image is called ``ref`` on this engine."""
    if find_image(ref) is None:
        repo, tag = split_ref(ref)
        fail(f"이미지 '{repo}:{tag}'이(가) 이 엔진에 있어야 합니다.", f"{repo}:{tag}", "없음" + other_tags(ref),
             f"태그를 빼면 latest를 뜻합니다. 이름과 태그를 모두 쓰세요: h.pull('{repo}:{tag}').")
    return True


def image_id(ref: str, value, *, what: str = "IMAGE ID") -> bool:
    """``value`` is the id of image ``ref`` (the 12-character IMAGE ID, or longer, 'sha256:' optional)."""
    img = need_image(ref)
    got = as_text(value, what).strip().removeprefix("sha256:")
    full = img.id.removeprefix("sha256:")
    if len(got) < 12 or not full.startswith(got.lower()):
        fail(f"{what}은(는) 이미지 '{ref}'의 ID여야 합니다.", full[:12], show_value(got) or "빈 문자열",
             f"h.images()의 IMAGE ID 열(12자리)을 보거나 h.image('{ref}').short_id를 쓰세요.")
    return True


def image_absent(ref: str) -> bool:
    """No image is called ``ref`` (the name was removed with rmi)."""
    img = find_image(ref)
    if img is not None:
        hint = f"`h.rmi('{ref}')`로 지우세요. 이름이 여러 개인 이미지에서는 그 이름만 떼어 냅니다(Untagged)."
        users = [c["Names"][0].lstrip("/") for c in client().api.containers(all=True, filters={"ancestor": img.id})
                 if c.get("ImageID") == img.id]
        if len(img.tags) <= 1 and users:
            hint = f"이 이미지로 만든 컨테이너({', '.join(users)})를 먼저 `h.rm(...)`으로 지운 뒤 `h.rmi('{ref}')`."
        fail(f"이미지 이름 '{ref}'을(를) 지워야 합니다.", "없음", "아직 있음", hint)
    return True


def image_cmd(ref: str, expected_cmd) -> bool:
    """The image ``ref`` runs ``expected_cmd`` by default (its Cmd; a string may be shell form)."""
    img = need_image(ref)
    cmd = (img.attrs.get("Config") or {}).get("Cmd") or []
    want = argv_of(expected_cmd)
    # shell form: the CLI keeps the text as typed (``CMD echo "a b"`` -> sh -c 'echo "a b"')
    shell = {shlex.join(want), " ".join(want), expected_cmd if isinstance(expected_cmd, str) else ""}
    shell |= {" ".join(f'"{w}"' if " " in w else w for w in want)}
    ok = cmd == want or (cmd[:2] == ["/bin/sh", "-c"] and len(cmd) == 3 and cmd[2] in shell)
    if not ok:
        exec_form = json.dumps(want, ensure_ascii=False)
        fail(f"이미지 '{ref}'의 기본 명령(CMD)이 바뀌어야 합니다.", exec_form, show_value(cmd),
             f"commit할 때 changes=['CMD {exec_form}']를 주세요 (docker commit --change='CMD {exec_form}').")
    return True


def image_has_file(ref: str, path: str, contains: str | None = None) -> bool:
    """The image ``ref`` has the file ``path`` (containing ``contains``, if given).

    Reads it from a throwaway container that is created (never started) and removed again.
    """
    img = need_image(ref)
    with throwaway(img.id, ["true"], start=False, labels=labels()) as c:
        check_file(c.id, f"이미지 '{ref}'", path, contains)
    return True


