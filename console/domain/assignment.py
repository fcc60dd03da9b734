"""Reassigning work: whom to suggest for cases, what to warn about, and how to read a case's deadlines.

Policy, not permission. The gateway moves cases to anyone the role allows
(docs/permissions.md); whether that is wise is the console's to say before it
sends: the agent is logged out or not ready, lacks the skill for some of the
cases' queues, or would hold more open cases than the centre's ``case_limit``.
The rules live here, as data (no words: the console words them, translated),
so every console warns alike and the tests can hold them. Pure Python, no Qt.

Times are on the feed clock, in epoch milliseconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from console.domain.actions import ActionName
from console.domain.clock import to_ms
from console.domain.entities import Agent, AgentState, AppliedAction, Case
from console.domain.state import FloorState

#: A case deadline this close (or closer) is "at risk" unless a view chooses another window.
DEFAULT_AT_RISK_S = 3600.0

# -- case deadlines -------------------------------------------------------------------------------


def first_response_due_ms(case: Case) -> int | None:
    """The first-response deadline while it still matters (None once the customer was answered)."""
    return None if case.first_response_at is not None else to_ms(case.first_response_due)


def resolution_due_ms(case: Case) -> int:
    """The resolution deadline (time awaiting the customer has already pushed it back)."""
    return to_ms(case.resolution_due)


def next_due_ms(case: Case) -> int:
    """The case's earliest deadline that still matters: its urgency."""
    first = first_response_due_ms(case)
    resolution = resolution_due_ms(case)
    return resolution if first is None else min(first, resolution)


class DeadlineLevel(StrEnum):
    NONE = "none"
    AT_RISK = "at_risk"  # due within the window
    BREACHED = "breached"  # past due


def deadline_level(due_ms: int | None, now_ms: int, at_risk_s: float = DEFAULT_AT_RISK_S) -> DeadlineLevel:
    """Breached when the deadline has passed, at risk when it falls within ``at_risk_s`` from now."""
    if due_ms is None:
        return DeadlineLevel.NONE
    if due_ms <= now_ms:
        return DeadlineLevel.BREACHED
    if due_ms <= now_ms + round(at_risk_s * 1000):
        return DeadlineLevel.AT_RISK
    return DeadlineLevel.NONE


# -- agents' load ---------------------------------------------------------------------------------


def over_case_limit(open_cases: int, limit: int | None) -> bool:
    """More open cases than the centre wants an agent to hold (None: no limit)."""
    return limit is not None and open_cases > limit


def is_online(agent: Agent) -> bool:
    """Logged in (any state but offline)."""
    return agent.state is not AgentState.OFFLINE


def case_queues(state: FloorState, case_ids: Iterable[str]) -> Counter[str]:
    """How many of the cases are in each queue (cases no longer open are left out)."""
    out: Counter[str] = Counter()
    cases = state.cases
    for cid in case_ids:
        case = cases.get(cid)
        if case is not None:
            out[case.queue_id] += 1
    return out


@dataclass(frozen=True)
class Candidate:
    """An agent as a possible new owner for a set of cases."""

    agent_id: str
    suggested: bool
    skilled: int  # of the cases, those in queues the agent is skilled for
    cases: int  # the open cases considered
    open_cases: int  # now
    incoming: int  # cases that would be new to the agent (the rest are already theirs)
    limit: int | None
    online: bool

    @property
    def open_after(self) -> int:
        return self.open_cases + self.incoming

    @property
    def over_limit(self) -> bool:
        """The reassignment would take the agent over the centre's case limit."""
        return self.incoming > 0 and over_case_limit(self.open_after, self.limit)


def candidates(state: FloorState, case_ids: Iterable[str]) -> list[Candidate]:
    """Every agent as a new owner for the cases, best first.

    Suggested agents come first: logged in, skilled for the queue of every case,
    not going over the case limit, and not already holding all of them; least
    loaded first (then by name). The others follow: logged-in before logged-out,
    those skilled for more of the cases first, then the least loaded.
    """
    ids = list(dict.fromkeys(case_ids))
    queues = case_queues(state, ids)
    total = sum(queues.values())
    owned: Counter[str] = Counter()
    for cid in ids:
        case = state.cases.get(cid)
        if case is not None and case.agent_id is not None:
            owned[case.agent_id] += 1
    limit = state.centre.case_limit
    out: list[Candidate] = []
    for a in state.agents.values():
        skilled = sum(queues[q] for q in set(a.skills) if q in queues)
        incoming = total - owned[a.id]
        online = is_online(a)
        over = incoming > 0 and over_case_limit(a.open_cases + incoming, limit)
        suggested = online and total > 0 and skilled == total and incoming > 0 and not over
        out.append(Candidate(a.id, suggested, skilled, total, a.open_cases, incoming, limit, online))
    names = {a.id: a.name.casefold() for a in state.agents.values()}
    out.sort(
        key=lambda c: (
            not c.suggested,
            not c.online,
            -c.skilled,
            c.open_cases,
            names[c.agent_id],
            c.agent_id,
        )
    )
    return out


