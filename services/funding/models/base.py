"""Funding's declarative base, id generator, outbox and inbox."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import DeclarativeBase

from shared.messaging import event_stores
from shared.revocation import RevokedSessionsMixin


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class RevokedSessions(RevokedSessionsMixin, Base):
    """Sessions network ended (from ``network.user.sessions_revoked``)."""


outbox, inbox = event_stores(Base, "funding")
OutboxMessage, InboxRecord, DeadLetter = outbox.model, inbox.record_model, inbox.dead_letter_model
