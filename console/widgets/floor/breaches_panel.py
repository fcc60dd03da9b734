"""The breaches panel: calls waiting past their queue's threshold, and case deadlines breached or near.

Which items are listed, in which order (newest breach first, then the ones at
risk, soonest first) and the day's count all come from ``console.domain.breaches``
on the feed clock: a ``BreachIndex`` follows the floor's change sets, so a
refresh costs what changed, not the number of open cases (50,000 on a big
floor). Both tables follow the index's rows: rows come and go one by one, items
that pass their deadline move up with one layout change, a row whose call or
case changed is signalled alone, and the clock's tick signals the ticking
columns as one range. Cells are formatted when a view asks for them (only the
rows on screen), once per refresh. Every breach listed is also remembered for
the day (``timeseries.BreachLog``), so the charts keep it marked on their time
axes after the call was answered or the case closed.

While the feed catches up, a merged refresh in a turn of its own looks at
``REFRESH_CASES`` changed cases at most (a merged half-second of a catch-up
changes 20,000 and more: 40-70 ms); the rest go on in the next turns
(``CatchUpThrottle.more``). Cases added and removed, and calls, are taken at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterable, Sequence
from enum import IntEnum
from itertools import islice
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from console.application.floor_source import FloorSource
from console.application.timeseries import BreachLog
from console.domain.breaches import Breach, BreachIndex, BreachKind, call_due_ms, case_dues_ms
from console.domain.changes import ChangeSet
from console.domain.clock import to_ms
from console.domain.entities import CaseStatus
from console.domain.figures.queues import Level, wait_level
from console.domain.state import FloorState
from console.widgets.common.fmt import clock_time, date_time, duration
from console.widgets.common.rowsync import EMPTY, Cell, CellTableModel, RowSync, setup_table, size_columns
from console.widgets.common.throttle import CatchUpThrottle

DEFAULT_WARN_WITHIN_S = 3600.0  # cases show up this long before a deadline
_DAY_MS = 86_400_000
#: A merged refresh in a turn of its own looks at most at this many changed cases (about 10 ms).
REFRESH_CASES = 5000


class CallCol(IntEnum):
    CALL = 0
    QUEUE = 1
    WAITING = 2
    OVER_BY = 3
    PRIORITY = 4
    CALLER = 5


class CaseCol(IntEnum):
    CASE = 0
    QUEUE = 1
    PRIORITY = 2
    STATUS = 3
    ASSIGNEE = 4
    KIND = 5
    DUE = 6
    OVERDUE = 7


def _queue_name(state: FloorState, queue_id: str) -> str:
    q = state.queues.get(queue_id)
    return q.name if q is not None else queue_id


Key = tuple[BreachKind, str]  # (kind, call or case id): a row of the index


class _ListedRows(RowSync[Hashable, tuple[Any, ...]]):
    """The rows of a ``_DeadlineModel``: each row is its (kind, id), ``keys`` the model's key for it.

    Rows change only through the index's observer calls (``_DeadlineModel``), never by ``sync``.
    """

    def row_of(self, key: Hashable) -> int | None:
        try:
            return self.keys.index(key)
        except ValueError:
            return None

    def sync(self, new_rows: Sequence[tuple[Any, ...]]) -> None:
        raise NotImplementedError("rows follow the breach index")

    def update(self, rows: Iterable[tuple[Any, ...]]) -> None:
        raise NotImplementedError("rows follow the breach index")


class _DeadlineModel(CellTableModel):
    """A table whose rows follow one list of a ``BreachIndex`` (it is that list's ``ListObserver``).

    Every change arrives as the row operation it is (insert, remove, the passing of
    deadlines as one layout change, a changed row), so views keep their selection
    and scroll position. Cells are made when a view asks, from the floor at the
    model's clock (``set_now``), and kept until the next refresh: painting reads
    only the rows on screen, whatever the length of the list.
    """

    def __init__(
        self,
        source: FloorSource,
        key: Callable[[BreachKind, str], Hashable],
        numeric: Iterable[int],
        ticking: Iterable[tuple[int, int]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(key=lambda row: row, numeric=numeric, parent=parent)
        self._source = source
        self._listed = _ListedRows(self, lambda row: row, 0)
        self.rows = self._listed
        self._key = key
        self._ticking = tuple(ticking)  # column ranges that change with the clock alone
        self._cells: dict[Key, tuple[Cell, ...]] = {}
        self.now: int | None = None
        # Rows changed in place since the last flush_changed (first, last), and whether rows
        # moved after one was changed (its number then no longer names it).
        self._dirty: tuple[int, int] | None = None
        self._shifted = False

    # -- the index's observer ----------------------------------------------------------

    def inserted(self, row: int, kind: BreachKind, ref_id: str) -> None:
        self._shifted = self._shifted or self._dirty is not None
        self.beginInsertRows(QModelIndex(), row, row)
        self._listed.rows.insert(row, (kind, ref_id))
        self._listed.keys.insert(row, self._key(kind, ref_id))
        self.endInsertRows()

    def removed(self, row: int) -> None:
        self._shifted = self._shifted or self._dirty is not None
        self.beginRemoveRows(QModelIndex(), row, row)
        self._cells.pop(self._listed.rows[row], None)
        del self._listed.rows[row]
        del self._listed.keys[row]
        self.endRemoveRows()

    def crossed(self, first: int, count: int) -> None:
        """Rows first.. passed their deadline: reversed to the top, one layout change (selection follows)."""
        self._shifted = self._shifted or self._dirty is not None
        self.layoutAboutToBeChanged.emit()

        def moved(r: int) -> int:
            if r < first:
                return r + count
            if r < first + count:
                return first + count - 1 - r
            return r

        rows, keys = self._listed.rows, self._listed.keys
        rows[: first + count] = rows[first : first + count][::-1] + rows[:first]
        keys[: first + count] = keys[first : first + count][::-1] + keys[:first]
        before = self.persistentIndexList()
        root = QModelIndex()
        after = [self.index(moved(ix.row()), ix.column(), root) for ix in before]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def changed(self, row: int) -> None:
        """Row ``row`` shows something else: its cells are made again, signalled at flush_changed.

        One signal for the whole update rather than one a row: catching up, an update touches
        thousands of rows, and a signal each was the longest GUI stall left (docs/performance.md).
        """
        self._cells.pop(self._listed.rows[row], None)
        first, last = self._dirty or (row, row)
        self._dirty = (min(first, row), max(last, row))

    def flush_changed(self) -> None:
        """Signal the rows changed since the last flush: their span, or every row if rows moved since."""
        span, shifted = self._dirty, self._shifted
        self._dirty, self._shifted = None, False
        count = len(self._listed.rows)
        if span is None or not count:
            return
        first, last = (0, count - 1) if shifted else (span[0], min(span[1], count - 1))
        root = QModelIndex()
        self.dataChanged.emit(self.index(first, 0, root), self.index(last, self.columnCount() - 1, root), [])

    def relisted(self, keys: list[Key]) -> None:
        self._shifted = self._shifted or self._dirty is not None
        root = QModelIndex()
        self._cells.clear()
        if self._listed.rows:
            self.beginRemoveRows(root, 0, len(self._listed.rows) - 1)
            self._listed.rows.clear()
            self._listed.keys.clear()
            self.endRemoveRows()
        if keys:
            self.beginInsertRows(root, 0, len(keys) - 1)
            self._listed.rows[:] = keys
            self._listed.keys[:] = [self._key(kind, ref_id) for kind, ref_id in keys]
            self.endInsertRows()

    # -- refreshing --------------------------------------------------------------------

    def set_now(self, now: int | None) -> None:
        """The clock the cells are made at; cells made before are dropped."""
        self.now = now
        self._cells.clear()

    def refreshed(self) -> None:
        """Every row may show something else (names changed, a new floor): one signal for all."""
        self._cells.clear()
        if self._listed.rows:
            root = QModelIndex()
            last = self.index(len(self._listed.rows) - 1, self.columnCount() - 1, root)
            self.dataChanged.emit(self.index(0, 0, root), last, [])

    def tick(self) -> None:
        """The clock moved: one signal per range of ticking columns, over every row."""
        if self._listed.rows:
            root = QModelIndex()
            last = len(self._listed.rows) - 1
            for c0, c1 in self._ticking:
                self.dataChanged.emit(self.index(0, c0, root), self.index(last, c1, root), [])

    # -- cells -------------------------------------------------------------------------

    def cell(self, row: int, column: int) -> Cell:
        key: Key = self._listed.rows[row]
        cells = self._cells.get(key)
        if cells is None:
            cells = self._make(key[0], key[1])
            self._cells[key] = cells
        return cells[column] if column < len(cells) else EMPTY

    def _make(self, kind: BreachKind, ref_id: str) -> tuple[Cell, ...]:
        """The row's cells at ``self.now`` (empty while the item is gone from the floor)."""
        raise NotImplementedError


class CallBreachModel(_DeadlineModel):
    """Calls waiting longer than their queue's SL threshold now, keyed by call id."""

    def __init__(self, source: FloorSource, parent: QObject | None = None) -> None:
        super().__init__(
            source,
            key=lambda kind, ref_id: ref_id,
            numeric=(CallCol.WAITING, CallCol.OVER_BY, CallCol.PRIORITY),
            ticking=((CallCol.WAITING, CallCol.OVER_BY),),
            parent=parent,
        )
        self.set_headers(
            [
                self.tr("Call"),
                self.tr("Queue"),
                self.tr("Waiting"),
                self.tr("Over by"),
                self.tr("Priority"),
                self.tr("Caller"),
            ]
        )
        self.set_header_tip(CallCol.OVER_BY, self.tr("How far past the queue's service-level threshold"))
        self.set_header_tip(CallCol.CALLER, self.tr("Masked caller number"))

    def _make(self, kind: BreachKind, ref_id: str) -> tuple[Cell, ...]:
        state = self._source.state
        now_ms = self.now
        call = state.calls.get(ref_id)
        due = None if call is None else call_due_ms(state, call)
        if call is None or due is None or now_ms is None:
            return ()
        q = state.queues.get(call.queue_id)
        threshold = q.sl_threshold_s if q is not None else 0.0
        waiting = max(0.0, (now_ms - to_ms(call.entered_at)) / 1000.0)
        over = (now_ms - due) / 1000.0
        level = wait_level(waiting, threshold)
        tip = self.tr("Waiting {wait}, {over} past the {threshold} s threshold").format(
            wait=duration(waiting), over=duration(over), threshold=f"{threshold:g}"
        )
        return (
            Cell(call.id),
            Cell(_queue_name(state, call.queue_id), tip=call.queue_id),
            Cell(duration(waiting), level, tip, waiting),
            Cell(duration(over), sort=over),
            Cell(str(call.priority), sort=call.priority),
            Cell(call.caller),
        )


class CaseDeadlineModel(_DeadlineModel):
    """Case deadlines breached or within the warning window, keyed by (case id, deadline kind)."""

    def __init__(self, source: FloorSource, parent: QObject | None = None) -> None:
        super().__init__(
            source,
            # A case may be listed for both deadlines.
            key=lambda kind, ref_id: (ref_id, kind.value),
            numeric=(CaseCol.DUE, CaseCol.OVERDUE),
            # The case's tooltip says how long; "Due" shows the date when it is far from now.
            ticking=((CaseCol.CASE, CaseCol.CASE), (CaseCol.DUE, CaseCol.OVERDUE)),
            parent=parent,
        )
        self.set_headers(
            [
                self.tr("Case"),
                self.tr("Queue"),
                self.tr("Priority"),
                self.tr("Status"),
                self.tr("Assignee"),
                self.tr("Deadline"),
                self.tr("Due"),
                self.tr("Overdue / Time to breach"),
            ]
        )
        self.set_header_tip(CaseCol.DUE, self.tr("Deadline, in the centre's local time"))

    def _make(self, kind: BreachKind, ref_id: str) -> tuple[Cell, ...]:
        state = self._source.state
        now_ms = self.now
        case = state.cases.get(ref_id)
        if case is None or now_ms is None:
            return ()
        first, resolution = case_dues_ms(case)
        due = first if kind is BreachKind.FIRST_RESPONSE else resolution
        if due is None:
            return ()
        b = Breach(kind, case.id, case.queue_id, due, now_ms, case.agent_id, case.priority)
        tz = state.centre.timezone
        label = self._kind(b.kind)
        if b.breached:
            level = Level.CRITICAL
            left = self.tr("{time} overdue").format(time=duration(b.overdue_s))
            tip = self.tr("Breached: {kind} deadline passed {time} ago").format(
                kind=label, time=duration(b.overdue_s)
            )
        else:
            level = Level.WARNING
            left = self.tr("in {time}").format(time=duration(-b.overdue_s))
            tip = self.tr("At risk: {kind} deadline in {time}").format(
                kind=label, time=duration(-b.overdue_s)
            )
        # A bare time of day is ambiguous for deadlines far from now: those show the date too.
        near = abs(now_ms - b.due_ms) < _DAY_MS // 2
        due_text = clock_time(b.due_ms, tz) if near else date_time(b.due_ms, tz)
        agent = state.agents.get(case.agent_id or "")
        assignee = agent.name if agent is not None else (case.agent_id or self.tr("Unassigned"))
        return (
            Cell(case.id, level, tip),
            Cell(_queue_name(state, case.queue_id), tip=case.queue_id),
            Cell(case.priority),
            Cell(self._status(case.status)),
            Cell(assignee, tip=case.agent_id or ""),
            Cell(label),
            Cell(due_text, sort=b.due_ms),
            Cell(left, level, tip, b.overdue_s),
        )

    def _kind(self, kind: BreachKind) -> str:
        if kind is BreachKind.FIRST_RESPONSE:
            return self.tr("First response")
        return self.tr("Resolution")

    def _status(self, status: CaseStatus) -> str:
        labels = {
            CaseStatus.INTAKE: self.tr("Intake"),
            CaseStatus.TRIAGE: self.tr("Triage"),
            CaseStatus.REFERRED: self.tr("Referred"),
            CaseStatus.AWAITING_CUSTOMER: self.tr("Awaiting customer"),
            CaseStatus.RESOLUTION: self.tr("Resolution"),
            CaseStatus.CALLBACK: self.tr("Callback"),
            CaseStatus.CLOSED: self.tr("Closed"),
        }
        return labels.get(status, str(status))


class BreachesPanel(QWidget):
    """Both breach tables and today's count, following every floor update and clock tick.

    ``index`` (a ``BreachIndex``) holds what is listed; a floor update costs what
    its change set names, a tick what the clock passed.
    """

    countTodayChanged = Signal(int)

    def __init__(
        self,
        source: FloorSource,
        parent: QWidget | None = None,
        *,
        warn_within_s: float = DEFAULT_WARN_WITHIN_S,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._warn_within_s = warn_within_s
        self._count_today = 0
        self.log = BreachLog()  # every breach seen today, for the charts' markers
        self.calls_model = CallBreachModel(source, self)
        self.cases_model = CaseDeadlineModel(source, self)
        self.index = BreachIndex(
            warn_within_s, calls_observer=self.calls_model, cases_observer=self.cases_model
        )
        self._queue_names: dict[str, str] = {}
        self._owed_cases: set[str] = set()  # changed cases a chunked refresh has still to look at

        self.count_label = QLabel(self)
        self.count_label.setObjectName("breachesTodayLabel")
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)
        self.calls_heading = QLabel(self)
        self.cases_heading = QLabel(self)
        self.calls_view = self._table("callBreachesTable", self.calls_model)
        self.cases_view = self._table("caseDeadlinesTable", self.cases_model)
        size_columns(self.calls_view, ((CallCol.QUEUE, 170),), default=80)
        size_columns(
            self.cases_view,
            ((CaseCol.CASE, 110), (CaseCol.QUEUE, 160), (CaseCol.ASSIGNEE, 130), (CaseCol.DUE, 150)),
            default=90,
        )

        calls_box = QWidget(self)
        calls_layout = QVBoxLayout(calls_box)
        calls_layout.setContentsMargins(0, 0, 0, 0)
        calls_layout.addWidget(self.calls_heading)
        calls_layout.addWidget(self.calls_view, 1)
        cases_box = QWidget(self)
        cases_layout = QVBoxLayout(cases_box)
        cases_layout.setContentsMargins(0, 0, 0, 0)
        cases_layout.addWidget(self.cases_heading)
        cases_layout.addWidget(self.cases_view, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("breachesSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(calls_box)
        self.splitter.addWidget(cases_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.count_label)
        layout.addWidget(self.splitter, 1)

        # While the feed catches up on a backlog, at most a few refreshes a second (merged).
        self._throttle = CatchUpThrottle(source, self._on_floor_updated, parent=self)
        source.floorUpdated.connect(self._throttle.on_floor_updated)
        source.clockTicked.connect(self._on_clock)
        self.refresh()

    def _table(self, name: str, model: CellTableModel) -> QTableView:
        view = QTableView(self)
        view.setObjectName(name)
        view.setModel(model)
        setup_table(view)
        return view

    # -- public ----------------------------------------------------------------------

    @property
    def count_today(self) -> int:
        """Breaches since the business day started (``breaches.breaches_today``)."""
        return self._count_today

    @property
    def breaches(self) -> list[Breach]:
        """What the tables list, in their order (built on each call: O(listed))."""
        return self.index.breaches(self._source.state)

    def breach_times_ms(self) -> list[int]:
        """Feed-clock instants of every breach seen today, listed now or not (for the charts' markers)."""
        return self.log.times_ms()

    def set_warn_within(self, seconds: float) -> None:
        """How long before a case deadline it is listed as at risk."""
        self._warn_within_s = seconds
        self._throttle.flush()
        self.index.set_warn_within(seconds)
        self._show(None)

    def refresh(self, *_: Any) -> None:
        """Look at every call and case again (what a reset does), then show."""
        self._throttle.flush()
        self._owed_cases = set()  # every case is looked at
        self._show(None, full=True)

    def _on_floor_updated(self, changes: ChangeSet) -> None:
        owed = self._owed_cases
        if changes.reset:
            self._owed_cases = set()  # every case is looked at
        elif owed or (self._throttle.in_turn and len(changes.cases_changed) > REFRESH_CASES):
            changed = changes.cases_changed | owed
            self._owed_cases = set()
            if self._throttle.in_turn and len(changed) > REFRESH_CASES:
                # A turn of its own: some of the changed cases now, the rest in the next turns.
                rest = iter(changed)
                changed = set(islice(rest, REFRESH_CASES))
                self._owed_cases = set(rest)
                self._throttle.more()
            # A copy: the change set may be the one every view got (its sets are not changed here).
            changes = dataclasses.replace(changes, cases_changed=changed)
        self._show(changes)

    def _on_clock(self) -> None:
        self._throttle.tick(self._tick)  # after what is held back; while catching up, a turn of its own

    def _tick(self) -> None:
        self._show(None)

    def _show(self, changes: ChangeSet | None, *, full: bool = False) -> None:
        state = self._source.state
        now = self._source.feed_clock_ms()
        models = (self.calls_model, self.cases_model)
        for model in models:
            model.set_now(now)
        if full:
            self.index.resync(state, now)
        else:
            self.index.update(state, changes, now)
        for model in models:
            model.flush_changed()
        if full or self._names_changed(state, changes):
            for model in models:
                model.refreshed()
        for model in models:
            model.tick()
        count = self.index.count_today(state)
        if now is not None:
            day0 = state.centre.day_started_at
            self.log.observe_passed(self.index.take_new_breaches(), to_ms(day0) if day0 else None)
        self._set_text(
            self.calls_heading,
            self.tr("Calls waiting past their queue's threshold: {n}").format(n=self.calls_model.rowCount()),
        )
        self._set_text(
            self.cases_heading,
            self.tr("Case deadlines breached or due within {minutes} min: {n}").format(
                minutes=f"{self._warn_within_s / 60:g}", n=self.cases_model.rowCount()
            ),
        )
        self._set_text(self.count_label, self.tr("Breaches today: {n}").format(n=count))
        if count != self._count_today:
            self._count_today = count
            self.countTodayChanged.emit(count)

    def _names_changed(self, state: FloorState, changes: ChangeSet | None) -> bool:
        """Whether names the rows show (queues, assignees) may have changed with ``changes``."""
        if changes is None:
            return False
        if changes.reset or changes.agents_added or changes.agents_removed:
            self._queue_names = {q.id: q.name for q in state.queues.values()}
            return True
        renamed = False
        for qid in changes.queues:
            q = state.queues.get(qid)
            name = q.name if q is not None else None
            if name is not None and self._queue_names.get(qid) != name:
                self._queue_names[qid] = name
                renamed = True
        return renamed

    @staticmethod
    def _set_text(label: QLabel, text: str) -> None:
        if label.text() != text:
            label.setText(text)
