"""Demo data: verified organisations with subscribed contacts, a registration waiting in the
verification queue (with a likely duplicate), and the four demo users.

``python -m services.network.demo``; refused when TEILHABE_ENV=production.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.network.domain.identity import DEMO_PASSWORD
from services.network.models import Organization
from services.network.services import identity, registry, taxonomies
from shared.demo import demo_id, run_loader

ORGANIZATIONS = [
    ("Brückenbau e.V.", "Köln-Mülheim", "Ayşe Yılmaz", "kontakt@bruecken.example", "tr"),
    ("Нова Хата – Ukrainischer Kulturverein", "Köln-Kalk", "Olena Kovalenko", "info@nova-hata.example", "uk"),
]
PROFILES: dict[str, dict[str, Any]] = {
    "Brückenbau e.V.": {
        "legal_form": "ev",
        "type": "migrant_organization",
        "street": "Keupstraße 12",
        "postal_code": "51063",
        "city": "Köln",
        "municipality": "Köln",
        "email": "kontakt@bruecken.example",
        "phone": "0221 123456",
        "website": "https://bruecken.example",
        "description": "Sprachcafé, Elternberatung und Hausaufgabenhilfe in Mülheim.",
        "fields_of_work": ["language", "parents", "education"],
        "languages": ["de", "tr", "kmr"],
        "target_groups": ["parents", "children", "new_arrivals"],
    },
    "Нова Хата – Ukrainischer Kulturverein": {
        "legal_form": "ev",
        "type": "cultural_association",
        "street": "Kalker Hauptstraße 80",
        "postal_code": "51103",
        "city": "Köln",
        "municipality": "Köln",
        "email": "info@nova-hata.example",
        "phone": "0221 987654",
        "description": "Kultur- und Beratungsangebote für Geflüchtete aus der Ukraine.",
        "fields_of_work": ["culture", "counselling", "refugees"],
        "languages": ["de", "uk", "ru"],
        "target_groups": ["refugees", "women", "children"],
    },
}
WAITING = [  # self-registered and confirmed, not yet verified: the staff queue has something to show
    (
        "Sportfreunde Chorweiler",
        "Köln-Chorweiler",
        {
            "legal_form": "ev",
            "type": "sports_club",
            "city": "Köln",
            "municipality": "Köln",
            "email": "vorstand@sportfreunde.example",
            "fields_of_work": ["sport", "youth"],
            "languages": ["de", "ar"],
            "target_groups": ["youth"],
        },
    ),
    (
        "Brueckenbau eV",
        "Köln-Mülheim",
        {  # a likely duplicate of Brückenbau e.V.
            "legal_form": "ev",
            "type": "migrant_organization",
            "city": "Köln",
            "municipality": "Köln",
            "phone": "+49 221 123456",
            "fields_of_work": ["language"],
            "languages": ["tr"],
        },
    ),
]
USERS = [
    ("applicant@verein.example", ["applicant"], [0]),
    ("caseworker@ki.example", ["caseworker"], []),
    ("approver@ki.example", ["approver"], []),
    ("admin@ki.example", ["admin"], []),
]


def load(session: Session) -> bool:
    if session.get(Organization, demo_id(ORGANIZATIONS[0][0])) is not None:
        return False
    taxonomies.seed(session)
    org_ids = [_verified(session, *row) for row in ORGANIZATIONS]
    for name, district, profile in WAITING:
        registry.register_organization(session, name, district, organization_id=demo_id(name), **profile)
    for email, roles, orgs in USERS:
        identity.create_user(session, email, DEMO_PASSWORD, roles, [org_ids[i] for i in orgs])
    return True


def _verified(session: Session, name: str, district: str, contact: str, email: str, language: str) -> str:
    organization = registry.register_organization(
        session, name, district, organization_id=demo_id(name), **PROFILES[name]
    )
    registry.verify_organization(session, organization.id, reason="Demo")
    person = registry.add_subscribed_contact(
        session,
        contact,
        email,
        language,
        [organization.id],
        topics=["funding_calls", "ki_events"],
        districts=[district],
    )
    person.affiliations[0].function = "Vorstand"
    return organization.id


if __name__ == "__main__":
    run_loader("network", load)
