"""Checks that read what a Dockerfile made: the image's settings (WORKDIR, ENV, EXPOSE, USER), the image it
was built on, its size, and what its container does (the user it runs as, its HTTP answer).

Introduced with the chapter 06 exercise. Every hint says how to fix the Dockerfile and build again, since
that is how the learner made the image.
"""

from __future__ import annotations

import posixpath

from ..._state import labels
from ...connection import client
from ...containers import throwaway
from ...display import state_ko
from .base import fail, get_page, need_container, need_image, read_file, show_value, status_text


def _rebuild(ref: str) -> str:
    return f"다시 빌드하세요: h.build('.', tag='{ref}') (docker build -t {ref} .)."


def _config(img) -> dict:
    return img.attrs.get("Config") or {}


def image_workdir(ref: str, path: str) -> bool:
    """The image ``ref`` starts its containers in the folder ``path`` (its ``WORKDIR``)."""
    img = need_image(ref)
    got = _config(img).get("WorkingDir") or ""
    if posixpath.normpath(got or "/") != posixpath.normpath(path):
        fail(f"이미지 '{ref}'의 작업 폴더(WORKDIR)는 {path}이어야 합니다.", path, got or "없음 (/)",
             f"Dockerfile의 FROM 다음에 WORKDIR {path} 줄을 쓰고 " + _rebuild(ref))
    return True


def image_exposes(ref: str, port) -> bool:
    """The image ``ref`` declares ``port`` as an exposed port (``EXPOSE``; ``8000`` means ``8000/tcp``)."""
    img = need_image(ref)
    key = str(port) if "/" in str(port) else f"{port}/tcp"
    exposed = sorted(_config(img).get("ExposedPorts") or {})
    if key not in exposed:
        fail(f"이미지 '{ref}'은(는) {key} 포트를 노출(EXPOSE)해야 합니다.", key,
             ", ".join(exposed) if exposed else "노출 포트 없음",
             f"Dockerfile에 EXPOSE {key.removesuffix('/tcp')} 줄을 쓰고 " + _rebuild(ref)
             + " (EXPOSE는 적어 두는 것이라, 없어도 -p로 게시는 됩니다.)")
    return True


def image_env(ref: str, name: str, value: str | None = None) -> bool:
    """The image ``ref`` sets the environment variable ``name`` (to ``value``, if given) (``ENV``)."""
    img = need_image(ref)
    env = dict(item.partition("=")[::2] for item in _config(img).get("Env") or [])
    if name not in env or (value is not None and env[name] != value):
        want = f"{name}={value}" if value is not None else f"{name}=..."
        line = f'{name}="{value}"' if value is not None and " " in value else want
        fail(f"이미지 '{ref}'에 환경 변수 {name}이(가) 정해져 있어야 합니다 (ENV).", want,
             f"{name}={env[name]}" if name in env else f"{name} 없음",
             f"Dockerfile에 ENV {line} 줄을 쓰고 " + _rebuild(ref)
             + (" 값에 빈칸이 있으면 따옴표로 감싸야 합니다." if line != want else ""))
    return True


def _uid(user: str, passwd: bytes | None) -> int | None:
    """The uid a ``USER`` value ('app', '10001', 'app:app', '') runs as, from the image's /etc/passwd;
    ``None`` when the name is not in it."""
    name = user.partition(":")[0] or "root"
    if name.isdigit():
        return int(name)
    if name == "root":  # root is uid 0 even in an image without /etc/passwd (FROM scratch)
        return 0
    for line in (passwd or b"").decode("utf-8", "replace").splitlines():
        fields = line.split(":")
        if len(fields) > 2 and fields[0] == name and fields[2].isdigit():
            return int(fields[2])
    return None


def image_user_not_root(ref: str) -> str:
    """The image ``ref`` runs its containers as a user other than root (``USER``, looked up in the image's
    own /etc/passwd). Returns the ``USER`` value."""
    img = need_image(ref)
    user = _config(img).get("User") or ""
    with throwaway(img.id, ["true"], start=False, labels=labels()) as c:
        uid = _uid(user, read_file(c.id, "/etc/passwd"))
    how = ("Dockerfile에서 사용자를 만들고(예: RUN useradd --uid 10001 app) CMD 앞에 USER app 줄을 쓴 다음 "
           + _rebuild(ref))
    if uid is None:
        fail(f"이미지 '{ref}'의 USER {user}은(는) 이미지 안에 있는 사용자여야 합니다.", f"/etc/passwd에 있는 사용자 {user}",
             f"{user} 없음 (이 이미지로는 컨테이너가 시작하지 못합니다)", how)
    if uid == 0:
        fail(f"이미지 '{ref}'은(는) root가 아닌 사용자로 실행되어야 합니다 (USER).", "root가 아닌 사용자 (uid 0이 아님)",
             f"root (uid 0, USER {user!r})" if user else "root (USER를 적지 않음)", how)
    return user


