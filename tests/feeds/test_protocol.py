"""Client-frame decoding, the resume journal and per-client queues."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.permissions import Role
from console.feeds.gateway.journal import ResumeJournal
from console.feeds.gateway.session import ClientSession
from console.feeds.protocol import Command, Hello, ProtocolError, decode_client_frame, events_frame


def test_good_frames_decode() -> None:
    hello = decode_client_frame('{"op":"hello","protocol":1,"token":"t","resume_from":41,"extra":1}')
    assert hello == Hello(protocol=1, token="t", resume_from=41)
    cmd = decode_client_frame('{"op":"command","id":"c1","action":"agent.set_state","args":{"a":1}}')
    assert cmd == Command(id="c1", action="agent.set_state", args={"a": 1})


@pytest.mark.parametrize(
    ("frame", "code", "mentions"),
    [
        ("{", "bad_json", "JSON"),
        ("42", "bad_frame", "object"),
        ('{"op": 3}', "bad_frame", "op"),
        ('{"op": "bye"}', "unknown_op", "bye"),
        ('{"op": "hello"}', "bad_frame", "protocol"),
        ('{"op": "hello", "protocol": "1"}', "bad_frame", "$.protocol"),
        ('{"op": "command", "id": "x", "action": "a", "args": "no"}', "bad_frame", "$.args"),
        (b"{}", "binary_frame", "text"),
    ],
)
def test_bad_frames_name_what_is_wrong(frame: str | bytes, code: str, mentions: str) -> None:
    with pytest.raises(ProtocolError) as info:
        decode_client_frame(frame)
    assert info.value.code == code and mentions in info.value.message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@given(
    st.one_of(
        st.text(max_size=200),
        st.binary(max_size=50),
        json_values.map(json.dumps),
        st.fixed_dictionaries(
            {"op": st.sampled_from(["hello", "command", "x"])},
            optional={"id": json_values, "args": json_values},
        ).map(json.dumps),
    )
)
def test_any_input_decodes_or_is_refused_cleanly(frame: str | bytes) -> None:
    try:
        decoded: Any = decode_client_frame(frame)
    except ProtocolError as exc:
        assert exc.code and exc.message
    else:
        assert isinstance(decoded, Hello | Command)


def test_events_frame_is_valid_json() -> None:
    frame = events_frame([b'{"seq":1}', b'{"seq":2}'])
    assert json.loads(frame) == {"op": "events", "events": [{"seq": 1}, {"seq": 2}]}


def test_journal_serves_what_it_holds_and_refuses_the_rest() -> None:
    j = ResumeJournal(min_events=3, max_events=5, keep_s=10)
    for seq in range(1, 5):
        j.append(seq, b"%d" % seq, 0)
    assert j.after(1, 4) == [b"2", b"3", b"4"]
    assert j.after(0, 2) == [b"1", b"2"]
    assert j.after(4, 4) == []
    assert j.after(4, 5) is None  # not yet held
    j.append(5, b"5", 100_000)  # the feed clock moved on: everything else is older than keep_s
    assert len(j) == 3 and j.first_seq == 3
    assert j.after(1, 5) is None and j.after(2, 5) == [b"3", b"4", b"5"]
    for seq in range(6, 20):
        j.append(seq, b"x", 100_000)
    assert len(j) == 5 and j.first_seq == 15  # young events are kept up to max_events
    with pytest.raises(ValueError, match="expected seq 20"):
        j.append(21, b"gap", 100_000)


def test_journal_extend_keeps_what_appending_one_by_one_keeps() -> None:
    one = ResumeJournal(min_events=3, max_events=5, keep_s=10)
    many = ResumeJournal(min_events=3, max_events=5, keep_s=10)
    batches = [[b"1", b"2"], [], [b"3", b"4", b"5", b"6", b"7"], [b"8"]]
    first = 1
    for i, batch in enumerate(batches):
        at_ms = 100_000 * i  # a batch's events share its time on the feed clock
        for k, raw in enumerate(batch):
            one.append(first + k, raw, at_ms)
        many.extend(first, batch, at_ms)
        first += len(batch)
        assert (many.first_seq, many.last_seq, len(many)) == (one.first_seq, one.last_seq, len(one))
        assert many.after(many.first_seq - 1, many.last_seq) == one.after(one.first_seq - 1, one.last_seq)
    with pytest.raises(ValueError, match="expected seq 9"):
        many.extend(10, [b"gap"], 400_000)


def test_journal_caps_memory_even_for_young_events() -> None:
    j = ResumeJournal(min_events=2, max_events=4, keep_s=3600)
    for seq in range(1, 11):
        j.append(seq, b"e", 0)
    assert len(j) == 4 and j.first_seq == 7


def test_the_journals_hour_is_an_hour_of_the_feed_clock_not_of_the_wall() -> None:
    # A simulation at 5,000x: a minute of the floor every 12 ms of the wall. The journal keeps
    # the events of the last hour of the floor (and min_events), not days of it.
    j = ResumeJournal(min_events=10, max_events=1_000_000, keep_s=3600)
    minute = 60_000
    for seq in range(1, 24 * 60 + 1):  # a simulated day, an event a minute
        j.append(seq, b"e", seq * minute)
    assert len(j) == 61  # the events at 23:00 .. 24:00 of the floor
    assert j.first_seq == 24 * 60 - 60
    # Time that stands still (a burst at one instant) keeps everything up to max_events.
    for seq in range(24 * 60 + 1, 24 * 60 + 501):
        j.append(seq, b"e", 24 * 60 * minute)
    assert len(j) == 561


def test_overflowing_client_drops_events_but_keeps_acks() -> None:
    s = ClientSession(user="u", role=Role.VIEWER, peer="p", next_seq=1, max_frames=3)
    s.push_events(b"e1", 1)
    s.push_control(b"ack")
    s.push_events(b"e2", 2)
    assert not s.needs_snapshot
    s.push_events(b"e3", 3)
    assert s.needs_snapshot and s.overflows == 1
    assert list(s.queue) == [(False, b"ack")] and s.queued_bytes == 3
    s.push_events(b"e4", 4)  # ignored until the snapshot is sent
    assert s.pop() == b"ack" and s.pop() is None


def test_the_resume_journal_forgets_what_the_store_pruned() -> None:
    journal = ResumeJournal(min_events=10)
    for seq in range(1, 8):
        journal.append(seq, b"%d" % seq, 0)
    journal.drop_before(4)
    assert journal.first_seq == 4 and len(journal) == 4
    assert journal.after(2, 7) is None  # pruned: the client gets a snapshot
    assert journal.after(3, 7) == [b"4", b"5", b"6", b"7"]
    journal.drop_before(100)  # everything: empty, and the next append follows on
    assert len(journal) == 0 and journal.after(7, 7) == []
    journal.append(8, b"8", 0)
    assert journal.after(7, 8) == [b"8"]


class _ListJournal:
    """The journal's rules on a plain list, one event at a time: what the blocks must keep."""

    def __init__(self, *, min_events: int, max_events: int, keep_ms: int) -> None:
        self.min, self.max, self.keep_ms = min_events, max(max_events, min_events), keep_ms
        self.events: list[tuple[int, bytes, int]] = []  # (seq, raw, at_ms)
        self.first_seq = 1

    def extend(self, first_seq: int, raws: list[bytes], at_ms: int) -> None:
        if not raws:
            return
        if not self.events:
            self.first_seq = first_seq
        self.events += [(first_seq + k, raw, at_ms) for k, raw in enumerate(raws)]
        while len(self.events) > self.min and (
            len(self.events) > self.max or self.events[0][2] < at_ms - self.keep_ms
        ):
            self.events.pop(0)
            self.first_seq += 1

    def drop_before(self, seq: int) -> None:
        while self.events and self.events[0][0] < seq:
            self.events.pop(0)
            self.first_seq += 1


