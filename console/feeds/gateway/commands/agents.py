"""``agent.set_state``: a supervisor sets an agent available, not ready (with a reason) or offline."""

from __future__ import annotations

from typing import Any

from console.domain.entities import NOT_READY_REASONS, AgentState
from console.domain.state import FloorState
from console.feeds.gateway.commands.context import CommandContext, CommandRefused, Outcome
from console.feeds.protocol import ErrorCode, SetAgentStateArgs


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
