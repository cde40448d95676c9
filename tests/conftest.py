"""Fixtures every test tier shares.

- ``engine`` (session): the course's docker client, made through ``helpers``. With no engine the
  test is skipped on a laptop but *fails* when ``CI=true`` (python-on-whales' ``--no-runtime-skip``).
  Every test marked ``engine`` gets that check automatically (through ``docker_engine``, so a module
  that defines its own ``engine`` fixture still cannot skip in CI).
- ``chapter`` (module): a label ``test-<module>`` the helpers put on what they create while the module
  runs; afterwards ``h.reset(label)`` removes it and the module must have left nothing behind.
- ``snapshot`` / ``session_snapshot``: what exists on the engine (ids of containers, images, volumes,
  networks and image names) now / when the session started — for the leak checks.
- ``restore_chapter``: for tests that switch ``h.use_chapter`` themselves.
- At the end of a session in which engine tests ran, a session finalizer checks that the session left
  nothing on the engine beyond the kit's images and what was there at the start (and, in CI, where the
  engine starts empty, nothing but the kit and the default networks). A leak fails the run.

The whole session writes the course ledger to a temporary ``LEARN_DOCKER_HOME``, never a learner's own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field

import pytest

SNAPSHOT_KEY = pytest.StashKey["EngineState | None"]()
HOME_KEY = pytest.StashKey[str]()
ENGINE_USED_KEY = pytest.StashKey[bool]()
DEFAULT_NETWORKS = {"bridge", "host", "none"}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


# Debian's chromium, driven by Playwright (no browser download): the learner lab's and the class server's browser tests
CHROMIUM = os.environ.get("LEARN_DOCKER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci():
            pytest.fail("playwright is not installed (tools/test.sh installs the dev extras)")
        pytest.skip("playwright is not installed: bash tools/setup.sh --dev")
    if not os.path.exists(CHROMIUM):
        if in_ci():
            pytest.fail(f"{CHROMIUM} is missing (tools/test.sh installs Debian's chromium as root)")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class EngineState:
    """What one look at the engine found: id -> readable description, per kind."""

    containers: dict[str, str] = field(default_factory=dict)
    images: dict[str, str] = field(default_factory=dict)
    image_tags: dict[str, set[str]] = field(default_factory=dict)
    tags: set[str] = field(default_factory=set)
    volumes: dict[str, str] = field(default_factory=dict)
    networks: dict[str, str] = field(default_factory=dict)

    KINDS = ("containers", "images", "tags", "volumes", "networks")

    @classmethod
    def take(cls, client) -> EngineState:
        from helpers._state import CHAPTER_LABEL

        api = client.api
        state = cls()
        for c in api.containers(all=True):
            name = (c.get("Names") or ["?"])[0].lstrip("/")
            label = (c.get("Labels") or {}).get(CHAPTER_LABEL, "-")
            state.containers[c["Id"]] = f"{name} ({c.get('Image')}, {c.get('State')}, chapter={label})"
        for img in api.images():
            tags = [t for t in img.get("RepoTags") or [] if t != "<none>:<none>"]
            label = (img.get("Labels") or {}).get(CHAPTER_LABEL, "-")
            state.images[img["Id"]] = f"{', '.join(tags) or '<none>'} (chapter={label})"
            state.image_tags[img["Id"]] = set(tags)
            state.tags.update(tags)
        for v in api.volumes().get("Volumes") or []:
            state.volumes[v["Name"]] = f"{v['Name'][:20]} (labels={v.get('Labels') or {}})"
        for n in api.networks():
            state.networks[n["Id"]] = n["Name"]
        return state

    def minus(self, before: EngineState, *, keep_tags: set[str] = frozenset()) -> dict[str, list[str]]:
        """What is here but was not in ``before``; images all of whose names are in ``keep_tags`` (the kit,
        possibly rebuilt meanwhile) and those names themselves are not counted."""
        new: dict[str, list[str]] = {}
        for kind in self.KINDS:
            now, then = getattr(self, kind), getattr(before, kind)
            if kind == "tags":
                extra = sorted(t for t in now - then if t not in keep_tags)
            elif kind == "images":
                extra = [desc for iid, desc in now.items() if iid not in then
                         and not (self.image_tags[iid] and self.image_tags[iid] <= keep_tags)]
            else:
                extra = [desc for key, desc in now.items() if key not in then]
            if extra:
                new[kind] = extra
        return new


def _raw_client():
    """A docker client of our own (not the helpers' cached one), or None when no engine answers."""
    try:
        import docker

        from helpers import connection

        for base_url, _source in connection.candidates():
            try:
                c = docker.DockerClient(base_url=base_url, version="auto", timeout=30)
                c.ping()
                return c
            except Exception:  # noqa: BLE001 - try the next candidate
                continue
    except ImportError:
        pass
    return None


def pytest_configure(config):
    # The ledger of image names the course adds goes to a temp folder for the whole session.
    home = tempfile.mkdtemp(prefix="learn-docker-ko-test-home-")
    config.stash[HOME_KEY] = home
    os.environ["LEARN_DOCKER_HOME"] = home


def pytest_unconfigure(config):
    home = config.stash.get(HOME_KEY, None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


def pytest_sessionstart(session):
    """Remember what was on the engine before any test ran (the leak test compares against it)."""
    client = _raw_client()
    state = None
    if client is not None:
        try:
            state = EngineState.take(client)
        finally:
            client.close()
    session.config.stash[SNAPSHOT_KEY] = state


@pytest.fixture(scope="session")
def docker_engine():
    """The course's docker client (``h.client()``); skip without an engine, fail in CI."""
    import helpers as h

    try:
        with h.quiet():
            return h.client()
    except h.CourseError as exc:
        if in_ci():
            pytest.fail(f"CI=true인데 Docker 엔진에 연결할 수 없습니다 (엔진 테스트는 건너뛸 수 없음): {exc}",
                        pytrace=False)
        pytest.skip(f"Docker 엔진이 없어 건너뜁니다: {exc.message}")


@pytest.fixture(scope="session")
def engine(docker_engine):
    """The docker client engine tests use (a module may override this name; the CI rule still holds)."""
    return docker_engine


@pytest.fixture(autouse=True)
def _engine_for_marked_tests(request):
    if request.node.get_closest_marker("engine"):
        request.config.stash[ENGINE_USED_KEY] = True
        request.getfixturevalue("docker_engine")


def leaks(before: EngineState, now: EngineState, course_left: dict[str, list[str]], *, ci: bool) -> list[str]:
    """What a session left behind, as readable lines (empty when clean)."""
    from helpers import kit

    kit_names = set(kit.names())
    problems = [f"{kind}: {items}" for kind, items in now.minus(before, keep_tags=kit_names).items()]
    existed = set(before.containers) | set(before.images) | set(before.volumes) | set(before.networks) | before.tags
    new_course = {k: [x for x in v if x not in existed] for k, v in course_left.items()}
    problems += [f"course-labelled {k}: {v}" for k, v in new_course.items() if v]
    if ci:
        if now.containers:
            problems.append(f"CI: containers remain: {list(now.containers.values())}")
        if now.tags - kit_names:
            problems.append(f"CI: image names beyond the kit: {sorted(now.tags - kit_names)}")
        if not all(tags and tags <= kit_names for tags in now.image_tags.values()):
            problems.append(f"CI: images beyond the kit: {list(now.images.values())}")
        if set(now.networks.values()) - DEFAULT_NETWORKS:
            problems.append(f"CI: networks beyond the defaults: {sorted(set(now.networks.values()) - DEFAULT_NETWORKS)}")
        if now.volumes:
            problems.append(f"CI: volumes remain: {list(now.volumes)}")
    return problems


@pytest.fixture(scope="session", autouse=True)
def _session_leaves_the_engine_clean(request):
    """Session finalizer: after the last test, the engine holds only what it held before (plus the kit)."""
    yield
    before = request.config.stash.get(SNAPSHOT_KEY, None)
    if before is None or not request.config.stash.get(ENGINE_USED_KEY, False):
        return
    import helpers as h

    client = _raw_client()
    if client is None:
        return
    try:
        now = EngineState.take(client)
    finally:
        client.close()
    with h.quiet():
        course_left = h.leftovers()
    problems = leaks(before, now, course_left, ci=in_ci())
    assert not problems, "the test session left these on the engine:\n  " + "\n  ".join(problems)


@pytest.fixture(scope="module")
def chapter(request, engine):
    """A label of this module's own; everything it labelled is removed afterwards, and must be."""
    import helpers as h
    from helpers._state import STATE

    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    label = f"test-{module}"
    before = STATE.chapter
    h.use_chapter(label)
    yield label
    STATE.chapter = before
    with h.quiet():
        h.reset(label, verbose=False)
        left = h.leftovers(label)
    assert not any(left.values()), f"{label}: reset 뒤에도 남은 것: {left}"


@pytest.fixture(scope="session")
def snapshot(engine):
    """``snapshot()`` -> :class:`EngineState` of the engine right now."""
    return lambda: EngineState.take(engine)


@pytest.fixture(scope="session")
def session_snapshot(request, engine):
    """The engine as it was when the session started (taken now if the start hook could not)."""
    state = request.config.stash.get(SNAPSHOT_KEY, None)
    return state if state is not None else EngineState.take(engine)


@pytest.fixture
def restore_chapter():
    """For tests that call ``h.use_chapter`` / ``h.preflight(chapter)`` themselves."""
    from helpers._state import STATE

    before = STATE.chapter
    yield
    STATE.chapter = before
