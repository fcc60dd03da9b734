"""An adapter's link to the gateway: publish events with positions, nothing lost, nothing doubled.

Every adapter (the call-log replay, the Asterisk adapter, one a bank writes
itself) talks to the gateway through an ``AdapterLink``:

- ``await link.start()`` signs in (role ``adapter``) and returns the last position of
  this adapter that the gateway has committed: everything up to it is done.
- ``link.publish(pos, at_ms, payload)`` queues one event (a payload struct of
  ``console.domain.events``) with the adapter's own increasing position and the
  time it happened; ``link.set_clock(at_ms)`` moves the feed clock on between events.
- ``await link.room()`` waits while too much is unacknowledged (backpressure);
  ``await link.flush()`` until the gateway has committed everything queued.

The link keeps every event until the gateway acknowledges its commit. When the
connection or the gateway dies it reconnects by itself (with backoff), learns the
position the gateway holds and sends again what comes after it; the gateway skips
anything it already has, so nothing is lost or doubled. Commands the gateway
forwards (a supervisor's ``agent.set_state`` or ``call.move`` about something the
adapter owns) go to ``on_request``; its answer (a result, or ``Declined``) goes
back as the reply. A refused token, a token that is not an adapter's, or a newer
connection of the same adapter stops the link (``AdapterLinkError``): retrying
would not help.

Runs on the caller's asyncio loop; no Qt.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
import os
import ssl
import sys
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from console.domain.clock import iso
from console.domain.events import TYPE_OF, EventData
from console.feeds import protocol
from console.feeds.protocol import Ack, AckError, ErrorFrame, Hello, PublishedEvent, Reply, Request, Welcome
from console.feeds.transport import check_ca_file, client_tls_context, plain_text_refusal, tls_failure
from console.input_files import read_private_text

log = logging.getLogger("console.adapter")

#: Close codes after which trying again cannot help.
_FATAL_CLOSES = {
    protocol.CLOSE_BAD_TOKEN: "the gateway refused the token",
    protocol.CLOSE_BAD_PROTOCOL: "the gateway does not speak this protocol version",
    protocol.CLOSE_REPLACED: "another connection of this adapter took over",
}


#: The environment variable an adapter's command line takes its token from.
TOKEN_ENV = "CONSOLE_ADAPTER_TOKEN"


def add_token_options(parser: argparse.ArgumentParser) -> None:
    """``--token`` and ``--token-file``, as every adapter's command line takes them."""
    parser.add_argument(
        "--token",
        help=f"the adapter user's token (better: --token-file, or the {TOKEN_ENV} environment variable,"
        " which other users cannot read in the process list)",
    )
    parser.add_argument("--token-file", type=Path, help="a file holding the adapter user's token")


def add_transport_options(parser: argparse.ArgumentParser) -> None:
    """``--ca`` and ``--insecure``, as every adapter's command line takes them."""
    parser.add_argument(
        "--ca",
        type=Path,
        metavar="FILE",
        help="for a wss:// gateway whose certificate a private CA signed: that CA's certificate (PEM);"
        " default: the system's CAs",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="allow a plain ws:// gateway on another machine (the token and the events cross the"
        " network unencrypted); without it only this machine may be reached in plain text",
    )


def check_transport(url: str, args: argparse.Namespace) -> None:
    """ValueError when ``url`` may not be used as ``add_transport_options`` say, or --ca is unreadable."""
    if args.ca is not None:
        check_ca_file(args.ca)
    refusal = plain_text_refusal(url, insecure=args.insecure)
    if refusal is not None:
        raise ValueError(f"--gateway {refusal}")


def read_secret_file(path: Path, what: str) -> str:
    """The secret in ``path``: a regular file only its owner may read, not empty (ValueError)."""
    return read_private_text(path, what)


#: Said on stderr when an adapter's token is on its command line.
TOKEN_ON_COMMAND_LINE = (
    "warning: --token puts the adapter's token on the command line, where every local user can read it"
    f" (ps); use --token-file FILE (chmod 600) or {TOKEN_ENV}"
)


def read_token(args: argparse.Namespace) -> str:
    """The token of ``add_token_options``: the file, else ``--token`` (warned about), else the
    environment (the console's order, ``console.application.credentials.console_token``)."""
    if args.token_file is not None:
        return read_secret_file(Path(args.token_file), "--token-file")
    if args.token:
        print(TOKEN_ON_COMMAND_LINE, file=sys.stderr)
        return str(args.token)
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        raise ValueError(f"no token: give --token-file FILE, set {TOKEN_ENV}, or --token")
    return token


