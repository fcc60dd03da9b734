"""The live feed on the GUI thread: a FeedClient's batches folded into the console's FloorState.

``LiveFeed`` is the bridge between the feed client's thread and the Qt GUI
thread. The client calls ``on_ready`` from its own thread when items start to
pile up; that emits one queued signal, whose slot (on the GUI thread) starts a
single-shot timer. When the timer fires, what was received so far is drained
and applied, and views get one ``floorUpdated`` with one ChangeSet. So the GUI
does at most ~30 refreshes a second however fast events come, and never
touches the network.

A drain is time-boxed: it applies for at most ``slice_ms`` (15 ms), then emits
``floorUpdated`` for what it applied, gives the event loop back (paint, input,
timers) and goes on at once with a 0 ms timer; a turn of that timer goes to a
view's held-back refresh instead of a slice when one is due (``turn_takers``). A backlog of 100,000 events
after an outage is therefore applied in many short slices, never in one long
stall; a snapshot gets a slice of its own. Order is kept across slices: acks
come after the slice that applied the events before them. See
docs/feed-client.md.

Signing in: a LiveFeed made without a token does not connect; one whose token the
gateway refuses (the client stops for good on 4401), or whose token belongs to a
role that is not sent the floor (an adapter), stops too. Each time it emits
``signedOut`` with a ``SignedOut`` (what happened, in words to translate) and its
status says ``token_refused`` and why, until :meth:`LiveFeed.sign_in` starts a
new client with another address or token (the console's sign-in dialog,
``widgets.common.sign_in``). The token is kept in memory only, and so is the
password of a sign-in by name (:meth:`LiveFeed.sign_in` with ``user`` and
``password``: the feed client keeps it to sign in again on reconnects, and drops
it when it stops).
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from console.application.floor_source import FloorSource
from console.domain.clock import to_ms
from console.domain.permissions import Role, may_watch
from console.domain.state import FloorState, SequenceError
from console.domain.texts import QT_TRANSLATE_NOOP, Text
from console.feeds.client.feed_client import (
    AckItem,
    Backoff,
    ConnState,
    EventsItem,
    FeedClient,
    FeedError,
    FeedItem,
    FeedStatus,
    HeartbeatItem,
    SnapshotItem,
    StatusItem,
)
from console.feeds.transport import plain_text_refusal

log = logging.getLogger("console.application.live")

#: Drains are at least this far apart: ~30 a second at most (unless a backlog is being applied).
DRAIN_INTERVAL_MS = 33
#: A drain applies for at most this long before it gives the event loop back (then goes on at once).
DRAIN_SLICE_MS = 15
#: Events applied between two looks at the clock within a slice.
_CHUNK = 256
#: The cyclic garbage collector waits while a backlog is applied, for this long at most.
GC_PAUSE_MAX_S = 10.0
#: Window over which events_per_second() averages.
RATE_WINDOW_S = 5.0


class SignOut(StrEnum):
    """Why the console is not signed in to its gateway."""

    NO_TOKEN = "no_token"  # started without one
    TOKEN_REFUSED = "token_refused"  # the gateway closed with 4401
    NOT_A_CONSOLE = "not_a_console"  # the token's role is not sent the floor (an adapter's)
    # Plain ws:// to another machine without --insecure (console.feeds.transport): nothing is attempted.
    PLAIN_TEXT = "plain_text"


@dataclass(frozen=True)
class SignedOut:
    kind: SignOut
    reason: Text  # the details, to translate for the screen (str() is the English)
    code: int | None = None  # the gateway's close code (4401, 4403, 4501) when it refused
    by_name: bool = False  # it was a sign-in by name and password


@dataclass(frozen=True)
class LastFailure:
    """Why the feed's last connection ended or could not be made, and when, on both clocks.

    ``error.at`` is the workstation's wall clock (``time.time()``); ``feed_ms`` is the feed clock
    as it stood then (the last feed time received before it: the feed clock stops with the feed,
    and is never made up from the workstation's); ``None`` before any feed time came.
    """

    error: FeedError
    feed_ms: int | None


class LiveFeed(FloorSource):
    """Owns the feed client and the GUI thread's copy of the floor.

    As a FloorSource it emits ``floorUpdated`` (one ChangeSet per drain that changed
    something), ``statusChanged`` (a FeedStatus, when the connection state or error
    changes) and ``clockTicked`` (once a second).
    """

    ackReceived = Signal(object)  # AckItem, for every ack (also timeouts and disconnects)
    signedOut = Signal(object)  # SignedOut: no client runs until sign_in()
    # Emitted on the client thread; queued to _on_items_ready on the GUI thread.
    _itemsReady = Signal()

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        parent: QObject | None = None,
        connect_timeout_s: float = 5.0,
        command_timeout_s: float = 10.0,
        backoff: Backoff | None = None,
        drain_interval_ms: int = DRAIN_INTERVAL_MS,
        slice_ms: int = DRAIN_SLICE_MS,
        slice_clock: Callable[[], float] = time.perf_counter,
        ca: str | None = None,
        insecure: bool = False,
    ) -> None:
        super().__init__(FloorState(), parent)
        self._client_options: dict[str, Any] = {
            "connect_timeout_s": connect_timeout_s,
            "command_timeout_s": command_timeout_s,
            "backoff": backoff,
            "ca": ca,
            "insecure": insecure,
        }
        self.insecure = insecure  # plain ws:// to another machine allowed (--insecure)
        self._client = self._new_client(url, token or "")
        self._client_started = False
        self._signed_out: SignedOut | None = self._plain_text(url)
        if self._signed_out is None and not token:
            self._signed_out = SignedOut(
                SignOut.NO_TOKEN,
                Text("LiveFeed", QT_TRANSLATE_NOOP("LiveFeed", "no token was given for {url}"), {"url": url}),
            )
        self._status = self.status
        self._last_failure: LastFailure | None = None
        self._callbacks: dict[str, Callable[[AckItem], None]] = {}
        self._awaiting_snapshot = False  # after a SequenceError: ignore events until a snapshot
        self.sequence_errors = 0
        self._rate: deque[tuple[float, int]] = deque()  # (monotonic, events applied) per drain
        self._started_at: float | None = None
        # Drained from the client, not applied yet (a backlog goes in slices); the first item's
        # events are applied up to _offset.
        self._pending: deque[FeedItem] = deque()
        self._offset = 0
        self._interval_ms = drain_interval_ms
        self._slice_s = slice_ms / 1000.0
        self._slice_clock = slice_clock  # seconds; slices are timed by it (a test passes its own)
        self.slices_cut = 0  # drains that ran out of time and went on in another slice
        # True while a backlog is applied in slices: the floorUpdated being emitted is not its last.
        # Views that are expensive to refresh may merge such updates (widgets.common.throttle).
        self.catching_up = False
        # While catching up, each turn of the drain timer is first offered to these (in order): one
        # that returns True has used the turn for a view's held-back refresh, and the slice waits
        # for the next turn. Views that merge updates while catching up register here.
        self.turn_takers: list[Callable[[], bool]] = []
        self._gc_paused_at: float | None = None  # when the collector was paused for a catch-up
        self._gc_hooked = False
        self._gc_gave_up = False  # paused for GC_PAUSE_MAX_S already in this catch-up

        self._itemsReady.connect(self._on_items_ready, Qt.ConnectionType.QueuedConnection)
        self._drain_timer = QTimer(self)
        self._drain_timer.setSingleShot(True)
        self._drain_timer.setInterval(drain_interval_ms)
        self._drain_timer.timeout.connect(self._drain)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self.clockTicked)

    # -- life cycle ---------------------------------------------------------------------

    def _new_client(
        self, url: str, token: str, user: str | None = None, password: str | None = None
    ) -> FeedClient:
        return FeedClient(
            url, token, on_ready=self._itemsReady.emit, user=user, password=password, **self._client_options
        )

    def start(self) -> None:
        self._started_at = time.monotonic()
        self._clock_timer.start()
        signed_out = self._signed_out
        if signed_out is None:
            self._client_started = True
            self._client.start()
        else:
            self.statusChanged.emit(self.status)
            self.signedOut.emit(signed_out)

    @property
    def signed_out(self) -> SignedOut | None:
        """Why no client runs (None while signed in: connected or trying to)."""
        return self._signed_out

    @property
    def url(self) -> str:
        return self._client.url

    def _plain_text(self, url: str) -> SignedOut | None:
        """Signed out when ``url`` is plain ws:// to another machine and --insecure was not given."""
        refusal = plain_text_refusal(url, insecure=self.insecure)
        return None if refusal is None else SignedOut(SignOut.PLAIN_TEXT, refusal)

    def sign_in(self, url: str, token: str, *, user: str | None = None, password: str | None = None) -> None:
        """Connect to ``url`` with ``token``, or with ``user`` and ``password`` (the gateway's directory).

        A new client (the old one stopped, its answers applied).

        The floor shown stays until the new connection's snapshot replaces it. A plain ws:// address
        of another machine (without --insecure) is not tried: the feed stays signed out and says why.
        """
        old = self._client
        if self._client_started:
            old.stop()
            self._drain_slice(None)  # commands still waiting get their "disconnected" answers
        self._client = self._new_client(url, token, user, password)
        refused = self._plain_text(url)
        if refused is not None:
            self._client_started = False
            self._sign_out(refused)
            return
        self._signed_out = None
        self._status = self.status
        self.statusChanged.emit(self._status)
        if self._started_at is not None:
            self._client_started = True
            self._client.start()

    def _sign_out(self, signed_out: SignedOut) -> None:
        """Stop the client (it cannot get the floor with this token) and say why."""
        self._signed_out = signed_out
        self._client.stop()
        self._status = self.status
        self.statusChanged.emit(self._status)
        self.signedOut.emit(signed_out)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the client (joins its thread) and apply what it left: pending acks get answered."""
        self._clock_timer.stop()
        self._client.stop(timeout)
        self._drain_timer.stop()
        self._drain_slice(None)
        self._pause_collector(False)

    # -- reading ------------------------------------------------------------------------

    @property
    def status(self) -> FeedStatus:
        """The connection state with the counters as of now."""
        return self._with_sign_out(self._client.status())

    def _with_sign_out(self, status: FeedStatus) -> FeedStatus:
        signed_out = self._signed_out
        if signed_out is None or signed_out.kind is SignOut.TOKEN_REFUSED:
            return status  # the client's own words (it has stopped and says why)
        return dataclasses.replace(
            status,
            state=ConnState.DISCONNECTED,
            last_error=str(signed_out.reason),
            last_error_text=signed_out.reason,
            token_refused=True,
            attempts=0,
        )

    @property
    def client(self) -> FeedClient:
        return self._client

    def last_failure(self) -> LastFailure | None:
        """The last connection failure (kept after the feed is back), placed on the feed clock.

        Taken from the status item the client queues after each failure (every failure changes the
        connection state, so one always follows), when what came before it has been applied.
        """
        return self._last_failure

    def _stamp_failure(self, status: FeedStatus) -> None:
        """Place a new failure on the feed clock, as of the floor applied so far (GUI thread)."""
        error = status.last_failure
        if error is None or (self._last_failure is not None and self._last_failure.error == error):
            return
        self._last_failure = LastFailure(error, to_ms(self.state.at) if self.state.at else None)

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
        """Send a command; ``callback`` runs on the GUI thread with its ack (or timeout).

        The console's ``CommandSender``: views send through ``console.application.commands.Commands``.
        """
        cid = uuid.uuid4().hex
        if callback is not None:
            self._callbacks[cid] = callback  # before sending: the ack cannot overtake it
        return self._client.send_command(action, args, command_id=cid)

    # -- the GUI-thread side of the hand-over -----------------------------------------

    @Slot()
    def _on_items_ready(self) -> None:
        # Throttle: the first wake-up starts the timer; later ones until it fires join that drain.
        # (A slice that ran out of time has already re-armed it at 0 ms.)
        if not self._drain_timer.isActive():
            self._drain_timer.start(self._interval_ms)

    @Slot()
    def _drain(self) -> None:
        if self.catching_up:
            # A turn of a catch-up goes to one view's held-back refresh whose time has come
            # (widgets.common.throttle), or else to a slice: never both in one turn.
            for take in tuple(self.turn_takers):
                try:
                    taken = take()
                except Exception:  # one view's bug (or a view gone) must not stop the feed
                    log.exception("a view's catch-up turn failed; it gets no more turns")
                    self.turn_takers.remove(take)
                    continue
                if taken:
                    self._drain_timer.start(0)
                    return
        self._drain_slice(self._slice_s)

    def _drain_slice(self, budget_s: float | None) -> None:
        """Apply what is waiting for at most ``budget_s`` (None: all of it), then tell the views once."""
        deadline = None if budget_s is None else self._slice_clock() + budget_s
        state = self.state
        pending = self._pending
        acks: list[AckItem] = []
        status: FeedStatus | None = None
        applied = 0
        cut = False  # out of time: go on in another slice at once
        shown = False  # a snapshot was loaded: the views take it in this slice, the rest comes after
        while not (cut or shown):
            if not pending:
                pending.extend(self._client.drain())
                if not pending:
                    break
            item = pending[0]
            if isinstance(item, EventsItem):
                if self._awaiting_snapshot:
                    self._offset = 0
                else:
                    n, finished = self._apply_events(item, deadline)
                    applied += n
                    if not finished:
                        break  # out of time within the item: the rest in the next slice
            elif isinstance(item, HeartbeatItem):
                if item.at is not None and not self._awaiting_snapshot:
                    state.advance_clock(item.at)
            elif isinstance(item, SnapshotItem):
                state.load_snapshot(item.snapshot)
                self._awaiting_snapshot = False
                shown = budget_s is not None
            elif isinstance(item, AckItem):
                acks.append(item)
            elif isinstance(item, StatusItem):
                status = item.status
                self._stamp_failure(status)  # the floor is as it was when the failure happened
            pending.popleft()
            # Out of time: stop before the next batch of events or snapshot, but take the cheap
            # items (acks, heartbeats, status) that follow now, so an ack leaves with its events.
            if deadline is not None and self._slice_clock() >= deadline:
                if not pending:
                    # Only more from the client makes this a catch-up: the slice that applied the
                    # last of a backlog ends it (collector back, no extra slice), even out of time.
                    pending.extend(self._client.drain())
                    if not pending:
                        break
                cut = isinstance(pending[0], EventsItem | SnapshotItem)
        # Give the loop back (paint, input), then go on at once: a backlog is being applied.
        # After a snapshot, what follows it waits for the usual interval (it is not a backlog).
        self.catching_up = budget_s is not None and (cut or (bool(pending) and not shown))
        if self.catching_up:
            self.slices_cut += 1
            self._drain_timer.start(0)
        elif budget_s is not None and pending:
            self._drain_timer.start(self._interval_ms)
        self._pause_collector(self.catching_up)
        if applied:
            self._rate.append((time.monotonic(), applied))
        changes = state.take_changes()
        if changes:
            self.floorUpdated.emit(changes)
        if shown:
            # A snapshot's floor, and what the views built from it (50,000 cases on a big centre),
            # lives long: out of the cyclic collector's way, so that full collections no longer
            # walk it (they stalled the GUI for 100-300 ms each). Only what is garbage already and
            # in a reference cycle stays behind for good, once per snapshot.
            gc.collect(1)
            gc.freeze()
        sign_out: SignedOut | None = None
        if status is not None:
            sign_out = self._sign_out_for(status)
            status = self._with_sign_out(status)
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
        if sign_out is not None:
            self._sign_out(sign_out)

    def _sign_out_for(self, status: FeedStatus) -> SignedOut | None:
        """Whether this status from the client means the console is not signed in after all."""
        if self._signed_out is not None:
            return None  # said already
        if status.token_refused and status.last_error_text is not None:
            by_name = self._client.user_name is not None
            return SignedOut(SignOut.TOKEN_REFUSED, status.last_error_text, status.refused_code, by_name)
        role = status.role
        if status.state is ConnState.CONNECTED and role is not None and not watches_floor(role):
            return SignedOut(
                SignOut.NOT_A_CONSOLE,
                Text(
                    "LiveFeed",
                    QT_TRANSLATE_NOOP(
                        "LiveFeed",
                        "the token for {url} belongs to {user}, of role {role}: that role publishes "
                        "events and is not sent the floor",
                    ),
                    {"url": status.url, "user": status.user or "?", "role": role},
                ),
            )
        return None

    def _pause_collector(self, catching_up: bool) -> None:
        """No cyclic garbage collection while a backlog is applied (for at most GC_PAUSE_MAX_S).

        A backlog of 100,000 decoded events makes the collector walk them again and
        again: full collections of 60-120 ms every half second, stalling the GUI (and
        the feed client's thread) for about a sixth of a catch-up. Reference counting
        frees what the slices are done with meanwhile; reference cycles wait for the
        collector, which runs again as usual (one collection) once the backlog is applied.
        """
        now = time.monotonic()
        if not catching_up:
            if self._gc_paused_at is not None:
                gc.enable()
                self._gc_paused_at = None
            self._gc_gave_up = False
        elif self._gc_paused_at is None:
            if not self._gc_gave_up and gc.isenabled():
                gc.disable()
                self._gc_paused_at = now
                if not self._gc_hooked:  # whatever becomes of this feed, the collector comes back
                    self._gc_hooked = True
                    self.destroyed.connect(lambda *_: gc.enable())
        elif now - self._gc_paused_at > GC_PAUSE_MAX_S:  # not a catch-up any more: falling behind
            gc.enable()
            self._gc_paused_at = None
            self._gc_gave_up = True

    def _apply_events(self, item: EventsItem, deadline: float | None) -> tuple[int, bool]:
        """Apply the item's events from ``_offset`` on until done or past ``deadline``.

        Returns (events applied, whether the item is finished).
        """
        state = self.state
        events = item.events
        n = len(events)
        start = i = self._offset
        try:
            while i < n:
                end = n if deadline is None else min(n, i + _CHUNK)
                while i < end:
                    state.apply(events[i])
                    i += 1
                if i < n and deadline is not None and self._slice_clock() >= deadline:
                    self._offset = i
                    return i - start, False
        except SequenceError as exc:
            # The client checks the sequence, so this is a bug somewhere: recover, do not crash.
            self.sequence_errors += 1
            log.error("feed out of sequence on the GUI side (%s); asking for a fresh snapshot", exc)
            self._awaiting_snapshot = True
            self._client.resync()
        self._offset = 0
        return i - start, True

    def _trim_rate(self, now: float) -> None:
        while self._rate and self._rate[0][0] < now - RATE_WINDOW_S:
            self._rate.popleft()


def watches_floor(role: str) -> bool:
    """Whether the gateway sends a client of ``role`` the floor (an unknown role: assume it does)."""
    try:
        return may_watch(Role(role))
    except ValueError:
        return True
