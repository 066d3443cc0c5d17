"""Self-registration of an organisation without an account, with double opt-in of the contact email."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from services.network import events
from services.network.models import Affiliation, Consent, ContactPerson, Organization, outbox
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
