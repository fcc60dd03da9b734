"""Live queue figures, windows, staffing, occupancy, levels and breaches, worked by hand."""

from __future__ import annotations

import pytest

from console.domain.breaches import BreachKind, breaches_today, current_breaches
from console.domain.clock import iso, to_ms
from console.domain.entities import Agent, AgentState, Case, CaseStatus, Centre, SlDefinition
from console.domain.events import AgentAdded, AgentStateChanged, CaseCreated, CaseUpdated
from console.domain.figures.queues import (
    TOTAL_ID,
    Level,
    MetricsConfig,
    Staff,
    occupancy_today_pct,
    queue_figures,
    sl_level,
    time_in_state_level,
    wait_level,
)
from tests.helpers.scripted_floor import T0, Script


def at(s: float) -> int:
    return T0 + round(s * 1000)


def busy_morning() -> Script:
    """Day starts 00:00 UTC; T0 is 09:00. Calls in two 15-minute intervals."""
    s = Script(Centre(name="x", short_abandon_s=5))
    s.call("c1", 0, 10, 100)  # 09:00 interval: within
    s.call("c2", 60, 90, 200)  # late (30 s)
    s.call("c3", 16 * 60, 16 * 60 + 5, 17 * 60)  # 09:15 interval: within
    s.call("c4", 17 * 60, None, 17 * 60 + 40)  # abandoned late
    return s


def row(s: Script, now_s: float, **cfg: object) -> tuple:  # type: ignore[type-arg]
    rows = queue_figures(s.state, at(now_s), MetricsConfig(**cfg))  # type: ignore[arg-type]
    return rows[0], rows[-1]


def test_interval_rolling_and_today_windows() -> None:
    s = busy_morning()
    q, total = row(s, 20 * 60)
    assert total.queue_id == TOTAL_ID and q.queue_id == "q"
    assert (q.today.offered, q.today.answered, q.today.abandoned) == (4, 3, 1)
    # 15-minute interval from 09:15: c3 and c4 only
    assert (q.interval.offered, q.interval.answered, q.interval.abandoned) == (2, 1, 1)
    assert q.interval.service_level_pct == pytest.approx(50.0)
    # rolling hour covers everything
    assert q.rolling.offered == 4
    # a 30-minute interval from 09:00 covers everything too
    q30, _ = row(s, 20 * 60, interval_min=30)
    assert q30.interval.offered == 4
    # much later the rolling hour is empty, today is not
    later, _ = row(s, 3 * 3600)
    assert later.rolling.offered == 0 and later.today.offered == 4 and later.rolling.service_level_pct is None


def test_rolling_hour_moves_on_in_five_minute_steps() -> None:
    """The queue overview's "60 min" columns: buckets that start after now - 60 min."""
    s = busy_morning()
    q, _ = row(s, 60 * 60 - 1)  # 09:59:59: the 09:00 bucket is still inside
    assert q.rolling.offered == 4 and q.rolling.abandon_pct == pytest.approx(100 * 1 / 4)
    q, total = row(s, 60 * 60)  # 10:00: from 09:05, so c1 and c2 (09:00 bucket) are out
    assert (q.rolling.offered, q.rolling.answered, q.rolling.abandoned) == (2, 1, 1)
    assert q.rolling.service_level_pct == pytest.approx(50.0)  # c3 within, c4 a late abandon
    assert q.rolling.abandon_pct == pytest.approx(50.0)
    assert total.rolling.service_level_pct == pytest.approx(50.0)
    assert q.today.offered == 4  # today keeps them
    q, _ = row(s, 75 * 60)  # 10:15: from 09:20, nothing left
    assert q.rolling.offered == 0 and q.rolling.abandon_pct is None


def test_occupancy_now_leaves_not_ready_agents_out() -> None:
    staff = Staff()
    for state in (AgentState.ON_CALL, AgentState.WRAP_UP, AgentState.AVAILABLE, AgentState.NOT_READY):
        staff.count(state)
    staff.count(AgentState.OFFLINE)
    assert (staff.staffed, staff.not_ready) == (4, 1)
    assert staff.occupancy_pct == pytest.approx(100 * 2 / 3)
    idle = Staff()
    idle.count(AgentState.NOT_READY)
    assert idle.occupancy_pct is None  # nobody handling or available: a dash, not 0 %


def test_console_can_choose_another_service_level_definition() -> None:
    s = busy_morning()
    fail, _ = row(s, 20 * 60)
    ignored, _ = row(s, 20 * 60, sl_definition=SlDefinition.ABANDONS_IGNORED)
    assert fail.today.service_level_pct == pytest.approx(100 * 2 / 4)
    assert ignored.today.service_level_pct == pytest.approx(100 * 2 / 3)


