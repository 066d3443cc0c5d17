"""Network's tables, one module per area; importing this package registers them all."""

from services.network.models.base import (
    Base,
    DeadLetter,
    InboxRecord,
    OutboxMessage,
    inbox,
    new_id,
    outbox,
)
from services.network.models.identity import (
    AccountAudit,
    LoginThrottle,
    Membership,
    PasswordResetToken,
    RevokedSessions,
    RotatedRefreshToken,
    User,
    UserRole,
    UserSession,
)
from services.network.models.imports import ImportJob
from services.network.models.ki_events import KiEvent, Registration
from services.network.models.registry import (
    Affiliation,
    Consent,
    ContactPerson,
    Organization,
    OrganizationChange,
    OrganizationFieldOfWork,
    OrganizationLanguage,
    OrganizationTargetGroup,
    TaxonomyTerm,
)
from services.network.models.subscriptions import Subscription

__all__ = [
    "AccountAudit",
    "Affiliation",
    "Base",
    "Consent",
    "ContactPerson",
    "DeadLetter",
    "ImportJob",
    "InboxRecord",
    "KiEvent",
    "LoginThrottle",
    "Membership",
    "Organization",
    "OrganizationChange",
    "OrganizationFieldOfWork",
    "OrganizationLanguage",
    "OrganizationTargetGroup",
    "OutboxMessage",
    "PasswordResetToken",
    "Registration",
    "RevokedSessions",
    "RotatedRefreshToken",
    "Subscription",
    "TaxonomyTerm",
    "User",
    "UserRole",
    "UserSession",
    "inbox",
    "new_id",
    "outbox",
]
