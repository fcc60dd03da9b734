"""Reassigning cases and moving calls over a real websocket on 127.0.0.1, with a real SQLite file.

The cases tests run on the synthetic load centre (thousands of cases at once, and
no background events to race with: its event rate is set next to nothing); the
call tests on a two-queue scenario where one queue always has calls waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import msgspec
import pytest

from console.domain.entities import AgentState, CallState
from console.domain.permissions import Role
from console.domain.state import FloorState
from console.feeds.sources.load_centre import LoadDriver, LoadShape
from console.store import Store
from tests.helpers.gateway import GatewayThread, WireClient, make_config, normalized
from tests.helpers.simulation import BUSY_QUIET


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def versions(state: FloorState, ids: Sequence[str]) -> dict[str, int]:
    return {cid: state.cases[cid].version for cid in ids}


def reassign_args(state: FloorState, ids: Sequence[str], agent: str | None) -> dict[str, Any]:
    return {"case_ids": list(ids), "agent_id": agent, "expected_versions": versions(state, ids)}


def event_types(store: Store, after_seq: int) -> list[tuple[str, dict[str, Any]]]:
    """(type, data) of the journal's events after ``after_seq``."""
    out = []
    for _, raw in store.events_after(after_seq):
        ev = msgspec.json.decode(raw)
        out.append((ev["type"], ev["data"]))
    return out


def store_of(gw: GatewayThread) -> Store:
    store = gw.gateway.store
    assert store is not None
    return store


QUIET_LOAD = LoadShape(agents=20, queues=3, cases=400, rate=0.001)  # ~no background events


class QuietLoad(GatewayThread):
    """A gateway on a load centre that makes one event at its start and none for 1,000 s after.

    Entered once that event is committed, so no background change races a test's command.
    """

    def __enter__(self) -> QuietLoad:
        super().__enter__()
        deadline = time.monotonic() + 60

        def settled() -> bool:
            sim, g = self.gateway.sim, self.gateway
            assert isinstance(sim, LoadDriver)
            next_ms = sim.next_event_ms()
            return next_ms is not None and next_ms - sim.now_ms > 100_000 and g.committed_seq == g.seq

        while not self.call(settled):
            assert time.monotonic() < deadline, "the load centre never settled"
            time.sleep(0.02)
        return self


@pytest.fixture(scope="module")
def cases_gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayThread]:
    tmp = tmp_path_factory.mktemp("cases")
    with QuietLoad(make_config(tmp, speed=1.0, load=QUIET_LOAD)) as gw:
        yield gw


def case_ids(gw: GatewayThread, start: int, count: int) -> list[str]:
    """A slice of the load centre's cases (LC000000 ...): each test works its own."""
    return [f"LC{n:06d}" for n in range(start, start + count)]


# -- case.reassign at scale -----------------------------------------------------------------------


def test_fifty_thousand_cases_move_with_one_command(tmp_path: Path) -> None:
    load = LoadShape(agents=50, queues=4, cases=50_000, rate=0.001)
    with QuietLoad(make_config(tmp_path, speed=1.0, load=load)) as gw:

        async def scenario() -> None:
            mgr = await WireClient.open(gw.url, Role.MANAGER)
            wall = await WireClient.open(gw.url, Role.VIEWER)
            await mgr.ready(60)
            await wall.ready(60)
            ids = sorted(mgr.state.cases)
            assert len(ids) == 50_000
            before = {cid: (c.agent_id, c.version) for cid, c in mgr.state.cases.items()}
            target = "L00007"
            kept = sum(1 for cid in ids if before[cid][0] == target)
            seq0 = mgr.state.seq
            args = reassign_args(mgr.state, ids, target)
            assert len(msgspec.json.encode(args)) > 1_000_000  # well over the old 64 KiB frame limit
            ack = await mgr.command("case.reassign", args, cid="bulk", timeout=120)
            assert ack["ok"] is True, ack
            assert ack["result"] == {"agent_id": target, "moved": 50_000 - kept, "unchanged": kept}
            # The events came before the ack; the wall display sees every one of them too.
            assert all(c.agent_id == target for c in mgr.state.cases.values())
            await wall.until(lambda c: c.state.seq >= mgr.state.seq, 60, "wall display catches up")
            for cid, c in wall.state.cases.items():
                assert (c.agent_id, c.version) == (target, before[cid][1] + (before[cid][0] != target))
            assert wall.state.agents[target].open_cases == 50_000
            assert [a.command_id for a in wall.state.actions] == ["bulk"]
            await mgr.close()
            await wall.close()
            # One batch: every case.updated, then the action, nothing else in between.
            types = event_types(store_of(gw), seq0)
            assert [t for t, _ in types] == ["case.updated"] * (50_000 - kept) + ["action.applied"]
            assert all(d["changes"] == {"agent_id": target} for _, d in types[:-1])

        run(scenario())
        [row] = store_of(gw).audit(action="case.reassign")
        assert (row.user, row.role, row.command_id, row.ok) == ("manager1", "manager", "bulk", True)
        assert len(row.before["cases"]) == len(row.after["cases"]) == 50_000
        was = row.before["cases"]["LC012345"]
        assert row.after["cases"]["LC012345"] == {
            "agent_id": "L00007",
            "version": was["version"] + (was["agent_id"] != "L00007"),
        }


