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
import errno
import functools
import logging
import os
import secrets
import ssl
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request as HttpRequest
from websockets.http11 import Response as HttpResponse
from websockets.protocol import State

from console.domain.actions import ActionName
from console.domain.businessday import parse_hhmm
from console.domain.clock import iso, to_ms
from console.domain.entities import CompletedCall
from console.domain.events import ActionApplied
from console.domain.permissions import Role, may_publish, may_watch
from console.domain.state import FloorState
from console.feeds import protocol
from console.feeds.gateway.adapter_centre import AdapterCentre, ForwardToAdapter
from console.feeds.gateway.commands.context import CommandContext, CommandRefused, PastCommand
from console.feeds.gateway.commands.history import HistoryCache
from console.feeds.gateway.commands.registry import (
    execute,
    is_query,
    lookups_wanted,
    prepare_query,
    recorded_args,
)
from console.feeds.gateway.config import GatewayConfig, UserSpec
from console.feeds.gateway.directory import Directory, Outcome
from console.feeds.gateway.driver import CentreDriver
from console.feeds.gateway.journal import ResumeJournal
from console.feeds.gateway.limits import (
    AckCache,
    ConnectionGuard,
    LogThrottle,
    MemoryReturn,
    PendingConnections,
    SignInThrottle,
    cut_text,
    summarize_args,
)
from console.feeds.gateway.publishing import MAX_AHEAD_MS, EventRefused, admit
from console.feeds.gateway.redaction import mask_gateway_logs
from console.feeds.gateway.role_views import (
    View,
    copied_cases,
    view_ack,
    view_events,
    view_of,
    view_snapshot,
)
from console.feeds.gateway.sequencing import Sequencer
from console.feeds.gateway.session import ClientSession
from console.feeds.gateway.transport import OriginPolicy, plain_text_warning, server_tls_context
from console.feeds.gateway.users import UserWatch
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
from console.store import AuditRecord, SignedIn, Store, StoreHealth, is_outage, outage_reason
from console.store.db import default_db_url
from console.store.tokens import lookup_key, new_token

log = logging.getLogger("console.gateway")

EVENTS_PER_FRAME = 5000
#: Stopping while the store is unavailable: it gets this long to come back, then what it
#: could not commit is abandoned (logged with counts; none of it was acknowledged).
STOP_GRACE_S = 2.0
# The store's meta key holding an adapter's last committed position.
POSITION_KEY = "adapter.position.{}"
# A client that does not read its replies gets closed past this many queued frames.
MAX_UNREAD_CONTROL = 1000
# Snapshots being written to sockets at once (the others wait their turn).
SNAPSHOT_SENDS = 8
# A snapshot frame goes out in fragments of this size, the loop turning between them: other
# clients' frames go out meanwhile, and a socket's buffer holds about one fragment, not the frame.
SNAPSHOT_FRAGMENT = 256 * 1024
# Cases encoded per turn of the loop while a snapshot is built (the rest is encoded at once).
SNAPSHOT_SLICE = 4000
# A built snapshot is given to clients asking after it, if it is not older than what their
# welcome told them (a snapshot is current), while the head is at most this many events past
# it and it is younger than SNAPSHOT_KEEP_S: they get the events after it from the resume
# journal, as a resuming client does, instead of waiting for another build.
SNAPSHOT_REUSE_EVENTS = EVENTS_PER_FRAME
SNAPSHOT_KEEP_S = 10.0
# Builds of one view start at most this often (a storm's clients wait for the next one).
SNAPSHOT_EVERY_S = 0.25


