"""Self-registration of an organisation without an account, with double opt-in of the contact email."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.network import events
from services.network.models import (
    Affiliation,
    Consent,
    ContactPerson,
    Membership,
    Organization,
    OrganizationChange,
    Subscription,
    outbox,
)
from services.network.services import organizations
from shared.db import utcnow
from shared.errors import DomainError
from shared.signing import BadToken as BadSignedToken
from shared.signing import sign, unsign

CONFIRM_PATH = "/network/api/v1/organizations/registrations/confirm"
TOKEN_MAX_AGE = timedelta(days=7)
PURPOSE = "network.registration.confirm"


class BadToken(DomainError):
    status = 400
    title = "Bad Request"


@dataclass(frozen=True)
class Links:
    """What a registration needs to build and check its confirmation link."""

    secret: str
    public_url: str


def register(session: Session, data: dict[str, Any], links: Links) -> Organization:
    organization = organizations.create(session, data["organization"], actor=None, self_registered=True)
    person = data["contact"]
    contact = ContactPerson(
        name=person["name"].strip(),
        email=person["email"].strip().lower(),
        phone=person.get("phone", ""),
        language=person["language"],
    )
    contact.affiliations = [Affiliation(organization_id=organization.id, function=person.get("function", ""))]
    contact.consents = [
        Consent(
            purpose="registration",
            method="form",
            text_version=data["consent_text_version"],
            proof=f"self-registration of organisation {organization.id}",
            given_at=utcnow(),
        )
    ]
    session.add(contact)
    session.flush()
    token = sign(links.secret, PURPOSE, _claims(organization, contact))
    url = f"{links.public_url.rstrip('/')}{CONFIRM_PATH}?token={token}"
    outbox.record(
        session,
        "network.organization.registration_requested",
        1,
        events.registration_requested(organization, contact, url),
    )
    return organization


def confirm(session: Session, token: str, links: Links) -> Organization:
    """The contact opened the link: the organisation enters the staff verification queue."""
    claims = _load_token(token, links.secret)
    organization = session.get(Organization, claims.get("o", ""))
    contact = session.get(ContactPerson, claims.get("c", ""))
    if organization is None or contact is None or contact.email != claims.get("e"):
        raise BadToken("this confirmation link is no longer valid; please register again", field="token")
    if organization.email_confirmed_at is None:
        organization.email_confirmed_at = utcnow()
        organizations.record_change(session, organization.id, "email_confirmed_at", None, contact.email, None)
        payload = events.organization_registered(organization, self_registered=True)
        outbox.record(session, "network.organization.registered", 1, payload)
        organizations.publish_profile(session, organization)
    return organization


def forget_unconfirmed(session: Session, registered_before: datetime) -> int:
    """Self-registrations whose confirmation link was never opened, made before
    ``registered_before`` (long after the link expired), and that staff never touched: the
    organisation was never in the registry and nobody confirmed the address, so the organisation,
    its history and the contact person known only from it are deleted. Returns how many."""
    stale = select(Organization).where(
        Organization.email_confirmed_at.is_(None),
        Organization.status == "registered",
        Organization.created_at < registered_before,
    )
    forgotten = 0
    for organization in session.scalars(stale.with_for_update()).all():
        if _in_use(session, organization.id):
            continue
        _delete(session, organization)
        forgotten += 1
    return forgotten


def _in_use(session: Session, organization_id: str) -> bool:
    """Accounts belong to it or another organisation was merged into it: staff dealt with it."""
    member = select(Membership.user_id).where(Membership.organization_id == organization_id).limit(1)
    merged = select(Organization.id).where(Organization.merged_into_id == organization_id).limit(1)
    return session.scalar(member) is not None or session.scalar(merged) is not None


def _delete(session: Session, organization: Organization) -> None:
    contacts = [affiliation.contact for affiliation in organization.affiliations]
    for affiliation in list(organization.affiliations):
        session.delete(affiliation)
    session.execute(delete(OrganizationChange).where(OrganizationChange.organization_id == organization.id))
    session.flush()
    session.expire(organization, ["affiliations"])
    for contact in contacts:
        if not contact.affiliations and session.get(Subscription, contact.id) is None:
            for consent in list(contact.consents):
                session.delete(consent)
            session.delete(contact)
    session.delete(organization)  # fields of work, languages, target groups go with it (cascade)
    session.flush()


def _claims(organization: Organization, contact: ContactPerson) -> dict[str, str]:
    return {"o": organization.id, "c": contact.id, "e": contact.email}


def _load_token(token: str, secret: str) -> dict[str, str]:
    try:
        return unsign(secret, PURPOSE, token, int(TOKEN_MAX_AGE.total_seconds()))
    except BadSignedToken as exc:
        if exc.expired:
            message = "this confirmation link has expired (it is valid for 7 days); please register again"
        else:
            message = "this confirmation link is not valid; please copy the whole link from the email"
        raise BadToken(message, field="token") from None
