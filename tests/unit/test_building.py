"""h.build with BuildKit: the docker CLI (a fake one here, a shell script that prints what BuildKit prints and
records its argv) is run with the echoed line; its plain progress is read; failures become Korean errors."""

from __future__ import annotations

import importlib
import json
import os
import stat
from pathlib import Path

import pytest

import helpers as h
from helpers import building, errors
from helpers._state import CHAPTER_LABEL

PLAIN_OK = """#0 building with "default" instance using docker driver
#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 120B done
#1 DONE 0.0s
#4 [internal] load build context
#4 transferring context: 2.05kB done
#4 DONE 0.0s
#5 [build 1/3] FROM docker.io/library/busybox:1.35
#5 CACHED
#6 [build 2/3] COPY app.py /app/
#6 CACHED
#7 [build 3/3] RUN echo built
#7 0.215 built
#7 DONE 0.3s
#8 exporting to image
#8 naming to docker.io/learner/app:1 done
#8 DONE 0.0s
"""

PLAIN_RUN_FAILS = """#5 [2/2] RUN exit 3
#5 ERROR: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3
------
ERROR: failed to build: failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3
"""


@pytest.fixture
def cli(tmp_path, monkeypatch, fake):
    """A fake `docker` on PATH: `buildx version` answers; `build` prints $FAKE_PLAIN, records argv and env, exits
    $FAKE_CODE, and tags the fake engine's busybox as the built image (the test does that part)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "docker"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = buildx ] && [ "$2" = version ]; then echo "github.com/docker/buildx v0.29.1 abc"; exit 0; fi\n'
        'printf "%s\\n" "$@" > "$FAKE_ARGV"\n'
        'echo "DOCKER_BUILDKIT=$DOCKER_BUILDKIT DOCKER_HOST=$DOCKER_HOST" > "$FAKE_ENV"\n'
        'cat "$FAKE_PLAIN" >&2\n'
        'exit "${FAKE_CODE:-0}"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("LEARN_DOCKER_BUILDER")
    monkeypatch.setenv("DOCKER_BUILDKIT", "0")  # the learner's shell may say so; the BuildKit line must not obey it
    files = {name: tmp_path / name for name in ("argv", "env", "plain")}
    for name, path in files.items():
        monkeypatch.setenv(f"FAKE_{name.upper()}", str(path))
    files["plain"].write_text(PLAIN_OK)
    fake.add_image("learner/app:1", labels={CHAPTER_LABEL: "05"})
    return files


@pytest.fixture
def context(tmp_path):
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "Dockerfile").write_text("FROM busybox:1.35\n")
    (folder / "Dockerfile.dev").write_text("FROM busybox:1.35\n")
    return folder


def test_buildkit_is_found_where_the_cli_has_buildx(cli):
    found = building.find_builder(refresh=True)
    assert (found.kind, found.version) == ("buildkit", "0.29.1")
    assert "BuildKit" in found.describe()


def test_a_cli_without_buildx_means_the_classic_builder_said_so(tmp_path, monkeypatch, fake, context, capsys):
    bin_dir = tmp_path / "nobx"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text("#!/bin/sh\necho \"docker: 'buildx' is not a docker command.\" >&2; exit 1\n")
    (bin_dir / "docker").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("LEARN_DOCKER_BUILDER")
    monkeypatch.setattr(importlib.import_module("helpers.images"), "_ANNOUNCED_LEGACY", set())
    assert building.find_builder(refresh=True).kind == "legacy"
    h.build(context, "learner/app:1")
    out = capsys.readouterr().out.splitlines()
    assert "buildx 플러그인" in out[0] and "예전 빌더" in out[0]
    assert out[1] == f"$ DOCKER_BUILDKIT=0 docker build -t learner/app:1 --label {CHAPTER_LABEL}=unit {context}"


def test_the_echoed_line_is_the_line_run(cli, context, capsys):
    h.build(context, "learner/app:1", dockerfile="Dockerfile.dev", buildargs={"VERSION": "1.0"}, target="build",
            secrets={"pip": "secret.txt"}, no_cache=True, chapter="05")
    printed = capsys.readouterr().out.splitlines()
    argv = cli["argv"].read_text().splitlines()
    assert printed[0] == "$ docker " + " ".join(argv)
    assert argv == ["build", "--progress=plain", "-t", "learner/app:1", "-f", str(context / "Dockerfile.dev"),
                    "--build-arg", "VERSION=1.0", "--target", "build", "--secret", "id=pip,src=secret.txt",
                    "--no-cache", "--label", f"{CHAPTER_LABEL}=05", str(context)]
    assert cli["env"].read_text().startswith("DOCKER_BUILDKIT=1 ")


def test_buildkit_lines_are_shown_and_cached_steps_counted(cli, context, capsys):
    seen = []
    h.build(context, "learner/app:1", on_event=seen.append)
    out = capsys.readouterr().out.splitlines()
    assert "#6 CACHED" in out and "#7 0.215 built" in out
    assert out[-1] == "learner/app:1 빌드 완료: FROM 다음 단계 2개 중 1개는 캐시 사용(CACHED)"
    assert all(e["buildkit"] for e in seen) and any(e["stream"].startswith("#5 [build 1/3]") for e in seen)


def test_a_failed_run_step_is_a_stream_error_with_buildkits_reason(cli, context):
    cli["plain"].write_text(PLAIN_RUN_FAILS)
    os.environ["FAKE_CODE"] = "1"
    try:
        with pytest.raises(errors.StreamError) as info, h.quiet():
            h.build(context, "learner/app:1")
    finally:
        del os.environ["FAKE_CODE"]
    assert "RUN 명령이 실패" in info.value.message
    assert info.value.cause.endswith("exit code: 3")


SNAPSHOT_RACE = ('#8 unpacking to docker.io/learner/app:1\n#8 ERROR: failed to prepare extraction snapshot '
                 '"extract-486530493-6DO6 sha256:c196": parent snapshot sha256:66f0 does not exist: not found\n'
                 'ERROR: failed to build: failed to solve: failed to prepare extraction snapshot "extract-486530493-6DO6 '
                 'sha256:c196": parent snapshot sha256:66f0 does not exist: not found\n')


def test_the_containerd_stores_lost_snapshot_is_built_once_more_and_said(cli, context, tmp_path, capsys):
    """moby/buildkit#6521: the containerd image store sometimes loses a snapshot while it unpacks the result;
    the same line runs once more (printed again, with why), and only a second failure is the learner's error."""
    (cli["plain"].parent / "race").write_text(SNAPSHOT_RACE)
    script = Path(os.environ["PATH"].split(os.pathsep)[0]) / "docker"
    script.write_text(script.read_text().replace(
        'cat "$FAKE_PLAIN" >&2\n',
        'if [ ! -e "$FAKE_PLAIN.once" ]; then touch "$FAKE_PLAIN.once"; cat "$FAKE_PLAIN.race" >&2; exit 1; fi\n'
        'cat "$FAKE_PLAIN" >&2\n'))
    (cli["plain"].parent / "race").rename(str(cli["plain"]) + ".race")
    h.build(context, "learner/app:1", chapter="05")
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("$ docker build")]
    assert len(lines) == 2 and lines[0] == lines[1], out  # the same command, shown each time it runs
    assert "moby/buildkit#6521" in out and "한 번 더" in out
    assert "빌드 완료" in out.splitlines()[-1]
    os.remove(str(cli["plain"]) + ".once")  # lost on both runs: the learner gets the case in Korean
    script.write_text(script.read_text().replace('touch "$FAKE_PLAIN.once"; ', ""))
    with pytest.raises(errors.StreamError) as info, h.quiet():
        h.build(context, "learner/app:1", chapter="05")
    assert "스냅숏" in info.value.message and "한 번 더" in info.value.hint


