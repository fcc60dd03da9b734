"""Index the audit by command id alone, so a command can find any user's earlier one (undo).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit") as batch_op:
        batch_op.create_index("ix_audit_command_id", ["command_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch_op:
        batch_op.drop_index("ix_audit_command_id")
