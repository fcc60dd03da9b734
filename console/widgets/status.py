"""The feed's health where supervisors cannot miss it: the status bar and the STALE banner.

Both poll the feed a few times a second rather than wait for signals: "no frame
for 3 s" is the absence of a signal, so only a timer can notice it. They work
with any FloorSource; the connection details need a live feed (``LiveExtras``).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStatusBar,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from console.feeds.client import FeedStatus
from console.widgets.source import FloorSource
from console.widgets.theme import banner_colors, current_theme, level_color

#: No frame (not even a heartbeat) for this long and the figures are stale.
STALE_AFTER_S = 3.0
REFRESH_MS = 250


@runtime_checkable
class LiveExtras(Protocol):
    """What a live feed adds to a FloorSource (console.live.LiveFeed has it all)."""

    @property
    def status(self) -> FeedStatus: ...

    def last_frame_age_s(self) -> float | None: ...

    def events_per_second(self) -> float: ...

    def is_stale(self, threshold_s: float = STALE_AFTER_S) -> bool: ...


def live_extras(feed: FloorSource) -> LiveExtras | None:
    return feed if isinstance(feed, LiveExtras) else None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def centre_time(feed: FloorSource, ms: int | None, seconds: bool = True) -> str:
    """A feed-clock instant as the centre's local time of day, e.g. ``14:03:07 CST``."""
    if ms is None:
        return "—"
    local = datetime.fromtimestamp(ms / 1000.0, _zone(feed.state.centre.timezone))
    return local.strftime("%H:%M:%S %Z" if seconds else "%H:%M %Z")


def ago(seconds: float) -> str:
    """A plain age: 0.4 s, 12 s, 3 min 05 s, 2 h 14 min."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        m, s = divmod(int(seconds), 60)
        return f"{m} min {s:02d} s"
    h, m = divmod(int(seconds) // 60, 60)
    return f"{h} h {m:02d} min"


def wall_time_of(monotonic_t: float) -> str:
    """The workstation's local time at a time.monotonic() instant."""
    return time.strftime("%H:%M:%S", time.localtime(time.time() - (time.monotonic() - monotonic_t)))


def connection_text(status: FeedStatus) -> tuple[str, str]:
    """The connection state in plain words, and its level (ok, warning, critical)."""
    state = str(status.state)
    if state == "connected":
        return f"Connected to {status.url}", "ok"
    reason = status.last_error or ""
    retrying = "" if "retry" in reason.lower() else ". Retrying"
    if state == "connecting":
        tries = f" (attempt {status.attempts})" if status.attempts > 1 else ""
        head = f"Connecting to {status.url}{tries}"
        return (f"{head} — {reason}" if reason else head), "warning"
    if reason and status.url in reason:  # the reason names the address already
        return f"Disconnected — {reason}{retrying}", "critical"
    return f"Disconnected from {status.url}{': ' + reason if reason else ''}{retrying}", "critical"


