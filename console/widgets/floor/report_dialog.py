"""File ▸ Report…: a business day's report saved as PDF, XLSX or CSV, in the interface language.

The dialog asks for the day (today by default), the reporting interval and the format; then a
Save As dialog asks where. The report itself comes from a provider (``ReportProvider``): called
with the day and the interval, it answers through its callback, at once or later (a query to the
gateway), with the report or, for the user, why there is none. ``widgets/main_window.py`` gives
it; the files are written by ``console.application.report_files`` and
``console.widgets.common.report_pdf``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, QObject
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QWidget,
)

from console.application.messages import MessageBridge
from console.application.report_files import write_csv, write_xlsx
from console.domain.history import INTERVAL_CHOICES, DayReport
from console.widgets.common.report_pdf import write_pdf
from console.widgets.common.texts import installed_lookup

#: Called back with the report, or None and why not (in the interface language).
ReportDone = Callable[[DayReport | None, str | None], None]
#: Asked for the report of a day (YYYY-MM-DD) at an interval (minutes).
ReportProvider = Callable[[str, int, ReportDone], None]
#: Asks where to save (caption, suggested name, filter); "" when cancelled.
AskPath = Callable[[QWidget, str, str, str], str]


def save_report(report: DayReport, path: str | Path, fmt: str) -> None:
    """Write ``report`` to ``path`` as ``fmt`` (pdf, xlsx, csv), in the interface language."""
    if fmt == "csv":
        write_csv(report, path, installed_lookup)
    elif fmt == "xlsx":
        write_xlsx(report, path, installed_lookup)
    else:
        write_pdf(report, path, installed_lookup)


def _ask_path(parent: QWidget, caption: str, name: str, filters: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, caption, name, filters)
    return path


class ReportDialog(QDialog):
    """The day, the interval and the format of a report."""

    def __init__(self, parent: QWidget | None = None, *, today: QDate | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle(self.tr("Report"))
        today = today or QDate.currentDate()
        self.day_edit = QDateEdit(today, self)
        self.day_edit.setObjectName("reportDay")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.day_edit.setMaximumDate(today)
        self.interval_combo = QComboBox(self)
        self.interval_combo.setObjectName("reportInterval")
        for minutes in INTERVAL_CHOICES:
            self.interval_combo.addItem(self.tr("{n} minutes").format(n=minutes), minutes)
        self.interval_combo.setCurrentIndex(INTERVAL_CHOICES.index(30))
        self.format_combo = QComboBox(self)
        self.format_combo.setObjectName("reportFormat")
        self.format_combo.addItem(self.tr("PDF document (charts and tables)"), "pdf")
        self.format_combo.addItem(self.tr("Excel workbook (XLSX)"), "xlsx")
        self.format_combo.addItem(self.tr("CSV file"), "csv")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Business day"), self.day_edit)
        form.addRow(self.tr("Interval"), self.interval_combo)
        form.addRow(self.tr("Format"), self.format_combo)
        form.addRow(buttons)

    def day(self) -> str:
        return self.day_edit.date().toString("yyyy-MM-dd")

    def interval_min(self) -> int:
        return int(self.interval_combo.currentData())

    def file_format(self) -> str:
        return str(self.format_combo.currentData())


class ReportExporter(QObject):
    """Runs File ▸ Report…: the dialog, Save As, the provider, the file and a word in the status bar."""

    def __init__(
        self,
        window: QWidget,
        provider: ReportProvider,
        messages: MessageBridge,
        *,
        ask_path: AskPath = _ask_path,
    ) -> None:
        super().__init__(window)
        self._window = window
        self.provider = provider
        self._messages = messages
        self.ask_path = ask_path  # a test answers in its place
        self.dialog: ReportDialog | None = None

    def run(self) -> ReportDialog:
        """Open the dialog (not modal to the tests: its ``accepted`` carries on)."""
        dialog = ReportDialog(self._window)
        dialog.accepted.connect(lambda: self._chosen(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _chosen(self, dialog: ReportDialog) -> None:
        day, interval, fmt = dialog.day(), dialog.interval_min(), dialog.file_format()
        filters = {
            "pdf": self.tr("PDF documents (*.pdf)"),
            "xlsx": self.tr("Excel workbooks (*.xlsx)"),
            "csv": self.tr("CSV files (*.csv)"),
        }
        path = self.ask_path(self._window, self.tr("Save report"), f"report-{day}.{fmt}", filters[fmt])
        if not path:
            return
        if Path(path).suffix.lower() != f".{fmt}":
            path += f".{fmt}"
        self.export(day, interval, fmt, path)

    def export(self, day: str, interval_min: int, fmt: str, path: str) -> None:
        """Ask the provider for the report, then write it to ``path``."""

        def done(report: DayReport | None, why: str | None) -> None:
            if report is None:
                self._messages.show(self.tr("No report of {day}: {why}").format(day=day, why=why or ""))
                return
            try:
                save_report(report, path, fmt)
            except OSError as exc:
                self._messages.show(self.tr("Report not saved: {why}").format(why=exc.strerror or str(exc)))
                return
            self._messages.show(self.tr("Report saved: {path}").format(path=path))

        self.provider(day, interval_min, done)
