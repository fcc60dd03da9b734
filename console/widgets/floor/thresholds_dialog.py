"""View ▸ Alert thresholds…: warning and critical limits for the queues (board-wide and per queue)
and for how long an agent may be on a call or not ready, kept in the console's settings.

The limits are ``console.domain.alerts.AlertSettings``; an empty cell keeps the default (shown
greyed in the cell: the domain's for a queue's target and threshold, or the board's row; for
agents the agent board's own table). The queue overview, the agent board, the alerts and, by
default, the wall display started with the same settings file use them. ``load_alert_settings``
and ``store_alert_settings`` read and write them (``alerts/thresholds``, JSON).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.domain.alerts import AGENT_LIMIT_KEYS, AlertSettings, agent_limits_problem, limits_problem
from console.domain.entities import Queue
from console.domain.figures.queues import STATE_LIMITS_S, QueueFigures
from console.domain.wallboard import Limits, Metric, MetricLimits, ThresholdConfig
from console.widgets.common.fmt import reason_label
from console.widgets.common.texts import translated

SETTINGS_KEY = "alerts/thresholds"

PLACEHOLDER_ROLE = Qt.ItemDataRole.UserRole + 1

#: The queue table's columns: (metric, "warning"/"critical").
QUEUE_COLUMNS: tuple[tuple[Metric, str], ...] = tuple(
    (metric, level)
    for metric in (Metric.SERVICE_LEVEL, Metric.LONGEST_WAIT, Metric.WAITING, Metric.ABANDON)
    for level in ("warning", "critical")
)


def load_alert_settings(settings: QSettings) -> AlertSettings:
    """The console's thresholds as saved (the defaults when none are)."""
    value = settings.value(SETTINGS_KEY)
    return AlertSettings.from_json(value if isinstance(value, str) else None)


