"""The gateway's own limit: the most events a second it sequences, commits and broadcasts.

    .venv/bin/python -m benchmarks.gateway_ceiling                       # 5000x200x50000, SQLite, 15 s
    .venv/bin/python -m benchmarks.gateway_ceiling --profile /tmp/ceil   # + cProfile of both threads
    .venv/bin/python -m benchmarks.gateway_ceiling --rate 20000          # the real 20 ms tick at 20k/s
    .venv/bin/python -m benchmarks.gateway_ceiling --store postgres      # a throwaway local cluster

Three processes share the machine:

- **The gateway** (this module with ``--serve``): a real ``Gateway`` on
  127.0.0.1 with the synthetic load centre (``--size``) and a fresh SQLite file
  (or a database on a throwaway PostgreSQL cluster, ``tests/helpers/postgres.py``,
  fsync off). By default (``--rate max``) its driver task is replaced by a
  closed loop that does what the gateway's 20 ms tick does (``advance`` the
  load centre by one tick of ``--tick-events`` events, then
  ``Sequencer.sequence``), back to back, yielding to the loop between ticks and
  holding back only while more than ``--window`` events await their commit: the
  gateway is driven as hard as it can sequence, commit and broadcast. With
  ``--rate N`` the gateway's own tick runs the load centre at N events/s, and
  the figure says whether it keeps pace.
- **The consoles** (``--consoles``, default two supervisors and a viewer): raw
  websocket clients in one process of their own, which read every frame
  (bytes, not decoded: the gateway is measured, not them) and note the last seq
  of each events frame.
- **This process**, which starts both, lets ``--warmup`` seconds pass, then
  measures ``--seconds``.

Reported: events per second committed and broadcast (the gateway's count; the
consoles' receipts agree), the lag from an event's stamping (produced) to its
commit and hand-over to every console's queue (p50, p99, max), the gateway's
CPU (process, event-loop thread, writer thread, as shares of one core), its RSS,
commits per second, and the consoles' overflows (a console that fell behind gets
a snapshot instead: there should be none). ``--profile DIR`` writes a cProfile of
the event-loop thread and of the writer thread over the measured window and
prints their tops.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import logging
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from benchmarks.console_speed import LineReader, _end, scenario_starting_now
from console.domain.permissions import Role
from console.feeds.gateway.config import GatewayConfig, UserSpec
from console.feeds.gateway.server import Gateway
from console.feeds.sources.load_centre import LoadShape
from console.store.writer import StoreWriter

ROOT = Path(__file__).resolve().parent.parent
TICK_MS = 20  # the gateway's tick (GatewayConfig.tick_s)
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- the gateway process ------------------------------------------------------------------


def _thread_cpu_s(native_id: int) -> float:
    """User + system CPU seconds of one thread of this process (Linux /proc)."""
    stat = Path(f"/proc/self/task/{native_id}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _rss_mib() -> tuple[float, float]:
    """(current, peak) resident set of this process, MiB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(value.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


class _Probe:
    """What the gateway process notes about itself: lags, CPU and counters at the window's ends."""

    def __init__(self) -> None:
        self.measuring = False
        self.stamped: deque[tuple[int, int, float]] = deque()  # (first seq, last seq, stamped at)
        self.lags: list[tuple[float, int]] = []  # (seconds from stamp to commit and hand-over, events)
        self.loop_prof = cProfile.Profile(time.thread_time)  # CPU, not a busy machine's waits
        self.writer_prof = cProfile.Profile(time.thread_time)
        self.writer_native_id: int | None = None
        self.marks: dict[str, dict[str, float]] = {}


def _instrument(gateway: Any, probe: _Probe) -> None:
    """Wrap the sequencer on the instance: note when each batch is stamped and when it is published."""
    seqr = gateway.sequencer
    stamp, on_committed = seqr.stamp, seqr._on_committed

    def stamped(items: Any) -> Any:
        first = seqr.seq + 1
        out = stamp(items)
        if seqr.seq >= first:
            probe.stamped.append((first, seqr.seq, time.perf_counter()))
        return out

    def committed(seq: int, ticket: int) -> None:
        on_committed(seq, ticket)  # publishes to every console's queue
        now = time.perf_counter()
        while probe.stamped and probe.stamped[0][1] <= seqr.committed_seq:
            first, last, at = probe.stamped.popleft()
            if probe.measuring:
                probe.lags.append((now - at, last - first + 1))

    seqr.stamp = stamped
    seqr._on_committed = committed


def _profile_writer(probe: _Probe) -> None:
    """Profile the writer thread's work per batch (prepare, commit) while measuring; note its thread."""
    prepare, commit = StoreWriter._prepare, StoreWriter._commit

    def _prepare(self: StoreWriter, taken: Any) -> Any:
        probe.writer_native_id = threading.get_native_id()
        if probe.measuring:
            return probe.writer_prof.runcall(prepare, self, taken)
        return prepare(self, taken)

    def _commit(self: StoreWriter, batch: Any) -> bool:
        if probe.measuring:
            return bool(probe.writer_prof.runcall(commit, self, batch))
        return commit(self, batch)

    StoreWriter._prepare = _prepare  # type: ignore[method-assign]
    StoreWriter._commit = _commit  # type: ignore[method-assign]


async def _saturate(gateway: Any, tick_events: int, window: int) -> None:
    """The gateway's tick without its clock: one tick of the load centre after another, as fast as
    the gateway sequences them, holding back while more than ``window`` events await their commit."""
    sim, seqr = gateway.sim, gateway.sequencer
    while True:
        if seqr.seq - seqr.committed_seq > window:
            await seqr.wait_committed(seqr.seq - window // 2)
        items = sim.advance(sim.now_ms + TICK_MS)
        if items:
            seqr.sequence(items)
        await asyncio.sleep(0)


def _counters(gateway: Any, probe: _Probe) -> dict[str, float]:
    times = os.times()
    loop_id = threading.get_native_id()
    writer = gateway.sequencer.writer
    return {
        "wall": time.time(),
        "mono": time.perf_counter(),
        "cpu": times.user + times.system,
        "loop_cpu": _thread_cpu_s(loop_id),
        "writer_cpu": _thread_cpu_s(probe.writer_native_id) if probe.writer_native_id else 0.0,
        "seq": gateway.seq,
        "committed": gateway.committed_seq,
        "transactions": writer.transactions if writer is not None else 0,
        "overflows": sum(s.overflows for s in gateway.sessions),
        "snapshots": gateway.snapshots_built,
    }


def _top(prof: cProfile.Profile, path: Path | None, lines: int) -> str:
    if path is not None:
        prof.dump_stats(path)
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


async def _serve(opts: dict[str, Any]) -> None:
    probe = _Probe()
    _profile_writer(probe)
    rate = opts["rate"]
    tick_events = opts["tick_events"]
    # Closed loop: the load centre's rate makes one tick exactly tick_events events.
    feed_rate = float(rate) if rate else tick_events * 1000.0 / TICK_MS
    agents, queues, cases = (int(p) for p in opts["size"].split("x"))
    config = GatewayConfig(
        host="127.0.0.1",
        port=0,
        scenario=Path(opts["scenario"]),
        db_url=opts["db"],
        load=LoadShape(agents=agents, queues=queues, cases=cases, rate=feed_rate),
        users=[UserSpec(name, Role(role), token) for name, role, token in opts["users"]],
        keep_days=0,
        **({"checkpoint_every": opts["checkpoint_every"]} if opts.get("checkpoint_every") else {}),
    )
    gateway = Gateway(config)
    _instrument(gateway, probe)
    if not rate:
        gateway._run_sim = lambda: _saturate(gateway, tick_events, opts["window"])  # type: ignore[method-assign]
    go = asyncio.Event()
    if not rate:  # the closed loop waits for the consoles (the real tick starts at once)
        real_run = gateway._run_sim

        async def after_go() -> None:
            await go.wait()
            await real_run()

        gateway._run_sim = after_go  # type: ignore[method-assign]
    await gateway.start()
    await gateway.sequencer.wait_committed(gateway.seq)  # the bootstrap: roster and open cases
    print(f"listening {gateway.url}", flush=True)
    loop = asyncio.get_running_loop()
    marks: dict[str, dict[str, float]] = {}
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if line in ("go", ""):
            go.set()
            if not line:
                break
        elif line == "start":
            marks["start"] = _counters(gateway, probe)
            probe.measuring = True
            if opts["profile"]:
                probe.loop_prof.enable()
        elif line == "end":
            if opts["profile"]:
                probe.loop_prof.disable()
            probe.measuring = False
            marks["end"] = _counters(gateway, probe)
            break
    rss, peak = _rss_mib()
    result: dict[str, Any] = {"marks": marks, "lags": probe.lags, "rss_mib": rss, "peak_rss_mib": peak}
    result["warnings"] = gateway.fatal is not None
    if opts["profile"]:
        pdir = Path(opts["profile"])
        os.makedirs(pdir, exist_ok=True)
        result["loop_profile"] = _top(probe.loop_prof, pdir / "loop.prof", 30)
        result["writer_profile"] = _top(probe.writer_prof, pdir / "writer.prof", 30)
    await gateway.stop()
    print(json.dumps(result), flush=True)


# -- the consoles' process ----------------------------------------------------------------


async def _console(url: str, token: str, frames: list[tuple[float, int]], snapshots: list[int]) -> None:
    async with connect(url, max_size=None, compression=None, open_timeout=120) as ws:
        await ws.send(json.dumps({"op": "hello", "protocol": 1, "token": token, "resume_from": None}))
        while True:
            raw = await ws.recv(decode=False)
            assert isinstance(raw, bytes)
            head = raw[:40]
            if head.startswith(b'{"op":"events"'):
                i = raw.rfind(b'{"seq":')
                frames.append((time.time(), int(raw[i + 7 : raw.index(b",", i)])))
            elif b'"snapshot"' in head:
                snapshots.append(len(raw))


async def _consoles(url: str, tokens: list[str]) -> None:
    frames: list[list[tuple[float, int]]] = [[] for _ in tokens]
    snapshots: list[list[int]] = [[] for _ in tokens]
    tasks = [asyncio.create_task(_console(url, t, frames[i], snapshots[i])) for i, t in enumerate(tokens)]
    while not all(snapshots) and not any(t.done() for t in tasks):  # noqa: ASYNC110 - or a console failed
        await asyncio.sleep(0.05)
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    for t in tasks:
        t.cancel()
    errors = [
        repr(t.exception())
        for t in tasks
        if t.done() and not t.cancelled() and not isinstance(t.exception(), ConnectionClosed | None)
    ]
    print(json.dumps({"frames": frames, "snapshots": snapshots, "errors": errors}), flush=True)


# -- the benchmark ------------------------------------------------------------------------


def _child(args: list[str], stdin_json: dict[str, Any] | None, log_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.gateway_ceiling", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log_path.open("w"),
        text=True,
    )
    assert proc.stdin is not None
    if stdin_json is not None:
        proc.stdin.write(json.dumps(stdin_json) + "\n")
        proc.stdin.flush()
    return proc


def _send(proc: subprocess.Popen[str], line: str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(line + "\n")
    proc.stdin.flush()


def _expect(reader: LineReader, timeout: float, what: str, log_path: Path) -> str:
    line = reader.next(timeout)
    if not line:
        raise RuntimeError(f"{what} ended early:\n{log_path.read_text()[-3000:]}")
    return line.strip()


def _percentile(samples: list[tuple[float, int]], q: float) -> float:
    """The q-quantile of weighted samples (value, weight)."""
    ordered = sorted(samples)
    total = sum(w for _, w in ordered)
    if not total:
        return float("nan")
    seen = 0
    for value, weight in ordered:
        seen += weight
        if seen >= q * total:
            return value
    return ordered[-1][0]


def run(args: argparse.Namespace) -> dict[str, Any]:
    roles = [r.strip() for r in args.consoles.split(",") if r.strip()]
    users = [[f"c{i}", role, f"ceiling-{i}-" + os.urandom(8).hex()] for i, role in enumerate(roles)]
    pg: Any = None
    with tempfile.TemporaryDirectory(prefix="ceiling-") as tmp_name:
        tmp = Path(tmp_name)
        if args.store == "postgres":
            from tests.helpers.postgres import PgServer, find_bindir  # noqa: PLC0415 - pytest, psycopg

            bindir = find_bindir()
            if bindir is None:
                raise RuntimeError("PostgreSQL binaries not found (set PG_BINDIR)")
            pg = PgServer(bindir)
            pg.start()
            db = pg.create_database()
        else:
            db = f"sqlite:///{tmp / 'gateway.db'}"
        serve = {
            "size": args.size,
            "rate": 0 if args.rate == "max" else float(args.rate),
            "tick_events": args.tick_events,
            "window": args.window,
            "db": db,
            "users": users,
            "scenario": str(scenario_starting_now(tmp, "ceiling")),
            "profile": args.profile,
            "checkpoint_every": args.checkpoint_every,
        }
        glog, clog = tmp / "gateway.log", tmp / "consoles.log"
        gw = _child(["--serve"], serve, glog)
        consoles: subprocess.Popen[str] | None = None
        try:
            assert gw.stdout is not None
            greader = LineReader(gw.stdout)
            line = _expect(greader, 300, "the gateway", glog)
            if not line.startswith("listening "):
                raise RuntimeError(f"the gateway said {line!r}")
            url = line.split()[1]
            consoles = _child(["--consoles-of", url], {"tokens": [u[2] for u in users]}, clog)
            assert consoles.stdout is not None
            creader = LineReader(consoles.stdout)
            if _expect(creader, 300, "the consoles", clog) != "ready":
                raise RuntimeError("the consoles did not get their snapshots")
            load_before = os.getloadavg()
            _send(gw, "go")
            time.sleep(args.warmup)
            _send(gw, "start")
            time.sleep(args.seconds)
            _send(gw, "end")
            gres = json.loads(_expect(greader, 600, "the gateway", glog))
            load_after = os.getloadavg()
            _send(consoles, "stop")
            cres = json.loads(_expect(creader, 60, "the consoles", clog))
            consoles.wait(30)
            gw.wait(60)
            warnings = [ln for ln in glog.read_text().splitlines() if "WARNING" in ln or "ERROR" in ln]
        finally:
            for proc in (consoles, gw):
                if proc is not None:
                    _end(proc)
            if pg is not None:
                pg.destroy()
    start, end = gres["marks"]["start"], gres["marks"]["end"]
    wall = end["mono"] - start["mono"]
    committed = end["committed"] - start["committed"]
    received = []
    for frames in cres["frames"]:
        inside = [seq for at, seq in frames if start["wall"] <= at <= end["wall"]]
        before = [seq for at, seq in frames if at < start["wall"]]
        received.append((inside[-1] - (before[-1] if before else inside[0])) / wall if inside else 0.0)
    lags = [(lag, n) for lag, n in gres["lags"]]
    result: dict[str, Any] = {
        "size": args.size,
        "store": args.store,
        "mode": "closed loop" if args.rate == "max" else f"tick at {args.rate}/s",
        "consoles": roles,
        "seconds": round(wall, 2),
        "events_per_s": round(committed / wall),
        "stamped_per_s": round((end["seq"] - start["seq"]) / wall),
        "consoles_received_per_s": [round(r) for r in received],
        "commits_per_s": round((end["transactions"] - start["transactions"]) / wall, 1),
        "events_per_commit": round(committed / max(1, end["transactions"] - start["transactions"])),
        "lag_ms": {
            "p50": round(_percentile(lags, 0.5) * 1000, 1),
            "p99": round(_percentile(lags, 0.99) * 1000, 1),
            "max": round(max((lag for lag, _ in lags), default=float("nan")) * 1000, 1),
        },
        "cpu_cores": {
            "process": round((end["cpu"] - start["cpu"]) / wall, 2),
            "loop_thread": round((end["loop_cpu"] - start["loop_cpu"]) / wall, 2),
            "writer_thread": round((end["writer_cpu"] - start["writer_cpu"]) / wall, 2),
        },
        "cpu_us_per_event": round((end["cpu"] - start["cpu"]) / max(committed, 1) * 1e6, 1),
        "rss_mib": round(gres["rss_mib"]),
        "peak_rss_mib": round(gres["peak_rss_mib"]),
        "console_overflows": end["overflows"] - start["overflows"],
        "snapshots_sent_after_start": [len(s) - 1 for s in cres["snapshots"]],
        "load_average": [round(x, 2) for x in (*load_before, *load_after)],
        "gateway_warnings": warnings[:5],
        "console_errors": cres["errors"],
        "profiled": bool(args.profile),
    }
    if args.profile:
        result["loop_profile"] = gres["loop_profile"]
        result["writer_profile"] = gres["writer_profile"]
    return result


def _print(result: dict[str, Any]) -> None:
    print(
        f"gateway ceiling, {result['size']}, {result['store']}, {result['mode']}, "
        f"consoles {','.join(result['consoles'])}{' (profiled)' if result['profiled'] else ''}:"
    )
    print(
        f"  {result['events_per_s']:,} events/s committed and broadcast over {result['seconds']} s "
        f"(consoles received {', '.join(f'{r:,}' for r in result['consoles_received_per_s'])}/s)"
    )
    lag, cpu = result["lag_ms"], result["cpu_cores"]
    print(
        f"  lag stamped -> committed and queued: p50 {lag['p50']} ms, p99 {lag['p99']} ms, "
        f"max {lag['max']} ms"
    )
    print(
        f"  {result['commits_per_s']} commits/s, {result['events_per_commit']:,} events each; "
        f"CPU {cpu['process']} cores (loop {cpu['loop_thread']}, writer {cpu['writer_thread']}), "
        f"{result['cpu_us_per_event']} µs/event"
    )
    print(
        f"  RSS {result['rss_mib']} MiB (peak {result['peak_rss_mib']}); console overflows "
        f"{result['console_overflows']}; load average before {result['load_average'][:3]}, "
        f"after {result['load_average'][3:]}"
    )
    for w in result["gateway_warnings"]:
        print(f"  gateway: {w}")
    for e in result["console_errors"]:
        print(f"  console error: {e}")
    if result["profiled"]:
        print("-- event-loop thread, by own time\n" + result["loop_profile"])
        print("-- writer thread, by own time\n" + result["writer_profile"])


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--size", default="5000x200x50000", help="AGENTSxQUEUESxCASES (default 5000x200x50000)")
    p.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--rate", default="max", help="'max' (closed loop, default) or events/s of the real tick")
    p.add_argument("--tick-events", type=int, default=500, help="events a tick in the closed loop (500)")
    p.add_argument("--window", type=int, default=20_000, help="events awaiting commit before holding back")
    p.add_argument("--consoles", default="supervisor,supervisor,viewer", help="roles of the consoles")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds before measuring (3)")
    p.add_argument("--seconds", type=float, default=15.0, help="seconds measured (15)")
    p.add_argument("--checkpoint-every", type=int, help="the gateway's checkpoint_every (its default)")
    p.add_argument("--profile", metavar="DIR", help="cProfile both gateway threads into DIR")
    p.add_argument("--json", metavar="FILE", help="write the result as JSON")
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--consoles-of", metavar="URL", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve:
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        asyncio.run(_serve(json.loads(sys.stdin.readline())))
        return 0
    if args.consoles_of:
        asyncio.run(_consoles(args.consoles_of, json.loads(sys.stdin.readline())["tokens"]))
        return 0
    result = run(args)
    _print(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
