"""PullProgress and BuildProgress on the fake engine: bars drawn from the events ``images.pull`` /
``images.build`` pass to ``on_event``; the verbs' ledger record and error mapping apply unchanged."""

from __future__ import annotations

import pytest

from helpers import errors, ledger
from helpers._state import CHAPTER_LABEL
from helpers.widgets.progress import BuildProgress, PullProgress

from ..fakes import layer_events
from .ui import assert_bundle


def tags(fake) -> set[str]:
    """Every image name on the fake engine."""
    return {t for img in fake.images.list() for t in img.tags}

# ------------------------------------------------------------------------------------------- pull


def test_pull_progress_bars_and_summary(fake, capsys):
    fake.pull_result = [{"status": "Pulling from wtest/demo", "id": "1"}, *layer_events("aaaaaaaaaaaa", 1000),
                        *layer_events("bbbbbbbbbbbb", 50), {"status": "Digest: sha256:123"},
                        {"status": "Status: Downloaded newer image for wtest/demo:1"}]
    p = PullProgress("wtest/demo:1", chapter="test-widgets")
    seen_half = []
    p_on_event = p.on_event

    def spy(event):
        p_on_event(event)
        if event.get("status") == "Downloading" and event["id"] == "aaaaaaaaaaaa":
            seen_half.append((p.bars["aaaaaaaaaaaa"].value, p.bars["aaaaaaaaaaaa"].max))

    p.on_event = spy
    image = p.run()
    assert image is fake.images.get("wtest/demo:1") and p.image is image
    assert ("pull", "wtest/demo:1") in fake.calls
    assert seen_half == [(500, 1000)]  # the bar moved while the stream was read
    assert set(p.bars) == {"aaaaaaaaaaaa", "bbbbbbbbbbbb"}
    assert all(b.value == b.max and b.bar_style == "success" for b in p.bars.values())
    printed = capsys.readouterr().out
    assert "$ docker pull wtest/demo:1" in printed
    assert "wtest/demo:1: 레이어 2개 중 2개 완료" in printed
    bundle = assert_bundle(p, "aaaaaaaaaaaa", "Pull complete", "레이어 2개 중 2개 완료")
    assert "aaaaaaaaaaaa: Pull complete" in bundle["text/plain"]
    assert "wtest/demo:1" in ledger.refs("test-widgets")


def test_pull_progress_in_band_error_raises_course_error(fake):
    fake.pull_result = [*layer_events("aaaaaaaaaaaa", 1000)[:2],
                        {"error": "manifest for wtest/demo:2 not found: manifest unknown",
                         "errorDetail": {"message": "manifest unknown"}}]
    p = PullProgress("wtest/demo:2", chapter="test-widgets")
    with pytest.raises(errors.ImageNotFound, match="wtest/demo:2"):
        p.run()
    assert p.bars["aaaaaaaaaaaa"].bar_style == "danger"
    assert p.summary.startswith("실패") and "실패" in p.text() and "c62828" in p.status.value
    assert p.image is None and "wtest/demo:2" not in ledger.refs("test-widgets")
    assert "wtest/demo:2" not in tags(fake)


def test_pull_progress_with_nothing_new_says_so(fake):
    fake.pull_result = [{"status": "Status: Image is up to date for busybox:1.35"}]
    p = PullProgress("busybox:1.35")
    assert p.run() is fake.images.get("busybox:1.35")
    assert p.bars == {} and p.summary == "busybox:1.35: 새로 받을 레이어가 없습니다 (모두 이미 있음)"


# ------------------------------------------------------------------------------------------ build


@pytest.fixture
def context(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM busybox:1.35\nRUN echo hi\n")
    return tmp_path


def test_build_progress_steps_and_summary(fake, context, capsys):
    fake.build_events = [{"stream": "Step 1/2 : FROM busybox:1.35\n"}, {"stream": " ---> 3c19bafed223\n"},
                         {"stream": "Step 2/2 : RUN echo hi\n"}, {"stream": "hi\n"},
                         {"stream": "Successfully built 5d4c2a1b9e8f\n"}, {"stream": "Successfully tagged mine:1\n"}]
    b = BuildProgress(context, "mine:1", chapter="test-widgets")
    seen = []
    b_on_event = b.on_event

    def spy(event):
        b_on_event(event)
        seen.append((b.bar.value, b.bar.max))

    b.on_event = spy
    image = b.run()
    assert seen[:2] == [(1, 2), (1, 2)] and seen[2] == (2, 2)
    assert b.steps == ["Step 1/2 : FROM busybox:1.35", "Step 2/2 : RUN echo hi"]
    assert b.bar.value == b.bar.max == 2 and b.bar.bar_style == "success"
    assert b.summary == "mine:1 빌드 완료: 2단계"
    assert image is fake.images.get("mine:1") and image.labels == {CHAPTER_LABEL: "test-widgets"}
    assert ("build", str(context), "mine:1", {CHAPTER_LABEL: "test-widgets"}) in fake.calls
    line = f"DOCKER_BUILDKIT=0 docker build -t mine:1 --label {CHAPTER_LABEL}=test-widgets {context}"
    assert f"$ {line}" in capsys.readouterr().out  # the line printed is the one the header shows
    assert b.command == line and line in b.widget.children[0].value
    assert_bundle(b, line, "Step 2/2 : RUN echo hi", "mine:1 빌드 완료: 2단계")


def test_build_progress_failure_shows_the_engines_reason(fake, context):
    fake.build_events = [{"stream": "Step 1/2 : FROM busybox:1.35\n"}, {"stream": "Step 2/2 : RUN false\n"},
                         {"error": "The command '/bin/sh -c false' returned a non-zero code: 1",
                          "errorDetail": {"code": 1, "message": "The command '/bin/sh -c false' returned a "
                                                                "non-zero code: 1"}}]
    b = BuildProgress(context, "mine:2")
    with pytest.raises(errors.StreamError):
        b.run()
    assert b.bar.bar_style == "danger" and b.bar.value == 2
    assert b.summary == "실패: The command '/bin/sh -c false' returned a non-zero code: 1"
    assert "c62828" in b.status.value and b.image is None
    assert "mine:2" not in tags(fake)


def test_build_progress_without_a_dockerfile_fails_before_building(fake, tmp_path):
    b = BuildProgress(tmp_path, "mine:3")
    with pytest.raises(errors.CourseError, match="Dockerfile"):
        b.run()
    assert b.summary.startswith("실패: ") and "Dockerfile이(가) 없습니다" in b.summary
    assert b.bar.bar_style == "danger" and not any(call[0] == "build" for call in fake.calls)
