"""The simulated centre in the display language: names change with --lang, ids and events never do.

The bank scenario carries its Chinese names in ``[names.zh_CN]``; the simulator
writes agents' names and case subjects in the same language. A gateway in
either language serves the same events but for the names, and a gateway
restarted on a database keeps the names the database has.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
import pytest

from console.domain.clock import iso, to_ms
from console.domain.events import (
    AgentAdded,
    CaseCreated,
    CentreConfigured,
    EventAt,
    QueueConfigured,
    make_event,
)
from console.domain.state import FloorState, Snapshot
from console.feeds.gateway.config import GatewayConfig
from console.feeds.sources.simulator.engine import Simulator, stored_language
from console.feeds.sources.simulator.names import agent_name, case_subject
from console.feeds.sources.simulator.scenario import (
    DEFAULT_SCENARIO,
    load_scenario,
    localized,
    resolve_scenario,
    start_ms_on,
)
from tests.helpers.gateway import GatewayThread, WireClient, freeze, head, make_config

HOUR = 3_600_000
BANK = load_scenario(DEFAULT_SCENARIO)
BANK_START = start_ms_on(BANK, date(2024, 3, 4))

ZH_CENTRE = "零售银行客户服务中心"
ZH_QUEUES = {
    "accounts": "个人账户",
    "transfers": "转账汇款",
    "cards": "信用卡",
    "loans": "贷款",
    "complaints": "投诉与建议",
    "vip": "贵宾服务",
}

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def chinese(text: str) -> bool:
    """Written in Chinese: Han characters and no Latin letters."""
    return bool(_CJK.search(text)) and not _LATIN.search(text)


def _fold(events: list[EventAt], state: FloorState | None = None) -> FloorState:
    state = state or FloorState()
    for t, data in events:
        state.apply(make_event(state.seq + 1, iso(t), data))
    return state


def _run(lang: str, hours: float = 3, seed: int = 5) -> tuple[Simulator, list[EventAt]]:
    sim = Simulator(BANK, seed=seed, start_ms=BANK_START, lang=lang)
    events = sim.bootstrap()
    events += sim.advance(BANK_START + round(hours * HOUR))
    return sim, events


def _restored_copy(state: FloorState) -> FloorState:
    restored = FloorState()
    restored.load_snapshot(msgspec.json.decode(msgspec.json.encode(state.to_snapshot()), type=Snapshot))
    return restored


# -- names ---------------------------------------------------------------------------------------


def test_the_same_position_is_the_same_person_in_both_languages() -> None:
    assert [agent_name(i) for i in range(3)] == ["Wang Wei", "Li Lei", "Zhang Tao"]
    assert [agent_name(i, "zh_CN") for i in range(3)] == ["王伟", "李磊", "张涛"]
    # Over the first 1200 positions each pinyin name is always the same Chinese name and the other
    # way round, and the names are unique in both languages.
    pairs = {(agent_name(i), agent_name(i, "zh_CN")) for i in range(1200)}
    assert len(pairs) == len({en for en, _ in pairs}) == len({zh for _, zh in pairs}) == 1200
    assert all(chinese(zh) and " " not in zh for _, zh in pairs)
    # The same names whatever else happened before: the name depends on the position only.
    assert agent_name(17, "zh_CN") == agent_name(17, "zh_CN") and agent_name(45) == "Guo Ning"
    assert agent_name(45, "zh_CN") == "郭宁"


def test_case_subjects_are_the_same_draw_in_both_languages() -> None:
    for queue_id in ("accounts", "cards", "complaints", "elsewhere"):
        en_rng, zh_rng = random.Random(3), random.Random(3)
        en = [case_subject(queue_id, en_rng) for _ in range(40)]
        zh = [case_subject(queue_id, zh_rng, "zh_CN") for _ in range(40)]
        assert en_rng.random() == zh_rng.random()  # the random streams stay in step
        assert all(chinese(s) for s in zh) and not any(chinese(s) for s in en)
        assert len(set(zip(en, zh, strict=True))) == len(set(en)) == len(set(zh)) > 1


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown language 'fr'; expected one of en, zh_CN"):
        agent_name(0, "fr")
    with pytest.raises(ValueError, match="unknown language 'zh'"):
        Simulator(BANK, seed=1, start_ms=BANK_START, lang="zh")
    with pytest.raises(ValueError, match="unknown language 'de'"):
        GatewayConfig(lang="de")


def test_the_bundled_scenarios_have_chinese_names() -> None:
    bank = localized(BANK, "zh_CN")
    assert bank.centre.name == ZH_CENTRE
    assert {q.id: q.name for q in bank.queues} == ZH_QUEUES
    assert [t.id for t in bank.teams] == [t.id for t in BANK.teams]  # ids never change
    assert all(chinese(t.display_name) for t in bank.teams)
    assert len({t.display_name for t in bank.teams}) == len(bank.teams)
    assert localized(BANK, "en") == BANK and BANK.centre.name == "Retail Bank Customer Service Centre"
    for name in ("single_queue", "erlang_c"):
        s = localized(load_scenario(resolve_scenario(name)), "zh_CN")
        names = [s.centre.name, *(q.name for q in s.queues), *(t.display_name for t in s.teams)]
        assert all(_CJK.search(n) for n in names), names


# -- the simulator -------------------------------------------------------------------------------


def _without_names(data: Any) -> bytes:
    """An event's payload with every display name blanked: what must not depend on the language."""
    raw = msgspec.to_builtins(data)
    if isinstance(data, CentreConfigured):
        raw["centre"]["name"] = ""
    elif isinstance(data, QueueConfigured):
        raw["name"] = ""
    elif isinstance(data, AgentAdded):
        raw["agent"]["name"] = raw["agent"]["team"] = ""
    elif isinstance(data, CaseCreated):
        raw["case"]["subject"] = ""
    return msgspec.json.encode([type(data).__name__, raw])


