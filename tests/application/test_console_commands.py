"""The console's typed commands (``console.application.commands``): the wire arguments, field for field.

What ``Commands`` puts on the wire must be what the views sent before they went
through it, and what the gateway decodes strictly (``console.feeds.protocol``):
optional fields left out stay off the wire, and ``flag.update``'s reviewer tells
"unchanged" (absent) from "nobody" (null). No Qt, no gateway: a recording sender.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pytest

from console.application.commands import CallSearch, Commands, CommandSender
from console.domain.actions import ActionName
from console.domain.entities import AgentState, FlagCategory, FlagOutcome, FlagSeverity, FlagStatus
from console.feeds.client.feed_client import AckItem, ConnState, FeedStatus
from console.feeds.protocol import (
    AgentTimelineArgs,
    CallsQueryArgs,
    FlagCallArgs,
    HistoryQueryArgs,
    MoveCallArgs,
    ReassignCasesArgs,
    SetAgentStateArgs,
    UndoReassignArgs,
    UpdateFlagArgs,
)

ARGS: dict[ActionName, type[msgspec.Struct]] = {
    ActionName.SET_AGENT_STATE: SetAgentStateArgs,
    ActionName.REASSIGN_CASES: ReassignCasesArgs,
    ActionName.UNDO_REASSIGN: UndoReassignArgs,
    ActionName.MOVE_CALL: MoveCallArgs,
    ActionName.FLAG_CALL: FlagCallArgs,
    ActionName.UPDATE_FLAG: UpdateFlagArgs,
    ActionName.QUERY_CALLS: CallsQueryArgs,
    ActionName.AGENT_TIMELINE: AgentTimelineArgs,
    ActionName.QUERY_HISTORY: HistoryQueryArgs,
}


@dataclass
class Recorder:
    """A signed-in feed that records what it is asked to send."""

    role: str = "admin"
    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    callbacks: list[Callable[[AckItem], None] | None] = field(default_factory=list)

    @property
    def status(self) -> FeedStatus:
        return FeedStatus(state=ConnState.CONNECTED, url="ws://x", user="ann", role=self.role)

    def send_command(
        self, action: str, args: dict[str, Any], callback: Callable[[AckItem], None] | None = None
    ) -> str:
        self.sent.append((action, args))
        self.callbacks.append(callback)
        return f"c{len(self.sent)}"


def _ignore(_ack: AckItem) -> None:
    pass


def test_every_command_goes_on_the_wire_as_the_views_sent_it() -> None:
    feed = Recorder()
    assert isinstance(feed, CommandSender)
    c = Commands(feed)
    versions = {"K1": 3, "K2": 1}
    assert c.set_agent_state("A1", AgentState.NOT_READY, "coaching", on_ack=_ignore) == "c1"
    c.set_agent_state("A1", AgentState.OFFLINE, on_ack=_ignore)
    c.reassign_cases(versions, "A2", on_ack=_ignore)
    c.reassign_cases(versions, None, on_ack=_ignore)
    c.undo_reassign("c3", on_ack=_ignore)
    c.move_call("K9", "vip", on_ack=_ignore)
    c.move_call("K9", "loans", 0, on_ack=_ignore)
    c.flag_call("K9", FlagCategory.COMPLIANCE, FlagSeverity.HIGH, on_ack=_ignore)
    c.flag_call("K9", FlagCategory.COURTESY, FlagSeverity.LOW, note="rude", moment_s=0.0, on_ack=_ignore)
    c.update_flag("F1", expected_version=2, status=FlagStatus.IN_REVIEW, on_ack=_ignore)
    c.update_flag("F1", expected_version=2, reviewer=None, on_ack=_ignore)
    c.update_flag(
        "F1",
        expected_version=3,
        status=FlagStatus.CLOSED,
        outcome=FlagOutcome.NO_ISSUE,
        reviewer="quality1",
        note="fine",
        on_ack=_ignore,
    )
    c.query_calls(CallSearch(), page_size=100, on_ack=_ignore)
    c.query_calls(
        CallSearch(agent_id="A2", outcome="answered", since="2026-03-02T01:00:00.000Z", text="0042"),
        page_size=5,
        cursor="next",
        on_ack=_ignore,
    )
    c.agent_timeline("A2", on_ack=_ignore)
    c.query_history("2026-03-02", interval_min=15, offset=500, on_ack=_ignore)
    assert feed.sent == [
        ("agent.set_state", {"agent_id": "A1", "state": "not_ready", "reason": "coaching"}),
        ("agent.set_state", {"agent_id": "A1", "state": "offline"}),
        ("case.reassign", {"case_ids": ["K1", "K2"], "agent_id": "A2", "expected_versions": versions}),
        ("case.reassign", {"case_ids": ["K1", "K2"], "agent_id": None, "expected_versions": versions}),
        ("case.undo_reassign", {"command_id": "c3"}),
        ("call.move", {"call_id": "K9", "queue_id": "vip"}),
        ("call.move", {"call_id": "K9", "queue_id": "loans", "priority": 0}),
        ("call.flag", {"call_id": "K9", "category": "compliance", "severity": "high"}),
        (
            "call.flag",
            {"call_id": "K9", "category": "courtesy", "severity": "low", "note": "rude", "moment_s": 0.0},
        ),
        ("flag.update", {"flag_id": "F1", "expected_version": 2, "status": "in_review"}),
        ("flag.update", {"flag_id": "F1", "expected_version": 2, "reviewer": None}),  # nobody
        (
            "flag.update",
            {
                "flag_id": "F1",
                "expected_version": 3,
                "status": "closed",
                "outcome": "no_issue",
                "reviewer": "quality1",
                "note": "fine",
            },
        ),
        ("calls.query", {"page_size": 100}),  # the default page size is named too, as before
        (
            "calls.query",
            {
                "agent_id": "A2",
                "since": "2026-03-02T01:00:00.000Z",
                "outcome": "answered",
                "text": "0042",
                "page_size": 5,
                "cursor": "next",
            },
        ),
        ("agent.timeline", {"agent_id": "A2"}),
        ("history.query", {"day": "2026-03-02", "interval_min": 15, "offset": 500, "limit": 500}),
    ]
    # Plain wire strings and builtins, each decodable by the gateway's own struct.
    for action, args in feed.sent:
        assert type(action) is str
        msgspec.convert(args, ARGS[ActionName(action)])
    assert all(cb is _ignore for cb in feed.callbacks)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("viewer", set()),
        (
            "supervisor",
            {"agent.set_state", "call.move", "call.flag", "calls.query", "agent.timeline", "history.query"},
        ),
        ("quality", {"call.flag", "flag.update", "calls.query", "agent.timeline", "history.query"}),
        ("no such role", set()),
    ],
)
def test_what_a_console_may_send_is_the_role_tables(role: str, allowed: set[str]) -> None:
    c = Commands(Recorder(role=role))
    assert {a.value for a in ActionName if c.may(a)} == allowed
    assert c.user() == "ann"


def test_without_a_gateway_nothing_is_sent_and_nothing_is_allowed() -> None:
    @dataclass
    class SignedInOnly:  # knows who it is but cannot send (a local floor has neither)
        @property
        def status(self) -> FeedStatus:
            return FeedStatus(state=ConnState.CONNECTED, url="", user="ann", role="admin")

    for feed in (SignedInOnly(), object()):
        c = Commands(feed)
        assert c.sender is None and not any(c.may(a) for a in ActionName)
        assert c.undo_reassign("c1", on_ack=_ignore) is None
    assert Commands(object()).role() is None and Commands(object()).user() is None
