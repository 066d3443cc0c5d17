"""calendar: an email may carry an iCalendar invitation

Revision ID: 0004_calendar
Revises: 0003_merge
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_calendar"
down_revision = "0003_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("email") as batch:
        batch.add_column(sa.Column("calendar", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("email") as batch:
        batch.drop_column("calendar")
