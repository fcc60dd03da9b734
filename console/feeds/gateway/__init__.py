"""The gateway: the system of record that sequences, stores and serves the feed (no Qt).

- ``server``: the ``Gateway``: connections, hello, sessions, snapshots, heartbeats, running the driver.
- ``sequencing``: the ``Sequencer``: seqs, the reducer, the resume journal, the store, commit waits.
- ``commands``: supervisors' commands and queries, by area around the action registry.
- ``driver``: the ``CentreDriver`` protocol that whatever drives the centre meets.
- ``config``: ``GatewayConfig`` and the users who may connect; ``cli``: the command line.
- ``session``: one client's outbound queue; ``journal``: the in-memory tail clients resume from.

Run it with ``python -m console.feeds.gateway`` (or the ``console-gateway`` script).
"""
