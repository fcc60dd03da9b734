"""The queue overview: one row per queue in the gateway's order, then the centre total.

Every figure comes from ``figures.queues.queue_figures`` on the feed clock (kept
up to date by ``figures.incremental.LiveQueueFigures``); this module only formats and
colours. A floor update recomputes only the queues its change set touched, plus
the total, and signals the range of rows they span in one ``dataChanged``;
cells are formatted when a view asks for them (the rows on screen), once per
update. The longest wait grows with the
clock alone: every update and clock tick signals that column as one range. The
rolling-hour columns move on in 5-minute steps, each of which recomputes every
row; the occupancy column is agents' states now, and the total row's tooltip
adds the centre's occupancy today, refreshed once a feed minute. The
caption above the table states the service-level definition in words, since
platforms differ on how abandoned calls count.
"""

from __future__ import annotations

import time
from enum import IntEnum

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from console.application.floor_source import FloorSource
from console.domain.changes import ChangeSet
from console.domain.entities import SlDefinition
from console.domain.figures.incremental import LiveQueueFigures
from console.domain.figures.queues import (
    TOTAL_ID,
    Level,
    MetricsConfig,
    QueueFigures,
    interval_start_ms,
)
from console.domain.staffing import Model, QueueAdvice, RollingAdvisor, reason_text
from console.domain.wallboard import Metric, MetricLimits, ThresholdConfig, default_limits, level_of
from console.widgets.common.fmt import clock_time, duration, percent, signed
from console.widgets.common.rowsync import EMPTY, Cell, CellTableModel, setup_table, size_columns
from console.widgets.common.texts import translated
from console.widgets.common.throttle import CatchUpThrottle

#: A new staffing advice cycle at most this often (wall seconds); its inputs move slowly.
ADVICE_EVERY_S = 10.0
#: The advisor's turns: one every ADVICE_TICK_MS, at most ADVICE_BUDGET_S of the GUI thread each.
ADVICE_TICK_MS = 250
ADVICE_BUDGET_S = 0.012
EM_DASH = "—"


class Col(IntEnum):
    QUEUE = 0
    WAITING = 1
    LONGEST_WAIT = 2
    SL_INTERVAL = 3
    SL_TODAY = 4
    TARGET = 5
    ASA = 6
    ABANDON_PCT = 7
    AVAILABLE = 8
    ON_CALL = 9
    WRAP_UP = 10
    NOT_READY = 11
    STAFFED = 12
    OFFERED = 13
    ANSWERED = 14
    ABANDONED = 15
    AHT = 16
    # Added after the rest, so saved header layouts (column order and widths) stay valid.
    SL_ROLLING = 17
    ABANDON_ROLLING = 18
    OCCUPANCY = 19
    # Staffing advice (console.domain.staffing), refreshed a few queues a turn.
    NEEDED = 20  # agents needed now, and the gap: "12 (−2)"


def _num(value: float) -> str:
    return f"{value:g}"


