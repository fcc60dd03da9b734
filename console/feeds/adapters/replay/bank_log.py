"""The "Anonymous Bank" call log, read and turned into protocol-v1 events (no network, no Qt).

The log holds every call of February 1999 at a bank's telephone centre in Israel, as published by
the Technion's service-engineering group: tab-separated, one header line, one row per call, with
the IVR, queue and service times of each call (``COLUMNS``). ``read_log`` parses the lines into
``LogRow``s, skipping each bad line with a message that names its line and column (never an
exception); ``replay_events`` maps the rows to the events a replay adapter publishes, each with its
time and position, in the order to publish them, and reports what it did with the data's quirks
(``ReplayReport``).

Times. Each ``H:MM:SS`` is a local time (``Asia/Jerusalem``) on the row's date (``YYMMDD``; YY from
70 on is 19YY, below 70 20YY), except a time more than 12 hours earlier than the row's
``vru_entry``: that one is past midnight, on the next day (a caller entering the IVR at 23:59:54
and queued at 0:00:27). The IVR's clock is sometimes a minute or three behind the queue's
(``vru_exit`` before ``vru_entry``, a negative ``vru_time``); 12 hours leave those on the same day.
``0:00:00`` in both ``q_start`` and ``q_exit`` means "never queued", in both ``ser_start`` and
``ser_exit`` "no service times"; a ``0:00:00`` beside a real time in the other column of its pair
is midnight (one row queues at 0:00:00 and leaves the queue at 0:00:27, ``q_time`` 27).

Customer numbers. 21 rows of the published month have a 12-digit customer number written in a
spreadsheet's floating-point form, rounded to six digits (``1.23456E+11``): the number is lost, so
those rows are read as calls of an unidentified customer (0) with ``customer_id_rounded`` set, and
counted; any other text in that column is a bad line.

Nothing here logs or prints: a customer number is only ever put into a ``call.queued`` (the gateway
masks it), and a bad ``customer_id`` column is reported without its value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from itertools import groupby
from pathlib import Path
from zoneinfo import ZoneInfo

from console.domain.entities import Agent, AgentState, Centre
from console.domain.events import (
    AgentAdded,
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallQueued,
    CentreConfigured,
    EventData,
    QueueConfigured,
)

TIMEZONE = "Asia/Jerusalem"
_TZ = ZoneInfo(TIMEZONE)
CENTRE_NAME = "Anonymous Bank"
TEAM = "Anonymous Bank"
#: The log's ``server`` of served calls that name no agent; replayed as an agent of its own.
NO_SERVER = "NO_SERVER"
NO_SERVER_NAME = "(no server)"
#: The services (``type``): one queue each, the code as its id.
QUEUE_NAMES: dict[str, str] = {
    "PS": "Regular activity",
    "PE": "Regular activity (English)",
    "NW": "Prospective customers",
    "NE": "Stock exchange",
    "IN": "Internet support",
    "TT": "Callbacks",
}
SL_TARGET_PCT = 80.0
COLUMNS = (
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
)
#: A time this much earlier than the row's vru_entry is on the next day.
NEXT_DAY_GAP_S = 12 * 3600
#: Positions: ``at_ms * POSITIONS_PER_MS + k``; the first ``CONFIG_SLOTS`` values of k at any
#: instant are kept for the configuration events, then each event takes ``STRIDE`` values, the
#: last its own and the others for what a replay of some days only puts before it (see
#: ``replay_events``).
POSITIONS_PER_MS = 1000
CONFIG_SLOTS = 8
STRIDE = 3


class Outcome(StrEnum):
    AGENT = "AGENT"  # served
    HANG = "HANG"  # hung up
    PHANTOM = "PHANTOM"  # a virtual call: ignored


# -- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogRow:
    """One call of the log, its times resolved to aware datetimes in ``Asia/Jerusalem``."""

    line: int  # line number in the file (the header is line 1)
    vru_line: str  # "AA0101": IVR unit and line; call_id is unique only with it (and the date)
    call_id: int
    customer_id: int  # 0: not identified (or lost: customer_id_rounded)
    priority: int  # 0 or 1 regular, 2 priority
    type: str  # the service: a key of QUEUE_NAMES
    date: dt.date
    vru_entry: dt.datetime
    vru_exit: dt.datetime
    vru_time: int  # seconds, as logged (may be negative)
    q_start: dt.datetime | None  # None: never queued
    q_exit: dt.datetime | None
    q_time: int
    outcome: Outcome
    ser_start: dt.datetime | None  # None: no service times
    ser_exit: dt.datetime | None
    ser_time: int
    server: str  # an agent's name, or NO_SERVER
    customer_id_rounded: bool = False  # logged as 1.23456E+11: the number is lost

    @property
    def call_key(self) -> str:
        """The call's id on the feed, unique across the month: ``990210-AA0101-34536``."""
        return f"{self.date:%y%m%d}-{self.vru_line}-{self.call_id}"


