"""What every action works with: the ``CommandContext`` it runs in and the ``Outcome`` it gives.

An action either returns an ``Outcome`` (the events the driver made, the ack's
result, the audit's before and after) or raises ``CommandRefused``, having
changed nothing. What an action needs from the store is looked up by the gateway
before it runs and handed in here (see ``registry.lookups_wanted``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from console.domain.entities import CompletedCall
from console.domain.events import EventAt
from console.domain.permissions import Role
from console.domain.state import FloorState
from console.feeds.gateway.driver import CentreDriver


class CommandRefused(Exception):
    def __init__(self, code: str, message: str, details: Any = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details


@dataclass
class Outcome:
    events: list[EventAt]
    result: dict[str, Any]
    before: Any = None
    # Describes the state once the events are applied, for the audit record.
    after: Callable[[], Any] | None = None


@dataclass(frozen=True)
class PastCommand:
    """An audited command, as an action that refers to it sees it."""

    command_id: str
    user: str
    action: str
    ok: bool
    result: dict[str, Any] | None
    before: Any
    after: Any


@dataclass
class CommandContext:
    user: str
    role: Role
    state: FloorState
    driver: CentreDriver
    # The audit records of the command id named by the arguments (see lookups_wanted).
    past: Sequence[PastCommand] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    # Completed calls named by the arguments, by id, as the store has them (see lookups_wanted).
    calls: Mapping[str, CompletedCall] = field(default_factory=dict)
    # Users named by the arguments: name -> role, or None for no such user (see lookups_wanted).
    users: Mapping[str, str | None] = field(default_factory=dict)
    # The feed clock the command's events get (epoch ms); None: the driver's clock.
    now_ms: int | None = None
    # Issues the next flag id (the gateway's counter); needed by call.flag only.
    new_flag_id: Callable[[], str] | None = None

    @property
    def clock_ms(self) -> int:
        return self.driver.now_ms if self.now_ms is None else self.now_ms
