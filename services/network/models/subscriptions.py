"""Subscriptions of contact persons to topics and districts, confirmed by double opt-in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from services.network.models.base import Base
from shared.db import UtcDateTime


class Subscription(Base):
    """What a person receives (``topics``/``districts``, active once ``confirmed_at`` is set), and
    a request still waiting for its confirmation link to be clicked (``pending_*``)."""

    __tablename__ = "subscription"

    contact_id: Mapped[str] = mapped_column(ForeignKey("contact_person.id"), primary_key=True)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    districts: Mapped[list[str]] = mapped_column(JSON, default=list)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    pending_topics: Mapped[list[str] | None] = mapped_column(JSON)
    pending_districts: Mapped[list[str] | None] = mapped_column(JSON)
    requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # "none", "daily" or "weekly": newsletter mail one by one or as a digest (notifications collects)
    digest: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
