"""``figures.queues.queue_figures``, kept up to date from change sets instead of recomputed whole.

On a floor of 200 queues and 5,000 agents, ``queue_figures`` costs tens of
milliseconds: it counts every agent's skills, every waiting call and every
agent's time for occupancy. ``LiveQueueFigures`` keeps the counts (staff per
queue, waiting calls per queue) up to date from what a ``ChangeSet`` names and
recomputes only the rows of the queues touched, plus the centre total. The
longest wait grows with the clock alone: it is moved on for every queue with a
waiting call at every update, without recomputing the row. Tests hold the result
to ``queue_figures`` on the same floor and clock.

The one exception: the centre's occupancy today (``occupancy_today_pct`` of the
total row, O(agents)) is refreshed only when asked (``occupancy=True``) and at
every full recompute (a new floor or day, another configuration, and every
5 minutes as the rolling hour moves on); the queue overview shows it in the total
row's occupancy tooltip and asks for it once a feed minute.
"""

from __future__ import annotations

import dataclasses
import operator
from collections import Counter
from functools import lru_cache, reduce

from console.domain.changes import ChangeSet
from console.domain.clock import to_ms
from console.domain.entities import AgentState, Bucket, CallState, DayFigures, Queue, SlDefinition
from console.domain.figures import formulas
from console.domain.figures.queues import (
    TOTAL_ID,
    MetricsConfig,
    QueueFigures,
    Staff,
    add_into,
    interval_start_ms,
    occupancy_today_pct,
    queue_today,
    rolling_start_ms,
)
from console.domain.state import FloorState

_ms = lru_cache(maxsize=8192)(to_ms)
_STAFF_FIELDS = tuple(f.name for f in dataclasses.fields(Staff))
#: The counts and sums ``add_into`` adds up: a bucket's fields but its start.
_SUMMED = tuple(operator.attrgetter(name) for name in Bucket.__struct_fields__ if name != "start")
_SUMMED_NAMES = tuple(name for name in Bucket.__struct_fields__ if name != "start")


@lru_cache(maxsize=16)
def _one(state: AgentState) -> Staff:
    """What one agent in ``state`` counts as (``Staff.count``'s own rules)."""
    staff = Staff()
    staff.count(state)
    return staff


def _shift(staff: Staff, one: Staff, times: int) -> None:
    for name in _STAFF_FIELDS:
        setattr(staff, name, getattr(staff, name) + times * getattr(one, name))


def _staff(counts: Counter[AgentState]) -> Staff:
    """Agents by state as ``Staff``: what counting each of them with ``Staff.count`` gives."""
    staff = Staff()
    for state, n in counts.items():
        if n:
            _shift(staff, _one(state), n)
    return staff


def _sum_since(buckets: list[Bucket], since_ms: int, definition: SlDefinition) -> DayFigures:
    """``figures.queues.sum_buckets`` (the same additions in the same order), parsing each start once."""
    total = DayFigures()
    for b in reversed(buckets):  # newest last: stop at the first older one
        if _ms(b.start) < since_ms:
            break
        add_into(total, b)
    formulas.refresh(total, definition)
    return total


def _sum_into(total: DayFigures, parts: list[DayFigures]) -> None:
    """``add_into(total, part)`` for each part in turn, field by field (same additions, same order)."""
    for name, get in zip(_SUMMED_NAMES, _SUMMED, strict=True):
        setattr(total, name, reduce(operator.add, map(get, parts), getattr(total, name)))


