"""The incremental breach index (``BreachIndex``) against the full computation, without Qt.

Random floors and random event sequences (hypothesis): after every batch, and
after every clock step, the index lists exactly what ``current_breaches`` lists,
in the same order, counts what ``breaches_today`` counts, and the row
operations it reported, replayed on a plain list, give the same rows.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.domain.breaches import BreachKind, DeadlineList
from console.domain.clock import iso
from console.domain.entities import Case, CaseStatus
from console.domain.events import CaseCreated
from tests.helpers.random_floor import HOUR, RandomFloor, Rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), warn_s=st.sampled_from([0.0, 60.0, 3600.0]))
def test_the_index_lists_what_a_full_recompute_lists(data: st.DataObject, warn_s: float) -> None:
    floor = RandomFloor(warn_s)
    for _ in range(data.draw(st.integers(5, 60))):
        for _ in range(data.draw(st.integers(1, 4))):  # a batch of events, then one refresh
            floor.step(data)
        floor.refresh()
        if data.draw(st.booleans()):
            floor.tick(data.draw(st.sampled_from([1000, 30_000, 20 * 60_000])))
        if data.draw(st.integers(0, 15)) == 0:  # the supervisor changes the warning window
            floor.warn_s = data.draw(st.sampled_from([0.0, 120.0, 3600.0, 4 * 3600.0]))
            floor.index.set_warn_within(floor.warn_s)
            floor.check()


def test_a_day_of_ticks_moves_rows_up_with_one_operation_per_tick() -> None:
    floor = RandomFloor(3600.0)
    for i in range(40):
        floor.cases += 1
        due = iso(floor.now + (i - 10) * 5 * 60_000)
        floor.send(
            CaseCreated(
                case=Case(
                    id=f"C{i:02d}",
                    queue_id="q1",
                    subject="s",
                    priority="P2",
                    status=CaseStatus.TRIAGE,
                    agent_id=None,
                    created_at=iso(floor.now),
                    first_response_due=due,
                    resolution_due=iso(floor.now + 48 * HOUR),
                )
            )
        )
    floor.refresh()
    rows = floor.cases_rows
    assert len(rows.keys) == 11 + 12  # 11 due by now (one of them now), then 12 within the hour
    assert floor.index.cases.breached == 11
    before = rows.ops
    for _ in range(30):
        floor.tick(60_000)
    # Each minute at most one deadline passes (a crossing) and at most one comes within the hour.
    assert rows.ops - before <= 2 * 30
    assert floor.index.cases.breached == 11 + 6


def test_stale_heap_entries_are_never_listed_twice() -> None:
    rows = Rows()
    lst = DeadlineList(0, rows)
    lst.advance(0)
    lst.set(BreachKind.RESOLUTION, "x", 100)
    lst.set(BreachKind.RESOLUTION, "x", 50)
    lst.set(BreachKind.RESOLUTION, "x", 100)  # back to a deadline the heap already holds
    lst.advance(200)
    assert rows.keys == [(BreachKind.RESOLUTION, "x")] == lst.keys()
    assert lst.take_new_breaches() == [(BreachKind.RESOLUTION, "x", 100)]
    lst.set(BreachKind.RESOLUTION, "x", None)
    assert rows.keys == [] and lst.breached == 0
