"""Discrete-event simulator of a bank contact centre: the source of the live feed.

A heap of timed internal events (arrivals, abandonments, call ends, wrap-ups,
breaks, shifts, case steps) is played in time order; each one emits payloads
from ``console.domain.events`` that the gateway sequences and folds through
``FloorState``. Everything random comes from streams seeded by ``seed``, the
wall clock is never read, and the order of processing depends only on the
events' times (ties: scheduling order), so any split of ``advance`` calls gives
the same events.

Routing: a waiting call is ordered by priority (higher first), then by arrival;
a free agent is the longest idle (since they last became available) among those
skilled for the queue. Agents go available at the end of after-call work and
immediately take the best call waiting in their skills. A supervisor may move a
waiting call to another queue or change its priority (``move_call``): from then
on it is routed as a call of that queue with that priority, keeping its arrival
time and its caller's patience. A supervisor may also change the queues agents
serve (``set_agent_queues``): from then on an agent is offered calls of its new
queues only; a call it is handling goes on, and a free agent takes the best call
waiting in its new queues at once.
"""

from __future__ import annotations

import heapq
import logging
import random
import re
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from console.domain.clock import iso, to_ms
from console.domain.entities import BUSY_STATES, Agent, AgentState, CallState, Centre
from console.domain.events import (
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
    CentreConfigured,
    EventAt,
    QueueConfigured,
)
from console.domain.state import FloorState
from console.feeds.sources.simulator.calendar import MINUTE_MS, LocalClock, RateCurve, in_window
from console.feeds.sources.simulator.cases import CaseDesk
from console.feeds.sources.simulator.durations import Sampler, sampler
from console.feeds.sources.simulator.names import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    agent_id,
    agent_name,
    check_language,
    masked_mobile,
)
from console.feeds.sources.simulator.scenario import (
    BreakRule,
    QueueSpec,
    Scenario,
    localized,
    minutes,
    shift_window,
)

log = logging.getLogger(__name__)

Handler = Callable[[int, Any, int], None]

_AVAILABLE = AgentState.AVAILABLE
_RINGING = AgentState.RINGING
_ON_CALL = AgentState.ON_CALL
_WRAP_UP = AgentState.WRAP_UP
_NOT_READY = AgentState.NOT_READY
_OFFLINE = AgentState.OFFLINE

# Call states inside the simulator (ints: compared on every event).
_WAITING, _RINGS, _TALKING, _GONE = 0, 1, 2, 3
_CALL_ID = re.compile(r"^K(\d+)$")
_RULE_SLOTS = 32  # break-due tokens pack (session, rule index)
_LOGIN_JITTER_MS = 4 * MINUTE_MS  # agents log in up to this much before their shift
_LOGOUT_JITTER_MS = 5 * MINUTE_MS  # and out up to this much after it


def stored_language(floor: FloorState, scenario: Scenario, wanted: str) -> str:
    """The language the names on a restored floor are in, so a restart keeps them.

    Each language scores one point per name on the floor (the centre, its queues
    and the scenario's agents, by id) that is the scenario's name in that language;
    ``wanted`` wins ties, so a floor whose names match no language (a changed
    scenario) or every language (no names table, no agents) takes ``wanted``.
    """
    index = {agent_id(i): i for i in range(sum(t.agents for t in scenario.teams))}

    def score(lang: str) -> int:
        s = localized(scenario, lang)
        points = int(floor.centre.name == s.centre.name)
        points += sum(1 for q in s.queues if q.id in floor.queues and floor.queues[q.id].name == q.name)
        points += sum(
            1 for a in floor.agents.values() if a.id in index and a.name == agent_name(index[a.id], lang)
        )
        return points

    return max(LANGUAGES, key=lambda lang: (score(lang), lang == wanted))


class _Queue:
    __slots__ = ("avail", "handle", "id", "patience", "priority", "rate", "rng", "spec", "waiting", "wrap")

    def __init__(self, spec: QueueSpec, rate: RateCurve, rng: random.Random) -> None:
        self.id = spec.id
        self.spec = spec
        self.priority = spec.priority
        self.rate = rate
        self.rng = rng  # inter-arrival times only, so a queue's arrivals do not depend on the rest
        self.handle = sampler(spec.handle_time)
        self.patience: Sampler | None = sampler(spec.patience) if spec.patience is not None else None
        self.wrap = sampler(spec.wrap_up)
        self.waiting: list[tuple[int, int, int, _Call]] = []  # heap: (-priority, entered, order, call)
        self.avail: list[tuple[int, int, int, _Agent]] = []  # heap: (idle since, agent order, token, agent)


