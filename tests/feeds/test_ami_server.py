"""The stand-in AMI server (tests/helpers/ami_server.py) with the real client: what an adapter will meet.

The server's bytes are checked against Asterisk's own format strings (written out
here by hand) and against a QueueStatus answer recorded from a real Asterisk; the
client logs in, sends the actions an adapter sends and follows a call's events.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.feeds.adapters.ami.protocol import (
    AmiActionError,
    AmiAuthError,
    AmiConnection,
    AmiConnectionLost,
    Message,
)
from tests.helpers.ami_samples import QUEUE_STATUS_ITEMS, seed_sample
from tests.helpers.ami_server import AmiServer, self_signed_tls

T0 = 1_700_000_000.0
SAMPLE_QUEUE = "xxxxxxxxxxxxxxxx-tous"


def run(coro: Awaitable[None]) -> None:
    async def main() -> None:
        async with asyncio.timeout(30):
            await coro

    asyncio.run(main())


async def login(server: AmiServer, *, tls: ssl.SSLContext | None = None) -> AmiConnection:
    """A connection logged in as ``console``."""
    conn = await AmiConnection.open("127.0.0.1", server.port, timeout=5, ssl=tls)
    await conn.login("console", "secret")
    return conn


async def take(conn: AmiConnection, n: int) -> list[Message]:
    out: list[Message] = []
    async with asyncio.timeout(5):
        async for event in conn.events():
            out.append(event)
            if len(out) == n:
                break
    return out


def call_centre(
    *, timestamps: bool = True, sequence_numbers: bool = True, tls: ssl.SSLContext | None = None
) -> AmiServer:
    """Two queues, two members (Dana in both), a route to each queue; no FullyBooted."""
    server = AmiServer(
        users={"console": "secret"},
        fully_booted=False,
        now=T0,
        timestamps=timestamps,
        sequence_numbers=sequence_numbers,
        ssl=tls,
    )
    server.add_queue("sales", service_level=20)
    server.add_queue("support", service_level=30, strategy="rrmemory")
    server.add_member("PJSIP/1001", name="Dana", queues=["sales", "support"])
    server.add_member("PJSIP/1002", name="Omer", queues=["sales"], dynamic=False)
    server.route("queues", "100", "sales")
    server.route("queues", "200", "support")
    return server


# -- login --------------------------------------------------------------------------


def test_login_is_accepted_then_fully_booted_arrives() -> None:
    async def main() -> None:
        async with AmiServer(users={"console": "secret"}) as server:
            conn = await AmiConnection.open("127.0.0.1", server.port, timeout=5)
            assert conn.greeting == "Asterisk Call Manager/5.0.1"
            response = await conn.login("console", "secret")
            assert response["Message"] == "Authentication accepted"
            (booted,) = await take(conn, 1)
            assert booted.event == "FullyBooted" and booted["Status"] == "Fully Booted"
            assert "Timestamp" not in booted  # written by the login itself, not as a manager event
            assert server.logged_in == 1
            await conn.close()

    run(main())


def test_a_refused_login_says_why_and_leaves_the_connection_open_unless_asked() -> None:
    async def main() -> None:
        async with AmiServer(users={"console": "secret"}, fully_booted=False) as server:
            conn = await AmiConnection.open("127.0.0.1", server.port, timeout=5)
            with pytest.raises(AmiAuthError, match="refused: Authentication failed") as caught:
                await conn.login("console", "wrong")
            assert caught.value.message == "Authentication failed"
            await conn.login("console", "secret")  # same connection
            await conn.close()
        async with AmiServer(users={"console": "secret"}, close_on_failed_login=True) as server:
            conn = await AmiConnection.open("127.0.0.1", server.port, timeout=5)
            with pytest.raises(AmiAuthError):
                await conn.login("nobody", "secret")
            with pytest.raises(AmiConnectionLost):  # as Asterisk does
                await anext(aiter(conn.events()))

    run(main())


def test_actions_before_login_are_denied_and_unknown_ones_named() -> None:
    async def main() -> None:
        async with call_centre() as server:
            conn = await AmiConnection.open("127.0.0.1", server.port, timeout=5)
            with pytest.raises(AmiActionError, match="Permission denied"):
                await conn.list_action("QueueStatus")
            await conn.login("console", "secret")
            with pytest.raises(AmiActionError) as caught:
                await conn.action("Originat", Channel="PJSIP/1001")
            assert caught.value.message == (
                "Invalid/unknown command: Originat. Use Action: ListCommands to show available commands."
            )
            assert (await conn.action("ping"))["Ping"] == "Pong"  # names ignore case
            await conn.close()

    run(main())


def test_the_secret_is_never_logged_and_is_masked_in_the_record(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        async with AmiServer(users={"console": "s3cr3t-value"}) as server:
            conn = await AmiConnection.open("127.0.0.1", server.port, timeout=5)
            with pytest.raises(AmiAuthError) as caught:
                await conn.login("console", "wr0ng-value")
            assert "wr0ng-value" not in str(caught.value)
            await conn.login("console", "s3cr3t-value")
            await conn.close()
            assert [a["Secret"] for a in server.actions if a["Action"] == "Login"] == ["********"] * 2

    with caplog.at_level(logging.DEBUG):
        run(main())
    assert caplog.records  # the actions were logged ...
    assert "s3cr3t-value" not in caplog.text and "wr0ng-value" not in caplog.text  # ... without the secret


# -- QueueStatus ----------------------------------------------------------------------


def test_queue_status_answers_like_the_recorded_asterisk() -> None:
    async def main() -> None:
        async with AmiServer(fully_booted=False) as server:
            seed_sample(server)
            conn = await login(server)
            items = await conn.list_action("QueueStatus")
            await conn.close()
        assert len(items) == len(QUEUE_STATUS_ITEMS)
        for got, recorded in zip(items, QUEUE_STATUS_ITEMS, strict=True):
            for key, value in recorded:
                if key != "Skills":  # a patched app_queue's field
                    assert got[key] == value, (key, got[key], value)
        assert {k for k, _ in items[0].fields} - {k for k, _ in QUEUE_STATUS_ITEMS[0]} == {
            "ServicelevelPerf2",
            "ActionID",
        }
        assert {k for k, _ in items[1].fields} - {k for k, _ in QUEUE_STATUS_ITEMS[1]} == {
            "LastPause",
            "InCall",
            "PausedReason",
            "ActionID",
        }

    run(main())


async def raw_exchange(server: AmiServer, *actions: bytes) -> bytes:
    """Send raw actions; everything the server wrote until it has been quiet for 0.2 s."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    for action in actions:
        writer.write(action)
    got = b""
    try:
        while True:
            async with asyncio.timeout(0.2):
                got += await reader.read(65536)
    except TimeoutError:
        pass
    writer.close()
    return got


