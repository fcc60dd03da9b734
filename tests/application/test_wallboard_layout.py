"""The wallboard's rules without Qt: the layout file, tile levels at their limits, rotation, burn-in."""

from __future__ import annotations

import dataclasses
import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

from console.application.wallboard_layout import (
    DEFAULT_LAYOUT_FILE,
    LayoutError,
    key_lines,
    load_layout,
    parse_layout,
)
from console.domain.entities import DayFigures
from console.domain.figures.queues import (
    TOTAL_ID,
    Level,
    QueueFigures,
    Thresholds,
    abandon_level,
    sl_level,
    wait_level,
)
from console.domain.wallboard import (
    ALL_QUEUES,
    Layout,
    LevelTracker,
    Limits,
    Metric,
    MetricLimits,
    PageRotation,
    PageSpec,
    ThresholdConfig,
    TileKind,
    TileLevelRule,
    TileSpec,
    burn_in_offset,
    default_layout,
    expand_tiles,
    fixed_grid,
    grid_shape,
    level_of,
    tile_levels,
    worst,
)

# -- levels at the limits -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100.0, Level.OK),
        (80.0, Level.OK),  # exactly at the warning limit: still ok
        (79.99, Level.WARNING),
        (70.0, Level.WARNING),  # exactly at the critical limit: still a warning
        (69.99, Level.CRITICAL),
        (0.0, Level.CRITICAL),
        (None, Level.OK),  # nothing counted yet
    ],
)
def test_service_level_is_worse_below_its_limits(value: float | None, expected: Level) -> None:
    assert level_of(Metric.SERVICE_LEVEL, value, Limits(warning=80, critical=70)) is expected


@pytest.mark.parametrize("metric", [Metric.LONGEST_WAIT, Metric.WAITING, Metric.ABANDON])
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, Level.OK),
        (20.0, Level.OK),  # exactly at the warning limit: still ok
        (20.001, Level.WARNING),
        (60.0, Level.WARNING),  # exactly at the critical limit: still a warning
        (60.001, Level.CRITICAL),
        (None, Level.OK),
    ],
)
def test_other_metrics_are_worse_above_their_limits(
    metric: Metric, value: float | None, expected: Level
) -> None:
    assert level_of(metric, value, Limits(warning=20, critical=60)) is expected


def test_a_missing_limit_means_no_such_level() -> None:
    assert level_of(Metric.WAITING, 10_000, Limits()) is Level.OK
    assert level_of(Metric.WAITING, 11, Limits(critical=10)) is Level.CRITICAL
    assert level_of(Metric.WAITING, 9, Limits(critical=10)) is Level.OK
    assert level_of(Metric.SERVICE_LEVEL, 79, Limits(warning=80)) is Level.WARNING
    assert level_of(Metric.SERVICE_LEVEL, 1, Limits(warning=80)) is Level.WARNING


def _figures(
    queue_id: str = "q1",
    *,
    target: float = 80.0,
    threshold: float = 20.0,
    waiting: int = 0,
    wait: float | None = None,
    sl_interval: float | None = None,
    sl_today: float | None = None,
    abandon: float | None = None,
) -> QueueFigures:
    return QueueFigures(
        queue_id=queue_id,
        name=queue_id,
        sl_threshold_s=threshold,
        sl_target_pct=target,
        waiting=waiting,
        longest_wait_s=wait,
        interval=DayFigures(service_level_pct=sl_interval),
        today=DayFigures(service_level_pct=sl_today, abandon_pct=abandon),
    )


def test_default_limits_agree_with_the_console_everywhere() -> None:
    """No thresholds in the layout: every level is the queue overview's, on both sides of each limit."""
    config = ThresholdConfig()
    t = Thresholds()
    for target, threshold in ((80.0, 20.0), (90.0, 10.0), (75.0, 30.0)):
        for k in range(0, 1001):
            sl = k / 10.0
            f = _figures(target=target, threshold=threshold, sl_interval=sl, sl_today=sl)
            levels = tile_levels(f, config.limits_for(f))
            assert levels.sl_today is sl_level(sl, target, t), (target, sl)
        for k in range(0, 4000):
            wait = k / 10.0
            f = _figures(target=target, threshold=threshold, wait=wait)
            assert tile_levels(f, config.limits_for(f)).longest_wait is wait_level(wait, threshold, t)
    for k in range(0, 300):
        pct = k / 10.0
        f = _figures(abandon=pct)
        assert tile_levels(f, config.limits_for(f)).abandon is abandon_level(pct, t)


