"""Help → Diagnostics: the feed's counters and its last errors, for whoever is asked "is it the console?".

Refreshes twice a second while open; the error list is rebuilt only when it changed,
so a selection (to copy an excerpt) survives the refresh.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.widgets.source import FloorSource
from console.widgets.status import ago, centre_time, connection_text, live_extras

REFRESH_MS = 500

#: (key, label) of the counters shown, in order.
COUNTERS: tuple[tuple[str, str], ...] = (
    ("frames", "Frames received"),
    ("events", "Events received"),
    ("bad_frames", "Bad frames dropped"),
    ("protocol_errors", "Sequence errors (gaps, repeats) caught by the client"),
    ("sequence_errors", "Sequence errors on the console side"),
    ("reconnects", "Reconnects"),
    ("snapshots", "Snapshots loaded"),
    ("skipped", "Events naming something unknown (skipped)"),
)


class DiagnosticsDialog(QDialog):
    def __init__(self, feed: FloorSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._feed = feed
        self.setWindowTitle("Feed diagnostics")
        self.resize(820, 560)

        self.values: dict[str, QLabel] = {}
        conn = QFormLayout()
        for key, label in (
            ("connection", "Connection"),
            ("user", "Signed in as"),
            ("seq", "Last event seq"),
            ("clock", "Feed clock"),
            ("age", "Last frame"),
            ("rate", "Events per second"),
            ("last_error", "Last error"),
        ):
            self.values[key] = value = QLabel("—")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            conn.addRow(label, value)
        counts = QFormLayout()
        for key, label in COUNTERS:
            self.values[key] = value = QLabel("—")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            counts.addRow(label, value)
        conn_box = QGroupBox("Connection")
        conn_box.setLayout(conn)
        count_box = QGroupBox("Counters since the console started")
        count_box.setLayout(counts)
        top = QHBoxLayout()
        top.addWidget(conn_box, 3)
        top.addWidget(count_box, 2)

        self.errors = QTableWidget(0, 3)
        self.errors.setHorizontalHeaderLabels(["Time", "What happened", "Frame excerpt"])
        self.errors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.errors.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.errors.setAlternatingRowColors(True)
        self.errors.verticalHeader().hide()
        header = self.errors.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.errors.setColumnWidth(1, 360)
        error_box = QGroupBox("Last errors (newest first)")
        error_layout = QVBoxLayout(error_box)
        error_layout.addWidget(self.errors)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy report", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(error_box, 1)
        layout.addWidget(buttons)

        self._shown_errors: tuple[object, ...] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        self._timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()  # nothing to refresh while closed
        super().hideEvent(event)

    def counts(self) -> dict[str, int]:
        """The counters as shown (0 for those this feed does not keep)."""
        feed = self._feed
        live = live_extras(feed)
        status = live.status if live is not None else None
        out: dict[str, int] = {}
        for key, _ in COUNTERS:
            if key == "skipped":
                out[key] = feed.state.skipped
            elif key == "sequence_errors":
                out[key] = int(getattr(feed, "sequence_errors", 0))
            else:
                out[key] = int(getattr(status, key, 0) or 0)
        return out

    def refresh(self) -> None:
        feed = self._feed
        live = live_extras(feed)
        v = self.values
        for key, n in self.counts().items():
            v[key].setText(f"{n:,}")
        v["seq"].setText(f"{feed.state.seq:,}")
        v["clock"].setText(centre_time(feed, feed.feed_clock_ms()))
        if live is None:
            v["connection"].setText("Local floor (no feed connection)")
            return
        status = live.status
        v["connection"].setText(connection_text(status)[0])
        v["user"].setText(" · ".join(x for x in (status.user, status.role) if x) or "not signed in")
        age = live.last_frame_age_s()
        v["age"].setText("none yet" if age is None else f"{ago(age)} ago")
        v["rate"].setText(f"{live.events_per_second():.1f}")
        v["last_error"].setText(status.last_error or "none")
        errors = tuple(status.recent_errors)
        if errors != self._shown_errors:
            self._shown_errors = errors
            self._fill_errors(errors)

    def _fill_errors(self, errors: tuple[object, ...]) -> None:
        self.errors.setRowCount(len(errors))
        for row, err in enumerate(reversed(errors)):
            at, message, excerpt = _error_fields(err)
            stamp = time.strftime("%H:%M:%S", time.localtime(at)) if at else ""
            for col, text in enumerate((stamp, message, excerpt)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.errors.setItem(row, col, item)

    def report(self) -> str:
        """Everything shown, as plain text (for a support ticket)."""
        lines = [f"{label}: {self.values[key].text()}" for key, label in COUNTERS]
        for key in ("connection", "user", "seq", "clock", "age", "rate", "last_error"):
            lines.append(f"{key}: {self.values[key].text()}")
        for row in range(self.errors.rowCount()):
            cells = [self.errors.item(row, c) for c in range(3)]
            lines.append(" | ".join(c.text() if c is not None else "" for c in cells))
        return "\n".join(lines)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report())


def _error_fields(err: object) -> tuple[float, str, str]:
    """(wall-clock time, message, excerpt) of a FeedError, or of a plain (t, message, excerpt) tuple."""
    if isinstance(err, tuple):
        t, message, excerpt = (*err, "", "", "")[:3]
        return float(t or 0), str(message), str(excerpt)
    return (
        float(getattr(err, "at", 0) or 0),
        str(getattr(err, "message", err)),
        str(getattr(err, "frame", getattr(err, "excerpt", ""))),
    )
