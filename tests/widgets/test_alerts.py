"""Alerts in the console: a threshold crossing raises an entry in the Alerts list and clears it,
acknowledgement, thresholds edited in the dialog that persist, and the wall display taking them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.app import build_parser, wallboard_layout
from console.application.floor_source import FloorSource
from console.domain.alerts import AlertSettings, What
from console.domain.clock import iso, to_ms
from console.domain.entities import Agent, AgentState, Centre, Queue
from console.domain.events import AgentStateChanged, CallAnswered, CallQueued, make_event
from console.domain.figures.queues import STATE_LIMITS_S, Level, QueueFigures
from console.domain.state import Snapshot
from console.domain.wallboard import Limits, Metric, MetricLimits, ThresholdConfig, default_layout
from console.widgets.floor.agent_board import Col as ACol
from console.widgets.floor.alerts_panel import Col
from console.widgets.floor.queue_overview import Col as QCol
from console.widgets.floor.thresholds_dialog import load_alert_settings, store_alert_settings
from console.widgets.main_window import MainWindow, open_settings
from console.widgets.wallboard.tiles import QueueTile
from console.widgets.wallboard.window import WallboardWindow
from tests.helpers.gateway import START

T0 = to_ms(START)


def floor() -> FloorSource:
    """One queue (80 % in 20 s) and two available agents, no call yet."""
    source = FloorSource()
    source.state.load_snapshot(
        Snapshot(
            seq=10,
            at=iso(T0),
            centre=Centre(name="Alerts", timezone="UTC", day_started_at=iso(T0 - 3_600_000)),
            queues=[Queue(id="q1", name="Cards", sl_threshold_s=20, sl_target_pct=80)],
            agents=[
                Agent(
                    id=f"a{i}",
                    name=f"Agent {i}",
                    team="t",
                    skills=["q1"],
                    state=AgentState.AVAILABLE,
                    state_since=iso(T0),
                )
                for i in (1, 2)
            ],
            calls=[],
            cases=[],
        )
    )
    source.floorUpdated.emit(source.state.take_changes())
    return source


class Feed:
    """Batches and clock ticks on the feed clock, as the live feed hands them over."""

    def __init__(self, source: FloorSource) -> None:
        self.source = source
        self.seq = 10
        self.now = T0

    def send(self, at_s: float, *payloads: object) -> None:
        self.now = T0 + round(at_s * 1000)
        events = []
        for p in payloads:
            self.seq += 1
            events.append(make_event(self.seq, iso(self.now), p))
        self.source.apply(events)

    def tick(self, at_s: float) -> None:
        self.now = T0 + round(at_s * 1000)
        self.source.state.advance_clock(iso(self.now))
        self.source.clockTicked.emit()


def shown(window: MainWindow, row: int, col: Col) -> str:
    model = window.alerts.model
    return str(model.data(model.index(row, col, QModelIndex()), Qt.ItemDataRole.DisplayRole))


def open_window(qtbot: QtBot, source: FloorSource, settings: Path) -> MainWindow:
    window = MainWindow(source, settings_path=settings, save_on_close=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_threshold_crossing_raises_an_alert_that_clears_and_is_acknowledged(
    qtbot: QtBot, tmp_path: Path
) -> None:
    source = floor()
    feed = Feed(source)
    window = open_window(qtbot, source, tmp_path / "alerts.ini")
    assert window.alerts.model.rowCount() == 0 and window.alerts_dock.windowTitle() == "Alerts"
    assert not window.alerts_dock.isHidden()  # in the Floor workspace

    # A supervisor sets a critical limit of 1 call waiting for every queue.
    dialog = window.edit_thresholds()
    dialog.set_queue_limit(None, Metric.WAITING, "critical", "1")
    dialog.accept()
    assert window.alert_settings.thresholds.board.waiting == Limits(critical=1.0)

    feed.send(1, CallQueued(call_id="c1", queue_id="q1", priority=1, caller="***"))
    assert window.alerts.model.rowCount() == 0  # 1 waiting: at the limit, not past it
    feed.send(2, CallQueued(call_id="c2", queue_id="q1", priority=1, caller="***"))
    qtbot.waitUntil(lambda: window.alerts.model.rowCount() == 1, timeout=2_000)
    alert = window.alert_book.alerts[0]
    assert (alert.what, alert.subject_id, alert.started_at_ms) == (What.WAITING, "q1", T0 + 2000)
    assert shown(window, 0, Col.WHAT) == "Calls waiting" and shown(window, 0, Col.SUBJECT) == "Cards"
    assert shown(window, 0, Col.LEVEL) == "Critical" and shown(window, 0, Col.ENDED) == "active"
    assert shown(window, 0, Col.STARTED) == iso(T0 + 2000)[11:19]
    assert window.alerts_dock.windowTitle() == "Alerts (1)" and window.alerts_button.text() == "Alerts: 1"
    assert window.alerts_button.isVisible()
    assert len(window.notifications) == 1 and "Cards" in window.notifications[0][1]
    # The queue overview colours the same cell by the same limit.
    overview = window.queues.model
    waiting_cell = overview.index(0, QCol.WAITING, QModelIndex())
    assert overview.data(waiting_cell, Qt.ItemDataRole.BackgroundRole) is not None

    # One answered: 1 waiting, the alert ends.
    feed.send(5, CallAnswered(call_id="c1", agent_id="a1"))
    qtbot.waitUntil(lambda: shown(window, 0, Col.ENDED) == iso(T0 + 5000)[11:19], timeout=2_000)
    assert window.alerts_dock.windowTitle() == "Alerts" and window.alerts_button.text() == "Alerts: 0"
    assert overview.data(waiting_cell, Qt.ItemDataRole.BackgroundRole) is None

    # Back within the 30 s hold: the same alert goes on, no second notification.
    feed.send(20, CallQueued(call_id="c3", queue_id="q1", priority=1, caller="***"))
    qtbot.waitUntil(lambda: shown(window, 0, Col.ENDED) == "active", timeout=2_000)
    assert window.alerts.model.rowCount() == 1 and len(window.notifications) == 1

    # Acknowledged from the list: still listed and active, no longer counted.
    assert window.alerts.select_alert(alert.id)
    assert window.alerts.acknowledge_button.isEnabled()
    window.alerts.acknowledge_button.click()
    qtbot.waitUntil(
        lambda: shown(window, 0, Col.ACKNOWLEDGED).endswith(iso(T0 + 20_000)[11:19]), timeout=2_000
    )
    assert alert.acknowledged_by and shown(window, 0, Col.ENDED) == "active"
    assert window.alerts_dock.windowTitle() == "Alerts" and window.alerts_button.text() == "Alerts: 0"
    assert not window.alerts.acknowledge_button.isEnabled()


def test_an_agent_not_ready_past_the_limit_alerts_and_the_context_menu_acknowledges(
    qtbot: QtBot, tmp_path: Path
) -> None:
    source = floor()
    feed = Feed(source)
    window = open_window(qtbot, source, tmp_path / "agents.ini")
    feed.send(10, AgentStateChanged(agent_id="a2", state=AgentState.NOT_READY, reason="coaching"))
    critical = STATE_LIMITS_S["not_ready:coaching"][1]
    feed.tick(10 + critical - 1)
    assert window.alerts.model.rowCount() == 0
    feed.tick(10 + critical + 1)
    qtbot.waitUntil(lambda: window.alerts.model.rowCount() == 1, timeout=2_000)
    assert shown(window, 0, Col.WHAT) == "Not ready too long (Coaching)"
    assert shown(window, 0, Col.STARTED) == iso(T0 + round((10 + critical) * 1000))[11:19]
    # The context menu's Acknowledge does it too.
    window.alerts.view.selectRow(0)
    window.alerts.acknowledge_action.trigger()
    assert window.alert_book.nagging == 0 and window.alert_book.alerts[0].acknowledged


def test_edited_thresholds_persist_and_colour_the_next_window(qtbot: QtBot, tmp_path: Path) -> None:
    settings = tmp_path / "persist.ini"
    first = open_window(qtbot, floor(), settings)
    dialog = first.edit_thresholds()
    dialog.set_queue_limit("q1", Metric.LONGEST_WAIT, "warning", "30")
    dialog.set_queue_limit("q1", Metric.LONGEST_WAIT, "critical", "40")
    dialog.set_agent_limit("not_ready:coaching", "critical", "20")
    dialog.accept()
    first.close()

    second = open_window(qtbot, floor(), settings)
    expected = AlertSettings(
        ThresholdConfig(queues={"q1": MetricLimits(longest_wait=Limits(warning=30, critical=40))}),
        agent_limits={"not_ready:coaching": Limits(critical=1200)},
    )
    assert second.alert_settings == expected
    assert second.queues.model.thresholds == expected.thresholds
    assert second.agents._model.state_limits["not_ready:coaching"][1] == 1200
    # The agent board's red square moves with it: coaching for 21 minutes is critical now.
    feed = Feed(second.feed)
    feed.send(1, AgentStateChanged(agent_id="a1", state=AgentState.NOT_READY, reason="coaching"))
    feed.tick(1 + 21 * 60)
    board = second.agents.view.model()
    row = next(
        r
        for r in range(board.rowCount())
        if board.index(r, ACol.ID).data(Qt.ItemDataRole.DisplayRole) == "a1"
    )
    qtbot.waitUntil(
        lambda: board.index(row, ACol.TIME).data(Qt.ItemDataRole.BackgroundRole) is not None, timeout=2_000
    )
    qtbot.waitUntil(lambda: second.alert_book.active == 1, timeout=2_000)


def test_a_wrong_threshold_is_refused_with_where_and_why(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_window(qtbot, floor(), tmp_path / "wrong.ini")
    dialog = window.edit_thresholds()
    dialog.set_queue_limit("q1", Metric.SERVICE_LEVEL, "warning", "70")
    dialog.set_queue_limit("q1", Metric.SERVICE_LEVEL, "critical", "80")
    dialog.accept()
    assert (
        dialog.isVisible()
        and "Cards" in dialog.problem()
        and "lower service level is worse" in dialog.problem()
    )
    dialog.set_queue_limit("q1", Metric.SERVICE_LEVEL, "critical", "lots")
    dialog.accept()
    assert "not a number" in dialog.problem()
    dialog.reject()
    assert load_alert_settings(open_settings(tmp_path / "wrong.ini")) == AlertSettings()


def test_the_wall_display_takes_the_settings_thresholds_and_its_layout_beats_them(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = tmp_path / "wall.ini"
    store_alert_settings(
        open_settings(settings),
        AlertSettings(ThresholdConfig(board=MetricLimits(longest_wait=Limits(warning=30, critical=40)))),
    )
    cards = QueueFigures(queue_id="q1", name="Cards", sl_threshold_s=20, sl_target_pct=80)
    args = build_parser().parse_args(["--wallboard", "--settings", str(settings)])
    layout = wallboard_layout(args)
    assert layout.thresholds.limits_for(cards).longest_wait == Limits(warning=30, critical=40)

    override = tmp_path / "layout.toml"
    override.write_text(
        '[[pages]]\ntitle = "Q"\ntiles = [{ kind = "queue", queue = "*" }]\n\n'
        "[thresholds.queues.q1]\nlongest_wait = { critical = 90 }\n",
        encoding="utf-8",
    )
    args = build_parser().parse_args(["--wallboard", "--settings", str(settings), "--layout", str(override)])
    overridden = wallboard_layout(args)
    assert overridden.thresholds.limits_for(cards).longest_wait == Limits(warning=30, critical=90)

    # On the board: a 45 s wait is critical by the settings' limits, a warning under the layout's.
    source = floor()
    Feed(source).send(0, CallQueued(call_id="c1", queue_id="q1", priority=1, caller="***"))
    source.state.advance_clock(iso(T0 + 45_000))
    for chosen, level in ((layout, Level.CRITICAL), (overridden, Level.WARNING)):
        board = WallboardWindow(source, dataclasses.replace(chosen, pages=default_layout().pages[:1]))
        qtbot.addWidget(board)
        board.resize(1280, 720)
        board.show()
        board.refresh()
        QApplication.processEvents()
        tile = next(t for t in board.pages[0].tiles if t.tile.key == "queue:q1")
        assert isinstance(tile, QueueTile) and tile.levels.longest_wait is level
        board.close()
