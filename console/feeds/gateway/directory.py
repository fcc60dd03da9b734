"""Directory sign-in: a name and password checked against the bank's LDAP directory (ldap3).

The gateway's ``--ldap-config FILE`` (TOML, read by :func:`load_directory_config`)
says where the directory is, how a name becomes an entry (a DN template such as
``uid={user},ou=people,dc=bank,dc=test``, or a search under ``user_base`` made
with a service account), where the groups are, and which group gives which
role (``[roles]``: group DN → role, **in the order written: the first group the
user is a member of gives the role**). ``adapter`` is not a role a directory
may give: adapters are processes and sign in with tokens.

:func:`check_password` does one sign-in, blocking: bind as the user with the
password (a wrong password and an unknown name are the same answer), read the
user's name as the directory spells it, find the user's groups, map them to a
role. :class:`Directory` runs it off the event loop on a small pool of its own
(so a directory that hangs never takes the threads the store's reads use) with
a deadline. Nothing here keeps, logs or returns the password: the answers carry
the name, the role, the group that gave it and, for a directory that could not
be used, why (the error's own words, which never include the password).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import ssl
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import ldap3
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn, parse_dn

from console.domain.permissions import Role
from console.input_files import read_private_text

log = logging.getLogger("console.gateway.directory")

#: The environment variable that may hold the service account's password (search mode).
BIND_PASSWORD_ENV = "CONSOLE_LDAP_BIND_PASSWORD"
#: Longest name and password taken from a hello (a directory never needs more).
MAX_NAME = 256
MAX_PASSWORD = 1024
#: Sign-ins checked at once; more wait their turn (within their deadline).
MAX_CONCURRENT = 4

_KEYS = {
    "url",
    "user_dn",
    "user_base",
    "user_filter",
    "bind_dn",
    "bind_password_file",
    "group_base",
    "group_filter",
    "name_attribute",
    "timeout_s",
    "start_tls",
    "ca_file",
    "roles",
}


@dataclass(frozen=True)
class DirectoryConfig:
    url: str
    group_base: str
    roles: tuple[tuple[str, Role], ...]  # (group DN, role) in precedence order
    user_dn: str | None = None  # a template with {user}
    user_base: str | None = None  # or: search for the user here...
    user_filter: str = "(uid={user})"  # ...with this filter
    bind_dn: str | None = None  # ...bound as this service account
    bind_password: str | None = None  # its password (from a file or the environment, never the config)
    group_filter: str = "(|(member={dn})(uniqueMember={dn}))"
    name_attribute: str = "uid"
    timeout_s: float = 5.0
    start_tls: bool = False
    ca_file: Path | None = None


def load_directory_config(path: Path) -> DirectoryConfig:
    """Read and check an ``--ldap-config`` file; ValueError says what is wrong."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise ValueError(f"--ldap-config {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"--ldap-config {path}: not valid TOML: {exc}") from None
    return parse_directory_config(data, where=str(path))


