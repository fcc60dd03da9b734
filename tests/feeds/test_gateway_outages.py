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
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from console.domain.entities import AgentState
from console.domain.permissions import Role
from console.domain.state import FloorState
from tests.helpers.gateway import START, GatewayThread, WireClient, make_config, token
from tests.helpers.outages import ext4_loop, fill, shut_down, small_tmpfs
from tests.helpers.postgres import PgServer, pg_server, pg_url

__all__ = ["ext4_loop", "pg_server", "pg_url", "small_tmpfs"]  # fixtures, imported so pytest finds them here

ROOT = Path(__file__).resolve().parents[2]


def run(coro: Any, timeout: float = 60) -> Any:
    return asyncio.run(asyncio.wait_for(coro, timeout))


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


def test_a_command_sent_while_held_by_a_connection_that_closes_is_never_applied(small_tmpfs: Path) -> None:
    db = small_tmpfs / "gateway.db"
    config = make_config(small_tmpfs, db_url=f"sqlite:///{db}", heartbeat_s=0.2)
    command_id = "sent-then-gone"

    async def scenario(gw: GatewayThread) -> None:
        watcher = await WireClient.open(gw.url, Role.SUPERVISOR)
        await watcher.ready()
        await watcher.until(lambda c: c.state.seq >= 50, 20, "events")
        filler = fill(small_tmpfs)
        await watcher.until(lambda c: bool(c.heartbeats) and held(c.heartbeats[-1]), 15, "held heartbeat")
        agent = _available_agent(watcher.state)
        # Another console sends a command and goes away without waiting for its answer.
        sender = await WireClient.open(gw.url, Role.SUPERVISOR)
        await sender.until(lambda c: c.welcome is not None, 10, "welcome")
        args = {"agent_id": agent, "state": "offline"}
        await sender.send({"op": "command", "id": command_id, "action": "agent.set_state", "args": args})
        await sender.close()
        # Its connection is gone: the gateway reads a connection's frames in order, so it has
        # answered the command before it let the connection go.
        await watcher.until(lambda c: gw.call(lambda: len(gw.gateway.sessions)) == 1, 10, "sender gone")
        filler.unlink()
        await watcher.until(lambda c: bool(c.heartbeats) and not held(c.heartbeats[-1]), 20, "store ok")
        back = watcher.state.seq
        await watcher.until(lambda c: c.state.seq > back + 50, 20, "events after the outage")
        applied = [a for a in watcher.state.actions if a.command_id == command_id]
        assert applied == [], "a command sent while held was applied behind its sender's back"
        await watcher.close()

    with GatewayThread(config) as gw:
        run(scenario(gw))
    assert audit_rows(db, command_id) == []
    assert audit_rows(db, f"store-unavailable/{command_id}") == [(0, "store_unavailable")]
    with contextlib.closing(sqlite3.connect(db)) as conn:
        found = conn.execute(
            "SELECT count(*) FROM events WHERE type = 'action.applied' AND data LIKE ?", (f"%{command_id}%",)
        ).fetchone()
    assert found == (0,)


def test_postgresql_stopped_for_10_s_holds_the_feed_and_it_carries_on_when_started_again(
    tmp_path: Path, pg_server: PgServer, pg_url: str
) -> None:
    config = make_config(tmp_path, db_url=pg_url, heartbeat_s=0.2)
    stopped = False

    async def scenario(gw: GatewayThread) -> WireClient:
        nonlocal stopped
        watcher = await WireClient.open(gw.url, Role.SUPERVISOR)
        await watcher.ready()
        await watcher.until(lambda c: c.state.seq >= 50, 20, "events")
        await asyncio.to_thread(pg_server.stop, "fast")
        stopped = True
        down_at = time.monotonic()
        await watcher.until(lambda c: bool(c.heartbeats) and held(c.heartbeats[-1]), 15, "held heartbeat")
        assert watcher.heartbeats[-1]["store_reason"], watcher.heartbeats[-1]
        held_at = watcher.state.seq
        agent = _available_agent(watcher.state)
        ack = await watcher.command("agent.set_state", {"agent_id": agent, "state": "offline"}, "while-down")
        assert ack["ok"] is False and ack["error"]["code"] == "store_unavailable", ack
        # A new console signs in (checked against the users in memory: the database is down)
        # and is told at once that the feed is held, instead of being closed with 1011.
        late = await WireClient.open(gw.url, Role.VIEWER)
        await late.until(lambda c: c.welcome is not None and bool(c.heartbeats), 10, "welcome and heartbeat")
        assert held(late.heartbeats[0]) and late.welcome is not None and late.welcome["user"] == "viewer1"
        # A wrong token is still refused, database or not.
        stranger = await WireClient.open(gw.url, Role.VIEWER, token="not-a-token")
        with contextlib.suppress(Exception):
            await stranger.until(lambda c: False, 10, "close")
        assert stranger.ws.close_code == 4401
        # Ten seconds down: the connections stay, the heartbeats go on, held at the same head.
        await watcher.until(lambda c: time.monotonic() - down_at >= 10, 20, "ten seconds")
        assert all(held(h) and h["seq"] == held_at for h in watcher.heartbeats[-10:])
        await asyncio.to_thread(pg_server.start)
        stopped = False
        await watcher.until(lambda c: c.state.seq > held_at + 20, 30, "events after the restart")
        await watcher.until(lambda c: bool(c.heartbeats) and not held(c.heartbeats[-1]), 10, "store ok")
        await late.ready()
        ack = await watcher.command("agent.set_state", {"agent_id": agent, "state": "offline"}, "while-down")
        assert ack["ok"] is True, ack
        await late.close()
        await watcher.close()
        return watcher

    try:
        with GatewayThread(config) as gw:
            watcher = run(scenario(gw), 90)
            store = gw.gateway.store
            assert store is not None
            seqs = [seq for seq, _ in store.events_after(0)]
    finally:
        if stopped:
            pg_server.start()
    assert seqs == list(range(1, len(seqs) + 1)), "the journal has a gap or a seq twice"
    assert watcher.event_seqs[-1] <= seqs[-1]


