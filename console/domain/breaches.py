"""SLA breaches: calls waiting past their queue's threshold and cases near or past their deadlines.

All times are on the feed clock. A case's first-response deadline matters only
until it has been answered; the resolution deadline until it closes (time
waiting on the customer already pushed ``resolution_due`` back).

``current_breaches`` and ``breaches_today`` compute from scratch (every call,
every open case). ``BreachIndex`` keeps the same list and count up to date from
the floor's ``ChangeSet`` and the feed clock, at a cost that follows what
changed rather than the size of the floor: a 50,000-case floor is re-examined
only where a case changed, and a clock tick only moves the deadlines it passed.
Both order items the same way (``order_key``); tests hold the index to the full
computation.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

from console.domain.changes import ChangeSet
from console.domain.clock import Timestamp, to_ms
from console.domain.entities import Call, CallState, Case
from console.domain.state import FloorState


class BreachKind(StrEnum):
    CALL_WAIT = "call_wait"
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


@dataclass(frozen=True)
class Breach:
    kind: BreachKind
    ref_id: str  # call or case id
    queue_id: str
    due_ms: int  # when it breached, or will
    now_ms: int
    agent_id: str | None = None
    priority: str | None = None

    @property
    def overdue_s(self) -> float:
        """Seconds past the deadline; negative is the time left before it breaches."""
        return (self.now_ms - self.due_ms) / 1000.0

    @property
    def breached(self) -> bool:
        return self.now_ms >= self.due_ms


#: Ties on the deadline are broken by kind, then by id, so the order never depends on arrival.
_RANK: dict[BreachKind, int] = {
    BreachKind.CALL_WAIT: 0,
    BreachKind.FIRST_RESPONSE: 1,
    BreachKind.RESOLUTION: 2,
}
_KINDS = (BreachKind.CALL_WAIT, BreachKind.FIRST_RESPONSE, BreachKind.RESOLUTION)


def order_key(b: Breach) -> tuple[int, int, str]:
    """The listing order: breached items by this key descending, then those at risk ascending."""
    return (b.due_ms, _RANK[b.kind], b.ref_id)


def current_breaches(state: FloorState, now_ms: int, warn_within_s: float = 3600.0) -> list[Breach]:
    """Breached items, newest breach first, then those at risk, soonest first.

    Calls count once they wait longer than the queue's SL threshold; cases once a
    deadline is within ``warn_within_s`` or past. Equal deadlines are ordered by
    ``order_key`` (kind, then id).
    """
    out: list[Breach] = []
    for c in state.calls.values():
        q = state.queues.get(c.queue_id)
        if q is None or c.state is not CallState.WAITING:
            continue
        due = to_ms(c.entered_at) + round(q.sl_threshold_s * 1000)
        if due <= now_ms:
            out.append(Breach(BreachKind.CALL_WAIT, c.id, c.queue_id, due, now_ms, priority=str(c.priority)))
    horizon = now_ms + round(warn_within_s * 1000)
    for case in state.cases.values():
        if case.first_response_at is None:
            due = to_ms(case.first_response_due)
            if due <= horizon:
                out.append(
                    Breach(
                        BreachKind.FIRST_RESPONSE,
                        case.id,
                        case.queue_id,
                        due,
                        now_ms,
                        case.agent_id,
                        case.priority,
                    )
                )
        due = to_ms(case.resolution_due)
        if due <= horizon:
            out.append(
                Breach(
                    BreachKind.RESOLUTION, case.id, case.queue_id, due, now_ms, case.agent_id, case.priority
                )
            )
    breached = sorted((b for b in out if b.breached), key=order_key, reverse=True)
    at_risk = sorted((b for b in out if not b.breached), key=order_key)
    return breached + at_risk


def breaches_today(state: FloorState, now_ms: int) -> int:
    """Breaches since the business day started.

    Calls: answered after the threshold, abandoned (not short) after it, and
    waiting past it now. Cases: open cases whose deadline passed today. A case
    that breached and then closed today is no longer on the floor and is not
    counted here (the case history in the store has it).
    """
    day0 = to_ms(state.centre.day_started_at) if state.centre.day_started_at else now_ms
    count = 0
    for q in state.queues.values():
        f = q.today
        count += (f.answered - f.answered_within) + (f.abandoned - f.short_abandons - f.abandoned_within)
    count += sum(1 for b in current_breaches(state, now_ms, 0.0) if b.kind is BreachKind.CALL_WAIT)
    for case in state.cases.values():
        if case.first_response_at is None and day0 <= to_ms(case.first_response_due) <= now_ms:
            count += 1
        if day0 <= to_ms(case.resolution_due) <= now_ms:
            count += 1
    return count


# -- the incremental index ------------------------------------------------------------------------

#: A listed deadline: (due_ms, rank of its kind, call or case id). Sorting these sorts by order_key.
Entry = tuple[int, int, str]

#: A full resync that would move more rows than this one by one relists them in one go instead.
RELIST_OVER = 512

_ms = lru_cache(maxsize=8192)(to_ms)  # deadlines repeat (whole hours, a queue's SLA): parse once


class ListObserver(Protocol):
    """Told of every change to a ``DeadlineList``'s rows, in display order, just after it happened.

    A Qt model forwards them as row signals; rows are numbered as listed
    (breached first, newest breach first; then those at risk, soonest first).
    """

    def inserted(self, row: int, kind: BreachKind, ref_id: str) -> None: ...

    def removed(self, row: int) -> None: ...

    def crossed(self, first: int, count: int) -> None:
        """Rows ``first .. first+count-1`` (at risk, soonest first) passed their deadline.

        They are now rows ``count-1 .. 0`` (the newest breach first), and the
        ``first`` rows that were breached before them moved down by ``count``.
        """

    def changed(self, row: int) -> None:
        """What the row shows changed (not its deadline: that moves or removes it)."""

    def relisted(self, keys: list[tuple[BreachKind, str]]) -> None:
        """Everything was listed anew: these are the rows now."""


class DeadlineList:
    """Deadlines by (kind, id); those due by ``now + warn_ms`` listed in the panel's order.

    ``listed`` holds the listed entries in ascending ``order_key`` order; the
    first ``breached`` of them are due by ``now``. Display row ``r`` is
    ``listed[breached - 1 - r]`` for a breached one (newest breach first) and
    ``listed[r]`` for the rest (soonest first), so inserting, removing and the
    passing of a deadline are each one bisect and one list operation. Deadlines
    further ahead wait in a heap until the clock brings them within the window
    (stale heap entries, whose deadline has since moved, are skipped when popped).
    """

    def __init__(self, warn_ms: int = 0, observer: ListObserver | None = None) -> None:
        if warn_ms < 0:
            raise ValueError("warn_ms must not be negative")
        self.warn_ms = warn_ms
        self.observer = observer
        self.now: int | None = None
        self.listed: list[Entry] = []
        self.breached = 0
        self._due: dict[tuple[int, str], int] = {}  # (rank, id) -> due, for every deadline known
        self._counts = [0] * len(_KINDS)  # deadlines known, by rank
        self._later: list[Entry] = []  # heap of deadlines beyond the window (some stale)
        self._new: list[Entry] = []  # passed (or listed already passed) since take_new_breaches

    # -- reading -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.listed)

    def __contains__(self, key: tuple[BreachKind, str]) -> bool:
        return (_RANK[key[0]], key[1]) in self._due

    def known(self) -> list[tuple[int, str]]:
        """(rank, id) of every deadline known, listed or not."""
        return list(self._due)

    def count(self, kind: BreachKind) -> int:
        """How many deadlines of this kind are known, listed or not."""
        return self._counts[_RANK[kind]]

    def entry_at(self, row: int) -> Entry:
        """The entry shown at display ``row``."""
        return self.listed[self.breached - 1 - row] if row < self.breached else self.listed[row]

    def key_at(self, row: int) -> tuple[BreachKind, str]:
        _, rank, ref_id = self.entry_at(row)
        return _KINDS[rank], ref_id

    def row_of(self, kind: BreachKind, ref_id: str) -> int | None:
        """The display row of (kind, id), or None when it is not listed."""
        rank = _RANK[kind]
        due = self._due.get((rank, ref_id))
        if due is None:
            return None
        entry = (due, rank, ref_id)
        p = bisect_left(self.listed, entry)
        if p == len(self.listed) or self.listed[p] != entry:
            return None
        return self._row(p)

    def keys(self) -> list[tuple[BreachKind, str]]:
        """(kind, id) of every row, in display order."""
        return [self.key_at(r) for r in range(len(self.listed))]

    def breached_since(self, since_ms: int) -> int:
        """How many listed deadlines passed at or after ``since_ms`` (and by now)."""
        return self.breached - min(self.breached, bisect_left(self.listed, (since_ms,)))

    def take_new_breaches(self) -> list[tuple[BreachKind, str, int]]:
        """(kind, id, due) of the deadlines that passed, or were listed already passed, since the last call.

        Only those still listed as breached: one that came and went in between is left out.
        """
        new, self._new = self._new, []
        out = []
        for due, rank, ref_id in new:
            if self._due.get((rank, ref_id)) == due and self.now is not None and due <= self.now:
                out.append((_KINDS[rank], ref_id, due))
        return out

    # -- changing ----------------------------------------------------------------------

    def set(self, kind: BreachKind, ref_id: str, due: int | None) -> bool:
        """(kind, id) is due at ``due`` now (None: it has no such deadline); False if that is unchanged."""
        rank = _RANK[kind]
        key = (rank, ref_id)
        old = self._due.get(key)
        if old == due:
            return False
        if old is not None:
            del self._due[key]
            self._counts[rank] -= 1
            if self._in_window(old):
                self._remove((old, rank, ref_id))
        if due is not None:
            self._due[key] = due
            self._counts[rank] += 1
            if self._in_window(due):
                self._insert((due, rank, ref_id))
            else:
                heapq.heappush(self._later, (due, rank, ref_id))
                if len(self._later) > 2 * len(self._due) + 1024:
                    self._compact()
        return True

    def touch(self, kind: BreachKind, ref_id: str) -> None:
        """What (kind, id) shows changed; its row (if listed) is signalled."""
        if self.observer is not None:
            due = self._due.get((_RANK[kind], ref_id))
            if due is None or not self._in_window(due):
                return  # not listed (most cases' deadlines are days ahead): no bisect
            row = self.row_of(kind, ref_id)
            if row is not None:
                self.observer.changed(row)

    def replace(self, dues: dict[tuple[BreachKind, str], int], now: int | None) -> None:
        """Make the deadlines exactly ``dues`` at ``now``: row by row, or relisted if that is much."""
        self._replace({(_RANK[kind], ref_id): due for (kind, ref_id), due in dues.items()}, now)

    def _replace(self, new: dict[tuple[int, str], int], now: int | None) -> None:
        """``replace`` with (rank, id) keys."""
        if now is None or self.now is None or now < self.now:
            self._due = new
            self.relist(now)
            return
        gone = self._due.keys() - new.keys()
        moved = [(key, due) for key, due in new.items() if self._due.get(key) != due]
        if len(gone) + len(moved) > max(RELIST_OVER, len(self.listed) // 4):
            self._due = new
            self.relist(now)
            return
        for rank, ref_id in gone:
            self.set(_KINDS[rank], ref_id, None)
        for (rank, ref_id), due in moved:
            self.set(_KINDS[rank], ref_id, due)
        self.advance(now)

    def advance(self, now: int) -> None:
        """The feed clock is at ``now``: deadlines passed move up, those now within the window are listed."""
        if self.now is not None and now < self.now:
            self.relist(now)  # the clock went back (another gateway, another day): list anew
            return
        if now == self.now:
            return
        self.now = now
        passed = bisect_left(self.listed, (now + 1,))
        if passed > self.breached:
            first, count = self.breached, passed - self.breached
            self._new.extend(self.listed[first:passed])
            self.breached = passed
            if self.observer is not None:
                self.observer.crossed(first, count)
        horizon = now + self.warn_ms
        later = self._later
        while later and later[0][0] <= horizon:
            entry = heapq.heappop(later)
            due, rank, ref_id = entry
            if self._due.get((rank, ref_id)) == due and not self._is_listed(entry):
                self._insert(entry)

    def set_warn(self, warn_ms: int) -> None:
        """List deadlines this long before they pass (everything is listed anew)."""
        if warn_ms < 0:
            raise ValueError("warn_ms must not be negative")
        if warn_ms != self.warn_ms:
            self.warn_ms = warn_ms
            self.relist(self.now)

    def relist(self, now: int | None) -> None:
        """List everything anew at ``now`` (None: nothing is listed)."""
        self.now = now
        self._counts = [0] * len(_KINDS)
        for rank, _ in self._due:
            self._counts[rank] += 1
        entries = [(due, rank, ref_id) for (rank, ref_id), due in self._due.items()]
        if now is None:
            self.listed, self._later = [], entries
        else:
            horizon = now + self.warn_ms
            self.listed = sorted(e for e in entries if e[0] <= horizon)
            self._later = [e for e in entries if e[0] > horizon]
        heapq.heapify(self._later)
        self.breached = 0 if now is None else bisect_left(self.listed, (now + 1,))
        self._new.extend(self.listed[: self.breached])
        if self.observer is not None:
            self.observer.relisted(self.keys())

    # -- inside ------------------------------------------------------------------------

    def _row(self, p: int) -> int:
        return self.breached - 1 - p if p < self.breached else p

    def _in_window(self, due: int) -> bool:
        return self.now is not None and due <= self.now + self.warn_ms

    def _is_listed(self, entry: Entry) -> bool:
        p = bisect_left(self.listed, entry)
        return p < len(self.listed) and self.listed[p] == entry

    def _insert(self, entry: Entry) -> None:
        assert self.now is not None
        p = bisect_left(self.listed, entry)
        self.listed.insert(p, entry)
        if entry[0] <= self.now:
            row = self.breached - p  # among the breached, shown newest first
            self.breached += 1
            self._new.append(entry)
        else:
            row = p
        if self.observer is not None:
            self.observer.inserted(row, _KINDS[entry[1]], entry[2])

    def _remove(self, entry: Entry) -> None:
        p = bisect_left(self.listed, entry)
        if p == len(self.listed) or self.listed[p] != entry:
            raise AssertionError(f"deadline {entry} should be listed")
        row = self._row(p)
        del self.listed[p]
        if p < self.breached:
            self.breached -= 1
        if self.observer is not None:
            self.observer.removed(row)

    def _compact(self) -> None:
        horizon = None if self.now is None else self.now + self.warn_ms
        self._later = [
            (due, rank, ref_id)
            for (rank, ref_id), due in self._due.items()
            if horizon is None or due > horizon
        ]
        heapq.heapify(self._later)


def call_due_ms(state: FloorState, call: Call) -> int | None:
    """When a waiting call passes its queue's SL threshold (None: not waiting, or no such queue)."""
    if call.state is not CallState.WAITING:
        return None
    q = state.queues.get(call.queue_id)
    if q is None:
        return None
    return _ms(call.entered_at) + round(q.sl_threshold_s * 1000)


