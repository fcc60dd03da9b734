"""The background writer: everything the gateway persists goes through it.

One daemon thread ("store-writer") drains whatever is queued into one
transaction (whole submissions, up to ``max_batch_events`` events), so the
cost of a commit is shared by every event that arrived while the previous one
ran: throughput rises with load while latency stays at about one commit.

Guarantees: submissions commit in FIFO order and a batch is all-or-nothing;
events commit in seq order (``submit`` refuses a seq that does not increase).
A database error that may pass (locked, disk full, read-only, connection lost,
server restarting) is logged and the same batch is retried with capped
exponential backoff: the writer never drops or reorders anything. Meanwhile
the store is *unavailable*: the writer reports its health (``StoreHealth``:
since when, and why) through ``on_health`` when it changes, and again when a
commit succeeds. The retry is interruptible: ``close(grace=...)`` gives an
unavailable store that long, then abandons what it could not commit and says
so in the log (nothing of it was acknowledged). Any other error (a duplicate
seq is a bug) stops the writer and is kept in ``failed`` for the gateway to
report.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from operator import itemgetter
from typing import Any

import msgspec
from sqlalchemy import BigInteger, Connection, Engine, Table, cast, delete, func, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from console.domain.clock import iso
from console.domain.entities import (
    Case,
    CaseStatus,
    CompletedCall,
    Flag,
    FlagStatus,
    case_changes_valid,
    flag_changes_valid,
)
from console.domain.events import (
    AgentAdded,
    AgentRemoved,
    AgentStateChanged,
    CaseCreated,
    CaseUpdated,
    Event,
    FlagCreated,
    FlagUpdated,
)
from console.store.db import SQLITE_BEGIN, upsert
from console.store.retention import CHUNK, DAY_CHECKPOINT_KEY, PRUNED_TABLES, prune_chunk
from console.store.schema import (
    AuditRecord,
    agent_cases_table,
    agent_states_table,
    audit_table,
    calls_table,
    case_history_table,
    cases_table,
    checkpoint_text,
    checkpoints_table,
    events_table,
    flag_history_table,
    flags_table,
    meta_table,
)

log = logging.getLogger(__name__)

#: Checkpoints kept; older ones are deleted in the transaction that adds a new one.
KEEP_CHECKPOINTS = 3
#: A checkpoint this large (encoded) is deflated on a thread of its own and written with a later
#: batch, so the batch that takes it is not held up (15.5 MB for the load centre: its transaction
#: took 85 to 214 ms at a load of 2.5 where 99 % of the others took under 37; the events waited).
CHECKPOINT_APART_BYTES = 256 * 1024
#: Time a prune may take between two of the floor's batches (in chunks of retention.CHUNK rows).
PRUNE_SLICE_S = 0.05
#: Meta key holding the last batch committed, to settle a commit whose outcome was lost.
BATCH_MARKER_KEY = "store.writer_batch"

_events = events_table
_cases = cases_table
_history = case_history_table
_audit = audit_table
_checkpoints = checkpoints_table
_meta = meta_table
_calls = calls_table
_flags = flags_table
_flag_history = flag_history_table
_agent_states = agent_states_table
_agent_cases = agent_cases_table

_CASE_COLUMNS = tuple(c.name for c in _cases.columns if c.name != "id")
_CALL_COLUMNS = tuple(c.name for c in _calls.columns if c.name != "id")
_FLAG_COLUMNS = tuple(c.name for c in _flags.columns if c.name != "id")
# The projection each payload type also goes to, besides the journal (one lookup an event).
_PROJECTED: dict[type[Any], Table] = {
    CaseCreated: _cases,
    CaseUpdated: _cases,
    FlagCreated: _flags,
    FlagUpdated: _flags,
    AgentAdded: _agent_states,
    AgentStateChanged: _agent_states,
    AgentRemoved: _agent_states,
}
_IN_CHUNK = 500  # ids per IN (...) list, well under SQLite's bound-parameter limit
# Values bound in one multi-row INSERT on SQLite (under the 999 of SQLite before 3.32).
MULTI_ROW_PARAMS = 990

_json = msgspec.json.Encoder()


def json_text(value: Any) -> str:
    return _json.encode(value).decode()


def wall_clock() -> str:
    """UTC wall clock in the wire format (forensics only: never mixed with the feed clock)."""
    return iso(time.time_ns() // 1_000_000)


class WriterFailedError(RuntimeError):
    """The writer stopped on an error it must not retry; see ``StoreWriter.failed``."""


@dataclass(frozen=True, slots=True)
class StoreHealth:
    """Whether the writer can commit: ``ok``, else since when (``time.time()``) and why (one line)."""

    ok: bool = True
    since: float | None = None
    reason: str = ""

    def since_stamp(self) -> str:
        """``since`` as the feed's ISO stamp (now if it was never set), for heartbeats and acks."""
        return iso(int((self.since or time.time()) * 1000))


