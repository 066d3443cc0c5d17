"""audit trail append-only: the database refuses UPDATE and DELETE of audit entries

Revision ID: 0007_audit_append_only
Revises: 0006_merge
"""

from __future__ import annotations

from alembic import op

revision = "0007_audit_append_only"
down_revision = "0006_merge"
branch_labels = None
depends_on = None

# The trail is evidence of who decided what: no statement may rewrite or remove an entry, whatever
# the code does. (Only the table's owner could switch the triggers off; the hash chain and the
# application's head then still show what was changed.)
REFUSE = "audit entries are append-only"
SQLITE_TRIGGERS = [
    f"""
CREATE TRIGGER audit_entry_no_{verb.lower()} BEFORE {verb} ON audit_entry
BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END
"""
    for verb in ("UPDATE", "DELETE")
]
POSTGRES_FUNCTION = f"""
CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '{REFUSE}'; END $$
"""
POSTGRES_TRIGGER = """
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_append_only()")
    else:
        op.execute("DROP TRIGGER audit_entry_no_update")
        op.execute("DROP TRIGGER audit_entry_no_delete")
