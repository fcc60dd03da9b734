"""``agent.set_queues`` over a real websocket and a real SQLite file, on the quiet load centre.

Applied (the ``agent.skills`` events, ``action.applied``, every console's floor, the audit row),
refused (role, unknown agent or queue, no queues, a selection with one bad agent: nothing changes).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from console.domain.permissions import Role
from console.feeds.protocol import MAX_SET_QUEUES_AGENTS
from console.feeds.sources.load_centre import LoadShape
from tests.feeds.test_gateway_commands import QUIET_LOAD, QuietLoad, event_types, run, store_of
from tests.helpers.gateway import GatewayThread, WireClient, make_config


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayThread]:
    with QuietLoad(make_config(tmp_path_factory.mktemp("queues"), speed=1.0, load=QUIET_LOAD)) as g:
        yield g


def test_a_manager_sets_an_agents_queues_and_every_console_sees_it(gw: GatewayThread) -> None:
    async def scenario() -> None:
        mgr = await WireClient.open(gw.url, Role.MANAGER)
        wall = await WireClient.open(gw.url, Role.VIEWER)
        await mgr.ready()
        await wall.ready()
        was = list(mgr.state.agents["L00001"].skills)
        assert was != ["lq002"]
        seq0 = mgr.state.seq
        args = {"agent_id": "L00001", "queues": ["lq002"]}
        ack = await mgr.command("agent.set_queues", args, cid="skills-1")
        assert ack["ok"] is True, ack
        assert ack["result"] == {"agents": 1, "changed": 1, "unchanged": 0}
        assert mgr.state.agents["L00001"].skills == ["lq002"]  # the events came before the ack
        await wall.until(lambda c: c.state.seq >= mgr.state.seq, what="wall at head")
        assert wall.state.agents["L00001"].skills == ["lq002"]
        assert wall.state.actions[-1].command_id == "skills-1"
        types = event_types(store_of(gw), seq0)
        assert types[0] == ("agent.skills", {"agent_id": "L00001", "skills": ["lq002"]})
        assert types[1][0] == "action.applied"
        assert types[1][1]["action"] == "agent.set_queues"
        assert types[1][1]["before"] == {"agents": {"L00001": was}}
        # The same again changes nothing: applied, no events.
        seq1 = mgr.state.seq
        again = await mgr.command("agent.set_queues", args, cid="skills-2")
        assert again["ok"] is True and again["result"] == {"agents": 1, "changed": 0, "unchanged": 1}
        assert mgr.state.seq == seq1
        await mgr.close()
        await wall.close()

    run(scenario())
    [row] = [r for r in store_of(gw).audit(action="agent.set_queues") if r.command_id == "skills-1"]
    assert (row.user, row.role, row.ok) == ("manager1", "manager", True)
    assert row.after == {"agents": {"L00001": ["lq002"]}}


def _selection(n: int, start: int, queues: list[str]) -> list[dict[str, Any]]:
    return [{"agent_id": f"L{i:05d}", "queues": queues} for i in range(start, start + n)]


@pytest.fixture(scope="module")
def big_gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayThread]:
    """60 agents (the floor above has 20): a selection of 50 and ten left alone."""
    load = LoadShape(agents=60, queues=3, cases=0, rate=0.001)
    with QuietLoad(make_config(tmp_path_factory.mktemp("queues50"), speed=1.0, load=load)) as g:
        yield g


def test_one_bad_agent_in_fifty_leaves_all_fifty_unchanged(big_gw: GatewayThread) -> None:
    gw = big_gw

    async def scenario() -> None:
        mgr = await WireClient.open(gw.url, Role.ADMIN)
        await mgr.ready()
        before = {aid: list(a.skills) for aid, a in mgr.state.agents.items()}
        seq0 = mgr.state.seq
        cases: list[tuple[list[dict[str, Any]], str, str]] = []
        bad_agent = [*_selection(49, 0, ["lq000", "lq001"]), {"agent_id": "nobody", "queues": ["lq000"]}]
        cases.append((bad_agent, "not_found", "unknown agent"))
        bad_queue = _selection(50, 0, ["lq000"])
        bad_queue[17] = {"agent_id": "L00017", "queues": ["lq000", "lq999"]}
        cases.append((bad_queue, "not_found", "unknown queues"))
        empty = _selection(50, 0, ["lq001"])
        empty[49] = {"agent_id": "L00049", "queues": []}
        cases.append((empty, "bad_args", "no queues"))
        twice = _selection(50, 0, ["lq001"])
        twice[3] = {"agent_id": "L00003", "queues": ["lq001", "lq001"]}
        cases.append((twice, "bad_args", "queues named twice"))
        same_agent = _selection(50, 0, ["lq001"])
        same_agent[10] = {"agent_id": "L00000", "queues": ["lq002"]}
        cases.append((same_agent, "bad_args", "more than once"))
        for i, (agents, code, words) in enumerate(cases):
            ack = await mgr.command("agent.set_queues", {"agents": agents}, cid=f"bad-{i}")
            assert ack["ok"] is False, ack
            assert ack["error"]["code"] == code, ack
            assert words in ack["error"]["message"], ack
        assert mgr.state.seq == seq0
        assert {aid: list(a.skills) for aid, a in mgr.state.agents.items()} == before
        offenders = (await mgr.command("agent.set_queues", {"agents": cases[0][0]}, cid="bad-again"))["error"]
        assert offenders["details"] == {"agents": [{"agent_id": "nobody", "reason": "unknown_agent"}]}
        # The good fifty go together.
        ok = await mgr.command(
            "agent.set_queues", {"agents": _selection(50, 0, ["lq002", "lq000"])}, cid="good"
        )
        assert ok["ok"] is True, ok
        assert all(mgr.state.agents[f"L{i:05d}"].skills == ["lq002", "lq000"] for i in range(50))
        assert all(mgr.state.agents[f"L{i:05d}"].skills == before[f"L{i:05d}"] for i in range(50, 60))
        await mgr.close()

    run(scenario())
    rows = {r.command_id: r for r in store_of(gw).audit(action="agent.set_queues")}
    assert not rows["bad-0"].ok and rows["bad-0"].error_code == "not_found"
    assert rows["good"].ok


def test_who_may_and_what_args_are_refused(gw: GatewayThread) -> None:
    async def scenario() -> None:
        sup = await WireClient.open(gw.url, Role.SUPERVISOR)
        mgr = await WireClient.open(gw.url, Role.MANAGER)
        await sup.ready()
        await mgr.ready()
        args = {"agent_id": "L00002", "queues": ["lq000"]}
        ack = await sup.command("agent.set_queues", args, cid="sup-1")
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", ack
        for bad, code in (
            ({}, "bad_args"),
            ({"agent_id": "L00002"}, "bad_args"),
            ({"agents": []}, "bad_args"),
            ({"agents": [{"agent_id": "L00002", "queues": ["lq000"]}], "agent_id": "L00002"}, "bad_args"),
            ({"agents": [{"agent_id": "L00002", "queue": ["lq000"]}]}, "bad_args"),
            ({"agent_id": "L00002", "queues": []}, "bad_args"),
            ({"agent_id": "nobody", "queues": ["lq000"]}, "not_found"),
            ({"agent_id": "L00002", "queues": ["nowhere"]}, "not_found"),
            ({"agents": _selection(MAX_SET_QUEUES_AGENTS + 1, 0, ["lq000"])}, "bad_args"),
        ):
            ack = await mgr.command("agent.set_queues", bad, cid=f"bad-{len(str(bad))}-{code}")
            assert ack["ok"] is False and ack["error"]["code"] == code, (bad, ack)
        await sup.close()
        await mgr.close()

    run(scenario())
    [row] = [r for r in store_of(gw).audit(action="agent.set_queues") if r.command_id == "sup-1"]
    assert (row.ok, row.error_code, row.role) == (False, "forbidden", "supervisor")
