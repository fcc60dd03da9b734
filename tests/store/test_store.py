"""The store: migrations, the batched writer, the case projection, users and audit.

Real SQLite files in tmp_path (and a throwaway PostgreSQL cluster, see
tests/helpers/postgres.py, for the tests parametrized over both); no mocks.
"""

from __future__ import annotations

import contextlib
import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy import insert, inspect, text

from console.domain.clock import iso
from console.domain.entities import (
    AgentState,
    CallOutcome,
    Case,
    CaseStatus,
    Centre,
    CompletedCall,
    Flag,
    FlagCategory,
    FlagSeverity,
)
from console.domain.events import (
    AgentStateChanged,
    CallQueued,
    CaseCreated,
    CaseUpdated,
    Event,
    FlagCreated,
    FlagUpdated,
    make_event,
)
from console.domain.state import FloorState, Snapshot
from console.feeds.protocol import encode, encode_event
from console.store import AuditRecord, Store, StoreWriter, WriterFailedError, default_db_url
from console.store.db import alembic_config, downgrade, upgrade, upsert
from console.store.schema import Base
from console.store.writer import BATCH_MARKER_KEY
from tests.helpers.postgres import PgServer, pg_server, pg_url

__all__ = ["pg_server", "pg_url"]  # fixtures, imported so pytest finds them here

BASE_MS = 1_732_356_000_000  # 2024-11-23T10:00:00.000Z
TABLES = {
    "events",
    "cases",
    "case_history",
    "users",
    "audit",
    "checkpoints",
    "meta",
    "calls",
    "flags",
    "flag_history",
    "agent_states",
    "agent_cases",
    "alembic_version",
}


# -- helpers ---------------------------------------------------------------------


def stamp(seq: int) -> str:
    return iso(BASE_MS + seq * 100)


def wire(event: Event) -> tuple[Event, bytes]:
    return event, encode_event(event)


def call_event(seq: int) -> tuple[Event, bytes]:
    data = CallQueued(
        call_id=f"call-{seq}", queue_id="q-retail", priority=2, caller="+44 7*** ***{seq % 1000:03d}"
    )
    return wire(make_event(seq, stamp(seq), data))


def make_case(case_id: str, seq: int, **fields: Any) -> Case:
    values: dict[str, Any] = {
        "id": case_id,
        "queue_id": "q-cards",
        "subject": "Card blocked abroad",
        "priority": "P2",
        "status": CaseStatus.INTAKE,
        "agent_id": None,
        "created_at": stamp(seq),
        "first_response_due": iso(BASE_MS + 3_600_000),
        "resolution_due": iso(BASE_MS + 86_400_000),
        "customer": "J*** S****",
    }
    values.update(fields)
    return Case(**values)


def created(seq: int, case: Case) -> tuple[Event, bytes]:
    return wire(make_event(seq, stamp(seq), CaseCreated(case=case)))


def updated(seq: int, case_id: str, version: int, **changes: Any) -> tuple[Event, bytes]:
    return wire(make_event(seq, stamp(seq), CaseUpdated(case_id=case_id, changes=changes, version=version)))


def audit_record(command_id: str, *, user: str = "sam", ok: bool = True, **kw: Any) -> AuditRecord:
    values: dict[str, Any] = {
        "at": stamp(1),
        "user": user,
        "role": "supervisor",
        "command_id": command_id,
        "action": "agent.set_state",
        "args": {"agent_id": "a-7", "state": "not_ready", "reason": "coaching"},
        "ok": ok,
    }
    values.update(kw)
    return AuditRecord(**values)


def snapshot_bytes(seq: int) -> bytes:
    floor = FloorState(Centre(name="Leeds"))
    floor.seq = seq
    floor.at = stamp(seq)
    return encode(floor.to_snapshot())


