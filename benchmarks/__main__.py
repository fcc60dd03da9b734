"""`make bench`: every benchmark in turn, headless. Figures go to docs/performance.md."""

from __future__ import annotations

import runpy
import sys

BENCHMARKS = [
    "benchmarks.sim_speed",
    "benchmarks.store_speed",
    "benchmarks.staffing_speed",  # the staffing advisor's cost on the GUI thread
    "benchmarks.gateway_ceiling",
    "benchmarks.console_speed",
    "benchmarks.fanout",  # N = 10, 200, 500 consoles on the 500x20x5000 centre at 2,000 events/s
]

if __name__ == "__main__":
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        sys.argv = [name]
        try:
            runpy.run_module(name, run_name="__main__")
        except SystemExit as done:  # each benchmark ends with sys.exit(main())
            if done.code:
                raise
