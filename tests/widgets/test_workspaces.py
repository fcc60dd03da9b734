"""Workspaces per role (View ▸ Workspace) at 1366×768: docks, the queue rows, their own layouts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget
from pytestqt.qtbot import QtBot

from console.application.live import LiveFeed
from console.domain.permissions import Role
from console.domain.workspaces import Workspace
from console.input_files import SETTINGS_MARKER, SETTINGS_MARKER_KEY
from console.widgets.main_window import DEFAULT_SIZE, LAYOUT_VERSION, MainWindow
from tests.helpers.consoles import Consoles
from tests.helpers.floor_sources import driven_source
from tests.helpers.gateway import GatewayThread, make_config

LAPTOP = (1366, 768)


def laptop_window(qtbot: QtBot, settings: Path) -> MainWindow:
    window = MainWindow(driven_source(), settings_path=settings)
    qtbot.addWidget(window)
    window.resize(*LAPTOP)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.width() == LAPTOP[0] and window.height() == LAPTOP[1], timeout=2_000)
    settle(qtbot, window)
    return window


def settle(qtbot: QtBot, window: MainWindow) -> None:
    """The default sizes (applied after the first show) and the layout have taken effect."""
    qtbot.waitUntil(lambda: not window._default_sizes_due, timeout=2_000)
    qtbot.wait(20)
    QApplication.processEvents()


def current(window: MainWindow) -> Workspace:
    return window.workspace


def role_of(window: MainWindow) -> str | None:
    feed = window.feed
    return feed.status.role if isinstance(feed, LiveFeed) else None


def shown(window: MainWindow) -> set[str]:
    """The docks that are on (front or behind a tab), by object name."""
    return {d.objectName() for d in window.findChildren(QDockWidget) if not d.isHidden()}


def in_front(window: MainWindow) -> set[str]:
    return {d.objectName() for d in window.findChildren(QDockWidget) if d.isVisible()}


def queue_rows_in_view(window: MainWindow) -> bool:
    view = window.queues.view
    viewport = view.viewport().rect()
    model = view.model()
    rows = model.rowCount()
    return rows == len(window.feed.state.queues) + 1 and all(
        viewport.contains(view.visualRect(model.index(row, 0))) for row in range(rows)
    )


def test_each_workspace_shows_its_docks_at_1366_by_768(qtbot: QtBot, tmp_path: Path) -> None:
    window = laptop_window(qtbot, tmp_path / "layout.ini")
    assert current(window) is Workspace.FLOOR  # no role: the floor
    assert window.workspace_actions[Workspace.FLOOR].isChecked()
    floor_docks = {"agentsDock", "breachesDock", "waitingCallsDock", "casesDock", "auditDock", "alertsDock"}
    assert shown(window) == floor_docks
    assert {"agentsDock", "breachesDock"} <= in_front(window)
    # Every queue and the centre total without scrolling: 6 queues in the bank scenario.
    assert len(window.feed.state.queues) == 6
    qtbot.waitUntil(lambda: queue_rows_in_view(window), timeout=2_000)
    assert window.queues.view.verticalScrollBar().maximum() == 0
    assert window.charts.isVisible()

    window.workspace_actions[Workspace.WORK].trigger()
    settle(qtbot, window)
    assert current(window) is Workspace.WORK
    assert shown(window) == {
        "agentsDock",
        "casesDock",
        "auditDock",
        "waitingCallsDock",
        "breachesDock",
        "alertsDock",
    }
    assert {"agentsDock", "casesDock", "auditDock"} <= in_front(window)
    right = Qt.DockWidgetArea.RightDockWidgetArea
    assert window.dockWidgetArea(window.cases_dock) == window.dockWidgetArea(window.agents_dock) == right
    cases, agents = window.cases_dock.geometry(), window.agents_dock.geometry()
    assert cases.right() < agents.left() and abs(cases.top() - agents.top()) < 5  # side by side
    assert window.actions_today_dock.geometry().top() > cases.bottom()  # below them
    assert not window.charts.isVisible()  # the Floor's: their room goes to the docks
    assert window.width() == LAPTOP[0]

    window.workspace_actions[Workspace.QUALITY].trigger()
    settle(qtbot, window)
    assert current(window) is Workspace.QUALITY
    assert shown(window) == {"agentsDock", "breachesDock", "qualityReviewDock", "callHistoryDock"}
    assert {"agentsDock", "qualityReviewDock"} <= in_front(window)
    bottom = Qt.DockWidgetArea.BottomDockWidgetArea
    assert window.dockWidgetArea(window.review_dock) == bottom
    assert window.dockWidgetArea(window.history_dock) == bottom
    assert window.review_dock.height() >= LAPTOP[1] // 3  # large
    assert window.width() == LAPTOP[0]

    # A hidden dock can still be shown from the View menu.
    window.cases_dock.toggleViewAction().trigger()
    assert not window.cases_dock.isHidden()
    window.save_on_close = False
    window.close()


def test_each_workspace_keeps_its_own_layout_and_the_choice_persists(qtbot: QtBot, tmp_path: Path) -> None:
    settings = tmp_path / "layout.ini"
    window = laptop_window(qtbot, settings)
    floor_agents = window.agents_dock.width()

    window.set_workspace(Workspace.WORK)
    settle(qtbot, window)
    horizontal = Qt.Orientation.Horizontal
    window.resizeDocks([window.cases_dock], [window.cases_dock.width() - 80], horizontal)
    qtbot.waitUntil(lambda: window.cases_dock.width() > 0, timeout=1_000)
    QApplication.processEvents()
    work_cases = window.cases_dock.width()

    window.set_workspace(Workspace.FLOOR)
    settle(qtbot, window)
    assert window.agents_dock.width() == floor_agents  # the floor's own, untouched by Work's change
    assert window.review_dock.isHidden() and not window.breaches_dock.isHidden()
    qtbot.waitUntil(lambda: queue_rows_in_view(window), timeout=2_000)

    window.set_workspace(Workspace.WORK)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.cases_dock.width() == work_cases, timeout=2_000)
    window.close()  # saves, Work current

    again = MainWindow(driven_source(), settings_path=settings)
    qtbot.addWidget(again)
    # Restored as saved on a screen that holds it (the offscreen screen, 800 px, would shrink it).
    again.resize(*LAPTOP)
    again.show()
    qtbot.waitExposed(again)
    settle(qtbot, again)
    assert current(again) is Workspace.WORK and again.workspace_actions[Workspace.WORK].isChecked()
    qtbot.waitUntil(lambda: again.cases_dock.width() == work_cases, timeout=2_000)
    assert again.review_dock.isHidden()
    again.set_workspace(Workspace.FLOOR)
    settle(qtbot, again)
    assert again.agents_dock.width() == floor_agents

    # Reset layout: the current workspace's defaults (docks moved out of place come back).
    again.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, again.agents_dock)
    again.reset_layout()
    assert again.dockWidgetArea(again.agents_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert again.review_dock.isHidden()
    again.save_on_close = False
    again.close()


def test_the_signed_in_role_picks_the_first_workspace(
    qtbot: QtBot, consoles: Consoles, tmp_path: Path
) -> None:
    with GatewayThread(make_config(tmp_path)) as gw:
        manager = consoles.open(gw.url, Role.MANAGER)
        quality = consoles.open(gw.url, Role.QUALITY)
        supervisor = consoles.open(gw.url, Role.SUPERVISOR)
        qtbot.waitUntil(lambda: current(manager) is Workspace.WORK, timeout=15_000)
        qtbot.waitUntil(lambda: current(quality) is Workspace.QUALITY, timeout=15_000)
        assert not manager.cases_dock.isHidden() and manager.review_dock.isHidden()
        assert not quality.review_dock.isHidden() and quality.cases_dock.isHidden()
        assert quality.workspace_actions[Workspace.QUALITY].isChecked()
        qtbot.waitUntil(lambda: role_of(supervisor) == "supervisor", timeout=15_000)
        assert current(supervisor) is Workspace.FLOOR

        # The user's choice wins over the role's at the next start.
        manager.workspace_actions[Workspace.QUALITY].trigger()
        manager.close()
        again = consoles.open(gw.url, Role.MANAGER)
        qtbot.waitUntil(lambda: role_of(again) == "manager", timeout=15_000)
        QApplication.processEvents()
        assert current(again) is Workspace.QUALITY


@pytest.mark.parametrize("workspace", list(Workspace))
def test_each_workspace_opens_at_the_asked_size(qtbot: QtBot, tmp_path: Path, workspace: Workspace) -> None:
    """The workspace saved last, restored at start-up, opens as wide as asked (and may be narrower).

    Work once opened some 400 px wider: its docks moved in beside a central widget whose minimum
    still counted the charts it hides.
    """
    settings = tmp_path / "layout.ini"
    settings.write_text(
        f"[General]\n{SETTINGS_MARKER_KEY}={SETTINGS_MARKER}\n"  # the console's own file (it may write it)
        f"[layout]\nversion={LAYOUT_VERSION}\n[workspace]\ncurrent={workspace.value}\n"
    )
    window = MainWindow(driven_source(), settings_path=settings, save_on_close=False)
    qtbot.addWidget(window)
    assert current(window) is workspace
    assert window.width() == DEFAULT_SIZE[0]
    window.resize(*LAPTOP)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    assert (window.width(), window.height()) == LAPTOP
    assert window.minimumSizeHint().width() <= LAPTOP[0]
    assert window.minimumWidth() <= LAPTOP[0]
    window.close()