def test_waiting_now_and_longest_wait_use_the_feed_clock() -> None:
    s = busy_morning()
    s.emit(
        1800,
        __import__("console.domain.events", fromlist=["CallQueued"]).CallQueued(
            call_id="w1", queue_id="q", priority=5, caller="x"
        ),
    )
    s.emit(
        1830,
        __import__("console.domain.events", fromlist=["CallQueued"]).CallQueued(
            call_id="w2", queue_id="q", priority=5, caller="x"
        ),
    )
    q, total = row(s, 1860)
    assert q.waiting == 2 and q.longest_wait_s == pytest.approx(60.0)
    assert total.waiting == 2 and total.longest_wait_s == pytest.approx(60.0)
    breaches = current_breaches(s.state, at(1860))
    assert [(b.kind, b.ref_id) for b in breaches] == [
        (BreachKind.CALL_WAIT, "w2"),
        (BreachKind.CALL_WAIT, "w1"),
    ]
    assert breaches[1].overdue_s == pytest.approx(40.0)


def test_staff_and_occupancy() -> None:
    s = Script()
    s.emit(0, AgentAdded(agent=Agent(id="b", name="Bo", team="t", skills=["q"])))
    s.emit(0, AgentStateChanged(agent_id="a", state=AgentState.AVAILABLE))
    s.emit(0, AgentStateChanged(agent_id="b", state=AgentState.AVAILABLE))
    s.emit(600, AgentStateChanged(agent_id="a", state=AgentState.ON_CALL))
    q, total = row(s, 900)
    assert (q.staff.staffed, q.staff.available, q.staff.on_call) == (2, 1, 1)
    assert q.staff.occupancy_pct == pytest.approx(50.0)
    # a: 600 s available then 300 s on call; b: 900 s available -> 300 / 1800
    assert occupancy_today_pct(s.state, at(900)) == pytest.approx(100 * 300 / 1800)
    assert total.occupancy_today_pct == pytest.approx(100 * 300 / 1800)


def test_case_deadlines_and_breach_count() -> None:
    s = Script()
    case = Case(
        id="K1",
        queue_id="q",
        subject="s",
        priority="P1",
        status=CaseStatus.INTAKE,
        agent_id=None,
        created_at=iso(at(0)),
        first_response_due=iso(at(600)),
        resolution_due=iso(at(7200)),
    )
    s.emit(1, CaseCreated(case=case))
    soon = current_breaches(s.state, at(300), warn_within_s=3600)
    assert [(b.kind, b.breached) for b in soon] == [(BreachKind.FIRST_RESPONSE, False)]
    assert soon[0].overdue_s == pytest.approx(-300)
    late = current_breaches(s.state, at(4000), warn_within_s=3600)
    assert [(b.kind, b.breached) for b in late] == [
        (BreachKind.FIRST_RESPONSE, True),
        (BreachKind.RESOLUTION, False),
    ]
    assert breaches_today(s.state, at(4000)) == 1
    s.emit(4001, CaseUpdated(case_id="K1", changes={"first_response_at": iso(at(4001))}, version=2))
    assert [b.kind for b in current_breaches(s.state, at(4002))] == [BreachKind.RESOLUTION]


def test_levels_at_their_thresholds() -> None:
    assert sl_level(80.0, 80.0) is Level.OK
    assert sl_level(79.9, 80.0) is Level.WARNING
    assert sl_level(70.0, 80.0) is Level.WARNING
    assert sl_level(69.9, 80.0) is Level.CRITICAL
    assert sl_level(None, 80.0) is Level.OK
    assert wait_level(20.0, 20.0) is Level.OK and wait_level(20.1, 20.0) is Level.WARNING
    assert wait_level(60.1, 20.0) is Level.CRITICAL
    assert time_in_state_level(AgentState.NOT_READY, "break", 2 * 60) is Level.OK
    assert time_in_state_level(AgentState.NOT_READY, "break", 16 * 60) is Level.WARNING
    assert time_in_state_level(AgentState.NOT_READY, "break", 20 * 60) is Level.CRITICAL
    assert time_in_state_level(AgentState.NOT_READY, "lunch", 20 * 60) is Level.OK
    assert time_in_state_level(AgentState.AVAILABLE, None, 10_000) is Level.OK


def test_buckets_survive_the_wire_and_the_day_reset() -> None:
    s = busy_morning()
    assert [b.start for b in s.state.queues["q"].buckets] == [iso(T0), iso(T0 + 15 * 60_000)]
    assert to_ms(s.state.queues["q"].buckets[0].start) == T0
    s.state.advance_clock(iso(T0 + 16 * 3600_000))  # next day
    assert s.state.queues["q"].buckets == [] and s.state.agent_time == []
