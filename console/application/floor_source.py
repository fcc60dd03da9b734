"""What views watch: the floor state on the GUI thread and notifications that it changed.

The live feed (``console.application.live.LiveFeed``) is one; tests drive one directly with
domain events. Views read ``state`` and redraw what a ``ChangeSet`` names:
``floorUpdated`` comes at most about 30 times a second, with one change set per
batch, never one signal per event.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from console.domain.changes import ChangeSet
from console.domain.clock import to_ms
from console.domain.events import Event
from console.domain.state import FloorState


class FloorSource(QObject):
    floorUpdated = Signal(object)  # ChangeSet
    clockTicked = Signal()  # about once a second: waits and times in state tick
    statusChanged = Signal(object)  # the feed's status (console.feeds.client.feed_client.FeedStatus)

    def __init__(self, state: FloorState | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state or FloorState()

    def feed_clock_ms(self) -> int | None:
        """Now, on the feed clock (latest event or heartbeat); never the local clock."""
        return to_ms(self.state.at) if self.state.at else None

    def apply(self, events: list[Event]) -> ChangeSet:
        """Apply a batch and tell the views once."""
        for event in events:
            self.state.apply(event)
        changes = self.state.take_changes()
        if changes:
            self.floorUpdated.emit(changes)
        return changes
