"""A business day's report fetched from a gateway: ``history.query`` over a one-off feed client.

``python -m console.report`` calls :func:`fetch_day_report`; it blocks until the gateway answers
(or the deadline passes), so it is for the command line, never for the GUI thread. The ack's
result carries the report as ``{"report": <DayReport>}``. No Qt.
"""

from __future__ import annotations

import time
from typing import Any

import msgspec

from console.domain.history import INTERVAL_CHOICES, DayReport
from console.feeds.client.feed_client import AckItem, ConnState, FeedClient

#: The gateway's command that answers a business day's figures.
HISTORY_QUERY = "history.query"
#: Where the ack's result holds the report.
REPORT_KEY = "report"


class ReportFetchError(Exception):
    """Why no report came: the connection, the token, the gateway's refusal, a malformed answer."""


def query_args(day: str, interval_min: int) -> dict[str, Any]:
    if interval_min not in INTERVAL_CHOICES:
        raise ValueError(f"interval {interval_min} min: one of {', '.join(map(str, INTERVAL_CHOICES))}")
    return {"day": day, "interval_min": interval_min}


def report_of(result: dict[str, Any] | None) -> DayReport:
    """The DayReport in an ack's result; ReportFetchError when it is missing or malformed."""
    if not result or REPORT_KEY not in result:
        raise ReportFetchError("the gateway's answer holds no report")
    try:
        return msgspec.convert(result[REPORT_KEY], DayReport)
    except msgspec.ValidationError as exc:
        raise ReportFetchError(f"the gateway's report is malformed: {exc}") from None


def _ask(client: FeedClient, args: dict[str, Any], deadline: float) -> dict[str, Any] | None:
    """One history.query's result; ReportFetchError when refused or unanswered."""
    cid = client.send_command(HISTORY_QUERY, args)
    while True:
        for item in client.drain():
            if isinstance(item, AckItem) and item.id == cid:
                if not item.ok:
                    raise ReportFetchError(
                        f"the gateway refused the query ({item.error_code}): {item.error_message or ''}"
                    )
                return item.result
        if time.monotonic() > deadline + 1.0:  # the client's own timeout answers first
            raise ReportFetchError("no answer from the gateway in time")
        time.sleep(0.05)


def fetch_day_report(
    url: str,
    token: str,
    day: str,
    interval_min: int,
    *,
    timeout_s: float = 30.0,
    ca: str | None = None,
    insecure: bool = False,
) -> DayReport:
    """The report of ``day`` (YYYY-MM-DD, the centre's business day) at ``interval_min`` minutes."""
    args = query_args(day, interval_min)
    client = FeedClient(url, token, ca=ca, insecure=insecure, command_timeout_s=timeout_s)
    deadline = time.monotonic() + timeout_s
    client.start()
    try:
        while True:
            status = client.status()
            if status.state is ConnState.CONNECTED:
                break
            if status.token_refused:
                why = status.last_error or "no reason given"
                raise ReportFetchError(f"the gateway refused the token: {why}")
            if time.monotonic() > deadline:
                raise ReportFetchError(f"could not connect to {url}: {status.last_error or 'no answer'}")
            time.sleep(0.05)  # a command line waiting for a connection, nothing to synchronise with
        report: DayReport | None = None
        offset: int | None = 0
        while offset is not None:  # the agents come in pages; queues, cases and flags whole
            result = _ask(client, {**args, "offset": offset}, deadline)
            page = report_of(result)
            if report is None:
                report = page
            else:
                report.agents.extend(page.agents)
            next_offset = result.get("next_offset") if result else None
            offset = next_offset if isinstance(next_offset, int) and next_offset > offset else None
        assert report is not None
        return report
    finally:
        client.stop()
