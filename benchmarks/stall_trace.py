"""What the GUI thread was doing when it stalled: a sampling tracer for benchmarks.console_probe.

A daemon thread looks at the GUI thread's Python stack every ``interval_s``
(``sys._current_frames``) and keeps, per sample, the time and the stack's
frames in this repository (file:line function, outermost first). Afterwards
:func:`attribute` takes each stall (a gap between two ticks of the probe's
10 ms timer) and counts, over the samples that fell in it, the outermost
console function (the handler the event loop called: a drain slice, a
throttled refresh, a chart redraw, a paint's ``data()``...) and the innermost
one. Samples need the GIL, so one is taken at least every switch interval
(5 ms) while Python runs on the GUI thread, and whenever it waits in C++ with
the GIL released (Qt painting, the event loop idle).

Only the benchmark uses it (``console_speed --trace-stalls``); the console
does not know it is there.
"""

from __future__ import annotations

import bisect
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = str(Path(__file__).resolve().parent.parent)


def _frames(frame: FrameType | None) -> tuple[str, ...]:
    names: list[str] = []
    while frame is not None:
        code = frame.f_code
        path = code.co_filename
        if path.startswith(ROOT) and "/benchmarks/" not in path:
            names.append(f"{path[len(ROOT) + 1 :]}:{code.co_name}")
        frame = frame.f_back
    names.reverse()  # outermost first
    return tuple(names)


class StallTracer:
    """Samples one thread's stack on a daemon thread until stopped."""

    def __init__(self, thread_id: int, interval_s: float = 0.002) -> None:
        self._target = thread_id
        self._interval = interval_s
        self.samples: list[tuple[float, tuple[str, ...]]] = []
        self._running = False
        self._thread = threading.Thread(target=self._run, name="stall-tracer", daemon=True)

    def start(self) -> None:
        self._running = True
        self._thread.start()

    def stop(self) -> None:
        self._running = False

    def _run(self) -> None:
        while self._running:
            frame = sys._current_frames().get(self._target)
            self.samples.append((time.monotonic(), _frames(frame)))
            del frame
            time.sleep(self._interval)


def attribute(
    samples: list[tuple[float, tuple[str, ...]]], gaps: list[tuple[float, float]], over_s: float
) -> list[dict[str, Any]]:
    """For each gap (tick time, gap) longer than ``over_s``: what the samples in it show."""
    out: list[dict[str, Any]] = []
    times = [t for t, _ in samples]
    for t, gap in gaps:
        if gap <= over_s:
            continue
        lo, hi = bisect.bisect_left(times, t - gap), bisect.bisect_right(times, t)
        outer: Counter[str] = Counter()
        inner: Counter[str] = Counter()
        pairs: Counter[str] = Counter()
        for _, stack in samples[lo:hi]:
            top = stack[0] if stack else "(outside the console: Qt or idle)"
            leaf = stack[-1] if stack else top
            outer[top] += 1
            inner[leaf] += 1
            pairs[" > ".join(stack[:3]) if stack else top] += 1
        out.append(
            {
                "at": t,
                "gap_ms": round(gap * 1000, 1),
                "samples": hi - lo,
                "outer": outer.most_common(6),
                "inner": inner.most_common(6),
                "stacks": pairs.most_common(6),
            }
        )
    return out
