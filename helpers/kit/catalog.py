"""The kit's catalog: which images the course uses, how each is made, and what it stands for.

Book images we cannot have (alpine, ubuntu, the author's hello image) map to kit images below.
Kit images are recognised by name and the image ID recorded when they were made (``builders.recorded``),
never by labels alone: an image a learner builds ``FROM`` a kit image inherits the kit's labels.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

DOCKERFILES = Path(__file__).parent / "dockerfiles"


@dataclass(frozen=True)
class KitImage:
    name: str
    about: str
    recipe: str  # "debootstrap", "busybox-static" or a folder under helpers/dockerfiles
    check: tuple[str, ...]  # command run in the image; its output must contain `expect`
    expect: str
    pull: bool = True
    stands_for: str = ""
    package: str = ""  # the Debian package a Dockerfile recipe installs
    base: str = "debian:bookworm"  # the kit image the recipe builds from ("" for none)


CATALOG: tuple[KitImage, ...] = (
    KitImage("debian:bookworm", "Debian 12 최소 설치", "debootstrap",
             ("cat", "/etc/debian_version"), "12.", stands_for="ubuntu", base=""),
    KitImage("busybox:1.35", "BusyBox 1.35 (sh, ls, httpd, wget …)", "busybox-static",
             ("busybox",), "BusyBox v1.35", stands_for="alpine"),
    KitImage("httpd:2.4", "Apache httpd 2.4 (Debian apache2, 공식 이미지와 같은 배치)", "httpd",
             ("apache2", "-v"), "Apache/2.4", package="apache2"),
    KitImage("registry:2.8", "이미지 레지스트리 2.8 (Debian docker-registry)", "registry",
             ("/usr/bin/docker-registry", "--version"), "distribution 2.8.", package="docker-registry",
             base="busybox:1.35"),
    KitImage("python:3.11-slim", "Python 3.11 (Debian python3)", "python",
             ("python3", "--version"), "Python 3.11", package="python3"),
    KitImage("redis:7.0", "Redis 7.0 캐시 (Debian redis-server, 공식 이미지와 같은 /data·6379)", "redis",
             ("redis-server", "--version"), "v=7.0.", package="redis-server", base="busybox:1.35"),
    KitImage("learn-docker-ko/hello:0.1", "이 과정의 인사 이미지 (책 2장의 hello 이미지 대신)", "hello",
             ("sh", "/hello.sh"), "Hello, Chapter", pull=False, stands_for="giljae/ld_ch02:0.1",
             base="busybox:1.35"),
)

BY_NAME = {k.name: k for k in CATALOG}
ALIASES = {"alpine": "busybox:1.35", "ubuntu": "debian:bookworm", "busybox": "busybox:1.35",
           "debian": "debian:bookworm", "httpd": "httpd:2.4", "registry": "registry:2.8",
           "python": "python:3.11-slim", "redis": "redis:7.0", "giljae/ld_ch02": "learn-docker-ko/hello:0.1"}


def names() -> list[str]:
    return [k.name for k in CATALOG]


def hint_for(ref: str) -> str:
    """What to tell a learner who asked for ``ref`` and does not have it."""
    if ref in BY_NAME:
        return f"과정 키트 이미지입니다: `h.kit.ensure(['{ref}'])` 또는 터미널에서 `python -m helpers kit`."
    repo = ref.split("@")[0].rsplit(":", 1)[0] if ":" in ref.rsplit("/", 1)[-1] else ref
    kit_name = ALIASES.get(repo) or ALIASES.get(repo.split("/")[-1] if repo.startswith("library/") else repo)
    if kit_name:
        return f"이 과정에서는 '{kit_name}'을(를) 씁니다 (폐쇄망에서도 준비됨): `h.run('{kit_name}', ...)`."
    return f"레지스트리에 연결된다면 `h.pull('{ref}')`로 받을 수 있습니다. `h.images()`로 있는 이미지를 확인하세요."


def revision(k: KitImage) -> str:
    """A short hash of the recipe: a built image whose label differs is rebuilt."""
    digest = hashlib.sha256(f"{k.recipe}|{k.check}|{k.expect}|2".encode())
    recipe_dir = folder(k)
    if recipe_dir.is_dir():
        for f in sorted(recipe_dir.iterdir()):
            digest.update(f.name.encode() + f.read_bytes())
    return digest.hexdigest()[:12]




def folder(k: KitImage) -> Path:
    """The Dockerfile folder of a recipe."""
    return DOCKERFILES / ("busybox" if k.recipe == "busybox-static" else k.recipe)

