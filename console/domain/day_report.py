"""A business day's ``DayReport``, computed from a starting floor and the day's events.

The events are replayed through the one reducer (``FloorState``), so every queue figure is the
reducer's own: the day's ``Queue.today`` and its 5-minute ``Queue.buckets`` summed into
reporting intervals, derived figures by ``console.domain.figures.formulas``. Beside the reducer
``DayReplay`` books each agent's time by state (from the ``agent.state`` events' times, clipped
to the day), counts answered calls and talk per agent, follows the cases (opened, closed, limits
missed within the day) and the quality flags (raised, closed).

The floor to start from is the state just before the day's first event (the gateway keeps a
checkpoint there: ``day_checkpoint``), or an empty floor when the journal starts that day.
``DayReplay`` can go on with more events later (today's report, asked again, reads only what is
new). No Qt, no I/O.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import msgspec

from console.domain.businessday import parse_hhmm, zone
from console.domain.clock import Timestamp, iso, to_ms
from console.domain.entities import (
    BUSY_STATES,
    AgentState,
    Bucket,
    CaseStatus,
    DayFigures,
    FlagStatus,
)
from console.domain.events import (
    AgentStateChanged,
    CallAnswered,
    CallEnded,
    CaseCreated,
    CaseUpdated,
    Event,
    FlagCreated,
    FlagUpdated,
)
from console.domain.figures import formulas
from console.domain.figures.queues import add_into
from console.domain.history import INTERVAL_CHOICES, AgentDay, CasesDay, DayReport, FlagsDay, QueueDay
from console.domain.state import FloorState, Snapshot


def day_bounds(day: date, timezone: str, day_starts: str) -> tuple[int, int]:
    """Epoch ms of the start and end of business ``day`` (its local date) in the centre's zone."""
    tz = zone(timezone)
    h, m = parse_hhmm(day_starts)
    start = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(hours=h, minutes=m)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz) + timedelta(hours=h, minutes=m)
    return round(start.timestamp() * 1000), round(end.timestamp() * 1000)


def business_day_of(at: Timestamp, timezone: str, day_starts: str) -> date:
    """The business day (its local date) that ``at`` falls in."""
    h, m = parse_hhmm(day_starts)
    local = datetime.fromtimestamp(to_ms(at) / 1000, zone(timezone)) - timedelta(hours=h, minutes=m)
    return local.date()


@dataclass
class _AgentAcc:
    name: str
    team: str
    calls: int = 0
    talk_s: float = 0.0
    wrap_s: float = 0.0
    available_s: float = 0.0
    handling_s: float = 0.0
    not_ready_s: float = 0.0
    by_reason: dict[str, float] = field(default_factory=dict)


@dataclass
class _CaseSeen:
    queue_id: str
    first_response_due: str
    resolution_due: str
    first_response_at: str | None
    closed_at: str | None = None


