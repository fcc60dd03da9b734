"""The wallboard's tiles: a queue (or the centre), the breach list, the queue-length chart, staffing.

Tiles are read from across the room, so everything in them scales with the
tile: each tile places its labels itself (``_place``, on every resize) and gives
each *role* (heading, caption, figure) the largest font that fits every label of
that role, measured with ``QFontMetrics`` against the label's own rectangle
(``fit_pixel_size``). Nothing is ever elided or clipped; a text that would not
fit makes its role smaller instead. A figure's role is fitted to a template
("■ 100.0%") as well, so fonts do not jump as figures change.

A level is never shown by colour alone: the tile's badge has its shape (● ok,
▲ warning, ■ with a cross critical) and its word, and a figure that needs
attention carries ▲ or ■ before it. Today's figures (SL today, abandoned
today) are on their own softer scale: △ or □ in muted colours, and they do not
make the tile's level unless the layout says so (``TileLevels.soft``). Levels,
limits and which tiles exist come from ``console.domain.wallboard``; figures
from ``figures.queues`` and ``breaches`` on the feed clock. Every word shown goes through Qt's translation.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from datetime import datetime

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from console.application.timeseries import FloorSampler
from console.domain.breaches import Breach, BreachKind
from console.domain.businessday import zone
from console.domain.figures.queues import Level, QueueFigures
from console.domain.staffing import QueueAdvice, reason_text, whole_agents
from console.domain.state import FloorState
from console.domain.wallboard import (
    Tile,
    TileKind,
    TileLevels,
    advice_current,
    gap_level,
    shortest_first,
    worst,
)
from console.widgets.common.fmt import DASH, LEVEL_COLORS, duration, percent, signed
from console.widgets.common.texts import sentence, translated
from console.widgets.common.theme import chart_pens, current_theme

#: The smallest font a tile will use; a layout that needs less is too crowded (the tests measure it).
MIN_PX = 7
#: How long a tile pulses when it enters critical.
FLASH_MS = 2000
_FLASH_TICK_MS = 50
_PULSE_S = 0.5  # one pulse of the flash

GLYPHS = {Level.OK: "", Level.WARNING: "▲", Level.CRITICAL: "■"}
#: Today's figures on their softer scale: hollow shapes in muted colours, which do not make the tile's level.
TODAY_GLYPHS = {Level.OK: "", Level.WARNING: "△", Level.CRITICAL: "□"}
TODAY_COLORS: dict[Level, QColor] = {
    Level.WARNING: QColor("#a08a5c"),  # a dull ochre, not the amber of a live warning
    Level.CRITICAL: QColor("#a8716b"),  # a dusty rose, not the red of a live critical
}


def text_width(metrics: QFontMetrics, text: str) -> int:
    """The room ``text`` takes: its advance or its ink, whichever is wider."""
    return max(metrics.horizontalAdvance(text), metrics.boundingRect(text).width())


def fit_pixel_size(
    font: QFont, texts: Sequence[str], width: int, height: int, max_px: float, *, min_px: int = MIN_PX
) -> int:
    """The largest pixel size up to ``max_px`` at which each of ``texts`` fits ``width`` x ``height``."""
    px = max(min_px, int(max_px))
    probe = QFont(font)
    for _ in range(16):
        probe.setPixelSize(px)
        fm = QFontMetrics(probe)
        wide = max((text_width(fm, t) for t in texts if t), default=0)
        tall = fm.height()
        if (wide <= width and tall <= height) or px <= min_px:
            return px
        scale = min(width / wide if wide else 1.0, height / tall if tall else 1.0)
        px = max(min_px, min(px - 1, int(px * scale)))
    return px


def with_glyph(level: Level, text: str, *, soft: bool = False) -> str:
    """``text`` after its level's shape (``soft``: today's hollow one)."""
    glyph = (TODAY_GLYPHS if soft else GLYPHS)[level]
    return f"{glyph} {text}" if glyph else text


def level_colour(level: Level, *, soft: bool = False) -> QColor | None:
    """A figure's colour for its level (None: the palette's own); ``soft``: today's muted scale."""
    if level is Level.OK:
        return None
    return TODAY_COLORS[level] if soft else LEVEL_COLORS[level]


class FitLabel(QLabel):
    """A one-line label whose size comes from its tile, never from its text (it cannot push a layout)."""

    def __init__(
        self,
        parent: QWidget,
        *,
        bold: bool = False,
        align: Qt.AlignmentFlag | None = None,
        data: bool = False,
    ) -> None:
        super().__init__(parent)
        #: The text is data (a name, a number, a time), shown as it comes; the rest goes through tr().
        self.data = data
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setWordWrap(False)
        self.setIndent(0)
        self.setMargin(0)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(align or (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter))
        font = self.font()
        font.setBold(bold)
        self.setFont(font)
        self._colour: QColor | None = None
        #: Texts the label's font must also fit (so it does not jump when the text changes to one of them).
        self.templates: tuple[str, ...] = ()

    def set_px(self, px: int) -> None:
        font = self.font()
        if font.pixelSize() != px:
            font.setPixelSize(px)
            self.setFont(font)

    def set_colour(self, colour: QColor | None) -> None:
        """Text colour; None: the palette's own."""
        if colour == self._colour:
            return
        self._colour = colour
        parent = self.parentWidget()
        pal = QPalette(parent.palette() if parent is not None else self.palette())
        if colour is not None:
            pal.setColor(QPalette.ColorRole.WindowText, colour)
        self.setPalette(pal)


