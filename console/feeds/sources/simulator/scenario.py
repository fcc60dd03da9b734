"""Scenario files: a contact centre described in TOML, loaded and validated.

Every error names the file, the key and the reason
(``x.toml: queues[0].handle_time.mean_s: must not be negative``) so whoever
wrote the file can fix it without reading code. Structure and types are checked
by msgspec (unknown keys are errors: a typo must not silently fall back to a
default); meaning (references, times, ranges) by ``_check``.

The names in ``[centre]``, ``[[queues]]`` and ``[[teams]]`` are shown in English;
``[names.zh_CN]`` gives every one of them in Chinese (``localized``). Ids never
depend on the language.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from console.domain.businessday import parse_hhmm
from console.domain.entities import (
    CALL_PRIORITY_MAX,
    CALL_PRIORITY_MIN,
    CASE_PRIORITIES,
    NOT_READY_REASONS,
    SlDefinition,
)
from console.feeds.sources.simulator.names import DEFAULT_LANGUAGE, check_language
from console.input_files import InputFileError, read_input_text

#: The bundled scenarios: package data of console.resources (the folder resources/ in the repository),
#: found wherever the package is installed. A Path: pip installs a wheel unpacked, the editable install
#: maps the package to the folder, and the loaders and ``--scenario`` work with paths.
SCENARIO_DIR = Path(str(files("console.resources") / "scenarios"))
DEFAULT_SCENARIO = SCENARIO_DIR / "bank.toml"


class ScenarioError(Exception):
    """A scenario file that cannot be used; the message says where and why."""


class _Spec(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of every scenario table: keyword-only, unknown keys rejected (the config is inherited)."""


class Distribution(_Spec):
    """A duration law. lognormal is parametrised by the mean and sd of the durations themselves."""

    dist: Literal["exponential", "lognormal", "fixed"]
    mean_s: float
    sd_s: float | None = None


def _fixed(seconds: float) -> Distribution:
    return Distribution(dist="fixed", mean_s=seconds)


def _lognormal(mean_s: float, sd_s: float) -> Distribution:
    return Distribution(dist="lognormal", mean_s=mean_s, sd_s=sd_s)


def _exponential(mean_s: float) -> Distribution:
    return Distribution(dist="exponential", mean_s=mean_s)


class CentreSpec(_Spec):
    name: str
    timezone: str = "UTC"
    opens: str = "00:00"  # calls arrive only between opens and closes (local time)
    closes: str = "24:00"
    day_starts: str = "00:00"  # local time at which "today" resets
    start_time: str = "08:00"  # local time of day a fresh simulation starts at by default
    short_abandon_s: float = 5.0
    sl_definition: SlDefinition = SlDefinition.ABANDONS_FAIL
    ring_s: float = 0.0  # > 0: the agent rings this long before the call is answered
    arrival_curve: list[float] | None = None  # 24 hourly multipliers of every queue's arrivals_per_hour


class QueueSpec(_Spec):
    id: str
    name: str
    arrivals_per_hour: float
    handle_time: Distribution
    patience: Distribution | None = None  # None: callers never abandon
    wrap_up: Distribution = msgspec.field(default_factory=lambda: _fixed(0.0))
    sl_threshold_s: float = 20.0
    sl_target_pct: float = 80.0
    priority: int = 5  # higher is served first (0-10)
    arrival_curve: list[float] | None = None  # overrides the centre's curve


class TeamSpec(_Spec):
    id: str
    agents: int
    skills: list[str]
    name: str | None = None  # defaults to the id
    shift: str | None = None  # "HH:MM-HH:MM" local, may cross midnight; None: always logged in
    breaks: bool = False  # take breaks per the [breaks] policy

    @property
    def display_name(self) -> str:
        return self.name or self.id


class BreakRule(_Spec):
    """One kind of not-ready time: due ``interval`` after login (or after the last one)."""

    reason: str
    interval: Distribution
    duration: Distribution
    per_shift: int = 0  # most per login session; 0: no limit


def _default_break_rules() -> list[BreakRule]:
    return [
        BreakRule(
            reason="break", interval=_lognormal(7200, 1200), duration=_lognormal(900, 240), per_shift=2
        ),
        BreakRule(
            reason="lunch", interval=_lognormal(14400, 1800), duration=_lognormal(2700, 420), per_shift=1
        ),
    ]


class BreakPolicy(_Spec):
    rules: list[BreakRule] = msgspec.field(default_factory=_default_break_rules)


