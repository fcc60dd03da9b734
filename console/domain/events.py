"""Event payloads of protocol v1 and the registry that maps type names to them.

An event on the wire is ``{"seq":N,"at":"…","type":"…","data":{…}}``. Each type's
``data`` is one struct below. Consumers skip types they do not know (the seq
still advances), so adding a type never breaks an older console.
"""

from __future__ import annotations

from typing import Any

import msgspec

from console.domain.clock import Timestamp
from console.domain.entities import Agent, AgentState, Case, Centre, Flag


class QueueConfigured(msgspec.Struct, kw_only=True):
    """A queue appears or its configuration changes (its figures are kept)."""

    queue_id: str
    name: str
    sl_threshold_s: float
    sl_target_pct: float

    def __post_init__(self) -> None:
        self.sl_threshold_s = float(self.sl_threshold_s)
        self.sl_target_pct = float(self.sl_target_pct)


class CentreConfigured(msgspec.Struct, kw_only=True):
    centre: Centre


class AgentAdded(msgspec.Struct, kw_only=True):
    agent: Agent


class AgentRemoved(msgspec.Struct, kw_only=True):
    agent_id: str


class AgentStateChanged(msgspec.Struct, kw_only=True):
    agent_id: str
    state: AgentState
    reason: str | None = None


class AgentPending(msgspec.Struct, kw_only=True):
    """A state change waits for the agent's call to end; state None clears it."""

    agent_id: str
    state: AgentState | None
    reason: str | None = None


class AgentSkillsChanged(msgspec.Struct, kw_only=True):
    """The queues an agent serves are now ``skills`` (``agent.set_queues``; a call in progress goes on)."""

    agent_id: str
    skills: list[str]


class CallQueued(msgspec.Struct, kw_only=True, omit_defaults=True):
    call_id: str
    queue_id: str
    priority: int
    caller: str
    # Set by the gateway to the publishing adapter's name (never taken from the adapter).
    source: str | None = None


class CallRinging(msgspec.Struct, kw_only=True):
    call_id: str
    agent_id: str


class CallAnswered(msgspec.Struct, kw_only=True):
    call_id: str
    agent_id: str


class CallAbandoned(msgspec.Struct, kw_only=True):
    call_id: str


class CallEnded(msgspec.Struct, kw_only=True):
    call_id: str


class CallMoved(msgspec.Struct, kw_only=True):
    call_id: str
    queue_id: str
    priority: int | None = None


class CaseCreated(msgspec.Struct, kw_only=True):
    case: Case


class CaseUpdated(msgspec.Struct, kw_only=True):
    case_id: str
    changes: dict[str, Any]
    version: int


class ActionApplied(msgspec.Struct, kw_only=True):
    """A supervisor's command was applied (after its own events, in the same batch)."""

    command_id: str
    user: str
    role: str
    action: str
    args: dict[str, Any]
    result: dict[str, Any]
    before: Any = None


class FlagCreated(msgspec.Struct, kw_only=True):
    """A call was flagged for quality review (the whole flag, version 1)."""

    flag: Flag


class FlagUpdated(msgspec.Struct, kw_only=True):
    """A flag was worked: ``changes`` (status, reviewer, outcome) and/or a review note by ``by``.

    The note is appended to the flag's notes with the event's time; nothing is overwritten.
    """

    flag_id: str
    changes: dict[str, Any]
    version: int
    by: str
    note: str | None = None


EventData = (
    QueueConfigured
    | CentreConfigured
    | AgentAdded
    | AgentRemoved
    | AgentStateChanged
    | AgentPending
    | AgentSkillsChanged
    | CallQueued
    | CallRinging
    | CallAnswered
    | CallAbandoned
    | CallEnded
    | CallMoved
    | CaseCreated
    | CaseUpdated
    | ActionApplied
    | FlagCreated
    | FlagUpdated
)

#: An event before the gateway gives it a seq: (feed-clock epoch ms, payload). What a
#: centre driver (simulator, load centre, adapter) produces and the sequencer stamps.
EventAt = tuple[int, EventData]

#: Wire type name -> payload struct.
EVENT_TYPES: dict[str, type[Any]] = {
    "queue.configured": QueueConfigured,
    "centre.configured": CentreConfigured,
    "agent.added": AgentAdded,
    "agent.removed": AgentRemoved,
    "agent.state": AgentStateChanged,
    "agent.pending": AgentPending,
    "agent.skills": AgentSkillsChanged,
    "call.queued": CallQueued,
    "call.ringing": CallRinging,
    "call.answered": CallAnswered,
    "call.abandoned": CallAbandoned,
    "call.ended": CallEnded,
    "call.moved": CallMoved,
    "case.created": CaseCreated,
    "case.updated": CaseUpdated,
    "action.applied": ActionApplied,
    "flag.created": FlagCreated,
    "flag.updated": FlagUpdated,
}

TYPE_OF: dict[type[Any], str] = {cls: name for name, cls in EVENT_TYPES.items()}


class Event(msgspec.Struct, kw_only=True):
    """One sequenced event. ``data`` is a payload struct, or None for unknown types."""

    seq: int
    at: Timestamp
    type: str
    data: Any


class RawEvent(msgspec.Struct, kw_only=True):
    """An event as decoded from the wire before its payload is typed."""

    seq: int
    at: Timestamp
    type: str
    data: msgspec.Raw = msgspec.Raw(b"{}")


_DECODERS: dict[str, msgspec.json.Decoder[Any]] = {
    name: msgspec.json.Decoder(cls) for name, cls in EVENT_TYPES.items()
}


def type_payload(raw: RawEvent) -> Event:
    """Type the payload of a wire event; unknown types keep ``data`` None.

    Raises ``msgspec.ValidationError``/``msgspec.DecodeError`` when a known
    type's payload is malformed.
    """
    decoder = _DECODERS.get(raw.type)
    data = decoder.decode(raw.data) if decoder is not None else None
    return Event(seq=raw.seq, at=raw.at, type=raw.type, data=data)


def make_event(seq: int, at: Timestamp, data: Any) -> Event:
    """Wrap a payload struct as the event with this seq and time."""
    return Event(seq=seq, at=at, type=TYPE_OF[type(data)], data=data)
