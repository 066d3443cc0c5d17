"""merge parallel branches (programme rules, assessments, attachments, payouts and reports)

Revision ID: 0006_merge
Revises: 0005_assessments, 0005_attachments, 0005_payouts_reports, 0005_programme_rules
"""

revision = "0006_merge"
down_revision = ("0005_assessments", "0005_attachments", "0005_payouts_reports", "0005_programme_rules")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
