"""A floor driven by random events (hypothesis), without Qt, with a breach index following it.

Tests hold an incremental structure (the breach index, the live queue figures)
to the full computation after every batch and every clock step.
"""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import strategies as st

from console.domain.breaches import BreachIndex, BreachKind, breaches_today, current_breaches
from console.domain.clock import iso, to_ms
from console.domain.entities import Agent, AgentState, Case, CaseStatus, Centre
from console.domain.events import (
    AgentAdded,
    AgentRemoved,
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
    QueueConfigured,
    make_event,
)
from console.domain.state import FloorState, Snapshot

#: Where a RandomFloor's feed clock starts.
T0 = to_ms("2026-03-02T09:30:00.000Z")
HOUR = 3_600_000
QUEUES = ("q1", "q2", "q3")
AGENTS = ("a1", "a2", "a3")


class Rows:
    """A ListObserver that replays every row operation on a plain list of keys."""

    def __init__(self) -> None:
        self.keys: list[tuple[BreachKind, str]] = []
        self.ops = 0

    def inserted(self, row: int, kind: BreachKind, ref_id: str) -> None:
        assert 0 <= row <= len(self.keys)
        self.keys.insert(row, (kind, ref_id))
        self.ops += 1

    def removed(self, row: int) -> None:
        assert 0 <= row < len(self.keys)
        del self.keys[row]
        self.ops += 1

    def crossed(self, first: int, count: int) -> None:
        assert count > 0 and first >= 0 and first + count <= len(self.keys)
        k = self.keys
        self.keys = k[first : first + count][::-1] + k[:first] + k[first + count :]
        self.ops += 1

    def changed(self, row: int) -> None:
        assert 0 <= row < len(self.keys)

    def relisted(self, keys: list[tuple[BreachKind, str]]) -> None:
        self.keys = list(keys)
        self.ops += 1


