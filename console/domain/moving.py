"""Acting on moving targets: what became of a call since a supervisor chose it.

A supervisor picks a waiting call (a right click, the move dialog) and decides
while the floor keeps changing: the call may be answered, start ringing at an
agent, or its caller may hang up before the decision is sent. ``CallWatch``
follows one call by id through the floor's batches and says, in a
``WatchedCall``, whether it can still be moved and, when not, what happened
and when (on the feed clock).

A call that leaves the floor while last seen waiting (or ringing) was
abandoned: the reducer removes a call only when the caller hangs up or the
call ends, and a call answered and ended within one batch (a few hundredths
of a second) does not happen. A call gone after a resynchronisation, or never
seen at all, is just gone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from console.domain.clock import to_ms
from console.domain.entities import CallState
from console.domain.state import FloorState


class CallFate(StrEnum):
    WAITING = "waiting"  # still waiting: it can be moved
    RINGING = "ringing"  # offered to an agent: no longer movable
    ANSWERED = "answered"  # answered by an agent (and maybe ended since)
    ABANDONED = "abandoned"  # the caller hung up
    GONE = "gone"  # not on the floor, and nothing known of how it left


@dataclass(frozen=True)
class WatchedCall:
    """A call as last known: its live details while waiting, what happened to it after."""

    call_id: str
    fate: CallFate
    queue_id: str = ""
    priority: int = 0
    caller: str = ""
    entered_ms: int | None = None
    agent_id: str | None = None  # ringing at, or answered by
    at_ms: int | None = None  # when it stopped waiting (answered, abandoned), on the feed clock

    @property
    def movable(self) -> bool:
        return self.fate is CallFate.WAITING


class CallWatch:
    """Follows one call by id; ``update`` after every batch (and before sending)."""

    def __init__(self, call_id: str, state: FloorState) -> None:
        self.call_id = call_id
        self.seen: WatchedCall | None = None
        self.update(state)

    @property
    def current(self) -> WatchedCall:
        assert self.seen is not None  # set by the constructor
        return self.seen

    def update(self, state: FloorState, *, reset: bool = False) -> WatchedCall:
        """The call now; ``reset``: the floor was replaced (a resync), so an absence tells nothing."""
        now = to_ms(state.at) if state.at else None
        call = state.calls.get(self.call_id)
        last = self.seen
        if call is not None:
            base = WatchedCall(
                self.call_id,
                CallFate.WAITING,
                queue_id=call.queue_id,
                priority=call.priority,
                caller=call.caller,
                entered_ms=to_ms(call.entered_at),
                agent_id=call.agent_id,
            )
            if call.state is CallState.WAITING:
                seen = base
            elif call.state is CallState.RINGING:
                at = last.at_ms if last is not None and last.fate is CallFate.RINGING else now
                seen = replace(base, fate=CallFate.RINGING, at_ms=at)
            else:
                answered = to_ms(call.answered_at) if call.answered_at else now
                seen = replace(base, fate=CallFate.ANSWERED, at_ms=answered)
        elif last is None:
            seen = WatchedCall(self.call_id, CallFate.GONE, at_ms=now)
        elif last.fate in (CallFate.WAITING, CallFate.RINGING):
            # A resync tells nothing of how it left; a batch that removed it, that its caller hung up.
            seen = replace(last, fate=CallFate.GONE if reset else CallFate.ABANDONED, at_ms=now)
        else:  # answered (and ended since), abandoned or gone: that stays the story
            seen = last
        self.seen = seen
        return seen
