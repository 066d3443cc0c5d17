"""Applications with their budget plan, funding's read model of eligible organisations, audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.funding.models.base import Base, new_id
from services.funding.models.programmes import Call
from shared.db import UtcDateTime, utcnow


class EligibleOrganization(Base):
    """Funding's read model of organisations network has verified (who may apply)."""

    __tablename__ = "eligible_organization"

    organization_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Application(Base):
    __tablename__ = "application"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    call_id: Mapped[str] = mapped_column(ForeignKey("funding_call.id"), index=True)
    organization_id: Mapped[str] = mapped_column(String(36), index=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="", server_default="")
    target_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    district: Mapped[str] = mapped_column(String(120), default="", server_default="", index=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    own_contribution_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    volunteer_hours: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    other_funding_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    requested_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    recommended_cents: Mapped[int | None] = mapped_column(BigInteger)
    approved_cents: Mapped[int | None] = mapped_column(BigInteger)
    # the application's own ledger after approval (see ProgrammeBudget for the programme's)
    paid_out_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    returned_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_by: Mapped[str] = mapped_column(String(36))
    recommended_by: Mapped[str | None] = mapped_column(String(36))
    decided_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    audit_head_hash: Mapped[str | None] = mapped_column(String(64))  # newest audit entry's hash
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


class BudgetVersion(Base):
    """The budget plan as it was submitted (number 1) and at each resubmission: never changed later."""

    __tablename__ = "budget_version"
    __table_args__ = (UniqueConstraint("application_id", "number", name="uq_budget_version_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("application.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # [{"category", "description", "amount_cents"}, …] in plan order
    cost_lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    total_cost_cents: Mapped[int] = mapped_column(BigInteger)
    own_contribution_cents: Mapped[int] = mapped_column(BigInteger)
    volunteer_hours: Mapped[int] = mapped_column(Integer)
    volunteer_value_cents: Mapped[int] = mapped_column(BigInteger)
    other_funding_cents: Mapped[int] = mapped_column(BigInteger)
    requested_cents: Mapped[int] = mapped_column(BigInteger)


class AuditEntry(Base):
    """Append-only: who moved an application from which state to which, and why.

    Each entry carries the hash of the one before it (per application), so an edited, removed or
    reordered row breaks the chain that ``services.verify_audit_trail`` recomputes. Changing or
    deleting an entry is refused here for the ORM and by triggers in the database for any statement.
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


class AuditEntryImmutable(Exception):
    """Someone tried to change or delete an entry of the audit trail."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(_mapper: Any, _connection: Any, entry: AuditEntry) -> None:
    raise AuditEntryImmutable(f"audit entry {entry.id} is part of the trail and must not change")
