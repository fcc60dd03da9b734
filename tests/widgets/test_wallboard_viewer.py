"""The wall display on a viewer's token, against a real gateway: figures, not content, and every tile.

A viewer is sent no callers, case subjects or customers, flag notes or action
arguments (``console.feeds.gateway.redaction``); the board needs none of them.
Here a board on a viewer's token and one on an admin's, on the same gateway
frozen at the same moment, show the very same text on every tile.
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from console.application.live import LiveFeed
from console.domain.permissions import Role
from console.domain.wallboard import default_layout
from console.widgets.common.fmt import DASH
from console.widgets.wallboard.tiles import BreachesTile, QueueTile, WallTile
from console.widgets.wallboard.window import WallboardWindow
from tests.helpers.gateway import GatewayThread, freeze, head, make_config, token
from tests.helpers.network import FAST


def tile_texts(tile: WallTile) -> list[str]:
    if isinstance(tile, QueueTile):
        return [tile.values[k].text() for k in sorted(tile.values)]
    if isinstance(tile, BreachesTile):
        lines = zip(tile.firsts, tile.seconds, strict=True)
        return [tile.count.text()] + [f"{a.text()} | {b.text()}" for a, b in lines]
    return []


def board_texts(board: WallboardWindow) -> list[list[str]]:
    return [tile_texts(t) for page in board.pages for t in page.tiles]


def test_a_viewers_wallboard_shows_every_tile_as_an_admins_does(qtbot: QtBot, tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path)) as gw:
        boards: dict[Role, WallboardWindow] = {}
        feeds: dict[Role, LiveFeed] = {}
        for role in (Role.VIEWER, Role.ADMIN):
            feed = LiveFeed(gw.url, token(role), backoff=FAST)
            board = WallboardWindow(feed, default_layout())
            qtbot.addWidget(board)
            board.resize(1280, 720)
            board.show()
            feed.start()
            feeds[role], boards[role] = feed, board
        try:
            viewer, admin = feeds[Role.VIEWER], feeds[Role.ADMIN]
            qtbot.waitUntil(lambda: len(viewer.state.cases) > 0 and viewer.state.seq > 300, timeout=30_000)
            freeze(gw)
            last = head(gw)
            qtbot.waitUntil(lambda: viewer.state.seq == last == admin.state.seq, timeout=20_000)
            qtbot.waitUntil(lambda: viewer.feed_clock_ms() == admin.feed_clock_ms(), timeout=10_000)
            # The viewer has the floor's figures and its cases' deadlines, none of their content.
            assert set(viewer.state.cases) == set(admin.state.cases)
            assert all(c.subject == "" and c.customer == "" for c in viewer.state.cases.values())
            assert any(c.subject for c in admin.state.cases.values())
            assert all(c.caller == "" for c in viewer.state.calls.values())
            for board in boards.values():
                board.refresh()
            texts = board_texts(boards[Role.VIEWER])
            queue_tiles = [t for t in boards[Role.VIEWER].pages[0].tiles if isinstance(t, QueueTile)]
            assert len(queue_tiles) == len(viewer.state.queues) + 1  # every queue and the summary
            assert all(t.values["waiting"].text() != DASH for t in queue_tiles)
            assert any(isinstance(t, BreachesTile) for p in boards[Role.VIEWER].pages for t in p.tiles)
            assert texts == board_texts(boards[Role.ADMIN])
        finally:
            for feed in feeds.values():
                feed.stop()
