"""A day report as a CSV file or a spreadsheet (XLSX, through openpyxl), in the reader's language.

Both render ``console.domain.report_tables`` (the PDF is ``console.widgets.common.report_pdf``):

- CSV: one file, its sections one after another (the section's title on a line of its own, the
  header line, the rows, an empty line), UTF-8 with a byte-order mark so that Excel on a Chinese
  Windows opens it right. Counts as whole numbers, percentages and average seconds with one
  decimal (no % sign), times spent as ``h:mm:ss``; nothing counted is an empty cell.
- XLSX: one sheet per section (Queues, Agents, Cases, Flags, named in the reader's language),
  numbers as numbers, percentages as fractions formatted ``0.0%``, times spent as durations
  formatted ``[h]:mm:ss``, totals in bold, the header row frozen, columns wide enough.

``lookup`` translates (``console.widgets.common.language.lookup_in(code)``); without one the
report is in English. No Qt.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from console.domain.history import DayReport
from console.domain.report_tables import (
    Cell,
    Kind,
    Lookup,
    Table,
    cell_text,
    english,
    hms,
    report_details,
    report_status,
    report_tables,
    report_title,
    text_in,
)

#: Report file formats, by file extension.
FORMATS = ("pdf", "xlsx", "csv")


def format_of(path: str | Path) -> str | None:
    """The format a file name asks for (``pdf``, ``xlsx``, ``csv``), None for another extension."""
    ext = Path(path).suffix.lower().lstrip(".")
    return ext if ext in FORMATS else None


def csv_value(cell: Cell, kind: Kind, lookup: Lookup = english) -> str:
    if cell is None:
        return ""
    if kind is Kind.COUNT and isinstance(cell, int | float):
        return str(int(cell))
    if kind in (Kind.PERCENT, Kind.SECONDS) and isinstance(cell, int | float):
        return f"{cell:.1f}"
    if kind is Kind.DURATION and isinstance(cell, int | float):
        return hms(cell)
    return cell_text(cell, lookup)


def csv_rows(report: DayReport, lookup: Lookup = english) -> list[list[str]]:
    """The CSV file's lines: the report's title lines, then each section."""
    rows: list[list[str]] = [
        [text_in(report_title(report), lookup)],
        [text_in(report_status(report), lookup)],
        [text_in(report_details(report), lookup)],
        [],
    ]
    for table in report_tables(report):
        rows.append([text_in(table.title, lookup)])
        rows.append([text_in(c.header, lookup) for c in table.columns])
        for row in table.rows:
            rows.append([csv_value(v, c.kind, lookup) for v, c in zip(row, table.columns, strict=True)])
        rows.append([])
    return rows


def write_csv(report: DayReport, path: str | Path, lookup: Lookup = english) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(csv_rows(report, lookup))


# -- XLSX --------------------------------------------------------------------------------------------

_NUMBER_FORMATS = {
    Kind.COUNT: "0",
    Kind.PERCENT: "0.0%",
    Kind.SECONDS: "0.0",
    Kind.DURATION: "[h]:mm:ss",
}
_WIDTHS = {Kind.TEXT: 14, Kind.COUNT: 10, Kind.PERCENT: 10, Kind.SECONDS: 10, Kind.DURATION: 12}


def xlsx_value(cell: Cell, kind: Kind, lookup: Lookup = english) -> str | int | float | timedelta | None:
    """What a spreadsheet cell holds: numbers as numbers, a percentage as its fraction."""
    if cell is None:
        return None
    if isinstance(cell, int | float):
        if kind is Kind.PERCENT:
            return cell / 100.0
        if kind is Kind.DURATION:
            return timedelta(seconds=round(cell))
        if kind is Kind.COUNT:
            return int(cell)
        return cell
    return cell_text(cell, lookup)


def _text_width(text: str) -> int:
    # A CJK character takes about two columns' width.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _fill_sheet(ws: Worksheet, table: Table, lookup: Lookup) -> None:
    bold = Font(bold=True)
    headers = [text_in(c.header, lookup) for c in table.columns]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [
        max(_WIDTHS[c.kind], min(_text_width(h) + 2, 30)) for c, h in zip(table.columns, headers, strict=True)
    ]
    for i, row in enumerate(table.rows):
        values = [xlsx_value(v, c.kind, lookup) for v, c in zip(row, table.columns, strict=True)]
        ws.append(values)
        r = i + 2
        for j, (value, column) in enumerate(zip(values, table.columns, strict=True)):
            cell = ws.cell(row=r, column=j + 1)
            if column.kind in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[column.kind]
            if i in table.total_rows:
                cell.font = bold
            if isinstance(value, str):
                widths[j] = max(widths[j], min(_text_width(value) + 2, 40))
    for j, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(j + 1)].width = width
    ws.freeze_panes = "A2"


def workbook(report: DayReport, lookup: Lookup = english) -> Workbook:
    book = Workbook()
    first = True
    for table in report_tables(report):
        if first:
            ws = book.active
            first = False
        else:
            ws = book.create_sheet()
        assert isinstance(ws, Worksheet)
        # Sheet names: at most 31 characters, none of []:*?/\ (the titles have none).
        ws.title = text_in(table.title, lookup)[:31]
        _fill_sheet(ws, table, lookup)
    book.properties.title = text_in(report_title(report), lookup)
    book.properties.subject = text_in(report_status(report), lookup)
    return book


def write_xlsx(report: DayReport, path: str | Path, lookup: Lookup = english) -> None:
    workbook(report, lookup).save(path)