def test_limits_come_from_the_queue_then_the_board_then_the_domain() -> None:
    config = ThresholdConfig(
        board=MetricLimits(
            longest_wait=Limits(warning=40.0),
            waiting=Limits(warning=5.0, critical=10.0),
        ),
        queues={"cards": MetricLimits(longest_wait=Limits(critical=90.0), waiting=Limits(warning=2.0))},
    )
    cards = config.limits_for(_figures("cards", target=85.0, threshold=20.0))
    assert cards.longest_wait == Limits(warning=40.0, critical=90.0)  # the board's warning, its own critical
    assert cards.waiting == Limits(warning=2.0, critical=10.0)
    assert cards.service_level == Limits(warning=85.0, critical=75.0)  # the domain's, from its target
    assert cards.abandon == Limits(warning=5.0, critical=10.0)
    loans = config.limits_for(_figures("loans", threshold=30.0))
    assert loans.longest_wait == Limits(warning=40.0, critical=90.0)  # the board's, then 3x its 30 s
    assert loans.waiting == Limits(warning=5.0, critical=10.0)
    # The centre summary takes the board's limits only, never one queue's.
    total = config.limits_for(_figures(TOTAL_ID, target=90.0, threshold=10.0))
    assert total.longest_wait == Limits(warning=40.0, critical=30.0)
    assert total.waiting == Limits(warning=5.0, critical=10.0)


def test_a_tile_takes_the_worst_of_its_figures() -> None:
    limits = ThresholdConfig(board=MetricLimits(waiting=Limits(warning=3, critical=6))).limits_for(_figures())
    ok = tile_levels(_figures(waiting=3, wait=20.0, sl_interval=80.0, sl_today=80.0, abandon=5.0), limits)
    assert ok.tile is Level.OK
    one = tile_levels(_figures(waiting=4, wait=20.0, sl_interval=80.0, sl_today=80.0), limits)
    assert (one.waiting, one.tile) == (Level.WARNING, Level.WARNING)
    bad = tile_levels(_figures(waiting=4, sl_interval=69.9, sl_today=79.0), limits)
    assert (bad.sl_interval, bad.sl_today, bad.tile) == (Level.CRITICAL, Level.WARNING, Level.CRITICAL)
    assert worst([]) is Level.OK
    assert worst([Level.WARNING, Level.OK]) is Level.WARNING


def test_only_entering_critical_counts_and_not_on_first_sight() -> None:
    tracker = LevelTracker()
    assert tracker.observe({"a": Level.CRITICAL, "b": Level.OK}) == set()  # a board starting on a bad day
    assert tracker.observe({"a": Level.CRITICAL, "b": Level.WARNING}) == set()
    assert tracker.observe({"a": Level.CRITICAL, "b": Level.CRITICAL}) == {"b"}
    assert tracker.observe({"a": Level.CRITICAL, "b": Level.CRITICAL}) == set()  # staying is not entering
    assert tracker.observe({"a": Level.WARNING, "b": Level.OK, "c": Level.CRITICAL}) == set()
    assert tracker.observe({"a": Level.CRITICAL, "b": Level.OK}) == {"a"}


# -- tiles and grids ------------------------------------------------------------------------------


def test_all_queues_expand_in_the_feed_order_and_named_queues_are_checked_once_known() -> None:
    page = PageSpec(
        title="p",
        tiles=(
            TileSpec(TileKind.SUMMARY),
            TileSpec(TileKind.QUEUE, queue="cards"),
            TileSpec(TileKind.QUEUE, queue=ALL_QUEUES),
            TileSpec(TileKind.QUEUE, queue="mortgages"),
            TileSpec(TileKind.CHART),
        ),
    )
    tiles = expand_tiles(page, ["accounts", "cards", "loans"])
    assert [(t.spec.kind.value, t.queue_id, t.missing) for t in tiles] == [
        ("summary", None, False),
        ("queue", "cards", False),
        ("queue", "accounts", False),  # "*": every queue not named on the page, in the feed's order
        ("queue", "loans", False),
        ("queue", "mortgages", True),  # not on this feed: a notice on the tile, not an error
        ("chart", None, False),
    ]
    assert [t.key for t in tiles] == [
        "summary",
        "queue:cards",
        "queue:accounts",
        "queue:loans",
        "queue:mortgages",
        "chart",
    ]
    before = expand_tiles(page, [], feed_ready=False)  # nothing from the feed yet: nothing is missing
    assert [(t.queue_id, t.missing) for t in before] == [
        (None, False),
        ("cards", False),
        ("mortgages", False),
        (None, False),
    ]