class CasePriority(_Spec):
    share: float  # relative weight among new cases
    first_response_h: float
    resolution_h: float
    step_scale: float = 1.0  # multiplies every step duration (urgent cases move faster)


class CasePriorities(_Spec):
    P1: CasePriority = msgspec.field(
        default_factory=lambda: CasePriority(share=0.05, first_response_h=1, resolution_h=24, step_scale=0.3)
    )
    P2: CasePriority = msgspec.field(
        default_factory=lambda: CasePriority(share=0.25, first_response_h=4, resolution_h=72, step_scale=0.6)
    )
    P3: CasePriority = msgspec.field(
        default_factory=lambda: CasePriority(share=0.5, first_response_h=8, resolution_h=120, step_scale=1.0)
    )
    P4: CasePriority = msgspec.field(
        default_factory=lambda: CasePriority(share=0.2, first_response_h=24, resolution_h=240, step_scale=1.4)
    )

    def items(self) -> list[tuple[str, CasePriority]]:
        return [(p, getattr(self, p)) for p in CASE_PRIORITIES]


class CaseSteps(_Spec):
    """Time a case spends in each status before it moves on."""

    intake: Distribution = msgspec.field(default_factory=lambda: _lognormal(3 * 3600, 2.5 * 3600))
    triage: Distribution = msgspec.field(default_factory=lambda: _lognormal(4 * 3600, 3 * 3600))
    referred: Distribution = msgspec.field(default_factory=lambda: _lognormal(24 * 3600, 18 * 3600))
    awaiting_customer: Distribution = msgspec.field(default_factory=lambda: _lognormal(16 * 3600, 14 * 3600))
    resolution: Distribution = msgspec.field(default_factory=lambda: _lognormal(8 * 3600, 6 * 3600))
    callback: Distribution = msgspec.field(default_factory=lambda: _lognormal(4 * 3600, 3 * 3600))


class CasesSpec(_Spec):
    queues: dict[str, float]  # queue id -> relative weight of new cases
    handler_teams: list[str]
    arrivals_per_hour: float = 0.0
    initial_backlog: int = 0  # open cases already in the system at a fresh start
    case_limit: int | None = None  # open cases an agent should hold at most (on the feed; consoles warn)
    arrival_curve: list[float] | None = None  # None: the centre's curve
    priorities: CasePriorities = msgspec.field(default_factory=CasePriorities)
    steps: CaseSteps = msgspec.field(default_factory=CaseSteps)
    p_awaiting_customer: float = 0.2  # share of referred cases that wait on the customer
    p_reopen: float = 0.02  # share of closed cases reopened later
    reopen_after: Distribution = msgspec.field(default_factory=lambda: _exponential(2 * 86400))


class LocalNames(_Spec):
    """The centre's, queues' and teams' display names in one language (ids never change)."""

    centre: str
    queues: dict[str, str]  # queue id -> name; every queue of the scenario
    teams: dict[str, str]  # team id -> name; every team of the scenario


class Names(_Spec):
    """Display names by language; the names in [centre], [[queues]] and [[teams]] are the English ones."""

    # The TOML key is the language tag as --lang spells it; the attribute is snake case.
    zh_cn: LocalNames | None = msgspec.field(default=None, name="zh_CN")

    def get(self, lang: str) -> LocalNames | None:
        """The names table for ``lang``; None for English or a language the file has no table for."""
        return self.zh_cn if check_language(lang) == "zh_CN" else None

    def tables(self) -> list[tuple[str, LocalNames]]:
        return [("zh_CN", self.zh_cn)] if self.zh_cn is not None else []


class Scenario(_Spec):
    centre: CentreSpec
    queues: list[QueueSpec]
    teams: list[TeamSpec]
    breaks: BreakPolicy = msgspec.field(default_factory=BreakPolicy)
    cases: CasesSpec | None = None
    names: Names = msgspec.field(default_factory=Names)


def localized(scenario: Scenario, lang: str = DEFAULT_LANGUAGE) -> Scenario:
    """The scenario with the centre's, queues' and teams' names in ``lang``, everything else as is.

    Without a ``[names.LANG]`` table (and for English) the file's own names stay.
    Raises ValueError for a language that is not one of ``names.LANGUAGES``.
    """
    table = scenario.names.get(lang)
    if table is None:
        return scenario
    replace = msgspec.structs.replace
    return replace(
        scenario,
        centre=replace(scenario.centre, name=table.centre),
        queues=[replace(q, name=table.queues.get(q.id, q.name)) for q in scenario.queues],
        teams=[replace(t, name=table.teams.get(t.id, t.name)) for t in scenario.teams],
    )


