"""The contact-centre simulator: fidelity to Erlang A/C, determinism, routing, commands, restore.

Fidelity runs the single-queue scenarios long enough that batch means give a
standard error well below the tolerances, and checks the simulated figures
against console.domain.erlang; the same figures are then shown to be clearly
different from a 13-agent centre, so the comparison has teeth.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pytest

from console.domain.clock import iso, to_ms
from console.domain.entities import AgentState, CallState, CaseStatus, DayFigures, SlDefinition
from console.domain.erlang import ErlangA
from console.domain.events import (
    AgentAdded,
    AgentPending,
    AgentRemoved,
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallQueued,
    CallRinging,
    CaseCreated,
    CaseUpdated,
    CentreConfigured,
    EventAt,
    QueueConfigured,
    make_event,
)
from console.domain.figures import formulas
from console.domain.state import FloorState, Snapshot
from console.feeds.sources.simulator.engine import Simulator
from console.feeds.sources.simulator.scenario import (
    DEFAULT_SCENARIO,
    Scenario,
    load_scenario,
    resolve_scenario,
    start_ms_on,
)
from tests.helpers.simulation import assert_agrees

HOUR = 3_600_000
MINUTE = 60_000
BANK = load_scenario(DEFAULT_SCENARIO)
BANK_START = start_ms_on(BANK, date(2024, 3, 4))  # Monday 08:00 in Shanghai
BUSY = {AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP}


def _fold(events: list[EventAt], state: FloorState | None = None) -> FloorState:
    state = state or FloorState()
    for t, data in events:
        state.apply(make_event(state.seq + 1, iso(t), data))
    return state


def _started(scenario: Scenario, seed: int, start: int, **kw: Any) -> tuple[Simulator, list[EventAt]]:
    sim = Simulator(scenario, seed=seed, start_ms=start, **kw)
    return sim, sim.bootstrap()


# -- fidelity ----------------------------------------------------------------------------------


@dataclass
class Batches:
    """Per-batch counts of calls by arrival batch, and agent busy time per batch window."""

    offered: np.ndarray[Any, np.dtype[np.float64]]
    answered: np.ndarray[Any, np.dtype[np.float64]]
    answered_within: np.ndarray[Any, np.dtype[np.float64]]
    abandoned: np.ndarray[Any, np.dtype[np.float64]]
    short: np.ndarray[Any, np.dtype[np.float64]]
    abandoned_within: np.ndarray[Any, np.dtype[np.float64]]
    wait_s: np.ndarray[Any, np.dtype[np.float64]]
    busy_ms: np.ndarray[Any, np.dtype[np.float64]]
    window_ms: int

    def figures(self, b: int) -> DayFigures:
        return DayFigures(
            offered=int(self.offered[b]),
            answered=int(self.answered[b]),
            answered_within=int(self.answered_within[b]),
            abandoned=int(self.abandoned[b]),
            short_abandons=int(self.short[b]),
            abandoned_within=int(self.abandoned_within[b]),
        )


N_BATCHES = 30
BATCH_H = 30
WARMUP_H = 2


def _batches(
    name: str, seed: int, threshold_s: float = 20.0, short_s: float = 5.0
) -> tuple[Scenario, Batches]:
    scenario = load_scenario(resolve_scenario(name))
    start = 1_709_510_400_000
    sim, events = _started(scenario, seed, start)
    w0, bl = start + WARMUP_H * HOUR, BATCH_H * HOUR
    events += sim.advance(w0 + N_BATCHES * bl)
    z = [np.zeros(N_BATCHES) for _ in range(8)]
    offered, answered, within, abandoned, short, ab_within, wait, busy = z
    entered: dict[str, tuple[int, int]] = {}
    states: dict[str, AgentState] = {}
    n_busy, last = 0, start

    def add_busy(t0: int, t1: int, n: int) -> None:
        while t0 < t1:  # split the interval over batch windows
            b = (t0 - w0) // bl
            end = min(t1, w0 + (b + 1) * bl)
            if 0 <= b < N_BATCHES:
                busy[b] += n * (end - t0)
            t0 = end

    for t, d in events:
        if isinstance(d, AgentStateChanged):
            add_busy(last, t, n_busy)
            last = t
            n_busy += (d.state in BUSY) - (states.get(d.agent_id) in BUSY)
            states[d.agent_id] = d.state
        elif isinstance(d, CallQueued):
            b = (t - w0) // bl
            entered[d.call_id] = (t, b)
            if 0 <= b < N_BATCHES:
                offered[b] += 1
        elif isinstance(d, CallAnswered):
            t_in, b = entered[d.call_id]
            if 0 <= b < N_BATCHES:
                answered[b] += 1
                wait[b] += (t - t_in) / 1000
                within[b] += (t - t_in) <= threshold_s * 1000
        elif isinstance(d, CallAbandoned):
            t_in, b = entered[d.call_id]
            if 0 <= b < N_BATCHES:
                abandoned[b] += 1
                waited = (t - t_in) / 1000
                short[b] += waited < short_s
                ab_within[b] += short_s <= waited <= threshold_s
    add_busy(last, w0 + N_BATCHES * bl, n_busy)
    return scenario, Batches(offered, answered, within, abandoned, short, ab_within, wait, busy, bl)


def _estimate(values: np.ndarray[Any, np.dtype[np.float64]], overall: float) -> tuple[float, float]:
    """(overall ratio estimate, batch-means standard error)."""
    return overall, float(values.std(ddof=1) / np.sqrt(values.size))


def _within(name: str, est: float, se: float, expected: float, slack: float) -> None:
    assert abs(est - expected) < 4 * se + slack, (
        f"{name}: sim {est:.5f} vs formula {expected:.5f} (SE {se:.5f})"
    )


def _model(s: Scenario, agents: int | None = None) -> ErlangA:
    q = s.queues[0]
    patience = q.patience.mean_s if q.patience is not None else None
    return ErlangA(q.arrivals_per_hour, q.handle_time.mean_s, patience, agents or s.teams[0].agents)


@pytest.fixture(scope="module")
def erlang_a_run() -> tuple[Scenario, Batches]:
    return _batches("single_queue", seed=20240304)


@pytest.fixture(scope="module")
def erlang_c_run() -> tuple[Scenario, Batches]:
    return _batches("erlang_c", seed=20240305)


def _check_fidelity(s: Scenario, b: Batches) -> dict[str, tuple[float, float, float]]:
    """Compare every metric with the formula; returns name -> (sim, SE, formula)."""
    m = _model(s)
    agents = s.teams[0].agents
    out: dict[str, tuple[float, float, float]] = {}
    cases = [
        ("sl_answered", b.answered_within, b.answered, m.sl_answered(20), 0.002),
        ("sl_all_calls", b.answered_within, b.offered, m.p_answered_within(20), 0.002),
        ("p_abandon", b.abandoned, b.offered, m.p_abandon, 0.001),
        ("asa_s", b.wait_s, b.answered, m.asa_s, 0.05),
        (
            "occupancy",
            b.busy_ms,
            np.full(N_BATCHES, agents * b.window_ms, dtype=np.float64),
            m.occupancy,
            0.002,
        ),
    ]
    for name, num, den, expected, slack in cases:
        est, se = _estimate(num / den, float(num.sum() / den.sum()))
        _within(name, est, se, expected, slack)
        out[name] = (est, se, expected)
    # The centre's own SL definitions (console.domain.figures.formulas) against the formula's version of each.
    for d in SlDefinition:
        per_batch = (
            np.array([formulas.service_level_pct(b.figures(i), d) or 0.0 for i in range(N_BATCHES)]) / 100
        )
        total = DayFigures(
            offered=int(b.offered.sum()),
            answered=int(b.answered.sum()),
            answered_within=int(b.answered_within.sum()),
            abandoned=int(b.abandoned.sum()),
            short_abandons=int(b.short.sum()),
            abandoned_within=int(b.abandoned_within.sum()),
        )
        est, se = _estimate(per_batch, (formulas.service_level_pct(total, d) or 0.0) / 100)
        expected = m.service_level(20, d, s.centre.short_abandon_s)
        _within(f"sl[{d.value}]", est, se, expected, 0.002)
        out[f"sl[{d.value}]"] = (est, se, expected)
    return out


def test_erlang_a_fidelity(erlang_a_run: tuple[Scenario, Batches]) -> None:
    s, b = erlang_a_run
    results = _check_fidelity(s, b)
    assert 4 * results["sl_answered"][1] < 0.02, "the run is too short for a 2-point SL tolerance"
    assert 4 * results["p_abandon"][1] < 0.005
    assert results["p_abandon"][0] > 0.005  # callers do abandon


def test_erlang_c_fidelity(erlang_c_run: tuple[Scenario, Batches]) -> None:
    s, b = erlang_c_run
    assert b.abandoned.sum() == 0
    results = _check_fidelity(s, b)
    assert 4 * results["sl_answered"][1] < 0.02
    assert 4 * results["occupancy"][1] < 0.02


@pytest.mark.parametrize("run", ["erlang_a_run", "erlang_c_run"])
def test_fidelity_has_teeth(run: str, request: pytest.FixtureRequest) -> None:
    """The same simulated figures would fail against a 13-agent centre, and against Erlang C for A."""
    s, b = request.getfixturevalue(run)
    est, se = _estimate(b.answered_within / b.answered, float(b.answered_within.sum() / b.answered.sum()))
    wrong = _model(s, agents=13).sl_answered(20)
    assert abs(est - wrong) > 4 * se + 0.002 + 0.02  # clear of the tolerance by two points more
    if s.queues[0].patience is not None:
        no_patience = ErlangA(200, 180, None, 14)  # ignoring abandonment is visibly wrong too
        asa, asa_se = _estimate(b.wait_s / b.answered, float(b.wait_s.sum() / b.answered.sum()))
        assert abs(asa - no_patience.asa_s) > 4 * asa_se + 0.05


# -- determinism and the clock -------------------------------------------------------------------


def test_same_seed_same_events_whatever_the_steps() -> None:
    end = BANK_START + 10 * HOUR
    sim_a, one = _started(BANK, 11, BANK_START)
    one += sim_a.advance(end)

    sim_b, many = _started(BANK, 11, BANK_START)
    rng, t = random.Random(5), BANK_START
    while t < end:
        prev, t = t, min(end, t + rng.choice([0, 1, 7, 999, 20_000, 3 * MINUTE, 41 * MINUTE]))
        got = sim_b.advance(t)
        assert all(prev <= at <= t for at, _ in got)
        assert sim_b.now_ms == t
        many += got

    sim_c, stepwise = _started(BANK, 11, BANK_START)
    while (nxt := sim_c.next_event_ms()) is not None and nxt <= end:
        stepwise += sim_c.advance(nxt)
    stepwise += sim_c.advance(end)

    assert len(one) > 10_000
    assert one == many == stepwise
    assert [t for t, _ in one] == sorted(t for t, _ in one)
    assert sim_a.counters() == sim_b.counters() == sim_c.counters()

    sim_d, other = _started(BANK, 12, BANK_START)
    other += sim_d.advance(end)
    assert other != one


def test_advance_returns_only_events_in_the_step() -> None:
    sim, _ = _started(BANK, 2, BANK_START)
    prev = BANK_START
    for step in (1, 500, 90_000, 7 * MINUTE, HOUR):
        got = sim.advance(prev + step)
        assert all(prev <= t <= prev + step for t, _ in got)
        prev += step
    assert sim.advance(prev - 10_000) == []  # the clock never runs back
    assert sim.now_ms == prev


def test_bootstrap_runs_once_and_first() -> None:
    sim = Simulator(BANK, seed=1, start_ms=BANK_START)
    with pytest.raises(RuntimeError):
        sim.advance(BANK_START + 1000)
    sim.bootstrap()
    with pytest.raises(RuntimeError):
        sim.bootstrap()


# -- the fresh centre and FloorState --------------------------------------------------------------


@pytest.fixture(scope="module")
def bank_day() -> tuple[Simulator, list[EventAt], list[FloorState]]:
    """30 hours of the default centre, with FloorState checked against the simulator every 3 hours."""
    sim, boot = _started(BANK, 7, BANK_START)
    events = list(boot)
    state = _fold(boot)
    assert_agrees(sim, state)
    for h in range(3, 31, 3):
        got = sim.advance(BANK_START + h * HOUR)
        _fold(got, state)
        assert_agrees(sim, state)
        events += got
    return sim, events, [state]


def test_bootstrap_establishes_the_centre(
    bank_day: tuple[Simulator, list[EventAt], list[FloorState]],
) -> None:
    _, events, _ = bank_day
    boot = [d for t, d in events if t == BANK_START]
    kinds = [type(d) for d in boot]
    n_agents = sum(t.agents for t in BANK.teams)
    assert kinds[0] is CentreConfigured
    assert kinds[1 : 1 + len(BANK.queues)] == [QueueConfigured] * len(BANK.queues)
    added = [d.agent for d in boot if isinstance(d, AgentAdded)]
    assert len(added) == n_agents and all(a.state is AgentState.OFFLINE for a in added)
    assert [a.id for a in added] == [f"A{i:03d}" for i in range(1, n_agents + 1)]
    assert len({a.name for a in added}) == n_agents
    centre = next(d.centre for d in boot if isinstance(d, CentreConfigured))
    assert (centre.name, centre.timezone, centre.day_starts) == (BANK.centre.name, "Asia/Shanghai", "06:00")
    # At 08:00 the early, cards, complaints and VIP teams are on shift; the evening and night teams are not.
    logged_in = {
        d.agent_id for d in boot if isinstance(d, AgentStateChanged) and d.state is AgentState.AVAILABLE
    }
    by_team = Counter(a.team for a in added if a.id in logged_in)
    assert by_team == {
        "General enquiries (early)": 19,
        "Card services": 16,
        "Complaint handling": 15,
        "Priority service": 15,
    }
    backlog = [d.case for d in boot if isinstance(d, CaseCreated)]
    assert BANK.cases is not None and len(backlog) == BANK.cases.initial_backlog
    assert all(to_ms(c.created_at) < BANK_START for c in backlog)
    overdue = [
        c for c in backlog if to_ms(c.resolution_due) < BANK_START or to_ms(c.first_response_due) < BANK_START
    ]
    assert overdue  # some of the backlog is already late
    assert {c.status for c in backlog} >= {CaseStatus.INTAKE, CaseStatus.REFERRED, CaseStatus.RESOLUTION}


def test_every_event_applies_and_ids_are_well_formed(
    bank_day: tuple[Simulator, list[EventAt], list[FloorState]],
) -> None:
    sim, events, (state,) = bank_day
    assert state.skipped == 0
    queued = [d for _, d in events if isinstance(d, CallQueued)]
    assert len(queued) > 2000
    ids = [d.call_id for d in queued]
    assert all(re.fullmatch(r"K\d{7}", i) for i in ids) and ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"1[3578]\d\*{4}\d{4}", d.caller) for d in queued)
    cases = [d.case for _, d in events if isinstance(d, CaseCreated)]
    assert all(
        re.fullmatch(r"CS-\d{6}", c.id) and re.fullmatch(r"1\d\d\*{4}\d{4}", c.customer) for c in cases
    )
    assert sim.counters()["call"] == int(ids[-1][1:])
    assert sim.counters()["case"] == max(int(c.id[3:]) for c in cases)
    kinds = Counter(type(d).__name__ for _, d in events)
    # ring_s = 3 in the bank centre: every answer rings first; a few callers hang up while it rings.
    assert 0 < kinds["CallAnswered"] <= kinds["CallRinging"] < kinds["CallAnswered"] + kinds["CallAbandoned"]
    assert kinds["CallAbandoned"] > 0 and kinds["CaseUpdated"] > 0


def test_agent_state_machine_and_routing(bank_day: tuple[Simulator, list[EventAt], list[FloorState]]) -> None:
    """Replay the feed with an independent observer that checks every routing decision."""
    _, events, _ = bank_day
    skills: dict[str, set[str]] = {}
    order: dict[str, int] = {}
    state: dict[str, AgentState] = {}
    idle_since: dict[str, int] = {}
    talking: dict[str, str] = {}  # agent -> call on the line
    waiting: dict[str, tuple[str, int, int, int]] = {}  # call -> (queue, priority, entered, arrival no)
    ended: set[str] = set()
    checked = 0

    def no_idle_agent_for_waiting_calls() -> None:
        free = [a for a, s in state.items() if s is AgentState.AVAILABLE]
        for q, *_ in waiting.values():
            assert not any(q in skills[a] for a in free), f"a call waits in {q} while a skilled agent is free"

    last_t = None
    for n, (t, d) in enumerate(events):
        if t != last_t and last_t is not None:
            no_idle_agent_for_waiting_calls()
        last_t = t
        if isinstance(d, AgentAdded):
            skills[d.agent.id] = set(d.agent.skills)
            order[d.agent.id] = len(order)
            state[d.agent.id] = d.agent.state
        elif isinstance(d, AgentStateChanged):
            old = state[d.agent_id]
            if old is AgentState.ON_CALL:
                assert talking.pop(d.agent_id) in ended, "an agent left a call that had not ended"
            assert d.state is not old or d.reason is not None
            if d.state is AgentState.ON_CALL:
                assert d.agent_id in talking
            state[d.agent_id] = d.state
            if d.state is AgentState.AVAILABLE:
                idle_since[d.agent_id] = t
        elif isinstance(d, CallQueued):
            waiting[d.call_id] = (d.queue_id, d.priority, t, n)
        elif isinstance(d, CallRinging | CallAnswered) and d.call_id in waiting:
            queue, prio, entered, arrival = waiting.pop(d.call_id)
            agent = d.agent_id
            assert state[agent] is AgentState.AVAILABLE and queue in skills[agent]
            # The best waiting call in the agent's skills: priority first, then arrival.
            for other_q, other_p, other_t, other_n in waiting.values():
                if other_q in skills[agent]:
                    assert (-prio, entered, arrival) < (-other_p, other_t, other_n)
            # The longest-idle skilled agent.
            rivals = [
                a for a, s in state.items() if s is AgentState.AVAILABLE and queue in skills[a] and a != agent
            ]
            for a in rivals:
                assert (idle_since[agent], order[agent]) < (idle_since[a], order[a])
            checked += 1
            if isinstance(d, CallAnswered):
                talking[agent] = d.call_id
        elif isinstance(d, CallAnswered):
            talking[d.agent_id] = d.call_id
        elif isinstance(d, CallAbandoned):
            waiting.pop(d.call_id, None)
        elif isinstance(d, CallEnded):
            ended.add(d.call_id)
    assert checked > 2000


def test_breaks_and_shifts(bank_day: tuple[Simulator, list[EventAt], list[FloorState]]) -> None:
    _, events, _ = bank_day
    team = {d.agent.id: d.agent.team for _, d in events if isinstance(d, AgentAdded)}
    reasons = Counter(d.reason for _, d in events if isinstance(d, AgentStateChanged) and d.reason)
    assert reasons["break"] > 100 and reasons["lunch"] > 50
    assert set(reasons) <= {"break", "lunch", "training", "meeting", "coaching"}
    # Breaks end on their own: no simulated break lasts over two hours.
    since: dict[str, tuple[int, str | None]] = {}
    longest = 0
    for t, d in events:
        if isinstance(d, AgentStateChanged):
            prev = since.get(d.agent_id)
            if prev is not None and prev[1] is not None:
                longest = max(longest, t - prev[0])
            since[d.agent_id] = (t, d.reason)
    assert 0 < longest < 2 * HOUR

    def logged_in_at(at: int) -> Counter[str]:
        s: dict[str, AgentState] = {}
        for t, d in events:
            if t > at:
                break
            if isinstance(d, AgentStateChanged):
                s[d.agent_id] = d.state
        return Counter(team[a] for a, st in s.items() if st is not AgentState.OFFLINE)

    assert set(logged_in_at(BANK_START + 19 * HOUR + 30 * MINUTE)) == {"Night service"}  # 03:30
    day = logged_in_at(BANK_START + 2 * HOUR + 30 * MINUTE)  # 10:30
    assert (
        "Night service" not in day and day["Loans & back-up"] == 15 and day["General enquiries (early)"] == 19
    )


def test_cases_move_through_the_workflow(bank_day: tuple[Simulator, list[EventAt], list[FloorState]]) -> None:
    _, events, _ = bank_day
    allowed = {
        ("intake", "triage"),
        ("triage", "referred"),
        ("referred", "awaiting_customer"),
        ("referred", "resolution"),
        ("awaiting_customer", "resolution"),
        ("resolution", "callback"),
        ("callback", "closed"),
    }
    handlers = {
        d.agent.id for _, d in events if isinstance(d, AgentAdded) and d.agent.team == "Complaint handling"
    }
    cases: dict[str, dict[str, Any]] = {}
    paused: dict[str, int] = {}
    open_counts: list[int] = []
    late_first = triaged = resumed = 0
    for t, d in events:
        if isinstance(d, CaseCreated):
            cases[d.case.id] = msgspec.to_builtins(d.case)
        elif isinstance(d, CaseUpdated):
            case = cases[d.case_id]
            assert d.version == case.get("version", 1) + 1
            new = d.changes["status"]
            assert (case["status"], new) in allowed
            if new == "triage":
                triaged += 1
                assert d.changes["first_response_at"] == iso(t) and d.changes["agent_id"] in handlers
                late_first += t > to_ms(case["first_response_due"])
            if new == "awaiting_customer":
                paused[d.case_id] = t
            if case["status"] == "awaiting_customer":
                # The resolution clock stood still while the bank waited on the customer.
                pushed = to_ms(d.changes["resolution_due"]) - to_ms(case["resolution_due"])
                if d.case_id in paused:
                    assert pushed == t - paused.pop(d.case_id)
                else:  # paused before the simulation started (backlog)
                    assert pushed > 0
                resumed += 1
            case.update(d.changes, version=d.version)
            if new == "closed":
                del cases[d.case_id]
        open_counts.append(len(cases))
    assert BANK.cases is not None
    backlog = BANK.cases.initial_backlog
    assert 0.6 * backlog < min(open_counts[len(open_counts) // 10 :]) and max(open_counts) < 1.5 * backlog
    assert triaged > 50 and 0 < late_first < 0.3 * triaged  # a minority misses the first-response deadline
    assert resumed > 5


# -- supervisor commands -------------------------------------------------------------------------


def _agent_in(sim: Simulator, state: AgentState, team_prefix: str = "A0") -> str:
    return next(a for a, (s, _, _) in sim.agents_view().items() if s is state and a.startswith(team_prefix))


def test_set_state_during_a_call_is_deferred_until_after_wrap_up() -> None:
    sim, boot = _started(BANK, 3, BANK_START + 2 * HOUR)  # 10:00, busy
    state = _fold(boot)
    _fold(sim.advance(sim.now_ms + 20 * MINUTE), state)
    agent = _agent_in(sim, AgentState.ON_CALL)
    got, deferred = sim.set_agent_state(agent, AgentState.NOT_READY, "meeting")
    assert deferred and got == [
        (sim.now_ms, AgentPending(agent_id=agent, state=AgentState.NOT_READY, reason="meeting"))
    ]
    _fold(got, state)
    assert state.agents[agent].pending_state is AgentState.NOT_READY
    seen: list[AgentState] = []
    for _ in range(120):
        for _, d in (step := sim.advance(sim.now_ms + 10_000)):
            if isinstance(d, AgentStateChanged) and d.agent_id == agent:
                seen.append(d.state)
            assert not (
                isinstance(d, CallRinging | CallAnswered)
                and d.agent_id == agent
                and AgentState.NOT_READY in seen
            )
        _fold(step, state)
        if AgentState.NOT_READY in seen:
            break
    assert seen[-1] is AgentState.NOT_READY and AgentState.AVAILABLE not in seen
    assert set(seen) <= {AgentState.WRAP_UP, AgentState.NOT_READY}
    assert state.agents[agent].reason == "meeting" and state.agents[agent].pending_state is None
    # A supervisor's not-ready stays: no break ends it and no call reaches the agent.
    later = sim.advance(sim.now_ms + 3 * HOUR)
    _fold(later, state)
    assert not any(getattr(d, "agent_id", None) == agent for _, d in later)
    assert sim.agents_view()[agent] == (AgentState.NOT_READY, "meeting", None)
    assert sim.set_agent_state(agent, AgentState.NOT_READY, "meeting") == ([], False)
    got, deferred = sim.set_agent_state(agent, AgentState.AVAILABLE, None)
    assert not deferred and got[0] == (
        sim.now_ms,
        AgentStateChanged(agent_id=agent, state=AgentState.AVAILABLE),
    )
    _fold(got, state)
    assert_agrees(sim, state)


def test_deferred_not_ready_at_shift_end_logs_the_agent_out() -> None:
    sim, boot = _started(BANK, 5, BANK_START + 7 * HOUR + 52 * MINUTE)  # 15:52, early team leaves at 16:00
    state = _fold(boot)
    _fold(sim.advance(BANK_START + 8 * HOUR + 5 * MINUTE + 30_000), state)  # past every jittered shift end
    early = {a.id for a in state.agents.values() if a.team == "General enquiries (early)"}
    agent = next(a for a, (s, _, _) in sim.agents_view().items() if s is AgentState.ON_CALL and a in early)
    _fold(sim.set_agent_state(agent, AgentState.NOT_READY, "meeting")[0], state)
    assert state.agents[agent].pending_state is AgentState.NOT_READY
    later = sim.advance(sim.now_ms + HOUR)
    _fold(later, state)
    mine = [d for _, d in later if getattr(d, "agent_id", None) == agent and not isinstance(d, CallAnswered)]
    assert mine[-2:] == [
        AgentPending(agent_id=agent, state=None),
        AgentStateChanged(agent_id=agent, state=AgentState.OFFLINE),
    ]
    assert state.agents[agent].pending_state is None
    assert not any(s is not AgentState.OFFLINE for a, (s, _, _) in sim.agents_view().items() if a in early)
    assert_agrees(sim, state)


def test_immediate_commands_login_logout_and_no_routing_while_not_ready() -> None:
    sim, boot = _started(BANK, 4, BANK_START + 2 * HOUR)
    state = _fold(boot)
    _fold(sim.advance(sim.now_ms + 10 * MINUTE), state)
    # An available agent goes not ready at once and gets no calls.
    agent = _agent_in(sim, AgentState.AVAILABLE)
    got, deferred = sim.set_agent_state(agent, AgentState.NOT_READY, "coaching")
    assert not deferred and got == [
        (sim.now_ms, AgentStateChanged(agent_id=agent, state=AgentState.NOT_READY, reason="coaching"))
    ]
    _fold(got, state)
    later = sim.advance(sim.now_ms + HOUR)
    _fold(later, state)
    assert not any(isinstance(d, CallRinging | CallAnswered) and d.agent_id == agent for _, d in later)
    # An offline night agent logs in during the day and starts taking calls.
    night = _agent_in(sim, AgentState.OFFLINE, "A1")
    got, deferred = sim.set_agent_state(night, AgentState.AVAILABLE, None)
    assert not deferred and got[0] == (
        sim.now_ms,
        AgentStateChanged(agent_id=night, state=AgentState.AVAILABLE),
    )
    _fold(got, state)
    later = sim.advance(sim.now_ms + HOUR)
    _fold(later, state)
    assert any(isinstance(d, CallAnswered) and d.agent_id == night for _, d in later)
    # Logging out a busy agent waits for the call to end.
    busy = _agent_in(sim, AgentState.ON_CALL)
    got, deferred = sim.set_agent_state(busy, AgentState.OFFLINE, None)
    assert deferred and got == [(sim.now_ms, AgentPending(agent_id=busy, state=AgentState.OFFLINE))]
    _fold(got, state)
    later = sim.advance(sim.now_ms + HOUR)
    _fold(later, state)
    assert sim.agents_view()[busy][0] is AgentState.OFFLINE
    mine = [d.state for _, d in later if isinstance(d, AgentStateChanged) and d.agent_id == busy]
    assert mine[-1] is AgentState.OFFLINE and AgentState.AVAILABLE not in mine
    assert_agrees(sim, state)
    with pytest.raises(KeyError):
        sim.set_agent_state("A999", AgentState.AVAILABLE, None)
    with pytest.raises(ValueError, match="on_call"):
        sim.set_agent_state(agent, AgentState.ON_CALL, None)
    assert sim.has_agent(agent) and not sim.has_agent("A999")


def test_ringing_and_abandon_while_ringing(tmp_path: Path) -> None:
    path = tmp_path / "ring.toml"
    path.write_text(
        """
