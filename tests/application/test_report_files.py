"""Day reports as CSV and XLSX: every figure read back equals the one worked out here from the
report's counts (not through the code under test), in the centre's time, and in Chinese."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
from openpyxl import load_workbook

from console.application.report_fetch import ReportFetchError, query_args, report_of
from console.application.report_files import format_of, write_csv, write_xlsx
from console.domain.entities import Bucket, DayFigures
from console.widgets.common.language import lookup_in
from tests.helpers.reports import sample_report


def expected(f: Bucket | DayFigures) -> dict[str, float | int | None]:
    """The figures of an interval or a day, worked out from its counts (SL: abandons fail)."""
    long_abandons = f.abandoned - f.short_abandons
    sl_den = f.answered + long_abandons
    ab_den = f.offered - f.short_abandons
    return {
        "offered": f.offered,
        "answered": f.answered,
        "abandoned": f.abandoned,
        "short": f.short_abandons,
        "abandon_pct": 100 * long_abandons / ab_den if ab_den else None,
        "sl_pct": 100 * f.answered_within / sl_den if sl_den else None,
        "asa": f.wait_answered_s / f.answered if f.answered else None,
        "aht": (f.talk_s + f.wrap_s) / f.handled if f.handled else None,
    }


def expected_queue_rows() -> dict[tuple[str, str], dict[str, Any]]:
    report = sample_report()
    cards, loans = report.queues
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for label, b in zip(("09:00–09:30", "09:30–10:00", "10:00–10:30"), cards.intervals, strict=True):
        rows["信用卡", label] = expected(b) | {"target": 80.0}
    rows["信用卡", "Day total"] = expected(cards.total) | {"target": 80.0}
    rows["Loans", "09:00–09:30"] = expected(loans.intervals[0]) | {"target": 75.0}
    rows["Loans", "Day total"] = expected(loans.total) | {"target": 75.0}
    centre = DayFigures()
    for name in ("offered", "answered", "answered_within", "abandoned", "short_abandons", "handled"):
        setattr(centre, name, getattr(cards.total, name) + getattr(loans.total, name))
    for name in ("wait_answered_s", "talk_s", "wrap_s"):
        setattr(centre, name, getattr(cards.total, name) + getattr(loans.total, name))
    rows["All queues", "Day total"] = expected(centre) | {"target": None}
    return rows


def csv_sections(path: Path) -> dict[str, list[list[str]]]:
    """The CSV's sections by title: header line first, then the rows."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    sections: dict[str, list[list[str]]] = {}
    i = 4  # title, status, details, empty line
    while i < len(lines):
        title = lines[i][0]
        j = i + 1
        while j < len(lines) and lines[j]:
            j += 1
        sections[title] = lines[i + 1 : j]
        i = j + 1
    return sections


def num(text: str) -> float | None:
    return None if text == "" else float(text)


def close(got: float | None, want: float | None, tol: float) -> bool:
    if want is None or got is None:
        return got is None and want is None
    return abs(got - want) <= tol


def test_csv_queue_figures_are_the_counts_worked_out(tmp_path: Path) -> None:
    path = tmp_path / "day.csv"
    write_csv(sample_report(), path)
    sections = csv_sections(path)
    assert list(sections) == ["Queues", "Agents", "Cases", "Quality flags"]
    header, *rows = sections["Queues"]
    assert header == [
        "Queue", "Interval", "Offered", "Answered", "Abandoned", "Short abandons",
        "Abandon %", "SL %", "SL target %", "ASA (s)", "AHT (s)",
    ]  # fmt: skip
    want = expected_queue_rows()
    assert [(r[0], r[1]) for r in rows] == list(want)
    for row in rows:
        w = want[row[0], row[1]]
        assert [int(row[2]), int(row[3]), int(row[4]), int(row[5])] == [
            w["offered"], w["answered"], w["abandoned"], w["short"],
        ], row  # fmt: skip
        # One decimal in the file.
        assert close(num(row[6]), w["abandon_pct"], 0.05), row
        assert close(num(row[7]), w["sl_pct"], 0.05), row
        assert close(num(row[8]), w["target"], 0.05), row
        assert close(num(row[9]), w["asa"], 0.05), row
        assert close(num(row[10]), w["aht"], 0.05), row
    # The interval without calls: counts 0, nothing made up.
    empty = rows[1]
    assert empty[2:6] == ["0", "0", "0", "0"] and empty[6:8] == ["", ""] and empty[9:] == ["", ""]


