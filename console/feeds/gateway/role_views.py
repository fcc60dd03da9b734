"""Data by role: what of the floor each role is sent (viewers get figures, not content).

The gateway holds one floor and every event encoded once; a client is sent the
*view* of its role. A view is a ``Policy``: which kinds of content it carries
(masked callers, case subjects, masked customers, the flagger's note, quality's
review notes, who and which call a flag is about, the arguments of applied
actions, agents' reasons that are not reason codes). What a view withholds is
blanked, not removed, so every frame still decodes as protocol v1 says (a
required string becomes ``""``, an optional field null, a list empty), and the
view of a snapshot with the view of the events after it gives exactly the view
of a later snapshot (the reducer is the same for every role).

Pure functions, no Qt and no I/O. The cost is paid once per view and frame, not
per client (the gateway caches per view), and only for the event types a view
changes: every other event goes through as the same bytes, found by its type
without decoding it.

=============  =======  ==========  =======  =======  =====
content        viewer   supervisor  manager  quality  admin
=============  =======  ==========  =======  =======  =====
caller         -        ✓           ✓        ✓        ✓
case subject   -        ✓           ✓        -        ✓
case customer  -        -           ✓        -        ✓
flag detail    -        ✓           ✓        ✓        ✓
flag note      -        ✓           ✓        ✓        ✓
review notes   -        ✓           ✓        ✓        ✓
action args    -        ✓           ✓        ✓        ✓
free reasons   -        ✓           ✓        ✓        ✓
=============  =======  ==========  =======  =======  =====
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields, replace
from enum import StrEnum
from typing import Any

import msgspec

from console.domain.entities import NOT_READY_REASONS, Agent, AppliedAction, Call, Case, Flag
from console.domain.events import (
    EVENT_TYPES,
    ActionApplied,
    AgentAdded,
    AgentPending,
    AgentStateChanged,
    CallQueued,
    CaseCreated,
    CaseUpdated,
    Event,
    FlagCreated,
    FlagUpdated,
    RawEvent,
    type_payload,
)
from console.domain.permissions import Role
from console.domain.state import Snapshot
from console.feeds import protocol
from console.feeds.protocol import Ack


class View(StrEnum):
    """The views there are; several roles could share one (each now has its own)."""

    FIGURES = "figures"  # viewers: wall displays in a public room
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    QUALITY = "quality"
    FULL = "full"  # admins


@dataclass(frozen=True)
class Policy:
    """What a view carries; False: withheld (blanked)."""

    caller: bool  # masked caller numbers of calls and flags
    case_subject: bool  # a case's subject: free text an agent or a customer wrote
    case_customer: bool  # a case's masked customer identifier
    flag_detail: bool  # which call, agent, team, caller and people a flag is about, and its moment
    flag_note: bool  # the flagger's note
    review_notes: bool  # quality's review notes (flag.updated note, the flag's notes)
    action_args: bool  # args, result and before of applied actions (the day's audit)
    free_reasons: bool  # agents' not-ready reasons that are not one of the reason codes

    @property
    def full(self) -> bool:
        return all(astuple(self))


#: Everything, and nothing: the other views say what they withhold from everything.
_EVERYTHING = Policy(*([True] * len(fields(Policy))))
_NOTHING = Policy(*([False] * len(fields(Policy))))

POLICIES: dict[View, Policy] = {
    View.FIGURES: _NOTHING,
    # Agent states, waiting calls (masked callers to pick the right one), flagging calls,
    # marking agents with open flags and coaching them (the review queue read-only, with its
    # notes); cases only to see deadlines, owners and what they are about.
    View.SUPERVISOR: replace(_EVERYTHING, case_customer=False),
    # A supervisor's work plus routing cases: what a case is about and whose it is.
    View.MANAGER: _EVERYTHING,
    # Flags and the calls they are about, with every note; no case content (not their work).
    View.QUALITY: replace(_EVERYTHING, case_subject=False, case_customer=False),
    View.FULL: _EVERYTHING,
}

VIEW_OF_ROLE: dict[Role, View] = {
    Role.VIEWER: View.FIGURES,
    Role.SUPERVISOR: View.SUPERVISOR,
    Role.MANAGER: View.MANAGER,
    Role.QUALITY: View.QUALITY,
    Role.ADMIN: View.FULL,
    Role.ADAPTER: View.FIGURES,  # never sent the floor; the least, should that change
}


def view_of(role: Role) -> View:
    return VIEW_OF_ROLE[role]


def policy_of(view: View) -> Policy:
    return POLICIES[view]


# -- entities ----------------------------------------------------------------------------


def _reason(reason: str | None, p: Policy) -> str | None:
    if reason is None or p.free_reasons or reason in NOT_READY_REASONS:
        return reason
    return None


def view_agent(a: Agent, p: Policy) -> Agent:
    reason, pending = _reason(a.reason, p), _reason(a.pending_reason, p)
    if reason == a.reason and pending == a.pending_reason:
        return a
    return msgspec.structs.replace(a, reason=reason, pending_reason=pending)


def view_call(c: Call, p: Policy) -> Call:
    if p.caller or not c.caller:
        return c
    return msgspec.structs.replace(c, caller="")


def view_case(c: Case, p: Policy) -> Case:
    subject = c.subject if p.case_subject else ""
    customer = c.customer if p.case_customer else ""
    if subject == c.subject and customer == c.customer:
        return c
    return msgspec.structs.replace(c, subject=subject, customer=customer)


def view_flag(f: Flag, p: Policy) -> Flag:
    if p.flag_detail and p.flag_note and p.review_notes:
        return f
    changes: dict[str, Any] = {}
    if not p.flag_note:
        changes["note"] = ""
    if not p.review_notes:
        changes["notes"] = []
    if not p.flag_detail:
        # A count: what kind, how serious, where, when and how far its review is; never
        # whose call or who flagged or reviews it.
        changes.update(
            call_id="",
            agent_id=None,
            team=None,
            caller="",
            call_started_at=f.flagged_at,
            moment_s=None,
            flagged_by="",
            reviewer=None,
        )
    elif not p.caller:
        changes["caller"] = ""
    return msgspec.structs.replace(f, **changes)


def _action_args(action: str, args: dict[str, Any], p: Policy) -> dict[str, Any]:
    """An applied action's arguments as the view may see them (notes per the note rules)."""
    drop = (action == "call.flag" and not p.flag_note) or (action == "flag.update" and not p.review_notes)
    if drop and "note" in args:
        return {k: v for k, v in args.items() if k != "note"}
    return args


