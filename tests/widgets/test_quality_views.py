"""Quality review in the console: flagging calls, the call history and the review queue.

End to end against a real gateway on 127.0.0.1 serving the "Flags" centre of
tests.helpers.simulation (a burst queue whose calls have all ended by 01:05, and a
long queue whose calls are talked for ever: always a call in progress to flag),
with consoles (LiveFeed and MainWindow) over real websockets. The models are
also checked offline under pytest-qt's model tester, and every word of the new
views goes through Qt's translation.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.application.floor_source import FloorSource
from console.application.live import LiveFeed
from console.domain.businessday import moment_text
from console.domain.clock import iso, to_ms
from console.domain.entities import (
    Call,
    CallOutcome,
    CallState,
    CompletedCall,
    Flag,
    FlagCategory,
    FlagOutcome,
    FlagSeverity,
    FlagStatus,
)
from console.domain.events import FlagCreated, FlagUpdated
from console.domain.flags import agents_with_open_flags, filter_flags
from console.domain.permissions import Role
from console.feeds.client.feed_client import AckItem, ConnState, FeedStatus
from console.widgets.common.fmt import duration
from console.widgets.floor.agent_board import Col as ACol
from console.widgets.main_window import MainWindow
from console.widgets.quality.call_history import CallHistoryPanel, HistCol
from console.widgets.quality.common import CallSummary
from console.widgets.quality.flag_dialog import FlagDialog
from console.widgets.quality.review import FlagCol, ReviewPanel, StatusChoice
from tests.helpers.consoles import Consoles
from tests.helpers.floor_sources import SimulatedFloor
from tests.helpers.gateway import MASKED, GatewayThread
from tests.helpers.simulation import flags_config
from tests.helpers.translation import MARK, PseudoTranslator, shown_texts

DISPLAY = Qt.ItemDataRole.DisplayRole


# -- consoles on a real gateway ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayThread]:
    with GatewayThread(flags_config(tmp_path_factory.mktemp("quality"))) as g:
        yield g


def settle(qtbot: QtBot, window: MainWindow) -> None:
    """Connected with a role, and the burst is over: today's completed calls stand still."""
    feed = window.feed
    assert isinstance(feed, LiveFeed)

    def ready() -> bool:
        state = feed.state
        return (
            feed.status.role is not None
            and (state.at or "") >= "2026-03-02T01:05:00.000Z"
            and not any(c.queue_id == "burst" for c in state.calls.values())
            and any(c.state is CallState.TALKING for c in state.calls.values())
        )

    qtbot.waitUntil(ready, timeout=20_000)


def talking(window: MainWindow) -> Call:
    return min(
        (c for c in window.feed.state.calls.values() if c.state is CallState.TALKING), key=lambda c: c.id
    )


def text(model: Any, row: int, column: int) -> str:
    return str(model.data(model.index(row, column, QModelIndex()), DISPLAY))


def agent_name_cell(window: MainWindow, agent_id: str) -> str:
    row = window.agents.model.rows.row_of(agent_id)
    assert row is not None
    return text(window.agents.model, row, ACol.AGENT)


def send_flag(qtbot: QtBot, dialog: FlagDialog) -> str:
    """Press *Flag call* and wait for the gateway's flag id."""
    got: list[str] = []
    dialog.flagged.connect(lambda flag_id, _call: got.append(flag_id))
    assert dialog.flag_button.isEnabled(), dialog.problem()
    dialog.flag_button.click()
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    return got[0]


def wait_answered(qtbot: QtBot, panel: ReviewPanel) -> None:
    qtbot.waitUntil(lambda: panel.pending is None, timeout=10_000)


