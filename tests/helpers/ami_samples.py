"""Real AMI text for the tests: a QueueStatus answer as an Asterisk sent it.

``QUEUE_STATUS_SAMPLE`` is the two list items of a QueueStatus answer as recorded
in the test fixtures of the panoramisk library (queue name redacted there; Asterisk
1.8-era fields, plus a ``Skills`` field from a patched app_queue that no stock
Asterisk sends), written with AMI's ``\\r\\n`` line ends.
"""

from __future__ import annotations

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
