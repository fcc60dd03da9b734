"""``case.reassign`` and ``case.undo_reassign``: complaint cases to another owner, all or none, and back.

Both check every case against the version the supervisor saw before the driver
is asked, so a case changed since (or closed) refuses the whole command and
names each offender. An undo moves back only the cases the reassignment moved,
each to its owner before, and only if still as the reassignment left it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from console.domain.actions import ActionName
from console.domain.state import FloorState
from console.feeds.gateway.commands.context import CommandContext, CommandRefused, Outcome
from console.feeds.protocol import ErrorCode, ReassignCasesArgs, UndoReassignArgs


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
    found = [p for p in ctx.past if p.ok and p.action == ActionName.REASSIGN_CASES]
    if not found:
        raise CommandRefused(
            ErrorCode.NOT_FOUND, f"no applied {ActionName.REASSIGN_CASES} has command id {args.command_id!r}"
        )
    if len(found) > 1:
        users = ", ".join(sorted({p.user for p in found}))
        raise CommandRefused(
            ErrorCode.CONFLICT,
            f"command id {args.command_id!r} names {len(found)} reassignments (by {users});"
            " cannot tell which",
        )
    done = found[0]
    system = (done.result or {}).get("forwarded_to")
    if system is not None or done.before is None:
        # The cases' own system moved them (docs/adapters.md): what they were before is its record,
        # not the gateway's, so the gateway cannot tell what to put back.
        raise CommandRefused(
            ErrorCode.INVALID_STATE,
            f"reassignment {args.command_id!r} was carried out by {system or 'another system'};"
            " reassign the cases back instead",
        )
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
