"""What a grading worker sees: the file-system views of the learner's kernel and of its engine (bubblewrap).

Both are built from nothing (bubblewrap's empty root) with only what the exercise needs:

* the **kernel view**: the system (``/usr`` and a few files of ``/etc``) read-only, the course runtime
  (this Python, its virtual environment, the ``helpers`` package) read-only at the paths it has on the
  machine, the submission's scratch folder read-write, a fresh ``/tmp``, ``/var/tmp`` and ``/dev/shm`` of a
  capped size, and the worker engine's socket. No home, clone, stage or course file of the machine is there.
  The runtime is bound from root's read-only bind mounts of those folders (``Worker.expose_runtime``),
  so a course under a private (0700) folder works without opening that folder to anyone.
* the **engine view**: the same system files, the engine's own data and run folders and the submission's
  scratch folder. ``docker run -v /:/host`` inside the worker reaches only this.

The functions here only build argument lists; :mod:`.sandbox` runs them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

# /etc files a Python program and the docker CLI read; the rest of /etc stays out of view.
ETC_FILES = ("passwd", "group", "nsswitch.conf", "hosts", "host.conf", "localtime", "ld.so.cache", "ld.so.conf",
             "ld.so.conf.d", "alternatives", "ssl", "ca-certificates", "mime.types", "os-release", "debian_version",
             "protocols", "services", "profile")
TMP_SIZE = 256 * 1024**2  # bytes for each of /tmp, /var/tmp and /dev/shm in the kernel view


@dataclass(frozen=True)
class Runtime:
    """The course runtime the kernel needs, as real paths (bound read-only at the same paths)."""

    python_home: Path  # sys.base_prefix: the interpreter and its standard library
    venv: Path  # sys.prefix: site-packages, the kernel, docker-py, the Compose plugin
    package: Path  # the helpers package (an editable install points into the course folder)

    @classmethod
    def current(cls) -> Runtime:
        return cls(Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
                   Path(__file__).resolve().parents[1])  # the helpers package this module lives in

    def folders(self) -> list[Path]:
        """Distinct folders to bind, outer ones only (a venv inside the Python home is bound with it)."""
        out: list[Path] = []
        for p in sorted({self.python_home, self.venv, self.package}, key=lambda x: len(x.parts)):
            if not any(p.is_relative_to(o) for o in out):
                out.append(p)
        return out


def system_binds(whole_etc: bool = False) -> list[str]:
    """The read-only system: /usr (with the usual top-level links) and a few /etc files (all of it for the
    engine, which reads what rootlesskit copied up: resolv.conf, subuid, ...)."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        top = Path("/") / name
        if top.is_symlink():
            args += ["--symlink", str(top.readlink()), str(top)]
        elif top.is_dir():
            args += ["--ro-bind", str(top), str(top)]
    if whole_etc:
        return [*args, "--ro-bind", "/etc", "/etc"]
    for name in ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


def kernel_view(runtime_binds: dict[Path, Path], scratch: Path, socket: Path, connection_fd: int,
                connection_file: Path, cwd: Path) -> list[str]:
    """bwrap arguments (up to ``--``) for the learner's kernel, run as the worker's user.

    ``runtime_binds`` maps each runtime folder (its path inside) to where root exposed it read-only;
    ``connection_fd`` holds the kernel's connection file, copied to ``connection_file`` inside."""
    args = ["bwrap", "--unshare-user", "--disable-userns", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--hostname", "grader", "--die-with-parent", "--clearenv",
            *system_binds(), "--proc", "/proc", "--dev", "/dev"]
    for tmp in ("/tmp", "/var/tmp", "/dev/shm"):  # first: a course cloned under /tmp is bound on top of them
        args += ["--size", str(TMP_SIZE), "--tmpfs", tmp]
    for folder, source in runtime_binds.items():
        args += ["--ro-bind", str(source), str(folder)]
    args += ["--bind", str(scratch), str(scratch), "--bind", str(socket), str(socket),
             "--file", str(connection_fd), str(connection_file), "--chdir", str(cwd)]
    return args


def agent_view(runtime_binds: dict[Path, Path], scratch: Path, socket: Path) -> list[str]:
    """bwrap arguments (up to ``--``) for the grader's re-check (``agent``), run as the worker's user: the same
    read-only runtime as the kernel, the engine's socket, the submission's scratch folder (checks read the
    learner's files through relative paths; the course registry keeps its data there), its own /tmp; a process namespace of its own, so neither the
    kernel nor a container can see, signal or trace it. It starts in ``/usr`` (root's, read-only)."""
    args = ["bwrap", "--unshare-user", "--disable-userns", "--unshare-pid", "--unshare-ipc", "--die-with-parent",
            "--clearenv", *system_binds(), "--proc", "/proc", "--dev", "/dev"]
    args += ["--size", str(TMP_SIZE), "--tmpfs", "/tmp"]  # before the runtime: a course under /tmp stays visible
    for folder, source in runtime_binds.items():
        args += ["--ro-bind", str(source), str(folder)]
    return [*args, "--bind", str(scratch), str(scratch), "--bind", str(socket), str(socket), "--chdir", "/usr"]


def engine_view(data_root: Path, runtime: Path, scratch: Path) -> list[str]:
    """bwrap arguments (up to ``--``) for the worker's dockerd, run inside rootlesskit's namespaces."""
    return ["bwrap", "--die-with-parent", *system_binds(whole_etc=True), "--dev-bind", "/dev", "/dev",
            "--bind", "/sys", "/sys", "--unshare-pid", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/run",
            "--bind", str(data_root), str(data_root), "--bind", str(runtime), str(runtime),
            "--bind", str(scratch), str(scratch)]
