"""engagement: recipients remember network's signed link to their preference page

Revision ID: 0002_engagement
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = "0002_engagement"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recipient", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("preferences_url", sa.String(length=500), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("recipient", schema=None) as batch_op:
        batch_op.drop_column("preferences_url")
