"""Actions today: the supervisors' applied commands every console sees, newest first.

The rows come from the floor state's ``actions`` (one per ``action.applied``
event since the business day started; a snapshot carries the day's so far), so
a console opened at 15:00 lists the morning's too. What each action did is read
by ``console.domain.assignment.summarize`` and worded here: "3 cases → Li Lei
(A002)", "call K123 → Loans, priority 2", "A017 → not ready (coaching), pending".
Filters: a user, an agent (name or id, new or previous owner) and a case (any
case id the action names).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QTableView, QVBoxLayout, QWidget

from console.application.floor_source import FloorSource
from console.domain.actions import ActionName
from console.domain.assignment import ActionSummary, summarize
from console.domain.changes import ChangeSet
from console.domain.clock import to_ms
from console.domain.entities import AgentState, AppliedAction
from console.widgets.common.combos import refill, select_data
from console.widgets.common.fmt import (
    action_label,
    agent_label,
    clock_time,
    reason_label,
    role_label,
    state_label,
)
from console.widgets.common.rowsync import SORT_ROLE, Cell, CellTableModel, setup_table, size_columns

_LISTED_CASES = 10  # case ids named in a summary's tooltip


class ActionCol(IntEnum):
    TIME = 0
    USER = 1
    ROLE = 2
    ACTION = 3
    SUMMARY = 4


# Hidden row elements after the columns.
_KEY, _USER, _AGENTS, _CASES = range(len(ActionCol), len(ActionCol) + 4)


class ActionsTodayModel(CellTableModel):
    """Today's applied actions, newest first."""

    usersChanged = Signal()

    def __init__(self, source: FloorSource, parent: QObject | None = None) -> None:
        super().__init__(key=lambda row: row[_KEY], parent=parent)
        self.set_headers(
            [self.tr("Time"), self.tr("User"), self.tr("Role"), self.tr("Action"), self.tr("What")]
        )
        self.set_header_tip(ActionCol.TIME, self.tr("Feed-clock time, in the centre's local time"))
        self._source = source
        self._list: list[AppliedAction] | None = None  # the state's list the rows were built from
        self._built: list[tuple[Any, ...]] = []  # oldest first
        self._users: list[str] = []
        source.floorUpdated.connect(self.on_floor_updated)
        self.reload()

    def on_floor_updated(self, changes: ChangeSet) -> None:
        if changes.reset or changes.agents_added or changes.agents_removed:
            self.reload()
        elif changes.actions:
            self._catch_up()

    def reload(self) -> None:
        self._list = None
        self._built = []
        self._catch_up()

    def _catch_up(self) -> None:
        actions = self._source.state.actions
        if actions is not self._list or len(actions) < len(self._built):
            self._list, self._built = actions, []
        start = len(self._built)
        self._built.extend(self._row(i, a) for i, a in enumerate(actions[start:], start=start))
        self.rows.sync(list(reversed(self._built)))
        users = sorted({r[_USER] for r in self._built})
        if users != self._users:
            self._users = users
            self.usersChanged.emit()

    def users(self) -> list[str]:
        return list(self._users)

    def filter_fields(self, row: int) -> tuple[str, str, str]:
        """User, case-folded agents ("id\\nname" lines) and case ids of a row, for the filter proxy."""
        r = self.rows.rows[row]
        return r[_USER], r[_AGENTS], r[_CASES]

    # -- wording ---------------------------------------------------------------------

    def _row(self, i: int, a: AppliedAction) -> tuple[Any, ...]:
        state = self._source.state
        at = to_ms(a.at)
        s = summarize(a)
        summary, tip = self._summary(s)
        names = {aid: state.agents[aid].name if aid in state.agents else "" for aid in s.agents}
        agents = "\n".join(f"{aid}\n{name}" for aid, name in names.items()).casefold()
        return (
            Cell(clock_time(at, state.centre.timezone), sort=at),
            Cell(a.user),
            Cell(role_label(a.role)),
            Cell(action_label(a.action), tip=a.action),
            Cell(summary, tip=tip),
            # hidden
            (i, a.command_id, a.user),
            a.user,
            agents,
            "\n".join(s.case_ids).casefold(),
        )

    def _agent(self, agent_id: str) -> str:
        agent = self._source.state.agents.get(agent_id)
        return agent_label(agent.name if agent is not None else None, agent_id)

    def _cases(self, n: int) -> str:
        return self.tr("1 case") if n == 1 else self.tr("{n} cases").format(n=f"{n:,}")

    def _summary(self, s: ActionSummary) -> tuple[str, str]:
        if s.action == ActionName.REASSIGN_CASES:
            n = len(s.case_ids)
            target = self.tr("unassigned") if s.unassign or not s.agent_id else self._agent(s.agent_id)
            text = self.tr("{cases} → {target}").format(cases=self._cases(n), target=target)
            if s.unchanged:
                text = self.tr("{text} ({n} unchanged)").format(text=text, n=s.unchanged)
            return text, self._case_list(s.case_ids)
        if s.action == ActionName.UNDO_REASSIGN:
            n = s.moved if s.moved is not None else len(s.case_ids)
            text = self.tr("{cases} back to their previous owners").format(cases=self._cases(n))
            return text, self._case_list(s.case_ids)
        if s.action == ActionName.MOVE_CALL:
            queue = self._source.state.queues.get(s.queue_id or "")
            where = queue.name if queue is not None else (s.queue_id or "")
            if s.priority is not None:
                text = self.tr("call {call} → {queue}, priority {priority}").format(
                    call=s.call_id, queue=where, priority=s.priority
                )
            else:
                text = self.tr("call {call} → {queue}").format(call=s.call_id, queue=where)
            return text, ""
        if s.action == ActionName.SET_AGENT_STATE and s.agent_id:
            try:
                target = state_label(AgentState(s.state or ""))
            except ValueError:
                target = s.state or ""
            if s.reason:
                target = self.tr("{state} ({reason})").format(state=target, reason=reason_label(s.reason))
            text = self.tr("{agent} → {state}").format(agent=self._agent(s.agent_id), state=target.lower())
            if s.deferred:
                text = self.tr("{text}, pending").format(text=text)
            return text, ""
        if s.action == ActionName.FLAG_CALL and s.call_id:
            return self.tr("call {call}").format(call=s.call_id), ""
        if s.action == ActionName.UPDATE_FLAG and s.flag_id:
            return self.tr("flag {flag}").format(flag=s.flag_id), ""
        return "", ""

    def _case_list(self, ids: tuple[str, ...]) -> str:
        shown = ", ".join(ids[:_LISTED_CASES])
        if len(ids) > _LISTED_CASES:
            return self.tr("{ids} and {n} more").format(ids=shown, n=f"{len(ids) - _LISTED_CASES:,}")
        return shown


