"""Programmes with their rules and yearly budgets, and the calls (Förderaufrufe) that open them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.funding.models.base import Base, new_id
from shared.db import UtcDateTime


class Programme(Base):
    __tablename__ = "programme"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    max_amount_cents: Mapped[int] = mapped_column(BigInteger)
    budgets: Mapped[list[ProgrammeBudget]] = relationship(cascade="all, delete-orphan")


class ProgrammeBudget(Base):
    """One year's budget and its ledger, all in cents.

    ``committed_cents``: approved amounts still bound; approval adds by one conditional UPDATE (see
    ``services.workflow.commit_budget``), closing a case subtracts what was not spent.
    ``paid_out_cents``: payouts approved so far. ``returned_cents``: unspent money given back when
    cases closed (already subtracted from committed). Available = budget − committed.
    """

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
    paid_out_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    returned_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


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
