"""``agent.timeline``: one agent's day, read from the store, against a real gateway.

The answer is checked against an independent count from the journal (the
``events`` table, folded here by hand), after the simulator is frozen so the
two read the same day.
"""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec

from console.domain.entities import AgentState, CallState, CaseStatus
from console.domain.permissions import Role
from console.store import Store
from tests.helpers.gateway import MASKED, GatewayThread, WireClient, freeze, head, make_config


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def store_of(gw: GatewayThread) -> Store:
    store = gw.gateway.store
    assert store is not None
    return store


def expected_day(store: Store, agent_id: str, day: str) -> dict[str, Any]:
    """The agent's day folded straight from the journal: what ``agent.timeline`` should say."""
    spells: list[tuple[str, str | None, str, int]] = []
    call_agent: dict[str, str | None] = {}
    calls: set[str] = set()
    case_of: dict[str, tuple[str | None, str]] = {}  # case -> (agent, status)
    cases: list[tuple[str, str, int]] = []  # (case id, change, seq)
    flags: set[str] = set()
    for seq, raw in store.events_after(0):
        ev = msgspec.json.decode(raw)
        kind, data, at = ev["type"], ev["data"], ev["at"]
        if kind == "agent.added" and data["agent"]["id"] == agent_id:
            a = data["agent"]
            since = a.get("state_since") or at
            spells.append((a.get("state", "offline"), a.get("reason"), min(since, at), seq))
        elif kind == "agent.state" and data["agent_id"] == agent_id:
            spells.append((data["state"], data.get("reason"), at, seq))
        elif kind == "agent.removed" and data["agent_id"] == agent_id:
            spells.append(("offline", None, at, seq))
        elif kind in ("call.ringing", "call.answered"):
            call_agent[data["call_id"]] = data["agent_id"]
        elif kind in ("call.ended", "call.abandoned"):
            if call_agent.pop(data["call_id"], None) == agent_id and at >= day:
                calls.add(data["call_id"])
        elif kind == "case.created":
            c = data["case"]
            case_of[c["id"]] = (c.get("agent_id"), c["status"])
            if c.get("agent_id") == agent_id and at >= day:
                cases.append((c["id"], "assigned", seq))
        elif kind == "case.updated" and data["case_id"] in case_of:
            old_agent, old_status = case_of[data["case_id"]]
            if old_status == CaseStatus.CLOSED:
                continue  # the floor skips it, and so does the store
            changes = data["changes"]
            new_agent = changes.get("agent_id", old_agent)
            new_status = changes.get("status", old_status)
            case_of[data["case_id"]] = (new_agent, new_status)
            if at < day:
                continue
            if new_agent != old_agent:
                if old_agent == agent_id:
                    cases.append((data["case_id"], "unassigned", seq))
                if new_agent == agent_id:
                    cases.append((data["case_id"], "assigned", seq))
            elif new_agent == agent_id and new_status != old_status:
                cases.append((data["case_id"], new_status, seq))
        elif kind == "flag.created" and data["flag"].get("agent_id") == agent_id and at >= day:
            flags.add(data["flag"]["id"])
    today = [s for s in spells if s[2] >= day]
    before = [s for s in spells if s[2] < day]
    if before:
        today.insert(0, max(before, key=lambda s: (s[2], s[3])))
    return {"states": today, "calls": calls, "cases": cases, "flags": flags}