def parse_directory_config(data: dict[str, Any], *, where: str = "the directory config") -> DirectoryConfig:
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown keys {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}")

    def text(key: str, default: str | None = None) -> str | None:
        value = data.get(key, default)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ValueError(f"{where}: {key} must be a non-empty string")
        return value

    url = text("url")
    if url is None or not url.lower().startswith(("ldap://", "ldaps://")):
        raise ValueError(f"{where}: url must be ldap://HOST[:PORT] or ldaps://HOST[:PORT]")
    group_base = text("group_base")
    if group_base is None:
        raise ValueError(f"{where}: group_base is required (where the groups of [roles] are)")
    user_dn, user_base = text("user_dn"), text("user_base")
    if (user_dn is None) == (user_base is None):
        raise ValueError(
            f"{where}: give either user_dn (a template such as uid={{user}},ou=people,dc=bank,dc=example)"
            " or user_base with bind_dn to search for the user, not both"
        )
    if user_dn is not None and "{user}" not in user_dn:
        raise ValueError(f"{where}: user_dn must contain {{user}}")
    user_filter = text("user_filter", "(uid={user})") or ""
    if "{user}" not in user_filter:
        raise ValueError(f"{where}: user_filter must contain {{user}}")
    bind_dn = text("bind_dn")
    bind_password: str | None = None
    if user_base is not None:
        if bind_dn is None:
            raise ValueError(f"{where}: user_base needs bind_dn, the service account that searches")
        bind_password = _bind_password(text("bind_password_file"), where)
    group_filter = text("group_filter", "(|(member={dn})(uniqueMember={dn}))") or ""
    if "{dn}" not in group_filter and "{user}" not in group_filter:
        raise ValueError(f"{where}: group_filter must contain {{dn}} or {{user}}")
    timeout = data.get("timeout_s", 5.0)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not 0 < timeout <= 60:
        raise ValueError(f"{where}: timeout_s must be a number of seconds between 0 and 60")
    start_tls = data.get("start_tls", False)
    if not isinstance(start_tls, bool):
        raise ValueError(f"{where}: start_tls must be true or false")
    ca = text("ca_file")
    roles_data = data.get("roles")
    if not isinstance(roles_data, dict) or not roles_data:
        raise ValueError(f'{where}: a [roles] table is required: "GROUP DN" = "ROLE", first match wins')
    roles: list[tuple[str, Role]] = []
    for dn, role in roles_data.items():
        try:
            r = Role(role)
        except ValueError:
            raise ValueError(f"{where}: [roles] {dn!r}: unknown role {role!r}") from None
        if r is Role.ADAPTER:
            raise ValueError(f"{where}: [roles] {dn!r}: adapters sign in with tokens, not by directory")
        roles.append((dn, r))
    return DirectoryConfig(
        url=url,
        group_base=group_base,
        roles=tuple(roles),
        user_dn=user_dn,
        user_base=user_base,
        user_filter=user_filter,
        bind_dn=bind_dn,
        bind_password=bind_password,
        group_filter=group_filter,
        name_attribute=text("name_attribute", "uid") or "uid",
        timeout_s=float(timeout),
        start_tls=start_tls,
        ca_file=Path(ca) if ca is not None else None,
    )


def _bind_password(file: str | None, where: str) -> str:
    """The service account's password: from a file only its owner can read, or the environment."""
    if file is not None:
        value = read_private_text(Path(file), f"{where}: bind_password_file")
    else:
        value = os.environ.get(BIND_PASSWORD_ENV, "")
    if not value:
        raise ValueError(
            f"{where}: the service account's password goes in bind_password_file or in {BIND_PASSWORD_ENV}"
        )
    return value


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"
    BAD_CREDENTIALS = "bad_credentials"  # wrong password, unknown name, or no usable password
    NO_ROLE = "no_role"  # the password is right, but no group in [roles] has the user
    UNAVAILABLE = "unavailable"  # the directory could not be asked (down, too slow, an error)


@dataclass(frozen=True)
class DirectoryAnswer:
    outcome: Outcome
    user: str  # the name as the directory spells it once signed in, else as typed
    role: Role | None = None
    group: str | None = None  # the group that gave the role
    detail: str = ""  # for the log: why (never the password)


def _norm_dn(dn: str) -> str:
    try:
        return ",".join(f"{a.strip().lower()}={v.strip().lower()}" for a, v, _ in parse_dn(dn))
    except LDAPException:
        return dn.strip().lower()


def _server(config: DirectoryConfig) -> ldap3.Server:
    tls = None
    if config.url.lower().startswith("ldaps://") or config.start_tls:
        tls = ldap3.Tls(
            validate=ssl.CERT_REQUIRED,
            ca_certs_file=str(config.ca_file) if config.ca_file is not None else None,
        )
    return ldap3.Server(config.url, connect_timeout=config.timeout_s, get_info=ldap3.NONE, tls=tls)


def _connection(config: DirectoryConfig, dn: str, password: str) -> ldap3.Connection:
    conn = ldap3.Connection(
        _server(config),
        user=dn,
        password=password,
        receive_timeout=max(1, math.ceil(config.timeout_s)),  # whole seconds (ldap3 packs it as such)
        raise_exceptions=False,
        read_only=True,
    )
    if config.start_tls:
        conn.open()
        conn.start_tls()
    return conn


def _first_value(conn: ldap3.Connection, attribute: str) -> str | None:
    if not conn.response:
        return None
    for item in conn.response:
        if item.get("type") == "searchResEntry":
            value = item.get("attributes", {}).get(attribute)
            if isinstance(value, list):
                value = value[0] if value else None
            return str(value) if value else None
    return None


