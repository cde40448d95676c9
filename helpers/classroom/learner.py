"""A learner's world on the class server, built from the grading worker's parts (``helpers.grading.sandbox``).

Root sets it up; the learner's server, kernels and engine run as the learner's own system user
(``ldk-learner-<name>``), never root:

* **network**: a network namespace of root's own (``ldk-learner-<name>``) joined to the machine by one veth
  pair: the machine's end is ``10.77.S.1/30`` and the learner's ``10.77.S.2/30`` (S from the learner's slot), with
  no default route. The hub and its proxy reach the server at ``10.77.S.2:8888`` and the server reaches the hub's
  API at ``10.77.S.1``; another learner's address has no route at all, and the namespace is root's, out of the
  learner's reach to change. The rootless engine (rootlesskit + slirp4netns, port driver ``builtin``) lives inside
  it, so a published port opens in the learner's namespace and nowhere else.
* **files**: the server sees a bubblewrap view (:func:`server_view`): the system and the course runtime
  read-only, the learners' copy of the course (no source/, tests/ or gradebook) read-only, the learner's own
  home (on the learner's disk), nbgrader's exchange, the learner's engine socket and a private /tmp.
* **limits**: a memory/PIDs/CPU cgroup holds every process of the learner (engine, containers, server, kernels):
  at most ``LEARN_DOCKER_CLASS_CPUS`` cores, and an equal share of a busy machine against every other learner;
  the learner's home and the engine's data are on a disk image of a fixed size (``disk.img``, ext4, mounted
  by root), so disk per learner is capped and what the learner made (work, images) outlives a restart.
* **engine**: started with the server (the kit loaded from the class's kit archive the first time, as the
  learner, from a descriptor root opened); root never connects to the learner's socket.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..grading.cgroup import Cgroup
from ..grading.sandbox import SUBID_BASE, SUBID_SIZE, SYSTEM_PATH, Worker, _claim, _open_log, is_mount
from ..grading.views import TMP_SIZE, Runtime, system_binds
from .places import COURSE_ID, class_root, config_dir, course_copy, exchange_root, kit_archive

MEMORY_LIMIT = int(os.environ.get("LEARN_DOCKER_CLASS_MEMORY", str(3 * 1024**3)))  # bytes per learner
PIDS_LIMIT = int(os.environ.get("LEARN_DOCKER_CLASS_PIDS", "2048"))
DISK_SIZE = int(os.environ.get("LEARN_DOCKER_CLASS_DISK", str(10 * 1024**3)))  # the learner's disk image (sparse)


def cpu_limit() -> float | None:
    """Cores one learner may use at most (``LEARN_DOCKER_CLASS_CPUS``; default half the machine's, at least one;
    ``0``: no hard limit, only the equal share every learner's group has when the machine is busy)."""
    given = os.environ.get("LEARN_DOCKER_CLASS_CPUS", "").strip()
    if given:
        try:
            value = float(given)
        except ValueError:
            value = float("nan")
        if not 0 <= value <= 4096:  # nan, inf and negatives fail this too
            raise ValueError(f"LEARN_DOCKER_CLASS_CPUS={given!r}: 코어 수(예: 1, 1.5, 한계 없음은 0)로 적으세요.")
        return value if value > 0 else None
    return max(1.0, (os.cpu_count() or 2) / 2)


SERVER_PORT = 8888
SERVER_NICE = 10  # the server's priority while the learner's engine is still starting
FIRST_SLOT = 1000  # slots number learners from here (sub-IDs far from grading's workers ldk-grader-1..N)


def net_prefix() -> str:
    """The first two numbers of the learners' addresses (``LEARN_DOCKER_CLASS_NET``, default ``10.77``)."""
    return os.environ.get("LEARN_DOCKER_CLASS_NET", "10.77")


def slot_of(name: str) -> int:
    """The learner's number, which sets the learner's sub-IDs and addresses: the one the learner's system user already
    has in /etc/subuid, else one no user of the machine has (a class root wiped and made again, or two classes on
    one machine, never give two learners overlapping sub-IDs). Kept in ``slots.json``."""
    path = class_root() / "slots.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "r+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        text = f.read()
        slots = json.loads(text) if text.strip() else {}
        taken = subid_slots()
        user = f"ldk-learner-{name}"
        if user in taken:
            slots[name] = taken[user]
        elif name not in slots or slots[name] in taken.values():
            slots[name] = max([FIRST_SLOT, *slots.values(), *taken.values()]) + 1
        f.seek(0)
        f.truncate()
        f.write(json.dumps(slots, indent=1))
        return slots[name]


def subid_slots(table: str = "/etc/subuid") -> dict[str, int]:
    """User -> slot for every /etc/subuid range at or above the learners' first slot."""
    found: dict[str, int] = {}
    try:
        lines = Path(table).read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        parts = line.split(":")
        if len(parts) == 3 and parts[1].isdigit():
            slot, rest = divmod(int(parts[1]) - SUBID_BASE, SUBID_SIZE)
            if rest == 0 and slot > FIRST_SLOT:
                found[parts[0]] = slot
    return found


@dataclass
class Learner(Worker):
    """One learner of the class: ``Learner(slot_of("kim"), name="kim")``."""

    name: str = ""
    port_driver = "builtin"
    server: subprocess.Popen | None = None
    engine_seconds: float = 0.0
    _began: float = 0.0

    @property
    def user(self) -> str:
        return f"ldk-learner-{self.name}"

    @property
    def netns(self) -> str:
        return f"ldk-learner-{self.name}"

    @property
    def veth(self) -> str:
        return f"ldkl{self.index}"

    def _address(self, last: int) -> str:
        n = (self.index - FIRST_SLOT) * 4
        if not 0 <= n < 65536:
            raise ValueError(f"학습자 번호 {self.index}가 주소 범위를 벗어납니다.")
        return f"{net_prefix()}.{n // 256}.{n % 256 + last}"

    @property
    def gateway(self) -> str:
        """The machine's end of the learner's veth pair (the hub's API is reached here)."""
        return self._address(1)

    @property
    def address(self) -> str:
        """The learner's end: the server listens here."""
        return self._address(2)

    @property
    def home(self) -> Path:
        return class_root() / "learners" / self.name

    @property
    def disk_image(self) -> Path:
        return self.home / "disk.img"

    @property
    def disk(self) -> Path:
        """The learner's disk (ext4 in ``disk.img``), owned by the learner."""
        return self.home / "disk"

    @property
    def data_root(self) -> Path:
        return self.disk / "engine"

    @property
    def scratch(self) -> Path:
        """The learner's home folder (on the learner's disk)."""
        return self.disk / "home"

    @property
    def workspace(self) -> Path:
        return self.scratch / "workspace"

    @property
    def exercises(self) -> Path:
        """Where nbgrader's fetch puts the learner's exercises (``Exchange.assignment_dir``)."""
        return self.workspace / "exercises"

    @property
    def runtime(self) -> Path:
        return Path("/run/learn-docker-ko") / f"l-{self.name}"

    @property
    def runtime_mounts(self) -> Path:
        return Path("/run/learn-docker-ko") / f"l-{self.name}-runtime"

    @property
    def cgroup(self) -> Cgroup:
        return Cgroup(f"l-{self.name}", MEMORY_LIMIT, PIDS_LIMIT, cpus=cpu_limit() or 0)

    # -- bring-up ------------------------------------------------------------------------------------
    def prepare(self) -> None:
        """User, sub-IDs, root-only folders, cgroup, network, disk and the view's files (nothing of the
        learner is running afterwards)."""
        if SUBID_SIZE * self.index > 2**32 - 2 * SUBID_SIZE:
            raise ValueError(f"학습자 번호 {self.index}의 하위 ID 범위가 너무 큽니다.")
        self.ensure_user()
        self.cgroup.create()
        self.cgroup.kill()
        self._kill_user()
        for folder, mode in ((class_root(), 0o711), (self.home.parent, 0o711), (self.home, 0o711),
                             (self.logs, 0o700), (self.private, 0o700), (self.runtime.parent, 0o711)):
            _claim(folder)
            folder.mkdir(mode=mode, exist_ok=True)
            folder.chmod(mode)
        self._network()
        self._mount_disk()
        self._identity()
        self.expose_runtime()

    def _network(self) -> None:
        ip = ["ip"]
        subprocess.run([*ip, "netns", "delete", self.netns], capture_output=True)
        subprocess.run([*ip, "link", "delete", self.veth], capture_output=True)
        for args in (["netns", "add", self.netns], ["-n", self.netns, "link", "set", "lo", "up"],
                     ["link", "add", self.veth, "type", "veth", "peer", "name", "eth0", "netns", self.netns],
                     ["addr", "add", f"{self.gateway}/30", "dev", self.veth], ["link", "set", self.veth, "up"],
                     ["-n", self.netns, "addr", "add", f"{self.address}/30", "dev", "eth0"],
                     ["-n", self.netns, "link", "set", "eth0", "up"]):
            subprocess.run([*ip, *args], check=True, capture_output=True)

    def _mount_disk(self) -> None:
        uid, gid = self.ids
        if not self.disk_image.exists():
            fd = os.open(self.disk_image, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            os.ftruncate(fd, DISK_SIZE)
            os.close(fd)
            subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", "-E", f"root_owner={uid}:{gid}",
                            str(self.disk_image)], check=True, capture_output=True)
        if not is_mount(self.disk):
            self.disk.mkdir(mode=0o700, exist_ok=True)
            # no nosuid/nodev: locked in the engine's user namespace, they would fail its read-only binds (as
            # grading's engine data); the learner cannot make a file of the machine's root set-user-ID anyway
            subprocess.run(["mount", "-o", "loop", str(self.disk_image), str(self.disk)], check=True,
                           capture_output=True)
        os.chown(self.disk, uid, gid)
        self.disk.chmod(0o700)
        # as the learner: whatever the learner left on the disk (a link named home ...) is never followed by root
        self.as_learner(["mkdir", "-p", str(self.data_root), str(self.scratch), str(self.exercises),
                         str(self.disk / "exchange")], check=True)

    def _identity(self) -> None:
        """/etc/passwd and /etc/group of the view: the learner's user is ``jovyan`` there, so nbgrader (which
        takes the hub's name for jovyan) files the learner's work under the roster name."""
        uid, gid = self.ids
        (self.home / "passwd").write_text(f"root:x:0:0:root:/root:/usr/sbin/nologin\n"
                                          f"jovyan:x:{uid}:{gid}:{self.name}:{self.scratch}:/bin/bash\n"
                                          "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
        (self.home / "group").write_text(f"root:x:0:\njovyan:x:{gid}:\nnogroup:x:65534:\n")
        for name in ("passwd", "group"):
            (self.home / name).chmod(0o644)

    def as_learner(self, argv: list[str], check: bool = False, **kwargs) -> subprocess.CompletedProcess:
        """Run ``argv`` as the learner (in the learner's cgroup, clean environment, no new privileges)."""
        uid, gid = self.ids
        env = {"PATH": SYSTEM_PATH, "HOME": str(self.scratch), "LANG": "C.UTF-8",
               "DOCKER_HOST": self.docker_host, "DOCKER_CONFIG": "/nonexistent"}
        inner = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--no-new-privs", "env", "-i",
                 *[f"{k}={v}" for k, v in env.items()], *argv]
        kwargs.setdefault("capture_output", "stdin" not in kwargs)
        kwargs.setdefault("timeout", 60)  # the learner's engine (or a socket the learner swapped) may never answer
        command = ["sh", "-c", self.cgroup.join_script() + 'exec "$@"', "sh", *inner]
        try:
            return subprocess.run(command, check=check, cwd="/", env={"PATH": SYSTEM_PATH}, **kwargs)
        except subprocess.TimeoutExpired as exc:
            if check:
                raise RuntimeError(f"{self.name}의 명령이 {exc.timeout:g}초 안에 끝나지 않았습니다: "
                                   f"{' '.join(argv)}") from exc
            return subprocess.CompletedProcess(command, 124, b"", f"{exc.timeout:g}초 초과".encode())

    def begin(self) -> None:
        """Prepare and start the engine (its readiness is :meth:`engine_ready`'s): the server may start meanwhile."""
        self._began = time.monotonic()
        self.prepare()
        self.start_engine()

    def engine_ready(self, timeout: float = 120) -> float:
        """Wait until the engine answers (asked as the learner), load the kit if it is missing; seconds since
        :meth:`begin`."""
        self.wait_socket(timeout)
        deadline = time.monotonic() + timeout
        while self.as_learner(["docker", "version", "--format", "{{.Server.Version}}"], timeout=10).returncode != 0:
            if not self.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}의 Docker 엔진이 응답하지 않습니다 ({self.logs / 'dockerd.log'}).")
            time.sleep(0.1)
        self.load_kit()
        self.engine_seconds = time.monotonic() - self._began
        return self.engine_seconds

    def start_world(self, timeout: float = 120) -> float:
        """Prepare, start the engine, wait until it is ready (kit loaded); seconds taken."""
        self.begin()
        return self.engine_ready(timeout)

    def load_kit(self) -> bool:
        """The kit into the learner's engine from the class's archive, unless every kit image is there already.
        The learner's own ``docker load`` reads the archive from a descriptor root opened (0600, root's)."""
        from ..kit import names

        if self.as_learner(["docker", "image", "inspect", "--format", "{{.Id}}", *names()]).returncode == 0:
            return False
        archive = kit_archive()
        if not archive.is_file():
            raise RuntimeError(f"과정 키트 파일이 없습니다: {archive} (bash tools/class.sh up 이 만듭니다).")
        with open(archive, "rb") as stream:
            done = self.as_learner(["docker", "load", "-q"], stdin=stream, capture_output=True, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(f"{self.name}의 엔진에 키트를 넣지 못했습니다: {done.stderr.decode(errors='replace')[-300:]}")
        return True

    # -- the server ------------------------------------------------------------------------------------
    def server_env(self, hub_env: dict[str, str], runtime: Runtime) -> dict[str, str]:
        workspace = self.workspace
        return {**hub_env, "PATH": f"{runtime.venv / 'bin'}:{SYSTEM_PATH}", "HOME": str(self.scratch),
                "USER": "jovyan", "LANG": "C.UTF-8", "SHELL": "/bin/bash", "DOCKER_HOST": self.docker_host,
                "LEARN_DOCKER_HOME": str(self.scratch / ".learn-docker-ko"), "LEARN_DOCKER_OFFLINE": "1",
                "JUPYTER_PREFER_ENV_PATH": "1", "JUPYTER_CONFIG_DIR": str(workspace / ".learn-docker-ko" / "jupyter"),
                "JUPYTER_CONFIG_PATH": str(config_dir()), "LEARN_DOCKER_ASSIGNMENT_DIR": str(self.exercises),
                "PYTHONDONTWRITEBYTECODE": "1"}

    def server_command(self, hub_env: dict[str, str], runtime: Runtime | None = None) -> list[str]:
        """The learner's single-user server: workspace laid out (tools/workspace.py from the learners' copy of
        the course), then ``jupyterhub-singleuser`` on ``address:8888``; as the learner, in the learner's
        cgroup, network namespace and view."""
        runtime = runtime or Runtime.current()
        uid, gid = self.ids
        binds = {folder: self.runtime_mounts / str(i) for i, folder in enumerate(runtime.folders())}
        view = server_view(binds, self.scratch, self.runtime, self.home / "passwd", self.home / "group",
                           read_only=[course_copy(), config_dir()], exchange=(self.disk / "exchange", exchange_root()),
                           cwd=self.workspace)
        env: list[str] = []
        for key, value in self.server_env(hub_env, runtime).items():
            env += ["--setenv", key, value]
        python = str(runtime.venv / "bin" / "python")
        script = (f'"{python}" "{course_copy() / "tools" / "workspace.py"}" "{self.workspace}" >/dev/null && '
                  f'exec "{python}" -m jupyterhub.singleuser --ServerApp.root_dir="{self.workspace}" '
                  f'--ServerApp.ip={self.address} --ServerApp.port={SERVER_PORT}')
        # at a lower priority until the engine is ready (:meth:`server_at_full_speed`): within the learner's CPU
        # share the engine comes first, so many learners starting at once get their engines soon
        inner = ["nice", "-n", str(SERVER_NICE), "setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups",
                 "--no-new-privs", *view, *env, "--", "sh", "-c", script]
        return ["sh", "-c", self.cgroup.join_script() + 'exec "$@"', "sh",
                "nsenter", f"--net=/run/netns/{self.netns}", *inner]

    def start_server(self, hub_env: dict[str, str]) -> subprocess.Popen:
        log = _open_log(self.logs / "server.log")
        try:
            self.server = subprocess.Popen(self.server_command(hub_env), stdout=log, stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL, start_new_session=True, cwd="/",
                                           env={"PATH": SYSTEM_PATH})
        finally:
            os.close(log)
        return self.server

    def server_at_full_speed(self) -> None:
        """The server (and whatever it started: its process group) back at normal priority."""
        if self.server is not None and self.server.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.setpriority(os.PRIO_PGRP, self.server.pid, 0)

    def provision(self) -> float:
        """Before class (``class.sh up``): the learner's user, disk and engine made and the kit loaded, then
        everything stopped again, so the learner's first login only starts an engine that has its kit."""
        try:
            return self.start_world()
        finally:
            self.close()

    def close(self) -> None:
        """Everything of the learner stopped and released (server, engine, processes, mounts, network); the
        disk image stays for the next start."""
        if self.server is not None and self.server.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.pid, signal.SIGTERM)  # the server saves and shuts its kernels down
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.server.wait(timeout=5)
        try:
            self.kill()
        finally:
            if self.server is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.server.wait(timeout=10)
            self.server = None
            self._kill_user()
            self._unmount(self.disk)
            self.hide_runtime()
            subprocess.run(["ip", "netns", "delete", self.netns], capture_output=True)
            subprocess.run(["ip", "link", "delete", self.veth], capture_output=True)
            self.cgroup.remove()


