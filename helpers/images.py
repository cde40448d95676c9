"""Image verbs: images, pull, push, tag, rmi, commit, build, history, search, login."""

from __future__ import annotations

import re

from . import errors, ledger
from ._state import CHAPTER_LABEL, STATE, labels
from .command import echo
from .connection import client, friendly
from .display import Progress, Table, ago, human_size, say
from .engine import container as _container
from .engine import require_image


def split_ref(ref: str) -> tuple[str, str]:
    """'127.0.0.1:5050/a/b:1' -> ('127.0.0.1:5050/a/b', '1'); no tag -> 'latest'."""
    from docker.utils import parse_repository_tag

    repo, tag = parse_repository_tag(ref)
    return repo, tag or "latest"


def normalize(ref: str) -> str:
    """'busybox' -> 'busybox:latest'; 'docker.io/library/x:1' -> 'x:1'; ids and digests unchanged."""
    if "@" in ref or ref.startswith("sha256:"):
        return ref
    repo, tag = split_ref(ref)
    for prefix in ("docker.io/library/", "docker.io/", "library/"):
        if repo.startswith(prefix):
            repo = repo[len(prefix):]
            break
    return f"{repo}:{tag}"


def find(ref: str):
    """The local ``Image`` called ``ref`` (name or id), or ``None``."""
    import docker.errors as de

    try:
        return client().images.get(ref)
    except (de.ImageNotFound, de.NotFound):
        return None


def _image_rows(raw: list[dict]) -> tuple[list, list]:
    items, rows = [], []
    for r in raw:
        r = dict(r)
        r.setdefault("Config", {"Labels": r.get("Labels") or {}})
        items.append(client().images.prepare_model(r))
        for tag in r.get("RepoTags") or ["<none>:<none>"]:
            repo, _, t = tag.rpartition(":")
            rows.append([repo, t, r["Id"].split(":")[1][:12], ago(r.get("Created")), human_size(r.get("Size", 0))])
    return items, rows


