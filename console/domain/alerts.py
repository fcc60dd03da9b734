"""Alerts: a queue figure or an agent's time in a state past its critical limit, raised, ended, acknowledged.

The console feeds an ``AlertBook`` the floor after each batch and on each clock tick, on the
**feed clock** (``FloorState.at``, never the workstation's). The book keeps a list of alerts; a
widget shows it and the window notifies of the new ones.

**What alerts.** Only *critical*: warnings are already the queue overview's and the agent
board's colours, and an alert is something to act on.

- A queue (not the centre total) whose figure is critical against the console's thresholds
  (``AlertSettings.thresholds``, the same ``ThresholdConfig`` the queue overview colours with and
  the wall display uses by default): service level this interval, the longest wait, calls
  waiting, abandon rate over the last 60 minutes (the live figures: an abandon rate *today* that
  went bad in the morning would stay critical all day). One alert per queue and metric.
- An agent in not-ready (any reason) or on a call for longer than the critical limit of the
  agent board's own table (``figures.queues.STATE_LIMITS_S``, the red square: not-ready 20 min,
  a break 20 min, coaching 45 min, lunch 60 min, a call 30 min...), each overridable in
  ``AlertSettings.agent_limits``. Its start is when the limit was passed (state start + limit).

**Life of an alert.** Raised when the figure becomes critical (``started_at_ms``: the feed time it
was seen, or for an agent the moment the limit was passed), ended when it no longer is
(``ended_at_ms``). No flapping: one that is critical again within ``hold_ms`` (30 s of feed time)
of its end continues: the same alert, active again, with its start, acknowledgement and no new
notification. Acknowledged (``acknowledge``: who and when) it stays listed while active but no
longer counts as *unacknowledged* (``nagging``). Acknowledgements are this console's own: they are
not sent to the gateway.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from console.domain.clock import to_ms
from console.domain.entities import Agent, AgentState
from console.domain.figures.queues import (
    STATE_LIMITS_S,
    Level,
    MetricsConfig,
    QueueFigures,
    queue_figures,
    state_limit_key,
    state_limits_of,
)
from console.domain.state import FloorState
from console.domain.texts import QT_TRANSLATE_NOOP, Text
from console.domain.wallboard import LOWER_IS_WORSE, Limits, Metric, MetricLimits, ThresholdConfig, level_of

#: An alert that ends and is critical again within this much feed time continues (no flapping).
HOLD_MS = 30_000
#: Ended alerts beyond this many are forgotten, oldest first (active ones never are).
KEEP_ENDED = 500

#: The agent states that alert, and the keys of their limits editable in the console (a not-ready
#: reason's own limit, ``not_ready:REASON``, as the agent board's table has them).
AGENT_LIMIT_KEYS: tuple[str, ...] = (
    "on_call",
    "not_ready",
    *sorted(k for k in STATE_LIMITS_S if k.startswith("not_ready:")),
)
_ALERTING_STATES = (AgentState.ON_CALL, AgentState.NOT_READY)
#: ``to_ms``, remembered: an agent's state start is parsed again at every observation otherwise.
_ms = lru_cache(maxsize=16_384)(to_ms)

#: Upper bounds of what a threshold may be set to (the wall display's layout file has the same).
METRIC_MAX: dict[Metric, float] = {
    Metric.SERVICE_LEVEL: 100.0,
    Metric.ABANDON: 100.0,
    Metric.LONGEST_WAIT: 86_400.0,
    Metric.WAITING: 100_000.0,
}
AGENT_LIMIT_MAX_S = 24 * 3600.0


class Subject(StrEnum):
    QUEUE = "queue"
    AGENT = "agent"


class What(StrEnum):
    """What an alert is about: a queue metric, or how long an agent is in a state."""

    SERVICE_LEVEL = "service_level"
    LONGEST_WAIT = "longest_wait"
    WAITING = "waiting"
    ABANDON = "abandon"
    NOT_READY = "not_ready"
    ON_CALL = "on_call"


def what_of(metric: Metric) -> What:
    return What(metric.value)


@dataclass
class Alert:
    id: int
    subject: Subject
    subject_id: str  # the queue's or the agent's id
    name: str  # the queue's or agent's name when raised
    what: What
    started_at_ms: int
    level: Level = Level.CRITICAL
    value: float | None = None  # the figure (or seconds in the state) when last seen critical
    limit: float | None = None  # the critical limit it passed
    reason: str | None = None  # a not-ready agent's reason
    ended_at_ms: int | None = None
    acknowledged_by: str | None = None
    acknowledged_at_ms: int | None = None

    @property
    def active(self) -> bool:
        return self.ended_at_ms is None

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at_ms is not None

    @property
    def nagging(self) -> bool:
        """Active and not acknowledged: what the count and the list's highlight are about."""
        return self.active and not self.acknowledged

    @property
    def key(self) -> tuple[Subject, str, What]:
        return (self.subject, self.subject_id, self.what)


