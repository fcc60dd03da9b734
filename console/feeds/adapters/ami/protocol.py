"""An asyncio client of the Asterisk Manager Interface (AMI): framing, login, actions, events.

AMI is line based (TCP port 5038, or TLS on 5039). The server greets with one line,
``Asterisk Call Manager/<AMI version>``; after it every message is a *block* of
``Key: Value`` lines ended by an empty line. Lines end with ``\\r\\n`` (a bare
``\\n`` is taken too). The client sends actions (``Action: Name`` plus fields and
an ``ActionID``); the server answers each with a ``Response: Success|Error`` block
carrying the same ``ActionID`` and streams ``Event: ...`` blocks in between.
A *list action* (``QueueStatus``, ``QueueSummary``) answers ``Response: Success``
with ``EventList: start``, then events carrying its ``ActionID``, then a
``...Complete`` event with ``EventList: Complete`` and ``ListItems``.

- ``Message``: one block, its fields in the order sent, looked up ignoring case.
- ``Framer``: bytes in, ``Message`` s out, with no I/O (the framing rules below).
- ``AmiConnection``: ``await AmiConnection.open(host, port, timeout=...)`` checks the
  greeting; then ``login``, ``action``, ``list_action``, ``ping`` / ``keepalive``,
  ``events()`` (the events no action is waiting for) and ``close``.

Framing: a block with a line without a colon, an empty key, control characters
(binary junk), or more than ``MAX_BLOCK`` bytes is skipped whole: logged with what
was wrong, counted in ``malformed``, and the stream goes on at the next block.
A value is everything after the first colon, less the blanks after it (as
Asterisk's own parser reads it), so ``Message: Queue: sales`` has the value
``Queue: sales``. Undecodable UTF-8 becomes U+FFFD. Keys are kept as sent; a key
sent twice keeps both values (``Message.get_all``), lookups give the first.

Connection loss: ``events()`` yields what had arrived, then raises
``AmiConnectionLost``; actions waiting fail with it. After ``close()`` it just ends.

The secret given to ``login`` is never logged nor put in an exception.

Timeouts: ``open`` takes the connection's ``timeout`` (connect, greeting, and the
default of every action); an action may be given its own (a long ``QueueStatus``).
A caller's ``asyncio.timeout`` around an action works too: the action is given up
and its late answer dropped, not taken for an event.

Runs on the caller's asyncio loop; standard library only; no Qt.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import re
import secrets
import ssl as ssl_module
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

log = logging.getLogger("console.adapter.ami")

#: The most bytes one block may take (its lines and their line ends); longer ones are skipped.
MAX_BLOCK = 64 * 1024
#: The greeting's start; what follows the ``/`` is the AMI version (not Asterisk's).
GREETING = "Asterisk Call Manager"
#: Events that no consumer has taken yet, at most: past this the connection is dropped as lost.
MAX_QUEUED_EVENTS = 100_000
#: Field names whose values are never logged (compared ignoring case).
SECRET_FIELDS = frozenset({"secret", "key"})

#: What an action's field may be given as: bools go as ``true`` / ``false``.
FieldValue = str | int | float | bool

# Control characters other than tab: binary junk, never in a well-formed AMI line.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# A partial line kept while a block is being skipped, at most (then dropped, the line noted as not empty).
_SKIP_KEEP = 4096
# How much of a bad line goes in a log message.
_SHOW = 80
# ActionIDs given up on (timed out) whose late answers are dropped, at most.
_GIVEN_UP = 1024


class AmiError(Exception):
    """Anything that went wrong talking to an AMI server (the subclasses say what)."""


class AmiAuthError(AmiError):
    """The server refused the login; ``message`` is AMI's own text (``Authentication failed``)."""

    def __init__(self, username: str, message: str) -> None:
        super().__init__(f"AMI login as {username!r} refused: {message}")
        self.message = message


class AmiActionError(AmiError):
    """An action answered ``Response: Error``; ``message`` is AMI's ``Message`` text."""

    def __init__(self, action: str, message: str, response: Message) -> None:
        super().__init__(f"AMI {action} failed: {message}")
        self.action = action
        self.message = message
        self.response = response


