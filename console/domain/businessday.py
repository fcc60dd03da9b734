"""When "today" starts, the centre's time zone, and times typed by a user read within the business day.

The business day starts at a configurable local hour, so a 24-hour centre need
not reset at midnight. The centre's time zone is a name from the feed; a name
this machine does not know falls back to UTC (or, for ``known_zone``, to
nothing, so a caller can choose the workstation's local time instead).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from console.domain.clock import Timestamp, iso, to_ms


@lru_cache(maxsize=32)
def known_zone(name: str) -> ZoneInfo | None:
    """The time zone called ``name``; None when this machine does not know it (or it is no zone name).

    Cached: the views ask once per cell, and a name that is not found is looked up on disk each time.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name``; UTC when this machine does not know it."""
    return known_zone(name) or ZoneInfo("UTC")


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


# -- what a user types ------------------------------------------------------------------------------

_MOMENT = re.compile(r"^\s*(?:(\d+):)?(\d+):([0-5]\d)\s*$")
_TIME_OF_DAY = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


def moment_text(seconds: float | None) -> str:
    """Seconds into a call as ``mm:ss`` (``h:mm:ss`` past an hour); empty for None."""
    if seconds is None:
        return ""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def local_time_text(at: Timestamp | None, timezone: str) -> str:
    """A feed timestamp as ``YYYY-MM-DD HH:MM:SS`` in the centre's zone (empty for None).

    Exports use it: a spreadsheet shows what the screen shows, in the centre's time,
    without an ISO ``T`` or ``Z`` that Excel would leave as text.
    """
    if at is None:
        return ""
    return date_time_text(to_ms(at), zone(timezone))


def date_time_text(ms: int, tz: tzinfo | None) -> str:
    """An instant (epoch ms) as ``YYYY-MM-DD HH:MM:SS`` in ``tz`` (None: the machine's local time).

    The one format of a full date and time: the screens and the exports both write it.
    """
    return datetime.fromtimestamp(ms / 1000.0, tz).strftime("%Y-%m-%d %H:%M:%S")


def parse_moment(text: str) -> float | None:
    """``mm:ss`` (or ``h:mm:ss``) into seconds; None for an empty text. Raises ValueError otherwise."""
    if not text.strip():
        return None
    m = _MOMENT.match(text)
    if m is None:
        raise ValueError(text)
    hours = int(m.group(1)) if m.group(1) else 0
    minutes, seconds = int(m.group(2)), int(m.group(3))
    if m.group(1) and minutes > 59:
        raise ValueError(text)
    return float(hours * 3600 + minutes * 60 + seconds)


def time_of_business_day(text: str, day_started_at: Timestamp | None, timezone: str) -> Timestamp | None:
    """A local time of day (``HH:MM`` or ``HH:MM:SS``) within the current business day, as a feed timestamp.

    The business day starts at ``day_started_at`` (06:00, say): a time before that
    hour is the next calendar day's (02:00 is the night at the end of the day).
    None for an empty text; ValueError for anything else that is not a time (or before the
    console knows the business day).
    """
    if not text.strip():
        return None
    m = _TIME_OF_DAY.match(text)
    if m is None:
        raise ValueError(text)
    wanted = time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))  # ValueError past 23:59:59
    if day_started_at is None:  # no snapshot yet: no business day to place it in
        raise ValueError(text)
    tz = zone(timezone)
    start = datetime.fromtimestamp(to_ms(day_started_at) / 1000.0, tz)
    local = datetime.combine(start.date(), wanted, tz)
    if local < start:
        local += timedelta(days=1)
    return iso(round(local.timestamp() * 1000))
