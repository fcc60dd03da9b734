"""A stand-in Asterisk Manager Interface (AMI) server on 127.0.0.1: what Asterisk writes, byte for byte.

There is no Asterisk on these machines, so the AMI adapter's tests talk to this:
a TCP (optionally TLS) server holding a small model of app_queue's queues,
members and waiting callers, that answers the actions an adapter sends and
broadcasts the events the test drives. The text of every block follows Asterisk's
source (main/manager.c, main/manager_channels.c, apps/app_queue.c): the same
keys, in the same order, with the same ``Message`` texts; ``asterisk=16`` gives the
field sets of Asterisk 16.0 (AMI 5), ``asterisk=20`` those of 20.0 and later (AMI 9:
``LoginTime`` and ``Wrapuptime`` on members, no ``Reason`` on QueueMemberPause).

Use::

    async with AmiServer(users={"console": "secret"}) as server:
        server.add_queue("sales", service_level=20)
        server.add_member("PJSIP/1001", name="Dana", queues=["sales"])
        conn = await AmiConnection.open("127.0.0.1", server.port, timeout=5)
        ...
        server.caller_join("sales", "1700000000.1", "0501234567", at=T0)
        server.agent_called("1700000000.1", "PJSIP/1001", at=T0 + 3)
        server.agent_connect("1700000000.1", "PJSIP/1001", at=T0 + 7)
        server.agent_complete("1700000000.1", reason="caller", at=T0 + 90)

What it does, as Asterisk does:

- greets with ``Asterisk Call Manager/<AMI version>\\r\\n`` (one line, not a block);
- ``Login`` (``Username``/``Secret``/``Events``): ``Authentication accepted``, then a
  ``FullyBooted`` event to that client alone (``fully_booted=False`` leaves it
  out), or ``Authentication failed``. Asterisk then closes the connection (and
  waits a second first); this server keeps it open unless
  ``close_on_failed_login=True``, and never waits;
- any action but ``Login``/``Logoff`` before a login: ``Permission denied``;
- ``Ping``, ``Logoff`` (``Goodbye``, then it closes), ``QueueStatus`` and
  ``QueueSummary`` (list actions: ``EventList: start``, the items with the
  ``ActionID``, ``...Complete`` with ``ListItems``), ``QueuePause``, ``QueueAdd``,
  ``QueueRemove``, ``Redirect`` (moves a waiting caller to the queue
  ``routes`` maps the new ``(Context, Exten)`` to: ``QueueCallerLeave`` then
  ``QueueCallerJoin``, its hold time starting again; a caller talking to an agent
  gets ``AgentComplete`` with ``Reason: transfer`` first; a place no route names
  takes the caller out of the queues; an unknown channel: ``Channel does not
  exist: <name>``); anything else: ``Invalid/unknown command: X. Use Action:
  ListCommands to show available commands.``
- actions' responses come before the events they cause (Asterisk publishes the
  events through Stasis and writes them after the response; an adapter must not
  rely on either order);
- events go to every logged-in client that asked for them (``Events: off`` asks
  for none, ``Events: agent`` for app_queue's only), with ``Privilege``, then
  ``Timestamp: <seconds>.<microseconds>`` when ``timestamps`` is on (Asterisk's
  ``timestampevents = yes``), then ``SequenceNumber`` (from 0) when
  ``sequence_numbers`` is on. Asterisk writes ``SequenceNumber`` only with
  ``debug = on`` in manager.conf (with ``File``/``Line``/``Func``, left out
  here), so an adapter must not need it.

Differences that remain: real Asterisk also sends channel, bridge and dial
events around a queue call (Newchannel, DialBegin, BridgeEnter, Hangup...) and a
``QueueMemberStatus`` at each device-state change of a member; the test drives
``member_status`` itself where it wants one. Channel names and uniqueids of agent
legs are made up (``PJSIP/1001-0000000a``).

The time: ``now`` (epoch seconds) is the server's clock, set by the ``at=`` of
each driving method (a float or an aware datetime; left out, the clock stays);
it gives the events' ``Timestamp`` and the ``Wait``, ``HoldTime`` and
``TalkTime`` figures. ``Ping``'s ``Timestamp`` is ``now`` too.

For the test: ``actions`` lists every action received (``Secret`` masked),
``events`` every event broadcast; ``send_raw(data)`` pushes any bytes (junk,
repeats, unknown events); ``drop_clients()`` cuts every connection at once;
``wait_logged_in()``, ``wait_clients(n)`` and ``wait_action(name)`` wait for the adapter.
``self_signed_tls(directory)`` makes a server and a client TLS context.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import shutil
import ssl
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

log = logging.getLogger("tests.ami_server")

#: One block's fields, in the order written.
Fields = list[tuple[str, str]]
#: A driving method's time: epoch seconds, an aware datetime, or None for the server's ``now``.
At = float | datetime | None

#: ChannelState -> ChannelStateDesc (ast_state2str).
CHANNEL_STATES = {
    0: "Down",
    1: "Rsrvd",
    2: "OffHook",
    3: "Dialing",
    4: "Ring",
    5: "Ringing",
    6: "Up",
    7: "Busy",
}
#: A member's ``Status``: the device state (ast_device_state).
DEVICE_STATES = {
    0: "unknown",
    1: "not in use",
    2: "in use",
    3: "busy",
    4: "invalid",
    5: "unavailable",
    6: "ringing",
    7: "ring in use",
    8: "on hold",
}
#: The AMI version in the greeting, by Asterisk major version.
AMI_VERSIONS = {16: "5.0.1", 20: "9.0.0"}
#: What Asterisk's ``ast_true`` takes for yes.
_TRUE = frozenset({"yes", "true", "y", "t", "1", "on"})
_MASK = "********"


def stamp(at: float) -> str:
    """Seconds as Asterisk writes a ``Timestamp``: ``1700000000.250000``."""
    micro = round(at * 1_000_000)
    return f"{micro // 1_000_000}.{micro % 1_000_000:06d}"


def encode(fields: Iterable[tuple[str, str]]) -> bytes:
    """One block as Asterisk writes it: ``Key: Value\\r\\n`` lines, then ``\\r\\n``."""
    return ("".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n").encode()


def _flag(value: bool) -> str:
    return "1" if value else "0"


# -- the model -------------------------------------------------------------------


@dataclass
class Channel:
    """A channel's snapshot: what the channel fields of an event show."""

    name: str
    uniqueid: str
    linkedid: str
    state: int = 6
    callerid_num: str | None = None
    callerid_name: str | None = None
    connected_num: str | None = None
    connected_name: str | None = None
    language: str = "en"
    accountcode: str = ""
    context: str = "default"
    exten: str = "s"
    priority: int = 1

    def fields(self, prefix: str = "") -> Fields:
        """Channel, ChannelState, ... Linkedid (``prefix`` ``Dest`` for the agent's leg)."""
        return [
            (f"{prefix}Channel", self.name),
            (f"{prefix}ChannelState", str(self.state)),
            (f"{prefix}ChannelStateDesc", CHANNEL_STATES.get(self.state, f"Unknown ({self.state})")),
            (f"{prefix}CallerIDNum", self.callerid_num or "<unknown>"),
            (f"{prefix}CallerIDName", self.callerid_name or "<unknown>"),
            (f"{prefix}ConnectedLineNum", self.connected_num or "<unknown>"),
            (f"{prefix}ConnectedLineName", self.connected_name or "<unknown>"),
            (f"{prefix}Language", self.language),
            (f"{prefix}AccountCode", self.accountcode),
            (f"{prefix}Context", self.context),
            (f"{prefix}Exten", self.exten),
            (f"{prefix}Priority", str(self.priority)),
            (f"{prefix}Uniqueid", self.uniqueid),
            (f"{prefix}Linkedid", self.linkedid),
        ]


