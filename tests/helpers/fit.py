"""Is a text shown whole? Measured on the widgets, in their fonts (the wall display's labels, tables).

``text_width`` is what a text needs in a font (its advance and its ink, whichever is wider).
``cut_cells`` names the cells and column titles of a table that are cut to "…" or lie outside its
viewport: a cell needs its text in its font, the style's margins and its icon (what the item
delegate asks for; never less than the text's own width), a title its header's size hint.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QStyleOptionViewItem, QTableView


def text_width(font: QFont, text: str) -> int:
    fm = QFontMetrics(font)
    return max(fm.horizontalAdvance(text), fm.boundingRect(text).width())


def cell_width_needed(view: QTableView, row: int, column: int) -> tuple[int, str]:
    """The width the cell at (row, column) needs to be drawn whole, and its text."""
    model = view.model()
    index = model.index(row, column)
    text = str(model.data(index, Qt.ItemDataRole.DisplayRole) or "")
    font = model.data(index, Qt.ItemDataRole.FontRole)
    font = font if isinstance(font, QFont) else view.font()
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    hint = view.itemDelegateForIndex(index).sizeHint(option, index).width()
    grid = 1 if view.showGrid() else 0
    return max(hint, text_width(font, text)) + grid, text


def cut_cells(view: QTableView, columns: Iterable[int]) -> list[str]:
    """What is not shown whole in ``columns`` (every row, and the titles): empty when all is.

    A column shows what fits in its section and inside the viewport (a last section stretched to
    fill the viewport may reach past it).
    """
    header = view.horizontalHeader()
    model = view.model()
    room = view.viewport().width()
    cut: list[str] = []
    for column in columns:
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "").replace("\n", " ")
        left = header.sectionViewportPosition(column)
        shown = min(header.sectionSize(column), room - left)
        if header.isSectionHidden(column) or left < 0 or shown <= 0:
            cut.append(f"{title!r}: at {left}, outside the viewport's {room} px")
            continue
        if shown < header.sectionSizeHint(column):
            cut.append(f"{title!r}: title needs {header.sectionSizeHint(column)} px, has {shown}")
        for row in range(model.rowCount()):
            need, text = cell_width_needed(view, row, column)
            if need > shown:
                cut.append(f"{title!r} row {row}: {text!r} needs {need} px, has {shown}")
                break
    return cut
