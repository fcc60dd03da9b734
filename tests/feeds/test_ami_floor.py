"""The AMI floor: Asterisk app_queue events and QueueStatus answers turned into protocol events.

Every stream made here goes through ``Fold``: into a FloorState as a console folds it (nothing
skipped) and through the gateway's ``admit`` one event at a time (nothing refused). The last test
turns two days of the "Anonymous Bank" log into the AMI events Asterisk would have sent
(tests/helpers/ami_from_log.py) and holds the queue figures to a count made from the log's rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec
import pytest

from console.domain.businessday import next_day_start
from console.domain.clock import iso, to_ms
from console.domain.entities import AgentState, CallState, Centre
from console.domain.events import (
    TYPE_OF,
    AgentAdded,
    AgentRemoved,
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallMoved,
    CallQueued,
    CallRinging,
    CentreConfigured,
    EventAt,
    EventData,
    QueueConfigured,
    make_event,
)
from console.domain.state import FloorState
from console.feeds.adapters.ami.floor import AmiFloor
from console.feeds.adapters.replay.bank_log import read_log_file, replay_events
from console.feeds.gateway.publishing import EventRefused, admit
from console.feeds.protocol import PublishedEvent
from tests.helpers.ami_from_log import BANK, INTERFACE_PREFIX, ami_day, status_answer
from tests.helpers.bank_log_counts import EXTRACT, count_rows, expected_today, today_of

CENTRE = Centre(name="Bank", timezone="Europe/Paris")
T0 = 1_700_000_000_000  # 2023-11-14 22:13:20 UTC
SECRET = "0612345678"  # a caller's number: never in a problem text
NAMES = {"PJSIP/A": "Ann", "PJSIP/B": "Bob"}


def ts(ms: int) -> str:
    return f"{ms // 1000}.{ms % 1000:03d}000"


def ev(name: str, at: int | None = None, **fields: str) -> dict[str, str]:
    """An AMI event; ``at`` epoch ms as its Timestamp header (None: no Timestamp)."""
    msg = {"Event": name, **fields}
    if at is not None:
        msg["Timestamp"] = ts(at)
    return msg


def params(queue: str, level: int = 30) -> dict[str, str]:
    return {
        "Event": "QueueParams",
        "Queue": queue,
        "Max": "0",
        "Strategy": "ringall",
        "ServiceLevel": str(level),
    }


def member(
    queue: str, interface: str, name: str = "", status: int = 1, paused: int = 0, **more: str
) -> dict[str, str]:
    return {
        "Event": "QueueMember",
        "Queue": queue,
        "Name": name or interface,
        "Location": interface,
        "StateInterface": interface,
        "Membership": "dynamic",
        "Status": str(status),
        "Paused": str(paused),
        **more,
    }


def entry(queue: str, uid: str, wait: int, caller: str = SECRET, priority: int = 0) -> dict[str, str]:
    return {
        "Event": "QueueEntry",
        "Queue": queue,
        "Uniqueid": uid,
        "CallerIDNum": caller,
        "Wait": str(wait),
        "Priority": str(priority),
    }


def call_fields(queue: str, uid: str, **more: str) -> dict[str, str]:
    return {
        "Channel": f"PJSIP/trunk-{uid}",
        "CallerIDNum": SECRET,
        "Context": "from-trunk",
        "Exten": "s",
        "Priority": "4",  # the dialplan priority: not the caller's rank in the queue
        "Uniqueid": uid,
        "Linkedid": uid,
        "Queue": queue,
        **more,
    }


def join(queue: str, uid: str, at: int, **more: str) -> dict[str, str]:
    return ev("QueueCallerJoin", at, **call_fields(queue, uid, Position="1", Count="1", **more))


def leave(queue: str, uid: str, at: int) -> dict[str, str]:
    return ev("QueueCallerLeave", at, **call_fields(queue, uid, Position="1", Count="0"))


def agent_event(name: str, queue: str, uid: str, interface: str, at: int, **more: str) -> dict[str, str]:
    member_name = NAMES.get(interface, interface)
    return ev(name, at, **call_fields(queue, uid, Interface=interface, MemberName=member_name, **more))


def member_event(
    name: str, queue: str, interface: str, at: int, *, status: int = 1, paused: int = 0, **more: str
) -> dict[str, str]:
    fields = {
        "Queue": queue,
        "MemberName": NAMES.get(interface, interface),
        "Interface": interface,
        "StateInterface": interface,
        "Status": str(status),
        "Paused": str(paused),
        **more,
    }
    return ev(name, at, **fields)


class Fold:
    """An AmiFloor whose every event is folded into a FloorState and admitted by the gateway."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("centre", CENTRE)
        self.ami = AmiFloor(**kwargs)
        self.state = FloorState()  # as a console folds the events
        self.gateway = FloorState()  # as the gateway takes them
        self.events: list[EventAt] = []

    def take(self, events: list[EventAt]) -> list[EventData]:
        for at, data in events:
            if self.events:
                assert at >= self.events[-1][0], "time never goes back"
            self.events.append((at, data))
            seq = len(self.events)
            self.state.apply(make_event(seq, iso(at), data))
            published = PublishedEvent(
                pos=seq, at=iso(at), type=TYPE_OF[type(data)], data=msgspec.to_builtins(data)
            )
            floor_ms = to_ms(self.gateway.at) if self.gateway.at is not None else at
            try:
                at_ms, admitted = admit(published, state=self.gateway, floor_ms=floor_ms, adapter="ami")
            except EventRefused as refused:  # pragma: no cover - the failure says why
                pytest.fail(f"the gateway refused {TYPE_OF[type(data)]}: {refused}")
            assert at_ms == at
            self.gateway.apply(make_event(seq, iso(at_ms), admitted))
        assert self.state.skipped == 0 and self.gateway.skipped == 0
        return [data for _, data in events]

    def status(self, messages: Sequence[Mapping[str, str]], at: int) -> list[EventData]:
        return self.take(self.ami.status(messages, at))

    def event(self, msg: Mapping[str, str], received: int = 0) -> list[EventData]:
        return self.take(self.ami.event(msg, received))

    def tick(self, now: int) -> list[EventData]:
        return self.take(self.ami.tick(now))

    def agent(self, interface: str) -> tuple[AgentState, str | None]:
        a = self.state.agents[interface]
        g = self.gateway.agents[interface]
        assert (a.state, a.reason) == (g.state, g.reason)
        return a.state, a.reason


