"""Quality flags and the call history over a real websocket on 127.0.0.1, with a real SQLite file.

The centre: a "burst" queue that takes calls only in the first hour of the day
(the feed starts at 00:30 and runs ten minutes a second, so by 01:05 every burst
call has been answered or abandoned and the day's completed calls stand still),
and a "long" queue whose calls are talked for ever or wait for ever: always
calls in progress to flag.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from sqlalchemy import delete

from console.domain.entities import CallState, FlagStatus
from console.domain.flags import flags_csv
from console.domain.permissions import Role
from console.feeds.gateway.role_views import POLICIES, View, view_flag
from console.store import Store
from console.store.schema import checkpoints_table
from tests.helpers.gateway import MASKED, GatewayThread, WireClient
from tests.helpers.simulation import flags_config


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def store_of(gw: GatewayThread) -> Store:
    store = gw.gateway.store
    assert store is not None
    return store


async def settled(c: WireClient) -> None:
    """Wait until the burst is over: today's completed calls no longer change."""
    await c.ready()
    await c.until(
        lambda cl: (
            (cl.state.at or "") >= "2026-03-02T01:05:00.000Z"
            and not any(x.queue_id == "burst" for x in cl.state.calls.values())
            and any(x.state is CallState.TALKING for x in cl.state.calls.values())
        ),
        60,
        "the burst to end",
    )


async def query(c: WireClient, **args: Any) -> dict[str, Any]:
    ack = await c.command("calls.query", args)
    assert ack["ok"] is True, ack
    result: dict[str, Any] = ack["result"]
    return result


async def all_calls(c: WireClient, **args: Any) -> list[dict[str, Any]]:
    result = await query(c, page_size=1000, **args)
    assert result["next_cursor"] is None and result["total"] == len(result["calls"])
    calls: list[dict[str, Any]] = result["calls"]
    return calls


def talking(c: WireClient) -> str:
    return min(x.id for x in c.state.calls.values() if x.state is CallState.TALKING)


@pytest.fixture(scope="module")
def flags_gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayThread]:
    with GatewayThread(flags_config(tmp_path_factory.mktemp("flags"))) as gw:
        yield gw


# -- calls.query ----------------------------------------------------------------------------------