# -- warnings before reassigning ------------------------------------------------------------------


class WarningKind(StrEnum):
    UNKNOWN_AGENT = "unknown_agent"  # not on the roster (the gateway will refuse: not_found)
    OFFLINE = "offline"  # logged out now
    GOING_OFFLINE = "going_offline"  # a supervisor's log-out waits for the call to end
    NOT_READY = "not_ready"
    UNSKILLED = "unskilled"  # some cases are in queues the agent is not skilled for
    OVER_LIMIT = "over_limit"  # would hold more open cases than the centre's case_limit
    NOT_OPEN = "not_open"  # some cases are no longer open (the gateway will refuse: conflict)


@dataclass(frozen=True)
class ReassignWarning:
    kind: WarningKind
    count: int = 0  # cases concerned (unskilled, not open)
    total: int = 0  # cases considered
    reason: str | None = None  # the not-ready reason code
    open_cases: int = 0  # over limit: now ...
    open_after: int = 0  # ... and after
    limit: int | None = None


def reassign_warnings(
    state: FloorState, case_ids: Iterable[str], agent_id: str | None
) -> list[ReassignWarning]:
    """What a supervisor should know before moving the cases to ``agent_id`` (None: unassign).

    Nothing here stops the reassignment; the console asks for confirmation.
    """
    ids = list(dict.fromkeys(case_ids))
    open_ids = [cid for cid in ids if cid in state.cases]
    out: list[ReassignWarning] = []
    gone = len(ids) - len(open_ids)
    if gone:
        out.append(ReassignWarning(WarningKind.NOT_OPEN, count=gone, total=len(ids)))
    if agent_id is None:
        return out
    agent = state.agents.get(agent_id)
    if agent is None:
        return [ReassignWarning(WarningKind.UNKNOWN_AGENT, total=len(ids)), *out]
    if agent.state is AgentState.OFFLINE:
        out.append(ReassignWarning(WarningKind.OFFLINE))
    elif agent.pending_state is AgentState.OFFLINE:
        out.append(ReassignWarning(WarningKind.GOING_OFFLINE))
    elif agent.state is AgentState.NOT_READY:
        out.append(ReassignWarning(WarningKind.NOT_READY, reason=agent.reason))
    skills = set(agent.skills)
    unskilled = sum(1 for cid in open_ids if state.cases[cid].queue_id not in skills)
    if unskilled:
        out.append(ReassignWarning(WarningKind.UNSKILLED, count=unskilled, total=len(open_ids)))
    incoming = sum(1 for cid in open_ids if state.cases[cid].agent_id != agent_id)
    limit = state.centre.case_limit
    after = agent.open_cases + incoming
    if incoming and over_case_limit(after, limit):
        out.append(
            ReassignWarning(
                WarningKind.OVER_LIMIT, open_cases=agent.open_cases, open_after=after, limit=limit
            )
        )
    return out


# -- conflicts ------------------------------------------------------------------------------------


class ConflictReason(StrEnum):
    VERSION_MISMATCH = "version_mismatch"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class CaseConflict:
    case_id: str
    reason: ConflictReason | str
    expected: int | None = None
    actual: int | None = None


def conflicts_from_details(details: Any) -> list[CaseConflict] | None:
    """The offending cases of a ``conflict`` ack's ``error.details``; None when it names none."""
    if not isinstance(details, Mapping):
        return None
    cases = details.get("cases")
    if not isinstance(cases, list):
        return None
    out: list[CaseConflict] = []
    for item in cases:
        if not isinstance(item, Mapping) or not isinstance(item.get("case_id"), str):
            continue
        expected, actual = item.get("expected"), item.get("actual")
        out.append(
            CaseConflict(
                item["case_id"],
                str(item.get("reason", "")),
                expected if isinstance(expected, int) else None,
                actual if isinstance(actual, int) else None,
            )
        )
    return out


