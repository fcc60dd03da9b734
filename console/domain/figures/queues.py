"""Live per-queue and centre figures, computed from the floor state and the feed clock.

Everything a screen shows about queues comes from here, so every view (and the
gateway's own day figures, through ``metrics``) agree. Windows:

- ``interval``: the current reporting interval (15 or 30 minutes from the start
  of the business day);
- ``rolling``: the last 60 minutes, at the 5-minute resolution of the buckets;
- ``today``: since the business day started (``centre.day_started_at``).

"Now" is always the feed clock passed in, never the local clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from console.domain.clock import to_ms
from console.domain.entities import (
    BUCKET_MS,
    AgentState,
    Bucket,
    CallState,
    DayFigures,
    Queue,
    SlDefinition,
)
from console.domain.figures import formulas
from console.domain.state import FloorState

ROLLING_MS = 60 * 60 * 1000
TOTAL_ID = "*"


@dataclass(frozen=True)
class MetricsConfig:
    sl_definition: SlDefinition | None = None  # None: the centre's own definition
    interval_min: int = 15  # 15 or 30

    def __post_init__(self) -> None:
        if self.interval_min not in (15, 30):
            raise ValueError(f"interval_min must be 15 or 30, not {self.interval_min}")


@dataclass
class Staff:
    """Agents skilled for a queue (or all agents, for the centre), by state."""

    staffed: int = 0  # logged in
    available: int = 0
    on_call: int = 0  # ringing or talking
    wrap_up: int = 0
    not_ready: int = 0

    def count(self, state: AgentState) -> None:
        if state is AgentState.OFFLINE:
            return
        self.staffed += 1
        if state is AgentState.AVAILABLE:
            self.available += 1
        elif state in (AgentState.RINGING, AgentState.ON_CALL):
            self.on_call += 1
        elif state is AgentState.WRAP_UP:
            self.wrap_up += 1
        else:
            self.not_ready += 1

    @property
    def occupancy_pct(self) -> float | None:
        """Occupancy now: handling agents over handling plus available ones."""
        busy = self.on_call + self.wrap_up
        den = busy + self.available
        return 100.0 * busy / den if den else None


@dataclass
class QueueFigures:
    """One row of the queue overview (a queue, or the centre total with id ``*``)."""

    queue_id: str
    name: str
    sl_threshold_s: float
    sl_target_pct: float
    waiting: int = 0
    longest_wait_s: float | None = None
    staff: Staff = field(default_factory=Staff)
    interval: DayFigures = field(default_factory=DayFigures)
    rolling: DayFigures = field(default_factory=DayFigures)
    today: DayFigures = field(default_factory=DayFigures)
    occupancy_today_pct: float | None = None  # centre row only

    @property
    def is_total(self) -> bool:
        return self.queue_id == TOTAL_ID


_COUNT_FIELDS = (
    "offered",
    "answered",
    "answered_within",
    "abandoned",
    "abandoned_within",
    "short_abandons",
    "handled",
)
_SUM_FIELDS = ("wait_answered_s", "wait_abandoned_s", "talk_s", "wrap_s")


def add_into(total: DayFigures | Bucket, part: DayFigures | Bucket) -> None:
    """Add ``part``'s counts and sums into ``total`` (a day's figures, or an interval's bucket)."""
    for name in _COUNT_FIELDS:
        setattr(total, name, getattr(total, name) + getattr(part, name))
    for name in _SUM_FIELDS:
        setattr(total, name, getattr(total, name) + getattr(part, name))


def sum_buckets(buckets: list[Bucket], since_ms: int, definition: SlDefinition) -> DayFigures:
    """Figures of the buckets that start at or after ``since_ms``."""
    total = DayFigures()
    for b in reversed(buckets):  # newest last: stop at the first older one
        if to_ms(b.start) < since_ms:
            break
        add_into(total, b)
    formulas.refresh(total, definition)
    return total


def interval_start_ms(state: FloorState, now_ms: int, interval_min: int) -> int:
    day0 = to_ms(state.centre.day_started_at) if state.centre.day_started_at else now_ms
    width = interval_min * 60_000
    return day0 + max(0, now_ms - day0) // width * width


