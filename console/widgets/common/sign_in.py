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

The address that worked is remembered in the console's settings (``signin/url``,
``signin/recent_urls``); the token never is: it lives in the feed client's memory
only, and the dialog's field is cleared once it is used.
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
from console.feeds.transport import plain_text_refusal
from console.widgets.common.texts import sentence, translated

URL_KEY = "signin/url"
RECENT_KEY = "signin/recent_urls"
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
    """The gateway's address and the user's token; says why it is asked."""

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
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("your token"))
        self.problem = QLabel()
        self.problem.setObjectName("signInProblem")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Gateway:"), self.url)
        form.addRow(self.tr("&Token:"), self.token)
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

    def prepare(self, urls: list[str], url: str, headline: str, detail: str) -> None:
        self.url.clear()
        self.url.addItems(list(dict.fromkeys([url, *urls])))
        self.url.setEditText(url)
        self.token.clear()
        self.headline.setText(headline)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.token.setFocus()
        self._check()

    def gateway_url(self) -> str:
        return self.url.currentText().strip()

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
        ok.setEnabled(bool(url) and not problem and bool(self.token.text().strip()))


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
        self.dialog.prepare(remembered_urls(self.settings), self.feed.url, headline, detail)
        self.dialog.open()
        return self.dialog

    def _why(self, signed_out: SignedOut | None) -> tuple[str, str]:
        if signed_out is None:
            return self.tr("Sign in to a gateway with your token."), ""
        detail = sentence(translated(signed_out.reason))
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
        dialog.token.clear()  # the token lives in the feed client only
        self.feed.sign_in(url, token)

    def _on_status(self, status: FeedStatus) -> None:
        # An address is remembered once it worked, for someone who is sent the floor.
        if status.state is not ConnState.CONNECTED or status.token_refused or status.role is None:
            return
        if watches_floor(status.role) and str(self.settings.value(URL_KEY, "")) != status.url:
            remember_url(self.settings, status.url)
