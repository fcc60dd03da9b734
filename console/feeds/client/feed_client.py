"""The console's feed client: protocol v1 over a websocket, on a thread of its own.

The GUI thread must never wait for the network or spend its time decoding, so
``FeedClient`` runs the websockets asyncio client on a daemon thread with its own
event loop. Every frame is decoded and checked there (typed with msgspec, the
event stream checked to be gapless), and the results are handed over in
**batches**: items go into a lock-protected list that the GUI thread takes
whole with :meth:`FeedClient.drain`. ``on_ready`` is called (from the client
thread) only when that list goes from empty to non-empty, so the GUI is woken
once per batch, not once per event.

The client never hands the GUI a gap: a gap or a repeat closes the connection
and it reconnects resuming from the last seq it received. Malformed frames are
counted, logged and kept in a short list of recent errors; they never reach
the GUI and never stop the client. A refused token (close code 4401) is final:
the client stops, reports ``FeedStatus.token_refused`` and does not retry (the
console asks for another token). See docs/feed-client.md.

Signing in by name (``user`` and ``password``, checked by the gateway's
directory): the password is kept in this object's memory only, to sign in again
on every reconnect while the client runs, and dropped when it stops; it is never
logged (the websockets library's frame lines leave hellos out) nor written
anywhere. A wrong name or password (4401), a user without a console role (4403)
and a gateway without a directory (4501) are final like a refused token; a
directory that cannot be reached (4503) is retried, slowly.

This module imports no Qt (an import-linter contract holds it to that).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import socket
import ssl
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from console.domain.clock import Timestamp
from console.domain.events import Event, RawEvent, type_payload
from console.domain.state import Snapshot
from console.domain.texts import QT_TRANSLATE_NOOP, Text
from console.feeds import protocol
from console.feeds.protocol import Ack, Command, ErrorFrame, EventsFrame, Heartbeat, Hello, Welcome
from console.feeds.transport import client_tls_context, plain_text_refusal, tls_failure

log = logging.getLogger("console.feed")

#: Largest frame accepted from the gateway: a big floor's snapshot is one frame.
MAX_FRAME_BYTES = 256 * 1024 * 1024
#: Characters of an offending frame kept with a recent error.
ERROR_FRAME_CHARS = 200
#: Recent errors kept for the status panel.
MAX_RECENT_ERRORS = 50


class ConnState(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"


@dataclass(frozen=True)
class FeedError:
    """One thing that went wrong on the feed, kept for the status panel."""

    at: float  # time.time(), for showing the wall-clock time it happened
    message: str  # in English, as logged
    frame: str = ""  # the first ERROR_FRAME_CHARS characters of the offending frame
    text: Text | None = None  # the message to translate for the screen (str(text) == message)


@dataclass(frozen=True)
class StoreOutage:
    """The gateway's store cannot commit (heartbeat ``store_ok: false``): the live feed is held."""

    since: str | None  # when it became unavailable, UTC wall clock in the wire format
    reason: str  # the database's own words ("database or disk is full", "connection refused")


@dataclass(frozen=True)
class FeedStatus:
    """The feed connection as the console shows it; counters are totals since start()."""

    state: ConnState
    url: str
    user: str | None = None  # from the welcome
    role: str | None = None
    last_error: str | None = None  # plain words; cleared when a connection is established
    last_error_text: Text | None = None  # the same to translate for the screen (str() == last_error)
    attempts: int = 0  # connection attempts since the last successful one (0 while connected)
    frames: int = 0
    events: int = 0
    bad_frames: int = 0  # malformed frames dropped
    protocol_errors: int = 0  # well-formed frames out of place: gaps, repeats, a stray welcome
    recent_errors: tuple[FeedError, ...] = ()
    last_frame_monotonic: float | None = None  # time.monotonic() of the last frame of any kind
    reconnects: int = 0  # successful connections after the first
    snapshots: int = 0
    seq: int | None = None  # last event seq received (what a reconnect resumes from)
    # The gateway refused the token (4401): the client has stopped for good and will not retry;
    # only a new client with another token can connect (the console asks for one: sign-in).
    token_refused: bool = False
    # The close code that stopped it (4401, or for a sign-in by name 4403 or 4501), else None.
    refused_code: int | None = None
    # Why the last connection ended or could not be made; kept after the feed is back (last_error
    # is cleared then), so that Diagnostics can still say what happened and when.
    last_failure: FeedError | None = None
    # Connected, but the gateway's store is unavailable: the figures are held (not live) until it
    # is back; the gateway refuses commands meanwhile. None while the gateway says all is well.
    store_outage: StoreOutage | None = None
    # The gateway's head when this connection began (its welcome): a console that has applied
    # less than this since reconnecting is catching up, not live yet. None before a welcome.
    welcome_seq: int | None = None


# -- what the GUI thread gets from drain() ---------------------------------------------


@dataclass(frozen=True)
class SnapshotItem:
    snapshot: Snapshot


