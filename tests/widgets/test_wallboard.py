"""The wall display (pytest-qt, offscreen): tiles that fit at 1080p and 4K, levels, rotation, stale overlay.

Rendering is measured, not eyeballed: every label a tile shows is checked with
``QFontMetrics`` on its own font against its own rectangle, and every rectangle
against its tile and the window. The stale overlay is tested against a real
gateway that goes away and comes back on the same port.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from console.app import main as app_main
from console.application.floor_source import FloorSource
from console.application.live import LiveFeed
from console.domain.clock import iso, to_ms
from console.domain.entities import (
    Agent,
    AgentState,
    Bucket,
    Call,
    Case,
    CaseStatus,
    Centre,
    DayFigures,
    Queue,
)
from console.domain.figures.queues import Level
from console.domain.permissions import Role
from console.domain.state import Snapshot
from console.domain.wallboard import (
    ALL_QUEUES,
    Layout,
    Limits,
    MetricLimits,
    PageSpec,
    ThresholdConfig,
    TileKind,
    TileLevelRule,
    TileSpec,
    burn_in_offset,
    default_layout,
)
from console.widgets.common.fmt import DASH, LEVEL_COLORS
from console.widgets.common.language import install_language
from console.widgets.common.status_bar import centre_time
from console.widgets.wallboard.tiles import (
    TODAY_COLORS,
    BreachesTile,
    ChartTile,
    FitLabel,
    QueueTile,
    WallTile,
)
from console.widgets.wallboard.window import WallboardWindow
from tests.helpers.fit import text_width
from tests.helpers.floor_sources import FakeLive, driven_source
from tests.helpers.gateway import START, GatewayThread, make_config, token
from tests.helpers.network import FAST, free_port
from tests.helpers.translation import MARK, PseudoTranslator

ROOT = Path(__file__).resolve().parents[2]

#: Twelve queues with long names, busy enough for the widest figures: 3-digit counts, hour-long waits.
NAMES = (
    "Account services",
    "Transfers & remittances",
    "Credit cards",
    "Loans",
    "Complaints & suggestions",
    "Priority / VIP",
    "Mortgages and home equity",
    "Business banking",
    "Wealth management",
    "Fraud & lost or stolen cards",
    "Online & mobile banking",
    "Collections & recoveries",
)


#: The same twelve in Chinese, as a bank in China names them (long ones included).
NAMES_ZH = (
    "个人账户",
    "转账汇款",
    "信用卡",
    "贷款",
    "投诉与建议",
    "贵宾服务",
    "住房按揭与房产抵押贷款",
    "公司及小微企业银行业务",
    "财富管理",
    "欺诈、挂失及被盗卡片",
    "网上银行与手机银行",
    "催收与资产保全",
)


def twelve_queue_source(names: tuple[str, ...] = NAMES) -> FloorSource:
    """A floor of twelve queues from a snapshot, no network."""
    now = to_ms(START)
    queues, calls, agents, cases = [], [], [], []
    for i, name in enumerate(names):
        qid = f"q{i:02d}"
        offered = 1000 + 37 * i
        answered = offered - 150
        queues.append(
            Queue(
                id=qid,
                name=name,
                sl_threshold_s=20 if i % 3 else 10,
                sl_target_pct=80 if i % 3 else 90,
                today=DayFigures(
                    offered=offered,
                    answered=answered,
                    answered_within=answered - 70 * i,
                    abandoned=150,
                    abandoned_within=20,
                    short_abandons=10,
                ),
                buckets=[
                    Bucket(start=iso(now - now % 300_000), offered=9, answered=9, answered_within=9 - i % 9)
                ],
            )
        )
        for k in range(i * 11):  # up to 121 waiting; the oldest of the last queue for over an hour
            calls.append(
                Call(
                    id=f"C{i:02d}{k:03d}",
                    queue_id=qid,
                    priority=1,
                    caller="***",
                    entered_at=iso(now - (k + 1) * (i * 30 + 1) * 1000),
                )
            )
        cases.append(
            Case(
                id=f"CS-{i:06d}",
                queue_id=qid,
                subject="Dispute",
                priority="P1",
                status=CaseStatus.TRIAGE,
                agent_id=None,
                created_at=iso(now - 86_400_000),
                first_response_due=iso(now - 3_600_000 * (i + 1) - 1000),
                resolution_due=iso(now + 600_000 * (i + 1)),
            )
        )
    states = (AgentState.AVAILABLE, AgentState.ON_CALL, AgentState.NOT_READY, AgentState.WRAP_UP)
    for n in range(440):  # 110 in each state, every one skilled for every queue: 3-digit counts
        agents.append(
            Agent(
                id=f"A{n:03d}",
                name=f"Agent {n}",
                team="T",
                skills=[f"q{i:02d}" for i in range(len(NAMES))],
                state=states[n % 4],
                state_since=iso(now - 60_000),
            )
        )
    centre = Centre(
        name="Retail Bank Customer Service Centre — Shanghai East",
        timezone="Asia/Shanghai",
        day_starts="06:00",
        day_started_at=iso(now - 3 * 3_600_000),
    )
    source = FloorSource()
    source.state.load_snapshot(
        Snapshot(seq=500, at=iso(now), centre=centre, queues=queues, agents=agents, calls=calls, cases=cases)
    )
    source.floorUpdated.emit(source.state.take_changes())
    return source


def open_board(qtbot: QtBot, source: FloorSource, layout: Layout, size: tuple[int, int]) -> WallboardWindow:
    board = WallboardWindow(source, layout)
    qtbot.addWidget(board)
    board.resize(*size)
    board.show()
    qtbot.waitExposed(board)
    board.refresh()
    QApplication.processEvents()
    return board


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def measured_fits(label: FitLabel) -> bool:
    """The label's text fits its rectangle in its font: advance and ink, and the line's height."""
    fm = QFontMetrics(label.font())
    rect = label.contentsRect()
    return text_width(label.font(), label.text()) <= rect.width() and fm.height() <= rect.height()


def assert_nothing_clipped(board: WallboardWindow) -> None:
    window = board.rect()
    tiles = board.current_tiles()
    assert tiles
    for a, tile in enumerate(tiles):
        assert tile.isVisible()
        outer = rect_in(tile, board)
        assert window.contains(outer), (tile.tile.key, outer, window)
        for other in tiles[a + 1 :]:
            assert not outer.intersects(rect_in(other, board)), (tile.tile.key, other.tile.key)
        labels = tile.labels()
        expected = 12 if isinstance(tile, QueueTile) and not tile.missing else 2
        assert len(labels) >= expected, tile.tile.key
        for label in labels:
            assert label.parentWidget() is tile
            assert tile.rect().contains(label.geometry()), (tile.tile.key, label.text(), label.geometry())
            assert measured_fits(label), (
                tile.tile.key,
                label.text(),
                label.font().pixelSize(),
                label.geometry(),
            )
    for label in (board.centre_label, board.page_label, board.clock_label):
        assert label.text() and measured_fits(label), label.text()
        assert window.contains(rect_in(label, board))


def twelve_layout() -> Layout:
    return dataclasses.replace(
        default_layout(),
        pages=(
            PageSpec(
                title="All twelve queues",
                tiles=(TileSpec(TileKind.SUMMARY), TileSpec(TileKind.QUEUE, queue=ALL_QUEUES)),
            ),
            default_layout().pages[1],
        ),
    )


def test_nothing_is_clipped_with_twelve_queue_tiles_at_1080p_and_4k(qtbot: QtBot) -> None:
    source = twelve_queue_source()
    value_px: dict[int, int] = {}
    for size in ((1920, 1080), (3840, 2160)):
        board = open_board(qtbot, source, twelve_layout(), size)
        page = board.pages[0]
        assert len(page.tiles) == 13 and page.grid == (5, 3)
        queue_tiles = [t for t in page.tiles if isinstance(t, QueueTile) and not t.is_summary]
        assert [t.heading.text() for t in queue_tiles] == list(NAMES)
        # The widest figures are on screen: 3-digit counts, a wait of hours, 100.0 %.
        last = queue_tiles[-1]
        assert last.values["waiting"].text() == "121"
        assert re.fullmatch(r"\d\d:\d\d:\d\d", last.values["longest_wait"].text())  # 11 hours: wider still
        assert last.values["available"].text() == "110"
        assert_nothing_clipped(board)
        # Burn-in: wherever the board has moved to, it is whole on the screen.
        for step in range(0, 40):
            board.shift_to(step)
            dx, dy = burn_in_offset(step, board.layout_spec.burn_in.pixels)
            assert board.content.pos() == QPoint(8 + dx, 8 + dy)
            assert board.rect().contains(board.content.geometry())
        board.shift_to(0)
        # Page two: the breach list and the chart.
        board.next_page()
        QApplication.processEvents()
        assert [type(t) for t in board.current_tiles()] == [BreachesTile, ChartTile]
        breaches = board.current_tiles()[0]
        assert isinstance(breaches, BreachesTile) and breaches.count.text().endswith("today")
        assert re.fullmatch(r"■ .* (waiting — call|overdue — case) \S+", breaches.firsts[0].text())
        assert breaches.firsts[-1].text().startswith("… and")
        assert_nothing_clipped(board)
        value_px[size[0]] = last.values["sl_today"].font().pixelSize()
        heading_px = {t.heading.font().pixelSize() for t in page.tiles}
        assert len(heading_px) == 1  # the page's headings are alike
        board.close()
    # Readable from five metres: figures scale with the screen, and are large to begin with.
    assert value_px[1920] >= 24
    assert value_px[3840] >= 1.8 * value_px[1920]


def test_nothing_is_clipped_in_chinese_at_1080p_and_4k(qtbot: QtBot) -> None:
    """CJK text is taller and its glyphs wider: the font fitting must hold under --lang zh_CN too."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    language = install_language(app, "zh_CN")
    try:
        source = twelve_queue_source(NAMES_ZH)
        for size in ((1920, 1080), (3840, 2160)):
            board = open_board(qtbot, source, twelve_layout(), size)
            queue_tiles = [t for t in board.pages[0].tiles if isinstance(t, QueueTile) and not t.is_summary]
            assert [t.heading.text() for t in queue_tiles] == list(NAMES_ZH)
            summary = board.pages[0].tiles[0]
            assert isinstance(summary, QueueTile) and summary.heading.text() == "中心合计"  # translated
            assert board.page_label.text() == "All twelve queues · 第 1/2 页"  # a layout's own words stay
            assert_nothing_clipped(board)
            board.next_page()
            QApplication.processEvents()
            assert board.page_label.text() == "超时告警与排队趋势 · 第 2/2 页"  # the bundled page's title
            breaches = board.current_tiles()[0]
            assert isinstance(breaches, BreachesTile) and "今日" in breaches.count.text()
            assert_nothing_clipped(board)
            board.close()
    finally:
        language.remove()


