"""Quality review of calls: the flag workflow, the review queue's filters and counts, the CSV export.

Pure functions over :class:`~console.domain.entities.Flag` (no Qt, no I/O), so
the gateway validates with the same rules the console shows, and the review
queue's filtering, counting and export are unit-testable on their own.

The workflow::

    open ──> in_review ──> closed (with an outcome)
      <──────────┘  <────────┘ (reopen: the outcome is cleared)

``open -> closed`` skips the review and is refused. A flag going to
``in_review`` or ``closed`` without a reviewer gets the user who moved it.
Notes are appended, never changed.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from console.domain.businessday import local_time_text, moment_text
from console.domain.clock import Timestamp
from console.domain.entities import (
    FLAG_NOTE_MAX,
    Agent,
    Flag,
    FlagCategory,
    FlagOutcome,
    FlagSeverity,
    FlagStatus,
    Queue,
)
from console.domain.masking import mask_digits
from console.domain.texts import QT_TRANSLATE_NOOP, Text

#: Where each status may go next.
TRANSITIONS: dict[FlagStatus, frozenset[FlagStatus]] = {
    FlagStatus.OPEN: frozenset({FlagStatus.IN_REVIEW}),
    FlagStatus.IN_REVIEW: frozenset({FlagStatus.OPEN, FlagStatus.CLOSED}),
    FlagStatus.CLOSED: frozenset({FlagStatus.IN_REVIEW}),
}

#: Who may be a flag's reviewer (roles in console.domain.permissions).
REVIEWER_ROLES = frozenset({"quality", "admin"})


class FlagRuleError(Exception):
    """A flag change the rules refuse; ``kind`` is ``bad_args`` or ``invalid_state``.

    ``text`` is the reason as a translatable :class:`~console.domain.texts.Text` (the console
    shows it in the interface language); ``message`` is its English, which the gateway sends.
    """

    def __init__(self, kind: str, text: Text) -> None:
        self.kind = kind
        self.text = text
        self.message = str(text)
        super().__init__(f"{kind}: {self.message}")


def _rule(template: str, **params: object) -> Text:
    return Text("FlagRules", template, params)


def _choices(enum: Iterable[Any]) -> str:
    return ", ".join(str(m.value) for m in enum)


def parse_category(value: str) -> FlagCategory:
    try:
        return FlagCategory(value)
    except ValueError:
        raise FlagRuleError(
            "bad_args",
            _rule(
                QT_TRANSLATE_NOOP("FlagRules", "unknown category {value!r}; one of: {choices}"),
                value=value,
                choices=_choices(FlagCategory),
            ),
        ) from None


def parse_severity(value: str) -> FlagSeverity:
    try:
        return FlagSeverity(value)
    except ValueError:
        raise FlagRuleError(
            "bad_args",
            _rule(
                QT_TRANSLATE_NOOP("FlagRules", "unknown severity {value!r}; one of: {choices}"),
                value=value,
                choices=_choices(FlagSeverity),
            ),
        ) from None


def parse_status(value: str) -> FlagStatus:
    try:
        return FlagStatus(value)
    except ValueError:
        raise FlagRuleError(
            "bad_args",
            _rule(
                QT_TRANSLATE_NOOP("FlagRules", "unknown status {value!r}; one of: {choices}"),
                value=value,
                choices=_choices(FlagStatus),
            ),
        ) from None


def parse_outcome(value: str) -> FlagOutcome:
    try:
        return FlagOutcome(value)
    except ValueError:
        raise FlagRuleError(
            "bad_args",
            _rule(
                QT_TRANSLATE_NOOP("FlagRules", "unknown outcome {value!r}; one of: {choices}"),
                value=value,
                choices=_choices(FlagOutcome),
            ),
        ) from None


def check_note(text: str, name: str = "note", *, required: bool = False) -> None:
    """A note is at most FLAG_NOTE_MAX characters; a review note says something."""
    # The field's name in the message is a word of the interface too ("note" is all there is today).
    field_name: object = _rule(QT_TRANSLATE_NOOP("FlagRules", "note")) if name == "note" else name
    if len(text) > FLAG_NOTE_MAX:
        raise FlagRuleError(
            "bad_args",
            _rule(
                QT_TRANSLATE_NOOP("FlagRules", "{name} is {n} characters long; at most {max} are allowed"),
                name=field_name,
                n=len(text),
                max=FLAG_NOTE_MAX,
            ),
        )
    if required and not text.strip():
        raise FlagRuleError(
            "bad_args", _rule(QT_TRANSLATE_NOOP("FlagRules", "{name} must not be empty"), name=field_name)
        )


def plan_update(
    flag: Flag,
    *,
    user: str,
    status: FlagStatus | None = None,
    outcome: FlagOutcome | None = None,
    reviewer: str | None = None,
    reviewer_given: bool = False,
) -> dict[str, Any]:
    """The ``changes`` of a ``flag.updated`` for this request (empty: nothing changes).

    Raises FlagRuleError when the workflow does not allow it. A value equal to
    the flag's own is no change.
    """
    changes: dict[str, Any] = {}
    new_status = flag.status
    if status is not None and status is not flag.status:
        if status not in TRANSITIONS[flag.status]:
            if flag.status is FlagStatus.OPEN and status is FlagStatus.CLOSED:
                raise FlagRuleError(
                    "invalid_state",
                    _rule(
                        QT_TRANSLATE_NOOP(
                            "FlagRules",
                            "flag {flag} is open: closing it now skips the workflow;"
                            " it goes to in_review first (open -> in_review -> closed)",
                        ),
                        flag=flag.id,
                    ),
                )
            allowed = ", ".join(sorted(s.value for s in TRANSITIONS[flag.status]))
            raise FlagRuleError(
                "invalid_state",
                _rule(
                    QT_TRANSLATE_NOOP("FlagRules", "flag {flag} is {status}: it can go to {allowed} only"),
                    flag=flag.id,
                    status=flag.status.value,
                    allowed=allowed,
                ),
            )
        new_status = status
        changes["status"] = status.value
    closing = "status" in changes and new_status is FlagStatus.CLOSED
    if outcome is not None:
        if not closing:
            raise FlagRuleError(
                "bad_args",
                _rule(
                    QT_TRANSLATE_NOOP(
                        "FlagRules",
                        "an outcome is given only with status closed, when the flag is being closed"
                        " (flag {flag} is {status})",
                    ),
                    flag=flag.id,
                    status=flag.status.value,
                ),
            )
        changes["outcome"] = outcome.value
    elif closing:
        raise FlagRuleError(
            "bad_args",
            _rule(
                QT_TRANSLATE_NOOP("FlagRules", "closing a flag needs an outcome: one of {choices}"),
                choices=_choices(FlagOutcome),
            ),
        )
    if "status" in changes and flag.status is FlagStatus.CLOSED:
        changes["outcome"] = None  # reopened: the outcome goes until it is closed again
    if reviewer_given and reviewer != flag.reviewer:
        if flag.status is FlagStatus.CLOSED and new_status is FlagStatus.CLOSED:
            raise FlagRuleError(
                "invalid_state",
                _rule(
                    QT_TRANSLATE_NOOP(
                        "FlagRules",
                        "flag {flag} is closed: reopen it (status in_review) to change its reviewer",
                    ),
                    flag=flag.id,
                ),
            )
        changes["reviewer"] = reviewer
    elif (
        not reviewer_given
        and flag.reviewer is None
        and "status" in changes
        and new_status is not FlagStatus.OPEN
    ):
        changes["reviewer"] = user  # whoever takes it up reviews it, unless someone is named
    return changes


def apply_changes(flag: Flag, changes: Mapping[str, Any]) -> None:
    """Set ``changes`` on ``flag`` (as the reducer does; tests and previews)."""
    for name, value in changes.items():
        if name == "status":
            flag.status = FlagStatus(value)
        elif name == "outcome":
            flag.outcome = None if value is None else FlagOutcome(value)
        elif name == "reviewer":
            flag.reviewer = value


def last_note(flag: Flag) -> str:
    """The newest review note, or the flagger's note when there is none."""
    return flag.notes[-1].text if flag.notes else flag.note


