"""Simulated centres for tests: small scenarios of a known shape, and the simulator held to a floor."""

from __future__ import annotations

from pathlib import Path

from console.domain.state import FloorState
from console.feeds.gateway.config import GatewayConfig
from console.feeds.sources.simulator.engine import Simulator
from tests.helpers.gateway import make_config

#: Two queues: "busy" always has calls waiting for its one agent, "quiet" has agents free.
BUSY_QUIET = """\
[centre]
name = "Busy and quiet"

[[queues]]
id = "busy"
name = "Busy"
arrivals_per_hour = 600
handle_time = { dist = "fixed", mean_s = 600 }
priority = 5

[[queues]]
id = "quiet"
name = "Quiet"
arrivals_per_hour = 1
handle_time = { dist = "fixed", mean_s = 300 }
priority = 5

[[teams]]
id = "b"
agents = 1
skills = ["busy"]

[[teams]]
id = "q"
agents = 2
skills = ["quiet"]
"""


#: A "burst" queue that takes calls only in the first hour of the day, and a "long" queue whose calls
#: are talked for ever or wait for ever: always calls in progress to flag.
FLAGS_SCENARIO = """\
[centre]
name = "Flags"
short_abandon_s = 5

[[queues]]
id = "burst"
name = "Burst"
arrivals_per_hour = 600
handle_time = { dist = "fixed", mean_s = 45 }
patience = { dist = "exponential", mean_s = 20 }
arrival_curve = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]

[[queues]]
id = "long"
name = "Long"
arrivals_per_hour = 20
handle_time = { dist = "fixed", mean_s = 80000 }

[[teams]]
id = "b"
agents = 3
skills = ["burst"]

[[teams]]
id = "l"
agents = 2
skills = ["long"]
"""

#: Half past midnight: at 600x, by 01:05 every burst call has been answered or abandoned.
FLAGS_START = "2026-03-02T00:30:00.000Z"


def flags_config(tmp: Path) -> GatewayConfig:
    """A gateway on ``FLAGS_SCENARIO`` from ``FLAGS_START``, at 600x, with its database in ``tmp``."""
    scenario = tmp / "flags.toml"
    scenario.write_text(FLAGS_SCENARIO)
    return make_config(tmp, scenario=scenario, speed=600.0, start=FLAGS_START)


def assert_agrees(sim: Simulator, state: FloorState) -> None:
    """The simulator's own view of agents, calls and cases is what FloorState folded from its events."""
    assert state.skipped == 0
    agents = {a.id: (a.state, a.reason, a.call_id) for a in state.agents.values()}
    assert agents == sim.agents_view()
    assert {c.id: (c.queue_id, c.state, c.agent_id) for c in state.calls.values()} == sim.calls_view()
    assert {c.id: (c.status.value, c.version) for c in state.cases.values()} == sim.cases_view()