def test_the_default_layout_on_the_bank_fits_and_shows_every_queue(qtbot: QtBot) -> None:
    source = driven_source()
    board = open_board(qtbot, source, default_layout(), (1920, 1080))
    tiles = board.pages[0].tiles
    assert [t.tile.key for t in tiles] == ["summary"] + [f"queue:{q}" for q in source.state.queues]
    assert board.pages[0].grid == (4, 2)
    assert board.centre_label.text() == source.state.centre.name
    assert board.page_label.text() == "Queues · page 1 of 2"
    assert re.fullmatch(r"\d\d:\d\d \w+", board.clock_label.text())
    assert_nothing_clipped(board)
    summary = tiles[0]
    assert isinstance(summary, QueueTile) and summary.heading.text() == "Centre total"
    assert summary.values["target"].text().endswith(" s") and summary.values["waiting"].text() != DASH


# -- levels ---------------------------------------------------------------------------------------


def level(tile: WallTile) -> Level:
    return tile.level  # read afresh (a plain attribute read would stay narrowed for mypy)


def one_queue_source(t0: int) -> FloorSource:
    source = FloorSource()
    source.state.load_snapshot(
        Snapshot(
            seq=10,
            at=iso(t0),
            centre=Centre(name="Level test", timezone="UTC", day_started_at=iso(t0 - 3_600_000)),
            queues=[Queue(id="q1", name="Cards", sl_threshold_s=20, sl_target_pct=80)],
            agents=[],
            calls=[Call(id="c1", queue_id="q1", priority=1, caller="***", entered_at=iso(t0))],
            cases=[],
        )
    )
    source.floorUpdated.emit(source.state.take_changes())
    return source