STAFFING = """
[[pages]]
title = "Staffing"
tiles = [
    { kind = "staffing" },                          # every queue, a compact list
    { kind = "staffing", queue = "cards", title = "Cards staffing" },
    { kind = "staffing", queue = "*", rows = 12 },  # "*": every queue, as leaving it out
    { kind = "staffing", queue = "mortgages" },
]
"""


def test_staffing_tiles_read_and_expand_one_queue_or_every_queue() -> None:
    layout = parse_layout(STAFFING, "staffing.toml")
    assert layout.pages[0].tiles == (
        TileSpec(TileKind.STAFFING),
        TileSpec(TileKind.STAFFING, queue="cards", title="Cards staffing"),
        TileSpec(TileKind.STAFFING, rows=12),
        TileSpec(TileKind.STAFFING, queue="mortgages"),
    )
    tiles = expand_tiles(layout.pages[0], ["accounts", "cards"])
    assert [(t.queue_id, t.missing, t.key) for t in tiles] == [
        (None, False, "staffing"),
        ("cards", False, "staffing:cards"),
        (None, False, "staffing"),
        ("mortgages", True, "staffing:mortgages"),  # not on this feed: a notice, as for a queue tile
    ]
    assert not expand_tiles(layout.pages[0], [], feed_ready=False)[3].missing


