"""Abuse limits against a real gateway on 127.0.0.1 (and 127.0.0.2 as a second address).

A refused command's audit stays small whatever was sent, a connection's
command rate is held and recovers, a role's frame size is enforced (managers'
bulk reassignment still fits), connections that have not signed in are capped
(HTTP 503) and the cap frees as they go, failed sign-ins from one address end
in 4429 while another address signs in, and the ack cache stays within its bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.http11 import Response

from console.domain.permissions import Role
from console.feeds import protocol
from console.feeds.client.feed_client import ConnState, FeedClient, _unreachable
from console.feeds.gateway.limits import Limits
from console.feeds.gateway.server import RATE_LIMITED_ACTION
from console.feeds.sources.load_centre import LoadShape
from console.store import AuditRecord, Store
from tests.feeds.test_gateway_commands import QuietLoad, reassign_args
from tests.helpers.gateway import GatewayThread, WireClient, freeze, make_config, token
from tests.helpers.network import FAST


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def store_of(gw: GatewayThread) -> Store:
    store = gw.gateway.store
    assert store is not None
    return store


async def open_from(url: str, source: str, role: Role | str | None = None, **hello: Any) -> WireClient:
    """A client whose connection comes from ``source`` (127.0.0.x), signed in as ``role`` if given."""
    ws = await connect(url, max_size=None, local_addr=(source, 0))
    client = WireClient(ws)
    if role is not None:
        await client.send({"op": "hello", "protocol": 1, "token": token(role), **hello})
    return client


async def closed_with(ws: ClientConnection, timeout: float = 20) -> tuple[int | None, str]:
    """Read until the gateway closes; its close code and reason."""
    with contextlib.suppress(ConnectionClosed):
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    return ws.close_code, ws.close_reason or ""


def db_bytes(tmp_path: Path) -> int:
    """The database file's size once its write-ahead log is folded in (and emptied)."""
    path = tmp_path / "gateway.db"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


# -- the audit of refused commands ---------------------------------------------------------------


BIG = 12


def test_a_dozen_refused_4_mib_commands_grow_the_database_by_kilobytes(tmp_path: Path) -> None:
    # The rate limit is not what is tested here: it is opened wide.
    config = make_config(tmp_path, limits=Limits(command_rate=10_000, command_burst=10_000))
    with GatewayThread(config) as gw:
        freeze(gw)

        async def scenario() -> None:
            # A manager may send 4 MiB frames, but not flag.update: refused, audited.
            c = await WireClient.open(gw.url, Role.MANAGER)
            await c.ready()
            probe = await c.command("flag.update", {"flag_id": "F1"}, cid="probe")
            assert probe["error"]["code"] == "forbidden"
            size0[0] = await asyncio.to_thread(db_bytes, tmp_path)
            head = '{"op":"command","id":"'
            tail = '","action":"flag.update","args":{"flag_id":"F1","notes":"' + "x" * (4_000_000) + '"}}'
            # 12 x 4 MiB: 48 MB in the audit if the arguments were kept whole.
            for i in range(BIG):
                await c.send(f"{head}big{i}{tail}")
            await c.until(lambda cl: all(f"big{i}" in cl.acks for i in range(BIG)), 120, f"{BIG} acks")
            assert {a["error"]["code"] for a in c.acks.values()} == {"forbidden"}
            await c.close()

        size0 = [0]
        run(scenario())
        rows = store_of(gw).audit(user="manager1", action="flag.update")
        assert len(rows) == BIG + 1
        row = rows[-1]
        # Who, when, what and why are kept; the arguments only as a summary.
        assert (row.user, row.role, row.command_id, row.ok, row.error_code) == (
            "manager1",
            "manager",
            f"big{BIG - 1}",
            False,
            "forbidden",
        )
        assert row.at and row.wall_at and row.error_message
        assert row.args["_summary"]["bytes"] > 4_000_000
        assert row.args["notes"]["text"] == 4_000_000 and row.args["flag_id"] == "F1"
        assert len(msgspec.json.encode(row.args)) <= 1024
        grown = db_bytes(tmp_path) - size0[0]
        print(f"database grew by {grown} bytes for {BIG} refused 4 MiB commands")
        assert grown < 2_000_000, f"the database grew by {grown} bytes"


# -- command rate -----------------------------------------------------------------------------------