def test_tile_levels_at_the_thresholds_show_shape_word_and_colour_and_flash_entering_critical(
    qtbot: QtBot,
) -> None:
    t0 = to_ms(START)
    source = one_queue_source(t0)
    layout = dataclasses.replace(
        default_layout(),
        pages=default_layout().pages[:1],  # the summary and the queue (the breach list has its own level)
        sound=True,
        thresholds=ThresholdConfig(queues={"q1": MetricLimits(longest_wait=Limits(warning=30, critical=60))}),
    )
    board = open_board(qtbot, source, layout, (1280, 720))
    tile = next(t for t in board.pages[0].tiles if t.tile.key == "queue:q1")
    assert isinstance(tile, QueueTile)

    def at(wait_ms: int) -> None:
        source.state.advance_clock(iso(t0 + wait_ms))
        board.refresh()

    at(30_000)  # exactly at the warning limit: ok
    assert (tile.level, tile.levels.longest_wait) == (Level.OK, Level.OK)
    assert tile.values["longest_wait"].text() == "0:30"
    assert tile.captions["longest_wait"].text() == "Longest wait" and tile.level_word.text() == "OK"
    at(30_001)
    assert (tile.level, tile.badge.level) == (Level.WARNING, Level.WARNING)
    assert tile.level_word.text() == "WARNING"
    assert tile.captions["longest_wait"].text() == "▲ Longest wait"
    assert tile.values["longest_wait"].palette().windowText().color() == LEVEL_COLORS[Level.WARNING]
    at(60_000)  # exactly at the critical limit: still a warning
    assert tile.level is Level.WARNING and tile.flashes == 0 and board.beeps == 0
    at(60_001)
    assert (tile.level, tile.badge.level, tile.level_word.text()) == (
        Level.CRITICAL,
        Level.CRITICAL,
        "CRITICAL",
    )
    assert tile.captions["longest_wait"].text() == "■ Longest wait"
    assert tile.values["longest_wait"].palette().windowText().color() == LEVEL_COLORS[Level.CRITICAL]
    assert tile.flashes == 1 and tile.flashing and board.beeps == 1  # one beep however many tiles enter
    qtbot.waitUntil(lambda: not tile.flashing, timeout=3_000)  # about two seconds, then steady red
    at(90_000)
    assert level(tile) is Level.CRITICAL and tile.flashes == 1 and board.beeps == 1  # staying: not entering
    # The summary keeps the domain's limits (the queue's 20 s threshold): it went critical past 60 s too.
    summary = board.pages[0].tiles[0]
    assert isinstance(summary, QueueTile) and summary.is_summary and summary.level is Level.CRITICAL
    assert_nothing_clipped(board)


