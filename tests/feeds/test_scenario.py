"""Scenario files: the built-in ones load, and every bad file is refused naming file, key and reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from console.domain.clock import iso
from console.domain.entities import SlDefinition
from console.domain.erlang import ErlangA
from console.feeds.sources.simulator.scenario import (
    DEFAULT_SCENARIO,
    SCENARIO_DIR,
    ScenarioError,
    load_scenario,
    localized,
    resolve_scenario,
    shift_window,
    start_ms_on,
)

EXAMPLE = """\
[centre]
name = "Single queue"
opens = "00:00"
closes = "24:00"

[[queues]]
id = "q1"
name = "Queue 1"
arrivals_per_hour = 200
handle_time = { dist = "exponential", mean_s = 180 }
patience = { dist = "exponential", mean_s = 300 }   # leave out: callers never abandon
wrap_up = { dist = "fixed", mean_s = 0 }
sl_threshold_s = 20
sl_target_pct = 80

[[teams]]
id = "t1"
agents = 14
skills = ["q1"]
breaks = false
"""

SECOND_QUEUE = """
[[queues]]
id = "q2"
name = "Queue 2"
arrivals_per_hour = 10
handle_time = { dist = "exponential", mean_s = 100 }
"""

CASES = """
[cases]
arrivals_per_hour = 2
queues = { q1 = 1.0 }
handler_teams = ["t1"]
"""


def _write(tmp_path: Path, text: str, name: str = "x.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_brief_example_loads_exactly(tmp_path: Path) -> None:
    s = load_scenario(_write(tmp_path, EXAMPLE))
    assert s.centre.name == "Single queue"
    (q,) = s.queues
    assert (q.id, q.arrivals_per_hour, q.handle_time.dist, q.handle_time.mean_s) == (
        "q1",
        200,
        "exponential",
        180,
    )
    assert q.patience is not None and q.patience.mean_s == 300
    assert (q.wrap_up.dist, q.wrap_up.mean_s, q.sl_threshold_s, q.sl_target_pct) == ("fixed", 0, 20, 80)
    (t,) = s.teams
    assert (t.id, t.agents, t.skills, t.breaks, t.shift) == ("t1", 14, ["q1"], False, None)
    # Defaults of the optional keys.
    assert s.centre.timezone == "UTC" and s.centre.sl_definition is SlDefinition.ABANDONS_FAIL
    assert s.centre.ring_s == 0 and q.priority == 5 and s.cases is None


def test_single_queue_file_is_the_brief_example() -> None:
    s = load_scenario(resolve_scenario("single_queue"))
    q = s.queues[0]
    assert (q.arrivals_per_hour, q.handle_time.mean_s, s.teams[0].agents) == (200, 180, 14)
    assert q.patience is not None and q.patience.dist == "exponential" and q.patience.mean_s == 300
    c = load_scenario(resolve_scenario("erlang_c"))
    assert c.queues[0].patience is None
    assert (c.queues[0].arrivals_per_hour, c.teams[0].agents) == (200, 14)


def test_default_bank_centre_is_believable() -> None:
    assert DEFAULT_SCENARIO == SCENARIO_DIR / "bank.toml" and DEFAULT_SCENARIO.is_file()
    s = load_scenario(DEFAULT_SCENARIO)
    assert [q.id for q in s.queues] == ["accounts", "transfers", "cards", "loans", "complaints", "vip"]
    vip = next(q for q in s.queues if q.id == "vip")
    assert (vip.sl_target_pct, vip.sl_threshold_s) == (90, 10)
    assert vip.priority == max(q.priority for q in s.queues)
    agents = sum(t.agents for t in s.teams)
    assert 110 <= agents <= 135
    assert all(15 <= t.agents <= 20 for t in s.teams)
    assert all(t.shift is not None and t.breaks for t in s.teams)
    assert {r.reason for r in s.breaks.rules} >= {"break", "lunch", "training", "meeting", "coaching"}
    assert s.cases is not None and s.cases.initial_backlog > 100
    assert all(q.wrap_up.dist == "lognormal" and q.patience is not None for q in s.queues)
    curve = s.centre.arrival_curve
    assert curve is not None and max(curve) == curve[10] and curve[3] < 0.1
    # Offered load at the busiest hour (handle + wrap-up) stays below the peak staffing.
    peak_load = sum(q.arrivals_per_hour * (q.handle_time.mean_s + q.wrap_up.mean_s) / 3600 for q in s.queues)
    assert 40 < peak_load < 0.8 * agents


def test_resolve_scenario_names_and_paths(tmp_path: Path) -> None:
    assert resolve_scenario("bank") == DEFAULT_SCENARIO
    assert resolve_scenario("single_queue") == SCENARIO_DIR / "single_queue.toml"
    own = _write(tmp_path, EXAMPLE, "mine.toml")
    assert resolve_scenario(str(own)) == own
    assert resolve_scenario("some/dir/file.toml") == Path("some/dir/file.toml")
    assert resolve_scenario("erlang_c.toml") == SCENARIO_DIR / "erlang_c.toml"
    assert resolve_scenario("elsewhere.toml") == Path("elsewhere.toml")
    with pytest.raises(ScenarioError, match=r"no_such_centre: .*built-in: .*single_queue"):
        resolve_scenario("no_such_centre")


def test_start_time_in_the_centre_time_zone() -> None:
    s = load_scenario(DEFAULT_SCENARIO)  # Asia/Shanghai, UTC+8, starts 08:00
    assert iso(start_ms_on(s, date(2024, 3, 4))) == "2024-03-04T00:00:00.000Z"


def test_shift_windows() -> None:
    assert shift_window("08:00-17:30") == (480, 1050)
    assert shift_window("22:00-08:00") == (1320, 480)
    assert shift_window("16:00-24:00") == (960, 0)
    for bad in ("8-17", "08:00", "08:00-08:00", "25:00-08:00"):
        with pytest.raises(ValueError):
            shift_window(bad)


HANDLE = 'dist = "exponential", mean_s = 180'


def _replace(old: str, new: str, extra: str = "") -> str:
    assert old in EXAMPLE, old
    return EXAMPLE.replace(old, new, 1) + extra


BAD = [
    # (file text, key, reason)
    (
        _replace("arrivals_per_hour = 200", 'arrivals_per_hour = "200"'),
        "queues[0].arrivals_per_hour",
        "Expected `float`, got `str`",
    ),
    (_replace("agents = 14", "agents = 14.5"), "teams[0].agents", "Expected `int`, got `float`"),
    (
        _replace("sl_threshold_s = 20", 'sl_threshold_s = 20\ncolour = "red"'),
        "queues[0].colour",
        "unknown key",
    ),
    (_replace("arrivals_per_hour = 200\n", ""), "queues[0].arrivals_per_hour", "missing required key"),
    (_replace('name = "Single queue"\n', ""), "centre.name", "missing required key"),
    (EXAMPLE.replace("[centre]", "[center]"), "center", "unknown key"),
    (
        _replace(HANDLE, 'dist = "gamma", mean_s = 180'),
        "queues[0].handle_time.dist",
        "Invalid enum value 'gamma'",
    ),
    (_replace("mean_s = 180", "mean_s = -180"), "queues[0].handle_time.mean_s", "must not be negative"),
    (_replace("mean_s = 300", "mean_s = 0"), "queues[0].patience.mean_s", "must be positive"),
    (
        _replace(HANDLE, 'dist = "lognormal", mean_s = 180'),
        "queues[0].handle_time.sd_s",
        "lognormal needs sd_s",
    ),
    (
        _replace(HANDLE, 'dist = "lognormal", mean_s = 180, sd_s = -1'),
        "queues[0].handle_time.sd_s",
        "must not be negative",
    ),
    (
        _replace('dist = "fixed", mean_s = 0', 'dist = "fixed", mean_s = 0, sd_s = 3'),
        "queues[0].wrap_up.sd_s",
        "applies only to lognormal",
    ),
    (_replace('opens = "00:00"', 'opens = "25:00"'), "centre.opens", "'25:00' is not a time of day HH:MM"),
    (_replace('opens = "00:00"', 'opens = "8h"'), "centre.opens", "is not a time of day HH:MM"),
    (
        _replace('opens = "00:00"\ncloses = "24:00"', 'opens = "18:00"\ncloses = "08:00"'),
        "centre.closes",
        "before or when it opens",
    ),
    (
        _replace('closes = "24:00"', 'closes = "24:00"\ntimezone = "Mars/Olympus"'),
        "centre.timezone",
        "unknown time zone",
    ),
    (
        _replace('closes = "24:00"', 'closes = "24:00"\nsl_definition = "whatever"'),
        "centre.sl_definition",
        "Invalid enum value 'whatever'",
    ),
    (
        _replace('closes = "24:00"', 'closes = "24:00"\narrival_curve = [1.0, 2.0]'),
        "centre.arrival_curve",
        "needs 24 hourly multipliers, got 2",
    ),
    (_replace('closes = "24:00"', 'closes = "24:00"\nring_s = -2'), "centre.ring_s", "must not be negative"),
    (
        _replace("arrivals_per_hour = 200", "arrivals_per_hour = -1"),
        "queues[0].arrivals_per_hour",
        "must not be negative",
    ),
    (_replace("sl_target_pct = 80", "sl_target_pct = 180"), "queues[0].sl_target_pct", "between 0 and 100"),
    (_replace('skills = ["q1"]', 'skills = ["q9"]'), "teams[0].skills[0]", "unknown queue 'q9'"),
    (_replace('skills = ["q1"]', "skills = []"), "teams[0].skills", "at least one skill"),
    (_replace("breaks = false", 'breaks = false\nshift = "08:00-27:00"'), "teams[0].shift", "is not a shift"),
    (_replace("agents = 14", "agents = -3"), "teams[0].agents", "must not be negative"),
    (EXAMPLE + SECOND_QUEUE, "queues[1].id", "no team with agents is skilled for queue 'q2'"),
    (EXAMPLE + SECOND_QUEUE.replace('"q2"', '"q1"'), "queues[1].id", "duplicate queue id 'q1'"),
    (EXAMPLE + '\n[[teams]]\nid = "t1"\nagents = 2\nskills = ["q1"]\n', "teams[1].id", "duplicate team id"),
    (
        EXAMPLE + '\n[breaks]\n[[breaks.rules]]\nreason = "nap"\ninterval = { dist = "fixed", mean_s = 60 }\n'
        'duration = { dist = "fixed", mean_s = 60 }\n',
        "breaks.rules[0].reason",
        "unknown reason 'nap'",
    ),
    (EXAMPLE + CASES.replace("q1 = 1.0", "q7 = 1.0"), "cases.queues.q7", "unknown queue 'q7'"),
    (EXAMPLE + CASES.replace('["t1"]', '["t1", "tx"]'), "cases.handler_teams[1]", "unknown team 'tx'"),
    (EXAMPLE + CASES + "initial_backlog = -5\n", "cases.initial_backlog", "must not be negative"),
    (EXAMPLE + CASES + "case_limit = 0\n", "cases.case_limit", "must be at least 1"),
    (
        _replace("sl_target_pct = 80", "sl_target_pct = 80\npriority = 11"),
        "queues[0].priority",
        "between 0 and 10",
    ),
    (
        _replace("sl_target_pct = 80", "sl_target_pct = 80\npriority = -1"),
        "queues[0].priority",
        "between 0 and 10",
    ),
    (EXAMPLE + CASES + "p_reopen = 1.5\n", "cases.p_reopen", "probability"),
    (
        EXAMPLE + CASES + "[cases.priorities]\nP1 = { share = 1, first_response_h = 4, resolution_h = 2 }\n",
        "cases.priorities.P1.resolution_h",
        "must not be before the first-response deadline",
    ),
    (
        EXAMPLE + CASES + "[cases.priorities]\nP5 = { share = 1, first_response_h = 4, resolution_h = 8 }\n",
        "cases.priorities.P5",
        "unknown key",
    ),
    (
        EXAMPLE + CASES + '[cases.steps]\nintake = { dist = "lognormal", mean_s = 9 }\n',
        "cases.steps.intake.sd_s",
        "lognormal needs sd_s",
    ),
]


@pytest.mark.parametrize(("text", "key", "reason"), BAD, ids=[f"{k}:{r[:24]}" for _, k, r in BAD])
def test_bad_scenario_names_file_key_and_reason(tmp_path: Path, text: str, key: str, reason: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert reason in message


NAMES = """
[names.zh_CN]
centre = "单队列"
queues = { q1 = "队列1" }
teams = { t1 = "座席组1" }
"""

BAD_NAMES = [
    # (names table, key, reason): each a change to NAMES, appended to EXAMPLE
    (NAMES.replace("q1 = ", "q9 = "), "names.zh_CN.queues.q9", "unknown queue 'q9'"),
    (NAMES.replace('"队列1" }', '"队列1", q2 = "队列2" }'), "names.zh_CN.queues.q2", "unknown queue 'q2'"),
    (NAMES.replace("t1 = ", "tx = "), "names.zh_CN.teams.tx", "unknown team 'tx'"),
    (NAMES.replace('"队列1"', '" "'), "names.zh_CN.queues.q1", "must not be empty"),
    (NAMES.replace('"单队列"', '""'), "names.zh_CN.centre", "must not be empty"),
    (NAMES.replace('{ q1 = "队列1" }', "{}"), "names.zh_CN.queues", "no name for queue 'q1'"),
    (NAMES.replace('teams = { t1 = "座席组1" }\n', ""), "names.zh_CN.teams", "missing required key"),
    (NAMES.replace('centre = "单队列"\n', ""), "names.zh_CN.centre", "missing required key"),
    (NAMES.replace("[names.zh_CN]", "[names.fr]"), "names.fr", "unknown key"),
    (NAMES.replace("[names.zh_CN]", "[names.en]"), "names.en", "unknown key"),
    (NAMES.replace("q1 = ", "q1 = 1, x = "), "names.zh_CN.queues.q1", "Expected `str`, got `int`"),
    (NAMES + 'colour = "red"\n', "names.zh_CN.colour", "unknown key"),
]


@pytest.mark.parametrize(
    ("names", "key", "reason"), BAD_NAMES, ids=[f"{k}:{r[:24]}" for _, k, r in BAD_NAMES]
)
def test_bad_names_table_names_file_key_and_reason(tmp_path: Path, names: str, key: str, reason: str) -> None:
    path = _write(tmp_path, EXAMPLE + names)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert reason in message


def test_names_table_gives_the_display_names_of_a_language(tmp_path: Path) -> None:
    s = load_scenario(_write(tmp_path, EXAMPLE + NAMES))
    zh = localized(s, "zh_CN")
    assert (zh.centre.name, zh.queues[0].name, zh.teams[0].display_name) == ("单队列", "队列1", "座席组1")
    assert (zh.queues[0].id, zh.teams[0].id) == ("q1", "t1")
    assert zh.queues[0].arrivals_per_hour == s.queues[0].arrivals_per_hour
    assert localized(s, "en") == s and (s.centre.name, s.teams[0].display_name) == ("Single queue", "t1")
    plain = load_scenario(_write(tmp_path, EXAMPLE, "plain.toml"))
    assert localized(plain, "zh_CN") == plain  # no table: the file's own names in every language
    with pytest.raises(ValueError, match="unknown language 'xx'"):
        localized(s, "xx")


def test_message_form_matches_the_brief(tmp_path: Path) -> None:
    path = _write(tmp_path, _replace("arrivals_per_hour = 200", 'arrivals_per_hour = "lots"'))
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(path))
    assert str(err.value) == f"{path}: queues[0].arrivals_per_hour: Expected `float`, got `str`"


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, EXAMPLE.replace("agents = 14", "agents = = 14"))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    line = EXAMPLE.splitlines().index("agents = 14") + 1
    assert message.startswith(f"{path}: line {line}: TOML syntax error"), message


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(ScenarioError, match=r"absent\.toml: cannot read the file"):
        load_scenario(path)


def test_extra_keys_for_the_default_centre_are_accepted(tmp_path: Path) -> None:
    text = EXAMPLE.replace(
        'closes = "24:00"',
        'closes = "22:00"\ntimezone = "Europe/Paris"\nday_starts = "05:00"\nstart_time = "07:30"\n'
        'short_abandon_s = 3\nsl_definition = "abandons_ignored"\nring_s = 4\narrival_curve = '
        + str([1.0] * 24),
    ).replace("breaks = false", 'breaks = true\nname = "Team one"\nshift = "22:00-06:00"')
    text += CASES + "initial_backlog = 12\n"
    s = load_scenario(_write(tmp_path, text))
    assert s.centre.timezone == "Europe/Paris" and s.centre.ring_s == 4
    assert s.teams[0].display_name == "Team one" and s.teams[0].shift == "22:00-06:00"
    assert [r.reason for r in s.breaks.rules] == ["break", "lunch"]  # the built-in policy
    assert s.cases is not None and s.cases.initial_backlog == 12


def test_single_queue_formula_is_what_the_fidelity_tests_expect() -> None:
    s = load_scenario(resolve_scenario("single_queue"))
    q = s.queues[0]
    assert q.patience is not None
    m = ErlangA(q.arrivals_per_hour, q.handle_time.mean_s, q.patience.mean_s, s.teams[0].agents)
    assert m.load_erl == pytest.approx(10.0)
