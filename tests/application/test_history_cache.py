"""The earlier-days cache (``console.application.history_cache``) over a fake sender.

Unit level only: what is asked (one page, one agent), what is kept (complete days, for good),
what is remembered (not held, forbidden) and what is asked again (a lost answer). The same cache
over a real gateway is tested with the charts and the staffing dialog in
tests/widgets/test_last_week.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import msgspec

from console.application.commands import Commands
from console.application.history_cache import AGENTS_LIMIT, DayStatus, HistoryCache, days_back
from console.feeds.client.feed_client import AckItem, ConnState, FeedStatus
from tests.helpers.reports import sample_report


@dataclass
class FakeGateway:
    """A signed-in feed whose commands wait until the test answers them."""

    role: str = "supervisor"
    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    pending: list[Callable[[AckItem], None]] = field(default_factory=list)

    @property
    def status(self) -> FeedStatus:
        return FeedStatus(state=ConnState.CONNECTED, url="ws://x", user="ann", role=self.role)

    def send_command(
        self, action: str, args: dict[str, Any], callback: Callable[[AckItem], None] | None = None
    ) -> str:
        self.sent.append((action, args))
        assert callback is not None
        self.pending.append(callback)
        return f"c{len(self.sent)}"

    def answer(self, ack: AckItem) -> None:
        self.pending.pop(0)(ack)


def _page(*, complete: bool = True, next_offset: int | None = 1) -> dict[str, Any]:
    report = sample_report(complete=complete)
    return {
        "report": msgspec.to_builtins(report),
        "seq": None if complete else 99,
        "offset": 0,
        "limit": AGENTS_LIMIT,
        "agents_total": len(report.agents),
        "next_offset": next_offset,
    }


def _cache(role: str = "supervisor") -> tuple[HistoryCache, FakeGateway, list[tuple[str, int]]]:
    gw = FakeGateway(role=role)
    cache = HistoryCache(Commands(gw))
    told: list[tuple[str, int]] = []
    cache.add_listener(lambda day, minutes: told.append((day, minutes)))
    return cache, gw, told


def test_a_complete_day_is_asked_once_on_one_page_and_kept() -> None:
    cache, gw, told = _cache()
    cache.want(["2026-03-02"], 30)
    cache.want(["2026-03-02"], 30)  # on its way: not asked twice
    # 30 minutes is the protocol's default interval: left off the wire.
    assert gw.sent == [("history.query", {"day": "2026-03-02", "limit": AGENTS_LIMIT})]
    assert cache.status("2026-03-02", 30) is DayStatus.ASKING and cache.report("2026-03-02", 30) is None
    gw.answer(AckItem(id="c1", ok=True, result=_page(next_offset=1)))
    # More agents on further pages: not asked for, the queues are whole on the first.
    assert len(gw.sent) == 1 and not gw.pending
    assert told == [("2026-03-02", 30)]
    report = cache.report("2026-03-02", 30)
    assert report is not None and report == sample_report()
    cache.want(["2026-03-02"], 30)
    assert len(gw.sent) == 1  # kept for good
    cache.want(["2026-03-02"], 15)  # another interval width is another question
    assert len(gw.sent) == 2 and gw.sent[1][1]["interval_min"] == 15


def test_a_day_not_held_is_remembered_and_not_asked_again() -> None:
    cache, gw, told = _cache()
    cache.want(["2001-01-01", "2001-01-08"], 30)
    gw.answer(AckItem(id="c1", ok=False, error_code="not_found", error_message="oldest day held: 2026-03-01"))
    assert cache.status("2001-01-01", 30) is DayStatus.NOT_HELD and cache.report("2001-01-01", 30) is None
    assert told == [("2001-01-01", 30)]
    cache.want(["2001-01-01", "2001-01-08"], 30)
    assert len(gw.sent) == 2  # neither asked again: one refused, one on its way
    cache.forget_refusals()
    cache.want(["2001-01-01"], 30)
    assert len(gw.sent) == 3


def test_forbidden_stops_every_question_and_a_viewer_never_asks() -> None:
    cache, gw, _ = _cache()
    cache.want(["2026-03-02"], 30)
    gw.answer(AckItem(id="c1", ok=False, error_code="forbidden", error_message="not for your role"))
    assert not cache.may_ask()
    cache.want(["2026-02-23", "2026-02-16"], 30)
    assert len(gw.sent) == 1
    viewer, seen, told = _cache(role="viewer")
    viewer.want(["2026-03-02"], 30)
    assert seen.sent == [] and told == [] and not viewer.may_ask()


def test_a_lost_answer_or_today_still_going_is_asked_again() -> None:
    cache, gw, told = _cache()
    cache.want(["2026-03-02"], 30)
    gw.answer(AckItem(id="c1", ok=False, error_code="timeout"))
    assert cache.status("2026-03-02", 30) is DayStatus.UNKNOWN and told == []
    cache.want(["2026-03-02"], 30)
    gw.answer(AckItem(id="c2", ok=True, result=_page(complete=False)))
    assert cache.report("2026-03-02", 30) is None and cache.status("2026-03-02", 30) is DayStatus.UNKNOWN
    cache.want(["2026-03-02"], 30)
    assert len(gw.sent) == 3
    gw.answer(AckItem(id="c3", ok=True, result={"report": "garbage"}))
    assert cache.status("2026-03-02", 30) is DayStatus.REFUSED  # malformed: not asked every refresh


def test_no_gateway_asks_nothing() -> None:
    cache = HistoryCache(Commands(object()))
    cache.want(["2026-03-02"], 30)
    assert not cache.may_ask() and cache.asked == 0


def test_the_same_weekday_back() -> None:
    assert days_back(date(2026, 3, 2), 7, 4) == ["2026-02-23", "2026-02-16", "2026-02-09", "2026-02-02"]
    assert days_back(date(2026, 3, 2), 1, 2) == ["2026-03-01", "2026-02-28"]
