"""The store's front door: opening the database, reads, users, and starting the writer.

Reads run on the caller's thread, each on a pooled connection of its own; with
SQLite in WAL mode they never wait for the writer. All journal and audit
writes go through the :class:`~console.store.writer.StoreWriter`; only users
are written here, synchronously, because they change rarely and the caller
wants to know at once that it worked.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from console.domain.clock import iso
from console.domain.entities import CallOutcome, CompletedCall
from console.store.db import SQLITE_BEGIN, make_engine, upgrade, upsert
from console.store.retention import CHUNK, DAY_CHECKPOINT_KEY
from console.store.schema import (
    AuditRecord,
    agent_cases_table,
    agent_states_table,
    audit_table,
    calls_table,
    case_history_table,
    cases_table,
    checkpoint_bytes,
    checkpoints_table,
    events_table,
    flag_history_table,
    flags_table,
    meta_table,
    users_table,
)
from console.store.tokens import check_verifier, lookup_key, make_verifier, new_token, server_secret
from console.store.writer import CHECKPOINT_APART_BYTES, StoreHealth, StoreWriter, wall_clock

log = logging.getLogger(__name__)


#: The meta key that changes with every change to the users (a running gateway polls it).
USERS_VERSION_KEY = "users.version"
#: ``last_used_at`` is written at most this often per user.
LAST_USED_EVERY_MS = 60_000


class SignedIn(NamedTuple):
    name: str
    role: str
    token_key: str  # the keyed lookup of the token used, to tell a rotated token
    users_version: str | None  # the users version read before the token was checked


class UserInfo(NamedTuple):
    """What ``users list`` shows: never a token, key or verifier."""

    name: str
    role: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None
    has_token: bool


def _json(text: str | None) -> Any:
    return None if text is None else msgspec.json.decode(text)


def _audit_record(row: Row[Any]) -> AuditRecord:
    return AuditRecord(
        at=row.at,
        wall_at=row.wall_at,
        user=row.user,
        role=row.role,
        command_id=row.command_id,
        action=row.action,
        args=_json(row.args),
        ok=bool(row.ok),
        result=_json(row.result),
        error_code=row.error_code,
        error_message=row.error_message,
        before=_json(row.before),
        after=_json(row.after),
    )


def _completed_call(row: Row[Any]) -> CompletedCall:
    return CompletedCall(
        id=row.id,
        queue_id=row.queue_id,
        agent_id=row.agent_id,
        caller=row.caller,
        priority=row.priority,
        entered_at=row.entered_at,
        answered_at=row.answered_at,
        ended_at=row.ended_at,
        outcome=CallOutcome(row.outcome),
        wait_s=row.wait_s,
        talk_s=row.talk_s,
        duration_s=row.duration_s,
        short_abandon=bool(row.short_abandon),
    )


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: Tokens remembered as checked (sign_in); beyond this many the oldest is forgotten.
VERIFIED_KEPT = 10_000


def _lowest_priority() -> None:
    """This thread at the lowest CPU priority (Linux: niceness is per thread); elsewhere nothing."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


