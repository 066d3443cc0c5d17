"""subscription: newsletter mail one by one or as a daily/weekly digest

Revision ID: 0005_digest
Revises: 0004_search_tuning
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_digest"
down_revision = "0004_search_tuning"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest", sa.String(length=10), server_default="none", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_column("digest")
