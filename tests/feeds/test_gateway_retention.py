"""Retention on a running gateway: a few simulated days at high speed, pruned to one.

On SQLite: the pruning itself is tested on PostgreSQL too (tests/store/test_retention.py),
but the bank centre's simulated days run far slower into the test cluster.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import func, select

from console.domain.clock import to_ms
from console.domain.permissions import Role
from console.domain.state import FloorState
from console.feeds.gateway.sequencing import Sequencer
from console.store import Store
from console.store.schema import events_table
from tests.helpers.gateway import GatewayThread, WireClient, freeze, make_config, normalized

DAY_MS = 86_400_000


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 60))


def wait_for(gw: GatewayThread, check: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not gw.call(check):  # type: ignore[arg-type]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_gateway_prunes_old_days_and_restarts_on_the_pruned_store(tmp_path: Path) -> None:
    config = make_config(tmp_path, speed=20_000.0, keep_days=1, journal_min_events=500, checkpoint_every=2000)
    with GatewayThread(config) as gw:
        writer = gw.gateway.sequencer.writer
        assert writer is not None
        # Day 0 starts the run; at day 2's start, day 0 is pruned.
        wait_for(gw, lambda: writer.last_prune.get("events", 0) > 0, 240, "a prune that removed events")
        freeze(gw)
        removed = dict(writer.last_prune)

        async def pruned_resume(url: str) -> WireClient:
            c = await WireClient.open(url, Role.SUPERVISOR, resume_from=1)
            await c.ready()
            await c.close()
            return c

        resumed = run(pruned_resume(gw.url))
        day = gw.call(lambda: gw.gateway.state.centre.day_started_at)
    assert resumed.snapshots == 1  # seq 1 is pruned: a snapshot, not a resume
    stopped = gw.gateway.state
    floor = normalized(stopped)
    seq = gw.gateway.sequencer.seq
    assert day is not None
    cut_ms = to_ms(day) - 2 * DAY_MS  # at least this much is gone (keep_days=1: yesterday and today)

    store = Store.open(config.db_url or "")
    try:
        with store.engine.connect() as conn:
            oldest = conn.scalar(select(func.min(events_table.c.at)))
        assert oldest is not None and to_ms(oldest) >= cut_ms
        # What a restart rebuilds from the pruned store is the floor the gateway stopped with.
        restored = FloorState()
        seqr = Sequencer(restored, publish=lambda *_: None, checkpoint_every=2000, journal_min_events=500)
        seqr.restore(store)
        assert seqr.seq == seq
        assert normalized(restored) == floor
    finally:
        store.close()
    assert removed["events"] > 0 and removed["calls"] > 0 and removed["agent_states"] > 0

    with GatewayThread(config) as gw2:
        wait_for(gw2, lambda: gw2.gateway.committed_seq > seq + 100, 60, "events after the restart")

        async def fresh(url: str) -> WireClient:
            c = await WireClient.open(url, Role.VIEWER)
            await c.ready()
            await c.close()
            return c

        client = run(fresh(gw2.url))
    assert client.state.seq > seq
    assert msgspec.json.decode(floor)["agents"]  # (the comparison above is of real content)
