"""Re-record ``networks.json``, the network answers the grading unit tests replay (needs a real engine; not a test).

    .venv/bin/python tests/unit/grading/recorded/record_networks.py

Creates a network and containers called ``recordtest8-*``, reads what the network checks read (``docker network
inspect``, each container's ``NetworkSettings``/``HostConfig`` and list row, name lookups run inside containers),
writes ``networks.json`` next to this script, and removes everything it made by id (never prunes). Each record
keeps only the fields the checks read plus ids and names; ``_made_by`` says how the object was made.
"""

from __future__ import annotations

import json
from pathlib import Path

import docker

HERE = Path(__file__).parent
PREFIX = "recordtest8-"
NET = PREFIX + "net"
SLEEP = ["sleep", "3600"]


def pick(d: dict | None, *keys: str) -> dict:
    return {k: d[k] for k in keys if d and k in d}


def container_record(c, made_by: str) -> dict:
    c.reload()
    a = c.attrs
    nets = {name: pick(s, "Aliases", "NetworkID", "Gateway", "IPAddress", "IPPrefixLen", "MacAddress")
            for name, s in (a["NetworkSettings"].get("Networks") or {}).items()}
    return {
        "_made_by": made_by,
        **pick(a, "Id", "Name", "Created", "Image"),
        "State": pick(a["State"], "Status", "Running", "ExitCode", "StartedAt", "FinishedAt"),
        "Config": pick(a["Config"], "Image", "Cmd", "ExposedPorts"),
        "HostConfig": pick(a["HostConfig"], "NetworkMode", "PortBindings", "PublishAllPorts"),
        "NetworkSettings": {"Ports": a["NetworkSettings"].get("Ports"), "Networks": nets},
    }


def list_record(api, cid: str) -> dict:
    (row,) = api.containers(all=True, filters={"id": cid})
    nets = {name: pick(s, "NetworkID", "IPAddress") for name, s in (row["NetworkSettings"].get("Networks") or {}).items()}
    return {**pick(row, "Id", "Names", "Image", "State", "Status", "HostConfig", "Ports"),
            "NetworkSettings": {"Networks": nets}}


def network_record(api, name: str, ours: set[str]) -> dict:
    a = api.inspect_network(name)
    return {**pick(a, "Name", "Id", "Created", "Scope", "Driver", "Internal", "IPAM", "Labels"),
            "Containers": {cid: pick(e, "Name", "EndpointID", "MacAddress", "IPv4Address", "IPv6Address")
                           for cid, e in (a.get("Containers") or {}).items() if cid in ours}}


def main() -> None:
    client = docker.from_env()
    api = client.api
    made: list = []
    network = None
    try:
        network = client.networks.create(NET, driver="bridge", check_duplicate=True)

        def run(key: str, image: str = "busybox:1.35", command=SLEEP, **kw):
            c = client.containers.run(image, command, name=PREFIX + key, detach=True, **kw)
            made.append(c)
            return c

        made_by = {
            "api": f"docker run -d --name {PREFIX}api --network {NET} busybox:1.35 sleep 3600",
            "web_local": f"docker run -d --name {PREFIX}web-local --network {NET} -p 127.0.0.1:38088:8000 "
                         "python:3.11-slim sleep 3600",
            "web_all": f"docker run -d --name {PREFIX}web-all --network {NET} -p 38089:8000 python:3.11-slim sleep 3600",
            "old": f"docker run -d --name {PREFIX}old busybox:1.35 sleep 3600   # the default bridge",
            "two": f"docker run -d --name {PREFIX}two busybox:1.35 sleep 3600; docker network connect {NET} {PREFIX}two",
            "alone": f"docker run -d --name {PREFIX}alone --network none busybox:1.35 sleep 3600",
            "hostnet": f"docker run -d --name {PREFIX}hostnet --network host busybox:1.35 sleep 3600",
            "stopped": f"docker run -d --name {PREFIX}stopped --network {NET} busybox:1.35 true   # exited",
            "cut_off": f"docker run -d --name {PREFIX}cut-off busybox:1.35 sleep 3600; "
                       f"docker network disconnect bridge {PREFIX}cut-off",
        }
        c = {
            "api": run("api", network=NET),
            "web_local": run("web-local", "python:3.11-slim", network=NET, ports={"8000/tcp": ("127.0.0.1", 38088)}),
            "web_all": run("web-all", "python:3.11-slim", network=NET, ports={"8000/tcp": 38089}),
            "old": run("old"),
            "two": run("two"),
            "alone": run("alone", network="none"),
            "hostnet": run("hostnet", network="host"),
            "stopped": run("stopped", command=["true"], network=NET),
            "cut_off": run("cut-off"),
        }
        network.connect(c["two"])
        c["stopped"].wait(timeout=30)
        api.disconnect_container_from_network(c["cut_off"].id, "bridge")
        ours = {x.id for x in made}
        lookups = {}
        for key, argv in {
            "getent_api_from_web": ["getent", "hosts", PREFIX + "api"],  # python:3.11-slim has getent, no nslookup
            "getent_old_from_web": ["getent", "hosts", PREFIX + "old"],  # old is on the default bridge only
            "nslookup_from_web": ["nslookup", PREFIX + "api"],  # no such program there
        }.items():
            r = c["web_local"].exec_run(argv)
            lookups[key] = {"container": "web_local", "argv": argv, "exit_code": r.exit_code,
                            "output": r.output.decode("utf-8", "replace")}
        for key, argv in {
            "nslookup_api_from_two": ["nslookup", PREFIX + "api"],  # busybox: no getent, nslookup
            "getent_from_two": ["getent", "hosts", PREFIX + "api"],
        }.items():
            r = c["two"].exec_run(argv)
            lookups[key] = {"container": "two", "argv": argv, "exit_code": r.exit_code,
                            "output": r.output.decode("utf-8", "replace")}
        version = client.version()
        record = {
            "_engine": f"Docker Engine {version['Version']} (API {version['ApiVersion']}, {version['Os']}/"
                       f"{version['Arch']}), docker SDK {docker.__version__}",
            "containers": {k: container_record(x, made_by[k]) for k, x in c.items()},
            "rows": {k: list_record(api, x.id) for k, x in c.items()},
            "networks": {"net": network_record(api, NET, ours), "bridge": network_record(api, "bridge", ours),
                         "host": network_record(api, "host", ours), "none": network_record(api, "none", ours)},
            "lookups": lookups,
        }
        (HERE / "networks.json").write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    finally:
        for x in made:
            x.remove(force=True)
        if network is not None:
            network.remove()


if __name__ == "__main__":
    main()
