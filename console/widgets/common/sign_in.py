"""Signing in to a gateway: the dialog, and the controller that opens it when the feed needs a token.

The console started with ``--feed URL`` but no token, or whose token the gateway
refuses (close code 4401), or whose token is an adapter's (not sent the floor),
is signed out: ``LiveFeed`` stops its client and emits ``signedOut``. ``SignIn``
then opens ``SignInDialog`` (non-blocking: ``open()``, window-modal) saying
plainly why, with the gateway's address (editable, with the addresses that
worked before) and a password-style token field. *Sign in* starts a new client
with them; *Cancel* leaves the console disconnected, the banner and the status
bar saying it is not signed in, and File ▸ Sign in… opens the dialog again.

A plain ``ws://`` address of another machine is refused (the token and the floor would
cross the network unencrypted) unless the console was started with ``--insecure``: the
dialog says so as the address is typed, and *Sign in* waits for a ``wss://`` one.
The dialog signs in with a token or, for a gateway with a directory (LDAP), with
a name and password (*Sign in with*). A refused name or password (4401), a name
whose directory groups give no console role (4403) and a gateway that takes tokens
only (4501) open the dialog again saying which; a directory that cannot be
reached (4503) is retried by the feed client, the status bar saying so.

The address that worked is remembered in the console's settings (``signin/url``,
``signin/recent_urls``), and so are the name of a sign-in by name that worked and
that it was by name (``signin/user``, ``signin/by_name``); the token and the
password never are: they live in the feed client's memory only (for reconnects),
and the dialog's fields are cleared once they are used.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.application.live import LiveFeed, SignedOut, SignOut, watches_floor
from console.feeds.client.feed_client import ConnState, FeedStatus
from console.feeds.protocol import CLOSE_NO_DIRECTORY, CLOSE_NO_ROLE
from console.feeds.transport import plain_text_refusal
from console.widgets.common.texts import sentence, translated

URL_KEY = "signin/url"
RECENT_KEY = "signin/recent_urls"
USER_KEY = "signin/user"
BY_NAME_KEY = "signin/by_name"
MAX_RECENT = 5


def is_gateway_url(text: str) -> bool:
    """A websocket address with a host and a usable port (as ``--feed`` takes)."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return False
    return parts.scheme in ("ws", "wss") and bool(parts.hostname) and port != 0


def remembered_urls(settings: QSettings) -> list[str]:
    """The gateway addresses that worked, the latest first."""
    value = settings.value(RECENT_KEY, [])
    if isinstance(value, str):
        urls = [value]
    elif isinstance(value, list | tuple):
        urls = [str(v) for v in value]
    else:
        urls = []
    last = str(settings.value(URL_KEY, "") or "")
    if last:
        urls.insert(0, last)
    return list(dict.fromkeys(u for u in urls if u))[:MAX_RECENT]


def remember_url(settings: QSettings, url: str) -> None:
    settings.setValue(URL_KEY, url)
    settings.setValue(RECENT_KEY, [url, *(u for u in remembered_urls(settings) if u != url)][:MAX_RECENT])
    settings.sync()


