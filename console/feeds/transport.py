"""Transport security shared by the feed's clients: which addresses may go in plain text, TLS contexts.

A gateway's address is ``wss://HOST:PORT`` (TLS) or ``ws://HOST:PORT`` (plain text). The
console's feed client and the adapters:

- refuse ``ws://`` to anything but this machine (127.0.0.0/8, ::1, ``localhost``) unless told
  ``insecure``: tokens and the floor would cross the network readable by anyone on the way.
  The refusal happens before any connection is attempted (:func:`plain_text_refusal`);
- verify the gateway's certificate for ``wss://`` against the system's CAs, or against a
  private CA given as a file (``--ca``): :func:`client_tls_context`, TLS 1.2 at least;
- say plainly, naming the host, why a certificate was not accepted
  (:func:`tls_failure`).

Messages are :class:`~console.domain.texts.Text` (context ``Transport``): the console shows
them translated, logs and exceptions their English. No Qt.
"""

from __future__ import annotations

import ipaddress
import ssl
from pathlib import Path
from urllib.parse import urlsplit

from console.domain.texts import QT_TRANSLATE_NOOP, Text

#: Host names that always mean this machine.
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def is_loopback_host(host: str) -> bool:
    """True for an address of this machine only: 127.0.0.0/8, ::1 or ``localhost``."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name in LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def plain_text_refusal(url: str, *, insecure: bool) -> Text | None:
    """Why ``url`` may not be used (``ws://`` to another machine without ``insecure``); None if it may."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None  # not an address at all: the connection attempt says so
    host = _host(url)
    if scheme != "ws" or insecure or not host or is_loopback_host(host):
        return None
    return Text(
        "Transport",
        QT_TRANSLATE_NOOP(
            "Transport",
            "{url} is not encrypted (ws://) and {host} is another machine: tokens and the floor would"
            " cross the network in plain text. Use wss://, or allow it with --insecure",
        ),
        {"url": url, "host": host},
    )


def client_tls_context(url: str, ca: str | Path | None = None) -> ssl.SSLContext | None:
    """The TLS context for connecting to ``url``: None for ``ws://``; for ``wss://`` one that verifies.

    The system's CAs by default; ``ca`` (a PEM file) trusts a private CA instead. Host names are
    checked, TLS 1.2 at least. Raises ValueError for a CA file that cannot be read.
    """
    if _scheme(url) != "wss":
        return None
    try:
        context = ssl.create_default_context(cafile=str(ca) if ca is not None else None)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"--ca {ca}: not a CA certificate file that can be read ({exc})") from None
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def check_ca_file(ca: str | Path) -> None:
    """ValueError unless ``ca`` is a readable file of PEM certificates."""
    path = Path(ca)
    if not path.is_file():
        raise ValueError(f"--ca {ca}: no such file")
    client_tls_context("wss://check", path)


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


def tls_failure(url: str, exc: BaseException) -> Text | None:
    """The plain words for a TLS failure connecting to ``url`` (None when ``exc`` is not one)."""
    host = _host(url) or url
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or exc.reason or str(exc)
        return Text(
            "Transport",
            QT_TRANSLATE_NOOP(
                "Transport",
                "the certificate of {host} could not be verified: {reason}. If the gateway uses a"
                " private CA, give its certificate with --ca",
            ),
            {"host": host, "reason": reason},
        )
    if isinstance(exc, ssl.SSLError):
        return Text(
            "Transport",
            QT_TRANSLATE_NOOP("Transport", "no secure connection to {host}: {reason}"),
            {"host": host, "reason": exc.reason or str(exc)},
        )
    return None
