"""The console's feed client (no Qt) against a real gateway on 127.0.0.1, and against scripted servers."""

from __future__ import annotations

import dataclasses
import itertools
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection

from console.domain.entities import AgentState
from console.domain.permissions import Role
from console.domain.state import FloorState
from console.feeds import protocol
from console.feeds.client.feed_client import (
    AckItem,
    Backoff,
    ConnState,
    EventsItem,
    FeedClient,
    FeedItem,
    HeartbeatItem,
    SnapshotItem,
    StatusItem,
    StoreOutage,
    _closed,
    _seconds,
    _secs,
    _unreachable,
)
from tests.helpers.gateway import GatewayThread, make_config, normalized, token
from tests.helpers.network import FAST, free_port
from tests.helpers.scripted_server import AT, JUNK, ScriptedServer, events, heartbeat, snapshot, welcome


class Collector:
    """Drives a FeedClient as the GUI thread would: drains batches and folds them into a FloorState.

    Checks what the GUI is promised as it goes: no events before a snapshot, no
    gap, no repeat. ``capture_at`` records the exact state when it reaches a seq.
    """

    def __init__(
        self, url: str, role: Role | str = Role.ADMIN, *, secret: str | None = None, **options: Any
    ) -> None:
        self.ready = threading.Event()
        self.client = FeedClient(url, secret or token(role), on_ready=self.ready.set, **options)
        self.state = FloorState()
        self.items: list[FeedItem] = []
        self.batches: list[list[FeedItem]] = []
        self.seqs: list[int] = []
        self.acks: dict[str, AckItem] = {}
        self.agent_at_ack: dict[str, AgentState] = {}  # agent's state in the folded floor at ack time
        self.pending_at_ack: dict[str, AgentState | None] = {}
        self.watch_agent: str | None = None
        self.snapshot_items = 0
        self.capture_at: int | None = None
        self.captured: bytes | None = None

    def __enter__(self) -> Collector:
        self.client.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.client.stop(10), "the client thread did not end"

    def pump(self) -> None:
        batch = self.client.drain()
        if batch:
            self.batches.append(batch)
        for item in batch:
            self.items.append(item)
            if isinstance(item, SnapshotItem):
                self.snapshot_items += 1
                self.state = FloorState()
                self.state.load_snapshot(item.snapshot)
                self.seqs.append(item.snapshot.seq)
                self._maybe_capture()
            elif isinstance(item, EventsItem):
                assert self.snapshot_items, "events before any snapshot"
                for ev in item.events:
                    assert ev.seq == self.state.seq + 1, f"gap or repeat: at {self.state.seq}, got {ev.seq}"
                    self.state.apply(ev)
                    self.seqs.append(ev.seq)
                    self._maybe_capture()
            elif isinstance(item, HeartbeatItem):
                assert item.seq <= self.state.seq
                if item.at is not None:
                    self.state.advance_clock(item.at)
            elif isinstance(item, AckItem):
                self.acks[item.id] = item
                if self.watch_agent is not None:
                    agent = self.state.agents[self.watch_agent]
                    self.agent_at_ack[item.id] = agent.state
                    self.pending_at_ack[item.id] = agent.pending_state

    def _maybe_capture(self) -> None:
        if self.capture_at is not None and self.state.seq == self.capture_at:
            self.captured = normalized(self.state)

    def until(self, predicate: Callable[[Collector], bool], timeout: float = 20, what: str = "it") -> None:
        deadline = time.monotonic() + timeout
        while True:
            self.pump()
            if predicate(self):
                return
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"timed out waiting for {what}; status {self.client.status()}")
            self.ready.wait(min(left, 0.1))
            self.ready.clear()

    def statuses(self) -> list[StatusItem]:
        return [i for i in self.items if isinstance(i, StatusItem)]

    def command(self, action: str, args: dict[str, Any], cid: str | None = None) -> AckItem:
        cid = self.client.send_command(action, args, command_id=cid)
        self.acks.pop(cid, None)
        self.until(lambda c: cid in c.acks, what=f"ack {cid}")
        return self.acks[cid]


