"""Demo data: a programme with this year's budget and a call open for three months.

``python -m services.funding.demo``; refused when TEILHABE_ENV=production.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from services.funding.models import Call, Programme, ProgrammeBudget
from shared.db import utcnow
from shared.demo import demo_id, run_loader


def load(session: Session) -> bool:
    programme_id = demo_id("programme:KOMM-AN NRW")
    if session.get(Programme, programme_id) is not None:
        return False
    now = utcnow()
    session.add(
        Programme(
            id=programme_id,
            name="KOMM-AN NRW",
            max_amount_cents=2_500_000,
            budgets=[ProgrammeBudget(year=now.year, budget_cents=15_000_000, committed_cents=0)],
        )
    )
    session.add(
        Call(
            id=demo_id("call:KOMM-AN NRW"),
            programme_id=programme_id,
            title=f"Förderaufruf KOMM-AN NRW {now.year}",
            budget_year=now.year,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=90),
        )
    )
    return True


if __name__ == "__main__":
    run_loader("funding", load)
