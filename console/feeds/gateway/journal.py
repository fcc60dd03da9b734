"""The in-memory tail of the event journal that reconnecting clients resume from.

Holds encoded events so a resume costs no re-encoding. It keeps at least the
last ``min_events`` events, and more while they are younger than ``keep_s``
seconds, up to ``max_events`` so a burst cannot exhaust memory. Older resumes
get a snapshot instead (the gateway decides).

"Younger" is measured on the feed's clock, the events' own times (``at``), as
every duration is: for a real centre that is the wall's hour, and a simulation
at 5,000x keeps an hour of its floor rather than the 200 days that an hour of
the wall would be (the soak, docs/performance.md).
"""

from __future__ import annotations

import itertools
from collections import deque


class ResumeJournal:
    def __init__(
        self,
        *,
        min_events: int = 100_000,
        max_events: int = 1_000_000,
        keep_s: float = 3600.0,
    ) -> None:
        self._min = min_events
        self._max = max(max_events, min_events)
        self._keep_ms = round(keep_s * 1000)
        self._raw: deque[bytes] = deque()
        self._at_ms: deque[int] = deque()  # each event's time on the feed clock (never goes back)
        self.first_seq = 1  # seq of self._raw[0]
        self.last_seq = 0

    def __len__(self) -> int:
        return len(self._raw)

    def reset(self, last_seq: int) -> None:
        """Start empty after ``last_seq`` (a gateway whose older events live only in the store)."""
        self._raw.clear()
        self._at_ms.clear()
        self.first_seq = last_seq + 1
        self.last_seq = last_seq

    def append(self, seq: int, raw: bytes, at_ms: int) -> None:
        """Keep event ``seq`` (encoded ``raw``), stamped ``at_ms`` on the feed clock."""
        if seq != self.last_seq + 1:
            raise ValueError(f"journal expected seq {self.last_seq + 1}, got {seq}")
        if not self._raw:
            self.first_seq = seq
        self._raw.append(raw)
        self._at_ms.append(at_ms)
        self.last_seq = seq
        self._prune(at_ms - self._keep_ms)

    def extend(self, first_seq: int, raws: list[bytes], at_ms: int) -> None:
        """``append`` for events from ``first_seq`` on, one prune for them all.

        They all take ``at_ms``, the batch's last time (times never go back), so a
        batch is kept as long as its newest event: a tick's worth longer at most.
        """
        if not raws:
            return
        if first_seq != self.last_seq + 1:
            raise ValueError(f"journal expected seq {self.last_seq + 1}, got {first_seq}")
        if not self._raw:
            self.first_seq = first_seq
        self._raw.extend(raws)
        self._at_ms.extend(itertools.repeat(at_ms, len(raws)))
        self.last_seq = first_seq + len(raws) - 1
        self._prune(at_ms - self._keep_ms)

    def drop_before(self, seq: int) -> None:
        """Forget the events before ``seq`` (the store's retention pruned them)."""
        raw, at_ms = self._raw, self._at_ms
        while raw and self.first_seq < seq:
            raw.popleft()
            at_ms.popleft()
            self.first_seq += 1
        if not raw:
            self.first_seq = max(self.first_seq, min(seq, self.last_seq + 1))

    def _prune(self, horizon_ms: int) -> None:
        raw, at_ms = self._raw, self._at_ms
        while len(raw) > self._min and (len(raw) > self._max or at_ms[0] < horizon_ms):
            raw.popleft()
            at_ms.popleft()
            self.first_seq += 1

    def after(self, seq: int, upto: int) -> list[bytes] | None:
        """Events ``seq+1 .. upto``, or None when they are no longer (or not yet) held."""
        if seq < self.first_seq - 1 or upto > self.last_seq or seq > upto:
            return None
        start = seq + 1 - self.first_seq
        return list(itertools.islice(self._raw, start, upto + 1 - self.first_seq))
