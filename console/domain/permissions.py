"""Who may do what: the role table the gateway enforces on every command.

Hiding a button is a courtesy; this table is the rule. Actions that later
issues add are listed already so the table in docs/permissions.md stays whole.
"""

from __future__ import annotations

from enum import StrEnum

from console.domain.actions import ActionName


class Role(StrEnum):
    VIEWER = "viewer"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    QUALITY = "quality"
    ADMIN = "admin"
    # A process that brings events from a real system (an ACD, a call-log replay): it may
    # publish events and answer the commands forwarded to it, never watch the floor or
    # send commands of its own (see docs/adapters.md).
    ADAPTER = "adapter"


_SUPERVISOR = {
    ActionName.SET_AGENT_STATE,
    ActionName.MOVE_CALL,
    ActionName.FLAG_CALL,
    ActionName.QUERY_CALLS,
    ActionName.AGENT_TIMELINE,
    ActionName.QUERY_HISTORY,
}
_CASES = {ActionName.REASSIGN_CASES, ActionName.UNDO_REASSIGN}
# Staffing: which queues an agent serves.
_STAFFING = {ActionName.SET_AGENT_QUEUES}

PERMISSIONS: dict[Role, frozenset[ActionName]] = {
    Role.VIEWER: frozenset(),
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
    Role.MANAGER: frozenset(_SUPERVISOR | _CASES | _STAFFING),
    Role.QUALITY: frozenset(
        {
            ActionName.FLAG_CALL,
            ActionName.UPDATE_FLAG,
            ActionName.QUERY_CALLS,
            ActionName.AGENT_TIMELINE,
            ActionName.QUERY_HISTORY,
        }
    ),
    Role.ADMIN: frozenset(_SUPERVISOR | _CASES | _STAFFING | {ActionName.UPDATE_FLAG}),
    Role.ADAPTER: frozenset(),
}


def may_publish(role: Role) -> bool:
    """Whether ``role`` may publish events to the gateway (adapters only)."""
    return role is Role.ADAPTER


def may_watch(role: Role) -> bool:
    """Whether ``role`` is sent the floor (snapshot, events, heartbeats): everyone but adapters."""
    return role is not Role.ADAPTER


def allowed(role: Role, action: ActionName | str) -> bool:
    """Whether ``role`` may run ``action`` (a wire name that is no action is never allowed)."""
    return action in PERMISSIONS[role]
