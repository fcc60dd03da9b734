"""The gateway's command line: ``python -m console.feeds.gateway`` and the ``console-gateway`` script.

``console-gateway users ...`` manages the users of a database (``users_cli``).
Otherwise parses the options into a ``GatewayConfig``, runs a ``Gateway`` until SIGINT or
SIGTERM (or until it cannot go on), and prints ``listening ws://HOST:PORT``
(``wss://`` with ``--tls-cert`` and ``--tls-key``) once it accepts connections. Exit
status: 0 after a clean stop, 2 for bad options, 1 when the gateway failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import faulthandler
import gc
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from console import __version__
from console.domain.clock import check_start
from console.feeds.gateway import allocator, users_cli
from console.feeds.gateway.config import SOURCES, GatewayConfig, UserSpec, parse_user
from console.feeds.gateway.directory import load_directory_config
from console.feeds.gateway.server import Gateway, GatewayFailedError
from console.feeds.gateway.transport import check_origin_option
from console.feeds.gateway.users import read_user_file, token_warnings, users_from_env
from console.feeds.sources.load_centre import LoadShape
from console.feeds.sources.simulator.names import DEFAULT_LANGUAGE, LANGUAGES
from console.feeds.sources.simulator.scenario import DEFAULT_SCENARIO, ScenarioError, resolve_scenario
from console.store.retention import DEFAULT_KEEP_DAYS


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m console.feeds.gateway",
        description="Serve the live contact-centre feed (protocol v1) from the built-in simulator"
        " or from adapters that bring a real system's events (docs/adapters.md)."
        " `users add|list|revoke|rotate` (first argument) manages the users of its database.",
    )
    p.add_argument(
        "--source",
        default="sim",
        choices=SOURCES,
        help="what drives the floor: sim, the built-in simulated centre (default), or adapters:"
        " nothing inside, separate adapter processes (role adapter) publish the events",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one (default 8765)")
    p.add_argument(
        "--tls-cert",
        type=Path,
        metavar="FILE",
        help="serve wss:// (TLS 1.2+) with this certificate (PEM, with its chain); needs --tls-key",
    )
    p.add_argument(
        "--tls-key",
        type=Path,
        metavar="FILE",
        help="the certificate's private key (PEM); refused unless only its owner can read it (chmod 600)",
    )
    p.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="URL",
        help="a web origin (scheme://host[:port]) whose browser handshakes are served (repeatable);"
        " handshakes with any other Origin are refused (HTTP 403); consoles and adapters send none",
    )
    p.add_argument("--scenario", default=str(DEFAULT_SCENARIO), help="scenario TOML file or bundled name")
    p.add_argument("--seed", type=int, default=1, help="random seed of the simulator (default 1)")
    p.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second (default 1)")
    p.add_argument(
        "--keep-days",
        type=int,
        default=DEFAULT_KEEP_DAYS,
        help="business days of journal, completed calls, agent states and closed cases' history kept"
        f" besides today's (default {DEFAULT_KEEP_DAYS}); 0 keeps everything. The audit is kept for good",
    )
    p.add_argument(
        "--lang",
        default=DEFAULT_LANGUAGE,
        choices=LANGUAGES,
        help="language of the centre's, queues', teams' and agents' names and of case subjects"
        f" (default {DEFAULT_LANGUAGE}); ids are the same in every language."
        " An existing database keeps the names it has",
    )
    p.add_argument(
        "--start",
        help="feed-clock start, ISO 8601 UTC (default: today at the scenario's start time);"
        " on an existing database the clock resumes where it stopped if that is later",
    )
    p.add_argument(
        "--db", help="database URL: sqlite:///FILE or postgresql+psycopg://... (default: user data dir)"
    )
    p.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="NAME:ROLE:TOKEN",
        help="a user who may connect (repeatable; for demos and tests: the token shows in ps, so"
        " use --user-file or CONSOLE_GATEWAY_USERS). With no users given and none in the"
        " database, a one-time admin token is printed",
    )
    p.add_argument(
        "--user-file",
        type=Path,
        metavar="FILE",
        help="users who may connect, one NAME:ROLE:TOKEN a line (# comments); only its owner may"
        " read it (chmod 600). Also: CONSOLE_GATEWAY_USERS with the same lines",
    )
    p.add_argument(
        "--secret-file",
        type=Path,
        metavar="FILE",
        help="the server secret keying stored tokens (made on first use; default beside a SQLite"
        " database, or CONSOLE_GATEWAY_SECRET / CONSOLE_GATEWAY_SECRET_FILE)",
    )
    p.add_argument(
        "--ldap-config",
        metavar="FILE",
        help="sign-in by name and password against an LDAP directory, roles from its groups:"
        " a TOML file (url, user_dn or user_base, group_base, [roles]; docs/security.md)",
    )
    p.add_argument(
        "--load",
        type=float,
        metavar="RATE",
        help="benchmarks: serve a synthetic load centre at RATE events per second instead of the simulator",
    )
    p.add_argument(
        "--load-size",
        default="5000x200x50000",
        metavar="AxQxC",
        help="with --load: agents, queues and open cases (default 5000x200x50000)",
    )
    p.add_argument(
        "--compression",
        choices=["deflate", "none"],
        default="none",
        help="permessage-deflate on the websocket if the client offers it (default none: on a LAN"
        " compressing every frame once per client costs the gateway more than it saves; docs/performance.md)",
    )
    p.add_argument("--log-level", default="INFO", help="logging level (default INFO)")
    p.add_argument("--version", action="version", version=f"console-gateway {__version__}")
    return p


async def run(config: GatewayConfig) -> None:
    """Serve until SIGINT or SIGTERM, or until the gateway cannot go on (then GatewayFailedError)."""
    gateway = Gateway(config)
    # The handlers go in before "listening" is printed: whoever waits for that line may
    # stop the gateway at once, and SIGTERM must then be a clean stop, not a kill.
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, gateway.stopping.set)
    await gateway.start()
    # What is there once started (the code, the floor as restored or bootstrapped) lives as long
    # as the process: kept out of the collector's full scans, which otherwise stopped the loop
    # for 50 to 200 ms every few seconds on a large floor (docs/performance.md, storms).
    gc.collect()
    gc.freeze()
    print(f"listening {gateway.url}", flush=True)
    if gateway.admin_token is not None:
        print(f"admin token: {gateway.admin_token}", flush=True)
    try:
        await gateway.stopping.wait()
    finally:
        await gateway.stop()
    if gateway.fatal is not None:
        raise GatewayFailedError(f"the gateway stopped: {gateway.fatal!r}")


def given_users(args: argparse.Namespace) -> list[UserSpec]:
    """``--user``, ``--user-file`` and ``CONSOLE_GATEWAY_USERS``; warnings on stderr for tokens at risk."""
    command_line = [parse_user(u) for u in args.user]
    others = users_from_env()
    if args.user_file is not None:
        others += read_user_file(args.user_file)
    for warning in token_warnings(command_line, others):
        print(warning, file=sys.stderr, flush=True)
    return [*command_line, *others]


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["users"]:
        return users_cli.main(argv[1:])
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # A fatal signal (SIGBUS from a failing disk, SIGSEGV) says where it struck on stderr, not nothing.
    with contextlib.suppress(OSError, ValueError, AttributeError):  # stderr without a file (captured)
        faulthandler.enable()
    try:
        if args.speed <= 0:
            raise ValueError(f"--speed must be positive, got {args.speed}")
        if args.keep_days < 0:
            raise ValueError(f"--keep-days must be 0 or more, got {args.keep_days}")
        if args.start is not None:
            check_start(args.start)  # a clear message for a bad or out-of-range date, not a traceback
        config = GatewayConfig(
            host=args.host,
            port=args.port,
            scenario=resolve_scenario(args.scenario),
            seed=args.seed,
            speed=args.speed,
            db_url=args.db,
            start=args.start,
            lang=args.lang,
            keep_days=args.keep_days,
            source=args.source,
            users=given_users(args),
            secret_file=args.secret_file,
            directory=load_directory_config(Path(args.ldap_config)) if args.ldap_config else None,
            load=LoadShape.parse(args.load_size, args.load) if args.load is not None else None,
            compression=args.compression == "deflate",
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            allow_origins=[check_origin_option(o) for o in args.allow_origin],
        )
        # Before the loop and the store's threads exist: the arenas are chosen as threads first allocate.
        allocator.tune()
        asyncio.run(run(config))
    except (ScenarioError, ValueError) as exc:  # SecretFileError too
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except GatewayFailedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0
