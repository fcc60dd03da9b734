"""Wall display levels that mean now: a tile's level from its live figures, today's on their own scale."""

from __future__ import annotations

import pytest

from console.domain.entities import DayFigures
from console.domain.figures.queues import TOTAL_ID, Level, QueueFigures
from console.domain.wallboard import (
    LIVE_FIGURES,
    STAFFING_EVERY_MS,
    STAFFING_MAX_AGE_MS,
    TODAY_FIGURES,
    Limits,
    MetricLimits,
    ThresholdConfig,
    TileLevelRule,
    TileLevels,
    advice_current,
    advice_due,
    gap_level,
)


def figures(
    queue_id: str = "cards",
    *,
    waiting: int = 0,
    wait: float | None = None,
    sl_interval: float | None = 100.0,
    sl_today: float | None = 100.0,
    abandon: float | None = 0.0,
) -> QueueFigures:
    """A queue with an 80 % in 20 s target (warning below 80, critical below 70 by default)."""
    return QueueFigures(
        queue_id=queue_id,
        name=queue_id,
        sl_threshold_s=20.0,
        sl_target_pct=80.0,
        waiting=waiting,
        longest_wait_s=wait,
        interval=DayFigures(service_level_pct=sl_interval),
        today=DayFigures(service_level_pct=sl_today, abandon_pct=abandon),
    )


def test_a_bad_morning_is_not_critical_now_but_its_today_cell_keeps_its_softer_level() -> None:
    """Nobody waiting, 100 % this interval, 40 % today: the tile is ok; SL today critical on today's scale."""
    levels = ThresholdConfig().levels(figures(sl_today=40.0))
    assert levels.tile is Level.OK and levels.now is Level.OK
    assert (levels.waiting, levels.longest_wait, levels.sl_interval) == (Level.OK,) * 3
    assert levels.sl_today is Level.CRITICAL and levels.today is Level.CRITICAL
    assert levels.soft("sl_today") and levels.soft("abandon")
    assert not any(levels.soft(key) for key in LIVE_FIGURES)


@pytest.mark.parametrize(
    ("live", "figure", "expected"),
    [
        ({"waiting": 11}, "waiting", Level.CRITICAL),
        ({"waiting": 6}, "waiting", Level.WARNING),
        ({"waiting": 5}, "waiting", Level.OK),  # at the limit: the better side
        ({"waiting": 1, "wait": 60.1}, "longest_wait", Level.CRITICAL),
        ({"waiting": 1, "wait": 60.0}, "longest_wait", Level.WARNING),
        ({"waiting": 1, "wait": 20.1}, "longest_wait", Level.WARNING),
        ({"sl_interval": 69.9}, "sl_interval", Level.CRITICAL),
        ({"sl_interval": 79.9}, "sl_interval", Level.WARNING),
    ],
)
def test_the_live_figures_make_the_tile_level(live: dict[str, float], figure: str, expected: Level) -> None:
    config = ThresholdConfig(board=MetricLimits(waiting=Limits(warning=5, critical=10)))
    levels = config.levels(
        figures(
            waiting=int(live.get("waiting", 0)),
            wait=live.get("wait"),
            sl_interval=live.get("sl_interval", 100.0),
            sl_today=40.0,  # a bad morning behind, whatever now
        )
    )
    assert levels.of(figure) is expected and levels.tile is expected


def test_today_alone_never_raises_the_tile_however_bad() -> None:
    levels = ThresholdConfig().levels(figures(sl_today=0.0, abandon=60.0))
    assert (levels.sl_today, levels.abandon, levels.today) == (Level.CRITICAL,) * 3
    assert levels.tile is Level.OK


def test_now_and_today_counts_today_in_the_tile_as_before() -> None:
    config = ThresholdConfig(tile_level=TileLevelRule.NOW_AND_TODAY)
    levels = config.levels(figures(sl_today=40.0))
    assert levels.tile is Level.CRITICAL and levels.today_counts
    assert not levels.soft("sl_today") and not levels.soft("abandon")


def test_today_has_its_own_limits_then_falls_back_to_the_live_ones() -> None:
    config = ThresholdConfig(
        board=MetricLimits(
            service_level=Limits(warning=85, critical=75), abandon=Limits(warning=4, critical=8)
        ),
        queues={"loans": MetricLimits(service_level=Limits(warning=90, critical=80))},
        today=MetricLimits(service_level=Limits(warning=60, critical=50)),
        queues_today={"cards": MetricLimits(abandon=Limits(critical=20))},
    )
    cards = config.today_limits_for(figures("cards"))
    assert cards.service_level == Limits(60.0, 50.0)  # the board's today scale
    assert cards.abandon == Limits(4.0, 20.0)  # its own today critical; the warning from the live limits
    loans = config.today_limits_for(figures("loans"))
    assert loans.service_level == Limits(60.0, 50.0)  # today's board scale before the queue's live limits
    assert config.limits_for(figures("loans")).service_level == Limits(90.0, 80.0)  # the live ones untouched
    total = config.today_limits_for(figures(TOTAL_ID))
    assert total.service_level == Limits(60.0, 50.0) and total.abandon == Limits(4.0, 8.0)  # board's only
    # With no today scale, today's figures are held against the live limits (shown softly).
    plain = ThresholdConfig(board=MetricLimits(service_level=Limits(warning=85, critical=75)))
    assert plain.today_limits_for(figures()).service_level == Limits(85.0, 75.0)
    # The levels at today's limits: 50 % is still a warning on a 60/50 scale, 49.9 % critical.
    assert config.levels(figures(sl_today=50.0)).sl_today is Level.WARNING
    assert config.levels(figures(sl_today=49.9)).sl_today is Level.CRITICAL
    assert config.levels(figures(sl_today=60.0)).sl_today is Level.OK


def test_figure_keys_are_the_tiles() -> None:
    levels = TileLevels(sl_today=Level.WARNING)
    assert [levels.of(k) for k in TODAY_FIGURES] == [Level.WARNING, Level.OK]
    with pytest.raises(KeyError):
        levels.of("target")
    assert not levels.soft("target")


@pytest.mark.parametrize(
    ("gap", "needed", "expected"),
    [
        (None, None, Level.OK),  # no advice: no level (the tile says why)
        (2, 10, Level.OK),  # spare
        (0, 10, Level.OK),
        (-1, 10, Level.WARNING),
        (-2, 10, Level.WARNING),
        (-3, 40, Level.CRITICAL),  # short by three agents or more
        (-2, 8, Level.CRITICAL),  # short by a quarter of those needed
        (-1, 4, Level.CRITICAL),
        (-1, 5, Level.WARNING),
    ],
)
def test_a_staffing_gap_is_a_warning_when_short_and_critical_when_short_by_much(
    gap: int | None, needed: int | None, expected: Level
) -> None:
    assert gap_level(gap, needed) is expected


def test_advice_is_shown_only_while_current_and_renewed_on_the_feed_clock() -> None:
    t = 1_000_000
    assert advice_current(t, t) and advice_current(t, t + STAFFING_MAX_AGE_MS)
    assert not advice_current(t, t + STAFFING_MAX_AGE_MS + 1)
    assert not advice_current(t, None) and not advice_current(t, t - 1)  # no clock, or a new day
    assert advice_due(None, t)
    assert not advice_due(t, t + STAFFING_EVERY_MS - 1)
    assert advice_due(t, t + STAFFING_EVERY_MS) and advice_due(t, t - 1)