class ActionsTodayFilterProxy(QSortFilterProxyModel):
    """By user (exact), agent (name or id, part of it) and case (part of an id)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.user: str | None = None
        self.agent = ""
        self.case = ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_user(self, user: str | None) -> None:
        self._set("user", user or None)

    def set_agent(self, text: str) -> None:
        self._set("agent", text.strip().casefold())

    def set_case(self, text: str) -> None:
        self._set("case", text.strip().casefold())

    def _set(self, name: str, value: object) -> None:
        if getattr(self, name) == value:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+
            self.beginFilterChange()
            setattr(self, name, value)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            setattr(self, name, value)
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, ActionsTodayModel) or not 0 <= source_row < len(model.rows):
            return True
        user, agents, cases = model.filter_fields(source_row)
        return (
            (self.user is None or user == self.user)
            and (not self.agent or self.agent in agents)
            and (not self.case or self.case in cases)
        )


class ActionsTodayPanel(QWidget):
    """Today's actions with their filters."""

    def __init__(self, source: FloorSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = ActionsTodayModel(source, self)
        self._proxy = ActionsTodayFilterProxy(self)
        self._proxy.setSourceModel(self._model)
        self.user_combo = QComboBox(self)
        self.user_combo.setObjectName("auditUserFilter")
        self.user_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.agent_edit = QLineEdit(self)
        self.agent_edit.setObjectName("auditAgentFilter")
        self.agent_edit.setPlaceholderText(self.tr("Agent name or id"))
        self.agent_edit.setClearButtonEnabled(True)
        self.case_edit = QLineEdit(self)
        self.case_edit.setObjectName("auditCaseFilter")
        self.case_edit.setPlaceholderText(self.tr("Case id"))
        self.case_edit.setClearButtonEnabled(True)
        self._view = QTableView(self)
        self._view.setObjectName("auditTable")
        self._view.setModel(self._proxy)
        setup_table(self._view)
        header = self._view.horizontalHeader()
        size_columns(
            self._view,
            (
                (ActionCol.TIME, 70),
                (ActionCol.USER, 90),
                (ActionCol.ROLE, 80),
                (ActionCol.ACTION, 130),
            ),
        )
        header.setSortIndicatorClearable(True)  # a third click returns to newest first
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self._view.setSortingEnabled(True)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.user_combo)
        bar.addWidget(self.agent_edit, 1)
        bar.addWidget(self.case_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self._view, 1)

        self._fill_users()
        self.user_combo.currentIndexChanged.connect(
            lambda _i: self.set_user_filter(self.user_combo.currentData())
        )
        self.agent_edit.textChanged.connect(self._proxy.set_agent)
        self.case_edit.textChanged.connect(self._proxy.set_case)
        self._model.usersChanged.connect(self._fill_users)

    @property
    def model(self) -> ActionsTodayModel:
        return self._model

    @property
    def proxy(self) -> ActionsTodayFilterProxy:
        return self._proxy

    @property
    def view(self) -> QTableView:
        return self._view

    def set_user_filter(self, user: str | None) -> None:
        self._proxy.set_user(user)
        select_data(self.user_combo, user or None)

    def set_agent_filter(self, text: str) -> None:
        self.agent_edit.setText(text)  # drives the proxy

    def set_case_filter(self, text: str) -> None:
        self.case_edit.setText(text)

    def _fill_users(self) -> None:
        users: list[tuple[str, str | None]] = [(self.tr("All users"), None)]
        users += [(u, u) for u in self._model.users()]
        refill(self.user_combo, users, self._proxy.user)
