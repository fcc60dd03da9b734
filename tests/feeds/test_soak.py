"""A short soak (benchmarks/soak.py): three simulated days kept to one, two clients reading."""

from __future__ import annotations

from pathlib import Path

from benchmarks.soak import soak


def test_a_short_soak_prunes_and_reports_every_day(tmp_path: Path) -> None:
    result = soak(3, speed=20_000.0, keep_days=1, workdir=tmp_path, timeout_s=180)
    assert [d.day for d in result.days] == [0, 1, 2, 3]
    assert all(d.gateway_rss_mb > 0 and d.db_mb > 0 for d in result.days)
    assert result.frames["console"] > 0 and result.frames["wall"] > 0
    # Day 0 is pruned at day 2's start: the journal holds fewer rows than were ever written.
    last = result.days[-1]
    assert last.journal_rows < last.seq
    # The latest three, and one a day for the days whose events are still held (history.query).
    assert 1 <= last.checkpoints <= 3 + 2
    assert not [w for w in result.warnings if "ERROR" in w or "CRITICAL" in w]