@friendly()
def images(name: str | None = None) -> Table:
    """List local images, or only those of repository ``name``. Similar to ``docker images [NAME]``.

    Returns a list of ``Image`` objects that prints like the CLI table. Introduced in chapter 02.
    """
    echo("images", name)
    raw = client().api.images(name=name)
    items, rows = _image_rows(raw)
    return Table(items, ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"], rows)


def image(ref: str):
    """Return the local ``Image`` object for a name or id (raises ImageNotFound)."""
    return require_image(ref)


@friendly(0)
def pull(ref: str, *, chapter: str | None = None, on_event=None, implicit: bool = False):
    """Download an image from its registry, showing each layer. Similar to ``docker pull``.

    Without a tag, ``latest`` is pulled, like the CLI. Raises RegistryUnavailable when the
    registry cannot be reached (the course then uses its offline kit). ``on_event`` sees every
    decoded progress event (the PullProgress widget draws its bars from them). ``implicit``: the pull
    ``docker run`` makes by itself (no ``$ docker pull`` line of its own). Introduced in chapter 02.
    """
    repo, tag = split_ref(ref)
    if not implicit:
        echo("pull", ref)
    existed = find(f"{repo}:{tag}") is not None
    try:
        events = client().api.pull(repo, tag=tag, stream=True, decode=True)
        progress = Progress(f"{repo}:{tag}", on_event=on_event).feed(events)
    except errors.StreamError as exc:
        raise _pull_error(ref, exc.cause or "") from exc
    except Exception as exc:
        import docker.errors as de

        if isinstance(exc, de.APIError):
            raise _pull_error(ref, str(exc)) from exc
        raise
    if not existed:
        ledger.record(f"{repo}:{tag}", chapter)
    say(progress.summary())
    return client().images.get(f"{repo}:{tag}")


def _pull_error(ref: str, text: str) -> errors.CourseError:
    from .kit import hint_for, registry

    if ref.startswith(registry.address() + "/") and not registry.running():
        return errors.RegistryUnavailable(f"과정 레지스트리({registry.address()})가 꺼져 있습니다.",
                                          hint="`h.registry.start()`로 먼저 띄우세요.", cause=text)

    low = text.lower()
    if ref.startswith(registry.address() + "/") and ("manifest unknown" in low or "not found" in low):
        repo = split_ref(ref)[0].split("/", 1)[1]
        return errors.ImageNotFound(f"과정 레지스트리에 '{ref}'이(가) 없습니다.",
                                    hint=f"`h.registry.tags('{repo}')`로 있는 태그를 확인하세요 "
                                         "(태그를 빼면 latest를 찾습니다).", cause=text)
    if "manifest unknown" in low or "not found" in low or "does not exist" in low:
        return errors.ImageNotFound(f"레지스트리에 '{ref}'이(가) 없습니다.",
                                    hint="이름과 태그를 확인하세요. " + hint_for(ref), cause=text)
    err = errors.translate(Exception(text), what=ref)
    if isinstance(err, errors.RegistryUnavailable):
        err.message = f"'{ref}'을(를) 받을 레지스트리에 연결할 수 없습니다."
        err.hint = hint_for(ref)
    return err


@friendly(0)
def tag(source: str, target: str, *, chapter: str | None = None):
    """Give an image another name. Similar to ``docker tag SOURCE TARGET``. Introduced in chapter 05."""
    echo("tag", source, target)
    img = image(source)
    repo, t = split_ref(target)
    try:
        img.tag(repo, t)
    except Exception as exc:
        raise errors.translate(exc, what=target) from exc
    ledger.record(f"{repo}:{t}", chapter)
    return client().images.get(f"{repo}:{t}")


@friendly(0)
def push(ref: str) -> list[str]:
    """Upload an image to the registry its name points at. Similar to ``docker push``.

    Returns the per-layer lines. Introduced in chapter 05.
    """
    repo, t = split_ref(ref)
    echo("push", ref)
    image(f"{repo}:{t}")
    try:
        events = client().api.push(repo, tag=t, stream=True, decode=True)
        progress = Progress(f"{repo}:{t}").feed(events)
    except errors.StreamError as exc:
        err = errors.translate(Exception(exc.cause or ""), what=ref)
        if not isinstance(err, errors.RegistryUnavailable):
            err = exc
        raise err from exc
    say(progress.summary())
    return progress.lines


@friendly(0)
def rmi(ref: str, force: bool = False) -> list[str]:
    """Remove an image name (and the image when it was its last name). Similar to ``docker rmi``.

    Introduced in chapter 02.
    """
    echo("rmi", "-f" if force else None, ref)
    image(ref)
    result = client().api.remove_image(ref, force=force)
    lines = [f"{k}: {v}" for item in result or [] for k, v in item.items()]
    for line in lines:
        say(line)
    ledger.forget(ref if ":" in ref.rsplit("/", 1)[-1] else f"{ref}:latest")
    return lines


@friendly(0)
def commit(container: str, repository: str, tag: str | None = None, *, message: str | None = None,
           changes: list[str] | None = None, chapter: str | None = None):
    """Save a container's current filesystem as a new image. Similar to ``docker commit``.

    ``changes`` takes Dockerfile lines such as ``'CMD ["git", "--version"]'``.
    Introduced in chapter 05.
    """
    c = _container(container)
    flags = [f"--change={ch}" for ch in changes or []]
    echo("commit", flags, ["-m", message] if message else None, container,
         f"{repository}:{tag}" if tag else repository)
    all_changes = list(changes or []) + [f"LABEL {CHAPTER_LABEL}={chapter or STATE.chapter}"]
    img = c.commit(repository=repository, tag=tag or "latest", message=message, changes=all_changes)
    say(img.id)
    return img


_ANNOUNCED_LEGACY: set[str] = set()


@friendly(0)
def build(path: str, tag: str, *, dockerfile: str | None = None, chapter: str | None = None,
          buildargs: dict | None = None, target: str | None = None, secrets: dict | None = None,
          no_cache: bool = False, on_event=None):
    """Build an image from a folder with a Dockerfile, showing each step. Similar to ``docker build -t``.

    With BuildKit (the docker CLI with its buildx plugin, as on every current Docker) the course runs
    ``docker build --progress=plain`` and shows what BuildKit prints: the context it transfers, one ``#n``
    block per step, ``CACHED`` for a step the build cache answered (:mod:`helpers.building`). ``target``
    builds up to one stage, ``secrets`` (``{"id": "file"}``) lends a file to ``RUN --mount=type=secret``.
    Without buildx, the engine's classic builder does the work (``DOCKER_BUILDKIT=0``, said once): first how
    much of the folder is sent (``Sending build context to Docker daemon``), then ``Step 1/3 : ...`` and
    ``---> Using cache``; its earlier stages stay behind as untagged images, recorded in the ledger so that
    ``h.reset`` removes them with the chapter. ``on_event`` sees every event (``{"stream": line}``).
    Introduced in chapter 05; BuildKit's features in chapter 06.
    """
    from pathlib import Path

    from .building import run_build, snapshot_race

    if not (Path(path) / (dockerfile or "Dockerfile")).is_file():
        raise errors.CourseError(f"'{path}'에 {dockerfile or 'Dockerfile'}이(가) 없습니다.",
                                 hint="Dockerfile이 들어 있는 폴더를 지정하세요.")
    cmd, builder = build_line(path, tag, dockerfile=dockerfile, chapter=chapter, buildargs=buildargs, target=target,
                              secrets=secrets, no_cache=no_cache)
    legacy = builder.kind == "legacy"
    if legacy and secrets:
        raise errors.FeatureMissing("예전 빌더에서는 빌드 비밀(--secret, RUN --mount=type=secret)을 쓸 수 없습니다.",
                                    hint=f"BuildKit 클라이언트(docker buildx)가 있는 Docker에서 다시 실행하세요. "
                                         f"지금: {builder.describe()}")
    if not legacy:
        cmd.echo()
        try:
            run_build(cmd, builder, tag, on_event=on_event)
        except errors.StreamError as err:
            if not snapshot_race(err.cause or ""):
                raise
            # the containerd store's intermittent unpack bug: the same build once more, shown as such
            say("(엔진이 레이어 스냅숏을 잃는 알려진 일시적 문제로 빌드가 멈췄습니다(moby/buildkit#6521). "
                "같은 명령으로 한 번 더 빌드합니다.)")
            cmd.echo()
            run_build(cmd, builder, tag, on_event=on_event)
        return client().images.get(tag)
    if builder.reason not in _ANNOUNCED_LEGACY and not builder.deliberate:
        _ANNOUNCED_LEGACY.add(builder.reason)
        say(f"(BuildKit 대신 엔진의 예전 빌더로 빌드합니다: {builder.reason}. 출력 모양이 최신 Docker와 다릅니다.)")
    cmd.echo()
    return _legacy_build(path, tag, dockerfile, chapter, buildargs, target, no_cache, on_event)


def build_line(path, tag: str, *, dockerfile: str | None = None, chapter: str | None = None,
               buildargs: dict | None = None, target: str | None = None, secrets: dict | None = None,
               no_cache: bool = False):
    """(the ``docker build`` line :func:`build` runs and prints for these arguments, the builder in use): with
    the chapter's label, as the course labels everything it makes."""
    from .building import build_command, find_builder

    builder = find_builder()
    cmd = build_command(path, tag, dockerfile=dockerfile, buildargs=buildargs, target=target, secrets=secrets,
                        no_cache=no_cache, legacy=builder.kind == "legacy")
    cmd[-1:-1] = ["--label", f"{CHAPTER_LABEL}={chapter or STATE.chapter}"]
    return cmd, builder


def _legacy_build(path, tag, dockerfile, chapter, buildargs, target, no_cache, on_event):
    """The classic builder through the SDK, as ``DOCKER_BUILDKIT=0 docker build`` does it."""
    context, dockerfile_name = build_context(path, dockerfile)
    stages = _Stages()

    def seen(event: dict) -> None:
        stages.feed(event)
        if on_event:
            on_event(event)

    finished = False
    try:
        say(f"Sending build context to Docker daemon  {cli_size(context.seek(0, 2))}")
        context.seek(0)
        # the context is the one docker-py would make from ``path`` (which it then ignores)
        events = client().api.build(path=str(path), fileobj=context, custom_context=True, dockerfile=dockerfile_name,
                                    tag=tag, labels=labels(chapter), rm=True, forcerm=True, decode=True,
                                    buildargs=buildargs, target=target, nocache=no_cache)
        progress = Progress(f"build {tag}", on_event=seen).feed(events)
        finished = True
    finally:
        context.close()
        for image_id in stages.left_behind(finished):
            ledger.record(image_id, chapter)
    say(progress.summary().replace("레이어", "단계") if progress.layers else f"{tag} 빌드 완료")
    return client().images.get(tag)


def build_context(path, dockerfile: str | None = None):
    """The build context of the folder ``path`` as docker-py sends it: an uncompressed tar of the folder less
    what its ``.dockerignore`` excludes. Returns (open file, the Dockerfile's name inside it or None)."""
    import os

    from docker.api.build import process_dockerfile
    from docker.utils import tar

    path = str(path)
    exclude = None
    ignore = os.path.join(path, ".dockerignore")
    if os.path.exists(ignore):
        with open(ignore, encoding="utf-8") as f:
            exclude = [line.strip() for line in f.read().splitlines() if line.strip() and not line.strip().startswith("#")]
    name_and_text = process_dockerfile(dockerfile, path)
    return tar(path, exclude=exclude, dockerfile=name_and_text), name_and_text[0]


def cli_size(size: float) -> str:
    """A byte count as the docker CLI prints it (go-units ``HumanSize``): 2048 -> '2.048kB', 31457280 -> '31.46MB'."""
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.4g}{unit}"
        size /= 1000
    return f"{size:.4g}TB"


