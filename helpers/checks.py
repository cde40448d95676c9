"""Graded checks over the real engine, for the nbgrader exercises (``h.checks``).

Every check reads the engine by name, tag, state, ports, Cmd and files (never by the course's
labels), so it grades the same whether the learner used ``helpers`` or the plain docker SDK.
A check returns ``True`` (or the value it was asked to find) or raises :class:`CheckFailed`
with a Korean "무엇이 다른지: 기대 X, 실제 Y" and a hint. Checks print nothing: any stderr in a
graded cell costs the learner the cell.

The locked first cell of an exercise calls :func:`start`, which clears what the exercise
reserves, records the engine's clock, and returns the :class:`Run` that
:func:`made_in_this_run` compares against. Introduced with the chapter 02 exercise.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shlex
import tarfile
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import errors
from . import registry as course_registry
from ._state import labels, use_chapter
from .connection import client
from .display import quiet

CheckFailed = errors.CheckFailed

STATE_NAMES = {
    "running": "실행 중(running)",
    "exited": "멈춤(exited)",
    "created": "만들기만 함(created)",
    "paused": "일시 정지(paused)",
    "restarting": "재시작 중(restarting)",
    "dead": "죽음(dead)",
}
_STATE_ALIASES = {"stopped": "exited", "up": "running"}


# ---------------------------------------------------------------- failure text

def fail(what: str, expected: object, actual: object, hint: str = "") -> None:
    """Raise the graded failure: what the task asks, then 기대/실제, then a hint."""
    raise CheckFailed(f"{what}\n  무엇이 다른지: 기대 {expected}, 실제 {actual}", hint=hint)


def _show(value: object, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- engine clock

_TIME_RE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$")


def parse_time(text: str) -> dt.datetime:
    """Engine timestamps ('...T17:52:34.122992806Z', nanoseconds, any offset) -> aware datetime."""
    m = _TIME_RE.match(text.strip())
    if not m:
        raise ValueError(f"not an engine timestamp: {text!r}")
    base, frac, zone = m.groups()
    micro = (frac or ".0")[1:7].ljust(6, "0")
    offset = "+00:00" if zone in (None, "Z") else zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    return dt.datetime.fromisoformat(f"{base}.{micro}{offset}").astimezone(dt.timezone.utc)


def engine_time() -> dt.datetime:
    """The engine's clock now (containers and images are stamped with it, not with ours)."""
    return parse_time(client().info()["SystemTime"])