class Commits:
    """Records on_committed calls (made on the writer thread)."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []
        self.threads: set[str] = set()
        self._cond = threading.Condition()

    def __call__(self, seq: int, ticket: int) -> None:
        with self._cond:
            self.calls.append((seq, ticket))
            self.threads.add(threading.current_thread().name)
            self._cond.notify_all()

    def wait_ticket(self, ticket: int, timeout: float = 10.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: bool(self.calls) and self.calls[-1][1] >= ticket, timeout)


def sqlite_url(tmp_path: Path, name: str = "store.db") -> str:
    return f"sqlite:///{tmp_path / name}"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(sqlite_url(tmp_path))
    yield s
    s.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def any_store(db_url: str) -> Iterator[Store]:
    """A store on SQLite and then on PostgreSQL."""
    s = Store.open(db_url)
    yield s
    s.close()


def open_writer(store: Store, **kw: Any) -> tuple[StoreWriter, Commits]:
    commits = Commits()
    return store.start_writer(commits, **kw), commits


# -- migrations and connection set-up ------------------------------------------------


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrations_create_every_table_and_reopening_is_idempotent(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    for _ in range(2):
        s = Store.open(url)
        try:
            assert set(inspect(s.engine).get_table_names()) == TABLES
            with s.engine.connect() as conn:
                assert MigrationContext.configure(conn).get_current_revision() == head_revision()
                assert conn.scalar(text("SELECT count(*) FROM alembic_version")) == 1
        finally:
            s.close()


def test_migrations_go_down_and_up_again(tmp_path: Path) -> None:
    s = Store.open(sqlite_url(tmp_path))
    try:
        downgrade(s.engine, "base")
        assert set(inspect(s.engine).get_table_names()) == {"alembic_version"}
        upgrade(s.engine)
        assert set(inspect(s.engine).get_table_names()) == TABLES
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # back on after migrating
    finally:
        s.close()


def test_migrations_match_the_models(db_url: str) -> None:
    s = Store.open(db_url)
    try:
        with s.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == []
    finally:
        s.close()


def test_sqlite_pragmas(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: acks survive power loss
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_sqlite_connections_are_reused_last_in_first_out(store: Store) -> None:
    # One after another (the writer, a batch at a time) gets back the connection just used, with
    # its page cache warm; first in, first out went round the whole pool and filled every
    # connection's page cache (the soak's memory, docs/performance.md).
    with store.engine.connect() as a, store.engine.connect() as b:  # two in the pool
        first, second = a.connection.driver_connection, b.connection.driver_connection
    assert first is not second
    for _ in range(3):
        with store.engine.connect() as conn:
            assert conn.connection.driver_connection is first  # the one given back last


def test_open_creates_parent_dirs_relative_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = Store.open("sqlite:///deep/er/gateway.db")
    s.close()
    assert (tmp_path / "deep" / "er" / "gateway.db").is_file()


def test_in_memory_sqlite_is_refused() -> None:
    with pytest.raises(ValueError, match="in-memory"):
        Store.open("sqlite://")


def test_default_db_url_is_in_the_user_data_dir() -> None:
    url = default_db_url()
    assert url == "sqlite:///" + str(Path(user_data_dir("bank-supervisor-console")) / "gateway.db")


# -- the round trip ------------------------------------------------------------------------


def test_everything_submitted_is_there_after_reopening(db_url: str) -> None:
    s = Store.open(db_url)
    assert s.last_seq() == 0
    assert s.latest_checkpoint() is None
    assert s.events_after(0) == []
    writer, commits = open_writer(s)
    events = [call_event(seq) for seq in range(1, 101)]
    t1 = writer.submit(events[:60], audit=[audit_record("c-1")], meta={"sim.next_call": "61"})
    t2 = writer.submit(
        events[60:],
        audit=[audit_record("c-2", ok=False, error_code="forbidden", error_message="not yours")],
        meta={"sim.next_call": "101", "sim.next_case": "7"},
        checkpoint=(100, stamp(100), snapshot_bytes(100)),
    )
    assert (t1, t2) == (1, 2)
    writer.close()
    assert (writer.committed_seq, writer.committed_ticket) == (100, 2)
    assert commits.calls[-1] == (100, 2)
    assert commits.threads == {"store-writer"}
    s.close()

    s = Store.open(db_url)
    try:
        assert s.last_seq() == 100
        expected = [(e.seq, raw) for e, raw in events]
        assert s.events_after(0) == expected
        assert s.events_after(40, limit=5) == expected[40:45]
        assert s.events_after(100) == []
        assert s.tail_events(3) == expected[-3:]
        assert s.tail_events(1000) == expected
        assert s.tail_events(0) == []
        checkpoint = s.latest_checkpoint()
        assert checkpoint is not None
        assert checkpoint == (100, snapshot_bytes(100))
        assert msgspec.json.decode(checkpoint[1], type=Snapshot).seq == 100
        assert s.get_meta("sim.next_call") == "101"
        assert s.get_meta("sim.next_case") == "7"
        assert s.get_meta("nope") is None
        records = s.audit()
        assert [r.command_id for r in records] == ["c-1", "c-2"]
        assert records[0].args == {"agent_id": "a-7", "state": "not_ready", "reason": "coaching"}
        assert records[0].ok is True
        assert (records[1].ok, records[1].error_code, records[1].error_message) == (
            False,
            "forbidden",
            "not yours",
        )
        assert all(r.wall_at for r in records)
        # A new writer carries on from the journal.
        writer2, _ = open_writer(s)
        assert writer2.committed_seq == 100
        with pytest.raises(ValueError, match="does not follow"):
            writer2.submit([call_event(100)])
        writer2.submit([call_event(101)])
        writer2.close()
        assert s.last_seq() == 101
    finally:
        s.close()


def test_events_are_stored_byte_for_byte(store: Store) -> None:
    case = make_case("CS-1", 1, subject="Überweisung — “disputed” 💳", customer="Ž*** Ø****")
    event = created(1, case)
    writer, _ = open_writer(store)
    writer.submit([event])
    writer.close()
    assert store.events_after(0) == [(1, event[1])]


# -- the case projection ----------------------------------------------------------------


def test_case_projection_and_history(db_url: str) -> None:
    s = Store.open(db_url)
    try:
        writer, _ = open_writer(s)
        writer.submit([created(1, make_case("CS-1", 1)), call_event(2)])
        writer.submit(
            [
                updated(3, "CS-1", 2, agent_id="a-7", status="triage"),
                created(4, make_case("CS-2", 4, priority="P1", channel="chat")),
                updated(5, "CS-2", 2, status=CaseStatus.CLOSED),
                updated(6, "CS-404", 9, status="closed"),  # unknown: skipped, as the reducer does
                updated(7, "CS-1", 3, colour="red"),  # not a case field: skipped
            ]
        )
        writer.close()
        assert writer.failed is None

        one = s.case_row("CS-1")
        assert one is not None
        assert one["status"] == "triage"
        assert one["agent_id"] == "a-7"
        assert one["version"] == 2
        assert one["closed_at"] is None
        assert (one["updated_seq"], one["updated_at"]) == (3, stamp(3))
        assert one["created_at"] == stamp(1)
        assert one["customer"] == "J*** S****"

        two = s.case_row("CS-2")
        assert two is not None
        assert (two["status"], two["priority"], two["channel"]) == ("closed", "P1", "chat")
        assert two["closed_at"] == stamp(5)
        assert s.case_row("CS-404") is None

        history = s.case_history("CS-1")
        assert [(h["seq"], h["version"]) for h in history] == [(1, 1), (3, 2)]
        assert history[0]["changes"]["subject"] == "Card blocked abroad"
        assert history[0]["changes"]["status"] == "intake"
        assert history[1]["changes"] == {"agent_id": "a-7", "status": "triage"}
        assert history[1]["at"] == stamp(3)
        assert [h["seq"] for h in s.case_history("CS-2")] == [4, 5]
        assert s.case_history("CS-404") == []
    finally:
        s.close()


# -- completed calls and quality flags --------------------------------------------------------


def finished(
    n: int, *, agent: str | None = "a-1", answered: bool = True, queue: str = "q-cards"
) -> CompletedCall:
    entered = stamp(10 * n)
    return CompletedCall(
        id=f"K{n:07d}",
        queue_id=queue,
        agent_id=agent,
        caller=f"138****{n:04d}",
        priority=5,
        entered_at=entered,
        answered_at=stamp(10 * n + 2) if answered else None,
        ended_at=stamp(10 * n + 5),
        outcome=CallOutcome.ANSWERED if answered else CallOutcome.ABANDONED,
        wait_s=0.2 if answered else 0.5,
        talk_s=0.3 if answered else None,
        duration_s=0.5,
        short_abandon=not answered,
    )


def test_completed_calls_are_stored_with_their_events_and_paged(db_url: str) -> None:
    s = Store.open(db_url)
    try:
        writer, _ = open_writer(s)
        calls = [finished(n, agent="a-2" if n % 3 == 0 else "a-1", answered=n % 4 != 0) for n in range(1, 31)]
        calls.append(finished(31, queue="q_other"))
        writer.submit([call_event(1)], calls=calls[:10])
        writer.submit([call_event(2)], calls=[*calls[10:], calls[0]])  # a repeat replaces, never fails
        writer.close()
        assert writer.failed is None
        assert s.completed_call("K0000007") == calls[6]
        assert s.completed_call("K9999999") is None
        rows, total = s.completed_calls(limit=1000)
        assert total == 31 and rows == sorted(calls, key=lambda c: (c.entered_at, c.id), reverse=True)
        # Pages by (entered_at, id), newest first, each call once.
        seen: list[str] = []
        after = None
        while True:
            page, count = s.completed_calls(limit=4, after=after)
            assert count == 31
            seen += [c.id for c in page]
            if len(page) < 4:
                break
            after = (page[-1].entered_at, page[-1].id)
        assert seen == [c.id for c in rows]
        # Filters, one at a time and together.
        assert {c.id for c in s.completed_calls(agent_id="a-2", limit=100)[0]} == {
            c.id for c in calls if c.agent_id == "a-2"
        }
        assert [c.id for c in s.completed_calls(queue_id="q_other")[0]] == ["K0000031"]
        assert s.completed_calls(outcome="abandoned")[1] == sum(c.outcome == "abandoned" for c in calls)
        window = s.completed_calls(since=stamp(100), until=stamp(150))[0]
        assert [c.id for c in window] == ["K0000014", "K0000013", "K0000012", "K0000011", "K0000010"]
        assert s.completed_calls(ended_since=stamp(305))[1] == 2  # K30 and K31 ended at or after
        assert [c.id for c in s.completed_calls(text="k000001")[0]][:2] == ["K0000019", "K0000018"]
        assert [c.id for c in s.completed_calls(text="****0025")[0]] == ["K0000025"]  # the masked caller
        assert s.completed_calls(text="_")[0] == [] and s.completed_calls(text="%")[0] == []
        both = s.completed_calls(agent_id="a-1", outcome="answered", since=stamp(200), limit=3)
        assert both[1] == sum(
            c.agent_id == "a-1" and c.outcome == "answered" and c.entered_at >= stamp(200) for c in calls
        )
        assert [c.id for c in both[0]] == ["K0000031", "K0000029", "K0000026"]
    finally:
        s.close()


def flag_created(seq: int, flag_id: str) -> tuple[Event, bytes]:
    made = Flag(
        id=flag_id,
        call_id="K0000001",
        queue_id="q-cards",
        agent_id="a-1",
        team="red",
        caller="138****0001",
        call_started_at=stamp(1),
        category=FlagCategory.COMPLIANCE,
        severity=FlagSeverity.HIGH,
        note="no disclosure",
        moment_s=12.5,
        flagged_by="sam",
        flagged_at=stamp(seq),
        updated_at=stamp(seq),
    )
    return wire(make_event(seq, stamp(seq), FlagCreated(flag=made)))


def flag_updated(
    seq: int, flag_id: str, version: int, note: str | None = None, **changes: Any
) -> tuple[Event, bytes]:
    data = FlagUpdated(flag_id=flag_id, changes=changes, version=version, by="quinn", note=note)
    return wire(make_event(seq, stamp(seq), data))


def test_flag_projection_and_history_follow_the_reducer(db_url: str) -> None:
    s = Store.open(db_url)
    try:
        writer, _ = open_writer(s)
        events = [
            flag_created(1, "F-000001"),
            flag_updated(2, "F-000001", 2, "listening", status="in_review", reviewer="quinn"),
            flag_created(3, "F-000002"),
        ]
        writer.submit(events)
        more = [
            flag_updated(4, "F-000001", 3, "coaching booked", status="closed", outcome="coaching_needed"),
            flag_updated(5, "F-404", 2, "lost"),  # unknown: skipped, as the reducer does
            flag_updated(6, "F-000002", 2, colour="red"),  # not a flag field: skipped
            flag_updated(7, "F-000002", 2, "a note alone"),
        ]
        writer.submit(more)
        writer.close()
        assert writer.failed is None
        floor = FloorState()
        for event, _ in [*events, *more]:
            floor.apply(event)
        for fid in ("F-000001", "F-000002"):
            row = s.flag_row(fid)
            want = floor.flags[fid]
            assert row is not None
            assert (row["status"], row["reviewer"], row["outcome"], row["version"]) == (
                want.status,
                want.reviewer,
                want.outcome,
                want.version,
            )
            assert (row["closed_at"], row["updated_at"], row["moment_s"]) == (
                want.closed_at,
                want.updated_at,
                12.5,
            )
            notes = [(h["at"], h["by"], h["note"]) for h in s.flag_history(fid) if h["note"] is not None]
            assert notes == [(n.at, n.by, n.text) for n in want.notes]
        assert s.flag_row("F-404") is None and s.flag_history("F-404") == []
        history = s.flag_history("F-000001")
        assert [(h["seq"], h["version"]) for h in history] == [(1, 1), (2, 2), (4, 3)]
        assert history[0]["changes"]["category"] == "compliance" and history[0]["by"] == "sam"
        assert history[2]["changes"] == {"status": "closed", "outcome": "coaching_needed"}
        assert s.user_role("nobody") is None
        s.upsert_user("quinn", "quality", "q-token")
        assert s.user_role("quinn") == "quality"
    finally:
        s.close()


def test_closing_and_reopening_a_case_across_batches(store: Store) -> None:
    writer, commits = open_writer(store)
    writer.submit([created(1, make_case("CS-9", 1))])
    assert commits.wait_ticket(1)
    writer.submit([updated(2, "CS-9", 2, status="closed")])
    assert commits.wait_ticket(2)
    closed = store.case_row("CS-9")
    assert closed is not None
    assert closed["closed_at"] == stamp(2)
    # A closed case has left the floor, so the reducer ignores updates to it; so does the projection.
    writer.submit([updated(3, "CS-9", 3, status="triage")])
    assert commits.wait_ticket(3)
    still = store.case_row("CS-9")
    assert still is not None
    assert (still["status"], still["version"], still["closed_at"]) == ("closed", 2, stamp(2))
    # Reopened as a new case.created (the floor drops closed cases).
    writer.submit([created(4, make_case("CS-9", 4, status=CaseStatus.TRIAGE, version=4, reopened=1))])
    writer.close()
    row = store.case_row("CS-9")
    assert row is not None
    assert (row["status"], row["reopened"], row["version"], row["closed_at"]) == ("triage", 1, 4, None)
    assert [h["seq"] for h in store.case_history("CS-9")] == [1, 2, 4]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_projection_agrees_with_the_reducer(tmp_path: Path, seed: int) -> None:
    """Random case traffic: the projection's open cases are exactly the reducer's."""
    rng = random.Random(seed)
    floor = FloorState(Centre(name="Leeds"))
    versions: dict[str, int] = {}
    events: list[tuple[Event, bytes]] = []
    for seq in range(1, 1501):
        ids = list(versions)
        if not ids or rng.random() < 0.2:
            case_id = f"CS-{rng.randrange(60)}"
            versions[case_id] = versions.get(case_id, 0) + 1
            case = make_case(case_id, seq, version=versions[case_id], priority=rng.choice(["P1", "P2", "P3"]))
            events.append(created(seq, case))
        else:
            case_id = rng.choice(ids)
            versions[case_id] += 1
            changes: dict[str, Any] = rng.choice(
                [
                    {"status": rng.choice(list(CaseStatus))},
                    {"agent_id": rng.choice([None, "a-1", "a-2"])},
                    {"priority": "P4", "subject": f"subject {seq}"},
                    {"first_response_at": stamp(seq)},
                ]
            )
            events.append(updated(seq, case_id, versions[case_id], **changes))
        floor.apply(events[-1][0])

    s = Store.open(sqlite_url(tmp_path))
    try:
        writer, _ = open_writer(s, max_batch_events=97)  # batches cut through the traffic
        for i in range(0, len(events), 13):
            writer.submit(events[i : i + 13])
        writer.close()
        with s.engine.connect() as conn:
            rows = (
                conn.execute(text("SELECT * FROM cases WHERE status != 'closed' ORDER BY id"))
                .mappings()
                .all()
            )
        # Which adapter published a case is in its events, not in the cases table.
        fields = [k for k in Case.__struct_fields__ if k != "source"]
        projected = {r["id"]: {k: r[k] for k in fields} for r in rows}
        expected = {
            c.id: {k: msgspec.to_builtins(getattr(c, k)) for k in fields} for c in floor.cases.values()
        }
        assert projected == expected
        # agent_cases, replayed in order, hand every case to the agent the projection has.
        with s.engine.connect() as conn:
            holders = {r.id: r.agent_id for r in conn.execute(text("SELECT id, agent_id FROM cases"))}
            moves = conn.execute(text("SELECT * FROM agent_cases ORDER BY seq, id")).mappings().all()
        held: dict[str, str | None] = {}
        for r in moves:
            if r["change"] == "assigned":
                held[r["case_id"]] = r["agent_id"]
            elif r["change"] == "unassigned":
                assert held.get(r["case_id"]) == r["agent_id"]
                held[r["case_id"]] = None
            else:
                assert held.get(r["case_id"]) == r["agent_id"] and r["change"] == r["status"]
        assert {k: v for k, v in held.items() if v} == {k: v for k, v in holders.items() if v}
        assert any(r["change"] == "unassigned" for r in moves)
    finally:
        s.close()


def test_bulk_rows_on_sqlite_are_what_core_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer's multi-row statements on SQLite (StoreWriter._many) store exactly what
    SQLAlchemy Core's executemany stores: every table, row for row, with batches that hold
    whole multi-row statements and a remainder."""
    rng = random.Random(5)
    events: list[tuple[Event, bytes]] = []
    calls: dict[int, list[CompletedCall]] = {}
    versions: dict[str, int] = {}
    for seq in range(1, 3001):
        roll = rng.random()
        if roll < 0.2 or not versions:
            case_id = f"CS-{rng.randrange(400)}"
            versions[case_id] = versions.get(case_id, 0) + 1
            events.append(created(seq, make_case(case_id, seq, version=versions[case_id])))
        elif roll < 0.45:
            case_id = rng.choice(list(versions))
            versions[case_id] += 1
            change: dict[str, Any] = rng.choice(
                [{"status": rng.choice(list(CaseStatus))}, {"agent_id": f"a-{seq % 7}"}]
            )
            events.append(updated(seq, case_id, versions[case_id], **change))
        elif roll < 0.75:
            state = rng.choice([AgentState.AVAILABLE, AgentState.NOT_READY])
            reason = "break" if state is AgentState.NOT_READY else None
            data = AgentStateChanged(agent_id=f"a-{seq % 50}", state=state, reason=reason)
            events.append(wire(make_event(seq, stamp(seq), data)))
        else:
            events.append(call_event(seq))
            calls[seq] = [finished(seq, answered=rng.random() < 0.7)]

    def core_many(
        self: StoreWriter, conn: Any, table: Any, rows: Any, *, keys: Any = (), update: Any = ()
    ) -> None:
        conn.execute(upsert("sqlite", table, list(keys), list(update)) if keys else insert(table), rows)

    def write(name: str) -> dict[str, list[tuple[Any, ...]]]:
        s = Store.open(sqlite_url(tmp_path, name))
        try:
            writer, _ = open_writer(s)
            # Batches of 700: whole statements and the rest. Each is committed before the next
            # is submitted, so both runs write the same batches (on a busy machine the writer
            # would otherwise take several submissions at once, and rowids follow the batches).
            for i in range(0, len(events), 700):
                chunk = events[i : i + 700]
                ticket = writer.submit(chunk, calls=[c for e, _ in chunk for c in calls.get(e.seq, [])])
                deadline = time.monotonic() + 60
                while writer.committed_ticket < ticket:
                    assert time.monotonic() < deadline, "the writer never committed the batch"
                    time.sleep(0.005)
            writer.close()
            with s.engine.connect() as conn:
                tables = ["events", "cases", "case_history", "agent_cases", "agent_states", "calls"]
                return {t: list(conn.execute(text(f"SELECT * FROM {t} ORDER BY rowid"))) for t in tables}
        finally:
            s.close()

    fast = write("fast.db")
    monkeypatch.setattr(StoreWriter, "_many", core_many)
    core = write("core.db")
    assert all(fast[t] for t in fast)
    assert len(fast["events"]) == 3000
    assert fast == core