def test_queue_status_is_written_byte_for_byte_as_asterisk_16_writes_it() -> None:
    # main/manager.c (astman_send_listack, astman_send_list_complete_start) and
    # apps/app_queue.c (manager_queues_status) of Asterisk 16, written out.
    expected = (
        b"Asterisk Call Manager/5.0.1\r\n"
        b"Response: Success\r\nActionID: L1\r\nMessage: Authentication accepted\r\n\r\n"
        b"Response: Success\r\nActionID: 7\r\nEventList: start\r\nMessage: Queue status will follow\r\n\r\n"
        b"Event: QueueParams\r\nQueue: xxxxxxxxxxxxxxxx-tous\r\nMax: 0\r\nStrategy: ringall\r\nCalls: 1\r\n"
        b"Holdtime: 3\r\nTalkTime: 303\r\nCompleted: 60\r\nAbandoned: 5\r\nServiceLevel: 0\r\n"
        b"ServicelevelPerf: 0.0\r\nServicelevelPerf2: 0.0\r\nWeight: 0\r\nActionID: 7\r\n\r\n"
        b"Event: QueueMember\r\nQueue: xxxxxxxxxxxxxxxx-tous\r\nName: Agent/999\r\n"
        b"Location: Local/id-12@agentcallback\r\nStateInterface: SIP/000000\r\nMembership: dynamic\r\n"
        b"Penalty: 0\r\nCallsTaken: 0\r\nLastCall: 0\r\nLastPause: 0\r\nInCall: 0\r\nStatus: 5\r\n"
        b"Paused: 1\r\nPausedReason: \r\nActionID: 7\r\n\r\n"
        b"Event: QueueEntry\r\nQueue: xxxxxxxxxxxxxxxx-tous\r\nPosition: 1\r\n"
        b"Channel: PJSIP/trunk-00000001\r\n"
        b"Uniqueid: 1700000000.1\r\nCallerIDNum: 0501234567\r\nCallerIDName: unknown\r\n"
        b"ConnectedLineNum: unknown\r\nConnectedLineName: unknown\r\nWait: 42\r\nPriority: 0\r\n"
        b"ActionID: 7\r\n\r\n"
        b"Event: QueueStatusComplete\r\nActionID: 7\r\nEventList: Complete\r\nListItems: 3\r\n\r\n"
    )

    async def main() -> None:
        async with AmiServer(fully_booted=False, now=T0) as server:
            seed_sample(server)
            server.caller_join(SAMPLE_QUEUE, "1700000000.1", "0501234567", at=T0)
            server.now = T0 + 42.9
            got = await raw_exchange(
                server,
                b"Action: Login\r\nActionID: L1\r\nUsername: console\r\nSecret: secret\r\n\r\n",
                b"Action: QueueStatus\r\nActionID: 7\r\n\r\n",
            )
        assert got == expected

    run(main())


