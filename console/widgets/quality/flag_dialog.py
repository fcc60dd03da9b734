"""Flag a call for quality review: the call's summary, a category, a severity, a note and a moment.

The dialog flags one call, in progress (from the floor state) or completed
today (from the call history's ``calls.query``). It sends ``call.flag`` itself
(``Commands.flag_call``, through the live feed: never on the GUI thread, the
ack comes back as a callback) and stays open until the gateway answers: on
success it closes and says which flag was made (``flagged``), on a refusal it
shows the gateway's own words and lets the user correct and send again.

The note is held to ``FLAG_NOTE_MAX`` characters as it is typed (a counter
shows how many are left; a longer paste is cut, and the dialog says so), and
checked with the domain's ``check_note`` before anything is sent. The moment is
``mm:ss`` from the call's start, optional, and no later than the call's end (for
a call in progress: now, on the feed clock).
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from console.application.commands import Commands
from console.application.floor_source import FloorSource
from console.domain.businessday import moment_text, parse_moment
from console.domain.clock import seconds_between, to_ms
from console.domain.entities import FLAG_NOTE_MAX, FlagCategory, FlagSeverity
from console.domain.figures.queues import Level
from console.domain.flags import FlagRuleError, check_note
from console.widgets.common.fmt import DASH, LEVEL_COLORS, agent_label, clock_time, duration
from console.widgets.common.texts import category_label, severity_label, translated
from console.widgets.quality.common import (
    CallSummary,
    ack_error,
)


class FlagDialog(QDialog):
    """Flag one call; sends ``call.flag`` and shows the answer."""

    flagged = Signal(str, str)  # flag id, call id

    def __init__(
        self,
        source: FloorSource,
        call: CallSummary,
        parent: QWidget | None = None,
        *,
        commands: Commands | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("flagDialog")
        self.setWindowTitle(self.tr("Flag call {call}").format(call=call.call_id))
        self._source = source
        self._commands = commands or Commands(source)
        self.call = call
        self.flag_id: str | None = None
        self.sending = False
        self.last_error = ""
        state = source.state

        # -- the call ----------------------------------------------------------------
        queue = state.queues.get(call.queue_id)
        agent = state.agents.get(call.agent_id) if call.agent_id else None
        tz = state.centre.timezone
        self.summary = QGroupBox(self.tr("Call"), self)
        summary = QFormLayout(self.summary)
        shown = {
            "call": call.call_id,
            "time": clock_time(to_ms(call.entered_at), tz),
            "queue": queue.name if queue is not None else call.queue_id,
            "agent": agent_label(agent.name if agent else None, call.agent_id) if call.agent_id else DASH,
            "duration": duration(call.duration_s),
            "wait": duration(call.wait_s),
            "outcome": call.outcome,
            "caller": call.caller,
        }
        self.summary_values: dict[str, QLabel] = {}
        for key, title in (
            ("call", self.tr("Call")),
            ("time", self.tr("Started")),
            ("queue", self.tr("Queue")),
            ("agent", self.tr("Agent")),
            ("duration", self.tr("Duration")),
            ("wait", self.tr("Wait")),
            ("outcome", self.tr("Outcome")),
            ("caller", self.tr("Caller (masked)")),
        ):
            value = QLabel(shown[key], self.summary)
            value.setObjectName(f"flagCall_{key}")
            self.summary_values[key] = value
            summary.addRow(title, value)

        # -- the flag ----------------------------------------------------------------
        self.category_combo = QComboBox(self)
        self.category_combo.setObjectName("flagCategory")
        for c in FlagCategory:
            self.category_combo.addItem(category_label(c), c.value)
        self.category_combo.setPlaceholderText(self.tr("Choose a category"))
        self.category_combo.setCurrentIndex(-1)  # a deliberate choice, never a default
        self.severity_combo = QComboBox(self)
        self.severity_combo.setObjectName("flagSeverity")
        for s in FlagSeverity:
            self.severity_combo.addItem(severity_label(s), s.value)
        self.severity_combo.setCurrentIndex(self.severity_combo.findData(FlagSeverity.MEDIUM.value))
        self.moment_edit = QLineEdit(self)
        self.moment_edit.setObjectName("flagMoment")
        self.moment_edit.setPlaceholderText(self.tr("mm:ss from the call's start (optional)"))
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("flagNote")
        self.note_edit.setPlaceholderText(self.tr("What happened, and where in the call"))
        self.note_edit.setTabChangesFocus(True)
        self.counter = QLabel(self)
        self.counter.setObjectName("flagNoteCounter")
        self.privacy = QLabel(
            self.tr("Numbers of 7 or more digits in the note are masked when it is saved."), self
        )
        self.privacy.setObjectName("flagPrivacy")
        self.privacy.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Category"), self.category_combo)
        form.addRow(self.tr("&Severity"), self.severity_combo)
        form.addRow(self.tr("&Moment"), self.moment_edit)
        form.addRow(self.tr("&Note"), self.note_edit)
        form.addRow("", self.counter)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("flagError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {LEVEL_COLORS[Level.CRITICAL].name()};")
        self.error_label.hide()

        self.buttons = QDialogButtonBox(self)
        self.flag_button = self.buttons.addButton(
            self.tr("Flag call"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.flag_button.setObjectName("flagSend")
        self.flag_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.privacy)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(520, 560)

        self._cut = False
        self.note_edit.textChanged.connect(self._note_changed)
        self.category_combo.currentIndexChanged.connect(lambda _i: self._refresh())
        self.moment_edit.textChanged.connect(lambda _t: self._refresh())
        self._note_changed()

    # -- input -----------------------------------------------------------------------

    def set_category(self, category: FlagCategory) -> None:
        self.category_combo.setCurrentIndex(self.category_combo.findData(category.value))

    def set_severity(self, severity: FlagSeverity) -> None:
        self.severity_combo.setCurrentIndex(self.severity_combo.findData(severity.value))

    def _note_changed(self) -> None:
        """Keep the note within FLAG_NOTE_MAX characters and say how many are left."""
        text = self.note_edit.toPlainText()
        if len(text) > FLAG_NOTE_MAX:
            pos = min(self.note_edit.textCursor().position(), FLAG_NOTE_MAX)
            self.note_edit.blockSignals(True)
            self.note_edit.setPlainText(text[:FLAG_NOTE_MAX])
            cursor = self.note_edit.textCursor()
            cursor.setPosition(pos, QTextCursor.MoveMode.MoveAnchor)
            self.note_edit.setTextCursor(cursor)
            self.note_edit.blockSignals(False)
            self._cut = True
            text = text[:FLAG_NOTE_MAX]
        elif len(text) < FLAG_NOTE_MAX:
            self._cut = False
        if self._cut:
            self.counter.setText(
                self.tr(
                    "{n} / {max} characters: a note is at most {max} characters; the rest was cut"
                ).format(n=f"{len(text):,}", max=f"{FLAG_NOTE_MAX:,}")
            )
        else:
            self.counter.setText(
                self.tr("{n} / {max} characters").format(n=f"{len(text):,}", max=f"{FLAG_NOTE_MAX:,}")
            )
        self._refresh()

    def _limit_s(self) -> float | None:
        """The latest moment allowed: the call's end, or now for a call in progress."""
        if not self.call.live:
            return self.call.duration_s
        now = self._source.state.at
        return max(0.0, seconds_between(self.call.entered_at, now)) if now else None

    def problem(self) -> str:
        """What stops the flag from being sent, in words; empty when it can go."""
        if self.category_combo.currentIndex() < 0:
            return self.tr("Choose a category")
        try:
            check_note(self.note_edit.toPlainText())
        except FlagRuleError as exc:
            return translated(exc.text)
        try:
            moment = parse_moment(self.moment_edit.text())
        except ValueError:
            return self.tr("The moment is minutes and seconds from the call's start, e.g. 01:35")
        limit = self._limit_s()
        if moment is not None and limit is not None and moment > limit:
            return self.tr("The moment {moment} is past the end of the call ({end})").format(
                moment=moment_text(moment), end=moment_text(limit)
            )
        return ""

    def _refresh(self) -> None:
        problem = self.problem()
        self.flag_button.setEnabled(not self.sending and not problem)
        self.flag_button.setToolTip(problem)

    # -- sending ---------------------------------------------------------------------

    def submit(self) -> str | None:
        """Send ``call.flag``; the dialog closes when the gateway has made the flag."""
        if self.sending:
            return None
        problem = self.problem()
        if problem:
            self._show_error(problem)
            return None
        if self._commands.sender is None:
            self._show_error(self.tr("Not connected to a gateway: nothing was sent"))
            return None
        self.sending = True
        self.error_label.hide()
        self.flag_button.setText(self.tr("Flagging…"))
        self._refresh()
        note = self.note_edit.toPlainText()
        return self._commands.flag_call(
            self.call.call_id,
            FlagCategory(self.category_combo.currentData()),
            FlagSeverity(self.severity_combo.currentData()),
            note=note if note.strip() else "",  # a blank note is no note
            moment_s=parse_moment(self.moment_edit.text()),
            on_ack=self._acked,
        )

    def _acked(self, ack: Any) -> None:
        if not shiboken6.isValid(self):  # closed and deleted before the answer came
            return
        self.sending = False
        self.flag_button.setText(self.tr("Flag call"))
        if ack.ok:
            result = ack.result if isinstance(ack.result, dict) else {}
            self.flag_id = str(result.get("flag_id", ""))
            self.flagged.emit(self.flag_id, self.call.call_id)
            self.accept()
            return
        self._show_error(self.tr("Not flagged: {why}").format(why=ack_error(ack)))
        self._refresh()

    def _show_error(self, text: str) -> None:
        self.last_error = text
        self.error_label.setText(text)
        self.error_label.show()
