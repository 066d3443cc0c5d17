"""Idempotent consuming: each event id is handled at most once per consumer, with its effect."""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from shared.db import UtcDateTime, transaction, utcnow
from shared.events import Envelope, InvalidEvent, load_envelope

log = logging.getLogger(__name__)

Handler = Callable[[Session, Envelope], None]
Handlers = dict[tuple[str, int], Handler]


class Outcome(enum.StrEnum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    DEAD_LETTER = "dead_letter"


class InboxMixin:
    __tablename__ = "inbox"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(120))
    handled_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DeadLetterMixin:
    """An event this consumer could not accept, kept with the reason for a person to look at."""

    __tablename__ = "dead_letter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    event_type: Mapped[str | None] = mapped_column(String(120))
    envelope: Mapped[Any] = mapped_column(JSON)
    errors: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Inbox:
    def __init__(
        self, consumer: str, record_model: type[InboxMixin], dead_letter_model: type[DeadLetterMixin]
    ) -> None:
        self.consumer = consumer
        self.record_model = record_model
        self.dead_letter_model = dead_letter_model

    def consume(self, factory: sessionmaker[Session], raw: object, handlers: Handlers) -> Outcome:
        """Validate, then run the handler and record the event id in one transaction."""
        try:
            envelope = load_envelope(raw)
            handler = handlers.get((envelope.type, envelope.version))
            if handler is None:
                raise InvalidEvent({"type": [f"{self.consumer} has no handler for this event"]})
        except InvalidEvent as exc:
            self._dead_letter(factory, raw, exc.errors)
            return Outcome.DEAD_LETTER
        try:
            with transaction(factory) as session:
                if session.get(self.record_model, envelope.id) is not None:
                    return Outcome.DUPLICATE
                session.add(
                    self.record_model(event_id=envelope.id, event_type=envelope.type, handled_at=utcnow())
                )
                session.flush()
                handler(session, envelope)
        except IntegrityError:
            # A parallel delivery of the same event committed first.
            if self.was_handled(factory, envelope.id):
                return Outcome.DUPLICATE
            raise
        return Outcome.HANDLED

    def was_handled(self, factory: sessionmaker[Session], event_id: str) -> bool:
        with factory() as session:
            return session.get(self.record_model, event_id) is not None

    def _dead_letter(self, factory: sessionmaker[Session], raw: object, errors: dict[str, Any]) -> None:
        event_id = raw.get("id") if isinstance(raw, dict) else None
        log.error(
            "event rejected into dead letters",
            extra={"fields": {"event_id": event_id, "errors": errors, "consumer": self.consumer}},
        )
        with transaction(factory) as session:
            model = self.dead_letter_model
            if event_id and session.scalar(select(model).where(model.event_id == str(event_id))):
                return
            session.add(
                model(
                    event_id=str(event_id)[:64] if event_id else None,
                    event_type=str(raw.get("type"))[:120] if isinstance(raw, dict) else None,
                    envelope=json.loads(json.dumps(raw, default=str)),
                    errors=json.dumps(errors, ensure_ascii=False),
                    received_at=utcnow(),
                )
            )
