"""Registry use cases used by demo data and tests: register, verify, add a subscribed contact."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.network import events
from services.network.models import (
    Affiliation,
    ContactPerson,
    Organization,
    Subscription,
    new_id,
    outbox,
)
from services.network.services import organizations
from shared.auth import Actor
from shared.db import utcnow


def register_organization(
    session: Session, name: str, district: str, organization_id: str | None = None, **fields: object
) -> Organization:
    """A staff-registered organisation from trusted input (the API's use case checks taxonomies)."""
    organization = Organization(
        id=organization_id or new_id(),
        name=name,
        district=district,
        status="registered",
        email_confirmed_at=utcnow(),
    )
    organizations.apply(organization, dict(fields))
    session.add(organization)
    session.flush()
    organizations.publish_profile(session, organization)
    return organization


def verify_organization(
    session: Session, organization_id: str, actor: Actor | None = None, reason: str = ""
) -> Organization:
    return organizations.change_status(session, organization_id, "verify", reason, actor)


def add_subscribed_contact(
    session: Session,
    name: str,
    email: str,
    language: str,
    organization_ids: list[str],
    topics: list[str],
    districts: list[str],
) -> ContactPerson:
    contact = ContactPerson(name=name, email=email, language=language)
    contact.affiliations = [Affiliation(organization_id=org) for org in organization_ids]
    subscription = Subscription(topics=topics, districts=districts, confirmed_at=utcnow())
    session.add(contact)
    session.flush()
    subscription.contact_id = contact.id
    session.add(subscription)
    outbox.record(session, "network.contact.subscribed", 1, events.contact_subscribed(contact, subscription))
    return contact
