"""The feeds, by role; nothing here imports Qt, so the gateway runs headless.

- ``protocol``: the wire format (protocol v1), shared by both ends.
- ``client``: the console's side, the feed client on a thread of its own.
- ``gateway``: the system of record that sequences, stores and serves the feed.
- ``sources``: what drives the centre inside the gateway (the simulator, the load centre).
- ``adapters``: separate processes that bring events from real systems to the gateway.
"""
