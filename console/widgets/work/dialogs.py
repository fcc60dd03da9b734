"""Dialogs for moving work: the agent picker, the confirmation with warnings, conflicts, moving a call.

They never block: each is opened with ``open()`` (window-modal, no nested event
loop, so the feed keeps flowing while a supervisor decides) and reports the
decision with a signal. The ranking, the warnings and the conflicts are the
domain's (``console.domain.assignment``); these only show them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.application.floor_source import FloorSource
from console.domain.assignment import Candidate, CaseConflict, ConflictReason, candidates, case_queues
from console.domain.changes import ChangeSet
from console.domain.entities import CALL_PRIORITY_MAX, CALL_PRIORITY_MIN, NOT_READY_REASONS, AgentState
from console.domain.figures.queues import Level
from console.domain.moving import (
    AgentDecision,
    AgentFate,
    AgentWatch,
    CallFate,
    CallWatch,
    CaseFate,
    CaseWatch,
    WatchedAgent,
    WatchedCall,
    WatchedCase,
)
from console.domain.state import FloorState
from console.widgets.common.fmt import (
    DASH,
    LEVEL_COLORS,
    STATE_COLORS,
    agent_label,
    clock_time,
    duration,
    reason_label,
    state_label,
)
from console.widgets.common.rowsync import (
    SORT_ROLE,
    Cell,
    CellTableModel,
    fit_headers,
    setup_table,
    size_columns,
)


def count_text(n: int) -> str:
    """``1 case``, ``3 cases``, ``50,000 cases`` (translated)."""
    if n == 1:
        return QCoreApplication.translate("assign", "1 case")
    return QCoreApplication.translate("assign", "{n} cases").format(n=f"{n:,}")


#: The picker recomputes states and loads at most this often.
REFRESH_MS = 1000


# -- the agent picker ------------------------------------------------------------------------------


class PickCol(IntEnum):
    SUGGESTED = 0
    AGENT = 1
    STATE = 2
    SKILLS = 3
    CASES = 4
    TEAM = 5
    ID = 6


_ID, _FOLDED = len(PickCol), len(PickCol) + 1


class AgentPickerModel(CellTableModel):
    """Every agent as a new owner for the cases, in the domain's order (suggested first).

    The order is fixed when the picker opens (rows do not jump under the
    pointer); states and loads stay live.
    """

    def __init__(self, source: FloorSource, case_ids: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(key=lambda row: row[_ID], numeric=(PickCol.CASES,), parent=parent)
        self.set_headers(
            [
                self.tr("Suggested"),
                self.tr("Agent"),
                self.tr("State"),
                self.tr("Skilled for"),
                self.tr("Open cases"),
                self.tr("Team"),
                self.tr("Id"),
            ]
        )
        self.set_header_tip(
            PickCol.SUGGESTED,
            self.tr("Logged in, skilled for every case's queue, within the case limit; least loaded first"),
        )
        self.set_header_tip(PickCol.SKILLS, self.tr("How many of the cases are in queues the agent takes"))
        self.set_header_tip(PickCol.CASES, self.tr("Open cases now, against the centre's limit"))
        self._source = source
        self.case_ids = list(case_ids)
        self.candidates: list[Candidate] = []
        self._reorder = False
        # A big floor changes agents in every batch: ranking thousands of them 30 times a second
        # would stall the console, and nobody reads a picker that fast. Once a second is plenty.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(lambda: self.refresh(order=self._reorder))
        self.refresh(order=True)
        source.floorUpdated.connect(self.on_floor_updated)

    def on_floor_updated(self, changes: ChangeSet) -> None:
        roster = bool(changes.reset or changes.agents_added or changes.agents_removed)
        if roster or changes.agents or changes.cases_changed or changes.cases_removed:
            self._reorder = self._reorder or roster
            if not self._timer.isActive():
                self._timer.start()

    def refresh(self, order: bool = False) -> None:
        """Recompute every candidate; ``order`` takes the domain's new order too (else rows stay put)."""
        self._reorder = False
        self.candidates = candidates(self._source.state, self.case_ids)
        rows = [self._row(c) for c in self.candidates]
        if order:
            self.rows.sync(rows)
        else:
            self.rows.update(rows)

    def agent_id_at(self, row: int) -> str:
        agent_id: str = self.rows.rows[row][_ID]
        return agent_id

    def folded_at(self, row: int) -> str:
        folded: str = self.rows.rows[row][_FOLDED]
        return folded

    def _row(self, c: Candidate) -> tuple[Any, ...]:
        a = self._source.state.agents[c.agent_id]
        if c.suggested:
            suggested = Cell(self.tr("Suggested"), dot=LEVEL_COLORS[Level.OK].name(), bold=True, sort=0)
        else:
            suggested = Cell("", sort=1)
        status = state_label(a.state)
        if a.state is AgentState.NOT_READY and a.reason:
            status = self.tr("{state} ({reason})").format(state=status, reason=reason_label(a.reason))
        if a.pending_state is not None:
            status = self.tr("{state}, then {pending}").format(
                state=status, pending=state_label(a.pending_state)
            )
        if c.cases == 0:
            skills = Cell("")
        elif c.skilled == c.cases:
            skills = Cell(self.tr("all {n}").format(n=f"{c.cases:,}"), sort=1.0)
        else:
            text = self.tr("{k} of {n}").format(k=f"{c.skilled:,}", n=f"{c.cases:,}")
            tip = self.tr("Not skilled for the queue of {n} of these cases").format(
                n=f"{c.cases - c.skilled:,}"
            )
            skills = Cell(text, Level.WARNING, tip, c.skilled / c.cases)
        if c.limit is None:
            load = Cell(f"{c.open_cases:,}", sort=c.open_cases)
        else:
            text = self.tr("{open} / {limit}").format(open=f"{c.open_cases:,}", limit=c.limit)
            if c.over_limit:
                tip = self.tr("Would hold {after} open cases, over the limit of {limit}").format(
                    after=f"{c.open_after:,}", limit=c.limit
                )
                load = Cell(text, Level.WARNING, tip, c.open_cases)
            else:
                load = Cell(text, sort=c.open_cases)
        return (
            suggested,
            Cell(a.name, bold=c.suggested),
            Cell(status, dot=STATE_COLORS[a.state].name()),
            skills,
            load,
            Cell(a.team),
            Cell(a.id),
            a.id,
            f"{a.name}\n{a.id}\n{a.team}".casefold(),
        )


