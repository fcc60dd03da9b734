"""A client that fell behind is sent its queued events frames as one: every event once, in
order, control frames in their place."""

from __future__ import annotations

import msgspec
import pytest

from console.domain.permissions import Role
from console.feeds import protocol
from console.feeds.gateway import session
from console.feeds.gateway.session import ClientSession


def _event(seq: int) -> bytes:
    return b'{"seq":%d,"type":"x"}' % seq


def _frame(first: int, last: int) -> bytes:
    return protocol.events_frame([_event(seq) for seq in range(first, last + 1)])


def _drain(s: ClientSession) -> list[bytes]:
    sent = []
    while (frame := s.pop()) is not None:
        sent.append(frame)
    return sent


def test_queued_events_frames_go_as_one_each_event_once_in_order() -> None:
    s = ClientSession(user="u", role=Role.VIEWER, peer="p", next_seq=1)
    s.push_events(_frame(1, 3), 3)
    s.push_events(_frame(4, 4), 4)
    s.push_events(protocol.events_frame([]), 4)
    s.push_events(_frame(5, 9), 9)
    s.push_control(b'{"op":"ack","id":"c1"}')
    s.push_events(_frame(10, 11), 11)
    s.push_droppable(b'{"op":"heartbeat"}')
    s.push_events(_frame(12, 12), 12)
    sent = _drain(s)
    assert s.queued_bytes == 0
    assert [msgspec.json.decode(f)["op"] for f in sent] == ["events", "ack", "events", "heartbeat", "events"]
    seqs = [
        e["seq"] for f in sent if f.startswith(b'{"op":"events"') for e in msgspec.json.decode(f)["events"]
    ]
    assert seqs == list(range(1, 13))
    assert sent[0] == _frame(1, 9)


def test_a_merged_frame_stays_within_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session, "MERGED_BYTES", 3 * len(_frame(1, 1)))
    s = ClientSession(user="u", role=Role.VIEWER, peer="p", next_seq=1)
    for seq in range(1, 8):
        s.push_events(_frame(seq, seq), seq)
    sent = _drain(s)
    assert [len(msgspec.json.decode(f)["events"]) for f in sent] == [3, 3, 1]
    assert [e["seq"] for f in sent for e in msgspec.json.decode(f)["events"]] == list(range(1, 8))
