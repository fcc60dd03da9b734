"""Quality flags without a gateway: the reducer's flag events, the workflow, filters, counts, CSV, masking.

The commands (``call.flag``, ``flag.update``, ``calls.query``) run here through
``console.feeds.gateway.commands.registry`` on a hand-built floor; the wire, the store and
restarts are in tests/feeds/test_gateway_flags.py.
"""

from __future__ import annotations

import ast
import csv
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.domain import flags as flags_module
from console.domain.clock import iso, to_ms
from console.domain.entities import (
    FLAG_NOTE_MAX,
    Agent,
    CallOutcome,
    Centre,
    CompletedCall,
    Flag,
    FlagCategory,
    FlagNote,
    FlagOutcome,
    FlagSeverity,
    FlagStatus,
    Queue,
)
from console.domain.events import (
    AgentAdded,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallQueued,
    CallRinging,
    CentreConfigured,
    EventAt,
    EventData,
    FlagCreated,
    FlagUpdated,
    QueueConfigured,
    make_event,
)
from console.domain.flags import (
    CSV_COLUMNS,
    CsvLabels,
    FlagFilter,
    FlagRuleError,
    agents_with_open_flags,
    counts_by_agent,
    counts_by_category,
    filter_flags,
    flags_csv,
    last_note,
    plan_update,
)
from console.domain.masking import mask_digits
from console.domain.permissions import Role
from console.domain.state import FloorState, Snapshot
from console.feeds.gateway.commands.context import CommandContext, CommandRefused, Outcome
from console.feeds.gateway.commands.queries import CallsQuery, calls_page, decode_cursor
from console.feeds.gateway.commands.registry import execute, lookups_wanted, prepare_query, recorded_args

T0 = to_ms("2026-03-02T09:00:00.000Z")


def at(seconds: float) -> str:
    return iso(T0 + round(seconds * 1000))


class Floor:
    """A small floor (one queue, two agents) fed by hand, and a clock for the commands."""

    def __init__(self) -> None:
        self.state = FloorState()
        self.finished: list[CompletedCall] = []
        self.state.on_call_finished = self.finished.append
        self.now_s = 0.0
        self.flag_no = 0
        self.emit(0, CentreConfigured(centre=Centre(name="Test", short_abandon_s=5)))
        self.emit(0, QueueConfigured(queue_id="q", name="Cards", sl_threshold_s=20, sl_target_pct=80))
        self.emit(0, AgentAdded(agent=Agent(id="a1", name="Ann Lee", team="red", skills=["q"])))
        self.emit(0, AgentAdded(agent=Agent(id="a2", name="Bo Chen", team="blue", skills=["q"])))

    def emit(self, at_s: float, data: EventData) -> None:
        self.now_s = max(self.now_s, at_s)
        self.state.apply(make_event(self.state.seq + 1, at(at_s), data))

    def call(
        self, cid: str, queued: float, agent: str | None, answered: float | None, ended: float | None
    ) -> None:
        self.emit(queued, CallQueued(call_id=cid, queue_id="q", priority=5, caller="138****5678"))
        if agent is not None:
            self.emit(queued, CallRinging(call_id=cid, agent_id=agent))
        if answered is not None and agent is not None:
            self.emit(answered, CallAnswered(call_id=cid, agent_id=agent))
        if ended is not None:
            self.emit(ended, CallEnded(call_id=cid) if answered is not None else CallAbandoned(call_id=cid))

    def _new_flag_id(self) -> str:
        self.flag_no += 1
        return f"F-{self.flag_no:06d}"

    def ctx(
        self, user: str = "quinn", role: Role = Role.QUALITY, users: dict[str, str | None] | None = None
    ) -> CommandContext:
        return CommandContext(
            user=user,
            role=role,
            state=self.state,
            driver=None,  # type: ignore[arg-type]  # flags never ask the driver
            calls={c.id: c for c in self.finished},
            users=users or {},
            now_ms=T0 + round(self.now_s * 1000),
            new_flag_id=self._new_flag_id,
        )

    def run(self, action: str, args: dict[str, Any], **kw: Any) -> Outcome:
        outcome = execute(self.ctx(**kw), action, args)
        self.apply(outcome.events)
        return outcome

    def apply(self, items: Sequence[EventAt]) -> None:
        for t_ms, data in items:
            self.state.apply(make_event(self.state.seq + 1, iso(t_ms), data))

    def refused(self, action: str, args: dict[str, Any], **kw: Any) -> CommandRefused:
        before = msgspec.json.encode(self.state.to_snapshot())
        flag_no = self.flag_no
        with pytest.raises(CommandRefused) as info:
            self.run(action, args, **kw)
        assert msgspec.json.encode(self.state.to_snapshot()) == before, "a refused command changed the floor"
        assert self.flag_no == flag_no, "a refused command used up a flag id"
        return info.value


