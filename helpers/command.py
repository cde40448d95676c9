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
                      tmpfs=None, restart_policy: dict | None = None, mem_limit=None, memswap_limit=None,
                      nano_cpus: int | None = None, pids_limit: int | None = None, read_only: bool = False,
                      cap_drop=None, cap_add=None, healthcheck: dict | None = None, privileged: bool = False,
                      init: bool | None = None, platform: str | None = None, hostname: str | None = None,
                      labels: dict | None = None, log_config=None, pid_mode: str | None = None,
                      security_opt=None, stop_signal: str | None = None, shm_size=None, extra_hosts=None,
                      dns=None) -> Command:
    """``docker run``/``docker create`` with the options the course uses, in the CLI's usual order.

    ``volumes`` is docker-py's dict (``{"src": {"bind": "/data", "mode": "ro"}}``) or a list of ``-v``
    strings; ``tmpfs`` is docker-py's dict (``{"/scratch": ""}`` or ``{"/scratch": "size=64m"}``) or a list of
    paths, each shown as ``--tmpfs /scratch[:options]``. The operating options (chapter 10) take docker-py's
    spelling (``restart_policy``, ``mem_limit``, ``nano_cpus``, ``healthcheck`` ...; see :func:`sdk_options`)
    and are shown as the CLI's (``--restart``, ``--memory``, ``--cpus``, ``--health-cmd`` ...).
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
    cmd.add_simple_arg("--hostname", hostname).add_simple_arg("--pid", pid_mode)
    cmd.add_args_iterable("--label", [f"{k}={v}" for k, v in (labels or {}).items()])
    cmd.add_args_iterable("--add-host", [f"{k}:{v}" for k, v in (extra_hosts or {}).items()]
                          if isinstance(extra_hosts, dict) else extra_hosts)
    cmd.add_args_iterable("--dns", dns).add_flag("--privileged", privileged).add_flag("--init", bool(init))
    cmd.add_args_iterable("--security-opt", security_opt).add_simple_arg("--stop-signal", stop_signal)
    cmd.add_simple_arg("--shm-size", size_flag(shm_size) if shm_size else None)
    cmd.add_simple_arg("--platform", platform)
    if log_config:
        log = log_config if isinstance(log_config, dict) else {"type": log_config.type, "config": log_config.config}
        cmd.add_simple_arg("--log-driver", log.get("type") or log.get("Type"))
        cmd.add_args_iterable("--log-opt", [f"{k}={v}" for k, v in (log.get("config") or log.get("Config") or {}).items()])
    cmd.add_args(_operating_flags(restart_policy, mem_limit, memswap_limit, nano_cpus, pids_limit, read_only,
                                  cap_drop, cap_add, healthcheck))
    entrypoint, argv = split_entrypoint(entrypoint, argv)
    if entrypoint is not None:
        cmd += ["--entrypoint", entrypoint[0]]
    return cmd.add_args(image, argv)


# docker-py's names of the container options the course knows, each shown on the echoed line (container_command);
# plus the CLI-shaped spellings sdk_options turns into them
RUN_OPTIONS = ("environment", "volumes", "network", "working_dir", "entrypoint", "user", "tmpfs", "restart_policy",
               "mem_limit", "memswap_limit", "nano_cpus", "pids_limit", "read_only", "cap_drop", "cap_add",
               "healthcheck", "privileged", "init", "platform", "hostname", "labels", "log_config", "pid_mode",
               "security_opt", "stop_signal", "shm_size", "extra_hosts", "dns")
CLI_SPELLINGS = ("restart", "memory", "memory_swap", "cpus")


def check_options(kwargs: dict, verb: str = "run") -> None:
    """Every option a helper will pass must be one the echoed line can show: anything else (a typo, an SDK option
    the course does not show) is a Korean error *before* anything is pulled or created."""
    import difflib

    from . import errors

    unknown = [k for k in kwargs if k not in RUN_OPTIONS and k not in CLI_SPELLINGS]
    if not unknown:
        return
    known = sorted({*RUN_OPTIONS, *CLI_SPELLINGS})
    near = {k: difflib.get_close_matches(k, known, n=1) for k in unknown}
    said = ", ".join(f"{k}(혹시 {near[k][0]}?)" if near[k] else k for k in unknown)
    raise errors.UnknownOption(
        f"h.{verb}에 모르는 옵션이 있습니다: {said}. 아무것도 만들거나 받지 않았습니다.",
        hint="쓸 수 있는 옵션: name, detach, rm, ports, publish_all, interactive, replace, timeout, chapter, "
             + ", ".join(known) + ". 보여 주는 `$ docker ...` 줄에 나오지 않는 옵션은 받지 않습니다.")


def split_entrypoint(entrypoint, argv: list[str] | None) -> tuple[list[str] | None, list[str] | None]:
    """The CLI's ``--entrypoint`` takes one program: ``["sh", "-c"]`` (or ``"sh -c"``, which docker-py splits the
    same way) becomes entrypoint ``["sh"]`` with ``-c`` in front of the arguments, so the echoed
    ``--entrypoint sh IMAGE -c ...`` makes exactly the container the SDK makes. ``""`` or ``[]`` is the CLI's
    ``--entrypoint ""`` (no entrypoint at all: ``[""]`` to the engine). ``None`` leaves the image's.
    """
    if entrypoint is None:
        return None, argv
    parts = shlex.split(entrypoint) if isinstance(entrypoint, str) else [str(p) for p in entrypoint]
    if not parts or parts == [""]:
        return [""], argv
    rest = parts[1:]
    return parts[:1], (rest + list(argv or [])) if rest else argv


# -- chapter 10: restart policy, limits, hardening, healthcheck -----------------------------------------------

_NS = 1_000_000_000


def size_flag(value) -> str:
    """``67108864`` -> ``64m``; strings (``"64m"``) as given: the CLI's spelling of a byte size."""
    if isinstance(value, str):
        return value
    for unit, size in (("g", 1024**3), ("m", 1024**2), ("k", 1024)):
        if value and value % size == 0:
            return f"{value // size}{unit}"
    return str(value)


