"""Re-record the inspect answers the chapter 10 checks read (needs a real engine; not a test).

    .venv/bin/python tests/unit/grading/recorded/record_operating.py

Makes ``recordtest-*`` busybox containers: one restarted by its ``on-failure`` policy after ``kill 1`` inside it,
one with a policy restarted by hand (``docker restart``), a healthy and an unhealthy healthcheck, one without any,
one run as ``-u 1000:1000 --read-only --tmpfs /tmp --cap-drop ALL``, one with ``--cap-drop chown``, and one run by
digest after pushing to the course registry (``127.0.0.1:PORT/recordtest-pinned:1.0``); records ``docker inspect``
(``State``, ``RestartCount``, ``HostConfig``, ``Config``) and the image records, into ``operating.json``, and removes
everything by id and name.
"""

from __future__ import annotations

import contextlib
import time

import docker
from record import BUSYBOX, PREFIX, pick, write


def record(c, made_by: str) -> dict:
    c.reload()
    a = c.attrs
    return {"_made_by": made_by, **pick(a, "Id", "Name", "Created", "Image", "RestartCount"),
            "State": pick(a["State"], "Status", "Running", "ExitCode", "StartedAt", "FinishedAt", "Health"),
            "Config": pick(a["Config"], "Image", "Cmd", "User", "Healthcheck"),
            "HostConfig": pick(a["HostConfig"], "RestartPolicy", "ReadonlyRootfs", "CapDrop", "CapAdd", "Tmpfs")}


def main() -> None:
    import helpers as h

    client = docker.from_env()
    made: list[str] = []
    loop = ["sh", "-c", "trap 'exit 1' TERM; while :; do sleep 1; done"]
    web = ["sh", "-c", "echo ok > /tmp/index.html && httpd -f -p 8080 -h /tmp"]
    registry_was_up = h.registry.running()
    pinned = None
    try:
        def run(key, command, **kw):
            c = client.containers.run(kw.pop("image", BUSYBOX), command, name=PREFIX + key, detach=True, **kw)
            made.append(c.id)
            return c

        phoenix = run("phoenix", loop, restart_policy={"Name": "on-failure"})
        by_hand = run("by-hand", loop, restart_policy={"Name": "always"})
        plain = run("plain", ["sleep", "3600"])
        healthy = run("healthy", web, healthcheck={"test": ["CMD-SHELL", "wget -q -O - http://127.0.0.1:8080/"],
                                                   "interval": 1_000_000_000, "retries": 2})
        sick = run("sick", web, healthcheck={"test": ["CMD-SHELL", "wget -q -O - http://127.0.0.1:8080/nothing"],
                                             "interval": 1_000_000_000, "retries": 2})
        locked = run("locked", ["sleep", "3600"], user="1000:1000", read_only=True, tmpfs={"/tmp": ""}, cap_drop=["ALL"])
        nochown = run("nochown", ["sleep", "3600"], cap_drop=["chown"])
        phoenix.exec_run(["kill", "1"])
        by_hand.restart(timeout=1)
        with h.quiet():
            h.registry.start(chapter="registry")
            pinned = f"{h.registry.address()}/{PREFIX}pinned:1.0"
            client.images.get(BUSYBOX).tag(pinned)
            client.images.push(pinned)
        digest_ref = client.images.get(pinned).attrs["RepoDigests"][0]
        by_digest = run("by-digest", ["sleep", "3600"], image=digest_ref)
        by_tag = run("by-tag", ["sleep", "3600"], image=pinned)
        time.sleep(6)
        containers = {k: record(c, made) for k, c, made in [
            ("phoenix", phoenix, "docker run -d --restart on-failure busybox sh -c \"trap 'exit 1' TERM; ...\"; docker exec kill 1"),
            ("by_hand", by_hand, "docker run -d --restart always ...; docker restart -t 1"),
            ("plain", plain, "docker run -d busybox sleep 3600"),
            ("healthy", healthy, "docker run -d --health-cmd 'wget -q -O - http://127.0.0.1:8080/' --health-interval 1s ..."),
            ("sick", sick, "docker run -d --health-cmd 'wget ... /nothing' --health-interval 1s --health-retries 2 ..."),
            ("locked", locked, "docker run -d -u 1000:1000 --read-only --tmpfs /tmp --cap-drop ALL busybox sleep 3600"),
            ("nochown", nochown, "docker run -d --cap-drop chown busybox sleep 3600"),
            ("by_digest", by_digest, "docker run -d REGISTRY/recordtest-pinned@sha256:... sleep 3600"),
            ("by_tag", by_tag, "docker run -d REGISTRY/recordtest-pinned:1.0 sleep 3600"),
        ]}
        image = client.api.inspect_image(pinned)
        write("operating", {"containers": containers,
                            "image": pick(image, "Id", "RepoTags", "RepoDigests", "Created")})
    finally:
        for cid in made:
            client.api.remove_container(cid, force=True, v=True)
        if pinned:
            for ref in (pinned, *client.api.inspect_image(BUSYBOX).get("RepoDigests", [])):
                if PREFIX in ref:  # the digest name goes with the repository's last tag
                    with contextlib.suppress(docker.errors.NotFound):
                        client.api.remove_image(ref)
            with h.quiet():
                h.registry.delete(f"{PREFIX}pinned")
                if not registry_was_up:
                    h.registry.stop()


if __name__ == "__main__":
    main()
