"""Console speed: the figures the console is held to, end to end on loopback.

    .venv/bin/python -m benchmarks.console_speed                 # what `make bench` runs
    .venv/bin/python -m benchmarks.console_speed --size 500x20x1000 --only screen
    .venv/bin/python -m benchmarks.console_speed --profile /tmp/prof   # + cProfile of the GUI thread

Everything is real and headless (QT_QPA_PLATFORM=offscreen): the gateway runs
as a subprocess (``python -m console.feeds.gateway --load RATE``, the synthetic
load centre, SQLite in a temp dir), the console as another
(``benchmarks.console_probe``: QApplication, LiveFeed, MainWindow shown), and
they talk websockets over 127.0.0.1. Two phases:

screen
    A gateway at ``--rate`` (2,000) events/s on the ``--size`` centre
    (5000x200x50000). The console connects: time until the snapshot is on
    screen, peak RSS; then event-to-screen latency p50/p99 over ``--seconds``
    (each event's ``at``, which the load centre stamps with the wall clock,
    against ``time.time()`` when the window has painted the drain that applied it).
ingest
    A gateway at ``--ingest-rate`` events/s (one gateway process cannot make
    50,000/s live, so the rate is measured as a catch-up). The console connects
    through a relay; the relay cuts the connection for ``--outage`` seconds
    (a real outage: the console notices, retries with its backoff, resumes
    with ``resume_from``). Before letting it back, a bare websockets client
    resumes from the same seq to the same head and decodes the same frames
    (msgspec, typed like the feed client does, no state): the raw rate. Then
    the console resumes and catches up: events applied per second from its
    welcome until it has applied the head, and the longest GUI stall meanwhile.

The figures and what they mean: docs/performance.md. The exit status is 0
unless something broke; a missed target is reported, not failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import pstats
import queue
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
from websockets.asyncio.client import connect

from console.domain.clock import iso
from console.domain.events import make_event, type_payload
from console.domain.state import FloorState, Snapshot
from console.feeds import protocol
from console.feeds.client.feed_client import MAX_FRAME_BYTES
from console.feeds.gateway.server import EVENTS_PER_FRAME
from console.feeds.protocol import EventsFrame, Welcome
from console.feeds.sources.load_centre import LoadDriver, LoadShape
from console.feeds.sources.simulator.scenario import SCENARIO_DIR

ROOT = Path(__file__).resolve().parent.parent

# The figures.
TARGET_LATENCY_P99_MS = 250.0  # event on screen after the gateway sends it, at 2,000 events/s
TARGET_INGEST = 50_000.0  # events/s sustained
TARGET_STALL_S = 0.100  # longest the GUI may not react
TARGET_SNAPSHOT_S = 2.0  # the big centre on screen after connecting
TARGET_RSS_MB = 500.0


class BenchError(RuntimeError):
    """Something broke (not a missed target)."""


# -- processes -------------------------------------------------------------------------


class LineReader:
    """A child's stdout, line by line, on a thread (so a wait can time out)."""

    def __init__(self, stream: IO[str]) -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self._thread.start()

    def _run(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line)
        self._lines.put(None)

    def next(self, timeout: float) -> str | None:
        """The next line; None at EOF. Raises queue.Empty after ``timeout``."""
        return self._lines.get(timeout=timeout)


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _end(proc: subprocess.Popen[str], grace: float = 20.0) -> None:
    """Stop a child we started: SIGTERM, then SIGKILL if it does not go."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def scenario_starting_now(workdir: Path, name: str) -> Path:
    """A scenario whose start time is this minute (UTC), for the load centre's bootstrap.

    In --load mode the scenario only sets when the feed clock starts: the load
    centre's roster is stamped then, and the clock then jumps to the wall clock.
    With the bundled scenario's 08:00 start the first state change of every agent
    would book hours of 5-minute agent-time buckets (more the later in the day the
    benchmark runs); starting this minute keeps the figures independent of the hour.
    """
    now = time.gmtime()
    path = workdir / f"{name}.toml"
    base = (SCENARIO_DIR / "single_queue.toml").read_text()
    start = f'timezone = "UTC"\nstart_time = "{now.tm_hour:02d}:{now.tm_min:02d}"\n'
    path.write_text(base.replace("[centre]\n", "[centre]\n" + start, 1))
    return path


class GatewayProcess:
    """``python -m console.feeds.gateway --load RATE`` on 127.0.0.1, a free port, a fresh SQLite file."""

    def __init__(
        self, workdir: Path, name: str, *, rate: float, size: str, token: str, extra: Sequence[str] = ()
    ) -> None:
        self.log_path = workdir / f"{name}.log"
        self._log = self.log_path.open("w")
        scenario = scenario_starting_now(workdir, name)
        cmd = [
            sys.executable,
            "-m",
            "console.feeds.gateway",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--load",
            str(rate),
            "--load-size",
            size,
            "--scenario",
            str(scenario),
            "--db",
            f"sqlite:///{workdir / (name + '.db')}",
            "--log-level",
            "WARNING",
            *extra,
        ]
        self.token = token
        # The user in the environment, not on the command line (other local users read that with ps).
        env = {**os.environ, "CONSOLE_GATEWAY_USERS": f"bench:viewer:{token}"}
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        assert self.proc.stdout is not None
        self._out = LineReader(self.proc.stdout)
        try:
            line = self._out.next(120)
        except queue.Empty:
            line = None
        if not line or not line.startswith("listening "):
            self.stop()
            raise BenchError(f"the gateway did not start ({line!r}):\n{_tail(self.log_path)}")
        self.url = line.split()[1]
        self.port = int(self.url.rsplit(":", 1)[1])

    def warnings(self) -> list[str]:
        return [
            ln for ln in _tail(self.log_path, 10_000).splitlines() if " WARNING " in ln or " ERROR " in ln
        ]

    def stop(self) -> None:
        _end(self.proc)
        self._log.close()


class ConsoleProcess:
    """``python -m benchmarks.console_probe``: the console, talking JSON lines with us."""

    def __init__(self, workdir: Path, name: str, *, url: str, token: str, args: list[str]) -> None:
        self.log_path = workdir / f"{name}.log"
        self._log = self.log_path.open("w")
        env = dict(os.environ)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env["CONSOLE_TOKEN"] = token  # not on the command line
        cmd = [sys.executable, "-m", "benchmarks.console_probe", "--url", url, *args]
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        assert self.proc.stdout is not None
        self._out = LineReader(self.proc.stdout)

    def expect(self, kind: str, timeout: float) -> dict[str, Any]:
        """Wait for the probe's line of this kind; BenchError on a timeout, an exit or a probe timeout."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self._out.next(max(left, 0.01))
            except queue.Empty:
                raise BenchError(
                    f"the console sent no {kind!r} within {timeout:.0f} s:\n{_tail(self.log_path)}"
                ) from None
            if line is None:
                raise BenchError(
                    f"the console exited ({self.proc.wait()}) before {kind!r}:\n{_tail(self.log_path)}"
                )
            if not line.startswith("{"):
                continue
            msg: dict[str, Any] = json.loads(line)
            if msg["kind"] == kind:
                return msg
            if msg["kind"] == "timeout":
                raise BenchError(f"the console gave up waiting for {kind!r}: {msg}")

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def stop(self) -> None:
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            _end(self.proc)
        self._log.close()


