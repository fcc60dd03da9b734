"""One connected client: its bounded outbound queue and its place in the stream.

A slow client must never slow the others: frames go into the client's own
queue, and when it falls too far behind its queued events are dropped and it
is sent a fresh snapshot instead. Control frames (acks, errors) are never
dropped. ``next_seq`` is the first event seq this client has not been given,
so events covered by its snapshot or resume are not sent twice.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field

from console.domain.permissions import Role
from console.feeds.protocol import EVENTS_FRAME_HEAD as EVENTS_HEAD
from console.feeds.protocol import EVENTS_FRAME_TAIL as EVENTS_TAIL

# Events frames queued one after another for a client are sent as one of at most this many
# bytes (unless a single frame is larger).
MERGED_BYTES = 1024 * 1024


@dataclass(eq=False)
class ClientSession:
    user: str
    role: Role
    peer: str
    next_seq: int
    max_frames: int = 2000
    max_bytes: int = 32 * 1024 * 1024
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    # (is_event_frame, frame bytes); event frames may be dropped for a snapshot.
    queue: deque[tuple[bool, bytes]] = field(default_factory=deque)
    queued_bytes: int = 0
    needs_snapshot: bool = False
    last_sent: float = field(default_factory=time.monotonic)
    snapshots_sent: int = 0
    overflows: int = 0
    closed: bool = False

    def push_control(self, frame: bytes) -> None:
        self.queue.append((False, frame))
        self.queued_bytes += len(frame)
        self.wakeup.set()

    def push_droppable(self, frame: bytes) -> None:
        """Queue a frame that a snapshot makes moot (a heartbeat)."""
        if not self.needs_snapshot:
            self.queue.append((True, frame))
            self.queued_bytes += len(frame)
            self.wakeup.set()

    def push_events(self, frame: bytes, last_seq: int) -> None:
        """Queue an events frame ending at ``last_seq``; overflow turns into a snapshot."""
        if self.needs_snapshot:
            return
        self.queue.append((True, frame))
        self.queued_bytes += len(frame)
        self.next_seq = last_seq + 1
        if len(self.queue) > self.max_frames or self.queued_bytes > self.max_bytes:
            self.overflows += 1
            self.drop_events()
            self.needs_snapshot = True
        self.wakeup.set()

    def drop_events(self) -> None:
        kept: deque[tuple[bool, bytes]] = deque((is_ev, f) for is_ev, f in self.queue if not is_ev)
        self.queue = kept
        self.queued_bytes = sum(len(f) for _, f in kept)

    def pop(self) -> bytes | None:
        """The next frame to send; events frames queued one after another go as one (up to
        MERGED_BYTES), so a client that fell behind costs one write, not one per commit."""
        if not self.queue:
            return None
        _, frame = self.queue.popleft()
        self.queued_bytes -= len(frame)
        if not frame.startswith(EVENTS_HEAD) or not self.queue:
            return frame
        parts = [frame[len(EVENTS_HEAD) : -len(EVENTS_TAIL)]]
        size = len(frame)
        while self.queue:
            is_ev, following = self.queue[0]
            if not (is_ev and following.startswith(EVENTS_HEAD)) or size + len(following) > MERGED_BYTES:
                break
            self.queue.popleft()
            self.queued_bytes -= len(following)
            size += len(following)
            parts.append(following[len(EVENTS_HEAD) : -len(EVENTS_TAIL)])
        if len(parts) == 1:
            return frame
        return EVENTS_HEAD + b",".join(p for p in parts if p) + EVENTS_TAIL