def test_asterisk_20_adds_login_time_and_wrapup_time() -> None:
    async def main() -> None:
        async with AmiServer(asterisk=20, fully_booted=False, now=T0) as server:
            server.add_queue("sales", wrapuptime=15)
            server.add_member("PJSIP/1001", name="Dana", queues=["sales"])
            conn = await login(server)
            assert conn.version == "9.0.0"
            _, member = await conn.list_action("QueueStatus")
            assert (member["LoginTime"], member["Wrapuptime"]) == (str(int(T0)), "15")
            await conn.action("QueuePause", Interface="PJSIP/1001", Paused=True, Reason="lunch")
            (pause,) = await take(conn, 1)
            assert pause["PausedReason"] == "lunch" and "Reason" not in pause and pause["Wrapuptime"] == "15"
            await conn.close()

    run(main())


def test_queue_summary_counts_members_and_callers() -> None:
    async def main() -> None:
        async with call_centre() as server:
            server.member_status("PJSIP/1002", 5)  # unavailable: not logged in
            server.caller_join("sales", "1700000000.1", "0501", at=T0)
            server.caller_join("sales", "1700000000.2", "0502", at=T0 + 5)
            server.now = T0 + 30
            conn = await login(server)
            sales, support = await conn.list_action("QueueSummary")
            assert (sales["LoggedIn"], sales["Available"], sales["Callers"], sales["LongestHoldTime"]) == (
                "1",
                "1",
                "2",
                "30",
            )
            assert (support["Queue"], support["Callers"]) == ("support", "0")
            await conn.close()

    run(main())


# -- pause, add, remove ------------------------------------------------------------------


def test_pause_and_unpause_emit_queue_member_pause_in_each_queue() -> None:
    async def main() -> None:
        async with call_centre() as server:
            conn = await login(server)
            response = await conn.action("QueuePause", Interface="PJSIP/1001", Paused=True, Reason="lunch")
            assert response["Message"] == "Interface paused successfully"
            events = await take(conn, 2)
            assert [(e.event, e["Queue"], e["Paused"], e["PausedReason"]) for e in events] == [
                ("QueueMemberPause", "sales", "1", "lunch"),
                ("QueueMemberPause", "support", "1", "lunch"),
            ]
            assert events[0]["Reason"] == "lunch"  # Asterisk 16 adds it
            assert events[0]["MemberName"] == "Dana" and events[0]["LastPause"] == str(int(T0))
            await conn.action("QueuePause", Interface="PJSIP/1001", Paused="false", Queue="support")
            (unpause,) = await take(conn, 1)
            assert (unpause["Queue"], unpause["Paused"], unpause["PausedReason"]) == ("support", "0", "")
            assert "Reason" not in unpause
            assert server.members["PJSIP/1001"].queues["sales"].paused
            assert not server.members["PJSIP/1001"].queues["support"].paused
            with pytest.raises(AmiActionError, match="Interface not found"):
                await conn.action("QueuePause", Interface="PJSIP/9999", Paused=True)
            with pytest.raises(AmiActionError, match="Interface not found"):
                await conn.action("QueuePause", Interface="PJSIP/1002", Paused=True, Queue="support")
            with pytest.raises(AmiActionError, match=r"Need 'Interface' and 'Paused' parameters\."):
                await conn.action("QueuePause", Interface="PJSIP/1001")
            params = await conn.list_action("QueueStatus", Queue="sales", Member="PJSIP/1001")
            assert [(m.event, m.get("Paused")) for m in params] == [
                ("QueueParams", None),
                ("QueueMember", "1"),
            ]
            await conn.close()

    run(main())


