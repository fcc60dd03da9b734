"""The "Anonymous Bank" call-log replay: parsing, the events, and the reducer's day figures from them.

The key test replays the extract (tests/data/anonymous_bank_extract.txt: two whole days of the real
log) into a fresh FloorState and holds each day's queue figures to a count made here, straight from
the file's columns with the csv module, without bank_log.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict

import pytest

from console.domain.businessday import next_day_start
from console.domain.clock import iso, to_ms
from console.domain.entities import AgentState
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
    make_event,
)
from console.domain.state import FloorState
from console.feeds.adapters.replay.bank_log import (
    COLUMNS,
    QUEUE_NAMES,
    LogReading,
    Outcome,
    Replay,
    read_log,
    read_log_file,
    replay_events,
)
from tests.helpers.bank_log_counts import EXTRACT, TZ, count_rows, expected_today, today_of

D1, D2 = dt.date(1999, 2, 10), dt.date(1999, 2, 12)  # a Wednesday and a Friday
HEADER = "\t".join(COLUMNS)


def line(**kw: str) -> str:
    """A log line: a served call of AA0101 on 990210 that waited 20 s, with these columns changed."""
    row = {
        "vru+line": "AA0101",
        "call_id": "1",
        "customer_id": "12345678",
        "priority": "2",
        "type": "PS",
        "date": "990210",
        "vru_entry": "10:00:00",
        "vru_exit": "10:00:10",
        "vru_time": "10",
        "q_start": "10:00:10",
        "q_exit": "10:00:30",
        "q_time": "20",
        "outcome": "AGENT",
        "ser_start": "10:00:29",
        "ser_exit": "10:03:00",
        "ser_time": "151",
        "server": "DANA",
    }
    row.update(kw)
    return "\t".join(row[c] for c in COLUMNS) + "\r\n"


def read(*lines: str) -> LogReading:
    return read_log([HEADER + "\r\n", *lines], source="test")


def replay(*lines: str, days: set[dt.date] | None = None) -> Replay:
    reading = read(*lines)
    assert reading.errors == []
    return replay_events(reading, days=days)


def ms(day: dt.date, hms: str) -> int:
    h, m, s = (int(x) for x in hms.split(":"))
    return int(dt.datetime(day.year, day.month, day.day, h, m, s, tzinfo=TZ).timestamp()) * 1000


def fold(replayed: Replay) -> FloorState:
    state = FloorState()
    for seq, (_, at, data) in enumerate(replayed.events, start=1):
        state.apply(make_event(seq, iso(at), data))
    return state


def check_stream(replayed: Replay) -> None:
    """What the gateway requires: positions and times in order, nothing named before it exists."""
    events = replayed.events
    positions = [p for p, _, _ in events]
    assert positions == sorted(set(positions)), "positions strictly increase"
    assert all(p // 1000 == at for p, at, _ in events)
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(events)), "time never goes back"
    queues: set[str] = set()
    agents: set[str] = set()
    calls: dict[str, str] = {}  # call -> what happened last
    for _, _, data in events:
        if isinstance(data, QueueConfigured):
            queues.add(data.queue_id)
        elif isinstance(data, AgentAdded):
            assert data.agent.id not in agents
            agents.add(data.agent.id)
        elif isinstance(data, AgentStateChanged):
            assert data.agent_id in agents
        elif isinstance(data, CallQueued):
            assert data.queue_id in queues and data.call_id not in calls
            calls[data.call_id] = "queued"
        elif isinstance(data, CallAnswered):
            assert calls.get(data.call_id) == "queued" and data.agent_id in agents
            calls[data.call_id] = "answered"
        elif isinstance(data, CallAbandoned):
            assert calls.get(data.call_id) == "queued"
            calls[data.call_id] = "gone"
        elif isinstance(data, CallEnded):
            assert calls.get(data.call_id) == "answered"
            calls[data.call_id] = "gone"
    assert set(calls.values()) <= {"gone"}, "every call leaves"


# -- parsing ---------------------------------------------------------------------------------------


def test_bad_lines_are_skipped_with_their_line_and_column() -> None:
    reading = read(
        line(),
        line(q_exit="7:6x:00"),
        "AA0101\t2\t0\r\n",
        line(call_id="x1"),
        line(outcome="MAYBE"),
        line(type="ZZ"),
        line(date="990230"),
        line(priority="3"),
        line(customer_id="12a45"),
        line(ser_exit="24:00:00"),
        "\r\n",
        line(call_id="9"),
    )
    assert [r.call_id for r in reading.rows] == [1, 9]
    assert [r.line for r in reading.rows] == [2, 13]
    assert reading.errors == [
        "line 3: column q_exit: '7:6x:00' is not a time H:MM:SS",
        "line 4: 3 columns, not 17 (tab-separated)",
        "line 5: column call_id: 'x1' is not a whole number",
        "line 6: column outcome: 'MAYBE' is not an outcome AGENT, HANG or PHANTOM",
        "line 7: column type: 'ZZ' is not a service type (PS, PE, NW, NE, IN, TT)",
        "line 8: column date: '990230' is not a date YYMMDD",
        "line 9: column priority: '3' is not a priority 0, 1 or 2",
        "line 10: column customer_id: not a whole number (not shown)",
        "line 11: column ser_exit: '24:00:00' is not a time H:MM:SS",
    ]
    report = replay_events(reading).report
    assert report.bad_rows == 9 and report.bad_messages == reading.errors
    assert "line 3: column q_exit" in str(report)


def test_times_are_local_and_past_midnight_on_the_next_day() -> None:
    [late, negative, midnight, rounded] = read(
        line(
            vru_entry="23:59:50",
            vru_exit="23:59:55",
            q_start="23:59:55",
            q_exit="0:00:20",
            q_time="25",
            ser_start="0:00:19",
            ser_exit="0:02:00",
        ),
        line(vru_entry="9:48:14", vru_exit="9:47:17", vru_time="-57", q_start="9:47:17", q_exit="9:50:11"),
        line(vru_entry="23:59:54", vru_exit="23:59:54", q_start="0:00:00", q_exit="0:00:27", q_time="27"),
        line(customer_id="6.70515E+11"),
    ).rows
    assert late.vru_entry == dt.datetime(1999, 2, 10, 23, 59, 50, tzinfo=TZ)
    assert late.vru_entry.utcoffset() == dt.timedelta(hours=2)  # Israel's winter time
    assert late.q_start == dt.datetime(1999, 2, 10, 23, 59, 55, tzinfo=TZ)
    assert late.q_exit == dt.datetime(1999, 2, 11, 0, 0, 20, tzinfo=TZ)
    assert late.ser_exit == dt.datetime(1999, 2, 11, 0, 2, tzinfo=TZ)
    # The IVR's clock a minute behind: the same day.
    assert negative.vru_exit == dt.datetime(1999, 2, 10, 9, 47, 17, tzinfo=TZ)
    # 0:00:00 beside a real time is midnight, not "never queued".
    assert midnight.q_start == dt.datetime(1999, 2, 11, 0, 0, tzinfo=TZ)
    assert rounded.customer_id == 0 and rounded.customer_id_rounded
    assert read(line(q_start="0:00:00", q_exit="0:00:00", q_time="0")).rows[0].q_start is None


def test_the_extract_parses_whole() -> None:
    reading = read_log_file(EXTRACT)
    assert reading.errors == []
    assert len(reading.rows) == 2244
    assert {r.date for r in reading.rows} == {D1, D2}
    assert Counter(r.outcome for r in reading.rows) == {
        Outcome.AGENT: 1735,
        Outcome.HANG: 478,
        Outcome.PHANTOM: 31,
    }


# -- the extract, counted independently (tests/helpers/bank_log_counts.py) ------------------------


@pytest.fixture(scope="module")
def extract() -> tuple[LogReading, Replay]:
    reading = read_log_file(EXTRACT)
    return reading, replay_events(reading)


def test_the_reducer_counts_each_day_of_the_extract_as_the_log_says(
    extract: tuple[LogReading, Replay],
) -> None:
    _, replayed = extract
    check_stream(replayed)
    counted = count_rows(EXTRACT)
    state = FloorState()
    checked: list[str] = []

    def check_day() -> None:
        started = state.centre.day_started_at
        assert started is not None
        start = to_ms(started)
        end = next_day_start(started, state.centre.timezone, state.centre.day_starts)
        assert end - start == 86_400_000
        assert today_of(state) == expected_today(counted.calls, start, end, 30.0), started
        checked.append(started)

    for seq, (_, at, data) in enumerate(replayed.events, start=1):
        started = state.centre.day_started_at
        if started is not None and at >= next_day_start(started, "Asia/Jerusalem", "00:00"):
            check_day()  # the day's last figures, before the next day's first event resets them
        state.apply(make_event(seq, iso(at), data))
    check_day()
    # 10 Feb, 11 Feb (only calls of the 10th ending after midnight), 12 Feb; 00:00 is 22:00Z in winter.
    assert checked == ["1999-02-09T22:00:00.000Z", "1999-02-10T22:00:00.000Z", "1999-02-11T22:00:00.000Z"]
    assert state.skipped == 0
    assert state.calls == {}
    assert all(a.state is AgentState.OFFLINE for a in state.agents.values())
    assert max(q.today.max_waiting for q in state.queues.values()) >= 5


def test_the_report_counts_what_the_rows_hold(extract: tuple[LogReading, Replay]) -> None:
    reading, replayed = extract
    counted = count_rows(EXTRACT)
    report = replayed.report
    assert report.days == [D1, D2]
    assert report.rows == counted.rows == len(reading.rows)
    assert report.bad_rows == 0 and report.bad_messages == []
    for name in (
        "phantom",
        "ivr_only",
        "negative_vru_time",
        "customer_id_rounded",
        "served_without_server",
        "served_without_service_start",
        "service_before_queue_exit",
        "end_before_answer_clamped",
        "abandoned_with_service_times",
        "answered_at_once",
    ):
        assert getattr(report, name) == counted.quirks[name], name
    assert report.offered == len(counted.calls) == report.answered + report.abandoned
    assert report.answered == sum(c.answered for c in counted.calls)
    assert report.calls_per_day == dict(counted.per_day)
    assert report.phantom + report.ivr_only + report.offered == report.rows
    assert report.served_without_server > 0 and report.served_without_service_start > 0
    assert report.overlapping_service > 0, "the extract has agents holding two calls"
    assert report.crossing_midnight == 4
    assert report.events == len(replayed.events)
    kinds = Counter(type(d).__name__ for _, _, d in replayed.events)
    assert kinds["CallQueued"] == report.offered and kinds["CallEnded"] == report.answered
    assert kinds["AgentAdded"] == report.agents
    text = str(report)
    assert "1999-02-10, 1999-02-12" in text and "served without a server" in text


def test_the_centre_and_its_queues_come_first(extract: tuple[LogReading, Replay]) -> None:
    _, replayed = extract
    first = [d for _, _, d in replayed.events[:7]]
    assert isinstance(first[0], CentreConfigured)
    assert (first[0].centre.name, first[0].centre.timezone, first[0].centre.day_starts) == (
        "Anonymous Bank",
        "Asia/Jerusalem",
        "00:00",
    )
    queues = {d.queue_id: d for d in first[1:] if isinstance(d, QueueConfigured)}
    assert {q: d.name for q, d in queues.items()} == QUEUE_NAMES
    assert {(d.sl_threshold_s, d.sl_target_pct) for d in queues.values()} == {(30.0, 80.0)}
    assert {at for _, at, _ in replayed.events[:7]} == {ms(D1, "0:00:00")}
    assert not any(isinstance(d, (CentreConfigured, QueueConfigured)) for _, _, d in replayed.events[7:])
    quick = replay_events(read_log_file(EXTRACT), sl_threshold_s=20)
    assert {d.sl_threshold_s for _, _, d in quick.events if isinstance(d, QueueConfigured)} == {20.0}


# -- positions -------------------------------------------------------------------------------------


def test_positions_are_the_same_whichever_days_are_replayed(extract: tuple[LogReading, Replay]) -> None:
    reading, replayed = extract
    again = replay_events(read_log_file(EXTRACT))
    assert again.events == replayed.events
    config = (CentreConfigured, QueueConfigured)
    second = replay_events(reading, days={D2})
    check_stream(second)
    tail = [e for e in replayed.events if e[1] >= ms(D2, "0:00:00")]
    assert [e for e in second.events if not isinstance(e[2], (*config, AgentAdded))] == [
        e for e in tail if not isinstance(e[2], AgentAdded)
    ]
    # Agents first seen on the 12th in this replay are added just before their first event.
    assert {e[0] for e in second.events if not isinstance(e[2], config)} >= {e[0] for e in tail}
    assert [e[1] for e in second.events[:7]] == [ms(D2, "0:00:00")] * 7
    assert second.report.days == [D2] and second.report.calls_per_day == {D2: 478}
    first = replay_events(reading, days={D1})
    assert first.events[-1][0] < second.events[0][0], "a later --day run continues"
    assert replay_events(reading, days={dt.date(1999, 2, 11)}).report.offered == 0


def test_positions_hold_when_the_days_before_run_past_midnight() -> None:
    """The 11th's late call ends at 0:00:30 on the 12th, the instant a call of the 12th is abandoned."""
    lines = (
        line(
            date="990211",
            vru_entry="23:59:40",
            vru_exit="23:59:50",
            q_start="0:00:00",
            q_exit="0:00:00",
            q_time="0",
            ser_start="23:59:50",
            ser_exit="0:00:30",
            server="ANN",
        ),
        line(
            date="990212",
            call_id="2",
            vru_entry="0:00:15",
            vru_exit="0:00:20",
            q_start="0:00:20",
            q_exit="0:00:30",
            outcome="HANG",
            ser_start="0:00:00",
            ser_exit="0:00:00",
            server="NO_SERVER",
        ),
        line(
            date="990212",
            call_id="3",
            vru_entry="0:00:20",
            vru_exit="0:00:30",
            q_start="0:00:00",
            q_exit="0:00:00",
            q_time="0",
            ser_start="0:00:30",
            ser_exit="0:01:00",
            server="ANN",
        ),
    )
    both, alone = replay(*lines), replay(*lines, days={D2})
    check_stream(both)
    check_stream(alone)
    at_once = [(p, type(d).__name__) for p, at, d in both.events if at == ms(D2, "0:00:30")]
    assert [name for _, name in at_once] == [
        "CallEnded",  # the 11th's call leaves
        "CallAbandoned",  # the 12th's call 2 leaves
        "CallQueued",  # call 3 is answered at once
        "CallAnswered",  # ANN, still on a call: now call 3
    ]
    assert [
        d.state for _, at, d in both.events if isinstance(d, AgentStateChanged) and d.agent_id == "ANN"
    ] == [
        AgentState.AVAILABLE,
        AgentState.ON_CALL,
        AgentState.OFFLINE,
    ]
    positions = {p: d for p, _, d in both.events}
    catch_up = ms(D2, "0:00:30")
    for p, at, d in alone.events:
        if isinstance(d, AgentStateChanged) and at == catch_up:
            # Alone, the 12th finds ANN on the call of the 11th: she is set on a call first.
            assert (d.agent_id, d.state) == ("ANN", AgentState.ON_CALL) and p not in positions
        elif not isinstance(d, (CentreConfigured, QueueConfigured, AgentAdded)):
            assert positions[p] == d
    assert [type(d).__name__ for _, at, d in alone.events if at == catch_up] == [
        "CallAbandoned",
        "CallQueued",
        "AgentAdded",
        "AgentStateChanged",
        "CallAnswered",
    ]
    assert fold(alone).agents["ANN"].state is AgentState.OFFLINE


