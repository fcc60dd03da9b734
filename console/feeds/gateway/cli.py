"""The gateway's command line: ``python -m console.feeds.gateway`` and the ``console-gateway`` script.

Parses the options into a ``GatewayConfig``, runs a ``Gateway`` until SIGINT or
SIGTERM (or until it cannot go on), and prints ``listening ws://HOST:PORT`` once it
accepts connections. Exit status: 0 after a clean stop, 2 for bad options, 1
when the gateway failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from console import __version__
from console.domain.clock import to_ms
from console.feeds.gateway.config import SOURCES, GatewayConfig, parse_user
from console.feeds.gateway.directory import load_directory_config
from console.feeds.gateway.server import Gateway, GatewayFailedError
from console.feeds.sources.load_centre import LoadShape
from console.feeds.sources.simulator.names import DEFAULT_LANGUAGE, LANGUAGES
from console.feeds.sources.simulator.scenario import DEFAULT_SCENARIO, ScenarioError, resolve_scenario


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m console.feeds.gateway",
        description="Serve the live contact-centre feed (protocol v1) from the built-in simulator"
        " or from adapters that bring a real system's events (docs/adapters.md).",
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
    p.add_argument("--scenario", default=str(DEFAULT_SCENARIO), help="scenario TOML file or bundled name")
    p.add_argument("--seed", type=int, default=1, help="random seed of the simulator (default 1)")
    p.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second (default 1)")
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
        help="a user who may connect (repeatable); with none, a one-time admin token is printed",
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
    print(f"listening {gateway.url}", flush=True)
    if gateway.admin_token is not None:
        print(f"admin token: {gateway.admin_token}", flush=True)
    try:
        await gateway.stopping.wait()
    finally:
        await gateway.stop()
    if gateway.fatal is not None:
        raise GatewayFailedError(f"the gateway stopped: {gateway.fatal!r}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.speed <= 0:
            raise ValueError(f"--speed must be positive, got {args.speed}")
        if args.start is not None:
            to_ms(args.start)
        config = GatewayConfig(
            host=args.host,
            port=args.port,
            scenario=resolve_scenario(args.scenario),
            seed=args.seed,
            speed=args.speed,
            db_url=args.db,
            start=args.start,
            lang=args.lang,
            source=args.source,
            users=[parse_user(u) for u in args.user],
            directory=load_directory_config(Path(args.ldap_config)) if args.ldap_config else None,
            load=LoadShape.parse(args.load_size, args.load) if args.load is not None else None,
        )
        asyncio.run(run(config))
    except (ScenarioError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except GatewayFailedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0
