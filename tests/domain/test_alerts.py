"""Alerts on the feed clock: raised on entering critical, ended, held against flapping, acknowledged."""

from __future__ import annotations

from console.domain.alerts import (
    AGENT_LIMIT_KEYS,
    HOLD_MS,
    AlertBook,
    AlertSettings,
    Subject,
    What,
    agent_limits_problem,
    limits_problem,
)
from console.domain.clock import iso
from console.domain.entities import Agent, AgentState, DayFigures
from console.domain.figures.queues import STATE_LIMITS_S, TOTAL_ID, QueueFigures
from console.domain.state import FloorState
from console.domain.wallboard import Limits, Metric, MetricLimits, ThresholdConfig

T0 = 1_772_443_800_000  # 2026-03-02 09:30 UTC


def queue(
    queue_id: str = "cards",
    *,
    waiting: int = 0,
    wait: float | None = None,
    sl: float | None = 100.0,
    abandon_60: float | None = 0.0,
    abandon_today: float | None = 0.0,
) -> QueueFigures:
    """A queue with an 80 % in 20 s target: by default SL critical below 70, wait critical past 60 s."""
    return QueueFigures(
        queue_id=queue_id,
        name=queue_id.title(),
        sl_threshold_s=20.0,
        sl_target_pct=80.0,
        waiting=waiting,
        longest_wait_s=wait,
        interval=DayFigures(service_level_pct=sl),
        rolling=DayFigures(abandon_pct=abandon_60),
        today=DayFigures(abandon_pct=abandon_today),
    )


def total(wait: float | None = None) -> QueueFigures:
    return QueueFigures(
        queue_id=TOTAL_ID, name="", sl_threshold_s=20.0, sl_target_pct=80.0, longest_wait_s=wait
    )


def agent(state: AgentState, since_ms: int, reason: str | None = None, agent_id: str = "a1") -> Agent:
    return Agent(
        id=agent_id, name="Li Wei", team="t", skills=[], state=state, reason=reason, state_since=iso(since_ms)
    )


def test_a_queue_entering_critical_raises_one_alert_that_ends_when_it_drops() -> None:
    book = AlertBook()
    assert book.observe(T0, [queue(wait=59.0)], []).raised == []  # a warning: no alert
    seen = book.observe(T0 + 1000, [queue(wait=61.0), total(61.0)], [])
    assert [(a.subject, a.subject_id, a.name, a.what) for a in seen.raised] == [
        (Subject.QUEUE, "cards", "Cards", What.LONGEST_WAIT)
    ]  # the centre total is not a queue of its own
    alert = seen.raised[0]
    assert alert.started_at_ms == T0 + 1000 and alert.active and alert.nagging and alert.limit == 60.0
    assert book.nagging == 1
    again = book.observe(T0 + 2000, [queue(wait=62.0)], [])
    assert again.raised == [] and alert.value == 62.0  # still the same alert
    ended = book.observe(T0 + 3000, [queue(wait=None)], [])
    assert ended.changed and alert.ended_at_ms == T0 + 3000 and not alert.active
    assert book.nagging == 0 and book.alerts == [alert]


def test_every_live_metric_alerts_at_its_critical_limit_not_at_it() -> None:
    book = AlertBook(
        AlertSettings(ThresholdConfig(board=MetricLimits(waiting=Limits(warning=5, critical=10))))
    )
    at_limits = queue(waiting=10, wait=60.0, sl=70.0, abandon_60=10.0, abandon_today=50.0)
    assert book.observe(T0, [at_limits], []).raised == []  # exactly at each limit: the better side
    past = queue(waiting=11, wait=60.5, sl=69.9, abandon_60=10.1, abandon_today=50.0)
    raised = book.observe(T0 + 1000, [past], []).raised
    assert {a.what for a in raised} == {What.WAITING, What.LONGEST_WAIT, What.SERVICE_LEVEL, What.ABANDON}
    # The abandon rate of today (a bad morning) does not alert: the last 60 minutes' does.
    book2 = AlertBook()
    assert book2.observe(T0, [queue(abandon_today=50.0)], []).raised == []


