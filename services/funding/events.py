"""What funding publishes (payload builders) and consumes (HANDLERS)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.funding.models import Application, EligibleOrganization
from shared.db import utcnow
from shared.events import Envelope
from shared.inbox import Handlers


def _application(application: Application) -> dict[str, Any]:
    return {
        "application_id": application.id,
        "organization_id": application.organization_id,
        "programme_id": application.call.programme_id,
        "title": application.title,
        "submitted_by": application.created_by,
    }


def application_submitted(application: Application) -> dict[str, Any]:
    return {
        **_application(application),
        "requested_cents": application.requested_cents,
        "submitted_at": application.submitted_at.isoformat(),
    }


def application_recommended(application: Application) -> dict[str, Any]:
    return {
        **_application(application),
        "recommended_cents": application.recommended_cents,
        "recommended_by": application.recommended_by,
    }


def application_approved(application: Application) -> dict[str, Any]:
    return {
        **_application(application),
        "approved_cents": application.approved_cents,
        "budget_year": application.call.budget_year,
        "approved_by": application.decided_by,
        "decided_at": application.decided_at.isoformat(),
    }


def on_organization_verified(session: Session, event: Envelope) -> None:
    data = event.data
    organization = session.get(EligibleOrganization, data["organization_id"]) or EligibleOrganization(
        organization_id=data["organization_id"]
    )
    organization.name = data["name"]
    organization.district = data["district"]
    organization.status = "verified"
    organization.updated_at = utcnow()
    session.add(organization)


HANDLERS: Handlers = {
    ("network.organization.verified", 1): on_organization_verified,
}
