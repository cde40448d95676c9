"""The kit as one file: ``docker save`` of every kit image, and ``docker load`` back.

For classrooms without a registry or a Debian mirror: an instructor writes the archive once
(``python -m helpers kit --save kit.tar``); each learner machine loads it
(``python -m helpers kit --load kit.tar``). Layers the images share are stored once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import errors
from .._state import KIT_LABEL
from ..command import echo
from ..connection import client, friendly
from ..display import Table, human_size, say
from .builders import _local_images, _record, missing, status
from .catalog import names


@friendly()
def save(path: str | Path, wanted: list[str] | None = None) -> Path:
    """Write the kit images (all by default) into one tar archive. Similar to ``docker save -o``."""
    wanted = list(wanted or names())
    absent = missing(wanted)
    if absent:
        raise errors.KitError(f"아직 준비되지 않은 키트 이미지가 있어 저장할 수 없습니다: {', '.join(absent)}",
                              hint="먼저 `python -m helpers kit`으로 키트를 준비하세요.")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    echo("save", "-o", str(path), *wanted)
    api = client().api
    # The engine's /images/get takes several names at once (shared layers once); docker-py's
    # get_image takes one, so the request is made on the API client's own session.
    response = api.get(api._url("/images/get"), params={"names": wanted}, stream=True)
    api._raise_for_status(response)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("wb") as out:
        shutil.copyfileobj(response.raw, out, length=1 << 20)
    tmp.replace(path)
    say(f"키트 이미지 {len(wanted)}개를 {path}에 저장했습니다 ({human_size(path.stat().st_size)})")
    return path


@friendly()
def load(path: str | Path) -> Table:
    """Load kit images from an archive written by :func:`save`. Similar to ``docker load -i``."""
    path = Path(path)
    if not path.is_file():
        raise errors.KitError(f"키트 파일 '{path}'이(가) 없습니다.",
                              hint="강사가 준 kit.tar의 경로를 확인하세요 (`python -m helpers kit --load 경로`).")
    echo("load", "-i", str(path))
    with path.open("rb") as data:
        for event in client().api.load_image(data):
            if "error" in event or "errorDetail" in event:
                raise errors.KitError("키트 파일을 불러오지 못했습니다.", cause=str(event)[:300])
    for name, rev in _loaded_revisions().items():
        _record(name, rev)
    still = missing()
    if still:
        say(f"(이 파일에 없던 키트 이미지: {', '.join(still)} — `python -m helpers kit`으로 준비하세요)")
    return status()


def _loaded_revisions() -> dict[str, str]:
    """The recipe revision each kit image on the engine says it was built from ("pulled" if none)."""
    have = _local_images()
    return {n: (have[n].get("Labels") or {}).get(f"{KIT_LABEL}.revision") or "pulled" for n in names() if n in have}
