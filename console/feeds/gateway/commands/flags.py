"""``call.flag`` and ``flag.update``: quality flags on calls and their review.

The rules (categories, severities, the review workflow, who may review) are the
domain's (``console.domain.flags``), so the gateway and every console apply the
same ones; here they are checked against the floor and turned into events.
Notes are masked on entry: a number typed into one never reaches the store or
another console in full.
"""

from __future__ import annotations

import math
from typing import Any

import msgspec

from console.domain import flags as flag_rules
from console.domain.actions import ActionName
from console.domain.clock import iso, to_ms
from console.domain.entities import Flag, FlagStatus
from console.domain.events import EventAt, FlagCreated, FlagUpdated
from console.domain.masking import mask_digits
from console.domain.state import FloorState
from console.feeds.gateway.commands.context import CommandContext, CommandRefused, Outcome
from console.feeds.protocol import ErrorCode, FlagCallArgs, UpdateFlagArgs


def _rule(exc: flag_rules.FlagRuleError) -> CommandRefused:
    code = ErrorCode.INVALID_STATE if exc.kind == "invalid_state" else ErrorCode.BAD_ARGS
    return CommandRefused(code, exc.message)


def _flag_view(state: FloorState, flag_id: str) -> dict[str, Any] | None:
    """What ``flag.update`` changes, as the audit keeps it (before/after), or None."""
    flag = state.flags.get(flag_id)
    if flag is None:
        return None
    return {
        "status": flag.status.value,
        "reviewer": flag.reviewer,
        "outcome": flag.outcome.value if flag.outcome is not None else None,
        "version": flag.version,
        "notes": len(flag.notes),
    }


def _whole_flag(state: FloorState, flag_id: str) -> dict[str, Any] | None:
    flag = state.flags.get(flag_id)
    return None if flag is None else msgspec.to_builtins(flag)


def flag_call(ctx: CommandContext, args: FlagCallArgs) -> Outcome:
    try:
        category = flag_rules.parse_category(args.category)
        severity = flag_rules.parse_severity(args.severity)
        flag_rules.check_note(args.note)
    except flag_rules.FlagRuleError as exc:
        raise _rule(exc) from None
    if args.moment_s is not None and not (math.isfinite(args.moment_s) and args.moment_s >= 0):
        raise CommandRefused(
            ErrorCode.BAD_ARGS, f"moment_s must be a number of seconds, 0 or more, not {args.moment_s}"
        )
    now_ms = ctx.clock_ms
    live = ctx.state.calls.get(args.call_id)
    done = ctx.calls.get(args.call_id)
    started = ctx.state.centre.day_started_at
    if live is not None:
        queue_id, agent_id, caller, began = live.queue_id, live.agent_id, live.caller, live.entered_at
        length_s = max(0.0, (now_ms - to_ms(began)) / 1000.0)
    elif done is not None and (started is None or done.ended_at >= started):
        queue_id, agent_id, caller, began = done.queue_id, done.agent_id, done.caller, done.entered_at
        length_s = done.duration_s
    else:
        raise CommandRefused(ErrorCode.NOT_FOUND, f"no call {args.call_id!r} in progress or completed today")
    if args.moment_s is not None and args.moment_s > length_s:
        raise CommandRefused(
            ErrorCode.BAD_ARGS,
            f"moment_s {args.moment_s:g} is past the end of call {args.call_id}"
            f" (it {'has lasted' if live is not None else 'lasted'} {length_s:g} s)",
        )
    if ctx.new_flag_id is None:
        raise RuntimeError(f"{ActionName.FLAG_CALL} needs CommandContext.new_flag_id")
    agent = ctx.state.agents.get(agent_id or "")
    at = iso(now_ms)
    flag = Flag(
        id=ctx.new_flag_id(),
        call_id=args.call_id,
        queue_id=queue_id,
        agent_id=agent_id,
        team=agent.team if agent is not None else None,
        caller=mask_digits(caller),
        call_started_at=began,
        category=category,
        severity=severity,
        note=mask_digits(args.note),
        moment_s=args.moment_s,
        flagged_by=ctx.user,
        flagged_at=at,
        updated_at=at,
    )
    return Outcome(
        events=[(now_ms, FlagCreated(flag=flag))],
        result={"flag_id": flag.id, "call_id": flag.call_id, "version": flag.version},
        before=None,
        after=lambda: _whole_flag(ctx.state, flag.id),
    )


def update_flag(ctx: CommandContext, args: UpdateFlagArgs) -> Outcome:
    reviewer_given = args.reviewer is not msgspec.UNSET
    if args.status is None and args.outcome is None and args.note is None and not reviewer_given:
        raise CommandRefused(
            ErrorCode.BAD_ARGS,
            f"{ActionName.UPDATE_FLAG} needs at least one of: status, reviewer, outcome, note",
        )
    try:
        status = flag_rules.parse_status(args.status) if args.status is not None else None
        outcome = flag_rules.parse_outcome(args.outcome) if args.outcome is not None else None
        if args.note is not None:
            flag_rules.check_note(args.note, required=True)
    except flag_rules.FlagRuleError as exc:
        raise _rule(exc) from None
    flag = ctx.state.flags.get(args.flag_id)
    if flag is None:
        raise CommandRefused(ErrorCode.NOT_FOUND, f"no flag {args.flag_id!r}")
    if args.expected_version is not None and args.expected_version != flag.version:
        raise CommandRefused(
            ErrorCode.CONFLICT,
            f"flag {flag.id} changed since (version {flag.version}, expected {args.expected_version});"
            " nothing was changed",
            {"flag_id": flag.id, "expected": args.expected_version, "actual": flag.version},
        )
    reviewer = args.reviewer if isinstance(args.reviewer, str) else None
    if reviewer is not None and reviewer != flag.reviewer:
        role = ctx.users.get(reviewer)
        if role is None:
            raise CommandRefused(ErrorCode.NOT_FOUND, f"no user {reviewer!r} to review the flag")
        if role not in flag_rules.REVIEWER_ROLES:
            raise CommandRefused(
                ErrorCode.BAD_ARGS,
                f"{reviewer} is a {role} user; a reviewer is a quality or admin user",
            )
    try:
        changes = flag_rules.plan_update(
            flag,
            user=ctx.user,
            status=status,
            outcome=outcome,
            reviewer=reviewer,
            reviewer_given=reviewer_given,
        )
    except flag_rules.FlagRuleError as exc:
        raise _rule(exc) from None
    before = _flag_view(ctx.state, flag.id)
    unchanged = not changes and args.note is None
    events: list[EventAt] = []
    version = flag.version
    if not unchanged:
        version += 1
        events.append(
            (
                ctx.clock_ms,
                FlagUpdated(
                    flag_id=flag.id,
                    changes=changes,
                    version=version,
                    by=ctx.user,
                    note=None if args.note is None else mask_digits(args.note),
                ),
            )
        )
    new_status = FlagStatus(changes.get("status", flag.status))
    return Outcome(
        events=events,
        result={
            "flag_id": flag.id,
            "version": version,
            "status": new_status.value,
            "changes": changes,
            "unchanged": unchanged,
        },
        before=before,
        after=lambda: _flag_view(ctx.state, flag.id),
    )