@dataclass
class Queue:
    """A queue of queues.conf and its running figures (app_queue's ``call_queue``)."""

    name: str
    strategy: str = "ringall"
    #: ``servicelevel``: seconds.
    service_level: int = 60
    wrapuptime: int = 0
    max: int = 0
    weight: int = 0
    #: Exponential averages (seconds) as app_queue keeps them.
    holdtime: int = 0
    talktime: int = 0
    completed: int = 0
    abandoned: int = 0
    completed_in_sl: int = 0
    abandoned_in_sl: int = 0
    #: Uniqueids of the callers waiting, position 1 first.
    waiting: list[str] = field(default_factory=list)


@dataclass
class Membership:
    """A member's place in one queue (app_queue keeps one ``member`` per queue)."""

    penalty: int = 0
    dynamic: bool = True
    paused: bool = False
    reason: str = ""
    calls_taken: int = 0
    last_call: int = 0
    last_pause: int = 0
    login_time: int = 0
    in_call: bool = False
    wrapuptime: int = 0
    ringinuse: bool = True


@dataclass
class Member:
    """An agent's interface, its device state (``status``) and its queues."""

    interface: str
    name: str
    state_interface: str
    status: int = 1
    queues: dict[str, Membership] = field(default_factory=dict)


@dataclass
class Caller:
    """A caller in a queue (waiting, ringing an agent, or talking to one)."""

    channel: Channel
    queue: str
    joined_at: float
    original_position: int
    waiting: bool = True
    agent: str | None = None
    agent_channel: Channel | None = None
    called_at: float | None = None
    connected_at: float | None = None
    in_sl: bool = False


@dataclass(eq=False)
class _Client:
    writer: asyncio.StreamWriter
    username: str | None = None
    #: Event categories asked for; None: all.
    categories: frozenset[str] | None = None

    def send(self, data: bytes) -> None:
        if not self.writer.is_closing():
            self.writer.write(data)

    def wants(self, privilege: str) -> bool:
        if self.username is None:
            return False
        return self.categories is None or privilege.split(",", maxsplit=1)[0] in self.categories


