"""Adapters: processes that publish a real system's events to a gateway run with ``--source adapters``.

A real gateway on 127.0.0.1, real SQLite files, the real ``AdapterLink`` and
real consoles' wire clients: events published with positions are checked,
sequenced and broadcast; refused ones are named and change nothing; a
connection or a gateway that dies mid-stream loses and doubles nothing; and
supervisors' commands about an adapter's agents and calls go to the adapter.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import msgspec
import pytest
from websockets.asyncio.client import connect

from console.domain.clock import iso, to_ms
from console.domain.entities import Agent, AgentState, Centre
from console.domain.events import (
    AgentAdded,
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallMoved,
    CallQueued,
    CentreConfigured,
    EventData,
    QueueConfigured,
    make_event,
)
from console.domain.permissions import Role
from console.domain.state import FloorState
from console.feeds.adapters.link import AdapterLink, AdapterLinkError, Declined
from console.feeds.gateway.publishing import EventRefused, admit
from console.feeds.protocol import PublishedEvent, Request
from console.store import Store
from tests.helpers.gateway import GatewayThread, WireClient, make_config, token

T0 = to_ms("1999-02-01T05:00:00Z")  # 07:00 in Asia/Jerusalem


def centre_events(t: int = T0) -> list[tuple[int, EventData]]:
    return [
        (t, CentreConfigured(centre=Centre(name="Bank", timezone="Asia/Jerusalem"))),
        (t, QueueConfigured(queue_id="PS", name="Regular", sl_threshold_s=30, sl_target_pct=80)),
        (t, QueueConfigured(queue_id="NW", name="Prospects", sl_threshold_s=30, sl_target_pct=80)),
        (t, AgentAdded(agent=Agent(id="DORIT", name="Dorit", team="Bank", skills=[]))),
        (t, AgentStateChanged(agent_id="DORIT", state=AgentState.AVAILABLE)),
    ]


def calls(n: int, t: int = T0 + 1000) -> list[tuple[int, EventData]]:
    """``n`` calls, one a second: each queued, answered 5 s later, ended 60 s later (overlapping)."""
    out: list[tuple[int, EventData]] = []
    for i in range(n):
        cid = f"C{i:05d}"
        out.append((t + i * 1000, CallQueued(call_id=cid, queue_id="PS", priority=0, caller="0501234567")))
    for i in range(n):
        cid = f"C{i:05d}"
        out.append((t + i * 1000 + 5000, CallAnswered(call_id=cid, agent_id="DORIT")))
        out.append((t + i * 1000 + 60000, CallEnded(call_id=cid)))
    out.sort(key=lambda e: e[0])
    return out


def gateway_config(tmp_path: Path, **kw: Any) -> Any:
    return make_config(tmp_path, source="adapters", **kw)


async def publish_all(link: AdapterLink, events: list[tuple[int, EventData]], first_pos: int = 1) -> None:
    for pos, (at, data) in enumerate(events, start=first_pos):
        link.publish(pos, at, data)
        await link.room()
    await link.flush()


async def floor_of(url: str) -> WireClient:
    """A console's state once it has caught up with the gateway's committed head."""
    client = await WireClient.open(url)
    while client.welcome is None or client.snapshots == 0:
        await client.recv_one()
    return client


def test_published_events_reach_consoles_checked_masked_and_owned(tmp_path: Path) -> None:
    with GatewayThread(gateway_config(tmp_path)) as gw:

        async def scenario() -> None:
            link = AdapterLink(gw.url, token(Role.ADAPTER))
            assert await link.start() == 0
            await publish_all(link, [*centre_events(), *calls(3)[:4]])
            assert link.accepted == 9 and not link.refusals and link.position == 9
            link.set_clock(T0 + 10_000)
            link.set_status('connected to "ACD" 10.0.0.5')
            await link.flush()
            assert gw.call(lambda: gw.gateway.adapter_status) == {"adapter1": 'connected to "ACD" 10.0.0.5'}
            console = await floor_of(gw.url)
            state = console.state
            assert set(state.queues) == {"PS", "NW"} and state.centre.timezone == "Asia/Jerusalem"
            assert state.agents["DORIT"].source == "adapter1"
            call = state.calls["C00000"]
            # The gateway masks the caller whatever the adapter sent, and marks whose call it is.
            assert call.caller == "******4567" and call.source == "adapter1"
            assert state.queues["PS"].today.offered == 3
            # Signing in again, the adapter is told what of its own is on the floor.
            again = AdapterLink(gw.url, token(Role.ADAPTER))
            assert await again.start() == 9
            assert again.owned == {"agents": ["DORIT"], "calls": ["C00000", "C00001", "C00002"]}
            await again.close()
            # The feed clock is the adapter's (its clock tick), in the past: February 1999.
            hb = None
            while hb is None:
                frame = await console.recv_one()
                hb = frame if frame["op"] == "heartbeat" else None
            assert hb["at"] == iso(T0 + 10_000)
            await console.close()
            await link.close()

        asyncio.run(scenario())


def test_bad_events_are_refused_by_name_and_change_nothing(tmp_path: Path) -> None:
    with GatewayThread(gateway_config(tmp_path)) as gw:

        async def scenario() -> None:
            link = AdapterLink(gw.url, token(Role.ADAPTER))
            await link.start()
            await publish_all(link, centre_events())
            t = T0 + 10_000
            bad: list[tuple[int, EventData]] = [
                (t, CallAnswered(call_id="NEVER", agent_id="DORIT")),  # answer before queue
                (t, CallQueued(call_id="A1", queue_id="NOPE", priority=0, caller="")),  # unknown queue
                (t, CallQueued(call_id="A1", queue_id="PS", priority=0, caller="")),  # good
                (t, CallQueued(call_id="A1", queue_id="PS", priority=0, caller="")),  # twice
                (t, CallAnswered(call_id="A1", agent_id="NOBODY")),  # unknown agent
                (t - 60_000, CallAbandoned(call_id="A1")),  # time going backwards
                (t, CallAnswered(call_id="A1", agent_id="DORIT")),  # good
                (t + 1000, CallAbandoned(call_id="A1")),  # an answered call does not abandon
                (t + 2000, CallMoved(call_id="A1", queue_id="NW")),  # nor move
                (t + 3000, CallEnded(call_id="A1")),  # good
            ]
            await publish_all(link, bad, first_pos=100)
            codes = [(r.pos, r.type, r.code) for r in link.refusals]
            assert codes == [
                (100, "call.answered", "not_found"),
                (101, "call.queued", "not_found"),
                (103, "call.queued", "invalid_state"),
                (104, "call.answered", "not_found"),
                (105, "call.abandoned", "out_of_order"),
                (107, "call.abandoned", "invalid_state"),
                (108, "call.moved", "invalid_state"),
            ]
            messages = {r.pos: r.message for r in link.refusals}
            assert "'NEVER'" in messages[100] and "position 100" in messages[100]
            assert "time never goes back" in messages[105]
            assert link.position == 109 and link.accepted == len(centre_events()) + 3

            # Malformed data and types an adapter may not publish, straight on the wire.
            async with connect(gw.url) as ws:
                await ws.send(
                    msgspec.json.encode({"op": "hello", "protocol": 1, "token": "adapter-token"}).decode()
                )
                welcome = msgspec.json.decode(await ws.recv())
                assert welcome["op"] == "welcome" and welcome["position"] == 109
                at = iso(T0 + 20_000)
                events = [
                    {"pos": 110, "at": at, "type": "call.queued", "data": {"call_id": "B1"}},
                    {"pos": 111, "at": "yesterday", "type": "call.ended", "data": {"call_id": "A1"}},
                    {"pos": 112, "at": at, "type": "action.applied", "data": {}},
                    {"pos": 113, "at": at, "type": "no.such", "data": {}},
                ]
                await ws.send(msgspec.json.encode({"op": "publish", "id": "x", "events": events}).decode())
                ack = msgspec.json.decode(await ws.recv())
            assert ack["ok"] and ack["result"]["position"] == 113 and ack["result"]["accepted"] == 0
            refused = {r["pos"]: r for r in ack["result"]["refused"]}
            assert refused[110]["code"] == "bad_event" and "queue_id" in refused[110]["message"]
            assert "yesterday" in refused[111]["message"]
            assert "may publish" in refused[112]["message"] and "unknown" in refused[113]["message"]

            console = await floor_of(gw.url)
            assert console.state.skipped == 0 and not console.state.calls
            ps = console.state.queues["PS"].today
            assert (ps.offered, ps.answered, ps.handled, ps.abandoned) == (1, 1, 1, 0)
            await console.close()
            await link.close()
            # Every refused event is in the audit, with its reason.
            store = Store.open(gw.config.db_url or "")
            try:
                rows = store.audit(action="events.publish")
            finally:
                store.close()
            assert len(rows) == 11 and all(not r.ok and r.error_message for r in rows)

        asyncio.run(scenario())


def test_an_adapter_publishes_but_does_not_watch_and_others_do_not_publish(tmp_path: Path) -> None:
    with GatewayThread(gateway_config(tmp_path)) as gw:

        async def scenario() -> None:
            adapter = await WireClient.open(gw.url, Role.ADAPTER)
            welcome = await adapter.recv_one()
            assert welcome["op"] == "welcome" and welcome["role"] == "adapter" and welcome["position"] == 0
            await adapter.send({"op": "command", "id": "c1", "action": "agent.set_state", "args": {}})
            ack = await adapter.recv_one()
            # No snapshot, no events, no heartbeats: the first thing after welcome is the ack.
            assert ack["op"] == "ack" and ack["error"]["code"] == "forbidden"
            with pytest.raises(TimeoutError):
                await adapter.recv_one(timeout=1.5)
            supervisor = await WireClient.open(gw.url, Role.SUPERVISOR)
            while supervisor.snapshots == 0:
                await supervisor.recv_one()
            assert "position" not in (supervisor.welcome or {})
            await supervisor.send({"op": "publish", "id": "p", "events": []})
            frame = await supervisor.recv_one()
            while frame["op"] != "ack":
                frame = await supervisor.recv_one()
            assert frame["error"]["code"] == "forbidden"
            await adapter.close()
            await supervisor.close()

        asyncio.run(scenario())


def test_a_simulator_gateway_refuses_published_events(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path)) as gw:

        async def scenario() -> None:
            link = AdapterLink(gw.url, token(Role.ADAPTER))
            await link.start()
            link.publish(1, T0, CentreConfigured(centre=Centre(name="x")))
            with pytest.raises(AdapterLinkError, match="--source adapters"):
                await link.flush()
            await link.close()

        asyncio.run(scenario())


def _stored_events(db_url: str) -> list[dict[str, Any]]:
    store = Store.open(db_url)
    try:
        return [msgspec.json.decode(raw) for _, raw in store.events_after(0)]
    finally:
        store.close()


def _assert_exactly_once(db_url: str, expected: list[tuple[int, EventData]]) -> None:
    events = _stored_events(db_url)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))  # gapless
    got = [(e["type"], msgspec.json.encode(e["data"])) for e in events]
    want = []
    for _, published in expected:
        kept = published
        if isinstance(published, CallQueued):  # as the gateway keeps it: masked and owned
            kept = msgspec.structs.replace(published, caller="******4567", source="adapter1")
        if isinstance(published, AgentAdded):
            kept = AgentAdded(
                agent=msgspec.structs.replace(published.agent, source="adapter1", state_since=iso(T0))
            )
        want.append((type(kept), kept))
    assert len(got) == len(want)
    decoded = [msgspec.json.decode(raw, type=cls) for (_, raw), (cls, _) in zip(got, want, strict=True)]
    assert decoded == [data for _, data in want]


def test_connections_cut_mid_stream_lose_and_double_nothing(tmp_path: Path) -> None:
    """The gateway closes the adapter's connection again and again while it publishes."""
    expected = [*centre_events(), *calls(400)]
    with GatewayThread(gateway_config(tmp_path)) as gw:

        async def cut_connections(link: AdapterLink) -> int:
            cuts = 0
            while link.unacknowledged and cuts < 5:
                await asyncio.sleep(0.05)
                found = await asyncio.to_thread(gw.call, lambda: gw.gateway.adapters.get("adapter1"))
                if found is not None:
                    await asyncio.to_thread(gw.run, found[1].close(1011, "test cut"))
                    cuts += 1
            return cuts

        async def scenario() -> None:
            link = AdapterLink(gw.url, token(Role.ADAPTER), batch_events=50, window=2, retry_s=(0.05, 0.2))
            await link.start()
            for pos, (at, data) in enumerate(expected, start=1):
                link.publish(pos, at, data)
            cutter = asyncio.create_task(cut_connections(link))
            try:
                await asyncio.wait_for(link.flush(), 30)
            except TimeoutError:
                gw_side = gw.call(lambda: (gw.gateway._positions, list(gw.gateway.adapters), gw.gateway.seq))
                raise AssertionError(
                    f"stuck: {len(link._pending)} pending, {link._sent} sent, inflight {link._inflight},"
                    f" {link.status}, {link.connects} connects, position {link.position}, gateway {gw_side}"
                ) from None
            cuts = await cutter
            assert cuts >= 2 and link.connects >= 2
            assert link.position == len(expected) and not link.refusals
            await link.close()

        asyncio.run(scenario())
        assert gw.gateway.refused_events == 0
    _assert_exactly_once(gw.config.db_url or "", expected)


