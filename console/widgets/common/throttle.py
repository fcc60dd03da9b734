"""Refreshing an expensive view less often while the feed catches up on a backlog.

A ``LiveFeed`` that applies a backlog (after an outage, say) does it in
time-boxed slices and emits ``floorUpdated`` for each: many a second. A view
whose refresh costs milliseconds per slice would spend the catch-up refreshing
what the next slice changes again. ``CatchUpThrottle`` passes a view's updates
straight through while the feed is live, and while the source says it is
``catching_up`` runs the refresh at most once per ``interval_ms`` (like
qutebrowser's throttle), with the change sets of the slices in between merged
into one. The slice that ends the catch-up is passed through at once, with all
that was merged, so a view is never left behind when the backlog is done. A
source without ``catching_up`` (a plain ``FloorSource``, as in tests) is never
throttled.

The held-back refreshes of all throttled views, and their clock ticks while
catching up (``tick()``), run from one shared timer, one per turn of the event
loop, in the order they were asked for: two views' refreshes (27-60 ms each)
never land in the same turn, nor on top of the once-a-second tick.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from shiboken6 import Shiboken

from console.application.floor_source import FloorSource
from console.domain.changes import ChangeSet, merge_changes

#: While catching up, a throttled view refreshes at most this often.
CATCH_UP_INTERVAL_MS = 250


class _Turns(QObject):
    """Runs the throttled views' held-back refreshes (and owed clock ticks) one per event-loop turn.

    Each throttle used to have a timer of its own, and the timers of three views (27-60 ms of
    refresh each) often fired in the same turn, with a paint on top: one stall of well over
    100 ms. Here a single timer runs the job due first, then re-arms (at 0 ms if another is due
    already), so the event loop paints and takes input between two heavy refreshes.
    """

    def __init__(self) -> None:
        super().__init__()
        self._waiting: list[CatchUpThrottle] = []  # in the order they asked
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._run_one)

    def want(self, throttle: CatchUpThrottle) -> None:
        """``throttle`` has work for a turn from ``throttle.due`` on (monotonic seconds)."""
        if throttle not in self._waiting:
            self._waiting.append(throttle)
        self._arm()

    def drop(self, throttle: CatchUpThrottle) -> None:
        if throttle in self._waiting:
            self._waiting.remove(throttle)
            self._arm()

    def _arm(self) -> None:
        self._waiting = [t for t in self._waiting if _alive(t)]
        if not self._waiting:
            self._timer.stop()
            return
        wait_ms = max(0, round((min(t.due for t in self._waiting) - time.monotonic()) * 1000))
        # Never put off a turn already coming (re-arming a 0 ms timer on every slice would).
        if not self._timer.isActive() or self._timer.remainingTime() > wait_ms:
            self._timer.start(wait_ms)

    def _run_one(self) -> None:
        now = time.monotonic()
        # The first in line whose time has come (they queue in turn: round-robin).
        job = next((t for t in self._waiting if _alive(t) and t.due <= now + 0.0005), None)
        if job is not None:
            self._waiting.remove(job)
            job._run_turn()  # may ask again (an owed tick after the refresh)
        self._arm()


def _alive(obj: QObject) -> bool:
    return bool(Shiboken.isValid(obj))


_turns: list[_Turns] = []  # the one in use (made on first use: a QApplication exists by then)


def _the_turns() -> _Turns:
    if not _turns or not _alive(_turns[0]):
        _turns[:] = [_Turns()]
    return _turns[0]


class CatchUpThrottle(QObject):
    """Calls ``refresh(changes)`` for floor updates: at once when live, merged while catching up.

    Connect the source's ``floorUpdated`` to ``on_floor_updated``; call ``flush()``
    before anything that needs the view current (a reload), and route the clock tick's
    work through ``tick()``: while catching up it runs in a turn of its own, after the
    held-back refresh, not in the tick's turn with every other view's.
    """

    def __init__(
        self,
        source: FloorSource,
        refresh: Callable[[ChangeSet], None],
        interval_ms: int = CATCH_UP_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._refresh = refresh
        self._interval_s = interval_ms / 1000.0
        self._pending: ChangeSet | None = None
        self._tick: Callable[[], None] | None = None  # a clock tick owed, run in a turn of its own
        self._last = 0.0  # monotonic time of the last refresh
        self.due = 0.0  # while waiting for a turn: monotonic time from which it may run
        self.deferred = 0  # updates merged into a later refresh (for tests and diagnostics)

    def _catching_up(self) -> bool:
        return bool(getattr(self._source, "catching_up", False))

    def on_floor_updated(self, changes: ChangeSet) -> None:
        catching_up = self._catching_up()
        if not catching_up and self._pending is None:
            self._run(changes)  # the usual case: live, nothing held back
            return
        # Never merge into the emitted change set itself: every view gets the same object.
        if self._pending is None:
            self._pending = merge_changes(ChangeSet(), changes)
        else:
            merge_changes(self._pending, changes)
        if not catching_up:
            self.flush()  # the catch-up is over: everything at once
            return
        # Refreshed in a turn of the event loop of its own: not on top of a slice, nor of
        # another throttled view's refresh.
        self.deferred += 1
        self._ask(self._last + self._interval_s)

    def tick(self, work: Callable[[], None]) -> None:
        """The clock ticked: ``work`` brings the view's times up to date (after what is held back).

        Live, ``flush()`` and ``work()`` run at once. While catching up they are left to the
        throttled turns: the refresh when its interval is up, the tick in the turn after it.
        """
        if not self._catching_up() and self._pending is None:
            self._tick = None
            work()
            return
        self._tick = work
        self._ask(self._last + self._interval_s if self._pending is not None else 0.0)

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def flush(self) -> None:
        """Run the refresh now with what is held back, if anything.

        A clock tick still owed runs in the next turn of the event loop, not in this one.
        """
        changes, self._pending = self._pending, None
        if self._tick is not None:
            self._ask(0.0)
        else:
            _the_turns().drop(self)
        if changes is not None:
            self._run(changes)

    def _ask(self, due: float) -> None:
        self.due = due
        _the_turns().want(self)

    def _run_turn(self) -> None:
        """A turn of the event loop for this view: the held-back refresh, else the owed tick."""
        if self._pending is not None:
            changes, self._pending = self._pending, None
            self._run(changes)
            if self._tick is not None:
                self._ask(0.0)  # the tick in a turn of its own
        elif self._tick is not None:
            tick, self._tick = self._tick, None
            tick()

    def _run(self, changes: ChangeSet) -> None:
        self._last = time.monotonic()
        self._refresh(changes)