def test_commands_over_the_rate_are_refused_audited_once_and_the_connection_recovers(tmp_path: Path) -> None:
    config = make_config(tmp_path, limits=Limits(command_rate=5, command_burst=10))
    with GatewayThread(config) as gw:
        freeze(gw)

        waited = [0]  # commands sent while waiting for the rate to allow one

        async def answered_after_waiting(c: WireClient, action: str, args: Any, cid: str) -> dict[str, Any]:
            deadline = time.monotonic() + 20
            while True:
                waited[0] += 1
                ack = await c.command(action, args, cid=cid)
                if ack["ok"] or ack["error"]["code"] != "rate_limited":
                    return ack
                assert time.monotonic() < deadline, "the rate never allowed a command again"
                await asyncio.sleep(ack["error"]["details"]["retry_after_s"])  # as the gateway says

        async def scenario() -> None:
            c = await WireClient.open(gw.url, Role.SUPERVISOR)
            await c.ready()
            args = {"agent_id": "nobody", "state": "available"}
            for i in range(40):
                await c.send({"op": "command", "id": f"r{i}", "action": "agent.set_state", "args": args})
            await c.until(lambda cl: all(f"r{i}" in cl.acks for i in range(40)), 30, "40 acks")
            codes = [c.acks[f"r{i}"]["error"]["code"] for i in range(40)]
            limited = [i for i, code in enumerate(codes) if code == "rate_limited"]
            # The burst goes through (answered as usual), then the excess is refused.
            assert codes[:10] == ["not_found"] * 10, codes
            assert len(limited) >= 20, codes
            first = c.acks[f"r{limited[0]}"]["error"]
            assert "5 commands a second" in first["message"] and first["details"]["retry_after_s"] > 0
            # Waiting as told, it is answered again; the refusals are audited as one summary.
            again = await answered_after_waiting(c, "agent.set_state", args, "again")
            assert again["error"]["code"] == "not_found"
            # A rate-limited id was neither applied nor remembered: sent again it is answered afresh.
            retried = await answered_after_waiting(c, "agent.set_state", args, f"r{limited[-1]}")
            assert retried["error"]["code"] == "not_found"
            await c.close()

        run(scenario())

        def audited() -> tuple[list[AuditRecord], list[AuditRecord]]:
            rows = store_of(gw).audit(user="supervisor1")
            return [r for r in rows if r.action == RATE_LIMITED_ACTION], [
                r for r in rows if r.action == "agent.set_state"
            ]

        # The last summary is written as the connection closes: wait for its commit.
        deadline = time.monotonic() + 20
        while True:
            summaries, answered = audited()
            if len(answered) + sum(r.args["refused"] for r in summaries) == 40 + waited[0]:
                break
            assert time.monotonic() < deadline, (len(answered), summaries, waited)
            time.sleep(0.02)
        # One summary per run of refusals (the burst's, and maybe one while waiting), not one per command.
        assert 1 <= len(summaries) <= 3
        assert summaries[0].args["refused"] >= 20
        refused = sum(r.args["refused"] for r in summaries)
        assert all(r.args["by_action"] == {"agent.set_state": r.args["refused"]} for r in summaries)
        assert all(r.error_code == "rate_limited" and r.user == "supervisor1" for r in summaries)
        # Every command was either answered (and audited) or counted in the summary.
        assert len(answered) + refused == 40 + waited[0]


# -- frame sizes ------------------------------------------------------------------------------------


def test_a_viewers_1_mib_frame_closes_its_connection_while_a_managers_bulk_reassignment_works(
    tmp_path: Path,
) -> None:
    load = LoadShape(agents=20, queues=3, cases=5000, rate=0.001)
    with QuietLoad(make_config(tmp_path, speed=1.0, load=load)) as gw:

        async def scenario() -> None:
            wall = await WireClient.open(gw.url, Role.VIEWER)
            await wall.ready(60)
            await wall.send(
                {"op": "command", "id": "x", "action": "agent.set_state", "args": {"p": "x" * 2**20}}
            )
            code, reason = await closed_with(wall.ws)
            assert code == 1009 and "65536" in reason, (code, reason)
            # A supervisor's frame just under 64 KiB is read and answered.
            sup = await WireClient.open(gw.url, Role.SUPERVISOR)
            await sup.ready(60)
            ack = await sup.command("agent.set_state", {"agent_id": "nobody", "state": "x" * 60_000})
            assert ack["ok"] is False and ack["error"]["code"] == "bad_args"
            # A manager's 5,000-case reassignment is far over 64 KiB, and goes through.
            mgr = await WireClient.open(gw.url, Role.MANAGER)
            await mgr.ready(60)
            ids = sorted(mgr.state.cases)
            args = reassign_args(mgr.state, ids, "L00003")
            assert len(msgspec.json.encode(args)) > 100_000
            ack = await mgr.command("case.reassign", args, cid="bulk", timeout=60)
            assert ack["ok"] is True, ack
            assert all(c.agent_id == "L00003" for c in mgr.state.cases.values())
            await mgr.close()
            await sup.close()

        run(scenario())


