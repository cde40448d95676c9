"""Re-record the inspect answers and events the chapter 12 checks read (needs a real engine; not a test).

    .venv/bin/python tests/unit/grading/recorded/record_debugging.py

Makes ``recordtest-*`` containers that will not stay up, the way the chapter 12 exercise breaks them: a command
misspelled (``pyhton3``: the engine refuses the start, exit code 127 and ``State.Error``), a program that ends
with exit code 1 because its config file is missing, under ``--restart on-failure`` (a restart loop), a busybox
``httpd`` without ``-f`` (it goes to the background and the container ends with exit code 0); and one that stays up
(``httpd -f``). Records their ``docker inspect`` (``State``, ``RestartCount``, ``HostConfig.RestartPolicy``) twice,
two seconds apart, and their ``die`` events, into ``debugging.json``, and removes everything by id.
"""

from __future__ import annotations

import time

import docker
import docker.errors as de
from record import BUSYBOX, PREFIX, pick, write

APP = ("if [ ! -f /etc/app/app.conf ]; then echo 'app: /etc/app/app.conf missing' >&2; exit 1; fi; "
       "exec httpd -f -p 8080 -h /etc")


def record(c, made_by: str) -> dict:
    c.reload()
    a = c.attrs
    return {"_made_by": made_by, **pick(a, "Id", "Name", "Created", "RestartCount"),
            "State": pick(a["State"], "Status", "Running", "Restarting", "OOMKilled", "ExitCode", "Error", "StartedAt",
                          "FinishedAt"),
            "Config": pick(a["Config"], "Image", "Cmd"), "HostConfig": pick(a["HostConfig"], "RestartPolicy")}


def main() -> None:
    client = docker.from_env()
    made: list[str] = []
    began = time.time()
    try:
        def make(key, image, command, **kw):
            c = client.containers.create(image, command, name=PREFIX + key, **kw)
            made.append(c.id)
            try:
                c.start()
            except de.APIError:
                pass  # the misspelled command: the refusal is what is recorded
            return c

        typo = make("typo", "python:3.11-slim", ["pyhton3", "-m", "http.server", "8000"])
        loop = make("loop", BUSYBOX, ["sh", "-c", APP], restart_policy={"Name": "on-failure"})
        daemon = make("daemon", BUSYBOX, ["httpd", "-p", "8080", "-h", "/etc"])
        fixed = make("fixed", BUSYBOX, ["httpd", "-f", "-p", "8080", "-h", "/etc"])
        time.sleep(3)
        made_by = {"typo": "docker run --name recordtest-typo python:3.11-slim pyhton3 -m http.server 8000",
                   "loop": "docker run -d --restart on-failure busybox sh -c 'config missing -> exit 1'",
                   "daemon": "docker run -d busybox httpd -p 8080 -h /etc   (no -f: httpd goes to the background)",
                   "fixed": "docker run -d busybox httpd -f -p 8080 -h /etc"}
        first = {k: record(c, made_by[k]) for k, c in
                 (("typo", typo), ("loop", loop), ("daemon", daemon), ("fixed", fixed))}
        time.sleep(2)
        second = {k: record(c, made_by[k]) for k, c in
                  (("typo", typo), ("loop", loop), ("daemon", daemon), ("fixed", fixed))}
        stream = client.events(since=int(began) - 1, until=int(time.time()) + 1, decode=True,
                               filters={"type": "container", "event": "die"})
        events = [e for e in stream if e.get("id") in made]
        write("debugging", {"first": first, "two_seconds_later": second, "die_events": events})
    finally:
        for cid in made:
            client.api.remove_container(cid, force=True, v=True)


if __name__ == "__main__":
    main()
