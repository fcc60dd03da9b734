"""The charts' time series, without Qt: ring buffers, the floor sampler and per-interval figures."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from console.application.timeseries import STATE_GROUPS, FloorSampler, RingBuffer, interval_figures
from console.domain.clock import iso, to_ms
from console.domain.entities import Agent, AgentState, CallState, Centre, DayFigures, SlDefinition
from console.domain.events import (
    AgentAdded,
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallQueued,
    QueueConfigured,
    make_event,
)
from console.domain.figures import formulas
from console.domain.figures.queues import add_into
from console.domain.state import FloorState
from console.feeds.sources.simulator.engine import Simulator
from console.feeds.sources.simulator.scenario import load_scenario, resolve_scenario

DAY0 = "2026-03-02T06:00:00.000Z"  # the business day starts at 06:00 UTC in these tests


def test_ring_buffer_keeps_the_newest_in_order_as_views() -> None:
    buf = RingBuffer(4, columns=2)
    assert len(buf) == 0 and buf.times().size == 0 and buf.last_time() is None
    for i in range(10):
        buf.append(float(i), [i, 10 * i])
        want = list(range(max(0, i - 3), i + 1))
        assert buf.times().tolist() == want
        assert buf.values()[:, 1].tolist() == [10 * w for w in want]
        assert buf.last_time() == float(i)
    # Reading never copies: the arrays share the buffer's memory.
    assert np.shares_memory(buf.times(), buf._t)
    assert np.shares_memory(buf.values(), buf._v)
    times, values = buf.since(7.5)
    assert times.tolist() == [8.0, 9.0] and values[:, 0].tolist() == [8.0, 9.0]
    buf.clear()
    assert len(buf) == 0


def test_ring_buffer_scalar_rows_and_bad_sizes() -> None:
    buf = RingBuffer(3)
    buf.append(1.0, 5)
    buf.append(2.0, 6.5)
    assert buf.values()[:, 0].tolist() == [5.0, 6.5]
    with pytest.raises(ValueError):
        RingBuffer(0)


def _state() -> FloorState:
    state = FloorState(Centre(name="c", timezone="UTC", day_starts="06:00", short_abandon_s=5.0))
    seq = 0

    def apply(at_ms: int, payload: object) -> None:
        nonlocal seq
        seq += 1
        state.apply(make_event(seq, iso(at_ms), payload))

    t0 = to_ms(DAY0)
    apply(t0, QueueConfigured(queue_id="a", name="A", sl_threshold_s=20, sl_target_pct=80))
    apply(t0, QueueConfigured(queue_id="b", name="B", sl_threshold_s=30, sl_target_pct=90))
    apply(t0, AgentAdded(agent=Agent(id="x", name="X", team="t", skills=["a"], state=AgentState.AVAILABLE)))
    # 06:01 a call to A answered after 10 s (within); 06:20 one answered after 40 s (late);
    # 06:21 one to B abandoned after 60 s; 06:40 one to A abandoned after 2 s (short).
    calls = (
        (60, "a", 10, True),
        (20 * 60, "a", 40, True),
        (21 * 60, "b", 60, False),
        (40 * 60, "a", 2, False),
    )
    for n, (start_s, queue, wait_s, answered) in enumerate(calls):
        cid = f"c{n}"
        apply(t0 + start_s * 1000, CallQueued(call_id=cid, queue_id=queue, priority=0, caller="1****2"))
        end = t0 + (start_s + wait_s) * 1000
        apply(end, CallAnswered(call_id=cid, agent_id="x") if answered else CallAbandoned(call_id=cid))
    apply(t0 + 41 * 60 * 1000, AgentStateChanged(agent_id="x", state=AgentState.NOT_READY, reason="break"))
    return state


def test_interval_figures_sum_the_buckets_per_interval() -> None:
    state = _state()
    now = to_ms(DAY0) + 50 * 60 * 1000  # 06:50: intervals 06:00, 06:15, 06:30, 06:45 (in progress)
    f = interval_figures(state, now, 15, SlDefinition.ABANDONS_FAIL)
    assert f.starts_ms.tolist() == [to_ms(DAY0) + k * 15 * 60_000 for k in range(4)]
    assert f.current == 3
    assert f.offered.tolist() == [1, 2, 1, 0]
    assert f.service_level_pct[0] == 100.0
    # 06:15: one answered late (A) and one long abandon (B): 0 within over 2.
    assert f.service_level_pct[1] == 0.0
    assert f.abandon_pct[1] == 50.0
    # 06:30: one short abandon only: nothing counts.
    assert np.isnan(f.service_level_pct[2]) and np.isnan(f.abandon_pct[2])
    assert np.isnan(f.service_level_pct[3])
    assert f.target_pct == 90.0  # the strictest target, as the total row


def test_interval_figures_follow_the_definition_the_width_and_the_queues() -> None:
    state = _state()
    now = to_ms(DAY0) + 50 * 60 * 1000
    ignored = interval_figures(state, now, 15, SlDefinition.ABANDONS_IGNORED)
    assert ignored.service_level_pct[1] == 0.0  # 0 of 1 answered within
    wide = interval_figures(state, now, 30)
    assert wide.width_ms == 30 * 60_000 and len(wide.starts_ms) == 2
    assert wide.offered.tolist() == [3, 1]
    only_b = interval_figures(state, now, 15, queue_ids=["b", "nonexistent"])
    assert only_b.offered.tolist() == [0, 1, 0, 0]
    assert only_b.abandon_pct[1] == 100.0 and only_b.target_pct == 90.0
    none = interval_figures(state, now, 15, queue_ids=[])
    assert none.target_pct is None and np.isnan(none.service_level_pct).all()
    with pytest.raises(ValueError):
        interval_figures(state, now, 20)


def test_interval_figures_agree_with_the_day_figures() -> None:
    """Summing every interval gives the queue's today figures (as the queue overview shows them)."""
    sim = Simulator(
        load_scenario(resolve_scenario("bank")), seed=3, start_ms=to_ms("2026-03-02T01:00:00.000Z")
    )
    state = FloorState()
    items = sim.bootstrap()
    for until in range(1, 4 * 12 + 1):
        items += sim.advance(to_ms("2026-03-02T01:00:00.000Z") + until * 300_000)
    for seq, (t, payload) in enumerate(items, start=1):
        state.apply(make_event(seq, iso(t), payload))
    now = to_ms(state.at or DAY0)
    definition = state.centre.sl_definition
    f = interval_figures(state, now, 30)
    total = DayFigures()
    for q in state.queues.values():
        add_into(total, q.today)
    assert int(f.offered.sum()) == total.offered > 100
    # Recombining the interval counts reproduces the day's service level exactly.
    day = DayFigures()
    for q in state.queues.values():
        for b in q.buckets:
            add_into(day, b)
    assert formulas.service_level_pct(day, definition) == formulas.service_level_pct(total, definition)


