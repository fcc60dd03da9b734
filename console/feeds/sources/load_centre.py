"""A synthetic centre for benchmarks: a large floor and a steady, controllable event rate.

Not a model of anything (the simulator is): it exists to hold the console to
its speed figures. Like ``Simulator`` it is a ``CentreDriver`` (the protocol in
``console.feeds.gateway.driver``, met structurally: nothing here imports the
gateway), so the gateway serves it unchanged (``--load RATE``). Every event it
emits applies cleanly to ``FloorState``; times are on the feed clock like any
other driver.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from console.domain.clock import iso
from console.domain.entities import Agent, AgentState, Case, CaseStatus, Centre, SlDefinition
from console.domain.events import (
    AgentAdded,
    AgentSkillsChanged,
    AgentStateChanged,
    CallAnswered,
    CallEnded,
    CallMoved,
    CallQueued,
    CaseCreated,
    CaseUpdated,
    CentreConfigured,
    EventAt,
    EventData,
    QueueConfigured,
)
from console.domain.state import FloorState

_STATUSES = [s for s in CaseStatus if s is not CaseStatus.CLOSED]


@dataclass(frozen=True)
class LoadShape:
    agents: int = 5000
    queues: int = 200
    cases: int = 50_000
    rate: float = 2000.0  # events per second of feed time

    @classmethod
    def parse(cls, size: str, rate: float) -> LoadShape:
        """``AGENTSxQUEUESxCASES``, e.g. ``5000x200x50000``."""
        try:
            agents, queues, cases = (int(p) for p in size.lower().split("x"))
        except ValueError:
            raise ValueError(
                f"--load-size {size!r}: expected AGENTSxQUEUESxCASES, e.g. 5000x200x50000"
            ) from None
        if min(agents, queues) < 1 or cases < 0 or rate <= 0:
            raise ValueError(f"--load-size {size!r} / --load {rate}: sizes and rate must be positive")
        return cls(agents=agents, queues=queues, cases=cases, rate=rate)


class LoadDriver:
    """Drives a big synthetic floor at ``shape.rate`` events per second of feed time."""

    def __init__(
        self, shape: LoadShape, *, seed: int, start_ms: int, restored: FloorState | None = None
    ) -> None:
        self.shape = shape
        self._rng = random.Random(seed)
        self._now = start_ms
        self._next = start_ms
        self._step_ms = 1000.0 / shape.rate
        self._carry = 0.0
        self._restored = restored
        self._agent_ids = [f"L{i:05d}" for i in range(shape.agents)]
        self._queue_ids = [f"lq{i:03d}" for i in range(shape.queues)]
        self._state: dict[str, AgentState] = {}
        self._waiting: list[tuple[str, str]] = []  # (call id, queue)
        self._talking: dict[str, str] = {}  # call id -> agent id
        self._busy: set[str] = set()
        self._cases: dict[str, int] = {}  # case id -> version
        self._call_no = 0

    # -- the driver interface the gateway uses ---------------------------------------

    @property
    def now_ms(self) -> int:
        return self._now

    def counters(self) -> dict[str, int]:
        return {"load_call": self._call_no}

    def has_agent(self, agent_id: str) -> bool:
        return agent_id in self._state

    def next_event_ms(self) -> int | None:
        return self._next

    def bootstrap(self) -> list[EventAt]:
        t = self._now
        restored = self._restored
        if restored is not None and restored.seq:
            # Adopt what is there: only the roster matters to this driver.
            self._state = {a.id: a.state for a in restored.agents.values()}
            self._cases = {c.id: c.version for c in restored.cases.values()}
            return []
        out: list[EventAt] = [
            (
                t,
                CentreConfigured(
                    centre=Centre(name="Load test centre", sl_definition=SlDefinition.ABANDONS_FAIL)
                ),
            )
        ]
        for qid in self._queue_ids:
            out.append(
                (
                    t,
                    QueueConfigured(
                        queue_id=qid, name=f"Queue {qid[2:]}", sl_threshold_s=20, sl_target_pct=80
                    ),
                )
            )
        for i, aid in enumerate(self._agent_ids):
            skills = [
                self._queue_ids[i % len(self._queue_ids)],
                self._queue_ids[(i * 7 + 3) % len(self._queue_ids)],
            ]
            out.append(
                (
                    t,
                    AgentAdded(
                        agent=Agent(id=aid, name=f"Agent {i:05d}", team=f"T{i // 20:03d}", skills=skills)
                    ),
                )
            )
            out.append((t, AgentStateChanged(agent_id=aid, state=AgentState.AVAILABLE)))
            self._state[aid] = AgentState.AVAILABLE
        for n in range(self.shape.cases):
            cid = f"LC{n:06d}"
            out.append(
                (
                    t,
                    CaseCreated(
                        case=Case(
                            id=cid,
                            queue_id=self._rng.choice(self._queue_ids),
                            subject="Synthetic case",
                            priority=self._rng.choice(("P1", "P2", "P3", "P4")),
                            status=CaseStatus.TRIAGE,
                            agent_id=self._rng.choice(self._agent_ids),
                            created_at=iso(t - self._rng.randrange(1, 72) * 3_600_000),
                            first_response_due=iso(t + self._rng.randrange(-4, 24) * 3_600_000),
                            resolution_due=iso(t + self._rng.randrange(1, 120) * 3_600_000),
                            customer="6222 **** **** 1234",
                        )
                    ),
                )
            )
            self._cases[cid] = 1
        return out

    def advance(self, until_ms: int) -> list[EventAt]:
        out: list[EventAt] = []
        while self._next <= until_ms:
            out.append((self._next, self._one()))
            self._carry += self._step_ms
            whole = int(self._carry)
            self._carry -= whole
            self._next += whole  # zero when several events fall in one millisecond
        self._now = max(self._now, until_ms)
        return out

    def jump_to(self, now_ms: int) -> None:
        """Move the clock forward without events (the benchmark anchors it to the wall clock)."""
        if now_ms > self._now:
            self._now = self._next = now_ms

    def set_agent_state(
        self, agent_id: str, state: AgentState, reason: str | None
    ) -> tuple[list[EventAt], bool]:
        if self._state.get(agent_id) is state:
            return [], False
        self._state[agent_id] = state
        return [(self._now, AgentStateChanged(agent_id=agent_id, state=state, reason=reason))], False

    def assign_cases(self, moves: Sequence[tuple[str, str | None]]) -> list[EventAt]:
        """New owners for cases (None: unassigned); all or nothing (KeyError for an unknown case)."""
        missing = [cid for cid, _ in moves if cid not in self._cases]
        if missing:
            raise KeyError(f"unknown cases: {', '.join(missing[:5])}")
        out: list[EventAt] = []
        for cid, agent in moves:
            self._cases[cid] += 1
            out.append(
                (self._now, CaseUpdated(case_id=cid, changes={"agent_id": agent}, version=self._cases[cid]))
            )
        return out

    def move_call(self, call_id: str, queue_id: str, priority: int | None) -> list[EventAt]:
        """Move a waiting call to another queue or change its priority (the gateway checked both).

        This centre keeps no priorities of its own: a priority is passed on to the floor.
        """
        for i, (cid, queue) in enumerate(self._waiting):
            if cid == call_id:
                if queue == queue_id and priority is None:
                    return []
                self._waiting[i] = (cid, queue_id)
                break
        return [(self._now, CallMoved(call_id=call_id, queue_id=queue_id, priority=priority))]

    def set_agent_queues(self, changes: Sequence[tuple[str, list[str]]]) -> list[EventAt]:
        """New queues for agents (the gateway checked them): passed on to the floor.

        This centre routes no call by skill (any free agent answers any call), so the
        change shows on the floor and in the figures that read skills, nothing more.
        """
        missing = [aid for aid, _ in changes if aid not in self._state]
        if missing:
            raise KeyError(f"unknown agents: {', '.join(missing[:5])}")
        return [(self._now, AgentSkillsChanged(agent_id=aid, skills=list(qs))) for aid, qs in changes]

    # -- the mix ---------------------------------------------------------------------

    def _one(self) -> EventData:
        """One event: calls flowing (queued, answered, ended), agents changing state, cases moving."""
        roll = self._rng.random()
        if roll < 0.5:
            return self._call_step()
        if roll < 0.8 or not self.shape.cases:
            return self._agent_step()
        cid = f"LC{self._rng.randrange(self.shape.cases):06d}"
        if cid not in self._cases:  # a restored floor may hold other cases
            return self._agent_step()
        self._cases[cid] += 1
        return CaseUpdated(
            case_id=cid, changes={"status": self._rng.choice(_STATUSES).value}, version=self._cases[cid]
        )

    def _call_step(self) -> EventData:
        if self._talking and (len(self._talking) > 200 or self._rng.random() < 0.33):
            call_id, agent = self._talking.popitem()
            self._busy.discard(agent)
            return CallEnded(call_id=call_id)
        if self._waiting and self._rng.random() < 0.5:
            for _ in range(8):
                agent = self._rng.choice(self._agent_ids)
                if agent not in self._busy and self._state.get(agent) is not AgentState.OFFLINE:
                    call_id, _queue = self._waiting.pop(0)
                    self._busy.add(agent)
                    self._talking[call_id] = agent
                    return CallAnswered(call_id=call_id, agent_id=agent)
        self._call_no += 1
        call_id = f"LK{self._call_no:08d}"
        queue = self._rng.choice(self._queue_ids)
        self._waiting.append((call_id, queue))
        return CallQueued(call_id=call_id, queue_id=queue, priority=5, caller="138****5678")

    def _agent_step(self) -> EventData:
        agent = self._rng.choice(self._agent_ids)
        if self._state.get(agent) is AgentState.AVAILABLE:
            self._state[agent] = AgentState.NOT_READY
            return AgentStateChanged(agent_id=agent, state=AgentState.NOT_READY, reason="break")
        self._state[agent] = AgentState.AVAILABLE
        return AgentStateChanged(agent_id=agent, state=AgentState.AVAILABLE)
