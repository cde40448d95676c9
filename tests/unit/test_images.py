"""helpers.images against the fake client: lines, ledger bookkeeping, and error choices."""

from __future__ import annotations

import docker.errors as de
import pytest

import helpers as h
from helpers import errors, ledger, registry
from helpers._state import CHAPTER_LABEL
from helpers.images import split_ref

from .fakes import printed

HUB_DOWN = de.APIError("500 Server Error", explanation='Get "https://registry-1.docker.io/v2/": dial tcp: lookup '
                                                      "registry-1.docker.io on 10.255.255.53:53: no such host")


@pytest.mark.parametrize(("ref", "parts"), [
    ("busybox", ("busybox", "latest")),
    ("busybox:1.35", ("busybox", "1.35")),
    ("127.0.0.1:5050/a/b:1", ("127.0.0.1:5050/a/b", "1")),
    ("127.0.0.1:5050/a/b", ("127.0.0.1:5050/a/b", "latest")),
])
def test_split_ref(ref, parts):
    assert split_ref(ref) == parts


def test_images_table_and_filter(fake, capsys):
    fake.add_image("learner/웹:1", labels={CHAPTER_LABEL: "05"})
    table = h.images()
    assert printed(capsys) == ["$ docker images"]
    text = repr(table)
    assert text.splitlines()[0].split() == ["REPOSITORY", "TAG", "IMAGE", "ID", "CREATED", "SIZE"]
    assert "learner/웹" in text and "2.0MB" in text and "316.0MB" in text
    only = h.images("httpd")
    assert printed(capsys) == ["$ docker images httpd"]
    assert [img.tags for img in only] == [["httpd:2.4"]]


def test_pull_records_a_new_name_in_the_ledger(fake, capsys):
    img = h.pull("127.0.0.1:5050/library/busybox:1.35", chapter="04")
    assert printed(capsys)[0] == "$ docker pull 127.0.0.1:5050/library/busybox:1.35"
    assert "127.0.0.1:5050/library/busybox:1.35" in img.tags
    assert ledger.refs("04") == ["127.0.0.1:5050/library/busybox:1.35"]


def test_pull_of_an_image_already_here_is_not_recorded(fake):
    with h.quiet():
        h.pull("busybox:1.35")
    assert ledger.refs() == []  # the kit's own name must never be handed to reset


def test_pull_without_tag_pulls_latest(fake):
    with h.quiet():
        h.pull("hello-world")
    assert ("pull", "hello-world:latest") in fake.calls


def test_pull_offline_is_registry_unavailable_with_the_kit_hint(fake):
    fake.pull_result = HUB_DOWN
    with pytest.raises(errors.RegistryUnavailable) as info, h.quiet():
        h.pull("alpine")
    assert "'alpine'" in info.value.message
    assert "busybox:1.35" in info.value.hint


def test_pull_unknown_tag_in_band_is_image_not_found(fake, monkeypatch):
    monkeypatch.setattr(registry, "running", lambda: True)
    fake.pull_result = [{"status": "Pulling from itest/x", "id": "nope"},
                        {"error": "manifest for 127.0.0.1:5050/itest/x:nope not found: manifest unknown"}]
    with pytest.raises(errors.ImageNotFound), h.quiet():
        h.pull("127.0.0.1:5050/itest/x:nope")


def test_pull_from_the_course_registry_while_it_is_down(fake, monkeypatch):
    monkeypatch.setattr(registry, "running", lambda: False)
    fake.pull_result = de.APIError("500 Server Error", explanation='Get "http://127.0.0.1:5050/v2/": dial tcp '
                                                                   "127.0.0.1:5050: connect: connection refused")
    with pytest.raises(errors.RegistryUnavailable) as info, h.quiet():
        h.pull("127.0.0.1:5050/itest/x:1")
    assert "h.registry.start()" in info.value.hint


def test_tag_records_and_rmi_forgets(fake, capsys):
    h.tag("busybox:1.35", "learner/box:1", chapter="05")
    assert printed(capsys) == ["$ docker tag busybox:1.35 learner/box:1"]
    assert ledger.refs("05") == ["learner/box:1"]
    lines = h.rmi("learner/box:1")
    assert printed(capsys) == ["$ docker rmi learner/box:1", "Untagged: learner/box:1"]
    assert lines == ["Untagged: learner/box:1"]
    assert ledger.refs() == []
    assert fake.images.get("busybox:1.35")  # the kit image keeps its own name


def test_tag_bad_target_is_invalid_name(fake):
    fake.images.get("busybox:1.35").tag = lambda *a: (_ for _ in ()).throw(
        de.APIError("400 Client Error", explanation="invalid reference format"))
    with pytest.raises(errors.InvalidName), h.quiet():
        h.tag("busybox:1.35", "Bad Name")


