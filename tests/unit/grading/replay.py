"""The shared fake client (``tests/unit/fakes.py``), taught to replay inspect JSON recorded from a real engine.

:class:`RecordedEngine` is installed as the helpers' client by the ``replay`` fixture (``conftest.py``), the one
seam (``helpers._state.STATE.client``). A test loads the records it needs:

    replay.load_container("exited0")     # recorded/containers.json, key "exited0" -> recordtest-exited0
    replay.load_image("multi")           # recorded/images.json
    replay.load_events("deleted")        # recorded/events.json, the engine clock at the mark "deleted"

``containers.get``/``images.get`` then answer with the docker SDK's real ``Container``/``Image`` models over
a copy of the record (what ``docker inspect`` returns), ``api.containers`` with the recorded list rows,
``api.get_archive`` with the recorded tar streams (and the engine's own errors), ``logs``/``exec_run`` with
the recorded output, ``events`` with the recorded event log up to the engine clock, ``info()['SystemTime']``
with the recorded engine clock. ``load_*`` return the stored
record itself, so a test may edit a field to reach a state a real engine does not produce on demand.
Objects a test makes through the helpers (``containers.create``, ``commit``) are the shared fake's own.

:func:`failure` runs a check that must fail and splits its Korean message into what/기대/실제/hint.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import docker.errors as de
import pytest
from docker.models.images import Image as SDKImage

from helpers.errors import CheckFailed

from ..fakes import FakeAPI, FakeClient, FakeContainers, FakeImages, image_not_found, not_found_container

RECORDED = Path(__file__).parent / "recorded"


@cache
def _load(name: str) -> dict:
    return json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))


def recorded(name: str) -> dict:
    """A fresh copy of ``recorded/<name>.json``."""
    return copy.deepcopy(_load(name))


def _full(ref: str) -> str:
    """'busybox' -> 'busybox:latest'; 'docker.io/library/x:1' -> 'x:1' (how the engine resolves a name)."""
    for prefix in ("docker.io/library/", "docker.io/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
            break
    return ref if ":" in ref.rsplit("/", 1)[-1] else f"{ref}:latest"


def _epoch(stamp: str) -> int:
    """An inspect timestamp as the list rows give it (whole seconds since 1970)."""
    return int(dt.datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.timezone.utc).timestamp())


def _nanos(stamp: str) -> int:
    """The events API's 'seconds.nanoseconds' as nanoseconds."""
    seconds, _, frac = str(stamp).partition(".")
    return int(seconds) * 10**9 + int((frac or "0").ljust(9, "0")[:9])


def _nanos_of_stamp(text: str) -> int:
    """An engine timestamp ('...T23:21:31.53756708Z') as nanoseconds since 1970."""
    base, _, frac = text.rstrip("Z").partition(".")
    seconds = int(dt.datetime.fromisoformat(base).replace(tzinfo=dt.timezone.utc).timestamp())
    return seconds * 10**9 + int((frac or "0").ljust(9, "0")[:9])


def _repo(tag: str) -> str:
    return tag.rsplit(":", 1)[0]


class RecordedImage(SDKImage):
    """The SDK's ``Image`` model; ``cmd`` lets the shared fake create containers from it."""

    @property
    def cmd(self) -> list[str]:
        return list((self.attrs.get("Config") or {}).get("Cmd") or [])


class RecordedContainers(FakeContainers):
    def get(self, name_or_id: str):
        key = str(name_or_id)
        for cid, rec in self.fake.inspect_containers.items():
            if rec["Name"].lstrip("/") == key or (key and cid.startswith(key)):
                return self.prepare_model(copy.deepcopy(rec))
        return super().get(key)


class RecordedImages(FakeImages):
    def get(self, ref: str):
        rec = self.fake.find_recorded_image(str(ref))
        if rec is not None:
            return RecordedImage(attrs=copy.deepcopy(rec), client=self.fake, collection=self)
        return super().get(ref)


