"""What a shift or day report says: its title and its tables, as plain data for every format.

The CSV, the spreadsheet and the PDF (``console.application.report_files``,
``console.widgets.common.report_pdf``) all render the same :class:`Table` list, so the three
agree to the call. Every derived figure (SL under the report's definition, ASA, AHT, abandon %)
comes from ``console.domain.figures.formulas``, the functions the live screens use.

Headers and labels are :class:`console.domain.texts.Text` (context ``report``; the flag labels
reuse the quality views' own, context ``quality``), translated by whoever renders them through a
``Lookup`` (``console.widgets.common.language.lookup_in`` or ``QCoreApplication.translate``).
Times are in the centre's zone. No Qt, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from console.domain.businessday import zone
from console.domain.clock import Timestamp, iso, to_ms
from console.domain.day_report import interval_buckets
from console.domain.entities import Bucket, DayFigures, FlagCategory, FlagOutcome, FlagSeverity, SlDefinition
from console.domain.figures import formulas
from console.domain.figures.queues import add_into, queue_today
from console.domain.history import DayReport, QueueDay
from console.domain.state import FloorState
from console.domain.texts import QT_TRANSLATE_NOOP, Text

#: Looks a source text up in a context (``QCoreApplication.translate`` or a lone translator's).
Lookup = Callable[[str, str], str]

CONTEXT = "report"


def _t(template: str, **params: object) -> Text:
    return Text(CONTEXT, template, params)


def english(_context: str, text: str) -> str:
    """The lookup of the source language: every text as it is."""
    return text


def text_in(text: Text, lookup: Lookup = english) -> str:
    """``text`` in the language of ``lookup``, a nested Text translated in its turn."""
    params = {k: text_in(v, lookup) if isinstance(v, Text) else v for k, v in text.params.items()}
    return (lookup(text.context, text.template) or text.template).format(**params)


class Kind(StrEnum):
    """What a column holds, so each format can show it right."""

    TEXT = "text"  # a name, a label (str or Text)
    COUNT = "count"  # a whole number
    SECONDS = "seconds"  # an average in seconds (ASA, AHT), one decimal
    DURATION = "duration"  # a time spent, shown as h:mm:ss
    PERCENT = "percent"  # 0-100, one decimal


Cell = str | int | float | Text | None  # None: nothing counted (an empty cell, a dash on paper)


@dataclass(frozen=True)
class Column:
    header: Text
    kind: Kind


@dataclass
class Table:
    """One section of a report: ``key`` names it for files and tests (queues, agents, cases, flags)."""

    key: str
    title: Text
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    total_rows: set[int] = field(default_factory=set)  # indexes of rows that are totals (bold)


# -- titles ----------------------------------------------------------------------------------------


def report_title(report: DayReport) -> Text:
    return _t(
        QT_TRANSLATE_NOOP("report", "Day report: {centre}, {day}"), centre=report.centre, day=report.day
    )


def report_status(report: DayReport) -> Text:
    """Complete, or as of which time (the centre's): a report of today is not the whole day."""
    if report.complete:
        return _t(QT_TRANSLATE_NOOP("report", "Complete business day"))
    return _t(QT_TRANSLATE_NOOP("report", "As of {time}"), time=local_time(report.ends_at, report.timezone))


def report_details(report: DayReport) -> Text:
    return _t(
        QT_TRANSLATE_NOOP(
            "report", "Intervals of {minutes} min; times in {zone}; service level: {definition}"
        ),
        minutes=report.interval_min,
        zone=report.timezone,
        definition=sl_definition_text(report.sl_definition),
    )


def sl_definition_text(definition: SlDefinition) -> Text:
    texts = {
        SlDefinition.ABANDONS_IGNORED: QT_TRANSLATE_NOOP("report", "abandoned calls left out"),
        SlDefinition.ABANDONS_FAIL: QT_TRANSLATE_NOOP("report", "abandoned calls count as missed"),
        SlDefinition.ABANDONS_WITHIN_SUCCEED: QT_TRANSLATE_NOOP(
            "report", "calls abandoned within the threshold count as met"
        ),
    }
    return _t(texts[definition])


def local_time(at: Timestamp, timezone: str) -> str:
    """``HH:MM`` in the centre's zone."""
    return datetime.fromtimestamp(to_ms(at) / 1000, zone(timezone)).strftime("%H:%M")


def interval_label(start: Timestamp, interval_min: int, timezone: str) -> str:
    """``09:00–09:30`` in the centre's zone."""
    end_ms = to_ms(start) + interval_min * 60_000
    tz = zone(timezone)
    end = datetime.fromtimestamp(end_ms / 1000, tz).strftime("%H:%M")
    return f"{local_time(start, timezone)}–{end}"


# -- figures ---------------------------------------------------------------------------------------


def figures_of(part: DayFigures | Bucket, definition: SlDefinition) -> DayFigures:
    """The counts and sums of ``part`` with the derived figures under ``definition``."""
    f = DayFigures()
    add_into(f, part)
    formulas.refresh(f, definition)
    return f


def centre_total(report: DayReport) -> DayFigures:
    """Every queue's day added up (each queue's calls judged against its own threshold)."""
    total = DayFigures()
    for q in report.queues:
        add_into(total, q.total)
    formulas.refresh(total, report.sl_definition)
    return total


@dataclass(frozen=True)
class ChartPoint:
    """One reporting interval of a chart: the calls as bars, the SL against the target as a line."""

    label: str  # HH:MM, the interval's start in the centre's zone
    offered: int
    answered: int
    abandoned: int
    sl_pct: float | None


def chart_points(queue: QueueDay, report: DayReport) -> list[ChartPoint]:
    out = []
    for b in queue.intervals:
        f = figures_of(b, report.sl_definition)
        out.append(
            ChartPoint(
                label=local_time(b.start, report.timezone),
                offered=f.offered,
                answered=f.answered,
                abandoned=f.abandoned,
                sl_pct=f.service_level_pct,
            )
        )
    return out


# -- the tables ------------------------------------------------------------------------------------


def _col(template: str, kind: Kind) -> Column:
    return Column(_t(template), kind)


def _queue_row(name: Cell, when: Cell, f: DayFigures, target: float | None) -> list[Cell]:
    return [
        name,
        when,
        f.offered,
        f.answered,
        f.abandoned,
        f.short_abandons,
        f.abandon_pct,
        f.service_level_pct,
        target,
        f.asa_s,
        f.aht_s,
    ]


def queues_table(report: DayReport) -> Table:
    table = Table(
        key="queues",
        title=_t(QT_TRANSLATE_NOOP("report", "Queues")),
        columns=[
            _col(QT_TRANSLATE_NOOP("report", "Queue"), Kind.TEXT),
            _col(QT_TRANSLATE_NOOP("report", "Interval"), Kind.TEXT),
            _col(QT_TRANSLATE_NOOP("report", "Offered"), Kind.COUNT),
            _col(QT_TRANSLATE_NOOP("report", "Answered"), Kind.COUNT),
            _col(QT_TRANSLATE_NOOP("report", "Abandoned"), Kind.COUNT),
            _col(QT_TRANSLATE_NOOP("report", "Short abandons"), Kind.COUNT),
            _col(QT_TRANSLATE_NOOP("report", "Abandon %"), Kind.PERCENT),
            _col(QT_TRANSLATE_NOOP("report", "SL %"), Kind.PERCENT),
            _col(QT_TRANSLATE_NOOP("report", "SL target %"), Kind.PERCENT),
            _col(QT_TRANSLATE_NOOP("report", "ASA (s)"), Kind.SECONDS),
            _col(QT_TRANSLATE_NOOP("report", "AHT (s)"), Kind.SECONDS),
        ],
    )
    day_total = _t(QT_TRANSLATE_NOOP("report", "Day total"))
    for q in report.queues:
        for b in q.intervals:
            when = interval_label(b.start, report.interval_min, report.timezone)
            table.rows.append(_queue_row(q.name, when, figures_of(b, report.sl_definition), q.sl_target_pct))
        table.total_rows.add(len(table.rows))
        table.rows.append(
            _queue_row(q.name, day_total, figures_of(q.total, report.sl_definition), q.sl_target_pct)
        )
    if len(report.queues) > 1:
        table.total_rows.add(len(table.rows))
        all_queues = _t(QT_TRANSLATE_NOOP("report", "All queues"))
        table.rows.append(_queue_row(all_queues, day_total, centre_total(report), None))
    return table


def not_ready_reasons(report: DayReport) -> list[str]:
    """Every not-ready reason of the day, in order ("" for none given, last)."""
    reasons = {r for a in report.agents for r in a.not_ready_by_reason}
    return sorted(reasons, key=lambda r: (r == "", r))


def agents_table(report: DayReport) -> Table:
    reasons = not_ready_reasons(report)
    no_reason = _t(QT_TRANSLATE_NOOP("report", "no reason"))
    table = Table(
        key="agents",
        title=_t(QT_TRANSLATE_NOOP("report", "Agents")),
        columns=[
            _col(QT_TRANSLATE_NOOP("report", "Agent"), Kind.TEXT),
            _col(QT_TRANSLATE_NOOP("report", "Team"), Kind.TEXT),
            _col(QT_TRANSLATE_NOOP("report", "Calls"), Kind.COUNT),
            _col(QT_TRANSLATE_NOOP("report", "Talk time"), Kind.DURATION),
            _col(QT_TRANSLATE_NOOP("report", "Wrap-up time"), Kind.DURATION),
            _col(QT_TRANSLATE_NOOP("report", "Available time"), Kind.DURATION),
            _col(QT_TRANSLATE_NOOP("report", "Handling time"), Kind.DURATION),
            _col(QT_TRANSLATE_NOOP("report", "Not ready time"), Kind.DURATION),
            _col(QT_TRANSLATE_NOOP("report", "Occupancy %"), Kind.PERCENT),
            *(
                Column(
                    _t(QT_TRANSLATE_NOOP("report", "Not ready: {reason}"), reason=reason or no_reason),
                    Kind.DURATION,
                )
                for reason in reasons
            ),
        ],
    )
    for a in sorted(report.agents, key=lambda a: (a.team, a.name, a.agent_id)):
        table.rows.append(
            [
                a.name,
                a.team,
                a.calls,
                a.talk_s,
                a.wrap_s,
                a.available_s,
                a.handling_s,
                a.not_ready_s,
                a.occupancy_pct,
                *(a.not_ready_by_reason.get(r, 0.0) for r in reasons),
            ]
        )
    return table


def cases_table(report: DayReport) -> Table:
    names = {q.queue_id: q.name for q in report.queues}
    table = Table(
        key="cases",
        title=_t(QT_TRANSLATE_NOOP("report", "Cases")),
        columns=[
            _col(QT_TRANSLATE_NOOP("report", "Queue"), Kind.TEXT),
            _col(QT_TRANSLATE_NOOP("report", "Opened"), Kind.COUNT),
            _col(QT_TRANSLATE_NOOP("report", "Closed"), Kind.COUNT),
            _col(QT_TRANSLATE_NOOP("report", "First response breached"), Kind.COUNT),
            _col(QT_TRANSLATE_NOOP("report", "Resolution breached"), Kind.COUNT),
        ],
    )
    totals = [0, 0, 0, 0]
    for c in report.cases:
        counts = [c.opened, c.closed, c.response_breached, c.resolution_breached]
        totals = [t + n for t, n in zip(totals, counts, strict=True)]
        table.rows.append([names.get(c.queue_id, c.queue_id), *counts])
    if report.cases:
        table.total_rows.add(len(table.rows))
        table.rows.append([_t(QT_TRANSLATE_NOOP("report", "All queues")), *totals])
    return table


# The quality views' own labels (context "quality"): one translation for screen and report.
_CATEGORIES = {
    FlagCategory.COMPLIANCE: QT_TRANSLATE_NOOP("quality", "Compliance and required disclosures"),
    FlagCategory.DATA_PROTECTION: QT_TRANSLATE_NOOP("quality", "Customer-data protection"),
    FlagCategory.COURTESY: QT_TRANSLATE_NOOP("quality", "Courtesy and attitude"),
    FlagCategory.INCORRECT_INFO: QT_TRANSLATE_NOOP("quality", "Incorrect information"),
    FlagCategory.COMPLAINT_HANDLING: QT_TRANSLATE_NOOP("quality", "Complaint handling"),
    FlagCategory.PROCESS: QT_TRANSLATE_NOOP("quality", "Process not followed"),
    FlagCategory.COMMENDATION: QT_TRANSLATE_NOOP("quality", "Commendation"),
}
_SEVERITIES = {
    FlagSeverity.LOW: QT_TRANSLATE_NOOP("quality", "Low"),
    FlagSeverity.MEDIUM: QT_TRANSLATE_NOOP("quality", "Medium"),
    FlagSeverity.HIGH: QT_TRANSLATE_NOOP("quality", "High"),
    FlagSeverity.CRITICAL: QT_TRANSLATE_NOOP("quality", "Critical"),
}
_OUTCOMES = {
    FlagOutcome.CONFIRMED: QT_TRANSLATE_NOOP("quality", "Confirmed"),
    FlagOutcome.COACHING_NEEDED: QT_TRANSLATE_NOOP("quality", "Coaching needed"),
    FlagOutcome.NO_ISSUE: QT_TRANSLATE_NOOP("quality", "No issue"),
}


def _labelled(counts: dict[str, int], labels: Sequence[tuple[str, str]]) -> list[tuple[Cell, int]]:
    """``counts`` in the enum's order, each under its label; a key the labels lack as it is, last."""
    known = dict(labels)
    out: list[tuple[Cell, int]] = [
        (Text("quality", label), counts[key]) for key, label in labels if key in counts
    ]
    out += [(key, n) for key, n in sorted(counts.items()) if key not in known]
    return out


def flags_table(report: DayReport) -> Table:
    flags = report.flags
    table = Table(
        key="flags",
        title=_t(QT_TRANSLATE_NOOP("report", "Quality flags")),
        columns=[
            _col(QT_TRANSLATE_NOOP("report", "Group"), Kind.TEXT),
            _col(QT_TRANSLATE_NOOP("report", "Item"), Kind.TEXT),
            _col(QT_TRANSLATE_NOOP("report", "Flags"), Kind.COUNT),
        ],
    )
    all_flags = _t(QT_TRANSLATE_NOOP("report", "All flags"))
    table.rows.append([all_flags, _t(QT_TRANSLATE_NOOP("report", "Raised")), flags.raised])
    table.rows.append([all_flags, _t(QT_TRANSLATE_NOOP("report", "Closed after review")), flags.closed])
    groups = (
        (QT_TRANSLATE_NOOP("report", "Raised, by category"), flags.by_category, _CATEGORIES),
        (QT_TRANSLATE_NOOP("report", "Raised, by severity"), flags.by_severity, _SEVERITIES),
        (QT_TRANSLATE_NOOP("report", "Closed, by outcome"), flags.by_outcome, _OUTCOMES),
    )
    for group, counts, labels in groups:
        for label, n in _labelled(counts, [(str(k), v) for k, v in labels.items()]):
            table.rows.append([_t(group), label, n])
    return table


def report_tables(report: DayReport) -> list[Table]:
    """The report's sections, in order: queues, agents, cases, flags."""
    return [queues_table(report), agents_table(report), cases_table(report), flags_table(report)]


def cell_text(cell: Cell, lookup: Lookup = english) -> str:
    """A text cell (a name, a label) as the reader reads it."""
    if isinstance(cell, Text):
        return text_in(cell, lookup)
    return "" if cell is None else str(cell)


def hms(seconds: float) -> str:
    """``h:mm:ss``, whole seconds (rounded), hours never wrapped at 24."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


# -- today's report from the live floor (until the gateway's history.query serves every day) ---------


def live_day_report(
    state: FloorState, interval_min: int, definition: SlDefinition | None = None
) -> DayReport:
    """Today's queues as a report, from the floor's own day figures and 5-minute buckets.

    Only the queues: the agents', cases' and flags' figures of a day come from the gateway's store
    (``history.query``); a report made here leaves them empty. As of the floor's feed clock.
    """
    centre = state.centre
    sl = definition or centre.sl_definition
    now = state.at or centre.day_started_at or iso(0)
    day0_at = centre.day_started_at or now
    day0 = to_ms(day0_at)
    width = interval_min * 60_000
    queues = []
    for q in state.queues.values():
        intervals = interval_buckets(q.buckets, day0, width)
        queues.append(
            QueueDay(
                queue_id=q.id,
                name=q.name,
                sl_threshold_s=q.sl_threshold_s,
                sl_target_pct=q.sl_target_pct,
                total=queue_today(q.today, sl),
                intervals=intervals,
            )
        )
    day = datetime.fromtimestamp(day0 / 1000, zone(centre.timezone)).date().isoformat()
    return DayReport(
        centre=centre.name,
        timezone=centre.timezone,
        day=day,
        starts_at=day0_at,
        ends_at=now,
        complete=False,
        sl_definition=sl,
        interval_min=interval_min,
        queues=queues,
    )
