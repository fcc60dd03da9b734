"""The gateway's transport security: TLS (``wss://``) and the Origin allow-list.

- :func:`server_tls_context` builds the context for ``--tls-cert FILE --tls-key FILE``: TLS 1.2
  at least, and a key file that only its owner can read (:func:`check_key_file` refuses one that
  the group or others can, before anything is served).
- :class:`OriginPolicy` decides the websocket handshakes: one without an ``Origin`` header
  (the console, the adapters, any program) is served; one with it (a web browser always sends
  it, so a page on another site could otherwise reach a gateway on the supervisor's machine) is
  refused with HTTP 403 unless its origin is listed (``--allow-origin URL``).
- :func:`plain_text_warning` says when a gateway without TLS listens beyond this machine.

Plain logic, no I/O but reading the files named; no Qt.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from console.feeds.transport import is_loopback_host
from console.input_files import check_private_file


def check_key_file(key: Path) -> None:
    """ValueError unless ``key`` is a regular file that only its owner (this user) may read or write."""
    check_private_file(key, "--tls-key")


def server_tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    """The gateway's TLS context (TLS 1.2 at least); ValueError naming what is wrong with the files."""
    check_key_file(key)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except FileNotFoundError as exc:
        raise ValueError(f"--tls-cert {cert}: {exc.strerror}") from None
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(
            f"--tls-cert {cert} --tls-key {key}: not a certificate and its private key (PEM): {exc}"
        ) from None
    return context


def plain_text_warning(host: str) -> str | None:
    """A warning for a gateway without TLS listening on ``host``, when that is beyond this machine."""
    if is_loopback_host(host):
        return None
    return (
        f"--host {host} without --tls-cert/--tls-key: tokens and the floor cross the network in plain"
        " text (ws://); anyone on the way can read them. Serve wss:// with --tls-cert and --tls-key"
    )


def normalize_origin(text: str) -> str:
    """An origin as browsers send it: ``scheme://host[:port]``, lower case, no path, default port dropped."""
    text = text.strip()
    if text.lower() == "null":
        return "null"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text.lower()
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if not scheme or not host:
        return text.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(scheme)
    return f"{scheme}://{host}" if port is None or port == default else f"{scheme}://{host}:{port}"


def check_origin_option(text: str) -> str:
    """``--allow-origin URL`` checked: ``scheme://host[:port]``; ValueError otherwise."""
    origin = normalize_origin(text)
    try:
        parts = urlsplit(text.strip())
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        parts = None
    if parts is None or not parts.scheme or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(
            f"--allow-origin {text!r}: expected an origin, scheme://host[:port], e.g. https://wall.bank.example"
        )
    return origin


@dataclass(frozen=True)
class OriginPolicy:
    """Which handshakes carrying an ``Origin`` are served: those whose origin is listed."""

    allowed: frozenset[str] = frozenset()

    @classmethod
    def of(cls, origins: Iterable[str]) -> OriginPolicy:
        return cls(frozenset(normalize_origin(o) for o in origins))

    def admits(self, origin: str | None) -> bool:
        """No Origin (not a browser): served. An Origin: served only if listed."""
        return origin is None or normalize_origin(origin) in self.allowed
