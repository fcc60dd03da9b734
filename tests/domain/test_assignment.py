"""Reassigning work, the rules: suggested agents, warnings, conflicts, deadlines, action summaries."""

from __future__ import annotations

from typing import Any

from console.domain.assignment import (
    ActionSummary,
    CaseConflict,
    ConflictReason,
    DeadlineLevel,
    ReassignWarning,
    WarningKind,
    candidates,
    case_queues,
    conflicts_from_details,
    current_versions,
    deadline_level,
    find_conflicts,
    first_response_due_ms,
    next_due_ms,
    over_case_limit,
    reassign_warnings,
    summarize,
)
from console.domain.clock import iso, to_ms
from console.domain.entities import Agent, AgentState, AppliedAction, Case, CaseStatus, Centre, Queue
from console.domain.state import FloorState

T0 = to_ms("2026-03-02T09:30:00.000Z")


def case(cid: str, queue: str, agent: str | None = None, version: int = 1, **kw: Any) -> Case:
    fields: dict[str, Any] = {
        "id": cid,
        "queue_id": queue,
        "subject": "s",
        "priority": "P2",
        "status": CaseStatus.TRIAGE,
        "agent_id": agent,
        "created_at": iso(T0 - 3_600_000),
        "first_response_due": iso(T0 + 600_000),
        "resolution_due": iso(T0 + 86_400_000),
        "version": version,
    }
    fields.update(kw)
    return Case(**fields)


def floor(case_limit: int | None = 3) -> FloorState:
    state = FloorState(Centre(name="Test", case_limit=case_limit))
    for q in ("cards", "loans", "vip"):
        state.queues[q] = Queue(id=q, name=q.title(), sl_threshold_s=20, sl_target_pct=80)
    agents = [
        Agent(id="A1", name="Ann", team="T", skills=["cards", "loans"], state=AgentState.AVAILABLE),
        Agent(id="A2", name="Bob", team="T", skills=["cards", "loans"], state=AgentState.ON_CALL),
        Agent(id="A3", name="Cid", team="T", skills=["cards"], state=AgentState.AVAILABLE),
        Agent(id="A4", name="Dee", team="T", skills=["cards", "loans"], state=AgentState.OFFLINE),
        Agent(
            id="A5",
            name="Eve",
            team="T",
            skills=["cards", "loans"],
            state=AgentState.NOT_READY,
            reason="coaching",
        ),
        Agent(id="A6", name="Fay", team="T", skills=["vip"], state=AgentState.AVAILABLE),
    ]
    for a in agents:
        state.agents[a.id] = a
    cases = [
        case("C1", "cards"),
        case("C2", "loans", "A2"),
        case("C3", "cards", "A1"),
        case("C4", "loans", "A1"),
        case("C5", "cards", "A2", version=4),
    ]
    for c in cases:
        state.cases[c.id] = c
    for c in cases:
        if c.agent_id:
            state.agents[c.agent_id].open_cases += 1
    return state


def test_suggested_agents_are_skilled_online_within_the_limit_least_loaded_first() -> None:
    state = floor()
    ranked = candidates(state, ["C1", "C2"])  # cards and loans
    ids = [c.agent_id for c in ranked]
    suggested = [c.agent_id for c in ranked if c.suggested]
    # A1 (2 open, +2 would be 4 > 3: over the limit), A2 (2 open, owns C2: +1 = 3, fine), A5 (0 open, not
    # ready but logged in), A4 offline, A3 only cards, A6 neither.
    assert suggested == ["A5", "A2"]
    assert ids[:2] == ["A5", "A2"]
    assert ids.index("A4") > ids.index("A3")  # logged out after the logged-in
    assert ids[-1] == "A4"
    a1 = next(c for c in ranked if c.agent_id == "A1")
    assert a1.over_limit and a1.open_after == 4 and a1.skilled == 2 and a1.cases == 2
    a3 = next(c for c in ranked if c.agent_id == "A3")
    assert a3.skilled == 1 and not a3.suggested
    a2 = next(c for c in ranked if c.agent_id == "A2")
    assert a2.incoming == 1 and a2.open_after == 3 and not a2.over_limit
    # Without a limit, the least loaded skilled agent comes first, including A1.
    ranked = candidates(floor(case_limit=None), ["C1", "C2"])
    assert [c.agent_id for c in ranked if c.suggested] == ["A5", "A1", "A2"]
    # The current owner of every case is no suggestion (nothing would move).
    assert not next(c for c in candidates(state, ["C3"]) if c.agent_id == "A1").suggested


def kinds(warnings: list[ReassignWarning]) -> list[WarningKind]:
    return [w.kind for w in warnings]


