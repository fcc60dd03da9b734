"""Acting on moving targets: what became of a call since a supervisor chose it.

A supervisor picks a waiting call (a right click, the move dialog) and decides
while the floor keeps changing: the call may be answered, start ringing at an
agent, or its caller may hang up before the decision is sent. ``CallWatch``
follows one call by id through the floor's batches and says, in a
``WatchedCall``, whether it can still be moved and, when not, what happened
and when (on the feed clock).

The same for agents and cases. ``AgentWatch`` follows the agent whose state a
supervisor is about to set: whether the agent changed since (went on a call,
took a break, the same state already set by someone else), logged off or left
the floor, and what sending the change would come to (``AgentDecision``).
``CaseWatch`` follows the cases of a reassignment at the versions the
supervisor chose them: the ones closed or changed since are exactly those the
gateway's ``case.reassign`` would refuse the whole command for (a case gone,
or a version that is not the expected one), so the console names them before
sending and offers to send for the rest.

A call that leaves the floor while last seen waiting (or ringing) was
abandoned: the reducer removes a call only when the caller hangs up or the
call ends, and a call answered and ended within one batch (a few hundredths
of a second) does not happen. A call gone after a resynchronisation, or never
seen at all, is just gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from console.domain.actions import ActionName
from console.domain.clock import to_ms
from console.domain.entities import AgentState, CallState
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


# -- agents ----------------------------------------------------------------------------------------


class AgentFate(StrEnum):
    SAME = "same"  # as when chosen
    CHANGED = "changed"  # another state, reason or pending change since it was chosen
    LOGGED_OFF = "logged_off"  # logged off since it was chosen
    GONE = "gone"  # not on the floor (left the roster, or never seen)


class AgentDecision(StrEnum):
    """What setting a state on a watched agent comes to, now."""

    SEND = "send"  # as chosen: send it
    CONFIRM = "confirm"  # the agent changed meanwhile: say how, send only when the user confirms
    ALREADY = "already"  # the agent is in that state already (or it is pending): nothing to send
    REFUSED = "refused"  # logged off or left the floor: nothing is sent


@dataclass(frozen=True)
class WatchedAgent:
    """An agent as last known: live state, reason, since when (feed clock), call, cases against the limit."""

    agent_id: str
    fate: AgentFate
    name: str = ""
    state: AgentState | None = None
    reason: str | None = None
    since_ms: int | None = None
    call_id: str | None = None
    open_cases: int = 0
    case_limit: int | None = None
    pending_state: AgentState | None = None
    pending_reason: str | None = None
    set_by: str | None = None  # who set the agent's state since it was chosen (an applied agent.set_state)
    at_ms: int | None = None  # when it logged off or left, on the feed clock

    @property
    def reachable(self) -> bool:
        return self.fate not in (AgentFate.LOGGED_OFF, AgentFate.GONE)

    def look(self) -> tuple[object, ...]:
        """What makes a change of the agent (not its open cases): state, reason, since, call, pending."""
        return (self.state, self.reason, self.since_ms, self.call_id, self.pending_state, self.pending_reason)


def _set_by(state: FloorState, agent_id: str, since_ms: int | None, now: AgentState | None) -> str | None:
    """Who set the agent's state as it is ``now``: the user of the latest ``agent.set_state``
    applied to ``agent_id`` at or after ``since_ms``, if it asked for that state."""
    if since_ms is None or now is None:
        return None
    for action in reversed(state.actions):
        at = to_ms(action.at)
        if at < since_ms:
            return None
        if action.action == ActionName.SET_AGENT_STATE and action.args.get("agent_id") == agent_id:
            return action.user if action.args.get("state") == now.value else None
    return None


class AgentWatch:
    """Follows one agent by id from the moment a supervisor chose it; ``update`` after every batch."""

    def __init__(self, agent_id: str, state: FloorState) -> None:
        self.agent_id = agent_id
        self.chosen_ms = to_ms(state.at) if state.at else None
        self.seen: WatchedAgent | None = None
        self.chosen = self.update(state)

    @property
    def current(self) -> WatchedAgent:
        assert self.seen is not None  # set by the constructor
        return self.seen

    def update(self, state: FloorState, *, reset: bool = False) -> WatchedAgent:
        """The agent now; ``reset`` is accepted for symmetry with ``CallWatch`` (the roster tells)."""
        now = to_ms(state.at) if state.at else None
        a = state.agents.get(self.agent_id)
        last = self.seen
        if a is None:
            if last is not None and last.fate is AgentFate.GONE:
                seen = last
            elif last is not None:
                seen = replace(last, fate=AgentFate.GONE, at_ms=now)
            else:
                seen = WatchedAgent(self.agent_id, AgentFate.GONE, at_ms=now)
            self.seen = seen
            return seen
        limit = state.centre.case_limit
        seen = WatchedAgent(
            self.agent_id,
            AgentFate.SAME,
            name=a.name,
            state=a.state,
            reason=a.reason,
            since_ms=to_ms(a.state_since) if a.state_since else None,
            call_id=a.call_id,
            open_cases=a.open_cases,
            case_limit=limit if limit else None,
            pending_state=a.pending_state,
            pending_reason=a.pending_reason,
        )
        chosen = getattr(self, "chosen", None)
        if chosen is not None and chosen.fate is not AgentFate.GONE:
            if a.state is AgentState.OFFLINE and chosen.state is not AgentState.OFFLINE:
                at = last.at_ms if last is not None and last.fate is AgentFate.LOGGED_OFF else None
                seen = replace(seen, fate=AgentFate.LOGGED_OFF, at_ms=at or seen.since_ms or now)
            elif seen.look() != chosen.look():
                seen = replace(seen, fate=AgentFate.CHANGED)
            if seen.fate is not AgentFate.SAME:
                seen = replace(seen, set_by=_set_by(state, self.agent_id, self.chosen_ms, a.state))
        self.seen = seen
        return seen

    def decide(self, target: AgentState, reason: str | None = None) -> AgentDecision:
        """What setting ``target`` (with ``reason`` for not ready) comes to now (after an ``update``)."""
        w = self.current
        if w.fate is AgentFate.GONE:
            return AgentDecision.REFUSED
        if already_in(w, target, reason):
            return AgentDecision.ALREADY
        if w.fate is AgentFate.LOGGED_OFF:
            return AgentDecision.REFUSED
        if w.fate is AgentFate.CHANGED:
            return AgentDecision.CONFIRM
        return AgentDecision.SEND


def already_in(w: WatchedAgent, target: AgentState, reason: str | None = None) -> bool:
    """Whether the agent is in ``target`` already, or it is pending (the reason counts for not ready)."""
    if w.pending_state is not None:
        return w.pending_state is target and (
            target is not AgentState.NOT_READY or w.pending_reason == reason
        )
    return w.state is target and (target is not AgentState.NOT_READY or w.reason == reason)


# -- cases -----------------------------------------------------------------------------------------


class CaseFate(StrEnum):
    SAME = "same"  # at the version chosen: it can be sent
    CLOSED = "closed"  # no longer open (closed, or gone from the floor)
    REASSIGNED = "reassigned"  # another owner since it was chosen
    CHANGED = "changed"  # another version (status, priority, a reply) with the same owner


@dataclass(frozen=True)
class WatchedCase:
    """A chosen case that is no longer at the version it was chosen at."""

    case_id: str
    fate: CaseFate
    expected: int
    actual: int | None = None  # its version now (None: closed)
    agent_id: str | None = None  # its owner when chosen
    now_agent_id: str | None = None  # its owner now


class CaseWatch:
    """The cases of a reassignment at the versions chosen; what changed since, as the gateway would see it.

    ``case.reassign`` refuses the whole command when one case is not open or is
    not at its expected version (``conflict``); ``changed`` names exactly those
    cases, and ``remaining`` is what can still be sent without a refusal.
    """

    def __init__(self, versions: Mapping[str, int], state: FloorState) -> None:
        self.versions = dict(versions)
        cases = state.cases
        # The owners as chosen (case objects change in place: keep the value, not the case).
        self.owners: dict[str, str | None] = {
            cid: (cases[cid].agent_id if cid in cases else None) for cid in self.versions
        }

    def changed(self, state: FloorState) -> list[WatchedCase]:
        """The chosen cases closed or changed since, in the order chosen."""
        out: list[WatchedCase] = []
        cases = state.cases
        for cid, expected in self.versions.items():
            case = cases.get(cid)
            owner = self.owners.get(cid)
            if case is None:
                out.append(WatchedCase(cid, CaseFate.CLOSED, expected, agent_id=owner))
            elif case.version != expected:
                fate = CaseFate.REASSIGNED if case.agent_id != owner else CaseFate.CHANGED
                out.append(WatchedCase(cid, fate, expected, case.version, owner, case.agent_id))
        return out

    def remaining(self, state: FloorState) -> dict[str, int]:
        """The chosen cases still at their chosen versions, with them: what the gateway would accept."""
        cases = state.cases
        return {cid: v for cid, v in self.versions.items() if cid in cases and cases[cid].version == v}
