"""Store writer throughput: how many events per second reach the database.

    .venv/bin/python -m benchmarks.store_speed                # SQLite file in a temp dir
    .venv/bin/python -m benchmarks.store_speed --events 500000 --chunk 50
    .venv/bin/python -m benchmarks.store_speed --url postgresql+psycopg://user@127.0.0.1:5432/db

The events (about 200 bytes encoded, a share of them case events that also
update the projection) are built before the clock starts, then submitted in
chunks as the gateway does, as fast as ``submit`` takes them; the time runs
until ``close()`` has committed the last one. The writer is always behind, so
this is the sustained rate of the writer thread, not of the producer.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from console.domain.clock import iso
from console.domain.entities import Case, CaseStatus
from console.domain.events import CallQueued, CaseCreated, CaseUpdated, Event, make_event
from console.feeds.protocol import encode_event
from console.store import Store

BASE_MS = 1_732_356_000_000


def build_events(count: int, case_share: float, seed: int = 7) -> list[tuple[Event, bytes]]:
    rng = random.Random(seed)
    out: list[tuple[Event, bytes]] = []
    cases: list[str] = []
    for seq in range(1, count + 1):
        at = iso(BASE_MS + seq * 20)
        data: object
        roll = rng.random()
        if roll < case_share / 2 or (roll < case_share and not cases):
            case_id = f"CS-{seq:08d}"
            cases.append(case_id)
            data = CaseCreated(
                case=Case(
                    id=case_id,
                    queue_id="q-cards-fraud",
                    subject="Card declined abroad",
                    priority="P2",
                    status=CaseStatus.INTAKE,
                    agent_id=None,
                    created_at=at,
                    first_response_due=iso(BASE_MS + seq * 20 + 3_600_000),
                    resolution_due=iso(BASE_MS + seq * 20 + 86_400_000),
                )
            )
        elif roll < case_share:
            case_id = rng.choice(cases)
            data = CaseUpdated(
                case_id=case_id, changes={"agent_id": f"agent-{rng.randrange(300):04d}"}, version=seq
            )
        else:
            data = CallQueued(
                call_id=f"call-{seq:010d}-{rng.randrange(10**6):06d}",
                queue_id=rng.choice(["q-retail-banking", "q-mortgages-new", "q-cards-fraud-line"]),
                priority=rng.randrange(1, 5),
                caller=f"+44 7*** ***{rng.randrange(1000):03d} (masked caller id)",
            )
        event = make_event(seq, at, data)
        out.append((event, encode_event(event)))
    return out


def run(url: str, events: list[tuple[Event, bytes]], chunk: int) -> float:
    store = Store.open(url)
    try:
        if store.last_seq():
            sys.exit(f"{url} already holds events; give an empty database")
        writer = store.start_writer(lambda seq, ticket: None)
        started = time.perf_counter()
        for i in range(0, len(events), chunk):
            writer.submit(events[i : i + chunk])
        writer.close(timeout=600)
        elapsed = time.perf_counter() - started
        if writer.failed is not None or store.last_seq() != len(events):
            sys.exit(f"writer failed or lost events: {writer.failed!r}, last seq {store.last_seq()}")
        rate = len(events) / elapsed
        per_txn = len(events) / max(writer.transactions, 1)
        print(
            f"{len(events):,} events in {elapsed:.2f} s = {rate:,.0f} events/s "
            f"({writer.transactions} transactions, {per_txn:,.0f} events each)"
        )
        return rate
    finally:
        store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="database URL (default: a SQLite file in a temp dir)")
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--chunk", type=int, default=100, help="events per submit")
    parser.add_argument("--case-share", type=float, default=0.05, help="share of case events")
    args = parser.parse_args(argv)

    events = build_events(args.events, args.case_share)
    size = sum(len(raw) for _, raw in events) / len(events)
    print(f"average encoded event: {size:.0f} bytes, case events: {args.case_share:.0%}")
    if args.url:
        run(args.url, events, args.chunk)
        return
    with tempfile.TemporaryDirectory(prefix="store-speed-") as tmp:
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", events, args.chunk)


if __name__ == "__main__":
    main()
