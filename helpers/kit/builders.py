"""The kit's builders: pull each kit image when a registry answers, else build it here.

An image carries an upstream name only when it really is that software at that version: each
built image is checked (its version command) under a temporary name before it gets its real one.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from .. import errors
from .._state import KIT_LABEL, STATE, course_home
from ..connection import client, friendly
from ..display import Progress, Table, human_size, say
from ..engine import throwaway
from .catalog import BY_NAME, CATALOG, DOCKERFILES, KitImage, hint_for, names, revision

CANDIDATE = "learn-docker-ko/kit-candidate"


def _local_images() -> dict[str, dict]:
    return {t: img for img in client().api.images() for t in img.get("RepoTags") or []}


def _record_path() -> Path:
    return course_home() / "kit.json"


def recorded() -> dict[str, dict]:
    """``{kit name: {"id": image id, "revision": recipe revision or "pulled"}}`` as this machine made them."""
    try:
        return json.loads(_record_path().read_text())
    except (OSError, ValueError):
        return {}


def _record(name: str, rev: str) -> None:
    data = recorded()
    data[name] = {"id": client().images.get(name).id, "revision": rev}
    path = _record_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))


def _current(name: str, img: dict, record: dict) -> bool:
    """Is ``img`` (a list record named ``name``) the kit image from the current recipe? Known by the
    image ID this machine recorded; an image from elsewhere (pulled, loaded by hand) by its labels."""
    known = record.get(name)
    if known:
        return known["id"] == img["Id"] and known["revision"] in ("pulled", revision(BY_NAME[name]))
    labels = img.get("Labels") or {}
    return labels.get(KIT_LABEL) != "built" or labels.get(f"{KIT_LABEL}.revision") == revision(BY_NAME[name])


@friendly()
def missing(wanted: list[str] | None = None) -> list[str]:
    """Kit images not on the engine, retagged to another image, or built from an older recipe
    (one list call: the warm check)."""
    have = _local_images()
    record = recorded()
    return [n for n in wanted or names() if n not in have or (n in BY_NAME and not _current(n, have[n], record))]


@friendly()
def status() -> Table:
    """A table of the kit: which images are here, how each was obtained, and its size."""
    rows, items = [], []
    have = _local_images()
    for k in CATALOG:
        img = have.get(k.name)
        how = "없음"
        if img:
            labels = img.get("Labels") or {}
            how = f"빌드: {labels.get(KIT_LABEL + '.recipe', '?')}" if labels.get(KIT_LABEL) == "built" else "pull"
        rows.append([k.name, how, human_size(img["Size"]) if img else "-", k.about,
                     f"책의 {k.stands_for}" if k.stands_for else ""])
        items.append(k)
    return Table(items, ["IMAGE", "출처", "SIZE", "내용", "대신하는 이미지"], rows)


def registry_answers(timeout: float = 10) -> bool:
    """Does the engine reach Docker Hub? Asks for a tag that cannot exist: 'not found' means yes.

    Cached per process; ``LEARN_DOCKER_OFFLINE=1`` answers no without asking.
    """
    if os.environ.get("LEARN_DOCKER_OFFLINE") == "1":
        return False
    if STATE.hub_reachable is None:
        import docker

        client()
        api = docker.APIClient(base_url=STATE.base_url, version=client().api.api_version, timeout=timeout)
        try:
            api.pull("library/busybox", tag="learn-docker-ko-probe-0")
            STATE.hub_reachable = True
        except Exception as exc:  # noqa: BLE001 - classify the answer
            low = str(exc).lower()
            STATE.hub_reachable = ("manifest unknown" in low or "not found" in low) and "no such host" not in low
        finally:
            api.close()
    return STATE.hub_reachable


@friendly()
def ensure(wanted: list[str] | None = None, *, allow_pull: bool | None = None) -> Table:
    """Make sure the kit images are on the engine: pull each when a registry answers, else build it.

    Images already present cost one list call. Returns :func:`status`.
    """
    unknown = [n for n in wanted or [] if n not in BY_NAME]
    if unknown:
        raise errors.KitError(f"과정 키트에 없는 이미지입니다: {', '.join(unknown)}",
                              hint="키트 이미지는 " + ", ".join(names()) + " 입니다. " + hint_for(unknown[0]))
    todo = missing(wanted)
    if not todo:
        return status()
    order = [k for k in CATALOG if k.name in todo or _needed_by(k.name, todo)]
    online = registry_answers() if allow_pull is None else allow_pull
    for k in order:
        if k.name not in missing([k.name]):
            continue
        if online and k.pull and _try_pull(k):
            continue
        _build(k)
    return status()


def _needed_by(name: str, todo: list[str]) -> bool:
    """Is ``name`` the base (or the base's base) of an image still to make?"""
    for wanted in todo:
        base = BY_NAME[wanted].base
        while base:
            if base == name:
                return True
            base = BY_NAME[base].base
    return False


def _try_pull(k: KitImage) -> bool:
    repo, tag = k.name.rsplit(":", 1)
    say(f"[kit] {k.name}: 레지스트리에서 받습니다")
    try:
        Progress(k.name).feed(client().api.pull(repo, tag=tag, stream=True, decode=True))
        _record(k.name, "pulled")
        return True
    except Exception as exc:  # noqa: BLE001 - fall back to building
        say(f"[kit] {k.name}: 받지 못했습니다 ({str(exc)[:80]}) → 로컬에서 빌드합니다")
        return False


def _build(k: KitImage) -> None:
    say(f"[kit] {k.name}: 로컬에서 빌드합니다 ({k.recipe})")
    candidate = f"{CANDIDATE}:{k.name.replace('/', '-').replace(':', '-')}"
    if k.recipe == "debootstrap":
        source = _debootstrap(candidate, revision(k))
    elif k.recipe == "busybox-static":
        source = _busybox(candidate, revision(k))
    else:
        where = f"helpers/kit/dockerfiles/{k.recipe}"
        source = f"Debian {k.package} ({where})" if k.package else f"과정 Dockerfile ({where})"
        _docker_build(DOCKERFILES / k.recipe, candidate, source, revision(k))
    found = _check(candidate, k)
    if k.expect not in found:
        client().images.remove(candidate, force=True)
        raise errors.KitError(
            f"빌드한 이미지가 '{k.name}'이 아닙니다 (확인 결과: {found.strip()[:60]}). 이름을 붙이지 않았습니다.",
            hint="Debian 패키지 버전이 바뀌었을 수 있습니다. 과정 저장소를 최신으로 받으세요.",
        )
    repo, tag = k.name.rsplit(":", 1)
    old = _local_images().get(k.name)
    client().images.get(candidate).tag(repo, tag)
    client().images.remove(candidate)
    _record(k.name, revision(k))
    if old is not None:  # an older build of the same name: drop it unless something still uses it
        try:
            client().images.remove(old["Id"])
        except Exception:  # noqa: BLE001 - in use by a container or another image: leave it
            pass
    say(f"[kit] {k.name}: 준비 완료 ({source})")


def _check(ref: str, k: KitImage) -> str:
    with throwaway(ref, list(k.check), entrypoint=[], labels={KIT_LABEL: "check"}) as c:
        c.wait(timeout=60)
        return c.logs().decode("utf-8", "replace")


def _kit_labels(recipe: str, rev: str) -> dict[str, str]:
    return {KIT_LABEL: "built", f"{KIT_LABEL}.recipe": recipe, f"{KIT_LABEL}.revision": rev}


def _docker_build(path: Path, tag: str, recipe: str, rev: str) -> None:
    """Build a recipe; then remove the images a multi-stage build leaves untagged (its first stages),
    by the ids the build printed. The final image's own parents are kept (the engine refuses them)."""
    steps: list[str] = []

    def seen(event: dict) -> None:
        m = _STEP_ID.match(event.get("stream") or "")
        if m:
            steps.append(m.group(1))

    events = client().api.build(path=str(path), tag=tag, labels=_kit_labels(recipe, rev), rm=True, forcerm=True,
                                pull=False, decode=True)
    Progress(f"build {tag}", on_event=seen).feed(events)
    api = client().api
    for image_id in reversed(steps):
        try:
            if not api.inspect_image(image_id).get("RepoTags"):
                api.remove_image(image_id)
        except Exception:  # noqa: BLE001 - a parent of the result, or already gone with its child
            pass


_STEP_ID = re.compile(r"^ ---> ([0-9a-f]{12})\s*$")


def _debootstrap(tag: str, rev: str) -> str:
    """Debian bookworm from debootstrap on this (Debian/Ubuntu, root) host, then `docker import`."""
    if sys.platform != "linux" or os.geteuid() != 0:
        raise errors.KitError(
            "Debian 기본 이미지를 만들려면 Linux에서 root 권한으로 debootstrap을 실행해야 합니다.",
            hint="레지스트리에 연결된 곳에서 `python -m helpers kit`을 실행해 받아 두거나, "
                 "강사가 준비한 키트 파일을 `python -m helpers kit --load 파일`로 불러오세요.",
        )
    if not shutil.which("debootstrap"):
        if not shutil.which("apt-get"):
            raise errors.KitError("debootstrap이 없고 apt-get도 없어 설치할 수 없습니다.")
        subprocess.run(["apt-get", "install", "-y", "-qq", "debootstrap"], check=True,
                       stdout=subprocess.DEVNULL)
    version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "debootstrap"], capture_output=True,
                             text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="learn-docker-ko-debian-") as tmp:
        root = Path(tmp) / "rootfs"
        say("[kit] debootstrap --variant=minbase bookworm (약 30~60초)")
        run = subprocess.run(["debootstrap", "--variant=minbase", "bookworm", str(root)],
                             capture_output=True, text=True)
        if run.returncode != 0:
            raise errors.KitError("debootstrap이 실패했습니다 (Debian 미러에 연결되나요?).",
                                  cause=(run.stdout + run.stderr)[-400:])
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man",
                     "usr/share/info", "var/log", "var/cache/debconf"):
            target = root / junk
            if target.is_dir():
                for child in target.iterdir():
                    if child.is_dir() and not child.is_symlink():
                        if child.name != "partial":
                            shutil.rmtree(child, ignore_errors=True)
                    else:
                        child.unlink(missing_ok=True)
        # Like the Debian images Docker has long shipped: no service starts inside a build.
        policy = root / "usr/sbin/policy-rc.d"
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        tar_path = Path(tmp) / "rootfs.tar"
        subprocess.run(["tar", "-C", str(root), "--numeric-owner", "-cf", str(tar_path), "."], check=True)
        recipe = f"debootstrap {version} --variant=minbase bookworm"
        repo, t = tag.rsplit(":", 1)
        label_changes = [f'LABEL {k}="{v}"' for k, v in _kit_labels(recipe, rev).items()]
        out = client().api.import_image(src=str(tar_path), repository=repo, tag=t,
                                        changes=['CMD ["bash"]', *label_changes])
        if "error" in str(out).lower():
            raise errors.KitError("docker import가 실패했습니다.", cause=str(out)[:400])
    return recipe


