"""Metric definitions shared by the gateway and every console.

One module so every screen and the gateway agree to the call. Percentages are
None (shown as a dash) when nothing has been counted yet, never a made-up 100.
"""

from __future__ import annotations

from console.domain.entities import DayFigures, SlDefinition


def service_level_pct(f: DayFigures, definition: SlDefinition) -> float | None:
    """Share of calls answered within the threshold, per the centre's definition.

    Short abandons are left out of every definition.
    - abandons_ignored: answered_within / answered
    - abandons_fail: answered_within / (answered + abandoned that were not short)
    - abandons_within_succeed: (answered_within + abandoned_within) / (answered + long abandons)
    """
    long_abandons = f.abandoned - f.short_abandons
    if definition is SlDefinition.ABANDONS_IGNORED:
        num, den = f.answered_within, f.answered
    elif definition is SlDefinition.ABANDONS_FAIL:
        num, den = f.answered_within, f.answered + long_abandons
    else:
        num, den = f.answered_within + f.abandoned_within, f.answered + long_abandons
    return 100.0 * num / den if den > 0 else None


def abandon_pct(f: DayFigures) -> float | None:
    """Abandoned share of offered calls, short abandons left out of both."""
    den = f.offered - f.short_abandons
    return 100.0 * (f.abandoned - f.short_abandons) / den if den > 0 else None


def asa_s(f: DayFigures) -> float | None:
    """Average speed of answer: mean wait of answered calls."""
    return f.wait_answered_s / f.answered if f.answered else None


def aht_s(f: DayFigures) -> float | None:
    """Average handle time: (talk + hold + wrap-up) per handled call."""
    return (f.talk_s + f.wrap_s) / f.handled if f.handled else None


def refresh(f: DayFigures, definition: SlDefinition) -> None:
    """Recompute the derived fields of ``f`` from its counts and sums."""
    f.asa_s = asa_s(f)
    f.aht_s = aht_s(f)
    f.service_level_pct = service_level_pct(f, definition)
    f.abandon_pct = abandon_pct(f)
