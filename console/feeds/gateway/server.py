"""The feed gateway: the system of record that serves protocol v1 over websockets.

One asyncio loop owns the floor state. The ``Gateway`` runs the centre's driver
(the simulator or the load centre) and the heartbeats, takes connections (a
hello first, then a resume from the journal or a snapshot), gives every client
a sender of its own so a slow one never holds up the others, and answers
commands and queries (the rules are in ``commands``). Everything that changes
the floor goes through its ``Sequencer`` (``sequencing``): nothing reaches a
client before the store has committed it, and acks follow the commit of their
command's events and audit row.

A ``GatewayConfig`` (``config``) says how to set it up; ``python -m
console.feeds.gateway`` runs one from the command line (``cli``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
import time
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from console.domain.businessday import parse_hhmm
from console.domain.clock import iso, to_ms
from console.domain.entities import CompletedCall
from console.domain.events import ActionApplied
from console.domain.permissions import Role, may_publish, may_watch
from console.domain.state import FloorState
from console.feeds import protocol
from console.feeds.gateway.adapter_centre import AdapterCentre, ForwardToAdapter
from console.feeds.gateway.commands.context import CommandContext, CommandRefused, PastCommand
from console.feeds.gateway.commands.queries import calls_page
from console.feeds.gateway.commands.registry import (
    execute,
    is_query,
    lookups_wanted,
    prepare_query,
    recorded_args,
)
from console.feeds.gateway.config import GatewayConfig, UserSpec
from console.feeds.gateway.driver import CentreDriver
from console.feeds.gateway.publishing import MAX_AHEAD_MS, EventRefused, admit
from console.feeds.gateway.redaction import View, view_ack, view_events, view_of, view_snapshot
from console.feeds.gateway.sequencing import Sequencer
from console.feeds.gateway.session import ClientSession
from console.feeds.protocol import (
    Ack,
    AckError,
    Command,
    ErrorCode,
    ErrorFrame,
    Heartbeat,
    Hello,
    ProtocolError,
    Publish,
    Reply,
    Request,
    Welcome,
)
from console.feeds.sources.load_centre import LoadDriver
from console.feeds.sources.simulator.engine import Simulator
from console.feeds.sources.simulator.scenario import Scenario, load_scenario
from console.store import AuditRecord, Store
from console.store.db import default_db_url

log = logging.getLogger("console.gateway")

EVENTS_PER_FRAME = 5000
# The store's meta key holding an adapter's last committed position.
POSITION_KEY = "adapter.position.{}"
# A client that does not read its replies gets closed past this many queued frames.
MAX_UNREAD_CONTROL = 1000


class Gateway:
    """A running gateway; ``await start()`` then ``await stop()`` (or use ``cli.run``)."""

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        self.state = FloorState()
        self.sequencer = Sequencer(
            self.state,
            publish=self._broadcast,
            checkpoint_every=config.checkpoint_every,
            journal_min_events=config.journal_min_events,
        )
        self.sessions: set[ClientSession] = set()  # those who watch the floor
        self.adapters: dict[str, tuple[ClientSession, ServerConnection]] = {}  # by adapter user name
        self._positions: dict[str, int] = {}  # each adapter's last position stamped
        self._forwarded: dict[str, asyncio.Future[Reply]] = {}  # request id -> the adapter's reply
        self._forward_no = 0
        self._publish_tasks: set[asyncio.Task[None]] = set()
        self.refused_events = 0  # published events refused since start (diagnostics, tests)
        # Each adapter's last word on what it is doing (publish.status), for the log and support.
        self.adapter_status: dict[str, str] = {}
        self.port = 0
        self.bad_frames = 0
        self._acks: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._inflight: dict[tuple[str, str], asyncio.Future[bytes]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._server: Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.store: Store | None = None
        self.sim: CentreDriver | None = None
        self.scenario: Scenario | None = None
        self.admin_token: str | None = None
        # Set when the gateway cannot go on (its store writer failed); `cli.run` then raises.
        self.fatal: BaseException | None = None
        self.stopping = asyncio.Event()

    @property
    def url(self) -> str:
        return f"ws://{self.config.host}:{self.port}"

    @property
    def seq(self) -> int:
        """The head: the last seq stamped."""
        return self.sequencer.seq

    @property
    def committed_seq(self) -> int:
        """The last seq the store has committed: clients see events up to here."""
        return self.sequencer.committed_seq

    # -- life cycle ------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        cfg = self.config
        self.scenario = load_scenario(cfg.scenario)
        url = cfg.db_url or default_db_url()
        self.store = store = await asyncio.to_thread(Store.open, url)
        await asyncio.to_thread(self.sequencer.restore, store)
        users = list(cfg.users)
        if not users:
            # No users named: a one-time admin token, so a newcomer can connect at once.
            self.admin_token = secrets.token_urlsafe(24)
            users.append(UserSpec("admin", Role.ADMIN, self.admin_token))
        for u in users:
            await asyncio.to_thread(store.upsert_user, u.name, u.role.value, u.token)
        restored = self.state if self.seq else None
        if cfg.source == "adapters":
            # The clock carries on from where it was: adapters' events may be in the past
            # (a replay), but never before what consoles have already been shown.
            self.sim = AdapterCentre(self.state, clock_ms=self.sequencer.clock_reached_ms())
        elif cfg.load is not None:
            self.sim = LoadDriver(
                cfg.load, seed=cfg.seed, start_ms=self._start_ms(self.scenario), restored=restored
            )
        else:
            self.sim = Simulator(
                self.scenario,
                seed=cfg.seed,
                start_ms=self._start_ms(self.scenario),
                restored=restored,
                counters=self.sequencer.restored_counters,
                lang=cfg.lang,
            )
        self.sequencer.start(store, self.sim)
        self.sequencer.sequence(self.sim.bootstrap())
        self._server = await serve(
            self._connection,
            cfg.host,
            cfg.port,
            max_size=protocol.MAX_WIRE_FRAME,
            ping_interval=20,
            ping_timeout=20,
        )
        self.port = next(iter(self._server.sockets)).getsockname()[1]
        self._tasks = [asyncio.create_task(self._run_heartbeats(), name="heartbeats")]
        if not isinstance(self.sim, AdapterCentre):
            self._tasks.append(asyncio.create_task(self._run_sim(), name="simulator"))
        for task in self._tasks:
            task.add_done_callback(self._task_ended)
        log.info("gateway on %s, seq %d, source %s, db %s", self.url, self.seq, cfg.source, store.url)

    def _start_ms(self, scenario: Scenario) -> int:
        """Where the feed clock starts: never before the last event the store holds."""
        if self.config.start is not None:
            wanted = to_ms(self.config.start)
        else:
            tz = ZoneInfo(scenario.centre.timezone)
            h, m = parse_hhmm(scenario.centre.start_time)
            today = datetime.now(tz).date()
            local = datetime(today.year, today.month, today.day, tzinfo=tz) + timedelta(hours=h, minutes=m)
            wanted = round(local.timestamp() * 1000)
        if not self.seq:
            return wanted
        return max(wanted, self.sequencer.clock_reached_ms() + 1)

    def _task_ended(self, task: asyncio.Task[None]) -> None:
        """A background task must run until stop(); if one ends on its own, the gateway cannot go on."""
        if task.cancelled() or self.stopping.is_set():
            return
        exc = task.exception() or RuntimeError(f"task {task.get_name()} ended")
        log.critical("gateway task %s failed, stopping: %r", task.get_name(), exc, exc_info=exc)
        self.fatal = self.fatal or exc
        self.stopping.set()

    async def stop(self) -> None:
        self.stopping.set()
        for task in [*self._tasks, *self._publish_tasks]:
            task.cancel()
        results = await asyncio.gather(*self._tasks, return_exceptions=True)
        for task, result in zip(self._tasks, results, strict=True):
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                log.error("task %s had failed: %r", task.get_name(), result)
        writer = self.sequencer.writer
        writer_ok = writer is not None and writer.failed is None
        if not writer_ok:
            # Nothing will commit any more: release everyone waiting for a commit.
            self.sequencer.fail_waiters(GatewayFailedError("the store writer has stopped"))
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        if writer is not None:
            if writer_ok:
                self.sequencer.checkpoint_at_head()
            await asyncio.to_thread(writer.close)
        if self.store is not None:
            await asyncio.to_thread(self.store.close)

    # -- publishing, the driver and the heartbeat --------------------------------

    def _broadcast(self, first: int, raws: list[bytes]) -> None:
        """The sequencer's publish: events just committed, to every client not already past them."""
        if not raws:
            return
        for start in range(0, len(raws), EVENTS_PER_FRAME):
            chunk = raws[start : start + EVENTS_PER_FRAME]
            chunk_first = first + start
            chunk_last = chunk_first + len(chunk) - 1
            views = _ChunkViews(chunk)  # each role's view encoded once, not once per client
            for s in self.sessions:
                if s.next_seq > chunk_last:
                    continue  # covered by its snapshot or resume
                view = view_of(s.role)
                if s.next_seq > chunk_first:
                    seen = views.events(view)[s.next_seq - chunk_first :]
                    s.push_events(protocol.events_frame(seen), chunk_last)
                else:
                    s.push_events(views.frame(view), chunk_last)

    async def _run_sim(self) -> None:
        assert self._loop is not None and self.sim is not None
        loop, sim, cfg = self._loop, self.sim, self.config
        ms_per_s = cfg.speed * 1000.0
        max_step = max(1, int(ms_per_s * 0.25))  # at most a quarter second of real time per tick
        if isinstance(sim, LoadDriver) and cfg.start is None and cfg.speed == 1.0:
            # Benchmarks: the load centre's feed clock is the wall clock, so an event's
            # `at` says when it was made and latency can be measured end to end.
            sim.jump_to(int(time.time() * 1000))
        real0, sim0 = loop.time(), sim.now_ms
        while True:
            await asyncio.sleep(cfg.tick_s)
            target = sim0 + int((loop.time() - real0) * ms_per_s)
            if target - sim.now_ms > 8 * max_step:
                log.warning("simulator cannot keep pace at speed %g; slowing the feed clock", cfg.speed)
                real0, sim0 = loop.time(), sim.now_ms
                target = sim0 + max_step
            items = sim.advance(min(target, sim.now_ms + max_step))
            if items:
                self.sequencer.sequence(items)

    async def _run_heartbeats(self) -> None:
        period = self.config.heartbeat_s
        while True:
            await asyncio.sleep(period / 2)
            writer = self.sequencer.writer
            if writer is not None and writer.failed is not None and self.fatal is None:
                # Nothing can be committed any more, so nothing more can be shown: stop
                # loudly rather than serve a feed that silently stands still.
                self.fatal = writer.failed
                log.critical("the store writer failed, stopping the gateway: %r", self.fatal)
                self.stopping.set()
                return
            self.sequencer.persist_clock()  # the advancing clock is kept even when no events flow
            at = self.sequencer.feed_clock()
            if at is not None and self.committed_seq == self.seq:
                self.state.advance_clock(at)  # the day resets here too, as it does for consoles
            now = time.monotonic()
            quiet = [
                s
                for s in self.sessions
                # Nothing queued (a stalled client gets no pile of heartbeats), and no
                # snapshot beyond what is committed on its way (its seq would go back).
                if now - s.last_sent >= period
                and not s.queue
                and not s.needs_snapshot
                and s.next_seq - 1 <= self.committed_seq
            ]
            if quiet:
                frame = protocol.encode(Heartbeat(seq=self.committed_seq, at=at))
                for s in quiet:
                    s.push_droppable(frame)

    # -- connections -------------------------------------------------------------

    async def _connection(self, ws: ServerConnection) -> None:
        peer = f"{ws.remote_address[0]}:{ws.remote_address[1]}" if ws.remote_address else "?"
        session: ClientSession | None = None
        sender: asyncio.Task[None] | None = None
        deadline = time.monotonic() + self.config.hello_timeout_s
        try:
            while True:
                if session is None:
                    timeout = deadline - time.monotonic()
                    try:
                        message = await asyncio.wait_for(ws.recv(), max(timeout, 0.001))
                    except TimeoutError:
                        await ws.close(protocol.CLOSE_HELLO_TIMEOUT, "no hello frame in time")
                        return
                else:
                    message = await ws.recv()
                try:
                    frame = protocol.decode_client_frame(message)
                except ProtocolError as exc:
                    await self._refuse_frame(ws, session, peer, exc.code, exc.message)
                    continue
                if isinstance(frame, Hello):
                    if session is not None:
                        await self._refuse_frame(
                            ws, session, peer, ErrorCode.ALREADY_AUTHENTICATED, "hello was already accepted"
                        )
                        continue
                    session = await self._hello(ws, frame, peer)
                    if session is None:
                        return
                    sender = asyncio.create_task(self._sender(ws, session), name=f"send {peer}")
                    sender.add_done_callback(functools.partial(self._sender_ended, ws=ws))
                elif session is None:
                    await self._refuse_frame(
                        ws, None, peer, ErrorCode.NOT_AUTHENTICATED, "send hello before any command"
                    )
                elif isinstance(frame, Publish):
                    self._publish(session, frame)
                elif isinstance(frame, Reply):
                    self._reply(session, frame)
                else:
                    await self._command(session, frame)
        except ConnectionClosed:
            pass
        finally:
            if session is not None:
                session.closed = True
                session.wakeup.set()
                self.sessions.discard(session)
                if self.adapters.get(session.user, (None,))[0] is session:
                    del self.adapters[session.user]
                log.info("%s (%s) disconnected", peer, session.user)
            if sender is not None:
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                    await sender

    async def _refuse_frame(
        self, ws: ServerConnection, session: ClientSession | None, peer: str, code: str, message: str
    ) -> None:
        self.bad_frames += 1
        log.warning("bad frame from %s (%s): %s: %s", peer, session.user if session else "-", code, message)
        frame = protocol.encode(ErrorFrame(code=code, message=message))
        if session is None:
            await ws.send(frame, text=True)
        else:
            session.push_control(frame)
            if len(session.queue) > MAX_UNREAD_CONTROL:
                log.warning("%s (%s) does not read its replies; closing", peer, session.user)
                await ws.close(1008, "too many unread replies")

    async def _hello(self, ws: ServerConnection, hello: Hello, peer: str) -> ClientSession | None:
        assert self.store is not None
        if hello.protocol != protocol.PROTOCOL_VERSION:
            log.warning("%s asked for protocol %s", peer, hello.protocol)
            await ws.close(
                protocol.CLOSE_BAD_PROTOCOL,
                f"protocol {hello.protocol} not supported; this gateway speaks {protocol.PROTOCOL_VERSION}",
            )
            return None
        found = await asyncio.to_thread(self.store.user_for_token, hello.token) if hello.token else None
        if found is None:
            log.warning("%s: bad or missing token", peer)
            await ws.close(protocol.CLOSE_BAD_TOKEN, "invalid or missing token")
            return None
        user, role = found
        session = ClientSession(
            user=user, role=Role(role), peer=peer, next_seq=0, max_frames=self.config.client_max_frames
        )
        if not may_watch(session.role):
            await self._adapter_hello(ws, session)
            return session
        # Sent before the session exists, so nothing can overtake it.
        await ws.send(
            protocol.encode(
                Welcome(protocol=protocol.PROTOCOL_VERSION, user=user, role=role, seq=self.committed_seq)
            ),
            text=True,
        )
        resumed = (
            self.sequencer.journal.after(hello.resume_from, self.committed_seq)
            if hello.resume_from is not None
            else None
        )
        if resumed is None:
            session.needs_snapshot = True
            session.wakeup.set()
        else:
            first = hello.resume_from + 1 if hello.resume_from is not None else 1
            for start in range(0, len(resumed), EVENTS_PER_FRAME):
                chunk = view_events(resumed[start : start + EVENTS_PER_FRAME], view_of(session.role))
                session.push_events(protocol.events_frame(chunk), first + start + len(chunk) - 1)
            session.next_seq = max(session.next_seq, self.committed_seq + 1)
        self.sessions.add(session)
        log.info(
            "%s connected as %s (%s), %s",
            peer,
            user,
            role,
            "snapshot" if resumed is None else f"resumed {len(resumed)} events",
        )
        return session

    # -- adapters ------------------------------------------------------------------

    async def _adapter_hello(self, ws: ServerConnection, s: ClientSession) -> None:
        """An adapter signs in: it is told the last position of its own that is committed."""
        assert self.store is not None
        if s.user not in self._positions:
            stored = await asyncio.to_thread(self.store.get_meta, POSITION_KEY.format(s.user))
            self._positions.setdefault(s.user, int(stored) if stored else 0)
        # What was stamped for it (by a connection that died meanwhile) is committed before it
        # is told, so a position it is given never goes back after a gateway restart.
        await self.sequencer.wait_committed(self.seq)
        old = self.adapters.get(s.user)
        self.adapters[s.user] = (s, ws)
        if old is not None:
            log.warning("adapter %s signed in again from %s; closing its older connection", s.user, s.peer)
            old[0].closed = True
            await old[1].close(protocol.CLOSE_REPLACED, "this adapter signed in again on another connection")
        position = self._positions[s.user]
        await ws.send(
            protocol.encode(
                Welcome(
                    protocol=protocol.PROTOCOL_VERSION,
                    user=s.user,
                    role=s.role.value,
                    seq=self.committed_seq,
                    position=position,
                    owned={
                        "agents": [a.id for a in self.state.agents.values() if a.source == s.user],
                        "calls": [c.id for c in self.state.calls.values() if c.source == s.user],
                    },
                )
            ),
            text=True,
        )
        if self.config.source != "adapters":
            log.warning("adapter %s connected to a gateway that runs the simulator", s.user)
        log.info("%s connected as adapter %s, at its position %d", s.peer, s.user, position)

    def _publish(self, s: ClientSession, frame: Publish) -> None:
        """Take an adapter's events: each checked, stamped in turn; acked once committed.

        Events at or before the adapter's committed position are ones it sends again
        after a reconnect: skipped, so nothing is doubled. A refused event changes
        nothing, is named in the ack and still moves the position on (sending it again
        would not make it right). No await here: the events are checked against the
        floor exactly as they apply to it.
        """
        if not may_publish(s.role):
            s.push_control(
                self._refusal(frame.id, ErrorCode.FORBIDDEN, f"role {s.role} may not publish events")
            )
            return
        if not isinstance(self.sim, AdapterCentre) or self.adapters.get(s.user, (None,))[0] is not s:
            why = (
                "this gateway runs the simulator; start it with --source adapters"
                if not isinstance(self.sim, AdapterCentre)
                else "this connection was replaced by a newer one of the same adapter"
            )
            s.push_control(self._refusal(frame.id, ErrorCode.UNAVAILABLE, why))
            return
        centre = self.sim
        position = self._positions[s.user]
        stamped: list[tuple[Any, bytes]] = []
        refused: list[dict[str, Any]] = []
        audit: list[AuditRecord] = []
        duplicates = 0
        wall_ms = int(time.time() * 1000)
        for event in frame.events:
            if event.pos <= position:
                duplicates += 1
                continue
            position = event.pos
            floor_ms = max(self.sequencer.last_at_ms, centre.now_ms)
            try:
                item = admit(event, state=self.state, floor_ms=floor_ms, adapter=s.user, wall_ms=wall_ms)
            except EventRefused as exc:
                refusal: EventRefused | None = exc
            except Exception as bug:  # a check that itself failed: refuse the event, serve on
                log.exception("checking %s at position %d from %s failed", event.type, event.pos, s.user)
                why = f"{event.type} at position {event.pos}: could not be checked ({bug!r})"
                refusal = EventRefused(ErrorCode.BAD_EVENT, why)
            else:
                refusal = None
            if refusal is not None:
                refused.append(
                    {"pos": event.pos, "type": event.type, "code": refusal.code, "message": refusal.message}
                )
                audit.append(
                    AuditRecord(
                        at=iso(floor_ms),
                        user=s.user,
                        role=s.role.value,
                        command_id=f"{frame.id}#{event.pos}",
                        action="events.publish",
                        args={"pos": event.pos, "type": event.type},
                        ok=False,
                        error_code=refusal.code,
                        error_message=refusal.message,
                    )
                )
                continue
            centre.advance_clock(item[0])
            stamped.extend(self.sequencer.stamp([item]))
        if frame.status is not None and frame.status != self.adapter_status.get(s.user):
            self.adapter_status[s.user] = frame.status[:500]
            log.info("adapter %s: %s", s.user, self.adapter_status[s.user])
        if frame.clock is not None:
            with contextlib.suppress(ValueError, TypeError):
                tick = to_ms(frame.clock)
                if tick <= wall_ms + MAX_AHEAD_MS:  # a tick from a wrong clock is not followed
                    centre.advance_clock(tick)
        if refused:
            self.refused_events += len(refused)
            log.warning(
                "adapter %s: %d event(s) refused, first: %s", s.user, len(refused), refused[0]["message"]
            )
        self._positions[s.user] = position
        ticket = self.sequencer.submit(
            stamped, audit=audit, meta={POSITION_KEY.format(s.user): str(position)}
        )
        result = {
            "position": position,
            "accepted": len(stamped),
            "duplicates": duplicates,
            "refused": refused,
            "seq": self.seq,
        }
        task = asyncio.create_task(self._ack_publish(s, frame.id, ticket, result), name=f"publish {s.user}")
        self._publish_tasks.add(task)
        task.add_done_callback(self._publish_tasks.discard)

    async def _ack_publish(
        self, s: ClientSession, frame_id: str, ticket: int, result: dict[str, Any]
    ) -> None:
        try:
            await self.sequencer.wait_ticket(ticket)
        except GatewayFailedError:
            return  # nothing committed: the adapter keeps the events and sends them again
        s.push_control(protocol.encode(Ack(id=frame_id, ok=True, result=result)))

    @staticmethod
    def _refusal(frame_id: str, code: str, message: str) -> bytes:
        return protocol.encode(Ack(id=frame_id, ok=False, error=AckError(code=code, message=message)))

    def _reply(self, s: ClientSession, reply: Reply) -> None:
        """An adapter answers a forwarded command."""
        fut = self._forwarded.get(reply.id)
        if fut is None or not reply.id.startswith(f"{s.user}/"):
            log.warning("adapter %s answered %r, which it was not asked (or too late)", s.user, reply.id)
            return
        if not fut.done():
            fut.set_result(reply)

    async def _forward(self, adapter: str, user: str, cmd: Command) -> Reply:
        """Ask ``adapter`` to carry out ``cmd``; its reply, or CommandRefused(unavailable)."""
        assert self._loop is not None
        timeout = self.config.forward_timeout_s
        found = self.adapters.get(adapter)
        if found is None or found[0].closed:
            raise CommandRefused(
                ErrorCode.UNAVAILABLE,
                f"adapter {adapter!r}, which carries out {cmd.action} here, is not connected",
            )
        self._forward_no += 1
        request_id = f"{adapter}/{self._forward_no}"
        fut: asyncio.Future[Reply] = self._loop.create_future()
        self._forwarded[request_id] = fut
        try:
            found[0].push_control(
                protocol.encode(Request(id=request_id, action=cmd.action, args=cmd.args, user=user))
            )
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            raise CommandRefused(
                ErrorCode.UNAVAILABLE, f"adapter {adapter!r} did not answer {cmd.action} within {timeout:g} s"
            ) from None
        finally:
            del self._forwarded[request_id]

    def _sender_ended(self, task: asyncio.Task[None], *, ws: ServerConnection) -> None:
        if task.cancelled() or isinstance(task.exception(), ConnectionClosed):
            return
        log.error("sender for %s failed: %r; closing the connection", ws.remote_address, task.exception())
        task.get_loop().create_task(ws.close(1011, "internal error"))

    async def _sender(self, ws: ServerConnection, s: ClientSession) -> None:
        while not s.closed:
            await s.wakeup.wait()
            s.wakeup.clear()
            if s.needs_snapshot:
                await self._send_snapshot(ws, s)
            # Stop at an overflow: the snapshot must go before any later ack.
            while not s.needs_snapshot and (frame := s.pop()) is not None:
                await ws.send(frame, text=True)
                s.last_sent = time.monotonic()
            if s.needs_snapshot:
                s.wakeup.set()

    async def _send_snapshot(self, ws: ServerConnection, s: ClientSession) -> None:
        # Take the snapshot and move the client's place in one step (no await between),
        # so no event is both in the snapshot and sent after it.
        at_seq = self.seq
        data = protocol.encode(view_snapshot(self.state.to_snapshot(), view_of(s.role)))
        s.drop_events()
        s.next_seq = at_seq + 1
        s.needs_snapshot = False
        s.snapshots_sent += 1
        await self.sequencer.wait_committed(at_seq)
        await ws.send(data, text=True)
        s.last_sent = time.monotonic()

    # -- commands --------------------------------------------------------------------

    async def _command(self, s: ClientSession, cmd: Command) -> None:
        """Answer one command; a re-send of the same id is applied once and answered alike."""
        assert self._loop is not None
        if is_query(cmd.action):
            # Read-only: answered afresh every time (a re-send reads again), never remembered.
            s.push_control(await self._answer_query(s, cmd))
            return
        key = (s.user, cmd.id)
        frame = self._acks.get(key)
        if frame is None:
            inflight = self._inflight.get(key)
            if inflight is not None:
                # The same id is being applied right now (a re-send from another
                # connection, say): answer with the first one's ack once it is known.
                frame = await asyncio.shield(inflight)
            else:
                fut: asyncio.Future[bytes] = self._loop.create_future()
                self._inflight[key] = fut  # registered before any await
                try:
                    frame = await self._apply_command(s, cmd)
                    fut.set_result(frame)
                except BaseException as exc:
                    fut.set_exception(exc)
                    fut.exception()  # retrieved here; the first caller re-raises
                    raise
                finally:
                    del self._inflight[key]
                self._acks[key] = frame
                if len(self._acks) > 10_000:
                    self._acks.popitem(last=False)
        s.push_control(frame)

    async def _apply_command(self, s: ClientSession, cmd: Command) -> bytes:
        assert self.store is not None and self.sim is not None
        record = await asyncio.to_thread(self.store.audit_for_command, s.user, cmd.id)
        if record is not None:  # applied before this gateway's memory (a restart)
            return self._ack_frame(s, _ack_from_audit(cmd.id, record))
        store = self.store
        wanted = lookups_wanted(s.role, cmd.action, cmd.args, self.state)
        past: list[PastCommand] = []
        if wanted.command_id is not None:
            past = [_past(r) for r in await asyncio.to_thread(store.audit_by_command_id, wanted.command_id)]
        calls: dict[str, CompletedCall] = {}
        if wanted.call_id is not None:
            # A call that ended a moment ago is in the store once the events ending it are.
            await self.sequencer.wait_committed(self.seq)
            found = await asyncio.to_thread(store.completed_call, wanted.call_id)
            if found is not None:
                calls[found.id] = found
        users: dict[str, str | None] = {}
        if wanted.user is not None:
            users[wanted.user] = await asyncio.to_thread(store.user_role, wanted.user)
        # No await from here to the submit: the command sees the floor as its events apply to it.
        ctx = CommandContext(
            user=s.user,
            role=s.role,
            state=self.state,
            driver=self.sim,
            past=past,
            calls=calls,
            users=users,
            now_ms=max(self.sim.now_ms, self.sequencer.last_at_ms),
            new_flag_id=self.sequencer.new_flag_id,
        )
        args = recorded_args(cmd.action, cmd.args)
        record = AuditRecord(
            at=self._audit_time(),
            user=s.user,
            role=s.role.value,
            command_id=cmd.id,
            action=cmd.action,
            args=args,
            ok=False,
        )
        try:
            outcome = execute(ctx, cmd.action, cmd.args)
        except CommandRefused as refused:
            ack = Ack(
                id=cmd.id,
                ok=False,
                error=AckError(code=refused.code, message=refused.message, details=refused.details),
            )
            record.error_code, record.error_message = refused.code, refused.message
            if refused.details is not None:  # kept so a re-send after a restart gets them too
                record.result = {"details": refused.details}
            ticket = self.sequencer.submit([], audit=[record])
            log.info("%s refused %s %s: %s", s.user, cmd.action, cmd.id, refused.message)
        except ForwardToAdapter as fwd:
            # Carried out by the adapter that owns it; its answer is the ack. The floor
            # changes when the adapter publishes what it did, like any of its events.
            ack, ticket = await self._forwarded_command(s, cmd, fwd.adapter, record, args)
        except Exception as exc:
            # A bug, not bad input: nothing was applied (the driver raised before any
            # event was stamped); say so, audit it, keep serving.
            log.exception("%s %s %s failed", s.user, cmd.action, cmd.id)
            message = f"the gateway could not carry out {cmd.action}: {type(exc).__name__}"
            ack = Ack(id=cmd.id, ok=False, error=AckError(code=ErrorCode.INTERNAL, message=message))
            record.error_code, record.error_message = ErrorCode.INTERNAL, message
            ticket = self.sequencer.submit([], audit=[record])
        else:
            record.ok, record.result, record.before = True, outcome.result, outcome.before
            items = list(outcome.events)
            if items:
                # Every console's audit of the day: after the command's own events, in the same batch.
                applied = ActionApplied(
                    command_id=cmd.id,
                    user=s.user,
                    role=s.role.value,
                    action=cmd.action,
                    args=args,
                    result=outcome.result,
                    before=outcome.before,
                )
                items.append((items[-1][0], applied))
            stamped = self.sequencer.stamp(items)
            record.after = outcome.after() if outcome.after is not None else None
            ticket = self.sequencer.submit(stamped, audit=[record])
            ack = Ack(id=cmd.id, ok=True, result=outcome.result)
        await self.sequencer.wait_ticket(ticket)
        return self._ack_frame(s, ack)

    @staticmethod
    def _ack_frame(s: ClientSession, ack: Ack) -> bytes:
        """An ack or query answer, encoded as the client's role may see it (``redaction``)."""
        return protocol.encode(view_ack(ack, view_of(s.role)))

    async def _forwarded_command(
        self, s: ClientSession, cmd: Command, adapter: str, record: AuditRecord, args: dict[str, Any]
    ) -> tuple[Ack, int]:
        """Forward ``cmd`` to ``adapter`` and turn its reply (or its silence) into the ack and audit."""
        assert self.sim is not None
        try:
            reply = await self._forward(adapter, s.user, cmd)
        except CommandRefused as refused:  # not connected, or no answer in time
            error = AckError(code=refused.code, message=refused.message)
        else:
            if reply.ok:
                result = {**(reply.result or {}), "forwarded_to": adapter}
                record.ok, record.result = True, result
                applied = ActionApplied(
                    command_id=cmd.id,
                    user=s.user,
                    role=s.role.value,
                    action=cmd.action,
                    args=args,
                    result=result,
                )
                at_ms = max(self.sim.now_ms, self.sequencer.last_at_ms)
                ticket = self.sequencer.submit(self.sequencer.stamp([(at_ms, applied)]), audit=[record])
                log.info("%s %s %s carried out by adapter %s", s.user, cmd.action, cmd.id, adapter)
                return Ack(id=cmd.id, ok=True, result=result), ticket
            given = reply.error or AckError(code=ErrorCode.INTERNAL, message="refused without a reason")
            code = given.code if given.code in _ADAPTER_CODES else ErrorCode.INVALID_STATE
            error = AckError(code=code, message=f"{adapter}: {given.message}", details=given.details)
        record.error_code, record.error_message = error.code, error.message
        ticket = self.sequencer.submit([], audit=[record])
        log.info(
            "%s %s %s not carried out by adapter %s: %s", s.user, cmd.action, cmd.id, adapter, error.message
        )
        return Ack(id=cmd.id, ok=False, error=error), ticket

    def _audit_time(self) -> str:
        """When an audited command happened: the feed clock as clients see it."""
        return self.sequencer.feed_clock() or iso(self.sequencer.last_at_ms)

    async def _answer_query(self, s: ClientSession, cmd: Command) -> bytes:
        """A read-only query: role and arguments checked, then read from the store off the loop.

        An answered query changes nothing and is not audited; a refused one is
        audited like any refused command (and answered after that commits).
        """
        assert self.store is not None and self.sim is not None
        ctx = CommandContext(user=s.user, role=s.role, state=self.state, driver=self.sim)
        try:
            query = prepare_query(ctx, cmd.action, cmd.args)
        except CommandRefused as refused:
            record = AuditRecord(
                at=self._audit_time(),
                user=s.user,
                role=s.role.value,
                command_id=cmd.id,
                action=cmd.action,
                args=cmd.args,
                ok=False,
                error_code=refused.code,
                error_message=refused.message,
            )
            log.info("%s refused %s %s: %s", s.user, cmd.action, cmd.id, refused.message)
            await self.sequencer.wait_ticket(self.sequencer.submit([], audit=[record]))
            return self._ack_frame(
                s, Ack(id=cmd.id, ok=False, error=AckError(code=refused.code, message=refused.message))
            )
        try:
            rows, total = await asyncio.to_thread(
                self.store.completed_calls,
                ended_since=query.ended_since,
                agent_id=query.agent_id,
                queue_id=query.queue_id,
                since=query.since,
                until=query.until,
                text=query.text,
                outcome=query.outcome,
                after=query.after,
                limit=query.limit + 1,  # one more tells whether there is a next page
            )
        except Exception as exc:
            log.exception("%s %s %s failed", s.user, cmd.action, cmd.id)
            message = f"the gateway could not read the call history: {type(exc).__name__}"
            return protocol.encode(
                Ack(id=cmd.id, ok=False, error=AckError(code=ErrorCode.INTERNAL, message=message))
            )
        return self._ack_frame(s, Ack(id=cmd.id, ok=True, result=calls_page(query, rows, total)))


