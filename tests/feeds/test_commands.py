"""Supervisors' commands on the floor, without a gateway: validation, all-or-nothing, and the drivers.

Each test keeps a driver (the simulator or the load centre) and the FloorState
folded from its events, as the gateway does, and runs commands through
``console.feeds.gateway.commands.registry.execute``. The wire, the audit and re-sends are in
tests/feeds/test_gateway_commands.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.domain.clock import iso
from console.domain.entities import CallState, CaseStatus
from console.domain.events import CallAnswered, CallMoved, CallRinging, CaseUpdated, EventData, make_event
from console.domain.permissions import Role
from console.domain.state import FloorState
from console.feeds.gateway.commands.context import CommandContext, CommandRefused, Outcome, PastCommand
from console.feeds.gateway.commands.registry import execute, history_wanted
from console.feeds.gateway.driver import CentreDriver
from console.feeds.sources.load_centre import LoadDriver, LoadShape
from console.feeds.sources.simulator.engine import Simulator
from console.feeds.sources.simulator.scenario import DEFAULT_SCENARIO, load_scenario, start_ms_on
from tests.helpers.gateway import normalized
from tests.helpers.simulation import BUSY_QUIET, assert_agrees

BANK = load_scenario(DEFAULT_SCENARIO)
BANK_START = start_ms_on(BANK, date(2024, 3, 4))  # Monday 08:00 in Shanghai
HOUR_MS = 3_600_000


class Floor:
    """A driver and the floor folded from its events, as the gateway keeps them."""

    def __init__(self, driver: CentreDriver) -> None:
        self.driver = driver
        self.state = FloorState()
        self.last_ms = 0
        self.log: list[tuple[int, EventData]] = []
        self.apply(driver.bootstrap())

    def apply(self, items: Sequence[tuple[int, EventData]]) -> None:
        for t, data in items:
            self.last_ms = max(self.last_ms, t)
            self.state.apply(make_event(self.state.seq + 1, iso(self.last_ms), data))
            self.log.append((t, data))

    def advance(self, ms: int) -> list[tuple[int, EventData]]:
        items = self.driver.advance(self.driver.now_ms + ms)
        self.apply(items)
        return items

    def run(
        self, action: str, args: dict[str, Any], role: Role = Role.MANAGER, past: Sequence[PastCommand] = ()
    ) -> Outcome:
        ctx = CommandContext(user="mia", role=role, state=self.state, driver=self.driver, past=past)
        outcome = execute(ctx, action, args)
        self.apply(outcome.events)
        return outcome

    def refused(
        self, action: str, args: dict[str, Any], role: Role = Role.MANAGER, past: Sequence[PastCommand] = ()
    ) -> CommandRefused:
        before = normalized(self.state)
        with pytest.raises(CommandRefused) as info:
            self.run(action, args, role, past)
        assert normalized(self.state) == before, "a refused command changed the floor"
        return info.value

    def versions(self, ids: Sequence[str]) -> dict[str, int]:
        return {cid: self.state.cases[cid].version for cid in ids}

    def reassign(self, ids: Sequence[str], agent: str | None) -> Outcome:
        return self.run(
            "case.reassign",
            {"case_ids": list(ids), "agent_id": agent, "expected_versions": self.versions(ids)},
        )


def bank(advance_ms: int = 10 * 60_000) -> tuple[Floor, Simulator]:
    sim = Simulator(BANK, seed=11, start_ms=BANK_START)
    floor = Floor(sim)
    floor.advance(advance_ms)
    return floor, sim


def past(command_id: str, outcome: Outcome, *, ok: bool = True, action: str = "case.reassign") -> PastCommand:
    assert outcome.after is not None
    return PastCommand(
        command_id=command_id,
        user="mia",
        action=action,
        ok=ok,
        result=outcome.result,
        before=outcome.before,
        after=outcome.after(),
    )


def handlers(state: FloorState) -> set[str]:
    return {c.agent_id for c in state.cases.values() if c.agent_id is not None}


# -- case.reassign --------------------------------------------------------------------------------


def test_reassign_moves_every_case_at_once_and_the_new_owner_keeps_them() -> None:
    floor, sim = bank()
    state = floor.state
    target = "A001"  # a general-enquiries agent, not a case handler: any agent may be given cases
    ids = sorted(state.cases)[:40]
    owned = [cid for cid in ids if state.cases[cid].agent_id == target]
    assert not owned
    first = floor.reassign(ids[:3], target)  # three already the target's: left alone below
    assert first.result == {"agent_id": target, "moved": 3, "unchanged": 0}
    versions = floor.versions(ids)
    owners = {cid: state.cases[cid].agent_id for cid in ids}

    out = floor.reassign(ids, target)

    assert out.result == {"agent_id": target, "moved": 37, "unchanged": 3}
    assert len(out.events) == 37
    for (_, data), cid in zip(out.events, ids[3:], strict=True):
        assert data == CaseUpdated(case_id=cid, changes={"agent_id": target}, version=versions[cid] + 1)
    assert all(state.cases[cid].agent_id == target for cid in ids)
    assert state.agents[target].open_cases == 40
    assert out.before == {"cases": {cid: {"agent_id": owners[cid], "version": versions[cid]} for cid in ids}}
    assert out.after is not None
    after = out.after()["cases"]
    assert after == {cid: {"agent_id": target, "version": state.cases[cid].version} for cid in ids}
    assert {cid: v["version"] for cid, v in after.items()} == {
        cid: versions[cid] + (cid not in ids[:3]) for cid in ids
    }
    assert_agrees(sim, state)
    assert sim.case_owners() == {c.id: c.agent_id for c in state.cases.values()}

    # The simulator carries on with the new owner: the cases move on, nobody takes them away.
    moves = floor.advance(24 * HOUR_MS)
    for _, data in moves:
        if isinstance(data, CaseUpdated) and data.case_id in ids:
            assert "agent_id" not in data.changes, data
    assert any(isinstance(d, CaseUpdated) and d.case_id in ids and "status" in d.changes for _, d in moves)
    assert all(state.cases[cid].agent_id == target for cid in ids if cid in state.cases)
    assert_agrees(sim, state)
    assert sim.case_owners() == {c.id: c.agent_id for c in state.cases.values()}


def test_unassigned_cases_wait_in_the_pool_until_a_handler_takes_them() -> None:
    floor, sim = bank()
    state = floor.state
    team = handlers(state)
    ids = [c.id for c in state.cases.values() if c.agent_id is not None][:20]
    statuses = {cid: state.cases[cid].status for cid in ids}
    floor.reassign(ids, None)
    assert all(state.cases[cid].agent_id is None for cid in ids)
    assert_agrees(sim, state)

    taken: dict[str, str] = {}
    for _, data in floor.advance(30 * HOUR_MS):
        if not isinstance(data, CaseUpdated) or data.case_id not in ids:
            continue
        if data.case_id not in taken:
            # Nothing happens to a pooled case but its pickup, by a case handler.
            assert set(data.changes) == {"agent_id"}, data
            assert data.changes["agent_id"] in team
            taken[data.case_id] = data.changes["agent_id"]
        else:
            assert "agent_id" not in data.changes, "the handler who took it keeps it"
    assert set(taken) == set(ids)
    assert any(state.cases[cid].status is not statuses[cid] for cid in ids if cid in state.cases) or any(
        cid not in state.cases for cid in ids
    ), "picked-up cases are worked again"
    assert_agrees(sim, state)
    assert sim.case_owners() == {c.id: c.agent_id for c in state.cases.values()}


def test_a_case_given_an_owner_during_intake_keeps_that_owner() -> None:
    floor, sim = bank(2 * HOUR_MS)
    state = floor.state
    intake = [c.id for c in state.cases.values() if c.status is CaseStatus.INTAKE]
    assert intake
    floor.reassign(intake, "A002")
    floor.advance(12 * HOUR_MS)
    seen = [c for cid in intake if (c := state.cases.get(cid)) is not None]
    assert any(c.status is not CaseStatus.INTAKE for c in seen) or len(seen) < len(intake)
    assert all(c.agent_id == "A002" for c in seen)
    assert_agrees(sim, state)


def test_any_stale_or_missing_case_refuses_the_whole_command_and_lists_each() -> None:
    floor, sim = bank()
    ids = sorted(floor.state.cases)[:10]
    stale = floor.versions(ids)
    floor.reassign(ids[2:4], "A003")  # versions move on for two of them
    args = {
        "case_ids": [*ids, "CS-999999"],
        "agent_id": "A004",
        "expected_versions": {**stale, "CS-999999": 1},
    }
    refused = floor.refused("case.reassign", args)
    assert refused.code == "conflict"
    assert refused.details == {
        "cases": [
            {
                "case_id": ids[2],
                "reason": "version_mismatch",
                "expected": stale[ids[2]],
                "actual": stale[ids[2]] + 1,
            },
            {
                "case_id": ids[3],
                "reason": "version_mismatch",
                "expected": stale[ids[3]],
                "actual": stale[ids[3]] + 1,
            },
            {"case_id": "CS-999999", "reason": "not_found"},
        ]
    }
    assert "3 of 11 cases" in refused.message and "nothing was changed" in refused.message
    assert_agrees(sim, floor.state)


@pytest.mark.parametrize(
    ("args", "code", "mentions"),
    [
        ({"case_ids": [], "agent_id": "A001", "expected_versions": {}}, "bad_args", "case_ids"),
        ({"case_ids": "CS-000001", "agent_id": "A001", "expected_versions": {}}, "bad_args", "case_ids"),
        ({"case_ids": [1], "agent_id": "A001", "expected_versions": {}}, "bad_args", "case_ids"),
        ({"case_ids": ["X", "X"], "agent_id": "A001", "expected_versions": {"X": 1}}, "bad_args", "case_ids"),
        (
            {"case_ids": ["X", "Y"], "agent_id": "A001", "expected_versions": {"X": 1}},
            "bad_args",
            "expected_versions",
        ),
        (
            {"case_ids": ["X"], "agent_id": "A001", "expected_versions": {"X": 1, "Z": 2}},
            "bad_args",
            "expected_versions",
        ),
        (
            {"case_ids": ["X"], "agent_id": "A001", "expected_versions": {"X": "1"}},
            "bad_args",
            "expected_versions",
        ),
        (
            {"case_ids": ["X"], "agent_id": "A001", "expected_versions": {"X": 1.5}},
            "bad_args",
            "expected_versions",
        ),
        ({"case_ids": ["X"], "agent_id": "A001", "expected_versions": [1]}, "bad_args", "expected_versions"),
        ({"case_ids": ["X"], "expected_versions": {"X": 1}}, "bad_args", "agent_id"),
        ({"case_ids": ["X"], "agent_id": 7, "expected_versions": {"X": 1}}, "bad_args", "agent_id"),
        ({"case_ids": ["X"], "agent_id": None, "expected_versions": {"X": 1}, "why": 1}, "bad_args", "why"),
        ({"case_ids": ["X"], "agent_id": "nobody", "expected_versions": {"X": 1}}, "not_found", "nobody"),
    ],
)
def test_bad_reassign_args_are_refused_by_name(args: dict[str, Any], code: str, mentions: str) -> None:
    refused = shared()[0].refused("case.reassign", args)
    assert (refused.code, mentions in refused.message) == (code, True), refused.message


_SHARED: list[tuple[Floor, Simulator]] = []


def shared() -> tuple[Floor, Simulator]:
    """One bank floor for the tests that only refuse, or do not mind what others did."""
    if not _SHARED:
        _SHARED.append(bank())
    return _SHARED[0]


_junk = st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.text(max_size=4)
APPLIED: list[int] = []


@settings(max_examples=80, suppress_health_check=list(HealthCheck))
@given(
    # Indexes stand for the floor's first twelve cases (picked when the test runs).
    picks=st.lists(st.integers(0, 11), min_size=1, max_size=6, unique=True),
    agent=st.sampled_from(["A001", "A060", None]),
    # One thing wrong at a time, or nothing (about half the examples should apply).
    mess=st.sampled_from(
        ["none"] * 6
        + ["ids", "ids_item", "dupe", "empty", "ghost", "agent", "nobody"]
        + ["stale", "missing", "extra", "versions", "version", "drop", "unknown_key"]
    ),
    junk=_junk,
)
def test_malformed_reassigns_never_crash_and_never_half_apply(
    picks: list[int], agent: str | None, mess: str, junk: Any
) -> None:
    floor, sim = shared()
    state = floor.state
    case_ids = sorted(state.cases)[:12]
    ids: Any = [case_ids[i] for i in picks]
    if mess == "dupe":
        ids.append(ids[0])
    elif mess == "empty":
        ids = []
    elif mess == "ghost":
        ids.append("CS-999999")
    expected: Any = {i: state.cases[i].version if i in state.cases else 1 for i in ids}
    args: dict[str, Any] = {"case_ids": ids, "agent_id": agent, "expected_versions": expected}
    if mess == "ids":
        args["case_ids"] = junk
    elif mess == "ids_item":
        args["case_ids"] = [*ids, junk]
    elif mess == "agent":
        args["agent_id"] = junk
    elif mess == "nobody":
        args["agent_id"] = "nobody"
    elif mess == "stale":
        expected[ids[-1]] -= 1
    elif mess == "missing":
        del expected[ids[-1]]
    elif mess == "extra":
        expected["CS-000000"] = 1
    elif mess == "versions":
        args["expected_versions"] = junk
    elif mess == "version":
        expected[ids[0]] = junk
    elif mess == "drop":
        del args[sorted(args)[len(ids) % 3]]
    elif mess == "unknown_key":
        args["colour"] = junk
    before = normalized(state)
    owners = {i: state.cases[i].agent_id for i in case_ids}
    try:
        out = floor.run("case.reassign", args)
    except CommandRefused as refused:
        assert refused.code in {"bad_args", "not_found", "conflict"} and refused.message
        assert normalized(state) == before
        assert {i: state.cases[i].agent_id for i in case_ids} == owners
    else:
        APPLIED.append(len(ids))
        assert all(state.cases[i].agent_id == args["agent_id"] for i in ids)
        assert out.result["moved"] + out.result["unchanged"] == len(ids)
        assert len(out.events) == out.result["moved"]
    assert_agrees(sim, state)


def test_the_malformed_reassigns_included_good_ones() -> None:
    assert len(APPLIED) >= 10, "the strategy must also produce commands that apply"


# -- case.undo_reassign ---------------------------------------------------------------------------


def test_undo_puts_each_moved_case_back_once() -> None:
    floor, sim = bank()
    state = floor.state
    ids = sorted(state.cases)[:30]
    floor.reassign(ids[:4], "A005")
    owners = {cid: state.cases[cid].agent_id for cid in ids}
    done = floor.reassign(ids, "A005")
    assert done.result["moved"] == 26
    record = past("r1", done)

    undo = floor.run("case.undo_reassign", {"command_id": "r1"}, past=[record])
    assert undo.result == {"undo_of": "r1", "moved": 26}
    assert {cid: state.cases[cid].agent_id for cid in ids} == owners
    assert len(undo.events) == 26 and set(undo.before["cases"]) == set(ids[4:])
    assert_agrees(sim, state)

    again = floor.refused("case.undo_reassign", {"command_id": "r1"}, past=[record])
    assert again.code == "conflict" and len(again.details["cases"]) == 26
    assert all(d["reason"] == "version_mismatch" for d in again.details["cases"])


def test_undo_after_a_case_changed_moves_nothing() -> None:
    floor, _ = bank()
    state = floor.state
    ids = sorted(state.cases)[:5]
    record = past("r2", floor.reassign(ids, "A006"))
    version = state.cases[ids[1]].version
    floor.reassign([ids[1]], "A007")
    refused = floor.refused("case.undo_reassign", {"command_id": "r2"}, past=[record])
    assert refused.code == "conflict"
    assert refused.details == {
        "cases": [
            {"case_id": ids[1], "reason": "version_mismatch", "expected": version, "actual": version + 1}
        ]
    }
    assert [state.cases[cid].agent_id for cid in ids] == ["A006", "A007", "A006", "A006", "A006"]


def test_undo_needs_an_applied_reassignment() -> None:
    floor, _ = bank()
    ids = sorted(floor.state.cases)[:2]
    done = floor.reassign(ids, "A008")
    assert floor.refused("case.undo_reassign", {"command_id": "x"}).code == "not_found"
    for other in (past("x", done, ok=False), past("x", done, action="agent.set_state")):
        assert floor.refused("case.undo_reassign", {"command_id": "x"}, past=[other]).code == "not_found"
    two = [past("x", done), past("x", done)]
    assert floor.refused("case.undo_reassign", {"command_id": "x"}, past=two).code == "conflict"
    assert floor.refused("case.undo_reassign", {"command_id": 5}).code == "bad_args"
    assert floor.refused("case.undo_reassign", {}).code == "bad_args"


def test_only_managers_and_admins_work_cases() -> None:
    floor, _ = bank(0)
    cid = sorted(floor.state.cases)[0]
    args = {"case_ids": [cid], "agent_id": "A001", "expected_versions": floor.versions([cid])}
    for role in (Role.VIEWER, Role.SUPERVISOR, Role.QUALITY):
        for action, a in (("case.reassign", args), ("case.undo_reassign", {"command_id": "r"})):
            assert floor.refused(action, a, role=role).code == "forbidden"
        assert history_wanted(role, "case.undo_reassign", {"command_id": "r"}) is None
    for role in (Role.MANAGER, Role.ADMIN):
        assert history_wanted(role, "case.undo_reassign", {"command_id": "r"}) == "r"
        assert history_wanted(role, "case.undo_reassign", {"command_id": 3}) is None
        assert history_wanted(role, "case.reassign", args) is None
    assert (
        floor.refused("call.move", {"call_id": "K", "queue_id": "vip"}, role=Role.QUALITY).code == "forbidden"
    )


# -- call.move ------------------------------------------------------------------------------------


def busy_quiet(tmp_path: Path, **kw: Any) -> tuple[Floor, Simulator]:
    path = tmp_path / "busy_quiet.toml"
    path.write_text(BUSY_QUIET, encoding="utf-8")
    sim = Simulator(load_scenario(path), seed=5, start_ms=BANK_START, **kw)
    floor = Floor(sim)
    floor.advance(10 * 60_000)
    return floor, sim


def waiting(state: FloorState, queue: str) -> list[str]:
    calls = [c for c in state.calls.values() if c.queue_id == queue and c.state is CallState.WAITING]
    return [c.id for c in sorted(calls, key=lambda c: (c.entered_at, c.id))]


def test_a_moved_call_is_routed_by_its_new_queue(tmp_path: Path) -> None:
    floor, sim = busy_quiet(tmp_path)
    state = floor.state
    queued = waiting(state, "busy")
    assert len(queued) > 50
    offered = {q: state.queues[q].today.offered for q in ("busy", "quiet")}
    oldest = queued[0]
    out = floor.run("call.move", {"call_id": oldest, "queue_id": "quiet"})
    assert out.result == {"call_id": oldest, "queue_id": "quiet", "priority": 5, "unchanged": False}
    assert out.before == {"queue_id": "busy", "priority": 5, "state": "waiting", "agent_id": None}
    # The quiet queue's agents are free: it is taken at once, by one of them.
    assert isinstance(out.events[0][1], CallMoved)
    answered = [d for _, d in out.events if isinstance(d, CallAnswered | CallRinging)]
    assert len(answered) == 1 and state.agents[answered[0].agent_id].skills == ["quiet"]
    assert state.calls[oldest].state is CallState.TALKING and state.calls[oldest].queue_id == "quiet"
    # Counted offered once, in the queue that answers it.
    assert state.queues["busy"].today.offered == offered["busy"] - 1
    assert state.queues["quiet"].today.offered == offered["quiet"] + 1
    assert state.queues["quiet"].today.answered == 1
    assert_agrees(sim, state)
    # With both quiet agents busy, a moved call waits in its new queue: the busy queue's
    # agent, free next, must not take it although it arrived before everyone there.
    floor.run("call.move", {"call_id": queued[1], "queue_id": "quiet"})
    floor.run("call.move", {"call_id": queued[2], "queue_id": "quiet"})
    assert state.calls[queued[2]].state is CallState.WAITING and state.calls[queued[2]].queue_id == "quiet"
    taken: list[str] = []
    while queued[2] not in taken:
        taken += [d.call_id for _, d in floor.advance(20_000) if isinstance(d, CallAnswered)]
    assert taken[0] == queued[3], "the busy agent takes the oldest call still in its queue"
    assert state.queues["quiet"].today.answered == 3
    assert_agrees(sim, state)


def test_a_call_given_a_higher_priority_is_answered_next(tmp_path: Path) -> None:
    floor, sim = busy_quiet(tmp_path)
    state = floor.state
    newest = waiting(state, "busy")[-1]
    out = floor.run("call.move", {"call_id": newest, "queue_id": "busy", "priority": 9})
    assert out.events == [(sim.now_ms, CallMoved(call_id=newest, queue_id="busy", priority=9))]
    assert state.calls[newest].priority == 9
    taken: list[str] = []
    while not taken:
        taken = [d.call_id for _, d in floor.advance(60_000) if isinstance(d, CallAnswered)]
    assert taken[0] == newest
    assert_agrees(sim, state)


def test_only_a_waiting_call_moves_to_a_known_queue_and_priority(tmp_path: Path) -> None:
    floor, _ = busy_quiet(tmp_path)
    state = floor.state
    call = waiting(state, "busy")[0]
    talking = next(c.id for c in state.calls.values() if c.state is CallState.TALKING)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"call_id": talking, "queue_id": "quiet"}, "invalid_state"),
        ({"call_id": "K9999999", "queue_id": "quiet"}, "not_found"),
        ({"call_id": call, "queue_id": "nowhere"}, "not_found"),
        ({"call_id": call, "queue_id": "quiet", "priority": 11}, "bad_args"),
        ({"call_id": call, "queue_id": "quiet", "priority": -1}, "bad_args"),
        ({"call_id": call, "queue_id": "quiet", "priority": "high"}, "bad_args"),
        ({"call_id": call, "queue_id": "quiet", "priority": True}, "bad_args"),
        ({"call_id": call}, "bad_args"),
        ({"call_id": call, "queue_id": "quiet", "to": "x"}, "bad_args"),
    ]
    for args, code in cases:
        assert floor.refused("call.move", args).code == code, args
    for args in ({"call_id": call, "queue_id": "busy"}, {"call_id": call, "queue_id": "busy", "priority": 5}):
        out = floor.run("call.move", args, role=Role.SUPERVISOR)
        assert out.events == [] and out.result["unchanged"] is True


# -- the load centre ------------------------------------------------------------------------------


def test_the_load_centre_takes_both_commands() -> None:
    driver = LoadDriver(LoadShape(agents=20, queues=3, cases=300, rate=500), seed=2, start_ms=BANK_START)
    floor = Floor(driver)
    floor.advance(2_000)
    state = floor.state
    ids = sorted(state.cases)
    out = floor.reassign(ids, "L00003")
    assert out.result["moved"] + out.result["unchanged"] == 300 and len(out.events) == out.result["moved"]
    call = next(c for c in state.calls.values() if c.state is CallState.WAITING)
    other = next(q for q in state.queues if q != call.queue_id)
    floor.run("call.move", {"call_id": call.id, "queue_id": other, "priority": 8})
    assert (state.calls[call.id].queue_id, state.calls[call.id].priority) == (other, 8)
    floor.advance(5_000)  # its own case updates carry on from the versions the command left
    assert state.skipped == 0
    assert {c.id: c.version for c in state.cases.values()} == driver._cases
    total = sum(q.today.offered for q in state.queues.values())
    assert total == sum(1 for _, d in floor.log if type(d).__name__ == "CallQueued")


def test_the_centre_carries_the_case_limit() -> None:
    assert BANK.cases is not None and BANK.cases.case_limit == 25
    floor, _ = bank(0)
    assert floor.state.centre.case_limit == 25
    assert msgspec.json.decode(msgspec.json.encode(floor.state.centre))["case_limit"] == 25  # on the wire
