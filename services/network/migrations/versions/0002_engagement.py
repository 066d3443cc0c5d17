"""engagement: subscriptions with double opt-in, KI events and their registrations

Revision ID: 0002_engagement
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import shared.db


revision = "0002_engagement"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending_topics", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("pending_districts", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("requested_at", shared.db.UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("unsubscribed_at", shared.db.UtcDateTime(), nullable=True))

    op.create_table(
        "ki_event",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_at", shared.db.UtcDateTime(), nullable=False),
        sa.Column("ends_at", shared.db.UtcDateTime(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("districts", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.db.UtcDateTime(), nullable=False),
        sa.Column("updated_at", shared.db.UtcDateTime(), nullable=False),
        sa.Column("published_at", shared.db.UtcDateTime(), nullable=True),
        sa.Column("cancelled_at", shared.db.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ki_event"),
    )
    with op.batch_alter_table("ki_event", schema=None) as batch_op:
        batch_op.create_index("ix_ki_event_starts_at", ["starts_at"], unique=False)
        batch_op.create_index("ix_ki_event_status", ["status"], unique=False)

    op.create_table(
        "ki_event_registration",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", shared.db.UtcDateTime(), nullable=False),
        sa.Column("confirmed_at", shared.db.UtcDateTime(), nullable=True),
        sa.Column("cancelled_at", shared.db.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["ki_event.id"], name="fk_ki_event_registration_event_id"),
        sa.PrimaryKeyConstraint("id", name="pk_ki_event_registration"),
    )
    with op.batch_alter_table("ki_event_registration", schema=None) as batch_op:
        batch_op.create_index("ix_ki_event_registration_email", ["email"], unique=False)
        batch_op.create_index(
            "ix_ki_event_registration_event_status", ["event_id", "status"], unique=False
        )


def downgrade() -> None:
    op.drop_table("ki_event_registration")
    op.drop_table("ki_event")
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_column("unsubscribed_at")
        batch_op.drop_column("pending_districts")
        batch_op.drop_column("pending_topics")
        batch_op.drop_column("requested_at")
