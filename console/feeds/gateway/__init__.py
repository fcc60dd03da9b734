"""The gateway: the system of record that sequences, stores and serves the feed (no Qt).

Run it with ``python -m console.feeds.gateway``.
"""
