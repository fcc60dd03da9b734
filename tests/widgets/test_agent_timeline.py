"""The agent drill-down: a double click on the agent board opens the agent's day (real gateway)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from console.application.live import LiveFeed
from console.domain.clock import to_ms
from console.domain.entities import AgentState
from console.domain.permissions import Role
from console.domain.timeline import ItemKind
from console.widgets.common.fmt import duration
from console.widgets.floor.agent_timeline import AgentTimelineDialog, TimelineModel
from console.widgets.main_window import MainWindow
from tests.helpers.consoles import Consoles
from tests.helpers.gateway import GatewayThread, make_config


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayThread]:
    with GatewayThread(make_config(tmp_path_factory.mktemp("timeline"))) as g:
        yield g


def settle(qtbot: QtBot, window: MainWindow) -> None:
    feed = window.feed
    assert isinstance(feed, LiveFeed)
    qtbot.waitUntil(
        lambda: (
            feed.status.role is not None and sum(q.today.handled for q in feed.state.queues.values()) >= 10
        ),
        timeout=30_000,
    )


def double_click_agent(qtbot: QtBot, window: MainWindow, agent_id: str) -> None:
    board = window.agents
    window.agents_dock.raise_()
    row = board.model.rows.row_of(agent_id)
    assert row is not None
    source = board.model.index(row, 0, QModelIndex())
    index = board.proxy.mapFromSource(source)
    board.view.scrollTo(index)
    rect = board.view.visualRect(index)
    assert rect.isValid() and board.view.viewport().isVisible()
    # A press on the row first: an item view takes a double click only on the index it was pressed on.
    QTest.mouseClick(board.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(board.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_double_click_opens_the_agents_day_and_it_grows_with_the_clock(
    qtbot: QtBot, consoles: Consoles, gw: GatewayThread
) -> None:
    sup = consoles.open(gw.url, Role.SUPERVISOR, save_on_close=False)
    settle(qtbot, sup)
    state = sup.feed.state
    # An agent wrapping a call up: one completed call at least today.
    qtbot.waitUntil(lambda: any(a.state is AgentState.WRAP_UP for a in state.agents.values()), timeout=20_000)
    agent_id = min(a.id for a in state.agents.values() if a.state is AgentState.WRAP_UP)
    double_click_agent(qtbot, sup, agent_id)
    qtbot.waitUntil(lambda: agent_id in sup.timelines.dialogs, timeout=5_000)
    dialog = sup.timelines.dialogs[agent_id]
    assert isinstance(dialog, AgentTimelineDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.day is not None and not dialog.pending, timeout=10_000)
    day = dialog.day
    assert day is not None and dialog.last_error == ""
    # The spells run end to start from the day's start; the last is the agent's state now.
    assert day.spells and day.day_start_ms is not None and day.spells[0].start_ms >= day.day_start_ms
    for before, after in zip(day.spells, day.spells[1:], strict=False):
        assert before.end_ms == after.start_ms
    agent = state.agents[agent_id]
    assert day.spells[-1].end_ms is None
    assert agent.state_since is not None
    # The floor may have moved on since the answer: the dialog follows it.
    qtbot.waitUntil(
        lambda: (
            dialog.day is not None
            and dialog.day.spells[-1].state is state.agents[agent_id].state
            and dialog.day.spells[-1].start_ms == to_ms(state.agents[agent_id].state_since or "")
        ),
        timeout=5_000,
    )
    assert any(s.state in (AgentState.ON_CALL, AgentState.WRAP_UP) for s in day.spells)
    # The table lists every item; the states in the agent board's words.
    model = dialog.model
    assert dialog.day is not None
    assert model.rowCount() == len(dialog.day.items()) >= len(day.spells)
    whats = [model.text(i, TimelineModel.WHAT) for i in model.items if i.kind is ItemKind.STATE]
    assert "On call" in whats or "Wrap-up" in whats
    assert any(i.kind is ItemKind.CALL for i in model.items)
    # The open spell's duration grows with the feed clock.
    open_row = next(r for r, i in enumerate(model.items) if i.kind is ItemKind.STATE and i.end_ms is None)
    assert model.text(model.items[open_row], TimelineModel.END) == "now"
    first_now = model.now_ms
    qtbot.waitUntil(lambda: dialog.model.now_ms >= first_now + 5_000, timeout=10_000)
    grown = next(i for i in dialog.model.items if i.kind is ItemKind.STATE and i.end_ms is None)
    expected = duration((dialog.model.now_ms - grown.start_ms) / 1000)
    assert dialog.model.text(grown, TimelineModel.DURATION) == expected
    assert not dialog.band.grab().isNull()
    assert "calls" in dialog.heading.text()
    # Opening it again raises the same dialog; the context menu offers it too.
    assert sup.timelines.open(agent_id) is dialog
    menu = sup.work.agent_menu(agent_id)
    action = next(a for a in menu.actions() if a.objectName() == "agentTimelineAction")
    assert action.isEnabled()
    dialog.close()
    qtbot.waitUntil(lambda: agent_id not in sup.timelines.dialogs, timeout=5_000)
    action.trigger()
    qtbot.waitUntil(lambda: agent_id in sup.timelines.dialogs, timeout=5_000)
    sup.timelines.dialogs[agent_id].close()


def test_a_viewer_is_told_it_may_not_and_nothing_is_asked(
    qtbot: QtBot, consoles: Consoles, gw: GatewayThread
) -> None:
    viewer = consoles.open(gw.url, Role.VIEWER, save_on_close=False)
    feed = viewer.feed
    assert isinstance(feed, LiveFeed)
    qtbot.waitUntil(lambda: feed.status.role is not None and bool(feed.state.agents), timeout=30_000)
    agent_id = min(feed.state.agents)
    menu = viewer.work.agent_menu(agent_id)
    action = next(a for a in menu.actions() if a.objectName() == "agentTimelineAction")
    assert not action.isEnabled()
    double_click_agent(qtbot, viewer, agent_id)
    qtbot.waitUntil(lambda: agent_id in viewer.timelines.dialogs, timeout=5_000)
    dialog = viewer.timelines.dialogs[agent_id]
    assert dialog.day is None and not dialog.pending
    assert dialog.last_error == "Your role may not see agents' timelines"
    assert dialog.status.text() == dialog.last_error
    dialog.close()
