"""Resync: re-publish network's picture of every organisation and contact person, for a consumer
that lost or never had its copy (a new or repaired notifications database)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from services.network.config import Settings
from services.network.models import Consent, ContactPerson, Organization, Subscription, outbox
from services.network.services import organizations
from services.network.services.subscriptions import CONSENT_PURPOSE, Links
from shared.db import transaction

LIVE = "affiliation-change"  # the resync_id of a snapshot sent because the organisations changed


def run(factory: sessionmaker[Session], resync_id: str) -> int:
    """The worker's entry: snapshots of everyone in one transaction, with this service's links."""
    settings = Settings.from_env()
    with transaction(factory) as session:
        return publish_contact_snapshots(
            session, Links(settings.signing_secret, settings.public_url), resync_id
        )


def publish_contact_snapshots(session: Session, links: Links, resync_id: str) -> int:
    """One ``network.organization.changed`` per organisation in the registry, then one
    ``network.contact.snapshot`` per contact person not erased, in the caller's transaction;
    returns how many contact snapshots."""
    publish_organizations(session)
    contacts = session.scalars(
        select(ContactPerson)
        .where(ContactPerson.erased_at.is_(None))
        .options(selectinload(ContactPerson.affiliations), selectinload(ContactPerson.consents))
        .order_by(ContactPerson.created_at, ContactPerson.id)
    )
    subscriptions = {s.contact_id: s for s in session.scalars(select(Subscription))}
    count = 0
    for contact in contacts:
        payload = snapshot(contact, subscriptions.get(contact.id), links, resync_id)
        outbox.record(session, "network.contact.snapshot", 1, payload)
        count += 1
    return count


def publish_organizations(session: Session) -> None:
    """Archived ones too (merged ones are archived): the consumer learns they are gone. First, so
    the contacts' organisations are known when their snapshots arrive."""
    in_registry = (
        select(Organization)
        .where(Organization.email_confirmed_at.is_not(None))
        .options(selectinload(Organization.languages))
        .order_by(Organization.created_at, Organization.id)
    )
    for organization in session.scalars(in_registry):
        organizations.publish_profile(session, organization)


def publish_contact(session: Session, contact: ContactPerson) -> None:
    """A contact person's organisations changed (created, affiliation added or removed): consumers
    get the whole picture again. Without a preference link: the one they hold stays valid."""
    payload = snapshot(contact, session.get(Subscription, contact.id), None, LIVE)
    outbox.record(session, "network.contact.snapshot", 1, payload)


def snapshot(
    contact: ContactPerson, subscription: Subscription | None, links: Links | None, resync_id: str
) -> dict[str, Any]:
    topics, districts, confirmed = _active(contact, subscription)
    payload = {
        "resync_id": resync_id,
        "contact_id": contact.id,
        "email": contact.email,
        "name": contact.name,
        "language": contact.language,
        "organization_ids": sorted(a.organization_id for a in contact.affiliations),
        "topics": topics,
        "districts": districts,
        "consent_confirmed_at": confirmed.isoformat() if confirmed else None,
        "consent_source": "double_opt_in" if confirmed else "",
        "digest": subscription.digest if subscription else "none",
    }
    return {**payload, "preferences_url": links.preferences_url(contact.id)} if links else payload


def _active(
    contact: ContactPerson, subscription: Subscription | None
) -> tuple[list[str], list[str], datetime | None]:
    """Topics, districts and consent time of a confirmed, not withdrawn subscription; else nothing."""
    if subscription is None or subscription.confirmed_at is None or not subscription.topics:
        return [], [], None
    confirmed = _confirmed_at(contact.consents) or subscription.confirmed_at
    return list(subscription.topics), list(subscription.districts), confirmed


def _confirmed_at(consents: list[Consent]) -> datetime | None:
    """When the newest open subscription consent was confirmed (network keeps it in the proof)."""
    for consent in sorted(consents, key=lambda c: c.id, reverse=True):
        if consent.purpose != CONSENT_PURPOSE or consent.withdrawn_at is not None:
            continue
        try:
            confirmed = json.loads(consent.proof or "{}").get("confirmed_at")
        except (ValueError, AttributeError):
            continue  # a consent recorded by staff keeps free text as proof
        if confirmed:
            return datetime.fromisoformat(confirmed)
    return None