def names(events: list[EventData]) -> list[str]:
    return [TYPE_OF[type(d)] for d in events]


def settled(changes: Iterable[tuple[int, str, AgentState]]) -> dict[str, list[tuple[int, AgentState]]]:
    """Each agent's states as they stand after each instant, repeats dropped."""
    last: dict[str, dict[int, AgentState]] = {}
    for at, agent, state in changes:
        last.setdefault(agent, {})[at] = state
    out: dict[str, list[tuple[int, AgentState]]] = {}
    for agent, by_time in last.items():
        steps: list[tuple[int, AgentState]] = []
        for at, state in by_time.items():
            if not steps or steps[-1][1] is not state:
                steps.append((at, state))
        out[agent] = steps
    return out


def answer(*more: dict[str, str]) -> list[dict[str, str]]:
    """A QueueStatus answer: sales (SL 30) and help (SL 0), Ann in both, Bob in help; and ``more``."""
    return [
        params("sales"),
        params("help", 0),
        member("sales", "PJSIP/A", "Ann"),
        member("help", "PJSIP/A", "Ann"),
        member("help", "PJSIP/B", "Bob"),
        *more,
    ]


def started(**kwargs: Any) -> Fold:
    """A floor after ``answer()``."""
    fold = Fold(**kwargs)
    fold.status(answer(), T0)
    return fold


# -- the first QueueStatus answer ------------------------------------------------------------------


def test_the_first_answer_configures_the_floor() -> None:
    fold = Fold(sl_default_s=15)
    out = fold.status(
        [
            {"Response": "Success", "EventList": "start", "Message": "Queue status will follow"},
            params("sales", 30),
            params("help", 0),
            member("sales", "Local/12@agents", "Agent/12", status=1),
            member("help", "Local/12@agents", "Agent/12", status=1),
            member("help", "PJSIP/B", "Bob", status=5, paused=1, PausedReason="lunch"),
            member("help", "PJSIP/C", "Cleo", status=1, paused=1, PausedReason="Coffee with Dana"),
            entry("sales", "1.1", wait=42, priority=3),
            entry("help", "1.2", wait=5, caller="unknown", priority=99),
            entry("sales", "1.3", wait=100),
            {"Event": "QueueStatusComplete", "EventList": "Complete", "ListItems": "8"},
        ],
        T0,
    )
    assert names(out) == [
        "centre.configured",
        "queue.configured",
        "queue.configured",
        "call.queued",  # 1.3, in first
        "call.queued",  # 1.1
        "call.queued",  # 1.2
        "agent.added",
        "agent.added",
        "agent.added",
    ]
    at = [a for a, _ in fold.events]
    assert at[:4] == [T0 - 100_000] * 4 and at[4:6] == [T0 - 42_000, T0 - 5000] and at[6:] == [T0] * 3
    centre = out[0]
    assert isinstance(centre, CentreConfigured) and centre.centre == CENTRE
    queues = {d.queue_id: d for d in out if isinstance(d, QueueConfigured)}
    assert {q: (d.name, d.sl_threshold_s, d.sl_target_pct) for q, d in queues.items()} == {
        "sales": ("sales", 30.0, 80.0),
        "help": ("help", 15.0, 80.0),  # ServiceLevel 0: the default
    }
    calls = {d.call_id: d for d in out if isinstance(d, CallQueued)}
    assert {c: (d.queue_id, d.priority, d.caller) for c, d in calls.items()} == {
        "1.3": ("sales", 0, SECRET),
        "1.1": ("sales", 3, SECRET),
        "1.2": ("help", 10, ""),  # priority brought within 0-10; "unknown" is no number
    }
    agents = {d.agent.id: d.agent for d in out if isinstance(d, AgentAdded)}
    assert {i: (a.name, a.team, a.skills, a.state, a.reason) for i, a in agents.items()} == {
        "Local/12@agents": ("Agent/12", "", ["help", "sales"], AgentState.AVAILABLE, None),
        "PJSIP/B": ("Bob", "", ["help"], AgentState.OFFLINE, None),  # unavailable wins over paused
        "PJSIP/C": ("Cleo", "", ["help"], AgentState.NOT_READY, "Coffee with Dana"),
    }
    assert fold.state.queues["sales"].today.offered == 2
    assert fold.state.calls["1.1"].entered_at == iso(T0 - 42_000)
    assert not fold.ami.stale and fold.ami.malformed == 0
    assert fold.ami.unknown_fields == {}


def test_events_before_the_first_answer_change_nothing() -> None:
    fold = Fold()
    assert fold.event(join("sales", "1.1", T0)) == []
    assert fold.ami.stale and fold.ami.before_status == 1
    fold.status([params("sales")], T0 + 1000)
    assert not fold.ami.stale
    assert names(fold.event(join("sales", "1.1", T0 + 2000))) == ["call.queued"]


