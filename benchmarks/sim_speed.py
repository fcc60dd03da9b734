"""Simulator throughput: simulated hours per real second, per scenario.

    .venv/bin/python -m benchmarks.sim_speed                      # single_queue and bank, one day each
    .venv/bin/python -m benchmarks.sim_speed --hours 72 bank

The simulator alone (bootstrap excluded), advanced in 1-second feed steps as a
gateway at high speed would; FloorState and the network are not part of it.
The real-time multiple is what the gateway could sustain at best; the feed needs
5000x for single_queue and 100x for the bank centre.
"""

from __future__ import annotations

import argparse
import sys
import time

from console.feeds.sources.simulator.engine import Simulator
from console.feeds.sources.simulator.scenario import load_scenario, resolve_scenario

START_MS = 1_709_510_400_000  # 2024-03-04 00:00 UTC (08:00 in Shanghai)
NEEDED = {"single_queue": 5000, "bank": 100}


def measure(name: str, hours: float, step_ms: int, seed: int = 1) -> tuple[float, int]:
    """(wall seconds, events) to simulate ``hours`` of scenario ``name``."""
    sim = Simulator(load_scenario(resolve_scenario(name)), seed=seed, start_ms=START_MS)
    sim.bootstrap()
    end = START_MS + round(hours * 3_600_000)
    events = 0
    began = time.perf_counter()
    t = START_MS
    while t < end:
        t = min(end, t + step_ms)
        events += len(sim.advance(t))
    return time.perf_counter() - began, events


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("scenarios", nargs="*", default=["single_queue", "bank"])
    p.add_argument("--hours", type=float, default=24.0, help="simulated hours per scenario (default 24)")
    p.add_argument(
        "--step-ms", type=int, default=1000, help="feed-clock step per advance() call (default 1000)"
    )
    args = p.parse_args(argv)
    for name in args.scenarios:
        wall, events = measure(name, args.hours, args.step_ms)
        rate = args.hours / wall
        need = NEEDED.get(name)
        verdict = f" (needs {need}x: {'ok' if rate * 3600 >= need else 'TOO SLOW'})" if need else ""
        print(
            f"{name:>14}: {args.hours:g} h in {wall:.2f} s = {rate:.0f} simulated h/s, "
            f"{rate * 3600:,.0f}x real time, {events / wall:,.0f} events/s{verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
