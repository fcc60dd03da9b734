"""A day report as a PDF, through Qt's own writer (QPdfWriter): title, charts, then the tables.

The first pages hold the charts, two to a page: the centre's calls (when there is more than one
queue) and each queue's, per reporting interval the offered, answered and abandoned calls as
bars (left axis) and the service level as a line against the target's dashed line (right axis,
0-100 %). The tables follow (``console.domain.report_tables``, the same as in the CSV and the
spreadsheet), laid out by a QTextDocument over as many pages as they need.

Drawn with QPainter on the PDF device: no screen needed (``QT_QPA_PLATFORM=offscreen`` does),
only a QGuiApplication for the fonts. Chinese needs a CJK font: Noto Sans CJK SC where it is
installed (``fonts-noto-cjk``, as scripts/ensure-test-deps.sh installs), else Qt's fallback.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QPolygonF,
    QTextDocument,
    QTransform,
)

from console.domain.entities import Bucket, DayFigures
from console.domain.figures.queues import add_into
from console.domain.history import DayReport, QueueDay
from console.domain.report_tables import (
    ChartPoint,
    Kind,
    Lookup,
    Table,
    cell_text,
    chart_points,
    hms,
    queues_table,
    report_details,
    report_status,
    report_tables,
    report_title,
    text_in,
)
from console.widgets.common.texts import installed_lookup

#: Preferred families for the report's text, the first one installed wins (CJK first: it has Latin too).
FONT_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "DejaVu Sans",
)
DASH = "–"
RESOLUTION = 96  # device pixels per inch: a pixel here is a pixel on a screen

OFFERED_COLOR = QColor("#2563eb")
ANSWERED_COLOR = QColor("#2f9e44")
ABANDONED_COLOR = QColor("#e03131")
SL_COLOR = QColor("#7c3aed")
TARGET_COLOR = QColor("#e8890c")


def report_font_family() -> str:
    families = set(QFontDatabase.families())
    return next((f for f in FONT_FAMILIES if f in families), QFont().family())


def pdf_value(cell: object, kind: Kind, lookup: Lookup) -> str:
    if cell is None:
        return DASH
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if kind is Kind.PERCENT:
            return f"{cell:.1f}%"
        if kind is Kind.SECONDS:
            return f"{cell:.1f}"
        if kind is Kind.DURATION:
            return hms(cell)
        if kind is Kind.COUNT:
            return str(int(cell))
    return cell_text(cell, lookup)  # type: ignore[arg-type]


def tables_html(tables: Sequence[Table], lookup: Lookup) -> str:
    parts = [
        "<style>table { border-collapse: collapse; } th { background: #e5e7eb; }"
        " td, th { padding: 2px 4px; } td.n { text-align: right; } tr.total td { font-weight: bold; }</style>"
    ]
    for table in tables:
        parts.append(f"<h3>{html.escape(text_in(table.title, lookup))}</h3>")
        parts.append('<table border="1" cellspacing="0" width="100%"><thead><tr>')
        parts += [f"<th>{html.escape(text_in(c.header, lookup))}</th>" for c in table.columns]
        parts.append("</tr></thead>")
        for i, row in enumerate(table.rows):
            parts.append('<tr class="total">' if i in table.total_rows else "<tr>")
            for value, column in zip(row, table.columns, strict=True):
                css = "" if column.kind is Kind.TEXT else ' class="n"'
                text = html.escape(pdf_value(value, column.kind, lookup))
                parts.append(f"<td{css}>{'<b>' + text + '</b>' if i in table.total_rows else text}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    return "".join(parts)


def _centre_queue(report: DayReport) -> QueueDay:
    """Every queue's intervals added up, as one queue (for the centre's chart)."""
    by_start: dict[str, Bucket] = {}
    for q in report.queues:
        for b in q.intervals:
            total = by_start.setdefault(b.start, Bucket(start=b.start))
            add_into(total, b)
    target = max((q.sl_target_pct for q in report.queues), default=0.0)
    return QueueDay(
        queue_id="",
        name="",
        sl_threshold_s=0.0,
        sl_target_pct=target,
        total=DayFigures(),
        intervals=[by_start[k] for k in sorted(by_start)],
    )


def draw_chart(
    painter: QPainter,
    rect: QRectF,
    *,
    title: str,
    points: Sequence[ChartPoint],
    target_pct: float | None,
    legend: Sequence[str],
) -> None:
    """Bars of offered, answered and abandoned calls per interval, the SL line against its target."""
    painter.save()
    font = painter.font()
    metrics_h = painter.fontMetrics().height()
    title_font = QFont(font)
    title_font.setBold(True)
    painter.setFont(title_font)
    painter.setPen(Qt.GlobalColor.black)
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), metrics_h * 1.4), title)
    painter.setFont(font)
    # Legend under the title.
    x = rect.left()
    y = rect.top() + metrics_h * 1.5
    colors = (OFFERED_COLOR, ANSWERED_COLOR, ABANDONED_COLOR, SL_COLOR, TARGET_COLOR)
    for text, color in zip(legend, colors, strict=True):
        painter.fillRect(QRectF(x, y + metrics_h * 0.25, metrics_h * 0.6, metrics_h * 0.6), color)
        x += metrics_h * 0.9
        painter.drawText(QPointF(x, y + metrics_h * 0.8), text)
        x += painter.fontMetrics().horizontalAdvance(text) + metrics_h
    plot = QRectF(
        rect.left() + metrics_h * 3,
        y + metrics_h * 1.6,
        rect.width() - metrics_h * 6,
        rect.bottom() - (y + metrics_h * 1.6) - metrics_h * 1.6,
    )
    painter.setPen(QPen(QColor("#9ca3af"), 1))
    painter.drawRect(plot)
    top_count = max([p.offered for p in points] + [1])
    # Axis labels: counts on the left, percentages on the right.
    painter.setPen(Qt.GlobalColor.black)
    for frac in (0.0, 0.5, 1.0):
        yy = plot.bottom() - frac * plot.height()
        painter.drawText(
            QRectF(rect.left(), yy - metrics_h / 2, metrics_h * 2.8, metrics_h),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            str(round(top_count * frac)),
        )
        painter.drawText(
            QRectF(plot.right() + metrics_h * 0.2, yy - metrics_h / 2, metrics_h * 2.8, metrics_h),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            f"{round(100 * frac)}%",
        )
    n = len(points)
    if n:
        slot = plot.width() / n
        bar = slot * 0.8 / 3
        every = max(1, int(n * painter.fontMetrics().horizontalAdvance("00:00 ") / plot.width()) + 1)
        sl_runs: list[list[QPointF]] = [[]]  # the line breaks at an interval without calls
        for i, p in enumerate(points):
            left = plot.left() + i * slot + slot * 0.1
            for j, (value, color) in enumerate(
                ((p.offered, OFFERED_COLOR), (p.answered, ANSWERED_COLOR), (p.abandoned, ABANDONED_COLOR))
            ):
                h = plot.height() * value / top_count
                painter.fillRect(QRectF(left + j * bar, plot.bottom() - h, bar, h), color)
            if p.sl_pct is not None:
                x_mid = plot.left() + (i + 0.5) * slot
                sl_runs[-1].append(QPointF(x_mid, plot.bottom() - plot.height() * p.sl_pct / 100))
            elif sl_runs[-1]:
                sl_runs.append([])
            if i % every == 0:
                painter.setPen(Qt.GlobalColor.black)
                painter.drawText(QPointF(plot.left() + i * slot, plot.bottom() + metrics_h), p.label)
        if target_pct is not None:
            painter.setPen(QPen(TARGET_COLOR, 1.5, Qt.PenStyle.DashLine))
            yy = plot.bottom() - plot.height() * target_pct / 100
            painter.drawLine(QPointF(plot.left(), yy), QPointF(plot.right(), yy))
        painter.setPen(QPen(SL_COLOR, 2))
        painter.setBrush(SL_COLOR)
        for run in sl_runs:
            painter.drawPolyline(QPolygonF(run))
            for point in run:
                painter.drawEllipse(point, 2.5, 2.5)
    painter.restore()


def write_pdf(report: DayReport, path: str | Path, lookup: Lookup | None = None) -> int:
    """Write the report to ``path``; the number of pages. Needs a QGuiApplication."""
    find = lookup or installed_lookup
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(12, 12, 12, 12),
            QPageLayout.Unit.Millimeter,
        )
    )
    title = text_in(report_title(report), find)
    writer.setTitle(title)
    writer.setCreator("bank-supervisor-console")
    family = report_font_family()
    painter = QPainter(writer)
    pages = 1
    try:
        width, height = float(writer.width()), float(writer.height())
        font = QFont(family, 9)
        painter.setFont(font)
        line = painter.fontMetrics().height()
        big = QFont(family, 16)
        big.setBold(True)
        painter.setFont(big)
        head_h = painter.fontMetrics().height()
        painter.drawText(QRectF(0, 0, width, head_h * 1.2), int(Qt.AlignmentFlag.AlignHCenter), title)
        painter.setFont(font)
        status = f"{text_in(report_status(report), find)} · {text_in(report_details(report), find)}"
        painter.drawText(
            QRectF(0, head_h * 1.3, width, line * 1.2), int(Qt.AlignmentFlag.AlignHCenter), status
        )
        top = head_h * 1.3 + line * 2

        columns = queues_table(report).columns
        legend = [text_in(columns[i].header, find) for i in (2, 3, 4, 7, 8)]
        charts: list[tuple[str, QueueDay]] = []
        if len(report.queues) > 1:
            charts.append((text_in(queues_table(report).rows[-1][0], find), _centre_queue(report)))  # type: ignore[arg-type]
        charts += [(q.name, q) for q in report.queues]
        slot_h = (height - top) / 2
        slot = 0
        for name, queue in charts:
            if slot == 2:
                writer.newPage()
                pages += 1
                top, slot = 0.0, 0
                slot_h = height / 2
            rect = QRectF(0, top + slot * slot_h, width, slot_h - line)
            draw_chart(
                painter,
                rect,
                title=name,
                points=chart_points(queue, report),
                target_pct=queue.sl_target_pct or None,
                legend=legend,
            )
            slot += 1

        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(writer)
        doc.setDefaultFont(QFont(family, 8))
        doc.setHtml(tables_html(report_tables(report), find))
        doc.setPageSize(QSizeF(width, height))
        for page in range(doc.pageCount()):
            writer.newPage()
            pages += 1
            painter.save()
            painter.setTransform(QTransform.fromTranslate(0, -page * height), combine=True)
            doc.drawContents(painter, QRectF(0, page * height, width, height))
            painter.restore()
    finally:
        painter.end()
    return pages