def busy_floor() -> Floor:
    """c1 answered by a1 and ended; c2 abandoned while ringing a2; c3 a short abandon; c4 talking to a1."""
    f = Floor()
    f.call("c1", 0, "a1", 10, 110)
    f.call("c2", 120, "a2", None, 150)
    f.call("c3", 200, None, None, 203)
    f.call("c4", 300, "a1", 305, None)
    f.now_s = 400
    return f


def flag(fid: str = "F-000001", **fields: Any) -> Flag:
    values: dict[str, Any] = {
        "id": fid,
        "call_id": "c1",
        "queue_id": "q",
        "agent_id": "a1",
        "team": "red",
        "caller": "138****5678",
        "call_started_at": at(0),
        "category": FlagCategory.COURTESY,
        "severity": FlagSeverity.HIGH,
        "note": "",
        "moment_s": None,
        "flagged_by": "sam",
        "flagged_at": at(500),
    }
    values.update(fields)
    return Flag(**values)


# -- the reducer ----------------------------------------------------------------------


def test_finished_calls_are_reported_with_their_wait_talk_and_outcome() -> None:
    f = busy_floor()
    answered, ringing_abandon, short = f.finished
    assert (answered.id, answered.outcome, answered.agent_id) == ("c1", CallOutcome.ANSWERED, "a1")
    assert (answered.wait_s, answered.talk_s, answered.duration_s) == (10.0, 100.0, 110.0)
    assert (answered.entered_at, answered.answered_at, answered.ended_at) == (at(0), at(10), at(110))
    assert (ringing_abandon.outcome, ringing_abandon.agent_id, ringing_abandon.talk_s) == (
        CallOutcome.ABANDONED,
        "a2",
        None,
    )
    assert (ringing_abandon.wait_s, ringing_abandon.short_abandon) == (30.0, False)
    assert (short.outcome, short.agent_id, short.wait_s, short.short_abandon) == (
        CallOutcome.ABANDONED,
        None,
        3.0,
        True,
    )
    assert all(c.caller == "138****5678" for c in f.finished)
    # An unmasked number reaching the floor is masked before it is recorded.
    f.emit(500, CallQueued(call_id="c9", queue_id="q", priority=5, caller="13812345678"))
    f.emit(501, CallAbandoned(call_id="c9"))
    assert f.finished[-1].caller == "*******5678"


def test_flag_events_fold_into_the_state_and_travel_in_the_snapshot() -> None:
    f = busy_floor()
    f.state.take_changes()
    f.emit(500, FlagCreated(flag=flag(note="rude to the caller")))
    assert f.state.take_changes().flags == {"F-000001"}
    made = f.state.flags["F-000001"]
    assert (made.status, made.version, made.updated_at, made.notes) == (FlagStatus.OPEN, 1, at(500), [])
    f.emit(
        510,
        FlagUpdated(
            flag_id="F-000001", changes={"status": "in_review", "reviewer": "quinn"}, version=2, by="quinn"
        ),
    )
    f.emit(520, FlagUpdated(flag_id="F-000001", changes={}, version=3, by="quinn", note="listened"))
    f.emit(
        530,
        FlagUpdated(
            flag_id="F-000001",
            changes={"status": "closed", "outcome": "coaching_needed"},
            version=4,
            by="rae",
            note="coaching booked",
        ),
    )
    done = f.state.flags["F-000001"]
    assert (done.status, done.outcome, done.reviewer, done.version) == (
        FlagStatus.CLOSED,
        FlagOutcome.COACHING_NEEDED,
        "quinn",
        4,
    )
    assert (done.closed_at, done.updated_at) == (at(530), at(530))
    assert [(n.at, n.by, n.text) for n in done.notes] == [
        (at(520), "quinn", "listened"),
        (at(530), "rae", "coaching booked"),
    ]
    assert last_note(done) == "coaching booked" and done.note == "rude to the caller"
    # Reopened: back in review, the outcome and closing time go, the notes stay.
    f.emit(
        540,
        FlagUpdated(
            flag_id="F-000001", changes={"status": "in_review", "outcome": None}, version=5, by="rae"
        ),
    )
    assert (done.status, done.outcome, done.closed_at, len(done.notes)) == (
        FlagStatus.IN_REVIEW,
        None,
        None,
        2,
    )
    encoded = msgspec.json.encode(f.state.to_snapshot())
    assert msgspec.json.decode(encoded)["flags"][0]["notes"][1]["text"] == "coaching booked"
    other = FloorState()
    other.load_snapshot(msgspec.json.decode(encoded, type=Snapshot))
    assert msgspec.json.encode(other.to_snapshot()) == encoded
    for state in (f.state, other):
        state.apply(
            make_event(
                state.seq + 1,
                at(600),
                FlagUpdated(flag_id="F-000001", changes={}, version=6, by="x", note="n"),
            )
        )
    assert msgspec.json.encode(other.to_snapshot()) == msgspec.json.encode(f.state.to_snapshot())


