"""Abuse limits of the gateway: what one client, signed in or not, may cost it.

Plain bookkeeping, no I/O: the gateway (``server``) asks these objects and acts
on their answers, so every rule here has a headless test.

- ``summarize_args``: a refused command's arguments as the audit keeps them,
  cut to a bounded summary (the keys, the first items, counts), never the raw
  megabytes a client sent.
- ``TokenBucket`` and ``RateRefusals``: a per-connection command rate; what is
  over it is refused (``rate_limited``) and audited as one counted summary.
- ``frame_limit``: the largest frame each role may send once signed in (before
  sign-in the server's own ``max_size`` holds a connection to ``Limits.hello_frame``).
- ``PendingConnections``: the cap on connections that have not signed in,
  in total and per address.
- ``SignInThrottle``: failed sign-ins from one address are answered ever more
  slowly, then refused for a while (close code 4429); other addresses are not
  affected.
- ``LogThrottle``: one log line per key per interval, with the count of those held back.
- ``AckCache``: the command acks remembered for re-sends, bounded in entries and bytes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec

from console.domain.permissions import Role
from console.feeds import protocol

K = TypeVar("K", bound=Hashable)
C = TypeVar("C", bound=Hashable)

KIB = 1024
MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The numbers (docs/security.md, "Abuse limits"); tests make some of them small or quick."""

    #: Largest audited summary of a refused command's arguments (bytes of JSON).
    audit_args_bytes: int = 1 * KIB
    #: Longest error message kept with a refused command (ack and audit).
    audit_message_chars: int = 1 * KIB
    #: Commands per second a connection may send on average, and in a burst.
    command_rate: float = 20.0
    command_burst: int = 50
    #: A connection's rate-limited commands are audited as one summary at most this often.
    rate_summary_s: float = 60.0
    #: Largest frame before sign-in (the hello): the server's websocket ``max_size``.
    hello_frame: int = 16 * KIB
    #: Largest frame of a signed-in viewer, supervisor or quality user; managers, admins
    #: (bulk reassignment) and adapters (publish) may send up to protocol.MAX_WIRE_FRAME.
    small_frame: int = 64 * KIB
    #: Longest command id (longer ones are refused as bad frames, not audited).
    command_id_chars: int = 200
    #: Bad frames (not a hello) a connection may send before signing in; one more closes it.
    bad_frames_before_hello: int = 10
    #: Connections that have not signed in: at most this many in all, and from one address.
    pending_total: int = 256
    pending_per_address: int = 32
    #: Failed sign-ins from one address: the k-th within ``signin_window_s`` is answered
    #: after min(signin_delay_s * 2**(k-1), signin_max_delay_s); the ``signin_failures``-th
    #: blocks the address for ``signin_block_s`` (every hello from it closed with 4429).
    signin_failures: int = 10
    signin_window_s: float = 600.0
    signin_delay_s: float = 0.25
    signin_max_delay_s: float = 4.0
    signin_block_s: float = 300.0
    #: Addresses remembered by the sign-in throttle (the oldest forgotten first).
    signin_addresses: int = 65_536
    #: One log line per address (or kind of trouble) per this many seconds.
    log_interval_s: float = 60.0
    #: Acks remembered for re-sent command ids: entries, bytes in all, bytes of one.
    ack_entries: int = 10_000
    ack_bytes: int = 16 * MIB
    ack_entry_bytes: int = 256 * KIB


# -- the audit's summary of a refused command's arguments ------------------------------

_STRING_CHARS = 64
_KEY_CHARS = 64


def summarize_args(args: dict[str, Any], max_bytes: int = 1 * KIB) -> dict[str, Any]:
    """``args`` as the audit keeps them for a refused command: whole if small, else a summary.

    The summary keeps the keys (the first ones, named), and for each value its
    kind with the first items and counts (``{"list": 100000, "first": [...]}``,
    ``{"text": 4194304, "start": "xxxx"}``), plus ``"_summary": {"bytes": n,
    "keys": k}``: the size of what was sent. Its JSON is never over ``max_bytes``.
    """
    raw = msgspec.json.encode(args)
    if len(raw) <= max_bytes:
        return args
    head: dict[str, Any] = {"_summary": {"bytes": len(raw), "keys": len(args)}}
    # Try richer summaries first, then ever leaner ones, until one fits.
    for items, chars, keys in ((3, _STRING_CHARS, 20), (1, 16, 10), (0, 0, 5)):
        out = dict(head)
        for key in list(args)[:keys]:
            out[_cut(str(key), _KEY_CHARS)] = _summarize_value(args[key], items, chars, depth=2)
        if len(msgspec.json.encode(out)) <= max_bytes:
            return out
    return head


