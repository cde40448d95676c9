"""One sitting of an exercise: the locked first cell calls :func:`start`, which clears what the exercise
reserves, records the engine's clock, and returns the :class:`Run` that ``made_in_this_run`` compares against.

Objects the helpers create from then on carry the label ``ex<chapter>``. Introduced with the chapter 02 exercise.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import ledger
from .._state import CHAPTER_LABEL, labels, use_chapter
from ..cleanup import reset
from ..compose_projects import recorded_projects, remove_project
from ..connection import client
from ..containers import argv_of
from ..display import quiet, state_ko
from ..images import normalize, split_ref
from ..kit import registry as course_registry
from .clock import clock, engine_time


@dataclass
class Run:
    """One sitting of an exercise: its label, the names it reserves, and when it started."""

    chapter: str
    label: str
    started: dt.datetime
    containers: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    prepared: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        lines = [f"실습 {self.chapter} 준비 완료 (엔진 시각 {clock(self.started)} 이후에 만든 것만 채점합니다)"]
        if self.prepared:
            lines.append("미리 만들어 둔 것: " + ", ".join(self.prepared))
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(repr(self))

    def _mark(self, what: str) -> None:
        self.prepared.append(what)
        self.started = engine_time()  # prepared objects predate the learner's work

    def prepare_container(self, name: str, image: str, command=None, *, state: str = "created",
                          files: dict[str, str] | None = None, **options):
        """Leave a container for the learner to work on: ``created`` (never started, the cheapest),
        ``exited`` (ran and finished), ``running``, or ``started``: started and left to whatever comes next, even a
        start the engine refuses or a restart loop (chapter 12's containers that will not stay up).

        ``files`` (``{"/etc/app/app.conf.example": "PORT=8080\\n"}``) are put in it before it starts;
        ``options`` are docker-py's create options (``restart_policy={"Name": "on-failure"}`` ...).
        """
        import docker.errors as de

        argv = argv_of(command)
        c = client().containers.create(image, argv, name=name, labels=labels(self.label), **options)
        if files:
            client().api.put_archive(c.id, "/", _tar(files))
        if state in ("exited", "running", "started"):
            try:
                c.start()
            except de.APIError:
                if state != "started":
                    raise
        if state == "exited":
            c.wait(timeout=30)
        self._remember(self.containers, name)
        self._mark(f"컨테이너 {name}({'시작해 둠' if state == 'started' else state_ko(state)})")
        return c

    def prepare_tag(self, source: str, target: str):
        """Give a kit image an extra name for the learner to remove."""
        repo, tag = split_ref(target)
        client().images.get(source).tag(repo, tag)
        self._remember(self.images, f"{repo}:{tag}")
        self._mark(f"이미지 이름 {repo}:{tag}")

    def publish(self, source: str, *targets: str, changes: list[str] | None = None) -> list[str]:
        """Put ``source`` in the course registry as each ``target`` (``repo:tag``, no address) and
        keep no local copy of those names, so the learner has to pull them.

        With ``changes`` (Dockerfile lines such as ``ENV CHAPTER=4``) a variant of ``source`` is
        committed and published once; later runs reuse what the registry already holds.
        """
        api = client().api
        wanted = [split_ref(t) for t in targets]
        image_id = client().images.get(source).id
        variant = None
        if changes:
            if all(course_registry.manifest_config(repo, tag) for repo, tag in wanted):
                self._mark("레지스트리 " + ", ".join(f"{r}:{t}" for r, t in wanted))
                return [f"{course_registry.address()}/{r}:{t}" for r, t in wanted]
            cid = api.create_container(image_id, labels=labels(self.label))["Id"]
            try:
                variant = image_id = api.commit(cid, changes=changes)["Id"]
            finally:
                api.remove_container(cid, force=True)
        todo = [(f"{course_registry.address()}/{repo}", tag) for repo, tag in wanted
                if variant or course_registry.manifest_config(repo, tag) != image_id]
        try:
            for remote, tag in todo:
                api.tag(image_id, remote, tag)
            for remote, tag in todo:
                course_registry.push_quietly(remote, tag)
        finally:
            for remote, tag in todo:
                _remove_ref(f"{remote}:{tag}")
            if variant:
                _remove_ref(variant)
        refs = [f"{course_registry.address()}/{repo}:{tag}" for repo, tag in wanted]
        self._mark("레지스트리 " + ", ".join(f"{r}:{t}" for r, t in wanted))
        return refs

    @staticmethod
    def _remember(names: list[str], name: str) -> None:
        if name not in names:
            names.append(name)


def _tar(files: dict[str, str]) -> bytes:
    """A tar of ``{absolute path: text}`` (with its folders), as ``put_archive`` takes it at ``/``."""
    import io
    import posixpath
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        folders = sorted({posixpath.dirname(p).strip("/") for p in files} - {""})
        for folder in folders:
            parts = folder.split("/")
            for i in range(1, len(parts) + 1):
                sub = "/".join(parts[:i])
                if sub not in tar.getnames():
                    info = tarfile.TarInfo(sub)
                    info.type, info.mode = tarfile.DIRTYPE, 0o755
                    tar.addfile(info)
        for path, text in files.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(path.strip("/"))
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def start(chapter: str, *, containers: Iterable[str] = (), images: Iterable[str] = (), volumes: Iterable[str] = (),
          registry: bool = False, projects: Iterable[str] = (), networks: Iterable[str] = ()) -> Run:
    """Begin an exercise: silence warnings, remove the names it reserves (containers, image names,
    volumes, Compose projects, networks) and what its label made, start the course registry if asked, and record the engine's clock.

    Objects the helpers create from here on carry the label ``ex<chapter>`` (not the chapter
    notebook's label), so starting an exercise never touches the chapter notebook's work.
    """
    warnings.simplefilter("ignore")
    chapter = str(chapter)
    label = f"ex{chapter}"
    use_chapter(label)
    run = Run(chapter, label, dt.datetime.now(dt.timezone.utc), list(containers), [normalize(r) for r in images],
              volumes=list(volumes))
    clear(containers=run.containers, images=run.images, volumes=run.volumes, label=label, projects=projects,
          networks=networks)
    if registry and not course_registry.running():
        with quiet():
            course_registry.start(chapter="registry")
    run.started = engine_time()
    return run


def clear(*, containers: Iterable[str] = (), images: Iterable[str] = (), volumes: Iterable[str] = (),
          label: str | None = None, projects: Iterable[str] = (), networks: Iterable[str] = ()) -> None:
    """Remove exactly these containers (by name), image names and volumes (by name), the containers made
    from those images or mounting those volumes, the Compose ``projects`` (by Compose's label, as
    ``docker compose -p NAME down -v --rmi local``), and everything carrying ``label``. Prints nothing."""
    import docker.errors as de

    api = client().api
    for project in projects:
        remove_project(project)
    images = [normalize(r) for r in images]
    volumes = list(volumes)
    doomed = set(containers)
    for name in volumes:  # a container that mounts a volume, even a stopped one, keeps it from removal
        doomed |= {c["Id"] for c in api.containers(all=True, filters={"volume": name})}
    for ref in images:
        try:
            found = api.inspect_image(ref)
        except de.NotFound:
            continue
        # Containers made from the image go too, but only when every name of that image is being
        # removed (an exercise's own image); a second name on a shared image (busybox:1.35 tagged
        # ex02-old-image:1.0) is only untagged, and nobody else's busybox container is touched.
        if {normalize(t) for t in found.get("RepoTags") or []} <= set(images):
            doomed |= {c["Id"] for c in api.containers(all=True, filters={"ancestor": found["Id"]})
                       if c.get("ImageID") == found["Id"]}
    for cid in doomed:
        try:
            api.remove_container(cid, force=True, v=True)
        except de.NotFound:
            pass
    for ref in images:
        _remove_ref(ref)
    for name in volumes:
        try:
            api.remove_volume(name, force=True)
        except de.APIError:
            pass  # gone already, or still in use by a container this exercise does not own
    for name in networks:  # by exact name; whoever is still on it is disconnected first
        _remove_network(name)
    if label and _labelled(label):
        with quiet():
            reset(label, verbose=False)


def _remove_network(name: str) -> None:
    import docker.errors as de

    api = client().api
    for found in api.networks(names=[name]):
        if found.get("Name") != name:
            continue  # the engine's name filter also matches longer names
        try:
            for cid in (api.inspect_network(found["Id"]).get("Containers") or {}):
                api.disconnect_container_from_network(cid, found["Id"], force=True)
            api.remove_network(found["Id"])
        except de.APIError:
            pass  # gone already


def _labelled(label: str) -> bool:
    """Does anything carry the course label ``label`` (or a name the course added under it)? Two quick
    list calls, so that a clean engine skips the full ``reset`` sweep."""
    api = client().api
    f = {"label": f"{CHAPTER_LABEL}={label}"}
    return bool(ledger.refs(label) or recorded_projects(label) or api.containers(all=True, filters=f) or api.images(filters=f)
                or (api.volumes(filters=f).get("Volumes")) or api.networks(filters=f))


def _remove_ref(ref: str) -> None:
    import docker.errors as de

    api = client().api
    try:
        api.remove_image(ref)
    except de.NotFound:
        pass
    except de.APIError:
        try:
            api.remove_image(ref, force=True)
        except de.APIError:
            pass
