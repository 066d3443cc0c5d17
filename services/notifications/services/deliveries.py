"""The delivery log staff read: the emails of an event or to an address, and how long their
contents are kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from services.notifications.models import DigestItem, Email
from shared.paging import Page, page_of


def delivery_log(
    session: Session, event_id: str | None, recipient: str | None, page: int = 1, per_page: int = 20
) -> Page[Email]:
    """One page of the log, newest first, of one event and/or to one address."""
    query = select(Email).order_by(Email.id.desc())
    if event_id:
        query = query.where(Email.event_id == event_id)
    if recipient:
        query = query.where(Email.recipient == recipient.strip().lower())
    return page_of(session, query, page, per_page)


FINISHED = ("sent", "failed", "suppressed", "cancelled")


def forget_contents(session: Session, created_before: datetime) -> int:
    """Empty the bodies of finished emails created before ``created_before`` and drop the digest
    items already sent: they hold signed links and personal details nobody needs once the mail is
    out. The log keeps who, what subject, when and how it went. Returns how many emails."""
    emptied = session.execute(
        update(Email)
        .where(Email.status.in_(FINISHED), Email.created_at < created_before, Email.body_text != "")
        .values(body_text="", body_html="", calendar="", unsubscribe_url="")
    )
    session.execute(
        delete(DigestItem).where(DigestItem.digest_id.is_not(None), DigestItem.created_at < created_before)
    )
    return emptied.rowcount