# -- the relay that makes the outage ---------------------------------------------------


class Relay:
    """A TCP relay on 127.0.0.1 between the console and the gateway, on a thread of its own.

    ``cut()`` aborts every connection and holds new ones (accepted, not read,
    not answered, as a dead link would) until ``restore()``, which lets the
    held ones through: a console that is retrying gets its welcome at once.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="relay", daemon=True)
        self._up: asyncio.Event | None = None
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def _call(self, fn: Callable[[], Any]) -> Any:
        async def run() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(10)

    def start(self) -> Relay:
        self._thread.start()

        async def serve() -> None:
            self._up = asyncio.Event()
            self._up.set()
            self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
            self.port = self._server.sockets[0].getsockname()[1]

        asyncio.run_coroutine_threadsafe(serve(), self._loop).result(10)
        return self

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self._up is not None
        await self._up.wait()  # during an outage: hold the connection, read nothing
        try:
            g_reader, g_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        link = (writer, g_writer)
        self._links.add(link)
        try:
            await asyncio.gather(
                self._pump(reader, g_writer), self._pump(g_reader, writer), return_exceptions=True
            )
        finally:
            self._links.discard(link)

    @staticmethod
    async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(1 << 18):
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()

    def cut(self) -> None:
        def do() -> None:
            assert self._up is not None
            self._up.clear()
            for client, gateway in list(self._links):
                client.transport.abort()
                gateway.transport.abort()

        self._call(do)

    def restore(self) -> None:
        def do() -> None:
            assert self._up is not None
            self._up.set()

        self._call(do)

    def close(self) -> None:
        def do() -> None:
            if self._server is not None:
                self._server.close()
            for client, gateway in list(self._links):
                client.transport.abort()
                gateway.transport.abort()

        with contextlib.suppress(Exception):
            self._call(do)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


# -- bare websockets clients -----------------------------------------------------------


def _hello(token: str, resume_from: int | None) -> str:
    return json.dumps({"op": "hello", "protocol": 1, "token": token, "resume_from": resume_from})


async def head_seq(url: str, token: str) -> int:
    """The gateway's committed head, from a welcome."""
    async with connect(url, max_size=MAX_FRAME_BYTES) as ws:
        await ws.send(_hello(token, None))
        frame = protocol.decode_server_frame(await ws.recv())
    if not isinstance(frame, Welcome):
        raise BenchError(f"expected a welcome, got {frame!r}")
    return frame.seq