def test_a_restarted_adapter_and_a_restarted_gateway_resume_where_the_store_stops(tmp_path: Path) -> None:
    expected = [*centre_events(), *calls(300)]
    config = gateway_config(tmp_path)
    half = len(expected) // 2
    with GatewayThread(config) as gw:

        async def first_run() -> None:
            link = AdapterLink(gw.url, token(Role.ADAPTER))
            assert await link.start() == 0
            await publish_all(link, expected[:half])
            await link.close()

        asyncio.run(first_run())
    # The gateway is restarted on the same store; the adapter is restarted too and sends
    # everything again from the start, as a replay given the same arguments does.
    with GatewayThread(gateway_config(tmp_path)) as gw:

        async def second_run() -> None:
            link = AdapterLink(gw.url, token(Role.ADAPTER))
            assert await link.start() == half
            skipped = sum(not link.publish(pos, at, data) for pos, (at, data) in enumerate(expected, start=1))
            assert skipped == half
            await link.flush()
            assert link.duplicates == 0 and link.position == len(expected)
            await link.close()

        asyncio.run(second_run())
    _assert_exactly_once(config.db_url or "", expected)


def test_an_adapter_rides_out_a_gateway_restart_mid_stream(tmp_path: Path) -> None:
    expected = [*centre_events(), *calls(500)]
    gw = GatewayThread(gateway_config(tmp_path))
    gw.__enter__()
    port = gw.gateway.port
    url = gw.url

    async def scenario() -> None:
        nonlocal gw
        link = AdapterLink(url, token(Role.ADAPTER), batch_events=20, window=1, retry_s=(0.05, 0.2))
        await link.start()
        for pos, (at, data) in enumerate(expected, start=1):
            link.publish(pos, at, data)
        while link.unacknowledged > len(expected) // 2:  # noqa: ASYNC110 - polled, nothing to wait on
            await asyncio.sleep(0.01)
        await asyncio.to_thread(gw.stop)
        gw = GatewayThread(gateway_config(tmp_path, port=port))
        await asyncio.to_thread(gw.__enter__)
        await asyncio.wait_for(link.flush(), 30)
        assert link.connects >= 2 and not link.refusals and link.position == len(expected)
        await link.close()

    try:
        asyncio.run(scenario())
    finally:
        gw.stop()
    _assert_exactly_once(gw.config.db_url or "", expected)