def bad_morning(t0: int, waits_s: tuple[float, ...] = ()) -> Snapshot:
    """One queue (80 % in 20 s): 100 % this interval, 40 % today; a call waiting for each of ``waits_s``."""
    interval0 = t0 - t0 % 900_000
    return Snapshot(
        seq=10,
        at=iso(t0),
        centre=Centre(name="Afternoon", timezone="UTC", day_started_at=iso(interval0 - 3 * 3_600_000)),
        queues=[
            Queue(
                id="q1",
                name="Cards",
                sl_threshold_s=20,
                sl_target_pct=80,
                today=DayFigures(offered=100, answered=100, answered_within=40),
                buckets=[Bucket(start=iso(interval0), offered=10, answered=10, answered_within=10)],
            )
        ],
        agents=[],
        calls=[
            Call(id=f"c{i}", queue_id="q1", priority=1, caller="***", entered_at=iso(t0 - round(w * 1000)))
            for i, w in enumerate(waits_s)
        ],
        cases=[],
    )


def test_a_bad_morning_does_not_make_the_tile_critical_now_but_waiting_and_longest_wait_do(
    qtbot: QtBot,
) -> None:
    """Nobody waiting, 100 % this interval, 40 % today: the tile is ok, SL today softly marked on its own."""
    t0 = to_ms(START)
    source = FloorSource()
    limits = MetricLimits(waiting=Limits(warning=2, critical=4), longest_wait=Limits(warning=30, critical=60))
    layout = dataclasses.replace(
        default_layout(),
        pages=default_layout().pages[:1],
        sound=True,
        thresholds=ThresholdConfig(board=limits),
    )

    def at(*waits_s: float) -> None:
        source.state.load_snapshot(bad_morning(t0, waits_s))
        source.floorUpdated.emit(source.state.take_changes())
        board.refresh()

    board = open_board(qtbot, source, layout, (1280, 720))
    at()
    tile = next(t for t in board.pages[0].tiles if t.tile.key == "queue:q1")
    assert isinstance(tile, QueueTile)
    assert tile.values["sl_interval"].text() == "100.0%" and tile.values["sl_today"].text() == "40.0%"
    assert tile.values["waiting"].text() == "0"
    # The tile: not critical, not even a warning; its badge and word say so.
    assert (tile.level, tile.badge.level, tile.level_word.text()) == (Level.OK, Level.OK, "OK")
    # SL today: critical on today's softer scale, a hollow square in a muted colour, not the live red.
    assert tile.levels.sl_today is Level.CRITICAL and tile.levels.soft("sl_today")
    assert tile.captions["sl_today"].text() == "□ SL today"
    today_colour = tile.values["sl_today"].palette().windowText().color()
    assert today_colour == TODAY_COLORS[Level.CRITICAL] and today_colour != LEVEL_COLORS[Level.CRITICAL]
    assert tile.captions["sl_interval"].text() == "SL this interval"
    summary = board.pages[0].tiles[0]
    assert isinstance(summary, QueueTile) and summary.is_summary and summary.level is Level.OK
    assert board.levels == {"summary": Level.OK, "queue:q1": Level.OK} and board.beeps == 0
    assert_nothing_clipped(board)

    at(5.0, 4.0, 3.0)  # three waiting: over the warning limit of 2
    assert (tile.level, tile.level_word.text()) == (Level.WARNING, "WARNING")
    assert tile.captions["waiting"].text() == "▲ Waiting"
    at(5.0, 4.0, 3.0, 2.0, 1.0)  # five waiting: over the critical limit of 4
    assert (tile.level, tile.badge.level, tile.level_word.text()) == (Level.CRITICAL,) * 2 + ("CRITICAL",)
    assert tile.captions["waiting"].text() == "■ Waiting"
    assert tile.values["waiting"].palette().windowText().color() == LEVEL_COLORS[Level.CRITICAL]
    assert tile.flashes == 1 and board.beeps == 1  # entering critical now flashes and beeps
    assert tile.captions["sl_today"].text() == "□ SL today"  # today stays on its own scale
    at()
    assert level(tile) is Level.OK
    at(60.0)  # one call, exactly at the longest wait's critical limit: a warning
    assert (tile.level, tile.levels.waiting, tile.levels.longest_wait) == (
        Level.WARNING,
        Level.OK,
        Level.WARNING,
    )
    at(60.5)
    assert level(tile) is Level.CRITICAL and tile.captions["longest_wait"].text() == "■ Longest wait"
    assert tile.flashes == 2 and board.beeps == 2
    assert_nothing_clipped(board)