def test_todays_completed_calls_page_filter_and_come_masked(flags_gw: GatewayThread) -> None:
    gw = flags_gw

    async def scenario() -> None:
        sup = await WireClient.open(gw.url, Role.SUPERVISOR)
        await settled(sup)
        calls = await all_calls(sup)
        burst = sup.state.queues["burst"].today
        # Every burst call is there once: answered ones and abandons, short abandons marked.
        assert len(calls) == burst.offered == len({c["id"] for c in calls}) > 100
        assert sum(c["outcome"] == "answered" for c in calls) == burst.answered == burst.handled
        assert sum(c["outcome"] == "abandoned" for c in calls) == burst.abandoned
        assert sum(c["short_abandon"] for c in calls) == burst.short_abandons > 0
        assert all(MASKED.match(c["caller"]) for c in calls)
        keys = [(c["entered_at"], c["id"]) for c in calls]
        assert keys == sorted(keys, reverse=True), "newest first"
        answered = next(c for c in calls if c["outcome"] == "answered")
        assert set(answered) == {
            "id",
            "queue_id",
            "agent_id",
            "caller",
            "priority",
            "entered_at",
            "answered_at",
            "ended_at",
            "outcome",
            "wait_s",
            "talk_s",
            "duration_s",
            "short_abandon",
        }
        assert answered["talk_s"] == 45.0 and answered["agent_id"] in {"A001", "A002", "A003"}
        assert answered["duration_s"] == pytest.approx(answered["wait_s"] + 45.0)
        # Pages of 7 give the same calls, each once, with the same total.
        paged: list[str] = []
        cursor = None
        while True:
            page = await query(sup, page_size=7, **({"cursor": cursor} if cursor else {}))
            assert page["total"] == len(calls) and len(page["calls"]) <= 7
            paged += [c["id"] for c in page["calls"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert paged == [c["id"] for c in calls]
        # Filters.
        a2 = await all_calls(sup, agent_id="A002")
        assert a2 and a2 == [c for c in calls if c["agent_id"] == "A002"]
        assert await all_calls(sup, queue_id="long") == []
        abandoned = await all_calls(sup, queue_id="burst", outcome="abandoned")
        assert len(abandoned) == burst.abandoned
        window = await all_calls(sup, since="2026-03-02T00:40:00Z", until="2026-03-02T00:45:00.000Z")
        assert window == [c for c in calls if "2026-03-02T00:40" <= c["entered_at"] < "2026-03-02T00:45"]
        one = calls[len(calls) // 2]
        assert one in await all_calls(sup, text=one["id"].lower())
        digits = one["caller"][-4:]
        by_caller = await all_calls(sup, text=digits)
        assert one in by_caller and all(digits in c["caller"] or digits in c["id"] for c in by_caller)
        assert await all_calls(sup, text="%") == []  # a literal, not a wildcard
        # Refused queries say which argument is wrong.
        bad: list[tuple[dict[str, Any], str]] = [
            ({"page_size": 1001}, "page_size"),
            ({"cursor": "garbage"}, "cursor"),
            ({"since": "yesterday"}, "since"),
            ({"agent": "A002"}, "agent"),
        ]
        for args, mentions in bad:
            ack = await sup.command("calls.query", args)
            assert ack["ok"] is False and ack["error"]["code"] == "bad_args", ack
            assert mentions in ack["error"]["message"]
        # A query is no supervisor action: no action.applied, nothing among the day's actions.
        assert all(a.action != "calls.query" for a in sup.state.actions)
        await sup.close()

    run(scenario())
    rows = store_of(gw).audit(action="calls.query")
    assert rows and all(not r.ok for r in rows), "answered queries are not audited, refused ones are"


# -- call.flag ------------------------------------------------------------------------------------


def test_flag_a_live_call_and_a_completed_one_every_console_sees_them(flags_gw: GatewayThread) -> None:
    gw = flags_gw

    async def scenario() -> None:
        sup = await WireClient.open(gw.url, Role.SUPERVISOR)
        wall = await WireClient.open(gw.url, Role.VIEWER)
        await settled(sup)
        await wall.ready()
        live = talking(sup)
        call = sup.state.calls[live]
        done = (await query(sup, page_size=1, queue_id="burst", outcome="answered"))["calls"][0]
        seq0 = sup.state.seq
        first = await sup.command(
            "call.flag",
            {
                "call_id": live,
                "category": "compliance",
                "severity": "high",
                "note": "no disclosure",
                "moment_s": 12.5,
            },
            cid="flag-live",
        )
        assert first["ok"] is True, first
        second = await sup.command(
            "call.flag",
            {
                "call_id": done["id"],
                "category": "data_protection",
                "severity": "critical",
                "note": "read the card back: 4111 1111 1111 1111",
            },
            cid="flag-done",
        )
        assert second["ok"] is True, second
        live_id, done_id = first["result"]["flag_id"], second["result"]["flag_id"]
        assert re.match(r"^F-\d{6}$", live_id) and done_id > live_id
        assert first["result"] == {"flag_id": live_id, "call_id": live, "version": 1}
        # The acks came after the events: the flagger's console already shows both.
        flagged = sup.state.flags[live_id]
        assert (flagged.call_id, flagged.queue_id, flagged.agent_id, flagged.team) == (
            live,
            "long",
            call.agent_id,
            sup.state.agents[call.agent_id or ""].team,
        )
        assert (flagged.call_started_at, flagged.moment_s, flagged.flagged_by) == (
            call.entered_at,
            12.5,
            "supervisor1",
        )
        assert (flagged.status, flagged.reviewer, flagged.outcome, flagged.version) == (
            FlagStatus.OPEN,
            None,
            None,
            1,
        )
        assert MASKED.match(flagged.caller)
        other = sup.state.flags[done_id]
        assert (other.call_id, other.agent_id, other.caller) == (done["id"], done["agent_id"], done["caller"])
        assert other.note == "read the card back: **** **** **** 1111", "numbers in notes are masked on entry"
        # The second console sees them live, and the day's actions name them.
        await wall.until(lambda c: done_id in c.state.flags, what="the flags on the wall")
        # A wall display (a viewer) gets the flag to count, not whose call it was nor the note.
        in_view = view_flag(flagged, POLICIES[View.FIGURES])
        assert msgspec.json.encode(wall.state.flags[live_id]) == msgspec.json.encode(in_view)
        assert wall.state.flags[live_id].note == "" and wall.state.flags[live_id].agent_id is None
        assert [(a.command_id, a.action) for a in wall.state.actions[-2:]] == [
            ("flag-live", "call.flag"),
            ("flag-done", "call.flag"),
        ]
        assert wall.state.actions[-1].args == {}  # a viewer gets no action's arguments
        assert "4111 1111" not in msgspec.json.encode(sup.state.actions[-1].args).decode()
        assert sup.state.actions[-1].args["note"] == "read the card back: **** **** **** 1111"
        journal = [
            msgspec.json.decode(raw) for _, raw in store_of(gw).events_after(seq0) if b'"type":"flag.' in raw
        ]
        assert [e["type"] for e in journal] == ["flag.created", "flag.created"]
        # A console opened now gets the flags in its snapshot.
        late = await WireClient.open(gw.url, Role.VIEWER)
        await late.ready()
        snap = next(f for f in late.frames if f["op"] == "snapshot")
        assert {live_id, done_id} <= {f["id"] for f in snap["flags"]}
        for c in (sup, wall, late):
            await c.close()

    run(scenario())
    [row] = [r for r in store_of(gw).audit(action="call.flag") if r.command_id == "flag-done"]
    assert (
        row.ok and row.before is None and row.after is not None and row.after["category"] == "data_protection"
    )
    assert row.args["note"] == "read the card back: **** **** **** 1111"


def test_bad_flags_are_refused_plainly_and_store_nothing(flags_gw: GatewayThread) -> None:
    gw = flags_gw

    async def scenario() -> None:
        sup = await WireClient.open(gw.url, Role.SUPERVISOR)
        await settled(sup)
        live = talking(sup)
        done = (await query(sup, page_size=1, outcome="answered"))["calls"][0]
        flags = set(sup.state.flags)
        good: dict[str, Any] = {"call_id": live, "category": "courtesy", "severity": "low"}
        refusals: list[tuple[dict[str, Any], str, str]] = [
            ({**good, "call_id": "K9999999"}, "not_found", "K9999999"),
            ({"call_id": live, "severity": "low"}, "bad_args", "category"),
            ({**good, "severity": "urgent"}, "bad_args", "low, medium, high, critical"),
            ({**good, "category": "rude"}, "bad_args", "commendation"),
            ({**good, "note": "x" * 4001}, "bad_args", "4000"),
            ({**good, "moment_s": -3}, "bad_args", "moment_s"),
            ({**good, "call_id": done["id"], "moment_s": done["duration_s"] + 1}, "bad_args", "past the end"),
        ]
        for args, code, mentions in refusals:
            ack = await sup.command("call.flag", args)
            assert ack["ok"] is False and ack["error"]["code"] == code, (args, ack)
            assert mentions in ack["error"]["message"], ack
        assert set(sup.state.flags) == flags
        await sup.close()

    run(scenario())
    refused = [r for r in store_of(gw).audit(action="call.flag") if not r.ok]
    assert len(refused) >= 7
    # Over the audit's 1 KiB, a refused command's arguments are kept as a summary (docs/security.md).
    long_note = next(r for r in refused if isinstance(r.args.get("note"), dict))
    assert long_note.args["note"]["text"] == 4001 and long_note.args["_summary"]["bytes"] > 4001
    assert long_note.error_code == "bad_args"


# -- flag.update: the review queue ----------------------------------------------------------------


def test_the_review_workflow_keeps_every_note(flags_gw: GatewayThread) -> None:
    gw = flags_gw

    async def scenario() -> str:
        qa = await WireClient.open(gw.url, Role.QUALITY)
        sup = await WireClient.open(gw.url, Role.SUPERVISOR)
        await settled(qa)
        await sup.ready()
        made = await qa.command(
            "call.flag", {"call_id": talking(qa), "category": "process", "severity": "medium"}
        )
        fid = made["result"]["flag_id"]

        async def update(expect: str | None = None, **args: Any) -> dict[str, Any]:
            ack = await qa.command("flag.update", {"flag_id": fid, **args})
            if expect is None:
                assert ack["ok"] is True, ack
            else:
                assert ack["ok"] is False and ack["error"]["code"] == expect, ack
            return ack

        skip = await update("invalid_state", status="closed", outcome="confirmed")
        assert "skips the workflow" in skip["error"]["message"]
        await update("bad_args", outcome="confirmed")  # an outcome only with closing
        await update("bad_args")  # nothing to change
        await update("bad_args", note="y" * 4001)
        await update("bad_args", reviewer="supervisor1")  # reviewers are quality or admin users
        await update("not_found", reviewer="nobody")
        assert (await qa.command("flag.update", {"flag_id": "F-999999", "note": "x"}))["error"][
            "code"
        ] == "not_found"
        took = await update(status="in_review", note="listening now")
        assert took["result"]["changes"] == {"status": "in_review", "reviewer": "quality1"}
        await update(note="agent skipped the ID check at 0:40")
        await update("bad_args", status="closed")  # closing needs an outcome
        stale = await update("conflict", expected_version=1, note="late")
        assert stale["error"]["details"] == {"flag_id": fid, "expected": 1, "actual": 3}
        await update(reviewer="admin1", expected_version=3)
        closed = await update(status="closed", outcome="coaching_needed", note="coaching booked")
        assert closed["result"]["version"] == 5 and closed["result"]["status"] == "closed"
        flag = qa.state.flags[fid]
        assert (flag.status.value, flag.outcome and flag.outcome.value, flag.reviewer) == (
            "closed",
            "coaching_needed",
            "admin1",
        )
        assert [(n.by, n.text) for n in flag.notes] == [
            ("quality1", "listening now"),
            ("quality1", "agent skipped the ID check at 0:40"),
            ("quality1", "coaching booked"),
        ]
        assert flag.closed_at == flag.updated_at == flag.notes[-1].at
        reopened = await update(status="in_review")
        assert reopened["result"]["changes"] == {"status": "in_review", "outcome": None}
        # The supervisor's console follows every step.
        await sup.until(
            lambda c: fid in c.state.flags and c.state.flags[fid].version == 6,
            what="the reopen on the second console",
        )
        assert msgspec.json.encode(sup.state.flags[fid]) == msgspec.json.encode(qa.state.flags[fid])
        # The review queue's export from that console: the flag with its last note, masked.
        exported = flags_csv([sup.state.flags[fid]], sup.state.agents, sup.state.queues)
        rows = list(csv.reader(io.StringIO(exported)))
        assert rows[1][0] == fid and rows[1][5] == "l" and rows[1][6] == "Long"
        assert rows[1][10:15] == ["in_review", "admin1", "", "quality1", "coaching booked"]
        assert MASKED.match(rows[1][7])
        await qa.close()
        await sup.close()
        return str(fid)

    fid = run(scenario())
    history = store_of(gw).flag_history(fid)
    assert [(h["version"], h["by"], h["note"]) for h in history] == [
        (1, "quality1", None),
        (2, "quality1", "listening now"),
        (3, "quality1", "agent skipped the ID check at 0:40"),
        (4, "quality1", None),
        (5, "quality1", "coaching booked"),
        (6, "quality1", None),
    ]
    assert history[3]["changes"] == {"reviewer": "admin1"}
    row = store_of(gw).flag_row(fid)
    assert row is not None and (row["status"], row["reviewer"], row["version"]) == ("in_review", "admin1", 6)


def test_who_may_flag_query_and_review(flags_gw: GatewayThread) -> None:
    gw = flags_gw
    expected = {
        Role.VIEWER: (False, False, False),
        Role.SUPERVISOR: (True, True, False),
        Role.MANAGER: (True, True, False),
        Role.QUALITY: (True, True, True),
        Role.ADMIN: (True, True, True),
    }

    async def scenario() -> dict[Role, tuple[bool, bool, bool]]:
        seen: dict[Role, tuple[bool, bool, bool]] = {}
        for role in expected:  # adapters do not watch the floor (tests/feeds/test_adapters.py)
            c = await WireClient.open(gw.url, role)
            await settled(c)
            flag = await c.command(
                "call.flag", {"call_id": talking(c), "category": "commendation", "severity": "low"}
            )
            listed = await c.command("calls.query", {"page_size": 1})
            fid = flag["result"]["flag_id"] if flag["ok"] else "F-000001"
            update = await c.command("flag.update", {"flag_id": fid, "note": f"seen by {role.value}"})
            for ack in (flag, listed, update):
                assert ack["ok"] or ack["error"]["code"] == "forbidden", ack
            seen[role] = (flag["ok"], listed["ok"], update["ok"])
            await c.close()
        return seen

    assert run(scenario()) == expected


# -- persistence ----------------------------------------------------------------------------------


def test_flags_their_notes_and_the_call_history_survive_restarts(tmp_path: Path) -> None:
    cfg = flags_config(tmp_path)

    async def first(url: str) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]], bytes]:
        qa = await WireClient.open(url, Role.QUALITY)
        await settled(qa)
        calls = await all_calls(qa)
        acks = {
            "f-done": await qa.command(
                "call.flag",
                {
                    "call_id": calls[3]["id"],
                    "category": "incorrect_info",
                    "severity": "high",
                    "note": "wrong rate",
                },
                cid="f-done",
            ),
            "f-live": await qa.command(
                "call.flag", {"call_id": talking(qa), "category": "courtesy", "severity": "low"}, cid="f-live"
            ),
        }
        assert acks["f-done"]["result"]["flag_id"] == "F-000001"
        for args in (
            {"status": "in_review", "note": "one"},
            {"note": "two"},
            {"status": "closed", "outcome": "confirmed", "note": "three"},
        ):
            assert (await qa.command("flag.update", {"flag_id": "F-000001", **args}))["ok"] is True
        flags = msgspec.json.encode(sorted(qa.state.flags.values(), key=lambda f: f.id))
        await qa.close()
        return acks, calls, flags

    async def again(
        url: str, acks: dict[str, dict[str, Any]], calls: list[dict[str, Any]], flags: bytes
    ) -> bytes:
        qa = await WireClient.open(url, Role.QUALITY)
        await qa.ready()
        mine = sorted((f for f in qa.state.flags.values() if f.id <= "F-000002"), key=lambda f: f.id)
        assert msgspec.json.encode(mine) == flags
        assert [n.text for n in qa.state.flags["F-000001"].notes] == ["one", "two", "three"]
        for cid, ack in acks.items():  # a re-sent flag is not flagged twice
            assert await qa.command("call.flag", {}, cid=cid) == ack
        assert (await all_calls(qa))[-len(calls) :] == calls, "the day's completed calls are still there"
        # Flag ids carry on; the closed flag can be reopened.
        new = await qa.command(
            "call.flag", {"call_id": calls[0]["id"], "category": "process", "severity": "low"}
        )
        n = len(qa.state.flags)
        assert new["result"]["flag_id"] == f"F-{n:06d}"
        assert (
            await qa.command("flag.update", {"flag_id": "F-000001", "status": "in_review", "note": "four"})
        )["ok"]
        out = msgspec.json.encode(sorted(qa.state.flags.values(), key=lambda f: f.id))
        await qa.close()
        return out

    with GatewayThread(cfg) as gw:
        acks, calls, flags = run(first(gw.url))
    # Restarted: from the checkpoint written at the stop.
    with GatewayThread(cfg) as gw:
        after = run(again(gw.url, acks, calls, flags))
    # Restarted with no checkpoint at all: the flags come back from the journal alone.
    store = Store.open(cfg.db_url or "")
    try:
        with store.engine.begin() as conn:
            conn.execute(delete(checkpoints_table))
        history = [(h["version"], h["note"]) for h in store.flag_history("F-000001")]
        assert history == [(1, None), (2, "one"), (3, "two"), (4, "three"), (5, "four")]
    finally:
        store.close()

    async def replayed(url: str) -> None:
        qa = await WireClient.open(url, Role.QUALITY)
        await qa.ready()
        assert msgspec.json.encode(sorted(qa.state.flags.values(), key=lambda f: f.id)) == after
        assert qa.state.flags["F-000001"].status is FlagStatus.IN_REVIEW
        assert qa.state.flags["F-000001"].outcome is None
        await qa.close()

    with GatewayThread(cfg) as gw:
        run(replayed(gw.url))
