"""The delivery log staff read: the emails of an event or to an address."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications.models import Email
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
