"""Admitting an adapter's published events: decoded, checked against the floor, owned, masked.

An adapter publishes events of the protocol's vocabulary (docs/adapters.md).
The gateway takes one only if it makes sense on the floor as it stands: a known
type that adapters may publish, data that decodes into its struct, a time that
does not go back, and references to things on the floor (no answer for a call
that never queued, no state for an unknown agent). A refused event changes
nothing and is named in the publish ack; the ones around it go on. Whatever an
adapter adds (agents, calls, cases) is marked as its own (``source``), so
supervisors' commands about it can be forwarded to it, and no other adapter may
change it. Customer numbers are masked here, whatever the adapter sent.

``admit`` is called for each event just before it is stamped, so every event is
checked against the floor that the events before it made.
"""

from __future__ import annotations

from typing import Any

import msgspec

from console.domain.businessday import known_zone, parse_hhmm
from console.domain.clock import is_valid, iso, to_ms
from console.domain.entities import (
    CALL_PRIORITY_MAX,
    CALL_PRIORITY_MIN,
    CallState,
    Case,
    case_changes_valid,
)
from console.domain.events import (
    EVENT_TYPES,
    AgentAdded,
    AgentRemoved,
    AgentSkillsChanged,
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallMoved,
    CallQueued,
    CallRinging,
    CaseCreated,
    CaseUpdated,
    CentreConfigured,
    EventAt,
    EventData,
    QueueConfigured,
)
from console.domain.masking import mask_digits
from console.domain.state import FloorState
from console.feeds.gateway.redaction import mask_published
from console.feeds.protocol import ErrorCode, PublishedEvent

#: The types an adapter may publish. The rest are the gateway's own: supervisors'
#: actions, quality flags and a command's pending state change.
PUBLISHABLE: dict[str, type[Any]] = {
    name: EVENT_TYPES[name]
    for name in (
        "centre.configured",
        "queue.configured",
        "agent.added",
        "agent.removed",
        "agent.state",
        "agent.skills",
        "call.queued",
        "call.ringing",
        "call.answered",
        "call.abandoned",
        "call.ended",
        "call.moved",
        "case.created",
        "case.updated",
    )
}

#: How far ahead of the gateway's own clock an event may be: further is a wrong clock or a
#: placeholder date, which would otherwise move the feed clock there for good.
MAX_AHEAD_MS = 10 * 60_000

#: Two adapters' clocks are never quite the same: an event this much before the feed
#: clock is taken at the feed clock; one further back is refused (time never goes back).
CLOCK_SKEW_MS = 2000


