"""helpers.images against the real engine: images, image, pull (offline), tag, rmi, commit, build,
history. Registry round trips live in test_registry.py. Repositories are named itest/*."""

from __future__ import annotations

import gzip
import io
import tarfile
import time

import pytest

import helpers as h
from helpers import errors, ledger
from helpers._state import CHAPTER_LABEL

from .support import containerd_store, events, image_exists, use_builder

pytestmark = [pytest.mark.engine, pytest.mark.usefixtures("chapter")]


def test_images_lists_kit_images_like_the_cli(engine, capsys):
    table = h.images()
    assert capsys.readouterr().out.splitlines() == ["$ docker images"]
    busybox = engine.images.get("busybox:1.35")
    assert busybox.id in {img.id for img in table}
    row = next(r for r in table.rows if r[0] == "busybox" and r[1] == "1.35")
    assert row[2] == busybox.id.split(":")[1][:12] and row[4].endswith("MB")
    only = h.images("busybox")
    assert {r[0] for r in only.rows} == {"busybox"}


def test_image_returns_the_local_image_or_image_not_found(engine):
    assert h.image("busybox:1.35").id == engine.images.get("busybox:1.35").id
    with pytest.raises(errors.ImageNotFound):
        h.image("itest/absent:0")


def test_pull_from_docker_hub_offline_is_registry_unavailable(engine):
    t0 = time.monotonic()
    with pytest.raises(errors.RegistryUnavailable) as info, h.quiet():
        h.pull("alpine:3.19")
    assert time.monotonic() - t0 < 30
    assert "'alpine:3.19'" in info.value.message and "busybox:1.35" in info.value.hint
    assert not image_exists(engine, "alpine:3.19")
    assert ledger.refs() == [] or "alpine:3.19" not in ledger.refs()


def test_pull_invalid_name_is_invalid_name(engine):
    with pytest.raises(errors.InvalidName), h.quiet():
        h.pull("Not A Name")


def test_tag_then_rmi_only_removes_the_name(engine, chapter, capsys):
    busybox_id = engine.images.get("busybox:1.35").id
    img = h.tag("busybox:1.35", "itest/tagged:1")
    assert capsys.readouterr().out.splitlines() == ["$ docker tag busybox:1.35 itest/tagged:1"]
    assert img.id == busybox_id and "itest/tagged:1" in img.tags
    assert "itest/tagged:1" in ledger.refs(chapter)
    assert h.leftovers(chapter)["tags"] == ["itest/tagged:1"]
    lines = h.rmi("itest/tagged:1")
    assert lines == ["Untagged: itest/tagged:1"]
    assert not image_exists(engine, "itest/tagged:1")
    assert engine.images.get("busybox:1.35").id == busybox_id
    assert "itest/tagged:1" not in ledger.refs()


def test_tag_errors(engine):
    with pytest.raises(errors.ImageNotFound), h.quiet():
        h.tag("itest/absent:0", "itest/x:1")
    with pytest.raises(errors.InvalidName), h.quiet():
        h.tag("busybox:1.35", "itest/Bad Tag")


def test_rmi_missing_is_image_not_found(engine):
    with pytest.raises(errors.ImageNotFound), h.quiet():
        h.rmi("itest/absent:0")


def test_commit_with_changes_then_run_the_new_image(engine, chapter, capsys):
    with h.quiet():
        h.run("busybox:1.35", ["sh", "-c", "mkdir -p /srv && echo 안녕 > /srv/greeting.txt"], name="itest-commit-src")
    img = h.commit("itest-commit-src", "itest/committed", "1", message="인사 추가",
                   changes=['CMD ["cat", "/srv/greeting.txt"]'])
    line = capsys.readouterr().out.splitlines()[0]
    assert line == ("$ docker commit --change='CMD [\"cat\", \"/srv/greeting.txt\"]' -m '인사 추가' "
                    "itest-commit-src itest/committed:1")
    base = engine.images.get("busybox:1.35")
    assert img.attrs["Config"]["Cmd"] == ["cat", "/srv/greeting.txt"] != base.attrs["Config"]["Cmd"]
    assert img.labels[CHAPTER_LABEL] == chapter
    assert img.attrs["Comment"] == "인사 추가"
    with h.quiet():
        out = h.run("itest/committed:1", rm=True)
    assert out == "안녕\n"
    assert img.id in h.leftovers(chapter)["images"]


