"""How tokens are kept: a keyed lookup and a salted slow verifier, never the token.

Each user row holds two things made from the token:

- ``token_key``: HMAC-SHA256 of the token under the gateway's *server secret*. It
  is deterministic, so the gateway finds the user through a unique index, but
  without the secret (which is not in the database) nobody can test a guess
  against it.
- ``token_verifier``: a salted scrypt hash, ``scrypt$N$r$p$SALT$HASH`` (base64),
  checked after the lookup. Someone holding the database *and* the secret still
  pays scrypt's cost for every guess.

The server secret is 32 random bytes in a file only its owner may read: beside a
SQLite database (``gateway.db.secret``), else in the user data directory; or
given by ``CONSOLE_GATEWAY_SECRET`` (hex) / ``CONSOLE_GATEWAY_SECRET_FILE``.
Losing it makes every stored token useless (users must be rotated); it never
has to be shared with consoles or adapters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy.engine import make_url

from console.input_files import InputFileError, check_private_file
from console.store.db import APP_NAME

#: scrypt cost: 2**14 x 8 x 1 takes about 0.1 s and 16 MiB on one core.
#: The tests lower ``SCRYPT_N`` for speed (tests/conftest.py); a stored verifier
#: carries its own parameters, so every verifier stays checkable.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
#: The most memory a verifier may ask scrypt for (a forged row cannot exhaust memory).
MAX_SCRYPT_MEM = 64 * 1024 * 1024

#: Bytes of randomness in a token the gateway makes (256 bits; at least 128 are required).
TOKEN_BYTES = 32
#: Tokens shorter than this are guessable; the gateway warns loudly when given one.
SHORT_TOKEN = 16

SECRET_ENV = "CONSOLE_GATEWAY_SECRET"
SECRET_FILE_ENV = "CONSOLE_GATEWAY_SECRET_FILE"
SECRET_BYTES = 32
SECRET_SUFFIX = ".secret"


class SecretFileError(ValueError):
    """The server secret file cannot be used (others may read it, or it is not a secret)."""


def new_token() -> str:
    """A fresh random token: 32 bytes from ``secrets``, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def lookup_key(secret: bytes, token: str) -> str:
    """HMAC-SHA256 hex of ``token`` under the server secret: the indexed column."""
    return hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def make_verifier(token: str, *, n: int | None = None, r: int | None = None, p: int | None = None) -> str:
    """A salted scrypt verifier of ``token``: ``scrypt$N$r$p$SALT$HASH``."""
    n, r, p = n or SCRYPT_N, r or SCRYPT_R, p or SCRYPT_P
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(token.encode(), salt=salt, n=n, r=r, p=p, maxmem=MAX_SCRYPT_MEM, dklen=HASH_BYTES)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def check_verifier(verifier: str, token: str) -> bool:
    """Whether ``token`` matches ``verifier`` (constant-time compare; False for any malformed one)."""
    try:
        scheme, n, r, p, salt, digest = verifier.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            token.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=MAX_SCRYPT_MEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(got, expected)


def default_secret_path(db_url: str) -> Path:
    """Where the server secret lives for ``db_url``: beside a SQLite file, else in the user data dir."""
    parsed = make_url(db_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database).expanduser()
        return path.with_name(path.name + SECRET_SUFFIX)
    return Path(user_data_dir(APP_NAME)) / "gateway.secret"


def check_private(path: Path, what: str) -> None:
    """Refuse a file that anyone but its owner may read or write (mode & 0o077); a missing file
    raises FileNotFoundError (the caller makes it)."""
    path.stat()
    try:
        check_private_file(path, what)
    except InputFileError as exc:
        raise SecretFileError(str(exc)) from None


def read_secret_file(path: Path) -> bytes:
    check_private(path, "server secret file")
    data = path.read_bytes().strip()
    try:
        secret = bytes.fromhex(data.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise SecretFileError(f"server secret file {path}: expected {SECRET_BYTES * 2} hex digits") from None
    if len(secret) < SECRET_BYTES:
        raise SecretFileError(f"server secret file {path}: expected {SECRET_BYTES * 2} hex digits")
    return secret


def create_secret_file(path: Path) -> bytes:
    """Write a new random secret, mode 0600 from the start (never readable by others in between)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(SECRET_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secret.hex() + "\n")
    return secret


def server_secret(
    db_url: str, secret_file: Path | None = None, env: Mapping[str, str] | None = None
) -> bytes:
    """The server secret: ``CONSOLE_GATEWAY_SECRET``, else the secret file (made on first use)."""
    env = os.environ if env is None else env
    given = env.get(SECRET_ENV)
    if given:
        try:
            secret = bytes.fromhex(given.strip())
        except ValueError:
            raise SecretFileError(f"{SECRET_ENV}: expected {SECRET_BYTES * 2} hex digits") from None
        if len(secret) < SECRET_BYTES:
            raise SecretFileError(f"{SECRET_ENV}: expected {SECRET_BYTES * 2} hex digits")
        return secret
    if secret_file is None and env.get(SECRET_FILE_ENV):
        secret_file = Path(env[SECRET_FILE_ENV])
    path = secret_file or default_secret_path(db_url)
    try:
        return read_secret_file(path)
    except FileNotFoundError:
        pass
    try:
        return create_secret_file(path)
    except FileExistsError:  # another process made it meanwhile
        return read_secret_file(path)
