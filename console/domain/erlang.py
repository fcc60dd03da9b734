"""Erlang C (M/M/c) and Erlang A (M/M/c+M) steady-state formulas.

Notation: arrival rate λ (Poisson), mean handle time 1/μ (exponential), c agents,
offered load a = λ/μ erlangs, and for Erlang A a mean patience 1/θ (exponential;
a caller abandons when the wait exceeds the patience). Queueing is FCFS.

All probabilities are fractions in [0, 1], not percentages. "Within t" means a
wait ≤ t seconds. Every figure is per arriving call (PASTA: an arrival sees the
time-stationary distribution).

Erlang C (no abandonment, needs a < c), closed forms::

    B(0) = 1,  B(k) = a B(k-1) / (k + a B(k-1))          (Erlang B recursion)
    C    = P(wait > 0) = c B(c) / (c - a (1 - B(c)))
    P(W > t) = C exp(-(cμ - λ) t)
    ASA  = C / (cμ - λ),  occupancy = a / c

Erlang A: the number in the system N is a birth-death chain with birth rate λ and
death rate nμ for n ≤ c, cμ + (n - c)θ for n > c. π is its stationary law,
computed exactly on a state space truncated where the tail mass is below 1e-20.

An arrival that finds n ≥ c has k = n - c callers ahead. Its *virtual* wait (the
wait it would have with infinite patience) is V = Σ_{j=0..k} Exp(r_j) with
r_j = cμ + jθ: with j callers ahead, the queue moves on when an agent frees or
one of them abandons. It is answered iff V < T, T ~ Exp(θ) its patience, and
waits min(V, T). Hence, per k:

    P(answered)           = Π_j r_j / (r_j + θ)   = cμ / (cμ + (k+1)θ)
    E[wait; answered]     = P(answered) · Σ_{j=0..k} 1 / (cμ + (j+1)θ)
    E[wait]               = (k+1) / (cμ + (k+1)θ)
    P(abandoned)          = (k+1)θ / (cμ + (k+1)θ)

The law of (wait, outcome) is phase-type: the tagged caller's position j is a
pure-death chain with killing, absorbed in "answered" or "abandoned". Its
transient absorption probabilities are computed by uniformization at rate
Λ = cμ + (K+1)θ (K the largest k kept): P(absorbed by t) = Σ_m Poisson(Λt; m)
· P(absorbed within m jumps). Every term is a non-negative product, so there is
no cancellation (unlike the partial-fraction form of the hypoexponential law).
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np
import numpy.typing as npt

from console.domain.entities import SlDefinition

Floats = npt.NDArray[np.float64]

_TAIL_LOG = -46.0  # states whose weight is below e^-46 ≈ 1e-20 of the largest are dropped


def erlang_b(agents: int, load_erl: float) -> float:
    """Blocking probability of M/M/c/c (the stable recursion, no factorials)."""
    if agents < 0 or load_erl < 0:
        raise ValueError("agents and load must be non-negative")
    b = 1.0
    for k in range(1, agents + 1):
        b = load_erl * b / (k + load_erl * b)
    return b


def erlang_c(agents: int, load_erl: float) -> float:
    """Probability that a call waits in M/M/c; requires load < agents."""
    if load_erl >= agents:
        raise ValueError(f"load {load_erl} erl needs more than {agents} agents for a steady state")
    b = erlang_b(agents, load_erl)
    return agents * b / (agents - load_erl * (1.0 - b))


class SteadyState(Protocol):
    """What both models provide (fractions and seconds)."""

    agents: int
    load_erl: float
    p_wait: float
    p_abandon: float
    asa_s: float
    mean_wait_s: float
    occupancy: float

    def p_answered_within(self, t_s: float) -> float: ...

    def p_abandoned_within(self, t_s: float) -> float: ...

    def sl_answered(self, t_s: float) -> float: ...

    def service_level(
        self, t_s: float, definition: SlDefinition = ..., short_abandon_s: float = ...
    ) -> float: ...

    def abandon_rate(self, short_abandon_s: float = ...) -> float: ...


def _sl_by_definition(
    model: SteadyState, t_s: float, definition: SlDefinition, short_abandon_s: float
) -> float:
    """Service level as ``console.domain.figures.formulas.service_level_pct`` counts it, as a fraction.

    Short abandons (wait < short_abandon_s) leave every denominator:
    - abandons_ignored:        P(answered, W ≤ t) / P(answered)
    - abandons_fail:           P(answered, W ≤ t) / (1 - P(short abandon))
    - abandons_within_succeed: (P(answered, W ≤ t) + P(abandoned, s ≤ W ≤ t)) / (1 - P(short abandon))
    """
    answered_within = model.p_answered_within(t_s)
    if definition is SlDefinition.ABANDONS_IGNORED:
        return answered_within / (1.0 - model.p_abandon)
    short = model.p_abandoned_within(short_abandon_s)
    if definition is SlDefinition.ABANDONS_FAIL:
        return answered_within / (1.0 - short)
    abandoned_within = max(0.0, model.p_abandoned_within(t_s) - short) if t_s >= short_abandon_s else 0.0
    return (answered_within + abandoned_within) / (1.0 - short)


class ErlangC:
    """M/M/c: Poisson arrivals, exponential handle times, callers never abandon."""

    def __init__(self, arrivals_per_hour: float, handle_s: float, agents: int) -> None:
        if arrivals_per_hour <= 0 or handle_s <= 0 or agents < 1:
            raise ValueError("need arrivals_per_hour > 0, handle_s > 0 and agents >= 1")
        self.agents = agents
        self._lam = arrivals_per_hour / 3600.0
        self.load_erl = self._lam * handle_s
        self.p_wait = erlang_c(agents, self.load_erl)
        self._gap = agents / handle_s - self._lam  # cμ - λ: decay rate of the wait's tail
        self.p_abandon = 0.0
        self.asa_s = self.p_wait / self._gap
        self.mean_wait_s = self.asa_s
        self.occupancy = self.load_erl / agents

    def p_answered_within(self, t_s: float) -> float:
        """P(W ≤ t) = 1 - C e^{-(cμ-λ)t}; every call is answered."""
        return 1.0 - self.p_wait * math.exp(-self._gap * t_s)

    def p_abandoned_within(self, t_s: float) -> float:
        return 0.0

    def sl_answered(self, t_s: float) -> float:
        """Share of answered calls answered within t (here: of all calls)."""
        return self.p_answered_within(t_s)

    def service_level(
        self, t_s: float, definition: SlDefinition = SlDefinition.ABANDONS_FAIL, short_abandon_s: float = 5.0
    ) -> float:
        """Without abandonment every definition is P(W ≤ t)."""
        return self.p_answered_within(t_s)

    def abandon_rate(self, short_abandon_s: float = 5.0) -> float:
        return 0.0


class ErlangA:
    """M/M/c+M: as Erlang C, plus exponential patience (mean ``patience_s``).

    ``patience_s=None`` means infinite patience: the same chain then gives Erlang C
    numerically (and needs a < c).
    """

    def __init__(
        self, arrivals_per_hour: float, handle_s: float, patience_s: float | None, agents: int
    ) -> None:
        if arrivals_per_hour <= 0 or handle_s <= 0 or agents < 1:
            raise ValueError("need arrivals_per_hour > 0, handle_s > 0 and agents >= 1")
        if patience_s is not None and patience_s <= 0:
            raise ValueError("patience_s must be positive (None: callers never abandon)")
        c = agents
        lam = arrivals_per_hour / 3600.0
        mu = 1.0 / handle_s
        theta = 0.0 if patience_s is None else 1.0 / patience_s
        if theta == 0.0 and lam >= c * mu:
            raise ValueError(f"load {lam / mu} erl needs more than {c} agents without abandonment")
        self.agents = c
        self.load_erl = lam / mu
        self._cmu = c * mu
        self._theta = theta
        self._pi = self._stationary(lam, mu, theta, c)
        pi = self._pi
        q = pi[c:]  # arrival sees k = n - c callers ahead (k = 0: waits for the first free agent)
        k1 = np.arange(1, q.size + 1, dtype=np.float64)  # k + 1
        exit_rate = self._cmu + k1 * theta  # cμ + (k+1)θ
        served = self._cmu / exit_rate
        stage_time = np.cumsum(1.0 / exit_rate)  # Σ_{j=0..k} 1/(cμ+(j+1)θ)
        self._ahead = q  # distribution of callers ahead, for the transient computation
        self.p_wait = float(q.sum())
        self.p_abandon = float(np.dot(q, 1.0 - served))
        self.asa_s = float(np.dot(q, served * stage_time)) / (1.0 - self.p_abandon)
        self.mean_wait_s = float(np.dot(q, k1 / exit_rate))
        n = np.arange(pi.size, dtype=np.float64)
        self.occupancy = float(np.dot(pi, np.minimum(n, c))) / c
        self.mean_queue = float(np.dot(q, np.arange(q.size, dtype=np.float64)))  # E[(N - c)+]
        self._cache: dict[float, tuple[float, float]] = {}

    @staticmethod
    def _stationary(lam: float, mu: float, theta: float, c: int) -> Floats:
        """π_n of the birth-death chain, in log space so large loads do not overflow."""
        logs = [0.0]
        for n in range(1, c + 1):
            logs.append(logs[-1] + math.log(lam / (n * mu)))
        peak = max(logs)
        k = 0
        while True:
            k += 1
            ratio = lam / (c * mu + k * theta)
            logs.append(logs[-1] + math.log(ratio))
            peak = max(peak, logs[-1])
            if ratio < 1.0 and logs[-1] < peak + _TAIL_LOG:
                break
            if k > 5_000_000:
                raise ValueError("queue too close to saturation for the truncated chain")
        arr = np.asarray(logs, dtype=np.float64)
        w = np.exp(arr - arr.max())
        return w / w.sum()  # type: ignore[no-any-return]

    def _absorbed_by(self, t_s: float) -> tuple[float, float]:
        """(P(answered and waited ≤ t), P(abandoned and waited ≤ t)) among waiting arrivals.

        Forward uniformization of the tagged caller's position: x_m is the mass still
        waiting after m jumps of the uniformized chain; the mass absorbed in the m-th
        jump is weighted by P(Poisson(Λt) ≥ m).
        """
        hit = self._cache.get(t_s)
        if hit is not None:
            return hit
        x = self._ahead.copy()
        if t_s <= 0 or x.size == 0:
            return (0.0, 0.0)
        theta = self._theta
        rate = self._cmu + np.arange(x.size, dtype=np.float64) * theta  # r_j: progress rate with j ahead
        big = float(rate[-1]) + theta  # Λ: the largest total exit rate
        p_prog = rate / big
        p_stay = 1.0 - p_prog - theta / big
        p_ab = theta / big
        lt = big * t_s
        m_max = math.ceil(lt + 12.0 * math.sqrt(lt) + 30.0)
        # tail[m] = P(Poisson(Λt) ≥ m): an absorption at jump m happened by t with this probability.
        m = np.arange(m_max + 1, dtype=np.float64)
        log_fact = np.concatenate(([0.0], np.cumsum(np.log(m[1:]))))
        pmf = np.exp(m * math.log(lt) - lt - log_fact) if lt > 0 else np.zeros(m_max + 1)
        tail = 1.0 - np.concatenate(([0.0], np.cumsum(pmf)[:-1]))
        answered = abandoned = 0.0
        for step in range(1, m_max + 1):
            w = float(tail[step])
            left = float(x.sum())
            if w < 1e-18 or left < 1e-18:
                break  # beyond t, or every tagged caller already absorbed
            answered += w * float(x[0] * p_prog[0])
            abandoned += w * left * p_ab
            moved = x * p_prog
            x = x * p_stay
            x[:-1] += moved[1:]
        result = (answered, abandoned)
        self._cache[t_s] = result
        return result

    def p_answered_within(self, t_s: float) -> float:
        """Share of all calls answered with a wait ≤ t (calls finding a free agent wait 0)."""
        return (1.0 - self.p_wait) + self._absorbed_by(t_s)[0]

    def p_abandoned_within(self, t_s: float) -> float:
        """Share of all calls that abandoned with a wait ≤ t (< t: the law is continuous)."""
        return self._absorbed_by(t_s)[1]

    def sl_answered(self, t_s: float) -> float:
        """Share of *answered* calls answered within t (denominator: answered calls)."""
        return self.p_answered_within(t_s) / (1.0 - self.p_abandon)

    def service_level(
        self, t_s: float, definition: SlDefinition = SlDefinition.ABANDONS_FAIL, short_abandon_s: float = 5.0
    ) -> float:
        """Service level per the centre's definition; see ``_sl_by_definition``."""
        return _sl_by_definition(self, t_s, definition, short_abandon_s)

    def abandon_rate(self, short_abandon_s: float = 5.0) -> float:
        """Abandon rate as ``metrics.abandon_pct`` counts it: short abandons out of both sides."""
        short = self.p_abandoned_within(short_abandon_s)
        return (self.p_abandon - short) / (1.0 - short)