@pytest.mark.parametrize(
    ("count", "size", "expected"),
    [
        (13, (1904, 1000), (5, 3)),  # the summary and twelve queues on a 1080p board
        (13, (3808, 2000), (5, 3)),
        (7, (1904, 1000), (4, 2)),  # the bank's default first page
        (2, (1904, 1000), (2, 1)),
        (1, (1904, 1000), (1, 1)),
        (3, (600, 1000), (1, 3)),  # a portrait screen stacks them
    ],
)
def test_the_grid_makes_tiles_as_large_as_possible(
    count: int, size: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert grid_shape(count, *size) == expected
    cols, rows = grid_shape(count, *size)
    assert cols * rows >= count > (cols - 1) * rows  # no empty column


def test_a_page_may_fix_its_columns() -> None:
    assert fixed_grid(13, 4) == (4, 4)
    assert fixed_grid(2, 6) == (2, 1)


# -- rotation -------------------------------------------------------------------------------------


def test_pages_turn_on_time_and_wrap_round() -> None:
    r = PageRotation([20.0, 20.0, 20.0], now=100.0)
    assert r.current == 0 and r.remaining(100.0) == 20.0
    assert not r.poll(119.9)
    assert r.poll(120.0) and r.current == 1
    assert not r.poll(139.0)
    assert r.poll(140.5) and r.current == 2
    assert r.poll(161.0) and r.current == 0  # round again


def test_pause_holds_the_page_and_resuming_gives_it_its_full_time() -> None:
    r = PageRotation([10.0, 10.0], now=0.0)
    assert r.toggle_pause(5.0) is True
    assert r.remaining(50.0) is None and not r.poll(1000.0) and r.current == 0
    assert r.toggle_pause(1000.0) is False
    assert not r.poll(1009.0)
    assert r.poll(1010.0) and r.current == 1


def test_switching_by_hand_gives_the_new_page_its_full_time() -> None:
    r = PageRotation([10.0, 10.0, 10.0], now=0.0)
    r.next(9.0)
    assert r.current == 1 and not r.poll(18.0) and r.poll(19.0)
    r.previous(30.0)
    r.previous(30.0)
    assert r.current == 0  # 2 -> 1 -> 0
    r.go(7, 30.0)
    assert r.current == 1  # wraps


def test_a_page_of_zero_seconds_stays_and_one_page_never_turns() -> None:
    r = PageRotation([0.0, 10.0], now=0.0)
    assert r.remaining(1e9) is None and not r.poll(1e9)
    single = PageRotation([20.0], now=0.0)
    assert not single.poll(1e9) and single.current == 0
    with pytest.raises(ValueError, match="at least one page"):
        PageRotation([], now=0.0)


# -- burn-in --------------------------------------------------------------------------------------


def test_burn_in_shifts_slightly_slowly_and_all_round() -> None:
    assert burn_in_offset(0, 8) == (0, 0)
    path = [burn_in_offset(step, 8) for step in range(400)]
    assert all(abs(dx) <= 8 and abs(dy) <= 8 for dx, dy in path)
    moves = [max(abs(a[0] - b[0]), abs(a[1] - b[1])) for a, b in itertools.pairwise(path)]
    assert max(moves) <= 3  # a few pixels a step, never across
    xs, ys = {dx for dx, _ in path}, {dy for _, dy in path}
    assert {-8, 0, 8} <= xs and {-8, 0, 8} <= ys and len(xs) >= 14 and len(ys) >= 14
    assert len(set(path)) > 100  # visits much of the square, not one line
    assert path[:50] == [burn_in_offset(step, 8) for step in range(50)]  # deterministic
    assert burn_in_offset(17, 0) == (0, 0)


# -- the layout file ------------------------------------------------------------------------------


def test_the_shipped_default_file_is_the_built_in_default() -> None:
    shipped = load_layout(DEFAULT_LAYOUT_FILE)
    assert dataclasses.replace(shipped, source="built-in default") == default_layout()
    layout = default_layout()
    assert [p.title for p in layout.pages] == ["Queues", "Breaches and queue length"]
    assert [t.kind for t in layout.pages[0].tiles] == [TileKind.SUMMARY, TileKind.QUEUE]
    assert [t.kind for t in layout.pages[1].tiles] == [TileKind.BREACHES, TileKind.CHART]
    assert layout.rotate_s == 20.0 and layout.page_seconds() == [20.0, 20.0]


FULL = """\
# A floor with two walls' worth of pages.
rotate_s = 30
sound = true
interval_min = 30
theme = "light"

[burn_in]
pixels = 4
every_s = 120

[thresholds]
service_level = { warning = 85, critical = 75 }
waiting = { warning = 5, critical = 10 }

[thresholds.queues.cards]
longest_wait = { warning = 15, critical = 45 }

[thresholds.queues."priority/vip"]
abandon = { critical = 3 }

[[pages]]
title = "Retail"
columns = 3
rotate_s = 45
tiles = [
    { kind = "summary", title = "Whole floor" },
    { kind = "queue", queue = "cards" },
    { kind = "queue", queue = "*" },
]

[[pages]]
title = "Alerts"

[[pages.tiles]]
kind = "breaches"
rows = 10

[[pages.tiles]]
kind = "chart"
queues = ["cards", "loans"]
minutes = 30
"""


def test_a_full_layout_file_reads_as_written() -> None:
    layout = parse_layout(FULL, "floor.toml")
    assert layout.source == "floor.toml"
    assert (layout.rotate_s, layout.sound, layout.interval_min, layout.theme) == (30.0, True, 30, "light")
    assert (layout.burn_in.pixels, layout.burn_in.every_s) == (4, 120.0)
    assert layout.page_seconds() == [45.0, 30.0]
    retail, alerts = layout.pages
    assert retail.columns == 3 and retail.title == "Retail"
    assert retail.tiles == (
        TileSpec(TileKind.SUMMARY, title="Whole floor"),
        TileSpec(TileKind.QUEUE, queue="cards"),
        TileSpec(TileKind.QUEUE, queue="*"),
    )
    assert alerts.tiles == (
        TileSpec(TileKind.BREACHES, rows=10),
        TileSpec(TileKind.CHART, queues=("cards", "loans"), minutes=30),
    )
    t = layout.thresholds
    assert t.board.service_level == Limits(85.0, 75.0) and t.board.waiting == Limits(5.0, 10.0)
    assert t.queues["cards"].longest_wait == Limits(15.0, 45.0)
    assert t.queues["priority/vip"].abandon == Limits(None, 3.0)


def test_an_old_layout_file_reads_with_levels_that_mean_now() -> None:
    """A file without the new keys: the tile's level from the live figures, today's from the live limits."""
    t = parse_layout(FULL, "floor.toml").thresholds
    assert t.tile_level is TileLevelRule.NOW
    assert t.today == MetricLimits() and t.queues_today == {}


TODAY = """\
[thresholds]
tile_level = "now_and_today"
service_level = { warning = 85, critical = 75 }

[thresholds.today]
service_level = { warning = 70, critical = 60 }
abandon = { warning = 8 }

[thresholds.queues.cards]
longest_wait = { warning = 15, critical = 45 }
today = { abandon = { warning = 3, critical = 6 } }

[thresholds.queues.loans.today]
service_level = { critical = 50 }

[[pages]]
tiles = [{ kind = "summary" }]
"""


def test_the_today_scale_and_the_tile_level_rule_read_as_written() -> None:
    t = parse_layout(TODAY, "floor.toml").thresholds
    assert t.tile_level is TileLevelRule.NOW_AND_TODAY
    assert t.today == MetricLimits(service_level=Limits(70.0, 60.0), abandon=Limits(8.0, None))
    assert t.queues["cards"].longest_wait == Limits(15.0, 45.0)
    assert t.queues_today["cards"] == MetricLimits(abandon=Limits(3.0, 6.0))
    assert t.queues_today["loans"] == MetricLimits(service_level=Limits(None, 50.0))
    assert t.queues["loans"] == MetricLimits()  # only a today table: no live limits of its own
    now = parse_layout('[thresholds]\ntile_level = "now"\n[[pages]]\ntiles = [{ kind = "summary" }]\n')
    assert now.thresholds.tile_level is TileLevelRule.NOW


def test_key_lines_find_every_key_table_and_element() -> None:
    lines = key_lines(FULL)
    assert lines[("rotate_s",)] == 2
    assert lines[("burn_in", "every_s")] == 9
    assert lines[("thresholds", "service_level", "critical")] == 12
    assert lines[("thresholds", "queues", "cards")] == 15
    assert lines[("thresholds", "queues", "priority/vip", "abandon")] == 19
    assert lines[("pages", 0)] == 21
    assert lines[("pages", 0, "tiles", 2, "queue")] == 28
    assert lines[("pages", 1)] == 31
    assert lines[("pages", 1, "tiles", 0, "rows")] == 36
    assert lines[("pages", 1, "tiles", 1, "queues", 1)] == 40


def test_key_lines_are_not_fooled_by_strings_and_comments() -> None:
    text = (
        'a = "[[not a table]] # nor a comment"\n'  # 1
        "b = '''\n"  # 2
        "x = 1\n"  # 3 (inside a string)
        "[[nope]]\n"  # 4 (inside a string)
        "'''\n"  # 5
        'c = """she said \\"""\\" and left"""\n'  # 6
        "# [[pages]]\n"  # 7
        "d.e = [ # a comment [\n"  # 8
        "  { f = 1 }, # }\n"  # 9
        "  [2, 3],\n"  # 10
        "]\n"  # 11
        "[[pages]]\n"  # 12
        "tiles = [{ kind = 'x' }]\n"  # 13
    )
    lines = key_lines(text)
    assert lines[("c",)] == 6
    assert lines[("d", "e", 0, "f")] == 9 and lines[("d", "e", 1, 1)] == 10
    assert lines[("pages", 0, "tiles", 0, "kind")] == 13
    assert ("x",) not in lines and ("nope",) not in lines and ("pages", 1) not in lines


BAD = """\
rotate_s = 20

[[pages]]
title = "Queues"
tiles = [{ kind = "summary" }]

[[pages]]
title = "Two"
tiles = [{ kind = "summary" }]

[[pages]]
tiles = [{ kind = "foo" }]
"""


def test_an_unknown_tile_kind_is_reported_with_file_line_and_reason() -> None:
    with pytest.raises(LayoutError) as info:
        parse_layout(BAD, "layout.toml")
    assert str(info.value) == (
        "layout.toml:12: pages[2].tiles[0]: unknown tile kind 'foo'"
        " (known: queue, summary, breaches, chart, staffing)"
    )
    assert (info.value.file, info.value.line) == ("layout.toml", 12)


PAGE = '[[pages]]\ntiles = [{ kind = "summary" }]\n'


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("rotate_s = = 3\n" + PAGE, 1, "TOML syntax error"),
        ('[[pages]]\ntiles = [{ kind = "summary" }\n', 2, "TOML syntax error"),
        ("rotate_s = 2\n" + PAGE, 1, "rotate_s: bad rotation interval 2 s: 0 (no rotation) or 3 to 3600"),
        ("rotate_s = -20\n" + PAGE, 1, "rotate_s: bad rotation interval -20 s"),
        ('rotate_s = "fast"\n' + PAGE, 1, "rotate_s: expected a number of seconds, not 'fast'"),
        ("\nspeed = 3\n" + PAGE, 2, "unknown key 'speed' (known: rotate_s, sound, interval_min"),
        ("sound = 1\n" + PAGE, 1, "sound: expected true or false, not 1"),
        ("interval_min = 20\n" + PAGE, 1, "interval_min: expected 15 or 30 (minutes), not 20"),
        ('theme = "pink"\n' + PAGE, 1, "theme: unknown theme 'pink' (known: light, dark)"),
        ("rotate_s = 20\n", None, "no pages: add at least one [[pages]] table"),
        ("[[pages]]\ntitle = 'x'\n", 1, "pages[0]: a page needs tiles"),
        ("[[pages]]\ntiles = []\n", 2, "pages[0].tiles: expected a list of tiles, at least one"),
        (
            "[[pages]]\ncolumns = 0\ntiles = [{ kind = 'summary' }]\n",
            2,
            "pages[0].columns: 0 is out of range",
        ),
        (
            "[[pages]]\nrotate_s = 1\ntiles = [{ kind = 'summary' }]\n",
            2,
            "pages[0].rotate_s: bad rotation interval 1 s",
        ),
        ("[[pages]]\ntiles = ['summary']\n", 2, "pages[0].tiles[0]: expected a tile table"),
        ("[[pages]]\ntiles = [{ title = 'x' }]\n", 2, "pages[0].tiles[0]: a tile needs a kind"),
        (
            "[[pages]]\ntiles = [\n  { kind = 'summary' },\n  { kind = 'queue' },\n]\n",
            4,
            "pages[0].tiles[1]: a queue tile needs its queue",
        ),
        (
            "[[pages]]\n[[pages.tiles]]\nkind = 'queue'\n\nqueue = 7\n",
            5,
            "pages[0].tiles[0].queue: expected a queue id (a non-empty string), not 7",
        ),
        (
            "[[pages]]\n[[pages.tiles]]\nkind = 'summary'\nrows = 3\n",
            4,
            "pages[0].tiles[0]: unknown key 'rows' for a summary tile (known: kind, title)",
        ),
        (
            "[[pages]]\ntiles = [{ kind = 'staffing', minutes = 30 }]\n",
            2,
            "pages[0].tiles[0]: unknown key 'minutes' for a staffing tile (known: kind, title, queue, rows)",
        ),
        (
            "[[pages]]\n[[pages.tiles]]\nkind = 'staffing'\nqueue = ''\n",
            4,
            "pages[0].tiles[0].queue: expected a queue id (a non-empty string), not ''",
        ),
        (
            "[[pages]]\n[[pages.tiles]]\nkind = 'staffing'\nqueue = 'cards'\n\nrows = 4\n",
            6,
            "pages[0].tiles[0]: rows is for a staffing tile of every queue: leave out queue = 'cards'"
            " or rows",
        ),
        (
            "[[pages]]\ntiles = [{ kind = 'staffing', rows = 0 }]\n",
            2,
            "pages[0].tiles[0].rows: 0 is out of range: 1 to 30 rows",
        ),
        (
            "[[pages]]\ntiles = [{ kind = 'chart', minutes = 600 }]\n",
            2,
            "pages[0].tiles[0].minutes: 600 is out of range: 5 to 240 minutes",
        ),
        (
            "[[pages]]\ntiles = [{ kind = 'breaches', rows = 2.5 }]\n",
            2,
            "pages[0].tiles[0].rows: expected a whole number of rows, not 2.5",
        ),
        (
            "[thresholds]\nservice_level = { warning = 70, critical = 80 }\n" + PAGE,
            2,
            "thresholds.service_level: critical (80) must be at or below warning (70)",
        ),
        (
            "[thresholds]\nabandon = { warning = 10, critical = 5 }\n" + PAGE,
            2,
            "thresholds.abandon: critical (5) must be at or above warning (10)",
        ),
        (
            "[thresholds]\nabandon = { warning = 110 }\n" + PAGE,
            2,
            "thresholds.abandon.warning: 110 is out of range: 0 to 100 percent",
        ),
        (
            "[thresholds]\nhold_time = { warning = 10 }\n" + PAGE,
            2,
            "thresholds: unknown key 'hold_time' (known: service_level, longest_wait, waiting, abandon",
        ),
        (
            "[thresholds.queues.cards]\n\nlongest_wait = { warn = 10 }\n" + PAGE,
            3,
            "thresholds.queues.cards.longest_wait: unknown key 'warn' (known: warning, critical)",
        ),
        (
            "[thresholds.queues]\ncards = 5\n" + PAGE,
            2,
            "thresholds.queues.cards: expected a table (metrics), not 5",
        ),
        (
            '[thresholds]\ntile_level = "today"\n' + PAGE,
            2,
            "thresholds.tile_level: unknown tile level rule 'today' (known: now, now_and_today)",
        ),
        (
            "[thresholds]\ntile_level = true\n" + PAGE,
            2,
            "thresholds.tile_level: unknown tile level rule true (known: now, now_and_today)",
        ),
        (
            "[thresholds.today]\n\nwaiting = { warning = 3 }\n" + PAGE,
            3,
            "thresholds.today: unknown key 'waiting' (known: service_level, abandon)",
        ),
        (
            "[thresholds]\ntoday = 50\n" + PAGE,
            2,
            "thresholds.today: expected a table (today's metrics: service_level, abandon), not 50",
        ),
        (
            "[thresholds.today]\nservice_level = { warning = 50, critical = 60 }\n" + PAGE,
            2,
            "thresholds.today.service_level: critical (60) must be at or below warning (50)",
        ),
        (
            "[thresholds.today]\nabandon = { critical = 101 }\n" + PAGE,
            2,
            "thresholds.today.abandon.critical: 101 is out of range: 0 to 100 percent",
        ),
        (
            "[thresholds.today]\nservice_level = { warning = 'high' }\n" + PAGE,
            2,
            "thresholds.today.service_level.warning: expected a number of percent, not 'high'",
        ),
        (
            "[thresholds.queues.cards.today]\nservice_level = { warning = 80 }\n\n"
            "longest_wait = { warning = 9 }\n" + PAGE,
            4,
            "thresholds.queues.cards.today: unknown key 'longest_wait' (known: service_level, abandon)",
        ),
        (
            "[thresholds.queues.cards]\ntile_level = 'now'\n" + PAGE,
            2,
            "thresholds.queues.cards: unknown key 'tile_level' (known: service_level, longest_wait, waiting, "
            "abandon, today)",
        ),
        ("[burn_in]\npixels = 100\n" + PAGE, 2, "burn_in.pixels: 100 is out of range: 0 to 32 pixels"),
        ("[burn_in]\nevery_s = 1\n" + PAGE, 2, "burn_in.every_s: 1 is out of range: 10 to 86400 seconds"),
    ],
)
def test_layout_errors_name_the_file_the_line_and_the_reason(
    text: str, line: int | None, message: str
) -> None:
    with pytest.raises(LayoutError) as info:
        parse_layout(text, "wall.toml")
    assert info.value.line == line
    prefix = f"wall.toml:{line}: " if line is not None else "wall.toml: "
    assert str(info.value).startswith(prefix), str(info.value)
    assert message in str(info.value)