@pytest.mark.parametrize("plain, kind, fragment", [
    ("ERROR: failed to build: failed to solve: nothere:1.0: failed to resolve source metadata for "
     "docker.io/library/nothere:1.0: no such host\n", errors.ImageNotFound, "nothere:1.0"),
    ("ERROR: failed to build: failed to solve: dockerfile parse error on line 2: unknown instruction: RUNN\n",
     errors.StreamError, "Dockerfile을 읽지"),
    ('ERROR: failed to build: failed to solve: failed to compute cache key: "/app.py": not found\n',
     errors.StreamError, "COPY/ADD"),
    ("ERROR: Cannot connect to the Docker daemon at unix:///x.sock. Is the docker daemon running?\n",
     errors.DockerNotRunning, "Docker 엔진"),
    # Engine 20.10's CLI, whose own BuildKit client words a failed RUN differently
    ("failed to solve with frontend dockerfile.v0: failed to build LLB: executor failed running "
     "[/bin/sh -c exit 3]: exit code: 3\n", errors.StreamError, "RUN 명령이 실패"),
])
def test_failures_name_their_case_in_korean(cli, context, monkeypatch, plain, kind, fragment):
    cli["plain"].write_text(plain)
    monkeypatch.setenv("FAKE_CODE", "1")
    with pytest.raises(kind) as info, h.quiet():
        h.build(context, "learner/app:1")
    assert fragment in info.value.message


def test_secrets_need_buildkit(fake, context):
    with pytest.raises(errors.FeatureMissing) as info, h.quiet():
        h.build(context, "learner/app:1", secrets={"pip": "x"})
    assert "buildx" in info.value.hint


def test_the_widget_counts_buildkit_steps(cli, context):
    from helpers.widgets.progress import BuildProgress

    widget = BuildProgress(context, "learner/app:1")
    with h.quiet():
        widget.run()
    assert [s.split("] ")[1] for s in widget.steps] == ["FROM docker.io/library/busybox:1.35", "COPY app.py /app/",
                                                        "RUN echo built"]
    assert (widget.bar.value, widget.bar.max) == (3, 3)
    assert json.dumps(widget.text())  # plain text, no widget state


def test_preflight_names_the_builder_and_how_to_get_buildkit(cli, tmp_path, monkeypatch):
    assert building.preflight_line()[:2] == ("ok", "이미지 빌드: BuildKit (docker buildx 0.29.1)")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))  # no docker CLI at all
    building.find_builder(refresh=True)
    level, title, hint = building.preflight_line()
    assert (level, "docker 명령(CLI)이 없습니다" in title) == ("warn", True)
    assert "docker-buildx" in hint
