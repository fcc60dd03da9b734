"""Arbitrary frames at a live gateway: each gets one clear answer, and nothing else is disturbed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.domain.permissions import Role
from console.store import Store
from tests.helpers.gateway import GatewayThread, WireClient, make_config

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
agent_ids = st.sampled_from(["A001", "A002", "A050", "nobody", ""]) | st.text(max_size=5)
set_state_args = st.fixed_dictionaries(
    {},
    optional={
        "agent_id": agent_ids | values,
        "state": st.sampled_from(["available", "not_ready", "offline", "on_call", "asleep"]) | values,
        "reason": st.sampled_from(["break", "lunch", "coaching", "nap"]) | values,
        "extra": values,
    },
)
commands = st.fixed_dictionaries(
    {"op": st.just("command")},
    optional={
        "id": st.text(min_size=1, max_size=8) | values,
        "action": st.sampled_from(["agent.set_state", "case.reassign", "call.move", "x"]) | values,
        "args": set_state_args | values,
    },
)
frames = st.one_of(
    commands.map(json.dumps),
    st.fixed_dictionaries(
        {"op": st.sampled_from(["hello", "bye", "events"])}, optional={"protocol": values}
    ).map(json.dumps),
    values.map(json.dumps),
    st.text(max_size=60),
    st.binary(max_size=30),
)


def test_fuzzed_frames_each_get_one_answer_and_the_stream_stays_whole(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path, speed=120.0)) as gw:
        loop = asyncio.new_event_loop()
        try:
            fuzzer: WireClient = loop.run_until_complete(WireClient.open(gw.url, Role.ADMIN))
            bystander: WireClient = loop.run_until_complete(WireClient.open(gw.url, Role.VIEWER))
            loop.run_until_complete(fuzzer.ready())
            loop.run_until_complete(bystander.ready())
            answered = [0]

            async def exchange(frame: str | bytes) -> None:
                before = len(fuzzer.errors) + len(fuzzer.frames)
                await fuzzer.send(frame)
                await fuzzer.until(
                    lambda c: len(c.errors) + len(c.frames) > before, 10, f"answer to {frame!r:.80}"
                )
                answered[0] += 1

            @settings(max_examples=150, suppress_health_check=list(HealthCheck))
            @given(frames)
            def one(frame: Any) -> None:
                loop.run_until_complete(exchange(frame))

            one()
            assert answered[0] >= 100
            # The fuzzing connection is still open and still gapless (WireClient checks every seq).
            seq = fuzzer.state.seq
            loop.run_until_complete(fuzzer.until(lambda c: c.state.seq > seq, 20, "events after fuzzing"))
            loop.run_until_complete(
                bystander.until(lambda c: c.state.seq >= fuzzer.state.seq, 20, "bystander")
            )
            assert fuzzer.state.skipped == 0 and bystander.state.skipped == 0
            loop.run_until_complete(fuzzer.close())
            loop.run_until_complete(bystander.close())
        finally:
            loop.close()
    # The journal is whole and the store re-opens.
    store = Store.open(f"sqlite:///{tmp_path / 'gateway.db'}")
    try:
        assert store.last_seq() >= fuzzer.state.seq
        assert len(store.events_after(0)) == store.last_seq()
    finally:
        store.close()