@dataclass(slots=True)
class LogReading:
    """What ``read_log`` made of a log: the good rows, and one message per bad line."""

    source: str
    rows: list[LogRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class _BadLine(Exception):
    pass


_TIME = re.compile(r"(\d{1,2}):([0-5]\d):([0-5]\d)")
_INT = re.compile(r"-?\d+")
_DATE = re.compile(r"\d{6}")
_ROUNDED = re.compile(r"\d(?:\.\d+)?E\+\d{1,2}")
_INDEX = {name: i for i, name in enumerate(COLUMNS)}


def _bad(column: str, problem: str) -> _BadLine:
    return _BadLine(f"column {column}: {problem}")


def _int(fields: list[str], column: str, *, show: bool = True) -> int:
    text = fields[_INDEX[column]]
    if _INT.fullmatch(text) is None:
        raise _bad(column, f"{text!r} is not a whole number" if show else "not a whole number (not shown)")
    return int(text)


def _seconds(fields: list[str], column: str) -> int:
    text = fields[_INDEX[column]]
    m = _TIME.fullmatch(text)
    if m is None or int(m[1]) > 23:
        raise _bad(column, f"{text!r} is not a time H:MM:SS")
    return int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3])


def _date(text: str) -> dt.date:
    if _DATE.fullmatch(text) is None:
        raise _bad("date", f"{text!r} is not a date YYMMDD")
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:])
    try:
        return dt.date(1900 + yy if yy >= 70 else 2000 + yy, mm, dd)
    except ValueError:
        raise _bad("date", f"{text!r} is not a date YYMMDD") from None


