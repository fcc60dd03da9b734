"""Asterisk's queues as the AMI tells them, turned into protocol-v1 events (pure: no I/O, no clock).

``AmiFloor`` keeps the adapter's own picture of the Asterisk floor (queues, members, calls in the
queues and calls being talked) and turns AMI messages into the events the adapter publishes, as
``(at_ms, payload)`` pairs whose times never go back. It takes messages as plain mappings of header
to value (``Mapping[str, str]``) and reads header names case-insensitively; it never logs, so a
caller's number (``CallerIDNum``) only ever goes into a ``call.queued`` (the gateway masks it).
Field names are those of Asterisk 12 and later (16-20 checked): fields it does not know are
ignored and counted (``unknown_fields``), and so are events it does not handle
(``ignored_events``); a message lacking a field it needs, or with a number that is not one, changes
nothing and is counted (``malformed``), with a message naming the event and the field
(``problems``, the latest 200).

``status()`` takes a whole QueueStatus answer (QueueParams, QueueMember and QueueEntry events; a
``Response`` and ``QueueStatusComplete`` are passed over), ``event()`` one unsolicited event, and
``tick()`` only lets time pass (ends wrap-ups and calls that left their queue unanswered: see
below; ``next_due_ms`` says when the next one is due). Events before the first ``status()`` change
nothing (``before_status``) and set ``stale``.

Times. An event happens at its ``Timestamp`` header (epoch seconds with microseconds,
``timestampevents = yes`` in manager.conf), else at the time the adapter received it; one earlier
than the last time given out is taken at that time (``clamped``). A QueueStatus answer happens at
the time given. Every event out of one call is at or after the one before it.

The first QueueStatus answer: ``centre.configured`` (the ``Centre`` given), then a
``queue.configured`` per queue (id and name: the queue's name; service-level threshold: its
``ServiceLevel`` when above 0, else ``sl_default_s``; target 80 %), then a ``call.queued`` per
waiting caller (``QueueEntry``: call id ``Uniqueid``, caller ``CallerIDNum``, priority its queue
priority ``Priority``, brought within the protocol's 0-10), each at the time it entered the queue
(the answer's time less ``Wait``) but never before the last event given out: the configuration
and the calls come at or after the previous event, and a caller who has waited longer than that
is taken to have entered then. The configuration is at the earliest of those times, so it comes
first; the members are added (``agent.added`` with their state, id the member's ``Location``,
name its ``Name``, team "", skills the queues it is a member of) at the answer's time.

A later answer (after an AMI reconnect, or because ``stale`` was set) reconciles: new and changed
queues are configured again (no event removes a queue: a queue gone from Asterisk stays, empty);
callers the floor does not hold are queued as above, and a waiting call found in another queue or
with another priority is moved there (``call.moved``); a waiting or ringing call in no queue any
more ends (``call.ended``, counted in ``vanished``: the floor cannot tell whether it was answered,
abandoned or left some other way while nobody listened, so it claims no abandon); a call being
talked (QueueStatus does not list those) ends when its agent's ``QueueMember`` row for the call's
queue says ``InCall: 0`` or, without that field (older Asterisk), when the agent's device is not
in use, unavailable or invalid, or when the agent is no longer a member anywhere; members not in
any queue any more are removed (``agent.removed``, just as a ``QueueMemberRemoved`` from their
last queue would have done); states and skills are brought up to date. Vanished calls end, and
calls move, at the earliest time the answer's events take (the first new caller's entry, else the
answer's time); members change at the answer's time. A member that the answer shows on calls the
floor does not hold (calls that began before the adapter listened: ``InCall``, or a busy device)
has their ``AgentComplete`` expected: it counts in ``unknown_calls`` but does not make the floor
stale. An answer with a malformed row does not remove members or end calls: what is missing may be
the bad row.

Events:

- ``QueueCallerJoin`` -> ``call.queued`` (queue ``Queue``, id ``Uniqueid``, caller
  ``CallerIDNum``, "" for Asterisk's ``<unknown>``), priority 0: this event carries no queue
  priority (its ``Priority`` header is the channel's dialplan priority, one of the channel fields,
  not the caller's rank in the queue); a later QueueStatus gives the queue priority (``call.moved``
  with it). A call that joins while the floor holds it waiting in another queue is moved there
  (``call.moved``: redirected from one queue to another); in the same queue it is a repeat. A call
  that joins while being talked (transferred into a queue) ends that leg (``call.ended``) and
  queues anew; a caller who comes back into a queue after leaving the floor queues anew. Every
  further visit of one channel to the queues is a call of its own, ``Uniqueid#2``, ``#3``…, so
  each has its own record in the day's calls.
- ``AgentCalled`` -> ``call.ringing`` (agent ``Interface``; the member is added first if the
  floor does not know it, as a member of that queue).
- ``AgentRingNoAnswer`` -> nothing: the protocol has no event that puts a ringing call back to
  waiting, so the call stays ringing (at the last agent rung) until it rings elsewhere, is
  answered or abandoned.
- ``AgentConnect`` -> ``call.answered`` by ``Interface`` (the member added first if unknown; a
  ``call.moved`` first when the floor had the call in another queue). The agent is ``on_call``
  while they hold any call: an agent answering a second call before the first ended holds both,
  both count, and the agent stays ``on_call`` until the last one ends.
- ``AgentComplete`` -> ``call.ended``; when the agent then holds no call and has a wrap-up time
  (the member's own ``Wrapuptime`` when above 0, as app_queue does, else ``wrap_up_s`` of the
  call's queue), ``agent.state wrap_up`` at once, back to the state their device and pause give
  when the wrap-up time is over (Asterisk says nothing when it ends, and the device's
  ``QueueMemberStatus`` for the hang-up races the ``AgentComplete``, so the floor times it).
- ``QueueCallerAbandon`` -> ``call.abandoned``.
- ``QueueCallerLeave`` alone changes nothing at once: Asterisk sends it for every caller leaving a
  queue, answered (just before ``AgentConnect``) or abandoned (just after ``QueueCallerAbandon``)
  alike. A caller who left and was neither answered nor abandoned within ``leave_grace_s`` (a
  queue timeout, an exit key, ``leavewhenempty``) ends (``call.ended`` at the time they left,
  counted in ``left_unanswered``), so no call stays waiting on the floor for ever.
- ``QueueMemberAdded``, ``QueueMemberStatus``, ``QueueMemberPause`` -> ``agent.added`` the first
  time (skills: the queues the member is in; they grow and shrink as the member joins and leaves
  queues, re-published with ``agent.added`` once the agent holds no call and is not wrapping up,
  since a re-added agent loses the call the floor shows them on), then ``agent.state`` when the
  state changes. ``QueueMemberRemoved`` from the member's last queue -> ``agent.removed``.

An agent's state, from the first rule that holds: holding a call -> ``on_call``; device
``Status`` 4 invalid or 5 unavailable -> ``offline``; wrapping up -> ``wrap_up``; paused in every
queue they are in -> ``not_ready`` with the reason of their latest pause (``PausedReason``, or
``Reason`` on older ``QueueMemberPause`` events, passed through as given: an ACD's reasons are free
text, not the console's codes; none when empty); device 2 in use, 3 busy, 6 ringing, 7 ring in use
or 8 on hold -> ``on_call`` (a call outside the queues); device 1 not in use or 0 unknown ->
``available`` (app_queue rings a member whose device state is unknown). A member paused in some of
their queues only still takes calls from the others: ``available``. The device state is the
member's (the same in all their queues); a state reported once per queue gives one ``agent.state``.

Repeats and gaps. An event whose ``SequenceNumber`` is one already taken is a duplicate and is
applied once (``duplicates``; the numbers are forgotten at each QueueStatus answer, as an Asterisk
restarted numbers its events afresh). An event that restates what the floor holds (a join of a
call already waiting there, a second ``AgentConnect``) changes nothing (``repeats``), and one
about a call that already left the floor changes nothing (``late``; a late ``AgentComplete`` still
frees the agent). An ``AgentCalled``, ``AgentConnect``, ``AgentComplete`` or ``QueueCallerAbandon``
about a call the floor never saw join (it began before the adapter listened, or an event was
lost) gives no event the gateway would refuse: it is counted in ``unknown_calls`` and sets
``stale``, and the adapter should read QueueStatus again and pass it to ``status()``, which clears
``stale``. A queue met in an event before any QueueStatus listed it is configured with the
defaults and sets ``stale`` too.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from console.domain.clock import iso
from console.domain.entities import CALL_PRIORITY_MAX, CALL_PRIORITY_MIN, Agent, AgentState, Centre
from console.domain.events import (
    AgentAdded,
    AgentRemoved,
    AgentStateChanged,
    CallAbandoned,
    CallAnswered,
    CallEnded,
    CallMoved,
    CallQueued,
    CallRinging,
    CentreConfigured,
    EventAt,
    EventData,
    QueueConfigured,
)

#: The service-level target of every queue (AMI has none).
SL_TARGET_PCT = 80.0
#: Device states (a member's ``Status``) that put an agent on a call outside the queues.
BUSY_STATUSES = frozenset({2, 3, 6, 7, 8})
#: Device states that put an agent offline.
OFFLINE_STATUSES = frozenset({4, 5})
#: Device states 0-8 (ast_device_state).
DEVICE_STATUSES = range(9)
#: ``CallerIDNum`` values that mean "no number".
NO_NUMBER = frozenset({"", "<unknown>", "unknown"})

#: How many SequenceNumbers are remembered to find repeats, calls gone to answer late events about
#: them, and problems kept.
SEEN_KEPT = 4096
GONE_KEPT = 10_000
PROBLEMS_KEPT = 200

_COMMON = frozenset(
    {"event", "privilege", "timestamp", "sequencenumber", "file", "line", "func", "systemname", "actionid"}
)
_CHANNEL = frozenset(
    {
        "channel",
        "channelstate",
        "channelstatedesc",
        "calleridnum",
        "calleridname",
        "connectedlinenum",
        "connectedlinename",
        "language",
        "accountcode",
        "context",
        "exten",
        "priority",
        "uniqueid",
        "linkedid",
        "tenantid",
    }
)
_DEST = frozenset("dest" + name for name in _CHANNEL)
_MEMBER = frozenset(
    {
        "queue",
        "membername",
        "interface",
        "stateinterface",
        "membership",
        "penalty",
        "callstaken",
        "lastcall",
        "lastpause",
        "logintime",
        "incall",
        "status",
        "paused",
        "pausedreason",
        "ringinuse",
        "wrapuptime",
    }
)
_AGENT = _CHANNEL | _DEST | {"queue", "membername", "interface"}
#: The fields each handled event may carry (lower case); others are counted in ``unknown_fields``.
KNOWN_FIELDS: dict[str, frozenset[str]] = {
    name: _COMMON | fields
    for name, fields in {
        "queuecallerjoin": _CHANNEL | {"queue", "position", "count"},
        "queuecallerleave": _CHANNEL | {"queue", "position", "count"},
        "queuecallerabandon": _CHANNEL | {"queue", "position", "originalposition", "holdtime"},
        "agentcalled": _AGENT,
        "agentringnoanswer": _AGENT | {"ringtime"},
        "agentconnect": _AGENT | {"holdtime", "ringtime"},
        "agentcomplete": _AGENT | {"holdtime", "talktime", "reason"},
        "queuememberstatus": _MEMBER,
        "queuememberadded": _MEMBER,
        "queuememberremoved": _MEMBER,
        "queuememberpause": _MEMBER | {"reason"},
        "queueparams": frozenset(
            {
                "queue",
                "max",
                "strategy",
                "calls",
                "holdtime",
                "talktime",
                "completed",
                "abandoned",
                "servicelevel",
                "servicelevelperf",
                "servicelevelperf2",
                "weight",
            }
        ),
        "queuemember": (_MEMBER - {"membername", "interface"}) | {"name", "location"},
        "queueentry": frozenset(
            {
                "queue",
                "position",
                "channel",
                "uniqueid",
                "calleridnum",
                "calleridname",
                "connectedlinenum",
                "connectedlinename",
                "wait",
                "priority",
            }
        ),
    }.items()
}


class _Malformed(Exception):
    """A message lacks a field it needs, or a number is not one (the text names both)."""


class _Msg:
    """One AMI message with its header names in lower case and its values stripped."""

    __slots__ = ("fields", "name")

    def __init__(self, message: Mapping[str, str]) -> None:
        self.fields = {str(k).strip().lower(): str(v).strip() for k, v in message.items()}
        self.name = self.fields.get("event", "")

    def get(self, key: str) -> str:
        """The field's value, "" when absent."""
        return self.fields.get(key.lower(), "")

    def need(self, key: str) -> str:
        value = self.fields.get(key.lower(), "")
        if not value:
            raise _Malformed(f"{self.name or 'a message'}: no {key} header")
        return value

    def number(self, key: str) -> int | None:
        """The field as a whole number; None when absent or empty."""
        value = self.fields.get(key.lower(), "")
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            raise _Malformed(f"{self.name}: {key} {value!r} is not a whole number") from None

    def flag(self, key: str) -> bool | None:
        """The field as a yes/no (1/0, true/false, yes/no); None when absent or empty."""
        value = self.fields.get(key.lower(), "").lower()
        if not value:
            return None
        if value in ("1", "true", "yes"):
            return True
        if value in ("0", "false", "no"):
            return False
        raise _Malformed(f"{self.name}: {key} {value!r} is not 0 or 1")


