"""delivery: deferrals (the server refused us, not the recipient) and recipients' "as of" time

Revision ID: 0006_delivery_deferrals_as_of
Revises: 0005_recipients
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0006_delivery_deferrals_as_of"
down_revision = "0005_recipients"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("email") as batch:
        batch.add_column(sa.Column("deferrals", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("recipient") as batch:
        batch.add_column(sa.Column("as_of", shared.db.UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recipient") as batch:
        batch.drop_column("as_of")
    with op.batch_alter_table("email") as batch:
        batch.drop_column("deferrals")
