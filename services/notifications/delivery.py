"""Delivery: send what is due over reused connections, paced by the rate limit; retry what may
succeed later, fail and suppress what will not.

A connection dropped after DATA is ambiguous (the server may have taken the message): the email goes
back to pending and is resent once due, with the same Message-ID, so the receiver can recognise the
duplicate. The same holds for a worker that died mid-send (``stale_sending_to_pending``).

A run claims a batch at once, but each email is confirmed as still this run's (not given up by the
lease sweep and claimed by another worker, not cancelled by an erasure) and still allowed (not
suppressed, consent not withdrawn) right before it is sent; confirming renews its lease.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from celery import current_task
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.notifications import domain
from services.notifications.mailer import Mailer, RateLimiter, ServerProblem, SmtpSettings, build_message
from services.notifications.models import Email
from services.notifications.services.planning import known_addresses
from services.notifications.services.suppressions import suppress
from shared.celery import nudge
from shared.db import transaction, utcnow

log = logging.getLogger(__name__)

SEND_TASK, QUEUE = "notifications.send_pending", "notifications"


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    suppressed: int = 0
    skipped: int = 0  # no longer this run's when its turn came (lease given up, or cancelled)
    deferred: int = 0  # the server refused us, not the recipient: pending again, later
    full: bool = False  # the batch was full, so more may be due


@dataclass(frozen=True)
class _Claim:
    """The emails a run set to "sending", all with ``claimed_at`` = ``at``."""

    at: datetime
    ids: list[int]


@dataclass(frozen=True)
class _Lease:
    """One email confirmed for sending now; ``at`` is its renewed ``claimed_at``."""

    email_id: int
    at: datetime
    message: EmailMessage


def deliver_pending(
    factory: sessionmaker[Session],
    smtp: SmtpSettings,
    event_id: str | None = None,
    limit: int = 200,
    limiter: RateLimiter | None = None,
    requeue: Callable[[], None] | None = None,
) -> DeliveryReport:
    """Send what is due over one connection; each email's outcome is committed as it happens.

    After a full batch ``requeue`` runs (default: ``queue_next_run``), so a fan-out drains without
    waiting for the beat sweep; not after the server refused us, which waits for its backoff.
    """
    report = DeliveryReport()
    claim = _claim_due(factory, event_id, limit, report)
    with Mailer(smtp, limiter) as mailer:
        _send_claimed(factory, mailer, smtp.sender, claim, report)
    if report.full and not report.deferred:
        (requeue or queue_next_run)()
    return report


def queue_next_run() -> None:
    """In a worker, the send task again at once (no ETA); outside one (scripts, tests) nothing."""
    if current_task:
        nudge(current_task.app, SEND_TASK, QUEUE)


def _claim_due(
    factory: sessionmaker[Session], event_id: str | None, limit: int, report: DeliveryReport
) -> _Claim:
    now = utcnow()
    with transaction(factory) as session:
        query = select(Email).where(Email.status == "pending", Email.next_attempt_at <= now)
        if event_id:
            query = query.where(Email.event_id == event_id)
        query = query.order_by(Email.id).limit(limit)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        emails = list(session.scalars(query))
        report.full = len(emails) == limit
        # Checked again at claiming and at sending time: an address may have been suppressed since.
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
        return _Claim(now, claimed)


def _send_claimed(
    factory: sessionmaker[Session], mailer: Mailer, sender: str, claim: _Claim, report: DeliveryReport
) -> None:
    for position, email_id in enumerate(claim.ids):
        mailer.wait_turn()  # before confirming: the wait may be long, the lease runs meanwhile
        lease = _confirm(factory, email_id, claim.at, sender, report)
        if lease is None:
            continue
        try:
            _send_one(factory, mailer, lease, report)
        except ServerProblem as problem:
            held = [(email_id, lease.at)] + [(later, claim.at) for later in claim.ids[position + 1 :]]
            _defer(factory, held, str(problem), report)
            log.error("SMTP server refused us, not the recipients; %d emails wait: %s", len(held), problem)
            return


def _ours(session: Session, email_id: int, claimed_at: datetime) -> Email | None:
    """The email if this run still holds it (locked on PostgreSQL until the transaction ends)."""
    query = select(Email).where(
        Email.id == email_id, Email.status == "sending", Email.claimed_at == claimed_at
    )
    return session.scalars(query.with_for_update()).one_or_none()


def _confirm(
    factory: sessionmaker[Session], email_id: int, claimed_at: datetime, sender: str, report: DeliveryReport
) -> _Lease | None:
    """Right before sending: still ours and still allowed? Then renew the lease and build it."""
    with transaction(factory) as session:
        email = _ours(session, email_id, claimed_at)
        if email is None:
            report.skipped += 1
            return None
        standing = known_addresses(session, [email.recipient]).standing(email.recipient)
        reason = domain.blocked(email.purpose, standing)
        if reason:
            email.status, email.last_error, email.attempts = "suppressed", reason, email.attempts - 1
            report.suppressed += 1
            return None
        email.claimed_at = utcnow()
        return _Lease(email_id, email.claimed_at, build_message(email, sender))


def _send_one(factory: sessionmaker[Session], mailer: Mailer, lease: _Lease, report: DeliveryReport) -> None:
    """Raises ServerProblem (nothing recorded) when the fault is not the recipient's."""
    try:
        mailer.send(lease.message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        _record_failure(factory, lease, code, _text(code, reply), report, refused_recipient=True)
    except smtplib.SMTPResponseException as exc:
        _record_failure(factory, lease, exc.smtp_code, _text(exc.smtp_code, exc.smtp_error), report)
    except (smtplib.SMTPException, OSError) as exc:
        _record_failure(factory, lease, None, f"{type(exc).__name__}: {exc}", report)
    else:
        _record_sent(factory, lease, report)


def _text(code: int, reply: bytes | str) -> str:
    return f"{code} {reply.decode('utf-8', 'replace') if isinstance(reply, bytes) else reply}"


def _record_sent(factory: sessionmaker[Session], lease: _Lease, report: DeliveryReport) -> None:
    with transaction(factory) as session:
        email = session.get(Email, lease.email_id, with_for_update=True)
        # Pending: the lease ran out while the server took it; marked sent, it will not go twice.
        if email.status == "pending" or (email.status == "sending" and email.claimed_at == lease.at):
            email.status, email.sent_at, email.last_error = "sent", utcnow(), ""
        else:
            log.warning("email %s was sent after its lease ran out and is now %s", email.id, email.status)
    report.sent += 1


def _defer(
    factory: sessionmaker[Session], held: list[tuple[int, datetime]], error: str, report: DeliveryReport
) -> None:
    """What this run still holds goes back to pending, with the attempt given back and a backoff
    growing with each refused run: no recipient is suppressed or failed for the server's refusal."""
    with transaction(factory) as session:
        emails = [email for email in (_ours(session, i, at) for i, at in held) if email is not None]
        deferrals = max((email.deferrals for email in emails), default=0) + 1
        due = utcnow() + domain.retry_delay(deferrals)
        for email in emails:
            email.status, email.next_attempt_at, email.last_error = "pending", due, f"server: {error}"[:2000]
            email.attempts, email.deferrals = email.attempts - 1, deferrals
        report.deferred += len(emails)


def _record_failure(
    factory: sessionmaker[Session],
    lease: _Lease,
    code: int | None,
    error: str,
    report: DeliveryReport,
    refused_recipient: bool = False,
) -> None:
    """4xx and dropped connections: again later with backoff, up to a limit; 5xx: failed at once.
    Only a RCPT refusal can mean an unknown mailbox, which goes on the suppression list."""
    with transaction(factory) as session:
        email = _ours(session, lease.email_id, lease.at)
        if email is None:
            return  # the lease ran out meanwhile; whoever holds the email now decides
        email.last_error = error[:2000]
        if domain.is_transient(code) and email.attempts < domain.MAX_ATTEMPTS:
            email.status = "pending"
            email.next_attempt_at = utcnow() + domain.retry_delay(email.attempts)
            report.retrying += 1
        else:
            email.status = "failed"
            report.failed += 1
        if refused_recipient and domain.is_unknown_mailbox(code, error):
            suppress(session, email.recipient, "unknown_mailbox", email.event_id, detail=error[:500])
    log.warning("email %s not delivered: %s", lease.email_id, error)


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