def _parse(fields: list[str], line: int) -> LogRow:
    if len(fields) != len(COLUMNS):
        raise _BadLine(f"{len(fields)} columns, not {len(COLUMNS)} (tab-separated)")
    vru_line = fields[0].strip()
    if not vru_line:
        raise _bad("vru+line", "empty")
    call_id = _int(fields, "call_id")
    rounded = _ROUNDED.fullmatch(fields[_INDEX["customer_id"]]) is not None
    customer_id = 0 if rounded else _int(fields, "customer_id", show=False)
    priority = _int(fields, "priority")
    if priority not in (0, 1, 2):
        raise _bad("priority", f"{fields[_INDEX['priority']]!r} is not a priority 0, 1 or 2")
    service = fields[_INDEX["type"]]
    if service not in QUEUE_NAMES:
        raise _bad("type", f"{service!r} is not a service type ({', '.join(QUEUE_NAMES)})")
    day = _date(fields[_INDEX["date"]])
    entry = _seconds(fields, "vru_entry")
    vru_exit = _seconds(fields, "vru_exit")
    vru_time = _int(fields, "vru_time")
    q_start, q_exit = _seconds(fields, "q_start"), _seconds(fields, "q_exit")
    q_time = _int(fields, "q_time")
    text = fields[_INDEX["outcome"]]
    try:
        outcome = Outcome(text)
    except ValueError:
        raise _bad("outcome", f"{text!r} is not an outcome AGENT, HANG or PHANTOM") from None
    ser_start, ser_exit = _seconds(fields, "ser_start"), _seconds(fields, "ser_exit")
    ser_time = _int(fields, "ser_time")
    server = fields[_INDEX["server"]].strip()
    if not server:
        raise _bad("server", "empty")

    def at(secs: int) -> dt.datetime:
        on = day + dt.timedelta(days=1) if secs < entry - NEXT_DAY_GAP_S else day
        return dt.datetime(on.year, on.month, on.day, secs // 3600, secs // 60 % 60, secs % 60, tzinfo=_TZ)

    def pair(start: int, end: int) -> tuple[dt.datetime | None, dt.datetime | None]:
        return (None, None) if start == end == 0 else (at(start), at(end))

    queued, served = pair(q_start, q_exit), pair(ser_start, ser_exit)
    return LogRow(
        line=line,
        vru_line=vru_line,
        call_id=call_id,
        customer_id=customer_id,
        priority=priority,
        type=service,
        date=day,
        vru_entry=at(entry),
        vru_exit=at(vru_exit),
        vru_time=vru_time,
        q_start=queued[0],
        q_exit=queued[1],
        q_time=q_time,
        outcome=outcome,
        ser_start=served[0],
        ser_exit=served[1],
        ser_time=ser_time,
        server=server,
        customer_id_rounded=rounded,
    )


def read_log(lines: Iterable[str], *, source: str) -> LogReading:
    """Parse the lines of a log (its header first, if it has one; line ends are stripped).

    Each good line gives a ``LogRow``; each bad one (a wrong number of columns, a bad number, date
    or time, an unknown service or outcome, an empty line or server) is skipped and reported in
    ``errors`` as ``line 1234: column q_exit: '7:6x:00' is not a time H:MM:SS``. Blank lines are
    passed over.
    """
    reading = LogReading(source=source)
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip("\r\n")
        if number == 1:
            text = text.removeprefix("\ufeff")
        if not text.strip():
            continue
        fields = text.split("\t")
        if number == 1 and tuple(f.strip() for f in fields) == COLUMNS:
            continue
        try:
            reading.rows.append(_parse(fields, number))
        except _BadLine as bad:
            reading.errors.append(f"line {number}: {bad}")
    return reading


def read_log_file(path: Path) -> LogReading:
    """``read_log`` of the file at ``path`` (ASCII; CRLF or LF)."""
    with path.open(encoding="utf-8", newline="") as f:
        return read_log(f, source=str(path))


# -- the report ------------------------------------------------------------------------------------


@dataclass(slots=True)
class ReplayReport:
    """What a replay did with the rows of its days (counts of rows, unless said otherwise)."""

    days: list[dt.date] = field(default_factory=list)  # the replayed days
    rows: int = 0  # good rows of the replayed days
    bad_rows: int = 0  # lines of the whole log skipped by read_log
    bad_messages: list[str] = field(default_factory=list)
    phantom: int = 0  # PHANTOM rows: ignored
    ivr_only: int = 0  # hung up in the IVR, never queued: not offered, no events
    offered: int = 0  # calls queued (call.queued)
    answered: int = 0
    abandoned: int = 0
    answered_at_once: int = 0  # served without queueing: queued and answered at once
    negative_vru_time: int = 0  # vru_exit before vru_entry (taken as logged)
    customer_id_rounded: int = 0  # customer number lost to rounding: an unidentified caller
    served_without_server: int = 0  # served by NO_SERVER (replayed as its own agent)
    served_without_service_start: int = 0  # served, ser_start 0:00:00: see replay_events
    service_before_queue_exit: int = 0  # ser_start before q_exit: answered at q_exit all the same
    end_before_answer_clamped: int = 0  # ser_exit before the answer: ended at the answer
    abandoned_with_service_times: int = 0  # HANG rows with ser_start/ser_exit: ignored
    crossing_midnight: int = 0  # calls with events after the midnight that ends their date
    overlapping_service: int = 0  # calls an agent answered while holding another call
    overlapping_no_server: int = 0  # the same for NO_SERVER's calls (not counted above)
    longest_overlap_s: float = 0.0  # the longest time an agent (not NO_SERVER) held two calls at once
    agents: int = 0  # agents added
    events: int = 0
    calls_per_day: dict[dt.date, int] = field(default_factory=dict)  # offered, by the row's date

    def lines(self) -> list[str]:
        """A readable summary, one line each (the replay CLI prints it at the end)."""
        days = ", ".join(f"{d:%Y-%m-%d}" for d in self.days) or "none"
        out = [
            f"days replayed: {days}",
            f"rows: {self.rows:,} of those days; bad lines skipped in the log: {self.bad_rows:,}",
            f"calls offered: {self.offered:,} (answered {self.answered:,}, of them at once without"
            f" queueing {self.answered_at_once:,}; abandoned {self.abandoned:,})",
            f"not offered: hung up in the IVR {self.ivr_only:,}; phantom rows ignored {self.phantom:,}",
            f"agents: {self.agents:,}; events: {self.events:,}",
            "quirks taken as they are:",
            f"  negative vru_time: {self.negative_vru_time:,}",
            f"  customer number rounded in the log (caller unidentified): {self.customer_id_rounded:,}",
            f"  served without a server (agent {NO_SERVER}): {self.served_without_server:,}",
            f"  served without a service start (answered at q_exit, or at vru_exit if never queued;"
            f" no talk time): {self.served_without_service_start:,}",
            f"  service starting before the queue exit (answered at q_exit): "
            f"{self.service_before_queue_exit:,}",
            f"  service ending before the answer (ended at the answer): {self.end_before_answer_clamped:,}",
            f"  hung up with service times (abandoned at q_exit): {self.abandoned_with_service_times:,}",
            f"  calls running past midnight: {self.crossing_midnight:,}",
            f"  an agent holding two calls or more at once (calls answered so): {self.overlapping_service:,},"
            f" the longest for {self.longest_overlap_s:,.0f} s"
            f" (and {NO_SERVER}: {self.overlapping_no_server:,})",
        ]
        if self.calls_per_day:
            out.append(
                "calls offered per day: "
                + ", ".join(f"{d:%m-%d} {n:,}" for d, n in sorted(self.calls_per_day.items()))
            )
        shown = 20
        for message in self.bad_messages[:shown]:
            out.append(f"  bad {message}")
        if len(self.bad_messages) > shown:
            out.append(f"  ... and {len(self.bad_messages) - shown:,} more bad lines")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


# -- mapping ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Replay:
    """The events to publish, in order: (position, at_ms epoch UTC, payload); and the report."""

    events: list[tuple[int, int, EventData]]
    report: ReplayReport


class _Phase(IntEnum):
    """The order of events at the same instant (see ``replay_events``)."""

    SIGN_IN = 0
    LEAVE = 1
    AT_ONCE = 2
    ARRIVE = 3
    AGENT = 4


class _Leave(IntEnum):
    ENDED = 0
    ABANDONED = 1
    ANSWERED = 2


@dataclass(slots=True)
class _Unit:
    """A call's events at one instant, kept together and in the call's own order."""

    at: int
    phase: _Phase
    sub: int
    order: tuple[dt.date, str, int]  # the call: its date, IVR line and number
    payloads: list[EventData]
    day: dt.date
    agent: str | None = None
    answers: bool = False
    ends: bool = False
    until: int = 0  # when the call answered here ends


@dataclass(slots=True)
class _AgentTrack:
    remaining: Counter[dt.date] = field(default_factory=Counter)  # calls not yet ended, by date
    started: set[dt.date] = field(default_factory=set)  # dates whose first call was answered
    active: int = 0  # calls held now
    held_until: int = 0  # when the last of them ends
    state: AgentState = AgentState.OFFLINE


def _ms(t: dt.datetime) -> int:
    return int(t.timestamp()) * 1000


def local_midnight_ms(day: dt.date) -> int:
    """Epoch ms of 00:00 on ``day`` in the centre's zone."""
    return _ms(dt.datetime(day.year, day.month, day.day, tzinfo=_TZ))


def agent_name(server: str) -> str:
    """The readable name of a log's server: ``DORIT`` -> ``Dorit``; NO_SERVER -> ``(no server)``."""
    return NO_SERVER_NAME if server == NO_SERVER else server.title()


def configuration(sl_threshold_s: float = 30.0) -> list[EventData]:
    """The centre and its queues, as the replay configures them."""
    centre = Centre(name=CENTRE_NAME, timezone=TIMEZONE, day_starts="00:00")
    return [
        CentreConfigured(centre=centre),
        *(
            QueueConfigured(
                queue_id=qid, name=name, sl_threshold_s=sl_threshold_s, sl_target_pct=SL_TARGET_PCT
            )
            for qid, name in QUEUE_NAMES.items()
        ),
    ]


def _plan(row: LogRow, report: ReplayReport | None) -> list[_Unit]:
    """The units of one row's call (none for rows that offer no call); counts its quirks."""

    def count(name: str) -> None:
        if report is not None:
            setattr(report, name, getattr(report, name) + 1)

    if row.vru_time < 0:
        count("negative_vru_time")
    if row.customer_id_rounded:
        count("customer_id_rounded")
    if row.outcome is Outcome.PHANTOM:
        count("phantom")
        return []
    queued = row.q_start is not None and row.q_exit is not None
    if row.outcome is Outcome.HANG and not queued:
        count("ivr_only")
        return []
    call_id = row.call_key
    order = (row.date, row.vru_line, row.call_id)
    units: list[_Unit] = []

    def unit(
        at: int,
        phase: _Phase,
        sub: int,
        *payloads: EventData,
        agent: str | None = None,
        answers: bool = False,
        ends: bool = False,
    ) -> _Unit:
        u = _Unit(
            at=at,
            phase=phase,
            sub=sub,
            order=order,
            payloads=list(payloads),
            day=row.date,
            agent=agent,
            answers=answers,
            ends=ends,
        )
        units.append(u)
        return u

    call = CallQueued(
        call_id=call_id,
        queue_id=row.type,
        priority=1 if row.priority == 2 else 0,
        caller=str(row.customer_id) if row.customer_id else "",
    )
    if row.outcome is Outcome.HANG:
        assert row.q_start is not None and row.q_exit is not None
        start, left = _ms(row.q_start), max(_ms(row.q_start), _ms(row.q_exit))
        if row.ser_start is not None:
            count("abandoned_with_service_times")
        if left == start:
            unit(start, _Phase.AT_ONCE, 0, call, CallAbandoned(call_id=call_id))
        else:
            unit(start, _Phase.ARRIVE, 0, call)
            unit(left, _Phase.LEAVE, _Leave.ABANDONED, CallAbandoned(call_id=call_id))
        count("abandoned")
        end = left
    else:
        agent = row.server
        if agent == NO_SERVER:
            count("served_without_server")
        if row.q_start is not None and row.q_exit is not None:
            start, answer = _ms(row.q_start), max(_ms(row.q_start), _ms(row.q_exit))
            if row.ser_start is not None and _ms(row.ser_start) < _ms(row.q_exit):
                count("service_before_queue_exit")
        else:
            count("answered_at_once")
            start = answer = _ms(row.ser_start if row.ser_start is not None else row.vru_exit)
        if row.ser_start is None or row.ser_exit is None:
            count("served_without_service_start")
            end = answer
        else:
            end = _ms(row.ser_exit)
            if end < answer:
                count("end_before_answer_clamped")
                end = answer
        answered, ended = CallAnswered(call_id=call_id, agent_id=agent), CallEnded(call_id=call_id)
        if answer == start:
            u = unit(start, _Phase.AT_ONCE, 0, call, answered, agent=agent, answers=True)
        else:
            unit(start, _Phase.ARRIVE, 0, call)
            u = unit(answer, _Phase.LEAVE, _Leave.ANSWERED, answered, agent=agent, answers=True)
        u.until = end
        if end == answer:
            u.payloads.append(ended)
            u.ends = True
        else:
            unit(end, _Phase.LEAVE, _Leave.ENDED, ended, agent=agent, ends=True)
        count("answered")
    count("offered")
    if end >= local_midnight_ms(row.date + dt.timedelta(days=1)):
        count("crossing_midnight")
    return units


def replay_events(
    rows: LogReading | Iterable[LogRow],
    *,
    sl_threshold_s: float = 30.0,
    days: set[dt.date] | None = None,
) -> Replay:
    """The events that replay the log's calls of ``days`` (None: every day in the log, in order).

    Calls (rows of the replayed days; a row's day is its ``date``):

    - PHANTOM rows are ignored; a caller who hung up in the IVR (HANG, never queued) reached no
      queue: not offered, no events. Both are counted.
    - A call that queued enters its service's queue (``call.queued``, the type code as queue id;
      priority 1 for priority callers, ``priority`` 2 in the log, else 0; the caller is the
      customer number, "" when 0, unmasked: the gateway masks it) at q_start and leaves it at
      q_exit: served (AGENT) it is answered there by the agent named in ``server``
      (``call.answered``) and ends at ser_exit (``call.ended``); hung up (HANG) it is abandoned
      there (``call.abandoned``). A served call that never queued is queued and answered at once
      at ser_start. The call id is ``YYMMDD-vru+line-call_id``.
    - Quirks, counted in the report: a served row without service times (ser_start 0:00:00) is
      answered at q_exit, or at vru_exit if it never queued, and ends when answered; a service
      start before q_exit changes nothing (the answer is at q_exit); an end before the answer is
      moved to the answer; a hung-up row's service times are ignored; NO_SERVER is an agent like
      the others (``(no server)``); a negative vru_time changes nothing.

    Agents (the ``server`` names): ``agent.added`` just before the first event that names the agent
    in the replayed stream (team ``Anonymous Bank``; skills: the services they served anywhere in
    the log); ``available`` (signed in) at the
    start of their first call of a day, ``on_call`` while they hold a call (an agent may hold two
    or more at once: they stay on_call until the last ends; every call counts), ``available``
    between calls, ``offline`` (signed out) when the last call of the day ends.

    Order. Events are sorted by time; at the same instant: (0) agents signing in for a call they
    answer then, (1) calls leaving: ended, then abandoned, then answered after waiting, (2) calls
    queued and answered or abandoned at that same instant, (3) calls arriving in a queue, (4) the
    agents' states after all that. Within a group, by the call's date, IVR line and number (agents
    by id), and each call's events at one instant together, in its own order (queued, answered,
    ended). So the calls waiting in a queue after an instant are those with q_start <= t < q_exit
    (half-open), and a call queued and answered at once counts as waiting, for that instant, with
    the calls waiting across it (after those leaving, before those arriving). The centre and its
    queues are configured first, at 00:00 local time of the first replayed day.

    Positions: ``at_ms * 1000 + k``, increasing along the list and the same whichever days are
    replayed: the events are made for every day in the rows (each call's and each agent's, whose
    state follows all their calls), then those of other days are dropped. k counts the events at
    that instant: 0-7 for the configuration, 8 + 3i + 2 for the i-th other event, and the two
    values before it for what depends on the days replayed: 8 + 3i for an ``agent.added`` (an
    agent's first appearance) and 8 + 3i + 1 for a call answered by an agent whose state in the
    replayed events is not the one all the days give them (still on a call of a day not replayed,
    which runs past midnight into a replayed day's first call): their state is set first.
    """
    if isinstance(rows, LogReading):
        all_rows, errors = rows.rows, rows.errors
    else:
        all_rows, errors = list(rows), []
    in_log = sorted({r.date for r in all_rows})
    wanted = set(in_log) if days is None else set(days)
    report = ReplayReport(
        days=sorted(wanted), bad_rows=len(errors), bad_messages=list(errors), calls_per_day={}
    )

    units: list[_Unit] = []
    tracks: dict[str, _AgentTrack] = {}
    for row in all_rows:
        mine = row.date in wanted
        if mine:
            report.rows += 1
        planned = _plan(row, report if mine else None)
        if planned and mine:
            report.calls_per_day[row.date] = report.calls_per_day.get(row.date, 0) + 1
        for u in planned:
            if u.answers and u.agent is not None:
                tracks.setdefault(u.agent, _AgentTrack()).remaining[u.day] += 1
        units.extend(planned)
    units.sort(key=lambda u: (u.at, u.phase, u.sub, u.order))

    # Every day's events, with their positions and the day they belong to.
    made: list[tuple[int, int, EventData, dt.date]] = []
    for at, group in groupby(units, key=lambda u: u.at):
        batch: list[tuple[EventData, dt.date]] = []
        instant = list(group)
        for u in instant:
            if u.answers and u.agent is not None and tracks[u.agent].state is AgentState.OFFLINE:
                tracks[u.agent].state = AgentState.AVAILABLE
                batch.append((AgentStateChanged(agent_id=u.agent, state=AgentState.AVAILABLE), u.day))
        touched: dict[str, dt.date] = {}
        for u in instant:
            batch.extend((payload, u.day) for payload in u.payloads)
            if u.agent is None:
                continue
            track = tracks[u.agent]
            if u.answers:
                if track.active and u.day in wanted:
                    if u.agent == NO_SERVER:
                        report.overlapping_no_server += 1
                    else:
                        report.overlapping_service += 1
                        overlap_s = (min(u.until, track.held_until) - at) / 1000
                        report.longest_overlap_s = max(report.longest_overlap_s, overlap_s)
                track.held_until = max(track.held_until, u.until) if track.active else u.until
                track.active += 1
                track.started.add(u.day)
            if u.ends:
                track.active -= 1
                track.remaining[u.day] -= 1
            touched[u.agent] = max(touched.get(u.agent, u.day), u.day)
        for agent_id in sorted(touched):
            track = tracks[agent_id]
            if track.active:
                state = AgentState.ON_CALL
            elif any(track.remaining[d] > 0 for d in track.started):
                state = AgentState.AVAILABLE
            else:
                state = AgentState.OFFLINE
                track.started.clear()
            if state is not track.state:
                track.state = state
                batch.append((AgentStateChanged(agent_id=agent_id, state=state), touched[agent_id]))
        for i, (payload, day) in enumerate(batch):
            k = CONFIG_SLOTS + STRIDE * i + STRIDE - 1
            assert k < POSITIONS_PER_MS, f"{len(batch)} events at {at} ms: too many for the positions"
            made.append((at * POSITIONS_PER_MS + k, at, payload, day))

    events: list[tuple[int, int, EventData]] = []
    if wanted:
        day0 = local_midnight_ms(min(wanted))
        for j, payload in enumerate(configuration(sl_threshold_s)):
            events.append((day0 * POSITIONS_PER_MS + j, day0, payload))
    # An agent's skills: the services they served anywhere in the log (the log says no more), so
    # the queue view counts them as staff of those queues; the same whichever days are replayed.
    served: dict[str, set[str]] = {}
    for r in all_rows:
        if r.outcome is Outcome.AGENT:
            served.setdefault(r.server, set()).add(r.type)
    added: set[str] = set()
    state_of: dict[str, AgentState] = {}  # agents' states given every day's events
    shown: dict[str, AgentState] = {}  # and given the replayed ones
    for position, at, payload, day in made:
        names = payload.agent_id if isinstance(payload, (AgentStateChanged, CallAnswered)) else None
        if day in wanted:
            if names is not None and names not in added:
                added.add(names)
                skills = sorted(served.get(names, ()))
                agent = Agent(id=names, name=agent_name(names), team=TEAM, skills=skills)
                events.append((position - 2, at, AgentAdded(agent=agent)))
            if isinstance(payload, CallAnswered):
                state = state_of.get(payload.agent_id, AgentState.OFFLINE)
                if shown.get(payload.agent_id, AgentState.OFFLINE) is not state:
                    shown[payload.agent_id] = state
                    events.append(
                        (position - 1, at, AgentStateChanged(agent_id=payload.agent_id, state=state))
                    )
            elif isinstance(payload, AgentStateChanged):
                shown[payload.agent_id] = payload.state
            events.append((position, at, payload))
        if isinstance(payload, AgentStateChanged):
            state_of[payload.agent_id] = payload.state
    report.agents = len(added)
    report.events = len(events)
    return Replay(events=events, report=report)
