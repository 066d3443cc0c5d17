"""Programmes with their rules and yearly budgets, and the calls (Förderaufrufe) that open them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.funding.models.base import Base, new_id
from shared.db import UtcDateTime


class Programme(Base):
    """A funding programme; its rules are data here, applied by ``domain.rules``.

    Percentages are basis points (1000 = 10 %). ``financing_type``: ``shortfall`` (costs − own −
    other), ``share`` (``funding_rate_bp`` of the eligible costs) or ``fixed`` (``fixed_amount_cents``).
    Volunteer hours count towards the own contribution at ``volunteer_hour_rate_cents`` (0: not at
    all), covering at most ``volunteer_max_share_bp`` of the required minimum.
    """

    __tablename__ = "programme"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    max_amount_cents: Mapped[int] = mapped_column(BigInteger)
    financing_type: Mapped[str] = mapped_column(String(20), default="shortfall", server_default="shortfall")
    funding_rate_bp: Mapped[int | None] = mapped_column(Integer)
    fixed_amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    min_own_contribution_bp: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    volunteer_hour_rate_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    volunteer_max_share_bp: Mapped[int] = mapped_column(Integer, default=10_000, server_default="10000")
    # Empty: every category is eligible.
    eligible_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    budgets: Mapped[list[ProgrammeBudget]] = relationship(
        cascade="all, delete-orphan", order_by="ProgrammeBudget.year"
    )


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
    """A Förderaufruf: once published, applications are accepted between opens_at and closes_at (UTC).

    ``districts`` it is addressed to; empty means all. Only a ``draft`` call may be edited.
    """

    __tablename__ = "funding_call"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    programme_id: Mapped[str] = mapped_column(ForeignKey("programme.id"))
    title: Mapped[str] = mapped_column(String(300))
    budget_year: Mapped[int] = mapped_column(Integer)
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime())
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    districts: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft", index=True)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    programme: Mapped[Programme] = relationship()