# -- settings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertSettings:
    """The console's thresholds: queue metrics (board-wide and per queue) and agents' time limits.

    ``thresholds``: a ``ThresholdConfig`` on the live scale (``board`` and ``queues`` only); a
    limit left out is the domain's default for the queue (``wallboard.default_limits``).
    ``agent_limits``: seconds by ``STATE_LIMITS_S`` key; a limit left out is the agent board's.
    """

    thresholds: ThresholdConfig = field(default_factory=ThresholdConfig)
    agent_limits: Mapping[str, Limits] = field(default_factory=dict)

    def state_limits(self) -> dict[str, tuple[float, float]]:
        """The agent board's table with this console's limits over it."""
        out = dict(STATE_LIMITS_S)
        for key, limits in self.agent_limits.items():
            warning, critical = out.get(key) or out.get(key.split(":", 1)[0]) or (math.inf, math.inf)
            out[key] = (
                warning if limits.warning is None else limits.warning,
                critical if limits.critical is None else limits.critical,
            )
        return out

    def to_json(self) -> str:
        def limits(m: MetricLimits) -> dict[str, dict[str, float]]:
            out: dict[str, dict[str, float]] = {}
            for metric in Metric:
                got = _limits_dict(m.get(metric))
                if got:
                    out[metric.value] = got
            return out

        data: dict[str, Any] = {
            "board": limits(self.thresholds.board),
            "queues": {q: lm for q, m in sorted(self.thresholds.queues.items()) if (lm := limits(m))},
            "agents": {k: ld for k, v in sorted(self.agent_limits.items()) if (ld := _limits_dict(v))},
        }
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> AlertSettings:
        """Settings as ``to_json`` wrote them; anything unreadable (a hand-edited file) is left out."""
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()

        def metric_limits(raw: object) -> MetricLimits:
            if not isinstance(raw, dict):
                return MetricLimits()
            out: dict[str, Limits] = {}
            for metric in Metric:
                limits = _limits_from(raw.get(metric.value), METRIC_MAX[metric])
                if limits is not None and limits_problem(metric, limits) is None:
                    out[metric.value] = limits
            return MetricLimits(**out)

        queues_raw = data.get("queues")
        queues = (
            {str(q): metric_limits(m) for q, m in queues_raw.items()} if isinstance(queues_raw, dict) else {}
        )
        agents_raw = data.get("agents")
        agents: dict[str, Limits] = {}
        if isinstance(agents_raw, dict):
            for key, raw in agents_raw.items():
                limits = _limits_from(raw, AGENT_LIMIT_MAX_S)
                if limits is not None and agent_limits_problem(limits) is None:
                    agents[str(key)] = limits
        return cls(
            thresholds=ThresholdConfig(board=metric_limits(data.get("board")), queues=queues),
            agent_limits=agents,
        )


def _limits_dict(limits: Limits) -> dict[str, float]:
    return {k: v for k, v in (("warning", limits.warning), ("critical", limits.critical)) if v is not None}


def _limits_from(raw: object, hi: float) -> Limits | None:
    if not isinstance(raw, dict):
        return None
    got: dict[str, float | None] = {}
    for key in ("warning", "critical"):
        value = raw.get(key)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= hi
        got[key] = float(value) if ok and isinstance(value, int | float) else None
    return Limits(warning=got["warning"], critical=got["critical"])


def _text(template: str, **params: object) -> Text:
    return Text("AlertThresholds", template, params)


def limits_problem(metric: Metric, limits: Limits) -> Text | None:
    """What is wrong with a metric's limits (out of range, critical on the better side), or None."""
    hi = METRIC_MAX[metric]
    for value in (limits.warning, limits.critical):
        if value is not None and not (0 <= value <= hi and math.isfinite(value)):
            return _text(
                QT_TRANSLATE_NOOP("AlertThresholds", "{value:g} is out of range: 0 to {hi:g}"),
                value=value,
                hi=hi,
            )
    warning, critical = limits.warning, limits.critical
    if warning is None or critical is None:
        return None
    if metric in LOWER_IS_WORSE and critical > warning:
        return _text(
            QT_TRANSLATE_NOOP(
                "AlertThresholds",
                "critical ({critical:g}) must be at or below warning ({warning:g}): "
                "a lower service level is worse",
            ),
            critical=critical,
            warning=warning,
        )
    if metric not in LOWER_IS_WORSE and critical < warning:
        return _text(
            QT_TRANSLATE_NOOP(
                "AlertThresholds", "critical ({critical:g}) must be at or above warning ({warning:g})"
            ),
            critical=critical,
            warning=warning,
        )
    return None