def test_flag_updates_naming_unknown_flags_or_fields_are_skipped() -> None:
    f = busy_floor()
    f.emit(500, FlagCreated(flag=flag()))
    for changes in ({"status": "done"}, {"severity": "low"}, {"outcome": "maybe"}, {"reviewer": 7}):
        f.emit(510, FlagUpdated(flag_id="F-000001", changes=changes, version=2, by="x"))
    f.emit(510, FlagUpdated(flag_id="F-404", changes={}, version=2, by="x", note="lost"))
    assert f.state.skipped == 5
    assert f.state.flags["F-000001"].version == 1


def test_closed_flags_leave_the_state_thirty_days_after_closing_open_ones_stay() -> None:
    f = busy_floor()
    f.emit(500, FlagCreated(flag=flag("F-000001")))
    f.emit(500, FlagCreated(flag=flag("F-000002")))
    f.emit(510, FlagUpdated(flag_id="F-000001", changes={"status": "in_review"}, version=2, by="q"))
    f.emit(
        520,
        FlagUpdated(
            flag_id="F-000001", changes={"status": "closed", "outcome": "no_issue"}, version=3, by="q"
        ),
    )
    day = 86_400
    f.state.advance_clock(at(30 * day))  # the day of 2026-04-01 starts less than 30 days after the close
    assert set(f.state.flags) == {"F-000001", "F-000002"}
    f.state.advance_clock(at(31 * day))
    assert set(f.state.flags) == {"F-000002"}
    assert f.state.take_changes().reset
    f.state.advance_clock(at(400 * day))
    assert set(f.state.flags) == {"F-000002"}


# -- the workflow ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "to", "outcome", "changes"),
    [
        (FlagStatus.OPEN, FlagStatus.IN_REVIEW, None, {"status": "in_review", "reviewer": "me"}),
        (FlagStatus.IN_REVIEW, FlagStatus.OPEN, None, {"status": "open"}),
        (
            FlagStatus.IN_REVIEW,
            FlagStatus.CLOSED,
            FlagOutcome.CONFIRMED,
            {"status": "closed", "outcome": "confirmed", "reviewer": "me"},
        ),
        (
            FlagStatus.CLOSED,
            FlagStatus.IN_REVIEW,
            None,
            {"status": "in_review", "outcome": None, "reviewer": "me"},
        ),
        (FlagStatus.IN_REVIEW, FlagStatus.IN_REVIEW, None, {}),
    ],
)
def test_the_workflow_allows(
    status: FlagStatus, to: FlagStatus, outcome: FlagOutcome | None, changes: dict[str, Any]
) -> None:
    was = flag(status=status, outcome=FlagOutcome.NO_ISSUE if status is FlagStatus.CLOSED else None)
    assert plan_update(was, user="me", status=to, outcome=outcome) == changes