def test_flag_a_live_call_and_a_second_console_reviews_it_live(
    qtbot: QtBot, consoles: Consoles, gw: GatewayThread
) -> None:
    sup = consoles.open(gw.url, Role.SUPERVISOR, save_on_close=False)
    qa = consoles.open(gw.url, Role.QUALITY, save_on_close=False)
    settle(qtbot, sup)
    settle(qtbot, qa)
    call = talking(sup)
    agent_id = call.agent_id
    assert agent_id is not None
    assert not agent_name_cell(sup, agent_id).startswith("⚑")

    # The call of the agent selected in the agent board.
    assert sup.agents.select_agent(agent_id)
    assert sup.quality.flag_call_action.isEnabled()
    sup.quality.flag_call_action.trigger()
    dialog = sup.quality.dialog
    assert isinstance(dialog, FlagDialog) and dialog.isVisible()
    assert dialog.call.call_id == call.id and dialog.call.live
    shown = {k: v.text() for k, v in dialog.summary_values.items()}
    assert shown["queue"] == "Long" and agent_id in shown["agent"] and MASKED.match(shown["caller"])
    assert shown["outcome"] == "In progress: talking" and shown["duration"] != "–"
    # A category is a deliberate choice; the moment is mm:ss within the call; the note stops at 4,000.
    assert not dialog.flag_button.isEnabled() and dialog.problem() == "Choose a category"
    dialog.set_category(FlagCategory.COMPLIANCE)
    dialog.set_severity(FlagSeverity.HIGH)
    dialog.moment_edit.setText("1:2")
    assert not dialog.flag_button.isEnabled() and "minutes and seconds" in dialog.problem()
    dialog.moment_edit.setText("999:00")
    assert not dialog.flag_button.isEnabled() and "past the end of the call" in dialog.problem()
    dialog.moment_edit.setText("00:05")
    dialog.note_edit.setPlainText("x" * 4100)
    assert len(dialog.note_edit.toPlainText()) == 4000 and "the rest was cut" in dialog.counter.text()
    dialog.note_edit.setPlainText("no fee disclosure; read back card 4111 1111 1111 1111")
    assert dialog.counter.text() == "53 / 4,000 characters"
    fid = send_flag(qtbot, dialog)
    assert fid in sup.messages.last and call.id in sup.messages.last
    assert sup.status.note.text() == sup.messages.last  # the bridge goes to the status bar

    # The ack came after the events: the flagger's console holds the flag already.
    flag = sup.feed.state.flags[fid]
    assert (flag.call_id, flag.agent_id, flag.category, flag.severity, flag.moment_s) == (
        call.id,
        agent_id,
        FlagCategory.COMPLIANCE,
        FlagSeverity.HIGH,
        5.0,
    )
    assert flag.note == "no fee disclosure; read back card **** **** **** 1111"

    # The quality console's review queue shows it, live.
    review = qa.review
    qtbot.waitUntil(lambda: review.model.row_of(fid) is not None, timeout=10_000)
    row = review.model.row_of(fid)
    assert row is not None
    m = review.model
    assert text(m, row, FlagCol.STATUS) == "Open"
    assert text(m, row, FlagCol.SEVERITY) == "High"
    assert text(m, row, FlagCol.CATEGORY) == "Compliance and required disclosures"
    assert agent_id in text(m, row, FlagCol.AGENT) and text(m, row, FlagCol.QUEUE) == "Long"
    assert text(m, row, FlagCol.FLAGGED_BY) == "supervisor1" and text(m, row, FlagCol.CALL) == call.id
    assert review.select_flag(fid)
    assert review.fields["moment"].text().startswith("00:05 into the call")
    assert "**** **** **** 1111" in review.notes_view.toPlainText()
    assert "4111 1111" not in review.notes_view.toPlainText()

    # The agent board marks the agent on both consoles: exactly the agents with a flag open today.
    def is_marked(w: MainWindow) -> bool:
        return agent_name_cell(w, agent_id).startswith("⚑ ")

    for window in (sup, qa):
        qtbot.waitUntil(partial(is_marked, window), timeout=5_000)
        state = window.feed.state
        marked = {a for a in state.agents if agent_name_cell(window, a).startswith("⚑ ")}
        assert marked == agents_with_open_flags(state.flags.values(), state.centre.day_started_at)


