"""How a gateway is set up: its options (``GatewayConfig``) and the users who may connect.

Plain data and parsing, nothing started: the command line (``cli``), the
console's embedded gateway and the tests all build a ``GatewayConfig``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from console.domain.clock import check_start
from console.domain.permissions import Role
from console.feeds.gateway.directory import DirectoryConfig
from console.feeds.gateway.limits import Limits
from console.feeds.sources.load_centre import LoadShape
from console.feeds.sources.simulator.names import DEFAULT_LANGUAGE, check_language
from console.feeds.sources.simulator.scenario import DEFAULT_SCENARIO
from console.store.retention import DEFAULT_KEEP_DAYS

#: What may drive the floor (``--source``).
SOURCES = ("sim", "adapters")


@dataclass(frozen=True)
class UserSpec:
    name: str
    role: Role
    token: str


def parse_user(text: str) -> UserSpec:
    """Parse ``NAME:ROLE:TOKEN`` (the token may itself contain colons)."""
    parts = text.split(":", 2)
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"--user {text.split(':', 1)[0]!r}...: expected NAME:ROLE:TOKEN")
    name, role, token = parts
    try:
        return UserSpec(name, Role(role), token)
    except ValueError:
        raise ValueError(
            f"--user {name}: unknown role {role!r}; roles are {', '.join(r.value for r in Role)}"
        ) from None


@dataclass
class GatewayConfig:
    host: str = "127.0.0.1"
    port: int = 0
    scenario: Path = DEFAULT_SCENARIO
    seed: int = 1
    speed: float = 1.0
    db_url: str | None = None
    start: str | None = (
        None  # feed-clock start on a fresh store (ISO); default today at the scenario's start time
    )
    users: list[UserSpec] = field(default_factory=list)
    checkpoint_every: int = 20_000
    tick_s: float = 0.02
    heartbeat_s: float = 0.5
    hello_timeout_s: float = 10.0
    client_max_frames: int = 2000
    journal_min_events: int = 100_000
    keep_days: int = DEFAULT_KEEP_DAYS  # business days kept besides today's; 0 keeps everything
    load: LoadShape | None = None  # a synthetic load centre instead of the simulator (benchmarks)
    compression: bool = False  # permessage-deflate when the client offers it (--compression)
    # What drives the floor: "sim" (the simulator, or the load centre with ``load``) or
    # "adapters" (nothing inside: adapters publish the events, see docs/adapters.md).
    source: str = "sim"
    # How long a command forwarded to an adapter may wait for its answer.
    forward_timeout_s: float = 10.0
    # Display language of the simulated centre's names ("en" or "zh_CN"); ids are the same in both,
    # so any console can use a gateway in either language. A restored floor keeps its stored names.
    lang: str = DEFAULT_LANGUAGE
    # What one client may cost the gateway: frame sizes, command rate, sign-in attempts (limits.py).
    limits: Limits = field(default_factory=Limits)
    # TLS: with both, the gateway serves wss:// (see ``transport``); the key readable by its owner only.
    tls_cert: Path | None = None
    tls_key: Path | None = None
    # Origins (scheme://host[:port]) whose browser handshakes are served; without an Origin, all are.
    allow_origins: list[str] = field(default_factory=list)
    # The server secret keying stored tokens (console/store/tokens.py); default beside a
    # SQLite database, or CONSOLE_GATEWAY_SECRET / CONSOLE_GATEWAY_SECRET_FILE.
    secret_file: Path | None = None
    # How often the users version in the store is polled, to sign out revoked users.
    users_poll_s: float = 1.0
    # Directory sign-in (``--ldap-config``): names and passwords checked against LDAP, roles
    # from groups (console/feeds/gateway/directory.py). None: tokens only.
    directory: DirectoryConfig | None = None

    def __post_init__(self) -> None:
        check_language(self.lang)
        if self.start is not None:
            check_start(self.start)
        if self.source not in SOURCES:
            raise ValueError(f"unknown source {self.source!r}; sources are {', '.join(SOURCES)}")
        if self.source == "adapters" and self.load is not None:
            raise ValueError("--load runs the synthetic load centre; it cannot go with --source adapters")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("--tls-cert and --tls-key go together: give both to serve wss://, or neither")