def check_password(config: DirectoryConfig, user: str, password: str) -> DirectoryAnswer:
    """One directory sign-in, blocking (run it off the event loop: :class:`Directory`)."""
    if not user or len(user) > MAX_NAME or any(ord(c) < 32 for c in user):
        return DirectoryAnswer(Outcome.BAD_CREDENTIALS, user[:MAX_NAME], detail="not a usable name")
    # An empty password would be an unauthenticated bind, which LDAP answers "success".
    if not password or len(password) > MAX_PASSWORD:
        return DirectoryAnswer(Outcome.BAD_CREDENTIALS, user, detail="no usable password")
    service: ldap3.Connection | None = None
    conn: ldap3.Connection | None = None
    try:
        name = user
        if config.user_dn is not None:
            dn = config.user_dn.replace("{user}", escape_rdn(user))
        else:
            assert config.bind_dn is not None and config.user_base is not None
            service = _connection(config, config.bind_dn, config.bind_password or "")
            if not service.bind():
                return DirectoryAnswer(
                    Outcome.UNAVAILABLE, user, detail=f"service account bind: {service.result['description']}"
                )
            service.search(
                config.user_base,
                config.user_filter.replace("{user}", escape_filter_chars(user)),
                attributes=[config.name_attribute],
                size_limit=2,
            )
            found = [r for r in service.response or [] if r.get("type") == "searchResEntry"]
            if len(found) != 1:
                return DirectoryAnswer(Outcome.BAD_CREDENTIALS, user, detail=f"{len(found)} entries match")
            dn = str(found[0]["dn"])
            name = _first_value(service, config.name_attribute) or user
        conn = _connection(config, dn, password)
        if not conn.bind():
            description = str(conn.result.get("description", ""))
            if conn.result.get("result") == 49:  # invalidCredentials
                return DirectoryAnswer(Outcome.BAD_CREDENTIALS, user, detail=description)
            return DirectoryAnswer(Outcome.UNAVAILABLE, user, detail=f"bind: {description}")
        if config.user_dn is not None:
            conn.search(dn, "(objectClass=*)", search_scope=ldap3.BASE, attributes=[config.name_attribute])
            name = _first_value(conn, config.name_attribute) or user
        searcher = service or conn
        group_filter = config.group_filter.replace("{dn}", escape_filter_chars(dn)).replace(
            "{user}", escape_filter_chars(name)
        )
        if not searcher.search(config.group_base, group_filter, attributes=ldap3.NO_ATTRIBUTES):
            result = searcher.result.get("result")
            if result not in (0, 32):  # success, noSuchObject (no group base: no groups)
                return DirectoryAnswer(
                    Outcome.UNAVAILABLE, name, detail=f"group search: {searcher.result.get('description')}"
                )
        member_of = {
            _norm_dn(str(r["dn"])) for r in searcher.response or [] if r.get("type") == "searchResEntry"
        }
        for group, role in config.roles:
            if _norm_dn(group) in member_of:
                return DirectoryAnswer(Outcome.SIGNED_IN, name, role=role, group=group)
        return DirectoryAnswer(
            Outcome.NO_ROLE, name, detail=f"member of {len(member_of)} groups, none of them in [roles]"
        )
    except LDAPException as exc:
        return DirectoryAnswer(Outcome.UNAVAILABLE, user, detail=f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a failure of the check itself: the directory could not be used
        log.exception("directory check for %r failed", user)
        return DirectoryAnswer(Outcome.UNAVAILABLE, user, detail=f"{type(exc).__name__}: {exc}")
    finally:
        for c in (conn, service):
            if c is not None:
                with contextlib.suppress(LDAPException):
                    c.unbind()


class Directory:
    """Checks sign-ins off the event loop, on ``MAX_CONCURRENT`` threads of its own, with a deadline."""

    def __init__(self, config: DirectoryConfig) -> None:
        self.config = config
        self._pool = ThreadPoolExecutor(MAX_CONCURRENT, thread_name_prefix="directory")

    async def sign_in(self, user: str, password: str) -> DirectoryAnswer:
        loop = asyncio.get_running_loop()
        # A little beyond ldap3's own timeouts (connect, each receive): the check ends by itself
        # first when it can; a sign-in still waiting for a thread counts against it too.
        deadline = self.config.timeout_s * 2
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(self._pool, check_password, self.config, user, password), deadline
            )
        except TimeoutError:
            return DirectoryAnswer(
                Outcome.UNAVAILABLE, user, detail=f"no answer from {self.config.url} within {deadline:g} s"
            )

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