def test_a_layout_file_that_cannot_be_read_is_said_plainly(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(LayoutError, match=r"nope\.toml: cannot read the layout file: No such file"):
        load_layout(missing)
    broken = tmp_path / "broken.toml"
    broken.write_bytes(b"rotate_s = 20\n\xff\xfe")
    with pytest.raises(LayoutError, match="cannot read the layout file"):
        load_layout(broken)


def test_the_layout_rules_load_no_qt() -> None:
    code = (
        "import sys, console.application.wallboard_layout, console.domain.wallboard\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_layout_is_immutable_and_comparable() -> None:
    layout = default_layout()
    assert layout == default_layout() and isinstance(layout, Layout)
    with pytest.raises(dataclasses.FrozenInstanceError):
        layout.rotate_s = 5  # type: ignore[misc]


def test_the_example_in_the_docs_is_a_valid_layout() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "wallboard.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", docs, flags=re.S)
    assert blocks
    for block in blocks:
        layout = parse_layout(block, "docs/wallboard.md")
        assert layout.pages
    example = parse_layout(next(b for b in blocks if "burn_in" in b))
    assert example.thresholds.queues["complaints"].longest_wait == Limits(60.0, 180.0)
    assert example.thresholds.today.service_level == Limits(70.0, 50.0)
    today = parse_layout(next(b for b in blocks if "[thresholds.queues.complaints.today]" in b)).thresholds
    assert today.tile_level is TileLevelRule.NOW and today.queues_today["complaints"].abandon == Limits(
        5.0, 10.0
    )
    assert example.pages[0].tiles[1] == TileSpec(TileKind.QUEUE, queue="cards")
