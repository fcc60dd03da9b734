"""The things on the floor: queues, agents, calls and cases.

These structs are both the domain state and its wire form (protocol v1 snapshot
entries), so a snapshot is encoded straight from the state with no copy.
Consumers ignore unknown fields, which is why none of them forbids them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import msgspec

from console.domain.clock import Timestamp, seconds_between
from console.domain.masking import mask_digits


class AgentState(StrEnum):
    AVAILABLE = "available"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    NOT_READY = "not_ready"
    OFFLINE = "offline"


#: States in which an agent is handling a call: a supervisor's state change waits.
BUSY_STATES = frozenset({AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP})

#: Reason codes for ``not_ready`` (domain notes: break, lunch, training, ...).
NOT_READY_REASONS = (
    "break",
    "lunch",
    "training",
    "meeting",
    "coaching",
    "system_problem",
    "supervisor",
)


#: Call priorities on the feed and in commands: higher is served first.
CALL_PRIORITY_MIN = 0
CALL_PRIORITY_MAX = 10


class CallState(StrEnum):
    WAITING = "waiting"
    RINGING = "ringing"
    TALKING = "talking"


class CaseStatus(StrEnum):
    INTAKE = "intake"
    TRIAGE = "triage"
    REFERRED = "referred"
    AWAITING_CUSTOMER = "awaiting_customer"
    RESOLUTION = "resolution"
    CALLBACK = "callback"
    CLOSED = "closed"


CASE_PRIORITIES = ("P1", "P2", "P3", "P4")


class SlDefinition(StrEnum):
    """How abandoned calls count in the service level (platforms differ)."""

    ABANDONS_IGNORED = "abandons_ignored"
    ABANDONS_FAIL = "abandons_fail"
    ABANDONS_WITHIN_SUCCEED = "abandons_within_succeed"


class Centre(msgspec.Struct, kw_only=True):
    """Centre-wide configuration that the metrics need."""

    name: str
    timezone: str = "UTC"
    day_starts: str = "00:00"  # local time at which "today" resets
    sl_definition: SlDefinition = SlDefinition.ABANDONS_FAIL
    short_abandon_s: float = 5.0
    day_started_at: Timestamp | None = None  # start of the current business day
    case_limit: int | None = None  # open cases an agent should hold at most (consoles warn); None: no limit

    def __post_init__(self) -> None:
        # Canonical floats, so a struct built in code encodes as it decodes.
        self.short_abandon_s = float(self.short_abandon_s)


class DayFigures(msgspec.Struct, kw_only=True):
    """A queue's figures since the business day started.

    The sums are kept so any consumer can carry on counting exactly; the
    percentages and averages are derived (``console.domain.figures.formulas``).
    """

    offered: int = 0
    answered: int = 0
    answered_within: int = 0
    abandoned: int = 0
    abandoned_within: int = 0  # not short, waited no longer than the threshold
    short_abandons: int = 0
    handled: int = 0  # calls whose talk ended
    wait_answered_s: float = 0.0
    wait_abandoned_s: float = 0.0  # entered to hang-up, summed over abandoned calls (short ones too)
    talk_s: float = 0.0
    wrap_s: float = 0.0
    max_waiting: int = 0  # the most calls waiting (CallState.WAITING) in the queue at once today
    asa_s: float | None = None
    aht_s: float | None = None
    service_level_pct: float | None = None
    abandon_pct: float | None = None


#: Width of the interval buckets the reducer keeps for today (5 minutes).
BUCKET_MS = 300_000


class Bucket(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A queue's counts over one 5-minute bucket of today, starting at ``start``.

    Reporting intervals (15 or 30 minutes) and the rolling hour are sums of
    buckets, so a console opened mid-day shows the same figures as one open
    since the morning. Each event counts in the bucket of its own time.
    """

    start: Timestamp
    offered: int = 0
    answered: int = 0
    answered_within: int = 0
    abandoned: int = 0
    abandoned_within: int = 0
    short_abandons: int = 0
    handled: int = 0
    wait_answered_s: float = 0.0
    wait_abandoned_s: float = 0.0
    talk_s: float = 0.0
    wrap_s: float = 0.0


