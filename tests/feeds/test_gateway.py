"""The gateway over a real websocket on 127.0.0.1, with a real SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from console.domain.entities import AgentState
from console.domain.permissions import Role
from console.domain.state import FloorState, Snapshot
from console.feeds import protocol
from console.feeds.gateway import server
from console.feeds.gateway.role_views import View, view_snapshot
from console.feeds.protocol import MAX_WIRE_FRAME
from tests.helpers.gateway import (
    GatewayThread,
    WireClient,
    close_code,
    freeze,
    make_config,
    normalized,
    token,
)
from tests.helpers.postgres import pg_server, pg_url

__all__ = ["pg_server", "pg_url"]  # fixtures, imported so pytest finds them here


@pytest.fixture
def gw(tmp_path: Path) -> Iterator[GatewayThread]:
    with GatewayThread(make_config(tmp_path)) as g:
        yield g


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_snapshot_plus_events_rebuild_exactly_the_later_snapshot(gw: GatewayThread) -> None:
    async def scenario() -> None:
        early = await WireClient.open(gw.url)
        await early.ready()
        assert early.welcome is not None and early.welcome["role"] == "admin"
        assert early.state.queues and early.state.agents and early.state.cases
        start = early.state.seq
        await early.until(lambda c: c.state.seq >= start + 300, what="300 events")
        late = await WireClient.open(gw.url, Role.VIEWER)
        await late.ready()
        target = late.state.seq
        assert target > start
        # The late snapshot is at the gateway's head, so the early client cannot be past it.
        assert early.state.seq <= target
        early.capture_at.add(target)
        if early.state.seq == target:
            early.captured[target] = normalized(early.state)
        await early.until(lambda c: target in c.captured, what=f"seq {target}")
        rebuilt = early.captured[target]
        await early.close()
        await late.close()
        # The viewer's snapshot is the admin's floor in the viewer's view (figures, not content).
        in_view = view_snapshot(msgspec.json.decode(rebuilt, type=Snapshot), View.FIGURES)
        assert msgspec.json.encode(in_view) == normalized(late.state)
        assert early.state.skipped == 0

    run(scenario())


def test_a_storm_of_clients_shares_snapshots_and_each_rebuilds_the_later_snapshot(
    gw: GatewayThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many consoles signing in at once: fewer snapshots built than clients, each one exact.

    The cases are encoded three at a time, a turn of the loop between slices, so events
    are stamped (and cases changed) while a snapshot is built. Every client's snapshot is
    current (not before the seq its welcome told it), and its snapshot plus its events must
    give exactly a fresh snapshot taken later. A client whose welcome is at the seq of a kept
    snapshot gets that one (no build), with the events after it from the journal.
    """
    n = 24
    monkeypatch.setattr(server, "SNAPSHOT_SLICE", 3)
    monkeypatch.setattr(server, "SNAPSHOT_KEEP_S", 3600.0)
    encode_slice = protocol.encode_list_items

    def slow_slice(items: list[Any]) -> bytes:
        time.sleep(0.002)  # a build spans many of the simulator's ticks
        return encode_slice(items)

    monkeypatch.setattr(protocol, "encode_list_items", slow_slice)

    def snapshot_seq(c: WireClient) -> int:
        seq: int = next(f["seq"] for f in c.frames if f["op"] == "snapshot")
        return seq

    async def scenario() -> None:
        built = gw.gateway.snapshots_built
        # Within the gateway's limit of connections not signed in from one address.
        storm = await asyncio.gather(*(WireClient.open(gw.url) for _ in range(n)))
        await asyncio.gather(*(c.ready() for c in storm))
        assert all(c.snapshots == 1 for c in storm)
        assert gw.gateway.snapshots_built - built < n  # shared, not one per client
        assert len(gw.gateway.state.cases) > 3 * 5  # built in several slices
        wave = await asyncio.gather(*(WireClient.open(gw.url, Role.VIEWER) for _ in range(4)))
        await asyncio.gather(*(c.ready() for c in wave))
        freeze(gw)  # no more events: the next snapshot stays at the head
        await asyncio.sleep(0.3)
        first = await WireClient.open(gw.url)
        await first.ready()
        built = gw.gateway.snapshots_built
        kept = await WireClient.open(gw.url)
        await kept.ready()
        assert gw.gateway.snapshots_built == built  # given the kept one
        assert snapshot_seq(kept) == snapshot_seq(first)
        everyone = [*storm, *wave, first, kept]
        for c in everyone:
            assert c.welcome is not None and snapshot_seq(c) >= c.welcome["seq"]  # current
        monkeypatch.setattr(server, "SNAPSHOT_REUSE_EVENTS", -1)  # from here, fresh ones
        late = await WireClient.open(gw.url)
        await late.ready()
        target = late.state.seq
        for c in everyone:
            assert c.state.seq <= target  # the late snapshot is at the head
            c.capture_at.add(target)
            if c.state.seq == target:
                c.captured[target] = normalized(c.state)
        await asyncio.gather(
            *(c.until(lambda c: target in c.captured, what=f"seq {target}") for c in everyone)
        )
        expected = normalized(late.state)
        for c in [*storm, first, kept]:
            assert c.captured[target] == expected
            assert c.state.skipped == 0
        in_view = view_snapshot(msgspec.json.decode(expected, type=Snapshot), View.FIGURES)
        for c in wave:
            assert c.captured[target] == msgspec.json.encode(in_view)
        await asyncio.gather(*(c.close() for c in [*everyone, late]))

    run(scenario())


