"""Local time of day for the simulator: shifts, opening hours and intraday arrival rates.

The simulator runs on epoch milliseconds (UTC); schedules are written in the
centre's local time. UTC offsets are cached per UTC hour because zone lookups
are slow and offsets only change on hour boundaries in practice.
"""

from __future__ import annotations

import bisect
import itertools
import random
from datetime import datetime
from zoneinfo import ZoneInfo

MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000


class LocalClock:
    """Converts between epoch ms and minutes of the local day in one time zone."""

    __slots__ = ("_cache", "_tz")

    def __init__(self, timezone: str) -> None:
        self._tz = None if timezone in ("UTC", "Etc/UTC") else ZoneInfo(timezone)
        self._cache: dict[int, int] = {}

    def offset_ms(self, utc_ms: int) -> int:
        if self._tz is None:
            return 0
        hour = utc_ms // HOUR_MS
        off = self._cache.get(hour)
        if off is None:
            delta = datetime.fromtimestamp(hour * 3600, self._tz).utcoffset()
            off = self._cache[hour] = round(delta.total_seconds() * 1000) if delta is not None else 0
        return off

    def to_local(self, utc_ms: int) -> int:
        """Milliseconds of "local epoch" time: UTC ms shifted by the offset in force."""
        return utc_ms + self.offset_ms(utc_ms)

    def to_utc(self, local_ms: int) -> int:
        guess = local_ms - self.offset_ms(local_ms)
        return local_ms - self.offset_ms(guess)

    def minute_of_day(self, utc_ms: int) -> float:
        return (self.to_local(utc_ms) % DAY_MS) / MINUTE_MS

    def next_at(self, utc_ms: int, minute: int) -> int:
        """The first moment strictly after ``utc_ms`` when the local clock shows ``minute``."""
        local = self.to_local(utc_ms)
        candidate = local - local % DAY_MS + minute * MINUTE_MS
        while candidate <= local:
            candidate += DAY_MS
        return self.to_utc(candidate)

    def prev_at(self, utc_ms: int, minute: int) -> int:
        """The last moment at or before ``utc_ms`` when the local clock showed ``minute``."""
        local = self.to_local(utc_ms)
        candidate = local - local % DAY_MS + minute * MINUTE_MS
        while candidate > local:
            candidate -= DAY_MS
        return self.to_utc(candidate)


def in_window(minute: float, start: int, end: int) -> bool:
    """Whether a minute of the day lies in [start, end), the window possibly crossing midnight."""
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


class RateCurve:
    """A Poisson arrival rate that is constant within each local hour (and zero when closed).

    Arrivals are drawn by inverting the cumulative rate: one Exp(1) amount of
    "intensity" is spent across the pieces, which is exact for a piecewise
    constant rate (no thinning, and a constant rate gives plain Poisson).
    """

    __slots__ = ("_clock", "_ends_ms", "_rates", "_starts_ms", "daily_mean_per_hour")

    def __init__(
        self,
        per_hour: float,
        curve: list[float] | None,
        clock: LocalClock,
        opens_min: int = 0,
        closes_min: int = 1440,
    ) -> None:
        cuts = sorted({*range(0, 1441, 60), opens_min, closes_min})
        self._clock = clock
        self._starts_ms: list[int] = []
        self._ends_ms: list[int] = []
        self._rates: list[float] = []  # per ms
        total = 0.0
        for a, b in itertools.pairwise(cuts):
            factor = curve[a // 60] if curve is not None else 1.0
            open_ = opens_min <= a < closes_min
            rate = per_hour * factor / HOUR_MS if open_ else 0.0
            self._starts_ms.append(a * MINUTE_MS)
            self._ends_ms.append(b * MINUTE_MS)
            self._rates.append(rate)
            total += rate * (b - a) * MINUTE_MS
        self.daily_mean_per_hour = total / 24.0

    def next_arrival(self, utc_ms: int, rng: random.Random) -> int | None:
        """Time of the next arrival after ``utc_ms``, or None if the rate is zero all day."""
        if self.daily_mean_per_hour <= 0.0:
            return None
        need = rng.expovariate(1.0)
        local = float(self._clock.to_local(utc_ms))
        starts, ends, rates = self._starts_ms, self._ends_ms, self._rates
        while True:
            day0 = local - local % DAY_MS
            i = bisect.bisect_right(starts, local - day0) - 1
            end = day0 + ends[i]
            rate = rates[i]
            room = rate * (end - local)
            if rate > 0.0 and room >= need:
                local += need / rate
                break
            need -= room
            local = end
        return max(utc_ms, self._clock.to_utc(round(local)))
