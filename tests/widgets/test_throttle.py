"""Expensive views merge floor updates while the feed catches up, and are current when it is done."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from console.application.floor_source import FloorSource
from console.domain.breaches import BreachKind, current_breaches
from console.domain.changes import ChangeSet
from console.domain.events import AgentPending
from console.domain.figures.queues import queue_figures
from console.widgets.common.rowsync import SORT_ROLE
from console.widgets.common.throttle import CatchUpThrottle
from console.widgets.floor import agent_board, breaches_panel
from console.widgets.floor.agent_board import AgentBoardModel
from console.widgets.floor.breaches_panel import BreachesPanel
from console.widgets.floor.charts import ChartsPanel
from console.widgets.floor.queue_overview import QueueOverview
from tests.helpers.floor_sources import SimulatedFloor
from tests.helpers.qt import texts


class CatchingUp(FloorSource):
    """A FloorSource that says whether a backlog is being applied, as LiveFeed does."""

    catching_up = False


def test_the_throttle_passes_live_updates_through_and_merges_a_catch_up(qtbot: QtBot) -> None:
    source = CatchingUp()
    got: list[ChangeSet] = []
    throttle = CatchUpThrottle(source, got.append, interval_ms=10_000)

    def update(n: int) -> ChangeSet:
        cs = ChangeSet()
        cs.queues.add(f"q{n}")
        cs.events = 1
        throttle.on_floor_updated(cs)
        return cs

    live = update(0)
    assert got == [live], "live: at once, the very change set"
    live = update(1)
    assert got[-1] is live, "live, however often"
    source.catching_up = True
    update(2)  # within the interval of the last refresh: held back
    update(3)
    assert len(got) == 2 and throttle.pending and throttle.deferred == 2
    source.catching_up = False
    update(4)  # the slice that ends the catch-up: everything merged, in a turn of its own
    assert len(got) == 2, "not in the last slice's turn"
    update(5)  # live updates until then join it
    qtbot.waitUntil(lambda: len(got) == 3, timeout=2_000)
    assert not throttle.pending
    assert got[-1].queues == {"q2", "q3", "q4", "q5"} and got[-1].events == 4
    live = update(6)
    assert got[-1] is live, "then live again: at once"


def test_the_slice_that_ends_a_catch_up_gets_a_turn_of_its_own_also_with_nothing_held_back(
    qtbot: QtBot,
) -> None:
    source = CatchingUp()
    got: list[ChangeSet] = []
    throttle = CatchUpThrottle(source, got.append, interval_ms=0)
    source.catching_up = True
    throttle.on_floor_updated(ChangeSet(events=1))
    qtbot.waitUntil(lambda: len(got) == 1, timeout=2_000)
    assert not throttle.pending, "refreshed in its turn: nothing held back"
    source.catching_up = False
    throttle.on_floor_updated(ChangeSet(events=3))  # the last slice: 15 ms of events
    assert len(got) == 1, "not in the last slice's turn, with every other view's refresh"
    qtbot.waitUntil(lambda: len(got) == 2, timeout=2_000)
    assert got[1].events == 3
    live = ChangeSet(events=1)
    throttle.on_floor_updated(live)
    assert got[-1] is live, "then live again: at once"


def test_held_updates_go_out_from_the_timer_at_most_once_per_interval(qtbot: QtBot) -> None:
    source = CatchingUp()
    source.catching_up = True
    got: list[ChangeSet] = []
    throttle = CatchUpThrottle(source, got.append, interval_ms=300)
    for _ in range(3):
        throttle.on_floor_updated(ChangeSet(events=1))
    assert got == [], "while catching up, refreshed from the timer, never on top of a slice"
    qtbot.waitUntil(lambda: len(got) == 1, timeout=2_000)
    assert got[0].events == 3
    for _ in range(2):
        throttle.on_floor_updated(ChangeSet(events=1))
    qtbot.wait(20)
    assert len(got) == 1, "at most once per interval"
    qtbot.waitUntil(lambda: len(got) == 2, timeout=2_000)
    assert got[1].events == 2


def test_throttled_views_are_current_once_the_catch_up_ends(qtbot: QtBot) -> None:
    floor = SimulatedFloor()
    floor.source = CatchingUp()
    overview = QueueOverview(floor.source)
    panel = BreachesPanel(floor.source, warn_within_s=4 * 3600)
    for w in (overview, panel):
        qtbot.addWidget(w)
    floor.bootstrap()
    floor.source.catching_up = True  # a backlog: the views may fall behind by a few slices
    floor.run(60)
    assert overview.model._throttle.deferred > 0 and panel._throttle.deferred > 0
    floor.source.catching_up = False
    floor.send(AgentPending(agent_id=next(iter(floor.state.agents)), state=None))  # the last slice
    # Each view's merged refresh in a turn of its own, at once.
    qtbot.waitUntil(
        lambda: not overview.model._throttle.pending and not panel._throttle.pending, timeout=2_000
    )
    figures = queue_figures(floor.state, floor.now, overview.model.config)
    assert [texts(overview.model, r)[1] for r in range(len(figures))] == [str(f.waiting) for f in figures]
    listed = current_breaches(floor.state, floor.now, 4 * 3600)
    assert panel.calls_model.rowCount() == sum(b.kind is BreachKind.CALL_WAIT for b in listed)
    assert panel.cases_model.rows.keys == [
        (b.ref_id, b.kind.value) for b in listed if b.kind is not BreachKind.CALL_WAIT
    ]


def test_the_agent_board_merges_a_catch_up_and_shows_what_a_fresh_board_shows(qtbot: QtBot) -> None:
    floor = SimulatedFloor()
    floor.source = CatchingUp()
    board = AgentBoardModel(floor.source)
    floor.bootstrap()
    floor.source.catching_up = True
    floor.run(60)
    assert board._throttle.deferred > 0, "while catching up, the board's updates are merged"
    floor.source.catching_up = False
    floor.send(AgentPending(agent_id=next(iter(floor.state.agents)), state=None))  # the last slice
    qtbot.waitUntil(lambda: not board._throttle.pending, timeout=2_000)  # in a turn of its own
    fresh = AgentBoardModel(floor.source)  # formats every row from the floor as it is now
    assert board.rows.keys == fresh.rows.keys
    assert _shown(board) == _shown(fresh)


def _shown(model: AgentBoardModel) -> list[list[object]]:
    roles = (0, 3, SORT_ROLE)  # display, tooltip, sort key
    return [
        [model.data(model.index(r, c), role) for c in range(model.columnCount()) for role in roles]
        for r in range(model.rowCount())
    ]


def test_the_agent_boards_merged_refresh_goes_a_chunk_of_rows_a_turn_and_ends_with_every_row_right(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agent_board, "REFRESH_CHUNK", 3)
    floor = SimulatedFloor()
    floor.source = CatchingUp()
    board = AgentBoardModel(floor.source)
    floor.bootstrap()
    chunks: list[int] = []  # rows handed to each update, one entry a refresh
    signalled: list[int] = []  # chunks done by each dataChanged
    update_later = board.rows.update_later

    def counted(rows: Iterable[tuple[Any, ...]], changed: dict[int, list[int]]) -> None:
        rows = list(rows)
        chunks.append(len(rows))
        update_later(rows, changed)

    monkeypatch.setattr(board.rows, "update_later", counted)
    floor.source.catching_up = True
    floor.run(60)
    floor.source.catching_up = False
    board.dataChanged.connect(lambda *_: signalled.append(len(chunks)))
    floor.send(AgentPending(agent_id=next(iter(floor.state.agents)), state=None))  # the last slice
    assert board._throttle.pending
    qtbot.waitUntil(lambda: not board._throttle.pending, timeout=5_000)
    assert len(chunks) > 2 and max(chunks) <= 3, "a chunk of rows a turn, never the whole merged update"
    assert signalled and set(signalled) == {len(chunks)}, "the chunks' rows are signalled with the last"
    fresh = AgentBoardModel(floor.source)
    assert board.rows.keys == fresh.rows.keys
    assert _shown(board) == _shown(fresh), "every row right once the chunks are done"
    # A flush (before a reload, say) does the rest at once.
    floor.source.catching_up = True
    floor.run(20)
    board._throttle.flush()
    assert not board._throttle.pending
    assert _shown(board) == _shown(AgentBoardModel(floor.source))


def test_the_breaches_panels_merged_refresh_goes_some_changed_cases_a_turn_and_ends_right(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(breaches_panel, "REFRESH_CASES", 1)
    floor = SimulatedFloor()
    floor.source = CatchingUp()
    panel = BreachesPanel(floor.source, warn_within_s=4 * 3600)
    qtbot.addWidget(panel)
    floor.bootstrap()
    looked: list[int] = []  # changed cases handed to each refresh
    show = panel._show

    def counted(changes: ChangeSet | None, *, full: bool = False) -> None:
        looked.append(len(changes.cases_changed) if changes is not None else -1)
        show(changes, full=full)

    monkeypatch.setattr(panel, "_show", counted)
    floor.source.catching_up = True
    floor.run(1800)
    floor.source.catching_up = False
    floor.send(AgentPending(agent_id=next(iter(floor.state.agents)), state=None))  # the last slice
    qtbot.waitUntil(lambda: not panel._throttle.pending, timeout=5_000)
    refreshes = [n for n in looked if n >= 0]
    assert len(refreshes) > 2 and max(refreshes) <= 1, "some changed cases a turn, never all at once"
    fresh = BreachesPanel(floor.source, warn_within_s=4 * 3600)
    qtbot.addWidget(fresh)
    for mine, theirs in ((panel.cases_model, fresh.cases_model), (panel.calls_model, fresh.calls_model)):
        assert mine.rows.keys == theirs.rows.keys
        assert [texts(mine, r) for r in range(mine.rowCount())] == [
            texts(theirs, r) for r in range(theirs.rowCount())
        ], "every row right once the chunks are done"
    assert panel.count_label.text() == fresh.count_label.text()


def test_a_refresh_that_leaves_work_gets_the_next_turns_before_the_tick(qtbot: QtBot) -> None:
    source = CatchingUp()
    source.catching_up = True
    log: list[str] = []
    parts = [3]

    def refresh(changes: ChangeSet) -> None:
        log.append(f"refresh {changes.events}")
        parts[0] -= 1
        if parts[0] > 0:
            assert throttle.in_turn
            throttle.more()

    throttle = CatchUpThrottle(source, refresh, interval_ms=0)
    throttle.on_floor_updated(ChangeSet(events=5))
    throttle.tick(lambda: log.append("tick"))
    source.catching_up = False
    throttle.on_floor_updated(ChangeSet(events=1))  # the last slice: merged in, a turn of its own
    qtbot.waitUntil(lambda: "tick" in log, timeout=2_000)
    assert log == ["refresh 6", "refresh 0", "refresh 0", "tick"]
    assert not throttle.pending
    live = ChangeSet(events=2)
    throttle.on_floor_updated(live)
    assert log[-1] == "refresh 2", "then live again: at once"


def test_throttled_refreshes_and_ticks_run_one_per_turn_of_the_event_loop(qtbot: QtBot) -> None:
    source = CatchingUp()
    source.catching_up = True
    log: list[str] = []
    turns: list[int] = []  # the turn each refresh or tick ran in (a 0 ms timer counts the turns)
    turn = [0]

    def count_turn() -> None:
        turn[0] += 1
        if turn[0] < 200:
            QTimer.singleShot(0, count_turn)

    def refresher(name: str) -> Callable[[ChangeSet], None]:
        def refresh(_: ChangeSet) -> None:
            log.append(f"{name} refresh")
            turns.append(turn[0])

        return refresh

    def ticker(name: str) -> Callable[[], None]:
        def tick() -> None:
            log.append(f"{name} tick")
            turns.append(turn[0])

        return tick

    throttles = {n: CatchUpThrottle(source, refresher(n), interval_ms=0) for n in "abc"}
    for t in throttles.values():
        t.on_floor_updated(ChangeSet(events=1))
    for n, t in throttles.items():
        t.tick(ticker(n))
    assert log == [], "while catching up, neither the refresh nor the tick runs at once"
    QTimer.singleShot(0, count_turn)
    qtbot.waitUntil(lambda: len(log) == 6, timeout=2_000)
    assert len(set(turns)) == 6, "one refresh or tick per turn, never two in the same turn"
    for n in "abc":
        assert log.index(f"{n} refresh") < log.index(f"{n} tick"), "the tick comes after the refresh"
    assert not any(t.pending for t in throttles.values())
    source.catching_up = False
    throttles["a"].tick(ticker("a"))
    assert log[-1] == "a tick", "live, a tick runs at once"


def test_a_flush_is_at_once_and_leaves_an_owed_tick_to_the_next_turn(qtbot: QtBot) -> None:
    source = CatchingUp()
    source.catching_up = True
    log: list[str] = []
    throttle = CatchUpThrottle(source, lambda _: log.append("refresh"), interval_ms=10_000)
    throttle.on_floor_updated(ChangeSet(events=1))
    throttle.tick(lambda: log.append("tick"))
    throttle.flush()
    assert log == ["refresh"] and not throttle.pending
    qtbot.waitUntil(lambda: log == ["refresh", "tick"], timeout=2_000)


class OffersTurns(CatchingUp):
    """A source that offers its catch-up turns to the views, as LiveFeed does (``turn_takers``)."""

    def __init__(self) -> None:
        super().__init__()
        self.turn_takers: list[Callable[[], bool]] = []

    def turn(self) -> str:
        """One of the source's turns: a view's refresh if one takes it, else a slice."""
        return "view" if any(take() for take in self.turn_takers) else "slice"


def test_while_the_feed_offers_its_turns_a_held_back_refresh_takes_one_instead_of_a_slice(
    qtbot: QtBot,
) -> None:
    source = OffersTurns()
    got: list[ChangeSet] = []
    throttle = CatchUpThrottle(source, got.append, interval_ms=0)
    assert len(source.turn_takers) == 1, "the views register once, whatever their number"
    CatchUpThrottle(source, got.append, interval_ms=0)
    assert len(source.turn_takers) == 1
    source.catching_up = True
    throttle.on_floor_updated(ChangeSet(events=1))
    qtbot.wait(20)
    assert got == [], "while the feed offers its turns, the shared timer leaves the refresh to them"
    assert source.turn() == "view" and got[0].events == 1
    assert source.turn() == "slice", "nothing due: the turn goes to a slice"
    throttle.on_floor_updated(ChangeSet(events=2))
    source.catching_up = False  # the catch-up ended without another of the feed's turns
    qtbot.waitUntil(lambda: len(got) == 2, timeout=2_000)
    assert got[1].events == 2, "the timer takes over: nothing is left behind"


def test_while_catching_up_the_charts_redraw_one_part_a_turn_and_end_as_a_whole_redraw_would(
    qtbot: QtBot,
) -> None:
    floor = SimulatedFloor()
    floor.source = OffersTurns()
    charts = ChartsPanel(floor.source)
    qtbot.addWidget(charts)
    floor.bootstrap()
    floor.run(120)
    charts.redraw()
    floor.source.catching_up = True
    floor.run(600)  # a backlog: the feed clock runs ten minutes on

    def drawn() -> dict[str, object]:
        waiting = [list(c.xData if c.xData is not None else []) for c in charts.queue_curves.values()]
        agents = [list(c.yData if c.yData is not None else []) for c in charts.state_curves.values()]
        sl = [list(b.opts["height"]) for b in charts.sl_bars.values()]
        ranges = {k: p.getPlotItem().getViewBox().viewRange() for k, p in charts.plots.items()}
        ticks = {k: charts.marked_breaches(k) for k in charts.plots}
        return {"waiting": waiting, "agents": agents, "sl": sl, "ranges": ranges, "ticks": ticks}

    before = drawn()
    charts._last_redraw = 0.0  # the catch-up redraw is due
    assert floor.source.turn() == "view"
    first = drawn()
    assert first["waiting"] != before["waiting"] and first["agents"] == before["agents"], "one part a turn"
    assert floor.source.turn() == "view"
    assert drawn()["agents"] != before["agents"]
    assert floor.source.turn() == "view"
    assert floor.source.turn() == "slice", "the redraw is done: the next turns go to slices"
    staged = drawn()
    charts.invalidate()
    charts.redraw()
    assert staged == drawn(), "the parts, drawn one a turn, make what one redraw makes"
    # Live, the timer's redraw goes one part a turn too, and ends the same.
    floor.source.catching_up = False
    floor.run(60)
    before = drawn()
    charts._on_timer()
    first = drawn()
    assert first["waiting"] != before["waiting"] and first["agents"] == before["agents"], "one part a turn"
    qtbot.waitUntil(lambda: not charts._staged, timeout=2_000)
    staged = drawn()
    charts.invalidate()
    charts.redraw()
    assert staged == drawn()
