"""registry: reasons in the organisation history; seed taxonomies

Revision ID: 0002_registry
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from services.network.domain.taxonomy_seed import seed_rows

revision = "0002_registry"
down_revision = "0001"
branch_labels = None
depends_on = None

taxonomy_term = sa.table(
    "taxonomy_term",
    sa.column("vocabulary", sa.String),
    sa.column("key", sa.String),
    sa.column("label_de", sa.String),
    sa.column("label_en", sa.String),
    sa.column("position", sa.Integer),
    sa.column("active", sa.Boolean),
)


def upgrade() -> None:
    with op.batch_alter_table("organization_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), server_default="", nullable=False))
    # The seed is the vocabularies' starting state; later changes are admin edits (data).
    op.bulk_insert(taxonomy_term, seed_rows())


def downgrade() -> None:
    op.execute(taxonomy_term.delete())
    with op.batch_alter_table("organization_change", schema=None) as batch_op:
        batch_op.drop_column("note")