def test_rmi_of_an_image_a_container_uses_is_image_in_use(engine, chapter):
    with h.quiet():
        h.create("busybox:1.35", "true", name="itest-inuse-src")
        img = h.commit("itest-inuse-src", "itest/inuse", "1")
        h.create("itest/inuse:1", "true", name="itest-inuse-user")
        with pytest.raises(errors.ImageInUse) as info:
            h.rmi("itest/inuse:1")
    assert "force=True" in info.value.hint
    assert image_exists(engine, "itest/inuse:1")
    with h.quiet():
        h.rm("itest-inuse-user")
        h.rmi("itest/inuse:1")
    assert not image_exists(engine, img.id)


@pytest.fixture
def context(tmp_path):
    def write(dockerfile: str):
        (tmp_path / "Dockerfile").write_text(dockerfile)
        (tmp_path / "hello.txt").write_text("빌드에서 왔어요\n")
        return tmp_path

    return write


@pytest.fixture
def legacy(monkeypatch):
    """The engine's classic builder, as where the docker CLI has no buildx (``DOCKER_BUILDKIT=0``)."""
    use_builder(monkeypatch, "legacy")


@pytest.fixture
def buildkit(monkeypatch):
    """BuildKit through the docker CLI (``docker build --progress=plain``), as on every current Docker."""
    use_builder(monkeypatch, "buildkit")


HELLO = ('FROM busybox:1.35\nCOPY hello.txt /hello.txt\nRUN ["/bin/sh", "-c", "echo built >> /hello.txt"]\n'
         'CMD ["cat", "/hello.txt"]\n')


def step_states(events_seen: list[dict]) -> dict[str, str]:
    """BuildKit's plain lines -> {step text: "CACHED" | "DONE" | ""} (a step's "#n [i/N] ..." and its "#n ..." end)."""
    import re

    numbers, states = {}, {}
    for event in events_seen:
        line = event["stream"].strip()
        step = re.match(r"^#(\d+) \[(?:\S+ )?\d+/\d+\] (.*)$", line)
        if step:
            numbers.setdefault(step.group(1), step.group(2))
            continue
        end = re.match(r"^#(\d+) (CACHED|DONE)", line)
        if end and end.group(1) in numbers:
            states[numbers[end.group(1)]] = end.group(2)
    return {text: states.get(text, "") for text in numbers.values()}


def test_build_with_buildkit_shows_its_lines_and_the_second_build_is_cached(engine, chapter, context, capsys, buildkit):
    path = context(HELLO)
    img = h.build(path, "itest/built:bk")
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"$ docker build --progress=plain -t itest/built:bk --label {CHAPTER_LABEL}={chapter} {path}"
    assert any(line.startswith("#") and "[2/3] COPY hello.txt /hello.txt" in line for line in printed)
    assert any("transferring context:" in line for line in printed)
    assert not any(line.startswith("Step ") or "Using cache" in line for line in printed)
    assert printed[-1].startswith("itest/built:bk 빌드 완료: FROM 다음 단계 2개 중 ") and "CACHED" in printed[-1]
    assert "itest/built:bk" in img.tags and img.labels[CHAPTER_LABEL] == chapter
    with h.quiet():
        assert h.run("itest/built:bk", rm=True) == "빌드에서 왔어요\nbuilt\n"
        table = h.history("itest/built:bk")
    assert any(row[2].startswith("CMD [\"cat\"") for row in table.rows)
    assert any("echo built" in row[2] for row in table.rows)

    seen: list[dict] = []
    with h.quiet():
        again = h.build(path, "itest/built:bk", on_event=seen.append)
    # overlay2 store: the same image. containerd image store: BuildKit adds a provenance record with the build's
    # time, so the image (an index, named by its digest) is a new one although every step came from the cache
    assert (again.id == img.id) != containerd_store(engine)
    assert seen and all(e.get("buildkit") is True for e in seen)
    states = step_states(seen)
    assert states["COPY hello.txt /hello.txt"] == "CACHED"
    assert states['RUN ["/bin/sh", "-c", "echo built >> /hello.txt"]'] == "CACHED"