# -- users ---------------------------------------------------------------------------------


def test_users_round_trip(any_store: Store) -> None:
    token = "tok_" + "9f2c7d1e4b" * 4
    new_token = "tok_" + "0a1b2c3d4e" * 4
    s = any_store
    s.upsert_user("sam", "supervisor", token)
    s.upsert_user("kim", "viewer", "tok_kim_" + "ab" * 16)
    assert s.user_for_token(token) == ("sam", "supervisor")
    assert s.user_for_token(token + "x") is None
    assert s.user_for_token("") is None
    with s.engine.connect() as conn:
        created_at = conn.scalar(text("SELECT created_at FROM users WHERE name = 'sam'"))
    s.upsert_user("sam", "manager", new_token)  # role and token change, created_at stays
    assert s.user_for_token(token) is None
    assert s.user_for_token(new_token) == ("sam", "manager")
    with s.engine.connect() as conn:
        assert conn.scalar(text("SELECT created_at FROM users WHERE name = 'sam'")) == created_at
        assert conn.scalar(text("SELECT count(*) FROM users")) == 2
        assert conn.scalar(text("SELECT token_verifier FROM users WHERE name = 'sam'")).startswith("scrypt$")
    with pytest.raises(ValueError):
        s.upsert_user("nobody", "viewer", "")


