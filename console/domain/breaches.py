"""SLA breaches: calls waiting past their queue's threshold and cases near or past their deadlines.

All times are on the feed clock. A case's first-response deadline matters only
until it has been answered; the resolution deadline until it closes (time
waiting on the customer already pushed ``resolution_due`` back).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from console.domain.clock import to_ms
from console.domain.entities import CallState
from console.domain.state import FloorState


class BreachKind(StrEnum):
    CALL_WAIT = "call_wait"
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


@dataclass(frozen=True)
class Breach:
    kind: BreachKind
    ref_id: str  # call or case id
    queue_id: str
    due_ms: int  # when it breached, or will
    now_ms: int
    agent_id: str | None = None
    priority: str | None = None

    @property
    def overdue_s(self) -> float:
        """Seconds past the deadline; negative is the time left before it breaches."""
        return (self.now_ms - self.due_ms) / 1000.0

    @property
    def breached(self) -> bool:
        return self.now_ms >= self.due_ms


def current_breaches(state: FloorState, now_ms: int, warn_within_s: float = 3600.0) -> list[Breach]:
    """Breached items, newest breach first, then those at risk, soonest first.

    Calls count once they wait longer than the queue's SL threshold; cases once a
    deadline is within ``warn_within_s`` or past.
    """
    out: list[Breach] = []
    for c in state.calls.values():
        q = state.queues.get(c.queue_id)
        if q is None or c.state is not CallState.WAITING:
            continue
        due = to_ms(c.entered_at) + round(q.sl_threshold_s * 1000)
        if due <= now_ms:
            out.append(Breach(BreachKind.CALL_WAIT, c.id, c.queue_id, due, now_ms, priority=str(c.priority)))
    horizon = now_ms + round(warn_within_s * 1000)
    for case in state.cases.values():
        if case.first_response_at is None:
            due = to_ms(case.first_response_due)
            if due <= horizon:
                out.append(
                    Breach(
                        BreachKind.FIRST_RESPONSE,
                        case.id,
                        case.queue_id,
                        due,
                        now_ms,
                        case.agent_id,
                        case.priority,
                    )
                )
        due = to_ms(case.resolution_due)
        if due <= horizon:
            out.append(
                Breach(
                    BreachKind.RESOLUTION, case.id, case.queue_id, due, now_ms, case.agent_id, case.priority
                )
            )
    breached = sorted((b for b in out if b.breached), key=lambda b: b.due_ms, reverse=True)
    at_risk = sorted((b for b in out if not b.breached), key=lambda b: b.due_ms)
    return breached + at_risk


def breaches_today(state: FloorState, now_ms: int) -> int:
    """Breaches since the business day started.

    Calls: answered after the threshold, abandoned (not short) after it, and
    waiting past it now. Cases: open cases whose deadline passed today. A case
    that breached and then closed today is no longer on the floor and is not
    counted here (the case history in the store has it).
    """
    day0 = to_ms(state.centre.day_started_at) if state.centre.day_started_at else now_ms
    count = 0
    for q in state.queues.values():
        f = q.today
        count += (f.answered - f.answered_within) + (f.abandoned - f.short_abandons - f.abandoned_within)
    count += sum(1 for b in current_breaches(state, now_ms, 0.0) if b.kind is BreachKind.CALL_WAIT)
    for case in state.cases.values():
        if case.first_response_at is None and day0 <= to_ms(case.first_response_due) <= now_ms:
            count += 1
        if day0 <= to_ms(case.resolution_due) <= now_ms:
            count += 1
    return count