class DayReplay:
    """Replays business ``day`` from ``start`` (a snapshot just before it, or None: an empty floor)."""

    def __init__(self, start: Snapshot | None, day: date, *, timezone: str, day_starts: str) -> None:
        self.state = FloorState()
        if start is not None:
            self.state.load_snapshot(msgspec.json.decode(msgspec.json.encode(start), type=Snapshot))
        self.day = day
        self.start_ms, self.end_ms = day_bounds(day, timezone, day_starts)
        self.starts_at = iso(self.start_ms)
        self.last_ms = self.start_ms  # the feed time the figures are as of
        self.complete = False
        self._agents: dict[str, _AgentAcc] = {}
        self._cases: dict[str, _CaseSeen] = {}
        self._opened: dict[str, int] = {}
        self._closed: dict[str, int] = {}
        self._flags = FlagsDay()
        for c in self.state.cases.values():
            self._cases[c.id] = _CaseSeen(
                c.queue_id, c.first_response_due, c.resolution_due, c.first_response_at
            )

    @property
    def ends_at_stamp(self) -> Timestamp:
        """The day's end (its events are before it)."""
        return iso(self.end_ms)

    @property
    def seq(self) -> int:
        return self.state.seq

    def _acc(self, agent_id: str) -> _AgentAcc | None:
        acc = self._agents.get(agent_id)
        if acc is None:
            a = self.state.agents.get(agent_id)
            if a is None:
                return None
            acc = self._agents[agent_id] = _AgentAcc(a.name, a.team)
        return acc

    def _book(
        self, agent_id: str, state: AgentState, reason: str | None, since_ms: int, until_ms: int
    ) -> None:
        """Book an agent's time in ``state`` between two instants, clipped to the day."""
        t0, t1 = max(since_ms, self.start_ms), min(until_ms, self.end_ms)
        if t1 <= t0 or state is AgentState.OFFLINE:
            return
        acc = self._acc(agent_id)
        if acc is None:
            return
        secs = (t1 - t0) / 1000.0
        if state is AgentState.AVAILABLE:
            acc.available_s += secs
        elif state in BUSY_STATES:
            acc.handling_s += secs
            if state is AgentState.WRAP_UP:
                acc.wrap_s += secs
        else:
            acc.not_ready_s += secs
            key = reason or ""
            acc.by_reason[key] = acc.by_reason.get(key, 0.0) + secs

    def feed(self, events: Iterable[Event]) -> None:
        """Apply the next events (in seq order); those at or after the day's end stop the replay."""
        st = self.state
        for ev in events:
            at_ms = to_ms(ev.at)
            if at_ms >= self.end_ms:
                self.complete = True
                break
            inside = at_ms >= self.start_ms
            d = ev.data
            if isinstance(d, AgentStateChanged):
                a = st.agents.get(d.agent_id)
                if a is not None and a.state_since is not None:
                    self._book(a.id, a.state, a.reason, to_ms(a.state_since), at_ms)
            elif inside and isinstance(d, CallEnded):
                call = st.calls.get(d.call_id)
                if call is not None and call.answered_at is not None and call.agent_id is not None:
                    acc = self._acc(call.agent_id)
                    if acc is not None:
                        acc.talk_s += (at_ms - to_ms(call.answered_at)) / 1000.0
            st.apply(ev)
            if isinstance(d, CaseCreated | CaseUpdated):
                self._case_event(ev.at, d, inside)
            if not inside:
                continue
            self.last_ms = max(self.last_ms, at_ms)
            if isinstance(d, CallAnswered):
                acc = self._acc(d.agent_id)
                if acc is not None:
                    acc.calls += 1
            elif isinstance(d, FlagCreated):
                f = d.flag
                fl = self._flags
                fl.raised += 1
                fl.by_category[f.category] = fl.by_category.get(f.category, 0) + 1
                fl.by_severity[f.severity] = fl.by_severity.get(f.severity, 0) + 1
            elif isinstance(d, FlagUpdated) and d.changes.get("status") == FlagStatus.CLOSED:
                flag = st.flags.get(d.flag_id)
                if flag is not None and flag.status is FlagStatus.CLOSED:
                    fl = self._flags
                    fl.closed += 1
                    outcome = str(flag.outcome or "")
                    fl.by_outcome[outcome] = fl.by_outcome.get(outcome, 0) + 1

    def _case_event(self, at: Timestamp, d: CaseCreated | CaseUpdated, inside: bool) -> None:
        """Follow a case (before the day too: its limits may fall within it)."""
        if isinstance(d, CaseCreated):
            c = d.case
            seen = self._cases[c.id] = _CaseSeen(
                c.queue_id, c.first_response_due, c.resolution_due, c.first_response_at
            )
            if c.status is CaseStatus.CLOSED:
                seen.closed_at = at
                if not inside:
                    del self._cases[c.id]
            if inside:
                self._opened[c.queue_id] = self._opened.get(c.queue_id, 0) + 1
            return
        found = self._cases.get(d.case_id)
        if found is None:
            return
        ch = d.changes
        found.queue_id = ch.get("queue_id", found.queue_id)
        found.first_response_due = ch.get("first_response_due", found.first_response_due)
        found.resolution_due = ch.get("resolution_due", found.resolution_due)
        found.first_response_at = ch.get("first_response_at", found.first_response_at)
        if ch.get("status") == CaseStatus.CLOSED and found.closed_at is None:
            found.closed_at = at
            if inside:
                self._closed[found.queue_id] = self._closed.get(found.queue_id, 0) + 1
            else:  # closed before the day: no limit of it falls within the day
                del self._cases[d.case_id]

    def report(self, *, as_of_ms: int | None = None, interval_min: int = 30) -> DayReport:
        """The report: of the whole day once complete, else as of ``as_of_ms`` (default: the last event)."""
        if interval_min not in INTERVAL_CHOICES:
            raise ValueError(f"interval_min must be one of {INTERVAL_CHOICES}, not {interval_min}")
        st = self.state
        end_ms = (
            self.end_ms if self.complete else min(self.end_ms, max(as_of_ms or self.last_ms, self.start_ms))
        )
        centre = st.centre
        ours = centre.day_started_at == self.starts_at  # the reducer has reset into this day
        queues = []
        step = interval_min * 60_000
        for q in sorted(st.queues.values(), key=lambda q: q.id):
            total = msgspec.structs.replace(q.today) if ours else DayFigures()
            total.max_waiting = total.max_waiting if ours else 0
            formulas.refresh(total, centre.sl_definition)
            queues.append(
                QueueDay(
                    queue_id=q.id,
                    name=q.name,
                    sl_threshold_s=q.sl_threshold_s,
                    sl_target_pct=q.sl_target_pct,
                    total=total,
                    intervals=interval_buckets(q.buckets if ours else [], self.start_ms, step),
                )
            )
        # Open states run on to the report's end (each agent's state since its last change).
        extra: dict[str, tuple[AgentState, str | None, int, int]] = {}
        for a in st.agents.values():
            if a.state_since is not None and a.state is not AgentState.OFFLINE:
                extra[a.id] = (a.state, a.reason, to_ms(a.state_since), end_ms)
        saved, self._agents = self._agents, copy.deepcopy(self._agents)
        try:
            for aid, (state, reason, since, until) in extra.items():
                self._book(aid, state, reason, since, until)
            agents = [_agent_day(aid, acc) for aid, acc in sorted(self._agents.items())]
        finally:
            self._agents = saved
        return DayReport(
            centre=centre.name,
            timezone=centre.timezone,
            day=self.day.isoformat(),
            starts_at=self.starts_at,
            ends_at=iso(end_ms),
            complete=self.complete,
            sl_definition=centre.sl_definition,
            interval_min=interval_min,
            queues=queues,
            agents=[a for a in agents if a.available_s + a.handling_s + a.not_ready_s > 0 or a.calls],
            cases=self._cases_day(end_ms),
            flags=msgspec.structs.replace(
                self._flags,
                by_category=dict(self._flags.by_category),
                by_severity=dict(self._flags.by_severity),
                by_outcome=dict(self._flags.by_outcome),
            ),
        )

    def _cases_day(self, end_ms: int) -> list[CasesDay]:
        out: dict[str, CasesDay] = {}

        def day_of(queue_id: str) -> CasesDay:
            return out.setdefault(queue_id, CasesDay(queue_id=queue_id))

        for qid, n in self._opened.items():
            day_of(qid).opened = n
        for qid, n in self._closed.items():
            day_of(qid).closed = n
        lo, hi = self.starts_at, iso(end_ms)
        for seen in self._cases.values():
            due = seen.first_response_due
            late = seen.first_response_at is None or seen.first_response_at > due
            if lo <= due < hi and (seen.closed_at is None or seen.closed_at > due) and late:
                day_of(seen.queue_id).response_breached += 1
            due = seen.resolution_due
            if lo <= due < hi and (seen.closed_at is None or seen.closed_at > due):
                day_of(seen.queue_id).resolution_breached += 1
        return [out[k] for k in sorted(out)]


