"""What network publishes (payload builders) and consumes (HANDLERS)."""

from __future__ import annotations

from typing import Any

from services.network.models import ContactPerson, Organization, Subscription, User
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
        "digest": subscription.digest or "none",  # None until the new row is flushed
    }


def organization_registered(organization: Organization, self_registered: bool) -> dict[str, Any]:
    return {
        "organization_id": organization.id,
        "name": organization.name,
        "district": organization.district,
        "self_registered": self_registered,
    }


def organization_changed(organization: Organization) -> dict[str, Any]:
    """The organisation's current profile: consumers replace their copy with it. Languages come
    in the order network keeps them (sorted codes, as stored and shown by the API)."""
    return {
        "organization_id": organization.id,
        "name": organization.name,
        "district": organization.district,
        "languages": sorted(language.code for language in organization.languages),
        "status": organization.status,
    }


def organization_status_changed(organization: Organization, action: str, reason: str) -> dict[str, Any]:
    """The payload of ``network.organization.<verified|suspended|reactivated|archived>``."""
    if action == "verify":
        return organization_verified(organization)
    if action == "reactivate":
        return {**organization_verified(organization), "reason": reason}
    return {"organization_id": organization.id, "reason": reason}


def organization_merged(surviving: Organization, merged: Organization) -> dict[str, Any]:
    return {"surviving_id": surviving.id, "merged_id": merged.id}


def registration_requested(
    organization: Organization, contact: ContactPerson, confirm_url: str
) -> dict[str, Any]:
    return {
        "organization_id": organization.id,
        "organization_name": organization.name,
        "contact_name": contact.name,
        "email": contact.email,
        "language": contact.language,
        "confirm_url": confirm_url,
    }


def contact_updated(contact: ContactPerson) -> dict[str, Any]:
    return {
        "contact_id": contact.id,
        "name": contact.name,
        "email": contact.email,
        "language": contact.language,
    }


def user_updated(user: User) -> dict[str, Any]:
    """The account's whole current state: consumers replace their copy with it."""
    return {
        "user_id": user.id,
        "email": user.email,
        "language": user.language,
        "roles": sorted(role.role for role in user.roles),
        "active": user.active,
    }


HANDLERS: Handlers = {}
