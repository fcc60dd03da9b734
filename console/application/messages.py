"""What views and controllers have to tell the user in passing, on its way to the status bar.

One ``MessageBridge`` per window (in the spirit of qutebrowser's message
bridge): the window makes it, hands it to whoever reports (the work and quality
controllers, the call history, the review queue) and connects it once to its
status bar. Not a global: two consoles may run in one process (the tests do),
and each shows only its own messages.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class MessageBridge(QObject):
    """Status messages of one window: ``show`` them here, the window's status bar listens to ``shown``."""

    shown = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last = ""  # the latest message (tests read it; the status bar may have timed it out)

    def show(self, text: str) -> None:
        self.last = text
        self.shown.emit(text)
