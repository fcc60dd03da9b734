"""The AMI client's framing and connection: bytes split anywhere, junk skipped, answers matched to actions.

``Framer`` is fed bytes by hand (every split of a real QueueStatus answer, random
streams); ``AmiConnection`` talks to small scripted servers on 127.0.0.1 that send
exactly the bytes each test needs (late answers, silence, a cut connection).
The stand-in Asterisk with its queue model is tested in test_ami_server.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.feeds.adapters.ami.protocol import (
    MAX_BLOCK,
    AmiActionError,
    AmiConnection,
    AmiConnectionLost,
    AmiError,
    AmiTimeout,
    Framer,
    Message,
    describe_action,
    encode_action,
)
from tests.helpers.ami_samples import QUEUE_STATUS_ITEMS, QUEUE_STATUS_SAMPLE
from tests.helpers.network import free_port

GREETING = b"Asterisk Call Manager/5.0.1\r\n"


def block(*fields: tuple[str, str], eol: bytes = b"\r\n") -> bytes:
    return b"".join(f"{k}: {v}".encode() + eol for k, v in fields) + eol


def feed_split(data: bytes, *cuts: int) -> tuple[list[Message], Framer]:
    framer = Framer()
    out: list[Message] = []
    bounds = [0, *cuts, len(data)]
    for start, end in itertools.pairwise(bounds):
        out += framer.feed(data[start:end])
    return out, framer


# -- Message ------------------------------------------------------------------------


def test_a_message_keeps_keys_as_sent_and_looks_them_up_ignoring_case() -> None:
    msg = Message([("Event", "QueueMember"), ("queue", "sales"), ("X-Custom", "1"), ("Queue", "again")])
    assert list(msg) == ["Event", "queue", "X-Custom"]
    assert msg["QUEUE"] == "sales" and msg.get("Queue") == "sales" and msg.get("x-custom") == "1"
    assert msg.get_all("Queue") == ["sales", "again"]
    assert "EVENT" in msg and "Missing" not in msg
    assert msg.get("Missing") is None and msg.get("Missing", "d") == "d"
    with pytest.raises(KeyError):
        msg["Missing"]
    assert len(msg) == 3
    assert msg.event == "QueueMember" and msg.response is None and msg.action_id is None
    assert msg.fields[3] == ("Queue", "again")
    reply = Message({"Response": "Success", "ActionID": "a-1"})
    assert (reply.response, reply.action_id, reply.event) == ("Success", "a-1", None)
    assert reply == {"Response": "Success", "ActionID": "a-1"}


def test_list_ends_are_recognised() -> None:
    assert Message({"Event": "QueueStatusComplete", "EventList": "Complete"}).is_list_end
    assert Message({"Event": "QueueStatusComplete"}).is_list_end  # older Asterisk: no EventList
    assert Message({"Event": "Whatever", "EventList": "Cancelled"}).is_list_end
    assert not Message({"Event": "QueueMember"}).is_list_end
    assert not Message({"Response": "Success", "EventList": "Complete"}).is_list_end


# -- framing ------------------------------------------------------------------------


def test_the_real_queue_status_answer_parses_to_its_fields() -> None:
    messages, framer = feed_split(QUEUE_STATUS_SAMPLE)
    assert [list(m.fields) for m in messages] == QUEUE_STATUS_ITEMS
    assert messages[1]["skills"] == "agent-12"  # unknown keys are kept
    assert framer.blocks == 2 and framer.malformed == 0


def test_every_split_of_the_stream_gives_the_same_blocks() -> None:
    stream = QUEUE_STATUS_SAMPLE + block(("Event", "QueueCallerJoin"), ("Message", "a: b: c"))
    whole, _ = feed_split(stream)
    assert len(whole) == 3
    for cut in range(len(stream) + 1):
        got, framer = feed_split(stream, cut)
        assert [m.fields for m in got] == [m.fields for m in whole], cut
        assert framer.malformed == 0
    one_by_one, _ = feed_split(stream, *range(1, len(stream)))
    assert [m.fields for m in one_by_one] == [m.fields for m in whole]


def test_bare_newlines_and_mixed_line_ends_are_taken() -> None:
    data = b"Event: A\nQueue: q1\n\nEvent: B\r\nQueue: q2\n\r\nEvent: C\nQueue: q3\r\n\n"
    messages, framer = feed_split(data)
    assert [(m.event, m["Queue"]) for m in messages] == [("A", "q1"), ("B", "q2"), ("C", "q3")]
    assert framer.malformed == 0


def test_values_split_at_the_first_colon_and_keep_the_rest() -> None:
    data = (
        block(
            ("Response", "Error"),
            ("Message", "Invalid/unknown command: Foo. Use Action: ListCommands to show available commands."),
            ("PausedReason", ""),
            ("Timestamp", "1700000000.250000"),
        )
        + b"Event: X\r\nKey:no-space\r\nSpaced:   three\r\nUrl: sip:1001@10.0.0.1:5060\r\n\r\n"
    )
    first, second = feed_split(data)[0]
    assert (
        first["Message"]
        == "Invalid/unknown command: Foo. Use Action: ListCommands to show available commands."
    )
    assert first["PausedReason"] == ""
    assert second["Key"] == "no-space" and second["Spaced"] == "three"
    assert second["Url"] == "sip:1001@10.0.0.1:5060"


def test_blank_lines_between_blocks_are_nothing() -> None:
    data = b"\r\n\r\n\nEvent: A\r\n\r\n\r\n\r\nEvent: B\r\n\r\n\n"
    messages, framer = feed_split(data)
    assert [m.event for m in messages] == ["A", "B"] and framer.malformed == 0


def test_non_utf8_bytes_are_replaced_not_fatal() -> None:
    messages, framer = feed_split(b"Event: A\r\nCallerIDName: Ren\xe9\r\n\r\n")
    assert messages[0]["CallerIDName"] == "Ren\ufffd" and framer.malformed == 0


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        (b"Event: QueueMember\r\nthis line has no colon\r\n\r\n", "no colon: 'this line has no colon'"),
        (b"\x00\x01\xff\xfe\x00junk\r\n\r\n", "control characters"),
        (b"Event: X\r\nQueue: a\x00b\r\n\r\n", "control characters"),
        (b"Event: X\r\n: no key\r\n\r\n", "no key"),
        (b"Event: X\r\nValue: " + b"v" * MAX_BLOCK + b"\r\n\r\n", f"longer than {MAX_BLOCK} bytes"),
        (
            b"Event: X\r\n" + b"Value: 12345678\r\n" * (MAX_BLOCK // 16) + b"\r\n",
            f"longer than {MAX_BLOCK} bytes",
        ),
        (b"x" * (3 * MAX_BLOCK) + b"\r\n\r\n", f"longer than {MAX_BLOCK} bytes"),
    ],
    ids=["no-colon", "binary", "nul-in-value", "empty-key", "long-line", "many-lines", "long-no-newline"],
)
def test_a_malformed_block_is_skipped_counted_and_logged(
    bad: bytes, said: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = block(("Event", "Before"))
    after = block(("Event", "After"), ("Queue", "sales"))
    with caplog.at_level(logging.WARNING, logger="console.adapter.ami"):
        messages, framer = feed_split(before + bad + after)
    assert [m.event for m in messages] == ["Before", "After"]
    assert messages[1]["Queue"] == "sales"
    assert framer.malformed == 1
    assert said in caplog.text
    # The same in reads of 1000 bytes.
    data = before + bad + after
    chunked, framer = feed_split(data, *range(1000, len(data), 1000))
    assert [m.event for m in chunked] == ["Before", "After"] and framer.malformed == 1


def test_a_skipped_block_ends_wherever_its_empty_line_is_split() -> None:
    long = b"Event: X\r\nValue: " + b"v" * (MAX_BLOCK + 10) + b"\r\n\r\n"
    data = long + block(("Event", "After"))
    for cut in range(len(long) - 12, len(long) + 4):
        got, framer = feed_split(data, MAX_BLOCK // 2, cut)
        assert [m.event for m in got] == ["After"], cut
        assert framer.malformed == 1


def test_the_rest_of_a_dropped_long_line_is_not_taken_for_the_end_of_its_block() -> None:
    head = b"Event: X\r\nValue: " + b"v" * (MAX_BLOCK + 10)
    data = head + b"\r\nQueue: tail\r\n\r\n" + block(("Event", "After"))
    for cut in range(len(head) - 2, len(head) + 3):
        got, framer = feed_split(data, cut)
        assert [m.event for m in got] == ["After"], cut
        assert framer.malformed == 1


def test_memory_stays_bounded_while_junk_without_line_ends_streams_in() -> None:
    framer = Framer()
    chunk = b"z" * 65536
    for _ in range(160):  # 10 MiB
        assert framer.feed(chunk) == []
        assert len(framer._buffer) <= 2 * 65536
    assert [m.event for m in framer.feed(b"\r\n\r\n" + block(("Event", "After")))] == ["After"]
    assert framer.malformed == 1


_KEYS = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12
)
_VALUES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\r\n\x7f", min_codepoint=32),
    max_size=40,
).map(lambda v: v.lstrip(" \t"))
_BLOCKS = st.lists(st.lists(st.tuples(_KEYS, _VALUES), min_size=1, max_size=6), min_size=1, max_size=8)


@given(
    blocks=_BLOCKS,
    eols=st.lists(st.sampled_from([b"\r\n", b"\n"]), min_size=1, max_size=5),
    junk_at=st.sets(st.integers(0, 8), max_size=3),
    cuts=st.lists(st.integers(0, 10_000), max_size=12),
)
def test_any_stream_split_anywhere_gives_its_blocks_and_counts_its_junk(
    blocks: list[list[tuple[str, str]]], eols: list[bytes], junk_at: set[int], cuts: list[int]
) -> None:
    parts: list[bytes] = []
    junk = 0
    for i, fields in enumerate(blocks):
        if i in junk_at:
            parts.append(b"Event: Junk\r\nno colon here\r\n\r\n")
            junk += 1
        eol = eols[i % len(eols)]
        parts.append(b"".join(f"{k}: {v}".encode() + eol for k, v in fields) + eol)
    data = b"".join(parts)
    messages, framer = feed_split(data, *sorted(c % (len(data) + 1) for c in cuts))
    assert [list(m.fields) for m in messages] == blocks
    assert framer.malformed == junk


# -- actions on the wire ------------------------------------------------------------


def test_an_action_is_written_with_its_action_id_and_fields_in_order() -> None:
    data = encode_action("QueuePause", "x-1", {"Interface": "PJSIP/1001", "Paused": True, "Penalty": 2})
    assert data == (
        b"Action: QueuePause\r\nActionID: x-1\r\nInterface: PJSIP/1001\r\nPaused: true\r\nPenalty: 2\r\n\r\n"
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"Reason": "lunch\r\nAction: Logoff"},
        {"Reason": "a\nb"},
        {"Bad:Key": "x"},
        {"ActionID": "mine"},
        {"": "x"},
    ],
)
def test_an_action_that_would_break_the_framing_is_refused(fields: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        encode_action("QueuePause", "x-1", fields)


def test_a_described_action_hides_the_secret() -> None:
    text = describe_action("Login", "x-1", {"Username": "console", "Secret": "hunter2", "key": "md5"})
    assert "hunter2" not in text and "md5" not in text and "console" in text


# -- the connection against scripted servers ----------------------------------------

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def scripted(handler: Handler) -> AsyncIterator[int]:
    """A TCP server on 127.0.0.1 running ``handler`` for each connection; yields its port."""
    tasks: list[asyncio.Task[None]] = []

    async def run(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.append(task)
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(run, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def read_action(reader: asyncio.StreamReader) -> dict[str, str]:
    """One action block from the client (fails at EOF)."""
    fields: dict[str, str] = {}
    while True:
        line = (await reader.readuntil(b"\n")).decode().rstrip("\r\n")
        if not line:
            if fields:
                return fields
            continue
        key, _, value = line.partition(": ")
        fields[key] = value


def reply(action: dict[str, str], *fields: tuple[str, str]) -> bytes:
    return block(*fields[:1], ("ActionID", action["ActionID"]), *fields[1:])


def run(coro: Awaitable[None]) -> None:
    async def main() -> None:
        async with asyncio.timeout(20):
            await coro

    asyncio.run(main())


async def take(conn: AmiConnection, n: int) -> list[Message]:
    out: list[Message] = []
    async for event in conn.events():
        out.append(event)
        if len(out) == n:
            break
    return out


@pytest.mark.parametrize(
    ("sent", "error", "said"),
    [
        (b"SSH-2.0-OpenSSH_9.2p1\r\n", AmiError, "greeted with 'SSH-2.0-OpenSSH_9.2p1'"),
        (b"HTTP/1.1 400 Bad Request\r\n\r\n", AmiError, "greeted with 'HTTP/1.1 400 Bad Request'"),
        (b"Asterisk Call", AmiConnectionLost, "closed the connection after b'Asterisk Call'"),
        (b"", AmiConnectionLost, "closed the connection without a word"),
    ],
    ids=["ssh", "http", "cut-greeting", "closed"],
)
def test_open_names_what_came_instead_of_a_greeting(sent: bytes, error: type[Exception], said: str) -> None:
    async def greet(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(sent)
        await writer.drain()

    async def main() -> None:
        async with scripted(greet) as port:
            with pytest.raises(error, match=re.escape(said)) as caught:
                await AmiConnection.open("127.0.0.1", port, timeout=2)
            assert caught.type is error

    run(main())


def test_open_times_out_on_a_silent_server_and_fails_on_a_closed_port() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(10)

    async def main() -> None:
        async with scripted(silent) as port:
            with pytest.raises(AmiTimeout, match=r"no AMI greeting in 0\.2 s"):
                await AmiConnection.open("127.0.0.1", port, timeout=0.2)
        with pytest.raises(AmiConnectionLost, match="cannot connect"):
            await AmiConnection.open("127.0.0.1", free_port(), timeout=2)

    run(main())


def test_responses_find_their_actions_and_events_in_between_go_to_the_stream() -> None:
    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(GREETING)
        first, second = await read_action(reader), await read_action(reader)
        assert (first["Action"], second["Action"]) == ("Ping", "QueuePause")
        assert (second["Interface"], second["Paused"]) == ("PJSIP/1001", "true")
        assert first["ActionID"] != second["ActionID"]
        # Answered in the other order, with events around and between.
        writer.write(block(("Event", "QueueCallerJoin"), ("Queue", "sales")))
        writer.write(reply(second, ("Response", "Error"), ("Message", "Interface not found")))
        writer.write(block(("Event", "Unknown"), ("ActionID", "not-ours")))
        writer.write(reply(first, ("Response", "Success"), ("Ping", "Pong"), ("Timestamp", "1.000000")))
        await writer.drain()
        await asyncio.sleep(10)

    async def main() -> None:
        async with scripted(server) as port:
            conn = await AmiConnection.open("127.0.0.1", port, timeout=5)
            assert conn.version == "5.0.1"
            ping = asyncio.create_task(conn.action("Ping"))
            await asyncio.sleep(0)
            with pytest.raises(AmiActionError, match="QueuePause failed: Interface not found") as caught:
                await conn.action("QueuePause", Interface="PJSIP/1001", Paused=True)
            assert caught.value.message == "Interface not found"
            assert caught.value.response["Response"] == "Error"
            assert (await ping)["Ping"] == "Pong"
            events = await take(conn, 2)
            assert [e.event for e in events] == ["QueueCallerJoin", "Unknown"]
            assert conn.events_received == 2
            await conn.close()

    run(main())


def test_a_list_action_returns_its_items_while_other_events_go_on() -> None:
    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(GREETING)
        action = await read_action(reader)
        assert action["Action"] == "QueueStatus" and action["Queue"] == "sales"
        aid = action["ActionID"]
        writer.write(
            reply(action, ("Response", "Success"), ("EventList", "start"), ("Message", "will follow"))
        )
        writer.write(block(("Event", "QueueParams"), ("Queue", "sales"), ("ActionID", aid)))
        writer.write(block(("Event", "QueueMemberPause"), ("Queue", "sales")))  # unsolicited, in the middle
        writer.write(block(("Event", "QueueMember"), ("Queue", "sales"), ("ActionID", aid)))
        writer.write(b"Event: QueueEntry\r\nno colon\r\n\r\n")  # junk in the middle
        writer.write(block(("Event", "QueueStatusComplete"), ("ActionID", aid), ("EventList", "Complete")))
        writer.write(block(("Event", "After")))
        await writer.drain()
        await asyncio.sleep(10)

    async def main() -> None:
        async with scripted(server) as port:
            conn = await AmiConnection.open("127.0.0.1", port, timeout=5)
            items = await conn.list_action("QueueStatus", Queue="sales")
            assert [m.event for m in items] == ["QueueParams", "QueueMember"]
            assert [e.event for e in await take(conn, 2)] == ["QueueMemberPause", "After"]
            assert conn.malformed == 1
            await conn.close()

    run(main())


def test_an_action_given_up_drops_its_late_answer_instead_of_passing_it_for_events() -> None:
    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(GREETING)
        status, ping = await read_action(reader), await read_action(reader)
        await asyncio.sleep(0.5)  # both time out
        aid = status["ActionID"]
        writer.write(reply(status, ("Response", "Success"), ("EventList", "start")))
        writer.write(block(("Event", "QueueParams"), ("ActionID", aid)))
        writer.write(block(("Event", "QueueStatusComplete"), ("ActionID", aid), ("EventList", "Complete")))
        writer.write(reply(ping, ("Response", "Success"), ("Ping", "Pong")))
        writer.write(block(("Event", "Fresh")))
        await writer.drain()
        await asyncio.sleep(10)

    async def main() -> None:
        async with scripted(server) as port:
            conn = await AmiConnection.open("127.0.0.1", port, timeout=5)
            with pytest.raises(AmiTimeout, match=r"no answer to AMI QueueStatus in 0\.2 s"):
                await conn.list_action("QueueStatus", timeout=0.2)
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.1):
                    await conn.ping()
            assert [e.event for e in await take(conn, 1)] == ["Fresh"]
            assert conn.events_received == 1
            await conn.close()

    run(main())


def test_a_lost_connection_fails_the_waiting_actions_and_ends_the_events_with_an_error() -> None:
    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(GREETING + block(("Event", "One")) + block(("Event", "Two")))
        await read_action(reader)
        writer.transport.abort()

    async def main() -> None:
        async with scripted(server) as port:
            conn = await AmiConnection.open("127.0.0.1", port, timeout=5)
            with pytest.raises(AmiConnectionLost):
                await conn.action("Ping")
            got: list[str | None] = []
            with pytest.raises(AmiConnectionLost):
                async for event in conn.events():
                    got.append(event.event)
            assert got == ["One", "Two"]
            assert conn.closed and conn.lost is not None
            with pytest.raises(AmiConnectionLost):
                await conn.action("Ping")
            with pytest.raises(AmiConnectionLost):  # again: the stream stays ended
                await anext(aiter(conn.events()))
            await conn.close()

    run(main())


def test_close_ends_the_events_quietly_and_fails_what_waits() -> None:
    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(GREETING)
        await asyncio.sleep(10)

    async def main() -> None:
        async with scripted(server) as port:
            conn = await AmiConnection.open("127.0.0.1", port, timeout=5)
            waiting = asyncio.create_task(conn.action("Ping"))
            consumer = asyncio.create_task(take(conn, 5))
            await asyncio.sleep(0.05)
            await conn.close()
            assert await consumer == []
            with pytest.raises(AmiConnectionLost, match="closed"):
                await waiting
            assert conn.closed and conn.lost is None
            await conn.close()  # twice is fine

    run(main())


def test_unread_events_past_the_bound_drop_the_connection() -> None:
    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(GREETING + b"".join(block(("Event", f"E{i}")) for i in range(20)))
        await writer.drain()
        await asyncio.sleep(10)

    async def main() -> None:
        async with scripted(server) as port:
            conn = await AmiConnection.open("127.0.0.1", port, timeout=5, max_queued_events=5)
            got: list[str | None] = []
            with pytest.raises(AmiConnectionLost, match="more than 5 AMI events were left unread"):
                async for event in conn.events():
                    got.append(event.event)
            assert got == ["E0", "E1", "E2", "E3", "E4"]

    run(main())


def test_keepalive_drops_a_connection_whose_pings_go_unanswered() -> None:
    pings: list[dict[str, str]] = []

    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(GREETING)
        first = await read_action(reader)
        pings.append(first)
        writer.write(reply(first, ("Response", "Success"), ("Ping", "Pong")))  # the first is answered
        while True:
            pings.append(await read_action(reader))  # then silence

    async def main() -> None:
        async with scripted(server) as port:
            conn = await AmiConnection.open("127.0.0.1", port, timeout=5)
            keepalive = asyncio.create_task(conn.keepalive(0.05, timeout=0.3))
            with pytest.raises(AmiConnectionLost, match=r"no answer to Ping in 0\.3 s"):
                await take(conn, 1)
            await keepalive
            assert [p["Action"] for p in pings] == ["Ping", "Ping"]

    run(main())
