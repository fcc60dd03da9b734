"""Retention: what the store forgets, and how, so it does not grow for ever.

The gateway keeps ``keep_days`` business days (``--keep-days``, default
``DEFAULT_KEEP_DAYS``; 0 keeps everything). At each business day's start it asks
the writer to prune everything dated before the start of the business day
``keep_days`` days before the current one (``cut_for``):

- ``events`` (the journal) with ``at`` before the cut, but never an event after
  the latest checkpoint (a restart restores that checkpoint and replays the
  events after it), and with no checkpoint no event at all;
- ``calls`` that ended before the cut;
- ``agent_states`` that started before the cut, except each agent's latest row
  (the state it is still in);
- ``agent_cases`` dated before the cut;
- ``case_history`` of cases closed before the cut (the ``cases`` rows stay);
- day checkpoints (the floor just before a business day, ``DAY_CHECKPOINT_KEY`` in ``meta``)
  whose following events are gone: that day can no longer be replayed (``history.query``).

Kept for good: ``audit`` (who did what: a bank keeps it for years; archive it
with the database's own tools), ``flags`` and ``flag_history`` (the quality
record), ``cases``, ``users``, ``meta``. ``checkpoints`` are pruned to the latest
three as they are written (``writer.KEEP_CHECKPOINTS``).

Each step deletes at most ``chunk`` rows in its own short transaction on the
writer's thread, between the floor's batches, so a prune never holds the floor
up for longer than one small delete. Its ``IN (...)`` lists come in one length
(``padded``, ``IN_LIST``): each length is one more statement that the driver
compiles and keeps per connection (Python's sqlite3 keeps 128, about 280 KB each
with 2,000 parameters). Lists of every length made the gateway grow by megabytes
a day for a week, and lists in powers of two still added one or two a day until
each length had come up (docs/performance.md, the soak); with one length each
statement is compiled once, at the first prune.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import Connection, and_, delete, func, select

from console.domain.businessday import day_start
from console.domain.clock import iso, to_ms
from console.store.schema import (
    agent_cases_table,
    agent_states_table,
    calls_table,
    case_history_table,
    cases_table,
    checkpoints_table,
    events_table,
    meta_table,
)

#: Business days kept by default (besides the current one).
DEFAULT_KEEP_DAYS = 35
#: Rows deleted per transaction.
CHUNK = 2000
#: The tables pruned, in the order they are pruned (the log line names them so).
PRUNED_TABLES = ("events", "calls", "agent_states", "agent_cases", "case_history", "day_checkpoints")

#: Meta key of the checkpoint that opens a business day (``history.query`` replays from it).
DAY_CHECKPOINT_KEY = "checkpoint.day.{}"

#: The length of every ``IN (...)`` list a prune sends (a chunk's ids fit in one).
IN_LIST = 2048

T = TypeVar("T")


def padded(values: Sequence[T], size: int = IN_LIST) -> list[T]:
    """``values`` (not empty) with its last one repeated up to a multiple of ``size``.

    An ``IN (...)`` list so padded means the same and, for up to ``size`` values, always
    has the one length: one statement to compile and keep.
    """
    length = -(-len(values) // size) * size
    return [*values, *[values[-1]] * (length - len(values))]


def cut_for(day_started_at: str, keep_days: int, timezone: str, day_starts: str) -> str:
    """The start of the business day ``keep_days`` days before the one that started at ``day_started_at``."""
    # Noon of that day, whatever daylight saving did in between, then its business day's start.
    at = iso(to_ms(day_started_at) - keep_days * 86_400_000 + 12 * 3_600_000)
    return day_start(at, timezone, day_starts)


def prune_chunk(
    conn: Connection, table: str, cut: str, chunk: int = CHUNK, after: int = 0
) -> tuple[int, int | None]:
    """Delete one chunk of ``table``'s rows dated before ``cut``: (rows deleted, where to go on).

    The second value is None when the table holds nothing more to prune, else
    the ``after`` to pass next (only ``agent_states`` moves past rows it keeps).
    """
    if table == "agent_states":
        return _agent_states(conn, cut, chunk, after)
    deleted = int(_STEPS[table](conn, cut, chunk))
    return deleted, (after if deleted else None)


def _events(conn: Connection, cut: str, chunk: int) -> int:
    t = events_table
    latest_cp = conn.scalar(select(func.max(checkpoints_table.c.seq)))
    if latest_cp is None:
        return 0
    # The journal's head by seq (the primary key): delete the leading run older than the cut.
    rows = conn.execute(
        select(t.c.seq, t.c.at).where(t.c.seq <= latest_cp).order_by(t.c.seq).limit(chunk)
    ).all()
    last = None
    for seq, at in rows:
        if at >= cut:
            break
        last = seq
    if last is None:
        return 0
    return int(conn.execute(delete(t).where(t.c.seq <= last)).rowcount or 0)


def _calls(conn: Connection, cut: str, chunk: int) -> int:
    t = calls_table
    ids = conn.scalars(select(t.c.id).where(t.c.ended_at < cut).limit(chunk)).all()
    if not ids:
        return 0
    return int(conn.execute(delete(t).where(t.c.id.in_(padded(ids)))).rowcount or 0)


def _by_id_prefix(
    conn: Connection, table: str, cut: str, chunk: int, after: int = 0
) -> list[tuple[int, str]]:
    """(id, agent_id) of the leading rows by id after ``after`` dated before the cut (ids grow with time)."""
    t = agent_states_table if table == "agent_states" else agent_cases_table
    at = t.c.started_at if table == "agent_states" else t.c.at
    rows = conn.execute(
        select(t.c.id, t.c.agent_id, at).where(t.c.id > after).order_by(t.c.id).limit(chunk)
    ).all()
    out: list[tuple[int, str]] = []
    for row_id, agent_id, row_at in rows:
        if row_at >= cut:
            break
        out.append((row_id, agent_id))
    return out


def _agent_states(conn: Connection, cut: str, chunk: int, after: int) -> tuple[int, int | None]:
    t = agent_states_table
    rows = _by_id_prefix(conn, "agent_states", cut, chunk, after)
    if not rows:
        return 0, None
    agents = sorted({agent for _, agent in rows})
    latest: set[int] = set()
    for start in range(0, len(agents), 500):
        part = agents[start : start + 500]
        latest.update(
            conn.scalars(
                select(func.max(t.c.id)).where(t.c.agent_id.in_(padded(part))).group_by(t.c.agent_id)
            )
        )
    ids = [row_id for row_id, _ in rows if row_id not in latest]
    deleted = int(conn.execute(delete(t).where(t.c.id.in_(padded(ids)))).rowcount or 0) if ids else 0
    return deleted, rows[-1][0]  # go on past the agents' current states kept


def _agent_cases(conn: Connection, cut: str, chunk: int) -> int:
    t = agent_cases_table
    rows = _by_id_prefix(conn, "agent_cases", cut, chunk)
    if not rows:
        return 0
    last = rows[-1][0]
    return int(conn.execute(delete(t).where(t.c.id <= last)).rowcount or 0)


def _case_history(conn: Connection, cut: str, chunk: int) -> int:
    h, c = case_history_table, cases_table
    ids = conn.scalars(
        select(h.c.id)
        .join(c, c.c.id == h.c.case_id)
        .where(and_(c.c.status == "closed", c.c.closed_at < cut))
        .limit(chunk)
    ).all()
    if not ids:
        return 0
    return int(conn.execute(delete(h).where(h.c.id.in_(padded(ids)))).rowcount or 0)


def _day_checkpoints(conn: Connection, cut: str, chunk: int) -> int:
    """Day checkpoints whose following events are pruned (their day can no longer be replayed)."""
    first = conn.scalar(select(func.min(events_table.c.seq)))
    m = meta_table
    keys = conn.execute(select(m.c.key, m.c.value).where(m.c.key.like(DAY_CHECKPOINT_KEY.format("%")))).all()
    gone = [(key, int(value)) for key, value in keys if first is None or int(value) + 1 < first][:chunk]
    if not gone:
        return 0
    conn.execute(delete(m).where(m.c.key.in_([key for key, _ in gone])))
    latest = conn.scalar(select(func.max(checkpoints_table.c.seq)))
    seqs = [seq for _, seq in gone if seq != latest]
    if seqs:
        conn.execute(delete(checkpoints_table).where(checkpoints_table.c.seq.in_(seqs)))
    return len(gone)


_STEPS = {
    "day_checkpoints": _day_checkpoints,
    "events": _events,
    "calls": _calls,
    "agent_cases": _agent_cases,
    "case_history": _case_history,
}
