"""Who holds a place at a KI event: they hear of its changes through their own message about the
place (with its iCalendar update), so the announcement to subscribers leaves them out and nobody
gets the same change twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications import domain
from services.notifications.models import KiEventParticipant

HOLDING_A_PLACE = ("confirmed", "waitlisted")


def note_registration(session: Session, data: dict[str, Any], occurred_at: datetime) -> None:
    """The place of one registration as ``network.event.registration_changed`` tells it, unless a
    later event about it was applied already."""
    row = session.get(KiEventParticipant, str(data["registration_id"]), with_for_update=True)
    if row is not None and domain.older(occurred_at, row.as_of):
        return
    row = row or KiEventParticipant(registration_id=str(data["registration_id"]))
    row.ki_event_id, row.status, row.as_of = str(data["event_id"]), data["status"], occurred_at
    row.address_key = domain.address_key(data["email"])
    session.add(row)


def without_participants(
    session: Session, ki_event_id: str, addressees: list[domain.Addressee]
) -> list[domain.Addressee]:
    """``addressees`` less those holding a place at the event."""
    query = select(KiEventParticipant.address_key).where(
        KiEventParticipant.ki_event_id == str(ki_event_id), KiEventParticipant.status.in_(HOLDING_A_PLACE)
    )
    holding = set(session.scalars(query))
    return [a for a in addressees if domain.address_key(a.email) not in holding]