class AmiConnectionLost(AmiError, ConnectionError):
    """The connection could not be made, or ended (closed by the server, reset, no answer to Ping)."""


class AmiTimeout(AmiError, TimeoutError):
    """No answer in time (the greeting, or an action's response or list)."""


class Message(Mapping[str, str]):
    """One AMI block: ``Key: Value`` fields in the order sent, looked up ignoring case.

    ``msg["queue"]`` and ``msg.get("Queue")`` find ``Queue: sales``. Iterating gives
    the keys as sent (a key sent twice once; ``get_all`` has every value, ``fields``
    every pair). ``raw`` is the block's text as received (for logs), without the
    line ends' ``\\r`` and the closing empty line.
    """

    __slots__ = ("_index", "_keys", "fields", "raw")

    def __init__(self, fields: Iterable[tuple[str, str]] | Mapping[str, str] = (), *, raw: str | None = None):
        pairs = tuple(fields.items()) if isinstance(fields, Mapping) else tuple(fields)
        index: dict[str, str] = {}
        keys: dict[str, str] = {}
        for key, value in pairs:
            folded = key.lower()
            if folded not in index:
                index[folded] = value
                keys[folded] = key
        #: Every ``(key, value)`` pair, in order, duplicates included.
        self.fields: tuple[tuple[str, str], ...] = pairs
        self._index = index
        self._keys = keys
        #: The block as text, one line per field.
        self.raw: str = raw if raw is not None else "\n".join(f"{k}: {v}" for k, v in pairs)

    def __getitem__(self, key: str) -> str:
        return self._index[key.lower()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys.values())

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return f"Message({dict(self.fields)!r})"

    def get_all(self, key: str) -> list[str]:
        """Every value sent under ``key`` (ignoring case), in order."""
        folded = key.lower()
        return [v for k, v in self.fields if k.lower() == folded]

    @property
    def event(self) -> str | None:
        """The ``Event`` field: the event's name, or None for a response."""
        return self.get("Event")

    @property
    def response(self) -> str | None:
        """The ``Response`` field (``Success``, ``Error``, ``Goodbye``...), or None for an event."""
        return self.get("Response")

    @property
    def action_id(self) -> str | None:
        """The ``ActionID`` field, or None."""
        return self.get("ActionID")

    @property
    def is_list_end(self) -> bool:
        """The last event of a list action (``EventList: Complete``, or a name ending ``Complete``)."""
        name = self.event
        if name is None:
            return False
        eventlist = (self.get("EventList") or "").lower()
        return eventlist in ("complete", "cancelled") or name.lower().endswith("complete")


class Framer:
    """AMI blocks from a byte stream, without I/O: ``feed(data)`` returns the blocks completed.

    Call it with whatever each read brought, split anywhere (inside a line, between
    ``\\r`` and ``\\n``). Malformed blocks are skipped, logged and counted in
    ``malformed``; ``blocks`` counts the well-formed ones. Memory stays bounded: a
    block is skipped as soon as it passes ``max_block`` bytes, and what follows
    it up to its end is dropped as it comes.
    """

    def __init__(self, max_block: int = MAX_BLOCK) -> None:
        self.max_block = max_block
        self.malformed = 0
        self.blocks = 0
        self._buffer = bytearray()
        self._lines: list[bytes] = []
        self._size = 0
        # Why the current block is being skipped (it was too long), or None.
        self._skipping: str | None = None
        # A skipped block's partial line was dropped: the line that ends next is not empty.
        self._dropped_partial = False

    def feed(self, data: bytes) -> list[Message]:
        """The blocks that ``data`` completes, in order."""
        out: list[Message] = []
        buffer = self._buffer
        buffer += data
        start = 0
        while (end := buffer.find(b"\n", start)) >= 0:
            self._line(bytes(buffer[start:end]), out)
            start = end + 1
        del buffer[:start]
        if self._skipping is None and self._size + len(buffer) > self.max_block:
            self._skip(f"a block longer than {self.max_block} bytes")
        if self._skipping is not None and len(buffer) > _SKIP_KEEP:
            # Only a line's last byte can be the ``\r`` of an empty line: a longer rest is content.
            buffer.clear()
            self._dropped_partial = True
        return out

    def _skip(self, why: str) -> None:
        self._skipping = why
        self._lines.clear()

    def _line(self, line: bytes, out: list[Message]) -> None:
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line and not self._dropped_partial:
            self._end_of_block(out)
            return
        self._dropped_partial = False
        if self._skipping is not None:
            return
        self._size += len(line) + 2
        if self._size > self.max_block:
            self._skip(f"a block longer than {self.max_block} bytes")
            return
        self._lines.append(line)

    def _end_of_block(self, out: list[Message]) -> None:
        lines, skipping = self._lines, self._skipping
        self._lines, self._size, self._skipping = [], 0, None
        if skipping is not None:
            self._malformed(skipping)
        elif lines:
            message = self._parse(lines)
            if message is not None:
                self.blocks += 1
                out.append(message)

    def _parse(self, lines: list[bytes]) -> Message | None:
        pairs: list[tuple[str, str]] = []
        texts: list[str] = []
        for number, raw in enumerate(lines, 1):
            text = raw.decode("utf-8", "replace")
            if _CONTROL.search(text):
                self._malformed(f"control characters (binary junk) in line {number}: {text[:_SHOW]!r}")
                return None
            key, colon, value = text.partition(":")
            if not colon:
                self._malformed(f"line {number} has no colon: {text[:_SHOW]!r}")
                return None
            if not key.strip():
                self._malformed(f"line {number} has no key: {text[:_SHOW]!r}")
                return None
            pairs.append((key, value.lstrip(" \t")))
            texts.append(text)
        return Message(pairs, raw="\n".join(texts))

    def _malformed(self, why: str) -> None:
        self.malformed += 1
        log.warning("AMI: skipped a malformed block: %s", why)


