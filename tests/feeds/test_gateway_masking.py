"""Masking on entry through a real gateway on 127.0.0.1 and its real SQLite file.

Card numbers in every format the issue names go in through a flag's note, its
update, refused commands (forbidden, unknown, bad arguments, an unknown reason)
and a refused query; afterwards not one table of the database (events, audit,
flags, flag history, checkpoints, meta, ...) nor one line the gateway logged
holds any of them whole. Headless tests of the gateway's redaction module too.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
from pathlib import Path

import pytest

from console.domain.entities import AgentState, CallState, Case, CaseStatus
from console.domain.events import AgentStateChanged, CallQueued, CaseCreated, CaseUpdated
from console.domain.permissions import Role
from console.feeds.gateway.redaction import MaskingFilter, audited, mask_published, recorded_args
from console.store import AuditRecord
from tests.helpers.gateway import GatewayThread, WireClient, make_config

#: One distinct number per format, so each can be looked for on its own.
CARDS = {
    "dots": "4101.5201.6301.0001",
    "slashes": "4102/5202/6302/0002",
    "underscores": "4103_5203_6303_0003",
    "nbsp": "4104\u00a05204\u202f6304\u20070004",
    "double spaces": "4105  5205  6305  0005",
    "spaced dashes": "4106 - 5206 - 6306 - 0006",
    "en and em dashes": "4107\u20135207\u20146307\uff0d0007",
    "full width": "４１０８　５２０８　６３０８　０００８",
    "plain": "4109520963090009",
    "phone": "+86 138 5210 0010",
}


def _digits(text: str) -> str:
    return "".join(str(int(ch)) for ch in text if ch.isdecimal())


def _full_numbers_in(text: str) -> list[str]:
    """The formats whose number shows whole in ``text`` (its digits in a row, separators aside)."""
    found = []
    digits = _digits(text)
    for name, card in CARDS.items():
        number = _digits(card)
        if card in text or number[:-4] in digits or number in digits:
            found.append(name)
    return found


def _dump(db: Path) -> dict[str, str]:
    """Every table of the SQLite file as text."""
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: "\n".join(repr(row) for row in conn.execute(f'SELECT * FROM "{t}"')) for t in tables}


def test_card_numbers_in_every_format_are_never_written_whole(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    config = make_config(tmp_path, checkpoint_every=50)
    notes = [f"{name}: {card}" for name, card in CARDS.items()]

    async def scenario(gw: GatewayThread) -> None:
        sup = await WireClient.open(gw.url, Role.QUALITY)
        wall = await WireClient.open(gw.url, Role.VIEWER)
        await sup.ready()
        await sup.until(
            lambda c: any(x.state is CallState.TALKING for x in c.state.calls.values()), 30, "a call talking"
        )
        call_id = min(x.id for x in sup.state.calls.values() if x.state is CallState.TALKING)
        made = await sup.command(
            "call.flag",
            {
                "call_id": call_id,
                "category": "data_protection",
                "severity": "high",
                "note": " | ".join(notes),
            },
        )
        assert made["ok"] is True, made
        flag_id = made["result"]["flag_id"]
        for note in notes:  # each format on its own too, as an update's note
            updated = await sup.command("flag.update", {"flag_id": flag_id, "note": note})
            assert updated["ok"] is True, updated
        await sup.until(lambda c: len(c.state.flags[flag_id].notes) >= len(notes), 20, "the notes")
        shown = sup.state.flags[flag_id]
        assert _full_numbers_in(shown.note) == [] and shown.note.endswith("0010")
        assert all(_full_numbers_in(n.text) == [] for n in shown.notes)
        # Refused, and audited: forbidden, unknown call, bad arguments, unknown action, a free reason.
        refused = [
            await wall.command(
                "call.flag", {"call_id": call_id, "category": "x", "severity": "y", "note": notes[0]}
            ),
            await sup.command("call.flag", {"call_id": CARDS["dots"], "category": "x", "severity": "y"}),
            await sup.command("flag.update", {"flag_id": flag_id, "note": "x", "remark": CARDS["slashes"]}),
            await sup.command(f"card.{CARDS['plain']}", {"card": CARDS["nbsp"]}),
            await sup.command(
                "agent.set_state", {"agent_id": "nobody", "state": "not_ready", "reason": CARDS["full width"]}
            ),
            await wall.command("calls.query", {"text": CARDS["double spaces"]}),
        ]
        assert all(ack["ok"] is False for ack in refused), refused
        for c in (sup, wall):
            await c.close()

    with GatewayThread(config) as gw:
        asyncio.run(scenario(gw))
        gw.call(gw.gateway.sequencer.checkpoint_at_head)
    # After the stop: every commit is in the file (the WAL is checkpointed into it on close).
    tables = _dump(tmp_path / "gateway.db")
    for name in ("events", "audit", "flags", "flag_history", "checkpoints"):
        assert tables.get(name), f"table {name} is empty or missing"
    assert "unknown_action" in tables["audit"] and "forbidden" in tables["audit"]  # refusals are audited
    leaks = {t: _full_numbers_in(text) for t, text in tables.items() if _full_numbers_in(text)}
    assert leaks == {}
    # The gateway's log (the test's own websocket clients log what they send: not the gateway's).
    records = [r for r in caplog.records if not r.name.startswith("websockets.client")]
    assert any(r.name == "websockets.server" and "TEXT" in r.getMessage() for r in records)  # frames
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logged = "\n".join(handler.format(r) for r in records)
    assert "refused" in logged  # the refusals are logged, masked
    assert _full_numbers_in(logged) == []


# -- the redaction module, headless -----------------------------------------------------------------


def test_recorded_args_mask_free_text_and_keep_ids_and_codes() -> None:
    args = {
        "call_id": "1712345678.123",
        "case_ids": ["K0001942"],
        "expected_versions": {"K0001942": 3},
        "category": "data_protection",
        "note": "card 4111.1111.1111.1111",
        "reason": "4111/1111/1111/1111",
        "extra": {"deep": ["4111_1111_1111_1111"]},
    }
    kept = recorded_args(args)
    assert kept["call_id"] == "1712345678.123" and kept["case_ids"] == ["K0001942"]
    assert kept["expected_versions"] == {"K0001942": 3} and kept["category"] == "data_protection"
    assert kept["note"] == "card ****.****.****.1111" and kept["reason"] == "****/****/****/1111"
    assert kept["extra"] == {"deep": ["****_****_****_1111"]}


def test_a_refused_record_is_masked_whole_its_message_too() -> None:
    record = AuditRecord(
        at="2026-03-02T09:30:00.000Z",
        user="sup1",
        role="supervisor",
        command_id="c1",
        action="call.flag",
        args={"call_id": "4111 1111 1111 1111", "4111-1111-1111-1112": 1},
        ok=False,
        error_code="not_found",
        error_message="no call '4111 1111 1111 1111'",
    )
    masked = audited(record)
    assert masked.args == {"call_id": "**** **** **** 1111", "****-****-****-1112": 1}
    assert masked.error_message == "no call '**** **** **** 1111'"
    assert masked.command_id == "c1"


def test_published_events_free_text_is_masked() -> None:
    queued = CallQueued(call_id="c1", queue_id="q", priority=1, caller="4111.1111.1111.1111")
    mask_published(queued)
    assert queued.caller == "****.****.****.1111"
    case = Case(
        id="K1",
        queue_id="q",
        subject="card 4111/1111/1111/1111 lost",
        priority="high",
        status=CaseStatus.INTAKE,
        agent_id=None,
        created_at="2026-03-02T09:30:00.000Z",
        first_response_due="2026-03-02T10:30:00.000Z",
        resolution_due="2026-03-03T09:30:00.000Z",
        customer="6222_0200_1234_5678",
    )
    created = CaseCreated(case=case)
    mask_published(created)
    assert created.case.subject == "card ****/****/****/1111 lost"
    assert created.case.customer == "****_****_****_5678"
    updated = CaseUpdated(case_id="K1", changes={"subject": "4111 - 1111 - 1111 - 1111"}, version=2)
    mask_published(updated)
    assert updated.changes["subject"] == "**** - **** - **** - 1111"
    state = AgentStateChanged(agent_id="a1", state=AgentState.NOT_READY, reason="call 13812345678")
    mask_published(state)
    assert state.reason == "call *******5678"


def test_the_log_filter_masks_string_arguments_and_exceptions_not_numbers() -> None:
    record = logging.LogRecord(
        "console.gateway",
        logging.INFO,
        __file__,
        1,
        "%s refused: %s at seq %d",
        ("sup1", "card 4111.1111.1111.1111", 12345678),
        None,
    )
    try:
        raise KeyError("4111 1111 1111 1111")
    except KeyError:
        record.exc_info = sys.exc_info()
    assert MaskingFilter().filter(record)
    assert record.getMessage() == "sup1 refused: card ****.****.****.1111 at seq 12345678"
    assert record.exc_text is not None and "**** **** **** 1111" in record.exc_text
    assert "4111 1111" not in logging.Formatter().format(record)
