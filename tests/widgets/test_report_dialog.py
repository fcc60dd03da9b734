"""File ▸ Report…: the dialog's choices, Save As, the provider (today's queues from the live floor
until the gateway's history is wired) and the file written, with a word in the status bar."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from console.domain.clock import to_ms
from console.domain.report_tables import live_day_report
from console.widgets.floor.report_dialog import ReportDialog
from console.widgets.main_window import MainWindow
from tests.helpers.floor_sources import SimulatedFloor
from tests.helpers.reports import sample_report


def simulated_morning() -> SimulatedFloor:
    floor = SimulatedFloor()
    floor.bootstrap()
    floor.run(1800, step_s=30)  # half an hour of calls
    return floor


def test_todays_queues_from_the_live_floor_add_up_to_its_buckets() -> None:
    floor = simulated_morning()
    state = floor.state
    report = live_day_report(state, 15)
    assert not report.complete and report.interval_min == 15
    assert report.centre == state.centre.name and report.agents == [] and report.cases == []
    assert {q.queue_id for q in report.queues} == set(state.queues)
    offered_somewhere = False
    for qd in report.queues:
        q = state.queues[qd.queue_id]
        assert qd.total.offered == q.today.offered and qd.total.answered == q.today.answered
        starts = [to_ms(b.start) for b in qd.intervals]
        assert starts == sorted(starts) and all(b - a == 900_000 for a, b in itertools.pairwise(starts))
        for interval in qd.intervals:
            t = to_ms(interval.start)
            inside = [b for b in q.buckets if t <= to_ms(b.start) < t + 900_000]
            assert interval.offered == sum(b.offered for b in inside)
            assert interval.answered_within == sum(b.answered_within for b in inside)
            assert interval.talk_s == sum(b.talk_s for b in inside)
        assert sum(b.offered for b in qd.intervals) == sum(b.offered for b in q.buckets)
        offered_somewhere |= qd.total.offered > 0
    assert offered_somewhere


def window_on(floor: SimulatedFloor, qtbot: QtBot, tmp_path: Path) -> MainWindow:
    window = MainWindow(floor.source, settings_path=tmp_path / "settings.ini", save_on_close=False)
    qtbot.addWidget(window)
    return window


def test_file_report_saves_todays_workbook(qtbot: QtBot, tmp_path: Path) -> None:
    floor = simulated_morning()
    window = window_on(floor, qtbot, tmp_path)
    asked: list[str] = []

    def ask_path(_parent: object, _caption: str, name: str, _filters: str) -> str:
        asked.append(name)
        return str(tmp_path / "today")  # no extension: the format's is added

    window.reports.ask_path = ask_path
    file_menu = window.menuBar().findChildren(QMenu)[0]
    assert window.report_action in file_menu.actions()
    window.report_action.trigger()
    dialog = window.reports.dialog
    assert isinstance(dialog, ReportDialog)
    today = live_day_report(floor.state, 30).day
    dialog.day_edit.setDate(dialog.day_edit.date().fromString(today, "yyyy-MM-dd"))
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("xlsx"))
    dialog.interval_combo.setCurrentIndex(dialog.interval_combo.findData(15))
    with qtbot.waitSignal(window.messages.shown) as shown:
        dialog.accept()
    assert asked == [f"report-{today}.xlsx"]
    out = tmp_path / "today.xlsx"
    assert shown.args == [f"Report saved: {out}"]
    rows = list(load_workbook(out)["Queues"].iter_rows(min_row=2, values_only=True))
    totals = {r[0]: r[2] for r in rows if r[1] == "Day total"}
    for q in floor.state.queues.values():
        assert totals[q.name] == q.today.offered


def test_another_day_is_not_made_up(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on(simulated_morning(), qtbot, tmp_path)
    with qtbot.waitSignal(window.messages.shown) as shown:
        window.reports.export("2026-01-05", 30, "csv", str(tmp_path / "old.csv"))
    assert shown.args[0].startswith("No report of 2026-01-05: only today's queues")
    assert not (tmp_path / "old.csv").exists()


def test_a_provider_answers_later_and_the_csv_follows(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on(simulated_morning(), qtbot, tmp_path)
    pending = []
    window.set_report_provider(lambda day, interval, done: pending.append((day, interval, done)))
    out = tmp_path / "day.csv"
    window.reports.export("2026-03-02", 60, "csv", str(out))
    assert not out.exists() and [p[:2] for p in pending] == [("2026-03-02", 60)]
    with qtbot.waitSignal(window.messages.shown):
        pending[0][2](sample_report(), None)
    lines = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[0] == ["Day report: 上海分行客服中心, 2026-03-02"]


def test_an_unwritable_file_is_said(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on(simulated_morning(), qtbot, tmp_path)
    window.set_report_provider(lambda day, interval, done: done(sample_report(), None))
    with qtbot.waitSignal(window.messages.shown) as shown:
        window.reports.export("2026-03-02", 30, "csv", str(tmp_path / "missing" / "day.csv"))
    assert shown.args[0].startswith("Report not saved: ")
