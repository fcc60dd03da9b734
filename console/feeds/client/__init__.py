"""The console's side of the feed: a websockets client on its own thread and loop (no Qt)."""
