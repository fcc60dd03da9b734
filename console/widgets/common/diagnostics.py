"""Help → Diagnostics: the feed's counters and its last errors, for whoever is asked "is it the console?".

Refreshes twice a second while open. The last errors are a table model
(``ErrorsModel``, keyed rows: a new error is one inserted row, the rest stay
put), so a selection (to copy an excerpt) survives the refresh. Every word
shown goes through Qt's translation; the error messages come from the feed
client (no Qt there) as ``console.domain.texts.Text`` and are translated here.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.application.floor_source import FloorSource
from console.application.live import LastFailure
from console.domain.texts import Text
from console.widgets.common.fmt import role_label
from console.widgets.common.rowsync import Cell, CellTableModel, setup_table
from console.widgets.common.status_bar import ago, centre_time, connection_text, live_extras, wall_time
from console.widgets.common.texts import translated

REFRESH_MS = 500

#: Keys of the counters shown, in order (labels: ``counter_label``).
COUNTERS: tuple[str, ...] = (
    "frames",
    "events",
    "bad_frames",
    "protocol_errors",
    "sequence_errors",
    "reconnects",
    "snapshots",
    "skipped",
)


def counter_label(key: str) -> str:
    """What a counter counts, in words (translated)."""
    labels = {
        "frames": QCoreApplication.translate("DiagnosticsDialog", "Frames received"),
        "events": QCoreApplication.translate("DiagnosticsDialog", "Events received"),
        "bad_frames": QCoreApplication.translate("DiagnosticsDialog", "Bad frames dropped"),
        "protocol_errors": QCoreApplication.translate(
            "DiagnosticsDialog", "Sequence errors (gaps, repeats) caught by the client"
        ),
        "sequence_errors": QCoreApplication.translate(
            "DiagnosticsDialog", "Sequence errors on the console side"
        ),
        "reconnects": QCoreApplication.translate("DiagnosticsDialog", "Reconnects"),
        "snapshots": QCoreApplication.translate("DiagnosticsDialog", "Snapshots loaded"),
        "skipped": QCoreApplication.translate(
            "DiagnosticsDialog", "Events naming something unknown (skipped)"
        ),
    }
    return labels.get(key, key)


class ErrorsModel(CellTableModel):
    """The feed's last errors, newest first: time, message and the start of the offending frame."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(key=lambda row: row[-1], parent=parent)
        self.set_headers([self.tr("Time"), self.tr("What happened"), self.tr("Frame excerpt")])

    def show(self, errors: Iterable[object]) -> None:
        """Show ``errors`` (oldest first, as the feed keeps them) newest first."""
        rows: list[tuple[object, ...]] = []
        seen: dict[tuple[float, str, str], int] = {}
        for err in errors:
            at, message, excerpt = _error_fields(err)
            n = seen.get((at, message, excerpt), 0)
            seen[(at, message, excerpt)] = n + 1
            stamp = wall_time(at) if at else ""
            rows.append(
                (
                    Cell(stamp, sort=at),
                    Cell(message, tip=message),
                    Cell(excerpt, tip=excerpt),
                    (at, message, excerpt, n),  # hidden: the key (the same error may come twice)
                )
            )
        rows.reverse()
        self.rows.sync(rows)

    def texts(self, row: int) -> list[str]:
        return [self.cell(row, c).text for c in range(self.columnCount())]


