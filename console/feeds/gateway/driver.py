"""What the gateway asks of whatever drives the centre: the ``CentreDriver`` protocol.

The simulator and the synthetic load centre (``console.feeds.sources``) satisfy it
without importing it (a ``Protocol`` is structural), so the sources never depend
on the gateway; an adapter for a real ACD will satisfy it the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from console.domain.entities import AgentState
from console.domain.events import EventAt


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

    def set_agent_queues(self, changes: Sequence[tuple[str, list[str]]]) -> list[EventAt]:
        """The queues each agent serves from now on: one ``agent.skills`` per agent, all or none."""
        ...