@pytest.mark.parametrize(
    ("status", "request_", "kind", "mentions"),
    [
        (
            FlagStatus.OPEN,
            {"status": FlagStatus.CLOSED, "outcome": FlagOutcome.CONFIRMED},
            "invalid_state",
            "skips",
        ),
        (FlagStatus.CLOSED, {"status": FlagStatus.OPEN}, "invalid_state", "in_review only"),
        (FlagStatus.IN_REVIEW, {"status": FlagStatus.CLOSED}, "bad_args", "needs an outcome"),
        (FlagStatus.IN_REVIEW, {"outcome": FlagOutcome.CONFIRMED}, "bad_args", "only with status closed"),
        (
            FlagStatus.CLOSED,
            {"status": FlagStatus.CLOSED, "outcome": FlagOutcome.CONFIRMED},
            "bad_args",
            "closed",
        ),
        (FlagStatus.CLOSED, {"reviewer": "rae", "reviewer_given": True}, "invalid_state", "reopen"),
    ],
)
def test_the_workflow_refuses(status: FlagStatus, request_: dict[str, Any], kind: str, mentions: str) -> None:
    was = flag(
        status=status, reviewer="quinn", outcome=FlagOutcome.NO_ISSUE if status is FlagStatus.CLOSED else None
    )
    with pytest.raises(FlagRuleError) as info:
        plan_update(was, user="me", **request_)
    assert info.value.kind == kind and mentions in info.value.message, info.value.message


def test_a_named_reviewer_wins_and_null_unassigns() -> None:
    was = flag(status=FlagStatus.OPEN)
    assert plan_update(was, user="me", status=FlagStatus.IN_REVIEW, reviewer="rae", reviewer_given=True) == {
        "status": "in_review",
        "reviewer": "rae",
    }
    taken = flag(status=FlagStatus.IN_REVIEW, reviewer="rae")
    assert plan_update(taken, user="me", reviewer=None, reviewer_given=True) == {"reviewer": None}
    assert plan_update(taken, user="me", reviewer="rae", reviewer_given=True) == {}


# -- the review queue: filters, counts, export ------------------------------------------------


def review_queue() -> list[Flag]:
    return [
        flag("F-000001", agent_id="a1", team="red", flagged_at=at(100)),
        flag(
            "F-000002",
            agent_id="a2",
            team="blue",
            category=FlagCategory.COMPLIANCE,
            severity=FlagSeverity.CRITICAL,
            status=FlagStatus.IN_REVIEW,
            reviewer="quinn",
            flagged_at=at(200),
        ),
        flag(
            "F-000003",
            agent_id="a1",
            team="red",
            category=FlagCategory.COMMENDATION,
            severity=FlagSeverity.LOW,
            status=FlagStatus.CLOSED,
            reviewer="rae",
            outcome=FlagOutcome.CONFIRMED,
            flagged_at=at(300),
        ),
        flag("F-000004", agent_id=None, team=None, call_id="c3", flagged_at=at(86_400 * 2)),
    ]


def ids(flags: list[Flag]) -> list[str]:
    return [f.id for f in flags]


def test_filters_combine_and_list_newest_first() -> None:
    flags = review_queue()
    assert ids(filter_flags(flags)) == ["F-000004", "F-000003", "F-000002", "F-000001"]
    assert ids(filter_flags(flags, FlagFilter(agent_ids=frozenset({"a1"})))) == ["F-000003", "F-000001"]
    assert ids(filter_flags(flags, FlagFilter(teams=frozenset({"blue"})))) == ["F-000002"]
    not_closed = FlagFilter(statuses=frozenset({FlagStatus.OPEN, FlagStatus.IN_REVIEW}))
    assert ids(filter_flags(flags, not_closed)) == ["F-000004", "F-000002", "F-000001"]
    assert ids(filter_flags(flags, FlagFilter(reviewers=frozenset({None})))) == ["F-000004", "F-000001"]
    assert ids(filter_flags(flags, FlagFilter(reviewers=frozenset({"quinn", "rae"})))) == [
        "F-000003",
        "F-000002",
    ]
    assert ids(filter_flags(flags, FlagFilter(categories=frozenset({FlagCategory.COURTESY})))) == [
        "F-000004",
        "F-000001",
    ]
    assert ids(filter_flags(flags, FlagFilter(severities=frozenset({FlagSeverity.CRITICAL})))) == ["F-000002"]
    day = FlagFilter(since=at(150), until=at(300))  # [since, until)
    assert ids(filter_flags(flags, day)) == ["F-000002"]
    both = FlagFilter(agent_ids=frozenset({"a1"}), statuses=frozenset({FlagStatus.OPEN}))
    assert ids(filter_flags(flags, both)) == ["F-000001"]