class LiveQueueFigures:
    """The rows of ``queue_figures`` (each queue in the gateway's order, then the total), kept current."""

    def __init__(self) -> None:
        self.figures: list[QueueFigures] = []
        self._rows: dict[str, QueueFigures] = {}
        self._order: list[str] = []
        self._key: tuple[object, ...] | None = None  # what a change of forces a full recompute
        self._counted: dict[str, tuple[AgentState, tuple[str, ...]]] = {}  # agent -> what it counts as
        self._staff: dict[str, Counter[AgentState]] = {}  # skilled agents by state, per queue
        self._centre: Counter[AgentState] = Counter()
        self._waiting: dict[str, tuple[str, int]] = {}  # waiting call -> (queue, entered ms)
        self._by_queue: dict[str, dict[str, int]] = {}  # queue -> {waiting call: entered ms}
        self._occupancy: float | None = None

    def update(
        self,
        state: FloorState,
        changes: ChangeSet | None,
        now: int,
        config: MetricsConfig,
        *,
        occupancy: bool = False,
    ) -> set[str] | None:
        """Bring the figures to ``now`` after ``changes`` (None: only the clock moved).

        Returns the ids of the rows recomputed (``TOTAL_ID`` included), or None when
        every row was (the queues, their order, the configuration or the day changed).
        Rows not returned may still have a new ``longest_wait_s`` and total's too.
        """
        definition = config.sl_definition or state.centre.sl_definition
        key = (
            tuple(state.queues),
            definition,
            config.interval_min,
            interval_start_ms(state, now, config.interval_min),
            rolling_start_ms(now),
        )
        full = key != self._key or (changes is not None and changes.reset)
        if occupancy or full:
            self._occupancy = occupancy_today_pct(state, now)
        if changes is None and not full:
            self._tick(now)
            return set()
        if full or changes is None:
            self._key = key
            self._recount(state)
            self._order = list(state.queues)
            self._rows = {
                qid: self._queue_row(state, q, now, config, definition) for qid, q in state.queues.items()
            }
            self._total(now, definition)
            return None
        counted = {qid for qid in changes.queues if qid in self._rows}  # their day figures changed
        dirty: set[str] = set()  # their staff or waiting calls changed
        agents = changes.agents | changes.agents_added | changes.agents_removed
        calls = changes.calls_added | changes.calls_changed | changes.calls_removed
        # An agent or call added again under its id and gone within one change set is named
        # nowhere (a ChangeSet drops what "came and went"): what is counted but gone is looked at too.
        calls |= {c for c in self._waiting if c not in state.calls}
        dirty |= self._recount_agents(state, agents)
        if len(self._counted) != len(state.agents):
            dirty |= self._recount_agents(state, {a for a in self._counted if a not in state.agents})
        dirty |= self._recount_calls(state, calls)
        for qid in counted:
            self._rows[qid] = self._queue_row(state, state.queues[qid], now, config, definition)
        for qid in dirty - counted:  # the day's figures are as they were: only the counts are new
            waiting, longest = self._longest(qid, now)
            self._rows[qid] = dataclasses.replace(
                self._rows[qid],
                waiting=waiting,
                longest_wait_s=longest,
                staff=_staff(self._staff.get(qid) or Counter()),
            )
        self._tick(now)
        return counted | dirty | {TOTAL_ID}

    # -- counting ----------------------------------------------------------------------

    def _recount(self, state: FloorState) -> None:
        self._staff = {qid: Counter() for qid in state.queues}
        self._centre = Counter()
        self._counted = {}
        self._recount_agents(state, set(state.agents))
        self._waiting = {}
        self._by_queue = {}
        self._recount_calls(state, set(state.calls))

    def _recount_agents(self, state: FloorState, ids: set[str]) -> set[str]:
        """Follow these agents' states and skills; returns the queues whose staff changed."""
        dirty: set[str] = set()
        for aid in ids:
            agent = state.agents.get(aid)
            new = None if agent is None else (agent.state, tuple(agent.skills))
            old = self._counted.get(aid)
            if new == old:
                continue
            for counted, sign in ((old, -1), (new, 1)):
                if counted is None:
                    continue
                agent_state, skills = counted
                self._centre[agent_state] += sign
                for skill in skills:  # an agent listed twice for a skill counts twice, as in staff_by_queue
                    staff = self._staff.get(skill)
                    if staff is not None:
                        staff[agent_state] += sign
                        dirty.add(skill)
            if new is None:
                del self._counted[aid]
            else:
                self._counted[aid] = new
        return dirty

    def _recount_calls(self, state: FloorState, ids: set[str]) -> set[str]:
        """Follow these calls (waiting or not, and where); returns the queues whose waiting calls changed."""
        dirty: set[str] = set()
        for cid in ids:
            call = state.calls.get(cid)
            new = (
                None
                if call is None or call.state is not CallState.WAITING
                else (call.queue_id, _ms(call.entered_at))
            )
            old = self._waiting.get(cid)
            if new == old:
                continue
            if old is not None:
                self._by_queue[old[0]].pop(cid, None)
                dirty.add(old[0])
            if new is None:
                del self._waiting[cid]
            else:
                self._waiting[cid] = new
                self._by_queue.setdefault(new[0], {})[cid] = new[1]
                dirty.add(new[0])
        return {qid for qid in dirty if qid in state.queues}

    # -- rows ------------------------------------------------------------------------

    def _longest(self, qid: str, now: int) -> tuple[int, float | None]:
        calls = self._by_queue.get(qid)
        if not calls:
            return 0, None
        oldest = min((e for e in calls.values() if e <= now), default=None)
        return len(calls), None if oldest is None else max(0.0, (now - oldest) / 1000.0)

    def _queue_row(
        self, state: FloorState, q: Queue, now: int, config: MetricsConfig, definition: SlDefinition
    ) -> QueueFigures:
        waiting, longest = self._longest(q.id, now)
        today = queue_today(q.today, definition)
        return QueueFigures(
            queue_id=q.id,
            name=q.name,
            sl_threshold_s=q.sl_threshold_s,
            sl_target_pct=q.sl_target_pct,
            waiting=waiting,
            longest_wait_s=longest,
            staff=_staff(self._staff.get(q.id) or Counter()),
            interval=_sum_since(q.buckets, interval_start_ms(state, now, config.interval_min), definition),
            rolling=_sum_since(q.buckets, rolling_start_ms(now), definition),
            today=today,
        )

    def _tick(self, now: int) -> None:
        """The clock moved: the longest waits grow; the total follows."""
        for qid, calls in self._by_queue.items():
            row = self._rows.get(qid)
            if calls and row is not None:
                row.waiting, row.longest_wait_s = self._longest(qid, now)
        assert self._key is not None
        definition = self._key[1]
        assert isinstance(definition, SlDefinition)
        self._total(now, definition)

    def _total(self, now: int, definition: SlDefinition) -> None:
        rows = [self._rows[qid] for qid in self._order]
        total = QueueFigures(
            queue_id=TOTAL_ID,
            name="",
            sl_threshold_s=0.0,
            sl_target_pct=0.0,
            staff=_staff(self._centre),
        )
        for row in rows:
            total.waiting += row.waiting
            if row.longest_wait_s is not None:
                total.longest_wait_s = max(total.longest_wait_s or 0.0, row.longest_wait_s)
        _sum_into(total.interval, [r.interval for r in rows])
        _sum_into(total.rolling, [r.rolling for r in rows])
        _sum_into(total.today, [r.today for r in rows])
        for figures in (total.interval, total.rolling, total.today):
            formulas.refresh(figures, definition)
        if rows:
            total.sl_target_pct = max(r.sl_target_pct for r in rows)
            total.sl_threshold_s = min(r.sl_threshold_s for r in rows)
        total.occupancy_today_pct = self._occupancy
        self.figures = [*rows, total]
