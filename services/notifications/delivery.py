"""Delivery: send what is due over reused connections, paced by the rate limit; retry what may
succeed later, fail and suppress what will not.

A connection dropped after DATA is ambiguous (the server may have taken the message): the email goes
back to pending and is resent once due, with the same Message-ID, so the receiver can recognise the
duplicate. The same holds for a worker that died mid-send (``stale_sending_to_pending``).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.notifications import domain
from services.notifications.mailer import Mailer, RateLimiter, SmtpSettings, build_message
from services.notifications.models import Email
from services.notifications.services import known_addresses, suppress
from shared.db import transaction, utcnow

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    suppressed: int = 0


def deliver_pending(
    factory: sessionmaker[Session],
    smtp: SmtpSettings,
    event_id: str | None = None,
    limit: int = 200,
    limiter: RateLimiter | None = None,
) -> DeliveryReport:
    """Send what is due over one connection; each email's outcome is committed as it happens."""
    report = DeliveryReport()
    claimed = _claim_due(factory, event_id, limit, report)
    with Mailer(smtp, limiter) as mailer:
        for email_id in claimed:
            _send_one(factory, mailer, smtp.sender, email_id, report)
    return report


def _claim_due(
    factory: sessionmaker[Session], event_id: str | None, limit: int, report: DeliveryReport
) -> list[int]:
    now = utcnow()
    with transaction(factory) as session:
        query = select(Email).where(Email.status == "pending", Email.next_attempt_at <= now)
        if event_id:
            query = query.where(Email.event_id == event_id)
        query = query.order_by(Email.id).limit(limit)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        emails = list(session.scalars(query))
        # Checked again at sending time: an address may have been suppressed since it was planned.
        known = known_addresses(session, sorted({email.recipient for email in emails}))
        claimed = []
        for email in emails:
            reason = domain.blocked(email.purpose, known.standing(email.recipient))
            if reason:
                email.status, email.last_error = "suppressed", reason
                report.suppressed += 1
                continue
            email.status, email.claimed_at = "sending", now
            email.attempts += 1
            claimed.append(email.id)
        return claimed


def _send_one(
    factory: sessionmaker[Session], mailer: Mailer, sender: str, email_id: int, report: DeliveryReport
) -> None:
    with transaction(factory) as session:
        email = session.get(Email, email_id)
        message = build_message(email, sender)
    try:
        mailer.send(message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        _record_failure(factory, email_id, code, _text(code, reply), report)
    except smtplib.SMTPResponseException as exc:
        _record_failure(factory, email_id, exc.smtp_code, _text(exc.smtp_code, exc.smtp_error), report)
    except (smtplib.SMTPException, OSError) as exc:
        _record_failure(factory, email_id, None, f"{type(exc).__name__}: {exc}", report)
    else:
        with transaction(factory) as session:
            email = session.get(Email, email_id)
            email.status, email.sent_at, email.last_error = "sent", utcnow(), ""
        report.sent += 1


def _text(code: int, reply: bytes | str) -> str:
    return f"{code} {reply.decode('utf-8', 'replace') if isinstance(reply, bytes) else reply}"


def _record_failure(
    factory: sessionmaker[Session], email_id: int, code: int | None, error: str, report: DeliveryReport
) -> None:
    """4xx and dropped connections: again later with backoff, up to a limit; 5xx: failed at once,
    and an unknown mailbox goes on the suppression list."""
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
        if domain.is_unknown_mailbox(code, error):
            suppress(session, email.recipient, "unknown_mailbox", email.event_id, detail=error[:500])
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
