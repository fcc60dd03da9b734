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
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from console.domain.changes import ChangeSet
from console.widgets.source import FloorSource

#: While catching up, a throttled view refreshes at most this often.
CATCH_UP_INTERVAL_MS = 250

_KINDS = {
    "call": ("calls_added", "calls_changed", "calls_removed"),
    "case": ("cases_added", "cases_changed", "cases_removed"),
    "agent": ("agents_added", "agents", "agents_removed"),
}
_BY_KIND = {name for names in _KINDS.values() for name in names}


def merge_changes(into: ChangeSet, more: ChangeSet) -> ChangeSet:
    """Add ``more`` (what changed next) to ``into``, as if both had been recorded in one change set."""
    for kind, (added, changed, removed) in _KINDS.items():
        for item_id in getattr(more, removed):
            into.removed(kind, item_id)
        for item_id in getattr(more, added):
            into.added(kind, item_id)
        for item_id in getattr(more, changed):
            into.changed(kind, item_id)
    for f in dataclasses.fields(more):
        if f.name in _BY_KIND:
            continue
        value = getattr(more, f.name)
        if isinstance(value, set):
            getattr(into, f.name).update(value)
        elif isinstance(value, bool):
            setattr(into, f.name, getattr(into, f.name) or value)
        elif isinstance(value, int):
            setattr(into, f.name, getattr(into, f.name) + value)
    return into


class CatchUpThrottle(QObject):
    """Calls ``refresh(changes)`` for floor updates: at once when live, merged while catching up.

    Connect the source's ``floorUpdated`` to ``on_floor_updated``; call ``flush()``
    before anything that needs the view current (a clock tick).
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
        self._last = 0.0  # monotonic time of the last refresh
        self.deferred = 0  # updates merged into a later refresh (for tests and diagnostics)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)

    def on_floor_updated(self, changes: ChangeSet) -> None:
        catching_up = bool(getattr(self._source, "catching_up", False))
        if not catching_up and self._pending is None:
            self._run(changes)  # the usual case: live, nothing held back
            return
        # Never merge into the emitted change set itself: every view gets the same object.
        self._pending = merge_changes(self._pending or ChangeSet(), changes)
        if not catching_up:
            self.flush()  # the catch-up is over: everything at once
            return
        # Refreshed from the timer, in a turn of the event loop of its own: not on top of a slice.
        self.deferred += 1
        if not self._timer.isActive():
            wait = self._last + self._interval_s - time.monotonic()
            self._timer.start(max(0, round(wait * 1000)))

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def flush(self) -> None:
        """Run the refresh now with what is held back, if anything."""
        self._timer.stop()
        changes, self._pending = self._pending, None
        if changes is not None:
            self._run(changes)

    def _run(self, changes: ChangeSet) -> None:
        self._last = time.monotonic()
        self._refresh(changes)