def outage_reason(exc: BaseException) -> str:
    """A database error in one short line for people: the driver's message, not SQLAlchemy's wrapping."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip() or type(exc).__name__
    first = text.splitlines()[0].strip()
    return first if len(first) <= 200 else first[:199] + "…"


@dataclass(slots=True)
class _Submission:
    ticket: int
    events: Sequence[tuple[Event, bytes]]
    audit: list[dict[str, Any]]
    meta: dict[str, str]
    checkpoint: tuple[int, str | None, bytes] | None
    calls: list[dict[str, Any]] = field(default_factory=list)


class _Deflating:
    """A large checkpoint deflated on a thread of its own (zlib lets go of the GIL meanwhile)."""

    def __init__(self, seq: int, at: str | None, snapshot: bytes) -> None:
        self.seq, self.at = seq, at
        self.text = ""
        self.done = threading.Event()
        threading.Thread(target=self._deflate, args=(snapshot,), name="store-checkpoint", daemon=True).start()

    def _deflate(self, snapshot: bytes) -> None:
        # At the lowest priority (this thread alone, on Linux): on a busy machine the loop and
        # the commits get the cores first; a checkpoint may wait.
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        try:
            self.text = checkpoint_text(snapshot)
        finally:
            self.done.set()

    def row(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at, "snapshot": self.text}


@dataclass(slots=True)
class _PruneJob:
    cut: str
    tables: list[str] = field(default_factory=lambda: list(PRUNED_TABLES))
    after: int = 0
    removed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PRUNED_TABLES, 0))
    started: float = field(default_factory=time.monotonic)


@dataclass(slots=True)
class _Batch:
    last_ticket: int
    last_seq: int | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    case_events: list[Event] = field(default_factory=list)
    flag_events: list[Event] = field(default_factory=list)
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    agent_states: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    checkpoints: dict[int, dict[str, Any]] = field(default_factory=dict)


def audit_row(record: AuditRecord) -> dict[str, Any]:
    """The audit table row for ``record`` (JSON columns encoded, wall clock filled in)."""
    return {
        "at": record.at,
        "wall_at": record.wall_at if record.wall_at is not None else wall_clock(),
        "user": record.user,
        "role": record.role,
        "command_id": record.command_id,
        "action": record.action,
        "args": json_text(record.args),
        "ok": record.ok,
        "result": None if record.result is None else json_text(record.result),
        "error_code": record.error_code,
        "error_message": record.error_message,
        "before": None if record.before is None else json_text(record.before),
        "after": None if record.after is None else json_text(record.after),
    }


def call_row(call: CompletedCall) -> dict[str, Any]:
    """The calls table row of a completed call."""
    return {
        "id": call.id,
        "queue_id": call.queue_id,
        "agent_id": call.agent_id,
        "caller": call.caller,
        "priority": call.priority,
        "entered_at": call.entered_at,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
        "outcome": _plain(call.outcome),
        "wait_s": call.wait_s,
        "talk_s": call.talk_s,
        "duration_s": call.duration_s,
        "short_abandon": call.short_abandon,
    }


def agent_state_row(event: Event) -> dict[str, Any]:
    """The agent_states row of an agent.added, agent.state or agent.removed event.

    An agent added starts its spell when the event says it did (``state_since``),
    else at the event; an agent removed is offline from then on.
    """
    data = event.data
    if isinstance(data, AgentAdded):
        a = data.agent
        started = a.state_since if a.state_since is not None and a.state_since <= event.at else event.at
        return {
            "agent_id": a.id,
            "state": _plain(a.state),
            "reason": a.reason,
            "started_at": started,
            "seq": event.seq,
        }
    if isinstance(data, AgentStateChanged):
        return {
            "agent_id": data.agent_id,
            "state": _plain(data.state),
            "reason": data.reason,
            "started_at": event.at,
            "seq": event.seq,
        }
    assert isinstance(data, AgentRemoved)
    return {
        "agent_id": data.agent_id,
        "state": "offline",
        "reason": None,
        "started_at": event.at,
        "seq": event.seq,
    }


def _agent_case_rows(
    row: dict[str, Any], before: tuple[str | None, str | None], event: Event
) -> list[dict[str, Any]]:
    """What a case change means to agents: assigned to one, taken from one, its status on one's desk."""
    old_agent, old_status = before
    agent, status = row["agent_id"], row["status"]
    base = {"case_id": row["id"], "seq": event.seq, "at": event.at, "status": status}
    out: list[dict[str, Any]] = []
    if agent != old_agent:
        if old_agent:
            out.append({**base, "agent_id": old_agent, "change": "unassigned"})
        if agent:
            out.append({**base, "agent_id": agent, "change": "assigned"})
    elif agent and status != old_status:
        out.append({**base, "agent_id": agent, "change": status})
    return out


