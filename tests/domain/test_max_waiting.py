"""Each queue's ``today.max_waiting``, kept incrementally by the reducer, against a brute-force recount.

The recount looks at ``state.calls`` after every event and keeps, per queue, the most calls in state
``waiting`` since the day started (the day reset starts it at the number waiting at that moment).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.clock import iso, to_ms
from console.domain.entities import Agent, CallState, Centre
from console.domain.events import (
    AgentAdded,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallMoved,
    CallQueued,
    CallRinging,
    CentreConfigured,
    Event,
    QueueConfigured,
    make_event,
)
from console.domain.state import FloorState, Snapshot
from console.feeds.sources.simulator.engine import Simulator
from console.feeds.sources.simulator.scenario import load_scenario
from tests.helpers.simulation import BUSY_QUIET

T0 = to_ms("2026-03-02T21:30:00.000Z")
HOUR = 3_600_000


def waiting_now(state: FloorState) -> Counter[str]:
    return Counter(c.queue_id for c in state.calls.values() if c.state is CallState.WAITING)


def round_trip(state: FloorState) -> FloorState:
    other = FloorState()
    other.load_snapshot(msgspec.json.decode(msgspec.json.encode(state.to_snapshot()), type=Snapshot))
    return other


class Recount:
    """A FloorState fed event by event, with the most waiting per queue recounted from scratch."""

    def __init__(self) -> None:
        self.state = FloorState()
        self.seq = 0
        self.expected: dict[str, int] = {}

    def clock(self, at_ms: int) -> None:
        """The feed clock moves to ``at_ms``: the day may reset (at an event or a heartbeat alike)."""
        started = self.state.centre.day_started_at
        self.state.advance_clock(iso(at_ms))
        if started is not None and self.state.centre.day_started_at != started:
            counts = waiting_now(self.state)
            self.expected = {qid: counts[qid] for qid in self.state.queues}
        self.check()

    def send(self, at_ms: int, payload: Any) -> None:
        self.clock(at_ms)
        self.seq += 1
        self.state.apply(make_event(self.seq, iso(at_ms), payload))
        self.after()

    def apply(self, event: Event) -> None:
        self.clock(to_ms(event.at))
        self.seq = event.seq
        self.state.apply(event)
        self.after()

    def after(self) -> None:
        counts = waiting_now(self.state)
        for qid in self.state.queues:
            self.expected[qid] = max(self.expected.get(qid, counts[qid]), counts[qid])
        self.check()

    def check(self) -> None:
        got = {qid: q.today.max_waiting for qid, q in self.state.queues.items()}
        assert got == {qid: self.expected[qid] for qid in self.state.queues}

    def restore(self) -> None:
        """Replace the state with its own snapshot, through the wire form."""
        self.state = round_trip(self.state)
        self.check()


QUEUES = ("q1", "q2")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_max_waiting_follows_every_call_transition(data: st.DataObject) -> None:
    r = Recount()
    now = T0
    r.send(now, CentreConfigured(centre=Centre(name="Test", timezone="UTC", day_starts="00:00")))
    for qid in QUEUES:
        r.send(now, QueueConfigured(queue_id=qid, name=qid, sl_threshold_s=20, sl_target_pct=80))
    r.send(now, AgentAdded(agent=Agent(id="a", name="A", team="t", skills=list(QUEUES))))
    made = 0
    for _ in range(data.draw(st.integers(1, 80))):
        calls = sorted(r.state.calls)
        kind = data.draw(
            st.sampled_from(
                [
                    *("queue", "queue", "queue", "queue", "again"),
                    *("ring", "answer", "abandon", "end", "move", "gone"),
                    *("configure", "centre", "tick", "tick", "snapshot"),
                ]
            )
        )
        if kind == "tick":
            now += data.draw(st.sampled_from([0, 1, 1000, 60_000, HOUR, 6 * HOUR, 24 * HOUR]))
            r.clock(now)
        elif kind == "snapshot":
            r.restore()
        elif kind == "queue":
            made += 1
            queue = data.draw(st.sampled_from([*QUEUES, "q3", "nowhere"]))
            r.send(now, CallQueued(call_id=f"K{made}", queue_id=queue, priority=0, caller=""))
        elif kind == "again" and calls:  # a repeated call.queued replaces the call, maybe elsewhere
            queue = data.draw(st.sampled_from([*QUEUES, "nowhere"]))
            call_id = data.draw(st.sampled_from(calls))
            r.send(now, CallQueued(call_id=call_id, queue_id=queue, priority=0, caller=""))
        elif kind == "configure":
            queue = data.draw(st.sampled_from([*QUEUES, "q3"]))
            r.send(now, QueueConfigured(queue_id=queue, name=queue, sl_threshold_s=30, sl_target_pct=80))
        elif kind == "centre":
            zone = data.draw(st.sampled_from(["UTC", "Asia/Jerusalem"]))
            r.send(now, CentreConfigured(centre=Centre(name="Test", timezone=zone, day_starts="00:00")))
        elif kind == "gone":  # events naming an unknown call change nothing
            payload = data.draw(
                st.sampled_from(
                    [
                        CallRinging(call_id="unknown", agent_id="a"),
                        CallAnswered(call_id="unknown", agent_id="a"),
                        CallAbandoned(call_id="unknown"),
                        CallEnded(call_id="unknown"),
                        CallMoved(call_id="unknown", queue_id="q1"),
                    ]
                )
            )
            r.send(now, payload)
        elif calls:
            call_id = data.draw(st.sampled_from(calls))
            if kind == "ring":
                r.send(now, CallRinging(call_id=call_id, agent_id="a"))
            elif kind == "answer":
                r.send(now, CallAnswered(call_id=call_id, agent_id="a"))
            elif kind == "abandon":
                r.send(now, CallAbandoned(call_id=call_id))
            elif kind == "end":
                r.send(now, CallEnded(call_id=call_id))
            else:
                queue = data.draw(st.sampled_from([*QUEUES, "q3", "nowhere"]))
                r.send(now, CallMoved(call_id=call_id, queue_id=queue))
    restored = round_trip(r.state)
    assert {q.id: q.today for q in restored.queues.values()} == {
        q.id: q.today for q in r.state.queues.values()
    }


def test_the_simulator_over_midnight_with_moves_and_restores(tmp_path: Path) -> None:
    """A queue that is always busy, another quiet, calls moved between them; the day resets at 00:00 UTC."""
    path = tmp_path / "busy_quiet.toml"
    path.write_text(BUSY_QUIET)
    sim = Simulator(load_scenario(path), seed=7, start_ms=T0)
    r = Recount()
    for t, payload in sim.bootstrap():
        r.send(t, payload)
    resets = 0
    for step in range(1, 4 * 60 + 1):  # four hours, a minute at a time
        now = T0 + step * 60_000
        started = r.state.centre.day_started_at
        for t, payload in sim.advance(now):
            r.send(t, payload)
        if step % 7 == 0:  # a supervisor moves the oldest call waiting in "busy" to "quiet" and back
            waiting = sorted(
                (c.entered_at, c.id)
                for c in r.state.calls.values()
                if c.state is CallState.WAITING and c.queue_id == "busy"
            )
            if waiting:
                for t, payload in sim.move_call(waiting[0][1], "quiet", None):
                    r.send(t, payload)
        if step % 30 == 0:
            r.restore()
        r.clock(now)
        resets += r.state.centre.day_started_at != started
    assert resets == 1
    assert r.state.skipped == 0
    busy = r.state.queues["busy"].today.max_waiting
    assert busy > 10, "the busy queue builds up"
    assert busy >= waiting_now(r.state)["busy"]


def test_a_worked_day() -> None:
    r = Recount()
    r.send(T0, CentreConfigured(centre=Centre(name="Test", timezone="UTC")))
    r.send(T0, QueueConfigured(queue_id="q", name="Q", sl_threshold_s=20, sl_target_pct=80))
    r.send(T0, AgentAdded(agent=Agent(id="a", name="A", team="t", skills=["q"])))
    for i in range(3):
        r.send(T0 + i * 1000, CallQueued(call_id=f"c{i}", queue_id="q", priority=0, caller=""))
    r.send(T0 + 5000, CallAnswered(call_id="c0", agent_id="a"))
    r.send(T0 + 6000, CallRinging(call_id="c1", agent_id="a"))
    r.send(T0 + 7000, CallQueued(call_id="c3", queue_id="q", priority=0, caller=""))
    q = r.state.queues["q"]
    assert q.today.max_waiting == 3 and waiting_now(r.state)["q"] == 2
    assert round_trip(r.state).queues["q"].today.max_waiting == 3
    # 00:00 UTC: the new day starts with the two calls still waiting.
    r.clock(to_ms("2026-03-03T00:00:00.000Z"))
    assert r.state.queues["q"].today.max_waiting == 2
    restored = round_trip(r.state)
    restored.apply(make_event(r.seq + 1, "2026-03-03T00:00:01.000Z", CallAbandoned(call_id="c2")))
    restored.apply(
        make_event(
            r.seq + 2,
            "2026-03-03T00:00:02.000Z",
            CallQueued(call_id="c4", queue_id="q", priority=0, caller=""),
        )
    )
    restored.apply(
        make_event(
            r.seq + 3,
            "2026-03-03T00:00:03.000Z",
            CallQueued(call_id="c5", queue_id="q", priority=0, caller=""),
        )
    )
    assert restored.queues["q"].today.max_waiting == 3, "the restored count goes on from the calls"
