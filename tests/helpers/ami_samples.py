"""Real AMI text for the tests: a QueueStatus answer as an Asterisk sent it, and the stand-in seeded with it.

``QUEUE_STATUS_SAMPLE`` is the two list items of a QueueStatus answer as recorded
in the test fixtures of the panoramisk library (queue name redacted there). An older
Asterisk sent it: it lacks fields that Asterisk 16 and later send (``ServicelevelPerf2``,
``LastPause``, ``InCall``, ``PausedReason``), and its ``Skills`` comes from a patched
app_queue that no stock Asterisk has. Written with AMI's ``\\r\\n`` line ends.
"""

from __future__ import annotations

from tests.helpers.ami_server import AmiServer

#: The sample's two items, field by field, as sent.
QUEUE_STATUS_ITEMS: list[list[tuple[str, str]]] = [
    [
        ("Event", "QueueParams"),
        ("Queue", "xxxxxxxxxxxxxxxx-tous"),
        ("Max", "0"),
        ("Strategy", "ringall"),
        ("Calls", "0"),
        ("Holdtime", "3"),
        ("TalkTime", "303"),
        ("Completed", "60"),
        ("Abandoned", "5"),
        ("ServiceLevel", "0"),
        ("ServicelevelPerf", "0.0"),
        ("Weight", "0"),
    ],
    [
        ("Event", "QueueMember"),
        ("Queue", "xxxxxxxxxxxxxxxx-tous"),
        ("Name", "Agent/999"),
        ("Location", "Local/id-12@agentcallback"),
        ("StateInterface", "SIP/000000"),
        ("Membership", "dynamic"),
        ("Penalty", "0"),
        ("CallsTaken", "0"),
        ("LastCall", "0"),
        ("Status", "5"),
        ("Paused", "1"),
        ("Skills", "agent-12"),
    ],
]

#: The sample as bytes on the wire.
QUEUE_STATUS_SAMPLE: bytes = b"".join(
    "".join(f"{k}: {v}\r\n" for k, v in item).encode() + b"\r\n" for item in QUEUE_STATUS_ITEMS
)


def seed_sample(server: AmiServer) -> None:
    """The sample's queue and member in the stand-in's model (no events sent)."""
    queue = "xxxxxxxxxxxxxxxx-tous"
    server.add_queue(queue, service_level=0, holdtime=3, talktime=303, completed=60, abandoned=5)
    server.add_member(
        "Local/id-12@agentcallback",
        name="Agent/999",
        state_interface="SIP/000000",
        status=5,
        paused=True,
        queues=[queue],
    )
