"""session revocation: sessions network ended (network.user.sessions_revoked)

Revision ID: 0002_session_revocation
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0002_session_revocation"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoked_session",
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("revoked_before", shared.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", name="pk_revoked_session"),
    )


def downgrade() -> None:
    op.drop_table("revoked_session")