[centre]
name = "Slow phones"
ring_s = 8

[[queues]]
id = "q"
name = "Q"
arrivals_per_hour = 90
handle_time = { dist = "exponential", mean_s = 100 }
patience = { dist = "exponential", mean_s = 12 }

[[teams]]
id = "t"
agents = 3
skills = ["q"]
""",
        encoding="utf-8",
    )
    sim, events = _started(load_scenario(path), 9, 0)
    events += sim.advance(20 * HOUR)
    state = _fold(events)
    assert_agrees(sim, state)
    rang: dict[str, tuple[int, str]] = {}
    abandoned_ringing = 0
    for i, (t, d) in enumerate(events):
        if isinstance(d, CallRinging):
            rang[d.call_id] = (t, d.agent_id)
            assert events[i + 1][1] == AgentStateChanged(agent_id=d.agent_id, state=AgentState.RINGING)
        elif isinstance(d, CallAnswered):
            assert rang[d.call_id] == (t - 8000, d.agent_id)
        elif isinstance(d, CallAbandoned) and d.call_id in rang:
            abandoned_ringing += 1
            agent = rang[d.call_id][1]
            assert events[i + 1] == (t, AgentStateChanged(agent_id=agent, state=AgentState.AVAILABLE))
    assert abandoned_ringing > 10


def test_routing_entries_of_a_quiet_queue_stay_bounded(tmp_path: Path) -> None:
    """Agents skilled for a queue that never rings leave no unbounded trail of routing entries."""
    path = tmp_path / "quiet.toml"
    path.write_text(
        """