class RandomFloor:
    """A FloorState driven event by event, with an index following it as a view would.

    ``step`` draws a random event (hypothesis); ``check`` holds the index to the full computation.
    """

    def __init__(self, warn_s: float) -> None:
        self.state = FloorState()
        self.seq = 0
        self.now = T0
        self.calls = 0
        self.cases = 0
        self.warn_s = warn_s
        self.calls_rows, self.cases_rows = Rows(), Rows()
        self.index = BreachIndex(warn_s, calls_observer=self.calls_rows, cases_observer=self.cases_rows)
        self.send(CentreConfigured(centre=Centre(name="Test", timezone="UTC", day_starts="06:00")))
        for i, qid in enumerate(QUEUES):
            self.send(
                QueueConfigured(
                    queue_id=qid, name=qid.upper(), sl_threshold_s=20.0 * (i + 1), sl_target_pct=80
                )
            )
        for aid in AGENTS:
            self.send(AgentAdded(agent=Agent(id=aid, name=f"Agent {aid}", team="t", skills=list(QUEUES))))
        self.refresh()

    def send(self, payload: Any) -> None:
        self.seq += 1
        self.state.apply(make_event(self.seq, iso(self.now), payload))

    def refresh(self) -> None:
        changes = self.state.take_changes()
        self.index.update(self.state, changes if changes else None, self.now)
        self.check()

    def tick(self, ms: int) -> None:
        """A heartbeat moves the feed clock on; the views tick."""
        self.now += ms
        self.state.advance_clock(iso(self.now))
        self.refresh()

    def check(self) -> None:
        state, now = self.state, self.now
        expected = current_breaches(state, now, self.warn_s)
        assert self.index.breaches(state) == expected
        assert self.index.count_today(state) == breaches_today(state, now)
        calls = [(b.kind, b.ref_id) for b in expected if b.kind is BreachKind.CALL_WAIT]
        cases = [(b.kind, b.ref_id) for b in expected if b.kind is not BreachKind.CALL_WAIT]
        assert self.index.calls.keys() == calls == self.calls_rows.keys
        assert self.index.cases.keys() == cases == self.cases_rows.keys

    # -- random steps ------------------------------------------------------------------

    def step(self, data: st.DataObject) -> None:
        kind = data.draw(
            st.sampled_from(
                [
                    *("queue", "queue", "ring", "answer", "abandon", "end", "move", "threshold"),
                    *("case", "case", "case_update", "case_update", "case_update", "tick", "snapshot"),
                    *("agent_state", "agent_state", "agent_add", "agent_remove"),
                    *("again", "again"),
                ]
            )
        )
        state = self.state
        waiting = sorted(c.id for c in state.calls.values() if c.state.value == "waiting")
        calls = sorted(state.calls)
        cases = sorted(state.cases)
        if kind == "queue":
            self.calls += 1
            queue = data.draw(st.sampled_from([*QUEUES, "nowhere"]))
            self.send(CallQueued(call_id=f"K{self.calls}", queue_id=queue, priority=1, caller="1****2"))
        elif kind == "ring" and waiting:
            self.send(CallRinging(call_id=data.draw(st.sampled_from(waiting)), agent_id="a1"))
        elif kind == "answer" and calls:
            self.send(CallAnswered(call_id=data.draw(st.sampled_from(calls)), agent_id="a2"))
        elif kind == "abandon" and calls:
            self.send(CallAbandoned(call_id=data.draw(st.sampled_from(calls))))
        elif kind == "end" and calls:
            self.send(CallEnded(call_id=data.draw(st.sampled_from(calls))))
        elif kind == "move" and calls:
            priority = data.draw(st.one_of(st.none(), st.integers(1, 5)))
            queue = data.draw(st.sampled_from([*QUEUES, "q4"]))
            self.send(CallMoved(call_id=data.draw(st.sampled_from(calls)), queue_id=queue, priority=priority))
        elif kind == "threshold":
            queue = data.draw(st.sampled_from([*QUEUES, "q4"]))
            threshold = data.draw(st.sampled_from([5.0, 20.0, 60.0, 600.0]))
            self.send(
                QueueConfigured(
                    queue_id=queue, name=queue.upper(), sl_threshold_s=threshold, sl_target_pct=80
                )
            )
        elif kind == "case":
            self.cases += 1
            case_id = data.draw(st.sampled_from([f"C{self.cases}", *cases[:3]]))
            self.send(
                CaseCreated(
                    case=Case(
                        id=case_id,
                        queue_id=data.draw(st.sampled_from(QUEUES)),
                        subject="s",
                        priority=data.draw(st.sampled_from(["P1", "P2"])),
                        status=CaseStatus.INTAKE,
                        agent_id=data.draw(st.sampled_from([None, *AGENTS])),
                        created_at=iso(self.now),
                        first_response_due=iso(self.now + self._offset(data)),
                        resolution_due=iso(self.now + self._offset(data)),
                        first_response_at=data.draw(st.sampled_from([None, None, iso(self.now)])),
                    )
                )
            )
        elif kind == "case_update" and cases:
            case_id = data.draw(st.sampled_from(cases))
            field = data.draw(
                st.sampled_from(
                    [
                        *("status", "status", "first_response_at", "first_response_due"),
                        *("resolution_due", "agent_id", "priority", "queue_id"),
                    ]
                )
            )
            value: Any
            if field == "status":
                value = data.draw(st.sampled_from(list(CaseStatus))).value
            elif field == "first_response_at":
                value = data.draw(st.sampled_from([None, iso(self.now)]))
            elif field.endswith("_due"):
                value = iso(self.now + self._offset(data))
            elif field == "agent_id":
                value = data.draw(st.sampled_from([None, *AGENTS]))
            elif field == "priority":
                value = data.draw(st.sampled_from(["P1", "P3"]))
            else:
                value = data.draw(st.sampled_from(QUEUES))
            version = state.cases[case_id].version + 1
            self.send(CaseUpdated(case_id=case_id, changes={field: value}, version=version))
        elif kind == "tick":
            self.tick(
                data.draw(st.sampled_from([0, 1, 999, 1000, 15_000, 600_000, HOUR, 5 * HOUR, 24 * HOUR]))
            )
        elif kind == "agent_state":
            agent_id = data.draw(st.sampled_from([*AGENTS, "a4"]))
            self.send(
                AgentStateChanged(agent_id=agent_id, state=data.draw(st.sampled_from(list(AgentState))))
            )
        elif kind == "agent_add":
            skills = data.draw(st.lists(st.sampled_from([*QUEUES, "q4", "elsewhere"]), max_size=4))
            agent_id = data.draw(st.sampled_from([*AGENTS, "a4"]))
            self.send(AgentAdded(agent=Agent(id=agent_id, name=f"New {agent_id}", team="t", skills=skills)))
        elif kind == "agent_remove":
            self.send(AgentRemoved(agent_id=data.draw(st.sampled_from([*AGENTS, "a4"]))))
        elif kind == "again":
            # Added again under an id the floor holds, and gone, within one batch (one change set).
            what = data.draw(st.sampled_from(["agent", "case", "call"]))
            if what == "agent" and state.agents:
                agent_id = data.draw(st.sampled_from(sorted(state.agents)))
                self.send(AgentAdded(agent=Agent(id=agent_id, name="Again", team="t", skills=["q1"])))
                self.send(AgentRemoved(agent_id=agent_id))
            elif what == "case" and cases:
                case = msgspec.structs.replace(state.cases[data.draw(st.sampled_from(cases))], version=1)
                self.send(CaseCreated(case=case))
                self.send(CaseUpdated(case_id=case.id, changes={"status": "closed"}, version=2))
            elif what == "call" and calls:
                call_id = data.draw(st.sampled_from(calls))
                self.send(CallQueued(call_id=call_id, queue_id="q1", priority=1, caller="1****2"))
                self.send(CallAbandoned(call_id=call_id))
        elif kind == "snapshot":
            snap = msgspec.json.decode(msgspec.json.encode(state.to_snapshot()), type=Snapshot)
            state.load_snapshot(snap)

    def _offset(self, data: st.DataObject) -> int:
        """A deadline offset: on the minute, often equal to another one (ties), both sides of now."""
        return data.draw(st.integers(-3 * 60, 3 * 60)) * 60_000 + data.draw(st.sampled_from([0, 0, 1, 999]))
