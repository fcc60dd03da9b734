"""The read-only queries, read from the store: ``calls.query`` and ``agent.timeline``.

A query reads and changes nothing. ``prepare_calls_query`` checks the arguments
and says what to read (a ``CallsQuery``); the gateway reads it off the loop
(``run``) and answers with ``calls_page``. ``agent.timeline`` likewise
(``prepare_agent_timeline``, a ``TimelineQuery``): one agent's business day so
far, capped at ``limit`` rows of each kind.

``calls.query`` Pages go newest first and are chained by an opaque
cursor (the last call's ``entered_at`` and id, a keyset rather than an offset),
so a call completing while a console pages never makes a page repeat or skip a
call already listed.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from console.domain.clock import iso, to_ms
from console.domain.entities import CallOutcome, CompletedCall
from console.feeds.gateway.commands.context import CommandContext, CommandRefused
from console.feeds.protocol import AgentTimelineArgs, CallsQueryArgs, ErrorCode
from console.store import Store

CALLS_PAGE_MAX = 1000
CALLS_TEXT_MAX = 100
TIMELINE_LIMIT_MAX = 5000


@dataclass(frozen=True)
class CallsQuery:
    """A checked ``calls.query``: what the store reads (``Store.completed_calls``)."""

    ended_since: str | None  # the business day's start: only today's completed calls
    agent_id: str | None = None
    queue_id: str | None = None
    since: str | None = None  # entered_at >= since
    until: str | None = None  # entered_at < until
    text: str | None = None  # call id or masked caller contains it (any case)
    outcome: CallOutcome | None = None
    limit: int = 100
    after: tuple[str, str] | None = None  # (entered_at, id) of the previous page's last call

    def run(self, store: Store) -> dict[str, Any]:
        """Read the page (on a worker thread, never the loop): the ack's result."""
        rows, total = store.completed_calls(
            ended_since=self.ended_since,
            agent_id=self.agent_id,
            queue_id=self.queue_id,
            since=self.since,
            until=self.until,
            text=self.text,
            outcome=self.outcome,
            after=self.after,
            limit=self.limit + 1,  # one more tells whether there is a next page
        )
        return calls_page(self, rows, total)


@dataclass(frozen=True)
class TimelineQuery:
    """A checked ``agent.timeline``: what the store reads (``Store.agent_timeline``)."""

    agent_id: str
    day_started_at: str | None
    limit: int

    def run(self, store: Store) -> dict[str, Any]:
        """Read the agent's day (on a worker thread, never the loop): the ack's result."""
        found = store.agent_timeline(self.agent_id, since=self.day_started_at, limit=self.limit)
        return {
            "agent_id": self.agent_id,
            "day_started_at": self.day_started_at,
            "limit": self.limit,
            **found,
        }


def prepare_agent_timeline(ctx: CommandContext, args: AgentTimelineArgs) -> TimelineQuery:
    if not 1 <= args.limit <= TIMELINE_LIMIT_MAX:
        raise CommandRefused(
            ErrorCode.BAD_ARGS, f"limit must be between 1 and {TIMELINE_LIMIT_MAX}, not {args.limit}"
        )
    if args.agent_id not in ctx.state.agents:
        raise CommandRefused(ErrorCode.NOT_FOUND, f"no agent {args.agent_id!r} on the floor")
    return TimelineQuery(
        agent_id=args.agent_id, day_started_at=ctx.state.centre.day_started_at, limit=args.limit
    )


def _stamp_arg(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return iso(to_ms(value))
    except (ValueError, OverflowError):
        raise CommandRefused(
            ErrorCode.BAD_ARGS, f"{name} must be an ISO 8601 time with a UTC offset, not {value!r}"
        ) from None


def encode_cursor(entered_at: str, call_id: str) -> str:
    raw = msgspec.json.encode([entered_at, call_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        entered_at, call_id = msgspec.json.decode(raw, type=tuple[str, str])
        entered_at = iso(to_ms(entered_at))
    except (binascii.Error, ValueError, msgspec.DecodeError, msgspec.ValidationError, OverflowError):
        raise CommandRefused(
            ErrorCode.BAD_ARGS, "cursor is not one this gateway gave (pass next_cursor as it came)"
        ) from None
    return entered_at, call_id


def prepare_calls_query(ctx: CommandContext, args: CallsQueryArgs) -> CallsQuery:
    if not 1 <= args.page_size <= CALLS_PAGE_MAX:
        raise CommandRefused(
            ErrorCode.BAD_ARGS, f"page_size must be between 1 and {CALLS_PAGE_MAX}, not {args.page_size}"
        )
    since = _stamp_arg("since", args.since)
    until = _stamp_arg("until", args.until)
    if since is not None and until is not None and since >= until:
        raise CommandRefused(ErrorCode.BAD_ARGS, f"since ({since}) must be before until ({until})")
    if args.text is not None and len(args.text) > CALLS_TEXT_MAX:
        raise CommandRefused(ErrorCode.BAD_ARGS, f"text is longer than {CALLS_TEXT_MAX} characters")
    outcome = None
    if args.outcome is not None:
        try:
            outcome = CallOutcome(args.outcome)
        except ValueError:
            raise CommandRefused(
                ErrorCode.BAD_ARGS, f"unknown outcome {args.outcome!r}; one of: answered, abandoned"
            ) from None
    return CallsQuery(
        ended_since=ctx.state.centre.day_started_at,
        agent_id=args.agent_id,
        queue_id=args.queue_id,
        since=since,
        until=until,
        text=args.text or None,
        outcome=outcome,
        limit=args.page_size,
        after=decode_cursor(args.cursor) if args.cursor is not None else None,
    )


def calls_page(query: CallsQuery, rows: Sequence[CompletedCall], total: int) -> dict[str, Any]:
    """The ack result for one page: ``rows`` are up to ``query.limit + 1`` calls, newest first."""
    page = list(rows[: query.limit])
    more = len(rows) > query.limit
    return {
        "calls": [msgspec.to_builtins(c) for c in page],
        "next_cursor": encode_cursor(page[-1].entered_at, page[-1].id) if more and page else None,
        "total": total,
        "day_started_at": query.ended_since,
    }
