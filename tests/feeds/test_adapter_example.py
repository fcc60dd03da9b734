"""docs/examples/minimal_adapter.py, run for real against a gateway started with ``--source adapters``.

The example is what a bank developer copies first, so it is held to what
docs/adapters.md says of it: it publishes its log (the floor holds exactly what
the log implies, counted here from the log itself), a second run doubles
nothing, a grown log sends only its new lines, and a supervisor's command about
its agents gets its polite refusal.
"""

from __future__ import annotations

import asyncio
import csv
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from console.domain.permissions import Role
from tests.helpers.gateway import GatewayThread, WireClient, make_config, token

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "minimal_adapter.py"
LOG = ROOT / "docs" / "examples" / "minimal_adapter_log.csv"


@dataclass
class Expected:
    """The floor a log implies, worked out from the log alone (not with the example's code)."""

    offered: Counter[str] = field(default_factory=Counter)
    answered: Counter[str] = field(default_factory=Counter)
    abandoned: Counter[str] = field(default_factory=Counter)
    handled: Counter[str] = field(default_factory=Counter)
    calls: dict[str, tuple[str, str]] = field(default_factory=dict)  # in progress: id -> (queue, state)
    agents: dict[str, str] = field(default_factory=dict)  # id -> state
    ignored: list[str] = field(default_factory=list)  # lines about calls the log never queued


def expected_floor(log: Path) -> Expected:
    exp = Expected()
    talking_to: dict[str, str] = {}  # call -> agent
    with log.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#") and r[0] != "time"]
    for _, event, call, queue, agent in rows:
        if agent:
            exp.agents.setdefault(agent, "available")
        if event == "queued":
            exp.offered[queue] += 1
            exp.calls[call] = (queue, "waiting")
        elif call not in exp.calls:
            exp.ignored.append(call)
        elif event == "answered":
            exp.answered[queue] += 1
            exp.calls[call] = (queue, "talking")
            exp.agents[agent] = "on_call"
            talking_to[call] = agent
        elif event == "abandoned":
            exp.abandoned[queue] += 1
            del exp.calls[call]
        elif event == "ended":
            exp.handled[queue] += 1
            del exp.calls[call]
            exp.agents[talking_to.pop(call)] = "available"
    return exp


def assert_floor_is(client: WireClient, exp: Expected) -> None:
    state = client.state
    assert state.skipped == 0
    assert set(state.queues) == set(exp.offered)
    for qid, q in state.queues.items():
        t = q.today
        figures = (t.offered, t.answered, t.abandoned, t.handled)
        assert figures == (exp.offered[qid], exp.answered[qid], exp.abandoned[qid], exp.handled[qid]), qid
    assert {c.id: (c.queue_id, c.state.value) for c in state.calls.values()} == exp.calls
    assert {a.id: a.state.value for a in state.agents.values()} == exp.agents
    # Everything on the floor is the adapter's: commands about it go to the adapter.
    assert {a.source for a in state.agents.values()} | {c.source for c in state.calls.values()} == {
        "adapter1"
    }
    assert state.centre.timezone == "Europe/Paris"


async def floor(url: str) -> WireClient:
    client = await WireClient.open(url, Role.SUPERVISOR)
    await client.ready()
    return client


def example_args(url: str, token_file: Path | None, log: Path = LOG) -> list[str]:
    args = [sys.executable, str(EXAMPLE), str(log), "--gateway", url]
    return args if token_file is None else [*args, "--token-file", str(token_file)]


def example_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ADAPTER_TOKEN"}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def run_example(
    url: str, token_file: Path | None, log: Path = LOG, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        example_args(url, token_file, log),
        check=False,
        capture_output=True,
        text=True,
        env=example_env(**env),
        timeout=60,
    )


def token_file(tmp_path: Path, role: Role = Role.ADAPTER) -> Path:
    path = tmp_path / f"{role.value}.token"
    path.write_text(token(role) + "\n")
    return path