class DiagnosticsDialog(QDialog):
    def __init__(self, feed: FloorSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._feed = feed
        self.setWindowTitle(self.tr("Feed diagnostics"))
        self.resize(820, 560)

        self.values: dict[str, QLabel] = {}
        self.labels: dict[str, str] = {}
        conn = QFormLayout()
        for key, label in (
            ("connection", self.tr("Connection")),
            ("user", self.tr("Signed in as")),
            ("seq", self.tr("Last event seq")),
            ("clock", self.tr("Feed clock")),
            ("age", self.tr("Last frame")),
            ("rate", self.tr("Events per second")),
            ("last_error", self.tr("Last error")),
        ):
            self.values[key] = value = QLabel("—")
            value.setObjectName(f"value_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            conn.addRow(label, value)
            self.labels[key] = label
        counts = QFormLayout()
        for key in COUNTERS:
            self.values[key] = value = QLabel("—")
            value.setObjectName(f"value_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            counts.addRow(counter_label(key), value)
            self.labels[key] = counter_label(key)
        conn_box = QGroupBox(self.tr("Connection"))
        conn_box.setLayout(conn)
        count_box = QGroupBox(self.tr("Counters since the console started"))
        count_box.setLayout(counts)
        top = QHBoxLayout()
        top.addWidget(conn_box, 3)
        top.addWidget(count_box, 2)

        self.errors_model = ErrorsModel(self)
        self.errors = QTableView(self)
        self.errors.setObjectName("feedErrorsTable")
        self.errors.setModel(self.errors_model)
        setup_table(self.errors)
        self.errors.setColumnWidth(0, 80)
        self.errors.setColumnWidth(1, 360)
        error_box = QGroupBox(self.tr("Last errors (newest first)"))
        error_layout = QVBoxLayout(error_box)
        error_layout.addWidget(self.errors)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(self.tr("Copy report"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(error_box, 1)
        layout.addWidget(buttons)

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
        for key in COUNTERS:
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
            v["connection"].setText(self.tr("Local floor (no feed connection)"))
            return
        status = live.status
        v["connection"].setText(connection_text(status)[0])
        if status.user and status.role:
            who = self.tr("{user} · {role}").format(user=status.user, role=role_label(status.role))
        else:
            who = status.user or (status.role and role_label(status.role)) or self.tr("not signed in")
        v["user"].setText(who)
        age = live.last_frame_age_s()
        v["age"].setText(self.tr("none yet") if age is None else self.tr("{age} ago").format(age=ago(age)))
        v["rate"].setText(f"{live.events_per_second():.1f}")
        failure = self._last_failure(live)
        if failure is not None:
            v["last_error"].setText(self._failure_text(failure))
        else:
            v["last_error"].setText(
                translated(status.last_error_text)
                if status.last_error_text
                else status.last_error or self.tr("none")
            )
        self.errors_model.show(status.recent_errors)

    @staticmethod
    def _last_failure(live: object) -> LastFailure | None:
        """The feed's last connection failure, kept after it is back (a LiveFeed keeps it)."""
        last = getattr(live, "last_failure", None)
        failure = last() if callable(last) else None
        return failure if isinstance(failure, LastFailure) else None

    def _failure_text(self, failure: LastFailure) -> str:
        """What went wrong and when: on the feed clock in the centre's zone, and on this workstation's."""
        error = failure.error
        what = translated(error.text) if error.text is not None else error.message
        local = wall_time(error.at)
        if failure.feed_ms is None:
            return self.tr("{error} — at {local} on this workstation (no feed clock yet)").format(
                error=what, local=local
            )
        return self.tr("{error} — at {local} on this workstation, feed clock {feed}").format(
            error=what, local=local, feed=centre_time(self._feed, failure.feed_ms)
        )

    def report(self) -> str:
        """Everything shown, as plain text (for a support ticket)."""
        lines = [f"{self.labels[key]}: {self.values[key].text()}" for key in COUNTERS]
        for key in ("connection", "user", "seq", "clock", "age", "rate", "last_error"):
            lines.append(f"{self.labels[key]}: {self.values[key].text()}")
        for row in range(self.errors_model.rowCount()):
            lines.append(" | ".join(self.errors_model.texts(row)))
        return "\n".join(lines)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report())


def _error_fields(err: object) -> tuple[float, str, str]:
    """(wall-clock time, message, excerpt) of a FeedError, or of a plain (t, message, excerpt) tuple.

    A FeedError's message is shown translated when it carries its Text.
    """
    if isinstance(err, tuple):
        t, message, excerpt = (*err, "", "", "")[:3]
        return float(t or 0), str(message), str(excerpt)
    text = getattr(err, "text", None)
    return (
        float(getattr(err, "at", 0) or 0),
        translated(text) if isinstance(text, Text) else str(getattr(err, "message", err)),
        str(getattr(err, "frame", getattr(err, "excerpt", ""))),
    )
