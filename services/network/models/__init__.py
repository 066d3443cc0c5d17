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
from services.network.models.identity import Membership, User, UserRole
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
    "Affiliation",
    "Base",
    "Consent",
    "ContactPerson",
    "DeadLetter",
    "InboxRecord",
    "Membership",
    "Organization",
    "OrganizationChange",
    "OrganizationFieldOfWork",
    "OrganizationLanguage",
    "OrganizationTargetGroup",
    "OutboxMessage",
    "Subscription",
    "TaxonomyTerm",
    "User",
    "UserRole",
    "inbox",
    "new_id",
    "outbox",
]