def test_now_and_today_counts_today_in_the_tile_as_the_layout_asks(qtbot: QtBot) -> None:
    source = FloorSource()
    source.state.load_snapshot(bad_morning(to_ms(START)))
    source.floorUpdated.emit(source.state.take_changes())
    layout = dataclasses.replace(
        default_layout(),
        pages=default_layout().pages[:1],
        thresholds=ThresholdConfig(tile_level=TileLevelRule.NOW_AND_TODAY),
    )
    board = open_board(qtbot, source, layout, (1280, 720))
    tile = next(t for t in board.pages[0].tiles if t.tile.key == "queue:q1")
    assert isinstance(tile, QueueTile)
    assert (tile.level, tile.level_word.text()) == (Level.CRITICAL, "CRITICAL")
    assert tile.captions["sl_today"].text() == "■ SL today"
    assert tile.values["sl_today"].palette().windowText().color() == LEVEL_COLORS[Level.CRITICAL]


def test_a_queue_the_feed_does_not_have_is_a_notice_on_its_tile(qtbot: QtBot) -> None:
    source = FloorSource()  # nothing from the feed yet
    layout = Layout(
        pages=(PageSpec("p", (TileSpec(TileKind.QUEUE, queue="mortgages"), TileSpec(TileKind.SUMMARY))),)
    )
    board = open_board(qtbot, source, layout, (1280, 720))
    tile = board.pages[0].tiles[0]
    assert isinstance(tile, QueueTile) and not tile.missing and tile.values["waiting"].text() == DASH
    other = one_queue_source(to_ms(START))
    source.state.load_snapshot(other.state.to_snapshot())
    source.floorUpdated.emit(source.state.take_changes())
    board.refresh()
    tile = board.pages[0].tiles[0]
    assert isinstance(tile, QueueTile) and tile.missing
    assert tile.notice.text() == "Queue mortgages is not on this feed" and tile.notice.isVisible()
    assert not tile.badge.isVisible() and all(v.isHidden() for v in tile.values.values())
    assert_nothing_clipped(board)


