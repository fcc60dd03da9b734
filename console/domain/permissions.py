"""Who may do what: the role table the gateway enforces on every command.

Hiding a button is a courtesy; this table is the rule. Actions that later
issues add are listed already so the table in docs/permissions.md stays whole.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    QUALITY = "quality"
    ADMIN = "admin"


_SUPERVISOR = {"agent.set_state", "call.move", "call.flag", "calls.query"}
_CASES = {"case.reassign", "case.undo_reassign"}

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.VIEWER: frozenset(),
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
    Role.MANAGER: frozenset(_SUPERVISOR | _CASES),
    Role.QUALITY: frozenset({"call.flag", "flag.update", "calls.query"}),
    Role.ADMIN: frozenset(_SUPERVISOR | _CASES | {"flag.update"}),
}


def allowed(role: Role, action: str) -> bool:
    return action in PERMISSIONS[role]