def test_tokens_appear_nowhere_in_the_database_files(tmp_path: Path) -> None:
    tokens = ["tok_" + "9f2c7d1e4b" * 4, "tok_" + "0a1b2c3d4e" * 4]
    s = Store.open(sqlite_url(tmp_path))
    try:
        s.upsert_user("sam", "supervisor", tokens[0])
        s.upsert_user("sam", "supervisor", tokens[1])
        assert s.user_for_token(tokens[1]) == ("sam", "supervisor")
        files = [p for p in tmp_path.iterdir() if p.is_file()]
        assert {p.name for p in files} >= {"store.db", "store.db-wal"}  # while open, in the WAL too
        for path in files:
            assert all(t.encode() not in path.read_bytes() for t in tokens), path
    finally:
        s.close()
    for path in [p for p in tmp_path.iterdir() if p.is_file()]:
        assert all(t.encode() not in path.read_bytes() for t in tokens), path


# -- audit -------------------------------------------------------------------------------------


def test_audit_queries_and_idempotent_resends(any_store: Store) -> None:
    store = any_store
    writer, _ = open_writer(store)
    writer.submit(
        audit=[
            audit_record("c-1", at=stamp(1), wall_at="2024-11-23T09:00:00.000Z"),
            audit_record("c-2", user="kim", at=stamp(2), action="case.assign"),
            audit_record("c-3", at=stamp(3), ok=False, error_code="unavailable", error_message="retry"),
            audit_record(
                "c-3", at=stamp(4), result={"queued": True}, before={"state": "available"}, after=None
            ),
            audit_record("c-3", at=stamp(5), ok=False, error_code="conflict", error_message="again"),
        ]
    )
    writer.close()
    everything = store.audit()
    assert [(r.command_id, r.at) for r in everything] == [
        ("c-1", stamp(1)),
        ("c-2", stamp(2)),
        ("c-3", stamp(3)),
        ("c-3", stamp(4)),
        ("c-3", stamp(5)),
    ]
    assert everything[0].wall_at == "2024-11-23T09:00:00.000Z"
    assert [r.user for r in store.audit(user="kim")] == ["kim"]
    assert [r.at for r in store.audit(action="case.assign")] == [stamp(2)]
    assert [r.at for r in store.audit(since_at=stamp(4))] == [stamp(4), stamp(5)]
    assert [r.at for r in store.audit(limit=2)] == [stamp(4), stamp(5)]  # the latest, oldest first
    assert store.audit(user="sam", action="case.assign") == []

    resent = store.audit_for_command("sam", "c-3")
    assert resent is not None
    assert (resent.ok, resent.result, resent.before, resent.after) == (
        True,
        {"queued": True},
        {"state": "available"},
        None,
    )
    failed_only = store.audit_for_command("sam", "c-1")
    assert failed_only is not None
    assert failed_only.ok
    assert store.audit_for_command("kim", "c-3") is None


