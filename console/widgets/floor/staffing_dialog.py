"""Staffing advice: every queue's inputs, needed agents and predictions, the next hour, and what-if moves.

The figures are ``console.domain.staffing``'s (the rules and their tests are there); this dialog
shows them and, for a manager, moves agents between queues with ``agent.set_queues``. Opened
from View ▸ Staffing advice… or by a double-click on a queue's "Needed (gap)" cell. It is
recomputed when opened, every ``REFRESH_MS`` while open, when the what-if changes and when an
earlier day arrives.

The next hour follows today's last hour and, where the gateway's store holds them, the same
weekday's history: ``HISTORY_DAYS`` earlier days ``history_step_days`` apart (7: the same weekday
of the last four weeks), asked through the window's ``HistoryCache`` and passed through
``past_days`` into ``forecast``. The note says which days it used.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.application.commands import Commands
from console.application.floor_source import FloorSource
from console.application.history_cache import SAME_WEEKDAY_DAYS, HistoryCache, business_day, days_back
from console.application.messages import MessageBridge
from console.domain.actions import ActionName
from console.domain.history import DayReport
from console.domain.staffing import (
    ForecastInterval,
    Model,
    Move,
    PastDay,
    QueueAdvice,
    advise,
    forecast,
    movable_agents,
    moved_skills,
    past_days,
    reason_text,
    what_if,
)
from console.domain.state import FloorState
from console.feeds.client.feed_client import AckItem
from console.widgets.common.fmt import agent_label, day_label, duration, percent, signed
from console.widgets.common.texts import refusal_text, translated

#: While open, the advice is recomputed this often (wall ms); its inputs move slowly.
REFRESH_MS = 10_000
#: Earlier days the next hour's forecast asks for (the same weekday of the last four weeks).
HISTORY_DAYS = 4
#: Their width of interval: the forecast's own.
HISTORY_INTERVAL_MIN = 15
DASH = "—"


def _pct(fraction: float | None) -> str:
    return percent(None if fraction is None else 100.0 * fraction)


def _num(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


class StaffingDialog(QDialog):
    """The staffing advice of every queue, the next hour, and what-if moves."""

    def __init__(
        self,
        source: FloorSource,
        commands: Commands,
        messages: MessageBridge,
        parent: QWidget | None = None,
        *,
        history: HistoryCache | None = None,
        history_step_days: int = SAME_WEEKDAY_DAYS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("staffingDialog")
        self._history = history
        self.history_step_days = history_step_days
        self.history_used: list[DayReport] = []  # the earlier days the last forecast used
        self.history_wanted: list[str] = []  # the days it asks for
        self.ahead: dict[str, list[ForecastInterval]] = {}  # the next hour, as shown
        self.setWindowTitle(self.tr("Staffing advice"))
        self._source = source
        self._commands = commands
        self._messages = messages
        self.advice: dict[str, QueueAdvice] = {}
        self.preview: dict[str, QueueAdvice] = {}  # the what-if's advice of the queues it touches

        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.forecast_note = QLabel(self)
        self.forecast_note.setObjectName("forecastNote")
        self.forecast_note.setWordWrap(True)
        self.table = QTableWidget(0, 12, self)
        self.table.setObjectName("staffingTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Queue"),
                self.tr("Arrivals\nper hour"),
                self.tr("Trend\nper hour"),
                self.tr("Handle\ntime"),
                self.tr("Patience"),
                self.tr("Serving\nnow"),
                self.tr("Needed"),
                self.tr("Gap"),
                self.tr("SL\npredicted"),
                self.tr("ASA\npredicted"),
                self.tr("Abandon\npredicted"),
                self.tr("Needed, next\nfour 15 min"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)

        box = QGroupBox(self.tr("What if agents move?"), self)
        self.from_queue = QComboBox(box)
        self.from_queue.setObjectName("whatIfFrom")
        self.to_queue = QComboBox(box)
        self.to_queue.setObjectName("whatIfTo")
        self.count = QSpinBox(box)
        self.count.setObjectName("whatIfCount")
        self.count.setRange(0, 0)
        # Who moves: the agents a move could take (serving the first queue, not skilled for the
        # second; fewest skills first), the first ``count`` ticked; tick others to choose them.
        self.agents_list = QListWidget(box)
        self.agents_list.setObjectName("whatIfAgents")
        self.agents_list.setMaximumHeight(110)
        self.what_if_text = QLabel(box)
        self.what_if_text.setObjectName("whatIfResult")
        self.what_if_text.setWordWrap(True)
        self.what_if_text.setTextFormat(Qt.TextFormat.PlainText)
        self.move_button = QPushButton(self.tr("Move these agents…"), box)
        self.move_button.setObjectName("whatIfMove")
        form = QFormLayout()
        form.addRow(self.tr("From queue:"), self.from_queue)
        form.addRow(self.tr("To queue:"), self.to_queue)
        form.addRow(self.tr("Agents:"), self.count)
        form.addRow(self.tr("Who:"), self.agents_list)
        inner = QVBoxLayout(box)
        inner.addLayout(form)
        inner.addWidget(self.what_if_text)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.move_button)
        inner.addLayout(row)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.forecast_note)
        layout.addWidget(box)
        layout.addWidget(buttons)
        self.resize(1100, 640)

        self.from_queue.currentIndexChanged.connect(self._on_from_changed)
        self.to_queue.currentIndexChanged.connect(self._on_what_if_changed)
        self.count.valueChanged.connect(self._on_count_changed)
        self.agents_list.itemChanged.connect(self._on_checks_changed)
        self.move_button.clicked.connect(self._move)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    # -- the advice --------------------------------------------------------------------

    def focus_queue(self, queue_id: str) -> None:
        """Select ``queue_id``'s row and make it the what-if's "from" queue."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == queue_id:
                self.table.selectRow(row)
        index = self.from_queue.findData(queue_id)
        if index >= 0:
            self.from_queue.setCurrentIndex(index)

    def refresh(self) -> None:
        state = self._source.state
        now = self._source.feed_clock_ms()
        if now is None or not state.queues:
            self.note.setText(self.tr("No figures yet: the feed has not started."))
            self.table.setRowCount(0)
            return
        advice = advise(state, now)
        self.advice = {a.queue_id: a for a in advice}
        ahead = self.ahead = forecast(state, now, self._past(state, now))
        self.note.setText(
            self.tr(
                "Needed: the fewest agents for which Erlang A (Erlang C where nobody abandoned today)"
                " predicts the queue's service-level target, from the arrivals of the last 30"
                " minutes, today's handle time (talk and wrap-up) and the callers' patience"
                " (today's waiting time over today's abandons). Serving now: agents available, on a"
                " call or in wrap-up; an agent serving several queues counts in each in proportion"
                " to the queues' workload. Predictions are for the rest of this interval with the"
                " agents serving now."
            )
        )
        self.table.setRowCount(len(advice))
        for row, a in enumerate(advice):
            i = a.inputs
            if a.needed is None:
                needed = DASH
                needed_tip = translated(reason_text(a.reason)) if a.reason else ""
            else:
                needed, needed_tip = str(a.needed), ""
            later = ahead.get(a.queue_id, [])
            cells = [
                a.name,
                _num(i.arrivals_per_hour),
                DASH if i.trend_per_hour is None else signed(round(i.trend_per_hour)),
                duration(i.aht_s),
                duration(i.patience_s) if i.patience_s is not None else self.tr("nobody abandoned"),
                self.tr("{share} of {agents}").format(share=_num(a.staffed), agents=a.staffed_agents),
                needed,
                DASH if a.gap is None else signed(a.gap),
                _pct(a.predicted_sl),
                duration(a.predicted_asa_s),
                _pct(a.predicted_abandon),
                " · ".join(DASH if f.needed is None else str(f.needed) for f in later),
            ]
            model = "Erlang A" if a.model is Model.ERLANG_A else "Erlang C"
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, a.queue_id)
                    item.setToolTip(self.tr("Model: {model}").format(model=model))
                if col == 6 and needed_tip:
                    item.setToolTip(needed_tip)
                if col == 8 and a.prediction_reason is not None:
                    item.setToolTip(translated(reason_text(a.prediction_reason)))
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self._fill_queues()
        self._on_what_if_changed()

    def _past(self, state: FloorState, now: int) -> dict[str, list[PastDay]] | None:
        """The held earlier days for the forecast (asking for the others), and the note saying so."""
        self.history_used = []
        self.history_wanted = []
        if self._history is not None and state.centre.day_started_at is not None:
            today = business_day(state, now)
            self.history_wanted = days_back(today, self.history_step_days, HISTORY_DAYS)
            self._history.want(self.history_wanted, HISTORY_INTERVAL_MIN)
            for day in self.history_wanted:
                report = self._history.report(day, HISTORY_INTERVAL_MIN)
                if report is not None:
                    self.history_used.append(report)
        if not self.history_used:
            self.forecast_note.setText(self.tr("Next hour: from today's last hour only."))
            self.forecast_note.setToolTip("")
            return None
        days = ", ".join(day_label(date.fromisoformat(r.day)) for r in self.history_used)
        if self.history_step_days == SAME_WEEKDAY_DAYS:
            text = self.tr("Next hour: from today's last hour and the same weekday in earlier weeks: {days}.")
        else:
            text = self.tr("Next hour: from today's last hour and earlier days: {days}.")
        self.forecast_note.setText(text.format(days=days))
        self.forecast_note.setToolTip(
            self.tr("Earlier days the gateway does not hold are left out; none: today's pattern alone.")
        )
        return past_days(self.history_used)

    def history_arrived(self, day: str, interval_min: int) -> None:
        """An earlier day arrived (or was refused): recompute if the forecast asked for it."""
        if interval_min == HISTORY_INTERVAL_MIN and day in self.history_wanted and self.isVisible():
            self.refresh()

    # -- what if -----------------------------------------------------------------------

    def _fill_queues(self) -> None:
        state = self._source.state
        for combo in (self.from_queue, self.to_queue):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for q in state.queues.values():
                combo.addItem(q.name, q.id)
            index = combo.findData(chosen)
            combo.setCurrentIndex(index if index >= 0 else 0)
            combo.blockSignals(False)
        if self.to_queue.currentData() == self.from_queue.currentData() and self.to_queue.count() > 1:
            self.to_queue.setCurrentIndex(1 if self.from_queue.currentIndex() == 0 else 0)
        self._set_range()

    def _set_range(self) -> None:
        """The agents the move could take, listed (ticks kept for those still there); the count."""
        movable = self._movable()
        listed = [self._id_at(row) for row in range(self.agents_list.count())]
        if listed != movable:
            ticked = set(self.checked_agents())
            state = self._source.state
            self.agents_list.blockSignals(True)
            self.agents_list.clear()
            for aid in movable:
                agent = state.agents.get(aid)
                item = QListWidgetItem(agent_label(agent.name if agent else None, aid))
                item.setData(Qt.ItemDataRole.UserRole, aid)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if aid in ticked else Qt.CheckState.Unchecked)
                self.agents_list.addItem(item)
            if movable and not ticked & set(movable):
                first = self.agents_list.item(0)
                if first is not None:
                    first.setCheckState(Qt.CheckState.Checked)
            self.agents_list.blockSignals(False)
        self.count.blockSignals(True)
        self.count.setRange(0, len(movable))
        self.count.setValue(len(self.checked_agents()))
        self.count.blockSignals(False)

    def _id_at(self, row: int) -> str | None:
        item = self.agents_list.item(row)
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, str) else None

    def checked_agents(self) -> list[str]:
        """The agents ticked to move, in the list's order."""
        out = []
        for row in range(self.agents_list.count()):
            item = self.agents_list.item(row)
            aid = self._id_at(row)
            if item is not None and aid is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(aid)
        return out

    def _on_count_changed(self, n: int) -> None:
        """A number of agents: the first ``n`` the move would pick are ticked."""
        self.agents_list.blockSignals(True)
        for row in range(self.agents_list.count()):
            item = self.agents_list.item(row)
            if item is not None:
                item.setCheckState(Qt.CheckState.Checked if row < n else Qt.CheckState.Unchecked)
        self.agents_list.blockSignals(False)
        self._on_what_if_changed()

    def _on_checks_changed(self, *_: object) -> None:
        self._on_what_if_changed()

    def _movable(self) -> list[str]:
        frm, to = self.from_queue.currentData(), self.to_queue.currentData()
        if not isinstance(frm, str) or not isinstance(to, str) or frm == to:
            return []
        return movable_agents(self._source.state, frm, to)

    def _on_from_changed(self) -> None:
        if self.to_queue.currentData() == self.from_queue.currentData() and self.to_queue.count() > 1:
            self.to_queue.blockSignals(True)  # another queue to give to: never a move to itself
            self.to_queue.setCurrentIndex(1 if self.from_queue.currentIndex() == 0 else 0)
            self.to_queue.blockSignals(False)
        self._set_range()
        self._on_what_if_changed()

    def chosen_move(self) -> Move | None:
        frm, to, agents = self.from_queue.currentData(), self.to_queue.currentData(), self.checked_agents()
        if not isinstance(frm, str) or not isinstance(to, str) or frm == to or not agents:
            return None
        return Move(from_queue=frm, to_queue=to, agents=tuple(agents))

    def _on_what_if_changed(self) -> None:
        self._set_range()
        move = self.chosen_move()
        now = self._source.feed_clock_ms()
        may = self._commands.may(ActionName.SET_AGENT_QUEUES)
        self.move_button.setEnabled(move is not None and may)
        self.move_button.setToolTip(
            "" if may else self.tr("Moving agents between queues is for managers and administrators")
        )
        if move is None or now is None:
            self.preview = {}
            self.what_if_text.setText(self.tr("Choose two queues and how many agents move."))
            return
        try:
            self.preview = what_if(self._source.state, now, [move])
        except ValueError as exc:
            self.preview = {}
            self.what_if_text.setText(str(exc))
            return
        lines = []
        for qid in (move.from_queue, move.to_queue):
            before, after = self.advice.get(qid), self.preview.get(qid)
            if before is None or after is None:
                continue
            lines.append(
                self.tr(
                    "{queue}: serving {before_staff} → {after_staff}, gap {before_gap} → {after_gap},"
                    " SL {before_sl} → {after_sl}, ASA {before_asa} → {after_asa}"
                ).format(
                    queue=after.name,
                    before_staff=_num(before.staffed),
                    after_staff=_num(after.staffed),
                    before_gap=DASH if before.gap is None else signed(before.gap),
                    after_gap=DASH if after.gap is None else signed(after.gap),
                    before_sl=_pct(before.predicted_sl),
                    after_sl=_pct(after.predicted_sl),
                    before_asa=duration(before.predicted_asa_s),
                    after_asa=duration(after.predicted_asa_s),
                )
            )
        others = len(self.preview) - len(lines)
        if others > 0:
            lines.append(
                self.tr("{n} other queues the moved agents also serve are recounted too.").format(n=others)
            )
        self.what_if_text.setText("\n".join(lines))

    def _move(self) -> None:
        move = self.chosen_move()
        if move is None or isinstance(move.agents, int):
            return
        state = self._source.state
        names = [agent_label(state.agents[a].name, a) for a in move.agents if a in state.agents]
        answer = QMessageBox.question(
            self,
            self.tr("Move agents"),
            self.tr("Move {n} agents from {source} to {target}?\n\n{names}").format(
                n=len(names),
                source=self.from_queue.currentText(),
                target=self.to_queue.currentText(),
                names=", ".join(names),
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        skills = moved_skills(state, [move])
        self.send_move({aid: skills[aid] for aid in move.agents})

    def send_move(self, queues: dict[str, list[str]]) -> str | None:
        """Send ``agent.set_queues`` for ``queues`` (agent id → its queues); the answer to the status bar."""

        def done(ack: AckItem) -> None:
            if ack.ok:
                self._messages.show(self.tr("{n} agents now serve their new queues").format(n=len(queues)))
                self.refresh()
            else:
                self._messages.show(
                    self.tr("Agents not moved: {why}").format(
                        why=refusal_text(ack.error_code, ack.error_message)
                    )
                )

        return self._commands.set_agent_queues(queues, on_ack=done)
