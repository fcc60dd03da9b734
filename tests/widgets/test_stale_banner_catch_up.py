"""The STALE banner through a reconnect: it stays while the outage's events are applied, and its
coming and going moves the queue table, not the charts.

A console back from an outage has, for a second or two, a connection and a floor that is not
current yet: the banner says "CATCHING UP" with how many events are left, and goes once the
floor holds the head the gateway's welcome named. Its going used to resize the four plots at
the start of every catch-up (their re-layout and full paint in one turn of the GUI thread).
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from console.feeds.client.feed_client import ConnState, FeedStatus
from console.widgets.main_window import MainWindow
from tests.helpers.floor_sources import FakeLive, driven_source


class Recovering(FakeLive):
    """A live-like source whose connection the test moves: lost, back, caught up."""

    def __init__(self) -> None:
        super().__init__(driven_source().state)
        self.stale = True

    def is_stale(self, threshold_s: float = 3.0) -> bool:
        return self.stale

    def back(self, head: int) -> None:
        """Connected again; the gateway's welcome named ``head``."""
        self.stale = False
        self._status = dataclasses.replace(
            self._status,
            state=ConnState.CONNECTED,
            last_error=None,
            last_frame_monotonic=time.monotonic(),
            welcome_seq=head,
        )

    def lost(self) -> None:
        self.stale = True
        self._status = FeedStatus(
            state=ConnState.DISCONNECTED,
            url=self._status.url,
            last_error="the connection was lost",
            last_frame_monotonic=time.monotonic() - 12,
        )


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> tuple[MainWindow, Recovering]:
    source = Recovering()
    w = MainWindow(source, settings_path=tmp_path / "layout.ini", save_on_close=False)
    qtbot.addWidget(w)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    return w, source


def test_the_banner_stays_while_the_outage_is_applied_and_goes_at_the_welcomes_head(
    window: tuple[MainWindow, Recovering],
) -> None:
    w, source = window
    banner = w.banner
    banner.refresh()
    assert banner.stale and banner.isVisible() and "STALE" in banner.title.text()

    seq = source.state.seq
    source.back(head=seq + 1234)
    banner.refresh()
    # Connected, but 1,234 events of the outage are still to apply: not live yet.
    assert banner.stale and banner.isVisible()
    assert banner.title.text() == "CATCHING UP — 1,234 events to apply"
    assert "is back" in banner.detail.text() and "NOT live" in banner.detail.text()
    assert w.windowTitle().startswith("STALE")

    source.back(head=seq)  # the floor holds the head: live
    banner.refresh()
    assert not banner.stale and banner.isHidden()
    assert not w.windowTitle().startswith("STALE")

    # Live again, a later reconnect that brings nothing new is not "catching up".
    source.back(head=seq - 5)
    banner.refresh()
    assert not banner.stale and banner.isHidden()


def test_a_banner_not_up_does_not_come_up_for_a_catch_up(window: tuple[MainWindow, Recovering]) -> None:
    """A live console that falls behind by a burst is not STALE: only an outage's end is a catch-up."""
    w, source = window
    source.back(head=source.state.seq)
    w.banner.refresh()
    assert w.banner.isHidden()
    source.back(head=source.state.seq + 500)
    w.banner.refresh()
    assert w.banner.isHidden() and not w.banner.stale


def test_the_banners_coming_and_going_moves_the_table_not_the_charts(
    qtbot: QtBot, window: tuple[MainWindow, Recovering]
) -> None:
    w, source = window
    w.banner.refresh()
    qtbot.waitUntil(w.banner.isVisible)
    charts, both = w.charts.height(), w.queues.height() + w.banner.height()
    for _ in range(3):  # no drift: an outage a shift must not shrink the charts step by step
        source.back(head=source.state.seq)
        w.banner.refresh()
        assert w.banner.isHidden()
        assert w.charts.height() == charts and w.queues.height() == both
        qtbot.wait(20)  # the layout's own later passes keep it so
        assert w.charts.height() == charts and w.queues.height() == both
        source.lost()
        w.banner.refresh()
        assert w.banner.isVisible()
        qtbot.wait(20)
        # The table gives what the banner takes (its text, so its height, may differ from before).
        assert w.charts.height() == charts and w.queues.height() + w.banner.height() == both
    # Nothing overlaps: the banner sits above the table.
    assert w.banner.geometry().bottom() < w.splitter.geometry().top()


def test_where_the_table_has_no_room_the_charts_give(
    qtbot: QtBot, window: tuple[MainWindow, Recovering]
) -> None:
    w, source = window
    source.back(head=source.state.seq)
    w.banner.refresh()
    w.resize(1366, 700)
    qtbot.waitUntil(lambda: w.height() == 700)
    w.splitter.setSizes([w.queues.minimumSizeHint().height(), 10_000])  # the table as small as it goes
    qtbot.wait(20)
    charts = w.charts.height()
    source.lost()
    w.banner.refresh()
    qtbot.wait(20)
    assert w.banner.isVisible()
    assert w.queues.height() >= w.queues.minimumSizeHint().height()
    assert w.charts.height() < charts
    assert w.banner.geometry().bottom() < w.splitter.geometry().top()
    central = w.splitter.parentWidget()
    assert central is not None and w.splitter.geometry().bottom() <= central.height()
