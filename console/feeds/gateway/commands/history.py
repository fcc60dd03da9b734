"""``history.query``: a business day's figures, replayed from the store (``console.domain.day_report``).

``prepare_history_query`` checks the arguments on the loop and says what to read (a
``HistoryQuery``); the gateway runs it on a worker thread (``asyncio.to_thread``). A day is
replayed from the checkpoint the gateway keeps just before it (``checkpoint.day.D`` in
``meta``; an empty floor when the journal starts with seq 1) through the events up to its
end. A complete day never changes: its reports (every interval) are cached
(``HistoryCache``). Today is replayed once and then carried on with only the events
committed since, so asking again is cheap; it is marked ``complete: false`` and ``seq`` says
which event it is as of.

The answer keeps the queues, cases and flags whole and pages the agents (``offset``,
``limit``, ``agents_total``, ``next_offset``): a centre of 5,000 agents is a few pages.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import msgspec

from console.domain.day_report import DayReplay, business_day_of
from console.domain.events import RawEvent, type_payload
from console.domain.history import INTERVAL_CHOICES, DayReport
from console.domain.state import Snapshot
from console.feeds.gateway.commands.context import CommandContext, CommandRefused
from console.feeds.protocol import ErrorCode, HistoryQueryArgs
from console.store import Store

HISTORY_PAGE_MAX = 2000
#: Complete days' reports kept (each day with its three intervals counts once).
CACHED_DAYS = 16


@dataclass
class HistoryCache:
    """The gateway's: complete days' reports, and today's replay carried on between requests."""

    days: OrderedDict[str, dict[int, DayReport]] = field(default_factory=OrderedDict)
    today: DayReplay | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    replays: int = 0  # days replayed from a checkpoint (tests look at it)


@dataclass(frozen=True)
class HistoryQuery:
    day: date
    today: date  # the gateway's current business day
    timezone: str
    day_starts: str
    interval_min: int
    offset: int
    limit: int
    cache: HistoryCache

    def run(self, store: Store) -> dict[str, Any]:
        """Replay (or take from the cache) the day and answer one page (on a worker thread)."""
        with self.cache.lock:
            if self.day == self.today:
                report, seq = self._today(store)
            else:
                report, seq = self._past(store), None
        agents = report.agents
        page = agents[self.offset : self.offset + self.limit]
        nxt = self.offset + self.limit
        return {
            "report": msgspec.to_builtins(msgspec.structs.replace(report, agents=page)),
            "seq": seq,
            "offset": self.offset,
            "limit": self.limit,
            "agents_total": len(agents),
            "next_offset": nxt if nxt < len(agents) else None,
        }

    def _start(self, store: Store) -> tuple[Snapshot | None, int]:
        """The floor just before the day and its seq; refuses a day the store no longer holds."""
        key = self.day.isoformat()
        held = store.day_checkpoints()
        first = store.first_event()
        first_day = (
            business_day_of(first[1], self.timezone, self.day_starts) if first and first[0] == 1 else None
        )
        seq = held.get(key)
        raw = store.checkpoint_at(seq) if seq is not None else None
        if raw is not None and seq is not None:
            return msgspec.json.decode(raw, type=Snapshot), seq
        if first_day is not None and self.day >= first_day:
            return None, 0  # the whole journal is there: replay it from an empty floor
        days = sorted(held)
        oldest = min([d for d in (days[0] if days else None, first_day and first_day.isoformat()) if d])
        raise CommandRefused(
            ErrorCode.NOT_FOUND,
            f"the store no longer holds {key}: the oldest day it holds is {oldest}"
            if oldest
            else f"the store holds no day yet, not {key}",
        )

    def _replay(self, store: Store, replay: DayReplay, before_at: str) -> None:
        decoder = msgspec.json.Decoder(RawEvent)
        replay.feed(type_payload(decoder.decode(raw)) for _, raw in store.events_until(replay.seq, before_at))

    def _past(self, store: Store) -> DayReport:
        key = self.day.isoformat()
        cached = self.cache.days.get(key)
        if cached is None:
            start, _ = self._start(store)
            replay = DayReplay(start, self.day, timezone=self.timezone, day_starts=self.day_starts)
            self.cache.replays += 1
            self._replay(store, replay, replay.ends_at_stamp)
            replay.complete = True  # a day before today: every event of it is in the store
            cached = {n: replay.report(interval_min=n) for n in INTERVAL_CHOICES}
            self.cache.days[key] = cached
            while len(self.cache.days) > CACHED_DAYS:
                self.cache.days.popitem(last=False)
        self.cache.days.move_to_end(key)
        return cached[self.interval_min]

    def _today(self, store: Store) -> tuple[DayReport, int]:
        replay = self.cache.today
        if replay is None or replay.day != self.day:
            start, _ = self._start(store)
            replay = self.cache.today = DayReplay(
                start, self.day, timezone=self.timezone, day_starts=self.day_starts
            )
            self.cache.replays += 1
        self._replay(store, replay, replay.ends_at_stamp)  # only what was committed since
        return replay.report(interval_min=self.interval_min), replay.seq


def prepare_history_query(ctx: CommandContext, args: HistoryQueryArgs) -> HistoryQuery:
    centre = ctx.state.centre
    try:
        day = date.fromisoformat(args.day)
    except ValueError:
        raise CommandRefused(ErrorCode.BAD_ARGS, f"day must be a date YYYY-MM-DD, not {args.day!r}") from None
    if args.interval_min not in INTERVAL_CHOICES:
        raise CommandRefused(
            ErrorCode.BAD_ARGS,
            f"interval_min must be one of {', '.join(map(str, INTERVAL_CHOICES))}, not {args.interval_min}",
        )
    if not 1 <= args.limit <= HISTORY_PAGE_MAX:
        raise CommandRefused(
            ErrorCode.BAD_ARGS, f"limit must be between 1 and {HISTORY_PAGE_MAX}, not {args.limit}"
        )
    if args.offset < 0:
        raise CommandRefused(ErrorCode.BAD_ARGS, f"offset must be 0 or more, not {args.offset}")
    started = centre.day_started_at
    if started is None:
        raise CommandRefused(ErrorCode.UNAVAILABLE, "the gateway has no business day yet")
    today = business_day_of(started, centre.timezone, centre.day_starts)
    if day > today:
        raise CommandRefused(ErrorCode.BAD_ARGS, f"{args.day} is after today ({today.isoformat()})")
    cache = ctx.extra.get("history")
    if not isinstance(cache, HistoryCache):
        cache = HistoryCache()
    return HistoryQuery(
        day=day,
        today=today,
        timezone=centre.timezone,
        day_starts=centre.day_starts,
        interval_min=args.interval_min,
        offset=args.offset,
        limit=args.limit,
        cache=cache,
    )