def test_commands_about_an_adapters_agents_and_calls_are_carried_out_by_it(tmp_path: Path) -> None:
    with GatewayThread(gateway_config(tmp_path, forward_timeout_s=1.0)) as gw:

        async def scenario() -> None:
            asked: list[Request] = []
            silent = asyncio.Event()

            async def carry_out(request: Request) -> dict[str, Any] | None:
                asked.append(request)
                if request.action == "call.move":
                    raise Declined("invalid_state", "the ACD says the call was answered")
                if silent.is_set():
                    await asyncio.sleep(30)
                link.publish(
                    next_pos(), T0 + 5000, AgentStateChanged(agent_id="DORIT", state=AgentState.OFFLINE)
                )
                return {"acd": "done"}

            positions = iter(range(100, 10_000))

            def next_pos() -> int:
                return next(positions)

            link = AdapterLink(gw.url, token(Role.ADAPTER), on_request=carry_out)
            await link.start()
            await publish_all(link, [*centre_events(), *calls(1)[:1]])
            console = await floor_of(gw.url)

            async def command(cid: str, action: str, args: dict[str, Any]) -> dict[str, Any]:
                return await console.command(action, args, cid)

            ack = await command("s1", "agent.set_state", {"agent_id": "DORIT", "state": "offline"})
            assert ack["ok"] and ack["result"] == {"acd": "done", "forwarded_to": "adapter1"}
            assert asked[0].action == "agent.set_state" and asked[0].user == "admin1"
            assert asked[0].args == {"agent_id": "DORIT", "state": "offline"}
            while console.state.agents["DORIT"].state is not AgentState.OFFLINE:
                await console.recv_one()  # the adapter's own event made the change
            while not console.state.actions:
                await console.recv_one()
            assert console.state.actions[-1].command_id == "s1"

            ack = await command("m1", "call.move", {"call_id": "C00000", "queue_id": "NW"})
            assert not ack["ok"] and ack["error"]["code"] == "invalid_state"
            assert ack["error"]["message"] == "adapter1: the ACD says the call was answered"
            # Checked by the gateway first: an unknown agent never reaches the adapter.
            ack = await command("s2", "agent.set_state", {"agent_id": "NOBODY", "state": "offline"})
            assert ack["error"]["code"] == "not_found" and len(asked) == 2

            silent.set()
            ack = await command("s3", "agent.set_state", {"agent_id": "DORIT", "state": "available"})
            assert ack["error"]["code"] == "unavailable" and "did not answer" in ack["error"]["message"]
            await link.close()
            await asyncio.sleep(0.3)
            ack = await command("s4", "agent.set_state", {"agent_id": "DORIT", "state": "available"})
            assert ack["error"]["code"] == "unavailable" and "not connected" in ack["error"]["message"]
            await console.close()

        asyncio.run(scenario())