def _flag_row(flag: Flag, seq: int, at: str) -> dict[str, Any]:
    return {
        "id": flag.id,
        "call_id": flag.call_id,
        "queue_id": flag.queue_id,
        "agent_id": flag.agent_id,
        "team": flag.team,
        "caller": flag.caller,
        "call_started_at": flag.call_started_at,
        "category": _plain(flag.category),
        "severity": _plain(flag.severity),
        "note": flag.note,
        "moment_s": flag.moment_s,
        "flagged_by": flag.flagged_by,
        "flagged_at": flag.flagged_at,
        "status": _plain(flag.status),
        "reviewer": flag.reviewer,
        "outcome": _plain(flag.outcome),
        "version": flag.version,
        "updated_at": flag.updated_at or at,
        "closed_at": flag.closed_at,
        "updated_seq": seq,
    }


def is_outage(exc: BaseException) -> bool:
    """True for a database error that may pass by itself (locked, disk full, read-only, connection
    refused or lost): worth retrying the same batch, and while it lasts the store is unavailable."""
    if isinstance(exc, IntegrityError):
        return False
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError)


def _seq_range(subs: Sequence[_Submission]) -> str:
    seqs = [event.seq for sub in subs for event, _ in sub.events]
    return f"{seqs[0]}-{seqs[-1]}" if seqs else "none"


def _plain(value: Any) -> Any:
    # Enums go in by value: psycopg would otherwise write a Python enum by its name.
    return value.value if isinstance(value, Enum) else value


def _case_row(case: Case, seq: int, at: str) -> dict[str, Any]:
    return {
        "id": case.id,
        "queue_id": case.queue_id,
        "subject": case.subject,
        "priority": case.priority,
        "status": _plain(case.status),
        "agent_id": case.agent_id,
        "created_at": case.created_at,
        "first_response_due": case.first_response_due,
        "resolution_due": case.resolution_due,
        "version": case.version,
        "customer": case.customer,
        "channel": case.channel,
        "first_response_at": case.first_response_at,
        "reopened": case.reopened,
        "closed_at": at if case.status == CaseStatus.CLOSED else None,
        "updated_seq": seq,
        "updated_at": at,
    }