def test_bad_audit_values_fail_the_caller_not_the_writer(store: Store) -> None:
    writer, _ = open_writer(store)
    with pytest.raises(TypeError):
        writer.submit(audit=[audit_record("c-1", args={"when": object()})])
    with pytest.raises(TypeError):
        writer.submit(meta={"k": 1})  # type: ignore[dict-item]
    writer.submit([call_event(1)])
    writer.close()
    assert writer.failed is None
    assert store.last_seq() == 1


# -- checkpoints -------------------------------------------------------------------------------


def test_a_large_checkpoint_is_written_after_its_events_and_deflated(store: Store) -> None:
    """A checkpoint over the bound is deflated apart and goes with a later batch (never before
    the events up to its seq), so the batch that takes it commits without it; at close the
    one still being deflated is written."""
    writer, commits = open_writer(store, checkpoint_apart_bytes=1)
    writer.submit([call_event(1)], checkpoint=(1, stamp(1), snapshot_bytes(1)))
    assert commits.wait_ticket(1)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM checkpoints")).scalar() == 0
    assert store.last_seq() == 1
    deadline = time.monotonic() + 10.0
    ticket = 1
    while store.latest_checkpoint() is None and time.monotonic() < deadline:
        ticket = writer.submit([call_event(ticket + 1)])  # later batches take it once deflated
        assert commits.wait_ticket(ticket)
    assert store.latest_checkpoint() == (1, snapshot_bytes(1))
    last = ticket + 1
    writer.submit([call_event(last)], checkpoint=(last, stamp(last), snapshot_bytes(last)))
    writer.close()
    assert store.latest_checkpoint() == (last, snapshot_bytes(last))
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT snapshot FROM checkpoints ORDER BY seq")).scalars().all()
    assert all(s.startswith("zlib:") and len(s) < len(snapshot_bytes(1)) for s in stored)