# -- callers ---------------------------------------------------------------------------------------


def test_a_call_answered_and_completed() -> None:
    fold = started()
    queued = fold.event(join("sales", "9.1", T0 + 1000))
    assert queued == [CallQueued(call_id="9.1", queue_id="sales", priority=0, caller=SECRET)]
    assert fold.event(agent_event("AgentCalled", "sales", "9.1", "PJSIP/A", T0 + 2000)) == [
        CallRinging(call_id="9.1", agent_id="PJSIP/A")
    ]
    # Asterisk takes the caller out of the queue just before it says AgentConnect.
    assert fold.event(leave("sales", "9.1", T0 + 5000)) == []
    answered = fold.event(
        agent_event("AgentConnect", "sales", "9.1", "PJSIP/A", T0 + 5000, HoldTime="4", RingTime="3")
    )
    assert answered == [
        AgentStateChanged(agent_id="PJSIP/A", state=AgentState.ON_CALL),
        CallAnswered(call_id="9.1", agent_id="PJSIP/A"),
    ]
    assert fold.state.agents["PJSIP/A"].call_id == "9.1"
    # The device's state, reported once per queue Ann is in, changes nothing more.
    for queue in ("sales", "help"):
        assert fold.event(member_event("QueueMemberStatus", queue, "PJSIP/A", T0 + 5100, status=2)) == []
    ended = fold.event(
        agent_event("AgentComplete", "sales", "9.1", "PJSIP/A", T0 + 65_000, TalkTime="60", Reason="caller")
    )
    assert ended == [CallEnded(call_id="9.1")]  # no wrap-up: the device still says in use
    for queue in ("sales", "help"):
        fold.event(member_event("QueueMemberStatus", queue, "PJSIP/A", T0 + 65_100, status=1))
    assert fold.agent("PJSIP/A") == (AgentState.AVAILABLE, None)
    today = fold.state.queues["sales"].today
    assert (today.offered, today.answered, today.handled, today.wait_answered_s) == (1, 1, 1, 4.0)
    assert today.talk_s == 60.0 and fold.state.calls == {}


def test_leave_after_the_answer_changes_nothing_either() -> None:
    fold = started()
    fold.event(join("sales", "9.1", T0 + 1000))
    fold.event(agent_event("AgentCalled", "sales", "9.1", "PJSIP/A", T0 + 2000))
    fold.event(agent_event("AgentConnect", "sales", "9.1", "PJSIP/A", T0 + 2000))
    assert fold.event(leave("sales", "9.1", T0 + 2000)) == []
    assert fold.ami.tick(T0 + 600_000) == []
    assert fold.state.calls["9.1"].state is CallState.TALKING


def test_a_ring_without_answer_leaves_the_call_ringing() -> None:
    """No protocol event puts a ringing call back to waiting: it rings on until it rings elsewhere."""
    fold = started()
    fold.event(join("sales", "9.1", T0 + 1000))
    fold.event(agent_event("AgentCalled", "sales", "9.1", "PJSIP/A", T0 + 2000))
    assert (
        fold.event(agent_event("AgentRingNoAnswer", "sales", "9.1", "PJSIP/A", T0 + 17_000, RingTime="15"))
        == []
    )
    assert fold.state.calls["9.1"].state is CallState.RINGING
    out = fold.event(agent_event("AgentCalled", "sales", "9.1", "PJSIP/B", T0 + 18_000))
    # Bob was not in sales: he is re-published with it in his skills first.
    assert names(out) == ["agent.added", "call.ringing"]
    assert out[1] == CallRinging(call_id="9.1", agent_id="PJSIP/B")
    assert fold.state.agents["PJSIP/B"].skills == ["help", "sales"]
    assert fold.state.calls["9.1"].agent_id == "PJSIP/B"


def test_an_abandon_then_its_leave() -> None:
    fold = started()
    fold.event(join("help", "9.2", T0 + 1000))
    abandoned = fold.event(
        ev(
            "QueueCallerAbandon",
            T0 + 9000,
            **call_fields("help", "9.2", Position="1", OriginalPosition="1", HoldTime="8"),
        )
    )
    assert abandoned == [CallAbandoned(call_id="9.2")]
    assert fold.event(leave("help", "9.2", T0 + 9000)) == []
    assert fold.ami.late == 0 and not fold.ami.stale
    assert fold.state.queues["help"].today.abandoned == 1


def test_a_caller_who_leaves_unanswered_ends_after_the_grace() -> None:
    """A queue timeout or an exit key: QueueCallerLeave and nothing else."""
    fold = started(leave_grace_s=10)
    fold.event(join("sales", "9.3", T0 + 1000))
    assert fold.event(leave("sales", "9.3", T0 + 31_000)) == []
    assert fold.ami.next_due_ms == T0 + 41_000
    assert fold.tick(T0 + 40_999) == []
    assert fold.tick(T0 + 41_000) == [CallEnded(call_id="9.3")]
    assert fold.events[-1][0] == T0 + 31_000, "ended when the caller left"
    assert fold.ami.left_unanswered == 1 and fold.ami.next_due_ms is None
    today = fold.state.queues["sales"].today
    assert (today.offered, today.answered, today.abandoned) == (1, 0, 0)
    # Any later event lets time pass as a tick would.
    fold.event(join("sales", "9.4", T0 + 50_000))
    fold.event(leave("sales", "9.4", T0 + 51_000))
    assert names(fold.event(join("help", "9.5", T0 + 70_000))) == ["call.ended", "call.queued"]


