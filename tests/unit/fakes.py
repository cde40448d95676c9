"""A small in-memory fake of the docker SDK surface the helpers use (no engine needed).

Install it with ``STATE.client = FakeClient()`` (the ``fake`` fixture does). It keeps containers,
images, volumes and networks in dicts, raises the docker SDK's own exception classes with the
engine's own wording (recorded from engine 20.10), and logs in ``calls`` every mutating call, every
exec, pull, push and build, and every container list (so a test can count a widget's refreshes).
``prepare_model`` returns the SDK's real model classes, so the helpers' sparse-record handling is
exercised against the real ``Container``/``Image`` properties.

Streams (pull, push, build) are what the engine sends, decoded: set ``pull_result`` (a list of
events, or an exception the request itself raises), ``push_events`` or ``build_events``; a pulled or
built image appears only once its stream has been read to the end without an ``error`` event.
``layer_events`` spells one layer's pull events as the engine does.

``NoEngine`` is a client for tests that must not reach the engine at all: any use fails the test.
"""

from __future__ import annotations

import copy
import hashlib
import io
import itertools
import shlex
import tarfile
import time
from collections.abc import Callable, Iterator

import docker.errors as de
import pytest
from docker.models.containers import Container as SDKContainer
from docker.models.images import Image as SDKImage
from docker.models.networks import Network as SDKNetwork
from docker.models.volumes import Volume as SDKVolume

_counter = itertools.count(1)


def _new_id(seed: str) -> str:
    return hashlib.sha256(f"{seed}-{next(_counter)}".encode()).hexdigest()


def _label_match(labels: dict, filters: dict | None) -> bool:
    for want in _as_list((filters or {}).get("label")):
        key, _, value = want.partition("=")
        if key not in labels or (value and labels[key] != value):
            return False
    return True


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _full_ref(ref: str) -> str:
    last = ref.rsplit("/", 1)[-1]
    return ref if ":" in last else f"{ref}:latest"


def not_found_container(name: str) -> de.NotFound:
    return de.NotFound(f'404 Client Error: Not Found ("No such container: {name}")',
                       explanation=f"No such container: {name}")


def image_not_found(ref: str) -> de.ImageNotFound:
    return de.ImageNotFound(f'404 Client Error: Not Found ("no such image: {ref}: No such image: {ref}")',
                            explanation=f"no such image: {ref}: No such image: {ref}")


