"""Workspaces: which arrangement of the console's docks a role starts with.

*Floor* is the supervisor's (queues, agents, breaches, waiting calls, charts), *Work* the shift
manager's (cases beside the agent board, today's actions and the waiting calls below), *Quality*
the reviewer's (the review queue and the call history large). The console picks one from the
signed-in role the first time and remembers the user's own choice after that.
"""

from __future__ import annotations

from enum import StrEnum

from console.domain.permissions import Role


class Workspace(StrEnum):
    FLOOR = "floor"
    WORK = "work"
    QUALITY = "quality"


_BY_ROLE: dict[Role, Workspace] = {
    Role.VIEWER: Workspace.FLOOR,
    Role.SUPERVISOR: Workspace.FLOOR,
    Role.ADMIN: Workspace.FLOOR,
    Role.MANAGER: Workspace.WORK,
    Role.QUALITY: Workspace.QUALITY,
}


def workspace_for_role(role: str | None) -> Workspace:
    """The workspace a console signed in as ``role`` starts with.

    No role (a floor without a gateway, or not signed in yet) or one the table does not know
    gives *Floor*, the view everyone may watch.
    """
    try:
        known = Role(role) if role is not None else None
    except ValueError:
        known = None
    return _BY_ROLE.get(known, Workspace.FLOOR) if known is not None else Workspace.FLOOR


def workspace_named(name: object) -> Workspace | None:
    """A workspace from its saved name; None for anything else (an older or hand-edited file)."""
    try:
        return Workspace(str(name))
    except ValueError:
        return None