# -- the review queue ---------------------------------------------------------------------


@dataclass(frozen=True)
class FlagFilter:
    """What the review queue shows; an empty set means any. Dates are ``[since, until)`` on flagged_at."""

    statuses: frozenset[FlagStatus] = frozenset()
    categories: frozenset[FlagCategory] = frozenset()
    severities: frozenset[FlagSeverity] = frozenset()
    agent_ids: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()
    reviewers: frozenset[str | None] = frozenset()  # None in it: flags nobody reviews yet
    since: Timestamp | None = None
    until: Timestamp | None = None

    def matches(self, flag: Flag) -> bool:
        return (
            (not self.statuses or flag.status in self.statuses)
            and (not self.categories or flag.category in self.categories)
            and (not self.severities or flag.severity in self.severities)
            and (not self.agent_ids or flag.agent_id in self.agent_ids)
            and (not self.teams or flag.team in self.teams)
            and (not self.reviewers or flag.reviewer in self.reviewers)
            and (self.since is None or flag.flagged_at >= self.since)
            and (self.until is None or flag.flagged_at < self.until)
        )


def filter_flags(flags: Iterable[Flag], flt: FlagFilter | None = None) -> list[Flag]:
    """The flags ``flt`` lets through, newest first (flagged_at, then id)."""
    chosen = [f for f in flags if flt is None or flt.matches(f)]
    chosen.sort(key=lambda f: (f.flagged_at, f.id), reverse=True)
    return chosen


