"""The benchmark's synthetic centre: clean events at the asked rate, served by the gateway."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from console.domain.clock import iso, to_ms
from console.domain.events import make_event
from console.domain.state import FloorState
from console.feeds.sources.load_centre import LoadDriver, LoadShape
from tests.helpers.gateway import START, GatewayThread, make_config


def test_every_event_applies_cleanly_at_the_asked_rate() -> None:
    shape = LoadShape(agents=50, queues=5, cases=100, rate=5000)
    driver = LoadDriver(shape, seed=3, start_ms=to_ms(START))
    state = FloorState()
    items = driver.bootstrap()
    start = driver.now_ms
    for until in range(start + 100, start + 10_001, 100):  # ten seconds in irregular steps
        items += driver.advance(until)
    for seq, (t_ms, payload) in enumerate(items, start=1):
        state.apply(make_event(seq, iso(t_ms), payload))
    assert state.skipped == 0
    assert len(state.agents) == 50 and len(state.queues) == 5 and len(state.cases) == 100
    generated = len(items) - (1 + 5 + 2 * 50 + 100)
    assert generated == pytest.approx(5000 * 10, rel=0.01)
    times = [t for t, _ in items]
    assert times == sorted(times)


def test_size_is_parsed_and_bad_sizes_are_refused() -> None:
    assert LoadShape.parse("10x2x30", 100.0) == LoadShape(agents=10, queues=2, cases=30, rate=100.0)
    with pytest.raises(ValueError, match="AGENTSxQUEUESxCASES"):
        LoadShape.parse("lots", 100.0)
    with pytest.raises(ValueError, match="positive"):
        LoadShape.parse("0x2x3", 100.0)


def test_the_gateway_serves_the_load_centre(tmp_path: Path) -> None:
    config = make_config(tmp_path, speed=1.0, load=LoadShape(agents=200, queues=10, cases=500, rate=3000))
    bootstrap = 1 + 10 + 400 + 500
    with GatewayThread(config) as gw:
        deadline = time.monotonic() + 30
        while (first := gw.call(lambda: gw.gateway.committed_seq)) < bootstrap:
            assert time.monotonic() < deadline, "bootstrap never committed"
            time.sleep(0.05)
        time.sleep(2.0)
        second = gw.call(lambda: gw.gateway.committed_seq)
        assert gw.call(lambda: gw.gateway.state.skipped) == 0
    assert 3000 * 1.0 < second - first < 3000 * 3.0
