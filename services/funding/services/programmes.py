"""Programmes and calls: what is open for applications."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.funding.models import Call
from shared.db import utcnow


def list_open_calls(session: Session) -> list[Call]:
    now = utcnow()
    return list(
        session.scalars(
            select(Call).where(Call.opens_at <= now, Call.closes_at > now).order_by(Call.closes_at)
        )
    )
