"""Complaint cases in the simulator: arrivals, the workflow, deadlines and reopening.

intake → triage (first response; a handler takes it) → referred → [awaiting_customer:
the resolution clock pauses] → resolution → callback → closed, and now and then a
closed case is reopened. Step durations scale with the priority so urgent cases
move faster; a minority still miss their deadlines, which is what supervisors watch.

Supervisors reassign cases (``assign``). A case keeps its place in the workflow and
its new owner carries on with it. A case taken off its owner past intake goes back
to the team's pool, as in a real centre: nobody works it (its step is stopped, its
deadlines keep running) until a supervisor assigns it or a handler picks it up
from the pool, after a wait drawn like a new case's intake, by the same rule as
new cases (the handler with the fewest open cases).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from console.domain.clock import iso, to_ms
from console.domain.entities import CASE_PRIORITIES, Case, CaseStatus
from console.domain.events import CaseCreated, CaseUpdated, EventAt
from console.feeds.sources.simulator.calendar import DAY_MS, HOUR_MS, LocalClock, RateCurve
from console.feeds.sources.simulator.durations import Sampler, sampler
from console.feeds.sources.simulator.names import (
    CASE_CHANNEL_WEIGHTS,
    CASE_CHANNELS,
    DEFAULT_LANGUAGE,
    case_subject,
    masked_mobile,
)
from console.feeds.sources.simulator.scenario import CasePriority, CasesSpec

Handler = Callable[[int, Any, int], None]
Schedule = Callable[[int, Handler, Any, int], None]

_CASE_ID = re.compile(r"^CS-(\d+)$")
_TIMED = (
    CaseStatus.INTAKE,
    CaseStatus.TRIAGE,
    CaseStatus.REFERRED,
    CaseStatus.AWAITING_CUSTOMER,
    CaseStatus.RESOLUTION,
    CaseStatus.CALLBACK,
)


def case_number(case_id: str) -> int:
    m = _CASE_ID.match(case_id)
    return int(m.group(1)) if m else 0


class SimCase:
    __slots__ = (
        "agent_id",
        "channel",
        "created_ms",
        "customer",
        "fr_at_ms",
        "fr_due_ms",
        "id",
        "paused_ms",
        "priority",
        "queue_id",
        "reopened",
        "res_due_ms",
        "status",
        "subject",
        "token",
        "version",
    )

    def __init__(self, case_id: str, queue_id: str, subject: str, priority: str, created_ms: int) -> None:
        self.id = case_id
        self.queue_id = queue_id
        self.subject = subject
        self.priority = priority
        self.status = CaseStatus.INTAKE
        self.agent_id: str | None = None
        self.created_ms = created_ms
        self.fr_due_ms = created_ms
        self.res_due_ms = created_ms
        self.fr_at_ms: int | None = None
        self.paused_ms: int | None = None
        self.version = 1
        self.customer = ""
        self.channel = "phone"
        self.reopened = 0
        self.token = 0

    def to_case(self) -> Case:
        return Case(
            id=self.id,
            queue_id=self.queue_id,
            subject=self.subject,
            priority=self.priority,
            status=self.status,
            agent_id=self.agent_id,
            created_at=iso(self.created_ms),
            first_response_due=iso(self.fr_due_ms),
            resolution_due=iso(self.res_due_ms),
            version=self.version,
            customer=self.customer,
            channel=self.channel,
            first_response_at=iso(self.fr_at_ms) if self.fr_at_ms is not None else None,
            reopened=self.reopened,
        )


class CaseDesk:
    """Owns the open cases; the simulator's event list drives it through ``schedule``."""

    def __init__(
        self,
        spec: CasesSpec,
        *,
        clock: LocalClock,
        centre_curve: list[float] | None,
        rng: random.Random,
        schedule: Schedule,
        out: list[EventAt],
        handlers: list[str],
        last_number: int,
        lang: str = DEFAULT_LANGUAGE,
    ) -> None:
        self._spec = spec
        self._lang = lang  # of new cases' subjects; adopted cases keep theirs
        self._rng = rng
        self._schedule = schedule
        self._out = out
        self._rate = RateCurve(spec.arrivals_per_hour, spec.arrival_curve or centre_curve, clock)
        self._queue_ids = list(spec.queues)
        self._queue_weights = list(spec.queues.values())
        self._rules: dict[str, CasePriority] = dict(spec.priorities.items())
        self._prio_weights = [self._rules[p].share for p in CASE_PRIORITIES]
        self._steps: dict[tuple[str, CaseStatus], Sampler] = {
            (p, st): sampler(getattr(spec.steps, st.value), rule.step_scale)
            for p, rule in self._rules.items()
            for st in _TIMED
        }
        self._reopen_after = sampler(spec.reopen_after)
        self._load: dict[str, int] = dict.fromkeys(
            handlers, 0
        )  # open cases per handler, insertion = tie order
        self.open: dict[str, SimCase] = {}
        self.number = last_number

    # -- start ------------------------------------------------------------------

    def start_fresh(self, now: int) -> None:
        """Create the initial backlog (as of ``now``) and start the arrivals."""
        for case, remaining in self._backlog(now, self._spec.initial_backlog):
            self.open[case.id] = case  # handlers' loads were counted when _backlog assigned them
            self._out.append((now, CaseCreated(case=case.to_case())))
            self._schedule(now + remaining, self._step, case, case.token)
        self._schedule_arrival(now)

    def adopt(self, cases: Iterable[Case], now: int) -> None:
        """Take over open cases from a restored floor; every case gets a fresh step timer."""
        for c in cases:
            if c.status is CaseStatus.CLOSED:
                continue
            self.number = max(self.number, case_number(c.id))
            case = SimCase(c.id, c.queue_id, c.subject, c.priority, to_ms(c.created_at))
            case.status = c.status
            case.agent_id = c.agent_id
            case.fr_due_ms = to_ms(c.first_response_due)
            case.res_due_ms = to_ms(c.resolution_due)
            case.fr_at_ms = to_ms(c.first_response_at) if c.first_response_at else None
            case.paused_ms = now if c.status is CaseStatus.AWAITING_CUSTOMER else None  # pause start unknown
            case.version, case.customer, case.channel, case.reopened = (
                c.version,
                c.customer,
                c.channel,
                c.reopened,
            )
            self.open[case.id] = case
            if case.agent_id in self._load:
                self._load[case.agent_id] += 1
            self._schedule_work(case, now)
        self._schedule_arrival(now)

    # -- handlers ---------------------------------------------------------------

    def _arrival(self, t: int, _obj: Any, _token: int) -> None:
        case = self._new_case(t)
        self.open[case.id] = case
        self._out.append((t, CaseCreated(case=case.to_case())))
        self._schedule(t + self._sample_step(case), self._step, case, case.token)
        self._schedule_arrival(t)

    def _step(self, t: int, case: SimCase, token: int) -> None:
        if token != case.token or case.id not in self.open:
            return
        changes = self._move_on(case, t, assign=True)
        case.version += 1
        self._out.append((t, CaseUpdated(case_id=case.id, changes=changes, version=case.version)))
        if case.status is CaseStatus.CLOSED:
            del self.open[case.id]
            self._release(case.agent_id)
            if self._rng.random() < self._spec.p_reopen:
                self._schedule(t + self._reopen_after(self._rng), self._reopen, case, case.token)
        else:
            self._schedule(t + self._sample_step(case), self._step, case, case.token)

    def _reopen(self, t: int, case: SimCase, token: int) -> None:
        if token != case.token or case.id in self.open:
            return
        rule = self._rule(case.priority)
        case.status = CaseStatus.REFERRED
        case.version += 1
        case.reopened += 1
        case.res_due_ms = t + round(rule.resolution_h * HOUR_MS)
        if case.agent_id in self._load:
            self._load[case.agent_id] += 1
        self.open[case.id] = case
        # A closed case is gone from every floor state, so it comes back as a new case with the same id.
        self._out.append((t, CaseCreated(case=case.to_case())))
        self._schedule_work(case, t)

    def _pickup(self, t: int, case: SimCase, token: int) -> None:
        """A handler takes a case from the pool; it is worked from where it stood."""
        if token != case.token or case.id not in self.open or not self._pooled(case):
            return
        agent = self._assign()
        case.token += 1
        if agent is not None:
            case.agent_id = agent
            case.version += 1
            self._out.append(
                (t, CaseUpdated(case_id=case.id, changes={"agent_id": agent}, version=case.version))
            )
        self._schedule(t + self._sample_step(case), self._step, case, case.token)

    # -- supervisors' commands ----------------------------------------------------

    def assign(self, moves: Sequence[tuple[str, str | None]], t: int) -> None:
        """Give each named open case its new owner (None: back to the pool) at ``t``.

        All or nothing: raises KeyError, changing nothing, when a case is not open.
        A case already with that owner is left alone.
        """
        missing = [cid for cid, _ in moves if cid not in self.open]
        if missing:
            raise KeyError(f"cases not open: {', '.join(missing[:5])}")
        for cid, agent in moves:
            case = self.open[cid]
            if agent == case.agent_id:
                continue
            was_pooled = self._pooled(case)
            self._release(case.agent_id)
            case.agent_id = agent
            if agent in self._load:
                self._load[agent] += 1
            case.version += 1
            self._out.append((t, CaseUpdated(case_id=cid, changes={"agent_id": agent}, version=case.version)))
            if self._pooled(case) or was_pooled:
                case.token += 1  # the running step (or pickup) no longer applies
                self._schedule_work(case, t)

    # -- workflow ---------------------------------------------------------------

    def _move_on(self, case: SimCase, t: int, *, assign: bool) -> dict[str, Any]:
        """Advance ``case`` to its next status at ``t``; returns the changed fields (wire form)."""
        st = case.status
        changes: dict[str, Any] = {}
        if st is CaseStatus.INTAKE:
            nxt = CaseStatus.TRIAGE
            case.fr_at_ms = t
            changes["first_response_at"] = iso(t)
            if assign and case.agent_id is None:  # unless a supervisor assigned it during intake
                case.agent_id = self._assign()
                changes["agent_id"] = case.agent_id
        elif st is CaseStatus.TRIAGE:
            nxt = CaseStatus.REFERRED
        elif st is CaseStatus.REFERRED:
            if self._rng.random() < self._spec.p_awaiting_customer:
                nxt = CaseStatus.AWAITING_CUSTOMER
                case.paused_ms = t
            else:
                nxt = CaseStatus.RESOLUTION
        elif st is CaseStatus.AWAITING_CUSTOMER:
            nxt = CaseStatus.RESOLUTION
            # Waiting on the customer does not count against the bank: push the deadline on.
            case.res_due_ms += t - (case.paused_ms if case.paused_ms is not None else t)
            case.paused_ms = None
            changes["resolution_due"] = iso(case.res_due_ms)
        elif st is CaseStatus.RESOLUTION:
            nxt = CaseStatus.CALLBACK
        else:
            nxt = CaseStatus.CLOSED
        case.status = nxt
        changes["status"] = nxt.value
        return changes

    def _new_case(self, created_ms: int) -> SimCase:
        rng = self._rng
        self.number += 1
        queue_id = rng.choices(self._queue_ids, self._queue_weights)[0]
        priority = rng.choices(CASE_PRIORITIES, self._prio_weights)[0]
        case = SimCase(
            f"CS-{self.number:06d}", queue_id, case_subject(queue_id, rng, self._lang), priority, created_ms
        )
        rule = self._rules[priority]
        case.fr_due_ms = created_ms + round(rule.first_response_h * HOUR_MS)
        case.res_due_ms = created_ms + round(rule.resolution_h * HOUR_MS)
        case.customer = masked_mobile(rng)
        case.channel = rng.choices(CASE_CHANNELS, CASE_CHANNEL_WEIGHTS)[0]
        return case

    def _backlog(self, now: int, count: int) -> list[tuple[SimCase, int]]:
        """Open cases as they would stand at ``now`` had arrivals been running for weeks.

        Creation times are uniform over a long horizon and each case is played
        forward; the ones already closed are rejected, so the survivors have the
        steady-state mix of ages and statuses (old cases near or past deadline included).
        """
        horizon = max(60 * DAY_MS, 3 * round(max(r.resolution_h for r in self._rules.values()) * HOUR_MS))
        kept: list[tuple[SimCase, int]] = []
        attempts = 0
        saved = self.number
        while len(kept) < count and attempts < 1000 * max(count, 1):
            attempts += 1
            case = self._new_case(now - 1 - int(self._rng.random() * horizon))
            t = case.created_ms
            while case.status is not CaseStatus.CLOSED:
                end = t + self._sample_step(case)
                if end > now:
                    kept.append((case, end - now))
                    break
                self._move_on(case, end, assign=False)
                case.version += 1
                t = end
        # Number the survivors in creation order, and hand those past intake to handlers.
        self.number = saved
        kept.sort(key=lambda item: item[0].created_ms)
        for case, _ in kept:
            self.number += 1
            case.id = f"CS-{self.number:06d}"
            if case.status is not CaseStatus.INTAKE:
                case.agent_id = self._assign()
        return kept

    def _assign(self) -> str | None:
        """The handler with the fewest open cases (first listed on ties)."""
        if not self._load:
            return None
        agent = min(self._load, key=self._load.__getitem__)
        self._load[agent] += 1
        return agent

    @staticmethod
    def _pooled(case: SimCase) -> bool:
        """Past intake with nobody on it: waiting in the team's pool."""
        return case.agent_id is None and case.status is not CaseStatus.INTAKE

    def _schedule_work(self, case: SimCase, t: int) -> None:
        """The case's next step, or its pickup from the pool when nobody owns it."""
        if self._pooled(case) and self._load:
            self._schedule(t + self._pickup_delay(case), self._pickup, case, case.token)
        else:
            self._schedule(t + self._sample_step(case), self._step, case, case.token)

    def _pickup_delay(self, case: SimCase) -> int:
        """How long a pooled case waits for a handler: drawn like a new case's intake."""
        return self._steps[(case.priority if case.priority in self._rules else "P3", CaseStatus.INTAKE)](
            self._rng
        )

    def _release(self, agent_id: str | None) -> None:
        if agent_id is not None and agent_id in self._load:
            self._load[agent_id] = max(0, self._load[agent_id] - 1)

    def _rule(self, priority: str) -> CasePriority:
        return self._rules.get(priority) or self._rules["P3"]

    def _sample_step(self, case: SimCase) -> int:
        key = (case.priority if case.priority in self._rules else "P3", case.status)
        return self._steps[key](self._rng)

    def _schedule_arrival(self, t: int) -> None:
        nxt = self._rate.next_arrival(t, self._rng)
        if nxt is not None:
            self._schedule(nxt, self._arrival, None, 0)
