"""What network publishes (payload builders) and consumes (HANDLERS)."""

from __future__ import annotations

from typing import Any

from services.network.models import ContactPerson, Organization, Subscription
from shared.inbox import Handlers


def organization_verified(organization: Organization) -> dict[str, Any]:
    return {
        "organization_id": organization.id,
        "name": organization.name,
        "district": organization.district,
    }


def contact_subscribed(contact: ContactPerson, subscription: Subscription) -> dict[str, Any]:
    return {
        "contact_id": contact.id,
        "email": contact.email,
        "name": contact.name,
        "language": contact.language,
        "topics": list(subscription.topics),
        "districts": list(subscription.districts),
        "organization_ids": [a.organization_id for a in contact.affiliations],
    }


HANDLERS: Handlers = {}
