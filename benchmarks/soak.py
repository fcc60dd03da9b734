"""Soak: the gateway with the bank scenario at high speed for a number of simulated days.

    .venv/bin/python -m benchmarks.soak --days 7 --speed 5000 --keep-days 2

Starts a gateway process on a fresh SQLite file with ``--keep-days``, attaches two
headless websocket clients (a supervisor, as a console would be, and a viewer,
as a wall display would be) that read every frame, and at each simulated day's
turn (on the feed clock) records the gateway's RSS, this process's RSS (the two
clients), the database's size (file and WAL), the rows in the journal and the
checkpoints. At the end it prints a table, the prunes the gateway logged, every
warning it logged, and the RSS growth between day 2 and the last day (issue 16:
under 5 %). ``--json FILE`` writes the figures too. ``--probe FILE`` runs the
gateway through ``benchmarks.soak_probe``, which writes at each day's turn what
its memory holds (the C heap, SQLite's caches, the resume journal; with
``SOAK_PROBE_TRACEMALLOC=1`` the Python lines that grew). The suite runs a short
version (tests/feeds/test_soak.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import msgspec
from websockets.asyncio.client import connect

from console.domain.clock import iso, to_ms

ROOT = Path(__file__).resolve().parent.parent
START = "2026-03-02T00:30:00.000Z"  # a Monday, 08:30 in the bank centre (Asia/Shanghai)
DAY_MS = 86_400_000


@dataclass
class DayFigures:
    day: int
    feed_clock: str
    wall_s: float
    seq: int
    gateway_rss_mb: float
    clients_rss_mb: float
    db_mb: float
    journal_rows: int
    checkpoints: int


@dataclass
class SoakResult:
    days: list[DayFigures] = field(default_factory=list)
    prunes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    frames: dict[str, int] = field(default_factory=dict)
    probes: list[dict[str, Any]] = field(default_factory=list)  # with --probe: one a day's turn
    rss_growth_pct: float | None = None  # gateway RSS, day 2 to the last day

    def table(self) -> str:
        lines = [
            f"{'day':>3} {'feed clock':<24} {'wall s':>7} {'seq':>9} {'gw RSS MB':>9} "
            f"{'clients MB':>10} {'DB MB':>7} {'journal':>9} {'cps':>3}"
        ]
        for d in self.days:
            lines.append(
                f"{d.day:>3} {d.feed_clock:<24} {d.wall_s:>7.1f} {d.seq:>9} {d.gateway_rss_mb:>9.1f} "
                f"{d.clients_rss_mb:>10.1f} {d.db_mb:>7.1f} {d.journal_rows:>9} {d.checkpoints:>3}"
            )
        return "\n".join(lines)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def db_figures(db: Path) -> tuple[float, int, int]:
    size = sum(p.stat().st_size for p in (db, Path(f"{db}-wal")) if p.exists())
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        journal = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        checkpoints = conn.execute("SELECT count(*) FROM checkpoints").fetchone()[0]
    finally:
        conn.close()
    return size / 1_048_576, int(journal), int(checkpoints)


class Client:
    """Reads every frame; keeps the feed clock (events' and heartbeats' ``at``) and the head seq."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.frames = 0
        self.at: str | None = None
        self.seq = 0

    async def run(self, url: str, token: str, stop: asyncio.Event) -> None:
        decode = msgspec.json.Decoder(dict[str, Any]).decode
        async with connect(url, max_size=None) as ws:
            hello = {"op": "hello", "protocol": 1, "token": token, "resume_from": None}
            await ws.send(json.dumps(hello))
            while not stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 1.0)
                except TimeoutError:
                    continue
                self.frames += 1
                frame = decode(raw)
                op = frame.get("op")
                if op == "events" and frame.get("events"):
                    last = frame["events"][-1]
                    self.seq, self.at = last["seq"], last.get("at") or self.at
                elif op == "heartbeat" and frame.get("at"):
                    self.at = frame["at"]
                elif op == "snapshot":
                    self.seq, self.at = frame.get("seq", 0), frame.get("at") or self.at


def start_gateway(
    db: Path, *, speed: float, keep_days: int, tokens: dict[str, str], probe: Path | None = None
) -> subprocess.Popen[str]:
    users = "\n".join(f"{name}:{role}:{tok}" for name, (role, tok) in _users(tokens).items())
    env = {**os.environ, "CONSOLE_GATEWAY_USERS": users}  # not on the command line
    gateway = ["console.feeds.gateway"] if probe is None else ["benchmarks.soak_probe", str(probe)]
    cmd = [
        sys.executable,
        "-m",
        *gateway,
        "--port",
        "0",
        "--db",
        f"sqlite:///{db}",
        "--scenario",
        "bank",
        "--speed",
        str(speed),
        "--start",
        START,
        "--keep-days",
        str(keep_days),
        "--log-level",
        "INFO",
    ]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _users(tokens: dict[str, str]) -> dict[str, tuple[str, str]]:
    return {"console": ("supervisor", tokens["console"]), "wall": ("viewer", tokens["wall"])}