# -- the rules, on small logs ----------------------------------------------------------------------


def test_an_agent_holding_two_calls_stays_on_call_until_the_last_ends() -> None:
    replayed = replay(
        line(call_id="1", q_start="10:00:10", q_exit="10:00:30", ser_start="10:00:29", ser_exit="10:05:00"),
        line(
            call_id="2",
            vru_entry="10:03:50",
            vru_exit="10:04:00",
            q_start="0:00:00",
            q_exit="0:00:00",
            q_time="0",
            ser_start="10:04:00",
            ser_exit="10:08:00",
        ),
    )
    check_stream(replayed)
    day = D1
    states = [(at, d.state) for _, at, d in replayed.events if isinstance(d, AgentStateChanged)]
    assert states == [
        (ms(day, "10:00:30"), AgentState.AVAILABLE),  # signs in for the first call
        (ms(day, "10:00:30"), AgentState.ON_CALL),
        (ms(day, "10:08:00"), AgentState.OFFLINE),  # not at 10:05: the second call goes on
    ]
    report = replayed.report
    assert (report.answered, report.overlapping_service, report.longest_overlap_s) == (2, 1, 60.0)
    assert report.service_before_queue_exit == 1
    state = fold(replayed)
    q = state.queues["PS"].today
    assert (q.offered, q.answered, q.handled, q.answered_within) == (2, 2, 2, 2)
    assert q.wait_answered_s == 20.0 and q.talk_s == 270.0 + 240.0
    assert state.skipped == 0 and state.agents["DANA"].state is AgentState.OFFLINE
    assert state.agents["DANA"].name == "Dana" and state.agents["DANA"].team == "Anonymous Bank"


