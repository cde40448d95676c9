"""helpers.grading.views: the bubblewrap argument lists of the kernel's and the engine's views, read option
by option (an option this file does not know fails the test: a new one must be looked at here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.grading.views import TMP_SIZE, Runtime, agent_view, engine_view, kernel_view

# bwrap options and how many values each takes
ARITY = {
    "--unshare-user": 0, "--unshare-user-try": 0, "--disable-userns": 0, "--unshare-pid": 0, "--unshare-ipc": 0,
    "--unshare-uts": 0, "--unshare-cgroup-try": 0, "--unshare-cgroup": 0, "--unshare-net": 0, "--unshare-all": 0,
    "--die-with-parent": 0, "--clearenv": 0, "--new-session": 0,
    "--hostname": 1, "--proc": 1, "--dev": 1, "--tmpfs": 1, "--size": 1, "--chdir": 1, "--unsetenv": 1,
    "--ro-bind": 2, "--ro-bind-try": 2, "--bind": 2, "--bind-try": 2, "--dev-bind": 2, "--dev-bind-try": 2,
    "--symlink": 2, "--setenv": 2, "--file": 2,
}
READ_WRITE = {"--bind", "--bind-try", "--dev-bind", "--dev-bind-try"}
BINDS = READ_WRITE | {"--ro-bind", "--ro-bind-try"}

PY = Path("/opt/python3.11")
VENV = PY / "venvs" / "course"  # a venv inside the Python home
PACKAGE = Path("/srv/course/helpers")
MOUNTS = Path("/run/learn-docker-ko/w1-runtime")
SCRATCH = Path("/var/lib/learn-docker-ko/grading/workers/w1/scratch")
SOCKET = Path("/run/learn-docker-ko/w1/docker.sock")
CONNECTION = Path("/run/ldk/kernel-0123456789ab.json")


def options(args: list[str]) -> list[tuple[str, list[str]]]:
    """``bwrap`` then (option, values) pairs up to ``--``."""
    assert args[0] == "bwrap"
    out, i = [], 1
    while i < len(args) and args[i] != "--":
        opt = args[i]
        assert opt in ARITY, f"bwrap option this test does not know: {opt}"
        n = ARITY[opt]
        out.append((opt, args[i + 1:i + 1 + n]))
        assert len(out[-1][1]) == n, f"{opt} is missing a value"
        i += 1 + n
    return out


def binds(opts, kinds=BINDS) -> list[tuple[str, str, str]]:
    return [(opt, src, dest) for opt, (src, dest, *_) in ((o, v) for o, v in opts if o in kinds)]


def kernel_args() -> list[str]:
    runtime = {PY: MOUNTS / "0", PACKAGE: MOUNTS / "1"}
    return kernel_view(runtime, SCRATCH, SOCKET, 3, CONNECTION, SCRATCH / "learner")


# -- kernel view ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("flag", ["--unshare-user", "--disable-userns", "--unshare-pid", "--die-with-parent",
                                  "--clearenv"])
def test_kernel_view_has_the_isolation_flags(flag):
    assert (flag, []) in options(kernel_args())


def test_kernel_view_binds_the_runtime_read_only_at_its_own_paths():
    ro = binds(options(kernel_args()), {"--ro-bind"})
    assert ("--ro-bind", str(MOUNTS / "0"), str(PY)) in ro
    assert ("--ro-bind", str(MOUNTS / "1"), str(PACKAGE)) in ro


def test_kernel_view_writes_only_to_the_scratch_folder_and_the_socket():
    rw = binds(options(kernel_args()), READ_WRITE)
    assert sorted(rw) == sorted([("--bind", str(SCRATCH), str(SCRATCH)), ("--bind", str(SOCKET), str(SOCKET))])


def test_kernel_view_has_sized_private_temporary_folders():
    opts = options(kernel_args())
    for tmp in ("/tmp", "/var/tmp", "/dev/shm"):
        i = opts.index(("--tmpfs", [tmp]))
        assert opts[i - 1] == ("--size", [str(TMP_SIZE)]), f"{tmp} has no size"
    assert 0 < TMP_SIZE <= 1024**3


def agent_args() -> list[str]:
    return agent_view({PY: MOUNTS / "0", PACKAGE: MOUNTS / "1"}, SCRATCH, SOCKET)


@pytest.mark.parametrize("make", [kernel_args, agent_args, lambda: engine_view(Path("/d"), Path("/r"), Path("/s"))])
def test_no_view_binds_the_root_or_a_home(make):
    for _opt, src, dest in binds(options(make())):
        for path in (src, dest):
            assert path not in ("/", "/home", "/root"), f"{_opt} {src} {dest}"
            assert not path.startswith(("/home/", "/root/")), f"{_opt} {src} {dest}"


def test_kernel_view_hands_in_the_connection_file_and_starts_in_the_learner_folder():
    opts = options(kernel_args())
    assert ("--file", ["3", str(CONNECTION)]) in opts
    assert ("--chdir", [str(SCRATCH / "learner")]) in opts
    assert ("--proc", ["/proc"]) in opts and ("--dev", ["/dev"]) in opts


def test_kernel_view_shows_only_a_few_files_of_etc():
    etc = [(o, s, d) for o, s, d in binds(options(kernel_args())) if d == "/etc" or d.startswith("/etc/")]
    assert etc and all(o == "--ro-bind-try" for o, _s, _d in etc)
    assert not any(d in ("/etc", "/etc/shadow", "/etc/sudoers", "/etc/subuid") for _o, _s, d in etc)


# -- engine view ------------------------------------------------------------------------------------------

def test_engine_view_binds_its_data_runtime_and_scratch():
    data, run, scratch = Path("/var/lib/ldk/w1/data"), Path("/run/learn-docker-ko/w1"), SCRATCH
    rw = binds(options(engine_view(data, run, scratch)), READ_WRITE)
    for folder in (data, run, scratch):
        assert ("--bind", str(folder), str(folder)) in rw
    # what else it may write: /dev and /sys (the engine needs them), nothing of the machine's files
    assert {dest for _o, _s, dest in rw} == {"/dev", "/sys", str(data), str(run), str(scratch)}


def test_engine_view_has_its_own_pid_namespace_and_temporary_folders():
    opts = options(engine_view(Path("/d"), Path("/r"), Path("/s")))
    assert ("--unshare-pid", []) in opts and ("--die-with-parent", []) in opts
    assert ("--tmpfs", ["/tmp"]) in opts and ("--tmpfs", ["/run"]) in opts


# -- Runtime ----------------------------------------------------------------------------------------------

def test_runtime_folders_bind_a_nested_venv_once():
    assert Runtime(PY, VENV, PACKAGE).folders() == [PY, PACKAGE]


def test_runtime_folders_keep_separate_folders_and_drop_duplicates():
    home, venv = Path("/usr"), Path("/srv/venv")
    assert sorted(Runtime(home, venv, venv / "src" / "helpers").folders()) == [venv, home]
    assert Runtime(home, home, home).folders() == [home]
    # a sibling whose name only starts like the other is no child of it
    assert sorted(Runtime(Path("/opt/py"), Path("/opt/py2"), Path("/opt/py/lib")).folders()) == [
        Path("/opt/py"), Path("/opt/py2")]


def test_runtime_current_names_this_python():
    import sys

    rt = Runtime.current()
    assert rt.python_home == Path(sys.base_prefix).resolve()
    assert rt.venv == Path(sys.prefix).resolve()
    assert (rt.package / "grading" / "views.py").is_file()


# -- the re-check's view ------------------------------------------------------------------------------------

@pytest.mark.parametrize("flag", ["--unshare-user", "--disable-userns", "--unshare-pid", "--die-with-parent",
                                  "--clearenv"])
def test_agent_view_has_its_own_process_namespace_and_no_inherited_environment(flag):
    assert (flag, []) in options(agent_args())


def test_agent_view_reads_the_runtime_and_writes_only_the_submission_folder_and_socket():
    opts = options(agent_args())
    assert ("--ro-bind", str(MOUNTS / "0"), str(PY)) in binds(opts, {"--ro-bind"})
    assert sorted(binds(opts, READ_WRITE)) == sorted([("--bind", str(SCRATCH), str(SCRATCH)),
                                                      ("--bind", str(SOCKET), str(SOCKET))])
    assert ("--chdir", ["/usr"]) in opts  # starts in root's read-only folder, never the learner's


@pytest.mark.parametrize("make", [kernel_args, agent_args])
def test_a_course_cloned_under_tmp_is_not_hidden_by_the_private_tmp(make):
    """The private /tmp is mounted before the runtime, so a runtime under /tmp (a clone in mktemp -d) is on top."""
    runtime = {Path("/tmp/tmp.abc/course/.venv"): MOUNTS / "0", PY: MOUNTS / "1"}
    args = (kernel_view(runtime, SCRATCH, SOCKET, 3, CONNECTION, SCRATCH / "learner") if make is kernel_args
            else agent_view(runtime, SCRATCH, SOCKET))
    opts = options(args)
    tmp = opts.index(("--tmpfs", ["/tmp"]))
    venv = opts.index(("--ro-bind", [str(MOUNTS / "0"), "/tmp/tmp.abc/course/.venv"]))
    assert tmp < venv
