"""GDPR use cases: export everything network holds on a contact person, and erase it."""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import Text, cast, delete, func, or_, select
from sqlalchemy.orm import Session

from services.network.domain import gdpr as domain
from services.network.models import (
    Affiliation,
    ContactPerson,
    KiEvent,
    OrganizationChange,
    OutboxMessage,
    Registration,
    Subscription,
    User,
    outbox,
)
from shared.db import utcnow
from shared.errors import NotFound

log = logging.getLogger(__name__)


def _contact(session: Session, contact_id: str) -> ContactPerson:
    contact = session.get(ContactPerson, contact_id)
    if contact is None:
        raise NotFound("no such contact person", field="contact_id")
    return contact


def _row(record: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    return {c.key: getattr(record, c.key) for c in record.__table__.columns if c.key not in exclude}


def export(session: Session, contact_id: str) -> dict[str, Any]:
    """Every record about the person, keyed as documented in ``schemas.gdpr.ContactExportSchema``."""
    contact = _contact(session, contact_id)
    subscription = session.get(Subscription, contact_id)
    return {
        "format": domain.EXPORT_FORMAT,
        "exported_at": utcnow(),
        "contact": _row(contact),
        "affiliations": [{**_row(a), "organization_name": a.organization.name} for a in contact.affiliations],
        "consents": [_row(c) for c in contact.consents],
        "subscription": _row(subscription) if subscription else None,
        "ki_event_registrations": [
            {**_row(r), "event_title": title, "event_starts_at": starts}
            for r, title, starts in _registrations(session, contact.email)
        ],
        "change_history": [_row(change) for change in _changes(session, contact)],
        "user_accounts": [
            {"id": u.id, "email": u.email, "roles": sorted(r.role for r in u.roles)}
            for u in _users(session, contact.email)
        ],
    }


def _registrations(session: Session, email: str) -> list[tuple[Registration, str, Any]]:
    rows = session.execute(
        select(Registration, KiEvent.title, KiEvent.starts_at)
        .join(KiEvent, KiEvent.id == Registration.event_id)
        .where(Registration.email == email.lower())
        .order_by(Registration.created_at)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _changes(session: Session, contact: ContactPerson) -> list[OrganizationChange]:
    # Organisation history mentions a person by id or email (e.g. a contact added or changed).
    needles = [contact.id, contact.email]
    conditions = [
        column.contains(needle)
        for needle in needles
        if needle
        for column in (OrganizationChange.old_value, OrganizationChange.new_value)
    ]
    query = select(OrganizationChange).where(or_(*conditions)).order_by(OrganizationChange.id)
    return list(session.scalars(query))


def _users(session: Session, email: str) -> list[User]:
    return list(session.scalars(select(User).where(func.lower(User.email) == email.lower())))


def erase(session: Session, contact_id: str, reason: str, actor_id: str) -> ContactPerson:
    """Anonymise the person everywhere in network, unless a retention duty still holds a record."""
    contact = _contact(session, contact_id)
    domain.check_erasable(
        contact.erased_at is not None, _sole_contacts(session, contact), _upcoming_seats(session, contact)
    )
    old_email, old_name = contact.email, contact.name
    _anonymise_registrations(session, contact)
    _anonymise_changes(session, contact, old_email, old_name)
    _anonymise_outbox(session, old_email, old_name, domain.placeholder_email(contact_id))
    session.execute(delete(Subscription).where(Subscription.contact_id == contact_id))
    session.execute(delete(Affiliation).where(Affiliation.contact_id == contact_id))
    for consent in contact.consents:
        # Kept as proof that consent was given and when (Art. 7(1)), without the request metadata.
        consent.proof = json.dumps({"erased": True})
        consent.withdrawn_at = consent.withdrawn_at or utcnow()
    contact.name, contact.email, contact.phone = domain.ERASED_NAME, domain.placeholder_email(contact_id), ""
    contact.erased_at = utcnow()
    session.expire(contact, ["affiliations"])
    outbox.record(session, "network.contact.erased", 1, {"contact_id": contact_id})
    log.info("contact erased", extra={"fields": {"contact_id": contact_id, "by": actor_id, "reason": reason}})
    return contact


def _sole_contacts(session: Session, contact: ContactPerson) -> list[domain.SoleContact]:
    held = []
    for affiliation in contact.affiliations:
        organization = affiliation.organization
        if organization.status != "verified":
            continue
        others = session.scalar(
            select(func.count())
            .select_from(Affiliation)
            .join(ContactPerson, ContactPerson.id == Affiliation.contact_id)
            .where(
                Affiliation.organization_id == organization.id,
                Affiliation.contact_id != contact.id,
                ContactPerson.erased_at.is_(None),
            )
        )
        if not others:
            held.append(domain.SoleContact(organization.name))
    return held


def _upcoming_seats(session: Session, contact: ContactPerson) -> list[domain.UpcomingSeat]:
    rows = session.execute(
        select(KiEvent.title, KiEvent.starts_at)
        .join(Registration, Registration.event_id == KiEvent.id)
        .where(
            Registration.email == contact.email.lower(),
            Registration.status == "confirmed",
            KiEvent.status == "published",
            KiEvent.ends_at > utcnow(),
        )
    )
    return [domain.UpcomingSeat(title, starts_at) for title, starts_at in rows]


def _anonymise_registrations(session: Session, contact: ContactPerson) -> None:
    for registration, _title, _starts in _registrations(session, contact.email):
        if registration.status == "waitlisted":
            registration.status, registration.cancelled_at = "cancelled", utcnow()
        registration.name = domain.ERASED_NAME
        registration.email = domain.placeholder_email(contact.id)


def _anonymise_changes(session: Session, contact: ContactPerson, email: str, name: str) -> None:
    for change in _changes(session, contact):
        for column in ("old_value", "new_value"):
            value = getattr(change, column).replace(email, domain.placeholder_email(contact.id))
            setattr(change, column, value.replace(name, domain.ERASED_NAME) if name else value)


def _anonymise_outbox(session: Session, email: str, name: str, placeholder: str) -> None:
    """Events about the person stay in the outbox after delivery: keep them, without the person."""
    rows = session.scalars(select(OutboxMessage).where(cast(OutboxMessage.envelope, Text).contains(email)))
    for row in rows:
        text = json.dumps(row.envelope, ensure_ascii=False).replace(email, placeholder)
        if name:
            text = text.replace(json.dumps(name, ensure_ascii=False)[1:-1], domain.ERASED_NAME)
        row.envelope = json.loads(text)
