"""When "today" starts: a configurable local hour, so a 24-hour centre need not reset at midnight."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from console.domain.clock import Timestamp, iso, to_ms


def parse_hhmm(value: str) -> tuple[int, int]:
    """Parse ``HH:MM`` (00:00 to 24:00); raises ValueError naming the value."""
    try:
        hh, mm = value.split(":")
        h, m = int(hh), int(mm)
    except ValueError:
        raise ValueError(f"{value!r} is not a time of day HH:MM") from None
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m != 0):
        raise ValueError(f"{value!r} is not a time of day HH:MM")
    return h, m


def day_start(at: Timestamp, timezone: str, day_starts: str) -> Timestamp:
    """The start of the business day that contains ``at``."""
    tz = ZoneInfo(timezone)
    h, m = parse_hhmm(day_starts)
    local = datetime.fromtimestamp(to_ms(at) / 1000, tz)
    start = datetime(local.year, local.month, local.day, tzinfo=tz) + timedelta(hours=h, minutes=m)
    if start > local:
        start -= timedelta(days=1)
        start = datetime(start.year, start.month, start.day, tzinfo=tz) + timedelta(hours=h, minutes=m)
    return iso(round(start.timestamp() * 1000))


def next_day_start(started: Timestamp, timezone: str, day_starts: str) -> int:
    """Epoch ms at which the business day that began at ``started`` ends.

    26 hours on is always inside the next business day, whatever daylight
    saving does to the length of this one.
    """
    return to_ms(day_start(iso(to_ms(started) + 26 * 3600 * 1000), timezone, day_starts))
