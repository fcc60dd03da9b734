"""Fan-out under a shift-start storm: N consoles connecting at once to a loaded gateway.

    .venv/bin/python -m benchmarks.fanout --clients 200 --rate 2000 --size 5000x200x50000
    .venv/bin/python -m benchmarks.fanout --clients 50 --size 500x20x5000 --gateway-arg=--compression=none

The gateway runs as a subprocess on the synthetic load centre (as in
``benchmarks.console_speed``). A probe, a separate process holding one raw
websocket client that is already connected and holds its snapshot, records the
arrival time of every frame. Then ``--clients`` raw clients (websockets, protocol
hello, no state) connect at once, in this process; each is done when its
snapshot frame has arrived. Reported: the time until all hold their snapshot,
the probe's longest gap between two frames during the storm (and over the
whole run), how far the probe's last event lags the wall clock at the end (the
load centre stamps events with the wall clock: a gateway that cannot keep pace
lets the feed clock slip), and the gateway's RSS (current and peak).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from benchmarks.console_speed import GatewayProcess

ROOT = Path(__file__).resolve().parent.parent


def _hello(token: str) -> str:
    return json.dumps({"op": "hello", "protocol": 1, "token": token, "resume_from": None})


async def _until_snapshot(url: str, token: str, compression: str | None, i: int) -> float:
    """Connect, sign in, read until the snapshot; the seconds it took.

    Consoles come from many addresses: client ``i`` connects from 127.0.0.x, 16 to
    an address, under the gateway's limit of connections not signed in per address.
    """
    t0 = time.monotonic()
    local = (f"127.0.{1 + i // 4000}.{2 + i // 16 % 250}", 0)
    async with connect(url, max_size=None, compression=compression, open_timeout=120, local_addr=local) as ws:
        await ws.send(_hello(token))
        while True:
            raw = await ws.recv(decode=True)
            if raw[:40].find("snapshot") >= 0:
                return time.monotonic() - t0


# -- the probe (its own process, so the storm's clients do not delay its reading) ----


async def _probe(url: str, token: str, compression: str | None) -> None:
    gaps: list[tuple[float, float]] = []  # (arrival, gap since the previous frame)
    last_at = ""
    async with connect(url, max_size=None, compression=compression) as ws:
        await ws.send(_hello(token))
        while "snapshot" not in str(await ws.recv())[:40]:
            pass
        print("ready", flush=True)
        stop = asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        prev = time.monotonic()
        while not stop.done():
            try:
                raw = await asyncio.wait_for(ws.recv(decode=True), 0.5)
            except TimeoutError:
                continue
            now = time.monotonic()
            gaps.append((time.time(), now - prev))
            prev = now
            if raw.startswith('{"op":"events"'):
                i = raw.rfind('"at":"')
                if i >= 0:
                    last_at = raw[i + 6 : raw.index('"', i + 6)]
    print(json.dumps({"gaps": gaps, "last_at": last_at, "end": time.time()}), flush=True)


def _rss_kib(pid: int) -> tuple[int, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def _lag_s(last_at: str, end: float) -> float | None:
    if not last_at:
        return None
    return end - datetime.fromisoformat(last_at.replace("Z", "+00:00")).timestamp()


async def _storm(url: str, token: str, n: int, compression: str | None) -> tuple[float, list[float]]:
    t0 = time.monotonic()
    times = await asyncio.gather(*(_until_snapshot(url, token, compression, i) for i in range(n)))
    return time.monotonic() - t0, sorted(times)


def run(args: argparse.Namespace) -> dict[str, Any]:
    token = "fanout-" + os.urandom(8).hex()
    compression = None if args.client_compression == "none" else "deflate"
    with tempfile.TemporaryDirectory(prefix="fanout-") as tmp:
        gw = GatewayProcess(
            Path(tmp), "gateway", rate=args.rate, size=args.size, token=token, extra=args.gateway_arg
        )
        try:
            rss_idle = _rss_kib(gw.proc.pid)
            probe = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.fanout",
                    "--probe",
                    gw.url,
                    "--client-compression",
                    args.client_compression,
                ],
                cwd=ROOT,
                env={**os.environ, "FANOUT_TOKEN": token},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert probe.stdin is not None and probe.stdout is not None
            if probe.stdout.readline().strip() != "ready":
                raise RuntimeError("the probe did not get its snapshot")
            time.sleep(args.settle)
            rss_before = _rss_kib(gw.proc.pid)
            storm_start = time.time()
            total, times = asyncio.run(_storm(gw.url, token, args.clients, compression))
            storm_end = time.time()
            rss_after = _rss_kib(gw.proc.pid)
            time.sleep(args.settle)
            probe.stdin.write("stop\n")
            probe.stdin.flush()
            result = json.loads(probe.stdout.readline())
            probe.wait(30)
        finally:
            gw.stop()
    gaps = result["gaps"]
    during = [g for at, g in gaps if storm_start <= at <= storm_end + 1.0]
    return {
        "clients": args.clients,
        "rate": args.rate,
        "size": args.size,
        "gateway_args": " ".join(args.gateway_arg),
        "client_compression": args.client_compression,
        "storm_s": round(total, 2),
        "first_snapshot_s": round(times[0], 2),
        "median_snapshot_s": round(times[len(times) // 2], 2),
        "longest_gap_storm_ms": round(max(during, default=0.0) * 1000),
        "longest_gap_ms": round(max((g for _, g in gaps), default=0.0) * 1000),
        "probe_frames": len(gaps),
        "feed_lag_end_s": _lag_s(result["last_at"], result["end"]),
        "gateway_rss_mib": {
            "idle": rss_idle[0] // 1024,
            "before_storm": rss_before[0] // 1024,
            "after_storm": rss_after[0] // 1024,
            "peak": rss_after[1] // 1024,
        },
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--clients", type=int, default=50, help="consoles connecting at once (default 50)")
    p.add_argument("--rate", type=float, default=2000.0, help="events/s (default 2000)")
    p.add_argument("--size", default="5000x200x50000", help="AGENTSxQUEUESxCASES (default 5000x200x50000)")
    p.add_argument("--settle", type=float, default=3.0, help="seconds before and after the storm (default 3)")
    p.add_argument("--gateway-arg", action="append", default=[], help="passed to the gateway (repeatable)")
    p.add_argument("--client-compression", choices=["deflate", "none"], default="deflate")
    p.add_argument("--probe", metavar="URL", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.probe:
        comp = None if args.client_compression == "none" else "deflate"
        asyncio.run(_probe(args.probe, os.environ["FANOUT_TOKEN"], comp))
        return 0
    print(json.dumps(run(args), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