def test_a_call_moved_to_another_queue() -> None:
    """Redirected from one queue to another: the caller leaves one and joins the other."""
    fold = started()
    fold.event(join("sales", "9.1", T0 + 1000))
    fold.event(leave("sales", "9.1", T0 + 5000))
    assert fold.event(join("help", "9.1", T0 + 5000)) == [CallMoved(call_id="9.1", queue_id="help")]
    assert fold.tick(T0 + 60_000) == []
    assert fold.state.calls["9.1"].queue_id == "help"
    assert (fold.state.queues["sales"].today.offered, fold.state.queues["help"].today.offered) == (0, 1)


def test_a_call_transferred_into_a_queue_is_a_call_of_its_own() -> None:
    fold = started()
    fold.event(join("sales", "9.1", T0 + 1000))
    fold.event(agent_event("AgentConnect", "sales", "9.1", "PJSIP/A", T0 + 2000))
    out = fold.event(join("help", "9.1", T0 + 30_000))
    assert out == [
        CallEnded(call_id="9.1"),
        AgentStateChanged(agent_id="PJSIP/A", state=AgentState.AVAILABLE),
        CallQueued(call_id="9.1#2", queue_id="help", priority=0, caller=SECRET),
    ]
    # The transferring agent's AgentComplete comes after: about the visit before, it ends nothing.
    complete = agent_event("AgentComplete", "sales", "9.1", "PJSIP/A", T0 + 30_000, Reason="transfer")
    assert fold.event(complete) == []
    assert fold.ami.late == 1 and not fold.ami.stale and "9.1#2" in fold.state.calls
    assert names(fold.event(agent_event("AgentConnect", "help", "9.1", "PJSIP/B", T0 + 40_000))) == [
        "agent.state",
        "call.answered",
    ]
    assert fold.event(agent_event("AgentComplete", "help", "9.1", "PJSIP/B", T0 + 90_000)) == [
        CallEnded(call_id="9.1#2"),
        AgentStateChanged(agent_id="PJSIP/B", state=AgentState.AVAILABLE),
    ]
    assert fold.state.queues["help"].today.answered == 1 and fold.state.queues["sales"].today.answered == 1


def test_the_join_priority_header_is_the_dialplans_not_the_queues() -> None:
    fold = started()
    (queued,) = fold.event(join("sales", "9.1", T0 + 1000))
    assert isinstance(queued, CallQueued) and queued.priority == 0
    # The next QueueStatus answer tells the caller's queue priority.
    out = fold.status(
        [
            params("sales"),
            params("help", 0),
            member("sales", "PJSIP/A", "Ann"),
            member("help", "PJSIP/A", "Ann"),
            member("help", "PJSIP/B", "Bob"),
            entry("sales", "9.1", wait=5, priority=2),
        ],
        T0 + 6000,
    )
    assert out == [CallMoved(call_id="9.1", queue_id="sales", priority=2)]
    assert fold.state.calls["9.1"].priority == 2 and fold.state.queues["sales"].today.offered == 1


def test_a_caller_without_a_number() -> None:
    fold = started()
    (queued,) = fold.event(join("sales", "9.1", T0, CallerIDNum="<unknown>"))
    assert isinstance(queued, CallQueued) and queued.caller == ""


# -- agents ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (0, AgentState.AVAILABLE),  # unknown: app_queue rings such a member
        (1, AgentState.AVAILABLE),
        (2, AgentState.ON_CALL),
        (3, AgentState.ON_CALL),
        (4, AgentState.OFFLINE),
        (5, AgentState.OFFLINE),
        (6, AgentState.ON_CALL),
        (7, AgentState.ON_CALL),
        (8, AgentState.ON_CALL),
    ],
)
def test_device_states(status: int, state: AgentState) -> None:
    fold = started()
    fold.event(member_event("QueueMemberStatus", "help", "PJSIP/B", T0 + 1000, status=status))
    assert fold.agent("PJSIP/B") == (state, None)


def test_pauses_and_their_reasons() -> None:
    fold = started()
    out = fold.event(
        member_event("QueueMemberPause", "help", "PJSIP/B", T0 + 1000, paused=1, PausedReason="Lunch break")
    )
    assert out == [AgentStateChanged(agent_id="PJSIP/B", state=AgentState.NOT_READY, reason="Lunch break")]
    # Older Asterisk: Reason; an empty reason is none.
    fold.event(member_event("QueueMemberPause", "help", "PJSIP/B", T0 + 2000, paused=0))
    fold.event(member_event("QueueMemberPause", "help", "PJSIP/B", T0 + 3000, paused=1, Reason="Training"))
    assert fold.agent("PJSIP/B") == (AgentState.NOT_READY, "Training")
    fold.event(member_event("QueueMemberPause", "help", "PJSIP/B", T0 + 4000, paused=0))
    fold.event(member_event("QueueMemberPause", "help", "PJSIP/B", T0 + 5000, paused=1, PausedReason=""))
    assert fold.agent("PJSIP/B") == (AgentState.NOT_READY, None)


def test_an_agent_in_several_queues_is_one_agent() -> None:
    fold = started()
    # Paused in one of her two queues, Ann still takes calls from the other.
    assert (
        fold.event(
            member_event("QueueMemberPause", "sales", "PJSIP/A", T0 + 1000, paused=1, PausedReason="x")
        )
        == []
    )
    out = fold.event(
        member_event("QueueMemberPause", "help", "PJSIP/A", T0 + 1000, paused=1, PausedReason="x")
    )
    assert out == [AgentStateChanged(agent_id="PJSIP/A", state=AgentState.NOT_READY, reason="x")]
    # The device state, reported per queue, gives one event.
    out = []
    for queue in ("sales", "help"):
        out += fold.event(member_event("QueueMemberStatus", queue, "PJSIP/A", T0 + 2000, status=5, paused=1))
    assert out == [AgentStateChanged(agent_id="PJSIP/A", state=AgentState.OFFLINE)]
    assert sum(isinstance(d, AgentStateChanged) for _, d in fold.events) == 2