class EventRefused(Exception):
    """A published event the gateway will not take: ``code`` and ``message`` go in the ack."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def admit(
    event: PublishedEvent, *, state: FloorState, floor_ms: int, adapter: str, wall_ms: int | None = None
) -> EventAt:
    """The event as the gateway will stamp it (time, payload), or EventRefused saying why not.

    ``floor_ms`` is the feed clock now; ``adapter`` the publishing adapter's user name;
    ``wall_ms`` the gateway's own clock (None: no limit ahead).
    """
    what = f"{event.type} at position {event.pos}"
    cls = PUBLISHABLE.get(event.type)
    if cls is None:
        known = "known to the protocol" if event.type in EVENT_TYPES else "unknown"
        raise EventRefused(
            ErrorCode.BAD_EVENT,
            f"{what}: type {event.type!r} is {known} but not one an adapter may publish;"
            f" publishable: {', '.join(PUBLISHABLE)}",
        )
    try:
        data = msgspec.convert(event.data, type=cls)
    except msgspec.ValidationError as exc:
        raise EventRefused(ErrorCode.BAD_EVENT, f"{what}: bad data: {exc}") from None
    try:
        at_ms = to_ms(event.at)
    except (ValueError, TypeError):
        raise EventRefused(
            ErrorCode.BAD_EVENT, f"{what}: time {event.at!r} is not ISO 8601 with a UTC offset"
        ) from None
    if wall_ms is not None and at_ms > wall_ms + MAX_AHEAD_MS:
        raise EventRefused(
            ErrorCode.BAD_EVENT,
            f"{what} happened at {iso(at_ms)}, more than {MAX_AHEAD_MS // 60_000} minutes after the"
            f" gateway's clock ({iso(wall_ms)}): a wrong clock?",
        )
    if at_ms < floor_ms - CLOCK_SKEW_MS:
        raise EventRefused(
            ErrorCode.OUT_OF_ORDER,
            f"{what} happened at {iso(at_ms)}, before the feed clock {iso(floor_ms)}: time never goes back",
        )
    at_ms = max(at_ms, floor_ms)
    _check(data, state, adapter, what, iso(at_ms))
    mask_published(data)
    return at_ms, data


#: A case's times: the reducer and the consoles compute with them, so each must parse.
_CASE_TIMES = ("created_at", "first_response_due", "resolution_due", "first_response_at")


def _check_times(case: Case, names: tuple[str, ...], what: str) -> dict[str, str]:
    """Each of the case's times in the feed's one form (they are compared as text); refuses bad ones."""
    fixed: dict[str, str] = {}
    for name in names:
        value = getattr(case, name)
        if value is None:
            continue
        if not is_valid(value):
            raise EventRefused(
                ErrorCode.BAD_EVENT, f"{what}: {name} {value!r} is not ISO 8601 with a UTC offset"
            )
        fixed[name] = iso(to_ms(value))
        setattr(case, name, fixed[name])
    return fixed


def _owned(source: str | None, adapter: str, kind: str, ident: str, what: str) -> None:
    if source is not None and source != adapter:
        raise EventRefused(ErrorCode.INVALID_STATE, f"{what}: {kind} {ident!r} belongs to adapter {source!r}")


def _check(data: EventData, state: FloorState, adapter: str, what: str, at: str) -> None:
    """Check ``data`` against the floor and make it the gateway's (owner, masking); raises EventRefused."""
    if isinstance(data, CentreConfigured):
        c = data.centre
        if known_zone(c.timezone) is None:
            raise EventRefused(ErrorCode.BAD_EVENT, f"{what}: unknown time zone {c.timezone!r}")
        try:
            parse_hhmm(c.day_starts)
        except ValueError:
            raise EventRefused(
                ErrorCode.BAD_EVENT, f"{what}: day_starts {c.day_starts!r} is not HH:MM"
            ) from None
        c.day_started_at = None  # the gateway works out the business day itself
    elif isinstance(data, QueueConfigured):
        if not data.queue_id:
            raise EventRefused(ErrorCode.BAD_EVENT, f"{what}: empty queue_id")
        if data.sl_threshold_s < 0 or not 0 <= data.sl_target_pct <= 100:
            raise EventRefused(
                ErrorCode.BAD_EVENT, f"{what}: sl_threshold_s must be >= 0 and sl_target_pct within 0-100"
            )
    elif isinstance(data, AgentAdded):
        a = data.agent
        if not a.id:
            raise EventRefused(ErrorCode.BAD_EVENT, f"{what}: empty agent id")
        old = state.agents.get(a.id)
        _owned(old.source if old else None, adapter, "agent", a.id, what)
        if a.state_since is not None and not is_valid(a.state_since):
            raise EventRefused(
                ErrorCode.BAD_EVENT,
                f"{what}: state_since {a.state_since!r} is not ISO 8601 with a UTC offset",
            )
        # What the floor works out itself is not taken from an adapter.
        a.source, a.call_id, a.open_cases, a.last_queue_id = adapter, None, 0, None
        a.pending_state = a.pending_reason = None
        # In the feed's one form, and never after the event that says it (time in state >= 0).
        a.state_since = at if a.state_since is None else min(iso(to_ms(a.state_since)), at)
    elif isinstance(data, AgentRemoved | AgentStateChanged | AgentSkillsChanged):
        agent = state.agents.get(data.agent_id)
        if agent is None:
            raise EventRefused(ErrorCode.NOT_FOUND, f"{what}: unknown agent {data.agent_id!r}")
        _owned(agent.source, adapter, "agent", data.agent_id, what)
        unknown = (
            [q for q in data.skills if q not in state.queues] if isinstance(data, AgentSkillsChanged) else []
        )
        if unknown:
            raise EventRefused(ErrorCode.NOT_FOUND, f"{what}: unknown queues {unknown!r}")
    elif isinstance(data, CallQueued):
        if not data.call_id:
            raise EventRefused(ErrorCode.BAD_EVENT, f"{what}: empty call_id")
        if data.call_id in state.calls:
            raise EventRefused(
                ErrorCode.INVALID_STATE, f"{what}: call {data.call_id!r} is already on the floor"
            )
        if data.queue_id not in state.queues:
            raise EventRefused(ErrorCode.NOT_FOUND, f"{what}: unknown queue {data.queue_id!r}")
        if not CALL_PRIORITY_MIN <= data.priority <= CALL_PRIORITY_MAX:
            raise EventRefused(
                ErrorCode.BAD_EVENT,
                f"{what}: priority {data.priority} is not within {CALL_PRIORITY_MIN}-{CALL_PRIORITY_MAX}",
            )
        data.caller = mask_digits(data.caller)
        data.source = adapter
    elif isinstance(data, CallRinging | CallAnswered | CallAbandoned | CallEnded | CallMoved):
        call = state.calls.get(data.call_id)
        if call is None:
            raise EventRefused(
                ErrorCode.NOT_FOUND, f"{what}: no call {data.call_id!r} on the floor (never queued, or gone)"
            )
        _owned(call.source, adapter, "call", data.call_id, what)
        if isinstance(data, CallRinging | CallAnswered) and data.agent_id not in state.agents:
            raise EventRefused(ErrorCode.NOT_FOUND, f"{what}: unknown agent {data.agent_id!r}")
        if isinstance(data, CallRinging | CallAnswered | CallAbandoned | CallMoved) and (
            call.state is CallState.TALKING
        ):
            raise EventRefused(ErrorCode.INVALID_STATE, f"{what}: call {data.call_id!r} was already answered")
        if isinstance(data, CallMoved) and data.queue_id not in state.queues:
            raise EventRefused(ErrorCode.NOT_FOUND, f"{what}: unknown queue {data.queue_id!r}")
        if (
            isinstance(data, CallMoved)
            and data.priority is not None
            and not CALL_PRIORITY_MIN <= data.priority <= CALL_PRIORITY_MAX
        ):
            raise EventRefused(
                ErrorCode.BAD_EVENT,
                f"{what}: priority {data.priority} is not within {CALL_PRIORITY_MIN}-{CALL_PRIORITY_MAX}",
            )
    elif isinstance(data, CaseCreated):
        case = data.case
        if not case.id:
            raise EventRefused(ErrorCode.BAD_EVENT, f"{what}: empty case id")
        old_case = state.cases.get(case.id)
        _owned(old_case.source if old_case else None, adapter, "case", case.id, what)
        _check_times(case, _CASE_TIMES, what)
        case.customer = mask_digits(case.customer)
        case.source = adapter
    elif isinstance(data, CaseUpdated):
        existing = state.cases.get(data.case_id)
        if existing is None:
            raise EventRefused(ErrorCode.NOT_FOUND, f"{what}: no open case {data.case_id!r}")
        _owned(existing.source, adapter, "case", data.case_id, what)
        invalid = case_changes_valid(data.changes)
        if invalid is not None:
            raise EventRefused(ErrorCode.BAD_EVENT, f"{what}: {invalid}")
        if data.version <= existing.version:
            raise EventRefused(
                ErrorCode.INVALID_STATE,
                f"{what}: version {data.version} is not after the case's version {existing.version}",
            )
        try:  # every changed field of its type (the reducer sets them as they come)
            changed = msgspec.convert({**msgspec.to_builtins(existing), **data.changes}, type=Case)
        except msgspec.ValidationError as exc:
            raise EventRefused(ErrorCode.BAD_EVENT, f"{what}: bad changes: {exc}") from None
        fixed = _check_times(changed, _CASE_TIMES, what)
        data.changes.update({k: v for k, v in fixed.items() if k in data.changes})
        if isinstance(data.changes.get("customer"), str):
            data.changes["customer"] = mask_digits(data.changes["customer"])
