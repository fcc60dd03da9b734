"""The sign-in dialog with a name and password, against a real gateway checking them with a real slapd.

A wrong password asks again saying so, the right one gets the floor with the role of the
user's directory groups; a user in no mapped group is told so; a directory that is down
is named in the status bar and the console signs in by itself once it is back (the
password kept in the feed client's memory). The settings file keeps the address and the
name, never the password. Skipped, saying why, where slapd is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from console.application.live import LiveFeed, SignOut
from console.feeds import protocol
from console.feeds.client.feed_client import ConnState
from console.feeds.gateway.directory import load_directory_config
from console.widgets.common.sign_in import SignInDialog
from console.widgets.main_window import MainWindow
from tests.helpers.gateway import GatewayThread, make_config
from tests.helpers.network import FAST
from tests.helpers.slapd import PEOPLE_IN_TESTS, Slapd, find_tool, ldap_config_text

PASSWORDS = {p.uid: p.password for p in PEOPLE_IN_TESTS}


@pytest.fixture(scope="module")
def directory() -> Iterator[Slapd]:
    binary = find_tool("slapd")
    if binary is None:
        pytest.skip("slapd (OpenLDAP) not found; install slapd and ldap-utils to run the directory tests")
    server = Slapd(binary, PEOPLE_IN_TESTS)  # this module's own: one test stops it
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory, directory: Slapd) -> Iterator[GatewayThread]:
    root = tmp_path_factory.mktemp("signin-ldap")
    (root / "ldap.toml").write_text(ldap_config_text(directory.url, timeout_s=2.0), encoding="utf-8")
    config = make_config(root, directory=load_directory_config(root / "ldap.toml"))
    with GatewayThread(config) as gateway:
        yield gateway


def _window(qtbot: QtBot, feed: LiveFeed, settings: Path) -> MainWindow:
    window = MainWindow(feed, settings_path=settings, save_on_close=False, sign_in=True)
    qtbot.addWidget(window)
    window.show()
    return window


def _dialog(qtbot: QtBot, window: MainWindow) -> SignInDialog:
    qtbot.waitUntil(lambda: window.sign_in is not None and window.sign_in.dialog is not None, timeout=10_000)
    assert window.sign_in is not None and window.sign_in.dialog is not None
    dialog = window.sign_in.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=15_000)
    return dialog


def _sign_in_by_name(dialog: SignInDialog, user: str, password: str) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.method.setCurrentIndex(dialog.method.findData(True))
    assert dialog.user.isVisible() and dialog.password.isVisible() and not dialog.token.isVisible()
    dialog.user.setText(user)
    dialog.password.clear()
    assert not ok.isEnabled(), "a name without its password: nothing to sign in with"
    dialog.password.setText(password)
    assert ok.isEnabled()
    ok.click()
    assert not dialog.isVisible()
    assert dialog.password.text() == "", "the dialog does not keep the password"


def test_a_wrong_password_asks_again_then_the_right_one_gets_the_floor_with_the_groups_role(
    qtbot: QtBot, gw: GatewayThread, tmp_path: Path
) -> None:
    settings = tmp_path / "console.ini"
    feed = LiveFeed(gw.url, None, backoff=FAST)
    window = _window(qtbot, feed, settings)
    feed.start()
    try:
        dialog = _dialog(qtbot, window)
        _sign_in_by_name(dialog, "bob", "not-bobs-password")
        qtbot.waitUntil(
            lambda: dialog.isVisible() and "name or password" in dialog.headline.text(), timeout=15_000
        )
        assert "refused the name or password (4401)" in dialog.detail.text()
        assert dialog.by_name() and dialog.user.text() == "bob", "asked again by name, the name kept"
        assert feed.signed_out is not None and feed.signed_out.by_name

        _sign_in_by_name(dialog, "bob", PASSWORDS["bob"])
        qtbot.waitUntil(lambda: feed.status.state is ConnState.CONNECTED, timeout=15_000)
        qtbot.waitUntil(lambda: window.queues.model.rowCount() > 0, timeout=15_000)
        assert (feed.status.user, feed.status.role) == ("bob", "manager")  # managers before viewers
    finally:
        feed.stop()
    text = settings.read_text()
    assert gw.url in text and "bob" in text
    assert PASSWORDS["bob"] not in text and "not-bobs-password" not in text
    assert feed.client._password is None, "dropped once the client stopped"


def test_a_user_in_no_mapped_group_is_told_so(qtbot: QtBot, gw: GatewayThread, tmp_path: Path) -> None:
    feed = LiveFeed(gw.url, None, backoff=FAST)
    window = _window(qtbot, feed, tmp_path / "console.ini")
    feed.start()
    try:
        dialog = _dialog(qtbot, window)
        _sign_in_by_name(dialog, "zed", PASSWORDS["zed"])
        qtbot.waitUntil(
            lambda: dialog.isVisible() and "none of your directory groups" in dialog.headline.text()
        )
        assert "(4403)" in dialog.detail.text()
        assert feed.signed_out is not None and feed.signed_out.code == protocol.CLOSE_NO_ROLE
        assert feed.signed_out.kind is SignOut.TOKEN_REFUSED
    finally:
        feed.stop()


def test_a_directory_that_is_down_is_named_and_the_console_signs_in_when_it_is_back(
    qtbot: QtBot, gw: GatewayThread, directory: Slapd, tmp_path: Path
) -> None:
    settings = tmp_path / "console.ini"
    feed = LiveFeed(gw.url, None, backoff=FAST)
    window = _window(qtbot, feed, settings)
    feed.start()
    directory.stop()
    try:
        dialog = _dialog(qtbot, window)
        _sign_in_by_name(dialog, "ann", PASSWORDS["ann"])
        qtbot.waitUntil(
            lambda: "cannot reach its directory" in window.status.connection.text(), timeout=20_000
        )
        assert feed.signed_out is None, "not a refusal: the client goes on trying"
        assert not feed.status.token_refused
        assert not dialog.isVisible()
        directory.start()
        qtbot.waitUntil(lambda: feed.status.state is ConnState.CONNECTED, timeout=20_000)
        assert (feed.status.user, feed.status.role) == ("ann", "supervisor")
    finally:
        feed.stop()
        if directory._proc is None:
            directory.start()
    assert not settings.exists() or PASSWORDS["ann"] not in settings.read_text()