def test_flag_a_completed_call_found_in_the_call_history(
    qtbot: QtBot, consoles: Consoles, gw: GatewayThread
) -> None:
    qa = consoles.open(gw.url, Role.QUALITY, save_on_close=False)
    h = qa.history
    h.page_size = 5
    settle(qtbot, qa)
    assert not h.searched  # not looked at yet: nothing asked
    qa.history_dock.raise_()  # the first look lists the latest calls
    qtbot.waitUntil(lambda: h.searched and h.pending is None and h.model.rowCount() == 5, timeout=10_000)
    assert h.total is not None and h.total > 100 and h.next_cursor is not None
    first = h.model.calls()
    assert h.more_button.isEnabled()
    h.more_button.click()
    qtbot.waitUntil(lambda: h.pending is None and h.model.rowCount() == 10, timeout=10_000)
    calls = h.model.calls()
    assert calls[:5] == first and len({c.id for c in calls}) == 10
    keys = [(c.entered_at, c.id) for c in calls]
    assert keys == sorted(keys, reverse=True), "newest first"
    assert h.count_label.text() == f"10 of {h.total:,} calls completed today"
    assert all(MASKED.match(text(h.model, r, HistCol.CALLER)) for r in range(10))

    def search() -> list[CompletedCall]:
        assert h.search() is not None
        qtbot.waitUntil(lambda: h.pending is None, timeout=10_000)
        assert h.last_error == ""
        while h.next_cursor is not None:  # every page
            h.load_more()
            qtbot.waitUntil(lambda: h.pending is None, timeout=10_000)
        return h.model.calls()

    h.page_size = 200
    h.set_agent_filter("A002")
    h.set_outcome_filter(CallOutcome.ANSWERED)
    mine = search()
    assert mine and all(c.agent_id == "A002" and c.outcome is CallOutcome.ANSWERED for c in mine)
    assert len(mine) == h.total
    h.set_agent_filter(None)
    h.set_outcome_filter(None)
    h.set_queue_filter("burst")
    h.set_time_range("00:40", "00:45")
    window = search()
    assert window and all("2026-03-02T00:40" <= c.entered_at < "2026-03-02T00:45" for c in window)
    # A time that is not one is said, and nothing is asked.
    h.set_time_range("25:00", "")
    assert h.search() is None and "not a time of day" in h.count_label.text()
    h.set_time_range("00:45", "00:40")
    assert h.search() is None and "ends before it starts" in h.count_label.text()
    h.set_time_range("", "")
    # The caller's last digits find the call.
    target = next(c for c in window if c.outcome is CallOutcome.ANSWERED)
    h.set_text(target.caller[-4:])
    found = search()
    assert target in found and all(
        target.caller[-4:] in c.caller or target.caller[-4:] in c.id for c in found
    )

    # Flag it from the history.
    assert h.select_call(target.id) and h.flag_button.isEnabled()
    h.flag_button.click()
    dialog = qa.quality.dialog
    assert isinstance(dialog, FlagDialog) and dialog.call.call_id == target.id and not dialog.call.live
    assert dialog.summary_values["duration"].text() == duration(target.duration_s)
    assert dialog.summary_values["wait"].text() == duration(target.wait_s)
    assert dialog.summary_values["outcome"].text() == "Answered"
    assert dialog.summary_values["caller"].text() == target.caller
    dialog.set_category(FlagCategory.DATA_PROTECTION)
    dialog.set_severity(FlagSeverity.CRITICAL)
    dialog.moment_edit.setText(moment_text(target.duration_s + 2))
    assert "past the end of the call" in dialog.problem()
    dialog.moment_edit.setText("00:30")
    fid = send_flag(qtbot, dialog)
    flag = qa.feed.state.flags[fid]
    assert (flag.call_id, flag.agent_id, flag.caller, flag.moment_s, flag.severity) == (
        target.id,
        target.agent_id,
        target.caller,
        30.0,
        FlagSeverity.CRITICAL,
    )
    qtbot.waitUntil(lambda: qa.review.model.row_of(fid) is not None, timeout=5_000)


