"""Users: keyed lookup and salted scrypt verifier instead of the unsalted SHA-256; last use, revocation.

The old ``token_hash`` (unsalted SHA-256) is dropped, not converted: the token
it came from is unknown, and keeping it would keep a cheaply guessable hash in
the database until every user signs in again. Users keep their name and role
with no usable token: ``console-gateway users rotate NAME`` gives them a new one
(users given with ``--user``/``--user-file``/``CONSOLE_GATEWAY_USERS`` get their
token back when the gateway starts). See docs/security.md.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint("uq_users_token_hash", type_="unique")
        batch_op.drop_column("token_hash")
        batch_op.add_column(sa.Column("token_key", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("token_verifier", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.Text(), nullable=True))
        batch_op.create_unique_constraint("uq_users_token_key", ["token_key"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint("uq_users_token_key", type_="unique")
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("token_verifier")
        batch_op.drop_column("token_key")
        batch_op.add_column(sa.Column("token_hash", sa.Text(), nullable=True))
    # No token survives the way down either: a value no SHA-256 hex can equal.
    op.execute("UPDATE users SET token_hash = 'none:' || name")
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("token_hash", existing_type=sa.Text(), nullable=False)
        batch_op.create_unique_constraint("uq_users_token_hash", ["token_hash"])
