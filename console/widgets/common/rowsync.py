"""Keyed row diffing for list models: live tables change row by row, never by a reset.

``RowSync`` keeps a model's rows (tuples, one element per column, optionally
followed by hidden elements such as filter data) under a key. ``sync(new_rows)``
turns the current rows into ``new_rows`` with the smallest set of model
signals: contiguous blocks of removed rows (bottom up), one layout change if
the surviving rows changed order (persistent indexes moved, so selections
follow their rows), contiguous blocks of inserted rows, then ``dataChanged``
for the cells that differ, merged into rectangles (one spanning rectangle when there are
very many, see ``SPAN_RUNS``). ``update(rows)`` is the
incremental path for rows known to have changed in place.

``Cell`` is a precomputed display value (text, level, tooltip, sort key), and
``CellTableModel`` a table model that shows rows of cells; formatting happens
once per update, so painting a wall display only reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from console.domain.figures.queues import Level
from console.widgets.common.fmt import dot_icon, level_icon, level_label, level_tint

K = TypeVar("K", bound=Hashable)
R = TypeVar("R", bound=Sequence[Any])

#: Sort key of a cell (numbers for numeric columns), for QSortFilterProxyModel.setSortRole.
SORT_ROLE = int(Qt.ItemDataRole.UserRole)

_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)


#: Above this many runs of changed rows (a merged refresh after a catch-up: hundreds of runs),
#: ``RowSync.emit_changed`` sends one ``dataChanged`` spanning them all: working out and sending
#: hundreds of rectangles costs more than a view repainting its visible rows of the span
#: (``dataChanged`` only says "may have changed"). Only where the model's owner allows it
#: (``may_span``), and not under a sorting proxy: it would re-sort every row of the span,
#: asking Python for the sort keys.
SPAN_RUNS = 64


def runs(values: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted ints as inclusive (first, last) runs: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    out: list[tuple[int, int]] = []
    for v in sorted(values):
        if out and v == out[-1][1] + 1:
            out[-1] = (out[-1][0], v)
        else:
            out.append((v, v))
    return out


class RowSync(Generic[K, R]):
    """The rows of a flat model, by key; every change goes out as fine-grained model signals."""

    def __init__(self, model: QAbstractItemModel, key: Callable[[R], K], columns: int) -> None:
        self.model = model
        self.key = key
        self.columns = columns  # elements past this are hidden data: a change there touches the whole row
        self.rows: list[R] = []
        self.keys: list[K] = []
        self._pos: dict[K, int] = {}
        # Whether ``emit_changed`` may merge many rectangles into one spanning them (None: never).
        # Opt-in, asked each time: a sorting proxy re-sorts every row a ``dataChanged`` spans.
        self.may_span: Callable[[], bool] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def row_of(self, key: K) -> int | None:
        return self._pos.get(key)

    def sync(self, new_rows: Sequence[R]) -> None:
        """Make the rows equal ``new_rows`` (in that order) by removing, moving, inserting and changing."""
        new_keys = [self.key(r) for r in new_rows]
        wanted = dict(zip(new_keys, new_rows, strict=True))
        if len(wanted) != len(new_keys):
            raise ValueError("duplicate row keys")
        m = self.model
        root = QModelIndex()

        # 1. Rows that went, in contiguous blocks from the bottom so indexes stay valid.
        gone = [i for i, k in enumerate(self.keys) if k not in wanted]
        for first, last in reversed(runs(gone)):
            m.beginRemoveRows(root, first, last)
            del self.keys[first : last + 1]
            del self.rows[first : last + 1]
            m.endRemoveRows()

        # 2. Survivors into their new relative order: one layout change, persistent indexes moved.
        rank = {k: i for i, k in enumerate(new_keys)}
        order = sorted(range(len(self.keys)), key=lambda i: rank[self.keys[i]])
        if any(old != new for new, old in enumerate(order)):
            m.layoutAboutToBeChanged.emit()
            moved_to = {old: new for new, old in enumerate(order)}
            self.keys = [self.keys[i] for i in order]
            self.rows = [self.rows[i] for i in order]
            before = m.persistentIndexList()
            after = [m.index(moved_to[ix.row()], ix.column(), root) for ix in before]
            m.changePersistentIndexList(before, after)
            m.layoutChanged.emit()

        # 3. New rows, in contiguous blocks at their places (survivors already keep the new order).
        survivors = set(self.keys)
        i = 0
        while i < len(new_keys):
            if i < len(self.keys) and self.keys[i] == new_keys[i]:
                i += 1
                continue
            j = i
            while j < len(new_keys) and new_keys[j] not in survivors:
                j += 1
            m.beginInsertRows(root, i, j - 1)
            self.keys[i:i] = new_keys[i:j]
            self.rows[i:i] = new_rows[i:j]
            m.endInsertRows()
            i = j
        self._pos = {k: i for i, k in enumerate(self.keys)}

        # 4. Cells of surviving rows that differ.
        changed: dict[int, list[int]] = {}
        for k in survivors:
            row = self._pos[k]
            cols = self._replace(row, wanted[k])
            if cols:
                changed[row] = cols
        self.emit_changed(changed)

    def update(self, rows: Iterable[R]) -> None:
        """Replace rows in place by key (unknown keys are ignored) and signal the cells that changed."""
        changed: dict[int, list[int]] = {}
        for new in rows:
            row = self._pos.get(self.key(new))
            if row is not None:
                cols = self._replace(row, new)
                if cols:
                    changed[row] = cols
        self.emit_changed(changed)

    def update_later(self, rows: Iterable[R], changed: dict[int, list[int]]) -> None:
        """``update`` without signals: the changed cells are added to ``changed``.

        The caller signals them later with ``emit_changed``, before any row is inserted,
        removed or moved.
        """
        for new in rows:
            row = self._pos.get(self.key(new))
            if row is not None:
                cols = self._replace(row, new)
                if cols:
                    old = changed.get(row)
                    changed[row] = cols if old is None else sorted({*old, *cols})

    def _replace(self, row: int, new: R) -> list[int]:
        old = self.rows[row]
        if old == new:
            return []
        self.rows[row] = new
        n = self.columns
        if len(old) != len(new) or any(old[c] != new[c] for c in range(n, len(new))):
            return list(range(n))  # hidden data changed: filters and sorting must look again
        return [c for c in range(n) if old[c] != new[c]]

    def emit_changed(self, changed: dict[int, list[int]]) -> None:
        """One ``dataChanged`` per rectangle: rows runs per column, then neighbouring columns merged.

        When the changed rows form more than ``SPAN_RUNS`` runs (a merged refresh after a
        catch-up: hundreds of small rectangles), one rectangle spanning them all instead,
        if ``may_span`` says yes.
        """
        if not changed:
            return
        if len(changed) > SPAN_RUNS and self.may_span is not None and self.may_span():
            rows = sorted(changed)
            gaps = sum(1 for a, b in pairwise(rows) if b != a + 1)
            if gaps >= SPAN_RUNS:
                self.emit_span(rows[0], rows[-1], set().union(*changed.values()))
                return
        by_col: dict[int, list[int]] = defaultdict(list)
        for row, cols in changed.items():
            for c in cols:
                by_col[c].append(row)
        blocks: dict[tuple[int, int], list[int]] = defaultdict(list)
        for c in sorted(by_col):
            for run in runs(by_col[c]):
                blocks[run].append(c)
        m = self.model
        root = QModelIndex()
        for (r0, r1), cols in blocks.items():
            for c0, c1 in runs(cols):
                m.dataChanged.emit(m.index(r0, c0, root), m.index(r1, c1, root), [])

    def emit_span(self, first: int, last: int, columns: Iterable[int]) -> None:
        """A single ``dataChanged`` over rows ``first``..``last`` and the columns' span."""
        cols = sorted(columns)
        m = self.model
        root = QModelIndex()
        m.dataChanged.emit(m.index(first, cols[0], root), m.index(last, cols[-1], root), [])

    def emit_column(self, column: int) -> None:
        """The whole of one column changed (e.g. times that tick): a single signal."""
        if self.rows:
            m = self.model
            root = QModelIndex()
            m.dataChanged.emit(m.index(0, column, root), m.index(len(self.rows) - 1, column, root), [])


