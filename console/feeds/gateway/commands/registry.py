"""Supervisor commands: permission, argument decoding, validation, execution.

Every command goes the same way: the role table says whether the user may, the
arguments are decoded strictly into the action's struct (unknown or mistyped
fields are refused by name), the action validates against the current floor
state, and only then does the centre driver (the simulator, or later an ACD
adapter) change anything. A refused command changes nothing; a command on many
things (``case.reassign``) is checked whole before the driver is asked, so it
applies to all of them or to none.

An action that needs what only the store knows names it in its arguments; the
gateway looks it up before the action runs (``lookups_wanted``) and hands it in
through the ``CommandContext``: the audit records of an earlier command
(``case.undo_reassign``: ``past``), a call completed today (``call.flag``:
``calls``), a user's role (``flag.update`` naming a reviewer: ``users``).

Queries (``calls.query``) read and change nothing: ``prepare_query`` checks the
role and the arguments and says what to read; the gateway reads it from the
store and answers (no events, no ``action.applied``, no audit row when answered).
"""

from __future__ import annotations

import base64
import binascii
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import msgspec

from console.domain import flags as flag_rules
from console.domain.clock import iso, to_ms
from console.domain.entities import (
    CALL_PRIORITY_MAX,
    CALL_PRIORITY_MIN,
    NOT_READY_REASONS,
    AgentState,
    CallOutcome,
    CallState,
    CompletedCall,
    Flag,
    FlagStatus,
)
from console.domain.events import EventData, FlagCreated, FlagUpdated
from console.domain.masking import mask_digits
from console.domain.permissions import Role, allowed
from console.domain.state import FloorState
from console.feeds.protocol import (
    CallsQueryArgs,
    ErrorCode,
    FlagCallArgs,
    MoveCallArgs,
    ReassignCasesArgs,
    SetAgentStateArgs,
    UndoReassignArgs,
    UpdateFlagArgs,
)

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
    # The audit records of the command id named by the arguments (see lookups_wanted).
    past: Sequence[PastCommand] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    # Completed calls named by the arguments, by id, as the store has them (see lookups_wanted).
    calls: Mapping[str, CompletedCall] = field(default_factory=dict)
    # Users named by the arguments: name -> role, or None for no such user (see lookups_wanted).
    users: Mapping[str, str | None] = field(default_factory=dict)
    # The feed clock the command's events get (epoch ms); None: the driver's clock.
    now_ms: int | None = None
    # Issues the next flag id (the gateway's counter); needed by call.flag only.
    new_flag_id: Callable[[], str] | None = None

    @property
    def clock_ms(self) -> int:
        return self.driver.now_ms if self.now_ms is None else self.now_ms


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


# -- quality flags ---------------------------------------------------------------

FLAG_CALL = "call.flag"
FLAG_UPDATE = "flag.update"


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
        raise RuntimeError("call.flag needs CommandContext.new_flag_id")
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
            ErrorCode.BAD_ARGS, "flag.update needs at least one of: status, reviewer, outcome, note"
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


# -- queries: calls.query -----------------------------------------------------------

CALLS_QUERY = "calls.query"
CALLS_PAGE_MAX = 1000
CALLS_TEXT_MAX = 100


@dataclass(frozen=True)
class CallsQuery:
    """A checked ``calls.query``: what the store reads (``Store.completed_calls``)."""

    ended_since: str | None  # the business day's start: only today's completed calls
    agent_id: str | None = None
    queue_id: str | None = None
    since: str | None = None  # entered_at >= since
    until: str | None = None  # entered_at < until
    text: str | None = None  # call id or masked caller contains it (any case)
    outcome: CallOutcome | None = None
    limit: int = 100
    after: tuple[str, str] | None = None  # (entered_at, id) of the previous page's last call


