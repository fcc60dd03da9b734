"""LiveFeed (the Qt bridge) against a real gateway: batched updates on the GUI thread."""

from __future__ import annotations

import dataclasses
import gc
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QThread, QTimer
from pytestqt.qtbot import QtBot

from console.application.live import LiveFeed
from console.domain.changes import ChangeSet
from console.domain.clock import iso, to_ms
from console.domain.entities import Agent, AgentState, Centre
from console.domain.events import (
    AgentAdded,
    AgentStateChanged,
    CentreConfigured,
    Event,
    QueueConfigured,
    make_event,
)
from console.domain.permissions import Role
from console.domain.state import FloorState, Snapshot
from console.feeds.client.feed_client import (
    AckItem,
    ConnState,
    EventsItem,
    FeedClient,
    FeedItem,
    FeedStatus,
    SnapshotItem,
)
from tests.helpers.gateway import GatewayThread, make_config, normalized, token
from tests.helpers.network import FAST, free_port

T0 = to_ms("2026-03-02T09:30:00.000Z")


class Fresh:
    """A fresh client (no Qt, its own thread) folding its own floor, for comparison."""

    def __init__(self, url: str, role: Role = Role.VIEWER) -> None:
        self.ready = threading.Event()
        self.client = FeedClient(url, token(role), on_ready=self.ready.set)
        self.state: FloorState | None = None
        self.pending: list[Event] = []

    def fold_until(self, seq: int | None, timeout: float = 20) -> FloorState:
        """Fold up to exactly ``seq`` (None: just the snapshot)."""
        deadline = time.monotonic() + timeout
        while True:
            for item in self.client.drain():
                if isinstance(item, SnapshotItem):
                    self.state = FloorState()
                    self.state.load_snapshot(item.snapshot)
                elif isinstance(item, EventsItem):
                    self.pending.extend(item.events)
            state = self.state
            if state is not None:
                while self.pending and seq is not None and state.seq < seq:
                    state.apply(self.pending.pop(0))
                if seq is None or state.seq == seq:
                    return state
                assert state.seq < seq, "the fresh client went past the seq"
            assert time.monotonic() < deadline, f"the fresh client did not reach seq {seq}"
            self.ready.wait(0.1)
            self.ready.clear()


def assert_same_as_fresh(qtbot: QtBot, live: LiveFeed, url: str, role: Role) -> None:
    """live.state equals a fresh client's floor at exactly the same seq.

    ``role``: live's; each role is sent its own view of the floor (docs/security.md).

    The fresh snapshot is at the gateway's head; once live has caught up with it,
    the GUI thread stops processing events (live.state holds still) while the
    fresh client folds forward to live's seq.
    """
    fresh = Fresh(url, role)
    fresh.client.start()
    try:
        head = fresh.fold_until(None).seq
        qtbot.waitUntil(lambda: live.state.seq >= head, timeout=20_000)
        state = fresh.fold_until(live.state.seq)
        assert normalized(live.state) == normalized(state)
    finally:
        fresh.client.stop()


@pytest.fixture
def gw(tmp_path: Path) -> Iterator[GatewayThread]:
    with GatewayThread(make_config(tmp_path, speed=300.0)) as g:
        yield g


@pytest.fixture
def feeds() -> Iterator[list[LiveFeed]]:
    made: list[LiveFeed] = []
    yield made
    for live in made:
        live.stop()


