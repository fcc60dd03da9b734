"""The catch-up of a backlog, in one process, without network or gateway: where the GUI thread goes.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.catchup_inproc [--events 100000] [--trace]

Not part of ``make bench``: a tool for working on the catch-up's stalls on a
shared machine. It builds the load centre's floor (``--size``), hands the real
``LiveFeed`` and ``MainWindow`` its snapshot through a stand-in for the feed
client's ``drain()``, lets the window settle, then hands over a backlog of the
load mix decoded as the feed client decodes it (frames of 5,000 events, typed
with msgspec) and runs the event loop until it is applied. A 10 ms precise
timer on the GUI thread notes both clocks: wall-clock gaps (stalls, which a
busy machine lengthens) and the GUI thread's own CPU time between ticks (the
work each turn did, which the machine's load hardly changes). ``--trace``
samples the GUI thread's stack and names what ran in each gap over 60 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import pstats
import sys
import tempfile
import threading
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from benchmarks.stall_trace import StallTracer, attribute
from console.application.live import LiveFeed
from console.domain.clock import iso
from console.domain.events import Event, make_event, type_payload
from console.domain.state import FloorState, Snapshot
from console.feeds import protocol
from console.feeds.client.feed_client import EventsItem, FeedItem, SnapshotItem
from console.feeds.gateway.server import EVENTS_PER_FRAME
from console.feeds.protocol import EventsFrame
from console.feeds.sources.load_centre import LoadDriver, LoadShape
from console.widgets.common.theme import DEFAULT_THEME, apply_theme
from console.widgets.main_window import MainWindow


class TurnApp(QApplication):
    """Times every event the loop delivers at the top level (a turn's work), by receiver and type."""

    def __init__(self, argv: list[str]) -> None:
        super().__init__(argv)
        self.depth = 0
        self.recording = False
        self.turns: list[tuple[float, float, float, str]] = []  # (end monotonic, cpu s, wall s, what)

    def notify(self, receiver: QObject, event: QEvent) -> bool:
        if self.depth or not self.recording:
            self.depth += 1
            try:
                return super().notify(receiver, event)
            finally:
                self.depth -= 1
        self.depth = 1
        c0, w0 = time.thread_time(), time.perf_counter()
        try:
            return super().notify(receiver, event)
        finally:
            self.depth = 0
            cpu, wall = time.thread_time() - c0, time.perf_counter() - w0
            if cpu > 0.001:
                self.turns.append((time.monotonic(), cpu, wall, _describe(receiver, event)))


def _describe(receiver: QObject, event: QEvent) -> str:
    name = type(receiver).__name__
    if isinstance(receiver, QTimer):
        parent = receiver.parent()
        name = f"QTimer({receiver.interval()} ms) of {type(parent).__name__ if parent else None}"
    return f"{name} {event.type().name}"


def views_waiting() -> int:
    """Throttled views still waiting for their last merged refresh (0 where the code has no such wait)."""
    try:
        from console.widgets.common.throttle import views_waiting as waiting  # noqa: PLC0415
    except ImportError:  # older code: the catch-up's last slice refreshed every view in its own turn
        return 0
    return waiting()


def build(size: str, rate: float, events: int) -> tuple[Snapshot, list[FeedItem]]:
    shape = LoadShape.parse(size, rate)
    now = int(time.time() * 1000)
    start = now - int(events / rate * 1000) - 10_000
    driver = LoadDriver(shape, seed=5, start_ms=start)
    state = FloorState()
    seq = 0
    for t_ms, payload in driver.bootstrap():
        seq += 1
        state.apply(make_event(seq, iso(t_ms), payload))
    driver.jump_to(start + 10_000)
    snap = protocol.decode_server_frame(protocol.encode(state.to_snapshot()))
    assert isinstance(snap, Snapshot)
    raws: list[bytes] = []
    while len(raws) < events:
        for t_ms, payload in driver.advance(driver.now_ms + 1000):
            seq += 1
            raws.append(protocol.encode_event(make_event(seq, iso(t_ms), payload)))
    decoded: list[Event] = []
    for i in range(0, len(raws), EVENTS_PER_FRAME):
        frame = protocol.decode_server_frame(protocol.events_frame(raws[i : i + EVENTS_PER_FRAME]))
        assert isinstance(frame, EventsFrame)
        decoded.extend(type_payload(raw) for raw in frame.events)
    return snap, [EventsItem(decoded)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--size", default="5000x200x50000")
    p.add_argument("--events", type=int, default=100_000)
    p.add_argument("--rate", type=float, default=12_000.0, help="events/s of feed time in the backlog")
    p.add_argument("--trace", action="store_true", help="name what ran in each gap over 60 ms")
    p.add_argument("--profile", metavar="FILE", help="cProfile the catch-up into FILE and print the top")
    p.add_argument("--no-window", action="store_true")
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = TurnApp([sys.argv[0]])
    apply_theme(app, DEFAULT_THEME)
    snap, backlog = build(args.size, args.rate, args.events)
    target = snap.seq + sum(len(i.events) for i in backlog if isinstance(i, EventsItem))

    with tempfile.TemporaryDirectory(prefix="catchup-") as tmp:
        feed = LiveFeed("ws://127.0.0.1:9", "token")
        queue: list[FeedItem] = []

        def drain() -> list[FeedItem]:
            items, queue[:] = list(queue), []
            return items

        feed.client.drain = drain  # type: ignore[method-assign]
        window = None
        if not args.no_window:
            window = MainWindow(feed, settings_path=Path(tmp) / "console.ini", save_on_close=False)
            window.show()
        feed._clock_timer.start()  # what start() starts, without a client

        ticks: list[tuple[float, float]] = []
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(10)
        timer.timeout.connect(lambda: ticks.append((time.monotonic(), time.thread_time())))
        timer.start()

        def run_until(done: object, limit_s: float) -> None:
            end = time.monotonic() + limit_s
            while not done() and time.monotonic() < end:  # type: ignore[operator]
                app.processEvents()
                time.sleep(0.0005)

        queue.append(SnapshotItem(snap))
        feed._on_items_ready()
        run_until(lambda: feed.state.seq >= snap.seq, 30)
        settle = time.monotonic() + 2.0
        run_until(lambda: time.monotonic() > settle, 3)

        tracer = StallTracer(threading.get_ident()) if args.trace else None
        prof = cProfile.Profile() if args.profile else None
        ticks.clear()
        app.recording = True
        t0 = time.monotonic()
        c0 = time.thread_time()
        if tracer is not None:
            tracer.start()
        if prof is not None:
            prof.enable()
        queue.extend(backlog)
        feed._on_items_ready()
        run_until(lambda: feed.state.seq >= target, 120)
        t1 = time.monotonic()
        c1 = time.thread_time()
        applied_seq = feed.state.seq
        run_until(lambda: not views_waiting(), 10)  # the throttled views' last merged refreshes
        app.recording = False
        if prof is not None:
            prof.disable()
        if tracer is not None:
            tracer.stop()
        ticks.append((time.monotonic(), time.thread_time()))

    gaps = [(b[0], b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(ticks)]
    walls = sorted((g for _, g, _ in gaps), reverse=True)
    cpus = sorted((c for _, _, c in gaps), reverse=True)
    n = min(target, applied_seq) - snap.seq
    load = os.getloadavg()
    print(
        ("" if applied_seq >= target else f"INCOMPLETE ({target - applied_seq:,} left at 120 s): ")
        + f"{n:,} events in {t1 - t0:.2f} s = {n / (t1 - t0):,.0f} ev/s "
        f"(GUI thread CPU {c1 - c0:.2f} s = {n / (c1 - c0):,.0f} ev/s of CPU); "
        f"slices cut {feed.slices_cut}; load {load[0]:.2f}"
    )
    print("  longest wall gaps (ms): " + ", ".join(f"{g * 1000:.0f}" for g in walls[:8]))
    print("  most GUI CPU between ticks (ms): " + ", ".join(f"{c * 1000:.0f}" for c in cpus[:8]))
    over = sum(g > 0.11 for g in walls), sum(c > 0.1 for c in cpus)
    print(f"  wall gaps over 100 ms: {over[0]}; GUI CPU over 100 ms between ticks: {over[1]}")
    print("  what ran between the ticks with the most GUI CPU (events over 1 ms, CPU ms):")
    for end, _, cpu in sorted(gaps, key=lambda g: -g[2])[:4]:
        start = max((t for t, _, _ in gaps if t < end), default=end - 1.0)
        inside = [(c, w) for t, c, _, w in app.turns if start < t <= end]
        print(f"    {cpu * 1000:.0f} ms: " + ", ".join(f"{w} {c * 1000:.0f}" for c, w in inside))
    by_kind: dict[str, list[float]] = {}
    for _, cpu, _, what in app.turns:
        if cpu > 0.005:
            by_kind.setdefault(what, []).append(cpu)
    print("  top-level events over 5 ms of GUI CPU: kind, count, total / max ms")
    for what, cpus in sorted(by_kind.items(), key=lambda kv: -sum(kv[1]))[:12]:
        print(f"    {what:<60} {len(cpus):4d} {sum(cpus) * 1000:7.0f} / {max(cpus) * 1000:4.0f}")
    longest = sorted(app.turns, key=lambda t: -t[1])[:8]
    print("  the longest (CPU/wall ms):")
    for _, c, x, w in longest:
        print(f"    {w} {c * 1000:.0f}/{x * 1000:.0f}")
    if tracer is not None:
        for stall in attribute(tracer.samples, [(t, g) for t, g, _ in gaps], 0.06):
            print(f"  at {stall['at'] - t0:.3f} s: {stall['gap_ms']:.0f} ms, {stall['samples']} samples")
            for stack, k in stall["stacks"][:4]:
                print(f"      {k:3d}  {stack}")
            print("      innermost: " + ", ".join(f"{name} {k}" for name, k in stall["inner"][:5]))
    if prof is not None:
        prof.dump_stats(args.profile)
        stats = pstats.Stats(args.profile, stream=sys.stdout)
        stats.strip_dirs().sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)
    del window
    return 0


if __name__ == "__main__":
    sys.exit(main())