def test_rmi_missing_and_in_use(fake):
    with pytest.raises(errors.ImageNotFound), h.quiet():
        h.rmi("nope:1")
    fake.add_image("learner/app:1", labels={CHAPTER_LABEL: "05"})
    fake.add_container("user", "learner/app:1", running=False)
    with pytest.raises(errors.ImageInUse), h.quiet():
        h.rmi("learner/app:1")
    assert fake.images.get("learner/app:1")


def test_push_registry_down_in_band_is_registry_unavailable(fake):
    fake.add_image("127.0.0.1:5050/itest/x:1")
    fake.push_events = [{"status": "The push refers to repository [127.0.0.1:5050/itest/x]"},
                        {"error": 'Get "http://127.0.0.1:5050/v2/": dial tcp 127.0.0.1:5050: connect: '
                                  "connection refused"}]
    with pytest.raises(errors.RegistryUnavailable), h.quiet():
        h.push("127.0.0.1:5050/itest/x:1")


def test_push_other_in_band_error_stays_a_stream_error(fake):
    fake.add_image("127.0.0.1:5050/itest/x:1")
    fake.push_events = [{"errorDetail": {"message": "unknown blob"}, "error": "unknown blob"}]
    with pytest.raises(errors.StreamError) as info, h.quiet():
        h.push("127.0.0.1:5050/itest/x:1")
    assert info.value.cause == "unknown blob"


def test_push_lines(fake, capsys):
    fake.add_image("127.0.0.1:5050/itest/x:1")
    fake.push_events = [{"status": "Pushed", "id": "aaaaaaaaaaaa"}, {"status": "1: digest: sha256:ab size: 527"}]
    lines = h.push("127.0.0.1:5050/itest/x:1")
    assert lines == ["  aaaaaaaaaaaa: Pushed", "  1: digest: sha256:ab size: 527"]
    assert printed(capsys)[0] == "$ docker push 127.0.0.1:5050/itest/x:1"