@dataclass
class EventsItem:
    """Consecutive events; the client appends to the last one until it is drained."""

    events: list[Event]


@dataclass(frozen=True)
class HeartbeatItem:
    seq: int
    at: Timestamp | None


@dataclass(frozen=True)
class AckItem:
    """The answer to a command; error_code ``timeout``/``disconnected`` are made up locally."""

    id: str
    ok: bool
    result: dict[str, Any] | None = None
    error_code: str | None = None
    error_message: str | None = None
    error_details: Any = None  # e.g. a conflict's offending cases (see docs/protocol.md)
    late: bool = False  # an ack for a command already reported as timed out or disconnected


@dataclass(frozen=True)
class StatusItem:
    status: FeedStatus


FeedItem = SnapshotItem | EventsItem | HeartbeatItem | AckItem | StatusItem

#: Local ack error codes (the gateway's own codes are in protocol.ErrorCode).
ACK_TIMEOUT = "timeout"
ACK_DISCONNECTED = "disconnected"
ACK_BAD_ARGS = "bad_args"


@dataclass(frozen=True)
class Backoff:
    """Delays between connection attempts: exponential, capped, with jitter.

    Jitter takes a random fraction off each delay, so that consoles dropped by
    one gateway restart do not all come back in the same instant. A refused
    protocol (4400) will not fix itself quickly: slower sequence. A refused token
    (4401) is not retried at all: the client stops and reports ``token_refused``.
    """

    initial_s: float = 0.25
    max_s: float = 5.0
    factor: float = 2.0
    jitter: float = 0.2
    refused_initial_s: float = 5.0
    refused_max_s: float = 60.0

    def delay(self, failures: int, *, refused: bool, rng: random.Random) -> float:
        start, cap = (self.refused_initial_s, self.refused_max_s) if refused else (self.initial_s, self.max_s)
        base = min(cap, start * self.factor ** max(0, failures - 1))
        return base * (1.0 - self.jitter * rng.random())


class _Reconnect(Exception):
    """Raised in the frame handler: end this connection and connect again."""

    def __init__(self, reason: Text, *, resync: bool = False) -> None:
        super().__init__(str(reason))
        self.reason = reason
        self.resync = resync  # forget the seq: the next hello asks for a snapshot


@dataclass
class _Ended:
    reason: Text
    refused: bool = False
    bad_token: bool = False  # closed with 4401 (or 4403, 4501): final, no retry
    # Closed with 4429 (too many failed sign-ins from this address): wait this long, not less.
    retry_after_s: float | None = None
    code: int | None = None


def _text(template: str, **params: object) -> Text:
    """A message of the feed client (context ``FeedClient``; the template marked at the call)."""
    return Text("FeedClient", template, params)


def _seconds(s: float) -> int | float:
    """Seconds rounded as people say them, for "{seconds} s": 0.05, 0.3, 2, 12."""
    text = f"{s:.0f}" if s >= 1.5 else f"{s:.1f}" if s >= 0.1 else f"{s:.2f}"
    value = float(text)
    return int(value) if value.is_integer() else value


def _secs(s: float) -> str:
    """Seconds in plain words: 0.05 s, 0.3 s, 2 s, 12 s."""
    return f"{_seconds(s)} s"


def _clip(frame: str | bytes) -> str:
    if isinstance(frame, bytes):
        return repr(frame[:ERROR_FRAME_CHARS])[:ERROR_FRAME_CHARS]
    return frame[:ERROR_FRAME_CHARS]


def _unreachable(url: str, exc: BaseException, timeout_s: float) -> tuple[Text, bool]:
    """Why a connection could not be opened, in plain words; and whether it is a refusal."""
    tls = tls_failure(url, exc)
    if tls is not None:  # an untrusted certificate does not fix itself soon: the slow retries
        return tls, True
    if isinstance(exc, InvalidURI):
        return _text(
            QT_TRANSLATE_NOOP(
                "FeedClient", "{url} is not a websocket address (expected ws://host:port): {error}"
            ),
            url=url,
            error=exc.msg,
        ), True
    if isinstance(exc, InvalidStatus) and exc.response.status_code == 503:
        return _text(
            QT_TRANSLATE_NOOP("FeedClient", "the gateway at {url} is busy (HTTP 503)"), url=url
        ), True
    if isinstance(exc, InvalidStatus):
        return _text(
            QT_TRANSLATE_NOOP("FeedClient", "{url} is not a feed gateway: it answered HTTP {status}"),
            url=url,
            status=exc.response.status_code,
        ), True
    if isinstance(exc, InvalidHandshake):
        return _text(
            QT_TRANSLATE_NOOP("FeedClient", "cannot open a websocket to {url}: {error}"),
            url=url,
            error=str(exc),
        ), False
    if isinstance(exc, TimeoutError):
        return _text(
            QT_TRANSLATE_NOOP("FeedClient", "cannot reach {url}: no answer within {seconds} s"),
            url=url,
            seconds=_seconds(timeout_s),
        ), False
    if isinstance(exc, ConnectionRefusedError):
        return _text(
            QT_TRANSLATE_NOOP("FeedClient", "cannot reach {url}: connection refused"), url=url
        ), False
    if isinstance(exc, socket.gaierror):
        return _text(QT_TRANSLATE_NOOP("FeedClient", "cannot reach {url}: unknown host"), url=url), False
    # The system's own words for the rest (strerror): a parameter, as the system gave it.
    error = (exc.strerror or str(exc)).lower() if isinstance(exc, OSError) else str(exc)
    return _text(QT_TRANSLATE_NOOP("FeedClient", "cannot reach {url}: {error}"), url=url, error=error), False


