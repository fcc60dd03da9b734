"""What became of a call a supervisor chose (console.domain.moving): followed by id through the reducer."""

from __future__ import annotations

from typing import Any

from console.domain.clock import iso, to_ms
from console.domain.entities import Agent, Centre
from console.domain.events import (
    AgentAdded,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallMoved,
    CallQueued,
    CallRinging,
    CentreConfigured,
    QueueConfigured,
    make_event,
)
from console.domain.moving import CallFate, CallWatch
from console.domain.state import FloorState

T0 = to_ms("2026-03-02T09:30:00.000Z")


class Floor:
    def __init__(self) -> None:
        self.state = FloorState()
        self.seq = 0
        self.send(T0, CentreConfigured(centre=Centre(name="Test", timezone="UTC")))
        for qid in ("q", "r"):
            self.send(
                T0, QueueConfigured(queue_id=qid, name=qid.upper(), sl_threshold_s=20, sl_target_pct=80)
            )
        self.send(T0, AgentAdded(agent=Agent(id="a", name="Ann", team="t", skills=["q", "r"])))

    def send(self, at: int, payload: Any) -> None:
        self.seq += 1
        self.state.apply(make_event(self.seq, iso(at), payload))


def test_a_waiting_call_is_followed_until_answered_and_the_answer_stays_after_it_ends() -> None:
    f = Floor()
    f.send(T0 + 1000, CallQueued(call_id="k", queue_id="q", priority=2, caller="139****0001"))
    watch = CallWatch("k", f.state)
    now = watch.current
    assert now.movable and (now.queue_id, now.priority, now.caller) == ("q", 2, "139****0001")
    assert now.entered_ms == T0 + 1000
    f.send(T0 + 2000, CallMoved(call_id="k", queue_id="r", priority=7))  # someone else moved it
    assert (watch.update(f.state).queue_id, watch.current.priority) == ("r", 7)
    f.send(T0 + 3000, CallRinging(call_id="k", agent_id="a"))
    ringing = watch.update(f.state)
    assert ringing.fate is CallFate.RINGING and not ringing.movable
    assert (ringing.agent_id, ringing.at_ms) == ("a", T0 + 3000)
    f.send(T0 + 5000, CallAnswered(call_id="k", agent_id="a"))
    answered = watch.update(f.state)
    assert (answered.fate, answered.agent_id, answered.at_ms) == (CallFate.ANSWERED, "a", T0 + 5000)
    f.send(T0 + 9000, CallEnded(call_id="k"))
    assert watch.update(f.state) == answered


def test_a_waiting_call_that_leaves_the_floor_was_abandoned_at_that_batch() -> None:
    f = Floor()
    f.send(T0, CallQueued(call_id="k", queue_id="q", priority=0, caller="139****0002"))
    watch = CallWatch("k", f.state)
    f.send(T0 + 4000, CallAbandoned(call_id="k"))
    gone = watch.update(f.state)
    assert (gone.fate, gone.at_ms, gone.caller) == (CallFate.ABANDONED, T0 + 4000, "139****0002")
    f.send(T0 + 8000, CallQueued(call_id="other", queue_id="q", priority=0, caller=""))
    assert watch.update(f.state).at_ms == T0 + 4000  # the story stays


def test_a_call_never_seen_or_lost_in_a_resync_is_gone() -> None:
    f = Floor()
    assert CallWatch("nowhere", f.state).current.fate is CallFate.GONE
    f.send(T0, CallQueued(call_id="k", queue_id="q", priority=0, caller=""))
    watch = CallWatch("k", f.state)
    f.state.calls.clear()  # a snapshot without it
    assert watch.update(f.state, reset=True).fate is CallFate.GONE
