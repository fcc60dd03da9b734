"""Tables of the gateway's store, as typed declarative models.

The writer and the repository use these tables through Core (``Model.__table__``)
for speed; the models are the one place the schema is declared, and the
migrations under ``migrations/versions`` must match them (a test compares the
two). Timestamps are wire-format text (``YYYY-MM-DDTHH:MM:SS.mmmZ``), which
sorts chronologically, and JSON is stored as text so SQLite and PostgreSQL hold
exactly the same bytes.
"""

from __future__ import annotations

import base64
import zlib
from typing import Any

import msgspec
from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, MetaData, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Predictable constraint names, so batch migrations on SQLite can name what they drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: BIGINT on PostgreSQL; on SQLite plain INTEGER so the key is the rowid itself
#: (a ``BIGINT PRIMARY KEY`` there would be a second, slower index).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class EventRow(Base):
    """The journal: every event exactly as it went on the wire."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text)  # the encoded event JSON, whole


class CaseRow(Base):
    """Projection of case events: one row per case ever created, open or closed."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    queue_id: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, index=True)
    agent_id: Mapped[str | None] = mapped_column(Text, index=True)
    created_at: Mapped[str] = mapped_column(Text)
    first_response_due: Mapped[str] = mapped_column(Text)
    resolution_due: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    customer: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(Text)
    first_response_at: Mapped[str | None] = mapped_column(Text)
    reopened: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[str | None] = mapped_column(Text)  # feed time it last closed; None while open
    updated_seq: Mapped[int] = mapped_column(BigId)  # seq of the last event that changed it
    updated_at: Mapped[str] = mapped_column(Text)


