"""Digests: newsletter items collected per contact and closed day or week, each item in exactly one
digest email, in the contact's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications import domain, ical
from services.notifications.models import DigestItem, Email, Recipient
from services.notifications.services.organizations import languages_of_organizations
from services.notifications.services.planning import email_row, known_addresses, render
from shared.db import utcnow
from shared.events import Envelope


def assemble_digests(session: Session, now: datetime | None = None) -> int:
    """One digest email per contact and closed period, each waiting item in exactly one; returns
    how many digests were planned. Safe to run again: items once put in a digest are not taken again
    and the digest's email is unique per (digest id, address)."""
    now = now or utcnow()
    waiting = select(DigestItem).where(DigestItem.digest_id.is_(None)).order_by(DigestItem.id)
    groups: dict[tuple[str, str, str], list[DigestItem]] = {}
    recipients: dict[str, Recipient | None] = {}
    for item in session.scalars(waiting):
        if item.contact_id not in recipients:
            recipients[item.contact_id] = session.get(Recipient, item.contact_id)
        recipient = recipients[item.contact_id]
        choice = recipient.digest if recipient and recipient.digest != "none" else "daily"
        period = domain.digest_period(choice, item.created_at)
        if domain.period_closed(choice, period, now):
            groups.setdefault((item.contact_id, choice, period), []).append(item)
    for (contact_id, choice, period), items in groups.items():
        _plan_digest(session, recipients[contact_id], choice, period, items)
    return len(groups)


def _plan_digest(
    session: Session, recipient: Recipient | None, choice: str, period: str, items: list[DigestItem]
) -> None:
    digest_id = domain.digest_id(items[0].contact_id, choice, period, items[0].id)
    for item in items:
        item.digest_id = digest_id
    if recipient is None:
        return  # erased meanwhile: the items are spent, nothing is sent
    event = Envelope("notifications.digest", 1, "notifications", {}, id=digest_id)
    context = {
        "frequency": choice,
        "period": domain.period_label(choice, period),
        "items": [{"subject": i.subject, "text": i.body_text} for i in items],
        "preferences_url": recipient.preferences_url,
    }
    fallback = languages_of_organizations(session, [recipient.contact_id]).get(recipient.contact_id, [])
    addressee = domain.Addressee(recipient.email, recipient.name, (recipient.language, *fallback))
    calendar = ical.digest_calendar([item.calendar for item in items if item.calendar])
    _plan_digest_email(session, event, addressee, context, calendar)


def _plan_digest_email(
    session: Session, event: Envelope, addressee: domain.Addressee, context: dict[str, Any], calendar: str
) -> None:
    # Newsletter mail, so the same consent and suppression rule as plan_emails (which would turn it
    # into a digest item again); sending checks the list once more.
    known = known_addresses(session, [addressee.email.lower()])
    reason = domain.blocked(domain.NEWSLETTER, known.standing(addressee.email.lower()))
    if reason or session.scalar(select(Email.id).where(Email.event_id == event.id)):
        return
    recipient = known.recipients.get(addressee.email.lower())
    unsubscribe = domain.one_click_url(recipient.preferences_url) if recipient else ""
    rendered = render("digest", addressee, context)
    session.add(
        email_row(
            event,
            addressee,
            domain.NEWSLETTER,
            rendered=rendered,
            calendar=calendar,
            unsubscribe_url=unsubscribe,
        )
    )