def test_work_a_flag_through_the_review_queue_refusals_roles_and_export(
    qtbot: QtBot, consoles: Consoles, gw: GatewayThread, tmp_path: Path
) -> None:
    qa = consoles.open(gw.url, Role.QUALITY, save_on_close=False)
    sup = consoles.open(gw.url, Role.SUPERVISOR, save_on_close=False)
    wall = consoles.open(gw.url, Role.VIEWER, save_on_close=False)
    for w in (qa, sup, wall):
        settle(qtbot, w)
    call = talking(qa)
    dialog = qa.quality.flag_live_call(call.id)
    assert dialog is not None
    dialog.set_category(FlagCategory.PROCESS)
    dialog.set_severity(FlagSeverity.MEDIUM)
    dialog.note_edit.setPlainText("ID check skipped; account 62220201234567")
    fid = send_flag(qtbot, dialog)

    r = qa.review
    qtbot.waitUntil(lambda: r.select_flag(fid), timeout=5_000)
    assert r.work_box.isEnabled() and r.readonly_label.isHidden()
    assert r.reviewer_edit.text() == "quality1"  # "me" by default
    assert r.start_button.isEnabled() and not r.reopen_button.isEnabled()
    # Closing an open flag skips the workflow: greyed out, and refused in the domain's words if tried.
    assert not r.close_button.isEnabled() and "skips the workflow" in r.close_button.toolTip()
    assert r.close_flag(FlagOutcome.CONFIRMED) is None
    assert "skips the workflow" in r.result_label.text()
    assert qa.feed.state.flags[fid].version == 1
    # A reviewer who is not quality staff: the gateway refuses, in its own words.
    assert r.assign("supervisor1") is not None
    wait_answered(qtbot, r)
    assert r.result_label.text().startswith("Refused: ") and "quality or admin" in r.result_label.text()
    assert qa.feed.state.flags[fid].version == 1

    # open -> in_review (with a note), a note on its own, closed with an outcome (and a note), reopened.
    r.note_edit.setPlainText("listening now")
    r.start_button.click()
    wait_answered(qtbot, r)
    flag = qa.feed.state.flags[fid]
    assert (flag.status, flag.reviewer, flag.version) == (FlagStatus.IN_REVIEW, "quality1", 2)
    assert r.note_edit.toPlainText() == "" and "in review" in r.result_label.text()
    assert r.add_note("the agent skipped the ID check at 0:40") is not None
    wait_answered(qtbot, r)
    assert r.close_button.isEnabled() and r.to_open_button.isEnabled() and not r.start_button.isEnabled()
    r.outcome_combo.setCurrentIndex(r.outcome_combo.findData(FlagOutcome.COACHING_NEEDED.value))
    r.note_edit.setPlainText("coaching booked for Thursday")
    r.close_button.click()
    wait_answered(qtbot, r)
    flag = qa.feed.state.flags[fid]
    assert (flag.status, flag.outcome, flag.version) == (FlagStatus.CLOSED, FlagOutcome.COACHING_NEEDED, 4)
    assert r.fields["status"].text() == "Closed" and r.fields["outcome"].text() == "Coaching needed"
    assert r.reopen_button.isEnabled() and not r.assign_button.isEnabled()
    assert "reopen it" in r.assign_button.toolTip()
    history = r.notes_view.toPlainText()
    order = [
        "ID check skipped; account **********4567",
        "listening now",
        "the agent skipped the ID check at 0:40",
        "coaching booked for Thursday",
    ]
    positions = [history.find(n) for n in order]
    assert -1 not in positions and positions == sorted(positions), history
    assert "(flagged the call)" in history and history.count("quality1") >= 4
    r.reopen_button.click()
    wait_answered(qtbot, r)
    flag = qa.feed.state.flags[fid]
    assert (flag.status, flag.outcome, flag.version, len(flag.notes)) == (FlagStatus.IN_REVIEW, None, 5, 3)

    # The supervisor's console follows, read-only: the same notes, the work greyed out with the reason.
    s = sup.review
    qtbot.waitUntil(
        lambda: fid in sup.feed.state.flags and sup.feed.state.flags[fid].version == 5, timeout=5_000
    )
    assert s.select_flag(fid)
    assert not s.work_box.isEnabled() and s.readonly_label.isVisibleTo(s)
    assert "supervisor" in s.readonly_label.text()
    assert "supervisor" in s.start_button.toolTip() or not s.start_button.isEnabled()
    assert s.send_update(status=FlagStatus.CLOSED, outcome=FlagOutcome.NO_ISSUE) is None
    assert "may not work the review queue" in s.result_label.text()
    assert s.notes_view.toPlainText() == r.notes_view.toPlainText()
    assert sup.quality.flag_call_action.isEnabled()  # supervisors flag calls
    # A wall display neither flags nor works the queue nor reads the call history, but sees the flags.
    assert not wall.quality.flag_call_action.isEnabled()
    assert not wall.history.search_button.isEnabled() and "viewer" in wall.history.count_label.text()
    qtbot.waitUntil(lambda: wall.review.model.row_of(fid) is not None, timeout=5_000)

    # Filters (the domain's FlagFilter) and counts of what is shown.
    r.set_status_filter(StatusChoice.NOT_CLOSED)
    r.set_category_filter(FlagCategory.PROCESS)
    expected = filter_flags(qa.feed.state.flags.values(), r.current_filter())
    assert [f.id for f in r.model.shown()] == [f.id for f in expected] and fid in {f.id for f in expected}
    assert r.category_counts.text() == f"By category: Process not followed {len(expected)}"
    r.set_reviewer_filter("quality1")
    assert fid in {f.id for f in r.model.shown()}
    r.set_reviewer_filter(None, nobody=True)
    assert fid not in {f.id for f in r.model.shown()}
    r.set_reviewer_filter(None)

    # Export: the rows shown, in the order shown, customer data masked.
    path = tmp_path / "flags.csv"
    assert r.export_csv(path) == r.proxy.rowCount() == len(expected)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel on Chinese Windows reads it right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Flag", "Flagged at", "Call"]  # the words on screen
    assert [row[0] for row in rows[1:]] == [f.id for f in r.shown_flags()]
    assert all(MASKED.match(row[7]) for row in rows[1:])
    assert "62220201234567" not in raw.decode("utf-8-sig")
    mine = next(row for row in rows[1:] if row[0] == fid)
    assert mine[10:15] == ["In review", "quality1", "", "quality1", "coaching booked for Thursday"]
    # Times as on screen, in the centre's zone (computed apart from the product), and every note.
    flagged = qa.feed.state.flags[fid]
    local = datetime.fromtimestamp(to_ms(flagged.flagged_at) / 1000, ZoneInfo(qa.feed.state.centre.timezone))
    assert mine[1] == local.strftime("%Y-%m-%d %H:%M:%S")
    assert len(mine[18].split("\n")) == len(flagged.notes) == 3
    assert mine[18].splitlines()[-1].endswith("quality1: coaching booked for Thursday")
    assert qa.messages.last.startswith(f"Exported {len(expected)} flags to ")


