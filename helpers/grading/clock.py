"""The engine's clock: containers and images are stamped with it, so "made in this run" compares by it."""

from __future__ import annotations

import datetime as dt
import re

from ..connection import client

_TIME_RE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$")


def parse_time(text: str) -> dt.datetime:
    """Engine timestamps ('...T17:52:34.122992806Z', nanoseconds, any offset) -> aware datetime."""
    m = _TIME_RE.match(text.strip())
    if not m:
        raise ValueError(f"not an engine timestamp: {text!r}")
    base, frac, zone = m.groups()
    micro = (frac or ".0")[1:7].ljust(6, "0")
    offset = "+00:00" if zone in (None, "Z") else zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    return dt.datetime.fromisoformat(f"{base}.{micro}{offset}").astimezone(dt.timezone.utc)


def engine_time() -> dt.datetime:
    """The engine's clock now (containers and images are stamped with it, not with ours)."""
    return parse_time(client().info()["SystemTime"])


def clock(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%H:%M:%S.%f")[:-3] + " UTC"