def container_user_not_root(name: str) -> int:
    """The running container ``name`` runs as a user other than root: ``id -u`` inside it (as its own
    user) is not 0, or, in an image without ``id``, its ``USER`` is not root. Returns the uid."""
    c = need_container(name)
    if c.status != "running":
        fail(f"컨테이너 '{name}'이(가) 실행 중이어야 합니다.", state_ko("running"), status_text(c),
             f"h.start('{name}')로 시작하거나, 지우고 다시 실행하세요.")
    user = (c.attrs.get("Config") or {}).get("User") or ""  # the image's USER, or -u/user= of docker run
    api = client().api
    exec_id = api.exec_create(c.id, ["id", "-u"])["Id"]
    out, _ = api.exec_start(exec_id, demux=True)
    text = (out or b"").decode("utf-8", "replace").strip()
    if api.exec_inspect(exec_id).get("ExitCode") == 0 and text.isdigit():
        uid = int(text)
    else:  # no `id` in the image: the user it was started as
        uid = _uid(user, read_file(c.id, "/etc/passwd"))
    if uid == 0:
        fail(f"컨테이너 '{name}'의 주 프로세스는 root가 아닌 사용자로 실행되어야 합니다.", "root가 아닌 사용자 (uid 0이 아님)",
             f"root (uid 0, 사용자 설정 {user!r})" if user else "root (uid 0, 사용자 설정 없음)",
             "Dockerfile에 USER 줄을 쓰고 다시 빌드한 뒤, 컨테이너를 지우고(h.rm(이름, force=True)) 새 이미지로 다시 "
             "실행하세요. 실행할 때 user='root'(-u root)를 주지 마세요.")
    return -1 if uid is None else uid


def http_ok(url: str, contains: str | None = None, *, timeout: float = 10) -> str:
    """``url`` answers HTTP 200 (within ``timeout`` seconds, while the server starts), and its page
    holds ``contains`` if given. Returns the page. Like ``curl``; proxies in the environment are not used."""
    status, body, problem = get_page(url, timeout)
    if status is None:
        fail(f"{url} 이(가) HTTP로 응답해야 합니다.", "HTTP 200 응답", f"응답 없음 ({problem})",
             "컨테이너가 실행 중인지(h.ps()), 포트를 -p 호스트:컨테이너 순서로 게시했는지(h.port(이름)), "
             "앱이 무엇을 출력했는지(h.logs(이름)) 확인하세요.")
    if status != 200:
        fail(f"{url} 이(가) HTTP 200으로 응답해야 합니다.", "HTTP 200", f"HTTP {status}: {show_value(body, 60)}",
             "앱의 로그(h.logs(이름))를 확인하세요.")
    if contains is not None and contains not in body:
        fail(f"{url} 의 응답에 '{contains}'이(가) 들어 있어야 합니다.", f"'{contains}' 포함", show_value(body) or "빈 응답",
             "그 포트에 게시한 컨테이너가 과제의 앱을 실행하는지 확인하세요.")
    return body


def image_based_on(ref: str, base: str) -> bool:
    """The image ``ref`` was built on ``base`` (``FROM base``, in the last stage): ``base``'s layers are
    the bottom of ``ref``'s."""
    img, under = need_image(ref), need_image(base)
    layers = (img.attrs.get("RootFS") or {}).get("Layers") or []
    bottom = (under.attrs.get("RootFS") or {}).get("Layers") or []
    if layers[:len(bottom)] != bottom:
        fail(f"이미지 '{ref}'은(는) {base} 위에 만들어야 합니다 (마지막 FROM).", f"FROM {base}", _found_base(layers),
             f"Dockerfile의 마지막 스테이지를 FROM {base}(으)로 시작하고 " + _rebuild(ref))
    return True


def _found_base(layers: list[str]) -> str:
    """Which kit image ``layers`` start with, as the learner would have written it."""
    from ...kit.catalog import names

    best, depth = "", 0
    for name in names():
        try:
            bottom = client().images.get(name).attrs.get("RootFS", {}).get("Layers") or []
        except Exception:  # noqa: BLE001 - a kit image that is not here cannot be the base
            continue
        if bottom and layers[:len(bottom)] == bottom and len(bottom) > depth:
            best, depth = name, len(bottom)
    return f"FROM {best}" if best else "다른 기본 이미지"


def image_size_under(ref: str, megabytes: float) -> int:
    """The image ``ref`` is at most ``megabytes`` MB (1 MB = 1,000,000 bytes, as ``docker images`` counts).
    Returns its size in bytes."""
    img = need_image(ref)
    size = int(img.attrs.get("Size") or 0)
    if size > megabytes * 1_000_000:
        fail(f"이미지 '{ref}'은(는) {megabytes:g}MB 이하여야 합니다.", f"{megabytes:g}MB 이하", f"{size / 1e6:.1f}MB",
             "멀티 스테이지 빌드로, 만드는 데 쓴 도구는 앞 스테이지에 두고 결과물만 작은 마지막 스테이지로 옮기세요 "
             f"(COPY --from=스테이지이름). h.history('{ref}')로 큰 레이어가 어느 줄에서 왔는지 보세요.")
    return size
