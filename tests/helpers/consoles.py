"""Consoles on a real gateway for pytest-qt tests: a LiveFeed and a MainWindow each, stopped at the end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from console.application.live import LiveFeed
from console.domain.permissions import Role
from console.widgets.main_window import MainWindow
from tests.helpers.gateway import token
from tests.helpers.network import FAST


class Consoles:
    """Opens consoles and stops their feeds at the end."""

    def __init__(self, qtbot: QtBot, tmp_path: Path) -> None:
        self.qtbot = qtbot
        self.tmp_path = tmp_path
        self.feeds: list[LiveFeed] = []

    def open(
        self,
        url: str,
        role: Role = Role.SUPERVISOR,
        *,
        name: str | None = None,
        save_on_close: bool = True,
        before_start: Callable[[MainWindow], None] | None = None,
    ) -> MainWindow:
        """A shown 1400x900 console with its own settings file (``name``, default the role's)."""
        feed = LiveFeed(url, token(role), backoff=FAST)
        self.feeds.append(feed)
        settings = self.tmp_path / f"{name or role.value}.ini"
        window = MainWindow(feed, settings_path=settings, save_on_close=save_on_close)
        self.qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
        if before_start is not None:
            before_start(window)
        feed.start()
        return window

    def close(self) -> None:
        for feed in self.feeds:
            feed.stop()


@pytest.fixture
def consoles(qtbot: QtBot, tmp_path: Path) -> Iterator[Consoles]:
    c = Consoles(qtbot, tmp_path)
    yield c
    c.close()