# -- case.reassign: refusals ----------------------------------------------------------------------


def test_a_version_conflict_moves_nothing_and_names_every_offender(cases_gw: GatewayThread) -> None:
    gw = cases_gw

    async def scenario() -> None:
        mgr = await WireClient.open(gw.url, Role.MANAGER)
        await mgr.ready()
        ids = case_ids(gw, 0, 12)
        stale = versions(mgr.state, ids)
        owners = {mgr.state.cases[cid].agent_id for cid in ids[3:5]}
        other = next(a for a in sorted(mgr.state.agents) if a not in owners)
        ack = await mgr.command("case.reassign", reassign_args(mgr.state, ids[3:5], other))
        assert ack["ok"] is True and ack["result"]["moved"] == 2
        seen = {cid: (mgr.state.cases[cid].agent_id, mgr.state.cases[cid].version) for cid in ids}
        seq = mgr.state.seq
        args = {
            "case_ids": [*ids, "LC999999"],
            "agent_id": "L00002",
            "expected_versions": {**stale, "LC999999": 1},
        }
        ack = await mgr.command("case.reassign", args, cid="stale")
        assert ack["ok"] is False and ack["error"]["code"] == "conflict"
        assert ack["error"]["details"] == {
            "cases": [
                {
                    "case_id": ids[3],
                    "reason": "version_mismatch",
                    "expected": stale[ids[3]],
                    "actual": seen[ids[3]][1],
                },
                {
                    "case_id": ids[4],
                    "reason": "version_mismatch",
                    "expected": stale[ids[4]],
                    "actual": seen[ids[4]][1],
                },
                {"case_id": "LC999999", "reason": "not_found"},
            ]
        }
        assert "3 of 13" in ack["error"]["message"]
        beats = len(mgr.heartbeats)
        await mgr.until(lambda c: len(c.heartbeats) > beats, what="a heartbeat after the ack")
        assert mgr.heartbeats[-1]["seq"] == mgr.state.seq == seq, "nothing was emitted"
        assert {cid: (mgr.state.cases[cid].agent_id, mgr.state.cases[cid].version) for cid in ids} == seen
        await mgr.close()

    run(scenario())
    rows = [r for r in store_of(gw).audit(action="case.reassign") if r.command_id == "stale"]
    assert [(r.ok, r.error_code) for r in rows] == [(False, "conflict")]


