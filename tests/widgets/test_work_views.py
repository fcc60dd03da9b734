"""Reassigning work, the views: cases, waiting calls, actions today, the picker, drops and commands.

The floor is the simulated bank driven through a ``FloorSource`` (as in
test_tables). Commands go to a fake command sink that answers with acks on the
next turn of the event loop, as the live feed does; the round trip through a
real gateway is in test_reassign_console.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec
import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QIcon
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.application.floor_source import FloorSource
from console.domain.actions import ActionName
from console.domain.assignment import DEFAULT_AT_RISK_S, candidates, next_due_ms, reassign_warnings
from console.domain.cases import CaseFilter, DeadlineFilter
from console.domain.clock import iso, to_ms
from console.domain.entities import (
    Agent,
    AgentState,
    Call,
    CallState,
    Case,
    CaseStatus,
    Centre,
    Queue,
)
from console.domain.events import (
    ActionApplied,
    AgentPending,
    AgentRemoved,
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallMoved,
    CallQueued,
    CallRinging,
    CaseCreated,
    CaseUpdated,
    CentreConfigured,
    make_event,
)
from console.domain.figures.queues import Level
from console.domain.state import FloorState
from console.feeds.client.feed_client import ConnState, FeedStatus
from console.widgets.common import fmt
from console.widgets.common.dnd import cases_from_mime, cases_mime
from console.widgets.floor.agent_board import AGENT_ID_ROLE, AgentBoard
from console.widgets.floor.agent_board import Col as ACol
from console.widgets.main_window import MainWindow
from console.widgets.work.actions_today import ActionCol, ActionsTodayPanel
from console.widgets.work.cases_panel import TIME_COLUMNS, CaseCol, CasesPanel
from console.widgets.work.controller import WorkController
from console.widgets.work.dialogs import (
    AgentStateDialog,
    ConfirmBox,
    ConflictDialog,
    MoveCallDialog,
    ReassignDialog,
)
from console.widgets.work.waiting_calls import CallCol, WaitingCallsPanel
from tests.helpers.floor_sources import SimulatedFloor
from tests.helpers.qt import Resets, drop_on, texts
from tests.helpers.translation import MARK, PseudoTranslator, shown_texts

DISPLAY = Qt.ItemDataRole.DisplayRole
FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


@pytest.fixture
def floor() -> SimulatedFloor:
    return SimulatedFloor()


def shown(panel: CasesPanel) -> list[str]:
    return panel.model.case_ids()


def column(model: QAbstractItemModel, col: int) -> list[str]:
    return [str(model.data(model.index(r, col), DISPLAY)) for r in range(model.rowCount())]


# -- the cases view ---------------------------------------------------------------------------------


def test_models_pass_pytest_qts_model_tester_while_the_floor_runs(
    qtbot: QtBot, qtmodeltester: ModelTester, floor: SimulatedFloor
) -> None:
    cases = CasesPanel(floor.source)
    calls = WaitingCallsPanel(floor.source)
    audit = ActionsTodayPanel(floor.source)
    for w in (cases, calls, audit):
        qtbot.addWidget(w)
    floor.bootstrap()
    picker = ReassignDialog(floor.source, list(floor.state.cases)[:5])
    qtbot.addWidget(picker)
    models: list[QAbstractItemModel] = [
        cases.model,
        calls.model,
        calls.proxy,
        audit.model,
        audit.proxy,
        picker.model,
    ]
    # pytest-qt's Python tester follows one model at a time: the cases model, the one written from scratch.
    qtmodeltester.check(cases.model, force_py=True)  # type: ignore[no-untyped-call]  # pytest-qt is untyped
    testers = [QAbstractItemModelTester(m, FATAL) for m in models[1:]]
    resets = Resets(*models)
    cases.view.selectRow(3)
    floor.run(20, step_s=2)
    cases.view.sortByColumn(CaseCol.ASSIGNEE, Qt.SortOrder.DescendingOrder)  # rows move as cases change
    calls.view.sortByColumn(CallCol.WAITING, Qt.SortOrder.DescendingOrder)
    floor.send(
        *(CallQueued(call_id=f"KMT{i}", queue_id="loans", priority=i, caller="1****2") for i in range(3))
    )
    floor.run(20, step_s=2)
    cases.set_filter(CaseFilter(deadline=DeadlineFilter.BREACHED_OR_AT_RISK))
    cases.set_search("cs-0001")
    calls.set_queue_filter("loans")
    # Cases change owner (and so their place in the assignee order), one is closed, one created.
    some = [c for c in floor.state.cases.values() if c.agent_id][:6]
    agent = next(iter(floor.state.agents))
    floor.send(
        *(CaseUpdated(case_id=c.id, changes={"agent_id": agent}, version=c.version + 1) for c in some[:5]),
        CaseUpdated(case_id=some[5].id, changes={"status": "closed"}, version=some[5].version + 1),
        ActionApplied(
            command_id="x1",
            user="ann",
            role="manager",
            action="case.reassign",
            args={"case_ids": [c.id for c in some[:5]], "agent_id": agent},
            result={"moved": 5, "unchanged": 0},
        ),
    )
    cases.set_search("")
    floor.later(3600)  # deadlines pass: rows join and leave the deadline filter
    floor.run(10, step_s=2)
    cases.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    cases.set_filter(CaseFilter())
    floor.run(10, step_s=2)
    assert cases.model.rowCount() == len(floor.state.cases)
    assert audit.model.rowCount() == 1 and picker.model.rowCount() == len(floor.state.agents)
    assert resets.count == 0 and len(testers) == 5


def test_cases_filter_sort_and_search(qtbot: QtBot, floor: SimulatedFloor) -> None:
    panel = CasesPanel(floor.source)
    qtbot.addWidget(panel)
    floor.bootstrap()
    floor.run(30, step_s=3)
    state = floor.state
    cases = state.cases
    assert len(cases) > 100 and sorted(shown(panel)) == sorted(cases)
    # Default: most urgent first (the earliest deadline that still matters).
    dues = [next_due_ms(cases[c]) for c in shown(panel)]
    assert dues == sorted(dues)
    assert panel.count_label.text() == f"{len(cases):,} of {len(cases):,} open cases"

    queue = next(c.queue_id for c in cases.values())
    panel.queue_combo.setCurrentIndex(panel.queue_combo.findData(queue))  # the combo drives the filter
    assert set(shown(panel)) == {c.id for c in cases.values() if c.queue_id == queue}
    panel.set_filter(CaseFilter(status=CaseStatus.TRIAGE.value, unassigned=True))
    assert panel.queue_combo.currentData() is None
    assert set(shown(panel)) == {
        c.id for c in cases.values() if c.status is CaseStatus.TRIAGE and c.agent_id is None
    }
    agent = next(c.agent_id for c in cases.values() if c.agent_id)
    panel.status_combo.setCurrentIndex(0)  # all statuses
    panel.assignee_combo.setCurrentIndex(panel.assignee_combo.findData(agent))
    assert set(shown(panel)) == {c.id for c in cases.values() if c.agent_id == agent}
    name = state.agents[agent].name
    assert set(column(panel.model, CaseCol.ASSIGNEE)) == {f"{name} ({agent})"}

    panel.set_filter(CaseFilter())
    now = floor.now
    panel.set_filter(CaseFilter(deadline=DeadlineFilter.BREACHED))
    breached = {c.id for c in cases.values() if next_due_ms(c) <= now}
    assert breached and set(shown(panel)) == breached
    assert set(column(panel.model, CaseCol.ALERT)) == {"Breached"}
    icon = panel.model.index(0, CaseCol.ALERT).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon)  # a shape, not only a colour
    panel.deadline_combo.setCurrentIndex(panel.deadline_combo.findData(DeadlineFilter.AT_RISK.value))
    window = round(DEFAULT_AT_RISK_S * 1000)
    assert set(shown(panel)) == {c.id for c in cases.values() if now < next_due_ms(c) <= now + window}
    panel.at_risk_spin.setValue(24 * 60)  # a day: more at risk
    assert set(shown(panel)) == {c.id for c in cases.values() if now < next_due_ms(c) <= now + 86_400_000}

    panel.set_filter(CaseFilter())
    some = next(iter(cases.values()))
    panel.set_search(some.id.lower())
    assert shown(panel) == [some.id]
    panel.set_search(state.agents[agent].name.upper())  # the assignee's name, any case
    assert set(shown(panel)) == {c.id for c in cases.values() if c.agent_id == agent}
    panel.set_search("")

    # Sorting, both ways, by the header; then back to the arrival order.
    panel.view.sortByColumn(CaseCol.CASE, Qt.SortOrder.AscendingOrder)
    assert shown(panel) == sorted(cases)
    assert column(panel.model, CaseCol.CASE) == sorted(cases)
    panel.view.sortByColumn(CaseCol.AGE, Qt.SortOrder.DescendingOrder)  # oldest first
    created = [to_ms(cases[c].created_at) for c in column(panel.model, CaseCol.CASE)]
    assert created == sorted(created)
    panel.view.sortByColumn(CaseCol.PRIORITY, Qt.SortOrder.DescendingOrder)
    prios = column(panel.model, CaseCol.PRIORITY)
    assert prios == sorted(prios, reverse=True)
    # A change moves a case to its place in the order, and keeps it selected.
    target = column(panel.model, CaseCol.CASE)[-1]
    assert panel.select_cases([target]) == 1
    case = cases[target]
    floor.send(CaseUpdated(case_id=target, changes={"priority": "P4"}, version=case.version + 1))
    prios = column(panel.model, CaseCol.PRIORITY)
    assert prios == sorted(prios, reverse=True) and panel.selected_case_ids() == [target]
    panel.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    assert set(shown(panel)) == set(cases)


def test_time_columns_tick_with_one_signal_and_deadline_filters_follow_the_clock(
    qtbot: QtBot, floor: SimulatedFloor
) -> None:
    panel = CasesPanel(floor.source)
    qtbot.addWidget(panel)
    floor.bootstrap()
    now = floor.now
    case = Case(
        id="CS-CLOCK",
        queue_id="complaints",
        subject="Clock",
        priority="P1",
        status=CaseStatus.INTAKE,
        agent_id=None,
        created_at=iso(now),
        first_response_due=iso(now + 30 * 60_000),
        resolution_due=iso(now + 5 * 86_400_000),
        customer="138****0001",
    )
    floor.send(CaseCreated(case=case))
    panel.set_filter(CaseFilter(deadline=DeadlineFilter.AT_RISK))
    assert "CS-CLOCK" in shown(panel)
    row = panel.model.row_of("CS-CLOCK")
    assert row is not None
    cells = texts(panel.model, row)
    assert cells[CaseCol.ALERT] == "At risk" and cells[CaseCol.FIRST_RESPONSE] == "in 30:00"
    assert cells[CaseCol.RESOLUTION] == "in 5 d 0 h" and cells[CaseCol.AGE] == "0:00"
    assert cells[CaseCol.CUSTOMER] == "138****0001" and cells[CaseCol.ASSIGNEE] == "Unassigned"
    spans: list[tuple[int, int, int, int]] = []
    panel.model.dataChanged.connect(
        lambda tl, br, _r=None: spans.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    floor.later(60)
    last = panel.model.rowCount() - 1
    assert spans == [(0, TIME_COLUMNS[0], last, TIME_COLUMNS[1])]
    row = panel.model.row_of("CS-CLOCK")
    assert row is not None and texts(panel.model, row)[CaseCol.FIRST_RESPONSE] == "in 29:00"
    floor.later(30 * 60)  # past the first-response deadline: breached, no longer at risk
    assert "CS-CLOCK" not in shown(panel)
    panel.set_filter(CaseFilter(deadline=DeadlineFilter.BREACHED))
    row = panel.model.row_of("CS-CLOCK")
    assert row is not None
    assert texts(panel.model, row)[CaseCol.FIRST_RESPONSE] == "1:00 late"
    tip = panel.model.index(row, CaseCol.ALERT).data(Qt.ItemDataRole.ToolTipRole)
    assert "First response deadline passed 1:00 ago" in tip


def big_floor(n_cases: int = 50_000, n_agents: int = 2000) -> FloorState:
    t0 = to_ms("2026-03-02T09:30:00.000Z")
    state = FloorState(Centre(name="Big", case_limit=40))
    state.at = iso(t0)
    for i in range(20):
        state.queues[f"q{i}"] = Queue(id=f"q{i}", name=f"Queue {i}", sl_threshold_s=20, sl_target_pct=80)
    for i in range(n_agents):
        aid = f"A{i:04d}"
        state.agents[aid] = Agent(
            id=aid, name=f"Agent {i}", team=f"T{i % 10}", skills=[f"q{i % 20}"], state=AgentState.AVAILABLE
        )
    statuses = [s for s in CaseStatus if s is not CaseStatus.CLOSED]
    for n in range(n_cases):
        cid = f"C{n:06d}"
        agent = f"A{n % n_agents:04d}" if n % 7 else None
        state.cases[cid] = Case(
            id=cid,
            queue_id=f"q{n % 20}",
            subject="s",
            priority=f"P{n % 4 + 1}",
            status=statuses[n % len(statuses)],
            agent_id=agent,
            created_at=iso(t0 - n * 1000),
            first_response_due=iso(t0 + (n % 500 - 100) * 60_000),
            resolution_due=iso(t0 + n * 10_000),
            customer="138****0000",
        )
        if agent:
            state.agents[agent].open_cases += 1
    return state


def test_fifty_thousand_cases_build_filter_select_and_move(qtbot: QtBot) -> None:
    state = big_floor()
    source = FloorSource(state)
    started = time.perf_counter()
    panel = CasesPanel(source)
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.model.rowCount() == 50_000
    panel.set_filter(CaseFilter(queue_id="q3"))
    assert panel.model.rowCount() == 2500
    panel.set_filter(CaseFilter(deadline=DeadlineFilter.BREACHED))
    assert panel.model.rowCount() == sum(1 for c in state.cases.values() if next_due_ms(c) <= to_ms(state.at))
    panel.set_filter(CaseFilter())
    panel.view.sortByColumn(CaseCol.ASSIGNEE, Qt.SortOrder.AscendingOrder)
    panel.view.selectAll()
    QApplication.processEvents()
    versions = panel.selected_versions()
    assert len(versions) == 50_000
    mime = cases_mime(versions)  # what a drag of all of them carries
    assert cases_from_mime(mime) == versions
    # One batch moves every case to one agent (a 50,000-case reassignment): one layout change.
    layouts: list[int] = []
    panel.model.layoutChanged.connect(lambda *_: layouts.append(1))
    events = [
        CaseUpdated(case_id=cid, changes={"agent_id": "A0001"}, version=v + 1) for cid, v in versions.items()
    ]
    seq = state.seq
    at = state.at or ""
    source.apply([make_event(seq + i + 1, at, e) for i, e in enumerate(events)])
    QApplication.processEvents()
    assert layouts == [1]
    assert set(column(panel.model, CaseCol.ASSIGNEE)[:3]) == {"Agent 1 (A0001)"}
    assert panel.selected_count() == 50_000  # the selection followed its cases
    elapsed = time.perf_counter() - started
    print(f"50,000 cases: built, filtered, sorted, selected and moved in {elapsed:.1f} s")


# -- drops, the picker, commands --------------------------------------------------------------------


def test_cases_drop_on_an_agent_row(qtbot: QtBot, floor: SimulatedFloor) -> None:
    floor.bootstrap()
    cases = CasesPanel(floor.source)
    board = AgentBoard(floor.source)
    for w in (cases, board):
        qtbot.addWidget(w)
        w.resize(900, 500)
        w.show()
    qtbot.waitExposed(board)
    picked = shown(cases)[:3]
    assert cases.select_cases(picked) == 3
    mime = cases.model.mimeData(cases.view.selectionModel().selectedIndexes())
    assert cases_from_mime(mime) == {c: floor.state.cases[c].version for c in picked}
    got: list[tuple[str, dict[str, int]]] = []
    board.casesDropped.connect(lambda agent, versions: got.append((agent, versions)))
    target = board.proxy.index(4, 0)
    drop = drop_on(board.view, target, mime)
    assert drop.isAccepted()
    agent_id = board.model.agent_id_at(board.proxy.mapToSource(target).row())
    assert got == [(agent_id, {c: floor.state.cases[c].version for c in picked})]
    # Loads over the centre's case limit stand out on the board (a shape, and why).
    floor.send(CentreConfigured(centre=msgspec.structs.replace(floor.state.centre, case_limit=1)))
    loaded = next(a for a in floor.state.agents.values() if a.open_cases > 1)
    row = board.model.rows.row_of(loaded.id)
    assert row is not None
    cell = board.model.index(row, ACol.CASES)
    assert cell.data(Qt.ItemDataRole.DecorationRole).cacheKey() == fmt.level_icon(Level.WARNING).cacheKey()
    assert "over the centre's limit of 1" in cell.data(Qt.ItemDataRole.ToolTipRole)
    # Where the role may not reassign, the board takes no drop.
    board.set_case_drops_enabled(False)
    assert not drop_on(board.view, target, mime).isAccepted()
    assert len(got) == 1


@dataclass
class FakeAck:
    id: str
    ok: bool
    result: dict[str, Any] | None = None
    error_code: str | None = None
    error_message: str | None = None
    late: bool = False
    error_details: Any = None


class FakeFeed(FloorSource):
    """A floor with a user and role that records commands and answers them on the next loop turn."""

    def __init__(self, state: FloorState, role: str = "manager") -> None:
        super().__init__(state)
        self.role = role
        self.sent: list[tuple[str, str, dict[str, Any]]] = []
        self.replies: list[FakeAck] = []

    @property
    def status(self) -> FeedStatus:
        return FeedStatus(state=ConnState.CONNECTED, url="ws://fake", user="ann", role=self.role)

    def last_frame_age_s(self) -> float | None:
        return 0.1

    def events_per_second(self) -> float:
        return 0.0

    def is_stale(self, threshold_s: float = 3.0) -> bool:
        return False

    def send_command(
        self, action: str, args: dict[str, Any], callback: Callable[[Any], None] | None = None
    ) -> str:
        if action == "history.query":
            # The charts' and the staffing advice's earlier days, asked on their own on a clock
            # tick: a gateway that holds none (answered, not recorded: these tests count commands).
            refused = FakeAck("h", False, error_code="not_found", error_message="no such day")
            if callback is not None:
                QTimer.singleShot(0, lambda: callback(refused))
            return "h"
        cid = f"c{len(self.sent) + 1}"
        self.sent.append((cid, action, args))
        ack = self.replies.pop(0) if self.replies else FakeAck(cid, True, {})
        ack.id = cid
        if callback is not None:
            QTimer.singleShot(0, lambda: callback(ack))
        return cid


def _window(qtbot: QtBot, tmp_path: Any, feed: FloorSource) -> MainWindow:
    window = MainWindow(feed, settings_path=tmp_path / "w.ini", save_on_close=False)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.cases_dock.raise_()
    activate(qtbot, window)
    return window


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Shortcuts work in the active window (dialogs that closed leave none active offscreen)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)


def test_reassign_warn_confirm_conflict_retry_and_undo(
    qtbot: QtBot, floor: SimulatedFloor, tmp_path: Any
) -> None:
    feed = FakeFeed(floor.state)
    floor.source = feed  # the simulated floor, through a feed that takes commands
    floor.bootstrap()
    floor.run(10, step_s=2)
    state = floor.state
    window = _window(qtbot, tmp_path, feed)
    sup: WorkController = window.work
    assert not sup.reassign_action.isEnabled()  # nothing selected yet
    assert not sup.undo_action.isEnabled()
    picked = [c.id for c in state.cases.values() if c.queue_id == "complaints"][:3]
    window.cases.set_filter(CaseFilter(queue_id="complaints"))
    assert window.cases.select_cases(picked) == 3
    assert sup.reassign_action.isEnabled() and sup.unassign_action.isEnabled()

    # Ctrl+R opens the picker, suggested agents first; Enter takes the selected one.
    window.cases.view.setFocus()
    QTest.keyClick(window.cases.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = sup.dialog
    assert isinstance(dialog, ReassignDialog)
    best = candidates(state, picked)[0]
    assert best.suggested and dialog.selected_agent_id() == best.agent_id
    assert dialog.model.index(0, 0).data() == "Suggested"
    # Choose someone who is logged out and unskilled: the warnings are listed before anything is sent.
    offline = next(a for a in state.agents.values() if "complaints" not in a.skills)
    floor.send(AgentStateChanged(agent_id=offline.id, state=AgentState.OFFLINE))
    assert dialog.select_agent(offline.id)
    QTest.keyClick(dialog.view, Qt.Key.Key_Return)
    box = sup.dialog
    assert isinstance(box, ConfirmBox) and feed.sent == []
    assert any("is logged out" in item for item in box.items)
    assert any("not skilled for the queue of 3 of the 3 cases" in item for item in box.items)
    box.cancel.click()
    qtbot.wait(10)
    assert feed.sent == []

    # Dropped on a skilled agent instead (nothing to warn about): sent at once, with the versions the
    # drag carried.
    best = next(
        c
        for c in candidates(state, picked)
        if c.suggested and not reassign_warnings(state, picked, c.agent_id)
    )
    versions = {c: state.cases[c].version for c in picked}
    feed.replies.append(
        FakeAck(
            "",
            False,
            error_code="conflict",
            error_message="1 of 3 cases cannot be reassigned: 1 changed since (version mismatch)",
            error_details={
                "cases": [
                    {
                        "case_id": picked[1],
                        "reason": "version_mismatch",
                        "expected": versions[picked[1]],
                        "actual": versions[picked[1]] + 1,
                    }
                ]
            },
        )
    )
    target = board_index(window, best.agent_id)
    assert drop_on(window.agents.view, target, cases_mime(versions)).isAccepted()
    assert feed.sent[-1][1:] == (
        "case.reassign",
        {"case_ids": picked, "agent_id": best.agent_id, "expected_versions": versions},
    )
    # The race at the last moment: the case changed at the gateway just before the command reached
    # it (its events precede the ack, so the console holds the change when the ack comes).
    floor.send(
        CaseUpdated(case_id=picked[1], changes={"subject": "changed"}, version=versions[picked[1]] + 1)
    )
    qtbot.waitUntil(lambda: isinstance(sup.dialog, ConflictDialog))
    conflict = sup.dialog
    assert isinstance(conflict, ConflictDialog)
    assert [c.case_id for c in conflict.conflicts] == [picked[1]]
    assert "Changed since you chose it" in str(conflict.model.index(0, 1).data())
    assert "version mismatch" in conflict.message.text()
    assert conflict.retry_button is not None and "3 cases" in conflict.retry_button.text()
    conflict.retry_button.click()
    retried = feed.sent[-1]
    assert retried[1] == "case.reassign"
    assert retried[2]["expected_versions"] == {**versions, picked[1]: versions[picked[1]] + 1}
    qtbot.waitUntil(sup.undo_action.isEnabled)
    agent_name = state.agents[best.agent_id].name
    assert window.status.note.text() == f"Reassigned 3 cases to {agent_name} ({best.agent_id})"
    assert sup.undo_stack[-1].command_id == retried[0]
    assert "3 cases" in sup.undo_action.text()

    # Ctrl+Z undoes it: case.undo_reassign with that command's id.
    activate(qtbot, window)
    QTest.keyClick(window.cases.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert feed.sent[-1][1:] == ("case.undo_reassign", {"command_id": retried[0]})
    qtbot.waitUntil(lambda: not sup.undo_stack)
    assert not sup.undo_action.isEnabled()
    assert "back with their previous owners" in window.status.note.text()

    # Delete unassigns after a confirmation; a refusal is shown in the gateway's words.
    feed.replies.append(
        FakeAck("", False, error_code="forbidden", error_message="role x may not case.reassign")
    )
    activate(qtbot, window)
    window.cases.view.setFocus()
    QTest.keyClick(window.cases.view, Qt.Key.Key_Delete)
    box = sup.dialog
    assert isinstance(box, ConfirmBox) and "Unassign 3 cases?" in box.text()
    box.proceed.click()
    assert feed.sent[-1][2]["agent_id"] is None
    qtbot.waitUntil(lambda: "may not case.reassign" in window.status.note.text())
    refused = sup.dialog
    assert refused is not None and refused.objectName() == "refusedBox"
    refused.close()


def board_index(window: MainWindow, agent_id: str) -> QModelIndex:
    board = window.agents
    board.set_search("")
    row = board.model.rows.row_of(agent_id)
    assert row is not None
    index = board.proxy.mapFromSource(board.model.index(row, 0))
    board.view.scrollTo(index)
    return index


def test_agent_states_and_waiting_calls_from_their_menus(
    qtbot: QtBot, floor: SimulatedFloor, tmp_path: Any
) -> None:
    feed = FakeFeed(floor.state, role="supervisor")
    floor.source = feed
    floor.bootstrap()
    window = _window(qtbot, tmp_path, feed)
    sup = window.work
    agent = next(a for a in floor.state.agents.values() if a.state is AgentState.AVAILABLE)
    # A supervisor: agent states and calls yes, cases no.
    assert not window.commands.may(ActionName.REASSIGN_CASES)
    assert window.commands.may(ActionName.SET_AGENT_STATE)
    window.cases.select_cases(shown(window.cases)[:2])
    assert not sup.reassign_action.isEnabled() and "may not reassign" in sup.reassign_action.toolTip()
    menu = sup.agent_menu(agent.id)
    actions = {a.text(): a for a in menu.actions()}
    assert actions["Reassign 2 cases here"].isEnabled() is False
    not_ready = actions["&Not ready"].menu()
    assert isinstance(not_ready, QMenu)
    coaching = next(a for a in not_ready.actions() if a.data() == "coaching")
    feed.replies.append(FakeAck("", True, {"deferred": True, "unchanged": False}))
    coaching.trigger()
    assert feed.sent[-1][1:] == (
        "agent.set_state",
        {"agent_id": agent.id, "state": "not_ready", "reason": "coaching"},
    )
    qtbot.waitUntil(lambda: "pending until the call ends" in window.status.note.text())
    assert f"{agent.name} ({agent.id}): Not ready (Coaching) pending" in window.status.note.text()
    floor.send(AgentPending(agent_id=agent.id, state=AgentState.NOT_READY, reason="coaching"))
    row = window.agents.model.rows.row_of(agent.id)
    assert row is not None
    assert window.agents.model.index(row, 7).data() == "→ Not ready (Coaching)"
    # From the same menu, now that the agent changed since it opened: a question first.
    sent = len(feed.sent)
    actions["&Log out"].trigger()
    box = sup.dialog
    assert isinstance(box, ConfirmBox) and box.objectName() == "agentChangedBox" and len(feed.sent) == sent
    assert box.text() == (
        f"{agent.name} ({agent.id}) changed meanwhile: Not ready (Coaching) is pending until the call ends."
    )
    box.proceed.click()
    assert feed.sent[-1][2] == {"agent_id": agent.id, "state": "offline"}
    menu.deleteLater()

    # Waiting calls: every one, in the order they are served; moved from the menu or the dialog.
    floor.send(
        CallQueued(call_id="KW1", queue_id="loans", priority=1, caller="139****0001"),
        CallQueued(call_id="KW2", queue_id="cards", priority=5, caller="139****0002"),
    )
    waiting = window.waiting
    ids = column(waiting.proxy, CallCol.CALL)
    assert ids.index("KW2") < ids.index("KW1")  # higher priority first
    waiting_now = {c.id for c in floor.state.calls.values() if c.state is CallState.WAITING}
    assert set(ids) == waiting_now
    row_kw1 = ids.index("KW1")
    assert texts(waiting.proxy, row_kw1)[CallCol.CALLER] == "139****0001"
    menu = sup.call_menu("KW1")
    actions = {a.text(): a for a in menu.actions()}
    actions["&Raise priority"].trigger()
    assert feed.sent[-1][1:] == ("call.move", {"call_id": "KW1", "queue_id": "loans", "priority": 2})
    to_queue = actions["Move to &queue"].menu()
    assert isinstance(to_queue, QMenu)
    vip = next(a for a in to_queue.actions() if a.data() == "vip")
    feed.replies.append(FakeAck("", True, {"call_id": "KW1", "queue_id": "vip", "priority": 1}))
    vip.trigger()
    assert feed.sent[-1][2] == {"call_id": "KW1", "queue_id": "vip"}
    qtbot.waitUntil(lambda: "KW1 → Priority / VIP" in window.status.note.text())
    menu.deleteLater()
    assert waiting.select_call("KW1") and sup.move_call_action.isEnabled()
    sup.move_call_action.trigger()
    dialog = sup.dialog
    assert isinstance(dialog, MoveCallDialog)
    dialog.queue_combo.setCurrentIndex(dialog.queue_combo.findData("cards"))
    dialog.priority_spin.setValue(9)
    dialog.move_button.click()
    assert feed.sent[-1][2] == {"call_id": "KW1", "queue_id": "cards", "priority": 9}
    # A viewer may do none of it.
    feed.role = "viewer"
    sup.refresh()
    assert not sup.move_call_action.isEnabled() and not window.commands.may(ActionName.SET_AGENT_STATE)
    menu = sup.agent_menu(agent.id)
    assert not any(a.isEnabled() for a in menu.actions() if not a.isSeparator())
    menu.deleteLater()


def _call_row(window: MainWindow, call_id: str) -> int:
    ids = column(window.waiting.proxy, CallCol.CALL)
    return ids.index(call_id)


def _open_call_menu(qtbot: QtBot, window: MainWindow, call_id: str) -> QMenu:
    """A right click on the call's row, as the user gives it."""
    view = window.waiting.view
    window.waiting_dock.raise_()
    index = window.waiting.proxy.index(_call_row(window, call_id), CallCol.CALL)
    view.scrollTo(index)
    view.customContextMenuRequested.emit(view.visualRect(index).center())
    menu = next(m for m in window.findChildren(QMenu, "callMenu") if m.property("callId") == call_id)
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    return menu


