"""The staffing advisor's cost on the GUI thread: inputs, advice, forecast, a what-if.

    .venv/bin/python -m benchmarks.staffing_speed                     # bank and the load centre
    .venv/bin/python -m benchmarks.staffing_speed --size 5000x200x50000 --minutes 10

A floor is built in process (the bank scenario's simulator, or the load centre's synthetic
driver), then each step of ``console.domain.staffing`` is timed, best of ``--repeat``. The
console runs the advice a few queues a turn (``RollingAdvisor``: at most 12 ms a turn every
250 ms, a cycle every 10 s), and the cycle's start (``estimate_inputs``) in one turn: that
figure is the longest the advisor holds the GUI thread.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from console.domain.clock import iso, to_ms
from console.domain.events import make_event
from console.domain.staffing import (
    Move,
    RollingAdvisor,
    advise,
    estimate_inputs,
    forecast,
    movable_agents,
    what_if,
)
from console.domain.state import FloorState
from console.feeds.sources.load_centre import LoadDriver, LoadShape
from console.feeds.sources.simulator.engine import Simulator
from console.feeds.sources.simulator.scenario import load_scenario, resolve_scenario

START = "2026-03-02T09:30:00.000Z"


def bank_floor(minutes: int) -> tuple[FloorState, int]:
    t0 = to_ms(START)
    sim = Simulator(load_scenario(resolve_scenario("bank")), seed=1, start_ms=t0)
    return _fold(sim.bootstrap(), sim.advance, t0, minutes)


def load_floor(size: str, minutes: int) -> tuple[FloorState, int]:
    t0 = to_ms(START)
    driver = LoadDriver(LoadShape.parse(size, 2000.0), seed=1, start_ms=t0)
    return _fold(driver.bootstrap(), driver.advance, t0, minutes)


def _fold(
    first: list[Any], advance: Callable[[int], list[Any]], t0: int, minutes: int
) -> tuple[FloorState, int]:
    state, seq, now = FloorState(), 0, t0

    def apply(items: list[Any]) -> None:
        nonlocal seq
        for t, payload in items:
            seq += 1
            state.apply(make_event(seq, iso(t), payload))

    apply(first)
    for _ in range(minutes * 6):
        now += 10_000
        apply(advance(now))
    return state, now


def timed(fn: Callable[[], object], repeat: int) -> str:
    """Best and worst of ``repeat`` runs, in ms (the first run pays for what is cold)."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000.0)
    return f"{min(times):7.1f} – {max(times):6.1f} ms"


def measure(name: str, state: FloorState, now: int, repeat: int) -> None:
    queues = list(state.queues)
    pool = movable_agents(state, queues[0], queues[1]) if len(queues) > 1 else []
    move = [Move(queues[0], queues[1], min(2, len(pool)))] if pool else []
    rolling = RollingAdvisor()

    def cycle_turns() -> int:
        rolling.start(state, now)
        turns = 0
        while rolling.busy:
            rolling.step(state, 0.012)
            turns += 1
        return turns

    rows = [
        ("estimate_inputs (a cycle's start, one turn)", timed(lambda: estimate_inputs(state, now), repeat)),
        ("advise, every queue at once", timed(lambda: advise(state, now), repeat)),
        ("forecast, the next hour", timed(lambda: forecast(state, now), repeat)),
    ]
    if move:
        rows.append(("what_if, two agents moved", timed(lambda: what_if(state, now, move), repeat)))
    rows.append(("rolling cycle: turns of at most 12 ms", f"{cycle_turns():7d}"))
    known = sum(1 for a in advise(state, now) if a.needed is not None)
    print(f"-- {name}: {len(queues)} queues ({known} with a needed figure), {len(state.agents):,} agents")
    for label, figure in rows:
        print(f"  {label:<46} {figure}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", default="5000x200x50000", help="the load centre, AGENTSxQUEUESxCASES")
    p.add_argument("--minutes", type=int, default=10, help="feed minutes folded before measuring")
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    state, now = bank_floor(max(args.minutes, 30))
    measure("bank", state, now, args.repeat)
    state, now = load_floor(args.size, args.minutes)
    measure(f"load centre {args.size}", state, now, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
