"""Contact person use cases: CRUD, affiliations with a function, consent records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.network import events
from services.network.models import Affiliation, Consent, ContactPerson, Subscription, outbox
from services.network.services import organizations, resync
from shared.auth import Actor, AuthError
from shared.db import utcnow
from shared.errors import Conflict, Invalid, NotFound
from shared.languages import is_language_code

NOTIFIED_FIELDS = ("name", "email", "language")


def visible(actor: Actor, contact: ContactPerson) -> bool:
    if contact.erased_at is not None:
        return False
    return actor.is_staff or any(a.organization_id in actor.organization_ids for a in contact.affiliations)


def load(session: Session, contact_id: str, actor: Actor) -> ContactPerson:
    contact = session.get(ContactPerson, contact_id)
    if contact is None or not visible(actor, contact):
        raise NotFound("no such contact person", field="contact_id")
    return contact


def list_contacts(session: Session, actor: Actor, organization_id: str | None) -> list[ContactPerson]:
    query = select(ContactPerson).where(ContactPerson.erased_at.is_(None)).order_by(ContactPerson.name)
    if organization_id:
        query = query.where(ContactPerson.affiliations.any(Affiliation.organization_id == organization_id))
    if not actor.is_staff:
        query = query.where(
            ContactPerson.affiliations.any(Affiliation.organization_id.in_(actor.organization_ids))
        )
    return list(session.scalars(query))


def create(session: Session, data: dict[str, Any], actor: Actor) -> ContactPerson:
    _check_language(data.get("language"))
    affiliations = data.get("affiliations") or []
    if not affiliations and not actor.is_staff:
        raise Invalid({"affiliations": ["name at least one of your organisations"]})
    for item in affiliations:
        _check_organization(session, item["organization_id"], actor)
    contact = ContactPerson(
        name=data["name"].strip(),
        email=data["email"].strip().lower(),
        phone=data.get("phone", ""),
        language=data.get("language", "de"),
    )
    contact.affiliations = [
        Affiliation(organization_id=i["organization_id"], function=i.get("function", ""))
        for i in affiliations
    ]
    session.add(contact)
    session.flush()
    resync.publish_contact(session, contact)
    return contact


def update(session: Session, contact_id: str, data: dict[str, Any], actor: Actor) -> ContactPerson:
    contact = load(session, contact_id, actor)
    _check_language(data.get("language"))
    if "email" in data:
        data = {**data, "email": data["email"].strip().lower()}
    notify = any(name in data and data[name] != getattr(contact, name) for name in NOTIFIED_FIELDS)
    for name in ("name", "email", "phone", "language"):
        if name in data:
            setattr(contact, name, data[name])
    if notify:
        outbox.record(session, "network.contact.updated", 1, events.contact_updated(contact))
    return contact


def delete(session: Session, contact_id: str, actor: Actor) -> None:
    """Staff remove a contact record; erasure under GDPR (with its event) is a separate use case."""
    organizations.require_staff(actor)
    contact = load(session, contact_id, actor)
    if session.get(Subscription, contact.id) is not None:
        raise Conflict("the person has a subscription; erase them through the GDPR erasure instead")
    for item in [*contact.affiliations, *contact.consents]:
        session.delete(item)
    session.delete(contact)


def set_affiliation(
    session: Session, contact_id: str, organization_id: str, function: str, actor: Actor
) -> ContactPerson:
    contact = load(session, contact_id, actor)
    _check_organization(session, organization_id, actor)
    existing = next((a for a in contact.affiliations if a.organization_id == organization_id), None)
    if existing is None:
        contact.affiliations.append(Affiliation(organization_id=organization_id, function=function))
    else:
        existing.function = function
    session.flush()
    resync.publish_contact(session, contact)
    return contact


def remove_affiliation(
    session: Session, contact_id: str, organization_id: str, actor: Actor
) -> ContactPerson:
    contact = load(session, contact_id, actor)
    _check_organization(session, organization_id, actor)
    existing = next((a for a in contact.affiliations if a.organization_id == organization_id), None)
    if existing is None:
        raise NotFound("the person has no function in this organisation", field="organization_id")
    contact.affiliations.remove(existing)
    session.delete(existing)
    session.flush()
    resync.publish_contact(session, contact)
    return contact


def record_consent(session: Session, contact_id: str, data: dict[str, Any], actor: Actor) -> Consent:
    contact = load(session, contact_id, actor)
    consent = Consent(
        purpose=data["purpose"],
        method=data["method"],
        text_version=data["text_version"],
        proof=data.get("proof") or f"recorded by user {actor.user_id}",
        given_at=utcnow(),
    )
    contact.consents.append(consent)
    session.flush()
    return consent


def withdraw_consent(session: Session, contact_id: str, consent_id: int, actor: Actor) -> Consent:
    contact = load(session, contact_id, actor)
    consent = next((c for c in contact.consents if c.id == consent_id), None)
    if consent is None:
        raise NotFound("no such consent", field="consent_id")
    if consent.withdrawn_at is not None:
        raise Conflict("this consent was already withdrawn", field="consent_id")
    consent.withdrawn_at = utcnow()
    return consent


def _check_organization(session: Session, organization_id: str, actor: Actor) -> None:
    if not organizations.is_own(actor, organization_id):
        raise AuthError("you may only manage contact persons of your own organisations", status=403)
    organizations.load(session, organization_id)


def _check_language(language: str | None) -> None:
    if language is not None and not is_language_code(language):
        raise Invalid({"language": [f"not an ISO 639-1/-3 language code: {language!r}"]})
