"""The cases view: every open case, filtered, sorted and searched, for reassigning work.

Built for a large floor (50,000 open cases and more), so it is not a
QSortFilterProxyModel over a flat model: a proxy re-runs a Python filter on
every row of a ``dataChanged`` and re-sorts the rows of a ticking column, which
at 50,000 rows would stall the console once a second. ``CasesModel`` filters
and sorts itself instead, on precomputed keys:

- one record per open case, holding the case object (the reducer updates it in
  place) and what sorting and filtering read;
- the rows shown are a sorted list of keys (ascending; a descending sort reads
  it backwards), so a changed case is found by bisection and moved, inserted or
  removed with one ``beginMoveRows``/``beginInsertRows``/``beginRemoveRows``;
- floor updates touch only the cases the batch's ``ChangeSet`` names; a batch
  that names very many (a 50,000-case reassignment), a new filter or sort, or a
  fresh snapshot relays the rows out with one layout change (persistent indexes,
  and so selections, follow their cases);
- time columns (alert, deadlines, age) are computed when painted, on the feed
  clock, and refreshed with one ``dataChanged`` over their column range per
  clock tick. Their sort keys are the deadlines themselves (and the creation
  time), which do not move as the clock ticks, so a tick never reorders rows.

While a menu or a dialog is open for the selected cases (``CasesModel.hold``)
the rows hold still under the pointer: a case that changes keeps its row (its
cells show it as it is now), a case closed meanwhile stays in place, greyed and
shown as closed, and cases that arrive or come into the filter wait; when the
last hold is released the rows take their order and filter again, in one
layout change (selections follow their cases).

The rules (what a filter lets through, what a search finds, what each column
sorts by) are the domain's: ``console.domain.cases``. Customers are shown as
the feed gives them: masked. Deadlines follow ``console.domain.assignment`` (a
first-response deadline stops mattering once the customer was answered).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from enum import IntEnum
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QDrag, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.application.floor_source import FloorSource
from console.domain.assignment import (
    DEFAULT_AT_RISK_S,
    DeadlineLevel,
    deadline_level,
    first_response_due_ms,
    resolution_due_ms,
)
from console.domain.cases import (
    CaseEntry,
    CaseFilter,
    CaseSort,
    DeadlineFilter,
    SortKey,
    case_sort_key,
    fold_search,
)
from console.domain.changes import ChangeSet
from console.domain.clock import to_ms
from console.domain.entities import Case, CaseStatus
from console.domain.figures.queues import Level
from console.widgets.common.combos import refill, select_data, shrinkable
from console.widgets.common.dnd import CASES_MIME, cases_mime
from console.widgets.common.fmt import (
    DASH,
    agent_label,
    case_status_label,
    level_icon,
    level_label,
    level_tint,
    span,
)
from console.widgets.common.rowsync import setup_table, size_columns

#: The case id of a row.
CASE_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 2

#: More changed cases than this in one batch: relay the rows out at once rather than one by one.
RELAYOUT_AFTER = 1000

_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemNeverHasChildren
    | Qt.ItemFlag.ItemIsDragEnabled
)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_LAYOUT_ARGS = ("QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint")
_OPEN_STATUSES = [s for s in CaseStatus if s is not CaseStatus.CLOSED]


class CaseCol(IntEnum):
    """Who and how urgent on the left (the dock is narrow); the ticking columns side by side."""

    CASE = 0
    ALERT = 1
    FIRST_RESPONSE = 2
    RESOLUTION = 3
    AGE = 4
    ASSIGNEE = 5
    QUEUE = 6
    PRIORITY = 7
    STATUS = 8
    CUSTOMER = 9


#: Columns that change with the feed clock alone: one dataChanged over this range per tick.
TIME_COLUMNS = (CaseCol.ALERT, CaseCol.AGE)
_NUMERIC = frozenset({CaseCol.FIRST_RESPONSE, CaseCol.RESOLUTION, CaseCol.AGE})


#: What each column sorts by (no column, -1: the order the cases arrived in).
_SORT_BY: dict[int, CaseSort] = {
    CaseCol.CASE: CaseSort.ID,
    CaseCol.ALERT: CaseSort.NEXT_DUE,
    CaseCol.FIRST_RESPONSE: CaseSort.FIRST_RESPONSE_DUE,
    CaseCol.RESOLUTION: CaseSort.RESOLUTION_DUE,
    CaseCol.AGE: CaseSort.AGE,
    CaseCol.ASSIGNEE: CaseSort.ASSIGNEE,
    CaseCol.QUEUE: CaseSort.QUEUE,
    CaseCol.PRIORITY: CaseSort.PRIORITY,
    CaseCol.STATUS: CaseSort.STATUS,
    CaseCol.CUSTOMER: CaseSort.CUSTOMER,
}


class _Rec(CaseEntry):
    """One open case as the model holds it: the domain's entry, its sort key and whether it is shown."""

    __slots__ = ("key", "visible")

    def __init__(self, case: Case, seq: int, agent_name: str) -> None:
        super().__init__(case, seq, agent_name)
        self.key: tuple[Any, ...] = ()
        self.visible = False