def test_before_sign_in_only_a_hello_sized_frame_is_read(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path)) as gw:

        async def scenario() -> None:
            async with connect(gw.url) as ws:
                await ws.send('{"op":"hello","protocol":1,"token":"' + "t" * 20_000 + '"}')
                code, _ = await closed_with(ws)
                assert code == 1009
            # Bad frames before hello: a few are answered, then the connection is closed.
            async with connect(gw.url) as ws:
                for _ in range(11):
                    await ws.send('{"op":"command","id":"1","action":"agent.set_state"}')
                code, reason = await closed_with(ws)
                assert code == 1008 and "before hello" in reason

        run(scenario())


# -- connections that have not signed in ----------------------------------------------------------


@pytest.fixture
def capped(tmp_path: Path) -> Iterator[GatewayThread]:
    limits = Limits(pending_total=5, pending_per_address=3)
    with GatewayThread(make_config(tmp_path, host="0.0.0.0", limits=limits, hello_timeout_s=60)) as gw:
        freeze(gw)
        yield gw


def test_connections_not_signed_in_are_capped_in_all_and_by_address(capped: GatewayThread) -> None:
    url = f"ws://127.0.0.1:{capped.gateway.port}"

    async def refused(source: str) -> bool:
        try:
            ws = await connect(url, local_addr=(source, 0))
        except InvalidStatus as exc:
            assert exc.response.status_code == 503
            return True
        await ws.close()
        return False

    async def scenario() -> None:
        idle = [await connect(url, local_addr=("127.0.0.2", 0)) for _ in range(3)]
        assert await refused("127.0.0.2")  # the fourth from one address
        idle += [await connect(url, local_addr=("127.0.0.3", 0)) for _ in range(2)]
        assert await refused("127.0.0.4")  # the sixth in all
        # One that signs in leaves the cap: another may come.
        await idle[0].send(
            msgspec.json.encode({"op": "hello", "protocol": 1, "token": token("viewer")}).decode()
        )
        assert msgspec.json.decode(await asyncio.wait_for(idle[0].recv(), 20))["op"] == "welcome"
        fresh = await connect(url, local_addr=("127.0.0.2", 0))
        assert await refused("127.0.0.5")
        # One that closes leaves it too (once the gateway has seen it go).
        await idle[1].close()
        deadline = time.monotonic() + 20
        while await refused("127.0.0.5"):
            assert time.monotonic() < deadline, "the cap never freed"
            await asyncio.sleep(0.05)
        for ws in [*idle, fresh]:
            await ws.close()

    run(scenario())
    assert capped.call(lambda: len(capped.gateway._pending)) <= 1


# -- failed sign-ins --------------------------------------------------------------------------------


def test_failed_sign_ins_from_one_address_end_in_4429_while_another_address_signs_in(tmp_path: Path) -> None:
    limits = Limits(signin_failures=4, signin_delay_s=0.01, signin_max_delay_s=0.05, signin_block_s=30)
    with GatewayThread(make_config(tmp_path, host="0.0.0.0", limits=limits)) as gw:
        freeze(gw)
        url = f"ws://127.0.0.1:{gw.gateway.port}"

        async def attempt(source: str, tok: str) -> tuple[int | None, str]:
            c = await open_from(url, source)
            await c.send({"op": "hello", "protocol": 1, "token": tok})
            return await closed_with(c.ws)

        async def scenario() -> None:
            codes = [(await attempt("127.0.0.2", f"guess{i}"))[0] for i in range(4)]
            assert codes == [4401, 4401, 4401, 4429]
            # Refused for a while, even with a good token, and told for how long.
            code, reason = await attempt("127.0.0.2", token("supervisor"))
            assert code == 4429 and "retry after" in reason
            # The same user from another address signs in; a bad token there is only 4401.
            ok = await open_from(url, "127.0.0.1", Role.SUPERVISOR)
            await ok.ready()
            assert ok.welcome is not None and ok.welcome["user"] == "supervisor1"
            assert (await attempt("127.0.0.1", "wrong"))[0] == 4401
            await ok.close()

        run(scenario())
        assert protocol.CLOSE_TOO_MANY == 4429


# -- the ack cache ------------------------------------------------------------------------------------