def test_available_between_calls_and_the_quirks_as_the_rules_say() -> None:
    replayed = replay(
        # Served, no service times: answered at q_exit, ended at once.
        line(call_id="1", ser_start="0:00:00", ser_exit="0:00:00", ser_time="0", server="NO_SERVER"),
        # Served later the same day by DANA, ser_exit before q_exit: ended at the answer.
        line(
            call_id="2",
            vru_entry="11:00:00",
            vru_exit="11:00:05",
            q_start="11:00:05",
            q_exit="11:01:00",
            ser_start="11:00:58",
            ser_exit="11:00:59",
        ),
        # DANA's first call, never queued, priority 1: regular.
        line(
            call_id="3",
            vru_entry="9:00:00",
            vru_exit="9:00:10",
            q_start="0:00:00",
            q_exit="0:00:00",
            q_time="0",
            priority="1",
            customer_id="0",
            ser_start="9:00:09",
            ser_exit="9:02:00",
        ),
        # Hung up in the IVR, and a phantom: no events.
        line(
            call_id="4",
            q_start="0:00:00",
            q_exit="0:00:00",
            outcome="HANG",
            ser_start="0:00:00",
            ser_exit="0:00:00",
        ),
        line(call_id="5", outcome="PHANTOM", server="NO_SERVER"),
    )
    check_stream(replayed)
    report = replayed.report
    assert (report.offered, report.answered, report.ivr_only, report.phantom) == (3, 3, 1, 1)
    assert (report.served_without_service_start, report.served_without_server) == (1, 1)
    assert (report.end_before_answer_clamped, report.answered_at_once) == (1, 1)
    by_type: defaultdict[str, list[tuple[int, EventData]]] = defaultdict(list)
    for _, at, d in replayed.events:
        by_type[type(d).__name__].append((at, d))
    queued = {d.call_id: d for _, d in by_type["CallQueued"] if isinstance(d, CallQueued)}
    assert queued["990210-AA0101-3"].priority == 0 and queued["990210-AA0101-3"].caller == ""
    assert queued["990210-AA0101-1"].priority == 1 and queued["990210-AA0101-1"].caller == "12345678"
    ended = {d.call_id: at for at, d in by_type["CallEnded"] if isinstance(d, CallEnded)}
    assert ended == {
        "990210-AA0101-3": ms(D1, "9:02:00"),
        "990210-AA0101-1": ms(D1, "10:00:30"),
        "990210-AA0101-2": ms(D1, "11:01:00"),
    }
    dana = [
        (at, d.state)
        for _, at, d in replayed.events
        if isinstance(d, AgentStateChanged) and d.agent_id == "DANA"
    ]
    assert dana == [
        (ms(D1, "9:00:09"), AgentState.AVAILABLE),
        (ms(D1, "9:00:09"), AgentState.ON_CALL),
        (ms(D1, "9:02:00"), AgentState.AVAILABLE),  # between calls
        (ms(D1, "11:01:00"), AgentState.OFFLINE),  # the last call of the day ended as it was answered
    ]
    added = [d.agent for _, _, d in replayed.events if isinstance(d, AgentAdded)]
    assert [(a.id, a.name, a.skills) for a in added] == [
        # Skills: the services each served in the log (here every call is PS).
        ("DANA", "Dana", ["PS"]),
        ("NO_SERVER", "(no server)", ["PS"]),
    ]
    assert fold(replayed).skipped == 0