def _summarize_value(value: Any, items: int, chars: int, depth: int) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        if len(value) <= chars:
            return value
        return {"text": len(value), "start": value[:chars]}
    if isinstance(value, list | tuple):
        first = [_summarize_value(v, items, chars, depth - 1) for v in value[:items]] if depth > 0 else []
        return {"list": len(value), "first": first}
    if isinstance(value, dict):
        keys = list(value)[: max(items, 1) * 2]
        fields = (
            {_cut(str(k), _KEY_CHARS): _summarize_value(value[k], items, chars, depth - 1) for k in keys}
            if depth > 0 and items > 0
            else {}
        )
        return {"object": len(value), "first": fields}
    return {"kind": type(value).__name__}


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[:chars] + "…"


def cut_text(text: str, chars: int = 1 * KIB) -> str:
    """``text`` cut to at most ``chars`` characters (saying how long it was)."""
    if len(text) <= chars:
        return text
    note = f"… ({len(text)} characters)"
    return text[: max(0, chars - len(note))] + note


# -- frame sizes --------------------------------------------------------------------------


def frame_limit(role: Role, limits: Limits) -> int:
    """The largest frame (bytes) a signed-in user of ``role`` may send."""
    if role in (Role.MANAGER, Role.ADMIN, Role.ADAPTER):
        return protocol.MAX_WIRE_FRAME
    return limits.small_frame


def frame_bytes(message: str | bytes, limit: int) -> int:
    """The frame's size in bytes, computed exactly only when it might be over ``limit``."""
    if isinstance(message, bytes) or len(message) * 4 <= limit:
        return len(message)  # a str's length in characters is its size in bytes at most a fourth
    return len(message.encode("utf-8", "surrogatepass"))


# -- command rate -------------------------------------------------------------------------


class TokenBucket:
    """``rate`` tokens a second up to ``burst``; each command takes one."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._at = clock()

    def take(self) -> bool:
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False

    def ready(self) -> bool:
        """Whether a token is there now (without taking it)."""
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate)
        self._at = now
        return self._tokens >= 1.0

    def retry_after(self) -> float:
        """Seconds until the next command would be taken."""
        return max(0.0, (1.0 - self._tokens) / self.rate)


class RateRefusals:
    """A connection's commands refused for its rate since they were last audited, counted by action."""

    MAX_ACTIONS = 20

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.count = 0
        self.by_action: dict[str, int] = {}
        self.first_at: float | None = None

    def add(self, action: str) -> bool:
        """Count one; True if it is the first since the last summary (the one to log)."""
        first = self.count == 0
        if first:
            self.first_at = self._clock()
        self.count += 1
        name = _cut(action, _KEY_CHARS)
        if name in self.by_action or len(self.by_action) < self.MAX_ACTIONS:
            self.by_action[name] = self.by_action.get(name, 0) + 1
        else:
            self.by_action["(others)"] = self.by_action.get("(others)", 0) + 1
        return first

    def due(self, every_s: float) -> bool:
        """Whether a summary should be audited now (refusals waiting for ``every_s`` or more)."""
        return self.first_at is not None and self._clock() - self.first_at >= every_s

    def take_summary(self) -> dict[str, Any] | None:
        """The audit arguments of the refusals counted so far (and start counting afresh); None if none."""
        if not self.count:
            return None
        summary = {
            "refused": self.count,
            "by_action": dict(self.by_action),
            "over_s": round(self._clock() - (self.first_at or 0.0), 3),
        }
        self.count, self.by_action, self.first_at = 0, {}, None
        return summary


# -- connections that have not signed in ----------------------------------------------------


class PendingConnections(Generic[C]):
    """Connections between the handshake and a good hello, capped in all and per address.

    ``is_closed`` tells a connection that went away without the gateway hearing of it
    (a handshake that failed after it was admitted): it is forgotten at the next admission.
    """

    def __init__(self, total: int, per_address: int, is_closed: Callable[[C], bool]) -> None:
        self.total = total
        self.per_address = per_address
        self._is_closed = is_closed
        self._by_conn: dict[C, str] = {}
        self._by_address: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._by_conn)

    def count(self, address: str) -> int:
        return self._by_address.get(address, 0)

    def admit(self, conn: C, address: str) -> str | None:
        """Count ``conn`` in, or say why not (the cap it would pass)."""
        if len(self._by_conn) >= self.total or self._by_address.get(address, 0) >= self.per_address:
            for gone in [c for c in self._by_conn if self._is_closed(c)]:
                self.release(gone)
        if len(self._by_conn) >= self.total:
            return f"{len(self._by_conn)} connections are waiting to sign in (the limit is {self.total})"
        if self._by_address.get(address, 0) >= self.per_address:
            return (
                f"{self._by_address[address]} connections from {address} are waiting to sign in "
                f"(the limit is {self.per_address})"
            )
        self._by_conn[conn] = address
        self._by_address[address] = self._by_address.get(address, 0) + 1
        return None

    def release(self, conn: C) -> None:
        """``conn`` signed in or closed: it no longer counts."""
        address = self._by_conn.pop(conn, None)
        if address is None:
            return
        left = self._by_address[address] - 1
        if left:
            self._by_address[address] = left
        else:
            del self._by_address[address]


