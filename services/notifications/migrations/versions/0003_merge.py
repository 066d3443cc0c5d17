"""merge parallel branches

Revision ID: 0003_merge
Revises: 0002_engagement, 0002_session_revocation
Create Date: 2026-11-22 04:31:26.277333
"""
from alembic import op
import sqlalchemy as sa
import shared.db


revision = '0003_merge'
down_revision = ('0002_engagement', '0002_session_revocation')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
