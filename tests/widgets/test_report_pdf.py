"""A day report as a PDF through Qt's own writer: it opens, its pages hold the title, the charts'
and the tables' words and figures, in Chinese too (read back with pypdf)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtWidgets import QApplication

from console.widgets.common.report_pdf import write_pdf
from tests.helpers.reports import sample_report


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    # NFKC: the CJK font maps some ideographs to their Kangxi radicals' code points (用 as ⽤).
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Words as the layout broke them, joined with single spaces.
    return len(reader.pages), " ".join(unicodedata.normalize("NFKC", text).split())


def test_the_pdf_opens_and_holds_the_report(qapp: QApplication, tmp_path: Path) -> None:
    path = tmp_path / "day.pdf"
    pages = write_pdf(sample_report(complete=False), path)
    assert path.read_bytes().startswith(b"%PDF-")
    count, text = pdf_text(path)
    # Charts: the centre's and two queues', two to a page; then the tables.
    assert count == pages >= 3
    assert "Day report: 上海分行客服中心, 2026-03-02" in text
    assert "王芳 A 30 2:30:00 0:20:00 1:00:00 2:55:00 0:30:00 74.5%" in text
    # Figures drawn by QPainter on the title page do not all read back (Qt's font subsets map some
    # digits oddly for text extraction); the tables' (QTextDocument) do.
    assert "As of" in text and "Asia/Shanghai" in text
    for word in ("Queues", "Agents", "Cases", "Quality flags", "Offered", "SL target %", "王芳", "信用卡"):
        assert word in text, word
    # The first interval of 信用卡: SL 28/(34+6-1) = 71.8 %, ASA 412.5/34 = 12.1 s; the centre: 74 offered.
    assert "信用卡 09:00–09:30 40 34 6 1 12.8% 71.8% 80.0% 12.1 254.5" in text.replace("‒", "–")
    assert "All queues Day total 74 65 9 3" in text
    assert PdfReader(path).metadata.title == "Day report: 上海分行客服中心, 2026-03-02"  # type: ignore[union-attr]


def test_every_word_of_the_pdf_goes_through_the_lookup(qapp: QApplication, tmp_path: Path) -> None:
    path = tmp_path / "day.pdf"
    write_pdf(sample_report(), path, lambda _context, text: f"«{text}»")
    _, text = pdf_text(path)
    for word in ("«Queues»", "«Offered»", "«SL %»", "«Day total»", "«Complete business day»", "«Agents»"):
        assert word in text, word
