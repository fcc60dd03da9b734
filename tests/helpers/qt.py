"""Qt helpers for the views' tests: reading a table's rows, counting model resets, dropping on a view."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

DISPLAY = Qt.ItemDataRole.DisplayRole


class Resets:
    """Counts modelReset of every model handed to it."""

    def __init__(self, *models: QAbstractItemModel) -> None:
        self.count = 0
        for m in models:
            m.modelReset.connect(self._reset)

    def _reset(self) -> None:
        self.count += 1


def texts(model: QAbstractItemModel, row: int) -> list[str]:
    """What ``row`` of ``model`` displays, cell by cell."""
    return [str(model.data(model.index(row, c), DISPLAY)) for c in range(model.columnCount())]


def drop_on(view: Any, index: QModelIndex, mime: Any) -> QDropEvent:
    """Drag enter, move and drop over ``index``'s row, as a user's drag ends."""
    pos = QPointF(view.visualRect(index).center())
    for cls in (QDragEnterEvent, QDragMoveEvent):
        ev = cls(
            pos.toPoint(),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(view.viewport(), ev)
    drop = QDropEvent(
        pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(view.viewport(), drop)
    return drop
