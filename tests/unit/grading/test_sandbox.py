"""helpers.grading.sandbox: a worker's folders and the command lines it runs things with (the learner's kernel,
the trusted agent), and the log files root opens. Nothing is run: no root, no user, no engine."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from helpers.grading import sandbox
from helpers.grading.cgroup import Cgroup
from helpers.grading.sandbox import Worker, _open_log, state_root
from helpers.grading.views import Runtime

UID = GID = 12345


@pytest.fixture
def grading_root(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "grading"
    monkeypatch.setenv("LEARN_DOCKER_GRADING_ROOT", str(root))
    return root


@pytest.fixture
def worker(grading_root, tmp_path, monkeypatch) -> Worker:
    """Worker 1 with its user's ids and its cgroup (v1, in tmp_path) made up: nothing of the machine is read."""
    monkeypatch.setattr(Worker, "ids", property(lambda self: (UID, GID)))
    cgroups = tmp_path / "cgroup"
    for c in ("memory", "pids", "freezer"):
        (cgroups / c).mkdir(parents=True)
    monkeypatch.setattr(Worker, "cgroup", property(lambda self: Cgroup(f"w{self.index}", 1, 1, base=cgroups)))
    return Worker(1)


@pytest.fixture
def runtime(tmp_path) -> Runtime:
    py = tmp_path / "python3.11"
    return Runtime(py, py / "venv", tmp_path / "course" / "helpers")


# -- folders ----------------------------------------------------------------------------------------------

def test_state_root_comes_from_the_environment(grading_root):
    assert state_root() == grading_root


def test_a_workers_folders_are_under_the_state_root(worker, grading_root):
    for name in ("home", "logs", "private", "data_root", "scratch", "learner_home", "course_home"):
        assert getattr(worker, name).is_relative_to(grading_root / "workers" / "w1"), name


def test_roots_folders_are_apart_from_what_the_worker_writes(worker):
    roots, workers = (worker.logs, worker.private), (worker.data_root, worker.scratch, worker.runtime)
    for mine in roots:
        for theirs in workers:
            assert not mine.is_relative_to(theirs) and not theirs.is_relative_to(mine), (mine, theirs)
    assert worker.logs != worker.private


def test_two_workers_share_no_folder(grading_root):
    one, two = Worker(1), Worker(2)
    for name in ("home", "runtime", "runtime_mounts", "socket"):
        a, b = getattr(one, name), getattr(two, name)
        assert not a.is_relative_to(b) and not b.is_relative_to(a), name
    assert one.user != two.user and one.netns != two.netns


def test_the_socket_is_in_the_workers_runtime_folder(worker):
    assert worker.socket.parent == worker.runtime
    assert worker.docker_host == f"unix://{worker.socket}"
    assert not worker.runtime_mounts.is_relative_to(worker.runtime)  # root's mounts: not in the worker's folder


# -- kernel_command -------------------------------------------------------------------------------------------