def duration_flag(nanoseconds: int) -> str:
    """``1500000000`` -> ``1.5s``: the CLI's spelling of a healthcheck duration."""
    seconds = nanoseconds / _NS
    return f"{seconds:g}s" if seconds >= 1 or seconds == 0 else f"{nanoseconds // 1_000_000}ms"


def restart_flag(policy: dict | None) -> str | None:
    """``{"Name": "on-failure", "MaximumRetryCount": 3}`` -> ``on-failure:3``."""
    if not policy or not policy.get("Name"):
        return None
    count = policy.get("MaximumRetryCount")
    return f"{policy['Name']}:{count}" if count else policy["Name"]


def _operating_flags(restart_policy, mem_limit, memswap_limit, nano_cpus, pids_limit, read_only, cap_drop, cap_add,
                     healthcheck) -> Command:
    cmd = Command().add_simple_arg("--restart", restart_flag(restart_policy))
    cmd.add_simple_arg("--memory", size_flag(mem_limit) if mem_limit else None)
    cmd.add_simple_arg("--memory-swap", size_flag(memswap_limit) if memswap_limit else None)
    cmd.add_simple_arg("--cpus", f"{nano_cpus / _NS:g}" if nano_cpus else None)
    cmd.add_simple_arg("--pids-limit", pids_limit).add_flag("--read-only", read_only)
    cmd.add_args_iterable("--cap-drop", cap_drop).add_args_iterable("--cap-add", cap_add)
    if healthcheck:
        test = healthcheck.get("test") or healthcheck.get("Test")
        if isinstance(test, str):
            test = ["CMD-SHELL", test]
        if test and test[0] == "NONE":
            cmd.add_flag("--no-healthcheck")
        elif test:
            cmd.add_simple_arg("--health-cmd", test[1] if test[0] == "CMD-SHELL" else " ".join(test[1:]))
        for key, flag in (("interval", "--health-interval"), ("timeout", "--health-timeout"),
                          ("start_period", "--health-start-period")):
            value = healthcheck.get(key)
            cmd.add_simple_arg(flag, duration_flag(value) if value else None)
        cmd.add_simple_arg("--health-retries", healthcheck.get("retries"))
    return cmd


def _duration_ns(value) -> int:
    """``2`` or ``"2s"`` or ``"500ms"`` (or nanoseconds above 10**6) -> nanoseconds."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("ms"):
            return int(float(text[:-2]) * 1_000_000)
        if text.endswith("s"):
            return int(float(text[:-1]) * _NS)
        if text.endswith("m"):
            return int(float(text[:-1]) * 60 * _NS)
        value = float(text)
    return int(value) if value >= 1_000_000 else int(value * _NS)


def sdk_options(kwargs: dict) -> dict:
    """Turn the CLI-shaped options a learner may type into docker-py's, in place; returns ``kwargs``.

    ``restart="on-failure:3"`` -> ``restart_policy``; ``memory="64m"`` -> ``mem_limit`` (and ``memory_swap`` ->
    ``memswap_limit``); ``cpus=0.5`` -> ``nano_cpus``; ``healthcheck="CMD"`` or a dict whose durations are seconds
    or ``"2s"`` -> docker-py's healthcheck (nanoseconds); ``cap_drop="ALL"`` -> ``["ALL"]``.
    """
    restart = kwargs.pop("restart", None)
    if restart:
        name, _, count = str(restart).partition(":")
        kwargs["restart_policy"] = {"Name": name, **({"MaximumRetryCount": int(count)} if count else {})}
    for cli, sdk in (("memory", "mem_limit"), ("memory_swap", "memswap_limit")):
        if kwargs.get(cli) is not None:
            kwargs[sdk] = kwargs.pop(cli)
    if kwargs.get("cpus") is not None:
        kwargs["nano_cpus"] = int(float(kwargs.pop("cpus")) * _NS)
    for key in ("cap_drop", "cap_add"):
        if isinstance(kwargs.get(key), str):
            kwargs[key] = [kwargs[key]]
    health = kwargs.get("healthcheck")
    if isinstance(health, str):
        health = {"test": health}
    if isinstance(health, dict):
        health = dict(health)
        if isinstance(health.get("test"), str):
            health["test"] = ["CMD-SHELL", health["test"]]
        for key in ("interval", "timeout", "start_period"):
            if health.get(key) is not None:
                health[key] = _duration_ns(health[key])
        kwargs["healthcheck"] = health
    return kwargs