def soak(
    days: int, *, speed: float, keep_days: int, workdir: Path, timeout_s: float, probe: Path | None = None
) -> SoakResult:
    db = workdir / "soak.db"
    tokens = {"console": secrets.token_urlsafe(24), "wall": secrets.token_urlsafe(24)}
    proc = start_gateway(db, speed=speed, keep_days=keep_days, tokens=tokens, probe=probe)
    result = SoakResult()
    log_lines: list[str] = []

    def read_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            log_lines.append(line.rstrip())

    reader = threading.Thread(target=read_stderr, name="gateway-stderr", daemon=True)
    reader.start()
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("listening "):
            raise RuntimeError(f"the gateway did not start: {line!r}; {log_lines[-5:]}")
        url = line.split()[1]
        asyncio.run(_drive(url, tokens, proc.pid, db, days, result, timeout_s, probe=probe is not None))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(10)
    if probe is not None and probe.exists():
        result.probes = [json.loads(line) for line in probe.read_text().splitlines() if line]
    result.prunes = [ln for ln in log_lines if "store: pruned" in ln]
    result.warnings = [ln for ln in log_lines if any(w in ln for w in ("WARNING", "ERROR", "CRITICAL"))]
    if len(result.days) >= 3:
        base = result.days[2].gateway_rss_mb  # day 2's turn (index 0 is the start)
        result.rss_growth_pct = 100.0 * (result.days[-1].gateway_rss_mb - base) / base
    return result


async def _drive(  # noqa: PLR0917 - one private helper
    url: str,
    tokens: dict[str, str],
    pid: int,
    db: Path,
    days: int,
    result: SoakResult,
    timeout_s: float,
    *,
    probe: bool = False,
) -> None:
    stop = asyncio.Event()
    console, wall = Client("console"), Client("wall")
    tasks = [
        asyncio.create_task(console.run(url, tokens["console"], stop)),
        asyncio.create_task(wall.run(url, tokens["wall"], stop)),
    ]
    started = time.monotonic()
    start_ms = to_ms(START)
    day = 0
    try:
        while day <= days:
            if time.monotonic() - started > timeout_s:
                raise TimeoutError(f"only {day - 1} simulated days in {timeout_s:.0f} s")
            for task in tasks:
                if task.done():
                    task.result()  # a client that failed stops the soak with its error
                    raise RuntimeError("a client stopped")
            if console.at is not None and to_ms(console.at) >= start_ms + day * DAY_MS:
                db_mb, journal, checkpoints = await asyncio.to_thread(db_figures, db)
                result.days.append(
                    DayFigures(
                        day=day,
                        feed_clock=iso(to_ms(console.at)),
                        wall_s=time.monotonic() - started,
                        seq=console.seq,
                        gateway_rss_mb=rss_mb(pid),
                        clients_rss_mb=rss_mb(os.getpid()),
                        db_mb=db_mb,
                        journal_rows=journal,
                        checkpoints=checkpoints,
                    )
                )
                if probe:
                    os.kill(pid, signal.SIGUSR1)  # benchmarks.soak_probe writes its figures
                day += 1
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    result.frames = {"console": console.frames, "wall": wall.frames}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="benchmarks.soak", description=__doc__.split("\n\n")[0])
    p.add_argument("--days", type=int, default=7, help="simulated days (default 7)")
    p.add_argument("--speed", type=float, default=5000.0, help="simulated seconds per second (default 5000)")
    p.add_argument("--keep-days", type=int, default=2, help="the gateway's --keep-days (default 2)")
    p.add_argument("--timeout", type=float, default=3600.0, help="give up after this many seconds")
    p.add_argument("--json", type=Path, help="write the figures to this file too")
    p.add_argument("--probe", type=Path, help="run the gateway through benchmarks.soak_probe, writing here")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        result = soak(
            args.days,
            speed=args.speed,
            keep_days=args.keep_days,
            workdir=Path(tmp),
            timeout_s=args.timeout,
            probe=args.probe.resolve() if args.probe else None,
        )
    print(result.table())
    print(f"frames read: {result.frames}")
    for figures in result.probes:
        print("probe", json.dumps({k: v for k, v in figures.items() if k != "grew"}))
        for line in figures.get("grew", []):
            print(f"    {line}")
    for line in result.prunes:
        print(line)
    print(f"warnings: {len(result.warnings)}")
    for line in result.warnings[:20]:
        print(f"  {line}")
    if result.rss_growth_pct is not None:
        print(f"gateway RSS growth, day 2 to day {result.days[-1].day}: {result.rss_growth_pct:+.1f} %")
    if args.json is not None:
        args.json.write_text(json.dumps(asdict(result), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
