"""Decision letters (Zuwendungs- and Ablehnungsbescheide) as issued: PDF bytes that never change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, event
from sqlalchemy.orm import Mapped, mapped_column

from services.funding.models.base import Base
from shared.db import UtcDateTime, utcnow


class DecisionLetter(Base):
    """One letter per decided application. A legal document: rows are written once and never changed
    (refused here for the ORM, and by a trigger in the database for UPDATE statements)."""

    __tablename__ = "decision_letter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("application.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(30))  # approval | rejection
    filename: Mapped[str] = mapped_column(String(200))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class LetterImmutable(Exception):
    """Someone tried to change or delete an issued decision letter."""


@event.listens_for(DecisionLetter, "before_update")
@event.listens_for(DecisionLetter, "before_delete")
def _refuse_change(_mapper: Any, _connection: Any, letter: DecisionLetter) -> None:
    raise LetterImmutable(f"decision letter {letter.id} was issued and must not change")