def test_at_the_same_instant_calls_leave_before_others_arrive() -> None:
    t = "10:00:30"
    replayed = replay(
        line(
            call_id="1",
            q_start="10:00:10",
            q_exit=t,
            outcome="HANG",
            ser_start="0:00:00",
            ser_exit="0:00:00",
            server="NO_SERVER",
        ),  # abandoned at t
        line(
            call_id="2",
            vru_entry="10:00:20",
            vru_exit=t,
            q_start=t,
            q_exit="10:01:00",
            outcome="HANG",
            ser_start="0:00:00",
            ser_exit="0:00:00",
            server="NO_SERVER",
        ),  # queued at t
        line(
            call_id="3", q_start="10:00:10", q_exit="10:00:20", ser_start="10:00:20", ser_exit=t
        ),  # ends at t
        line(
            call_id="4",
            vru_entry="10:00:15",
            vru_exit="10:00:20",
            q_start="10:00:20",
            q_exit=t,
            ser_start="10:00:29",
            ser_exit="10:02:00",
            server="EDNA",
        ),  # answered at t
        line(
            call_id="5",
            vru_entry="10:00:20",
            vru_exit=t,
            q_start="0:00:00",
            q_exit="0:00:00",
            q_time="0",
            ser_start=t,
            ser_exit="10:03:00",
            server="EDNA",
        ),  # queued and answered at t
    )

    def named(d: EventData) -> str:
        if isinstance(d, AgentAdded):
            return f"AgentAdded {d.agent.id}"
        if isinstance(d, AgentStateChanged):
            return f"AgentStateChanged {d.agent_id} {d.state}"
        return f"{type(d).__name__} {getattr(d, 'call_id', '')[-1:]}"

    assert [named(d) for _, at, d in replayed.events if at == ms(D1, t)] == [
        "AgentAdded EDNA",
        "AgentStateChanged EDNA available",  # signs in for call 4
        "CallEnded 3",
        "CallAbandoned 1",
        "CallAnswered 4",
        "CallQueued 5",
        "CallAnswered 5",
        "CallQueued 2",
        "AgentStateChanged DANA offline",  # her call 3 over, her last of the day
        "AgentStateChanged EDNA on_call",
    ]
    assert replayed.report.overlapping_service == 1  # EDNA holds calls 4 and 5
    state = fold(replayed)
    assert state.queues["PS"].today.max_waiting == 2  # calls 1 and 4 over [10:00:20, 10:00:30)
