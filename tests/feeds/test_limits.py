"""The gateway's abuse limits as plain bookkeeping (console/feeds/gateway/limits.py), headless."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from console.domain.permissions import Role
from console.feeds import protocol
from console.feeds.gateway.limits import (
    AckCache,
    Limits,
    LogThrottle,
    MemoryReturn,
    PendingConnections,
    RateRefusals,
    SignInThrottle,
    TokenBucket,
    cut_text,
    frame_bytes,
    frame_limit,
    summarize_args,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_small_arguments_are_kept_whole() -> None:
    args = {"agent_id": "A001", "state": "not_ready"}
    assert summarize_args(args) is args


def test_megabytes_of_arguments_become_a_summary_of_keys_first_items_and_counts() -> None:
    args = {
        "case_ids": [f"CASE-{i:06d}" for i in range(200_000)],
        "pad": "x" * 4_000_000,
        "to_agent": "A001",
    }
    summary = summarize_args(args, 1024)
    assert len(msgspec.json.encode(summary)) <= 1024
    assert summary["_summary"]["keys"] == 3 and summary["_summary"]["bytes"] > 4_000_000
    assert summary["case_ids"]["list"] == 200_000
    assert summary["case_ids"]["first"][0] == "CASE-000000"
    assert summary["pad"]["text"] == 4_000_000 and summary["pad"]["start"].startswith("xxx")
    assert summary["to_agent"] == "A001"


def test_many_keys_and_deep_nesting_still_fit() -> None:
    args = {f"key{i}-" + "k" * 200: {"nested": [{"deep": "y" * 500}] * 100} for i in range(2000)}
    summary = summarize_args(args, 1024)
    assert len(msgspec.json.encode(summary)) <= 1024
    assert summary["_summary"]["keys"] == 2000


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=30) | st.dictionaries(st.text(max_size=80), inner, max_size=30),
    max_leaves=80,
)


@given(args=st.dictionaries(st.text(max_size=100), json_values, max_size=40), limit=st.integers(200, 2048))
def test_any_summary_fits_its_bound(args: dict[str, Any], limit: int) -> None:
    assert len(msgspec.json.encode(summarize_args(args, limit))) <= limit


def test_cut_text_says_how_long_it_was() -> None:
    assert cut_text("short") == "short"
    cut = cut_text("z" * 10_000, 100)
    assert len(cut) <= 100 and "10000 characters" in cut


def test_frame_limits_by_role() -> None:
    lim = Limits()
    for role in (Role.MANAGER, Role.ADMIN, Role.ADAPTER):
        assert frame_limit(role, lim) == protocol.MAX_WIRE_FRAME
    for role in (Role.VIEWER, Role.SUPERVISOR, Role.QUALITY):
        assert frame_limit(role, lim) == 64 * 1024
    assert frame_bytes("é" * 40_000, 64 * 1024) == 80_000  # bytes, not characters
    assert frame_bytes("x" * 100, 64 * 1024) == 100


def test_token_bucket_allows_a_burst_then_the_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(20, 50, clock)
    assert bucket.ready() and bucket.ready()  # looking takes nothing
    assert all(bucket.take() for _ in range(50))
    assert not bucket.take() and not bucket.ready()
    assert 0 < bucket.retry_after() <= 0.05
    clock.now += 0.1  # two more
    assert bucket.take() and bucket.take() and not bucket.take()
    clock.now += 100  # never more than the burst
    assert sum(bucket.take() for _ in range(100)) == 50


def test_rate_refusals_are_counted_by_action_and_summarized_once() -> None:
    clock = Clock()
    refusals = RateRefusals(clock)
    assert refusals.take_summary() is None
    assert refusals.add("agent.set_state") is True
    assert refusals.add("agent.set_state") is False
    for i in range(30):
        refusals.add(f"junk{i}")
    assert not refusals.due(60)
    clock.now += 61
    assert refusals.due(60)
    summary = refusals.take_summary()
    assert summary is not None and summary["refused"] == 32
    assert summary["by_action"]["agent.set_state"] == 2
    assert len(summary["by_action"]) == RateRefusals.MAX_ACTIONS + 1  # the rest as "(others)"
    assert refusals.count == 0 and refusals.take_summary() is None


def test_pending_connections_are_capped_in_all_and_by_address() -> None:
    closed: set[str] = set()
    pending: PendingConnections[str] = PendingConnections(4, 2, lambda c: c in closed)
    assert pending.admit("a1", "10.0.0.1") is None
    assert pending.admit("a2", "10.0.0.1") is None
    why = pending.admit("a3", "10.0.0.1")
    assert why is not None and "10.0.0.1" in why and "limit is 2" in why
    assert pending.admit("b1", "10.0.0.2") is None
    assert pending.admit("c1", "10.0.0.3") is None
    why = pending.admit("d1", "10.0.0.4")
    assert why is not None and "limit is 4" in why
    pending.release("a1")  # signed in
    assert pending.admit("a3", "10.0.0.1") is None
    closed.add("b1")  # went away unheard of: forgotten when the cap is reached
    assert pending.admit("d1", "10.0.0.4") is None
    assert len(pending) == 4 and pending.count("10.0.0.2") == 0
    pending.release("nobody")


def test_failed_sign_ins_slow_down_then_block_one_address_only() -> None:
    clock = Clock()
    lim = Limits(signin_failures=5, signin_delay_s=0.25, signin_max_delay_s=1.0, signin_block_s=300)
    throttle = SignInThrottle(lim, clock)
    delays = [throttle.failed("10.0.0.9") for _ in range(4)]
    assert delays == [(0.25, False), (0.5, False), (1.0, False), (1.0, False)]
    assert throttle.blocked_for("10.0.0.9") == 0
    assert throttle.failed("10.0.0.9") == (0.0, True)
    assert throttle.blocked_for("10.0.0.9") == 300
    assert throttle.blocked_for("10.0.0.1") == 0  # elsewhere untouched
    clock.now += 299
    assert throttle.blocked_for("10.0.0.9") == 1
    clock.now += 2
    assert throttle.blocked_for("10.0.0.9") == 0
    assert throttle.failed("10.0.0.9") == (0.25, False)  # starts over after the block


def test_failures_outside_the_window_are_forgotten_and_addresses_are_bounded() -> None:
    clock = Clock()
    throttle = SignInThrottle(Limits(signin_failures=3, signin_window_s=60, signin_addresses=100), clock)
    throttle.failed("a")
    throttle.failed("a")
    clock.now += 61
    assert throttle.failed("a") == (0.25, False)
    for i in range(1000):
        throttle.failed(f"10.1.{i // 256}.{i % 256}")
    assert len(throttle._by_address) == 100


def test_log_throttle_says_one_line_per_interval_with_the_count_held_back() -> None:
    clock = Clock()
    throttle: LogThrottle[str] = LogThrottle(60, max_keys=3, clock=clock)
    assert throttle.ready("x") == 0
    assert throttle.ready("x") is None and throttle.ready("x") is None
    assert throttle.ready("y") == 0
    clock.now += 60
    assert throttle.ready("x") == 2
    for k in "abcdef":
        throttle.ready(k)
    assert len(throttle._keys) == 3


def test_ack_cache_is_bounded_in_entries_and_bytes() -> None:
    cache: AckCache[tuple[str, str]] = AckCache(max_entries=10, max_bytes=1000, max_entry=300)
    for i in range(20):
        assert cache.put(("u", str(i)), b"a" * 10)
    assert len(cache) == 10 and cache.get(("u", "19")) == b"a" * 10 and cache.get(("u", "0")) is None
    assert cache.put(("u", "big"), b"b" * 300)
    for i in range(5):
        cache.put(("u", f"m{i}"), b"c" * 200)
    assert cache.bytes <= 1000 and cache.bytes == sum(len(cache.get(k) or b"") for k in list(cache._acks))
    assert not cache.put(("u", "huge"), b"h" * 301)  # too large to keep: answered from the audit
    assert ("u", "huge") not in cache
    cache.put(("u", "m4"), b"d")  # replaced, bytes kept right
    assert cache.bytes == sum(len(v) for v in cache._acks.values())


def test_memory_is_given_back_after_many_connections_closed_at_most_so_often() -> None:
    memory = MemoryReturn(after_closed=3, every_s=10)
    memory.connection_closed()
    memory.connection_closed()
    assert not memory.maybe_trim(100.0)
    memory.connection_closed()
    trimmed = memory.maybe_trim(100.0)
    assert memory.closed == 0
    for _ in range(5):
        memory.connection_closed()
    assert not memory.maybe_trim(105.0)  # too soon
    assert memory.maybe_trim(111.0) == trimmed  # (False only where there is no malloc_trim)