def test_per_queue_thresholds_beat_the_board_and_the_defaults() -> None:
    config = ThresholdConfig(
        board=MetricLimits(longest_wait=Limits(critical=120)),
        queues={"vip": MetricLimits(longest_wait=Limits(critical=30))},
    )
    book = AlertBook(AlertSettings(config))
    raised = book.observe(T0, [queue("cards", wait=100.0), queue("vip", wait=31.0)], []).raised
    assert [(a.subject_id, a.limit) for a in raised] == [("vip", 30.0)]


def test_no_flapping_back_within_the_hold_continues_the_same_alert() -> None:
    book = AlertBook()
    (alert,) = book.observe(T0, [queue(sl=50.0)], []).raised
    book.acknowledge(alert.id, "zhang", T0 + 500)
    book.observe(T0 + 1000, [queue(sl=90.0)], [])
    assert alert.ended_at_ms == T0 + 1000
    back = book.observe(T0 + 1000 + HOLD_MS, [queue(sl=50.0)], [])  # exactly at the hold: continues
    assert back.raised == [] and back.changed and alert.active
    assert alert.started_at_ms == T0 and alert.acknowledged_by == "zhang" and len(book.alerts) == 1
    assert book.nagging == 0  # acknowledged, still active: listed but not nagging
    book.observe(T0 + 2000 + HOLD_MS, [queue(sl=90.0)], [])
    later = book.observe(T0 + 2000 + 2 * HOLD_MS + 1, [queue(sl=50.0)], [])  # past the hold: a new one
    assert len(later.raised) == 1 and later.raised[0].id != alert.id
    assert alert.ended_at_ms == T0 + 2000 + HOLD_MS and not alert.active
    assert [a.active for a in book.alerts] == [False, True] and book.nagging == 1


def test_acknowledging_records_who_and_when_once() -> None:
    book = AlertBook()
    (alert,) = book.observe(T0, [queue(wait=100.0)], []).raised
    assert book.acknowledge(alert.id, "zhang", T0 + 5000)
    assert (alert.acknowledged_by, alert.acknowledged_at_ms) == ("zhang", T0 + 5000)
    assert not book.acknowledge(alert.id, "wang", T0 + 6000) and alert.acknowledged_by == "zhang"
    assert not book.acknowledge(999, "wang", T0)
    assert alert.active and not alert.nagging and book.nagging == 0


def test_an_agent_past_the_agent_boards_critical_limit_alerts_from_when_it_passed() -> None:
    book = AlertBook()
    break_warning, break_critical = STATE_LIMITS_S["not_ready:break"]
    on_break = agent(AgentState.NOT_READY, T0, reason="break")
    assert book.observe(T0 + round(break_warning * 1000) + 1, [], [on_break]).raised == []  # a warning
    now = T0 + round(break_critical * 1000) + 5000  # the console saw it 5 s late
    (alert,) = book.observe(now, [], [on_break]).raised
    assert (alert.subject, alert.subject_id, alert.what, alert.reason) == (
        Subject.AGENT,
        "a1",
        What.NOT_READY,
        "break",
    )
    assert alert.started_at_ms == T0 + round(break_critical * 1000) and alert.limit == break_critical
    # Coaching has a longer limit than a break (the agent stayed three hours in it).
    coaching = agent(AgentState.NOT_READY, T0, reason="coaching", agent_id="a2")
    assert book.observe(now, [], [on_break, coaching]).raised == []
    three_hours = T0 + 3 * 3600_000
    assert [a.subject_id for a in book.observe(three_hours, [], [on_break, coaching]).raised] == ["a2"]
    # Back to available: both end.
    available = agent(AgentState.AVAILABLE, three_hours)
    book.observe(three_hours + 1000, [], [available])
    assert book.active == 0 and all(a.ended_at_ms == three_hours + 1000 for a in book.alerts)


def test_on_a_call_alerts_and_other_states_never_do() -> None:
    book = AlertBook()
    critical = STATE_LIMITS_S["on_call"][1]
    long_ago = T0 - round(10 * critical * 1000)
    others = [
        agent(s, long_ago, agent_id=s.value)
        for s in (AgentState.AVAILABLE, AgentState.WRAP_UP, AgentState.RINGING, AgentState.OFFLINE)
    ]
    talking = agent(AgentState.ON_CALL, T0 - round(critical * 1000) - 1)
    raised = book.observe(T0, [], [*others, talking]).raised
    assert [(a.subject_id, a.what) for a in raised] == [("a1", What.ON_CALL)]