def test_build_with_buildkit_target_builds_one_stage_and_leaves_no_untagged_images(engine, chapter, context, capsys,
                                                                                   buildkit):
    path = context("FROM busybox:1.35 AS first\nRUN echo one > /one.txt\n\n"
                   "FROM busybox:1.35\nCOPY --from=first /one.txt /one.txt\nRUN echo two > /two.txt\n")
    dangling_before = {i.id for i in engine.images.list(filters={"dangling": True})}
    h.build(path, "itest/stages:first", target="first")
    printed = capsys.readouterr().out.splitlines()
    assert "--target first" in printed[0]
    assert any("[first 2/2] RUN echo one > /one.txt" in line for line in printed)
    assert not any("echo two" in line for line in printed), "a stage the target does not need is not built"
    with h.quiet():
        assert h.run("itest/stages:first", "cat /one.txt", rm=True) == "one\n"
        assert h.run("itest/stages:first", "ls /two.txt", rm=True).exit_code != 0
        h.build(path, "itest/stages:last")
        assert h.run("itest/stages:last", "cat /one.txt /two.txt", rm=True) == "one\ntwo\n"
    new_dangling = {i.id for i in engine.images.list(filters={"dangling": True})} - dangling_before
    ours = [i for i in new_dangling if any("echo one" in (layer.get("CreatedBy") or "")
                                          for layer in engine.images.get(i).history())]
    assert not ours, "BuildKit keeps earlier stages in its build cache, not as untagged images"


def _image_bytes(engine, ref: str) -> bytes:
    """Everything ``docker save`` writes for ``ref``: its config, history and every layer, unpacked."""
    saved = io.BytesIO(b"".join(engine.images.get(ref).save(named=True)))
    found = []
    with tarfile.open(fileobj=saved) as outer:
        for member in outer.getmembers():
            if not member.isfile():
                continue
            data = outer.extractfile(member).read()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            found.append(data)
    return b"\n".join(found)


def test_build_with_buildkit_secret_mount_leaves_the_secret_in_no_layer(engine, chapter, context, capsys, buildkit,
                                                                       tmp_path_factory):
    token = "tok-itest-4f1c9a-not-real"
    secret = tmp_path_factory.mktemp("secret") / "token.txt"  # outside the build context
    secret.write_text(token)
    path = context("FROM busybox:1.35\nRUN --mount=type=secret,id=token wc -c < /run/secrets/token > /length.txt\n")
    h.build(path, "itest/secret:1", secrets={"token": str(secret)})
    printed = capsys.readouterr().out.splitlines()
    assert f"--secret id=token,src={secret}" in printed[0]
    with h.quiet():
        assert h.run("itest/secret:1", "cat /length.txt", rm=True).strip() == str(len(token))
        assert h.run("itest/secret:1", "ls /run/secrets/token", rm=True).exit_code != 0
        assert not any(token in row[2] for row in h.history("itest/secret:1").rows)
    assert token.encode() not in _image_bytes(engine, "itest/secret:1")
    # the same value given as a build argument is written into the image's history
    path = context("FROM busybox:1.35\nARG TOKEN\nRUN echo ${#TOKEN} > /length.txt\n")
    with h.quiet():
        h.build(path, "itest/secret:arg", buildargs={"TOKEN": token})
    assert token.encode() in _image_bytes(engine, "itest/secret:arg")


