"""The wall display's rules, without Qt: layouts, tile levels, page rotation, burn-in shift.

A wallboard shows *pages* of *tiles* (one per queue, a centre summary, the breach
list, a queue-length chart, optionally the staffing advice) and rotates through the pages. This module holds
what decides what is shown, so it is unit-tested headless; the Qt views
(``console.widgets.wallboard.window*``) only draw it, and the layout file's parser
(``console.application.wallboard_layout``) builds a ``Layout`` from TOML.

**Levels.** Each figure of a tile has a level (ok, warning, critical) from
warning and critical limits per metric, set for the whole board and overridable
per queue. A limit left out takes the domain's default
(``figures.queues.Thresholds``), so a wallboard with no thresholds agrees with the
console's queue overview to the cell:

============== =================== ================================================
metric         worse when          default warning / critical
============== =================== ================================================
service_level  lower (below)       the queue's target / 10 points below the target
longest_wait   higher (above)      the queue's SL threshold / 3x the threshold (s)
abandon        higher (above)      5 % / 10 %
waiting        higher (above)      none (calls waiting depend on the queue's size)
============== =================== ================================================

A figure exactly *at* a limit is on the better side of it: a service level of
exactly 80 % against a warning limit of 80 is ok, 79.9 % is a warning; a
longest wait of exactly 20 s against a warning limit of 20 s is ok, 20.1 s is a
warning. That is the rule ``figures.queues.sl_level``/``wait_level``/``abandon_level``
follow.

**Now and today.** A tile's figures are of two kinds: *live* ones (calls waiting,
the longest wait, service level this interval) say how the queue is doing now;
*today's* (service level today, abandoned today) how the day has gone so far.
By default (``TileLevelRule.NOW``) a tile's level, and so its colour, its word
and its flash, is the worst of its live figures' only: a queue that had a bad
morning but has nobody waiting and 100 % this interval is not critical in the
afternoon. Today's figures still get a level, on their own scale
(``ThresholdConfig.today``: service level and abandons, per queue too), which
the board shows softly and which does not touch the tile's.
``TileLevelRule.NOW_AND_TODAY`` counts them in the tile's level as well.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from console.domain.figures.queues import Level, QueueFigures, Thresholds
from console.domain.staffing import QueueAdvice

# -- levels ---------------------------------------------------------------------------------------

_RANK = {Level.OK: 0, Level.WARNING: 1, Level.CRITICAL: 2}


def worst(levels: Iterable[Level]) -> Level:
    """The most serious of ``levels`` (ok for none)."""
    out = Level.OK
    for level in levels:
        if _RANK[level] > _RANK[out]:
            out = level
    return out


class Metric(StrEnum):
    SERVICE_LEVEL = "service_level"
    LONGEST_WAIT = "longest_wait"
    WAITING = "waiting"
    ABANDON = "abandon"


#: Metrics for which a lower figure is worse (the others: a higher figure is worse).
LOWER_IS_WORSE = frozenset({Metric.SERVICE_LEVEL})


@dataclass(frozen=True)
class Limits:
    """Where a metric turns warning and critical; None: no such level (or, in a config, the default)."""

    warning: float | None = None
    critical: float | None = None


def level_of(metric: Metric, value: float | None, limits: Limits) -> Level:
    """The level of ``value`` against ``limits``; a value exactly at a limit is on the better side."""
    if value is None or math.isnan(value):
        return Level.OK
    if metric in LOWER_IS_WORSE:
        if limits.critical is not None and value < limits.critical:
            return Level.CRITICAL
        if limits.warning is not None and value < limits.warning:
            return Level.WARNING
        return Level.OK
    if limits.critical is not None and value > limits.critical:
        return Level.CRITICAL
    if limits.warning is not None and value > limits.warning:
        return Level.WARNING
    return Level.OK


@dataclass(frozen=True)
class MetricLimits:
    """Limits for each metric, as a layout sets them: a None limit falls back to the next level up."""

    service_level: Limits = Limits()
    longest_wait: Limits = Limits()
    waiting: Limits = Limits()
    abandon: Limits = Limits()

    def get(self, metric: Metric) -> Limits:
        limits: Limits = getattr(self, metric.value)
        return limits

    def over(self, base: MetricLimits) -> MetricLimits:
        """These limits where set, ``base``'s where not (limit by limit)."""
        merged: dict[str, Limits] = {}
        for metric in Metric:
            mine, theirs = self.get(metric), base.get(metric)
            merged[metric.value] = Limits(
                warning=mine.warning if mine.warning is not None else theirs.warning,
                critical=mine.critical if mine.critical is not None else theirs.critical,
            )
        return MetricLimits(**merged)


def default_limits(target_pct: float, threshold_s: float, base: Thresholds | None = None) -> MetricLimits:
    """The domain's limits for a queue with this SL target and threshold (``figures.queues.Thresholds``)."""
    t = base or Thresholds()
    has_threshold = threshold_s > 0
    return MetricLimits(
        service_level=Limits(
            warning=target_pct - t.sl_warning_below_target_pts,
            critical=target_pct - t.sl_critical_below_target_pts,
        ),
        longest_wait=Limits(
            warning=threshold_s * t.wait_warning_x_threshold if has_threshold else None,
            critical=threshold_s * t.wait_critical_x_threshold if has_threshold else None,
        ),
        waiting=Limits(),
        abandon=Limits(warning=t.abandon_warning_pct, critical=t.abandon_critical_pct),
    )


#: The metrics today's scale has (``[thresholds.today]``): the figures of a tile that are the day's so far.
TODAY_METRICS = (Metric.SERVICE_LEVEL, Metric.ABANDON)


class TileLevelRule(StrEnum):
    """Which figures make a tile's level (``[thresholds] tile_level``)."""

    NOW = "now"  # the live figures only: waiting, longest wait, SL this interval (the default)
    NOW_AND_TODAY = "now_and_today"  # today's figures count too, at full strength


@dataclass(frozen=True)
class ThresholdConfig:
    """The layout's limits: for the board (``[thresholds]``) and per queue (``[thresholds.queues.ID]``).

    The centre summary uses the board's limits; a queue tile its queue's, then the
    board's, then the domain's defaults for the queue's own target and threshold.

    Today's scale (``today``, ``queues_today``: service level and abandons only)
    is resolved the same way, and a limit it leaves out is the live one
    (``limits_for``): with no ``[thresholds.today]`` at all, today's figures are
    held against the same limits as before, only shown softly.
    """

    board: MetricLimits = MetricLimits()
    queues: Mapping[str, MetricLimits] = field(default_factory=dict)
    today: MetricLimits = MetricLimits()
    queues_today: Mapping[str, MetricLimits] = field(default_factory=dict)
    tile_level: TileLevelRule = TileLevelRule.NOW

    def over(self, base: ThresholdConfig) -> ThresholdConfig:
        """These limits where set, ``base``'s where not: a layout's thresholds over the console's.

        A queue's limit resolves as this config's for the queue, this config's board-wide one,
        ``base``'s for the queue, ``base``'s board-wide one, then the domain's default. Today's
        scale and the tile level rule are this config's (``base`` is on the live scale only).
        """
        queues = {
            qid: self.queues.get(qid, MetricLimits())
            .over(self.board)
            .over(base.queues.get(qid, MetricLimits()))
            for qid in {*self.queues, *base.queues}
        }
        return replace(self, board=self.board.over(base.board), queues=queues)

    def limits_for(self, figures: QueueFigures, base: Thresholds | None = None) -> MetricLimits:
        """Every limit resolved for one tile's figures (a queue, or the centre total)."""
        defaults = default_limits(figures.sl_target_pct, figures.sl_threshold_s, base)
        mine = self.board if figures.is_total else self.queues.get(figures.queue_id, MetricLimits())
        return mine.over(self.board).over(defaults)

    def today_limits_for(self, figures: QueueFigures, base: Thresholds | None = None) -> MetricLimits:
        """Today's scale for one tile: the queue's today limits, the board's, then the live limits."""
        mine = self.today if figures.is_total else self.queues_today.get(figures.queue_id, MetricLimits())
        return mine.over(self.today).over(self.limits_for(figures, base))

    def levels(self, figures: QueueFigures, base: Thresholds | None = None) -> TileLevels:
        """The levels of one tile's figures and the tile's, by this configuration."""
        return tile_levels(
            figures,
            self.limits_for(figures, base),
            self.today_limits_for(figures, base),
            today_counts=self.tile_level is TileLevelRule.NOW_AND_TODAY,
        )


#: A queue tile's figures on the live scale, and on today's.
LIVE_FIGURES = ("waiting", "longest_wait", "sl_interval")
TODAY_FIGURES = ("sl_today", "abandon")


@dataclass(frozen=True)
class TileLevels:
    """The level of each figure a queue (or summary) tile shows, and the tile's own.

    ``waiting``, ``longest_wait`` and ``sl_interval`` are live; ``sl_today`` and
    ``abandon`` (today's) are on today's scale. The tile's level is the worst of
    the live ones, and of today's too when ``today_counts``.
    """

    waiting: Level = Level.OK
    longest_wait: Level = Level.OK
    sl_interval: Level = Level.OK
    sl_today: Level = Level.OK
    abandon: Level = Level.OK
    today_counts: bool = False

    @property
    def now(self) -> Level:
        """The worst of the live figures."""
        return worst((self.waiting, self.longest_wait, self.sl_interval))

    @property
    def today(self) -> Level:
        """The worst of today's figures."""
        return worst((self.sl_today, self.abandon))

    @property
    def tile(self) -> Level:
        return worst((self.now, self.today)) if self.today_counts else self.now

    def of(self, figure: str) -> Level:
        """The level of one figure by its key (``LIVE_FIGURES``, ``TODAY_FIGURES``)."""
        if figure not in LIVE_FIGURES and figure not in TODAY_FIGURES:
            raise KeyError(figure)
        level: Level = getattr(self, figure)
        return level

    def soft(self, figure: str) -> bool:
        """True when ``figure``'s level is shown on the softer scale: today's, not counted in the tile's."""
        return figure in TODAY_FIGURES and not self.today_counts


def tile_levels(
    figures: QueueFigures,
    limits: MetricLimits,
    today: MetricLimits | None = None,
    *,
    today_counts: bool = False,
) -> TileLevels:
    """Levels of a queue tile's figures: live ones against ``limits``, today's against ``today``.

    ``today`` None: today's figures against ``limits`` as well. ``today_counts``:
    today's levels count in the tile's (``TileLevelRule.NOW_AND_TODAY``).
    """
    day = limits if today is None else today
    return TileLevels(
        waiting=level_of(Metric.WAITING, float(figures.waiting), limits.waiting),
        longest_wait=level_of(Metric.LONGEST_WAIT, figures.longest_wait_s, limits.longest_wait),
        sl_interval=level_of(Metric.SERVICE_LEVEL, figures.interval.service_level_pct, limits.service_level),
        sl_today=level_of(Metric.SERVICE_LEVEL, figures.today.service_level_pct, day.service_level),
        abandon=level_of(Metric.ABANDON, figures.today.abandon_pct, day.abandon),
        today_counts=today_counts,
    )


class LevelTracker:
    """Notices tiles that *enter* critical, for the flash and the sound.

    A tile seen for the first time does not count as entering (a board that starts,
    or a queue that appears, on a bad morning must not go off all at once).
    """

    def __init__(self) -> None:
        self._last: dict[str, Level] = {}

    def observe(self, levels: Mapping[str, Level]) -> set[str]:
        """The keys whose level became critical since the last observation."""
        entered = {
            key
            for key, level in levels.items()
            if level is Level.CRITICAL and key in self._last and self._last[key] is not Level.CRITICAL
        }
        self._last.update(levels)
        return entered


# -- layout ---------------------------------------------------------------------------------------


class TileKind(StrEnum):
    QUEUE = "queue"
    SUMMARY = "summary"
    BREACHES = "breaches"
    CHART = "chart"
    STAFFING = "staffing"


#: ``queue = "*"``: a tile for every queue on the feed (in the gateway's order) not named on the page.
ALL_QUEUES = "*"


@dataclass(frozen=True)
class TileSpec:
    """A tile as the layout gives it."""

    kind: TileKind
    queue: str | None = None  # queue tiles: a queue id, or ALL_QUEUES; staffing: one queue, None all
    queues: tuple[str, ...] = ()  # chart: the queues drawn (empty: all)
    title: str | None = None  # instead of the tile's own heading
    minutes: int = 60  # chart: the time span
    rows: int = 6  # breaches: entries listed; staffing (every queue): queues listed


@dataclass(frozen=True)
class PageSpec:
    title: str
    tiles: tuple[TileSpec, ...]
    columns: int | None = None  # None: chosen to make the tiles as large as possible
    rotate_s: float | None = None  # None: the layout's


@dataclass(frozen=True)
class BurnIn:
    """The whole board shifts by up to ``pixels`` in x and y, one step every ``every_s`` seconds."""

    pixels: int = 8
    every_s: float = 180.0


@dataclass(frozen=True)
class Layout:
    pages: tuple[PageSpec, ...]
    rotate_s: float = 20.0  # seconds per page; 0: no rotation
    sound: bool = False  # beep when a tile enters critical
    interval_min: int = 15  # the "this interval" of service level: 15 or 30
    theme: str | None = None  # light or dark; None: dark unless --theme
    burn_in: BurnIn = BurnIn()
    thresholds: ThresholdConfig = ThresholdConfig()
    source: str = "built-in default"  # the file it came from, for messages

    def page_seconds(self) -> list[float]:
        return [self.rotate_s if p.rotate_s is None else p.rotate_s for p in self.pages]


def default_layout() -> Layout:
    """Page 1: the centre summary and every queue; page 2: breaches and the queue-length chart."""
    return Layout(
        pages=(
            PageSpec(
                title="Queues",
                tiles=(TileSpec(TileKind.SUMMARY), TileSpec(TileKind.QUEUE, queue=ALL_QUEUES)),
            ),
            PageSpec(
                title="Breaches and queue length",
                tiles=(TileSpec(TileKind.BREACHES), TileSpec(TileKind.CHART)),
            ),
        )
    )


@dataclass(frozen=True)
class Tile:
    """A tile placed on a page, with the feed's queues known.

    ``missing``: a queue tile names a queue the feed does not have (shown as a
    notice on the tile, not an error: the layout may be shared between floors).
    """

    spec: TileSpec
    queue_id: str | None = None
    missing: bool = False

    @property
    def key(self) -> str:
        """Identifies what the tile shows, across pages (levels are tracked by it)."""
        if self.spec.kind is TileKind.QUEUE:
            return f"queue:{self.queue_id}"
        if self.spec.kind is TileKind.STAFFING and self.queue_id is not None:
            return f"staffing:{self.queue_id}"
        return self.spec.kind.value


def expand_tiles(page: PageSpec, queue_ids: Sequence[str], feed_ready: bool = True) -> list[Tile]:
    """The page's tiles in order, ``queue = "*"`` replaced by one tile per queue.

    ``queue_ids``: the feed's queues in the gateway's order. Until the feed has
    delivered its floor (``feed_ready`` False), "*" stands for no queue and a named
    queue is not (yet) missing.
    """
    named = {t.queue for t in page.tiles if t.kind is TileKind.QUEUE and t.queue != ALL_QUEUES}
    known = set(queue_ids)
    out: list[Tile] = []
    for spec in page.tiles:
        if spec.kind is TileKind.STAFFING and spec.queue is not None:
            out.append(Tile(spec, spec.queue, missing=feed_ready and spec.queue not in known))
        elif spec.kind is not TileKind.QUEUE:
            out.append(Tile(spec))
        elif spec.queue == ALL_QUEUES:
            out.extend(Tile(spec, qid) for qid in queue_ids if qid not in named)
        else:
            out.append(Tile(spec, spec.queue, missing=feed_ready and spec.queue not in known))
    return out


# -- staffing tile --------------------------------------------------------------------------------

#: A staffing tile's gap is critical when the queue is short by this many agents or more …
STAFFING_CRITICAL_SHORT = 3
#: … or by this share of the agents it needs (or more); short by fewer is a warning.
STAFFING_CRITICAL_SHARE = 0.25
#: Advice older than this on the feed clock is not shown (the tile says it is being recomputed).
STAFFING_MAX_AGE_MS = 5 * 60_000
#: A new advice cycle once the feed clock has moved this far since the last one began.
STAFFING_EVERY_MS = 10_000


def gap_level(gap: int | None, needed: int | None) -> Level:
    """The level of a staffing gap (serving now − needed): ok at 0 or more, short is a warning or critical.

    Critical when short by ``STAFFING_CRITICAL_SHORT`` agents or more, or by at least
    ``STAFFING_CRITICAL_SHARE`` of those needed; a warning when short by fewer. No advice: ok.
    """
    if gap is None or gap >= 0:
        return Level.OK
    short = -gap
    if short >= STAFFING_CRITICAL_SHORT or (needed and short >= needed * STAFFING_CRITICAL_SHARE):
        return Level.CRITICAL
    return Level.WARNING


