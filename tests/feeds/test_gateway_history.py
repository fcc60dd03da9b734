"""``history.query`` on a real gateway: the bank centre across a business day's start at high speed."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import date
from typing import Any

import msgspec
import pytest
from sqlalchemy import select

from console.application.commands import history_page
from console.domain.clock import to_ms
from console.domain.day_report import day_bounds
from console.domain.events import Event, RawEvent, type_payload
from console.domain.permissions import Role
from console.feeds.gateway.commands.history import HistoryQuery
from console.store import Store
from console.store.schema import events_table
from tests.domain.test_day_report import _independent, _not_ready
from tests.helpers.gateway import WireClient, freeze, past_a_day_start

YESTERDAY, TODAY = "2026-03-02", "2026-03-03"


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 120))


def stored_events(db_url: str) -> list[Event]:
    store = Store.open(db_url)
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(select(events_table.c.data).order_by(events_table.c.seq)).all()
    finally:
        store.close()
    decoder = msgspec.json.Decoder(RawEvent)
    return [type_payload(decoder.decode(r.data)) for r in rows]


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with past_a_day_start(tmp_path_factory.mktemp("history")) as (gw, config):
        yield gw, config


def test_yesterday_agrees_with_the_stored_events_and_the_live_feed_goes_on(
    gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    gw, config = gateway
    # The query is held on its worker thread until the live client has had 20 more events:
    # the feed goes on while a day is replayed (a query answered within one tick of the
    # simulation would otherwise prove nothing, and a busy machine could make it look so).
    gate = threading.Event()
    original = HistoryQuery.run

    def held(self: HistoryQuery, store: Any) -> dict[str, Any]:
        if not gate.wait(60):
            raise AssertionError("the test never let the query go")
        return original(self, store)

    monkeypatch.setattr(HistoryQuery, "run", held)

    async def ask() -> tuple[dict[str, Any], int]:
        live = await WireClient.open(gw.url, Role.SUPERVISOR)
        await live.ready()
        before = len(live.event_seqs)
        query = asyncio.create_task(
            live.command("history.query", {"day": YESTERDAY, "interval_min": 15, "limit": 2000})
        )
        deadline = time.monotonic() + 60
        while len(live.event_seqs) < before + 20 and not query.done():
            assert time.monotonic() < deadline, "the live feed stopped while the query was held"
            await asyncio.sleep(0.01)
        during = len(live.event_seqs) - before
        pending = not query.done()
        gate.set()
        ack = await query
        await live.close()
        assert pending, ack  # it waited for the gate: the events came meanwhile
        return ack, during

    ack, during = run(ask())
    assert ack["ok"], ack
    assert during >= 20  # the live feed kept coming while the day's query was on its thread
    page = history_page(ack["result"])
    report = page.report
    assert report.complete and report.day == YESTERDAY and page.seq is None
    day0, day1 = day_bounds(date(2026, 3, 2), "Asia/Shanghai", "06:00")
    assert report.ends_at.startswith("2026-03-02T22:00:00")

    events = stored_events(config.db_url)
    expected = _independent(events, day0, day1, 15 * 60_000)
    got: dict[tuple[str, int], dict[str, float]] = {}
    names = {"offered": "offered", "answered": "answered", "abandoned": "abandoned",
             "answered_within": "within", "short_abandons": "short", "handled": "handled",
             "talk_s": "talk", "wrap_s": "wrap", "wait_answered_s": "wait"}  # fmt: skip
    for q in report.queues:
        for b in q.intervals:
            row = {mine: float(getattr(b, theirs)) for theirs, mine in names.items() if getattr(b, theirs)}
            if row:
                got[(q.queue_id, (to_ms(b.start) - day0) // (15 * 60_000))] = row
    assert got.keys() == expected.keys() and expected
    for key, row in expected.items():
        assert got[key] == pytest.approx({n: v for n, v in row.items() if v}), key
    not_ready = _not_ready(events, day0, day1, day1)
    assert {a.agent_id: a.not_ready_s for a in report.agents if a.not_ready_s} == pytest.approx(not_ready)


def test_today_is_the_live_floor_and_pages_list_every_agent_once(gateway: Any) -> None:
    gw, _ = gateway
    freeze(gw)
    live = gw.call(lambda: {q.id: msgspec.json.encode(q.today) for q in gw.gateway.state.queues.values()})
    head = gw.call(lambda: gw.gateway.committed_seq)

    async def ask() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        c = await WireClient.open(gw.url, Role.QUALITY)
        await c.ready()
        whole = await c.command("history.query", {"day": TODAY, "limit": 2000})
        pages, offset = [], 0
        while offset is not None:
            ack = await c.command("history.query", {"day": TODAY, "offset": offset, "limit": 7})
            assert ack["ok"], ack
            pages.append(ack["result"])
            offset = ack["result"]["next_offset"]
        await c.close()
        return whole, pages

    whole, pages = run(ask())
    page = history_page(whole["result"])
    assert not page.report.complete and page.seq == head
    assert {q.queue_id: msgspec.json.encode(q.total) for q in page.report.queues} == live
    ids = [a["agent_id"] for p in pages for a in p["report"]["agents"]]
    assert len(ids) == len(set(ids)) == page.agents_total == len(page.report.agents) > 7
    assert gw.gateway.history.replays == 2  # yesterday once, today once: asked again, it goes on


def test_a_day_not_held_and_a_role_not_allowed_are_refused(gateway: Any) -> None:
    gw, _ = gateway

    async def ask() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        c = await WireClient.open(gw.url, Role.MANAGER)
        await c.ready()
        old = await c.command("history.query", {"day": "2026-02-20"})
        bad = await c.command("history.query", {"day": TODAY, "interval_min": 20})
        await c.close()
        v = await WireClient.open(gw.url, Role.VIEWER)
        await v.ready()
        refused = await v.command("history.query", {"day": YESTERDAY})
        await v.close()
        return old, bad, refused

    old, bad, refused = run(ask())
    assert not old["ok"] and old["error"]["code"] == "not_found"
    assert "2026-03-02" in old["error"]["message"]  # the oldest day held
    assert not bad["ok"] and bad["error"]["code"] == "bad_args"
    assert not refused["ok"] and refused["error"]["code"] == "forbidden"


def test_the_day_checkpoint_is_kept_for_the_new_day(gateway: Any) -> None:
    _, config = gateway
    store = Store.open(config.db_url)
    try:
        held = store.day_checkpoints()
        assert set(held) == {TODAY}
        assert store.checkpoint_at(held[TODAY]) is not None
        events = store.events_until(held[TODAY], "9999")
        first = next(iter(events))
    finally:
        store.close()
    assert first[0] == held[TODAY] + 1
    assert msgspec.json.decode(first[1])["at"] >= "2026-03-02T22:00:00.000Z"
