"""The Asterisk adapter's command line: ``python -m console.feeds.ami``.

``python -m console.feeds.ami --gateway URL --token T --ami HOST:PORT --ami-user USER
--ami-secret-file FILE [--ami-tls] [--timezone ZONE] [--day-starts HH:MM] [--config FILE]``

Runs until SIGINT or SIGTERM. Exit status: 0 after a clean stop, 1 when AMI
refused the login or the gateway the adapter, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import ssl
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from console import __version__
from console.domain.businessday import known_zone, parse_hhmm
from console.domain.entities import Centre
from console.feeds.adapters.ami.adapter import AmiAdapter, AmiEndpoint
from console.feeds.adapters.ami.config import AmiConfigError, load_config
from console.feeds.adapters.ami.floor import AmiFloor
from console.feeds.adapters.ami.protocol import AmiAuthError
from console.feeds.adapters.link import (
    AdapterLink,
    AdapterLinkError,
    add_token_options,
    add_transport_options,
    check_transport,
    read_secret_file,
    read_token,
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m console.feeds.ami",
        description="Bring an Asterisk's queues (app_queue, through AMI) to a gateway"
        " run with --source adapters.",
    )
    p.add_argument(
        "--gateway",
        required=True,
        metavar="URL",
        help="the gateway, wss://HOST:PORT (or ws:// on this machine)",
    )
    add_token_options(p)
    add_transport_options(p)
    p.add_argument("--ami", required=True, metavar="HOST:PORT", help="Asterisk's manager interface")
    p.add_argument("--ami-user", required=True, help="the manager.conf user")
    p.add_argument("--ami-secret-file", required=True, type=Path, help="a file holding that user's secret")
    p.add_argument("--ami-tls", action="store_true", help="AMI over TLS (manager.conf tlsenable)")
    p.add_argument("--ami-ca", type=Path, help="with --ami-tls: the CA file to trust (default: the system's)")
    p.add_argument("--timezone", help="the centre's time zone (default: this machine's)")
    p.add_argument("--day-starts", default="00:00", metavar="HH:MM", help="when the centre's day starts")
    p.add_argument("--config", type=Path, help="the adapter's TOML configuration (docs/adapters.md)")
    p.add_argument("--log-level", default="INFO", help="logging level (default INFO)")
    p.add_argument("--version", action="version", version=f"console-ami {__version__}")
    return p


def machine_zone() -> str:
    """This machine's IANA zone name, or UTC when it cannot be told."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and known_zone(tz) is not None:
        return tz
    with contextlib.suppress(OSError):
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
            if known_zone(name) is not None:
                return name
    local = datetime.now().astimezone().tzname()
    return local if local and known_zone(local) is not None else "UTC"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        host, _, port_text = args.ami.rpartition(":")
        if not host or not port_text.isdigit():
            raise ValueError(f"--ami {args.ami!r}: expected HOST:PORT")
        zone = args.timezone or machine_zone()
        if known_zone(zone) is None:
            raise ValueError(f"--timezone {zone!r} is not a time zone this machine knows")
        parse_hhmm(args.day_starts)
        token = read_token(args)
        check_transport(args.gateway, args)
        secret = read_secret_file(args.ami_secret_file, "--ami-secret-file")
        config = load_config(args.config)
        tls: ssl.SSLContext | None = None
        if args.ami_tls:
            tls = ssl.create_default_context(cafile=str(args.ami_ca) if args.ami_ca else None)
    except (OSError, ValueError, AmiConfigError, ssl.SSLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    centre = Centre(name=config.centre_name, timezone=zone, day_starts=args.day_starts)
    floor = AmiFloor(sl_default_s=config.sl_threshold_s, wrap_up_s=config.wrap_up_s, centre=centre)
    endpoint = AmiEndpoint(host=host, port=int(port_text), user=args.ami_user, secret=secret, tls=tls)

    async def run() -> None:
        link = AdapterLink(args.gateway, token, ca=args.ca, insecure=args.insecure)
        adapter = AmiAdapter(link, endpoint, floor, config)
        link.on_request = adapter.on_request
        task = asyncio.create_task(adapter.run())
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, task.cancel)
        try:
            await task
        except asyncio.CancelledError:
            logging.getLogger("console.ami").info("stopping")
        finally:
            await link.close()

    try:
        asyncio.run(run())
    except (AmiAuthError, AdapterLinkError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
