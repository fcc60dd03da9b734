"""The console's main window against a real gateway on 127.0.0.1 (pytest-qt, offscreen).

A gateway in a background thread serves the simulated bank; consoles connect
over real websockets. Figures are compared once the gateway's simulator is
frozen, so every console has reached the same seq and the same feed clock.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot

from console.domain.clock import iso, to_ms
from console.domain.entities import SlDefinition
from console.domain.events import make_event
from console.domain.permissions import Role
from console.feeds.client import Backoff
from console.feeds.gateway import GatewayConfig
from console.feeds.scenario import load_scenario, resolve_scenario
from console.feeds.simulator import Simulator
from console.live import LiveFeed
from console.widgets.diagnostics import DiagnosticsDialog
from console.widgets.main_window import MainWindow
from console.widgets.source import FloorSource
from console.widgets.theme import current_theme
from tests.support import START, GatewayThread, make_config, normalized, token

FAST = Backoff(initial_s=0.05, max_s=0.3, refused_initial_s=0.1, refused_max_s=0.3)
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def freeze(gw: GatewayThread) -> None:
    """Stop the gateway's simulator (heartbeats go on): every console can then catch up exactly."""

    def stop_sim() -> None:
        sim = gw.gateway.sim
        assert sim is not None
        sim.advance = lambda until_ms: []  # type: ignore[method-assign]

    gw.call(stop_sim)


def head(gw: GatewayThread) -> int:
    return gw.call(lambda: gw.gateway.committed_seq)