def test_skills_follow_the_queues_and_the_last_removal_removes_the_agent() -> None:
    fold = started()
    assert names(fold.status(answer(params("vip")), T0)) == ["queue.configured"]  # a new queue
    out = fold.event(member_event("QueueMemberAdded", "vip", "PJSIP/B", T0 + 1000, MemberName="Bob"))
    assert len(out) == 1 and isinstance(out[0], AgentAdded)
    assert (out[0].agent.skills, out[0].agent.name, out[0].agent.state) == (
        ["help", "vip"],
        "Bob",
        AgentState.AVAILABLE,
    )
    assert fold.state.agents["PJSIP/B"].skills == ["help", "vip"]
    out = fold.event(member_event("QueueMemberRemoved", "help", "PJSIP/B", T0 + 2000, MemberName="Bob"))
    assert [d.agent.skills for d in out if isinstance(d, AgentAdded)] == [["vip"]]
    assert fold.event(member_event("QueueMemberRemoved", "vip", "PJSIP/B", T0 + 3000, MemberName="Bob")) == [
        AgentRemoved(agent_id="PJSIP/B")
    ]
    assert "PJSIP/B" not in fold.state.agents
    assert fold.event(member_event("QueueMemberRemoved", "vip", "PJSIP/B", T0 + 3000)) == []
    assert fold.ami.repeats == 1


def test_skills_wait_until_the_agent_is_off_the_call() -> None:
    """Re-adding an agent loses the call the floor shows them on: the new skills wait for its end."""
    fold = started()
    fold.event(join("sales", "9.1", T0 + 1000))
    fold.event(agent_event("AgentConnect", "sales", "9.1", "PJSIP/A", T0 + 2000))
    assert fold.event(member_event("QueueMemberRemoved", "help", "PJSIP/A", T0 + 3000, status=2)) == []
    assert fold.state.agents["PJSIP/A"].call_id == "9.1"
    out = fold.event(agent_event("AgentComplete", "sales", "9.1", "PJSIP/A", T0 + 9000))
    assert names(out) == ["call.ended", "agent.state", "agent.added"]
    ann = fold.state.agents["PJSIP/A"]
    assert (ann.skills, ann.state, ann.state_since) == (["sales"], AgentState.AVAILABLE, iso(T0 + 9000))


def test_an_unknown_member_is_added_when_rung() -> None:
    fold = started()
    fold.event(join("sales", "9.1", T0 + 1000))
    out = fold.event(agent_event("AgentCalled", "sales", "9.1", "SIP/new", T0 + 2000))
    assert names(out) == ["agent.added", "call.ringing"]
    assert isinstance(out[0], AgentAdded) and out[0].agent.skills == ["sales"]


def test_two_calls_at_once_keep_the_agent_on_call_until_the_last_ends() -> None:
    fold = started(wrap_up_s={"sales": 30})
    fold.event(join("sales", "9.1", T0 + 1000))
    fold.event(join("sales", "9.2", T0 + 1000))
    fold.event(agent_event("AgentConnect", "sales", "9.1", "PJSIP/A", T0 + 2000))
    assert fold.event(agent_event("AgentConnect", "sales", "9.2", "PJSIP/A", T0 + 3000)) == [
        CallAnswered(call_id="9.2", agent_id="PJSIP/A")
    ]
    assert fold.event(agent_event("AgentComplete", "sales", "9.2", "PJSIP/A", T0 + 10_000)) == [
        CallEnded(call_id="9.2")
    ]
    assert fold.agent("PJSIP/A") == (AgentState.ON_CALL, None)
    assert fold.event(member_event("QueueMemberStatus", "sales", "PJSIP/A", T0 + 10_000, status=1)) == []
    out = fold.event(agent_event("AgentComplete", "sales", "9.1", "PJSIP/A", T0 + 20_000))
    assert out == [CallEnded(call_id="9.1"), AgentStateChanged(agent_id="PJSIP/A", state=AgentState.WRAP_UP)]
    today = fold.state.queues["sales"].today
    assert (today.answered, today.handled, today.talk_s) == (2, 2, 7.0 + 18.0)


def test_wrap_up_is_timed() -> None:
    fold = started(wrap_up_s={"sales": 30})
    fold.event(join("sales", "9.1", T0 + 1000))
    fold.event(agent_event("AgentConnect", "sales", "9.1", "PJSIP/A", T0 + 2000))
    out = fold.event(agent_event("AgentComplete", "sales", "9.1", "PJSIP/A", T0 + 62_000))
    assert out[-1] == AgentStateChanged(agent_id="PJSIP/A", state=AgentState.WRAP_UP)
    # The device's hang-up comes just after: the wrap-up goes on.
    assert fold.event(member_event("QueueMemberStatus", "sales", "PJSIP/A", T0 + 62_100, status=1)) == []
    assert fold.ami.next_due_ms == T0 + 92_000
    assert fold.tick(T0 + 92_000) == [AgentStateChanged(agent_id="PJSIP/A", state=AgentState.AVAILABLE)]
    assert fold.state.queues["sales"].today.wrap_s == 30.0
    # Paused during a wrap-up: not ready once it is over. A member's own Wrapuptime wins.
    fold.event(member_event("QueueMemberStatus", "sales", "PJSIP/A", T0 + 93_000, Wrapuptime="5"))
    fold.event(join("sales", "9.2", T0 + 100_000))
    fold.event(agent_event("AgentConnect", "sales", "9.2", "PJSIP/A", T0 + 101_000))
    fold.event(agent_event("AgentComplete", "sales", "9.2", "PJSIP/A", T0 + 110_000))
    for queue in ("sales", "help"):
        fold.event(
            member_event("QueueMemberPause", queue, "PJSIP/A", T0 + 111_000, paused=1, PausedReason="break")
        )
    assert fold.agent("PJSIP/A") == (AgentState.WRAP_UP, None)
    assert fold.tick(T0 + 115_000) == [
        AgentStateChanged(agent_id="PJSIP/A", state=AgentState.NOT_READY, reason="break")
    ]
    # No wrap-up in a queue without one.
    fold.event(join("help", "9.3", T0 + 120_000))
    fold.event(agent_event("AgentConnect", "help", "9.3", "PJSIP/B", T0 + 121_000))
    assert fold.event(agent_event("AgentComplete", "help", "9.3", "PJSIP/B", T0 + 130_000)) == [
        CallEnded(call_id="9.3"),
        AgentStateChanged(agent_id="PJSIP/B", state=AgentState.AVAILABLE),
    ]


