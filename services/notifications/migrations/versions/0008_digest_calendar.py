"""digest items keep their iCalendar invitation, for the digest's calendar

Revision ID: 0008_digest_calendar
Revises: 0007_organizations_participants
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_digest_calendar"
down_revision = "0007_organizations_participants"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("digest_item") as batch:
        batch.add_column(sa.Column("calendar", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("digest_item") as batch:
        batch.drop_column("calendar")