def same_as_fresh(c: Collector, url: str, role: Role = Role.ADMIN) -> None:
    """``c``'s folded floor equals a fresh client's snapshot at the same seq (resume loses nothing).

    ``role``: ``c``'s; each role is sent its own view of the floor (redaction.py).
    """
    with Collector(url, role) as fresh:
        fresh.until(lambda f: f.snapshot_items > 0, what="fresh snapshot")
        target = fresh.state.seq
        expected = normalized(fresh.state)
    # The fresh snapshot is at the gateway's head, so c cannot have applied past it yet.
    assert c.state.seq <= target
    c.capture_at = target
    c._maybe_capture()
    c.until(lambda cl: cl.captured is not None, what=f"seq {target}")
    assert c.captured == expected


@pytest.fixture
def gw(tmp_path: Path) -> Iterator[GatewayThread]:
    with GatewayThread(make_config(tmp_path)) as g:
        yield g


def test_snapshot_then_gapless_events_in_batches(gw: GatewayThread) -> None:
    with Collector(gw.url, Role.ADMIN, backoff=FAST) as c:
        c.until(lambda cl: cl.snapshot_items > 0, what="snapshot")
        start = c.state.seq
        c.until(lambda cl: cl.state.seq >= start + 150, what="150 events")
        status = c.client.status()
    # The order the GUI is promised: connecting, connected, then the snapshot and events.
    kinds = [type(i).__name__ for i in c.items if not isinstance(i, HeartbeatItem | StatusItem)]
    assert kinds[0] == "SnapshotItem" and set(kinds[1:]) <= {"EventsItem"}
    states = [s.status.state for s in c.statuses()]
    assert states[:2] == [ConnState.CONNECTING, ConnState.CONNECTED]
    assert c.seqs == list(range(c.seqs[0], c.seqs[-1] + 1))
    assert c.state.skipped == 0
    # Batched: consecutive events frames are merged into one item.
    for batch in c.batches:
        assert not any(
            isinstance(a, EventsItem) and isinstance(b, EventsItem) for a, b in itertools.pairwise(batch)
        )
    assert status.state is ConnState.CONNECTED and status.user == "admin1" and status.role == "admin"
    assert status.snapshots == 1 and status.reconnects == 0 and status.bad_frames == 0
    assert status.events >= 150 and status.frames > 2 and status.last_frame_monotonic is not None
    assert c.client.events_received == status.events and c.client.decode_seconds > 0
    # Stopped: the last word is a disconnected status.
    last = c.client.drain()[-1]
    assert isinstance(last, StatusItem) and last.status.state is ConnState.DISCONNECTED


def test_resume_after_a_dropped_connection_sends_only_the_missed_events(gw: GatewayThread) -> None:
    with Collector(gw.url, backoff=FAST) as c:
        c.until(lambda cl: cl.snapshot_items > 0 and len(cl.seqs) > 50, what="snapshot and events")

        def drop_all() -> int:
            assert gw.gateway._server is not None
            conns = list(gw.gateway._server.connections)
            for conn in conns:
                conn.transport.abort()  # a network failure, not a polite close
            return len(conns)

        assert gw.call(drop_all) == 1
        seq_at_drop = c.state.seq
        c.until(lambda cl: cl.client.status().reconnects == 1, what="reconnect")
        c.until(lambda cl: cl.state.seq > seq_at_drop + 20, what="events after the reconnect")
        status = c.client.status()
        assert status.snapshots == 1, "a resumable client must not get another snapshot"
        assert c.snapshot_items == 1
        assert c.seqs == list(range(c.seqs[0], c.seqs[-1] + 1))
        assert any("connection to" in s.status.last_error for s in c.statuses() if s.status.last_error)
        same_as_fresh(c, gw.url)