# -- times, repeats and gaps -----------------------------------------------------------------------


def test_timestamp_header_or_the_time_received() -> None:
    fold = started()
    fold.event(join("sales", "9.1", T0 + 1234), received=T0 + 9999)
    assert fold.events[-1][0] == T0 + 1234
    no_stamp = join("sales", "9.2", T0)
    del no_stamp["Timestamp"]
    fold.event(no_stamp, received=T0 + 5000)
    assert fold.events[-1][0] == T0 + 5000
    fold.event({**join("sales", "9.3", T0), "Timestamp": "yesterday"}, received=T0 + 6000)
    assert fold.events[-1][0] == T0 + 6000
    assert any("Timestamp" in p for p in fold.ami.problems)
    # Microseconds are kept to the millisecond.
    fold.event({**join("sales", "9.4", T0), "timestamp": f"{(T0 + 7000) // 1000}.123456"})
    assert fold.events[-1][0] == T0 + 7123


def test_header_names_in_any_case() -> None:
    fold = started()
    msg = {"EVENT": "queuecallerjoin", "queue": "sales", "UNIQUEID": "9.1", "calleridnum": SECRET}
    assert fold.event({**msg, "TimeStamp": ts(T0 + 1000)}) == [
        CallQueued(call_id="9.1", queue_id="sales", priority=0, caller=SECRET)
    ]
    assert fold.ami.unknown_fields == {}


def test_time_never_goes_back() -> None:
    fold = started()
    fold.event(join("sales", "9.1", T0 + 10_000))
    fold.event(agent_event("AgentConnect", "sales", "9.1", "PJSIP/A", T0 + 4000))  # stamped earlier
    assert fold.events[-1][0] == T0 + 10_000 and fold.ami.clamped == 1
    # A later answer's callers are not queued before the last event either.
    fold.status(
        [
            params("sales"),
            params("help", 0),
            member("sales", "PJSIP/A", "Ann", status=2, InCall="1"),
            member("help", "PJSIP/A", "Ann", status=2),
            member("help", "PJSIP/B", "Bob"),
            entry("help", "9.9", wait=3600),
        ],
        T0 + 20_000,
    )
    queued = [(at, d) for at, d in fold.events if isinstance(d, CallQueued) and d.call_id == "9.9"]
    assert queued == [(T0 + 10_000, queued[0][1])]


def test_an_event_repeated_by_asterisk_is_applied_once() -> None:
    fold = started()
    first = {**join("sales", "9.1", T0 + 1000), "SequenceNumber": "101"}
    assert names(fold.event(first)) == ["call.queued"]
    assert fold.event(dict(first)) == []
    assert (
        fold.event(
            {**agent_event("AgentConnect", "sales", "9.1", "PJSIP/A", T0 + 2000), "SequenceNumber": "101"}
        )
        == []
    )
    assert fold.ami.duplicates == 2
    connect = {**agent_event("AgentConnect", "sales", "9.1", "PJSIP/A", T0 + 2000), "SequenceNumber": "102"}
    assert names(fold.event(connect)) == ["agent.state", "call.answered"]
    # The same event under another number restates what the floor holds.
    assert fold.event({**connect, "SequenceNumber": "103"}) == []
    assert fold.ami.repeats == 1


def test_a_restarted_asterisk_numbers_afresh() -> None:
    fold = started()
    fold.event({**join("sales", "9.1", T0 + 1000), "SequenceNumber": "7"})
    fold.status([params("sales"), params("help", 0), member("sales", "PJSIP/A", "Ann")], T0 + 60_000)
    assert names(fold.event({**join("sales", "10.1", T0 + 61_000), "SequenceNumber": "7"})) == ["call.queued"]


def test_a_call_the_floor_never_saw_makes_it_stale() -> None:
    fold = started()
    for msg in (
        agent_event("AgentCalled", "sales", "5.1", "PJSIP/A", T0 + 1000),
        agent_event("AgentConnect", "sales", "5.1", "PJSIP/A", T0 + 1000),
        ev("QueueCallerAbandon", T0 + 1000, **call_fields("sales", "5.2")),
        agent_event("AgentComplete", "sales", "5.3", "PJSIP/A", T0 + 1000),
    ):
        assert fold.event(msg) == []
    assert fold.ami.stale and fold.ami.unknown_calls == 4
    assert all("QueueStatus" in p for p in fold.ami.problems)
    fold.status([params("sales"), params("help", 0), member("sales", "PJSIP/A", "Ann", status=2)], T0 + 2000)
    assert not fold.ami.stale
    # About a call that already left the floor: late, not stale.
    fold.event(join("sales", "9.1", T0 + 3000))
    fold.event(ev("QueueCallerAbandon", T0 + 4000, **call_fields("sales", "9.1")))
    assert fold.event(agent_event("AgentConnect", "sales", "9.1", "PJSIP/A", T0 + 4000)) == []
    assert fold.ami.late == 1 and not fold.ami.stale


