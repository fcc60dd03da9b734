"""Erlang B/C/A formulas against textbook values, exact rational arithmetic and known limits."""

from __future__ import annotations

import math
from decimal import Decimal, getcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.entities import SlDefinition
from console.domain.erlang import ErlangA, ErlangC, erlang_b, erlang_c


def _erlang_c_exact(c: int, a: Fraction) -> Fraction:
    """P(wait) of M/M/c from the textbook sum, in exact rationals."""
    top = a**c / math.factorial(c) * Fraction(c) / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


# -- Erlang B and C --------------------------------------------------------------------------


def test_erlang_b_textbook_value() -> None:
    assert erlang_b(10, 10.0) == pytest.approx(0.2146, abs=5e-5)
    assert erlang_b(0, 3.0) == 1.0


@pytest.mark.parametrize(
    ("agents", "expected"),
    [(11, 0.6821), (12, 0.4494), (13, 0.2853), (14, 0.1741), (15, 0.1020)],
)
def test_erlang_c_table_for_ten_erlangs(agents: int, expected: float) -> None:
    # The classic Erlang C table row for 10 erlangs.
    assert erlang_c(agents, 10.0) == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize(
    ("c", "a"), [(3, Fraction(2)), (14, Fraction(10)), (40, Fraction(73, 2)), (1, Fraction(1, 2))]
)
def test_erlang_c_matches_exact_rational_formula(c: int, a: Fraction) -> None:
    assert erlang_c(c, float(a)) == pytest.approx(float(_erlang_c_exact(c, a)), rel=1e-12)


def test_erlang_c_m_m_3_is_four_ninths() -> None:
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9, rel=1e-14)


def test_erlang_c_model_closed_forms() -> None:
    # 200 calls/h of 180 s = 10 erlangs on 14 agents.
    m = ErlangC(200, 180, 14)
    p = float(_erlang_c_exact(14, Fraction(10)))
    gap = (14 - 10) / 180  # cμ − λ per second
    assert m.load_erl == pytest.approx(10.0)
    assert m.p_wait == pytest.approx(p, rel=1e-12)
    assert m.p_answered_within(20) == pytest.approx(1 - p * math.exp(-gap * 20), rel=1e-12)
    assert m.p_answered_within(20) == pytest.approx(0.8884, abs=5e-5)
    assert m.asa_s == pytest.approx(p / gap, rel=1e-12)
    assert m.asa_s == pytest.approx(7.836, abs=5e-4)
    assert m.occupancy == pytest.approx(10 / 14)
    assert m.p_abandon == 0.0
    for d in SlDefinition:
        assert m.service_level(20, d) == m.p_answered_within(20)


def test_erlang_c_rejects_an_unstable_queue() -> None:
    with pytest.raises(ValueError, match="agents"):
        ErlangC(400, 180, 20)  # 20 erlangs on 20 agents
    with pytest.raises(ValueError):
        ErlangA(400, 180, None, 19)


# -- Erlang A --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "handle", "agents"), [(200, 180, 14), (200, 180, 11), (30, 300, 3), (1500, 240, 110)]
)
def test_erlang_a_without_patience_is_erlang_c(rate: float, handle: float, agents: int) -> None:
    a, c = ErlangA(rate, handle, None, agents), ErlangC(rate, handle, agents)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-9)
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-9)
    assert a.occupancy == pytest.approx(c.occupancy, rel=1e-9)
    assert a.p_abandon == 0.0
    for t in (0.5, 5.0, 20.0, 60.0, 300.0):
        # Uniformization of the tagged caller must reproduce the closed-form tail.
        assert a.p_answered_within(t) == pytest.approx(c.p_answered_within(t), abs=1e-10)


def test_erlang_a_with_tiny_patience_rate_tends_to_erlang_c() -> None:
    a, c = ErlangA(200, 180, 1e9, 14), ErlangC(200, 180, 14)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-6)
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-6)
    assert a.p_abandon < 1e-7
    assert a.sl_answered(20) == pytest.approx(c.p_answered_within(20), abs=1e-7)


def test_erlang_a_single_queue_example_reference_values() -> None:
    # The single_queue scenario: M/M/14+M, 10 erlangs, mean patience 300 s.
    m = ErlangA(200, 180, 300, 14)
    assert m.p_wait == pytest.approx(0.14526, abs=1e-5)
    assert m.p_abandon == pytest.approx(0.013984, abs=1e-6)
    assert m.sl_answered(20) == pytest.approx(0.92979, abs=1e-5)
    assert m.p_answered_within(20) == pytest.approx(0.91679, abs=1e-5)
    assert m.asa_s == pytest.approx(3.8785, abs=1e-4)
    # Patience cuts the queue short, so every figure beats Erlang C's.
    c = ErlangC(200, 180, 14)
    assert m.p_wait < c.p_wait and m.asa_s < c.asa_s and m.sl_answered(20) > c.p_answered_within(20)


def test_erlang_a_with_patience_equal_to_handle_time_is_m_m_infinity() -> None:
    # θ = μ: everyone in the system leaves at rate μ, so N ~ Poisson(a).
    a_erl, c = 6.0, 5
    m = ErlangA(a_erl * 3600 / 120, 120, 120, c)
    pois = [math.exp(-a_erl) * a_erl**n / math.factorial(n) for n in range(100)]
    p_wait = sum(pois[c:])
    excess = sum((n - c) * p for n, p in enumerate(pois) if n > c)
    assert m.p_wait == pytest.approx(p_wait, rel=1e-10)
    assert m.mean_queue == pytest.approx(excess, rel=1e-10)
    assert m.p_abandon == pytest.approx(excess / a_erl, rel=1e-10)


