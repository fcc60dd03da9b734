"""An agent's day (console/domain/timeline.py): spells, items and following the floor."""

from __future__ import annotations

from typing import Any

from console.domain.clock import iso, to_ms
from console.domain.entities import AgentState
from console.domain.timeline import ItemKind, Spell, agent_day, build_spells, follow_floor

DAY = "2026-03-02T06:00:00.000Z"
D = to_ms(DAY)


def at(minutes: float) -> str:
    return iso(D + int(minutes * 60_000))


def ms(minutes: float) -> int:
    return D + int(minutes * 60_000)


def answer() -> dict[str, Any]:
    return {
        "agent_id": "A1",
        "day_started_at": DAY,
        "states": [
            {"state": "offline", "reason": None, "started_at": at(-600), "seq": 1},
            {"state": "available", "reason": None, "started_at": at(10), "seq": 5},
            {"state": "on_call", "reason": None, "started_at": at(12), "seq": 9},
            {"state": "wrap_up", "reason": None, "started_at": at(15), "seq": 12},
            {"state": "not_ready", "reason": "break", "started_at": at(16), "seq": 14},
            {"state": "bogus", "reason": None, "started_at": at(17), "seq": 15},
        ],
        "calls": [
            {
                "id": "K2",
                "entered_at": at(11.5),
                "answered_at": at(12),
                "ended_at": at(15),
                "outcome": "answered",
            },
            {
                "id": "K1",
                "entered_at": at(9),
                "answered_at": None,
                "ended_at": at(9.5),
                "outcome": "abandoned",
            },
            {"id": "bad", "entered_at": "yesterday", "ended_at": at(1)},
        ],
        "cases": [{"case_id": "CS-1", "at": at(13), "seq": 10, "change": "assigned", "status": "triage"}],
        "flags": [{"id": "F-1", "flagged_at": at(14), "category": "compliance", "severity": "high"}],
        "capped": ["calls"],
    }


def test_spells_run_until_the_next_and_start_at_the_day() -> None:
    day = agent_day(answer(), "A1")
    assert [(s.state, s.reason, s.start_ms, s.end_ms) for s in day.spells] == [
        (AgentState.OFFLINE, None, D, ms(10)),  # began yesterday: cut at the day's start
        (AgentState.AVAILABLE, None, ms(10), ms(12)),
        (AgentState.ON_CALL, None, ms(12), ms(15)),
        (AgentState.WRAP_UP, None, ms(15), ms(16)),
        (AgentState.NOT_READY, "break", ms(16), None),  # open; the unknown state is left out
    ]
    assert day.capped == {"calls"}
    # The open spell grows with the clock; the totals add up to the day so far.
    assert day.spells[-1].seconds(ms(20)) == 240.0 and day.spells[-1].seconds(ms(30)) == 840.0
    totals = day.totals(ms(20))
    assert totals[AgentState.ON_CALL] == 180.0 and sum(totals.values()) == 20 * 60


def test_spells_over_before_the_day_are_left_out_and_order_is_by_time_then_seq() -> None:
    rows = [
        {"state": "available", "started_at": at(-30), "seq": 3},
        {"state": "on_call", "started_at": at(-20), "seq": 4},
        {"state": "wrap_up", "started_at": at(5), "seq": 8},
        {"state": "available", "started_at": at(5), "seq": 7},
    ]
    spells = build_spells(rows, D)
    assert [(s.state, s.start_ms, s.end_ms) for s in spells] == [
        (AgentState.ON_CALL, D, ms(5)),
        # available at 5 and replaced by wrap-up in the same instant: no spell of no length
        (AgentState.WRAP_UP, ms(5), None),
    ]
    assert build_spells([], D) == ()


def test_the_band_draws_the_working_day_not_the_hours_logged_out_before_it() -> None:
    # A late shift: logged out from the day's start until 11:30 (330 min), working since.
    rows = [
        {"state": "offline", "started_at": at(-60), "seq": 1},
        {"state": "available", "started_at": at(330), "seq": 9},
        {"state": "on_call", "started_at": at(400), "seq": 12},
    ]
    day = agent_day({"day_started_at": DAY, "states": rows}, "A1")
    assert day.span(ms(460)) == (ms(330), ms(460))
    # Only minutes in: at least half an hour drawn, reaching back (never before the day's start).
    just_in = agent_day({"day_started_at": DAY, "states": rows[:2]}, "A1")
    assert just_in.span(ms(340)) == (ms(310), ms(340))
    early = agent_day({"day_started_at": DAY, "states": [{"state": "available", "started_at": at(5)}]}, "A1")
    assert early.span(ms(10)) == (D, ms(10))


def test_items_list_everything_in_time_order() -> None:
    day = agent_day(answer(), "A1")
    items = day.items()
    assert [(i.kind, i.ref) for i in items] == [
        (ItemKind.STATE, ""),
        (ItemKind.CALL, "K1"),
        (ItemKind.STATE, ""),
        (ItemKind.STATE, ""),
        (ItemKind.CALL, "K2"),
        (ItemKind.CASE, "CS-1"),
        (ItemKind.FLAG, "F-1"),
        (ItemKind.STATE, ""),
        (ItemKind.STATE, ""),
    ]
    k1 = items[1]
    assert (k1.start_ms, k1.end_ms, k1.detail, k1.seconds(0)) == (ms(9), ms(9.5), "abandoned", 30.0)
    k2 = next(i for i in items if i.ref == "K2")
    assert (k2.start_ms, k2.seconds(0)) == (ms(12), 180.0)  # the agent's part: from answering
    flag = items[6]
    assert flag.is_moment and flag.seconds(ms(99)) is None and flag.severity == "high"
    assert items[-1].end_ms is None and items[-1].seconds(ms(17)) == 60.0
    assert day.span(ms(20)) == (D, ms(20))


def test_following_the_floor_closes_the_open_spell_and_opens_the_new_one() -> None:
    day = agent_day(answer(), "A1")
    assert follow_floor(day, AgentState.NOT_READY, "break", at(16)) is day  # nothing new
    assert follow_floor(day, AgentState.AVAILABLE, None, at(15)) is day  # older than the answer
    assert follow_floor(day, AgentState.AVAILABLE, None, None) is day
    later = follow_floor(day, AgentState.AVAILABLE, None, at(25))
    assert later.spells[-2] == Spell(AgentState.NOT_READY, "break", ms(16), ms(25), 14)
    assert (later.spells[-1].state, later.spells[-1].start_ms, later.spells[-1].end_ms) == (
        AgentState.AVAILABLE,
        ms(25),
        None,
    )
    empty = agent_day({"day_started_at": DAY}, "A2")
    assert empty.spells == () and empty.items() == [] and empty.span(ms(5)) == (D, ms(5))
    first = follow_floor(empty, AgentState.AVAILABLE, None, at(3))
    assert [(s.state, s.start_ms) for s in first.spells] == [(AgentState.AVAILABLE, ms(3))]
