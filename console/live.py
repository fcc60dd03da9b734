"""The live feed on the GUI thread: a FeedClient's batches folded into the console's FloorState.

``LiveFeed`` is the bridge between the feed client's thread and the Qt GUI
thread. The client calls ``on_ready`` from its own thread when items start to
pile up; that emits one queued signal, whose slot (on the GUI thread) starts a
single-shot timer. When the timer fires, everything received so far is drained
and applied in one go, and views get one ``floorUpdated`` with one ChangeSet.
So the GUI does at most ~30 refreshes a second however fast events come, and
never touches the network. See docs/feed-client.md.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from console.domain.state import FloorState, SequenceError
from console.feeds.client import (
    AckItem,
    Backoff,
    ConnState,
    EventsItem,
    FeedClient,
    FeedStatus,
    HeartbeatItem,
    SnapshotItem,
    StatusItem,
)
from console.widgets.source import FloorSource

log = logging.getLogger("console.live")

#: Drains are at least this far apart: ~30 a second at most.
DRAIN_INTERVAL_MS = 33
#: Window over which events_per_second() averages.
RATE_WINDOW_S = 5.0


class LiveFeed(FloorSource):
    """Owns the feed client and the GUI thread's copy of the floor.

    As a FloorSource it emits ``floorUpdated`` (one ChangeSet per drain that changed
    something), ``statusChanged`` (a FeedStatus, when the connection state or error
    changes) and ``clockTicked`` (once a second).
    """

    ackReceived = Signal(object)  # AckItem, for every ack (also timeouts and disconnects)
    # Emitted on the client thread; queued to _on_items_ready on the GUI thread.
    _itemsReady = Signal()

    def __init__(
        self,
        url: str,
        token: str,
        *,
        parent: QObject | None = None,
        connect_timeout_s: float = 5.0,
        command_timeout_s: float = 10.0,
        backoff: Backoff | None = None,
        drain_interval_ms: int = DRAIN_INTERVAL_MS,
    ) -> None:
        super().__init__(FloorState(), parent)
        self._client = FeedClient(
            url,
            token,
            on_ready=self._itemsReady.emit,
            connect_timeout_s=connect_timeout_s,
            command_timeout_s=command_timeout_s,
            backoff=backoff,
        )
        self._status = self._client.status()
        self._callbacks: dict[str, Callable[[AckItem], None]] = {}
        self._awaiting_snapshot = False  # after a SequenceError: ignore events until a snapshot
        self.sequence_errors = 0
        self._rate: deque[tuple[float, int]] = deque()  # (monotonic, events applied) per drain
        self._started_at: float | None = None

        self._itemsReady.connect(self._on_items_ready, Qt.ConnectionType.QueuedConnection)
        self._drain_timer = QTimer(self)
        self._drain_timer.setSingleShot(True)
        self._drain_timer.setInterval(drain_interval_ms)
        self._drain_timer.timeout.connect(self._drain)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self.clockTicked)

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> None:
        self._started_at = time.monotonic()
        self._clock_timer.start()
        self._client.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the client (joins its thread) and apply what it left: pending acks get answered."""
        self._clock_timer.stop()
        self._client.stop(timeout)
        self._drain_timer.stop()
        self._drain()

    # -- reading ------------------------------------------------------------------------

    @property
    def status(self) -> FeedStatus:
        """The connection state with the counters as of now."""
        return self._client.status()

    @property
    def client(self) -> FeedClient:
        return self._client

    def last_frame_age_s(self) -> float | None:
        last = self._client.status().last_frame_monotonic
        return None if last is None else time.monotonic() - last

    def events_per_second(self) -> float:
        now = time.monotonic()
        self._trim_rate(now)
        if not self._rate or self._started_at is None:
            return 0.0
        span = min(RATE_WINDOW_S, now - self._started_at)
        return sum(n for _, n in self._rate) / span if span > 0 else 0.0

    def is_stale(self, threshold_s: float = 3.0) -> bool:
        """True when not connected, or nothing (not even a heartbeat) came for threshold_s."""
        status = self._client.status()
        if status.state is not ConnState.CONNECTED or status.last_frame_monotonic is None:
            return True
        return time.monotonic() - status.last_frame_monotonic > threshold_s

    # -- commands -----------------------------------------------------------------------

    def send_command(
        self, action: str, args: dict[str, Any], callback: Callable[[AckItem], None] | None = None
    ) -> str:
        """Send a command; ``callback`` runs on the GUI thread with its ack (or timeout)."""
        cid = uuid.uuid4().hex
        if callback is not None:
            self._callbacks[cid] = callback  # before sending: the ack cannot overtake it
        return self._client.send_command(action, args, command_id=cid)

    # -- the GUI-thread side of the hand-over -----------------------------------------

    @Slot()
    def _on_items_ready(self) -> None:
        # Throttle: the first wake-up starts the timer; later ones until it fires join that drain.
        if not self._drain_timer.isActive():
            self._drain_timer.start()

    @Slot()
    def _drain(self) -> None:
        items = self._client.drain()
        if not items:
            return
        state = self.state
        acks: list[AckItem] = []
        status: FeedStatus | None = None
        applied = 0
        for item in items:
            if isinstance(item, EventsItem):
                if not self._awaiting_snapshot:
                    applied += self._apply_events(item)
            elif isinstance(item, HeartbeatItem):
                if item.at is not None and not self._awaiting_snapshot:
                    state.advance_clock(item.at)
            elif isinstance(item, SnapshotItem):
                state.load_snapshot(item.snapshot)
                self._awaiting_snapshot = False
            elif isinstance(item, AckItem):
                acks.append(item)
            elif isinstance(item, StatusItem):
                status = item.status
        if applied:
            self._rate.append((time.monotonic(), applied))
        changes = state.take_changes()
        if changes:
            self.floorUpdated.emit(changes)
        if status is not None and status != self._status:
            self._status = status
            self.statusChanged.emit(status)
        # After floorUpdated: an ack follows its events, so views show the result first.
        for ack in acks:
            self.ackReceived.emit(ack)
            callback = None if ack.late else self._callbacks.pop(ack.id, None)
            if callback is not None:
                try:
                    callback(ack)
                except Exception:  # one view's bug must not stop the feed
                    log.exception("ack callback for %s failed", ack.id)

    def _apply_events(self, item: EventsItem) -> int:
        state = self.state
        done = 0
        try:
            for event in item.events:
                state.apply(event)
                done += 1
        except SequenceError as exc:
            # The client checks the sequence, so this is a bug somewhere: recover, do not crash.
            self.sequence_errors += 1
            log.error("feed out of sequence on the GUI side (%s); asking for a fresh snapshot", exc)
            self._awaiting_snapshot = True
            self._client.resync()
        return done

    def _trim_rate(self, now: float) -> None:
        while self._rate and self._rate[0][0] < now - RATE_WINDOW_S:
            self._rate.popleft()