def test_a_run_in_chinese_is_the_english_run_with_chinese_names() -> None:
    _, en = _run("en")
    zh_sim, zh = _run("zh_CN")
    assert zh_sim.lang == "zh_CN"
    assert len(en) == len(zh) > 5_000
    assert [(t, _without_names(d)) for t, d in en] == [(t, _without_names(d)) for t, d in zh]
    floor = _fold(zh)
    assert floor.centre.name == ZH_CENTRE
    assert {q.id: q.name for q in floor.queues.values()} == ZH_QUEUES
    assert all(chinese(a.name) and chinese(a.team) for a in floor.agents.values())
    assert floor.cases and all(chinese(c.subject) for c in floor.cases.values())
    english = _fold(en)
    assert {a.id: agent_name(int(a.id[1:]) - 1) for a in english.agents.values()} == {
        a.id: a.name for a in english.agents.values()
    }
    assert not any(chinese(c.subject) for c in english.cases.values())


@pytest.mark.parametrize(("stored", "asked"), [("zh_CN", "en"), ("en", "zh_CN")])
def test_a_restored_floor_keeps_the_language_of_its_names(stored: str, asked: str) -> None:
    sim_a, events = _run(stored, hours=1)
    state = _fold(events)
    restored = _restored_copy(state)
    assert stored_language(restored, BANK, asked) == stored
    start_b = to_ms(state.at or "") + 1_000
    sim_b = Simulator(
        BANK, seed=9, start_ms=start_b, restored=restored, counters=sim_a.counters(), lang=asked
    )
    boot = sim_b.bootstrap()
    assert sim_b.lang == stored
    assert not any(isinstance(d, CentreConfigured | QueueConfigured | AgentAdded) for _, d in boot)
    later = sim_b.advance(start_b + 6 * HOUR)
    new = [d.case.subject for _, d in later if isinstance(d, CaseCreated) and d.case.reopened == 0]
    assert new and all(chinese(s) == (stored == "zh_CN") for s in new)