def test_build_line_labels_and_in_band_error(fake, capsys, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM busybox:1.35\n")
    img = h.build(tmp_path, "learner/app:1", chapter="05")
    # the chapter's label is on the line too: typed in a terminal it labels the image as h.build does
    assert printed(capsys)[0] == f"$ DOCKER_BUILDKIT=0 docker build -t learner/app:1 --label {CHAPTER_LABEL}=05 {tmp_path}"
    assert img.labels == {CHAPTER_LABEL: "05"}
    fake.build_events = [{"stream": "Step 2/2 : RUN exit 3\n"},
                         {"errorDetail": {"code": 3, "message": "The command '/bin/sh -c exit 3' returned a "
                                                                "non-zero code: 3"}}]
    with pytest.raises(errors.StreamError) as info, h.quiet():
        h.build(tmp_path, "learner/app:2")
    assert "non-zero code: 3" in info.value.cause


def test_build_without_a_dockerfile_says_so_before_asking_the_engine(fake, tmp_path):
    with pytest.raises(errors.CourseError) as info, h.quiet():
        h.build(tmp_path, "learner/app:3")
    assert "Dockerfile" in info.value.message
    assert not [c for c in fake.calls if c[0] == "build"]


def test_search_offline_is_registry_unavailable_and_points_at_the_course_registry(fake, monkeypatch, capsys):
    """Like the CLI, docker search asks Docker Hub only; it never quietly searches somewhere else."""
    fake.search_result = HUB_DOWN
    monkeypatch.setattr(registry, "running", lambda: pytest.fail("search must not look at the course registry"))
    with pytest.raises(errors.RegistryUnavailable) as info:
        h.search("busybox", limit=1)
    assert printed(capsys) == ["$ docker search --limit 1 busybox"]
    assert "h.registry.search('busybox')" in info.value.hint


def test_course_registry_search_shows_the_api_call_it_makes(monkeypatch, capsys):
    monkeypatch.setattr(registry, "running", lambda: True)
    monkeypatch.setattr(registry, "_get", lambda path, timeout=3: (200, {"repositories": ["library/busybox", "x"]}))
    assert registry.search("busy") == ["library/busybox"]
    assert printed(capsys) == [f"$ curl http://{registry.address()}/v2/_catalog"]


def test_search_online_table(fake):
    fake.search_result = [{"name": "busybox", "description": "Busybox base image.", "star_count": 3000,
                           "is_official": True}]
    with h.quiet():
        table = h.search("busybox")
    assert "[OK]" in repr(table) and "3000" in repr(table)


def test_login_hub_offline_is_registry_unavailable(fake, monkeypatch):
    def refuse(**_kw):
        raise HUB_DOWN

    monkeypatch.setattr(fake, "login", refuse)
    with pytest.raises(errors.RegistryUnavailable), h.quiet():
        h.login()


def test_login_line(fake, capsys):
    assert h.login(registry="127.0.0.1:5050") == {"Status": "Login Succeeded"}
    assert printed(capsys) == ["$ docker login -u learner --password-stdin 127.0.0.1:5050", "Login Succeeded"]


def test_history_table(fake):
    with h.quiet():
        table = h.history("busybox:1.35")
    text = repr(table)
    assert text.splitlines()[0].split() == ["IMAGE", "CREATED", "CREATED", "BY", "SIZE"]
    assert "<missing>" in text and "#(nop)" not in text


@pytest.mark.parametrize(("size", "text"), [(512, "512B"), (2048, "2.048kB"), (10240, "10.24kB"),
                                            (20_480_000, "20.48MB"), (31_457_280, "31.46MB")])
def test_cli_size_reads_like_the_docker_cli(size, text):
    from helpers.images import cli_size

    assert cli_size(size) == text


def test_build_first_says_how_big_the_context_is_less_what_dockerignore_leaves_out(fake, capsys, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM busybox:1.35\nCOPY . /\n")
    (tmp_path / "big.bin").write_bytes(b"\0" * 300_000)
    h.build(tmp_path, "learner/app:1")
    lines = printed(capsys)
    assert lines[1].startswith("Sending build context to Docker daemon  ") and lines[1].endswith("kB")
    everything = float(lines[1].split()[-1].removesuffix("kB"))
    (tmp_path / ".dockerignore").write_text("# 큰 파일은 보내지 않습니다\nbig.bin\n")
    h.build(tmp_path, "learner/app:1")
    without = float(printed(capsys)[1].split()[-1].removesuffix("kB"))
    assert everything > 300 > without


def test_build_shows_the_steps_the_layer_cache_answered(fake, capsys, tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM busybox:1.35\nRUN true\n")
    fake.build_events = [{"stream": "Step 1/2 : FROM busybox:1.35\n"}, {"stream": " ---> 54a5f5b74391\n"},
                         {"stream": "Step 2/2 : RUN true\n"}, {"stream": " ---> Using cache\n"},
                         {"stream": " ---> 0123456789ab\n"}, {"stream": "Successfully built 0123456789ab\n"}]
    h.build(tmp_path, "learner/app:1")
    assert printed(capsys)[2:6] == ["  Step 1/2 : FROM busybox:1.35", "  Step 2/2 : RUN true", "   ---> Using cache",
                                    "  Successfully built 0123456789ab"]


def multi_stage(fake, tmp_path, last: dict | None = None) -> tuple:
    """A two-stage build: a first stage of two steps (its last image stays untagged), a `FROM ... AS` stage of
    FROM alone, then the last stage. Returns (first stage's image, the FROM-alone stage's base)."""
    (tmp_path / "Dockerfile").write_text("FROM busybox:1.35 AS build\nRUN true\nFROM busybox:1.35 AS same\n"
                                         "FROM busybox:1.35\nCOPY --from=build / /x\n")
    stage = fake.add_image()  # untagged, as the classic builder leaves a stage
    base = fake.images.get("busybox:1.35")
    fake.build_events = [
        {"stream": "Step 1/5 : FROM busybox:1.35 AS build\n"}, {"stream": f" ---> {base.id[7:19]}\n"},
        {"stream": "Step 2/5 : RUN true\n"}, {"stream": " ---> Running in 0c0c0c0c0c0c\n"},
        {"stream": f" ---> {stage.id[7:19]}\n"},
        {"stream": "Step 3/5 : FROM busybox:1.35 AS same\n"}, {"stream": f" ---> {base.id[7:19]}\n"},
        {"stream": "Step 4/5 : FROM busybox:1.35\n"}, {"stream": f" ---> {base.id[7:19]}\n"},
        last or {"stream": "Step 5/5 : COPY --from=build / /x\n"},
    ]
    return stage, base


def test_build_records_an_earlier_stage_left_untagged_and_reset_removes_it(fake, tmp_path):
    stage, base = multi_stage(fake, tmp_path)
    with h.quiet():
        h.build(tmp_path, "learner/site:1", chapter="06")
    assert ledger.refs("06") == [stage.id]  # never the FROM-alone stage: that is the kit's busybox
    assert stage.id in h.leftovers("06")["images"]
    with h.quiet():
        h.reset("06")
    assert stage.id not in fake._images and base.id in fake._images
    assert ledger.refs("06") == []


def test_a_failed_build_records_what_it_left_too(fake, tmp_path):
    stage, _ = multi_stage(fake, tmp_path, last={"errorDetail": {"message": "COPY failed"}, "error": "COPY failed"})
    with pytest.raises(errors.StreamError), h.quiet():
        h.build(tmp_path, "learner/site:1", chapter="06")
    assert ledger.refs("06") == [stage.id]


def test_reset_keeps_a_recorded_stage_that_now_has_a_name(fake, tmp_path):
    stage, _ = multi_stage(fake, tmp_path)
    with h.quiet():
        h.build(tmp_path, "learner/site:1", chapter="06")
    fake.images.get(stage.id).tag("learner/kept", "1")  # the learner named it: no longer the course's leftover
    assert stage.id not in h.leftovers("06")["images"]
    with h.quiet():
        h.reset("06")
    assert stage.id in fake._images
