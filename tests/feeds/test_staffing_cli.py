"""``python -m console.staffing`` as a real process against a real gateway running a scenario."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from console.domain.clock import to_ms
from console.domain.staffing import advise
from console.feeds.sources.simulator.scenario import resolve_scenario
from tests.domain.test_staffing import _independent_needed
from tests.helpers.gateway import GatewayThread, freeze, make_config, token

ROOT = Path(__file__).resolve().parents[2]
START = "2026-03-02T06:00:00.000Z"
Z = 4.0


def staffing_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "console.staffing", *args]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "CONSOLE_TOKEN"} | (env or {})
    return subprocess.run(  # noqa: PLW1510 - the return code is asserted
        staffing_cmd(*args), cwd=ROOT, capture_output=True, text=True, timeout=120, env=full
    )


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    f = tmp_path / "viewer.token"
    f.write_text(token("viewer") + "\n")
    f.chmod(0o600)
    return f


def _feed_ms(gw: GatewayThread) -> int:
    at = gw.call(lambda: gw.gateway.state.at)
    return to_ms(at) if at else 0


def test_the_cli_prints_the_advice_of_the_live_floor(tmp_path: Path, token_file: Path) -> None:
    config = make_config(tmp_path, scenario=resolve_scenario("single_queue"), speed=1200.0, start=START)
    with GatewayThread(config) as gw:
        deadline = time.monotonic() + 120
        while _feed_ms(gw) < to_ms(START) + 2 * 3_600_000:  # two simulated hours
            assert time.monotonic() < deadline, "the gateway's simulator did not get through two hours"
            time.sleep(0.05)
        freeze(gw)  # the floor holds still (heartbeats only): the CLI and this test see the same
        done = run_cli("--feed", gw.url, "--token-file", str(token_file), "--json", "--settle", "0.5")
        assert done.returncode == 0, done.stderr
        [row] = json.loads(done.stdout)
        want = gw.call(lambda: advise(gw.gateway.state, row["at_ms"]))
        table = run_cli("--feed", gw.url, "--settle", "0", env={"CONSOLE_TOKEN": token("viewer")})
    assert table.returncode == 0, table.stderr
    assert "q1" in table.stdout and "needed" in table.stdout and "Traceback" not in table.stderr
    [a] = want
    assert row["queue_id"] == "q1"
    assert row["arrivals_per_hour"] == pytest.approx(a.inputs.arrivals_per_hour)
    assert row["aht_s"] == pytest.approx(a.inputs.aht_s)
    assert (row["patience_s"] is None) == (a.inputs.patience_s is None)
    if row["patience_s"] is not None:
        assert row["patience_s"] == pytest.approx(a.inputs.patience_s)
    assert (row["staffed"], row["needed"], row["gap"]) == (a.staffed, a.needed, a.gap)
    assert row["predicted_sl"] == pytest.approx(a.predicted_sl)
    # ... and against the scenario: 200 calls an hour of 180 s on 14 agents.
    calls = row["offered_in_window"]
    expected = 200.0 * row["window_s"] / 3600.0
    assert abs(calls - expected) <= Z * math.sqrt(expected)
    assert abs(row["aht_s"] - 180.0) <= Z * 180.0 / math.sqrt(row["handled"])
    assert row["staffed"] == 14.0 and 0.0 <= row["predicted_sl"] <= 1.0
    centre: Any = gw.gateway.state.centre
    assert row["needed"] == _independent_needed(
        row["arrivals_per_hour"], row["aht_s"], row["patience_s"], centre
    )


def test_bad_arguments_and_an_unreachable_gateway_give_one_line(tmp_path: Path, token_file: Path) -> None:
    no_token = run_cli("--feed", "ws://127.0.0.1:9")
    assert no_token.returncode == 2 and no_token.stderr.strip().startswith("error: no token")
    loose = tmp_path / "loose.token"
    loose.write_text("x")
    loose.chmod(0o644)
    bad_file = run_cli("--feed", "ws://127.0.0.1:9", "--token-file", str(loose))
    assert bad_file.returncode == 2 and len(bad_file.stderr.strip().splitlines()) == 1
    gone = run_cli("--feed", "ws://127.0.0.1:9", "--token-file", str(token_file), "--timeout", "2")
    assert gone.returncode == 1
    assert gone.stderr.startswith("error: could not read the floor from ws://127.0.0.1:9")
    assert len(gone.stderr.strip().splitlines()) == 1 and "Traceback" not in gone.stderr
    settle = run_cli("--feed", "ws://127.0.0.1:9", "--token-file", str(token_file), "--settle", "-1")
    assert settle.returncode == 2 and "Traceback" not in settle.stderr
    missing = run_cli("--token-file", str(token_file))
    assert missing.returncode == 2 and "--feed" in missing.stderr and "Traceback" not in missing.stderr


def test_a_refused_token_is_said_at_once(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path, scenario=resolve_scenario("single_queue"), start=START)) as gw:
        refused = run_cli("--feed", gw.url, "--timeout", "30", env={"CONSOLE_TOKEN": "not-a-token"})
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"error: the gateway at {gw.url} refused the token")
    assert len(refused.stderr.strip().splitlines()) == 1
