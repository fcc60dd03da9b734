"""Every word through Qt's translation: a translator that marks what it translated, and what a user reads.

A test installs ``PseudoTranslator``, builds a view and checks that every text
``shown_texts`` finds carries ``MARK``: a text without it never went through ``tr``.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTranslator
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QWidget,
)

#: What the pseudo-translator puts before every string it translated.
MARK = "‹"


class PseudoTranslator(QTranslator):
    """Wraps every translated string in ‹…›, so untranslated text stands out."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return f"{MARK}{source}›"

    def isEmpty(self) -> bool:
        return False


#: Texts that are data (figures, times), not words: nothing to translate.
DATA_ONLY = re.compile(r"^[\d\s.,:%—–\-]*$")


def shown_texts(root: QWidget) -> list[tuple[str, str]]:
    """Every word a user can read in ``root``: labels, buttons, menus, titles, headers, first combo items."""
    out: list[tuple[str, str]] = [("window title", root.windowTitle())]
    out += [(f"label {w.objectName()}", w.text()) for w in root.findChildren(QLabel)]
    out += [(f"button {w.objectName()}", w.text()) for w in root.findChildren(QAbstractButton)]
    out += [("group box", w.title()) for w in root.findChildren(QGroupBox)]
    out += [("dock", w.windowTitle()) for w in root.findChildren(QDockWidget)]
    out += [("menu", w.title()) for w in root.findChildren(QMenu)]
    out += [("action", a.text()) for a in root.findChildren(QAction) if not a.isSeparator()]
    out += [(f"combo {w.objectName()}", w.itemText(0)) for w in root.findChildren(QComboBox)]
    out += [(f"search {w.objectName()}", w.placeholderText()) for w in root.findChildren(QLineEdit)]
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if isinstance(view, QTableView) and model is not None:
            for c in range(model.columnCount()):
                out.append(
                    (f"header {view.objectName()}", str(model.headerData(c, Qt.Orientation.Horizontal)))
                )
    # Data, not words: a time of day, and the feed client's reason (from a module without Qt).
    data = {"label value_clock", "label value_last_error"}
    return [(where, text) for where, text in out if text and not DATA_ONLY.match(text) and where not in data]
