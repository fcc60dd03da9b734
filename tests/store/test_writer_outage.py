"""The writer on a disk that fills up: it says so (health), holds, and carries on; or gives up at close.

A real SQLite file on a small tmpfs (root only; skipped with the reason otherwise).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest

from console.store import Store, StoreHealth, StoreWriter
from tests.helpers.outages import fill, small_tmpfs
from tests.store.test_store import Commits, call_event

__all__ = ["small_tmpfs"]  # fixtures, imported so pytest finds them here


class Healths:
    """Records on_health calls (made on the writer thread)."""

    def __init__(self) -> None:
        self.seen: list[StoreHealth] = []
        self._cond = threading.Condition()

    def __call__(self, health: StoreHealth) -> None:
        with self._cond:
            self.seen.append(health)
            self._cond.notify_all()

    def down(self, timeout: float = 0.0) -> bool:
        """Whether the writer last said the store is unavailable, waiting up to ``timeout`` for it."""
        with self._cond:
            return self._cond.wait_for(lambda: bool(self.seen) and not self.seen[-1].ok, timeout)

    def wait(self, ok: bool, timeout: float = 10.0) -> StoreHealth:
        with self._cond:
            assert self._cond.wait_for(lambda: bool(self.seen) and self.seen[-1].ok is ok, timeout), self.seen
            return self.seen[-1]


def submit_until_down(writer: StoreWriter, healths: Healths, first: int) -> int:
    """Submit events from seq ``first`` on until the writer says the store is unavailable (the
    WAL may have room left from before the disk filled); returns the last seq submitted."""
    seq = first - 1
    deadline = time.monotonic() + 15
    while True:
        for _ in range(50):
            seq += 1
            writer.submit([call_event(seq)])
        if healths.down(timeout=0.01):
            return seq
        assert time.monotonic() < deadline, "the store never became unavailable"


def test_a_full_disk_makes_the_store_unavailable_and_it_commits_everything_in_order_when_space_returns(
    small_tmpfs: Path,
) -> None:
    store = Store.open(f"sqlite:///{small_tmpfs / 'store.db'}")
    commits, healths = Commits(), Healths()
    writer = store.start_writer(commits, on_health=healths)
    try:
        assert commits.wait_ticket(writer.submit([call_event(1)]))
        filler = fill(small_tmpfs)
        last = submit_until_down(writer, healths, 2)
        tickets = [writer.submit([call_event(seq)]) for seq in range(last + 1, last + 100)]
        last += 99
        down = healths.wait(ok=False)
        assert "full" in down.reason and down.since is not None and down.since <= time.time()
        assert writer.committed_seq < last  # nothing past the failure is counted as committed
        filler.unlink()
        assert healths.wait(ok=True) == StoreHealth()
        assert commits.wait_ticket(tickets[-1])
        assert writer.committed_seq == last
        assert [seq for seq, _ in store.events_after(0)] == list(range(1, last + 1))
    finally:
        writer.close()
        store.close()


def test_closing_while_the_disk_is_full_gives_up_after_the_grace_and_says_what_was_lost(
    small_tmpfs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(f"sqlite:///{small_tmpfs / 'store.db'}")
    commits, healths = Commits(), Healths()
    writer = store.start_writer(commits, on_health=healths, max_batch_events=100)
    try:
        assert commits.wait_ticket(writer.submit([call_event(1)]))
        fill(small_tmpfs)
        last = submit_until_down(writer, healths, 2)
        committed = writer.committed_seq  # nothing commits any more while the disk is full
        t0 = time.monotonic()
        with caplog.at_level(logging.ERROR, logger="console.store.writer"):
            writer.close(30.0, grace=0.5)
        assert time.monotonic() - t0 < 5
        assert not writer.alive and writer.abandoned and writer.failed is None
        lost = [r.getMessage() for r in caplog.records if "NOT committed" in r.getMessage()]
        expected = f"{last - committed} event(s) (seq {committed + 1}-{last})"
        assert len(lost) == 1 and expected in lost[0] and "full" in lost[0], lost
        assert writer.committed_seq == committed
    finally:
        store.close()
