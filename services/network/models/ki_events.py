"""KI events (trainings, network meetings, info sessions) and their participants' registrations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.network.models.base import Base, new_id
from shared.db import UtcDateTime, utcnow

EVENT_STATUSES = ("draft", "published", "cancelled")
REGISTRATION_STATUSES = ("confirmed", "waitlisted", "cancelled")


class KiEvent(Base):
    """Times are stored in UTC and shown in Europe/Berlin; ``sequence`` counts published revisions
    so calendar clients replace what they showed before (RFC 5545 SEQUENCE)."""

    __tablename__ = "ki_event"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int | None] = mapped_column(Integer)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    districts: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Registration(Base):
    """One participant of one KI event: confirmed, on the waiting list, or cancelled."""

    __tablename__ = "ki_event_registration"
    __table_args__ = (Index("ix_ki_event_registration_event_status", "event_id", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(ForeignKey("ki_event.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), index=True)
    language: Mapped[str] = mapped_column(String(8), default="de")
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