@pytest.mark.parametrize(
    ("args", "code", "mentions"),
    [
        ({"case_ids": [], "agent_id": "L00001", "expected_versions": {}}, "bad_args", "case_ids"),
        (
            {"case_ids": ["LC000001", "LC000001"], "agent_id": None, "expected_versions": {"LC000001": 1}},
            "bad_args",
            "case_ids",
        ),
        (
            {"case_ids": ["LC000001"], "agent_id": None, "expected_versions": {}},
            "bad_args",
            "expected_versions",
        ),
        (
            {"case_ids": ["LC000001"], "agent_id": None, "expected_versions": {"LC000001": "1"}},
            "bad_args",
            "expected_versions",
        ),
        ({"case_ids": ["LC000001"], "expected_versions": {"LC000001": 1}}, "bad_args", "agent_id"),
        (
            {"case_ids": ["LC000001"], "agent_id": "Z9", "expected_versions": {"LC000001": 1}},
            "not_found",
            "Z9",
        ),
    ],
)
def test_bad_reassign_args_are_refused_by_name(
    cases_gw: GatewayThread, args: dict[str, Any], code: str, mentions: str
) -> None:
    async def scenario() -> dict[str, Any]:
        mgr = await WireClient.open(cases_gw.url, Role.MANAGER)
        await mgr.ready()
        ack = await mgr.command("case.reassign", args)
        await mgr.close()
        return ack

    ack = run(scenario())
    assert ack["ok"] is False and ack["error"]["code"] == code and mentions in ack["error"]["message"], ack


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.VIEWER, False),
        (Role.SUPERVISOR, False),
        (Role.QUALITY, False),
        (Role.MANAGER, True),
        (Role.ADMIN, True),
    ],
)
def test_only_managers_and_admins_reassign_or_undo(
    cases_gw: GatewayThread, role: Role, allowed: bool
) -> None:
    gw = cases_gw
    start = {Role.MANAGER: 100, Role.ADMIN: 110}.get(role, 120)

    async def scenario() -> list[dict[str, Any]]:
        c = await WireClient.open(gw.url, role)
        await c.ready()
        ids = case_ids(gw, start, 3)
        cid = f"roles-{role.value}"
        acks = [await c.command("case.reassign", reassign_args(c.state, ids, "L00009"), cid=cid)]
        acks.append(await c.command("case.undo_reassign", {"command_id": cid}, cid=f"{cid}-undo"))
        await c.close()
        return acks

    for ack in run(scenario()):
        if allowed:
            assert ack["ok"] is True, ack
        else:
            assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    rows = store_of(gw).audit(user=f"{role.value}1")
    assert [(r.action, r.ok) for r in rows if r.command_id.startswith("roles-")] == [
        ("case.reassign", allowed),
        ("case.undo_reassign", allowed),
    ]


# -- re-sends, two clients, the day's actions -----------------------------------------------------


def test_a_resent_reassign_is_applied_once_also_after_a_reconnect(cases_gw: GatewayThread) -> None:
    gw = cases_gw

    async def scenario() -> None:
        mgr = await WireClient.open(gw.url, Role.MANAGER)
        await mgr.ready()
        ids = case_ids(gw, 200, 20)
        args = reassign_args(mgr.state, ids, "L00011")
        first = await mgr.command("case.reassign", args, cid="resend")
        assert first["ok"] is True
        after = versions(mgr.state, ids)
        again = await mgr.command("case.reassign", args, cid="resend")
        assert again == first
        await mgr.close()
        back = await WireClient.open(gw.url, Role.MANAGER)
        await back.ready()
        third = await back.command("case.reassign", args, cid="resend")
        assert third == first
        assert versions(back.state, ids) == after, "the re-send was not applied again"
        assert [a.command_id for a in back.state.actions].count("resend") == 1
        await back.close()

    run(scenario())
    rows = [r for r in store_of(gw).audit(user="manager1") if r.command_id == "resend"]
    assert len(rows) == 1