class _PickerProxy(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.search = ""
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_search(self, text: str) -> None:
        text = text.strip().casefold()
        if text == self.search:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+
            self.beginFilterChange()
            self.search = text
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.search = text
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        if not self.search or not isinstance(model, AgentPickerModel):
            return True
        return 0 <= source_row < len(model.rows) and self.search in model.folded_at(source_row)


class ReassignDialog(QDialog):
    """Choose the new owner of some cases (or unassign them); Enter takes the selected agent."""

    chosen = Signal(object)  # agent id, or None to unassign

    def __init__(
        self,
        source: FloorSource,
        case_ids: Sequence[str],
        parent: QWidget | None = None,
        *,
        versions: dict[str, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reassignDialog")
        self._source = source
        # The cases at the versions chosen: those closed or changed meanwhile are named, and only
        # the rest is sent (the gateway would refuse the whole command for one of them).
        if versions is None:
            versions = {cid: source.state.cases[cid].version for cid in case_ids if cid in source.state.cases}
        self.watch = CaseWatch(versions, source.state)
        self.changed: list[WatchedCase] = []
        n = len(case_ids)
        self.setWindowTitle(self.tr("Reassign {cases}").format(cases=count_text(n)))
        self.model = AgentPickerModel(source, case_ids, self)
        self.proxy = _PickerProxy(self)
        self.proxy.setSourceModel(self.model)

        state = source.state
        queues = case_queues(state, case_ids)
        names = ", ".join(
            self.tr("{queue} ({n})").format(
                queue=state.queues[q].name if q in state.queues else q, n=f"{k:,}"
            )
            for q, k in queues.most_common(4)
        )
        if len(queues) > 4:
            names = self.tr("{names} and {n} more queues").format(names=names, n=len(queues) - 4)
        self.heading = QLabel(
            self.tr("Reassign {cases} in {queues} to:").format(cases=count_text(n), queues=names), self
        )
        self.heading.setWordWrap(True)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Search name, id or team"))
        self.search_edit.setClearButtonEnabled(True)
        self.view = QTableView(self)
        self.view.setObjectName("agentPickerTable")
        self.view.setModel(self.proxy)
        setup_table(self.view)
        self.view.setSortingEnabled(True)
        header = self.view.horizontalHeader()
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the domain's order
        size_columns(
            self.view,
            (
                (PickCol.SUGGESTED, 96),
                (PickCol.AGENT, 150),
                (PickCol.STATE, 150),
                (PickCol.TEAM, 150),
            ),
        )
        self.hint = QLabel(
            self.tr(
                "Suggested agents are logged in, skilled for the queue of every case and stay within "
                "the centre's case limit; the least loaded come first."
            ),
            self,
        )
        self.hint.setWordWrap(True)
        self.changes = QLabel(self)
        self.changes.setObjectName("reassignChanges")
        self.changes.setWordWrap(True)
        self.changes.setStyleSheet("font-weight: bold;")
        self.changes.hide()
        self.buttons = QDialogButtonBox(self)
        self.reassign_button = self.buttons.addButton(
            self.tr("Reassign"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.unassign_button = self.buttons.addButton(
            self.tr("Unassign"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.reassign_button.setDefault(True)
        self.reassign_button.setAutoDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.changes)
        layout.addWidget(self.buttons)
        self.resize(880, 520)
        source.floorUpdated.connect(self._floor_updated)

        self.search_edit.textChanged.connect(self._search)
        self.buttons.accepted.connect(self._take_selected)
        self.buttons.rejected.connect(self.reject)
        self.unassign_button.clicked.connect(self._unassign)
        self.view.doubleClicked.connect(lambda _ix: self._take_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._sync_buttons())
        if self.proxy.rowCount():
            self.view.selectRow(0)
        self.view.setFocus()
        self._follow()

    def selected_agent_id(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        source = self.proxy.mapToSource(rows[0])
        return self.model.agent_id_at(source.row()) if source.isValid() else None

    def select_agent(self, agent_id: str) -> bool:
        row = self.model.rows.row_of(agent_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.view.selectRow(index.row())
        return True

    def _search(self, text: str) -> None:
        self.proxy.set_search(text)
        if not self.view.selectionModel().selectedRows() and self.proxy.rowCount():
            self.view.selectRow(0)

    def remaining(self) -> dict[str, int]:
        """The cases still at the versions chosen, with them: what is sent."""
        return self.watch.remaining(self._source.state)

    def _floor_updated(self, changes: ChangeSet) -> None:
        ids = changes.cases_changed | changes.cases_removed
        if changes.reset or any(cid in self.watch.versions for cid in ids):
            self._follow()

    def _follow(self) -> bool:
        """Name the cases closed or changed since they were chosen; True when that list is new."""
        changed = self.watch.changed(self._source.state)
        news = changed != self.changed
        self.changed = changed
        total, left = len(self.watch.versions), len(self.watch.versions) - len(changed)
        if changed:
            self.changes.setText(changed_cases_text(changed, total, self._source.state))
            self.changes.show()
        else:
            self.changes.hide()
        if changed and left:
            self.reassign_button.setText(self.tr("Reassign the other {cases}").format(cases=count_text(left)))
            self.unassign_button.setText(self.tr("Unassign the other {cases}").format(cases=count_text(left)))
        else:
            self.reassign_button.setText(self.tr("Reassign"))
            self.unassign_button.setText(self.tr("Unassign"))
        self.unassign_button.setEnabled(left > 0)
        self._sync_buttons()
        return news

    def _sync_buttons(self) -> None:
        left = len(self.watch.versions) - len(self.changed)
        self.reassign_button.setEnabled(self.selected_agent_id() is not None and left > 0)

    def _take_selected(self) -> None:
        agent_id = self.selected_agent_id()
        if agent_id is None or self._follow():  # a case changed since the list was shown: look again
            return
        if not self.remaining():
            return
        self.accept()
        self.chosen.emit(agent_id)

    def _unassign(self) -> None:
        if self._follow() or not self.remaining():
            return
        self.accept()
        self.chosen.emit(None)


def changed_cases_text(changed: Sequence[WatchedCase], total: int, state: FloorState) -> str:
    """``2 of 15 cases changed meanwhile: K1 (closed), K2 (now with Li Lei (A002))``, the first few named."""
    parts = []
    for c in changed[:_NAMED]:
        if c.fate is CaseFate.CLOSED:
            why = QCoreApplication.translate("ReassignDialog", "closed")
        elif c.fate is CaseFate.REASSIGNED:
            if c.now_agent_id is None:
                why = QCoreApplication.translate("ReassignDialog", "unassigned")
            else:
                a = state.agents.get(c.now_agent_id)
                owner = agent_label(a.name if a is not None else None, c.now_agent_id)
                why = QCoreApplication.translate("ReassignDialog", "now with {agent}").format(agent=owner)
        else:
            why = QCoreApplication.translate("ReassignDialog", "updated")
        parts.append(
            QCoreApplication.translate("ReassignDialog", "{case} ({why})").format(case=c.case_id, why=why)
        )
    names = ", ".join(parts)
    if len(changed) > _NAMED:
        names = QCoreApplication.translate("ReassignDialog", "{names} and {n} more").format(
            names=names, n=f"{len(changed) - _NAMED:,}"
        )
    if len(changed) == total:
        return QCoreApplication.translate(
            "ReassignDialog", "Every case changed meanwhile, nothing can be sent: {names}"
        ).format(names=names)
    return QCoreApplication.translate(
        "ReassignDialog", "{n} of {total} cases changed meanwhile and will not be sent: {names}"
    ).format(n=f"{len(changed):,}", total=f"{total:,}", names=names)


#: Changed cases named one by one; the rest counted.
_NAMED = 8


# -- confirmations and conflicts -------------------------------------------------------------------


class ConfirmBox(QMessageBox):
    """A question with a list of warnings; ``confirmed`` when the user goes ahead."""

    confirmed = Signal()

    def __init__(
        self, parent: QWidget | None, title: str, text: str, items: Sequence[str], proceed: str
    ) -> None:
        super().__init__(parent)
        self.setObjectName("confirmBox")
        self.setIcon(QMessageBox.Icon.Warning if items else QMessageBox.Icon.Question)
        self.setWindowTitle(title)
        self.setText(text)
        self.items = list(items)
        if items:
            self.setInformativeText("\n".join(f"• {item}" for item in items))
            # Room for a warning on one line; QMessageBox would wrap it at a third of that.
            self.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 460px; }")
        self.proceed: QPushButton = self.addButton(proceed, QMessageBox.ButtonRole.AcceptRole)
        self.cancel: QPushButton = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.proceed)
        self.setEscapeButton(self.cancel)
        self.finished.connect(self._finished)
        self.finished.connect(self.deleteLater)

    def _finished(self, _result: int) -> None:
        if self.clickedButton() is self.proceed:
            self.confirmed.emit()


class _ConflictModel(CellTableModel):
    def __init__(
        self, source: FloorSource, conflicts: Sequence[CaseConflict], parent: QObject | None = None
    ) -> None:
        super().__init__(key=lambda row: row[-1], parent=parent)
        self.set_headers([self.tr("Case"), self.tr("Why"), self.tr("Now with")])
        state = source.state
        rows = []
        for c in conflicts:
            if c.reason == ConflictReason.NOT_FOUND:
                why = self.tr("No longer open (closed, or unknown)")
            elif c.reason == ConflictReason.VERSION_MISMATCH:
                if c.expected is not None and c.actual is not None:
                    why = self.tr("Changed since you chose it (version {expected}, now {actual})").format(
                        expected=c.expected, actual=c.actual
                    )
                else:
                    why = self.tr("Changed since you chose it")
            else:
                why = str(c.reason)
            case = state.cases.get(c.case_id)
            if case is None:
                owner = ""
            elif case.agent_id is None:
                owner = self.tr("Unassigned")
            else:
                agent = state.agents.get(case.agent_id)
                owner = agent_label(agent.name if agent is not None else None, case.agent_id)
            rows.append((Cell(c.case_id), Cell(why), Cell(owner), c.case_id))
        self.rows.sync(rows)


class ConflictDialog(QDialog):
    """Cases that changed under a reassignment (nothing moved), with a retry on the current versions."""

    retryRequested = Signal()

    def __init__(
        self,
        source: FloorSource,
        title: str,
        message: str,
        conflicts: Sequence[CaseConflict],
        *,
        retry_count: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle(title)
        self.conflicts = list(conflicts)
        self.message = QLabel(message, self)
        self.message.setWordWrap(True)
        self.model = _ConflictModel(source, conflicts, self)
        self.view = QTableView(self)
        self.view.setObjectName("conflictTable")
        self.view.setModel(self.model)
        setup_table(self.view)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.horizontalHeader().resizeSection(0, 110)
        self.view.horizontalHeader().resizeSection(1, 330)
        fit_headers(self.view)
        self.buttons = QDialogButtonBox(self)
        self.retry_button: QPushButton | None = None
        if retry_count:
            self.retry_button = self.buttons.addButton(
                self.tr("Retry for {cases} with their current versions").format(
                    cases=count_text(retry_count)
                ),
                QDialogButtonBox.ButtonRole.AcceptRole,
            )
            self.retry_button.setDefault(True)
            self.retry_button.clicked.connect(self._retry)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 360)

    def _retry(self) -> None:
        self.accept()
        self.retryRequested.emit()


# -- moving a call ---------------------------------------------------------------------------------


def call_fate_text(watched: WatchedCall, state: FloorState) -> str:
    """Why a call can no longer be moved, in words (empty while it waits); times on the feed clock."""
    tz = state.centre.timezone
    when = clock_time(watched.at_ms, tz)
    agent = ""
    if watched.agent_id:
        a = state.agents.get(watched.agent_id)
        agent = agent_label(a.name if a is not None else None, watched.agent_id)
    if watched.fate is CallFate.ANSWERED:
        return QCoreApplication.translate(
            "MoveCallDialog", "This call was answered by {agent} at {time}; nothing was moved."
        ).format(agent=agent, time=when)
    if watched.fate is CallFate.RINGING:
        return QCoreApplication.translate(
            "MoveCallDialog", "This call has been ringing at {agent} since {time}; it can no longer be moved."
        ).format(agent=agent, time=when)
    if watched.fate is CallFate.ABANDONED:
        return QCoreApplication.translate(
            "MoveCallDialog", "The caller hung up at {time}; nothing was moved."
        ).format(time=when)
    if watched.fate is CallFate.GONE:
        return QCoreApplication.translate(
            "MoveCallDialog", "This call is no longer waiting; nothing was moved."
        )
    return ""


# -- dialogs about something that moves on while they are open ------------------------------------


def status_label(dialog: QDialog, name: str) -> QLabel:
    """The bold line that says what happened to the target meanwhile; hidden until then."""
    label = QLabel(dialog)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet("font-weight: bold;")
    label.hide()
    return label


def lay_out_watching(
    dialog: QDialog,
    labels: tuple[QLabel, QLabel, QLabel],
    form: QFormLayout,
    accept_text: str,
    accepted: Callable[[], None],
) -> tuple[QDialogButtonBox, QPushButton]:
    """What the target is, its live state and what happened to it meanwhile, the choice, and the
    buttons (the accept one the default): the layout every moving-target dialog shares."""
    buttons = QDialogButtonBox(dialog)
    accept = buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
    accept.setDefault(True)
    buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(accepted)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    for label in labels:
        layout.addWidget(label)
    layout.addLayout(form)
    layout.addWidget(buttons)
    return buttons, accept


class MoveCallDialog(QDialog):
    """Another queue and/or priority for a waiting call, built from its id and following it live.

    The call's queue, priority, masked caller and waiting time (on the feed clock) are
    the live ones; the queue and priority chosen follow the call until the user
    changes them. When the call is answered, starts ringing or its caller hangs up,
    the dialog says so in words and its Move button is disabled: nothing is sent.
    """

    chosen = Signal(str, object)  # queue id, priority (None: unchanged)

    def __init__(self, source: FloorSource, call_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("moveCallDialog")
        self.setWindowTitle(self.tr("Move call {call}").format(call=call_id))
        self.call_id = call_id
        self._source = source
        self.watch = CallWatch(call_id, source.state)
        self._edited = False  # the user chose a queue or priority: the live values no longer overwrite it
        self._filling = False
        self.queue_combo = QComboBox(self)
        for q in source.state.queues.values():
            self.queue_combo.addItem(q.name, q.id)
        self.priority_spin = QSpinBox(self)
        self.priority_spin.setRange(CALL_PRIORITY_MIN, CALL_PRIORITY_MAX)
        self.priority_spin.setToolTip(self.tr("Higher is served first"))
        self.info = QLabel(self)
        self.info.setObjectName("moveCallInfo")
        self.live = QLabel(self)
        self.live.setObjectName("moveCallLive")
        self.status = status_label(self, "moveCallStatus")
        form = QFormLayout()
        form.addRow(self.tr("&Queue"), self.queue_combo)
        form.addRow(self.tr("&Priority"), self.priority_spin)
        self.buttons, self.move_button = lay_out_watching(
            self, (self.info, self.live, self.status), form, self.tr("Move"), self._take
        )
        self.queue_combo.currentIndexChanged.connect(self._user_edit)
        self.priority_spin.valueChanged.connect(self._user_edit)
        source.floorUpdated.connect(self._floor_updated)
        source.clockTicked.connect(self._show_live)
        self._follow()

    @property
    def movable(self) -> bool:
        return self.watch.current.movable

    def _user_edit(self, *_: object) -> None:
        if not self._filling:
            self._edited = True

    def _floor_updated(self, changes: ChangeSet) -> None:
        if (
            changes.reset
            or self.call_id in changes.calls_changed | changes.calls_removed | changes.calls_added
        ):
            self.watch.update(self._source.state, reset=changes.reset)
            self._follow()

    def _follow(self) -> None:
        """Show the call as it is now; the choices follow it until the user makes one."""
        w = self.watch.current
        self.info.setText(
            self.tr("Call {call} from {caller}").format(call=self.call_id, caller=w.caller or DASH)
        )
        if w.movable and not self._edited:
            self._filling = True
            self.queue_combo.setCurrentIndex(max(0, self.queue_combo.findData(w.queue_id)))
            self.priority_spin.setValue(w.priority)
            self._filling = False
        why = call_fate_text(w, self._source.state)
        self.status.setText(why)
        self.status.setVisible(bool(why))
        self.move_button.setEnabled(w.movable)
        for widget in (self.queue_combo, self.priority_spin):
            widget.setEnabled(w.movable)
        self._show_live()

    def _show_live(self) -> None:
        w = self.watch.current
        if not w.movable or w.entered_ms is None:
            self.live.clear()
            self.live.hide()
            return
        now = self._source.feed_clock_ms()
        waiting = duration(max(0.0, (now - w.entered_ms) / 1000.0)) if now is not None else DASH
        queue = self._source.state.queues.get(w.queue_id)
        self.live.setText(
            self.tr("Waiting {wait} in {queue}, priority {priority}").format(
                wait=waiting, queue=queue.name if queue is not None else w.queue_id, priority=w.priority
            )
        )
        self.live.show()

    def _take(self) -> None:
        self.watch.update(self._source.state)  # the last look before sending
        if not self.movable:
            self._follow()  # the dialog now says why; nothing is sent
            return
        queue_id = self.queue_combo.currentData()
        if not isinstance(queue_id, str):
            return
        priority = self.priority_spin.value()
        self.accept()
        self.chosen.emit(queue_id, None if priority == self.watch.current.priority else priority)


# -- setting an agent's state ----------------------------------------------------------------------


def agent_target_text(state: AgentState, reason: str | None) -> str:
    """``Not ready (Break)``, ``Available``."""
    if state is AgentState.NOT_READY and reason:
        return QCoreApplication.translate("AgentStateDialog", "{state} ({reason})").format(
            state=state_label(state), reason=reason_label(reason)
        )
    return state_label(state)


def agent_live_text(w: WatchedAgent, now_ms: int | None, tz: str | None) -> str:
    """The agent now: state and reason, for how long (feed clock), call, open cases against the limit."""
    if w.state is None:
        return ""
    what = agent_target_text(w.state, w.reason)
    since = duration(max(0.0, (now_ms - w.since_ms) / 1000.0)) if now_ms and w.since_ms else DASH
    text = QCoreApplication.translate("AgentStateDialog", "{state} for {time} (since {clock})").format(
        state=what, time=since, clock=clock_time(w.since_ms, tz)
    )
    if w.call_id:
        text = QCoreApplication.translate("AgentStateDialog", "{text}, call {call}").format(
            text=text, call=w.call_id
        )
    if w.case_limit:
        cases = QCoreApplication.translate("AgentStateDialog", "{open} of {limit} open cases").format(
            open=w.open_cases, limit=w.case_limit
        )
    else:
        cases = QCoreApplication.translate("AgentStateDialog", "{open} open cases").format(open=w.open_cases)
    text = QCoreApplication.translate("AgentStateDialog", "{text}; {cases}").format(text=text, cases=cases)
    if w.pending_state is not None:
        text = QCoreApplication.translate(
            "AgentStateDialog", "{text}; {pending} pending until the call ends"
        ).format(text=text, pending=agent_target_text(w.pending_state, w.pending_reason))
    return text


def agent_change_text(
    watch: AgentWatch, target: AgentState, reason: str | None, decision: AgentDecision, tz: str | None
) -> str:
    """What became of the agent since it was chosen and what sending comes to, in words (empty: as chosen)."""
    w = watch.current
    who = agent_label(w.name or None, w.agent_id)
    by = (
        QCoreApplication.translate("AgentStateDialog", " (set by {user})").format(user=w.set_by)
        if w.set_by
        else ""
    )
    if w.fate is AgentFate.GONE:
        return QCoreApplication.translate(
            "AgentStateDialog", "{agent} left the floor at {time}; nothing is sent."
        ).format(agent=who, time=clock_time(w.at_ms, tz))
    if decision is AgentDecision.ALREADY:
        if w.pending_state is not None:
            return QCoreApplication.translate(
                "AgentStateDialog", "{state} is already pending for {agent}{by}; nothing to send."
            ).format(state=agent_target_text(target, reason), agent=who, by=by)
        return QCoreApplication.translate(
            "AgentStateDialog", "{agent} is already {state}{by}; nothing to send."
        ).format(agent=who, state=agent_target_text(target, reason), by=by)
    if w.fate is AgentFate.LOGGED_OFF:
        return QCoreApplication.translate(
            "AgentStateDialog", "{agent} logged off at {time}{by}; nothing is sent."
        ).format(agent=who, time=clock_time(w.at_ms, tz), by=by)
    if w.fate is AgentFate.CHANGED and w.state is not None:
        before = watch.chosen
        was = agent_target_text(before.state, before.reason) if before.state is not None else DASH
        if (w.state, w.reason, w.since_ms, w.call_id) == (
            before.state,
            before.reason,
            before.since_ms,
            before.call_id,
        ) and w.pending_state is not None:
            return QCoreApplication.translate(
                "AgentStateDialog", "{agent} changed meanwhile: {pending} is pending until the call ends{by}."
            ).format(agent=who, pending=agent_target_text(w.pending_state, w.pending_reason), by=by)
        if w.call_id and w.call_id != before.call_id:
            now = QCoreApplication.translate("AgentStateDialog", "went on call {call}").format(call=w.call_id)
        else:
            now = QCoreApplication.translate("AgentStateDialog", "is now {state}").format(
                state=agent_target_text(w.state, w.reason)
            )
        return QCoreApplication.translate(
            "AgentStateDialog", "{agent} changed meanwhile: was {was}, {now} since {time}{by}."
        ).format(agent=who, was=was, now=now, time=clock_time(w.since_ms, tz), by=by)
    return ""


def choice_key(state: AgentState, reason: str | None) -> str:
    """``not_ready:break``, ``available:``: a state choice as the combo's data."""
    return f"{state.value}:{reason if state is AgentState.NOT_READY and reason else ''}"


def state_choices() -> list[tuple[AgentState, str | None]]:
    """The states a supervisor may set, as (state, reason), in the menu's order."""
    out: list[tuple[AgentState, str | None]] = [(AgentState.AVAILABLE, None)]
    out += [(AgentState.NOT_READY, r) for r in NOT_READY_REASONS]
    out.append((AgentState.OFFLINE, None))
    return out


class AgentStateDialog(QDialog):
    """Set an agent's state, following the agent live.

    Shows the agent's state, reason, time in state on the feed clock, call and
    open cases against the limit. When the agent changed since the dialog
    opened (went on a call, took a break, someone else set the state) the
    dialog says how, and the first press of the button only confirms that it
    was seen: "Set anyway" sends. An agent already in the chosen state, logged
    off or gone from the floor is said so and nothing is sent.
    """

    chosen = Signal(object, object)  # AgentState, reason (None unless not ready)

    def __init__(
        self,
        source: FloorSource,
        agent_id: str,
        parent: QWidget | None = None,
        *,
        state: AgentState | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("agentStateDialog")
        self.agent_id = agent_id
        self._source = source
        self.watch = AgentWatch(agent_id, source.state)
        self._confirmed: tuple[object, ...] | None = None  # the agent as the user saw it and went ahead
        w = self.watch.current
        self.setWindowTitle(
            self.tr("Agent state: {agent}").format(agent=agent_label(w.name or None, agent_id))
        )
        self.info = QLabel(agent_label(w.name or None, agent_id), self)
        self.info.setObjectName("agentStateInfo")
        self.live = QLabel(self)
        self.live.setObjectName("agentStateLive")
        self.live.setWordWrap(True)
        self.status = status_label(self, "agentStateStatus")
        self.state_combo = QComboBox(self)
        for st, r in state_choices():
            self.state_combo.addItem(agent_target_text(st, r), choice_key(st, r))
        if state is not None:
            self.state_combo.setCurrentIndex(max(0, self.state_combo.findData(choice_key(state, reason))))
        form = QFormLayout()
        form.addRow(self.tr("&New state"), self.state_combo)
        self.buttons, self.set_button = lay_out_watching(
            self, (self.info, self.live, self.status), form, self.tr("Set state"), self._take
        )
        self.resize(480, self.sizeHint().height())
        self.state_combo.currentIndexChanged.connect(lambda _i: self._follow())
        source.floorUpdated.connect(self._floor_updated)
        source.clockTicked.connect(self._show_live)
        self._follow()

    def target(self) -> tuple[AgentState, str | None]:
        value = str(self.state_combo.currentData())
        state, _, reason = value.partition(":")
        return AgentState(state), reason or None

    def decision(self) -> AgentDecision:
        return self.watch.decide(*self.target())

    def _floor_updated(self, changes: ChangeSet) -> None:
        if changes.reset or self.agent_id in changes.agents | changes.agents_removed | changes.agents_added:
            self.watch.update(self._source.state, reset=changes.reset)
            self._follow()

    def _follow(self) -> None:
        target, reason = self.target()
        decision = self.watch.decide(target, reason)
        why = agent_change_text(self.watch, target, reason, decision, self._source.state.centre.timezone)
        if self._confirmed is not None and self._confirmed != self.watch.current.look():
            self._confirmed = None  # changed again since the user saw it
        if decision is AgentDecision.CONFIRM and self._confirmed is not None:
            why = self.tr("{why} Press Set anyway to send {state}.").format(
                why=why, state=agent_target_text(target, reason)
            )
        self.status.setText(why)
        self.status.setVisible(bool(why))
        self.set_button.setEnabled(decision in (AgentDecision.SEND, AgentDecision.CONFIRM))
        self.set_button.setText(
            self.tr("Set anyway") if decision is AgentDecision.CONFIRM else self.tr("Set state")
        )
        self.state_combo.setEnabled(self.watch.current.fate is not AgentFate.GONE)
        self._show_live()

    def _show_live(self) -> None:
        text = agent_live_text(
            self.watch.current, self._source.feed_clock_ms(), self._source.state.centre.timezone
        )
        self.live.setText(text)
        self.live.setVisible(bool(text))

    def _take(self) -> None:
        self.watch.update(self._source.state)  # the last look before sending
        decision = self.decision()
        if decision is AgentDecision.CONFIRM and self._confirmed != self.watch.current.look():
            self._confirmed = self.watch.current.look()  # seen now: the next press sends
            self._follow()
            return
        if decision not in (AgentDecision.SEND, AgentDecision.CONFIRM):
            self._follow()  # the dialog says why; nothing is sent
            return
        state, reason = self.target()
        self.accept()
        self.chosen.emit(state, reason)
