"""The cases view's rules without Qt: filters on each side of their edges, search, and each sort order.

The view that asks them (50,000 rows, selections kept while rows move) is in
tests/widgets/test_work_views.py.
"""

from __future__ import annotations

import pytest

from console.domain.assignment import DeadlineLevel, deadline_level
from console.domain.cases import (
    CaseEntry,
    CaseFilter,
    CaseSort,
    DeadlineFilter,
    case_sort_key,
    fold_search,
)
from console.domain.clock import iso, to_ms
from console.domain.entities import Case, CaseStatus

NOW = to_ms("2026-03-02T09:30:00.000Z")
MIN = 60_000
HOUR = 60 * MIN
AT_RISK = HOUR  # the window the rules are given, in ms

AGENTS = {"A1": "Zoe Park", "A2": "ann Lee", "A3": "Bo Chen"}
QUEUES = {"loans": "Loans", "cards": "cards and payments", "fraud": "Fraud"}


def case(
    case_id: str,
    *,
    queue_id: str = "loans",
    status: CaseStatus = CaseStatus.TRIAGE,
    agent_id: str | None = None,
    created: int = NOW - HOUR,
    first_due: int = NOW + 10 * HOUR,
    resolution_due: int = NOW + 48 * HOUR,
    answered: bool = False,
    priority: str = "P2",
    customer: str = "138****0000",
    subject: str = "Card blocked",
) -> Case:
    return Case(
        id=case_id,
        queue_id=queue_id,
        subject=subject,
        priority=priority,
        status=status,
        agent_id=agent_id,
        created_at=iso(created),
        first_response_due=iso(first_due),
        resolution_due=iso(resolution_due),
        customer=customer,
        first_response_at=iso(created + MIN) if answered else None,
    )


def entry(c: Case, seq: int = 0) -> CaseEntry:
    return CaseEntry(c, seq, AGENTS.get(c.agent_id or "", ""))


def due_in(ms: int) -> CaseEntry:
    """A case whose earliest deadline that still matters falls ``ms`` from NOW."""
    return entry(case("CS-1", first_due=NOW + ms))


def passes(flt: CaseFilter, e: CaseEntry, now: int | None = NOW) -> bool:
    return flt.folded().matches(e, now, AT_RISK)


# -- deadlines --------------------------------------------------------------------------------------

BREACHED = CaseFilter(deadline=DeadlineFilter.BREACHED)
AT_RISK_ONLY = CaseFilter(deadline=DeadlineFilter.AT_RISK)
EITHER = CaseFilter(deadline=DeadlineFilter.BREACHED_OR_AT_RISK)


@pytest.mark.parametrize(
    ("offset", "breached", "at_risk"),
    [
        (-48 * HOUR, True, False),
        (-1, True, False),
        (0, True, False),  # due now: breached, no longer at risk
        (1, False, True),
        (AT_RISK - 1, False, True),
        (AT_RISK, False, True),  # the window's far edge is in it
        (AT_RISK + 1, False, False),
        (30 * 24 * HOUR, False, False),
    ],
)
def test_deadline_filters_on_each_side_of_their_edges(offset: int, breached: bool, at_risk: bool) -> None:
    e = due_in(offset)
    assert passes(BREACHED, e) is breached
    assert passes(AT_RISK_ONLY, e) is at_risk
    assert passes(EITHER, e) is (breached or at_risk)
    assert passes(CaseFilter(), e)
    # The same edges as the alert column's words (deadline_level).
    level = deadline_level(e.due, NOW, AT_RISK / 1000)
    assert (level is DeadlineLevel.BREACHED, level is DeadlineLevel.AT_RISK) == (breached, at_risk)


def test_the_deadline_that_counts_is_the_earliest_that_still_matters() -> None:
    # The first response is due first, but the customer was answered: the resolution deadline counts.
    answered = entry(case("CS-1", first_due=NOW - HOUR, resolution_due=NOW + 2 * HOUR, answered=True))
    assert answered.due == NOW + 2 * HOUR
    assert not passes(BREACHED, answered) and not passes(EITHER, answered)
    waiting = entry(case("CS-2", first_due=NOW - HOUR, resolution_due=NOW + 2 * HOUR))
    assert waiting.due == NOW - HOUR and passes(BREACHED, waiting)
    late = entry(case("CS-3", first_due=NOW + 5 * HOUR, resolution_due=NOW + 30 * MIN))
    assert late.due == NOW + 30 * MIN and passes(AT_RISK_ONLY, late)