def rolling_start_ms(now_ms: int) -> int:
    """The first bucket inside the last 60 minutes (5-minute resolution)."""
    return (now_ms - ROLLING_MS) // BUCKET_MS * BUCKET_MS + BUCKET_MS


def _today(q: Queue, definition: SlDefinition) -> DayFigures:
    return queue_today(q.today, definition)


def queue_today(figures: DayFigures, definition: SlDefinition) -> DayFigures:
    """A queue's day figures under ``definition``: the sums, the derived figures and its peak.

    The most callers waiting at once is a queue's own: the centre total leaves it 0, since
    the queues' peaks came at different moments and do not add up.
    """
    today = DayFigures()
    add_into(today, figures)
    today.max_waiting = figures.max_waiting
    formulas.refresh(today, definition)
    return today


def staff_by_queue(state: FloorState) -> tuple[dict[str, Staff], Staff]:
    """Agents by state per skilled queue, and for the whole centre (each agent once)."""
    per_queue = {qid: Staff() for qid in state.queues}
    centre = Staff()
    for a in state.agents.values():
        centre.count(a.state)
        for skill in a.skills:
            s = per_queue.get(skill)
            if s is not None:
                s.count(a.state)
    return per_queue, centre


def occupancy_today_pct(state: FloorState, now_ms: int) -> float | None:
    """Handling time over handling plus available time today, including states still running."""
    handling = sum(b.handling_s for b in state.agent_time)
    available = sum(b.available_s for b in state.agent_time)
    day0 = to_ms(state.centre.day_started_at) if state.centre.day_started_at else now_ms
    for a in state.agents.values():
        if a.state_since is None:
            continue
        open_s = max(0, now_ms - max(to_ms(a.state_since), day0)) / 1000.0
        if a.state is AgentState.AVAILABLE:
            available += open_s
        elif a.state in (AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP):
            handling += open_s
    den = handling + available
    return 100.0 * handling / den if den > 0 else None


def queue_figures(state: FloorState, now_ms: int, config: MetricsConfig | None = None) -> list[QueueFigures]:
    """One row per queue, in the gateway's order, then the centre total."""
    config = config or MetricsConfig()
    definition = config.sl_definition or state.centre.sl_definition
    since_interval = interval_start_ms(state, now_ms, config.interval_min)
    since_rolling = rolling_start_ms(now_ms)
    staff, centre_staff = staff_by_queue(state)
    waiting: dict[str, int] = {}
    oldest: dict[str, int] = {}
    for c in state.calls.values():
        if c.state is CallState.WAITING:
            waiting[c.queue_id] = waiting.get(c.queue_id, 0) + 1
            entered = to_ms(c.entered_at)
            if entered < oldest.get(c.queue_id, now_ms + 1):
                oldest[c.queue_id] = entered
    rows: list[QueueFigures] = []
    total = QueueFigures(
        queue_id=TOTAL_ID, name="", sl_threshold_s=0.0, sl_target_pct=0.0, staff=centre_staff
    )
    for q in state.queues.values():
        row = QueueFigures(
            queue_id=q.id,
            name=q.name,
            sl_threshold_s=q.sl_threshold_s,
            sl_target_pct=q.sl_target_pct,
            waiting=waiting.get(q.id, 0),
            longest_wait_s=max(0.0, (now_ms - oldest[q.id]) / 1000.0) if q.id in oldest else None,
            staff=staff.get(q.id, Staff()),
            interval=sum_buckets(q.buckets, since_interval, definition),
            rolling=sum_buckets(q.buckets, since_rolling, definition),
            today=_today(q, definition),
        )
        rows.append(row)
        total.waiting += row.waiting
        if row.longest_wait_s is not None:
            total.longest_wait_s = max(total.longest_wait_s or 0.0, row.longest_wait_s)
        for mine, theirs in (
            (total.interval, row.interval),
            (total.rolling, row.rolling),
            (total.today, row.today),
        ):
            add_into(mine, theirs)
    for figures in (total.interval, total.rolling, total.today):
        formulas.refresh(figures, definition)
    # The centre's SL target and threshold: the offered-weighted view is not meaningful
    # across queues with different thresholds, so the total row shows the strictest target.
    if rows:
        total.sl_target_pct = max(r.sl_target_pct for r in rows)
        total.sl_threshold_s = min(r.sl_threshold_s for r in rows)
    total.occupancy_today_pct = occupancy_today_pct(state, now_ms)
    rows.append(total)
    return rows