class AgentTime(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Centre-wide agent seconds by state group over one bucket of today (for occupancy)."""

    start: Timestamp
    available_s: float = 0.0
    handling_s: float = 0.0  # ringing, on a call, wrap-up
    not_ready_s: float = 0.0


class Queue(msgspec.Struct, kw_only=True):
    id: str
    name: str
    sl_threshold_s: float
    sl_target_pct: float
    today: DayFigures = msgspec.field(default_factory=DayFigures)
    buckets: list[Bucket] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        self.sl_threshold_s = float(self.sl_threshold_s)
        self.sl_target_pct = float(self.sl_target_pct)


class Agent(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: str
    name: str
    team: str
    skills: list[str]
    state: AgentState = AgentState.OFFLINE
    reason: str | None = None
    state_since: Timestamp | None = None
    call_id: str | None = None
    open_cases: int = 0
    last_queue_id: str | None = None  # queue of the call being wrapped up
    pending_state: AgentState | None = None  # asked for during a call
    pending_reason: str | None = None
    # The adapter (its user name) that publishes this agent's events; None: the gateway's own
    # source (the simulator). Commands about the agent are forwarded to that adapter.
    source: str | None = None


# Calls and cases hold only strings, numbers and enums, so they can never be part of a
# reference cycle: ``gc=False`` keeps tens of thousands of them out of the garbage collector's
# scans (a full collection of a 50,000-case floor took over 100 ms of the gateway's loop).
class Call(msgspec.Struct, kw_only=True, omit_defaults=True, gc=False):
    id: str
    queue_id: str
    priority: int
    caller: str  # always masked on the feed
    state: CallState = CallState.WAITING
    entered_at: Timestamp
    answered_at: Timestamp | None = None
    agent_id: str | None = None
    source: str | None = None  # the adapter that publishes this call (see Agent.source)


class Case(msgspec.Struct, kw_only=True, omit_defaults=True, gc=False):
    id: str
    queue_id: str
    subject: str
    priority: str
    status: CaseStatus
    agent_id: str | None
    created_at: Timestamp
    first_response_due: Timestamp
    resolution_due: Timestamp
    version: int = 1
    customer: str = ""  # always masked on the feed
    channel: str = "phone"
    first_response_at: Timestamp | None = None
    reopened: int = 0
    source: str | None = None  # the adapter that publishes this case (see Agent.source)


class AppliedAction(msgspec.Struct, kw_only=True):
    """A supervisor's command that changed the floor today (from an ``action.applied`` event)."""

    at: Timestamp
    command_id: str
    user: str
    role: str
    action: str
    args: dict[str, Any]
    result: dict[str, Any]
    before: Any = None


#: Case fields a ``case.updated`` event may change.
CASE_MUTABLE_FIELDS = frozenset(
    {
        "queue_id",
        "subject",
        "priority",
        "status",
        "agent_id",
        "first_response_due",
        "resolution_due",
        "first_response_at",
        "customer",
        "channel",
        "reopened",
    }
)


def case_changes_valid(changes: dict[str, Any]) -> str | None:
    """Return why ``changes`` cannot apply to a case, or None when they can."""
    unknown = sorted(set(changes) - CASE_MUTABLE_FIELDS)
    if unknown:
        return f"unknown case fields: {', '.join(unknown)}"
    if "status" in changes and changes["status"] not in CaseStatus.__members__.values():
        return f"unknown case status {changes['status']!r}"
    return None


# -- completed calls and quality flags -----------------------------------------------


class CallOutcome(StrEnum):
    ANSWERED = "answered"
    ABANDONED = "abandoned"


class CompletedCall(msgspec.Struct, kw_only=True):
    """A call that has left the floor (``call.ended`` or ``call.abandoned``), as the history keeps it.

    The gateway records one per finished call (``calls.query`` answers from
    them). ``agent_id`` is the agent who answered it or, for an abandoned call,
    the agent it was ringing at when the caller hung up (null if it was waiting).
    """

    id: str
    queue_id: str
    agent_id: str | None
    caller: str  # always masked
    priority: int
    entered_at: Timestamp
    answered_at: Timestamp | None
    ended_at: Timestamp
    outcome: CallOutcome
    wait_s: float  # entered to answered, or to the hang-up of an abandoned call
    talk_s: float | None  # answered to ended; null when never answered
    duration_s: float  # entered to ended
    short_abandon: bool = False  # abandoned sooner than the centre's short_abandon_s


class FlagCategory(StrEnum):
    COMPLIANCE = "compliance"  # compliance and required disclosures
    DATA_PROTECTION = "data_protection"  # customer-data protection
    COURTESY = "courtesy"  # courtesy and attitude
    INCORRECT_INFO = "incorrect_info"  # incorrect information given
    COMPLAINT_HANDLING = "complaint_handling"
    PROCESS = "process"  # process not followed
    COMMENDATION = "commendation"  # something done well


class FlagSeverity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class FlagStatus(StrEnum):
    OPEN = "open"
    IN_REVIEW = "in_review"
    CLOSED = "closed"


class FlagOutcome(StrEnum):
    CONFIRMED = "confirmed"
    COACHING_NEEDED = "coaching_needed"
    NO_ISSUE = "no_issue"


#: Longest note on a flag (in characters), at flagging and per review note.
FLAG_NOTE_MAX = 4000


class FlagNote(msgspec.Struct, kw_only=True):
    """A review note: appended by ``flag.updated``, never changed or removed."""

    at: Timestamp
    by: str
    text: str


class Flag(msgspec.Struct, kw_only=True):
    """A call flagged for quality review (protocol v1 snapshot ``flags`` entry)."""

    id: str
    call_id: str
    queue_id: str
    agent_id: str | None  # the call's agent when flagged (null: never reached one)
    team: str | None  # that agent's team when flagged
    caller: str  # masked
    call_started_at: Timestamp  # the call's entered_at; moment_s counts from here
    category: FlagCategory
    severity: FlagSeverity
    note: str  # the flagger's note (may be empty)
    moment_s: float | None  # seconds from call_started_at, or null
    flagged_by: str
    flagged_at: Timestamp
    status: FlagStatus = FlagStatus.OPEN
    reviewer: str | None = None
    outcome: FlagOutcome | None = None  # set exactly while closed
    notes: list[FlagNote] = msgspec.field(default_factory=list)  # review notes, oldest first
    version: int = 1
    updated_at: Timestamp | None = None  # last flag.created/flag.updated
    closed_at: Timestamp | None = None  # while closed: when it was closed


#: Flag fields a ``flag.updated`` event may change.
FLAG_MUTABLE_FIELDS = frozenset({"status", "reviewer", "outcome"})


def flag_changes_valid(changes: dict[str, Any]) -> str | None:
    """Return why ``changes`` cannot apply to a flag, or None when they can."""
    unknown = sorted(set(changes) - FLAG_MUTABLE_FIELDS)
    if unknown:
        return f"unknown flag fields: {', '.join(unknown)}"
    if "status" in changes and changes["status"] not in FlagStatus.__members__.values():
        return f"unknown flag status {changes['status']!r}"
    outcome = changes.get("outcome")
    if outcome is not None and outcome not in FlagOutcome.__members__.values():
        return f"unknown flag outcome {outcome!r}"
    reviewer = changes.get("reviewer")
    if reviewer is not None and not isinstance(reviewer, str):
        return f"reviewer must be a user name or null, not {reviewer!r}"
    return None


def completed_call(call: Call, ended_at: Timestamp, short_abandon_s: float) -> CompletedCall:
    """The history record of ``call`` leaving the floor at ``ended_at``.

    Answered if it was ever answered, abandoned otherwise. The caller is masked
    again here, so a number that reached the floor unmasked is never recorded.
    """
    duration = seconds_between(call.entered_at, ended_at)
    if call.answered_at is not None:
        wait = seconds_between(call.entered_at, call.answered_at)
        talk: float | None = seconds_between(call.answered_at, ended_at)
        outcome = CallOutcome.ANSWERED
    else:
        wait, talk, outcome = duration, None, CallOutcome.ABANDONED
    return CompletedCall(
        id=call.id,
        queue_id=call.queue_id,
        agent_id=call.agent_id,
        caller=mask_digits(call.caller),
        priority=call.priority,
        entered_at=call.entered_at,
        answered_at=call.answered_at,
        ended_at=ended_at,
        outcome=outcome,
        wait_s=wait,
        talk_s=talk,
        duration_s=duration,
        short_abandon=outcome is CallOutcome.ABANDONED and duration < short_abandon_s,
    )
