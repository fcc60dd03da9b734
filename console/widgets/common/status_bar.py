"""The feed's health where supervisors cannot miss it: the status bar and the STALE banner.

Both poll the feed a few times a second rather than wait for signals: "no frame
for 3 s" is the absence of a signal, so only a timer can notice it. They work
with any FloorSource; the connection details need a live feed (``LiveExtras``).
Every word shown goes through Qt's translation (context ``status`` for the
module's functions). The reasons the feed client gives come from a module without
Qt as ``console.domain.texts.Text`` (``FeedStatus.last_error_text``), translated
here; their English (``last_error``) decides only what is said around them.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal
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

from console.application.floor_source import FloorSource
from console.domain.businessday import zone
from console.domain.clock import to_ms
from console.feeds.client.feed_client import FeedStatus
from console.widgets.common.fmt import role_label
from console.widgets.common.texts import sentence, translated_or
from console.widgets.common.theme import banner_colors, current_theme, level_color

#: No frame (not even a heartbeat) for this long and the figures are stale.
STALE_AFTER_S = 3.0
REFRESH_MS = 250


@runtime_checkable
class LiveExtras(Protocol):
    """What a live feed adds to a FloorSource (console.application.live.LiveFeed has it all)."""

    @property
    def status(self) -> FeedStatus: ...

    def last_frame_age_s(self) -> float | None: ...

    def events_per_second(self) -> float: ...

    def is_stale(self, threshold_s: float = STALE_AFTER_S) -> bool: ...


def live_extras(feed: FloorSource) -> LiveExtras | None:
    return feed if isinstance(feed, LiveExtras) else None


def centre_time(feed: FloorSource, ms: int | None, seconds: bool = True) -> str:
    """A feed-clock instant as the centre's local time of day, e.g. ``14:03:07 CST``."""
    if ms is None:
        return "—"
    local = datetime.fromtimestamp(ms / 1000.0, zone(feed.state.centre.timezone))
    return local.strftime("%H:%M:%S %Z" if seconds else "%H:%M %Z")