def test_csv_agents_cases_and_flags(tmp_path: Path) -> None:
    path = tmp_path / "day.csv"
    write_csv(sample_report(complete=False), path)
    lines = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[0] == ["Day report: 上海分行客服中心, 2026-03-02"]
    assert lines[1] == ["As of 10:31"]  # 02:31 UTC in Shanghai
    sections = csv_sections(path)
    header, *agents = sections["Agents"]
    assert header[:9] == [
        "Agent", "Team", "Calls", "Talk time", "Wrap-up time", "Available time",
        "Handling time", "Not ready time", "Occupancy %",
    ]  # fmt: skip
    assert header[9:] == ["Not ready: lunch", "Not ready: training", "Not ready: no reason"]
    by_name = {r[0]: r for r in agents}
    # 9000 s = 2:30:00, 1200 s = 0:20:00, 3600 = 1:00:00, 10500 = 2:55:00, 1800 = 0:30:00
    assert by_name["王芳"] == [
        "王芳", "A", "30", "2:30:00", "0:20:00", "1:00:00", "2:55:00", "0:30:00", "74.5",
        "0:25:00", "0:00:00", "0:05:00",
    ]  # fmt: skip
    assert by_name["Li Wei"][8] == ""  # occupancy: nothing to count
    assert by_name["Li Wei"][10] == "0:10:00"
    header, *cases = sections["Cases"]
    assert cases == [
        ["信用卡", "12", "9", "2", "1"],
        ["gone", "1", "0", "0", "0"],
        ["All queues", "13", "9", "2", "1"],
    ]
    _, *flags = sections["Quality flags"]
    assert flags == [
        ["All flags", "Raised", "5"],
        ["All flags", "Closed after review", "3"],
        ["Raised, by category", "Compliance and required disclosures", "1"],
        ["Raised, by category", "Courtesy and attitude", "3"],
        ["Raised, by category", "mystery", "1"],
        ["Raised, by severity", "Low", "2"],
        ["Raised, by severity", "High", "3"],
        ["Closed, by outcome", "Confirmed", "2"],
        ["Closed, by outcome", "No issue", "1"],
    ]


def test_xlsx_numbers_are_numbers_and_equal_the_counts_worked_out(tmp_path: Path) -> None:
    path = tmp_path / "day.xlsx"
    write_xlsx(sample_report(), path)
    book = load_workbook(path)
    assert book.sheetnames == ["Queues", "Agents", "Cases", "Quality flags"]
    ws = book["Queues"]
    assert ws.freeze_panes == "A2"
    rows: list[tuple[Any, ...]] = list(ws.iter_rows(min_row=2, values_only=True))
    want = expected_queue_rows()
    assert [(r[0], r[1]) for r in rows] == list(want)
    for row in rows:
        w = want[str(row[0]), str(row[1])]
        assert list(row[2:6]) == [w["offered"], w["answered"], w["abandoned"], w["short"]]
        assert all(isinstance(v, int) for v in row[2:6])
        for got, key in zip(row[6:9], ("abandon_pct", "sl_pct", "target"), strict=True):
            # Percentages are fractions, formatted as percentages.
            assert close(None if got is None else got * 100, w[key], 1e-9), (row, key)
        assert close(row[9], w["asa"], 1e-9) and close(row[10], w["aht"], 1e-9), row
    assert ws.cell(row=2, column=8).number_format == "0.0%"
    assert ws.cell(row=2, column=10).number_format == "0.0"
    assert ws.cell(row=len(rows) + 1, column=1).font.bold  # the centre's total
    assert not ws.cell(row=2, column=1).font.bold
    assert (ws.column_dimensions["A"].width or 0) >= 10

    agents = book["Agents"]
    header, *lines = [
        [str(c) if i == 0 else c for c in r] for i, r in enumerate(agents.iter_rows(values_only=True))
    ]
    first: dict[Any, Any] = dict(zip(header, lines[0], strict=True))
    assert first["Agent"] == "Li Wei"  # team A, by name
    wang: dict[Any, Any] = dict(zip(header, lines[1], strict=True))
    assert wang["Agent"] == "王芳" and wang["Calls"] == 30
    assert wang["Talk time"] == timedelta(seconds=9000)
    assert wang["Not ready: lunch"] == timedelta(seconds=1500)
    assert wang["Not ready: no reason"] == timedelta(seconds=300)
    assert wang["Occupancy %"] == pytest.approx(0.745)
    assert agents.cell(row=3, column=4).number_format == "[h]:mm:ss"

    cases = list(book["Cases"].iter_rows(min_row=2, values_only=True))
    assert cases[-1] == ("All queues", 13, 9, 2, 1)
    flags = list(book["Quality flags"].iter_rows(min_row=2, values_only=True))
    assert flags[0] == ("All flags", "Raised", 5)


