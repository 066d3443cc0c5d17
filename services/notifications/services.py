"""Notifications' use cases: keep recipients current, route and plan emails (the one place where
consent and the suppression list are enforced), keep the suppression list. Sending is in
``delivery``, assembling digests in ``digests``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications import domain, messages
from services.notifications.config import caseworker_addresses
from services.notifications.models import (
    DigestItem,
    Email,
    KnownUser,
    Recipient,
    RecipientOrganization,
    Suppression,
)
from shared.db import utcnow
from shared.errors import Conflict, NotFound
from shared.events import Envelope

CHUNK = 500  # addresses per IN (…) lookup


# --- Recipients: notifications' own copy, from network's events ---


def upsert_recipient(session: Session, data: dict[str, Any], source: str = "double_opt_in") -> Recipient:
    """A confirmed subscription (network's double opt-in) or a snapshot of the contact person."""
    recipient = session.get(Recipient, data["contact_id"]) or Recipient(contact_id=data["contact_id"])
    recipient.email = data["email"].strip().lower()
    recipient.name = data["name"]
    recipient.language = data["language"]
    recipient.topics = list(data["topics"])
    recipient.districts = list(data["districts"])
    recipient.updated_at = utcnow()
    recipient.organizations = [
        RecipientOrganization(organization_id=org) for org in sorted(set(map(str, data["organization_ids"])))
    ]
    if data.get("preferences_url"):
        recipient.preferences_url = data["preferences_url"]
    if data.get("digest") in domain.DIGEST_CHOICES:
        recipient.digest = data["digest"]
    if recipient.topics:
        recipient.consent_confirmed_at = recipient.consent_confirmed_at or utcnow()
        recipient.consent_source, recipient.unsubscribed_at = source, None
    session.add(recipient)
    return recipient


def apply_snapshot(
    session: Session, data: dict[str, Any], occurred_at: datetime | str | None = None
) -> Recipient | None:
    """Network's full picture of one contact person (resync, or its organisations changed):
    replaces what we hold, unless we hold a later one (``occurred_at`` is the envelope's, as the
    relay may deliver an older event after a newer one); returns the row, None if ignored."""
    as_of = datetime.fromisoformat(occurred_at) if isinstance(occurred_at, str) else occurred_at
    current = session.get(Recipient, data["contact_id"], with_for_update=True)
    if current is not None and _older(as_of, current.as_of):
        return None
    if current is not None and _older(as_of, current.unsubscribed_at):
        # Taken before the unsubscribe we applied (never before network made it): the consent it
        # shows was withdrawn since; the rest (address, organisations) still holds.
        data = {**data, "topics": [], "districts": []}
    recipient = upsert_recipient(session, data, source=data.get("consent_source") or "snapshot")
    confirmed = data.get("consent_confirmed_at")
    if confirmed and recipient.topics:
        recipient.consent_confirmed_at = datetime.fromisoformat(str(confirmed))
    else:
        recipient.consent_confirmed_at, recipient.consent_source = None, ""
    recipient.as_of = as_of or recipient.as_of
    return recipient


def _older(moment: datetime | None, than: datetime | None) -> bool:
    """Without both times there is no order to keep."""
    return moment is not None and than is not None and moment < than


def unsubscribe_recipient(session: Session, contact_id: str) -> None:
    """No more newsletter mail, none still waiting; the person stays an addressee for their
    organisations' own matters (administrative mail)."""
    recipient = session.get(Recipient, contact_id)
    if recipient is None:
        return
    recipient.topics, recipient.districts, recipient.updated_at = [], [], utcnow()
    recipient.consent_confirmed_at, recipient.unsubscribed_at = None, utcnow()
    waiting = select(Email).where(
        Email.recipient == recipient.email.lower(),
        Email.purpose == domain.NEWSLETTER,
        Email.status == "pending",
    )
    for email in session.scalars(waiting):
        email.status, email.last_error = "suppressed", "suppressed: unsubscribed"
    _drop_waiting_digest_items(session, contact_id)


def erase_recipient(session: Session, contact_id: str, event_id: str = "") -> None:
    """Forget the person: no recipient row, nothing pending to them, no address in the log; the
    suppression list keeps only a hash of the address so it is never mailed again."""
    recipient = session.get(Recipient, contact_id)
    _drop_waiting_digest_items(session, contact_id)
    if recipient is None:
        return
    address = recipient.email.lower()
    placeholder = f"erased-{contact_id}@invalid"
    for email in session.scalars(select(Email).where(Email.recipient == address)):
        if email.status in ("pending", "sending"):
            email.status = "cancelled"
        email.recipient, email.recipient_name = placeholder, "gelöscht"
        email.body_text = email.body_html = ""
    suppress(session, domain.erased_key(address), "erased", event_id)
    session.delete(recipient)


def _drop_waiting_digest_items(session: Session, contact_id: str) -> None:
    query = select(DigestItem).where(DigestItem.contact_id == contact_id, DigestItem.digest_id.is_(None))
    for item in session.scalars(query):
        session.delete(item)


def update_recipient_contact(session: Session, data: dict[str, Any]) -> None:
    """Network changed a person's name, email or language: keep our copy current, if we have one."""
    recipient = session.get(Recipient, data["contact_id"])
    if recipient is not None:
        recipient.name, recipient.language = data["name"], data["language"]
        recipient.email = data["email"].strip().lower()
        recipient.updated_at = utcnow()


def remember_user(session: Session, user_id: str, email: str, language: str) -> None:
    """A network user's address, so mail about what the user did can reach them."""
    user = session.get(KnownUser, user_id) or KnownUser(user_id=user_id)
    user.email, user.language, user.updated_at = email.strip().lower(), language, utcnow()
    session.add(user)


def apply_user_update(session: Session, data: dict[str, Any], occurred_at: datetime) -> None:
    """Network's current state of an account replaces ours, unless ours is from a later event
    (the relay may deliver a retried older event after a newer one)."""
    user = session.get(KnownUser, str(data["user_id"]), with_for_update=True)
    if user is not None and user.as_of is not None and occurred_at < user.as_of:
        return
    user = user or KnownUser(user_id=str(data["user_id"]))
    user.email, user.language = data["email"].strip().lower(), data.get("language") or "de"
    user.roles, user.active = sorted(set(data["roles"])), bool(data["active"])
    user.as_of, user.updated_at = occurred_at, utcnow()
    session.add(user)


def contacts_of_organization(session: Session, organization_id: str) -> list[Recipient]:
    return list(
        session.scalars(
            select(Recipient)
            .join(RecipientOrganization)
            .where(RecipientOrganization.organization_id == str(organization_id))
            .order_by(Recipient.email)
        )
    )


def addressees_of(recipients: Iterable[Recipient]) -> list[domain.Addressee]:
    return [domain.Addressee(r.email, r.name, (r.language,)) for r in recipients]


# --- Routing: the audiences of domain.ROUTES ---


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
    return addressees_of(contacts_of_organization(session, data["organization_id"]))


def _submitting_user(session: Session, route: domain.Route, data: dict[str, Any]) -> list[domain.Addressee]:
    user = session.get(KnownUser, str(data.get("submitted_by", "")))
    return [domain.Addressee(user.email, "", (user.language,))] if user else []


def _caseworkers(session: Session, route: domain.Route, data: dict[str, Any]) -> list[domain.Addressee]:
    """Active users holding network's caseworker role, and any shared mailbox the installation
    names in NOTIFY_CASEWORKERS."""
    # Accounts number in the hundreds at most: filtering the JSON roles here is cheap and avoids
    # dialect-specific JSON queries.
    active = session.scalars(select(KnownUser).where(KnownUser.active.is_(True)).order_by(KnownUser.email))
    staff = [(u.email, u.language) for u in active if domain.CASEWORKER_ROLE in u.roles]
    addresses = staff + [(address, "de") for address in caseworker_addresses()]
    return [domain.Addressee(email, "", (language,)) for email, language in addresses]


def _topic_subscribers(session: Session, route: domain.Route, data: dict[str, Any]) -> list[domain.Addressee]:
    districts = list(data.get("districts") or [])
    query = select(Recipient).where(Recipient.consent_confirmed_at.is_not(None)).order_by(Recipient.email)
    wanted = (
        r for r in session.scalars(query) if domain.wants(r.topics, r.districts, route.topic, districts)
    )
    return addressees_of(wanted)


_AUDIENCES = {
    domain.ORGANISATION_CONTACTS: _organisation_contacts,
    domain.SUBMITTING_USER: _submitting_user,
    domain.CASEWORKERS: _caseworkers,
    domain.TOPIC_SUBSCRIBERS: _topic_subscribers,
}


def plan_routed(
    session: Session, event: Envelope, kind: str, context: dict[str, Any], route_key: str | None = None
) -> int:
    """Plan ``kind`` for the audience and under the purpose the routing table gives the event."""
    route = domain.route_of(route_key or event.type)
    addressees = audience(session, route, event.data)
    return plan_emails(session, event, kind, addressees, context, purpose=route.purpose)


# --- Planning: the one choke point for consent and suppression ---


@dataclass
class Known:
    """What the database holds about a batch of addresses: suppressions and recipients."""

    suppressed: dict[str, str]
    recipients: dict[str, Recipient]

    def standing(self, address: str) -> domain.Standing:
        reason = self.suppressed.get(address) or self.suppressed.get(domain.erased_key(address), "")
        recipient = self.recipients.get(address)
        consent = recipient is not None and recipient.consent_confirmed_at is not None
        return domain.Standing(suppressed=reason, consent=consent)


def plan_emails(
    session: Session,
    event: Envelope,
    kind: str,
    addressees: Iterable[domain.Addressee],
    context: dict[str, Any],
    *,
    purpose: str,
    calendar: str = "",
) -> int:
    """One email per address for this event, however often the address appears; returns how many
    were planned to be sent.

    ``purpose`` is ``administrative`` (about the person's own matters: goes out without newsletter
    consent) or ``newsletter`` (needs a confirmed opt-in). An address that may not be mailed
    (suppressed, unsubscribed, no consent) gets a row with status ``suppressed`` and the reason in
    ``last_error``, never sent, so staff see why; an erased person's address gets no row at all.
    Newsletter mail for a contact who chose a digest becomes a digest item.
    """
    if purpose not in domain.PURPOSES:
        raise ValueError(f"purpose must be one of {domain.PURPOSES}, not {purpose!r}")
    unique = _unique(addressees, _planned_addresses(session, event.id))
    known = known_addresses(session, [a.email.lower() for a in unique])
    planned = 0
    for addressee in unique:
        address = addressee.email.lower()
        standing = known.standing(address)
        reason = domain.blocked(purpose, standing)
        if standing.suppressed == "erased":
            continue
        recipient = known.recipients.get(address)
        if reason:
            session.add(email_row(event, addressee, purpose, status="suppressed", last_error=reason))
        elif purpose == domain.NEWSLETTER and recipient is not None and recipient.digest != "none":
            _add_digest_item(session, event, kind, recipient, context)
        else:
            session.add(_pending_row(event, kind, addressee, purpose, recipient, context, calendar))
            planned += 1
    return planned


def _pending_row(
    event: Envelope,
    kind: str,
    addressee: domain.Addressee,
    purpose: str,
    recipient: Recipient | None,
    context: dict[str, Any],
    calendar: str,
) -> Email:
    """An email to send; newsletter mail to a subscriber carries the one-click unsubscribe link."""
    subscriber = purpose == domain.NEWSLETTER and recipient is not None
    unsubscribe = domain.one_click_url(recipient.preferences_url) if subscriber and recipient else ""
    rendered = render(kind, addressee, context)
    return email_row(event, addressee, purpose, rendered, calendar=calendar, unsubscribe_url=unsubscribe)


def _planned_addresses(session: Session, event_id: str) -> set[str]:
    return set(session.scalars(select(Email.recipient).where(Email.event_id == event_id)))


def _unique(addressees: Iterable[domain.Addressee], seen: set[str]) -> list[domain.Addressee]:
    unique = []
    for addressee in addressees:
        address = addressee.email.lower()
        if address not in seen:
            seen.add(address)
            unique.append(addressee)
    return unique


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def known_addresses(session: Session, addresses: list[str]) -> Known:
    keys = addresses + [domain.erased_key(a) for a in addresses]
    suppressed: dict[str, str] = {}
    for chunk in _chunks(keys):
        rows = session.execute(
            select(Suppression.address, Suppression.reason).where(
                Suppression.address.in_(chunk), Suppression.lifted_at.is_(None)
            )
        )
        suppressed.update({address: reason for address, reason in rows})
    recipients: dict[str, Recipient] = {}
    for chunk in _chunks(addresses):
        for recipient in session.scalars(select(Recipient).where(Recipient.email.in_(chunk))):
            # Two contact records with one address: consent on either counts.
            current = recipients.get(recipient.email)
            if current is None or current.consent_confirmed_at is None:
                recipients[recipient.email] = recipient
    return Known(suppressed, recipients)


def render(kind: str, addressee: domain.Addressee, context: dict[str, Any]) -> tuple[str, str, str, str]:
    language = domain.choose_language(list(addressee.languages), messages.languages_of(kind))
    subject, text, html = messages.render(kind, language, {**context, "name": addressee.name})
    return language, subject, text, html


def email_row(
    event: Envelope,
    addressee: domain.Addressee,
    purpose: str,
    rendered: tuple[str, str, str, str] = ("de", "", "", ""),
    status: str = "pending",
    last_error: str = "",
    calendar: str = "",
    unsubscribe_url: str = "",
) -> Email:
    address = addressee.email.lower()
    language, subject, text, html = rendered
    return Email(
        event_id=event.id,
        event_type=event.type,
        recipient=address,
        recipient_name=addressee.name,
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
        calendar=calendar,
        message_id=domain.message_id(event.id, address),
        purpose=purpose,
        unsubscribe_url=unsubscribe_url,
        correlation_id=event.correlation_id,
        status=status,
        last_error=last_error,
        next_attempt_at=utcnow(),
    )


def delivery_log(session: Session, event_id: str | None, recipient: str | None) -> list[Email]:
    query = select(Email).order_by(Email.id.desc()).limit(500)
    if event_id:
        query = query.where(Email.event_id == event_id)
    if recipient:
        query = query.where(Email.recipient == recipient.lower())
    return list(session.scalars(query))


def _add_digest_item(
    session: Session, event: Envelope, kind: str, recipient: Recipient, context: dict[str, Any]
) -> None:
    addressee = domain.Addressee(recipient.email, recipient.name, (recipient.language,))
    _language, subject, text, _html = render(kind, addressee, context)
    exists = select(DigestItem.id).where(
        DigestItem.event_id == event.id, DigestItem.contact_id == recipient.contact_id
    )
    if session.scalar(exists) is None:
        session.add(
            DigestItem(
                event_id=event.id,
                event_type=event.type,
                contact_id=recipient.contact_id,
                subject=subject,
                body_text=text,
            )
        )


# --- The suppression list ---


def suppress(session: Session, address: str, reason: str, source_event: str = "", detail: str = "") -> None:
    """Put an address on the list, unless it is already there (and not lifted)."""
    address = address.strip().lower()
    active = select(Suppression.id).where(Suppression.address == address, Suppression.lifted_at.is_(None))
    if session.scalar(active) is None:
        session.add(Suppression(address=address, reason=reason, source_event=source_event, detail=detail))


def suppressions(session: Session, address: str | None, include_lifted: bool) -> list[Suppression]:
    query = select(Suppression).order_by(Suppression.id.desc()).limit(500)
    if address:
        query = query.where(Suppression.address == address.strip().lower())
    if not include_lifted:
        query = query.where(Suppression.lifted_at.is_(None))
    return list(session.scalars(query))


def lift_suppression(session: Session, suppression_id: int, actor_id: str) -> Suppression:
    """Staff allow mail to the address again (e.g. the mailbox exists after all)."""
    suppression = session.get(Suppression, suppression_id)
    if suppression is None:
        raise NotFound("no such suppression", field="suppression_id")
    if suppression.lifted_at is not None:
        raise Conflict("this suppression was already lifted", field="suppression_id")
    if suppression.reason == "erased":
        raise Conflict("an erased person is never mailed again", field="suppression_id")
    suppression.lifted_at, suppression.lifted_by = utcnow(), actor_id
    return suppression
