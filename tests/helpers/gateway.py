"""Real parts for tests: a gateway on its own loop thread, and a real websocket client.

The client folds every frame through the same reducer the console uses and
checks the stream as it goes: a gap, a repeat or an event before the first
snapshot fails the test at once. ``freeze`` stops a gateway's simulator so
every client can catch up to its ``head``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import msgspec
from websockets.asyncio.client import ClientConnection, connect

from console.domain.events import RawEvent, type_payload
from console.domain.permissions import Role
from console.domain.state import FloorState, Snapshot
from console.feeds.gateway.config import GatewayConfig, UserSpec
from console.feeds.gateway.server import Gateway
from console.feeds.sources.simulator.scenario import resolve_scenario

T = TypeVar("T")

START = "2026-03-02T09:30:00.000Z"  # a busy Monday morning on the feed clock

#: A caller's number as the gateway shows it: masked but for the first three and last four digits.
MASKED = re.compile(r"^\d{3}\*{4}\d{4}$")


def token(role: Role | str) -> str:
    return f"{Role(role).value}-token"


def all_users() -> list[UserSpec]:
    return [UserSpec(f"{r.value}1", r, token(r)) for r in Role]


def make_config(tmp_path: Path, **overrides: Any) -> GatewayConfig:
    settings: dict[str, Any] = {
        "port": 0,
        "scenario": resolve_scenario("bank"),
        "seed": 7,
        "speed": 60.0,
        "db_url": f"sqlite:///{tmp_path / 'gateway.db'}",
        "start": START,
        "users": all_users(),
    }
    settings.update(overrides)
    return GatewayConfig(**settings)


class GatewayThread:
    """A real Gateway serving on 127.0.0.1 from a background thread with its own loop."""

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        self.gateway = Gateway(config)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="gateway-loop", daemon=True)

    def __enter__(self) -> GatewayThread:
        self._thread.start()
        self.run(self.gateway.start())
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return self.gateway.url

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call(self, fn: Callable[[], T], timeout: float = 10) -> T:
        """Run ``fn`` on the gateway's loop (where its state may be read safely)."""
        fut: Future[T] = Future()

        def wrapper() -> None:
            try:
                fut.set_result(fn())
            except BaseException as exc:  # handed back to the caller
                fut.set_exception(exc)

        self.loop.call_soon_threadsafe(wrapper)
        return fut.result(timeout)

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self.run(self.gateway.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


def freeze(gw: GatewayThread) -> None:
    """Stop the gateway's simulator (heartbeats go on): every console can then catch up exactly."""

    def stop_sim() -> None:
        sim = gw.gateway.sim
        assert sim is not None
        sim.advance = lambda until_ms: []  # type: ignore[method-assign]

    gw.call(stop_sim)
    # What was sequenced before it stopped is still being committed: the head is the head
    # only once that is done (on a busy machine the writer lags by a batch or more).
    deadline = time.monotonic() + 30
    while gw.call(lambda: gw.gateway.seq != gw.gateway.committed_seq):
        assert time.monotonic() < deadline, "the store did not commit what was sequenced"
        time.sleep(0.01)


def head(gw: GatewayThread) -> int:
    """The last seq the gateway has committed."""
    return gw.call(lambda: gw.gateway.committed_seq)


class StreamError(AssertionError):
    pass


class WireClient:
    """A protocol v1 client over a real websocket that keeps a FloorState."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.state = FloorState()
        self.welcome: dict[str, Any] | None = None
        self.snapshots = 0
        self.frames: list[dict[str, Any]] = []  # everything but events/heartbeats, in order
        self.event_seqs: list[int] = []
        self.heartbeats: list[dict[str, Any]] = []
        self.acks: dict[str, dict[str, Any]] = {}
        self.errors: list[dict[str, Any]] = []
        self._raw_event = msgspec.json.Decoder(list[RawEvent])
        self._resuming_from: int | None = None
        self.capture_at: set[int] = set()  # seqs at which to record the exact state
        self.captured: dict[int, bytes] = {}

    @classmethod
    async def open(
        cls, url: str, role: Role | str = Role.ADMIN, *, resume_from: int | None = None, **hello: Any
    ) -> WireClient:
        ws = await connect(url, max_size=None)
        client = cls(ws)
        frame = {"op": "hello", "protocol": 1, "token": token(role), "resume_from": resume_from, **hello}
        await client.send(frame)
        return client

    async def send(self, frame: dict[str, Any] | str | bytes) -> None:
        if isinstance(frame, dict):
            await self.ws.send(msgspec.json.encode(frame).decode())
        else:
            await self.ws.send(frame)

    async def close(self) -> None:
        await self.ws.close()

    async def recv_one(self, timeout: float = 10) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.ws.recv(), timeout)
        assert isinstance(raw, str), "the gateway sends text frames only"
        frame: dict[str, Any] = msgspec.json.decode(raw)
        self._fold(frame, raw)
        return frame

    def _fold(self, frame: dict[str, Any], raw: str) -> None:
        op = frame["op"]
        if op == "events":
            if self.snapshots == 0 and self._resuming_from is None:
                raise StreamError("events before any snapshot")
            body = msgspec.json.decode(raw.encode(), type=dict[str, msgspec.Raw])
            for ev in self._raw_event.decode(body["events"]):
                if ev.seq != self.state.seq + 1:
                    raise StreamError(f"gap or repeat: at {self.state.seq}, got {ev.seq}")
                self.state.apply(type_payload(ev))
                self.event_seqs.append(ev.seq)
                if ev.seq in self.capture_at:
                    self.captured[ev.seq] = normalized(self.state)
            return
        if op == "heartbeat":
            self.heartbeats.append(frame)
            if frame.get("at"):
                self.state.advance_clock(frame["at"])
            return
        self.frames.append(frame)
        if op == "welcome":
            self.welcome = frame
        elif op == "snapshot":
            self.snapshots += 1
            self.state = FloorState()
            self.state.load_snapshot(msgspec.json.decode(raw, type=Snapshot))
        elif op == "ack":
            self.acks[frame["id"]] = frame
        elif op == "error":
            self.errors.append(frame)

    def resume_state(self, state: FloorState) -> None:
        """Carry a state over from an earlier connection (for resume tests)."""
        self.state = state
        self._resuming_from = state.seq

    async def until(
        self, predicate: Callable[[WireClient], bool], timeout: float = 20, what: str = "condition"
    ) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"timed out waiting for {what}")
            await self.recv_one(left)

    async def ready(self, timeout: float = 20) -> None:
        """Wait for the welcome and the first snapshot (or the resume events)."""
        await self.until(
            lambda c: c.welcome is not None and (c.snapshots > 0 or c._resuming_from is not None),
            timeout,
            "welcome and snapshot",
        )

    async def command(
        self, action: str, args: dict[str, Any], cid: str | None = None, timeout: float = 20
    ) -> dict[str, Any]:
        cid = cid or f"c{time.monotonic_ns()}"
        await self.send({"op": "command", "id": cid, "action": action, "args": args})
        await self.until(lambda c: cid in c.acks, timeout, f"ack {cid}")
        return self.acks.pop(cid)

    async def next_error(self, timeout: float = 10) -> dict[str, Any]:
        n = len(self.errors)
        await self.until(lambda c: len(c.errors) > n, timeout, "error frame")
        return self.errors[-1]


async def close_code(url: str, hello: dict[str, Any] | None) -> int | None:
    """Send ``hello`` (or nothing) and return the close code the gateway answers with."""
    async with connect(url) as ws:
        if hello is not None:
            await ws.send(msgspec.json.encode(hello).decode())
        with contextlib.suppress(Exception):
            while True:
                await asyncio.wait_for(ws.recv(), 15)
        return ws.close_code


def normalized(state: FloorState) -> bytes:
    """A state's snapshot with entities sorted by id, for exact comparison.

    The feed clock is left out: heartbeats move it between events.
    """
    snap = state.to_snapshot()
    snap.at = None
    snap.queues.sort(key=lambda q: q.id)
    snap.agents.sort(key=lambda a: a.id)
    snap.calls.sort(key=lambda c: c.id)
    snap.cases.sort(key=lambda c: c.id)
    return msgspec.json.encode(snap)


#: 05:00 in Shanghai: an hour before the bank's business day starts (06:00 local, 22:00Z).
BEFORE_DAY_START = "2026-03-02T21:00:00.000Z"


@contextlib.contextmanager
def past_a_day_start(workdir: Path) -> Iterator[tuple[GatewayThread, GatewayConfig]]:
    """The bank centre at 3600x from 05:00 Shanghai until 40 minutes into the next business day
    (22:40Z): its store holds business day 2026-03-02 (the last hour of it) and today, 03-03."""
    config = make_config(workdir, speed=3600.0, start=BEFORE_DAY_START)
    with GatewayThread(config) as gw:
        deadline = time.monotonic() + 120
        while not gw.call(lambda: (gw.gateway.state.at or "") >= "2026-03-02T22:40:00.000Z"):
            assert time.monotonic() < deadline, "the simulated day did not start"
            time.sleep(0.05)
        yield gw, config
