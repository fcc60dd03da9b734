"""``python -m console.staffing``: the staffing advice of a live floor, without a window.

Connects to a gateway like a console (protocol v1, ``console.feeds.client.FeedClient``), waits
for the snapshot and a short settle (``--settle``, feed events keep coming in meanwhile), then
prints per queue what ``console.domain.staffing.advise`` gives at the floor's feed time: the
estimated arrivals, AHT and patience, the agents serving the queue, the agents needed, the
gap and the predicted service level, ASA and abandon rate. ``--json`` prints a JSON list
instead (one object per queue). docs/console.md ("Staffing advice") says how each is estimated.

The token: ``--token-file FILE`` (only its owner may read it), else ``--token T`` (warned
about: ``ps`` shows it), else the ``CONSOLE_TOKEN`` environment variable.

Exit codes: 0 done, 2 bad arguments or no token, 1 the gateway could not be reached or refused
the token within ``--timeout`` seconds. Errors are one line on stderr, never a traceback.

Qt-free: it imports the domain, the feed client and the protocol only.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from console.domain.clock import to_ms
from console.domain.staffing import QueueAdvice, advise
from console.domain.state import FloorState
from console.feeds.client.feed_client import (
    EventsItem,
    FeedClient,
    HeartbeatItem,
    SnapshotItem,
    StatusItem,
)
from console.input_files import read_private_text

TOKEN_ENV = "CONSOLE_TOKEN"
_POLL_S = 0.05


class _Failure(Exception):
    """A one-line error for stderr, and the exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m console.staffing",
        description="Print the staffing advice (needed agents, gap, predicted SL) of a live floor.",
    )
    p.add_argument("--feed", required=True, help="the gateway's address, e.g. ws://127.0.0.1:8765")
    p.add_argument("--token", help=f"a viewer's token (better: --token-file or {TOKEN_ENV}; ps shows it)")
    p.add_argument("--token-file", type=Path, help="a file holding the token (only its owner may read it)")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per queue")
    p.add_argument("--settle", type=float, default=1.0, help="seconds to keep reading after the snapshot")
    p.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for the snapshot")
    p.add_argument("--ca", help="CA certificate file to verify a wss:// gateway against")
    p.add_argument("--insecure", action="store_true", help="allow plain ws:// to another machine")
    return p


def _token(args: argparse.Namespace) -> str:
    if args.token_file is not None:
        try:
            return read_private_text(args.token_file, "--token-file", limit=64 * 1024)
        except (OSError, ValueError) as exc:
            raise _Failure(str(exc), 2) from None
    if args.token:
        print(
            f"warning: --token puts your token on the command line (ps); use --token-file or {TOKEN_ENV}",
            file=sys.stderr,
        )
        return str(args.token)
    token = os.environ.get(TOKEN_ENV)
    if not token:
        raise _Failure(f"no token: give --token-file FILE, set {TOKEN_ENV}, or --token", 2)
    return token


def read_floor(client: FeedClient, timeout_s: float, settle_s: float) -> FloorState:
    """The floor as of the snapshot plus ``settle_s`` of events; _Failure if none came in time."""
    state = FloorState()
    have_snapshot = False
    deadline = time.monotonic() + timeout_s
    settled: float | None = None
    while True:
        for item in client.drain():
            if isinstance(item, SnapshotItem):
                state.load_snapshot(item.snapshot)
                have_snapshot = True
                settled = settled or time.monotonic() + settle_s
            elif isinstance(item, EventsItem) and have_snapshot:
                for event in item.events:
                    if event.seq == state.seq + 1:
                        state.apply(event)
            elif isinstance(item, HeartbeatItem) and have_snapshot and item.at is not None:
                state.advance_clock(item.at)
            elif isinstance(item, StatusItem) and item.status.token_refused:
                raise _Failure(item.status.last_error or "the gateway refused the token", 1)
        now = time.monotonic()
        if settled is not None and now >= settled:
            return state
        if settled is None and now >= deadline:
            status = client.status()
            if status.token_refused:
                raise _Failure(status.last_error or "the gateway refused the token", 1)
            why = status.last_error or "no snapshot came"
            raise _Failure(f"could not read the floor from {client.url} within {timeout_s:g} s: {why}", 1)
        time.sleep(_POLL_S)


