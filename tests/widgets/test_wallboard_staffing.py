"""The wall display's staffing tile (pytest-qt, offscreen): the advice of ``staffing.advise``, levels, age.

The tile's figures are compared with ``advise(state, now)`` computed here on the same
simulated floor; the advisor runs on the window's own timer, a few queues a turn.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from console.app import main as app_main
from console.application.wallboard_layout import parse_layout
from console.domain.figures.queues import Level
from console.domain.staffing import QueueAdvice, advise, whole_agents
from console.domain.wallboard import (
    STAFFING_MAX_AGE_MS,
    Layout,
    PageSpec,
    TileKind,
    TileSpec,
    default_layout,
    shortest_first,
)
from console.widgets.common.fmt import LEVEL_COLORS
from console.widgets.wallboard.tiles import StaffingTile
from console.widgets.wallboard.window import WallboardWindow
from tests.helpers.floor_sources import FakeLive, SimulatedFloor
from tests.widgets.test_wallboard import assert_nothing_clipped, open_board, twelve_queue_source

LAYOUT = """
rotate_s = 0

[[pages]]
title = "Staffing"
tiles = [
    { kind = "staffing", rows = 12 },
    { kind = "staffing", queue = "cards" },
    { kind = "staffing", queue = "mortgages" },
]
"""


def staffing_tiles(board: WallboardWindow) -> list[StaffingTile]:
    return [t for t in board.current_tiles() if isinstance(t, StaffingTile)]


def gap_text(advice: QueueAdvice) -> str:
    """The gap as the tile must show it, worked out here: the shape for short, a true minus sign."""
    gap = advice.gap
    assert gap is not None and advice.needed is not None
    if gap >= 0:
        return f"+{gap}" if gap else "0"
    short = -gap
    shape = "■" if short >= 3 or short >= advice.needed * 0.25 else "▲"
    return f"{shape} −{short}"


def advised_floor() -> SimulatedFloor:
    floor = SimulatedFloor()
    floor.bootstrap()
    return floor


def advice_settled(board: WallboardWindow, now: int) -> bool:
    advisor = board.advisor
    assert advisor is not None
    done = advisor.advice.values()
    return not advisor.busy and bool(done) and all(a.inputs.now_ms == now for a in done)


def test_a_staffing_layout_shows_what_advise_says_on_a_simulated_floor(qtbot: QtBot) -> None:
    floor = advised_floor()
    layout = parse_layout(LAYOUT, "staffing.toml")
    board = open_board(qtbot, floor.source, layout, (1920, 1080))
    listed, cards, missing = staffing_tiles(board)
    assert [t.tile.key for t in (listed, cards, missing)] == [
        "staffing",
        "staffing:cards",
        "staffing:mortgages",
    ]
    assert missing.missing and missing.notice.text() == "Queue mortgages is not on this feed"
    floor.run(25 * 60, step_s=5)  # 25 simulated minutes: arrivals, handle times, abandons to estimate
    # The window's timer advises a few queues a turn, at the feed clock.
    qtbot.waitUntil(lambda: advice_settled(board, floor.now), timeout=15_000)
    board.refresh()
    expected = advise(floor.state, floor.now)
    assert len(expected) == len(floor.state.queues)
    known = [a for a in expected if a.needed is not None and a.gap is not None]
    assert known, "the simulated morning should give some advice"
    assert any(a.gap != 0 for a in known)

    card = next(a for a in expected if a.queue_id == "cards")
    assert card.needed is not None
    assert cards.heading.text() == f"Staffing · {card.name}"
    assert cards.values["needed"].text() == str(card.needed)
    assert cards.values["serving"].text() == str(whole_agents(card.staffed))
    assert cards.values["gap"].text() == gap_text(card)
    assert card.predicted_sl is not None
    assert cards.values["sl"].text() == f"{card.predicted_sl * 100:.1f}%"
    assert cards.note.text().startswith("Advice as of ")

    rows = [
        (a.name, str(a.needed), str(whole_agents(a.staffed)), gap_text(a))
        for a in shortest_first(expected)
        if a.needed is not None
    ]
    assert [r[:4] for r in listed.shown if r[1] != "—"] == rows
    gaps = [a.gap for a in shortest_first(expected) if a.gap is not None]
    assert gaps == sorted(gaps)  # the most short first
    assert_nothing_clipped(board)


def test_a_negative_gap_has_the_shape_and_colour_of_its_level_and_never_flashes(qtbot: QtBot) -> None:
    floor = advised_floor()
    floor.run(10 * 60, step_s=10)
    layout = parse_layout(LAYOUT, "staffing.toml")
    board = open_board(qtbot, floor.source, layout, (1920, 1080))
    board.advise_now()
    listed, cards, _ = staffing_tiles(board)
    assert board.advisor is not None
    real = board.advisor.advice["cards"]
    assert real.staffed_agents > 0
    serving = whole_agents(real.staffed)

    def short_by(n: int) -> None:
        assert board.advisor is not None
        board.advisor.advice["cards"] = dataclasses.replace(real, needed=serving + n, gap=-n)
        board.refresh()

    short_by(1)  # short by one of more than four: a warning
    assert serving + 1 > 4
    assert cards.values["gap"].text() == "▲ −1"
    assert cards.captions["gap"].text() == "▲ Gap"
    assert cards.values["gap"].palette().windowText().color() == LEVEL_COLORS[Level.WARNING]
    assert (cards.level, cards.badge.level, cards.level_word.text()) == (
        Level.WARNING,
        Level.WARNING,
        "WARNING",
    )
    short_by(3)  # short by three: critical
    assert cards.values["gap"].text() == "■ −3"
    assert cards.captions["gap"].text() == "■ Gap"
    assert cards.values["gap"].palette().windowText().color() == LEVEL_COLORS[Level.CRITICAL]
    assert (cards.level, cards.badge.level, cards.level_word.text()) == (
        Level.CRITICAL,
        Level.CRITICAL,
        "CRITICAL",
    )
    assert listed.level is Level.CRITICAL  # the list's badge: its worst queue
    row = next(r for r in listed.shown if r[0] == real.name)
    assert row[3] == "■ −3" and listed.shown[0] == row  # the most short first
    assert cards.flashes == 0 and listed.flashes == 0 and board.beeps == 0  # advice: no flash, no beep


def test_advice_is_never_shown_stale(qtbot: QtBot) -> None:
    floor = advised_floor()
    floor.run(10 * 60, step_s=10)
    layout = parse_layout(LAYOUT, "staffing.toml")
    board = open_board(qtbot, floor.source, layout, (1920, 1080))
    board.advise_now()
    _, cards, _ = staffing_tiles(board)
    assert cards.values["needed"].text() != "—"
    floor.source.catching_up = True  # type: ignore[attr-defined]  # no new cycle while catching up
    floor.later(STAFFING_MAX_AGE_MS / 1000 + 1)
    board.refresh()
    assert [cards.values[k].text() for k in ("needed", "gap", "sl")] == ["—", "—", "—"]
    assert cards.note.text() == "Advice out of date: being recomputed"
    assert cards.level is Level.OK
    floor.source.catching_up = False  # type: ignore[attr-defined]
    # Caught up: the timer advises again at the new feed clock.
    qtbot.waitUntil(lambda: advice_settled(board, floor.now), timeout=15_000)
    board.refresh()
    assert cards.values["needed"].text() != "—" and cards.note.text().startswith("Advice as of ")


def test_a_stale_board_covers_the_staffing_tile(qtbot: QtBot) -> None:
    floor = advised_floor()
    source = FakeLive(floor.state)
    layout = parse_layout(LAYOUT, "staffing.toml")
    board = open_board(qtbot, source, layout, (1280, 720))
    qtbot.waitUntil(board.overlay.isVisible, timeout=5_000)
    assert board.overlay.geometry() == board.rect()  # the whole board, the staffing tiles with it
    assert all(t.isVisible() for t in staffing_tiles(board))
    assert board.windowTitle().startswith("STALE")


def staffing_page(*tiles: TileSpec) -> Layout:
    return dataclasses.replace(default_layout(), pages=(PageSpec(title="Staffing", tiles=tiles),))


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_twelve_queues_of_staffing_fit_at_1080p_and_4k(qtbot: QtBot, size: tuple[int, int]) -> None:
    source = twelve_queue_source()
    layout = staffing_page(
        TileSpec(TileKind.STAFFING, rows=12),
        TileSpec(TileKind.STAFFING, queue="q11"),
        TileSpec(TileKind.SUMMARY),
    )
    board = open_board(qtbot, source, layout, size)
    board.advise_now()
    listed, one = staffing_tiles(board)
    assert len(listed.shown) == 12
    assert one.values["needed"].text()
    assert_nothing_clipped(board)


def test_a_bad_staffing_tile_is_refused_at_start_with_file_line_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layout = tmp_path / "layout.toml"
    layout.write_text(
        '[[pages]]\ntiles = [\n  { kind = "summary" },\n  { kind = "staffing", queues = ["cards"] },\n]\n'
    )
    assert app_main(["--wallboard", "--layout", str(layout)]) == 2
    err = capsys.readouterr().err
    assert (
        f"{layout}:4: pages[0].tiles[1]: unknown key 'queues' for a staffing tile"
        " (known: kind, title, queue, rows)" in err
    )