class FeedStatusBar(QStatusBar):
    """Connection (address, and the reason when down), user and role, feed clock, last frame age, events/s."""

    def __init__(self, feed: FloorSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._feed = feed
        self.setSizeGripEnabled(False)
        self.connection = QLabel()
        self.connection.setTextFormat(Qt.TextFormat.RichText)
        self.connection.setObjectName("feedConnection")
        # A long reason must not widen the window: it is cut here and whole in the tooltip.
        self.connection.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.user = QLabel()
        self.clock = QLabel()
        self.age = QLabel()
        self.rate = QLabel()
        for label, tip in (
            (self.user, "Who this console is signed in as, and the role the gateway gave it"),
            (self.clock, "The feed clock (the gateway's time) in the centre's time zone"),
            (self.age, "Time since the last frame (events or heartbeat) arrived"),
            (self.rate, "Events applied per second, averaged over the last 5 s"),
        ):
            label.setToolTip(tip)
            label.setContentsMargins(10, 0, 6, 0)
        self.addWidget(self.connection, 1)
        for label in (self.user, self.clock, self.age, self.rate):
            self.addPermanentWidget(label)
        self.clock.setMinimumWidth(self.fontMetrics().horizontalAdvance("Feed clock 00:00:00 WWWW") + 20)
        self.age.setMinimumWidth(self.fontMetrics().horizontalAdvance("Last frame 00 min 00 s ago") + 20)
        self.rate.setMinimumWidth(self.fontMetrics().horizontalAdvance("00000 events/s") + 20)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        feed.statusChanged.connect(self.refresh)
        self.refresh()

    def refresh(self, *_: object) -> None:
        feed = self._feed
        self.clock.setText(f"Feed clock {centre_time(feed, feed.feed_clock_ms())}")
        live = live_extras(feed)
        if live is None:
            self.connection.setText("Local floor (no feed connection)")
            self.user.setText("")
            self.age.setText("")
            self.rate.setText("")
            return
        status = live.status
        text, level = connection_text(status)
        dot = level_color(current_theme(), level)
        self.connection.setText(f'<span style="color:{dot}">&#9679;</span>&nbsp;{_escape(text)}')
        self.connection.setToolTip(text)
        who = " · ".join(x for x in (status.user, status.role) if x)
        self.user.setText(who or "not signed in")
        age = live.last_frame_age_s()
        self.age.setText("No frame yet" if age is None else f"Last frame {ago(age)} ago")
        self.rate.setText(f"{live.events_per_second():.0f} events/s")


class StaleBanner(QFrame):
    """A strong banner across the top while the figures are not live; hides itself on recovery."""

    staleChanged = Signal(bool)

    def __init__(
        self, feed: FloorSource, parent: QWidget | None = None, threshold_s: float = STALE_AFTER_S
    ) -> None:
        super().__init__(parent)
        self._feed = feed
        self.threshold_s = threshold_s
        self.setObjectName("staleBanner")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.icon = QLabel()
        self.icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(QSize(32, 32))
        )
        self.title = QLabel()
        self.title.setObjectName("staleTitle")
        self.title.setWordWrap(True)  # long addresses must not widen the window's minimum size
        self.detail = QLabel()
        self.detail.setObjectName("staleDetail")
        self.detail.setWordWrap(True)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.detail)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 14, 8)
        row.setSpacing(12)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(text, 1)
        self._stale = False
        self._mode = ""
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

    def _style(self, mode: str) -> None:
        if mode == self._mode:
            return
        self._mode = mode
        c = banner_colors(current_theme())
        bg, fg = (c["waiting_bg"], c["waiting_fg"]) if mode == "waiting" else (c["stale_bg"], c["stale_fg"])
        self.setStyleSheet(
            f"QFrame#staleBanner {{ background: {bg}; border-bottom: 3px solid #00000055; }}"
            f" QLabel {{ color: {fg}; background: transparent; }}"
            " QLabel#staleTitle { font-size: 17pt; font-weight: 700; letter-spacing: 1px; }"
            " QLabel#staleDetail { font-size: 10.5pt; }"
        )

    def refresh_style(self) -> None:
        """Re-read the theme's banner colours (after a theme change)."""
        mode, self._mode = self._mode, ""
        if mode:
            self._style(mode)

    def refresh(self, *_: object) -> None:
        live = live_extras(self._feed)
        stale = live is not None and live.is_stale(self.threshold_s)
        if live is None or not stale:
            self._set_stale(False)
            return
        status = live.status
        reason = status.last_error
        as_of = centre_time(self._feed, self._feed.feed_clock_ms())
        if status.last_frame_monotonic is None:
            self._style("waiting")
            self.title.setText(f"NO DATA YET — connecting to {status.url}")
            self.detail.setText(
                (f"{_sentence(reason)} " if reason else "")
                + "Nothing on this screen is live until the feed connects."
                + ("" if reason and "retry" in reason.lower() else " Retrying automatically.")
            )
        else:
            self._style("stale")
            age = time.monotonic() - status.last_frame_monotonic
            self.title.setText(
                f"STALE — no update since {wall_time_of(status.last_frame_monotonic)} ({ago(age)} ago)"
            )
            if str(status.state) == "connected":
                why = f"The gateway at {status.url} has sent nothing for {ago(age)}."
            else:
                why = _sentence(reason) if reason else f"Not connected to {status.url}."
            retry = "" if "retry" in why.lower() else " Retrying automatically."
            self.detail.setText(
                f"{why} The figures below are as of feed time {as_of} and are NOT live.{retry}"
            )
        self._set_stale(True)

    def _set_stale(self, stale: bool) -> None:
        if stale != self._stale:
            self._stale = stale
            self.setVisible(stale)
            self.staleChanged.emit(stale)


def _sentence(text: str) -> str:
    """A reason as a sentence: capitalised, ending with a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
