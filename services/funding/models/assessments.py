"""Caseworkers' assessments: the programme's checklist answered, comment, recommended amount."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.funding.models.base import Base, new_id
from shared.db import UtcDateTime, utcnow


class ChecklistItem(Base):
    """One question a caseworker answers for every application to the programme.

    Removing an item retires it (``retired_at``) instead of deleting it, so assessments that
    answered it keep their answer.
    """

    __tablename__ = "checklist_item"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    programme_id: Mapped[str] = mapped_column(ForeignKey("programme.id"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Assessment(Base):
    """The caseworker's assessment of one application; frozen once it was recommended (``completed_at``).

    ``assessor_*``: who saved it last; the recommendation writes its author here, so after it the
    assessor is the reviewer the decision letter names.
    """

    __tablename__ = "assessment"

    application_id: Mapped[str] = mapped_column(ForeignKey("application.id"), primary_key=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    recommended_cents: Mapped[int | None] = mapped_column(BigInteger)
    assessor_id: Mapped[str] = mapped_column(String(36))
    assessor_email: Mapped[str] = mapped_column(String(320), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answers: Mapped[list[AssessmentAnswer]] = relationship(
        cascade="all, delete-orphan", order_by="AssessmentAnswer.position"
    )


class AssessmentAnswer(Base):
    """An answer to one checklist item; ``item_text`` keeps the question as it read when answered."""

    __tablename__ = "assessment_answer"

    application_id: Mapped[str] = mapped_column(ForeignKey("assessment.application_id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("checklist_item.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    item_text: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(String(20))  # met | not_met | not_applicable
    note: Mapped[str] = mapped_column(Text, default="")
    item: Mapped[ChecklistItem] = relationship()