def agent_limits_problem(limits: Limits) -> Text | None:
    """What is wrong with an agent state's limits (in seconds), or None."""
    for value in (limits.warning, limits.critical):
        if value is not None and not (0 < value <= AGENT_LIMIT_MAX_S):
            return _text(
                QT_TRANSLATE_NOOP("AlertThresholds", "a time limit must be more than 0 and at most 24 hours")
            )
    if limits.warning is not None and limits.critical is not None and limits.critical < limits.warning:
        return _text(
            QT_TRANSLATE_NOOP("AlertThresholds", "critical must be at or above warning"),
        )
    return None


# -- the book -----------------------------------------------------------------------------------------

#: The queue figure each metric alerts on: the live ones.
QUEUE_FIGURE: dict[Metric, Callable[[QueueFigures], float | None]] = {
    Metric.SERVICE_LEVEL: lambda f: f.interval.service_level_pct,
    Metric.LONGEST_WAIT: lambda f: f.longest_wait_s,
    Metric.WAITING: lambda f: float(f.waiting),
    Metric.ABANDON: lambda f: f.rolling.abandon_pct,
}


@dataclass(frozen=True)
class Critical:
    """Something critical right now, as one observation sees it."""

    subject: Subject
    subject_id: str
    name: str
    what: What
    value: float | None
    limit: float | None
    since_ms: int  # when it became critical, as far as the observation can tell
    reason: str | None = None

    @property
    def key(self) -> tuple[Subject, str, What]:
        return (self.subject, self.subject_id, self.what)


def queue_criticals(
    figures: Iterable[QueueFigures],
    config: ThresholdConfig,
    now_ms: int,
    limits_of: Callable[[QueueFigures], MetricLimits] | None = None,
) -> list[Critical]:
    """The queues' figures critical now (the centre total left out: its queues say it).

    ``limits_of``: ``config.limits_for`` of a queue's figures, remembered (``AlertBook`` keeps them:
    resolving 200 queues' limits on every observation cost more than the rest of it).
    """
    resolve = config.limits_for if limits_of is None else limits_of
    out: list[Critical] = []
    for f in figures:
        if f.is_total:
            continue
        limits = resolve(f)
        for metric, figure in QUEUE_FIGURE.items():
            value = figure(f)
            metric_limits = limits.get(metric)
            if level_of(metric, value, metric_limits) is Level.CRITICAL:
                out.append(
                    Critical(
                        Subject.QUEUE,
                        f.queue_id,
                        f.name,
                        what_of(metric),
                        value,
                        metric_limits.critical,
                        now_ms,
                    )
                )
    return out


def agent_criticals(
    agents: Iterable[Agent], limits: Mapping[str, tuple[float, float]], now_ms: int
) -> list[Critical]:
    """Agents in not-ready or on a call past the critical limit for their state (and reason).

    What ``time_in_state_level`` says is ``CRITICAL``, with each state's limit looked up once and
    each start time parsed once (a big floor has thousands of agents on calls, every observation).
    """
    out: list[Critical] = []
    criticals: dict[tuple[AgentState, str | None], float | None] = {}
    for a in agents:
        if a.state not in _ALERTING_STATES or a.state_since is None:
            continue
        key = (a.state, a.reason)
        if key in criticals:
            critical = criticals[key]
        else:
            state_limits = state_limits_of(a.state, a.reason, limits)
            critical = criticals[key] = state_limits[1] if state_limits else None
        if critical is None:
            continue  # no limit: never critical
        since = _ms(a.state_since)
        seconds = max(0.0, (now_ms - since) / 1000.0)
        if seconds < critical:
            continue
        passed = since + round(critical * 1000)
        what = What.ON_CALL if a.state is AgentState.ON_CALL else What.NOT_READY
        reason = a.reason if a.state is AgentState.NOT_READY else None
        out.append(
            Critical(Subject.AGENT, a.id, a.name, what, seconds, critical, min(passed, now_ms), reason)
        )
    return out


@dataclass
class Observed:
    """What one observation changed: the alerts newly raised (to notify of), and whether anything changed."""

    raised: list[Alert] = field(default_factory=list)
    changed: bool = False


