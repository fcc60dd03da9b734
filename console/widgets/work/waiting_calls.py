"""Waiting calls: every call waiting in a queue, in the order they are served, to move or re-prioritise.

The breaches panel lists only the calls past their threshold; a supervisor
moving work needs all of them. One row per waiting call (ringing and answered
calls leave the list), in service order: priority, highest first, then the
longest wait. Floor updates rebuild only the calls a ``ChangeSet`` names and
hand the list to the keyed row diff (``rowsync``); the waiting time is computed
when painted, on the feed clock, and ticks with one ``dataChanged`` over its
column. Callers are shown masked, as the feed gives them.

While a menu or a dialog is open for a call (``WaitingCallsPanel.pin``) the
rows hold still under the pointer: the order is frozen (a call whose priority
changes keeps its row; new calls go below the others), and a call that is
answered or hung up stays in its place, greyed as "left", until the last pin
is released; then the list returns to the service order and the selection
stays on the pinned call, by id.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from console.application.floor_source import FloorSource
from console.domain.changes import ChangeSet
from console.domain.clock import to_ms
from console.domain.entities import Call, CallState
from console.domain.figures.queues import Level, wait_level
from console.widgets.common.combos import refill, select_data
from console.widgets.common.fmt import DASH, duration
from console.widgets.common.rowsync import SORT_ROLE, Cell, CellTableModel, fit_headers, setup_table, show_row

#: The call id of a row.
CALL_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 3


class CallCol(IntEnum):
    CALL = 0
    QUEUE = 1
    PRIORITY = 2
    WAITING = 3
    CALLER = 4


# Hidden row elements after the columns.
_ID, _QUEUE_ID, _ENTERED, _THRESHOLD, _PRIORITY, _LEFT = range(len(CallCol), len(CallCol) + 6)


class WaitingCallsModel(CellTableModel):
    """Waiting calls keyed by id, highest priority first, then longest waiting."""

    queuesChanged = Signal()

    def __init__(self, source: FloorSource, parent: QObject | None = None) -> None:
        super().__init__(key=lambda row: row[_ID], numeric=(CallCol.PRIORITY, CallCol.WAITING), parent=parent)
        self.set_headers(
            [self.tr("Call"), self.tr("Queue"), self.tr("Priority"), self.tr("Waiting"), self.tr("Caller")]
        )
        self.set_header_tip(CallCol.PRIORITY, self.tr("Higher is served first (0 to 10)"))
        self.set_header_tip(
            CallCol.WAITING, self.tr("Time since the call entered the queue, on the feed clock")
        )
        self.set_header_tip(CallCol.CALLER, self.tr("Masked caller number"))
        self._source = source
        self._queues: dict[str, tuple[str, float]] = {}  # id -> (name, SL threshold)
        self._by_id: dict[str, tuple[Any, ...]] = {}
        self._wait_cells: dict[str, Cell] = {}
        self._holds = 0
        self._frozen: dict[str, int] | None = None  # call id -> its row when the order was frozen
        self._left: dict[str, tuple[Any, ...]] = {}  # frozen rows whose call stopped waiting
        source.floorUpdated.connect(self.on_floor_updated)
        source.clockTicked.connect(self.on_clock_ticked)
        self.reload()

    def reload(self) -> None:
        state = self._source.state
        self._queues = {q.id: (q.name, q.sl_threshold_s) for q in state.queues.values()}
        before = self._by_id
        self._by_id = {c.id: self._row(c) for c in state.calls.values() if c.state is CallState.WAITING}
        for cid, row in before.items():
            if cid not in self._by_id:
                self._leaves(cid, row)
        self._show()
        self.queuesChanged.emit()

    def on_floor_updated(self, changes: ChangeSet) -> None:
        state = self._source.state
        queues = {q.id: (q.name, q.sl_threshold_s) for q in state.queues.values()}
        if changes.reset or queues != self._queues:
            self.reload()
            return
        ids = changes.calls_added | changes.calls_changed | changes.calls_removed
        if not ids:
            return
        for cid in ids:
            call = state.calls.get(cid)
            if call is not None and call.state is CallState.WAITING:
                self._by_id[cid] = self._row(call)
                self._left.pop(cid, None)
            else:
                row = self._by_id.pop(cid, None)
                if row is not None:
                    self._leaves(cid, row)
        self._show()

    # -- holding still ---------------------------------------------------------------

    def freeze(self) -> None:
        """Hold the rows where they are (counted: each ``freeze`` needs its ``thaw``)."""
        self._holds += 1
        if self._frozen is None:
            self._frozen = {r[_ID]: i for i, r in enumerate(self.rows.rows)}

    def thaw(self) -> None:
        """Release one hold; the last one returns the rows to the service order and drops the left ones."""
        if self._holds == 0:
            return
        self._holds -= 1
        if self._holds == 0:
            self._frozen = None
            self._left.clear()
            self._show()

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def _leaves(self, cid: str, row: tuple[Any, ...]) -> None:
        if self._frozen is not None and cid in self._frozen:
            self._left[cid] = (*row[:_LEFT], True)

    def is_left(self, row: int) -> bool:
        """Whether the call of ``row`` is no longer waiting (kept in place while the rows are held)."""
        return 0 <= row < len(self.rows) and bool(self.rows.rows[row][_LEFT])

    def waiting_count(self) -> int:
        return len(self._by_id)

    def on_clock_ticked(self) -> None:
        self._wait_cells.clear()
        self.rows.emit_column(CallCol.WAITING)

    def _show(self) -> None:
        frozen = self._frozen
        if frozen is None:
            rows = sorted(self._by_id.values(), key=lambda r: (-r[_PRIORITY], r[_ENTERED], r[_ID]))
        else:
            live = list(self._by_id.values())
            live += [r for cid, r in self._left.items() if cid not in self._by_id]
            # Held rows where they were; calls that arrived since below them, in service order.
            rows = sorted(
                live,
                key=lambda r: (
                    (0, frozen[r[_ID]], 0, "")
                    if r[_ID] in frozen
                    else (1, -r[_PRIORITY], r[_ENTERED], r[_ID])
                ),
            )
        self._wait_cells.clear()
        self.rows.sync(rows)
        self._wait_cells.clear()

    def _row(self, c: Call) -> tuple[Any, ...]:
        name, threshold = self._queues.get(c.queue_id, (c.queue_id, 0.0))
        entered = to_ms(c.entered_at)
        return (
            Cell(c.id),
            Cell(name, tip=c.queue_id, sort=name.casefold()),
            Cell(str(c.priority), sort=c.priority),
            None,  # waiting: computed when painted
            Cell(c.caller),
            c.id,
            c.queue_id,
            entered,
            threshold,
            c.priority,
            False,  # left: no longer waiting (only while the rows are held)
        )

    def cell(self, row: int, column: int) -> Cell:
        if column != CallCol.WAITING:
            return super().cell(row, column)
        r = self.rows.rows[row]
        cached = self._wait_cells.get(r[_ID])
        if cached is None:
            cached = self._wait_cells[r[_ID]] = self._wait_cell(r)
        return cached

    def _wait_cell(self, r: tuple[Any, ...]) -> Cell:
        if r[_LEFT]:
            return Cell(
                self.tr("left"),
                tip=self.tr(
                    "No longer waiting (answered or hung up); "
                    "leaves the list when the menu or dialog open for a call closes"
                ),
                sort=-r[_ENTERED],
            )
        now = self._source.feed_clock_ms()
        entered: int = r[_ENTERED]
        if now is None:
            return Cell(DASH, sort=-entered)
        waiting = max(0.0, (now - entered) / 1000.0)
        threshold: float = r[_THRESHOLD]
        level = wait_level(waiting, threshold)
        tip = ""
        if level is not Level.OK:
            tip = self.tr("Waiting {wait}, past the {threshold} s threshold").format(
                wait=duration(waiting), threshold=f"{threshold:g}"
            )
        # The sort key is the arrival (negated): it orders as the wait does, and never ticks.
        return Cell(duration(waiting), level, tip, -entered)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if index.isValid() and self.is_left(index.row()):
            return Qt.ItemFlag.ItemNeverHasChildren  # greyed, not selectable: it is gone
        return super().flags(index)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role == CALL_ID_ROLE:
            if index.isValid() and 0 <= index.row() < len(self.rows):
                return self.rows.rows[index.row()][_ID]
            return None
        return super().data(index, role)

    def queue_id_at(self, row: int) -> str:
        queue_id: str = self.rows.rows[row][_QUEUE_ID]
        return queue_id

    def queue_choices(self) -> list[tuple[str, str]]:
        """(id, name) of the floor's queues."""
        return [(qid, name) for qid, (name, _) in self._queues.items()]


