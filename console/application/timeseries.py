"""Time series for the console's charts: live samples of the floor and today's per-interval figures.

No Qt here, so it is tested (and benchmarked) headless. Two kinds of series:

- *Sampled* (``FloorSampler``): waiting calls per queue and agents by state
  group, sampled on the feed clock (at most once per feed-clock second) into
  ring buffers that cover the last 60 minutes. The feed carries no history of
  these, so the samples start when the console does; for the part of the hour
  before that, the sampler works an *estimate* back from the day's 5-minute
  buckets the snapshot carries (``queue_length_estimate``,
  ``agent_state_estimate``), which the charts draw differently.
- *Per interval* (``interval_figures``): service level and abandon rate for each
  15- or 30-minute reporting interval of today, summed from the queues' 5-minute
  buckets with the same helpers as the queue overview, so a chart and the table
  agree to the call and a console opened at 15:00 draws the whole day.

``BreachLog`` remembers every breach the console has seen today, so the charts
can mark it on their time axis after the call was answered or the case closed.

Times are on the feed clock, never the local clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from console.domain.breaches import Breach, BreachKind
from console.domain.clock import to_ms
from console.domain.entities import BUCKET_MS, AgentState, CallState, DayFigures, SlDefinition
from console.domain.figures import formulas
from console.domain.figures.queues import add_into
from console.domain.history import DayReport
from console.domain.state import FloorState

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: How far back the sampled series reach.
WINDOW_S = 3600.0
#: Feed-clock milliseconds between two samples, at the most.
SAMPLE_PERIOD_MS = 1000

#: Agent state groups, bottom to top of the stacked chart.
STATE_GROUPS: tuple[str, ...] = ("on_call", "wrap_up", "available", "not_ready")
#: Agent state groups of the estimate before the console started: the day's agent time does not
#: tell talking from wrap-up, so both are one "handling" group.
ESTIMATE_GROUPS: tuple[str, ...] = ("handling", "available", "not_ready")
_GROUP_OF: dict[AgentState, int] = {
    AgentState.RINGING: 0,
    AgentState.ON_CALL: 0,
    AgentState.WRAP_UP: 1,
    AgentState.AVAILABLE: 2,
    AgentState.NOT_READY: 3,
}


class RingBuffer:
    """A fixed number of (time, values) rows, oldest dropped first.

    Every row is written twice, at ``i`` and ``i + capacity``, so the rows in
    time order are always one contiguous slice: reading is a view, never a copy.
    """

    def __init__(self, capacity: int, columns: int = 1) -> None:
        if capacity < 1 or columns < 1:
            raise ValueError("capacity and columns must be positive")
        self.capacity = capacity
        self.columns = columns
        self._t: FloatArray = np.zeros(2 * capacity, dtype=np.float64)
        self._v: FloatArray = np.zeros((2 * capacity, columns), dtype=np.float64)
        self._head = 0  # where the next row goes, in [0, capacity)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def append(self, t: float, values: float | Iterable[float]) -> None:
        row = np.fromiter(values, dtype=np.float64) if not isinstance(values, float | int) else values
        i, j = self._head, self._head + self.capacity
        self._t[i] = self._t[j] = t
        self._v[i] = self._v[j] = row
        self._head = (self._head + 1) % self.capacity
        self._size = min(self._size + 1, self.capacity)

    def clear(self) -> None:
        self._head = self._size = 0

    def _slice(self) -> slice:
        start = (self._head - self._size) % self.capacity
        return slice(start, start + self._size)

    def times(self) -> FloatArray:
        """Times, oldest first (a view)."""
        return self._t[self._slice()]

    def values(self) -> FloatArray:
        """Values, one row per time, oldest first (a view of shape (len, columns))."""
        return self._v[self._slice()]

    def since(self, t0: float) -> tuple[FloatArray, FloatArray]:
        """Times and values from ``t0`` on (views)."""
        times = self.times()
        k = int(np.searchsorted(times, t0, side="left"))
        return times[k:], self.values()[k:]

    def last_time(self) -> float | None:
        return float(self._t[(self._head - 1) % self.capacity]) if self._size else None


class FloorSampler:
    """Waiting calls per queue and agents per state group over the last hour, on the feed clock.

    The first sample (of a fresh console, or after the history was cleared) also
    works back an estimate of the hour before it from the day's buckets, so the
    charts span the whole hour from the start (``queue_estimate``, ``agent_estimate``).
    """

    def __init__(
        self, window_s: float = WINDOW_S, period_ms: int = SAMPLE_PERIOD_MS, capacity: int | None = None
    ) -> None:
        self.window_s = window_s
        self.period_ms = period_ms
        # One row per feed second covers the window however fast the feed runs; slack for jitter.
        self.capacity = capacity or int(window_s * 1000 / period_ms) + 64
        self.queues: dict[str, RingBuffer] = {}
        self.agents = RingBuffer(self.capacity, len(STATE_GROUPS))
        self.last_ms: int | None = None
        self.first_ms: int | None = None  # the first sample of the current history: live from here on
        self.samples = 0
        self._queue_estimates: dict[str, tuple[FloatArray, FloatArray]] = {}
        self._agent_estimate: tuple[FloatArray, FloatArray] = _empty_steps()

    def clear(self) -> None:
        self.queues.clear()
        self.agents.clear()
        self.last_ms = None
        self.first_ms = None
        self._queue_estimates = {}
        self._agent_estimate = _empty_steps()

    def sample(self, state: FloorState, now_ms: int | None) -> bool:
        """Take a sample at ``now_ms`` unless one was taken less than a period before; True if taken."""
        if now_ms is None:
            return False
        if self.last_ms is not None:
            if now_ms < self.last_ms - 60_000:
                # The feed clock went back (another gateway, another day): old samples would mislead.
                self.clear()
            elif now_ms < self.last_ms + self.period_ms:
                return False
        t = now_ms / 1000.0
        waiting = dict.fromkeys(state.queues, 0)
        for call in state.calls.values():
            if call.state is CallState.WAITING and call.queue_id in waiting:
                waiting[call.queue_id] += 1
        for qid, n in waiting.items():
            buf = self.queues.get(qid)
            if buf is None:
                buf = self.queues[qid] = RingBuffer(self.capacity)
            buf.append(t, float(n))
        groups = [0.0, 0.0, 0.0, 0.0]
        for agent in state.agents.values():
            g = _GROUP_OF.get(agent.state)
            if g is not None:
                groups[g] += 1.0
        self.agents.append(t, groups)
        if self.first_ms is None:
            self.first_ms = now_ms
            self._estimate(state, now_ms, waiting)
        self.last_ms = now_ms
        self.samples += 1
        return True

    def _estimate(self, state: FloorState, now_ms: int, waiting: dict[str, int]) -> None:
        """The hour before the first sample, from the day's buckets; joined to the first sample."""
        t = now_ms / 1000.0
        self._queue_estimates = {}
        for qid, (edges, counts) in queue_length_estimate(state, now_ms, self.window_s).items():
            if len(edges):
                self._queue_estimates[qid] = (
                    np.append(edges, t),
                    np.append(counts, float(waiting.get(qid, 0))),
                )
        self._agent_estimate = agent_state_estimate(state, now_ms, self.window_s)

    def _t0(self) -> float:
        return (self.last_ms or 0) / 1000.0 - self.window_s

    def queue_series(self, queue_id: str) -> tuple[FloatArray, FloatArray]:
        """Times (epoch seconds) and waiting calls of one queue over the window (views)."""
        buf = self.queues.get(queue_id)
        if buf is None:
            empty = np.zeros(0, dtype=np.float64)
            return empty, empty
        times, values = buf.since(self._t0())
        return times, values[:, 0]

    def agent_series(self) -> tuple[FloatArray, FloatArray]:
        """Times and agents per state group (columns in STATE_GROUPS order) over the window (views)."""
        return self.agents.since(self._t0())

    def queue_estimate(self, queue_id: str) -> tuple[FloatArray, FloatArray]:
        """The estimate before the first sample: times (5-minute edges, then the first sample) and calls.

        Empty once it has left the window, and for a queue that appeared later.
        """
        times, values = self._queue_estimates.get(queue_id, (_EMPTY, _EMPTY))
        if not len(times) or times[-1] < self._t0():
            return _EMPTY, _EMPTY
        return times, values

    def agent_estimate(self) -> tuple[FloatArray, FloatArray]:
        """The estimate before the first sample: step corners and agents per ESTIMATE_GROUPS column."""
        times, values = self._agent_estimate
        if not len(times) or times[-1] < self._t0():
            return _empty_steps()
        return times, values