class AdapterLinkError(Exception):
    """The link cannot go on (bad token, not an adapter's token, replaced, refused publishing)."""


class Declined(Exception):
    """Raised by an ``on_request`` handler: the system will not carry out the command."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Refusal:
    """A published event the gateway refused (it changed nothing; the position moved past it)."""

    pos: int
    type: str
    code: str
    message: str


RequestHandler = Callable[[Request], Awaitable[dict[str, Any] | None]]

_encoder = msgspec.json.Encoder()


class AdapterLink:
    """One adapter's connection to one gateway; see the module docstring."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        on_request: RequestHandler | None = None,
        batch_events: int = 1000,
        window: int = 4,
        max_pending: int = 20_000,
        retry_s: tuple[float, float] = (0.2, 5.0),
        open_timeout_s: float = 10.0,
        ca: str | Path | None = None,
        insecure: bool = False,
        untrusted_retry_s: float = 60.0,
    ) -> None:
        if not 1 <= batch_events <= protocol.MAX_PUBLISH_EVENTS:
            raise ValueError(f"batch_events must be within 1-{protocol.MAX_PUBLISH_EVENTS}")
        self.url = url
        self._token = token
        self.on_request = on_request
        self._batch = batch_events
        self._window = window
        self._max_pending = max_pending
        self._retry = retry_s
        self._open_timeout = open_timeout_s
        # Transport (``console.feeds.transport``): wss:// verified against the system's CAs or ``ca``;
        # plain ws:// to another machine refused before any attempt unless ``insecure``.
        self._tls: ssl.SSLContext | None = client_tls_context(url, ca)
        self._refused_address = plain_text_refusal(url, insecure=insecure)
        self._untrusted_retry = untrusted_retry_s  # a certificate that does not verify: slow retries
        #: Why the last connection attempt failed (None once signed in).
        self.last_error: str | None = None
        #: The last position the gateway has committed (None until the first welcome).
        self.position: int | None = None
        self.user = ""
        #: What of this adapter's is on the gateway's floor at the last sign-in:
        #: {"agents": [ids], "calls": [ids]} (an adapter reconciles its system with it).
        self.owned: dict[str, list[str]] = {}
        self.accepted = 0  # events the gateway took (acknowledged)
        self.duplicates = 0  # events it already had (sent again after a reconnect)
        self.refusals: list[Refusal] = []
        self.connects = 0
        self.status = "starting"  # what the link is doing, for the adapter's log and tests
        self._pending: deque[tuple[int, bytes]] = deque()  # (pos, encoded event) not yet acknowledged
        self._sent = 0  # how many of _pending (from the left) went out on this connection
        self._last_pos = 0  # the last position queued
        self._clock_ms = 0  # the adapter's clock as last set
        self._clock_sent_ms = 0
        self._clock_acked_ms = 0
        self._status_text = ""
        self._status_sent = True
        self._inflight: dict[str, tuple[int, int]] = {}  # frame id -> (last pos, clock ms) it carried
        self._frame_no = itertools.count(1)
        self._changed = asyncio.Event()  # something to send, or room in the window
        self._progress = asyncio.Event()  # an ack came, or the link stopped
        self._welcomed = asyncio.Event()
        self._fatal: BaseException | None = None
        self._task: asyncio.Task[None] | None = None
        self._ws: ClientConnection | None = None
        self._requests: set[asyncio.Task[None]] = set()

    # -- what an adapter calls -----------------------------------------------------

    async def start(self) -> int:
        """Connect (retrying until it works) and return the gateway's committed position."""
        self._task = asyncio.create_task(self._run(), name="adapter link")
        welcomed = asyncio.create_task(self._welcomed.wait())
        await asyncio.wait({welcomed, self._task}, return_when=asyncio.FIRST_COMPLETED)
        welcomed.cancel()
        self._raise_if_stopped()
        assert self.position is not None
        return self.position

    def publish(self, pos: int, at_ms: int, data: EventData) -> bool:
        """Queue one event; False (and nothing queued) if the gateway already has ``pos``."""
        if pos <= self._last_pos:
            raise ValueError(f"position {pos} does not follow {self._last_pos}: positions must increase")
        self._last_pos = pos
        if self.position is not None and pos <= self.position:
            return False
        event = PublishedEvent(pos=pos, at=iso(at_ms), type=TYPE_OF[type(data)], data=data)
        self._pending.append((pos, _encoder.encode(event)))
        self._changed.set()
        return True

    def set_clock(self, at_ms: int) -> None:
        """The adapter's time now: the feed clock follows it between events (never back)."""
        if at_ms > self._clock_ms:
            self._clock_ms = at_ms
            self._changed.set()

    def set_status(self, text: str) -> None:
        """Say what the adapter is doing (the gateway logs it when it changes)."""
        if text != self._status_text:
            self._status_text = text
            self._status_sent = False
            self._changed.set()

    @property
    def unacknowledged(self) -> int:
        return len(self._pending)

    async def room(self) -> None:
        """Wait while more than ``max_pending`` events wait for their acknowledgement."""
        while len(self._pending) >= self._max_pending:
            await self._wait_progress()

    async def flush(self) -> None:
        """Wait until the gateway has committed every event queued (and the last clock)."""
        while self._pending or self._clock_acked_ms < self._clock_ms:
            await self._wait_progress()

    async def close(self) -> None:
        """Stop (what is not acknowledged is not sent any more)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        for task in list(self._requests):
            task.cancel()
        self.status = "closed"

    # -- inside ---------------------------------------------------------------------

    async def _wait_progress(self) -> None:
        self._raise_if_stopped()
        self._progress.clear()
        await self._progress.wait()
        self._raise_if_stopped()

    def _raise_if_stopped(self) -> None:
        if self._fatal is not None:
            raise AdapterLinkError(str(self._fatal)) from self._fatal
        if self._task is not None and self._task.done():
            raise AdapterLinkError("the link has stopped")

    async def _run(self) -> None:
        delay = self._retry[0]
        try:
            if self._refused_address is not None:
                raise AdapterLinkError(str(self._refused_address))
            while True:
                self.status = "connecting"
                retry_at_least = 0.0
                try:
                    async with connect(
                        self.url,
                        max_size=protocol.MAX_WIRE_FRAME,
                        open_timeout=self._open_timeout,
                        ssl=self._tls,
                    ) as ws:
                        self._ws = ws
                        await self._session(ws)
                except AdapterLinkError:
                    raise
                except ConnectionClosed as exc:
                    code = exc.rcvd.code if exc.rcvd is not None else None
                    if code in _FATAL_CLOSES:
                        raise AdapterLinkError(
                            f"{_FATAL_CLOSES[code]} ({exc.rcvd.reason if exc.rcvd else ''})"
                        ) from None
                    log.warning("connection to the gateway lost (%s); reconnecting", exc)
                except ssl.SSLError as exc:
                    # Not fixed by trying again at once (a wrong or missing --ca, an expired certificate).
                    self.last_error = str(tls_failure(self.url, exc))
                    retry_at_least = self._untrusted_retry
                    log.error("%s; retrying in %.0f s", self.last_error, max(delay, retry_at_least))
                except (OSError, TimeoutError, InvalidHandshake) as exc:
                    self.last_error = f"cannot reach the gateway at {self.url} ({exc})"
                    log.warning(
                        "cannot reach the gateway at %s (%s); retrying in %.1f s", self.url, exc, delay
                    )
                except InvalidURI as exc:
                    raise AdapterLinkError(f"bad gateway URL {self.url!r}: {exc}") from None
                else:
                    log.warning("the gateway closed the connection; reconnecting")
                finally:
                    self._ws = None
                if self.connects and self._welcomed.is_set():
                    delay = self._retry[0]  # it worked a moment ago: try again soon
                delay = max(delay, retry_at_least)
                self.status = f"waiting {delay:.1f} s to reconnect"
                self._welcomed.clear()
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._retry[1])
        except AdapterLinkError as exc:
            self._fatal = exc
            self.status = f"stopped: {exc}"
            log.error("adapter link stopped: %s", exc)
        finally:
            self._progress.set()

    async def _session(self, ws: ClientConnection) -> None:
        await ws.send(
            protocol.encode(Hello(protocol=protocol.PROTOCOL_VERSION, token=self._token)), text=True
        )
        first = protocol.decode_server_frame(await asyncio.wait_for(ws.recv(), self._open_timeout))
        if not isinstance(first, Welcome):
            raise AdapterLinkError(f"the gateway answered hello with {type(first).__name__}, not welcome")
        if first.role != "adapter" or first.position is None:
            raise AdapterLinkError(
                f"user {first.user!r} has role {first.role!r}; an adapter needs a token of role adapter"
            )
        self.user = first.user
        self.last_error = None
        self.position = first.position
        self.owned = first.owned or {}
        while self._pending and self._pending[0][0] <= first.position:
            self._pending.popleft()  # committed before the connection died: done
        self._sent = 0
        self._inflight.clear()
        self._clock_sent_ms = self._clock_acked_ms
        self._status_sent = not self._status_text  # a new connection is told again
        self.connects += 1
        self.status = "publishing"
        log.info("signed in to %s as %s; the gateway holds position %d", self.url, self.user, first.position)
        self._welcomed.set()
        self._progress.set()
        self._changed.set()  # send again whatever the gateway does not have
        sender = asyncio.create_task(self._send(ws), name="adapter send")
        try:
            async for message in ws:
                self._receive(ws, message)
        finally:
            sender.cancel()
            # asyncio.wait, not `await sender` under suppress(CancelledError): that would also
            # swallow a cancellation of this task (close()), and the link would run on.
            await asyncio.wait([sender])
        if not sender.cancelled() and sender.exception() is not None:
            raise sender.exception()  # type: ignore[misc]

    async def _send(self, ws: ClientConnection) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            while len(self._inflight) < self._window:
                chunk = list(itertools.islice(self._pending, self._sent, self._sent + self._batch))
                # The clock goes with the frame that empties the queue: set after the events
                # queued before it, it must not reach the gateway ahead of them.
                drained = self._sent + len(chunk) == len(self._pending)
                clock = self._clock_ms if drained and self._clock_ms > self._clock_sent_ms else None
                status = None if self._status_sent else self._status_text
                if not chunk and clock is None and status is None:
                    break
                frame_id = f"p{next(self._frame_no)}"
                head = b'{"op":"publish","id":"' + frame_id.encode()
                if status is not None:
                    head += b'","status":' + _encoder.encode(status)[:-1]
                    self._status_sent = True
                if clock is not None:
                    head += b'","clock":"' + iso(clock).encode()
                    self._clock_sent_ms = clock
                frame = head + b'","events":[' + b",".join(raw for _, raw in chunk) + b"]}"
                last = chunk[-1][0] if chunk else (self.position or 0)
                self._inflight[frame_id] = (last, self._clock_sent_ms)
                self._sent += len(chunk)
                await ws.send(frame, text=True)

    def _receive(self, ws: ClientConnection, message: str | bytes) -> None:
        try:
            frame = protocol.decode_server_frame(message)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            log.warning("unreadable frame from the gateway: %s", exc)
            return
        if isinstance(frame, Ack):
            self._acked(frame)
        elif isinstance(frame, Request):
            task = asyncio.create_task(self._answer(ws, frame), name=f"request {frame.id}")
            self._requests.add(task)
            task.add_done_callback(self._requests.discard)
        elif isinstance(frame, ErrorFrame):
            log.warning("the gateway says: %s: %s", frame.code, frame.message)

    def _acked(self, ack: Ack) -> None:
        sent = self._inflight.pop(ack.id, None)
        if sent is None:
            return
        if not ack.ok:
            error = ack.error or AckError(code="?", message="no reason given")
            raise AdapterLinkError(f"the gateway will not take this adapter's events: {error.message}")
        result = ack.result or {}
        position = int(result.get("position", sent[0]))
        self.position = max(self.position or 0, position)
        dropped = 0
        while self._pending and self._pending[0][0] <= self.position:
            self._pending.popleft()
            dropped += 1
        self._sent = max(0, self._sent - dropped)
        self._clock_acked_ms = max(self._clock_acked_ms, sent[1])
        self.accepted += int(result.get("accepted", 0))
        self.duplicates += int(result.get("duplicates", 0))
        for r in result.get("refused") or []:
            refusal = Refusal(pos=r["pos"], type=r["type"], code=r["code"], message=r["message"])
            self.refusals.append(refusal)
            log.warning("the gateway refused %s", refusal.message)
        self._changed.set()
        self._progress.set()

    async def _answer(self, ws: ClientConnection, request: Request) -> None:
        reply: Reply
        if self.on_request is None:
            reply = Reply(
                id=request.id,
                ok=False,
                error=AckError(code="unavailable", message="this adapter carries out no commands"),
            )
        else:
            try:
                result = await self.on_request(request)
                reply = Reply(id=request.id, ok=True, result=result)
            except Declined as exc:
                reply = Reply(id=request.id, ok=False, error=AckError(code=exc.code, message=exc.message))
            except Exception as exc:
                log.exception("carrying out %s failed", request.action)
                reply = Reply(
                    id=request.id,
                    ok=False,
                    error=AckError(code="internal", message=f"the adapter failed: {type(exc).__name__}"),
                )
        with contextlib.suppress(ConnectionClosed):
            await ws.send(protocol.encode(reply), text=True)
