"""Signing in against a real gateway: no token, a refused token, an adapter's token, then the right one.

The dialog opens without blocking (``open()``), so the tests fill it in and press its buttons
while the event loop runs. The gateway's address is remembered in the settings file; the token
is written nowhere.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMenu
from pytestqt.qtbot import QtBot

from console.application.live import LiveFeed, SignOut
from console.domain.permissions import Role
from console.feeds.client.feed_client import ConnState
from console.widgets.common.sign_in import URL_KEY, SignInDialog
from console.widgets.main_window import MainWindow, open_settings
from tests.helpers.gateway import GatewayThread, make_config, token
from tests.helpers.network import FAST


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayThread]:
    with GatewayThread(make_config(tmp_path_factory.mktemp("signin"))) as gateway:
        yield gateway


def _window(qtbot: QtBot, feed: LiveFeed, settings: Path) -> MainWindow:
    window = MainWindow(feed, settings_path=settings, save_on_close=False, sign_in=True)
    qtbot.addWidget(window)
    window.show()
    return window


def _dialog(qtbot: QtBot, window: MainWindow) -> SignInDialog:
    assert window.sign_in is not None
    qtbot.waitUntil(lambda: window.sign_in is not None and window.sign_in.dialog is not None, timeout=10_000)
    dialog = window.sign_in.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    return dialog


def _sign_in(qtbot: QtBot, dialog: SignInDialog, secret: str) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled(), "no token yet: nothing to sign in with"
    dialog.token.setText(secret)
    assert ok.isEnabled()
    ok.click()
    assert not dialog.isVisible()
    assert dialog.token.text() == "", "the dialog does not keep the token"


def _connected_with_floor(qtbot: QtBot, window: MainWindow, feed: LiveFeed) -> None:
    qtbot.waitUntil(lambda: feed.status.state is ConnState.CONNECTED, timeout=15_000)
    qtbot.waitUntil(lambda: window.queues.model.rowCount() > 0, timeout=15_000)
    qtbot.waitUntil(lambda: not window.banner.stale, timeout=15_000)
    assert feed.signed_out is None and not feed.status.token_refused


def test_a_wrong_token_asks_again_and_stops_retrying_then_the_right_one_connects(
    qtbot: QtBot, gw: GatewayThread, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="console.gateway")
    settings = tmp_path / "console.ini"
    feed = LiveFeed(gw.url, "not-my-token", backoff=FAST)
    window = _window(qtbot, feed, settings)
    feed.start()
    try:
        dialog = _dialog(qtbot, window)
        assert "refused the token" in dialog.headline.text()
        assert f"the gateway at {gw.url} refused the token (4401)" in dialog.detail.text().lower()
        assert dialog.gateway_url() == gw.url
        # The client has stopped for good: its thread ended, one refusal in the gateway's log.
        thread = feed.client._thread
        assert thread is not None
        thread.join(10)
        assert not thread.is_alive()
        assert feed.status.token_refused and feed.status.state is ConnState.DISCONNECTED
        assert feed.signed_out is not None and feed.signed_out.kind is SignOut.TOKEN_REFUSED
        refusals = [r for r in caplog.records if "bad or missing token" in r.getMessage()]
        assert len(refusals) == 1, "FAST would have retried within a second: no retry"
        qtbot.waitUntil(lambda: window.banner.stale and "NOT SIGNED IN" in window.banner.title.text())
        assert "Not signed in" in window.status.connection.text()

        _sign_in(qtbot, dialog, token(Role.SUPERVISOR))
        _connected_with_floor(qtbot, window, feed)
        assert feed.status.role == "supervisor"
    finally:
        feed.stop()
    text = settings.read_text()
    assert gw.url in text and open_settings(settings).value(URL_KEY) == gw.url
    assert token(Role.SUPERVISOR) not in text and "not-my-token" not in text
    assert "token" not in text.lower(), text


def test_no_token_opens_the_dialog_and_cancel_leaves_the_console_signed_out(
    qtbot: QtBot, gw: GatewayThread, tmp_path: Path
) -> None:
    settings = tmp_path / "console.ini"
    feed = LiveFeed(gw.url, None, backoff=FAST)
    window = _window(qtbot, feed, settings)
    feed.start()
    try:
        dialog = _dialog(qtbot, window)
        assert "Enter your token" in dialog.headline.text()
        assert feed.signed_out is not None and feed.signed_out.kind is SignOut.NO_TOKEN
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
        assert not dialog.isVisible()
        qtbot.waitUntil(lambda: "NOT SIGNED IN" in window.banner.title.text())
        assert "File ▸ Sign in…" in window.banner.detail.text()
        assert "no token was given" in window.status.connection.text()
        assert feed.client._thread is None, "nothing connects without a token"

        assert window.sign_in is not None
        window.sign_in.action.trigger()  # File ▸ Sign in…
        assert dialog.isVisible()
        dialog.url.setEditText("localhost:1")
        assert dialog.problem.isVisible()
        dialog.url.setEditText(gw.url)
        _sign_in(qtbot, dialog, token(Role.VIEWER))
        _connected_with_floor(qtbot, window, feed)
    finally:
        feed.stop()
    assert token(Role.VIEWER) not in settings.read_text()


def test_an_adapters_token_is_named_instead_of_waiting_for_a_floor(
    qtbot: QtBot, gw: GatewayThread, tmp_path: Path
) -> None:
    settings = tmp_path / "console.ini"
    feed = LiveFeed(gw.url, token(Role.ADAPTER), backoff=FAST)
    window = _window(qtbot, feed, settings)
    feed.start()
    try:
        dialog = _dialog(qtbot, window)
        assert "adapter" in dialog.headline.text()
        assert "of role adapter" in dialog.detail.text()
        assert feed.signed_out is not None and feed.signed_out.kind is SignOut.NOT_A_CONSOLE
        thread = feed.client._thread
        assert thread is not None and not thread.is_alive(), "the adapter's connection is closed"
        assert "NOT SIGNED IN" in window.banner.title.text()
        assert URL_KEY not in settings.read_text() if settings.exists() else True
        _sign_in(qtbot, dialog, token(Role.SUPERVISOR))
        _connected_with_floor(qtbot, window, feed)
    finally:
        feed.stop()


def test_the_embedded_gateway_has_no_sign_in(qtbot: QtBot, gw: GatewayThread, tmp_path: Path) -> None:
    feed = LiveFeed(gw.url, token(Role.ADMIN), backoff=FAST)
    window = MainWindow(feed, settings_path=tmp_path / "e.ini", save_on_close=False)
    qtbot.addWidget(window)
    assert window.sign_in is None
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    assert all("Sign" not in a.text() for a in file_menu.actions())