def wait_for_seq(url: str, token: str, at_least: int, timeout: float) -> int:
    """Poll the gateway until it has committed ``at_least`` events (its bootstrap)."""
    deadline = time.monotonic() + timeout
    while True:
        seq = asyncio.run(head_seq(url, token))
        if seq >= at_least:
            return seq
        if time.monotonic() > deadline:
            raise BenchError(f"the gateway committed only {seq} of {at_least} bootstrap events")
        time.sleep(0.2)


@dataclass(frozen=True)
class BareResult:
    events: int
    seconds: float
    frames: int
    megabytes: float
    decode_s: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds


async def bare_resume(url: str, token: str, resume_from: int, until: int) -> BareResult:
    """Resume from ``resume_from`` and decode every frame up to ``until``, keeping no state.

    Decoding is the feed client's: frames typed with msgspec, each payload typed.
    The clock runs from the welcome to the frame that reaches ``until``.
    """
    async with connect(url, max_size=MAX_FRAME_BYTES) as ws:
        await ws.send(_hello(token, resume_from))
        welcome = protocol.decode_server_frame(await ws.recv())
        t0 = time.monotonic()
        if not isinstance(welcome, Welcome):
            raise BenchError(f"expected a welcome, got {welcome!r}")
        last, frames, size, decode_s = resume_from, 0, 0, 0.0
        while last < until:
            message = await asyncio.wait_for(ws.recv(), 30)
            d0 = time.perf_counter()
            frame = protocol.decode_server_frame(message)
            if isinstance(frame, EventsFrame):
                events = [type_payload(raw) for raw in frame.events]
                if events:
                    last = events[-1].seq
            elif isinstance(frame, Snapshot):
                raise BenchError(f"the gateway sent a snapshot, not the events after {resume_from}")
            decode_s += time.perf_counter() - d0
            frames += 1
            size += len(message)
        seconds = time.monotonic() - t0
    return BareResult(last - resume_from, seconds, frames, size / 1e6, decode_s)