def test_two_managers_at_once_one_wins_and_both_see_the_same_floor(cases_gw: GatewayThread) -> None:
    gw = cases_gw

    async def scenario() -> None:
        mgr = await WireClient.open(gw.url, Role.MANAGER)
        adm = await WireClient.open(gw.url, Role.ADMIN)
        await mgr.ready()
        await adm.ready()
        ids = case_ids(gw, 300, 30)
        a_args = reassign_args(mgr.state, ids, "L00012")
        b_args = reassign_args(adm.state, ids, "L00013")
        await asyncio.gather(
            mgr.send({"op": "command", "id": "race-m", "action": "case.reassign", "args": a_args}),
            adm.send({"op": "command", "id": "race-a", "action": "case.reassign", "args": b_args}),
        )
        await mgr.until(lambda c: "race-m" in c.acks, what="ack m")
        await adm.until(lambda c: "race-a" in c.acks, what="ack a")
        acks = [mgr.acks["race-m"], adm.acks["race-a"]]
        assert sorted(a["ok"] for a in acks) == [False, True], acks
        loser = next(a for a in acks if not a["ok"])
        won = next(a for a in acks if a["ok"])
        # Every case the winner moved is a conflict for the other (any it already owned kept its version).
        assert loser["error"]["code"] == "conflict"
        assert len(loser["error"]["details"]["cases"]) == won["result"]["moved"] > 0
        winner = "L00012" if acks[0]["ok"] else "L00013"
        head = max(mgr.state.seq, adm.state.seq)
        await mgr.until(lambda c: c.state.seq >= head, what="m at head")
        await adm.until(lambda c: c.state.seq >= head, what="a at head")
        assert normalized(mgr.state) == normalized(adm.state)
        assert all(mgr.state.cases[cid].agent_id == winner for cid in ids)
        await mgr.close()
        await adm.close()

    run(scenario())


def test_applied_actions_reach_every_console_and_the_snapshot(cases_gw: GatewayThread) -> None:
    gw = cases_gw

    async def scenario() -> None:
        mgr = await WireClient.open(gw.url, Role.MANAGER)
        wall = await WireClient.open(gw.url, Role.VIEWER)
        await mgr.ready()
        await wall.ready()
        ids = case_ids(gw, 340, 5)
        seq0 = mgr.state.seq
        known = len(mgr.state.actions)
        ack = await mgr.command("case.reassign", reassign_args(mgr.state, ids, "L00014"), cid="seen")
        moved = ack["result"]["moved"]
        assert moved > 0
        # Refused and changing nothing: not among the day's actions (still audited).
        assert (await mgr.command("case.reassign", reassign_args(mgr.state, ids, "nobody")))["ok"] is False
        nothing = await mgr.command("case.reassign", reassign_args(mgr.state, ids, "L00014"))
        assert nothing["result"] == {"agent_id": "L00014", "moved": 0, "unchanged": 5}
        await wall.until(lambda c: c.state.seq >= mgr.state.seq, what="wall at head")
        for state in (mgr.state, wall.state):
            assert len(state.actions) == known + 1
            entry = state.actions[-1]
            assert (entry.command_id, entry.user, entry.role, entry.action) == (
                "seen",
                "manager1",
                "manager",
                "case.reassign",
            )
        entry = mgr.state.actions[-1]
        assert entry.args["case_ids"] == ids and entry.args["agent_id"] == "L00014"
        assert entry.result == ack["result"]
        assert set(entry.before["cases"]) == set(ids)
        # A wall display (a viewer) is told who did what and when, not to what (redaction.py).
        shown = wall.state.actions[-1]
        assert (shown.args, shown.result, shown.before) == ({}, {}, None)
        types = event_types(store_of(gw), seq0)
        assert [t for t, _ in types][: moved + 1] == ["case.updated"] * moved + ["action.applied"]
        assert types[moved][1]["command_id"] == "seen"
        assert wall.state.actions[-1].at == event_at(store_of(gw), seq0 + moved + 1)
        # A console opened now gets the day's actions in its snapshot, oldest first.
        late = await WireClient.open(gw.url, Role.VIEWER)
        await late.ready()
        snap = next(f for f in late.frames if f["op"] == "snapshot")
        assert [a["command_id"] for a in snap["actions"]] == [a.command_id for a in mgr.state.actions]
        assert snap["centre"]["case_limit"] is None  # the load centre sets none; the bank says 25
        for c in (mgr, wall, late):
            await c.close()

    run(scenario())


def event_at(store: Store, seq: int) -> str:
    [(_, raw)] = store.events_after(seq - 1, limit=1)
    return str(msgspec.json.decode(raw)["at"])


# -- case.undo_reassign ---------------------------------------------------------------------------


