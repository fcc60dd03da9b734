"""Each workspace at 1366×768 and 1920×1080: every queue row, the key columns whole, a usable search.

Measured on the widgets (``tests.helpers.fit``): a key column lies inside its table's viewport and
is as wide as its title and its widest cell need in their fonts, as the wall display's labels are.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDockWidget, QTableView
from pytestqt.qtbot import QtBot

from console.application.floor_source import FloorSource
from console.domain.clock import iso, to_ms
from console.domain.entities import CallOutcome, CompletedCall, Flag, FlagCategory, FlagSeverity
from console.domain.events import CallQueued, FlagCreated, make_event
from console.domain.workspaces import Workspace
from console.input_files import SETTINGS_MARKER, SETTINGS_MARKER_KEY
from console.widgets.floor.agent_board import Col as AgentCol
from console.widgets.floor.queue_overview import Col as QueueCol
from console.widgets.main_window import LAYOUT_VERSION, MainWindow
from console.widgets.quality.call_history import HistCol
from console.widgets.quality.review import FlagCol
from console.widgets.work.cases_panel import CaseCol
from console.widgets.work.waiting_calls import CallCol
from tests.helpers.fit import cut_cells, text_width
from tests.helpers.floor_sources import driven_source

SIZES = ((1366, 768), (1920, 1080))


def busy_source() -> FloorSource:
    """The simulated morning with calls waiting in every queue and a flag of every kind."""
    source = driven_source()
    state = source.state
    now = to_ms(state.at or "")
    queues = list(state.queues)
    agents = list(state.agents.values())
    payloads: list[object] = [
        CallQueued(call_id=f"W{n:07d}", queue_id=queue, priority=n % 11, caller="138****5678")
        for n, queue in enumerate(queues * 3)
    ]
    for n, (category, severity) in enumerate(zip(list(FlagCategory), list(FlagSeverity) * 2, strict=False)):
        agent = agents[n * 7 % len(agents)]
        payloads.append(
            FlagCreated(
                flag=Flag(
                    id=f"F-{n:06d}",
                    call_id=f"K{n:07d}",
                    queue_id=queues[n % len(queues)],
                    agent_id=agent.id,
                    team=agent.team,
                    caller="138****5678",
                    call_started_at=iso(now - 600_000),
                    category=category,
                    severity=severity,
                    note="",
                    moment_s=None,
                    flagged_by="quality1",
                    flagged_at=iso(now - 60_000 * n),
                )
            )
        )
    source.apply([make_event(state.seq + n, state.at or "", p) for n, p in enumerate(payloads, start=1)])
    return source


def completed_calls(source: FloorSource) -> list[CompletedCall]:
    now = to_ms(source.state.at or "")
    queues = list(source.state.queues)
    calls = []
    for n, agent in enumerate(source.state.agents.values()):
        entered = now - n * 61_000
        outcome = list(CallOutcome)[n % len(CallOutcome)]
        calls.append(
            CompletedCall(
                id=f"K{n:07d}",
                queue_id=queues[n % len(queues)],
                agent_id=agent.id,
                caller="138****5678",
                priority=0,
                entered_at=iso(entered),
                answered_at=iso(entered + 12_000),
                ended_at=iso(entered + 3_725_000),
                outcome=outcome,
                wait_s=12.0,
                talk_s=3_713.0,
                duration_s=3_725.0,
            )
        )
    return calls


def open_workspace(qtbot: QtBot, tmp_path: Path, workspace: Workspace, size: tuple[int, int]) -> MainWindow:
    settings = tmp_path / f"{workspace.value}-{size[0]}.ini"
    settings.write_text(
        f"[General]\n{SETTINGS_MARKER_KEY}={SETTINGS_MARKER}\n"  # the console's own file (it may write it)
        f"[layout]\nversion={LAYOUT_VERSION}\n[workspace]\ncurrent={workspace.value}\n"
    )
    source = busy_source()
    window = MainWindow(source, settings_path=settings, save_on_close=False)
    qtbot.addWidget(window)
    window.history.model.set_calls(completed_calls(source))
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window._default_sizes_due, timeout=2_000)
    qtbot.wait(20)
    QApplication.processEvents()
    assert (window.width(), window.height()) == size
    return window


def queue_rows_shown(window: MainWindow) -> bool:
    view = window.queues.view
    viewport = view.viewport().rect()
    model = view.model()
    rows = model.rowCount()
    return rows == len(window.feed.state.queues) + 1 and all(
        viewport.contains(view.visualRect(model.index(row, 0))) for row in range(rows)
    )


def key_columns(window: MainWindow) -> dict[str, tuple[QDockWidget | None, QTableView, tuple[int, ...]]]:
    # On a full-HD screen the Floor workspace shows every queue figure without scrolling sideways.
    wide_floor = window.workspace is Workspace.FLOOR and window.width() >= 1920
    queue_columns = (
        tuple(QueueCol) if wide_floor else (QueueCol.QUEUE, QueueCol.WAITING, QueueCol.LONGEST_WAIT)
    )
    return {
        "queues": (None, window.queues.view, queue_columns),
        "agents": (
            window.agents_dock,
            window.agents.view,
            (AgentCol.AGENT, AgentCol.STATE, AgentCol.TIME, AgentCol.CALL),
        ),
        "cases": (
            window.cases_dock,
            window.cases.view,
            (CaseCol.CASE, CaseCol.ALERT, CaseCol.ASSIGNEE, CaseCol.FIRST_RESPONSE),
        ),
        "waiting calls": (window.waiting_dock, window.waiting.view, tuple(CallCol)),
        "call history": (
            window.history_dock,
            window.history.view,
            (HistCol.TIME, HistCol.CALL, HistCol.AGENT, HistCol.DURATION, HistCol.OUTCOME),
        ),
        "review queue": (
            window.review_dock,
            window.review.view,
            (FlagCol.FLAG, FlagCol.FLAGGED_AT, FlagCol.STATUS, FlagCol.SEVERITY, FlagCol.CATEGORY),
        ),
    }


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("workspace", list(Workspace))
def test_every_queue_row_and_the_key_columns_are_shown_whole(
    qtbot: QtBot, tmp_path: Path, workspace: Workspace, size: tuple[int, int]
) -> None:
    window = open_workspace(qtbot, tmp_path, workspace, size)
    qtbot.waitUntil(lambda: queue_rows_shown(window), timeout=2_000)
    assert window.queues.view.verticalScrollBar().maximum() == 0
    measured = []
    cut: dict[str, list[str]] = {}
    for name, (dock, view, columns) in key_columns(window).items():
        if dock is not None:
            if dock.isHidden():  # not part of this workspace (the View menu still has it)
                continue
            dock.raise_()  # the front tab
            qtbot.waitUntil(view.isVisible, timeout=1_000)
            QApplication.processEvents()
        assert view.model().rowCount() > 0, name
        measured.append(name)
        if problems := cut_cells(view, columns):
            cut[name] = problems
    assert not cut, cut
    expected = {
        Workspace.FLOOR: {"queues", "agents", "cases", "waiting calls"},
        Workspace.WORK: {"queues", "agents", "cases", "waiting calls"},
        Workspace.QUALITY: {"queues", "agents", "call history", "review queue"},
    }
    assert set(measured) == expected[workspace]
    # The agent board's search box reads its whole hint, never "S…".
    search = window.agents.search_edit
    assert search.isVisible()
    assert search.width() >= text_width(search.font(), search.placeholderText()) + 20
    window.close()
