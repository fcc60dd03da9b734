"""Staffing now: per queue, how many agents the queue needs, how many serve it, and what if some move.

Qt-free and I/O-free; everything is on the feed clock (``now_ms``), never the wall clock.
The figures come from the reducer's counts (``Queue.today``, ``Queue.buckets``, the agents
and the calls waiting) and the exact formulas of ``console.domain.erlang``.

Inputs, per queue (``estimate_inputs``)
---------------------------------------

- **Arrivals per hour**: calls offered in the *arrival window* ÷ its length. The window runs
  from the start of the 5-minute bucket five buckets before the current one (25–30 minutes
  before ``now_ms``, by the buckets' edges) to ``now_ms``, cut at the business day's start:
  ``window_start_ms`` and ``window_s`` say which window was used. The current bucket counts
  up to ``now_ms``, so the rate is offered calls over elapsed feed time, unbiased.
- **Trend**: the rate over the last 10–15 minutes (``recent_per_hour``: from two buckets
  before the current one to ``now_ms``) against the 15 minutes before it (``earlier_per_hour``);
  ``trend_per_hour`` = recent − earlier, None unless both parts lie inside today.
- **AHT**: today's (talk + wrap) ÷ handled, as the queue overview's AHT.
- **Patience**: the maximum-likelihood estimate of a mean exponential patience from censored
  waits: the total time today's callers waited (answered ones until answered, abandoned ones
  until they hung up, callers still unanswered now until ``now_ms``) ÷ abandons. Short abandons
  (a wait under the centre's ``short_abandon_s``) *count*: they are draws of the same patience
  (the simulator's and the Erlang A model's), and the service level's definition leaves them
  out of the SL separately (``ErlangA.service_level``). None when nobody abandoned today: then
  the advisor uses Erlang C.
- **Staffed**: the agents serving the queue now: logged in and taking calls, i.e. available,
  ringing, on a call or in wrap-up. Not-ready agents are left out (they take no calls now; the
  count of them is in ``not_ready``), unless ``AdvisorConfig.count_not_ready``. An agent skilled
  for several queues is split across them in proportion to those queues' offered load
  (arrivals per hour × AHT; a queue whose load is unknown counts 0), equally when all of the
  agent's queues have zero load. ``staffed`` is the sum of the shares (a float), and
  ``staffed_agents`` the whole agents with any share of the queue.

Advice (``advise``)
-------------------

**Needed** is the fewest agents ``c`` for which the model's service level at the queue's
threshold, under the centre's SL definition and short-abandon limit, reaches the queue's
target. The model is Erlang A (M/M/c+M) with the estimated patience, or Erlang C (M/M/c) when
nobody abandoned today or ``AdvisorConfig.model`` says so. Approximations: arrivals Poisson,
handle times and patience exponential, one queue served by dedicated agents (the fair share
stands in for shared agents), steady state (the rest of the interval is treated as long
enough to reach it), and the service level monotone in ``c`` (the search is a doubling and a
bisection). **Gap** = round(staffed) − needed (half up, ``whole_agents``): positive spare, negative short. The
**predicted** SL (a fraction), ASA, abandon rate (short abandons out, as the overview counts it)
and occupancy are the model's at ``whole_agents(staffed)`` agents.

Every degenerate case gives None with a reason (``Reason``), never an exception:
``no_calls`` (no arrivals in the window), ``no_handled`` (no AHT yet), ``no_staff`` (nobody
serves the queue: no prediction), ``unstable`` (Erlang C at load ≥ agents: the queue grows
without bound, no steady state), ``too_many`` (more than ``MAX_AGENTS`` needed),
``model_failed`` (the formulas refused, e.g. a chain too close to saturation).

What if (``what_if``)
---------------------

A ``Move`` takes agents (named, or a number: those serving ``from_queue`` not already skilled for
``to_queue``, fewest skills first, then by id) out of ``from_queue`` into ``to_queue``: their
skills lose ``from_queue`` and gain ``to_queue``. Arrival rates, AHT and patience stay as
estimated; the staffing is counted again with the new skills (the same fair split, same loads),
and every queue whose staffing changed, plus both ends of each move, is advised again.

Forecast (``forecast``)
-----------------------

The next hour as four 15-minute intervals from the end of the current one (15-minute
intervals from the business day's start). The *level* is today's rate over the last hour
(by bucket edges as above: the current bucket and the eleven before it, 55–60 minutes, cut at
the day's start).
Without history each interval expects that level. With ``history`` (per queue, earlier days of
the same weekday as ``PastDay``, e.g. from ``DayReport.queues[*].intervals`` with
``past_days``), the level is scaled by the historical shape: rate of interval i =
level × (history's rate in interval i's time of day) ÷ (history's rate in the level's window's
time of day), both summed over the days given (counts within an interval taken as spread
evenly over it; times of day are offsets from each day's start). When history had no calls in
the level's window, the historical mean rate of interval i is used. Needed agents per interval
use today's AHT and patience and the same search.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from console.domain.clock import Timestamp, to_ms
from console.domain.entities import BUCKET_MS, AgentState, Bucket, CallState, Queue, SlDefinition
from console.domain.erlang import ErlangA, ErlangC, SteadyState
from console.domain.history import DayReport
from console.domain.state import FloorState
from console.domain.texts import QT_TRANSLATE_NOOP, Text

#: Width of the arrival window (the current bucket plus five before it: 25–30 minutes).
ARRIVAL_WINDOW_BUCKETS = 6
#: The trend compares the last three buckets (10–15 minutes) with the three before.
TREND_BUCKETS = 3
#: The forecast's level: the last twelve buckets (55–60 minutes).
LEVEL_BUCKETS = 12
#: Forecast intervals: four of 15 minutes.
FORECAST_INTERVAL_MS = 15 * 60_000
FORECAST_INTERVALS = 4
#: The most agents the search will consider for one queue.
MAX_AGENTS = 5000

#: The states in which an agent takes calls (not-ready counted only when configured).
SERVING_STATES = frozenset({AgentState.AVAILABLE, AgentState.RINGING, AgentState.ON_CALL, AgentState.WRAP_UP})


class Model(StrEnum):
    ERLANG_A = "erlang_a"
    ERLANG_C = "erlang_c"


class ModelChoice(StrEnum):
    AUTO = "auto"  # Erlang A when someone abandoned today (a patience estimate), else Erlang C
    ERLANG_A = "erlang_a"  # Erlang A when a patience is known, else Erlang C (same as auto)
    ERLANG_C = "erlang_c"  # always Erlang C (callers assumed never to abandon)


class Reason(StrEnum):
    """Why a figure is None."""

    NO_CALLS = "no_calls"
    NO_HANDLED = "no_handled"
    NO_STAFF = "no_staff"
    UNSTABLE = "unstable"
    TOO_MANY = "too_many"
    MODEL_FAILED = "model_failed"


_REASON_TEMPLATES = {
    Reason.NO_CALLS: QT_TRANSLATE_NOOP("Staffing", "no calls yet"),
    Reason.NO_HANDLED: QT_TRANSLATE_NOOP("Staffing", "no call handled yet"),
    Reason.NO_STAFF: QT_TRANSLATE_NOOP("Staffing", "nobody serves the queue"),
    Reason.UNSTABLE: QT_TRANSLATE_NOOP("Staffing", "more calls than the agents can take"),
    Reason.TOO_MANY: QT_TRANSLATE_NOOP("Staffing", "more than {max} agents needed"),
    Reason.MODEL_FAILED: QT_TRANSLATE_NOOP("Staffing", "cannot be computed"),
}


def reason_text(reason: Reason) -> Text:
    """What the user reads for ``reason`` (widgets show it with ``widgets.common.texts.translated``)."""
    return Text(
        "Staffing", _REASON_TEMPLATES[reason], {"max": MAX_AGENTS} if reason is Reason.TOO_MANY else {}
    )


@dataclass(frozen=True)
class AdvisorConfig:
    model: ModelChoice = ModelChoice.AUTO
    count_not_ready: bool = False  # count not-ready agents as serving their queues


@dataclass(frozen=True)
class QueueInputs:
    """What the advisor estimated for one queue at ``now_ms`` (see the module's docstring)."""

    queue_id: str
    now_ms: int
    window_start_ms: int  # the arrival window used: [window_start_ms, now_ms]
    window_s: float
    offered_in_window: int
    arrivals_per_hour: float | None  # None when the window is empty (the day just started)
    recent_per_hour: float | None
    earlier_per_hour: float | None
    trend_per_hour: float | None  # recent − earlier; None unless both lie inside today
    handled: int
    aht_s: float | None  # None when nothing was handled today
    abandons: int  # today's, short abandons included
    waited_s: float  # total time today's callers waited (answered, abandoned, still waiting)
    patience_s: float | None  # None when nobody abandoned today
    staffed: float  # fair share of the agents serving the queue now
    staffed_agents: int  # whole agents serving it (any share)
    not_ready: int  # agents skilled for it who are not ready now
    sl_threshold_s: float
    sl_target: float  # fraction 0–1

    @property
    def load_erl(self) -> float | None:
        """Offered load in erlangs (arrivals per hour × AHT / 3600)."""
        if self.arrivals_per_hour is None or self.aht_s is None:
            return None
        return self.arrivals_per_hour * self.aht_s / 3600.0


@dataclass(frozen=True)
class QueueAdvice:
    """The advice for one queue: needed, gap and the predicted figures at today's staffing."""

    queue_id: str
    name: str
    inputs: QueueInputs
    model: Model
    staffed: float
    staffed_agents: int
    needed: int | None
    reason: Reason | None  # why needed (and gap) is None
    gap: int | None  # whole_agents(staffed) − needed
    predicted_sl: float | None  # fraction 0–1, by the centre's SL definition
    predicted_asa_s: float | None
    predicted_abandon: float | None  # fraction 0–1 (short abandons out)
    predicted_occupancy: float | None
    prediction_reason: Reason | None  # why the predictions are None
    interval_end_ms: int  # end of the current 15-minute interval ("the rest of this interval")


@dataclass(frozen=True)
class Move:
    """Agents leaving ``from_queue`` for ``to_queue``: ids, or a number to pick (see ``what_if``)."""

    from_queue: str
    to_queue: str
    agents: tuple[str, ...] | int


@dataclass(frozen=True)
class PastDay:
    """One earlier day of a queue for the forecast: its start and its intervals' counts."""

    starts_at: Timestamp
    interval_min: int
    intervals: Sequence[Bucket]


@dataclass(frozen=True)
class ForecastInterval:
    start_ms: int
    end_ms: int
    arrivals: float  # expected calls in the interval
    arrivals_per_hour: float
    needed: int | None
    reason: Reason | None


# -- estimating -------------------------------------------------------------------------------


def _day0(state: FloorState, now_ms: int) -> int:
    started = state.centre.day_started_at
    return to_ms(started) if started is not None else now_ms


def _records_from(state: FloorState, day0: int) -> int:
    """Where today's counts begin: the day's start, or the first bucket of any queue when later.

    A floor whose record of the day began late (a simulated centre started mid-day, a console's
    local floor) has no buckets before that: counted as time without calls, it would halve the
    rates the arrival window and the forecast's level see. A 7x24 centre has calls in some queue
    in every bucket, so for a floor kept since the day's start this is the day's start.
    """
    starts = [to_ms(q.buckets[0].start) for q in state.queues.values() if q.buckets]
    return max(day0, min(starts)) if starts else day0


def _bucket_start(day0: int, now_ms: int) -> int:
    return day0 + max(0, now_ms - day0) // BUCKET_MS * BUCKET_MS


def _offered(buckets: Sequence[Bucket], since_ms: int, until_ms: int) -> int:
    """Calls offered in buckets starting in [since_ms, until_ms)."""
    n = 0
    for b in reversed(buckets):
        start = to_ms(b.start)
        if start < since_ms:
            break
        if start < until_ms:
            n += b.offered
    return n


def _rate(buckets: Sequence[Bucket], since_ms: int, until_ms: int, now_ms: int) -> float | None:
    """Offered per hour over [since_ms, min(until_ms, now_ms)] by whole buckets; None when empty."""
    span = min(until_ms, now_ms) - since_ms
    if span <= 0:
        return None
    return _offered(buckets, since_ms, until_ms) * 3_600_000 / span


def _waiting_now_s(state: FloorState, day0: int, now_ms: int) -> dict[str, float]:
    """Per queue, the time callers not yet answered (entered today) have waited so far."""
    out: dict[str, float] = {}
    for c in state.calls.values():
        if c.answered_at is not None or c.state is CallState.TALKING:
            continue
        entered = to_ms(c.entered_at)
        if entered < day0:
            continue
        out[c.queue_id] = out.get(c.queue_id, 0.0) + max(0, now_ms - entered) / 1000.0
    return out


def _serving(state: AgentState, config: AdvisorConfig) -> bool:
    return state in SERVING_STATES or (config.count_not_ready and state is AgentState.NOT_READY)


def _staffing(
    skills_by_agent: Iterable[Sequence[str]], queues: Iterable[str], loads: Mapping[str, float]
) -> tuple[dict[str, float], dict[str, int]]:
    """(fair shares, whole agents) per queue for serving agents with these skills."""
    shares = dict.fromkeys(queues, 0.0)
    whole = dict.fromkeys(shares, 0)
    for skills in skills_by_agent:
        mine = list(dict.fromkeys(s for s in skills if s in shares))
        if not mine:
            continue
        weights = [max(0.0, loads.get(q, 0.0)) for q in mine]
        total = sum(weights)
        for q, w in zip(mine, weights, strict=True):
            shares[q] += w / total if total > 0 else 1.0 / len(mine)
            whole[q] += 1
    return shares, whole


def _load(arrivals: float | None, aht: float | None) -> float:
    return arrivals * aht / 3600.0 if arrivals is not None and aht is not None else 0.0


def estimate_inputs(
    state: FloorState, now_ms: int, config: AdvisorConfig | None = None
) -> dict[str, QueueInputs]:
    """Every queue's estimated inputs at ``now_ms`` (in the state's queue order)."""
    config = config or AdvisorConfig()
    day0 = _day0(state, now_ms)
    current = _bucket_start(day0, now_ms)
    waiting = _waiting_now_s(state, day0, now_ms)
    partial: dict[str, QueueInputs] = {}
    since = _records_from(state, day0)
    for qid, q in state.queues.items():
        partial[qid] = _queue_inputs(q, now_ms, since, current, waiting.get(qid, 0.0))
    loads = {qid: _load(i.arrivals_per_hour, i.aht_s) for qid, i in partial.items()}
    serving = [a.skills for a in state.agents.values() if _serving(a.state, config)]
    shares, whole = _staffing(serving, partial, loads)
    not_ready = dict.fromkeys(partial, 0)
    for a in state.agents.values():
        if a.state is AgentState.NOT_READY:
            for s in set(a.skills):
                if s in not_ready:
                    not_ready[s] += 1
    return {
        qid: replace(i, staffed=shares[qid], staffed_agents=whole[qid], not_ready=not_ready[qid])
        for qid, i in partial.items()
    }


def _queue_inputs(q: Queue, now_ms: int, day0: int, current: int, waiting_s: float) -> QueueInputs:
    since = max(day0, current - (ARRIVAL_WINDOW_BUCKETS - 1) * BUCKET_MS)
    window_ms = max(0, now_ms - since)
    offered = _offered(q.buckets, since, now_ms + 1)
    arrivals = offered * 3_600_000 / window_ms if window_ms > 0 else None
    recent_from = current - (TREND_BUCKETS - 1) * BUCKET_MS
    earlier_from = recent_from - TREND_BUCKETS * BUCKET_MS
    recent = earlier = trend = None
    if earlier_from >= day0:
        recent = _rate(q.buckets, recent_from, now_ms + 1, now_ms)
        earlier = _rate(q.buckets, earlier_from, recent_from, now_ms)
        if recent is not None and earlier is not None:
            trend = recent - earlier
    f = q.today
    aht = (f.talk_s + f.wrap_s) / f.handled if f.handled else None
    waited = f.wait_answered_s + f.wait_abandoned_s + waiting_s
    patience = waited / f.abandoned if f.abandoned and waited > 0 else None
    return QueueInputs(
        queue_id=q.id,
        now_ms=now_ms,
        window_start_ms=since,
        window_s=window_ms / 1000.0,
        offered_in_window=offered,
        arrivals_per_hour=arrivals,
        recent_per_hour=recent,
        earlier_per_hour=earlier,
        trend_per_hour=trend,
        handled=f.handled,
        aht_s=aht,
        abandons=f.abandoned,
        waited_s=waited,
        patience_s=patience,
        staffed=0.0,
        staffed_agents=0,
        not_ready=0,
        sl_threshold_s=q.sl_threshold_s,
        sl_target=q.sl_target_pct / 100.0,
    )


# -- the models -------------------------------------------------------------------------------


def whole_agents(staffed: float) -> int:
    """``staffed`` rounded half up (14.5 → 15): the agents the predictions and the gap use."""
    return max(0, math.floor(staffed + 0.5))


def model_for(inputs: QueueInputs, config: AdvisorConfig | None = None) -> Model:
    """Erlang A when a patience is known (and not overridden), else Erlang C."""
    config = config or AdvisorConfig()
    if config.model is ModelChoice.ERLANG_C or inputs.patience_s is None:
        return Model.ERLANG_C
    return Model.ERLANG_A


def steady_state(
    model: Model, arrivals_per_hour: float, aht_s: float, patience_s: float | None, agents: int
) -> SteadyState:
    """The model's steady state; raises ValueError as the formulas do (e.g. Erlang C at load ≥ agents)."""
    if model is Model.ERLANG_C:
        return ErlangC(arrivals_per_hour, aht_s, agents)
    return ErlangA(arrivals_per_hour, aht_s, patience_s, agents)


@dataclass(frozen=True)
class SlGoal:
    """What "meeting the service level" means for a queue: its goal and the centre's way of counting."""

    threshold_s: float
    target: float  # fraction 0–1
    definition: SlDefinition = SlDefinition.ABANDONS_FAIL
    short_abandon_s: float = 5.0


def sl_goal(state: FloorState, inputs: QueueInputs) -> SlGoal:
    """The queue's goal under the centre's SL definition and short-abandon limit."""
    return SlGoal(
        threshold_s=inputs.sl_threshold_s,
        target=inputs.sl_target,
        definition=state.centre.sl_definition,
        short_abandon_s=state.centre.short_abandon_s,
    )


def service_level(
    model: Model,
    arrivals_per_hour: float,
    aht_s: float,
    patience_s: float | None,
    agents: int,
    *,
    goal: SlGoal,
) -> float:
    """The model's SL (fraction) at ``agents``; 0 where Erlang C has no steady state."""
    if model is Model.ERLANG_C and arrivals_per_hour * aht_s / 3600.0 >= agents:
        return 0.0
    m = steady_state(model, arrivals_per_hour, aht_s, patience_s, agents)
    return m.service_level(goal.threshold_s, goal.definition, goal.short_abandon_s)


def needed_agents(
    model: Model,
    arrivals_per_hour: float,
    aht_s: float,
    patience_s: float | None,
    *,
    goal: SlGoal,
    max_agents: int = MAX_AGENTS,
) -> int | None:
    """The fewest agents (≥ 1) whose SL reaches ``goal.target``; None beyond ``max_agents``.

    Raises ValueError when the formulas refuse (the caller turns it into ``model_failed``).
    """
    patience = patience_s if model is Model.ERLANG_A else None
    load = arrivals_per_hour * aht_s / 3600.0
    if model is Model.ERLANG_C and load >= max_agents:
        return None

    def ok(c: int) -> bool:
        return service_level(model, arrivals_per_hour, aht_s, patience, c, goal=goal) >= goal.target

    lo = max(1, math.floor(load) + 1) if model is Model.ERLANG_C else 1
    if ok(lo):
        return lo
    hi = lo
    while True:  # doubling: ok(hi) first true
        step = max(1, hi - lo + 1)
        if hi >= max_agents:
            return None
        lo, hi = hi, min(max_agents, hi + step)
        if ok(hi):
            break
    while hi - lo > 1:  # invariant: not ok(lo), ok(hi)
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


# -- advice -----------------------------------------------------------------------------------


def _interval_end(state: FloorState, now_ms: int) -> int:
    day0 = _day0(state, now_ms)
    return day0 + (max(0, now_ms - day0) // FORECAST_INTERVAL_MS + 1) * FORECAST_INTERVAL_MS


def _advice(
    state: FloorState, q: Queue, i: QueueInputs, interval_end_ms: int, config: AdvisorConfig
) -> QueueAdvice:
    model = model_for(i, config)
    definition, short = state.centre.sl_definition, state.centre.short_abandon_s
    patience = i.patience_s if model is Model.ERLANG_A else None
    needed: int | None = None
    reason: Reason | None = None
    if not i.arrivals_per_hour:
        reason = Reason.NO_CALLS
    elif i.aht_s is None or i.aht_s <= 0:
        reason = Reason.NO_HANDLED
    else:
        try:
            needed = needed_agents(model, i.arrivals_per_hour, i.aht_s, patience, goal=sl_goal(state, i))
        except (ValueError, OverflowError, MemoryError):
            reason = Reason.MODEL_FAILED
        else:
            reason = Reason.TOO_MANY if needed is None else None
    agents = whole_agents(i.staffed)
    gap = agents - needed if needed is not None else None
    sl = asa = abandon = occupancy = None
    why: Reason | None = None
    if not i.arrivals_per_hour:
        why = Reason.NO_CALLS
    elif i.aht_s is None or i.aht_s <= 0:
        why = Reason.NO_HANDLED
    elif agents < 1:
        why = Reason.NO_STAFF
    elif model is Model.ERLANG_C and (i.load_erl or 0.0) >= agents:
        why = Reason.UNSTABLE
    elif agents > MAX_AGENTS:
        why = Reason.TOO_MANY
    else:
        try:
            m = steady_state(model, i.arrivals_per_hour, i.aht_s, patience, agents)
            sl = m.service_level(i.sl_threshold_s, definition, short)
            asa, abandon, occupancy = m.asa_s, m.abandon_rate(short), m.occupancy
        except (ValueError, OverflowError, MemoryError):
            why = Reason.MODEL_FAILED
    return QueueAdvice(
        queue_id=q.id,
        name=q.name,
        inputs=i,
        model=model,
        staffed=i.staffed,
        staffed_agents=i.staffed_agents,
        needed=needed,
        reason=reason,
        gap=gap,
        predicted_sl=sl,
        predicted_asa_s=asa,
        predicted_abandon=abandon,
        predicted_occupancy=occupancy,
        prediction_reason=why,
        interval_end_ms=interval_end_ms,
    )


def advise(state: FloorState, now_ms: int, config: AdvisorConfig | None = None) -> list[QueueAdvice]:
    """Every queue's advice at ``now_ms``, in the state's queue order."""
    config = config or AdvisorConfig()
    inputs = estimate_inputs(state, now_ms, config)
    end = _interval_end(state, now_ms)
    return [_advice(state, state.queues[qid], i, end, config) for qid, i in inputs.items()]


class RollingAdvisor:
    """Every queue's advice, brought up to date a few queues at a time.

    One search for "needed" with Erlang A costs a few milliseconds; a centre of 200 queues
    took about a second in one go, too long for one turn of the console's GUI thread. A cycle
    estimates every queue's inputs once (``start``: the fair shares need all queues at once),
    then ``step`` advises queues until its time budget is spent. ``advice`` holds the last
    answer of each queue (the previous cycle's until this one reaches it).
    """

    def __init__(self, config: AdvisorConfig | None = None) -> None:
        self.config = config or AdvisorConfig()
        self.advice: dict[str, QueueAdvice] = {}
        self.cycles = 0  # cycles completed
        self._inputs: dict[str, QueueInputs] = {}
        self._pending: list[str] = []
        self._interval_end = 0

    @property
    def busy(self) -> bool:
        """A cycle is under way (queues left to advise)."""
        return bool(self._pending)

    def start(self, state: FloorState, now_ms: int) -> None:
        """Begin a cycle at ``now_ms`` (a cycle under way is dropped)."""
        self._inputs = estimate_inputs(state, now_ms, self.config)
        self._pending = list(self._inputs)
        self._interval_end = _interval_end(state, now_ms)
        for gone in set(self.advice) - set(self._inputs):
            del self.advice[gone]

    def step(
        self, state: FloorState, budget_s: float, clock: Callable[[], float] = time.perf_counter
    ) -> list[str]:
        """Advise queues of the cycle until ``budget_s`` is spent (at least one); the queues done."""
        done: list[str] = []
        deadline = clock() + budget_s
        while self._pending:
            qid = self._pending.pop(0)
            q, inputs = state.queues.get(qid), self._inputs.get(qid)
            if q is None or inputs is None:  # gone since the cycle began
                self.advice.pop(qid, None)
                continue
            self.advice[qid] = _advice(state, q, inputs, self._interval_end, self.config)
            done.append(qid)
            if clock() >= deadline:
                break
        if not self._pending and done:
            self.cycles += 1
        return done


# -- what if ----------------------------------------------------------------------------------


def movable_agents(
    state: FloorState, from_queue: str, to_queue: str, config: AdvisorConfig | None = None
) -> list[str]:
    """Agents a numeric move would pick, in the order it picks them.

    Serving ``from_queue`` now and not already skilled for ``to_queue``; fewest skills first, then by id.
    """
    config = config or AdvisorConfig()
    found = [
        a
        for a in state.agents.values()
        if from_queue in a.skills and to_queue not in a.skills and _serving(a.state, config)
    ]
    found.sort(key=lambda a: (len(set(a.skills)), a.id))
    return [a.id for a in found]


def moved_skills(
    state: FloorState, moves: Sequence[Move], config: AdvisorConfig | None = None
) -> dict[str, list[str]]:
    """Each agent's skills after ``moves`` (applied in order); raises ValueError for an impossible move."""
    config = config or AdvisorConfig()
    skills = {aid: list(a.skills) for aid, a in state.agents.items()}
    for m in moves:
        for qid in (m.from_queue, m.to_queue):
            if qid not in state.queues:
                raise ValueError(f"no queue {qid!r}")
        if m.from_queue == m.to_queue:
            raise ValueError(f"a move from {m.from_queue!r} to itself")
        if isinstance(m.agents, int):
            if m.agents < 0:
                raise ValueError(f"cannot move {m.agents} agents")
            pool = [
                aid
                for aid in movable_agents(state, m.from_queue, m.to_queue, config)
                if m.from_queue in skills[aid] and m.to_queue not in skills[aid]
            ]
            if len(pool) < m.agents:
                raise ValueError(
                    f"only {len(pool)} agents serving {m.from_queue!r} can move to {m.to_queue!r},"
                    f" not {m.agents}"
                )
            chosen: Sequence[str] = pool[: m.agents]
        else:
            chosen = m.agents
        for aid in chosen:
            mine = skills.get(aid)
            if mine is None:
                raise ValueError(f"no agent {aid!r}")
            if m.from_queue not in mine:
                raise ValueError(f"agent {aid!r} does not serve {m.from_queue!r}")
            mine[:] = [s for s in mine if s != m.from_queue]
            if m.to_queue not in mine:
                mine.append(m.to_queue)
    return skills


def what_if(
    state: FloorState, now_ms: int, moves: Sequence[Move], config: AdvisorConfig | None = None
) -> dict[str, QueueAdvice]:
    """The advice of every queue the moves touch, at the staffing after them.

    Touched: both ends of every move and any queue whose fair share changed (a moved agent's
    other queues). Raises ValueError when a move is impossible (unknown queue or agent, an agent
    not serving ``from_queue``, fewer movable agents than asked).
    """
    config = config or AdvisorConfig()
    before = estimate_inputs(state, now_ms, config)
    skills = moved_skills(state, moves, config)
    loads = {qid: _load(i.arrivals_per_hour, i.aht_s) for qid, i in before.items()}
    serving = [skills[aid] for aid, a in state.agents.items() if _serving(a.state, config)]
    shares, whole = _staffing(serving, before, loads)
    touched = {m.from_queue for m in moves} | {m.to_queue for m in moves}
    touched |= {
        qid
        for qid, i in before.items()
        if not math.isclose(shares[qid], i.staffed, abs_tol=1e-9) or whole[qid] != i.staffed_agents
    }
    end = _interval_end(state, now_ms)
    return {
        qid: _advice(
            state,
            state.queues[qid],
            replace(i, staffed=shares[qid], staffed_agents=whole[qid]),
            end,
            config,
        )
        for qid, i in before.items()
        if qid in touched
    }


# -- forecast ---------------------------------------------------------------------------------


def past_days(reports: Iterable[DayReport]) -> dict[str, list[PastDay]]:
    """Per queue, the ``PastDay`` of each report (as ``forecast``'s history)."""
    out: dict[str, list[PastDay]] = {}
    for r in reports:
        for qd in r.queues:
            out.setdefault(qd.queue_id, []).append(
                PastDay(starts_at=r.starts_at, interval_min=r.interval_min, intervals=qd.intervals)
            )
    return out


def _past_offered(day: PastDay, from_off_ms: int, to_off_ms: int) -> float:
    """Calls offered on ``day`` between two offsets from its start, pro rata within intervals."""
    if to_off_ms <= from_off_ms:
        return 0.0
    day0 = to_ms(day.starts_at)
    width = day.interval_min * 60_000
    total = 0.0
    for b in day.intervals:
        start = to_ms(b.start) - day0
        overlap = min(start + width, to_off_ms) - max(start, from_off_ms)
        if overlap > 0 and width > 0:
            total += b.offered * overlap / width
    return total


def forecast(
    state: FloorState,
    now_ms: int,
    history: Mapping[str, Sequence[PastDay]] | None = None,
    config: AdvisorConfig | None = None,
) -> dict[str, list[ForecastInterval]]:
    """Per queue, the next four 15-minute intervals: expected arrivals and needed agents."""
    config = config or AdvisorConfig()
    inputs = estimate_inputs(state, now_ms, config)
    day0 = _day0(state, now_ms)
    current = _bucket_start(day0, now_ms)
    level_from = max(_records_from(state, day0), current - (LEVEL_BUCKETS - 1) * BUCKET_MS)
    first = _interval_end(state, now_ms)
    out: dict[str, list[ForecastInterval]] = {}
    for qid, q in state.queues.items():
        i = inputs[qid]
        span = now_ms - level_from
        level = _offered(q.buckets, level_from, now_ms + 1) * 3_600_000 / span if span > 0 else None
        days = list((history or {}).get(qid, ()))
        hist_level = sum(_past_offered(d, level_from - day0, now_ms - day0) for d in days)
        rows: list[ForecastInterval] = []
        for k in range(FORECAST_INTERVALS):
            start = first + k * FORECAST_INTERVAL_MS
            end = start + FORECAST_INTERVAL_MS
            rate: float | None = level
            if days:
                hist_k = sum(_past_offered(d, start - day0, end - day0) for d in days)
                hist_rate_k = hist_k * 3_600_000 / FORECAST_INTERVAL_MS
                if hist_level > 0 and level is not None and span > 0:
                    rate = level * hist_rate_k / (hist_level * 3_600_000 / span)
                else:
                    rate = hist_rate_k / len(days)
            rows.append(_forecast_row(state, i, (start, end), rate, config))
        out[qid] = rows
    return out


def _forecast_row(
    state: FloorState, i: QueueInputs, span: tuple[int, int], rate: float | None, config: AdvisorConfig
) -> ForecastInterval:
    start, end = span
    model = model_for(i, config)
    patience = i.patience_s if model is Model.ERLANG_A else None
    arrivals = (rate or 0.0) * (end - start) / 3_600_000
    needed: int | None = None
    reason: Reason | None = None
    if not rate:
        reason = Reason.NO_CALLS
    elif i.aht_s is None or i.aht_s <= 0:
        reason = Reason.NO_HANDLED
    else:
        try:
            needed = needed_agents(model, rate, i.aht_s, patience, goal=sl_goal(state, i))
        except (ValueError, OverflowError, MemoryError):
            reason = Reason.MODEL_FAILED
        else:
            reason = Reason.TOO_MANY if needed is None else None
    return ForecastInterval(
        start_ms=start,
        end_ms=end,
        arrivals=arrivals,
        arrivals_per_hour=rate or 0.0,
        needed=needed,
        reason=reason,
    )