@dataclass(slots=True)
class _Call:
    """A call the floor holds: in a queue (waiting or ringing) or being talked."""

    uid: str  # the channel's Uniqueid
    id: str  # the call's id on the feed: the Uniqueid, or Uniqueid#n for the n-th visit
    leg: int
    queue: str
    priority: int
    talking: bool = False
    agent: str | None = None  # the interface that answered
    left_ms: int | None = None  # when it left its queue unanswered (QueueCallerLeave)
    earlier: frozenset[str] = frozenset()  # the agents of the channel's earlier visits


@dataclass(slots=True)
class _Membership:
    paused: bool = False
    wrap_s: float = 0.0  # the member's own wrap-up time in this queue (0: the queue's)


@dataclass(slots=True)
class _Member:
    interface: str
    name: str
    queues: dict[str, _Membership] = field(default_factory=dict)
    status: int = 0  # device state
    reason: str | None = None  # of the latest pause
    calls: set[str] = field(default_factory=set)  # Uniqueids of the calls being talked
    wrap_until: int | None = None
    untracked: int = 0  # calls in progress when QueueStatus was read that the floor never saw
    shown: tuple[AgentState, str | None] | None = None  # as published; None: not on the floor yet
    shown_since: int = 0
    shown_skills: tuple[str, ...] = ()
    shown_name: str = ""


