"""The business day: the centre's time zone, and moments and times of day as a user types them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.domain.businessday import known_zone, parse_moment, time_of_business_day, zone
from console.domain.clock import to_ms

DAY = "2026-03-01T22:00:00.000Z"  # 06:00 in Shanghai, where the bank's day starts


def test_a_zone_this_machine_does_not_know_is_utc_or_none() -> None:
    shanghai = zone("Asia/Shanghai")
    assert shanghai.key == "Asia/Shanghai" and known_zone("Asia/Shanghai") is shanghai
    for unknown in ("Nowhere/Land", "", "../etc/passwd", "UTC "):
        assert zone(unknown).key == "UTC"
        assert known_zone(unknown) is None  # fmt's times of day then use the workstation's local time
    noon = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    assert noon.astimezone(zone("Asia/Shanghai")).hour == 12 and noon.astimezone(zone("Mars/Base")).hour == 4


def test_moments_are_minutes_and_seconds_into_a_call() -> None:
    assert parse_moment("") is None and parse_moment("   ") is None
    assert parse_moment(" 01:35 ") == 95.0 and parse_moment("1:02:03") == 3723.0
    assert parse_moment("0:00") == 0.0 and parse_moment("59:59") == 3599.0
    assert parse_moment("125:00") == 7500.0  # minutes alone may run past the hour
    assert parse_moment("1:59:59") == 7199.0
    for bad in ("1:2", "a", "01:60", "1:60:00", "-1:00", "1:00:00:00", "01:35 pm"):
        with pytest.raises(ValueError):
            parse_moment(bad)


def test_a_time_of_day_is_placed_in_the_current_business_day() -> None:
    assert time_of_business_day("09:30", DAY, "Asia/Shanghai") == "2026-03-02T01:30:00.000Z"
    assert time_of_business_day(" 9:30:15 ", DAY, "Asia/Shanghai") == "2026-03-02T01:30:15.000Z"
    assert time_of_business_day("", DAY, "Asia/Shanghai") is None
    # The day's first second is that day's; one second before it is the night at the end of the day.
    assert to_ms(time_of_business_day("06:00", DAY, "Asia/Shanghai") or "") == to_ms(DAY)
    assert time_of_business_day("05:59:59", DAY, "Asia/Shanghai") == "2026-03-02T21:59:59.000Z"
    assert time_of_business_day("02:00", DAY, "Asia/Shanghai") == "2026-03-02T18:00:00.000Z"  # the night
    # A centre whose zone this machine does not know reads the time as UTC (its day starts 22:00 UTC).
    assert time_of_business_day("23:00", DAY, "Nowhere/Land") == "2026-03-01T23:00:00.000Z"
    assert time_of_business_day("21:00", DAY, "Nowhere/Land") == "2026-03-02T21:00:00.000Z"
    for bad in ("24:00", "9", "09:30 pm", "12:60"):
        with pytest.raises(ValueError):
            time_of_business_day(bad, DAY, "Asia/Shanghai")
    with pytest.raises(ValueError):  # before the first snapshot there is no business day to place it in
        time_of_business_day("09:30", None, "UTC")
