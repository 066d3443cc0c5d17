"""workflow: the audit trail becomes a hash chain (previous_hash, entry_hash per entry)

Revision ID: 0003_workflow
Revises: 0002_session_revocation
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from services.funding.domain import GENESIS_HASH, HASHED_FIELDS, audit_hash

revision = "0003_workflow"
down_revision = "0002_session_revocation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        for name in ("previous_hash", "entry_hash"):
            batch_op.add_column(sa.Column(name, sa.String(length=64), server_default="", nullable=False))
    _chain_existing_entries()


def _chain_existing_entries() -> None:
    """Entries written before this revision join the chain in id order, per application."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(f"SELECT id, {', '.join(HASHED_FIELDS)} FROM audit_entry ORDER BY application_id, id")
    ).mappings()
    previous: dict[str, str] = {}
    for row in list(rows):
        fields = {name: str(row[name]) for name in HASHED_FIELDS}
        fields["at"] = _utc_iso(row["at"])
        before = previous.get(row["application_id"], GENESIS_HASH)
        previous[row["application_id"]] = entry = audit_hash(fields, before)
        connection.execute(
            sa.text("UPDATE audit_entry SET previous_hash = :p, entry_hash = :e WHERE id = :id"),
            {"p": before, "e": entry, "id": row["id"]},
        )


def _utc_iso(value: datetime | str) -> str:
    # Stored as naive UTC (SQLite hands back text); the application hashes the aware isoformat.
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC).isoformat()


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("previous_hash")