# -- the models under the model tester, offline ----------------------------------------------------------


def _flag(i: int, floor: SimulatedFloor, **over: Any) -> Flag:
    agents = list(floor.state.agents.values())
    agent = agents[i % len(agents)]
    at = iso(floor.now - (i % 5) * 3_600_000)
    base: dict[str, Any] = {
        "id": f"F-{i:06d}",
        "call_id": f"K{i:07d}",
        "queue_id": next(iter(floor.state.queues)),
        "agent_id": agent.id,
        "team": agent.team,
        "caller": "138****5678",
        "call_started_at": at,
        "category": list(FlagCategory)[i % 7],
        "severity": list(FlagSeverity)[i % 4],
        "note": f"note {i}",
        "moment_s": None,
        "flagged_by": "ann",
        "flagged_at": at,
        "updated_at": at,
    }
    base.update(over)
    return Flag(**base)


def test_the_review_queue_model_passes_the_model_tester(qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    floor = SimulatedFloor()
    floor.bootstrap()
    panel = ReviewPanel(floor.source)
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.model, force_py=True)  # type: ignore[no-untyped-call]  # pytest-qt is untyped
    floor.send(*(FlagCreated(flag=_flag(i, floor)) for i in range(1, 30)))
    assert panel.model.rowCount() == 29
    panel.view.selectRow(3)
    chosen = panel.current_id
    assert chosen is not None
    panel.view.sortByColumn(FlagCol.SEVERITY, Qt.SortOrder.DescendingOrder)
    floor.run(5)
    floor.send(
        FlagUpdated(
            flag_id="F-000002", changes={"status": "in_review", "reviewer": "qa"}, version=2, by="qa"
        ),
        FlagUpdated(flag_id="F-000003", changes={}, version=2, by="qa", note="a note"),
        FlagCreated(flag=_flag(40, floor)),
    )
    panel.set_status_filter(FlagStatus.OPEN.value)
    assert panel.model.rowCount() == 29 and "F-000002" not in {f.id for f in panel.model.shown()}
    panel.set_status_filter(StatusChoice.ANY)
    panel.set_severity_filter(FlagSeverity.CRITICAL)
    assert all(f.severity is FlagSeverity.CRITICAL for f in panel.model.shown())
    panel.set_severity_filter(None)
    panel.set_agent_filter(next(iter(floor.state.agents)))
    panel.set_agent_filter(None)
    panel.set_date_filter("today")
    panel.set_date_filter("")
    panel.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    assert panel.model.rowCount() == 30 and panel.current_id == chosen
    assert panel.summary_label.text().startswith("30 of 30 flags shown: 29 open, 1 in review")