# -- loading -------------------------------------------------------------------


def load_scenario(path: Path | str) -> Scenario:
    """Read, parse and validate a scenario file; raises ScenarioError."""
    where = str(path)
    try:
        text = read_input_text(path)  # a regular file of at most 1 MiB: no FIFO, no /dev/zero
    except InputFileError as exc:
        raise ScenarioError(f"{where}: {exc.reason}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = f"line {m.group(1)}: " if m else ""
        raise ScenarioError(f"{where}: {line}TOML syntax error: {exc}") from None
    for key, reason in _name_types(data):
        raise ScenarioError(f"{where}: {key}: {reason}")
    try:
        scenario = msgspec.convert(data, type=Scenario)
    except msgspec.ValidationError as exc:
        key, reason = _split_msgspec_error(str(exc))
        raise ScenarioError(f"{where}: {key}: {reason}") from None
    for key, reason in _check(scenario):
        raise ScenarioError(f"{where}: {key}: {reason}")
    return scenario


def resolve_scenario(name_or_path: str) -> Path:
    """A path as given, or a bare name like ``single_queue`` for the bundled scenarios/single_queue.toml."""
    given = Path(name_or_path)
    if given.is_file() or len(given.parts) > 1:
        return given
    candidate = SCENARIO_DIR / (name_or_path if given.suffix == ".toml" else f"{name_or_path}.toml")
    if candidate.is_file():
        return candidate
    if given.suffix == ".toml":
        return given  # loading it reports the missing file by the name the user gave
    known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))) or "none"
    raise ScenarioError(f"{name_or_path}: no such scenario file or built-in scenario (built-in: {known})")


def start_ms_on(scenario: Scenario, day: date) -> int:
    """Epoch ms of the centre's ``start_time`` on ``day`` in the centre's time zone."""
    h, m = parse_hhmm(scenario.centre.start_time)
    tz = ZoneInfo(scenario.centre.timezone)
    local = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(hours=h, minutes=m)
    return round(local.timestamp() * 1000)


def minutes(value: str) -> int:
    """Minutes after local midnight of an ``HH:MM`` value (0..1440)."""
    h, m = parse_hhmm(value)
    return h * 60 + m


