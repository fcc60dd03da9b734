"""An earlier day from a real gateway's store on screen: the charts' line under today's intervals
and the staffing dialog's forecast from the same weekday's history.

In the product the earlier day is the same weekday last week (D−7, ``history_days_back`` 7): at
3600x a week of simulated time takes minutes, so these consoles look back 1 day instead
(``MainWindow.history_days_back`` = 1, set before the feed starts): the gateway runs from 05:00
in Shanghai across the business day's start (06:00), so yesterday is a complete day in its store
and the days before it are not held (refused quietly, no line, no message). The expected figures
are computed here from the gateway's own ``history.query`` answer, asked by a separate client.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from console.application.commands import history_page
from console.application.history_cache import DayStatus
from console.domain.clock import to_ms
from console.domain.entities import DayFigures
from console.domain.figures import formulas
from console.domain.figures.queues import add_into
from console.domain.history import DayReport
from console.domain.permissions import Role
from console.domain.staffing import forecast, past_days
from console.widgets.main_window import MainWindow
from tests.helpers.consoles import Consoles
from tests.helpers.gateway import GatewayThread, WireClient, freeze, past_a_day_start

YESTERDAY = "2026-03-02"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with past_a_day_start(tmp_path_factory.mktemp("lastweek")) as (gw, _):
        freeze(gw)  # today stays today (at 3600x a day passes in 24 s)
        yield gw


def _query(gw: GatewayThread, day: str, interval_min: int) -> DayReport:
    async def ask() -> dict[str, Any]:
        c = await WireClient.open(gw.url, Role.MANAGER)
        await c.ready()
        ack = await c.command("history.query", {"day": day, "interval_min": interval_min, "limit": 5})
        await c.close()
        return ack

    ack = asyncio.run(asyncio.wait_for(ask(), 120))
    assert ack["ok"], ack
    return history_page(ack["result"]).report


def _expected(report: DayReport, queues: list[str], window: MainWindow) -> dict[str, Any]:
    """Per interval of ``report`` with any queue's counts: its start moved to today, SL and abandon %."""
    day0 = to_ms(window.feed.state.centre.day_started_at or "")
    start0 = to_ms(report.starts_at)
    definition = window.charts.config.sl_definition or report.sl_definition
    totals: dict[int, DayFigures] = {}
    for q in report.queues:
        if q.queue_id in queues:
            for b in q.intervals:
                add_into(totals.setdefault(to_ms(b.start), DayFigures()), b)
    width = report.interval_min * 60_000
    first, last = min(totals), max(totals)
    starts = list(range(first, last + width, width))
    figures = [totals.get(s, DayFigures()) for s in starts]

    def nan(v: float | None) -> float:
        return math.nan if v is None else v

    return {
        "x": [(s - start0 + day0) / 1000.0 for s in starts],
        "sl": [nan(formulas.service_level_pct(f, definition)) for f in figures],
        "abandon": [nan(formulas.abandon_pct(f)) for f in figures],
    }


def _open(consoles: Consoles, gw: GatewayThread, role: Role) -> MainWindow:
    def one_day_back(window: MainWindow) -> None:
        window.history_days_back = 1

    return consoles.open(gw.url, role, before_start=one_day_back)


def test_the_charts_lay_the_earlier_day_under_today_for_the_queues_ticked(
    qtbot: QtBot, consoles: Consoles, gateway: GatewayThread
) -> None:
    window = _open(consoles, gateway, Role.SUPERVISOR)
    charts = window.charts
    qtbot.waitUntil(lambda: charts.history_report() is not None, timeout=60_000)
    report = _query(gateway, YESTERDAY, charts.config.interval_min)
    queues = charts.selected_queues()
    assert len(queues) > 1
    charts.redraw()
    want = _expected(report, queues, window)
    for key in ("sl", "abandon"):
        xs, ys = charts.history_series(key)
        assert xs == pytest.approx(want["x"]), key
        assert ys == pytest.approx(want[key], nan_ok=True), key
        assert any(not math.isnan(y) for y in ys)
        assert charts.history_legends[key].isVisible()
    assert "1 days earlier" in charts._history_label and "2026-03-02" in charts._history_label
    # Only the queues ticked: one fewer, and the line is the others' sum.
    charts.set_hidden_queues({queues[0]})
    charts.redraw()
    fewer = _expected(report, queues[1:], window)
    xs, ys = charts.history_series("sl")
    assert xs == pytest.approx(fewer["x"]) and ys == pytest.approx(fewer["sl"], nan_ok=True)
    # Asked once for the charts, whatever the ticks and the redraws.
    assert window.history_cache.asked == 1


def test_the_staffing_forecast_uses_the_days_the_store_holds(
    qtbot: QtBot, consoles: Consoles, gateway: GatewayThread
) -> None:
    window = _open(consoles, gateway, Role.MANAGER)
    qtbot.waitUntil(lambda: window.feed.state.centre.day_started_at is not None, timeout=30_000)
    dialog = window.show_staffing()
    cache = window.history_cache
    assert dialog.history_wanted == ["2026-03-02", "2026-03-01", "2026-02-28", "2026-02-27"]
    qtbot.waitUntil(
        lambda: all(
            cache.status(d, 15) not in (DayStatus.UNKNOWN, DayStatus.ASKING) for d in dialog.history_wanted
        ),
        timeout=60_000,
    )
    assert cache.status("2026-03-02", 15) is DayStatus.HELD
    assert {cache.status(d, 15) for d in dialog.history_wanted[1:]} == {DayStatus.NOT_HELD}
    qtbot.waitUntil(lambda: len(dialog.history_used) == 1, timeout=10_000)
    report = _query(gateway, YESTERDAY, 15)
    dialog.refresh()
    now = window.feed.feed_clock_ms()
    assert now is not None
    assert dialog.ahead == forecast(window.feed.state, now, past_days([report]))
    assert dialog.ahead != forecast(window.feed.state, now)  # the history changed the next hour
    assert "2026-03-02" in dialog.forecast_note.text() and "earlier days" in dialog.forecast_note.text()
    assert window.messages.last is None or "2026-03-01" not in window.messages.last  # refused quietly


def test_a_wall_display_role_asks_nothing_and_draws_nothing(
    qtbot: QtBot, consoles: Consoles, gateway: GatewayThread
) -> None:
    window = _open(consoles, gateway, Role.VIEWER)
    qtbot.waitUntil(
        lambda: window.commands.role() is Role.VIEWER and window.feed.state.seq > 0, timeout=30_000
    )
    window.want_history()
    dialog = window.show_staffing()
    assert window.history_cache.asked == 0 and window.charts.history_report() is None
    assert dialog.history_used == [] and "only" in dialog.forecast_note.text()
