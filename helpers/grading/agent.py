"""The grader's trusted agent inside one worker: heals the engine, and re-checks every graded cell.

It runs as the worker's user — never root — with ``python -I`` (no folder of the learner's on its import
path), a clean environment and no new privileges, in the worker engine's network namespace but outside the
kernel's view and process namespace: nothing a submission does to its own Python (replaced checks, replaced
``showtraceback``, objects equal to everything, input transformers) reaches it, and it can reach nothing
the worker's user cannot. It speaks JSON lines on stdin/stdout::

    {"op": "heal"}                      -> {"ok": true, "damage": ["...Korean..."], "layers": [...]}
    {"op": "mark"}                      -> {"ok": true}   (the exercise began: the engine's clock now)
    {"op": "check", "source": "...", "vars": {...}, "cwd": "..."} -> {"ok": false, "error": "CheckFailed: ..."}

Started as ``python -I -m helpers.grading.agent KIT_FD IDS_FD``: the kit archive and its image IDs come as
descriptors root opened (the archive stays in root's folder).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import traceback

DEFAULT_NETWORKS = {"bridge", "host", "none"}


class Agent:
    def __init__(self, kit_fd: int, ids_fd: int):
        import importlib

        # The instructor's test cells call `h.checks...`, `h.registry...`: this separate process (its own entry
        # point, never imported by the package) hands them the whole package under that name.
        self.h = importlib.import_module(__package__.split(".")[0])
        self.kit_fd = kit_fd
        with os.fdopen(ids_fd, "rb") as f:
            self.kit_ids = json.loads(f.read())
        self.run = None

    # -- self-healing between submissions -----------------------------------------------------------
    def heal(self, registry: bool = True) -> list[str]:
        """Bring the engine back to exactly the kit (and, with ``registry``, an empty course registry) and
        nothing else. Returns what the submission had damaged (Korean lines) — not its ordinary leftovers."""
        import docker.errors as de

        api = self._engine()
        damage: list[str] = []
        for c in api.containers(all=True):
            with contextlib.suppress(de.APIError):
                api.remove_container(c["Id"], force=True, v=True)
        for v in api.volumes().get("Volumes") or []:
            with contextlib.suppress(de.APIError):
                api.remove_volume(v["Name"], force=True)
        for n in api.networks():
            if n["Name"] not in DEFAULT_NETWORKS:
                with contextlib.suppress(de.APIError):
                    api.remove_network(n["Id"])
        have = {t: img["Id"] for img in api.images() for t in img.get("RepoTags") or []}
        wrong = sorted(n for n, i in self.kit_ids.items() if have.get(n) != i)
        if wrong:
            damage.append("과정 키트 이미지가 지워지거나 다른 이미지로 바뀌어 있었습니다: " + ", ".join(wrong))
            os.lseek(self.kit_fd, 0, os.SEEK_SET)
            with os.fdopen(os.dup(self.kit_fd), "rb") as data:
                for _event in api.load_image(data):
                    pass
        keep = set(self.kit_ids.values())
        for img in api.images():  # other names on kit images (a pull of a kit image from the registry, a tag)
            for tag in img.get("RepoTags") or []:
                if img["Id"] in keep and tag not in self.kit_ids:
                    with contextlib.suppress(de.APIError):
                        api.remove_image(tag)
        for _ in range(3):  # children before parents
            extra = [img["Id"] for img in api.images(all=True) if img["Id"] not in keep]
            if not extra:
                break
            for image_id in extra:
                with contextlib.suppress(de.APIError):
                    api.remove_image(image_id, force=True)
        # BuildKit's build cache lives in the worker's kept data folder, outside any image: a submission could leave
        # an entry there (even one edited on disk through a bind mount) that the next submission's build would
        # take as CACHED. This engine is the grader's own, so all of its cache goes; an error here stops the run.
        api.prune_builds(all=True)
        for name, image_id in self.kit_ids.items():  # a kit id that lost its name gets it back
            repo, tag = name.rsplit(":", 1)
            if name not in {t for img in api.images() for t in img.get("RepoTags") or []}:
                api.tag(image_id, repo, tag)
        if registry:  # an empty course registry (the scratch folder is new), as the setup cell expects
            with self.h.quiet():
                self.h.registry.start(chapter="registry")
        return damage

    def layers(self) -> list[dict]:
        """GraphDriver.Data of every kit image: root fingerprints these folders (``kitcheck``)."""
        api = self.h.client().api
        return [(api.inspect_image(i).get("GraphDriver") or {}).get("Data") or {} for i in set(self.kit_ids.values())]

    def _engine(self, timeout: float = 30):
        """The worker's new engine, once it answers."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            try:
                api = self.h.client().api
                api.ping()
                return api
            except Exception:  # noqa: BLE001 - not up yet: connect anew next time
                self.h.disconnect()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    # -- the exercise clock and the re-check ---------------------------------------------------------
    def mark(self) -> None:
        """The setup cell finished: objects made from now on are the learner's (the engine's clock)."""
        from .clock import engine_time
        from .exercise import Run

        self.run = Run("", "", engine_time())

    def check(self, source: str, variables: dict, cwd: str | None = None) -> str | None:
        """Run one graded cell's code here, with the learner's values as plain data; the error, or None."""
        from .checks.base import plain

        if cwd:  # relative paths in a check mean the learner's folder (this process imports nothing from it)
            with contextlib.suppress(OSError):
                os.chdir(cwd)
        names = {k: plain(v, k) for k, v in variables.items() if k not in ("h", "run", "REG")}
        namespace = {"h": self.h, "run": self.run, "REG": self.h.registry.address(), **names}
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(source, "<채점 셀>", "exec"), namespace)  # noqa: S102 - the instructor's test code
        except Exception as exc:  # noqa: BLE001 - every failure is the learner's result
            text = str(exc) or traceback.format_exception_only(type(exc), exc)[-1].strip()
            return f"{type(exc).__name__}: {text}"[:4000]
        return None


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    agent = Agent(int(args[0]), int(args[1]))
    out = sys.stdout
    sys.stdout = sys.stderr  # only replies go to the grader
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["op"] == "heal":
                reply = {"ok": True, "damage": agent.heal(request.get("registry", True)), "layers": agent.layers()}
            elif request["op"] == "mark":
                agent.mark()
                reply = {"ok": True}
            elif request["op"] == "check":
                error = agent.check(request["source"], request.get("vars") or {}, request.get("cwd"))
                reply = {"ok": error is None, "error": error}
            else:
                reply = {"ok": False, "error": f"unknown op {request['op']!r}"}
        except Exception as exc:  # noqa: BLE001 - reported to the grader, which fails the submission
            reply = {"ok": False, "error": f"agent: {type(exc).__name__}: {exc}", "broken": True}
        out.write(json.dumps(reply, ensure_ascii=False) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