def test_undo_puts_the_cases_back_once_and_not_after_they_changed(cases_gw: GatewayThread) -> None:
    gw = cases_gw

    async def scenario() -> None:
        mgr = await WireClient.open(gw.url, Role.MANAGER)
        other = await WireClient.open(gw.url, Role.ADMIN)
        await mgr.ready()
        await other.ready()
        ids = case_ids(gw, 360, 10)
        owners = {cid: mgr.state.cases[cid].agent_id for cid in ids}
        done = await mgr.command("case.reassign", reassign_args(mgr.state, ids, "L00015"), cid="to-undo")
        moved = done["result"]["moved"]
        # Anyone allowed may undo anyone's reassignment.
        undo = await other.command("case.undo_reassign", {"command_id": "to-undo"}, cid="undo-1")
        assert undo["ok"] is True and undo["result"] == {"undo_of": "to-undo", "moved": moved}
        assert {cid: other.state.cases[cid].agent_id for cid in ids} == owners
        assert other.state.actions[-1].result["undo_of"] == "to-undo"
        twice = await other.command("case.undo_reassign", {"command_id": "to-undo"})
        assert twice["ok"] is False and twice["error"]["code"] == "conflict"
        assert len(twice["error"]["details"]["cases"]) == moved
        # A reassignment whose cases changed since cannot be undone: nothing moves back.
        ids2 = case_ids(gw, 370, 4)
        await mgr.command("case.reassign", reassign_args(mgr.state, ids2, "L00016"), cid="to-undo-2")
        await mgr.command("case.reassign", reassign_args(mgr.state, ids2[1:2], "L00017"))
        seq = mgr.state.seq
        late = await mgr.command("case.undo_reassign", {"command_id": "to-undo-2"})
        assert late["ok"] is False and late["error"]["code"] == "conflict"
        assert [d["case_id"] for d in late["error"]["details"]["cases"]] == [ids2[1]]
        assert mgr.state.seq == seq
        assert [mgr.state.cases[cid].agent_id for cid in ids2] == ["L00016", "L00017", "L00016", "L00016"]
        for missing in ("never-sent", "undo-1"):  # unknown, and not a case.reassign
            ack = await mgr.command("case.undo_reassign", {"command_id": missing})
            assert ack["ok"] is False and ack["error"]["code"] == "not_found"
        await mgr.close()
        await other.close()

    run(scenario())
    [row] = [r for r in store_of(gw).audit(action="case.undo_reassign") if r.command_id == "undo-1"]
    assert row.ok and row.user == "admin1" and row.result is not None and row.result["undo_of"] == "to-undo"
    assert all(v["agent_id"] == "L00015" for v in row.before["cases"].values())


def test_resends_and_undo_survive_a_gateway_restart(tmp_path: Path) -> None:
    config = make_config(tmp_path, speed=1.0, load=LoadShape(agents=10, queues=2, cases=100, rate=0.001))
    ids = [f"LC{n:06d}" for n in range(10)]

    async def first(url: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, str | None]]:
        mgr = await WireClient.open(url, Role.MANAGER)
        await mgr.ready()
        owners = {cid: mgr.state.cases[cid].agent_id for cid in ids}
        ok = await mgr.command("case.reassign", reassign_args(mgr.state, ids, "L00001"), cid="r-ok")
        stale = {**reassign_args(mgr.state, ids, "L00002"), "expected_versions": dict.fromkeys(ids, 99)}
        refused = await mgr.command("case.reassign", stale, cid="r-stale")
        await mgr.close()
        return ok, refused, owners

    async def second(url: str, ok: dict[str, Any], refused: dict[str, Any], owners: dict[str, Any]) -> None:
        mgr = await WireClient.open(url, Role.MANAGER)
        await mgr.ready()
        assert await mgr.command("case.reassign", {}, cid="r-ok") == ok
        assert await mgr.command("case.reassign", {}, cid="r-stale") == refused  # details and all
        undo = await mgr.command("case.undo_reassign", {"command_id": "r-ok"})
        assert undo["ok"] is True and {cid: mgr.state.cases[cid].agent_id for cid in ids} == owners
        await mgr.close()

    with QuietLoad(config) as gw:
        ok, refused, owners = run(first(gw.url))
    assert refused["error"]["code"] == "conflict" and len(refused["error"]["details"]["cases"]) == 10
    with QuietLoad(config) as gw:
        run(second(gw.url, ok, refused, owners))


