"""The quality review queue: every flagged call, its filters and counts, its detail, and the work on it.

The rows are the floor state's ``flags`` (the snapshot's, then ``flag.created``
and ``flag.updated`` as they come: ``ChangeSet.flags``), filtered by the
domain's ``FlagFilter``/``filter_flags`` (newest first) and diffed into the table
row by row. Above them the filters (status, category, severity, agent, team,
reviewer, date flagged), below them the counts per category and per agent of
what is shown (``counts_by_category``, ``counts_by_agent``). The detail pane
shows the selected flag with every note in order: the flagger's, then each
reviewer's, with who and when; nothing is ever overwritten.

Quality staff and admins work the flags from the pane: assign a reviewer (a
user name; the console does not know the user list, the gateway checks it),
start the review, close with an outcome, return to open, reopen, add a note
(a note also rides with any of these). Each sends one ``flag.update`` with the
version the console showed (``expected_version``), so an update that crossed
someone else's is refused rather than applied blind. What the workflow does not
allow is greyed out, with the domain's reason (``console.domain.flags``:
``plan_update``); what the gateway refuses is shown in its own words. Everyone
else sees the queue read-only.

*Export CSV…* writes the flags shown, in the order shown, with the domain's
``flags_csv`` (callers masked, long numbers in notes masked).
"""

from __future__ import annotations

import html
from enum import IntEnum
from pathlib import Path
from typing import Any

import msgspec
import shiboken6
from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from console.application.commands import Commands
from console.application.floor_source import FloorSource
from console.application.messages import MessageBridge
from console.domain.actions import ActionName
from console.domain.businessday import moment_text
from console.domain.changes import ChangeSet
from console.domain.clock import iso, to_ms
from console.domain.entities import (
    FLAG_NOTE_MAX,
    Flag,
    FlagCategory,
    FlagOutcome,
    FlagSeverity,
    FlagStatus,
)
from console.domain.figures.queues import Level
from console.domain.flags import (
    CsvLabels,
    FlagFilter,
    FlagRuleError,
    check_note,
    counts_by_agent,
    counts_by_category,
    filter_flags,
    flags_csv,
    plan_update,
)
from console.domain.masking import mask_digits
from console.widgets.common.combos import refill, select_data, shrinkable
from console.widgets.common.fmt import DASH, LEVEL_COLORS, agent_label, clock_time, date_time
from console.widgets.common.rowsync import (
    SORT_ROLE,
    Cell,
    CellTableModel,
    setup_table,
    show_row,
    size_columns,
)
from console.widgets.common.texts import category_label, severity_label, translated
from console.widgets.quality.common import (
    ack_error,
    outcome_label,
    role_refusal,
    status_label,
)

#: The flag id of a row.
FLAG_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 5

#: Agents named in the counts line (the tooltip lists them all).
_AGENTS_LISTED = 6
_DAY_MS = 86_400_000

_SEVERITY_RANK = {s: i for i, s in enumerate(FlagSeverity)}
_SEVERITY_LEVEL = {FlagSeverity.HIGH: Level.WARNING, FlagSeverity.CRITICAL: Level.CRITICAL}
_STATUS_RANK = {s: i for i, s in enumerate(FlagStatus)}


class FlagCol(IntEnum):
    FLAG = 0
    FLAGGED_AT = 1
    STATUS = 2
    SEVERITY = 3
    CATEGORY = 4
    AGENT = 5
    TEAM = 6
    QUEUE = 7
    REVIEWER = 8
    OUTCOME = 9
    FLAGGED_BY = 10
    CALL = 11


# Hidden row elements after the columns.
_ID, _VERSION = range(len(FlagCol), len(FlagCol) + 2)


class StatusChoice:
    """The status filter's choices (codes in the combo's data)."""

    ANY = ""
    NOT_CLOSED = "not_closed"


class DateChoice:
    ANY = ""
    TODAY = "today"
    WEEK = "7d"
    MONTH = "30d"