class Gateway:
    """A running gateway; ``await start()`` then ``await stop()`` (or use ``cli.run``)."""

    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        mask_gateway_logs()  # no log line of the gateway or its store shows a full number
        self.state = FloorState()
        self.sequencer = Sequencer(
            self.state,
            publish=self._broadcast,
            checkpoint_every=config.checkpoint_every,
            journal_min_events=config.journal_min_events,
            keep_days=config.keep_days,
            on_health=self._store_health_changed,
        )
        # The store's health as the writer last said; while it is not ok the live feed is held
        # (the simulator waits, commands are refused with store_unavailable; docs/store.md#outages).
        self.store_health = StoreHealth()
        self._store_back = asyncio.Event()
        self._store_back.set()
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
        lim = config.limits
        self._acks: AckCache[tuple[str, str]] = AckCache(lim.ack_entries, lim.ack_bytes, lim.ack_entry_bytes)
        # Connections not signed in yet (capped), failed sign-ins by address, log lines by address.
        self._pending: PendingConnections[ServerConnection] = PendingConnections(
            lim.pending_total, lim.pending_per_address, lambda ws: ws.state is State.CLOSED
        )
        self._signin = SignInThrottle(lim)
        self._log_throttle: LogThrottle[tuple[str, str]] = LogThrottle(lim.log_interval_s)
        self._memory = MemoryReturn()
        self._inflight: dict[tuple[str, str], asyncio.Future[bytes]] = {}
        # Snapshots are shared: one build per view at a time, its result kept (seq, frame, when
        # built) and given to the clients of that view asking meanwhile or shortly after.
        self._snapshot_builds: dict[View, asyncio.Task[_KeptSnapshot]] = {}
        self._snapshot_cache: dict[View, _KeptSnapshot] = {}
        self._snapshot_started: dict[View, float] = {}  # when each view's last build was taken
        self._snapshot_sends = asyncio.Semaphore(SNAPSHOT_SENDS)
        self.snapshots_built = 0  # encoded snapshots (tests, diagnostics); clients served may be more
        self._tasks: list[asyncio.Task[None]] = []
        self._server: Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.store: Store | None = None
        self.history = HistoryCache()  # history.query's complete days and today's replay
        self.sim: CentreDriver | None = None
        self.scenario: Scenario | None = None
        self.admin_token: str | None = None
        self.user_watch: UserWatch | None = None  # signs out users revoked while connected
        # Directory sign-in (--ldap-config), and the role each directory user got at sign-in.
        self.directory: Directory | None = Directory(config.directory) if config.directory else None
        self.directory_roles: dict[str, Role] = {}
        # Set when the gateway cannot go on (its store writer failed); `cli.run` then raises.
        self.fatal: BaseException | None = None
        self.stopping = asyncio.Event()
        self._restore_exception_handler: Any = None
        self._origins = OriginPolicy.of(config.allow_origins)
        self.refused_origins = 0  # browser handshakes refused for their Origin (tests, diagnostics)

    @property
    def tls(self) -> bool:
        return self.config.tls_cert is not None

    @property
    def url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://{self.config.host}:{self.port}"

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
        tls = self._tls_context()  # a key file others can read is refused before anything starts
        self.scenario = load_scenario(cfg.scenario)
        url = cfg.db_url or default_db_url()
        self.store = store = await asyncio.to_thread(Store.open, url, secret_file=cfg.secret_file)
        await asyncio.to_thread(self.sequencer.restore, store)
        await self._set_up_users(store)
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
        protocol.withhold_secrets(logging.getLogger("websockets.server"))  # no token or password at DEBUG
        self._server = await serve(
            self._connection,
            cfg.host,
            cfg.port,
            # Before sign-in only a hello fits; a signed-in connection's limit is raised in _signed_in.
            max_size=cfg.limits.hello_frame,
            ping_interval=20,
            ping_timeout=20,
            ssl=tls,
            process_request=self._process_request,
            compression="deflate" if cfg.compression else None,
        )
        self._quiet_accept_errors()
        self.port = next(iter(self._server.sockets)).getsockname()[1]
        self._tasks = [asyncio.create_task(self._run_heartbeats(), name="heartbeats")]
        if self.user_watch is not None:
            self._tasks.append(asyncio.create_task(self.user_watch.run(), name="user watch"))
        if not isinstance(self.sim, AdapterCentre):
            self._tasks.append(asyncio.create_task(self._run_sim(), name="simulator"))
        for task in self._tasks:
            task.add_done_callback(self._task_ended)
        log.info("gateway on %s, seq %d, source %s, db %s", self.url, self.seq, cfg.source, store.url)

    # -- transport: TLS and the Origin allow-list (rules in ``transport``) ------------

    def _tls_context(self) -> ssl.SSLContext | None:
        """The TLS context with --tls-cert/--tls-key; else None, with a warning beyond loopback."""
        cfg = self.config
        if cfg.tls_cert is not None and cfg.tls_key is not None:
            return server_tls_context(cfg.tls_cert, cfg.tls_key)
        warning = plain_text_warning(cfg.host)
        if warning is not None:
            log.warning("%s", warning)
        return None

    def _check_origin(self, connection: ServerConnection, request: HttpRequest) -> HttpResponse | None:
        """Refuse (HTTP 403) a handshake whose Origin is not allowed: a web page on another site."""
        origins = request.headers.get_all("Origin")  # none from consoles and adapters
        if not origins or (len(origins) == 1 and self._origins.admits(origins[0])):
            return None
        self.refused_origins += 1
        peer = _address(connection)
        shown = ", ".join(origins)
        log.warning("refused a websocket handshake from %s with Origin %.200r (not allowed)", peer, shown)
        return connection.respond(HTTPStatus.FORBIDDEN, "Origin not allowed\n")

    async def _set_up_users(self, store: Store) -> None:
        """The users given (``--user``, ``--user-file``, the environment), stored; the watch on revocations.

        With none given and none in the database, a one-time admin token, so a
        newcomer can connect at once. Hashing is slow (scrypt): off the loop.
        """
        users = list(self.config.users)
        if not users and not await asyncio.to_thread(store.active_users):
            self.admin_token = new_token()
            users.append(UserSpec("admin", Role.ADMIN, self.admin_token))
        for u in users:
            await asyncio.to_thread(store.upsert_user, u.name, u.role.value, u.token)
        self.user_watch = UserWatch(store, interval_s=self.config.users_poll_s)
        await self.user_watch.start()

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
        for task in [*self._tasks, *self._publish_tasks, *self._snapshot_builds.values()]:
            task.cancel()
        results = await asyncio.gather(*self._tasks, return_exceptions=True)
        for task, result in zip(self._tasks, results, strict=True):
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                log.error("task %s had failed: %r", task.get_name(), result)
        writer = self.sequencer.writer
        writer_ok = writer is not None and writer.failed is None
        if writer is not None and writer_ok and not self.store_health.ok:
            # Held: the store gets a short grace, then what it could not commit is abandoned
            # (logged with counts; none of it was acknowledged), so a stop takes seconds.
            log.warning("stopping while the store is unavailable (%s)", self.store_health.reason)
            await asyncio.to_thread(writer.close, STOP_GRACE_S + 5.0, grace=STOP_GRACE_S)
            writer_ok = not writer.abandoned
        if not writer_ok:
            # Nothing will commit any more: release everyone waiting for a commit.
            self.sequencer.fail_waiters(GatewayFailedError("the store could not commit it before the stop"))
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        if self._restore_exception_handler is not None:
            self._restore_exception_handler()
        if writer is not None and writer.alive:
            if writer_ok and self.store_health.ok:
                self.sequencer.checkpoint_at_head()
            await asyncio.to_thread(writer.close, 30.0, grace=STOP_GRACE_S)
        if self.store is not None:
            await asyncio.to_thread(self.store.close)
        if self.directory is not None:
            self.directory.close()

    # -- publishing, the driver and the heartbeat --------------------------------

    def _broadcast(self, first: int, raws: list[bytes], types: list[str]) -> None:
        """The sequencer's publish: events just committed, to every client not already past them."""
        if not raws:
            return
        for start in range(0, len(raws), EVENTS_PER_FRAME):
            chunk = raws[start : start + EVENTS_PER_FRAME]
            chunk_first = first + start
            chunk_last = chunk_first + len(chunk) - 1
            # Each role's view encoded once, not once per client.
            views = _ChunkViews(chunk, types[start : start + EVENTS_PER_FRAME])
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
            if not self._store_back.is_set():
                # Held: the simulated centre waits for the store rather than pile up events
                # nobody may see; its clock carries on from where it stood.
                await self._store_back.wait()
                real0, sim0 = loop.time(), sim.now_ms
                continue
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
            if self.store_health.ok:  # held: nothing more is queued for a store that cannot take it
                self.sequencer.persist_clock()  # the advancing clock is kept even when no events flow
            at = self.sequencer.feed_clock()
            if at is not None and self.committed_seq == self.seq:
                self.state.advance_clock(at)  # the day resets here too, as it does for consoles
            now = time.monotonic()
            self._memory.maybe_trim(now)  # memory of many closed connections given back
            # A kept snapshot too old to reuse serves nobody: its memory is given back.
            self._snapshot_cache = {v: c for v, c in self._snapshot_cache.items() if self._reusable(c, 0)}
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
                frame = self._heartbeat_frame(at)
                for s in quiet:
                    s.push_droppable(frame)

    def _heartbeat_frame(self, at: str | None = None) -> bytes:
        """A heartbeat at the committed head, saying whether the store is available."""
        if at is None:
            at = self.sequencer.feed_clock()
        h = self.store_health
        if h.ok:
            return protocol.encode(Heartbeat(seq=self.committed_seq, at=at))
        since = h.since_stamp()
        return protocol.encode(
            Heartbeat(seq=self.committed_seq, at=at, store_ok=False, store_since=since, store_reason=h.reason)
        )

    def _store_health_changed(self, health: StoreHealth) -> None:
        """The writer says the store became unavailable, changed its reason, or is back (on the loop)."""
        was_ok = self.store_health.ok
        self.store_health = health
        if health.ok:
            self._store_back.set()
            if not was_ok:
                log.warning("store available again: the live feed carries on")
        else:
            self._store_back.clear()
            if was_ok:
                log.error(
                    "store unavailable (%s): the live feed is held until it commits again", health.reason
                )
        # Every console hears of it at once, not at its next heartbeat.
        frame = self._heartbeat_frame()
        for s in self.sessions:
            if not s.needs_snapshot and s.next_seq - 1 <= self.committed_seq:
                s.push_droppable(frame)

    # -- connections -------------------------------------------------------------

    async def _connection(self, ws: ServerConnection) -> None:
        peer = f"{ws.remote_address[0]}:{ws.remote_address[1]}" if ws.remote_address else "?"
        session: ClientSession | None = None
        sender: asyncio.Task[None] | None = None
        guard: ConnectionGuard | None = None  # its limits, once signed in
        bad_before_hello = 0
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
                    if isinstance(frame, Command) and len(frame.id) > self.config.limits.command_id_chars:
                        raise ProtocolError(
                            ErrorCode.BAD_FRAME,
                            f"command id of {len(frame.id)} characters; "
                            f"the limit is {self.config.limits.command_id_chars}",
                        )
                except ProtocolError as exc:
                    if session is None:
                        bad_before_hello += 1
                        if not await self._bad_before_hello(ws, peer, bad_before_hello):
                            return
                    quiet = guard is not None and not guard.bucket.take()  # a flood is not logged
                    await self._refuse_frame(ws, session, peer, exc.code, exc.message, quiet=quiet)
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
                    guard = self._signed_in(ws, session)
                    sender = asyncio.create_task(self._sender(ws, session), name=f"send {peer}")
                    sender.add_done_callback(functools.partial(self._sender_ended, ws=ws))
                elif session is None:
                    bad_before_hello += 1
                    if not await self._bad_before_hello(ws, peer, bad_before_hello):
                        return
                    await self._refuse_frame(
                        ws, None, peer, ErrorCode.NOT_AUTHENTICATED, "send hello before any command"
                    )
                elif isinstance(frame, Publish):
                    self._publish(session, frame)
                elif isinstance(frame, Reply):
                    self._reply(session, frame)
                elif guard is not None and not self._within_rate(session, frame, guard):
                    continue
                else:
                    await self._command(session, frame, guard)
        except ConnectionClosed:
            pass
        finally:
            self._pending.release(ws)
            self._memory.connection_closed()
            if guard is not None:
                self._audit_rate_refusals(session, guard)
            if self.user_watch is not None:
                self.user_watch.forget(ws)
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
        self,
        ws: ServerConnection,
        session: ClientSession | None,
        peer: str,
        code: str,
        message: str,
        *,
        quiet: bool = False,
    ) -> None:
        self.bad_frames += 1
        if not quiet:
            log.warning(
                "bad frame from %s (%s): %s: %s", peer, session.user if session else "-", code, message
            )
        frame = protocol.encode(ErrorFrame(code=code, message=message))
        if session is None:
            await ws.send(frame, text=True)
        else:
            session.push_control(frame)
            if len(session.queue) > MAX_UNREAD_CONTROL:
                log.warning("%s (%s) does not read its replies; closing", peer, session.user)
                await ws.close(1008, "too many unread replies")

    # -- abuse limits (limits.py) ------------------------------------------------------

    def _process_request(self, ws: ServerConnection, request: HttpRequest) -> HttpResponse | None:
        """The handshake: refused (403) from a web page whose Origin is not allowed, then (503)
        past the cap on connections that have not signed in."""
        refused = self._check_origin(ws, request)
        if refused is not None:
            return refused
        address = _address(ws)
        why = self._pending.admit(ws, address)
        if why is None:
            return None
        held = self._log_throttle.ready(("pending", address))
        if held is not None:
            more = f" ({held} more refused since the last line)" if held else ""
            log.warning("refused a connection from %s: %s%s", address, why, more)
        response = ws.respond(
            HTTPStatus.SERVICE_UNAVAILABLE, "Too many connections are waiting to sign in; try again later.\n"
        )
        response.headers["Retry-After"] = "5"
        return response

    def _signed_in(self, ws: ServerConnection, session: ClientSession) -> ConnectionGuard:
        """A good hello: the connection leaves the cap and may send frames as large as its role's.

        The server's ``max_size`` held it to a hello; from here the websocket layer holds
        it to its role's limit (a larger frame is never read: closed with 1009, naming it).
        """
        self._pending.release(ws)
        guard = ConnectionGuard(session.role, self.config.limits)
        ws.protocol.max_message_size = max(guard.frame_limit, self.config.limits.hello_frame)
        return guard

    async def _bad_before_hello(self, ws: ServerConnection, peer: str, count: int) -> bool:
        """Bad frames before sign-in: a few are answered, more close the connection (1008)."""
        if count <= self.config.limits.bad_frames_before_hello:
            return True
        held = self._log_throttle.ready(("bad before hello", _address(ws)))
        if held is not None:
            log.warning("%s: %d bad frames before hello; closing", peer, count)
        await ws.close(
            1008, f"more than {self.config.limits.bad_frames_before_hello} bad frames before hello"
        )
        return False

    def _within_rate(self, s: ClientSession, cmd: Command, guard: ConnectionGuard) -> bool:
        """The connection's command rate: over it, refused with rate_limited (not applied, not cached).

        Commands take a token each; queries only when refused (then they are audited), so paging
        through the call history is never held up, but a flood of forbidden queries is.
        """
        lim = self.config.limits
        # An answered query writes nothing and waits for its read: only a refused one takes a token.
        if guard.bucket.take() if not is_query(cmd.action) else guard.bucket.ready():
            if guard.refusals.count:
                self._audit_rate_refusals(s, guard)
            return True
        if guard.refusals.add(cmd.action):
            log.warning(
                "%s (%s) sends more than %g commands a second; refusing the excess",
                s.peer,
                s.user,
                lim.command_rate,
            )
        retry = round(guard.bucket.retry_after(), 3)
        message = (
            f"more than {lim.command_rate:g} commands a second (bursts of {lim.command_burst}); "
            f"retry in {retry:g} s"
        )
        s.push_control(
            protocol.encode(
                Ack(
                    id=cmd.id,
                    ok=False,
                    error=AckError(
                        code=ErrorCode.RATE_LIMITED, message=message, details={"retry_after_s": retry}
                    ),
                )
            )
        )
        if guard.refusals.due(lim.rate_summary_s):
            self._audit_rate_refusals(s, guard)
        return False

    def _audit_rate_refusals(self, s: ClientSession | None, guard: ConnectionGuard) -> None:
        """One audit row for the commands refused for their rate since the last one."""
        summary = guard.refusals.take_summary()
        if summary is None or s is None:
            return
        lim = self.config.limits
        record = AuditRecord(
            at=self._audit_time(),
            user=s.user,
            role=s.role.value,
            command_id=f"rate-limited/{secrets.token_hex(8)}",
            action=RATE_LIMITED_ACTION,
            args=summary,
            ok=False,
            error_code=ErrorCode.RATE_LIMITED,
            error_message=f"{summary['refused']} command(s) over the rate of {lim.command_rate:g} a second",
        )
        log.warning("%s (%s): %d command(s) refused for their rate", s.peer, s.user, summary["refused"])
        try:
            self.sequencer.submit([], audit=[record])
        except Exception:  # the store is gone (stopping): the log line above is what remains
            log.exception("could not audit the rate-limited commands of %s", s.user)

    async def _signin_blocked(self, ws: ServerConnection, peer: str) -> bool:
        """An address refused for its failed sign-ins: closed with 4429, saying for how long."""
        address = _address(ws)
        left = self._signin.blocked_for(address)
        if not left:
            return False
        held = self._log_throttle.ready(("blocked", address))
        if held is not None:
            log.warning(
                "%s: sign-in refused, %s is blocked for %d s more after failed sign-ins", peer, address, left
            )
        await ws.close(protocol.CLOSE_TOO_MANY, _too_many_reason(left))
        return True

    async def _signin_failed(
        self,
        ws: ServerConnection,
        peer: str,
        *,
        what: str = "bad or missing token",
        reason: str = "invalid or missing token",
    ) -> None:
        """A bad or missing token (or a wrong name or password): answered after a delay that grows,
        then the address is blocked (4429). A directory that is down is not a failed sign-in."""
        address = _address(ws)
        delay, blocked = self._signin.failed(address)
        if blocked:
            block = self.config.limits.signin_block_s
            log.warning(
                "%s: %s; %s blocked for %g s after %d failed sign-ins (4429)",
                peer,
                what,
                address,
                block,
                self.config.limits.signin_failures,
            )
            await ws.close(protocol.CLOSE_TOO_MANY, _too_many_reason(block))
            return
        log.warning(
            "%s: %s (%d failed from %s; answered in %g s)",
            peer,
            what,
            self._signin.failures(address),
            address,
            delay,
        )
        await asyncio.sleep(delay)
        await ws.close(protocol.CLOSE_BAD_TOKEN, reason)

    def _quiet_accept_errors(self) -> None:
        """Out of file descriptors at accept(): one line a minute instead of a traceback a second."""
        loop = asyncio.get_running_loop()
        previous = loop.get_exception_handler()

        def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            exc = context.get("exception")
            if (
                isinstance(exc, OSError)
                and exc.errno in _OUT_OF_RESOURCES
                and "accept" in context.get("message", "")
            ):
                held = self._log_throttle.ready(("accept", ""))
                if held is not None:
                    more = f" ({held} more since the last line)" if held else ""
                    log.error(
                        "cannot accept connections: %s; trying again every second%s",
                        os.strerror(exc.errno),
                        more,
                    )
                return
            if previous is not None:
                previous(loop, context)
            else:
                loop.default_exception_handler(context)

        loop.set_exception_handler(handler)
        self._restore_exception_handler = functools.partial(loop.set_exception_handler, previous)

    async def _hello(self, ws: ServerConnection, hello: Hello, peer: str) -> ClientSession | None:
        assert self.store is not None
        if hello.protocol != protocol.PROTOCOL_VERSION:
            log.warning("%s asked for protocol %s", peer, hello.protocol)
            await ws.close(
                protocol.CLOSE_BAD_PROTOCOL,
                f"protocol {hello.protocol} not supported; this gateway speaks {protocol.PROTOCOL_VERSION}",
            )
            return None
        if await self._signin_blocked(ws, peer):
            return None
        if hello.user is not None:
            signed = await self._directory_sign_in(ws, hello, peer)
            if signed is None:
                return None
            user, role = signed
        else:
            found = await self._sign_in_token(hello.token, peer) if hello.token else None
            if found is None:
                await self._signin_failed(ws, peer)
                return None
            user, role = found.name, found.role
            if self.user_watch is not None:
                self.user_watch.track(ws, found)
        session = ClientSession(
            user=user, role=Role(role), peer=peer, next_seq=0, max_frames=self.config.client_max_frames
        )
        if not may_watch(session.role):
            if not self.store_health.ok:
                # An adapter is told its committed position, which waits for the store: later.
                log.warning(
                    "%s: adapter %s signs in while the store is unavailable; try again later", peer, user
                )
                await ws.close(1013, "the gateway's store is unavailable; try again later")
                return None
            await self._adapter_hello(ws, session)
            return session
        # Sent before the session exists, so nothing can overtake it.
        told = self.committed_seq
        await ws.send(
            protocol.encode(Welcome(protocol=protocol.PROTOCOL_VERSION, user=user, role=role, seq=told)),
            text=True,
        )
        if not self.store_health.ok:  # held: said at once, before any snapshot can go
            await ws.send(self._heartbeat_frame(), text=True)
        resumed = (
            self.sequencer.journal.after(hello.resume_from, self.committed_seq)
            if hello.resume_from is not None
            else None
        )
        if resumed is None:
            # Its snapshot is current: not before the seq the welcome told it (a kept one may be).
            session.next_seq = told + 1
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

    async def _sign_in_token(self, token: str, peer: str) -> SignedIn | None:
        """The user holding ``token``: from the store, or while it cannot be read, from the users
        the gateway last read from it (``UserWatch``), so a console can still sign in and be held."""
        assert self.store is not None
        try:
            return await asyncio.to_thread(self.store.sign_in, token)
        except Exception as exc:
            if not is_outage(exc) or self.user_watch is None:
                raise
            key = await asyncio.to_thread(lookup_key, self.store.secret, token)
            found = self.user_watch.known(key)
            log.warning(
                "%s: the store cannot be read (%s); sign-in checked against the users in memory: %s",
                peer,
                outage_reason(exc),
                "found" if found is not None else "not found",
            )
            return found

    async def _directory_sign_in(
        self, ws: ServerConnection, hello: Hello, peer: str
    ) -> tuple[str, str] | None:
        """A name and password checked by the directory: (name, role), or None once refused and closed.

        The password goes to the directory and nowhere else: not in a log line, not in the store.
        """
        assert hello.user is not None and hello.password is not None
        if self.directory is None:
            log.warning("%s: sign-in by name (%r) but this gateway has no directory", peer, hello.user)
            await ws.close(protocol.CLOSE_NO_DIRECTORY, "this gateway takes tokens only (no directory)")
            return None
        answer = await self.directory.sign_in(hello.user, hello.password)
        if answer.outcome is Outcome.SIGNED_IN and answer.role is not None:
            self.directory_roles[answer.user] = answer.role
            log.info("%s: %s signed in by directory as %s (%s)", peer, answer.user, answer.role, answer.group)
            return answer.user, answer.role.value
        if answer.outcome is Outcome.BAD_CREDENTIALS:
            # As a bad token: the same close code, and the same count for whoever counts refusals.
            await self._signin_failed(
                ws,
                peer,
                what=f"wrong name or password for {answer.user!r} ({answer.detail})",
                reason="invalid name or password",
            )
        elif answer.outcome is Outcome.NO_ROLE:
            log.warning("%s: %s signed in but has no console role (%s)", peer, answer.user, answer.detail)
            await ws.close(protocol.CLOSE_NO_ROLE, "no group of this user gives a console role")
        else:
            log.error("%s: directory unavailable for %r: %s", peer, answer.user, answer.detail)
            await ws.close(protocol.CLOSE_DIRECTORY_UNAVAILABLE, "the directory is unavailable")
        return None

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
                        args={"pos": event.pos, "type": cut_text(event.type, 100)},
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
        """Send ``s`` a snapshot of its view, shared with the clients of that view asking about then."""
        # Not before what it was told or sent (never past the head: a build there will do).
        snap = await self._snapshot_for(view_of(s.role), min(s.next_seq - 1, self.seq))
        self._place_after_snapshot(s, snap)  # no await since it was found
        # Shown only once committed. Held meanwhile: the console hears why, each heartbeat period.
        while snap.seq > self.committed_seq:
            waiting = asyncio.ensure_future(self.sequencer.wait_committed(snap.seq))
            done, _ = await asyncio.wait({waiting}, timeout=self.config.heartbeat_s)
            if not done:
                waiting.cancel()
                if not self.store_health.ok:
                    await ws.send(self._heartbeat_frame(), text=True)
                    s.last_sent = time.monotonic()
                continue
            waiting.result()
        async with self._snapshot_sends:
            await ws.send(_fragments(snap.frame), text=True)
        s.last_sent = time.monotonic()

    def _reusable(self, snap: _KeptSnapshot, not_before: int) -> bool:
        """A kept snapshot may be given: not behind what the client was given, not too old, and
        the events after it still in the journal."""
        return (
            not_before <= snap.seq
            and self.seq - snap.seq <= SNAPSHOT_REUSE_EVENTS
            and time.monotonic() - snap.built <= SNAPSHOT_KEEP_S
            and self.sequencer.journal.first_seq <= snap.seq + 1
        )

    async def _snapshot_for(self, view: View, not_before: int) -> _KeptSnapshot:
        """A snapshot of ``view`` at a seq of at least ``not_before``: kept, being built, or built now."""
        while True:
            kept = self._snapshot_cache.get(view)
            if kept is not None and self._reusable(kept, not_before):
                return kept
            build = self._snapshot_builds.get(view)
            if build is None:
                build = asyncio.create_task(self._build_snapshot(view), name=f"snapshot {view}")
                self._snapshot_builds[view] = build
                build.add_done_callback(functools.partial(self._snapshot_built, view))
            # A client that goes away does not cancel the build the others wait for.
            built = await asyncio.shield(build)
            if built.seq >= not_before:
                return built

    def _snapshot_built(self, view: View, task: asyncio.Task[_KeptSnapshot]) -> None:
        if self._snapshot_builds.get(view) is task:
            del self._snapshot_builds[view]
        if not task.cancelled() and task.exception() is None:
            self._snapshot_cache[view] = task.result()

    def _place_after_snapshot(self, s: ClientSession, snap: _KeptSnapshot) -> None:
        """``s`` is given ``snap``: what it is sent next starts just after it.

        Events committed after the snapshot (built a moment ago, or kept) come from the
        resume journal in its view (made once for all its clients); later ones as they are
        broadcast. So no event is both in the snapshot and sent after it, and none is missed.
        """
        s.drop_events()
        s.needs_snapshot = False
        s.snapshots_sent += 1
        s.next_seq = snap.seq + 1
        frames = snap.frames_upto(self.committed_seq, self.sequencer.journal)
        if frames is None:  # cannot happen (checked by _reusable, no await since): a fresh one
            s.needs_snapshot = True
            return
        for frame, last_seq in frames:
            s.push_events(frame, last_seq)

    async def _build_snapshot(self, view: View) -> _KeptSnapshot:
        """Encode ``view``'s snapshot at the head.

        Taken in one step (no await): everything but the cases is encoded at once, the
        cases are copied (the reducer sets their fields in place). The copies, a large
        floor's bulk, are then encoded a slice per turn of the loop, so events keep flowing
        to everyone else meanwhile; the frame is still exactly the floor at its seq.
        """
        # Senders woken in the same burst ask before it is taken; in a storm, builds of a view
        # start at most every SNAPSHOT_EVERY_S and each serves everyone who asked meanwhile.
        last = self._snapshot_started.get(view, -SNAPSHOT_EVERY_S)
        await asyncio.sleep(max(0.0, last + SNAPSHOT_EVERY_S - time.monotonic()))
        self._snapshot_started[view] = time.monotonic()
        at_seq = self.seq
        live = self.state.to_snapshot()
        cases = copied_cases(live.cases, view)
        rest = view_snapshot(msgspec.structs.replace(live, cases=[]), view)
        head, tail = protocol.snapshot_frame_parts(rest)
        del live, rest
        parts: list[bytes] = []
        for start in range(0, len(cases), SNAPSHOT_SLICE):
            await asyncio.sleep(0)
            parts.append(protocol.encode_list_items(cases[start : start + SNAPSHOT_SLICE]))
        self.snapshots_built += 1
        return _KeptSnapshot(view, at_seq, b"".join((head, b",".join(parts), tail)))

    # -- commands --------------------------------------------------------------------

    async def _command(self, s: ClientSession, cmd: Command, guard: ConnectionGuard | None = None) -> None:
        """Answer one command; a re-send of the same id is applied once and answered alike."""
        assert self._loop is not None
        if is_query(cmd.action):
            # Read-only: answered afresh every time (a re-send reads again), never remembered.
            s.push_control(await self._answer_query(s, cmd, guard))
            return
        key = (s.user, cmd.id)
        frame = self._acks.get(key)
        if frame is None and key not in self._inflight and not self.store_health.ok:
            # Held: nothing could be committed, so nothing is applied (a re-send later applies it).
            s.push_control(self._store_refusal(s, cmd))
            return
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
                    frame, remember = await self._apply_command(s, cmd)
                    fut.set_result(frame)
                except BaseException as exc:
                    fut.set_exception(exc)
                    fut.exception()  # retrieved here; the first caller re-raises
                    raise
                finally:
                    del self._inflight[key]
                # Bounded in entries and bytes; an ack too large to keep is answered from the audit.
                # Not one that applied nothing for the store's sake: sent again later, it applies.
                if remember:
                    self._acks.put(key, frame)
        s.push_control(frame)

    def _store_refusal(self, s: ClientSession, cmd: Command, note: str = "") -> bytes:
        """The ack of a command not applied because the store cannot commit; audited when it can."""
        h = self.store_health
        since = h.since_stamp()
        message = (
            f"the gateway's store is unavailable since {since} ({h.reason or 'unknown'}); not applied{note}"
        )
        record = AuditRecord(
            at=self._audit_time(),
            user=s.user,
            role=s.role.value,
            # Its own id: a re-send of the command once the store is back must apply, not replay this.
            command_id=f"{STORE_REFUSED_PREFIX}{cmd.id}",
            action=cut_text(cmd.action, 100),
            args=summarize_args(cmd.args, self.config.limits.audit_args_bytes),
            ok=False,
            error_code=ErrorCode.STORE_UNAVAILABLE,
            error_message=message,
        )
        with contextlib.suppress(Exception):  # the audit row waits for the store like everything else
            self.sequencer.submit([], audit=[record])
        log.info("%s refused %s %s: the store is unavailable", s.user, record.action, cmd.id)
        return self._ack_frame(
            s, Ack(id=cmd.id, ok=False, error=AckError(code=ErrorCode.STORE_UNAVAILABLE, message=message))
        )

    async def _apply_command(self, s: ClientSession, cmd: Command) -> tuple[bytes, bool]:
        """The command's ack, and whether a re-send of its id is answered with it (else applied anew)."""
        try:
            return await self._apply_command_now(s, cmd), True
        except _NotApplied as not_applied:
            return not_applied.frame, False
        except GatewayFailedError:
            # Stopping while held: its events were never committed and are lost with the gateway.
            log.warning("%s %s %s: not committed before the gateway stopped", s.user, cmd.action, cmd.id)
            message = "the gateway stopped before its store could commit it: not applied"
            ack = Ack(id=cmd.id, ok=False, error=AckError(code=ErrorCode.STORE_UNAVAILABLE, message=message))
            return self._ack_frame(s, ack), False
        except Exception as exc:
            if not is_outage(exc):
                raise
            # A read the command needed failed: the store is down (PostgreSQL stopped, say).
            log.warning(
                "%s %s %s: the store cannot be read: %s", s.user, cmd.action, cmd.id, outage_reason(exc)
            )
            return self._store_refusal(s, cmd, f" (it could not be read: {outage_reason(exc)})"), False

    async def _apply_command_now(self, s: ClientSession, cmd: Command) -> bytes:
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
            if not self.store_health.ok:
                raise _NotApplied(self._store_refusal(s, cmd))
            # A call that ended a moment ago is in the store once the events ending it are.
            await self.sequencer.wait_committed(self.seq)
            found = await asyncio.to_thread(store.completed_call, wanted.call_id)
            if found is not None:
                calls[found.id] = found
        users: dict[str, str | None] = {}
        if wanted.user is not None:
            users[wanted.user] = await asyncio.to_thread(store.user_role, wanted.user)
            if users[wanted.user] is None and wanted.user in self.directory_roles:
                # A directory user (no token, not in the store) who signed in since the gateway started.
                users[wanted.user] = self.directory_roles[wanted.user].value
        # The reads above awaited: the store may have gone meanwhile, or the sender.
        if not self.store_health.ok:
            raise _NotApplied(self._store_refusal(s, cmd))
        if s.closed:
            log.warning(
                "%s %s %s not applied: its connection closed before it could be", s.user, cmd.action, cmd.id
            )
            message = "not applied: the connection closed before it could be"
            ack = Ack(id=cmd.id, ok=False, error=AckError(code=ErrorCode.UNAVAILABLE, message=message))
            raise _NotApplied(self._ack_frame(s, ack))
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
            message = self._bounded_refusal(record, refused.message)
            ack = Ack(
                id=cmd.id,
                ok=False,
                error=AckError(code=refused.code, message=message, details=refused.details),
            )
            record.error_code, record.error_message = refused.code, message
            if refused.details is not None:  # kept so a re-send after a restart gets them too
                record.result = {"details": refused.details}
            ticket = self.sequencer.submit([], audit=[record])
            log.info("%s refused %s %s: %s", s.user, record.action, cmd.id, cut_text(message, 200))
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
        if s.closed and ack.ok:
            # Committed after its connection closed (the store was slow or held): reported here,
            # and the ack is kept, so the console's re-send of the same id is told it was applied.
            log.warning(
                "%s %s %s was committed after its connection closed; a re-send of its id is told so",
                s.user,
                cmd.action,
                cmd.id,
            )
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

    def _bounded_refusal(self, record: AuditRecord, message: str) -> str:
        """A refused command's audit: its arguments as a bounded summary, its action and message cut."""
        lim = self.config.limits
        record.args = summarize_args(record.args, lim.audit_args_bytes)
        record.action = cut_text(record.action, 100)
        return cut_text(message, lim.audit_message_chars)

    def _audit_time(self) -> str:
        """When an audited command happened: the feed clock as clients see it."""
        return self.sequencer.feed_clock() or iso(self.sequencer.last_at_ms)

    async def _answer_query(
        self, s: ClientSession, cmd: Command, guard: ConnectionGuard | None = None
    ) -> bytes:
        """A read-only query: role and arguments checked, then read from the store off the loop.

        An answered query changes nothing and is not audited; a refused one is
        audited like any refused command (and answered after that commits).
        """
        assert self.store is not None and self.sim is not None
        ctx = CommandContext(
            user=s.user, role=s.role, state=self.state, driver=self.sim, extra={"history": self.history}
        )
        try:
            query = prepare_query(ctx, cmd.action, cmd.args)
        except CommandRefused as refused:
            if guard is not None:
                guard.bucket.take()  # a refused query is audited: it counts against the rate
            record = AuditRecord(
                at=self._audit_time(),
                user=s.user,
                role=s.role.value,
                command_id=cmd.id,
                action=cmd.action,
                args=cmd.args,
                ok=False,
                error_code=refused.code,
            )
            message = record.error_message = self._bounded_refusal(record, refused.message)
            log.info("%s refused %s %s: %s", s.user, record.action, cmd.id, cut_text(message, 200))
            await self.sequencer.wait_ticket(self.sequencer.submit([], audit=[record]))
            return self._ack_frame(
                s, Ack(id=cmd.id, ok=False, error=AckError(code=refused.code, message=message))
            )
        try:
            result = await asyncio.to_thread(query.run, self.store)
        except CommandRefused as refused:  # what only the store could tell (history.query: a day not held)
            return self._ack_frame(
                s, Ack(id=cmd.id, ok=False, error=AckError(code=refused.code, message=refused.message))
            )
        except Exception as exc:
            log.exception("%s %s %s failed", s.user, cmd.action, cmd.id)
            what = "the call history" if cmd.action == ActionName.QUERY_CALLS else "the store"
            if is_outage(exc):
                code, message = (
                    ErrorCode.STORE_UNAVAILABLE,
                    f"the gateway could not read {what}: {outage_reason(exc)}",
                )
            else:
                code, message = ErrorCode.INTERNAL, f"the gateway could not read {what}: {type(exc).__name__}"
            return protocol.encode(Ack(id=cmd.id, ok=False, error=AckError(code=code, message=message)))
        return self._ack_frame(s, Ack(id=cmd.id, ok=True, result=result))


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


