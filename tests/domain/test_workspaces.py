"""The workspace a role starts with (no Qt)."""

from __future__ import annotations

import pytest

from console.domain.permissions import Role
from console.domain.workspaces import Workspace, workspace_for_role, workspace_named


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("viewer", Workspace.FLOOR),
        ("supervisor", Workspace.FLOOR),
        ("admin", Workspace.FLOOR),
        ("manager", Workspace.WORK),
        ("quality", Workspace.QUALITY),
        (None, Workspace.FLOOR),  # no gateway (a FloorSource) or not signed in yet
        ("adapter", Workspace.FLOOR),  # never a console's, but never an error either
        ("superuser", Workspace.FLOOR),  # a role this console does not know
    ],
)
def test_the_role_picks_the_first_workspace(role: str | None, expected: Workspace) -> None:
    assert workspace_for_role(role) is expected


def test_every_console_role_has_a_workspace() -> None:
    assert {workspace_for_role(r.value) for r in Role} == set(Workspace)


def test_saved_names_are_read_back_and_anything_else_is_refused() -> None:
    assert workspace_named("work") is Workspace.WORK
    assert workspace_named("") is None
    assert workspace_named(None) is None
    assert workspace_named("Floor") is None
