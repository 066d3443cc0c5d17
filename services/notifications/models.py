"""Notifications' tables: its own copy of recipients (with consent, digest choice and the suppression
list), one row per email sent, and the items that wait for a digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
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
    # Newsletter consent: set by a confirmed opt-in (network's double opt-in), cleared on unsubscribe.
    consent_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    consent_source: Mapped[str] = mapped_column(String(40), default="", server_default="")
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # "none": each newsletter message on its own; "daily"/"weekly": collected into one digest.
    digest: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # When (network's envelope occurred_at) the newest event this row reflects happened: an older
    # event arriving late (e.g. a resync snapshot after an unsubscribe) changes nothing.
    as_of: Mapped[datetime | None] = mapped_column(UtcDateTime())
    organizations: Mapped[list[RecipientOrganization]] = relationship(cascade="all, delete-orphan")


class RecipientOrganization(Base):
    __tablename__ = "recipient_organization"

    contact_id: Mapped[str] = mapped_column(ForeignKey("recipient.contact_id"), primary_key=True)
    organization_id: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)


class Organization(Base):
    """An organisation as network's ``network.organization.changed`` last told us: its languages are
    the fallback for contact persons whose own language has no template."""

    __tablename__ = "organization"

    organization_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20))
    as_of: Mapped[datetime | None] = mapped_column(UtcDateTime())


class KiEventParticipant(Base):
    """A registration for a KI event (from ``network.event.registration_changed``): a participant
    hears of changes through their own message, so the announcement to subscribers skips them.
    Only a hash of the address is kept (``domain.address_key``): all that is needed is to recognise it."""

    __tablename__ = "ki_event_participant"

    registration_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ki_event_id: Mapped[str] = mapped_column(String(36), index=True)
    address_key: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))
    as_of: Mapped[datetime | None] = mapped_column(UtcDateTime())


class KnownUser(Base):
    """A network user as its events told us (``network.user.updated``; a password reset or an
    invitation tells the address), so emails about what that user did (e.g. submitted an
    application) or to staff by role (caseworkers) can reach them."""

    __tablename__ = "known_user"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(8), default="de")
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    # occurred_at of the network.user.updated applied last: an older one arriving late is ignored
    as_of: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Suppression(Base):
    """An address never mailed while the row is active (not lifted).

    ``address`` is the lowercased address, or ``sha256:<hex>`` of it for an erased person, so the
    list keeps them from being mailed without keeping their address.
    """

    __tablename__ = "suppression"
    __table_args__ = (Index("ix_suppression_address_lifted", "address", "lifted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    address: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")
    source_event: Mapped[str] = mapped_column(String(36), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    lifted_by: Mapped[str | None] = mapped_column(String(36))
    lifted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DigestItem(Base):
    """A newsletter message kept for a contact's digest instead of being sent on its own."""

    __tablename__ = "digest_item"
    __table_args__ = (UniqueConstraint("event_id", "contact_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(120))
    contact_id: Mapped[str] = mapped_column(String(36), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    # the item's iCalendar invitation (KI events), gathered into the digest's calendar
    calendar: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # the digest email's event id once the item was put into one; None while it waits
    digest_id: Mapped[str | None] = mapped_column(String(36), index=True)


class Email(Base):
    """One message to one address for one event: pending → sending → sent | failed, or suppressed
    (planned but never to be sent: no consent, unsubscribed, on the suppression list)."""

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
    # "administrative" (about the person's own matters) or "newsletter" (needs a confirmed opt-in)
    purpose: Mapped[str] = mapped_column(
        String(20), default="administrative", server_default="administrative"
    )
    # RFC 8058 one-click unsubscribe URL; set on every message to a subscriber
    unsubscribe_url: Mapped[str] = mapped_column(String(600), default="", server_default="")
    correlation_id: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Runs the server refused us (sender, login), not this recipient: never attempts, never a failure.
    deferrals: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RevokedSessions(RevokedSessionsMixin, Base):
    """Sessions network ended (from ``network.user.sessions_revoked``)."""


outbox, inbox = event_stores(Base, "notifications")
OutboxMessage, InboxRecord, DeadLetter = outbox.model, inbox.record_model, inbox.dead_letter_model
