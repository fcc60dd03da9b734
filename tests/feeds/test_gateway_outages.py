"""Database outages under a running gateway (docs/store.md#outages).

Real failures, no mocks: SQLite on a small tmpfs that fills up, PostgreSQL stopped and
started again, and the gateway as a subprocess stopped with SIGTERM while its store is
down. The gateway keeps its connections, tells every console the feed is held (the
heartbeat's ``store_ok``/``store_since``/``store_reason``), acknowledges nothing it could
not commit, and carries on by itself when the database returns, with nothing lost or
doubled.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.domain.entities import AgentState
from console.domain.permissions import Role
from console.domain.state import FloorState
from tests.helpers.gateway import START, GatewayThread, WireClient, make_config, token
from tests.helpers.postgres import PgServer, pg_server, pg_url

__all__ = ["pg_server", "pg_url"]  # fixtures, imported so pytest finds them here

ROOT = Path(__file__).resolve().parents[2]


def run(coro: Any, timeout: float = 60) -> Any:
    return asyncio.run(asyncio.wait_for(coro, timeout))


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB tmpfs of its own (root only: skipped with the reason otherwise); unmounted after."""
    where = tmp_path / "fs"
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(fs: Path) -> Path:
    """Fill ``fs`` to the last byte with one file; returns it (delete it to free the space)."""
    filler = fs / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 4096, 1):  # big writes, then what is left to the last byte
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * size):
                    pass
    finally:
        os.close(fd)
    return filler


def _available_agent(state: FloorState) -> str:
    return next(a.id for a in state.agents.values() if a.state is AgentState.AVAILABLE)


def held(frame: dict[str, Any]) -> bool:
    return frame.get("store_ok", True) is False


def journal_seqs(db: Path) -> list[int]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return [row[0] for row in conn.execute("SELECT seq FROM events ORDER BY seq")]


def audit_rows(db: Path, command_id: str) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return list(conn.execute("SELECT ok, error_code FROM audit WHERE command_id = ?", (command_id,)))


def test_a_full_disk_holds_the_feed_refuses_commands_and_carries_on_when_space_returns(
    small_tmpfs: Path,
) -> None:
    db = small_tmpfs / "gateway.db"
    config = make_config(small_tmpfs, db_url=f"sqlite:///{db}", heartbeat_s=0.2)

    async def scenario(gw: GatewayThread) -> tuple[WireClient, str, str]:
        watcher = await WireClient.open(gw.url, Role.SUPERVISOR)
        await watcher.ready()
        await watcher.until(lambda c: c.state.seq >= 50, 20, "events")
        filler = fill(small_tmpfs)
        # Held: said in a heartbeat with the reason; nothing committed meanwhile is shown.
        await watcher.until(lambda c: bool(c.heartbeats) and held(c.heartbeats[-1]), 15, "held heartbeat")
        hb = watcher.heartbeats[-1]
        assert "full" in hb["store_reason"], hb
        assert hb["store_since"] <= time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z"
        held_at = watcher.state.seq
        # A command while held is refused with store_unavailable: never acked ok.
        agent = _available_agent(watcher.state)
        refused_id = "while-full"
        ack = await watcher.command("agent.set_state", {"agent_id": agent, "state": "offline"}, refused_id)
        assert ack["ok"] is False and ack["error"]["code"] == "store_unavailable", ack
        assert "full" in ack["error"]["message"]
        # A new sign-in is served (SQLite can still be read) and told at once that the feed is held.
        late = await WireClient.open(gw.url, Role.VIEWER)
        await late.until(lambda c: c.welcome is not None and bool(c.heartbeats), 10, "welcome and heartbeat")
        assert held(late.heartbeats[0])
        # The simulator waits: the held heartbeats keep naming the same committed head.
        count = len(watcher.heartbeats)
        await watcher.until(lambda c: len(c.heartbeats) >= count + 3, 10, "more heartbeats")
        assert {h["seq"] for h in watcher.heartbeats[count:]} == {held_at}
        assert watcher.state.seq == held_at
        frozen = gw.call(lambda: gw.gateway.seq)
        # Space again: the gateway carries on by itself; everything meanwhile comes in order.
        filler.unlink()
        await watcher.until(lambda c: c.state.seq > frozen + 20, 20, "events after the outage")
        assert not held(watcher.heartbeats[-1]) or watcher.state.seq > frozen
        await late.ready()
        await watcher.until(lambda c: bool(c.heartbeats) and not held(c.heartbeats[-1]), 10, "store ok")
        # The same command sent again now applies (the refusal did not take its id).
        ack = await watcher.command("agent.set_state", {"agent_id": agent, "state": "offline"}, refused_id)
        assert ack["ok"] is True, ack
        await late.close()
        await watcher.close()
        return watcher, refused_id, agent

    with GatewayThread(config) as gw:
        watcher, refused_id, _ = run(scenario(gw))
        last = gw.call(lambda: gw.gateway.committed_seq)
    seqs = journal_seqs(db)
    assert seqs == list(range(1, len(seqs) + 1)), "the journal has a gap or a seq twice"
    assert seqs[-1] >= last
    # Every event the console was shown is in the journal (nothing shown was lost).
    assert watcher.event_seqs[-1] <= seqs[-1]
    assert audit_rows(db, refused_id) == [(1, None)]
    assert audit_rows(db, f"store-unavailable/{refused_id}") == [(0, "store_unavailable")]