def test_queue_add_and_remove_emit_member_added_and_removed() -> None:
    async def main() -> None:
        async with call_centre() as server:
            conn = await login(server)
            response = await conn.action(
                "QueueAdd", Queue="support", Interface="PJSIP/1003", MemberName="Noa", Penalty=2, Paused=True
            )
            assert response["Message"] == "Added interface to queue"
            (added,) = await take(conn, 1)
            assert (
                added.event,
                added["MemberName"],
                added["Penalty"],
                added["Paused"],
                added["Membership"],
            ) == (
                "QueueMemberAdded",
                "Noa",
                "2",
                "1",
                "dynamic",
            )
            with pytest.raises(AmiActionError, match="Unable to add interface: Already there"):
                await conn.action("QueueAdd", Queue="support", Interface="PJSIP/1003")
            with pytest.raises(AmiActionError, match="Unable to add interface to queue: No such queue"):
                await conn.action("QueueAdd", Queue="nope", Interface="PJSIP/1003")
            await conn.action("QueueRemove", Queue="support", Interface="PJSIP/1003")
            (removed,) = await take(conn, 1)
            assert (removed.event, removed["Queue"], removed["Interface"]) == (
                "QueueMemberRemoved",
                "support",
                "PJSIP/1003",
            )
            with pytest.raises(AmiActionError, match="Member not dynamic"):
                await conn.action("QueueRemove", Queue="sales", Interface="PJSIP/1002")
            with pytest.raises(AmiActionError, match="Unable to remove interface: Not there"):
                await conn.action("QueueRemove", Queue="support", Interface="PJSIP/1003")
            await conn.close()

    run(main())


# -- calls --------------------------------------------------------------------------


def test_a_call_from_join_to_complete_gives_app_queues_events_and_figures() -> None:
    async def main() -> None:
        async with call_centre() as server:
            conn = await login(server)
            uid = "1700000000.1"
            server.caller_join("sales", uid, "0501234567", name="Ruth", at=T0)
            server.caller_join("sales", "1700000000.2", "0509999999", at=T0 + 1)
            server.agent_called(uid, "PJSIP/1001", at=T0 + 12)
            server.agent_connect(uid, "PJSIP/1001", at=T0 + 15)
            server.agent_complete(uid, reason="agent", at=T0 + 135)
            events = await take(conn, 6)
            assert [e.event for e in events] == [
                "QueueCallerJoin",
                "QueueCallerJoin",
                "AgentCalled",
                "QueueCallerLeave",
                "AgentConnect",
                "AgentComplete",
            ]
            join, second, called, leave, connect, complete = events
            assert (join["Queue"], join["Position"], join["Count"]) == ("sales", "1", "1")
            assert (second["Position"], second["Count"], second["CallerIDName"]) == ("2", "2", "<unknown>")
            assert (join["Channel"], join["ChannelStateDesc"], join["Context"], join["Exten"]) == (
                "PJSIP/trunk-00000001",
                "Up",
                "queues",
                "100",
            )
            assert (join["CallerIDNum"], join["CallerIDName"], join["Uniqueid"], join["Linkedid"]) == (
                "0501234567",
                "Ruth",
                uid,
                uid,
            )
            assert (called["Interface"], called["MemberName"], called["DestChannelState"]) == (
                "PJSIP/1001",
                "Dana",
                "0",
            )
            assert called["DestChannel"].startswith("PJSIP/1001-")
            assert (leave["Position"], leave["Count"]) == ("1", "1")
            assert (connect["HoldTime"], connect["RingTime"], connect["DestChannelStateDesc"]) == (
                "15",
                "3",
                "Up",
            )
            assert connect["ConnectedLineName"] == "Dana"
            assert (complete["HoldTime"], complete["TalkTime"], complete["Reason"]) == ("15", "120", "agent")
            assert [e["Timestamp"] for e in events] == [
                "1700000000.000000",
                "1700000001.000000",
                "1700000012.000000",
                "1700000015.000000",
                "1700000015.000000",
                "1700000135.000000",
            ]
            sequence = [int(e["SequenceNumber"]) for e in events]
            assert sequence == list(range(sequence[0], sequence[0] + 6))
            params, dana, _omer, entry = await conn.list_action("QueueStatus", Queue="sales")
            assert (params["Calls"], params["Completed"], params["Holdtime"], params["TalkTime"]) == (
                "1",
                "1",
                "15",
                "120",
            )
            assert params["ServicelevelPerf"] == "100.0"  # answered in 15 s, level 20 s
            assert (dana["CallsTaken"], dana["LastCall"], dana["InCall"]) == ("1", str(int(T0 + 135)), "0")
            assert (entry["Position"], entry["Uniqueid"]) == ("1", "1700000000.2")
            await conn.close()

    run(main())


