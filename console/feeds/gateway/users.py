"""Users the gateway is given, and signing out the ones revoked while connected.

Users come from ``--user NAME:ROLE:TOKEN`` (kept for demos and tests: the token
shows in ``ps``, so it is warned about), from ``--user-file FILE`` (one such
line per user, ``#`` comments; refused unless only its owner may read it) and
from the ``CONSOLE_GATEWAY_USERS`` environment variable (the same lines), or
from the database, where ``console-gateway users ...`` (``users_cli``) manages
them. Tokens are stored as a keyed lookup and a scrypt verifier
(console/store/tokens.py).

``UserWatch`` polls the store's users version each second, off the loop; when
it changes (a user added, revoked, rotated or given another role, by this
gateway or by the users command in another process) it closes, with 4401,
every connection whose user is no longer there with the same role and token.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from websockets.asyncio.server import ServerConnection

from console.feeds import protocol
from console.feeds.gateway.config import UserSpec, parse_user
from console.input_files import read_private_text
from console.store import SignedIn, Store, is_outage, outage_reason
from console.store.tokens import SHORT_TOKEN

log = logging.getLogger("console.gateway")

USERS_ENV = "CONSOLE_GATEWAY_USERS"
#: A user file larger than this is not a user file.
MAX_USER_FILE = 1024 * 1024


def parse_user_lines(text: str, source: str) -> list[UserSpec]:
    """``NAME:ROLE:TOKEN`` lines; blank lines and ``#`` comments skipped. Errors name the line."""
    users: list[UserSpec] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            users.append(parse_user(line))
        except ValueError as exc:
            raise ValueError(f"{source}, line {number}: {str(exc).removeprefix('--user ')}") from None
    return users


def read_user_file(path: Path) -> list[UserSpec]:
    """The users in ``path``, refused unless it is a regular file only its owner may read."""
    return parse_user_lines(
        read_private_text(path, "--user-file", limit=MAX_USER_FILE), f"--user-file {path}"
    )


def users_from_env(env: Mapping[str, str] | None = None) -> list[UserSpec]:
    """The users in ``CONSOLE_GATEWAY_USERS`` (lines as in a user file; none when unset)."""
    env = os.environ if env is None else env
    return parse_user_lines(env.get(USERS_ENV, ""), USERS_ENV)


def token_warnings(command_line: Iterable[UserSpec], others: Iterable[UserSpec]) -> list[str]:
    """What to say on stderr: every token on the command line, louder for a short one anywhere."""
    said: list[str] = []
    for u in command_line:
        said.append(
            f"warning: --user {u.name}: the token is on the command line, where every local user"
            f" can read it (ps); use --user-file FILE or {USERS_ENV}"
        )
    for u in [*command_line, *others]:
        if len(u.token) < SHORT_TOKEN:
            said.append(
                f"WARNING: user {u.name}: a token of {len(u.token)} characters can be guessed;"
                f" use at least {SHORT_TOKEN} (console-gateway users add makes 43)"
            )
    return said


class UserWatch:
    """Closes the connections of users revoked, rotated or changed since they signed in."""

    def __init__(self, store: Store, *, interval_s: float = 1.0) -> None:
        self.store = store
        self.interval_s = interval_s
        self._live: dict[ServerConnection, SignedIn] = {}
        self._version: str | None = None
        self._dirty = False
        # Every user who may sign in, as last read: name -> (role, token key). Sign-ins are
        # checked against it while the store cannot be read (Gateway._sign_in_token).
        self._active: dict[str, tuple[str, str]] = {}
        self._store_down = False
        self.signed_out = 0  # connections closed for this (diagnostics, tests)
        self._closing: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._version = await asyncio.to_thread(self.store.users_version)
        self._active = await asyncio.to_thread(self.store.active_users)

    def known(self, token_key: str) -> SignedIn | None:
        """The user whose token has ``token_key`` among those last read, or None."""
        for name, (role, key) in self._active.items():
            if hmac.compare_digest(key, token_key):
                return SignedIn(name=name, role=role, token_key=key, users_version=self._version)
        return None

    def track(self, ws: ServerConnection, signed: SignedIn) -> None:
        """A connection signed in with a token; checked at once if the users changed meanwhile."""
        self._live[ws] = signed
        if signed.users_version != self._version:
            self._dirty = True

    def forget(self, ws: ServerConnection) -> None:
        self._live.pop(ws, None)

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                await self.check()
            except Exception as exc:
                if not is_outage(exc):
                    raise
                if not self._store_down:  # said once an outage; the watch goes on
                    log.warning("users: the store cannot be read (%s); checking again", outage_reason(exc))
                self._store_down = True
            else:
                self._store_down = False

    async def check(self) -> None:
        version = await asyncio.to_thread(self.store.users_version)
        if version == self._version and not self._dirty:
            return
        active = await asyncio.to_thread(self.store.active_users)
        # Taken as seen only once both reads succeeded (the store may fail between them).
        self._version, self._dirty, self._active = version, False, active
        for ws, signed in list(self._live.items()):
            if active.get(signed.name) != (signed.role, signed.token_key):
                self.forget(ws)
                self.signed_out += 1
                log.warning("%s: user revoked or token changed; closing its connection", signed.name)
                task = asyncio.get_running_loop().create_task(self._close(ws))
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)

    @staticmethod
    async def _close(ws: ServerConnection) -> None:
        with contextlib.suppress(Exception):
            await ws.close(protocol.CLOSE_BAD_TOKEN, "signed out: the user was revoked or the token changed")