_EMPTY: FloatArray = np.zeros(0, dtype=np.float64)


def _empty_steps() -> tuple[FloatArray, FloatArray]:
    return np.zeros(0, dtype=np.float64), np.zeros((0, len(ESTIMATE_GROUPS)), dtype=np.float64)


def _day0_ms(state: FloorState) -> int | None:
    started = state.centre.day_started_at
    return to_ms(started) if started else None


def queue_length_estimate(
    state: FloorState, now_ms: int, window_s: float = WINDOW_S
) -> dict[str, tuple[FloatArray, FloatArray]]:
    """Calls in each queue (waiting or ringing) at the 5-minute bucket edges of the last ``window_s``.

    Worked back from now: the calls in a queue at an edge are those in it now,
    less the calls offered to it since, plus those answered or abandoned since.
    Each event counts in the bucket of its own time, so the sums since an edge
    are exact; but a call moved to another queue (or dropped while it waited)
    leaves no count behind, so this is an estimate, and never below zero. Only
    edges within the business day and before ``now_ms``; times in epoch seconds.
    """
    day0 = _day0_ms(state)
    if day0 is None:
        return {}
    lo = max(day0, now_ms - round(window_s * 1000))
    first = day0 + -(-(lo - day0) // BUCKET_MS) * BUCKET_MS  # the first edge at or after lo
    edges = np.arange(first, now_ms, BUCKET_MS, dtype=np.int64)
    in_queue = dict.fromkeys(state.queues, 0)
    for call in state.calls.values():
        if call.state is not CallState.TALKING and call.queue_id in in_queue:
            in_queue[call.queue_id] += 1
    out: dict[str, tuple[FloatArray, FloatArray]] = {}
    for qid, queue in state.queues.items():
        starts = np.array([to_ms(b.start) for b in queue.buckets], dtype=np.int64)
        net = np.array([b.offered - b.answered - b.abandoned for b in queue.buckets], dtype=np.float64)
        order = np.argsort(starts, kind="stable")
        starts, net = starts[order], net[order]
        since = np.append(np.cumsum(net[::-1])[::-1], 0.0)  # net change from bucket k on
        k = np.searchsorted(starts, edges, side="left")
        values = np.maximum(0.0, in_queue[qid] - since[k])
        out[qid] = (edges / 1000.0, values)
    return out


_ESTIMATE_GROUP_OF: dict[AgentState, int] = {
    AgentState.RINGING: 0,
    AgentState.ON_CALL: 0,
    AgentState.WRAP_UP: 0,
    AgentState.AVAILABLE: 1,
    AgentState.NOT_READY: 2,
}


def agent_state_estimate(
    state: FloorState, now_ms: int, window_s: float = WINDOW_S
) -> tuple[FloatArray, FloatArray]:
    """Agents per ESTIMATE_GROUPS column on average over each 5-minute bucket of the last ``window_s``.

    From the day's agent time (booked when a state ends) plus the states still
    running now, so the averages are exact; handling (ringing, talking and
    wrap-up) is one group. As steps: two corners per bucket, its start and its
    end (``now_ms`` for the bucket in progress); times in epoch seconds.
    """
    day0 = _day0_ms(state)
    if day0 is None:
        return _empty_steps()
    lo = max(day0, now_ms - round(window_s * 1000))
    first = day0 + (lo - day0) // BUCKET_MS * BUCKET_MS  # the bucket that holds lo
    starts = np.arange(first, now_ms, BUCKET_MS, dtype=np.int64)
    n = len(starts)
    if n == 0:
        return _empty_steps()
    seconds = np.zeros((n, len(ESTIMATE_GROUPS)), dtype=np.float64)
    for booked in state.agent_time:
        k = (to_ms(booked.start) - first) // BUCKET_MS
        if 0 <= k < n:
            seconds[k] += (booked.handling_s, booked.available_s, booked.not_ready_s)
    for agent in state.agents.values():
        g = _ESTIMATE_GROUP_OF.get(agent.state)
        if g is None or agent.state_since is None:
            continue
        t = max(to_ms(agent.state_since), first)
        while t < now_ms:
            k = (t - first) // BUCKET_MS
            end = min(now_ms, first + (k + 1) * BUCKET_MS)
            seconds[k, g] += (end - t) / 1000.0
            t = end
    ends = np.minimum(starts + BUCKET_MS, now_ms)
    averages = seconds / ((ends - starts) / 1000.0)[:, None]
    corners = np.column_stack([starts, ends]).ravel() / 1000.0
    return corners, np.repeat(averages, 2, axis=0)


@dataclass
class BreachLog:
    """Every breach seen today, by the moment it happened: it stays after the call or case moved on.

    ``observe`` is given what ``breaches.current_breaches`` lists (or
    ``observe_passed`` what a ``BreachIndex`` saw pass); a breach is kept by
    (kind, item, moment), so a case listed again after its deadline moved is a
    new breach. Entries from before ``since_ms`` (the business day's start) drop
    out, and the oldest beyond ``limit``.
    """

    limit: int = 20_000
    _seen: set[tuple[BreachKind, str, int]] = field(default_factory=set)
    _times: list[int] | None = None  # sorted, cached until the next change
    _since: int | None = None

    def __len__(self) -> int:
        return len(self._seen)

    def observe(self, breaches: Iterable[Breach], since_ms: int | None = None) -> bool:
        """Remember the breached items among ``breaches``; True when something changed."""
        return self.observe_passed(((b.kind, b.ref_id, b.due_ms) for b in breaches if b.breached), since_ms)

    def observe_passed(
        self, passed: Iterable[tuple[BreachKind, str, int]], since_ms: int | None = None
    ) -> bool:
        """Remember these (kind, id, deadline) as breached (``BreachIndex.take_new_breaches``)."""
        before = len(self._seen)
        changed = False
        if since_ms is not None and since_ms != self._since:
            self._since = since_ms
            kept = {key for key in self._seen if key[2] >= since_ms}
            changed = len(kept) != before
            self._seen = kept
        for key in passed:
            if (self._since is None or key[2] >= self._since) and key not in self._seen:
                self._seen.add(key)
                changed = True
        if len(self._seen) > self.limit:
            newest = sorted(self._seen, key=lambda key: key[2])[-self.limit :]
            self._seen = set(newest)
        if changed:
            self._times = None
        return changed

    def times_ms(self) -> list[int]:
        """When each breach happened, oldest first."""
        if self._times is None:
            self._times = sorted(key[2] for key in self._seen)
        return list(self._times)


@dataclass(frozen=True)
class IntervalFigures:
    """Today's reporting intervals for a set of queues; NaN where nothing counts yet."""

    starts_ms: IntArray  # start of each interval, from the start of the business day
    width_ms: int
    offered: IntArray
    service_level_pct: FloatArray
    abandon_pct: FloatArray
    target_pct: float | None  # the strictest SL target of the queues, as the total row shows
    current: int  # index of the interval in progress (-1 when there is none)


def interval_figures(
    state: FloorState,
    now_ms: int,
    interval_min: int = 15,
    definition: SlDefinition | None = None,
    queue_ids: Iterable[str] | None = None,
) -> IntervalFigures:
    """Service level and abandon rate per interval of today, summed over ``queue_ids`` (all by default)."""
    if interval_min not in (15, 30):
        raise ValueError(f"interval_min must be 15 or 30, not {interval_min}")
    definition = definition or state.centre.sl_definition
    ids = list(state.queues) if queue_ids is None else [q for q in queue_ids if q in state.queues]
    width = interval_min * 60_000
    day0 = to_ms(state.centre.day_started_at) if state.centre.day_started_at else now_ms
    count = max(0, now_ms - day0) // width + 1 if now_ms >= day0 else 0
    totals = [DayFigures() for _ in range(count)]
    for qid in ids:
        for bucket in state.queues[qid].buckets:
            k = (to_ms(bucket.start) - day0) // width
            if 0 <= k < count:
                add_into(totals[k], bucket)
    sl = np.full(count, np.nan)
    ab = np.full(count, np.nan)
    for k, f in enumerate(totals):
        s = formulas.service_level_pct(f, definition)
        a = formulas.abandon_pct(f)
        if s is not None:
            sl[k] = s
        if a is not None:
            ab[k] = a
    targets = [state.queues[q].sl_target_pct for q in ids]
    return IntervalFigures(
        starts_ms=day0 + np.arange(count, dtype=np.int64) * width,
        width_ms=width,
        offered=np.array([f.offered for f in totals], dtype=np.int64),
        service_level_pct=sl,
        abandon_pct=ab,
        target_pct=max(targets) if targets else None,
        current=count - 1,
    )


def past_interval_figures(
    report: DayReport,
    queue_ids: Iterable[str],
    definition: SlDefinition | None = None,
    day0_ms: int | None = None,
) -> IntervalFigures:
    """An earlier day's service level and abandon rate per interval, summed over ``queue_ids``.

    Every interval of the day from its first with calls to its last (``DayReport``'s intervals),
    moved to ``day0_ms`` (today's start: the same time of day, so it lies under today's intervals);
    NaN where nothing counts. ``definition`` None: the report's own.
    """
    definition = definition or report.sl_definition
    width = report.interval_min * 60_000
    start0 = to_ms(report.starts_at)
    shift = (day0_ms - start0) if day0_ms is not None else 0
    wanted = set(queue_ids)
    totals: dict[int, DayFigures] = {}
    for qd in report.queues:
        if qd.queue_id not in wanted:
            continue
        for b in qd.intervals:
            add_into(totals.setdefault((to_ms(b.start) - start0) // width, DayFigures()), b)
    if not totals:
        empty = np.zeros(0)
        return IntervalFigures(
            np.zeros(0, dtype=np.int64), width, np.zeros(0, dtype=np.int64), empty, empty, None, -1
        )
    first, last = min(totals), max(totals)
    ks = range(first, last + 1)
    figures = [totals.get(k, DayFigures()) for k in ks]
    sl = np.array([_or_nan(formulas.service_level_pct(f, definition)) for f in figures])
    ab = np.array([_or_nan(formulas.abandon_pct(f)) for f in figures])
    return IntervalFigures(
        starts_ms=start0 + shift + np.arange(first, last + 1, dtype=np.int64) * width,
        width_ms=width,
        offered=np.array([f.offered for f in figures], dtype=np.int64),
        service_level_pct=sl,
        abandon_pct=ab,
        target_pct=None,
        current=-1,
    )


def _or_nan(value: float | None) -> float:
    return float("nan") if value is None else value
