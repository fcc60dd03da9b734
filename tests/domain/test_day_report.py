"""A business day's report from the reducer, held to counts made straight from the event list."""

from __future__ import annotations

from datetime import date

import msgspec
import pytest

from console.domain.clock import iso, to_ms
from console.domain.day_report import DayReplay, business_day_of, day_bounds, day_report
from console.domain.events import Event, make_event
from console.domain.state import FloorState
from console.feeds.sources.simulator.engine import Simulator
from console.feeds.sources.simulator.scenario import load_scenario, resolve_scenario

#: 05:00 in Shanghai: the bank's business day starts at 06:00 local (22:00Z).
START_MS = to_ms("2026-03-02T21:00:00.000Z")
UNTIL_MS = to_ms("2026-03-03T00:30:00.000Z")
DAY = date(2026, 3, 3)


@pytest.fixture(scope="module")
def events() -> list[Event]:
    sim = Simulator(load_scenario(resolve_scenario("bank")), seed=3, start_ms=START_MS)
    items = list(sim.bootstrap())
    t = START_MS
    while t < UNTIL_MS:
        t += 60_000
        items.extend(sim.advance(t))
    return [make_event(i, iso(at), payload) for i, (at, payload) in enumerate(items, start=1)]


def _independent(
    events: list[Event], day0: int, day1: int, step: int
) -> dict[tuple[str, int], dict[str, float]]:
    """Per (queue, interval): offered, answered, abandoned, within, short, handled, talk, wrap, wait."""
    threshold: dict[str, float] = {}
    short_s = 5.0
    queue_of: dict[str, str] = {}
    entered: dict[str, int] = {}
    answered_at: dict[str, int] = {}
    last_queue: dict[str, str] = {}
    agent_state: dict[str, tuple[str, int]] = {}
    out: dict[tuple[str, int], dict[str, float]] = {}

    def add(q: str, at: int, name: str, value: float = 1) -> None:
        if day0 <= at < day1:
            row = out.setdefault((q, (at - day0) // step), {})
            row[name] = row.get(name, 0) + value

    for ev in events:
        at, d, kind = to_ms(ev.at), ev.data, ev.type
        if kind == "centre.configured":
            short_s = d.centre.short_abandon_s
        elif kind == "queue.configured":
            threshold[d.queue_id] = d.sl_threshold_s
        elif kind == "call.queued":
            queue_of[d.call_id], entered[d.call_id] = d.queue_id, at
            add(d.queue_id, at, "offered")
        elif kind == "call.answered":
            q = queue_of[d.call_id]
            wait = (at - entered[d.call_id]) / 1000
            answered_at[d.call_id] = at
            last_queue[d.agent_id] = q
            add(q, at, "answered")
            add(q, at, "wait", wait)
            add(q, at, "within", wait <= threshold[q])
        elif kind == "call.abandoned":
            q = queue_of[d.call_id]
            wait = (at - entered[d.call_id]) / 1000
            add(q, at, "abandoned")
            add(q, at, "short", wait < short_s)
        elif kind == "call.ended" and d.call_id in answered_at:
            q = queue_of[d.call_id]
            add(q, at, "handled")
            add(q, at, "talk", (at - answered_at[d.call_id]) / 1000)
        elif kind == "call.moved":
            raise AssertionError("the simulator moves no calls by itself")
        elif kind == "agent.state":
            was = agent_state.get(d.agent_id)
            if was is not None and was[0] == "wrap_up" and d.state != "wrap_up" and d.agent_id in last_queue:
                add(last_queue.pop(d.agent_id), at, "wrap", (at - was[1]) / 1000)
            agent_state[d.agent_id] = (d.state, at)
    return out


def _not_ready(events: list[Event], day0: int, day1: int, end: int) -> dict[str, float]:
    """Each agent's not-ready seconds within the day, summed from the agent.state events."""
    since: dict[str, tuple[str, int]] = {}
    total: dict[str, float] = {}

    def book(agent: str, state: str, t0: int, t1: int) -> None:
        t0, t1 = max(t0, day0), min(t1, day1)
        if state == "not_ready" and t1 > t0:
            total[agent] = total.get(agent, 0.0) + (t1 - t0) / 1000

    for ev in events:
        if ev.type == "agent.state":
            at = to_ms(ev.at)
            if ev.data.agent_id in since:
                book(ev.data.agent_id, *since[ev.data.agent_id], at)
            since[ev.data.agent_id] = (ev.data.state, at)
    for agent, (state, t0) in since.items():
        book(agent, state, t0, end)
    return total


@pytest.mark.parametrize("interval_min", [15, 60])
def test_queue_intervals_and_not_ready_agree_with_the_event_list(
    events: list[Event], interval_min: int
) -> None:
    day0, day1 = day_bounds(DAY, "Asia/Shanghai", "06:00")
    assert iso(day0) == "2026-03-02T22:00:00.000Z"
    before = [e for e in events if to_ms(e.at) < day0]
    floor = FloorState()
    for e in before:
        floor.apply(e)
    start = floor.to_snapshot()
    report = day_report(start, events[len(before) :], DAY, interval_min)
    assert report.day == "2026-03-03" and report.starts_at == iso(day0) and not report.complete
    assert report.ends_at == events[-1].at

    expected = _independent(events, day0, day1, interval_min * 60_000)
    got: dict[tuple[str, int], dict[str, float]] = {}
    names = {
        "offered": "offered",
        "answered": "answered",
        "abandoned": "abandoned",
        "answered_within": "within",
        "short_abandons": "short",
        "handled": "handled",
        "talk_s": "talk",
        "wrap_s": "wrap",
        "wait_answered_s": "wait",
    }
    for q in report.queues:
        for b in q.intervals:
            k = (to_ms(b.start) - day0) // (interval_min * 60_000)
            row = {mine: float(getattr(b, theirs)) for theirs, mine in names.items() if getattr(b, theirs)}
            if row:
                got[(q.queue_id, k)] = row
        totals = q.total
        assert totals.offered == sum(b.offered for b in q.intervals)
        assert totals.answered == sum(b.answered for b in q.intervals)
    assert got.keys() == expected.keys()
    for key, row in expected.items():
        clean = {n: v for n, v in row.items() if v}
        assert got[key] == pytest.approx(clean), key
    assert sum(r.get("offered", 0) for r in expected.values()) > 100  # a real morning was counted

    not_ready = _not_ready(events, day0, day1, to_ms(report.ends_at))
    mine = {a.agent_id: a.not_ready_s for a in report.agents if a.not_ready_s}
    assert mine == pytest.approx(not_ready)
    for a in report.agents:
        assert sum(a.not_ready_by_reason.values()) == pytest.approx(a.not_ready_s)
        assert a.occupancy_pct is None or 0 <= a.occupancy_pct <= 100
    assert sum(a.calls for a in report.agents) == sum(q.total.answered for q in report.queues)


def test_an_empty_start_and_a_checkpoint_give_the_same_day(events: list[Event]) -> None:
    """From the journal's first event or from the floor just before the day: the same report."""
    day0, _ = day_bounds(DAY, "Asia/Shanghai", "06:00")
    split = next(i for i, e in enumerate(events) if to_ms(e.at) >= day0)
    floor = FloorState()
    for e in events[:split]:
        floor.apply(e)
    from_checkpoint = day_report(floor.to_snapshot(), events[split:], DAY, 30)
    whole = day_report(None, events, DAY, 30, timezone="Asia/Shanghai", day_starts="06:00")
    assert msgspec.json.encode(whole) == msgspec.json.encode(from_checkpoint)


def test_a_day_is_complete_once_an_event_after_it_is_seen_and_replays_go_on(events: list[Event]) -> None:
    day0, _ = day_bounds(DAY, "Asia/Shanghai", "06:00")
    split = next(i for i, e in enumerate(events) if to_ms(e.at) >= day0)
    replay = DayReplay(None, DAY, timezone="Asia/Shanghai", day_starts="06:00")
    replay.feed(events[: split + 500])
    replay.feed(events[split + 500 :])  # goes on where it stopped
    whole = day_report(None, events, DAY, 30, timezone="Asia/Shanghai", day_starts="06:00")
    assert msgspec.json.encode(replay.report(interval_min=30)) == msgspec.json.encode(whole)
    # The previous business day is complete: the replay stops at the first event of the next.
    yday = business_day_of(events[0].at, "Asia/Shanghai", "06:00")
    assert yday == date(2026, 3, 2)
    prev = day_report(None, events, yday, 60, timezone="Asia/Shanghai", day_starts="06:00")
    assert prev.complete and prev.ends_at == iso(day0)
    assert all(
        a.available_s + a.handling_s + a.not_ready_s <= (day0 - START_MS) / 1000 + 1e-6 for a in prev.agents
    )