def test_a_wrong_or_non_adapter_token_stops_the_link(tmp_path: Path) -> None:
    with GatewayThread(gateway_config(tmp_path)) as gw:

        async def scenario() -> None:
            for bad, why in ((token(Role.SUPERVISOR), "role adapter"), ("nope", "refused the token")):
                link = AdapterLink(gw.url, bad)
                with pytest.raises(AdapterLinkError, match=why):
                    await link.start()
                await link.close()

        asyncio.run(scenario())


def test_moves_out_of_range_and_events_from_a_wrong_clock_are_refused() -> None:
    state = FloorState()
    for seq, (at, data) in enumerate([*centre_events(), *calls(1)[:1]], start=1):
        state.apply(make_event(seq, iso(at), data))
    move = PublishedEvent(
        pos=9,
        at=iso(T0 + 2000),
        type="call.moved",
        data={"call_id": "C00000", "queue_id": "NW", "priority": 99},
    )
    with pytest.raises(EventRefused, match="priority 99"):
        admit(move, state=state, floor_ms=T0 + 1000, adapter="adapter1")
    wall = T0 + 5000
    ahead = PublishedEvent(pos=10, at=iso(wall + 3_600_000), type="call.ended", data={"call_id": "C00000"})
    with pytest.raises(EventRefused, match="a wrong clock"):
        admit(ahead, state=state, floor_ms=T0 + 1000, adapter="adapter1", wall_ms=wall)
    fine = msgspec.structs.replace(ahead, at=iso(wall + 60_000))
    assert admit(fine, state=state, floor_ms=T0 + 1000, adapter="adapter1", wall_ms=wall)[0] == wall + 60_000