def view_action(a: AppliedAction, p: Policy) -> AppliedAction:
    if not p.action_args:
        return msgspec.structs.replace(a, args={}, result={}, before=None)
    args = _action_args(a.action, a.args, p)
    return a if args is a.args else msgspec.structs.replace(a, args=args)


def copied_cases(cases: Sequence[Case], view: View) -> list[Case]:
    """``cases`` as ``view`` sees them, each a fresh struct: safe to encode later, in slices,
    while the reducer goes on changing the live ones (it sets their fields in place)."""
    p = POLICIES[view]
    replace = msgspec.structs.replace
    if p.case_subject and p.case_customer:
        return [replace(c) for c in cases]
    if not p.case_subject and not p.case_customer:
        return [replace(c, subject="", customer="") for c in cases]
    if p.case_subject:
        return [replace(c, customer="") for c in cases]
    return [replace(c, subject="") for c in cases]


def view_snapshot(snap: Snapshot, view: View) -> Snapshot:
    """The snapshot as ``view`` sees it (the entities it does not change are shared)."""
    p = POLICIES[view]
    if p.full:
        return snap
    return msgspec.structs.replace(
        snap,
        agents=[view_agent(a, p) for a in snap.agents],
        calls=[view_call(c, p) for c in snap.calls],
        cases=[view_case(c, p) for c in snap.cases],
        actions=[view_action(a, p) for a in snap.actions],
        flags=[view_flag(f, p) for f in snap.flags],
    )


# -- events ----------------------------------------------------------------------------------


def _types_changed(p: Policy) -> frozenset[bytes]:
    """The event types whose payload ``p`` may change (others pass through as they are)."""
    types: set[str] = set()
    if not p.caller:
        types.add("call.queued")
    if not (p.case_subject and p.case_customer):
        types |= {"case.created", "case.updated"}
    if not (p.flag_detail and p.flag_note and p.review_notes and p.caller):
        types |= {"flag.created", "flag.updated"}
    if not (p.action_args and p.flag_note and p.review_notes):
        types.add("action.applied")
    if not p.free_reasons:
        types |= {"agent.added", "agent.state", "agent.pending"}
    return frozenset(t.encode() for t in types)


_CHANGED: dict[View, frozenset[bytes]] = {v: _types_changed(p) for v, p in POLICIES.items()}
_CHANGED_NAMES: dict[View, frozenset[str]] = {
    v: frozenset(t.decode() for t in c) for v, c in _CHANGED.items()
}
_KNOWN = frozenset(t.encode() for t in EVENT_TYPES)
_TYPE_KEY = b'"type":"'
_raw_event = msgspec.json.Decoder(RawEvent)