def test_resume_sends_exactly_the_missed_events(gw: GatewayThread) -> None:
    async def scenario() -> None:
        first = await WireClient.open(gw.url)
        await first.ready()
        start = first.state.seq
        await first.until(lambda c: c.state.seq >= start + 100, what="100 events")
        await first.close()
        k = first.state.seq
        await asyncio.sleep(1.0)  # events flow while this client is away
        again = await WireClient.open(gw.url, resume_from=k)
        again.resume_state(first.state)
        await again.until(lambda c: c.welcome is not None, what="welcome")
        assert again.welcome is not None and again.welcome["seq"] > k
        await again.until(lambda c: c.state.seq >= c.welcome["seq"] if c.welcome else False, what="catch-up")
        assert again.snapshots == 0, "a resumable client must not get a snapshot"
        assert again.event_seqs[0] == k + 1
        assert again.event_seqs == list(range(k + 1, again.event_seqs[-1] + 1))
        # The resumed state equals a fresh snapshot at the same point.
        fresh = await WireClient.open(gw.url)
        await fresh.ready()
        await again.until(lambda c: c.state.seq >= fresh.state.seq, what="fresh seq")
        await again.close()
        await fresh.close()

    run(scenario())


def test_resume_from_unknown_seq_falls_back_to_snapshot(gw: GatewayThread) -> None:
    async def scenario() -> None:
        c = await WireClient.open(gw.url, resume_from=10**9)
        await c.ready()
        assert c.snapshots == 1
        await c.close()

    run(scenario())


@pytest.mark.parametrize(
    ("hello", "code"),
    [
        ({"op": "hello", "protocol": 1, "token": "wrong", "resume_from": None}, 4401),
        ({"op": "hello", "protocol": 1, "resume_from": None}, 4401),
        ({"op": "hello", "protocol": 1, "token": None, "resume_from": None}, 4401),
        ({"op": "hello", "protocol": 2, "token": "admin-token", "resume_from": None}, 4400),
    ],
)
def test_bad_hello_closes_with_protocol_codes(gw: GatewayThread, hello: dict[str, Any], code: int) -> None:
    assert run(close_code(gw.url, hello)) == code