def test_floor_updates_arrive_batched_and_the_state_matches_a_fresh_snapshot(
    qtbot: QtBot, gw: GatewayThread, feeds: list[LiveFeed]
) -> None:
    live = LiveFeed(gw.url, token(Role.ADMIN), backoff=FAST)
    feeds.append(live)
    updates: list[tuple[float, ChangeSet]] = []
    statuses: list[FeedStatus] = []
    ticks: list[float] = []
    live.floorUpdated.connect(lambda cs: updates.append((time.monotonic(), cs)))
    live.statusChanged.connect(statuses.append)
    live.clockTicked.connect(lambda: ticks.append(time.monotonic()))
    live.start()
    qtbot.waitUntil(lambda: sum(cs.events for _, cs in updates) >= 300 and len(ticks) >= 2, timeout=20_000)
    assert updates[0][1].reset, "the first update is the snapshot"
    assert all(cs for _, cs in updates), "only non-empty change sets are sent"
    # Throttled: drains at least ~33 ms apart (QTimer may fire a few ms early), many events each.
    gaps = [b - a for (a, _), (b, _) in itertools.pairwise(updates)]
    assert min(gaps) > 0.025
    assert sum(cs.events for _, cs in updates) > len(updates)
    assert statuses[-1].state is ConnState.CONNECTED and statuses[-1].role == "admin"
    assert not live.is_stale()
    assert live.feed_clock_ms() is not None and live.events_per_second() > 0
    age = live.last_frame_age_s()
    assert age is not None and age < 3
    assert live.state.skipped == 0
    assert_same_as_fresh(qtbot, live, gw.url, Role.ADMIN)


def test_ack_callback_runs_on_the_gui_thread_after_the_state_shows_the_result(
    qtbot: QtBot, gw: GatewayThread, feeds: list[LiveFeed]
) -> None:
    live = LiveFeed(gw.url, token(Role.SUPERVISOR), backoff=FAST)
    feeds.append(live)
    live.start()
    qtbot.waitUntil(
        lambda: any(a.state is AgentState.AVAILABLE for a in live.state.agents.values()), timeout=20_000
    )
    agent = next(a.id for a in live.state.agents.values() if a.state is AgentState.AVAILABLE)
    app = QCoreApplication.instance()
    assert app is not None
    seen: list[tuple[AckItem, bool, AgentState, AgentState | None]] = []
    signalled: list[AckItem] = []
    live.ackReceived.connect(signalled.append)

    def on_ack(ack: AckItem) -> None:
        on_gui = QThread.currentThread() == app.thread()
        a = live.state.agents[agent]
        seen.append((ack, on_gui, a.state, a.pending_state))

    cid = live.send_command("agent.set_state", {"agent_id": agent, "state": "offline"}, on_ack)
    qtbot.waitUntil(lambda: bool(seen), timeout=20_000)
    ack, on_gui, agent_state, pending = seen[0]
    assert ack.id == cid and ack.ok and ack.result is not None
    assert on_gui, "the callback must run on the GUI thread"
    # The ack comes after its events were applied. The agent may have taken a call
    # since we looked: then the change waits for the call to end.
    if ack.result["deferred"]:
        assert pending is AgentState.OFFLINE
    else:
        assert agent_state is AgentState.OFFLINE
    assert [a.id for a in signalled] == [cid]
    # A refusal comes back the same way.
    refused: list[AckItem] = []
    live.send_command("agent.set_state", {"agent_id": "nobody", "state": "available"}, refused.append)
    qtbot.waitUntil(lambda: bool(refused), timeout=20_000)
    assert not refused[0].ok and refused[0].error_code == "not_found"


def test_a_command_before_start_is_answered_disconnected_on_the_gui_thread(qtbot: QtBot) -> None:
    live = LiveFeed(f"ws://127.0.0.1:{free_port()}", "t", backoff=FAST)
    got: list[AckItem] = []
    live.send_command("agent.set_state", {"agent_id": "A1", "state": "available"}, got.append)
    assert not got, "never called back synchronously"
    qtbot.waitUntil(lambda: bool(got), timeout=5_000)
    assert got[0].error_code == "disconnected"
    live.stop()