def test_an_abandoned_call_and_a_ring_with_no_answer() -> None:
    async def main() -> None:
        async with call_centre() as server:
            conn = await login(server)
            server.caller_join("support", "u1", "0501", at=T0)
            server.agent_called("u1", "PJSIP/1001", at=T0 + 2)
            server.agent_ring_no_answer("u1", at=T0 + 17)
            server.caller_abandon("u1", at=T0 + 40)
            events = await take(conn, 5)
            assert [e.event for e in events] == [
                "QueueCallerJoin",
                "AgentCalled",
                "AgentRingNoAnswer",
                "QueueCallerAbandon",
                "QueueCallerLeave",
            ]
            assert events[2]["RingTime"] == "15"
            assert (events[3]["Position"], events[3]["OriginalPosition"], events[3]["HoldTime"]) == (
                "1",
                "1",
                "40",
            )
            assert events[4]["Count"] == "0"
            assert "u1" not in server.callers
            (params, *_) = await conn.list_action("QueueStatus", Queue="support")
            assert (params["Abandoned"], params["Calls"], params["ServicelevelPerf2"]) == ("1", "0", "0.0")
            await conn.close()

    run(main())


def test_redirect_moves_a_waiting_caller_to_the_queue_its_new_place_routes_to() -> None:
    async def main() -> None:
        async with call_centre() as server:
            conn = await login(server)
            server.caller_join("sales", "u1", "0501", channel="PJSIP/trunk-0000002a", at=T0)
            (join,) = await take(conn, 1)
            server.now = T0 + 50
            response = await conn.action(
                "Redirect", Channel=join["Channel"], Context="queues", Exten="200", Priority=1
            )
            assert response["Message"] == "Redirect successful"
            leave, rejoin = await take(conn, 2)
            assert (leave.event, leave["Queue"], leave["Count"]) == ("QueueCallerLeave", "sales", "0")
            assert (rejoin.event, rejoin["Queue"], rejoin["Position"], rejoin["Count"]) == (
                "QueueCallerJoin",
                "support",
                "1",
                "1",
            )
            assert (rejoin["Channel"], rejoin["Uniqueid"], rejoin["Exten"]) == (
                "PJSIP/trunk-0000002a",
                "u1",
                "200",
            )
            assert server.queues["sales"].waiting == [] and server.queues["support"].waiting == ["u1"]
            assert server.callers["u1"].joined_at == T0 + 50  # Queue() starts again
            with pytest.raises(AmiActionError, match="Channel does not exist: PJSIP/nope"):
                await conn.action("Redirect", Channel="PJSIP/nope", Context="queues", Exten="100", Priority=1)
            with pytest.raises(AmiActionError, match="Priority not specified"):
                await conn.action("Redirect", Channel=join["Channel"], Context="queues", Exten="100")
            # Out of the queues altogether: the caller just leaves.
            await conn.action("Redirect", Channel=join["Channel"], Context="voicemail", Exten="s", Priority=1)
            (gone,) = await take(conn, 1)
            assert (gone.event, gone["Queue"]) == ("QueueCallerLeave", "support")
            assert "u1" not in server.callers
            await conn.close()

    run(main())


def test_member_status_reaches_every_queue_of_the_member() -> None:
    async def main() -> None:
        async with call_centre() as server:
            conn = await login(server)
            server.member_status("PJSIP/1001", 2, in_call=True, at=T0 + 3)
            events = await take(conn, 2)
            assert [(e.event, e["Queue"], e["Status"], e["InCall"]) for e in events] == [
                ("QueueMemberStatus", "sales", "2", "1"),
                ("QueueMemberStatus", "support", "2", "1"),
            ]
            await conn.close()

    run(main())


# -- the stream -----------------------------------------------------------------------