def _wire_value(name: str, value: FieldValue) -> str:
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if "\r" in text or "\n" in text:
        raise ValueError(f"AMI field {name!r}: a value cannot hold a line end")
    return text


def encode_action(name: str, action_id: str, fields: Mapping[str, FieldValue]) -> bytes:
    """One action's block: ``Action``, ``ActionID``, then ``fields`` in order (bools as true/false).

    Refuses (ValueError) what would break the framing: a line end in a value, a key
    that is empty or holds a colon, space or line end, and ``Action``/``ActionID``
    among ``fields``.
    """
    lines = [f"Action: {_wire_value('Action', name)}", f"ActionID: {_wire_value('ActionID', action_id)}"]
    for key, value in fields.items():
        if not key or any(c in key for c in ":\r\n ") or key.lower() in ("action", "actionid"):
            raise ValueError(f"not a field an action may set: {key!r}")
        lines.append(f"{key}: {_wire_value(key, value)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def describe_action(name: str, action_id: str, fields: Mapping[str, FieldValue]) -> str:
    """An action for a log line: its fields, secrets masked."""
    shown = ", ".join(f"{k}={'***' if k.lower() in SECRET_FIELDS else v!r}" for k, v in fields.items())
    return f"{name} [{action_id}]" + (f" {shown}" if shown else "")


@dataclass
class _Pending:
    """An action waiting for its response (and, for a list action, its events)."""

    name: str
    listing: bool
    future: asyncio.Future[tuple[Message, list[Message]]]
    response: Message | None = None
    items: list[Message] = field(default_factory=list)


class AmiConnection:
    """One logged-in (or about to be) AMI session on the caller's asyncio loop.

    Open with ``await AmiConnection.open(...)``, then ``await conn.login(user, secret)``.
    ``timeout`` bounds the connect, the greeting and (unless an action is given its
    own) every action. Unsolicited events queue up for ``events()``, which has one
    consumer; if more than ``max_queued_events`` wait unread, the connection is
    dropped as lost (the adapter then reconnects and asks for the state again,
    rather than the memory growing without end). A reader task reads the socket
    and hands out responses and events as they come.
    """

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        greeting: str,
        *,
        timeout: float,
        max_queued_events: int = MAX_QUEUED_EVENTS,
        max_block: int = MAX_BLOCK,
    ) -> None:
        """Wrap a connection whose greeting line has been read (``open`` does it all)."""
        self._reader = reader
        self._writer = writer
        #: The greeting line, e.g. ``Asterisk Call Manager/5.0.1``.
        self.greeting = greeting
        #: The AMI version from the greeting (``5.0.1``; Asterisk 16 speaks AMI 5, Asterisk 20 AMI 9).
        self.version = greeting.partition("/")[2].strip()
        self.timeout = timeout
        self.max_queued_events = max_queued_events
        #: Unsolicited events handed to ``events()`` so far.
        self.events_received = 0
        self._framer = Framer(max_block)
        self._strays = 0
        self._pending: dict[str, _Pending] = {}
        self._given_up: OrderedDict[str, bool] = OrderedDict()  # ActionID -> it was a list action
        self._events: asyncio.Queue[Message | None] = asyncio.Queue()
        self._lost: AmiConnectionLost | None = None
        self._closed = False
        self._ids = itertools.count(1)
        self._id_prefix = f"{secrets.token_hex(4)}-"
        self._logged_in = False
        self._reader_task = asyncio.get_running_loop().create_task(self._read_loop(), name="ami-reader")

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        *,
        ssl: ssl_module.SSLContext | None = None,
        timeout: float,  # noqa: ASYNC109 (see "Timeouts" above)
        server_hostname: str | None = None,
        max_queued_events: int = MAX_QUEUED_EVENTS,
    ) -> AmiConnection:
        """Connect (over TLS with ``ssl``) and read the greeting.

        Raises ``AmiConnectionLost`` when the connection cannot be made or closes
        before the greeting, ``AmiTimeout`` when nothing arrives in ``timeout``
        seconds, ``AmiError`` naming what came when it is not an AMI greeting.
        """
        where = f"{host}:{port}"
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(
                    host,
                    port,
                    ssl=ssl,
                    server_hostname=server_hostname if ssl is not None else None,
                    limit=MAX_BLOCK + 2,
                ),
                timeout,
            )
        except TimeoutError:
            raise AmiTimeout(f"no connection to the AMI server at {where} in {timeout} s") from None
        except (OSError, ssl_module.SSLError) as exc:
            raise AmiConnectionLost(f"cannot connect to the AMI server at {where}: {exc}") from exc
        try:
            line = await asyncio.wait_for(reader.readuntil(b"\n"), timeout)
        except TimeoutError:
            writer.close()
            raise AmiTimeout(f"{where} sent no AMI greeting in {timeout} s") from None
        except asyncio.IncompleteReadError as exc:
            writer.close()
            came = f"after {exc.partial[:_SHOW]!r}" if exc.partial else "without a word"
            raise AmiConnectionLost(f"{where} closed the connection {came} (no AMI greeting)") from None
        except asyncio.LimitOverrunError:
            writer.close()
            raise AmiError(f"{where} is not an AMI server: a first line over {MAX_BLOCK} bytes") from None
        except (OSError, ssl_module.SSLError) as exc:
            writer.close()
            raise AmiConnectionLost(f"connection to {where} lost before the greeting: {exc}") from exc
        greeting = line.decode("utf-8", "replace").rstrip("\r\n")
        if not greeting.startswith(GREETING) or "/" not in greeting:
            writer.close()
            raise AmiError(f"{where} is not an AMI server: it greeted with {greeting[:_SHOW]!r}")
        log.info("AMI: connected to %s (%s)", where, greeting)
        return cls(reader, writer, greeting, timeout=timeout, max_queued_events=max_queued_events)

    # -- state ----------------------------------------------------------------

    @property
    def malformed(self) -> int:
        """Blocks skipped: malformed framing, or well formed but neither an event nor a response."""
        return self._framer.malformed + self._strays

    @property
    def blocks_received(self) -> int:
        """Well-formed blocks received (responses, list items, events)."""
        return self._framer.blocks

    @property
    def lost(self) -> AmiConnectionLost | None:
        """Why the connection ended, if it was lost (not closed by ``close``)."""
        return self._lost

    @property
    def closed(self) -> bool:
        """True once closed or lost: no action can be sent any more."""
        return self._closed or self._lost is not None

    @property
    def queued_events(self) -> int:
        """Events received and not yet taken from ``events()``."""
        return self._events.qsize()

    # -- actions ---------------------------------------------------------------

    async def login(self, username: str, secret: str, *, events: str = "on") -> Message:
        """``Action: Login``; ``events`` is AMI's ``Events``: ``on``, ``off`` or categories (``agent``).

        Raises ``AmiAuthError`` (with AMI's ``Message``) when refused. Asterisk waits a
        second before refusing and then closes the connection: open a new one to retry.
        """
        try:
            response = await self.action("Login", Username=username, Secret=secret, Events=events)
        except AmiActionError as exc:
            raise AmiAuthError(username, exc.message) from None
        self._logged_in = True
        log.info("AMI: logged in as %r", username)
        return response

    async def action(
        self,
        name: str,
        /,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
        **fields: FieldValue,
    ) -> Message:
        """Send action ``name`` with ``fields`` (AMI's names: ``Interface="PJSIP/1001"``); its response.

        The connection adds a unique ``ActionID``. Raises ``AmiActionError`` on
        ``Response: Error``, ``AmiTimeout`` after ``timeout`` seconds (default: the
        connection's), ``AmiConnectionLost`` if the connection ends first.
        """
        response, _ = await self._request(name, fields, listing=False, timeout=timeout)
        return response

    async def list_action(
        self,
        name: str,
        /,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
        **fields: FieldValue,
    ) -> list[Message]:
        """Send list action ``name`` (``QueueStatus``, ``QueueSummary``) and return its events, in order.

        The events between ``Response: Success`` and the closing ``...Complete`` event
        (not included); other events arriving meanwhile still go to ``events()``.
        ``timeout`` bounds the whole list. Errors as for ``action``.
        """
        _, items = await self._request(name, fields, listing=True, timeout=timeout)
        return items

    async def ping(self, *, timeout: float | None = None) -> float:  # noqa: ASYNC109
        """``Action: Ping``; the seconds until the ``Pong`` came back."""
        started = time.monotonic()
        await self.action("Ping", timeout=timeout)
        return time.monotonic() - started

    async def keepalive(self, interval: float, *, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Ping every ``interval`` seconds until the connection ends (run it as a task).

        A Ping left unanswered for ``timeout`` seconds (default: the connection's)
        means a dead peer that TCP has not noticed: the connection is then dropped as
        lost, so ``events()`` raises ``AmiConnectionLost`` and the adapter reconnects.
        """
        wait = self.timeout if timeout is None else timeout
        while not self.closed:
            await asyncio.sleep(interval)
            if self.closed:
                return
            try:
                await self.ping(timeout=wait)
            except AmiTimeout:
                self._fail(AmiConnectionLost(f"no answer to Ping in {wait} s"))
                return
            except AmiConnectionLost:
                return

    async def _request(
        self,
        name: str,
        fields: Mapping[str, FieldValue],
        *,
        listing: bool,
        timeout: float | None,  # noqa: ASYNC109
    ) -> tuple[Message, list[Message]]:
        self._check_open()
        action_id = f"{self._id_prefix}{next(self._ids)}"
        data = encode_action(name, action_id, fields)
        future: asyncio.Future[tuple[Message, list[Message]]] = asyncio.get_running_loop().create_future()
        self._pending[action_id] = _Pending(name, listing, future)
        log.debug("AMI: -> %s", describe_action(name, action_id, fields))
        wait = self.timeout if timeout is None else timeout
        try:
            self._writer.write(data)
            return await asyncio.wait_for(asyncio.shield(future), wait)
        except TimeoutError:
            raise AmiTimeout(f"no answer to AMI {name} in {wait} s") from None
        finally:
            if self._pending.pop(action_id, None) is not None:
                # Timed out or cancelled: its late answer must not pass for an event.
                self._give_up(action_id, listing)
            if not future.done():
                future.cancel()

    def _check_open(self) -> None:
        if self._lost is not None:
            raise AmiConnectionLost(str(self._lost))
        if self._closed:
            raise AmiConnectionLost("the AMI connection is closed")

    def _give_up(self, action_id: str, listing: bool) -> None:
        """Drop the late answers of an action nobody waits for any more rather than take them for events."""
        self._given_up[action_id] = listing
        while len(self._given_up) > _GIVEN_UP:
            self._given_up.popitem(last=False)

    # -- events ----------------------------------------------------------------

    async def events(self) -> AsyncIterator[Message]:
        """The events no action is waiting for, as they come.

        Ends after ``close()``; when the connection is lost, raises
        ``AmiConnectionLost`` once the events received before the loss are taken.
        """
        while True:
            item = await self._events.get()
            if item is None:
                self._events.put_nowait(None)  # for any later call
                if self._lost is not None:
                    raise AmiConnectionLost(str(self._lost))
                return
            yield item

    async def _read_loop(self) -> None:
        try:
            while True:
                data = await self._reader.read(65536)
                if not data:
                    self._fail(AmiConnectionLost("the AMI server closed the connection"))
                    return
                for message in self._framer.feed(data):
                    self._dispatch(message)
                    if self.closed:
                        return
        except (OSError, ssl_module.SSLError) as exc:
            self._fail(AmiConnectionLost(f"AMI connection lost: {exc}"))

    def _dispatch(self, message: Message) -> None:
        action_id = message.action_id
        if message.response is not None:
            pending = self._pending.get(action_id) if action_id is not None else None
            if pending is not None:
                self._on_response(pending, message)
            elif action_id is not None and action_id in self._given_up:
                if not self._given_up[action_id] or message.response.lower() == "error":
                    del self._given_up[action_id]
                log.debug("AMI: dropped the late response to %s", action_id)
            else:
                log.debug("AMI: a response nobody waits for: %s", message.raw[:200])
            return
        if message.event is not None:
            if action_id is not None:
                pending = self._pending.get(action_id)
                if pending is not None and pending.listing:
                    self._on_list_item(pending, message)
                    return
                if self._given_up.get(action_id):
                    if message.is_list_end:
                        del self._given_up[action_id]
                    return
            self._queue_event(message)
            return
        self._strays += 1
        log.warning("AMI: skipped a block that is neither an event nor a response: %r", message.raw[:_SHOW])

    def _on_response(self, pending: _Pending, message: Message) -> None:
        assert message.action_id is not None
        if (message.response or "").lower() == "error":
            del self._pending[message.action_id]
            if not pending.future.done():
                error = AmiActionError(pending.name, message.get("Message", ""), message)
                pending.future.set_exception(error)
            return
        if not pending.listing:
            del self._pending[message.action_id]
            if not pending.future.done():
                pending.future.set_result((message, []))
            return
        pending.response = message

    def _on_list_item(self, pending: _Pending, message: Message) -> None:
        if not message.is_list_end:
            pending.items.append(message)
            return
        assert message.action_id is not None
        del self._pending[message.action_id]
        if not pending.future.done():
            pending.future.set_result((pending.response or message, pending.items))

    def _queue_event(self, message: Message) -> None:
        if self._events.qsize() >= self.max_queued_events:
            self._fail(AmiConnectionLost(f"more than {self.max_queued_events} AMI events were left unread"))
            return
        self.events_received += 1
        self._events.put_nowait(message)

    # -- the end ---------------------------------------------------------------

    def _fail(self, reason: AmiConnectionLost) -> None:
        """The connection is lost: fail the waiting actions, end ``events()``, drop the socket."""
        if self._closed or self._lost is not None:
            return
        self._lost = reason
        log.warning("AMI: %s", reason)
        self._end(reason)
        if asyncio.current_task() is not self._reader_task:
            self._reader_task.cancel()

    def _end(self, reason: AmiConnectionLost) -> None:
        for pending in list(self._pending.values()):
            if not pending.future.done():
                pending.future.set_exception(AmiConnectionLost(str(reason)))
        self._pending.clear()
        self._events.put_nowait(None)
        self._writer.close()

    async def close(self) -> None:
        """Log off (best effort, not waited for) and close; ``events()`` ends, waiting actions fail."""
        if self._closed:
            return
        was_lost = self._lost is not None
        self._closed = True
        if not was_lost:
            if self._logged_in:
                with contextlib.suppress(OSError, ValueError):
                    self._writer.write(encode_action("Logoff", f"{self._id_prefix}{next(self._ids)}", {}))
            self._reader_task.cancel()
            self._end(AmiConnectionLost("the AMI connection was closed"))
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader_task
        with contextlib.suppress(OSError, ssl_module.SSLError, TimeoutError):
            await asyncio.wait_for(self._writer.wait_closed(), self.timeout)

    async def __aenter__(self) -> AmiConnection:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