class WaitingCallsProxy(QSortFilterProxyModel):
    """One queue's calls, or all; sorts by ``SORT_ROLE``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue_id: str | None = None
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_queue(self, queue_id: str | None) -> None:
        if queue_id == self.queue_id:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+
            self.beginFilterChange()
            self.queue_id = queue_id
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.queue_id = queue_id
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        if self.queue_id is None or not isinstance(model, WaitingCallsModel):
            return True
        return 0 <= source_row < len(model.rows) and model.queue_id_at(source_row) == self.queue_id


class WaitingCallsPanel(QWidget):
    """The waiting calls with a queue filter; a right click asks for the call's menu."""

    menuRequested = Signal(str, QPoint)  # call id, global position
    selectionChanged = Signal()

    def __init__(self, source: FloorSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._pins: list[str] = []
        self._model = WaitingCallsModel(source, self)
        self._proxy = WaitingCallsProxy(self)
        self._proxy.setSourceModel(self._model)
        self.queue_combo = QComboBox(self)
        self.queue_combo.setObjectName("waitingQueueFilter")
        self.queue_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("waitingCount")
        self._view = QTableView(self)
        self._view.setObjectName("waitingCallsTable")
        self._view.setModel(self._proxy)
        setup_table(self._view)
        header = self._view.horizontalHeader()
        header.setDefaultSectionSize(80)
        header.resizeSection(CallCol.QUEUE, 170)
        fit_headers(self._view)
        header.setSortIndicatorClearable(True)  # a third click returns to the service order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self._view.setSortingEnabled(True)
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.queue_combo)
        bar.addWidget(self.count_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self._view, 1)

        self._fill_choices()
        self.queue_combo.currentIndexChanged.connect(
            lambda _i: self.set_queue_filter(self.queue_combo.currentData())
        )
        self._model.queuesChanged.connect(self._fill_choices)
        for signal in (self._proxy.rowsInserted, self._proxy.rowsRemoved, self._proxy.layoutChanged):
            signal.connect(self._update_count)
        source.floorUpdated.connect(self._update_count)  # a held call that left is counted out
        self._view.customContextMenuRequested.connect(self._menu)
        self._view.selectionModel().selectionChanged.connect(lambda *_: self.selectionChanged.emit())
        self._update_count()

    @property
    def model(self) -> WaitingCallsModel:
        return self._model

    @property
    def proxy(self) -> WaitingCallsProxy:
        return self._proxy

    @property
    def view(self) -> QTableView:
        return self._view

    def set_queue_filter(self, queue_id: str | None) -> None:
        self._proxy.set_queue(queue_id or None)
        select_data(self.queue_combo, queue_id or None)
        self._update_count()

    def selected_call_id(self) -> str | None:
        rows = self._view.selectionModel().selectedRows()
        if not rows:
            return None
        value = rows[0].data(CALL_ID_ROLE)
        return value if isinstance(value, str) else None

    def select_call(self, call_id: str) -> bool:
        return show_row(self._view, self._proxy, self._model.rows.row_of(call_id))

    # -- holding still while a menu or dialog is open for a call ----------------------

    def pin(self, call_id: str) -> None:
        """A menu or dialog is open for ``call_id``: hold the rows still and keep it selected.

        Counted: each ``pin`` needs its ``unpin`` (a menu's pin is released after the dialog it
        opened has taken its own).
        """
        self._pins.append(call_id)
        if len(self._pins) == 1:
            self._model.freeze()
            self._proxy.setDynamicSortFilter(False)  # a column sort holds still too
        self.select_call(call_id)

    def unpin(self, call_id: str) -> None:
        if call_id not in self._pins:
            return
        self._pins.remove(call_id)
        if self._pins:
            return
        self._model.thaw()
        self._proxy.setDynamicSortFilter(True)
        self._update_count()
        if self.selected_call_id() is None:  # the view lost it while re-sorting: take it back, by id
            self.select_call(call_id)

    @property
    def pinned(self) -> list[str]:
        return list(self._pins)

    def _fill_choices(self) -> None:
        queues: list[tuple[str, str | None]] = [(self.tr("All queues"), None)]
        queues += [(name, qid) for qid, name in self._model.queue_choices()]
        refill(self.queue_combo, queues, self._proxy.queue_id)

    def _update_count(self, *_: object) -> None:
        shown = self._proxy.rowCount()
        if self._model.frozen:  # rows kept in place for calls that left are not waiting
            shown -= sum(
                1
                for r in range(shown)
                if self._model.is_left(self._proxy.mapToSource(self._proxy.index(r, 0)).row())
            )
        text = self.tr("{shown} of {total} waiting calls").format(
            shown=shown, total=self._model.waiting_count()
        )
        if self.count_label.text() != text:
            self.count_label.setText(text)

    def _menu(self, pos: QPoint) -> None:
        index = self._view.indexAt(pos)
        if not index.isValid() or self._model.is_left(self._proxy.mapToSource(index).row()):
            return
        self._view.selectRow(index.row())
        call_id = index.data(CALL_ID_ROLE)
        if isinstance(call_id, str):
            self.menuRequested.emit(call_id, self._view.viewport().mapToGlobal(pos))
