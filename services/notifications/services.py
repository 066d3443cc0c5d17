"""Notifications' use cases: keep recipients current, plan emails, deliver them."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.notifications import domain, messages
from services.notifications.mailer import Mailer, SmtpSettings, build_message
from services.notifications.models import Email, Recipient, RecipientOrganization
from shared.db import transaction, utcnow
from shared.events import Envelope

log = logging.getLogger(__name__)


def upsert_recipient(session: Session, data: dict[str, Any]) -> Recipient:
    recipient = session.get(Recipient, data["contact_id"]) or Recipient(contact_id=data["contact_id"])
    recipient.email = data["email"]
    recipient.name = data["name"]
    recipient.language = data["language"]
    recipient.topics = list(data["topics"])
    recipient.districts = list(data["districts"])
    recipient.updated_at = utcnow()
    recipient.organizations = [
        RecipientOrganization(organization_id=org) for org in sorted(set(data["organization_ids"]))
    ]
    session.add(recipient)
    return recipient


def contacts_of_organization(session: Session, organization_id: str) -> list[Recipient]:
    return list(
        session.scalars(
            select(Recipient)
            .join(RecipientOrganization)
            .where(RecipientOrganization.organization_id == organization_id)
            .order_by(Recipient.email)
        )
    )


def addressees_of(recipients: Iterable[Recipient]) -> list[domain.Addressee]:
    return [domain.Addressee(r.email, r.name, (r.language,)) for r in recipients]


def plan_emails(
    session: Session,
    event: Envelope,
    kind: str,
    addressees: Iterable[domain.Addressee],
    context: dict[str, Any],
) -> int:
    """One pending email per address for this event, however often the address appears."""
    available = messages.languages_of(kind)
    seen = set(session.scalars(select(Email.recipient).where(Email.event_id == event.id)))
    planned = 0
    for addressee in addressees:
        address = addressee.email.lower()
        if address in seen:
            continue
        seen.add(address)
        language = domain.choose_language(list(addressee.languages), available)
        subject, text, html = messages.render(kind, language, {**context, "name": addressee.name})
        session.add(
            Email(
                event_id=event.id,
                event_type=event.type,
                recipient=address,
                recipient_name=addressee.name,
                language=language,
                subject=subject,
                body_text=text,
                body_html=html,
                message_id=domain.message_id(event.id, address),
                correlation_id=event.correlation_id,
                status="pending",
                next_attempt_at=utcnow(),
            )
        )
        planned += 1
    return planned


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_pending(
    factory: sessionmaker[Session], smtp: SmtpSettings, event_id: str | None = None, limit: int = 200
) -> DeliveryReport:
    """Send what is due over one connection; each email's outcome is committed as it happens."""
    report = DeliveryReport()
    claimed = _claim_due(factory, event_id, limit)
    with Mailer(smtp) as mailer:
        for email_id in claimed:
            _send_one(factory, mailer, smtp.sender, email_id, report)
    return report


def _claim_due(factory: sessionmaker[Session], event_id: str | None, limit: int) -> list[int]:
    now = utcnow()
    with transaction(factory) as session:
        query = select(Email).where(Email.status == "pending", Email.next_attempt_at <= now)
        if event_id:
            query = query.where(Email.event_id == event_id)
        query = query.order_by(Email.id).limit(limit)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        emails = list(session.scalars(query))
        for email in emails:
            email.status, email.claimed_at = "sending", now
            email.attempts += 1
        return [email.id for email in emails]


def _send_one(
    factory: sessionmaker[Session], mailer: Mailer, sender: str, email_id: int, report: DeliveryReport
) -> None:
    with transaction(factory) as session:
        email = session.get(Email, email_id)
        message = build_message(email, sender)
    try:
        mailer.send(message)
    except smtplib.SMTPResponseException as exc:
        _record_failure(factory, email_id, exc.smtp_code, f"{exc.smtp_code} {exc.smtp_error!r}", report)
    except (smtplib.SMTPException, OSError) as exc:
        _record_failure(factory, email_id, None, f"{type(exc).__name__}: {exc}", report)
    else:
        with transaction(factory) as session:
            email = session.get(Email, email_id)
            email.status, email.sent_at, email.last_error = "sent", utcnow(), ""
        report.sent += 1


def _record_failure(
    factory: sessionmaker[Session], email_id: int, code: int | None, error: str, report: DeliveryReport
) -> None:
    with transaction(factory) as session:
        email = session.get(Email, email_id)
        email.last_error = error[:2000]
        if domain.is_transient(code) and email.attempts < domain.MAX_ATTEMPTS:
            email.status = "pending"
            email.next_attempt_at = utcnow() + domain.retry_delay(email.attempts)
            report.retrying += 1
        else:
            email.status = "failed"
            report.failed += 1
    log.warning("email %s not delivered: %s", email_id, error)


def stale_sending_to_pending(factory: sessionmaker[Session], older_than_seconds: float) -> int:
    """A worker died mid-send: the message may have gone out; resend it once, same Message-ID."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    with transaction(factory) as session:
        stale = list(
            session.scalars(select(Email).where(Email.status == "sending", Email.claimed_at < cutoff))
        )
        for email in stale:
            email.status = "pending" if email.attempts < domain.MAX_ATTEMPTS else "failed"
        return len(stale)


def delivery_log(session: Session, event_id: str | None, recipient: str | None) -> list[Email]:
    query = select(Email).order_by(Email.id.desc()).limit(500)
    if event_id:
        query = query.where(Email.event_id == event_id)
    if recipient:
        query = query.where(Email.recipient == recipient.lower())
    return list(session.scalars(query))


def unsubscribe_recipient(session: Session, contact_id: str) -> None:
    """No more topic mail; the person stays an addressee for their organisations' own matters."""
    recipient = session.get(Recipient, contact_id)
    if recipient is not None:
        recipient.topics, recipient.districts, recipient.updated_at = [], [], utcnow()


def erase_recipient(session: Session, contact_id: str) -> None:
    """Forget the person: no recipient row, nothing pending to them, no address in the log."""
    recipient = session.get(Recipient, contact_id)
    if recipient is None:
        return
    placeholder = f"erased-{contact_id}@invalid"
    for email in session.scalars(select(Email).where(Email.recipient == recipient.email.lower())):
        if email.status in ("pending", "sending"):
            email.status = "cancelled"
        email.recipient, email.recipient_name = placeholder, "gelöscht"
        email.body_text = email.body_html = ""
    session.delete(recipient)


def update_recipient_contact(session: Session, data: dict[str, Any]) -> None:
    """Network changed a person's name, email or language: keep our copy current, if we have one."""
    recipient = session.get(Recipient, data["contact_id"])
    if recipient is not None:
        recipient.name, recipient.email, recipient.language = data["name"], data["email"], data["language"]
        recipient.updated_at = utcnow()
