"""Data by role without a gateway: each view of events, snapshots and acks (role_views.py)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from console.domain.clock import iso
from console.domain.entities import Agent, AgentState, Case, CaseStatus, Centre, Flag
from console.domain.events import (
    ActionApplied,
    AgentAdded,
    AgentPending,
    AgentStateChanged,
    CallAnswered,
    CallQueued,
    CallRinging,
    CaseCreated,
    CaseUpdated,
    CentreConfigured,
    FlagCreated,
    FlagUpdated,
    QueueConfigured,
    RawEvent,
    make_event,
    type_payload,
)
from console.domain.permissions import Role
from console.domain.state import FloorState
from console.feeds import protocol
from console.feeds.gateway.role_views import (
    POLICIES,
    View,
    copied_cases,
    view_ack,
    view_event,
    view_events,
    view_of,
    view_snapshot,
)
from console.feeds.protocol import Ack, AckError

T0 = 1_772_440_200_000  # 2026-03-02T08:30:00Z
SUBJECT = "Disputed card charge, Mr Wang"
CUSTOMER = "138****5678"
NOTE = "no fee disclosure"
REVIEW = "coaching booked"


def flag() -> Flag:
    return Flag(
        id="F-000001",
        call_id="K1",
        queue_id="cards",
        agent_id="A1",
        team="T1",
        caller="139****0001",
        call_started_at=iso(T0),
        category="compliance",  # type: ignore[arg-type]
        severity="high",  # type: ignore[arg-type]
        note=NOTE,
        moment_s=12.0,
        flagged_by="sup1",
        flagged_at=iso(T0 + 60_000),
    )


def case(**over: Any) -> Case:
    fields: dict[str, Any] = {
        "id": "CS-1",
        "queue_id": "cards",
        "subject": SUBJECT,
        "priority": "P2",
        "status": CaseStatus.TRIAGE,
        "agent_id": "A1",
        "created_at": iso(T0),
        "first_response_due": iso(T0 + 3_600_000),
        "resolution_due": iso(T0 + 86_400_000),
        "customer": CUSTOMER,
    }
    fields.update(over)
    return Case(**fields)


PAYLOADS: list[Any] = [
    CentreConfigured(centre=Centre(name="Bank", day_started_at=iso(T0 - 3_600_000))),
    QueueConfigured(queue_id="cards", name="Cards", sl_threshold_s=20, sl_target_pct=80),
    AgentAdded(agent=Agent(id="A1", name="Ann", team="T1", skills=["cards"])),
    AgentAdded(agent=Agent(id="A2", name="Bo", team="T1", skills=["cards"])),
    AgentStateChanged(agent_id="A1", state=AgentState.AVAILABLE),
    AgentStateChanged(agent_id="A2", state=AgentState.NOT_READY, reason="doctor, back at 3"),
    CallQueued(call_id="K1", queue_id="cards", priority=5, caller="139****0001"),
    CallRinging(call_id="K1", agent_id="A1"),
    CallAnswered(call_id="K1", agent_id="A1"),
    AgentStateChanged(agent_id="A1", state=AgentState.ON_CALL),
    AgentPending(agent_id="A1", state=AgentState.NOT_READY, reason="personal: dentist"),
    CaseCreated(case=case()),
    CaseUpdated(case_id="CS-1", changes={"subject": SUBJECT + " (2)", "customer": "137****1111"}, version=2),
    FlagCreated(flag=flag()),
    ActionApplied(
        command_id="c1",
        user="sup1",
        role="supervisor",
        action="call.flag",
        args={"call_id": "K1", "category": "compliance", "severity": "high", "note": NOTE},
        result={"flag_id": "F-000001"},
    ),
    FlagUpdated(
        flag_id="F-000001",
        changes={"status": "in_review", "reviewer": "qa1"},
        version=2,
        by="qa1",
        note=REVIEW,
    ),
    ActionApplied(
        command_id="c2",
        user="qa1",
        role="quality",
        action="flag.update",
        args={"flag_id": "F-000001", "status": "in_review", "note": REVIEW},
        result={"flag_id": "F-000001", "version": 2},
        before={"status": "open"},
    ),
    CaseUpdated(case_id="CS-1", changes={"agent_id": "A2"}, version=3),
    ActionApplied(
        command_id="c3",
        user="mgr1",
        role="manager",
        action="case.reassign",
        args={"case_ids": ["CS-1"], "agent_id": "A2", "expected_versions": {"CS-1": 2}},
        result={"agent_id": "A2", "moved": 1, "unchanged": 0},
        before={"cases": {"CS-1": {"agent_id": "A1", "version": 2}}},
    ),
]


def encoded() -> list[bytes]:
    return [protocol.encode_event(make_event(i + 1, iso(T0 + i * 1000), p)) for i, p in enumerate(PAYLOADS)]


def fold(raws: list[bytes], state: FloorState | None = None) -> FloorState:
    state = state or FloorState()
    for raw in raws:
        state.apply(type_payload(msgspec.json.decode(raw, type=RawEvent)))
    return state


def test_the_full_view_passes_the_very_same_list_and_bytes() -> None:
    raws = encoded()
    assert view_events(raws, View.FULL) is raws
    snap = fold(raws).to_snapshot()
    assert view_snapshot(snap, View.FULL) is snap


def test_views_given_the_types_are_the_views_read_from_the_bytes() -> None:
    """The gateway passes each event's type along (``view_events(..., types)``): same result."""
    raws = encoded()
    types = [msgspec.json.decode(raw)["type"] for raw in raws]
    for view in View:
        assert view_events(raws, view, types) == view_events(raws, view), view
    # A type no policy knows yet is withheld all the same.
    odd = [b'{"seq":1,"at":"2026-01-01T00:00:00.000Z","type":"new.kind","data":{"secret":"x"}}']
    for view in View:
        assert view_events(odd, view, ["new.kind"]) == view_events(odd, view), view


