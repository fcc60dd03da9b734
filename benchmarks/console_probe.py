"""The console side of benchmarks.console_speed: a real console in a process of its own.

    CONSOLE_TOKEN=T .venv/bin/python -m benchmarks.console_probe --url ws://127.0.0.1:PORT --mode screen

Not meant to be run by hand: ``benchmarks.console_speed`` starts it, reads the
JSON lines it prints on stdout and writes commands to its stdin. It runs what
``python main.py --feed URL`` runs (QApplication, theme, ``LiveFeed``,
``MainWindow`` shown, offscreen), in its own process so that its memory and its
CPU are the console's alone, and watches it without changing what it does:

- ``client.drain`` is wrapped (on the instance) to note the events of each
  batch; a slot connected to ``floorUpdated`` after every view has connected
  runs last, when the views have taken the batch (tables update their models
  synchronously in their slots). That moment is "applied".
- an event filter on the main window lets the window process its next
  ``UpdateRequest`` (the paint of everything dirty, into the offscreen backing
  store) and then notes the time. That moment is "on screen".
- a 10 ms precise QTimer ticks on the GUI thread; the gap between two ticks
  minus 10 ms is how long the GUI could not react (a stall).

Modes:

``screen``
    Connect, time the snapshot until it is on screen, note the peak RSS, then
    measure event-to-screen latency (``time.time()`` against each event's
    ``at``; the load centre's feed clock is the wall clock) for ``--seconds``
    after ``--warmup``.
``outage``
    Connect, print ``ready``; the benchmark then cuts the connection (the
    console prints ``cut`` with the seq it will resume from), waits, and writes
    ``target SEQ`` to stdin when it lets the console reconnect. The console
    resumes and this measures the catch-up to SEQ: events per second and the
    GUI stalls on the way.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from benchmarks.stall_trace import StallTracer, attribute
from console.application.live import LiveFeed
from console.domain.changes import ChangeSet
from console.domain.clock import to_ms
from console.feeds.client.feed_client import ConnState, EventsItem, FeedItem, FeedStatus
from console.widgets.common.theme import DEFAULT_THEME, apply_theme
from console.widgets.common.throttle import views_waiting
from console.widgets.main_window import MainWindow

TICK_MS = 10


def emit(kind: str, **fields: Any) -> None:
    """One JSON line for the benchmark."""
    print(json.dumps({"kind": kind, **fields}), flush=True)


def peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


class Probe(QObject):
    """Watches one console: drains, paints and the GUI thread's timer ticks."""

    def __init__(
        self, app: QApplication, feed: LiveFeed, window: MainWindow | None, args: argparse.Namespace
    ) -> None:
        super().__init__()
        self.app, self.feed, self.window, self.args = app, feed, window, args
        self.mode: str = args.mode
        self.profile: cProfile.Profile | None = cProfile.Profile() if args.profile else None
        self.profiling = False

        # Ticks: (monotonic, gap) for every tick of the 10 ms timer.
        self._last_tick = time.monotonic()
        self.gaps: list[tuple[float, float]] = []
        self.tick = QTimer(self)
        self.tick.setTimerType(Qt.TimerType.PreciseTimer)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self._on_tick)

        # What the drain in progress carries (set by the wrapped client.drain).
        self._drain_started = 0.0
        self._batch_ats: list[str] = []
        self._batch_events = 0
        self._collect_ats = self.mode == "screen"
        # Applied events not yet painted: their `at` values (screen mode).
        self._unpainted: list[str] = []
        # Per drain that emitted floorUpdated: (monotonic end, seq after, events, seconds).
        self.drains: list[tuple[float, int, int, float]] = []

        self.connect_started = 0.0
        self.snapshot_applied: float | None = None
        self.snapshot_painted: float | None = None
        self.snapshot_seq = 0
        self.snapshot_drain_s = 0.0
        self.snapshot_rss_mb = 0.0
        self.resets = 0

        # screen mode
        self.measuring = False
        self.lat_applied_ms: list[float] = []
        self.lat_painted_ms: list[float] = []
        self.window_start = 0.0
        self.window_end = 0.0
        self.decode_s0 = 0.0
        self.events0 = 0

        # outage mode
        self.cut_seq: int | None = None
        self.resumed_status: FeedStatus | None = None
        self.target: int | None = None  # written by the stdin thread
        self.done_at: float | None = None
        self.done_seq = 0
        self.decode_at_cut = 0.0
        self.snapshots_at_cut = 0
        self.views_current_at: float | None = None  # the throttled views' last refreshes ran
        self.tracer: StallTracer | None = None  # --trace-stalls: sampling the GUI thread from the cut

        self._wrap_drain()
        feed.floorUpdated.connect(self._on_floor_updated)  # after the views: runs last
        feed.statusChanged.connect(self._on_status)
        if window is not None:
            window.installEventFilter(self)

    # -- instrumentation -------------------------------------------------------------

    def _wrap_drain(self) -> None:
        client = self.feed.client
        original: Callable[[], list[FeedItem]] = client.drain

        def drain() -> list[FeedItem]:
            self._drain_started = time.monotonic()
            items = original()
            for item in items:
                if isinstance(item, EventsItem):
                    self._batch_events += len(item.events)
                    if self._collect_ats:
                        self._batch_ats.extend(ev.at for ev in item.events)
            return items

        client.drain = drain  # type: ignore[method-assign]  # on this instance only

    def _on_tick(self) -> None:
        now = time.monotonic()
        self.gaps.append((now, now - self._last_tick))
        self._last_tick = now

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.window is not None and watched is self.window and event.type() == QEvent.Type.UpdateRequest:
            # Paint now (what Qt would do next), then note the time: what the last drain
            # applied is now in the window's backing store.
            self.window.event(event)
            self._painted()
            return True
        return False

    def _painted(self) -> None:
        now = time.monotonic()
        if self.snapshot_applied is not None and self.snapshot_painted is None:
            self.snapshot_painted = now
            self.snapshot_rss_mb = peak_rss_mb()
            client = self.feed.client
            emit(
                "snapshot",
                seconds=now - self.connect_started,
                applied_s=self.snapshot_applied - self.connect_started,
                drain_s=self.snapshot_drain_s,
                client_decode_s=client.decode_seconds,
                megabytes=client.bytes_received / 1e6,
                seq=self.snapshot_seq,
                agents=len(self.feed.state.agents),
                queues=len(self.feed.state.queues),
                cases=len(self.feed.state.cases),
                peak_rss_mb=self.snapshot_rss_mb,
                rss_mb=current_rss_mb(),
            )
            self._after_snapshot()
        if self._unpainted:
            if self.measuring:
                wall = time.time() * 1000.0
                self.lat_painted_ms.extend(wall - to_ms(at) for at in self._unpainted)
            self._unpainted = []

    def _on_floor_updated(self, changes: ChangeSet) -> None:
        now = time.monotonic()
        wall = time.time() * 1000.0
        seq = self.feed.state.seq
        n = self._batch_events
        self.drains.append((now, seq, n, now - self._drain_started))
        self._batch_events = 0
        if changes.reset:
            self.resets += 1
            if self.snapshot_applied is None:
                self.snapshot_applied = now
                self.snapshot_seq = seq
                self.snapshot_drain_s = now - self._drain_started
                self._stop_profile(self.args.profile and f"{self.args.profile}.snapshot")
        ats, self._batch_ats = self._batch_ats, []
        if self.measuring and ats:
            self.lat_applied_ms.extend(wall - to_ms(at) for at in ats)
            self._unpainted.extend(ats)
        target = self.target
        if self.mode == "outage" and target is not None and self.done_at is None and seq >= target:
            self.done_at, self.done_seq = now, seq
            QTimer.singleShot(0, self._when_views_current)
        if self.window is None:
            self._painted()  # no window: the drain's end is as far as it goes

    def _on_status(self, status: FeedStatus) -> None:
        if self.mode != "outage" or self.snapshot_painted is None:
            return
        # Statuses come one per drain (the last of the batch): DISCONNECTED may have been
        # overtaken by CONNECTING already.
        if status.state is not ConnState.CONNECTED and self.cut_seq is None:
            self.cut_seq = status.seq
            self.decode_at_cut = self.feed.client.decode_seconds
            self.snapshots_at_cut = status.snapshots
            self._start_profile()  # from the cut: what the GUI does during the outage is in it too
            if self.args.trace_stalls and self.tracer is None:
                self.tracer = StallTracer(threading.get_ident())
                self.tracer.start()
            emit("cut", seq=status.seq)
        elif status.state is ConnState.CONNECTED and self.cut_seq is not None and self.resumed_status is None:
            self.resumed_status = status

    def _start_profile(self) -> None:
        if self.profile is not None and not self.profiling:
            self.profiling = True
            self.profile.enable()

    def _stop_profile(self, path: str | None = None) -> None:
        if self.profile is not None and self.profiling:
            self.profile.disable()
            self.profiling = False
            self.profile.dump_stats(path or self.args.profile)
            self.profile = cProfile.Profile()

    # -- the run ---------------------------------------------------------------------

    def start(self) -> None:
        self.tick.start()
        self._start_profile()  # the snapshot's way onto the screen
        self.connect_started = time.monotonic()
        self.feed.start()
        QTimer.singleShot(round(self.args.timeout * 1000), self._timed_out)

    def _after_snapshot(self) -> None:
        if self.mode == "screen":
            QTimer.singleShot(round(self.args.warmup * 1000), self._start_window)
        else:
            QTimer.singleShot(round(self.args.warmup * 1000), lambda: emit("ready", seq=self.feed.state.seq))

    def _start_window(self) -> None:
        self.measuring = True
        self.window_start = time.monotonic()
        self.decode_s0 = self.feed.client.decode_seconds
        self.events0 = self.feed.client.events_received
        self._start_profile()
        QTimer.singleShot(round(self.args.seconds * 1000), self._end_window)

    def _end_window(self) -> None:
        self.measuring = False
        self.window_end = time.monotonic()
        self._stop_profile()
        t0, t1 = self.window_start, self.window_end
        drains = [d for d in self.drains if t0 <= d[0] <= t1]
        events = self.feed.client.events_received - self.events0
        emit(
            "screen",
            seconds=t1 - t0,
            events=events,
            applied=sum(d[2] for d in drains),
            drains=len(drains),
            max_drain_s=max((d[3] for d in drains), default=0.0),
            decode_s=self.feed.client.decode_seconds - self.decode_s0,
            latency_applied_ms=self.lat_applied_ms,
            latency_painted_ms=self.lat_painted_ms,
            **self._stalls(t0, t1),
            peak_rss_mb=peak_rss_mb(),
            resets=self.resets,
            sequence_errors=self.feed.sequence_errors,
        )
        self._quit()

    def _when_views_current(self) -> None:
        """The backlog is applied: wait for the throttled views' last merged refreshes (their turns)."""
        if views_waiting():
            QTimer.singleShot(1, self._when_views_current)
            return
        self.views_current_at = time.monotonic()
        self._stop_profile()
        self._report_outage()

    def _report_outage(self) -> None:
        resumed = self.resumed_status
        assert resumed is not None and resumed.last_frame_monotonic is not None and self.cut_seq is not None
        t0 = resumed.last_frame_monotonic  # the welcome of the new connection
        t1 = self.done_at
        assert t1 is not None
        # Stalls count until the views are current too (their last merged refreshes come after the
        # slice that applied the head, in turns of their own).
        t2 = max(t1, self.views_current_at or t1)
        drains = [d for d in self.drains if t0 <= d[0] <= t1]
        status = self.feed.status
        if self.tracer is not None:
            self.tracer.stop()
            gaps = [(t, g) for t, g in self.gaps if t >= t0 and t - g <= t2]
            stalls = attribute(self.tracer.samples, gaps, 0.06)
            for stall in stalls:
                stall["at"] = round(stall["at"] - t0, 3)
            Path(self.args.trace_stalls).write_text(json.dumps(stalls, indent=1))
        emit(
            "outage",
            resumed_from=self.cut_seq,
            welcome_seq=resumed.seq,
            target=self.target,
            done_seq=self.done_seq,
            seconds=t1 - t0,
            views_current_s=t2 - t0,
            welcome_to_first_drain_s=(drains[0][0] - t0) if drains else None,
            drains=[[round(d[0] - t0, 4), d[1], d[2], round(d[3], 4)] for d in drains],
            long_gaps=[[round(t - t0, 3), round(g, 3)] for t, g in self.gaps if t >= t0 and g > 0.05],
            open_gap=round(time.monotonic() - self._last_tick, 3),
            decode_s=self.feed.client.decode_seconds - self.decode_at_cut,
            snapshot_instead=status.snapshots > self.snapshots_at_cut,
            **self._stalls(t0, t2),
            peak_rss_mb=peak_rss_mb(),
            sequence_errors=self.feed.sequence_errors,
        )
        self._quit()

    def _stalls(self, t0: float, t1: float) -> dict[str, Any]:
        # Every tick interval that overlaps the window: a stall that began in it counts, and
        # so does the one still open (the drain that ended the window has just run).
        now = time.monotonic()
        ticks = [*self.gaps, (now, now - self._last_tick)]
        gaps = [g for t, g in ticks if t >= t0 and t - g <= t1]
        stalls = [max(0.0, g - TICK_MS / 1000.0) for g in gaps]
        return {
            "max_stall_s": max(stalls, default=0.0),
            "stalls_over_100ms": sum(1 for s in stalls if s > 0.1),
            "ticks": len(gaps),
        }

    def _timed_out(self) -> None:
        emit(
            "timeout",
            mode=self.mode,
            seq=self.feed.state.seq,
            target=self.target,
            snapshot_painted=self.snapshot_painted is not None,
            resumed=self.resumed_status is not None,
            status=str(self.feed.status.state),
            last_error=self.feed.status.last_error,
        )
        self._quit()

    def _quit(self) -> None:
        self._stop_profile()
        self.tick.stop()
        if self.window is not None:
            self.window.close()
        self.app.quit()


