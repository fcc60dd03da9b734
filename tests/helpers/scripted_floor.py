"""Hand-worked event sequences on a FloorState, without Qt: a call at these seconds, answered or not."""

from __future__ import annotations

from console.domain.clock import iso, to_ms
from console.domain.entities import Agent, Centre, DayFigures
from console.domain.events import (
    AgentAdded,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallQueued,
    CentreConfigured,
    QueueConfigured,
    make_event,
)
from console.domain.state import FloorState

#: Where a Script's offsets count from: 09:00 on a Monday, feed clock.
T0 = to_ms("2026-03-02T09:00:00.000Z")


class Script:
    """Feeds events to a FloorState at given second offsets from T0.

    The floor has one queue ``q`` (20 s threshold, 80 % target) and one agent ``a`` who takes every call.
    """

    def __init__(self, centre: Centre | None = None) -> None:
        self.state = FloorState()
        self.seq = 0
        self.emit(0, CentreConfigured(centre=centre or Centre(name="Test", short_abandon_s=5)))
        self.emit(0, QueueConfigured(queue_id="q", name="Q", sl_threshold_s=20, sl_target_pct=80))
        self.emit(0, AgentAdded(agent=Agent(id="a", name="Ann", team="t", skills=["q"])))

    def emit(self, at_s: float, data: object) -> None:
        self.seq += 1
        self.state.apply(make_event(self.seq, iso(T0 + round(at_s * 1000)), data))

    def call(self, cid: str, queued: float, answered: float | None, ended: float) -> None:
        self.emit(queued, CallQueued(call_id=cid, queue_id="q", priority=5, caller="138****5678"))
        if answered is None:
            self.emit(ended, CallAbandoned(call_id=cid))
            return
        self.emit(answered, CallAnswered(call_id=cid, agent_id="a"))
        self.emit(ended, CallEnded(call_id=cid))

    @property
    def today(self) -> DayFigures:
        return self.state.queues["q"].today
