"""Today's completed calls, page by page, to find a call to flag (``calls.query``).

Calls in progress are in the floor state; calls that have ended are the
gateway's to list. The panel asks for them with ``calls.query`` through the live
feed (the network is never touched on the GUI thread: the answer comes back as
an ack callback), newest first, a page at a time: *Load more* passes the
``next_cursor`` of the last page with the same filters, so a call completing
meanwhile never makes a page repeat or skip one. Filters: an agent, a queue, an
outcome, a time range (local times of the business day, on the feed clock) and
a text (part of a call id, or the caller's last digits). Only the newest search
counts: an answer to an older one is dropped.

The first time the panel comes into view (``set_in_view``, from its dock) it
lists the latest calls by itself; after that it asks only when told to.
*Flag…* on a selected row asks for the flag dialog (``flagRequested``).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import msgspec
import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.application.commands import CallSearch, Commands
from console.application.floor_source import FloorSource
from console.application.messages import MessageBridge
from console.domain.actions import ActionName
from console.domain.businessday import time_of_business_day
from console.domain.changes import ChangeSet
from console.domain.clock import to_ms
from console.domain.entities import CallOutcome, CompletedCall
from console.domain.masking import mask_digits
from console.widgets.common.combos import refill, select_data
from console.widgets.common.fmt import agent_label, clock_time, duration
from console.widgets.common.rowsync import Cell, CellTableModel, setup_table, size_columns
from console.widgets.quality.common import (
    CallSummary,
    ack_error,
    call_outcome_label,
    role_refusal,
)

#: Calls per page.
PAGE_SIZE = 100
#: Longest search text the gateway takes.
TEXT_MAX = 100


class HistCol(IntEnum):
    TIME = 0
    CALL = 1
    QUEUE = 2
    AGENT = 3
    DURATION = 4
    WAIT = 5
    OUTCOME = 6
    CALLER = 7


# Hidden row elements after the columns.
_ID, _CALL = range(len(HistCol), len(HistCol) + 2)


class CallHistoryModel(CellTableModel):
    """Completed calls keyed by id, in the order the gateway gave them (newest first)."""

    def __init__(self, source: FloorSource, parent: QObject | None = None) -> None:
        super().__init__(key=lambda row: row[_ID], numeric=(HistCol.DURATION, HistCol.WAIT), parent=parent)
        self.set_headers(
            [
                self.tr("Time"),
                self.tr("Call"),
                self.tr("Queue"),
                self.tr("Agent"),
                self.tr("Duration"),
                self.tr("Wait"),
                self.tr("Outcome"),
                self.tr("Caller"),
            ]
        )
        self.set_header_tip(HistCol.TIME, self.tr("When the call entered the queue, centre's local time"))
        self.set_header_tip(HistCol.WAIT, self.tr("To the answer, or to the hang-up of an abandoned call"))
        self.set_header_tip(HistCol.CALLER, self.tr("Masked caller number"))
        self._source = source
        self._calls: list[CompletedCall] = []
        source.floorUpdated.connect(self._on_floor_updated)

    def _on_floor_updated(self, changes: ChangeSet) -> None:
        if changes.reset or changes.agents_added or changes.agents_removed:
            self._show()  # names may have changed

    def set_calls(self, calls: list[CompletedCall]) -> None:
        """Show ``calls`` (a new search)."""
        self._calls = []
        self._add(calls)

    def append(self, calls: list[CompletedCall]) -> None:
        """Add a further page below (a call already listed stays where it is)."""
        self._add(calls)

    def _add(self, calls: list[CompletedCall]) -> None:
        have = {c.id for c in self._calls}
        for c in calls:
            if c.id not in have:
                have.add(c.id)
                self._calls.append(c)
        self._show()

    def calls(self) -> list[CompletedCall]:
        return list(self._calls)

    def call_at(self, row: int) -> CompletedCall:
        call: CompletedCall = self.rows.rows[row][_CALL]
        return call

    def _show(self) -> None:
        self.rows.sync([self._row(c) for c in self._calls])

    def _row(self, c: CompletedCall) -> tuple[Any, ...]:
        state = self._source.state
        queue = state.queues.get(c.queue_id)
        agent = state.agents.get(c.agent_id) if c.agent_id else None
        entered = to_ms(c.entered_at)
        return (
            Cell(clock_time(entered, state.centre.timezone), sort=entered),
            Cell(c.id),
            Cell(queue.name if queue is not None else c.queue_id),
            Cell(agent_label(agent.name if agent else None, c.agent_id) if c.agent_id else ""),
            Cell(duration(c.duration_s), sort=c.duration_s),
            Cell(duration(c.wait_s), sort=c.wait_s),
            Cell(call_outcome_label(c.outcome, c.short_abandon)),
            Cell(mask_digits(c.caller)),
            # hidden
            c.id,
            c,
        )


def _decode_calls(result: dict[str, Any]) -> list[CompletedCall]:
    """The ``calls`` of a ``calls.query`` result; an entry that is not a call is left out."""
    out: list[CompletedCall] = []
    raw = result.get("calls")
    for item in raw if isinstance(raw, list) else []:
        try:
            out.append(msgspec.convert(item, CompletedCall))
        except msgspec.ValidationError:
            continue
    return out


class CallHistoryPanel(QWidget):
    """The filters, the table of today's completed calls, *Load more* and *Flag…*."""

    flagRequested = Signal(object)  # CallSummary of the selected call

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
        self.page_size = PAGE_SIZE
        self._model = CallHistoryModel(source, self)
        self._search = CallSearch()  # the filters of the search shown
        self._cursor: str | None = None
        self.total: int | None = None
        self._generation = 0  # answers to older searches are dropped
        self.pending: str | None = None  # "search" or "more" while a query is out
        self.searched = False
        self._in_view = False  # in view on screen (set_in_view): then the first search goes by itself
        self.last_error = ""

        self.agent_combo = QComboBox(self)
        self.agent_combo.setObjectName("historyAgentFilter")
        self.queue_combo = QComboBox(self)
        self.queue_combo.setObjectName("historyQueueFilter")
        self.outcome_combo = QComboBox(self)
        self.outcome_combo.setObjectName("historyOutcomeFilter")
        self.outcome_combo.addItem(self.tr("Answered or abandoned"), None)
        self.outcome_combo.addItem(call_outcome_label(CallOutcome.ANSWERED), CallOutcome.ANSWERED.value)
        self.outcome_combo.addItem(call_outcome_label(CallOutcome.ABANDONED), CallOutcome.ABANDONED.value)
        for combo in (self.agent_combo, self.queue_combo, self.outcome_combo):
            # Compact in the bar; the list that drops down shows the whole text.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        self.since_edit = QLineEdit(self)
        self.since_edit.setObjectName("historySince")
        self.since_edit.setPlaceholderText(self.tr("From HH:MM"))
        self.since_edit.setToolTip(self.tr("Calls that entered the queue at or after this local time today"))
        self.until_edit = QLineEdit(self)
        self.until_edit.setObjectName("historyUntil")
        self.until_edit.setPlaceholderText(self.tr("To HH:MM"))
        self.until_edit.setToolTip(self.tr("Calls that entered the queue before this local time today"))
        for edit in (self.since_edit, self.until_edit):
            edit.setMaximumWidth(110)
        self.text_edit = QLineEdit(self)
        self.text_edit.setObjectName("historyText")
        self.text_edit.setPlaceholderText(self.tr("Call id or caller's last digits"))
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.setMaxLength(TEXT_MAX)
        self.search_button = QPushButton(self.tr("Search"), self)
        self.search_button.setObjectName("historySearch")

        self._view = QTableView(self)
        self._view.setObjectName("callHistoryTable")
        self._view.setModel(self._model)
        setup_table(self._view)
        size_columns(
            self._view,
            (
                (HistCol.TIME, 70),
                (HistCol.CALL, 80),
                (HistCol.QUEUE, 120),
                (HistCol.AGENT, 140),
                (HistCol.DURATION, 70),
                (HistCol.WAIT, 60),
                (HistCol.OUTCOME, 110),
            ),
        )

        self.count_label = QLabel(self)
        self.count_label.setObjectName("historyCount")
        self.count_label.setWordWrap(True)
        self.more_button = QPushButton(self.tr("Load more"), self)
        self.more_button.setObjectName("historyMore")
        self.flag_button = QPushButton(self.tr("Flag…"), self)
        self.flag_button.setObjectName("historyFlag")

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.agent_combo)
        bar.addWidget(self.queue_combo)
        bar.addWidget(self.outcome_combo)
        bar.addWidget(self.since_edit)
        bar.addWidget(self.until_edit)
        bar.addWidget(self.text_edit, 1)
        bar.addWidget(self.search_button)
        foot = QHBoxLayout()
        foot.setContentsMargins(0, 0, 0, 0)
        foot.addWidget(self.count_label, 1)
        foot.addWidget(self.more_button)
        foot.addWidget(self.flag_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self._view, 1)
        layout.addLayout(foot)

        self._fill_choices()
        self.search_button.clicked.connect(self.search)
        for edit in (self.since_edit, self.until_edit, self.text_edit):
            edit.returnPressed.connect(self.search)
        for combo in (self.agent_combo, self.queue_combo, self.outcome_combo):
            combo.activated.connect(lambda _i: self.search())
        self.more_button.clicked.connect(self.load_more)
        self.flag_button.clicked.connect(self.request_flag)
        self._view.doubleClicked.connect(lambda _ix: self.request_flag())
        self._view.selectionModel().selectionChanged.connect(lambda *_: self.refresh())
        source.floorUpdated.connect(self._on_floor_updated)
        source.statusChanged.connect(self._on_status)
        self.refresh()

    # -- public ----------------------------------------------------------------------

    @property
    def model(self) -> CallHistoryModel:
        return self._model

    @property
    def view(self) -> QTableView:
        return self._view

    @property
    def next_cursor(self) -> str | None:
        return self._cursor

    def can_query(self) -> bool:
        return self._commands.may(ActionName.QUERY_CALLS)

    def can_flag(self) -> bool:
        return self._commands.may(ActionName.FLAG_CALL)

    def set_agent_filter(self, agent_id: str | None) -> None:
        select_data(self.agent_combo, agent_id)

    def set_queue_filter(self, queue_id: str | None) -> None:
        select_data(self.queue_combo, queue_id)

    def set_outcome_filter(self, outcome: CallOutcome | None) -> None:
        select_data(self.outcome_combo, outcome.value if outcome is not None else None)

    def set_time_range(self, since: str, until: str) -> None:
        """Local times of the business day, ``HH:MM`` (empty: open-ended)."""
        self.since_edit.setText(since)
        self.until_edit.setText(until)

    def set_text(self, text: str) -> None:
        self.text_edit.setText(text)

    def filters(self) -> CallSearch:
        """The search the filters stand for; ValueError (in words) when one is wrong."""
        args: dict[str, Any] = {}
        for name, combo in (
            ("agent_id", self.agent_combo),
            ("queue_id", self.queue_combo),
            ("outcome", self.outcome_combo),
        ):
            value = combo.currentData()
            if isinstance(value, str) and value:
                args[name] = value
        centre = self._source.state.centre
        for name, edit in (("since", self.since_edit), ("until", self.until_edit)):
            try:
                stamp = time_of_business_day(edit.text(), centre.day_started_at, centre.timezone)
            except ValueError:
                raise ValueError(
                    self.tr("“{text}” is not a time of day: use HH:MM, e.g. 09:30").format(
                        text=edit.text().strip()
                    )
                ) from None
            if stamp is not None:
                args[name] = stamp
        if "since" in args and "until" in args and args["since"] >= args["until"]:
            raise ValueError(self.tr("The time range ends before it starts"))
        text = self.text_edit.text().strip()
        if text:
            args["text"] = text
        return CallSearch(**args)

    def search(self) -> str | None:
        """Ask for the first page with the filters as they stand (replaces the list when it comes)."""
        if not self.can_query():
            self.refresh()
            return None
        try:
            search = self.filters()
        except ValueError as exc:
            self._error(str(exc))
            return None
        self.searched = True
        return self._query("search", search, None)

    def load_more(self) -> str | None:
        """Ask for the next page of the search shown."""
        if not self.can_query() or self._cursor is None or self.pending is not None:
            return None
        return self._query("more", self._search, self._cursor)

    def selected_call(self) -> CompletedCall | None:
        rows = self._view.selectionModel().selectedRows()
        if not rows:
            return None
        return self._model.call_at(rows[0].row())

    def select_call(self, call_id: str) -> bool:
        row = self._model.rows.row_of(call_id)
        if row is None:
            return False
        self._view.selectRow(row)
        self._view.scrollTo(self._model.index(row, 0))
        return True

    def request_flag(self) -> CallSummary | None:
        """Ask for the flag dialog for the selected call (``flagRequested``)."""
        call = self.selected_call()
        if call is None or not self.can_flag():
            return None
        summary = CallSummary.of_completed(call)
        self.flagRequested.emit(summary)
        return summary

    def refresh(self, *_: object) -> None:
        """Enable what the role, the selection and the paging allow; say why when not."""
        query = self.can_query()
        flag = self.can_flag()
        for w in (
            self.search_button,
            self.agent_combo,
            self.queue_combo,
            self.outcome_combo,
            self.since_edit,
            self.until_edit,
            self.text_edit,
        ):
            w.setEnabled(query)
        self.more_button.setEnabled(query and self._cursor is not None and self.pending is None)
        self.flag_button.setEnabled(flag and self.selected_call() is not None)
        self.flag_button.setToolTip("" if flag else role_refusal(self._commands, self.tr("flag calls")))
        if not query:
            self.count_label.setText(role_refusal(self._commands, self.tr("look up today's completed calls")))
        elif self.pending == "search":
            self.count_label.setText(self.tr("Searching…"))
        elif self.pending == "more":
            self.count_label.setText(self.tr("Loading more…"))
        elif self.last_error:
            self.count_label.setText(self.last_error)
        elif not self.searched:
            self.count_label.setText(self.tr("Search today's completed calls"))
        else:
            self.count_label.setText(
                self.tr("{shown} of {total} calls completed today").format(
                    shown=f"{self._model.rowCount():,}", total=f"{self.total or 0:,}"
                )
            )

    # -- internals -------------------------------------------------------------------

    def _query(self, kind: str, search: CallSearch, cursor: str | None) -> str | None:
        if self._commands.sender is None:
            self._error(self.tr("Not connected to a gateway: nothing was asked"))
            return None
        self._generation += 1
        generation = self._generation
        self.pending = kind
        self.last_error = ""
        self.refresh()
        return self._commands.query_calls(
            search,
            page_size=self.page_size,
            cursor=cursor,
            on_ack=lambda ack: self._answered(ack, kind, search, generation),
        )

    def _answered(self, ack: Any, kind: str, search: CallSearch, generation: int) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return  # the panel is gone, or a newer search was sent meanwhile
        self.pending = None
        if not ack.ok:
            self._error(self.tr("The call history was not read: {why}").format(why=ack_error(ack)))
            return
        result = ack.result if isinstance(ack.result, dict) else {}
        calls = _decode_calls(result)
        if kind == "search":
            self._search = search
            self._model.set_calls(calls)
            self._view.scrollToTop()
        else:
            self._model.append(calls)
        cursor = result.get("next_cursor")
        self._cursor = cursor if isinstance(cursor, str) and cursor else None
        total = result.get("total")
        self.total = total if isinstance(total, int) else self._model.rowCount()
        self.refresh()

    def _error(self, text: str) -> None:
        self.last_error = text
        self.pending = None
        self._messages.show(text)
        self.refresh()

    def _on_floor_updated(self, changes: ChangeSet) -> None:
        if changes.reset or changes.agents_added or changes.agents_removed:
            self._fill_choices()

    def _on_status(self, *_: object) -> None:
        self.refresh()
        if not self.searched and self._in_view and self.can_query():
            self.search()

    def _fill_choices(self) -> None:
        state = self._source.state
        agents: list[tuple[str, str | None]] = [(self.tr("All agents"), None)]
        agents += [
            (agent_label(a.name, a.id), a.id)
            for a in sorted(state.agents.values(), key=lambda a: (a.name.casefold(), a.id))
        ]
        queues: list[tuple[str, str | None]] = [(self.tr("All queues"), None)]
        queues += [(q.name, q.id) for q in state.queues.values()]
        current_agent = self.agent_combo.currentData()
        current_queue = self.queue_combo.currentData()
        refill(self.agent_combo, agents, current_agent if isinstance(current_agent, str) else None)
        refill(self.queue_combo, queues, current_queue if isinstance(current_queue, str) else None)

    def set_in_view(self, in_view: bool) -> None:
        """The panel came into view or left it; the first look lists the latest calls."""
        self._in_view = in_view
        if in_view and not self.searched and self.can_query():
            self.search()
