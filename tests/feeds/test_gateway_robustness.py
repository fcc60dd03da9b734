"""Regression tests for failure modes found in review: each once misbehaved."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from console.domain.permissions import Role
from console.feeds.gateway.cli import run as gateway_main_loop
from console.feeds.gateway.server import Gateway, GatewayFailedError
from console.feeds.gateway.session import ClientSession
from tests.helpers.gateway import GatewayThread, WireClient, make_config


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_the_same_command_sent_twice_at_once_is_applied_once(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path)) as gw:

        async def scenario() -> list[dict[str, Any]]:
            a = await WireClient.open(gw.url, Role.SUPERVISOR)
            b = await WireClient.open(gw.url, Role.SUPERVISOR)
            await a.ready()
            await b.ready()
            agent = next(x.id for x in a.state.agents.values() if x.state.value == "available")
            frame = {
                "op": "command",
                "id": "twice",
                "action": "agent.set_state",
                "args": {"agent_id": agent, "state": "offline"},
            }
            await asyncio.gather(a.send(frame), b.send(frame))
            await asyncio.gather(
                a.until(lambda c: "twice" in c.acks, 20, "ack a"),
                b.until(lambda c: "twice" in c.acks, 20, "ack b"),
            )
            acks = [a.acks["twice"], b.acks["twice"]]
            await a.close()
            await b.close()
            return acks

        for _ in range(3):  # the race was reliable before the fix; run it a few times
            acks = run(scenario())
            assert acks[0] == acks[1]
        store = gw.gateway.store
        assert store is not None
        assert len(store.audit(user="supervisor1")) == 1


class _BlockingSocket:
    """Stands in for a websocket whose peer is slow: the first send blocks until released."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.release = asyncio.Event()

    async def send(self, frame: bytes | AsyncIterable[bytes | memoryview], text: bool = True) -> None:
        if not isinstance(frame, bytes):  # a large frame in fragments (a snapshot): one message
            frame = b"".join([bytes(part) async for part in frame])
        if not self.sent:
            self.sent.append(frame)
            await self.release.wait()
            return
        self.sent.append(frame)


def test_an_ack_never_overtakes_the_snapshot_that_replaces_dropped_events(tmp_path: Path) -> None:
    gateway = Gateway(make_config(tmp_path))  # not started: its sender logic is under test

    async def scenario() -> list[bytes]:
        ws = _BlockingSocket()
        s = ClientSession(user="u", role=Role.ADMIN, peer="p", next_seq=1, max_frames=2)
        sender = asyncio.create_task(gateway._sender(ws, s))  # type: ignore[arg-type]
        s.push_events(b"ev1", 1)
        await asyncio.sleep(0.01)  # the sender is now blocked sending ev1
        s.push_events(b"ev2", 2)
        s.push_events(b"ev3", 3)
        s.push_events(b"ev4", 4)  # overflow: events dropped, a snapshot is due
        s.push_control(b"ACK")  # the ack of a command whose events were dropped
        assert s.needs_snapshot
        ws.release.set()
        for _ in range(1000):  # 10 s at most, for a busy machine
            if len(ws.sent) >= 3:
                break
            await asyncio.sleep(0.01)
        s.closed = True
        s.wakeup.set()
        sender.cancel()
        return ws.sent

    sent = run(scenario())
    kinds = [msgspec.json.decode(f)["op"] if f.startswith(b"{") else f.decode() for f in sent]
    assert kinds == ["ev1", "snapshot", "ACK"]


def test_a_failed_store_writer_stops_the_gateway_loudly_and_cleanly(tmp_path: Path) -> None:
    config = make_config(tmp_path)

    async def scenario() -> None:
        running = asyncio.create_task(gateway_main_loop(config))
        db_path = tmp_path / "gateway.db"
        for _ in range(200):
            await asyncio.sleep(0.05)
            if db_path.exists():
                try:
                    with sqlite3.connect(db_path, timeout=10) as db:
                        top = db.execute("SELECT max(seq) FROM events").fetchone()[0]
                except sqlite3.OperationalError:
                    continue  # not migrated yet
                if top:
                    break
        # Another process writes a seq this gateway is about to use (two gateways on
        # one database): the writer must stop rather than write a second stream.
        with sqlite3.connect(db_path, timeout=10) as db:
            db.execute("INSERT INTO events (seq, at, type, data) VALUES (?, 'x', 'x', '{}')", (top + 200,))
        await asyncio.wait_for(running, 60)

    with pytest.raises(GatewayFailedError, match="stopped"):
        run(scenario())