class AlertBook:
    """The console's alerts, kept up to date from the floor on the feed clock (see the module's notes)."""

    def __init__(self, settings: AlertSettings | None = None, hold_ms: int = HOLD_MS) -> None:
        self.settings = settings or AlertSettings()
        self.hold_ms = hold_ms
        self.alerts: list[Alert] = []  # in the order raised
        self._open: dict[tuple[Subject, str, What], Alert] = {}  # active, or ended within the hold
        self._state_limits = self.settings.state_limits()
        self._queue_limits: dict[tuple[str, float, float], MetricLimits] = {}  # limits_for, per queue
        self._next_id = 1

    def set_settings(self, settings: AlertSettings) -> None:
        """New thresholds: they apply from the next observation (an alert they clear ends then)."""
        self.settings = settings
        self._state_limits = settings.state_limits()
        self._queue_limits.clear()

    @property
    def state_limits(self) -> dict[str, tuple[float, float]]:
        return self._state_limits

    def observe_floor(self, state: FloorState, config: MetricsConfig | None = None) -> Observed:
        """Observe the floor at its own clock (``state.at``); nothing before the floor has a clock."""
        if state.at is None:
            return Observed()
        now = to_ms(state.at)
        return self.observe(now, queue_figures(state, now, config), state.agents.values())

    def observe(self, now_ms: int, figures: Sequence[QueueFigures], agents: Iterable[Agent]) -> Observed:
        current = queue_criticals(figures, self.settings.thresholds, now_ms, self._limits_for)
        current += agent_criticals(agents, self._state_limits, now_ms)
        return self.observe_criticals(now_ms, current)

    def _limits_for(self, f: QueueFigures) -> MetricLimits:
        """``settings.thresholds.limits_for(f)``, remembered per queue, target and threshold."""
        key = (f.queue_id, f.sl_target_pct, f.sl_threshold_s)
        found = self._queue_limits.get(key)
        if found is None:
            found = self._queue_limits[key] = self.settings.thresholds.limits_for(f)
        return found

    def observe_criticals(self, now_ms: int, current: Sequence[Critical]) -> Observed:
        out = Observed()
        # Ended longer ago than the hold: closed for good, a new one if it comes back.
        for key, alert in list(self._open.items()):
            if alert.ended_at_ms is not None and now_ms - alert.ended_at_ms > self.hold_ms:
                del self._open[key]
        seen: set[tuple[Subject, str, What]] = set()
        for c in current:
            seen.add(c.key)
            found = self._open.get(c.key)
            if found is None:
                alert = Alert(
                    id=self._next_id,
                    subject=c.subject,
                    subject_id=c.subject_id,
                    name=c.name,
                    what=c.what,
                    started_at_ms=c.since_ms,
                    value=c.value,
                    limit=c.limit,
                    reason=c.reason,
                )
                self._next_id += 1
                self._open[c.key] = alert
                self.alerts.append(alert)
                out.raised.append(alert)
                out.changed = True
                continue
            alert = found
            if alert.ended_at_ms is not None:  # back within the hold: the same alert goes on
                alert.ended_at_ms = None
                out.changed = True
            if (alert.value, alert.limit, alert.reason) != (c.value, c.limit, c.reason):
                alert.value, alert.limit, alert.reason = c.value, c.limit, c.reason
                out.changed = True
        for key, alert in self._open.items():
            if key not in seen and alert.ended_at_ms is None:
                alert.ended_at_ms = now_ms
                out.changed = True
        if out.changed:
            self._forget_old()
        return out

    def _forget_old(self) -> None:
        ended = [a for a in self.alerts if not a.active and a.key not in self._open]
        if len(ended) <= KEEP_ENDED:
            return
        drop = {id(a) for a in ended[: len(ended) - KEEP_ENDED]}
        self.alerts = [a for a in self.alerts if id(a) not in drop]

    def get(self, alert_id: int) -> Alert | None:
        return next((a for a in self.alerts if a.id == alert_id), None)

    def acknowledge(self, alert_id: int, who: str, at_ms: int) -> bool:
        """Acknowledge one alert (active or ended); False when unknown or already acknowledged."""
        alert = self.get(alert_id)
        if alert is None or alert.acknowledged:
            return False
        alert.acknowledged_by = who
        alert.acknowledged_at_ms = at_ms
        return True

    @property
    def nagging(self) -> int:
        """How many alerts are active and not acknowledged."""
        return sum(1 for a in self.alerts if a.nagging)

    @property
    def active(self) -> int:
        return sum(1 for a in self.alerts if a.active)


def agent_limit_key(state: AgentState, reason: str | None) -> str:
    """The ``agent_limits`` key of a state (and not-ready reason)."""
    return state_limit_key(state, reason)
