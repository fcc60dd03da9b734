"""The breaches panel: calls waiting past their queue's threshold, and case deadlines breached or near.

Which items are listed, in which order (newest breach first, then the ones at
risk, soonest first) and the day's count all come from ``console.domain.breaches``
on the feed clock. Both tables follow the list with a keyed row diff
(``rowsync``): rows come and go one by one, an item that passes its deadline
moves up with a layout change, and the ticking times change cell by cell.
Every breach listed is also remembered for the day (``timeseries.BreachLog``),
so the charts keep it marked on their time axes after the call was answered or
the case closed.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from console.domain.breaches import Breach, BreachKind, breaches_today, current_breaches
from console.domain.clock import to_ms
from console.domain.entities import CaseStatus
from console.domain.floor_metrics import Level, wait_level
from console.domain.state import FloorState
from console.timeseries import BreachLog
from console.widgets.fmt import clock_time, date_time, duration
from console.widgets.rowsync import Cell, CellTableModel, fit_headers, setup_table
from console.widgets.source import FloorSource

DEFAULT_WARN_WITHIN_S = 3600.0  # cases show up this long before a deadline
_DAY_MS = 86_400_000


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


class CallBreachModel(CellTableModel):
    """Calls waiting longer than their queue's SL threshold now, keyed by call id."""

    def __init__(self, source: FloorSource, parent: QObject | None = None) -> None:
        super().__init__(
            key=lambda row: row[-1],
            numeric=(CallCol.WAITING, CallCol.OVER_BY, CallCol.PRIORITY),
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
        self._source = source

    def apply(self, breaches: list[Breach], now_ms: int | None) -> None:
        """Show the call breaches of ``breaches`` (already in display order)."""
        state = self._source.state
        rows = []
        for b in breaches:
            call = state.calls.get(b.ref_id) if b.kind is BreachKind.CALL_WAIT else None
            if call is None or now_ms is None:
                continue
            q = state.queues.get(call.queue_id)
            threshold = q.sl_threshold_s if q is not None else 0.0
            waiting = max(0.0, (now_ms - to_ms(call.entered_at)) / 1000.0)
            level = wait_level(waiting, threshold)
            tip = self.tr("Waiting {wait}, {over} past the {threshold} s threshold").format(
                wait=duration(waiting), over=duration(b.overdue_s), threshold=f"{threshold:g}"
            )
            rows.append(
                (
                    Cell(call.id),
                    Cell(_queue_name(state, call.queue_id), tip=call.queue_id),
                    Cell(duration(waiting), level, tip, waiting),
                    Cell(duration(b.overdue_s), sort=b.overdue_s),
                    Cell(str(call.priority), sort=call.priority),
                    Cell(call.caller),
                    call.id,  # hidden: the key
                )
            )
        self.rows.sync(rows)


class CaseDeadlineModel(CellTableModel):
    """Case deadlines breached or within the warning window, keyed by (case id, deadline kind)."""

    def __init__(self, source: FloorSource, parent: QObject | None = None) -> None:
        super().__init__(key=lambda row: row[-1], numeric=(CaseCol.DUE, CaseCol.OVERDUE), parent=parent)
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
        self._source = source

    def apply(self, breaches: list[Breach], now_ms: int | None) -> None:
        """Show the case deadlines of ``breaches`` (already in display order)."""
        state = self._source.state
        tz = state.centre.timezone
        rows = []
        for b in breaches:
            case = state.cases.get(b.ref_id) if b.kind is not BreachKind.CALL_WAIT else None
            if case is None or now_ms is None:
                continue
            kind = self._kind(b.kind)
            if b.breached:
                level = Level.CRITICAL
                left = self.tr("{time} overdue").format(time=duration(b.overdue_s))
                tip = self.tr("Breached: {kind} deadline passed {time} ago").format(
                    kind=kind, time=duration(b.overdue_s)
                )
            else:
                level = Level.WARNING
                left = self.tr("in {time}").format(time=duration(-b.overdue_s))
                tip = self.tr("At risk: {kind} deadline in {time}").format(
                    kind=kind, time=duration(-b.overdue_s)
                )
            # A bare time of day is ambiguous for deadlines far from now: those show the date too.
            near = abs(now_ms - b.due_ms) < _DAY_MS // 2
            due = clock_time(b.due_ms, tz) if near else date_time(b.due_ms, tz)
            agent = state.agents.get(case.agent_id or "")
            assignee = agent.name if agent is not None else (case.agent_id or self.tr("Unassigned"))
            rows.append(
                (
                    Cell(case.id, level, tip),
                    Cell(_queue_name(state, case.queue_id), tip=case.queue_id),
                    Cell(case.priority),
                    Cell(self._status(case.status)),
                    Cell(assignee, tip=case.agent_id or ""),
                    Cell(kind),
                    Cell(due, sort=b.due_ms),
                    Cell(left, level, tip, b.overdue_s),
                    (case.id, b.kind.value),  # hidden: the key (a case may be listed for both deadlines)
                )
            )
        self.rows.sync(rows)

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
    """Both breach tables and today's count, refreshed on every floor update and clock tick."""

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
        self._breaches: list[Breach] = []
        self._count_today = 0
        self.log = BreachLog()  # every breach seen today, for the charts' markers
        self.calls_model = CallBreachModel(source, self)
        self.cases_model = CaseDeadlineModel(source, self)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("breachesTodayLabel")
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)
        self.calls_heading = QLabel(self)
        self.cases_heading = QLabel(self)
        self.calls_view = self._table("callBreachesTable", self.calls_model)
        self.cases_view = self._table("caseDeadlinesTable", self.cases_model)
        calls_header = self.calls_view.horizontalHeader()
        calls_header.setDefaultSectionSize(80)
        calls_header.resizeSection(CallCol.QUEUE, 170)
        cases_header = self.cases_view.horizontalHeader()
        cases_header.setDefaultSectionSize(90)
        for col, width in (
            (CaseCol.CASE, 110),
            (CaseCol.QUEUE, 160),
            (CaseCol.ASSIGNEE, 130),
            (CaseCol.DUE, 150),
        ):
            cases_header.resizeSection(col, width)
        fit_headers(self.calls_view)
        fit_headers(self.cases_view)

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

        source.floorUpdated.connect(self.refresh)
        source.clockTicked.connect(self.refresh)
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
        """What the tables list, in their order."""
        return list(self._breaches)

    def breach_times_ms(self) -> list[int]:
        """Feed-clock instants of every breach seen today, listed now or not (for the charts' markers)."""
        return self.log.times_ms()

    def set_warn_within(self, seconds: float) -> None:
        """How long before a case deadline it is listed as at risk."""
        self._warn_within_s = seconds
        self.refresh()

    def refresh(self, *_: Any) -> None:
        state = self._source.state
        now = self._source.feed_clock_ms()
        if now is None:
            self._breaches, count = [], 0
        else:
            self._breaches = current_breaches(state, now, self._warn_within_s)
            count = breaches_today(state, now)
            day0 = state.centre.day_started_at
            self.log.observe(self._breaches, to_ms(day0) if day0 else None)
        self.calls_model.apply(self._breaches, now)
        self.cases_model.apply(self._breaches, now)
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

    @staticmethod
    def _set_text(label: QLabel, text: str) -> None:
        if label.text() != text:
            label.setText(text)
