"""Payout requests (Mittelabruf) against an approved application."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.funding.models.base import Base, new_id
from shared.db import UtcDateTime, utcnow


class Payout(Base):
    """One request for money: pending until an approver approves or rejects it.

    Approving adds the amount to ``Application.paid_out_cents`` and ``ProgrammeBudget.paid_out_cents``.
    """

    __tablename__ = "payout"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="payout_amount_positive"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("application.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    requested_by: Mapped[str] = mapped_column(String(36))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(36))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision_comment: Mapped[str] = mapped_column(Text, default="")
