"""Supervisor commands: permission, argument decoding, validation, execution.

Every command goes the same way: the role table says whether the user may, the
arguments are decoded strictly into the action's struct (unknown or mistyped
fields are refused by name), the action validates against the current floor
state, and only then does the centre driver (the simulator, or later an ACD
adapter) change anything. A refused command changes nothing; a command on many
things (``case.reassign``) is checked whole before the driver is asked, so it
applies to all of them or to none.

This module is the registry: which actions and queries there are (``ACTIONS``,
``QUERIES``, keyed by ``ActionName``) and how one is run. The actions live by
area beside it: ``agents``, ``cases``, ``calls``, ``flags`` and ``queries``;
what they share is in ``context``.

An action that needs what only the store knows names it in its arguments; the
gateway looks it up before the action runs (``lookups_wanted``) and hands it in
through the ``CommandContext``: the audit records of an earlier command
(``case.undo_reassign``: ``past``), a call completed today (``call.flag``:
``calls``), a user's role (``flag.update`` naming a reviewer: ``users``).

Queries (``calls.query``, ``agent.timeline``) read and change nothing: ``prepare_query`` checks the
role and the arguments and says what to read; the gateway reads it from the
store and answers (no events, no ``action.applied``, no audit row when answered).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from console.domain.actions import ActionName
from console.domain.permissions import Role, allowed
from console.domain.state import FloorState
from console.feeds.gateway import redaction
from console.feeds.gateway.commands.agents import set_agent_queues, set_agent_state
from console.feeds.gateway.commands.calls import move_call
from console.feeds.gateway.commands.cases import reassign_cases, undo_reassign
from console.feeds.gateway.commands.context import CommandContext, CommandRefused, Outcome
from console.feeds.gateway.commands.flags import flag_call, update_flag
from console.feeds.gateway.commands.history import HistoryQuery, prepare_history_query
from console.feeds.gateway.commands.queries import (
    CallsQuery,
    TimelineQuery,
    prepare_agent_timeline,
    prepare_calls_query,
)
from console.feeds.protocol import (
    AgentTimelineArgs,
    CallsQueryArgs,
    ErrorCode,
    FlagCallArgs,
    HistoryQueryArgs,
    MoveCallArgs,
    ReassignCasesArgs,
    SetAgentQueuesArgs,
    SetAgentStateArgs,
    UndoReassignArgs,
    UpdateFlagArgs,
)


@dataclass(frozen=True)
class Action:
    args: type[msgspec.Struct]
    run: Callable[[CommandContext, Any], Outcome]


#: A checked query: ``run(store)`` reads it (off the loop) and returns the ack's result.
PreparedQuery = CallsQuery | TimelineQuery | HistoryQuery


@dataclass(frozen=True)
class Query:
    args: type[msgspec.Struct]
    prepare: Callable[[CommandContext, Any], PreparedQuery]


# Keyed by ActionName; a member is equal to its wire string and hashes like it, so a
# name read off the wire looks up directly (hence the ``str`` key type).
ACTIONS: dict[str, Action] = {
    ActionName.SET_AGENT_STATE: Action(SetAgentStateArgs, set_agent_state),
    ActionName.REASSIGN_CASES: Action(ReassignCasesArgs, reassign_cases),
    ActionName.UNDO_REASSIGN: Action(UndoReassignArgs, undo_reassign),
    ActionName.MOVE_CALL: Action(MoveCallArgs, move_call),
    ActionName.FLAG_CALL: Action(FlagCallArgs, flag_call),
    ActionName.UPDATE_FLAG: Action(UpdateFlagArgs, update_flag),
    ActionName.SET_AGENT_QUEUES: Action(SetAgentQueuesArgs, set_agent_queues),
}

QUERIES: dict[str, Query] = {
    ActionName.QUERY_CALLS: Query(CallsQueryArgs, prepare_calls_query),
    ActionName.AGENT_TIMELINE: Query(AgentTimelineArgs, prepare_agent_timeline),
    ActionName.QUERY_HISTORY: Query(HistoryQueryArgs, prepare_history_query),
}


def is_query(action: str) -> bool:
    return action in QUERIES


def prepare_query(ctx: CommandContext, action: str, raw_args: dict[str, Any]) -> PreparedQuery:
    """Check a query for ``ctx.user``; raises CommandRefused (role first, then the arguments)."""
    spec = QUERIES.get(action)
    if spec is None:
        find_action(action)  # unknown_action, naming what there is
        raise CommandRefused(ErrorCode.UNKNOWN_ACTION, f"{action} is not a query")
    if not allowed(ctx.role, action):
        raise CommandRefused(ErrorCode.FORBIDDEN, f"role {ctx.role} may not {action}")
    return spec.prepare(ctx, _convert(action, spec.args, raw_args))


def recorded_args(action: str, raw_args: dict[str, Any]) -> dict[str, Any]:
    """The arguments as the audit and ``action.applied`` keep them: free text (a flag's note) masked.

    Notes are free text; a number typed into one (a card, an account) must not
    reach other consoles or the store in full, so the gateway masks it on entry
    (``redaction``); ids and codes stay whole.
    """
    return redaction.recorded_args(raw_args)


def find_action(action: str) -> Action:
    spec = ACTIONS.get(action)
    if spec is None:
        known = ", ".join(sorted([*ACTIONS, *QUERIES]))
        raise CommandRefused(ErrorCode.UNKNOWN_ACTION, f"unknown action {action!r}; known: {known}")
    return spec


@dataclass(frozen=True)
class Lookups:
    """What the gateway reads from the store before a command runs (None: nothing)."""

    command_id: str | None = None  # its audit records -> CommandContext.past
    call_id: str | None = None  # the completed call -> CommandContext.calls
    user: str | None = None  # the user's role -> CommandContext.users


def lookups_wanted(role: Role, action: str, raw_args: dict[str, Any], state: FloorState) -> Lookups:
    """What ``action`` needs from the store, for a user who may run it (a refused user costs nothing).

    ``call.flag`` on a call not on the floor needs the completed call; ``flag.update``
    naming a new reviewer needs that user's role.
    """
    if not allowed(role, action):
        return Lookups()
    if action == ActionName.UNDO_REASSIGN:
        return Lookups(command_id=history_wanted(role, action, raw_args))
    if action == ActionName.FLAG_CALL:
        call_id = raw_args.get("call_id")
        if isinstance(call_id, str) and call_id not in state.calls:
            return Lookups(call_id=call_id)
    elif action == ActionName.UPDATE_FLAG:
        reviewer = raw_args.get("reviewer")
        flag = state.flags.get(str(raw_args.get("flag_id")))
        if isinstance(reviewer, str) and (flag is None or flag.reviewer != reviewer):
            return Lookups(user=reviewer)
    return Lookups()


def history_wanted(role: Role, action: str, raw_args: dict[str, Any]) -> str | None:
    """The command id whose audit records ``action`` needs in ``CommandContext.past``, if any.

    Only for a user who may run the action, so a refused user costs no look-up.
    """
    if action != ActionName.UNDO_REASSIGN or not allowed(role, action):
        return None
    ref = raw_args.get("command_id")
    return ref if isinstance(ref, str) else None


def execute(ctx: CommandContext, action: str, raw_args: dict[str, Any]) -> Outcome:
    """Run one command for ``ctx.user``; raises CommandRefused when it must not or cannot.

    The role is checked before the arguments so a refused user learns nothing more.
    """
    spec = find_action(action)
    if not allowed(ctx.role, action):
        raise CommandRefused(ErrorCode.FORBIDDEN, f"role {ctx.role} may not {action}")
    return spec.run(ctx, _convert(action, spec.args, raw_args))


def _convert(action: str, args_type: type[msgspec.Struct], raw_args: dict[str, Any]) -> Any:
    try:
        return msgspec.convert(raw_args, type=args_type)
    except msgspec.ValidationError as exc:
        raise CommandRefused(ErrorCode.BAD_ARGS, f"bad args for {action}: {exc}") from None