class FlagsModel(CellTableModel):
    """The flags the filter lets through, keyed by id, newest first."""

    flagsChanged = Signal()  # the rows (or the flags behind the filter choices) changed

    def __init__(self, source: FloorSource, parent: QObject | None = None) -> None:
        super().__init__(key=lambda row: row[_ID], parent=parent)
        titles = {
            FlagCol.FLAG: self.tr("Flag"),
            FlagCol.FLAGGED_AT: self.tr("Flagged at"),
            FlagCol.STATUS: self.tr("Status"),
            FlagCol.SEVERITY: self.tr("Severity"),
            FlagCol.CATEGORY: self.tr("Category"),
            FlagCol.AGENT: self.tr("Agent"),
            FlagCol.TEAM: self.tr("Team"),
            FlagCol.QUEUE: self.tr("Queue"),
            FlagCol.REVIEWER: self.tr("Reviewer"),
            FlagCol.OUTCOME: self.tr("Outcome"),
            FlagCol.FLAGGED_BY: self.tr("Flagged by"),
            FlagCol.CALL: self.tr("Call"),
        }
        self.set_headers([titles[c] for c in FlagCol])
        self.set_header_tip(FlagCol.FLAGGED_AT, self.tr("Feed-clock time, in the centre's local time"))
        self.set_header_tip(FlagCol.TEAM, self.tr("The agent's team when the call was flagged"))
        self._source = source
        self._filter = FlagFilter()
        self._shown: list[Flag] = []
        self.busy = False
        source.floorUpdated.connect(self.on_floor_updated)
        self.reload()

    # -- updating --------------------------------------------------------------------

    @property
    def filter(self) -> FlagFilter:
        return self._filter

    def set_filter(self, flt: FlagFilter) -> None:
        if flt != self._filter:
            self._filter = flt
            self.reload()

    def on_floor_updated(self, changes: ChangeSet) -> None:
        if changes.reset or changes.flags or changes.agents_added or changes.agents_removed:
            self.reload()

    def reload(self) -> None:
        self._shown = filter_flags(self._source.state.flags.values(), self._filter)
        self.busy = True  # rows come and go: a view's selection moving now is not the user's choice
        try:
            self.rows.sync([self._row(f) for f in self._shown])
        finally:
            self.busy = False
        self.flagsChanged.emit()

    # -- reading ---------------------------------------------------------------------

    def shown(self) -> list[Flag]:
        """The flags shown, newest first."""
        return list(self._shown)

    def row_of(self, flag_id: str) -> int | None:
        return self.rows.row_of(flag_id)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role == FLAG_ID_ROLE:
            if index.isValid() and 0 <= index.row() < len(self.rows):
                return self.rows.rows[index.row()][_ID]
            return None
        return super().data(index, role)

    def _row(self, f: Flag) -> tuple[Any, ...]:
        state = self._source.state
        tz = state.centre.timezone
        at = to_ms(f.flagged_at)
        today = state.centre.day_started_at
        when = clock_time(at, tz) if today is None or f.flagged_at >= today else date_time(at, tz)
        agent = state.agents.get(f.agent_id) if f.agent_id else None
        queue = state.queues.get(f.queue_id)
        return (
            Cell(f.id),
            Cell(when, tip=date_time(at, tz), sort=at),
            Cell(status_label(f.status), sort=_STATUS_RANK.get(f.status, 0)),
            Cell(
                severity_label(f.severity),
                level=_SEVERITY_LEVEL.get(f.severity),
                sort=_SEVERITY_RANK.get(f.severity, 0),
            ),
            Cell(category_label(f.category)),
            Cell(agent_label(agent.name if agent else None, f.agent_id) if f.agent_id else DASH),
            Cell(f.team or ""),
            Cell(queue.name if queue is not None else f.queue_id),
            Cell(f.reviewer or ""),
            Cell(outcome_label(f.outcome)),
            Cell(f.flagged_by),
            Cell(f.call_id),
            # hidden
            f.id,
            f.version,
        )