def test_command_acks_round_trip_refusal_and_resend(gw: GatewayThread) -> None:
    with Collector(gw.url, Role.SUPERVISOR, backoff=FAST) as c:
        c.until(lambda cl: cl.snapshot_items > 0, what="snapshot")
        agent = next(a.id for a in c.state.agents.values() if a.state is AgentState.AVAILABLE)
        c.watch_agent = agent
        ack = c.command("agent.set_state", {"agent_id": agent, "state": "offline"}, cid="cmd-1")
        assert ack.ok and ack.result is not None
        assert ack.error_code is None and not ack.late
        if ack.result["deferred"]:  # the agent took a call since we looked
            assert c.pending_at_ack["cmd-1"] is AgentState.OFFLINE, "the ack follows its events"
        else:
            assert c.agent_at_ack["cmd-1"] is AgentState.OFFLINE, "the ack follows its events"
        again = c.command("agent.set_state", {"agent_id": agent, "state": "offline"}, cid="cmd-1")
        assert again.result == ack.result, "a re-send with the same id is answered with the first result"
        bad = c.command("agent.set_state", {"agent_id": "nobody", "state": "available"})
        assert not bad.ok and bad.error_code == "not_found" and bad.error_message
        weird = c.command("agent.set_state", {"agent_id": agent, "state": object()})
        assert not weird.ok and weird.error_code == "bad_args"
    with Collector(gw.url, Role.VIEWER, backoff=FAST) as v:
        v.until(lambda cl: cl.snapshot_items > 0, what="snapshot")
        refused = v.command("agent.set_state", {"agent_id": agent, "state": "available"})
        assert not refused.ok and refused.error_code == "forbidden"
        assert refused.error_message is not None and "viewer" in refused.error_message
    with Collector(gw.url, Role.ADMIN, backoff=FAST) as m:
        m.until(lambda cl: cl.snapshot_items > 0 and bool(cl.state.cases), what="snapshot with cases")
        case = next(iter(m.state.cases.values()))
        stale = case.version - 1
        conflict = m.command(
            "case.reassign",
            {"case_ids": [case.id], "agent_id": None, "expected_versions": {case.id: stale}},
        )
        assert not conflict.ok and conflict.error_code == "conflict"
        assert conflict.error_details["cases"][0]["case_id"] == case.id, "the details reach the caller"
        assert conflict.error_details["cases"][0]["expected"] == stale


def test_bad_token_is_reported_plainly_and_not_retried(gw: GatewayThread) -> None:
    with Collector(gw.url, secret="not-a-token", backoff=FAST) as c:
        c.until(lambda cl: cl.client.status().token_refused, what="the refusal")
        status = c.client.status()
        # FAST retries within milliseconds: a client still retrying would have made more attempts.
        thread = c.client._thread
        assert thread is not None
        thread.join(5)
        assert not thread.is_alive(), "the client stopped after the refusal"
        c.pump()
        after = c.client.status()
    assert status.state is ConnState.DISCONNECTED
    assert status.last_error == f"the gateway at {gw.url} refused the token (4401)"
    assert after.last_error == status.last_error and after.token_refused, "the refusal stays the reason"
    assert status.snapshots == 0 and status.events == 0
    statuses = [i.status for i in c.items if isinstance(i, StatusItem)]
    assert statuses[-1].token_refused
    assert sum(1 for st in statuses if str(st.state) == "connecting") == 1, "one attempt, no retry"


def test_backoff_doubles_with_jitter_and_is_slower_when_refused() -> None:
    b, rng = Backoff(), random.Random(1)
    delays = [b.delay(n, refused=False, rng=rng) for n in range(1, 10)]
    for n, d in enumerate(delays, start=1):
        base = min(5.0, 0.25 * 2 ** (n - 1))
        assert base * 0.8 <= d <= base
    assert b.delay(1, refused=True, rng=rng) >= 4.0 > max(delays[:2])
    assert b.delay(20, refused=True, rng=rng) <= 60.0


