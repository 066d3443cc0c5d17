"""Funding's tables, one module per area; importing this package registers them all."""

from services.funding.models import assessments, attachments, letters, payouts, reports  # noqa: F401
from services.funding.models.applications import Application, AuditEntry, CostLine, EligibleOrganization
from services.funding.models.base import (
    Base,
    DeadLetter,
    InboxRecord,
    OutboxMessage,
    RevokedSessions,
    inbox,
    new_id,
    outbox,
)
from services.funding.models.programmes import Call, Programme, ProgrammeBudget

__all__ = [
    "Application",
    "AuditEntry",
    "Base",
    "Call",
    "CostLine",
    "DeadLetter",
    "EligibleOrganization",
    "InboxRecord",
    "OutboxMessage",
    "Programme",
    "ProgrammeBudget",
    "RevokedSessions",
    "inbox",
    "new_id",
    "outbox",
]
