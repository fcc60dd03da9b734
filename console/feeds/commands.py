"""Supervisor commands: permission, argument decoding, validation, execution.

Every command goes the same way: the role table says whether the user may, the
arguments are decoded strictly into the action's struct (unknown or mistyped
fields are refused by name), the action validates against the current floor
state, and only then does the centre driver (the simulator, or later an ACD
adapter) change anything. A refused command changes nothing; a command on many
things (``case.reassign``) is checked whole before the driver is asked, so it
applies to all of them or to none.

An action that needs an earlier command (``case.undo_reassign``) names it in its
arguments; the gateway looks it up in the audit (``history_wanted``) and hands
the records in as ``CommandContext.past``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec

from console.domain.entities import (
    CALL_PRIORITY_MAX,
    CALL_PRIORITY_MIN,
    NOT_READY_REASONS,
    AgentState,
    CallState,
)
from console.domain.events import EventData
from console.domain.permissions import Role, allowed
from console.domain.state import FloorState
from console.feeds.protocol import ErrorCode

EventAt = tuple[int, EventData]


class CentreDriver(Protocol):
    """Whatever drives the centre: the simulator, the load generator, later an ACD adapter."""

    @property
    def now_ms(self) -> int: ...

    def bootstrap(self) -> list[EventAt]: ...

    def advance(self, until_ms: int) -> list[EventAt]: ...

    def counters(self) -> dict[str, int]: ...

    def set_agent_state(
        self, agent_id: str, state: AgentState, reason: str | None
    ) -> tuple[list[EventAt], bool]: ...

    def assign_cases(self, moves: Sequence[tuple[str, str | None]]) -> list[EventAt]:
        """Give each case its new owner (None: unassigned): one ``case.updated`` per case, all or none."""
        ...

    def move_call(self, call_id: str, queue_id: str, priority: int | None) -> list[EventAt]:
        """Move a waiting call to a queue and/or priority (``call.moved``, then its routing)."""
        ...


class CommandRefused(Exception):
    def __init__(self, code: str, message: str, details: Any = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details


@dataclass
class Outcome:
    events: list[EventAt]
    result: dict[str, Any]
    before: Any = None
    # Describes the state once the events are applied, for the audit record.
    after: Callable[[], Any] | None = None


@dataclass(frozen=True)
class PastCommand:
    """An audited command, as an action that refers to it sees it."""

    command_id: str
    user: str
    action: str
    ok: bool
    result: dict[str, Any] | None
    before: Any
    after: Any


@dataclass
class CommandContext:
    user: str
    role: Role
    state: FloorState
    driver: CentreDriver
    # The audit records of the command id named by the arguments (see history_wanted).
    past: Sequence[PastCommand] = ()
    extra: dict[str, Any] = field(default_factory=dict)


# -- arguments -------------------------------------------------------------------


class SetAgentStateArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    agent_id: str
    state: AgentState
    reason: str | None = None


class ReassignCasesArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    case_ids: list[str]
    agent_id: str | None  # required: null unassigns, so it is never implied
    expected_versions: dict[str, int]


class UndoReassignArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    command_id: str


class MoveCallArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    call_id: str
    queue_id: str
    priority: int | None = None


# -- actions ---------------------------------------------------------------------


def _agent_view(state: FloorState, agent_id: str) -> dict[str, Any]:
    a = state.agents[agent_id]
    return {
        "state": a.state.value,
        "reason": a.reason,
        "pending_state": a.pending_state.value if a.pending_state else None,
        "pending_reason": a.pending_reason,
    }


def set_agent_state(ctx: CommandContext, args: SetAgentStateArgs) -> Outcome:
    if args.agent_id not in ctx.state.agents:
        raise CommandRefused(ErrorCode.NOT_FOUND, f"unknown agent {args.agent_id!r}")
    if args.state is AgentState.NOT_READY:
        if args.reason not in NOT_READY_REASONS:
            raise CommandRefused(
                ErrorCode.BAD_ARGS,
                f"not_ready needs a reason code, one of: {', '.join(NOT_READY_REASONS)}"
                f" (got {args.reason!r})",
            )
    elif args.reason is not None:
        raise CommandRefused(ErrorCode.BAD_ARGS, f"a reason code goes only with not_ready, not {args.state}")
    if args.state not in (AgentState.AVAILABLE, AgentState.NOT_READY, AgentState.OFFLINE):
        raise CommandRefused(
            ErrorCode.BAD_ARGS, f"a supervisor can set available, not_ready or offline, not {args.state}"
        )
    before = _agent_view(ctx.state, args.agent_id)
    events, deferred = ctx.driver.set_agent_state(args.agent_id, args.state, args.reason)
    return Outcome(
        events=events,
        result={
            "agent_id": args.agent_id,
            "state": args.state.value,
            "reason": args.reason,
            "deferred": deferred,
            "unchanged": not events,
        },
        before=before,
        after=lambda: _agent_view(ctx.state, args.agent_id),
    )


REASSIGN = "case.reassign"
UNDO_REASSIGN = "case.undo_reassign"


def _some(ids: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(repr(i) for i in ids[:limit])
    return shown if len(ids) <= limit else f"{shown} and {len(ids) - limit} more"


def _case_views(state: FloorState, case_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """case id -> {agent_id, version} of the open cases among ``case_ids`` (the audit's before/after)."""
    cases = state.cases
    return {
        cid: {"agent_id": cases[cid].agent_id, "version": cases[cid].version}
        for cid in case_ids
        if cid in cases
    }


def _refuse_conflicts(offenders: list[dict[str, Any]], total: int, doing: str) -> None:
    if not offenders:
        return
    mismatched = sum(1 for o in offenders if o["reason"] == "version_mismatch")
    gone = len(offenders) - mismatched
    why = []
    if mismatched:
        why.append(f"{mismatched} changed since (version mismatch)")
    if gone:
        why.append(f"{gone} no longer open (not found or closed)")
    raise CommandRefused(
        ErrorCode.CONFLICT,
        f"{len(offenders)} of {total} cases cannot be {doing}: {'; '.join(why)}; nothing was changed",
        {"cases": offenders},
    )


def _check_versions(state: FloorState, expected: Sequence[tuple[str, int]]) -> list[dict[str, Any]]:
    """Every case that is gone or whose version is not the expected one, in the order given."""
    cases = state.cases
    offenders: list[dict[str, Any]] = []
    for cid, version in expected:
        case = cases.get(cid)
        if case is None:
            offenders.append({"case_id": cid, "reason": "not_found"})
        elif case.version != version:
            offenders.append(
                {"case_id": cid, "reason": "version_mismatch", "expected": version, "actual": case.version}
            )
    return offenders


def reassign_cases(ctx: CommandContext, args: ReassignCasesArgs) -> Outcome:
    ids = args.case_ids
    if not ids:
        raise CommandRefused(ErrorCode.BAD_ARGS, "case_ids must name at least one case")
    if len(set(ids)) != len(ids):
        dupes = [cid for cid, n in Counter(ids).items() if n > 1]
        raise CommandRefused(ErrorCode.BAD_ARGS, f"case_ids names cases more than once: {_some(dupes)}")
    expected = args.expected_versions
    missing = [cid for cid in ids if cid not in expected]
    if missing:
        raise CommandRefused(
            ErrorCode.BAD_ARGS, f"expected_versions has no version for {len(missing)} cases: {_some(missing)}"
        )
    if len(expected) != len(ids):
        named = set(ids)
        extra = [cid for cid in expected if cid not in named]
        raise CommandRefused(
            ErrorCode.BAD_ARGS, f"expected_versions names cases that are not in case_ids: {_some(extra)}"
        )
    if args.agent_id is not None and args.agent_id not in ctx.state.agents:
        raise CommandRefused(ErrorCode.NOT_FOUND, f"unknown agent {args.agent_id!r}")
    _refuse_conflicts(
        _check_versions(ctx.state, [(cid, expected[cid]) for cid in ids]), len(ids), "reassigned"
    )
    cases = ctx.state.cases
    moves = [(cid, args.agent_id) for cid in ids if cases[cid].agent_id != args.agent_id]
    before = {"cases": _case_views(ctx.state, ids)}
    events = ctx.driver.assign_cases(moves) if moves else []
    return Outcome(
        events=events,
        result={"agent_id": args.agent_id, "moved": len(moves), "unchanged": len(ids) - len(moves)},
        before=before,
        after=lambda: {"cases": _case_views(ctx.state, ids)},
    )


def undo_reassign(ctx: CommandContext, args: UndoReassignArgs) -> Outcome:
    found = [p for p in ctx.past if p.ok and p.action == REASSIGN]
    if not found:
        raise CommandRefused(ErrorCode.NOT_FOUND, f"no applied {REASSIGN} has command id {args.command_id!r}")
    if len(found) > 1:
        users = ", ".join(sorted({p.user for p in found}))
        raise CommandRefused(
            ErrorCode.CONFLICT,
            f"command id {args.command_id!r} names {len(found)} reassignments (by {users});"
            " cannot tell which",
        )
    done = found[0]
    was: dict[str, dict[str, Any]] = done.before["cases"]
    left: dict[str, dict[str, Any]] = done.after["cases"]
    # The cases it moved: each goes back to its owner before, if still as it left it.
    moved = [
        (cid, view["agent_id"], left[cid]["version"])
        for cid, view in was.items()
        if cid in left and left[cid]["agent_id"] != view["agent_id"]
    ]
    _refuse_conflicts(
        _check_versions(ctx.state, [(cid, version) for cid, _, version in moved]), len(moved), "moved back"
    )
    gone = sorted({agent for _, agent, _ in moved if agent is not None and agent not in ctx.state.agents})
    if gone:
        raise CommandRefused(
            ErrorCode.NOT_FOUND, f"earlier owners no longer on the roster: {_some(gone)}; nothing was changed"
        )
    ids = [cid for cid, _, _ in moved]
    before = {"cases": _case_views(ctx.state, ids)}
    events = ctx.driver.assign_cases([(cid, agent) for cid, agent, _ in moved]) if moved else []
    return Outcome(
        events=events,
        result={"undo_of": args.command_id, "moved": len(moved)},
        before=before,
        after=lambda: {"cases": _case_views(ctx.state, ids)},
    )


def _call_view(state: FloorState, call_id: str) -> dict[str, Any] | None:
    c = state.calls.get(call_id)
    if c is None:
        return None
    return {"queue_id": c.queue_id, "priority": c.priority, "state": c.state.value, "agent_id": c.agent_id}


def move_call(ctx: CommandContext, args: MoveCallArgs) -> Outcome:
    if args.priority is not None and not CALL_PRIORITY_MIN <= args.priority <= CALL_PRIORITY_MAX:
        raise CommandRefused(
            ErrorCode.BAD_ARGS,
            f"priority must be between {CALL_PRIORITY_MIN} and {CALL_PRIORITY_MAX}, not {args.priority}",
        )
    call = ctx.state.calls.get(args.call_id)
    if call is None:
        raise CommandRefused(ErrorCode.NOT_FOUND, f"no call {args.call_id!r} in progress")
    if call.state is not CallState.WAITING:
        raise CommandRefused(
            ErrorCode.INVALID_STATE, f"only a waiting call can be moved; {args.call_id} is {call.state.value}"
        )
    if args.queue_id not in ctx.state.queues:
        raise CommandRefused(ErrorCode.NOT_FOUND, f"unknown queue {args.queue_id!r}")
    priority = call.priority if args.priority is None else args.priority
    unchanged = call.queue_id == args.queue_id and priority == call.priority
    before = _call_view(ctx.state, args.call_id)
    events = [] if unchanged else ctx.driver.move_call(args.call_id, args.queue_id, args.priority)
    return Outcome(
        events=events,
        result={
            "call_id": args.call_id,
            "queue_id": args.queue_id,
            "priority": priority,
            "unchanged": unchanged,
        },
        before=before,
        after=lambda: _call_view(ctx.state, args.call_id),
    )


@dataclass(frozen=True)
class Action:
    args: type[msgspec.Struct]
    run: Callable[[CommandContext, Any], Outcome]


ACTIONS: dict[str, Action] = {
    "agent.set_state": Action(SetAgentStateArgs, set_agent_state),
    REASSIGN: Action(ReassignCasesArgs, reassign_cases),
    UNDO_REASSIGN: Action(UndoReassignArgs, undo_reassign),
    "call.move": Action(MoveCallArgs, move_call),
}


def find_action(action: str) -> Action:
    spec = ACTIONS.get(action)
    if spec is None:
        raise CommandRefused(
            ErrorCode.UNKNOWN_ACTION, f"unknown action {action!r}; known: {', '.join(sorted(ACTIONS))}"
        )
    return spec


def history_wanted(role: Role, action: str, raw_args: dict[str, Any]) -> str | None:
    """The command id whose audit records ``action`` needs in ``CommandContext.past``, if any.

    Only for a user who may run the action, so a refused user costs no look-up.
    """
    if action != UNDO_REASSIGN or not allowed(role, action):
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
    try:
        args = msgspec.convert(raw_args, type=spec.args)
    except msgspec.ValidationError as exc:
        raise CommandRefused(ErrorCode.BAD_ARGS, f"bad args for {action}: {exc}") from None
    return spec.run(ctx, args)