def fit_role(labels: Sequence[FitLabel], max_px: float, templates: Sequence[str] = ()) -> int:
    """One font size for ``labels``: the largest at which each label's text (and the templates) fits."""
    px = int(max_px)
    for label in labels:
        if label.isHidden():
            continue
        rect = label.contentsRect()
        if rect.width() <= 0 or rect.height() <= 0:
            continue
        px = min(
            px, fit_pixel_size(label.font(), [label.text(), *templates], rect.width(), rect.height(), px)
        )
    px = max(MIN_PX, px)
    for label in labels:
        label.set_px(px)
    return px


class LevelBadge(QWidget):
    """The level's shape in its colour: ● ok, ▲ warning (with !), ■ critical (with a cross)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.level = Level.OK
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_level(self, level: Level) -> None:
        if level is not self.level:
            self.level = level
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        side = min(self.width(), self.height()) * 0.84
        if side <= 2:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = LEVEL_COLORS[self.level]
        cx, cy = self.width() / 2, self.height() / 2
        box = QRectF(cx - side / 2, cy - side / 2, side, side)
        p.setPen(QPen(colour.darker(150), max(1.0, side / 24)))
        p.setBrush(colour)
        mark = QPen(QColor("#ffffff"), max(1.5, side / 9))
        mark.setCapStyle(Qt.PenCapStyle.RoundCap)
        if self.level is Level.CRITICAL:
            p.drawRect(box)
            p.setPen(mark)
            m = side * 0.28
            p.drawLine(QPointF(box.left() + m, box.top() + m), QPointF(box.right() - m, box.bottom() - m))
            p.drawLine(QPointF(box.right() - m, box.top() + m), QPointF(box.left() + m, box.bottom() - m))
        elif self.level is Level.WARNING:
            p.drawPolygon(
                QPolygonF(
                    [
                        QPointF(cx, box.top()),
                        QPointF(box.right(), box.bottom()),
                        QPointF(box.left(), box.bottom()),
                    ]
                )
            )
            mark.setColor(QColor("#1b1b1b"))
            p.setPen(mark)
            p.drawLine(QPointF(cx, box.top() + side * 0.38), QPointF(cx, box.top() + side * 0.68))
            p.drawPoint(QPointF(cx, box.top() + side * 0.84))
        else:
            r = side * 0.36
            p.drawEllipse(QPointF(cx, cy), r, r)
        p.end()


class WallTile(QWidget):
    """A tile: background and border in its level's colour, badge and heading, a flash entering critical.

    Subclasses place their labels in ``_place`` and register each group of labels
    that shares a font (``_role``); ``refit`` fits every role again after texts change.
    """

    def __init__(self, tile: Tile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tile = tile
        self.setObjectName(f"wallTile_{tile.key}")
        self.level = Level.OK
        self.badge = LevelBadge(self)
        self.heading = FitLabel(self, bold=True)
        narrow = self.heading.font()
        narrow.setStretch(QFont.Stretch.SemiCondensed)  # long queue names stay large
        self.heading.setFont(narrow)
        self.level_word = FitLabel(self, bold=True)
        self.flashes = 0  # how often the tile flashed (for tests and diagnostics)
        self._flash_started: float | None = None
        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(_FLASH_TICK_MS)
        self._flash_timer.timeout.connect(self._flash_tick)
        self.pad = 4
        self._roles: list[tuple[list[FitLabel], float, tuple[str, ...]]] = []
        self._heading_max = 10.0
        #: The page's cap on the heading's size, so the tiles of a page have headings alike.
        self.heading_cap: float | None = None

    # -- fonts -----------------------------------------------------------------------------------

    def _role(self, labels: Sequence[FitLabel], max_px: float, templates: Sequence[str] = ()) -> None:
        self._roles.append((list(labels), max_px, tuple(templates)))

    def refit(self) -> None:
        """Give every role the largest font at which all its labels' texts fit."""
        for labels, max_px, templates in self._roles:
            fit_role(labels, max_px, templates)
        cap = self._heading_max if self.heading_cap is None else min(self._heading_max, self.heading_cap)
        fit_role([self.heading], cap)

    def natural_heading_px(self) -> int:
        """The heading's size without the page's cap."""
        rect = self.heading.contentsRect()
        if rect.width() <= 0 or rect.height() <= 0 or not self.heading.text():
            return int(self._heading_max)
        return fit_pixel_size(
            self.heading.font(), [self.heading.text()], rect.width(), rect.height(), self._heading_max
        )

    def set_heading_cap(self, cap: float | None) -> None:
        if cap != self.heading_cap:
            self.heading_cap = cap
            self.refit()

    def set_text(self, label: FitLabel, text: str) -> bool:
        """Set a label's text; True when it changed (the caller refits)."""
        if label.text() == text:
            return False
        label.setText(text)
        return True

    # -- level and flash -------------------------------------------------------------------------

    def level_words(self) -> dict[Level, str]:
        return {
            Level.OK: self.tr("OK"),
            Level.WARNING: self.tr("WARNING"),
            Level.CRITICAL: self.tr("CRITICAL"),
        }

    def set_level(self, level: Level) -> None:
        self.badge.set_level(level)
        self.level_word.setText(self.level_words()[level])
        self.level_word.set_colour(None if level is Level.OK else LEVEL_COLORS[level])
        if level is not self.level:
            self.level = level
            self.update()

    @property
    def flashing(self) -> bool:
        return self._flash_started is not None

    def flash(self) -> None:
        """Pulse the background for FLASH_MS (a tile that has just entered critical)."""
        self.flashes += 1
        self._flash_started = time.monotonic()
        self._flash_timer.start()
        self.update()

    def _flash_tick(self) -> None:
        if self._flash_started is None or time.monotonic() - self._flash_started >= FLASH_MS / 1000:
            self._flash_started = None
            self._flash_timer.stop()
        self.update()

    def _flash_alpha(self) -> int:
        if self._flash_started is None:
            return 0
        t = time.monotonic() - self._flash_started
        return round(170 * (0.5 - 0.5 * math.cos(2 * math.pi * t / _PULSE_S)))

    # -- drawing ---------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        rect = QRectF(self.rect())
        radius = max(3.0, min(rect.width(), rect.height()) * 0.03)
        border = self._border_width()
        inner = rect.adjusted(border / 2, border / 2, -border / 2, -border / 2)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(pal.color(QPalette.ColorRole.Base))
        p.drawRoundedRect(inner, radius, radius)
        if self.level is not Level.OK:
            tint = QColor(LEVEL_COLORS[self.level])
            tint.setAlpha(34 if self.level is Level.WARNING else 48)
            p.setBrush(tint)
            p.drawRoundedRect(inner, radius, radius)
        alpha = self._flash_alpha()
        if alpha:
            pulse = QColor(LEVEL_COLORS[Level.CRITICAL])
            pulse.setAlpha(alpha)
            p.setBrush(pulse)
            p.drawRoundedRect(inner, radius, radius)
        colour = pal.color(QPalette.ColorRole.Mid) if self.level is Level.OK else LEVEL_COLORS[self.level]
        p.setPen(QPen(colour, border))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(inner, radius, radius)
        p.end()

    def _border_width(self) -> float:
        base = max(1.0, min(self.width(), self.height()) * 0.005)
        return base if self.level is Level.OK else max(3.0, base * 2.5)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._roles = []
        self._place()
        self.refit()

    def _frame(self) -> QRect:
        """The tile's inside, clear of the (thickest) border; sets ``self.pad``."""
        w, h = self.width(), self.height()
        self.pad = max(4, round(min(w, h) * 0.045), math.ceil(max(3.0, min(w, h) * 0.0125)) + 3)
        return self.rect().adjusted(self.pad, self.pad, -self.pad, -self.pad)

    def _place_heading(self, inner: QRect, height: int, *, badge: bool = True) -> None:
        """The badge (as tall as the heading) on the left; beside it the name, and the level word under it."""
        gap = max(2, height // 5)
        x = inner.left()
        self.badge.setVisible(badge)
        self.level_word.setVisible(badge)
        if badge:
            self.badge.setGeometry(x, inner.top(), height, height)
            x += height + gap
        name_h = round(height * 0.62) if badge else height
        width = max(1, inner.right() + 1 - x)
        self.heading.setGeometry(x, inner.top(), width, name_h)
        self._heading_max = name_h * 0.95
        if badge:
            self.level_word.setGeometry(x, inner.top() + name_h, width, height - name_h)
            self._role([self.level_word], (height - name_h) * 0.95, list(self.level_words().values()))

    def _place_notice(self, inner: QRect, top: float, notice: FitLabel, detail: FitLabel) -> None:
        """A tile's notice in place of its figures (a queue the feed does not have), below ``top``."""
        body = QRect(inner.left(), round(top), inner.width(), inner.bottom() + 1 - round(top))
        line = round(body.height() * 0.2)
        y = body.top() + round(body.height() * 0.2)
        notice.setGeometry(body.left(), y, body.width(), line)
        detail.setGeometry(body.left(), y + round(line * 1.4), body.width(), round(line * 0.7))
        self._role([notice], line * 0.8)
        self._role([detail], line * 0.55)

    def _place(self) -> None:
        raise NotImplementedError

    def labels(self) -> list[FitLabel]:
        """Every label the tile shows now (the tests measure each against the tile)."""
        return [w for w in self.findChildren(FitLabel) if not w.isHidden() and w.text()]


class QueueTile(WallTile):
    """A queue's figures (or, for the summary, the centre's): waiting, longest wait, SL, abandons, agents.

    The figures read first from afar are largest: waiting and the longest wait,
    then service level this interval and today; abandons, the target and the
    agents by state are smaller. A figure's level is in its colour and in the
    shape before its caption (the figure keeps all the width).
    """

    # Keys in rows, and each row's share of the height: (caption units, figure units).
    _ROWS: tuple[tuple[tuple[str, ...], float, float], ...] = (
        (("waiting", "longest_wait"), 2.6, 9.0),
        (("sl_interval", "sl_today"), 2.6, 8.0),
        (("abandon", "target"), 2.6, 5.2),
        (("available", "on_call", "not_ready"), 2.6, 5.2),
    )
    _TEMPLATES: tuple[tuple[str, ...], ...] = (("888", "88:88"), ("100.0%",), ("100.0%",), ("888",))
    _HEAD_UNITS = 8.0
    _GAP_UNITS = 0.9

    def __init__(self, tile: Tile, parent: QWidget | None = None) -> None:
        super().__init__(tile, parent)
        self.captions: dict[str, FitLabel] = {}
        self.values: dict[str, FitLabel] = {}
        self._caption_words = self._caption_texts()
        for key, text in self._caption_words.items():
            self.captions[key] = FitLabel(self)
            self.captions[key].setText(text)
            self.captions[key].templates = (
                with_glyph(Level.CRITICAL, text),
                with_glyph(Level.CRITICAL, text, soft=True),
            )
            self.values[key] = FitLabel(self, bold=True, data=True)
            self.values[key].setText(DASH)
        self.notice = FitLabel(self, bold=True, align=Qt.AlignmentFlag.AlignCenter)
        self.notice_detail = FitLabel(self, align=Qt.AlignmentFlag.AlignCenter)
        self.notice.hide()
        self.notice_detail.hide()
        self.figures: QueueFigures | None = None
        self.levels = TileLevels()
        self.missing = False
        self.heading.setText(
            tile.spec.title or (self.tr("Centre total") if self.is_summary else tile.queue_id or "")
        )
        self.heading.data = bool(tile.spec.title) or not self.is_summary  # a queue's name
        self.set_missing(tile.missing, tile.queue_id or "")
        self.set_level(Level.OK)

    @property
    def is_summary(self) -> bool:
        return self.tile.spec.kind is TileKind.SUMMARY

    def _caption_texts(self) -> dict[str, str]:
        return {
            "waiting": self.tr("Waiting"),
            "longest_wait": self.tr("Longest wait"),
            "sl_interval": self.tr("SL this interval"),
            "sl_today": self.tr("SL today"),
            "abandon": self.tr("Abandoned today"),
            "target": self.tr("SL target"),
            "available": self.tr("Available"),
            "on_call": self.tr("On call"),
            "not_ready": self.tr("Not ready"),
        }

    def set_missing(self, missing: bool, queue_id: str) -> None:
        self.missing = missing
        for label in (*self.captions.values(), *self.values.values()):
            label.setVisible(not missing)
        self.notice.setVisible(missing)
        self.notice_detail.setVisible(missing)
        if missing:
            self.notice.setText(self.tr("Queue {id} is not on this feed").format(id=queue_id))
            self.notice_detail.setText(self.tr("Check the wallboard's layout file"))
            self.heading.setText(self.tile.spec.title or queue_id)
        self._roles = []
        self._place()
        self.refit()

    def set_figures(self, figures: QueueFigures | None, levels: TileLevels, name: str | None = None) -> None:
        """Show ``figures`` (None: nothing from the feed yet) with their levels."""
        self.figures, self.levels = figures, levels
        changed = False
        if name and not self.tile.spec.title and not self.missing:
            changed |= self.set_text(self.heading, name)
        if self.missing:
            self.set_level(Level.OK)
            if changed:
                self.refit()
            return
        self.set_level(levels.tile)
        if figures is None:
            shown = {key: (DASH, Level.OK) for key in self.values}
        else:
            today = figures.today
            target = self.tr("{pct}% in {secs} s").format(
                pct=f"{figures.sl_target_pct:g}", secs=f"{figures.sl_threshold_s:g}"
            )
            shown = {
                "waiting": (str(figures.waiting), levels.waiting),
                "longest_wait": (duration(figures.longest_wait_s), levels.longest_wait),
                "sl_interval": (percent(figures.interval.service_level_pct), levels.sl_interval),
                "sl_today": (percent(today.service_level_pct), levels.sl_today),
                "abandon": (percent(today.abandon_pct), levels.abandon),
                "target": (target, Level.OK),
                "available": (str(figures.staff.available), Level.OK),
                "on_call": (str(figures.staff.on_call), Level.OK),
                "not_ready": (str(figures.staff.not_ready), Level.OK),
            }
        for key, (figure, level) in shown.items():
            soft = levels.soft(key)  # today's figures: their own softer scale, not the tile's level
            colour = level_colour(level, soft=soft)
            changed |= self.set_text(self.values[key], figure)
            changed |= self.set_text(
                self.captions[key], with_glyph(level, self._caption_words[key], soft=soft)
            )
            self.values[key].set_colour(colour)
            self.captions[key].set_colour(colour)
        if changed:
            self.refit()

    def _place(self) -> None:
        inner = self._frame()
        if inner.width() <= 0 or inner.height() <= 0:
            return
        units = self._HEAD_UNITS + sum(c + v + self._GAP_UNITS for _, c, v in self._ROWS)
        unit = inner.height() / units
        head_h = round(unit * self._HEAD_UNITS)
        self._place_heading(inner, head_h, badge=not self.missing)
        top = inner.top() + head_h + unit * self._GAP_UNITS
        if self.missing:
            self._place_notice(inner, top, self.notice, self.notice_detail)
            return
        gutter = max(4, round(inner.width() * 0.05))
        for r, (keys, cap_units, val_units) in enumerate(self._ROWS):
            cap_h, val_h = round(unit * cap_units), round(unit * val_units)
            cols = len(keys)
            col_w = (inner.width() - gutter * (cols - 1)) // cols
            y = round(top)
            for c, key in enumerate(keys):
                x = inner.left() + c * (col_w + gutter)
                self.captions[key].setGeometry(x, y, col_w, cap_h)
                self.values[key].setGeometry(x, y + cap_h, col_w, val_h)
            self._role([self.captions[k] for k in keys], cap_h * 0.95)
            self._role([self.values[k] for k in keys], val_h * 0.98, self._TEMPLATES[r])
            top += unit * (cap_units + val_units + self._GAP_UNITS)


class BreachesTile(WallTile):
    """Breaches today (a count) and those on the floor now: calls past their threshold, case deadlines.

    Each entry takes two lines: what and how late (bold, with the level's shape),
    then the queue and the deadline.
    """

    _TEMPLATES = ("■ 0:00:00 overdue — case CS-000000", "Transfers & remittances · first response")

    def __init__(self, tile: Tile, parent: QWidget | None = None) -> None:
        super().__init__(tile, parent)
        self.heading.setText(tile.spec.title or self.tr("Breaches"))
        self.count = FitLabel(
            self, bold=True, align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        self.count.setText(DASH)
        self.firsts = [FitLabel(self, bold=True) for _ in range(tile.spec.rows)]
        self.seconds = [FitLabel(self) for _ in range(tile.spec.rows)]
        self.lines: list[tuple[str, str, Level]] = []
        self.set_level(Level.OK)

    @property
    def rows(self) -> list[tuple[FitLabel, FitLabel]]:
        return list(zip(self.firsts, self.seconds, strict=True))

    def set_breaches(self, breaches: list[Breach], today: int | None, state: FloorState) -> None:
        """Show the current breaches (already in display order) and the day's count."""
        changed = self.set_text(self.count, DASH if today is None else self.tr("{n} today").format(n=today))
        lines = [self._line(b, state) for b in breaches]
        level = Level.OK
        if any(b.breached for b in breaches):
            level = Level.CRITICAL
        elif breaches:
            level = Level.WARNING
        self.set_level(level)
        n = len(self.firsts)
        if today is not None and not lines:
            lines = [(self.tr("No breaches now"), "", Level.OK)]
        if len(lines) > n:
            more = len(lines) - (n - 1)
            lines = [*lines[: n - 1], (self.tr("… and {n} more").format(n=more), "", Level.OK)]
        if lines != self.lines:
            self.lines = lines
            changed = True
            for i, (first, second) in enumerate(self.rows):
                a, b, lvl = lines[i] if i < len(lines) else ("", "", Level.OK)
                first.setText(with_glyph(lvl, a) if a else "")
                second.setText(b)
                first.set_colour(None if lvl is Level.OK else LEVEL_COLORS[lvl])
                first.setVisible(bool(a))
                second.setVisible(bool(b))
        if changed:
            self.refit()

    def _line(self, b: Breach, state: FloorState) -> tuple[str, str, Level]:
        q = state.queues.get(b.queue_id)
        queue = q.name if q is not None else b.queue_id
        if b.kind is BreachKind.CALL_WAIT:
            threshold = q.sl_threshold_s if q is not None else 0.0
            return (
                self.tr("{wait} waiting — call {id}").format(
                    wait=duration(b.overdue_s + threshold), id=b.ref_id
                ),
                self.tr("{queue} · {over} past the {threshold} s threshold").format(
                    queue=queue, over=duration(b.overdue_s), threshold=f"{threshold:g}"
                ),
                Level.CRITICAL,
            )
        what = self.tr("first response") if b.kind is BreachKind.FIRST_RESPONSE else self.tr("resolution")
        detail = self.tr("{queue} · {deadline}").format(queue=queue, deadline=what)
        if b.breached:
            first = self.tr("{time} overdue — case {id}").format(time=duration(b.overdue_s), id=b.ref_id)
            return first, detail, Level.CRITICAL
        first = self.tr("due in {time} — case {id}").format(time=duration(-b.overdue_s), id=b.ref_id)
        return first, detail, Level.WARNING

    def _place(self) -> None:
        inner = self._frame()
        if inner.width() <= 0 or inner.height() <= 0:
            return
        head_h = _heading_height(inner)
        count_w = round(inner.width() * 0.3)
        gap = max(2, head_h // 4)
        self.level_word.hide()
        self.badge.setGeometry(inner.left(), inner.top(), head_h, head_h)
        x = inner.left() + head_h + gap
        self.heading.setGeometry(x, inner.top(), inner.right() + 1 - count_w - gap - x, head_h)
        self.count.setGeometry(inner.right() + 1 - count_w, inner.top(), count_w, head_h)
        self._heading_max = head_h * 0.8
        self._role([self.count], head_h * 0.7, [self.tr("{n} today").format(n=8888)])
        top = inner.top() + head_h + max(2, head_h // 3)
        n = max(1, len(self.firsts))
        entry_h = max(2, (inner.bottom() + 1 - top) // n)
        first_h = round(entry_h * 0.5)
        second_h = round(entry_h * 0.38)
        for i, (first, second) in enumerate(self.rows):
            y = top + i * entry_h
            first.setGeometry(inner.left(), y, inner.width(), first_h)
            second.setGeometry(inner.left(), y + first_h, inner.width(), second_h)
        self._role(self.firsts, first_h * 0.95, [self._TEMPLATES[0]])
        self._role(self.seconds, second_h * 0.95, [self._TEMPLATES[1]])


def _heading_height(inner: QRect) -> int:
    return max(8, min(round(inner.height() * 0.11), round(inner.width() * 0.085)))


class ChartTile(WallTile):
    """Calls waiting per queue over the last ``minutes``, sampled on the feed clock, with a legend."""

    def __init__(self, tile: Tile, parent: QWidget | None = None) -> None:
        super().__init__(tile, parent)
        self.minutes = tile.spec.minutes
        self.heading.setText(
            tile.spec.title or self.tr("Calls waiting · last {n} min").format(n=self.minutes)
        )
        self.badge.hide()
        self.level_word.hide()
        self.reading = FitLabel(self, align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.sampler = FloorSampler(window_s=self.minutes * 60.0)
        self.axis = pg.DateAxisItem(orientation="bottom")
        self.plot = pg.PlotWidget(parent=self, axisItems={"bottom": self.axis})
        self.plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.plot.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.plot.setMinimumSize(1, 1)
        item = self.plot.getPlotItem()
        item.setMouseEnabled(x=False, y=False)  # a wall display must not be left zoomed in
        item.setMenuEnabled(False)
        item.hideButtons()
        item.getViewBox().setDefaultPadding(0.0)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.estimates: dict[str, pg.PlotDataItem] = {}
        self.legend: dict[str, FitLabel] = {}
        self._order: list[str] = []
        self._utc_offset: int | None = None
        self._pens = chart_pens(current_theme())
        self.plot.setBackground(self._pens["background"])
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(self._pens["foreground"]))
            axis.setTextPen(pg.mkPen(self._pens["foreground"]))

    def queue_ids(self, state: FloorState) -> list[str]:
        chosen = self.tile.spec.queues
        return [q for q in state.queues if not chosen or q in chosen]

    def _colour(self, index: int) -> str:
        colours: list[str] = self._pens["queues"]  # type: ignore[assignment]
        return colours[index % len(colours)]

    def _sync(self, state: FloorState) -> None:
        order = self.queue_ids(state)
        if order == self._order:
            return
        self._order = order
        for qid in list(self.curves):
            self.plot.removeItem(self.curves.pop(qid))
            self.plot.removeItem(self.estimates.pop(qid))
        for label in self.legend.values():
            label.hide()
            label.deleteLater()
        self.legend = {}
        all_ids = list(state.queues)
        for qid in order:
            colour = self._colour(all_ids.index(qid))
            curve = pg.PlotDataItem()
            estimate = pg.PlotDataItem()
            self.plot.addItem(estimate)
            self.plot.addItem(curve)
            self.curves[qid], self.estimates[qid] = curve, estimate
            label = FitLabel(self, data=True)
            label.set_colour(QColor(colour))
            label.setProperty("colour", colour)
            label.show()
            self.legend[qid] = label
        self._roles = []
        self._place()
        self.refit()

    def set_floor(self, state: FloorState, now_ms: int | None) -> None:
        """Sample the floor (at most once a feed-clock second) and draw."""
        self._sync(state)
        if now_ms is None:
            if self.set_text(self.reading, ""):
                self.refit()
            return
        self.sampler.sample(state, now_ms)
        now_s = now_ms / 1000.0
        top = 0.0
        total = 0
        changed = False
        for qid, curve in self.curves.items():
            times, values = self.sampler.queue_series(qid)
            curve.setData(times, values)
            est_t, est_v = self.sampler.queue_estimate(qid)
            self.estimates[qid].setData(est_t, est_v)
            now_n = int(values[-1]) if len(values) else 0
            total += now_n
            if len(values):
                top = max(top, float(values.max()))
            if len(est_v):
                top = max(top, float(est_v.max()))
            q = state.queues.get(qid)
            changed |= self.set_text(self.legend[qid], f"■ {q.name if q else qid}  {now_n}")
        self.plot.setXRange(now_s - self.minutes * 60.0, now_s, padding=0)
        self.plot.setYRange(0, max(5.0, top * 1.15), padding=0)
        self._update_axis(state, now_ms)
        changed |= self.set_text(self.reading, self.tr("{n} waiting now").format(n=total))
        if changed:
            self.refit()

    def _update_axis(self, state: FloorState, now_ms: int) -> None:
        offset = datetime.fromtimestamp(now_ms / 1000.0, zone(state.centre.timezone)).utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        if seconds != self._utc_offset:
            self._utc_offset = seconds
            self.axis.utcOffset = -seconds  # pyqtgraph counts the offset west of UTC
            self.axis.picture = None
            self.axis.update()

    def _place(self) -> None:
        inner = self._frame()
        if inner.width() <= 0 or inner.height() <= 0:
            return
        head_h = _heading_height(inner)
        reading_w = round(inner.width() * 0.3)
        gap = max(2, head_h // 4)
        self.heading.setGeometry(inner.left(), inner.top(), inner.width() - reading_w - gap, head_h)
        self.reading.setGeometry(inner.right() + 1 - reading_w, inner.top(), reading_w, head_h)
        self._heading_max = head_h * 0.8
        self._role([self.reading], head_h * 0.7, [self.tr("{n} waiting now").format(n=888)])
        n = max(1, len(self.legend))
        cols = min(3, n)
        rows = math.ceil(n / cols)
        legend_h = max(8, round(head_h * 0.62))
        legend_top = inner.bottom() + 1 - rows * legend_h
        col_w = inner.width() // cols
        for i, label in enumerate(self.legend.values()):
            r, c = divmod(i, cols)
            label.setGeometry(inner.left() + c * col_w, legend_top + r * legend_h, col_w - gap, legend_h)
        self._role(list(self.legend.values()), legend_h * 0.85)
        plot_top = inner.top() + head_h + gap
        self.plot.setGeometry(inner.left(), plot_top, inner.width(), max(1, legend_top - gap - plot_top))
        tick = QFont(self.font())
        tick.setPixelSize(max(MIN_PX, round(head_h * 0.42)))
        fm = QFontMetrics(tick)
        item = self.plot.getPlotItem()
        for name in ("left", "bottom"):
            item.getAxis(name).setTickFont(tick)
        item.getAxis("left").setWidth(fm.horizontalAdvance("8888") + 10)
        item.getAxis("bottom").setHeight(fm.height() + 12)
        # Room above the top tick's label and right of the last time label: nothing is cut.
        item.layout.setContentsMargins(2, fm.height() / 2 + 2, fm.horizontalAdvance("88:88") / 2 + 4, 2)
        width = max(2.0, min(self.width(), self.height()) / 160)
        for qid, curve in self.curves.items():
            colour = QColor(str(self.legend[qid].property("colour")))
            curve.setPen(pg.mkPen(colour, width=width))
            self.estimates[qid].setPen(pg.mkPen(colour, width=width, style=Qt.PenStyle.DashLine))


#: Advice that has no figure: an em dash, and the reason beside it.
NO_ADVICE = "—"


class StaffingTile(WallTile):
    """The live staffing advice: per queue, agents needed, serving now, the gap and the predicted SL.

    With ``queue``: that queue's figures, large. Without: every queue as a compact list,
    the most short first (``shortest_first``), at most ``rows`` of them. The gap's level
    (``gap_level``) is in its colour and its shape (▲ short, ■ short by much), and the
    tile's badge is the worst of them. A queue without advice shows "—" and why; advice
    older than ``STAFFING_MAX_AGE_MS`` on the feed clock is not shown at all. The advice
    comes from the window's ``RollingAdvisor`` (``set_advice``).
    """

    _KEYS = ("needed", "serving", "gap", "sl")
    _TEMPLATES: Mapping[str, str] = {"needed": "888", "serving": "888", "gap": "■ −88", "sl": "100.0%"}

    def __init__(self, tile: Tile, parent: QWidget | None = None) -> None:
        super().__init__(tile, parent)
        self.single = tile.queue_id is not None
        self._words = {
            "needed": self.tr("Needed"),
            "serving": self.tr("Serving now"),
            "gap": self.tr("Gap"),
            "sl": self.tr("Predicted SL"),
            "queue": self.tr("Queue"),
        }
        self.missing = tile.missing
        self.note = FitLabel(self)  # why there is no figure, or the advice's time
        self.notice = FitLabel(self, bold=True, align=Qt.AlignmentFlag.AlignCenter)
        self.notice_detail = FitLabel(self, align=Qt.AlignmentFlag.AlignCenter)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        self.captions: dict[str, FitLabel] = {}
        self.values: dict[str, FitLabel] = {}
        #: List mode: a row per queue: name, needed, serving, gap, SL, and the reason over gap and SL.
        self.rows: list[dict[str, FitLabel]] = []
        if self.single:
            for key in self._KEYS:
                self.captions[key] = FitLabel(self)
                self.captions[key].setText(self._words[key])
                self.values[key] = FitLabel(self, bold=True, data=True)
                self.values[key].setText(NO_ADVICE)
        else:
            for key in ("queue", *self._KEYS):
                self.captions[key] = FitLabel(self, align=None if key == "queue" else right)
                self.captions[key].setText(self._words[key])
            for _ in range(tile.spec.rows):
                row = {"queue": FitLabel(self, data=True)}
                for key in self._KEYS:
                    row[key] = FitLabel(self, bold=True, align=right, data=True)
                row["reason"] = FitLabel(self, align=right)
                self.rows.append(row)
                for label in row.values():
                    label.hide()
        self.shown: list[tuple[str, ...]] = []  # what the rows show (tests read it)
        self._lines = len(self.rows)  # list mode: the rows in use (placed to fill the tile)
        self.notice.setVisible(self.missing)
        self.notice_detail.setVisible(self.missing)
        if self.missing:
            qid = tile.queue_id or ""
            self.notice.setText(self.tr("Queue {id} is not on this feed").format(id=qid))
            self.notice_detail.setText(self.tr("Check the wallboard's layout file"))
            for label in (*self.captions.values(), *self.values.values(), self.note):
                label.hide()
        self.heading.data = bool(tile.spec.title) or self.single
        self.heading.setText(tile.spec.title or (tile.queue_id or self.tr("Staffing now")))
        self.set_level(Level.OK)

    def _heading_for(self, name: str | None) -> str:
        if self.tile.spec.title:
            return self.tile.spec.title
        if self.single:
            return self.tr("Staffing · {queue}").format(queue=name or self.tile.queue_id or "")
        return self.tr("Staffing now")

    def _texts(self, advice: QueueAdvice) -> tuple[dict[str, tuple[str, Level]], str]:
        """A queue's figures with their levels, and the reason when some are missing."""
        serving = str(whole_agents(advice.staffed))
        if advice.needed is None or advice.gap is None:
            why = translated(reason_text(advice.reason)) if advice.reason else ""
            sl = NO_ADVICE
            if advice.predicted_sl is not None:
                sl = percent(advice.predicted_sl * 100)
            shown = {"needed": NO_ADVICE, "serving": serving, "gap": NO_ADVICE, "sl": sl}
            return {k: (v, Level.OK) for k, v in shown.items()}, why
        level = gap_level(advice.gap, advice.needed)
        why = ""
        if advice.predicted_sl is None and advice.prediction_reason is not None:
            why = translated(reason_text(advice.prediction_reason))
        sl = NO_ADVICE if advice.predicted_sl is None else percent(advice.predicted_sl * 100)
        return {
            "needed": (str(advice.needed), Level.OK),
            "serving": (serving, Level.OK),
            "gap": (with_glyph(level, signed(advice.gap)), level),
            "sl": (sl, Level.OK),
        }, why

    def set_advice(self, advice: Sequence[QueueAdvice], state: FloorState, now_ms: int | None) -> None:
        """Show ``advice`` (the queues' last, in the gateway's order); what is not current is not shown."""
        changed = False
        name = None
        if self.tile.queue_id is not None:
            queue = state.queues.get(self.tile.queue_id)
            name = queue.name if queue is not None else None
        changed |= self.set_text(self.heading, self._heading_for(name))
        if self.missing:
            self.set_level(Level.OK)
            if changed:
                self.refit()
            return
        mine = [a for a in advice if self.tile.queue_id is None or a.queue_id == self.tile.queue_id]
        current = [a for a in mine if advice_current(a.inputs.now_ms, now_ms)]
        if not mine:
            note = self.tr("Estimating…") if now_ms is not None else self.tr("No figures from the feed yet")
        elif len(current) < len(mine):
            note = self.tr("Advice out of date: being recomputed")
        else:
            as_of = max(a.inputs.now_ms for a in current)
            local = datetime.fromtimestamp(as_of / 1000.0, zone(state.centre.timezone))
            note = self.tr("Advice as of {time}").format(time=local.strftime("%H:%M %Z"))
        shown_advice = current if len(current) == len(mine) else []
        self.set_level(worst(gap_level(a.gap, a.needed) for a in shown_advice))
        if self.single:
            changed |= self._show_single(shown_advice[0] if shown_advice else None, note)
        else:
            changed |= self._show_list(shortest_first(shown_advice), note)
        if changed:
            self.refit()

    def _show_single(self, advice: QueueAdvice | None, note: str) -> bool:
        changed = False
        if advice is None:
            texts = {k: (NO_ADVICE, Level.OK) for k in self._KEYS}
            why = ""
        else:
            texts, why = self._texts(advice)
        for key, (text, level) in texts.items():
            changed |= self.set_text(self.values[key], text)
            changed |= self.set_text(self.captions[key], with_glyph(level, self._words[key]))
            colour = level_colour(level)
            self.values[key].set_colour(colour)
            self.captions[key].set_colour(colour)
        changed |= self.set_text(self.note, f"{sentence(why)} · {note}" if why else note)
        self.shown = [tuple(t for t, _ in texts.values())]
        return changed

    def _show_list(self, advice: list[QueueAdvice], note: str) -> bool:
        changed = False
        n = len(self.rows)
        more = len(advice) - n if len(advice) > n else 0
        listed = advice[: n - 1] if more else advice
        shown: list[tuple[str, ...]] = []
        for i, row in enumerate(self.rows):
            if i < len(listed):
                a = listed[i]
                texts, why = self._texts(a)
                values = {"queue": (a.name or a.queue_id, Level.OK), **texts}
                if why and a.needed is None:  # the reason in place of the gap and the SL
                    values["gap"] = values["sl"] = ("", Level.OK)
                else:
                    why = ""
                for key, (text, level) in values.items():
                    changed |= self.set_text(row[key], text)
                    row[key].set_colour(level_colour(level))
                    row[key].setVisible(bool(text))
                changed |= self.set_text(row["reason"], f"{NO_ADVICE} {why}" if why else "")
                row["reason"].setVisible(bool(why))
                shown.append(tuple(values[k][0] for k in ("queue", *self._KEYS)))
            elif i == len(listed) and more:
                changed |= self.set_text(row["queue"], self.tr("… and {n} more").format(n=len(advice) - i))
                row["queue"].setVisible(True)
                for key in (*self._KEYS, "reason"):
                    row[key].hide()
            else:
                for label in row.values():
                    label.hide()
        changed |= self.set_text(self.note, note)
        self.shown = shown
        lines = max(1, len(listed) + (1 if more else 0))
        if lines != self._lines:  # fewer queues than rows: larger rows
            self._lines = lines
            self._roles = []
            self._place()
            changed = True
        return changed

    def _place(self) -> None:
        inner = self._frame()
        if inner.width() <= 0 or inner.height() <= 0:
            return
        if self.single:
            self._place_single(inner)
        else:
            self._place_list(inner)

    def _place_single(self, inner: QRect) -> None:
        # Units: heading 8, gap 0.9, captions 2.6, figures 9, gap 0.9, caption 2.6, SL 6, gap 0.9, note 2.6.
        unit = inner.height() / 33.5
        head_h = round(unit * 8)
        self._place_heading(inner, head_h, badge=not self.missing)
        top = inner.top() + head_h + unit * 0.9
        if self.missing:
            self._place_notice(inner, top, self.notice, self.notice_detail)
            return
        gutter = max(4, round(inner.width() * 0.05))
        cap_h = round(unit * 2.6)
        for keys, val_units in ((("needed", "serving", "gap"), 9.0), (("sl",), 6.0)):
            val_h = round(unit * val_units)
            col_w = (inner.width() - gutter * 2) // 3
            y = round(top)
            for c, key in enumerate(keys):
                x = inner.left() + c * (col_w + gutter)
                self.captions[key].setGeometry(x, y, col_w if len(keys) > 1 else inner.width(), cap_h)
                self.values[key].setGeometry(x, y + cap_h, col_w, val_h)
            top += cap_h + val_h + unit * 0.9
        self.note.setGeometry(inner.left(), round(top), inner.width(), cap_h)
        self._role(
            [*(self.captions[k] for k in self._KEYS), self.note],
            cap_h * 0.95,
            [f"■ {self._words['serving']}"],
        )
        self._role(
            [self.values[k] for k in ("needed", "serving", "gap")],
            unit * 9 * 0.98,
            [self._TEMPLATES[k] for k in ("needed", "serving", "gap")],
        )
        self._role([self.values["sl"]], unit * 6 * 0.98, [self._TEMPLATES["sl"]])

    def _place_list(self, inner: QRect) -> None:
        head_h = _heading_height(inner)
        self._place_heading(inner, head_h)
        gap = max(2, head_h // 4)
        top = inner.top() + head_h + gap
        note_h = max(6, round(head_h * 0.5))
        n = max(1, min(len(self.rows), self._lines))
        row_h = max(4, (inner.bottom() + 1 - note_h - gap - top) // (n + 1))
        cap_h = round(row_h * 0.55)
        # Columns: the queue's name takes what the four figures leave; a gutter before each figure.
        fig_w = round(inner.width() * 0.17)
        gutter = max(2, round(fig_w * 0.12))
        name_w = inner.width() - 4 * fig_w
        xs = [inner.left(), inner.left() + name_w]
        for _ in range(3):
            xs.append(xs[-1] + fig_w)
        xs = [xs[0], *(x + gutter for x in xs[1:])]
        widths = [name_w, *([fig_w - gutter] * 4)]
        for c, key in enumerate(("queue", *self._KEYS)):
            self.captions[key].setGeometry(xs[c], top + row_h - cap_h, widths[c], cap_h)
        for i, row in enumerate(self.rows):
            y = top + (i + 1) * row_h
            for c, key in enumerate(("queue", *self._KEYS)):
                row[key].setGeometry(xs[c], y, widths[c], row_h)
            row["reason"].setGeometry(xs[3], y, 2 * fig_w - gutter, row_h)
        self.note.setGeometry(inner.left(), inner.bottom() + 1 - note_h, inner.width(), note_h)
        self._role(list(self.captions.values()), cap_h * 0.95)
        self._role([r["queue"] for r in self.rows], row_h * 0.9)
        self._role([r[k] for r in self.rows for k in self._KEYS], row_h * 0.9, list(self._TEMPLATES.values()))
        self._role([r["reason"] for r in self.rows], row_h * 0.6)
        self._role([self.note], note_h * 0.95)