# -- failed sign-ins ------------------------------------------------------------------------


@dataclass
class _Failures:
    times: list[float]
    blocked_until: float = 0.0


class SignInThrottle:
    """Failed sign-ins by address: a growing delay, then a block for a while."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._by_address: OrderedDict[str, _Failures] = OrderedDict()

    def blocked_for(self, address: str) -> float:
        """Seconds the address stays refused (0: it may try)."""
        found = self._by_address.get(address)
        if found is None:
            return 0.0
        return max(0.0, found.blocked_until - self._clock())

    def failed(self, address: str) -> tuple[float, bool]:
        """Record a failed sign-in: (the delay before answering it, whether the address is now blocked)."""
        lim, now = self.limits, self._clock()
        found = self._by_address.pop(address, None) or _Failures(times=[])
        self._by_address[address] = found  # the most recent last: the oldest go first
        found.times = [t for t in found.times if now - t < lim.signin_window_s]
        found.times.append(now)
        while len(self._by_address) > lim.signin_addresses:
            self._by_address.popitem(last=False)
        k = len(found.times)
        if k >= lim.signin_failures:
            found.blocked_until = now + lim.signin_block_s
            found.times = []
            return 0.0, True
        return min(lim.signin_delay_s * 2 ** (k - 1), lim.signin_max_delay_s), False

    def failures(self, address: str) -> int:
        found = self._by_address.get(address)
        return 0 if found is None else len(found.times)


# -- log lines --------------------------------------------------------------------------------


class LogThrottle(Generic[K]):
    """At most one log line per key per ``interval_s``; counts the lines held back."""

    def __init__(
        self, interval_s: float, max_keys: int = 4096, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval_s = interval_s
        self.max_keys = max_keys
        self._clock = clock
        self._keys: OrderedDict[K, tuple[float, int]] = OrderedDict()

    def ready(self, key: K) -> int | None:
        """None: hold this line back; else log it, saying how many were held back (an int >= 0)."""
        now = self._clock()
        found = self._keys.get(key)
        if found is not None and now - found[0] < self.interval_s:
            self._keys[key] = (found[0], found[1] + 1)
            return None
        held = found[1] if found is not None else 0
        self._keys.pop(key, None)
        self._keys[key] = (now, 0)
        while len(self._keys) > self.max_keys:
            self._keys.popitem(last=False)
        return held


# -- the command ack cache --------------------------------------------------------------------


class AckCache(Generic[K]):
    """Encoded acks by (user, command id), the oldest forgotten first: bounded in entries and bytes.

    An ack larger than ``max_entry`` is not kept at all: a re-send of its id is
    answered from the audit, as after a restart (``Gateway._apply_command``).
    """

    def __init__(self, max_entries: int, max_bytes: int, max_entry: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry = max_entry
        self.bytes = 0
        self._acks: OrderedDict[K, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._acks)

    def __contains__(self, key: object) -> bool:
        return key in self._acks

    def get(self, key: K) -> bytes | None:
        return self._acks.get(key)

    def put(self, key: K, frame: bytes) -> bool:
        """Remember ``frame``; False if it is too large to keep."""
        old = self._acks.pop(key, None)
        if old is not None:
            self.bytes -= len(old)
        if len(frame) > self.max_entry:
            return False
        self._acks[key] = frame
        self.bytes += len(frame)
        while len(self._acks) > self.max_entries or self.bytes > self.max_bytes:
            _, dropped = self._acks.popitem(last=False)
            self.bytes -= len(dropped)
        return True


class ConnectionGuard:
    """One signed-in connection's limits: its frame size, its command rate and what was refused for it."""

    def __init__(self, role: Role, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.frame_limit = frame_limit(role, limits)
        self.bucket = TokenBucket(limits.command_rate, limits.command_burst, clock)
        self.refusals = RateRefusals(clock)


# -- memory given back --------------------------------------------------------------------------


def _load_malloc_trim() -> Callable[[int], int] | None:
    try:
        name = ctypes.util.find_library("c")
        if name is None:
            return None
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to do
        return None
    return trim


_malloc_trim = _load_malloc_trim()


class MemoryReturn:
    """After many connections have closed, hand the C heap's free pages back to the system.

    glibc keeps freed memory for reuse: without this the gateway stays at the size the
    busiest moment gave it (2,000 idle connections opened and closed: +90 MB kept).
    """

    def __init__(self, after_closed: int = 100, every_s: float = 10.0) -> None:
        self.after_closed = after_closed
        self.every_s = every_s
        self.closed = 0
        self._last = 0.0
        self.trims = 0

    def connection_closed(self) -> None:
        self.closed += 1

    def maybe_trim(self, now: float) -> bool:
        """Trim if enough connections closed since the last time (at most every ``every_s``)."""
        if self.closed < self.after_closed or now - self._last < self.every_s:
            return False
        self.closed, self._last = 0, now
        if _malloc_trim is None:
            return False
        _malloc_trim(0)
        self.trims += 1
        return True
