"""Sequencing: every change to the floor gets its seq here and reaches clients only once committed.

Everything that changes the floor, the driver's events and supervisors'
commands alike, goes through the gateway's ``Sequencer``: ``stamp`` gives the
events the next seqs, applies the shared reducer and keeps the encoded events in
the resume journal; ``submit`` hands them to the store writer thread, together
with what a restart needs to carry on (the driver's counters, the feed clock,
the last flag number) and, now and then, a checkpoint of the floor. Events are
published to clients only once the store has committed them, so a crash can
never make the gateway reuse a seq that a client has seen; ``wait_ticket`` lets
a command's ack follow the commit of its events and audit row.

Everything here runs on the gateway's asyncio loop except
``_committed_from_writer``, which the writer thread calls after each commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import msgspec

from console.domain.clock import iso, to_ms
from console.domain.day_report import business_day_of
from console.domain.entities import Case, CompletedCall
from console.domain.events import Event, EventAt, RawEvent, make_event, type_payload
from console.domain.state import FloorState, Snapshot
from console.feeds import protocol
from console.feeds.gateway.driver import CentreDriver
from console.feeds.gateway.journal import ResumeJournal
from console.feeds.gateway.redaction import audited
from console.store import AuditRecord, Store, StoreHealth, StoreWriter
from console.store.retention import DAY_CHECKPOINT_KEY, cut_for

COUNTERS_KEY = "sim.counters"
# The feed clock shown in heartbeats runs ahead of the last event; it is persisted
# so that after a restart the clock never goes back for a console.
CLOCK_KEY = "feed.clock"
# The last flag number issued (flag ids are F-000001, F-000002, ...), kept with the flag's events.
FLAGS_KEY = "flags.last_id"
# A checkpoint of a floor with more cases than this is encoded this many cases a turn of the loop.
CHECKPOINT_SLICE = 4000

# Called with the first seq, the encoded events and their types, in order, once the store has
# committed them (the types let role views pass most events on without looking into them).
Publish = Callable[[int, list[bytes], list[str]], None]
# Called on the loop when the store becomes unavailable, changes its reason, or is back.
OnHealth = Callable[[StoreHealth], None]


class _At(msgspec.Struct):
    """An encoded event's time, read alone (the restored journal's events)."""

    at: str


@dataclass
class _PendingBatch:
    first_seq: int
    last_seq: int
    at_ms: int
    raws: list[bytes]
    types: list[str]


@dataclass(frozen=True)
class _DayCheckpoint:
    """A day checkpoint as taken: its seq and time, the cases copied, the rest encoded."""

    seq: int
    at: str
    cases: list[Case]
    head: bytes
    tail: bytes


class Sequencer:
    """The floor's seqs, its resume journal and its way to the store; the ``Gateway`` owns one.

    ``restore`` (off the loop) and ``start`` (on it) come first; then
    ``sequence``, or ``stamp`` and ``submit`` for a command that audits what
    its events did.
    """

    def __init__(
        self,
        state: FloorState,
        *,
        publish: Publish,
        checkpoint_every: int,
        journal_min_events: int,
        keep_days: int = 0,
        on_health: OnHealth | None = None,
    ) -> None:
        self.state = state
        self._on_health = on_health
        self.journal = ResumeJournal(min_events=journal_min_events)
        self.seq = 0  # head: last seq stamped
        self.committed_seq = 0  # last seq the store has committed and clients may see
        self.last_at_ms = 0  # the time of the last event stamped
        self.writer: StoreWriter | None = None
        # The driver's counters as the store kept them, for a restarted simulator (see restore).
        self.restored_counters: dict[str, int] | None = None
        self._publish = publish
        self._checkpoint_every = checkpoint_every
        self._journal_min_events = journal_min_events
        self._driver: CentreDriver | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._committed_at_ms = 0
        self._last_clock_shown = ""
        self._pending: deque[_PendingBatch] = deque()
        self._ticket_waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._seq_waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._committed_ticket = 0  # loop-side: tickets whose commit _on_committed has handled
        self._persisted_clock_ms = 0  # feed clock the store holds
        self._clock_submitted_ms = 0
        self._clock_tickets: deque[tuple[int, int]] = deque()
        self._last_checkpoint_seq = 0
        self._checkpointing: asyncio.Task[None] | None = None  # a large one being encoded in slices
        self._counters: dict[str, int] = {}
        self._finished: list[CompletedCall] = []  # calls finished by events not yet submitted
        self._flag_no = 0  # the last flag number issued
        self._flag_no_submitted = 0
        self._keep_days = keep_days  # retention (store/retention.py); 0 keeps everything
        self._pruned_for: str | None = None  # the business day whose prune was asked for
        # Day checkpoints taken while stamping, submitted after their events: (day, (seq, at, bytes)).
        self._day_checkpoints: list[tuple[str, tuple[int, str, bytes]]] = []
        # A large floor's day checkpoints being encoded in slices, by their meta key.
        self._day_slicing: dict[str, tuple[asyncio.Task[None], _DayCheckpoint]] = {}

    # -- restart and start -------------------------------------------------------

    def restore(self, store: Store) -> None:
        """Rebuild the floor from the latest checkpoint and the journal after it (runs off the loop)."""
        checkpoint = store.latest_checkpoint()
        if checkpoint is not None:
            self.state.load_snapshot(msgspec.json.decode(checkpoint[1], type=Snapshot))
        raw_decoder = msgspec.json.Decoder(RawEvent)
        for _, raw in store.events_after(self.state.seq):
            self.state.apply(type_payload(raw_decoder.decode(raw)))
        self.seq = self.committed_seq = self._last_checkpoint_seq = self.state.seq
        if self.state.at is not None:
            self.last_at_ms = self._committed_at_ms = to_ms(self.state.at)
        clock = store.get_meta(CLOCK_KEY)
        self._persisted_clock_ms = self._clock_submitted_ms = int(clock) if clock else 0
        flag_no = store.get_meta(FLAGS_KEY)
        in_state = [int(fid[2:]) for fid in self.state.flags if fid.startswith("F-") and fid[2:].isdigit()]
        self._flag_no = self._flag_no_submitted = max([int(flag_no) if flag_no else 0, *in_state])
        counters = store.get_meta(COUNTERS_KEY)
        self.restored_counters = json.loads(counters) if counters else None
        self.journal.reset(self.seq)
        tail = store.tail_events(self._journal_min_events)
        if tail:
            self.journal.reset(tail[0][0] - 1)
            at_decoder = msgspec.json.Decoder(_At)
            for seq, raw in tail:
                self.journal.append(seq, raw, to_ms(at_decoder.decode(raw).at))

    def clock_reached_ms(self) -> int:
        """How far the feed clock went before a restart: its last event or its persisted clock."""
        return max(self.last_at_ms, self._persisted_clock_ms)

    def start(self, store: Store, driver: CentreDriver) -> None:
        """Start the store writer (on the gateway's loop); ``driver`` is the centre's clock and counters."""
        self._loop = asyncio.get_running_loop()
        self._driver = driver
        self.writer = store.start_writer(self._committed_from_writer, on_health=self._health_from_writer)
        # From now on every call that leaves the floor is recorded with the events that end it.
        self.state.on_call_finished = self._finished.append

    # -- stamping and submitting -------------------------------------------------

    def sequence(self, items: Sequence[EventAt], audit: Sequence[AuditRecord] = ()) -> int:
        """Stamp, apply and persist ``items``; returns the store ticket to wait on."""
        return self.submit(self.stamp(items), audit=audit)

    def stamp(self, items: Sequence[EventAt]) -> list[tuple[Event, bytes]]:
        """Give ``items`` their seqs, apply them to the floor and keep them for resume."""
        raws: list[bytes] = []
        types: list[str] = []
        events: list[tuple[Event, bytes]] = []
        first = self.seq + 1
        at_ms, at = -1, ""
        try:
            for t_ms, payload in items:
                # Event times never go backwards, whatever the source.
                self.last_at_ms = max(self.last_at_ms, t_ms)
                if self.last_at_ms != at_ms:  # a big command's events share one time: format it once
                    at_ms, at = self.last_at_ms, iso(self.last_at_ms)
                reset = self.state.next_reset_ms
                if reset is not None and self.last_at_ms >= reset:
                    self._day_checkpoint(self.last_at_ms)
                self.seq += 1
                event = make_event(self.seq, at, payload)
                self.state.apply(event)
                raw = protocol.encode_event(event)
                raws.append(raw)
                types.append(event.type)
                events.append((event, raw))
        finally:
            self.journal.extend(first, raws, self.last_at_ms)  # once a batch, not once an event
        if raws:
            self._pending.append(_PendingBatch(first, self.seq, self.last_at_ms, raws, types))
        return events

    def submit(
        self,
        events: Sequence[tuple[Event, bytes]],
        *,
        audit: Sequence[AuditRecord] = (),
        checkpoint: bool = False,
        meta: dict[str, str] | None = None,
    ) -> int:
        """Hand stamped ``events`` and ``audit`` rows to the store writer; returns the ticket to wait on.

        ``meta`` goes in the same transaction (an adapter's position with its events).
        """
        assert self.writer is not None and self._driver is not None
        audit = [audited(record) for record in audit]  # nothing unmasked reaches the store
        meta = dict(meta) if meta else None
        counters = self._driver.counters()
        if counters != self._counters:
            self._counters = dict(counters)
            meta = {**(meta or {}), COUNTERS_KEY: json.dumps(counters)}
        if self._driver.now_ms > self._clock_submitted_ms:
            self._clock_submitted_ms = self._driver.now_ms
            meta = {**(meta or {}), CLOCK_KEY: str(self._driver.now_ms)}
        if self._flag_no != self._flag_no_submitted:
            self._flag_no_submitted = self._flag_no
            meta = {**(meta or {}), FLAGS_KEY: str(self._flag_no)}
        cp: tuple[int, str, bytes] | None = None
        due = self.seq - self._last_checkpoint_seq >= self._checkpoint_every
        if (checkpoint or due) and self.state.at is not None:
            self._last_checkpoint_seq = self.seq
            live = self.state.to_snapshot()
            if checkpoint or len(live.cases) <= CHECKPOINT_SLICE or self._loop is None:
                cp = (self.seq, self.state.at, protocol.encode(live))
            else:
                self._checkpoint_in_slices(live)
        # The calls these events finished go in the same transaction as the events.
        finished, self._finished[:] = list(self._finished), []
        ticket = self.writer.submit(events, audit=audit, meta=meta, checkpoint=cp, calls=finished)
        for day, day_cp in self._day_checkpoints:  # after the events up to them, kept for the day
            ticket = self.writer.submit(
                checkpoint=day_cp, meta={DAY_CHECKPOINT_KEY.format(day): str(day_cp[0])}
            )
        self._day_checkpoints.clear()
        self._prune_at_day_start()
        if meta and CLOCK_KEY in meta:
            self._clock_tickets.append((ticket, self._clock_submitted_ms))
        return ticket

    def _day_checkpoint(self, at_ms: int) -> None:
        """The floor just before the first event of a new business day, kept while its events are.

        ``history.query`` replays the day from it. Encoded whole, once a day (a large floor's
        checkpoint takes a few tens of ms of the loop then).
        """
        centre = self.state.centre
        day = business_day_of(iso(at_ms), centre.timezone, centre.day_starts).isoformat()
        key = DAY_CHECKPOINT_KEY.format(day)
        if (
            self.state.at is None
            or key in self._day_slicing
            or any(d == day for d, _ in self._day_checkpoints)
        ):
            return
        snap = self.state.to_snapshot()
        if len(snap.cases) <= CHECKPOINT_SLICE or self._loop is None:
            self._day_checkpoints.append((day, (snap.seq, self.state.at, protocol.encode(snap))))
        else:
            self._day_checkpoint_in_slices(snap, key)

    def _day_checkpoint_in_slices(self, live: Snapshot, key: str) -> None:
        """A large floor's day checkpoint, taken now and encoded a slice of cases per turn of the
        loop like the periodic one (encoded whole, the load centre's held the loop 25-280 ms at
        every day's start); submitted on its own, with its day's key, after its events. Unlike
        the periodic one, a stop does not drop it: it is finished at once (``checkpoint_at_head``).
        """
        assert self._loop is not None
        cases = [msgspec.structs.replace(c) for c in live.cases]
        head, tail = protocol.snapshot_frame_parts(msgspec.structs.replace(live, cases=[]))
        taken = _DayCheckpoint(live.seq, live.at or "", cases, head, tail)

        async def encode_and_submit() -> None:
            parts: list[bytes] = []
            for start in range(0, len(cases), CHECKPOINT_SLICE):
                await asyncio.sleep(0)
                parts.append(protocol.encode_list_items(cases[start : start + CHECKPOINT_SLICE]))
            self._day_slicing.pop(key, None)
            self._submit_day(key, taken, b",".join(parts))

        task = self._loop.create_task(encode_and_submit(), name=f"day checkpoint {live.seq}")
        self._day_slicing[key] = (task, taken)

    def _submit_day(self, key: str, taken: _DayCheckpoint, cases: bytes) -> None:
        writer = self.writer
        if writer is None:
            return
        with contextlib.suppress(RuntimeError):  # the writer closed meanwhile
            writer.submit(
                checkpoint=(taken.seq, taken.at, b"".join((taken.head, cases, taken.tail))),
                meta={key: str(taken.seq)},
            )

    def _checkpoint_in_slices(self, live: Snapshot) -> None:
        """A large floor's checkpoint at the head, taken now and encoded a slice of cases per turn
        of the loop (at once it stopped the loop 25 to 280 ms, the longest step in a storm);
        then submitted on its own, so after every event up to its seq."""
        assert self._loop is not None
        # Taken in this step: the cases copied (the reducer sets their fields in place), the rest
        # encoded now; the same bytes as encoding it whole (the snapshot frame's, a test says so).
        cases = [msgspec.structs.replace(c) for c in live.cases]
        head, tail = protocol.snapshot_frame_parts(msgspec.structs.replace(live, cases=[]))
        seq, at = live.seq, live.at

        async def encode_and_submit() -> None:
            parts: list[bytes] = []
            for start in range(0, len(cases), CHECKPOINT_SLICE):
                await asyncio.sleep(0)
                parts.append(protocol.encode_list_items(cases[start : start + CHECKPOINT_SLICE]))
            writer = self.writer
            if writer is None or self._checkpointing is not task:
                return  # stopping: the checkpoint at the head replaces it
            with contextlib.suppress(RuntimeError):  # the writer closed meanwhile
                writer.submit(checkpoint=(seq, at, b"".join((head, b",".join(parts), tail))))
            self._checkpointing = None

        task = self._loop.create_task(encode_and_submit(), name=f"checkpoint {seq}")
        self._checkpointing = task

    def _prune_at_day_start(self) -> None:
        """At each business day's start (and the first after a start), ask the writer to prune."""
        centre = self.state.centre
        day = centre.day_started_at
        if not self._keep_days or day is None or day == self._pruned_for or self.writer is None:
            return
        self._pruned_for = day
        self.writer.request_prune(cut_for(day, self._keep_days, centre.timezone, centre.day_starts))

    def persist_clock(self) -> None:
        """Send the driver's clock to the store if it has moved on, even when no events flow."""
        assert self._driver is not None
        if self._driver.now_ms > self._clock_submitted_ms:
            self.submit([])

    def checkpoint_at_head(self) -> None:
        """A checkpoint at the head (on a clean stop), so a restart replays nothing; none if one is there."""
        for key, (task, taken) in list(self._day_slicing.items()):  # a day's start: never dropped
            task.cancel()
            self._submit_day(key, taken, protocol.encode_list_items(taken.cases))
        self._day_slicing.clear()
        sliced, self._checkpointing = self._checkpointing, None
        if sliced is not None:
            sliced.cancel()  # not submitted yet: this one replaces it
        if sliced is not None or self.seq > self._last_checkpoint_seq:
            self.submit([], checkpoint=True)

    def new_flag_id(self) -> str:
        """The next flag id; the store keeps the counter with the events that use it."""
        self._flag_no += 1
        return f"F-{self._flag_no:06d}"

    # -- commit ------------------------------------------------------------------------

    def _committed_from_writer(self, seq: int, ticket: int) -> None:
        """Called on the writer thread after each commit."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # loop closing during shutdown
                loop.call_soon_threadsafe(self._on_committed, seq, ticket)

    def _health_from_writer(self, health: StoreHealth) -> None:
        """Called on the writer thread when the store's health changes."""
        loop, on_health = self._loop, self._on_health
        if loop is not None and on_health is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # loop closing during shutdown
                loop.call_soon_threadsafe(on_health, health)

    @property
    def uncommitted_tickets(self) -> bool:
        """Whether something submitted is not committed yet (loop side)."""
        return self.writer is not None and self._committed_ticket < self.writer.last_ticket

    def _on_committed(self, seq: int, ticket: int) -> None:
        if seq > self.committed_seq:
            raws: list[bytes] = []
            types: list[str] = []
            first = self.committed_seq + 1
            while self._pending and self._pending[0].last_seq <= seq:
                batch = self._pending.popleft()
                raws.extend(batch.raws)
                types.extend(batch.types)
                self._committed_at_ms = batch.at_ms
            self.committed_seq = seq
            self._publish(first, raws, types)
        self._committed_ticket = max(self._committed_ticket, ticket)
        if self.writer is not None and self.writer.journal_from > self.journal.first_seq:
            # Retention pruned the store's journal: resuming from before it gets a snapshot here too.
            self.journal.drop_before(self.writer.journal_from)
        while self._clock_tickets and self._clock_tickets[0][0] <= ticket:
            self._persisted_clock_ms = max(self._persisted_clock_ms, self._clock_tickets.popleft()[1])
        self._ticket_waiters = self._release(self._ticket_waiters, ticket)
        self._seq_waiters = self._release(self._seq_waiters, self.committed_seq)

    @staticmethod
    def _release(
        waiters: list[tuple[int, asyncio.Future[None]]], reached: int
    ) -> list[tuple[int, asyncio.Future[None]]]:
        keep = []
        for wanted, fut in waiters:
            if wanted <= reached:
                if not fut.done():
                    fut.set_result(None)
            else:
                keep.append((wanted, fut))
        return keep

    async def _wait(self, waiters: list[tuple[int, asyncio.Future[None]]], wanted: int, reached: int) -> None:
        if wanted <= reached:
            return
        assert self._loop is not None
        fut: asyncio.Future[None] = self._loop.create_future()
        waiters.append((wanted, fut))
        await fut

    async def wait_committed(self, seq: int) -> None:
        """Return once the store has committed ``seq``."""
        await self._wait(self._seq_waiters, seq, self.committed_seq)

    async def wait_ticket(self, ticket: int) -> None:
        """Return once the store has committed the submit that returned ``ticket``."""
        await self._wait(self._ticket_waiters, ticket, self._committed_ticket)

    def fail_waiters(self, exc: BaseException) -> None:
        """Nothing will commit any more: release everyone waiting for a commit with ``exc``."""
        for _, fut in [*self._ticket_waiters, *self._seq_waiters]:
            if not fut.done():
                fut.set_exception(exc)
        self._ticket_waiters, self._seq_waiters = [], []

    def feed_clock(self) -> str | None:
        """The feed clock clients may see.

        The driver's clock, but no further than the store has persisted it (so it
        never goes back across a restart) and no further than committed events
        while others are still being committed.
        """
        assert self._driver is not None
        if self.committed_seq == self.seq:
            at_ms = min(self._driver.now_ms, self._persisted_clock_ms)
        else:
            at_ms = self._committed_at_ms
        at_ms = max(at_ms, self._committed_at_ms)
        if at_ms <= 0 and not self._last_clock_shown:
            return None  # a gateway fed by adapters before any has said what time it is
        self._last_clock_shown = max(iso(at_ms), self._last_clock_shown)
        return self._last_clock_shown