def test_a_checkpoint_written_as_json_before_is_still_read(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO checkpoints (seq, at, snapshot) VALUES (7, :at, :s)"),
            {"at": stamp(7), "s": snapshot_bytes(7).decode()},
        )
    assert store.latest_checkpoint() == (7, snapshot_bytes(7))


def test_only_the_latest_three_checkpoints_are_kept(store: Store) -> None:
    writer, commits = open_writer(store)
    for seq in range(1, 6):
        writer.submit([call_event(seq)], checkpoint=(seq, stamp(seq), snapshot_bytes(seq)))
        commits.wait_ticket(seq)  # one transaction each
    writer.submit(checkpoint=(5, stamp(6), snapshot_bytes(5)))  # the same seq again replaces it
    writer.close()
    with store.engine.connect() as conn:
        kept = conn.execute(text("SELECT seq, at FROM checkpoints ORDER BY seq")).all()
    assert [tuple(r) for r in kept] == [(3, stamp(3)), (4, stamp(4)), (5, stamp(6))]
    assert store.latest_checkpoint() == (5, snapshot_bytes(5))


# -- batching, ordering and closing ----------------------------------------------------------------


def test_many_submits_commit_in_fewer_transactions_in_order(store: Store) -> None:
    writer, commits = open_writer(store)
    tickets = [
        writer.submit([call_event(seq) for seq in range(i * 10 + 1, i * 10 + 11)]) for i in range(2000)
    ]
    assert tickets == list(range(1, 2001))
    writer.close()
    assert writer.transactions < 2000
    assert store.last_seq() == 20_000
    assert [seq for seq, _ in store.events_after(0)] == list(range(1, 20_001))
    assert commits.calls[-1] == (20_000, 2000)
    seqs = [c[0] for c in commits.calls]
    ticks = [c[1] for c in commits.calls]
    assert seqs == sorted(set(seqs))
    assert ticks == sorted(set(ticks))
    assert len(commits.calls) == writer.transactions
    assert all(t * 10 == s for s, t in commits.calls)  # a ticket commits exactly with its events


