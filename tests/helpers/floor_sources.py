"""FloorSources for the views' tests, without a network.

``SimulatedFloor`` drives one with the real simulator, batch by batch, with the
feed clock advanced and ``clockTicked`` fired between batches as the live feed
does; crafted events continue the same sequence. ``driven_source`` is a
simulated morning in one batch; ``FakeLive`` reports a lost connection.
"""

from __future__ import annotations

import time
from typing import Any

from console.application.floor_source import FloorSource
from console.domain.clock import iso, to_ms
from console.domain.events import make_event
from console.domain.state import FloorState
from console.feeds.client.feed_client import ConnState, FeedError, FeedStatus
from console.feeds.sources.simulator.engine import Simulator
from console.feeds.sources.simulator.scenario import load_scenario, resolve_scenario
from tests.helpers.gateway import START

#: Where a SimulatedFloor's feed clock starts: a busy Monday morning.
START_MS = to_ms("2026-03-02T09:30:00.000Z")


class SimulatedFloor:
    """A FloorSource fed by the simulator, second by second, with clock ticks in between."""

    def __init__(self) -> None:
        self.source = FloorSource()
        self.sim = Simulator(load_scenario(resolve_scenario("bank")), seed=1, start_ms=START_MS)
        self.seq = 0
        self.events = 0
        self.now = START_MS

    @property
    def state(self) -> FloorState:
        return self.source.state

    def _apply(self, items: list[tuple[int, Any]], batch: int = 60) -> None:
        for i in range(0, len(items), batch):
            events = []
            for t, payload in items[i : i + batch]:
                self.seq += 1
                events.append(make_event(self.seq, iso(t), payload))
            self.source.apply(events)
            self.events += len(events)

    def bootstrap(self) -> None:
        self._apply(self.sim.bootstrap())

    def run(self, seconds: int, step_s: int = 1) -> None:
        """Play the simulator for ``seconds``: one batch per step, then a clock tick."""
        for _ in range(0, seconds, step_s):
            self.now += step_s * 1000
            self._apply(self.sim.advance(self.now), batch=10_000)
            self.tick(self.now)

    def send(self, *payloads: Any) -> None:
        """Crafted events at the current feed clock, as one batch."""
        self._apply([(self.now, p) for p in payloads], batch=10_000)

    def tick(self, at_ms: int) -> None:
        """The feed clock moves on (a heartbeat) and the views tick."""
        self.now = max(self.now, at_ms)
        self.state.advance_clock(iso(self.now))
        self.source.clockTicked.emit()

    def later(self, seconds: float) -> None:
        self.tick(self.now + round(seconds * 1000))


def driven_source() -> FloorSource:
    """A FloorSource on a simulated morning, no network: for layout tests."""
    source = FloorSource()
    t0 = to_ms(START)
    sim = Simulator(load_scenario(resolve_scenario("bank")), seed=1, start_ms=t0)
    items = sim.bootstrap() + sim.advance(t0 + 120_000)
    source.apply([make_event(i, iso(t), p) for i, (t, p) in enumerate(items, start=1)])
    return source


class FakeLive(FloorSource):
    """A FloorSource that reports a lost connection (what LiveFeed adds, without a network)."""

    def __init__(self, state: FloorState) -> None:
        super().__init__(state)
        self._status = FeedStatus(
            state=ConnState.DISCONNECTED,
            url="ws://gateway.example:8765",
            user="ann",
            role="supervisor",
            last_error="the connection to ws://gateway.example:8765 was lost",
            frames=10,
            bad_frames=1,
            recent_errors=(FeedError(at=time.time(), message="bad JSON", frame="{"),),
            last_frame_monotonic=time.monotonic() - 12,
        )

    @property
    def status(self) -> FeedStatus:
        return self._status

    def last_frame_age_s(self) -> float | None:
        return 12.0

    def events_per_second(self) -> float:
        return 0.0

    def is_stale(self, threshold_s: float = 3.0) -> bool:
        return True
