"""The declarative base of network's database, and its event stores."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import DeclarativeBase

from shared.messaging import event_stores


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


outbox, inbox = event_stores(Base, "network")
OutboxMessage, InboxRecord, DeadLetter = outbox.model, inbox.record_model, inbox.dead_letter_model
