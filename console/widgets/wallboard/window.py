"""The wall display: full-screen pages of tiles that rotate, for a large screen read from across the room.

``WallboardWindow`` shows a ``Layout`` (``console.domain.wallboard``) on any
FloorSource: a header (centre, page, feed clock) over the current page's tiles
(``tiles``), laid out in the grid that makes them largest. It only
reads the floor and never sends a command, so a viewer's token is enough.

- **Keys**: Esc leaves full screen, and in a window closes the board; Ctrl+Q
  closes; Space pauses and resumes the rotation; Right/Page Down and
  Left/Page Up switch pages, Home goes to the first, 1–9 to that page; F11
  toggles full screen.
- **Stale**: the feed's staleness rule is the console's (``status_bar.STALE_AFTER_S``
  without a frame, or not connected): an overlay covers the whole board with
  "STALE — no update since HH:MM:SS CST" (the feed clock in the centre's zone, the
  workstation's clock with its own zone below) and goes by itself once frames flow again.
- **Burn-in**: the whole board moves by a few pixels, one small step every few
  minutes (``burn_in_offset``); the margin it moves in is kept free, so nothing
  is ever pushed off screen.
- **Levels**: a tile that enters critical flashes for 2 s and, with
  ``sound = true``, the board beeps (``QApplication.beep``: PySide6-Essentials
  has no QtMultimedia).

Figures refresh four times a second at most (and on the feed's clock tick);
durations are on the feed clock, page turns and burn-in steps on the
workstation's, since they concern the screen. Every word shown goes through
Qt's translation.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeyEvent, QPainter, QPaintEvent, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QApplication, QWidget

from console.application.floor_source import FloorSource
from console.domain.breaches import breaches_today, current_breaches
from console.domain.changes import ChangeSet
from console.domain.figures.queues import TOTAL_ID, Level, MetricsConfig, QueueFigures, queue_figures
from console.domain.staffing import QueueAdvice, RollingAdvisor
from console.domain.wallboard import (
    Layout,
    LevelTracker,
    PageRotation,
    Tile,
    TileKind,
    TileLevels,
    advice_due,
    burn_in_offset,
    expand_tiles,
    fixed_grid,
    grid_shape,
)
from console.widgets.common.status_bar import (
    STALE_AFTER_S,
    ago,
    centre_time,
    live_extras,
    store_outage_texts,
    wall_time_of,
)
from console.widgets.common.texts import sentence, translated_or
from console.widgets.common.theme import banner_colors, current_theme
from console.widgets.wallboard.tiles import (
    BreachesTile,
    ChartTile,
    FitLabel,
    QueueTile,
    StaffingTile,
    WallTile,
    fit_role,
)

REFRESH_MS = 250
#: The staffing advisor's turns (tiles of kind staffing only): one every ADVICE_TICK_MS, at most
#: ADVICE_BUDGET_S of the GUI thread each, as the console's queue overview.
ADVICE_TICK_MS = 250
ADVICE_BUDGET_S = 0.012
_TILE_ASPECT = 1.3  # width / height the grid aims for


class StaleOverlay(QWidget):
    """Covers the whole board while the figures are not live; hides itself when they are again."""

    staleChanged = Signal(bool)

    def __init__(self, feed: FloorSource, parent: QWidget, threshold_s: float = STALE_AFTER_S) -> None:
        super().__init__(parent)
        self.setObjectName("wallStale")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._feed = feed
        self.threshold_s = threshold_s
        self.title = FitLabel(self, bold=True, align=Qt.AlignmentFlag.AlignCenter)
        self.age = FitLabel(self, align=Qt.AlignmentFlag.AlignCenter)
        self.detail = FitLabel(self, align=Qt.AlignmentFlag.AlignCenter, data=True)  # the feed's reason
        self.note = FitLabel(self, align=Qt.AlignmentFlag.AlignCenter)
        self._stale = False
        self._mode = "stale"
        self._panel = QRect()
        self.hide()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        feed.statusChanged.connect(self.refresh)
        self.refresh()

    @property
    def stale(self) -> bool:
        return self._stale

    def labels(self) -> list[FitLabel]:
        return [w for w in (self.title, self.age, self.detail, self.note) if not w.isHidden()]

    def refresh(self, *_: object) -> None:
        live = live_extras(self._feed)
        held = None if live is None or live.is_stale(self.threshold_s) else store_outage_texts(live.status)
        if held is not None:
            # The gateway's store is unavailable: the board is held, said like STALE, with the reason.
            self._mode = "stale"
            as_of = self._feed.feed_clock_ms()
            self.title.setText(held[0])
            self.age.setText(
                self.tr("Figures as of {time} · NOT live").format(time=centre_time(self._feed, as_of))
            )
            self.detail.setText(held[1])
            self.note.setText(self.tr("This notice goes by itself when the store is back."))
            for label in (self.title, self.age, self.detail, self.note):
                label.set_colour(QColor("#ffffff"))
            self._set_stale(True)
            self._place()
            self.update()
            return
        if live is None or not live.is_stale(self.threshold_s):
            self._set_stale(False)
            return
        status = live.status
        reason = sentence(translated_or(status.last_error_text, status.last_error))
        if status.last_frame_monotonic is None:
            self._mode = "waiting"
            self.title.setText(self.tr("NO DATA YET — connecting to {url}").format(url=status.url))
            self.age.setText(self.tr("Nothing on this board is live until the feed connects."))
            self.detail.setText(reason)
        else:
            self._mode = "stale"
            last = status.last_frame_monotonic
            age = time.monotonic() - last
            # The last update on the feed clock, in the centre's zone like every time on the board
            # (the figures are as of it); the workstation's clock, with its own zone, beside it.
            as_of = self._feed.feed_clock_ms()
            since = centre_time(self._feed, as_of) if as_of is not None else wall_time_of(last)
            self.title.setText(self.tr("STALE — no update since {time}").format(time=since))
            self.age.setText(
                self.tr("{age} ago · {local} on this workstation · NOT live").format(
                    age=ago(age), local=wall_time_of(last)
                )
            )
            if str(status.state) == "connected":
                self.detail.setText(
                    self.tr("The gateway at {url} has sent nothing for {age}.").format(
                        url=status.url, age=ago(age)
                    )
                )
            else:
                self.detail.setText(reason or self.tr("Not connected to {url}.").format(url=status.url))
        self.note.setText(self.tr("Retrying automatically; this notice goes by itself when data flows."))
        for label in (self.title, self.age, self.detail, self.note):
            label.set_colour(QColor("#ffffff"))
        self._set_stale(True)
        self._place()
        self.update()

    def _set_stale(self, stale: bool) -> None:
        if stale != self._stale:
            self._stale = stale
            self.setVisible(stale)
            if stale:
                self.raise_()
            self.staleChanged.emit(stale)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        w, h = self.width(), self.height()
        pw, ph = round(w * 0.86), round(h * 0.46)
        self._panel = QRect((w - pw) // 2, (h - ph) // 2, pw, ph)
        pad = round(min(pw, ph) * 0.07)
        inner = self._panel.adjusted(pad, pad, -pad, -pad)
        # Units: title 9, gap 2, age 4, gap 2, detail 4, gap 1, note 3.
        unit = inner.height() / 25
        top = float(inner.top())
        for label, units, gap in (
            (self.title, 9, 2),
            (self.age, 4, 2),
            (self.detail, 4, 1),
            (self.note, 3, 0),
        ):
            label.setGeometry(inner.left(), round(top), inner.width(), round(unit * units))
            top += unit * (units + gap)
        fit_role([self.title], unit * 9)
        fit_role([self.age, self.detail], unit * 4)
        fit_role([self.note], unit * 3)

    def paintEvent(self, event: QPaintEvent) -> None:
        colours = banner_colors(current_theme())
        bg = QColor(colours["waiting_bg"] if self._mode == "waiting" else colours["stale_bg"])
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(0, 0, 0, 165))  # the figures behind stay visible, plainly not live
        edge = max(6.0, min(self.width(), self.height()) * 0.012)
        p.setPen(QPen(bg, edge))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(self.rect().adjusted(round(edge / 2), round(edge / 2), -round(edge / 2), -round(edge / 2)))
        p.setPen(QPen(QColor(0, 0, 0, 120), max(2.0, edge / 3)))
        p.setBrush(bg)
        radius = min(self._panel.width(), self._panel.height()) * 0.04
        p.drawRoundedRect(self._panel, radius, radius)
        p.end()


class WallPage(QWidget):
    """One page: its tiles in a grid of equal cells, the grid chosen to make them largest."""

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.setObjectName(f"wallPage{index}")
        self.tiles: list[WallTile] = []
        self.columns: int | None = None
        self.grid = (1, 1)

    def set_tiles(self, tiles: list[WallTile], columns: int | None) -> None:
        for old in self.tiles:
            old.hide()
            old.deleteLater()
        self.tiles = tiles
        self.columns = columns
        for tile in tiles:
            tile.setParent(self)
            tile.show()
        self._place()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def harmonise(self) -> None:
        """Headings alike: none larger than the smallest natural one of the page's tiles."""
        cap = min((t.natural_heading_px() for t in self.tiles), default=None)
        for tile in self.tiles:
            tile.set_heading_cap(cap)

    def _place(self) -> None:
        n = len(self.tiles)
        w, h = self.width(), self.height()
        if n == 0 or w <= 0 or h <= 0:
            return
        if self.columns:
            cols, rows = fixed_grid(n, self.columns)
        else:
            cols, rows = grid_shape(n, w, h, _TILE_ASPECT)
        self.grid = (cols, rows)
        gap = max(4, round(min(w, h) * 0.01))
        cell_w = (w - gap * (cols - 1)) / cols
        cell_h = (h - gap * (rows - 1)) / rows
        for i, tile in enumerate(self.tiles):
            r, c = divmod(i, cols)
            x0, y0 = round(c * (cell_w + gap)), round(r * (cell_h + gap))
            x1, y1 = round(c * (cell_w + gap) + cell_w), round(r * (cell_h + gap) + cell_h)
            tile.setGeometry(x0, y0, x1 - x0, y1 - y0)
        self.harmonise()


class WallboardWindow(QWidget):
    """The wallboard: a header, the current page's tiles, the stale overlay; keys switch and pause pages."""

    pageChanged = Signal(int)
    closed = Signal()

    def __init__(
        self,
        feed: FloorSource,
        layout: Layout,
        parent: QWidget | None = None,
        *,
        start_page: int = 0,
        refresh_ms: int = REFRESH_MS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.feed = feed
        self.layout_spec = layout
        self._clock = clock
        self.setObjectName("wallboard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoFillBackground(True)
        self.config = MetricsConfig(interval_min=layout.interval_min)
        self.tracker = LevelTracker()
        self.beeps = 0
        self.rotation = PageRotation(layout.page_seconds(), clock(), start_page)
        self.burn_step = 0
        self.figures: dict[str, QueueFigures] = {}
        self.levels: dict[str, Level] = {}

        self.content = QWidget(self)
        self.content.setObjectName("wallContent")
        self.centre_label = FitLabel(self.content, bold=True, data=True)
        self.page_label = FitLabel(self.content, align=Qt.AlignmentFlag.AlignCenter)
        self.clock_label = FitLabel(
            self.content,
            bold=True,
            align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            data=True,
        )
        self.pages = [WallPage(i, self.content) for i in range(len(layout.pages))]
        self._queue_order: list[str] | None = None
        self._ready: bool | None = None
        # Staffing advice, only when a page has a staffing tile: a few queues a turn, a new cycle
        # every STAFFING_EVERY_MS of the feed clock (``advice_due``), never while the feed catches up.
        self.advisor: RollingAdvisor | None = None
        self._advice_started_ms: int | None = None
        self._advice_timer = QTimer(self)
        self._advice_timer.setInterval(ADVICE_TICK_MS)
        self._advice_timer.timeout.connect(self._advise_some)
        if any(t.kind is TileKind.STAFFING for page in layout.pages for t in page.tiles):
            self.advisor = RollingAdvisor()
            self._advice_timer.start()
        self.overlay = StaleOverlay(feed, self)
        self.overlay.staleChanged.connect(self._on_stale)

        self._dirty = True
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._burn_timer = QTimer(self)
        self._burn_timer.setInterval(max(1000, round(layout.burn_in.every_s * 1000)))
        self._burn_timer.timeout.connect(lambda: self.shift_to(self.burn_step + 1))
        if layout.burn_in.pixels > 0:
            self._burn_timer.start()
        feed.floorUpdated.connect(self._on_floor)
        feed.clockTicked.connect(self._mark_dirty)

        self._rebuild()
        self.show_page(self.rotation.current)
        self.refresh()
        self._update_title()

    # -- tiles -----------------------------------------------------------------------------------

    def _rebuild(self) -> None:
        """(Re)make every page's tiles: when the feed's queues change (the first snapshot, a new day)."""
        state = self.feed.state
        order = list(state.queues)
        ready = bool(order) or state.seq > 0
        if order == self._queue_order and ready == self._ready:
            return
        self._queue_order, self._ready = order, ready
        for page, spec in zip(self.pages, self.layout_spec.pages, strict=True):
            tiles = [self._make_tile(t, page) for t in expand_tiles(spec, order, ready)]
            page.set_tiles(tiles, spec.columns)
        self._mark_dirty()

    def _make_tile(self, tile: Tile, page: WallPage) -> WallTile:
        kind = tile.spec.kind
        if kind is TileKind.BREACHES:
            return BreachesTile(tile, page)
        if kind is TileKind.CHART:
            return ChartTile(tile, page)
        if kind is TileKind.STAFFING:
            return StaffingTile(tile, page)
        return QueueTile(tile, page)

    def all_tiles(self) -> list[WallTile]:
        return [t for page in self.pages for t in page.tiles]

    def current_tiles(self) -> list[WallTile]:
        return list(self.pages[self.rotation.current].tiles)

    # -- refreshing ------------------------------------------------------------------------------

    def _on_floor(self, changes: ChangeSet) -> None:
        if changes.reset:
            if self.advisor is not None:  # a new snapshot or a new day: no advice from before it
                self.advisor = RollingAdvisor()
                self._advice_started_ms = None
            self._rebuild()
        self._mark_dirty()

    def _mark_dirty(self, *_: object) -> None:
        self._dirty = True

    def _tick(self) -> None:
        if self.rotation.poll(self._clock()):
            self.show_page(self.rotation.current)
        if self._dirty:
            self.refresh()
        else:
            self._update_header()

    def refresh(self) -> None:
        """Recompute every tile's figures and levels on the feed clock; flash (and beep) entering critical."""
        self._dirty = False
        self._rebuild()
        state = self.feed.state
        now = self.feed.feed_clock_ms()
        rows = queue_figures(state, now, self.config) if now is not None else []
        self.figures = {f.queue_id: f for f in rows}
        breaches = current_breaches(state, now) if now is not None else []
        today = breaches_today(state, now) if now is not None else None
        levels: dict[str, Level] = {}
        thresholds = self.layout_spec.thresholds
        for tile in self.all_tiles():
            if isinstance(tile, QueueTile):
                qid = TOTAL_ID if tile.is_summary else tile.tile.queue_id
                figures = self.figures.get(qid or "")
                tile_lv = thresholds.levels(figures) if figures else TileLevels()
                queue = state.queues.get(qid or "")
                tile.set_figures(figures, tile_lv, queue.name if queue is not None else None)
                if figures is not None and not tile.missing:
                    levels[tile.tile.key] = tile_lv.tile
            elif isinstance(tile, BreachesTile):
                tile.set_breaches(breaches, today, state)
                if now is not None:
                    levels[tile.tile.key] = tile.level
            elif isinstance(tile, ChartTile):
                tile.set_floor(state, now)
            elif isinstance(tile, StaffingTile):
                # Its level is shown (colour, shape, word) but never flashes or beeps: it is advice.
                tile.set_advice(self.staffing_advice(), state, now)
        self.levels = levels
        for page in self.pages:
            page.harmonise()
        entered = self.tracker.observe(levels)
        if entered and not self.overlay.stale:
            for tile in self.all_tiles():
                if tile.tile.key in entered:
                    tile.flash()
            if self.layout_spec.sound:
                self.beeps += 1
                QApplication.beep()
        self._update_header()

    # -- staffing advice ---------------------------------------------------------------------------

    def staffing_advice(self) -> list[QueueAdvice]:
        """The advisor's last advice per queue, in the gateway's order (what the staffing tiles show)."""
        if self.advisor is None:
            return []
        found = self.advisor.advice
        return [found[q] for q in self.feed.state.queues if q in found]

    def _advise_some(self) -> None:
        """One turn of the advisor: a new cycle when due on the feed clock, then queues until the budget.

        Not while the feed catches up (the figures are not current, the turns are the backlog's).
        """
        advisor = self.advisor
        now = self.feed.feed_clock_ms()
        state = self.feed.state
        if advisor is None or now is None or getattr(self.feed, "catching_up", False) or not state.queues:
            return
        if not advisor.busy:
            if not advice_due(self._advice_started_ms, now):
                return
            self._advice_started_ms = now
            advisor.start(state, now)
        if advisor.step(state, ADVICE_BUDGET_S):
            self._mark_dirty()

    def advise_now(self) -> None:
        """A whole advice cycle at once, at the feed clock (the screenshot, tests)."""
        now = self.feed.feed_clock_ms()
        if self.advisor is None or now is None:
            return
        self._advice_started_ms = now
        self.advisor.start(self.feed.state, now)
        while self.advisor.busy:
            self.advisor.step(self.feed.state, 1.0)
        self.refresh()

    def page_title(self, title: str) -> str:
        """A page's title in the interface language when it is one of the bundled layout's own.

        A layout file is the floor's own words and is shown as written; the bundled
        default's titles are the product's, so they follow ``--lang`` like every label.
        """
        bundled = {
            "Queues": self.tr("Queues"),
            "Breaches and queue length": self.tr("Breaches and queue length"),
        }
        return bundled.get(title, title)

    def _update_header(self) -> None:
        state = self.feed.state
        self.centre_label.setText(state.centre.name or self.tr("Wallboard"))
        spec = self.layout_spec.pages[self.rotation.current]
        text = self.tr("{title} · page {n} of {count}").format(
            title=self.page_title(spec.title), n=self.rotation.current + 1, count=self.rotation.count
        )
        if self.rotation.paused:
            text = self.tr("{page} · ❚❚ PAUSED").format(page=text)
        self.page_label.setText(text)
        self.clock_label.setText(centre_time(self.feed, self.feed.feed_clock_ms(), seconds=False))
        h = self.centre_label.height()
        fit_role([self.centre_label, self.clock_label], h * 0.8)
        fit_role([self.page_label], h * 0.62)

    # -- pages -----------------------------------------------------------------------------------

    @property
    def current_page(self) -> int:
        return self.rotation.current

    def show_page(self, index: int) -> None:
        if index != self.rotation.current:
            self.rotation.go(index, self._clock())
        for i, page in enumerate(self.pages):
            page.setVisible(i == self.rotation.current)
        self._update_header()
        self.pageChanged.emit(self.rotation.current)

    def next_page(self) -> None:
        self.rotation.next(self._clock())
        self.show_page(self.rotation.current)

    def previous_page(self) -> None:
        self.rotation.previous(self._clock())
        self.show_page(self.rotation.current)

    def toggle_pause(self) -> bool:
        paused = self.rotation.toggle_pause(self._clock())
        self._update_header()
        return paused

    # -- burn-in ---------------------------------------------------------------------------------

    @property
    def burn_in_offset(self) -> tuple[int, int]:
        return burn_in_offset(self.burn_step, self.layout_spec.burn_in.pixels)

    def shift_to(self, step: int) -> None:
        """Move the board to burn-in step ``step`` (the timer advances it one step at a time)."""
        self.burn_step = step
        self._place()

    # -- geometry --------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        w, h = self.width(), self.height()
        margin = self.layout_spec.burn_in.pixels
        dx, dy = self.burn_in_offset
        self.content.setGeometry(margin + dx, margin + dy, max(1, w - 2 * margin), max(1, h - 2 * margin))
        self.overlay.setGeometry(0, 0, w, h)
        cw, ch = self.content.width(), self.content.height()
        pad = max(6, round(min(cw, ch) * 0.012))
        head_h = max(18, round(ch * 0.06))
        inner_w = cw - 2 * pad
        side = round(inner_w * 0.3)
        self.centre_label.setGeometry(pad, pad, side, head_h)
        self.clock_label.setGeometry(cw - pad - side, pad, side, head_h)
        self.page_label.setGeometry(pad + side + pad, pad, inner_w - 2 * side - 2 * pad, head_h)
        top = pad + head_h + pad
        for page in self.pages:
            page.setGeometry(pad, top, inner_w, max(1, ch - top - pad))
        self._update_header()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Window))
        p.end()

    # -- window ----------------------------------------------------------------------------------

    def _on_stale(self, stale: bool) -> None:
        self._update_title()

    def _update_title(self) -> None:
        centre = self.feed.state.centre.name
        title = self.tr("Wallboard — {centre}").format(centre=centre) if centre else self.tr("Wallboard")
        if self.overlay.stale:
            title = self.tr("STALE — {title}").format(title=title)
        self.setWindowTitle(title)

    def enter_full_screen(self) -> None:
        self.setCursor(Qt.CursorShape.BlankCursor)  # nobody points at a wall
        self.showFullScreen()

    def leave_full_screen(self) -> None:
        self.unsetCursor()
        self.showNormal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers()
        if key == Qt.Key.Key_Escape:
            if self.isFullScreen():
                self.leave_full_screen()
            else:
                self.close()
        elif key == Qt.Key.Key_Q and mods & Qt.KeyboardModifier.ControlModifier:
            self.close()
        elif key == Qt.Key.Key_Space:
            self.toggle_pause()
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown):
            self.next_page()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp):
            self.previous_page()
        elif key == Qt.Key.Key_Home:
            self.show_page(0)
        elif key == Qt.Key.Key_F11:
            if self.isFullScreen():
                self.leave_full_screen()
            else:
                self.enter_full_screen()
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and key - Qt.Key.Key_1 < self.rotation.count:
            self.show_page(key - Qt.Key.Key_1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._timer.stop()
        self._burn_timer.stop()
        self._advice_timer.stop()
        self.closed.emit()
        super().closeEvent(event)
