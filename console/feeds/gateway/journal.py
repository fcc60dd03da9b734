"""The in-memory tail of the event journal that reconnecting clients resume from.

Holds encoded events so a resume costs no re-encoding. It keeps at least the
last ``min_events`` events, and more while they are younger than ``keep_s``
seconds, up to ``max_events`` so a burst cannot exhaust memory. Older resumes
get a snapshot instead (the gateway decides).
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable


class ResumeJournal:
    def __init__(
        self,
        *,
        min_events: int = 100_000,
        max_events: int = 1_000_000,
        keep_s: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._min = min_events
        self._max = max(max_events, min_events)
        self._keep_s = keep_s
        self._clock = clock
        self._raw: deque[bytes] = deque()
        self._added: deque[float] = deque()
        self.first_seq = 1  # seq of self._raw[0]
        self.last_seq = 0

    def __len__(self) -> int:
        return len(self._raw)

    def reset(self, last_seq: int) -> None:
        """Start empty after ``last_seq`` (a gateway whose older events live only in the store)."""
        self._raw.clear()
        self._added.clear()
        self.first_seq = last_seq + 1
        self.last_seq = last_seq

    def append(self, seq: int, raw: bytes) -> None:
        if seq != self.last_seq + 1:
            raise ValueError(f"journal expected seq {self.last_seq + 1}, got {seq}")
        if not self._raw:
            self.first_seq = seq
        self._raw.append(raw)
        self._added.append(self._clock())
        self.last_seq = seq
        self._prune()

    def extend(self, first_seq: int, raws: list[bytes]) -> None:
        """``append`` for events from ``first_seq`` on: one clock reading and one prune for them all."""
        if not raws:
            return
        if first_seq != self.last_seq + 1:
            raise ValueError(f"journal expected seq {self.last_seq + 1}, got {first_seq}")
        if not self._raw:
            self.first_seq = first_seq
        self._raw.extend(raws)
        self._added.extend(itertools.repeat(self._clock(), len(raws)))
        self.last_seq = first_seq + len(raws) - 1
        self._prune()

    def drop_before(self, seq: int) -> None:
        """Forget the events before ``seq`` (the store's retention pruned them)."""
        raw, added = self._raw, self._added
        while raw and self.first_seq < seq:
            raw.popleft()
            added.popleft()
            self.first_seq += 1
        if not raw:
            self.first_seq = max(self.first_seq, min(seq, self.last_seq + 1))

    def _prune(self) -> None:
        horizon = self._clock() - self._keep_s
        raw, added = self._raw, self._added
        while len(raw) > self._min and (len(raw) > self._max or added[0] < horizon):
            raw.popleft()
            added.popleft()
            self.first_seq += 1

    def after(self, seq: int, upto: int) -> list[bytes] | None:
        """Events ``seq+1 .. upto``, or None when they are no longer (or not yet) held."""
        if seq < self.first_seq - 1 or upto > self.last_seq or seq > upto:
            return None
        start = seq + 1 - self.first_seq
        return list(itertools.islice(self._raw, start, upto + 1 - self.first_seq))
