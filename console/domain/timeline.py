"""An agent's day as the drill-down shows it: the ``agent.timeline`` answer in spells and items.

The gateway answers ``agent.timeline`` with rows (state changes, completed
calls, case changes, flags); this module turns them into what a timeline draws
and a table lists, on the feed clock: state *spells* (each runs until the next
one starts; the last one is open and runs to *now*, so it grows while the
dialog is open), calls as intervals, case changes and flags as moments. The
floor moves on after the answer: ``follow_floor`` adds the spell the agent
entered since, so the drill-down never needs to ask again to stay current.
Everything is in epoch milliseconds of the feed clock; no Qt, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from console.domain.clock import is_valid, to_ms
from console.domain.entities import AgentState


class ItemKind(StrEnum):
    STATE = "state"
    CALL = "call"
    CASE = "case"
    FLAG = "flag"


@dataclass(frozen=True)
class Spell:
    """A time the agent spent in one state: ``end_ms`` None while it still runs."""

    state: AgentState
    reason: str | None
    start_ms: int
    end_ms: int | None = None
    seq: int = 0

    def end_at(self, now_ms: int) -> int:
        """Where the spell ends on the clock: its end, or ``now_ms`` while open (never before it began)."""
        return self.end_ms if self.end_ms is not None else max(now_ms, self.start_ms)

    def seconds(self, now_ms: int) -> float:
        return (self.end_at(now_ms) - self.start_ms) / 1000.0


@dataclass(frozen=True)
class Item:
    """One line of the drill-down's table, and one mark or bar on its timeline.

    ``end_ms`` equals ``start_ms`` for a moment (a case change, a flag) and is
    None for the open spell (it runs to now). ``ref`` is the call, case or
    flag id; ``detail`` what kind of thing happened (a state's reason, a call's
    outcome, a case's change, a flag's category).
    """

    kind: ItemKind
    start_ms: int
    end_ms: int | None
    ref: str = ""
    detail: str | None = None
    state: AgentState | None = None
    severity: str | None = None

    @property
    def is_moment(self) -> bool:
        return self.end_ms == self.start_ms

    def seconds(self, now_ms: int) -> float | None:
        """How long it lasted (or has lasted so far); None for a moment."""
        if self.is_moment:
            return None
        end = self.end_ms if self.end_ms is not None else max(now_ms, self.start_ms)
        return (end - self.start_ms) / 1000.0


@dataclass(frozen=True)
class AgentDay:
    """An agent's business day so far: what the drill-down shows."""

    agent_id: str
    day_start_ms: int | None
    spells: tuple[Spell, ...] = ()
    calls: tuple[Item, ...] = ()
    cases: tuple[Item, ...] = ()
    flags: tuple[Item, ...] = ()
    capped: frozenset[str] = field(default_factory=frozenset)

    def items(self) -> list[Item]:
        """Every spell, call, case change and flag, in time order (a table's rows)."""
        spells = [
            Item(ItemKind.STATE, s.start_ms, s.end_ms, detail=s.reason, state=s.state) for s in self.spells
        ]
        order = {ItemKind.STATE: 0, ItemKind.CALL: 1, ItemKind.CASE: 2, ItemKind.FLAG: 3}
        return sorted(
            [*spells, *self.calls, *self.cases, *self.flags],
            key=lambda i: (i.start_ms, order[i.kind], i.ref),
        )

    def totals(self, now_ms: int) -> dict[AgentState, float]:
        """Seconds in each state today (the open spell up to ``now_ms``), states never entered left out."""
        out: dict[AgentState, float] = {}
        for s in self.spells:
            out[s.state] = out.get(s.state, 0.0) + s.seconds(now_ms)
        return out

    def span(self, now_ms: int) -> tuple[int, int]:
        """The stretch of clock the timeline draws: the agent's working day so far.

        From the first thing the agent did (a spell other than logged out, a call, a case, a flag)
        to now, at least ``MIN_SPAN_MS`` (reaching back, never before the day's start): the hours
        logged out before a late shift are not drawn, so a day that began at 17:30 is not a sliver
        at the edge of an empty band. With nothing done yet, from the day's start.
        """
        items = self.items()
        worked = [i.start_ms for i in items if i.state is not AgentState.OFFLINE]
        first = [i.start_ms for i in items]
        if worked:
            start = min(worked)
        elif self.day_start_ms is not None:
            start = self.day_start_ms
        else:
            start = min(first, default=now_ms)
        ends = [i.end_ms for i in items if i.end_ms is not None]
        end = max([now_ms, *ends])
        if end - start < MIN_SPAN_MS:
            floor = self.day_start_ms if self.day_start_ms is not None else min([start, *first])
            start = max(min(start, end - MIN_SPAN_MS), min(floor, start))
        return start, max(end, start + 1)