@dataclass(frozen=True)
class CpuBudget:
    """Per-event CPU of the console's two steps, one thread, nothing else running in it."""

    events: int
    decode_us: float  # feed-client thread: frame and payload typed with msgspec
    apply_us: float  # GUI thread: FloorState.apply (no views)

    @property
    def ceiling(self) -> float:
        """Events/s if both steps shared one core (they share the GIL) and views cost nothing."""
        return 1e6 / (self.decode_us + self.apply_us)


def cpu_budget(size: str, rate: float, events: int = 100_000) -> CpuBudget:
    """Decode and apply the load centre's mix in this process, timed step by step."""
    agents, queues, cases = (int(p) for p in size.lower().split("x"))
    driver = LoadDriver(LoadShape(agents, queues, cases, rate), seed=5, start_ms=int(time.time() * 1000))
    state = FloorState()
    seq = 0
    for t_ms, payload in driver.bootstrap():
        seq += 1
        state.apply(make_event(seq, iso(t_ms), payload))
    state.take_changes()
    raws: list[bytes] = []
    step = 1000
    while len(raws) < events:
        for t_ms, payload in driver.advance(driver.now_ms + step):
            seq += 1
            raws.append(protocol.encode_event(make_event(seq, iso(t_ms), payload)))
    frames = [
        protocol.events_frame(raws[i : i + EVENTS_PER_FRAME]) for i in range(0, len(raws), EVENTS_PER_FRAME)
    ]
    d0 = time.perf_counter()
    decoded = []
    for frame in frames:
        decoded_frame = protocol.decode_server_frame(frame)
        assert isinstance(decoded_frame, EventsFrame)
        decoded.append([type_payload(raw) for raw in decoded_frame.events])
    d1 = time.perf_counter()
    for batch in decoded:
        for event in batch:
            state.apply(event)
        state.take_changes()
    d2 = time.perf_counter()
    n = len(raws)
    return CpuBudget(n, (d1 - d0) / n * 1e6, (d2 - d1) / n * 1e6)


# -- the phases ------------------------------------------------------------------------


def bootstrap_events(size: str) -> int:
    agents, queues, cases = (int(p) for p in size.lower().split("x"))
    return 1 + queues + 2 * agents + cases


def screen_phase(args: argparse.Namespace, workdir: Path, token: str) -> dict[str, Any]:
    print(f"-- screen: gateway at {args.rate:,.0f} events/s on a {args.size} centre", flush=True)
    gateway = GatewayProcess(workdir, "gateway-screen", rate=args.rate, size=args.size, token=token)
    console: ConsoleProcess | None = None
    try:
        wait_for_seq(gateway.url, token, bootstrap_events(args.size), 120)
        probe_args = ["--mode", "screen", "--warmup", str(args.warmup), "--seconds", str(args.seconds)]
        if args.profile:
            probe_args += ["--profile", str(Path(args.profile) / "screen.prof")]
        if args.no_window:
            probe_args.append("--no-window")
        console = ConsoleProcess(workdir, "console-screen", url=gateway.url, token=token, args=probe_args)
        snapshot = console.expect("snapshot", args.snapshot_timeout)
        print(
            f"   snapshot seq {snapshot['seq']:,} ({snapshot['agents']:,} agents, {snapshot['queues']} "
            f"queues, {snapshot['cases']:,} cases) on screen {snapshot['seconds']:.2f} s after connecting",
            flush=True,
        )
        screen = console.expect("screen", args.warmup + args.seconds + 120)
    finally:
        if console is not None:
            console.stop()
        gateway.stop()
    return {"snapshot": snapshot, "screen": screen, "gateway_warnings": gateway.warnings()}