BAD_FRAMES: list[tuple[str | bytes, str]] = [
    ("not json at all", "bad_json"),
    ("[1, 2, 3]", "bad_frame"),
    ('{"no_op": 1}', "bad_frame"),
    ('{"op": "subscribe"}', "unknown_op"),
    ('{"op": "command", "id": 5, "action": "agent.set_state", "args": {}}', "bad_frame"),
    ('{"op": "command", "action": "agent.set_state", "args": {}}', "bad_frame"),
    ('{"op": "command", "id": "x", "action": "agent.set_state", "args": []}', "bad_frame"),
    ('{"op": "hello", "protocol": 1, "token": "admin-token"}', "already_authenticated"),
    ("[" * 60_000, "bad_json"),  # nested deeper than the decoder recurses
    (b"\x00\x01binary", "binary_frame"),
]


def test_bad_frames_get_errors_and_everyone_keeps_being_served(gw: GatewayThread) -> None:
    async def scenario() -> None:
        bystander = await WireClient.open(gw.url, Role.VIEWER)
        await bystander.ready()
        c = await WireClient.open(gw.url)
        await c.ready()
        for frame, code in BAD_FRAMES:
            await c.send(frame)
            err = await c.next_error()
            assert err["code"] == code, (frame[:40], err)
            assert err["message"]
        # The same connection still serves events and commands.
        seq = c.state.seq
        await c.until(lambda cl: cl.state.seq > seq, what="events after bad frames")
        ack = await c.command("agent.teleport", {})
        assert ack["ok"] is False and ack["error"]["code"] == "unknown_action"
        ack = await c.command("agent.set_state", {"agent_id": "A001", "state": 7})
        assert (
            ack["ok"] is False and ack["error"]["code"] == "bad_args" and "state" in ack["error"]["message"]
        )
        ack = await c.command("agent.set_state", {"agent_id": "nobody", "state": "available"})
        assert ack["ok"] is False and ack["error"]["code"] == "not_found"
        ack = await c.command("agent.set_state", {"agent_id": "A001", "state": "not_ready", "reason": "nap"})
        assert ack["ok"] is False and ack["error"]["code"] == "bad_args"
        seq = bystander.state.seq
        await bystander.until(lambda b: b.state.seq > seq, what="bystander events")
        await c.close()
        await bystander.close()

    run(scenario())
    assert gw.call(lambda: gw.gateway.bad_frames) >= len(BAD_FRAMES)


def test_frames_up_to_4_mib_are_read_and_larger_ones_close_the_connection(gw: GatewayThread) -> None:
    async def scenario() -> int | None:
        c = await WireClient.open(gw.url)
        await c.ready()
        # Just under the limit: read and answered like any command (a 50,000-case
        # case.reassign is about 1.5 MB).
        big = {"op": "command", "id": "big", "action": "agent.teleport", "args": {"pad": ""}}
        overhead = len(msgspec.json.encode(big))
        big["args"] = {"pad": "x" * (MAX_WIRE_FRAME - overhead)}
        await c.send(big)
        await c.until(lambda cl: "big" in cl.acks, 30, "ack of a 4 MiB frame")
        assert c.acks["big"]["error"]["code"] == "unknown_action"
        # One byte over: the websocket layer closes the connection (1009).
        big["args"] = {"pad": "x" * (MAX_WIRE_FRAME - overhead + 1)}
        await c.send(big)
        with contextlib.suppress(ConnectionClosed):
            await c.until(lambda cl: False, 30, "close")
        return c.ws.close_code

    assert run(scenario()) == 1009


def test_command_before_hello_is_refused_then_hello_works(gw: GatewayThread) -> None:
    async def scenario() -> None:
        async with connect(gw.url) as ws:
            await ws.send('{"op":"command","id":"1","action":"agent.set_state","args":{}}')
            err = msgspec.json.decode(await asyncio.wait_for(ws.recv(), 10))
            assert err == {"op": "error", "code": "not_authenticated", "message": err["message"]}
            await ws.send(
                msgspec.json.encode({"op": "hello", "protocol": 1, "token": token("viewer")}).decode()
            )
            welcome = msgspec.json.decode(await asyncio.wait_for(ws.recv(), 10))
            assert welcome["op"] == "welcome" and welcome["role"] == "viewer"

    run(scenario())