def _stamp_arg(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return iso(to_ms(value))
    except (ValueError, OverflowError):
        raise CommandRefused(
            ErrorCode.BAD_ARGS, f"{name} must be an ISO 8601 time with a UTC offset, not {value!r}"
        ) from None


def encode_cursor(entered_at: str, call_id: str) -> str:
    raw = msgspec.json.encode([entered_at, call_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        entered_at, call_id = msgspec.json.decode(raw, type=tuple[str, str])
        entered_at = iso(to_ms(entered_at))
    except (binascii.Error, ValueError, msgspec.DecodeError, msgspec.ValidationError, OverflowError):
        raise CommandRefused(
            ErrorCode.BAD_ARGS, "cursor is not one this gateway gave (pass next_cursor as it came)"
        ) from None
    return entered_at, call_id


def prepare_calls_query(ctx: CommandContext, args: CallsQueryArgs) -> CallsQuery:
    if not 1 <= args.page_size <= CALLS_PAGE_MAX:
        raise CommandRefused(
            ErrorCode.BAD_ARGS, f"page_size must be between 1 and {CALLS_PAGE_MAX}, not {args.page_size}"
        )
    since = _stamp_arg("since", args.since)
    until = _stamp_arg("until", args.until)
    if since is not None and until is not None and since >= until:
        raise CommandRefused(ErrorCode.BAD_ARGS, f"since ({since}) must be before until ({until})")
    if args.text is not None and len(args.text) > CALLS_TEXT_MAX:
        raise CommandRefused(ErrorCode.BAD_ARGS, f"text is longer than {CALLS_TEXT_MAX} characters")
    outcome = None
    if args.outcome is not None:
        try:
            outcome = CallOutcome(args.outcome)
        except ValueError:
            raise CommandRefused(
                ErrorCode.BAD_ARGS, f"unknown outcome {args.outcome!r}; one of: answered, abandoned"
            ) from None
    return CallsQuery(
        ended_since=ctx.state.centre.day_started_at,
        agent_id=args.agent_id,
        queue_id=args.queue_id,
        since=since,
        until=until,
        text=args.text or None,
        outcome=outcome,
        limit=args.page_size,
        after=decode_cursor(args.cursor) if args.cursor is not None else None,
    )


def calls_page(query: CallsQuery, rows: Sequence[CompletedCall], total: int) -> dict[str, Any]:
    """The ack result for one page: ``rows`` are up to ``query.limit + 1`` calls, newest first."""
    page = list(rows[: query.limit])
    more = len(rows) > query.limit
    return {
        "calls": [msgspec.to_builtins(c) for c in page],
        "next_cursor": encode_cursor(page[-1].entered_at, page[-1].id) if more and page else None,
        "total": total,
        "day_started_at": query.ended_since,
    }


@dataclass(frozen=True)
class Query:
    args: type[msgspec.Struct]
    prepare: Callable[[CommandContext, Any], CallsQuery]


QUERIES: dict[str, Query] = {CALLS_QUERY: Query(CallsQueryArgs, prepare_calls_query)}


def is_query(action: str) -> bool:
    return action in QUERIES


def prepare_query(ctx: CommandContext, action: str, raw_args: dict[str, Any]) -> CallsQuery:
    """Check a query for ``ctx.user``; raises CommandRefused (role first, then the arguments)."""
    spec = QUERIES.get(action)
    if spec is None:
        find_action(action)  # unknown_action, naming what there is
        raise CommandRefused(ErrorCode.UNKNOWN_ACTION, f"{action} is not a query")
    if not allowed(ctx.role, action):
        raise CommandRefused(ErrorCode.FORBIDDEN, f"role {ctx.role} may not {action}")
    return spec.prepare(ctx, _convert(action, spec.args, raw_args))


@dataclass(frozen=True)
class Action:
    args: type[msgspec.Struct]
    run: Callable[[CommandContext, Any], Outcome]


ACTIONS: dict[str, Action] = {
    "agent.set_state": Action(SetAgentStateArgs, set_agent_state),
    REASSIGN: Action(ReassignCasesArgs, reassign_cases),
    UNDO_REASSIGN: Action(UndoReassignArgs, undo_reassign),
    "call.move": Action(MoveCallArgs, move_call),
    FLAG_CALL: Action(FlagCallArgs, flag_call),
    FLAG_UPDATE: Action(UpdateFlagArgs, update_flag),
}


def recorded_args(action: str, raw_args: dict[str, Any]) -> dict[str, Any]:
    """The arguments as the audit and ``action.applied`` keep them: a flag's note with numbers masked.

    Notes are free text; a number typed into one (a card, an account) must not
    reach other consoles or the store in full, so the gateway masks it on entry.
    """
    note = raw_args.get("note")
    if action in (FLAG_CALL, FLAG_UPDATE) and isinstance(note, str):
        return {**raw_args, "note": mask_digits(note)}
    return raw_args


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
    if action == UNDO_REASSIGN:
        return Lookups(command_id=history_wanted(role, action, raw_args))
    if action == FLAG_CALL:
        call_id = raw_args.get("call_id")
        if isinstance(call_id, str) and call_id not in state.calls:
            return Lookups(call_id=call_id)
    elif action == FLAG_UPDATE:
        reviewer = raw_args.get("reviewer")
        flag = state.flags.get(str(raw_args.get("flag_id")))
        if isinstance(reviewer, str) and (flag is None or flag.reviewer != reviewer):
            return Lookups(user=reviewer)
    return Lookups()


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
    return spec.run(ctx, _convert(action, spec.args, raw_args))


def _convert(action: str, args_type: type[msgspec.Struct], raw_args: dict[str, Any]) -> Any:
    try:
        return msgspec.convert(raw_args, type=args_type)
    except msgspec.ValidationError as exc:
        raise CommandRefused(ErrorCode.BAD_ARGS, f"bad args for {action}: {exc}") from None