def test_unreachable_address_is_reported_in_plain_words() -> None:
    url = f"ws://127.0.0.1:{free_port()}"
    with Collector(url, backoff=FAST) as c:
        c.until(lambda cl: cl.client.status().attempts >= 2, what="two attempts")
        status = c.client.status()
        ack_id = c.client.send_command("agent.set_state", {"agent_id": "A001", "state": "available"})
        c.until(lambda cl: ack_id in cl.acks, what="immediate ack")
    assert status.last_error is not None
    assert re.fullmatch(
        rf"cannot reach {re.escape(url)}: connection refused; retrying in 0\.\d+ s", status.last_error
    )
    ack = c.acks[ack_id]
    assert not ack.ok and ack.error_code == "disconnected" and url in (ack.error_message or "")


def test_send_command_before_start_or_after_stop_answers_disconnected() -> None:
    client = FeedClient("ws://127.0.0.1:9", "t")
    cid = client.send_command("agent.set_state", {})
    [ack] = client.drain()
    assert isinstance(ack, AckItem) and ack.id == cid and ack.error_code == "disconnected"
    assert client.stop(1)


def test_gateway_restart_on_the_same_db_resumes_without_a_snapshot(tmp_path: Path) -> None:
    config = make_config(tmp_path, port=free_port())
    gw = GatewayThread(config)
    with gw, Collector(gw.url, backoff=FAST) as c:
        c.until(lambda cl: cl.snapshot_items > 0 and len(cl.seqs) > 30, what="events")
        gw.stop()
        c.until(lambda cl: cl.client.status().state is not ConnState.CONNECTED, what="disconnect")
        seq_before = c.client.status().seq
        with GatewayThread(dataclasses.replace(config)) as again:
            c.until(lambda cl: cl.client.status().reconnects >= 1, 30, "reconnect")
            assert seq_before is not None
            c.until(lambda cl: cl.state.seq > seq_before + 20, what="events after the restart")
            status = c.client.status()
            assert status.snapshots == 1 and c.snapshot_items == 1
            assert c.seqs == list(range(c.seqs[0], c.seqs[-1] + 1))
            errors = [s.status.last_error for s in c.statuses() if s.status.last_error]
            assert any("shutting down (1001)" in e or "connection refused" in e for e in errors), errors
            same_as_fresh(c, again.url)


# -- scripted servers: exact frames, junk included ------------------------------------------------


def test_malformed_frames_are_counted_and_never_reach_the_gui() -> None:
    async def script(ws: ServerConnection, n: int) -> None:
        await ws.send(welcome(10))
        for junk in JUNK[:3]:
            await ws.send(junk)
        await ws.send(snapshot(10))
        for junk in JUNK[3:6]:
            await ws.send(junk)
        await ws.send(events(11, 12))
        await ws.send(events(13, kind="future.thing"))  # unknown types are fine
        for junk in JUNK[6:]:
            await ws.send(junk)
        await ws.send(heartbeat(13))

    with ScriptedServer(script) as server, Collector(server.url, backoff=FAST) as c:
        c.until(lambda cl: any(isinstance(i, HeartbeatItem) for i in cl.items), what="heartbeat")
        status = c.client.status()
    assert status.bad_frames == len(JUNK) and status.protocol_errors == 0
    assert status.snapshots == 1 and status.events == 3 and status.reconnects == 0
    assert len(server.hellos) == 1
    kinds = [type(i).__name__ for i in c.items if not isinstance(i, StatusItem)]
    # Two events frames make one item when drained together, two when a drain came between.
    assert kinds[0] == "SnapshotItem" and set(kinds[1:-1]) == {"EventsItem"} and kinds[-1] == "HeartbeatItem"
    assert c.seqs == [10, 11, 12, 13]
    unknown = [i for i in c.items if isinstance(i, EventsItem)][-1].events[-1]
    assert unknown.type == "future.thing" and unknown.data is None
    assert [e.frame for e in status.recent_errors][:2] == ["not json at all", "[1, 2, 3]"]
    assert all(e.message for e in status.recent_errors)
    assert len(status.recent_errors[-1].frame) == 200
    assert "binary" in status.recent_errors[-2].message


