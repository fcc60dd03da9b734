"""A day of the "Anonymous Bank" log as Asterisk's app_queue would have told it over AMI.

For tests/feeds/test_ami_floor.py. The calls and agent states are the replay's
(``console.feeds.adapters.replay.bank_log.replay_events`` for one day), each turned into the app_queue
events Asterisk 16-20 sends for it, with every header a real one carries (``Timestamp`` as
``timestampevents = yes`` gives it, an increasing ``SequenceNumber``, the channel fields):

- the day starts (00:00 local) with a ``QueueMemberAdded`` for each agent in each queue they serve
  that day, their device unavailable (``Status: 5``);
- a call queued -> ``QueueCallerJoin``;
- a call answered -> ``AgentCalled``, ``QueueCallerLeave``, ``AgentConnect`` at the answer (app_queue
  takes the caller out of the queue, then publishes AgentConnect: ``leave_queue`` before
  ``queue_agent_connect_type`` in ``try_calling``); a call answered without queueing is joined and
  connected at the same instant;
- a call ended -> ``AgentComplete`` with ``HoldTime`` and ``TalkTime``;
- a call abandoned -> ``QueueCallerAbandon``, then ``QueueCallerLeave``;
- an agent's state -> a ``QueueMemberStatus`` per queue they are in (the device state is reported
  in each): available -> 1 not in use, on a call -> 2 in use, offline -> 5 unavailable.

The events stay in the replay's order, which puts at one instant the calls leaving before those
arriving, as the day's figures count them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from console.domain.entities import AgentState, Centre
from console.domain.events import (
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallQueued,
    EventData,
)
from console.feeds.adapters.replay.bank_log import QUEUE_NAMES, TIMEZONE, agent_name, local_midnight_ms

BANK = Centre(name="Anonymous Bank", timezone=TIMEZONE, day_starts="00:00")
SERVICE_LEVEL_S = 30
#: An agent of the log (``DORIT``) is the member ``PJSIP/DORIT``.
INTERFACE_PREFIX = "PJSIP/"
_STATUS = {AgentState.AVAILABLE: 1, AgentState.ON_CALL: 2, AgentState.OFFLINE: 5}


def stamp(at_ms: int) -> str:
    """``Timestamp`` of an event at ``at_ms``: epoch seconds with microseconds."""
    return f"{at_ms // 1000}.{at_ms % 1000:03d}000"


def status_answer() -> list[dict[str, str]]:
    """The QueueStatus answer at the start of the day: the six queues, nobody in them."""
    out = [{"Response": "Success", "EventList": "start", "Message": "Queue status will follow"}]
    for queue in QUEUE_NAMES:
        out.append(
            {
                "Event": "QueueParams",
                "Queue": queue,
                "Max": "0",
                "Strategy": "rrmemory",
                "Calls": "0",
                "Holdtime": "0",
                "TalkTime": "0",
                "Completed": "0",
                "Abandoned": "0",
                "ServiceLevel": str(SERVICE_LEVEL_S),
                "ServicelevelPerf": "0.0",
                "ServicelevelPerf2": "0.0",
                "Weight": "0",
            }
        )
    out.append({"Event": "QueueStatusComplete", "EventList": "Complete", "ListItems": str(len(QUEUE_NAMES))})
    return out


@dataclass
class _Call:
    uid: str
    channel: str
    queue: str
    caller: str
    queued_ms: int
    answered_ms: int = 0
    agent: str = ""


class _Writer:
    def __init__(self) -> None:
        self.messages: list[dict[str, str]] = []
        self.waiting: dict[str, int] = dict.fromkeys(QUEUE_NAMES, 0)

    def add(self, name: str, at_ms: int, fields: dict[str, str]) -> None:
        self.messages.append(
            {
                "Event": name,
                "Privilege": "agent,all",
                "Timestamp": stamp(at_ms),
                "SequenceNumber": str(len(self.messages) + 1),
                **fields,
            }
        )


def _channel(c: _Call) -> dict[str, str]:
    number = c.caller or "<unknown>"
    return {
        "Channel": c.channel,
        "ChannelState": "6",
        "ChannelStateDesc": "Up",
        "CallerIDNum": number,
        "CallerIDName": "<unknown>",
        "ConnectedLineNum": "<unknown>",
        "ConnectedLineName": "<unknown>",
        "Language": "he",
        "AccountCode": "",
        "Context": "bank-ivr",
        "Exten": "s",
        "Priority": "7",
        "Uniqueid": c.uid,
        "Linkedid": c.uid,
    }


def _dest(c: _Call) -> dict[str, str]:
    agent = c.agent
    return {
        "DestChannel": f"{INTERFACE_PREFIX}{agent}-{int(c.uid.split('.')[1]):08d}",
        "DestChannelState": "6",
        "DestChannelStateDesc": "Up",
        "DestCallerIDNum": agent,
        "DestCallerIDName": agent_name(agent),
        "DestConnectedLineNum": c.caller or "<unknown>",
        "DestConnectedLineName": "<unknown>",
        "DestLanguage": "he",
        "DestAccountCode": "",
        "DestContext": "agents",
        "DestExten": agent,
        "DestPriority": "1",
        "DestUniqueid": f"{c.uid}1",
        "DestLinkedid": c.uid,
        "Queue": c.queue,
        "MemberName": agent_name(agent),
        "Interface": INTERFACE_PREFIX + agent,
    }


def _member(agent: str, queue: str, status: int) -> dict[str, str]:
    return {
        "Queue": queue,
        "MemberName": agent_name(agent),
        "Interface": INTERFACE_PREFIX + agent,
        "StateInterface": INTERFACE_PREFIX + agent,
        "Membership": "dynamic",
        "Penalty": "0",
        "CallsTaken": "0",
        "LastCall": "0",
        "LastPause": "0",
        "LoginTime": "0",
        "InCall": "1" if status == 2 else "0",
        "Status": str(status),
        "Paused": "0",
        "PausedReason": "",
        "Ringinuse": "0",
        "Wrapuptime": "0",
    }


def ami_day(events: list[tuple[int, int, EventData]], day: dt.date) -> tuple[int, list[dict[str, str]]]:
    """(00:00 of ``day`` in epoch ms, the day's AMI events) from the replay's events of that day."""
    start = local_midnight_ms(day)
    queue_of: dict[str, str] = {}
    serves: dict[str, set[str]] = {}
    for _, _, data in events:
        if isinstance(data, CallQueued):
            queue_of[data.call_id] = data.queue_id
        elif isinstance(data, CallAnswered):
            serves.setdefault(data.agent_id, set()).add(queue_of[data.call_id])
    out = _Writer()
    for agent in sorted(serves):
        for queue in sorted(serves[agent]):
            out.add("QueueMemberAdded", start, _member(agent, queue, 5))
    calls: dict[str, _Call] = {}
    for _, at, data in events:
        if isinstance(data, CallQueued):
            n = len(calls) + 1
            c = calls[data.call_id] = _Call(
                uid=f"{at // 1000}.{n}",
                channel=f"DAHDI/{n % 30 + 1}-1",
                queue=data.queue_id,
                caller=data.caller,
                queued_ms=at,
            )
            out.waiting[c.queue] += 1
            count = str(out.waiting[c.queue])
            out.add(
                "QueueCallerJoin", at, {**_channel(c), "Queue": c.queue, "Position": count, "Count": count}
            )
        elif isinstance(data, CallAnswered):
            c = calls[data.call_id]
            c.agent, c.answered_ms = data.agent_id, at
            out.add("AgentCalled", at, {**_channel(c), **_dest(c)})
            out.waiting[c.queue] -= 1
            left = {"Queue": c.queue, "Position": "1", "Count": str(out.waiting[c.queue])}
            out.add("QueueCallerLeave", at, {**_channel(c), **left})
            hold = str((at - c.queued_ms) // 1000)
            out.add("AgentConnect", at, {**_channel(c), **_dest(c), "HoldTime": hold, "RingTime": "0"})
        elif isinstance(data, CallEnded):
            c = calls[data.call_id]
            complete = {
                "HoldTime": str((c.answered_ms - c.queued_ms) // 1000),
                "TalkTime": str((at - c.answered_ms) // 1000),
                "Reason": "caller",
            }
            out.add("AgentComplete", at, {**_channel(c), **_dest(c), **complete})
        elif isinstance(data, CallAbandoned):
            c = calls[data.call_id]
            hold = str((at - c.queued_ms) // 1000)
            abandon = {"Queue": c.queue, "Position": "1", "OriginalPosition": "1", "HoldTime": hold}
            out.add("QueueCallerAbandon", at, {**_channel(c), **abandon})
            out.waiting[c.queue] -= 1
            left = {"Queue": c.queue, "Position": "1", "Count": str(out.waiting[c.queue])}
            out.add("QueueCallerLeave", at, {**_channel(c), **left})
        elif isinstance(data, AgentStateChanged):
            for queue in sorted(serves.get(data.agent_id, ())):
                out.add("QueueMemberStatus", at, _member(data.agent_id, queue, _STATUS[data.state]))
    return start, out.messages