def _agent_day(agent_id: str, acc: _AgentAcc) -> AgentDay:
    busy = acc.handling_s + acc.available_s
    return AgentDay(
        agent_id=agent_id,
        name=acc.name,
        team=acc.team,
        calls=acc.calls,
        talk_s=acc.talk_s,
        wrap_s=acc.wrap_s,
        available_s=acc.available_s,
        handling_s=acc.handling_s,
        not_ready_s=acc.not_ready_s,
        not_ready_by_reason=dict(acc.by_reason),
        occupancy_pct=100.0 * acc.handling_s / busy if busy > 0 else None,
    )


def interval_buckets(buckets: list[Bucket], day0_ms: int, step_ms: int) -> list[Bucket]:
    """5-minute buckets summed into intervals of ``step_ms`` from the first to the last with calls."""
    sums: dict[int, Bucket] = {}
    for b in buckets:
        k = (to_ms(b.start) - day0_ms) // step_ms
        into = sums.get(k)
        if into is None:
            into = sums[k] = Bucket(start=iso(day0_ms + k * step_ms))
        add_into(into, b)
    if not sums:
        return []
    lo, hi = min(sums), max(sums)
    return [sums.get(k) or Bucket(start=iso(day0_ms + k * step_ms)) for k in range(lo, hi + 1)]


def day_report(
    start: Snapshot | None,
    events: Iterable[Event],
    day: date,
    interval_min: int = 30,
    *,
    timezone: str | None = None,
    day_starts: str | None = None,
) -> DayReport:
    """The report of business ``day``: ``start`` (the floor just before it, or None) and the events after.

    The centre's zone and day start come from ``start`` unless given.
    """
    centre = start.centre if start is not None else None
    tz = timezone or (centre.timezone if centre else "UTC")
    ds = day_starts or (centre.day_starts if centre else "00:00")
    replay = DayReplay(start, day, timezone=tz, day_starts=ds)
    replay.feed(events)
    return replay.report(interval_min=interval_min)