def test_a_wider_window_puts_more_at_risk_and_a_deadline_filter_follows_the_clock() -> None:
    e = due_in(2 * HOUR)
    assert not AT_RISK_ONLY.matches(e, NOW, HOUR) and AT_RISK_ONLY.matches(e, NOW, 2 * HOUR)
    # The clock runs on: at risk, then breached.
    assert not AT_RISK_ONLY.matches(e, NOW, AT_RISK)
    assert AT_RISK_ONLY.matches(e, NOW + HOUR, AT_RISK)
    assert not BREACHED.matches(e, NOW + 2 * HOUR - 1, AT_RISK) and BREACHED.matches(
        e, NOW + 2 * HOUR, AT_RISK
    )
    assert BREACHED.follows_clock and AT_RISK_ONLY.follows_clock and EITHER.follows_clock
    assert not CaseFilter(queue_id="loans", text="x").follows_clock


def test_before_the_clock_is_known_no_case_is_breached_or_at_risk() -> None:
    e = due_in(-HOUR)
    assert passes(CaseFilter(), e, now=None)
    for flt in (BREACHED, AT_RISK_ONLY, EITHER):
        assert not passes(flt, e, now=None)


# -- the other filters and the search ---------------------------------------------------------------


def test_queue_status_and_assignee_filters() -> None:
    mine = entry(case("CS-1", queue_id="cards", status=CaseStatus.REFERRED, agent_id="A1"))
    nobodys = entry(case("CS-2", queue_id="loans", status=CaseStatus.TRIAGE))
    assert passes(CaseFilter(queue_id="cards"), mine) and not passes(CaseFilter(queue_id="cards"), nobodys)
    assert passes(CaseFilter(status="referred"), mine) and not passes(CaseFilter(status="triage"), mine)
    assert passes(CaseFilter(assignee="A1"), mine) and not passes(CaseFilter(assignee="A2"), mine)
    assert not passes(CaseFilter(assignee="A1"), nobodys)
    assert passes(CaseFilter(unassigned=True), nobodys) and not passes(CaseFilter(unassigned=True), mine)
    # Every condition must hold.
    assert passes(CaseFilter(queue_id="cards", status="referred", assignee="A1"), mine)
    assert not passes(CaseFilter(queue_id="cards", status="triage", assignee="A1"), mine)
    assert not passes(CaseFilter(queue_id="cards", assignee="A1", deadline=DeadlineFilter.BREACHED), mine)


def test_the_search_finds_id_customer_subject_and_assignee_whatever_the_case() -> None:
    c = case("CS-00042", agent_id="A2", customer="138****4321", subject="Loan Repayment query")
    e = entry(c)
    for text in ("cs-00042", "  CS-0004 ", "****4321", "repayment", "ANN LEE", "ann", "a2"):
        assert passes(CaseFilter(text=text), e), text
    for text in ("cs-00043", "zoe", "a1", "card blocked"):
        assert not passes(CaseFilter(text=text), e), text
    # Text that runs across two fields finds nothing.
    assert not passes(CaseFilter(text="4321 loan"), e)
    assert fold_search("  Straße ") == "strasse" and CaseFilter(text=" ÄB ").folded().text == "äb"
    assert passes(CaseFilter(text="STRASSE"), entry(case("CS-9", subject="Straße")))


# -- sorting ----------------------------------------------------------------------------------------


def order(by: CaseSort, entries: list[CaseEntry]) -> list[str]:
    key = case_sort_key(by, AGENTS, QUEUES)
    return [e.case.id for e in sorted(entries, key=key)]