@pytest.mark.parametrize("block_events", [1, 3, 7, 64])
def test_the_journals_blocks_keep_and_serve_exactly_what_one_event_at_a_time_would(block_events: int) -> None:
    # Events are kept in blocks joined into one bytes each (for the allocator's sake, the soak):
    # whatever the block size, the journal keeps, drops and serves the same events, in order,
    # gapless, as the plain rules on a list, through batches of every size, time jumps,
    # bursts over max_events and the store's retention.
    rng = random.Random(block_events)
    journal = ResumeJournal(min_events=20, max_events=60, keep_s=10, block_events=block_events)
    model = _ListJournal(min_events=20, max_events=60, keep_ms=10_000)
    seq, at_ms = 0, 0
    for step in range(600):
        if step % 37 == 36:
            cut = seq - rng.randrange(0, 80)
            journal.drop_before(cut)
            model.drop_before(cut)
        else:
            at_ms += rng.choice([0, 0, 100, 1_000, 4_000, 30_000])
            raws = [
                b"e%d-%s" % (seq + 1 + k, b"x" * rng.randrange(0, 40)) for k in range(rng.randrange(0, 90))
            ]
            journal.extend(seq + 1, raws, at_ms)
            model.extend(seq + 1, raws, at_ms)
            seq += len(raws)
        held = [raw for _, raw, _ in model.events]
        assert (journal.first_seq, journal.last_seq, len(journal)) == (model.first_seq, seq, len(held))
        assert journal.after(journal.first_seq - 1, seq) == held
        if held:  # any window inside what is held, and nothing from before it
            lo = rng.randrange(journal.first_seq - 1, seq + 1)
            hi = rng.randrange(lo, seq + 1)
            assert journal.after(lo, hi) == held[lo + 1 - journal.first_seq : hi + 1 - journal.first_seq]
            assert journal.after(journal.first_seq - 2, seq) is None
        assert journal.after(seq, seq + 1) is None  # not yet held


def test_the_journal_keeps_full_blocks_as_one_bytes_each() -> None:
    journal = ResumeJournal(min_events=10, max_events=100, keep_s=3600, block_events=4)
    journal.extend(1, [b"a", b"bb", b"ccc", b"dddd", b"e", b"f", b"g", b"h", b"i"], 0)
    assert journal.encoded_bytes == 15
    assert journal.after(0, 9) == [b"a", b"bb", b"ccc", b"dddd", b"e", b"f", b"g", b"h", b"i"]
    journal.drop_before(3)  # part of the oldest block: its memory stays until all of it goes
    assert journal.first_seq == 3 and len(journal) == 7 and journal.encoded_bytes == 15
    assert journal.after(2, 5) == [b"ccc", b"dddd", b"e"]
    journal.drop_before(5)
    assert journal.encoded_bytes == 5 and journal.after(4, 9) == [b"e", b"f", b"g", b"h", b"i"]