def _type_of(raw: bytes) -> bytes:
    """An encoded event's type, read without decoding it (``encode_event`` puts it before data)."""
    start = raw.find(_TYPE_KEY)
    if start < 0:
        return b""
    start += len(_TYPE_KEY)
    return raw[start : raw.find(b'"', start)]


def _view_data(data: Any, p: Policy) -> Any:
    """An event payload as the view sees it; the same object when nothing changes."""
    if isinstance(data, CallQueued):
        return data if p.caller else msgspec.structs.replace(data, caller="")
    if isinstance(data, CaseCreated):
        case = view_case(data.case, p)
        return data if case is data.case else CaseCreated(case=case)
    if isinstance(data, CaseUpdated):
        hidden = {
            name
            for name, shown in (("subject", p.case_subject), ("customer", p.case_customer))
            if not shown and data.changes.get(name)
        }
        if not hidden:
            return data
        changes = {k: ("" if k in hidden else v) for k, v in data.changes.items()}
        return msgspec.structs.replace(data, changes=changes)
    if isinstance(data, FlagCreated):
        flag = view_flag(data.flag, p)
        return data if flag is data.flag else FlagCreated(flag=flag)
    if isinstance(data, FlagUpdated):
        note = data.note if p.review_notes else None
        changes = data.changes
        by = data.by
        if not p.flag_detail:
            changes = {k: v for k, v in changes.items() if k != "reviewer"}
            by = ""
        if note == data.note and changes is data.changes and by == data.by:
            return data
        return msgspec.structs.replace(data, note=note, changes=changes, by=by)
    if isinstance(data, ActionApplied):
        if not p.action_args:
            return msgspec.structs.replace(data, args={}, result={}, before=None)
        args = _action_args(data.action, data.args, p)
        return data if args is data.args else msgspec.structs.replace(data, args=args)
    if isinstance(data, AgentAdded):
        agent = view_agent(data.agent, p)
        return data if agent is data.agent else AgentAdded(agent=agent)
    if isinstance(data, AgentStateChanged | AgentPending):
        reason = _reason(data.reason, p)
        return data if reason == data.reason else msgspec.structs.replace(data, reason=reason)
    return data


def view_event(raw: bytes, view: View) -> bytes:
    """One encoded event as ``view`` sees it: the very same bytes unless it changes.

    A type this gateway does not know (none is sent today) reaches a view that
    withholds anything with empty ``data``: new content is withheld until a
    policy says who may see it (consumers ignore unknown types anyway).
    """
    kind = _type_of(raw)
    if kind not in _CHANGED[view]:
        if kind in _KNOWN or POLICIES[view].full:
            return raw
        unknown = _raw_event.decode(raw)
        return protocol.encode_event(Event(seq=unknown.seq, at=unknown.at, type=unknown.type, data={}))
    event = type_payload(_raw_event.decode(raw))
    data = _view_data(event.data, POLICIES[view])
    if data is event.data:
        return raw
    return protocol.encode_event(Event(seq=event.seq, at=event.at, type=event.type, data=data))


def view_events(raws: Sequence[bytes], view: View, types: Sequence[str] | None = None) -> list[bytes]:
    """Encoded events as ``view`` sees them; the input list itself when none changes.

    ``types``, the events' types when the caller knows them (the gateway's sequencer
    does), spare reading each type from the bytes: an event of a known type the view
    never changes goes through without a look.
    """
    if POLICIES[view].full:
        return raws if isinstance(raws, list) else list(raws)
    out: list[bytes] | None = None
    changed = _CHANGED_NAMES[view]
    for i, raw in enumerate(raws):
        if types is not None and types[i] not in changed and types[i] in EVENT_TYPES:
            seen = raw
        else:
            seen = view_event(raw, view)
        if seen is not raw:
            if out is None:
                out = list(raws[:i])
            out.append(seen)
        elif out is not None:
            out.append(raw)
    if out is not None:
        return out
    return raws if isinstance(raws, list) else list(raws)


# -- acks and query answers ---------------------------------------------------------------------


def view_ack(ack: Ack, view: View) -> Ack:
    """An ack as ``view`` sees it: a figures view gets whether it worked and why not, nothing more.

    A viewer may send no command, so its acks are refusals; their ``details``
    (a conflict's cases) and any result are withheld all the same.
    """
    p = POLICIES[view]
    if p.action_args:
        result = ack.result
        if result is not None and not p.caller and isinstance(result.get("calls"), list):
            result = {**result, "calls": [{**c, "caller": ""} for c in result["calls"]]}
        return ack if result is ack.result else msgspec.structs.replace(ack, result=result)
    error = ack.error
    if error is not None and error.details is not None:
        error = msgspec.structs.replace(error, details=None)
    return msgspec.structs.replace(ack, result=None, error=error)