def test_agent_limits_from_the_settings_override_the_boards() -> None:
    settings = AlertSettings(
        agent_limits={"on_call": Limits(critical=600), "not_ready": Limits(critical=300)}
    )
    limits = settings.state_limits()
    assert limits["on_call"] == (STATE_LIMITS_S["on_call"][0], 600)
    assert limits["not_ready:break"] == STATE_LIMITS_S["not_ready:break"]  # a reason keeps its own
    book = AlertBook(settings)
    raised = book.observe(
        T0,
        [],
        [
            agent(AgentState.ON_CALL, T0 - 601_000, agent_id="talker"),
            agent(AgentState.NOT_READY, T0 - 301_000, agent_id="idle"),
            agent(AgentState.NOT_READY, T0 - 301_000, reason="break", agent_id="break"),
        ],
    ).raised
    assert sorted(a.subject_id for a in raised) == ["idle", "talker"]
    assert set(AGENT_LIMIT_KEYS) >= {"on_call", "not_ready", "not_ready:break", "not_ready:coaching"}


def test_new_settings_apply_from_the_next_observation() -> None:
    book = AlertBook()
    (alert,) = book.observe(T0, [queue(wait=100.0)], []).raised
    book.set_settings(AlertSettings(ThresholdConfig(board=MetricLimits(longest_wait=Limits(critical=200)))))
    book.observe(T0 + 1000, [queue(wait=101.0)], [])
    assert alert.ended_at_ms == T0 + 1000


def test_settings_round_trip_through_json_and_junk_is_left_out() -> None:
    settings = AlertSettings(
        ThresholdConfig(
            board=MetricLimits(service_level=Limits(warning=85, critical=75)),
            queues={"vip": MetricLimits(longest_wait=Limits(critical=30), waiting=Limits(warning=3))},
        ),
        agent_limits={"not_ready:coaching": Limits(critical=1200)},
    )
    assert AlertSettings.from_json(settings.to_json()) == settings
    assert AlertSettings.from_json(None) == AlertSettings()
    assert AlertSettings.from_json("not json") == AlertSettings()
    junk = '{"board": {"service_level": {"warning": 70, "critical": 90}, "waiting": {"critical": "x"}}}'
    assert AlertSettings.from_json(junk) == AlertSettings(
        ThresholdConfig(board=MetricLimits(waiting=Limits()))
    )


def test_limits_are_checked_on_the_metrics_own_side() -> None:
    assert limits_problem(Metric.SERVICE_LEVEL, Limits(warning=80, critical=70)) is None
    problem = limits_problem(Metric.SERVICE_LEVEL, Limits(warning=70, critical=80))
    assert problem is not None and "lower service level is worse" in str(problem)
    assert limits_problem(Metric.LONGEST_WAIT, Limits(warning=60, critical=30)) is not None
    assert limits_problem(Metric.ABANDON, Limits(critical=101)) is not None
    assert agent_limits_problem(Limits(warning=600, critical=300)) is not None
    assert agent_limits_problem(Limits(critical=0)) is not None
    assert agent_limits_problem(Limits(warning=600)) is None


def test_a_layouts_thresholds_beat_the_consoles_limit_by_limit() -> None:
    console = ThresholdConfig(
        board=MetricLimits(longest_wait=Limits(warning=40, critical=90), waiting=Limits(critical=8)),
        queues={"cards": MetricLimits(longest_wait=Limits(critical=50)), "loans": MetricLimits()},
    )
    layout = ThresholdConfig(
        board=MetricLimits(longest_wait=Limits(critical=120)),
        queues={"vip": MetricLimits(waiting=Limits(critical=2))},
    )
    merged = layout.over(console)

    def wait(queue_id: str) -> Limits:
        return merged.limits_for(queue(queue_id)).longest_wait

    assert wait("cards") == Limits(warning=40, critical=120)  # the layout's board beats the console's queue
    assert wait("other") == Limits(warning=40, critical=120)
    assert merged.limits_for(queue("vip")).waiting == Limits(critical=2)
    assert merged.limits_for(queue("other")).waiting == Limits(critical=8)
    # With no layout thresholds, the console's own.
    assert ThresholdConfig().over(console).limits_for(queue("cards")).longest_wait == Limits(40, 50)


def test_the_floor_is_observed_at_its_own_clock() -> None:
    book = AlertBook()
    assert book.observe_floor(FloorState()).changed is False  # no clock yet: nothing