# -- rotation and keys ----------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_pages_rotate_pause_and_switch_by_keys(qtbot: QtBot) -> None:
    clock = FakeClock()
    pages = tuple(PageSpec(f"P{i}", (TileSpec(TileKind.SUMMARY),)) for i in range(3))
    layout = Layout(pages=pages, rotate_s=5.0)
    board = WallboardWindow(driven_source(), layout, clock=clock, refresh_ms=10)
    qtbot.addWidget(board)
    board.resize(1280, 720)
    board.show()
    seen: list[int] = []
    board.pageChanged.connect(seen.append)
    assert board.current_page == 0 and board.pages[0].isVisible() and not board.pages[1].isVisible()
    qtbot.wait(50)
    assert board.current_page == 0
    clock.t += 5.0
    qtbot.waitUntil(lambda: board.current_page == 1, timeout=1_000)
    assert board.pages[1].isVisible() and not board.pages[0].isVisible()
    assert board.page_label.text() == "P1 · page 2 of 3"

    QTest.keyClick(board, Qt.Key.Key_Space)  # pause
    assert board.rotation.paused and "PAUSED" in board.page_label.text()
    clock.t += 60.0
    qtbot.wait(60)
    assert board.current_page == 1
    QTest.keyClick(board, Qt.Key.Key_Right)
    assert board.current_page == 2
    QTest.keyClick(board, Qt.Key.Key_PageDown)
    assert board.current_page == 0  # round
    QTest.keyClick(board, Qt.Key.Key_Left)
    assert board.current_page == 2
    QTest.keyClick(board, Qt.Key.Key_PageUp)
    assert board.current_page == 1
    QTest.keyClick(board, Qt.Key.Key_3)
    assert board.current_page == 2
    QTest.keyClick(board, Qt.Key.Key_Home)
    assert board.current_page == 0
    QTest.keyClick(board, Qt.Key.Key_Space)  # resume: the page gets its full time again
    assert not board.rotation.paused and "PAUSED" not in board.page_label.text()
    clock.t += 4.9
    qtbot.wait(60)
    assert board.current_page == 0
    clock.t += 0.2
    qtbot.waitUntil(lambda: board.current_page == 1, timeout=1_000)
    assert seen[:2] == [1, 2] and seen[-1] == 1

    with qtbot.waitSignal(board.closed, timeout=1_000):
        QTest.keyClick(board, Qt.Key.Key_Escape)  # not full screen: Esc closes the board
    assert not board.isVisible()