def test_calls_in_progress_when_the_adapter_started_are_expected_to_end() -> None:
    fold = Fold()
    fold.status(
        [
            params("sales"),
            member("sales", "PJSIP/A", "Ann", status=2, InCall="1"),
            member("sales", "PJSIP/B", "Bob", status=2),
        ],  # older Asterisk: no InCall, a busy device
        T0,
    )
    assert fold.agent("PJSIP/A") == (AgentState.ON_CALL, None)
    for interface in ("PJSIP/A", "PJSIP/B"):
        assert fold.event(agent_event("AgentComplete", "sales", "1.1", interface, T0 + 5000)) == []
    assert fold.ami.unknown_calls == 2 and not fold.ami.stale
    fold.event(agent_event("AgentComplete", "sales", "1.2", "PJSIP/A", T0 + 6000))
    assert fold.ami.stale  # a second one was not expected


def test_reconcile_after_a_reconnect() -> None:
    fold = started()
    fold.event(join("sales", "9.1", T0 + 1000))  # will vanish
    fold.event(join("sales", "9.2", T0 + 1000))  # still waiting
    fold.event(join("help", "9.3", T0 + 1000))  # answered by Bob, over while nobody listened
    fold.event(agent_event("AgentConnect", "help", "9.3", "PJSIP/B", T0 + 2000))
    fold.event(join("help", "9.4", T0 + 1000))  # answered by Ann, still talking
    fold.event(agent_event("AgentConnect", "help", "9.4", "PJSIP/A", T0 + 2000))
    out = fold.status(
        [
            params("sales", 45),  # its service level changed
            params("help", 0),
            params("new", 10),
            member("sales", "PJSIP/A", "Ann", status=2, InCall="0"),
            member("help", "PJSIP/A", "Ann", status=2, InCall="1"),
            member("help", "PJSIP/B", "Bob", status=1, InCall="0"),
            member("new", "PJSIP/C", "Cleo", status=1, paused=1, PausedReason="training"),
            entry("sales", "9.2", wait=59),
            entry("new", "9.5", wait=20),
        ],
        T0 + 60_000,
    )
    assert names(out) == [
        "queue.configured",  # sales, 45 s
        "queue.configured",  # new
        "call.ended",  # 9.1 vanished
        "call.ended",  # 9.3 over
        "call.queued",  # 9.5
        "agent.state",  # Bob available
        "agent.added",  # Cleo
    ]
    # Vanished calls end at the earliest time the answer's events take: here the new caller's entry.
    assert [(at, getattr(d, "call_id", "")) for at, d in fold.events[-len(out) :]][2:5] == [
        (T0 + 40_000, "9.1"),
        (T0 + 40_000, "9.3"),
        (T0 + 40_000, "9.5"),
    ]
    assert fold.ami.vanished == 1
    assert set(fold.state.calls) == {"9.2", "9.4", "9.5"}
    assert fold.agent("PJSIP/A") == (AgentState.ON_CALL, None)
    assert fold.agent("PJSIP/C") == (AgentState.NOT_READY, "training")
    assert fold.state.queues["sales"].sl_threshold_s == 45.0
    # Members gone from every queue are removed.
    out = fold.status(
        [
            params("sales", 45),
            params("help", 0),
            params("new", 10),
            member("help", "PJSIP/A", "Ann", status=1, InCall="0"),
        ],
        T0 + 70_000,
    )
    assert names(out) == [
        "call.ended",  # 9.2 and 9.5 vanished
        "call.ended",
        "call.ended",  # 9.4: Ann is no longer on a call in help
        "agent.removed",  # Bob
        "agent.removed",  # Cleo
        "agent.state",  # Ann available
        "agent.added",  # Ann, now in help only
    ]
    assert fold.ami.vanished == 3
    assert set(fold.state.agents) == {"PJSIP/A"} and fold.state.agents["PJSIP/A"].skills == ["help"]
    assert fold.state.calls == {}


def test_a_malformed_answer_removes_nothing() -> None:
    fold = started()
    fold.event(join("sales", "9.1", T0 + 1000))
    bad = member("sales", "PJSIP/A", "Ann")
    del bad["Location"]
    assert fold.status([params("sales"), params("help", 0), bad], T0 + 5000) == []
    assert fold.ami.malformed == 1 and "QueueMember: no Location header" in fold.ami.problems
    assert set(fold.state.agents) == {"PJSIP/A", "PJSIP/B"} and "9.1" in fold.state.calls


# -- what the floor ignores ------------------------------------------------------------------------


def test_unknown_events_and_fields_are_counted() -> None:
    fold = started()
    assert fold.event(ev("Newchannel", T0, Channel="PJSIP/x", Uniqueid="3.3")) == []
    assert fold.event(ev("QueueMemberPenalty", T0, Queue="sales", Interface="PJSIP/A", Penalty="2")) == []
    assert fold.event({"Response": "Success", "Ping": "Pong"}) == []
    assert fold.ami.ignored_events == {"Newchannel": 1, "QueueMemberPenalty": 1, "(no Event header)": 1}
    fold.event(join("sales", "9.1", T0 + 1000, Colour="blue", Tenantid="x"))
    assert fold.ami.unknown_fields == {"colour": 1}


