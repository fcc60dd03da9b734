"""Reassigning work from the console, end to end: a real gateway on 127.0.0.1, consoles over websockets.

A manager's console drags cases onto an agent, meets a conflict when another
client got there first and retries, and undoes; a supervisor's console on the
same floor may not reassign, sees the day's actions as they happen, and sets an
agent on a call to not ready, which waits for the call to end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from console.domain.actions import ActionName
from console.domain.assignment import candidates, reassign_warnings
from console.domain.entities import AgentState
from console.domain.permissions import Role
from console.widgets.common.dnd import cases_from_mime
from console.widgets.main_window import MainWindow
from console.widgets.work.actions_today import ActionCol
from console.widgets.work.cases_panel import CaseCol
from console.widgets.work.dialogs import ConfirmBox, ReassignDialog
from tests.helpers.consoles import Consoles
from tests.helpers.gateway import GatewayThread, WireClient, freeze, head, make_config
from tests.helpers.qt import drop_on


def raise_cases(window: MainWindow) -> None:
    window.cases_dock.raise_()


def assignee_shown(window: MainWindow, case_id: str) -> str:
    row = window.cases.model.row_of(case_id)
    assert row is not None
    return str(window.cases.model.index(row, CaseCol.ASSIGNEE).data())


def label(window: MainWindow, agent_id: str) -> str:
    return f"{window.feed.state.agents[agent_id].name} ({agent_id})"


def go_ahead(window: MainWindow) -> None:
    """Confirm the warnings, if the choice raised any."""
    box = window.work.dialog
    if isinstance(box, ConfirmBox) and box.isVisible():
        box.proceed.click()


def test_reassign_conflict_retry_undo_and_the_days_actions(
    qtbot: QtBot, consoles: Consoles, tmp_path: Path
) -> None:
    with GatewayThread(make_config(tmp_path)) as gw:
        manager = consoles.open(gw.url, Role.MANAGER, save_on_close=False, before_start=raise_cases)
        qtbot.waitUntil(
            lambda: len(manager.feed.state.cases) > 50 and manager.cases.model.total() > 50, timeout=15_000
        )
        freeze(gw)  # the floor stands still: what changes now is what the consoles do
        qtbot.waitUntil(lambda: manager.feed.state.seq == head(gw), timeout=15_000)
        supervisor = consoles.open(gw.url, Role.SUPERVISOR, save_on_close=False, before_start=raise_cases)
        qtbot.waitUntil(
            lambda: supervisor.feed.state.seq == head(gw) and supervisor.actions_today.model is not None,
            timeout=15_000,
        )
        state = manager.feed.state
        sup = manager.work
        assert manager.commands.may(ActionName.REASSIGN_CASES)
        assert not supervisor.commands.may(ActionName.REASSIGN_CASES)

        # 1. Three cases of one queue dragged from the cases view onto an agent in the agent board.
        queue = max(
            {c.queue_id for c in state.cases.values()},
            key=lambda q: sum(1 for c in state.cases.values() if c.queue_id == q),
        )
        picked = [c.id for c in state.cases.values() if c.queue_id == queue][:5]
        first, rest = picked[:3], picked[3:]
        owners = {c: state.cases[c].agent_id for c in picked}
        fits = [
            c.agent_id
            for c in candidates(state, picked)
            if c.suggested and not reassign_warnings(state, picked, c.agent_id)
        ]
        target, target2 = fits[0], fits[1]
        assert manager.cases.select_cases(first) == 3
        mime = manager.cases.model.mimeData(manager.cases.view.selectionModel().selectedIndexes())
        assert cases_from_mime(mime) == {c: state.cases[c].version for c in first}
        board = manager.agents
        row = board.model.rows.row_of(target)
        assert row is not None
        index = board.proxy.mapFromSource(board.model.index(row, 0))
        board.view.scrollTo(index)
        assert drop_on(board.view, index, mime).isAccepted()
        qtbot.waitUntil(lambda: manager.status.note.text().startswith("Reassigned 3 cases"), timeout=10_000)
        assert manager.status.note.text() == f"Reassigned 3 cases to {label(manager, target)}"
        assert all(state.cases[c].agent_id == target for c in first)
        assert {assignee_shown(manager, c) for c in first} == {label(manager, target)}
        # The other console lists it among the day's actions.
        audit = supervisor.actions_today.proxy
        qtbot.waitUntil(lambda: audit.rowCount() >= 1, timeout=10_000)
        assert audit.index(0, ActionCol.SUMMARY).data() == f"3 cases → {label(supervisor, target)}"
        assert audit.index(0, ActionCol.USER).data() == "manager1"

        # 2. Two cases: the picker opens on them; meanwhile another client moves one of them first.
        assert manager.cases.select_cases(rest) == 2
        dialog = sup.reassign_selected()
        assert isinstance(dialog, ReassignDialog)
        moved_first = rest[0]

        async def other_client() -> dict[str, Any]:
            client = await WireClient.open(gw.url, Role.ADMIN)
            await client.ready()
            ack = await client.command(
                "case.reassign",
                {
                    "case_ids": [moved_first],
                    "agent_id": target,
                    "expected_versions": {moved_first: client.state.cases[moved_first].version},
                },
            )
            await client.close()
            return ack

        assert gw.run(other_client())["ok"]
        qtbot.waitUntil(lambda: state.cases[moved_first].agent_id == target, timeout=10_000)
        # The picker names it (as the gateway would refuse it) and offers to send for the other one.
        qtbot.waitUntil(dialog.changes.isVisible, timeout=10_000)
        assert dialog.changes.text() == (
            f"1 of 2 cases changed meanwhile and will not be sent: {moved_first} "
            f"(now with {label(manager, target)})"
        )
        assert dialog.reassign_button.text() == "Reassign the other 1 case"
        assert dialog.select_agent(target2)
        dialog.reassign_button.click()
        go_ahead(manager)
        qtbot.waitUntil(lambda: state.cases[rest[1]].agent_id == target2, timeout=10_000)
        qtbot.waitUntil(lambda: manager.status.note.text().startswith("Reassigned 1 case"), timeout=5_000)
        assert state.cases[moved_first].agent_id == target  # not sent: the other client's stays
        assert assignee_shown(manager, rest[1]) == label(manager, target2)

        # 3. Undo, twice: the retry, then the drop.
        assert len(sup.undo_stack) == 2 and sup.undo_action.isEnabled()
        sup.undo_action.trigger()
        qtbot.waitUntil(lambda: len(sup.undo_stack) == 1, timeout=10_000)
        assert state.cases[moved_first].agent_id == target  # where the other client had put it
        assert state.cases[rest[1]].agent_id == owners[rest[1]]
        sup.undo_action.trigger()
        qtbot.waitUntil(lambda: not sup.undo_stack, timeout=10_000)
        assert all(state.cases[c].agent_id == owners[c] for c in first)
        assert not sup.undo_action.isEnabled()
        qtbot.waitUntil(lambda: audit.rowCount() >= 5, timeout=10_000)
        actions = [audit.index(r, ActionCol.ACTION).data() for r in range(5)]
        assert actions == [
            "Undid a reassignment",
            "Undid a reassignment",
            "Reassigned cases",
            "Reassigned cases",
            "Reassigned cases",
        ]
        supervisor.actions_today.set_case_filter(moved_first)
        assert audit.rowCount() == 1  # the other client's only: this console did not send it

        # 4. The supervisor: no reassigning, but an agent on a call goes not ready when the call ends.
        supervisor.cases.select_cases(first)
        assert not supervisor.work.reassign_action.isEnabled()
        assert not supervisor.agents.model.accept_case_drops
        busy = next(a for a in supervisor.feed.state.agents.values() if a.state is AgentState.ON_CALL)
        menu = supervisor.work.agent_menu(busy.id)
        not_ready = next(a for a in menu.actions() if a.text() == "&Not ready").menu()
        assert isinstance(not_ready, QMenu)
        next(a for a in not_ready.actions() if a.data() == "coaching").trigger()
        qtbot.waitUntil(
            lambda: "pending until the call ends" in supervisor.status.note.text(), timeout=10_000
        )
        model = supervisor.agents.model
        r = model.rows.row_of(busy.id)
        assert r is not None and model.index(r, 7, QModelIndex()).data() == "→ Not ready (Coaching)"
        qtbot.waitUntil(
            lambda: (
                manager.actions_today.proxy.index(0, ActionCol.SUMMARY).data(Qt.ItemDataRole.DisplayRole)
                == f"{label(manager, busy.id)} → not ready (coaching), pending"
            ),
            timeout=10_000,
        )
        menu.deleteLater()
