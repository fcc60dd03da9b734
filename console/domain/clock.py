"""Feed-clock timestamps.

Every timestamp on the wire and in the domain is an ISO 8601 UTC string with
milliseconds, always in the one fixed form ``YYYY-MM-DDTHH:MM:SS.mmmZ``. The
fixed form sorts chronologically as text, and arithmetic goes through
:func:`to_ms`. Durations are always differences of two feed-clock stamps, never
of the local clock.
"""

from __future__ import annotations

import time
from datetime import datetime
from functools import lru_cache

Timestamp = str


def iso(ms: int) -> Timestamp:
    """Format epoch milliseconds as the wire timestamp."""
    secs, milli = divmod(int(ms), 1000)
    t = time.gmtime(secs)
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{milli:03d}Z"
    )


@lru_cache(maxsize=65536)
def to_ms(stamp: Timestamp) -> int:
    """Parse a wire timestamp (any ISO 8601 form with a UTC offset) to epoch ms."""
    parsed = datetime.fromisoformat(stamp)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp {stamp!r} has no UTC offset")
    return round(parsed.timestamp() * 1000)


def seconds_between(earlier: Timestamp, later: Timestamp) -> float:
    """Seconds from ``earlier`` to ``later`` on the feed clock."""
    return (to_ms(later) - to_ms(earlier)) / 1000.0


def is_valid(stamp: object) -> bool:
    """True when ``stamp`` is a parseable timestamp with a UTC offset."""
    if not isinstance(stamp, str):
        return False
    try:
        to_ms(stamp)
    except ValueError:
        return False
    return True


#: The range a feed clock may start in (``--start``): a date outside it is a typo or a
#: placeholder, and days computed from it (the next business day, a year on) would overflow.
EARLIEST_START: Timestamp = "2000-01-01T00:00:00.000Z"
LATEST_START: Timestamp = "2100-01-01T00:00:00.000Z"


def check_start(stamp: str, option: str = "--start") -> int:
    """Epoch ms of a feed-clock start given by the user; ValueError with a plain message if unusable."""
    example = "e.g. 2026-03-02T08:00:00Z"
    try:
        ms = to_ms(stamp)
    except (ValueError, TypeError, OverflowError):
        raise ValueError(
            f"{option} {stamp!r}: expected an ISO 8601 time with its UTC offset, {example}"
        ) from None
    if not to_ms(EARLIEST_START) <= ms < to_ms(LATEST_START):
        raise ValueError(
            f"{option} {stamp!r}: out of range; a start must be from {EARLIEST_START[:10]}"
            f" and before {LATEST_START[:10]}, {example}"
        )
    return ms