#: Close codes after which the client stops for good (the user signs in again).
FINAL_CODES = (protocol.CLOSE_BAD_TOKEN, protocol.CLOSE_NO_ROLE, protocol.CLOSE_NO_DIRECTORY)


def _closed(url: str, code: int | None, reason: str, *, by_name: bool = False) -> tuple[Text, bool]:
    """Why an open connection ended, in plain words; and whether the gateway refused us."""
    if code == protocol.CLOSE_BAD_TOKEN and by_name:
        return _text(
            QT_TRANSLATE_NOOP("FeedClient", "the gateway at {url} refused the name or password (4401)"),
            url=url,
        ), True
    if code == protocol.CLOSE_NO_ROLE:
        return _text(
            QT_TRANSLATE_NOOP(
                "FeedClient",
                "the name and password are right, but no directory group of this user gives a console"
                " role at {url} (4403)",
            ),
            url=url,
        ), True
    if code == protocol.CLOSE_NO_DIRECTORY:
        return _text(
            QT_TRANSLATE_NOOP(
                "FeedClient",
                "the gateway at {url} takes tokens only: it has no directory to check names and"
                " passwords (4501)",
            ),
            url=url,
        ), True
    if code == protocol.CLOSE_DIRECTORY_UNAVAILABLE:
        return _text(
            QT_TRANSLATE_NOOP(
                "FeedClient",
                "the gateway at {url} cannot reach its directory to check the name and password (4503)",
            ),
            url=url,
        ), True
    if code == protocol.CLOSE_BAD_TOKEN:
        return _text(
            QT_TRANSLATE_NOOP("FeedClient", "the gateway at {url} refused the token (4401)"), url=url
        ), True
    if code == protocol.CLOSE_BAD_PROTOCOL:
        return _text(
            QT_TRANSLATE_NOOP("FeedClient", "the gateway at {url} does not speak protocol {version} (4400)"),
            url=url,
            version=protocol.PROTOCOL_VERSION,
        ), True
    if code == protocol.CLOSE_TOO_MANY:
        return _text(
            QT_TRANSLATE_NOOP(
                "FeedClient",
                "the gateway at {url} refuses sign-ins from this computer for a while: "
                "too many failed sign-ins (4429)",
            ),
            url=url,
        ), True
    if code == protocol.CLOSE_HELLO_TIMEOUT:
        return _text(
            QT_TRANSLATE_NOOP(
                "FeedClient", "the gateway at {url} closed the connection: hello not received in time (4408)"
            ),
            url=url,
        ), False
    if code == 1001:
        return _text(
            QT_TRANSLATE_NOOP("FeedClient", "the gateway at {url} is shutting down (1001)"), url=url
        ), False
    if code == 1009:
        return _text(
            QT_TRANSLATE_NOOP(
                "FeedClient", "the gateway at {url} closed the connection: a frame was too large (1009)"
            ),
            url=url,
        ), False
    if code is None or code == 1006:
        return _text(QT_TRANSLATE_NOOP("FeedClient", "the connection to {url} was lost"), url=url), False
    if reason:
        return _text(
            QT_TRANSLATE_NOOP("FeedClient", "the gateway at {url} closed the connection ({code}: {reason})"),
            url=url,
            code=code,
            reason=reason,
        ), False
    return _text(
        QT_TRANSLATE_NOOP("FeedClient", "the gateway at {url} closed the connection ({code})"),
        url=url,
        code=code,
    ), False


#: How long a 4429 asks the client to wait: "... retry after N s" in its reason (else a minute).
_RETRY_AFTER = re.compile(r"retry after (\d+(?:\.\d+)?) s")
_DEFAULT_RETRY_AFTER_S = 60.0


def _retry_after(code: int | None, reason: str) -> float | None:
    """Seconds to wait before signing in again after a 4429; None for any other close."""
    if code != protocol.CLOSE_TOO_MANY:
        return None
    found = _RETRY_AFTER.search(reason)
    return float(found.group(1)) if found else _DEFAULT_RETRY_AFTER_S