def provision_all(names: list[str], workers: int | None = None, echo=print) -> list[str]:
    """:meth:`Learner.provision` for every learner, a few at a time (as many as the machine has cores); the
    names that failed, each said in Korean."""
    from concurrent.futures import ThreadPoolExecutor

    began, failed = time.monotonic(), []

    def one(name: str) -> str | None:
        try:
            Learner(slot_of(name), name=name).provision()
        except Exception as exc:  # one learner's failure is reported, the others go on
            return f"{name}: {exc}"
        return None

    with ThreadPoolExecutor(max_workers=workers or max(1, os.cpu_count() or 1)) as pool:
        failed = [x for x in pool.map(one, names) if x]
    echo(f"[class] 학습자 디스크와 엔진 준비(키트 포함): {len(names) - len(failed)}/{len(names)}명, "
         f"{time.monotonic() - began:.1f}초")
    for line in failed:
        echo(f"[class]   준비 실패 {line}")
    return failed


def server_view(runtime_binds: dict[Path, Path], home: Path, engine_run: Path, passwd: Path, group: Path,
                read_only: list[Path], exchange: tuple[Path, Path], cwd: Path) -> list[str]:
    """bwrap arguments (up to ``--``) for a learner's server, run as the learner's user: the system read-only
    (with the learner named ``jovyan``), the runtime and ``read_only`` folders read-only, the learner's home, the
    engine's run folder (``engine_run``: its socket appears there, so the server may start before the engine is
    ready; all of it is the learner's own), fresh /tmp, /var/tmp and /dev/shm; own process namespace.

    ``exchange`` is (the learner's own folder, the class's exchange root): the learner's folder is bound where
    the exchange root is (nbgrader wants to be able to write there) and only the course's folder of the real
    exchange on top of it, so no learner writes to the shared root or sees another course's folder."""
    args = ["bwrap", "--unshare-user", "--disable-userns", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--hostname", "learn-docker-ko", "--die-with-parent", "--clearenv",
            *system_binds(), "--ro-bind", str(passwd), "/etc/passwd", "--ro-bind", str(group), "/etc/group",
            "--proc", "/proc", "--dev", "/dev"]
    for tmp in ("/tmp", "/var/tmp", "/dev/shm"):  # first: a course under /tmp is bound on top of them
        args += ["--size", str(TMP_SIZE), "--tmpfs", tmp]
    for folder, source in runtime_binds.items():
        args += ["--ro-bind", str(source), str(folder)]
    for folder in read_only:
        args += ["--ro-bind", str(folder), str(folder)]
    own, shared = exchange
    args += ["--bind", str(own), str(shared), "--bind", str(shared / COURSE_ID), str(shared / COURSE_ID)]
    return [*args, "--bind", str(home), str(home), "--bind", str(engine_run), str(engine_run), "--chdir", str(cwd)]
