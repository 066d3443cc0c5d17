"""identity: account state, sign-in sessions, refresh rotation, throttling, resets, audit trail

Columns are added with ``op.add_column`` (native on SQLite too), so ``user_account`` is not
rebuilt and the rows that reference it stay untouched.

Revision ID: 0002_identity
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0002_identity"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC = shared.db.UtcDateTime


def upgrade() -> None:
    op.add_column("user_account", sa.Column("language", sa.String(8), nullable=False, server_default="de"))
    op.add_column(
        "user_account", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.text("true"))
    )
    op.add_column("user_account", sa.Column("created_at", UTC(), nullable=True))
    op.add_column("user_account", sa.Column("last_login_at", UTC(), nullable=True))
    _sessions()
    op.create_table(
        "login_throttle",
        sa.Column("email_hash", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", UTC(), nullable=False),
        sa.Column("locked_until", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("email_hash", name="pk_login_throttle"),
    )
    op.create_table(
        "password_reset_token",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("expires_at", UTC(), nullable=False),
        sa.Column("used_at", UTC(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name="fk_password_reset_token_user"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_password_reset_token"),
    )
    op.create_index("ix_password_reset_token_user_id", "password_reset_token", ["user_id"])
    _audit_and_revocations()


def _sessions() -> None:
    op.create_table(
        "user_session",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("refresh_token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("last_used_at", UTC(), nullable=False),
        sa.Column("expires_at", UTC(), nullable=False),
        sa.Column("revoked_at", UTC(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name="fk_user_session_user"),
        sa.PrimaryKeyConstraint("id", name="pk_user_session"),
        sa.UniqueConstraint("refresh_token_hash", name="uq_user_session_refresh_token_hash"),
    )
    op.create_index("ix_user_session_user_id", "user_session", ["user_id"])
    op.create_table(
        "rotated_refresh_token",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=False),
        sa.Column("rotated_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["user_session.id"], name="fk_rotated_refresh_token_session"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_rotated_refresh_token"),
    )
    op.create_index("ix_rotated_refresh_token_session_id", "rotated_refresh_token", ["session_id"])


def _audit_and_revocations() -> None:
    op.create_table(
        "account_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("occurred_at", UTC(), nullable=False),
        sa.Column("actor_user_id", sa.String(36), nullable=True),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("target_user_id", sa.String(36), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_account_audit"),
    )
    op.create_index("ix_account_audit_target_user_id", "account_audit", ["target_user_id"])
    op.create_table(
        "revoked_session",
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("revoked_before", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", name="pk_revoked_session"),
    )


def downgrade() -> None:
    for table in ("revoked_session", "account_audit", "password_reset_token", "login_throttle"):
        op.drop_table(table)
    op.drop_table("rotated_refresh_token")
    op.drop_table("user_session")
    with op.batch_alter_table("user_account") as batch:
        for column in ("last_login_at", "created_at", "active", "language"):
            batch.drop_column(column)
