"""A business day's report made by hand: two queues (one with an interval without calls), agents
with not-ready reasons (one without a reason), cases and flags (one category no label knows)."""

from __future__ import annotations

from console.domain.clock import iso, to_ms
from console.domain.entities import Bucket, DayFigures, SlDefinition
from console.domain.history import AgentDay, CasesDay, DayReport, FlagsDay, QueueDay

#: 09:00 in Shanghai on the report's day.
NINE = to_ms("2026-03-02T01:00:00.000Z")


def bucket(minute: int, **counts: float) -> Bucket:
    return Bucket(start=iso(NINE + minute * 60_000), **counts)  # type: ignore[arg-type]


def total_of(buckets: list[Bucket]) -> DayFigures:
    total = DayFigures()
    for b in buckets:
        for name in (
            "offered", "answered", "answered_within", "abandoned", "abandoned_within",
            "short_abandons", "handled", "wait_answered_s", "talk_s", "wrap_s",
        ):  # fmt: skip
            setattr(total, name, getattr(total, name) + getattr(b, name))
    return total


def sample_report(*, complete: bool = True) -> DayReport:
    cards = [
        bucket(0, offered=40, answered=34, answered_within=28, abandoned=6, abandoned_within=2,
               short_abandons=1, handled=33, wait_answered_s=412.5, talk_s=7300.0, wrap_s=1100.0),
        bucket(30),  # no calls: every percentage and average is None
        bucket(60, offered=25, answered=24, answered_within=23, abandoned=1, abandoned_within=1,
               handled=24, wait_answered_s=96.0, talk_s=4800.0, wrap_s=720.0),
    ]  # fmt: skip
    loans = [
        bucket(0, offered=9, answered=7, answered_within=5, abandoned=2, short_abandons=2,
               handled=7, wait_answered_s=150.0, talk_s=2100.0, wrap_s=300.0),
    ]  # fmt: skip
    return DayReport(
        centre="上海分行客服中心",
        timezone="Asia/Shanghai",
        day="2026-03-02",
        starts_at="2026-03-01T16:00:00.000Z",
        ends_at="2026-03-02T02:31:00.000Z" if not complete else "2026-03-02T16:00:00.000Z",
        complete=complete,
        sl_definition=SlDefinition.ABANDONS_FAIL,
        interval_min=30,
        queues=[
            QueueDay(
                queue_id="cards",
                name="信用卡",
                sl_threshold_s=20.0,
                sl_target_pct=80.0,
                total=total_of(cards),
                intervals=cards,
            ),
            QueueDay(
                queue_id="loans",
                name="Loans",
                sl_threshold_s=30.0,
                sl_target_pct=75.0,
                total=total_of(loans),
                intervals=loans,
            ),
        ],
        agents=[
            AgentDay(
                agent_id="a1",
                name="王芳",
                team="A",
                calls=30,
                talk_s=9000.0,
                wrap_s=1200.0,
                available_s=3600.0,
                handling_s=10500.0,
                not_ready_s=1800.0,
                not_ready_by_reason={"lunch": 1500.0, "": 300.0},
                occupancy_pct=74.5,
            ),
            AgentDay(
                agent_id="a2",
                name="Li Wei",
                team="A",
                calls=0,
                available_s=0.0,
                not_ready_s=600.0,
                not_ready_by_reason={"training": 600.0},
                occupancy_pct=None,
            ),
        ],
        cases=[
            CasesDay(queue_id="cards", opened=12, closed=9, response_breached=2, resolution_breached=1),
            CasesDay(queue_id="gone", opened=1),
        ],
        flags=FlagsDay(
            raised=5,
            closed=3,
            by_category={"courtesy": 3, "compliance": 1, "mystery": 1},
            by_severity={"low": 2, "high": 3},
            by_outcome={"confirmed": 2, "no_issue": 1},
        ),
    )