def layer_events(layer: str, size: int) -> list[dict]:
    """The decoded events ``docker pull`` streams for one layer (12-hex ``layer`` id, ``size`` bytes)."""
    return [{"status": "Pulling fs layer", "progressDetail": {}, "id": layer},
            {"status": "Downloading", "progressDetail": {"current": size // 2, "total": size}, "id": layer},
            {"status": "Extracting", "progressDetail": {"current": size, "total": size}, "id": layer},
            {"status": "Pull complete", "progressDetail": {}, "id": layer}]


class FakeImage:
    def __init__(self, fake: FakeClient, tags: list[str], labels: dict | None = None, size: int = 2_000_000,
                 cmd: list[str] | None = None, layers: list[dict] | None = None):
        self.fake = fake
        self.id = "sha256:" + _new_id("image")
        self.tags = list(tags)
        self.labels = dict(labels or {})
        self.size = size
        self.cmd = cmd or ["sh"]
        self.created = int(time.time()) - 120
        self.layers = layers  # ``docker history`` records, newest first; None: a two-layer default

    @property
    def short_id(self) -> str:
        return self.id[7:19]

    @property
    def attrs(self) -> dict:
        return {"Id": self.id, "RepoTags": self.tags, "Size": self.size, "Created": self.created,
                "Config": {"Labels": self.labels, "Cmd": self.cmd}}

    def summary(self) -> dict:
        return {"Id": self.id, "RepoTags": self.tags or None, "Size": self.size, "Created": self.created,
                "Labels": self.labels}

    def tag(self, repository: str, tag: str | None = None) -> bool:
        ref = f"{repository}:{tag or 'latest'}"
        self.fake._untag_everywhere(ref)
        self.tags.append(ref)
        self.fake.calls.append(("tag", self.id, ref))
        return True

    def history(self) -> list[dict]:
        if self.layers is not None:
            return [dict(layer) for layer in self.layers]
        return [{"Id": self.id, "Created": self.created, "CreatedBy": f"/bin/sh -c #(nop)  CMD {self.cmd}",
                 "Size": 0},
                {"Id": "<missing>", "Created": self.created - 60, "CreatedBy": "/bin/sh -c #(nop) ADD file:x in /",
                 "Size": self.size}]


class FakeContainer:
    def __init__(self, fake: FakeClient, image: FakeImage, image_ref: str, command: list[str] | None,
                 name: str | None, labels: dict | None, ports: dict | None, publish_all: bool,
                 auto_remove: bool, output: bytes, exit_code: int):
        self.fake = fake
        self.id = _new_id("container")
        self.name = name or f"fake_{self.id[:6]}"
        self.image = image
        self.image_ref = image_ref
        self.command = command or list(image.cmd)
        self.labels = dict(labels or {})
        self.port_requests = dict(ports or {})
        if publish_all:
            self.port_requests.setdefault("80/tcp", None)
        self.auto_remove = auto_remove
        self.output = output
        self.exit_code = exit_code
        self.status = "created"
        self.published: dict[str, list[dict]] = {}
        self.created = int(time.time()) - 30
        self.removed = False
        self.volumes: dict | list | None = None  # docker-py's ``volumes=`` as given
        self.changes: list[dict] = []  # what ``docker diff`` reports ({"Path", "Kind"})
        self.network_mode = "default"  # ``--network``: "default" (the bridge), "host", "none" or a network's name
        self.networks: dict[str, dict] = {"bridge": {"Aliases": None}}  # network name -> endpoint settings

    def volume_names(self) -> list[str]:
        """The named volumes this container mounts (not host folders)."""
        specs = self.volumes.items() if isinstance(self.volumes, dict) else \
            [(str(v).split(":", 1)[0], v) for v in self.volumes or [] if ":" in str(v)]
        return [str(src) for src, _ in specs if not str(src).startswith(("/", ".", "~"))]

    # -- what the engine reports ---------------------------------------------------------------
    @property
    def short_id(self) -> str:
        return self.id[:12]

    @property
    def ports(self) -> dict:
        return {k: v for k, v in self.published.items()} if self.status in ("running", "paused") else {}

    @property
    def attrs(self) -> dict:
        return {"Id": self.id, "Name": "/" + self.name, "State": {"Status": self.status},
                "Config": {"Labels": self.labels, "Image": self.image_ref, "Cmd": self.command},
                "Image": self.image.id, "HostConfig": {"NetworkMode": self.network_mode},
                "NetworkSettings": {"Ports": self.ports, "Networks": self.endpoints()}}

    def summary(self) -> dict:
        ports = []
        for key, binds in self.ports.items():
            cport, proto = key.split("/")
            for b in binds:
                ports.append({"IP": b["HostIp"], "PrivatePort": int(cport), "PublicPort": int(b["HostPort"]),
                              "Type": proto})
        return {"Id": self.id, "Names": ["/" + self.name], "Image": self.image_ref, "ImageID": self.image.id,
                "Command": " ".join(self.command), "Created": self.created, "State": self.status,
                "Status": {"running": "Up 3 seconds", "created": "Created", "paused": "Up 3 seconds (Paused)"}
                .get(self.status, "Exited (0) 2 seconds ago"), "Ports": ports, "Labels": self.labels,
                "HostConfig": {"NetworkMode": self.network_mode},
                "NetworkSettings": {"Networks": self.endpoints()}}

    def endpoints(self) -> dict[str, dict]:
        """``NetworkSettings.Networks`` as the engine reports it: addresses only while running (and none on
        ``host``/``none``)."""
        out = {}
        for name, settings in self.networks.items():
            live = self.status in ("running", "paused") and name not in ("host", "none")
            net = self.fake.api.find_network(name)
            out[name] = {"Aliases": settings.get("Aliases"), "NetworkID": net["Id"] if net else "",
                         "IPAddress": settings.get("IPAddress", "") if live else "",
                         "Gateway": settings.get("Gateway", "") if live else "",
                         "IPPrefixLen": 16 if live else 0,
                         "MacAddress": settings.get("MacAddress", "") if live else ""}
        return out

    # -- verbs ---------------------------------------------------------------------------------
    def _alive(self) -> None:
        if self.removed:
            raise not_found_container(self.id)

    def reload(self) -> None:
        self._alive()

    def start(self) -> None:
        self._alive()
        self.fake.calls.append(("start", self.name))
        taken = {b["HostPort"] for c in self.fake._containers.values() if c is not self
                 for binds in c.ports.values() for b in binds}
        published = {}
        for key, host in self.port_requests.items():
            if isinstance(host, tuple):
                ip, hport = host
            else:
                ip, hport = "0.0.0.0", host
            hport = str(hport if hport is not None else 32768 + next(_counter))
            if hport in taken:
                raise de.APIError(
                    "500 Server Error: Internal Server Error",
                    explanation=f"driver failed programming external connectivity on endpoint {self.name} "
                                f"(abc): Bind for 0.0.0.0:{hport} failed: port is already allocated")
            published[key] = [{"HostIp": ip, "HostPort": hport}]
        self.published = published
        self.status = "running"

    def stop(self, timeout: int = 10) -> None:
        self._alive()
        self.fake.calls.append(("stop", self.name, timeout))
        self.status = "exited"

    def restart(self, timeout: int = 10) -> None:
        self.fake.calls.append(("restart", self.name, timeout))
        self.status = "running"

    def pause(self) -> None:
        if self.status != "running":
            raise de.APIError("409 Client Error: Conflict", explanation=f"Container {self.id} is not running")
        self.status = "paused"

    def unpause(self) -> None:
        self.status = "running"

    def wait(self, timeout: float | None = None) -> dict:
        self.status = "exited"
        return {"StatusCode": self.exit_code, "Error": None}

    def logs(self, stdout: bool = True, stderr: bool = True, tail="all", **_kw) -> bytes:
        if tail in ("all", None):
            return self.output
        lines = self.output.splitlines(keepends=True)
        return b"".join(lines[-int(tail):]) if int(tail) else b""

    def remove(self, force: bool = False, v: bool = False) -> None:
        self._alive()
        if self.status in ("running", "paused") and not force:
            raise de.APIError("409 Client Error: Conflict",
                              explanation=f"You cannot remove a running container {self.id}. "
                                          "Stop the container before attempting removal or force remove")
        self.fake.calls.append(("remove_container", self.name, force))
        self.removed = True
        self.fake._containers.pop(self.id, None)

    def commit(self, repository: str | None = None, tag: str | None = None, message: str | None = None,
               changes=None, **_kw) -> FakeImage:
        labels = dict(self.image.labels)
        cmd = list(self.image.cmd)
        for change in _as_list(changes):
            verb, _, rest = change.partition(" ")
            if verb == "LABEL":
                key, _, value = rest.partition("=")
                labels[key] = value.strip('"')
            elif verb == "CMD":
                import json

                cmd = json.loads(rest) if rest.startswith("[") else ["/bin/sh", "-c", rest]
        tags = [f"{repository}:{tag or 'latest'}"] if repository else []
        img = self.fake.add_image(*tags, labels=labels, cmd=cmd)
        self.fake.calls.append(("commit", self.name, tags, list(_as_list(changes)), message))
        return img


class FakeContainers:
    def __init__(self, fake: FakeClient):
        self.fake = fake

    def get(self, name_or_id: str) -> FakeContainer:
        key = str(name_or_id)
        for c in self.fake._containers.values():
            if c.name == key or c.id.startswith(key):
                return c
        raise not_found_container(key)

    def create(self, image: str, command=None, *, name: str | None = None, ports: dict | None = None,
               publish_all_ports: bool = False, labels: dict | None = None, auto_remove: bool = False,
               **kwargs) -> FakeContainer:
        self.fake.created.append({"image": image, "command": command, "name": name, "ports": ports,
                                  "publish_all_ports": publish_all_ports, "labels": labels,
                                  "auto_remove": auto_remove, **kwargs})
        if name and any(c.name == name for c in self.fake._containers.values()):
            other = next(c for c in self.fake._containers.values() if c.name == name)
            raise de.APIError("409 Client Error: Conflict",
                              explanation=f'Conflict. The container name "/{name}" is already in use by container '
                                          f'"{other.id}". You have to remove (or rename) that container to be able '
                                          "to reuse that name.")
        img = self.fake.images.get(image)
        if isinstance(command, str):
            command = shlex.split(command)
        key = " ".join(command or [])
        output, code = self.fake.outputs.get(key, (b"", 0))
        c = FakeContainer(self.fake, img, image, command, name, labels, ports, publish_all_ports, auto_remove,
                          output, code)
        c.volumes = kwargs.get("volumes")
        network = kwargs.get("network") or kwargs.get("network_mode")
        if network:  # ``--network``: that network only (the engine checks it exists when the container starts)
            c.network_mode = network
            c.networks = {network: {"Aliases": None}}
        for name in c.networks:
            self.fake.api.address(c, name)
        for volume in c.volume_names():  # the engine creates a missing named volume, unlabelled
            self.fake._volumes.setdefault(volume, {})
        self.fake._containers[c.id] = c
        self.fake.calls.append(("create", c.name))
        return c

    def list(self, all: bool = False, filters: dict | None = None, sparse: bool = False):  # noqa: A002
        return [self.prepare_model(s) for s in self.fake.api.containers(all=all, filters=filters)]

    def prepare_model(self, attrs: dict) -> SDKContainer:
        return SDKContainer(attrs=attrs, client=self.fake, collection=self)


class FakeImages:
    def __init__(self, fake: FakeClient):
        self.fake = fake

    def get(self, ref: str) -> FakeImage:
        ref = str(ref)
        if ref != ref.lower() or " " in ref:
            raise de.APIError("400 Client Error: Bad Request",
                              explanation=f"no such image: {ref}: invalid reference format: "
                                          "repository name must be lowercase")
        for img in self.fake._images.values():
            if _full_ref(ref) in img.tags or img.id == ref or img.id[7:].startswith(ref.removeprefix("sha256:")):
                return img
        raise image_not_found(ref)

    def list(self, name=None, all=False, filters=None):  # noqa: A002
        return [self.get(s["Id"]) for s in self.fake.api.images(name=name, filters=filters)]

    def remove(self, image: str, force: bool = False, noprune: bool = False) -> None:
        self.fake.api.remove_image(image, force=force)

    def prepare_model(self, attrs: dict) -> SDKImage:
        return SDKImage(attrs=attrs, client=self.fake, collection=self)


class FakeVolumes:
    def __init__(self, fake: FakeClient):
        self.fake = fake

    def create(self, name: str, labels: dict | None = None, **_kw):
        if " " in name or "/" in name:
            raise de.APIError("400 Client Error: Bad Request",
                              explanation=f'create {name}: "{name}" includes invalid characters for a local volume '
                                          'name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to '
                                          "pass a host directory, use absolute path")
        self.fake._volumes.setdefault(name, dict(labels or {}))  # an existing volume is returned as it is
        self.fake.calls.append(("create_volume", name))
        return self.prepare_model(self.fake.api.inspect_volume(name))

    def get(self, name: str):
        return self.prepare_model(self.fake.api.inspect_volume(name))

    def list(self, filters: dict | None = None, **_kw):
        return [self.prepare_model(v) for v in self.fake.api.volumes(filters=filters)["Volumes"]]

    def prepare_model(self, attrs: dict) -> SDKVolume:
        return SDKVolume(attrs=attrs, client=self.fake, collection=self)


class FakeNetworks:
    def __init__(self, fake: FakeClient):
        self.fake = fake

    def create(self, name: str, driver: str = "bridge", labels: dict | None = None, check_duplicate=None, **_kw):
        if check_duplicate and any(n["Name"] == name for n in self.fake._networks.values()):
            raise de.APIError("409 Client Error: Conflict", explanation=f"network with name {name} already exists")
        nid = _new_id("network")
        self.fake._networks[nid] = {"Id": nid, "Name": name, "Driver": driver, "Scope": "local",
                                    "Labels": dict(labels or {})}
        self.fake.calls.append(("create_network", name))
        return self.prepare_model(self.fake._networks[nid])

    def list(self, names=None, filters=None, **_kw):
        return [self.prepare_model(n) for n in self.fake.api.networks(filters=filters)
                if not names or n["Name"] in names]

    def get(self, network_id: str, **_kw):
        return self.prepare_model(self.fake.api.inspect_network(network_id))

    def prepare_model(self, attrs: dict) -> SDKNetwork:
        return SDKNetwork(attrs=attrs, client=self.fake, collection=self)


class FakeAPI:
    api_version = "1.41"

    def __init__(self, fake: FakeClient):
        self.fake = fake
        self._execs: dict[str, tuple] = {}

    # -- lists ---------------------------------------------------------------------------------
    def containers(self, all: bool = False, filters: dict | None = None, **_kw) -> list[dict]:  # noqa: A002
        self.fake.calls.append(("list_containers", all, filters))
        out = []
        for c in self.fake._containers.values():
            if not all and c.status not in ("running", "paused"):
                continue
            if not _label_match(c.labels, filters):
                continue
            names = _as_list((filters or {}).get("name"))
            if names and not any(n in c.name for n in names):
                continue
            volumes = _as_list((filters or {}).get("volume"))
            if volumes and not set(volumes) & set(c.volume_names()):
                continue
            out.append(c.summary())
        return out

    def images(self, name: str | None = None, filters: dict | None = None, all: bool = False, **_kw):  # noqa: A002
        out = []
        for img in self.fake._images.values():
            if not _label_match(img.labels, filters):
                continue
            if name and not any(t.rsplit(":", 1)[0] == name or t == name for t in img.tags):
                continue
            out.append(img.summary())
        return out

    def volumes(self, filters: dict | None = None) -> dict:
        return {"Volumes": [self.inspect_volume(n) for n, labels in self.fake._volumes.items()
                            if _label_match(labels, filters)]}

    def inspect_volume(self, name: str) -> dict:
        if name not in self.fake._volumes:
            raise de.NotFound("404 Client Error: Not Found", explanation=f"get {name}: no such volume")
        return {"CreatedAt": "2026-11-29T23:20:25Z", "Driver": "local", "Labels": self.fake._volumes[name] or None,
                "Mountpoint": f"/var/lib/docker/volumes/{name}/_data", "Name": name, "Options": None, "Scope": "local"}

    def diff(self, container: str) -> list[dict] | None:
        return [dict(ch) for ch in self.fake.containers.get(container).changes] or None

    def networks(self, filters: dict | None = None, **_kw) -> list[dict]:
        return [dict(n) for n in self.fake._networks.values() if _label_match(n["Labels"], filters)]

    # -- removals ------------------------------------------------------------------------------
    def remove_container(self, container: str, force: bool = False, v: bool = False, **_kw) -> None:
        self.fake.containers.get(container).remove(force=force, v=v)

    def remove_image(self, image: str, force: bool = False, noprune: bool = False) -> list[dict]:
        img = self.fake.images.get(image)
        full = _full_ref(image)
        users = [c for c in self.fake._containers.values() if c.image is img]
        if full in img.tags and len(img.tags) > 1:
            img.tags.remove(full)
            self.fake.calls.append(("untag", full))
            return [{"Untagged": full}]
        if users and not force:
            if full in img.tags:
                raise de.APIError("409 Client Error: Conflict",
                                  explanation=f'conflict: unable to remove repository reference "{image}" (must '
                                              f"force) - container {users[0].id[:12]} is using its referenced image "
                                              f"{img.id[7:19]}")
            raise de.APIError("409 Client Error: Conflict",
                              explanation=f"conflict: unable to delete {img.id[7:19]} (must be forced) - image is "
                                          f"being used by stopped container {users[0].id[:12]}")
        self.fake._images.pop(img.id)
        self.fake.calls.append(("remove_image", image))
        return [{"Untagged": t} for t in img.tags] + [{"Deleted": img.id}]

    def remove_volume(self, name: str, force: bool = False) -> None:
        self.inspect_volume(name)
        users = [c.id for c in self.fake._containers.values() if name in c.volume_names()]
        if users:
            raise de.APIError("409 Client Error: Conflict",
                              explanation=f"remove {name}: volume is in use - [{', '.join(users)}]")
        self.fake._volumes.pop(name)
        self.fake.calls.append(("remove_volume", name))

    def remove_network(self, net_id: str) -> None:
        net = self._network(net_id)
        if net["Name"] in ("bridge", "host", "none"):
            raise de.APIError("403 Client Error: Forbidden",
                              explanation=f"{net['Name']} is a pre-defined network and cannot be removed")
        if self.inspect_network(net["Id"])["Containers"]:
            raise de.APIError("403 Client Error: Forbidden",
                              explanation=f"error while removing network: network {net['Name']} id {net['Id']} has "
                                          "active endpoints")
        self.fake._networks.pop(net["Id"])
        self.fake.calls.append(("remove_network", net_id))

    # -- networks: inspect, connect, disconnect (engine 20.10 wording) ----------------------------
    def find_network(self, ref: str) -> dict | None:
        """The stored network called ``ref`` (name, full id or id prefix), or None."""
        for net in self.fake._networks.values():
            if net["Name"] == ref or net["Id"] == ref:
                return net
        found = [n for n in self.fake._networks.values() if len(ref) >= 3 and n["Id"].startswith(ref)]
        return found[0] if len(found) == 1 else None

    def _network(self, ref: str) -> dict:
        net = self.find_network(ref)
        if net is None:
            raise de.NotFound("404 Client Error: Not Found", explanation=f"network {ref} not found")
        return net

    def address(self, c, name: str) -> None:
        """Give ``c`` an address on the network ``name`` (172.18+N.0.x; 172.17.0.x on the default bridge)."""
        if name in ("host", "none"):
            return
        names = [n["Name"] for n in self.fake._networks.values()]
        third = 17 if name == "bridge" else 18 + (names.index(name) if name in names else len(names))
        used = {s.get("IPAddress") for other in self.fake._containers.values() for n, s in other.networks.items()
                if n == name}
        host = next(i for i in itertools.count(2) if f"172.{third}.0.{i}" not in used)
        c.networks[name].update(IPAddress=f"172.{third}.0.{host}", Gateway=f"172.{third}.0.1",
                                MacAddress=f"02:42:ac:{third:02x}:00:{host:02x}")

    def inspect_network(self, net_id: str, **_kw) -> dict:
        net = copy.deepcopy(self._network(net_id))
        net.setdefault("IPAM", {"Driver": "default", "Config": []})
        running = [c for c in self.fake._containers.values() if c.status in ("running", "paused")
                   and net["Name"] in c.networks and net["Name"] not in ("host", "none")]
        recorded = net.get("Containers") or {}
        net["Containers"] = {**recorded, **{c.id: {"Name": c.name, "EndpointID": _new_id("endpoint"),
                                                   "MacAddress": c.networks[net["Name"]].get("MacAddress", ""),
                                                   "IPv4Address": c.networks[net["Name"]].get("IPAddress", "") + "/16",
                                                   "IPv6Address": ""} for c in running}}
        return net

    def connect_container_to_network(self, container: str, net_id: str, aliases=None, **_kw) -> None:
        net = self._network(net_id)
        c = self.fake.containers.get(container)
        if net["Name"] == "host" or c.network_mode == "host":
            raise de.APIError("400 Client Error: Bad Request",
                              explanation="container cannot be disconnected from host network or connected to host "
                                          "network")
        if net["Name"] == "none" or c.network_mode == "none":
            raise de.APIError("400 Client Error: Bad Request",
                              explanation="container cannot be connected to multiple networks with one of the "
                                          "networks in private (none) mode")
        if net["Name"] in c.networks:
            raise de.APIError("403 Client Error: Forbidden",
                              explanation=f"endpoint with name {c.name} already exists in network {net['Name']}")
        c.networks[net["Name"]] = {"Aliases": list(aliases) if aliases else None}
        self.address(c, net["Name"])
        self.fake.calls.append(("connect", net["Name"], c.name, list(aliases or [])))

    def disconnect_container_from_network(self, container: str, net_id: str, force: bool = False) -> None:
        net = self._network(net_id)
        c = self.fake.containers.get(container)
        if net["Name"] not in c.networks:
            raise de.APIError("500 Server Error: Internal Server Error",
                              explanation=f"container {c.id} is not connected to network {net['Name']}")
        del c.networks[net["Name"]]
        self.fake.calls.append(("disconnect", net["Name"], c.name, force))

    # -- exec ----------------------------------------------------------------------------------
    def exec_create(self, container: str, cmd, workdir=None, user="", environment=None, **_kw) -> dict:
        key = " ".join(cmd) if isinstance(cmd, list) else cmd
        exec_id = _new_id("exec")
        self._execs[exec_id] = self.fake.exec_results.get(key, (b"", None, 0))
        self.fake.calls.append(("exec", container, key, workdir, user, environment))
        return {"Id": exec_id}

    def exec_start(self, exec_id: str, demux: bool = False, **_kw):
        out, err, _code = self._execs[exec_id]
        return (out, err) if demux else (out or b"") + (err or b"")

    def exec_inspect(self, exec_id: str) -> dict:
        return {"ExitCode": self._execs[exec_id][2], "Running": False}

    # -- files (docker cp) ---------------------------------------------------------------------------
    def get_archive(self, container: str, path: str, **_kw):
        """The container's file ``path`` from ``fake.files[(name, path)]`` as the engine's tar stream and stat."""
        c = self.fake.containers.get(container)
        if (c.name, path) not in self.fake.files:
            raise de.NotFound("404 Client Error: Not Found", explanation=f"Could not find the file {path} in container")
        data = self.fake.files[(c.name, path)]
        name = path.rstrip("/").rsplit("/", 1)[-1]
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        return iter([buf.getvalue()]), {"name": name, "size": len(data), "mode": 0o644}

    def put_archive(self, container: str, path: str, data: bytes) -> bool:
        c = self.fake.containers.get(container)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            for m in tar.getmembers():
                if m.isfile():
                    self.fake.files[(c.name, f"{path.rstrip('/')}/{m.name}")] = tar.extractfile(m).read()
        self.fake.calls.append(("put_archive", c.name, path))
        return True

    # -- streams -------------------------------------------------------------------------------
    def pull(self, repository: str, tag: str | None = None, stream: bool = False, decode: bool = False, **_kw):
        self.fake.calls.append(("pull", f"{repository}:{tag}"))
        if not (stream and decode):
            raise TypeError("FakeAPI.pull fakes only the decoded stream (stream=True, decode=True)")
        if isinstance(self.fake.pull_result, Exception):
            raise self.fake.pull_result  # the request itself failed (before any event)
        return _stream(list(self.fake.pull_result), lambda: self.fake.add_image(f"{repository}:{tag}"))

    def push(self, repository: str, tag: str | None = None, stream: bool = False, decode: bool = False, **_kw):
        self.fake.calls.append(("push", f"{repository}:{tag}"))
        return iter(list(self.fake.push_events))

    def build(self, path=None, tag=None, labels=None, **kwargs):
        self.fake.calls.append(("build", path, tag, labels))
        return _stream(list(self.fake.build_events), lambda: self.fake.add_image(tag, labels=labels))

    def search(self, term: str, limit: int | None = None):
        if isinstance(self.fake.search_result, Exception):
            raise self.fake.search_result
        return self.fake.search_result


def _stream(events: list[dict], on_success: Callable[[], object]) -> Iterator[dict]:
    """Yield ``events`` one at a time, as the engine streams them; ``on_success`` after a clean end."""
    yield from events
    if not any("error" in e for e in events):
        on_success()


class FakeClient:
    """The fake ``docker.DockerClient``."""

    def __init__(self):
        self._containers: dict[str, FakeContainer] = {}
        self._images: dict[str, FakeImage] = {}
        self._volumes: dict[str, dict] = {}
        self._networks: dict[str, dict] = {}
        self.calls: list[tuple] = []
        self.created: list[dict] = []
        self.outputs: dict[str, tuple[bytes, int]] = {}  # container command -> (logs, exit code)
        self.exec_results: dict[str, tuple] = {}  # exec command -> (stdout, stderr, exit code)
        self.files: dict[tuple[str, str], bytes] = {}  # (container name, path) -> a file's bytes (docker cp)
        self.pull_result: list[dict] | Exception = [{"status": "Status: Downloaded newer image"}]
        self.push_events: list[dict] = []
        self.build_events: list[dict] = [{"stream": "Step 1/1 : FROM busybox:1.35\n"}]
        self.search_result: list[dict] | Exception = []
        self.api = FakeAPI(self)
        self.containers = FakeContainers(self)
        self.images = FakeImages(self)
        self.volumes = FakeVolumes(self)
        self.networks = FakeNetworks(self)
        for name, nid in (("bridge", "b" * 64), ("host", "h" * 64), ("none", "n" * 64)):
            self._networks[nid] = {"Id": nid, "Name": name, "Driver": "null" if name == "none" else name,
                                   "Scope": "local", "Labels": {}}

    # -- setup helpers for tests -----------------------------------------------------------------
    def add_image(self, *tags: str, labels: dict | None = None, size: int = 2_000_000,
                  cmd: list[str] | None = None, layers: list[dict] | None = None) -> FakeImage:
        for t in tags:
            self._untag_everywhere(t)
        img = FakeImage(self, [_full_ref(t) for t in tags], labels, size, cmd, layers)
        self._images[img.id] = img
        return img

    def add_container(self, name: str, image: str = "busybox:1.35", *, labels: dict | None = None,
                      running: bool = True, ports: dict | None = None, command=None) -> FakeContainer:
        c = self.containers.create(image, command or ["sleep", "300"], name=name, labels=labels, ports=ports)
        if running:
            c.start()
        self.calls.clear()
        self.created.clear()
        return c

    def _untag_everywhere(self, ref: str) -> None:
        for img in self._images.values():
            if ref in img.tags:
                img.tags.remove(ref)

    def container_names(self) -> set[str]:
        return {c.name for c in self._containers.values()}

    # -- client-level calls ----------------------------------------------------------------------
    def ping(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def version(self) -> dict:
        return {"Version": "20.10.24", "ApiVersion": "1.41", "Os": "linux", "Arch": "amd64",
                "KernelVersion": "6.1", "Components": [{"Name": "Engine", "Version": "20.10.24"}]}

    def info(self) -> dict:
        return {"Containers": len(self._containers), "Images": len(self._images)}

    def login(self, username=None, password=None, registry=None, reauth=False, **_kw) -> dict:
        return {"Status": "Login Succeeded"}


class NoEngine:
    """A client for code that must not reach the engine: any use of it fails the test.

    Install it as ``STATE.client``. It raises pytest's own failure (a ``BaseException``, so a broad
    ``except Exception`` in the code under test cannot swallow it) and also keeps what was asked
    in ``touched``, for a test to assert on even if something catches everything.
    """

    def __init__(self):
        object.__setattr__(self, "touched", [])

    def __getattr__(self, name: str):
        self.touched.append(name)
        pytest.fail(f"the engine was used (client.{name}) where no engine call is expected")

    def __setattr__(self, name: str, value) -> None:
        self.__getattr__(name)


def printed(capsys) -> list[str]:
    """Lines the helpers printed since the last call."""
    return capsys.readouterr().out.splitlines()