def test_moving_targets_rows_hold_still_and_a_call_answered_meanwhile_is_not_moved(
    qtbot: QtBot, floor: SimulatedFloor, tmp_path: Any
) -> None:
    feed = FakeFeed(floor.state, role="supervisor")
    floor.source = feed
    floor.bootstrap()
    window = _window(qtbot, tmp_path, feed)
    sup = window.work
    waiting = window.waiting
    agent = next(a for a in floor.state.agents.values() if a.state is AgentState.AVAILABLE)
    floor.send(
        CallQueued(call_id="KM1", queue_id="loans", priority=1, caller="139****0011"),
        CallQueued(call_id="KM2", queue_id="cards", priority=3, caller="139****0012"),
        CallQueued(call_id="KM3", queue_id="cards", priority=5, caller="139****0013"),
    )
    assert _call_row(window, "KM3") < _call_row(window, "KM2") < _call_row(window, "KM1")

    # The menu is open for KM1: the floor re-sorts, a call above is answered, a new one comes first.
    menu = _open_call_menu(qtbot, window, "KM1")
    assert waiting.pinned == ["KM1"] and waiting.selected_call_id() == "KM1"
    row, row_km2 = _call_row(window, "KM1"), _call_row(window, "KM2")
    floor.send(
        CallMoved(call_id="KM2", queue_id="cards", priority=9),  # would jump above KM3
        CallAnswered(call_id="KM3", agent_id=agent.id),  # the most urgent call vanishes
        CallQueued(call_id="KM4", queue_id="vip", priority=10, caller="139****0014"),
        CallMoved(call_id="KM1", queue_id="loans", priority=4),  # someone else raised KM1 meanwhile
    )
    assert _call_row(window, "KM1") == row  # the row under the pointer did not move
    assert _call_row(window, "KM2") == row_km2  # nor those around it
    assert waiting.selected_call_id() == "KM1"
    km3 = waiting.proxy.index(_call_row(window, "KM3"), CallCol.WAITING)
    assert km3.data() == "left" and not km3.flags() & Qt.ItemFlag.ItemIsEnabled
    ids = column(waiting.proxy, CallCol.CALL)
    assert ids.index("KM2") < ids.index("KM1") < ids.index("KM4")  # held rows, then the new call
    waiting_now = sum(c.state is CallState.WAITING for c in floor.state.calls.values())
    assert waiting.count_label.text() == f"{waiting_now} of {waiting_now} waiting calls"
    raise_ = next(a for a in menu.actions() if a.text() == "&Raise priority")
    raise_.trigger()  # KM1, from its priority now (4), not when the menu opened (1)
    assert feed.sent[-1][1:] == ("call.move", {"call_id": "KM1", "queue_id": "loans", "priority": 5})
    menu.hide()
    qtbot.waitUntil(lambda: not waiting.pinned, timeout=2000)
    ids = column(waiting.proxy, CallCol.CALL)
    assert "KM3" not in ids and ids.index("KM4") < ids.index("KM2") < ids.index("KM1")  # service order
    assert waiting.selected_call_id() == "KM1"

    # A menu open while its call is answered says so and offers nothing.
    menu = _open_call_menu(qtbot, window, "KM2")
    floor.send(CallRinging(call_id="KM2", agent_id=agent.id))
    note = menu.findChild(QAction, "callGoneNote")
    assert note is not None and f"ringing at {agent.name} ({agent.id})" in note.text()
    assert not any(a.isEnabled() for a in menu.actions())
    menu.hide()
    qtbot.waitUntil(lambda: not waiting.pinned, timeout=2000)

    # The move dialog, built from KM1's id, live; the call is answered while it is open.
    sent = len(feed.sent)
    dialog = sup.open_move_call("KM1")
    assert isinstance(dialog, MoveCallDialog) and waiting.pinned == ["KM1"]
    assert dialog.info.text() == "Call KM1 from 139****0011"
    assert dialog.priority_spin.value() == 4 and dialog.queue_combo.currentData() == "loans"
    before = dialog.live.text()
    assert before.startswith("Waiting ") and "in Loans" in before and before.endswith("priority 4")
    floor.later(61)
    assert dialog.live.text() != before  # the waiting time ticks on the feed clock
    dialog.queue_combo.setCurrentIndex(dialog.queue_combo.findData("cards"))
    floor.send(CallAnswered(call_id="KM1", agent_id=agent.id))
    answered_at = fmt.clock_time(floor.now, floor.state.centre.timezone)
    assert dialog.isVisible() and dialog.status.isVisible()
    assert dialog.status.text() == (
        f"This call was answered by {agent.name} ({agent.id}) at {answered_at}; nothing was moved."
    )
    assert not dialog.move_button.isEnabled()
    dialog.move_button.click()
    QTest.keyClick(dialog, Qt.Key.Key_Return)
    dialog._take()  # even forced, nothing goes out
    assert len(feed.sent) == sent
    floor.send(CallEnded(call_id="KM1"))  # the answer stays the story after the call ends
    assert "answered by" in dialog.status.text()
    dialog.reject()
    qtbot.waitUntil(lambda: not waiting.pinned, timeout=2000)

    # The caller hangs up while the dialog is open.
    dialog = sup.open_move_call("KM2")
    assert isinstance(dialog, MoveCallDialog) and not dialog.move_button.isEnabled()  # ringing already
    dialog.reject()
    dialog = sup.open_move_call("KM4")
    assert isinstance(dialog, MoveCallDialog) and dialog.move_button.isEnabled()
    floor.send(CallAbandoned(call_id="KM4"))
    hung_up = fmt.clock_time(floor.now, floor.state.centre.timezone)
    assert dialog.status.text() == f"The caller hung up at {hung_up}; nothing was moved."
    assert not dialog.move_button.isEnabled() and len(feed.sent) == sent
    dialog.reject()

    # A call that stays waiting is moved as usual.
    floor.send(CallQueued(call_id="KM5", queue_id="loans", priority=2, caller="139****0015"))
    dialog = sup.open_move_call("KM5")
    assert isinstance(dialog, MoveCallDialog)
    floor.send(CallQueued(call_id="KM6", queue_id="loans", priority=0, caller="139****0016"))  # others change
    dialog.queue_combo.setCurrentIndex(dialog.queue_combo.findData("cards"))
    dialog.move_button.click()
    assert feed.sent[-1][1:] == ("call.move", {"call_id": "KM5", "queue_id": "cards"})
    qtbot.waitUntil(lambda: not waiting.pinned, timeout=2000)

    # The race at the last moment: the gateway saw the answer first; the refusal says it in words.
    feed.replies.append(
        FakeAck("", False, error_code="invalid_state", error_message="only a waiting call can be moved")
    )
    assert sup.move_call("KM6", "vip") is not None
    floor.send(CallAnswered(call_id="KM6", agent_id=agent.id))  # reaches the console before the ack
    at = fmt.clock_time(floor.now, floor.state.centre.timezone)
    qtbot.waitUntil(lambda: "KM6 not moved" in window.status.note.text(), timeout=2000)
    box = sup.dialog
    assert isinstance(box, QMessageBox)
    assert (
        box.text()
        == f"Call KM6: This call was answered by {agent.name} ({agent.id}) at {at}; nothing was moved."
    )
    assert "invalid_state" not in box.text()
    box.close()