def test_the_example_publishes_its_log_once_and_declines_commands(tmp_path: Path) -> None:
    exp = expected_floor(LOG)
    assert exp.ignored == ["K0999"] and exp.calls and exp.abandoned and exp.handled  # the log shows it all
    tokens = token_file(tmp_path)
    with GatewayThread(make_config(tmp_path, source="adapters")) as gw:

        async def first_run() -> tuple[int, str]:
            proc = await asyncio.create_subprocess_exec(
                *example_args(gw.url, tokens),
                "--linger",
                "5",
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env=example_env(),
            )
            assert proc.stdout is not None
            try:
                lines: list[str] = []
                while not lines or lines[-1] != "everything is acknowledged":
                    line = await asyncio.wait_for(proc.stdout.readline(), 30)
                    assert line, f"the example ended early: {lines}"
                    lines.append(line.decode().rstrip("\n"))
                # Acknowledged means committed: a console sees the whole log now.
                console = await floor(gw.url)
                assert_floor_is(console, exp)
                agent = sorted(exp.agents)[0]
                ack = await console.command("agent.set_state", {"agent_id": agent, "state": "offline"})
                assert not ack["ok"]
                assert ack["error"]["code"] == "invalid_state"
                assert ack["error"]["message"] == "adapter1: this example cannot change the ACD"
                assert console.state.agents[agent].state.value == exp.agents[agent]  # nothing changed
                await console.close()
                rest, _ = await asyncio.wait_for(proc.communicate(), 30)
                return await proc.wait(), "\n".join([*lines, rest.decode()])
            finally:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()

        code, out = asyncio.run(first_run())
        assert code == 0, out
        assert "the gateway holds position 0" in out
        assert "refused call.abandoned" in out and "'K0999'" in out and "not_found" in out
        assert "declining agent.set_state" in out and "asked by supervisor1" in out
        published = gw.call(lambda: gw.gateway.committed_seq)
        position = re.findall(r"position (\d+)$", out, re.MULTILINE)[-1]  # its last ack's

        # Run again: the welcome's position says the gateway has it all, so nothing is sent.
        second = run_example(gw.url, tokens)
        assert second.returncode == 0, second.stdout + second.stderr
        assert f"the gateway holds position {position}" in second.stdout
        assert "were already published" in second.stdout and "accepted" not in second.stdout

        async def unchanged() -> None:
            console = await floor(gw.url)
            assert console.state.seq == published
            assert_floor_is(console, exp)
            await console.close()

        asyncio.run(unchanged())
        assert gw.call(lambda: gw.gateway.committed_seq) == published


def test_a_grown_log_sends_only_its_new_lines(tmp_path: Path) -> None:
    lines = LOG.read_text(encoding="utf-8").splitlines(keepends=True)
    log = tmp_path / "acd.csv"
    log.write_text("".join(lines[:10]), encoding="utf-8")  # the log as the ACD had written it by then
    tokens = token_file(tmp_path)
    with GatewayThread(make_config(tmp_path, source="adapters")) as gw:
        first = run_example(gw.url, tokens, log)
        assert first.returncode == 0, first.stdout + first.stderr

        async def check(implied_by: Path) -> None:
            console = await floor(gw.url)
            assert_floor_is(console, expected_floor(implied_by))
            await console.close()

        asyncio.run(check(log))
        log.write_text("".join(lines), encoding="utf-8")
        second = run_example(gw.url, tokens, log)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "0 duplicates" in second.stdout and "refused" in second.stdout  # K0999 is in the new part
        asyncio.run(check(LOG))


def test_the_example_wants_an_adapters_token(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path, source="adapters")) as gw:
        supervisor = run_example(gw.url, token_file(tmp_path, Role.SUPERVISOR))
        assert supervisor.returncode == 1 and "is not an adapter" in supervisor.stdout
        wrong = tmp_path / "wrong.token"
        wrong.write_text("not-a-token")
        refused = run_example(gw.url, wrong)
        assert refused.returncode == 1 and "4401" in refused.stderr
        none = run_example(gw.url, None)
        assert none.returncode == 2 and "ADAPTER_TOKEN" in none.stderr
        # From the environment, as the example's docstring shows.
        from_env = run_example(gw.url, None, ADAPTER_TOKEN=token(Role.ADAPTER))
        assert from_env.returncode == 0, from_env.stdout + from_env.stderr
        assert gw.call(lambda: gw.gateway.committed_seq) > 0
