"""How tokens are kept: keyed lookup, salted scrypt, the server secret, and the way from sha256 rows."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from console.store import Store, repository, tokens
from console.store.db import downgrade, upgrade
from console.store.tokens import SecretFileError, check_verifier, make_verifier, server_secret
from tests.helpers.postgres import pg_server, pg_url

__all__ = ["pg_server", "pg_url"]  # fixtures, imported so pytest finds them here

TOKEN = "tok_" + "9f2c7d1e4b" * 4


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


def test_the_database_alone_does_not_check_a_guess_cheaply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tokens, "SCRYPT_N", 2**14)  # the real cost, not the suite's
    s = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        s.upsert_user("sam", "supervisor", TOKEN)
        s.upsert_user("kim", "viewer", "v1ew-but-longer-0123")
        with s.engine.connect() as conn:
            rows = conn.execute(text("SELECT name, token_key, token_verifier FROM users ORDER BY name")).all()
    finally:
        s.close()
    by_name = {name: (key, verifier) for name, key, verifier in rows}
    key, verifier = by_name["sam"]
    # Not the unsalted sha256 of before, nor an HMAC anyone could make without the server secret.
    assert key != hashlib.sha256(TOKEN.encode()).hexdigest()
    assert key != hmac.new(b"", TOKEN.encode(), hashlib.sha256).hexdigest()
    assert TOKEN not in key and TOKEN not in verifier
    # The verifier is salted scrypt with its parameters: N=2**14, r=8, p=1, 16-byte salt.
    scheme, n, r, p, salt, _ = verifier.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    assert len(base64.b64decode(salt)) >= 16
    assert by_name["kim"][1].split("$")[4] != salt  # a salt of its own
    assert make_verifier(TOKEN) != verifier  # same token, new salt, other hash
    # Every guess costs a full scrypt (a lower bound only: a busy machine is slower, never faster).
    t0 = time.perf_counter()
    assert not check_verifier(verifier, "adm1n")
    assert check_verifier(verifier, TOKEN)
    per_guess = (time.perf_counter() - t0) / 2
    assert per_guess > 0.01, per_guess
    # The secret is not in the database directory's database files, and only its owner may read it.
    secret_file = tmp_path / "store.db.secret"
    assert secret_file.stat().st_mode & 0o777 == 0o600
    secret = bytes.fromhex(secret_file.read_text())
    assert key == hmac.new(secret, TOKEN.encode(), hashlib.sha256).hexdigest()
    for path in tmp_path.glob("store.db*"):
        if path != secret_file:
            assert secret.hex().encode() not in path.read_bytes() and secret not in path.read_bytes()


def test_the_server_secret_file_must_be_private_and_can_come_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    made = server_secret(url, env={})
    assert len(made) == 32 and server_secret(url, env={}) == made
    path = tmp_path / "g.db.secret"
    path.chmod(0o644)
    with pytest.raises(SecretFileError, match=r"may be read by other users \(mode 644\).*chmod 600"):
        server_secret(url, env={})
    given = os.urandom(32)
    assert server_secret(url, env={tokens.SECRET_ENV: given.hex()}) == given
    other = tmp_path / "elsewhere.secret"
    assert server_secret(url, env={tokens.SECRET_FILE_ENV: str(other)}) == bytes.fromhex(other.read_text())
    with pytest.raises(SecretFileError, match="hex digits"):
        server_secret(url, env={tokens.SECRET_ENV: "short"})


def test_another_secret_makes_every_stored_token_useless(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    s = Store.open(url)
    s.upsert_user("sam", "supervisor", TOKEN)
    assert s.user_for_token(TOKEN) == ("sam", "supervisor")
    s.close()
    s = Store.open(url, secret_file=tmp_path / "other.secret")
    try:
        assert s.user_for_token(TOKEN) is None
    finally:
        s.close()


def test_add_rotate_revoke_and_list(db_url: str) -> None:
    s = Store.open(db_url)
    try:
        first = s.add_user("ann", "quality")
        assert len(first) >= 43  # token_urlsafe(32): 256 bits
        with pytest.raises(ValueError, match="already exists"):
            s.add_user("ann", "viewer")
        version = s.users_version()
        signed = s.sign_in(first)
        assert signed is not None and (signed.name, signed.role) == ("ann", "quality")
        assert signed.users_version == version
        (ann,) = s.list_users()
        assert ann.last_used_at is not None and ann.revoked_at is None and ann.has_token
        second = s.rotate_user("ann")
        assert s.users_version() != version
        assert s.sign_in(first) is None and s.user_for_token(second) == ("ann", "quality")
        assert s.revoke_user("ann") and not s.revoke_user("ann") and not s.revoke_user("nobody")
        assert s.sign_in(second) is None and s.active_users() == {}
        (ann,) = s.list_users()
        assert ann.revoked_at is not None and not ann.has_token
        with pytest.raises(ValueError, match="no user bob"):
            s.rotate_user("bob")
        s.upsert_user("ann", "quality", second)  # given again (--user): back with that token
        assert s.user_for_token(second) == ("ann", "quality")
        same = s.users_version()
        s.upsert_user("ann", "quality", second)  # the same again: nothing written, nobody signed out
        assert s.users_version() == same
    finally:
        s.close()


def test_old_sha256_rows_lose_their_token_on_upgrade(db_url: str) -> None:
    s = Store.open(db_url)
    try:
        downgrade(s.engine, "0004")
        with s.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (name, role, token_hash, created_at, updated_at)"
                    " VALUES ('old', 'admin', :h, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')"
                ),
                {"h": hashlib.sha256(b"adm1n").hexdigest()},
            )
        upgrade(s.engine)
        assert s.user_for_token("adm1n") is None
        (old,) = s.list_users()
        assert (old.name, old.role, old.has_token, old.revoked_at) == ("old", "admin", False, None)
        with s.engine.connect() as conn:
            assert "token_hash" not in list(conn.execute(text("SELECT * FROM users")).keys())
        token = s.rotate_user("old")
        assert s.user_for_token(token) == ("old", "admin")
        downgrade(s.engine, "0004")  # and back down: no token survives that way either
        upgrade(s.engine)
        assert s.user_for_token(token) is None
    finally:
        s.close()


def test_a_token_checked_once_is_not_hashed_again_until_its_verifier_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shift's consoles signing in at once: the scrypt is paid once per token and verifier."""
    checks: list[str] = []

    def counting(verifier: str, token: str) -> bool:
        checks.append(token)
        return check_verifier(verifier, token)

    monkeypatch.setattr(repository, "check_verifier", counting)
    s = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        first = s.add_user("ann", "supervisor")
        for _ in range(5):
            assert s.sign_in(first) is not None
        assert checks == [first]
        assert s.sign_in(first[:-1] + ("A" if first[-1] != "A" else "B")) is None  # no row: no scrypt
        assert checks == [first]
        s.upsert_user("ann", "supervisor", first)  # the same token kept: the same verifier
        assert s.sign_in(first) is not None and checks == [first]
        second = s.rotate_user("ann")
        assert s.sign_in(first) is None
        assert s.sign_in(second) is not None and s.sign_in(second) is not None
        assert checks == [first, second]
        s.revoke_user("ann")
        assert s.sign_in(second) is None
    finally:
        s.close()


def test_consoles_signing_in_at_once_with_one_token_cost_one_hash_at_the_lowest_priority(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A storm of sign-ins: those waiting behind the first hash find the token checked, and the
    hashing runs at the lowest priority (the loop and the writer get the cores first)."""
    checks: list[tuple[str, int]] = []
    started = threading.Event()

    def counting(verifier: str, token: str) -> bool:
        checks.append((token, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
        started.wait(5)  # every sign-in is asking while this one hashes
        return check_verifier(verifier, token)

    monkeypatch.setattr(repository, "check_verifier", counting)
    s = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        token = s.add_user("ann", "supervisor")
        with ThreadPoolExecutor(16) as pool:
            signing = [pool.submit(s.sign_in, token) for _ in range(16)]
            time.sleep(0.2)  # not a synchronisation: the test holds whatever the timing
            started.set()
            names = [f.result(30) for f in signing]
        assert all(n is not None and n.name == "ann" for n in names)
        assert [t for t, _ in checks] == [token]
        if sys.platform == "linux":
            assert checks[0][1] == 19
    finally:
        s.close()