def store_alert_settings(settings: QSettings, alert_settings: AlertSettings) -> None:
    settings.setValue(SETTINGS_KEY, alert_settings.to_json())
    settings.sync()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class _Placeholder(QStyledItemDelegate):
    """An empty cell shows its default, greyed."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if not option.text:
            hint = index.data(PLACEHOLDER_ROLE)
            if hint:
                option.text = str(hint)
                colour = option.palette.color(QPalette.ColorRole.PlaceholderText)
                option.palette.setColor(QPalette.ColorRole.Text, colour)


class ThresholdsDialog(QDialog):
    """Edit the console's alert thresholds; ``result_settings()`` after it is accepted."""

    def __init__(
        self, current: AlertSettings, queues: Sequence[Queue], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("thresholdsDialog")
        self.setWindowTitle(self.tr("Alert thresholds"))
        self._queues = list(queues)
        self._result = current
        intro = QLabel(
            self.tr(
                "An alert is raised when a queue's figure or an agent's time passes its critical limit. "
                "The queue overview, the agent board and the wall display use the same limits. "
                "Leave a cell empty for the default shown in grey."
            )
        )
        intro.setWordWrap(True)
        self.tabs = QTabWidget()
        self.queue_table = self._queue_table(current)
        self.agent_table = self._agent_table(current)
        self.tabs.addTab(self.queue_table, self.tr("Queues"))
        self.tabs.addTab(self.agent_table, self.tr("Agents"))
        self.problem_label = QLabel()
        self.problem_label.setObjectName("problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #c62828;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self.clear_all)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)
        self.resize(960, 420)

    # -- tables ------------------------------------------------------------------------

    def _table(self, rows: int, headers: Sequence[str], row_titles: Sequence[str]) -> QTableWidget:
        table = QTableWidget(rows, len(headers))
        table.setHorizontalHeaderLabels(list(headers))
        table.setVerticalHeaderLabels(list(row_titles))
        table.setItemDelegate(_Placeholder(table))
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return table

    def _queue_table(self, current: AlertSettings) -> QTableWidget:
        units = {
            Metric.SERVICE_LEVEL: self.tr("SL this interval %"),
            Metric.LONGEST_WAIT: self.tr("Longest wait s"),
            Metric.WAITING: self.tr("Calls waiting"),
            Metric.ABANDON: self.tr("Abandon %"),
        }
        levels = {"warning": self.tr("warning"), "critical": self.tr("critical")}
        headers = [
            self.tr("{metric}: {level}").format(metric=units[m], level=levels[lv]) for m, lv in QUEUE_COLUMNS
        ]
        titles = [self.tr("All queues")] + [q.name or q.id for q in self._queues]
        table = self._table(len(titles), headers, titles)
        table.setObjectName("queueThresholds")
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        board_hint = {
            (Metric.SERVICE_LEVEL, "warning"): self.tr("target"),
            (Metric.SERVICE_LEVEL, "critical"): self.tr("target − 10"),
            (Metric.LONGEST_WAIT, "warning"): self.tr("1× threshold"),
            (Metric.LONGEST_WAIT, "critical"): self.tr("3× threshold"),
            (Metric.ABANDON, "warning"): "5",
            (Metric.ABANDON, "critical"): "10",
        }
        config = current.thresholds
        for row in range(len(titles)):
            queue = self._queues[row - 1] if row else None
            mine = config.board if queue is None else config.queues.get(queue.id, MetricLimits())
            inherited = (
                None if queue is None else ThresholdConfig(board=config.board).limits_for(_figures(queue))
            )
            for col, (metric, level) in enumerate(QUEUE_COLUMNS):
                item = QTableWidgetItem(_number(getattr(mine.get(metric), level)))
                if inherited is None:
                    hint = board_hint.get((metric, level), "")
                else:
                    hint = _number(getattr(inherited.get(metric), level))
                item.setData(PLACEHOLDER_ROLE, hint)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, col, item)
        return table

    def _agent_table(self, current: AlertSettings) -> QTableWidget:
        headers = [self.tr("Warning after (min)"), self.tr("Critical after (min): alert")]
        titles = [agent_limit_label(key) for key in AGENT_LIMIT_KEYS]
        table = self._table(len(titles), headers, titles)
        table.setObjectName("agentThresholds")
        for row, key in enumerate(AGENT_LIMIT_KEYS):
            mine = current.agent_limits.get(key, Limits())
            default = STATE_LIMITS_S.get(key) or STATE_LIMITS_S[key.split(":", 1)[0]]
            for col, (value, fallback) in enumerate(
                ((mine.warning, default[0]), (mine.critical, default[1]))
            ):
                item = QTableWidgetItem("" if value is None else f"{value / 60:g}")
                item.setData(PLACEHOLDER_ROLE, f"{fallback / 60:g}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, col, item)
        return table

    # -- reading them back ---------------------------------------------------------------

    def set_queue_limit(self, queue_id: str | None, metric: Metric, level: str, text: str) -> None:
        """Type ``text`` into a queue cell (``queue_id`` None: all queues); for tests and scripts."""
        row = 0 if queue_id is None else 1 + [q.id for q in self._queues].index(queue_id)
        col = QUEUE_COLUMNS.index((metric, level))
        item = self.queue_table.item(row, col)
        assert item is not None
        item.setText(text)

    def set_agent_limit(self, key: str, level: str, minutes: str) -> None:
        item = self.agent_table.item(AGENT_LIMIT_KEYS.index(key), 0 if level == "warning" else 1)
        assert item is not None
        item.setText(minutes)

    def clear_all(self) -> None:
        for table in (self.queue_table, self.agent_table):
            for row in range(table.rowCount()):
                for col in range(table.columnCount()):
                    item = table.item(row, col)
                    if item is not None:
                        item.setText("")

    def _cell(self, table: QTableWidget, row: int, col: int) -> tuple[float | None, str | None]:
        item = table.item(row, col)
        text = item.text().strip().replace(",", ".") if item is not None else ""
        if not text:
            return None, None
        try:
            value = float(text)
        except ValueError:
            return None, self.tr("{value} is not a number").format(value=text)
        return value, None

    def read(self) -> tuple[AlertSettings | None, str]:
        """The settings the tables say, or None and what is wrong (where, and why)."""
        titles = [self.tr("All queues")] + [q.name or q.id for q in self._queues]
        per_row: list[MetricLimits] = []
        for row, title in enumerate(titles):
            got: dict[str, Limits] = {}
            for metric in (Metric.SERVICE_LEVEL, Metric.LONGEST_WAIT, Metric.WAITING, Metric.ABANDON):
                values: dict[str, float | None] = {}
                for level in ("warning", "critical"):
                    col = QUEUE_COLUMNS.index((metric, level))
                    values[level], problem = self._cell(self.queue_table, row, col)
                    if problem:
                        return None, f"{title}: {problem}"
                limits = Limits(warning=values["warning"], critical=values["critical"])
                text = limits_problem(metric, limits)
                if text is not None:
                    header = self.queue_table.horizontalHeaderItem(QUEUE_COLUMNS.index((metric, "warning")))
                    where = header.text().rsplit(":", 1)[0] if header is not None else metric.value
                    return None, f"{title}, {where}: {translated(text)}"
                if limits != Limits():
                    got[metric.value] = limits
            per_row.append(MetricLimits(**got))
        queues = {q.id: m for q, m in zip(self._queues, per_row[1:], strict=True) if m != MetricLimits()}
        agents: dict[str, Limits] = {}
        for row, key in enumerate(AGENT_LIMIT_KEYS):
            warning, problem = self._cell(self.agent_table, row, 0)
            critical, problem2 = self._cell(self.agent_table, row, 1)
            if problem or problem2:
                return None, f"{agent_limit_label(key)}: {problem or problem2}"
            limits = Limits(
                warning=None if warning is None else warning * 60,
                critical=None if critical is None else critical * 60,
            )
            text = agent_limits_problem(limits)
            if text is not None:
                return None, f"{agent_limit_label(key)}: {translated(text)}"
            if limits != Limits():
                agents[key] = limits
        return AlertSettings(ThresholdConfig(board=per_row[0], queues=queues), agents), ""

    def problem(self) -> str:
        return self.problem_label.text()

    def accept(self) -> None:
        settings, problem = self.read()
        self.problem_label.setText(problem)
        if settings is None:
            return
        self._result = settings
        super().accept()

    def result_settings(self) -> AlertSettings:
        return self._result


def _figures(queue: Queue) -> QueueFigures:
    return QueueFigures(
        queue_id=queue.id,
        name=queue.name,
        sl_threshold_s=queue.sl_threshold_s,
        sl_target_pct=queue.sl_target_pct,
    )


def agent_limit_label(key: str) -> str:
    """A row of the agents' limits: "On a call", "Not ready (any reason)", "Not ready: Break"."""
    if key == "on_call":
        return QCoreApplication.translate("ThresholdsDialog", "On a call")
    if key == "not_ready":
        return QCoreApplication.translate("ThresholdsDialog", "Not ready (any other reason)")
    reason = key.split(":", 1)[1]
    return QCoreApplication.translate("ThresholdsDialog", "Not ready: {reason}").format(
        reason=reason_label(reason)
    )