class Level(StrEnum):
    OK = "ok"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True)
class Thresholds:
    """When a figure needs attention. Defaults follow common wallboard practice."""

    sl_warning_below_target_pts: float = 0.0  # below target at all: warning
    sl_critical_below_target_pts: float = 10.0
    wait_warning_x_threshold: float = 1.0  # longest wait past the SL threshold
    wait_critical_x_threshold: float = 3.0
    abandon_warning_pct: float = 5.0
    abandon_critical_pct: float = 10.0


def sl_level(sl_pct: float | None, target_pct: float, t: Thresholds | None = None) -> Level:
    t = t or Thresholds()
    if sl_pct is None:
        return Level.OK
    if sl_pct < target_pct - t.sl_critical_below_target_pts:
        return Level.CRITICAL
    if sl_pct < target_pct - t.sl_warning_below_target_pts:
        return Level.WARNING
    return Level.OK


def wait_level(wait_s: float | None, threshold_s: float, t: Thresholds | None = None) -> Level:
    t = t or Thresholds()
    if wait_s is None or threshold_s <= 0:
        return Level.OK
    if wait_s > threshold_s * t.wait_critical_x_threshold:
        return Level.CRITICAL
    if wait_s > threshold_s * t.wait_warning_x_threshold:
        return Level.WARNING
    return Level.OK


def abandon_level(abandon_pct: float | None, t: Thresholds | None = None) -> Level:
    t = t or Thresholds()
    if abandon_pct is None:
        return Level.OK
    if abandon_pct > t.abandon_critical_pct:
        return Level.CRITICAL
    if abandon_pct > t.abandon_warning_pct:
        return Level.WARNING
    return Level.OK


#: How long an agent may stay in a state (or not-ready reason) before it reads as
#: a warning, and as critical: a 20-minute break reads differently from a 2-minute one.
STATE_LIMITS_S: dict[str, tuple[float, float]] = {
    "wrap_up": (120, 300),
    "ringing": (15, 30),
    "on_call": (900, 1800),
    "not_ready:break": (15 * 60, 20 * 60),
    "not_ready:lunch": (45 * 60, 60 * 60),
    "not_ready:coaching": (30 * 60, 45 * 60),
    "not_ready:training": (60 * 60, 90 * 60),
    "not_ready:meeting": (45 * 60, 60 * 60),
    "not_ready:system_problem": (5 * 60, 15 * 60),
    "not_ready:supervisor": (30 * 60, 60 * 60),
    "not_ready": (10 * 60, 20 * 60),
}


def state_limit_key(state: AgentState, reason: str | None) -> str:
    """The key of ``STATE_LIMITS_S`` for a state (and not-ready reason): ``not_ready:break``, ``on_call``."""
    return f"{state.value}:{reason}" if state is AgentState.NOT_READY and reason else state.value


def state_limits_of(
    state: AgentState, reason: str | None, limits: Mapping[str, tuple[float, float]] | None = None
) -> tuple[float, float] | None:
    """The (warning, critical) seconds for a state and reason: the reason's, else the state's; None: none."""
    table = STATE_LIMITS_S if limits is None else limits
    return table.get(state_limit_key(state, reason)) or table.get(state.value)


def time_in_state_level(
    state: AgentState,
    reason: str | None,
    seconds: float,
    limits: Mapping[str, tuple[float, float]] | None = None,
) -> Level:
    """The level of ``seconds`` in a state; ``limits``: a table like ``STATE_LIMITS_S`` (the default)."""
    found = state_limits_of(state, reason, limits)
    if found is None:
        return Level.OK
    warning, critical = found
    if seconds >= critical:
        return Level.CRITICAL
    if seconds >= warning:
        return Level.WARNING
    return Level.OK