class FeedClient:
    """Protocol v1 client on its own thread; the GUI thread calls drain(), send_command(), status()."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        on_ready: Callable[[], None] | None = None,
        connect_timeout_s: float = 5.0,
        command_timeout_s: float = 10.0,
        backoff: Backoff | None = None,
        idle_timeout_s: float = 15.0,
        close_timeout_s: float = 2.0,
        max_backlog_events: int = 500_000,
        ca: str | None = None,
        insecure: bool = False,
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        self.url = url
        self._token = token
        # Transport (``console.feeds.transport``): wss:// verified against the system's CAs or ``ca``;
        # plain ws:// to another machine refused (before any attempt) unless ``insecure``.
        self._tls: ssl.SSLContext | None = client_tls_context(url, ca)
        self._refused_address = plain_text_refusal(url, insecure=insecure)
        # Signing in by name: the password lives here, in memory, while the client runs.
        self.user_name = user
        self._password = password if user is not None else None
        protocol.withhold_secrets(logging.getLogger("websockets.client"))
        self._on_ready = on_ready
        self.connect_timeout_s = connect_timeout_s
        self.command_timeout_s = command_timeout_s
        self.backoff = backoff or Backoff()
        # Heartbeats come at least once a second; this long without any frame means a dead link.
        self.idle_timeout_s = idle_timeout_s
        self.close_timeout_s = close_timeout_s
        # A GUI that stops draining must not make the list grow without bound.
        self.max_backlog_events = max_backlog_events
        self._rng = random.Random()

        # Shared with the GUI thread, under _lock.
        self._lock = threading.Lock()
        self._items: list[FeedItem] = []
        self._notified = False  # on_ready was called and drain() has not run since
        self._backlog_events = 0
        self._accepting = False  # the loop runs and will answer send_command()
        self._recent: deque[FeedError] = deque(maxlen=MAX_RECENT_ERRORS)

        # Loop-thread state (read by status() without the lock: plain ints and strs).
        self._state = ConnState.DISCONNECTED
        self._user: str | None = None
        self._role: str | None = None
        self._last_error: Text | None = None
        self._token_refused = False
        self._refused_code: int | None = None
        self._last_failure: FeedError | None = None
        self._store_outage: StoreOutage | None = None
        self._attempts = 0
        self._frames = 0
        self._events = 0
        self._bad_frames = 0
        self._protocol_errors = 0
        self._last_frame: float | None = None
        self._connections = 0
        self._snapshots = 0
        self._last_seq: int | None = None
        self._welcome_seq: int | None = None
        self._bytes = 0
        self._decode_s = 0.0

        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._main_task: asyncio.Task[None] | None = None
        self._stop_requested = False
        self._ws: ClientConnection | None = None
        self._end_reason: Text | None = None  # set by whoever closes the connection on purpose
        self._resync_requested = False
        self._pending: dict[str, asyncio.TimerHandle] = {}  # command id -> its timeout
        self._tasks: set[asyncio.Task[None]] = set()  # keeps fire-and-forget sends alive

    # -- life cycle (any thread) -------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("FeedClient.start() may be called once")
        self._loop = asyncio.new_event_loop()
        with self._lock:
            self._accepting = True
        self._thread = threading.Thread(target=self._thread_main, name="feed-client", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> bool:
        """Close the websocket, stop the loop and join the thread; True when it has ended."""
        self._stop_requested = True
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return True
        with contextlib.suppress(RuntimeError):  # the loop has already closed
            loop.call_soon_threadsafe(self._cancel_main)
        thread.join(timeout)
        return not thread.is_alive()

    def resync(self) -> None:
        """Drop the connection and reconnect without resume, to get a fresh snapshot."""
        with self._lock:
            if not self._accepting or self._loop is None:
                return
            self._loop.call_soon_threadsafe(self._resync_in_loop)

    # -- the GUI side (any thread) -------------------------------------------------------

    def drain(self) -> list[FeedItem]:
        """Take everything received since the last drain, in order."""
        with self._lock:
            items, self._items = self._items, []
            self._notified = False
            self._backlog_events = 0
        return items

    def send_command(self, action: str, args: dict[str, Any], *, command_id: str | None = None) -> str:
        """Send a command; its AckItem comes through drain(). Returns the command id.

        Re-sending with the same id is safe: the gateway applies a command once.
        """
        cid = command_id or uuid.uuid4().hex
        with self._lock:
            # Under the lock, so the loop cannot stop between the check and the call.
            scheduled = self._accepting and self._loop is not None
            if scheduled:
                assert self._loop is not None
                self._loop.call_soon_threadsafe(self._command_in_loop, cid, action, dict(args))
        if not scheduled:
            self._push(
                self._disconnected_ack(cid, f"not connected to {self.url}: the feed client is not running")
            )
        return cid

    def status(self) -> FeedStatus:
        """The connection state and the counters as of now."""
        with self._lock:
            recent = tuple(self._recent)
        return FeedStatus(
            state=self._state,
            url=self.url,
            user=self._user,
            role=self._role,
            last_error=None if self._last_error is None else str(self._last_error),
            last_error_text=self._last_error,
            attempts=self._attempts,
            frames=self._frames,
            events=self._events,
            bad_frames=self._bad_frames,
            protocol_errors=self._protocol_errors,
            recent_errors=recent,
            last_frame_monotonic=self._last_frame,
            reconnects=max(0, self._connections - 1),
            snapshots=self._snapshots,
            seq=self._last_seq,
            token_refused=self._token_refused,
            refused_code=self._refused_code,
            last_failure=self._last_failure,
            store_outage=self._store_outage,
            welcome_seq=self._welcome_seq,
        )

    # Raw rate counters, for benchmarks.
    @property
    def events_received(self) -> int:
        return self._events

    @property
    def bytes_received(self) -> int:
        return self._bytes

    @property
    def decode_seconds(self) -> float:
        """Time spent decoding frames and typing event payloads in the client thread."""
        return self._decode_s

    # -- handing items over ------------------------------------------------------------

    def _push(self, item: FeedItem) -> None:
        with self._lock:
            self._items.append(item)
            wake = not self._notified
            self._notified = True
        if wake:
            self._wake()

    def _push_events(self, events: list[Event]) -> None:
        with self._lock:
            items = self._items
            if items and isinstance(items[-1], EventsItem):
                items[-1].events.extend(events)  # one item per run of events frames
            else:
                items.append(EventsItem(events))
            self._backlog_events += len(events)
            behind = self._backlog_events
            wake = not self._notified
            self._notified = True
        if wake:
            self._wake()
        if behind > self.max_backlog_events:
            self._drop_backlog()
            raise _Reconnect(
                _text(
                    QT_TRANSLATE_NOOP(
                        "FeedClient", "the console fell {count} events behind {url}; taking a fresh snapshot"
                    ),
                    count=behind,
                    url=self.url,
                ),
                resync=True,
            )

    def _push_snapshot(self, snap: Snapshot) -> None:
        # A snapshot replaces everything before it: undrained events and heartbeats are moot.
        self._drop_backlog()
        self._push(SnapshotItem(snap))

    def _drop_backlog(self) -> None:
        with self._lock:
            self._items = [i for i in self._items if isinstance(i, AckItem | StatusItem)]
            self._backlog_events = 0

    def _wake(self) -> None:
        if self._on_ready is None:
            return
        try:
            self._on_ready()
        except Exception:  # the GUI's problem must not stop the feed
            log.exception("on_ready callback failed")

    def _record(self, text: Text, frame: str | bytes = "") -> str:
        """Keep ``text`` among the recent errors; returns it in English (for the log)."""
        message = str(text)
        with self._lock:
            self._recent.append(FeedError(at=time.time(), message=message, frame=_clip(frame), text=text))
        return message

    def _bad_frame(self, text: Text, frame: str | bytes) -> None:
        self._bad_frames += 1
        message = self._record(text, frame)
        # Bounded logging: a gateway gone wrong must not flood the log.
        if self._bad_frames <= 10 or self._bad_frames % 1000 == 0:
            log.warning("bad frame #%d from %s: %s: %.200r", self._bad_frames, self.url, message, frame)

    def _protocol_error(self, text: Text, frame: str | bytes = "") -> None:
        self._protocol_errors += 1
        message = self._record(text, frame)
        log.warning("protocol error from %s: %s", self.url, message)

    def _set_status(self, state: ConnState, last_error: Text | None) -> None:
        if (state, last_error) == (self._state, self._last_error):
            return
        self._state, self._last_error = state, last_error
        self._push(StatusItem(self.status()))

    def _disconnected_ack(self, cid: str, message: str) -> AckItem:
        return AckItem(id=cid, ok=False, error_code=ACK_DISCONNECTED, error_message=message)

    # -- the loop thread ---------------------------------------------------------------

    def _thread_main(self) -> None:
        loop = self._loop
        assert loop is not None
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._main())
        except asyncio.CancelledError:
            pass  # stop()
        except BaseException:  # a bug: say so, the GUI sees the feed as disconnected
            log.exception("feed client for %s failed", self.url)
        finally:
            with self._lock:
                self._accepting = False
            # Run what send_command() scheduled before it saw _accepting go False.
            loop.run_until_complete(self._wind_down())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._password = None  # nothing more to sign in for

    async def _wind_down(self) -> None:
        await asyncio.sleep(0)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._fail_pending(f"the feed client for {self.url} stopped before the answer came")
        if not self._token_refused and self._refused_address is None:  # a refusal stays the reason shown
            self._set_status(
                ConnState.DISCONNECTED, _text(QT_TRANSLATE_NOOP("FeedClient", "the feed client stopped"))
            )

    def _cancel_main(self) -> None:
        if self._main_task is not None:
            self._main_task.cancel()

    async def _main(self) -> None:
        self._main_task = asyncio.current_task()
        if self._stop_requested:  # stop() came before the loop ran
            return
        if self._refused_address is not None:
            # Plain text to another machine: nothing is attempted, and nothing will change by waiting.
            log.warning("feed %s: %s; not connecting", self.url, self._refused_address)
            self._last_failure = FeedError(
                at=time.time(), message=str(self._refused_address), text=self._refused_address
            )
            self._set_status(ConnState.DISCONNECTED, self._refused_address)
            return
        failures = 0
        while True:
            self._attempts += 1
            self._set_status(ConnState.CONNECTING, self._last_error)
            ended = await self._session()
            if ended.bad_token:
                # A refused token does not fix itself: stop here and say so; the user signs in again.
                log.warning("feed %s: %s; not retrying", self.url, ended.reason)
                self._token_refused = True
                self._refused_code = ended.code
                self._attempts = 0
                self._set_status(ConnState.DISCONNECTED, ended.reason)
                return
            if self._attempts == 0:
                failures = 0  # a welcome came (attempts reset): start the backoff over
            failures += 1
            delay = self.backoff.delay(failures, refused=ended.refused, rng=self._rng)
            if ended.retry_after_s is not None:
                # Refused for a while (4429): trying sooner would only be refused again.
                delay = ended.retry_after_s * (1.0 + self.backoff.jitter * self._rng.random())
            log.info("feed %s: %s; retrying in %.2f s", self.url, ended.reason, delay)
            self._last_failure = FeedError(at=time.time(), message=str(ended.reason), text=ended.reason)
            retrying = QT_TRANSLATE_NOOP("FeedClient", "{reason}; retrying in {seconds} s")
            self._set_status(
                ConnState.DISCONNECTED, _text(retrying, reason=ended.reason, seconds=_seconds(delay))
            )
            await asyncio.sleep(delay)

    async def _session(self) -> _Ended:
        """One connection, from connect to close; returns why it ended."""
        try:
            ws = await connect(
                self.url,
                open_timeout=self.connect_timeout_s,
                close_timeout=self.close_timeout_s,
                max_size=MAX_FRAME_BYTES,
                ping_interval=20,
                ping_timeout=20,
                ssl=self._tls,
            )
        except Exception as exc:
            reason, refused = _unreachable(self.url, exc, self.connect_timeout_s)
            return _Ended(reason, refused)
        self._ws, self._end_reason = ws, None
        if self._resync_requested:
            self._resync_requested = False
            self._last_seq = None
        watchdog: asyncio.Task[None] | None = None
        try:
            if self.user_name is not None:
                hello = Hello(
                    protocol=protocol.PROTOCOL_VERSION,
                    user=self.user_name,
                    password=self._password or "",
                    resume_from=self._last_seq,
                )
            else:
                hello = Hello(
                    protocol=protocol.PROTOCOL_VERSION, token=self._token, resume_from=self._last_seq
                )
            await ws.send(protocol.encode(hello).decode())
            try:
                first = await asyncio.wait_for(ws.recv(), self.connect_timeout_s)
            except TimeoutError:
                return _Ended(
                    _text(
                        QT_TRANSLATE_NOOP("FeedClient", "{url} sent no welcome within {seconds} s"),
                        url=self.url,
                        seconds=_seconds(self.connect_timeout_s),
                    )
                )
            self._on_welcome(first)
            watchdog = asyncio.create_task(self._watchdog(ws))
            async for message in ws:
                self._on_message(message)
            code, by_name = ws.close_code, self.user_name is not None
            text = ws.close_reason or ""
            reason, refused = _closed(self.url, code, text, by_name=by_name)
            return _Ended(
                self._end_reason or reason, refused, code in FINAL_CODES, _retry_after(code, text), code
            )
        except _Reconnect as again:
            if again.resync:
                self._last_seq = None
            await ws.close(1000, "reconnecting")
            return _Ended(again.reason)
        except ConnectionClosed as exc:
            code, text = (exc.rcvd.code, exc.rcvd.reason) if exc.rcvd is not None else (None, "")
            reason, refused = _closed(self.url, code, text, by_name=self.user_name is not None)
            return _Ended(
                self._end_reason or reason, refused, code in FINAL_CODES, _retry_after(code, text), code
            )
        except OSError as exc:
            return _Ended(
                _text(
                    QT_TRANSLATE_NOOP("FeedClient", "the connection to {url} failed: {error}"),
                    url=self.url,
                    error=str(exc),
                )
            )
        except Exception as exc:
            # A bug in this client: keep the console alive, start over from a snapshot.
            log.exception("feed client for %s failed; reconnecting", self.url)
            self._last_seq = None
            return _Ended(
                _text(
                    QT_TRANSLATE_NOOP("FeedClient", "internal error in the feed client ({error})"),
                    error=f"{type(exc).__name__}: {exc}",
                )
            )
        finally:
            self._ws = None
            if watchdog is not None:
                watchdog.cancel()
            self._fail_pending(
                f"the connection to {self.url} dropped before the answer; it may have been applied "
                "(retry with the same id to find out)"
            )
            # Also on stop(): a clean close handshake, bounded by close_timeout.
            await ws.close()

    async def _watchdog(self, ws: ClientConnection) -> None:
        """Close a connection on which nothing has arrived for idle_timeout_s (a dead link)."""
        while True:
            await asyncio.sleep(min(1.0, self.idle_timeout_s / 2))
            last = self._last_frame
            if last is not None and time.monotonic() - last > self.idle_timeout_s:
                self._end_reason = _text(
                    QT_TRANSLATE_NOOP("FeedClient", "nothing received from {url} for {seconds} s"),
                    url=self.url,
                    seconds=_seconds(self.idle_timeout_s),
                )
                await ws.close(1011, "no frames")
                return

    def _resync_in_loop(self) -> None:
        # Frames still arriving on this connection are ignored; the next hello asks for a snapshot.
        self._resync_requested = True
        ws = self._ws
        if ws is not None:
            self._end_reason = _text(
                QT_TRANSLATE_NOOP(
                    "FeedClient", "resynchronising with {url}: the console asked for a fresh snapshot"
                ),
                url=self.url,
            )
            task = asyncio.get_running_loop().create_task(ws.close(1000, "resync"))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    # -- frames ------------------------------------------------------------------------

    def _on_welcome(self, message: str | bytes) -> None:
        self._count(message)
        frame = self._decode(message)
        if isinstance(frame, ErrorFrame):
            raise _Reconnect(
                _text(
                    QT_TRANSLATE_NOOP(
                        "FeedClient", "the gateway at {url} refused the hello: {code}: {message}"
                    ),
                    url=self.url,
                    code=frame.code,
                    message=frame.message,
                )
            )
        if not isinstance(frame, Welcome):
            if frame is None:
                got = _text(QT_TRANSLATE_NOOP("FeedClient", "expected welcome, got a malformed frame"))
            else:  # the frame's type is the protocol's name for it
                got = _text(
                    QT_TRANSLATE_NOOP("FeedClient", "expected welcome, got {frame}"),
                    frame=type(frame).__name__,
                )
            self._protocol_error(got, message)
            raise _Reconnect(
                _text(QT_TRANSLATE_NOOP("FeedClient", "{url} did not start with a welcome"), url=self.url)
            )
        self._user, self._role = frame.user, frame.role
        self._welcome_seq = frame.seq
        self._store_outage = None  # a held gateway says so in the heartbeat that follows
        self._connections += 1
        self._attempts = 0
        self._set_status(ConnState.CONNECTED, None)

    def _count(self, message: str | bytes) -> None:
        self._frames += 1
        self._bytes += len(message)
        self._last_frame = time.monotonic()

    def _decode(self, message: str | bytes) -> protocol.ServerFrame | None:
        """Decode a frame; None (counted and recorded) when it is malformed."""
        if isinstance(message, bytes):
            self._bad_frame(
                _text(QT_TRANSLATE_NOOP("FeedClient", "binary frame: the protocol sends text frames only")),
                message,
            )
            return None
        t0 = time.perf_counter()
        try:
            return protocol.decode_server_frame(message)
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError) as exc:
            self._bad_frame(
                _text(QT_TRANSLATE_NOOP("FeedClient", "malformed frame: {error}"), error=str(exc)), message
            )
            return None
        finally:
            self._decode_s += time.perf_counter() - t0

    def _on_message(self, message: str | bytes) -> None:
        self._count(message)
        if self._resync_requested:
            return  # this connection is closing for a resync
        frame = self._decode(message)
        if frame is None:
            return
        if isinstance(frame, EventsFrame):
            self._on_events(frame.events, message)
        elif isinstance(frame, Heartbeat):
            self._on_heartbeat(frame, message)
        elif isinstance(frame, Ack):
            self._on_ack(frame)
        elif isinstance(frame, Snapshot):
            self._last_seq = frame.seq
            self._snapshots += 1
            self._push_snapshot(frame)
        elif isinstance(frame, ErrorFrame):
            # The gateway did not like something we sent; nothing to show on the floor.
            self._record(
                _text(
                    QT_TRANSLATE_NOOP("FeedClient", "the gateway reported {code}: {message}"),
                    code=frame.code,
                    message=frame.message,
                ),
                message,
            )
            log.warning("gateway %s reported %s: %s", self.url, frame.code, frame.message)
        else:  # a second welcome
            self._protocol_error(
                _text(QT_TRANSLATE_NOOP("FeedClient", "unexpected welcome in the middle of the stream")),
                message,
            )

    def _on_events(self, raws: list[RawEvent], message: str | bytes) -> None:
        last = self._last_seq
        if last is None:
            self._protocol_error(
                _text(QT_TRANSLATE_NOOP("FeedClient", "events before any snapshot")), message
            )
            raise _Reconnect(
                _text(QT_TRANSLATE_NOOP("FeedClient", "{url} sent events before a snapshot"), url=self.url),
                resync=True,
            )
        t0 = time.perf_counter()
        try:
            events = [type_payload(raw) for raw in raws]
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            self._bad_frame(
                _text(QT_TRANSLATE_NOOP("FeedClient", "malformed event payload: {error}"), error=str(exc)),
                message,
            )
            if raws and raws[-1].seq <= last:
                return  # nothing new in it anyway
            # Resuming would bring the same bad event again: start over from a snapshot.
            raise _Reconnect(
                _text(
                    QT_TRANSLATE_NOOP("FeedClient", "{url} sent a malformed event; taking a fresh snapshot"),
                    url=self.url,
                ),
                resync=True,
            ) from None
        finally:
            self._decode_s += time.perf_counter() - t0
        good = 0
        for ev in events:
            if ev.seq != last + 1:
                break
            last += 1
            good += 1
        if good:
            self._events += good
            self._last_seq = last
            self._push_events(events if good == len(events) else events[:good])
        if good < len(events):
            got = events[good].seq
            if got <= last:
                error = QT_TRANSLATE_NOOP("FeedClient", "sequence repeat: expected seq {expected}, got {got}")
                ending = QT_TRANSLATE_NOOP(
                    "FeedClient", "sequence repeat from {url} (expected {expected}, got {got}); resuming"
                )
            else:
                error = QT_TRANSLATE_NOOP("FeedClient", "sequence gap: expected seq {expected}, got {got}")
                ending = QT_TRANSLATE_NOOP(
                    "FeedClient", "sequence gap from {url} (expected {expected}, got {got}); resuming"
                )
            self._protocol_error(_text(error, expected=last + 1, got=got), message)
            raise _Reconnect(_text(ending, url=self.url, expected=last + 1, got=got))

    def _on_heartbeat(self, hb: Heartbeat, message: str | bytes) -> None:
        outage = None if hb.store_ok else StoreOutage(since=hb.store_since, reason=hb.store_reason or "")
        if outage != self._store_outage:
            if outage is not None:
                log.warning(
                    "%s: the gateway's store is unavailable since %s (%s)",
                    self.url,
                    outage.since,
                    outage.reason,
                )
            else:
                log.info("%s: the gateway's store is available again", self.url)
            self._store_outage = outage
            self._push(StatusItem(self.status()))
        last = self._last_seq
        if last is None:
            return  # no floor yet to tick
        if hb.seq > last:
            # The heartbeat names a committed seq we never got: events went missing.
            self._protocol_error(
                _text(
                    QT_TRANSLATE_NOOP(
                        "FeedClient", "heartbeat at seq {seq} but the last event received is {last}"
                    ),
                    seq=hb.seq,
                    last=last,
                ),
                message,
            )
            raise _Reconnect(
                _text(
                    QT_TRANSLATE_NOOP(
                        "FeedClient", "events missing from {url} (heartbeat at {seq}, have {last}); resuming"
                    ),
                    url=self.url,
                    seq=hb.seq,
                    last=last,
                )
            )
        self._push(HeartbeatItem(seq=hb.seq, at=hb.at))

    def _on_ack(self, ack: Ack) -> None:
        timer = self._pending.pop(ack.id, None)
        if timer is not None:
            timer.cancel()
        error = ack.error
        self._push(
            AckItem(
                id=ack.id,
                ok=ack.ok,
                result=ack.result,
                error_code=error.code if error is not None else None,
                error_message=error.message if error is not None else None,
                error_details=error.details if error is not None else None,
                late=timer is None,
            )
        )

    # -- commands ----------------------------------------------------------------------

    def _command_in_loop(self, cid: str, action: str, args: dict[str, Any]) -> None:
        ws = self._ws
        if ws is None or self._state is not ConnState.CONNECTED:
            # last_error names the address already.
            why = (
                str(self._last_error) if self._last_error else f"the connection to {self.url} is being set up"
            )
            self._push(self._disconnected_ack(cid, f"not connected: {why}"))
            return
        try:
            frame = protocol.encode(Command(id=cid, action=action, args=args)).decode()
        except (TypeError, msgspec.EncodeError) as exc:
            self._push(AckItem(id=cid, ok=False, error_code=ACK_BAD_ARGS, error_message=f"args: {exc}"))
            return
        old = self._pending.pop(cid, None)
        if old is not None:  # a re-send of a command still waiting: one timeout, one answer
            old.cancel()
        loop = asyncio.get_running_loop()
        self._pending[cid] = loop.call_later(self.command_timeout_s, self._command_timed_out, cid)
        task = loop.create_task(self._send(ws, frame))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, ws: ClientConnection, frame: str) -> None:
        with contextlib.suppress(ConnectionClosed):  # the session's end answers "disconnected"
            await ws.send(frame)

    def _command_timed_out(self, cid: str) -> None:
        if self._pending.pop(cid, None) is None:
            return
        self._push(
            AckItem(
                id=cid,
                ok=False,
                error_code=ACK_TIMEOUT,
                error_message=(
                    f"no answer from {self.url} within {_secs(self.command_timeout_s)}; "
                    "it may still be applied (retry with the same id to find out)"
                ),
            )
        )

    def _fail_pending(self, why: str) -> None:
        pending, self._pending = self._pending, {}
        for cid, timer in pending.items():
            timer.cancel()
            self._push(self._disconnected_ack(cid, why))