def ingest_phase(args: argparse.Namespace, workdir: Path, token: str) -> dict[str, Any]:
    print(
        f"-- ingest: gateway at {args.ingest_rate:,.0f} events/s on a {args.size} centre, "
        f"outage {args.outage:g} s",
        flush=True,
    )
    gateway = GatewayProcess(workdir, "gateway-ingest", rate=args.ingest_rate, size=args.size, token=token)
    relay: Relay | None = None
    console: ConsoleProcess | None = None
    try:
        wait_for_seq(gateway.url, token, bootstrap_events(args.size), 120)
        relay = Relay(gateway.port).start()
        probe_args = ["--mode", "outage", "--warmup", "2", "--timeout", str(300 + args.snapshot_timeout)]
        if args.profile:
            probe_args += ["--profile", str(Path(args.profile) / "ingest.prof")]
        if args.no_window:
            probe_args.append("--no-window")
        if args.trace_stalls:
            probe_args += ["--trace-stalls", str(Path(args.trace_stalls).resolve())]
        console = ConsoleProcess(workdir, "console-ingest", url=relay.url, token=token, args=probe_args)
        console.expect("snapshot", args.snapshot_timeout)
        console.expect("ready", 60)
        cut_at = time.monotonic()
        relay.cut()
        resume_from = console.expect("cut", 30)["seq"]
        time.sleep(max(0.0, cut_at + args.outage - time.monotonic()))
        head = asyncio.run(head_seq(gateway.url, token))
        print(f"   outage: the console resumes from seq {resume_from:,}; head {head:,}", flush=True)
        bare = asyncio.run(bare_resume(gateway.url, token, resume_from, head))
        relay.restore()
        console.send(f"target {head}")
        outage = console.expect("outage", 300)
    finally:
        if console is not None:
            console.stop()
        if relay is not None:
            relay.close()
        gateway.stop()
    budget = cpu_budget(args.size, args.ingest_rate)
    return {
        "resume_from": resume_from,
        "head": head,
        "budget": budget,
        "bare": bare,
        "outage": outage,
        "gateway_warnings": gateway.warnings(),
    }


# -- the report ------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _row(name: str, measured: str, target: str, verdict: str) -> str:
    return f"  {name:<46} {measured:>16}  {target:>14}  {verdict}"


