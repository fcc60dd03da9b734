"""The console and transport security: wss:// with a private CA, an untrusted certificate, plain ws://.

A real gateway on 127.0.0.1 serving wss:// with a certificate signed by a private CA the test
makes. The console given the CA (``--ca``) shows the floor; without it the certificate error
names the host and the reason in the status bar and in Diagnostics, and is not retried hot.
A plain ws:// address of another computer is not tried at all: the sign-in dialog says why and
waits for a wss:// address (unless the console was started with ``--insecure``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from console import app
from console.application.live import LiveFeed, SignOut
from console.domain.permissions import Role
from console.feeds.client.feed_client import Backoff, ConnState
from console.widgets.common.sign_in import SignInDialog
from console.widgets.main_window import MainWindow
from tests.helpers.gateway import GatewayThread, make_config, token
from tests.helpers.network import FAST
from tests.helpers.tls import Certificates, private_ca

NOWHERE = "ws://192.0.2.1:8765"  # TEST-NET-1: routes nowhere


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return private_ca(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def wss(tmp_path_factory: pytest.TempPathFactory, certs: Certificates) -> Iterator[GatewayThread]:
    config = make_config(tmp_path_factory.mktemp("wss"), tls_cert=certs.cert, tls_key=certs.key)
    with GatewayThread(config) as gateway:
        yield gateway


def _window(qtbot: QtBot, feed: LiveFeed, tmp_path: Path) -> MainWindow:
    window = MainWindow(feed, settings_path=tmp_path / "console.ini", save_on_close=False, sign_in=True)
    qtbot.addWidget(window)
    window.show()
    return window


def _dialog(qtbot: QtBot, window: MainWindow) -> SignInDialog:
    qtbot.waitUntil(lambda: window.sign_in is not None and window.sign_in.dialog is not None, timeout=10_000)
    assert window.sign_in is not None and window.sign_in.dialog is not None
    dialog = window.sign_in.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    return dialog


def test_the_console_with_the_ca_shows_the_floor_over_wss(
    qtbot: QtBot, wss: GatewayThread, certs: Certificates, tmp_path: Path
) -> None:
    assert wss.url.startswith("wss://")
    feed = LiveFeed(wss.url, token(Role.SUPERVISOR), backoff=FAST, ca=str(certs.ca))
    window = _window(qtbot, feed, tmp_path)
    feed.start()
    try:
        qtbot.waitUntil(lambda: feed.status.state is ConnState.CONNECTED, timeout=15_000)
        qtbot.waitUntil(lambda: window.queues.model.rowCount() > 0, timeout=15_000)
        assert f"Connected to {wss.url}" in window.status.connection.text()
    finally:
        feed.stop()


def test_an_untrusted_certificate_is_shown_by_host_and_reason_and_not_retried_hot(
    qtbot: QtBot, wss: GatewayThread, tmp_path: Path
) -> None:
    feed = LiveFeed(wss.url, token(Role.SUPERVISOR), backoff=Backoff())  # no --ca
    window = _window(qtbot, feed, tmp_path)
    feed.start()
    try:
        qtbot.waitUntil(lambda: feed.last_failure() is not None, timeout=15_000)
        failed_at = time.monotonic()
        why = "the certificate of 127.0.0.1 could not be verified"
        qtbot.waitUntil(lambda: why in window.status.connection.text(), timeout=5_000)
        assert "--ca" in window.status.connection.text()
        qtbot.waitUntil(lambda: why in window.banner.detail.text().lower(), timeout=5_000)
        dialog = window.show_diagnostics()
        dialog.refresh()
        assert why in dialog.values["last_error"].text()
        assert "unable to get local issuer certificate" in dialog.values["last_error"].text()
        qtbot.wait(1000)  # the event loop runs; a hot retry would show more attempts
        assert feed.status.attempts == 1 and feed.status.state is not ConnState.CONNECTED
        assert time.monotonic() - failed_at < 4
        assert window.queues.model.rowCount() == 0
    finally:
        feed.stop()


def test_plain_text_to_another_computer_is_not_tried_and_the_dialog_says_why(
    qtbot: QtBot, wss: GatewayThread, certs: Certificates, tmp_path: Path
) -> None:
    feed = LiveFeed(NOWHERE, token(Role.SUPERVISOR), backoff=FAST, ca=str(certs.ca))
    window = _window(qtbot, feed, tmp_path)
    feed.start()
    try:
        dialog = _dialog(qtbot, window)
        assert feed.signed_out is not None and feed.signed_out.kind is SignOut.PLAIN_TEXT
        assert feed.client._thread is None, "nothing was attempted"
        assert "not encrypted" in dialog.headline.text() and "wss://" in dialog.headline.text()
        assert "192.0.2.1 is another machine" in dialog.detail.text()
        assert "--insecure" in dialog.detail.text()
        # The address as it stands cannot be signed in to, even with a token.
        dialog.token.setText(token(Role.SUPERVISOR))
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()
        assert dialog.problem.isVisible() and "ws:// is not encrypted" in dialog.problem.text()
        qtbot.waitUntil(lambda: "not encrypted" in window.status.connection.text(), timeout=5_000)
        diagnostics = window.show_diagnostics()
        diagnostics.refresh()
        assert "192.0.2.1 is another machine" in diagnostics.values["last_error"].text()
        # Loopback in plain text is fine, and so is wss:// anywhere.
        dialog.url.setEditText("ws://127.0.0.1:8765")
        assert ok.isEnabled() and not dialog.problem.isVisible()
        dialog.url.setEditText(wss.url)
        assert ok.isEnabled()
        ok.click()
        qtbot.waitUntil(lambda: feed.status.state is ConnState.CONNECTED, timeout=15_000)
        qtbot.waitUntil(lambda: window.queues.model.rowCount() > 0, timeout=15_000)
        assert feed.signed_out is None
    finally:
        feed.stop()


def test_insecure_lets_the_dialog_take_plain_text_to_another_computer(qtbot: QtBot, tmp_path: Path) -> None:
    feed = LiveFeed(NOWHERE, None, backoff=FAST, insecure=True)
    window = _window(qtbot, feed, tmp_path)
    feed.start()
    try:
        dialog = _dialog(qtbot, window)
        assert feed.signed_out is not None and feed.signed_out.kind is SignOut.NO_TOKEN
        dialog.token.setText("t")
        assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
        assert not dialog.problem.isVisible()
    finally:
        feed.stop()


def test_the_wall_display_refuses_plain_text_to_another_computer_at_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert app.main(["--wallboard", "--feed", NOWHERE, "--token", "t"]) == 2
    err = capsys.readouterr().err
    assert "error: --feed ws://192.0.2.1:8765 is not encrypted (ws://)" in err and "--insecure" in err
    assert app.main(["--feed", "wss://127.0.0.1:1", "--ca", str(tmp_path / "none.pem")]) == 2
    assert f"--ca {tmp_path / 'none.pem'}: no such file" in capsys.readouterr().err
