"""users: known users' roles, whether active, and as of which network.user.updated

Revision ID: 0006_users
Revises: 0005_recipients
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0006_users"
down_revision = "0005_recipients"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Users known before this revision came from password resets: no roles until network says.
    with op.batch_alter_table("known_user") as batch:
        batch.add_column(sa.Column("roles", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.text("true")))
        batch.add_column(sa.Column("as_of", shared.db.UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("known_user") as batch:
        for column in ("as_of", "active", "roles"):
            batch.drop_column(column)