class _Call:
    __slots__ = ("agent", "entered_ms", "id", "order", "priority", "queue", "state")

    def __init__(self, call_id: str, queue: _Queue, priority: int, entered_ms: int) -> None:
        self.id = call_id
        self.queue = queue
        self.priority = priority
        self.entered_ms = entered_ms
        self.state = _WAITING
        self.agent: _Agent | None = None
        self.order = 0  # of its latest queue entry: older entries (before a move) are stale


class _Agent:
    __slots__ = (
        "avail_token",
        "break_counts",
        "break_rule",
        "breaks",
        "breaks_due",
        "call",
        "held",
        "id",
        "idle_since",
        "logout_due",
        "name",
        "order",
        "pending",
        "reason",
        "remove_after",
        "session",
        "shift",
        "since",
        "skill_ids",
        "skills",
        "state",
        "team",
        "token",
    )

    def __init__(self, aid: str, order: int, name: str, team: str, skills: list[_Queue]) -> None:
        self.id = aid
        self.order = order  # position in the scenario: the last tie-break of routing
        self.name = name
        self.team = team
        self.skills = skills
        self.skill_ids = [q.id for q in skills]
        self.shift: tuple[int, int] | None = None
        self.breaks = False
        self.state = _OFFLINE
        self.reason: str | None = None
        self.since = 0
        self.idle_since = 0
        self.token = 0  # bumped on every state change: invalidates wrap-up and break-end timers
        self.avail_token = 0  # bumped on leaving available: invalidates routing entries
        self.session = 0  # bumped on login/logout: invalidates break-due timers
        self.call: _Call | None = None
        self.pending: tuple[AgentState, str | None] | None = None  # a supervisor's deferred request
        self.held = False  # not_ready set by a supervisor: stays until someone changes it
        self.logout_due = False
        self.break_rule: int | None = None  # the break the agent is on
        self.breaks_due: list[int] = []
        self.break_counts: list[int] = []
        self.remove_after = False  # restored agent no longer in the scenario: goes when the call is done