def went_offline(state: FloorState, agent_id: str) -> bool:
    a = state.agents[agent_id]
    return a.state is AgentState.OFFLINE or a.pending_state is AgentState.OFFLINE


def _idle_agent(state: FloorState) -> str:
    return next(a.id for a in state.agents.values() if a.state is AgentState.AVAILABLE)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.VIEWER, False),
        (Role.QUALITY, False),
        (Role.SUPERVISOR, True),
        (Role.MANAGER, True),
        (Role.ADMIN, True),
    ],
)
def test_roles_are_enforced_by_the_gateway(gw: GatewayThread, role: Role, allowed: bool) -> None:
    async def scenario() -> dict[str, Any]:
        c = await WireClient.open(gw.url, role)
        await c.ready()
        agent = _idle_agent(c.state)
        ack = await c.command("agent.set_state", {"agent_id": agent, "state": "offline"}, cid="r1")
        if allowed:
            # The events precede the ack. The agent may have been offered a call in the
            # meantime, in which case the change is pending until the call ends.
            assert went_offline(c.state, agent), "events precede the ack"
        await c.close()
        return ack

    ack = run(scenario())
    if allowed:
        assert ack["ok"] is True and ack["result"]["state"] == "offline"
    else:
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    store = gw.gateway.store
    assert store is not None
    rows = store.audit(user=f"{role.value}1")
    assert [(r.action, r.ok, r.command_id) for r in rows] == [("agent.set_state", allowed, "r1")]


def test_state_change_during_a_call_waits_for_the_call_to_end(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path, speed=300.0)) as gw:

        async def scenario() -> None:
            c = await WireClient.open(gw.url, Role.SUPERVISOR)
            await c.ready()
            await c.until(
                lambda cl: any(a.state is AgentState.ON_CALL for a in cl.state.agents.values()),
                what="an agent on a call",
            )
            agent = next(a for a in c.state.agents.values() if a.state is AgentState.ON_CALL)
            call_id = agent.call_id
            ack = await c.command(
                "agent.set_state", {"agent_id": agent.id, "state": "not_ready", "reason": "coaching"}
            )
            assert ack["ok"] is True and ack["result"]["deferred"] is True
            a = c.state.agents[agent.id]
            assert a.state is not AgentState.NOT_READY
            assert a.pending_state is AgentState.NOT_READY and a.pending_reason == "coaching"
            await c.until(
                lambda cl: cl.state.agents[agent.id].state is AgentState.NOT_READY, 60, "deferred change"
            )
            a = c.state.agents[agent.id]
            assert a.reason == "coaching" and a.pending_state is None
            assert call_id not in c.state.calls, "the change took effect only after the call ended"
            # and it stays: the agent takes no calls while not ready
            seq = c.state.seq
            await c.until(lambda cl: cl.state.seq > seq + 200, what="more events")
            assert c.state.agents[agent.id].state is AgentState.NOT_READY
            await c.close()

        run(scenario())


def test_resent_command_is_applied_once(gw: GatewayThread) -> None:
    async def scenario() -> None:
        c = await WireClient.open(gw.url, Role.SUPERVISOR)
        await c.ready()
        agent = _idle_agent(c.state)
        first = await c.command("agent.set_state", {"agent_id": agent, "state": "offline"}, cid="same")
        seq_after_first = c.state.seq
        again = await c.command("agent.set_state", {"agent_id": agent, "state": "offline"}, cid="same")
        assert again == first
        await c.close()
        # Reconnected, the re-send is still recognised.
        d = await WireClient.open(gw.url, Role.SUPERVISOR)
        await d.ready()
        third = await d.command("agent.set_state", {"agent_id": agent, "state": "available"}, cid="same")
        assert third == first
        assert went_offline(d.state, agent), "the re-send was not applied as a new command"
        assert seq_after_first > 0
        await d.close()

    run(scenario())
    store = gw.gateway.store
    assert store is not None
    assert len(store.audit(user="supervisor1")) == 1