def test_the_ack_cache_stays_within_its_bytes_and_a_resend_is_still_answered_once(tmp_path: Path) -> None:
    # The 52 commands here are not about the rate; a generous bucket keeps them all taken.
    limits = Limits(ack_bytes=2000, ack_entry_bytes=150, command_rate=10_000, command_burst=10_000)
    with GatewayThread(make_config(tmp_path, limits=limits)) as gw:
        freeze(gw)

        async def scenario() -> None:
            c = await WireClient.open(gw.url, Role.SUPERVISOR)
            await c.ready()
            for i in range(50):
                await c.command("agent.set_state", {"agent_id": "nobody", "state": "available"}, cid=f"a{i}")
            assert gw.call(lambda: gw.gateway._acks.bytes) <= 2000
            # An ack too large to keep: a re-send is answered from the audit, not applied again.
            agent = next(a.id for a in c.state.agents.values() if a.state.value == "available")
            args = {"agent_id": agent, "state": "not_ready", "reason": "training"}
            big = "big-" + "b" * 180  # its ack (it names the id) is over the 150 bytes one may take
            first = await c.command("agent.set_state", args, cid=big)
            assert first["ok"] is True, first
            assert ("supervisor1", big) not in gw.call(lambda: set(gw.gateway._acks._acks))
            seq = gw.call(lambda: gw.gateway.seq)
            again = await c.command("agent.set_state", args, cid=big)
            assert again == first
            assert gw.call(lambda: gw.gateway.seq) == seq
            await c.close()

        run(scenario())
        assert len(store_of(gw).audit(action="agent.set_state", user="supervisor1")) == 51


# -- the console's feed client on 4429 ------------------------------------------------------------


def test_the_feed_client_waits_the_time_a_4429_names_and_says_so(tmp_path: Path) -> None:
    limits = Limits(signin_failures=1, signin_block_s=2)
    with GatewayThread(make_config(tmp_path, limits=limits)) as gw:
        gw.call(lambda: gw.gateway._signin.failed("127.0.0.1"))  # this address is now refused for 2 s
        client = FeedClient(gw.url, token(Role.SUPERVISOR), backoff=FAST)
        client.start()
        try:
            deadline = time.monotonic() + 20
            while "4429" not in (client.status().last_error or ""):
                assert time.monotonic() < deadline, client.status()
                time.sleep(0.01)
            status = client.status()
            assert status.state is ConnState.DISCONNECTED
            assert "too many failed sign-ins (4429); retrying in 2 s" in (status.last_error or "")
            # FAST would retry within 0.3 s; it waits out the block instead, then signs in.
            time.sleep(0.5)
            assert client.status().attempts == 1
            while client.status().state is not ConnState.CONNECTED:
                assert time.monotonic() < deadline, client.status()
                time.sleep(0.01)
            assert client.status().user == "supervisor1"
        finally:
            assert client.stop(10)


def test_a_busy_gateway_503_is_said_plainly() -> None:
    exc = InvalidStatus(Response(503, "Service Unavailable", Headers()))
    text, refused = _unreachable("ws://gw:8765", exc, 5)
    assert str(text) == "the gateway at ws://gw:8765 is busy (HTTP 503)" and refused


# -- out of file descriptors at accept() -------------------------------------------------------------


def test_accept_out_of_descriptors_is_one_log_line_not_a_traceback_flood(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with GatewayThread(make_config(tmp_path)) as gw:
        freeze(gw)
        context = {
            "message": "socket.accept() out of system resource",
            "exception": OSError(errno.EMFILE, "Too many open files"),
        }
        with caplog.at_level(logging.INFO):
            for _ in range(500):  # what asyncio reports while the limit lasts
                gw.call(lambda: gw.loop.call_exception_handler(dict(context)))
        lines = [r for r in caplog.records if "accept" in r.getMessage()]
        assert len(lines) == 1 and lines[0].exc_info is None
        assert "Too many open files" in lines[0].getMessage()


def test_answered_queries_are_never_held_up_but_refused_ones_count(tmp_path: Path) -> None:
    config = make_config(tmp_path, limits=Limits(command_rate=1, command_burst=5))
    with GatewayThread(config) as gw:
        freeze(gw)

        async def scenario() -> None:
            sup = await WireClient.open(gw.url, Role.SUPERVISOR)
            wall = await WireClient.open(gw.url, Role.VIEWER)
            await sup.ready()
            await wall.ready()
            for i in range(30):  # paging through the call history: one query at a time
                ack = await sup.command("calls.query", {"page_size": 5}, cid=f"q{i}")
                assert ack["ok"] is True, ack
            codes = [(await wall.command("calls.query", {}, cid=f"w{i}"))["error"]["code"] for i in range(30)]
            assert codes[:5] == ["forbidden"] * 5 and codes.count("rate_limited") >= 20, codes
            await sup.close()
            await wall.close()

        run(scenario())