class CasesModel(QAbstractTableModel):
    """Open cases, filtered and sorted in the model (see the module's notes)."""

    countsChanged = Signal()  # rows shown or cases open changed
    choicesChanged = Signal()  # queues or agents changed: filter choices may differ

    def __init__(self, source: FloorSource, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._headers = {
            CaseCol.CASE: self.tr("Case"),
            CaseCol.ALERT: self.tr("Alert"),
            CaseCol.FIRST_RESPONSE: self.tr("First response"),
            CaseCol.RESOLUTION: self.tr("Resolution"),
            CaseCol.AGE: self.tr("Age"),
            CaseCol.ASSIGNEE: self.tr("Assignee"),
            CaseCol.QUEUE: self.tr("Queue"),
            CaseCol.PRIORITY: self.tr("Priority"),
            CaseCol.STATUS: self.tr("Status"),
            CaseCol.CUSTOMER: self.tr("Customer"),
        }
        self._tips = {
            CaseCol.ALERT: self.tr(
                "Breached: a deadline has passed; at risk: one falls due within the window"
            ),
            CaseCol.FIRST_RESPONSE: self.tr("Time to the first-response deadline, on the feed clock"),
            CaseCol.RESOLUTION: self.tr("Time to the resolution deadline, on the feed clock"),
            CaseCol.AGE: self.tr("Time since the case was opened"),
            CaseCol.CUSTOMER: self.tr("Masked customer identifier"),
        }
        self._recs: dict[str, _Rec] = {}
        self._keys: list[tuple[Any, ...]] = []  # sort keys of the rows shown, ascending
        self._ids: list[str] = []  # their case ids, in the same order
        self._column = -1  # -1: arrival order
        self._descending = False
        self._laid_descending = False  # the order the rows shown are laid out in
        self._filter = CaseFilter()
        self._at_risk_ms = round(DEFAULT_AT_RISK_S * 1000)
        self._seq = 0
        self._queue_names: dict[str, str] = {}
        self._agent_names: dict[str, str] = {}
        self._sort_key: SortKey = case_sort_key(CaseSort.ARRIVAL, self._agent_names, self._queue_names)
        self._bold = QFont()
        self._bold.setBold(True)
        self._selection: QItemSelectionModel | None = None
        self._live = True  # False while nobody can see the cases: updates wait (see set_live)
        self._behind = False  # updates were skipped while not live
        self._holds = 0  # menus and dialogs open for the cases: the rows hold still (see hold)
        self._held: set[str] = set()  # cases that changed while held: placed again on release
        self._closed: set[str] = set()  # shown cases closed while held (kept in place, greyed)
        source.floorUpdated.connect(self.on_floor_updated)
        source.clockTicked.connect(self.on_clock_ticked)
        self.rebuild()

    def set_live(self, live: bool) -> None:
        """Follow the floor (True) or let it go by until shown again (False).

        The console's cases dock starts tabbed behind the breaches: on a large
        floor, keeping 50,000 rows current that nobody sees would cost every
        snapshot and every batch. Shown again, the rows catch up in one layout
        change (selections kept).
        """
        if live == self._live:
            return
        self._live = live
        if live and self._behind:
            self._behind = False
            self.rebuild()

    def hold(self) -> None:
        """Hold the rows where they are (counted: each ``hold`` needs its ``release``)."""
        self._holds += 1

    def release(self) -> None:
        """Release one hold; the last one places the cases that changed meanwhile (one layout change)."""
        if self._holds == 0:
            return
        self._holds -= 1
        if self._holds == 0:
            changed, self._held = self._held, set()
            self._closed.clear()
            if changed or self._filter.follows_clock:
                self._relayout(changed)

    @property
    def held(self) -> bool:
        return self._holds > 0

    def is_closed(self, row: int) -> bool:
        """Whether the case of ``row`` was closed while the rows were held (it stays there until released)."""
        return bool(self._closed) and 0 <= row < len(self._ids) and self.case_id_at(row) in self._closed

    def keep_selection_of(self, selection: QItemSelectionModel | None) -> None:
        """The view's selection model: a case whose row moves stays selected (see ``_move_row``)."""
        self._selection = selection

    # -- reading ---------------------------------------------------------------------

    @property
    def filter(self) -> CaseFilter:
        return self._filter

    @property
    def at_risk_s(self) -> float:
        return self._at_risk_ms / 1000.0

    @property
    def sort_column(self) -> int:
        return self._column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder

    def total(self) -> int:
        """Open cases on the floor (shown or not)."""
        return len(self._recs) - len(self._closed)

    def case_ids(self) -> list[str]:
        """The cases shown, top to bottom."""
        return list(reversed(self._ids)) if self._laid_descending else list(self._ids)

    def case_id_at(self, row: int) -> str:
        return self._ids[self._internal(row)]

    def row_of(self, case_id: str) -> int | None:
        rec = self._recs.get(case_id)
        if rec is None or not rec.visible:
            return None
        return self._display(bisect.bisect_left(self._keys, rec.key), len(self._keys))

    def queue_ids(self) -> list[tuple[str, str]]:
        """(id, name) of the floor's queues, in the floor's order."""
        return list(self._queue_names.items())

    def agents(self) -> list[tuple[str, str]]:
        """(id, name) of the roster, by name."""
        return sorted(self._agent_names.items(), key=lambda item: (item[1].casefold(), item[0]))

    # -- choosing --------------------------------------------------------------------

    def set_filter(self, new: CaseFilter) -> None:
        new = new.folded()
        if new != self._filter:
            self._filter = new
            self._relayout(())

    def set_at_risk_minutes(self, minutes: float) -> None:
        """How soon a deadline must fall to count as at risk (badge and filter)."""
        ms = round(minutes * 60_000)
        if ms == self._at_risk_ms:
            return
        self._at_risk_ms = ms
        if self._filter.follows_clock:
            self._relayout(())
        self._emit_time_columns()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        column = column if 0 <= column < len(CaseCol) else -1
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) != (self._column, self._descending):
            self._column, self._descending = column, descending
            self._relayout(())

    # -- updating --------------------------------------------------------------------

    def rebuild(self) -> None:
        """Every case afresh (at start, on a snapshot or a new day, when agents or queues change)."""
        state = self._source.state
        self._queue_names = {q.id: q.name for q in state.queues.values()}
        self._agent_names = {a.id: a.name for a in state.agents.values()}
        old = self._recs
        recs: dict[str, _Rec] = {}
        for cid, case in state.cases.items():
            prev = old.get(cid)
            if prev is None:
                self._seq += 1
            recs[cid] = _Rec(case, prev.seq if prev is not None else self._seq, self._name(case.agent_id))
        self._relayout(recs=recs)
        self.choicesChanged.emit()

    def on_floor_updated(self, changes: ChangeSet) -> None:
        if not self._live:
            self._behind = True
            return
        state = self._source.state
        names = {q.id: q.name for q in state.queues.values()}
        if changes.reset or changes.agents_added or changes.agents_removed or names != self._queue_names:
            self._held.clear()
            self._closed.clear()
            self.rebuild()
            return
        ids = changes.cases_added | changes.cases_changed | changes.cases_removed
        if not ids:
            return
        if self._holds:
            self._update_held(ids)
            return
        if len(ids) > RELAYOUT_AFTER:
            self._relayout(ids)
            return
        now = self._now()
        for cid in ids:
            self._update_one(cid, state.cases.get(cid), now)
        self.countsChanged.emit()

    def _update_held(self, ids: set[str]) -> None:
        """While held: shown cases change in place (closed ones stay, greyed); the rest wait."""
        state = self._source.state
        rows: list[int] = []
        for cid in ids:
            self._held.add(cid)
            rec = self._recs.get(cid)
            if rec is None or not rec.visible:
                continue
            case = state.cases.get(cid)
            if case is None:
                self._closed.add(cid)
            else:
                self._closed.discard(cid)
                new = _Rec(case, rec.seq, self._name(case.agent_id))
                new.key, new.visible = rec.key, True  # where it is, not where it would sort
                self._recs[cid] = new
            row = self.row_of(cid)
            if row is not None:
                rows.append(row)
        if rows:
            last = len(CaseCol) - 1
            if len(rows) > RELAYOUT_AFTER:
                self.dataChanged.emit(self.createIndex(0, 0), self.createIndex(len(self._ids) - 1, last), [])
            else:
                for row in rows:
                    self.dataChanged.emit(self.createIndex(row, 0), self.createIndex(row, last), [])
        self.countsChanged.emit()

    def on_clock_ticked(self) -> None:
        if not self._live:
            return
        if self._filter.follows_clock and not self._holds:
            self._refilter_for_time()
        self._emit_time_columns()

    def _emit_time_columns(self) -> None:
        if self._ids:
            last = len(self._ids) - 1
            self.dataChanged.emit(
                self.createIndex(0, TIME_COLUMNS[0]), self.createIndex(last, TIME_COLUMNS[1]), []
            )

    def _update_one(self, cid: str, case: Case | None, now: int | None) -> None:
        rec = self._recs.get(cid)
        if case is None:
            if rec is not None:
                if rec.visible:
                    self._remove_row(rec)
                del self._recs[cid]
            return
        if rec is None:
            self._seq += 1
            seq = self._seq
        else:
            seq = rec.seq
        new = _Rec(case, seq, self._name(case.agent_id))
        new.key = self._sort_key(new)
        shown = self._filter.matches(new, now, self._at_risk_ms)
        if rec is None or not rec.visible:
            self._recs[cid] = new
            if shown:
                self._insert_row(new)
            return
        if not shown:
            self._remove_row(rec)
            self._recs[cid] = new
            return
        self._recs[cid] = new
        new.visible = True
        self._move_row(rec.key, new)

    def _refilter_for_time(self) -> None:
        now = self._now()
        matches, at_risk_ms = self._filter.matches, self._at_risk_ms
        flips = [r for r in self._recs.values() if matches(r, now, at_risk_ms) != r.visible]
        if not flips:
            return
        if len(flips) > RELAYOUT_AFTER:
            self._relayout(())
            return
        for rec in flips:
            if rec.visible:
                self._remove_row(rec)
            else:
                self._insert_row(rec)
        self.countsChanged.emit()

    def _relayout(self, changed: Iterable[str] = (), recs: dict[str, _Rec] | None = None) -> None:
        """Recompute keys and membership and lay every row out anew: one layout change."""
        state = self._source.state
        if recs is None:
            recs = self._recs
            for cid in changed:
                case = state.cases.get(cid)
                old = recs.get(cid)
                if case is None:
                    recs.pop(cid, None)
                else:
                    if old is None:
                        self._seq += 1
                    recs[cid] = _Rec(
                        case, old.seq if old is not None else self._seq, self._name(case.agent_id)
                    )
        now = self._now()
        # Names as they are now (rebuild() sets them before it lays out): a key looks them up.
        key = self._sort_key = case_sort_key(
            _SORT_BY.get(self._column, CaseSort.ARRIVAL), self._agent_names, self._queue_names
        )
        matches, at_risk_ms = self._filter.matches, self._at_risk_ms
        shown: list[_Rec] = []
        for rec in recs.values():
            rec.key = key(rec)
            rec.visible = matches(rec, now, at_risk_ms)
            if rec.visible:
                shown.append(rec)
        shown.sort(key=lambda r: r.key)

        # The vertical-sort hint has selection models keep selected rows as rows (one persistent
        # index per row, not per cell): ten times less work for a large selection. The horizontal
        # header ignores it (the columns stay); rows may come and go, which views take in their stride.
        hint = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
        cast(Any, self.layoutAboutToBeChanged)[_LAYOUT_ARGS].emit([], hint)
        old_ids, old_n, was_descending = self._ids, len(self._ids), self._laid_descending
        self._recs = recs
        self._keys = [r.key for r in shown]
        self._ids = [r.case.id for r in shown]
        self._laid_descending = self._descending
        n = len(self._ids)
        where = {cid: i for i, cid in enumerate(self._ids)}
        before = self.persistentIndexList()
        after = []
        for ix in before:
            row = ix.row()
            i = (old_n - 1 - row) if was_descending else row
            j = where.get(old_ids[i]) if 0 <= i < old_n else None
            after.append(QModelIndex() if j is None else self.createIndex(self._display(j, n), ix.column()))
        self.changePersistentIndexList(before, after)
        cast(Any, self.layoutChanged)[_LAYOUT_ARGS].emit([], hint)
        self.countsChanged.emit()

    # -- rows ------------------------------------------------------------------------

    def _display(self, i: int, n: int) -> int:
        return n - 1 - i if self._laid_descending else i

    def _internal(self, row: int) -> int:
        return len(self._ids) - 1 - row if self._laid_descending else row

    def _insert_row(self, rec: _Rec) -> None:
        i = bisect.bisect_left(self._keys, rec.key)
        n = len(self._keys)
        row = n - i if self._laid_descending else i
        self.beginInsertRows(QModelIndex(), row, row)
        self._keys.insert(i, rec.key)
        self._ids.insert(i, rec.case.id)
        rec.visible = True
        self.endInsertRows()

    def _remove_row(self, rec: _Rec) -> None:
        i = bisect.bisect_left(self._keys, rec.key)
        row = self._display(i, len(self._keys))
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._keys[i]
        del self._ids[i]
        rec.visible = False
        self.endRemoveRows()

    def _move_row(self, old_key: tuple[Any, ...], rec: _Rec) -> None:
        """A shown case changed: to its new place if its key moved, then its cells.

        A row that moves is taken out and put back (remove, then insert) rather
        than moved with ``beginMoveRows``: a selection model treats every row
        move as a layout change and re-saves its whole selection, which with
        50,000 selected cases would stall the console on every batch. The
        row's selection and the current index are carried over by hand.
        """
        i = bisect.bisect_left(self._keys, old_key)
        n = len(self._keys)
        j = i
        if rec.key != old_key:
            j = bisect.bisect_left(self._keys, rec.key)
            if j > i:
                j -= 1
        if j == i:
            self._keys[i] = rec.key
            row = self._display(i, n)
            self.dataChanged.emit(self.createIndex(row, 0), self.createIndex(row, len(CaseCol) - 1), [])
            return
        sm = self._selection
        src = self._display(i, n)
        root = QModelIndex()
        selected = sm is not None and sm.isRowSelected(src, root)
        current = sm is not None and sm.currentIndex().row() == src
        self.beginRemoveRows(root, src, src)
        del self._keys[i]
        del self._ids[i]
        self.endRemoveRows()
        dst = self._display(j, n)
        self.beginInsertRows(root, dst, dst)
        self._keys.insert(j, rec.key)
        self._ids.insert(j, rec.case.id)
        self.endInsertRows()
        if sm is not None and (selected or current):
            flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            if current:
                sm.setCurrentIndex(
                    self.index(dst, 0), flags if selected else QItemSelectionModel.SelectionFlag.NoUpdate
                )
            else:
                sm.select(self.index(dst, 0), flags)

    # -- clock and names -------------------------------------------------------------

    def _now(self) -> int | None:
        return self._source.feed_clock_ms()

    def _name(self, agent_id: str | None) -> str:
        return self._agent_names.get(agent_id, "") if agent_id else ""

    # -- Qt model --------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CaseCol)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        # Called for every selected cell when a selection changes: a constant, not four enum ORs.
        return _FLAGS if index.isValid() else _NO_FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < len(CaseCol):
            return None
        col = CaseCol(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips.get(col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col in _NUMERIC else _LEFT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(self._ids) and 0 <= col < len(CaseCol)):
            return None
        rec = self._recs[self._ids[self._internal(row)]]
        column = CaseCol(col)
        if role == CASE_ID_ROLE:
            return rec.case.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in _NUMERIC else _LEFT
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if column is CaseCol.CASE and rec.case.reopened else None
        if self._closed and rec.case.id in self._closed:
            return self._closed_data(column, rec, role)
        text, level, tip = self._cell(rec, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.DecorationRole:
            return level_icon(level) if level is not None and level is not Level.OK else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return level_tint(level) if level is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip or None
        if role == Qt.ItemDataRole.AccessibleTextRole:  # a screen reader hears the level, not a colour
            return f"{text}, {level_label(level)}" if level is not None and level is not Level.OK else text
        return None

    def _closed_data(self, column: CaseCol, rec: _Rec, role: int) -> Any:
        """A case closed while the rows are held: its id and "closed", greyed, until the hold ends."""
        if role == Qt.ItemDataRole.ForegroundRole:
            return QPalette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr(
                "Closed meanwhile; leaves the list when the menu or dialog open for the cases closes"
            )
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column is CaseCol.CASE:
                return rec.case.id
            if column is CaseCol.STATUS:
                return self.tr("closed")
            return ""
        return None

    def _cell(self, rec: _Rec, col: CaseCol) -> tuple[str, Level | None, str]:
        case = rec.case
        if col is CaseCol.CASE:
            tip = case.subject
            if case.reopened:
                tip = self.tr("{subject} (reopened {n} times)").format(subject=case.subject, n=case.reopened)
            return case.id, None, tip
        if col is CaseCol.ASSIGNEE:
            if not rec.agent_id:
                return self.tr("Unassigned"), None, ""
            return agent_label(self._agent_names.get(rec.agent_id), rec.agent_id), None, ""
        if col is CaseCol.QUEUE:
            return self._queue_names.get(rec.queue_id, rec.queue_id), None, rec.queue_id
        if col is CaseCol.PRIORITY:
            return case.priority, None, ""
        if col is CaseCol.STATUS:
            return case_status_label(rec.status), None, ""
        if col is CaseCol.CUSTOMER:
            return case.customer, None, ""
        now = self._now()
        if now is None:
            return DASH, None, ""
        if col is CaseCol.AGE:
            return span((now - to_ms(case.created_at)) / 1000.0), None, ""
        if col is CaseCol.FIRST_RESPONSE:
            first = first_response_due_ms(case)
            if first is None:
                return self.tr("Answered"), None, self.tr("The customer has had a first response")
            return self._deadline(first, now, self.tr("First response"))
        if col is CaseCol.RESOLUTION:
            return self._deadline(resolution_due_ms(case), now, self.tr("Resolution"))
        # ALERT: the most urgent deadline that still matters
        level = deadline_level(rec.due, now, self._at_risk_ms / 1000.0)
        if level is DeadlineLevel.BREACHED:
            return self.tr("Breached"), Level.CRITICAL, self._why(case, now)
        if level is DeadlineLevel.AT_RISK:
            return self.tr("At risk"), Level.WARNING, self._why(case, now)
        return "", None, ""

    def _deadline(self, due: int, now: int, kind: str) -> tuple[str, Level | None, str]:
        level = deadline_level(due, now, self._at_risk_ms / 1000.0)
        left = (due - now) / 1000.0
        if level is DeadlineLevel.BREACHED:
            text = self.tr("{time} late").format(time=span(-left))
            tip = self.tr("Breached: {kind} deadline passed {time} ago").format(kind=kind, time=span(-left))
            return text, Level.CRITICAL, tip
        text = self.tr("in {time}").format(time=span(left))
        if level is DeadlineLevel.AT_RISK:
            tip = self.tr("At risk: {kind} deadline in {time}").format(kind=kind, time=span(left))
            return text, Level.WARNING, tip
        return text, None, ""

    def _why(self, case: Case, now: int) -> str:
        parts = []
        first = first_response_due_ms(case)
        for due, kind in (
            (first, self.tr("First response")),
            (resolution_due_ms(case), self.tr("Resolution")),
        ):
            if due is None:
                continue
            _, level, tip = self._deadline(due, now, kind)
            if level is not None:
                parts.append(tip)
        return "\n".join(parts)

    # -- drag ------------------------------------------------------------------------

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [CASES_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({ix.row() for ix in indexes if ix.isValid()})
        return cases_mime(self.versions(self.case_id_at(r) for r in rows))

    def versions(self, case_ids: Iterable[str]) -> dict[str, int]:
        """The current version of each case (as the user sees it now), in the given order."""
        out: dict[str, int] = {}
        for cid in case_ids:
            rec = self._recs.get(cid)
            if rec is not None:
                out[cid] = rec.case.version
        return out


class CasesTableView(QTableView):
    """The cases table: extended selection; a drag carries the selected cases (ids and versions).

    The drag is built from the selection's row ranges, not from every selected
    cell, so dragging 50,000 selected cases costs what 50,000 ids cost.
    """

    def __init__(self, selected: Callable[[], dict[str, int]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._selected = selected

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        versions = self._selected()
        if not versions:
            return
        drag = QDrag(self)
        drag.setMimeData(cases_mime(versions))
        drag.exec(Qt.DropAction.CopyAction)


class CasesPanel(QWidget):
    """The cases table with its filter bar, search box and counts."""

    selectionChanged = Signal()
    menuRequested = Signal(QPoint)  # global position, over a case

    def __init__(self, source: FloorSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._model = CasesModel(source, self)

        self.queue_combo = QComboBox(self)
        self.queue_combo.setObjectName("caseQueueFilter")
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("caseStatusFilter")
        self.assignee_combo = QComboBox(self)
        self.assignee_combo.setObjectName("caseAssigneeFilter")
        self.deadline_combo = QComboBox(self)
        self.deadline_combo.setObjectName("caseDeadlineFilter")
        for combo in (self.queue_combo, self.status_combo, self.assignee_combo):
            shrinkable(combo, 6)
        # Its row has room for its few fixed choices whole ("Any deadline", "Breached or at risk").
        self.deadline_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.assignee_combo.setMaxVisibleItems(20)
        self.status_combo.addItem(self.tr("All statuses"), None)
        for status in _OPEN_STATUSES:
            self.status_combo.addItem(case_status_label(status), status.value)
        deadlines = {
            DeadlineFilter.ANY: self.tr("Any deadline"),
            DeadlineFilter.BREACHED: self.tr("Breached"),
            DeadlineFilter.AT_RISK: self.tr("At risk"),
            DeadlineFilter.BREACHED_OR_AT_RISK: self.tr("Breached or at risk"),
        }
        for value, label in deadlines.items():
            self.deadline_combo.addItem(label, value.value)
        self.at_risk_label = QLabel(self.tr("At risk within"), self)
        self.at_risk_spin = QSpinBox(self)
        self.at_risk_spin.setObjectName("caseAtRiskMinutes")
        self.at_risk_spin.setRange(1, 7 * 24 * 60)
        self.at_risk_spin.setValue(round(DEFAULT_AT_RISK_S / 60))
        self.at_risk_spin.setSuffix(self.tr(" min"))
        self.at_risk_spin.setToolTip(self.tr("A deadline due within this time is at risk"))
        self.at_risk_label.setBuddy(self.at_risk_spin)
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("caseSearch")
        self.search_edit.setPlaceholderText(self.tr("Search case, customer, subject or assignee"))
        self.search_edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("caseCount")
        self._fill_choices()

        self._view = CasesTableView(self.selected_versions, self)
        self._view.setObjectName("casesTable")
        self._view.setModel(self._model)
        setup_table(self._view)
        self._view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self._view.setDragEnabled(True)
        self._view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self._view.horizontalHeader()
        size_columns(
            self._view,
            (
                (CaseCol.CASE, 90),
                (CaseCol.ALERT, 92),
                (CaseCol.FIRST_RESPONSE, 116),
                (CaseCol.RESOLUTION, 116),
                (CaseCol.ASSIGNEE, 136),
                (CaseCol.QUEUE, 140),
                (CaseCol.PRIORITY, 60),
                (CaseCol.STATUS, 120),
            ),
            default=90,
        )
        # Who has it next to how urgent it is, before the deadlines: in a narrow dock the assignee
        # would be the first to scroll out of sight.
        header.moveSection(header.visualIndex(CaseCol.ASSIGNEE), header.visualIndex(CaseCol.FIRST_RESPONSE))
        header.setSortIndicatorClearable(True)  # a third click returns to the arrival order
        header.setSortIndicator(CaseCol.ALERT, Qt.SortOrder.AscendingOrder)  # most urgent first
        self._view.setSortingEnabled(True)
        self._model.keep_selection_of(self._view.selectionModel())
        # The header draws "is this column selected?" on every repaint, and Qt answers it by asking
        # every row: with 50,000 selected cases, half a million Python calls a repaint. The header
        # highlights nothing (setup_table), so it gets a selection model of its own, always empty.
        self._header_selection = QItemSelectionModel(self._model, self)
        header.setSelectionModel(self._header_selection)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        for w in (self.queue_combo, self.status_combo, self.assignee_combo):
            top.addWidget(w, 1)
        second = QHBoxLayout()
        second.setContentsMargins(0, 0, 0, 0)
        second.addWidget(self.deadline_combo)
        second.addWidget(self.at_risk_label)
        second.addWidget(self.at_risk_spin)
        second.addWidget(self.search_edit, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self._view, 1)
        layout.addWidget(self.count_label)

        self.queue_combo.currentIndexChanged.connect(lambda _i: self._combo_changed())
        self.status_combo.currentIndexChanged.connect(lambda _i: self._combo_changed())
        self.assignee_combo.currentIndexChanged.connect(lambda _i: self._combo_changed())
        self.deadline_combo.currentIndexChanged.connect(lambda _i: self._combo_changed())
        self.search_edit.textChanged.connect(self.set_search)
        self.at_risk_spin.valueChanged.connect(self._model.set_at_risk_minutes)
        self._model.choicesChanged.connect(self._fill_choices)
        self._model.countsChanged.connect(self._update_count)
        self._view.selectionModel().selectionChanged.connect(self._selection_changed)
        self._view.customContextMenuRequested.connect(self._menu)
        self._update_count()

    # -- public ----------------------------------------------------------------------

    @property
    def model(self) -> CasesModel:
        return self._model

    @property
    def view(self) -> CasesTableView:
        return self._view

    def set_filter(self, new: CaseFilter) -> None:
        """Filter in code (the combos and the search box follow)."""
        self._model.set_filter(new)
        f = self._model.filter
        select_data(self.queue_combo, f.queue_id)
        select_data(self.status_combo, f.status)
        select_data(self.assignee_combo, "\x00unassigned" if f.unassigned else f.assignee)
        select_data(self.deadline_combo, f.deadline.value if f.deadline is not DeadlineFilter.ANY else None)
        if fold_search(self.search_edit.text()) != f.text:
            self.search_edit.blockSignals(True)
            self.search_edit.setText(new.text)
            self.search_edit.blockSignals(False)

    def set_in_view(self, visible: bool) -> None:
        """Whether the table can be seen (its dock's ``visibilityChanged``): hidden, it stops updating."""
        self._model.set_live(visible)

    def set_search(self, text: str) -> None:
        self._model.set_filter(replace(self._model.filter, text=text))
        if self.search_edit.text() != text:
            self.search_edit.blockSignals(True)
            self.search_edit.setText(text)
            self.search_edit.blockSignals(False)

    def hold(self) -> None:
        """A menu or dialog is open for the selected cases: the rows hold still (counted, see ``release``)."""
        self._model.hold()

    def release(self) -> None:
        self._model.release()

    @property
    def held(self) -> bool:
        return self._model.held

    def selected_case_ids(self) -> list[str]:
        """The selected cases, top to bottom (from the selection's row ranges: cheap for 50,000)."""
        rows: set[int] = set()
        for top, bottom in self._selected_ranges():
            rows.update(range(top, bottom + 1))
        n = self._model.rowCount()
        return [self._model.case_id_at(r) for r in sorted(rows) if 0 <= r < n]

    def selected_versions(self) -> dict[str, int]:
        """The selected cases with the versions the console holds now."""
        return self._model.versions(self.selected_case_ids())

    def selected_count(self) -> int:
        return sum(bottom - top + 1 for top, bottom in self._selected_ranges())

    def _selected_ranges(self) -> list[tuple[int, int]]:
        """The selected rows as disjoint (top, bottom) runs (selection ranges may overlap)."""
        selection = self._view.selectionModel().selection()
        spans = sorted((selection.at(i).top(), selection.at(i).bottom()) for i in range(selection.size()))
        out: list[tuple[int, int]] = []
        for top, bottom in spans:
            if out and top <= out[-1][1] + 1:
                out[-1] = (out[-1][0], max(out[-1][1], bottom))
            else:
                out.append((top, bottom))
        return out

    def select_cases(self, case_ids: Iterable[str]) -> int:
        """Select the rows of these cases (those shown); returns how many."""
        selection = QItemSelection()
        count = 0
        last = len(CaseCol) - 1
        for cid in case_ids:
            row = self._model.row_of(cid)
            if row is not None:
                selection.select(self._model.index(row, 0), self._model.index(row, last))
                count += 1
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self._view.selectionModel().select(selection, flags)
        return count

    # -- internals -------------------------------------------------------------------

    def _combo_changed(self) -> None:
        assignee = self.assignee_combo.currentData()
        deadline = self.deadline_combo.currentData()
        self._model.set_filter(
            replace(
                self._model.filter,
                queue_id=self.queue_combo.currentData(),
                status=self.status_combo.currentData(),
                assignee=None if assignee in (None, "\x00unassigned") else assignee,
                unassigned=assignee == "\x00unassigned",
                deadline=DeadlineFilter(deadline) if deadline else DeadlineFilter.ANY,
            )
        )

    def _fill_choices(self) -> None:
        f = self._model.filter
        queues: list[tuple[str, str | None]] = [(self.tr("All queues"), None)]
        queues += [(name, qid) for qid, name in self._model.queue_ids()]
        agents: list[tuple[str, str | None]] = [
            (self.tr("Anyone"), None),
            (self.tr("Unassigned"), "\x00unassigned"),
        ]
        agents += [(agent_label(name, aid), aid) for aid, name in self._model.agents()]
        refill(self.queue_combo, queues, f.queue_id)
        refill(self.assignee_combo, agents, "\x00unassigned" if f.unassigned else f.assignee)
        if self.deadline_combo.currentIndex() < 0:
            self.deadline_combo.setCurrentIndex(0)

    def _selection_changed(self, *_: object) -> None:
        self._update_count()
        self.selectionChanged.emit()

    def _update_count(self) -> None:
        shown, total = self._model.rowCount(), self._model.total()
        selected = self.selected_count() if self._view.selectionModel() is not None else 0
        if selected:
            text = self.tr("{shown} of {total} open cases · {selected} selected").format(
                shown=f"{shown:,}", total=f"{total:,}", selected=f"{selected:,}"
            )
        else:
            text = self.tr("{shown} of {total} open cases").format(shown=f"{shown:,}", total=f"{total:,}")
        if self.count_label.text() != text:
            self.count_label.setText(text)

    def _menu(self, pos: QPoint) -> None:
        index = self._view.indexAt(pos)
        if index.isValid() and not self._view.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self._view.selectRow(index.row())
        if self.selected_case_ids():
            self.menuRequested.emit(self._view.viewport().mapToGlobal(pos))