#: The audit's command id of a command refused while the store was unavailable: this, then its id.
STORE_REFUSED_PREFIX = "store-unavailable/"
#: The audit's action for a connection's commands refused for their rate (one row per summary).
RATE_LIMITED_ACTION = "commands.rate_limited"
#: accept() errors that mean "out of file descriptors or memory", not a bug.
_OUT_OF_RESOURCES = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


def _address(ws: ServerConnection) -> str:
    """The peer's address without its port (what the per-address limits count by)."""
    remote = ws.remote_address
    return str(remote[0]) if remote else "?"


def _too_many_reason(seconds: float) -> str:
    """The 4429 close reason; the console reads the seconds from it (``retry after N s``)."""
    return f"too many failed sign-ins from this address; retry after {max(1, round(seconds))} s"


class _KeptSnapshot:
    """A built snapshot frame of one view, and the events after it in that view, made once
    for every client given it (``frames_upto``)."""

    def __init__(self, view: View, seq: int, frame: bytes) -> None:
        self.view = view
        self.seq = seq
        self.frame = frame
        self.built = time.monotonic()
        self._events: list[bytes] = []  # in the view: seq + 1 .. seq + len(_events)
        self._frames: tuple[int, list[tuple[bytes, int]]] = (seq, [])  # (up to, [(frame, last seq)])

    def frames_upto(self, upto: int, journal: ResumeJournal) -> list[tuple[bytes, int]] | None:
        """Events frames from just after the snapshot up to ``upto`` (none when it is not past
        the snapshot); None when the journal no longer holds them."""
        if upto <= self.seq:
            return []
        if self._frames[0] == upto:
            return self._frames[1]
        have = self.seq + len(self._events)
        if upto > have:
            more = journal.after(have, upto)
            if more is None:
                return None
            self._events.extend(view_events(more, self.view))
        count = upto - self.seq
        frames = []
        for start in range(0, count, EVENTS_PER_FRAME):
            chunk = self._events[start : min(start + EVENTS_PER_FRAME, count)]
            frames.append((protocol.events_frame(chunk), self.seq + start + len(chunk)))
        self._frames = (upto, frames)
        return frames


async def _fragments(data: bytes) -> AsyncIterator[memoryview]:
    """A large frame in fragments, the loop turning between them (websockets sends each as a
    continuation frame: receivers get one message)."""
    view = memoryview(data)
    for start in range(0, len(data), SNAPSHOT_FRAGMENT):
        if start:
            await asyncio.sleep(0)
        yield view[start : start + SNAPSHOT_FRAGMENT]


class _ChunkViews:
    """One chunk of committed events as each view sees it, made at most once per view."""

    def __init__(self, raws: list[bytes], types: list[str] | None = None) -> None:
        self._raws = raws
        self._types = types
        self._events: dict[View, list[bytes]] = {}
        self._frames: dict[View, bytes] = {}
        self._by_list: dict[int, bytes] = {}  # views that change nothing share one frame

    def events(self, view: View) -> list[bytes]:
        seen = self._events.get(view)
        if seen is None:
            seen = self._events[view] = view_events(self._raws, view, self._types)
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


class _NotApplied(Exception):
    """A command answered without being applied or audited as such (the store was unavailable,
    its connection closed): the answer is not kept, so the same id sent again is applied."""

    def __init__(self, frame: bytes) -> None:
        super().__init__("not applied")
        self.frame = frame


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