def test_the_days_actions_go_at_the_day_reset(tmp_path: Path) -> None:
    # The load centre's day starts at midnight UTC; ten feed seconds a second reach it in about 2 s.
    config = make_config(
        tmp_path,
        speed=10.0,
        start="2026-03-02T23:59:40.000Z",
        load=LoadShape(agents=5, queues=1, cases=5, rate=0.001),
    )
    with QuietLoad(config) as gw:

        async def scenario() -> None:
            mgr = await WireClient.open(gw.url, Role.MANAGER)
            await mgr.ready()
            await mgr.command(
                "case.reassign", reassign_args(mgr.state, ["LC000000"], "L00004"), cid="yesterday"
            )
            entry = next(a for a in mgr.state.actions if a.command_id == "yesterday")
            assert entry.at < "2026-03-03T00:00:00.000Z", "the machine was too slow to act before midnight"
            await mgr.until(
                lambda c: c.state.centre.day_started_at == "2026-03-03T00:00:00.000Z", 30, "day reset"
            )
            assert mgr.state.actions == []
            fresh = await WireClient.open(gw.url, Role.VIEWER)
            await fresh.ready()
            assert (
                fresh.state.actions == [] and fresh.state.centre.day_started_at == "2026-03-03T00:00:00.000Z"
            )
            await mgr.close()
            await fresh.close()

        run(scenario())
        assert [r.command_id for r in store_of(gw).audit(action="case.reassign")] == ["yesterday"]


# -- call.move --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def calls_gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayThread]:
    tmp = tmp_path_factory.mktemp("calls")
    scenario = tmp / "busy_quiet.toml"
    scenario.write_text(BUSY_QUIET.replace('name = "Busy and quiet"', 'name = "Busy and quiet"\nring_s = 2'))
    with GatewayThread(make_config(tmp, scenario=scenario, speed=60.0)) as gw:
        yield gw


async def waiting_call(c: WireClient, queue: str = "busy") -> str:
    def found(cl: WireClient) -> bool:
        return any(x.queue_id == queue and x.state is CallState.WAITING for x in cl.state.calls.values())

    await c.until(found, what=f"a call waiting in {queue}")
    calls = [x for x in c.state.calls.values() if x.queue_id == queue and x.state is CallState.WAITING]
    return min(calls, key=lambda x: (x.entered_at, x.id)).id


def test_a_waiting_call_moves_to_another_queue_and_is_answered_there(calls_gw: GatewayThread) -> None:
    gw = calls_gw

    async def scenario() -> None:
        sup = await WireClient.open(gw.url, Role.SUPERVISOR)
        wall = await WireClient.open(gw.url, Role.VIEWER)
        await sup.ready()
        await wall.ready()
        call = await waiting_call(sup)
        seq0 = sup.state.seq
        ack = await sup.command("call.move", {"call_id": call, "queue_id": "quiet"}, cid="move-1")
        assert ack["ok"] is True, ack
        assert ack["result"] == {"call_id": call, "queue_id": "quiet", "priority": 5, "unchanged": False}
        moved = sup.state.calls[call]  # the events came first: routed in its new queue at once
        assert moved.queue_id == "quiet" and moved.state in (CallState.RINGING, CallState.TALKING)
        assert moved.agent_id is not None and sup.state.agents[moved.agent_id].skills == ["quiet"]
        await wall.until(lambda c: c.state.seq >= sup.state.seq, what="wall at head")
        assert wall.state.actions[-1].command_id == "move-1"
        types = [
            (t, d)
            for t, d in event_types(store_of(gw), seq0)
            if d.get("call_id") == call or t == "action.applied"
        ]
        assert types[0] == ("call.moved", {"call_id": call, "queue_id": "quiet", "priority": 5})
        assert types[1] == ("call.ringing", {"call_id": call, "agent_id": moved.agent_id})
        assert types[2][0] == "action.applied" and types[2][1]["before"]["queue_id"] == "busy"
        await sup.close()
        await wall.close()

    run(scenario())
    [row] = [r for r in store_of(gw).audit(action="call.move") if r.command_id == "move-1"]
    assert row.before == {"queue_id": "busy", "priority": 5, "state": "waiting", "agent_id": None}
    assert row.after is not None and row.after["queue_id"] == "quiet" and row.after["state"] == "ringing"


