"""``call.move``: a waiting call to another queue and/or priority, routed from there as a call of it."""

from __future__ import annotations

from typing import Any

from console.domain.entities import CALL_PRIORITY_MAX, CALL_PRIORITY_MIN, CallState
from console.domain.state import FloorState
from console.feeds.gateway.commands.context import CommandContext, CommandRefused, Outcome
from console.feeds.protocol import ErrorCode, MoveCallArgs


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
