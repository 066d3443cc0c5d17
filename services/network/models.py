"""Network's tables: organisations, contact persons, subscriptions, users and roles."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import UtcDateTime, utcnow
from shared.messaging import event_stores


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="registered")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ContactPerson(Base):
    __tablename__ = "contact_person"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), index=True)
    language: Mapped[str] = mapped_column(String(8), default="de")
    affiliations: Mapped[list[Affiliation]] = relationship(back_populates="contact")


class Affiliation(Base):
    """A contact person's role in one organisation; a person may have several."""

    __tablename__ = "affiliation"

    contact_id: Mapped[str] = mapped_column(ForeignKey("contact_person.id"), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    function: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[ContactPerson] = relationship(back_populates="affiliations")


class Subscription(Base):
    __tablename__ = "subscription"

    contact_id: Mapped[str] = mapped_column(ForeignKey("contact_person.id"), primary_key=True)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    districts: Mapped[list[str]] = mapped_column(JSON, default=list)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan")
    memberships: Mapped[list[Membership]] = relationship(cascade="all, delete-orphan")


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class Membership(Base):
    __tablename__ = "membership"

    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), primary_key=True)


outbox, inbox = event_stores(Base, "network")
OutboxMessage, InboxRecord, DeadLetter = outbox.model, inbox.record_model, inbox.dead_letter_model
