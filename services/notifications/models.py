"""Notifications' tables: its own copy of recipients, and one row per email sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import UtcDateTime, utcnow
from shared.messaging import event_stores
from shared.revocation import RevokedSessionsMixin


class Base(DeclarativeBase):
    pass


class Recipient(Base):
    """A contact person as network last told us (so mail goes out while network is down)."""

    __tablename__ = "recipient"

    contact_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="de")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    districts: Mapped[list[str]] = mapped_column(JSON, default=list)
    # network's signed link to the person's preference page, for the footer of every topic email
    preferences_url: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    organizations: Mapped[list[RecipientOrganization]] = relationship(cascade="all, delete-orphan")


class RecipientOrganization(Base):
    __tablename__ = "recipient_organization"

    contact_id: Mapped[str] = mapped_column(ForeignKey("recipient.contact_id"), primary_key=True)
    organization_id: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)


class Email(Base):
    """One message to one address for one event: pending → sending → sent | failed."""

    __tablename__ = "email"
    __table_args__ = (UniqueConstraint("event_id", "recipient"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), index=True)
    event_type: Mapped[str] = mapped_column(String(120))
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # an iCalendar invitation (METHOD:REQUEST/CANCEL) sent as its own part, empty for most emails
    calendar: Mapped[str] = mapped_column(Text, default="", server_default="")
    message_id: Mapped[str] = mapped_column(String(200))
    correlation_id: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RevokedSessions(RevokedSessionsMixin, Base):
    """Sessions network ended (from ``network.user.sessions_revoked``)."""


outbox, inbox = event_stores(Base, "notifications")
OutboxMessage, InboxRecord, DeadLetter = outbox.model, inbox.record_model, inbox.dead_letter_model
