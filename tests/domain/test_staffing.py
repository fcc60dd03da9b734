"""The staffing advisor (console.domain.staffing) on the real simulator and on floors built by hand.

Tolerances are four standard errors computed from the sample sizes: a Poisson count n over a
window has sd √n; a mean of N exponential handle times has sd mean/√N; the exponential
patience's MLE (abandons ÷ exposure) has relative sd 1/√abandons.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pytest

from console.domain import staffing
from console.domain.clock import iso, to_ms
from console.domain.entities import (
    BUCKET_MS,
    Agent,
    AgentState,
    Bucket,
    Call,
    Centre,
    DayFigures,
    Queue,
    SlDefinition,
)
from console.domain.erlang import ErlangA, ErlangC
from console.domain.events import make_event
from console.domain.figures import formulas
from console.domain.history import DayReport, QueueDay
from console.domain.staffing import Move, Reason
from console.domain.state import FloorState
from console.feeds.sources.simulator.engine import Simulator
from console.feeds.sources.simulator.scenario import load_scenario, resolve_scenario

T0 = to_ms("2026-03-02T06:00:00.000Z")
HOUR = 3_600_000
Z = 4.0  # standard errors allowed


class Run:
    """The simulator on a scenario, folded into a FloorState (the console's reducer)."""

    def __init__(self, scenario: Path, seed: int = 1) -> None:
        self.sim = Simulator(load_scenario(scenario), seed=seed, start_ms=T0)
        self.state = FloorState()
        self.seq = 0
        self.now = T0
        self.events: list[tuple[int, object]] = []
        self._fold(self.sim.bootstrap())

    def _fold(self, items: Sequence[tuple[int, object]]) -> None:
        for t, payload in items:
            self.seq += 1
            self.state.apply(make_event(self.seq, iso(t), payload))
        self.events.extend(items)

    def until(self, t_ms: int) -> None:
        self._fold(self.sim.advance(t_ms))
        self.now = t_ms
        self.state.advance_clock(iso(t_ms))


def _scenario(tmp: Path, name: str, **subs: str) -> Path:
    text = resolve_scenario(name).read_text()
    for old, new in subs.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp / f"{name}.toml"
    path.write_text(text)
    return path


def _independent_needed(
    arrivals: float,
    aht: float,
    patience: float | None,
    centre: Centre,
    *,
    threshold: float = 20.0,
    target: float = 0.8,
) -> int:
    """The fewest agents meeting the target, by a plain upward search with the Erlang classes."""
    c = 1
    while True:
        if patience is None:
            if arrivals * aht / 3600.0 < c and ErlangC(arrivals, aht, c).service_level(threshold) >= target:
                return c
        else:
            model = ErlangA(arrivals, aht, patience, c)
            if model.service_level(threshold, centre.sl_definition, centre.short_abandon_s) >= target:
                return c
        c += 1


# -- (a) the estimates converge on the scenarios' parameters -----------------------------------


@pytest.mark.parametrize("name", ["single_queue", "erlang_c"])
def test_arrival_rate_per_window_and_pooled_is_the_scenarios(name: str) -> None:
    run = Run(resolve_scenario(name))
    rates: list[float] = []
    for k in range(1, 17):  # windows of 25 minutes at bucket edges: disjoint
        run.until(T0 + k * 25 * 60_000)
        i = staffing.estimate_inputs(run.state, run.now)["q1"]
        assert i.window_s == 1500.0 and i.window_start_ms == run.now - 1_500_000
        expected = 200.0 * i.window_s / 3600.0  # calls in the window
        assert abs(i.offered_in_window - expected) <= Z * math.sqrt(expected)
        assert i.arrivals_per_hour == pytest.approx(i.offered_in_window * 3600.0 / i.window_s)
        assert i.arrivals_per_hour is not None
        rates.append(i.arrivals_per_hour)
    total = 200.0 * 16 * 1500 / 3600
    assert abs(sum(rates) / 16 - 200.0) <= Z * math.sqrt(total) / total * 200.0


@pytest.mark.parametrize("name", ["single_queue", "erlang_c"])
def test_aht_patience_and_needed_on_the_scenarios(name: str) -> None:
    run = Run(resolve_scenario(name))
    run.until(T0 + 12 * HOUR)
    i = staffing.estimate_inputs(run.state, run.now)["q1"]
    assert i.aht_s is not None
    assert abs(i.aht_s - 180.0) <= Z * 180.0 / math.sqrt(i.handled)
    if name == "erlang_c":
        assert i.patience_s is None and i.abandons == 0
    else:
        assert i.patience_s is not None and i.abandons > 0
        assert abs(1 / i.patience_s - 1 / 300.0) <= Z * (1 / 300.0) / math.sqrt(i.abandons)
    assert i.staffed == 14.0 and i.staffed_agents == 14
    [advice] = staffing.advise(run.state, run.now)
    assert i.arrivals_per_hour is not None
    want = _independent_needed(i.arrivals_per_hour, i.aht_s, i.patience_s, run.state.centre)
    assert advice.needed == want and advice.reason is None
    assert advice.gap == 14 - want
    assert advice.model is (staffing.Model.ERLANG_C if name == "erlang_c" else staffing.Model.ERLANG_A)
    assert advice.predicted_sl is not None and 0.0 <= advice.predicted_sl <= 1.0
    assert advice.prediction_reason is None


def test_patience_converges_where_many_callers_abandon(tmp_path: Path) -> None:
    # single_queue on 10 agents: 10 erlangs, so a good share of callers runs out of patience.
    run = Run(_scenario(tmp_path, "single_queue", **{"agents = 14": "agents = 10"}))
    run.until(T0 + 16 * HOUR)
    i = staffing.estimate_inputs(run.state, run.now)["q1"]
    assert i.abandons > 250 and i.patience_s is not None
    assert abs(1 / i.patience_s - 1 / 300.0) <= Z * (1 / 300.0) / math.sqrt(i.abandons)


# -- (e) the reducer's wait_abandoned_s ----------------------------------------------------------


def test_wait_abandoned_is_the_sum_over_the_abandon_events(tmp_path: Path) -> None:
    run = Run(_scenario(tmp_path, "single_queue", **{"agents = 14": "agents = 10"}))
    run.until(T0 + 3 * HOUR)
    entered: dict[str, int] = {}
    total = 0.0
    by_bucket: dict[int, float] = {}
    day0 = to_ms(run.state.centre.day_started_at or "")
    for t, payload in run.events:
        kind = type(payload).__name__
        if kind == "CallQueued":
            entered[payload.call_id] = t  # type: ignore[attr-defined]
        elif kind == "CallAbandoned":
            wait = (t - entered[payload.call_id]) / 1000.0  # type: ignore[attr-defined]
            total += wait
            start = day0 + (t - day0) // BUCKET_MS * BUCKET_MS
            by_bucket[start] = by_bucket.get(start, 0.0) + wait
    q = run.state.queues["q1"]
    assert total > 0
    assert q.today.wait_abandoned_s == pytest.approx(total, rel=1e-12)
    got = {to_ms(b.start): b.wait_abandoned_s for b in q.buckets if b.wait_abandoned_s}
    assert got.keys() == by_bucket.keys()
    for start, wait in by_bucket.items():
        assert got[start] == pytest.approx(wait, rel=1e-12)


# -- floors built by hand ------------------------------------------------------------------------

NOW = to_ms("2026-03-02T10:00:00.000Z")
DAY0 = "2026-03-02T00:00:00.000Z"


def _floor(*queues: Queue, agents: tuple[Agent, ...] = (), centre: Centre | None = None) -> FloorState:
    state = FloorState(centre or Centre(name="c", day_started_at=DAY0))
    state.queues = {q.id: q for q in queues}
    state.agents = {a.id: a for a in agents}
    return state


def _queue(
    qid: str, per_hour: float = 0.0, aht: float | None = None, abandons: int = 0, wait_s: float = 0.0
) -> Queue:
    """A queue with ``per_hour`` arrivals spread over the last 30 minutes' buckets and today's AHT."""
    per_bucket = per_hour / 12.0
    buckets = [Bucket(start=iso(NOW - k * BUCKET_MS), offered=round(per_bucket)) for k in range(6, 0, -1)]
    today = DayFigures(offered=sum(b.offered for b in buckets))
    if aht is not None:
        today.handled = 100
        today.talk_s = 100 * aht
    today.abandoned = abandons
    today.wait_abandoned_s = wait_s
    return Queue(id=qid, name=qid.upper(), sl_threshold_s=20, sl_target_pct=80, today=today, buckets=buckets)


def _agent(aid: str, skills: list[str], state: AgentState = AgentState.AVAILABLE) -> Agent:
    return Agent(id=aid, name=aid, team="t", skills=skills, state=state)


# -- (b) staffed: multi-skilled agents split by load ---------------------------------------------


def test_staffed_splits_shared_agents_by_offered_load() -> None:
    # loads: a = 120/h × 300 s = 10 erl, b = 60/h × 300 s = 5 erl, c: no handled calls → load 0
    state = _floor(
        _queue("a", 120, 300),
        _queue("b", 60, 300),
        _queue("c", 60, None),
        agents=(
            _agent("x1", ["a"]),
            _agent("x2", ["a", "b"], AgentState.ON_CALL),  # 2/3 to a, 1/3 to b
            _agent("x3", ["b", "c"], AgentState.WRAP_UP),  # c has no load: all to b
            _agent("x4", ["c"]),
            _agent("x5", ["a", "b"], AgentState.NOT_READY),  # not serving now
            _agent("x6", ["a", "b", "c"], AgentState.OFFLINE),
            _agent("x7", ["nowhere", "a"]),  # an unknown queue takes no share
        ),
    )
    inputs = staffing.estimate_inputs(state, NOW)
    assert inputs["a"].staffed == pytest.approx(1 + 2 / 3 + 1)
    assert inputs["b"].staffed == pytest.approx(1 / 3 + 1)
    assert inputs["c"].staffed == pytest.approx(1.0)
    assert [inputs[q].staffed_agents for q in "abc"] == [3, 2, 2]
    assert [inputs[q].not_ready for q in "abc"] == [1, 1, 0]
    counted = staffing.estimate_inputs(state, NOW, staffing.AdvisorConfig(count_not_ready=True))
    assert counted["a"].staffed == pytest.approx(1 + 2 / 3 + 1 + 2 / 3)


def test_staffed_splits_equally_when_no_queue_has_load() -> None:
    state = _floor(_queue("a"), _queue("b"), _queue("c"), agents=(_agent("x", ["a", "b", "c"]),))
    inputs = staffing.estimate_inputs(state, NOW)
    assert [inputs[q].staffed for q in "abc"] == pytest.approx([1 / 3] * 3)


def test_patience_counts_callers_still_waiting_until_now() -> None:
    q = _queue("a", 120, 300, abandons=4, wait_s=100.0)
    q.today.wait_answered_s = 500.0
    state = _floor(q)
    state.calls = {
        "k1": Call(id="k1", queue_id="a", priority=0, caller="", entered_at=iso(NOW - 30_000)),
        "k2": Call(id="k2", queue_id="a", priority=0, caller="", entered_at=iso(NOW - 10_000)),
    }
    i = staffing.estimate_inputs(state, NOW)["a"]
    assert i.waited_s == pytest.approx(640.0)
    assert i.patience_s == pytest.approx(160.0)


def test_arrival_window_is_cut_at_the_days_start() -> None:
    start = to_ms(DAY0)
    q = Queue(id="a", name="A", sl_threshold_s=20, sl_target_pct=80)
    q.buckets = [Bucket(start=iso(start), offered=3), Bucket(start=iso(start + BUCKET_MS), offered=2)]
    state = _floor(q)
    now = start + BUCKET_MS + 60_000  # six minutes into the day
    i = staffing.estimate_inputs(state, now)["a"]
    assert i.window_start_ms == start and i.window_s == 360.0
    assert i.arrivals_per_hour == pytest.approx(5 * 3600 / 360)
    assert i.trend_per_hour is None


def test_trend_compares_the_last_fifteen_minutes_with_the_fifteen_before() -> None:
    q = _queue("a")
    q.buckets = [Bucket(start=iso(NOW - k * BUCKET_MS), offered=2 if k > 3 else 5) for k in range(6, 0, -1)]
    i = staffing.estimate_inputs(_floor(q), NOW - 1)["a"]  # just before a bucket edge
    # recent: the last three buckets' 15 minutes less 1 ms; earlier: the three before
    assert i.earlier_per_hour == pytest.approx(6 * 4)
    assert i.recent_per_hour == pytest.approx(15 * 3_600_000 / (3 * BUCKET_MS - 1))
    assert i.recent_per_hour is not None and i.trend_per_hour == pytest.approx(i.recent_per_hour - 24)


# -- (c) degenerate cases ------------------------------------------------------------------------


def test_an_empty_floor_gives_no_advice() -> None:
    assert staffing.advise(FloorState(), NOW) == []
    assert staffing.forecast(FloorState(), NOW) == {}


def test_degenerate_queues_say_why() -> None:
    state = _floor(
        _queue("quiet", 0, 300),
        _queue("new", 120, None),
        _queue("empty", 120, 300),
        _queue("over", 600, 300),  # 50 erl on 10 agents, nobody abandoned: Erlang C has no steady state
        _queue("huge", 12_000_000, 300),
        agents=tuple(_agent(f"o{k}", ["over"]) for k in range(10)),
    )
    advice = {a.queue_id: a for a in staffing.advise(state, NOW)}
    assert (advice["quiet"].needed, advice["quiet"].reason, advice["quiet"].gap) == (
        None,
        Reason.NO_CALLS,
        None,
    )
    assert advice["quiet"].prediction_reason is Reason.NO_CALLS
    assert (advice["new"].needed, advice["new"].reason) == (None, Reason.NO_HANDLED)
    assert advice["empty"].needed is not None and advice["empty"].gap == -advice["empty"].needed
    assert advice["empty"].predicted_sl is None and advice["empty"].prediction_reason is Reason.NO_STAFF
    over = advice["over"]
    assert over.needed is not None and over.needed > 50 and over.gap == 10 - over.needed
    assert over.predicted_sl is None and over.prediction_reason is Reason.UNSTABLE
    assert (advice["huge"].needed, advice["huge"].reason) == (None, Reason.TOO_MANY)


def test_overloaded_erlang_a_still_predicts() -> None:
    q = _queue("a", 600, 300, abandons=50, wait_s=5000.0)  # 50 erl on 10 agents, patience known
    state = _floor(q, agents=tuple(_agent(f"o{k}", ["a"]) for k in range(10)))
    [a] = staffing.advise(state, NOW)
    assert a.model is staffing.Model.ERLANG_A and a.prediction_reason is None
    assert a.predicted_abandon is not None and a.predicted_abandon > 0.5
    assert a.predicted_sl is not None and a.predicted_sl < 0.2


def test_the_erlang_c_choice_overrides_a_known_patience() -> None:
    state = _floor(_queue("a", 120, 300, abandons=5, wait_s=500.0))
    config = staffing.AdvisorConfig(model=staffing.ModelChoice.ERLANG_C)
    [a] = staffing.advise(state, NOW, config)
    assert a.model is staffing.Model.ERLANG_C
    assert a.needed == _independent_needed(120, 300, None, state.centre)


@pytest.mark.parametrize("definition", list(SlDefinition))
def test_needed_follows_the_centres_definition(definition: SlDefinition) -> None:
    centre = Centre(name="c", day_started_at=DAY0, sl_definition=definition, short_abandon_s=5)
    state = _floor(_queue("a", 240, 240, abandons=20, wait_s=2400.0), centre=centre)
    [a] = staffing.advise(state, NOW)
    assert a.inputs.patience_s == pytest.approx(120.0)
    assert a.needed == _independent_needed(240, 240, 120.0, centre)


# -- (d) what if ---------------------------------------------------------------------------------


def _two_queues() -> FloorState:
    return _floor(
        _queue("a", 120, 300),
        _queue("b", 120, 300),
        _queue("c", 0, 300),
        agents=(
            *(_agent(f"a{k}", ["a"]) for k in range(14)),
            *(_agent(f"b{k}", ["b"]) for k in range(8)),
            _agent("ab", ["a", "b", "c"]),
        ),
    )


def test_moving_k_agents_moves_their_staffing_and_predictions() -> None:
    state = _two_queues()
    before = {a.queue_id: a for a in staffing.advise(state, NOW)}
    after = staffing.what_if(state, NOW, [Move("a", "b", 3)])
    assert set(after) == {"a", "b"}
    assert after["a"].staffed == pytest.approx(before["a"].staffed - 3)
    assert after["b"].staffed == pytest.approx(before["b"].staffed + 3)
    assert after["a"].needed == before["a"].needed and after["b"].needed == before["b"].needed
    gaps = [after[q].gap for q in "ab"] + [before[q].gap for q in "ab"]
    sls = [after["a"].predicted_sl, before["a"].predicted_sl]
    assert None not in gaps and None not in sls
    assert after["a"].gap == before["a"].gap - 3 and after["b"].gap == before["b"].gap + 3  # type: ignore[operator]
    assert after["a"].predicted_sl < before["a"].predicted_sl  # type: ignore[operator]
    # b: 10 erlangs on 9 agents, nobody abandoned: Erlang C has no steady state; on 12 it has.
    assert before["b"].predicted_sl is None and before["b"].prediction_reason is Reason.UNSTABLE
    assert after["b"].predicted_sl is not None and after["b"].predicted_sl > 0.5
    # The same as advising a floor where those agents' skills really changed.
    moved = _two_queues()
    for aid in staffing.movable_agents(state, "a", "b")[:3]:
        moved.agents[aid].skills = ["b"]
    really = {a.queue_id: a for a in staffing.advise(moved, NOW)}
    for qid in ("a", "b"):
        assert after[qid] == really[qid]


def test_moving_a_shared_agent_touches_its_other_queues() -> None:
    state = _two_queues()
    state.queues["c"] = _queue("c", 60, 300)
    after = staffing.what_if(state, NOW, [Move("a", "b", ("ab",))])
    assert set(after) == {"a", "b", "c"}  # its share of c changes with its skills
    assert staffing.movable_agents(state, "a", "b")[0] == "a0"  # single-skilled first
    assert "ab" not in staffing.movable_agents(state, "a", "b")  # already skilled for b


@pytest.mark.parametrize(
    "moves",
    [
        [Move("a", "nowhere", 1)],
        [Move("a", "a", 1)],
        [Move("a", "b", 15)],
        [Move("a", "b", -1)],
        [Move("a", "b", ("b0",))],
        [Move("a", "b", ("ghost",))],
    ],
)
def test_impossible_moves_are_refused(moves: list[Move]) -> None:
    with pytest.raises(ValueError):
        staffing.what_if(_two_queues(), NOW, moves)


TWO_QUEUES = """\
[centre]
name = "Two queues"
opens = "00:00"
closes = "24:00"

[[queues]]
id = "a"
name = "A"
arrivals_per_hour = 150
handle_time = {{ dist = "exponential", mean_s = 180 }}
patience = {{ dist = "exponential", mean_s = 300 }}
wrap_up = {{ dist = "fixed", mean_s = 0 }}
sl_threshold_s = 20
sl_target_pct = 80

[[queues]]
id = "b"
name = "B"
arrivals_per_hour = 200
handle_time = {{ dist = "exponential", mean_s = 180 }}
patience = {{ dist = "exponential", mean_s = 300 }}
wrap_up = {{ dist = "fixed", mean_s = 0 }}
sl_threshold_s = 20
sl_target_pct = 80

[[teams]]
id = "ta"
agents = {a}
skills = ["a"]
breaks = false

[[teams]]
id = "tb"
agents = {b}
skills = ["b"]
breaks = false
"""


def test_what_if_prediction_matches_the_simulator_with_the_agents_moved(tmp_path: Path) -> None:
    # Today: 13 agents on a (7.5 erl), 9 on b (10 erl: short). What if 3 move from a to b?
    before = tmp_path / "before.toml"
    before.write_text(TWO_QUEUES.format(a=13, b=9))
    run = Run(before)
    run.until(T0 + 6 * HOUR)
    predicted = staffing.what_if(run.state, run.now, [Move("a", "b", 3)])
    inputs = staffing.estimate_inputs(run.state, run.now)
    # The simulator cannot change an agent's skills while it runs: start it again with the agents
    # already moved (10 on a, 12 on b), and measure b's SL in hourly batches after a warm-up hour.
    after = tmp_path / "after.toml"
    after.write_text(TWO_QUEUES.format(a=10, b=12))
    moved = Run(after, seed=2)
    moved.until(T0 + HOUR)
    batches = []
    for h in range(2, 18):  # 07:00 to midnight, when the day resets
        moved.until(T0 + h * HOUR)
        f = DayFigures()
        for b in moved.state.queues["b"].buckets:
            if T0 + (h - 1) * HOUR <= to_ms(b.start) < T0 + h * HOUR:
                for name in ("offered", "answered", "answered_within", "abandoned", "short_abandons"):
                    setattr(f, name, getattr(f, name) + getattr(b, name))
        sl = formulas.service_level_pct(f, moved.state.centre.sl_definition)
        assert sl is not None
        batches.append(sl / 100.0)
    mean = sum(batches) / len(batches)
    sd = math.sqrt(sum((x - mean) ** 2 for x in batches) / (len(batches) - 1) / len(batches))
    # The prediction's own uncertainty: b's SL at 12 agents over the estimates' error bands.
    i = inputs["b"]
    assert i.arrivals_per_hour and i.aht_s and i.patience_s
    lam_sd = math.sqrt(i.offered_in_window) * 3600.0 / i.window_s
    aht_sd = i.aht_s / math.sqrt(i.handled)
    corners = []
    for lam in (i.arrivals_per_hour - Z * lam_sd, i.arrivals_per_hour + Z * lam_sd):
        for aht in (i.aht_s - Z * aht_sd, i.aht_s + Z * aht_sd):
            for theta_k in (-Z, Z):
                patience = 1 / (1 / i.patience_s * (1 + theta_k / math.sqrt(i.abandons)))
                corners.append(ErlangA(lam, aht, patience, 12).service_level(20.0))
    p = predicted["b"]
    assert p.staffed == 12.0 and predicted["a"].staffed == 10.0
    assert p.predicted_sl is not None
    assert min(corners) <= p.predicted_sl <= max(corners)
    assert min(corners) - Z * sd <= mean <= max(corners) + Z * sd


# -- forecast ------------------------------------------------------------------------------------


def test_forecast_without_history_holds_the_last_hours_level() -> None:
    q = Queue(id="a", name="A", sl_threshold_s=20, sl_target_pct=80)
    q.buckets = [Bucket(start=iso(NOW - k * BUCKET_MS), offered=10) for k in range(12, 0, -1)]
    q.today.handled, q.today.talk_s = 10, 3000.0
    state = _floor(q)
    now = NOW + 60_000
    rows = staffing.forecast(state, now)["a"]
    assert [r.start_ms for r in rows] == [NOW + k * 900_000 for k in range(1, 5)]
    level = 110 * 3_600_000 / (now - (NOW - 11 * BUCKET_MS))  # 11 full buckets and a minute
    for r in rows:
        assert r.arrivals_per_hour == pytest.approx(level)
        assert r.arrivals == pytest.approx(level / 4)
        assert r.needed == _independent_needed(level, 300, None, state.centre)


def test_forecast_scales_the_level_by_the_historical_shape() -> None:
    q = Queue(id="a", name="A", sl_threshold_s=20, sl_target_pct=80)
    q.buckets = [Bucket(start=iso(NOW - k * BUCKET_MS), offered=10) for k in range(12, 0, -1)]
    q.today.handled, q.today.talk_s = 10, 3000.0
    state = _floor(q)
    # Last week: 9:00–10:00 had 60 calls, then 10:15–10:30 had 30 and 10:30–10:45 had 0 (15-min intervals).
    past0 = to_ms("2026-02-23T00:00:00.000Z")
    nine = past0 + 9 * HOUR
    intervals = [Bucket(start=iso(nine + k * 900_000), offered=15) for k in range(4)]
    intervals += [
        Bucket(start=iso(nine + HOUR), offered=15),
        Bucket(start=iso(nine + HOUR + 900_000), offered=30),
        Bucket(start=iso(nine + HOUR + 1_800_000), offered=0),
        Bucket(start=iso(nine + HOUR + 2_700_000), offered=15),
        Bucket(start=iso(nine + 2 * HOUR), offered=60),
    ]
    report = DayReport(
        centre="c",
        timezone="UTC",
        day="2026-02-23",
        starts_at=iso(past0),
        ends_at=iso(past0 + 24 * HOUR),
        complete=True,
        sl_definition=SlDefinition.ABANDONS_FAIL,
        interval_min=15,
        queues=[
            QueueDay(
                queue_id="a",
                name="A",
                sl_threshold_s=20,
                sl_target_pct=80,
                total=DayFigures(),
                intervals=intervals,
            )
        ],
    )
    rows = staffing.forecast(state, NOW, staffing.past_days([report]))["a"]
    # today's level 120/h, history's 60/h over the same 55 minutes: its next intervals × 120/60
    assert [r.arrivals_per_hour for r in rows] == pytest.approx([240.0, 0.0, 120.0, 480.0])
    assert rows[1].needed is None and rows[1].reason is Reason.NO_CALLS


def test_every_reason_has_a_text() -> None:
    assert {str(staffing.reason_text(r)) for r in Reason} >= {"no calls yet", "more than 5000 agents needed"}
