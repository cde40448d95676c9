"""The ``$ docker ...`` line every helper prints before it acts, built in one place.

Model: python-on-whales' ``Command`` (``add_flag``, ``add_simple_arg``, ``add_args_iterable``). The
line is what a learner can type in a terminal against the same engine to do the same thing.
"""

from __future__ import annotations

import shlex

from . import ports as _ports
from ._state import STATE


class Command(list):
    """One docker command line, part by part. ``line()`` gives ``$ docker ...``."""

    def __init__(self, *parts: object, env: dict[str, str] | None = None):
        super().__init__()
        self.env = dict(env or {})  # variables the CLI needs for the same behaviour (DOCKER_BUILDKIT=0)
        self.add_args(*parts)

    def add_args(self, *parts: object) -> Command:
        """Append positional parts; ``None``/``""`` are skipped, lists are spread."""
        for part in parts:
            if part is None or part == "":
                continue
            if isinstance(part, (list, tuple)):
                self.add_args(*part)
            else:
                self.append(str(part))
        return self

    def add_flag(self, flag: str, on: object = True) -> Command:
        """``-d`` when ``on`` is truthy."""
        if on:
            self.append(flag)
        return self

    def add_simple_arg(self, flag: str, value: object) -> Command:
        """``--name web`` when ``value`` is set."""
        if value is not None and value != "":
            self += [flag, str(value)]
        return self

    def add_args_iterable(self, flag: str, values) -> Command:
        """``-e A=1 -e B=2`` for each value."""
        for value in values or ():
            self += [flag, str(value)]
        return self

    def line(self) -> str:
        prefix = "".join(f"{k}={shlex.quote(v)} " for k, v in self.env.items())
        return f"$ {prefix}docker " + " ".join(_quote(p) for p in self)

    def __str__(self) -> str:
        return self.line()

    def echo(self) -> str:
        """Print the line (unless the helpers are quiet) and return it."""
        text = self.line()
        if STATE.echo:
            print(text, flush=True)
        return text


def _quote(part: str) -> str:
    if part.startswith("-"):
        flag, eq, value = part.partition("=")
        return f"{flag}={shlex.quote(value)}" if eq else part
    return shlex.quote(part)


def echo(*parts: object, env: dict[str, str] | None = None) -> str:
    """Print ``$ docker <parts>`` (unless quiet) and return it."""
    return Command(*parts, env=env).echo()


def container_command(verb: str, image: str, argv: list[str] | None = None, *, name: str | None = None,
                      detach: bool = False, interactive: bool = False, rm: bool = False, publish_all: bool = False,
                      ports=None, environment: dict | None = None, volumes=None, network: str | None = None,
                      working_dir: str | None = None, entrypoint=None, user: str | None = None,
                      tmpfs=None) -> Command:
    """``docker run``/``docker create`` with the options the course uses, in the CLI's usual order.

    ``volumes`` is docker-py's dict (``{"src": {"bind": "/data", "mode": "ro"}}``) or a list of ``-v``
    strings; ``tmpfs`` is docker-py's dict (``{"/scratch": ""}`` or ``{"/scratch": "size=64m"}``) or a list of
    paths, each shown as ``--tmpfs /scratch[:options]``.
    """
    cmd = Command(verb).add_flag("-d", detach).add_flag("-it", interactive).add_flag("--rm", rm)
    cmd.add_simple_arg("--name", name).add_flag("-P", publish_all).add_args(_ports.flags(ports))
    cmd.add_args_iterable("-e", [f"{k}={v}" for k, v in (environment or {}).items()])
    if isinstance(volumes, dict):
        for src, spec in volumes.items():
            bind = spec.get("bind") if isinstance(spec, dict) else spec
            mode = spec.get("mode") if isinstance(spec, dict) else None
            if isinstance(spec, dict) and "ro" in spec:  # docker-py's other spelling: {"bind": ..., "ro": True}
                mode = "ro" if spec["ro"] else None
            cmd.add_simple_arg("-v", f"{src}:{bind}" + (f":{mode}" if mode and mode != "rw" else ""))
    else:
        cmd.add_args_iterable("-v", volumes)
    if isinstance(tmpfs, dict):
        cmd.add_args_iterable("--tmpfs", [f"{path}:{opts}" if opts else path for path, opts in tmpfs.items()])
    else:
        cmd.add_args_iterable("--tmpfs", tmpfs)
    cmd.add_simple_arg("--network", network).add_simple_arg("-w", working_dir).add_simple_arg("-u", user)
    if entrypoint is not None:
        cmd.add_args(f"--entrypoint={' '.join(entrypoint) if isinstance(entrypoint, list) else entrypoint}")
    return cmd.add_args(image, argv)