def _clock(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%H:%M:%S.%f")[:-3] + " UTC"


# ---------------------------------------------------------------- the exercise run

@dataclass
class Run:
    """One sitting of an exercise: its label, the names it reserves, and when it started."""

    chapter: str
    label: str
    started: dt.datetime
    containers: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    prepared: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        lines = [f"실습 {self.chapter} 준비 완료 (엔진 시각 {_clock(self.started)} 이후에 만든 것만 채점합니다)"]
        if self.prepared:
            lines.append("미리 만들어 둔 것: " + ", ".join(self.prepared))
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(repr(self))

    def _mark(self, what: str) -> None:
        self.prepared.append(what)
        self.started = engine_time()  # prepared objects predate the learner's work

    def prepare_container(self, name: str, image: str, command=None, *, state: str = "created"):
        """Leave a container for the learner to work on: ``created`` (never started, the cheapest),
        ``exited`` (ran and finished) or ``running``."""
        argv = shlex.split(command) if isinstance(command, str) else command
        c = client().containers.create(image, argv, name=name, labels=labels(self.label))
        if state in ("exited", "running"):
            c.start()
        if state == "exited":
            c.wait(timeout=30)
        self._remember(self.containers, name)
        self._mark(f"컨테이너 {name}({STATE_NAMES.get(state, state)})")
        return c

    def prepare_tag(self, source: str, target: str):
        """Give a kit image an extra name for the learner to remove."""
        repo, tag = _split(target)
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
        wanted = [_split(t) for t in targets]
        image_id = client().images.get(source).id
        variant = None
        if changes:
            if all(_manifest_config(repo, tag) for repo, tag in wanted):
                self._mark("레지스트리 " + ", ".join(f"{r}:{t}" for r, t in wanted))
                return [f"{course_registry.address()}/{r}:{t}" for r, t in wanted]
            cid = api.create_container(image_id, labels=labels(self.label))["Id"]
            try:
                variant = image_id = api.commit(cid, changes=changes)["Id"]
            finally:
                api.remove_container(cid, force=True)
        todo = [(f"{course_registry.address()}/{repo}", tag) for repo, tag in wanted
                if variant or _manifest_config(repo, tag) != image_id]
        try:
            for remote, tag in todo:
                api.tag(image_id, remote, tag)
            for remote, tag in todo:
                _push_quietly(remote, tag)
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


def start(chapter: str, *, containers: Iterable[str] = (), images: Iterable[str] = (),
          registry: bool = False) -> Run:
    """Begin an exercise: silence warnings, remove the names it reserves and what its label made,
    start the course registry if asked, and record the engine's clock.

    Objects the helpers create from here on carry the label ``ex<chapter>`` (not the chapter
    notebook's label), so starting an exercise never touches the chapter notebook's work.
    """
    warnings.simplefilter("ignore")
    chapter = str(chapter)
    label = f"ex{chapter}"
    use_chapter(label)
    run = Run(chapter, label, dt.datetime.now(dt.timezone.utc), list(containers), [_norm(r) for r in images])
    clear(containers=run.containers, images=run.images, label=label)
    if registry and not course_registry.running():
        with quiet():
            course_registry.start(chapter="registry")
    run.started = engine_time()
    return run


def clear(*, containers: Iterable[str] = (), images: Iterable[str] = (), label: str | None = None) -> None:
    """Remove exactly these containers (by name) and image names, the containers made from those
    images, and everything carrying ``label``. Prints nothing."""
    import docker.errors as de

    api = client().api
    images = [_norm(r) for r in images]
    doomed = set(containers)
    for ref in images:
        try:
            found = api.inspect_image(ref)
        except de.NotFound:
            continue
        # Containers made from the image go too, but only when every name of that image is being
        # removed (an exercise's own image); a second name on a shared image (busybox:1.35 tagged
        # ex02-old-image:1.0) is only untagged, and nobody else's busybox container is touched.
        if {_norm(t) for t in found.get("RepoTags") or []} <= set(images):
            doomed |= {c["Id"] for c in api.containers(all=True, filters={"ancestor": found["Id"]})
                       if c.get("ImageID") == found["Id"]}
    for cid in doomed:
        try:
            api.remove_container(cid, force=True, v=True)
        except de.NotFound:
            pass
    for ref in images:
        _remove_ref(ref)
    if label and _labelled(label):
        from .cleanup import reset

        with quiet():
            reset(label, verbose=False)


def _labelled(label: str) -> bool:
    """Does anything carry the course label ``label`` (or a name the course added under it)? Two quick
    list calls, so that a clean engine skips the full ``reset`` sweep."""
    from . import ledger
    from ._state import CHAPTER_LABEL

    api = client().api
    f = {"label": f"{CHAPTER_LABEL}={label}"}
    return bool(ledger.refs(label) or api.containers(all=True, filters=f) or api.images(filters=f)
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


# ---------------------------------------------------------------- lookups

def _split(ref: str) -> tuple[str, str]:
    from docker.utils import parse_repository_tag

    repo, tag = parse_repository_tag(ref)
    return repo, tag or "latest"


def _norm(ref: str) -> str:
    """'busybox' -> 'busybox:latest'; 'docker.io/library/x:1' -> 'x:1'."""
    if "@" in ref or ref.startswith("sha256:"):
        return ref
    repo, tag = _split(ref)
    for prefix in ("docker.io/library/", "docker.io/", "library/"):
        if repo.startswith(prefix):
            repo = repo[len(prefix):]
            break
    return f"{repo}:{tag}"


def _find_container(name: str):
    import docker.errors as de

    try:
        return client().containers.get(name)
    except de.NotFound:
        return None


def _need_container(name: str):
    c = _find_container(name)
    if c is None:
        stem = name.split("-")[0]
        others = [n.lstrip("/") for c in client().api.containers(all=True, filters={"name": stem})
                  for n in c.get("Names") or [] if n.lstrip("/").startswith(stem)]
        seen = f" (비슷한 이름: {', '.join(sorted(others))})" if others else ""
        fail(f"'{name}'(이)라는 이름의 컨테이너가 있어야 합니다.", f"컨테이너 {name}", "없음" + seen,
             f"이름을 name='{name}'(docker run --name {name})으로 정확히 주었는지 `h.ps(all=True)`로 확인하세요.")
    return c


def _find_image(ref: str):
    import docker.errors as de

    try:
        return client().images.get(ref)
    except (de.ImageNotFound, de.NotFound):
        return None


def _need_image(ref: str):
    img = _find_image(ref)
    if img is None:
        fail(f"이미지 '{ref}'이(가) 있어야 합니다.", ref, "없음" + _other_tags(ref),
             "`h.images()`로 이름과 태그를 확인하세요.")
    return img


def _other_tags(ref: str) -> str:
    repo, _ = _split(ref)
    tags = sorted(t for img in client().api.images(name=repo) for t in img.get("RepoTags") or [])
    return f" (같은 저장소에 있는 이름: {', '.join(tags)})" if tags else ""


def _status(c) -> str:
    state = c.attrs.get("State") or {}
    status = state.get("Status") or c.status
    text = STATE_NAMES.get(status, status)
    if status == "exited":
        text += f", 종료 코드 {state.get('ExitCode')}"
    return text


# ---------------------------------------------------------------- containers

def container_running(name: str, image: str | None = None) -> bool:
    """The container ``name`` exists, is running, and (if given) was made from ``image``."""
    c = _need_container(name)
    if c.status != "running":
        fail(f"컨테이너 '{name}'이(가) 실행 중이어야 합니다.", STATE_NAMES["running"], _status(c),
             _state_hint(name, c.status, "running"))
    if image is not None:
        _same_image(c, image)
    return True


def _same_image(c, image: str) -> None:
    actual_ref = c.attrs.get("Config", {}).get("Image", "")
    want = _find_image(image)
    if (want is not None and want.id == c.attrs.get("Image")) or _norm(actual_ref) == _norm(image):
        return
    fail(f"컨테이너 '{c.name}'은(는) 이미지 '{image}'(으)로 만들어야 합니다.", image, actual_ref,
         f"h.run('{image}', ..., name='{c.name}')처럼 이미지 이름과 태그를 정확히 쓰세요.")


def _state_hint(name: str, actual: str, expected: str) -> str:
    moves = {
        ("exited", "running"): f"`h.start('{name}')`로 다시 시작하세요. 시작하자마자 끝난다면, 계속 실행되는 명령"
                               "(예: sleep 3600)으로 만들었는지 확인하세요.",
        ("created", "running"): f"만들기만 하고 시작하지 않았습니다: `h.start('{name}')`.",
        ("paused", "running"): f"`h.unpause('{name}')`로 일시 정지를 푸세요.",
        ("running", "exited"): f"`h.stop('{name}')`으로 멈추세요 (docker stop).",
        ("paused", "exited"): f"`h.unpause('{name}')` 후 `h.stop('{name}')`.",
        ("running", "paused"): f"`h.pause('{name}')`로 일시 정지하세요.",
        ("created", "exited"): f"`h.start('{name}')`로 한 번 실행해서 끝나게 하세요.",
    }
    return moves.get((actual, expected), f"`h.ps(all=True)`로 '{name}'의 상태를 확인하세요.")


def container_state(name: str, expected: str) -> bool:
    """The container ``name`` is in state ``expected`` (running, exited/stopped, created, paused)."""
    want = _STATE_ALIASES.get(expected, expected)
    if want not in STATE_NAMES:
        raise ValueError(f"unknown container state: {expected!r}")
    c = _need_container(name)
    if c.status != want:
        fail(f"컨테이너 '{name}'이(가) {STATE_NAMES[want]} 상태여야 합니다.", STATE_NAMES[want], _status(c),
             _state_hint(name, c.status, want))
    return True


def container_restarted(name: str) -> bool:
    """The container ``name`` is running again after it was stopped at least once
    (stop + start, or restart)."""
    container_running(name)
    c = _need_container(name)
    state = c.attrs["State"]
    finished = state.get("FinishedAt", "")
    if not finished or finished.startswith("0001"):
        fail(f"컨테이너 '{name}'은(는) 한 번 멈췄다가 다시 시작되어야 합니다.", "멈춘 적이 있고 지금 실행 중",
             "처음 시작한 뒤 한 번도 멈춘 적 없음",
             f"`h.restart('{name}', time=0)` 또는 `h.stop(...)` 다음 `h.start(...)`.")
    if parse_time(state["StartedAt"]) < parse_time(finished):
        fail(f"컨테이너 '{name}'은(는) 멈춘 뒤 다시 시작되어야 합니다.", "멈춘 뒤 다시 시작", "멈춘 뒤 시작하지 않음",
             f"`h.start('{name}')`.")
    return True


def container_from(name: str, image: str) -> bool:
    """The container ``name`` (in any state) was made from ``image``."""
    _same_image(_need_container(name), image)
    return True


def printed_by(name: str, value, *, what: str = "출력") -> bool:
    """``value`` is what the container ``name`` printed (its logs), not text from elsewhere."""
    c = _need_container(name)
    logs = c.logs(stdout=True, stderr=True).decode("utf-8", "replace")
    got = _text(value, what)
    if " ".join(got.split()) != " ".join(logs.split()):
        fail(f"{what}에는 컨테이너 '{name}'이(가) 출력한 내용이 들어 있어야 합니다.", _show(logs) or "빈 출력",
             _show(got) or "빈 문자열", f"'{name}'을(를) 실행한 h.run(...)이 돌려준 값을 그대로 넣으세요.")
    return True


def exec_output(name: str, command, value, *, what: str = "출력") -> bool:
    """``value`` is what ``command`` prints inside the running container ``name``
    (the check runs the command again and compares)."""
    container_running(name)
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    result = _need_container(name).exec_run(argv)
    expected = result.output.decode("utf-8", "replace")
    got = _text(value, what)
    if " ".join(got.split()) != " ".join(expected.split()):
        fail(f"{what}에는 '{name}' 안에서 `{' '.join(argv)}`을(를) 실행한 출력이 들어 있어야 합니다.",
             _show(expected) or "빈 출력", _show(got) or "빈 문자열",
             f"h.exec('{name}', '{' '.join(argv)}')가 돌려준 값을 그대로 넣으세요.")
    return True


def _text(value, what: str) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if not isinstance(value, str):
        fail(f"{what}에는 명령의 출력(문자열)을 넣어야 합니다.", "문자열", type(value).__name__,
             "h.run(...)/h.exec(...)가 돌려준 값을 그대로 변수에 넣으세요.")
    return value


def container_absent(name: str) -> bool:
    """No container is called ``name`` (it was removed)."""
    c = _find_container(name)
    if c is not None:
        hint = (f"실행 중인 컨테이너는 바로 지울 수 없습니다: `h.stop('{name}')` 다음 `h.rm('{name}')`"
                f" (또는 `h.rm('{name}', force=True)`)." if c.status == "running" else f"`h.rm('{name}')`으로 지우세요.")
        fail(f"컨테이너 '{name}'을(를) 지워야 합니다.", "없음", f"아직 있음({_status(c)})", hint)
    return True


def _host_ports(c, key: str) -> list[int]:
    binds = (c.attrs.get("NetworkSettings", {}).get("Ports") or {}).get(key) or []
    return sorted({int(b["HostPort"]) for b in binds if b.get("HostPort")})


def _key(container_port) -> str:
    text = str(container_port)
    return text if "/" in text else f"{text}/tcp"


def port_published(name: str, container_port, host_port: int | None = None) -> int:
    """The running container ``name`` publishes ``container_port`` on a host port
    (``host_port`` when given). Returns the host port."""
    c = _need_container(name)
    key = _key(container_port)
    if c.status != "running":
        fail(f"포트는 실행 중인 컨테이너만 연결됩니다: '{name}'이(가) 실행 중이어야 합니다.",
             STATE_NAMES["running"], _status(c), _state_hint(name, c.status, "running"))
    hosts = _host_ports(c, key)
    if not hosts:
        published = {k: _host_ports(c, k) for k in (c.attrs["NetworkSettings"].get("Ports") or {})}
        others = ", ".join(f"{hp}->{k}" for k, hps in published.items() for hp in hps)
        fail(f"컨테이너 '{name}'의 {key} 포트가 호스트 포트에 연결(publish)되어 있어야 합니다.",
             f"{host_port if host_port else '호스트 포트'} -> {key}", f"연결 없음{f' (연결된 것: {others})' if others else ''}",
             "`-p 호스트:컨테이너`는 ports={80: 28080}, 임의 포트(-P)는 publish_all=True 또는 ports={80: None}.")
    if host_port is not None and int(host_port) not in hosts:
        fail(f"컨테이너 '{name}'의 {key} 포트는 호스트 포트 {host_port}에 연결되어야 합니다.",
             f"{host_port} -> {key}", ", ".join(f"{h} -> {key}" for h in hosts),
             "-p 는 '호스트:컨테이너' 순서입니다. 지우고(h.rm(..., force=True)) 올바른 포트로 다시 실행하세요.")
    return int(host_port) if host_port is not None else hosts[0]


def ports_unpublished(name: str) -> bool:
    """The container ``name`` publishes no port on the host (like the book's first apache)."""
    c = _need_container(name)
    ports = c.attrs.get("NetworkSettings", {}).get("Ports") or {}
    bound = [f"{hp}->{k}" for k in ports for hp in _host_ports(c, k)]
    if bound:
        fail(f"컨테이너 '{name}'은(는) 호스트에 포트를 연결하지 않아야 합니다.", "연결 없음", ", ".join(bound),
             "ports=나 publish_all 없이 실행하세요.")
    return True


def container_has_file(name: str, path: str, contains: str | None = None) -> bool:
    """The container ``name`` has the file ``path`` (containing ``contains``, if given)."""
    c = _need_container(name)
    _check_file(c.id, f"컨테이너 '{name}'", path, contains)
    return True


# ---------------------------------------------------------------- images

def image_exists(ref: str) -> bool:
    """An image is called ``ref`` on this engine."""
    if _find_image(ref) is None:
        repo, tag = _split(ref)
        fail(f"이미지 '{repo}:{tag}'이(가) 이 엔진에 있어야 합니다.", f"{repo}:{tag}", "없음" + _other_tags(ref),
             f"태그를 빼면 latest를 뜻합니다. 이름과 태그를 모두 쓰세요: h.pull('{repo}:{tag}').")
    return True


def image_id(ref: str, value, *, what: str = "IMAGE ID") -> bool:
    """``value`` is the id of image ``ref`` (the 12-character IMAGE ID, or longer, 'sha256:' optional)."""
    img = _need_image(ref)
    got = _text(value, what).strip().removeprefix("sha256:")
    full = img.id.removeprefix("sha256:")
    if len(got) < 12 or not full.startswith(got.lower()):
        fail(f"{what}은(는) 이미지 '{ref}'의 ID여야 합니다.", full[:12], _show(got) or "빈 문자열",
             f"h.images()의 IMAGE ID 열(12자리)을 보거나 h.image('{ref}').short_id를 쓰세요.")
    return True


def image_absent(ref: str) -> bool:
    """No image is called ``ref`` (the name was removed with rmi)."""
    img = _find_image(ref)
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
    img = _need_image(ref)
    cmd = (img.attrs.get("Config") or {}).get("Cmd") or []
    want = shlex.split(expected_cmd) if isinstance(expected_cmd, str) else list(expected_cmd)
    ok = cmd in (want, ["/bin/sh", "-c", shlex.join(want)], ["/bin/sh", "-c", " ".join(want)])
    if not ok:
        exec_form = json.dumps(want, ensure_ascii=False)
        fail(f"이미지 '{ref}'의 기본 명령(CMD)이 바뀌어야 합니다.", exec_form, _show(cmd),
             f"commit할 때 changes=['CMD {exec_form}']를 주세요 (docker commit --change='CMD {exec_form}').")
    return True


def image_has_file(ref: str, path: str, contains: str | None = None) -> bool:
    """The image ``ref`` has the file ``path`` (containing ``contains``, if given).

    Reads it from a throwaway container that is created (never started) and removed again.
    """
    img = _need_image(ref)
    api = client().api
    cid = api.create_container(img.id, command=["true"], labels=labels())["Id"]
    try:
        _check_file(cid, f"이미지 '{ref}'", path, contains)
    finally:
        api.remove_container(cid, force=True, v=True)
    return True


def _read_file(cid: str, path: str, depth: int = 0) -> bytes | None:
    import posixpath

    import docker.errors as de

    try:
        stream, _ = client().api.get_archive(cid, path)
    except de.NotFound:
        return None
    data = b"".join(stream)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        member = tar.next()
        if member is None:
            return None
        if member.issym() and depth < 5:
            return _read_file(cid, posixpath.join(posixpath.dirname(path), member.linkname), depth + 1)
        if not member.isfile():
            return None
        return tar.extractfile(member).read()


def _check_file(cid: str, where: str, path: str, contains: str | None) -> None:
    content = _read_file(cid, path)
    if content is None:
        fail(f"{where} 안에 파일 {path}이(가) 있어야 합니다.", path, "없음",
             "파일을 만든 컨테이너에서 commit했는지, 경로가 맞는지 확인하세요.")
    text = content.decode("utf-8", "replace")
    if contains is not None and contains not in text:
        fail(f"{where}의 {path}에 '{contains}'이(가) 들어 있어야 합니다.", f"'{contains}' 포함", _show(text) or "빈 파일",
             "파일 내용을 확인하세요 (h.exec(이름, 'cat 경로')).")


# ---------------------------------------------------------------- registry

def _manifest_config(repo: str, tag: str) -> str | None:
    """The config digest (= local image id) the course registry holds for ``repo:tag``."""
    req = urllib.request.Request(
        f"http://{course_registry.address()}/v2/{repo}/manifests/{tag}",
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read()).get("config", {}).get("digest")
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _push_quietly(remote: str, tag: str) -> None:
    from .display import Progress

    with quiet():
        Progress(f"{remote}:{tag}").feed(client().api.push(remote, tag=tag, stream=True, decode=True))


def registry_has(repo: str, tag: str, image: str | None = None) -> bool:
    """The course registry holds ``repo:tag`` (and, when ``image`` is given, that very image:
    its config digest equals the local image's id, so an old push does not count)."""
    prefix = course_registry.address() + "/"
    repo = repo[len(prefix):] if repo.startswith(prefix) else repo
    if not course_registry.running():
        fail(f"과정 레지스트리({course_registry.address()})에 {repo}:{tag}이(가) 있어야 합니다.", "응답하는 레지스트리",
             "레지스트리가 꺼져 있음", "`h.registry.start()`로 띄운 뒤 다시 push 하세요.")
    tags = course_registry.tags(repo)
    if tag not in tags:
        fail(f"과정 레지스트리에 {repo}:{tag}이(가) 있어야 합니다.", f"{repo}:{tag}",
             f"없음 (그 저장소의 태그: {', '.join(tags)})" if tags else "없음 (그런 저장소가 없음)",
             f"`h.tag('내이미지', '{prefix}{repo}:{tag}')`로 레지스트리 주소를 붙인 이름을 만든 뒤 "
             f"`h.push('{prefix}{repo}:{tag}')`.")
    if image is not None:
        local = _need_image(image)
        remote = _manifest_config(repo, tag)
        if remote != local.id:
            fail(f"레지스트리의 {repo}:{tag}은(는) 이번에 만든 이미지 '{image}'(이)어야 합니다.",
                 local.id.replace("sha256:", "")[:12], (remote or "?").replace("sha256:", "")[:12] + " (다른 이미지)",
                 "예전에 올린 이미지가 남아 있습니다. 지금 이미지에 태그를 붙여 다시 push 하세요.")
    return True


# ---------------------------------------------------------------- this run only

def made_in_this_run(obj_or_name, since, kind: str | None = None) -> bool:
    """``obj_or_name`` (a Container/Image or a name) was created after ``since``
    (a :class:`Run`, a datetime or an engine timestamp), by the engine's own clock.

    ``kind`` ('container' or 'image') settles a name that could be either.
    """
    obj = obj_or_name
    if isinstance(obj_or_name, str):
        looks_like_image = ":" in obj_or_name or "/" in obj_or_name
        order = [kind] if kind else (["image", "container"] if looks_like_image else ["container", "image"])
        obj = None
        for k in order:
            obj = _find_container(obj_or_name) if k == "container" else _find_image(obj_or_name)
            if obj is not None:
                break
        if obj is None:
            fail(f"'{obj_or_name}'이(가) 있어야 합니다.", obj_or_name, "없음", "과제의 이름을 정확히 쓰세요.")
    name = obj_or_name if isinstance(obj_or_name, str) else getattr(obj, "name", None) or obj.short_id
    obj.reload()
    created = parse_time(obj.attrs["Created"])
    mark = since.started if isinstance(since, Run) else parse_time(since) if isinstance(since, str) else since
    if created < mark:
        fail(f"'{name}'은(는) 이번 실습을 시작한 뒤에 만든 것이어야 합니다.", f"{_clock(mark)} 이후에 만듦",
             f"{_clock(created)}에 만듦 (예전에 남은 것)",
             "노트북을 첫 셀부터 다시 실행해서 지금 새로 만드세요.")
    return True


# ---------------------------------------------------------------- answers

def _canon(value):
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    return value


def answer(value, expected=None, *, what: str = "답", choices: Iterable | None = None, why: str = "") -> bool:
    """An understanding question: ``value`` is one of ``choices`` (if given) and equals
    ``expected`` (if given; a set means any of them). Strings compare without case and
    surrounding blanks; a number may be given as text."""
    if value is None or value is Ellipsis:
        fail(f"{what}에 답을 넣어야 합니다.", "답", "비어 있음", "셀의 빈칸을 채우고 실행하세요.")
    if choices is not None:
        allowed = [_canon(c) for c in choices]
        if _canon(value) not in allowed:
            fail(f"{what}은(는) 보기 중 하나여야 합니다.", "/".join(str(c) for c in choices), _show(value),
                 "보기의 기호 하나만 문자열로 쓰세요 (예: \"B\").")
    if expected is None:
        return True
    accepted = list(expected) if isinstance(expected, (set, frozenset)) else [expected]
    for want in accepted:
        got = value
        if isinstance(want, (int, float)) and not isinstance(want, bool) and isinstance(value, str):
            try:
                got = type(want)(value.strip())
            except ValueError:
                pass
        if _canon(got) == _canon(want):
            return True
    shown = " 또는 ".join(_show(w) for w in accepted)
    fail(f"{what}이(가) 맞지 않습니다.", shown, _show(value), why)
    return False  # not reached


def output_contains(value, needle: str, *, what: str = "출력") -> bool:
    """A captured output (``str``/``bytes``) contains ``needle``."""
    value = _text(value, what)
    if needle not in value:
        fail(f"{what}에 '{needle}'이(가) 들어 있어야 합니다.", f"'{needle}' 포함", _show(value) or "빈 문자열",
             "올바른 컨테이너에서 올바른 명령을 실행했는지 확인하세요.")
    return True


__all__ = [
    "CheckFailed", "Run", "answer", "clear", "container_absent", "container_from", "container_has_file",
    "container_restarted", "container_running", "container_state", "engine_time", "exec_output", "image_absent",
    "image_cmd", "image_exists", "image_has_file", "image_id", "made_in_this_run", "output_contains",
    "port_published", "ports_unpublished", "printed_by", "registry_has", "start",
]
