"""``LiveQueueFigures`` against ``queue_figures``: the same rows after random event sequences (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.domain.entities import SlDefinition
from console.domain.figures.incremental import LiveQueueFigures
from console.domain.figures.queues import TOTAL_ID, MetricsConfig, queue_figures
from tests.helpers.random_floor import RandomFloor


class FiguresFloor(RandomFloor):
    """A RandomFloor with the queue figures following it too."""

    def __init__(self, config: MetricsConfig, occupancy_every: int) -> None:
        self.live = LiveQueueFigures()
        self.config = config
        self.occupancy_every = occupancy_every
        self.refreshes = 0
        self.recomputed: set[str] | None = None
        super().__init__(3600.0)

    def refresh(self) -> None:
        changes = self.state.take_changes()
        self.refreshes += 1
        occupancy = self.refreshes % self.occupancy_every == 0
        self.recomputed = self.live.update(
            self.state, changes if changes else None, self.now, self.config, occupancy=occupancy
        )
        expected = queue_figures(self.state, self.now, self.config)
        got = self.live.figures
        if occupancy or self.recomputed is None:
            for g, e in zip(got, expected, strict=True):
                assert g == e, f"{g}\n!=\n{e}"
        else:  # the total's occupancy follows the clock tick only
            assert got[:-1] == expected[:-1]
            got[-1].occupancy_today_pct = expected[-1].occupancy_today_pct
            assert got[-1] == expected[-1]
        if self.recomputed is not None:
            assert self.recomputed <= {*self.state.queues, TOTAL_ID}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    interval=st.sampled_from([15, 30]),
    definition=st.sampled_from([None, *SlDefinition]),
    occupancy_every=st.sampled_from([1, 3]),
)
def test_live_figures_equal_a_full_recompute(
    data: st.DataObject, interval: int, definition: SlDefinition | None, occupancy_every: int
) -> None:
    floor = FiguresFloor(MetricsConfig(definition, interval), occupancy_every)
    for _ in range(data.draw(st.integers(5, 50))):
        for _ in range(data.draw(st.integers(1, 4))):
            floor.step(data)
        floor.refresh()
        if data.draw(st.booleans()):
            floor.tick(data.draw(st.sampled_from([1000, 30_000, 7 * 60_000])))
    if data.draw(st.booleans()):  # the user picks another definition and interval
        floor.config = MetricsConfig(data.draw(st.sampled_from([None, *SlDefinition])), 45 - interval)
        floor.refresh()
