"""Completed calls (for calls.query and flagging) and quality flags with their history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

Written by hand to match console/store/schema.py; tests/store/test_store.py checks
that autogenerate finds nothing left to do against the models. Calls that
finished before this revision are not back-filled: the history starts here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As schema.BigId, spelled out here so this revision never changes with the models.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("queue_id", sa.Text(), nullable=False),
        sa.Column("agent_id", sa.Text(), nullable=True),
        sa.Column("caller", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.Text(), nullable=True),
        sa.Column("ended_at", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("wait_s", sa.Float(), nullable=False),
        sa.Column("talk_s", sa.Float(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("short_abandon", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    with op.batch_alter_table("calls") as batch_op:
        batch_op.create_index("ix_calls_entered_at_id", ["entered_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_ended_at"), ["ended_at"], unique=False)

    op.create_table(
        "flags",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("call_id", sa.Text(), nullable=False),
        sa.Column("queue_id", sa.Text(), nullable=False),
        sa.Column("agent_id", sa.Text(), nullable=True),
        sa.Column("team", sa.Text(), nullable=True),
        sa.Column("caller", sa.Text(), nullable=False),
        sa.Column("call_started_at", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("severity", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("moment_s", sa.Float(), nullable=True),
        sa.Column("flagged_by", sa.Text(), nullable=False),
        sa.Column("flagged_at", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.Text(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.Text(), nullable=True),
        sa.Column("updated_seq", BigId, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flags")),
    )
    with op.batch_alter_table("flags") as batch_op:
        batch_op.create_index(batch_op.f("ix_flags_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_flags_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_flags_flagged_at"), ["flagged_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_flags_status"), ["status"], unique=False)

    op.create_table(
        "flag_history",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("flag_id", sa.Text(), nullable=False),
        sa.Column("seq", BigId, nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["flag_id"], ["flags.id"], name=op.f("fk_flag_history_flag_id_flags")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_history")),
    )
    with op.batch_alter_table("flag_history") as batch_op:
        batch_op.create_index("ix_flag_history_flag_id_seq", ["flag_id", "seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("flag_history") as batch_op:
        batch_op.drop_index("ix_flag_history_flag_id_seq")
    op.drop_table("flag_history")
    with op.batch_alter_table("flags") as batch_op:
        batch_op.drop_index(batch_op.f("ix_flags_status"))
        batch_op.drop_index(batch_op.f("ix_flags_flagged_at"))
        batch_op.drop_index(batch_op.f("ix_flags_call_id"))
        batch_op.drop_index(batch_op.f("ix_flags_agent_id"))
    op.drop_table("flags")
    with op.batch_alter_table("calls") as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_ended_at"))
        batch_op.drop_index(batch_op.f("ix_calls_agent_id"))
        batch_op.drop_index("ix_calls_entered_at_id")
    op.drop_table("calls")