@dataclass(frozen=True, slots=True)
class Cell:
    """What one cell shows: computed once per update, compared to find what changed."""

    text: str = ""
    level: Level | None = None  # warning/critical: icon, tint and a tooltip saying why
    tip: str = ""
    sort: float | str | None = None  # SORT_ROLE value; None sorts by the text
    dot: str | None = None  # a coloured dot (``#rrggbb``) when there is no level icon
    bold: bool = False


EMPTY = Cell()


class CellTableModel(QAbstractTableModel):
    """A flat table whose rows are tuples of ``Cell`` (plus hidden data past the columns).

    Subclasses give the row key and the numeric (right-aligned) columns, set the
    (translated) headers once before any view sees the model, then build rows and
    hand them to ``self.rows.sync``/``update``.
    """

    def __init__(
        self, key: Callable[[Any], Hashable], numeric: Iterable[int] = (), parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._header_tips: dict[int, str] = {}
        self._numeric = frozenset(numeric)
        self.rows: RowSync[Hashable, tuple[Any, ...]] = RowSync(self, key, 0)
        self._bold = QFont()
        self._bold.setBold(True)

    def set_headers(self, headers: Sequence[str]) -> None:
        """The column titles; called once from the subclass's __init__, before any row exists."""
        self._headers = list(headers)
        self.rows.columns = len(self._headers)

    # -- structure -------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def set_header_tip(self, column: int, tip: str) -> None:
        if self._header_tips.get(column) != tip:
            self._header_tips[column] = tip
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips.get(section) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section in self._numeric else _LEFT
        return None

    # -- cells -----------------------------------------------------------------------

    def cell(self, row: int, column: int) -> Cell:
        """The cell at (row, column); override for cells computed at paint time."""
        value = self.rows.rows[row][column]
        return value if isinstance(value, Cell) else EMPTY

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(self.rows) and 0 <= col < len(self._headers)):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col in self._numeric else _LEFT
        cell = self.cell(row, col)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.DecorationRole:
            if cell.level is not None and cell.level is not Level.OK:
                return level_icon(cell.level)
            return dot_icon(cell.dot) if cell.dot else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return level_tint(cell.level) if cell.level is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.tip or None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if cell.bold else None
        if role == SORT_ROLE:
            return cell.sort if cell.sort is not None else cell.text
        if role == Qt.ItemDataRole.AccessibleTextRole:  # screen readers hear the level, not a colour
            if cell.level is not None and cell.level is not Level.OK:
                return f"{cell.text}, {level_label(cell.level)}"
            return cell.text
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return cell.tip or None
        return None