def report(args: argparse.Namespace, results: dict[str, dict[str, Any]]) -> None:
    print()
    what = "LiveFeed without a window" if args.no_window else "the console window"
    print(f"console speed: {what}, {args.size} centre, {os.cpu_count()} CPUs")
    print(_row("figure", "measured", "target", ""))
    screen = results.get("screen")
    if screen is not None:
        snap, live = screen["snapshot"], screen["screen"]
        painted = np.array(live["latency_painted_ms"]) if live["latency_painted_ms"] else np.zeros(1)
        applied = np.array(live["latency_applied_ms"]) if live["latency_applied_ms"] else np.zeros(1)
        p50, p99, pmax = np.percentile(painted, [50, 99, 100])
        a50, a99 = np.percentile(applied, [50, 99])
        rate = live["events"] / live["seconds"]
        rss = max(snap["peak_rss_mb"], live["peak_rss_mb"])
        print(
            _row(
                "snapshot on screen after connecting",
                f"{snap['seconds']:.2f} s",
                f"<= {TARGET_SNAPSHOT_S:g} s",
                _verdict(snap["seconds"] <= TARGET_SNAPSHOT_S),
            )
        )
        print(
            _row(
                "console peak RSS (snapshot, then live)",
                f"{rss:,.0f} MB",
                f"<= {TARGET_RSS_MB:g} MB",
                _verdict(rss <= TARGET_RSS_MB),
            )
        )
        print(_row(f"event-to-screen p50 at {rate:,.0f} ev/s", f"{p50:,.0f} ms", "", ""))
        print(
            _row(
                f"event-to-screen p99 at {rate:,.0f} ev/s",
                f"{p99:,.0f} ms",
                f"<= {TARGET_LATENCY_P99_MS:g} ms",
                _verdict(p99 <= TARGET_LATENCY_P99_MS),
            )
        )
        print(
            _row(
                "  network + decode / GUI drain / paint",
                f"{snap['applied_s'] - snap['drain_s']:.2f}/{snap['drain_s']:.2f}/"
                f"{snap['seconds'] - snap['applied_s']:.2f} s",
                "",
                "",
            )
        )
        print(
            _row(
                "  snapshot frame / decode (feed-client thread)",
                f"{snap['megabytes']:.0f} MB / {snap['client_decode_s']:.2f} s",
                "",
                "",
            )
        )
        print(_row("  event-to-screen max", f"{pmax:,.0f} ms", "", ""))
        print(_row("  event-to-models (drain end) p50 / p99", f"{a50:,.0f} / {a99:,.0f} ms", "", ""))
        print(
            _row(
                f"longest GUI stall at {rate:,.0f} ev/s",
                f"{live['max_stall_s'] * 1000:,.0f} ms",
                f"<= {TARGET_STALL_S * 1000:g} ms",
                _verdict(live["max_stall_s"] <= TARGET_STALL_S),
            )
        )
        print(
            _row(
                "  drains / longest drain",
                f"{live['drains']} / {live['max_drain_s'] * 1000:,.0f} ms",
                "",
                "",
            )
        )
        if screen["gateway_warnings"]:
            print("  gateway warnings (if it could not keep pace, its feed clock lags the wall clock):")
            for line in screen["gateway_warnings"][:5]:
                print(f"    {line}")
    ingest = results.get("ingest")
    if ingest is not None:
        out, bare = ingest["outage"], ingest["bare"]
        applied = out["done_seq"] - out["resumed_from"]
        rate = applied / out["seconds"]
        print(
            _row(
                "sustained ingest (catch-up after an outage)",
                f"{rate:,.0f} ev/s",
                f">= {TARGET_INGEST:,.0f}",
                _verdict(rate >= TARGET_INGEST),
            )
        )
        print(
            _row(
                "  longest GUI stall during the catch-up",
                f"{out['max_stall_s'] * 1000:,.0f} ms",
                f"<= {TARGET_STALL_S * 1000:g} ms",
                _verdict(out["max_stall_s"] <= TARGET_STALL_S),
            )
        )
        print(_row("  stalls over 100 ms during the catch-up", f"{out['stalls_over_100ms']}", "", ""))
        print(
            _row(
                "  console peak RSS (snapshot, live, catch-up)",
                f"{out['peak_rss_mb']:,.0f} MB",
                f"<= {TARGET_RSS_MB:g} MB",
                _verdict(out["peak_rss_mb"] <= TARGET_RSS_MB),
            )
        )
        print(_row("  events caught up / seconds", f"{applied:,} / {out['seconds']:.2f} s", "", ""))
        if "views_current_s" in out:
            print(_row("  throttled views current after", f"{out['views_current_s']:.2f} s", "", ""))
        print(_row("  drains during the catch-up", f"{len(out['drains'])}", "", ""))
        decode = out["decode_s"]
        print(
            _row(
                "  feed-client thread decoding (in the console)",
                f"{decode:.2f} s",
                "",
                "",
            )
        )
        print(
            _row(
                "raw rate: bare websockets client, same frames",
                f"{bare.rate:,.0f} ev/s",
                "(reference)",
                "",
            )
        )
        print(
            _row(
                "  bare client: events / s / frames / MB",
                f"{bare.events:,} / {bare.seconds:.2f} / {bare.frames} / {bare.megabytes:.0f}",
                "",
                "",
            )
        )
        budget = ingest["budget"]
        print(
            _row(
                "  per event, one thread: decode + FloorState.apply",
                f"{budget.decode_us:.1f} + {budget.apply_us:.1f} us",
                "",
                "",
            )
        )
        print(_row("  = ceiling of one core, views costing nothing", f"{budget.ceiling:,.0f} ev/s", "", ""))
        if out["snapshot_instead"]:
            print("  NOTE: the console got a snapshot instead of a resume; the catch-up is not comparable")
        if ingest["gateway_warnings"]:
            print("  gateway warnings:")
            for line in ingest["gateway_warnings"][:5]:
                print(f"    {line}")