def test_build_with_buildkit_failing_run_is_a_stream_error_and_leaves_no_image(engine, chapter, context, buildkit):
    path = context("FROM busybox:1.35\nRUN echo 실패합니다 && exit 3\n")
    with pytest.raises(errors.StreamError) as info, h.quiet():
        h.build(path, "itest/broken:bk")
    assert "exit code: 3" in info.value.cause
    assert "RUN" in info.value.message
    assert not image_exists(engine, "itest/broken:bk")


def test_build_from_a_dockerfile_with_the_classic_builder(engine, chapter, context, capsys, legacy):
    path = context(HELLO)
    img = h.build(path, "itest/built:1")
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"$ DOCKER_BUILDKIT=0 docker build -t itest/built:1 --label {CHAPTER_LABEL}={chapter} {path}"
    assert printed[1].startswith("Sending build context to Docker daemon  ")
    steps = [line.strip() for line in printed if line.strip().startswith("Step ")]
    assert steps[0].startswith("Step 1/") and steps[0].endswith(": FROM busybox:1.35")
    assert printed[-1] == "itest/built:1 빌드 완료"
    assert "itest/built:1" in img.tags and img.labels[CHAPTER_LABEL] == chapter
    with h.quiet():
        assert h.run("itest/built:1", rm=True) == "빌드에서 왔어요\nbuilt\n"
        table = h.history("itest/built:1")
    text = repr(table)
    assert text.splitlines()[0].split()[:2] == ["IMAGE", "CREATED"]
    assert any(row[2].startswith("CMD [\"cat\"") for row in table.rows)
    assert any("echo built" in row[2] for row in table.rows)
    assert len(table) >= 4
    seen: list[dict] = []
    with h.quiet():
        h.build(path, "itest/built:1", on_event=seen.append)
    assert sum("Using cache" in (e.get("stream") or "") for e in seen) >= 2


def test_build_failure_is_a_stream_error_and_leaves_no_container(engine, chapter, context, legacy):
    t0 = time.time()
    path = context("FROM busybox:1.35\nRUN echo 실패합니다 && exit 3\n")
    with pytest.raises(errors.StreamError) as info, h.quiet():
        h.build(path, "itest/broken:1")
    assert "non-zero code: 3" in info.value.cause
    assert not image_exists(engine, "itest/broken:1")
    created = {e["id"] for e in events(engine, t0, type="container", event="create")
               if e["timeNano"] >= t0 * 1e9 and e["Actor"]["Attributes"].get("image", "").startswith("sha256:")}
    assert created, "the builder ran the RUN step in a container"
    deadline = time.monotonic() + 10  # forcerm: the engine removes it just after it sends the error
    while created & {c.id for c in engine.containers.list(all=True, sparse=True)} and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not created & {c.id for c in engine.containers.list(all=True, sparse=True)}


def test_build_rejects_buildkit_only_syntax(engine, context, legacy):
    path = context("FROM busybox:1.35\nRUN --mount=type=cache,target=/c true\n")
    with pytest.raises(errors.StreamError), h.quiet():
        h.build(path, "itest/buildkit:1")
    assert not image_exists(engine, "itest/buildkit:1")


def test_build_secrets_need_buildkit(engine, context, tmp_path_factory, legacy):
    secret = tmp_path_factory.mktemp("secret") / "token.txt"
    secret.write_text("x")
    path = context("FROM busybox:1.35\nRUN --mount=type=secret,id=token true\n")
    with pytest.raises(errors.FeatureMissing) as info, h.quiet():
        h.build(path, "itest/buildkit:2", secrets={"token": str(secret)})
    assert "buildx" in info.value.hint
    assert not image_exists(engine, "itest/buildkit:2")


def test_history_of_a_missing_image_is_image_not_found(engine):
    with pytest.raises(errors.ImageNotFound), h.quiet():
        h.history("itest/absent:0")

