"""The Asterisk adapter end to end: a stand-in AMI server, the adapter, a real gateway, a console.

The stand-in (tests/helpers/ami_server.py) writes what Asterisk writes, byte for
byte; the adapter runs in-process with its real AMI client and ``AdapterLink``;
the gateway runs with ``--source adapters`` on 127.0.0.1; a console's wire client
watches the floor and sends supervisors' commands.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from console.domain.businessday import next_day_start
from console.domain.clock import to_ms
from console.domain.entities import AgentState, CallState, Centre
from console.domain.state import FloorState
from console.feeds.adapters.ami.adapter import AmiAdapter, AmiEndpoint
from console.feeds.adapters.ami.config import AmiConfig, Redirect, parse_config
from console.feeds.adapters.ami.floor import AmiFloor
from console.feeds.adapters.ami.protocol import AmiAuthError
from console.feeds.adapters.link import AdapterLink
from console.feeds.adapters.replay.bank_log import read_log_file, replay_events
from tests.helpers.ami_from_log import BANK, ami_day
from tests.helpers.ami_server import AmiServer, encode, self_signed_tls
from tests.helpers.bank_log_counts import EXTRACT, count_rows, expected_today
from tests.helpers.day_watcher import WATCHER_MAX_FRAMES, DayWatcher
from tests.helpers.gateway import GatewayThread, WireClient, make_config, token

ROOT = Path(__file__).resolve().parents[2]
NOW = time.time()
CENTRE = Centre(name="PBX", timezone="Europe/Paris")


@dataclass
class Rig:  # the parts of one test, wired
    server: AmiServer
    adapter: AmiAdapter
    link: AdapterLink
    console: WireClient
    task: asyncio.Task[None]

    @property
    def state(self) -> FloorState:
        return self.console.state

    async def until(self, check: Callable[[FloorState], bool], timeout: float = 10) -> None:
        await self.console.until(lambda c: check(c.state), timeout, "the floor the test waits for")

    async def command(self, cid: str, action: str, args: dict[str, Any]) -> dict[str, Any]:
        return await self.console.command(action, args, cid)


@asynccontextmanager
async def rig(gw: GatewayThread, server: AmiServer, config: AmiConfig | None = None) -> AsyncIterator[Rig]:
    await server.start()
    link = AdapterLink(gw.url, token("adapter"), retry_s=(0.05, 0.2))
    floor = AmiFloor(sl_default_s=20.0, centre=CENTRE)
    endpoint = AmiEndpoint("127.0.0.1", server.port, "console", "secret", timeout_s=5.0)
    adapter = AmiAdapter(link, endpoint, floor, config or AmiConfig(), retry_s=(0.05, 0.2))
    link.on_request = adapter.on_request
    task = asyncio.create_task(adapter.run())
    console = await WireClient.open(gw.url, "admin")
    try:
        await server.wait_logged_in(1)
        r = Rig(server, adapter, link, console, task)
        await r.until(lambda s: bool(s.queues))
        yield r
    finally:
        task.cancel()
        await asyncio.wait([task])
        await link.close()
        await console.close()
        await server.stop()


def pbx(**kw: Any) -> AmiServer:
    server = AmiServer({"console": "secret"}, now=NOW, **kw)
    server.add_queue("support", service_level=30)
    server.add_queue("sales", service_level=0)  # the config's default threshold
    server.add_member("PJSIP/1001", name="Ann", queues=["support", "sales"])
    server.add_member("PJSIP/1002", name="Bob", queues=["support"], paused=True, reason="lunch")
    return server


def test_a_calls_life_from_asterisk_to_the_console(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path, source="adapters")) as gw:

        async def scenario() -> None:
            async with rig(gw, pbx()) as r:
                await r.until(lambda s: {"PJSIP/1001", "PJSIP/1002"} <= set(s.agents))
                s = r.state
                assert s.queues["support"].sl_threshold_s == 30 and s.queues["sales"].sl_threshold_s == 20
                ann, bob = s.agents["PJSIP/1001"], s.agents["PJSIP/1002"]
                assert ann.name == "Ann" and sorted(ann.skills) == ["sales", "support"]
                assert ann.state is AgentState.AVAILABLE
                assert (bob.state, bob.reason) == (AgentState.NOT_READY, "lunch")
                t = NOW + 1
                r.server.caller_join("support", "1700.1", "0612345678", at=t)
                await r.until(lambda s: "1700.1" in s.calls)
                assert s.calls["1700.1"].caller == "******5678"  # masked by the gateway
                r.server.agent_called("1700.1", "PJSIP/1001", at=t + 2)
                await r.until(lambda s: s.calls["1700.1"].state is CallState.RINGING)
                r.server.agent_connect("1700.1", at=t + 5)
                await r.until(lambda s: s.calls["1700.1"].state is CallState.TALKING)
                r.server.member_status("PJSIP/1001", 2, in_call=True, at=t + 5)
                await r.until(lambda s: s.agents["PJSIP/1001"].state is AgentState.ON_CALL)
                r.server.agent_complete("1700.1", at=t + 65)
                r.server.member_status("PJSIP/1001", 1, in_call=False, at=t + 65)
                await r.until(lambda s: "1700.1" not in s.calls)
                await r.until(lambda s: s.agents["PJSIP/1001"].state is AgentState.AVAILABLE)
                today = s.queues["support"].today
                assert (today.offered, today.answered, today.handled, today.answered_within) == (1, 1, 1, 1)
                assert today.wait_answered_s == pytest.approx(5) and today.talk_s == pytest.approx(60)
                # An abandon, counted as such.
                r.server.caller_join("sales", "1700.2", "0600000001", at=t + 70)
                r.server.caller_abandon("1700.2", at=t + 110)
                await r.until(lambda s: s.queues["sales"].today.abandoned == 1)
                assert s.queues["sales"].today.offered == 1 and "1700.2" not in s.calls
                # The gateway heard what the adapter is doing.
                status = gw.call(lambda: gw.gateway.adapter_status.get("adapter1", ""))
                assert "following AMI 127.0.0.1" in status

        asyncio.run(scenario())


def test_pause_and_unpause_go_to_asterisk_and_come_back_as_its_events(tmp_path: Path) -> None:
    config = AmiConfig(redirect={"sales": Redirect("queues", "sales")})
    with GatewayThread(make_config(tmp_path, source="adapters")) as gw:

        async def scenario() -> None:
            server = pbx(routes={("queues", "sales"): "sales"})
            async with rig(gw, server, config) as r:
                await r.until(lambda s: "PJSIP/1001" in s.agents)
                ack = await r.command(
                    "p1",
                    "agent.set_state",
                    {"agent_id": "PJSIP/1001", "state": "not_ready", "reason": "break"},
                )
                assert ack["ok"] and ack["result"]["forwarded_to"] == "adapter1", ack
                pause = next(a for a in server.actions if a.get("Action") == "QueuePause")
                assert (
                    pause["Interface"] == "PJSIP/1001"
                    and pause["Paused"] == "true"
                    and pause["Reason"] == "break"
                )
                await r.until(lambda s: s.agents["PJSIP/1001"].state is AgentState.NOT_READY)
                assert r.state.agents["PJSIP/1001"].reason == "break"
                ack = await r.command(
                    "p2", "agent.set_state", {"agent_id": "PJSIP/1001", "state": "available"}
                )
                assert ack["ok"], ack
                await r.until(lambda s: s.agents["PJSIP/1001"].state is AgentState.AVAILABLE)
                # Signing out is not allowed by this configuration: refused, nothing sent to Asterisk.
                ack = await r.command("p3", "agent.set_state", {"agent_id": "PJSIP/1001", "state": "offline"})
                assert ack["error"]["code"] == "invalid_state" and "allow_sign_out" in ack["error"]["message"]
                assert not any(a.get("Action") == "QueueRemove" for a in server.actions)
                # What Asterisk refuses goes back with its message.
                server.members.pop("PJSIP/1002")
                ack = await r.command(
                    "p4", "agent.set_state", {"agent_id": "PJSIP/1002", "state": "available"}
                )
                assert (
                    ack["error"]["code"] == "invalid_state"
                    and "Interface not found" in ack["error"]["message"]
                )

                # call.move: a Redirect of the caller's channel to the queue's dialplan place.
                server.caller_join("support", "1700.9", "0611111111", at=NOW + 5)
                await r.until(lambda s: "1700.9" in s.calls)
                ack = await r.command("m1", "call.move", {"call_id": "1700.9", "queue_id": "sales"})
                assert ack["ok"], ack
                redirect = next(a for a in server.actions if a.get("Action") == "Redirect")
                assert (redirect["Context"], redirect["Exten"]) == ("queues", "sales")
                await r.until(lambda s: s.calls["1700.9"].queue_id == "sales")
                ack = await r.command("m2", "call.move", {"call_id": "1700.9", "queue_id": "support"})
                assert ack["error"]["code"] == "invalid_state" and "redirect" in ack["error"]["message"]

        asyncio.run(scenario())


def test_either_side_reconnecting_mid_stream_leaves_the_floor_right(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path, source="adapters")) as gw:

        async def scenario() -> None:
            server = pbx()
            async with rig(gw, server) as r:
                server.caller_join("support", "1700.1", "0612345678", at=NOW + 1)
                await r.until(lambda s: "1700.1" in s.calls)
                server.drop_clients()
                # While nobody listens: the first caller gives up, another joins.
                server.caller_abandon("1700.1", at=NOW + 3)
                server.caller_join("sales", "1700.2", "0612345679", at=NOW + 4)
                await server.wait_logged_in(1)
                await r.until(lambda s: "1700.2" in s.calls and "1700.1" not in s.calls)
                assert r.adapter.connects >= 2 and r.adapter.status_reads >= 2
                # Repeated events (same SequenceNumber), unknown events and a malformed block.
                joined = server.caller_join("support", "1700.3", "0612345670", at=NOW + 6)
                server.send_raw(encode(joined[0].items()))
                server.send_raw(b"Event: SomethingNew\r\nFoo: bar\r\n\r\nthis is not a header\r\n\r\n")
                server.agent_connect("1700.3", "PJSIP/1001", at=NOW + 8)
                await r.until(lambda s: "1700.3" in s.calls and s.calls["1700.3"].state is CallState.TALKING)
                assert r.state.queues["support"].today.offered == 2
                assert r.adapter.floor.duplicates >= 1
            # The adapter restarted: the gateway still holds 1700.2 and 1700.3 of it. Asterisk
            # meanwhile lost 1700.2: the new adapter ends it, and does not queue 1700.3 twice.
            server.callers.pop("1700.2")
            for q in server.queues.values():
                if "1700.2" in q.waiting:
                    q.waiting.remove("1700.2")
            async with rig(gw, server) as r:
                await r.until(lambda s: "1700.2" not in s.calls)
                assert r.link.owned["calls"] and "1700.2" in r.link.owned["calls"]
            assert gw.gateway.refused_events == 0

        asyncio.run(scenario())


def test_a_wrong_ami_secret_stops_the_adapter_and_is_never_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with GatewayThread(make_config(tmp_path, source="adapters")) as gw:

        async def scenario() -> None:
            server = AmiServer({"console": "another"}, now=NOW)
            await server.start()
            link = AdapterLink(gw.url, token("adapter"))
            adapter = AmiAdapter(
                link,
                AmiEndpoint("127.0.0.1", server.port, "console", "wr0ng-s3cret-7731"),
                AmiFloor(centre=CENTRE),
                AmiConfig(),
            )
            with pytest.raises(AmiAuthError, match="console"):
                await asyncio.wait_for(adapter.run(), 20)
            assert server.actions[0]["Action"] == "Login"
            deadline = time.monotonic() + 10
            while "refused the login" not in gw.call(lambda: gw.gateway.adapter_status.get("adapter1", "")):
                assert time.monotonic() < deadline, "the gateway was not told"
                await asyncio.sleep(0.05)
            await link.close()
            await server.stop()

        asyncio.run(scenario())
    assert "wr0ng-s3cret-7731" not in caplog.text


def test_a_day_of_the_bank_log_through_asterisk_shows_the_logs_figures(tmp_path: Path) -> None:
    """The extract's Wednesday as app_queue would have told it, with Timestamps, through the adapter.

    A console's wire client folds the feed event by event and keeps the day's figures as they were
    just before midnight (calls of the day ending after it belong to the next day).
    """
    day = dt.date(1999, 2, 10)
    replayed = replay_events(read_log_file(EXTRACT), days={day})
    start, messages = ami_day(replayed.events, day)
    counted = count_rows(EXTRACT)
    config = make_config(tmp_path, source="adapters", client_max_frames=WATCHER_MAX_FRAMES)
    with GatewayThread(config) as gw:
        watcher = DayWatcher()
        done = asyncio.Event()

        async def scenario() -> None:
            follower = await watcher.start(gw.url, done)
            server = AmiServer({"console": "secret"}, now=start / 1000)
            for queue in ("PS", "PE", "NW", "NE", "IN", "TT"):
                server.add_queue(queue, service_level=30)
            await server.start()
            link = AdapterLink(gw.url, token("adapter"))
            floor = AmiFloor(sl_default_s=30.0, centre=BANK)
            adapter = AmiAdapter(
                link, AmiEndpoint("127.0.0.1", server.port, "console", "secret"), floor, AmiConfig()
            )
            task = asyncio.create_task(adapter.run())
            await server.wait_logged_in(1)
            while adapter.status_reads == 0:  # noqa: ASYNC110 - polled, nothing to wait on
                await asyncio.sleep(0.05)
            for m in messages:
                server.send_raw(encode(m.items()))
            deadline = time.monotonic() + 180
            while floor.last_ms is None or floor.last_ms < to_ms_of(messages[-1]):
                assert time.monotonic() < deadline, "the adapter did not read the whole day"
                await asyncio.sleep(0.1)
            await link.flush()
            head = await asyncio.to_thread(gw.call, lambda: gw.gateway.committed_seq)
            await watcher.caught_up(follower, head, timeout=120)
            done.set()
            await follower
            task.cancel()
            await asyncio.wait([task])
            await link.close()
            await server.stop()

        asyncio.run(scenario())
        assert gw.gateway.refused_events == 0
    watcher.close_day()
    wednesday = "1999-02-09T22:00:00.000Z"  # 00:00 in Asia/Jerusalem
    assert wednesday in watcher.days and watcher.state.skipped == 0
    for started, figures in watcher.days.items():
        end = next_day_start(started, BANK.timezone, BANK.day_starts)
        assert figures == expected_today(counted.calls, to_ms(started), end, 30.0), started
    assert watcher.days[wednesday]["PS"]["offered"] > 500


def to_ms_of(message: dict[str, str]) -> int:
    return round(float(message["Timestamp"]) * 1000)


def test_bad_command_lines_are_refused_plainly(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    secret.chmod(0o600)
    bad_config = tmp_path / "ami.toml"
    bad_config.write_text("[queues.cards]\nwrap_up_s = -1\n")
    for args, mentions in (
        (["--ami", "nohostport"], "HOST:PORT"),
        (["--ami", "127.0.0.1:5038", "--timezone", "Mars/Olympus"], "Mars/Olympus"),
        (["--ami", "127.0.0.1:5038", "--config", str(bad_config)], "queues.cards.wrap_up_s"),
    ):
        out = subprocess.run(  # noqa: PLW1510 - the return code is asserted
            [
                sys.executable,
                "-m",
                "console.feeds.ami",
                "--gateway",
                "ws://127.0.0.1:9",
                "--token",
                "t",
                "--ami-user",
                "u",
                "--ami-secret-file",
                str(secret),
                *args,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 2 and mentions in out.stderr, out.stderr
    assert parse_config({"centre": {"allow_sign_out": True}}).allow_sign_out


def test_ami_over_tls(tmp_path: Path) -> None:
    contexts = self_signed_tls(tmp_path)
    if contexts is None:
        pytest.skip("no openssl to make a certificate with")
    server_ctx, client_ctx = contexts
    with GatewayThread(make_config(tmp_path, source="adapters")) as gw:

        async def scenario() -> None:
            server = pbx(ssl=server_ctx)
            await server.start()
            link = AdapterLink(gw.url, token("adapter"))
            endpoint = AmiEndpoint("127.0.0.1", server.port, "console", "secret", tls=client_ctx)
            adapter = AmiAdapter(link, endpoint, AmiFloor(centre=CENTRE), AmiConfig())
            task = asyncio.create_task(adapter.run())
            deadline = time.monotonic() + 20
            while "PJSIP/1001" not in gw.call(lambda: set(gw.gateway.state.agents)):
                assert time.monotonic() < deadline and not task.done()
                await asyncio.sleep(0.05)
            assert str(endpoint).endswith("(TLS)")
            task.cancel()
            await asyncio.wait([task])
            await link.close()
            await server.stop()

        asyncio.run(scenario())


def test_the_command_line_brings_asterisk_to_the_gateway_and_stops_cleanly(tmp_path: Path) -> None:
    secret = tmp_path / "ami.secret"
    secret.write_text("secret\n")
    secret.chmod(0o600)
    token_file = tmp_path / "adapter.token"
    token_file.write_text(token("adapter"))
    token_file.chmod(0o600)
    config = tmp_path / "ami.toml"
    config.write_text('[centre]\nname = "Cards hotline"\nsl_threshold_s = 25\n')
    with GatewayThread(make_config(tmp_path, source="adapters")) as gw:

        async def scenario() -> None:
            server = pbx()
            await server.start()
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "console.feeds.ami",
                "--gateway",
                gw.url,
                "--token-file",
                str(token_file),
                "--ami",
                f"127.0.0.1:{server.port}",
                "--ami-user",
                "console",
                "--ami-secret-file",
                str(secret),
                "--timezone",
                "Asia/Shanghai",
                "--config",
                str(config),
                cwd=ROOT,
                stderr=asyncio.subprocess.PIPE,
            )
            try:
                deadline = time.monotonic() + 30
                while "PJSIP/1002" not in gw.call(lambda: set(gw.gateway.state.agents)):
                    assert time.monotonic() < deadline and proc.returncode is None
                    await asyncio.sleep(0.05)
                centre = gw.call(lambda: gw.gateway.state.centre)
                assert (centre.name, centre.timezone) == ("Cards hotline", "Asia/Shanghai")
                assert gw.call(lambda: gw.gateway.state.queues["sales"].sl_threshold_s) == 25
            finally:
                proc.terminate()
                _, err = await asyncio.wait_for(proc.communicate(), 30)
                await server.stop()
            assert proc.returncode == 0, err.decode()
            assert b"secret\n" not in err

        asyncio.run(scenario())


def _queue_actions(server: AmiServer, after: int) -> list[tuple[str, str, str, str]]:
    return [
        (a["Action"], a.get("Queue", ""), a.get("Interface", ""), a.get("MemberName", ""))
        for a in server.actions[after:]
        if a.get("Action") in ("QueueAdd", "QueueRemove")
    ]


def test_agent_set_queues_goes_to_asterisk_as_queue_add_and_remove_all_or_none(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path, source="adapters")) as gw:

        async def scenario() -> None:
            server = pbx()
            server.add_queue("vip")
            server.add_member("PJSIP/1003", name="Cai", queues=["vip"], dynamic=False)
            async with rig(gw, server) as r:
                await r.until(lambda s: {"PJSIP/1001", "PJSIP/1002", "PJSIP/1003"} <= set(s.agents))
                mark = len(server.actions)
                args = {
                    "agents": [
                        {"agent_id": "PJSIP/1001", "queues": ["support", "vip"]},
                        {"agent_id": "PJSIP/1002", "queues": ["sales"]},
                    ]
                }
                ack = await r.command("q1", "agent.set_queues", args)
                assert ack["ok"] and ack["result"]["forwarded_to"] == "adapter1", ack
                assert (ack["result"]["added"], ack["result"]["removed"]) == (2, 2)
                # Adds first, so a member is never in no queue (which would take it off the floor).
                assert _queue_actions(server, mark) == [
                    ("QueueAdd", "vip", "PJSIP/1001", "Ann"),
                    ("QueueRemove", "sales", "PJSIP/1001", ""),
                    ("QueueAdd", "sales", "PJSIP/1002", "Bob"),
                    ("QueueRemove", "support", "PJSIP/1002", ""),
                ]
                # The floor follows Asterisk's QueueMemberAdded / QueueMemberRemoved.
                await r.until(
                    lambda s: (
                        sorted(s.agents["PJSIP/1001"].skills) == ["support", "vip"]
                        and s.agents["PJSIP/1002"].skills == ["sales"]
                    )
                )
                assert r.state.actions[-1].command_id == "q1"
                # Asterisk refuses one (a static member cannot be removed): the ones done are undone.
                mark = len(server.actions)
                args = {
                    "agents": [
                        {"agent_id": "PJSIP/1001", "queues": ["sales"]},
                        {"agent_id": "PJSIP/1003", "queues": ["support"]},
                    ]
                }
                ack = await r.command("q2", "agent.set_queues", args)
                assert ack["ok"] is False and ack["error"]["code"] == "invalid_state", ack
                assert "Member not dynamic" in ack["error"]["message"]
                assert "4 of the 4 actions done before were undone" in ack["error"]["message"]
                assert _queue_actions(server, mark) == [
                    ("QueueAdd", "sales", "PJSIP/1001", "Ann"),
                    ("QueueRemove", "support", "PJSIP/1001", ""),
                    ("QueueRemove", "vip", "PJSIP/1001", ""),
                    ("QueueAdd", "support", "PJSIP/1003", "Cai"),
                    ("QueueRemove", "vip", "PJSIP/1003", ""),  # refused
                    ("QueueRemove", "support", "PJSIP/1003", ""),
                    ("QueueAdd", "vip", "PJSIP/1001", "Ann"),
                    ("QueueAdd", "support", "PJSIP/1001", "Ann"),
                    ("QueueRemove", "sales", "PJSIP/1001", ""),
                ]
                assert sorted(server.members["PJSIP/1001"].queues) == ["support", "vip"]
                assert sorted(server.members["PJSIP/1003"].queues) == ["vip"]
                await r.until(
                    lambda s: (
                        sorted(s.agents["PJSIP/1001"].skills) == ["support", "vip"]
                        and s.agents["PJSIP/1003"].skills == ["vip"]
                    )
                )

        asyncio.run(scenario())
        store = gw.gateway.store
        assert store is not None
        rows = {r.command_id: r for r in store.audit(action="agent.set_queues")}
        assert rows["q1"].ok and rows["q1"].result is not None
        assert rows["q1"].result["forwarded_to"] == "adapter1"
        assert (rows["q2"].ok, rows["q2"].error_code) == (False, "invalid_state")