def counts_by_agent(flags: Iterable[Flag]) -> dict[str, int]:
    """Flags per agent id, most first (flags of calls no agent took count under ``""``)."""
    return dict(Counter(f.agent_id or "" for f in flags).most_common())


def counts_by_category(flags: Iterable[Flag]) -> dict[FlagCategory, int]:
    """Flags per category, every category listed (zero included), in the categories' order."""
    counts = Counter(f.category for f in flags)
    return {c: counts[c] for c in FlagCategory}


def agents_with_open_flags(flags: Iterable[Flag], since: Timestamp | None) -> set[str]:
    """Agents with a flag raised since ``since`` (the day's start, for the agent board) not yet closed."""
    return {
        f.agent_id
        for f in flags
        if f.agent_id is not None
        and f.status is not FlagStatus.CLOSED
        and (since is None or f.flagged_at >= since)
    }


# -- export -----------------------------------------------------------------------------------

CSV_COLUMNS = (
    "flag id",
    "flagged at",
    "call id",
    "agent id",
    "agent",
    "team",
    "queue",
    "caller",
    "category",
    "severity",
    "status",
    "reviewer",
    "outcome",
    "flagged by",
    "last note",
    "call started",
    "moment in call",
    "flagger's note",
    "review notes",
)


@dataclass(frozen=True)
class CsvLabels:
    """The words an export writes: its header and the labels of coded values, as on screen.

    The console passes its own (translated) words, so a spreadsheet reads like the
    review queue in the interface language; a value with no label is written as its
    code. The defaults are the column names above and the codes.
    """

    columns: tuple[str, ...] = CSV_COLUMNS
    category: Mapping[FlagCategory, str] = field(default_factory=dict)
    severity: Mapping[FlagSeverity, str] = field(default_factory=dict)
    status: Mapping[FlagStatus, str] = field(default_factory=dict)
    outcome: Mapping[FlagOutcome, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.columns) != len(CSV_COLUMNS):
            raise ValueError(f"an export has {len(CSV_COLUMNS)} columns, got {len(self.columns)} names")


def _notes_text(flag: Flag, timezone: str | None) -> str:
    """Every review note, oldest first, one per line: when, who, what (long numbers masked)."""
    return "\n".join(
        f"{local_time_text(n.at, timezone) if timezone else n.at} {n.by}: {mask_digits(n.text)}"
        for n in flag.notes
    )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell: None is empty; text a spreadsheet would run as a formula is quoted with '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def flags_csv(
    flags: Iterable[Flag],
    agents: Mapping[str, Agent] | None = None,
    queues: Mapping[str, Queue] | None = None,
    *,
    timezone: str | None = None,
    labels: CsvLabels | None = None,
) -> str:
    """The flags as CSV (RFC 4180, header row, CRLF), in the order given, customer data masked.

    Agent names and teams come from ``agents`` (the floor's roster, by id) and queue names
    from ``queues`` (by id) when they know them, else the ids stand in; the team is the one
    the flag recorded when the call was flagged, else the agent's team now. The caller is
    masked as on the feed and every note has every long number masked
    (:func:`~console.domain.masking.mask_digits`): the export never holds a full number.
    With ``timezone`` (the centre's) times are written in that zone as on screen, else as
    the feed's ISO timestamps; ``labels`` gives the header and value words (default: codes).
    The whole notes history is one cell, a note a line.
    """
    words = labels if labels is not None else CsvLabels()

    def when(at: Timestamp | None) -> str | None:
        if at is None:
            return None
        return local_time_text(at, timezone) if timezone else at

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(words.columns)
    agents = agents if agents is not None else {}
    queues = queues if queues is not None else {}
    for f in flags:
        agent = agents.get(f.agent_id or "")
        queue = queues.get(f.queue_id)
        writer.writerow(
            _cell(v)
            for v in (
                f.id,
                when(f.flagged_at),
                f.call_id,
                f.agent_id,
                agent.name if agent is not None else f.agent_id,
                f.team if f.team is not None else (agent.team if agent is not None else None),
                queue.name if queue is not None else f.queue_id,
                mask_digits(f.caller),
                words.category.get(f.category, f.category.value),
                words.severity.get(f.severity, f.severity.value),
                words.status.get(f.status, f.status.value),
                f.reviewer,
                None if f.outcome is None else words.outcome.get(f.outcome, f.outcome.value),
                f.flagged_by,
                mask_digits(last_note(f)),
                when(f.call_started_at),
                moment_text(f.moment_s),
                mask_digits(f.note),
                _notes_text(f, timezone),
            )
        )
    return out.getvalue()