def test_heartbeats_carry_the_feed_clock_when_no_events_flow(tmp_path: Path) -> None:
    config = make_config(
        tmp_path, scenario=make_config(tmp_path).scenario.with_name("single_queue.toml"), speed=1.0
    )
    with GatewayThread(config) as gw:

        async def scenario() -> None:
            c = await WireClient.open(gw.url, Role.VIEWER)
            await c.ready()
            await c.until(lambda cl: len(cl.heartbeats) >= 4, 10, "heartbeats")
            ats = [h["at"] for h in c.heartbeats]
            assert ats == sorted(ats) and ats[-1] > ats[0]
            assert all(h["seq"] <= c.state.seq for h in c.heartbeats)
            await c.close()

        run(scenario())


def test_a_slow_client_gets_a_fresh_snapshot_and_never_slows_the_others(tmp_path: Path) -> None:
    config = make_config(tmp_path, speed=600.0, client_max_frames=4)
    with GatewayThread(config) as gw:

        async def scenario() -> None:
            fast = await WireClient.open(gw.url, Role.VIEWER)
            await fast.ready()
            # A client with a tiny receive buffer that stops reading for a while.
            # Small socket buffers on both ends, so a stall fills them in moments
            # instead of after megabytes.
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", gw.gateway.port))
            port = sock.getsockname()[1]
            ws = await connect(gw.url, sock=sock, max_size=None)

            def shrink_server_side() -> int:
                assert gw.gateway._server is not None
                conns = [c for c in gw.gateway._server.connections if c.remote_address[1] == port]
                for c in conns:
                    c.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
                return len(conns)

            assert gw.call(shrink_server_side) == 1
            slow = WireClient(ws)
            await slow.send({"op": "hello", "protocol": 1, "token": token("viewer")})
            await slow.ready()
            slow.ws.transport.pause_reading()  # the client hangs: nothing more leaves the socket buffer
            # The fast client keeps receiving while the stalled one fills its buffers
            # (compressed frames take a few seconds) and then overflows its queue.
            deadline = asyncio.get_running_loop().time() + 60
            overflowed = 0
            while not overflowed:
                assert asyncio.get_running_loop().time() < deadline, "the stalled client never overflowed"
                target = fast.state.seq + 200
                await fast.until(lambda f: f.state.seq > target, 10, "fast client keeps up")  # noqa: B023
                overflowed = gw.call(lambda: max(s.overflows for s in gw.gateway.sessions))
            # Once it reads again it gets a new snapshot and then a gapless stream.
            slow.ws.transport.resume_reading()
            await slow.until(lambda s: s.snapshots >= 2, 60, "second snapshot")
            target = fast.state.seq
            await slow.until(lambda s: s.state.seq >= target, 60, "slow client caught up")
            await fast.until(lambda f: f.state.seq >= slow.state.seq, 60, "fast at the same seq")
            await fast.close()
            await slow.close()

        run(scenario())


def test_the_gateway_runs_on_postgresql_and_continues_after_a_restart(tmp_path: Path, pg_url: str) -> None:
    config = make_config(tmp_path, db_url=pg_url)

    async def watch(url: str, resume_from: int | None = None, state: FloorState | None = None) -> WireClient:
        c = await WireClient.open(url, Role.SUPERVISOR, resume_from=resume_from)
        if state is not None:
            c.resume_state(state)
        await c.until(lambda cl: cl.welcome is not None, what="welcome")
        if state is None:
            await c.ready()
        start = c.state.seq
        await c.until(lambda cl: cl.state.seq >= start + 200, 30, "events")
        agent = _idle_agent(c.state)
        ack = await c.command("agent.set_state", {"agent_id": agent, "state": "offline"})
        assert ack["ok"] is True
        await c.close()
        return c

    with GatewayThread(config) as gw:
        first = run(watch(gw.url))
    with GatewayThread(config) as gw:
        second = run(watch(gw.url, resume_from=first.state.seq, state=first.state))
        store = gw.gateway.store
        assert store is not None
        assert len(store.audit(user="supervisor1")) == 2
    assert second.snapshots == 0 and second.state.skipped == 0