def test_events_carry_a_timestamp_from_at_only_when_timestamps_are_on() -> None:
    async def main() -> None:
        async with call_centre() as server:
            conn = await login(server)
            server.caller_join("sales", "u1", "0501", at=1_700_000_000.25)
            server.caller_join("sales", "u2", "0502", at=datetime(2024, 3, 1, 8, 30, 0, 5, tzinfo=UTC))
            first, second = await take(conn, 2)
            assert first["Timestamp"] == "1700000000.250000"
            assert second["Timestamp"] == "1709281800.000005"
            assert list(first)[:4] == ["Event", "Privilege", "Timestamp", "SequenceNumber"]
            assert first["Privilege"] == "agent,all"
            await conn.close()
        async with call_centre(timestamps=False, sequence_numbers=False) as server:
            conn = await login(server)
            server.caller_join("sales", "u1", "0501", at=T0)
            (event,) = await take(conn, 1)
            assert "Timestamp" not in event and "SequenceNumber" not in event
            assert list(event)[:3] == ["Event", "Privilege", "Channel"]
            await conn.close()

    run(main())


def test_junk_in_the_stream_is_skipped_and_counted_while_the_next_event_arrives() -> None:
    async def main() -> None:
        async with call_centre() as server:
            conn = await login(server)
            server.send_raw(b"Event: QueueMemberStatus\r\nthis is not a field\r\n\r\n")
            server.send_raw(b"\x00\xff\xfebinary\r\n\r\n")
            server.send_raw(b"Event: SomethingNew\r\nFoo: bar: baz\r\n\r\n")  # unknown: passed on
            server.caller_join("sales", "u1", "0501", at=T0)
            unknown, join = await take(conn, 2)
            assert (unknown.event, unknown["Foo"]) == ("SomethingNew", "bar: baz")
            assert join.event == "QueueCallerJoin"
            assert conn.malformed == 2 and conn.events_received == 2
            await conn.close()

    run(main())


def test_drop_clients_cuts_the_stream_and_fails_what_waits_and_a_new_connection_works() -> None:
    async def main() -> None:
        async with call_centre() as server:
            conn = await login(server)
            server.caller_join("sales", "u1", "0501", at=T0)
            await take(conn, 1)
            assert server.drop_clients() == 1
            got: list[str | None] = []
            with pytest.raises(AmiConnectionLost):
                async for event in conn.events():
                    got.append(event.event)
            assert got == []
            with pytest.raises(AmiConnectionLost):
                await conn.action("Ping")
            again = await login(server)
            (status, *_) = await again.list_action("QueueStatus", Queue="sales")
            assert status["Calls"] == "1"
            await again.close()

    run(main())


def test_every_logged_in_client_gets_the_events_it_asked_for() -> None:
    async def main() -> None:
        async with call_centre() as server:
            both = [await login(server), await login(server)]
            quiet = await AmiConnection.open("127.0.0.1", server.port, timeout=5)
            await quiet.login("console", "secret", events="off")
            outsider = await AmiConnection.open("127.0.0.1", server.port, timeout=5)  # not logged in
            server.caller_join("sales", "u1", "0501", at=T0)
            for conn in both:
                assert [e.event for e in await take(conn, 1)] == ["QueueCallerJoin"]
            await quiet.action("Ping")  # the event would have come before this answer
            assert quiet.queued_events == 0 and outsider.queued_events == 0
            for conn in [*both, quiet, outsider]:
                await conn.close()

    run(main())


def test_close_logs_off() -> None:
    async def main() -> None:
        async with call_centre() as server:
            conn = await login(server)
            await conn.close()
            action = await server.wait_action("Logoff")
            assert action["ActionID"]
            await server.wait_clients(0)  # Asterisk closes after Goodbye

    run(main())


def test_tls(tmp_path: Path) -> None:
    contexts = self_signed_tls(tmp_path)
    if contexts is None:
        pytest.skip("no openssl command to make a certificate with (and no cryptography package)")
    server_tls, client_tls = contexts

    async def main() -> None:
        async with call_centre(tls=server_tls) as server:
            conn = await login(server, tls=client_tls)
            server.caller_join("sales", "u1", "0501", at=T0)
            (join,) = await take(conn, 1)
            assert join.event == "QueueCallerJoin"
            assert await conn.ping() >= 0
            await conn.close()
            with pytest.raises(AmiConnectionLost):  # a client that does not trust the certificate
                await AmiConnection.open(
                    "127.0.0.1", server.port, timeout=5, ssl=ssl.create_default_context()
                )

    run(main())