class RecordedAPI(FakeAPI):
    # -- lists: recorded rows first, then what the shared fake made during the test ----------------
    def containers(self, all: bool = False, filters: dict | None = None, **kw) -> list[dict]:  # noqa: A002
        filters = filters or {}
        rows = []
        for cid, row in self.fake.container_rows.items():
            if not all and row["State"] not in ("running", "paused"):
                continue
            if "label" in filters:  # records carry no course labels
                continue
            names = [n.lstrip("/") for n in row.get("Names") or []]
            if "name" in filters and not any(filters["name"] in n for n in names):
                continue
            if "ancestor" in filters and filters["ancestor"] not in (row.get("ImageID"), row.get("Image")):
                continue
            if "id" in filters and not cid.startswith(filters["id"]):
                continue
            mounted = [m.get("Name") for m in self.fake.inspect_containers.get(cid, {}).get("Mounts") or []]
            if "volume" in filters and filters["volume"] not in mounted:
                continue
            rows.append(copy.deepcopy(row))
        return rows + super().containers(all=all, filters=filters, **kw)

    def images(self, name: str | None = None, filters: dict | None = None, all: bool = False, **kw):  # noqa: A002
        """Like engine 20.10: with ``name``, each row lists only that repository's tags (see the
        ``images_list.json`` fidelity test)."""
        rows = []
        if not (filters or {}).get("label"):
            for rec in self.fake.inspect_images.values():
                tags = [t for t in rec.get("RepoTags") or [] if name is None or _repo(t) == name]
                if name is not None and not tags:
                    continue
                rows.append({"Id": rec["Id"], "RepoTags": tags, "Created": _epoch(rec["Created"])})
        return rows + super().images(name=name, filters=filters, all=all, **kw)

    def inspect_image(self, image: str) -> dict:
        return copy.deepcopy(self.fake.images.get(image).attrs)

    # -- reads -------------------------------------------------------------------------------------
    def get_archive(self, container: str, path: str, **_kw):
        cid = self.fake.containers.get(container).id
        owner = cid if cid in self.fake.inspect_containers else self.fake._containers[cid].image.id
        self.fake.calls.append(("get_archive", cid, path))
        found = self.fake.archives.get(owner, {}).get(path)
        if found is None:
            raise de.NotFound("404 Client Error: Not Found",
                              explanation=f"Could not find the file {path} in container {cid}")
        if "error" in found:
            cls = de.NotFound if found["status_code"] == 404 else de.APIError
            raise cls(f"{found['status_code']} Server Error", explanation=found["explanation"])
        return iter([base64.b64decode(found["tar_base64"])]), copy.deepcopy(found["stat"])

    def logs(self, container: str, stdout: bool = True, stderr: bool = True, **_kw) -> bytes:
        c = self.fake.containers.get(container)
        if c.id in self.fake.inspect_containers:
            return self.fake.logs_by_id.get(c.id, b"")
        return c.logs(stdout=stdout, stderr=stderr)

    # -- changes -----------------------------------------------------------------------------------
    def remove_container(self, container: str, force: bool = False, v: bool = False, **kw) -> None:
        cid = self.fake.containers.get(container).id
        rec = self.fake.inspect_containers.get(cid)
        if rec is None:
            return super().remove_container(container, force=force, v=v, **kw)
        if rec["State"]["Status"] in ("running", "paused") and not force:
            raise de.APIError("409 Client Error: Conflict",
                              explanation=f"You cannot remove a running container {cid}. "
                                          "Stop the container before attempting removal or force remove")
        del self.fake.inspect_containers[cid]
        self.fake.container_rows.pop(cid, None)
        self.fake.calls.append(("remove_container", rec["Name"].lstrip("/"), force))

    def remove_image(self, image: str, force: bool = False, noprune: bool = False) -> list[dict]:
        rec = self.fake.find_recorded_image(image)
        if rec is None:
            return super().remove_image(image, force=force, noprune=noprune)
        full = _full(image)
        if full in rec["RepoTags"] and len(rec["RepoTags"]) > 1:
            rec["RepoTags"].remove(full)
            self.fake.calls.append(("untag", full))
            return [{"Untagged": full}]
        users = [cid for cid, c in self.fake.inspect_containers.items() if c["Image"] == rec["Id"]]
        users += [c.id for c in self.fake._containers.values() if c.image.id == rec["Id"]]
        if users and not force:
            raise de.APIError("409 Client Error: Conflict",
                              explanation=f'conflict: unable to remove repository reference "{image}" (must force) '
                                          f"- container {users[0][:12]} is using its referenced image "
                                          f"{rec['Id'][7:19]}")
        del self.fake.inspect_images[rec["Id"]]
        self.fake.calls.append(("remove_image", image))
        return [{"Untagged": t} for t in rec["RepoTags"]] + [{"Deleted": rec["Id"]}]

    def tag(self, image: str, repository: str, tag: str | None = None, **_kw) -> bool:
        ref = f"{repository}:{tag or 'latest'}"
        rec = self.fake.find_recorded_image(image)
        if rec is None:
            return self.fake.images.get(image).tag(repository, tag)
        self.fake._untag_everywhere(ref)
        for other in self.fake.inspect_images.values():
            if ref in other["RepoTags"]:
                other["RepoTags"].remove(ref)
        rec["RepoTags"].append(ref)
        self.fake.calls.append(("tag", rec["Id"], ref))
        return True

    def create_container(self, image: str, command=None, labels: dict | None = None, **kw) -> dict:
        return {"Id": self.fake.containers.create(image, command or ["true"], labels=labels).id}

    def commit(self, container: str, repository: str | None = None, tag: str | None = None, changes=None, **kw):
        img = self.fake.containers.get(container).commit(repository, tag, changes=changes)
        return {"Id": img.id}


