"""What became of a call a supervisor chose (console.domain.moving): followed by id through the reducer."""

from __future__ import annotations

from typing import Any

from console.domain.clock import iso, to_ms
from console.domain.entities import Agent, AgentState, Case, CaseStatus, Centre
from console.domain.events import (
    ActionApplied,
    AgentAdded,
    AgentPending,
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
from console.domain.moving import (
    AgentDecision,
    AgentFate,
    AgentWatch,
    CallFate,
    CallWatch,
    CaseFate,
    CaseWatch,
)
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


# -- agents ----------------------------------------------------------------------------------------


def test_an_agent_going_on_a_call_meanwhile_is_a_change_to_confirm() -> None:
    f = Floor()
    f.send(T0 + 1000, AgentStateChanged(agent_id="a", state=AgentState.AVAILABLE))
    watch = AgentWatch("a", f.state)
    now = watch.current
    assert (now.fate, now.state, now.since_ms, now.name) == (
        AgentFate.SAME,
        AgentState.AVAILABLE,
        T0 + 1000,
        "Ann",
    )
    assert watch.decide(AgentState.NOT_READY, "break") is AgentDecision.SEND
    assert watch.decide(AgentState.AVAILABLE) is AgentDecision.ALREADY
    f.send(T0 + 2000, CallQueued(call_id="k", queue_id="q", priority=0, caller=""))
    f.send(T0 + 3000, CallRinging(call_id="k", agent_id="a"))
    f.send(T0 + 4000, CallAnswered(call_id="k", agent_id="a"))
    f.send(T0 + 4000, AgentStateChanged(agent_id="a", state=AgentState.ON_CALL))
    on_call = watch.update(f.state)
    assert on_call.fate is AgentFate.CHANGED and on_call.state is AgentState.ON_CALL
    assert (on_call.call_id, on_call.since_ms, on_call.set_by) == ("k", T0 + 4000, None)
    assert watch.decide(AgentState.NOT_READY, "break") is AgentDecision.CONFIRM
    assert watch.chosen.state is AgentState.AVAILABLE  # what the supervisor saw stays known


def test_the_same_state_set_by_someone_else_is_already_done_and_says_who() -> None:
    f = Floor()
    f.send(T0, AgentStateChanged(agent_id="a", state=AgentState.AVAILABLE))
    watch = AgentWatch("a", f.state)
    f.send(T0 + 5000, AgentStateChanged(agent_id="a", state=AgentState.NOT_READY, reason="break"))
    f.send(
        T0 + 5000,
        ActionApplied(
            command_id="x",
            user="bob",
            role="supervisor",
            action="agent.set_state",
            args={"agent_id": "a", "state": "not_ready", "reason": "break"},
            result={},
        ),
    )
    now = watch.update(f.state)
    assert (now.fate, now.reason, now.set_by) == (AgentFate.CHANGED, "break", "bob")
    assert watch.decide(AgentState.NOT_READY, "break") is AgentDecision.ALREADY
    assert watch.decide(AgentState.NOT_READY, "lunch") is AgentDecision.CONFIRM
    # A change pending until the call ends counts as already asked for.
    f.send(T0 + 6000, AgentPending(agent_id="a", state=AgentState.OFFLINE))
    watch.update(f.state)
    assert watch.decide(AgentState.OFFLINE) is AgentDecision.ALREADY


def test_an_agent_who_logged_off_or_left_the_floor_is_not_sent_anything() -> None:
    f = Floor()
    f.send(T0, AgentStateChanged(agent_id="a", state=AgentState.NOT_READY, reason="lunch"))
    watch = AgentWatch("a", f.state)
    f.send(T0 + 7000, AgentStateChanged(agent_id="a", state=AgentState.OFFLINE))
    off = watch.update(f.state)
    assert (off.fate, off.at_ms, off.reachable) == (AgentFate.LOGGED_OFF, T0 + 7000, False)
    assert watch.decide(AgentState.AVAILABLE) is AgentDecision.REFUSED
    assert watch.decide(AgentState.OFFLINE) is AgentDecision.ALREADY
    f.send(T0 + 9000, AgentRemoved(agent_id="a"))
    gone = watch.update(f.state)
    assert (gone.fate, gone.at_ms, gone.name) == (AgentFate.GONE, T0 + 9000, "Ann")
    assert watch.decide(AgentState.OFFLINE) is AgentDecision.REFUSED
    assert AgentWatch("nobody", f.state).current.fate is AgentFate.GONE
    # An agent offline when chosen may be made available: that is no change.
    f.send(T0 + 9000, AgentAdded(agent=Agent(id="b", name="Bo", team="t", skills=["q"])))
    assert AgentWatch("b", f.state).decide(AgentState.AVAILABLE) is AgentDecision.SEND


# -- cases -----------------------------------------------------------------------------------------


def _case(cid: str, agent: str | None) -> CaseCreated:
    at = iso(T0)
    return CaseCreated(
        case=Case(
            id=cid,
            queue_id="q",
            subject="s",
            priority="normal",
            status=CaseStatus.TRIAGE,
            agent_id=agent,
            created_at=at,
            first_response_due=at,
            resolution_due=at,
        )
    )


def test_cases_closed_or_changed_meanwhile_are_named_as_the_gateway_would_refuse_them() -> None:
    f = Floor()
    for cid in ("c1", "c2", "c3", "c4"):
        f.send(T0, _case(cid, "a"))
    watch = CaseWatch({cid: 1 for cid in ("c1", "c2", "c3", "c4")}, f.state)
    assert watch.changed(f.state) == [] and len(watch.remaining(f.state)) == 4
    f.send(T0 + 1000, CaseUpdated(case_id="c2", changes={"status": "closed"}, version=2))
    f.send(T0 + 1000, CaseUpdated(case_id="c3", changes={"agent_id": None}, version=2))
    f.send(T0 + 1000, CaseUpdated(case_id="c4", changes={"status": "referred"}, version=2))
    changed = watch.changed(f.state)
    assert [(c.case_id, c.fate) for c in changed] == [
        ("c2", CaseFate.CLOSED),
        ("c3", CaseFate.REASSIGNED),
        ("c4", CaseFate.CHANGED),
    ]
    assert (changed[1].agent_id, changed[1].now_agent_id, changed[1].actual) == ("a", None, 2)
    assert watch.remaining(f.state) == {"c1": 1}
