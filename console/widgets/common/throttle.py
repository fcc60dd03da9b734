"""Refreshing an expensive view less often while the feed catches up on a backlog.

A ``LiveFeed`` that applies a backlog (after an outage, say) does it in
time-boxed slices and emits ``floorUpdated`` for each: many a second. A view
whose refresh costs milliseconds per slice would spend the catch-up refreshing
what the next slice changes again. ``CatchUpThrottle`` passes a view's updates
straight through while the feed is live, and while the source says it is
``catching_up`` runs the refresh at most once per ``interval_ms`` (like
qutebrowser's throttle), with the change sets of the slices in between merged
into one. The slice that ends the catch-up asks for the merged refresh at once,
in a turn of the event loop of its own (below), so a view is current a few
turns after the backlog is done, never left behind; updates that come
meanwhile are merged into it. A source without ``catching_up`` (a plain
``FloorSource``, as in tests) is never throttled.

The held-back refreshes of all throttled views, and their clock ticks while
catching up (``tick()``), run from one shared timer, one per turn of the event
loop, in the order they were asked for: two views' refreshes (27-60 ms each)
never land in the same turn, nor on top of the once-a-second tick. That holds
for the refreshes that end a catch-up too: run in the last slice's turn, the
agent board's, the queue overview's, the breaches' and the alerts' merged
refreshes made one stall of well over 100 ms; each now waits for a turn, in
the order the views are connected (the alerts read the overview's figures).

A refresh that runs in such a turn (``in_turn``) may do part of its work and call ``more()``:
it is called again, with an empty change set, in the next turn it gets, until it stops asking
(the agent board refreshes a big merged update a chunk of rows per turn). Until then the view
counts as ``pending``, and updates that come meanwhile are merged in as while catching up.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from shiboken6 import Shiboken

from console.application.floor_source import FloorSource
from console.domain.changes import ChangeSet, merge_changes

#: While catching up, a throttled view refreshes at most this often. Each refresh is followed by a
#: paint of its table; at 250 ms the four throttled views and their paints took about a third more
#: of the GUI thread per event applied (in-process, benchmarks.catchup_inproc), at about the same
#: longest turn: a merged refresh costs what the rows it touches cost, and a big floor's agents are
#: mostly touched within 250 ms of a catch-up already.
CATCH_UP_INTERVAL_MS = 500
#: While the feed gives the views their turns (``turn_takers``), the shared timer still looks this often.
FED_FALLBACK_MS = 50


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

    def want(self, throttle: CatchUpThrottle, *, to_back: bool = False) -> None:
        """``throttle`` has work for a turn from ``throttle.due`` on (monotonic seconds).

        ``to_back``: behind every view waiting already, even if it was waiting before them.
        """
        if to_back and throttle in self._waiting:
            self._waiting.remove(throttle)
        if throttle not in self._waiting:
            self._waiting.append(throttle)
        self._arm()

    def has(self, throttle: CatchUpThrottle) -> bool:
        return throttle in self._waiting

    @property
    def waiting(self) -> int:
        return sum(1 for t in self._waiting if _alive(t))

    def drop(self, throttle: CatchUpThrottle) -> None:
        if throttle in self._waiting:
            self._waiting.remove(throttle)
            self._arm()

    def _arm(self) -> None:
        self._waiting = [t for t in self._waiting if _alive(t)]
        if not self._waiting:
            self._timer.stop()
            return
        # Jobs the feed gives turns to (while it catches up) need the timer only as a safety net.
        own = [t.due for t in self._waiting if not t.fed()]
        wait_ms = max(0, round((min(own) - time.monotonic()) * 1000)) if own else FED_FALLBACK_MS
        # Never put off a turn already coming (re-arming a 0 ms timer on every slice would).
        if not self._timer.isActive() or self._timer.remainingTime() > wait_ms:
            self._timer.start(wait_ms)

    def _run_one(self) -> None:
        self.run_due(fed_too=False)

    def run_due(self, *, fed_too: bool = True) -> bool:
        """Run the first job in line whose time has come (they queue in turn: round-robin).

        From the timer (``fed_too`` false) only jobs the feed does not give turns to.
        Returns whether a job ran.
        """
        now = time.monotonic()
        job = next(
            (t for t in self._waiting if _alive(t) and t.due <= now + 0.0005 and (fed_too or not t.fed())),
            None,
        )
        if job is not None:
            self._waiting.remove(job)
            job._run_turn()  # may ask again (an owed tick after the refresh)
        self._arm()
        return job is not None


def _alive(obj: QObject) -> bool:
    return bool(Shiboken.isValid(obj))


_turns: list[_Turns] = []  # the one in use (made on first use: a QApplication exists by then)


def _the_turns() -> _Turns:
    if not _turns or not _alive(_turns[0]):
        _turns[:] = [_Turns()]
    return _turns[0]


def _feed_turn() -> bool:
    """A catching-up source's turn of the event loop, offered to the throttled views.

    Registered in the source's ``turn_takers`` (``LiveFeed``): while it applies a backlog, each
    turn goes either to one view's held-back refresh (or owed tick) whose time has come, or to a
    slice of events, never both, so that a slice (15 ms) and a refresh (20-50 ms) do not add up.
    """
    if not _turns or not _alive(_turns[0]):
        return False
    return _turns[0].run_due()


def views_waiting() -> int:
    """How many throttled views have a held-back refresh or an owed tick waiting for a turn."""
    return _the_turns().waiting if _turns else 0


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
        self._more = False  # the refresh left work for another turn (``more()``)
        self._was_catching_up = False  # the last update came while catching up
        #: True while the refresh runs in a turn of its own (it may then leave work: ``more()``).
        self.in_turn = False
        # A source that applies a backlog in slices may offer its turns of the event loop
        # (LiveFeed.turn_takers): then a held-back refresh takes a turn instead of a slice.
        takers = getattr(source, "turn_takers", None)
        self._takes_turns = isinstance(takers, list)
        if isinstance(takers, list) and _feed_turn not in takers:
            takers.append(_feed_turn)

    def _catching_up(self) -> bool:
        return bool(getattr(self._source, "catching_up", False))

    def fed(self) -> bool:
        """Whether the source gives this view its turns now (it is catching up and offers them)."""
        return self._takes_turns and self._catching_up()

    def more(self) -> None:
        """From a refresh running ``in_turn``: it did part of its work; call it again in another turn.

        The next call gets an empty change set (or what was merged meanwhile) and may ask again.
        """
        self._more = True

    def on_floor_updated(self, changes: ChangeSet) -> None:
        catching_up = self._catching_up()
        ended, self._was_catching_up = self._was_catching_up and not catching_up, catching_up
        if not catching_up and not self.pending and not ended:
            self._run(changes)  # the usual case: live, nothing held back
            return
        # Never merge into the emitted change set itself: every view gets the same object.
        if self._pending is None:
            self._pending = merge_changes(ChangeSet(), changes)
        else:
            merge_changes(self._pending, changes)
        if not catching_up:
            # The catch-up is over (also when nothing was held back: the last slice applied 15 ms of
            # events): everything merged, at once, but in a turn of its own (behind the views
            # connected before this one), not in the last slice's turn with every other view's.
            # Live updates until then are merged into it.
            if self.due != 0.0 or not _the_turns().has(self):
                self._ask(0.0, to_back=True)
            return
        # Refreshed in a turn of the event loop of its own: not on top of a slice, nor of
        # another throttled view's refresh. A refresh that left work goes on in the next turn.
        self.deferred += 1
        self._ask(0.0 if self._more else self._last + self._interval_s)

    def tick(self, work: Callable[[], None]) -> None:
        """The clock ticked: ``work`` brings the view's times up to date (after what is held back).

        Live, ``flush()`` and ``work()`` run at once. While catching up they are left to the
        throttled turns: the refresh when its interval is up, the tick in the turn after it.
        """
        if not self._catching_up() and not self.pending:
            self._tick = None
            work()
            return
        self._tick = work
        if self._more:
            self._ask(0.0)  # the refresh under way goes on first
        elif self._pending is not None and self._catching_up():
            self._ask(self._last + self._interval_s)
        elif self.due != 0.0 or not _the_turns().has(self):
            self._ask(0.0)  # after the catch-up, the refresh it ended with is due already

    @property
    def pending(self) -> bool:
        """A refresh is held back, or one under way left work for another turn (``more()``)."""
        return self._pending is not None or self._more

    def flush(self) -> None:
        """Run the refresh now with what is held back, if anything.

        A clock tick still owed runs in the next turn of the event loop, not in this one.
        """
        changes, self._pending = self._pending, None
        if changes is None and self._more:
            changes = ChangeSet()  # the refresh under way: all the rest of its work, now
        self._more = False
        if self._tick is not None:
            self._ask(0.0)
        else:
            _the_turns().drop(self)
        if changes is not None:
            self._run(changes)

    def _ask(self, due: float, *, to_back: bool = False) -> None:
        self.due = due
        _the_turns().want(self, to_back=to_back)

    def _run_turn(self) -> None:
        """A turn of the event loop for this view: the held-back refresh (or its rest), else the owed tick."""
        if self._pending is not None or self._more:
            changes = self._pending if self._pending is not None else ChangeSet()
            self._pending = None
            self._more = False
            self.in_turn = True
            try:
                self._run(changes)
            finally:
                self.in_turn = False
            if self._more or self._tick is not None:
                self._ask(0.0)  # the rest of the refresh, or the tick, in a turn of its own
        elif self._tick is not None:
            tick, self._tick = self._tick, None
            tick()

    def _run(self, changes: ChangeSet) -> None:
        self._last = time.monotonic()
        self._refresh(changes)