def find_conflicts(state: FloorState, expected_versions: Mapping[str, int]) -> list[CaseConflict]:
    """The cases whose version is no longer ``expected_versions`` in ``state``, in the mapping's order.

    When a conflict ack arrives the console's state is already current, so this
    names what the gateway names (used when the ack carries no details).
    """
    out: list[CaseConflict] = []
    for cid, expected in expected_versions.items():
        case = state.cases.get(cid)
        if case is None:
            out.append(CaseConflict(cid, ConflictReason.NOT_FOUND, expected))
        elif case.version != expected:
            out.append(CaseConflict(cid, ConflictReason.VERSION_MISMATCH, expected, case.version))
    return out


def current_versions(state: FloorState, case_ids: Iterable[str]) -> dict[str, int]:
    """The current version of each case still open (for a retry); closed or unknown ones are left out."""
    out: dict[str, int] = {}
    for cid in case_ids:
        case = state.cases.get(cid)
        if case is not None:
            out[cid] = case.version
    return out


# -- the day's actions, summarised ----------------------------------------------------------------


@dataclass(frozen=True)
class ActionSummary:
    """What an applied action did, as data (the console's "Actions today" words it)."""

    action: str  # the wire name: an ActionName, or one this console does not know
    case_ids: tuple[str, ...] = ()  # cases named (reassign: its args; undo: the cases it moved back)
    agent_id: str | None = None  # the new owner, or the agent whose state was set
    unassign: bool = False
    moved: int | None = None
    unchanged: int | None = None
    undo_of: str | None = None
    call_id: str | None = None
    queue_id: str | None = None
    priority: int | None = None
    state: str | None = None
    reason: str | None = None
    deferred: bool = False
    flag_id: str | None = None
    agents: frozenset[str] = frozenset()  # every agent involved (new and previous owners)


def _before_cases(before: Any) -> dict[str, Any]:
    if isinstance(before, Mapping):
        cases = before.get("cases")
        if isinstance(cases, Mapping):
            return dict(cases)
    return {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def summarize(action: AppliedAction) -> ActionSummary:
    """Read an ``action.applied`` entry (lenient: a field it lacks is simply left out)."""
    args, result = action.args or {}, action.result or {}
    if action.action in (ActionName.REASSIGN_CASES, ActionName.UNDO_REASSIGN):
        before = _before_cases(action.before)
        if action.action == ActionName.REASSIGN_CASES:
            raw_ids = args.get("case_ids")
            ids = tuple(str(c) for c in raw_ids) if isinstance(raw_ids, list) else tuple(before)
        else:
            ids = tuple(before)
        previous = {_str(v.get("agent_id")) for v in before.values() if isinstance(v, Mapping)}
        target = _str(args.get("agent_id")) if action.action == ActionName.REASSIGN_CASES else None
        agents = frozenset(a for a in (*previous, target) if a)
        return ActionSummary(
            action.action,
            case_ids=ids,
            agent_id=target,
            unassign=action.action == ActionName.REASSIGN_CASES and args.get("agent_id") is None,
            moved=_int(result.get("moved")),
            unchanged=_int(result.get("unchanged")),
            undo_of=_str(result.get("undo_of")) or _str(args.get("command_id")),
            agents=agents,
        )
    if action.action == ActionName.MOVE_CALL:
        priority = _int(result.get("priority"))
        return ActionSummary(
            action.action,
            call_id=_str(args.get("call_id")),
            queue_id=_str(args.get("queue_id")),
            priority=priority if priority is not None else _int(args.get("priority")),
        )
    if action.action == ActionName.SET_AGENT_STATE:
        agent_id = _str(args.get("agent_id"))
        return ActionSummary(
            action.action,
            agent_id=agent_id,
            state=_str(args.get("state")),
            reason=_str(args.get("reason")),
            deferred=bool(result.get("deferred")),
            agents=frozenset([agent_id]) if agent_id else frozenset(),
        )
    if action.action == ActionName.FLAG_CALL:
        return ActionSummary(action.action, call_id=_str(args.get("call_id")))
    if action.action == ActionName.UPDATE_FLAG:
        return ActionSummary(action.action, flag_id=_str(args.get("flag_id")))
    return ActionSummary(action.action)