@pytest.mark.parametrize(("bad", "what"), [((14, 15), "gap"), ((12, 13), "repeat")])
def test_a_gap_or_repeat_is_never_handed_over_and_the_client_resumes(bad: tuple[int, ...], what: str) -> None:
    async def script(ws: ServerConnection, n: int) -> None:
        if n == 0:
            await ws.send(welcome(12))
            await ws.send(snapshot(10))
            await ws.send(events(11, 12))
            await ws.send(events(*bad))
        else:
            await ws.send(welcome(15))
            await ws.send(events(13, 14, 15))

    with ScriptedServer(script) as server, Collector(server.url, backoff=FAST) as c:
        c.until(lambda cl: cl.state.seq == 15, what="seq 15")
        status = c.client.status()
    assert [h["resume_from"] for h in server.hellos] == [None, 12]
    assert c.seqs == [10, 11, 12, 13, 14, 15]
    assert status.protocol_errors == 1 and status.snapshots == 1 and status.reconnects == 1
    assert what in status.recent_errors[-1].message


def test_a_malformed_event_payload_leads_to_a_fresh_snapshot() -> None:
    bad_payload = (
        '{"op":"events","events":[{"seq":11,"at":"' + AT + '","type":"call.queued","data":{"call_id":5}}]}'
    )

    async def script(ws: ServerConnection, n: int) -> None:
        await ws.send(welcome(10))
        if n == 0:
            await ws.send(snapshot(10))
            await ws.send(bad_payload)
        else:
            await ws.send(snapshot(20))
            await ws.send(events(21))

    with ScriptedServer(script) as server, Collector(server.url, backoff=FAST) as c:
        c.until(lambda cl: cl.state.seq == 21, what="seq 21")
        status = c.client.status()
    assert [h["resume_from"] for h in server.hellos] == [None, None]
    assert c.seqs == [10, 20, 21]
    assert status.bad_frames == 1 and status.snapshots == 2


def test_a_command_without_an_answer_times_out() -> None:
    async def script(ws: ServerConnection, n: int) -> None:
        await ws.send(welcome(10))
        await ws.send(snapshot(10))  # then it reads commands and never answers

    with ScriptedServer(script) as server, Collector(server.url, backoff=FAST, command_timeout_s=0.3) as c:
        c.until(lambda cl: cl.snapshot_items == 1, what="snapshot")
        t0 = time.monotonic()
        ack = c.command("agent.set_state", {"agent_id": "A1", "state": "available"}, cid="slow")
        waited = time.monotonic() - t0
        assert not ack.ok and ack.error_code == "timeout" and 0.25 < waited < 5
        assert ack.error_message is not None and "same id" in ack.error_message
        assert server.received[-1] == {
            "op": "command",
            "id": "slow",
            "action": "agent.set_state",
            "args": {"agent_id": "A1", "state": "available"},
        }
        assert c.client.status().state is ConnState.CONNECTED


def test_a_connection_lost_before_the_ack_answers_disconnected_and_resumes() -> None:
    async def script(ws: ServerConnection, n: int) -> None:
        await ws.send(welcome(10))
        await ws.send(snapshot(10))
        if n == 0:
            await ws.recv()  # the command: drop the connection without answering
            await ws.close(1011, "boom")

    with ScriptedServer(script) as server, Collector(server.url, backoff=FAST) as c:
        c.until(lambda cl: cl.snapshot_items == 1, what="snapshot")
        ack = c.command("agent.set_state", {"agent_id": "A1", "state": "available"}, cid="lost")
        assert not ack.ok and ack.error_code == "disconnected"
        assert ack.error_message is not None and "dropped before the answer" in ack.error_message
        c.until(lambda cl: cl.client.status().reconnects == 1, what="reconnect")
    assert [h["resume_from"] for h in server.hellos] == [None, 10]
    errors = [s.status.last_error for s in c.statuses() if s.status.last_error]
    assert f"the gateway at {server.url} closed the connection (1011: boom)" in errors[0]