[centre]
name = "Quiet line"

[[queues]]
id = "busy"
name = "Busy"
arrivals_per_hour = 300
handle_time = { dist = "exponential", mean_s = 30 }

[[queues]]
id = "quiet"
name = "Quiet"
arrivals_per_hour = 0
handle_time = { dist = "exponential", mean_s = 30 }

[[teams]]
id = "t"
agents = 4
skills = ["busy", "quiet"]
""",
        encoding="utf-8",
    )
    sim, events = _started(load_scenario(path), 3, 0)
    events += sim.advance(48 * HOUR)
    assert sum(isinstance(d, CallAnswered) for _, d in events) > 10_000
    assert len(sim._queues["quiet"].avail) <= 4 * 4 + 64
    assert_agrees(sim, _fold(events))


# -- restore / adopt ---------------------------------------------------------------------------


def _restored_copy(state: FloorState) -> FloorState:
    """What the gateway rebuilds from its database: the state through an encode/decode round trip."""
    restored = FloorState()
    restored.load_snapshot(msgspec.json.decode(msgspec.json.encode(state.to_snapshot()), type=Snapshot))
    return restored


def test_restore_adopts_the_floor_and_continues_ids() -> None:
    sim_a, events = _started(BANK, 21, BANK_START)
    events += sim_a.advance(BANK_START + 5 * HOUR)  # 13:00
    state = _fold(events)
    restored = _restored_copy(state)
    before_agents = {a.id: (a.state, a.reason) for a in restored.agents.values()}
    before_calls = {c.id: c for c in restored.calls.values()}
    assert any(c.state is CallState.TALKING for c in before_calls.values())
    start_b = to_ms(state.at or "") + 7_000
    untouched = msgspec.json.encode(restored.to_snapshot())
    sim_b, boot = _started(BANK, 99, start_b, restored=restored, counters=sim_a.counters())
    assert msgspec.json.encode(restored.to_snapshot()) == untouched  # the gateway keeps using its state
    assert not any(
        isinstance(d, CentreConfigured | QueueConfigured | AgentAdded | AgentRemoved) for _, d in boot
    )
    _fold(boot, state)
    assert_agrees(sim_b, state)
    changed = {d.agent_id for _, d in boot if isinstance(d, AgentStateChanged)}
    for aid, (st, reason) in before_agents.items():
        if aid not in changed:
            assert (state.agents[aid].state, state.agents[aid].reason) == (st, reason)
    for cid, c in before_calls.items():
        if cid in state.calls:
            assert state.calls[cid].entered_at == c.entered_at
    later = sim_b.advance(start_b + 4 * HOUR)
    _fold(later, state)
    assert_agrees(sim_b, state)
    ended = {d.call_id for _, d in later if isinstance(d, CallEnded | CallAbandoned)}
    assert set(before_calls) <= ended  # every call in progress at the restart was finished
    old_max = sim_a.counters()["call"]
    new_ids = [int(d.call_id[1:]) for _, d in later if isinstance(d, CallQueued)]
    assert new_ids and min(new_ids) == old_max + 1
    old_cases = {c for c in restored.cases}
    assert any(isinstance(d, CaseUpdated) and d.case_id in old_cases for _, d in later)
    new_cases = [d.case.id for _, d in later if isinstance(d, CaseCreated) and d.case.reopened == 0]
    assert new_cases and min(new_cases) > max(old_cases)


def test_restore_without_counters_still_never_reuses_ids() -> None:
    sim_a, events = _started(BANK, 22, BANK_START)
    events += sim_a.advance(BANK_START + HOUR)
    state = _fold(events)
    sim_b, _ = _started(BANK, 23, to_ms(state.at or "") + 1000, restored=_restored_copy(state))
    assert sim_b.counters()["call"] >= max(int(c[1:]) for c in state.calls)
    assert sim_b.counters()["case"] >= max(int(c[3:]) for c in state.cases)


def _modified_bank(tmp_path: Path, night_agents: int) -> Scenario:
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8")
    text = text.replace('name = "Loans"', 'name = "Loans & mortgages"')
    text = text.replace('name = "Retail Bank Customer Service Centre"', 'name = "Retail Bank Hotline"')
    every_line = '["accounts", "transfers", "cards", "loans", "complaints", "vip"]'
    night = f'agents = 15\nskills = {every_line}\nshift = "22:00'
    assert night in text
    text = text.replace(night, night.replace("agents = 15", f"agents = {night_agents}"))
    path = tmp_path / "changed.toml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


@pytest.mark.parametrize("night_agents", [10, 18])
def test_restore_with_a_changed_scenario_emits_the_differences(tmp_path: Path, night_agents: int) -> None:
    sim_a, events = _started(BANK, 31, BANK_START)
    events += sim_a.advance(BANK_START + 15 * HOUR + 20 * MINUTE)  # 23:20, the night team is on
    state = _fold(events)
    restored = _restored_copy(state)
    changed = _modified_bank(tmp_path, night_agents)
    start_b = to_ms(state.at or "") + 2_000
    sim_b, boot = _started(changed, 32, start_b, restored=restored, counters=sim_a.counters())
    centre = [d.centre for _, d in boot if isinstance(d, CentreConfigured)]
    assert [c.name for c in centre] == ["Retail Bank Hotline"]
    assert [d.queue_id for _, d in boot if isinstance(d, QueueConfigured)] == ["loans"]
    removed_now = {d.agent_id for _, d in boot if isinstance(d, AgentRemoved)}
    added = {d.agent.id for _, d in boot if isinstance(d, AgentAdded)}
    _fold(boot, state)
    assert state.skipped == 0 and state.centre.name == "Retail Bank Hotline"
    assert state.queues["loans"].name == "Loans & mortgages"
    assert state.queues["loans"].today.offered > 0  # the day's figures are kept
    gone = {f"A{i}" for i in range(116 + night_agents, 131)}
    if night_agents < 15:
        assert removed_now <= gone and not added
        for aid in removed_now:
            assert restored.agents[aid].state not in BUSY
        busy_gone = gone - removed_now
        assert all(restored.agents[a].state in BUSY for a in busy_gone)
    else:
        assert added == {f"A{i}" for i in range(131, 116 + night_agents)} and not removed_now
        logged = [d for _, d in boot if isinstance(d, AgentStateChanged) and d.agent_id in added]
        assert {d.state for d in logged} == {AgentState.AVAILABLE}  # on shift: logged in at once
    later = sim_b.advance(start_b + HOUR)
    _fold(later, state)
    assert_agrees(sim_b, state)
    if night_agents < 15:
        assert not gone & set(state.agents)  # the busy ones left once their calls were done
        assert not any(isinstance(d, CallRinging) and d.agent_id in gone for _, d in later)


def test_restore_routes_waiting_calls_by_priority_then_arrival_to_the_longest_idle(tmp_path: Path) -> None:
    path = tmp_path / "two.toml"
    path.write_text(
        """
