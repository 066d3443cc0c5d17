"""programme rules, call publication and districts, application content, budget plan versions

Revision ID: 0005_programme_rules
Revises: 0004_ledger
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.db import UtcDateTime

revision = "0005_programme_rules"
down_revision = "0004_ledger"
branch_labels = None
depends_on = None

EMPTY_LIST = sa.text("'[]'")


# Plain ADD COLUMN (SQLite and PostgreSQL both have it): a batch rebuild of ``programme`` or
# ``application`` would drop a table other rows refer to, which SQLite's foreign keys refuse.
PROGRAMME = (
    sa.Column("description", sa.Text(), nullable=False, server_default=""),
    sa.Column("financing_type", sa.String(20), nullable=False, server_default="shortfall"),
    sa.Column("funding_rate_bp", sa.Integer(), nullable=True),
    sa.Column("fixed_amount_cents", sa.BigInteger(), nullable=True),
    sa.Column("min_own_contribution_bp", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("volunteer_hour_rate_cents", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("volunteer_max_share_bp", sa.Integer(), nullable=False, server_default="10000"),
    sa.Column("eligible_categories", sa.JSON(), nullable=False, server_default=EMPTY_LIST),
)
CALL = (
    sa.Column("summary", sa.Text(), nullable=False, server_default=""),
    sa.Column("districts", sa.JSON(), nullable=False, server_default=EMPTY_LIST),
    sa.Column("state", sa.String(20), nullable=False, server_default="draft"),
    sa.Column("published_at", UtcDateTime(), nullable=True),
)
APPLICATION = (
    sa.Column("goals", sa.Text(), nullable=False, server_default=""),
    sa.Column("target_groups", sa.JSON(), nullable=False, server_default=EMPTY_LIST),
    sa.Column("district", sa.String(120), nullable=False, server_default=""),
    sa.Column("start_date", sa.Date(), nullable=True),
    sa.Column("end_date", sa.Date(), nullable=True),
    sa.Column("languages", sa.JSON(), nullable=False, server_default=EMPTY_LIST),
    sa.Column("volunteer_hours", sa.Integer(), nullable=False, server_default="0"),
)
COLUMNS = {"programme": PROGRAMME, "funding_call": CALL, "application": APPLICATION}


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        for column in columns:
            op.add_column(table, column)
    op.create_index("ix_funding_call_state", "funding_call", ["state"])
    op.create_index("ix_application_district", "application", ["district"])
    # Calls made before publication existed were listed as open: they count as published.
    op.execute("UPDATE funding_call SET state = 'published', published_at = opens_at")
    _budget_versions()


def _budget_versions() -> None:
    op.create_table(
        "budget_version",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("application.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("cost_lines", sa.JSON(), nullable=False),
        sa.Column("total_cost_cents", sa.BigInteger(), nullable=False),
        sa.Column("own_contribution_cents", sa.BigInteger(), nullable=False),
        sa.Column("volunteer_hours", sa.Integer(), nullable=False),
        sa.Column("volunteer_value_cents", sa.BigInteger(), nullable=False),
        sa.Column("other_funding_cents", sa.BigInteger(), nullable=False),
        sa.Column("requested_cents", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("application_id", "number", name="uq_budget_version_number"),
    )
    op.create_index("ix_budget_version_application_id", "budget_version", ["application_id"])


def downgrade() -> None:
    op.drop_index("ix_budget_version_application_id", table_name="budget_version")
    op.drop_table("budget_version")
    op.drop_index("ix_application_district", table_name="application")
    op.drop_index("ix_funding_call_state", table_name="funding_call")
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_column(column.name)
