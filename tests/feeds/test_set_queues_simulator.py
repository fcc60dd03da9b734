"""``agent.set_queues`` in the simulator: afterwards an agent is offered calls of its new queues only."""

from __future__ import annotations

from console.domain.clock import iso
from console.domain.entities import AgentState, CallState
from console.domain.events import AgentSkillsChanged, CallMoved, CallQueued, CallRinging, EventAt, make_event
from console.domain.state import FloorState
from console.feeds.sources.simulator.engine import Simulator
from tests.feeds.test_simulator import BANK, BANK_START, HOUR
from tests.helpers.simulation import assert_agrees


def _fold(events: list[EventAt], state: FloorState) -> None:
    for t, data in events:
        state.apply(make_event(state.seq + 1, iso(t), data))


def test_moved_agents_take_calls_of_their_new_queues_only() -> None:
    sim = Simulator(BANK, seed=7, start_ms=BANK_START)
    state = FloorState()
    _fold(sim.bootstrap(), state)
    _fold(sim.advance(BANK_START + HOUR), state)
    # Every agent on the early general team (accounts, transfers) goes to cards only.
    team = [a.id for a in state.agents.values() if a.skills == ["accounts", "transfers"]]
    assert len(team) == 19
    busy_before = {
        aid: state.agents[aid].call_id for aid in team if state.agents[aid].state is AgentState.ON_CALL
    }
    assert busy_before, "some of the team are on calls when they move"
    events = sim.set_agent_queues([(aid, ["cards"]) for aid in team])
    assert [e for _, e in events[: len(team)]] == [
        AgentSkillsChanged(agent_id=a, skills=["cards"]) for a in team
    ]
    _fold(events, state)
    assert all(state.agents[aid].skills == ["cards"] for aid in team)
    # Calls in progress go on: the same calls, talked by the same agents.
    for aid, call_id in busy_before.items():
        assert call_id is not None and state.calls[call_id].agent_id == aid
    # Then an hour of routing: the team rings only for cards; nobody else's queues change.
    later: list[EventAt] = []
    for step in range(1, 13):
        more = sim.advance(BANK_START + HOUR + step * 300_000)
        later += more
        _fold(more, state)
    rung = [(d.call_id, d.agent_id) for _, d in later if isinstance(d, CallRinging) and d.agent_id in team]
    assert len(rung) > 20, "the moved agents went on taking calls"
    queue_of = {d.call_id: state_queue for d, state_queue in _queues_at_ringing(later)}
    assert {queue_of[c] for c, _ in rung} == {"cards"}
    # Others still take accounts and transfers calls.
    assert any(
        queue_of[d.call_id] in ("accounts", "transfers") for _, d in later if isinstance(d, CallRinging)
    )
    assert_agrees(sim, state)


def _queues_at_ringing(events: list[EventAt]) -> list[tuple[CallRinging, str]]:
    """Each ringing with the queue its call was in then (from call.queued / call.moved before it)."""
    queue: dict[str, str] = {}
    out = []
    for _, d in events:
        if isinstance(d, CallQueued | CallMoved):
            queue[d.call_id] = d.queue_id
        elif isinstance(d, CallRinging):
            out.append((d, queue.get(d.call_id, "?")))
    return out


def test_a_free_agent_moved_to_a_queue_with_calls_waiting_takes_one_at_once() -> None:
    sim = Simulator(BANK, seed=3, start_ms=BANK_START)
    state = FloorState()
    _fold(sim.bootstrap(), state)
    _fold(sim.advance(BANK_START + HOUR), state)
    free = [a.id for a in state.agents.values() if a.state is AgentState.AVAILABLE]
    assert free
    waiting = [c for c in state.calls.values() if c.state is CallState.WAITING]
    if not waiting:  # make a queue busy: nobody serves vip for a while
        vip = [a.id for a in state.agents.values() if "vip" in a.skills and a.id not in free]
        _fold(sim.set_agent_queues([(aid, ["accounts"]) for aid in vip]), state)
        _fold(sim.advance(BANK_START + HOUR + 600_000), state)
        free = [
            a.id for a in state.agents.values() if a.state is AgentState.AVAILABLE and "vip" not in a.skills
        ]
        waiting = [c for c in state.calls.values() if c.state is CallState.WAITING]
    assert waiting and free
    target = min(waiting, key=lambda c: (-c.priority, c.entered_at))
    agent = free[0]
    events = sim.set_agent_queues([(agent, [target.queue_id])])
    _fold(events, state)
    rang = [d for _, d in events if isinstance(d, CallRinging)]
    assert len(rang) == 1 and rang[0].agent_id == agent
    assert state.calls[rang[0].call_id].queue_id == target.queue_id
    assert_agrees(sim, state)