def _gateway_process(tmp_path: Path, db_url: str) -> tuple[subprocess.Popen[str], str, Path]:
    """``python -m console.feeds.gateway`` on ``db_url``; its log goes to a file (a pipe could fill)."""
    log_path = tmp_path / "gateway.log"
    cmd = [
        sys.executable,
        "-m",
        "console.feeds.gateway",
        "--port",
        "0",
        "--db",
        db_url,
        "--secret-file",
        str(tmp_path / "gateway.secret"),
        "--speed",
        "60",
        "--start",
        START,
        "--user",
        f"supervisor1:supervisor:{token(Role.SUPERVISOR)}",
    ]
    with log_path.open("w") as log_file:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=log_file, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # the first line says where it listens (or it has failed: "")
    assert line.startswith("listening ws://"), log_path.read_text()
    return proc, line.split()[1], log_path


@pytest.mark.parametrize("outage", ["sqlite-disk-full", "postgresql-stopped"])
def test_sigterm_stops_a_held_gateway_within_seconds_and_says_what_was_lost(
    tmp_path: Path, outage: str, request: pytest.FixtureRequest
) -> None:
    pg: PgServer | None = None
    if outage == "postgresql-stopped":
        pg = request.getfixturevalue("pg_server")
        db_url = request.getfixturevalue("pg_url")
    else:
        fs = request.getfixturevalue("small_tmpfs")
        db_url = f"sqlite:///{fs / 'gateway.db'}"
    proc, url, log_path = _gateway_process(tmp_path, db_url)
    stopped = False

    async def hold() -> None:
        nonlocal stopped
        watcher = await WireClient.open(url, Role.SUPERVISOR)
        await watcher.ready()
        await watcher.until(lambda c: c.state.seq >= 20, 20, "events")
        if pg is not None:
            await asyncio.to_thread(pg.stop, "fast")
            stopped = True
        else:
            fill(fs)
        await watcher.until(lambda c: bool(c.heartbeats) and held(c.heartbeats[-1]), 15, "held heartbeat")
        # Stopped while held, with a console still connected.
        proc.send_signal(signal.SIGTERM)
        t0 = time.monotonic()
        await asyncio.to_thread(proc.wait, 20)
        took = time.monotonic() - t0
        print(f"SIGTERM while held ({outage}): stopped in {took:.2f} s")
        assert took < 8, f"SIGTERM took {took:.1f} s"
        with contextlib.suppress(Exception):
            await watcher.close()

    try:
        run(hold(), 60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if stopped and pg is not None:
            pg.start()
    log = log_path.read_text()
    assert proc.returncode == 0, log[-3000:]
    assert "store: unavailable (" in log  # the reason, logged when it happened
    assert "stopping while the store is unavailable" in log
    # What could not be committed is said, with counts; none of it was acknowledged.
    assert "NOT committed and never acknowledged" in log, log[-3000:]


def test_a_filesystem_that_fails_under_the_gateway_is_logged_with_its_reason_never_a_silent_sigbus(
    tmp_path: Path, ext4_loop: Path
) -> None:
    """Database files that can no longer be written, for root too: the filesystem shut down."""
    proc, url, log_path = _gateway_process(tmp_path, f"sqlite:///{ext4_loop / 'gateway.db'}")
    seen: dict[str, Any] = {}

    async def fail_the_disk() -> None:
        watcher = await WireClient.open(url, Role.SUPERVISOR)
        await watcher.ready()
        await watcher.until(lambda c: c.state.seq >= 20, 20, "events")
        shut_down(ext4_loop)
        with contextlib.suppress(Exception):  # held, or the connection closed as the gateway stops
            await watcher.until(lambda c: bool(c.heartbeats) and held(c.heartbeats[-1]), 15, "held")
        seen["held"] = bool(watcher.heartbeats) and held(watcher.heartbeats[-1])
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        t0 = time.monotonic()
        await asyncio.to_thread(proc.wait, 20)
        seen["stop_s"] = time.monotonic() - t0
        with contextlib.suppress(Exception):
            await watcher.close()

    try:
        run(fail_the_disk(), 60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = log_path.read_text()
    outcome = f"held={seen.get('held')}, exit {proc.returncode} in {seen.get('stop_s', 0):.2f} s"
    print(f"filesystem shut down: {outcome}")
    assert proc.returncode != -signal.SIGBUS and "Fatal Python error" not in log, log[-3000:]
    assert seen["stop_s"] < 8, outcome
    # The reason is in the log before the process ends, whichever way it ends: held on
    # "disk I/O error" (then SIGTERM), or stopped on "database disk image is malformed" (exit 1).
    assert "store: unavailable (disk I/O error)" in log or (
        "store: writer stopped" in log and "malformed" in log and proc.returncode == 1
    ), log[-3000:]
