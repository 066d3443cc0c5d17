"""The audiences of ``domain.ROUTES``: who an event concerns, from what notifications holds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications import domain
from services.notifications.config import caseworker_addresses
from services.notifications.models import KnownUser, Recipient
from services.notifications.services.organizations import languages_of_organizations, organization_languages
from services.notifications.services.recipients import addressees_of, contacts_of_organization


def audience(session: Session, route: domain.Route, data: dict[str, Any]) -> list[domain.Addressee]:
    """Everyone ``route`` names for an event with payload ``data`` (duplicates are fine: planning
    sends one email per address)."""
    found: list[domain.Addressee] = []
    for name in route.audiences:
        found += _AUDIENCES[name](session, route, data)
    return found


def _organisation_contacts(
    session: Session, route: domain.Route, data: dict[str, Any]
) -> list[domain.Addressee]:
    contacts = contacts_of_organization(session, data["organization_id"])
    languages = organization_languages(session, data["organization_id"])
    return addressees_of(contacts, {contact.contact_id: languages for contact in contacts})


def _submitting_user(session: Session, route: domain.Route, data: dict[str, Any]) -> list[domain.Addressee]:
    user = session.get(KnownUser, str(data.get("submitted_by", "")))
    if user is None:
        return []
    languages = organization_languages(session, data["organization_id"]) if "organization_id" in data else []
    return [domain.Addressee(user.email, "", (user.language, *languages))]


def _caseworkers(session: Session, route: domain.Route, data: dict[str, Any]) -> list[domain.Addressee]:
    """Active users holding network's caseworker role, and any shared mailbox the installation
    names in NOTIFY_CASEWORKERS."""
    shared_mailboxes = [domain.Addressee(address, "", ("de",)) for address in caseworker_addresses()]
    return _holding(session, domain.CASEWORKER_ROLE) + shared_mailboxes


def _approvers(session: Session, route: domain.Route, data: dict[str, Any]) -> list[domain.Addressee]:
    return _holding(session, domain.APPROVER_ROLE)


def _holding(session: Session, role: str) -> list[domain.Addressee]:
    """Active users holding network's ``role``."""
    # Accounts number in the hundreds at most: filtering the JSON roles here is cheap and avoids
    # dialect-specific JSON queries.
    active = session.scalars(select(KnownUser).where(KnownUser.active.is_(True)).order_by(KnownUser.email))
    return [domain.Addressee(u.email, "", (u.language,)) for u in active if role in u.roles]


def _topic_subscribers(session: Session, route: domain.Route, data: dict[str, Any]) -> list[domain.Addressee]:
    districts = list(data.get("districts") or [])
    query = select(Recipient).where(Recipient.consent_confirmed_at.is_not(None)).order_by(Recipient.email)
    wanted = [
        r for r in session.scalars(query) if domain.wants(r.topics, r.districts, route.topic, districts)
    ]
    return addressees_of(wanted, languages_of_organizations(session, [r.contact_id for r in wanted]))


_AUDIENCES = {
    domain.ORGANISATION_CONTACTS: _organisation_contacts,
    domain.SUBMITTING_USER: _submitting_user,
    domain.CASEWORKERS: _caseworkers,
    domain.APPROVERS: _approvers,
    domain.TOPIC_SUBSCRIBERS: _topic_subscribers,
}
