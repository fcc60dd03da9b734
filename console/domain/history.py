"""A business day's figures, as the gateway serves them from its store (``history.query``) and
as shift and day reports show them.

Per queue and reporting interval (offered, answered, abandoned, SL, ASA, AHT), per agent
(calls, talk, not-ready time by reason, occupancy), cases (opened, closed, breached) and
quality flags. The counts and sums are the reducer's own (``console.domain.entities.Bucket``
and ``DayFigures``), so the derived figures come from ``console.domain.figures.formulas``
exactly as on the live screens; a report of today agrees with the queue overview to the call.

No Qt, no I/O: the gateway fills these from its store (``console.domain.day_report``), the
console and ``python -m console.report`` render them.
"""

from __future__ import annotations

import msgspec

from console.domain.clock import Timestamp
from console.domain.entities import Bucket, DayFigures, SlDefinition

#: Reporting intervals a report may use (minutes); buckets of 5 minutes add up to them.
INTERVAL_CHOICES = (15, 30, 60)


class QueueDay(msgspec.Struct, kw_only=True):
    """One queue's day: the whole day's figures and one ``Bucket`` per reporting interval."""

    queue_id: str
    name: str
    sl_threshold_s: float
    sl_target_pct: float
    total: DayFigures  # derived fields (asa_s, aht_s, service_level_pct, abandon_pct) filled
    # One per reporting interval of ``DayReport.interval_min`` minutes (each ``start`` the
    # interval's start), from the day's first interval with a call to its last, in order;
    # an interval without calls in between is there with zero counts.
    intervals: list[Bucket] = msgspec.field(default_factory=list)


class AgentDay(msgspec.Struct, kw_only=True):
    """One agent's day (every agent signed in at some time of it)."""

    agent_id: str
    name: str
    team: str
    calls: int = 0  # calls answered
    talk_s: float = 0.0
    wrap_s: float = 0.0
    available_s: float = 0.0
    handling_s: float = 0.0  # ringing, on a call, wrap-up
    not_ready_s: float = 0.0
    # Not-ready seconds by reason code ("" when none was given); they add up to not_ready_s.
    not_ready_by_reason: dict[str, float] = msgspec.field(default_factory=dict)
    occupancy_pct: float | None = None  # handling / (handling + available); None when both are 0


class CasesDay(msgspec.Struct, kw_only=True):
    """Complaint cases of one queue over the day."""

    queue_id: str
    opened: int = 0
    closed: int = 0
    # Cases whose first-response or resolution limit fell within the day and was missed.
    response_breached: int = 0
    resolution_breached: int = 0


class FlagsDay(msgspec.Struct, kw_only=True):
    """Quality flags raised and closed over the day."""

    raised: int = 0
    closed: int = 0
    by_category: dict[str, int] = msgspec.field(default_factory=dict)  # raised, by FlagCategory
    by_severity: dict[str, int] = msgspec.field(default_factory=dict)  # raised, by FlagSeverity
    by_outcome: dict[str, int] = msgspec.field(default_factory=dict)  # closed, by FlagOutcome


class DayReport(msgspec.Struct, kw_only=True):
    """A business day of the centre (``day`` in its own zone), complete or as of ``ends_at``."""

    centre: str
    timezone: str
    day: str  # YYYY-MM-DD, the business day in the centre's zone
    starts_at: Timestamp  # the business day's start
    ends_at: Timestamp  # its end; for today, the feed time the figures are as of
    complete: bool  # False for a day still going on
    sl_definition: SlDefinition
    interval_min: int  # one of INTERVAL_CHOICES
    queues: list[QueueDay] = msgspec.field(default_factory=list)
    agents: list[AgentDay] = msgspec.field(default_factory=list)
    cases: list[CasesDay] = msgspec.field(default_factory=list)
    flags: FlagsDay = msgspec.field(default_factory=FlagsDay)
