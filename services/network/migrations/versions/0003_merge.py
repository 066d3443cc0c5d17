"""merge parallel branches

Revision ID: 0003_merge
Revises: 0002_engagement, 0002_identity, 0002_registry, 0002_search
Create Date: 2026-11-22 04:31:25.556861
"""
from alembic import op
import sqlalchemy as sa
import shared.db


revision = '0003_merge'
down_revision = ('0002_engagement', '0002_identity', '0002_registry', '0002_search')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