def _partial_fraction_reference(
    rate_h: float, handle_s: float, patience_s: float, c: int, t: float
) -> tuple[Decimal, Decimal]:
    """(P(answered, W ≤ t), P(abandoned, W ≤ t)) from π and the hypoexponential law in 60-digit decimals.

    Independent of the module: π by the product formula, V's law by partial fractions,
    P(V ≤ t, V < T) = Σ_j A_j r_j (1 − e^{−(r_j+θ)t}) / (r_j+θ) and
    P(T ≤ t, T < V) = Σ_j A_j θ (1 − e^{−(r_j+θ)t}) / (r_j+θ), A_j = Π_{i≠j} r_i / (r_i − r_j).
    """
    getcontext().prec = 60
    lam = Decimal(rate_h) / 3600
    mu = 1 / Decimal(handle_s)
    th = 1 / Decimal(patience_s)
    terms = [Decimal(1)]
    for n in range(1, 120):
        terms.append(terms[-1] * lam / (min(n, c) * mu + max(0, n - c) * th))
    total = sum(terms)
    pi = [x / total for x in terms]
    answered = sum(pi[:c], Decimal(0))
    abandoned = Decimal(0)
    tt = Decimal(t)
    for k in range(len(pi) - c):
        r = [c * mu + j * th for j in range(k + 1)]
        for j, rj in enumerate(r):
            aj = Decimal(1)
            for i, ri in enumerate(r):
                if i != j:
                    aj *= ri / (ri - rj)
            piece = aj * (1 - (-(rj + th) * tt).exp()) / (rj + th)
            answered += pi[c + k] * piece * rj
            abandoned += pi[c + k] * piece * th
    return answered, abandoned


@pytest.mark.parametrize(
    ("rate", "handle", "patience", "agents", "t"), [(90, 120, 60, 3, 20), (200, 180, 300, 14, 20)]
)
def test_erlang_a_waiting_time_law_matches_partial_fractions(
    rate: float, handle: float, patience: float, agents: int, t: float
) -> None:
    m = ErlangA(rate, handle, patience, agents)
    ref_answered, ref_abandoned = _partial_fraction_reference(rate, handle, patience, agents, t)
    assert m.p_answered_within(t) == pytest.approx(float(ref_answered), abs=1e-9)
    assert m.p_abandoned_within(t) == pytest.approx(float(ref_abandoned), abs=1e-9)


def test_erlang_a_overloaded_centre_still_has_a_steady_state() -> None:
    m = ErlangA(400, 180, 120, 10)  # 20 erlangs on 10 agents
    assert 0.4 < m.p_abandon < 0.6
    assert m.occupancy > 0.95
    assert m.occupancy == pytest.approx(20 * (1 - m.p_abandon) / 10, rel=1e-9)


def test_erlang_a_large_centre_does_not_overflow() -> None:
    m = ErlangA(3000, 300, 120, 260)  # 250 erlangs
    assert 0.0 < m.p_wait < 1.0
    assert 0.9 < m.service_level(20) <= 1.0


def test_service_level_definitions_are_ordered_and_consistent() -> None:
    m = ErlangA(220, 180, 120, 13)
    t, short = 20.0, 5.0
    ignored = m.service_level(t, SlDefinition.ABANDONS_IGNORED, short)
    fail = m.service_level(t, SlDefinition.ABANDONS_FAIL, short)
    within = m.service_level(t, SlDefinition.ABANDONS_WITHIN_SUCCEED, short)
    assert fail < ignored and fail < within
    assert ignored == pytest.approx(m.sl_answered(t))
    p_short = m.p_abandoned_within(short)
    assert fail == pytest.approx(m.p_answered_within(t) / (1 - p_short))
    assert within == pytest.approx(
        (m.p_answered_within(t) + m.p_abandoned_within(t) - p_short) / (1 - p_short)
    )
    assert m.abandon_rate(short) == pytest.approx((m.p_abandon - p_short) / (1 - p_short))
    assert m.abandon_rate(0.0) == pytest.approx(m.p_abandon)


@settings(max_examples=40, deadline=None)
@given(
    load=st.floats(min_value=0.5, max_value=40.0),
    agents=st.integers(min_value=1, max_value=45),
    handle=st.floats(min_value=30.0, max_value=900.0),
    patience=st.floats(min_value=10.0, max_value=2000.0),
)
def test_erlang_a_conservation_laws(load: float, agents: int, handle: float, patience: float) -> None:
    """Identities any M/M/c+M steady state obeys, computed along different routes."""
    lam = load / handle
    m = ErlangA(lam * 3600, handle, patience, agents)
    # Abandonment flow θ·E[Lq] equals λ·P(abandon); Little: E[wait] = E[Lq]/λ.
    assert m.p_abandon == pytest.approx(m.mean_queue / patience / lam, rel=1e-7, abs=1e-12)
    assert m.mean_wait_s == pytest.approx(m.mean_queue / lam, rel=1e-7, abs=1e-9)
    # Served work equals busy agents.
    assert m.occupancy == pytest.approx(load * (1 - m.p_abandon) / agents, rel=1e-7, abs=1e-12)
    # The waiting-time law is a proper distribution with the right masses.
    far = 60 * (patience + handle)
    assert m.p_answered_within(far) == pytest.approx(1 - m.p_abandon, abs=1e-8)
    assert m.p_abandoned_within(far) == pytest.approx(m.p_abandon, abs=1e-8)
    assert m.p_answered_within(0.0) == pytest.approx(1 - m.p_wait, abs=1e-12)
    assert m.p_answered_within(10.0) <= m.p_answered_within(30.0) + 1e-15
