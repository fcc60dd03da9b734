"""Live charts: calls waiting, agents by state, and today's service level and abandon rate per interval.

Four pyqtgraph plots in a 2×2 grid, with the queue legend on the left (tick a
queue to show its line; the interval charts sum the ticked queues):

1. calls waiting per queue over the last 60 minutes;
2. agents by state over the last 60 minutes, stacked;
3. service level per reporting interval today, bars coloured by level, against the target;
4. abandon rate per reporting interval today, against the warning and critical levels.

The two live charts always span the last 60 minutes. They are sampled from
the moment the console connects; the part of the hour before that is an
estimate the sampler works back from the day's 5-minute buckets, drawn dashed
and lighter, with a dotted "live since" line where the samples begin.
Breaches (``BreachLog``: every breach seen today, also after the call was
answered or the case closed) are marked as red ticks in a strip just below zero
along every chart's time axis.

The feed only ever updates a model; drawing happens on a timer a few times a
second, and only when something changed since the last frame: every item is
created once and fed with ``setData``/``setOpts``. A queue's curves are created
when it is first ticked, and only ticked queues are fed: a centre of 200 queues
does not pay for 400 plot items it does not show. With more than
``DEFAULT_CHARTED`` queues, a console with no choice saved ticks the first
``DEFAULT_CHARTED`` (in the gateway's order); the legend ticks the others. Samples are taken on the feed
clock (on updates and on the once-a-second tick), never on the local clock.
Time axes show the centre's local time of day. Every word shown goes through
Qt's translation.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from console.application.floor_source import FloorSource
from console.application.history_cache import SAME_WEEKDAY_DAYS
from console.application.timeseries import (
    ESTIMATE_GROUPS,
    STATE_GROUPS,
    FloorSampler,
    IntervalFigures,
    interval_figures,
    past_interval_figures,
)
from console.domain.businessday import zone
from console.domain.changes import ChangeSet
from console.domain.clock import to_ms
from console.domain.figures.queues import (
    MetricsConfig,
    Thresholds,
    abandon_level,
    interval_start_ms,
    sl_level,
)
from console.domain.history import DayReport
from console.widgets.common.fmt import clock_time, day_label
from console.widgets.common.theme import chart_pens, current_theme

REDRAW_MS = 250
#: While the feed catches up on a backlog, the charts redraw at most this often.
CATCH_UP_REDRAW_MS = 1000
#: A redraw's parts, and the plots each draws. While catching up, each part (its plots drawn and
#: painted) takes a turn of its own: the whole redraw and its paints in one turn took 40-50 ms of
#: the GUI thread, the calls-waiting plot alone (24 curves) 20-25 ms.
PARTS = ("waiting", "agents", "intervals")
_PART_PLOTS = {"waiting": ("waiting",), "agents": ("agents",), "intervals": ("sl", "abandon")}
#: With more queues than this, a console that has no choice saved charts the first ones only.
DEFAULT_CHARTED = 12
#: The queue legend is this many rows high at most; it scrolls beyond.
_LEGEND_ROWS = 12
WINDOW_S = 3600.0  # the live charts always span this much: "last 60 min"
_AXIS_WIDTH = 44  # fixed so the four plots line up
_STRIP = 0.06  # a strip below zero along the time axis, as a share of the plot's height: breach ticks
_ESTIMATE_MIX = 0.45  # the estimate before the console started: its colour this far towards the background


def _mix(colour: str, background: str, share: float) -> QColor:
    """``colour`` moved ``share`` of the way towards ``background`` (opaque, so stacked fills stay exact)."""
    a, b = QColor(colour), QColor(background)
    return QColor(
        round(a.red() + (b.red() - a.red()) * share),
        round(a.green() + (b.green() - a.green()) * share),
        round(a.blue() + (b.blue() - a.blue()) * share),
    )


def _y_range(plot: pg.PlotWidget, top: float) -> None:
    """From a little below zero (the breach strip along the time axis) to ``top``."""
    plot.setYRange(-top * _STRIP / (1 - _STRIP), top, padding=0)


def state_group_label(group: str) -> str:
    """An agent state group of the charts in words (translated)."""
    labels = {
        "on_call": QCoreApplication.translate("ChartsPanel", "On call"),
        "wrap_up": QCoreApplication.translate("ChartsPanel", "Wrap-up"),
        "available": QCoreApplication.translate("ChartsPanel", "Available"),
        "not_ready": QCoreApplication.translate("ChartsPanel", "Not ready"),
        "handling": QCoreApplication.translate("ChartsPanel", "On call or wrap-up"),
    }
    return labels.get(group, group)


def _swatch(colour: str, size: int = 12) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(QColor(colour))
    return QIcon(pix)


def _fmt_pct(value: float) -> str:
    return "—" if np.isnan(value) else f"{value:.0f} %"


class _ElidedLabel(QLabel):
    """A label that never asks for more width than it gets: the text is elided instead."""

    def __init__(self, mode: Qt.TextElideMode = Qt.TextElideMode.ElideLeft) -> None:
        super().__init__()
        self._mode = mode
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), self._mode, rect.width())
        painter.drawText(rect, int(self.alignment()), text)


class _Card(QFrame):
    """A plot with a title and a one-line reading of the latest value."""

    def __init__(self, title: str, plot: pg.PlotWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(title)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        # The reading changes with the figures: it must never set the window's minimum width.
        self.reading = _ElidedLabel()
        self.reading.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head = QHBoxLayout()
        head.setContentsMargins(8, 4, 8, 0)
        head.addWidget(self.title)
        head.addSpacing(12)
        head.addWidget(self.reading, 1)
        # Until the feed has delivered a floor, a plain sentence instead of an empty plot with made-up axes.
        self.placeholder = QLabel(self.tr("No data yet — waiting for the feed"))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setEnabled(False)  # drawn in the palette's muted text colour
        self.stack = QStackedWidget()
        self.stack.addWidget(plot)
        self.stack.addWidget(self.placeholder)
        self.stack.setCurrentIndex(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(0)
        layout.addLayout(head)
        layout.addWidget(self.stack, 1)

    def set_empty(self, empty: bool) -> None:
        self.stack.setCurrentIndex(1 if empty else 0)


class ChartsPanel(QWidget):
    """The four live charts of the floor; redraws on its own timer."""

    selectionChanged = Signal()

    def __init__(
        self, source: FloorSource, parent: QWidget | None = None, redraw_ms: int = REDRAW_MS
    ) -> None:
        super().__init__(parent)
        self._source = source
        self.sampler = FloorSampler(window_s=WINDOW_S)
        self.config = MetricsConfig()
        self.thresholds = Thresholds()
        self.theme = current_theme()
        self._pens = chart_pens(self.theme)
        self._queue_order: list[str] = []
        self._hidden: set[str] = set()
        self._chosen = False  # False: the default selection (every queue, or the first DEFAULT_CHARTED)
        self._breaches_s = np.zeros(0)
        self._utc_offset: int | None = None
        # What needs drawing at the next tick.
        self._samples_dirty = True
        self._intervals_dirty = True
        self._markers_dirty = True
        self._last_interval_start = -1
        # An earlier day laid under today's intervals (``set_history``), redrawn only when it,
        # the queues ticked or the interval width change.
        self._history: DayReport | None = None
        self._history_label = ""
        self._history_dirty = False
        self._history_peak = 0.0
        self._staged: list[str] = []  # while catching up: the parts of a redraw still to draw
        self._estimated = {"waiting": False, "agents": False}  # an estimate before the samples is shown
        # Measurements: how often and how long the timer redrew.
        self.redraws = 0
        self.redraw_s_total = 0.0
        self.redraw_s_max = 0.0

        self.plots: dict[str, pg.PlotWidget] = {}
        self.axes: dict[str, pg.DateAxisItem] = {}
        self.cards: dict[str, _Card] = {}
        for key, title in (
            ("waiting", self.tr("Calls waiting · last 60 min")),
            ("agents", self.tr("Agents by state · last 60 min")),
            ("sl", self.tr("Service level per interval · today")),
            ("abandon", self.tr("Abandon rate per interval · today")),
        ):
            axis = pg.DateAxisItem(orientation="bottom")
            plot = pg.PlotWidget(axisItems={"bottom": axis})
            plot.setMinimumSize(QSize(240, 150))
            item = plot.getPlotItem()
            item.setMouseEnabled(x=False, y=False)  # a wall display must not be left zoomed in
            item.setMenuEnabled(False)
            item.hideButtons()
            item.getAxis("left").setWidth(_AXIS_WIDTH)
            item.getViewBox().setDefaultPadding(0.0)
            self.plots[key] = plot
            self.axes[key] = axis
            self.cards[key] = _Card(title, plot)

        # 1. waiting per queue: one curve per queue, made when the queue first appears, and a
        # dashed one for the estimate of the hour before the console started.
        self.queue_curves: dict[str, pg.PlotDataItem] = {}
        self.queue_estimates: dict[str, pg.PlotDataItem] = {}
        # What each estimate curve was last given (the sampler's own arrays, kept while unchanged):
        # set again only when they change, so its path and bounds are not made anew every redraw.
        self._estimates_given: dict[str, tuple[object, object, object]] = {}
        # 2. agents by state, stacked: each cumulative top filled down to zero, the tallest
        # drawn first, so every band shows its own colour. (FillBetweenItem rebuilds a path per
        # neighbour change and cost ~30 ms a frame at 3,600 points; filled curves cost ~1 ms.)
        agents = self.plots["agents"]
        self.state_curves: dict[str, pg.PlotDataItem] = {}
        for z, group in enumerate(STATE_GROUPS):
            curve = pg.PlotDataItem(fillLevel=0.0, antialias=False)  # AA leaves seams between fill chunks
            curve.setDownsampling(auto=True, method="mean")  # keeps the stack ordered, unlike "peak"
            curve.setClipToView(True)
            curve.setZValue(-z)
            agents.addItem(curve)
            self.state_curves[group] = curve
        # The estimate before the console started: 5-minute averages, talking and wrap-up as one.
        self.state_estimates: dict[str, pg.PlotDataItem] = {}
        for z, group in enumerate(ESTIMATE_GROUPS):
            curve = pg.PlotDataItem(fillLevel=0.0, antialias=False)
            curve.setZValue(-z)
            agents.addItem(curve)
            self.state_estimates[group] = curve
        # Where the samples begin (only drawn while the estimate before it is in view).
        self.live_lines: dict[str, pg.InfiniteLine] = {}
        for key in ("waiting", "agents"):
            line = pg.InfiniteLine(
                angle=90,
                movable=False,
                label="",
                # Left of the line: it is near "now", at the right edge, while the estimate is in view.
                labelOpts={"position": 0.97, "anchors": [(1, 0), (1, 0)]},
            )
            line.setZValue(5)
            line.setVisible(False)
            self.plots[key].addItem(line, ignoreBounds=True)
            self.live_lines[key] = line
        # 3. and 4.: bars by level (one brush per item keeps drawing exact and fast), the interval
        # in progress on its own, and reference lines.
        self.sl_bars = {
            lvl: pg.BarGraphItem(x0=[], width=[], height=[]) for lvl in ("ok", "warning", "critical")
        }
        self.sl_current = pg.BarGraphItem(x0=[], width=[], height=[])
        self.abandon_bars = {
            lvl: pg.BarGraphItem(x0=[], width=[], height=[]) for lvl in ("ok", "warning", "critical")
        }
        self.abandon_current = pg.BarGraphItem(x0=[], width=[], height=[])
        for bar in (*self.sl_bars.values(), self.sl_current):
            self.plots["sl"].addItem(bar)
        for bar in (*self.abandon_bars.values(), self.abandon_current):
            self.plots["abandon"].addItem(bar)
        # The same weekday last week under today's bars: a faint dashed step, with a legend.
        self.history_lines: dict[str, pg.PlotDataItem] = {}
        self.history_legends: dict[str, pg.LegendItem] = {}
        for key in ("sl", "abandon"):
            line = pg.PlotDataItem(connect="finite")
            line.setZValue(10)
            self.plots[key].addItem(line)
            legend = pg.LegendItem(offset=(-4, 4), labelTextSize="8pt")
            legend.setParentItem(self.plots[key].getPlotItem().getViewBox())
            legend.setVisible(False)
            self.history_lines[key] = line
            self.history_legends[key] = legend
        self.target_line = pg.InfiniteLine(
            angle=0, movable=False, label="", labelOpts={"position": 0.01, "anchors": [(0, 1), (0, 1)]}
        )
        self.plots["sl"].addItem(self.target_line, ignoreBounds=True)
        self.abandon_lines = {
            "warning": pg.InfiniteLine(pos=self.thresholds.abandon_warning_pct, angle=0, movable=False),
            "critical": pg.InfiniteLine(pos=self.thresholds.abandon_critical_pct, angle=0, movable=False),
        }
        for line in self.abandon_lines.values():
            self.plots["abandon"].addItem(line, ignoreBounds=True)
        # Breaches: red ticks in a strip below zero along every chart's time axis.
        self.breach_ticks: dict[str, pg.PlotCurveItem] = {}
        for key, plot in self.plots.items():
            tick = pg.PlotCurveItem(connect="pairs")
            tick.setZValue(20)
            plot.addItem(tick, ignoreBounds=True)
            self.breach_ticks[key] = tick

        self._build_layout()
        self.set_theme(self.theme)

        source.floorUpdated.connect(self._on_floor_updated)
        source.clockTicked.connect(self._on_clock)
        self._timer = QTimer(self)
        self._last_redraw = 0.0  # monotonic time of the last redraw from the timer or a feed's turn
        self._timer.setInterval(redraw_ms)
        self._timer.timeout.connect(self._on_timer)
        # The timer's redraw goes one part a turn too: the next part in the next turn of the loop.
        self._part_timer = QTimer(self)
        self._part_timer.setSingleShot(True)
        self._part_timer.setInterval(0)
        self._part_timer.timeout.connect(self._next_part)
        # A source that applies a backlog in slices may offer its turns (LiveFeed.turn_takers).
        takers = getattr(source, "turn_takers", None)
        self._takes_turns = isinstance(takers, list)
        if isinstance(takers, list):
            takers.append(self._catch_up_turn)
        self._timer.start()
        self._sync_queues()

    # -- layout ----------------------------------------------------------------------

    def _build_layout(self) -> None:
        side = QFrame()
        side.setObjectName("chartLegend")
        side.setFixedWidth(210)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 4, 6, 4)
        self.queues_heading = QLabel(self.tr("Queues"))
        font = self.queues_heading.font()
        font.setBold(True)
        self.queues_heading.setFont(font)
        self.queue_list = QListWidget()
        self.queue_list.setObjectName("queueList")
        self.queue_list.setFrameShape(QFrame.Shape.NoFrame)
        self.queue_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queue_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.queue_list.setToolTip(
            self.tr("Tick the queues to chart; the interval charts add up the ticked queues")
        )
        self.queue_list.itemChanged.connect(self._on_item_changed)
        buttons = QHBoxLayout()
        self.all_button, self.none_button = QPushButton(self.tr("All")), QPushButton(self.tr("None"))
        for b in (self.all_button, self.none_button):
            b.setFlat(True)
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.all_button.clicked.connect(self.show_all_queues)
        self.none_button.clicked.connect(lambda: self.set_hidden_queues(set(self._queue_order)))
        self.state_legend = QListWidget()
        self.state_legend.setFrameShape(QFrame.Shape.NoFrame)
        self.state_legend.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.state_legend.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for group in reversed(STATE_GROUPS):  # top of the stack first, as drawn
            self.state_legend.addItem(QListWidgetItem(state_group_label(group)))
        self.state_legend.setFixedHeight(4 * (self.fontMetrics().height() + 6) + 4)
        self.agents_heading = QLabel(self.tr("Agent states"))
        self.agents_heading.setFont(font)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setObjectName("chartNote")
        side_layout.addWidget(self.queues_heading)
        side_layout.addWidget(self.queue_list)
        side_layout.addLayout(buttons)
        side_layout.addSpacing(6)
        side_layout.addWidget(self.agents_heading)
        side_layout.addWidget(self.state_legend)
        side_layout.addWidget(self.note)
        side_layout.addStretch(1)

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        grid.addWidget(self.cards["waiting"], 0, 0)
        grid.addWidget(self.cards["agents"], 0, 1)
        grid.addWidget(self.cards["sl"], 1, 0)
        grid.addWidget(self.cards["abandon"], 1, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        layout.addWidget(side)
        layout.addLayout(grid, 1)

    # -- public ----------------------------------------------------------------------

    def set_config(self, config: MetricsConfig) -> None:
        """SL definition and interval width for the interval charts (as in the queue overview)."""
        if config != self.config:
            self.config = config
            self._intervals_dirty = self._history_dirty = True

    def set_history(self, report: DayReport | None, days_back: int = SAME_WEEKDAY_DAYS) -> None:
        """Lay ``report``'s intervals (an earlier day: the same weekday last week) under today's.

        Drawn only where its interval width is the charts' (``set_config``), summed over the
        ticked queues; None: no line (the gateway does not hold the day, or may not be asked).
        ``days_back``: how far back the day is, for the legend.
        """
        label = ""
        if report is not None:
            day = day_label(date.fromisoformat(report.day))
            if days_back == SAME_WEEKDAY_DAYS:
                label = self.tr("Same day last week ({day})").format(day=day)
            else:
                label = self.tr("{n} days earlier ({day})").format(n=days_back, day=day)
        if report is self._history and label == self._history_label:
            return
        self._history = report
        self._history_label = label
        self._history_dirty = self._intervals_dirty = True

    def history_report(self) -> DayReport | None:
        return self._history

    def history_series(self, key: str) -> tuple[list[float], list[float]]:
        """The history line of plot ``key`` ("sl", "abandon") as drawn: one (start s, value) per interval."""
        xs, ys = self.history_lines[key].getData()
        if xs is None or ys is None or not self.history_lines[key].isVisible():
            return [], []
        return [float(x) for x in xs[0::3]], [float(y) for y in ys[0::3]]

    def set_breach_times(self, times_ms: list[int]) -> None:
        """Mark these feed-clock instants (breaches) on the charts' time axes."""
        arr = np.asarray(sorted(times_ms), dtype=np.float64) / 1000.0
        if arr.shape != self._breaches_s.shape or not np.array_equal(arr, self._breaches_s):
            self._breaches_s = arr
            self._markers_dirty = True

    def breach_times_s(self) -> list[float]:
        """The breach instants marked (epoch seconds), oldest first."""
        return [float(t) for t in self._breaches_s]

    def invalidate(self) -> None:
        """Redraw everything at the next tick (or at once with ``redraw()``)."""
        self._samples_dirty = self._intervals_dirty = self._markers_dirty = True

    def hidden_queues(self) -> set[str]:
        return set(self._hidden)

    def set_hidden_queues(self, hidden: set[str]) -> None:
        """Untick these queues (queues not yet known are remembered for when they appear).

        An empty set is the default: every queue, or the first ``DEFAULT_CHARTED`` of a bigger centre.
        """
        self._chosen = bool(hidden)
        self._hidden = set(hidden) if hidden else self._default_hidden()
        self._sync_checks()

    def show_all_queues(self) -> None:
        """Tick every queue, however many there are."""
        self._chosen = True
        self._hidden = set()
        self._sync_checks()

    def _default_hidden(self) -> set[str]:
        return set(self._queue_order[DEFAULT_CHARTED:])

    def _sync_checks(self) -> None:
        self.queue_list.blockSignals(True)
        for i in range(self.queue_list.count()):
            item = self.queue_list.item(i)
            qid = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Unchecked if qid in self._hidden else Qt.CheckState.Checked)
        self.queue_list.blockSignals(False)
        self._apply_visibility()

    def selected_queues(self) -> list[str]:
        return [q for q in self._queue_order if q not in self._hidden]

    def set_theme(self, name: str) -> None:
        """Restyle every plot and item in place (nothing is recreated)."""
        self.theme = name
        pens = self._pens = chart_pens(name)
        fg, bg = str(pens["foreground"]), str(pens["background"])
        grid_alpha = float(pens["grid_alpha"])  # type: ignore[arg-type]
        for plot in self.plots.values():
            plot.setBackground(bg)
            item = plot.getPlotItem()
            for side in ("left", "bottom"):
                axis = item.getAxis(side)
                axis.setPen(pg.mkPen(fg))
                axis.setTextPen(pg.mkPen(fg))
            item.showGrid(x=True, y=True, alpha=grid_alpha)
        states: dict[str, str] = pens["states"]  # type: ignore[assignment]
        for group, curve in self.state_curves.items():
            colour = QColor(states[group])
            curve.setPen(pg.mkPen(colour.darker(120), width=1))
            curve.setBrush(pg.mkBrush(colour))
        for group, curve in self.state_estimates.items():
            name = states["on_call" if group == "handling" else group]
            curve.setPen(pg.mkPen(QColor(name).darker(120), width=1, style=Qt.PenStyle.DashLine))
            curve.setBrush(pg.mkBrush(_mix(name, bg, _ESTIMATE_MIX)))
        for i in range(self.state_legend.count()):
            group = list(reversed(STATE_GROUPS))[i]
            self.state_legend.item(i).setIcon(_swatch(states[group]))
        levels: dict[str, str] = pens["levels"]  # type: ignore[assignment]
        for bars in (self.sl_bars, self.abandon_bars):
            for lvl, bar in bars.items():
                bar.setOpts(brush=pg.mkBrush(levels[lvl]), pen=pg.mkPen(None))
        target = pg.mkPen(str(pens["target"]), width=2, style=Qt.PenStyle.DashLine)
        self.target_line.setPen(target)
        self.target_line.label.setColor(str(pens["target"]))
        backdrop = QColor(bg)
        backdrop.setAlpha(210)  # keeps the label readable where it crosses a bar
        self.target_line.label.fill = pg.mkBrush(backdrop)
        self.target_line.label.update()
        for line in self.live_lines.values():
            line.setPen(pg.mkPen(fg, width=1, style=Qt.PenStyle.DotLine))
            line.label.setColor(fg)
            line.label.fill = pg.mkBrush(backdrop)
            line.label.update()
        for lvl, line in self.abandon_lines.items():
            line.setPen(pg.mkPen(levels[lvl], width=1.5, style=Qt.PenStyle.DashLine))
        faint = QColor(fg)
        faint.setAlpha(150)
        for line in self.history_lines.values():
            line.setPen(pg.mkPen(faint, width=1.5, style=Qt.PenStyle.DashLine))
        for legend in self.history_legends.values():
            legend.setLabelTextColor(fg)
            legend.setBrush(pg.mkBrush(backdrop))
            legend.setPen(pg.mkPen(None))  # its entry is made again (in the new colours) when next drawn
        self._history_dirty = True
        breach = QColor(str(pens["breach"]))
        for tick in self.breach_ticks.values():
            tick.setPen(pg.mkPen(breach, width=2))
        colours: list[str] = pens["queues"]  # type: ignore[assignment]
        for qid, curve in self.queue_curves.items():
            curve.setPen(pg.mkPen(self._queue_colour(qid, colours), width=2))
        for qid, curve in self.queue_estimates.items():
            curve.setPen(self._estimate_pen(self._queue_colour(qid, colours)))
        self._recolour_queue_list()
        self._samples_dirty = self._intervals_dirty = self._markers_dirty = True

    # -- feed ------------------------------------------------------------------------

    def _on_floor_updated(self, changes: ChangeSet) -> None:
        if changes.reset or changes.queues:
            self._intervals_dirty = True
        if changes.reset:
            self._sync_queues()
        self._sample()

    def _on_clock(self) -> None:
        self._sample()

    def _sample(self) -> None:
        if self.sampler.sample(self._source.state, self._source.feed_clock_ms()):
            self._samples_dirty = True

    def _sync_queues(self) -> None:
        """A legend entry for each queue, when the set of queues changed (curves: ``_apply_visibility``)."""
        order = list(self._source.state.queues)
        if order == self._queue_order:
            return
        self._queue_order = order
        if not self._chosen:
            self._hidden = self._default_hidden()
        for qid in [q for q in self.queue_curves if q not in order]:
            self.plots["waiting"].removeItem(self.queue_curves.pop(qid))
            self.plots["waiting"].removeItem(self.queue_estimates.pop(qid))
        self.queue_list.blockSignals(True)
        self.queue_list.clear()
        for qid in order:
            item = QListWidgetItem(self._source.state.queues[qid].name)
            item.setData(Qt.ItemDataRole.UserRole, qid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if qid in self._hidden else Qt.CheckState.Checked)
            item.setToolTip(qid)
            self.queue_list.addItem(item)
        self.queue_list.blockSignals(False)
        rows = min(_LEGEND_ROWS, max(1, self.queue_list.count()))  # more scroll: the panel keeps its size
        self.queue_list.setFixedHeight(rows * max(18, self.queue_list.sizeHintForRow(0)) + 6)
        self._recolour_queue_list()
        self._apply_visibility()

    @staticmethod
    def _estimate_pen(colour: str) -> Any:
        faded = QColor(colour)
        faded.setAlpha(170)
        return pg.mkPen(faded, width=2, style=Qt.PenStyle.DashLine)

    def _queue_colour(self, qid: str, colours: list[str]) -> str:
        i = self._queue_order.index(qid) if qid in self._queue_order else len(self.queue_curves)
        return colours[i % len(colours)]

    def _recolour_queue_list(self) -> None:
        colours: list[str] = self._pens["queues"]  # type: ignore[assignment]
        for i in range(self.queue_list.count()):
            item = self.queue_list.item(i)
            item.setIcon(_swatch(self._queue_colour(item.data(Qt.ItemDataRole.UserRole), colours)))

    def _make_curves(self, qid: str) -> None:
        """The queue's curve and the dashed estimate before it, made when the queue is first charted."""
        colour = self._queue_colour(qid, self._pens["queues"])  # type: ignore[arg-type]
        curve = pg.PlotDataItem(pen=pg.mkPen(colour, width=2))
        curve.setDownsampling(auto=True, method="peak")
        curve.setClipToView(True)
        self.plots["waiting"].addItem(curve)
        self.queue_curves[qid] = curve
        estimate = pg.PlotDataItem(pen=self._estimate_pen(colour))
        self.plots["waiting"].addItem(estimate)
        self.queue_estimates[qid] = estimate

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        qid = item.data(Qt.ItemDataRole.UserRole)
        self._chosen = True
        if item.checkState() == Qt.CheckState.Checked:
            self._hidden.discard(qid)
        else:
            self._hidden.add(qid)
        self._apply_visibility()

    def _apply_visibility(self) -> None:
        for qid in self._queue_order:
            if qid not in self._hidden and qid not in self.queue_curves:
                self._make_curves(qid)
        for qid, curve in self.queue_curves.items():
            curve.setVisible(qid not in self._hidden)
        for qid, curve in self.queue_estimates.items():
            curve.setVisible(qid not in self._hidden)
        self._samples_dirty = self._intervals_dirty = self._history_dirty = True
        self.selectionChanged.emit()

    # -- drawing ---------------------------------------------------------------------

    def _on_timer(self) -> None:
        """The redraw timer: while a source that offers its turns catches up, those turns redraw."""
        if self._takes_turns and getattr(self._source, "catching_up", False):
            return
        self._last_redraw = time.monotonic()
        self._staged = list(PARTS)  # a redraw begun in the catch-up's turns starts again
        self._next_part()

    def _next_part(self) -> None:
        """One part of the timer's redraw and its plots' paint, the next part in the next turn.

        Drawn and painted in one turn, the four plots took 40-50 ms of the GUI thread: on top of
        the throttled views' last refreshes when a catch-up ended.
        """
        if not self._staged or not Shiboken.isValid(self):
            return
        self._draw_part(self._staged.pop(0))
        if self._staged:
            self._part_timer.start()

    def _draw_part(self, part: str) -> None:
        self.redraw((part,))
        for key in _PART_PLOTS[part]:
            QCoreApplication.sendPostedEvents(self.plots[key].scene(), QEvent.Type.MetaCall)

    def _catch_up_turn(self) -> bool:
        """One of the catching-up feed's turns of the event loop (``LiveFeed.turn_takers``).

        The charts redraw at most every ``CATCH_UP_REDRAW_MS``, one part (``PARTS``) a turn,
        and the part's plots paint (the work the redraw queues in their scenes: bounds, dirty
        items, the paint itself) in the same turn instead of in the next one, on top of a
        slice of events. The feed clock runs fast while catching up, so every redraw moves
        every plot, while the figures are not current anyway: the rest of the catch-up's turns
        go to applying events.
        """
        if not Shiboken.isValid(self):
            return False
        if not self._staged:
            now = time.monotonic()
            if now - self._last_redraw < CATCH_UP_REDRAW_MS / 1000.0:
                return False
            self._last_redraw = now
            self._staged = list(PARTS)
        self._draw_part(self._staged.pop(0))
        return True

    def redraw(self, parts: tuple[str, ...] = PARTS) -> None:
        """Timer tick: push what changed into the existing items (of ``parts``' plots only, in order)."""
        t0 = time.perf_counter()
        now_ms = self._source.feed_clock_ms()
        empty = now_ms is None or (not self._source.state.queues and self.sampler.last_ms is None)
        for card in self.cards.values():
            card.set_empty(empty)
        if now_ms is None or empty:
            return
        self._sync_queues()
        self._update_time_axes(now_ms)
        drawn: list[str] = []  # plots whose data or ranges changed: their breach ticks follow
        samples = tuple(p for p in parts if p in ("waiting", "agents"))
        if self._samples_dirty and samples:
            if "agents" in parts:  # the last of the samples' parts (a staged redraw draws "waiting" first)
                self._samples_dirty = False
            self._draw_samples(now_ms, samples)
            drawn += samples
        if "intervals" in parts:
            start = interval_start_ms(self._source.state, now_ms, self.config.interval_min)
            if start != self._last_interval_start:
                self._last_interval_start = start  # a new interval begins: a new bar
                self._intervals_dirty = True
            if self._intervals_dirty:
                self._intervals_dirty = False
                self._draw_intervals(now_ms)
                drawn += ["sl", "abandon"]
        if self._markers_dirty:  # new breaches or colours: every plot of these parts
            if "intervals" in parts:
                self._markers_dirty = False
            drawn = [key for part in parts for key in _PART_PLOTS[part]]
        if drawn:
            self._draw_markers(drawn)
            spent = time.perf_counter() - t0
            self.redraws += 1
            self.redraw_s_total += spent
            self.redraw_s_max = max(self.redraw_s_max, spent)

    def _update_time_axes(self, now_ms: int) -> None:
        tz = zone(self._source.state.centre.timezone)
        offset = datetime.fromtimestamp(now_ms / 1000.0, tz).utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        if seconds != self._utc_offset:
            self._utc_offset = seconds
            for axis in self.axes.values():
                axis.utcOffset = -seconds  # pyqtgraph counts the offset west of UTC
                axis.picture = None
                axis.update()

    def _draw_samples(self, now_ms: int, plots: tuple[str, ...] = ("waiting", "agents")) -> None:
        now_s = now_ms / 1000.0
        x_range = (now_s - WINDOW_S, now_s)
        if "waiting" in plots:
            self._draw_waiting(x_range)
        if "agents" in plots:
            self._draw_agents(x_range)
        # Where the samples begin, while the estimate before it is in view.
        first = self.sampler.first_ms
        show_live = first is not None and any(self._estimated.values()) and first / 1000.0 > x_range[0]
        tz = self._source.state.centre.timezone
        for key in plots:
            line = self.live_lines[key]
            line.setVisible(show_live)
            if show_live and first is not None:
                line.setValue(first / 1000.0)
                line.label.setFormat(self.tr("live since {time}").format(time=clock_time(first, tz)[:5]))
        if show_live and first is not None:
            self.note.setText(
                self.tr(
                    "Before {time} (dotted line) the live charts are estimated from the day's "
                    "5-minute counts: dashed and lighter. Red ticks on the time axes are breaches."
                ).format(time=clock_time(first, tz)[:5])
            )
        else:
            self.note.setText(self.tr("Red ticks on the time axes are breaches."))

    def _draw_waiting(self, x_range: tuple[float, float]) -> None:
        top = 0.0
        total_waiting = 0
        estimated = False
        for qid, curve in self.queue_curves.items():
            if qid in self._hidden:
                continue  # not drawn: fed again when it is ticked
            times, values = self.sampler.queue_series(qid)
            curve.setData(times, values)
            est_times, est_values = self.sampler.queue_estimate(qid)
            estimate = self.queue_estimates[qid]
            given = self._estimates_given.get(qid)
            if given is None or any(
                a is not b for a, b in zip(given, (estimate, est_times, est_values), strict=True)
            ):
                estimate.setData(est_times, est_values)
                self._estimates_given[qid] = (estimate, est_times, est_values)
            if qid not in self._hidden:
                if len(values):
                    top = max(top, float(values.max()))
                    total_waiting += int(values[-1])
                if len(est_values):
                    estimated = True
                    top = max(top, float(est_values.max()))
        waiting = self.plots["waiting"]
        waiting.setXRange(*x_range, padding=0)
        _y_range(waiting, max(5.0, top * 1.15))
        selected = len(self.selected_queues())
        if selected == len(self._queue_order):
            reading = self.tr("{n} waiting now").format(n=total_waiting)
        else:
            reading = self.tr("{n} waiting now ({k} queues)").format(n=total_waiting, k=selected)
        self.cards["waiting"].reading.setText(reading)
        self._estimated["waiting"] = estimated

    def _draw_agents(self, x_range: tuple[float, float]) -> None:
        times, by_group = self.sampler.agent_series()
        stacked = np.cumsum(by_group, axis=1) if len(times) else np.zeros((0, len(STATE_GROUPS)))
        for k, group in enumerate(STATE_GROUPS):
            self.state_curves[group].setData(times, stacked[:, k])
        est_times, est_groups = self.sampler.agent_estimate()
        est_stacked = np.cumsum(est_groups, axis=1)
        for k, group in enumerate(ESTIMATE_GROUPS):
            self.state_estimates[group].setData(est_times, est_stacked[:, k])
        agents = self.plots["agents"]
        agents.setXRange(*x_range, padding=0)
        peak = float(stacked[:, -1].max()) if len(times) else 0.0
        if len(est_times):
            peak = max(peak, float(est_stacked[:, -1].max()))
        _y_range(agents, max(10.0, peak * 1.08))
        if len(times):
            last = by_group[-1]
            self.cards["agents"].reading.setText(self.tr("{n} logged in").format(n=int(last.sum())))
            for i, group in enumerate(reversed(STATE_GROUPS)):
                n = int(last[STATE_GROUPS.index(group)])
                self.state_legend.item(i).setText(
                    self.tr("{state} · {n}").format(state=state_group_label(group), n=n)
                )
        self._estimated["agents"] = len(est_times) > 0

    def _draw_intervals(self, now_ms: int) -> None:
        selected = self.selected_queues()
        figures = interval_figures(
            self._source.state,
            now_ms,
            self.config.interval_min,
            self.config.sl_definition,
            queue_ids=selected,
        )
        x_lo, x_hi = self._interval_range(figures)
        if self._history_dirty:
            self._history_dirty = False
            self._draw_history(selected)
        target = figures.target_pct
        self._fill_bars(
            figures,
            figures.service_level_pct,
            self.sl_bars,
            self.sl_current,
            lambda v: str(sl_level(v, target or 0.0, self.thresholds)),
        )
        sl_plot = self.plots["sl"]
        sl_plot.setXRange(x_lo, x_hi, padding=0)
        _y_range(sl_plot, 105.0)
        self.target_line.setVisible(target is not None)
        if target is not None:
            self.target_line.setValue(target)
            self.target_line.label.setFormat(self.tr("target {pct} %").format(pct=f"{target:.0f}"))
        self._fill_bars(
            figures,
            figures.abandon_pct,
            self.abandon_bars,
            self.abandon_current,
            lambda v: str(abandon_level(v, self.thresholds)),
        )
        ab = figures.abandon_pct
        ab_plot = self.plots["abandon"]
        ab_plot.setXRange(x_lo, x_hi, padding=0)
        finite = ab[~np.isnan(ab)]
        peak = float(finite.max()) if finite.size else 0.0
        peak = max(peak, self._history_peak)
        _y_range(ab_plot, max(self.thresholds.abandon_critical_pct * 1.5, peak * 1.15))
        minutes = self.config.interval_min
        self.cards["sl"].title.setText(
            self.tr("Service level per {minutes} min · today").format(minutes=minutes)
        )
        self.cards["abandon"].title.setText(
            self.tr("Abandon rate per {minutes} min · today").format(minutes=minutes)
        )
        if not selected:
            self.cards["sl"].reading.setText(self.tr("no queue ticked"))
            self.cards["abandon"].reading.setText(self.tr("no queue ticked"))
        elif figures.current >= 0:
            k = figures.current
            self.cards["sl"].reading.setText(self._now_and_last(figures.service_level_pct, k))
            self.cards["abandon"].reading.setText(self._now_and_last(ab, k))

    def _draw_history(self, selected: list[str]) -> None:
        """The earlier day's steps: set only when the day, the ticked queues or the width changed."""
        report = self._history
        day0 = self._source.state.centre.day_started_at
        f = None
        if report is not None and day0 is not None and report.interval_min == self.config.interval_min:
            f = past_interval_figures(report, selected, self.config.sl_definition, to_ms(day0))
        shown = f is not None and len(f.starts_ms) > 0
        self._history_peak = 0.0
        for key in ("sl", "abandon"):
            line, legend = self.history_lines[key], self.history_legends[key]
            line.setVisible(shown)
            legend.setVisible(shown)
            if f is None or not shown:
                line.setData([], [])
                continue
            values = f.service_level_pct if key == "sl" else f.abandon_pct
            starts = f.starts_ms / 1000.0
            # A dash across each interval at its value (start, end, then a break before the next).
            xs = np.column_stack([starts, starts + f.width_ms / 1000.0, starts + f.width_ms / 1000.0])
            ys = np.column_stack([values, values, np.full(len(values), np.nan)])
            line.setData(xs.ravel(), ys.ravel())
            legend.clear()
            legend.addItem(line, self._history_label)
            if key == "abandon":
                finite = values[~np.isnan(values)]
                self._history_peak = float(finite.max()) if finite.size else 0.0

    def _now_and_last(self, values: np.ndarray[Any, np.dtype[np.float64]], k: int) -> str:
        if k > 0:
            return self.tr("now {now} · last {last}").format(
                now=_fmt_pct(values[k]), last=_fmt_pct(values[k - 1])
            )
        return self.tr("now {now}").format(now=_fmt_pct(values[k]))

    def _interval_range(self, f: IntervalFigures) -> tuple[float, float]:
        """From the first interval with calls (at least the last hour) to the end of this one."""
        width_s = f.width_ms / 1000.0
        if not len(f.starts_ms):
            return 0.0, 1.0
        day0 = f.starts_ms[0] / 1000.0
        hi = f.starts_ms[-1] / 1000.0 + width_s
        busy = np.nonzero(f.offered)[0]
        lo = f.starts_ms[busy[0]] / 1000.0 if busy.size else hi - width_s
        lo = max(day0, min(lo, hi - 3600.0))
        return lo - width_s * 0.1, hi + width_s * 0.1

    def _fill_bars(
        self,
        f: IntervalFigures,
        values: np.ndarray[Any, np.dtype[np.float64]],
        bars: dict[str, pg.BarGraphItem],
        current: pg.BarGraphItem,
        level_of: Any,
    ) -> None:
        width_s = f.width_ms / 1000.0
        gap = width_s * 0.12
        x0 = f.starts_ms / 1000.0 + gap
        done = np.arange(len(values)) != f.current
        have = ~np.isnan(values)
        levels = np.array([level_of(float(v)) if h else "" for v, h in zip(values, have, strict=True)])
        for lvl, bar in bars.items():
            pick = done & have & (levels == lvl)
            bar.setOpts(x0=x0[pick], width=width_s - 2 * gap, height=values[pick])
        k = f.current
        if k >= 0 and have[k]:
            colour = QColor(self._level_colour(str(levels[k])))
            edge = QColor(colour)
            colour.setAlpha(90)  # the interval is not over yet: drawn lighter, outlined
            current.setOpts(
                x0=x0[k : k + 1],
                width=width_s - 2 * gap,
                height=values[k : k + 1],
                brush=pg.mkBrush(colour),
                pen=pg.mkPen(edge, width=1.5, style=Qt.PenStyle.DashLine),
            )
        else:
            current.setOpts(x0=[], width=[], height=[])

    def _level_colour(self, level: str) -> str:
        levels: dict[str, str] = self._pens["levels"]  # type: ignore[assignment]
        return levels.get(level, levels["ok"])

    def marked_breaches(self, key: str) -> list[float]:
        """The breach instants (epoch seconds) a chart marks on its time axis now."""
        xs = self.breach_ticks[key].xData
        return [] if xs is None else [float(x) for x in xs[::2]]

    def _draw_markers(self, keys: list[str]) -> None:
        for key in keys:
            plot = self.plots[key]
            (x_lo, x_hi), (y_lo, _) = plot.getPlotItem().getViewBox().viewRange()
            xs = self._breaches_s[(self._breaches_s >= x_lo) & (self._breaches_s <= x_hi)]
            # From the bottom of the strip below zero up to just under the zero line.
            self.breach_ticks[key].setData(np.repeat(xs, 2), np.tile([y_lo, y_lo * 0.2], len(xs)))