class QueueOverviewModel(CellTableModel):
    """Queue rows keyed by queue id (the total, ``*``, always last)."""

    def __init__(self, source: FloorSource, parent: QObject | None = None) -> None:
        super().__init__(key=lambda row: row[-1], numeric=range(1, len(Col)), parent=parent)
        # Two-line titles keep the columns narrow: at 1600 px every column up to "Staffed" fits.
        headers = [
            self.tr("Queue"),
            self.tr("Waiting\nnow"),
            self.tr("Longest\nwait"),
            self.tr("SL\ninterval"),
            self.tr("SL\ntoday"),
            self.tr("SL\ntarget"),
            self.tr("ASA\ntoday"),
            self.tr("Abandon\n% today"),
            self.tr("Avail-\nable"),
            self.tr("On\ncall"),
            self.tr("Wrap-\nup"),
            self.tr("Not\nready"),
            self.tr("Staffed"),
            self.tr("Offered\ntoday"),
            self.tr("Answ.\ntoday"),
            self.tr("Aband.\ntoday"),
            self.tr("AHT\ntoday"),
            self.tr("SL\n60 min"),
            self.tr("Abandon\n% 60 min"),
            self.tr("Occu-\npancy"),
            self.tr("Needed\n(gap)"),
        ]
        self.set_headers(headers)
        for col, tip in (
            (Col.WAITING, self.tr("Calls waiting in the queue now")),
            (Col.LONGEST_WAIT, self.tr("How long the longest-waiting call has waited, on the feed clock")),
            (Col.TARGET, self.tr("The queue's service-level target: X % of calls answered within Y s")),
            (Col.ASA, self.tr("Average speed of answer: the average wait of calls answered today")),
            (Col.ABANDON_PCT, self.tr("Abandoned calls over offered calls today (short abandons left out)")),
            (Col.AVAILABLE, self.tr("Agents skilled for the queue who are available now")),
            (Col.ON_CALL, self.tr("Agents skilled for the queue on a call (ringing or talking) now")),
            (Col.WRAP_UP, self.tr("Agents skilled for the queue in wrap-up now")),
            (Col.NOT_READY, self.tr("Agents skilled for the queue who are not ready now")),
            (Col.STAFFED, self.tr("Agents skilled for the queue who are logged in")),
            (Col.OFFERED, self.tr("Calls offered to the queue today")),
            (Col.ANSWERED, self.tr("Calls answered today")),
            (
                Col.ABANDONED,
                self.tr("Calls abandoned today, short abandons included (the abandon rate leaves them out)"),
            ),
            (
                Col.AHT,
                self.tr(
                    "Average handle time today: talk (hold included: the feed does not report hold"
                    " apart) plus wrap-up, per handled call"
                ),
            ),
            (
                Col.ABANDON_ROLLING,
                self.tr(
                    "Abandoned calls over offered calls in the last 60 minutes, in 5-minute steps"
                    " (short abandons left out)"
                ),
            ),
            (
                Col.OCCUPANCY,
                self.tr(
                    "Occupancy now: agents skilled for the queue on a call or in wrap-up, over those"
                    " and the available ones (not-ready agents left out). The centre total counts"
                    " each agent once; its tooltip also gives the centre's occupancy today"
                ),
            ),
            (
                Col.NEEDED,
                self.tr(
                    "Agents the queue needs now to meet its service-level target, and in brackets the"
                    " gap: agents serving it now minus those needed (+3 spare, −2 short). Needed is the"
                    " fewest agents for which Erlang A (Erlang C when nobody abandoned today) predicts"
                    " the target, from the arrivals of the last 30 minutes, today's handle time and the"
                    " callers' patience; an agent serving several queues counts in each in proportion"
                    " to their workload. Double-click for the inputs and what-if moves"
                ),
            ),
        ):
            self.set_header_tip(col, tip)
        self._source = source
        self.config = MetricsConfig()
        # The console's thresholds (View ▸ Alert thresholds; the domain's defaults where unset): the
        # same the alerts and, by default, the wall display use. Tooltips quote the limits.
        self.thresholds = ThresholdConfig()
        self._limits: dict[tuple[str, float, float], tuple[MetricLimits, MetricLimits]] = {}
        self.figures: list[QueueFigures] = []  # as last computed, for anyone who wants the raw numbers
        self._live = LiveQueueFigures()
        self._by_id: dict[str, QueueFigures] = {}
        self._cells: dict[str, tuple[object, ...]] = {}  # rows formatted since their figures changed
        self._wait_cells: dict[str, Cell] = {}  # the longest-wait cells made since the last update
        self._occupancy_minute: int | None = None  # feed minute of the centre's occupancy today
        # While the feed catches up on a backlog, at most a few refreshes a second (merged).
        self._throttle = CatchUpThrottle(source, self._on_floor_updated, parent=self)
        source.floorUpdated.connect(self._throttle.on_floor_updated)
        source.clockTicked.connect(self._on_clock)
        # Staffing advice: a cycle every ADVICE_EVERY_S, a few queues a turn of ADVICE_TICK_MS.
        self.advisor = RollingAdvisor()
        self._advice_started: float | None = None
        self._advice_timer = QTimer(self)
        self._advice_timer.setInterval(ADVICE_TICK_MS)
        self._advice_timer.timeout.connect(self._advise_some)
        self._advice_timer.start()
        self.refresh()

    # -- configuration ---------------------------------------------------------------

    def set_config(self, config: MetricsConfig) -> None:
        self.config = config
        self.refresh()

    def set_thresholds(self, thresholds: ThresholdConfig) -> None:
        """The limits the cells are coloured by (board-wide and per queue)."""
        self.thresholds = thresholds
        self._limits.clear()
        self.refresh()

    def limits(self, f: QueueFigures) -> tuple[MetricLimits, MetricLimits]:
        """A row's limits in force, and the domain's defaults for it (the tooltips word them apart)."""
        key = (f.queue_id, f.sl_target_pct, f.sl_threshold_s)
        found = self._limits.get(key)
        if found is None:
            found = (self.thresholds.limits_for(f), default_limits(f.sl_target_pct, f.sl_threshold_s))
            self._limits[key] = found
        return found

    def sl_definition(self) -> SlDefinition:
        """The definition in force: the user's choice, or the centre's own."""
        return self.config.sl_definition or self._source.state.centre.sl_definition

    def sl_definition_text(self) -> str:
        """The service-level definition in words."""
        short = _num(self._source.state.centre.short_abandon_s)
        definition = self.sl_definition()
        if definition is SlDefinition.ABANDONS_IGNORED:
            return self.tr("SL: answered within the queue's threshold / answered (abandoned calls ignored)")
        if definition is SlDefinition.ABANDONS_WITHIN_SUCCEED:
            return self.tr(
                "SL: (answered within the queue's threshold + abandoned after {short} s but within it)"
                " / (answered + abandoned after {short} s)"
            ).format(short=short)
        return self.tr(
            "SL: answered within the queue's threshold / (answered + abandoned after {short} s)"
        ).format(short=short)

    def caption(self) -> str:
        """The caption over the table: SL definition, where it comes from, and the current interval."""
        origin = self.tr("chosen here") if self.config.sl_definition else self.tr("the centre's definition")
        text = f"{self.sl_definition_text()} ({origin})"
        now = self._source.feed_clock_ms()
        if now is not None:
            start = interval_start_ms(self._source.state, now, self.config.interval_min)
            tz = self._source.state.centre.timezone
            text += "  ·  " + self.tr("SL interval: {minutes} min from {start}").format(
                minutes=self.config.interval_min, start=clock_time(start, tz)
            )
        return text

    # -- staffing advice ---------------------------------------------------------------

    def _advise_some(self) -> None:
        """One turn of the advisor: a new cycle when due, then queues until the budget is spent.

        Not while the feed catches up (the figures are not current, and the turns are the
        backlog's).
        """
        source = self._source
        now = source.feed_clock_ms()
        if now is None or getattr(source, "catching_up", False) or not source.state.queues:
            return
        advisor = self.advisor
        wall = time.monotonic()
        if not advisor.busy:
            if self._advice_started is not None and wall - self._advice_started < ADVICE_EVERY_S:
                return
            self._advice_started = wall
            advisor.start(source.state, now)
        done = advisor.step(source.state, ADVICE_BUDGET_S)
        self.advice_done(done)

    def advise_now(self) -> None:
        """A whole cycle at once (tests, and the staffing dialog's first look)."""
        now = self._source.feed_clock_ms()
        if now is None:
            return
        self.advisor.start(self._source.state, now)
        self._advice_started = time.monotonic()
        done: list[str] = []
        while self.advisor.busy:
            done += self.advisor.step(self._source.state, 1.0)
        self.advice_done(done)

    def advice_done(self, queue_ids: list[str]) -> None:
        """Signal the staffing cells of ``queue_ids`` (and the total's) as changed."""
        if not queue_ids:
            return
        rows = [r for r in (self.rows.row_of(q) for q in [*queue_ids, TOTAL_ID]) if r is not None]
        for qid in (*queue_ids, TOTAL_ID):
            self._cells.pop(qid, None)
        if rows:
            root = QModelIndex()
            self.dataChanged.emit(
                self.index(min(rows), Col.NEEDED, root), self.index(max(rows), Col.NEEDED, root), []
            )

    def _staffing_cell(self, f: QueueFigures) -> Cell:
        if f.is_total:
            return self._total_staffing()
        advice = self.advisor.advice.get(f.queue_id)
        if advice is None:
            return Cell("", tip=self.tr("Not estimated yet"), sort=-1e9)
        tip = self.staffing_tip(advice)
        if advice.needed is None or advice.gap is None:
            why = translated(reason_text(advice.reason)) if advice.reason else ""
            return Cell(EM_DASH, tip=f"{why}\n\n{tip}" if why else tip, sort=-1e9)
        level = Level.WARNING if advice.gap < 0 else Level.OK
        return Cell(f"{advice.needed} ({signed(advice.gap)})", level, tip, sort=advice.gap)

    def _total_staffing(self) -> Cell:
        known = [a for a in self.advisor.advice.values() if a.needed is not None and a.gap is not None]
        if not known:
            return EMPTY
        needed = sum(a.needed or 0 for a in known)
        gap = sum(a.gap or 0 for a in known)
        tip = self.tr("Sums over the {n} queues with an estimate").format(n=len(known))
        level = Level.WARNING if gap < 0 else Level.OK
        return Cell(f"{needed} ({signed(gap)})", level, tip, sort=gap, bold=True)

    def staffing_tip(self, advice: QueueAdvice) -> str:
        """The advice's inputs in words (the cells' tooltip)."""
        i = advice.inputs
        lines = [
            self.tr("Arrivals: {rate}/h over the last {minutes} min").format(
                rate=_num(round(i.arrivals_per_hour, 1)) if i.arrivals_per_hour is not None else EM_DASH,
                minutes=round(i.window_s / 60),
            ),
            self.tr("Handle time today: {aht}").format(aht=duration(i.aht_s)),
            self.tr("Patience: {patience}").format(patience=duration(i.patience_s))
            if i.patience_s is not None
            else self.tr("Patience: nobody abandoned today (Erlang C)"),
            self.tr("Serving now: {share} (of {agents} agents, shared ones split by workload)").format(
                share=_num(round(advice.staffed, 1)), agents=advice.staffed_agents
            ),
            self.tr("Model: {model}").format(
                model="Erlang A" if advice.model is Model.ERLANG_A else "Erlang C"
            ),
        ]
        if advice.predicted_sl is not None:
            lines.append(
                self.tr(
                    "Predicted for the rest of this interval with the agents serving it now: SL {sl},"
                    " ASA {asa}, abandoned {abandon}"
                ).format(
                    sl=percent(100.0 * advice.predicted_sl),
                    asa=duration(advice.predicted_asa_s),
                    abandon=percent(
                        None if advice.predicted_abandon is None else 100.0 * advice.predicted_abandon
                    ),
                )
            )
        elif advice.prediction_reason is not None:
            lines.append(translated(reason_text(advice.prediction_reason)))
        return "\n".join(lines)

    # -- updating --------------------------------------------------------------------

    def refresh(self, *_: object) -> None:
        """Recompute every figure on the feed clock and signal the cells that changed."""
        self._throttle.flush()
        self._live = LiveQueueFigures()
        self._update(None, occupancy=True)

    def _on_floor_updated(self, changes: ChangeSet) -> None:
        self._update(changes)

    def _on_clock(self) -> None:
        self._throttle.tick(self._tick)  # after what is held back; while catching up, a turn of its own

    def _tick(self) -> None:
        # The centre's occupancy today (O(agents), on the total row's occupancy tooltip) moves
        # slowly: brought up to date once a feed minute, not at every tick or update.
        now = self._source.feed_clock_ms()
        minute = None if now is None else now // 60_000
        self._update(None, occupancy=minute != self._occupancy_minute)

    def _update(self, changes: ChangeSet | None, *, occupancy: bool = False) -> None:
        """Follow ``changes`` (None: the clock moved): re-format the rows recomputed, tick the waits.

        The rolling-hour columns need nothing of their own: the hour moves on in 5-minute
        steps, and each step recomputes every row (``LiveQueueFigures`` returns None).
        """
        now = self._source.feed_clock_ms()
        self._wait_cells.clear()
        before = self.figures[-1].occupancy_today_pct if self.figures else None
        if now is None:
            recomputed = None
            self.figures = []
        else:
            recomputed = self._live.update(self._source.state, changes, now, self.config, occupancy=occupancy)
            self.figures = self._live.figures
            if occupancy:
                self._occupancy_minute = now // 60_000
            if recomputed == set() and self.figures and self.figures[-1].occupancy_today_pct != before:
                recomputed = {TOTAL_ID}  # only the total's occupancy tooltip is new
        self._by_id = {f.queue_id: f for f in self.figures}
        last = self.columnCount() - 1
        root = QModelIndex()
        if recomputed is None:  # the queues, their order or every figure changed
            self._cells.clear()
            self.rows.sync([(f.queue_id,) for f in self.figures])  # rows are keys; cells come in cell()
            if self.figures:
                self.dataChanged.emit(
                    self.index(0, 0, root), self.index(len(self.figures) - 1, last, root), []
                )
        elif recomputed:
            changed = []
            for qid in recomputed:
                self._cells.pop(qid, None)
                row = self.rows.row_of(qid)
                if row is not None:
                    changed.append(row)
            if changed:  # one signal over the rows recomputed (and those between them)
                self.dataChanged.emit(
                    self.index(min(changed), 0, root), self.index(max(changed), last, root), []
                )
        self.rows.emit_column(Col.LONGEST_WAIT)
        definition = self.sl_definition_text()
        self.set_header_tip(
            Col.SL_INTERVAL,
            self.tr("Service level in the current {minutes}-minute interval. {definition}").format(
                minutes=self.config.interval_min, definition=definition
            ),
        )
        self.set_header_tip(
            Col.SL_TODAY,
            self.tr("Service level since the business day started. {definition}").format(
                definition=definition
            ),
        )
        self.set_header_tip(
            Col.SL_ROLLING,
            self.tr("Service level in the last 60 minutes, in 5-minute steps. {definition}").format(
                definition=definition
            ),
        )

    def cell(self, row: int, column: int) -> Cell:
        qid = self.rows.rows[row][-1]
        if column == Col.LONGEST_WAIT:
            wait = self._wait_cells.get(qid)
            if wait is None:
                f = self._by_id.get(qid)
                wait = EMPTY if f is None else self._wait(f)
                self._wait_cells[qid] = wait
            return wait
        cells = self._cells.get(qid)
        if cells is None:
            f = self._by_id.get(qid)
            cells = () if f is None else self._row(f)
            self._cells[qid] = cells
        value = cells[column] if column < len(cells) else EMPTY
        return value if isinstance(value, Cell) else EMPTY

    def _wait(self, f: QueueFigures) -> Cell:
        """The longest-wait cell: it grows with the clock, so it is made when a view asks."""
        wait = level_of(Metric.LONGEST_WAIT, f.longest_wait_s, self.limits(f)[0].longest_wait)
        return Cell(
            duration(f.longest_wait_s),
            wait,
            self._wait_tip(f, wait),
            -1.0 if f.longest_wait_s is None else f.longest_wait_s,
            bold=f.is_total,
        )

    def _row(self, f: QueueFigures) -> tuple[object, ...]:
        limits = self.limits(f)[0]
        total = f.is_total
        today = f.today
        abandon = level_of(Metric.ABANDON, today.abandon_pct, limits.abandon)
        rolling = f.rolling
        abandon_rolling = level_of(Metric.ABANDON, rolling.abandon_pct, limits.abandon)
        waiting = level_of(Metric.WAITING, float(f.waiting), limits.waiting)
        name = self.tr("Centre total") if total else f.name
        target = self.tr("{pct}% in {secs} s").format(pct=_num(f.sl_target_pct), secs=_num(f.sl_threshold_s))
        staff = f.staff
        return (
            Cell(name, tip=self.tr("All queues") if total else f.queue_id, bold=total),
            Cell(
                str(f.waiting),
                waiting,
                self._waiting_tip(f, waiting, limits),
                sort=f.waiting,
                bold=total,
            ),
            EMPTY,  # the longest wait: made in cell(), when a view asks
            self._sl(f.interval.service_level_pct, f, total),
            self._sl(today.service_level_pct, f, total),
            Cell(
                target,
                tip=self.tr("Strictest target and threshold of any queue") if total else "",
                sort=f.sl_target_pct,
                bold=total,
            ),
            Cell(duration(today.asa_s), sort=_key(today.asa_s), bold=total),
            Cell(
                percent(today.abandon_pct),
                abandon,
                self._abandon_tip(today.abandon_pct, abandon, limits),
                _key(today.abandon_pct),
                bold=total,
            ),
            self._int(staff.available, total),
            self._int(staff.on_call, total),
            self._int(staff.wrap_up, total),
            self._int(staff.not_ready, total),
            self._int(staff.staffed, total),
            self._int(today.offered, total),
            self._int(today.answered, total),
            self._int(today.abandoned, total),
            Cell(duration(today.aht_s), sort=_key(today.aht_s), bold=total),
            self._sl(rolling.service_level_pct, f, total),
            Cell(
                percent(rolling.abandon_pct),
                abandon_rolling,
                self._abandon_tip(rolling.abandon_pct, abandon_rolling, limits),
                _key(rolling.abandon_pct),
                bold=total,
            ),
            self._occupancy(f),
            self._staffing_cell(f),
            f.queue_id,  # hidden: the row key
        )

    def _occupancy(self, f: QueueFigures) -> Cell:
        """Occupancy now (agent states); the total's tooltip adds the centre's occupancy today."""
        now = f.staff.occupancy_pct
        if not f.is_total:
            tip = "" if now is not None else self.tr("No agent on a call, in wrap-up or available")
        else:
            tip = self.tr(
                "Occupancy today, whole centre: {pct} (time on calls and in wrap-up over that and"
                " time available, since the business day started)"
            ).format(pct=percent(f.occupancy_today_pct))
        return Cell(percent(now), tip=tip, sort=_key(now), bold=f.is_total)

    @staticmethod
    def _int(value: int, bold: bool) -> Cell:
        return Cell(str(value), sort=value, bold=bold)

    def _sl(self, sl: float | None, f: QueueFigures, bold: bool) -> Cell:
        limits, defaults = self.limits(f)
        mine, default = limits.service_level, defaults.service_level
        level = level_of(Metric.SERVICE_LEVEL, sl, mine)
        target = _num(f.sl_target_pct) + "%"
        if sl is None:
            tip = self.tr("No calls counted yet")
        elif level is Level.CRITICAL and mine.critical != default.critical:
            tip = self.tr("Service level {sl} is below the critical limit of {limit}%").format(
                sl=percent(sl), limit=_num(mine.critical or 0.0)
            )
        elif level is Level.CRITICAL:
            tip = self.tr("Service level {sl} is more than {pts} points below the {target} target").format(
                sl=percent(sl), pts=_num(f.sl_target_pct - (mine.critical or 0.0)), target=target
            )
        elif level is Level.WARNING and mine.warning != default.warning:
            tip = self.tr("Service level {sl} is below the warning limit of {limit}%").format(
                sl=percent(sl), limit=_num(mine.warning or 0.0)
            )
        elif level is Level.WARNING:
            tip = self.tr("Service level {sl} is below the {target} target").format(
                sl=percent(sl), target=target
            )
        elif sl < f.sl_target_pct:
            tip = self.tr("Service level {sl} is below the {target} target, within its limits").format(
                sl=percent(sl), target=target
            )
        else:
            tip = self.tr("Service level {sl} meets the {target} target").format(
                sl=percent(sl), target=target
            )
        return Cell(percent(sl), level, tip, _key(sl), bold=bold)

    def _wait_tip(self, f: QueueFigures, level: Level) -> str:
        wait, threshold = duration(f.longest_wait_s), _num(f.sl_threshold_s)
        limits, defaults = self.limits(f)
        mine, default = limits.longest_wait, defaults.longest_wait
        if level is Level.CRITICAL and mine.critical != default.critical:
            return self.tr("Longest wait {wait} is past the critical limit of {limit}").format(
                wait=wait, limit=duration(mine.critical)
            )
        if level is Level.CRITICAL:
            times = (mine.critical or 0.0) / f.sl_threshold_s if f.sl_threshold_s else 0.0
            return self.tr("Longest wait {wait} is more than {times}× the {threshold} s threshold").format(
                wait=wait, times=_num(times), threshold=threshold
            )
        if level is Level.WARNING and mine.warning != default.warning:
            return self.tr("Longest wait {wait} is past the warning limit of {limit}").format(
                wait=wait, limit=duration(mine.warning)
            )
        if level is Level.WARNING:
            return self.tr("Longest wait {wait} is past the {threshold} s service-level threshold").format(
                wait=wait, threshold=threshold
            )
        if f.longest_wait_s is None:
            return self.tr("No call waiting")
        return ""

    def _waiting_tip(self, f: QueueFigures, level: Level, limits: MetricLimits) -> str:
        most = "" if f.is_total else self.tr("Most waiting at once today: {n}").format(n=f.today.max_waiting)
        if level is Level.CRITICAL:
            past = self.tr("{n} waiting: past the critical limit of {limit}")
            limit = limits.waiting.critical
        elif level is Level.WARNING:
            past = self.tr("{n} waiting: past the warning limit of {limit}")
            limit = limits.waiting.warning
        else:
            return most
        text = past.format(n=f.waiting, limit=_num(limit or 0.0))
        return f"{text}\n{most}" if most else text

    def _abandon_tip(self, pct: float | None, level: Level, limits: MetricLimits) -> str:
        if level is Level.CRITICAL:
            limit = limits.abandon.critical or 0.0
        elif level is Level.WARNING:
            limit = limits.abandon.warning or 0.0
        else:
            return ""
        return self.tr("Abandon rate {rate} is above {limit}%").format(rate=percent(pct), limit=_num(limit))


