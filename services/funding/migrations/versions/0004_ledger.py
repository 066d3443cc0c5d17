"""ledger: paid-out and returned money per programme budget and per application

Revision ID: 0004_ledger
Revises: 0003_workflow
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_ledger"
down_revision = "0003_workflow"
branch_labels = None
depends_on = None

COLUMNS = ("paid_out_cents", "returned_cents")


def upgrade() -> None:
    for table in ("programme_budget", "application"):
        with op.batch_alter_table(table) as batch:
            for column in COLUMNS:
                batch.add_column(sa.Column(column, sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    for table in ("programme_budget", "application"):
        with op.batch_alter_table(table) as batch:
            for column in COLUMNS:
                batch.drop_column(column)