def advice_current(advised_ms: int, now_ms: int | None) -> bool:
    """Whether advice made at ``advised_ms`` (feed clock) may still be shown at ``now_ms``."""
    return now_ms is not None and advised_ms <= now_ms and now_ms - advised_ms <= STAFFING_MAX_AGE_MS


def advice_due(started_ms: int | None, now_ms: int) -> bool:
    """Whether a new advice cycle is due: none yet, the feed clock moved on enough, or went back (new day)."""
    return started_ms is None or now_ms < started_ms or now_ms - started_ms >= STAFFING_EVERY_MS


def shortest_first(advice: Sequence[QueueAdvice]) -> list[QueueAdvice]:
    """A staffing list's order: the most short first (lowest gap), queues without advice last.

    Ties keep the given order (the gateway's queue order).
    """
    ranked = sorted(enumerate(advice), key=lambda p: (p[1].gap is None, p[1].gap or 0, p[0]))
    return [a for _, a in ranked]


def grid_shape(count: int, width: float, height: float, aspect: float = 1.3) -> tuple[int, int]:
    """Columns and rows for ``count`` tiles in ``width`` x ``height``: the largest tiles of ``aspect``.

    Each choice of columns is scored by the height of the largest ``aspect``
    (width / height) rectangle that fits its cell; ties go to fewer empty cells.
    """
    if count <= 0:
        return 1, 1
    best: tuple[float, int, int, int] | None = None
    for cols in range(1, count + 1):
        rows = math.ceil(count / cols)
        cell_w, cell_h = width / cols, height / rows
        score = min(cell_w / aspect, cell_h)
        empty = cols * rows - count
        candidate = (score, -empty, cols, rows)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    assert best is not None
    return best[2], best[3]


def fixed_grid(count: int, columns: int) -> tuple[int, int]:
    """Columns and rows when the page fixes the columns."""
    cols = max(1, min(columns, max(count, 1)))
    return cols, max(1, math.ceil(count / cols))


# -- rotation -------------------------------------------------------------------------------------


class PageRotation:
    """Which page is up, and when the next one is due; times are monotonic seconds (wall time).

    Rotation runs on the workstation's clock, not the feed clock: a page stays up
    for the same time whatever speed a simulator runs at. A page with 0 seconds
    stays until someone switches; pausing keeps the page up until resumed, which
    gives the page its full time again. Switching by hand gives the new page its
    full time too.
    """

    def __init__(self, seconds: Sequence[float], now: float, start: int = 0) -> None:
        if not seconds:
            raise ValueError("a rotation needs at least one page")
        self.seconds = list(seconds)
        self.paused = False
        self.current = start % len(self.seconds)
        self._since = now

    @property
    def count(self) -> int:
        return len(self.seconds)

    def remaining(self, now: float) -> float | None:
        """Seconds until the next page; None when it will not turn by itself."""
        period = self.seconds[self.current]
        if self.paused or period <= 0 or self.count < 2:
            return None
        return max(0.0, self._since + period - now)

    def poll(self, now: float) -> bool:
        """Turn the page when its time is up; True when it turned."""
        left = self.remaining(now)
        if left is None or left > 0:
            return False
        self.go(self.current + 1, now)
        return True

    def go(self, page: int, now: float) -> None:
        self.current = page % self.count
        self._since = now

    def next(self, now: float) -> None:
        self.go(self.current + 1, now)

    def previous(self, now: float) -> None:
        self.go(self.current - 1, now)

    def toggle_pause(self, now: float) -> bool:
        """Pause or resume; True when now paused."""
        self.paused = not self.paused
        if not self.paused:
            self._since = now
        return self.paused


# -- burn-in care ---------------------------------------------------------------------------------

# Different periods in x and y, so the shift visits the whole square, not one line.
_X_PERIOD = 23
_Y_PERIOD = 17


def burn_in_offset(step: int, pixels: int) -> tuple[int, int]:
    """The board's shift at ``step`` (one step every ``BurnIn.every_s``): within ±``pixels`` in x and y.

    A slow Lissajous walk: consecutive steps move by at most a few pixels, never
    across the screen, and the path repeats after 391 steps. Step 0 is no shift.
    """
    if pixels <= 0:
        return 0, 0
    dx = round(pixels * math.sin(2 * math.pi * step / _X_PERIOD))
    dy = round(pixels * math.sin(2 * math.pi * step / _Y_PERIOD))
    return dx, dy