class _Stages:
    """Follows a classic build's stream (``Step n/N : FROM ...``, `` ---> <id>``) to find the images that stay
    behind untagged: the last image of every earlier stage, and of the stage that failed."""

    _FROM = re.compile(r"^Step \d+/\d+ : FROM\s", re.IGNORECASE)
    _ID = re.compile(r"^ ---> ([0-9a-f]{12})$")

    def __init__(self):
        self.base: str | None = None  # the image the current stage starts from
        self.last: str | None = None  # the current stage's newest image
        self.ended: list[str] = []

    def feed(self, event: dict) -> None:
        text = (event.get("stream") or "").rstrip("\n")
        if self._FROM.match(text):
            self._end_stage()
            self.base = self.last = None
        m = self._ID.match(text)
        if m:
            self.base = self.base or m.group(1)
            self.last = m.group(1)

    def _end_stage(self) -> None:
        if self.last and self.last != self.base:  # a stage of FROM alone is its base image (the kit's): never
            self.ended.append(self.last)

    def left_behind(self, finished: bool) -> list[str]:
        """Full IDs of the images a build left untagged (``finished``: the last stage is the tagged image)."""
        import docker.errors as de

        if not finished:
            self._end_stage()
        found = []
        for short in self.ended:
            try:
                found.append(client().images.get(short).id)
            except de.APIError:  # ImageNotFound is one
                pass
        return found