def print_profile(path: Path, title: str, top: int) -> None:
    if not path.exists():
        return
    print(f"\n-- cProfile of the GUI thread, {title} (top {top} by cumulative time)")
    stats = pstats.Stats(str(path), stream=sys.stdout)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    print(f"-- {title}: top {top} by own time")
    stats.sort_stats("tottime").print_stats(top)


def print_stall_trace(path: Path) -> None:
    if not path.exists():
        return
    stalls = json.loads(path.read_text())
    print(f"\n-- what the GUI thread ran in the catch-up's gaps over 60 ms ({len(stalls)}; samples in each)")
    for stall in stalls:
        print(f"  at {stall['at']:.3f} s: {stall['gap_ms']:.0f} ms, {stall['samples']} samples")
        for stack, n in stall["stacks"][:4]:
            print(f"      {n:3d}  {stack}")
        print("      innermost: " + ", ".join(f"{name} {n}" for name, n in stall["inner"][:4]))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--size", default="5000x200x50000", help="AGENTSxQUEUESxCASES (default 5000x200x50000)")
    p.add_argument("--rate", type=float, default=2000.0, help="screen phase events/s (default 2000)")
    p.add_argument("--seconds", type=float, default=20.0, help="latency measured for (default 20 s)")
    p.add_argument("--warmup", type=float, default=3.0, help="after the snapshot, before measuring")
    p.add_argument(
        "--ingest-rate", type=float, default=12_000.0, help="ingest phase gateway events/s (default 12000)"
    )
    p.add_argument("--outage", type=float, default=8.0, help="ingest phase outage seconds (default 8)")
    p.add_argument("--only", choices=("screen", "ingest"), help="run one phase")
    p.add_argument(
        "--no-window",
        action="store_true",
        help="no window: LiveFeed and FloorState only",
    )
    p.add_argument("--profile", metavar="DIR", help="cProfile the console's GUI thread; stats into DIR")
    p.add_argument(
        "--snapshot-timeout",
        type=float,
        default=120.0,
        help="seconds the console may take to show its first snapshot (default 120; more on a busy machine)",
    )
    p.add_argument("--json", metavar="FILE", help="also write the raw results as JSON")
    p.add_argument(
        "--trace-stalls",
        metavar="FILE",
        help="ingest phase: sample the console's GUI thread and write, for each gap over 60 ms of the "
        "catch-up, which console functions the samples in it show (JSON)",
    )
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)

    token = secrets.token_urlsafe(16)
    results: dict[str, dict[str, Any]] = {}
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="console-speed-") as tmp:
            workdir = Path(tmp)
            if args.only in (None, "screen"):
                results["screen"] = screen_phase(args, workdir, token)
            if args.only in (None, "ingest"):
                results["ingest"] = ingest_phase(args, workdir, token)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    report(args, results)
    print(f"\n({time.monotonic() - started:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, default=_jsonable))
    if args.trace_stalls:
        print_stall_trace(Path(args.trace_stalls))
    if args.profile:
        print_profile(Path(args.profile) / "screen.prof.snapshot", "connect to snapshot applied", 25)
        print_profile(Path(args.profile) / "screen.prof", f"screen phase at {args.rate:g} ev/s", 25)
        print_profile(Path(args.profile) / "ingest.prof", "ingest catch-up", 25)
    return 0


def _jsonable(value: object) -> object:
    if isinstance(value, BareResult):
        return {**dataclasses.asdict(value), "rate": value.rate}
    if isinstance(value, CpuBudget):
        return {**dataclasses.asdict(value), "ceiling": value.ceiling}
    raise TypeError(type(value).__name__)


if __name__ == "__main__":
    sys.exit(main())