class StoreWriter:
    """Persists events, audit, meta and checkpoints on its own thread; see the module doc."""

    def __init__(
        self,
        engine: Engine,
        on_committed: Callable[[int, int], None],
        *,
        committed_seq: int,
        max_batch_events: int = 20_000,
        backoff: tuple[float, float] = (0.05, 2.0),
        prune_chunk: int = CHUNK,
        on_health: Callable[[StoreHealth], None] | None = None,
        checkpoint_apart_bytes: int = CHECKPOINT_APART_BYTES,
    ) -> None:
        self._engine = engine
        self._on_committed = on_committed
        self._on_health = on_health
        self.health = StoreHealth()
        self._wake = threading.Event()  # set by close(): a retry's wait ends early
        self._give_up_at: float | None = None  # closing: an unavailable store is abandoned after this
        self.abandoned = False  # closed while unavailable: what was queued is not committed
        self._max_batch_events = max_batch_events
        self._backoff = backoff
        self._dialect = engine.dialect.name
        self._cond = threading.Condition()
        self._queue: deque[_Submission] = deque()
        self._last_ticket = 0
        self._submitted_seq = committed_seq
        self._closing = False
        self._token = uuid.uuid4().hex  # names this writer's batches in BATCH_MARKER_KEY
        self.committed_seq = committed_seq
        self.committed_ticket = 0
        self.failed: BaseException | None = None
        self.transactions = 0  # commits so far (tests and benchmarks look at it)
        self._prune: _PruneJob | None = None
        self._next_cut: str | None = None
        self._prune_chunk = prune_chunk
        self.prunes = 0  # prunes finished (tests and the soak look at it)
        self.last_prune: dict[str, int] = {}  # rows each table lost in the last prune finished
        self.journal_from = 0  # the first seq the journal still holds after a prune (0: none yet)
        # SQLite: compiled INSERTs run by the driver (_many), by table, columns and conflict keys.
        self._statements: dict[tuple[str, tuple[str, ...], tuple[str, ...]], tuple[str, str, int, Any]] = {}
        # Large checkpoints being deflated apart (in the order taken), written with the first
        # batch prepared once they are ready, or at close.
        self._checkpoint_apart_bytes = checkpoint_apart_bytes
        self._deflating: list[_Deflating] = []
        self._thread = threading.Thread(target=self._run, name="store-writer", daemon=True)
        self._thread.start()

    # -- the caller's side ---------------------------------------------------

    def submit(
        self,
        events: Sequence[tuple[Event, bytes]] = (),
        *,
        audit: Sequence[AuditRecord] = (),
        meta: Mapping[str, str] | None = None,
        checkpoint: tuple[int, str | None, bytes] | None = None,
        calls: Sequence[CompletedCall] = (),
    ) -> int:
        """Queue one submission; returns its ticket (1, 2, 3, ...). Never blocks on the database.

        ``events`` are (event, its encoded bytes) in increasing seq order, after
        every seq submitted before; ``checkpoint`` is (seq, at, encoded snapshot);
        ``calls`` the calls those events finished (rows of ``calls``, by id).
        Raises ValueError on a seq out of order (nothing is queued) and
        WriterFailedError once the writer has stopped on an error.
        """
        # Encode here, on the caller's thread, so a bad value fails the caller, not the batch.
        audit_rows = [audit_row(r) for r in audit]
        call_rows = [call_row(c) for c in calls]
        meta_copy = dict(meta) if meta else {}
        for key, value in meta_copy.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError(f"meta keys and values must be str, got {key!r}: {value!r}")
        events = tuple(events)
        with self._cond:
            if self.failed is not None:
                raise WriterFailedError(f"the store writer has stopped: {self.failed!r}") from self.failed
            if self._closing:
                raise RuntimeError("the store writer is closed")
            seq = self._submitted_seq
            for event, _ in events:
                if event.seq <= seq:
                    raise ValueError(f"event seq {event.seq} does not follow {seq}: events must increase")
                if event.seq != seq + 1:
                    log.warning("store: gap in the journal, seq %d follows %d", event.seq, seq)
                seq = event.seq
            self._submitted_seq = seq
            self._last_ticket += 1
            ticket = self._last_ticket
            self._queue.append(_Submission(ticket, events, audit_rows, meta_copy, checkpoint, call_rows))
            self._cond.notify()
        return ticket

    def request_prune(self, cut: str) -> None:
        """Prune what retention lets go that is dated before ``cut`` (retention.py), in small
        transactions on the writer thread between the floor's batches. A prune still under
        way finishes first, then the later cut is pruned."""
        with self._cond:
            if self._prune is None:
                self._prune = _PruneJob(cut)
            elif cut > self._prune.cut:
                self._next_cut = max(cut, self._next_cut or cut)  # once this prune is done
            self._cond.notify()

    def close(self, timeout: float = 30.0, *, grace: float = 2.0) -> None:
        """Write everything submitted so far, then stop the thread (waits at most ``timeout``).

        A store that is unavailable (or becomes so) is retried for ``grace`` seconds more, then
        what it could not commit is abandoned: logged as lost, counted, never acknowledged.
        """
        with self._cond:
            self._closing = True
            self._give_up_at = time.monotonic() + grace
            self._cond.notify()
        self._wake.set()
        self._thread.join(timeout)
        if self.abandoned:
            subs = list(self._queue)
            log.error(
                "store: stopped while unavailable (%s); %d submission(s) NOT committed and never"
                " acknowledged: %d event(s) (seq %s), %d audit row(s): lost",
                self.health.reason or "unknown",
                len(subs),
                sum(len(sub.events) for sub in subs),
                _seq_range(subs),
                sum(len(sub.audit) for sub in subs),
            )
        elif self._thread.is_alive():
            log.error(
                "store: writer still busy after %.1f s; tickets after %d are not committed",
                timeout,
                self.committed_ticket,
            )
        elif self.failed is not None and self._queue:
            log.error(
                "store: writer had failed (%r); %d submissions were not written",
                self.failed,
                len(self._queue),
            )

    @property
    def last_ticket(self) -> int:
        """The ticket of the last submission queued."""
        return self._last_ticket

    @property
    def pending(self) -> int:
        """Submissions queued and not yet taken into a transaction."""
        with self._cond:
            return len(self._queue)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # -- the writer thread ------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closing and self._prune is None:
                    self._cond.wait()
                closing = not self._queue and self._closing
                job = self._prune
                taken = self._take() if self._queue else None
            if closing:
                # Everything is written but the checkpoints still being deflated (a prune under
                # way is dropped).
                self._write_deflated()
                return
            if taken is None:
                if job is not None:
                    self._prune_step(job)
                continue
            try:
                batch = self._prepare(taken)
                committed = self._commit(batch)
            except Exception as exc:  # a bug in the writer itself: stop, as on any fatal error
                self._fail(exc, taken[-1].ticket)
                committed = False
            if not committed:
                # Stopped on a fatal error, or abandoned at close while the store was unavailable.
                with self._cond:
                    # Put the batch back so close() can say what was not written.
                    self._queue.extendleft(reversed(taken))
                return
            if batch.last_seq is not None:
                self.committed_seq = batch.last_seq
            self.committed_ticket = batch.last_ticket
            try:
                self._on_committed(self.committed_seq, self.committed_ticket)
            except Exception:
                log.exception("store: on_committed callback raised")
            # Small chunks of a prune between the floor's batches, for at most PRUNE_SLICE_S.
            slice_end = time.monotonic() + PRUNE_SLICE_S
            while (job := self._prune) is not None and time.monotonic() < slice_end:
                self._prune_step(job)

    def _prune_step(self, job: _PruneJob) -> None:
        """Delete one chunk of the job's current table in its own transaction."""
        table = job.tables[0]
        try:
            with self._engine.connect() as conn:
                conn.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
                with conn.begin():
                    deleted, after = prune_chunk(conn, table, job.cut, self._prune_chunk, job.after)
                    if table == "events" and after is None:
                        first = conn.scalar(select(func.min(_events.c.seq)))
                        self.journal_from = int(first) if first is not None else self.committed_seq + 1
                if after is None and len(job.tables) == 1:
                    # The prune's last step: its connection goes with what it compiled (a
                    # DELETE ... IN of 2,048 parameters is ~400 KB of SQLite's memory, kept by
                    # every connection that ran it); the pool opens a fresh one when asked.
                    conn.invalidate()
        except Exception as exc:  # a prune is never worth stopping the writer for
            log.warning("store: pruning %s stopped (%s); it is tried again at the next prune", table, exc)
            with self._cond:
                if self._prune is job:
                    self._prune = None
            return
        job.removed[table] += deleted
        if after is None:
            job.tables.pop(0)
            job.after = 0
        else:
            job.after = after
        if job.tables:
            return
        log.info(
            "store: pruned what is dated before %s in %.1f s: %s",
            job.cut,
            time.monotonic() - job.started,
            ", ".join(f"{name} {count}" for name, count in job.removed.items()),
        )
        with self._cond:
            if self._prune is job:
                self._prune = _PruneJob(self._next_cut) if self._next_cut else None
                self._next_cut = None
            self.last_prune = dict(job.removed)
            self.prunes += 1

    def _take(self) -> list[_Submission]:
        """Whole submissions from the front of the queue, up to the batch bound (at least one)."""
        taken = [self._queue.popleft()]
        count = len(taken[0].events)
        while self._queue and count + len(self._queue[0].events) <= self._max_batch_events:
            sub = self._queue.popleft()
            count += len(sub.events)
            taken.append(sub)
        return taken

    def _prepare(self, taken: Iterable[_Submission]) -> _Batch:
        batch = _Batch(last_ticket=0)
        rows = batch.events
        # Those deflated since the last batch (taken before this one's: one taken now goes later).
        while self._deflating and self._deflating[0].done.is_set():
            ready = self._deflating.pop(0)
            batch.checkpoints[ready.seq] = ready.row()
        for sub in taken:
            batch.last_ticket = sub.ticket
            for event, encoded in sub.events:
                rows.append({"seq": event.seq, "at": event.at, "type": event.type, "data": encoded.decode()})
                table = _PROJECTED.get(type(event.data))  # most events go to the journal only
                if table is _cases:
                    batch.case_events.append(event)
                elif table is _flags:
                    batch.flag_events.append(event)
                elif table is _agent_states:
                    batch.agent_states.append(agent_state_row(event))
            batch.audit.extend(sub.audit)
            for row in sub.calls:
                batch.calls[row["id"]] = row
            batch.meta.update(sub.meta)
            if sub.checkpoint is not None:
                seq, at, snapshot = sub.checkpoint
                if len(snapshot) >= self._checkpoint_apart_bytes and not self._closing:
                    # Deflated meanwhile, written with a later batch: so after its events in
                    # any case (restored, it is never ahead of the journal).
                    self._deflating.append(_Deflating(seq, at, snapshot))
                else:
                    batch.checkpoints[seq] = {"seq": seq, "at": at, "snapshot": checkpoint_text(snapshot)}
        if rows:
            batch.last_seq = rows[-1]["seq"]
        return batch

    def _write_deflated(self) -> None:
        """At close: the checkpoints still being deflated, in a transaction of their own."""
        if not self._deflating or self.failed is not None or self.abandoned:
            return
        batch = _Batch(last_ticket=self.committed_ticket)
        for pending in self._deflating:
            pending.done.wait()
            batch.checkpoints[pending.seq] = pending.row()
        self._deflating.clear()
        try:
            self._commit(batch)  # logs and keeps what went wrong; a restart replays a little more
        except Exception:
            log.exception("store: the last checkpoint was not written")

    def _commit(self, batch: _Batch) -> bool:
        """Commit ``batch``, retrying transient errors for ever; False when the writer must stop."""
        marker = f"{self._token}:{batch.last_ticket}"
        delay, cap = self._backoff
        attempt = 0
        while True:
            try:
                with self._engine.connect() as conn:
                    conn.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
                    with conn.begin():
                        # A retry after a lost connection: the COMMIT may have landed anyway.
                        if attempt and self._already_committed(conn, marker):
                            log.warning(
                                "store: batch up to ticket %d had committed after all", batch.last_ticket
                            )
                        else:
                            self._write(conn, batch, marker)
                self.transactions += 1
                if attempt:
                    log.warning(
                        "store: batch up to ticket %d committed after %d retries", batch.last_ticket, attempt
                    )
                if not self.health.ok:
                    down = time.time() - (self.health.since or time.time())
                    log.warning("store: available again after %.1f s", down)
                    self._set_health(StoreHealth())
                return True
            except Exception as exc:
                if not is_outage(exc):
                    self._fail(exc, batch.last_ticket)
                    return False
                attempt += 1
                reason = outage_reason(exc)
                if self.health.ok:
                    log.error("store: unavailable (%s); holding everything until it commits", reason)
                    self._set_health(StoreHealth(ok=False, since=time.time(), reason=reason))
                elif reason != self.health.reason:
                    self._set_health(StoreHealth(ok=False, since=self.health.since, reason=reason))
                if attempt <= 5 or attempt % 20 == 0:  # the first few, then one line a while
                    log.warning(
                        "store: database error (attempt %d, retrying in %.2f s): %s",
                        attempt,
                        delay,
                        exc,
                        exc_info=attempt == 1,
                    )
                give_up_at = self._give_up_at
                if give_up_at is not None and time.monotonic() >= give_up_at:
                    self.abandoned = True
                    return False
                wait = delay if give_up_at is None else min(delay, max(0.0, give_up_at - time.monotonic()))
                if self._wake.wait(wait):  # close() was called: retry at once, then by the grace
                    self._wake.clear()
                delay = min(delay * 2, cap)

    def _set_health(self, health: StoreHealth) -> None:
        self.health = health
        if self._on_health is not None:
            try:
                self._on_health(health)
            except Exception:
                log.exception("store: on_health callback raised")

    def _fail(self, exc: Exception, last_ticket: int) -> None:
        self.failed = exc
        log.critical("store: writer stopped, batch up to ticket %d NOT written", last_ticket, exc_info=exc)

    @staticmethod
    def _already_committed(conn: Connection, marker: str) -> bool:
        found = conn.scalar(select(_meta.c.value).where(_meta.c.key == BATCH_MARKER_KEY))
        return found == marker

    def _write(self, conn: Connection, batch: _Batch, marker: str) -> None:
        if batch.events:
            self._many(conn, _events, batch.events)
        if batch.case_events:
            self._project_cases(conn, batch.case_events)
        if batch.calls:
            self._many(conn, _calls, list(batch.calls.values()), keys=["id"], update=_CALL_COLUMNS)
        if batch.flag_events:
            self._project_flags(conn, batch.flag_events)
        if batch.agent_states:
            self._many(conn, _agent_states, batch.agent_states)
        if batch.audit:
            conn.execute(insert(_audit), batch.audit)
        meta = dict(batch.meta)
        meta[BATCH_MARKER_KEY] = marker
        conn.execute(
            upsert(self._dialect, _meta, ["key"], ["value"]),
            [{"key": k, "value": v} for k, v in meta.items()],
        )
        if batch.checkpoints:
            conn.execute(
                upsert(self._dialect, _checkpoints, ["seq"], ["at", "snapshot"]),
                list(batch.checkpoints.values()),
            )
            keep = select(_checkpoints.c.seq).order_by(_checkpoints.c.seq.desc()).limit(KEEP_CHECKPOINTS)
            # Besides the latest, the day checkpoints (history.query replays a day from its own).
            days = select(cast(_meta.c.value, BigInteger)).where(
                _meta.c.key.like(DAY_CHECKPOINT_KEY.format("%"))
            )
            conn.execute(
                delete(_checkpoints).where(
                    _checkpoints.c.seq.not_in(keep.scalar_subquery()), _checkpoints.c.seq.not_in(days)
                )
            )

    def _many(
        self,
        conn: Connection,
        table: Table,
        rows: list[dict[str, Any]],
        *,
        keys: Sequence[str] = (),
        update: Sequence[str] = (),
    ) -> None:
        """Insert ``rows`` (each with the first row's keys) into ``table``; on a conflict on ``keys``,
        set ``update``.

        SQLAlchemy's Core executemany builds each row's parameters in Python, which
        at the gateway's ceiling cost the writer thread more than SQLite's own work
        (docs/performance.md). On SQLite the statement is compiled once and the
        driver is handed the rows as tuples in the statement's order, a few hundred
        rows to a statement (one step, one release of the GIL, for them all) and
        the rest one by one. SQLite stores the same values (Core's only processors
        here turn a bool into 0/1 and an int into a float, which the driver and the
        REAL column do alike). Other databases keep Core's path.
        """
        if self._dialect != "sqlite":
            conn.execute(
                upsert(self._dialect, table, list(keys), list(update)) if keys else insert(table), rows
            )
            return
        columns = tuple(rows[0])
        key = (table.name, columns, tuple(keys))
        found = self._statements.get(key)
        if found is None:
            stmt = upsert(self._dialect, table, list(keys), list(update)) if keys else insert(table)
            compiled = stmt.compile(dialect=conn.dialect, column_keys=list(columns))
            assert compiled.positiontup is not None and len(compiled.positiontup) > 1
            one = str(compiled)
            # The same statement with MULTI_ROW_PARAMS // len(columns) rows in its VALUES.
            head, _, tail = one.partition(" VALUES ")
            end = tail.index(")") + 1
            per = max(1, MULTI_ROW_PARAMS // len(compiled.positiontup))
            many = f"{head} VALUES {', '.join([tail[:end]] * per)}{tail[end:]}"
            found = self._statements[key] = (one, many, per, itemgetter(*compiled.positiontup))
        one, many, per, row = found
        whole = len(rows) - len(rows) % per
        if whole:
            conn.exec_driver_sql(
                many, [tuple([v for r in rows[i : i + per] for v in row(r)]) for i in range(0, whole, per)]
            )
        if whole < len(rows):
            conn.exec_driver_sql(one, [row(r) for r in rows[whole:]])

    def _project_cases(self, conn: Connection, case_events: list[Event]) -> None:
        """Fold the batch's case events into the projection in memory, then write each case once."""
        ids = sorted(
            {e.data.case.id if isinstance(e.data, CaseCreated) else e.data.case_id for e in case_events}
        )
        cases: dict[str, dict[str, Any]] = {}
        for i in range(0, len(ids), _IN_CHUNK):
            chunk = ids[i : i + _IN_CHUNK]
            for found_row in conn.execute(select(_cases).where(_cases.c.id.in_(chunk))):
                cases[found_row.id] = dict(found_row._mapping)
        history: list[dict[str, Any]] = []
        agent_rows: list[dict[str, Any]] = []
        touched: set[str] = set()
        for event in case_events:
            data = event.data
            row: dict[str, Any]
            if isinstance(data, CaseCreated):
                row = _case_row(data.case, event.seq, event.at)
                changes = json_text(data.case)
                version = data.case.version
                old = cases.get(row["id"])  # a case created again replaces the one before
                before: tuple[str | None, str | None] = (
                    (old["agent_id"], old["status"]) if old is not None else (None, None)
                )
            else:
                found = cases.get(data.case_id)
                if found is None:
                    why: str | None = "unknown case"
                elif found["status"] == CaseStatus.CLOSED:
                    why = "case is closed"
                else:
                    why = case_changes_valid(data.changes)
                if found is None or why is not None:
                    # The reducer skips exactly these (a closed case has left the floor),
                    # so the projection stays what the floor saw.
                    log.warning("store: case.updated seq %d for %s skipped: %s", event.seq, data.case_id, why)
                    continue
                row = found
                before = (found["agent_id"], found["status"])
                for name, value in data.changes.items():
                    row[name] = _plain(value)
                row["version"] = data.version
                if row["status"] == CaseStatus.CLOSED:
                    row["closed_at"] = event.at
                row["updated_seq"] = event.seq
                row["updated_at"] = event.at
                changes = json_text(data.changes)
                version = data.version
            cases[row["id"]] = row
            touched.add(row["id"])
            agent_rows += _agent_case_rows(row, before, event)
            history.append(
                {
                    "case_id": row["id"],
                    "seq": event.seq,
                    "at": event.at,
                    "changes": changes,
                    "version": version,
                }
            )
        if touched:
            self._many(conn, _cases, [cases[i] for i in sorted(touched)], keys=["id"], update=_CASE_COLUMNS)
        if history:
            self._many(conn, _history, history)
        if agent_rows:
            self._many(conn, _agent_cases, agent_rows)

    def _project_flags(self, conn: Connection, flag_events: list[Event]) -> None:
        """Fold the batch's flag events into ``flags`` and ``flag_history``, as the reducer does."""
        ids = sorted(
            {e.data.flag.id if isinstance(e.data, FlagCreated) else e.data.flag_id for e in flag_events}
        )
        flags: dict[str, dict[str, Any]] = {}
        for i in range(0, len(ids), _IN_CHUNK):
            for found_row in conn.execute(select(_flags).where(_flags.c.id.in_(ids[i : i + _IN_CHUNK]))):
                flags[found_row.id] = dict(found_row._mapping)
        history: list[dict[str, Any]] = []
        touched: set[str] = set()
        for event in flag_events:
            data = event.data
            row: dict[str, Any]
            if isinstance(data, FlagCreated):
                row = _flag_row(data.flag, event.seq, event.at)
                entry = {
                    "by": data.flag.flagged_by,
                    "changes": json_text(data.flag),
                    "note": None,
                    "version": data.flag.version,
                }
            else:
                found = flags.get(data.flag_id)
                why = "unknown flag" if found is None else flag_changes_valid(data.changes)
                if found is None or why is not None:
                    log.warning("store: flag.updated seq %d for %s skipped: %s", event.seq, data.flag_id, why)
                    continue
                row = found
                for name, value in data.changes.items():
                    row[name] = _plain(value)
                if "status" in data.changes:
                    row["closed_at"] = event.at if row["status"] == FlagStatus.CLOSED else None
                row["version"] = data.version
                row["updated_at"] = event.at
                row["updated_seq"] = event.seq
                entry = {
                    "by": data.by,
                    "changes": json_text(data.changes),
                    "note": data.note,
                    "version": data.version,
                }
            flags[row["id"]] = row
            touched.add(row["id"])
            history.append({"flag_id": row["id"], "seq": event.seq, "at": event.at, **entry})
        if touched:
            conn.execute(
                upsert(self._dialect, _flags, ["id"], list(_FLAG_COLUMNS)),
                [flags[i] for i in sorted(touched)],
            )
        if history:
            conn.execute(insert(_flag_history), history)


__all__ = [
    "BATCH_MARKER_KEY",
    "KEEP_CHECKPOINTS",
    "StoreHealth",
    "StoreWriter",
    "WriterFailedError",
    "audit_row",
    "call_row",
    "is_outage",
    "outage_reason",
]