class Simulator:
    """The contact centre of a scenario, from ``start_ms`` on (see module doc)."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int,
        start_ms: int,
        restored: FloorState | None = None,
        counters: dict[str, int] | None = None,
        lang: str = DEFAULT_LANGUAGE,
    ) -> None:
        check_language(lang)
        if restored is not None:
            stored = stored_language(restored, scenario, lang)
            if stored != lang:
                log.warning(
                    "the restored floor has its names in %s: keeping them (language %s applies"
                    " to a new database)",
                    stored,
                    lang,
                )
            lang = stored
        #: The display language of the centre's names, agents' names and case subjects.
        self.lang = lang
        scenario = localized(scenario, lang)
        self._now = start_ms
        self._restored = restored
        self._booted = False
        master = random.Random(seed)
        self._rng = random.Random(master.getrandbits(64))  # calls: handle, patience, wrap-up, callers
        self._rng_agents = random.Random(master.getrandbits(64))  # breaks and shift jitter
        rng_cases = random.Random(master.getrandbits(64))
        self._heap: list[tuple[int, int, Handler, Any, int]] = []
        self._seq = 0
        self._order = 0  # tie-break of waiting calls with equal priority and arrival time
        self._out: list[EventAt] = []
        self._live: dict[str, _Call] = {}

        c = scenario.centre
        self._clock = LocalClock(c.timezone)
        self._ring_ms = round(c.ring_s * 1000)
        self._centre = Centre(
            name=c.name,
            timezone=c.timezone,
            day_starts=c.day_starts,
            sl_definition=c.sl_definition,
            short_abandon_s=c.short_abandon_s,
            case_limit=scenario.cases.case_limit if scenario.cases is not None else None,
        )
        opens, closes = minutes(c.opens), minutes(c.closes)
        self._queues: dict[str, _Queue] = {}
        for q in scenario.queues:
            rate = RateCurve(
                q.arrivals_per_hour, q.arrival_curve or c.arrival_curve, self._clock, opens, closes
            )
            self._queues[q.id] = _Queue(q, rate, random.Random(master.getrandbits(64)))
        self._rules: list[tuple[BreakRule, Sampler, Sampler]] = [
            (r, sampler(r.interval), sampler(r.duration)) for r in scenario.breaks.rules
        ]
        self._rule_of_reason = {r.reason: i for i, (r, _, _) in enumerate(self._rules)}

        self._agents: dict[str, _Agent] = {}
        handlers: list[str] = []
        handler_teams = set(scenario.cases.handler_teams) if scenario.cases is not None else set()
        for team in scenario.teams:
            shift = shift_window(team.shift) if team.shift is not None else None
            for _ in range(team.agents):
                index = len(self._agents)
                skills = [self._queues[s] for s in team.skills]
                a = _Agent(agent_id(index), index, agent_name(index, lang), team.display_name, skills)
                a.shift = shift
                a.breaks = team.breaks
                a.break_counts = [0] * len(self._rules)
                self._agents[a.id] = a
                if team.id in handler_teams:
                    handlers.append(a.id)

        counters = counters or {}
        self._call_no = counters.get("call", 0)
        self._cases: CaseDesk | None = None
        self._case_no = counters.get("case", 0)
        if scenario.cases is not None:
            self._cases = CaseDesk(
                scenario.cases,
                clock=self._clock,
                centre_curve=c.arrival_curve,
                rng=rng_cases,
                schedule=self._push,
                out=self._out,
                handlers=handlers,
                last_number=self._case_no,
                lang=lang,
            )

    # -- public API ---------------------------------------------------------------

    @property
    def now_ms(self) -> int:
        return self._now

    def bootstrap(self) -> list[EventAt]:
        """The events at ``start_ms`` that establish the centre (or adopt the restored one)."""
        if self._booted:
            raise RuntimeError("bootstrap() runs once")
        self._booted = True
        if self._restored is None:
            self._start_fresh()
        else:
            self._adopt(self._restored)
        return self._drain()

    def next_event_ms(self) -> int | None:
        return self._heap[0][0] if self._heap else None

    def advance(self, until_ms: int) -> list[EventAt]:
        """Play every internal event at or before ``until_ms``; the clock ends at ``until_ms``."""
        if not self._booted:
            raise RuntimeError("call bootstrap() before advance()")
        heap = self._heap
        pop = heapq.heappop
        while heap and heap[0][0] <= until_ms:
            t, _, fn, obj, token = pop(heap)
            self._now = t
            fn(t, obj, token)
        self._now = max(self._now, until_ms)
        return self._drain()

    def set_agent_state(
        self, agent_id: str, state: AgentState, reason: str | None
    ) -> tuple[list[EventAt], bool]:
        """A supervisor's command at ``now_ms``; deferred (True) while the agent handles a call."""
        a = self._agents[agent_id]
        state = AgentState(state)
        if state in BUSY_STATES:
            raise ValueError(f"an agent cannot be put {state.value} by command")
        reason = (reason or "supervisor") if state is _NOT_READY else None
        if a.state is state and a.reason == reason:
            return [], False
        t = self._now
        if a.state in BUSY_STATES:
            a.pending = (state, reason)
            self._out.append((t, AgentPending(agent_id=a.id, state=state, reason=reason)))
            return self._drain(), True
        self._apply(t, a, state, reason)
        return self._drain(), False

    def move_call(self, call_id: str, queue_id: str, priority: int | None) -> list[EventAt]:
        """A supervisor moves a waiting call (and/or changes its priority) at ``now_ms``.

        The call keeps its arrival time and its caller's patience; it is routed as a
        call of the new queue at once (to a free skilled agent, else it waits there).
        Raises KeyError/ValueError, changing nothing, unless the call is waiting and the
        queue exists. Nothing to change: no events.
        """
        call = self._live.get(call_id)
        q = self._queues.get(queue_id)
        if call is None or q is None:
            raise KeyError(f"unknown call {call_id!r} or queue {queue_id!r}")
        if call.state != _WAITING:
            raise ValueError(f"call {call_id} is not waiting")
        new_priority = call.priority if priority is None else priority
        if q is call.queue and new_priority == call.priority:
            return []
        t = self._now
        call.queue = q
        call.priority = new_priority
        self._out.append((t, CallMoved(call_id=call.id, queue_id=q.id, priority=new_priority)))
        a = self._pop_available(q)
        if a is not None:
            self._connect(t, a, call)
        else:
            self._enqueue(call)  # its entry in the old queue is now stale
        return self._drain()

    def set_agent_queues(self, changes: Sequence[tuple[str, list[str]]]) -> list[EventAt]:
        """A supervisor sets the queues agents serve at ``now_ms``; all or nothing.

        Raises KeyError, changing nothing, for an unknown agent or queue. An agent's
        entries in the queues it left are dropped (it is offered none of their calls);
        one that is available takes the best call waiting in its new queues at once.
        """
        missing = [aid for aid, _ in changes if aid not in self._agents]
        unknown = sorted({q for _, qs in changes for q in qs if q not in self._queues})
        if missing or unknown:
            raise KeyError(f"unknown agents {missing[:5]} or queues {unknown[:5]}")
        t = self._now
        moved: list[_Agent] = []
        for aid, queue_ids in changes:
            a = self._agents[aid]
            a.skills = [self._queues[q] for q in queue_ids]
            a.skill_ids = list(queue_ids)
            self._out.append((t, AgentSkillsChanged(agent_id=aid, skills=list(queue_ids))))
            moved.append(a)
        # Free agents: out of the queues they left, into their new ones, longest idle first.
        for a in sorted(moved, key=lambda a: (a.idle_since, a.order)):
            if a.state is not _AVAILABLE:
                continue  # offered calls of its new queues when it is next available
            a.avail_token += 1  # its entries in the old queues are stale now
            call = self._best_waiting(a)
            if call is not None:
                self._connect(t, a, call)
                continue
            entry = (a.idle_since, a.order, a.avail_token, a)
            for q in a.skills:
                heapq.heappush(q.avail, entry)
        return self._drain()

    def assign_cases(self, moves: Sequence[tuple[str, str | None]]) -> list[EventAt]:
        """A supervisor gives cases new owners (None: back to the pool) at ``now_ms``; all or nothing."""
        if self._cases is None:
            if moves:
                raise KeyError("this centre has no cases")
            return []
        self._cases.assign(moves, self._now)
        return self._drain()

    def counters(self) -> dict[str, int]:
        """Last id numbers used; pass back as ``counters=`` after a restart so ids are never reused."""
        return {
            "call": self._call_no,
            "case": self._cases.number if self._cases is not None else self._case_no,
        }

    def has_agent(self, agent_id: str) -> bool:
        return agent_id in self._agents

    # Read-only views of the simulator's own idea of the floor (tests compare them with FloorState).

    def agents_view(self) -> dict[str, tuple[AgentState, str | None, str | None]]:
        """agent id -> (state, reason, id of the call being talked on)."""
        return {
            a.id: (a.state, a.reason, a.call.id if a.call is not None and a.call.state == _TALKING else None)
            for a in self._agents.values()
        }

    def calls_view(self) -> dict[str, tuple[str, CallState, str | None]]:
        """call id -> (queue id, state, agent id)."""
        states = {_WAITING: CallState.WAITING, _RINGS: CallState.RINGING, _TALKING: CallState.TALKING}
        return {
            c.id: (c.queue.id, states[c.state], c.agent.id if c.agent is not None else None)
            for c in self._live.values()
        }

    def cases_view(self) -> dict[str, tuple[str, int]]:
        """open case id -> (status, version)."""
        if self._cases is None:
            return {}
        return {c.id: (c.status.value, c.version) for c in self._cases.open.values()}

    def case_owners(self) -> dict[str, str | None]:
        """open case id -> the agent working it (None: nobody, in intake or the pool)."""
        if self._cases is None:
            return {}
        return {c.id: c.agent_id for c in self._cases.open.values()}

    # -- plumbing -----------------------------------------------------------------

    def _push(self, t: int, fn: Handler, obj: Any, token: int) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (t, self._seq, fn, obj, token))

    def _drain(self) -> list[EventAt]:
        events = self._out.copy()
        self._out.clear()  # the case desk holds this very list
        return events

    def _set(self, t: int, a: _Agent, state: AgentState, reason: str | None) -> None:
        if a.state is _AVAILABLE:
            a.avail_token += 1
        a.state = state
        a.reason = reason
        a.since = t
        a.token += 1
        self._out.append((t, AgentStateChanged(agent_id=a.id, state=state, reason=reason)))

    # -- calls ----------------------------------------------------------------------

    def _schedule_arrival(self, q: _Queue, t: int) -> None:
        nxt = q.rate.next_arrival(t, q.rng)
        if nxt is not None:
            self._push(nxt, self._arrival, q, 0)

    def _arrival(self, t: int, q: _Queue, _token: int) -> None:
        self._call_no += 1
        call = _Call(f"K{self._call_no:07d}", q, q.priority, t)
        self._live[call.id] = call
        self._out.append(
            (
                t,
                CallQueued(
                    call_id=call.id, queue_id=q.id, priority=q.priority, caller=masked_mobile(self._rng)
                ),
            )
        )
        if q.patience is not None:
            self._push(t + q.patience(self._rng), self._abandon, call, 0)
        a = self._pop_available(q)
        if a is not None:
            self._connect(t, a, call)
        else:
            self._enqueue(call)
        self._schedule_arrival(q, t)

    def _enqueue(self, call: _Call) -> None:
        self._order += 1
        call.order = self._order
        heapq.heappush(call.queue.waiting, (-call.priority, call.entered_ms, self._order, call))

    def _pop_available(self, q: _Queue) -> _Agent | None:
        heap = q.avail
        while heap:
            _, _, token, a = heapq.heappop(heap)
            if token == a.avail_token and a.state is _AVAILABLE:
                return a
        return None

    def _best_waiting(self, a: _Agent) -> _Call | None:
        best: tuple[int, int, int, _Call] | None = None
        best_q: _Queue | None = None
        for q in a.skills:
            heap = q.waiting
            while heap and (heap[0][3].state != _WAITING or heap[0][2] != heap[0][3].order):
                heapq.heappop(heap)  # abandoned or moved: removed lazily
            if heap and (best is None or heap[0] < best):
                best, best_q = heap[0], q
        if best is None or best_q is None:
            return None
        heapq.heappop(best_q.waiting)
        return best[3]

    def _connect(self, t: int, a: _Agent, call: _Call) -> None:
        call.agent = a
        a.call = call
        if self._ring_ms > 0:
            call.state = _RINGS
            self._out.append((t, CallRinging(call_id=call.id, agent_id=a.id)))
            self._set(t, a, _RINGING, None)
            self._push(t + self._ring_ms, self._answer, call, 0)
        else:
            self._answer(t, call, 0)

    def _answer(self, t: int, call: _Call, _token: int) -> None:
        a = call.agent
        if a is None or call.state in (_GONE, _TALKING):
            return  # the caller hung up while it rang
        call.state = _TALKING
        self._out.append((t, CallAnswered(call_id=call.id, agent_id=a.id)))
        self._set(t, a, _ON_CALL, None)
        self._push(t + call.queue.handle(self._rng), self._call_end, call, 0)

    def _abandon(self, t: int, call: _Call, _token: int) -> None:
        was = call.state
        if was not in (_WAITING, _RINGS):
            return
        call.state = _GONE
        del self._live[call.id]
        self._out.append((t, CallAbandoned(call_id=call.id)))
        a = call.agent
        if was == _RINGS and a is not None:
            a.call = None
            self._free(t, a)

    def _call_end(self, t: int, call: _Call, _token: int) -> None:
        call.state = _GONE
        del self._live[call.id]
        self._out.append((t, CallEnded(call_id=call.id)))
        a = call.agent
        if a is None:
            return
        a.call = None
        wrap = call.queue.wrap(self._rng)
        if wrap > 0:
            self._set(t, a, _WRAP_UP, None)
            self._push(t + wrap, self._wrap_end, a, a.token)
        else:
            self._free(t, a)

    def _wrap_end(self, t: int, a: _Agent, token: int) -> None:
        if token == a.token:
            self._free(t, a)

    # -- agents -------------------------------------------------------------------

    def _free(self, t: int, a: _Agent) -> None:
        """The agent's call work is over: deferred requests, shift end and breaks come first."""
        if a.remove_after:
            del self._agents[a.id]
            self._out.append((t, AgentRemoved(agent_id=a.id)))
        elif a.pending is not None:
            state, reason = a.pending
            a.pending = None
            if a.logout_due and state is not _AVAILABLE:
                # The shift ended during the call: not ready or offline, the agent goes home.
                self._out.append((t, AgentPending(agent_id=a.id, state=None)))
                self._logout(t, a)
            else:
                a.logout_due = False  # asked to be available: the supervisor keeps them on
                self._apply(t, a, state, reason)
        elif a.logout_due:
            self._logout(t, a)
        elif a.breaks_due:
            self._start_break(t, a, a.breaks_due[0])
        else:
            self._make_available(t, a)

    def _make_available(self, t: int, a: _Agent) -> None:
        self._set(t, a, _AVAILABLE, None)
        a.idle_since = t
        call = self._best_waiting(a)
        if call is not None:
            self._connect(t, a, call)
            return
        entry = (t, a.order, a.avail_token, a)
        limit = 4 * len(self._agents) + 64
        for q in a.skills:
            heapq.heappush(q.avail, entry)
            if len(q.avail) > limit:  # a quiet queue: drop entries of agents who have moved on
                q.avail = [e for e in q.avail if e[2] == e[3].avail_token and e[3].state is _AVAILABLE]
                heapq.heapify(q.avail)

    def _apply(self, t: int, a: _Agent, state: AgentState, reason: str | None) -> None:
        """A supervisor's state for an agent who is not handling a call."""
        self._cut_break(t, a)
        if state is _OFFLINE:
            self._logout(t, a)
        elif a.state is _OFFLINE:
            self._login(t, a, state, reason)
        elif state is _AVAILABLE:
            a.held = False
            self._make_available(t, a)
        else:
            a.held = True
            self._set(t, a, _NOT_READY, reason)

    def _login(
        self,
        t: int,
        a: _Agent,
        state: AgentState = _AVAILABLE,
        reason: str | None = None,
        *,
        stagger: bool = False,
    ) -> None:
        self._start_session(t, a, stagger=stagger)
        if state is _AVAILABLE:
            self._make_available(t, a)
        else:
            a.held = True
            self._set(t, a, _NOT_READY, reason)

    def _start_session(self, t: int, a: _Agent, *, stagger: bool) -> None:
        """Arm the break timers of a new login (``stagger``: logged in for a while already)."""
        a.session += 1
        a.held = a.logout_due = False
        a.break_rule = None
        a.breaks_due.clear()
        a.break_counts = [0] * len(self._rules)
        if not a.breaks:
            return
        rng = self._rng_agents
        for i, (_, interval, _) in enumerate(self._rules):
            due = interval(rng)
            if stagger:
                due = int(due * rng.random())
            self._push(t + due, self._break_due, a, a.session * _RULE_SLOTS + i)

    def _logout(self, t: int, a: _Agent) -> None:
        a.session += 1
        a.held = a.logout_due = False
        a.break_rule = None
        a.breaks_due.clear()
        self._set(t, a, _OFFLINE, None)

    # -- breaks -------------------------------------------------------------------

    def _break_due(self, t: int, a: _Agent, token: int) -> None:
        session, i = divmod(token, _RULE_SLOTS)
        if session != a.session or a.state is _OFFLINE:
            return
        if a.state is _AVAILABLE:
            self._start_break(t, a, i)
        elif i not in a.breaks_due:
            a.breaks_due.append(i)  # taken when the current call, break or hold is over

    def _start_break(self, t: int, a: _Agent, i: int) -> None:
        if i in a.breaks_due:
            a.breaks_due.remove(i)
        rule, _, duration = self._rules[i]
        a.break_rule = i
        a.held = False
        self._set(t, a, _NOT_READY, rule.reason)
        self._push(t + duration(self._rng_agents), self._break_end, a, a.token)

    def _break_end(self, t: int, a: _Agent, token: int) -> None:
        if token != a.token:
            return
        self._cut_break(t, a)
        if a.breaks_due:
            self._start_break(t, a, a.breaks_due[0])
        else:
            self._make_available(t, a)

    def _cut_break(self, t: int, a: _Agent) -> None:
        """End the agent's current break (if any) and arm the next one of that kind."""
        i = a.break_rule
        if i is None:
            return
        a.break_rule = None
        a.break_counts[i] += 1
        rule, interval, _ = self._rules[i]
        if a.breaks and (rule.per_shift == 0 or a.break_counts[i] < rule.per_shift):
            self._push(t + interval(self._rng_agents), self._break_due, a, a.session * _RULE_SLOTS + i)

    # -- shifts -------------------------------------------------------------------

    def _on_shift(self, t: int, a: _Agent) -> bool:
        return a.shift is None or in_window(self._clock.minute_of_day(t), *a.shift)

    def _jitter(self, a: _Agent, limit_ms: int) -> int:
        assert a.shift is not None
        start, end = a.shift
        gap_ms = ((start - end) % 1440) * MINUTE_MS  # time off between two shifts
        return int(self._rng_agents.random() * min(limit_ms, gap_ms // 3))

    def _schedule_shift(self, t: int, a: _Agent) -> None:
        """The agent's next shift transition after ``t``."""
        if a.shift is None:
            return
        start, end = a.shift
        if self._on_shift(t, a):
            self._push(
                self._clock.next_at(t, end) + self._jitter(a, _LOGOUT_JITTER_MS), self._shift_end, a, 0
            )
        else:
            at = self._clock.next_at(t, start) - self._jitter(a, _LOGIN_JITTER_MS)
            self._push(max(t, at), self._shift_start, a, 0)

    def _shift_start(self, t: int, a: _Agent, _token: int) -> None:
        if a.state is _OFFLINE:
            self._login(t, a)
        assert a.shift is not None
        self._push(
            self._clock.next_at(t, a.shift[1]) + self._jitter(a, _LOGOUT_JITTER_MS), self._shift_end, a, 0
        )

    def _shift_end(self, t: int, a: _Agent, _token: int) -> None:
        if a.state in BUSY_STATES:
            a.logout_due = True  # after this call
        elif a.state is not _OFFLINE:
            self._logout(t, a)
        assert a.shift is not None
        at = self._clock.next_at(t, a.shift[0]) - self._jitter(a, _LOGIN_JITTER_MS)
        self._push(max(t, at), self._shift_start, a, 0)

    # -- starting -----------------------------------------------------------------

    def _agent_struct(self, a: _Agent, now: int) -> Agent:
        return Agent(
            id=a.id, name=a.name, team=a.team, skills=list(a.skill_ids), state=_OFFLINE, state_since=iso(now)
        )

    def _start_fresh(self) -> None:
        now, out = self._now, self._out
        out.append((now, CentreConfigured(centre=msgspec.structs.replace(self._centre))))
        for q in self._queues.values():
            out.append((now, self._queue_configured(q)))
        for a in self._agents.values():
            out.append((now, AgentAdded(agent=self._agent_struct(a, now))))
        for a in self._agents.values():
            if self._on_shift(now, a):
                self._login(now, a, stagger=True)
            self._schedule_shift(now, a)
        if self._cases is not None:
            self._cases.start_fresh(now)
        for q in self._queues.values():
            self._schedule_arrival(q, now)

    @staticmethod
    def _queue_configured(q: _Queue) -> QueueConfigured:
        s = q.spec
        return QueueConfigured(
            queue_id=s.id, name=s.name, sl_threshold_s=s.sl_threshold_s, sl_target_pct=s.sl_target_pct
        )

    def _adopt(self, st: FloorState) -> None:
        """Carry on from a restored floor, emitting only what differs from the scenario."""
        now = self._now
        self._adopt_config(st, now)
        added = self._adopt_agents(st, now)
        self._adopt_calls(st, now)
        restored_at = to_ms(st.at) if st.at is not None else now
        for a in self._agents.values():
            if a.remove_after:
                continue
            if a.id in added:
                if self._on_shift(now, a):
                    self._login(now, a)
            elif a.shift is not None:
                self._catch_up_shift(now, a, restored_at)
            self._schedule_shift(now, a)
        for a in list(self._agents.values()):
            if a.state in (_RINGING, _ON_CALL) and a.call is None:
                self._free(now, a)  # its call is gone from the restored floor
        # Agents available while calls wait (the scenario changed under them): serve the calls now.
        idle = [a for a in self._agents.values() if a.state is _AVAILABLE]
        for a in sorted(idle, key=lambda a: (a.idle_since, a.order)):
            waiting = self._best_waiting(a) if a.state is _AVAILABLE else None
            if waiting is not None:
                self._connect(now, a, waiting)
        if self._cases is not None:
            self._cases.adopt(st.cases.values(), now)
        for q in self._queues.values():
            self._schedule_arrival(q, now)

    def _adopt_config(self, st: FloorState, now: int) -> None:
        old, mine = st.centre, self._centre
        fields = ("name", "timezone", "day_starts", "sl_definition", "short_abandon_s", "case_limit")
        if any(getattr(old, f) != getattr(mine, f) for f in fields):
            self._out.append((now, CentreConfigured(centre=msgspec.structs.replace(mine))))
        for q in self._queues.values():
            old_q, s = st.queues.get(q.id), q.spec
            if old_q is None or (old_q.name, old_q.sl_threshold_s, old_q.sl_target_pct) != (
                s.name,
                s.sl_threshold_s,
                s.sl_target_pct,
            ):
                self._out.append((now, self._queue_configured(q)))

    def _adopt_agents(self, st: FloorState, now: int) -> set[str]:
        """Take over known agents as they are, add new ones, drop departed idle ones; returns the added."""
        added: set[str] = set()
        for a in self._agents.values():
            old = st.agents.get(a.id)
            if old is None:
                self._out.append((now, AgentAdded(agent=self._agent_struct(a, now))))
                added.add(a.id)
                continue
            if old.skills and all(q in self._queues for q in old.skills):
                # The queues the agent serves are the floor's (a manager's agent.set_queues
                # survives a restart); the scenario's team skills are for agents new to it.
                a.skills = [self._queues[q] for q in old.skills]
                a.skill_ids = list(old.skills)
            if (old.name, old.team, old.skills) != (a.name, a.team, a.skill_ids):
                agent = msgspec.structs.replace(old, name=a.name, team=a.team, skills=list(a.skill_ids))
                self._out.append((now, AgentAdded(agent=agent)))
            self._take_over(a, old, now)
        order = len(self._agents)
        for old in st.agents.values():
            if old.id in self._agents:
                continue
            if old.state in BUSY_STATES:
                order += 1
                orphan = _Agent(old.id, order, old.name, old.team, [])  # takes no new calls
                orphan.remove_after = True
                self._take_over(orphan, old, now)
                self._agents[orphan.id] = orphan
            else:
                self._out.append((now, AgentRemoved(agent_id=old.id)))
        return added

    def _adopt_calls(self, st: FloorState, now: int) -> None:
        """Waiting calls rejoin their queue (entered_at kept, fresh patience); others get fresh timers."""
        for c in sorted(st.calls.values(), key=lambda c: (c.entered_at, c.id)):
            m = _CALL_ID.match(c.id)
            if m:
                self._call_no = max(self._call_no, int(m.group(1)))
            queue = self._queues.get(c.queue_id)
            if queue is None:  # the queue left the scenario: nobody can serve its calls
                gone = (
                    CallEnded(call_id=c.id) if c.state is CallState.TALKING else CallAbandoned(call_id=c.id)
                )
                self._out.append((now, gone))
                continue
            call = _Call(c.id, queue, c.priority, to_ms(c.entered_at))
            self._live[call.id] = call
            agent = self._agents.get(c.agent_id or "")
            if (
                agent is not None
                and agent.call is None
                and (c.state, agent.state) == (CallState.TALKING, _ON_CALL)
            ):
                call.state, call.agent, agent.call = _TALKING, agent, call
                self._push(now + queue.handle(self._rng), self._call_end, call, 0)
            elif (
                agent is not None
                and agent.call is None
                and (c.state, agent.state) == (CallState.RINGING, _RINGING)
            ):
                call.state, call.agent, agent.call = _RINGS, agent, call
                self._push(now + self._ring_ms, self._answer, call, 0)
            else:
                self._enqueue(call)
            if queue.patience is not None and call.state != _TALKING:
                self._push(now + queue.patience(self._rng), self._abandon, call, 0)

    def _catch_up_shift(self, now: int, a: _Agent, restored_at: int) -> None:
        """Apply the agent's last shift start or end if it fell while the gateway was down."""
        assert a.shift is not None
        last_start = self._clock.prev_at(now, a.shift[0])
        last_end = self._clock.prev_at(now, a.shift[1])
        if max(last_start, last_end) <= restored_at:
            return  # nothing missed: whatever state the agent is in stands
        if last_start > last_end and a.state is _OFFLINE:
            self._login(now, a, stagger=True)
        elif last_end > last_start and a.state is not _OFFLINE:
            if a.state in BUSY_STATES:
                a.logout_due = True
            else:
                self._logout(now, a)

    def _take_over(self, a: _Agent, old: Agent, now: int) -> None:
        """Adopt a restored agent's state as is and give it fresh timers (no events)."""
        a.state = old.state
        a.reason = old.reason
        a.since = to_ms(old.state_since) if old.state_since else now
        a.idle_since = a.since
        if a.state is _OFFLINE:
            return
        self._start_session(now, a, stagger=True)
        if a.state is _AVAILABLE:
            entry = (a.idle_since, a.order, a.avail_token, a)
            for q in a.skills:
                heapq.heappush(q.avail, entry)
        elif a.state is _NOT_READY:
            i = self._rule_of_reason.get(a.reason or "")
            if i is None:
                a.held = True  # not one of the simulated breaks: a supervisor's, it stays
            else:
                a.break_rule = i
                self._push(now + self._rules[i][2](self._rng_agents), self._break_end, a, a.token)
        elif a.state is _WRAP_UP:
            last = self._queues.get(old.last_queue_id or "")
            wrap = last.wrap(self._rng) if last is not None else 0
            self._push(now + wrap, self._wrap_end, a, a.token)
        if a.state in BUSY_STATES and old.pending_state is not None:
            a.pending = (old.pending_state, old.pending_reason)
