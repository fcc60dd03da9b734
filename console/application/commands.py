"""Every command a console sends, typed: one method per action, and whether this console may send it.

Views and controllers never build wire arguments or call ``send_command``
themselves: they call ``Commands``, whose methods take the domain's types and
build the arguments from the protocol's structs (``console.feeds.protocol``:
``SetAgentStateArgs`` ...), the same structs the gateway decodes them with. The
structs are ``omit_defaults``, so an optional field left out stays off the wire
(``UpdateFlagArgs.reviewer``: left out is "unchanged", None is "nobody").

What sends is a ``CommandSender`` (``LiveFeed``; a local floor without a gateway
has none, and then nothing is sent). Whether the console may send an action
(``may``) is the role table's (``console.domain.permissions``), with the role
the gateway gave in its welcome: a courtesy, since the gateway checks every
command against the same table. No Qt here: the callback of a command runs
wherever the sender runs it (``LiveFeed``: on the GUI thread, with the ack).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import msgspec

from console.domain.actions import ActionName
from console.domain.entities import AgentState, FlagCategory, FlagOutcome, FlagSeverity, FlagStatus
from console.domain.history import DayReport
from console.domain.permissions import Role, allowed
from console.feeds.client.feed_client import AckItem, FeedStatus
from console.feeds.protocol import (
    AgentQueues,
    AgentTimelineArgs,
    CallsQueryArgs,
    FlagCallArgs,
    HistoryQueryArgs,
    MoveCallArgs,
    ReassignCasesArgs,
    SetAgentQueuesArgs,
    SetAgentStateArgs,
    UndoReassignArgs,
    UpdateFlagArgs,
)


class HistoryPage(msgspec.Struct, kw_only=True):
    """A ``history.query`` answer: the day (its agents one page of them) and where the page is."""

    report: DayReport
    seq: int | None  # today's: the event the figures are as of; None for a complete day
    offset: int
    limit: int
    agents_total: int
    next_offset: int | None  # None: the last page


def history_page(result: dict[str, Any] | None) -> HistoryPage:
    """Decode a ``history.query`` ack's result; raises msgspec.ValidationError if it is not one."""
    return msgspec.convert(result, type=HistoryPage)


#: What a command's answer goes to: its ack (or the feed client's timeout or disconnect).
OnAck = Callable[[AckItem], None]


@runtime_checkable
class CommandSender(Protocol):
    """What sends commands (``LiveFeed``): ``callback`` gets the ack on the GUI thread."""

    def send_command(
        self, action: str, args: dict[str, Any], callback: Callable[[AckItem], None] | None = None
    ) -> str: ...


@runtime_checkable
class SignedIn(Protocol):
    """What knows who this console is signed in as (``LiveFeed.status``, from the gateway's welcome)."""

    @property
    def status(self) -> FeedStatus: ...


@dataclass(frozen=True)
class CallSearch:
    """What a ``calls.query`` looks for (None: any); the page size and the cursor go with each page."""

    agent_id: str | None = None
    queue_id: str | None = None
    outcome: str | None = None
    since: str | None = None  # a feed timestamp
    until: str | None = None
    text: str | None = None