def case_dues_ms(case: Case) -> tuple[int | None, int]:
    """A case's first-response deadline (None once answered) and its resolution deadline."""
    first: Timestamp | None = None if case.first_response_at is not None else case.first_response_due
    return (None if first is None else _ms(first)), _ms(case.resolution_due)


class BreachIndex:
    """``current_breaches`` and ``breaches_today``, kept up to date from change sets and the clock.

    ``calls`` lists the waiting calls past their threshold, ``cases`` the case
    deadlines passed or due within ``warn_within_s``; each tells its observer
    (a table model) of every row that comes, goes, moves or changes. ``update``
    looks only at what the change set names (a reset or a first update looks at
    everything). ``breaches()`` and ``count_today()`` equal ``current_breaches``
    and ``breaches_today`` on the same floor and clock.
    """

    def __init__(
        self,
        warn_within_s: float = 3600.0,
        *,
        calls_observer: ListObserver | None = None,
        cases_observer: ListObserver | None = None,
    ) -> None:
        self.calls = DeadlineList(0, calls_observer)
        self.cases = DeadlineList(round(warn_within_s * 1000), cases_observer)
        self._thresholds: dict[str, float] = {}  # queue id -> SL threshold the calls' deadlines use
        self._synced = False

    @property
    def now(self) -> int | None:
        return self.cases.now

    def set_warn_within(self, seconds: float) -> None:
        self.cases.set_warn(round(seconds * 1000))

    def update(self, state: FloorState, changes: ChangeSet | None, now: int | None) -> None:
        """Follow ``changes`` (None: only the clock moved) and the feed clock at ``now``."""
        if now is None:
            if self.calls.now is not None or self.cases.now is not None or not self._synced:
                self.resync(state, None)
            return
        if not self._synced or self.cases.now is None or (changes is not None and changes.reset):
            self.resync(state, now)
            return
        if changes is not None:
            self._apply(state, changes)
        self.calls.advance(now)
        self.cases.advance(now)

    def resync(self, state: FloorState, now: int | None) -> None:
        """Look at every call and case again (at a snapshot, a new day, or when first shown)."""
        self._thresholds = {q.id: q.sl_threshold_s for q in state.queues.values()}
        call_rank = _RANK[BreachKind.CALL_WAIT]
        calls: dict[tuple[int, str], int] = {}
        for call in state.calls.values():
            due = call_due_ms(state, call)
            if due is not None:
                calls[(call_rank, call.id)] = due
        # 50,000 cases at a snapshot: case_dues_ms inlined, keys made as the lists keep them.
        first_rank, resolution_rank = _RANK[BreachKind.FIRST_RESPONSE], _RANK[BreachKind.RESOLUTION]
        cases: dict[tuple[int, str], int] = {}
        ms = _ms
        for case in state.cases.values():
            if case.first_response_at is None:
                cases[(first_rank, case.id)] = ms(case.first_response_due)
            cases[(resolution_rank, case.id)] = ms(case.resolution_due)
        self.calls._replace(calls, now)
        self.cases._replace(cases, now)
        self._synced = True

    def _apply(self, state: FloorState, changes: ChangeSet) -> None:
        calls = self.calls
        call_ids: set[str] = changes.calls_added | changes.calls_changed | changes.calls_removed
        # A call or case added again under its id and gone within one change set is named nowhere
        # (a ChangeSet drops what "came and went"): listed but gone is looked at too.
        call_ids |= {ref_id for _, ref_id in calls.known() if ref_id not in state.calls}
        moved_queues: set[str] = set()
        for qid in changes.queues:
            q = state.queues.get(qid)
            if q is not None and self._thresholds.get(qid) != q.sl_threshold_s:
                self._thresholds[qid] = q.sl_threshold_s
                moved_queues.add(qid)
        if moved_queues:  # a threshold changed (or the queue is new): its calls' deadlines move
            call_ids |= {c.id for c in state.calls.values() if c.queue_id in moved_queues}
        for call_id in call_ids:
            call = state.calls.get(call_id)
            due = None if call is None else call_due_ms(state, call)
            if not calls.set(BreachKind.CALL_WAIT, call_id, due) and due is not None:
                calls.touch(BreachKind.CALL_WAIT, call_id)
        cases = self.cases
        for case_id in changes.cases_removed:
            cases.set(BreachKind.FIRST_RESPONSE, case_id, None)
            cases.set(BreachKind.RESOLUTION, case_id, None)
        for case_id in changes.cases_added | changes.cases_changed:
            case = state.cases.get(case_id)
            first, resolution = (None, None) if case is None else case_dues_ms(case)
            for kind, due in ((BreachKind.FIRST_RESPONSE, first), (BreachKind.RESOLUTION, resolution)):
                if not cases.set(kind, case_id, due) and due is not None:
                    cases.touch(kind, case_id)
        if cases.count(BreachKind.RESOLUTION) != len(state.cases):  # every open case has one
            for _, case_id in cases.known():
                if case_id not in state.cases:
                    cases.set(BreachKind.FIRST_RESPONSE, case_id, None)
                    cases.set(BreachKind.RESOLUTION, case_id, None)

    # -- reading -----------------------------------------------------------------------

    def count_today(self, state: FloorState) -> int:
        """``breaches_today`` at the index's clock (0 before the feed clock started)."""
        now = self.cases.now
        if now is None:
            return 0
        day0 = _ms(state.centre.day_started_at) if state.centre.day_started_at else now
        count = 0
        for q in state.queues.values():
            f = q.today
            count += (f.answered - f.answered_within) + (f.abandoned - f.short_abandons - f.abandoned_within)
        return count + self.calls.breached + self.cases.breached_since(day0)

    def breach(self, state: FloorState, kind: BreachKind, ref_id: str, due: int) -> Breach:
        """The ``Breach`` ``current_breaches`` would list for (kind, id) due at ``due``."""
        now = self.cases.now if self.cases.now is not None else due
        if kind is BreachKind.CALL_WAIT:
            call = state.calls.get(ref_id)
            queue_id = call.queue_id if call is not None else ""
            priority = str(call.priority) if call is not None else None
            return Breach(kind, ref_id, queue_id, due, now, priority=priority)
        case = state.cases.get(ref_id)
        if case is None:
            return Breach(kind, ref_id, "", due, now)
        return Breach(kind, ref_id, case.queue_id, due, now, case.agent_id, case.priority)

    def breaches(self, state: FloorState) -> list[Breach]:
        """Everything listed, in ``current_breaches``'s order (builds the whole list: for tests and tools)."""
        calls, cases = self.calls, self.cases
        breached: Iterable[Entry] = heapq.merge(
            reversed(calls.listed[: calls.breached]), reversed(cases.listed[: cases.breached]), reverse=True
        )
        at_risk = cases.listed[cases.breached :]
        return [self.breach(state, _KINDS[rank], ref_id, due) for due, rank, ref_id in (*breached, *at_risk)]

    def take_new_breaches(self) -> list[tuple[BreachKind, str, int]]:
        """(kind, id, due) of the deadlines passed since the last call (for the day's breach log)."""
        return [*self.calls.take_new_breaches(), *self.cases.take_new_breaches()]
