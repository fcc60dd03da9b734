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