def as_json(advice: QueueAdvice) -> dict[str, Any]:
    """One queue's advice as the ``--json`` output's object."""
    i = advice.inputs
    return {
        "queue_id": advice.queue_id,
        "name": advice.name,
        "at_ms": i.now_ms,  # the feed time the advice is for (epoch ms)
        "window_s": i.window_s,
        "offered_in_window": i.offered_in_window,
        "arrivals_per_hour": i.arrivals_per_hour,
        "trend_per_hour": i.trend_per_hour,
        "aht_s": i.aht_s,
        "handled": i.handled,
        "patience_s": i.patience_s,
        "abandons": i.abandons,
        "model": advice.model.value,
        "staffed": advice.staffed,
        "staffed_agents": advice.staffed_agents,
        "not_ready": i.not_ready,
        "needed": advice.needed,
        "reason": None if advice.reason is None else advice.reason.value,
        "gap": advice.gap,
        "sl_threshold_s": i.sl_threshold_s,
        "sl_target": i.sl_target,
        "predicted_sl": advice.predicted_sl,
        "predicted_asa_s": advice.predicted_asa_s,
        "predicted_abandon": advice.predicted_abandon,
        "prediction_reason": None if advice.prediction_reason is None else advice.prediction_reason.value,
    }


def _num(value: float | None, digits: int = 0, scale: float = 1.0) -> str:
    return "-" if value is None else f"{value * scale:.{digits}f}"


def table(advice: Sequence[QueueAdvice]) -> str:
    """The advice as a plain-text table, one queue a line."""
    head = (
        "queue",
        "calls/h",
        "AHT s",
        "patience s",
        "model",
        "staffed",
        "needed",
        "gap",
        "SL %",
        "ASA s",
        "aband %",
    )
    rows = [head]
    for a in advice:
        i = a.inputs
        rows.append(
            (
                a.queue_id,
                _num(i.arrivals_per_hour, 1),
                _num(i.aht_s),
                _num(i.patience_s),
                "A" if a.model.value == "erlang_a" else "C",
                f"{a.staffed:.1f} ({a.staffed_agents})",
                str(a.needed) if a.needed is not None else f"- ({a.reason})",
                "-" if a.gap is None else f"{a.gap:+d}",
                _num(a.predicted_sl, 1, 100.0)
                if a.predicted_sl is not None
                else f"- ({a.prediction_reason})",
                _num(a.predicted_asa_s, 1),
                _num(a.predicted_abandon, 1, 100.0),
            )
        )
    widths = [max(len(r[k]) for r in rows) for k in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The feed client logs its reconnects and refusals: the one-line error below says what matters.
    logging.basicConfig(level=logging.CRITICAL)
    if args.settle < 0 or args.timeout <= 0:
        raise _Failure("--settle must be 0 or more and --timeout more than 0", 2)
    token = _token(args)
    try:
        client = FeedClient(args.feed, token, ca=args.ca, insecure=args.insecure)
    except (OSError, ValueError) as exc:
        raise _Failure(str(exc), 2) from None
    client.start()
    try:
        state = read_floor(client, args.timeout, args.settle)
    finally:
        client.stop()
    now_ms = to_ms(state.at) if state.at is not None else 0
    advice = advise(state, now_ms)
    if args.json:
        print(json.dumps([as_json(a) for a in advice], ensure_ascii=False))
    else:
        print(f"{state.centre.name}: staffing advice at {state.at} (feed time)")
        print(table(advice))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except _Failure as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