class CaseHistoryRow(Base):
    """One row per case.created / case.updated that applied to a case."""

    __tablename__ = "case_history"
    __table_args__ = (Index("ix_case_history_case_id_seq", "case_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(Text, ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(BigId)
    at: Mapped[str] = mapped_column(Text)
    changes: Mapped[str] = mapped_column(Text)  # JSON: the whole case for case.created
    version: Mapped[int] = mapped_column(Integer)


class CallRow(Base):
    """Completed calls (answered and ended, or abandoned): one row per call that left the floor."""

    __tablename__ = "calls"
    __table_args__ = (Index("ix_calls_entered_at_id", "entered_at", "id"),)  # calls.query pages

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    queue_id: Mapped[str] = mapped_column(Text)
    agent_id: Mapped[str | None] = mapped_column(Text, index=True)
    caller: Mapped[str] = mapped_column(Text)  # masked
    priority: Mapped[int] = mapped_column(Integer)
    entered_at: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[str] = mapped_column(Text, index=True)
    outcome: Mapped[str] = mapped_column(Text)  # answered | abandoned
    wait_s: Mapped[float] = mapped_column(Float)
    talk_s: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float] = mapped_column(Float)
    short_abandon: Mapped[bool] = mapped_column(Boolean)


class FlagRow(Base):
    """Projection of flag events: one row per quality flag, never deleted."""

    __tablename__ = "flags"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    call_id: Mapped[str] = mapped_column(Text, index=True)
    queue_id: Mapped[str] = mapped_column(Text)
    agent_id: Mapped[str | None] = mapped_column(Text, index=True)
    team: Mapped[str | None] = mapped_column(Text)
    caller: Mapped[str] = mapped_column(Text)  # masked
    call_started_at: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    moment_s: Mapped[float | None] = mapped_column(Float)
    flagged_by: Mapped[str] = mapped_column(Text)
    flagged_at: Mapped[str] = mapped_column(Text, index=True)
    status: Mapped[str] = mapped_column(Text, index=True)
    reviewer: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[str] = mapped_column(Text)
    closed_at: Mapped[str | None] = mapped_column(Text)
    updated_seq: Mapped[int] = mapped_column(BigId)  # seq of the last event that changed it


class FlagHistoryRow(Base):
    """One row per flag.created / flag.updated applied to a flag: the flag's whole history."""

    __tablename__ = "flag_history"
    __table_args__ = (Index("ix_flag_history_flag_id_seq", "flag_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    flag_id: Mapped[str] = mapped_column(Text, ForeignKey("flags.id"))
    seq: Mapped[int] = mapped_column(BigId)
    at: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(Text)  # the user who flagged or updated
    changes: Mapped[str] = mapped_column(Text)  # JSON: the whole flag for flag.created
    note: Mapped[str | None] = mapped_column(Text)  # the review note added, if any
    version: Mapped[int] = mapped_column(Integer)


class AgentStateRow(Base):
    """One row per state an agent entered (agent.added, agent.state; agent.removed as offline).

    A spell runs from ``started_at`` to the agent's next row: what ``agent.timeline`` reads.
    """

    __tablename__ = "agent_states"
    __table_args__ = (Index("ix_agent_states_agent_id_started_at", "agent_id", "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agent_id: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(BigId)


class AgentCaseRow(Base):
    """One row per change of a case that concerns an agent: assigned to it, taken from it,
    or its status changed while it was the agent's (``change`` is assigned, unassigned or
    the new status)."""

    __tablename__ = "agent_cases"
    __table_args__ = (Index("ix_agent_cases_agent_id_at", "agent_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agent_id: Mapped[str] = mapped_column(Text)
    case_id: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(BigId)
    at: Mapped[str] = mapped_column(Text)
    change: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)  # the case's status after the change


class UserRow(Base):
    """Console users. Never the token: a keyed lookup and a salted scrypt verifier (store/tokens.py)."""

    __tablename__ = "users"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    role: Mapped[str] = mapped_column(Text)
    # HMAC-SHA256 hex of the token under the server secret; None: no usable token (rotate it).
    token_key: Mapped[str | None] = mapped_column(Text, unique=True)
    token_verifier: Mapped[str | None] = mapped_column(Text)  # scrypt$N$r$p$salt$hash
    created_at: Mapped[str] = mapped_column(Text)  # UTC wall clock
    updated_at: Mapped[str] = mapped_column(Text)
    last_used_at: Mapped[str | None] = mapped_column(Text)  # last sign-in, UTC wall clock
    revoked_at: Mapped[str | None] = mapped_column(Text)  # None while the user may sign in


class AuditRow(Base):
    """Every command, accepted or refused, with its outcome."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_user_command_id", "user", "command_id"),
        Index("ix_audit_command_id", "command_id"),  # any user's command, e.g. to undo it
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(Text, index=True)  # feed clock
    wall_at: Mapped[str] = mapped_column(Text)  # UTC wall clock, for forensics only
    user: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)
    command_id: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    args: Mapped[str] = mapped_column(Text)  # JSON
    ok: Mapped[bool] = mapped_column(Boolean)
    result: Mapped[str | None] = mapped_column(Text)  # JSON
    error_code: Mapped[str | None] = mapped_column(Text)
    error_message: Mapped[str | None] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text)  # JSON
    after: Mapped[str | None] = mapped_column(Text)  # JSON


#: A checkpoint's ``snapshot`` text: the encoded snapshot deflated and in base64 behind this
#: prefix (about a tenth of the JSON: a large floor's checkpoint no longer holds up the commits
#: of the events after it), or, as written before, the JSON itself.
CHECKPOINT_ZLIB = "zlib:"


def checkpoint_text(snapshot: bytes) -> str:
    """What a checkpoint's ``snapshot`` column holds for an encoded snapshot (deflated, level 1:
    15 MB of JSON in about 90 ms of a core, with the GIL released)."""
    return CHECKPOINT_ZLIB + base64.b64encode(zlib.compress(snapshot, 1)).decode("ascii")


def checkpoint_bytes(text: str) -> bytes:
    """The encoded snapshot a checkpoint's ``snapshot`` column holds (either form)."""
    if text.startswith(CHECKPOINT_ZLIB):
        return zlib.decompress(base64.b64decode(text[len(CHECKPOINT_ZLIB) :]))
    return text.encode()


class CheckpointRow(Base):
    """Encoded snapshots, so a restart replays only the events after the latest
    (``checkpoint_text``: deflated; older rows plain JSON)."""

    __tablename__ = "checkpoints"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    at: Mapped[str | None] = mapped_column(Text)  # None before the feed clock has started
    snapshot: Mapped[str] = mapped_column(Text)


class MetaRow(Base):
    """Small key/value state, e.g. the simulator's id counters."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditRecord(msgspec.Struct, kw_only=True):
    """One audit entry as the gateway hands it in and the repository reads it back."""

    at: str
    user: str
    role: str
    command_id: str
    action: str
    args: dict[str, Any]
    ok: bool
    result: dict[str, Any] | None = None
    error_code: str | None = None
    error_message: str | None = None
    before: Any = None
    after: Any = None
    wall_at: str | None = None  # filled in by the store when None


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


# The Core tables, for the writer's and the repository's statements.
events_table = _table(EventRow)
cases_table = _table(CaseRow)
case_history_table = _table(CaseHistoryRow)
users_table = _table(UserRow)
calls_table = _table(CallRow)
flags_table = _table(FlagRow)
flag_history_table = _table(FlagHistoryRow)
agent_states_table = _table(AgentStateRow)
agent_cases_table = _table(AgentCaseRow)
audit_table = _table(AuditRow)
checkpoints_table = _table(CheckpointRow)
meta_table = _table(MetaRow)
