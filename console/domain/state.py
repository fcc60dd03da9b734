"""The floor state and the one reducer that the gateway and every console share.

``FloorState`` folds sequenced events into queues, agents, calls and cases and
keeps each queue's day figures, the day's applied supervisor actions (the
audit every console sees) and the calls flagged for quality review. Applying
a snapshot and then the events after it gives exactly the state the gateway
had (tests hold it to that). The reducer is strict about the sequence (a gap
or a repeat raises ``SequenceError``) and lenient about content: an unknown
type only advances the seq, and an event naming something unknown is skipped
and counted in ``skipped``.

Each queue's ``today.max_waiting`` (the most calls waiting in it at once since
the business day started) follows a count of the calls in state ``waiting`` per
queue, kept by every call handler and rebuilt from the calls when a snapshot is
loaded; at the day reset it starts at the number waiting at that moment. The
count is taken after each event, so a call queued and answered at the same
instant was waiting, for that instant, with the calls waiting then.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import msgspec

from console.domain.businessday import day_start, next_day_start
from console.domain.changes import ChangeSet
from console.domain.clock import Timestamp, iso, seconds_between, to_ms
from console.domain.entities import (
    BUCKET_MS,
    BUSY_STATES,
    Agent,
    AgentState,
    AgentTime,
    AppliedAction,
    Bucket,
    Call,
    CallState,
    Case,
    CaseStatus,
    Centre,
    CompletedCall,
    DayFigures,
    Flag,
    FlagNote,
    FlagStatus,
    Queue,
    case_changes_valid,
    completed_call,
    flag_changes_valid,
)
from console.domain.events import (
    ActionApplied,
    AgentAdded,
    AgentPending,
    AgentRemoved,
    AgentSkillsChanged,
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallMoved,
    CallQueued,
    CallRinging,
    CaseCreated,
    CaseUpdated,
    CentreConfigured,
    Event,
    FlagCreated,
    FlagUpdated,
    QueueConfigured,
)
from console.domain.figures import formulas
from console.domain.flags import apply_changes

# The start of a 5-minute bucket as a stamp: a few a day, asked for on nearly every event.
_bucket_stamp = lru_cache(maxsize=1024)(iso)

#: Closed flags stay in the state (and the snapshot) this long after they closed, counted back
#: from the start of the business day; open and in-review flags stay whatever their age.
FLAG_KEEP_CLOSED_MS = 30 * 86_400_000


class SequenceError(Exception):
    """An event arrived out of sequence: the consumer must resynchronise."""


class Snapshot(msgspec.Struct, kw_only=True, tag="snapshot", tag_field="op"):
    """The whole floor as of event ``seq`` (protocol v1 ``snapshot`` frame)."""

    seq: int
    at: Timestamp | None
    centre: Centre
    queues: list[Queue]
    agents: list[Agent]
    calls: list[Call]
    cases: list[Case]
    agent_time: list[AgentTime] = msgspec.field(default_factory=list)
    actions: list[AppliedAction] = msgspec.field(default_factory=list)  # today's, oldest first
    flags: list[Flag] = msgspec.field(default_factory=list)  # see FLAG_KEEP_CLOSED_MS; oldest first


class FloorState:
    """Queues, agents, calls in progress and open cases, as of ``seq``."""

    def __init__(self, centre: Centre | None = None) -> None:
        self.seq = 0
        self.at: Timestamp | None = None
        self.centre = centre or Centre(name="")
        self.queues: dict[str, Queue] = {}
        self.agents: dict[str, Agent] = {}
        self.calls: dict[str, Call] = {}
        self.cases: dict[str, Case] = {}
        self.agent_time: list[AgentTime] = []  # today's centre-wide buckets
        self.actions: list[AppliedAction] = []  # today's applied supervisor actions, oldest first
        self.flags: dict[str, Flag] = {}  # quality flags not closed, or closed lately; oldest first
        # Told of every call that leaves the floor (the gateway records them); None: nobody listens.
        self.on_call_finished: Callable[[CompletedCall], None] | None = None
        self.changes = ChangeSet()  # ids touched since the last take_changes()
        self.skipped = 0  # events that named something this state does not hold
        self._waiting: dict[str, int] = {}  # queue id -> its calls in state WAITING (for max_waiting)
        self._next_reset_ms: int | None = None
        self._handlers: dict[str, Callable[[Timestamp, Any], None]] = {
            "queue.configured": self._queue_configured,
            "centre.configured": self._centre_configured,
            "agent.added": self._agent_added,
            "agent.removed": self._agent_removed,
            "agent.state": self._agent_state,
            "agent.pending": self._agent_pending,
            "agent.skills": self._agent_skills,
            "call.queued": self._call_queued,
            "call.ringing": self._call_ringing,
            "call.answered": self._call_answered,
            "call.abandoned": self._call_abandoned,
            "call.ended": self._call_ended,
            "call.moved": self._call_moved,
            "case.created": self._case_created,
            "case.updated": self._case_updated,
            "action.applied": self._action_applied,
            "flag.created": self._flag_created,
            "flag.updated": self._flag_updated,
        }

    # -- snapshots ---------------------------------------------------------

    def to_snapshot(self) -> Snapshot:
        """The current state as a snapshot (shares the entity objects: encode it at once)."""
        return Snapshot(
            seq=self.seq,
            at=self.at,
            centre=self.centre,
            queues=list(self.queues.values()),
            agents=list(self.agents.values()),
            calls=list(self.calls.values()),
            cases=list(self.cases.values()),
            agent_time=self.agent_time,
            actions=self.actions,
            flags=list(self.flags.values()),
        )

    def load_snapshot(self, snap: Snapshot) -> None:
        """Replace the whole state with ``snap``."""
        self.seq = snap.seq
        self.at = snap.at
        self.centre = snap.centre
        self.queues = {q.id: q for q in snap.queues}
        self.agents = {a.id: a for a in snap.agents}
        self.calls = {c.id: c for c in snap.calls}
        self.cases = {c.id: c for c in snap.cases}
        self.agent_time = snap.agent_time
        self.actions = snap.actions
        self.flags = {f.id: f for f in snap.flags}
        self._waiting = {}
        for c in self.calls.values():
            if c.state is CallState.WAITING:
                self._waiting[c.queue_id] = self._waiting.get(c.queue_id, 0) + 1
        self._schedule_reset()
        self.changes = ChangeSet(reset=True)

    def take_changes(self) -> ChangeSet:
        """What changed since the last call (for views); starts a new change set."""
        changes, self.changes = self.changes, ChangeSet()
        return changes

    # -- applying events ---------------------------------------------------

    def apply(self, event: Event) -> None:
        """Apply the next event; raises SequenceError unless it is seq + 1."""
        if event.seq != self.seq + 1:
            raise SequenceError(f"expected seq {self.seq + 1}, got {event.seq}")
        self.advance_clock(event.at)
        handler = self._handlers.get(event.type)
        if handler is not None and event.data is not None:
            handler(event.at, event.data)
        self.seq = event.seq
        self.changes.events += 1

    def advance_clock(self, at: Timestamp) -> None:
        """Move the feed clock forward (events and heartbeats); resets the day when due."""
        if self.at is None or at > self.at:
            self.at = at
        if self.centre.day_started_at is None:
            self.centre.day_started_at = day_start(at, self.centre.timezone, self.centre.day_starts)
            self._schedule_reset()
        if self._next_reset_ms is not None and to_ms(at) >= self._next_reset_ms:
            self.centre.day_started_at = day_start(at, self.centre.timezone, self.centre.day_starts)
            for q in self.queues.values():
                q.today = DayFigures(max_waiting=self._waiting.get(q.id, 0))
                q.buckets = []
                formulas.refresh(q.today, self.centre.sl_definition)
            self.agent_time = []
            self.actions = []
            self._prune_flags()
            self.changes.reset = True
            self._schedule_reset()

    @property
    def next_reset_ms(self) -> int | None:
        """When the business day resets next (epoch ms): an event at or after it starts a new day."""
        return self._next_reset_ms

    def _schedule_reset(self) -> None:
        started = self.centre.day_started_at
        self._next_reset_ms = (
            None if started is None else next_day_start(started, self.centre.timezone, self.centre.day_starts)
        )

    def _refresh(self, q: Queue) -> None:
        formulas.refresh(q.today, self.centre.sl_definition)
        self.changes.queues.add(q.id)

    def _count_waiting(self, queue_id: str, delta: int) -> None:
        """A call starts (+1) or stops (-1) waiting in ``queue_id``; the queue's max_waiting follows."""
        n = self._waiting.get(queue_id, 0) + delta
        if n > 0:
            self._waiting[queue_id] = n
        else:
            self._waiting.pop(queue_id, None)
        q = self.queues.get(queue_id)
        if q is not None and n > q.today.max_waiting:
            q.today.max_waiting = n
            self.changes.queues.add(q.id)

    def _stops_waiting(self, c: Call) -> None:
        """``c`` leaves the state WAITING (rings, is answered, leaves the floor): one fewer waits."""
        if c.state is CallState.WAITING:
            self._count_waiting(c.queue_id, -1)

    def _bucket_start_ms(self, at_ms: int) -> int:
        day0 = to_ms(self.centre.day_started_at) if self.centre.day_started_at else 0
        return day0 + (at_ms - day0) // BUCKET_MS * BUCKET_MS

    def _bucket(self, q: Queue, at: Timestamp) -> Bucket:
        """The queue's bucket for ``at`` (events arrive in time order: it is the last one or new)."""
        start = _bucket_stamp(self._bucket_start_ms(to_ms(at)))
        if q.buckets and q.buckets[-1].start >= start:
            return q.buckets[-1]
        bucket = Bucket(start=start)
        q.buckets.append(bucket)
        return bucket

    def _bucket_of(self, q: Queue, at: Timestamp) -> tuple[int, Bucket]:
        """The queue's bucket for any earlier ``at`` of today (index, bucket), created in order if missing."""
        start = _bucket_stamp(self._bucket_start_ms(to_ms(at)))
        i = bisect.bisect_left(q.buckets, start, key=lambda b: b.start)
        if i < len(q.buckets) and q.buckets[i].start == start:
            return i, q.buckets[i]
        bucket = Bucket(start=start)
        q.buckets.insert(i, bucket)
        return i, bucket

    def _add_agent_time(self, state: AgentState, since: Timestamp, until: Timestamp) -> None:
        """Book an agent's time in ``state`` to today's buckets, split at bucket edges."""
        if state is AgentState.OFFLINE:
            return
        day0 = to_ms(self.centre.day_started_at) if self.centre.day_started_at else 0
        t, end = max(to_ms(since), day0), to_ms(until)
        while t < end:
            start = self._bucket_start_ms(t)
            upto = min(end, start + BUCKET_MS)
            bucket = self._agent_bucket(_bucket_stamp(start))
            secs = (upto - t) / 1000.0
            if state is AgentState.AVAILABLE:
                bucket.available_s += secs
            elif state in BUSY_STATES:
                bucket.handling_s += secs
            else:
                bucket.not_ready_s += secs
            t = upto

    def _agent_bucket(self, stamp: Timestamp) -> AgentTime:
        """Today's agent-time bucket starting at ``stamp``, created in order if missing.

        A state that lasted a while is booked across earlier buckets when it ends.
        """
        i = bisect.bisect_left(self.agent_time, stamp, key=lambda b: b.start)
        if i < len(self.agent_time) and self.agent_time[i].start == stamp:
            return self.agent_time[i]
        bucket = AgentTime(start=stamp)
        self.agent_time.insert(i, bucket)
        return bucket

    # -- handlers: configuration -------------------------------------------

    def _queue_configured(self, at: Timestamp, d: QueueConfigured) -> None:
        q = self.queues.get(d.queue_id)
        if q is None:
            q = self.queues[d.queue_id] = Queue(
                id=d.queue_id, name=d.name, sl_threshold_s=d.sl_threshold_s, sl_target_pct=d.sl_target_pct
            )
            q.today.max_waiting = self._waiting.get(q.id, 0)
        else:
            q.name, q.sl_threshold_s, q.sl_target_pct = d.name, d.sl_threshold_s, d.sl_target_pct
        self._refresh(q)

    def _centre_configured(self, at: Timestamp, d: CentreConfigured) -> None:
        centre = msgspec.structs.replace(d.centre)
        resets_differently = (centre.timezone, centre.day_starts) != (
            self.centre.timezone,
            self.centre.day_starts,
        )
        if centre.day_started_at is None and not resets_differently:
            centre.day_started_at = self.centre.day_started_at
        if centre.day_started_at is None:
            centre.day_started_at = day_start(at, centre.timezone, centre.day_starts)
        self.centre = centre
        self._schedule_reset()
        for q in self.queues.values():
            self._refresh(q)
        self.changes.reset = True

    # -- handlers: agents --------------------------------------------------

    def _agent_added(self, at: Timestamp, d: AgentAdded) -> None:
        agent = msgspec.structs.replace(d.agent)
        agent.open_cases = sum(1 for c in self.cases.values() if c.agent_id == agent.id)
        existed = agent.id in self.agents
        self.agents[agent.id] = agent
        self.changes.added("agent", agent.id, existed=existed)

    def _agent_removed(self, at: Timestamp, d: AgentRemoved) -> None:
        if self.agents.pop(d.agent_id, None) is None:
            self.skipped += 1
        else:
            self.changes.removed("agent", d.agent_id)

    def _agent_state(self, at: Timestamp, d: AgentStateChanged) -> None:
        a = self.agents.get(d.agent_id)
        if a is None:
            self.skipped += 1
            return
        if a.state_since is not None:
            self._add_agent_time(a.state, a.state_since, at)
        if a.state is AgentState.WRAP_UP and d.state is not AgentState.WRAP_UP:
            q = self.queues.get(a.last_queue_id or "")
            if q is not None and a.state_since is not None:
                wrap = seconds_between(a.state_since, at)
                q.today.wrap_s += wrap
                self._bucket(q, at).wrap_s += wrap
                self._refresh(q)
            a.last_queue_id = None
        self.changes.agent(a.id)
        a.state = d.state
        a.reason = d.reason
        a.state_since = at
        if a.pending_state is not None and a.pending_state == d.state:
            a.pending_state = a.pending_reason = None

    def _agent_pending(self, at: Timestamp, d: AgentPending) -> None:
        a = self.agents.get(d.agent_id)
        if a is None:
            self.skipped += 1
            return
        a.pending_state = d.state
        a.pending_reason = d.reason if d.state is not None else None
        self.changes.agent(a.id)

    def _agent_skills(self, at: Timestamp, d: AgentSkillsChanged) -> None:
        a = self.agents.get(d.agent_id)
        if a is None:
            self.skipped += 1
            return
        a.skills = list(d.skills)
        self.changes.agent(a.id)

    # -- handlers: calls ---------------------------------------------------

    def _call_queued(self, at: Timestamp, d: CallQueued) -> None:
        q = self.queues.get(d.queue_id)
        if q is None:
            self.skipped += 1
            return
        old = self.calls.get(d.call_id)
        existed = old is not None
        if old is not None:  # a repeat replaces the call
            self._stops_waiting(old)
        self.calls[d.call_id] = Call(
            id=d.call_id,
            queue_id=d.queue_id,
            priority=d.priority,
            caller=d.caller,
            entered_at=at,
            source=d.source,
        )
        self._count_waiting(d.queue_id, +1)
        q.today.offered += 1
        self._bucket(q, at).offered += 1
        self._refresh(q)
        self.changes.added("call", d.call_id, existed=existed)

    def _call_ringing(self, at: Timestamp, d: CallRinging) -> None:
        c = self.calls.get(d.call_id)
        if c is None:
            self.skipped += 1
            return
        self._stops_waiting(c)
        c.state = CallState.RINGING
        c.agent_id = d.agent_id
        self.changes.changed("call", c.id)

    def _call_answered(self, at: Timestamp, d: CallAnswered) -> None:
        c = self.calls.get(d.call_id)
        q = self.queues.get(c.queue_id) if c is not None else None
        if c is None or q is None:
            self.skipped += 1
            return
        self._stops_waiting(c)
        c.state = CallState.TALKING
        c.answered_at = at
        c.agent_id = d.agent_id
        wait = seconds_between(c.entered_at, at)
        within = wait <= q.sl_threshold_s
        for f in (q.today, self._bucket(q, at)):
            f.answered += 1
            f.wait_answered_s += wait
            f.answered_within += within
        self._refresh(q)
        self.changes.changed("call", c.id)
        a = self.agents.get(d.agent_id)
        if a is not None:
            a.call_id = c.id
            a.last_queue_id = c.queue_id
            self.changes.agent(a.id)

    def _call_abandoned(self, at: Timestamp, d: CallAbandoned) -> None:
        c = self.calls.pop(d.call_id, None)
        if c is not None:
            self._stops_waiting(c)
        q = self.queues.get(c.queue_id) if c is not None else None
        if c is None or q is None:
            self.skipped += 1
            return
        wait = seconds_between(c.entered_at, at)
        short = wait < self.centre.short_abandon_s
        within = not short and wait <= q.sl_threshold_s
        for f in (q.today, self._bucket(q, at)):
            f.abandoned += 1
            f.wait_abandoned_s += wait
            f.short_abandons += short
            f.abandoned_within += within
        self._refresh(q)
        self.changes.removed("call", c.id)
        self._release_agent(c)
        self._finished(c, at)

    def _call_ended(self, at: Timestamp, d: CallEnded) -> None:
        c = self.calls.pop(d.call_id, None)
        if c is None:
            self.skipped += 1
            return
        self._stops_waiting(c)
        q = self.queues.get(c.queue_id)
        if q is not None and c.answered_at is not None:
            talk = seconds_between(c.answered_at, at)
            for f in (q.today, self._bucket(q, at)):
                f.talk_s += talk
                f.handled += 1
            self._refresh(q)
        self.changes.removed("call", c.id)
        self._release_agent(c)
        self._finished(c, at)

    def _finished(self, c: Call, at: Timestamp) -> None:
        if self.on_call_finished is not None:
            self.on_call_finished(completed_call(c, at, self.centre.short_abandon_s))

    def _release_agent(self, c: Call) -> None:
        a = self.agents.get(c.agent_id or "")
        if a is not None and a.call_id == c.id:
            a.call_id = None
            self.changes.agent(a.id)

    def _call_moved(self, at: Timestamp, d: CallMoved) -> None:
        c = self.calls.get(d.call_id)
        q = self.queues.get(d.queue_id)
        if c is None or q is None:
            self.skipped += 1
            return
        old = self.queues.get(c.queue_id)
        started = self.centre.day_started_at
        if old is not q and started is not None and c.entered_at >= started:
            # A call counts as offered once: in the queue it is answered or abandoned in.
            # Its offer moves with it, in the bucket of its arrival, so the centre total
            # (the sum over queues) never counts it twice. A call that arrived before the
            # day started was counted in no queue's today and moves nothing.
            if old is not None:
                self._uncount_offered(old, c.entered_at)
            q.today.offered += 1
            self._bucket_of(q, c.entered_at)[1].offered += 1
            self._refresh(q)
        if c.queue_id != d.queue_id and c.state is CallState.WAITING:
            self._count_waiting(c.queue_id, -1)
            self._count_waiting(d.queue_id, +1)
        c.queue_id = d.queue_id
        if d.priority is not None:
            c.priority = d.priority
        self.changes.changed("call", c.id)

    def _uncount_offered(self, q: Queue, entered_at: Timestamp) -> None:
        if q.today.offered > 0:
            q.today.offered -= 1
        i, bucket = self._bucket_of(q, entered_at)
        if bucket.offered > 0:
            bucket.offered -= 1
        if bucket == Bucket(start=bucket.start):  # nothing left in it: buckets list only non-empty ones
            del q.buckets[i]
        self._refresh(q)

    # -- handlers: cases ---------------------------------------------------

    def _case_created(self, at: Timestamp, d: CaseCreated) -> None:
        case = msgspec.structs.replace(d.case)
        if case.status is CaseStatus.CLOSED:
            return
        old = self.cases.get(case.id)
        if old is not None:
            self._count_case(old.agent_id, -1)
        self.cases[case.id] = case
        self._count_case(case.agent_id, +1)
        self.changes.added("case", case.id, existed=old is not None)

    def _case_updated(self, at: Timestamp, d: CaseUpdated) -> None:
        case = self.cases.get(d.case_id)
        if case is None or case_changes_valid(d.changes) is not None:
            self.skipped += 1
            return
        old_agent = case.agent_id
        for name, value in d.changes.items():
            setattr(case, name, CaseStatus(value) if name == "status" else value)
        case.version = d.version
        if case.status is CaseStatus.CLOSED:
            del self.cases[case.id]
            self._count_case(old_agent, -1)
            self.changes.removed("case", case.id)
            return
        if case.agent_id != old_agent:
            self._count_case(old_agent, -1)
            self._count_case(case.agent_id, +1)
        self.changes.changed("case", case.id)

    def _count_case(self, agent_id: str | None, delta: int) -> None:
        a = self.agents.get(agent_id or "")
        if a is not None:
            a.open_cases += delta
            self.changes.agent(a.id)

    # -- handlers: supervisors' actions ------------------------------------

    def _action_applied(self, at: Timestamp, d: ActionApplied) -> None:
        self.actions.append(
            AppliedAction(
                at=at,
                command_id=d.command_id,
                user=d.user,
                role=d.role,
                action=d.action,
                args=d.args,
                result=d.result,
                before=d.before,
            )
        )
        self.changes.actions = True

    # -- handlers: quality flags -------------------------------------------

    def _flag_created(self, at: Timestamp, d: FlagCreated) -> None:
        flag = msgspec.structs.replace(d.flag, notes=list(d.flag.notes))
        if flag.updated_at is None:
            flag.updated_at = at
        self.flags.pop(flag.id, None)  # a repeat replaces it, at the end (oldest first)
        self.flags[flag.id] = flag
        self.changes.flags.add(flag.id)

    def _flag_updated(self, at: Timestamp, d: FlagUpdated) -> None:
        flag = self.flags.get(d.flag_id)
        if flag is None or flag_changes_valid(d.changes) is not None:
            self.skipped += 1
            return
        apply_changes(flag, d.changes)
        if "status" in d.changes:
            flag.closed_at = at if flag.status is FlagStatus.CLOSED else None
        if d.note is not None:
            flag.notes.append(FlagNote(at=at, by=d.by, text=d.note))
        flag.version = d.version
        flag.updated_at = at
        self.changes.flags.add(flag.id)

    def _prune_flags(self) -> None:
        """At the day reset: closed flags that closed more than 30 days ago leave the state."""
        started = self.centre.day_started_at
        if started is None:
            return
        cutoff = iso(to_ms(started) - FLAG_KEEP_CLOSED_MS)
        for fid in [
            f.id
            for f in self.flags.values()
            if f.status is FlagStatus.CLOSED and (f.closed_at or f.updated_at or f.flagged_at) < cutoff
        ]:
            del self.flags[fid]