def test_escape_first_leaves_full_screen(qtbot: QtBot) -> None:
    board = WallboardWindow(driven_source(), default_layout())
    qtbot.addWidget(board)
    board.enter_full_screen()
    qtbot.waitUntil(board.isFullScreen, timeout=2_000)
    assert board.cursor().shape() == Qt.CursorShape.BlankCursor
    QTest.keyClick(board, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not board.isFullScreen(), timeout=2_000)
    assert board.isVisible()
    QTest.keyClick(board, Qt.Key.Key_F11)
    qtbot.waitUntil(board.isFullScreen, timeout=2_000)
    QTest.keyClick(board, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not board.isFullScreen(), timeout=2_000)
    board.close()


# -- never silently stale -------------------------------------------------------------------------


def test_the_stale_overlay_appears_when_the_gateway_goes_and_clears_when_it_is_back(
    qtbot: QtBot, tmp_path: Path
) -> None:
    config = make_config(tmp_path, port=free_port())  # a fixed port: the restarted gateway is found again
    with GatewayThread(config) as gw:
        feed = LiveFeed(gw.url, token(Role.VIEWER), backoff=FAST)  # a viewer's token is enough
        sent: list[object] = []
        feed.send_command = lambda *a, **k: sent.append(a) or ""  # type: ignore[method-assign,func-returns-value]
        board = WallboardWindow(feed, default_layout())
        qtbot.addWidget(board)
        board.resize(1280, 720)
        board.show()
        feed.start()
        try:
            qtbot.waitUntil(
                lambda: (
                    len(feed.state.queues) > 0
                    and len(board.pages[0].tiles) == len(feed.state.queues) + 1
                    and board.centre_label.text().startswith("Retail Bank")
                ),
                timeout=15_000,
            )
            qtbot.waitUntil(lambda: not board.overlay.stale, timeout=5_000)
            assert board.overlay.isHidden() and not board.windowTitle().startswith("STALE")
            # Connected but silent (the gateway's loop stalls): stale after 3 s, clear when frames flow.
            gw.loop.call_soon_threadsafe(time.sleep, 4.5)
            qtbot.waitUntil(lambda: board.overlay.stale, timeout=4_500)
            assert "has sent nothing" in board.overlay.detail.text()
            qtbot.waitUntil(lambda: not board.overlay.stale, timeout=5_000)
            url = gw.url
        except BaseException:
            feed.stop()
            raise
    try:
        # The gateway is gone: the whole board says so within ~4 s, with the time of the last update.
        qtbot.waitUntil(lambda: board.overlay.stale, timeout=5_000)
        overlay = board.overlay
        assert overlay.isVisible() and overlay.geometry() == board.rect()
        # The last update on the feed clock in the centre's zone (Asia/Shanghai: CST), as on the
        # rest of the board; the workstation's clock below it, with its own zone.
        assert overlay.title.text() == f"STALE — no update since {centre_time(feed, feed.feed_clock_ms())}"
        assert re.fullmatch(r"STALE — no update since \d\d:\d\d:\d\d CST", overlay.title.text()), (
            overlay.title.text()
        )
        assert re.fullmatch(
            r".+ ago · \d\d:\d\d:\d\d \S+ on this workstation · NOT live", overlay.age.text()
        ), overlay.age.text()
        assert board.windowTitle().startswith("STALE")
        for label in overlay.labels():
            assert measured_fits(label) and overlay.rect().contains(label.geometry()), label.text()
        assert url
        # Back on the same port and database: the overlay goes by itself.
        with GatewayThread(config):
            qtbot.waitUntil(lambda: not board.overlay.stale, timeout=15_000)
            assert board.overlay.isHidden() and not board.windowTitle().startswith("STALE")
    finally:
        feed.stop()
    assert sent == []  # the wallboard never sends a command


