"""A console's view of a feed, folded event by event, keeping each business day's last figures.

The gateway's own floor only holds today; a replayed log runs through several days, so the tests
watch the feed as a console does and note each day's figures just before the next day resets them.
"""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from websockets.asyncio.client import connect

from console.domain.businessday import next_day_start
from console.domain.clock import to_ms
from console.domain.events import RawEvent, type_payload
from console.domain.state import FloorState
from tests.helpers.bank_log_counts import today_of
from tests.helpers.gateway import token

# Room for a whole replayed day in the watcher's queue at the gateway: on a busy machine the
# watcher (sharing its loop with the adapter) may fall thousands of frames behind, and an
# overflow would give it a mid-day snapshot, which cannot be folded event by event.
WATCHER_MAX_FRAMES = 1_000_000


class DayWatcher:
    """A console's view of the feed, folded event by event, keeping each business day's last figures."""

    def __init__(self) -> None:
        self.state = FloorState()
        self.days: dict[str, dict[str, dict[str, float]]] = {}
        self._decoder = msgspec.json.Decoder(list[RawEvent])
        # Set once its snapshot (at seq 0) is in: start the replay only then.
        self.subscribed = asyncio.Event()

    async def follow(self, url: str, until: asyncio.Event) -> None:
        async with connect(url, max_size=None) as ws:
            hello = {"op": "hello", "protocol": 1, "token": token("viewer")}
            await ws.send(msgspec.json.encode(hello).decode())
            while not until.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    continue
                frame = msgspec.json.decode(raw)
                if frame["op"] == "snapshot":
                    assert frame["seq"] == 0, (
                        f"a snapshot at seq {frame['seq']}: subscribed after the replay started, "
                        "or the watcher fell behind and overflowed its queue at the gateway"
                    )
                    self.subscribed.set()
                elif frame["op"] == "events":
                    for event in self._decoder.decode(msgspec.json.encode(frame["events"])):
                        self._apply(type_payload(event))

    async def start(self, url: str, until: asyncio.Event, timeout: float = 60) -> asyncio.Task[None]:
        """Follow ``url`` in a task of its own, returned once subscribed (its snapshot is in)."""
        follower = asyncio.create_task(self.follow(url, until))
        waiting = asyncio.ensure_future(self.subscribed.wait())
        await asyncio.wait({follower, waiting}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if not self.subscribed.is_set():
            waiting.cancel()
            if follower.done():
                follower.result()  # its own error
            follower.cancel()
            raise AssertionError(f"the watcher did not subscribe within {timeout:g} s")
        return follower

    async def caught_up(self, follower: asyncio.Task[None], head: int, timeout: float) -> None:
        """Wait until the watcher has folded up to ``head``; fail at once if ``follower`` ended."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.state.seq < head:
            if follower.done():
                follower.result()  # its own error, if it failed
                raise AssertionError(f"the watcher stopped at seq {self.state.seq} of {head}")
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the console did not catch up: seq {self.state.seq} of {head}")
            await asyncio.sleep(0.05)

    def _apply(self, event: Any) -> None:
        started = self.state.centre.day_started_at
        if started is not None and to_ms(event.at) >= next_day_start(
            started, self.state.centre.timezone, self.state.centre.day_starts
        ):
            self.close_day()
        self.state.apply(event)

    def close_day(self) -> None:
        started = self.state.centre.day_started_at
        assert started is not None
        self.days[started] = today_of(self.state)
