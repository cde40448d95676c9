"""Checks that read images: names, ids, default command and files."""

from __future__ import annotations

import json
import shlex

from ..._state import labels
from ...connection import client
from ...containers import argv_of, throwaway
from ...images import normalize, split_ref
from .base import as_text, check_file, engine_events, fail, find_image, need_image, other_tags, show_value


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


_HOW = ("commit", "Dockerfile")


def _how(how: str) -> str:
    if how not in _HOW:
        raise ValueError(f"how must be one of {_HOW}, not {how!r}")
    return how


def image_cmd(ref: str, expected_cmd, *, how: str = "commit", form: str = "any") -> bool:
    """The image ``ref`` runs ``expected_cmd`` by default (its Cmd; a string may be shell form).

    ``how`` says how the learner made the image ('commit' or 'Dockerfile'), so the hint shows that way;
    ``form='exec'`` accepts only the exec form (``CMD ["python3", "app.py"]``), not ``CMD python3 app.py``.
    """
    _how(how)
    img = need_image(ref)
    cmd = (img.attrs.get("Config") or {}).get("Cmd") or []
    want = argv_of(expected_cmd)
    # shell form: the CLI keeps the text as typed (``CMD echo "a b"`` -> sh -c 'echo "a b"')
    shell = {shlex.join(want), " ".join(want), expected_cmd if isinstance(expected_cmd, str) else ""}
    shell |= {" ".join(f'"{w}"' if " " in w else w for w in want)}
    ok = cmd == want or (form != "exec" and cmd[:2] == ["/bin/sh", "-c"] and len(cmd) == 3 and cmd[2] in shell)
    if not ok and form == "exec" and cmd[:2] == ["/bin/sh", "-c"]:
        exec_form = json.dumps(want, ensure_ascii=False)
        fail(f"이미지 '{ref}'의 기본 명령(CMD)은 exec 형식이어야 합니다.", f"CMD {exec_form}",
             f"셸 형식 {show_value(cmd)} (셸이 PID 1이 되어 종료 신호가 앱에 가지 않습니다)",
             f"Dockerfile의 CMD를 JSON 배열로 쓰세요: CMD {exec_form}")
    if not ok:
        exec_form = json.dumps(want, ensure_ascii=False)
        hint = (f"commit할 때 changes=['CMD {exec_form}']를 주세요 (docker commit --change='CMD {exec_form}')."
                if how == "commit" else
                f"Dockerfile에 CMD {exec_form} 줄을 쓰고 다시 빌드하세요: h.build('.', tag='{ref}') "
                f"(docker build -t {ref} .).")
        what = "바뀌어야 합니다" if how == "commit" else "Dockerfile의 CMD로 정해져 있어야 합니다"
        fail(f"이미지 '{ref}'의 기본 명령(CMD)이 {what}.", exec_form, show_value(cmd), hint)
    return True


def image_has_file(ref: str, path: str, contains: str | None = None, *, how: str = "commit") -> bool:
    """The image ``ref`` has the file ``path`` (containing ``contains``, if given).

    Reads it from a throwaway container that is created (never started) and removed again. ``how``
    ('commit' or 'Dockerfile') is how the learner made the image; the hint shows that way.
    """
    hint = ("파일을 바꾼 컨테이너를 commit했는지 확인하세요 (h.commit(컨테이너, 저장소, 태그))." if _how(how) == "commit" else
            f"Dockerfile의 RUN(예: RUN echo 내용 > {path})이나 COPY로 파일을 만들고 다시 빌드하세요: "
            f"h.build('.', tag='{ref}') (docker build -t {ref} .).")
    img = need_image(ref)
    with throwaway(img.id, ["true"], start=False, labels=labels()) as c:
        check_file(c.id, f"이미지 '{ref}'", path, contains, hint=hint)
    return True


def image_pulled(ref: str, since) -> bool:
    """The image ``ref`` came back from its registry after ``since`` (a :class:`Run`, a datetime or an
    engine timestamp): the engine deleted the image (its last name was removed) and then pulled ``ref``.

    A pull keeps the image's ID and Created time, so only the engine's event log can tell a fresh
    download from a name that was never removed: a ``delete`` of this image's ID followed by a ``pull``
    of ``ref`` (a pull of an image that is still here is logged too, but downloads nothing).
    """
    img = need_image(ref)
    events = engine_events(since, "image", "pull", "delete")
    pulls = [e for e in events if e.get("Action") == "pull" and normalize(e.get("id", "")) == normalize(ref)]
    deletes = [e for e in events if e.get("Action") == "delete" and e.get("id") == img.id]
    if not pulls:
        fail(f"이미지 '{ref}'은(는) 이번 실습에서 레지스트리로부터 받은(pull) 것이어야 합니다.", f"{ref}을(를) pull한 기록",
             "pull한 기록 없음", f"h.pull('{ref}')로 받으세요 (docker pull {ref}).")
    if not any(d["timeNano"] < p["timeNano"] for d in deletes for p in pulls):
        fail(f"이미지 '{ref}'은(는) 엔진에서 지운 뒤에 다시 받아야 합니다.", "이미지를 지운(Deleted) 뒤 pull",
             "지운 적 없이 pull (엔진에 이미 있어서 내려받지 않음)",
             "이미지의 이름을 모두 지워야 이미지가 지워집니다(h.rmi 출력의 Deleted). 이 이미지로 만든 컨테이너가 있으면 "
             f"먼저 h.rm(...)으로 지우고, 이름을 모두 지운 다음 h.pull('{ref}')로 다시 받으세요.")
    return True
