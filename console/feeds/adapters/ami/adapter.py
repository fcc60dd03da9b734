"""The Asterisk adapter: AMI in, protocol-v1 events out, supervisors' commands back as AMI actions.

``AmiAdapter.run`` signs in to the gateway (``AdapterLink``), then keeps an AMI
session: connect, ``Login``, read ``QueueStatus`` (the floor as Asterisk has it,
reconciled with what the gateway holds of this adapter's), follow the event
stream through ``AmiFloor``, and publish what it makes. Both sides reconnect by
themselves: the link to the gateway (``AdapterLink``), AMI here with backoff,
reading ``QueueStatus`` again after every reconnect (and whenever the floor says
it is stale) so the floor is right again. What it is doing goes to its log and to
the gateway (``publish.status``).

Positions are ``max(next, at_ms * 1000)``: increasing, tied to event time, carried
on from the gateway's committed position after a restart. The feed clock moves
with Asterisk's clock between events: the adapter tracks the offset between the
events' ``Timestamp`` and its own receipt time and ticks at its own time plus
that offset, a little behind, so a tick never overtakes an event still to come.

Commands forwarded by the gateway (``on_request``): ``agent.set_state`` not ready
or available -> ``QueuePause`` (the agent's state changes when Asterisk's
``QueueMemberPause`` comes back, not before); offline -> ``QueueRemove`` from
every queue, only when the configuration allows it; ``call.move`` -> ``Redirect``
of the caller's channel to the dialplan place the configuration gives for the
target queue (``Setvar QUEUE_PRIO`` first when a priority is asked);
``agent.set_queues`` -> ``QueueAdd`` to each queue an agent joins, then
``QueueRemove`` from each it leaves (adds first, so a member is never in no
queue), agent by agent: ok only when Asterisk accepted every one; at the first it
refuses, the ones done are undone (in reverse) and the reply is AMI's message.
The floor's skills change when Asterisk's ``QueueMemberAdded``/``Removed`` come
back. What AMI refuses goes back with AMI's message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from console.domain.entities import AgentState
from console.domain.events import AgentRemoved, CallEnded, CallQueued, EventAt
from console.feeds.adapters.ami.config import AmiConfig
from console.feeds.adapters.ami.floor import AmiFloor
from console.feeds.adapters.ami.protocol import AmiActionError, AmiAuthError, AmiConnection, AmiError
from console.feeds.adapters.link import AdapterLink, Declined
from console.feeds.protocol import (
    AgentQueues,
    ErrorCode,
    MoveCallArgs,
    Request,
    SetAgentQueuesArgs,
    SetAgentStateArgs,
)

log = logging.getLogger("console.ami")

#: Seconds between reconnect attempts: doubling from the first to the second.
RETRY_S = (0.5, 30.0)
#: How far behind Asterisk's estimated clock the feed clock ticks (events arrive a little late).
TICK_LAG_MS = 1000


@dataclass(frozen=True)
class AmiEndpoint:
    host: str
    port: int
    user: str
    secret: str
    tls: ssl.SSLContext | None = None
    timeout_s: float = 10.0

    def __str__(self) -> str:
        return f"{self.host}:{self.port}{' (TLS)' if self.tls else ''}"


class AmiAdapter:
    """One Asterisk, one gateway; ``await run()`` until cancelled (or a wrong AMI login)."""

    def __init__(
        self,
        link: AdapterLink,
        ami: AmiEndpoint,
        floor: AmiFloor,
        config: AmiConfig,
        *,
        wall_ms: Callable[[], int] = lambda: int(time.time() * 1000),
        retry_s: tuple[float, float] = RETRY_S,
    ) -> None:
        self.link = link
        self.ami = ami
        self.floor = floor
        self.config = config
        self._wall_ms = wall_ms
        self._retry = retry_s
        self._next_pos = 1
        self._offset_ms = 0  # Asterisk's clock minus ours, from the events' Timestamp headers
        self.conn: AmiConnection | None = None
        self.connects = 0
        self.published = 0
        self.status_reads = 0

    # -- the loop ----------------------------------------------------------------

    async def run(self) -> None:
        position = await self.link.start()
        self._next_pos = position + 1
        owned = dict(self.link.owned)
        delay = self._retry[0]
        while True:
            self._say(f"connecting to AMI {self.ami}")
            try:
                conn = await AmiConnection.open(
                    self.ami.host, self.ami.port, ssl=self.ami.tls, timeout=self.ami.timeout_s
                )
            except AmiError as exc:
                self._say(f"cannot reach AMI {self.ami}: {exc}; retrying in {delay:g} s", warn=True)
            else:
                try:
                    await self._session(conn, owned)
                    owned = {}
                    delay = self._retry[0]
                except AmiAuthError as exc:
                    self._say(f"AMI {self.ami} refused the login: {exc}", warn=True)
                    raise
                except (AmiError, OSError) as exc:
                    owned = {}
                    self._say(f"AMI {self.ami} lost: {exc}; reconnecting in {delay:g} s", warn=True)
                finally:
                    self.conn = None
                    await conn.close()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._retry[1])

    async def _session(self, conn: AmiConnection, owned: dict[str, list[str]]) -> None:
        await conn.login(self.ami.user, self.ami.secret)
        self.connects += 1
        self.conn = conn
        await self._read_status(conn, owned)
        self._say(f"following AMI {self.ami} ({conn.greeting}): {self._summary()}")
        background = [
            asyncio.create_task(conn.keepalive(20.0), name="ami keepalive"),
            asyncio.create_task(self._tick(), name="ami clock"),
        ]
        try:
            async for message in conn.events():
                received = self._wall_ms()
                self._clock_from(message.get("Timestamp"), received)
                self._publish(self.floor.event(message, received))
                if self.floor.stale:
                    self._say("the floor may differ from Asterisk's: reading QueueStatus again")
                    await self._read_status(conn, {})
                await self.link.room()
        finally:
            for task in background:
                task.cancel()
            await asyncio.wait(background)

    async def _read_status(self, conn: AmiConnection, owned: dict[str, list[str]]) -> None:
        # Asterisk's clock first (its Pong carries a Timestamp): the answer's items carry none,
        # and the floor they make must not be stamped ahead of the events that follow.
        pong = await conn.action("Ping")
        self._clock_from(pong.get("Timestamp"), self._wall_ms())
        answer = await conn.list_action("QueueStatus", timeout=max(30.0, self.ami.timeout_s))
        self.status_reads += 1
        self.floor.stale = False
        events = self.floor.status(answer, self._asterisk_ms())
        if owned:
            events = self._reconcile(events, owned)
        self._publish(events)

    def _reconcile(self, events: list[EventAt], owned: dict[str, list[str]]) -> list[EventAt]:
        """After a restart: the gateway's floor holds this adapter's calls and agents from before.

        Calls it holds that Asterisk no longer has end; calls it holds that are still waiting are not
        queued twice; agents Asterisk no longer has are removed.
        """
        held_calls = set(owned.get("calls", []))
        queued = {d.call_id for _, d in events if isinstance(d, CallQueued)}
        kept = [(t, d) for t, d in events if not (isinstance(d, CallQueued) and d.call_id in held_calls)]
        at = events[-1][0] if events else self._asterisk_ms()
        gone_calls = sorted(held_calls - queued - self.floor.call_ids())
        gone_agents = sorted(set(owned.get("agents", [])) - self.floor.agent_ids())
        if gone_calls or gone_agents:
            log.info(
                "reconciled with the gateway: %d call(s) ended meanwhile, %d agent(s) gone",
                len(gone_calls),
                len(gone_agents),
            )
        return [
            *kept,
            *((at, CallEnded(call_id=cid)) for cid in gone_calls),
            *((at, AgentRemoved(agent_id=aid)) for aid in gone_agents),
        ]

    async def _tick(self) -> None:
        """Time passes between events: the feed clock follows Asterisk's, wrap-ups end."""
        while True:
            await asyncio.sleep(1.0)
            now = self._asterisk_ms() - TICK_LAG_MS
            self._publish(self.floor.tick(now))
            last = self.floor.last_ms or 0
            self.link.set_clock(max(now, last))

    def _clock_from(self, stamp: str | None, received_ms: int) -> None:
        """Learn Asterisk's clock from a ``Timestamp`` (epoch seconds) received at ``received_ms``."""
        if stamp:
            with contextlib.suppress(ValueError):
                self._offset_ms = round(float(stamp) * 1000) - received_ms

    def _asterisk_ms(self) -> int:
        return self._wall_ms() + self._offset_ms

    def _publish(self, events: list[EventAt]) -> None:
        for at_ms, data in events:
            pos = max(self._next_pos, at_ms * 1000)
            self.link.publish(pos, at_ms, data)
            self._next_pos = pos + 1
            self.published += 1

    def _summary(self) -> str:
        return f"{len(self.floor.queue_ids())} queues, {len(self.floor.agent_ids())} members"

    def _say(self, text: str, *, warn: bool = False) -> None:
        (log.warning if warn else log.info)("%s", text)
        self.link.set_status(text)

    # -- commands from supervisors --------------------------------------------------

    async def on_request(self, request: Request) -> dict[str, Any] | None:
        """Carry out a forwarded command with AMI actions; ``Declined`` when it cannot be done."""
        conn = self.conn
        if conn is None:
            raise Declined(ErrorCode.UNAVAILABLE, f"not connected to Asterisk ({self.ami}) at the moment")
        try:
            if request.action == "agent.set_state":
                return await self._set_state(conn, msgspec.convert(request.args, SetAgentStateArgs))
            if request.action == "call.move":
                return await self._move_call(conn, msgspec.convert(request.args, MoveCallArgs))
            if request.action == "agent.set_queues":
                return await self._set_queues(conn, msgspec.convert(request.args, SetAgentQueuesArgs))
        except msgspec.ValidationError as exc:
            raise Declined(ErrorCode.BAD_ARGS, f"bad arguments for {request.action}: {exc}") from None
        except AmiActionError as exc:
            raise Declined(ErrorCode.INVALID_STATE, f"Asterisk refused {exc.action}: {exc.message}") from None
        except AmiError as exc:
            raise Declined(ErrorCode.UNAVAILABLE, f"Asterisk did not carry it out: {exc}") from None
        raise Declined(ErrorCode.INVALID_STATE, f"Asterisk has nothing that carries out {request.action}")

    async def _set_state(self, conn: AmiConnection, args: SetAgentStateArgs) -> dict[str, Any]:
        interface = args.agent_id
        if args.state in (AgentState.NOT_READY, AgentState.AVAILABLE):
            paused = args.state is AgentState.NOT_READY
            if paused and args.reason:
                await conn.action("QueuePause", Interface=interface, Paused="true", Reason=args.reason)
            else:
                await conn.action("QueuePause", Interface=interface, Paused="true" if paused else "false")
            return {"ami": "QueuePause", "paused": paused}
        if args.state is AgentState.OFFLINE:
            if not self.config.allow_sign_out:
                raise Declined(
                    ErrorCode.INVALID_STATE,
                    "signing agents out of Asterisk's queues is not allowed here"
                    " (allow_sign_out in the adapter's configuration)",
                )
            queues = self.floor.queues_of(interface)
            for queue in queues:
                await conn.action("QueueRemove", Queue=queue, Interface=interface)
            return {"ami": "QueueRemove", "queues": queues}
        raise Declined(ErrorCode.BAD_ARGS, f"Asterisk cannot put an agent {args.state}")

    async def _move_call(self, conn: AmiConnection, args: MoveCallArgs) -> dict[str, Any]:
        target = self.config.redirect.get(args.queue_id)
        if target is None:
            raise Declined(
                ErrorCode.INVALID_STATE,
                f"no dialplan place is configured for queue {args.queue_id!r}"
                " (queues.NAME.redirect in the adapter's configuration)",
            )
        channel = self.floor.channel_of(args.call_id)
        if channel is None:
            raise Declined(ErrorCode.NOT_FOUND, f"Asterisk has no waiting channel for call {args.call_id!r}")
        if args.priority is not None:
            await conn.action("Setvar", Channel=channel, Variable="QUEUE_PRIO", Value=str(args.priority))
        await conn.action(
            "Redirect",
            Channel=channel,
            Context=target.context,
            Exten=target.exten,
            Priority=str(target.priority),
        )
        return {"ami": "Redirect", "context": target.context, "exten": target.exten}

    async def _set_queues(self, conn: AmiConnection, args: SetAgentQueuesArgs) -> dict[str, Any]:
        if args.agents is not None:
            items = args.agents
        elif args.agent_id is not None and args.queues is not None:
            items = [AgentQueues(agent_id=args.agent_id, queues=args.queues)]
        else:
            raise Declined(ErrorCode.BAD_ARGS, "give agents, or agent_id with queues")
        steps: list[tuple[str, str, str]] = []  # (QueueAdd | QueueRemove, queue, interface), in order
        for item in items:
            interface, now = item.agent_id, self.floor.queues_of(item.agent_id)
            steps += [("QueueAdd", q, interface) for q in item.queues if q not in now]
            steps += [("QueueRemove", q, interface) for q in now if q not in item.queues]
        done: list[tuple[str, str, str]] = []
        for step in steps:
            try:
                await self._queue_step(conn, *step)
            except AmiError as exc:
                undone = await self._undo_steps(conn, done)
                message = exc.message if isinstance(exc, AmiActionError) else str(exc)
                raise Declined(
                    ErrorCode.INVALID_STATE if isinstance(exc, AmiActionError) else ErrorCode.UNAVAILABLE,
                    f"Asterisk refused {step[0]} of {step[2]} to queue {step[1]}: {message};"
                    f" {undone} of the {len(done)} actions done before were undone",
                ) from None
            done.append(step)
        added = sum(1 for s in steps if s[0] == "QueueAdd")
        return {"ami": "QueueAdd/QueueRemove", "added": added, "removed": len(steps) - added}

    async def _queue_step(self, conn: AmiConnection, action: str, queue: str, interface: str) -> None:
        if action == "QueueAdd":
            name = self.floor.member_name(interface)
            if name and name != interface:
                await conn.action("QueueAdd", Queue=queue, Interface=interface, MemberName=name)
            else:
                await conn.action("QueueAdd", Queue=queue, Interface=interface)
        else:
            await conn.action("QueueRemove", Queue=queue, Interface=interface)

    async def _undo_steps(self, conn: AmiConnection, done: list[tuple[str, str, str]]) -> int:
        """Undo ``done`` in reverse (a QueueAdd by a QueueRemove and back); how many were undone."""
        undone = 0
        for action, queue, interface in reversed(done):
            opposite = "QueueRemove" if action == "QueueAdd" else "QueueAdd"
            try:
                await self._queue_step(conn, opposite, queue, interface)
                undone += 1
            except AmiError as exc:
                log.warning("could not undo %s of %s to queue %s: %s", action, interface, queue, exc)
        return undone