def test_counts_per_agent_and_per_category() -> None:
    flags = review_queue()
    assert counts_by_agent(flags) == {"a1": 2, "a2": 1, "": 1}
    by_category = counts_by_category(flags)
    assert list(by_category) == list(FlagCategory)
    assert by_category[FlagCategory.COURTESY] == 2 and by_category[FlagCategory.PROCESS] == 0
    assert sum(by_category.values()) == 4


def test_the_agent_board_marks_agents_with_flags_raised_today_not_closed() -> None:
    flags = review_queue()
    assert agents_with_open_flags(flags, since=at(0)) == {"a1", "a2"}  # a1's closed one does not count
    assert agents_with_open_flags(flags, since=at(150)) == {"a2"}
    assert agents_with_open_flags(flags, since=None) == {"a1", "a2"}


def test_csv_export_has_every_column_and_no_full_number() -> None:
    f = busy_floor()
    flags = review_queue()
    flags[0].note = "caller read out card 4111 1111 1111 1111"
    flags[1].notes.append(FlagNote(at=at(250), by="quinn", text='=HYPERLINK("http://x")'))
    flags[2].caller = "13812345678"  # never on the feed unmasked; masked anyway
    text = flags_csv(flags, f.state.agents, f.state.queues)
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert (
        rows[0]
        == list(CSV_COLUMNS)
        == [
            "flag id",
            "flagged at",
            "call id",
            "agent id",
            "agent",
            "team",
            "queue",
            "caller",
            "category",
            "severity",
            "status",
            "reviewer",
            "outcome",
            "flagged by",
            "last note",
            "call started",
            "moment in call",
            "flagger's note",
            "review notes",
        ]
    )
    assert rows[1] == [
        "F-000001",
        at(100),
        "c1",
        "a1",
        "Ann Lee",
        "red",
        "Cards",
        "138****5678",
        "courtesy",
        "high",
        "open",
        "",
        "",
        "sam",
        "caller read out card **** **** **** 1111",
        at(0),
        "",
        "caller read out card **** **** **** 1111",
        "",
    ]
    assert rows[2][4] == "Bo Chen" and rows[2][9:13] == ["critical", "in_review", "quinn", ""]
    assert rows[2][14] == '\'=HYPERLINK("http://x")'  # a spreadsheet shows it, does not run it
    assert rows[2][18] == f'{at(250)} quinn: =HYPERLINK("http://x")'  # inside a cell: not a formula
    assert rows[3][7] == "*******5678" and rows[3][10:13] == ["closed", "rae", "confirmed"]
    assert rows[4][3:7] == ["", "", "", "Cards"]
    assert "4111 1111" not in text and "13812345678" not in text
    # Without a floor the ids stand in for the names.
    assert list(csv.reader(io.StringIO(flags_csv(flags[:1]))))[1][4:7] == ["a1", "red", "q"]


def test_the_export_reads_names_from_the_roster_and_queues_alone() -> None:
    """No FloorState: flags and the floor's state import each other no more."""
    flag = review_queue()[0]
    agents = {"a1": Agent(id="a1", name="Ann Lee", team="blue", skills=[])}
    queues = {"q": Queue(id="q", name="Cards", sl_threshold_s=20, sl_target_pct=80)}
    flag.team = None  # recorded without a team: the agent's team now
    row = list(csv.reader(io.StringIO(flags_csv([flag], agents, queues))))[1]
    assert row[3:7] == ["a1", "Ann Lee", "blue", "Cards"]
    assert list(csv.reader(io.StringIO(flags_csv([flag], agents))))[1][4:7] == ["Ann Lee", "blue", "q"]
    source = Path(flags_module.__file__ or "").read_text(encoding="utf-8")
    nodes = ast.walk(ast.parse(source))
    imported = {node.module for node in nodes if isinstance(node, ast.ImportFrom) and node.module}
    assert "console.domain.state" not in imported


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("card 4111 1111 1111 1111", "card **** **** **** 1111"),
        ("call 138-1234-5678 back", "call ***-****-5678 back"),
        ("13812345678", "*******5678"),
        ("acct123456789", "acct*****6789"),
        ("138****5678", "138****5678"),
        ("on 2026-03-02 at 09:30, ref 123456", "on 2026-03-02 at 09:30, ref 123456"),
        ("", ""),
    ],
)
def test_masking_hides_long_numbers_but_the_last_four(text: str, masked: str) -> None:
    assert mask_digits(text) == masked
    assert mask_digits(masked) == masked


