"""Registry use cases: organisations and their contact persons."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.network import events
from services.network.domain import registry as domain
from services.network.models import (
    Affiliation,
    ContactPerson,
    Organization,
    Subscription,
    outbox,
)
from shared.db import utcnow
from shared.errors import NotFound


def register_organization(session: Session, name: str, district: str) -> Organization:
    organization = Organization(name=name, district=district, status="registered")
    session.add(organization)
    session.flush()
    return organization


def verify_organization(session: Session, organization_id: str) -> Organization:
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("no such organisation", field="organization_id")
    domain.check_can_verify(organization.status)
    organization.status = "verified"
    outbox.record(session, "network.organization.verified", 1, events.organization_verified(organization))
    return organization


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