@pytest.fixture
def kernel(worker, runtime):
    connection = worker.private / "kernel-0123456789ab.json"
    argv = [str(runtime.venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f", str(connection)]
    cmd = worker.kernel_command(argv, connection, runtime)
    return cmd, connection, argv


def split(cmd: list[str]) -> tuple[str, list[str], list[str], list[str]]:
    """``sh -c SCRIPT sh setpriv... bwrap... -- argv`` -> (script, setpriv part, bwrap part, argv)."""
    assert cmd[:2] == ["sh", "-c"] and cmd[3] == "sh"
    inner = cmd[4:]
    b = inner.index("bwrap")
    end = inner.index("--", b)
    return cmd[2], inner[:b], inner[b:end], inner[end + 1:]


def test_kernel_command_drops_to_the_worker_with_no_new_privileges_before_bwrap(kernel):
    cmd, _connection, _argv = kernel
    _script, setpriv, _bwrap, _argv = split(cmd)
    assert setpriv[0] == "setpriv"
    assert f"--reuid={UID}" in setpriv and f"--regid={GID}" in setpriv and "--clear-groups" in setpriv
    assert "--no-new-privs" in setpriv


def test_kernel_command_joins_the_cgroup_and_opens_the_connection_file_as_root(kernel, worker):
    cmd, connection, _argv = kernel
    script, _setpriv, _bwrap, _argv = split(cmd)
    opens = f"exec 3< {shlex.quote(str(connection))}; "
    assert script.startswith(worker.cgroup.join_script())  # in the groups before anything else runs
    assert opens in script
    assert script.endswith(opens + 'exec "$@"')


def test_kernel_command_passes_the_connection_file_as_fd_3_at_the_inside_path(kernel):
    cmd, connection, argv = kernel
    _script, setpriv, bwrap, tail = split(cmd)
    inside = f"/run/ldk/{connection.name}"
    i = bwrap.index("--file")
    assert bwrap[i:i + 3] == ["--file", "3", inside]
    assert tail == [*argv[:-1], inside]
    # the user's side never names the real file (it could not open it: root-only folder)
    assert not any(str(connection) in a for a in [*setpriv, *bwrap, *tail])
    assert not any(str(connection.parent) in a for a in [*setpriv, *bwrap, *tail])


def test_kernel_command_gives_only_the_learner_env(kernel, worker, runtime):
    cmd, _connection, _argv = kernel
    _script, _setpriv, bwrap, _tail = split(cmd)
    assert "--clearenv" in bwrap
    assert bwrap.index("--clearenv") < bwrap.index("--setenv")
    env = {}
    for i, a in enumerate(bwrap):
        if a == "--setenv":
            env[bwrap[i + 1]] = bwrap[i + 2]
    assert env == worker.learner_env(runtime)
    assert env["HOME"] == str(worker.learner_home) and env["DOCKER_HOST"] == worker.docker_host
    assert not any(str(worker.private) in v or str(worker.logs) in v for v in env.values())


def test_kernel_command_binds_the_runtime_from_roots_read_only_mounts(kernel, worker, runtime):
    cmd, _connection, _argv = kernel
    _script, _setpriv, bwrap, _tail = split(cmd)
    pairs = [tuple(bwrap[i:i + 3]) for i, a in enumerate(bwrap) if a == "--ro-bind"]
    for n, folder in enumerate(runtime.folders()):
        assert ("--ro-bind", str(worker.runtime_mounts / str(n)), str(folder)) in pairs
    assert ("--chdir", str(worker.learner_home)) == tuple(bwrap[bwrap.index("--chdir"):][:2])


def test_the_shell_really_opens_fd_3_before_running_the_command(worker, runtime, tmp_path):
    """kernel_command's own script, run: it joins the (fake) groups and the file is fd 3 of what it execs."""
    import subprocess

    worker.cgroup.create()
    connection = tmp_path / "kernel 'quoted' $x.json"
    connection.write_text('{"key": "k"}')
    script, *_ = split(worker.kernel_command(["python", "-f", str(connection)], connection, runtime))
    done = subprocess.run(["sh", "-c", script, "sh", "sh", "-c", "cat <&3"], capture_output=True, text=True,
                          timeout=10)
    assert done.returncode == 0, done.stderr
    assert done.stdout == '{"key": "k"}'
    assert all(p.read_text().strip().isdigit() for p in worker.cgroup.procs_files())


# -- agent_command ---------------------------------------------------------------------------------------------

def test_agent_command_runs_as_the_worker_with_no_new_privileges(worker):
    argv = ["/venv/bin/python", "-I", "-m", "helpers.grading.agent", "3", "4"]
    cmd = worker.agent_command(argv)
    assert cmd[0] == "setpriv"
    assert f"--reuid={UID}" in cmd and f"--regid={GID}" in cmd and "--clear-groups" in cmd
    assert "--no-new-privs" in cmd
    assert not any(a in ("--reuid=0", "--regid=0") for a in cmd)
    assert cmd[-len(argv):] == argv
    assert cmd.index("--no-new-privs") < cmd.index(argv[0])


def test_agent_env_is_clean_and_names_the_workers_engine(worker, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/learner/evil")
    env = worker.agent_env()
    assert "PYTHONPATH" not in env and "LD_PRELOAD" not in env
    assert env["DOCKER_HOST"] == worker.docker_host
    assert env["PATH"] == sandbox.SYSTEM_PATH


# -- _open_log ----------------------------------------------------------------------------------------------

def test_open_log_refuses_a_symlink(tmp_path):
    target = tmp_path / "elsewhere"
    target.write_text("root's file\n")
    link = tmp_path / "dockerd.log"
    link.symlink_to(target)
    with pytest.raises(OSError):
        _open_log(link)
    assert target.read_text() == "root's file\n"  # not truncated through the link


def test_open_log_truncates_and_is_private(tmp_path):
    path = tmp_path / "kernel.log"
    path.write_text("last run\n")
    path.chmod(0o644)
    fd = _open_log(path)
    try:
        os.write(fd, b"new\n")
    finally:
        os.close(fd)
    assert path.read_text() == "new\n"
    (tmp_path / "fresh.log").unlink(missing_ok=True)
    os.close(_open_log(tmp_path / "fresh.log"))
    assert (tmp_path / "fresh.log").stat().st_mode & 0o077 == 0


# -- is_mount: a bind mount of the same file system counts (os.path.ismount misses it) ------------------------

MOUNTINFO = (
    "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
    "124 27 254:0 /srv/course/.venv /run/learn-docker-ko/w1-runtime/0 ro,nosuid - ext4 /dev/vda rw\n"
    "131 27 254:0 /srv/y /tmp/한글\\040폴더/x ro - ext4 /dev/vda rw\n"
)


def test_is_mount_reads_the_mount_table_with_its_escapes(tmp_path):
    from pathlib import Path

    table = tmp_path / "mountinfo"
    table.write_text(MOUNTINFO, encoding="utf-8")
    assert sandbox.is_mount(Path("/run/learn-docker-ko/w1-runtime/0"), str(table))
    assert sandbox.is_mount(Path("/tmp/한글 폴더/x"), str(table))  # \040 is a space, UTF-8 kept as is
    assert not sandbox.is_mount(Path("/run/learn-docker-ko/w1-runtime"), str(table))
    assert not sandbox.is_mount(Path("/run/learn-docker-ko/w1-runtime/0/sub"), str(table))