def test_events_a_view_does_not_change_are_the_same_bytes() -> None:
    raws = encoded()
    for view in View:
        seen = view_events(raws, view)
        assert len(seen) == len(raws)
        for raw, out in zip(raws, seen, strict=True):
            event = msgspec.json.decode(raw)
            if event["type"] in ("call.ringing", "call.answered", "queue.configured", "centre.configured"):
                assert out is raw, (view, event["type"])


def test_the_figures_view_has_no_content_at_all() -> None:
    text = b"".join(view_events(encoded(), View.FIGURES)).decode()
    for needle in (
        SUBJECT,
        CUSTOMER,
        "137****1111",
        "139****0001",
        NOTE,
        REVIEW,
        "doctor",
        "dentist",
        "case_ids",
    ):
        assert needle not in text, needle
    assert '"reviewer":"' not in text and '"flagged_by":""' in text and '"by":""' in text


def test_supervisors_get_the_flags_with_their_notes_but_no_case_customers() -> None:
    text = b"".join(view_events(encoded(), View.SUPERVISOR)).decode()
    assert NOTE in text and REVIEW in text and SUBJECT in text and "139****0001" in text and "doctor" in text
    assert CUSTOMER not in text and "137****1111" not in text
    assert '"reviewer":"qa1"' in text and '"case_ids"' in text


def test_quality_gets_every_note_and_no_case_content() -> None:
    text = b"".join(view_events(encoded(), View.QUALITY)).decode()
    assert NOTE in text and REVIEW in text and "139****0001" in text
    assert SUBJECT not in text and CUSTOMER not in text and "137****1111" not in text


def test_managers_get_case_subjects_and_customers() -> None:
    text = b"".join(view_events(encoded(), View.MANAGER)).decode()
    assert SUBJECT in text and CUSTOMER in text and "137****1111" in text and REVIEW in text


@pytest.mark.parametrize("view", list(View))
@pytest.mark.parametrize("cut", [0, 5, 12, 14, 16, len(PAYLOADS)])
def test_a_views_snapshot_plus_its_events_is_its_later_snapshot(view: View, cut: int) -> None:
    """The reducer is the same for every role, so views commute with it at any point."""
    raws = encoded()
    full_then = fold(raws[:cut])
    in_view = FloorState()
    in_view.load_snapshot(
        msgspec.json.decode(
            protocol.encode(view_snapshot(full_then.to_snapshot(), view)),
            type=type(full_then.to_snapshot()),
        )
    )
    fold(view_events(raws[cut:], view), in_view)
    expected = view_snapshot(fold(raws).to_snapshot(), view)
    assert protocol.encode(in_view.to_snapshot()) == protocol.encode(expected)


@pytest.mark.parametrize("view", list(View))
@pytest.mark.parametrize("size", [1, 2, 100])
def test_a_snapshot_encoded_in_slices_of_copied_cases_is_the_snapshot(view: View, size: int) -> None:
    """What the gateway does for a large floor: everything but the cases encoded at once, the
    cases copied in the view and encoded a slice at a time, while the live ones change."""
    state = fold(encoded())
    for i in range(7):
        state.cases[f"CS-{i + 10}"] = case(id=f"CS-{i + 10}", customer="" if i % 2 else CUSTOMER)
    live = state.to_snapshot()
    expected = protocol.encode(view_snapshot(live, view))
    cases = copied_cases(live.cases, view)
    head, tail = protocol.snapshot_frame_parts(view_snapshot(msgspec.structs.replace(live, cases=[]), view))
    for c in state.cases.values():  # the reducer sets fields in place: the copies keep theirs
        c.subject, c.agent_id, c.version = "changed", "A9", 99
    parts = [protocol.encode_list_items(cases[i : i + size]) for i in range(0, len(cases), size)]
    assert head + b",".join(parts) + tail == expected
    empty = msgspec.structs.replace(live, cases=[])
    head, tail = protocol.snapshot_frame_parts(empty)
    assert head + tail == protocol.encode(empty)


def test_every_role_has_a_view_and_viewers_get_figures() -> None:
    assert {view_of(r) for r in Role} <= set(POLICIES)
    assert view_of(Role.VIEWER) is View.FIGURES and view_of(Role.ADMIN) is View.FULL
    assert not any(vars(POLICIES[View.FIGURES]).values())
    assert POLICIES[View.FULL].full


def test_acks_of_a_figures_view_carry_no_details_or_result() -> None:
    details = {"cases": [{"case_id": "CS-1", "reason": "not_found"}]}
    refused = Ack(id="x", ok=False, error=AckError(code="conflict", message="1 of 1", details=details))
    assert view_ack(refused, View.FIGURES).error == AckError(code="conflict", message="1 of 1")
    assert view_ack(refused, View.MANAGER) is refused
    ok = Ack(id="y", ok=True, result={"calls": [{"id": "K1", "caller": "139****0001"}]})
    assert view_ack(ok, View.FIGURES).result is None
    assert view_ack(ok, View.QUALITY) is ok


def test_an_unknown_event_type_reaches_a_partial_view_with_no_data() -> None:
    raw = b'{"seq":9,"at":"2026-03-02T08:30:00.000Z","type":"x.new","data":{"note":"secret"}}'
    assert view_event(raw, View.FULL) is raw and view_event(raw, View.MANAGER) is raw
    for view in (View.FIGURES, View.SUPERVISOR, View.QUALITY):
        assert msgspec.json.decode(view_event(raw, view)) == {
            "seq": 9,
            "at": "2026-03-02T08:30:00.000Z",
            "type": "x.new",
            "data": {},
        }
