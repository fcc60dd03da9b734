"""A large floor's checkpoint is taken in one step and encoded in slices between turns of the
loop: what reaches the store is exactly the floor at its seq, after every event up to it."""

from __future__ import annotations

import asyncio
from typing import Any

from console.domain.clock import to_ms
from console.domain.state import FloorState
from console.feeds import protocol
from console.feeds.gateway.sequencing import CHECKPOINT_SLICE, Sequencer
from console.feeds.sources.load_centre import LoadDriver, LoadShape
from console.store.retention import DAY_CHECKPOINT_KEY

START = "2026-12-06T08:00:00.000Z"


class _Writer:
    """Stands in for the store writer: records what is submitted, in order."""

    def __init__(self) -> None:
        self.submitted: list[dict[str, Any]] = []

    def submit(self, events: Any = (), **kw: Any) -> int:
        self.submitted.append({"events": [e.seq for e, _ in events], **kw})
        return len(self.submitted)


def _rig(shape: LoadShape) -> tuple[LoadDriver, FloorState, Sequencer, _Writer]:
    """A sequencer on the running loop, checkpointing after every batch, over a load centre of
    ``shape`` whose bootstrap has been sequenced."""
    driver = LoadDriver(shape, seed=3, start_ms=to_ms(START))
    state = FloorState()
    seqr = Sequencer(state, publish=lambda *_: None, checkpoint_every=1, journal_min_events=100)
    writer = _Writer()
    seqr._loop, seqr._driver, seqr.writer = asyncio.get_running_loop(), driver, writer  # type: ignore[assignment]
    seqr.sequence(driver.bootstrap())
    return driver, state, seqr, writer


def test_a_large_checkpoint_is_the_floor_at_its_seq_though_the_floor_moved_on() -> None:
    async def main() -> None:
        driver, state, seqr, writer = _rig(
            LoadShape(agents=200, queues=10, cases=CHECKPOINT_SLICE * 2 + 10, rate=5000)
        )
        at_seq, at_time = seqr.seq, state.at
        expected = protocol.encode(state.to_snapshot())
        assert all(s.get("checkpoint") is None for s in writer.submitted)  # not encoded at once
        seqr._checkpoint_every = 10**9
        seqr.sequence(driver.advance(driver.now_ms + 20_000))  # cases change in place meanwhile
        assert protocol.encode(state.to_snapshot()) != expected
        for _ in range(10):
            await asyncio.sleep(0)
        checkpoints = [(i, s["checkpoint"]) for i, s in enumerate(writer.submitted) if s.get("checkpoint")]
        assert len(checkpoints) == 1
        i, (seq, at, snapshot) = checkpoints[0]
        assert (seq, at, snapshot) == (at_seq, at_time, expected)
        # Submitted after every event up to its seq (and on its own).
        assert writer.submitted[i]["events"] == []
        assert max(e for s in writer.submitted[:i] for e in s["events"]) >= at_seq

    asyncio.run(main())


def test_a_stop_replaces_a_checkpoint_still_being_encoded_with_one_at_the_head() -> None:
    async def main() -> None:
        _, state, seqr, writer = _rig(LoadShape(agents=50, queues=5, cases=CHECKPOINT_SLICE + 10, rate=5000))
        seqr.checkpoint_at_head()  # before the slices ran
        for _ in range(10):
            await asyncio.sleep(0)
        checkpoints = [s["checkpoint"] for s in writer.submitted if s.get("checkpoint")]
        assert [(seq, snap) for seq, _, snap in checkpoints] == [
            (seqr.seq, protocol.encode(state.to_snapshot()))
        ]

    asyncio.run(main())


def _day_checkpoints(writer: _Writer) -> list[tuple[dict[str, str], tuple[int, str, bytes]]]:
    return [
        (s["meta"], s["checkpoint"])
        for s in writer.submitted
        if s.get("checkpoint") and any(k.startswith("checkpoint.day.") for k in (s.get("meta") or {}))
    ]


def test_a_large_floors_day_checkpoint_is_encoded_in_slices_with_its_days_key() -> None:
    """The floor just before a day's first event (history.query replays the day from it): taken
    in one step, encoded between turns of the loop, submitted after its events with the day's key."""

    async def main() -> None:
        driver, state, seqr, writer = _rig(
            LoadShape(agents=200, queues=10, cases=CHECKPOINT_SLICE * 2 + 10, rate=5000)
        )
        seqr._checkpoint_every = 10**9
        at_seq, at_time = seqr.seq, state.at
        expected = protocol.encode(state.to_snapshot())
        seqr._day_checkpoint(driver.now_ms)
        # Not encoded in the step that took it: being encoded in slices.
        assert not seqr._day_checkpoints and list(seqr._day_slicing) == [
            DAY_CHECKPOINT_KEY.format("2026-12-06")
        ]
        seqr.sequence(driver.advance(driver.now_ms + 20_000))  # cases change in place meanwhile
        for _ in range(10):
            await asyncio.sleep(0)
        found = _day_checkpoints(writer)
        assert len(found) == 1
        meta, (seq, at, snapshot) = found[0]
        assert (seq, at, snapshot) == (at_seq, at_time, expected)
        assert meta == {DAY_CHECKPOINT_KEY.format("2026-12-06"): str(at_seq)}

    asyncio.run(main())


def test_a_stop_finishes_a_day_checkpoint_still_being_encoded() -> None:
    async def main() -> None:
        driver, state, seqr, writer = _rig(
            LoadShape(agents=50, queues=5, cases=CHECKPOINT_SLICE + 10, rate=5000)
        )
        expected = (seqr.seq, state.at, protocol.encode(state.to_snapshot()))
        seqr._day_checkpoint(driver.now_ms)
        seqr.checkpoint_at_head()  # before the slices ran: the day's is not dropped
        for _ in range(10):
            await asyncio.sleep(0)
        assert [cp for _, cp in _day_checkpoints(writer)] == [expected]

    asyncio.run(main())