class Commands:
    """The commands of one console, sent through its feed; ``None`` back when there is no gateway."""

    def __init__(self, feed: object) -> None:
        self._feed = feed

    # -- who may do what ---------------------------------------------------------------

    @property
    def sender(self) -> CommandSender | None:
        """What sends (None: a local floor, no gateway to send to)."""
        return self._feed if isinstance(self._feed, CommandSender) else None

    def role(self) -> Role | None:
        """The role the gateway gave this console in its welcome (None before it, or without a gateway)."""
        feed = self._feed
        role = feed.status.role if isinstance(feed, SignedIn) else None
        try:
            return Role(role) if role else None
        except ValueError:
            return None

    def user(self) -> str | None:
        """The user name the gateway welcomed this console as (None before it, or without a gateway)."""
        feed = self._feed
        return (feed.status.user or None) if isinstance(feed, SignedIn) else None

    def may(self, action: ActionName) -> bool:
        """Whether this console may send ``action``: a gateway to send it to, and a role that allows it."""
        role = self.role()
        return self.sender is not None and role is not None and allowed(role, action)

    # -- the commands ------------------------------------------------------------------

    def set_agent_state(
        self, agent_id: str, state: AgentState, reason: str | None = None, *, on_ack: OnAck
    ) -> str | None:
        return self._send(
            ActionName.SET_AGENT_STATE,
            SetAgentStateArgs(agent_id=agent_id, state=state, reason=reason),
            on_ack,
        )

    def reassign_cases(self, versions: dict[str, int], agent_id: str | None, *, on_ack: OnAck) -> str | None:
        """Reassign (``agent_id`` None: unassign) the cases named, at the versions given."""
        args = ReassignCasesArgs(case_ids=list(versions), agent_id=agent_id, expected_versions=versions)
        return self._send(ActionName.REASSIGN_CASES, args, on_ack)

    def undo_reassign(self, command_id: str, *, on_ack: OnAck) -> str | None:
        return self._send(ActionName.UNDO_REASSIGN, UndoReassignArgs(command_id=command_id), on_ack)

    def move_call(
        self, call_id: str, queue_id: str, priority: int | None = None, *, on_ack: OnAck
    ) -> str | None:
        """Move a waiting call to ``queue_id``; ``priority`` None keeps its priority."""
        args = MoveCallArgs(call_id=call_id, queue_id=queue_id, priority=priority)
        return self._send(ActionName.MOVE_CALL, args, on_ack)

    def flag_call(
        self,
        call_id: str,
        category: FlagCategory,
        severity: FlagSeverity,
        *,
        note: str = "",
        moment_s: float | None = None,
        on_ack: OnAck,
    ) -> str | None:
        """Flag a call for review; an empty ``note`` and a ``moment_s`` of None are left out."""
        args = FlagCallArgs(
            call_id=call_id, category=category.value, severity=severity.value, note=note, moment_s=moment_s
        )
        return self._send(ActionName.FLAG_CALL, args, on_ack)

    def update_flag(
        self,
        flag_id: str,
        *,
        expected_version: int,
        status: FlagStatus | None = None,
        outcome: FlagOutcome | None = None,
        reviewer: str | msgspec.UnsetType | None = msgspec.UNSET,
        note: str | None = None,
        on_ack: OnAck,
    ) -> str | None:
        """Work a flag at the version shown; ``reviewer`` left UNSET keeps it, None leaves it to nobody."""
        args = UpdateFlagArgs(
            flag_id=flag_id,
            expected_version=expected_version,
            status=status.value if status is not None else None,
            outcome=outcome.value if outcome is not None else None,
            reviewer=reviewer,
            note=note,
        )
        return self._send(ActionName.UPDATE_FLAG, args, on_ack)

    def query_calls(
        self, search: CallSearch, *, page_size: int, cursor: str | None = None, on_ack: OnAck
    ) -> str | None:
        """A page of today's completed calls (``cursor`` None: the first)."""
        query = CallsQueryArgs(
            agent_id=search.agent_id,
            queue_id=search.queue_id,
            since=search.since,
            until=search.until,
            text=search.text,
            outcome=search.outcome,
            page_size=page_size,
            cursor=cursor,
        )
        args = msgspec.to_builtins(query)
        # The console always names its page size, the default one too (omit_defaults would drop 100).
        args["page_size"] = page_size
        return self._send_args(ActionName.QUERY_CALLS, args, on_ack)

    def agent_timeline(self, agent_id: str, *, on_ack: OnAck) -> str | None:
        """One agent's business day so far (``agent.timeline``): states, calls, cases, flags."""
        return self._send(ActionName.AGENT_TIMELINE, AgentTimelineArgs(agent_id=agent_id), on_ack)

    def set_agent_queues(self, queues: dict[str, list[str]], *, on_ack: OnAck) -> str | None:
        """Set the queues each agent serves (agent id -> its queue ids): all of them or none."""
        args = SetAgentQueuesArgs(
            agents=[AgentQueues(agent_id=aid, queues=list(qs)) for aid, qs in queues.items()]
        )
        return self._send(ActionName.SET_AGENT_QUEUES, args, on_ack)

    def query_history(
        self, day: str, *, interval_min: int = 30, offset: int = 0, limit: int = 500, on_ack: OnAck
    ) -> str | None:
        """Business ``day``'s figures (``history.query``); the ack's result decodes with ``history_page``."""
        args = msgspec.to_builtins(HistoryQueryArgs(day=day, interval_min=interval_min, offset=offset))
        args["limit"] = limit  # always named, as calls.query's page size
        return self._send_args(ActionName.QUERY_HISTORY, args, on_ack)

    # -- plumbing ----------------------------------------------------------------------

    def _send(self, action: ActionName, args: msgspec.Struct, on_ack: OnAck) -> str | None:
        return self._send_args(action, msgspec.to_builtins(args), on_ack)

    def _send_args(self, action: ActionName, args: dict[str, Any], on_ack: OnAck) -> str | None:
        sender = self.sender
        if sender is None:
            return None
        return sender.send_command(action.value, args, on_ack)
