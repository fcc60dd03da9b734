"""A scripted websocket server for the feed client's tests, and the frames it plays.

``ScriptedServer`` plays exact frames, junk included, that a real gateway
would never send: malformed frames, gaps, repeats, silence.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from websockets.asyncio.server import Server, ServerConnection, serve

from console.domain.clock import iso, to_ms
from console.domain.entities import Centre
from console.domain.events import AgentRemoved, make_event
from console.domain.state import Snapshot
from console.feeds import protocol
from tests.helpers.gateway import START

#: The feed clock of every scripted frame.
AT = START


def welcome(seq: int = 0) -> str:
    """A welcome frame for supervisor ``u1`` at ``seq``."""
    return protocol.encode(protocol.Welcome(protocol=1, user="u1", role="supervisor", seq=seq)).decode()


def snapshot(seq: int) -> str:
    """A snapshot frame of an empty centre at ``seq``."""
    snap = Snapshot(seq=seq, at=AT, centre=Centre(name="test"), queues=[], agents=[], calls=[], cases=[])
    return protocol.encode(snap).decode()


def events(*seqs: int, kind: str = "agent.removed") -> str:
    """One events frame with an event per seq: agents removed, or unknown ``kind`` events."""
    raws = []
    for s in seqs:
        at = iso(to_ms(AT) + s)
        if kind == "agent.removed":
            raws.append(protocol.encode_event(make_event(s, at, AgentRemoved(agent_id=f"A{s}"))))
        else:
            raws.append(msgspec.json.encode({"seq": s, "at": at, "type": kind, "data": {"x": 1}}))
    return protocol.events_frame(raws).decode()


def heartbeat(seq: int) -> str:
    """A heartbeat frame at ``seq``, five seconds on from ``AT``."""
    return protocol.encode(protocol.Heartbeat(seq=seq, at=iso(to_ms(AT) + 5000))).decode()


#: What a ScriptedServer plays on each connection, given the connection and its number (from 0).
Script = Callable[[ServerConnection, int], Awaitable[None]]


class ScriptedServer:
    """A tiny websocket server on 127.0.0.1 that plays ``script(ws, connection_number)``.

    It records each hello and every frame the client sends after it.
    """

    def __init__(self, script: Script) -> None:
        self.script = script
        self.hellos: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def _handler(self, ws: ServerConnection) -> None:
        n = len(self.hellos)
        self.hellos.append(msgspec.json.decode(await ws.recv()))
        with contextlib.suppress(Exception):
            await self.script(ws, n)
            async for message in ws:
                self.received.append(msgspec.json.decode(message))

    def __enter__(self) -> ScriptedServer:
        self.thread.start()

        async def start() -> None:
            self.server = await serve(self._handler, "127.0.0.1", 0)
            self.port = next(iter(self.server.sockets)).getsockname()[1]

        asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self.server is not None
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


#: Frames no client should accept: each is counted and dropped.
JUNK: list[str | bytes] = [
    "not json at all",
    "[1, 2, 3]",
    '{"op": "subscribe"}',
    '{"no_op": true}',
    '{"op": "heartbeat", "seq": "twelve", "at": null}',
    '{"op": "events", "events": [{"seq": "eleven", "at": "x", "type": "t"}]}',
    '{"op": "ack", "id": 7, "ok": true}',
    b"\x00\x01binary",
    "{" + "x" * 1000,
]
