"""payouts and reports: Mittelabruf requests, proof of use with actual costs, reminders sent

Revision ID: 0005_payouts_reports
Revises: 0004_ledger
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0005_payouts_reports"
down_revision = "0004_ledger"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payout",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_by", sa.String(length=36), nullable=False),
        sa.Column("requested_at", shared.db.UtcDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.Column("decided_at", shared.db.UtcDateTime(), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name="payout_amount_positive"),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payout") as batch:
        batch.create_index(batch.f("ix_payout_application_id"), ["application_id"], unique=False)
    op.create_table(
        "proof_of_use",
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("opened_at", shared.db.UtcDateTime(), nullable=False),
        sa.Column("overdue_at", shared.db.UtcDateTime(), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("own_contribution_cents", sa.BigInteger(), nullable=False),
        sa.Column("other_funding_cents", sa.BigInteger(), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.String(length=36), nullable=True),
        sa.Column("submitted_at", shared.db.UtcDateTime(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column("accepted_by", sa.String(length=36), nullable=True),
        sa.Column("accepted_at", shared.db.UtcDateTime(), nullable=True),
        *(
            sa.Column(name, sa.BigInteger(), nullable=True)
            for name in ("funded_cents", "returned_cents", "repayment_claim_cents", "balance_due_cents")
        ),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.PrimaryKeyConstraint("application_id"),
    )
    op.create_table(
        "actual_cost",
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["proof_of_use.application_id"]),
        sa.PrimaryKeyConstraint("application_id", "position"),
    )
    op.create_table(
        "report_reminder",
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("sent_at", shared.db.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.PrimaryKeyConstraint("application_id", "days_before"),
    )


def downgrade() -> None:
    op.drop_table("report_reminder")
    op.drop_table("actual_cost")
    op.drop_table("proof_of_use")
    with op.batch_alter_table("payout") as batch:
        batch.drop_index(batch.f("ix_payout_application_id"))
    op.drop_table("payout")
