"""What a console and a wall display show while the gateway's store is unavailable.

A real gateway whose SQLite file is on a small tmpfs that fills up: the gateway holds the
feed and says so in its heartbeats; the console's banner shows "Store unavailable since …
— reason; figures are held" (styled like STALE), the status bar says so, and the wall
display is covered likewise. Space again: everything clears by itself.
"""

from __future__ import annotations

import re
from pathlib import Path

from pytestqt.qtbot import QtBot

from console.application.live import LiveFeed
from console.domain.permissions import Role
from console.domain.wallboard import default_layout
from console.widgets.wallboard.window import WallboardWindow
from tests.helpers.consoles import Consoles
from tests.helpers.gateway import GatewayThread, make_config, token
from tests.helpers.network import FAST
from tests.helpers.outages import fill, small_tmpfs

__all__ = ["small_tmpfs"]  # fixtures, imported so pytest finds them here


def test_the_banner_and_the_wall_display_say_the_store_is_unavailable_and_clear_when_it_is_back(
    qtbot: QtBot, consoles: Consoles, small_tmpfs: Path
) -> None:
    config = make_config(small_tmpfs, db_url=f"sqlite:///{small_tmpfs / 'gateway.db'}", heartbeat_s=0.2)
    with GatewayThread(config) as gw:
        window = consoles.open(gw.url, name="held")
        wall_feed = LiveFeed(gw.url, token(Role.VIEWER), backoff=FAST)
        board = WallboardWindow(wall_feed, default_layout())
        qtbot.addWidget(board)
        board.resize(1280, 720)
        board.show()
        wall_feed.start()
        try:
            qtbot.waitUntil(lambda: window.feed.state.seq > 50 and wall_feed.state.seq > 50, timeout=15_000)
            qtbot.waitUntil(lambda: not window.banner.stale and not board.overlay.stale, timeout=5_000)
            filler = fill(small_tmpfs)
            # Held: shown like STALE, with when and why, while the connection stays up.
            qtbot.waitUntil(lambda: window.banner.held, timeout=10_000)
            banner = window.banner
            assert banner.isVisible() and banner.stale
            title = banner.title.text()
            assert re.match(
                r"Store unavailable since \d\d:\d\d:\d\d \S+ — .*full.*; figures are held", title
            ), title
            assert "NOT live" in banner.detail.text() and "refused" in banner.detail.text()
            assert window.windowTitle().startswith("STALE")
            # The status bar refreshes on its own timer: it says so within a turn of it.
            qtbot.waitUntil(
                lambda: "store is unavailable; figures are held" in window.status.connection.text(),
                timeout=5_000,
            )
            qtbot.waitUntil(lambda: board.overlay.stale, timeout=10_000)
            assert board.overlay.title.text().startswith("Store unavailable since")
            assert "NOT live" in board.overlay.age.text()
            # Space again: the gateway carries on by itself, and the notices go.
            filler.unlink()
            qtbot.waitUntil(lambda: not window.banner.stale and not board.overlay.stale, timeout=15_000)
            assert window.banner.isHidden() and not window.banner.held
            assert not window.windowTitle().startswith("STALE")
            qtbot.waitUntil(lambda: "unavailable" not in window.status.connection.text(), timeout=5_000)
            assert "Connected to" in window.status.connection.text()
            seq = window.feed.state.seq
            qtbot.waitUntil(lambda: window.feed.state.seq > seq + 20, timeout=15_000)
        finally:
            wall_feed.stop()