def test_sampler_samples_on_the_feed_clock_once_a_second() -> None:
    state = _state()
    t = to_ms(DAY0) + 45 * 60 * 1000
    state.apply(
        make_event(state.seq + 1, iso(t), CallQueued(call_id="w", queue_id="a", priority=0, caller=""))
    )
    sampler = FloorSampler(window_s=60.0)
    assert sampler.sample(state, None) is False
    assert sampler.sample(state, t)
    assert not sampler.sample(state, t + 999)  # within the same feed second
    assert sampler.sample(state, t + 1000)
    times, waiting = sampler.queue_series("a")
    assert times.tolist() == [t / 1000, (t + 1000) / 1000]
    assert waiting.tolist() == [1.0, 1.0]
    _, agents = sampler.agent_series()
    assert agents.shape == (2, len(STATE_GROUPS))
    assert agents[-1].sum() == 1  # one agent logged in, counted once
    assert sampler.queue_series("zzz")[0].size == 0
    # Samples older than the window drop out of the series.
    for k in range(2, 100):
        sampler.sample(state, t + k * 1000)
    times, _ = sampler.queue_series("a")
    assert times[0] >= times[-1] - 60.0 and len(times) == 61
    # A feed clock that jumps back (another gateway) starts the history afresh.
    assert sampler.sample(state, t - 3_600_000)
    assert len(sampler.queue_series("a")[0]) == 1


def test_sampler_counts_waiting_calls_and_agent_groups() -> None:
    state = FloorState()
    sim = Simulator(
        load_scenario(resolve_scenario("bank")), seed=1, start_ms=to_ms("2026-03-02T02:00:00.000Z")
    )
    seq = 0
    sampler = FloorSampler()
    t = to_ms("2026-03-02T02:00:00.000Z")
    items = sim.bootstrap()
    for _ in range(600):
        for at, payload in items:
            seq += 1
            state.apply(make_event(seq, iso(at), payload))
        t += 1000
        items = sim.advance(t)
        sampler.sample(state, t)
    assert sampler.samples == 600
    for qid in state.queues:
        n = sum(1 for c in state.calls.values() if c.queue_id == qid and c.state is CallState.WAITING)
        assert sampler.queue_series(qid)[1][-1] == n
    _, groups = sampler.agent_series()
    logged_in = sum(1 for a in state.agents.values() if a.state is not AgentState.OFFLINE)
    assert groups[-1].sum() == logged_in > 0


def test_timeseries_needs_no_qt() -> None:
    code = (
        "import sys, console.application.timeseries\n"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
