"""The Alerts list: what went critical (a queue's figure, an agent's time in a state), when, and who saw it.

The rules are ``console.domain.alerts.AlertBook``'s; this view shows its alerts, newest first,
active and unacknowledged ones bold: what, queue or agent, level, started, ended (or "active"),
acknowledged by. Acknowledging (the button, the context menu, or Enter) is asked for with
``acknowledgeRequested``; the window does it and hands the list back (``show_alerts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.domain.alerts import Alert, Subject, What
from console.widgets.common.fmt import (
    DASH,
    agent_label,
    clock_time,
    duration,
    level_label,
    percent,
    reason_label,
)
from console.widgets.common.rowsync import Cell, CellTableModel, setup_table, size_columns


class Col(IntEnum):
    WHAT = 0
    SUBJECT = 1
    LEVEL = 2
    STARTED = 3
    ENDED = 4
    ACKNOWLEDGED = 5


_ID = len(Col)  # hidden: the alert's id


class AlertsModel(CellTableModel):
    """Alerts by id, newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(key=lambda row: row[_ID], parent=parent)
        titles = {
            Col.WHAT: self.tr("Alert"),
            Col.SUBJECT: self.tr("Queue or agent"),
            Col.LEVEL: self.tr("Level"),
            Col.STARTED: self.tr("Started"),
            Col.ENDED: self.tr("Ended"),
            Col.ACKNOWLEDGED: self.tr("Acknowledged by"),
        }
        self.set_headers([titles[c] for c in Col])
        self.set_header_tip(Col.STARTED, self.tr("On the feed clock, in the centre's time zone"))
        self.alerts: dict[int, Alert] = {}

    def show_alerts(self, alerts: Sequence[Alert], tz: str | None) -> None:
        self.alerts = {a.id: a for a in alerts}
        self.rows.sync([self._row(a, tz) for a in reversed(alerts)])

    def alert_at(self, row: int) -> Alert | None:
        if not 0 <= row < len(self.rows):
            return None
        return self.alerts.get(self.rows.rows[row][_ID])

    def _row(self, a: Alert, tz: str | None) -> tuple[object, ...]:
        bold = a.nagging
        level = a.level if a.active else None
        if a.acknowledged:
            ack = self.tr("{who} at {time}").format(
                who=a.acknowledged_by, time=clock_time(a.acknowledged_at_ms, tz)
            )
        else:
            ack = DASH
        ended = self.tr("active") if a.active else clock_time(a.ended_at_ms, tz)
        subject = (
            agent_label(a.name, a.subject_id) if a.subject is Subject.AGENT else (a.name or a.subject_id)
        )
        return (
            Cell(alert_text(a), tip=alert_detail(a), bold=bold),
            Cell(subject, tip=a.subject_id, bold=bold),
            Cell(level_label(a.level), level, bold=bold),
            Cell(clock_time(a.started_at_ms, tz), sort=a.started_at_ms, bold=bold),
            Cell(ended, sort=a.ended_at_ms or 0, bold=bold),
            Cell(ack, bold=bold),
            a.id,
        )


def alert_text(a: Alert) -> str:
    """What an alert is about, in words (its title in the list and the notification)."""
    labels = {
        What.SERVICE_LEVEL: QCoreApplication.translate("AlertsPanel", "Service level this interval"),
        What.LONGEST_WAIT: QCoreApplication.translate("AlertsPanel", "Longest wait"),
        What.WAITING: QCoreApplication.translate("AlertsPanel", "Calls waiting"),
        What.ABANDON: QCoreApplication.translate("AlertsPanel", "Abandon rate, last 60 min"),
        What.ON_CALL: QCoreApplication.translate("AlertsPanel", "On a call too long"),
        What.NOT_READY: QCoreApplication.translate("AlertsPanel", "Not ready too long"),
    }
    text = labels[a.what]
    if a.what is What.NOT_READY and a.reason:
        text = QCoreApplication.translate("AlertsPanel", "{what} ({reason})").format(
            what=text, reason=reason_label(a.reason)
        )
    return text