class Store:
    """One database: SQLite file or PostgreSQL, migrated to head on open."""

    def __init__(self, url: str, engine: Engine, *, secret_file: Path | None = None) -> None:
        self.url = url
        self.engine = engine
        self._secret_file = secret_file
        self._secret: bytes | None = None
        self._writer: StoreWriter | None = None
        # (token key, verifier) pairs a token was checked against by scrypt in this process, oldest
        # first: the same token against the same verifier is not hashed again (see sign_in).
        self._verified: dict[tuple[str, str], None] = {}
        self._verified_lock = threading.Lock()
        # Token checks (scrypt) run on threads of their own, a core fewer than the machine has
        # and at the lowest priority: a storm of sign-ins (a shift's consoles, 0.1 s of a core
        # each) waits for the cores the loop and the store's writer leave, and never starves
        # the consoles already connected (their frames stood still for 400 ms in a storm).
        self._hashing = ThreadPoolExecutor(
            max(1, (os.cpu_count() or 2) - 1), thread_name_prefix="store-scrypt", initializer=_lowest_priority
        )

    @classmethod
    def open(cls, url: str, *, busy_timeout: float = 5.0, secret_file: Path | None = None) -> Store:
        """Connect to ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``) and migrate it.

        ``busy_timeout`` is how long a SQLite statement waits for another
        connection's lock before the error that the writer then retries.
        """
        engine = make_engine(url, busy_timeout=busy_timeout)
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(url, engine, secret_file=secret_file)

    # -- journal --------------------------------------------------------------

    def last_seq(self) -> int:
        """The highest event seq in the journal; 0 when it is empty."""
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.coalesce(func.max(events_table.c.seq), 0))) or 0)

    def events_after(self, seq: int, limit: int | None = None) -> list[tuple[int, bytes]]:
        """(seq, encoded event) for the events after ``seq``, ascending, at most ``limit``."""
        t = events_table
        stmt = select(t.c.seq, t.c.data).where(t.c.seq > seq).order_by(t.c.seq)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            return [(s, d.encode()) for s, d in conn.execute(stmt)]

    def tail_events(self, count: int) -> list[tuple[int, bytes]]:
        """The last ``count`` events, ascending."""
        if count <= 0:
            return []
        t = events_table
        stmt = select(t.c.seq, t.c.data).order_by(t.c.seq.desc()).limit(count)
        with self.engine.connect() as conn:
            rows = [(s, d.encode()) for s, d in conn.execute(stmt)]
        rows.reverse()
        return rows

    def latest_checkpoint(self) -> tuple[int, bytes] | None:
        """(seq, encoded snapshot) of the newest checkpoint, or None."""
        t = checkpoints_table
        stmt = select(t.c.seq, t.c.snapshot).order_by(t.c.seq.desc()).limit(1)
        with self.engine.connect() as conn:
            row = conn.execute(stmt).first()
        return None if row is None else (row.seq, checkpoint_bytes(row.snapshot))

    # -- history (history.query) ---------------------------------------------

    def day_checkpoints(self) -> dict[str, int]:
        """Business day (YYYY-MM-DD) -> seq of the checkpoint just before it, for the days held."""
        m = meta_table
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(m.c.key, m.c.value).where(m.c.key.like(DAY_CHECKPOINT_KEY.format("%")))
            )
            return {key.rsplit(".", 1)[-1]: int(value) for key, value in rows}

    def checkpoint_at(self, seq: int) -> bytes | None:
        """The encoded snapshot of the checkpoint at ``seq``, or None."""
        t = checkpoints_table
        with self.engine.connect() as conn:
            text = conn.scalar(select(t.c.snapshot).where(t.c.seq == seq))
        return None if text is None else checkpoint_bytes(text)

    def first_event(self) -> tuple[int, str] | None:
        """(seq, at) of the journal's first event held, or None when it is empty."""
        t = events_table
        with self.engine.connect() as conn:
            row = conn.execute(select(t.c.seq, t.c.at).order_by(t.c.seq).limit(1)).first()
        return None if row is None else (int(row.seq), str(row.at))

    def events_until(self, after: int, before_at: str, chunk: int = 5000) -> Iterator[tuple[int, bytes]]:
        """(seq, encoded event) after ``after`` and dated before ``before_at``, ascending, read in chunks."""
        t = events_table
        while True:
            stmt = (
                select(t.c.seq, t.c.data)
                .where(t.c.seq > after, t.c.at < before_at)
                .order_by(t.c.seq)
                .limit(chunk)
            )
            with self.engine.connect() as conn:
                rows = [(int(s), d.encode()) for s, d in conn.execute(stmt)]
            yield from rows
            if len(rows) < chunk:
                return
            after = rows[-1][0]

    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            value: str | None = conn.scalar(select(meta_table.c.value).where(meta_table.c.key == key))
        return value

    # -- users ------------------------------------------------------------------
    # Tokens are kept as a keyed lookup and a salted scrypt verifier (store/tokens.py).
    # Every change to the users bumps USERS_VERSION_KEY in meta, which a running
    # gateway polls to close the connections of revoked or rotated users.

    @property
    def secret(self) -> bytes:
        """The server secret keying the token lookup (read or made on first use)."""
        if self._secret is None:
            self._secret = server_secret(self.url, self._secret_file)
        return self._secret

    def users_version(self) -> str | None:
        """Changes whenever a user is added, changed, rotated or revoked."""
        return self.get_meta(USERS_VERSION_KEY)

    def _bump_users_version(self, conn: Connection) -> None:
        stmt = upsert(self.engine.dialect.name, meta_table, ["key"], ["value"])
        conn.execute(stmt, {"key": USERS_VERSION_KEY, "value": secrets.token_hex(8)})

    def _write_users(self, stmt: Any, row: dict[str, Any]) -> int:
        try:
            with self.engine.connect() as conn:
                conn.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
                with conn.begin():
                    count = conn.execute(stmt, row).rowcount
                    if count:
                        self._bump_users_version(conn)
        except IntegrityError:
            name = row.get("name", row.get("b_name"))
            raise ValueError(f"user {name}: that token is already another user's") from None
        return int(count)

    def _user_row(self, name: str) -> Row[Any] | None:
        with self.engine.connect() as conn:
            return conn.execute(select(users_table).where(users_table.c.name == name)).first()

    def upsert_user(self, name: str, role: str, token: str) -> None:
        """Create or update a user with this token (and reinstate them if revoked).

        Nothing is written when the user already holds exactly this token and role,
        so a gateway restarted with the same ``--user`` does not re-hash (or sign
        anybody out).
        """
        if not name or not role or not token:
            raise ValueError("a user needs a name, a role and a token")
        key = lookup_key(self.secret, token)
        row = self._user_row(name)
        if (
            row is not None
            and row.role == role
            and row.revoked_at is None
            and row.token_key is not None
            and hmac.compare_digest(row.token_key, key)
            and row.token_verifier is not None
        ):
            return
        now = wall_clock()
        columns = ["role", "token_key", "token_verifier", "updated_at", "revoked_at"]
        stmt = upsert(self.engine.dialect.name, users_table, ["name"], columns)
        self._write_users(
            stmt,
            {
                "name": name,
                "role": role,
                "token_key": key,
                "token_verifier": make_verifier(token),
                "created_at": now,
                "updated_at": now,
                "revoked_at": None,
            },
        )

    def add_user(self, name: str, role: str) -> str:
        """A new user with a new random token, which is returned (and kept nowhere)."""
        if not name or not role:
            raise ValueError("a user needs a name and a role")
        if self._user_row(name) is not None:
            raise ValueError(f"user {name} already exists (give them a new token with: users rotate {name})")
        token = new_token()
        now = wall_clock()
        stmt = insert(users_table)
        row = {
            "name": name,
            "role": role,
            "token_key": lookup_key(self.secret, token),
            "token_verifier": make_verifier(token),
            "created_at": now,
            "updated_at": now,
        }
        try:
            self._write_users(stmt, row)
        except ValueError:
            raise ValueError(f"user {name} already exists") from None
        return token

    def rotate_user(self, name: str) -> str:
        """A new random token for ``name`` (returned); the old one stops working, a revoked user is back."""
        token = new_token()
        t = users_table
        stmt = (
            update(t)
            .where(t.c.name == bindparam("b_name"))
            .values(
                token_key=bindparam("b_key"),
                token_verifier=bindparam("b_verifier"),
                updated_at=bindparam("b_now"),
                revoked_at=None,
            )
        )
        row = {
            "b_name": name,
            "b_key": lookup_key(self.secret, token),
            "b_verifier": make_verifier(token),
            "b_now": wall_clock(),
        }
        if not self._write_users(stmt, row):
            raise ValueError(f"no user {name}")
        return token

    def revoke_user(self, name: str) -> bool:
        """Revoke ``name``: the token is forgotten and stops working; False if no such user or already."""
        t = users_table
        stmt = (
            update(t)
            .where(t.c.name == bindparam("b_name"), t.c.revoked_at.is_(None))
            .values(
                token_key=None,
                token_verifier=None,
                revoked_at=bindparam("b_now"),
                updated_at=bindparam("b_now"),
            )
        )
        return self._write_users(stmt, {"b_name": name, "b_now": wall_clock()}) > 0

    def list_users(self) -> list[UserInfo]:
        """Every user, by name: never a token, a key or a verifier."""
        t = users_table
        stmt = select(
            t.c.name, t.c.role, t.c.created_at, t.c.last_used_at, t.c.revoked_at, t.c.token_key.is_not(None)
        ).order_by(t.c.name)
        with self.engine.connect() as conn:
            return [
                UserInfo(
                    name=r[0],
                    role=r[1],
                    created_at=r[2],
                    last_used_at=r[3],
                    revoked_at=r[4],
                    has_token=bool(r[5]),
                )
                for r in conn.execute(stmt)
            ]

    def active_users(self) -> dict[str, tuple[str, str]]:
        """name -> (role, token key) of every user who may sign in now."""
        t = users_table
        stmt = select(t.c.name, t.c.role, t.c.token_key).where(
            t.c.revoked_at.is_(None), t.c.token_key.is_not(None)
        )
        with self.engine.connect() as conn:
            return {name: (role, key) for name, role, key in conn.execute(stmt)}

    def user_role(self, name: str) -> str | None:
        """The role of the user ``name``, or None when there is no such user."""
        with self.engine.connect() as conn:
            role: str | None = conn.scalar(select(users_table.c.role).where(users_table.c.name == name))
        return role

    def _check_once(self, pair: tuple[str, str], verifier: str, token: str) -> bool:
        """On a hashing thread: ``token`` against ``verifier``, unless checked meanwhile; kept."""
        with self._verified_lock:
            if pair in self._verified:
                return True
        if not check_verifier(verifier, token):
            return False
        with self._verified_lock:
            self._verified[pair] = None
            if len(self._verified) > VERIFIED_KEPT:
                del self._verified[next(iter(self._verified))]
        return True

    def sign_in(self, token: str) -> SignedIn | None:
        """The user holding ``token`` (checked against the scrypt verifier), or None. Slow: off the loop.

        The users version is read first, so a change after it is always seen by
        whoever watches the version (see ``SignedIn.users_version``).
        """
        if not token:
            return None
        version = self.users_version()
        key = lookup_key(self.secret, token)
        t = users_table
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.c.name, t.c.role, t.c.token_key, t.c.token_verifier, t.c.last_used_at).where(
                    t.c.token_key == key, t.c.revoked_at.is_(None)
                )
            ).first()
        if row is None or row.token_verifier is None or not hmac.compare_digest(row.token_key, key):
            return None
        # A shift's consoles signing in at once would cost a scrypt each (0.1 s of a core):
        # a token already checked against this very verifier is not hashed again. The pair
        # is only reached by a token whose keyed lookup matches, and a rotated token has a new
        # verifier, a revoked one no row.
        pair = (key, row.token_verifier)
        with self._verified_lock:
            known = pair in self._verified
        # One hash for a token signing in from many consoles at once: whoever waited behind the
        # first finds it checked (looked up again on the hashing thread).
        if not known and not self._hashing.submit(self._check_once, pair, row.token_verifier, token).result():
            return None
        now_ms = time.time_ns() // 1_000_000
        # At most one write a minute per user: sign-ins never queue behind the writer for a record.
        if row.last_used_at is None or row.last_used_at < iso(now_ms - LAST_USED_EVERY_MS):
            try:
                with self.engine.connect() as conn, conn.begin():
                    conn.execute(update(t).where(t.c.name == row.name).values(last_used_at=iso(now_ms)))
            except SQLAlchemyError as exc:  # only a record of use: never a reason to refuse
                log.warning("store: could not record %s's sign-in: %s", row.name, exc)
        return SignedIn(name=row.name, role=row.role, token_key=key, users_version=version)

    def user_for_token(self, token: str) -> tuple[str, str] | None:
        """(name, role) of the user holding ``token``, or None."""
        found = self.sign_in(token)
        return None if found is None else (found.name, found.role)

    # -- audit ------------------------------------------------------------------

    def audit(
        self,
        *,
        user: str | None = None,
        action: str | None = None,
        since_at: str | None = None,
        limit: int = 1000,
    ) -> list[AuditRecord]:
        """The latest ``limit`` audit records matching every filter given, oldest first.

        ``since_at`` keeps records whose feed time ``at`` is at or after it.
        """
        t = audit_table
        stmt = select(t).order_by(t.c.id.desc()).limit(limit)
        if user is not None:
            stmt = stmt.where(t.c.user == user)
        if action is not None:
            stmt = stmt.where(t.c.action == action)
        if since_at is not None:
            stmt = stmt.where(t.c.at >= since_at)
        with self.engine.connect() as conn:
            records = [_audit_record(row) for row in conn.execute(stmt)]
        records.reverse()
        return records

    def audit_for_command(self, user: str, command_id: str) -> AuditRecord | None:
        """The outcome to replay for a re-sent command: its first ok record, else its first record."""
        t = audit_table
        stmt = (
            select(t)
            .where(t.c.user == user, t.c.command_id == command_id)
            .order_by(t.c.ok.desc(), t.c.id)
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(stmt).first()
        return None if row is None else _audit_record(row)

    def audit_by_command_id(self, command_id: str, *, ok: bool = True) -> list[AuditRecord]:
        """Every user's records of ``command_id``, oldest first; only the applied ones unless ``ok=False``."""
        t = audit_table
        stmt = select(t).where(t.c.command_id == command_id).order_by(t.c.id)
        if ok:
            stmt = stmt.where(t.c.ok.is_(True))
        with self.engine.connect() as conn:
            return [_audit_record(row) for row in conn.execute(stmt)]

    # -- cases ------------------------------------------------------------------

    def case_row(self, case_id: str) -> dict[str, Any] | None:
        """The case's projected row (all Case fields, closed_at, updated_seq/updated_at), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(cases_table).where(cases_table.c.id == case_id)).first()
        return None if row is None else dict(row._mapping)

    def case_history(self, case_id: str) -> list[dict[str, Any]]:
        """The case's history in seq order; ``changes`` decoded (the whole case for case.created)."""
        t = case_history_table
        stmt = select(t).where(t.c.case_id == case_id).order_by(t.c.seq)
        with self.engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(stmt)]
        for row in rows:
            row["changes"] = _json(row["changes"])
        return rows

    # -- completed calls ------------------------------------------------------------

    def completed_call(self, call_id: str) -> CompletedCall | None:
        """The completed call ``call_id``, or None (in progress, unknown, or finished before 0003)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(calls_table).where(calls_table.c.id == call_id)).first()
        return None if row is None else _completed_call(row)

    def completed_calls(
        self,
        *,
        ended_since: str | None = None,
        agent_id: str | None = None,
        queue_id: str | None = None,
        since: str | None = None,
        until: str | None = None,
        text: str | None = None,
        outcome: CallOutcome | str | None = None,
        after: tuple[str, str] | None = None,
        limit: int = 100,
    ) -> tuple[list[CompletedCall], int]:
        """Completed calls matching every filter given, newest first, and how many match in all.

        Newest is by ``entered_at``, then id, both descending. ``ended_since``
        keeps calls that ended at or after it; ``since``/``until`` bound
        ``entered_at`` (``[since, until)``); ``text`` is a case-insensitive
        substring of the call id or the masked caller; ``after`` is the
        (entered_at, id) of the last call of the previous page. The count
        ignores ``after`` and ``limit``; both reads are one transaction.
        """
        t = calls_table
        where: list[ColumnElement[bool]] = []
        if ended_since is not None:
            where.append(t.c.ended_at >= ended_since)
        if agent_id is not None:
            where.append(t.c.agent_id == agent_id)
        if queue_id is not None:
            where.append(t.c.queue_id == queue_id)
        if since is not None:
            where.append(t.c.entered_at >= since)
        if until is not None:
            where.append(t.c.entered_at < until)
        if text:
            pattern = f"%{_like_escaped(text)}%"
            where.append(or_(t.c.id.ilike(pattern, escape="\\"), t.c.caller.ilike(pattern, escape="\\")))
        if outcome is not None:
            where.append(t.c.outcome == str(outcome))
        page = select(t).where(*where)
        if after is not None:
            entered_at, call_id = after
            page = page.where(
                or_(t.c.entered_at < entered_at, and_(t.c.entered_at == entered_at, t.c.id < call_id))
            )
        page = page.order_by(t.c.entered_at.desc(), t.c.id.desc()).limit(limit)
        count = select(func.count()).select_from(t).where(*where)
        with self.engine.connect() as conn, conn.begin():
            rows = [_completed_call(row) for row in conn.execute(page)]
            total = int(conn.scalar(count) or 0)
        return rows, total

    # -- flags ------------------------------------------------------------------

    def flag_row(self, flag_id: str) -> dict[str, Any] | None:
        """The flag's projected row (every Flag field but notes, plus updated_seq), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(flags_table).where(flags_table.c.id == flag_id)).first()
        return None if row is None else dict(row._mapping)

    def flag_history(self, flag_id: str) -> list[dict[str, Any]]:
        """The flag's history in seq order: who, when, ``changes`` (decoded; the whole flag first), note."""
        t = flag_history_table
        stmt = select(t).where(t.c.flag_id == flag_id).order_by(t.c.seq)
        with self.engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(stmt)]
        for row in rows:
            row["changes"] = _json(row["changes"])
        return rows

    # -- an agent's day -------------------------------------------------------------

    def agent_timeline(self, agent_id: str, *, since: str | None, limit: int) -> dict[str, Any]:
        """The agent's day from ``since``: state spells, completed calls, case changes, flags.

        Each list is in time order, at most ``limit`` long (the latest kept);
        ``capped`` names the lists that had more. ``states`` starts with the spell
        the agent was in at ``since`` (its ``started_at`` before it), so the first
        spell of the day is known. Calls are today's completed ones (masked caller,
        as stored), cases the changes that assigned a case to the agent, took one
        from it or changed the status of one it held, flags those raised today on
        its calls. All reads are one transaction.
        """
        s, c, k, f = agent_states_table, calls_table, agent_cases_table, flags_table
        day = since or ""
        capped: list[str] = []

        def latest(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
            if len(rows) > limit:
                capped.append(name)
                rows = rows[:limit]
            rows.reverse()  # read newest first, handed out oldest first
            return rows

        with self.engine.connect() as conn, conn.begin():
            cols = (s.c.state, s.c.reason, s.c.started_at, s.c.seq)
            mine = s.c.agent_id == agent_id
            states = [
                dict(r._mapping)
                for r in conn.execute(
                    select(*cols)
                    .where(mine, s.c.started_at >= day)
                    .order_by(s.c.started_at.desc(), s.c.seq.desc())
                    .limit(limit + 1)
                )
            ]
            states = latest(states, "states")
            if "states" not in capped and since is not None:
                before = conn.execute(
                    select(*cols)
                    .where(mine, s.c.started_at < day)
                    .order_by(s.c.started_at.desc(), s.c.seq.desc())
                    .limit(1)
                ).first()
                if before is not None:
                    states.insert(0, dict(before._mapping))
            calls = [
                msgspec.to_builtins(_completed_call(r))
                for r in conn.execute(
                    select(c)
                    .where(c.c.agent_id == agent_id, c.c.ended_at >= day)
                    .order_by(c.c.entered_at.desc(), c.c.id.desc())
                    .limit(limit + 1)
                )
            ]
            calls = latest(calls, "calls")
            cases = [
                dict(r._mapping)
                for r in conn.execute(
                    select(
                        k.c.case_id,
                        k.c.at,
                        k.c.seq,
                        k.c.change,
                        k.c.status,
                        cases_table.c.subject,
                        cases_table.c.queue_id,
                        cases_table.c.priority,
                    )
                    .join(cases_table, cases_table.c.id == k.c.case_id)
                    .where(k.c.agent_id == agent_id, k.c.at >= day)
                    .order_by(k.c.at.desc(), k.c.seq.desc(), k.c.id.desc())
                    .limit(limit + 1)
                )
            ]
            cases = latest(cases, "cases")
            flags = [
                dict(r._mapping)
                for r in conn.execute(
                    select(
                        f.c.id,
                        f.c.call_id,
                        f.c.category,
                        f.c.severity,
                        f.c.status,
                        f.c.flagged_by,
                        f.c.flagged_at,
                        f.c.call_started_at,
                        f.c.moment_s,
                    )
                    .where(f.c.agent_id == agent_id, f.c.flagged_at >= day)
                    .order_by(f.c.flagged_at.desc(), f.c.id.desc())
                    .limit(limit + 1)
                )
            ]
            flags = latest(flags, "flags")
        return {"states": states, "calls": calls, "cases": cases, "flags": flags, "capped": capped}

    # -- writer and lifetime -------------------------------------------------------

    def start_writer(
        self,
        on_committed: Callable[[int, int], None],
        *,
        max_batch_events: int = 20_000,
        prune_chunk: int = CHUNK,
        on_health: Callable[[StoreHealth], None] | None = None,
        checkpoint_apart_bytes: int = CHECKPOINT_APART_BYTES,
    ) -> StoreWriter:
        """Start the one background writer of this store."""
        if self._writer is not None and self._writer.alive:
            raise RuntimeError("this store already has a running writer")
        self._writer = StoreWriter(
            self.engine,
            on_committed,
            committed_seq=self.last_seq(),
            max_batch_events=max_batch_events,
            prune_chunk=prune_chunk,
            on_health=on_health,
            checkpoint_apart_bytes=checkpoint_apart_bytes,
        )
        return self._writer

    def close(self) -> None:
        """Flush and stop the writer if it still runs, then dispose the engine."""
        if self._writer is not None and self._writer.alive:
            log.warning("store: closing with the writer still running; flushing it first")
            self._writer.close()
        self._hashing.shutdown(wait=False, cancel_futures=True)
        self.engine.dispose()
