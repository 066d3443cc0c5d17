"""Demo data: two programmes with their rules and this year's budgets, each with a published call.

"KOMM-AN NRW" pays the shortfall (costs − own − other) and wants 10 % own contribution, half of it
payable in volunteer hours at 15 €; "Integrationsfonds" pays 80 % of the eligible costs.

``python -m services.funding.demo``; refused when TEILHABE_ENV=production.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from services.funding.models import Call, Programme, ProgrammeBudget
from shared.db import utcnow
from shared.demo import demo_id, run_loader

CATEGORIES = ["personnel", "fees", "material", "rent", "travel", "public_relations"]
PROGRAMMES: dict[str, dict[str, Any]] = {
    "KOMM-AN NRW": {
        "description": "Ankommen und Teilhabe von Eingewanderten in den Kommunen (Fehlbedarfsfinanzierung).",
        "max_amount_cents": 2_500_000,
        "financing_type": "shortfall",
        "min_own_contribution_bp": 1_000,
        "volunteer_hour_rate_cents": 1_500,
        "volunteer_max_share_bp": 5_000,
        "eligible_categories": CATEGORIES,
    },
    "Integrationsfonds": {
        "description": "Kleine Projekte von Migrantenorganisationen (Anteilfinanzierung, 80 %).",
        "max_amount_cents": 1_000_000,
        "financing_type": "share",
        "funding_rate_bp": 8_000,
        "min_own_contribution_bp": 500,
        "volunteer_hour_rate_cents": 1_500,
        "eligible_categories": CATEGORIES,
    },
}
BUDGETS = {"KOMM-AN NRW": 15_000_000, "Integrationsfonds": 5_000_000}
SUMMARIES = {
    "KOMM-AN NRW": "Projekte für Begegnung, Beratung und Orientierung neu Zugewanderter im Stadtteil.",
    "Integrationsfonds": "Kleine Projekte von Migrantenorganisationen: Sprachcafés, Elternarbeit, Feste.",
}


def load(session: Session) -> bool:
    if session.get(Programme, demo_id("programme:KOMM-AN NRW")) is not None:
        return False
    for name, rules in PROGRAMMES.items():
        _programme_with_call(session, name, rules)
    return True


def _programme_with_call(session: Session, name: str, rules: dict[str, Any]) -> None:
    now = utcnow()
    programme_id = demo_id(f"programme:{name}")
    budget = ProgrammeBudget(year=now.year, budget_cents=BUDGETS[name], committed_cents=0)
    session.add(Programme(id=programme_id, name=name, budgets=[budget], **rules))
    session.add(
        Call(
            id=demo_id(f"call:{name}"),
            programme_id=programme_id,
            title=f"Förderaufruf {name} {now.year}",
            summary=SUMMARIES[name],
            budget_year=now.year,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=90),
            districts=[],
            state="published",
            published_at=now - timedelta(days=1),
        )
    )


if __name__ == "__main__":
    run_loader("funding", load)
