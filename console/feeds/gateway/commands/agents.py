"""Agents: ``agent.set_state`` (available, not ready with a reason, offline) and ``agent.set_queues``.

``agent.set_queues`` sets which queues agents serve: every agent named is checked
(known, at least one queue, each known and named once) before the driver is asked,
so a selection of agents changes all together or not at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from console.domain.entities import NOT_READY_REASONS, AgentState
from console.domain.state import FloorState
from console.feeds.gateway.commands.context import CommandContext, CommandRefused, Outcome
from console.feeds.protocol import (
    MAX_SET_QUEUES_AGENTS,
    AgentQueues,
    ErrorCode,
    SetAgentQueuesArgs,
    SetAgentStateArgs,
)


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


# -- agent.set_queues ---------------------------------------------------------------------------


def _some(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


def _selection(args: SetAgentQueuesArgs) -> list[AgentQueues]:
    """The agents named, in either form; refuses both forms at once, or neither."""
    single = args.agent_id is not None or args.queues is not None
    if args.agents is not None and single:
        raise CommandRefused(ErrorCode.BAD_ARGS, "give either agents or agent_id with queues, not both")
    if args.agents is not None:
        return args.agents
    if args.agent_id is None or args.queues is None:
        raise CommandRefused(ErrorCode.BAD_ARGS, "give agents, or agent_id with queues")
    return [AgentQueues(agent_id=args.agent_id, queues=args.queues)]


def _problem(state: FloorState, item: AgentQueues) -> dict[str, Any] | None:
    """What is wrong with one agent's new queues (None: nothing), for the refusal's details."""
    if item.agent_id not in state.agents:
        return {"agent_id": item.agent_id, "reason": "unknown_agent"}
    if not item.queues:
        return {"agent_id": item.agent_id, "reason": "no_queues"}
    twice = sorted(q for q, n in Counter(item.queues).items() if n > 1)
    if twice:
        return {"agent_id": item.agent_id, "reason": "duplicate_queues", "queues": twice}
    unknown = [q for q in item.queues if q not in state.queues]
    if unknown:
        return {"agent_id": item.agent_id, "reason": "unknown_queues", "queues": unknown}
    return None


_WHY = {
    "unknown_agent": "unknown agent",
    "no_queues": "no queues (an agent serves at least one)",
    "duplicate_queues": "queues named twice",
    "unknown_queues": "unknown queues",
}


def _skills_view(state: FloorState, agent_ids: Sequence[str]) -> dict[str, list[str]]:
    return {aid: list(state.agents[aid].skills) for aid in agent_ids if aid in state.agents}


def set_agent_queues(ctx: CommandContext, args: SetAgentQueuesArgs) -> Outcome:
    """Set the queues each agent named serves: checked whole, then all of them or none."""
    items = _selection(args)
    if not items:
        raise CommandRefused(ErrorCode.BAD_ARGS, "agents must name at least one agent")
    if len(items) > MAX_SET_QUEUES_AGENTS:
        raise CommandRefused(
            ErrorCode.BAD_ARGS,
            f"{len(items)} agents in one command; at most {MAX_SET_QUEUES_AGENTS}",
        )
    ids = [i.agent_id for i in items]
    twice = sorted(a for a, n in Counter(ids).items() if n > 1)
    if twice:
        raise CommandRefused(ErrorCode.BAD_ARGS, f"agents names agents more than once: {_some(twice)}")
    offenders = [p for p in (_problem(ctx.state, i) for i in items) if p is not None]
    if offenders:
        counts = Counter(o["reason"] for o in offenders)
        why = "; ".join(f"{n} {_WHY[r]}" for r, n in counts.items())
        first = offenders[0]
        example = f"{first['agent_id']!r}: {_WHY[first['reason']]}" + (
            f" {_some(first['queues'])}" if "queues" in first else ""
        )
        only_unknown = set(counts) <= {"unknown_agent", "unknown_queues"}
        raise CommandRefused(
            ErrorCode.NOT_FOUND if only_unknown else ErrorCode.BAD_ARGS,
            f"{len(offenders)} of {len(items)} agents cannot be given these queues ({why}; first"
            f" {example}); nothing was changed",
            {"agents": offenders},
        )
    agents = ctx.state.agents
    changes = [(i.agent_id, list(i.queues)) for i in items if set(i.queues) != set(agents[i.agent_id].skills)]
    before = {"agents": _skills_view(ctx.state, ids)}
    events = ctx.driver.set_agent_queues(changes) if changes else []
    return Outcome(
        events=events,
        result={"agents": len(items), "changed": len(changes), "unchanged": len(items) - len(changes)},
        before=before,
        after=lambda: {"agents": _skills_view(ctx.state, ids)},
    )
