"""organizations (languages for the fallback) and KI-event participants; merges the two 0006 heads

Revision ID: 0007_organizations_participants
Revises: 0006_users, 0006_delivery_deferrals_as_of
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0007_organizations_participants"
down_revision = ("0006_users", "0006_delivery_deferrals_as_of")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organization",
        sa.Column("organization_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("as_of", shared.db.UtcDateTime(), nullable=True),
    )
    op.create_table(
        "ki_event_participant",
        sa.Column("registration_id", sa.String(36), primary_key=True),
        sa.Column("ki_event_id", sa.String(36), nullable=False),
        sa.Column("address_key", sa.String(80), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("as_of", shared.db.UtcDateTime(), nullable=True),
    )
    op.create_index("ix_ki_event_participant_ki_event_id", "ki_event_participant", ["ki_event_id"])


def downgrade() -> None:
    op.drop_index("ix_ki_event_participant_ki_event_id", "ki_event_participant")
    op.drop_table("ki_event_participant")
    op.drop_table("organization")
