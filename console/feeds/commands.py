"""Supervisor commands: permission, argument decoding, validation, execution.

Every command goes the same way: the role table says whether the user may, the
arguments are decoded strictly into the action's struct (unknown or mistyped
fields are refused by name), the action validates against the current floor
state, and only then does the centre driver (the simulator, or later an ACD
adapter) change anything. A refused command changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec

from console.domain.entities import NOT_READY_REASONS, AgentState
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


@dataclass
class CommandContext:
    user: str
    role: Role
    state: FloorState
    driver: CentreDriver
    extra: dict[str, Any] = field(default_factory=dict)


# -- arguments -------------------------------------------------------------------


class SetAgentStateArgs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    agent_id: str
    state: AgentState
    reason: str | None = None


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


@dataclass(frozen=True)
class Action:
    args: type[msgspec.Struct]
    run: Callable[[CommandContext, Any], Outcome]


ACTIONS: dict[str, Action] = {
    "agent.set_state": Action(SetAgentStateArgs, set_agent_state),
}


def find_action(action: str) -> Action:
    spec = ACTIONS.get(action)
    if spec is None:
        raise CommandRefused(
            ErrorCode.UNKNOWN_ACTION, f"unknown action {action!r}; known: {', '.join(sorted(ACTIONS))}"
        )
    return spec


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
