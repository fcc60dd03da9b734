"""Earlier business days from the gateway's store (``history.query``), asked once and kept.

The charts lay the same weekday last week under today's intervals and the staffing advisor's
next hour follows the same weekdays' pattern; both need only the queues of a day, which every
page of ``history.query`` carries whole, so the cache asks for the first page with one agent
(``AGENTS_LIMIT``) and never pages on. A complete day never changes: it is kept for good. A day
the gateway does not hold (``not_found``) is remembered as not held, and a role that may not ask
(a viewer, a wall display: ``forbidden``, or ``Commands.may`` already says so) is remembered too,
so a refresh every few seconds does not ask again; neither is an error anyone is told about. A
timeout, a lost connection or a passing refusal (``unavailable``, ``rate_limited``) forgets the
question: it is asked again at the next ``want``.

No Qt: the answer comes back wherever ``Commands``' sender runs the ack (``LiveFeed``: on the GUI
thread), and the listeners are called there, once per day and interval that arrived or was refused.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import date, timedelta

import msgspec

from console.application.commands import Commands, history_page
from console.domain.actions import ActionName
from console.domain.clock import iso
from console.domain.day_report import business_day_of
from console.domain.history import DayReport
from console.domain.state import FloorState
from console.feeds.client.feed_client import AckItem
from console.feeds.protocol import ErrorCode

#: Agents asked for with each day: the queues come whole on every page, the agents are not needed.
AGENTS_LIMIT = 1
#: The same weekday a week earlier.
SAME_WEEKDAY_DAYS = 7


class DayStatus(enum.Enum):
    UNKNOWN = "unknown"  # not asked yet (or asked and the answer was lost: asked again)
    ASKING = "asking"
    HELD = "held"  # a complete day, kept
    NOT_HELD = "not_held"  # the gateway's store does not hold it (not_found)
    REFUSED = "refused"  # forbidden for this role, or another refusal: not asked again


#: A day and interval width (minutes) that arrived or was refused.
DayKey = tuple[str, int]
Listener = Callable[[str, int], None]


def business_day(state: FloorState, now_ms: int) -> date:
    """Today's business day: the one ``day_started_at`` began, else the one ``now_ms`` falls in."""
    centre = state.centre
    at = centre.day_started_at if centre.day_started_at is not None else iso(now_ms)
    return business_day_of(at, centre.timezone, centre.day_starts)


def days_back(today: date, step_days: int, count: int) -> list[str]:
    """``count`` earlier days ``step_days`` apart, nearest first, as ``YYYY-MM-DD``."""
    return [(today - timedelta(days=step_days * k)).isoformat() for k in range(1, count + 1)]


class HistoryCache:
    """Complete earlier days, by (day, interval minutes); refusals remembered; listeners told."""

    def __init__(self, commands: Commands) -> None:
        self._commands = commands
        self._status: dict[DayKey, DayStatus] = {}
        self._reports: dict[DayKey, DayReport] = {}
        self._forbidden = False
        self._listeners: list[Listener] = []
        self.asked = 0  # queries sent (tests, diagnostics)

    def add_listener(self, listener: Listener) -> None:
        """``listener(day, interval_min)`` after a day arrived or was refused."""
        self._listeners.append(listener)

    def may_ask(self) -> bool:
        """A gateway to ask and a role it answers (a viewer or a wall display may not ask)."""
        return not self._forbidden and self._commands.may(ActionName.QUERY_HISTORY)

    def status(self, day: str, interval_min: int) -> DayStatus:
        return self._status.get((day, interval_min), DayStatus.UNKNOWN)

    def report(self, day: str, interval_min: int) -> DayReport | None:
        """The complete day if it is held here (None: not yet asked, on its way, or not to be had)."""
        return self._reports.get((day, interval_min))

    def want(self, days: Iterable[str], interval_min: int) -> None:
        """Ask for the days neither held, nor on their way, nor refused; nothing if none may be asked."""
        if not self.may_ask():
            return
        for day in days:
            if self.status(day, interval_min) is DayStatus.UNKNOWN:
                self._ask(day, interval_min)

    def forget_refusals(self) -> None:
        """Ask again for what was refused (another sign-in, another role); the days held stay."""
        self._forbidden = False
        for key, status in list(self._status.items()):
            if status in (DayStatus.NOT_HELD, DayStatus.REFUSED):
                del self._status[key]

    def clear(self) -> None:
        """Forget everything (another gateway, another centre)."""
        self._status.clear()
        self._reports.clear()
        self._forbidden = False

    def _ask(self, day: str, interval_min: int) -> None:
        key = (day, interval_min)

        def on_ack(ack: AckItem) -> None:
            self._answered(key, ack)

        self._status[key] = DayStatus.ASKING
        sent = self._commands.query_history(day, interval_min=interval_min, limit=AGENTS_LIMIT, on_ack=on_ack)
        if sent is None:  # no gateway after all
            self._status.pop(key, None)
        else:
            self.asked += 1

    def _answered(self, key: DayKey, ack: AckItem) -> None:
        if self._status.get(key) is not DayStatus.ASKING:
            return  # forgotten meanwhile (clear), or a late ack after a timeout: the question stands anew
        if ack.ok:
            try:
                report = history_page(ack.result).report
            except msgspec.ValidationError:
                self._status[key] = DayStatus.REFUSED
            else:
                if report.complete:
                    self._reports[key] = report
                    self._status[key] = DayStatus.HELD
                else:  # today, still going on: nothing to keep, asked again later
                    del self._status[key]
                    return
        elif ack.error_code == ErrorCode.NOT_FOUND:
            self._status[key] = DayStatus.NOT_HELD
        elif ack.error_code == ErrorCode.FORBIDDEN:
            self._status[key] = DayStatus.REFUSED
            self._forbidden = True
        elif ack.error_code == ErrorCode.BAD_ARGS:
            self._status[key] = DayStatus.REFUSED  # e.g. a day after the gateway's today
        else:  # lost (timeout, disconnected) or for now (unavailable, rate_limited): asked again later
            del self._status[key]
            return
        for listener in list(self._listeners):
            listener(*key)
