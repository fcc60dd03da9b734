"""The centre driver of a gateway fed by adapters (``--source adapters``).

Nothing is simulated: the floor is what the adapters publish. The feed clock is
theirs too: the latest event time or clock tick an adapter has sent, never going
back. A supervisor's command about something an adapter owns (an agent, a call,
a case it published) cannot be carried out here: the driver raises
``ForwardToAdapter`` and the gateway hands the command to that adapter, whose
answer becomes the command's ack. Cases nobody published stay the gateway's
own: reassigning them is done here, as the simulator does.
"""

from __future__ import annotations

from collections.abc import Sequence

from console.domain.entities import AgentState
from console.domain.events import CaseUpdated, EventAt
from console.domain.state import FloorState
from console.feeds.gateway.commands.context import CommandRefused
from console.feeds.protocol import ErrorCode


class ForwardToAdapter(Exception):
    """The command is about something ``adapter`` owns: the gateway forwards it there."""

    def __init__(self, adapter: str) -> None:
        super().__init__(f"forward to adapter {adapter!r}")
        self.adapter = adapter


class AdapterCentre:
    """A ``CentreDriver`` that drives nothing: adapters publish, commands are forwarded."""

    def __init__(self, state: FloorState, *, clock_ms: int = 0) -> None:
        self._state = state
        self._clock_ms = clock_ms

    @property
    def now_ms(self) -> int:
        return self._clock_ms

    def advance_clock(self, at_ms: int) -> None:
        """An adapter's event or clock tick: the feed clock moves on to ``at_ms``, never back."""
        self._clock_ms = max(self._clock_ms, at_ms)

    def bootstrap(self) -> list[EventAt]:
        return []  # the adapters configure the centre

    def advance(self, until_ms: int) -> list[EventAt]:
        return []

    def counters(self) -> dict[str, int]:
        return {}

    def set_agent_state(
        self, agent_id: str, state: AgentState, reason: str | None
    ) -> tuple[list[EventAt], bool]:
        raise ForwardToAdapter(self._owner("agent", self._state.agents[agent_id].source, agent_id))

    def move_call(self, call_id: str, queue_id: str, priority: int | None) -> list[EventAt]:
        raise ForwardToAdapter(self._owner("call", self._state.calls[call_id].source, call_id))

    def set_agent_queues(self, changes: Sequence[tuple[str, list[str]]]) -> list[EventAt]:
        owners = {self._state.agents[aid].source for aid, _ in changes}
        if len(owners) > 1:
            raise CommandRefused(
                ErrorCode.INVALID_STATE,
                "these agents belong to different systems ("
                + ", ".join(sorted(o or "the gateway" for o in owners))
                + "); set each system's agents' queues separately",
            )
        (owner,) = owners
        raise ForwardToAdapter(self._owner("agent", owner, changes[0][0]))

    def assign_cases(self, moves: Sequence[tuple[str, str | None]]) -> list[EventAt]:
        owners = {self._state.cases[cid].source for cid, _ in moves}
        if owners == {None}:
            return self._assign_own_cases(moves)
        if len(owners) > 1:
            raise CommandRefused(
                ErrorCode.INVALID_STATE,
                "these cases belong to different systems ("
                + ", ".join(sorted(o or "the gateway" for o in owners))
                + "); reassign each system's cases separately",
            )
        (owner,) = owners
        assert owner is not None
        raise ForwardToAdapter(owner)

    def _assign_own_cases(self, moves: Sequence[tuple[str, str | None]]) -> list[EventAt]:
        t = self._clock_ms
        out: list[EventAt] = []
        for cid, agent in moves:
            case = self._state.cases[cid]
            if agent != case.agent_id:
                out.append(
                    (t, CaseUpdated(case_id=cid, changes={"agent_id": agent}, version=case.version + 1))
                )
        return out

    @staticmethod
    def _owner(kind: str, source: str | None, ident: str) -> str:
        if source is None:
            raise CommandRefused(
                ErrorCode.UNAVAILABLE, f"no connected system carries out commands for {kind} {ident!r}"
            )
        return source