def marked(context: str, text: str) -> str:
    """A lookup that marks every text it was asked for, so a word that bypassed it stands out."""
    return f"‹{text}›"


def test_every_word_goes_through_the_lookup(tmp_path: Path) -> None:
    write_csv(sample_report(), tmp_path / "day.csv", marked)
    write_xlsx(sample_report(), tmp_path / "day.xlsx", marked)
    sections = csv_sections(tmp_path / "day.csv")
    lines = list(csv.reader((tmp_path / "day.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert all(line[0].startswith("‹") for line in lines[:3])
    assert all(title.startswith("‹") for title in sections)
    for rows in sections.values():
        assert all(h.startswith("‹") for h in rows[0]), rows[0]
    # Labels translate; names (queues, agents, a category no label knows) are data.
    queues = next(rows for title, rows in sections.items() if "Queues" in title)
    assert queues[4][1] == "‹Day total›" and queues[-1][0] == "‹All queues›"
    flags = next(rows for title, rows in sections.items() if "flags" in title)
    assert [r[1] for r in flags[3:6]] == [
        "‹Compliance and required disclosures›",
        "‹Courtesy and attitude›",
        "mystery",
    ]
    book = load_workbook(tmp_path / "day.xlsx")
    assert all(name.startswith("‹") for name in book.sheetnames)
    assert all(str(c.value).startswith("‹") for ws in book.worksheets for c in ws[1])


def test_flag_labels_in_chinese_are_the_quality_views_own(tmp_path: Path) -> None:
    # The categories' labels are the quality views' texts (context "quality"), already translated.
    write_csv(sample_report(), tmp_path / "day.csv", lookup_in("zh_CN"))
    text = (tmp_path / "day.csv").read_text(encoding="utf-8-sig")
    assert "Courtesy and attitude" not in text
    assert lookup_in("zh_CN")("quality", "Courtesy and attitude") in text


@pytest.mark.parametrize(
    ("name", "fmt"), [("a.pdf", "pdf"), ("A.XLSX", "xlsx"), ("b.csv", "csv"), ("c.txt", None), ("d", None)]
)
def test_format_from_the_extension(name: str, fmt: str | None) -> None:
    assert format_of(name) == fmt


def test_the_ack_carries_the_report_under_its_key() -> None:
    report = sample_report(complete=False)
    assert report_of({"report": msgspec.to_builtins(report)}) == report
    with pytest.raises(ReportFetchError, match="holds no report"):
        report_of({"other": 1})
    with pytest.raises(ReportFetchError, match="malformed"):
        report_of({"report": {"centre": "x"}})
    assert query_args("2026-03-02", 15) == {"day": "2026-03-02", "interval_min": 15}
    with pytest.raises(ValueError, match="one of 15, 30, 60"):
        query_args("2026-03-02", 20)
