"""The in-memory tail of the event journal that reconnecting clients resume from.

Holds encoded events so a resume costs no re-encoding. It keeps at least the
last ``min_events`` events, and more while they are younger than ``keep_s``
seconds, up to ``max_events`` so a burst cannot exhaust memory. Older resumes
get a snapshot instead (the gateway decides).

"Younger" is measured on the feed's clock, the events' own times (``at``), as
every duration is: for a real centre that is the wall's hour, and a simulation
at 5,000x keeps an hour of its floor rather than the 200 days that an hour of
the wall would be (the soak, docs/performance.md).

The events are kept in blocks of ``block_events``: the newest as the encoded
events themselves (one ``bytes`` each, as the sequencer made them), every full
block joined into one ``bytes`` with the events' end offsets and times in two
arrays. A hundred thousand small ``bytes`` objects turned over first in, first
out, each living about a simulated day among the loop's short-lived objects,
left Python's small-object arenas half empty and unreturnable (the soak's
memory grew day after day, docs/performance.md); a few dozen large blocks come
from and go back to the C heap whole. Events leave the journal one by one as
before (``first_seq`` moves per event); a block's memory goes when its last
event has left.
"""

from __future__ import annotations

import itertools
from array import array
from collections import deque


class _Block:
    """``block_events`` encoded events in one ``bytes``: event ``i`` is ``data[ends[i-1]:ends[i]]``."""

    __slots__ = ("ats", "data", "ends")

    def __init__(self, raws: list[bytes], ats: array[int]) -> None:
        self.data = b"".join(raws)
        self.ends = array("Q", itertools.accumulate(map(len, raws)))
        self.ats = ats

    def raws(self, start: int, stop: int) -> list[bytes]:
        """Events ``start .. stop - 1`` of the block, each its own ``bytes`` again."""
        data = self.data
        bounds = itertools.chain((self.ends[start - 1] if start else 0,), self.ends[start:stop])
        return [data[begin:end] for begin, end in itertools.pairwise(bounds)]


class ResumeJournal:
    def __init__(
        self,
        *,
        min_events: int = 100_000,
        max_events: int = 1_000_000,
        keep_s: float = 3600.0,
        block_events: int = 4096,
    ) -> None:
        if block_events < 1:
            raise ValueError("block_events must be at least 1")
        self._min = min_events
        self._max = max(max_events, min_events)
        self._keep_ms = round(keep_s * 1000)
        self._block = block_events
        self._sealed: deque[_Block] = deque()  # full blocks, oldest first
        self._open: list[bytes] = []  # the newest events, fewer than a block
        self._open_at: array[int] = array("q")  # their times on the feed clock (never go back)
        self._skip = 0  # events of the oldest block (sealed, or else the open one) already dropped
        self._len = 0
        self.first_seq = 1  # seq of the oldest event held
        self.last_seq = 0

    def __len__(self) -> int:
        return self._len

    @property
    def encoded_bytes(self) -> int:
        """The bytes its blocks and newest events take (dropped events included until their block goes)."""
        return sum(len(block.data) for block in self._sealed) + sum(map(len, self._open))

    def reset(self, last_seq: int) -> None:
        """Start empty after ``last_seq`` (a gateway whose older events live only in the store)."""
        self._sealed.clear()
        self._open = []
        self._open_at = array("q")
        self._skip = self._len = 0
        self.first_seq = last_seq + 1
        self.last_seq = last_seq

    def append(self, seq: int, raw: bytes, at_ms: int) -> None:
        """Keep event ``seq`` (encoded ``raw``), stamped ``at_ms`` on the feed clock."""
        self.extend(seq, [raw], at_ms)

    def extend(self, first_seq: int, raws: list[bytes], at_ms: int) -> None:
        """``append`` for events from ``first_seq`` on, one prune for them all.

        They all take ``at_ms``, the batch's last time (times never go back), so a
        batch is kept as long as its newest event: a tick's worth longer at most.
        """
        if not raws:
            return
        if first_seq != self.last_seq + 1:
            raise ValueError(f"journal expected seq {self.last_seq + 1}, got {first_seq}")
        if not self._len:
            self.first_seq = first_seq
        taken = 0
        while taken < len(raws):
            room = self._block - len(self._open)
            part = raws[taken : taken + room]
            self._open.extend(part)
            self._open_at.extend(array("q", (at_ms,)) * len(part))  # 40x faster than from an iterator
            taken += len(part)
            if len(self._open) == self._block:
                self._sealed.append(_Block(self._open, self._open_at))
                self._open, self._open_at = [], array("q")
        self._len += len(raws)
        self.last_seq = first_seq + len(raws) - 1
        self._prune(at_ms - self._keep_ms)

    def drop_before(self, seq: int) -> None:
        """Forget the events before ``seq`` (the store's retention pruned them)."""
        self._drop(min(seq - self.first_seq, self._len))
        if not self._len:
            self.first_seq = max(self.first_seq, min(seq, self.last_seq + 1))

    def _oldest_at(self) -> int:
        return (self._sealed[0].ats if self._sealed else self._open_at)[self._skip]

    def _prune(self, horizon_ms: int) -> None:
        excess = self._len - self._max
        if excess > 0:
            self._drop(excess)
        while self._len > self._min and self._oldest_at() < horizon_ms:
            # Whole runs at a time: the oldest block's events older than the horizon, at most
            # down to min_events (times never go back, so a block's older events come first).
            ats = self._sealed[0].ats if self._sealed else self._open_at
            run = 1
            limit = min(len(ats) - self._skip, self._len - self._min)
            while run < limit and ats[self._skip + run] < horizon_ms:
                run += 1
            self._drop(run)

    def _drop(self, count: int) -> None:
        """Drop the ``count`` oldest events; a block goes once all its events have."""
        if count <= 0:
            return
        self._len -= count
        self.first_seq += count
        skip = self._skip + count
        while self._sealed and skip >= self._block:
            self._sealed.popleft()
            skip -= self._block
        if not self._sealed and skip >= len(self._open):  # everything held is gone
            self._open, self._open_at = [], array("q")
            skip = 0
        self._skip = skip

    def after(self, seq: int, upto: int) -> list[bytes] | None:
        """Events ``seq+1 .. upto``, or None when they are no longer (or not yet) held."""
        if seq < self.first_seq - 1 or upto > self.last_seq or seq > upto:
            return None
        # Positions counted from the oldest block's first event (dropped ones included).
        start = seq + 1 - self.first_seq + self._skip
        stop = upto + 1 - self.first_seq + self._skip
        out: list[bytes] = []
        sealed_events = len(self._sealed) * self._block
        while start < stop and start < sealed_events:
            index, offset = divmod(start, self._block)
            end = min(self._block, offset + stop - start)
            out.extend(self._sealed[index].raws(offset, end))
            start += end - offset
        if start < stop:
            out.extend(self._open[start - sealed_events : stop - sealed_events])
        return out