@pytest.mark.parametrize(
    ("msg", "problem"),
    [
        ({"Event": "QueueCallerJoin", "Queue": "sales"}, "QueueCallerJoin: no Uniqueid header"),
        ({"Event": "AgentConnect", "Queue": "sales", "Uniqueid": "9.1"}, "AgentConnect: no Interface header"),
        (
            {"Event": "AgentComplete", "Uniqueid": "9.1", "Interface": "PJSIP/A"},
            "AgentComplete: no Queue header",
        ),
        ({"Event": "QueueCallerAbandon", "Queue": "sales"}, "QueueCallerAbandon: no Uniqueid header"),
        (
            {"Event": "QueueMemberStatus", "Queue": "sales", "Status": "1"},
            "QueueMemberStatus: no Interface header",
        ),
        (
            {"Event": "QueueMemberStatus", "Queue": "sales", "Interface": "PJSIP/A", "Status": "busy"},
            "QueueMemberStatus: Status 'busy' is not a whole number",
        ),
        (
            {"Event": "QueueMemberStatus", "Queue": "sales", "Interface": "PJSIP/A", "Status": "12"},
            "QueueMemberStatus: Status 12 is not a device state 0-8",
        ),
        (
            {"Event": "QueueMemberPause", "Queue": "sales", "Interface": "PJSIP/A", "Paused": "maybe"},
            "QueueMemberPause: Paused 'maybe' is not 0 or 1",
        ),
    ],
)
def test_a_message_missing_a_field_is_counted(msg: dict[str, str], problem: str) -> None:
    fold = started()
    fold.event(join("sales", "9.1", T0))
    assert fold.event({**msg, "CallerIDNum": SECRET}) == []
    assert fold.ami.malformed == 1 and list(fold.ami.problems) == [problem]


def test_the_callers_number_is_never_in_a_problem() -> None:
    fold = started()
    for msg in (
        ev("QueueCallerJoin", T0, CallerIDNum=SECRET, Queue="sales"),
        ev("QueueCallerJoin", T0, CallerIDNum=SECRET, Queue="elsewhere", Uniqueid="1.1"),
        ev("QueueCallerAbandon", T0, CallerIDNum=SECRET, Queue="sales", Uniqueid="2.2"),
        {**join("sales", "3.3", T0), "Timestamp": "soon"},
    ):
        fold.event(msg)
    fold.status(answer({**entry("sales", "4.4", wait=3), "Wait": "long"}), T0 + 2000)
    assert len(fold.ami.problems) == 5, fold.ami.problems
    assert not any(SECRET in p for p in fold.ami.problems)


def test_a_queue_no_answer_listed_is_configured_and_makes_the_floor_stale() -> None:
    fold = started(sl_default_s=25)
    out = fold.event(join("later", "9.1", T0 + 1000))
    assert out == [
        QueueConfigured(queue_id="later", name="later", sl_threshold_s=25.0, sl_target_pct=80.0),
        CallQueued(call_id="9.1", queue_id="later", priority=0, caller=SECRET),
    ]
    assert fold.ami.stale


# -- the real log ----------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [dt.date(1999, 2, 10), dt.date(1999, 2, 12)])
def test_a_day_of_the_bank_log_through_ami(day: dt.date) -> None:
    """A day of the log as Asterisk would have told it: the figures are the log's, nothing refused."""
    reading = read_log_file(EXTRACT)
    replayed = replay_events(reading, days={day})
    start, messages = ami_day(replayed.events, day)
    assert [m["SequenceNumber"] for m in messages] == [str(n) for n in range(1, len(messages) + 1)]
    stamps = [float(m["Timestamp"]) for m in messages]
    assert stamps == sorted(stamps)
    fold = Fold(centre=BANK)
    fold.status(status_answer(), start)
    end = next_day_start(iso(start), BANK.timezone, BANK.day_starts)
    figures: list[dict[str, dict[str, float]]] = []
    for msg in messages:
        t = round(float(msg["Timestamp"]) * 1000)
        if not figures and t >= end:  # the day's last figures, before the next day resets them
            figures = [today_of(fold.state), today_of(fold.gateway)]
        fold.event(msg, received=t + 40)
    figures = figures or [today_of(fold.state), today_of(fold.gateway)]
    expected = expected_today(count_rows(EXTRACT).calls, start, end, 30.0)
    assert figures[0] == expected
    assert figures[1] == expected
    ami = fold.ami
    assert (ami.stale, ami.unknown_calls, ami.malformed, ami.duplicates, ami.clamped, ami.late) == (
        0,
        0,
        0,
        0,
        0,
        0,
    )
    assert ami.unknown_fields == {} and ami.ignored_events == {} and ami.vanished == 0
    assert fold.state.calls == {}
    assert sum(q.today.max_waiting > 0 for q in fold.state.queues.values()) >= 2
    # The agents' states are the replay's, at the same times, as they stand after each instant (a
    # call answered and ended in the same second puts the AMI floor's agent on it for no time).
    replay_states = settled(
        (at, INTERFACE_PREFIX + d.agent_id, d.state)
        for _, at, d in replayed.events
        if isinstance(d, AgentStateChanged)
    )
    ami_states = settled(
        (at, d.agent_id, d.state) for at, d in fold.events if isinstance(d, AgentStateChanged)
    )
    assert ami_states == replay_states
    assert all(a.state is AgentState.OFFLINE for a in fold.state.agents.values())
    kinds = {k: len(list(g)) for k, g in itertools.groupby(sorted(names([d for _, d in fold.events])))}
    assert kinds["call.queued"] == replayed.report.offered
    assert kinds["call.answered"] == kinds["call.ended"] == replayed.report.answered
    assert kinds["call.abandoned"] == replayed.report.abandoned
