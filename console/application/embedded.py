"""A gateway inside the console's own process, so ``python main.py`` shows a live centre at once.

The gateway runs on a background thread with its own asyncio loop, exactly as a
separate process would serve it: on 127.0.0.1, over a real websocket, with a
SQLite database, and the console connects to it like to any other gateway.
Nothing here imports Qt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import tempfile
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from console.domain.permissions import Role
from console.feeds.gateway.config import GatewayConfig, UserSpec
from console.feeds.gateway.server import Gateway
from console.feeds.sources.simulator.names import check_language
from console.feeds.sources.simulator.scenario import resolve_scenario

log = logging.getLogger("console.application.embedded")

T = TypeVar("T")


class EmbeddedGateway:
    """A Gateway serving from a daemon thread; ``start()`` returns once it accepts connections."""

    def __init__(self, config: GatewayConfig, *, token: str | None = None) -> None:
        self.config = config
        self.token = token
        self.gateway = Gateway(config)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run_loop, name="embedded-gateway", daemon=True)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._started = False

    @classmethod
    def temporary(
        cls,
        *,
        scenario: str = "bank",
        seed: int = 1,
        speed: float = 10.0,
        start: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        lang: str = "en",
    ) -> EmbeddedGateway:
        """A gateway on a fresh SQLite database in a temporary directory, with a one-time admin token.

        ``lang`` ("en" or "zh_CN", else ValueError) is the language of the simulated centre's
        names: the console passes its interface language so a demo speaks it throughout.
        """
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        check_language(lang)  # before the temporary directory exists, so nothing is left behind
        tmp = tempfile.TemporaryDirectory(prefix="supervisor-console-")
        token = secrets.token_urlsafe(32)
        config = GatewayConfig(
            host=host,
            port=port,
            scenario=resolve_scenario(scenario),
            seed=seed,
            speed=speed,
            db_url=f"sqlite:///{Path(tmp.name) / 'gateway.db'}",
            start=start,
            users=[UserSpec("admin", Role.ADMIN, token)],
            lang=lang,
        )
        embedded = cls(config, token=token)
        embedded._tmp = tmp
        return embedded

    @property
    def url(self) -> str:
        return self.gateway.url

    @property
    def fatal(self) -> BaseException | None:
        """Why the gateway stopped on its own, if it did."""
        return self.gateway.fatal

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    def _run(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def start(self, timeout: float = 60.0) -> None:
        """Start the loop thread and the gateway; raises what the gateway raised if it cannot start."""
        self._thread.start()
        try:
            self._run(self.gateway.start(), timeout)
        except BaseException:
            self._shutdown_loop()
            self._cleanup()
            raise
        self._started = True
        log.info("embedded gateway on %s", self.url)

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the gateway (it checkpoints and closes its store), end the loop, remove the database."""
        if self._started:
            self._started = False
            try:
                self._run(self.gateway.stop(), timeout)
            except Exception:  # shutting down anyway: say so, do not hang the console's exit
                log.exception("the embedded gateway did not stop cleanly")
        self._shutdown_loop(timeout)
        self._cleanup()

    def _shutdown_loop(self, timeout: float = 10.0) -> None:
        if self._thread.is_alive():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
        if not self._thread.is_alive() and not self._loop.is_closed():
            self._loop.close()

    def _cleanup(self) -> None:
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                self._tmp.cleanup()
            self._tmp = None