def _busybox(tag: str, rev: str) -> str:
    """Fetch busybox-static's binary in a Debian container, then `FROM scratch` around it."""
    script = ("apt-get update -qq && apt-get install -y -qq --no-install-recommends busybox-static >/dev/null "
              "&& dpkg-query -W -f='${Version}' busybox-static > /busybox.version")
    with throwaway("debian:bookworm", ["sh", "-c", script], labels={KIT_LABEL: "fetch"}) as c:
        result = c.wait(timeout=600)
        if result.get("StatusCode") != 0:
            raise errors.KitError("컨테이너 안에서 busybox-static을 설치하지 못했습니다 (Debian 미러 연결?).",
                                  cause=c.logs().decode("utf-8", "replace")[-400:])
        files = {}
        for path in ("/bin/busybox", "/busybox.version"):
            stream, _ = c.get_archive(path)
            with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
                member = tar.getmembers()[0]
                files[path] = tar.extractfile(member).read()
    version = files["/busybox.version"].decode().strip()
    with tempfile.TemporaryDirectory(prefix="learn-docker-ko-busybox-") as tmp:
        shutil.copy(DOCKERFILES / "busybox" / "Dockerfile", tmp)
        binary = Path(tmp) / "busybox"
        binary.write_bytes(files["/bin/busybox"])
        binary.chmod(0o755)
        recipe = f"Debian busybox-static {version}"
        _docker_build(Path(tmp), tag, recipe, rev)
    return recipe
