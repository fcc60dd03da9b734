"""The rolling advisor: a cycle spread over steps gives exactly what ``advise`` gives in one go."""

from __future__ import annotations

import pytest

from console.domain.clock import to_ms
from console.domain.staffing import RollingAdvisor, advise, estimate_inputs, forecast
from tests.helpers.floor_sources import SimulatedFloor


def test_a_cycle_in_steps_equals_the_advice_in_one_go() -> None:
    floor = SimulatedFloor()
    floor.bootstrap()
    floor.run(1200, step_s=10)
    rolling = RollingAdvisor()
    rolling.start(floor.state, floor.now)
    assert rolling.busy and not rolling.advice
    steps = []
    while rolling.busy:
        steps.append(rolling.step(floor.state, budget_s=0.0))  # out of time at once: one queue a step
    assert all(len(done) == 1 for done in steps)
    assert [qid for done in steps for qid in done] == list(floor.state.queues)
    assert rolling.cycles == 1
    assert rolling.advice == {a.queue_id: a for a in advise(floor.state, floor.now)}


def test_the_last_answer_stays_until_the_next_cycle_reaches_the_queue() -> None:
    floor = SimulatedFloor()
    floor.bootstrap()
    floor.run(900, step_s=10)
    rolling = RollingAdvisor()
    rolling.start(floor.state, floor.now)
    while rolling.busy:
        rolling.step(floor.state, budget_s=1.0)
    first = dict(rolling.advice)
    floor.run(600, step_s=10)
    rolling.start(floor.state, floor.now)
    done = rolling.step(floor.state, budget_s=0.0)
    later = {a.queue_id: a for a in advise(floor.state, floor.now)}
    for qid in floor.state.queues:
        assert rolling.advice[qid] == (later[qid] if qid in done else first[qid])
    assert rolling.busy and rolling.cycles == 1


def test_a_floor_begun_mid_day_counts_its_rates_from_its_first_bucket() -> None:
    """The simulated floor starts at 09:30Z, the business day at 22:00Z the day before: the
    hour before the first call is not "no calls" but "no record" (it would halve the rates)."""
    floor = SimulatedFloor()
    floor.bootstrap()
    floor.run(40 * 60, step_s=10)
    state, now = floor.state, floor.now
    first = min(to_ms(q.buckets[0].start) for q in state.queues.values() if q.buckets)
    assert state.centre.day_started_at is not None and to_ms(state.centre.day_started_at) < first
    for qid, rows in forecast(state, now).items():
        q = state.queues[qid]
        offered = sum(b.offered for b in q.buckets)  # 40 min < the level's 55-60: every bucket counts
        level = offered * 3_600_000 / (now - first)
        assert rows[0].arrivals_per_hour == pytest.approx(level), qid
    inputs = estimate_inputs(state, now)
    assert all(i.window_start_ms >= first for i in inputs.values())