def setup_table(view: QTableView) -> None:
    """Read-only row selection, fixed row heights (cheap layout on every update), interactive columns."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setHighlightSections(False)
    header.setStretchLastSection(True)


def size_columns(
    view: QTableView, widths: Iterable[tuple[int, int]] = (), *, default: int | None = None
) -> None:
    """Initial column widths (pixels by column), then room for every (translated) title."""
    header = view.horizontalHeader()
    if default is not None:
        header.setDefaultSectionSize(default)
    for column, width in widths:
        header.resizeSection(column, width)
    fit_headers(view)


def show_row(view: QTableView, proxy: QAbstractProxyModel, source_row: int | None) -> bool:
    """Select and scroll to a source model's row through ``proxy``; False when unknown or filtered out."""
    if source_row is None:
        return False
    index = proxy.mapFromSource(proxy.sourceModel().index(source_row, 0))
    if not index.isValid():
        return False
    view.selectRow(index.row())
    view.scrollTo(index)
    return True


def fit_headers(view: QTableView) -> None:
    """Widen any column narrower than its (translated) title, so no header reads "…swered today"."""
    header = view.horizontalHeader()
    for c in range(header.count()):
        wanted = header.sectionSizeHint(c) + 8
        if header.sectionSize(c) < wanted:
            header.resizeSection(c, wanted)
