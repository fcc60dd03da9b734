"""Filter combos that follow live choices (teams, queues, agents) without losing the user's pick."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox


def refill(combo: QComboBox, items: list[tuple[str, str | None]], current: str | None) -> None:
    """Replace a combo's choices when they changed, keeping the current choice (even if gone)."""
    if current is not None and all(data != current for _, data in items):
        items = [*items, (current, current)]
    have = [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]
    if have == items:
        return
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    select_data(combo, current)
    combo.blockSignals(False)


def select_data(combo: QComboBox, data: str | None) -> None:
    """Show the item whose data is ``data`` (None: the first, "all", item) without emitting signals."""
    i = combo.findData(data) if data is not None else 0
    if i < 0:  # a filter set in code to a value the combo does not offer yet
        combo.blockSignals(True)
        combo.addItem(data or "", data)
        combo.blockSignals(False)
        i = combo.count() - 1
    if combo.currentIndex() != i:
        combo.blockSignals(True)
        combo.setCurrentIndex(i)
        combo.blockSignals(False)


def shrinkable(combo: QComboBox, chars: int = 5) -> QComboBox:
    """Let a filter combo shrink to ``chars`` characters (its drop-down still shows each choice whole).

    A row of filters at their full texts would set the window's width; put the combo in its row
    with a stretch factor so that it takes its full width again where there is room.
    """
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return combo