def test_the_call_history_model_passes_the_model_tester(qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    floor = SimulatedFloor()
    floor.bootstrap()
    panel = CallHistoryPanel(floor.source)
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.model, force_py=True)  # type: ignore[no-untyped-call]

    def done(i: int) -> CompletedCall:
        entered = floor.now - i * 60_000
        return CompletedCall(
            id=f"K{i:07d}",
            queue_id=next(iter(floor.state.queues)),
            agent_id=next(iter(floor.state.agents)),
            caller="138****5678",
            priority=0,
            entered_at=iso(entered),
            answered_at=iso(entered + 10_000),
            ended_at=iso(entered + 100_000),
            outcome=CallOutcome.ANSWERED,
            wait_s=10.0,
            talk_s=90.0,
            duration_s=100.0,
        )

    panel.model.set_calls([done(i) for i in range(10)])
    panel.view.selectRow(2)
    panel.model.append([done(i) for i in range(8, 25)])  # a repeat stays where it was
    assert panel.model.rowCount() == 25 and panel.selected_call() == done(2)
    panel.model.set_calls([done(i) for i in range(20, 30)])
    assert [c.id for c in panel.model.calls()] == [done(i).id for i in range(20, 30)]
    floor.run(3)


# -- words, parsing, and a console without a gateway ----------------------------------------------------


