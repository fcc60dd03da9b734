"""Staffing advice on screen: the queue overview's "Needed (gap)", the staffing dialog and its
what-if, a move sent as ``agent.set_queues``, and File ▸ Report… fed by ``history.query``.

The advisor's figures are checked against the Erlang formulas in tests/domain/test_staffing.py;
here the screens must show exactly what the domain computes, on the same floor, and the moves and
reports must go through a real gateway.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.application.commands import Commands
from console.application.messages import MessageBridge
from console.domain.figures.queues import TOTAL_ID
from console.domain.history import DayReport
from console.domain.permissions import Role
from console.domain.staffing import Move, advise, movable_agents, what_if
from console.widgets.common.fmt import signed
from console.widgets.floor.queue_overview import Col, QueueOverview
from console.widgets.floor.staffing_dialog import StaffingDialog
from tests.helpers.consoles import Consoles
from tests.helpers.floor_sources import SimulatedFloor
from tests.helpers.gateway import GatewayThread, make_config


def _floor() -> SimulatedFloor:
    floor = SimulatedFloor()
    floor.bootstrap()
    floor.run(1500, step_s=5)
    return floor


def test_the_overview_shows_each_queues_needed_agents_and_gap(qtbot: QtBot) -> None:
    floor = _floor()
    overview = QueueOverview(floor.source)
    qtbot.addWidget(overview)
    model = overview.model
    overview.model.advise_now()
    expected = {a.queue_id: a for a in advise(floor.state, floor.now)}
    assert expected and any(a.needed is not None for a in expected.values())
    for row in range(model.rowCount()):
        qid = model.rows.rows[row][-1]
        text = model.index(row, Col.NEEDED).data()
        tip = model.index(row, Col.NEEDED).data(0x03)  # ToolTipRole
        if qid == TOTAL_ID:
            known = [a for a in expected.values() if a.needed is not None and a.gap is not None]
            needed = sum(a.needed or 0 for a in known)
            assert text == f"{needed} ({signed(sum(a.gap or 0 for a in known))})"
            continue
        a = expected[qid]
        if a.needed is None or a.gap is None:
            assert text == "—"
        else:
            assert text == f"{a.needed} ({signed(a.gap)})"
        assert "Arrivals:" in tip and "Serving now:" in tip


def test_the_overview_fills_the_column_by_itself_a_few_queues_a_turn(qtbot: QtBot) -> None:
    floor = _floor()
    overview = QueueOverview(floor.source)
    qtbot.addWidget(overview)
    model = overview.model
    row = model.rows.row_of(next(iter(floor.state.queues)))
    assert row is not None
    assert model.index(row, Col.NEEDED).data() == ""  # not estimated yet
    qtbot.waitUntil(lambda: model.advisor.cycles >= 1, timeout=10_000)
    assert model.index(row, Col.NEEDED).data() not in ("", None)


def test_the_dialog_shows_the_advice_and_what_a_move_would_do(qtbot: QtBot) -> None:
    floor = _floor()
    dialog = StaffingDialog(floor.source, Commands(floor.source), MessageBridge())
    qtbot.addWidget(dialog)
    expected = advise(floor.state, floor.now)
    assert dialog.table.rowCount() == len(expected)

    def cell(row: int, col: int) -> str:
        item = dialog.table.item(row, col)
        assert item is not None
        return item.text()

    for row, a in enumerate(expected):
        assert cell(row, 0) == a.name
        assert cell(row, 6) == ("—" if a.needed is None else str(a.needed))

    queues = list(floor.state.queues)
    dialog.focus_queue(queues[1])  # the "to" queue was the first: it moves off the "from" one
    assert dialog.from_queue.currentData() == queues[1] != dialog.to_queue.currentData()
    dialog.focus_queue(queues[0])
    dialog.to_queue.setCurrentIndex(dialog.to_queue.findData(queues[1]))
    dialog.count.setValue(2)
    move = dialog.chosen_move()
    assert move is not None and move.from_queue == queues[0] and move.to_queue == queues[1]
    assert isinstance(move.agents, tuple) and len(move.agents) == 2
    assert dialog.preview == what_if(floor.state, floor.now, [Move(queues[0], queues[1], move.agents)])
    assert floor.state.queues[queues[0]].name in dialog.what_if_text.text()
    # Named agents instead of a number: the third the move would pick, ticked alone.
    movable = movable_agents(floor.state, queues[0], queues[1])
    assert [dialog._id_at(r) for r in range(dialog.agents_list.count())] == movable
    assert dialog.checked_agents() == movable[:2]  # the number ticks the first ones
    dialog.count.setValue(0)
    third = dialog.agents_list.item(2)
    assert third is not None
    third.setCheckState(Qt.CheckState.Checked)
    assert dialog.count.value() == 1
    assert dialog.chosen_move() == Move(queues[0], queues[1], (movable[2],))
    assert dialog.preview == what_if(floor.state, floor.now, [Move(queues[0], queues[1], (movable[2],))])
    # A floor without a gateway (and a role) cannot move anyone.
    assert not dialog.move_button.isEnabled()


def test_a_manager_moves_agents_through_the_gateway(qtbot: QtBot, consoles: Consoles, tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path)) as gw:
        window = consoles.open(gw.url, Role.MANAGER)
        qtbot.waitUntil(lambda: window.feed.state.seq > 50 and bool(window.feed.state.agents), timeout=15_000)
        dialog = window.show_staffing()
        qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=5_000)
        state = window.feed.state
        queues = list(state.queues)
        agent = next(a for a in state.agents.values() if queues[0] in a.skills)
        target = [q for q in queues if q != queues[0]][:1]
        assert dialog.send_move({agent.id: target}) is not None
        qtbot.waitUntil(lambda: state.agents[agent.id].skills == target, timeout=10_000)
        qtbot.waitUntil(lambda: "now serve their new queues" in (window.messages.last or ""), timeout=5_000)
        assert any(a.action == "agent.set_queues" for a in state.actions)


def test_a_supervisor_cannot_move_agents_and_is_told_why(
    qtbot: QtBot, consoles: Consoles, tmp_path: Path
) -> None:
    with GatewayThread(make_config(tmp_path)) as gw:
        window = consoles.open(gw.url, Role.SUPERVISOR)
        qtbot.waitUntil(
            lambda: window.feed.state.seq > 50 and window.commands.role() is not None, timeout=15_000
        )
        dialog = window.show_staffing()
        queues = list(window.feed.state.queues)
        dialog.focus_queue(queues[0])
        dialog.to_queue.setCurrentIndex(dialog.to_queue.findData(queues[1]))
        assert not dialog.move_button.isEnabled()
        assert "managers" in dialog.move_button.toolTip()


def test_file_report_takes_the_day_from_the_gateways_history(
    qtbot: QtBot, consoles: Consoles, tmp_path: Path
) -> None:
    with GatewayThread(make_config(tmp_path)) as gw:
        window = consoles.open(gw.url, Role.MANAGER)
        qtbot.waitUntil(lambda: window.feed.state.seq > 200, timeout=15_000)
        state = window.feed.state
        assert state.centre.day_started_at is not None
        tz = ZoneInfo(state.centre.timezone)
        at = window.feed.feed_clock_ms()
        assert at is not None
        day = datetime.fromtimestamp(at / 1000, tz).date().isoformat()
        got: list[tuple[DayReport | None, str | None]] = []
        window.history_report(day, 30, lambda report, why: got.append((report, why)))
        qtbot.waitUntil(lambda: bool(got), timeout=20_000)
        report, why = got[0]
        assert why is None and report is not None
        assert not report.complete
        assert {q.queue_id for q in report.queues} == set(state.queues)
        assert {a.agent_id for a in report.agents} <= set(state.agents)
        # A day the store does not hold: the gateway's refusal, in words.
        window.history_report("2001-01-01", 30, lambda report, why: got.append((report, why)))
        qtbot.waitUntil(lambda: len(got) == 2, timeout=10_000)
        assert got[1][0] is None and got[1][1]