# -- the commands ---------------------------------------------------------------------------------


def test_flag_a_live_call_and_a_completed_one() -> None:
    f = busy_floor()
    live = f.run("call.flag", {"call_id": "c4", "category": "courtesy", "severity": "medium", "moment_s": 90})
    assert live.result == {"flag_id": "F-000001", "call_id": "c4", "version": 1}
    made = f.state.flags["F-000001"]
    assert (made.agent_id, made.team, made.queue_id, made.call_started_at) == ("a1", "red", "q", at(300))
    assert (made.flagged_by, made.flagged_at, made.moment_s, made.note) == ("quinn", at(400), 90.0, "")
    done = f.run(
        "call.flag",
        {"call_id": "c2", "category": "process", "severity": "low", "note": "card 4111111111111111 read out"},
    )
    assert done.result["flag_id"] == "F-000002"
    assert f.state.flags["F-000002"].agent_id == "a2" and f.state.flags["F-000002"].note.endswith(
        "************1111 read out"
    )
    assert recorded_args("call.flag", {"note": "4111111111111111"}) == {"note": "************1111"}
    assert done.before is None and done.after is not None and done.after()["id"] == "F-000002"


def test_flag_refusals_name_what_is_wrong() -> None:
    f = busy_floor()
    good = {"call_id": "c1", "category": "courtesy", "severity": "high"}
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({**good, "call_id": "nope"}, "not_found", "nope"),
        ({"call_id": "c1", "severity": "high"}, "bad_args", "category"),
        ({**good, "category": "rudeness"}, "bad_args", "compliance, data_protection"),
        ({**good, "severity": "urgent"}, "bad_args", "low, medium, high, critical"),
        ({**good, "note": "x" * (FLAG_NOTE_MAX + 1)}, "bad_args", "4001 characters"),
        ({**good, "moment_s": -1}, "bad_args", "moment_s"),
        ({**good, "moment_s": 111}, "bad_args", "past the end"),
        ({**good, "moment_s": "soon"}, "bad_args", "moment_s"),
        ({**good, "extra": 1}, "bad_args", "extra"),
    ]
    for args, code, mentions in cases:
        refused = f.refused("call.flag", args)
        assert refused.code == code and mentions in refused.message, (args, refused.message)
    assert (
        f.run("call.flag", {**good, "note": "x" * FLAG_NOTE_MAX, "moment_s": 110}).result["flag_id"]
        == "F-000001"
    )
    # A call that finished before today's business day began cannot be flagged.
    f.state.advance_clock(at(86_400))
    assert f.refused("call.flag", good).code == "not_found"
    assert f.refused("call.flag", good, role=Role.VIEWER).code == "forbidden"


