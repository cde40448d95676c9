"""helpers.display: tables with Hangul, progress streams, quiet/expect_error."""

from __future__ import annotations

import pytest

import helpers as h
from helpers import display, errors
from helpers.display import Output, Progress, Table, width


def test_quiet_restores_echo_after_an_error():
    with pytest.raises(RuntimeError), h.quiet():
        raise RuntimeError("boom")
    from helpers._state import STATE

    assert STATE.echo is True


def test_width_counts_hangul_twice():
    assert width("abc") == 3
    assert width("웹서버") == 6
    assert width("웹 a") == 4


def _column_starts(line: str, texts: list[str]) -> list[int]:
    """Display column where each of ``texts`` starts in ``line``."""
    starts, pos = [], 0
    for t in texts:
        idx = line.index(t, pos)
        starts.append(width(line[:idx]))
        pos = idx + len(t)
    return starts


def test_table_aligns_columns_by_display_width_with_hangul():
    rows = [["웹서버", "httpd:2.4", "실행 중"], ["db", "busybox:1.35", "exited"], ["아주긴이름의컨테이너", "x", "-"]]
    table = Table(["a", "b", "c"], ["NAME", "IMAGE", "STATUS"], rows)
    lines = table.text().splitlines()
    assert len(lines) == 4
    head = _column_starts(lines[0], ["NAME", "IMAGE", "STATUS"])
    for line, row in zip(lines[1:], rows):
        assert _column_starts(line, row) == head, line
    assert all(line == line.rstrip() for line in lines)
    assert repr(table) == table.text()
    assert list(table) == ["a", "b", "c"]


def test_table_html_escapes_cells():
    table = Table([], ["NAME"], [["<b>웹</b>"]])
    page = table._repr_html_()
    assert "&lt;b&gt;웹&lt;/b&gt;" in page and "<b>웹" not in page


def test_output_is_a_str_with_exit_code_and_readable_repr():
    out = Output("안녕\n", exit_code=3, container="abc")
    assert out == "안녕\n" and out.exit_code == 3 and out.container == "abc"
    assert repr(out) == "안녕\n"
    assert repr(Output("")) == "(출력 없음)"


def test_progress_prints_each_layer_once_when_it_finishes(capsys):
    events = [
        {"status": "Pulling from library/busybox", "id": "1.35"},
        {"status": "Pulling fs layer", "id": "aaaaaaaaaaaa"},
        {"status": "Downloading", "id": "aaaaaaaaaaaa", "progressDetail": {"current": 10, "total": 100}},
        {"status": "Pull complete", "id": "aaaaaaaaaaaa"},
        {"status": "Pull complete", "id": "aaaaaaaaaaaa"},
        {"status": "Already exists", "id": "bbbbbbbbbbbb"},
        {"status": "Digest: sha256:0123"},
        {"status": "Status: Downloaded newer image for busybox:1.35"},
    ]
    p = Progress("busybox:1.35").feed(events)
    assert p.lines == ["  aaaaaaaaaaaa: Pull complete", "  bbbbbbbbbbbb: Already exists", "  Digest: sha256:0123",
                       "  Status: Downloaded newer image for busybox:1.35"]
    assert capsys.readouterr().out.splitlines() == p.lines
    assert p.summary() == "busybox:1.35: 레이어 2개 중 2개 완료"


def test_progress_tolerates_current_beyond_total_and_local_jumps():
    events = [
        {"status": "Downloading", "id": "cccccccccccc", "progressDetail": {"current": 250, "total": 100}},
        {"status": "Extracting", "id": "cccccccccccc", "progressDetail": {"current": 100, "total": 0}},
        {"status": "Pull complete", "id": "cccccccccccc", "progressDetail": {}},
    ]
    with h.quiet():
        p = Progress("x").feed(events)
    assert p.layers == {"cccccccccccc": "Pull complete"}
    assert Progress("y").summary() == "y: 새로 받을 레이어가 없습니다 (모두 이미 있음)"


@pytest.mark.parametrize("event", [
    {"error": "manifest unknown", "errorDetail": {"message": "manifest unknown"}},
    {"errorDetail": {"message": "manifest unknown"}},
])
def test_progress_raises_stream_error_on_an_in_band_error_event(event):
    seen = []
    events = [{"status": "Pulling fs layer", "id": "dddddddddddd"}, event,
              {"status": "Pull complete", "id": "dddddddddddd"}]
    with pytest.raises(errors.StreamError) as info, h.quiet():
        Progress("busybox:nope", on_event=seen.append).feed(iter(events))
    assert info.value.cause == "manifest unknown"
    assert "busybox:nope" in info.value.message
    assert len(seen) == 2  # stopped at the error


def test_progress_shows_build_steps():
    with h.quiet():
        p = Progress("build t").feed([{"stream": "Step 1/2 : FROM busybox:1.35\n"}, {"stream": " ---> abc\n"},
                                      {"stream": "Successfully built abc\n"}])
    assert p.lines == ["  Step 1/2 : FROM busybox:1.35", "  Successfully built abc"]


def test_expect_error_shows_the_friendly_message_and_goes_on(capsys):
    with h.expect_error(errors.PortInUse):
        raise errors.PortInUse(cause="Bind for 0.0.0.0:8080 failed: port is already allocated")
    out = capsys.readouterr().out
    assert out.startswith("PortInUse: 호스트 포트가 이미 사용 중입니다.")
    assert "Traceback" not in out


def test_expect_error_lets_other_errors_through_and_notes_a_missing_error(capsys):
    with pytest.raises(errors.ImageNotFound), h.expect_error(errors.PortInUse):
        raise errors.ImageNotFound()
    with h.expect_error():
        pass
    assert "예상한 오류가 일어나지 않았습니다" in capsys.readouterr().out


@pytest.mark.parametrize(("num", "text"), [(0, "0B"), (999, "999B"), (1_990_000, "2.0MB"),
                                          (104_000_000, "104.0MB"), (3_200_000_000, "3.2GB")])
def test_human_size_uses_decimal_units_like_docker(num, text):
    assert display.human_size(num) == text


def test_ago_in_korean():
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc)
    iso = (now - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.123Z")
    assert display.ago(iso) == "5분 전"
    assert display.ago("0001-01-01T00:00:00Z") == ""
