"""The table views and their models against a simulated bank floor (pytest-qt, offscreen).

A ``FloorSource`` is driven by the real simulator, in batches, with the feed
clock advanced and ``clockTicked`` fired between them, as the live feed does.
Crafted events (a call that waits too long, a long break, a case near its
deadline) continue the same sequence.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QIcon
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.application.floor_source import FloorSource
from console.domain.breaches import BreachKind, breaches_today, current_breaches
from console.domain.clock import iso, to_ms
from console.domain.entities import Agent, AgentState, Case, CaseStatus, Centre, SlDefinition
from console.domain.events import (
    AgentAdded,
    AgentPending,
    AgentRemoved,
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallQueued,
    CaseCreated,
    CaseUpdated,
    CentreConfigured,
    QueueConfigured,
    make_event,
)
from console.domain.figures.queues import (
    Level,
    MetricsConfig,
    QueueFigures,
    abandon_level,
    occupancy_today_pct,
    queue_figures,
    sl_level,
    wait_level,
)
from console.widgets.common import fmt
from console.widgets.common.rowsync import SORT_ROLE, SPAN_RUNS, Cell, CellTableModel
from console.widgets.floor.agent_board import AGENT_ID_ROLE, AgentBoard
from console.widgets.floor.agent_board import Col as ACol
from console.widgets.floor.breaches_panel import BreachesPanel, CallCol, CaseCol
from console.widgets.floor.queue_overview import Col as QCol
from console.widgets.floor.queue_overview import QueueOverview
from tests.helpers.floor_sources import START_MS, SimulatedFloor
from tests.helpers.qt import Resets, texts

DISPLAY = Qt.ItemDataRole.DisplayRole
FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


@pytest.fixture
def floor() -> SimulatedFloor:
    return SimulatedFloor()


def proxy_ids(board: AgentBoard) -> set[str]:
    p = board.proxy
    return {str(p.data(p.index(r, 0), AGENT_ID_ROLE)) for r in range(p.rowCount())}


def row_of(model: QAbstractItemModel, column: int, text: str) -> int:
    for r in range(model.rowCount()):
        if model.data(model.index(r, column), DISPLAY) == text:
            return r
    return -1


# -- models under QAbstractItemModelTester -----------------------------------------------------


def test_models_pass_the_model_tester_while_the_floor_runs(qtbot: QtBot, floor: SimulatedFloor) -> None:
    overview = QueueOverview(floor.source)
    board = AgentBoard(floor.source)
    panel = BreachesPanel(floor.source)
    for w in (overview, board, panel):
        qtbot.addWidget(w)
    models: list[QAbstractItemModel] = [
        overview.model,
        board.model,
        board.proxy,
        panel.calls_model,
        panel.cases_model,
    ]
    testers = [QAbstractItemModelTester(m, FATAL) for m in models]
    resets = Resets(*models)

    floor.bootstrap()
    board.view.sortByColumn(ACol.TIME, Qt.SortOrder.DescendingOrder)
    floor.run(90)
    board.set_state_filter(AgentState.ON_CALL)
    overview.set_config(MetricsConfig(SlDefinition.ABANDONS_WITHIN_SUCCEED, 30))
    floor.run(90)
    # Agents come and go (a supervisor removes one, a new one joins): rows inserted and removed.
    gone = next(iter(floor.state.agents))
    new = Agent(id="A999", name="Test Agent", team="Card services", skills=["cards"])
    floor.send(AgentRemoved(agent_id=gone), AgentAdded(agent=new))
    board.set_state_filter(None)
    board.view.sortByColumn(ACol.CASES, Qt.SortOrder.AscendingOrder)
    floor.send(AgentStateChanged(agent_id="A999", state=AgentState.AVAILABLE))
    floor.run(120, step_s=2)

    assert floor.events > 500
    assert len(testers) == 5
    assert board.model.rowCount() == len(floor.state.agents)
    assert board.model.rows.row_of(gone) is None
    assert board.model.rows.keys == list(floor.state.agents)  # the floor's own order
    assert overview.model.rowCount() == len(floor.state.queues) + 1
    listed = current_breaches(floor.state, floor.now)
    assert panel.calls_model.rowCount() == sum(b.kind is BreachKind.CALL_WAIT for b in listed)
    assert panel.cases_model.rowCount() == len(listed) - panel.calls_model.rowCount()
    assert resets.count == 0


class Views:
    """The three table widgets on one floor (kept alive until pytest-qt's model tester has let go)."""

    def __init__(self, floor: SimulatedFloor) -> None:
        self.overview = QueueOverview(floor.source)
        self.board = AgentBoard(floor.source)
        self.panel = BreachesPanel(floor.source, warn_within_s=4 * 3600)

    def model(self, which: str) -> QAbstractItemModel:
        models: dict[str, QAbstractItemModel] = {
            "queue_overview": self.overview.model,
            "agent_board": self.board.model,
            "agent_proxy": self.board.proxy,
            "call_breaches": self.panel.calls_model,
            "case_deadlines": self.panel.cases_model,
        }
        return models[which]


@pytest.fixture
def views(qtbot: QtBot, floor: SimulatedFloor) -> Iterator[Views]:
    v = Views(floor)
    yield v
    for w in (v.overview, v.board, v.panel):
        w.close()
        w.deleteLater()


MODELS = ("queue_overview", "agent_board", "agent_proxy", "call_breaches", "case_deadlines")


@pytest.mark.parametrize("which", MODELS)
def test_each_model_passes_pytest_qts_model_tester(
    views: Views, qtmodeltester: ModelTester, floor: SimulatedFloor, which: str
) -> None:
    """pytest-qt's own (Python) tester re-checks the whole model on every signal and fails the test."""
    overview, board = views.overview, views.board
    model = views.model(which)
    qtmodeltester.check(model, force_py=True)  # type: ignore[no-untyped-call]  # pytest-qt is untyped here
    resets = Resets(model)
    floor.bootstrap()
    board.view.sortByColumn(ACol.TIME, Qt.SortOrder.DescendingOrder)
    floor.run(20, step_s=2)
    board.set_state_filter(AgentState.AVAILABLE)
    overview.set_config(MetricsConfig(SlDefinition.ABANDONS_IGNORED, 30))
    # Calls that wait past the threshold, then are answered; agents that come and go.
    floor.send(
        *(CallQueued(call_id=f"KQT{i}", queue_id="loans", priority=1, caller="1****2") for i in range(3))
    )
    floor.later(35)
    gone = next(iter(floor.state.agents))
    floor.send(
        AgentRemoved(agent_id=gone),
        AgentAdded(agent=Agent(id="A998", name="Model Tester", team="Loans", skills=["loans"])),
        AgentStateChanged(agent_id="A998", state=AgentState.AVAILABLE),
    )
    board.set_state_filter(None)
    board.set_search("an")
    floor.run(20, step_s=2)
    board.set_search("")
    floor.later(3600)  # case deadlines pass: rows move up
    floor.run(10, step_s=2)
    assert model.rowCount() > 0
    assert resets.count == 0


def test_row_sync_removes_moves_and_inserts_with_persistent_indexes(qtbot: QtBot) -> None:
    class Model(CellTableModel):
        def __init__(self) -> None:
            super().__init__(key=lambda row: row[-1], numeric=(1,))
            self.set_headers(["Name", "Value"])

        def show(self, items: list[tuple[str, int]]) -> None:
            self.rows.sync([(Cell(k), Cell(str(v), sort=v), k) for k, v in items])

    model = Model()
    tester = QAbstractItemModelTester(model, FATAL)
    resets = Resets(model)
    model.show([("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5)])
    held = QPersistentModelIndex(model.index(3, 1))  # "d"
    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, _roles=None: changed.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    moved: list[int] = []
    model.layoutChanged.connect(lambda *_: moved.append(1))
    # Remove b and c, move d before a, insert x and y, change e's value.
    model.show([("d", 4), ("x", 0), ("a", 1), ("y", 0), ("e", 50)])
    assert [model.data(model.index(r, 0), DISPLAY) for r in range(model.rowCount())] == [
        "d",
        "x",
        "a",
        "y",
        "e",
    ]
    assert held.isValid() and held.row() == 0 and held.data() == "4"
    assert moved == [1]
    assert changed == [(4, 1, 4, 1)]  # only e's value cell
    assert model.data(model.index(4, 1), SORT_ROLE) == 50
    assert resets.count == 0 and tester is not None


class _Grid(CellTableModel):
    def __init__(self) -> None:
        super().__init__(key=lambda row: row[-1], numeric=(1, 2))
        self.set_headers(["Name", "Value", "Double"])

    def show(self, items: list[tuple[str, int]], *, update: bool = False) -> None:
        rows = [(Cell(k), Cell(str(v), sort=v), Cell(str(2 * v), sort=2 * v), k) for k, v in items]
        if update:
            self.rows.update(rows)
        else:
            self.rows.sync(rows)


def _spans(model: QAbstractItemModel) -> list[tuple[int, int, int, int]]:
    spans: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, _r=None: spans.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    return spans


def _texts(model: QAbstractItemModel) -> list[list[str]]:
    return [
        [model.data(model.index(r, c), DISPLAY) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_row_sync_sends_one_spanning_rectangle_when_very_many_rows_changed(qtbot: QtBot) -> None:
    items = [(f"k{i:03}", i) for i in range(300)]
    model = _Grid()
    tester = QAbstractItemModelTester(model, FATAL)
    model.show(items)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setDynamicSortFilter(True)
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    spans = _spans(model)
    model.rows.may_span = lambda: True  # opt-in (the agent board does, while unsorted)

    # Every third row from 10 on changes its value (and so its double): 97 runs, over SPAN_RUNS.
    changed = [(k, -v if v >= 10 and v % 3 == 1 else v) for k, v in items]
    assert sum(1 for k, v in changed if v < 0) > SPAN_RUNS
    model.show(changed, update=True)
    assert spans == [(10, 1, 298, 2)]  # first..last changed row, the changed columns
    fresh = _Grid()
    fresh.show(changed)
    assert _texts(model) == _texts(fresh)
    values = [int(proxy.index(r, 1).data(DISPLAY)) for r in range(proxy.rowCount())]
    assert values == sorted((v for _k, v in changed), reverse=True)  # the sorting proxy followed

    # Through sync() too; a view that says no (a sorting one) gets the exact rectangles.
    spans.clear()
    model.show(items)
    assert spans == [(10, 1, 298, 2)]
    model.rows.may_span = lambda: False
    spans.clear()
    model.show(changed)
    assert len(spans) == 97 and spans[0] == (10, 1, 10, 2) and spans[-1] == (298, 1, 298, 2)
    assert _texts(model) == _texts(fresh)
    assert tester is not None


def test_row_sync_keeps_exact_rectangles_for_a_few_runs(qtbot: QtBot) -> None:
    items = [(f"k{i:03}", i) for i in range(300)]
    model = _Grid()
    model.show(items)
    spans = _spans(model)
    few = [(k, -v if v in (5, 6, 7, 100, 200) else v) for k, v in items]
    model.show(few, update=True)
    assert spans == [(5, 1, 7, 2), (100, 1, 100, 2), (200, 1, 200, 2)]
    spans.clear()
    many = [(k, -v if v % 3 == 1 else v) for k, v in items]
    model.show(many, update=True)  # many runs, but this model never said it may span
    assert len(spans) > SPAN_RUNS  # exact rectangles, one per run


def test_the_agent_board_spans_only_while_unsorted(qtbot: QtBot, floor: SimulatedFloor) -> None:
    board = AgentBoard(floor.source)
    qtbot.addWidget(board)
    may_span = board.model.rows.may_span
    assert may_span is not None and may_span()
    view = board.findChild(QTableView)
    assert view is not None
    view.sortByColumn(ACol.STATE, Qt.SortOrder.AscendingOrder)
    assert not may_span()


def test_the_agent_board_follows_changes_only_while_a_filter_or_sort_is_set(
    qtbot: QtBot, floor: SimulatedFloor, monkeypatch: pytest.MonkeyPatch
) -> None:
    board = AgentBoard(floor.source)
    qtbot.addWidget(board)
    floor.bootstrap()
    proxy = board.proxy
    asked: list[int] = []
    accepts = proxy.filterAcceptsRow

    def counted(row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        asked.append(row)
        return accepts(row, parent)

    monkeypatch.setattr(proxy, "filterAcceptsRow", counted)
    assert not proxy.dynamicSortFilter(), "no filter, no sort: a change can neither hide nor move a row"
    board.model.on_clock_ticked()  # the time column over every row
    floor.run(30)
    assert asked == [], "nothing asks the filter of every row a dataChanged spans"
    board.set_state_filter(AgentState.ON_CALL)
    assert proxy.dynamicSortFilter()
    floor.run(30)
    assert asked, "filtered: the filter is asked again about changed rows"
    assert proxy_ids(board) == {a.id for a in floor.state.agents.values() if a.state is AgentState.ON_CALL}
    board.pin(next(iter(proxy_ids(board))))
    assert not proxy.dynamicSortFilter(), "a pin holds the rows still"
    board.unpin(board.pinned[0])
    board.set_state_filter(None)
    assert not proxy.dynamicSortFilter()
    view = board.view
    view.sortByColumn(ACol.STATE, Qt.SortOrder.AscendingOrder)
    assert proxy.dynamicSortFilter(), "sorted: a change may move a row"
    floor.run(30)
    ranks = [proxy.index(r, ACol.STATE).data(SORT_ROLE) for r in range(proxy.rowCount())]
    assert ranks == sorted(ranks), "the sort follows the changes"
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    assert not proxy.dynamicSortFilter()


# -- queue overview ---------------------------------------------------------------------------


def expected_row(f: QueueFigures) -> list[str]:
    t = f.today
    return [
        "Centre total" if f.is_total else f.name,
        str(f.waiting),
        fmt.duration(f.longest_wait_s),
        fmt.percent(f.interval.service_level_pct),
        fmt.percent(t.service_level_pct),
        f"{f.sl_target_pct:g}% in {f.sl_threshold_s:g} s",
        fmt.duration(t.asa_s),
        fmt.percent(t.abandon_pct),
        str(f.staff.available),
        str(f.staff.on_call),
        str(f.staff.wrap_up),
        str(f.staff.not_ready),
        str(f.staff.staffed),
        str(t.offered),
        str(t.answered),
        str(t.abandoned),
        fmt.duration(t.aht_s),
        fmt.percent(f.rolling.service_level_pct),
        fmt.percent(f.rolling.abandon_pct),
        fmt.percent(f.staff.occupancy_pct),
    ]


def assert_overview_matches(overview: QueueOverview, floor: SimulatedFloor, config: MetricsConfig) -> None:
    figures = queue_figures(floor.state, floor.now, config)
    model = overview.model
    assert model.rowCount() == len(figures)
    assert figures[-1].is_total
    for r, f in enumerate(figures):
        assert texts(model, r)[: QCol.NEEDED] == expected_row(f), f.queue_id
        levels = {
            QCol.SL_INTERVAL: sl_level(f.interval.service_level_pct, f.sl_target_pct),
            QCol.SL_TODAY: sl_level(f.today.service_level_pct, f.sl_target_pct),
            QCol.LONGEST_WAIT: wait_level(f.longest_wait_s, f.sl_threshold_s),
            QCol.ABANDON_PCT: abandon_level(f.today.abandon_pct),
            QCol.SL_ROLLING: sl_level(f.rolling.service_level_pct, f.sl_target_pct),
            QCol.ABANDON_ROLLING: abandon_level(f.rolling.abandon_pct),
        }
        for col, level in levels.items():
            icon = model.data(model.index(r, col), Qt.ItemDataRole.DecorationRole)
            assert (icon is not None) == (level is not Level.OK), (f.queue_id, col)
            if level is not Level.OK:
                assert model.data(model.index(r, col), Qt.ItemDataRole.ToolTipRole)
        align = model.data(model.index(r, QCol.WAITING), Qt.ItemDataRole.TextAlignmentRole)
        assert align & Qt.AlignmentFlag.AlignRight.value


def test_queue_rows_and_total_show_the_domain_figures(qtbot: QtBot, floor: SimulatedFloor) -> None:
    overview = QueueOverview(floor.source)
    qtbot.addWidget(overview)
    resets = Resets(overview.model)
    floor.bootstrap()
    floor.run(240, step_s=2)
    assert floor.state.queues and any(f.today.answered for f in overview.model.figures)
    assert_overview_matches(overview, floor, MetricsConfig())
    assert "abandoned after 5 s" in overview.caption.text()
    assert "the centre's definition" in overview.caption.text()

    # The user's choice: SL ignoring abandons, 30-minute intervals; stated in the caption.
    config = MetricsConfig(SlDefinition.ABANDONS_IGNORED, 30)
    overview.set_config(config)
    assert_overview_matches(overview, floor, config)
    assert "abandoned calls ignored" in overview.caption.text()
    assert "30 min" in overview.caption.text()
    # Waits tick with the clock alone.
    floor.later(3)
    assert_overview_matches(overview, floor, config)
    assert resets.count == 0


def test_rolling_hour_occupancy_and_day_counts_worked_by_hand(qtbot: QtBot) -> None:
    """Two queues scripted call by call; the new columns checked against figures worked by hand.

    q (20 s threshold, 80 %): skilled a, b.  r (30 s, 90 %): skilled b, c.  Day from 00:00 UTC.
    09:00:00 c1 on q, answered by a after 10 s, 60 s talk, 30 s wrap-up (a available from 09:01:40).
    09:00:20 c2 on q abandons after 40 s (late).
    10:00:00 c3 on q, answered by b after 5 s, still talking.
    10:00:10 c4 on q abandons after 2 s (short: under 5 s).
    10:00:20 c5 on r, answered by c after 60 s (late), 60 s talk, c still in wrap-up.
    At 10:10 the rolling hour starts 09:15 (5-minute steps): c1 and c2 are today's only.
    """
    t0 = to_ms("2026-03-02T09:00:00.000Z")
    source = FloorSource()
    seq = 0

    def send(at_s: float, *payloads: Any) -> None:
        nonlocal seq
        events = []
        for p in payloads:
            seq += 1
            events.append(make_event(seq, iso(t0 + round(at_s * 1000)), p))
        source.apply(events)

    def state(at_s: float, agent: str, new: AgentState) -> None:
        send(at_s, AgentStateChanged(agent_id=agent, state=new))

    overview = QueueOverview(source)
    qtbot.addWidget(overview)
    model = overview.model
    tester = QAbstractItemModelTester(model, FATAL)
    resets = Resets(model)
    send(
        0,
        CentreConfigured(centre=Centre(name="Test", short_abandon_s=5)),
        QueueConfigured(queue_id="q", name="Q", sl_threshold_s=20, sl_target_pct=80),
        QueueConfigured(queue_id="r", name="R", sl_threshold_s=30, sl_target_pct=90),
        AgentAdded(agent=Agent(id="a", name="Ann", team="t", skills=["q"])),
        AgentAdded(agent=Agent(id="b", name="Bo", team="t", skills=["q", "r"])),
        AgentAdded(agent=Agent(id="c", name="Cy", team="t", skills=["r"])),
    )
    for agent in "abc":
        state(0, agent, AgentState.AVAILABLE)
    send(0, CallQueued(call_id="c1", queue_id="q", priority=5, caller="x"))
    send(10, CallAnswered(call_id="c1", agent_id="a"))
    state(10, "a", AgentState.ON_CALL)
    send(20, CallQueued(call_id="c2", queue_id="q", priority=5, caller="x"))
    send(60, CallAbandoned(call_id="c2"))
    send(70, CallEnded(call_id="c1"))
    state(70, "a", AgentState.WRAP_UP)
    state(100, "a", AgentState.AVAILABLE)
    send(3600, CallQueued(call_id="c3", queue_id="q", priority=5, caller="x"))
    send(3605, CallAnswered(call_id="c3", agent_id="b"))
    state(3605, "b", AgentState.ON_CALL)
    send(3610, CallQueued(call_id="c4", queue_id="q", priority=5, caller="x"))
    send(3612, CallAbandoned(call_id="c4"))
    send(3620, CallQueued(call_id="c5", queue_id="r", priority=5, caller="x"))
    send(3680, CallAnswered(call_id="c5", agent_id="c"))
    state(3680, "c", AgentState.ON_CALL)
    send(3740, CallEnded(call_id="c5"))
    state(3740, "c", AgentState.WRAP_UP)
    source.state.advance_clock(iso(t0 + 4200_000))
    source.clockTicked.emit()

    columns = (
        QCol.ANSWERED,
        QCol.ABANDONED,
        QCol.AHT,
        QCol.SL_TODAY,
        QCol.SL_ROLLING,
        QCol.ABANDON_PCT,
        QCol.ABANDON_ROLLING,
        QCol.OCCUPANCY,
    )
    got = [[texts(model, r)[c] for c in columns] for r in range(model.rowCount())]
    assert got == [
        # q: 2 answered (both within), c2 late and c4 short abandoned; AHT (60 + 30) / 1;
        # SL today 2 / (2 + 1 long abandon), in the hour 1 / 1; abandon today 1 / (4 - 1), in
        # the hour 0 / (2 - 1); occupancy now: b on call, a available.
        ["2", "2", "1:30", "66.7%", "100.0%", "33.3%", "0.0%", "50.0%"],
        # r: c5 answered late, handled in 60 s (c's wrap-up still running); b on call, c in wrap-up.
        ["1", "0", "1:00", "0.0%", "0.0%", "0.0%", "0.0%", "100.0%"],
        # total: SL 2 / 4 and 1 / 2; abandon 1 / 4 and 0 / 2; AHT 150 / 2; a, b, c counted once: 2 / 3.
        ["3", "2", "1:15", "50.0%", "50.0%", "25.0%", "0.0%", "66.7%"],
    ]
    assert_levels = {
        (0, QCol.SL_ROLLING): None,  # 100 % meets 80 %
        (1, QCol.SL_ROLLING): Level.CRITICAL,  # 0 % against 90 %
        (0, QCol.ABANDON_PCT): Level.CRITICAL,  # 33.3 % > 10 %
        (0, QCol.ABANDON_ROLLING): None,
    }
    for (r, c), level in assert_levels.items():
        icon = model.data(model.index(r, c), Qt.ItemDataRole.DecorationRole)
        assert (icon is not None) == (level is not None), (r, c)
    # The centre's occupancy today, by agent time: a 90 s handling / 4,110 s available,
    # b 595 / 3,605, c 520 / 3,680 -> 1,205 / 12,600.
    assert occupancy_today_pct(source.state, t0 + 4200_000) == pytest.approx(100 * 1205 / 12600)
    total_tip = model.data(model.index(2, QCol.OCCUPANCY), Qt.ItemDataRole.ToolTipRole)
    assert "9.6%" in total_tip
    header_tip = model.headerData(QCol.SL_ROLLING, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "last 60 minutes" in header_tip

    # A minute on, nobody has moved: 60 s more each, a available, b and c handling ->
    # 1,325 / 12,780; the total's occupancy today moves, its
    # row alone is signalled, and only on the tick that crosses the minute.
    spans: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda a, b, _r: spans.append((a.row(), a.column(), b.row(), b.column())))
    source.state.advance_clock(iso(t0 + 4260_000))
    source.clockTicked.emit()
    assert (2, 0, 2, model.columnCount() - 1) in spans
    assert "10.4%" in model.data(model.index(2, QCol.OCCUPANCY), Qt.ItemDataRole.ToolTipRole)
    spans.clear()
    source.state.advance_clock(iso(t0 + 4270_000))
    source.clockTicked.emit()
    assert spans == [(0, QCol.LONGEST_WAIT, 2, QCol.LONGEST_WAIT)]

    # At 11:01 the hour starts at 10:05: c3, c4 and c5 (all in the 10:00 bucket) drop out.
    source.state.advance_clock(iso(t0 + 7260_000))
    source.clockTicked.emit()
    assert [texts(model, r)[QCol.SL_ROLLING] for r in range(3)] == ["–", "–", "–"]
    assert [texts(model, r)[QCol.SL_TODAY] for r in range(3)] == ["66.7%", "0.0%", "50.0%"]
    assert resets.count == 0 and tester is not None


# -- agent board ------------------------------------------------------------------------------


def test_filters_give_exactly_the_expected_agents(qtbot: QtBot, floor: SimulatedFloor) -> None:
    board = AgentBoard(floor.source)
    qtbot.addWidget(board)
    floor.bootstrap()
    floor.run(120, step_s=3)
    agents: dict[str, Agent] = floor.state.agents
    assert proxy_ids(board) == set(agents)

    team = "Card services"
    board.set_team_filter(team)
    assert proxy_ids(board) == {a.id for a in agents.values() if a.team == team}
    assert board.team_combo.currentData() == team
    board.set_team_filter(None)

    board.set_queue_filter("vip")
    assert proxy_ids(board) == {a.id for a in agents.values() if "vip" in a.skills}
    assert board.queue_combo.currentData() == "vip"

    board.set_state_filter(AgentState.AVAILABLE)  # combined with the queue filter
    expected = {a.id for a in agents.values() if "vip" in a.skills and a.state is AgentState.AVAILABLE}
    assert proxy_ids(board) == expected
    board.set_queue_filter(None)
    board.set_state_filter(None)

    board.set_search("wAnG")
    expected = {a.id for a in agents.values() if "wang" in a.name.lower()}
    assert expected and proxy_ids(board) == expected
    board.search_edit.setText("a01")  # the line edit drives the same filter: ids too
    assert proxy_ids(board) == {
        a.id for a in agents.values() if "a01" in a.id.lower() or "a01" in a.name.lower()
    }
    board.set_search("")

    # The combos drive the filters as well, and the filter follows state changes live.
    board.state_combo.setCurrentIndex(board.state_combo.findData(AgentState.ON_CALL.value))
    assert board.proxy.state is AgentState.ON_CALL
    floor.run(30)
    assert proxy_ids(board) == {a.id for a in agents.values() if a.state is AgentState.ON_CALL}


def test_selection_and_scroll_stay_while_rows_update(qtbot: QtBot, floor: SimulatedFloor) -> None:
    board = AgentBoard(floor.source)
    qtbot.addWidget(board)
    board.resize(900, 320)
    board.show()
    qtbot.waitExposed(board)
    floor.bootstrap()
    floor.run(10)
    target = list(floor.state.agents)[60]
    assert board.select_agent(target)
    bar = board.view.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum() // 2)
    value = bar.value()
    floor.run(90)
    assert board.selected_agent_id() == target
    assert bar.value() == value

    # Sorted by time in state, rows move under the selection: it stays on the same agent.
    board.view.sortByColumn(ACol.TIME, Qt.SortOrder.DescendingOrder)
    assert board.select_agent(target)
    floor.run(60)
    assert board.selected_agent_id() == target
    rows = board.view.selectionModel().selectedRows()
    assert len(rows) == 1 and rows[0].data(AGENT_ID_ROLE) == target


def test_time_in_state_ticks_with_one_signal_per_tick(qtbot: QtBot, floor: SimulatedFloor) -> None:
    board = AgentBoard(floor.source)
    qtbot.addWidget(board)
    floor.bootstrap()
    floor.run(5)
    model = board.model
    agent = next(a for a in floor.state.agents.values() if a.state is AgentState.AVAILABLE)
    row = model.rows.row_of(agent.id)
    assert row is not None
    since = to_ms(agent.state_since)
    index = model.index(row, ACol.TIME)
    assert index.data() == fmt.duration((floor.now - since) / 1000)
    spans: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, _r=None: spans.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    floor.later(7)
    assert spans == [(0, ACol.TIME, model.rowCount() - 1, ACol.TIME)]
    assert index.data() == fmt.duration((floor.now - since) / 1000)
    assert index.data(SORT_ROLE) == pytest.approx((floor.now - since) / 1000)


def test_a_long_break_reads_critical_with_icon_and_reason(qtbot: QtBot, floor: SimulatedFloor) -> None:
    board = AgentBoard(floor.source)
    qtbot.addWidget(board)
    floor.bootstrap()
    agent = next(a for a in floor.state.agents.values() if a.state is AgentState.AVAILABLE)
    floor.send(AgentStateChanged(agent_id=agent.id, state=AgentState.NOT_READY, reason="break"))
    row = board.model.rows.row_of(agent.id)
    assert row is not None
    model = board.model
    time_ix = model.index(row, ACol.TIME)
    assert model.index(row, ACol.STATE).data() == "Not ready"
    assert model.index(row, ACol.REASON).data() == "Break"
    assert isinstance(model.index(row, ACol.STATE).data(Qt.ItemDataRole.DecorationRole), QIcon)  # state dot

    floor.later(120)  # a 2-minute break: nothing to act on
    assert time_ix.data() == "2:00"
    assert time_ix.data(Qt.ItemDataRole.DecorationRole) is None
    assert time_ix.data(Qt.ItemDataRole.BackgroundRole) is None

    floor.later(16 * 60 - 120)  # past the warning point
    icon = time_ix.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and icon.cacheKey() == fmt.level_icon(Level.WARNING).cacheKey()
    assert "15:00" in time_ix.data(Qt.ItemDataRole.ToolTipRole)

    floor.later(5 * 60)  # 21 minutes: critical
    icon = time_ix.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    assert icon.cacheKey() == fmt.level_icon(Level.CRITICAL).cacheKey()
    tip = time_ix.data(Qt.ItemDataRole.ToolTipRole)
    assert "Break for 21:00" in tip and "20:00 limit" in tip
    assert time_ix.data(Qt.ItemDataRole.BackgroundRole) is not None

    # A supervisor's change that waits for the call to end shows as pending.
    floor.send(AgentPending(agent_id=agent.id, state=AgentState.NOT_READY, reason="coaching"))
    assert model.index(row, ACol.PENDING).data() == "→ Not ready (Coaching)"


# -- breaches panel ---------------------------------------------------------------------------


def test_breaches_list_a_late_call_until_it_is_answered(qtbot: QtBot, floor: SimulatedFloor) -> None:
    panel = BreachesPanel(floor.source)
    qtbot.addWidget(panel)
    floor.bootstrap()
    calls = panel.calls_model
    tester = QAbstractItemModelTester(calls, FATAL)
    resets = Resets(calls, panel.cases_model)
    assert calls.rowCount() == 0
    floor.send(CallQueued(call_id="KTEST1", queue_id="accounts", priority=1, caller="138****5678"))
    floor.later(15)
    assert calls.rowCount() == 0  # 15 s of a 20 s threshold
    floor.later(10)
    assert calls.rowCount() == 1
    assert texts(calls, 0) == ["KTEST1", "Account services", "0:25", "0:05", "1", "138****5678"]
    assert panel.count_today == breaches_today(floor.state, floor.now) >= 1
    assert panel.count_label.text() == f"Breaches today: {panel.count_today}"
    due = to_ms(floor.state.calls["KTEST1"].entered_at) + 20_000
    assert due in panel.breach_times_ms()
    waiting = calls.index(0, CallCol.WAITING)
    assert waiting.data(Qt.ItemDataRole.DecorationRole) is not None  # past the threshold: a level
    assert "20 s threshold" in waiting.data(Qt.ItemDataRole.ToolTipRole)

    floor.later(1)
    assert texts(calls, 0)[CallCol.OVER_BY] == "0:06"
    removed: list[int] = []
    calls.rowsRemoved.connect(lambda *_: removed.append(1))
    agent = next(a for a in floor.state.agents.values() if a.state is AgentState.AVAILABLE)
    floor.send(CallAnswered(call_id="KTEST1", agent_id=agent.id))
    assert calls.rowCount() == 0 and removed == [1]
    # No longer listed, but it did breach: the charts keep it marked on their time axis today.
    assert due in panel.breach_times_ms()
    assert panel.count_today == breaches_today(floor.state, floor.now)  # answered late: still counted
    assert resets.count == 0 and tester is not None


def test_case_deadlines_at_risk_then_breached(qtbot: QtBot, floor: SimulatedFloor) -> None:
    panel = BreachesPanel(floor.source)
    qtbot.addWidget(panel)
    floor.bootstrap()
    cases = panel.cases_model
    tester = QAbstractItemModelTester(cases, FATAL)
    resets = Resets(cases)
    layouts: list[int] = []
    cases.layoutChanged.connect(lambda *_: layouts.append(1))
    now = floor.now
    case = Case(
        id="CS-TEST",
        queue_id="complaints",
        subject="Test",
        priority="P1",
        status=CaseStatus.INTAKE,
        agent_id=None,
        created_at=iso(now),
        first_response_due=iso(now + 30 * 60_000),
        resolution_due=iso(now + 5 * 86_400_000),
    )
    floor.send(CaseCreated(case=case))
    r = row_of(cases, CaseCol.CASE, "CS-TEST")
    assert r >= 0
    row = texts(cases, r)
    assert row[CaseCol.KIND] == "First response" and row[CaseCol.ASSIGNEE] == "Unassigned"
    assert row[CaseCol.OVERDUE] == "in 30:00"
    assert row[CaseCol.STATUS] == "Intake"
    badge = cases.index(r, CaseCol.CASE).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(badge, QIcon) and badge.cacheKey() == fmt.level_icon(Level.WARNING).cacheKey()
    assert "At risk" in cases.index(r, CaseCol.CASE).data(Qt.ItemDataRole.ToolTipRole)

    floor.later(31 * 60)
    r = row_of(cases, CaseCol.CASE, "CS-TEST")
    assert r == 0 and layouts  # the newest breach comes first: it moved up with a layout change
    assert texts(cases, r)[CaseCol.OVERDUE] == "1:00 overdue"
    badge = cases.index(r, CaseCol.CASE).data(Qt.ItemDataRole.DecorationRole)
    assert badge.cacheKey() == fmt.level_icon(Level.CRITICAL).cacheKey()
    due = now + 30 * 60_000
    assert due in panel.breach_times_ms()
    order = [
        (b.ref_id, b.kind.value)
        for b in current_breaches(floor.state, floor.now)
        if b.kind is not BreachKind.CALL_WAIT
    ]
    assert cases.rows.keys == order
    assert panel.count_today == breaches_today(floor.state, floor.now)
    assert resets.count == 0 and tester is not None


def test_case_rows_changed_together_are_signalled_once_and_show_their_new_content(
    qtbot: QtBot, floor: SimulatedFloor
) -> None:
    """Many listed cases changing in one update (a catch-up, a bulk reassignment) give one
    dataChanged over their rows, not one a row, and every changed row shows what it is now."""
    panel = BreachesPanel(floor.source, warn_within_s=365 * 86_400)  # every open case listed
    qtbot.addWidget(panel)
    floor.bootstrap()
    cases = panel.cases_model
    tester = QAbstractItemModelTester(cases, FATAL)
    listed = [key for key in cases.rows.rows if key[0] is BreachKind.RESOLUTION]
    some = [floor.state.cases[ref_id] for _, ref_id in listed[:: max(1, len(listed) // 6)]][:6]
    assert len(some) >= 3, "the floor lists too few cases for this test"
    agent = next(a for a in floor.state.agents.values())
    full_columns: list[tuple[int, int]] = []
    last_column = cases.columnCount() - 1

    def on_changed(top: QModelIndex, bottom: QModelIndex, *_: object) -> None:
        if top.column() == 0 and bottom.column() == last_column:  # not a ticking-columns signal
            full_columns.append((top.row(), bottom.row()))

    cases.dataChanged.connect(on_changed)
    floor.send(
        *(CaseUpdated(case_id=c.id, changes={"agent_id": agent.id}, version=c.version + 1) for c in some)
    )
    assert len(full_columns) == 1, full_columns
    first, last = full_columns[0]
    for c in some:
        r = row_of(cases, CaseCol.CASE, c.id)
        assert first <= r <= last
        assert texts(cases, r)[CaseCol.ASSIGNEE] == agent.name
    assert tester is not None


# -- formatting -------------------------------------------------------------------------------


def test_formatting(qtbot: QtBot) -> None:
    assert [fmt.duration(s) for s in (None, 7, 7.9, 725, 3723, -5)] == [
        "–",
        "0:07",
        "0:07",
        "12:05",
        "1:02:03",
        "-0:05",
    ]
    assert [fmt.percent(v) for v in (None, 87.5, 100.0)] == ["–", "87.5%", "100.0%"]
    assert fmt.clock_time(None) == "–"
    assert fmt.clock_time(START_MS, "Asia/Shanghai") == "17:30:00"
    assert fmt.clock_time(START_MS, "UTC") == "09:30:00"
    assert [fmt.state_label(s) for s in AgentState] == [
        "Available",
        "Ringing",
        "On call",
        "Wrap-up",
        "Not ready",
        "Logged out",
    ]
    assert fmt.reason_label("system_problem") == "System problem"
    assert fmt.reason_label("something_new") == "Something new"
    assert fmt.reason_label(None) == ""
    keys = {fmt.level_icon(level).cacheKey() for level in Level}
    assert len(keys) == 3 and not any(fmt.level_icon(level).isNull() for level in Level)
    assert set(fmt.LEVEL_COLORS) == set(Level) and set(fmt.STATE_COLORS) == set(AgentState)
