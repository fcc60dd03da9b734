"""The call-log replay's command line: publish a real call log through the adapter interface.

``python -m console.feeds.replay FILE --gateway URL --token T --format anonymous-bank
[--day YYYY-MM-DD] [--speed N] [--sl-threshold S]``

Reads the log, turns it into the protocol's events (``bank_log``) and publishes
them with an ``AdapterLink``: ``--speed 1`` in real time, ``--speed 600`` ten
hours a minute, ``--speed 0`` as fast as the gateway takes them. Positions come
from the events' times, so a replay killed and started again with the same
arguments carries on where the gateway's committed stream stops, and a later
``--day`` carries on after an earlier one. Exit status: 0 once everything is
published and acknowledged, 1 when the gateway refused events (they are listed)
or the link stopped, 2 for bad arguments or an unreadable file.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from console import __version__
from console.domain.events import CallQueued
from console.feeds.adapters.link import (
    AdapterLink,
    AdapterLinkError,
    add_token_options,
    add_transport_options,
    check_transport,
    read_token,
)
from console.feeds.adapters.replay.bank_log import Replay, read_log, replay_events

log = logging.getLogger("console.replay")

FORMATS = ("anonymous-bank",)
# How often the feed clock is moved on between events when replaying at a speed (real seconds).
TICK_S = 0.1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m console.feeds.replay",
        description="Replay a real call log through a gateway run with --source adapters.",
    )
    p.add_argument("file", type=Path, help="the call log")
    p.add_argument(
        "--gateway",
        required=True,
        metavar="URL",
        help="the gateway, wss://HOST:PORT (or ws:// on this machine)",
    )
    add_token_options(p)
    add_transport_options(p)
    p.add_argument("--format", required=True, choices=FORMATS, help="the log's format")
    p.add_argument(
        "--day",
        action="append",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="replay only this day (repeatable); default: every day in the file, in order",
    )
    p.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="log seconds per real second: 1 real time, 600 ten hours a minute,"
        " 0 as fast as the gateway takes them (default 1)",
    )
    p.add_argument(
        "--skip-idle",
        type=float,
        default=0.0,
        metavar="MINUTES",
        help="with --speed: jump over stretches of the log with no calls longer than this (default 0: never)",
    )
    p.add_argument(
        "--sl-threshold", type=float, default=30.0, metavar="S", help="service-level threshold (default 30 s)"
    )
    p.add_argument("--log-level", default="INFO", help="logging level (default INFO)")
    p.add_argument("--version", action="version", version=f"console-replay {__version__}")
    return p


async def publish(replay: Replay, link: AdapterLink, speed: float, skip_idle_s: float = 0.0) -> int:
    """Publish what the gateway does not have yet, paced by ``speed``; returns how many were sent."""
    position = await link.start()
    todo = [e for e in replay.events if e[0] > position]
    if not todo:
        log.info(
            "all %d events of the replay were already published (position %d)", len(replay.events), position
        )
        return 0
    if position:
        log.info(
            "the gateway holds position %d: carrying on with %d of %d events",
            position,
            len(todo),
            len(replay.events),
        )
    loop = asyncio.get_running_loop()
    real0, feed0 = loop.time(), todo[0][1]
    skip_ms = int(skip_idle_s * 1000)
    for pos, at_ms, data in todo:
        if speed > 0:
            now_ms = feed0 + int((loop.time() - real0) * speed * 1000)
            if skip_ms and at_ms - now_ms > skip_ms:
                feed0 += at_ms - now_ms  # a night with no calls goes by at once
            # The feed clock moves on smoothly between events, never past the next one.
            while (now_ms := feed0 + int((loop.time() - real0) * speed * 1000)) < at_ms:
                link.set_clock(now_ms)
                await asyncio.sleep(min(TICK_S, (at_ms - now_ms) / speed / 1000))
        link.publish(pos, at_ms, data)
        await link.room()
    link.set_clock(todo[-1][1])
    await link.flush()
    return len(todo)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.speed < 0:
            raise ValueError(f"--speed must be 0 or more, got {args.speed}")
        if args.skip_idle < 0:
            raise ValueError(f"--skip-idle must be 0 or more, got {args.skip_idle}")
        if args.sl_threshold < 0:
            raise ValueError(f"--sl-threshold must be 0 or more, got {args.sl_threshold}")
        token = read_token(args)
        check_transport(args.gateway, args)
        with args.file.open(encoding="utf-8", newline="") as f:
            reading = read_log(f, source=str(args.file))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for message in reading.errors[:20]:
        log.warning("%s", message)
    days = set(args.day) if args.day else None
    replay = replay_events(reading.rows, sl_threshold_s=args.sl_threshold, days=days)
    if not any(isinstance(data, CallQueued) for _, _, data in replay.events):
        print(f"error: no calls in {args.file} for the day(s) asked", file=sys.stderr)
        return 2
    link = AdapterLink(args.gateway, token, ca=args.ca, insecure=args.insecure)

    async def run() -> int:
        try:
            return await publish(replay, link, args.speed, args.skip_idle * 60)
        finally:
            await link.close()

    try:
        sent = asyncio.run(run())
    except AdapterLinkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(str(replay.report))
    print(
        f"published {sent} events ({link.accepted} taken, {link.duplicates} already there,"
        f" {len(link.refusals)} refused); the gateway holds position {link.position}"
    )
    for r in link.refusals[:50]:
        print(f"refused: {r.message}")
    return 1 if link.refusals else 0
