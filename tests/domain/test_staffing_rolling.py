"""The rolling advisor: a cycle spread over steps gives exactly what ``advise`` gives in one go."""

from __future__ import annotations

from console.domain.staffing import RollingAdvisor, advise
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