def _agent_row(window: MainWindow, agent_id: str) -> int:
    board = window.agents
    return [board.proxy.index(r, 0).data(AGENT_ID_ROLE) for r in range(board.proxy.rowCount())].index(
        agent_id
    )


def test_moving_targets_an_agent_who_changes_while_its_menu_or_state_dialog_is_open(
    qtbot: QtBot, floor: SimulatedFloor, tmp_path: Any
) -> None:
    feed = FakeFeed(floor.state, role="supervisor")
    floor.source = feed
    floor.bootstrap()
    window = _window(qtbot, tmp_path, feed)
    sup = window.work
    board = window.agents
    tz = floor.state.centre.timezone
    ready = [a for a in floor.state.agents.values() if a.state is AgentState.AVAILABLE]
    agent, other = ready[0], ready[1]
    label = f"{agent.name} ({agent.id})"

    # The board sorted by state: the agent's menu is open, the agent goes on a call: its row stays.
    board.view.sortByColumn(ACol.STATE, Qt.SortOrder.AscendingOrder)
    index = board.proxy.index(_agent_row(window, agent.id), ACol.AGENT)
    board.view.scrollTo(index)
    board.view.customContextMenuRequested.emit(board.view.visualRect(index).center())
    menu = next(m for m in window.findChildren(QMenu, "agentMenu") if m.property("agentId") == agent.id)
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    assert board.pinned == [agent.id] and board.selected_agent_id() == agent.id
    row, row_other = _agent_row(window, agent.id), _agent_row(window, other.id)
    floor.send(
        CallQueued(call_id="KA1", queue_id="loans", priority=1, caller="139****0021"),
        CallAnswered(call_id="KA1", agent_id=agent.id),
        AgentStateChanged(agent_id=agent.id, state=AgentState.ON_CALL),
        AgentStateChanged(agent_id=other.id, state=AgentState.NOT_READY, reason="break"),
    )
    on_call_at = fmt.clock_time(floor.now, tz)
    assert _agent_row(window, agent.id) == row and _agent_row(window, other.id) == row_other
    assert board.selected_agent_id() == agent.id
    note = menu.findChild(QAction, "agentChangedNote")
    assert note is not None and note in menu.actions()
    assert note.text() == f"{label} changed meanwhile: was Available, went on call KA1 since {on_call_at}."
    menu.hide()
    qtbot.waitUntil(lambda: not board.pinned, timeout=2000)
    assert _agent_row(window, agent.id) != row  # sorted again: on call after the available ones
    assert board.selected_agent_id() == agent.id
    floor.send(AgentStateChanged(agent_id=agent.id, state=AgentState.AVAILABLE))

    # The state dialog: live state, time in state on the feed clock, open cases.
    sent = len(feed.sent)
    dialog = sup.open_agent_state(agent.id, AgentState.NOT_READY, "break")
    assert isinstance(dialog, AgentStateDialog) and board.pinned == [agent.id]
    live = dialog.live.text()
    assert live.startswith("Available for 0:00 (since ") and f"{agent.open_cases} " in live
    floor.later(65)
    assert dialog.live.text().startswith("Available for 1:05")
    assert not dialog.status.isVisible(), dialog.status.text()
    assert dialog.set_button.text() == "Set state"
    # The agent goes on a call while it is open: said plainly, and the first press sends nothing.
    floor.send(
        CallQueued(call_id="KA2", queue_id="loans", priority=1, caller="139****0022"),
        CallAnswered(call_id="KA2", agent_id=agent.id),
        AgentStateChanged(agent_id=agent.id, state=AgentState.ON_CALL),
    )
    at = fmt.clock_time(floor.now, tz)
    assert dialog.status.isVisible()
    assert dialog.status.text() == f"{label} changed meanwhile: was Available, went on call KA2 since {at}."
    assert dialog.live.text().startswith("On call for 0:00") and "call KA2" in dialog.live.text()
    assert dialog.set_button.text() == "Set anyway"
    dialog.set_button.click()
    assert len(feed.sent) == sent and dialog.isVisible()  # seen, not sent
    assert "Press Set anyway to send Not ready (Break)." in dialog.status.text()
    dialog.set_button.click()  # confirmed: sent
    assert feed.sent[-1][1:] == (
        "agent.set_state",
        {"agent_id": agent.id, "state": "not_ready", "reason": "break"},
    )
    qtbot.waitUntil(lambda: not board.pinned, timeout=2000)

    # Someone else set the same state meanwhile: nothing to send.
    floor.send(AgentStateChanged(agent_id=other.id, state=AgentState.AVAILABLE))
    sent = len(feed.sent)
    dialog = sup.open_agent_state(other.id, AgentState.NOT_READY, "lunch")
    assert isinstance(dialog, AgentStateDialog) and dialog.set_button.isEnabled()
    floor.send(
        AgentStateChanged(agent_id=other.id, state=AgentState.NOT_READY, reason="lunch"),
        ActionApplied(
            command_id="x1",
            user="bob",
            role="supervisor",
            action="agent.set_state",
            args={"agent_id": other.id, "state": "not_ready", "reason": "lunch"},
            result={},
        ),
    )
    assert dialog.status.text() == (
        f"{other.name} ({other.id}) is already Not ready (Lunch) (set by bob); nothing to send."
    )
    assert not dialog.set_button.isEnabled()
    dialog._take()
    # Logged off, then gone from the floor: said so, and nothing is sent.
    dialog.state_combo.setCurrentIndex(dialog.state_combo.findData("available:"))
    floor.send(AgentStateChanged(agent_id=other.id, state=AgentState.OFFLINE))
    off_at = fmt.clock_time(floor.now, tz)
    assert dialog.status.text() == f"{other.name} ({other.id}) logged off at {off_at}; nothing is sent."
    assert not dialog.set_button.isEnabled()
    floor.later(5)
    floor.send(AgentRemoved(agent_id=other.id))
    gone_at = fmt.clock_time(floor.now, tz)
    assert dialog.status.text() == f"{other.name} ({other.id}) left the floor at {gone_at}; nothing is sent."
    dialog.set_button.click()
    dialog._take()
    assert len(feed.sent) == sent
    dialog.reject()
    qtbot.waitUntil(lambda: not board.pinned, timeout=2000)