def test_an_agents_day_agrees_with_the_journal(tmp_path: Any) -> None:
    with GatewayThread(make_config(tmp_path)) as gw:

        async def scenario() -> None:
            mgr = await WireClient.open(gw.url, Role.MANAGER)
            await mgr.ready()
            # Some feed minutes of a busy morning: calls answered and ended, states changing.
            await mgr.until(
                lambda c: sum(q.today.handled for q in c.state.queues.values()) >= 20, 60, "calls handled"
            )
            talking = [x for x in mgr.state.calls.values() if x.state is CallState.TALKING and x.agent_id]
            agent_id = talking[0].agent_id
            assert agent_id is not None
            # A call flagged, a reason on a state of the supervisor's and a case given.
            ack = await mgr.command(
                "call.flag", {"call_id": talking[0].id, "category": "commendation", "severity": "low"}
            )
            assert ack["ok"], ack
            ack = await mgr.command(
                "agent.set_state", {"agent_id": agent_id, "state": "not_ready", "reason": "coaching"}
            )
            assert ack["ok"], ack
            case = next(
                c for c in mgr.state.cases.values() if c.agent_id != agent_id and c.status != "closed"
            )
            ack = await mgr.command(
                "case.reassign",
                {"case_ids": [case.id], "agent_id": agent_id, "expected_versions": {case.id: case.version}},
            )
            assert ack["ok"], ack
            # The state waits for the call to end (the reason with it).
            await mgr.until(
                lambda c: c.state.agents[agent_id].state is AgentState.NOT_READY, 60, "the call to end"
            )
            freeze(gw)
            last = head(gw)
            await mgr.until(lambda c: c.state.seq >= last, 20, "the head")

            day = mgr.state.centre.day_started_at
            assert day is not None
            ack = await mgr.command("agent.timeline", {"agent_id": agent_id})
            assert ack["ok"], ack
            got = ack["result"]
            want = expected_day(store_of(gw), agent_id, day)
            assert got["agent_id"] == agent_id and got["day_started_at"] == day and got["capped"] == []
            spells = [(s["state"], s["reason"], s["started_at"], s["seq"]) for s in got["states"]]
            assert spells == want["states"]
            assert len(want["states"]) >= 3
            assert (got["states"][-1]["state"], got["states"][-1]["reason"]) == ("not_ready", "coaching")
            # The open spell is the agent's state on the floor now.
            now = mgr.state.agents[agent_id]
            last_spell = got["states"][-1]
            assert (last_spell["state"], last_spell["started_at"]) == (now.state, now.state_since)
            assert {c["id"] for c in got["calls"]} == want["calls"] and want["calls"]
            assert all(MASKED.match(c["caller"]) and c["agent_id"] == agent_id for c in got["calls"])
            entered = [c["entered_at"] for c in got["calls"]]
            assert entered == sorted(entered)
            assert [(c["case_id"], c["change"], c["seq"]) for c in got["cases"]] == want["cases"]
            assert (case.id, "assigned") in {(c["case_id"], c["change"]) for c in got["cases"]}
            assert {f["id"] for f in got["flags"]} == want["flags"] and len(want["flags"]) == 1

            # Capped: the latest rows of each kind, and it says so.
            ack = await mgr.command("agent.timeline", {"agent_id": agent_id, "limit": 1})
            small = ack["result"]
            assert "states" in small["capped"] and small["states"] == got["states"][-1:]
            assert "calls" in small["capped"] or len(want["calls"]) == 1
            assert small["calls"] == got["calls"][-1:]

            # Refusals: a viewer may not, bad arguments and an unknown agent are named.
            viewer = await WireClient.open(gw.url, Role.VIEWER)
            await viewer.ready()
            ack = await viewer.command("agent.timeline", {"agent_id": agent_id})
            assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
            await viewer.close()
            for args, code, mentions in (
                ({"agent_id": agent_id, "limit": 0}, "bad_args", "limit"),
                ({"agent": agent_id}, "bad_args", "agent"),
                ({"agent_id": "nobody"}, "not_found", "nobody"),
            ):
                ack = await mgr.command("agent.timeline", args)
                assert ack["ok"] is False and ack["error"]["code"] == code, ack
                assert mentions in ack["error"]["message"]
            assert all(a.action != "agent.timeline" for a in mgr.state.actions)
            await mgr.close()

        run(scenario())
        assert all(not r.ok for r in store_of(gw).audit(action="agent.timeline"))


def test_supervisors_quality_and_admins_may_read_a_timeline(tmp_path: Any) -> None:
    with GatewayThread(make_config(tmp_path)) as gw:

        async def scenario(role: Role) -> dict[str, Any]:
            c = await WireClient.open(gw.url, role)
            await c.ready()
            agent_id = min(c.state.agents)
            ack = await c.command("agent.timeline", {"agent_id": agent_id})
            await c.close()
            return ack

        for role in (Role.SUPERVISOR, Role.QUALITY, Role.ADMIN):
            ack = run(scenario(role))
            assert ack["ok"], (role, ack)
            assert ack["result"]["states"] and ack["result"]["states"][0]["state"] in set(AgentState)
