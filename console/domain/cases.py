"""The cases view's rules: which open cases a filter lets through, what a search finds, how a column sorts.

Pure Python (no Qt), as the review queue's are in ``console.domain.flags``: the
console's cases model (``console.widgets.work.cases_panel``) keeps the
model/view work and asks these rules, and the tests hold the rules on their own.

Built for a large floor (50,000 open cases and more): a case is read once into
a :class:`CaseEntry` (its urgency and its search text computed then, not per
comparison), and :func:`case_sort_key` chooses the key function once per
sort, not once per case.

Deadlines follow ``console.domain.assignment``: a case is breached when its
earliest deadline that still matters (:func:`~console.domain.assignment.next_due_ms`)
has passed, at risk when that deadline falls within the window; the edges are
those of :func:`~console.domain.assignment.deadline_level`, which words the
case's alert. Times are on the feed clock, in epoch milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from console.domain.assignment import first_response_due_ms, next_due_ms, resolution_due_ms
from console.domain.clock import to_ms
from console.domain.entities import Case, CaseStatus

#: Sorts after every real time (a first-response deadline that no longer matters).
_NEVER = 1 << 62
#: The statuses in the order a case moves through them; an unknown status sorts last.
_STATUS_RANK = {s.value: i for i, s in enumerate(CaseStatus)}


class DeadlineFilter(StrEnum):
    ANY = "any"
    BREACHED = "breached"
    AT_RISK = "at_risk"  # due within the window, not yet breached
    BREACHED_OR_AT_RISK = "breached_or_at_risk"


def fold_search(text: str) -> str:
    """A search text as it is matched: trimmed, case-folded."""
    return text.strip().casefold()


def search_text(case: Case, agent_name: str) -> str:
    """What a search looks in: the case id, customer, subject, the assignee's name and id (case-folded)."""
    return f"{case.id}\n{case.customer}\n{case.subject}\n{agent_name}\n{case.agent_id or ''}".casefold()


class CaseEntry:
    """One open case as the rules read it: what filtering and sorting look at, computed once.

    ``case`` is the reducer's object (updated in place); the other fields are
    read from it when the entry is made, so a case that changed needs a new
    entry. ``seq`` is the order the cases arrived in (the unsorted order).
    """

    __slots__ = ("agent_id", "case", "due", "folded", "queue_id", "seq", "status")

    def __init__(self, case: Case, seq: int, agent_name: str) -> None:
        self.case = case
        self.seq = seq
        self.queue_id = case.queue_id
        self.status = str(case.status)
        self.agent_id = case.agent_id
        self.due = next_due_ms(case)
        self.folded = search_text(case, agent_name)


@dataclass(frozen=True)
class CaseFilter:
    """What the cases view shows; None (or False, or ANY, or "") lets every case through on that count."""

    queue_id: str | None = None
    status: str | None = None
    assignee: str | None = None  # an agent id
    unassigned: bool = False
    deadline: DeadlineFilter = DeadlineFilter.ANY
    text: str = ""  # matched case-folded (see folded()) in id, customer, subject, assignee name or id

    def folded(self) -> CaseFilter:
        """This filter with its search text as it is matched (``matches`` expects it so)."""
        return replace(self, text=fold_search(self.text))

    @property
    def follows_clock(self) -> bool:
        """Whether cases come and go as the clock runs, not only as they change (a deadline filter)."""
        return self.deadline is not DeadlineFilter.ANY

    def matches(self, entry: CaseEntry, now_ms: int | None, at_risk_ms: int) -> bool:
        """Whether the case passes, at ``now_ms`` with an at-risk window of ``at_risk_ms``.

        Before the feed clock is known (``now_ms`` None) no case is breached or at risk.
        The text is looked for as given: fold it first (``folded``).
        """
        if self.queue_id is not None and entry.queue_id != self.queue_id:
            return False
        if self.status is not None and entry.status != self.status:
            return False
        if self.unassigned and entry.agent_id is not None:
            return False
        if self.assignee is not None and entry.agent_id != self.assignee:
            return False
        if self.text and self.text not in entry.folded:
            return False
        if self.deadline is DeadlineFilter.ANY:
            return True
        if now_ms is None:
            return False
        # Plain comparisons rather than deadline_level (same edges): run for every open case each
        # second while a deadline filter is on.
        if self.deadline is DeadlineFilter.BREACHED:
            return entry.due <= now_ms
        if self.deadline is DeadlineFilter.AT_RISK:
            return now_ms < entry.due <= now_ms + at_risk_ms
        return entry.due <= now_ms + at_risk_ms


class CaseSort(StrEnum):
    """What the cases can be sorted by (ascending; a view reads the order backwards for descending)."""

    ARRIVAL = "arrival"  # the order the cases arrived in
    ID = "id"
    NEXT_DUE = "next_due"  # urgency: the earliest deadline that still matters
    FIRST_RESPONSE_DUE = "first_response_due"  # answered cases last
    RESOLUTION_DUE = "resolution_due"
    AGE = "age"  # youngest first
    ASSIGNEE = "assignee"  # unassigned first, then by name
    QUEUE = "queue"  # by name
    PRIORITY = "priority"
    STATUS = "status"  # in the order a case moves through them
    CUSTOMER = "customer"


SortKey = Callable[[CaseEntry], tuple[Any, ...]]


def case_sort_key(by: CaseSort, agent_names: Mapping[str, str], queue_names: Mapping[str, str]) -> SortKey:
    """The key that sorts entries by ``by``: ``(primary, case id)``, so no two cases tie.

    The keys of time columns are the deadlines themselves (and the creation
    time), which do not move as the clock ticks: a tick never reorders cases.
    Names are looked up in ``agent_names`` and ``queue_names`` (by id) when the
    key is computed, so a view takes new keys when the names change.
    """
    if by is CaseSort.ID:
        return lambda e: (0, e.case.id)
    if by is CaseSort.NEXT_DUE:
        return lambda e: (e.due, e.case.id)
    if by is CaseSort.FIRST_RESPONSE_DUE:

        def first_response(e: CaseEntry) -> tuple[Any, ...]:
            first = first_response_due_ms(e.case)
            return (_NEVER if first is None else first, e.case.id)

        return first_response
    if by is CaseSort.RESOLUTION_DUE:
        return lambda e: (resolution_due_ms(e.case), e.case.id)
    if by is CaseSort.AGE:
        return lambda e: (-to_ms(e.case.created_at), e.case.id)
    if by is CaseSort.ASSIGNEE:

        def assignee(e: CaseEntry) -> tuple[Any, ...]:
            if not e.agent_id:
                return ((0, "", ""), e.case.id)
            return ((1, agent_names.get(e.agent_id, "").casefold(), e.agent_id), e.case.id)

        return assignee
    if by is CaseSort.QUEUE:
        return lambda e: (queue_names.get(e.queue_id, e.queue_id).casefold(), e.case.id)
    if by is CaseSort.PRIORITY:
        return lambda e: (e.case.priority, e.case.id)
    if by is CaseSort.STATUS:
        return lambda e: (_STATUS_RANK.get(e.status, len(_STATUS_RANK)), e.case.id)
    if by is CaseSort.CUSTOMER:
        return lambda e: (e.case.customer, e.case.id)
    return lambda e: (e.seq, e.case.id)
