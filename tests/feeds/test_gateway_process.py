"""The gateway as a real process: its command line, restarts on the same database, determinism."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import msgspec
import pytest

from console.domain.permissions import Role
from console.feeds.sources.simulator.scenario import resolve_scenario
from console.store import Store
from tests.helpers.gateway import START, GatewayThread, WireClient, make_config

ROOT = Path(__file__).resolve().parents[2]


def gateway_cmd(db: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "console.feeds.gateway",
        "--port",
        "0",
        "--db",
        f"sqlite:///{db}",
        "--scenario",
        "bank",
        "--seed",
        "11",
        "--speed",
        "120",
        "--start",
        START,
        "--user",
        "boss:admin:admin-token",
        "--user",
        "wall:viewer:viewer-token",
        *extra,
    ]


@contextmanager
def gateway_process(db: Path, *extra: str, kill: bool = False) -> Iterator[str]:
    """A gateway process; at the end SIGTERM (a clean stop) or, with ``kill``, SIGKILL (a crash)."""
    proc = subprocess.Popen(
        gateway_cmd(db, *extra), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("listening ws://") or not line:
                break
        assert line.startswith("listening ws://"), (
            f"no listening line; stderr: {proc.stderr.read() if proc.stderr else ''}"
        )
        yield line.split()[1]
    finally:
        proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hang is the failure
            proc.kill()
            raise
    if not kill:
        assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""


def test_restart_on_the_same_database_continues_seq_and_cases(tmp_path: Path) -> None:
    db = tmp_path / "centre.db"

    async def first_run(url: str) -> WireClient:
        c = await WireClient.open(url)
        await c.ready()
        await c.until(lambda cl: cl.state.seq > 800, 60, "800 events")
        await c.close()
        return c

    fast = ("--speed", "480")  # the same centre, four times as fast: the test is about a restart
    with gateway_process(db, *fast) as url:
        before = asyncio.run(first_run(url))
    k = before.state.seq
    clock_before = before.state.at
    cases_before = {cid: c.version for cid, c in before.state.cases.items()}

    async def second_run(url: str) -> tuple[WireClient, WireClient]:
        resumed = await WireClient.open(url, resume_from=k)
        resumed.resume_state(before.state)
        await resumed.until(lambda cl: cl.welcome is not None, what="welcome")
        assert resumed.welcome is not None
        last_of_first_run = resumed.welcome["seq"]
        assert last_of_first_run >= k
        await resumed.until(lambda cl: cl.state.seq > last_of_first_run + 200, 60, "events after restart")
        await resumed.until(
            lambda cl: bool(set(cl.state.cases) - set(cases_before)), 90, "a case created after restart"
        )
        fresh = await WireClient.open(url, Role.VIEWER)
        await fresh.ready()
        await resumed.close()
        await fresh.close()
        return resumed, fresh

    with gateway_process(db, *fast) as url:
        resumed, fresh = asyncio.run(second_run(url))

    # Across the restart: no snapshot, no gap, no repeat, and the clock did not go back.
    assert resumed.snapshots == 0
    assert resumed.event_seqs == list(range(k + 1, resumed.state.seq + 1))
    assert resumed.state.skipped == 0
    assert fresh.state.at is not None and clock_before is not None and fresh.state.at > clock_before
    # Cases carried on: each open case is still there (same or newer version) or was closed
    # by a recorded update; no new case reused an old id.
    assert fresh.state.cases
    for cid, version in cases_before.items():
        if cid in fresh.state.cases:
            assert fresh.state.cases[cid].version >= version
    # No id was issued twice across the two runs: every case.created in the journal is new.
    store = Store.open(f"sqlite:///{db}")
    try:
        created = [
            msgspec.json.decode(raw)["data"]["case"]["id"]
            for _, raw in store.events_after(0)
            if b'"type":"case.created"' in raw
        ]
        assert store.last_seq() >= fresh.state.seq
    finally:
        store.close()
    assert len(created) == len(set(created)) > len(cases_before)


def test_bad_scenario_is_refused_with_file_key_and_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = (
        resolve_scenario("single_queue")
        .read_text()
        .replace("arrivals_per_hour = 200", 'arrivals_per_hour = "lots"')
    )
    bad.write_text(text)
    out = subprocess.run(  # noqa: PLW1510 - the return code is asserted
        [
            sys.executable,
            "-m",
            "console.feeds.gateway",
            "--scenario",
            str(bad),
            "--db",
            f"sqlite:///{tmp_path}/x.db",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert str(bad) in out.stderr and "arrivals_per_hour" in out.stderr, out.stderr


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["--user", "ann:emperor:tok"], "unknown role 'emperor'"),
        (["--user", "ann-without-role"], "NAME:ROLE:TOKEN"),
        (["--speed", "0"], "--speed"),
        (["--start", "yesterday"], "yesterday"),
        (["--lang", "xx"], "argument --lang: invalid choice: 'xx'"),
        (["--lang", "zh"], "argument --lang: invalid choice: 'zh'"),
        (["--source", "acd"], "argument --source: invalid choice: 'acd'"),
        (["--source", "adapters", "--load", "100"], "cannot go with --source adapters"),
    ],
)
def test_bad_arguments_are_refused_plainly(tmp_path: Path, args: list[str], mentions: str) -> None:
    out = subprocess.run(  # noqa: PLW1510 - the return code is asserted
        [sys.executable, "-m", "console.feeds.gateway", "--db", f"sqlite:///{tmp_path}/x.db", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )
    assert out.returncode == 2 and mentions in out.stderr, out.stderr


def test_lang_zh_cn_serves_the_bank_in_chinese(tmp_path: Path) -> None:
    async def watch(url: str) -> WireClient:
        c = await WireClient.open(url, Role.VIEWER)
        await c.ready()
        await c.until(lambda cl: cl.state.seq > 1000, 60, "1000 events")
        await c.close()
        return c

    with gateway_process(tmp_path / "zh.db", "--lang", "zh_CN") as url:
        state = asyncio.run(watch(url)).state
    assert state.centre.name == "零售银行客户服务中心"
    assert state.queues["accounts"].name == "个人账户" and state.queues["vip"].name == "贵宾服务"
    assert state.agents["A001"].name == "王伟" and state.agents["A001"].team == "综合咨询组（早班）"


def test_same_seed_scenario_and_start_give_the_same_events_at_any_speed(tmp_path: Path) -> None:
    journals = []
    for speed in (200.0, 1600.0):
        config = make_config(tmp_path / f"s{speed}", speed=speed)
        (tmp_path / f"s{speed}").mkdir()
        with GatewayThread(config) as gw:
            deadline = time.monotonic() + 60
            while gw.call(lambda g=gw: g.gateway.committed_seq) < 1500:  # type: ignore[misc]
                assert time.monotonic() < deadline, "gateway too slow"
                time.sleep(0.1)
            store = gw.gateway.store
            assert store is not None
            journals.append(store.events_after(0, limit=1500))
    assert len(journals[0]) == 1500
    assert journals[0] == journals[1]


def test_after_a_crash_the_feed_clock_and_seq_carry_on(tmp_path: Path) -> None:
    # A closed centre (no arrivals after 09:01; the feed starts at 09:30): no events
    # flow, so heartbeats carry a clock far ahead of the last event.
    quiet = tmp_path / "quiet.toml"
    text = resolve_scenario("single_queue").read_text()
    quiet.write_text(
        text.replace('opens = "00:00"', 'opens = "09:00"').replace('closes = "24:00"', 'closes = "09:01"')
    )
    db = tmp_path / "quiet.db"
    extra = ("--scenario", str(quiet), "--speed", "600")

    async def watch(url: str, heartbeats: int) -> WireClient:
        c = await WireClient.open(url, Role.VIEWER)
        await c.ready()
        await c.until(lambda cl: len(cl.heartbeats) >= heartbeats, 30, "heartbeats")
        await c.close()
        return c

    with gateway_process(db, *extra, kill=True) as url:
        before = asyncio.run(watch(url, 6))
    with gateway_process(db, *extra) as url:
        after = asyncio.run(watch(url, 1))
    assert after.heartbeats[0]["at"] >= before.heartbeats[-1]["at"], "the feed clock went back"
    assert after.state.seq >= before.state.seq, "a seq a client saw was reused"


def test_sigterm_right_after_the_listening_line_is_a_clean_stop(tmp_path: Path) -> None:
    """Whoever waits for "listening" may stop the gateway at once: that is a clean stop (exit 0).

    The signal handlers used to go in after the line was printed, so a SIGTERM sent the
    moment it appeared killed the process (exit -15) about one time in four under load.
    """
    with gateway_process(tmp_path / "g.db"):
        pass  # the context manager sends SIGTERM as soon as the line is read and asserts exit 0
