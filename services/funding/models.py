"""Funding's tables: programmes with yearly budgets, calls, applications, audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import UtcDateTime, utcnow
from shared.messaging import event_stores
from shared.revocation import RevokedSessionsMixin


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class EligibleOrganization(Base):
    """Funding's read model of organisations network has verified (who may apply)."""

    __tablename__ = "eligible_organization"

    organization_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Programme(Base):
    __tablename__ = "programme"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    max_amount_cents: Mapped[int] = mapped_column(BigInteger)
    budgets: Mapped[list[ProgrammeBudget]] = relationship(cascade="all, delete-orphan")


class ProgrammeBudget(Base):
    """One year's budget; ``committed_cents`` only grows by a conditional UPDATE (see services)."""

    __tablename__ = "programme_budget"
    __table_args__ = (
        CheckConstraint(
            "committed_cents >= 0 AND committed_cents <= budget_cents", name="committed_within_budget"
        ),
    )

    programme_id: Mapped[str] = mapped_column(ForeignKey("programme.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_cents: Mapped[int] = mapped_column(BigInteger)
    committed_cents: Mapped[int] = mapped_column(BigInteger, default=0)


class Call(Base):
    """A Förderaufruf: applications to its programme are accepted between opens_at and closes_at."""

    __tablename__ = "funding_call"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    programme_id: Mapped[str] = mapped_column(ForeignKey("programme.id"))
    title: Mapped[str] = mapped_column(String(300))
    budget_year: Mapped[int] = mapped_column(Integer)
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime())
    programme: Mapped[Programme] = relationship()


class Application(Base):
    __tablename__ = "application"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    call_id: Mapped[str] = mapped_column(ForeignKey("funding_call.id"), index=True)
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    own_contribution_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    other_funding_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    requested_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    recommended_cents: Mapped[int | None] = mapped_column(BigInteger)
    approved_cents: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[str] = mapped_column(String(36))
    recommended_by: Mapped[str | None] = mapped_column(String(36))
    decided_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    call: Mapped[Call] = relationship()
    cost_lines: Mapped[list[CostLine]] = relationship(
        cascade="all, delete-orphan", order_by="CostLine.position"
    )


class CostLine(Base):
    __tablename__ = "cost_line"

    application_id: Mapped[str] = mapped_column(ForeignKey("application.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(500))
    amount_cents: Mapped[int] = mapped_column(BigInteger)


class AuditEntry(Base):
    """Append-only: who moved an application from which state to which, and why.

    Each entry carries the hash of the one before it (per application), so an edited, removed or
    reordered row breaks the chain that ``services.verify_audit_trail`` recomputes.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("application.id"), index=True)
    actor_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    previous_hash: Mapped[str] = mapped_column(String(64), server_default="")
    entry_hash: Mapped[str] = mapped_column(String(64), server_default="")


class RevokedSessions(RevokedSessionsMixin, Base):
    """Sessions network ended (from ``network.user.sessions_revoked``)."""


outbox, inbox = event_stores(Base, "funding")
OutboxMessage, InboxRecord, DeadLetter = outbox.model, inbox.record_model, inbox.dead_letter_model
