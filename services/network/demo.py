"""Demo data: two verified organisations with subscribed contacts, and the four demo users.

``python -m services.network.demo``; refused when TEILHABE_ENV=production.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.network.domain.identity import DEMO_PASSWORD
from services.network.models import Organization
from services.network.services import identity, registry
from shared.demo import demo_id, run_loader

ORGANIZATIONS = [
    ("Brückenbau e.V.", "Köln-Mülheim", "Ayşe Yılmaz", "kontakt@bruecken.example", "tr"),
    ("Нова Хата – Ukrainischer Kulturverein", "Köln-Kalk", "Olena Kovalenko", "info@nova-hata.example", "uk"),
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
    org_ids = []
    for name, district, contact, email, language in ORGANIZATIONS:
        organization = Organization(id=demo_id(name), name=name, district=district)
        session.add(organization)
        session.flush()
        registry.verify_organization(session, organization.id)
        registry.add_subscribed_contact(
            session,
            contact,
            email,
            language,
            [organization.id],
            topics=["funding_calls", "ki_events"],
            districts=[district],
        )
        org_ids.append(organization.id)
    for email, roles, orgs in USERS:
        identity.create_user(session, email, DEMO_PASSWORD, roles, [org_ids[i] for i in orgs])
    return True


if __name__ == "__main__":
    run_loader("network", load)