def table(window: MainWindow) -> list[list[str]]:
    """What the queue overview's model displays, cell by cell."""
    model = window.queues.model
    display = Qt.ItemDataRole.DisplayRole
    return [
        [str(model.data(model.index(r, c, QModelIndex()), display)) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


class Consoles:
    """Opens consoles (LiveFeed + MainWindow) and stops their feeds at the end."""

    def __init__(self, qtbot: QtBot, tmp_path: Path) -> None:
        self.qtbot = qtbot
        self.tmp_path = tmp_path
        self.feeds: list[LiveFeed] = []

    def open(self, url: str, name: str = "a", role: Role = Role.SUPERVISOR) -> MainWindow:
        feed = LiveFeed(url, token(role), backoff=FAST)
        self.feeds.append(feed)
        window = MainWindow(feed, settings_path=self.tmp_path / f"{name}.ini")
        self.qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
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


@pytest.fixture
def config(tmp_path: Path) -> GatewayConfig:
    # A fixed port, so a restarted gateway is found at the same address.
    return make_config(tmp_path, port=free_port())


def wait_for_floor(qtbot: QtBot, window: MainWindow) -> None:
    feed = window.feed
    qtbot.waitUntil(
        lambda: (
            len(feed.state.queues) > 0
            and window.queues.model.rowCount() >= len(feed.state.queues)
            and window.agents.model.rowCount() > 0
        ),
        timeout=15_000,
    )


def test_consoles_show_the_floor_live_and_agree_at_the_same_seq(
    qtbot: QtBot, consoles: Consoles, config: GatewayConfig
) -> None:
    with GatewayThread(config) as gw:
        a = consoles.open(gw.url, "a")
        b = consoles.open(gw.url, "b", Role.VIEWER)
        wait_for_floor(qtbot, a)
        wait_for_floor(qtbot, b)
        assert a.agents.model.rowCount() == len(a.feed.state.agents)
        assert not a.banner.stale and a.banner.isHidden()
        assert gw.url in a.status.connection.text()
        assert "supervisor1 · supervisor" in a.status.user.text()
        assert "Retail Bank" in a.windowTitle()

        # The charts draw from their own timer: after a few seconds every series has data.
        charts = a.charts
        qtbot.waitUntil(
            lambda: (
                charts.redraws > 2
                and all(len(c.xData if c.xData is not None else []) > 2 for c in charts.state_curves.values())
                and any(len(c.xData if c.xData is not None else []) > 2 for c in charts.queue_curves.values())
                and any(len(bar.opts["height"]) > 0 for bar in (*charts.sl_bars.values(), charts.sl_current))
            ),
            timeout=15_000,
        )
        assert set(charts.queue_curves) == set(a.feed.state.queues)

        dialog = a.show_diagnostics()
        assert isinstance(dialog, DiagnosticsDialog)
        qtbot.waitUntil(
            lambda: dialog.counts()["frames"] > 0 and dialog.counts()["events"] > 0, timeout=5_000
        )
        assert dialog.counts()["bad_frames"] == 0 and dialog.counts()["sequence_errors"] == 0
        dialog.close()

        freeze(gw)
        qtbot.waitUntil(lambda: a.feed.state.seq == b.feed.state.seq == head(gw), timeout=15_000)
        qtbot.waitUntil(lambda: a.feed.feed_clock_ms() == b.feed.feed_clock_ms(), timeout=5_000)
        assert normalized(a.feed.state) == normalized(b.feed.state)
        qtbot.waitUntil(lambda: table(a) == table(b), timeout=5_000)
        assert len(table(a)) >= len(a.feed.state.queues) and len(table(a)[0]) > 5

        # Connected but silent (the gateway's loop stalls): STALE after 3 s, gone when frames flow again.
        gw.loop.call_soon_threadsafe(time.sleep, 4.5)
        qtbot.waitUntil(lambda: a.banner.stale, timeout=4_500)
        assert "has sent nothing" in a.banner.detail.text()
        qtbot.waitUntil(lambda: not a.banner.stale, timeout=5_000)


def test_stale_banner_on_gateway_loss_and_no_double_count_after_reconnect(
    qtbot: QtBot, consoles: Consoles, config: GatewayConfig
) -> None:
    gw = GatewayThread(config)
    with gw:
        a = consoles.open(gw.url, "a")
        wait_for_floor(qtbot, a)
        qtbot.waitUntil(lambda: a.feed.state.seq > 200, timeout=15_000)
        url = gw.url
    # The gateway is gone: the banner says so within ~4 s, with the address and the reason.
    qtbot.waitUntil(lambda: a.banner.stale, timeout=4_500)
    assert not a.banner.isHidden()
    assert "STALE" in a.banner.title.text()
    assert url in a.banner.detail.text() and "NOT live" in a.banner.detail.text()
    assert a.windowTitle().startswith("STALE")
    qtbot.waitUntil(
        lambda: "Disconnected" in a.status.connection.text() or "Connecting" in a.status.connection.text(),
        timeout=3_000,
    )
    seen = a.feed.state.seq

    # Back on the same port and database: the banner goes, and the console resumes where it was.
    with GatewayThread(config) as gw2:
        qtbot.waitUntil(lambda: not a.banner.stale, timeout=15_000)
        assert a.banner.isHidden() and not a.windowTitle().startswith("STALE")
        qtbot.waitUntil(lambda: a.feed.state.seq > seen + 50, timeout=15_000)
        assert consoles.feeds[0].status.reconnects >= 1
        freeze(gw2)
        fresh = consoles.open(gw2.url, "fresh", Role.VIEWER)
        qtbot.waitUntil(lambda: a.feed.state.seq == fresh.feed.state.seq == head(gw2), timeout=15_000)
        qtbot.waitUntil(lambda: a.feed.feed_clock_ms() == fresh.feed.feed_clock_ms(), timeout=5_000)
        # Nothing counted twice: the console that lived through the restart shows what a fresh one shows.
        assert normalized(a.feed.state) == normalized(fresh.feed.state)
        qtbot.waitUntil(lambda: table(a) == table(fresh), timeout=5_000)


def test_an_unreachable_gateway_is_said_plainly(qtbot: QtBot, consoles: Consoles) -> None:
    url = f"ws://127.0.0.1:{free_port()}"
    window = consoles.open(url)
    qtbot.waitUntil(lambda: window.banner.stale and "refused" in window.banner.detail.text(), timeout=4_000)
    assert url in window.banner.title.text()
    qtbot.waitUntil(lambda: "refused" in window.status.connection.text(), timeout=2_000)
    assert url in window.status.connection.text()
    dialog = window.show_diagnostics()
    qtbot.waitUntil(lambda: "refused" in dialog.values["last_error"].text(), timeout=2_000)
    assert dialog.counts()["frames"] == 0
    assert "refused" in dialog.report()
    dialog.close()


def _driven_source() -> FloorSource:
    """A FloorSource on a simulated morning, no network: for layout tests."""
    source = FloorSource()
    t0 = to_ms(START)
    sim = Simulator(load_scenario(resolve_scenario("bank")), seed=1, start_ms=t0)
    items = sim.bootstrap() + sim.advance(t0 + 120_000)
    source.apply([make_event(i, iso(t), p) for i, (t, p) in enumerate(items, start=1)])
    return source


def _dock_area(window: MainWindow, name: str) -> Qt.DockWidgetArea:
    dock = window.agents_dock if name == "agents" else window.breaches_dock
    return window.dockWidgetArea(dock)


def test_layout_persists(qtbot: QtBot, tmp_path: Path) -> None:
    settings = tmp_path / "layout.ini"
    source = _driven_source()
    first = MainWindow(source, settings_path=settings)
    qtbot.addWidget(first)
    # Within the (offscreen) screen: restoreGeometry rightly pulls a window back onto the screen.
    screen = first.screen().availableGeometry()
    first.resize(min(1500, screen.width() - 40), min(950, screen.height() - 60))
    first.show()
    qtbot.waitExposed(first)
    first.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, first.breaches_dock)
    first.splitter.setSizes([200, 600])
    header = first.queues.view.horizontalHeader()
    assert isinstance(first.queues.view, QAbstractItemView)
    header.resizeSection(0, 211)
    header.moveSection(1, 2)
    # Through the View menu, as a supervisor would.
    first.theme_actions["dark"].trigger()
    first.interval_actions[30].trigger()
    first.sl_actions[SlDefinition.ABANDONS_IGNORED].trigger()
    assert "abandoned calls ignored" in first.queues.caption.text()
    assert first.charts.config.interval_min == 30
    hidden_queue = next(iter(source.state.queues))
    first.charts.set_hidden_queues({hidden_queue})
    qtbot.wait(50)
    sizes = first.splitter.sizes()
    header_state = bytes(header.saveState().data())
    first.close()  # saves
    assert settings.exists()

    second = MainWindow(source, settings_path=settings)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    qtbot.wait(50)
    assert (second.width(), second.height()) == (first.width(), first.height())
    assert _dock_area(second, "breaches") == Qt.DockWidgetArea.BottomDockWidgetArea
    assert _dock_area(second, "agents") == Qt.DockWidgetArea.RightDockWidgetArea
    assert second.splitter.sizes() == sizes
    restored = second.queues.view.horizontalHeader()
    assert restored.sectionSize(0) == 211
    assert bytes(restored.saveState().data()) == header_state
    assert current_theme() == "dark"
    assert second.config.interval_min == 30
    assert second.config.sl_definition is SlDefinition.ABANDONS_IGNORED
    assert second.queues.model.sl_definition() is SlDefinition.ABANDONS_IGNORED
    assert "30 min" in second.queues.caption.text()
    assert second.theme_actions["dark"].isChecked() and second.interval_actions[30].isChecked()
    assert second.charts.hidden_queues() == {hidden_queue}
    second.set_theme("light")
    second.save_on_close = False


def test_screenshot_writes_a_png_of_the_window(tmp_path: Path) -> None:
    shot = tmp_path / "console.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = "import sys; from console.app import main; sys.exit(main(sys.argv[1:]))"
    args = ["--screenshot", str(shot), "--after", "3", "--settings", str(tmp_path / "s.ini")]
    args += ["--speed", "60", "--theme", "dark"]
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        check=False,  # the return code is asserted with stderr
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert shot.stat().st_size > 20_000
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1600, 1000)
    assert "embedded gateway on ws://127.0.0.1:" in out.stdout