class SignInDialog(QDialog):
    """The gateway's address and the user's token, or name and password; says why it is asked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.insecure = False  # plain ws:// to another machine allowed (the console's --insecure)
        self.setObjectName("signInDialog")
        self.setWindowTitle(self.tr("Sign in"))
        self.headline = QLabel()
        self.headline.setObjectName("signInHeadline")
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-weight: 600;")
        self.detail = QLabel()
        self.detail.setObjectName("signInDetail")
        self.detail.setWordWrap(True)
        self.url = QComboBox()
        self.url.setEditable(True)
        self.url.setMinimumContentsLength(32)
        self.method = QComboBox()
        self.method.setObjectName("signInMethod")
        self.method.addItem(self.tr("Token"), False)
        self.method.addItem(self.tr("Name and password"), True)
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("your token"))
        self.user = QLineEdit()
        self.user.setObjectName("signInUser")
        self.user.setPlaceholderText(self.tr("your name in the bank's directory"))
        self.password = QLineEdit()
        self.password.setObjectName("signInPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = QLabel()
        self.problem.setObjectName("signInProblem")
        self.problem.setWordWrap(True)
        self.form = form = QFormLayout()
        form.addRow(self.tr("&Gateway:"), self.url)
        form.addRow(self.tr("Sign in &with:"), self.method)
        form.addRow(self.tr("&Token:"), self.token)
        form.addRow(self.tr("&Name:"), self.user)
        form.addRow(self.tr("&Password:"), self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Sign in"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.url.editTextChanged.connect(self._check)
        self.token.textChanged.connect(self._check)
        self.user.textChanged.connect(self._check)
        self.password.textChanged.connect(self._check)
        self.method.currentIndexChanged.connect(self._show_method)
        self._show_method()

    def prepare(
        self,
        urls: list[str],
        url: str,
        headline: str,
        detail: str,
        *,
        by_name: bool = False,
        user: str = "",
    ) -> None:
        self.url.clear()
        self.url.addItems(list(dict.fromkeys([url, *urls])))
        self.url.setEditText(url)
        self.token.clear()
        self.password.clear()
        self.user.setText(user)
        self.method.setCurrentIndex(1 if by_name else 0)
        self._show_method()
        self.headline.setText(headline)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self._check()

    def by_name(self) -> bool:
        return bool(self.method.currentData())

    def gateway_url(self) -> str:
        return self.url.currentText().strip()

    def clear_secrets(self) -> None:
        self.token.clear()
        self.password.clear()

    def _show_method(self, *_: object) -> None:
        by_name = self.by_name()
        self.form.setRowVisible(self.token, not by_name)
        self.form.setRowVisible(self.user, by_name)
        self.form.setRowVisible(self.password, by_name)
        if by_name:
            (self.password if self.user.text().strip() else self.user).setFocus()
        else:
            self.token.setFocus()
        self._check()

    def _check(self, *_: object) -> None:
        url = self.gateway_url()
        if url and not is_gateway_url(url):
            problem = self.tr(
                "The gateway's address is a websocket address: ws://HOST:PORT or wss://HOST:PORT."
            )
        elif url and plain_text_refusal(url, insecure=self.insecure) is not None:
            problem = self.tr(
                "ws:// is not encrypted: it is for a gateway on this computer only. Use the gateway's"
                " wss:// address (or start the console with --insecure)."
            )
        else:
            problem = ""
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if self.by_name():
            given = bool(self.user.text().strip()) and bool(self.password.text())
        else:
            given = bool(self.token.text().strip())
        ok.setEnabled(bool(url) and not problem and given)


class SignIn(QObject):
    """Opens the sign-in dialog whenever the feed is signed out; signs in with what the user gives."""

    def __init__(self, feed: LiveFeed, settings: QSettings, window: QWidget) -> None:
        super().__init__(window)
        self.feed = feed
        self.settings = settings
        self.window = window
        self.dialog: SignInDialog | None = None
        self.action = QAction(self.tr("Sign &in…"), self)
        self.action.triggered.connect(lambda: self.ask(feed.signed_out))
        feed.signedOut.connect(self.ask)
        feed.statusChanged.connect(self._on_status)

    def ask(self, signed_out: SignedOut | None = None) -> SignInDialog:
        """Open the dialog (without waiting for it) and say why it is asked."""
        if self.dialog is None:
            self.dialog = SignInDialog(self.window)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.accepted.connect(self._accepted)
        self.dialog.insecure = self.feed.insecure
        headline, detail = self._why(signed_out)
        by_name = bool(self.feed.client.user_name) or _flag(self.settings.value(BY_NAME_KEY, False))
        if signed_out is not None and signed_out.code == CLOSE_NO_DIRECTORY:
            by_name = False  # this gateway takes tokens only
        user = self.feed.client.user_name or str(self.settings.value(USER_KEY, "") or "")
        self.dialog.prepare(
            remembered_urls(self.settings), self.feed.url, headline, detail, by_name=by_name, user=user
        )
        self.dialog.open()
        return self.dialog

    def _why(self, signed_out: SignedOut | None) -> tuple[str, str]:
        if signed_out is None:
            return self.tr("Sign in to a gateway with your token."), ""
        detail = sentence(translated(signed_out.reason))
        if signed_out.kind is SignOut.TOKEN_REFUSED and signed_out.code == CLOSE_NO_ROLE:
            return (
                self.tr(
                    "Your name and password are right, but none of your directory groups gives you a role"
                    " on this console. Ask for access, or sign in as someone else."
                ),
                detail,
            )
        if signed_out.kind is SignOut.TOKEN_REFUSED and signed_out.code == CLOSE_NO_DIRECTORY:
            return self.tr("This gateway takes tokens only. Sign in with your token."), detail
        if signed_out.kind is SignOut.TOKEN_REFUSED and signed_out.by_name:
            return (
                self.tr("The gateway refused the name or password. Check them and enter them again."),
                detail,
            )
        if signed_out.kind is SignOut.TOKEN_REFUSED:
            return self.tr("The gateway refused the token. Check it and enter it again."), detail
        if signed_out.kind is SignOut.PLAIN_TEXT:
            return (
                self.tr(
                    "This gateway address is not encrypted and is on another computer: the console will"
                    " not send your token there. Enter the gateway's wss:// address."
                ),
                detail,
            )
        if signed_out.kind is SignOut.NOT_A_CONSOLE:
            return (
                self.tr(
                    "This token is an adapter's: adapters publish events and are not sent the floor. "
                    "Sign in with your own token."
                ),
                detail,
            )
        return self.tr("Enter your token to connect to the gateway."), ""

    def _accepted(self) -> None:
        dialog = self.dialog
        assert dialog is not None
        url, token = dialog.gateway_url(), dialog.token.text().strip()
        user, password = dialog.user.text().strip(), dialog.password.text()
        by_name = dialog.by_name()
        dialog.clear_secrets()  # the token or password lives in the feed client only
        if by_name:
            self.feed.sign_in(url, "", user=user, password=password)
        else:
            self.feed.sign_in(url, token)

    def _on_status(self, status: FeedStatus) -> None:
        # An address is remembered once it worked, for someone who is sent the floor.
        if status.state is not ConnState.CONNECTED or status.token_refused or status.role is None:
            return
        if watches_floor(status.role) and str(self.settings.value(URL_KEY, "")) != status.url:
            remember_url(self.settings, status.url)
        # The name of a sign-in by name that worked, and that it was by name (never the password).
        user = self.feed.client.user_name
        if watches_floor(status.role) and (
            _flag(self.settings.value(BY_NAME_KEY, False)) != bool(user)
            or (user and str(self.settings.value(USER_KEY, "")) != user)
        ):
            self.settings.setValue(BY_NAME_KEY, bool(user))
            if user:
                self.settings.setValue(USER_KEY, user)
            self.settings.sync()


def _flag(value: object) -> bool:
    """A boolean from QSettings (an ini file gives it back as a string)."""
    return value is True or str(value).lower() == "true"