def test_moving_targets_cases_closed_while_the_reassign_dialog_is_open_are_named_and_not_sent(
    qtbot: QtBot, floor: SimulatedFloor, tmp_path: Any
) -> None:
    feed = FakeFeed(floor.state)
    floor.source = feed
    floor.bootstrap()
    floor.run(10, step_s=2)
    state = floor.state
    window = _window(qtbot, tmp_path, feed)
    sup = window.work
    cases = window.cases
    cases.view.sortByColumn(CaseCol.STATUS, Qt.SortOrder.AscendingOrder)
    ids = shown(cases)
    assert len(ids) >= 6
    picked = ids[:4]
    assert cases.select_cases(picked) == 4
    versions = {c: state.cases[c].version for c in picked}
    dialog = sup.reassign_selected()
    assert isinstance(dialog, ReassignDialog) and cases.held
    assert not dialog.changes.isVisible() and dialog.reassign_button.text() == "Reassign"
    rows = [cases.model.row_of(c) for c in ids[:6]]
    # Meanwhile one is closed and one is taken by someone else; both would sort elsewhere.
    holder = next(a for a in state.agents.values() if a.id != state.cases[picked[2]].agent_id)
    floor.send(
        CaseUpdated(case_id=picked[1], changes={"status": "closed"}, version=versions[picked[1]] + 1),
        CaseUpdated(
            case_id=picked[2],
            changes={"agent_id": holder.id, "status": "resolution"},
            version=versions[picked[2]] + 1,
        ),
    )
    assert [cases.model.row_of(c) for c in ids[:6]] == rows  # the rows under the pointer held still
    closed_row = cases.model.index(rows[1] or 0, CaseCol.STATUS)
    assert closed_row.data() == "closed" and cases.model.is_closed(closed_row.row())
    assert dialog.changes.isVisible()
    assert dialog.changes.text() == (
        f"2 of 4 cases changed meanwhile and will not be sent: {picked[1]} (closed), "
        f"{picked[2]} (now with {holder.name} ({holder.id}))"
    )
    assert dialog.reassign_button.text() == "Reassign the other 2 cases"
    target = next(
        c.agent_id
        for c in candidates(state, [picked[0], picked[3]])
        if c.suggested and not reassign_warnings(state, [picked[0], picked[3]], c.agent_id)
    )
    assert dialog.select_agent(target)
    dialog.reassign_button.click()
    assert feed.sent[-1][1:] == (
        "case.reassign",
        {
            "case_ids": [picked[0], picked[3]],
            "agent_id": target,
            "expected_versions": {picked[0]: versions[picked[0]], picked[3]: versions[picked[3]]},
        },
    )
    qtbot.waitUntil(lambda: not cases.held, timeout=2000)
    assert picked[1] not in shown(cases)  # the closed case leaves once the dialog is done

    # Every chosen case changed: nothing can be sent (a drag whose cases all closed meanwhile).
    sent = len(feed.sent)
    floor.send(CaseUpdated(case_id=picked[0], changes={"status": "closed"}, version=versions[picked[0]] + 9))
    assert sup.cases_dropped(target, {picked[0]: versions[picked[0]]}) is None
    assert len(feed.sent) == sent
    assert f"{picked[0]} (closed)" in window.status.note.text()
    box = sup.dialog
    assert isinstance(box, QMessageBox) and "nothing can be sent" in box.text()
    box.close()


