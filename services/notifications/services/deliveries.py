"""The delivery log staff read: the emails of an event or to an address."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications.models import (
    Email,
)


def delivery_log(session: Session, event_id: str | None, recipient: str | None) -> list[Email]:
    query = select(Email).order_by(Email.id.desc()).limit(500)
    if event_id:
        query = query.where(Email.event_id == event_id)
    if recipient:
        query = query.where(Email.recipient == recipient.lower())
    return list(session.scalars(query))