def test_call_move_refusals_and_no_ops(calls_gw: GatewayThread) -> None:
    gw = calls_gw

    async def scenario() -> None:
        sup = await WireClient.open(gw.url, Role.SUPERVISOR)
        await sup.ready()
        await sup.until(
            lambda c: any(x.state is CallState.TALKING for x in c.state.calls.values()),
            what="a call answered",
        )
        talking = next(c.id for c in sup.state.calls.values() if c.state is CallState.TALKING)
        call = await waiting_call(sup)
        for args, code in (
            ({"call_id": talking, "queue_id": "quiet"}, "invalid_state"),
            ({"call_id": call, "queue_id": "vip"}, "not_found"),
            ({"call_id": "K0000000", "queue_id": "quiet"}, "not_found"),
            ({"call_id": call, "queue_id": "quiet", "priority": 11}, "bad_args"),
        ):
            ack = await sup.command("call.move", args)
            assert ack["ok"] is False and ack["error"]["code"] == code, (args, ack)
        known = len(sup.state.actions)
        same = await sup.command("call.move", {"call_id": call, "queue_id": "busy", "priority": 5})
        assert same["ok"] is True and same["result"]["unchanged"] is True
        assert len(sup.state.actions) == known, "nothing changed: no action"
        await sup.close()
        for role in (Role.QUALITY, Role.VIEWER):
            c = await WireClient.open(gw.url, role)
            await c.ready()
            ack = await c.command("call.move", {"call_id": call, "queue_id": "quiet"})
            assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
            await c.close()

    run(scenario())


def test_a_resent_call_move_is_applied_once_also_after_a_reconnect(calls_gw: GatewayThread) -> None:
    gw = calls_gw

    async def scenario() -> None:
        sup = await WireClient.open(gw.url, Role.MANAGER)
        await sup.ready()
        call = await waiting_call(sup)
        args = {"call_id": call, "queue_id": "busy", "priority": 9}
        first = await sup.command("call.move", args, cid="move-again")
        assert first["ok"] is True and sup.state.calls[call].priority == 9
        assert await sup.command("call.move", args, cid="move-again") == first
        await sup.close()
        back = await WireClient.open(gw.url, Role.MANAGER)
        await back.ready()
        assert await back.command("call.move", args, cid="move-again") == first
        assert [a.command_id for a in back.state.actions].count("move-again") == 1
        await back.close()

    run(scenario())
    assert [r.command_id for r in store_of(gw).audit(action="call.move")].count("move-again") == 1


def test_a_deferred_state_change_is_an_applied_action_too(calls_gw: GatewayThread) -> None:
    gw = calls_gw

    async def scenario() -> None:
        sup = await WireClient.open(gw.url, Role.SUPERVISOR)
        await sup.ready()
        busy = next(a for a in sup.state.agents.values() if a.skills == ["busy"])
        await sup.until(
            lambda c: c.state.agents[busy.id].state is AgentState.ON_CALL, what="busy agent on a call"
        )
        args = {"agent_id": busy.id, "state": "not_ready", "reason": "coaching"}
        ack = await sup.command("agent.set_state", args, cid="coach")
        assert ack["ok"] is True and ack["result"]["deferred"] is True
        agent = sup.state.agents[busy.id]
        assert agent.state is AgentState.ON_CALL and agent.pending_state is AgentState.NOT_READY
        entry = sup.state.actions[-1]
        assert (entry.command_id, entry.action, entry.result["deferred"]) == (
            "coach",
            "agent.set_state",
            True,
        )
        assert entry.before == {
            "state": "on_call",
            "reason": None,
            "pending_state": None,
            "pending_reason": None,
        }
        await sup.close()

    run(scenario())