[centre]
name = "Two lines"

[[queues]]
id = "lo"
name = "Low"
arrivals_per_hour = 0
priority = 1
handle_time = { dist = "fixed", mean_s = 600 }

[[queues]]
id = "hi"
name = "High"
arrivals_per_hour = 0
priority = 9
handle_time = { dist = "fixed", mean_s = 600 }

[[teams]]
id = "t"
agents = 3
skills = ["lo", "hi"]
""",
        encoding="utf-8",
    )
    s = load_scenario(path)
    state = _fold(_started(s, 1, 0)[1])
    # Agents free since different times; calls waiting: a low one first, then two high ones.
    feed: list[EventAt] = [
        (1000, AgentStateChanged(agent_id="A001", state=AgentState.NOT_READY)),
        (2000, AgentStateChanged(agent_id="A003", state=AgentState.NOT_READY)),
        (3000, AgentStateChanged(agent_id="A003", state=AgentState.AVAILABLE)),
        (4000, AgentStateChanged(agent_id="A001", state=AgentState.AVAILABLE)),
    ]
    for t, cid, q, p in [
        (5000, "K0000001", "lo", 1),
        (6000, "K0000002", "hi", 9),
        (7000, "K0000003", "hi", 9),
    ]:
        feed.append((t, CallQueued(call_id=cid, queue_id=q, priority=p, caller="138****0000")))
    _fold(feed, state)
    # A002 has been idle since 0, A003 since 3 s, A001 since 4 s.
    sim, boot = _started(s, 2, 10_000, restored=_restored_copy(state))
    answered = [(d.call_id, d.agent_id) for _, d in boot if isinstance(d, CallAnswered)]
    assert answered == [("K0000002", "A002"), ("K0000003", "A003"), ("K0000001", "A001")]
    _fold(boot, state)
    assert_agrees(sim, state)
    assert sim.counters()["call"] == 3


# -- speed ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "speedup"), [("single_queue", 5000), ("bank", 100)])
def test_keeps_pace_in_real_time(name: str, speedup: int) -> None:
    s = load_scenario(resolve_scenario(name))
    sim, _ = _started(s, 1, BANK_START)
    began = time.perf_counter()
    sim.advance(BANK_START + 24 * HOUR)
    elapsed = time.perf_counter() - began
    assert elapsed < 24 * 3600 / speedup, f"{name}: a simulated day took {elapsed:.2f} s"