def test_a_failing_on_ready_callback_does_not_stop_the_feed() -> None:
    async def script(ws: ServerConnection, n: int) -> None:
        await ws.send(welcome(10))
        await ws.send(snapshot(10))
        await ws.send(events(11))
        await ws.send(heartbeat(11))

    calls: list[int] = []

    def on_ready() -> None:
        calls.append(1)
        raise RuntimeError("a view's bug")

    with ScriptedServer(script) as server:
        client = FeedClient(server.url, "t", on_ready=on_ready, backoff=FAST)
        client.start()
        try:
            items: list[FeedItem] = []
            deadline = time.monotonic() + 10
            while not any(isinstance(i, HeartbeatItem) for i in items):
                assert time.monotonic() < deadline, "no heartbeat"
                items += client.drain()
                time.sleep(0.01)
            assert calls and client.status().state is ConnState.CONNECTED
            assert client.status().seq == 11
        finally:
            assert client.stop(5)


def test_seconds_are_a_number_said_as_before() -> None:
    for s, said in (
        (0.05, "0.05 s"),
        (0.3, "0.3 s"),
        (0.25, "0.2 s"),
        (1.0, "1 s"),
        (2.0, "2 s"),
        (12.4, "12 s"),
    ):
        assert _secs(s) == said
        assert f"{_seconds(s)} s" == said


def test_the_feed_clients_reasons_read_as_they_always_did() -> None:
    url = "ws://gw:8765"
    assert str(_closed(url, 4401, "")[0]) == f"the gateway at {url} refused the token (4401)"
    assert _closed(url, 4401, "")[1] is True
    assert str(_closed(url, 4000, "odd")[0]) == f"the gateway at {url} closed the connection (4000: odd)"
    assert str(_closed(url, 4000, "")[0]) == f"the gateway at {url} closed the connection (4000)"
    assert str(_closed(url, None, "")[0]) == f"the connection to {url} was lost"
    assert (
        str(_unreachable(url, ConnectionRefusedError(), 5.0)[0]) == f"cannot reach {url}: connection refused"
    )
    assert str(_unreachable(url, TimeoutError(), 0.5)[0]) == f"cannot reach {url}: no answer within 0.5 s"
    refused = _unreachable(url, OSError(113, "No route to host"), 5.0)[0]
    assert str(refused) == f"cannot reach {url}: no route to host"
    assert refused.params == {"url": url, "error": "no route to host"}  # the system's words: a parameter


def test_a_held_gateway_is_carried_to_the_status_before_any_floor_and_cleared_when_it_is_back() -> None:
    held = protocol.encode(
        protocol.Heartbeat(
            seq=0,
            at=None,
            store_ok=False,
            store_since="2026-12-06T08:03:07.412Z",
            store_reason="database or disk is full",
        )
    ).decode()

    async def script(ws: ServerConnection, n: int) -> None:
        await ws.send(welcome(0))
        await ws.send(held)  # as a gateway sends it to a console signing in while held
        await ws.recv()  # the test's go-ahead: a command
        await ws.send(snapshot(10))
        await ws.send(heartbeat(10))

    with ScriptedServer(script) as server, Collector(server.url, backoff=FAST) as c:
        c.until(lambda cl: cl.client.status().store_outage is not None, what="held status")
        outage = c.client.status().store_outage
        assert outage == StoreOutage(since="2026-12-06T08:03:07.412Z", reason="database or disk is full")
        assert any(isinstance(i, StatusItem) and i.status.store_outage == outage for i in c.items)
        c.client.send_command("agent.set_state", {"agent_id": "A1", "state": "offline"})
        c.until(lambda cl: cl.client.status().store_outage is None, what="store back")
        assert c.client.status().state is ConnState.CONNECTED