class FlagSortProxy(QSortFilterProxyModel):
    """Sorting by a column title (numbers and ranks in ``SORT_ROLE``); no sort: newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(True)


class ReviewPanel(QWidget):
    """The review queue: filters, the table, the counts, the selected flag and the work on it."""

    def __init__(
        self,
        source: FloorSource,
        parent: QWidget | None = None,
        *,
        commands: Commands | None = None,
        messages: MessageBridge | None = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._commands = commands or Commands(source)
        self._messages = messages or MessageBridge(self)  # the window's; alone, its own
        self._model = FlagsModel(source, self)
        self._proxy = FlagSortProxy(self)
        self._proxy.setSourceModel(self._model)
        self.current_id: str | None = None
        self.pending: str | None = None  # the command id of an update on its way
        self.last_result = ""
        self.last_error = ""

        # -- filters ---------------------------------------------------------------------
        self.status_combo = self._combo("flagStatusFilter")
        self.status_combo.addItem(self.tr("All statuses"), StatusChoice.ANY)
        self.status_combo.addItem(self.tr("Open or in review"), StatusChoice.NOT_CLOSED)
        for s in FlagStatus:
            self.status_combo.addItem(status_label(s), s.value)
        self.category_combo = self._combo("flagCategoryFilter")
        self.category_combo.addItem(self.tr("All categories"), None)
        for c in FlagCategory:
            self.category_combo.addItem(category_label(c), c.value)
        self.severity_combo = self._combo("flagSeverityFilter")
        self.severity_combo.addItem(self.tr("All severities"), None)
        for sv in FlagSeverity:
            self.severity_combo.addItem(severity_label(sv), sv.value)
        self.agent_combo = self._combo("flagAgentFilter")
        self.team_combo = self._combo("flagTeamFilter")
        self.reviewer_combo = self._combo("flagReviewerFilter")
        self.date_combo = self._combo("flagDateFilter")
        self.date_combo.addItem(self.tr("Any date"), DateChoice.ANY)
        self.date_combo.addItem(self.tr("Flagged today"), DateChoice.TODAY)
        self.date_combo.addItem(self.tr("Last 7 days"), DateChoice.WEEK)
        self.date_combo.addItem(self.tr("Last 30 days"), DateChoice.MONTH)
        self.export_button = QPushButton(self.tr("Export CSV…"), self)
        self.export_button.setObjectName("flagExport")
        self.export_button.setToolTip(self.tr("The flags shown, in the order shown; customer data masked"))

        # -- the table and the counts ------------------------------------------------------
        self._view = QTableView(self)
        self._view.setObjectName("flagsTable")
        self._view.setModel(self._proxy)
        setup_table(self._view)
        header = self._view.horizontalHeader()
        size_columns(
            self._view,
            (
                (FlagCol.FLAG, 80),
                (FlagCol.FLAGGED_AT, 80),
                (FlagCol.STATUS, 80),
                (FlagCol.SEVERITY, 80),
                # The longest category whole ("Compliance and required disclosures"), in any language.
                (
                    FlagCol.CATEGORY,
                    max(self._view.fontMetrics().horizontalAdvance(category_label(c)) for c in FlagCategory)
                    + 16,
                ),
                (FlagCol.AGENT, 140),
                (FlagCol.TEAM, 120),
                (FlagCol.QUEUE, 110),
            ),
            default=90,
        )
        header.setSortIndicatorClearable(True)  # a third click returns to newest first
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self._view.setSortingEnabled(True)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("flagSummary")
        self.category_counts = QLabel(self)
        self.category_counts.setObjectName("flagCategoryCounts")
        self.category_counts.setWordWrap(True)
        self.agent_counts = QLabel(self)
        self.agent_counts.setObjectName("flagAgentCounts")
        self.agent_counts.setWordWrap(True)

        # -- the detail pane ---------------------------------------------------------------
        self.title_label = QLabel(self)
        self.title_label.setObjectName("flagTitle")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.detail = QWidget(self)
        detail_form = QFormLayout(self.detail)
        detail_form.setContentsMargins(0, 0, 0, 0)
        self.fields: dict[str, QLabel] = {}
        for key, title in (
            ("status", self.tr("Status")),
            ("severity", self.tr("Severity")),
            ("category", self.tr("Category")),
            ("agent", self.tr("Agent")),
            ("team", self.tr("Team")),
            ("queue", self.tr("Queue")),
            ("caller", self.tr("Caller (masked)")),
            ("call", self.tr("Call started")),
            ("moment", self.tr("Moment")),
            ("flagged", self.tr("Flagged")),
            ("reviewer", self.tr("Reviewer")),
            ("outcome", self.tr("Outcome")),
        ):
            value = QLabel(self.detail)
            value.setObjectName(f"flagField_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.fields[key] = value
            detail_form.addRow(title, value)
        self.notes_view = QTextBrowser(self)
        self.notes_view.setObjectName("flagNotes")
        self.notes_view.setOpenLinks(False)
        self.notes_view.setPlaceholderText(self.tr("The flag's notes, oldest first"))
        notes_box = QGroupBox(self.tr("Notes"), self)
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.setContentsMargins(4, 4, 4, 4)
        notes_layout.addWidget(self.notes_view)

        # -- the work ---------------------------------------------------------------------
        self.work_box = QGroupBox(self.tr("Review"), self)
        self.work_box.setObjectName("flagWork")
        self.reviewer_edit = QLineEdit(self)
        self.reviewer_edit.setObjectName("flagReviewer")
        self.reviewer_edit.setPlaceholderText(self.tr("Reviewer's user name (empty: nobody)"))
        self._completer = QCompleter([], self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.reviewer_edit.setCompleter(self._completer)
        self.assign_button = QPushButton(self.tr("Assign"), self)
        self.assign_button.setObjectName("flagAssign")
        self.start_button = QPushButton(self.tr("Start review"), self)
        self.start_button.setObjectName("flagStart")
        self.to_open_button = QPushButton(self.tr("Return to open"), self)
        self.to_open_button.setObjectName("flagToOpen")
        self.reopen_button = QPushButton(self.tr("Reopen"), self)
        self.reopen_button.setObjectName("flagReopen")
        self.outcome_combo = QComboBox(self)
        self.outcome_combo.setObjectName("flagOutcome")
        for o in FlagOutcome:
            self.outcome_combo.addItem(outcome_label(o), o.value)
        self.close_button = QPushButton(self.tr("Close with outcome"), self)
        self.close_button.setObjectName("flagClose")
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("flagReviewNote")
        self.note_edit.setPlaceholderText(self.tr("A note (added on its own, or with the action you take)"))
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(80)
        self.note_counter = QLabel(self)
        self.note_counter.setObjectName("flagReviewNoteCounter")
        self.note_button = QPushButton(self.tr("Add note"), self)
        self.note_button.setObjectName("flagAddNote")
        self.result_label = QLabel(self)
        self.result_label.setObjectName("flagResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readonly_label = QLabel(self)
        self.readonly_label.setObjectName("flagReadOnly")
        self.readonly_label.setWordWrap(True)
        work = QGridLayout(self.work_box)
        work.setContentsMargins(4, 4, 4, 4)
        work.addWidget(QLabel(self.tr("Reviewer"), self.work_box), 0, 0)
        work.addWidget(self.reviewer_edit, 0, 1, 1, 2)
        work.addWidget(self.assign_button, 0, 3)
        work.addWidget(self.start_button, 1, 1)
        work.addWidget(self.to_open_button, 1, 2)
        work.addWidget(self.reopen_button, 1, 3)
        work.addWidget(QLabel(self.tr("Outcome"), self.work_box), 2, 0)
        work.addWidget(self.outcome_combo, 2, 1, 1, 2)
        work.addWidget(self.close_button, 2, 3)
        work.addWidget(self.note_edit, 3, 0, 1, 4)
        work.addWidget(self.note_counter, 4, 0, 1, 3)
        work.addWidget(self.note_button, 4, 3)

        # -- layout ---------------------------------------------------------------------
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        for combo in (
            self.status_combo,
            self.category_combo,
            self.severity_combo,
            self.agent_combo,
            self.team_combo,
            self.reviewer_combo,
            self.date_combo,
        ):
            # Shrinkable, sharing the row: seven filters must not set the window's width.
            filters.addWidget(shrinkable(combo), 1)
        filters.addWidget(self.export_button)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(4)
        left_layout.addWidget(self._view, 1)
        left_layout.addWidget(self.summary_label)
        left_layout.addWidget(self.category_counts)
        left_layout.addWidget(self.agent_counts)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(4)
        right_layout.addWidget(self.title_label)
        right_layout.addWidget(self.detail)
        right_layout.addWidget(notes_box, 1)
        right_layout.addWidget(self.work_box)
        right_layout.addWidget(self.readonly_label)
        right_layout.addWidget(self.result_label)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(right)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("flagsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

        # -- wiring ---------------------------------------------------------------------
        for combo in (
            self.status_combo,
            self.category_combo,
            self.severity_combo,
            self.agent_combo,
            self.team_combo,
            self.reviewer_combo,
            self.date_combo,
        ):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.export_button.clicked.connect(self.export_dialog)
        self.assign_button.clicked.connect(lambda: self.assign(self.reviewer_edit.text()))
        self.start_button.clicked.connect(self.start_review)
        self.to_open_button.clicked.connect(self.return_to_open)
        self.reopen_button.clicked.connect(self.reopen)
        self.close_button.clicked.connect(lambda: self.close_flag(self.chosen_outcome()))
        self.note_button.clicked.connect(lambda _checked=False: self.add_note(None))
        self.note_edit.textChanged.connect(self._note_changed)
        self._view.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self._model.flagsChanged.connect(self._flags_changed)
        source.floorUpdated.connect(self._on_floor_updated)
        source.statusChanged.connect(lambda _s: self._status_changed())
        self._fill_choices()
        self._status_changed()
        self._flags_changed()

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        # Compact in the bar (the dock may be narrow); the list that drops down shows the whole text.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        return combo

    # -- public ----------------------------------------------------------------------

    @property
    def model(self) -> FlagsModel:
        return self._model

    @property
    def proxy(self) -> FlagSortProxy:
        return self._proxy

    @property
    def view(self) -> QTableView:
        return self._view

    def can_update(self) -> bool:
        return self._commands.may(ActionName.UPDATE_FLAG)

    def current_flag(self) -> Flag | None:
        return self._source.state.flags.get(self.current_id) if self.current_id else None

    def select_flag(self, flag_id: str) -> bool:
        """Select the row of ``flag_id`` (False when the filters hide it); the pane shows it."""
        if not show_row(self._view, self._proxy, self._model.row_of(flag_id)):
            return False
        self.current_id = flag_id
        self._show_current()
        return True

    def shown_flags(self) -> list[Flag]:
        """The flags shown, in the order shown (the table's sort)."""
        flags = self._source.state.flags
        out: list[Flag] = []
        for r in range(self._proxy.rowCount()):
            flag_id = self._proxy.index(r, 0).data(FLAG_ID_ROLE)
            flag = flags.get(flag_id) if isinstance(flag_id, str) else None
            if flag is not None:
                out.append(flag)
        return out

    # -- filters ---------------------------------------------------------------------

    def set_status_filter(self, choice: str) -> None:
        """``StatusChoice.ANY``, ``StatusChoice.NOT_CLOSED`` or a status code."""
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(choice)))

    def set_category_filter(self, category: FlagCategory | None) -> None:
        self.category_combo.setCurrentIndex(max(0, self.category_combo.findData(category and category.value)))

    def set_severity_filter(self, severity: FlagSeverity | None) -> None:
        self.severity_combo.setCurrentIndex(max(0, self.severity_combo.findData(severity and severity.value)))

    def set_agent_filter(self, agent_id: str | None) -> None:
        select_data(self.agent_combo, agent_id)
        self.apply_filters()

    def set_team_filter(self, team: str | None) -> None:
        select_data(self.team_combo, team)
        self.apply_filters()

    def set_reviewer_filter(self, reviewer: str | None, *, nobody: bool = False) -> None:
        """Flags of ``reviewer``; ``nobody=True``: flags no one reviews yet; neither: any reviewer."""
        select_data(self.reviewer_combo, _NOBODY if nobody else reviewer)
        self.apply_filters()

    def set_date_filter(self, choice: str) -> None:
        self.date_combo.setCurrentIndex(max(0, self.date_combo.findData(choice)))

    def current_filter(self) -> FlagFilter:
        """The domain's filter for the choices made above the table."""
        status = self.status_combo.currentData()
        if status == StatusChoice.NOT_CLOSED:
            statuses = frozenset({FlagStatus.OPEN, FlagStatus.IN_REVIEW})
        elif status:
            statuses = frozenset({FlagStatus(status)})
        else:
            statuses = frozenset()
        category = self.category_combo.currentData()
        severity = self.severity_combo.currentData()
        agent = self.agent_combo.currentData()
        team = self.team_combo.currentData()
        reviewer = self.reviewer_combo.currentData()
        reviewers: frozenset[str | None] = frozenset()
        if reviewer == _NOBODY:
            reviewers = frozenset({None})
        elif isinstance(reviewer, str) and reviewer:
            reviewers = frozenset({reviewer})
        return FlagFilter(
            statuses=statuses,
            categories=frozenset({FlagCategory(category)}) if category else frozenset(),
            severities=frozenset({FlagSeverity(severity)}) if severity else frozenset(),
            agent_ids=frozenset({agent}) if isinstance(agent, str) and agent else frozenset(),
            teams=frozenset({team}) if isinstance(team, str) and team else frozenset(),
            reviewers=reviewers,
            since=self._since(str(self.date_combo.currentData() or "")),
        )

    def _since(self, choice: str) -> str | None:
        """The start of the date choice: the business day's start, or 6 or 29 days before it."""
        start = self._source.state.centre.day_started_at
        if not choice or start is None:
            return None
        back = {DateChoice.TODAY: 0, DateChoice.WEEK: 6, DateChoice.MONTH: 29}.get(choice, 0)
        return iso(to_ms(start) - back * _DAY_MS)

    def apply_filters(self) -> None:
        self._model.set_filter(self.current_filter())

    # -- the work on a flag ---------------------------------------------------------------

    def chosen_outcome(self) -> FlagOutcome:
        return FlagOutcome(self.outcome_combo.currentData())

    def assign(self, reviewer: str | None) -> str | None:
        """Make ``reviewer`` (a user name; empty or None: nobody; "me": this console's user) review it."""
        name = (reviewer or "").strip()
        if name.casefold() == self.tr("me").casefold() or name.casefold() == "me":
            name = self._commands.user() or name
        return self.send_update(reviewer=name or None, reviewer_given=True)

    def start_review(self) -> str | None:
        return self.send_update(status=FlagStatus.IN_REVIEW)

    def return_to_open(self) -> str | None:
        return self.send_update(status=FlagStatus.OPEN)

    def reopen(self) -> str | None:
        return self.send_update(status=FlagStatus.IN_REVIEW)

    def close_flag(self, outcome: FlagOutcome | None) -> str | None:
        return self.send_update(status=FlagStatus.CLOSED, outcome=outcome)

    def add_note(self, text: str | None = None) -> str | None:
        """Add a note on its own (the note box's text when none is given)."""
        if text is not None:
            self.note_edit.setPlainText(text)
        if not self.note_edit.toPlainText().strip():
            self._refused(self.tr("Write the note first"))
            return None
        return self.send_update()

    def send_update(
        self,
        *,
        status: FlagStatus | None = None,
        outcome: FlagOutcome | None = None,
        reviewer: str | None = None,
        reviewer_given: bool = False,
    ) -> str | None:
        """One ``flag.update`` for the selected flag, at the version shown, with the note box's note.

        What the workflow refuses is said here and nothing is sent; what the
        gateway refuses comes back with its ack and is shown in its words.
        """
        flag = self.current_flag()
        if flag is None:
            self._refused(self.tr("Choose a flag first"))
            return None
        if not self.can_update():
            self._refused(role_refusal(self._commands, self.tr("work the review queue")))
            return None
        if self.pending is not None:
            return None
        note = self.note_edit.toPlainText()
        try:
            changes = plan_update(
                flag,
                user=self._commands.user() or "",
                status=status,
                outcome=outcome,
                reviewer=reviewer,
                reviewer_given=reviewer_given,
            )
            if note.strip():
                check_note(note, required=True)
        except FlagRuleError as exc:
            self._refused(self.tr("Not sent: {why}").format(why=translated(exc.text)))
            return None
        if not changes and not note.strip():
            self._refused(self.tr("Nothing to change"))
            return None
        if self._commands.sender is None:
            self._refused(self.tr("Not connected to a gateway: nothing was sent"))
            return None
        flag_id, version = flag.id, flag.version
        self.pending = self._commands.update_flag(
            flag_id,
            expected_version=version,
            status=status,
            outcome=outcome,
            reviewer=reviewer if reviewer_given else msgspec.UNSET,  # not given: left as it is
            note=note if note.strip() else None,
            on_ack=lambda ack: self._acked(ack, flag_id, version),
        )
        self.last_error = ""
        self.result_label.setText(self.tr("Sending…"))
        self._refresh_work()
        return self.pending

    def _acked(self, ack: Any, flag_id: str, version: int) -> None:
        if not shiboken6.isValid(self):
            return
        self.pending = None
        if ack.ok:
            result = ack.result if isinstance(ack.result, dict) else {}
            flag = self._source.state.flags.get(flag_id)
            if result.get("unchanged"):
                text = self.tr("{flag}: nothing to change").format(flag=flag_id)
            elif flag is not None:
                text = self.tr("{flag}: {status}, reviewer {reviewer}, version {version}").format(
                    flag=flag_id,
                    status=status_label(flag.status).lower(),
                    reviewer=flag.reviewer or self.tr("nobody"),
                    version=flag.version,
                )
            else:
                text = self.tr("{flag} updated").format(flag=flag_id)
            self.note_edit.clear()
            self.last_result = text
            self.last_error = ""
            self.result_label.setText(text)
            self._messages.show(text)
        elif ack.error_code == "conflict":
            flag = self._source.state.flags.get(flag_id)
            now = flag.version if flag is not None else None
            self._refused(
                self.tr(
                    "Refused: {flag} changed since you looked at it (version {seen}, now {now}); "
                    "nothing was changed. Check it again, then retry. ({why})"
                ).format(flag=flag_id, seen=version, now=now if now is not None else DASH, why=ack_error(ack))
            )
        else:
            self._refused(self.tr("Refused: {why}").format(why=ack_error(ack)))
        self._show_current()

    def _refused(self, text: str) -> None:
        self.last_error = text
        self.result_label.setText(text)
        self.result_label.setStyleSheet(f"color: {LEVEL_COLORS[Level.CRITICAL].name()};")
        self._messages.show(text)

    # -- export ----------------------------------------------------------------------

    def export_csv(self, path: str | Path) -> int:
        """Write the flags shown to ``path``; returns how many."""
        flags = self.shown_flags()
        state = self._source.state
        text = flags_csv(
            flags, state.agents, state.queues, timezone=state.centre.timezone, labels=self.csv_labels()
        )
        # UTF-8 with a BOM: Excel on Chinese Windows reads a BOM-less file as GBK (郭宁 turns to mojibake).
        Path(path).write_text(text, encoding="utf-8-sig", newline="")
        text = self.tr("Exported {n} flags to {path}").format(n=f"{len(flags):,}", path=str(path))
        self._messages.show(text)
        return len(flags)

    def csv_labels(self) -> CsvLabels:
        """The export's header and value words: the review queue's own, in the interface language."""
        columns = (
            self.tr("Flag"),
            self.tr("Flagged at"),
            self.tr("Call"),
            self.tr("Agent id"),
            self.tr("Agent"),
            self.tr("Team"),
            self.tr("Queue"),
            self.tr("Caller (masked)"),
            self.tr("Category"),
            self.tr("Severity"),
            self.tr("Status"),
            self.tr("Reviewer"),
            self.tr("Outcome"),
            self.tr("Flagged by"),
            self.tr("Last note"),
            self.tr("Call started"),
            self.tr("Moment in the call"),
            self.tr("Flagger's note"),
            self.tr("Review notes"),
        )
        return CsvLabels(
            columns=columns,
            category={c: category_label(c) for c in FlagCategory},
            severity={v: severity_label(v) for v in FlagSeverity},
            status={v: status_label(v) for v in FlagStatus},
            outcome={v: outcome_label(v) for v in FlagOutcome},
        )

    def export_dialog(self) -> int | None:
        """Ask where, then export (None: cancelled, or the file could not be written)."""
        at = self._source.feed_clock_ms()
        day = date_time(at, self._source.state.centre.timezone)[:10] if at is not None else "flags"
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export flags"),
            f"flags-{day}.csv",
            self.tr("CSV files (*.csv)"),
        )
        if not path:
            return None
        try:
            return self.export_csv(path)
        except OSError as exc:
            self._refused(self.tr("Not exported: {why}").format(why=exc.strerror or str(exc)))
            return None

    # -- internals -------------------------------------------------------------------

    def _on_floor_updated(self, changes: ChangeSet) -> None:
        if changes.reset:
            self.apply_filters()  # "today" may have moved on
        if changes.reset or (self.current_id is not None and self.current_id in changes.flags):
            self._show_current()

    def _flags_changed(self) -> None:
        self._fill_choices()
        self._update_counts()
        if self.current_id is not None:
            self._keep_selection()
            self._show_current()

    def _keep_selection(self) -> None:
        """The chosen flag stays chosen while rows come and go: selected if shown, else nothing selected."""
        row = self._model.row_of(self.current_id or "")
        index = self._proxy.mapFromSource(self._model.index(row, 0)) if row is not None else QModelIndex()
        selection = self._view.selectionModel()
        if index.isValid():
            if [ix.row() for ix in selection.selectedRows()] != [index.row()]:
                self._view.selectRow(index.row())
        elif selection.hasSelection():
            selection.clearSelection()

    def _selection_changed(self) -> None:
        if self._model.busy:
            return  # rows moving under the selection: the chosen flag stays (_keep_selection)
        rows = self._view.selectionModel().selectedRows()
        flag_id = rows[0].data(FLAG_ID_ROLE) if rows else None
        if isinstance(flag_id, str) and flag_id != self.current_id:
            self.current_id = flag_id
            self.last_error = ""
            self.result_label.clear()
            self._show_current()

    def _status_changed(self) -> None:
        user = self._commands.user()
        if user and not self.reviewer_edit.text():
            self.reviewer_edit.setText(user)
        if self.can_update():
            self.readonly_label.clear()
            self.readonly_label.hide()
        else:
            self.readonly_label.setText(
                self.tr("Read only. {why}").format(
                    why=role_refusal(self._commands, self.tr("work the review queue"))
                )
            )
            self.readonly_label.show()
        self._refresh_work()

    def _fill_choices(self) -> None:
        state = self._source.state
        flags = state.flags.values()
        agent_ids = {f.agent_id for f in flags if f.agent_id}
        named = [(agent_label(state.agents[a].name if a in state.agents else None, a), a) for a in agent_ids]
        agents: list[tuple[str, str | None]] = [(self.tr("All agents"), None)]
        agents += sorted(named, key=lambda item: (item[0].casefold(), item[1]))
        teams: list[tuple[str, str | None]] = [(self.tr("All teams"), None)]
        teams += [(t, t) for t in sorted({f.team for f in flags if f.team})]
        reviewer_names = sorted({f.reviewer for f in flags if f.reviewer})
        reviewers: list[tuple[str, str | None]] = [
            (self.tr("All reviewers"), None),
            (self.tr("Nobody yet"), _NOBODY),
        ]
        reviewers += [(r, r) for r in reviewer_names]
        for combo, items in (
            (self.agent_combo, agents),
            (self.team_combo, teams),
            (self.reviewer_combo, reviewers),
        ):
            current = combo.currentData()
            refill(combo, items, current if isinstance(current, str) else None)
        user = self._commands.user()
        known = sorted({*reviewer_names, *([user] if user else [])})
        model = self._completer.model()
        if getattr(self, "_known_reviewers", None) != known:
            self._known_reviewers = known
            if isinstance(model, QStringListModel):
                model.setStringList(known)

    def _update_counts(self) -> None:
        shown = self._model.shown()
        total = len(self._source.state.flags)
        by_status = {s: sum(1 for f in shown if f.status is s) for s in FlagStatus}
        self.summary_label.setText(
            self.tr(
                "{shown} of {total} flags shown: {open} open, {review} in review, {closed} closed"
            ).format(
                shown=f"{len(shown):,}",
                total=f"{total:,}",
                open=f"{by_status[FlagStatus.OPEN]:,}",
                review=f"{by_status[FlagStatus.IN_REVIEW]:,}",
                closed=f"{by_status[FlagStatus.CLOSED]:,}",
            )
        )
        categories = counts_by_category(shown)
        listed = [f"{category_label(c)} {n:,}" for c, n in categories.items() if n]
        self.category_counts.setText(
            self.tr("By category: {counts}").format(counts=" · ".join(listed) if listed else self.tr("none"))
        )
        self.category_counts.setToolTip(
            "\n".join(f"{category_label(c)}: {n:,}" for c, n in categories.items())
        )
        agents = counts_by_agent(shown)
        state = self._source.state

        def name(agent_id: str) -> str:
            if not agent_id:
                return self.tr("no agent")
            agent = state.agents.get(agent_id)
            return agent_label(agent.name if agent else None, agent_id)

        items = [f"{name(a)} {n:,}" for a, n in agents.items()]
        text = " · ".join(items[:_AGENTS_LISTED]) if items else self.tr("none")
        if len(items) > _AGENTS_LISTED:
            text = self.tr("{listed} and {n} more").format(listed=text, n=len(items) - _AGENTS_LISTED)
        self.agent_counts.setText(self.tr("By agent: {counts}").format(counts=text))
        self.agent_counts.setToolTip("\n".join(f"{name(a)}: {n:,}" for a, n in agents.items()))

    def _show_current(self) -> None:
        flag = self.current_flag()
        state = self._source.state
        tz = state.centre.timezone
        if flag is None:
            self.title_label.setText(
                self.tr("No flag chosen") if self.current_id is None else self.current_id
            )
            for label in self.fields.values():
                label.clear()
            self.notes_view.clear()
            self._refresh_work()
            return
        self.title_label.setText(
            self.tr("Flag {flag} · call {call} · version {version}").format(
                flag=flag.id, call=flag.call_id, version=flag.version
            )
        )
        agent = state.agents.get(flag.agent_id) if flag.agent_id else None
        queue = state.queues.get(flag.queue_id)
        started = to_ms(flag.call_started_at)
        values = {
            "status": status_label(flag.status),
            "severity": severity_label(flag.severity),
            "category": category_label(flag.category),
            "agent": agent_label(agent.name if agent else None, flag.agent_id) if flag.agent_id else DASH,
            "team": flag.team or DASH,
            "queue": queue.name if queue is not None else flag.queue_id,
            "caller": mask_digits(flag.caller),
            "call": date_time(started, tz),
            "moment": (
                self.tr("{moment} into the call (at {time})").format(
                    moment=moment_text(flag.moment_s),
                    time=clock_time(started + round(flag.moment_s * 1000), tz),
                )
                if flag.moment_s is not None
                else DASH
            ),
            "flagged": self.tr("by {user} at {time}").format(
                user=flag.flagged_by, time=date_time(to_ms(flag.flagged_at), tz)
            ),
            "reviewer": flag.reviewer or self.tr("nobody yet"),
            "outcome": outcome_label(flag.outcome) or DASH,
        }
        for key, label in self.fields.items():
            label.setText(values[key])
        self.notes_view.setHtml(self._notes_html(flag))
        self._refresh_work()

    def _notes_html(self, flag: Flag) -> str:
        """Every note, oldest first: the flagger's, then the reviewers'; who and when with each."""
        tz = self._source.state.centre.timezone
        parts = []
        flagged = self.tr("{time} · {user} (flagged the call)").format(
            time=date_time(to_ms(flag.flagged_at), tz), user=flag.flagged_by
        )
        text = flag.note or self.tr("(no note)")
        parts.append(f"<p><b>{html.escape(flagged)}</b><br>{_paragraph(text)}</p>")
        for note in flag.notes:
            head = self.tr("{time} · {user}").format(time=date_time(to_ms(note.at), tz), user=note.by)
            parts.append(f"<p><b>{html.escape(head)}</b><br>{_paragraph(note.text)}</p>")
        return "".join(parts)

    def _note_changed(self) -> None:
        n = len(self.note_edit.toPlainText())
        self.note_counter.setText(
            self.tr("{n} / {max} characters").format(n=f"{n:,}", max=f"{FLAG_NOTE_MAX:,}")
        )
        if n > FLAG_NOTE_MAX:
            self.note_counter.setStyleSheet(f"color: {LEVEL_COLORS[Level.CRITICAL].name()};")
        else:
            self.note_counter.setStyleSheet("")
        self._refresh_work()

    def _allows(self, flag: Flag, **request: Any) -> tuple[bool, str]:
        """Whether the workflow allows ``request`` on ``flag`` (the domain's rule), and why not."""
        try:
            changes = plan_update(flag, user=self._commands.user() or "", **request)
        except FlagRuleError as exc:
            return False, translated(exc.text)
        return bool(changes), ""

    def _refresh_work(self) -> None:
        """Enable what the role, the workflow and the selection allow; the tooltip says why not."""
        flag = self.current_flag()
        can = self.can_update()
        self.work_box.setEnabled(can and flag is not None)
        buttons: dict[QPushButton, dict[str, Any]] = {
            self.start_button: {"status": FlagStatus.IN_REVIEW},
            self.to_open_button: {"status": FlagStatus.OPEN},
            self.reopen_button: {"status": FlagStatus.IN_REVIEW},
            self.close_button: {"status": FlagStatus.CLOSED, "outcome": FlagOutcome.CONFIRMED},
            self.assign_button: {"reviewer": "\0", "reviewer_given": True},
        }
        visible_for = {
            self.start_button: FlagStatus.OPEN,
            self.to_open_button: FlagStatus.IN_REVIEW,
            self.reopen_button: FlagStatus.CLOSED,
        }
        for button, request in buttons.items():
            if flag is None:
                ok, why = False, self.tr("Choose a flag first")
            else:
                ok, why = self._allows(flag, **request)
                wanted = visible_for.get(button)
                if wanted is not None and flag.status is not wanted:
                    ok = False
                    why = why or self.tr("Not while {status}").format(status=status_label(flag.status))
            if not can:
                ok, why = False, role_refusal(self._commands, self.tr("work the review queue"))
            button.setEnabled(ok and self.pending is None)
            button.setToolTip(why)
        note = self.note_edit.toPlainText()
        note_ok = bool(note.strip()) and len(note) <= FLAG_NOTE_MAX
        self.note_button.setEnabled(can and flag is not None and note_ok and self.pending is None)
        if self.last_error:
            return
        self.result_label.setStyleSheet("")


_NOBODY = "\0nobody"  # the reviewer filter's "nobody yet" (no user name has a NUL in it)


def _paragraph(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")