def _key(value: float | None) -> float:
    """Sort key that puts "nothing counted yet" first."""
    return -1.0 if value is None else value


class QueueOverview(QWidget):
    """The queue table with a caption stating the SL definition and interval."""

    #: A double-click on a queue's staffing cells: its inputs and what-if moves, please.
    staffingRequested = Signal(str)

    def __init__(self, source: FloorSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._model = QueueOverviewModel(source, self)
        self._caption = QLabel(self)
        self._caption.setObjectName("slDefinitionCaption")
        self._caption.setWordWrap(True)
        self._caption.setTextFormat(Qt.TextFormat.PlainText)
        self._view = QTableView(self)
        self._view.setObjectName("queueOverviewTable")
        self._view.setModel(self._model)
        setup_table(self._view)
        size_columns(
            self._view,
            (
                (Col.QUEUE, 165),
                (Col.TARGET, 86),
                (Col.NEEDED, 70),
                # Room for a level icon beside the figure ("100.0%" and the icon, no more: every
                # column should fit beside the agents on a 1920 px screen).
                (Col.LONGEST_WAIT, 62),
                (Col.SL_INTERVAL, 62),
                (Col.SL_TODAY, 62),
                (Col.ABANDON_PCT, 62),
                (Col.SL_ROLLING, 62),
                (Col.ABANDON_ROLLING, 62),
            ),
            default=42,
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self._caption)
        layout.addWidget(self._view, 1)
        self._view.doubleClicked.connect(self._on_double_click)
        source.floorUpdated.connect(self._update_caption)
        source.clockTicked.connect(self._update_caption)
        self._update_caption()

    @property
    def model(self) -> QueueOverviewModel:
        return self._model

    @property
    def view(self) -> QTableView:
        return self._view

    @property
    def caption(self) -> QLabel:
        return self._caption

    def set_config(self, config: MetricsConfig) -> None:
        """Interval width and SL definition chosen by the user (None definition: the centre's)."""
        self._model.set_config(config)
        self._update_caption()

    def set_thresholds(self, thresholds: ThresholdConfig) -> None:
        """The console's thresholds (board-wide and per queue) the cells are coloured by."""
        self._model.set_thresholds(thresholds)

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.column() == Col.NEEDED:
            qid = self._model.rows.rows[index.row()][-1]  # the view shows the model as it is
            if isinstance(qid, str) and qid != TOTAL_ID:
                self.staffingRequested.emit(qid)

    def _update_caption(self, *_: object) -> None:
        text = self._model.caption()
        if text != self._caption.text():
            self._caption.setText(text)
