"""Proof-of-use reports (Verwendungsnachweis) and their due dates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.funding.models.base import Base
from shared.db import UtcDateTime, utcnow


class ProofOfUse(Base):
    """An application's report, from the day it became due until it was accepted.

    The settlement columns are filled on acceptance (see ``domain.reports.settle``).
    """

    __tablename__ = "proof_of_use"

    application_id: Mapped[str] = mapped_column(ForeignKey("application.id"), primary_key=True)
    due_on: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    overdue_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    narrative: Mapped[str] = mapped_column(Text, default="")
    own_contribution_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    other_funding_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    submissions: Mapped[int] = mapped_column(Integer, default=0)
    submitted_by: Mapped[str | None] = mapped_column(String(36))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    review_comment: Mapped[str] = mapped_column(Text, default="")
    accepted_by: Mapped[str | None] = mapped_column(String(36))
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    funded_cents: Mapped[int | None] = mapped_column(BigInteger)
    returned_cents: Mapped[int | None] = mapped_column(BigInteger)
    repayment_claim_cents: Mapped[int | None] = mapped_column(BigInteger)
    balance_due_cents: Mapped[int | None] = mapped_column(BigInteger)
    actual_costs: Mapped[list[ActualCost]] = relationship(
        cascade="all, delete-orphan", order_by="ActualCost.position"
    )


class ActualCost(Base):
    """What was actually spent in one cost category, as the report states it."""

    __tablename__ = "actual_cost"

    application_id: Mapped[str] = mapped_column(ForeignKey("proof_of_use.application_id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(60))
    amount_cents: Mapped[int] = mapped_column(BigInteger)


class ReportReminder(Base):
    """One reminder sent (``days_before`` the due date); the key makes each step go out once."""

    __tablename__ = "report_reminder"

    application_id: Mapped[str] = mapped_column(ForeignKey("application.id"), primary_key=True)
    days_before: Mapped[int] = mapped_column(Integer, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