def test_a_batch_is_bounded_but_never_splits_a_submission(store: Store) -> None:
    writer, commits = open_writer(store, max_batch_events=50)
    seq = 0
    for size in [20] * 30 + [120, 5]:
        writer.submit([call_event(s) for s in range(seq + 1, seq + size + 1)])
        seq += size
    writer.close()
    assert store.last_seq() == seq
    previous = 0
    for committed_seq, _ in commits.calls:
        assert committed_seq - previous <= 50 or committed_seq - previous == 120
        previous = committed_seq


def test_close_flushes_everything_pending(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    s = Store.open(url)
    writer, _ = open_writer(s)
    for i in range(200):
        writer.submit([call_event(seq) for seq in range(i * 50 + 1, i * 50 + 51)], meta={"n": str(i)})
    writer.close()
    assert not writer.alive
    assert writer.pending == 0
    with pytest.raises(RuntimeError, match="closed"):
        writer.submit([call_event(10_001)])
    s.close()
    s = Store.open(url)
    try:
        assert s.last_seq() == 10_000
        assert s.get_meta("n") == "199"
    finally:
        s.close()


def test_store_close_flushes_a_running_writer(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    s = Store.open(url)
    writer, _ = open_writer(s)
    writer.submit([call_event(seq) for seq in range(1, 1001)])
    s.close()
    assert not writer.alive
    s = Store.open(url)
    assert s.last_seq() == 1000
    s.close()


def test_only_one_writer_at_a_time(store: Store) -> None:
    writer, _ = open_writer(store)
    with pytest.raises(RuntimeError, match="already"):
        store.start_writer(lambda seq, ticket: None)
    writer.close()
    store.start_writer(lambda seq, ticket: None).close()


def test_seqs_must_increase(store: Store) -> None:
    writer, _ = open_writer(store)
    with pytest.raises(ValueError, match="does not follow"):
        writer.submit([call_event(2), call_event(1)])
    writer.submit([call_event(1), call_event(2)])
    with pytest.raises(ValueError, match="does not follow"):
        writer.submit([call_event(2)])
    writer.close()
    assert [seq for seq, _ in store.events_after(0)] == [1, 2]


def test_a_failing_callback_does_not_stop_the_writer(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    def boom(seq: int, ticket: int) -> None:
        raise RuntimeError("callback bug")

    writer = store.start_writer(boom)
    with caplog.at_level(logging.ERROR, logger="console.store.writer"):
        writer.submit([call_event(1)])
        writer.submit([call_event(2)])
        writer.close()
    assert store.last_seq() == 2
    assert "on_committed callback raised" in caplog.text


# -- errors -----------------------------------------------------------------------------------------


def hold_exclusive_lock(path: Path, seconds: float) -> Callable[[], None]:
    """Lock the database from another connection for ``seconds``; returns a join function."""
    locked = threading.Event()

    def run() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("BEGIN EXCLUSIVE")
            locked.set()
            time.sleep(seconds)
            conn.execute("COMMIT")
        finally:
            conn.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert locked.wait(5)
    return lambda: thread.join(10)


@pytest.mark.parametrize("busy_timeout", [5.0, 0.05], ids=["waits-on-busy-timeout", "retries-with-backoff"])
def test_a_briefly_locked_database_delays_but_loses_nothing(
    tmp_path: Path, busy_timeout: float, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "store.db"
    s = Store.open(f"sqlite:///{path}", busy_timeout=busy_timeout)
    try:
        writer, commits = open_writer(s)
        writer.submit([call_event(1)])
        assert commits.wait_ticket(1)
        with caplog.at_level(logging.WARNING, logger="console.store.writer"):
            join = hold_exclusive_lock(path, 0.5)
            started = time.monotonic()
            writer.submit([call_event(2), call_event(3)], audit=[audit_record("c-1")])
            writer.submit([call_event(4)])
            time.sleep(0.2)
            assert writer.committed_ticket == 1  # still locked out
            assert commits.wait_ticket(3)
            join()
        assert time.monotonic() - started >= 0.4
        writer.close()
        assert writer.failed is None
        assert [seq for seq, _ in s.events_after(0)] == [1, 2, 3, 4]
        assert [r.command_id for r in s.audit()] == ["c-1"]
        if busy_timeout < 0.5:
            assert "database is locked" in caplog.text
            assert "committed after" in caplog.text
    finally:
        s.close()


def test_a_duplicate_seq_stops_the_writer_visibly(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    s = Store.open(f"sqlite:///{path}")
    try:
        writer, commits = open_writer(s)
        # Another writer (a bug: two gateways on one file) slips seq 3 in behind our back.
        with contextlib.closing(sqlite3.connect(path)) as other, other:
            other.execute("INSERT INTO events (seq, at, type, data) VALUES (3, 'x', 'x', '{}')")
        writer.submit([call_event(1), call_event(2), call_event(3)], meta={"k": "v"})
        deadline = time.monotonic() + 10
        while writer.alive and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not writer.alive
        assert writer.failed is not None
        assert "UNIQUE" in str(writer.failed)
        assert commits.calls == []
        with pytest.raises(WriterFailedError):
            writer.submit([call_event(4)])
        writer.close()
        assert writer.pending == 1  # kept, not silently dropped
        # All or nothing: none of the failed batch is there.
        assert [seq for seq, _ in s.events_after(0)] == [3]
        assert s.get_meta("k") is None
    finally:
        s.close()


# -- PostgreSQL restarts ----------------------------------------------------------------------------------


def test_a_postgresql_restart_delays_but_loses_nothing(pg_server: PgServer, pg_url: str) -> None:
    s = Store.open(pg_url)
    try:
        writer, commits = open_writer(s)
        writer.submit([call_event(1)])
        assert commits.wait_ticket(1)
        pg_server.stop("fast")
        try:
            writer.submit([call_event(2), call_event(3)], audit=[audit_record("c-1")])
            time.sleep(0.5)
            assert writer.committed_ticket == 1
            assert writer.failed is None
        finally:
            pg_server.start()
        assert commits.wait_ticket(2, timeout=30)
        writer.close()
        assert writer.failed is None
        assert [seq for seq, _ in s.events_after(0)] == [1, 2, 3]
        assert len(s.audit()) == 1
        assert s.get_meta(BATCH_MARKER_KEY) is not None
    finally:
        s.close()