def test_the_new_docks_and_columns_are_saved_with_the_layout(
    qtbot: QtBot, floor: SimulatedFloor, tmp_path: Any
) -> None:
    floor.bootstrap()
    settings = tmp_path / "layout.ini"
    first = MainWindow(floor.source, settings_path=settings)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    assert [
        first.dockWidgetArea(d) for d in (first.cases_dock, first.waiting_dock, first.actions_today_dock)
    ] == [Qt.DockWidgetArea.RightDockWidgetArea] * 3
    assert set(first.tabifiedDockWidgets(first.breaches_dock)) == {
        first.alerts_dock,
        first.cases_dock,
        first.waiting_dock,
        first.actions_today_dock,
    }
    # Behind the breaches tab, the cases table lets the floor go by; shown, it catches up.
    assert first.cases_dock.visibleRegion().isEmpty()
    before = first.cases.model.total()
    some = next(iter(floor.state.cases.values()))
    floor.send(CaseCreated(case=msgspec.structs.replace(some, id="CS-HIDDEN")))
    assert first.cases.model.total() == before
    first.cases_dock.raise_()
    qtbot.waitUntil(lambda: first.cases.model.row_of("CS-HIDDEN") is not None, timeout=2000)
    first.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, first.cases_dock)
    first.cases.view.horizontalHeader().resizeSection(CaseCol.CASE, 177)
    first.cases.view.sortByColumn(CaseCol.PRIORITY, Qt.SortOrder.DescendingOrder)
    first.close()

    second = MainWindow(floor.source, settings_path=settings, save_on_close=False)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.dockWidgetArea(second.cases_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert second.cases.view.horizontalHeader().sectionSize(CaseCol.CASE) == 177
    assert second.cases.model.sort_column == CaseCol.PRIORITY
    assert second.cases.model.sort_order == Qt.SortOrder.DescendingOrder
    second.reset_layout()
    assert second.dockWidgetArea(second.cases_dock) == Qt.DockWidgetArea.RightDockWidgetArea


# -- actions today ----------------------------------------------------------------------------------


def test_actions_today_are_worded_and_filtered(qtbot: QtBot, floor: SimulatedFloor) -> None:
    floor.bootstrap()
    panel = ActionsTodayPanel(floor.source)
    qtbot.addWidget(panel)
    state = floor.state
    a1, a2 = list(state.agents.values())[:2]
    cases = list(state.cases)[:3]
    floor.send(
        ActionApplied(
            command_id="r1",
            user="ann",
            role="manager",
            action="case.reassign",
            args={"case_ids": cases, "agent_id": a1.id, "expected_versions": {}},
            result={"agent_id": a1.id, "moved": 3, "unchanged": 0},
            before={"cases": {c: {"agent_id": a2.id, "version": 1} for c in cases}},
        )
    )
    floor.later(60)
    floor.send(
        ActionApplied(
            command_id="m1",
            user="bob",
            role="supervisor",
            action="call.move",
            args={"call_id": "K123", "queue_id": "loans", "priority": 2},
            result={"call_id": "K123", "queue_id": "loans", "priority": 2, "unchanged": False},
        ),
        ActionApplied(
            command_id="s1",
            user="bob",
            role="supervisor",
            action="agent.set_state",
            args={"agent_id": a2.id, "state": "not_ready", "reason": "coaching"},
            result={"deferred": True},
        ),
    )
    model = panel.proxy
    assert column(model, ActionCol.SUMMARY) == [
        f"{a2.name} ({a2.id}) → not ready (coaching), pending",
        "call K123 → Loans, priority 2",
        f"3 cases → {a1.name} ({a1.id})",
    ]
    assert column(model, ActionCol.ACTION) == ["Set agent state", "Moved call", "Reassigned cases"]
    tz = state.centre.timezone
    assert column(model, ActionCol.TIME)[-1] == fmt.clock_time(floor.now - 60_000, tz)
    assert column(model, ActionCol.USER) == ["bob", "bob", "ann"]
    panel.user_combo.setCurrentIndex(panel.user_combo.findData("ann"))
    assert model.rowCount() == 1
    panel.set_user_filter(None)
    panel.set_case_filter(cases[1].lower())
    assert column(model, ActionCol.ACTION) == ["Reassigned cases"]
    panel.set_case_filter("")
    panel.set_agent_filter(a2.name)  # the previous owner, by name
    assert column(model, ActionCol.ACTION) == ["Set agent state", "Reassigned cases"]
    panel.set_agent_filter(a1.id)
    assert column(model, ActionCol.ACTION) == ["Reassigned cases"]
    tip = model.index(0, ActionCol.SUMMARY).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == ", ".join(cases)


def test_every_action_has_a_readable_label(qtbot: QtBot, floor: SimulatedFloor) -> None:
    """No raw wire name in "Actions today": every ActionName has its words, flags included."""
    labels = {name: fmt.action_label(name) for name in ActionName}
    for name, label in labels.items():
        assert label and label != name.value and "." not in label, name
    assert len(set(labels.values())) == len(labels)  # no two actions read alike
    assert labels[ActionName.FLAG_CALL] == "Flagged call"
    assert fmt.action_label("case.split_up") == "Case split up"  # a newer gateway's, tidied
    floor.bootstrap()
    panel = ActionsTodayPanel(floor.source)
    qtbot.addWidget(panel)
    floor.send(
        ActionApplied(
            command_id="f1",
            user="quinn",
            role="quality",
            action="call.flag",
            args={"call_id": "K777", "category": "compliance", "severity": "high"},
            result={"flag_id": "F1"},
        ),
        ActionApplied(
            command_id="f2",
            user="quinn",
            role="quality",
            action="flag.update",
            args={"flag_id": "F1", "status": "in_review"},
            result={"flag_id": "F1", "version": 2},
        ),
    )
    model = panel.proxy
    assert column(model, ActionCol.ACTION) == ["Updated flag", "Flagged call"]
    assert column(model, ActionCol.SUMMARY) == ["flag F1", "call K777"]
    assert model.index(1, ActionCol.ACTION).data(Qt.ItemDataRole.ToolTipRole) == "call.flag"


# -- every word through Qt's translation ------------------------------------------------------------


def test_dialogs_words_go_through_qt_translation(qtbot: QtBot, floor: SimulatedFloor) -> None:
    floor.bootstrap()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translator = PseudoTranslator()
    app.installTranslator(translator)
    try:
        cases = list(floor.state.cases)[:4]
        call_id = "KTR"
        floor.state.calls[call_id] = Call(
            id=call_id, queue_id="loans", priority=1, caller="1****2", entered_at=iso(floor.now)
        )
        parent = QWidget()
        qtbot.addWidget(parent)
        widgets: list[QWidget] = [
            ReassignDialog(floor.source, cases, parent),
            ConfirmBox(
                parent, QApplication.translate("t", "Title"), QApplication.translate("t", "Text"), [], "x"
            ),
            MoveCallDialog(floor.source, call_id, parent),
            CasesPanel(floor.source, parent),
            WaitingCallsPanel(floor.source, parent),
            ActionsTodayPanel(floor.source, parent),
        ]
        for w in widgets:
            shown = [(where, text) for where, text in shown_texts(w) if where != "window title" or text]
            # Data shown as it is: agent names, teams, queue names, ids in the picker's first cells.
            untranslated = [
                (where, text)
                for where, text in shown
                if MARK not in text and not where.startswith("combo") and text not in ("x",)
            ]
            assert untranslated == [], (type(w).__name__, untranslated)
    finally:
        app.removeTranslator(translator)


def test_menu_texts_from_data_show_their_ampersands(
    qtbot: QtBot, floor: SimulatedFloor, tmp_path: Any
) -> None:
    """A queue called "Transfers & remittances" is not "Transfers _remittances" in the menu."""
    feed = FakeFeed(floor.state, role="supervisor")
    floor.source = feed
    floor.bootstrap()
    assert floor.state.queues["transfers"].name == "Transfers & remittances"
    window = _window(qtbot, tmp_path, feed)
    floor.send(CallQueued(call_id="KA1", queue_id="loans", priority=1, caller="139****0001"))
    menu = window.work.call_menu("KA1")
    to_queue = next(a for a in menu.actions() if a.text() == "Move to &queue").menu()
    assert isinstance(to_queue, QMenu)
    by_id = {a.data(): a for a in to_queue.actions()}
    assert set(by_id) == set(floor.state.queues)
    for queue in floor.state.queues.values():
        action = by_id[queue.id]
        assert action.text() == queue.name.replace("&", "&&")
        assert action.iconText() == queue.name  # what the menu draws: one "&", no mnemonic
    transfers = by_id["transfers"]
    assert transfers.text() == "Transfers && remittances"
    assert transfers.iconText() == "Transfers & remittances"
    # Triggering it still moves the call to that queue.
    transfers.trigger()
    assert feed.sent[-1][1:] == ("call.move", {"call_id": "KA1", "queue_id": "transfers"})
    menu.deleteLater()
    assert fmt.menu_text("A & B && C") == "A && B &&&& C"
