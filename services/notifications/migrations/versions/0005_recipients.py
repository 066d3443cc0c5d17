"""recipients: consent, digest choice, suppression list, known users, digest items, email purpose

Revision ID: 0005_recipients
Revises: 0004_calendar
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0005_recipients"
down_revision = "0004_calendar"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recipient") as batch:
        batch.add_column(sa.Column("consent_confirmed_at", shared.db.UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("consent_source", sa.String(40), nullable=False, server_default=""))
        batch.add_column(sa.Column("unsubscribed_at", shared.db.UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("digest", sa.String(10), nullable=False, server_default="none"))
    # Who subscribed before this revision did so through network's double opt-in.
    op.execute(
        "UPDATE recipient SET consent_confirmed_at = updated_at, consent_source = 'double_opt_in' "
        "WHERE topics IS NOT NULL AND CAST(topics AS TEXT) NOT IN ('[]', 'null')"
    )
    with op.batch_alter_table("email") as batch:
        batch.add_column(sa.Column("purpose", sa.String(20), nullable=False, server_default="administrative"))
        batch.add_column(sa.Column("unsubscribe_url", sa.String(600), nullable=False, server_default=""))
    op.create_table(
        "known_user",
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("updated_at", shared.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "suppression",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False, server_default=""),
        sa.Column("source_event", sa.String(36), nullable=False, server_default=""),
        sa.Column("created_at", shared.db.UtcDateTime(), nullable=False),
        sa.Column("lifted_by", sa.String(36), nullable=True),
        sa.Column("lifted_at", shared.db.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_suppression_address_lifted", "suppression", ["address", "lifted_at"])
    op.create_table(
        "digest_item",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(120), nullable=False),
        sa.Column("contact_id", sa.String(36), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("created_at", shared.db.UtcDateTime(), nullable=False),
        sa.Column("digest_id", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "contact_id"),
    )
    op.create_index("ix_digest_item_contact_id", "digest_item", ["contact_id"])
    op.create_index("ix_digest_item_digest_id", "digest_item", ["digest_id"])


def downgrade() -> None:
    op.drop_table("digest_item")
    op.drop_table("suppression")
    op.drop_table("known_user")
    with op.batch_alter_table("email") as batch:
        batch.drop_column("unsubscribe_url")
        batch.drop_column("purpose")
    with op.batch_alter_table("recipient") as batch:
        for column in ("digest", "unsubscribed_at", "consent_source", "consent_confirmed_at"):
            batch.drop_column(column)