@dataclass(slots=True)
class _Entry:
    queue: str
    caller: str
    wait_s: int
    priority: int


@dataclass(slots=True)
class _Row:
    """A member as a QueueStatus answer shows it, over all their queues."""

    name: str
    status: int
    queues: dict[str, _Membership] = field(default_factory=dict)
    reason: str | None = None
    in_call: dict[str, bool] = field(default_factory=dict)  # queue -> InCall, where given


def _caller(value: str) -> str:
    return "" if value in NO_NUMBER else value


def _priority(value: int | None) -> int:
    return min(max(value or 0, CALL_PRIORITY_MIN), CALL_PRIORITY_MAX)


def _leg_id(uid: str, leg: int) -> str:
    return uid if leg == 1 else f"{uid}#{leg}"


class AmiFloor:
    """The adapter's picture of Asterisk's queues; AMI messages in, protocol-v1 events out.

    See the module's docstring for the mapping. ``wrap_up_s`` maps a queue to its wrap-up time in
    seconds (Asterisk's ``wrapuptime``, which AMI does not report per queue); ``leave_grace_s`` is
    how long a caller who left a queue may still be answered before the floor ends their call.
    """

    def __init__(
        self,
        *,
        sl_default_s: float = 20.0,
        wrap_up_s: Mapping[str, float] | None = None,
        centre: Centre,
        leave_grace_s: float = 10.0,
    ) -> None:
        self._centre = centre
        self._sl_default_s = float(sl_default_s)
        self._wrap_up_s = {q: float(s) for q, s in (wrap_up_s or {}).items()}
        self._leave_grace_ms = round(leave_grace_s * 1000)
        self._started = False
        self._last: int | None = None
        self._queues: dict[str, float] = {}  # queue -> its service-level threshold
        self._members: dict[str, _Member] = {}
        self._calls: dict[str, _Call] = {}  # by Uniqueid
        self._channels: dict[str, str] = {}  # Uniqueid -> the caller's channel (a Redirect names it)
        self._gone: OrderedDict[str, int] = OrderedDict()  # Uniqueid -> visits, of calls gone lately
        self._seen: set[str] = set()
        self._seen_order: deque[str] = deque()
        self._due: list[tuple[int, int, str, int]] = []  # (due, kind, key, stamp): wrap-ups, leaves
        self._out: list[EventAt] = []
        self._handlers: dict[str, Callable[[_Msg, int], None]] = {
            "queuecallerjoin": self._join,
            "queuecallerleave": self._leave,
            "queuecallerabandon": self._abandon,
            "agentcalled": self._called,
            "agentringnoanswer": self._ring_no_answer,
            "agentconnect": self._connect,
            "agentcomplete": self._complete,
            "queuememberstatus": self._member_changed,
            "queuememberpause": self._member_changed,
            "queuememberadded": self._member_changed,
            "queuememberremoved": self._member_removed,
        }
        #: True when the floor may differ from Asterisk's: read QueueStatus and call ``status()``.
        self.stale = False
        self.unknown_calls = 0  # events about calls the floor never saw join
        self.duplicates = 0  # events with a SequenceNumber already taken
        self.repeats = 0  # events restating what the floor holds
        self.late = 0  # events about calls that had already left the floor
        self.malformed = 0  # messages lacking a needed field, or with a bad number
        self.clamped = 0  # events stamped before the last time given out, taken at that time
        self.before_status = 0  # events before the first QueueStatus answer
        self.vanished = 0  # calls that a QueueStatus answer no longer showed, ended
        self.left_unanswered = 0  # callers who left a queue neither answered nor abandoned, ended
        self.ignored_events: Counter[str] = Counter()  # by event name: events not handled
        self.unknown_fields: Counter[str] = Counter()  # by field name (lower case)
        self.problems: deque[str] = deque(maxlen=PROBLEMS_KEPT)

    # -- the public side -------------------------------------------------------------------------

    @property
    def last_ms(self) -> int | None:
        """The time of the last event given out (None before any)."""
        return self._last

    @property
    def next_due_ms(self) -> int | None:
        """When ``tick()`` next has something to do (a wrap-up or a grace ending), None if never."""
        while self._due and not self._valid(self._due[0]):
            heapq.heappop(self._due)
        return self._due[0][0] if self._due else None

    # What the adapter asks when it carries out a supervisor's command or reconciles.

    def channel_of(self, call_id: str) -> str | None:
        """The channel of call ``call_id`` while it waits in a queue (what a ``Redirect`` names)."""
        for call in self._calls.values():
            if call.id == call_id and not call.talking:
                return self._channels.get(call.uid)
        return None

    def queues_of(self, interface: str) -> list[str]:
        """The queues member ``interface`` is in."""
        member = self._members.get(interface)
        return sorted(member.queues) if member is not None else []

    def member_name(self, interface: str) -> str | None:
        """The name member ``interface`` goes by (its ``MemberName``), None for no such member."""
        member = self._members.get(interface)
        return member.name if member is not None else None

    def call_ids(self) -> set[str]:
        """The ids of the calls the floor holds (waiting, ringing or talked)."""
        return {call.id for call in self._calls.values()}

    def agent_ids(self) -> set[str]:
        """The members the floor has published (agent ids)."""
        return {i for i, m in self._members.items() if m.shown is not None}

    def queue_ids(self) -> list[str]:
        return list(self._queues)

    def tick(self, now_ms: int) -> list[EventAt]:
        """The events of time passing until ``now_ms``: wrap-ups over, callers gone unanswered."""
        self._out = []
        self._expire(now_ms)
        return self._out

    def event(self, msg: Mapping[str, str], received_ms: int) -> list[EventAt]:
        """The events of one unsolicited AMI event, received at ``received_ms`` (epoch ms)."""
        self._out = []
        m = _Msg(msg)
        handler = self._handlers.get(m.name.lower())
        if handler is None:
            self.ignored_events[m.name or "(no Event header)"] += 1
            return []
        if not self._started:
            self.before_status += 1
            self.stale = True
            return []
        number = m.get("SequenceNumber")
        if number:
            if number in self._seen:
                self.duplicates += 1
                return []
            self._remember(number)
        at = self._time(m, received_ms)
        self._expire(at)
        self._count_fields(m)
        try:
            handler(m, at)
        except _Malformed as bad:
            self._malformed(bad)
        return self._out

    def status(self, messages: Sequence[Mapping[str, str]], at_ms: int) -> list[EventAt]:
        """The events of a whole QueueStatus answer read at ``at_ms``: the floor, or its reconciling.

        Waiting callers are queued at ``at_ms`` less their ``Wait``, but never before the last event
        given out: a caller who waited longer than that is taken to have entered at that time (see
        the module's docstring for the rest).
        """
        self._out = []
        now = at_ms if self._last is None else max(at_ms, self._last)
        self._expire(now)
        params: dict[str, float] = {}
        rows: dict[str, _Row] = {}
        entries: dict[str, _Entry] = {}
        whole = True
        for message in messages:
            m = _Msg(message)
            kind = m.name.lower()
            if kind in ("", "queuestatuscomplete"):
                continue
            try:
                if kind == "queueparams":
                    self._param_row(m, params)
                elif kind == "queuemember":
                    self._member_row(m, rows)
                elif kind == "queueentry":
                    self._entry_row(m, entries)
                else:
                    self.ignored_events[m.name] += 1
                    continue
            except _Malformed as bad:
                self._malformed(bad)
                whole = False
                continue
            self._count_fields(m)

        floor = self._last
        entered = {
            uid: at_ms - e.wait_s * 1000 if floor is None else max(at_ms - e.wait_s * 1000, floor)
            for uid, e in entries.items()
            if uid not in self._calls or self._calls[uid].talking
        }
        base = min([now, *entered.values()])
        if not self._started:
            self._emit(base, CentreConfigured(centre=self._centre))
        for queue, threshold in params.items():
            self._configure(queue, threshold, base)
        for e in entries.values():
            if e.queue not in self._queues:
                self._configure(e.queue, self._sl_default_s, base)
        if whole:
            for uid, call in list(self._calls.items()):
                if not call.talking:
                    if uid not in entries:
                        self.vanished += 1
                        self._end(call, base)
                elif self._talk_over(call, rows.get(call.agent or "")):
                    self._end(call, base)
        for uid, e in entries.items():
            waiting = self._calls.get(uid)
            if waiting is not None and not waiting.talking:
                waiting.left_ms = None
                if (waiting.queue, waiting.priority) != (e.queue, e.priority):
                    waiting.queue, waiting.priority = e.queue, e.priority
                    self._emit(base, CallMoved(call_id=waiting.id, queue_id=e.queue, priority=e.priority))
        for uid in sorted(entered, key=lambda u: entered[u]):
            e, at = entries[uid], entered[uid]
            talking = self._calls.get(uid)
            if talking is not None:  # being talked, yet back in a queue: that leg is over
                self._end(talking, at)
            self._queue_call(uid, e.queue, e.priority, e.caller, at, before=talking)

        for interface, row in rows.items():
            member = self._members.get(interface)
            if member is None:
                member = self._members[interface] = _Member(interface=interface, name=row.name)
            member.name, member.status, member.queues = row.name, row.status, row.queues
            member.reason = row.reason
            in_calls = sum(row.in_call.values()) if row.in_call else int(row.status in BUSY_STATUSES)
            member.untracked = max(0, in_calls - len(member.calls))
        if whole:
            for interface in [i for i in self._members if i not in rows]:
                self._remove(self._members[interface], now)
        for member in list(self._members.values()):
            self._sync(member, now)

        self._started = True
        self.stale = False
        self._seen.clear()
        self._seen_order.clear()
        return self._out

    # -- QueueStatus rows ------------------------------------------------------------------------

    def _param_row(self, m: _Msg, params: dict[str, float]) -> None:
        queue = m.need("Queue")
        level = m.number("ServiceLevel")
        params[queue] = float(level) if level is not None and level > 0 else self._sl_default_s

    def _member_row(self, m: _Msg, rows: dict[str, _Row]) -> None:
        queue, interface = m.need("Queue"), m.need("Location")
        status = self._status(m)
        if status is None:
            raise _Malformed(f"{m.name}: no Status header")
        paused = m.flag("Paused") or False
        in_call = m.flag("InCall")
        wrap = m.number("Wrapuptime")
        row = rows.get(interface)
        if row is None:
            row = rows[interface] = _Row(name=m.get("Name") or interface, status=status)
        row.status = status
        row.queues[queue] = _Membership(paused=paused, wrap_s=float(wrap or 0))
        if paused and row.reason is None:
            row.reason = m.get("PausedReason") or None
        if in_call is not None:
            row.in_call[queue] = in_call

    def _entry_row(self, m: _Msg, entries: dict[str, _Entry]) -> None:
        queue, uid = m.need("Queue"), m.need("Uniqueid")
        wait = m.number("Wait")
        priority = _priority(m.number("Priority"))
        caller = _caller(m.get("CallerIDNum"))
        if m.get("Channel"):
            self._channels[uid] = m.get("Channel")
        entries.setdefault(uid, _Entry(queue=queue, caller=caller, wait_s=wait or 0, priority=priority))

    def _talk_over(self, call: _Call, row: _Row | None) -> bool:
        """Whether a call being talked ended while nobody listened, as a QueueStatus answer shows."""
        if row is None:
            return True
        if call.queue in row.in_call:
            return not row.in_call[call.queue]
        return row.status in (1, 4, 5)

    # -- events: callers -------------------------------------------------------------------------

    def _join(self, m: _Msg, at: int) -> None:
        queue, uid = m.need("Queue"), m.need("Uniqueid")
        if m.get("Channel"):
            self._channels[uid] = m.get("Channel")
        caller = _caller(m.get("CallerIDNum"))
        self._queue_known(queue, at)
        call = self._calls.get(uid)
        if call is not None and not call.talking:
            call.left_ms = None
            if call.queue == queue:
                self.repeats += 1
            else:
                call.queue = queue
                self._emit(at, CallMoved(call_id=call.id, queue_id=queue))
            return
        if call is not None:  # transferred into a queue while being talked: that leg is over
            member = self._end(call, at)
            if member is not None:
                self._sync(member, at)
        self._queue_call(uid, queue, 0, caller, at, before=call)

    def _leave(self, m: _Msg, at: int) -> None:
        uid = m.need("Uniqueid")
        call = self._calls.get(uid)
        queue = m.get("Queue")
        if call is None or call.talking or (queue and queue != call.queue) or call.left_ms is not None:
            return
        call.left_ms = at
        heapq.heappush(self._due, (at + self._leave_grace_ms, 1, uid, at))

    def _abandon(self, m: _Msg, at: int) -> None:
        uid = m.need("Uniqueid")
        call = self._known_call(m, uid)
        if call is None:
            return
        if call.talking:
            self._problem(f"{m.name} for call {uid}, which was answered: ignored")
            return
        del self._calls[uid]
        self._forget(call)
        self._emit(at, CallAbandoned(call_id=call.id))

    # -- events: agents and calls ----------------------------------------------------------------

    def _called(self, m: _Msg, at: int) -> None:
        queue, uid, interface = m.need("Queue"), m.need("Uniqueid"), m.need("Interface")
        call = self._known_call(m, uid)
        if call is None:
            return
        if call.talking:
            self.repeats += 1
            return
        member = self._member_for(m, queue, interface, at)
        self._sync(member, at)
        self._emit(at, CallRinging(call_id=call.id, agent_id=interface))

    def _ring_no_answer(self, m: _Msg, at: int) -> None:
        """Nothing: no event puts a ringing call back to waiting (see the module's docstring)."""

    def _connect(self, m: _Msg, at: int) -> None:
        queue, uid, interface = m.need("Queue"), m.need("Uniqueid"), m.need("Interface")
        call = self._known_call(m, uid)
        if call is None:
            return
        if call.talking:
            self.repeats += 1
            return
        member = self._member_for(m, queue, interface, at)
        if queue != call.queue:
            call.queue = queue
            self._emit(at, CallMoved(call_id=call.id, queue_id=queue))
        call.talking, call.agent, call.left_ms = True, interface, None
        member.calls.add(uid)
        member.wrap_until = None
        self._sync(member, at)  # on the floor (and on a call) before the answer names them
        self._emit(at, CallAnswered(call_id=call.id, agent_id=interface))

    def _complete(self, m: _Msg, at: int) -> None:
        queue, uid, interface = m.need("Queue"), m.need("Uniqueid"), m.need("Interface")
        call = self._calls.get(uid)
        holder = self._members.get(interface)  # done with a queue call: wrap-up if they hold no other
        if call is not None and not call.talking and interface in call.earlier:
            self.late += 1  # about the visit before: the agent transferred the caller into a queue
        elif call is not None:
            if not call.talking:
                self.stale = True
                self._problem(f"{m.name} for call {uid}, never connected as far as the floor knows")
            queue = call.queue
            holder = self._end(call, at) or holder
        elif uid in self._gone:
            self.late += 1
        else:
            self.unknown_calls += 1
            if holder is not None and holder.untracked > 0:
                holder.untracked -= 1  # a call they were on when QueueStatus was read
            else:
                self.stale = True
                self._problem(f"{m.name} for call {uid}, which the floor never saw join: read QueueStatus")
        if holder is None:
            return
        holder.calls.discard(uid)
        wrap = self._wrap_s(holder, queue)
        if not holder.calls and wrap > 0:
            holder.wrap_until = at + round(wrap * 1000)
            heapq.heappush(self._due, (holder.wrap_until, 0, holder.interface, holder.wrap_until))
        self._sync(holder, at)

    # -- events: members -------------------------------------------------------------------------

    def _member_changed(self, m: _Msg, at: int) -> None:
        queue, interface = m.need("Queue"), m.need("Interface")
        status = self._status(m)
        paused = m.flag("Paused")
        wrap = m.number("Wrapuptime")
        reason = m.get("PausedReason") or m.get("Reason") or None
        member = self._member_for(m, queue, interface, at)
        if status is not None:
            member.status = status
        membership = member.queues[queue]
        if paused is not None:
            membership.paused = paused
            if paused:
                member.reason = reason
        if wrap is not None:
            membership.wrap_s = float(wrap)
        self._sync(member, at)

    def _member_removed(self, m: _Msg, at: int) -> None:
        queue, interface = m.need("Queue"), m.need("Interface")
        member = self._members.get(interface)
        if member is None or queue not in member.queues:
            self.repeats += 1
            return
        del member.queues[queue]
        if member.queues:
            self._sync(member, at)
        else:
            self._remove(member, at)

    # -- the floor's bookkeeping -----------------------------------------------------------------

    def _emit(self, at: int, data: EventData) -> int:
        if self._last is not None and at < self._last:
            at = self._last
        self._last = at
        self._out.append((at, data))
        return at

    def _time(self, m: _Msg, received_ms: int) -> int:
        at = received_ms
        stamp = m.get("Timestamp")
        if stamp:
            try:
                seconds = float(stamp)
            except ValueError:
                seconds = math.nan
            if math.isfinite(seconds):
                at = round(seconds * 1000)
            else:
                self._problem(f"{m.name}: Timestamp {stamp!r} is not epoch seconds; taken when received")
        if self._last is not None and at < self._last:
            self.clamped += 1
            at = self._last
        return at

    def _remember(self, number: str) -> None:
        self._seen.add(number)
        self._seen_order.append(number)
        if len(self._seen_order) > SEEN_KEPT:
            self._seen.discard(self._seen_order.popleft())

    def _count_fields(self, m: _Msg) -> None:
        known = KNOWN_FIELDS.get(m.name.lower(), frozenset())
        for name in m.fields:
            if name not in known:
                self.unknown_fields[name] += 1

    def _problem(self, text: str) -> None:
        self.problems.append(text)

    def _malformed(self, bad: _Malformed) -> None:
        self.malformed += 1
        self._problem(str(bad))

    def _status(self, m: _Msg) -> int | None:
        status = m.number("Status")
        if status is not None and status not in DEVICE_STATUSES:
            raise _Malformed(f"{m.name}: Status {status} is not a device state 0-8")
        return status

    def _configure(self, queue: str, threshold: float, at: int) -> None:
        if self._queues.get(queue) == threshold:
            return
        self._queues[queue] = threshold
        configured = QueueConfigured(
            queue_id=queue, name=queue, sl_threshold_s=threshold, sl_target_pct=SL_TARGET_PCT
        )
        self._emit(at, configured)

    def _queue_known(self, queue: str, at: int) -> None:
        if queue not in self._queues:
            self.stale = True
            self._problem(f"queue {queue} was in no QueueStatus answer: configured with the defaults")
            self._configure(queue, self._sl_default_s, at)

    def _queue_call(
        self, uid: str, queue: str, priority: int, caller: str, at: int, *, before: _Call | None = None
    ) -> None:
        """``call.queued`` for the channel ``uid``; ``before``: its visit that just ended, if any."""
        leg = self._gone.pop(uid, 0) + 1
        earlier = frozenset() if before is None else before.earlier | {before.agent or ""}
        call = _Call(uid=uid, id=_leg_id(uid, leg), leg=leg, queue=queue, priority=priority, earlier=earlier)
        self._calls[uid] = call
        self._emit(at, CallQueued(call_id=call.id, queue_id=queue, priority=priority, caller=caller))

    def _known_call(self, m: _Msg, uid: str) -> _Call | None:
        """The call ``uid`` names, or None (counted: gone already, or never seen: stale)."""
        call = self._calls.get(uid)
        if call is None:
            if uid in self._gone:
                self.late += 1
            else:
                self.unknown_calls += 1
                self.stale = True
                self._problem(f"{m.name} for call {uid}, which the floor never saw join: read QueueStatus")
        return call

    def _forget(self, call: _Call) -> None:
        """``call`` has left the floor: remember it a while, to know late events about it."""
        self._channels.pop(call.uid, None)
        self._gone[call.uid] = call.leg
        self._gone.move_to_end(call.uid)
        if len(self._gone) > GONE_KEPT:
            self._gone.popitem(last=False)

    def _end(self, call: _Call, at: int) -> _Member | None:
        """``call.ended`` for ``call``; the member who held it, now freed of it (not yet synced)."""
        del self._calls[call.uid]
        self._forget(call)
        self._emit(at, CallEnded(call_id=call.id))
        member = self._members.get(call.agent or "") if call.talking else None
        if member is not None:
            member.calls.discard(call.uid)
        return member

    def _member_for(self, m: _Msg, queue: str, interface: str, at: int) -> _Member:
        """The member ``interface`` (created if new), a member of ``queue`` (added if not)."""
        self._queue_known(queue, at)
        name = m.get("MemberName")
        member = self._members.get(interface)
        if member is None:
            member = self._members[interface] = _Member(interface=interface, name=name or interface)
        elif name:
            member.name = name
        if queue not in member.queues:
            member.queues[queue] = _Membership()
        return member

    def _remove(self, member: _Member, at: int) -> None:
        del self._members[member.interface]
        if member.shown is not None:
            self._emit(at, AgentRemoved(agent_id=member.interface))

    def _wrap_s(self, member: _Member, queue: str) -> float:
        own = member.queues.get(queue)
        if own is not None and own.wrap_s > 0:
            return own.wrap_s
        return self._wrap_up_s.get(queue, 0.0)

    def _derive(self, member: _Member) -> tuple[AgentState, str | None]:
        if member.calls:
            return AgentState.ON_CALL, None
        if member.status in OFFLINE_STATUSES:
            return AgentState.OFFLINE, None
        if member.wrap_until is not None:
            return AgentState.WRAP_UP, None
        if member.queues and all(ms.paused for ms in member.queues.values()):
            return AgentState.NOT_READY, member.reason
        if member.status in BUSY_STATUSES:
            return AgentState.ON_CALL, None
        return AgentState.AVAILABLE, None

    def _sync(self, member: _Member, at: int) -> None:
        """Publish what changed about ``member``: added, its state, its skills and name."""
        state, reason = shown = self._derive(member)
        skills = tuple(sorted(member.queues))
        if member.shown is None:
            agent = Agent(
                id=member.interface,
                name=member.name,
                team="",
                skills=list(skills),
                state=state,
                reason=reason,
                state_since=iso(at if self._last is None else max(at, self._last)),
            )
            member.shown_since = self._emit(at, AgentAdded(agent=agent))
            member.shown, member.shown_skills, member.shown_name = shown, skills, member.name
            return
        if shown != member.shown:
            member.shown_since = self._emit(
                at, AgentStateChanged(agent_id=member.interface, state=state, reason=reason)
            )
            member.shown = shown
        idle = not member.calls and member.wrap_until is None
        if idle and (skills, member.name) != (member.shown_skills, member.shown_name):
            agent = Agent(
                id=member.interface,
                name=member.name,
                team="",
                skills=list(skills),
                state=state,
                reason=reason,
                state_since=iso(member.shown_since),
            )
            self._emit(at, AgentAdded(agent=agent))
            member.shown_skills, member.shown_name = skills, member.name

    # -- time passing ----------------------------------------------------------------------------

    def _valid(self, item: tuple[int, int, str, int]) -> bool:
        _, kind, key, stamp = item
        if kind == 0:
            member = self._members.get(key)
            return member is not None and member.wrap_until == stamp
        call = self._calls.get(key)
        return call is not None and not call.talking and call.left_ms == stamp

    def _expire(self, now: int) -> None:
        """End the wrap-ups and the grace of callers who left, due by ``now``, in time order."""
        while self._due and self._due[0][0] <= now:
            item = heapq.heappop(self._due)
            if not self._valid(item):
                continue
            due, kind, key, stamp = item
            if kind == 0:
                member = self._members[key]
                member.wrap_until = None
                self._sync(member, due)
            else:
                self.left_unanswered += 1
                self._end(self._calls[key], stamp)
