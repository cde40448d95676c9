"""helpers.grading.clock: engine timestamps (nanoseconds, any offset), the engine's clock, and its display."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers.grading import checks
from helpers.grading.clock import clock, engine_time, parse_time

from .replay import recorded

UTC = dt.timezone.utc
SEOUL = dt.timezone(dt.timedelta(hours=9))


# -- engine time --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "when"), [
    ("2026-11-29T22:35:03.740298233Z", dt.datetime(2026, 11, 29, 22, 35, 3, 740298, UTC)),  # nanoseconds cut
    ("2026-11-29T22:35:03.999999999Z", dt.datetime(2026, 11, 29, 22, 35, 3, 999999, UTC)),  # not rounded up
    ("2026-11-29T22:35:03.5Z", dt.datetime(2026, 11, 29, 22, 35, 3, 500000, UTC)),
    ("2026-11-29T22:35:03Z", dt.datetime(2026, 11, 29, 22, 35, 3, 0, UTC)),
    ("2026-11-30T07:35:03.5+09:00", dt.datetime(2026, 11, 29, 22, 35, 3, 500000, UTC)),
    ("2026-11-30T07:35:03+0900", dt.datetime(2026, 11, 29, 22, 35, 3, 0, UTC)),
    ("2026-11-29T17:35:03.123456789-05:00", dt.datetime(2026, 11, 29, 22, 35, 3, 123456, UTC)),
    ("2026-11-29T22:35:03", dt.datetime(2026, 11, 29, 22, 35, 3, 0, UTC)),  # no zone: UTC
    ("  2026-11-29T22:35:03Z\n", dt.datetime(2026, 11, 29, 22, 35, 3, 0, UTC)),
    ("0001-01-01T00:00:00Z", dt.datetime(1, 1, 1, tzinfo=UTC)),  # FinishedAt of a never-stopped container
])
def test_parse_time_gives_an_aware_utc_datetime(text, when):
    got = parse_time(text)
    assert got == when
    assert got.tzinfo == UTC


@pytest.mark.parametrize("text", [
    "", "yesterday", "2026-11-29 22:35:03Z", "2026-11-29T22:35Z", "2026-11-29T22:35:03+9", "2026-11-29T22:35:03 UTC",
    "1795991187", "2026-13-01T00:00:00Z",
])
def test_parse_time_rejects_what_is_not_an_engine_timestamp(text):
    with pytest.raises(ValueError):
        parse_time(text)


def test_parse_time_reads_every_recorded_timestamp():
    stamps = [recorded("engine")["info"]["SystemTime"]]
    for rec in recorded("containers").values():
        stamps += [rec["Created"], rec["State"]["StartedAt"], rec["State"]["FinishedAt"]]
    stamps += [rec["Created"] for rec in recorded("images").values()]
    stamps += [a["stat"]["mtime"] for a in recorded("files")["archives"].values() if "stat" in a]
    for text in stamps:
        assert parse_time(text).tzinfo == UTC, text


def test_engine_time_is_the_engines_clock(replay):
    assert engine_time() == parse_time(recorded("engine")["info"]["SystemTime"])
    replay.system_time = "2030-01-01T08:00:00.25+09:00"  # an engine whose clock runs in Seoul time
    assert engine_time() == dt.datetime(2029, 12, 31, 23, 0, 0, 250000, UTC)


@pytest.mark.parametrize(("when", "text"), [
    (dt.datetime(2026, 11, 29, 22, 35, 3, 740298, UTC), "22:35:03.740 UTC"),
    (dt.datetime(2026, 11, 30, 7, 35, 3, 999999, SEOUL), "22:35:03.999 UTC"),  # converted, cut not rounded
    (dt.datetime(2026, 11, 29, 0, 0, 0, 0, UTC), "00:00:00.000 UTC"),
])
def test_clock_shows_utc_milliseconds(when, text):
    assert clock(when) == text


def test_checks_reexport_the_clock():
    assert checks.parse_time is parse_time and checks.engine_time is engine_time