def read_commands(probe: Probe) -> None:
    """Stdin, on a thread of its own: ``target SEQ`` sets the catch-up target."""
    for line in sys.stdin:
        words = line.split()
        if len(words) == 2 and words[0] == "target":
            probe.target = int(words[1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="The console side of benchmarks.console_speed.")
    p.add_argument("--url", required=True)
    p.add_argument("--token", help="the token (default: the CONSOLE_TOKEN environment variable)")
    p.add_argument("--mode", choices=("screen", "outage"), required=True)
    p.add_argument("--warmup", type=float, default=3.0, help="seconds after the snapshot before measuring")
    p.add_argument("--seconds", type=float, default=20.0, help="screen mode: seconds of latency measured")
    p.add_argument("--timeout", type=float, default=120.0, help="give up after this many seconds")
    p.add_argument(
        "--profile",
        metavar="FILE",
        help="cProfile the GUI thread in the measured window into FILE (and the snapshot into FILE.snapshot)",
    )
    p.add_argument("--no-window", action="store_true", help="LiveFeed alone, no MainWindow (for comparison)")
    p.add_argument(
        "--trace-stalls",
        metavar="FILE",
        help="outage mode: sample the GUI thread's stack and write what ran in each gap over 60 ms to FILE",
    )
    args = p.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication([sys.argv[0]])
    apply_theme(app, DEFAULT_THEME)
    with tempfile.TemporaryDirectory(prefix="console-probe-") as tmp:
        token = args.token or os.environ.get("CONSOLE_TOKEN", "")
        if not token:
            p.error("no token: set CONSOLE_TOKEN (or --token)")
        feed = LiveFeed(args.url, token)
        window = None
        if not args.no_window:
            window = MainWindow(feed, settings_path=Path(tmp) / "console.ini", save_on_close=False)
        probe = Probe(app, feed, window, args)
        if window is not None:
            window.show()
        threading.Thread(target=read_commands, args=(probe,), name="stdin", daemon=True).start()
        probe.start()
        try:
            app.exec()
        finally:
            feed.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