def shift_window(value: str) -> tuple[int, int]:
    """(start, end) minutes of a ``HH:MM-HH:MM`` shift; end <= start means it crosses midnight."""
    parts = value.split("-")
    if len(parts) != 2:
        raise ValueError(f"{value!r} is not a shift HH:MM-HH:MM")
    try:
        start, end = minutes(parts[0].strip()), minutes(parts[1].strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a shift HH:MM-HH:MM") from None
    if start % 1440 == end % 1440:
        raise ValueError(f"shift {value!r} starts when it ends; leave shift out for agents always logged in")
    return start % 1440, end % 1440


_TOML_TYPES = {str: "str", bool: "bool", int: "int", float: "float", list: "array", dict: "object"}


def _name_types(data: dict[str, Any]) -> Iterator[Problem]:
    """Names that are not strings, by their key: msgspec would only say ``names.zh_CN.queues[...]``."""
    names = data.get("names")
    if not isinstance(names, dict):
        return
    for lang, table in names.items():
        if lang not in Names.__struct_encode_fields__ or not isinstance(table, dict):
            continue  # msgspec reports an unknown language or a table that is not one
        for what in ("queues", "teams"):
            items = table.get(what)
            if not isinstance(items, dict):
                continue
            for item_id, value in items.items():
                if not isinstance(value, str):
                    got = _TOML_TYPES.get(type(value), type(value).__name__)
                    yield f"names.{lang}.{what}.{item_id}", f"Expected `str`, got `{got}`"


_AT = re.compile(r"^(?P<reason>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_FIELD = re.compile(r"^Object (?P<what>missing required|contains unknown) field `(?P<field>[^`]*)`$")


def _split_msgspec_error(message: str) -> tuple[str, str]:
    """Turn msgspec's "reason - at `$.a[0].b`" into ("a[0].b", reason), naming missing/unknown keys."""
    m = _AT.match(message)
    reason = m.group("reason") if m else message
    path = (m.group("path") if m else None) or ""
    path = path.removeprefix(".")
    f = _FIELD.match(reason)
    if f is not None:
        path = f"{path}.{f.group('field')}" if path else f.group("field")
        reason = "missing required key" if f.group("what") == "missing required" else "unknown key"
    return path or "(top level)", reason


# -- meaning -------------------------------------------------------------------

Problem = tuple[str, str]


def _check(s: Scenario) -> Iterator[Problem]:
    yield from _check_centre(s.centre)
    if not s.queues:
        yield "queues", "at least one queue is needed"
    if not s.teams:
        yield "teams", "at least one team is needed"
    queue_ids: set[str] = set()
    for i, q in enumerate(s.queues):
        yield from _check_queue(f"queues[{i}]", q, queue_ids)
        queue_ids.add(q.id)
    team_ids: set[str] = set()
    staffed: set[str] = set()
    for i, t in enumerate(s.teams):
        key = f"teams[{i}]"
        if not t.id:
            yield f"{key}.id", "must not be empty"
        if t.id in team_ids:
            yield f"{key}.id", f"duplicate team id {t.id!r}"
        team_ids.add(t.id)
        if t.agents < 0:
            yield f"{key}.agents", "must not be negative"
        if not t.skills:
            yield f"{key}.skills", "a team needs at least one skill"
        for j, skill in enumerate(t.skills):
            if skill not in queue_ids:
                yield f"{key}.skills[{j}]", f"unknown queue {skill!r}"
        if t.shift is not None:
            try:
                shift_window(t.shift)
            except ValueError as exc:
                yield f"{key}.shift", str(exc)
        if t.agents > 0:
            staffed.update(t.skills)
    for i, q in enumerate(s.queues):
        if q.id not in staffed:
            yield f"queues[{i}].id", f"no team with agents is skilled for queue {q.id!r}"
    reasons: set[str] = set()
    for i, rule in enumerate(s.breaks.rules):
        key = f"breaks.rules[{i}]"
        if rule.reason not in NOT_READY_REASONS:
            yield (
                f"{key}.reason",
                f"unknown reason {rule.reason!r}; expected one of {', '.join(NOT_READY_REASONS)}",
            )
        if rule.reason in reasons:
            yield f"{key}.reason", f"duplicate reason {rule.reason!r}"
        reasons.add(rule.reason)
        yield from _check_dist(f"{key}.interval", rule.interval, positive=True)
        yield from _check_dist(f"{key}.duration", rule.duration, positive=True)
        if rule.per_shift < 0:
            yield f"{key}.per_shift", "must not be negative"
    if s.cases is not None:
        yield from _check_cases(s.cases, queue_ids, team_ids)
    for lang, table in s.names.tables():
        yield from _check_names(f"names.{lang}", table, s)


def _check_centre(c: CentreSpec) -> Iterator[Problem]:
    try:
        ZoneInfo(c.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        yield "centre.timezone", f"unknown time zone {c.timezone!r}"
    times: dict[str, int] = {}
    for name in ("opens", "closes", "day_starts", "start_time"):
        try:
            times[name] = minutes(getattr(c, name))
        except ValueError as exc:
            yield f"centre.{name}", str(exc)
    if "opens" in times and "closes" in times and times["closes"] <= times["opens"]:
        yield "centre.closes", f"closes ({c.closes}) before or when it opens ({c.opens})"
    if c.short_abandon_s < 0:
        yield "centre.short_abandon_s", "must not be negative"
    if c.ring_s < 0:
        yield "centre.ring_s", "must not be negative"
    yield from _check_curve("centre.arrival_curve", c.arrival_curve)


def _check_queue(key: str, q: QueueSpec, seen: set[str]) -> Iterator[Problem]:
    if not q.id:
        yield f"{key}.id", "must not be empty"
    if q.id in seen:
        yield f"{key}.id", f"duplicate queue id {q.id!r}"
    if q.arrivals_per_hour < 0:
        yield f"{key}.arrivals_per_hour", "must not be negative"
    yield from _check_dist(f"{key}.handle_time", q.handle_time, positive=True)
    if q.patience is not None:
        yield from _check_dist(f"{key}.patience", q.patience, positive=True)
    yield from _check_dist(f"{key}.wrap_up", q.wrap_up, positive=False)
    if q.sl_threshold_s < 0:
        yield f"{key}.sl_threshold_s", "must not be negative"
    if not 0 <= q.sl_target_pct <= 100:
        yield f"{key}.sl_target_pct", "must be between 0 and 100"
    if not CALL_PRIORITY_MIN <= q.priority <= CALL_PRIORITY_MAX:
        yield f"{key}.priority", f"must be between {CALL_PRIORITY_MIN} and {CALL_PRIORITY_MAX}"
    yield from _check_curve(f"{key}.arrival_curve", q.arrival_curve)


def _check_names(key: str, table: LocalNames, s: Scenario) -> Iterator[Problem]:
    """Names only for ids the scenario has, and for all of them: a half-named floor mixes languages."""
    if not table.centre.strip():
        yield f"{key}.centre", "must not be empty"
    for what, named, ids in (
        ("queue", table.queues, [q.id for q in s.queues]),
        ("team", table.teams, [t.id for t in s.teams]),
    ):
        where = f"{key}.{what}s"
        for item_id, name in named.items():
            if item_id not in ids:
                yield f"{where}.{item_id}", f"unknown {what} {item_id!r}"
            elif not name.strip():
                yield f"{where}.{item_id}", "must not be empty"
        for item_id in ids:
            if item_id not in named:
                yield where, f"no name for {what} {item_id!r} (every {what} needs one)"


def _check_dist(key: str, d: Distribution, *, positive: bool) -> Iterator[Problem]:
    if not math.isfinite(d.mean_s) or d.mean_s < 0:
        yield f"{key}.mean_s", "must not be negative" if d.mean_s < 0 else "must be a finite number"
    elif positive and d.mean_s == 0:
        yield f"{key}.mean_s", "must be positive"
    if d.dist == "lognormal":
        if d.sd_s is None:
            yield f"{key}.sd_s", "lognormal needs sd_s (the standard deviation of the durations)"
        elif not math.isfinite(d.sd_s) or d.sd_s < 0:
            yield f"{key}.sd_s", "must not be negative"
        elif d.mean_s == 0:
            yield f"{key}.mean_s", "lognormal needs a positive mean_s"
    elif d.sd_s is not None:
        yield f"{key}.sd_s", f"sd_s applies only to lognormal, not {d.dist}"


def _check_curve(key: str, curve: list[float] | None) -> Iterator[Problem]:
    if curve is None:
        return
    if len(curve) != 24:
        yield key, f"needs 24 hourly multipliers, got {len(curve)}"
    elif any(not math.isfinite(v) or v < 0 for v in curve):
        yield key, "multipliers must not be negative"
    elif sum(curve) <= 0:
        yield key, "at least one hour needs a positive multiplier"


def _check_cases(c: CasesSpec, queue_ids: set[str], team_ids: set[str]) -> Iterator[Problem]:
    if c.arrivals_per_hour < 0:
        yield "cases.arrivals_per_hour", "must not be negative"
    if c.initial_backlog < 0:
        yield "cases.initial_backlog", "must not be negative"
    if c.case_limit is not None and c.case_limit < 1:
        yield "cases.case_limit", "must be at least 1 (leave it out for no limit)"
    if not c.queues:
        yield "cases.queues", "cases need at least one queue"
    for qid, weight in c.queues.items():
        if qid not in queue_ids:
            yield f"cases.queues.{qid}", f"unknown queue {qid!r}"
        if not math.isfinite(weight) or weight < 0:
            yield f"cases.queues.{qid}", "weight must not be negative"
    if c.queues and sum(c.queues.values()) <= 0:
        yield "cases.queues", "at least one queue needs a positive weight"
    if not c.handler_teams:
        yield "cases.handler_teams", "cases need at least one handler team"
    for j, tid in enumerate(c.handler_teams):
        if tid not in team_ids:
            yield f"cases.handler_teams[{j}]", f"unknown team {tid!r}"
    yield from _check_curve("cases.arrival_curve", c.arrival_curve)
    total_share = 0.0
    for p, rule in c.priorities.items():
        key = f"cases.priorities.{p}"
        if rule.share < 0:
            yield f"{key}.share", "must not be negative"
        total_share += rule.share
        if rule.first_response_h <= 0:
            yield f"{key}.first_response_h", "must be positive"
        if rule.resolution_h < rule.first_response_h:
            yield f"{key}.resolution_h", "must not be before the first-response deadline"
        if rule.step_scale <= 0:
            yield f"{key}.step_scale", "must be positive"
    if total_share <= 0:
        yield "cases.priorities", "at least one priority needs a positive share"
    for name in CaseSteps.__struct_fields__:
        yield from _check_dist(f"cases.steps.{name}", getattr(c.steps, name), positive=False)
    yield from _check_dist("cases.reopen_after", c.reopen_after, positive=True)
    for name in ("p_awaiting_customer", "p_reopen"):
        value: Any = getattr(c, name)
        if not 0 <= value <= 1:
            yield f"cases.{name}", "must be a probability between 0 and 1"
