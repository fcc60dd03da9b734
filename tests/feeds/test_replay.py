"""The call-log replay as a real process, through a real gateway, watched by a console's wire client.

``python -m console.feeds.replay`` publishes the extract of the bank's log
(tests/data) to a gateway run with ``--source adapters``; a console subscribed
from the start folds the feed event by event. Each business day's figures per
queue, in the console and (for the day still open) in the gateway, must equal a
count made straight from the file's rows (tests/helpers/bank_log_counts.py). A
replay killed with SIGKILL mid-stream and started again with the same arguments
loses and doubles nothing.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest

from console.domain.businessday import next_day_start
from console.domain.clock import to_ms
from console.domain.figures.queues import queue_figures
from console.store import Store
from tests.helpers.bank_log_counts import EXTRACT, count_rows, expected_today, today_of
from tests.helpers.day_watcher import WATCHER_MAX_FRAMES, DayWatcher
from tests.helpers.gateway import GatewayThread, make_config, token

ROOT = Path(__file__).resolve().parents[2]
D1, D2 = "1999-02-10", "1999-02-12"


def replay_cmd(url: str, token_file: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "console.feeds.replay",
        str(EXTRACT),
        "--gateway",
        url,
        "--token-file",
        str(token_file),
        "--format",
        "anonymous-bank",
        "--log-level",
        "WARNING",
        *extra,
    ]


def run_replay(url: str, token_file: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: PLW1510 - the return code is asserted
        replay_cmd(url, token_file, *extra), cwd=ROOT, capture_output=True, text=True, timeout=240
    )


def expected_for(day_started_at: str, calls: Any) -> dict[str, dict[str, float]]:
    start = to_ms(day_started_at)
    return expected_today(calls, start, next_day_start(day_started_at, "Asia/Jerusalem", "00:00"), 30.0)


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    f = tmp_path / "adapter.token"
    f.write_text(token("adapter") + "\n")
    f.chmod(0o600)
    return f


def test_a_replayed_day_shows_the_logs_figures_in_the_gateway_and_the_console(
    tmp_path: Path, token_file: Path
) -> None:
    counted = count_rows(EXTRACT)
    config = make_config(tmp_path, source="adapters", client_max_frames=WATCHER_MAX_FRAMES)
    with GatewayThread(config) as gw:
        watcher = DayWatcher()
        done = asyncio.Event()

        async def scenario() -> list[subprocess.CompletedProcess[str]]:
            follower = await watcher.start(gw.url, done)
            runs = []
            for day in (D1, D2):  # a later --day carries on after an earlier one
                runs.append(
                    await asyncio.to_thread(run_replay, gw.url, token_file, "--day", day, "--speed", "0")
                )
            # The console has caught up once it holds what the gateway committed.
            head = await asyncio.to_thread(gw.call, lambda: gw.gateway.committed_seq)
            await watcher.caught_up(follower, head, timeout=120)
            done.set()
            await follower
            return runs

        runs = asyncio.run(scenario())
        for run in runs:
            assert run.returncode == 0, run.stderr
            assert "0 refused" in run.stdout and "offered" in run.stdout
        gateway_today = gw.call(lambda: today_of(gw.gateway.state))
        gateway_started = gw.call(lambda: gw.gateway.state.centre.day_started_at)
        assert gw.gateway.refused_events == 0
    watcher.close_day()
    # 10 Feb, 11 Feb (calls of the 10th ending after midnight), 12 Feb (a Friday).
    assert sorted(watcher.days) == [
        "1999-02-09T22:00:00.000Z",
        "1999-02-10T22:00:00.000Z",
        "1999-02-11T22:00:00.000Z",
    ]
    for started, figures in watcher.days.items():
        assert figures == expected_for(started, counted.calls), started
    assert watcher.state.skipped == 0
    # The gateway's own floor for the day still open, and the console's queue rows for it.
    assert gateway_started == "1999-02-11T22:00:00.000Z"
    assert gateway_today == expected_for(gateway_started, counted.calls)
    expected = expected_for(gateway_started, counted.calls)
    rows = {r.queue_id: r for r in queue_figures(watcher.state, to_ms(watcher.state.at or ""))}
    for qid, want in expected.items():
        today = rows[qid].today
        assert (today.offered, today.answered, today.abandoned, today.max_waiting) == (
            want["offered"],
            want["answered"],
            want["abandoned"],
            want["max_waiting"],
        )
        if want["answered"]:
            assert today.asa_s == pytest.approx(want["wait_answered_s"] / want["answered"])


def test_a_replay_killed_mid_stream_carries_on_and_doubles_nothing(tmp_path: Path, token_file: Path) -> None:
    config = make_config(tmp_path, source="adapters")
    counted = count_rows(EXTRACT)
    with GatewayThread(config) as gw:
        proc = subprocess.Popen(
            replay_cmd(gw.url, token_file, "--day", D1, "--speed", "0"),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while gw.call(lambda: gw.gateway.committed_seq) < 2000:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        killed_at = gw.call(lambda: gw.gateway.committed_seq)
        again = run_replay(gw.url, token_file, "--day", D1, "--speed", "0")
        assert again.returncode == 0, again.stderr
        assert "already there" in again.stdout
        started = gw.call(lambda: gw.gateway.state.centre.day_started_at)
        final = gw.call(lambda: gw.gateway.committed_seq)
        rerun = run_replay(gw.url, token_file, "--day", D1, "--speed", "0")
        assert rerun.returncode == 0 and "published 0 events" in rerun.stdout, rerun.stdout
        assert gw.call(lambda: gw.gateway.committed_seq) == final
    assert 2000 <= killed_at < final
    store = Store.open(config.db_url or "")
    try:
        events = [msgspec.json.decode(raw) for _, raw in store.events_after(0)]
    finally:
        store.close()
    assert [e["seq"] for e in events] == list(range(1, final + 1))
    queued = [e["data"]["call_id"] for e in events if e["type"] == "call.queued"]
    assert len(queued) == len(set(queued))  # nothing doubled
    day_calls = [c for c in counted.calls if c.offered_ms < to_ms("1999-02-11T22:00:00Z")]  # the 10th's
    assert len(queued) == len(day_calls)  # nothing lost
    assert started == "1999-02-10T22:00:00.000Z"  # the 10th's calls ran past midnight


def test_bad_replay_arguments_are_refused_plainly(tmp_path: Path, token_file: Path) -> None:
    missing = run_replay("ws://127.0.0.1:9", token_file, "--day", "1999-03-01")
    assert missing.returncode == 2 and "no calls" in missing.stderr
    no_token = subprocess.run(  # noqa: PLW1510 - the return code is asserted
        [
            sys.executable,
            "-m",
            "console.feeds.replay",
            str(tmp_path / "nope.txt"),
            "--gateway",
            "ws://x",
            "--format",
            "anonymous-bank",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "CONSOLE_ADAPTER_TOKEN"},
    )
    assert no_token.returncode == 2 and "no token" in no_token.stderr