def test_warnings_before_reassigning() -> None:
    state = floor()
    assert reassign_warnings(state, ["C1"], "A2") == []  # on a call, skilled, 3 of 3 after: fine
    assert kinds(reassign_warnings(state, ["C1"], "A4")) == [WarningKind.OFFLINE]
    (not_ready,) = reassign_warnings(state, ["C1"], "A5")
    assert not_ready.kind is WarningKind.NOT_READY and not_ready.reason == "coaching"
    (unskilled,) = reassign_warnings(state, ["C1", "C2", "C4"], "A3")[:1]
    assert unskilled.kind is WarningKind.UNSKILLED and (unskilled.count, unskilled.total) == (2, 3)
    over = reassign_warnings(state, ["C1", "C2"], "A1")
    assert kinds(over) == [WarningKind.OVER_LIMIT]
    assert (over[0].open_cases, over[0].open_after, over[0].limit) == (2, 4, 3)
    # Cases the agent already holds add nothing to the load.
    assert reassign_warnings(state, ["C3", "C4"], "A1") == []
    # Several at once, in a stable order; a case no longer open; an unknown agent; unassigning.
    many = reassign_warnings(state, ["C1", "C2", "GONE"], "A6")
    assert kinds(many) == [WarningKind.NOT_OPEN, WarningKind.UNSKILLED]
    assert (many[0].count, many[0].total) == (1, 3)
    assert kinds(reassign_warnings(state, ["C1"], "NOBODY")) == [WarningKind.UNKNOWN_AGENT]
    assert reassign_warnings(state, ["C1", "C2"], None) == []
    state.agents["A2"].pending_state = AgentState.OFFLINE
    assert kinds(reassign_warnings(state, ["C1"], "A2")) == [WarningKind.GOING_OFFLINE]


def test_conflicts_from_the_ack_or_from_the_current_state() -> None:
    details = {
        "cases": [
            {"case_id": "C1", "reason": "version_mismatch", "expected": 1, "actual": 2},
            {"case_id": "C9", "reason": "not_found"},
            "junk",
        ]
    }
    assert conflicts_from_details(details) == [
        CaseConflict("C1", "version_mismatch", 1, 2),
        CaseConflict("C9", "not_found"),
    ]
    assert conflicts_from_details(None) is None and conflicts_from_details({"x": 1}) is None
    state = floor()
    found = find_conflicts(state, {"C1": 1, "C5": 3, "C9": 7})
    assert found == [
        CaseConflict("C5", ConflictReason.VERSION_MISMATCH, 3, 4),
        CaseConflict("C9", ConflictReason.NOT_FOUND, 7),
    ]
    assert current_versions(state, ["C5", "C9", "C1"]) == {"C5": 4, "C1": 1}
    assert case_queues(state, ["C1", "C2", "C3", "C9"]) == {"cards": 2, "loans": 1}


def test_deadlines_and_levels() -> None:
    c = case("C1", "cards")
    assert first_response_due_ms(c) == T0 + 600_000 and next_due_ms(c) == T0 + 600_000
    answered = case("C2", "cards", first_response_at=iso(T0))
    assert first_response_due_ms(answered) is None and next_due_ms(answered) == T0 + 86_400_000
    assert deadline_level(T0, T0) is DeadlineLevel.BREACHED
    assert deadline_level(T0 + 3_600_000, T0) is DeadlineLevel.AT_RISK
    assert deadline_level(T0 + 3_600_001, T0) is DeadlineLevel.NONE
    assert deadline_level(T0 + 600_000, T0, at_risk_s=300) is DeadlineLevel.NONE
    assert deadline_level(None, T0) is DeadlineLevel.NONE
    assert over_case_limit(4, 3) and not over_case_limit(3, 3) and not over_case_limit(99, None)


def action(name: str, args: dict[str, Any], result: dict[str, Any], before: Any = None) -> AppliedAction:
    return AppliedAction(
        at=iso(T0),
        command_id="c1",
        user="ann",
        role="manager",
        action=name,
        args=args,
        result=result,
        before=before,
    )


def test_summaries_of_the_days_actions() -> None:
    reassign = summarize(
        action(
            "case.reassign",
            {"case_ids": ["C1", "C2"], "agent_id": "A3", "expected_versions": {"C1": 1, "C2": 1}},
            {"agent_id": "A3", "moved": 2, "unchanged": 0},
            {"cases": {"C1": {"agent_id": None, "version": 1}, "C2": {"agent_id": "A2", "version": 1}}},
        )
    )
    assert reassign == ActionSummary(
        "case.reassign",
        case_ids=("C1", "C2"),
        agent_id="A3",
        moved=2,
        unchanged=0,
        agents=frozenset({"A2", "A3"}),
    )
    unassign = summarize(action("case.reassign", {"case_ids": ["C1"], "agent_id": None}, {"moved": 1}))
    assert unassign.unassign and unassign.agent_id is None
    undo = summarize(
        action(
            "case.undo_reassign",
            {"command_id": "c0"},
            {"undo_of": "c0", "moved": 1},
            {"cases": {"C7": {"agent_id": "A3", "version": 2}}},
        )
    )
    assert (undo.case_ids, undo.undo_of, undo.moved, undo.agents) == (("C7",), "c0", 1, frozenset({"A3"}))
    move = summarize(
        action("call.move", {"call_id": "K1", "queue_id": "loans"}, {"queue_id": "loans", "priority": 2})
    )
    assert (move.call_id, move.queue_id, move.priority) == ("K1", "loans", 2)
    state = summarize(
        action(
            "agent.set_state",
            {"agent_id": "A17", "state": "not_ready", "reason": "coaching"},
            {"deferred": True, "unchanged": False},
        )
    )
    assert (state.agent_id, state.state, state.reason, state.deferred) == (
        "A17",
        "not_ready",
        "coaching",
        True,
    )
    assert summarize(action("call.flag", {}, {})) == ActionSummary("call.flag")
    # Lenient with what it does not expect.
    odd = summarize(action("case.reassign", {"case_ids": "nope", "agent_id": 5}, {"moved": "x"}, before=[1]))
    assert odd.case_ids == () and odd.agent_id is None and odd.moved is None