@friendly(0)
def history(ref: str) -> Table:
    """List the layers an image is made of, newest first. Similar to ``docker history``.

    Introduced in chapter 05.
    """
    echo("history", ref)
    img = image(ref)
    layers = img.history()
    rows = []
    for layer in layers:
        created_by = (layer.get("CreatedBy") or "").replace("/bin/sh -c #(nop) ", "").strip()
        rows.append([(layer.get("Id") or "<missing>").replace("sha256:", "")[:12], ago(layer.get("Created")),
                     created_by[:60], human_size(layer.get("Size", 0))])
    return Table(layers, ["IMAGE", "CREATED", "CREATED BY", "SIZE"], rows)


@friendly(0)
def search(term: str, limit: int = 10) -> Table:
    """Search Docker Hub for images. Similar to ``docker search``.

    Like the CLI, only Docker Hub is searched (a registry like the course's has no search). Offline
    this raises RegistryUnavailable; the course registry's own list is ``h.registry.search(term)``.
    Introduced in chapter 02.
    """
    echo("search", ["--limit", str(limit)] if limit != 25 else None, term)
    try:
        results = client().api.search(term, limit=limit)
    except Exception as exc:
        err = errors.translate(exc, what=term)
        if not isinstance(err, errors.DockerNotRunning):
            err = errors.RegistryUnavailable(
                "Docker Hub에 연결할 수 없어 검색하지 못했습니다 (docker search는 Docker Hub만 찾습니다).",
                hint="폐쇄망이라면 과정 레지스트리의 목록을 보세요: `h.registry.search('" + term + "')` "
                     "(레지스트리 API의 /v2/_catalog).", cause=str(exc))
        raise err from exc
    rows = [[r["name"], (r.get("description") or "")[:45], r.get("star_count", 0),
             "[OK]" if r.get("is_official") else ""] for r in results]
    return Table(results, ["NAME", "DESCRIPTION", "STARS", "OFFICIAL"], rows)


@friendly()
def login(username: str = "learner", password: str = "learner", registry: str | None = None) -> dict:
    """Log in to a registry (Docker Hub when ``registry`` is None). Similar to ``docker login``.

    The course's local registry needs no account, so any name is accepted there.
    Introduced in chapter 05.
    """
    echo("login", ["-u", username], "--password-stdin", registry)
    try:
        result = client().login(username=username, password=password, registry=registry, reauth=True)
    except Exception as exc:
        err = errors.translate(exc, what=registry or "Docker Hub")
        if registry is None and not isinstance(err, errors.DockerNotRunning):
            err = errors.RegistryUnavailable(
                "Docker Hub에 로그인할 수 없습니다.",
                hint="폐쇄망이거나 계정 정보가 틀렸습니다. 이 과정의 push 실습은 로컬 레지스트리로 합니다.",
                cause=str(exc),
            )
        raise err from exc
    say(result.get("Status", "Login Succeeded"))
    return result