def test_each_sort_key_orders_the_cases() -> None:
    cases = [
        case(
            "CS-3",
            queue_id="fraud",
            status=CaseStatus.CALLBACK,
            agent_id="A1",
            created=NOW - 3 * HOUR,
            first_due=NOW + 3 * HOUR,
            resolution_due=NOW + 1 * HOUR,
            priority="P1",
            customer="138****0003",
        ),
        case(
            "CS-1",
            queue_id="cards",
            status=CaseStatus.INTAKE,
            agent_id=None,
            created=NOW - 1 * HOUR,
            first_due=NOW + 1 * HOUR,
            resolution_due=NOW + 3 * HOUR,
            priority="P3",
            customer="138****0002",
        ),
        case(
            "CS-2",
            queue_id="loans",
            status=CaseStatus.REFERRED,
            agent_id="A2",
            created=NOW - 2 * HOUR,
            first_due=NOW - 2 * HOUR,
            resolution_due=NOW + 2 * HOUR,
            answered=True,
            priority="P2",
            customer="138****0001",
        ),
    ]
    entries = [entry(c, seq) for seq, c in zip((2, 3, 1), cases, strict=True)]
    assert order(CaseSort.ARRIVAL, entries) == ["CS-2", "CS-3", "CS-1"]
    assert order(CaseSort.ID, entries) == ["CS-1", "CS-2", "CS-3"]
    # Urgency: CS-1's first response and CS-3's resolution (1 h each: by id), then CS-2's
    # resolution (2 h; its first response no longer counts: answered).
    assert order(CaseSort.NEXT_DUE, entries) == ["CS-1", "CS-3", "CS-2"]
    assert order(CaseSort.FIRST_RESPONSE_DUE, entries) == ["CS-1", "CS-3", "CS-2"]  # answered last
    assert order(CaseSort.RESOLUTION_DUE, entries) == ["CS-3", "CS-2", "CS-1"]
    assert order(CaseSort.AGE, entries) == ["CS-1", "CS-2", "CS-3"]  # youngest first
    # Unassigned first, then by name whatever the case of its letters: ann Lee, then Zoe Park.
    assert order(CaseSort.ASSIGNEE, entries) == ["CS-1", "CS-2", "CS-3"]
    # By queue name, not id, whatever the case: cards and payments, Fraud, Loans.
    assert order(CaseSort.QUEUE, entries) == ["CS-1", "CS-3", "CS-2"]
    assert order(CaseSort.PRIORITY, entries) == ["CS-3", "CS-2", "CS-1"]
    # In the order a case moves through: intake, referred, callback.
    assert order(CaseSort.STATUS, entries) == ["CS-1", "CS-2", "CS-3"]
    assert order(CaseSort.CUSTOMER, entries) == ["CS-2", "CS-1", "CS-3"]


def test_ties_fall_to_the_case_id_and_names_are_read_when_the_key_is_made() -> None:
    same = [entry(case(cid, agent_id="A3", queue_id="zz"), seq=1) for cid in ("CS-9", "CS-4", "CS-7")]
    for by in CaseSort:
        assert order(by, same) == ["CS-4", "CS-7", "CS-9"], by
    # An unknown queue sorts by its id; an agent not on the roster has no name: first of the assigned.
    a = entry(case("CS-1", queue_id="appeals", agent_id="A9"))
    b = entry(case("CS-2", queue_id="zz", agent_id="A3"))
    assert order(CaseSort.QUEUE, [b, a]) == ["CS-1", "CS-2"]
    assert order(CaseSort.ASSIGNEE, [b, a]) == ["CS-1", "CS-2"]
    renamed = case_sort_key(CaseSort.ASSIGNEE, {"A9": "Zed", "A3": "Bo Chen"}, QUEUES)
    assert [e.case.id for e in sorted([a, b], key=renamed)] == ["CS-2", "CS-1"]


def test_an_unknown_status_sorts_after_every_known_one() -> None:
    odd = entry(case("CS-1", status=CaseStatus.TRIAGE))
    odd.status = "escalated"  # a status this console does not know yet (a newer gateway)
    known = [entry(case(f"CS-{i + 2}", status=s)) for i, s in enumerate(CaseStatus)]
    assert order(CaseSort.STATUS, [odd, *known])[-1] == "CS-1"
