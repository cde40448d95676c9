"""Image verbs: images, pull, push, tag, rmi, commit, build, history, search, login."""

from __future__ import annotations

from . import containers as _containers
from . import errors, ledger
from ._state import CHAPTER_LABEL, STATE, labels
from .command import echo
from .connection import client, friendly
from .containers import require_image
from .display import Progress, Table, ago, human_size, say


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
    c = _containers.container(container)
    flags = [f"--change={ch}" for ch in changes or []]
    echo("commit", flags, ["-m", message] if message else None, container,
         f"{repository}:{tag}" if tag else repository)
    all_changes = list(changes or []) + [f"LABEL {CHAPTER_LABEL}={chapter or STATE.chapter}"]
    img = c.commit(repository=repository, tag=tag or "latest", message=message, changes=all_changes)
    say(img.id)
    return img


@friendly(0)
def build(path: str, tag: str, *, dockerfile: str | None = None, chapter: str | None = None,
          buildargs: dict | None = None, on_event=None):
    """Build an image from a folder with a Dockerfile, showing each step. Similar to ``docker build -t``.

    The engine's classic builder does the work (docker-py has no BuildKit), so the line asks the CLI for
    the same builder (``DOCKER_BUILDKIT=0``) and its output looks the same (``Step 1/3 : ...``).
    ``on_event`` sees every decoded build event (the BuildProgress widget draws from them).
    Introduced in chapter 05.
    """
    from pathlib import Path

    echo("build", "-t", tag, ["-f", dockerfile] if dockerfile else None, str(path), env={"DOCKER_BUILDKIT": "0"})
    if not (Path(path) / (dockerfile or "Dockerfile")).is_file():
        raise errors.CourseError(f"'{path}'에 {dockerfile or 'Dockerfile'}이(가) 없습니다.",
                                 hint="Dockerfile이 들어 있는 폴더를 지정하세요.")
    events = client().api.build(path=str(path), tag=tag, dockerfile=dockerfile, labels=labels(chapter),
                                rm=True, forcerm=True, decode=True, buildargs=buildargs)
    progress = Progress(f"build {tag}", on_event=on_event).feed(events)
    say(progress.summary().replace("레이어", "단계") if progress.layers else f"{tag} 빌드 완료")
    return client().images.get(tag)


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