def test_a_scenario_edit_on_restore_is_applied_in_the_stored_language(tmp_path: Path) -> None:
    _, events = _run("zh_CN", hours=1)
    state = _fold(events)
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8").replace('loans = "贷款"', 'loans = "贷款与按揭"')
    path = tmp_path / "edited.toml"
    path.write_text(text, encoding="utf-8")
    edited = load_scenario(path)
    sim = Simulator(edited, seed=2, start_ms=to_ms(state.at or "") + 1_000, restored=_restored_copy(state))
    boot = sim.bootstrap()
    assert sim.lang == "zh_CN"  # asked for English (the default), the floor is in Chinese
    assert [(d.queue_id, d.name) for _, d in boot if isinstance(d, QueueConfigured)] == [
        ("loans", "贷款与按揭")
    ]


def test_a_floor_that_matches_no_language_takes_the_asked_one() -> None:
    floor = FloorState()
    assert stored_language(floor, BANK, "zh_CN") == "zh_CN"
    assert stored_language(floor, BANK, "en") == "en"


# -- a real gateway ------------------------------------------------------------------------------


def _frozen(gw: GatewayThread) -> None:
    """Stop the gateway's simulator and wait until the store has committed every event."""
    freeze(gw)
    deadline = time.monotonic() + 30
    while gw.call(lambda: gw.gateway.committed_seq < gw.gateway.seq):
        assert time.monotonic() < deadline, "the store did not catch up"
        time.sleep(0.02)


async def _from_events(gw: GatewayThread) -> WireClient:
    """A client whose floor is built from the gateway's events alone (resumed from seq 0, no snapshot)."""
    client = await WireClient.open(gw.url, resume_from=0)
    client.resume_state(FloorState())
    await client.ready()
    target = head(gw)
    await client.until(lambda c: c.state.seq >= target, what=f"events up to {target}")
    assert target > 100 and client.snapshots == 0
    return client


def test_a_gateway_in_chinese_sends_chinese_names(tmp_path: Path) -> None:
    async def check(gw: GatewayThread) -> FloorState:
        client = await _from_events(gw)
        await client.close()
        return client.state

    with GatewayThread(make_config(tmp_path, lang="zh_CN")) as gw:
        _frozen(gw)
        floor = asyncio.run(check(gw))
    assert floor.centre.name == ZH_CENTRE
    assert {q.id: q.name for q in floor.queues.values()} == ZH_QUEUES
    assert {a.team for a in floor.agents.values()} == {t.display_name for t in localized(BANK, "zh_CN").teams}
    assert floor.agents["A001"].name == "王伟" and floor.agents["A046"].name == "郭宁"
    assert all(chinese(a.name) for a in floor.agents.values())
    assert len(floor.cases) > 100 and all(chinese(c.subject) for c in floor.cases.values())

    # Same seed and start, default language: the same ids, English names.
    with GatewayThread(make_config(tmp_path / "en")) as gw:
        _frozen(gw)
        english = asyncio.run(check(gw))
    assert english.centre.name == "Retail Bank Customer Service Centre"
    assert english.agents["A001"].name == "Wang Wei" and english.agents["A046"].name == "Guo Ning"
    assert set(english.queues) == set(floor.queues) and set(english.agents) == set(floor.agents)


def test_a_gateway_restarted_in_another_language_keeps_the_stored_names(tmp_path: Path) -> None:
    async def snapshot(gw: GatewayThread) -> FloorState:
        client = await WireClient.open(gw.url)
        await client.ready()
        await client.close()
        return client.state

    with GatewayThread(make_config(tmp_path, lang="zh_CN")) as gw:
        first = asyncio.run(snapshot(gw))
    with GatewayThread(make_config(tmp_path, lang="en")) as gw:
        assert gw.call(lambda: getattr(gw.gateway.sim, "lang", None)) == "zh_CN"
        again = asyncio.run(snapshot(gw))
    assert first.centre.name == again.centre.name == ZH_CENTRE
    assert {a.id: a.name for a in again.agents.values()} == {a.id: a.name for a in first.agents.values()}
    assert {q.name for q in again.queues.values()} == set(ZH_QUEUES.values())
