"""The suppression list: addresses never mailed while an entry is active; staff may lift one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications.models import (
    Suppression,
)
from shared.db import utcnow
from shared.errors import Conflict, NotFound


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
