"""Drill-down on one agent: today's timeline (states with reasons, calls, cases, flags).

The console holds only the live floor, so the day's history comes from the
gateway: the dialog asks ``agent.timeline`` through the command sink when it
opens (the answer comes back as an ack callback on the GUI thread; the network
is never touched here) and ``console.domain.timeline`` turns the answer into
spells and items. From then on it follows the floor: the open spell runs to the
feed clock's *now* and grows every tick, and a state the agent enters later is
added without asking again (Refresh asks afresh, for calls and cases since).

The band on top draws the day from its start to now: states coloured as on the
agent board, calls as bars below them, case changes and flags as ticks; the
table lists every item with start, end and duration.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.application.commands import Commands
from console.application.floor_source import FloorSource
from console.application.messages import MessageBridge
from console.domain.actions import ActionName
from console.domain.changes import ChangeSet
from console.domain.entities import AgentState, FlagCategory
from console.domain.timeline import AgentDay, Item, ItemKind, agent_day, follow_floor
from console.widgets.common.fmt import (
    DASH,
    STATE_COLORS,
    agent_label,
    case_status_label,
    clock_time,
    duration,
    reason_label,
    state_label,
)
from console.widgets.common.rowsync import setup_table, size_columns
from console.widgets.common.texts import category_label, refusal_text

_CALL_COLOUR = QColor("#0f766e")
_CASE_COLOUR = QColor("#b45309")
_FLAG_COLOURS = {"high": QColor("#dc2626"), "medium": QColor("#ea580c"), "low": QColor("#ca8a04")}


class TimelineBand(QWidget):
    """Lanes over the day: states, calls, cases, flags (a picture; the table says it in words)."""

    LANE = 18
    GAP = 4
    LEFT = 70

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agentTimelineBand")
        self.day: AgentDay | None = None
        self.now_ms = 0
        self.tz: str | None = None
        self.setMinimumHeight(self._height())
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def _height(self) -> int:
        return 4 * (self.LANE + self.GAP) + 20

    def show_day(self, day: AgentDay | None, now_ms: int, tz: str | None) -> None:
        self.day, self.now_ms, self.tz = day, now_ms, tz
        self.update()

    def x_of(self, ms: int) -> float:
        """Where ``ms`` lies across the band (the day's start on the left, now on the right)."""
        assert self.day is not None
        start, end = self.day.span(self.now_ms)
        width = max(1, self.width() - self.LEFT - 8)
        return self.LEFT + (min(max(ms, start), end) - start) * width / (end - start)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        text_pen = QPen(self.palette().windowText().color())
        lanes = (self.tr("States"), self.tr("Calls"), self.tr("Cases"), self.tr("Flags"))
        for i, name in enumerate(lanes):
            painter.setPen(text_pen)
            painter.drawText(
                QRectF(2, i * (self.LANE + self.GAP), self.LEFT - 6, self.LANE),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                name,
            )
        day = self.day
        if day is None:
            return
        painter.setPen(Qt.PenStyle.NoPen)
        for s in day.spells:
            self._bar(
                painter, 0, s.start_ms, s.end_at(self.now_ms), STATE_COLORS.get(s.state, QColor("gray"))
            )
        for c in day.calls:
            self._bar(painter, 1, c.start_ms, c.end_ms or self.now_ms, _CALL_COLOUR)
        for k in day.cases:
            self._tick(painter, 2, k.start_ms, _CASE_COLOUR)
        for f in day.flags:
            self._tick(painter, 3, f.start_ms, _FLAG_COLOURS.get(f.severity or "", QColor("#dc2626")))
        # The hours along the bottom, on the centre's clock.
        start, end = day.span(self.now_ms)
        painter.setPen(text_pen)
        y = 4 * (self.LANE + self.GAP)
        hour = 3_600_000
        step = hour if end - start <= 12 * hour else 2 * hour
        t = (start // step + 1) * step
        while t < end:
            x = self.x_of(t)
            painter.drawLine(int(x), y - 2, int(x), y + 2)
            painter.drawText(
                QRectF(x - 30, y + 2, 60, 16), int(Qt.AlignmentFlag.AlignHCenter), clock_time(t, self.tz)[:5]
            )
            t += step

    def _bar(self, painter: QPainter, lane: int, start: int, end: int, colour: QColor) -> None:
        x0, x1 = self.x_of(start), self.x_of(end)
        painter.fillRect(
            QRectF(x0, lane * (self.LANE + self.GAP), max(1.0, x1 - x0), self.LANE), QBrush(colour)
        )

    def _tick(self, painter: QPainter, lane: int, at: int, colour: QColor) -> None:
        x = self.x_of(at)
        painter.fillRect(QRectF(x - 1.5, lane * (self.LANE + self.GAP), 3, self.LANE), QBrush(colour))


class TimelineModel(QAbstractTableModel):
    """The day's items, one row each: start, end, duration, what, detail."""

    COLUMNS = 5
    START, END, DURATION, WHAT, DETAIL = range(5)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: list[Item] = []
        self.now_ms = 0
        self.tz: str | None = None
        self._headers = (
            self.tr("Start"),
            self.tr("End"),
            self.tr("Duration"),
            self.tr("What"),
            self.tr("Detail"),
        )

    def set_items(self, items: list[Item], now_ms: int, tz: str | None) -> None:
        self.beginResetModel()
        self.items, self.now_ms, self.tz = items, now_ms, tz
        self.endResetModel()

    def tick(self, now_ms: int) -> None:
        """The feed clock moved: only the open items' end and duration change."""
        self.now_ms = now_ms
        for row, item in enumerate(self.items):
            if item.end_ms is None:
                self.dataChanged.emit(self.index(row, self.END), self.index(row, self.DURATION))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(item, column)
        if role == Qt.ItemDataRole.DecorationRole and column == self.WHAT and item.state is not None:
            return STATE_COLORS.get(item.state)
        return None

    def text(self, item: Item, column: int) -> str:
        if column == self.START:
            return clock_time(item.start_ms, self.tz)
        if column == self.END:
            if item.is_moment:
                return ""
            return clock_time(item.end_ms, self.tz) if item.end_ms is not None else self.tr("now")
        if column == self.DURATION:
            seconds = item.seconds(self.now_ms)
            return "" if seconds is None else duration(seconds)
        if column == self.WHAT:
            return self._what(item)
        return self._detail(item)

    def _what(self, item: Item) -> str:
        if item.kind is ItemKind.STATE and item.state is not None:
            return state_label(item.state)
        if item.kind is ItemKind.CALL:
            return self.tr("Call {call}").format(call=item.ref)
        if item.kind is ItemKind.CASE:
            return self.tr("Case {case}").format(case=item.ref)
        return self.tr("Flag {flag}").format(flag=item.ref)

    def _detail(self, item: Item) -> str:
        detail = item.detail or ""
        if item.kind is ItemKind.STATE:
            return reason_label(detail)
        if item.kind is ItemKind.CALL:
            return {"answered": self.tr("Answered"), "abandoned": self.tr("Abandoned")}.get(detail, detail)
        if item.kind is ItemKind.CASE:
            if detail == "assigned":
                return self.tr("Assigned to the agent")
            if detail == "unassigned":
                return self.tr("Taken from the agent")
            return self.tr("Status: {status}").format(status=case_status_label(detail)) if detail else DASH
        if not detail:
            return DASH
        try:
            return category_label(FlagCategory(detail))
        except ValueError:  # a category this console does not know (a newer gateway's)
            return detail.replace("_", " ").capitalize()


class AgentTimelineDialog(QDialog):
    """Today's timeline of one agent, asked of the gateway and kept up with the floor."""

    def __init__(
        self,
        source: FloorSource,
        agent_id: str,
        *,
        commands: Commands,
        messages: MessageBridge | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("agentTimelineDialog")
        self._source = source
        self._commands = commands
        self._messages = messages
        self.agent_id = agent_id
        self.day: AgentDay | None = None
        self.pending = False
        self.last_error = ""
        self._generation = 0
        self.setWindowTitle(self.tr("Today's timeline: {agent}").format(agent=self._agent_text()))
        self.resize(820, 520)

        self.heading = QLabel(self)
        self.heading.setObjectName("agentTimelineHeading")
        self.heading.setWordWrap(True)
        self.band = TimelineBand(self)
        self._model = TimelineModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("agentTimelineTable")
        self.view.setModel(self._model)
        setup_table(self.view)
        size_columns(self.view, ((0, 80), (1, 80), (2, 76), (3, 170), (4, 200)), default=100)
        self.status = QLabel(self)
        self.status.setObjectName("agentTimelineStatus")
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("&Refresh"), self)
        self.refresh_button.clicked.connect(self.ask)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.refresh_button)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.band)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

        source.clockTicked.connect(self._tick)
        source.floorUpdated.connect(self._on_floor_updated)
        self._show()

    # -- public ------------------------------------------------------------------------

    @property
    def model(self) -> TimelineModel:
        return self._model

    def now_ms(self) -> int:
        return self._source.feed_clock_ms() or 0

    def ask(self) -> str | None:
        """Ask the gateway for the agent's day (the answer comes back on the GUI thread)."""
        if not self._commands.may(ActionName.AGENT_TIMELINE):
            self._error(self.tr("Your role may not see agents' timelines"))
            return None
        if self._commands.sender is None:
            self._error(self.tr("Not connected to a gateway: nothing was asked"))
            return None
        self._generation += 1
        generation = self._generation
        self.pending = True
        self.last_error = ""
        self._show()
        return self._commands.agent_timeline(
            self.agent_id, on_ack=lambda ack: self._answered(ack, generation)
        )

    # -- internals ----------------------------------------------------------------------

    def _agent_text(self) -> str:
        agent = self._source.state.agents.get(self.agent_id)
        return agent_label(agent.name if agent is not None else None, self.agent_id)

    def _answered(self, ack: Any, generation: int) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return  # closed, or asked again meanwhile
        self.pending = False
        if not ack.ok:
            why = refusal_text(getattr(ack, "error_code", None), getattr(ack, "error_message", None))
            self._error(self.tr("The agent's timeline was not read: {why}").format(why=why))
            return
        result = ack.result if isinstance(ack.result, dict) else {}
        self.day = self._with_floor(agent_day(result, self.agent_id))
        self._model.set_items(self.day.items(), self.now_ms(), self._tz())
        self._show()

    def _with_floor(self, day: AgentDay) -> AgentDay:
        agent = self._source.state.agents.get(self.agent_id)
        if agent is None:
            return day
        return follow_floor(day, agent.state, agent.reason, agent.state_since)

    def _on_floor_updated(self, changes: ChangeSet) -> None:
        if self.day is None:
            return
        day = self._with_floor(self.day)
        if day is not self.day:
            self.day = day
            self._model.set_items(day.items(), self.now_ms(), self._tz())
            self._show()

    def _tick(self) -> None:
        self._model.tick(self.now_ms())
        self._show()

    def _tz(self) -> str | None:
        return self._source.state.centre.timezone

    def _error(self, text: str) -> None:
        self.last_error = text
        self.pending = False
        if self._messages is not None:
            self._messages.show(text)
        self._show()

    def _show(self) -> None:
        now = self.now_ms()
        self.band.show_day(self.day, now, self._tz())
        self.refresh_button.setEnabled(not self.pending)
        day = self.day
        if day is None:
            self.heading.setText(self._agent_text())
        else:
            totals = day.totals(now)
            parts = [
                self.tr("{state} {time}").format(state=state_label(s), time=duration(totals[s]))
                for s in AgentState
                if s in totals
            ]
            self.heading.setText(
                self.tr("{agent}: {calls} calls, {cases} case changes, {flags} flags today. {totals}").format(
                    agent=self._agent_text(),
                    calls=len(day.calls),
                    cases=len(day.cases),
                    flags=len(day.flags),
                    totals=" · ".join(parts),
                )
            )
        if self.pending:
            self.status.setText(self.tr("Asking the gateway…"))
        elif self.last_error:
            self.status.setText(self.last_error)
        elif day is not None and day.capped:
            self.status.setText(
                self.tr(
                    "Only the latest rows are shown: the day has more {kinds} than one answer holds"
                ).format(kinds=", ".join(self._kind_name(k) for k in sorted(day.capped)))
            )
        else:
            self.status.setText("")

    def _kind_name(self, kind: str) -> str:
        names = {
            "states": self.tr("states"),
            "calls": self.tr("calls"),
            "cases": self.tr("case changes"),
            "flags": self.tr("flags"),
        }
        return names.get(kind, kind)


class AgentTimelines(QObject):
    """Opens the drill-down for an agent (one dialog per agent; opening it again raises it)."""

    def __init__(
        self,
        source: FloorSource,
        window: QWidget,
        *,
        commands: Commands,
        messages: MessageBridge | None = None,
    ) -> None:
        super().__init__(window)
        self._source = source
        self._window = window
        self._commands = commands
        self._messages = messages
        self.dialogs: dict[str, AgentTimelineDialog] = {}

    def open(self, agent_id: str) -> AgentTimelineDialog:
        dialog = self.dialogs.get(agent_id)
        if dialog is None or not shiboken6.isValid(dialog):
            dialog = AgentTimelineDialog(
                self._source, agent_id, commands=self._commands, messages=self._messages, parent=self._window
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialogs[agent_id] = dialog
            dialog.destroyed.connect(lambda *_: self.dialogs.pop(agent_id, None))
            dialog.ask()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog
