"""The console's main window against a real gateway on 127.0.0.1 (pytest-qt, offscreen).

A gateway in a background thread serves the simulated bank; consoles connect
over real websockets. Figures are compared once the gateway's simulator is
frozen, so every console has reached the same seq and the same feed clock.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractItemView, QApplication
from pytestqt.qtbot import QtBot
from websockets.asyncio.server import ServerConnection

from console.app import main as app_main
from console.application.embedded import EmbeddedGateway
from console.application.floor_source import FloorSource
from console.application.live import LiveFeed
from console.application.timeseries import ESTIMATE_GROUPS
from console.domain.clock import iso, to_ms
from console.domain.entities import (
    BUCKET_MS,
    Agent,
    AgentState,
    CallState,
    Centre,
    Queue,
    SlDefinition,
)
from console.domain.events import CallAnswered, CallQueued, make_event
from console.domain.permissions import Role
from console.domain.state import FloorState, Snapshot
from console.feeds import protocol
from console.feeds.gateway.config import GatewayConfig
from console.feeds.sources.simulator.engine import Simulator
from console.feeds.sources.simulator.scenario import load_scenario, resolve_scenario
from console.widgets.common.diagnostics import DiagnosticsDialog
from console.widgets.common.status_bar import centre_time, wall_time
from console.widgets.common.theme import current_theme
from console.widgets.floor.agent_board import Col as ACol
from console.widgets.floor.charts import ChartsPanel
from console.widgets.floor.queue_overview import Col as QCol
from console.widgets.main_window import MainWindow
from tests.helpers.consoles import Consoles
from tests.helpers.floor_sources import FakeLive, driven_source
from tests.helpers.gateway import START, GatewayThread, freeze, head, make_config, normalized, token
from tests.helpers.network import FAST, free_port
from tests.helpers.scripted_server import AT, JUNK, ScriptedServer, events, heartbeat, welcome
from tests.helpers.translation import MARK, PseudoTranslator, shown_texts

ROOT = Path(__file__).resolve().parents[2]


def table(window: MainWindow) -> list[list[str]]:
    """What the queue overview's model displays, cell by cell."""
    model = window.queues.model
    display = Qt.ItemDataRole.DisplayRole
    return [
        [str(model.data(model.index(r, c, QModelIndex()), display)) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def cell(model: QAbstractItemModel, row: int, column: int) -> str:
    return str(model.data(model.index(row, column, QModelIndex()), Qt.ItemDataRole.DisplayRole))


def cells(model: QAbstractItemModel) -> list[list[str]]:
    return [[cell(model, r, c) for c in range(model.columnCount())] for r in range(model.rowCount())]


def views_of(window: MainWindow) -> dict[str, object]:
    """Everything the tables and headings display (agents sorted: two floors may list them differently).

    The staffing advice is brought up to the feed clock first: each console refreshes it on
    its own 10-second cycle, so two consoles at one seq agree once both have advised at it.
    """
    window.queues.model.advise_now()
    return {
        "queues": table(window),
        "caption": window.queues.caption.text(),
        "agents": sorted(cells(window.agents.model)),
        "call_breaches": cells(window.breaches.calls_model),
        "case_deadlines": cells(window.breaches.cases_model),
        "breaches_today": window.breaches.count_label.text(),
    }


def bars_of(window: MainWindow) -> dict[str, list[tuple[float, float]]]:
    """The interval charts' bars as drawn: (start, height) per level, after a redraw now."""
    charts = window.charts
    charts.invalidate()
    charts.redraw()
    out: dict[str, list[tuple[float, float]]] = {}
    for name, bars in (
        ("sl", {**charts.sl_bars, "current": charts.sl_current}),
        ("abandon", {**charts.abandon_bars, "current": charts.abandon_current}),
    ):
        for level, bar in bars.items():
            out[f"{name}/{level}"] = [
                (float(x), float(h)) for x, h in zip(bar.opts["x0"], bar.opts["height"], strict=True)
            ]
    return out


@pytest.fixture
def config(tmp_path: Path) -> GatewayConfig:
    # A fixed port, so a restarted gateway is found at the same address.
    return make_config(tmp_path, port=free_port())


def wait_for_floor(qtbot: QtBot, window: MainWindow) -> None:
    feed = window.feed
    qtbot.waitUntil(
        lambda: (
            len(feed.state.queues) > 0
            and window.queues.model.rowCount() >= len(feed.state.queues)
            and window.agents.model.rowCount() > 0
        ),
        timeout=15_000,
    )


def test_consoles_show_the_floor_live_and_agree_at_the_same_seq(
    qtbot: QtBot, consoles: Consoles, config: GatewayConfig
) -> None:
    with GatewayThread(config) as gw:
        a = consoles.open(gw.url, name="a")
        wait_for_floor(qtbot, a)
        assert a.queues.model.rowCount() == len(a.feed.state.queues) + 1  # every queue and the total
        assert table(a)[-1][0] == "Centre total"
        assert [row[0] for row in table(a)[:-1]] == [q.name for q in a.feed.state.queues.values()]
        assert a.agents.model.rowCount() == len(a.feed.state.agents) > 0
        assert {cell(a.agents.model, r, ACol.AGENT) for r in range(a.agents.model.rowCount())} == {
            ag.name for ag in a.feed.state.agents.values()
        }
        assert not a.banner.stale and a.banner.isHidden()
        assert gw.url in a.status.connection.text()
        assert "supervisor1 · supervisor" in a.status.user.text()
        assert "Retail Bank" in a.windowTitle()

        # The charts draw from their own timer: after a few seconds every series has data.
        charts = a.charts
        qtbot.waitUntil(
            lambda: (
                charts.redraws > 2
                and all(len(c.xData if c.xData is not None else []) > 2 for c in charts.state_curves.values())
                and any(len(c.xData if c.xData is not None else []) > 2 for c in charts.queue_curves.values())
                and any(len(bar.opts["height"]) > 0 for bar in (*charts.sl_bars.values(), charts.sl_current))
            ),
            timeout=15_000,
        )
        assert set(charts.queue_curves) == set(a.feed.state.queues)

        dialog = a.show_diagnostics()
        assert isinstance(dialog, DiagnosticsDialog)
        qtbot.waitUntil(
            lambda: dialog.counts()["frames"] > 0 and dialog.counts()["events"] > 0, timeout=5_000
        )
        assert dialog.counts()["bad_frames"] == 0 and dialog.counts()["sequence_errors"] == 0
        dialog.close()

        # A second console opened later (a supervisor arriving at 15:00) shows the same day.
        qtbot.waitUntil(lambda: a.feed.state.seq > 400, timeout=15_000)
        # (Of the same role: each role is sent its own view of the floor, see docs/security.md.)
        b = consoles.open(gw.url, Role.SUPERVISOR, name="b")
        wait_for_floor(qtbot, b)
        freeze(gw)
        qtbot.waitUntil(lambda: a.feed.state.seq == b.feed.state.seq == head(gw), timeout=15_000)
        qtbot.waitUntil(lambda: a.feed.feed_clock_ms() == b.feed.feed_clock_ms(), timeout=5_000)
        assert normalized(a.feed.state) == normalized(b.feed.state)
        qtbot.waitUntil(lambda: views_of(a) == views_of(b), timeout=5_000)
        assert len(table(a)) >= len(a.feed.state.queues) and len(table(a)[0]) > 5
        assert sum(int(row[QCol.OFFERED]) for row in table(a)[:-1]) > 0
        assert bars_of(a) == bars_of(b) and any(bars_of(a).values())

        # Connected but silent (the gateway's loop stalls): STALE after 3 s, gone when frames flow again.
        gw.loop.call_soon_threadsafe(time.sleep, 4.5)
        qtbot.waitUntil(lambda: a.banner.stale, timeout=4_500)
        assert "has sent nothing" in a.banner.detail.text()
        qtbot.waitUntil(lambda: not a.banner.stale, timeout=5_000)


def test_stale_banner_on_gateway_loss_and_no_double_count_after_reconnect(
    qtbot: QtBot, consoles: Consoles, config: GatewayConfig
) -> None:
    gw = GatewayThread(config)
    with gw:
        a = consoles.open(gw.url, name="a")
        wait_for_floor(qtbot, a)
        qtbot.waitUntil(lambda: a.feed.state.seq > 200, timeout=15_000)
        url = gw.url
    # The gateway is gone: the banner says so within ~4 s, with the address and the reason.
    qtbot.waitUntil(lambda: a.banner.stale, timeout=4_500)
    assert not a.banner.isHidden()
    assert "STALE" in a.banner.title.text()
    assert re.search(r"no update since \d\d:\d\d:\d\d \S+ \(", a.banner.title.text()), a.banner.title.text()
    assert url in a.banner.detail.text() and "NOT live" in a.banner.detail.text()
    assert a.windowTitle().startswith("STALE")
    qtbot.waitUntil(
        lambda: "Disconnected" in a.status.connection.text() or "Connecting" in a.status.connection.text(),
        timeout=3_000,
    )
    seen = a.feed.state.seq

    # Back on the same port and database: the banner goes, and the console resumes where it was.
    with GatewayThread(config) as gw2:
        qtbot.waitUntil(lambda: not a.banner.stale, timeout=15_000)
        assert a.banner.isHidden() and not a.windowTitle().startswith("STALE")
        qtbot.waitUntil(lambda: a.feed.state.seq > seen + 50, timeout=15_000)
        assert consoles.feeds[0].status.reconnects >= 1
        freeze(gw2)
        fresh = consoles.open(gw2.url, Role.SUPERVISOR, name="fresh")  # a's role: the same view
        qtbot.waitUntil(lambda: a.feed.state.seq == fresh.feed.state.seq == head(gw2), timeout=15_000)
        qtbot.waitUntil(lambda: a.feed.feed_clock_ms() == fresh.feed.feed_clock_ms(), timeout=5_000)
        # Nothing counted twice: the console that lived through the restart shows what a fresh one shows.
        assert normalized(a.feed.state) == normalized(fresh.feed.state)
        qtbot.waitUntil(lambda: views_of(a) == views_of(fresh), timeout=5_000)
        assert bars_of(a) == bars_of(fresh)


def test_diagnostics_keep_the_last_error_and_its_time_after_an_outage(
    qtbot: QtBot, consoles: Consoles, config: GatewayConfig
) -> None:
    with GatewayThread(config) as gw:
        a = consoles.open(gw.url, name="a")
        wait_for_floor(qtbot, a)
        feed = consoles.feeds[-1]
        assert feed is a.feed
        dialog = a.show_diagnostics()
        dialog.refresh()
        assert dialog.values["last_error"].text() == "none"
        url = gw.url
    # The gateway is gone: the connection's end is kept with the wall time and the feed clock.
    qtbot.waitUntil(lambda: feed.last_failure() is not None, timeout=5_000)
    lost = feed.last_failure()
    assert lost is not None and url in lost.error.message
    assert lost.feed_ms == a.feed.feed_clock_ms()  # the feed clock stopped with the feed
    wall_at_loss = lost.error.at
    assert abs(time.time() - wall_at_loss) < 10
    with GatewayThread(config):

        def back() -> bool:  # connected again, and the status items before it drained
            kept = feed.last_failure()
            status = feed.status
            return status.reconnects >= 1 and kept is not None and kept.error == status.last_failure

        qtbot.waitUntil(back, timeout=15_000)
        qtbot.waitUntil(lambda: not a.banner.stale, timeout=5_000)
        status = feed.status
        assert status.last_error is None  # the connection's own error is cleared once it is back...
        failure = feed.last_failure()
        assert failure is not None and failure.error.at >= wall_at_loss  # ...the last failure is kept
        assert failure.error == status.last_failure and url in failure.error.message
        assert failure.feed_ms is not None and lost.feed_ms is not None and failure.feed_ms >= lost.feed_ms
        dialog.refresh()
        shown = dialog.values["last_error"].text()
        assert dialog.values["reconnects"].text() == f"{status.reconnects:,}"
        # Both clocks, each with its zone: the workstation's, and the feed clock in the centre's (CST).
        assert shown == (
            f"{failure.error.message} — at {wall_time(failure.error.at)} on this workstation, "
            f"feed clock {centre_time(a.feed, failure.feed_ms)}"
        ), shown
        assert re.search(r"at \d\d:\d\d:\d\d \S+ on this workstation, feed clock \d\d:\d\d:\d\d CST$", shown)
        # Copyable for a support ticket: the report holds it, and Copy puts the report on the clipboard.
        assert f"Last error: {shown}" in dialog.report()
        dialog.copy_report()
        assert QApplication.clipboard().text() == dialog.report()
        dialog.close()


def test_an_unreachable_gateway_is_said_plainly(qtbot: QtBot, consoles: Consoles) -> None:
    url = f"ws://127.0.0.1:{free_port()}"
    window = consoles.open(url)
    qtbot.waitUntil(lambda: window.banner.stale and "refused" in window.banner.detail.text(), timeout=4_000)
    assert url in window.banner.title.text()
    qtbot.waitUntil(lambda: "refused" in window.status.connection.text(), timeout=2_000)
    assert url in window.status.connection.text()
    dialog = window.show_diagnostics()
    qtbot.waitUntil(lambda: "refused" in dialog.values["last_error"].text(), timeout=2_000)
    assert dialog.counts()["frames"] == 0
    assert "refused" in dialog.report()
    dialog.close()


def _dock_area(window: MainWindow, name: str) -> Qt.DockWidgetArea:
    dock = window.agents_dock if name == "agents" else window.breaches_dock
    return window.dockWidgetArea(dock)


def _time_in_state_shown(window: MainWindow) -> bool:
    """The agent board's "Time in state" column is there, as wide as it was made, in the viewport."""
    view = window.agents.view
    header = view.horizontalHeader()
    if header.isSectionHidden(ACol.TIME) or header.sectionSize(ACol.TIME) < 84:  # AgentBoard's width
        return False
    left = header.sectionViewportPosition(ACol.TIME)
    return left >= 0 and left + header.sectionSize(ACol.TIME) <= view.viewport().width()


def test_the_time_in_state_column_is_there_after_shrinking_and_enlarging(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = tmp_path / "layout.ini"
    window = MainWindow(driven_source(), settings_path=settings)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    assert window.agents.model.headerData(ACol.TIME, Qt.Orientation.Horizontal) == "Time in state"
    qtbot.waitUntil(lambda: _time_in_state_shown(window), timeout=2_000)
    for width, height in ((1366, 768), (800, 600), (1920, 1080)):
        window.resize(width, height)  # as small as the window goes, then large again
        QApplication.processEvents()
    qtbot.waitUntil(lambda: window.width() >= 1900 and _time_in_state_shown(window), timeout=2_000)
    # A layout saved with the column squeezed to nothing or hidden (an older version's, or saved
    # while the table was squeezed) does not take it away at the next start.
    header = window.agents.view.horizontalHeader()
    header.resizeSection(ACol.TIME, 0)
    header.hideSection(ACol.TIME)
    window.close()  # saves the layout
    again = MainWindow(driven_source(), settings_path=settings)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    qtbot.waitUntil(lambda: _time_in_state_shown(again), timeout=2_000)
    again.close()


def test_the_window_fits_a_1366_pixel_laptop_screen(qtbot: QtBot, tmp_path: Path) -> None:
    """Its minimum width was 1,408 px: the review queue's filters in one row set it."""
    window = MainWindow(driven_source(), settings_path=tmp_path / "layout.ini", save_on_close=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.minimumSizeHint().width() <= 1366
    window.resize(1366, 740)
    qtbot.waitUntil(lambda: window.width() == 1366, timeout=2_000)
    window.close()


def test_layout_persists(qtbot: QtBot, tmp_path: Path) -> None:
    settings = tmp_path / "layout.ini"
    source = driven_source()
    first = MainWindow(source, settings_path=settings)
    qtbot.addWidget(first)
    # Within the (offscreen) screen: restoreGeometry rightly pulls a window back onto the screen.
    screen = first.screen().availableGeometry()
    first.resize(min(1500, screen.width() - 40), min(950, screen.height() - 60))
    first.show()
    qtbot.waitExposed(first)
    first.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, first.breaches_dock)
    first.splitter.setSizes([200, 600])
    header = first.queues.view.horizontalHeader()
    assert isinstance(first.queues.view, QAbstractItemView)
    header.resizeSection(0, 211)
    header.moveSection(1, 2)
    # Through the View menu, as a supervisor would.
    first.theme_actions["dark"].trigger()
    first.interval_actions[30].trigger()
    first.sl_actions[SlDefinition.ABANDONS_IGNORED].trigger()
    assert "abandoned calls ignored" in first.queues.caption.text()
    assert first.charts.config.interval_min == 30
    hidden_queue = next(iter(source.state.queues))
    first.charts.set_hidden_queues({hidden_queue})
    qtbot.wait(50)
    sizes = first.splitter.sizes()
    header_state = bytes(header.saveState().data())
    first.close()  # saves
    assert settings.exists()

    second = MainWindow(source, settings_path=settings)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    qtbot.wait(50)
    assert (second.width(), second.height()) == (first.width(), first.height())
    assert _dock_area(second, "breaches") == Qt.DockWidgetArea.BottomDockWidgetArea
    assert _dock_area(second, "agents") == Qt.DockWidgetArea.RightDockWidgetArea
    assert second.splitter.sizes() == sizes
    restored = second.queues.view.horizontalHeader()
    assert restored.sectionSize(0) == 211
    assert bytes(restored.saveState().data()) == header_state
    assert current_theme() == "dark"
    assert second.config.interval_min == 30
    assert second.config.sl_definition is SlDefinition.ABANDONS_IGNORED
    assert second.queues.model.sl_definition() is SlDefinition.ABANDONS_IGNORED
    assert "30 min" in second.queues.caption.text()
    assert second.theme_actions["dark"].isChecked() and second.interval_actions[30].isChecked()
    assert second.charts.hidden_queues() == {hidden_queue}
    second.set_theme("light")
    second.save_on_close = False


def test_screenshot_writes_a_png_of_the_window(tmp_path: Path) -> None:
    shot = tmp_path / "console.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = "import sys; from console.app import main; sys.exit(main(sys.argv[1:]))"
    args = ["--screenshot", str(shot), "--after", "3", "--settings", str(tmp_path / "s.ini")]
    args += ["--speed", "60", "--theme", "dark"]
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        check=False,  # the return code is asserted with stderr
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert shot.stat().st_size > 20_000
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1600, 1000)
    assert "embedded gateway on ws://127.0.0.1:" in out.stdout


# -- the charts: a full hour from the start, breaches on the time axis ---------------------------


def _late_floor() -> tuple[FloorState, dict[int, dict[str, int]], dict[int, list[float]]]:
    """70 simulated minutes of the bank, with the truth at every 5-minute edge.

    Returns the floor, the calls in each queue (waiting or ringing) just before each
    edge, and the agents per estimate group sampled every 5 s in each bucket.
    """
    t0 = to_ms("2026-03-02T01:30:00.000Z")  # 09:30 in the centre (UTC+8); the day began at 06:00
    sim = Simulator(load_scenario(resolve_scenario("bank")), seed=2, start_ms=t0)
    state = FloorState()
    seq = 0
    at_edges: dict[int, dict[str, int]] = {}
    samples: dict[int, list[float]] = {}
    items = sim.bootstrap()
    t = t0
    for _ in range(70 * 12):
        for at, payload in items:
            seq += 1
            state.apply(make_event(seq, iso(at), payload))
        day0 = to_ms(state.centre.day_started_at or START)
        if (t - day0) % BUCKET_MS == 0:  # the floor just before the edge t
            at_edges[t] = {
                q: sum(
                    1 for c in state.calls.values() if c.queue_id == q and c.state is not CallState.TALKING
                )
                for q in state.queues
            }
        bucket = day0 + (t - 1 - day0) // BUCKET_MS * BUCKET_MS
        groups = [0.0, 0.0, 0.0]
        for agent in state.agents.values():
            if agent.state in (AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP):
                groups[0] += 1
            elif agent.state is AgentState.AVAILABLE:
                groups[1] += 1
            elif agent.state is AgentState.NOT_READY:
                groups[2] += 1
        samples.setdefault(bucket, [0.0, 0.0, 0.0, 0.0])
        samples[bucket] = [
            *(a + b for a, b in zip(samples[bucket][:3], groups, strict=True)),
            samples[bucket][3] + 1,
        ]
        t += 5000
        items = sim.advance(t - 1)  # the events before the next step's edge
    state.advance_clock(iso(t - 5000))
    return state, at_edges, {b: [v / s[3] for v in s[:3]] for b, s in samples.items()}


def test_live_charts_span_the_last_60_minutes_with_the_hour_before_estimated(qtbot: QtBot) -> None:
    floor, at_edges, agent_truth = _late_floor()
    now = to_ms(floor.at or START)
    # A console that connects now: the snapshot is all it gets.
    source = FloorSource()
    charts = ChartsPanel(source)
    qtbot.addWidget(charts)
    source.state.load_snapshot(msgspec.json.decode(msgspec.json.encode(floor.to_snapshot()), type=Snapshot))
    source.floorUpdated.emit(source.state.take_changes())
    charts.redraw()

    assert charts.cards["waiting"].title.text() == "Calls waiting · last 60 min"
    assert charts.cards["agents"].title.text() == "Agents by state · last 60 min"
    for key in ("waiting", "agents"):
        (x_lo, x_hi), _ = charts.plots[key].getPlotItem().getViewBox().viewRange()
        assert x_hi == pytest.approx(now / 1000, abs=1) and x_hi - x_lo == pytest.approx(3600, abs=1)

    # Calls in each queue at every 5-minute edge of the hour before: exactly what the floor had.
    edges = [e for e in sorted(at_edges) if now - 3_600_000 <= e < now]
    assert len(edges) == 12
    for qid in floor.queues:
        curve = charts.queue_estimates[qid]
        xs, ys = list(curve.xData), list(curve.yData)
        assert xs[:-1] == [e / 1000 for e in edges], qid
        assert ys[:-1] == [at_edges[e][qid] for e in edges], qid
        waiting_now = sum(
            1 for c in floor.calls.values() if c.queue_id == qid and c.state is CallState.WAITING
        )
        assert (xs[-1], ys[-1]) == (now / 1000, waiting_now)  # joined to the first live sample
    assert sum(sum(at_edges[e].values()) for e in edges) > 0, "a test floor with calls in queue"

    # Agents: 5-minute averages, talking and wrap-up as one band; they match a 5-second sampling.
    times = charts.state_estimates["handling"].xData
    tops = {g: charts.state_estimates[g].yData for g in ESTIMATE_GROUPS}
    for k in range(0, len(times) - 2, 2):  # complete buckets: their start corner
        bucket = round(times[k] * 1000)
        handling, available, not_ready = agent_truth[bucket]
        assert tops["handling"][k] == pytest.approx(handling, abs=1.5)
        assert tops["available"][k] - tops["handling"][k] == pytest.approx(available, abs=1.5)
        assert tops["not_ready"][k] - tops["available"][k] == pytest.approx(not_ready, abs=1.5)
    line = charts.live_lines["waiting"]
    assert line.isVisible() and line.value() == pytest.approx(now / 1000)
    assert "live since" in line.label.format and "estimated" in charts.note.text()

    # An hour later the estimate has left the window, and so has the "live since" line.
    source.state.advance_clock(iso(now + 3_601_000))
    source.clockTicked.emit()
    charts.redraw()
    assert all(len(c.xData if c.xData is not None else []) == 0 for c in charts.queue_estimates.values())
    assert not line.isVisible() and "estimated" not in charts.note.text()


def _send(source: FloorSource, at_ms: int, *payloads: object) -> None:
    source.apply([make_event(source.state.seq + 1 + i, iso(at_ms), p) for i, p in enumerate(payloads)])


def _later(source: FloorSource, seconds: float) -> int:
    now = to_ms(source.state.at or START) + round(seconds * 1000)
    source.state.advance_clock(iso(now))
    source.clockTicked.emit()
    return now


def test_breaches_stay_marked_on_every_charts_time_axis(qtbot: QtBot, tmp_path: Path) -> None:
    source = driven_source()
    window = MainWindow(source, settings_path=tmp_path / "b.ini", save_on_close=False)
    qtbot.addWidget(window)
    now = to_ms(source.state.at or START)
    _send(source, now, CallQueued(call_id="KLATE", queue_id="accounts", priority=1, caller="1****2"))
    due_s = (now + 20_000) / 1000  # the queue's 20 s threshold
    _later(source, 25)
    qtbot.waitUntil(lambda: due_s in window.charts.breach_times_s(), timeout=3_000)
    charts = window.charts
    charts.redraw()
    for key in ("waiting", "agents", "sl", "abandon"):
        assert due_s in charts.marked_breaches(key), key
        tick = charts.breach_ticks[key]
        (_, _), (y_lo, _) = charts.plots[key].getPlotItem().getViewBox().viewRange()
        assert max(tick.yData) <= 0 <= -y_lo, "in the strip below zero, along the time axis"

    # Answered late: gone from the breaches table, still a breach on the charts.
    agent = next(a for a in source.state.agents.values() if a.state is AgentState.AVAILABLE)
    _send(source, to_ms(source.state.at or START), CallAnswered(call_id="KLATE", agent_id=agent.id))
    assert all(b.ref_id != "KLATE" for b in window.breaches.breaches)
    _later(source, 2)
    qtbot.wait(1_100)  # the window hands breach times to the charts once a second
    charts.redraw()
    assert due_s in charts.marked_breaches("waiting") and due_s in charts.marked_breaches("sl")


# -- every word through Qt's translation ----------------------------------------------------------


def test_every_word_on_screen_goes_through_qt_translation(qtbot: QtBot, tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translator = PseudoTranslator()
    app.installTranslator(translator)
    try:
        feed = FakeLive(driven_source().state)
        window = MainWindow(feed, settings_path=tmp_path / "t.ini", save_on_close=False)
        qtbot.addWidget(window)
        window.show()
        window.charts.redraw()
        window.banner.refresh()
        window.status.refresh()
        dialog = window.show_diagnostics()
        assert window.banner.stale and dialog.errors_model.rowCount() == 1
        shown = shown_texts(window)  # the dialog is the window's child: included
        assert len(shown) > 80
        untranslated = [(where, text) for where, text in shown if MARK not in text]
        assert untranslated == [], "\n".join(f"{where}: {text!r}" for where, text in untranslated)
        assert MARK in window.charts.target_line.label.format
        tip = window.queues.model.headerData(
            QCol.WAITING, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
        )
        assert MARK in tip
        dialog.close()
    finally:
        app.removeTranslator(translator)


# -- bad input: malformed frames, bad arguments ---------------------------------------------------


def test_malformed_frames_are_counted_shown_in_diagnostics_and_leave_the_floor_intact(
    qtbot: QtBot, tmp_path: Path
) -> None:
    snapshot = Snapshot(
        seq=10,
        at=AT,
        centre=Centre(name="Junk test"),
        queues=[Queue(id="q1", name="Queue one", sl_threshold_s=20, sl_target_pct=80)],
        agents=[Agent(id="A1", name="Ann Agent", team="T", skills=["q1"], state=AgentState.AVAILABLE)],
        calls=[],
        cases=[],
    )

    async def script(ws: ServerConnection, n: int) -> None:
        await ws.send(welcome(10))
        await ws.send(protocol.encode(snapshot).decode())
        for junk in JUNK:
            await ws.send(junk)
        await ws.send(events(11, 12))  # events about agents this floor does not have: skipped
        for _ in range(100):
            await ws.send(heartbeat(12))
            await asyncio.sleep(0.2)

    with ScriptedServer(script) as server:
        feed = LiveFeed(server.url, "t", backoff=FAST)
        window = MainWindow(feed, settings_path=tmp_path / "j.ini", save_on_close=False)
        qtbot.addWidget(window)
        window.show()
        feed.start()
        try:
            dialog = window.show_diagnostics()
            qtbot.waitUntil(lambda: dialog.counts()["bad_frames"] == len(JUNK), timeout=10_000)
            qtbot.waitUntil(lambda: feed.state.seq == 12 and dialog.errors_model.rowCount() == len(JUNK))
            counts = dialog.counts()
            assert (
                counts["skipped"] == 2 and counts["protocol_errors"] == 0 and counts["sequence_errors"] == 0
            )
            assert dialog.values["bad_frames"].text() == str(len(JUNK))
            newest, oldest = dialog.errors_model.texts(0), dialog.errors_model.texts(len(JUNK) - 1)
            assert oldest[2] == "not json at all" and newest[2].startswith("{xxxx")
            assert all(row[1] for row in (dialog.errors_model.texts(r) for r in range(len(JUNK))))
            report = dialog.report()
            assert f"Bad frames dropped: {len(JUNK)}" in report and "not json at all" in report
            # What is on screen is the floor, untouched by the junk; the console is live.
            assert [row[0] for row in table(window)] == ["Queue one", "Centre total"]
            assert cells(window.agents.model)[0][ACol.AGENT] == "Ann Agent"
            qtbot.waitUntil(lambda: not window.banner.stale, timeout=3_000)
            assert feed.status.reconnects == 0 and len(server.hellos) == 1
            dialog.close()
        finally:
            feed.stop()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--feed", "localhost:8765", "--token", "t"], "expected a websocket address"),
        (["--feed", "ws://127.0.0.1:99999", "--token", "t"], "expected a websocket address"),
        (["--feed", "ws://127.0.0.1:8765", "--wallboard"], "--feed needs a token here"),
        (["--feed", "ws://127.0.0.1:8765", "--token", "t", "--speed", "5"], "--speed configure"),
        (["--token", "t"], "--token is for --feed"),
        (["--token-file", "t"], "--token-file is for --feed"),
        (["--feed", "ws://127.0.0.1:8765", "--token-file", "/no/such/token"], "--token-file /no/such/token"),
        (["--speed", "0"], "--speed must be a positive"),
        (["--speed", "nan"], "--speed must be a positive"),
        (["--start", "yesterday"], "--start 'yesterday': expected an ISO 8601"),
        (["--after", "-1"], "--after must be"),
        (["--size", "big"], "--size 'big': expected WIDTHxHEIGHT"),
        (["--screenshot", "/no/such/folder/x.png"], "does not exist"),
        (["--log-level", "chatty"], "invalid choice"),
        (["--seed", "abc"], "invalid int value"),
        (["--theme", "pink"], "invalid choice"),
    ],
)
def test_bad_arguments_give_a_clear_error_not_a_traceback(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CONSOLE_TOKEN", raising=False)
    assert app_main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "error" in err and "Traceback" not in err


def test_embedded_gateway_options_pass_through(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[dict[str, object]] = []

    def temporary(**kwargs: object) -> EmbeddedGateway:
        asked.append(kwargs)
        raise OSError("not in this test")

    monkeypatch.setattr(EmbeddedGateway, "temporary", staticmethod(temporary))
    args = ["--scenario", "single_queue", "--seed", "7", "--speed", "42", "--start", "2026-03-02T00:00:00Z"]
    assert app_main([*args, "--lang", "zh_CN"]) == 1  # the demo centre speaks the interface language
    assert app_main(["--lang", "en"]) == 1
    assert asked == [
        {
            "scenario": "single_queue",
            "seed": 7,
            "speed": 42.0,
            "start": "2026-03-02T00:00:00Z",
            "lang": "zh_CN",
        },
        {"scenario": "bank", "seed": 1, "speed": 10.0, "start": None, "lang": "en"},
    ]
    assert "cannot start the embedded gateway: not in this test" in capsys.readouterr().err


def test_feed_with_the_token_from_the_environment(
    config: GatewayConfig, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``--feed`` without ``--token``: CONSOLE_TOKEN signs the console in (run as a user runs it)."""
    caplog.set_level(logging.INFO, logger="console.gateway")
    shot = tmp_path / "feed.png"
    with GatewayThread(config) as gw:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CONSOLE_TOKEN": token(Role.VIEWER)}
        code = "import sys; from console.app import main; sys.exit(main(sys.argv[1:]))"
        args = [
            "--feed",
            gw.url,
            "--screenshot",
            str(shot),
            "--after",
            "1.5",
            "--settings",
            str(tmp_path / "f.ini"),
        ]
        out = subprocess.run(
            [sys.executable, "-c", code, *args],
            check=False,  # the return code is asserted with stderr
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert out.returncode == 0, out.stderr
    assert "embedded gateway" not in out.stdout and shot.stat().st_size > 10_000
    assert any("connected as viewer1 (viewer), snapshot" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("wallboard", [False, True], ids=["console", "wallboard"])
def test_feed_with_the_token_from_a_private_file(
    config: GatewayConfig, tmp_path: Path, caplog: pytest.LogCaptureFixture, wallboard: bool
) -> None:
    """``--token-file``: signs in the console and the wall display; no token on the command line."""
    caplog.set_level(logging.INFO, logger="console.gateway")
    shot = tmp_path / "feed.png"
    token_file = tmp_path / "token"
    token_file.write_text(token(Role.VIEWER) + "\n")
    token_file.chmod(0o644)
    code = "import sys; from console.app import main; sys.exit(main(sys.argv[1:]))"
    with GatewayThread(config) as gw:
        env = {k: v for k, v in os.environ.items() if k != "CONSOLE_TOKEN"}
        env["QT_QPA_PLATFORM"] = "offscreen"
        args = [
            "--feed",
            gw.url,
            "--token-file",
            str(token_file),
            "--screenshot",
            str(shot),
            "--after",
            "1.5",
        ]
        args += ["--settings", str(tmp_path / "f.ini"), *(["--wallboard"] if wallboard else [])]

        def console() -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-c", code, *args],
                check=False,  # the return code is asserted with stderr
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )

        refused = console()
        assert refused.returncode == 2 and "may be read by other users (mode 644)" in refused.stderr
        token_file.chmod(0o600)
        out = console()
    assert out.returncode == 0, out.stderr
    assert "warning" not in out.stderr and shot.stat().st_size > 10_000
    assert any("connected as viewer1 (viewer), snapshot" in r.getMessage() for r in caplog.records)
