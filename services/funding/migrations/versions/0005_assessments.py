"""assessments: checklists per programme, caseworkers' assessments, decision letters, audit chain head

Revision ID: 0005_assessments
Revises: 0004_ledger
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "0005_assessments"
down_revision = "0004_ledger"
branch_labels = None
depends_on = None

# A decision letter is a legal document: the database itself refuses to change an issued one.
# (DELETE stays possible at this level so test databases can be emptied; the ORM refuses it too.)
REFUSE = "decision letters are immutable"
SQLITE_TRIGGER = f"""
CREATE TRIGGER decision_letter_immutable BEFORE UPDATE ON decision_letter
BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END
"""
POSTGRES_FUNCTION = f"""
CREATE FUNCTION decision_letter_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '{REFUSE}'; END $$
"""
POSTGRES_TRIGGER = """
CREATE TRIGGER decision_letter_immutable BEFORE UPDATE ON decision_letter
FOR EACH ROW EXECUTE FUNCTION decision_letter_immutable()
"""
# Applications decided before this revision get the head their trail has now.
BACKFILL_HEAD = """
UPDATE application SET audit_head_hash = (
    SELECT entry_hash FROM audit_entry WHERE audit_entry.application_id = application.id
    ORDER BY audit_entry.id DESC LIMIT 1
)
"""


def upgrade() -> None:
    _checklists_and_assessments()
    _letters()
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("audit_head_hash", sa.String(length=64), nullable=True))
    op.execute(BACKFILL_HEAD)


def _checklists_and_assessments() -> None:
    op.create_table(
        "checklist_item",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("programme_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.db.UtcDateTime(), nullable=False),
        sa.Column("retired_at", shared.db.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["programme_id"], ["programme.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("checklist_item") as batch:
        batch.create_index(batch.f("ix_checklist_item_programme_id"), ["programme_id"], unique=False)
    op.create_table(
        "assessment",
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("recommended_cents", sa.BigInteger(), nullable=True),
        sa.Column("assessor_id", sa.String(length=36), nullable=False),
        sa.Column("assessor_email", sa.String(length=320), nullable=False),
        sa.Column("updated_at", shared.db.UtcDateTime(), nullable=False),
        sa.Column("completed_at", shared.db.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.PrimaryKeyConstraint("application_id"),
    )
    op.create_table(
        "assessment_answer",
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_text", sa.String(length=500), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["assessment.application_id"]),
        sa.ForeignKeyConstraint(["item_id"], ["checklist_item.id"]),
        sa.PrimaryKeyConstraint("application_id", "item_id"),
    )


def _letters() -> None:
    op.create_table(
        "decision_letter",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", shared.db.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.drop_column("audit_head_hash")
    op.drop_table("decision_letter")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION decision_letter_immutable()")
    op.drop_table("assessment_answer")
    op.drop_table("assessment")
    with op.batch_alter_table("checklist_item") as batch:
        batch.drop_index(batch.f("ix_checklist_item_programme_id"))
    op.drop_table("checklist_item")