def alert_detail(a: Alert) -> str:
    """The figure against its limit, for the tooltip and the notification."""
    if a.what in (What.SERVICE_LEVEL, What.ABANDON):
        value, limit = percent(a.value), percent(a.limit)
    elif a.what is What.WAITING:
        value = DASH if a.value is None else str(round(a.value))
        limit = DASH if a.limit is None else f"{a.limit:g}"
    else:
        value, limit = duration(a.value), duration(a.limit)
    if a.what is What.SERVICE_LEVEL:
        return QCoreApplication.translate(
            "AlertsPanel", "{value}, below the critical limit of {limit}"
        ).format(value=value, limit=limit)
    return QCoreApplication.translate("AlertsPanel", "{value}, past the critical limit of {limit}").format(
        value=value, limit=limit
    )


class AlertsPanel(QWidget):
    """The alerts list with its Acknowledge button and context menu."""

    acknowledgeRequested = Signal(list)  # alert ids

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = AlertsModel(self)
        self._view = QTableView()
        self._view.setObjectName("alertsView")
        self._view.setModel(self._model)
        setup_table(self._view)
        size_columns(
            self._view,
            (
                (Col.WHAT, 190),
                (Col.SUBJECT, 140),
                (Col.LEVEL, 80),
                (Col.STARTED, 76),
                (Col.ENDED, 76),
            ),
            default=120,
        )
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._view.customContextMenuRequested.connect(self._context_menu)
        self._view.activated.connect(lambda _index: self.acknowledge_selected())
        self.summary = QLabel()
        self.acknowledge_button = QPushButton(self.tr("&Acknowledge"))
        self.acknowledge_button.setToolTip(
            self.tr("Mark the selected alert as seen: it stays listed while active but no longer counts")
        )
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        self.acknowledge_action = QAction(self.tr("&Acknowledge"), self)
        self.acknowledge_action.triggered.connect(self.acknowledge_selected)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.summary, 1)
        top.addWidget(self.acknowledge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self._view, 1)
        self._view.selectionModel().selectionChanged.connect(lambda *_: self._sync_button())
        self.show_alerts([], None)

    @property
    def model(self) -> AlertsModel:
        return self._model

    @property
    def view(self) -> QTableView:
        return self._view

    def show_alerts(self, alerts: Sequence[Alert], tz: str | None) -> None:
        self._model.show_alerts(alerts, tz)
        nagging = sum(1 for a in alerts if a.nagging)
        active = sum(1 for a in alerts if a.active)
        if not alerts:
            text = self.tr("No alerts")
        else:
            text = self.tr("{active} active, {nagging} not acknowledged").format(
                active=active, nagging=nagging
            )
        self.summary.setText(text)
        self._sync_button()

    def selected(self) -> Alert | None:
        index = self._view.currentIndex()
        rows = self._view.selectionModel().selectedRows()
        row = rows[0].row() if rows else (index.row() if index.isValid() else -1)
        return self._model.alert_at(row)

    def select_alert(self, alert_id: int) -> bool:
        for row in range(self._model.rowCount()):
            alert = self._model.alert_at(row)
            if alert is not None and alert.id == alert_id:
                self._view.selectRow(row)
                return True
        return False

    def acknowledge_selected(self) -> None:
        alert = self.selected()
        if alert is not None and not alert.acknowledged:
            self.acknowledgeRequested.emit([alert.id])

    def _sync_button(self) -> None:
        alert = self.selected()
        can = alert is not None and not alert.acknowledged
        self.acknowledge_button.setEnabled(can)
        self.acknowledge_action.setEnabled(can)

    def _context_menu(self, pos: QPoint) -> None:
        index: QModelIndex = self._view.indexAt(pos)
        if not index.isValid():
            return
        self._view.selectRow(index.row())
        self._sync_button()
        menu = QMenu(self)
        menu.addAction(self.acknowledge_action)
        menu.popup(self._view.viewport().mapToGlobal(pos))