class RecordedEngine(FakeClient):
    """The shared fake plus recorded containers and images (see the module docstring)."""

    def __init__(self):
        super().__init__()
        self.inspect_containers: dict[str, dict] = {}  # id -> `docker inspect` record
        self.container_rows: dict[str, dict] = {}  # id -> `api.containers(all=True)` row
        self.inspect_images: dict[str, dict] = {}  # id -> `docker image inspect` record
        self.archives: dict[str, dict] = {}  # container or image id -> {path: recorded get_archive answer}
        self.logs_by_id: dict[str, bytes] = {}
        self.event_log: list[dict] = []  # `docker events` messages, oldest first
        self.system_time = _load("engine")["info"]["SystemTime"]
        self.api = RecordedAPI(self)
        self.containers = RecordedContainers(self)
        self.images = RecordedImages(self)

    # -- loading records ---------------------------------------------------------------------------
    def load_container(self, key: str) -> dict:
        """Put the recorded container ``key`` on the engine (with its list row, logs, exec output
        and files when recorded). Returns the stored inspect record (editable)."""
        rec = recorded("containers")[key]
        self.inspect_containers[rec["Id"]] = rec
        self.container_rows[rec["Id"]] = recorded("containers_list")[key]
        outputs = _load("outputs")
        if key in outputs["logs"]:
            self.logs_by_id[rec["Id"]] = outputs["logs"][key].encode()
        for command, out in outputs["exec"].get(key, {}).items():
            self.exec_results[command] = (out.encode(), None, 0)
        if key == "work":
            self.archives[rec["Id"]] = recorded("files")["archives"]
        return rec

    def load_image(self, key: str) -> dict:
        """Put the recorded image ``key`` on the engine (the ``motd_*`` commits of recordtest-work
        carry its files). Returns the stored inspect record (editable)."""
        rec = recorded("images")[key]
        self.inspect_images[rec["Id"]] = rec
        if key.startswith("motd_"):
            self.archives[rec["Id"]] = recorded("files")["archives"]
        return rec

    def load_events(self, until: str = "pulled_again") -> dict:
        """Put the recorded event log (``recorded/events.json``) on the engine and set the engine clock to
        the mark ``until`` (events after it have not happened yet). Returns the record. The image it
        pulls is ``load_image("pulled")``."""
        rec = recorded("events")
        self.event_log = rec["events"]
        self.system_time = rec["marks"][until]
        return rec

    def find_recorded_image(self, ref: str) -> dict | None:
        ref = str(ref)
        for rec in self.inspect_images.values():
            if _full(ref) in rec["RepoTags"]:
                return rec
        hexpart = ref.removeprefix("sha256:")
        if re.fullmatch(r"[0-9a-f]{12,64}", hexpart):
            for rec in self.inspect_images.values():
                if rec["Id"][7:].startswith(hexpart):
                    return rec
        return None

    def calls_of(self, *verbs: str) -> list[tuple]:
        """The logged calls with these verbs (the shared fake also logs reads such as list_containers)."""
        return [c for c in self.calls if c[0] in verbs]

    def container(self, name: str) -> dict:
        """The stored record of the recorded container ``name`` (raises like the engine if absent)."""
        for rec in self.inspect_containers.values():
            if rec["Name"] == "/" + name:
                return rec
        raise not_found_container(name)

    def image(self, ref: str) -> dict:
        rec = self.find_recorded_image(ref)
        if rec is None:
            raise image_not_found(ref)
        return rec

    # -- client-level calls ------------------------------------------------------------------------
    def events(self, since=None, until=None, filters: dict | None = None, decode: bool | None = None):
        """Like the engine: the logged events from ``since`` to ``until`` ('seconds.nanoseconds'; never
        later than the engine clock), narrowed by type, event, container (name or id) and image."""
        assert decode, "the checks read decoded events"
        filters = filters or {}
        low = _nanos(since) if since else 0
        high = min(_nanos(until) if until else 2**63, _nanos_of_stamp(self.system_time))
        actions = filters.get("event") or []
        actions = [actions] if isinstance(actions, str) else list(actions)
        found = []
        for e in self.event_log:
            names = {e["id"], e["Actor"]["Attributes"].get("name", "")}
            if not low <= e["timeNano"] <= high:
                continue
            if "type" in filters and e["Type"] != filters["type"]:
                continue
            if actions and e["Action"] not in actions:
                continue
            if "container" in filters and not (filters["container"] in names or e["id"].startswith(filters["container"])):
                continue
            if "image" in filters and filters["image"] not in names:
                continue
            found.append(copy.deepcopy(e))
        self.calls.append(("events", since, until, filters))
        return iter(found)

    def info(self) -> dict:
        return {**super().info(), "SystemTime": self.system_time}

    def version(self) -> dict:
        return {**super().version(), **_load("engine")["version"]}


@dataclass
class Failure:
    """A check's failure, split: the task (``what``), 기대 (``expected``), 실제 (``actual``) and ``hint``."""

    what: str
    expected: str
    actual: str
    hint: str


def failure(check, *args, **kwargs) -> Failure:
    """Run ``check`` expecting :class:`CheckFailed`; split its Korean "무엇이 다른지" line."""
    with pytest.raises(CheckFailed) as info:
        check(*args, **kwargs)
    err = info.value
    what, sep, diff = err.message.partition("\n  무엇이 다른지: 기대 ")
    assert sep, f"no '무엇이 다른지: 기대' line in {err.message!r}"
    expected, sep, actual = diff.partition(", 실제 ")
    assert sep, f"no ', 실제' in {err.message!r}"
    assert str(err).startswith(err.message)  # the hint follows the message when shown
    return Failure(what, expected, actual, err.hint)
