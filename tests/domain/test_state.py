"""The shared reducer and metric definitions, against hand-worked call sequences."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.clock import iso
from console.domain.entities import (
    Agent,
    AgentState,
    Bucket,
    CallState,
    Case,
    CaseStatus,
    Centre,
    DayFigures,
    SlDefinition,
)
from console.domain.events import (
    ActionApplied,
    AgentAdded,
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallMoved,
    CallQueued,
    CaseCreated,
    CaseUpdated,
    Event,
    QueueConfigured,
    RawEvent,
    make_event,
    type_payload,
)
from console.domain.figures import formulas
from console.domain.state import FloorState, SequenceError, Snapshot
from tests.helpers.scripted_floor import T0, Script


def worked_example(definition: SlDefinition = SlDefinition.ABANDONS_FAIL) -> Script:
    """Six calls, worked by hand:

    c1 waits 10 s, talks 100 s      -> answered within 20 s
    c2 waits 30 s, talks 200 s      -> answered late
    c3 waits 15 s, talks 60 s       -> answered within
    c4 abandons after 3 s           -> short abandon (< 5 s)
    c5 abandons after 12 s          -> abandoned within the threshold
    c6 abandons after 40 s          -> abandoned late
    """
    s = Script(Centre(name="Test", short_abandon_s=5, sl_definition=definition))
    s.call("c1", 0, 10, 110)
    s.call("c2", 120, 150, 350)
    s.call("c3", 400, 415, 475)
    s.call("c4", 500, None, 503)
    s.call("c5", 600, None, 612)
    s.call("c6", 700, None, 740)
    return s


def test_day_figures_of_the_worked_example() -> None:
    f = worked_example().today
    assert (f.offered, f.answered, f.answered_within) == (6, 3, 2)
    assert (f.abandoned, f.short_abandons, f.abandoned_within) == (3, 1, 1)
    assert f.asa_s == pytest.approx((10 + 30 + 15) / 3)
    assert f.aht_s == pytest.approx((100 + 200 + 60) / 3)
    # abandon rate leaves short abandons out of both sides: 2 / 5
    assert f.abandon_pct == pytest.approx(40.0)


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        (SlDefinition.ABANDONS_IGNORED, 100 * 2 / 3),  # 2 of 3 answered
        (SlDefinition.ABANDONS_FAIL, 100 * 2 / 5),  # 2 of 3 answered + 2 long abandons
        (SlDefinition.ABANDONS_WITHIN_SUCCEED, 100 * 3 / 5),  # c5 abandoned within 20 s counts
    ],
)
def test_each_service_level_definition(definition: SlDefinition, expected: float) -> None:
    assert worked_example(definition).today.service_level_pct == pytest.approx(expected)


def test_nothing_counted_shows_no_percentage() -> None:
    f = DayFigures()
    for d in SlDefinition:
        assert formulas.service_level_pct(f, d) is None
    assert formulas.abandon_pct(f) is None and formulas.asa_s(f) is None and formulas.aht_s(f) is None


def test_wrap_up_counts_in_handle_time() -> None:
    s = Script()
    s.emit(0, AgentStateChanged(agent_id="a", state=AgentState.AVAILABLE))
    s.call("c1", 0, 5, 65)  # 60 s talk
    s.emit(5, AgentStateChanged(agent_id="a", state=AgentState.ON_CALL))
    s.emit(65, AgentStateChanged(agent_id="a", state=AgentState.WRAP_UP))
    s.emit(95, AgentStateChanged(agent_id="a", state=AgentState.AVAILABLE))  # 30 s wrap-up
    assert s.today.aht_s == pytest.approx(90.0)
    agent = s.state.agents["a"]
    assert agent.state is AgentState.AVAILABLE and agent.call_id is None and agent.last_queue_id is None


def test_today_resets_at_the_configured_hour_not_midnight() -> None:
    centre = Centre(name="24h", timezone="Asia/Shanghai", day_starts="06:00")
    s = Script(centre)  # T0 = 09:00Z = 17:00 in Shanghai
    s.call("c1", 0, 5, 50)
    # Local midnight (16:00Z) passes without a reset ...
    s.call("c2", 15 * 3600, 15 * 3600 + 5, 15 * 3600 + 50)  # 00:00Z = 08:00 local next day: reset
    assert s.today.offered == 1
    s2 = Script(centre)
    s2.call("c1", 0, 5, 50)
    s2.call("c2", 7 * 3600 + 30 * 60, 7 * 3600 + 31 * 60, 7 * 3600 + 32 * 60)  # 00:30 local
    assert s2.today.offered == 2, "a 24-hour centre must not reset at midnight"
    assert s2.state.centre.day_started_at == "2026-03-01T22:00:00.000Z"  # 06:00 local on the 2nd


def test_heartbeat_clock_alone_resets_the_day() -> None:
    s = Script(Centre(name="x", timezone="UTC", day_starts="00:00"))
    s.call("c1", 0, 5, 50)
    s.state.advance_clock(iso(T0 + 16 * 3600 * 1000))
    assert s.today.offered == 0 and s.state.centre.day_started_at == "2026-03-03T00:00:00.000Z"


def test_sequence_is_strict() -> None:
    s = Script()
    with pytest.raises(SequenceError):
        s.state.apply(make_event(s.seq + 2, iso(T0), CallEnded(call_id="x")))
    with pytest.raises(SequenceError):
        s.state.apply(make_event(s.seq, iso(T0), CallEnded(call_id="x")))


def test_unknown_types_and_fields_are_ignored_but_advance_the_seq() -> None:
    s = Script()
    raw = msgspec.json.encode(
        {"seq": s.seq + 1, "at": iso(T0), "type": "weather.changed", "data": {"rain": True}}
    )
    s.state.apply(type_payload(msgspec.json.decode(raw, type=RawEvent)))
    assert s.state.seq == s.seq + 1
    raw = msgspec.json.encode(
        {
            "seq": s.seq + 2,
            "at": iso(T0),
            "type": "call.queued",
            "data": {"call_id": "z", "queue_id": "q", "priority": 1, "caller": "1", "colour": "red"},
        }
    )
    s.state.apply(type_payload(msgspec.json.decode(raw, type=RawEvent)))
    assert "z" in s.state.calls


def test_events_naming_unknown_things_are_skipped_and_counted() -> None:
    s = Script()
    s.emit(1, CallAnswered(call_id="ghost", agent_id="a"))
    s.emit(2, AgentStateChanged(agent_id="nobody", state=AgentState.AVAILABLE))
    assert s.state.skipped == 2 and s.state.seq == s.seq


def test_open_cases_per_agent_follow_assignment_and_closing() -> None:
    s = Script()
    case = Case(
        id="CS-1",
        queue_id="q",
        subject="Card fee dispute",
        priority="P2",
        status=CaseStatus.INTAKE,
        agent_id="a",
        created_at=iso(T0),
        first_response_due=iso(T0 + 3600_000),
        resolution_due=iso(T0 + 86_400_000),
    )
    s.emit(1, CaseCreated(case=case))
    assert s.state.agents["a"].open_cases == 1
    s.emit(2, CaseUpdated(case_id="CS-1", changes={"agent_id": None}, version=2))
    assert s.state.agents["a"].open_cases == 0
    s.emit(3, CaseUpdated(case_id="CS-1", changes={"agent_id": "a", "status": "triage"}, version=3))
    assert s.state.agents["a"].open_cases == 1 and s.state.cases["CS-1"].status is CaseStatus.TRIAGE
    s.emit(4, CaseUpdated(case_id="CS-1", changes={"status": "closed"}, version=4))
    assert "CS-1" not in s.state.cases and s.state.agents["a"].open_cases == 0
    s.emit(5, CaseUpdated(case_id="CS-1", changes={"status": "triage"}, version=5))
    assert s.state.skipped == 1


def test_snapshot_round_trip_is_exact() -> None:
    s = worked_example()
    encoded = msgspec.json.encode(s.state.to_snapshot())
    other = FloorState()
    other.load_snapshot(msgspec.json.decode(encoded, type=Snapshot))
    assert msgspec.json.encode(other.to_snapshot()) == encoded
    # and both go on identically
    for state in (s.state, other):
        state.apply(
            Event(
                seq=s.seq + 1,
                at=iso(T0 + 900_000),
                type="call.queued",
                data=CallQueued(call_id="n", queue_id="q", priority=5, caller="x"),
            )
        )
    assert msgspec.json.encode(other.to_snapshot()) == msgspec.json.encode(s.state.to_snapshot())


# -- moved calls and supervisors' actions ----------------------------------------------------


def two_queues() -> Script:
    s = Script()
    s.emit(0, QueueConfigured(queue_id="r", name="R", sl_threshold_s=30, sl_target_pct=80))
    return s


def test_a_moved_call_counts_as_offered_once_in_the_queue_that_answers_or_loses_it() -> None:
    s = two_queues()
    q, r = s.state.queues["q"], s.state.queues["r"]
    s.emit(10, CallQueued(call_id="c1", queue_id="q", priority=5, caller="x"))
    s.emit(20, CallQueued(call_id="c2", queue_id="q", priority=5, caller="x"))
    s.emit(400, CallMoved(call_id="c1", queue_id="r", priority=8))  # a later bucket than its arrival
    assert (q.today.offered, r.today.offered) == (1, 1)
    assert s.state.calls["c1"].queue_id == "r" and s.state.calls["c1"].priority == 8
    assert [(b.start, b.offered) for b in r.buckets] == [(iso(T0), 1)], "offered in the bucket of its arrival"
    assert [(b.start, b.offered) for b in q.buckets] == [(iso(T0), 1)]
    s.emit(410, CallAnswered(call_id="c1", agent_id="a"))
    s.emit(420, CallMoved(call_id="c2", queue_id="r"))
    assert s.state.calls["c2"].priority == 5, "no priority: unchanged"
    assert q.today.offered == 0 and q.buckets == [], "an emptied bucket goes"
    s.emit(430, CallAbandoned(call_id="c2"))
    assert (r.today.offered, r.today.answered, r.today.abandoned) == (2, 1, 1)
    assert r.today.answered_within == 0, "the wait runs from the arrival, not the move"
    assert sum(b.offered for b in r.buckets) == 2
    # Moving back and forth and within the queue counts nothing twice.
    s.emit(500, CallQueued(call_id="c3", queue_id="q", priority=5, caller="x"))
    for i, dest in enumerate(["r", "q", "q", "r"]):
        s.emit(501 + i, CallMoved(call_id="c3", queue_id=dest))
    assert (q.today.offered, r.today.offered) == (0, 3)


def test_a_call_that_arrived_before_the_day_started_moves_no_count() -> None:
    s = Script(Centre(name="x", timezone="UTC", day_starts="09:10"))  # T0 is 09:00
    s.emit(0, QueueConfigured(queue_id="r", name="R", sl_threshold_s=30, sl_target_pct=80))
    s.emit(0, CallQueued(call_id="c1", queue_id="q", priority=5, caller="x"))  # 09:00, yesterday's
    s.emit(700, CallMoved(call_id="c1", queue_id="r"))  # 09:11:40: the day has reset
    assert s.state.centre.day_started_at == "2026-03-02T09:10:00.000Z"
    assert s.state.queues["q"].today.offered == s.state.queues["r"].today.offered == 0


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(st.sampled_from(["new", "move", "answer", "abandon", "end"]), st.integers(0, 50)),
        max_size=60,
    )
)
def test_moves_never_count_a_call_twice(ops: list[tuple[str, int]]) -> None:
    s = two_queues()
    s.emit(0, QueueConfigured(queue_id="u", name="U", sl_threshold_s=10, sl_target_pct=90))
    queues = ["q", "r", "u"]
    t = 0.0
    n = 0
    for op, k in ops:
        t += 37.0  # crosses 5-minute buckets now and then
        waiting = sorted(c.id for c in s.state.calls.values() if c.state is CallState.WAITING)
        talking = sorted(c.id for c in s.state.calls.values() if c.state is CallState.TALKING)
        if op == "new" or (op != "end" and not waiting):
            n += 1
            s.emit(t, CallQueued(call_id=f"c{n}", queue_id=queues[k % 3], priority=5, caller="x"))
        elif op == "move":
            s.emit(t, CallMoved(call_id=waiting[k % len(waiting)], queue_id=queues[k % 3], priority=k % 11))
        elif op == "answer":
            s.emit(t, CallAnswered(call_id=waiting[k % len(waiting)], agent_id="a"))
        elif op == "abandon":
            s.emit(t, CallAbandoned(call_id=waiting[k % len(waiting)]))
        elif talking:
            s.emit(t, CallEnded(call_id=talking[k % len(talking)]))
        figures = s.state.queues
        assert sum(figures[x].today.offered for x in queues) == n, "the centre total counts each call once"
        for x in queues:
            f = figures[x].today
            open_here = sum(1 for c in s.state.calls.values() if c.queue_id == x and c.answered_at is None)
            assert f.offered == f.answered + f.abandoned + open_here
            assert sum(b.offered for b in figures[x].buckets) == f.offered
            assert all(b != Bucket(start=b.start) for b in figures[x].buckets)
    assert s.state.skipped == 0


def applied(command_id: str, action: str = "case.reassign") -> ActionApplied:
    return ActionApplied(
        command_id=command_id,
        user="mia",
        role="manager",
        action=action,
        args={"case_ids": ["CS-1"], "agent_id": "a", "expected_versions": {"CS-1": 1}},
        result={"agent_id": "a", "moved": 1, "unchanged": 0},
        before={"cases": {"CS-1": {"agent_id": None, "version": 1}}},
    )


def test_applied_actions_are_kept_for_the_day_and_travel_in_the_snapshot() -> None:
    s = Script(Centre(name="x", timezone="UTC", day_starts="00:00"))
    s.state.take_changes()
    s.emit(60, applied("r1"))
    assert s.state.take_changes().actions
    s.emit(120, applied("m1", "call.move"))
    assert [(a.command_id, a.action, a.at) for a in s.state.actions] == [
        ("r1", "case.reassign", iso(T0 + 60_000)),
        ("m1", "call.move", iso(T0 + 120_000)),
    ]
    first = s.state.actions[0]
    assert first.user == "mia" and first.role == "manager" and first.result["moved"] == 1
    assert first.before == {"cases": {"CS-1": {"agent_id": None, "version": 1}}}
    encoded = msgspec.json.encode(s.state.to_snapshot())
    assert msgspec.json.decode(encoded)["actions"][1]["command_id"] == "m1"
    other = FloorState()
    other.load_snapshot(msgspec.json.decode(encoded, type=Snapshot))
    assert other.actions == s.state.actions
    # The day resets at midnight UTC (T0 is 09:00): today's actions go with the day's figures.
    s.state.advance_clock(iso(T0 + 15 * 3600_000))
    assert s.state.actions == [] and s.state.take_changes().reset
    s.emit(15 * 3600 + 1, applied("r2"))
    assert [a.command_id for a in s.state.actions] == ["r2"]


def test_an_add_that_replaces_an_existing_row_then_a_removal_reports_the_removal() -> None:
    """Views hold a row for an existing id: re-adding it and removing it in one refresh must remove it."""
    s = Script()
    case = Case(
        id="CS-1",
        queue_id="q",
        subject="s",
        priority="P3",
        status=CaseStatus.INTAKE,
        agent_id=None,
        created_at=iso(T0),
        first_response_due=iso(T0 + 3_600_000),
        resolution_due=iso(T0 + 86_400_000),
    )
    s.emit(1, CaseCreated(case=case))
    s.state.take_changes()
    s.emit(2, AgentAdded(agent=Agent(id="a", name="Ann B.", team="t", skills=["q"])))
    s.emit(3, CaseCreated(case=msgspec.structs.replace(case, version=2)))
    replaced = s.state.take_changes()
    assert "a" in replaced.agents and "a" not in replaced.agents_added, "a replacement is a change"
    assert "CS-1" in replaced.cases_changed and "CS-1" not in replaced.cases_added
    s.emit(4, CaseCreated(case=msgspec.structs.replace(case, version=3)))
    s.emit(5, CaseUpdated(case_id="CS-1", changes={"status": "closed"}, version=4))
    gone = s.state.take_changes()
    assert gone.cases_removed == {"CS-1"} and not gone.cases_changed and not gone.cases_added