class AmiServer:
    """The stand-in server; see the module's docstring.

    ``users`` maps usernames to secrets. ``routes`` maps ``(context, exten)`` to the
    queue a ``Redirect`` there puts a caller in. ``now`` starts the clock (default 0).
    """

    def __init__(
        self,
        users: Mapping[str, str] | None = None,
        *,
        timestamps: bool = True,
        sequence_numbers: bool = True,
        asterisk: int = 16,
        ami_version: str | None = None,
        ssl: ssl.SSLContext | None = None,
        routes: Mapping[tuple[str, str], str] | None = None,
        now: float = 0.0,
        fully_booted: bool = True,
        close_on_failed_login: bool = False,
    ) -> None:
        if asterisk not in AMI_VERSIONS:
            raise ValueError(f"asterisk must be one of {sorted(AMI_VERSIONS)}")
        self.users = dict(users) if users is not None else {"console": "secret"}
        self.timestamps = timestamps
        self.sequence_numbers = sequence_numbers
        self.asterisk = asterisk
        self.ami_version = ami_version or AMI_VERSIONS[asterisk]
        self.ssl = ssl
        self.routes: dict[tuple[str, str], str] = dict(routes or {})
        self.now = now
        self.fully_booted = fully_booted
        self.close_on_failed_login = close_on_failed_login
        self.host = "127.0.0.1"
        self.port = 0
        self.queues: dict[str, Queue] = {}
        self.members: dict[str, Member] = {}
        #: Callers by uniqueid.
        self.callers: dict[str, Caller] = {}
        #: Every action received, fields in order (``Secret`` and ``Key`` masked).
        self.actions: list[dict[str, str]] = []
        #: Every event broadcast (header fields included), in order.
        self.events: list[dict[str, str]] = []
        self._started_at = now
        self._sequence = 0
        self._channel_seq = 0
        self._clients: set[_Client] = set()
        self._server: asyncio.Server | None = None
        self._sessions: set[asyncio.Task[None]] = set()
        self._handlers: dict[str, Callable[[_Client, _Action], bool]] = {
            "login": self._login,
            "logoff": self._logoff,
            "ping": self._ping,
            "queuestatus": self._queue_status,
            "queuesummary": self._queue_summary,
            "queuepause": self._queue_pause,
            "queueadd": self._queue_add,
            "queueremove": self._queue_remove,
            "redirect": self._redirect,
        }

    # -- life ------------------------------------------------------------------

    async def start(self) -> AmiServer:
        """Listen on 127.0.0.1, a free port (``port``)."""
        self._server = await asyncio.start_server(self._serve, self.host, 0, ssl=self.ssl)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Stop listening and cut every connection."""
        if self._server is not None:
            self._server.close()
        self.drop_clients()
        for task in list(self._sessions):
            task.cancel()
        for task in list(self._sessions):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> AmiServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def clients(self) -> int:
        """Connections open now (logged in or not)."""
        return len(self._clients)

    @property
    def logged_in(self) -> int:
        """Connections logged in now."""
        return sum(1 for c in self._clients if c.username is not None)

    async def wait_logged_in(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until ``count`` connections are logged in."""
        async with asyncio.timeout(timeout):
            while self.logged_in < count:  # noqa: ASYNC110 (polling keeps the server free of test hooks)
                await asyncio.sleep(0.01)

    async def wait_clients(self, count: int, timeout: float = 5.0) -> None:
        """Wait until exactly ``count`` connections are open (logged in or not)."""
        async with asyncio.timeout(timeout):
            while self.clients != count:  # noqa: ASYNC110
                await asyncio.sleep(0.01)

    async def wait_action(self, name: str, timeout: float = 5.0, *, after: int = 0) -> dict[str, str]:
        """The first action named ``name`` (ignoring case) from ``actions[after:]``, waiting for it."""
        async with asyncio.timeout(timeout):
            while True:
                for action in self.actions[after:]:
                    if action.get("Action", "").lower() == name.lower():
                        return action
                await asyncio.sleep(0.01)

    def send_raw(self, data: bytes, *, everyone: bool = False) -> None:
        """Write ``data`` as it is to every logged-in client (``everyone``: every connection)."""
        for client in list(self._clients):
            if everyone or client.username is not None:
                client.send(data)

    def drop_clients(self) -> int:
        """Cut every connection now (the server keeps listening); how many were cut."""
        clients = list(self._clients)
        for client in clients:
            client.writer.transport.abort()
        self._clients.clear()
        return len(clients)

    # -- the model, set up without events ---------------------------------------

    def add_queue(
        self,
        name: str,
        *,
        strategy: str = "ringall",
        service_level: int = 60,
        wrapuptime: int = 0,
        max: int = 0,
        weight: int = 0,
        holdtime: int = 0,
        talktime: int = 0,
        completed: int = 0,
        abandoned: int = 0,
        completed_in_sl: int = 0,
        abandoned_in_sl: int = 0,
    ) -> Queue:
        """A queue of queues.conf, with figures as if it had run before (``Queue``'s fields)."""
        queue = Queue(
            name,
            strategy=strategy,
            service_level=service_level,
            wrapuptime=wrapuptime,
            max=max,
            weight=weight,
            holdtime=holdtime,
            talktime=talktime,
            completed=completed,
            abandoned=abandoned,
            completed_in_sl=completed_in_sl,
            abandoned_in_sl=abandoned_in_sl,
        )
        self.queues[name] = queue
        return queue

    def add_member(
        self,
        interface: str,
        *,
        queues: Iterable[str],
        name: str | None = None,
        state_interface: str | None = None,
        status: int = 1,
        paused: bool = False,
        reason: str = "",
        penalty: int = 0,
        dynamic: bool = True,
        calls_taken: int = 0,
        last_call: int = 0,
    ) -> Member:
        """A member in ``queues`` (each must exist), as if it had been there when the adapter connects."""
        member = self.members.get(interface) or Member(
            interface, name or interface, state_interface or interface, status
        )
        self.members[interface] = member
        for queue in queues:
            self._queue(queue)
            member.queues[queue] = Membership(
                penalty=penalty,
                dynamic=dynamic,
                paused=paused,
                reason=reason if paused else "",
                calls_taken=calls_taken,
                last_call=last_call,
                login_time=int(self.now),
                wrapuptime=self.queues[queue].wrapuptime,
            )
        return member

    def route(self, context: str, exten: str, queue: str) -> None:
        """A ``Redirect`` to ``context``/``exten`` puts the caller in ``queue``."""
        self.routes[(context, exten)] = queue

    # -- driving a call's life (each returns the events it broadcast) ------------

    def caller_join(
        self,
        queue: str,
        uniqueid: str,
        callerid: str | None,
        *,
        name: str | None = None,
        channel: str | None = None,
        at: At = None,
    ) -> list[dict[str, str]]:
        """A caller enters ``queue`` (the dialplan ran ``Queue()``): ``QueueCallerJoin``."""
        t = self._tick(at)
        if uniqueid in self.callers:
            raise ValueError(f"caller {uniqueid} is already there")
        context, exten = self._dialplan_of(queue)
        chan = Channel(
            name=channel or f"PJSIP/trunk-{self._next_channel():08x}",
            uniqueid=uniqueid,
            linkedid=uniqueid,
            callerid_num=callerid,
            callerid_name=name,
            context=context,
            exten=exten,
        )
        return self._join(chan, queue, t)

    def agent_called(self, uniqueid: str, interface: str, *, at: At = None) -> list[dict[str, str]]:
        """The queue rings member ``interface`` for the caller: ``AgentCalled``."""
        t = self._tick(at)
        caller, member = self._caller(uniqueid), self._member(interface)
        agent = self._agent_channel(caller, member, t)
        caller.agent, caller.agent_channel, caller.called_at = interface, agent, t
        body = [("Queue", caller.queue), ("Interface", interface), ("MemberName", member.name)]
        return [self._emit("AgentCalled", caller.channel.fields() + agent.fields("Dest") + body, t)]

    def agent_ring_no_answer(self, uniqueid: str, *, at: At = None) -> list[dict[str, str]]:
        """The member rung did not answer: ``AgentRingNoAnswer`` (RingTime in seconds)."""
        t = self._tick(at)
        caller = self._caller(uniqueid)
        interface, agent = self._ringing(caller)
        member = self._member(interface)
        ring = int(t - (caller.called_at or t))
        body = [
            ("Queue", caller.queue),
            ("Interface", interface),
            ("MemberName", member.name),
            ("RingTime", str(ring)),
        ]
        caller.agent = caller.agent_channel = caller.called_at = None
        return [self._emit("AgentRingNoAnswer", caller.channel.fields() + agent.fields("Dest") + body, t)]

    def agent_connect(
        self, uniqueid: str, interface: str | None = None, *, at: At = None
    ) -> list[dict[str, str]]:
        """The member answers: ``QueueCallerLeave`` (the caller leaves the queue), then ``AgentConnect``.

        ``interface`` defaults to the member rung by ``agent_called`` (without one, it is rung now).
        """
        t = self._tick(at)
        caller = self._caller(uniqueid)
        if not caller.waiting:
            raise ValueError(f"caller {uniqueid} is not waiting")
        events = []
        if interface is not None and caller.agent != interface:
            events += self.agent_called(uniqueid, interface, at=t)
        interface, agent = self._ringing(caller)
        member = self._member(interface)
        queue = self._queue(caller.queue)
        hold = int(t - caller.joined_at)
        ring = int(t - (caller.called_at or t))
        # recalc_holdtime, and whether it counts as answered within the service level (update_queue).
        if queue.completed + queue.abandoned == 0:
            queue.holdtime = hold
        else:
            queue.holdtime = (queue.holdtime * 3 + hold) >> 2
        caller.in_sl = hold <= queue.service_level
        events.append(self._leave(caller, t))
        agent.state = 6
        agent.connected_num, agent.connected_name = caller.channel.callerid_num, caller.channel.callerid_name
        caller.channel.connected_num, caller.channel.connected_name = agent.callerid_num, agent.callerid_name
        caller.connected_at = t
        membership = member.queues.get(caller.queue)
        if membership is not None:
            membership.in_call = True
        body = [
            ("Queue", caller.queue),
            ("Interface", interface),
            ("MemberName", member.name),
            ("HoldTime", str(hold)),
            ("RingTime", str(ring)),
        ]
        events.append(self._emit("AgentConnect", caller.channel.fields() + agent.fields("Dest") + body, t))
        return events

    def agent_complete(self, uniqueid: str, *, reason: str = "caller", at: At = None) -> list[dict[str, str]]:
        """The call ends (``reason``: ``caller``, ``agent`` or ``transfer`` hung up): ``AgentComplete``."""
        t = self._tick(at)
        caller = self._caller(uniqueid)
        event = self._complete(caller, reason, t)
        del self.callers[uniqueid]
        return [event]

    def caller_abandon(self, uniqueid: str, *, at: At = None) -> list[dict[str, str]]:
        """The caller hangs up while waiting: ``QueueCallerAbandon``, then ``QueueCallerLeave``."""
        t = self._tick(at)
        caller = self._caller(uniqueid)
        if not caller.waiting:
            raise ValueError(f"caller {uniqueid} is not waiting")
        queue = self._queue(caller.queue)
        hold = int(t - caller.joined_at)
        queue.abandoned += 1
        if hold <= queue.service_level:
            queue.abandoned_in_sl += 1
        body = [
            ("Queue", queue.name),
            ("Position", str(queue.waiting.index(uniqueid) + 1)),
            ("OriginalPosition", str(caller.original_position)),
            ("HoldTime", str(hold)),
        ]
        events = [self._emit("QueueCallerAbandon", caller.channel.fields() + body, t)]
        events.append(self._leave(caller, t))
        del self.callers[uniqueid]
        return events

    def caller_leave(self, uniqueid: str, *, at: At = None) -> list[dict[str, str]]:
        """The caller leaves unanswered without hanging up (timeout, exit key): ``QueueCallerLeave``."""
        t = self._tick(at)
        caller = self._caller(uniqueid)
        if not caller.waiting:
            raise ValueError(f"caller {uniqueid} is not waiting")
        event = self._leave(caller, t)
        del self.callers[uniqueid]
        return [event]

    def member_status(
        self, interface: str, status: int, *, in_call: bool | None = None, at: At = None
    ) -> list[dict[str, str]]:
        """The member's device state changes (``DEVICE_STATES``): ``QueueMemberStatus``, one per queue."""
        t = self._tick(at)
        member = self._member(interface)
        member.status = status
        events = []
        for queue, membership in member.queues.items():
            if in_call is not None:
                membership.in_call = in_call
            events.append(self._emit("QueueMemberStatus", self._member_fields(queue, member, membership), t))
        return events

    def member_added(
        self,
        queue: str,
        interface: str,
        *,
        name: str | None = None,
        state_interface: str | None = None,
        paused: bool = False,
        reason: str = "",
        penalty: int = 0,
        at: At = None,
    ) -> list[dict[str, str]]:
        """A member logs into ``queue`` (AddQueueMember, or QueueAdd elsewhere): ``QueueMemberAdded``."""
        t = self._tick(at)
        membership = self._add(
            queue,
            interface,
            name=name,
            state_interface=state_interface,
            paused=paused,
            reason=reason,
            penalty=penalty,
        )
        fields = self._member_fields(queue, self.members[interface], membership)
        return [self._emit("QueueMemberAdded", fields, t)]

    def member_removed(self, queue: str, interface: str, *, at: At = None) -> list[dict[str, str]]:
        """A member logs out of ``queue``: ``QueueMemberRemoved``."""
        t = self._tick(at)
        member = self._member(interface)
        membership = member.queues.pop(queue)
        return [self._emit("QueueMemberRemoved", self._member_fields(queue, member, membership), t)]

    def member_pause(
        self, interface: str, paused: bool, *, reason: str = "", queue: str | None = None, at: At = None
    ) -> list[dict[str, str]]:
        """The member pauses or unpauses (in ``queue``, or in all its queues): a ``QueueMemberPause`` each."""
        t = self._tick(at)
        events = self._pause(interface, paused, reason, queue, t)
        if events is None:
            raise KeyError(f"no member {interface!r}" + (f" in queue {queue!r}" if queue else ""))
        return events

    # -- events -------------------------------------------------------------------

    def _tick(self, at: At) -> float:
        if at is not None:
            self.now = at.timestamp() if isinstance(at, datetime) else float(at)
        return self.now

    def _emit(self, name: str, body: Fields, t: float, privilege: str = "agent,all") -> dict[str, str]:
        fields: Fields = [("Event", name), ("Privilege", privilege)]
        if self.timestamps:
            fields.append(("Timestamp", stamp(t)))
        if self.sequence_numbers:
            fields.append(("SequenceNumber", str(self._sequence)))
            self._sequence += 1
        fields += body
        data = encode(fields)
        for client in list(self._clients):
            if client.wants(privilege):
                client.send(data)
        event = dict(fields)
        self.events.append(event)
        return event

    def _member_body(self, member: Member, m: Membership) -> Fields:
        """What an event about a member and a QueueStatus row about it share, in Asterisk's order
        (from StateInterface to PausedReason); their heads and tails differ."""
        fields: Fields = [
            ("StateInterface", member.state_interface),
            ("Membership", "dynamic" if m.dynamic else "static"),
            ("Penalty", str(m.penalty)),
            ("CallsTaken", str(m.calls_taken)),
            ("LastCall", str(m.last_call)),
            ("LastPause", str(m.last_pause)),
        ]
        if self.asterisk >= 20:
            fields.append(("LoginTime", str(m.login_time)))
        fields += [
            ("InCall", _flag(m.in_call)),
            ("Status", str(member.status)),
            ("Paused", _flag(m.paused)),
            ("PausedReason", m.reason),
        ]
        return fields

    def _member_fields(self, queue: str, member: Member, m: Membership, pause_reason: str = "") -> Fields:
        """queue_member_blob_create: the body of QueueMemberStatus/Added/Removed/Pause."""
        head: Fields = [("Queue", queue), ("MemberName", member.name), ("Interface", member.interface)]
        fields = head + self._member_body(member, m) + [("Ringinuse", _flag(m.ringinuse))]
        if self.asterisk >= 20:
            fields.append(("Wrapuptime", str(m.wrapuptime)))
        elif pause_reason:
            fields.append(("Reason", pause_reason))
        return fields

    def _join(self, chan: Channel, queue_name: str, t: float) -> list[dict[str, str]]:
        queue = self._queue(queue_name)
        queue.waiting.append(chan.uniqueid)
        position = len(queue.waiting)
        self.callers[chan.uniqueid] = Caller(chan, queue_name, t, position)
        body = [("Queue", queue_name), ("Position", str(position)), ("Count", str(len(queue.waiting)))]
        return [self._emit("QueueCallerJoin", chan.fields() + body, t)]

    def _leave(self, caller: Caller, t: float) -> dict[str, str]:
        queue = self._queue(caller.queue)
        position = queue.waiting.index(caller.channel.uniqueid) + 1
        queue.waiting.remove(caller.channel.uniqueid)
        caller.waiting = False
        body = [("Queue", queue.name), ("Position", str(position)), ("Count", str(len(queue.waiting)))]
        return self._emit("QueueCallerLeave", caller.channel.fields() + body, t)

    def _complete(self, caller: Caller, reason: str, t: float) -> dict[str, str]:
        if caller.connected_at is None or caller.agent is None or caller.agent_channel is None:
            raise ValueError(f"caller {caller.channel.uniqueid} is not talking to an agent")
        queue = self._queue(caller.queue)
        member = self._member(caller.agent)
        hold = int(caller.connected_at - caller.joined_at)
        talk = int(t - caller.connected_at)
        # update_queue: the member's calls and last call, the queue's completed calls and talk time.
        membership = member.queues.get(caller.queue)
        if membership is not None:
            membership.calls_taken += 1
            membership.last_call = int(t)
            membership.in_call = False
        queue.completed += 1
        if caller.in_sl:
            queue.completed_in_sl += 1
        queue.talktime = talk if queue.completed == 1 else (queue.talktime * 3 + talk) >> 2
        body = [
            ("Queue", queue.name),
            ("Interface", caller.agent),
            ("MemberName", member.name),
            ("HoldTime", str(hold)),
            ("TalkTime", str(talk)),
            ("Reason", reason),
        ]
        fields = caller.channel.fields() + caller.agent_channel.fields("Dest") + body
        return self._emit("AgentComplete", fields, t)

    def _pause(
        self, interface: str, paused: bool, reason: str, queue: str | None, t: float
    ) -> list[dict[str, str]] | None:
        """set_member_paused: None when the interface is in no queue (or not in ``queue``)."""
        member = self.members.get(interface)
        if member is None:
            return None
        names = [q for q in member.queues if queue is None or q.lower() == queue.lower()]
        if not names:
            return None
        events = []
        for name in names:
            membership = member.queues[name]
            membership.paused = paused
            if paused:
                membership.last_pause = int(t)
            membership.reason = reason if paused else ""
            fields = self._member_fields(name, member, membership, pause_reason=reason)
            events.append(self._emit("QueueMemberPause", fields, t))
        return events

    def _add(
        self,
        queue: str,
        interface: str,
        *,
        name: str | None,
        state_interface: str | None,
        paused: bool,
        reason: str,
        penalty: int,
        wrapuptime: int = 0,
    ) -> Membership:
        self._queue(queue)
        member = self.members.get(interface)
        if member is None:
            member = Member(interface, name or interface, state_interface or interface)
            self.members[interface] = member
        if queue in member.queues:
            raise ValueError(f"{interface} is already in {queue}")
        membership = Membership(
            penalty=penalty,
            paused=paused,
            reason=reason if paused else "",
            login_time=int(self.now),
            wrapuptime=wrapuptime or self.queues[queue].wrapuptime,
        )
        member.queues[queue] = membership
        return membership

    # -- lookups ------------------------------------------------------------------

    def _queue(self, name: str) -> Queue:
        try:
            return self.queues[name]
        except KeyError:
            raise KeyError(f"no queue {name!r}") from None

    def _member(self, interface: str) -> Member:
        try:
            return self.members[interface]
        except KeyError:
            raise KeyError(f"no member {interface!r}") from None

    def _caller(self, uniqueid: str) -> Caller:
        try:
            return self.callers[uniqueid]
        except KeyError:
            raise KeyError(f"no caller {uniqueid!r}") from None

    def _ringing(self, caller: Caller) -> tuple[str, Channel]:
        if caller.agent is None or caller.agent_channel is None:
            raise ValueError(f"no agent is rung for caller {caller.channel.uniqueid}")
        return caller.agent, caller.agent_channel

    def _dialplan_of(self, queue: str) -> tuple[str, str]:
        for (context, exten), target in self.routes.items():
            if target == queue:
                return context, exten
        return "queues", queue

    def _next_channel(self) -> int:
        self._channel_seq += 1
        return self._channel_seq

    def _agent_channel(self, caller: Caller, member: Member, t: float) -> Channel:
        n = self._next_channel()
        extension = member.interface.rsplit("/", 1)[-1]
        return Channel(
            name=f"{member.interface}-{n:08x}",
            uniqueid=f"{int(t)}.{1000 + n}",
            linkedid=caller.channel.linkedid,
            state=0,
            callerid_num=extension,
            callerid_name=member.name,
            connected_num=caller.channel.callerid_num,
            connected_name=caller.channel.callerid_name,
            context="from-queue",
            exten=extension,
        )

    def _find_channel(self, name: str) -> Caller | None:
        for caller in self.callers.values():
            if caller.channel.name == name:
                return caller
        return None

    # -- the sessions -------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._sessions.add(task)
        client = _Client(writer)
        self._clients.add(client)
        try:
            client.send(f"Asterisk Call Manager/{self.ami_version}\r\n".encode())
            block: Fields = []
            while True:
                line = await reader.readline()
                if not line:
                    break
                text = line.decode("utf-8", "replace").rstrip("\r\n")
                if text:
                    key, colon, value = text.partition(":")
                    if colon:  # Asterisk keeps a line without a colon, and no header ever matches it
                        block.append((key, value.lstrip(" \t")))
                    continue
                if not block:
                    continue
                keep = self._handle(client, _Action(block))
                block = []
                await writer.drain()
                if not keep:
                    break
        except (OSError, ValueError, asyncio.LimitOverrunError):
            pass
        finally:
            self._clients.discard(client)
            self._sessions.discard(task)
            writer.close()
            with contextlib.suppress(OSError, ssl.SSLError):
                await writer.wait_closed()

    def _handle(self, client: _Client, action: _Action) -> bool:
        """Answer one action; False to close the connection."""
        self.actions.append(action.masked())
        log.debug("AMI stand-in: <- %s", action.masked())
        name = action.get("Action")
        if not name:
            return self._respond(client, action, "Error", "Missing action in request")
        if client.username is None and name.lower() not in ("login", "logoff", "challenge"):
            return self._respond(client, action, "Error", "Permission denied")
        handler = self._handlers.get(name.lower())
        if handler is None:
            message = f"Invalid/unknown command: {name}. Use Action: ListCommands to show available commands."
            return self._respond(client, action, "Error", message)
        return handler(client, action)

    def _respond(
        self,
        client: _Client,
        action: _Action,
        response: str,
        message: str | None = None,
        *,
        eventlist: str | None = None,
        extra: Iterable[tuple[str, str]] = (),
    ) -> bool:
        """astman_send_response_full: Response, ActionID, EventList, Message."""
        fields: Fields = [("Response", response)]
        if action.action_id:
            fields.append(("ActionID", action.action_id))
        if eventlist is not None:
            fields.append(("EventList", eventlist))
        if message is not None:
            fields.append(("Message", message))
        fields += extra
        client.send(encode(fields))
        return True

    def _list_item(self, action: _Action, event: str, fields: Fields) -> bytes:
        """A list action's item: its fields, then ActionID last (as app_queue appends ``idText``)."""
        id_text: Fields = [("ActionID", action.action_id)] if action.action_id else []
        return encode([("Event", event), *fields, *id_text])

    def _list_complete(self, action: _Action, event: str, count: int) -> bytes:
        """astman_send_list_complete_start/end: Event, ActionID, EventList: Complete, ListItems."""
        fields: Fields = [("Event", event)]
        if action.action_id:
            fields.append(("ActionID", action.action_id))
        fields += [("EventList", "Complete"), ("ListItems", str(count))]
        return encode(fields)

    # -- the actions --------------------------------------------------------------

    def _login(self, client: _Client, action: _Action) -> bool:
        if client.username is not None:
            return self._respond(client, action, "Success", "Already authenticated")
        username = action.get("Username")
        secret = action.get("Secret")
        expected = self.users.get(username)
        if expected is None or not secrets.compare_digest(expected.encode(), secret.encode()):
            log.info("AMI stand-in: login as %r refused", username)
            self._respond(client, action, "Error", "Authentication failed")
            return not self.close_on_failed_login
        client.username = username
        events = action.get("Events").strip().lower()
        if events in ("off", "no", "false", "0"):
            client.categories = frozenset()
        elif events and events not in ("on", "yes", "true", "1", "all"):
            client.categories = frozenset(c.strip() for c in events.split(","))
        self._respond(client, action, "Success", "Authentication accepted")
        if self.fully_booted and client.wants("system,all"):
            uptime = str(int(self.now - self._started_at))
            booted: Fields = [
                ("Event", "FullyBooted"),
                ("Privilege", "system,all"),
                ("Uptime", uptime),
                ("LastReload", uptime),
                ("Status", "Fully Booted"),
            ]
            client.send(encode(booted))
        return True

    def _logoff(self, client: _Client, action: _Action) -> bool:
        self._respond(client, action, "Goodbye", "Thanks for all the fish.")
        return False

    def _ping(self, client: _Client, action: _Action) -> bool:
        pong = [("Ping", "Pong"), ("Timestamp", stamp(self.now))]
        return self._respond(client, action, "Success", extra=pong)

    def _queue_status(self, client: _Client, action: _Action) -> bool:
        """manager_queues_status: QueueParams, its QueueMembers and QueueEntries, queue by queue."""
        queue_filter, member_filter = action.get("Queue"), action.get("Member")
        self._respond(client, action, "Success", "Queue status will follow", eventlist="start")
        items: list[bytes] = []
        for queue in self.queues.values():
            if queue_filter and queue.name.lower() != queue_filter.lower():
                continue
            items.append(self._list_item(action, "QueueParams", self._queue_params(queue)))
            for member in self.members.values():
                membership = member.queues.get(queue.name)
                if membership is None or (
                    member_filter and member_filter not in (member.interface, member.name)
                ):
                    continue
                items.append(
                    self._list_item(action, "QueueMember", self._queue_member(queue, member, membership))
                )
            for position, uniqueid in enumerate(queue.waiting, 1):
                caller = self.callers[uniqueid]
                items.append(
                    self._list_item(action, "QueueEntry", self._queue_entry(queue, position, caller))
                )
        client.send(b"".join(items) + self._list_complete(action, "QueueStatusComplete", len(items)))
        return True

    def _queue_params(self, q: Queue) -> Fields:
        answered = q.completed
        both = q.completed + q.abandoned
        sl = 100 * q.completed_in_sl / answered if answered else 0.0
        sl2 = 100 * (q.abandoned_in_sl + q.completed_in_sl) / both if both else 0.0
        return [
            ("Queue", q.name),
            ("Max", str(q.max)),
            ("Strategy", q.strategy),
            ("Calls", str(len(q.waiting))),
            ("Holdtime", str(q.holdtime)),
            ("TalkTime", str(q.talktime)),
            ("Completed", str(q.completed)),
            ("Abandoned", str(q.abandoned)),
            ("ServiceLevel", str(q.service_level)),
            ("ServicelevelPerf", f"{sl:2.1f}"),
            ("ServicelevelPerf2", f"{sl2:2.1f}"),
            ("Weight", str(q.weight)),
        ]

    def _queue_member(self, q: Queue, member: Member, m: Membership) -> Fields:
        head: Fields = [("Queue", q.name), ("Name", member.name), ("Location", member.interface)]
        fields = head + self._member_body(member, m)
        if self.asterisk >= 20:
            fields.append(("Wrapuptime", str(m.wrapuptime)))
        return fields

    def _queue_entry(self, q: Queue, position: int, caller: Caller) -> Fields:
        chan = caller.channel
        return [
            ("Queue", q.name),
            ("Position", str(position)),
            ("Channel", chan.name),
            ("Uniqueid", chan.uniqueid),
            ("CallerIDNum", chan.callerid_num or "unknown"),
            ("CallerIDName", chan.callerid_name or "unknown"),
            ("ConnectedLineNum", chan.connected_num or "unknown"),
            ("ConnectedLineName", chan.connected_name or "unknown"),
            ("Wait", str(int(self.now - caller.joined_at))),
            ("Priority", "0"),
        ]

    def _queue_summary(self, client: _Client, action: _Action) -> bool:
        """manager_queues_summary: one QueueSummary per queue."""
        queue_filter = action.get("Queue")
        self._respond(client, action, "Success", "Queue summary will follow", eventlist="start")
        items: list[bytes] = []
        for q in self.queues.values():
            if queue_filter and q.name.lower() != queue_filter.lower():
                continue
            members = [(m, m.queues[q.name]) for m in self.members.values() if q.name in m.queues]
            logged_in = [(m, ms) for m, ms in members if m.status not in (4, 5)]  # not invalid, unavailable
            available = [
                m for m, ms in logged_in if m.status in (0, 1) and not ms.paused
            ]  # unknown, not in use
            longest = max((int(self.now - self.callers[u].joined_at) for u in q.waiting), default=0)
            fields = [
                ("Queue", q.name),
                ("LoggedIn", str(len(logged_in))),
                ("Available", str(len(available))),
                ("Callers", str(len(q.waiting))),
                ("HoldTime", str(q.holdtime)),
                ("TalkTime", str(q.talktime)),
                ("LongestHoldTime", str(longest)),
            ]
            items.append(self._list_item(action, "QueueSummary", fields))
        client.send(b"".join(items) + self._list_complete(action, "QueueSummaryComplete", len(items)))
        return True

    def _queue_pause(self, client: _Client, action: _Action) -> bool:
        """manager_pause_queue_member."""
        interface, paused_s = action.get("Interface"), action.get("Paused")
        if not interface or not paused_s:
            return self._respond(client, action, "Error", "Need 'Interface' and 'Paused' parameters.")
        paused = paused_s.strip().lower() in _TRUE
        member = self.members.get(interface)
        queue = action.get("Queue") or None
        names = [q for q in member.queues if queue is None or q.lower() == queue.lower()] if member else []
        if not names:
            return self._respond(client, action, "Error", "Interface not found")
        text = "Interface paused successfully" if paused else "Interface unpaused successfully"
        self._respond(client, action, "Success", text)
        self._pause(interface, paused, action.get("Reason"), queue, self.now)
        return True

    def _queue_add(self, client: _Client, action: _Action) -> bool:
        """manager_add_queue_member."""
        queue, interface = action.get("Queue"), action.get("Interface")
        if not queue:
            return self._respond(client, action, "Error", "'Queue' not specified.")
        if not interface:
            return self._respond(client, action, "Error", "'Interface' not specified.")
        if queue not in self.queues:
            return self._respond(client, action, "Error", "Unable to add interface to queue: No such queue")
        if interface in self.members and queue in self.members[interface].queues:
            return self._respond(client, action, "Error", "Unable to add interface: Already there")
        membership = self._add(
            queue,
            interface,
            name=action.get("MemberName") or None,
            state_interface=action.get("StateInterface") or None,
            paused=action.get("Paused").strip().lower() in _TRUE,
            reason=action.get("Reason"),
            penalty=_int(action.get("Penalty")),
            wrapuptime=_int(action.get("Wrapuptime")),
        )
        self._respond(client, action, "Success", "Added interface to queue")
        member = self.members[interface]
        self._emit("QueueMemberAdded", self._member_fields(queue, member, membership), self.now)
        return True

    def _queue_remove(self, client: _Client, action: _Action) -> bool:
        """manager_remove_queue_member."""
        queue, interface = action.get("Queue"), action.get("Interface")
        if not queue or not interface:
            return self._respond(client, action, "Error", "Need 'Queue' and 'Interface' parameters.")
        if queue not in self.queues:
            return self._respond(
                client, action, "Error", "Unable to remove interface from queue: No such queue"
            )
        member = self.members.get(interface)
        if member is None or queue not in member.queues:
            return self._respond(client, action, "Error", "Unable to remove interface: Not there")
        if not member.queues[queue].dynamic:
            return self._respond(client, action, "Error", "Member not dynamic")
        self._respond(client, action, "Success", "Removed interface from queue")
        self.member_removed(queue, interface)
        return True

    def _redirect(self, client: _Client, action: _Action) -> bool:
        """action_redirect: a waiting caller leaves its queue and joins the one its new place routes to."""
        name, context, exten, priority = (action.get(k) for k in ("Channel", "Context", "Exten", "Priority"))
        for value, what in (
            (name, "Channel"),
            (context, "Context"),
            (exten, "Exten"),
            (priority, "Priority"),
        ):
            if not value:
                return self._respond(client, action, "Error", f"{what} not specified")
        if not priority.strip().isdigit():
            return self._respond(client, action, "Error", "Priority is invalid")
        caller = self._find_channel(name)
        if caller is None:
            return self._respond(client, action, "Error", f"Channel does not exist: {name}")
        self._respond(client, action, "Success", "Redirect successful")
        t = self.now
        if caller.waiting:
            self._leave(caller, t)
        elif caller.connected_at is not None:
            self._complete(caller, "transfer", t)
        del self.callers[caller.channel.uniqueid]
        chan = caller.channel
        chan.context, chan.exten, chan.priority = context, exten, int(priority)
        chan.connected_num = chan.connected_name = None
        target = self.routes.get((context, exten))
        if target is not None:
            self._join(chan, target, t)
        return True


class _Action:
    """An action as Asterisk reads it: the first field of a name wins, names ignore case."""

    def __init__(self, fields: Fields) -> None:
        self.fields = fields

    def get(self, name: str) -> str:
        folded = name.lower()
        for key, value in self.fields:
            if key.lower() == folded:
                return value
        return ""

    @property
    def action_id(self) -> str:
        return self.get("ActionID")

    def masked(self) -> dict[str, str]:
        return {k: (_MASK if k.lower() in ("secret", "key") else v) for k, v in self.fields}


def _int(text: str) -> int:
    try:
        return max(0, int(text))
    except ValueError:
        return 0


# -- TLS ----------------------------------------------------------------------------


def self_signed_tls(directory: Path) -> tuple[ssl.SSLContext, ssl.SSLContext] | None:
    """A server and a client TLS context for 127.0.0.1 (a self-signed certificate made in ``directory``).

    Made with the ``openssl`` command (the ``cryptography`` package is not among the
    project's dependencies); None when there is no ``openssl``: the caller skips TLS.
    """
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    key, cert = directory / "ami-key.pem", directory / "ami-cert.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client