def test_stale_when_the_gateway_stops_and_fresh_after_a_restart_with_nothing_counted_twice(
    qtbot: QtBot, tmp_path: Path, feeds: list[LiveFeed]
) -> None:
    config = make_config(tmp_path, speed=300.0, port=free_port())
    with GatewayThread(config) as gw:
        live = LiveFeed(gw.url, token(Role.MANAGER), backoff=FAST)
        feeds.append(live)
        statuses: list[FeedStatus] = []
        live.statusChanged.connect(statuses.append)
        live.start()
        qtbot.waitUntil(lambda: live.state.seq > 0 and not live.is_stale(), timeout=20_000)
        offered_before = sum(q.today.offered for q in live.state.queues.values())
    # The gateway is gone.
    t0 = time.monotonic()
    qtbot.waitUntil(live.is_stale, timeout=4_000)
    assert time.monotonic() - t0 < 4
    qtbot.waitUntil(lambda: statuses[-1].state is not ConnState.CONNECTED, timeout=4_000)
    assert statuses[-1].last_error is not None and gw.url in statuses[-1].last_error
    seq_before = live.state.seq
    with GatewayThread(dataclasses.replace(config)) as again:
        qtbot.waitUntil(lambda: not live.is_stale() and live.state.seq > seq_before + 50, timeout=30_000)
        status = live.status
        assert status.reconnects >= 1 and status.snapshots == 1, "resumed, no second snapshot"
        assert statuses[-1].state is ConnState.CONNECTED
        assert sum(q.today.offered for q in live.state.queues.values()) >= offered_before
        # Today's figures (and everything else) equal a fresh client's: nothing counted twice.
        assert_same_as_fresh(qtbot, live, again.url, Role.MANAGER)


def test_a_sequence_error_on_the_gui_side_resynchronises_without_crashing(
    qtbot: QtBot, gw: GatewayThread, feeds: list[LiveFeed]
) -> None:
    live = LiveFeed(gw.url, token(Role.VIEWER), backoff=FAST)
    feeds.append(live)
    live.start()
    qtbot.waitUntil(lambda: live.state.seq > 0, timeout=20_000)
    live.state.seq -= 3  # a bug somewhere: the next events no longer follow
    qtbot.waitUntil(lambda: live.sequence_errors == 1 and live.status.snapshots == 2, timeout=20_000)
    seq = live.state.seq
    qtbot.waitUntil(lambda: live.state.seq > seq + 20, timeout=20_000)
    assert live.sequence_errors == 1
    assert_same_as_fresh(qtbot, live, gw.url, Role.VIEWER)


# -- a backlog is applied in time-boxed slices ---------------------------------------------------


def _backlog(events: int) -> tuple[Snapshot, list[Event]]:
    """A small floor's snapshot and ``events`` state changes of its one agent after it."""
    state = FloorState()
    seq = 0
    for payload in (
        CentreConfigured(centre=Centre(name="Slices", timezone="UTC")),
        QueueConfigured(queue_id="q", name="Q", sl_threshold_s=20.0, sl_target_pct=80.0),
        AgentAdded(agent=Agent(id="a", name="Ann", team="t", skills=["q"])),
    ):
        seq += 1
        state.apply(make_event(seq, iso(T0), payload))
    snap = state.to_snapshot()
    states = (AgentState.AVAILABLE, AgentState.NOT_READY)
    out = [
        make_event(seq + 1 + i, iso(T0 + i), AgentStateChanged(agent_id="a", state=states[i % 2]))
        for i in range(events)
    ]
    return snap, out


def stepped_clock(step_s: float) -> Callable[[], float]:
    """A slice clock that moves on ``step_s`` at every look: slices end after the same work on any
    machine, however busy (a real clock cuts them wherever the scheduler happens to stop the test)."""
    looks = itertools.count()
    return lambda: next(looks) * step_s


#: 1.2 ms a look against 5 ms slices: five looks, so five chunks of events at most, make a slice.
#: Not 1 ms: a sum of floats landing exactly on the deadline would be cut by rounding either way.
SLICE_MS, LOOK_S = 5, 0.0012