#: The codes an adapter's refusal keeps; any other becomes invalid_state (consoles know these).
_ADAPTER_CODES = frozenset(
    {
        ErrorCode.BAD_ARGS,
        ErrorCode.NOT_FOUND,
        ErrorCode.INVALID_STATE,
        ErrorCode.CONFLICT,
        ErrorCode.UNAVAILABLE,
        ErrorCode.FORBIDDEN,
    }
)


class _ChunkViews:
    """One chunk of committed events as each view sees it, made at most once per view."""

    def __init__(self, raws: list[bytes]) -> None:
        self._raws = raws
        self._events: dict[View, list[bytes]] = {}
        self._frames: dict[View, bytes] = {}
        self._by_list: dict[int, bytes] = {}  # views that change nothing share one frame

    def events(self, view: View) -> list[bytes]:
        seen = self._events.get(view)
        if seen is None:
            seen = self._events[view] = view_events(self._raws, view)
        return seen

    def frame(self, view: View) -> bytes:
        frame = self._frames.get(view)
        if frame is None:
            seen = self.events(view)
            frame = self._by_list.get(id(seen))
            if frame is None:
                frame = self._by_list[id(seen)] = protocol.events_frame(seen)
            self._frames[view] = frame
        return frame


class GatewayFailedError(RuntimeError):
    """The gateway cannot go on (its store writer stopped); the command line exits non-zero."""


def _ack_from_audit(command_id: str, record: AuditRecord) -> Ack:
    if record.ok:
        return Ack(id=command_id, ok=True, result=record.result)
    details = record.result.get("details") if record.result is not None else None
    return Ack(
        id=command_id,
        ok=False,
        error=AckError(
            code=record.error_code or ErrorCode.INTERNAL, message=record.error_message or "", details=details
        ),
    )


def _past(record: AuditRecord) -> PastCommand:
    return PastCommand(
        command_id=record.command_id,
        user=record.user,
        action=record.action,
        ok=record.ok,
        result=record.result,
        before=record.before,
        after=record.after,
    )