def test_updating_a_flag_through_the_workflow() -> None:
    f = busy_floor()
    f.run("call.flag", {"call_id": "c1", "category": "compliance", "severity": "critical"})
    upd = "flag.update"
    assert (
        f.refused(upd, {"flag_id": "F-000001", "status": "closed", "outcome": "confirmed"}).code
        == "invalid_state"
    )
    assert f.refused(upd, {"flag_id": "F-000001"}).code == "bad_args"
    assert f.refused(upd, {"flag_id": "F-000001", "note": "  "}).code == "bad_args"
    assert f.refused(upd, {"flag_id": "F-9", "note": "x"}).code == "not_found"
    assert f.refused(upd, {"flag_id": "F-000001", "status": "done"}).code == "bad_args"
    assert f.refused(upd, {"flag_id": "F-000001", "note": "x"}, role=Role.SUPERVISOR).code == "forbidden"
    users = {"rae": "quality", "sam": "supervisor", "ghost": None}
    assert f.refused(upd, {"flag_id": "F-000001", "reviewer": "sam"}, users=users).code == "bad_args"
    assert f.refused(upd, {"flag_id": "F-000001", "reviewer": "ghost"}, users=users).code == "not_found"
    took = f.run(upd, {"flag_id": "F-000001", "status": "in_review", "note": "listening"})
    assert took.result == {
        "flag_id": "F-000001",
        "version": 2,
        "status": "in_review",
        "changes": {"status": "in_review", "reviewer": "quinn"},
        "unchanged": False,
    }
    assert took.before == {"status": "open", "reviewer": None, "outcome": None, "version": 1, "notes": 0}
    stale = f.refused(upd, {"flag_id": "F-000001", "expected_version": 1, "note": "late"})
    assert stale.code == "conflict" and stale.details == {"flag_id": "F-000001", "expected": 1, "actual": 2}
    f.run(upd, {"flag_id": "F-000001", "reviewer": "rae", "expected_version": 2}, users=users)
    same = f.run(upd, {"flag_id": "F-000001", "status": "in_review", "reviewer": "rae"})
    assert same.events == [] and same.result["unchanged"] is True
    f.run(upd, {"flag_id": "F-000001", "status": "closed", "outcome": "confirmed", "note": "upheld"})
    made = f.state.flags["F-000001"]
    assert (made.status, made.outcome, made.reviewer, made.version) == (
        FlagStatus.CLOSED,
        FlagOutcome.CONFIRMED,
        "rae",
        4,
    )
    assert [(n.by, n.text) for n in made.notes] == [("quinn", "listening"), ("quinn", "upheld")]


def test_lookups_ask_the_store_only_for_what_the_floor_lacks() -> None:
    f = busy_floor()
    f.run("call.flag", {"call_id": "c1", "category": "compliance", "severity": "low"})
    state = f.state
    assert lookups_wanted(Role.SUPERVISOR, "call.flag", {"call_id": "c4"}, state).call_id is None  # live
    assert lookups_wanted(Role.SUPERVISOR, "call.flag", {"call_id": "c1"}, state).call_id == "c1"
    assert lookups_wanted(Role.VIEWER, "call.flag", {"call_id": "c1"}, state).call_id is None
    assert (
        lookups_wanted(Role.QUALITY, "flag.update", {"flag_id": "F-000001", "reviewer": "rae"}, state).user
        == "rae"
    )
    assert (
        lookups_wanted(Role.QUALITY, "flag.update", {"flag_id": "F-000001", "reviewer": None}, state).user
        is None
    )
    assert (
        lookups_wanted(Role.SUPERVISOR, "flag.update", {"flag_id": "F-000001", "reviewer": "rae"}, state).user
        is None
    )


def test_calls_query_arguments_and_pages() -> None:
    f = busy_floor()
    ctx = f.ctx(role=Role.SUPERVISOR)
    query = prepare_query(
        ctx, "calls.query", {"agent_id": "a1", "since": "2026-03-02T10:00:00+01:00", "page_size": 2}
    )
    assert isinstance(query, CallsQuery)
    assert (query.agent_id, query.since, query.limit, query.ended_since) == (
        "a1",
        "2026-03-02T09:00:00.000Z",
        2,
        "2026-03-02T00:00:00.000Z",
    )
    page = calls_page(query, list(reversed(f.finished)), 3)
    assert [c["id"] for c in page["calls"]] == ["c3", "c2"] and page["total"] == 3
    assert page["calls"][0]["caller"] == "138****5678" and page["calls"][0]["short_abandon"] is True
    assert decode_cursor(page["next_cursor"]) == (at(120), "c2")
    assert calls_page(query, f.finished[:2], 2)["next_cursor"] is None
    bad: list[tuple[dict[str, Any], str]] = [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 1001}, "page_size"),
        ({"since": "yesterday"}, "since"),
        ({"since": at(10), "until": at(5)}, "before until"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"outcome": "lost"}, "outcome"),
        ({"text": "x" * 101}, "text"),
        ({"agent": "a1"}, "agent"),
    ]
    for args, mentions in bad:
        with pytest.raises(CommandRefused) as info:
            prepare_query(ctx, "calls.query", args)
        assert info.value.code == "bad_args" and mentions in info.value.message, (args, info.value.message)
    with pytest.raises(CommandRefused) as info:
        prepare_query(f.ctx(role=Role.VIEWER), "calls.query", {"page_size": 0})
    assert info.value.code == "forbidden"


