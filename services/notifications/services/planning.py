"""Planning emails: the one choke point where consent and the suppression list are enforced, one
row per (event, address), rendered in the reader's language; newsletter mail for a digest reader
becomes a digest item."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications import domain, messages
from services.notifications.models import (
    DigestItem,
    Email,
    Recipient,
    Suppression,
)
from services.notifications.services.audiences import audience
from shared.db import utcnow
from shared.events import Envelope

CHUNK = 500  # addresses per IN (…) lookup


def plan_routed(
    session: Session, event: Envelope, kind: str, context: dict[str, Any], route_key: str | None = None
) -> int:
    """Plan ``kind`` for the audience and under the purpose the routing table gives the event."""
    route = domain.route_of(route_key or event.type)
    addressees = audience(session, route, event.data)
    return plan_emails(session, event, kind, addressees, context, purpose=route.purpose)


@dataclass
class Known:
    """What the database holds about a batch of addresses: suppressions and recipients."""

    suppressed: dict[str, str]
    recipients: dict[str, Recipient]

    def standing(self, address: str) -> domain.Standing:
        reason = self.suppressed.get(address) or self.suppressed.get(domain.address_key(address), "")
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
            _add_digest_item(session, event, kind, addressee, recipient, context, calendar)
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
    """An email to send; newsletter mail to a subscriber carries the one-click unsubscribe link in
    its headers and the link to their preference page in its footer."""
    unsubscribe = ""
    if purpose == domain.NEWSLETTER and recipient is not None:
        unsubscribe = domain.one_click_url(recipient.preferences_url)
        context = {**context, "preferences_url": recipient.preferences_url}
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
    keys = addresses + [domain.address_key(a) for a in addresses]
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


def _add_digest_item(
    session: Session,
    event: Envelope,
    kind: str,
    addressee: domain.Addressee,
    recipient: Recipient,
    context: dict[str, Any],
    calendar: str,
) -> None:
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
                calendar=calendar,
            )
        )