def ago(seconds: float) -> str:
    """A plain age: 0.4 s, 12 s, 3 min 05 s, 2 h 14 min."""
    if seconds < 10:
        return QCoreApplication.translate("status", "{s} s").format(s=f"{seconds:.1f}")
    if seconds < 60:
        return QCoreApplication.translate("status", "{s} s").format(s=f"{seconds:.0f}")
    if seconds < 3600:
        m, s = divmod(int(seconds), 60)
        return QCoreApplication.translate("status", "{m} min {s} s").format(m=m, s=f"{s:02d}")
    h, m = divmod(int(seconds) // 60, 60)
    return QCoreApplication.translate("status", "{h} h {m} min").format(h=h, m=f"{m:02d}")


def wall_time_of(monotonic_t: float) -> str:
    """The workstation's local time at a time.monotonic() instant, with its zone: ``08:03:07 CEST``.

    Always with the zone: it is shown beside feed-clock times in the centre's zone (``CST``), and a
    workstation in another zone must not read as the centre's time.
    """
    return wall_time(time.time() - (time.monotonic() - monotonic_t))


def wall_time(t: float) -> str:
    """A ``time.time()`` instant on the workstation's clock, with its zone: ``08:03:07 CEST``."""
    return datetime.fromtimestamp(t).astimezone().strftime("%H:%M:%S %Z").strip()


def store_outage_texts(status: FeedStatus) -> tuple[str, str] | None:
    """While connected to a gateway whose store is unavailable: the held banner's title and detail."""
    outage = status.store_outage
    if outage is None or str(status.state) != "connected":
        return None
    since = "—"
    if outage.since:
        with contextlib.suppress(ValueError):
            since = wall_time(to_ms(outage.since) / 1000.0)
    reason = outage.reason or QCoreApplication.translate("status", "no reason given")
    title = QCoreApplication.translate(
        "status", "Store unavailable since {time} — {reason}; figures are held"
    ).format(time=since, reason=reason)
    detail = QCoreApplication.translate(
        "status",
        "The gateway at {url} cannot write to its database, so it holds the live feed: the figures"
        " below are NOT live, and commands are refused until it can. It carries on by itself.",
    ).format(url=status.url)
    return title, detail


def connection_text(status: FeedStatus) -> tuple[str, str]:
    """The connection state in plain words, and its level (ok, warning, critical)."""
    state = str(status.state)
    url = status.url
    if state == "connected":
        if status.store_outage is not None:
            return QCoreApplication.translate(
                "status", "Connected to {url} — its store is unavailable; figures are held"
            ).format(url=url), "warning"
        return QCoreApplication.translate("status", "Connected to {url}").format(url=url), "ok"
    # The English says what the reason covers (the translation may not keep the words searched).
    english = status.last_error or ""
    reason = translated_or(status.last_error_text, status.last_error)
    if status.token_refused:  # the client has stopped: no retry until the user signs in again
        return QCoreApplication.translate("status", "Not signed in to {url}: {reason}").format(
            url=url, reason=reason
        ), "critical"
    retrying = "" if "retry" in english.lower() else QCoreApplication.translate("status", ". Retrying")
    if state == "connecting":
        if status.attempts > 1:
            head = QCoreApplication.translate("status", "Connecting to {url} (attempt {n})").format(
                url=url, n=status.attempts
            )
        else:
            head = QCoreApplication.translate("status", "Connecting to {url}").format(url=url)
        return (
            QCoreApplication.translate("status", "{head} — {reason}").format(head=head, reason=reason)
            if reason
            else head
        ), "warning"
    if reason and url in english:  # the reason names the address already
        return QCoreApplication.translate("status", "Disconnected — {reason}").format(
            reason=reason
        ) + retrying, "critical"
    if reason:
        return QCoreApplication.translate("status", "Disconnected from {url}: {reason}").format(
            url=url, reason=reason
        ) + retrying, "critical"
    return QCoreApplication.translate("status", "Disconnected from {url}").format(
        url=url
    ) + retrying, "critical"


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
            (self.user, self.tr("Who this console is signed in as, and the role the gateway gave it")),
            (self.clock, self.tr("The feed clock (the gateway's time) in the centre's time zone")),
            (self.age, self.tr("Time since the last frame (events or heartbeat) arrived")),
            (self.rate, self.tr("Events applied per second, averaged over the last 5 s")),
        ):
            label.setToolTip(tip)
            label.setContentsMargins(10, 0, 6, 0)
        # What the console's own commands came to ("Reassigned 3 cases to …"), for a while.
        self.note = QLabel()
        self.note.setObjectName("commandNote")
        self.note.setContentsMargins(10, 0, 6, 0)
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.timeout.connect(self.note.clear)
        self.addWidget(self.connection, 1)
        self.addWidget(self.note)
        for label in (self.user, self.clock, self.age, self.rate):
            self.addPermanentWidget(label)
        metrics = self.fontMetrics()
        self.clock.setMinimumWidth(metrics.horizontalAdvance(self._clock_text("00:00:00 WWWW")) + 20)
        self.age.setMinimumWidth(metrics.horizontalAdvance(self._age_text(ago(599.0))) + 20)
        self.rate.setMinimumWidth(metrics.horizontalAdvance(self._rate_text(99999.0)) + 20)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        feed.statusChanged.connect(self.refresh)
        self.refresh()

    def show_note(self, text: str, timeout_ms: int = 10_000) -> None:
        """Show what a command came to, for ``timeout_ms`` (the connection stays in view)."""
        self.note.setText(text)
        self.note.setToolTip(text)
        self._note_timer.start(timeout_ms)

    def _clock_text(self, time_text: str) -> str:
        return self.tr("Feed clock {time}").format(time=time_text)

    def _age_text(self, age_text: str) -> str:
        return self.tr("Last frame {age} ago").format(age=age_text)

    def _rate_text(self, rate: float) -> str:
        return self.tr("{rate} events/s").format(rate=f"{rate:.0f}")

    def refresh(self, *_: object) -> None:
        feed = self._feed
        self.clock.setText(self._clock_text(centre_time(feed, feed.feed_clock_ms())))
        live = live_extras(feed)
        if live is None:
            self.connection.setText(self.tr("Local floor (no feed connection)"))
            self.user.setText("")
            self.age.setText("")
            self.rate.setText("")
            return
        status = live.status
        text, level = connection_text(status)
        dot = level_color(current_theme(), level)
        self.connection.setText(f'<span style="color:{dot}">&#9679;</span>&nbsp;{_escape(text)}')
        self.connection.setToolTip(text)
        if status.user and status.role:
            who = self.tr("{user} · {role}").format(user=status.user, role=role_label(status.role))
        else:
            who = status.user or (status.role and role_label(status.role)) or self.tr("not signed in")
        self.user.setText(who)
        age = live.last_frame_age_s()
        self.age.setText(self.tr("No frame yet") if age is None else self._age_text(ago(age)))
        self.rate.setText(self._rate_text(live.events_per_second()))


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
        self._held = False
        self._mode = ""
        # How the banner's showing or hiding is done: the window it is in may hold the panels
        # below it in place meanwhile (MainWindow._banner_taken_by_table).
        self.relayout: Callable[[Callable[[], None]], None] = self._show_or_hide
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

    @property
    def held(self) -> bool:
        """Shown for a gateway whose store is unavailable (the feed is held), not for a silent one."""
        return self._held

    def refresh(self, *_: object) -> None:
        live = live_extras(self._feed)
        stale = live is not None and live.is_stale(self.threshold_s)
        held = None if live is None or stale else store_outage_texts(live.status)
        self._held = held is not None
        if held is not None:
            # The gateway is there and says why nothing moves: shown like STALE, with its reason.
            self._style("stale")
            self.title.setText(held[0])
            as_of = centre_time(self._feed, self._feed.feed_clock_ms())
            live_note = self.tr("The figures below are as of feed time {time}.").format(time=as_of)
            self.detail.setText(f"{held[1]} {live_note}")
            self._set_stale(True)
            return
        if live is None or not stale:
            behind = 0 if live is None or not self._stale else _still_to_apply(self._feed, live)
            if behind and live is not None:
                # Back after an outage, with its backlog still being applied: not live yet. The
                # banner stays until it is (and its going, which moves the panels below, does
                # not land on the catch-up's own turns).
                self._style("waiting")
                self.title.setText(
                    self.tr("CATCHING UP — {count} events to apply").format(count=f"{behind:,}")
                )
                as_of = centre_time(self._feed, self._feed.feed_clock_ms())
                self.detail.setText(
                    self.tr(
                        "The connection to {url} is back. The figures below are as of feed time {time} "
                        "and are NOT live until the events of the outage are applied."
                    ).format(url=live.status.url, time=as_of)
                )
                return
            self._set_stale(False)
            return
        status = live.status
        english = status.last_error or ""
        reason = translated_or(status.last_error_text, status.last_error)
        as_of = centre_time(self._feed, self._feed.feed_clock_ms())
        retry = self.tr("Retrying automatically.")
        if status.token_refused:
            self._style("stale")
            self.title.setText(self.tr("NOT SIGNED IN — {url}").format(url=status.url))
            parts = [sentence(reason)] if reason else []
            if status.last_frame_monotonic is not None:
                live_note = self.tr("The figures below are as of feed time {time} and are NOT live.")
                parts.append(live_note.format(time=as_of))
            parts.append(self.tr("Sign in with File ▸ Sign in… to connect."))
            self.detail.setText(" ".join(parts))
        elif status.last_frame_monotonic is None:
            self._style("waiting")
            self.title.setText(self.tr("NO DATA YET — connecting to {url}").format(url=status.url))
            parts = [sentence(reason)] if reason else []
            parts.append(self.tr("Nothing on this screen is live until the feed connects."))
            if "retry" not in english.lower():
                parts.append(retry)
            self.detail.setText(" ".join(parts))
        else:
            self._style("stale")
            age = time.monotonic() - status.last_frame_monotonic
            self.title.setText(
                self.tr("STALE — no update since {time} ({age} ago)").format(
                    time=wall_time_of(status.last_frame_monotonic), age=ago(age)
                )
            )
            if str(status.state) == "connected":
                why = self.tr("The gateway at {url} has sent nothing for {age}.").format(
                    url=status.url, age=ago(age)
                )
            elif reason:
                why = sentence(reason)
            else:
                why = self.tr("Not connected to {url}.").format(url=status.url)
            parts = [
                why,
                self.tr("The figures below are as of feed time {time} and are NOT live.").format(time=as_of),
            ]
            if not (reason and "retry" in english.lower()):
                parts.append(retry)
            self.detail.setText(" ".join(parts))
        self._set_stale(True)

    def _set_stale(self, stale: bool) -> None:
        if stale != self._stale:
            self._stale = stale
            self.relayout(lambda: self.setVisible(stale))
            self.staleChanged.emit(stale)

    @staticmethod
    def _show_or_hide(change: Callable[[], None]) -> None:
        change()


def _still_to_apply(feed: FloorSource, live: LiveExtras) -> int:
    """How many events this connection's welcome said there were that the floor has not applied."""
    head = live.status.welcome_seq
    return 0 if head is None else max(0, head - feed.state.seq)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
