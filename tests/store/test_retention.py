"""Retention (console/store/retention.py): pruning a real store, SQLite and PostgreSQL."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, func, select

from console.domain.clock import iso
from console.domain.entities import AgentState, CaseStatus
from console.domain.events import AgentStateChanged, CaseCreated, CaseUpdated, make_event
from console.store import Store
from console.store.retention import IN_LIST, cut_for, padded
from console.store.schema import (
    agent_cases_table,
    agent_states_table,
    audit_table,
    calls_table,
    case_history_table,
    cases_table,
    checkpoints_table,
    events_table,
)
from tests.store.test_store import (
    BASE_MS,
    audit_record,
    db_url,
    finished,
    make_case,
    open_writer,
    pg_server,
    pg_url,
    snapshot_bytes,
    wire,
)

__all__ = ["db_url", "pg_server", "pg_url"]  # fixtures, imported so pytest finds them here

DAY_MS = 86_400_000
READY = AgentState.AVAILABLE


def at(day: int, second: int) -> str:
    return iso(BASE_MS + day * DAY_MS + second * 1000)


def count(s: Store, table: Any, where: Any = None) -> int:
    stmt = select(func.count()).select_from(table)
    if where is not None:
        stmt = stmt.where(where)
    with s.engine.connect() as conn:
        return int(conn.scalar(stmt) or 0)


def write_days(s: Store, days: int, per_day: int = 30) -> list[int]:
    """``days`` days of agent states, cases (closed the same day), calls, audit; a checkpoint a day.

    Returns the seq of each day's checkpoint.
    """
    writer, _ = open_writer(s)
    seq = 0
    checkpoints = []
    for day in range(days):
        for k in range(per_day):
            seq += 1
            agent = f"a-{k % 3}"
            state = AgentState.AVAILABLE if k % 2 else AgentState.ON_CALL
            events = [wire(make_event(seq, at(day, k), AgentStateChanged(agent_id=agent, state=state)))]
            if k == 0:
                case = make_case(f"C-{day}", seq, created_at=at(day, k), agent_id="a-1")
                events.append(wire(make_event(seq + 1, at(day, k), CaseCreated(case=case))))
                events.append(
                    wire(
                        make_event(
                            seq + 2,
                            at(day, k + 1),
                            CaseUpdated(case_id=f"C-{day}", changes={"status": CaseStatus.CLOSED}, version=2),
                        )
                    )
                )
                seq += 2
            call = finished(day * 1000 + k)
            call = type(call)(
                **{**{f: getattr(call, f) for f in call.__struct_fields__}, "ended_at": at(day, k)}
            )
            last = k == per_day - 1
            writer.submit(
                events,
                calls=[call],
                audit=[audit_record(f"cmd-{day}-{k}", at=at(day, k))],
                checkpoint=(seq, at(day, k), snapshot_bytes(seq)) if last else None,
            )
            if last:
                checkpoints.append(seq)
    writer.close()
    return checkpoints


def test_a_prune_removes_what_is_older_than_the_cut_and_keeps_the_rest(db_url: str) -> None:
    s = Store.open(db_url)
    try:
        checkpoints = write_days(s, 5)
        cut = at(3, 0)
        events_before = count(s, events_table)
        kept_events = count(s, events_table, events_table.c.at >= cut)
        audit_before = count(s, audit_table)
        writer, _ = open_writer(s, prune_chunk=7)  # small chunks: many transactions
        writer.request_prune(cut)
        deadline = time.monotonic() + 20
        while writer.prunes < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert writer.prunes == 1
        assert writer.last_prune["events"] == events_before - kept_events > 0
        assert count(s, events_table, events_table.c.at < cut) == 0
        assert count(s, events_table) == kept_events
        assert count(s, calls_table, calls_table.c.ended_at < cut) == 0
        assert count(s, calls_table) == 2 * 30
        assert count(s, agent_cases_table, agent_cases_table.c.at < cut) == 0
        assert count(s, agent_cases_table) > 0
        # Each agent's current state stays, however old; older states go.
        assert count(s, agent_states_table, agent_states_table.c.started_at < cut) == 0
        assert count(s, agent_states_table) == 2 * 30
        # Closed cases keep their row but lose their history once closed before the cut.
        assert count(s, cases_table) == 5
        with s.engine.connect() as conn:
            kept = set(conn.scalars(select(case_history_table.c.case_id).distinct()))
        assert kept == {"C-3", "C-4"}
        # The audit and the checkpoints are not retention's.
        assert count(s, audit_table) == audit_before == 5 * 30
        assert s.latest_checkpoint() is not None
        assert s.latest_checkpoint()[0] == checkpoints[-1]  # type: ignore[index]
        assert count(s, checkpoints_table) == 3
        assert s.last_seq() == checkpoints[-1]
        writer.close()
    finally:
        s.close()


def test_events_after_the_latest_checkpoint_are_never_pruned(db_url: str) -> None:
    s = Store.open(db_url)
    try:
        writer, commits = open_writer(s)
        ticket = 0
        for seq in range(1, 11):
            ticket = writer.submit(
                [
                    wire(
                        make_event(
                            seq, at(0, seq), AgentStateChanged(agent_id="a-1", state=AgentState.AVAILABLE)
                        )
                    )
                ],
                checkpoint=(seq, at(0, seq), snapshot_bytes(seq)) if seq == 4 else None,
            )
        assert commits.wait_ticket(ticket)
        writer.request_prune(at(5, 0))  # everything is older than the cut
        deadline = time.monotonic() + 20
        while writer.prunes < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert writer.last_prune["events"] == 4
        assert [seq for seq, _ in s.events_after(0)] == list(range(5, 11))  # a restart replays these
        writer.close()
    finally:
        s.close()


def test_the_cut_is_the_start_of_the_business_day_keep_days_before() -> None:
    # Business days start at 06:00 Shanghai (22:00 UTC the day before).
    assert cut_for("2026-03-10T22:00:00.000Z", 35, "Asia/Shanghai", "06:00") == "2026-02-03T22:00:00.000Z"
    assert cut_for("2026-03-10T22:00:00.000Z", 1, "Asia/Shanghai", "06:00") == "2026-03-09T22:00:00.000Z"


def test_in_lists_are_padded_to_one_length() -> None:
    assert padded([5]) == [5] * IN_LIST
    assert padded([1, 2, 3], 4) == [1, 2, 3, 3]
    assert padded(list(range(2000))) == [*range(2000), *[1999] * 48]
    assert padded(list(range(8)), 4) == list(range(8))
    assert padded(list(range(5)), 4) == [0, 1, 2, 3, 4, 4, 4, 4]


def test_a_prunes_in_lists_come_in_few_lengths(db_url: str) -> None:
    # Each length of an IN (...) list is another statement the driver compiles and keeps (Python's
    # sqlite3 keeps 128 a connection, ~280 KB each with 2,000 parameters): the soak's gateway grew by
    # megabytes a day while the prune's lists came in every length, and by one or two a day while
    # they came in powers of two (each length as it first came up): now they come in one.
    s = Store.open(db_url)
    try:
        write_days(s, 5)
        statements: list[str] = []

        def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            statements.append(statement)

        event.listen(s.engine, "before_cursor_execute", seen)
        writer, _ = open_writer(s, prune_chunk=7)
        for day in (2, 4):
            writer.request_prune(at(day, 0))
            deadline = time.monotonic() + 20
            while writer.prunes < day // 2 and time.monotonic() < deadline:
                time.sleep(0.01)
        assert writer.prunes == 2
        writer.close()
        lists = [st.count("?") + st.count("%(") for st in statements if " IN (" in st.upper()]
        assert lists, "the prune used no IN list"
        assert set(lists) == {IN_LIST}
    finally:
        s.close()


def test_a_finished_prune_closes_the_connection_that_compiled_its_statements(db_url: str) -> None:
    # Each prune statement compiled is ~400 KB of SQLite's memory, kept by the connection that ran
    # it: the soak's gateway grew by 2-4 MB over a week. The last step lets that connection go.
    s = Store.open(db_url)
    try:
        write_days(s, 5)
        dropped: list[Any] = []
        event.listen(s.engine, "invalidate", lambda dbapi_conn, *_: dropped.append(dbapi_conn))
        writer, _ = open_writer(s, prune_chunk=7)  # many steps: only the last one lets go
        writer.request_prune(at(3, 0))
        deadline = time.monotonic() + 20
        while writer.prunes < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert writer.prunes == 1
        assert len(dropped) == 1
        # The store carries on with a fresh connection: it writes and reads as before.
        seq = s.last_seq()
        writer.submit([wire(make_event(seq + 1, at(5, 0), AgentStateChanged(agent_id="a-0", state=READY)))])
        writer.close()
        assert s.last_seq() == seq + 1
    finally:
        s.close()