def test_a_backlog_is_applied_in_slices_with_the_loop_running_between_them(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = LiveFeed(
        f"ws://127.0.0.1:{free_port()}",
        "t",
        backoff=FAST,
        slice_ms=SLICE_MS,
        slice_clock=stepped_clock(LOOK_S),
    )
    snap, backlog = _backlog(40_000)
    last = backlog[-1].seq
    waiting: list[list[FeedItem]] = [
        [SnapshotItem(snap), EventsItem(backlog[:25_000])],
        [EventsItem(backlog[25_000:]), AckItem("c1", True, {})],  # came while the first was applied
    ]
    monkeypatch.setattr(live.client, "drain", lambda: waiting.pop(0) if waiting else [])
    order: list[str] = []
    updates: list[ChangeSet] = []
    seen_at_ack: list[int] = []

    collecting: list[bool] = []

    def on_update(cs: ChangeSet) -> None:
        updates.append(cs)
        order.append("update")
        collecting.append(gc.isenabled())

    def on_ack(ack: AckItem) -> None:
        seen_at_ack.append(live.state.seq)
        order.append("ack")

    def on_loop() -> None:
        if order and order[-1] != "loop":
            order.append("loop")

    live.floorUpdated.connect(on_update)
    live.ackReceived.connect(on_ack)
    ticks = QTimer()
    ticks.setInterval(0)
    ticks.timeout.connect(on_loop)
    ticks.start()
    live._on_items_ready()  # what the client's wake-up does
    qtbot.waitUntil(lambda: bool(seen_at_ack), timeout=20_000)
    ticks.stop()
    assert updates[0].reset and updates[0].events == 0, "the snapshot comes in a slice of its own"
    assert sum(cs.events for cs in updates) == len(backlog)
    assert len(updates) > 4, "a 40,000-event backlog in 5 ms slices"
    assert live.slices_cut >= len(updates) - 2
    assert seen_at_ack == [last], "the ack comes after the slice that applied the events before it"
    assert order[order.index("ack") - 1] == "update"
    # The event loop ran between every two slices (paint, input, timers).
    assert "update,update" not in ",".join(order)
    assert live.state.seq == last
    # The cyclic collector waits while the backlog is applied, and is back once it is.
    assert collecting[1] is False and collecting[-1] is True and gc.isenabled()
    live.stop()


def test_the_slice_that_applies_the_last_of_a_backlog_ends_the_catch_up_even_out_of_time(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a busy machine a slice may run out of time just as it applies the last event of a backlog.

    That slice still ends the catch-up: the collector is back and the views are told it is the
    last (``catching_up`` false) in that slice, not in an empty slice after it.
    """
    snap, backlog = _backlog(5_000)
    last = backlog[-1].seq
    step = stepped_clock(LOOK_S)
    live: LiveFeed

    def clock() -> float:  # and time runs out for good the moment the last event is applied
        return step() + (1.0 if live.state.seq == last else 0.0)

    live = LiveFeed(f"ws://127.0.0.1:{free_port()}", "t", backoff=FAST, slice_ms=SLICE_MS, slice_clock=clock)
    waiting: list[list[FeedItem]] = [[SnapshotItem(snap), EventsItem(backlog)]]
    monkeypatch.setattr(live.client, "drain", lambda: waiting.pop(0) if waiting else [])
    seen: list[tuple[bool, bool]] = []  # (catching up, collector enabled) at every update

    def on_update(cs: ChangeSet) -> None:
        seen.append((live.catching_up, gc.isenabled()))

    live.floorUpdated.connect(on_update)
    live._on_items_ready()
    qtbot.waitUntil(lambda: live.state.seq == last, timeout=20_000)
    assert len(seen) > 3 and seen[1] == (True, False), f"a backlog in slices, the collector waiting: {seen}"
    assert seen[-1] == (False, True), f"the slice that applied the last event ends the catch-up: {seen}"
    assert live.slices_cut == len(seen) - 2, "only the snapshot's slice and the last one were not cut"
    assert not live.catching_up and gc.isenabled()
    live.stop()
