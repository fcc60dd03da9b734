"""The "Anonymous Bank" extract counted straight from its columns, without the product's bank_log.

What the replay's figures are held to (tests/feeds/test_bank_log.py on the reducer,
tests/feeds/test_replay.py through a real gateway and a console's wire client).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from console.domain.state import FloorState
from console.feeds.adapters.replay.bank_log import COLUMNS, QUEUE_NAMES

EXTRACT = Path(__file__).resolve().parent.parent / "data" / "anonymous_bank_extract.txt"
TZ = ZoneInfo("Asia/Jerusalem")


@dataclass
class Call:
    """A row's call as counted here: when it is offered, leaves the queue and how long it waited."""

    queue: str
    offered_ms: int
    left_ms: int
    answered: bool


@dataclass
class Counted:
    rows: int = 0
    calls: list[Call] = field(default_factory=list)
    quirks: Counter[str] = field(default_factory=Counter)
    per_day: Counter[dt.date] = field(default_factory=Counter)


def seconds(text: str) -> int:
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


def day_of(r: dict[str, str]) -> dt.date:
    return dt.date(1900 + int(r["date"][:2]), int(r["date"][2:4]), int(r["date"][4:]))


def at(r: dict[str, str], column: str) -> int:
    """Epoch ms of a row's time: on its date, or the next day when 12 hours or more before vru_entry."""
    s, day = seconds(r[column]), day_of(r)
    on = day + dt.timedelta(days=1) if s < seconds(r["vru_entry"]) - 12 * 3600 else day
    local = dt.datetime(on.year, on.month, on.day, tzinfo=TZ) + dt.timedelta(seconds=s)
    return int(local.timestamp()) * 1000


def count_rows(path: Path) -> Counted:
    """The extract's calls, from its columns: the times resolved with the 12-hour rule, waits from them."""
    out = Counted()
    with path.open(newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        assert tuple(reader.fieldnames or ()) == COLUMNS
        for r in reader:
            out.rows += 1
            out.quirks["negative_vru_time"] += int(r["vru_time"]) < 0
            out.quirks["customer_id_rounded"] += "E+" in r["customer_id"]
            if r["outcome"] == "PHANTOM":
                out.quirks["phantom"] += 1
                continue
            queued = not (r["q_start"] == r["q_exit"] == "0:00:00")
            has_service = not (r["ser_start"] == r["ser_exit"] == "0:00:00")
            if r["outcome"] == "HANG":
                if not queued:
                    out.quirks["ivr_only"] += 1
                    continue
                out.quirks["abandoned_with_service_times"] += has_service
                out.calls.append(Call(r["type"], at(r, "q_start"), at(r, "q_exit"), answered=False))
            else:
                out.quirks["served_without_server"] += r["server"] == "NO_SERVER"
                out.quirks["served_without_service_start"] += not has_service
                if queued:
                    start, left = at(r, "q_start"), at(r, "q_exit")
                    assert (left - start) // 1000 == int(r["q_time"]), "the wait agrees with q_time"
                    if has_service:
                        out.quirks["service_before_queue_exit"] += at(r, "ser_start") < left
                        out.quirks["end_before_answer_clamped"] += at(r, "ser_exit") < left
                else:
                    out.quirks["answered_at_once"] += 1
                    start = left = at(r, "ser_start") if has_service else at(r, "vru_exit")
                out.calls.append(Call(r["type"], start, left, answered=True))
            out.per_day[day_of(r)] += 1
    return out


def expected_today(
    calls: list[Call], start: int, end: int, threshold_s: float
) -> dict[str, dict[str, float]]:
    """Each queue's figures for the business day [start, end), counted from the calls.

    Waiting is half-open: a call waits over [offered, left). A call offered and gone in the same
    instant waits for that instant, with the calls waiting across it. The day starts with the calls
    waiting just before it (offered before ``start``, not gone before it).
    """
    out: dict[str, dict[str, float]] = {}
    for qid in QUEUE_NAMES:
        mine = [c for c in calls if c.queue == qid]
        f: dict[str, float] = dict.fromkeys(
            ("offered", "answered", "abandoned", "answered_within", "wait_answered_s"), 0
        )
        for c in mine:
            f["offered"] += start <= c.offered_ms < end
            if start <= c.left_ms < end:
                wait = (c.left_ms - c.offered_ms) / 1000
                if c.answered:
                    f["answered"] += 1
                    f["answered_within"] += wait <= threshold_s
                    f["wait_answered_s"] += wait
                else:
                    f["abandoned"] += 1
        waiting = sum(1 for c in mine if c.offered_ms < start <= c.left_ms and c.left_ms > c.offered_ms)
        most = waiting
        instants: defaultdict[int, Counter[str]] = defaultdict(Counter)
        for c in mine:
            if c.left_ms == c.offered_ms:
                instants[c.offered_ms]["at_once"] += 1
            else:
                instants[c.offered_ms]["arrive"] += 1
                instants[c.left_ms]["leave"] += 1
        for t in sorted(instants):
            if not start <= t < end:
                continue
            n = instants[t]
            waiting -= n["leave"]
            if n["at_once"]:
                most = max(most, waiting + 1)
            waiting += n["arrive"]
            most = max(most, waiting)
        f["max_waiting"] = most
        out[qid] = f
    return out


def today_of(state: FloorState) -> dict[str, dict[str, float]]:
    names = ("offered", "answered", "abandoned", "answered_within", "wait_answered_s", "max_waiting")
    return {q.id: {n: getattr(q.today, n) for n in names} for q in state.queues.values()}