class FakeGateway(FloorSource):
    """A FloorSource with a role and a command sink that answers on the next turn of the loop."""

    def __init__(self, state: Any, role: str, answer: dict[str, Any]) -> None:
        super().__init__(state)
        self._status = FeedStatus(state=ConnState.CONNECTED, url="ws://x", user="ann", role=role)
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.answer = answer

    @property
    def status(self) -> FeedStatus:
        return self._status

    def last_frame_age_s(self) -> float | None:
        return 0.1

    def events_per_second(self) -> float:
        return 0.0

    def is_stale(self, threshold_s: float = 3.0) -> bool:
        return False

    def send_command(self, action: str, args: dict[str, Any], callback: Any = None) -> str:
        self.sent.append((action, args))
        cid = f"c{len(self.sent)}"
        ack = AckItem(id=cid, **self.answer)
        if callback is not None:
            QTimer.singleShot(0, lambda: callback(ack))
        return cid


def test_every_word_of_the_quality_views_goes_through_qt_translation(qtbot: QtBot) -> None:
    floor = SimulatedFloor()
    floor.bootstrap()
    floor.run(30)
    floor.send(FlagCreated(flag=_flag(1, floor)))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translator = PseudoTranslator()
    app.installTranslator(translator)
    try:
        feed = FakeGateway(floor.state, "quality", {"ok": True, "result": {"calls": [], "total": 0}})
        review = ReviewPanel(feed)
        history = CallHistoryPanel(feed)
        call = next(iter(floor.state.calls.values()))
        dialog = FlagDialog(feed, CallSummary.of_live(call, floor.state.at))
        for w in (review, history, dialog):
            qtbot.addWidget(w)
            w.show()
        review.select_flag("F-000001")
        assert history.search() is not None
        qtbot.waitUntil(lambda: history.pending is None)
        for root in (review, history, dialog):
            shown = [(where, t) for where, t in shown_texts(root) if not where.startswith("label flagCall_")]
            shown = [(where, t) for where, t in shown if not where.startswith("label flagField_")]
            untranslated = [(where, t) for where, t in shown if MARK not in t and where != "window title"]
            assert untranslated == [], untranslated
        assert MARK in dialog.windowTitle() and MARK in review.title_label.text()
    finally:
        app.removeTranslator(translator)


def test_moments_in_a_call_are_shown_as_minutes_and_seconds() -> None:
    assert moment_text(95) == "01:35" and moment_text(3723) == "1:02:03" and moment_text(None) == ""


def test_refusals_and_roles_without_a_gateway(qtbot: QtBot) -> None:
    floor = SimulatedFloor()
    floor.bootstrap()
    floor.send(FlagCreated(flag=_flag(1, floor)))
    refused = {"ok": False, "error_code": "conflict", "error_message": "flag F-000001 is at version 2"}
    feed = FakeGateway(floor.state, "admin", refused)
    panel = ReviewPanel(feed)
    qtbot.addWidget(panel)
    assert panel.select_flag("F-000001")
    assert panel.start_review() is not None
    assert feed.sent[-1] == (
        "flag.update",
        {"flag_id": "F-000001", "expected_version": 1, "status": "in_review"},
    )
    qtbot.waitUntil(lambda: panel.pending is None)
    assert "changed since you looked at it" in panel.result_label.text()
    assert "flag F-000001 is at version 2" in panel.result_label.text()
    # Nothing to change is not sent; neither is a note past the limit.
    n = len(feed.sent)
    assert panel.assign(None) is None and panel.result_label.text() == "Nothing to change"
    panel.note_edit.setPlainText("y" * 4001)
    assert not panel.note_button.isEnabled()
    assert panel.add_note() is None and "4000" in panel.result_label.text()
    assert len(feed.sent) == n
    # A viewer sees the queue, read-only.
    viewer = ReviewPanel(FakeGateway(floor.state, "viewer", refused))
    qtbot.addWidget(viewer)
    assert viewer.model.rowCount() == 1 and not viewer.can_update()
    assert "viewer" in viewer.readonly_label.text()