#: The shortest stretch the band draws, so a few minutes' day is not stretched edge to edge.
MIN_SPAN_MS = 30 * 60_000


def _stamp(value: object) -> int | None:
    return to_ms(value) if isinstance(value, str) and is_valid(value) else None


def build_spells(rows: Iterable[Mapping[str, Any]], day_start_ms: int | None) -> tuple[Spell, ...]:
    """State rows (``state``, ``reason``, ``started_at``, ``seq``) as spells, in order.

    Each spell ends where the next begins; the last is open. A spell that began
    before the day started is cut at the day's start; rows that are not
    well-formed (an unknown state, a bad time) are left out.
    """
    found: list[tuple[int, int, AgentState, str | None]] = []
    for row in rows:
        start = _stamp(row.get("started_at"))
        try:
            state = AgentState(str(row.get("state")))
        except ValueError:
            continue
        if start is None:
            continue
        reason = row.get("reason")
        seq = row.get("seq")
        found.append(
            (start, seq if isinstance(seq, int) else 0, state, reason if isinstance(reason, str) else None)
        )
    found.sort(key=lambda r: (r[0], r[1]))
    spells: list[Spell] = []
    for i, (began, seq, state, reason) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else None
        start = began
        if day_start_ms is not None:
            if end is not None and end <= day_start_ms:
                continue  # over before the day began
            start = max(began, day_start_ms)
        if end is not None and end <= start:
            continue  # replaced in the same instant (added, then logged in): nothing to show
        spells.append(Spell(state, reason, start, end, seq))
    return tuple(spells)


def _calls(rows: Iterable[Mapping[str, Any]]) -> tuple[Item, ...]:
    out: list[Item] = []
    for row in rows:
        # The agent's part of a call: from answering (or ringing, for one never answered) to its end.
        start = _stamp(row.get("answered_at")) or _stamp(row.get("entered_at"))
        end = _stamp(row.get("ended_at"))
        call_id = row.get("id")
        if start is None or end is None or not isinstance(call_id, str):
            continue
        outcome = row.get("outcome")
        out.append(
            Item(
                ItemKind.CALL,
                start,
                max(end, start),
                ref=call_id,
                detail=outcome if isinstance(outcome, str) else None,
            )
        )
    return tuple(sorted(out, key=lambda i: (i.start_ms, i.ref)))


def _moments(
    rows: Iterable[Mapping[str, Any]], kind: ItemKind, at: str, ref: str, detail: str
) -> tuple[Item, ...]:
    out: list[Item] = []
    for row in rows:
        when = _stamp(row.get(at))
        key = row.get(ref)
        if when is None or not isinstance(key, str):
            continue
        what = row.get(detail)
        severity = row.get("severity") if kind is ItemKind.FLAG else None
        out.append(
            Item(
                kind,
                when,
                when,
                ref=key,
                detail=what if isinstance(what, str) else None,
                severity=severity if isinstance(severity, str) else None,
            )
        )
    return tuple(sorted(out, key=lambda i: (i.start_ms, i.ref)))


def _rows(result: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    rows = result.get(name)
    return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []


def agent_day(result: Mapping[str, Any], agent_id: str) -> AgentDay:
    """The ``agent.timeline`` ack result as an ``AgentDay`` (what is not well-formed is left out)."""
    day_start = _stamp(result.get("day_started_at"))
    capped = result.get("capped")
    return AgentDay(
        agent_id=agent_id,
        day_start_ms=day_start,
        spells=build_spells(_rows(result, "states"), day_start),
        calls=_calls(_rows(result, "calls")),
        cases=_moments(_rows(result, "cases"), ItemKind.CASE, "at", "case_id", "change"),
        flags=_moments(_rows(result, "flags"), ItemKind.FLAG, "flagged_at", "id", "category"),
        capped=frozenset(c for c in capped if isinstance(c, str))
        if isinstance(capped, list)
        else frozenset(),
    )


def follow_floor(day: AgentDay, state: AgentState, reason: str | None, since: str | None) -> AgentDay:
    """``day`` with the agent's state on the floor now: a new open spell when it changed since the answer.

    ``since`` is the floor's ``state_since``. The same state since the same time
    (or since before the last spell began: an answer newer than the floor) changes nothing.
    """
    since_ms = _stamp(since)
    if since_ms is None:
        return day
    spells = list(day.spells)
    if spells:
        last = spells[-1]
        if since_ms < last.start_ms or (since_ms == last.start_ms and last.state == state):
            return day
        if last.end_ms is None:
            spells[-1] = replace(last, end_ms=since_ms)
    spells.append(Spell(state, reason, since_ms, None, spells[-1].seq if spells else 0))
    return replace(day, spells=tuple(spells))


__all__ = ["AgentDay", "Item", "ItemKind", "Spell", "agent_day", "build_spells", "follow_floor"]
