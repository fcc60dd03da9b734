"""The loopback network in tests: a free port, and a client backoff quick enough for restarted gateways."""

from __future__ import annotations

import socket

from console.feeds.client.feed_client import Backoff

#: Reconnect quickly: tests stop and restart gateways.
FAST = Backoff(initial_s=0.05, max_s=0.3, refused_initial_s=0.1, refused_max_s=0.3)


def free_port() -> int:
    """A loopback port free right now: for a server that must be found again at the same address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