def test_the_stale_headline_gives_both_clocks_with_their_zones(qtbot: QtBot) -> None:
    """A workstation in Berlin, a centre in Shanghai: each clock says which zone it is in."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    try:
        feed = FakeLive(driven_source().state)
        board = open_board(qtbot, feed, default_layout(), (1920, 1080))
        board.overlay.refresh()
        overlay = board.overlay
        assert overlay.stale
        feed_ms = feed.feed_clock_ms()
        assert feed_ms is not None
        shanghai = datetime.fromtimestamp(feed_ms / 1000, ZoneInfo("Asia/Shanghai"))
        assert overlay.title.text() == "STALE — no update since {}".format(shanghai.strftime("%H:%M:%S CST"))
        last = feed.status.last_frame_monotonic
        assert last is not None
        berlin = datetime.fromtimestamp(time.time() - (time.monotonic() - last), ZoneInfo("Europe/Berlin"))
        local = re.search(r"· (\d\d:\d\d:\d\d) (\S+) on this workstation ·", overlay.age.text())
        assert local is not None, overlay.age.text()
        assert local.group(2) == berlin.strftime("%Z") and local.group(2) in ("CET", "CEST")
        shown = datetime.strptime(local.group(1), "%H:%M:%S")
        off = abs(
            (shown.hour * 3600 + shown.minute * 60 + shown.second)
            - (berlin.hour * 3600 + berlin.minute * 60 + berlin.second)
        )
        assert min(off, 86_400 - off) <= 1  # the same instant, to the second it was read
        for label in overlay.labels():
            assert measured_fits(label), label.text()
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


# -- words and the command line -------------------------------------------------------------------


def test_every_word_on_the_wallboard_goes_through_qt_translation(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translator = PseudoTranslator()
    app.installTranslator(translator)
    try:
        feed = FakeLive(driven_source().state)  # a lost connection: the overlay speaks too
        pages = (
            PageSpec(
                "Queues",
                (
                    TileSpec(TileKind.SUMMARY),
                    TileSpec(TileKind.QUEUE, queue=ALL_QUEUES),
                    TileSpec(TileKind.QUEUE, queue="mortgages"),
                ),
            ),
            PageSpec("Alerts", (TileSpec(TileKind.BREACHES), TileSpec(TileKind.CHART))),
        )
        board = open_board(qtbot, feed, Layout(pages=pages), (1920, 1080))
        board.overlay.refresh()
        assert board.overlay.stale
        shown = [(w.objectName(), w.text()) for w in board.findChildren(FitLabel) if w.text() and not w.data]
        assert len(shown) > 60
        untranslated = [(where, text) for where, text in shown if MARK not in text]
        assert untranslated == [], untranslated
        assert MARK in board.windowTitle()
    finally:
        app.removeTranslator(translator)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layout", "wall.toml"], "--layout: only for the wall display; add --wallboard"),
        (["--screen", "1"], "--screen: only for the wall display"),
        (["--wallboard", "--screen", "-1"], "--screen must be 0 (the first screen) or more"),
        (["--wallboard", "--page", "0"], "--page must be 1 (the first page) or more"),
        (["--wallboard", "--page", "3"], "--page 3: the layout has 2 page(s)"),
        (
            ["--wallboard", "--layout", "/no/such/wall.toml"],
            "/no/such/wall.toml: cannot read the layout file",
        ),
        (
            ["--wallboard", "--feed", "ws://127.0.0.1:1", "--token", "t", "--screen", "7"],
            "--screen 7: this display",
        ),
    ],
)
def test_bad_wallboard_arguments_give_a_clear_error(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert app_main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "error" in err and "Traceback" not in err


def test_a_wrong_layout_file_is_refused_at_start_with_file_line_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layout = tmp_path / "layout.toml"
    layout.write_text(
        'rotate_s = 20\n\n[[pages]]\ntiles = [\n  { kind = "summary" },\n  { kind = "foo" },\n]\n'
    )
    assert app_main(["--wallboard", "--layout", str(layout)]) == 2
    err = capsys.readouterr().err
    assert (
        f"{layout}:6: pages[0].tiles[1]: unknown tile kind 'foo'"
        " (known: queue, summary, breaches, chart, staffing)" in err
    )


def test_screenshot_of_the_wallboard(tmp_path: Path) -> None:
    shot = tmp_path / "wall.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = "import sys; from console.app import main; sys.exit(main(sys.argv[1:]))"
    args = ["--wallboard", "--screenshot", str(shot), "--after", "2.5", "--speed", "60", "--page", "2"]
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        check=False,  # the return code is asserted with stderr
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1920, 1080)  # the wallboard's default size
    assert shot.stat().st_size > 20_000