# -- malformed arguments never crash and never half-apply ---------------------------------------

_junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
_flag_args = st.dictionaries(
    st.sampled_from(["call_id", "category", "severity", "note", "moment_s", "flag_id", "extra"]),
    st.one_of(_junk, st.sampled_from(["c1", "c4", "courtesy", "low", "critical", "F-000001"])),
    max_size=6,
)
_update_args = st.dictionaries(
    st.sampled_from(["flag_id", "status", "outcome", "reviewer", "note", "expected_version", "extra"]),
    st.one_of(
        _junk,
        st.sampled_from(["F-000001", "in_review", "closed", "open", "confirmed", "no_issue", "rae", "sam"]),
        st.integers(0, 5),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(["call.flag", "flag.update"]), st.one_of(_flag_args, _update_args)),
        max_size=8,
    )
)
def test_malformed_flag_commands_are_refused_whole_or_applied_whole(
    commands: list[tuple[str, dict[str, Any]]],
) -> None:
    f = busy_floor()
    f.run("call.flag", {"call_id": "c1", "category": "courtesy", "severity": "low"})
    users: dict[str, str | None] = {"rae": "quality", "sam": "supervisor"}
    for action, args in commands:
        before = msgspec.json.encode(f.state.to_snapshot())
        try:
            outcome = execute(f.ctx(users=users), action, args)
        except CommandRefused as refused:
            assert refused.code in {"bad_args", "not_found", "invalid_state", "conflict"}, refused
            assert msgspec.json.encode(f.state.to_snapshot()) == before
            continue
        skipped = f.state.skipped
        f.apply(outcome.events)
        assert f.state.skipped == skipped, "the gateway made an event its own reducer skips"
        for made in f.state.flags.values():
            assert len(made.note) <= FLAG_NOTE_MAX and all(len(n.text) <= FLAG_NOTE_MAX for n in made.notes)
            assert (made.outcome is not None) == (made.status is FlagStatus.CLOSED)


def test_the_export_writes_the_centres_time_the_words_on_screen_and_every_note() -> None:
    """What a supervisor opens in Excel: the centre's times, the words on screen, the notes history."""
    flagged = flag(
        "F-000009",
        note="card 6222 0212 3456 7890",
        moment_s=3725.0,
        status=FlagStatus.CLOSED,
        reviewer="rae",
        outcome=FlagOutcome.CONFIRMED,
        notes=[
            FlagNote(at=at(600), by="rae", text="listened; account 6222021234567890 read out"),
            FlagNote(at=at(4000), by="quinn", text="agreed"),
        ],
    )
    labels = CsvLabels(
        columns=tuple(f"列{i}" for i in range(len(CSV_COLUMNS))),
        category={FlagCategory.COURTESY: "服务态度"},
        severity={FlagSeverity.HIGH: "高"},
        status={FlagStatus.CLOSED: "已关闭"},
        outcome={FlagOutcome.CONFIRMED: "属实"},
    )
    rows = list(csv.reader(io.StringIO(flags_csv([flagged], timezone="Asia/Shanghai", labels=labels))))
    assert rows[0] == list(labels.columns)
    row = dict(zip(CSV_COLUMNS, rows[1], strict=True))

    def shanghai(seconds: float) -> str:  # computed apart: the zone's own offset, not the product's
        moment = datetime.fromtimestamp((T0 / 1000) + seconds, tz=ZoneInfo("Asia/Shanghai"))
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    assert row["flagged at"] == shanghai(500) == "2026-03-02 17:08:20"
    assert row["call started"] == shanghai(0)
    assert (row["category"], row["severity"], row["status"], row["outcome"]) == (
        "服务态度",
        "高",
        "已关闭",
        "属实",
    )
    assert row["moment in call"] == "1:02:05"
    assert row["flagger's note"] == "card **** **** **** 7890"
    assert row["review notes"].split("\n") == [
        f"{shanghai(600)} rae: listened; account ************7890 read out",
        f"{shanghai(4000)} quinn: agreed",
    ]
    assert row["last note"] == "agreed"
    assert "6222021234567890" not in rows[1] and "6222 0212 3456 7890" not in "".join(rows[1])
    with pytest.raises(ValueError, match="columns"):
        CsvLabels(columns=("only one",))
