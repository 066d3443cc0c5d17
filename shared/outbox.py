"""Transactional outbox: events are rows in the producer's database until each consumer confirms."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint, delete, event, select, update
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from shared.config import env_float
from shared.db import UtcDateTime, utcnow
from shared.events import Envelope, consumers_of, make_envelope
from shared.logging import get_correlation_id

log = logging.getLogger(__name__)

# send(task_name, envelope_dict, queue) puts one message on the broker.
Send = Callable[[str, dict[str, Any], str], None]

MAX_BACKOFF_FACTOR = 32


class OutboxMixin:
    """One row per (event, consumer): open until that consumer confirms it."""

    __tablename__ = "outbox"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:  # noqa: N805
        return (UniqueConstraint("event_id", "consumer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), index=True)
    event_type: Mapped[str] = mapped_column(String(120))
    consumer: Mapped[str] = mapped_column(String(50))
    envelope: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)


class Outbox:
    """The outbox of one producer service."""

    def __init__(self, producer: str, model: type[OutboxMixin]) -> None:
        self.producer = producer
        self.model = model

    @property
    def lease(self) -> timedelta:
        """How long a sent row waits for its confirmation before it is sent again."""
        return timedelta(seconds=env_float("OUTBOX_LEASE_SECONDS", 30.0))

    def record(self, session: Session, event_type: str, version: int, data: dict[str, Any]) -> Envelope:
        """Add the event to the caller's transaction, one row per consumer in the routing table."""
        envelope = make_envelope(event_type, version, data, self.producer, get_correlation_id())
        now = utcnow()
        for consumer in consumers_of(event_type):
            session.add(
                self.model(
                    event_id=envelope.id,
                    event_type=event_type,
                    consumer=consumer,
                    envelope=envelope.as_dict(),
                    created_at=now,
                    attempts=0,
                    next_attempt_at=now,
                )
            )
        session.info["outbox_recorded"] = True
        return envelope

    def relay(self, session: Session, send: Send, limit: int = 200) -> int:
        """Send what is due and push its next attempt out by the lease; returns how many."""
        now = utcnow()
        query = (
            select(self.model)
            .where(self.model.confirmed_at.is_(None), self.model.next_attempt_at <= now)
            .order_by(self.model.id)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = session.scalars(query).all()
        lease = self.lease
        for row in rows:
            send(f"{row.consumer}.handle_event", row.envelope, row.consumer)
            row.attempts += 1
            row.next_attempt_at = now + lease * min(2 ** (row.attempts - 1), MAX_BACKOFF_FACTOR)
        if rows:
            log.info("relayed events", extra={"fields": {"count": len(rows)}})
        return len(rows)

    def purge(self, session: Session, confirmed_before: datetime) -> int:
        """Forget rows their consumer confirmed before ``confirmed_before``: they will never be sent
        again, and their payloads (addresses, signed links) should not outlive their use."""
        result = session.execute(
            delete(self.model).where(
                self.model.confirmed_at.is_not(None), self.model.confirmed_at < confirmed_before
            )
        )
        return result.rowcount

    def confirm(self, session: Session, event_id: str, consumer: str) -> bool:
        result = session.execute(
            update(self.model)
            .where(
                self.model.event_id == event_id,
                self.model.consumer == consumer,
                self.model.confirmed_at.is_(None),
            )
            .values(confirmed_at=utcnow())
        )
        return result.rowcount > 0


def on_commit_with_events(session_factory: Any, callback: Callable[[], None]) -> None:
    """Call ``callback`` after each commit of a session that recorded outbox rows."""

    @event.listens_for(session_factory, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.info.pop("outbox_recorded", False):
            callback()

    @event.listens_for(session_factory, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop("outbox_recorded", None)
