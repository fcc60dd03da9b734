"""Agents' state spells and the case changes that concern them (for ``agent.timeline``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Written by hand to match console/store/schema.py; tests/store/test_store.py checks
that autogenerate finds nothing left to do against the models. Nothing is
back-filled: an agent's timeline starts with this revision.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As schema.BigId, spelled out here so this revision never changes with the models.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "agent_states",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("agent_id", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("started_at", sa.Text(), nullable=False),
        sa.Column("seq", BigId, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_states")),
    )
    with op.batch_alter_table("agent_states") as batch_op:
        batch_op.create_index("ix_agent_states_agent_id_started_at", ["agent_id", "started_at"], unique=False)

    op.create_table(
        "agent_cases",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("agent_id", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Text(), nullable=False),
        sa.Column("seq", BigId, nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_cases")),
    )
    with op.batch_alter_table("agent_cases") as batch_op:
        batch_op.create_index("ix_agent_cases_agent_id_at", ["agent_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("agent_cases") as batch_op:
        batch_op.drop_index("ix_agent_cases_agent_id_at")
    op.drop_table("agent_cases")
    with op.batch_alter_table("agent_states") as batch_op:
        batch_op.drop_index("ix_agent_states_agent_id_started_at")
    op.drop_table("agent_states")
